//! The Type 3 model through the public API: every command it implements,
//! its state transitions and the return codes of bad requests.

use std::time::{Duration, Instant};

use super::dc::{self, Extent};
use super::type3::{self, Type3};
use super::{Component, ResetKind};
use cxlmi::cci::{Opcode, ResponseSize};
use cxlmi::commands::generic::*;
use cxlmi::commands::memdev::*;
use cxlmi::error::{Error, Result};
use cxlmi::log::Logger;
use cxlmi::types::cxlmi_cmd_retcode::*;
use cxlmi::types::*;
use cxlmi::wire::Wire;
use cxlmi::{Context, Endpoint, Tunnel};

const T: Tunnel = Tunnel::None;

/// An endpoint on `t3`, its background operations shortened for tests.
fn open_with(mut t3: Type3) -> Endpoint {
    t3.common.background_unit = Duration::from_millis(250);
    crate::open_component(&Context::new(Logger::stderr(0)), Box::new(t3), "test type3".into())
}

fn open() -> Endpoint {
    open_with(Type3::new())
}

/// The CXL return code a command failed with.
fn rc<T: core::fmt::Debug>(r: Result<T>) -> u16 {
    match r {
        Err(Error::Device(c)) => c,
        other => panic!("expected a device error, got {other:?}"),
    }
}

fn code(c: cxlmi_cmd_retcode) -> u16 {
    c as u16
}

/// Sends raw payload bytes for `op` and returns the return code (0 on success).
fn raw(ep: &mut Endpoint, op: u16, payload: &[u8]) -> u16 {
    let r = ep.transact(T, Opcode(op), payload.len(), |p| p.copy_from_slice(payload), ResponseSize::between(0, 4096));
    match r {
        Ok(_) => 0,
        Err(Error::Device(c)) => c,
        Err(e) => panic!("{op:04x}: {e:?}"),
    }
}

fn bg_status(ep: &mut Endpoint) -> cxlmi_cmd_bg_op_status_rsp {
    ep.execute::<BgOpStatus>(T, &()).unwrap()
}

/// Polls Background Operation Status until nothing runs; returns the last status.
fn wait_idle(ep: &mut Endpoint) -> cxlmi_cmd_bg_op_status_rsp {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let s = bg_status(ep);
        if s.status & 1 == 0 {
            return s;
        }
        assert!(Instant::now() < deadline, "background operation never finished");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn poison_list(ep: &mut Endpoint, addr: u64, len: u64) -> Vec<(u64, u32)> {
    let req =
        cxlmi_cmd_memdev_get_poison_list_req { get_poison_list_phy_addr: addr, get_poison_list_phy_addr_len: len };
    let list = ep.execute::<GetPoisonList>(T, &req).unwrap();
    list.entries().map(|r| (r.media_err_addr, r.media_err_len)).collect()
}

fn inject(ep: &mut Endpoint, dpa: u64) -> Result<()> {
    ep.execute::<InjectPoison>(T, &cxlmi_cmd_memdev_inject_poison_req { inject_poison_phy_addr: dpa })
}

fn clear(ep: &mut Endpoint, dpa: u64) -> Result<()> {
    ep.execute::<ClearPoison>(
        T,
        &cxlmi_cmd_memdev_clear_poison_req { clear_poison_phy_addr: dpa, clear_poison_write_data: [0; 64] },
    )
}

fn set_lsa(ep: &mut Endpoint, offset: u32, data: &[u8]) -> Result<()> {
    let head = cxlmi_cmd_memdev_set_lsa_req { offset, rsvd: 0, data: [] };
    ep.execute::<SetLsa>(T, &WithData { head, data })
}

fn get_lsa(ep: &mut Endpoint, offset: u32, length: u32) -> Result<Vec<u8>> {
    ep.execute::<GetLsa>(T, &cxlmi_cmd_memdev_get_lsa_req { offset, length }).map(|b| b.to_vec())
}

fn events(ep: &mut Endpoint, log: u8) -> (u8, Vec<cxlmi_event_record>) {
    let l = ep.execute::<GetEventRecords>(T, &cxlmi_cmd_get_event_records_req { event_log: log }).unwrap();
    (l.head.flags, l.entries().collect())
}

fn clear_events(ep: &mut Endpoint, log: u8, all: bool, handles: &[u16]) -> Result<()> {
    let head = cxlmi_cmd_clear_event_records_req {
        event_log: log,
        clear_flags: u8::from(all),
        nr_recs: 0,
        reserved: [0; 3],
        handles: [],
    };
    ep.execute::<ClearEventRecords>(T, &ClearEventRecordsInput { head, handles })
}

#[test]
fn identify_reports_consistent_capacities_and_limits() {
    let mut ep = open();
    let id = ep.execute::<MemdevIdentify>(T, &()).unwrap();
    let rev: Vec<u8> = id.fw_revision.iter().map(|&c| c as u8).take_while(|&b| b != 0).collect();
    assert_eq!(rev, b"EMU 1.0.0");
    assert_eq!(({ id.total_capacity }, { id.volatile_capacity }, { id.persistent_capacity }), (8, 2, 2));
    assert_eq!({ id.partition_align }, 1);
    assert_eq!({ id.lsa_size } as usize, type3::LSA_SIZE);
    assert_eq!(id.poison_list_max_mer, [type3::POISON_LIST_MAX as u8, 0, 0]);
    assert_eq!({ id.inject_poison_limit } as usize, type3::INJECT_POISON_LIMIT);
    assert_eq!({ id.info_event_log_size } as usize, type3::EVENT_LOG_SIZE);
    #[cfg(not(feature = "cxl2_0"))]
    assert_eq!({ id.dc_event_log_size } as usize, type3::EVENT_LOG_SIZE);
    // The partitions add up to the total.
    let p = ep.execute::<GetPartitionInfo>(T, &()).unwrap();
    assert_eq!({ p.active_vmem } + { p.active_pmem }, 8);
    // Generic identify says Type 3.
    assert_eq!(ep.execute::<Identify>(T, &()).unwrap().component_type, 3);
}

#[test]
fn cel_effects_follow_the_table() {
    let mut ep = open();
    let size = ep.execute::<GetSupportedLogs>(T, &()).unwrap().entries().next().unwrap().log_size;
    let req = cxlmi_cmd_get_log_req { uuid: cxlmi::commands::generic::CEL_UUID, offset: 0, length: size };
    let cel: Vec<(u16, u16)> =
        ep.execute::<GetLogCel>(T, &req).unwrap().entries().map(|e| (e.opcode, e.command_effect)).collect();
    let effect = |op: u16| cel.iter().find(|e| e.0 == op).map(|e| e.1);
    use super::effects::*;
    assert_eq!(effect(0x4400).unwrap() & (BACKGROUND_OPERATION | ABORTABLE), BACKGROUND_OPERATION | ABORTABLE);
    assert_eq!(effect(0x4304).unwrap() & BACKGROUND_OPERATION, BACKGROUND_OPERATION);
    assert_eq!(effect(0x4501).unwrap(), SECURITY_STATE_CHANGE);
    assert_eq!(effect(0x4000), Some(NONE));
    assert_eq!(effect(0x0101), Some(IMMEDIATE_LOG_CHANGE));
    for op in [0x0100, 0x0200, 0x0201, 0x0202, 0x0500, 0x0501, 0x0502, 0x4102, 0x4103, 0x4505, 0x4800, 0x4803] {
        assert!(effect(op).is_some(), "{op:04x} missing from the CEL");
    }
    // What is not implemented is neither listed nor answered.
    assert_eq!(effect(0x4402), None);
    assert_eq!(rc(ep.execute::<GetSldQosControl>(T, &())), code(CXLMI_RET_UNSUPPORTED));
}

fn set_partition(ep: &mut Endpoint, share: u64, flags: u8) -> Result<()> {
    ep.execute::<SetPartitionInfo>(T, &cxlmi_cmd_memdev_set_partition_info_req { volatile_capacity: share, flags })
}

/// Get Partition Info as (active volatile, active persistent, next volatile, next persistent).
fn partition(ep: &mut Endpoint) -> (u64, u64, u64, u64) {
    let p = ep.execute::<GetPartitionInfo>(T, &()).unwrap();
    ({ p.active_vmem }, { p.active_pmem }, { p.next_vmem }, { p.next_pmem })
}

// The device: 8 units in all, 2 volatile-only, 2 persistent-only, so 4
// partitionable; Set Partition Info gives the volatile share of those 4.

#[test]
fn set_partition_divides_the_partitionable_capacity() {
    let mut ep = open();
    assert_eq!(partition(&mut ep), (4, 4, 0, 0), "half the partitionable capacity each way, nothing pending");
    // (share, next volatile, next persistent)
    for (share, v, p) in [(0, 2, 6), (1, 3, 5), (4, 6, 2), (2, 4, 4)] {
        set_partition(&mut ep, share, 0).unwrap();
        assert_eq!(partition(&mut ep), (4, 4, v, p), "share {share}: active until the next cold reset");
    }
    // More than the partitionable capacity changes nothing.
    for share in [5, 8, u64::MAX] {
        assert_eq!(rc(set_partition(&mut ep, share, 0)), code(CXLMI_RET_INPUT), "{share}");
    }
    assert_eq!(partition(&mut ep), (4, 4, 4, 4));
    // Reserved flag bits.
    assert_eq!(rc(set_partition(&mut ep, 1, 0x80)), code(CXLMI_RET_INPUT));
    assert_eq!(rc(set_partition(&mut ep, 1, 0x02)), code(CXLMI_RET_INPUT));
    assert_eq!(partition(&mut ep), (4, 4, 4, 4));
    // What ndctl's `cxl set-partition -t pmem` sends with no size: all to persistent.
    set_partition(&mut ep, 0, 0).unwrap();
    assert_eq!(partition(&mut ep), (4, 4, 2, 6));
}

#[test]
fn set_partition_takes_multiples_of_the_alignment() {
    let mut t3 = Type3::new();
    t3.partition_align = 2;
    let mut ep = open_with(t3);
    assert_eq!({ ep.execute::<MemdevIdentify>(T, &()).unwrap().partition_align }, 2);
    for share in [1, 3] {
        assert_eq!(rc(set_partition(&mut ep, share, 0)), code(CXLMI_RET_INPUT), "{share}");
    }
    set_partition(&mut ep, 4, 0).unwrap();
    assert_eq!(partition(&mut ep), (4, 4, 6, 2));
    set_partition(&mut ep, 0, 0).unwrap();
    assert_eq!(partition(&mut ep), (4, 4, 2, 6));
    assert_eq!(rc(set_partition(&mut ep, 6, 0)), code(CXLMI_RET_INPUT), "aligned but too large");

    // No alignment: nothing to partition.
    let mut t3 = Type3::new();
    t3.partition_align = 0;
    let mut ep = open_with(t3);
    assert_eq!(rc(set_partition(&mut ep, 0, 0)), code(CXLMI_RET_UNSUPPORTED));
    assert_eq!(partition(&mut ep), (4, 4, 0, 0));
}

#[test]
fn partition_changes_wait_for_a_cold_reset_unless_immediate() {
    let mut t3 = Type3::new();
    set_partition_direct(&mut t3, 3, 0);
    assert_eq!((t3.active_partition, t3.next_partition), ((4, 4), Some((5, 3))));
    // A warm reset leaves it pending; a cold one makes it active.
    t3.reset(ResetKind::Warm);
    assert_eq!((t3.active_partition, t3.next_partition), ((4, 4), Some((5, 3))));
    t3.reset(ResetKind::Cold);
    assert_eq!((t3.active_partition, t3.next_partition), ((5, 3), None));
    let mut ep = open_with(t3);
    assert_eq!(partition(&mut ep), (5, 3, 0, 0));

    // Immediate (flags bit 0): active at once, and the pending change is dropped.
    set_partition(&mut ep, 0, 0).unwrap();
    assert_eq!(partition(&mut ep), (5, 3, 2, 6));
    set_partition(&mut ep, 1, 1).unwrap();
    assert_eq!(partition(&mut ep), (3, 5, 0, 0));
    set_partition(&mut ep, 4, 1).unwrap();
    assert_eq!(partition(&mut ep), (6, 2, 0, 0));
    assert_eq!(rc(set_partition(&mut ep, 5, 1)), code(CXLMI_RET_INPUT));
    assert_eq!(partition(&mut ep), (6, 2, 0, 0));
}

/// Set Partition Info sent to `t3` itself, without an endpoint.
fn set_partition_direct(t3: &mut Type3, share: u64, flags: u8) {
    let mut req = vec![0; cxlmi_cmd_memdev_set_partition_info_req::SIZE];
    cxlmi_cmd_memdev_set_partition_info_req { volatile_capacity: share, flags }.encode(&mut req);
    assert_eq!(
        t3.answer(<SetPartitionInfo as cxlmi::commands::Command>::OPCODE, &req, &mut Vec::new()),
        Ok(super::Done::Now)
    );
}

#[test]
fn lsa_is_kept_and_bounded() {
    let mut ep = open();
    set_lsa(&mut ep, 0x100, b"label data").unwrap();
    assert_eq!(get_lsa(&mut ep, 0x100, 10).unwrap(), b"label data");
    assert_eq!(get_lsa(&mut ep, 0xfe, 4).unwrap(), [0, 0, b'l', b'a']);
    let end = type3::LSA_SIZE as u32;
    set_lsa(&mut ep, end - 2, b"zz").unwrap();
    assert_eq!(get_lsa(&mut ep, end - 2, 2).unwrap(), b"zz");
    assert_eq!(rc(set_lsa(&mut ep, end - 1, b"zz")), code(CXLMI_RET_INPUT));
    assert_eq!(rc(set_lsa(&mut ep, u32::MAX, b"z")), code(CXLMI_RET_INPUT));
    assert_eq!(rc(get_lsa(&mut ep, end, 1)), code(CXLMI_RET_INPUT));
    assert_eq!(rc(get_lsa(&mut ep, u32::MAX, 2)), code(CXLMI_RET_INPUT));
    // More than the response limit (2 KB) in one read.
    assert_eq!(rc(get_lsa(&mut ep, 0, 4096)), code(CXLMI_RET_INPUT));
    // A short Set LSA head.
    assert_eq!(raw(&mut ep, 0x4103, &[0; 7]), code(CXLMI_RET_PAYLOADLEN));
}

#[test]
fn health_follows_the_alert_configuration() {
    let mut ep = open();
    let h = ep.execute::<GetHealthInfo>(T, &()).unwrap();
    assert_eq!((h.life_used, { h.device_temperature }, h.additional_status), (3, 38, 0));
    let a = ep.execute::<GetAlertConfig>(T, &()).unwrap();
    assert_eq!((a.valid_alerts, a.programmable_alerts, a.life_used_critical_alert_threshold), (0, 0x1f, 90));

    let mut req = cxlmi_cmd_memdev_set_alert_config_req {
        valid_alert_actions: 0x03,
        enable_alert_actions: 0x03,
        life_used_programmable_warning_threshold: 2,
        rsvd1: 0,
        device_over_temperature_programmable_warning_threshold: 60,
        device_under_temperature_programmable_warning_threshold: 0,
        corrected_volatile_mem_error_programmable_warning_threshold: 0,
        corrected_persistent_mem_error_programmable_warning_threshold: 0,
    };
    ep.execute::<SetAlertConfig>(T, &req).unwrap();
    let a = ep.execute::<GetAlertConfig>(T, &()).unwrap();
    assert_eq!((a.valid_alerts, a.life_used_programmable_warning_threshold), (0x03, 2));
    assert_eq!({ a.device_over_temperature_programmable_warning_threshold }, 60);
    // Life used 3% is past the 2% warning; 38 C is below 60 C.
    assert_eq!(ep.execute::<GetHealthInfo>(T, &()).unwrap().additional_status, 0b01);
    req.valid_alert_actions = 0x02;
    req.device_over_temperature_programmable_warning_threshold = 30;
    ep.execute::<SetAlertConfig>(T, &req).unwrap();
    assert_eq!(ep.execute::<GetHealthInfo>(T, &()).unwrap().additional_status, 0b0101);
    // Disabling the life-used warning leaves its threshold.
    req.valid_alert_actions = 0x01;
    req.enable_alert_actions = 0;
    ep.execute::<SetAlertConfig>(T, &req).unwrap();
    let a = ep.execute::<GetAlertConfig>(T, &()).unwrap();
    assert_eq!((a.valid_alerts, a.life_used_programmable_warning_threshold), (0x02, 2));
    assert_eq!(ep.execute::<GetHealthInfo>(T, &()).unwrap().additional_status, 0b0100);

    // Warnings at or past the critical thresholds, and reserved bits.
    let bad = [
        cxlmi_cmd_memdev_set_alert_config_req {
            valid_alert_actions: 1,
            life_used_programmable_warning_threshold: 90,
            ..req
        },
        cxlmi_cmd_memdev_set_alert_config_req {
            valid_alert_actions: 2,
            device_over_temperature_programmable_warning_threshold: 85,
            ..req
        },
        cxlmi_cmd_memdev_set_alert_config_req {
            valid_alert_actions: 4,
            device_under_temperature_programmable_warning_threshold: (-20i16) as u16,
            ..req
        },
        cxlmi_cmd_memdev_set_alert_config_req { valid_alert_actions: 0x20, ..req },
    ];
    for b in bad {
        assert_eq!(rc(ep.execute::<SetAlertConfig>(T, &b)), code(CXLMI_RET_INPUT));
    }
    assert_eq!(ep.execute::<GetAlertConfig>(T, &()).unwrap().valid_alerts, 0x02, "a refused request changes nothing");
}

#[test]
fn shutdown_state_is_kept_and_counted_at_reset() {
    let mut ep = open();
    assert_eq!(ep.execute::<GetShutdownState>(T, &()).unwrap().state, 0);
    ep.execute::<SetShutdownState>(T, &cxlmi_cmd_memdev_set_shutdown_state_req { state: 1 }).unwrap();
    assert_eq!(ep.execute::<GetShutdownState>(T, &()).unwrap().state, 1);
    assert_eq!(
        rc(ep.execute::<SetShutdownState>(T, &cxlmi_cmd_memdev_set_shutdown_state_req { state: 2 })),
        code(CXLMI_RET_INPUT)
    );

    let mut t3 = Type3::new();
    t3.dirty = true;
    t3.reset(ResetKind::Cold);
    t3.reset(ResetKind::Cold);
    assert_eq!(({ t3.health.dirty_shutdown_count }, t3.dirty), (1, false));
}

#[test]
fn poison_is_injected_listed_and_cleared() {
    let mut ep = open();
    let whole = 2 << 30 >> 6;
    assert!(poison_list(&mut ep, 0, whole).is_empty());
    inject(&mut ep, 0x1000).unwrap();
    inject(&mut ep, 0x40).unwrap();
    inject(&mut ep, 0x1000).unwrap(); // already poisoned: no second record
    // Source 3: injected.
    assert_eq!(poison_list(&mut ep, 0, whole), [(0x43, 1), (0x1003, 1)]);
    assert_eq!(poison_list(&mut ep, 0x1000, 1), [(0x1003, 1)]);
    assert!(poison_list(&mut ep, 0x2000, 16).is_empty());
    clear(&mut ep, 0x40).unwrap();
    clear(&mut ep, 0x8000).unwrap(); // not poisoned: a plain write
    assert_eq!(poison_list(&mut ep, 0, whole), [(0x1003, 1)]);

    // Unaligned is Invalid Input, past the capacity Invalid Physical Address.
    assert_eq!(rc(inject(&mut ep, 0x1001)), code(CXLMI_RET_INPUT));
    assert_eq!(rc(clear(&mut ep, 0x20)), code(CXLMI_RET_INPUT));
    assert_eq!(rc(inject(&mut ep, 2 << 30)), code(CXLMI_RET_PADDR));
    assert_eq!(rc(clear(&mut ep, u64::MAX - 63)), code(CXLMI_RET_PADDR));
    let req =
        cxlmi_cmd_memdev_get_poison_list_req { get_poison_list_phy_addr: 0, get_poison_list_phy_addr_len: u64::MAX };
    assert_eq!(rc(ep.execute::<GetPoisonList>(T, &req)), code(CXLMI_RET_PADDR));
    let req = cxlmi_cmd_memdev_get_poison_list_req { get_poison_list_phy_addr: 0, get_poison_list_phy_addr_len: 0 };
    assert_eq!(rc(ep.execute::<GetPoisonList>(T, &req)), code(CXLMI_RET_INPUT));

    // The inject limit.
    for i in 1..type3::INJECT_POISON_LIMIT as u64 {
        inject(&mut ep, 0x10_0000 + i * 64).unwrap();
    }
    assert_eq!(rc(inject(&mut ep, 0x20_0000)), code(CXLMI_RET_POISONLMT));
    clear(&mut ep, 0x1000).unwrap();
    inject(&mut ep, 0x20_0000).unwrap();
}

/// Perform Maintenance (0600h) with Post Package Repair parameters.
fn repair(ep: &mut Endpoint, subclass: u8, flags: u8, dpa: u64) -> Result<()> {
    let head = cxlmi_cmd_perform_maintenance_req { operation_class: 1, operation_subclass: subclass, parameters: [] };
    let ppr = cxlmi::wire::to_vec(&cxlmi_maintenance_ppr_params { flags, dpa, nibble_mask: [0xff; 3] });
    ep.execute::<PerformMaintenance>(T, &WithData { head, data: &ppr })
}

#[test]
fn post_package_repair_replaces_poisoned_rows_and_hard_repairs_use_spares() {
    let mut ep = open();
    inject(&mut ep, 0x1000).unwrap();
    inject(&mut ep, 0x2000).unwrap();
    // Soft repair of an address inside the poisoned line: the poison is gone.
    repair(&mut ep, 0, 0, 0x1010).unwrap();
    assert_eq!(poison_list(&mut ep, 0, 0x10000), [(0x2000 | 3, 1)]);
    // Hard repairs while spares last; a query asks without using one.
    repair(&mut ep, 1, 1, 0).unwrap();
    for _ in 0..type3::HARD_PPR_SPARES {
        repair(&mut ep, 1, 0, 0x2000).unwrap();
    }
    assert!(poison_list(&mut ep, 0, 0x10000).is_empty());
    assert_eq!(rc(repair(&mut ep, 1, 0, 0x3000)), code(CXLMI_RET_RESOURCEEXHAUSTED));
    assert_eq!(rc(repair(&mut ep, 1, 1, 0)), code(CXLMI_RET_RESOURCEEXHAUSTED));
    repair(&mut ep, 0, 0, 0x3000).unwrap();
    // Outside the device, a short payload, an operation it does not do.
    assert_eq!(rc(repair(&mut ep, 0, 0, 1 << 50)), code(CXLMI_RET_PADDR));
    assert_eq!(raw(&mut ep, 0x0600, &[1, 0, 0]), code(CXLMI_RET_PAYLOADLEN));
    assert_eq!(raw(&mut ep, 0x0600, &[0, 0]), code(CXLMI_RET_SUCCESS));
    assert_eq!(raw(&mut ep, 0x0600, &[2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), code(CXLMI_RET_INPUT));
}

#[test]
fn a_long_poison_list_comes_in_parts() {
    let mut t3 = Type3::new();
    for i in 0..40u64 {
        t3.poison.push(type3::Poison { dpa: i * 0x1000, len: 2, source: 2 });
    }
    let mut ep = open_with(t3);
    // 256-byte responses: 32 bytes of head, 14 records.
    ep.execute::<SetResponseMsgLimit>(T, &cxlmi_cmd_set_response_msg_limit_req { limit: 8 }).unwrap();
    let req =
        cxlmi_cmd_memdev_get_poison_list_req { get_poison_list_phy_addr: 0, get_poison_list_phy_addr_len: 1 << 20 };
    let mut seen = Vec::new();
    for (want, more) in [(14, 1), (14, 1), (12, 0)] {
        let l = ep.execute::<GetPoisonList>(T, &req).unwrap();
        assert_eq!((l.count(), l.head.poison_list_flags & 1), (want, more));
        seen.extend(l.entries().map(|r| r.media_err_addr));
    }
    assert_eq!(seen, (0..40u64).map(|i| (i * 0x1000) | 2).collect::<Vec<_>>());
    // Clearing the middle line of a two-line record leaves the other line.
    clear(&mut ep, 0x1040).unwrap();
    assert_eq!(poison_list(&mut ep, 0x1000, 2), [(0x1002, 1)]);
}

#[test]
fn scan_media_runs_in_the_background_and_reports_what_it_found() {
    let mut ep = open();
    inject(&mut ep, 0x2000).unwrap();
    inject(&mut ep, 0x4000_0000).unwrap();
    let caps = cxlmi_cmd_memdev_get_scan_media_capabilities_req {
        get_scan_media_capabilities_start_physaddr: 0,
        get_scan_media_capabilities_physaddr_length: 1 << 24,
    };
    assert_eq!({ ep.execute::<GetScanMediaCapabilities>(T, &caps).unwrap().estimated_scan_media_time }, 64);
    let bad =
        cxlmi_cmd_memdev_get_scan_media_capabilities_req { get_scan_media_capabilities_start_physaddr: 8, ..caps };
    assert_eq!(rc(ep.execute::<GetScanMediaCapabilities>(T, &bad)), code(CXLMI_RET_INPUT));

    let scan = cxlmi_cmd_memdev_scan_media_req {
        scan_media_physaddr: 0,
        scan_media_physaddr_length: 1 << 20,
        scan_media_flags: 0,
    };
    assert_eq!(rc(ep.execute::<ScanMedia>(T, &scan)), code(CXLMI_RET_BACKGROUND));
    let s = bg_status(&mut ep);
    assert_eq!((s.status & 1, { s.opcode }), (1, 0x4304));
    assert_eq!(rc(ep.execute::<GetScanMediaResults>(T, &())), code(CXLMI_RET_BUSY));
    assert_eq!(rc(ep.execute::<ScanMedia>(T, &scan)), code(CXLMI_RET_BUSY));
    // The poison list says a scan is running.
    let req =
        cxlmi_cmd_memdev_get_poison_list_req { get_poison_list_phy_addr: 0, get_poison_list_phy_addr_len: 1 << 20 };
    assert_eq!(ep.execute::<GetPoisonList>(T, &req).unwrap().head.poison_list_flags & 4, 4);

    let s = wait_idle(&mut ep);
    assert_eq!(({ s.opcode }, { s.returncode }, s.status >> 1), (0x4304, 0, 100));
    let r = ep.execute::<GetScanMediaResults>(T, &()).unwrap();
    assert_eq!(r.count(), 1, "only the error inside the scanned range");
    let e = r.entries().next().unwrap();
    assert_eq!(({ e.media_error_address }, { e.media_error_length }), (0x2003, 1));
    assert_eq!(r.head.scan_media_flags, 0);
    // Read once; a General Media event records the error.
    assert_eq!(ep.execute::<GetScanMediaResults>(T, &()).unwrap().count(), 0);
    let (_, warnings) = events(&mut ep, type3::WARNING);
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].uuid, type3::GENERAL_MEDIA_UUID);
    assert_eq!(u64::from_le_bytes(warnings[0].data[..8].try_into().unwrap()), 0x2000);

    // An aborted scan says where to restart.
    let quiet = cxlmi_cmd_memdev_scan_media_req { scan_media_physaddr: 0x1000, scan_media_flags: 1, ..scan };
    assert_eq!(rc(ep.execute::<ScanMedia>(T, &quiet)), code(CXLMI_RET_BACKGROUND));
    ep.execute::<RequestBgOpAbort>(T, &()).unwrap();
    let s = bg_status(&mut ep);
    assert_eq!((s.status & 1, { s.returncode }), (0, code(CXLMI_RET_ABORT)));
    let r = ep.execute::<GetScanMediaResults>(T, &()).unwrap();
    assert_eq!((r.head.scan_media_flags, { r.head.scan_media_restart_physaddr }), (2, 0x1000));
    let bad_flags = cxlmi_cmd_memdev_scan_media_req { scan_media_flags: 2, ..scan };
    assert_eq!(rc(ep.execute::<ScanMedia>(T, &bad_flags)), code(CXLMI_RET_INPUT));
}

#[test]
fn sanitize_reports_progress_can_be_aborted_and_erases_when_done() {
    let mut ep = open();
    inject(&mut ep, 0x40).unwrap();
    set_lsa(&mut ep, 0, b"keep").unwrap();

    assert_eq!(rc(ep.execute::<Sanitize>(T, &())), code(CXLMI_RET_BACKGROUND));
    let s = bg_status(&mut ep);
    assert_eq!((s.status & 1, { s.opcode }), (1, 0x4400));
    assert!(s.status >> 1 < 100);
    // Media is busy meanwhile; identify still answers.
    assert_eq!(rc(get_lsa(&mut ep, 0, 4)), code(CXLMI_RET_BUSY));
    assert_eq!(rc(inject(&mut ep, 0x80)), code(CXLMI_RET_BUSY));
    assert_eq!(rc(ep.execute::<SecureErase>(T, &())), code(CXLMI_RET_BUSY));
    ep.execute::<MemdevIdentify>(T, &()).unwrap();
    // Aborted: nothing was erased.
    ep.execute::<RequestBgOpAbort>(T, &()).unwrap();
    let s = bg_status(&mut ep);
    assert_eq!((s.status & 1, { s.opcode }, { s.returncode }), (0, 0x4400, code(CXLMI_RET_ABORT)));
    // Its percentage is where it stopped, not 100.
    assert!(s.status >> 1 < 100, "aborted at {}%", s.status >> 1);
    assert_eq!(get_lsa(&mut ep, 0, 4).unwrap(), b"keep");
    assert_eq!(poison_list(&mut ep, 0, 16).len(), 1);

    assert_eq!(rc(ep.execute::<Sanitize>(T, &())), code(CXLMI_RET_BACKGROUND));
    let s = wait_idle(&mut ep);
    assert_eq!(({ s.opcode }, { s.returncode }), (0x4400, 0));
    assert_eq!(get_lsa(&mut ep, 0, 4).unwrap(), [0; 4]);
    assert!(poison_list(&mut ep, 0, 16).is_empty());
    // Abort with nothing running is fine.
    ep.execute::<RequestBgOpAbort>(T, &()).unwrap();
}

#[test]
fn secure_erase_clears_poison_but_keeps_labels() {
    let mut ep = open();
    inject(&mut ep, 0x40).unwrap();
    set_lsa(&mut ep, 0, b"lbl").unwrap();
    assert_eq!(rc(ep.execute::<SecureErase>(T, &())), code(CXLMI_RET_BACKGROUND));
    assert_eq!({ bg_status(&mut ep).opcode }, 0x4401);
    let s = wait_idle(&mut ep);
    assert_eq!(({ s.opcode }, { s.returncode }), (0x4401, 0));
    assert!(poison_list(&mut ep, 0, 16).is_empty());
    assert_eq!(get_lsa(&mut ep, 0, 3).unwrap(), b"lbl");
}

fn pass(b: u8) -> [u8; 32] {
    [b; 32]
}

fn security(ep: &mut Endpoint) -> u32 {
    ep.execute::<GetSecurityState>(T, &()).unwrap().security_state
}

fn set_pass(ep: &mut Endpoint, kind: u8, current: u8, new: u8) -> Result<()> {
    let req = cxlmi_cmd_memdev_set_passphrase_req {
        passphrase_type: kind,
        rsvd: [0; 31],
        current_passphrase: pass(current),
        new_passphrase: pass(new),
    };
    ep.execute::<SetPassphrase>(T, &req)
}

fn disable_pass(ep: &mut Endpoint, kind: u8, p: u8) -> Result<()> {
    let req = cxlmi_cmd_memdev_disable_passphrase_req { passphrase_type: kind, rsvd: [0; 31], passphrase: pass(p) };
    ep.execute::<DisablePassphrase>(T, &req)
}

fn erase_with(ep: &mut Endpoint, kind: u8, p: u8) -> Result<()> {
    let req =
        cxlmi_cmd_memdev_passphrase_secure_erase_req { passphrase_type: kind, rsvd: [0; 31], passphrase: pass(p) };
    ep.execute::<PassphraseSecureErase>(T, &req)
}

fn unlock(ep: &mut Endpoint, p: u8) -> Result<()> {
    ep.execute::<Unlock>(T, &cxlmi_cmd_memdev_unlock_req { current_passphrase: pass(p) })
}

#[test]
fn passphrases_are_set_changed_and_disabled() {
    let mut ep = open();
    assert_eq!(security(&mut ep), 0);
    set_pass(&mut ep, 1, 0, 7).unwrap();
    assert_eq!(security(&mut ep), 0b01);
    set_pass(&mut ep, 0, 0, 9).unwrap();
    assert_eq!(security(&mut ep), 0b11);
    // Changing needs the current one.
    assert_eq!(rc(set_pass(&mut ep, 1, 1, 8)), code(CXLMI_RET_PASSPHRASE));
    set_pass(&mut ep, 1, 7, 8).unwrap();
    assert_eq!(rc(disable_pass(&mut ep, 1, 7)), code(CXLMI_RET_PASSPHRASE));
    disable_pass(&mut ep, 1, 8).unwrap();
    assert_eq!(security(&mut ep), 0b10);
    // Nothing to disable, or a type that does not exist.
    assert_eq!(rc(disable_pass(&mut ep, 1, 8)), code(CXLMI_RET_SECURITY));
    assert_eq!(rc(set_pass(&mut ep, 2, 0, 1)), code(CXLMI_RET_INPUT));
    // Unlocking an unlocked device is an invalid state.
    assert_eq!(rc(unlock(&mut ep, 9)), code(CXLMI_RET_SECURITY));
}

#[test]
fn wrong_passphrases_are_counted_to_the_limit() {
    let mut t3 = Type3::new();
    t3.security.user = Some(pass(7));
    t3.reset(ResetKind::Cold);
    let mut ep = open_with(t3);
    assert_eq!(security(&mut ep), 0b101, "a set user passphrase locks at reset");
    // Locked: media contents cannot be touched, passphrases not changed.
    assert_eq!(rc(inject(&mut ep, 0x40)), code(CXLMI_RET_SECURITY));
    assert_eq!(rc(ep.execute::<Sanitize>(T, &())), code(CXLMI_RET_SECURITY));
    assert_eq!(rc(set_pass(&mut ep, 1, 7, 1)), code(CXLMI_RET_SECURITY));
    for _ in 0..type3::PASSPHRASE_ATTEMPTS - 1 {
        assert_eq!(rc(unlock(&mut ep, 1)), code(CXLMI_RET_PASSPHRASE));
    }
    assert_eq!(security(&mut ep) & 0x10, 0);
    unlock(&mut ep, 7).unwrap();
    assert_eq!(security(&mut ep), 0b001, "unlocked; a right passphrase resets the count");

    let mut t3 = Type3::new();
    t3.security.user = Some(pass(7));
    t3.reset(ResetKind::Cold);
    let mut ep = open_with(t3);
    for _ in 0..type3::PASSPHRASE_ATTEMPTS {
        assert_eq!(rc(unlock(&mut ep, 1)), code(CXLMI_RET_PASSPHRASE));
    }
    assert_eq!(security(&mut ep), 0b1_0101, "attempt count reached");
    assert_eq!(rc(unlock(&mut ep, 7)), code(CXLMI_RET_SECURITY), "even the right one is refused");
}

#[test]
fn frozen_security_refuses_changes() {
    let mut ep = open();
    set_pass(&mut ep, 1, 0, 7).unwrap();
    ep.execute::<FreezeSecurityState>(T, &()).unwrap();
    assert_eq!(security(&mut ep), 0b1001);
    assert_eq!(rc(set_pass(&mut ep, 1, 7, 8)), code(CXLMI_RET_SECURITY));
    assert_eq!(rc(disable_pass(&mut ep, 1, 7)), code(CXLMI_RET_SECURITY));
    assert_eq!(rc(erase_with(&mut ep, 1, 7)), code(CXLMI_RET_SECURITY));
    ep.execute::<FreezeSecurityState>(T, &()).unwrap();
}

#[test]
fn passphrase_secure_erase_erases_and_drops_the_user_passphrase() {
    let mut ep = open();
    set_pass(&mut ep, 1, 0, 7).unwrap();
    set_pass(&mut ep, 0, 0, 9).unwrap();
    inject(&mut ep, 0x40).unwrap();
    assert_eq!(rc(erase_with(&mut ep, 0, 7)), code(CXLMI_RET_PASSPHRASE));
    assert_eq!(poison_list(&mut ep, 0, 16).len(), 1);
    erase_with(&mut ep, 0, 9).unwrap();
    assert!(poison_list(&mut ep, 0, 16).is_empty());
    assert_eq!(security(&mut ep), 0b10);
    // With no user passphrase there is nothing to erase with it.
    assert_eq!(rc(erase_with(&mut ep, 1, 7)), code(CXLMI_RET_SECURITY));
}

#[test]
fn event_records_are_read_and_cleared_by_handle() {
    let mut t3 = Type3::new();
    for i in 0..3u8 {
        let mut r = cxlmi_event_record::zeroed();
        r.data[0] = i;
        t3.post_event(type3::FAILURE, r).unwrap();
    }
    let mut ep = open_with(t3);
    // The device's own health record.
    let (flags, info) = events(&mut ep, type3::INFORMATIONAL);
    assert_eq!((flags, info.len(), info[0].uuid), (0, 1, type3::MEMORY_MODULE_UUID));
    let (_, fail) = events(&mut ep, type3::FAILURE);
    assert_eq!(fail.iter().map(|r| r.data[0]).collect::<Vec<_>>(), [0, 1, 2]);
    assert_eq!(fail.iter().map(|r| r.flags[0] & 3).collect::<Vec<_>>(), [2, 2, 2], "severity follows the log");
    assert_eq!(fail[0].length, 128);
    let handles: Vec<u16> = fail.iter().map(|r| r.handle).collect();
    assert!(handles.iter().all(|&h| h != 0));
    assert!(events(&mut ep, type3::FATAL).1.is_empty());
    assert!(events(&mut ep, dc::EVENT_LOG).1.is_empty());

    // A handle that is not in the log clears nothing.
    assert_eq!(rc(clear_events(&mut ep, type3::FAILURE, false, &[handles[0], 0x7777])), code(CXLMI_RET_HANDLE));
    assert_eq!(events(&mut ep, type3::FAILURE).1.len(), 3);
    clear_events(&mut ep, type3::FAILURE, false, &[handles[1]]).unwrap();
    let left: Vec<u16> = events(&mut ep, type3::FAILURE).1.iter().map(|r| r.handle).collect();
    assert_eq!(left, [handles[0], handles[2]]);
    assert_eq!(rc(clear_events(&mut ep, type3::FAILURE, false, &[handles[1]])), code(CXLMI_RET_HANDLE));
    // Clear all takes no handles.
    assert_eq!(rc(clear_events(&mut ep, type3::FAILURE, true, &[handles[0]])), code(CXLMI_RET_INPUT));
    clear_events(&mut ep, type3::FAILURE, true, &[]).unwrap();
    assert!(events(&mut ep, type3::FAILURE).1.is_empty());
    // No such log.
    let r = ep.execute::<GetEventRecords>(T, &cxlmi_cmd_get_event_records_req { event_log: 5 });
    assert_eq!(rc(r), code(CXLMI_RET_INPUT));
    assert_eq!(rc(clear_events(&mut ep, 9, true, &[])), code(CXLMI_RET_INPUT));
    // A count that disagrees with the handles sent.
    assert_eq!(raw(&mut ep, 0x0101, &[2, 0, 2, 0, 0, 0, 1, 0]), code(CXLMI_RET_PAYLOADLEN));
}

#[test]
fn a_full_event_log_overflows_and_more_records_are_flagged() {
    let mut t3 = Type3::new();
    for _ in 0..type3::EVENT_LOG_SIZE + 3 {
        t3.post_event(type3::WARNING, cxlmi_event_record::zeroed());
    }
    let mut ep = open_with(t3);
    let l = ep.execute::<GetEventRecords>(T, &cxlmi_cmd_get_event_records_req { event_log: type3::WARNING }).unwrap();
    // Overflow and More: 2 KB responses hold 15 records.
    assert_eq!((l.head.flags, l.count(), { l.head.overflow_err_count }), (0b11, 15, 3));
    assert!({ l.head.first_overflow_timestamp } <= { l.head.last_overflow_timestamp });
    let handles: Vec<u16> = l.entries().map(|r| r.handle).collect();
    clear_events(&mut ep, type3::WARNING, false, &handles).unwrap();
    let (flags, rest) = events(&mut ep, type3::WARNING);
    assert_eq!((flags, rest.len()), (0b11, 15));
    clear_events(&mut ep, type3::WARNING, true, &[]).unwrap();
    let (flags, rest) = events(&mut ep, type3::WARNING);
    assert_eq!((flags, rest.len()), (0, 0), "clear all takes the overflow too");
}

#[test]
fn interrupt_policy_is_kept_and_checked() {
    let mut ep = open();
    let p = ep.execute::<GetEventInterruptPolicy>(T, &()).unwrap();
    assert_eq!((p.informational_settings, p.fatal_settings), (0, 0));
    let set = cxlmi_cmd_set_event_interrupt_policy_req {
        informational_settings: 0x01,
        warning_settings: 0x12,
        failure_settings: 0x21,
        fatal_settings: 0x02,
        #[cfg(not(feature = "cxl2_0"))]
        dcd_settings: 0x01,
    };
    ep.execute::<SetEventInterruptPolicy>(T, &set).unwrap();
    let p = ep.execute::<GetEventInterruptPolicy>(T, &()).unwrap();
    assert_eq!(
        (p.informational_settings, p.warning_settings, p.failure_settings, p.fatal_settings),
        (1, 0x12, 0x21, 2)
    );
    let bad = cxlmi_cmd_set_event_interrupt_policy_req { warning_settings: 0x03, ..set };
    assert_eq!(rc(ep.execute::<SetEventInterruptPolicy>(T, &bad)), code(CXLMI_RET_INPUT));
    assert_eq!(ep.execute::<GetEventInterruptPolicy>(T, &()).unwrap().warning_settings, 0x12);
}

fn transfer(ep: &mut Endpoint, action: u8, slot: u8, offset: u32, data: &[u8]) -> Result<()> {
    let head = cxlmi_cmd_transfer_fw_req { action, slot, rsvd1: [0; 2], offset, rsvd2: [0; 0x78], data: [] };
    ep.execute::<TransferFw>(T, &WithData { head, data })
}

fn revision(r: &[core::ffi::c_char; 16]) -> Vec<u8> {
    r.iter().map(|&c| c as u8).take_while(|&b| b != 0).collect()
}

#[test]
fn firmware_is_transferred_in_parts_and_activated() {
    let mut ep = open();
    let info = ep.execute::<GetFwInfo>(T, &()).unwrap();
    assert_eq!((info.slots_supported, info.slot_info, info.caps), (2, 1, 1));
    assert_eq!(revision(&info.fw_rev1), b"EMU 1.0.0");
    assert!(revision(&info.fw_rev2).is_empty());

    let mut image = vec![0xa5u8; 384];
    image[..9].copy_from_slice(b"EMU 2.0.0");
    image[9..16].fill(0);
    // Continue or end with nothing initiated, and a part out of order.
    assert_eq!(rc(transfer(&mut ep, 2, 0, 0, &image[..128])), code(CXLMI_RET_FWOOO));
    transfer(&mut ep, 1, 0, 0, &image[..128]).unwrap();
    assert_eq!(rc(transfer(&mut ep, 1, 0, 0, &image[..128])), code(CXLMI_RET_FWINPROGRESS));
    assert_eq!(rc(transfer(&mut ep, 0, 2, 0, &image)), code(CXLMI_RET_FWINPROGRESS));
    assert_eq!(rc(transfer(&mut ep, 2, 0, 2, &image[128..256])), code(CXLMI_RET_FWOOO));
    transfer(&mut ep, 2, 0, 1, &image[128..256]).unwrap();
    // The running slot cannot be written.
    assert_eq!(rc(transfer(&mut ep, 3, 1, 2, &image[256..])), code(CXLMI_RET_FWSLOT));
    transfer(&mut ep, 3, 2, 2, &image[256..]).unwrap();
    let info = ep.execute::<GetFwInfo>(T, &()).unwrap();
    assert_eq!(revision(&info.fw_rev2), b"EMU 2.0.0");

    // An aborted transfer leaves nothing in progress.
    transfer(&mut ep, 1, 0, 0, &image[..128]).unwrap();
    transfer(&mut ep, 4, 0, 0, &[]).unwrap();
    assert_eq!(rc(transfer(&mut ep, 3, 2, 1, &image[..128])), code(CXLMI_RET_FWOOO));
    assert_eq!(rc(transfer(&mut ep, 0, 3, 0, &image)), code(CXLMI_RET_FWSLOT));
    assert_eq!(rc(transfer(&mut ep, 5, 2, 0, &image)), code(CXLMI_RET_INPUT));
    assert_eq!(rc(transfer(&mut ep, 1, 0, 0, &image[..100])), code(CXLMI_RET_INPUT), "parts are 128-byte multiples");

    let activate = |action, slot| cxlmi_cmd_activate_fw_req { action, slot };
    assert_eq!(rc(ep.execute::<ActivateFw>(T, &activate(0, 1))), code(CXLMI_RET_FWSLOT), "already running");
    assert_eq!(rc(ep.execute::<ActivateFw>(T, &activate(0, 3))), code(CXLMI_RET_FWSLOT));
    assert_eq!(rc(ep.execute::<ActivateFw>(T, &activate(2, 2))), code(CXLMI_RET_INPUT));
    ep.execute::<ActivateFw>(T, &activate(1, 2)).unwrap();
    assert_eq!(ep.execute::<GetFwInfo>(T, &()).unwrap().slot_info, 1 | 2 << 3, "staged for the next reset");
    ep.execute::<ActivateFw>(T, &activate(0, 2)).unwrap();
    assert_eq!(ep.execute::<GetFwInfo>(T, &()).unwrap().slot_info, 2);
    let id = ep.execute::<MemdevIdentify>(T, &()).unwrap();
    assert_eq!(revision(&id.fw_revision), b"EMU 2.0.0");
    // A full transfer into the slot no longer running; a binary image is named by its size.
    transfer(&mut ep, 0, 1, 0, &[0xff; 256]).unwrap();
    assert_eq!(revision(&ep.execute::<GetFwInfo>(T, &()).unwrap().fw_rev1), b"IMG 256");
}

#[test]
fn patrol_scrub_is_a_feature() {
    let mut ep = open();
    let req = cxlmi_cmd_get_supported_features_req { count: 48, starting_feature_index: 0, rsvd: [0; 2] };
    let l = ep.execute::<GetSupportedFeatures>(T, &req).unwrap();
    assert_eq!((l.count(), { l.head.device_supported_features }), (1, 1));
    let f = l.entries().next().unwrap();
    assert_eq!(f.feature_id, type3::PATROL_SCRUB_UUID);
    assert_eq!(({ f.get_feature_size }, { f.set_feature_size }, f.get_feature_version), (4, 2, 1));
    let none = cxlmi_cmd_get_supported_features_req { count: 0, ..req };
    assert_eq!(ep.execute::<GetSupportedFeatures>(T, &none).unwrap().count(), 0);
    let past = cxlmi_cmd_get_supported_features_req { starting_feature_index: 1, ..req };
    assert_eq!(rc(ep.execute::<GetSupportedFeatures>(T, &past)), code(CXLMI_RET_INPUT));

    let get = |selection, offset, count| cxlmi_cmd_get_feature_req {
        feature_id: type3::PATROL_SCRUB_UUID,
        offset,
        count,
        selection,
    };
    assert_eq!(ep.execute::<GetFeature>(T, &get(0, 0, 4)).unwrap(), [1, 12, 1, 1]);
    let set = |flags: u32, version, data: &[u8; 2]| {
        let head = cxlmi_cmd_set_feature_req {
            feature_id: type3::PATROL_SCRUB_UUID,
            set_feature_flags: flags,
            offset: 0,
            version,
            rsvd: [0; 9],
            feature_data: [],
        };
        (head, *data)
    };
    let (head, data) = set(0, 1, &[24, 0]);
    ep.execute::<SetFeature>(T, &WithData { head, data: &data }).unwrap();
    assert_eq!(ep.execute::<GetFeature>(T, &get(0, 1, 3)).unwrap(), [24, 1, 0]);
    assert_eq!(ep.execute::<GetFeature>(T, &get(1, 0, 4)).unwrap(), [1, 12, 1, 1], "the default is unchanged");
    assert_eq!(rc(ep.execute::<GetFeature>(T, &get(2, 0, 4))), code(CXLMI_RET_FEATURESELVALUE));
    assert_eq!(rc(ep.execute::<GetFeature>(T, &get(0, 2, 4))), code(CXLMI_RET_INPUT));
    let other = cxlmi_cmd_get_feature_req { feature_id: [1; 16], ..get(0, 0, 4) };
    assert_eq!(rc(ep.execute::<GetFeature>(T, &other)), code(CXLMI_RET_UNSUPPORTED));

    for (flags, version, data, want) in [
        (0, 2, [24, 0], CXLMI_RET_FEATUREVERSION),
        (0, 1, [0, 1], CXLMI_RET_INPUT),
        (0, 1, [24, 2], CXLMI_RET_INPUT),
        (2, 1, [24, 1], CXLMI_RET_FEATURETRANSFEROOO),
        (7, 1, [24, 1], CXLMI_RET_INPUT),
    ] {
        let (head, data) = set(flags, version, &data);
        assert_eq!(rc(ep.execute::<SetFeature>(T, &WithData { head, data: &data })), code(want));
    }
    let (head, _) = set(0, 1, &[0, 0]);
    assert_eq!(rc(ep.execute::<SetFeature>(T, &WithData { head, data: &[24] })), code(CXLMI_RET_INPUT));
    assert_eq!(ep.execute::<GetFeature>(T, &get(0, 0, 4)).unwrap(), [1, 24, 1, 0]);
}

const GB: u64 = 1 << 30;
const MB2: u64 = 2 << 20;

/// Extents as (start, length, tag).
type ExtentRows = Vec<(u64, u64, [u8; 16])>;

/// The extent list from `start`: total, generation and the extents.
fn extents(ep: &mut Endpoint, start: u32, n: u32) -> (u32, u32, ExtentRows) {
    let req = cxlmi_cmd_memdev_get_dc_extent_list_req { extent_cnt: n, start_extent_idx: start };
    let l = ep.execute::<GetDcExtentList>(T, &req).unwrap();
    let list = l.entries().map(|e| (e.start_dpa, e.len, e.tag)).collect();
    (l.head.total_num_extents, l.head.generation_num, list)
}

fn dc_extent(start_dpa: u64, len: u64) -> cxlmi_memdev_dc_extent {
    cxlmi_memdev_dc_extent { start_dpa, len, rsvd: [0; 8] }
}

fn accept(ep: &mut Endpoint, items: &[cxlmi_memdev_dc_extent], more: bool) -> Result<()> {
    let head = cxlmi_cmd_memdev_add_dc_response_req {
        updated_extent_list_size: 0,
        flags: u8::from(more),
        rsvd1: [0; 3],
        extents: [],
    };
    ep.execute::<AddDcResponse>(T, &WithItems { head, items })
}

fn release(ep: &mut Endpoint, items: &[cxlmi_memdev_dc_extent]) -> Result<()> {
    let head = cxlmi_cmd_memdev_release_dc_req { updated_extent_list_size: 0, flags: 0, rsvd1: [0; 3], extents: [] };
    ep.execute::<ReleaseDc>(T, &WithItems { head, items })
}

#[test]
fn dc_configuration_lists_the_regions() {
    let mut ep = open();
    let c = ep
        .execute::<GetDcConfig>(T, &cxlmi_cmd_memdev_get_dc_config_req { region_cnt: 8, start_region_id: 0 })
        .unwrap();
    assert_eq!((c.num_regions, c.regions_returned), (2, 2));
    let r = c.region_configs[1];
    assert_eq!(({ r.base }, { r.decode_len }, { r.region_len }, { r.block_size }), (3 * GB, GB, GB, MB2));
    assert_eq!((r.flags, c.region_configs[0].flags), (1, 0));
    assert_eq!(({ c.num_extents_supported }, { c.num_extents_available }), (dc::MAX_EXTENTS, dc::MAX_EXTENTS));
    assert_eq!(({ c.num_tags_supported }, { c.num_tags_available }), (dc::MAX_TAGS, dc::MAX_TAGS));
    let c = ep
        .execute::<GetDcConfig>(T, &cxlmi_cmd_memdev_get_dc_config_req { region_cnt: 8, start_region_id: 1 })
        .unwrap();
    assert_eq!((c.regions_returned, { c.region_configs[0].base }), (1, 3 * GB));
    let past = cxlmi_cmd_memdev_get_dc_config_req { region_cnt: 1, start_region_id: 2 };
    assert_eq!(rc(ep.execute::<GetDcConfig>(T, &past)), code(CXLMI_RET_INPUT));
    assert_eq!(extents(&mut ep, 0, 8), (0, 0, vec![]));
}

#[test]
fn offered_capacity_is_accepted_listed_and_released() {
    let base = 2 * GB;
    let tag = [0x5a; 16];
    let mut t3 = Type3::new();
    let offer = [Extent { tag, ..Extent::new(base, 8 * MB2) }, Extent { tag, ..Extent::new(base + 64 * MB2, MB2) }];
    t3.offer_dc(&offer).unwrap();
    t3.offer_dc(&[Extent::new(3 * GB, MB2)]).unwrap();
    // Overlapping what is offered, unaligned, outside every region.
    assert_eq!(t3.offer_dc(&[Extent::new(base, MB2)]), Err(CXLMI_RET_EXTLIST));
    assert_eq!(t3.offer_dc(&[Extent::new(base + 4096, MB2)]), Err(CXLMI_RET_PADDR));
    assert_eq!(t3.offer_dc(&[Extent::new(0, MB2)]), Err(CXLMI_RET_PADDR));
    let mut ep = open_with(t3);

    // One Add Capacity record per extent, More on all but the last of an offer.
    let (_, recs) = events(&mut ep, dc::EVENT_LOG);
    assert_eq!(recs.len(), 3);
    assert!(recs.iter().all(|r| r.uuid == dc::EVENT_UUID && r.data[0] == dc::EventType::AddCapacity as u8));
    assert_eq!(recs.iter().map(|r| r.data[5]).collect::<Vec<_>>(), [1, 0, 0]);
    let first = cxlmi_memdev_get_list_extent::decode(&recs[0].data[8..]);
    assert_eq!(({ first.start_dpa }, { first.len }, first.tag), (base, 8 * MB2, tag));
    let c = ep
        .execute::<GetDcConfig>(T, &cxlmi_cmd_memdev_get_dc_config_req { region_cnt: 8, start_region_id: 0 })
        .unwrap();
    assert_eq!(({ c.num_extents_available }, { c.num_tags_available }), (dc::MAX_EXTENTS - 3, dc::MAX_TAGS - 1));

    // The host takes part of the first offer: what it names must be offered.
    assert_eq!(rc(accept(&mut ep, &[dc_extent(base + 100 * MB2, MB2)], false)), code(CXLMI_RET_PADDR));
    assert_eq!(
        rc(accept(&mut ep, &[dc_extent(base, 2 * MB2), dc_extent(base + MB2, MB2)], false)),
        code(CXLMI_RET_EXTLIST)
    );
    accept(&mut ep, &[dc_extent(base + 2 * MB2, 4 * MB2), dc_extent(base + 64 * MB2, MB2)], false).unwrap();
    let (total, generation, list) = extents(&mut ep, 0, 8);
    assert_eq!((total, generation), (2, 1));
    assert_eq!(list, [(base + 2 * MB2, 4 * MB2, tag), (base + 64 * MB2, MB2, tag)]);
    assert_eq!(extents(&mut ep, 1, 8).2, [(base + 64 * MB2, MB2, tag)]);
    assert_eq!(extents(&mut ep, 2, 8).2, []);
    assert_eq!(
        rc(ep.execute::<GetDcExtentList>(
            T,
            &cxlmi_cmd_memdev_get_dc_extent_list_req { extent_cnt: 1, start_extent_idx: 3 }
        )),
        code(CXLMI_RET_INPUT)
    );

    // The second offer is declined; then nothing is pending.
    accept(&mut ep, &[], false).unwrap();
    assert_eq!(rc(accept(&mut ep, &[], false)), code(CXLMI_RET_INPUT));
    assert_eq!(extents(&mut ep, 0, 8).0, 2);

    // Releasing the middle of an extent splits it; what is not held is refused.
    assert_eq!(rc(release(&mut ep, &[dc_extent(base, MB2)])), code(CXLMI_RET_PADDR));
    assert_eq!(rc(release(&mut ep, &[])), code(CXLMI_RET_INPUT));
    release(&mut ep, &[dc_extent(base + 3 * MB2, MB2)]).unwrap();
    let (total, generation, list) = extents(&mut ep, 0, 8);
    assert_eq!((total, generation), (3, 2));
    assert_eq!(
        list.iter().map(|e| (e.0, e.1)).collect::<Vec<_>>(),
        [(base + 2 * MB2, MB2), (base + 4 * MB2, 2 * MB2), (base + 64 * MB2, MB2)]
    );
    // Accepted capacity can be poisoned; released capacity is out of range.
    inject(&mut ep, base + 4 * MB2).unwrap();
    assert_eq!(rc(inject(&mut ep, base + 3 * MB2)), code(CXLMI_RET_PADDR));
    // An extent count that disagrees with the extents sent.
    let mut payload = vec![2, 0, 0, 0, 0, 0, 0, 0];
    payload.extend_from_slice(&[0; 24]);
    assert_eq!(raw(&mut ep, 0x4803, &payload), code(CXLMI_RET_PAYLOADLEN));
}

#[test]
fn the_fm_side_of_dynamic_capacity() {
    let base = 2 * GB;
    let tag = [7; 16];
    let mut t3 = Type3::new();
    assert_eq!(t3.dc.find_free(0, 4 * MB2), Some(base));
    t3.offer_dc(&[Extent { tag, ..Extent::new(base, 4 * MB2) }]).unwrap();
    assert_eq!(t3.dc.find_free(0, 4 * MB2), Some(base + 4 * MB2));
    assert_eq!(t3.dc.find_free(0, 3), None);
    assert_eq!(t3.dc.find_free(5, MB2), None);
    t3.dc.accept(&[(base, 4 * MB2)], false).unwrap();
    assert_eq!(t3.dc.extents_tagged(&tag).len(), 1);
    let tags = t3.dc.tags();
    assert_eq!((tags.len(), tags[0].accepted, tags[0].pending), (1, true, false));
    t3.dc.add_reference(tag).unwrap();
    assert_eq!(t3.dc.add_reference([9; 16]), Err(dc::DcError::Invalid));
    assert!(t3.dc.tags()[0].fm_reference);
    t3.dc.remove_reference(tag).unwrap();
    assert_eq!(t3.dc.remove_reference(tag), Err(dc::DcError::Invalid));

    // A region's block size cannot change while it holds capacity.
    assert_eq!(t3.configure_dc_region(0, 4 * MB2, false), Err(CXLMI_RET_BUSY));
    assert_eq!(t3.configure_dc_region(1, 3 * MB2, false), Err(CXLMI_RET_INPUT));
    assert_eq!(t3.configure_dc_region(1, 1 << 20, false), Err(CXLMI_RET_INPUT));
    t3.configure_dc_region(1, 4 * MB2, false).unwrap();
    assert_eq!((t3.dc.regions[1].block_size, t3.dc.regions[1].sanitize_on_release), (4 * MB2, false));

    // Asked to release, then released by the host; forced, gone at once.
    t3.request_dc_release(&[Extent::new(base, MB2)], false).unwrap();
    assert_eq!(t3.dc.releasing.len(), 1);
    assert_eq!(t3.request_dc_release(&[Extent::new(base + 8 * MB2, MB2)], false), Err(CXLMI_RET_PADDR));
    t3.request_dc_release(&[Extent::new(base + MB2, MB2)], true).unwrap();
    let mut ep = open_with(t3);
    let (_, recs) = events(&mut ep, dc::EVENT_LOG);
    let kinds: Vec<u8> = recs.iter().map(|r| r.data[0]).collect();
    use dc::EventType::*;
    assert_eq!(
        kinds,
        [AddCapacity as u8, RegionConfigurationUpdated as u8, ReleaseCapacity as u8, ForcedCapacityRelease as u8]
    );
    assert_eq!(recs[1].data[4], 1, "the updated region");
    assert_eq!(
        extents(&mut ep, 0, 8).2.iter().map(|e| (e.0, e.1)).collect::<Vec<_>>(),
        [(base, MB2), (base + 2 * MB2, 2 * MB2)]
    );
    release(&mut ep, &[dc_extent(base, MB2)]).unwrap();
    assert_eq!(extents(&mut ep, 0, 8).0, 1);
}

#[test]
fn malformed_requests_answer_as_a_device_does() {
    let mut ep = open();
    // Every fixed-size request, one byte short and one byte long.
    let fixed: &[(u16, usize)] = &[
        (0x0100, 1),
        (0x0202, 2),
        (0x0500, 8),
        (0x0501, 21),
        (0x4000, 0),
        (0x4101, 9),
        (0x4102, 8),
        (0x4202, 12),
        (0x4204, 1),
        (0x4300, 16),
        (0x4301, 8),
        (0x4302, 72),
        (0x4303, 16),
        (0x4304, 17),
        (0x4400, 0),
        (0x4501, 96),
        (0x4502, 64),
        (0x4503, 32),
        (0x4505, 64),
        (0x4800, 2),
        (0x4801, 8),
    ];
    for &(op, len) in fixed {
        if len > 0 {
            assert_eq!(raw(&mut ep, op, &vec![0; len - 1]), code(CXLMI_RET_PAYLOADLEN), "{op:04x} short");
        }
        assert_eq!(raw(&mut ep, op, &vec![0; len + 1]), code(CXLMI_RET_PAYLOADLEN), "{op:04x} long");
    }
    // Heads too short to hold their fixed part.
    for op in [0x0101u16, 0x0201, 0x0502, 0x4103, 0x4802, 0x4803] {
        assert_eq!(raw(&mut ep, op, &[1]), code(CXLMI_RET_PAYLOADLEN), "{op:04x}");
    }
    // Nothing above changed the device.
    assert!(poison_list(&mut ep, 0, 1 << 20).is_empty());
    assert_eq!(bg_status(&mut ep).status, 0);
    // Garbage of every length reaches no panic.
    for op in [0x0101u16, 0x0201, 0x0502, 0x4103, 0x4802, 0x4803, 0x4101, 0x0103] {
        for len in [0usize, 3, 8, 31, 130, 200] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8 | 0x80).collect();
            raw(&mut ep, op, &bytes);
        }
    }
    ep.execute::<Identify>(T, &()).unwrap();
}

#[test]
fn the_response_limit_bounds_listed_answers() {
    let mut ep = open();
    let l = ep.execute::<GetResponseMsgLimit>(T, &()).unwrap();
    assert_eq!(l.limit, 11);
    assert_eq!(
        rc(ep.execute::<SetResponseMsgLimit>(T, &cxlmi_cmd_set_response_msg_limit_req { limit: 12 })),
        code(CXLMI_RET_INPUT)
    );
    ep.execute::<SetResponseMsgLimit>(T, &cxlmi_cmd_set_response_msg_limit_req { limit: 8 }).unwrap();
    // 256 bytes: one 128-byte record after the 32-byte head.
    let mut t3 = Type3::new();
    t3.post_event(type3::INFORMATIONAL, cxlmi_event_record::zeroed());
    let mut ep = open_with(t3);
    ep.execute::<SetResponseMsgLimit>(T, &cxlmi_cmd_set_response_msg_limit_req { limit: 8 }).unwrap();
    let (flags, recs) = events(&mut ep, type3::INFORMATIONAL);
    assert_eq!((flags, recs.len()), (0b10, 1));
    assert_eq!(rc(get_lsa(&mut ep, 0, 257)), code(CXLMI_RET_INPUT));
    assert_eq!(get_lsa(&mut ep, 0, 256).unwrap().len(), 256);
}
