//! The FM-API side of the fabric through the library's public API: the
//! switch's ports and virtual switches, the MLD's LD management, and the
//! multi-headed device's LD Pool CCI, each reached as a Fabric Manager
//! reaches it (directly or through the tunnels).

use std::time::{Duration, Instant};

use cxlmi::cci::{Opcode, ResponseSize};
use cxlmi::commands::fmapi::*;
use cxlmi::commands::generic::{BgOpStatus, Identify};
use cxlmi::error::{Error, Result};
use cxlmi::log::Logger;
use cxlmi::types::cxlmi_cmd_retcode::*;
use cxlmi::types::*;
use cxlmi::wire::Wire;
use cxlmi::{Context, Endpoint, Tunnel};

fn open(model: &str) -> Endpoint {
    crate::open(&Context::new(Logger::stderr(0)), model).unwrap()
}

/// The CXL return code a command failed with, None when it succeeded.
fn device_error<T>(r: Result<T>) -> Option<cxlmi_cmd_retcode> {
    match r {
        Ok(_) => None,
        Err(Error::Device(rc)) => Some(
            [
                CXLMI_RET_BACKGROUND,
                CXLMI_RET_INPUT,
                CXLMI_RET_BUSY,
                CXLMI_RET_PAYLOADLEN,
                CXLMI_RET_UNSUPPORTED,
                CXLMI_RET_INTERNAL,
                CXLMI_RET_PADDR,
                CXLMI_RET_EXTLIST,
                CXLMI_RET_RESOURCEEXHAUSTED,
            ]
            .into_iter()
            .find(|&c| c as u16 == rc)
            .unwrap_or_else(|| panic!("unexpected return code {rc}")),
        ),
        Err(e) => panic!("not a device error: {e:?}"),
    }
}

/// Sends `payload` as command `op` and returns the response payload or the
/// return code: for malformed requests the typed commands cannot build.
fn raw(ep: &mut Endpoint, tunnel: Tunnel, op: u16, payload: &[u8]) -> core::result::Result<Vec<u8>, cxlmi_cmd_retcode> {
    let size = ResponseSize::between(0, 4096);
    match ep.transact(tunnel, Opcode(op), payload.len(), |p| p.copy_from_slice(payload), size) {
        Ok(r) => Ok(r.sent().to_vec()),
        Err(e) => Err(device_error::<()>(Err(e)).unwrap()),
    }
}

fn port_states(ep: &mut Endpoint, ids: &[u8]) -> Vec<cxlmi_cmd_fmapi_port_state_info_block> {
    let input = WithItems { head: cxlmi_cmd_fmapi_get_phys_port_state_req { num_ports: 0, ports: [] }, items: ids };
    ep.execute::<GetPhysPortState>(Tunnel::None, &input).unwrap().entries().collect()
}

fn port_state(ep: &mut Endpoint, id: u8) -> cxlmi_cmd_fmapi_port_state_info_block {
    port_states(ep, &[id])[0]
}

/// The vPPBs of VCS `vcs` as (status, port, LD).
fn vppbs(ep: &mut Endpoint, vcs: u8) -> Vec<(u8, u8, u8)> {
    let ids = [vcs];
    let head = cxlmi_cmd_fmapi_get_vcs_info_req { start_vppb: 0, vppb_list_limit: 8, num_vcs: 0, vcs_id_list: [] };
    let info = ep.execute::<GetVcsInfo>(Tunnel::None, &WithItems { head, items: &ids[..] }).unwrap();
    let block = info.blocks().next().unwrap();
    block.entries().map(|v| (v.binding_status, v.bound_port_id, v.bound_ld_id)).collect()
}

/// Polls Background Operation Status until the running operation ends,
/// returning the opcode and return code it ended with.
fn wait_background(ep: &mut Endpoint, t: Tunnel) -> (u16, u16) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let s = ep.execute::<BgOpStatus>(t, &()).unwrap();
        if s.status & 1 == 0 {
            return (s.opcode, s.returncode);
        }
        assert!(Instant::now() < deadline, "background operation never ended");
        std::thread::sleep(Duration::from_millis(5));
    }
}

// ---- Switch: physical ports ----

#[test]
fn identify_switch_matches_the_topology() {
    let mut sw = open("switch");
    let id = sw.execute::<IdentifySwDevice>(Tunnel::None, &()).unwrap();
    assert_eq!((id.ingress_port_id, id.num_physical_ports, id.num_vcs), (0, 5, 2));
    assert_eq!(id.active_port_bitmask[0], 0b1_1111);
    assert!(id.active_port_bitmask[1..].iter().all(|&b| b == 0));
    assert_eq!(id.active_vcs_bitmask[0], 0b11);
    assert_eq!(({ id.num_total_vppb }, { id.num_active_vppb }, id.num_hdm_decoder_per_usp), (8, 2, 8));
    assert_eq!(sw.execute::<Identify>(Tunnel::None, &()).unwrap().component_type, 0x00);
}

#[test]
fn physical_ports_say_what_is_behind_them() {
    let mut sw = open("switch");
    let all = port_states(&mut sw, &[4, 0, 1, 2, 3]);
    let row = |b: &cxlmi_cmd_fmapi_port_state_info_block| {
        (b.port_id, b.config_state, b.conn_dev_type, b.negotiated_link_width, b.ltssm_state, b.supported_ld_count)
    };
    assert_eq!(
        all.iter().map(row).collect::<Vec<_>>(),
        [(4, 4, 0, 16, 4, 0), (0, 4, 0, 16, 4, 0), (1, 3, 4, 8, 4, 0), (2, 3, 5, 8, 4, 4), (3, 3, 0, 0, 0, 0)]
    );
    let sld = all[2];
    assert_eq!((sld.conn_dev_cxl_ver, sld.max_link_width, sld.max_link_speed, sld.current_link_speed), (2, 8, 5, 5));
    assert_eq!(({ sld.link_state }, { all[4].link_state }), (0b100, 0));
    assert_eq!(all[4].conn_dev_cxl_ver, 0);
    // An unknown port anywhere in the list fails the whole command.
    let input =
        WithItems { head: cxlmi_cmd_fmapi_get_phys_port_state_req { num_ports: 0, ports: [] }, items: &[1u8, 5][..] };
    assert_eq!(device_error(sw.execute::<GetPhysPortState>(Tunnel::None, &input)), Some(CXLMI_RET_INPUT));
    // A count that disagrees with the ids sent.
    assert_eq!(raw(&mut sw, Tunnel::None, 0x5101, &[2, 1]), Err(CXLMI_RET_PAYLOADLEN));
    assert_eq!(raw(&mut sw, Tunnel::None, 0x5101, &[]), Err(CXLMI_RET_PAYLOADLEN));
    assert_eq!(raw(&mut sw, Tunnel::None, 0x5101, &[0]), Ok(vec![0, 0, 0, 0]));
}

#[test]
fn perst_takes_the_link_down_and_the_device_out_of_reach() {
    let mut sw = open("switch");
    let control = |op| cxlmi_cmd_fmapi_phys_port_control_req { ppb_id: 1, port_opcode: op };
    sw.execute::<PhysPortControl>(Tunnel::None, &control(0)).unwrap();
    let p = port_state(&mut sw, 1);
    assert_eq!(({ p.link_state }, p.ltssm_state, p.negotiated_link_width, p.current_link_speed), (0b110, 0, 0, 0));
    assert_eq!(p.conn_dev_type, 4, "the device is still there, held in reset");
    assert_eq!(device_error(sw.execute::<Identify>(Tunnel::Port(1), &())), Some(CXLMI_RET_INPUT));

    sw.execute::<PhysPortControl>(Tunnel::None, &control(1)).unwrap();
    let p = port_state(&mut sw, 1);
    assert_eq!(({ p.link_state }, p.ltssm_state, p.negotiated_link_width), (0b100, 4, 8));
    assert_eq!(sw.execute::<Identify>(Tunnel::Port(1), &()).unwrap().component_type, 0x03);

    for bad in [
        cxlmi_cmd_fmapi_phys_port_control_req { ppb_id: 1, port_opcode: 3 },
        cxlmi_cmd_fmapi_phys_port_control_req { ppb_id: 9, port_opcode: 0 },
        cxlmi_cmd_fmapi_phys_port_control_req { ppb_id: 0, port_opcode: 0 },
    ] {
        assert_eq!(device_error(sw.execute::<PhysPortControl>(Tunnel::None, &bad)), Some(CXLMI_RET_INPUT), "{bad:?}");
    }
    assert_eq!(raw(&mut sw, Tunnel::None, 0x5102, &[1]), Err(CXLMI_RET_PAYLOADLEN));
}

/// A Send PPB CXL.io Configuration Request's 24-bit field.
fn config_field(offset: u16, enables: u8, write: bool) -> [u8; 3] {
    let f = u32::from(offset & 0xff) | u32::from(offset >> 8) << 8 | u32::from(enables) << 12 | u32::from(write) << 23;
    [f as u8, (f >> 8) as u8, (f >> 16) as u8]
}

#[test]
fn ppb_config_space_reads_writes_and_resets() {
    let mut sw = open("switch");
    let config = |sw: &mut Endpoint, ppb_id, offset, enables, write, data| {
        let req = cxlmi_cmd_fmapi_send_ppb_cxlio_config_request_req {
            ppb_id,
            field_1: config_field(offset, enables, write),
            transaction_data: data,
        };
        sw.execute::<SendPpbCxlioConfigRequest>(Tunnel::None, &req).map(|r| r.return_data)
    };
    assert_eq!(config(&mut sw, 1, 0, 0xf, false, 0).unwrap(), 0xe502_1e98);
    assert_eq!(config(&mut sw, 0, 0, 0xf, false, 0).unwrap(), 0xe501_1e98);
    assert_eq!(config(&mut sw, 1, 0, 0b0011, false, 0).unwrap(), 0x1e98);
    assert_eq!(config(&mut sw, 1, 8, 0xf, false, 0).unwrap() >> 8, 0x06_0400);
    // Identification is read-only; other registers keep what is written,
    // byte by byte as enabled, in the extended space too.
    config(&mut sw, 1, 0, 0xf, true, 0).unwrap();
    assert_eq!(config(&mut sw, 1, 0, 0xf, false, 0).unwrap(), 0xe502_1e98);
    config(&mut sw, 1, 0x104, 0b0101, true, 0xaabb_ccdd).unwrap();
    assert_eq!(config(&mut sw, 1, 0x104, 0xf, false, 0).unwrap(), 0x00bb_00dd);
    assert_eq!(config(&mut sw, 2, 0x104, 0xf, false, 0).unwrap(), 0, "each PPB has its own space");
    // Reset PPB puts the space back.
    sw.execute::<PhysPortControl>(Tunnel::None, &cxlmi_cmd_fmapi_phys_port_control_req { ppb_id: 1, port_opcode: 2 })
        .unwrap();
    assert_eq!(config(&mut sw, 1, 0x104, 0xf, false, 0).unwrap(), 0);
    // An unaligned offset or an unknown PPB.
    assert_eq!(device_error(config(&mut sw, 1, 2, 0xf, false, 0)), Some(CXLMI_RET_INPUT));
    assert_eq!(device_error(config(&mut sw, 7, 0, 0xf, false, 0)), Some(CXLMI_RET_INPUT));
    assert_eq!(raw(&mut sw, Tunnel::None, 0x5103, &[1, 0, 0xf0, 0]), Err(CXLMI_RET_PAYLOADLEN));
}

// ---- Switch: virtual switches ----

#[test]
fn vcs_info_lists_bindings_from_the_start_within_the_limit() {
    let mut sw = open("switch");
    assert_eq!(vppbs(&mut sw, 0), [(2, 1, 0xff), (3, 2, 0), (0, 0xff, 0xff), (0, 0xff, 0xff)]);
    assert_eq!(vppbs(&mut sw, 1), [(0, 0xff, 0xff); 4]);

    let ids = [1u8, 0];
    let head = cxlmi_cmd_fmapi_get_vcs_info_req { start_vppb: 1, vppb_list_limit: 2, num_vcs: 0, vcs_id_list: [] };
    let info = sw.execute::<GetVcsInfo>(Tunnel::None, &WithItems { head, items: &ids[..] }).unwrap();
    let blocks: Vec<_> =
        info.blocks().map(|b| (b.head.vcs_id, b.head.vcs_state, b.head.usp_id, b.head.num_vppbs)).collect();
    assert_eq!(blocks, [(1, 1, 4, 2), (0, 1, 0, 2)]);
    let second: Vec<_> = info.blocks().nth(1).unwrap().entries().map(|v| v.bound_port_id).collect();
    assert_eq!(second, [2, 0xff]);

    // An unknown VCS is reported invalid, without vPPBs.
    let reply = raw(&mut sw, Tunnel::None, 0x5200, &[0, 4, 1, 9]).unwrap();
    assert_eq!(reply, [1, 0, 0, 0, 9, 0xff, 0xff, 0]);
    assert_eq!(raw(&mut sw, Tunnel::None, 0x5200, &[0, 4, 2, 0]), Err(CXLMI_RET_PAYLOADLEN));
    assert_eq!(raw(&mut sw, Tunnel::None, 0x5200, &[0, 4]), Err(CXLMI_RET_PAYLOADLEN));
}

/// Whether a command started a background operation (which the library
/// reports as the return code Background Command Started, as upstream does).
fn started<T: core::fmt::Debug>(r: Result<T>) {
    assert_eq!(device_error(r), Some(CXLMI_RET_BACKGROUND));
}

fn bind(vcs_id: u8, vppb_id: u8, port_id: u8, ld_id: u16) -> cxlmi_cmd_fmapi_bind_vppb_req {
    cxlmi_cmd_fmapi_bind_vppb_req { vcs_id, vppb_id, port_id, rsv1: 0, ld_id }
}

fn unbind(vcs_id: u8, vppb_id: u8) -> cxlmi_cmd_fmapi_unbind_vppb_req {
    cxlmi_cmd_fmapi_unbind_vppb_req { vcs_id, vppb_id, option: 0 }
}

#[test]
fn bind_and_unbind_run_in_the_background_and_show_in_vcs_info() {
    let mut sw = open("switch");
    // Bind LD 2 of the MLD to VCS 1's vPPB 3: in progress, then bound.
    started(sw.execute::<BindVppb>(Tunnel::None, &bind(1, 3, 2, 2)));
    assert_eq!(vppbs(&mut sw, 1)[3], (1, 2, 2));
    assert_eq!(port_state(&mut sw, 2).config_state, 1, "bind in progress");
    // One at a time.
    assert_eq!(device_error(sw.execute::<BindVppb>(Tunnel::None, &bind(1, 2, 3, 0xffff))), Some(CXLMI_RET_BUSY));
    assert_eq!(device_error(sw.execute::<UnbindVppb>(Tunnel::None, &unbind(0, 0))), Some(CXLMI_RET_BUSY));
    assert_eq!(wait_background(&mut sw, Tunnel::None), (0x5201, 0));
    assert_eq!(vppbs(&mut sw, 1)[3], (3, 2, 2));
    assert_eq!(port_state(&mut sw, 2).config_state, 3);
    assert_eq!({ sw.execute::<IdentifySwDevice>(Tunnel::None, &()).unwrap().num_active_vppb }, 3);

    // The empty port binds as a whole port.
    started(sw.execute::<BindVppb>(Tunnel::None, &bind(1, 0, 3, 0xffff)));
    wait_background(&mut sw, Tunnel::None);
    assert_eq!(vppbs(&mut sw, 1)[0], (2, 3, 0xff));

    // Unbind the SLD from VCS 0 and bind it to VCS 1.
    started(sw.execute::<UnbindVppb>(Tunnel::None, &unbind(0, 0)));
    assert_eq!(vppbs(&mut sw, 0)[0], (1, 1, 0xff));
    assert_eq!(port_state(&mut sw, 1).config_state, 2, "unbind in progress");
    assert_eq!(wait_background(&mut sw, Tunnel::None), (0x5202, 0));
    assert_eq!(vppbs(&mut sw, 0)[0], (0, 0xff, 0xff));
    started(sw.execute::<BindVppb>(Tunnel::None, &bind(1, 1, 1, 0xffff)));
    wait_background(&mut sw, Tunnel::None);
    assert_eq!(vppbs(&mut sw, 1), [(2, 3, 0xff), (2, 1, 0xff), (0, 0xff, 0xff), (3, 2, 2)]);
    assert_eq!({ sw.execute::<IdentifySwDevice>(Tunnel::None, &()).unwrap().num_active_vppb }, 4);
}

#[test]
fn bind_and_unbind_refuse_what_cannot_be_done() {
    let mut sw = open("switch");
    let refused = [
        bind(2, 0, 1, 0xffff), // no VCS 2
        bind(1, 4, 3, 0xffff), // no vPPB 4
        bind(1, 0, 5, 0xffff), // no port 5
        bind(1, 0, 4, 0xffff), // an upstream port
        bind(1, 0, 1, 0xffff), // the SLD is bound to VCS 0 already
        bind(1, 0, 1, 0),      // an SLD has no LDs
        bind(1, 0, 2, 0xffff), // an MLD is bound by LD
        bind(1, 0, 2, 4),      // the MLD has four LDs
        bind(1, 0, 2, 0),      // LD 0 is bound to VCS 0 already
        bind(0, 0, 3, 0xffff), // VCS 0's vPPB 0 is bound already
    ];
    for b in refused {
        assert_eq!(device_error(sw.execute::<BindVppb>(Tunnel::None, &b)), Some(CXLMI_RET_INPUT), "{b:?}");
    }
    for u in [unbind(0, 2), unbind(3, 0), unbind(0, 9), cxlmi_cmd_fmapi_unbind_vppb_req { option: 3, ..unbind(0, 0) }] {
        assert_eq!(device_error(sw.execute::<UnbindVppb>(Tunnel::None, &u)), Some(CXLMI_RET_INPUT), "{u:?}");
    }
    assert_eq!(raw(&mut sw, Tunnel::None, 0x5201, &[1, 0, 3, 0, 0xff]), Err(CXLMI_RET_PAYLOADLEN));
    assert_eq!(raw(&mut sw, Tunnel::None, 0x5202, &[0, 0]), Err(CXLMI_RET_PAYLOADLEN));
    // Nothing changed.
    assert_eq!(vppbs(&mut sw, 0), [(2, 1, 0xff), (3, 2, 0), (0, 0xff, 0xff), (0, 0xff, 0xff)]);
    assert_eq!(vppbs(&mut sw, 1), [(0, 0xff, 0xff); 4]);
    // A bind cannot be aborted.
    started(sw.execute::<BindVppb>(Tunnel::None, &bind(1, 0, 3, 0xffff)));
    let abort = sw.execute::<cxlmi::commands::generic::RequestBgOpAbort>(Tunnel::None, &());
    assert!(matches!(abort, Err(Error::Device(rc)) if rc == CXLMI_RET_NO_BGABORT as u16), "{abort:?}");
    wait_background(&mut sw, Tunnel::None);
    assert_eq!(vppbs(&mut sw, 1)[0], (2, 3, 0xff));
}

// ---- MLD: LD management by the FM-owned LD ----

/// The FM-owned LD as reached on both endpoints that reach it.
fn fm_lds() -> [(Endpoint, Tunnel); 2] {
    [(open("switch"), Tunnel::Port(2)), (open("mld"), Tunnel::None)]
}

#[test]
fn ld_info_and_allocations_read_back() {
    for (mut ep, t) in fm_lds() {
        let info = ep.execute::<GetLdInfo>(t, &()).unwrap();
        assert_eq!(({ info.memory_size }, { info.ld_count }, info.qos_telemetry_capability), (4 << 30, 4, 3));

        let get = |ep: &mut Endpoint, start, limit| {
            let req = cxlmi_cmd_fmapi_get_ld_allocations_req { start_ld_id: start, ld_allocation_list_limit: limit };
            ep.execute::<GetLdAllocations>(t, &req).map(|l| {
                let h = l.head;
                let e: Vec<_> = l.entries().map(|e| (e.range_1_allocation_mult, e.range_2_allocation_mult)).collect();
                (h.number_ld, h.memory_granularity, h.start_ld_id, e)
            })
        };
        assert_eq!(get(&mut ep, 0, 4).unwrap(), (4, 0, 0, vec![(4, 0); 4]));

        let entries = [
            cxlmi_cmd_fmapi_ld_allocations_list { range_1_allocation_mult: 2, range_2_allocation_mult: 1 },
            cxlmi_cmd_fmapi_ld_allocations_list { range_1_allocation_mult: 5, range_2_allocation_mult: 0 },
        ];
        let head = cxlmi_cmd_fmapi_set_ld_allocations_req {
            number_ld: 0,
            start_ld_id: 1,
            rsvd: [0; 2],
            ld_allocation_list: [],
        };
        let set = ep.execute::<SetLdAllocations>(t, &WithItems { head, items: &entries[..] }).unwrap();
        assert_eq!((set.head.number_ld, set.head.start_ld_id), (2, 1));
        assert_eq!(set.entries().map(|e| e.range_1_allocation_mult).collect::<Vec<_>>(), [2, 5]);
        assert_eq!(get(&mut ep, 1, 3).unwrap().3, [(2, 1), (5, 0), (4, 0)], "all 16 granules taken");
        assert_eq!(get(&mut ep, 0, 1).unwrap(), (4, 0, 0, vec![(4, 0)]));

        // More than the device has, entries past the last LD, a start past
        // the last LD, a limit of 0, a count that disagrees with the entries.
        let greedy = [cxlmi_cmd_fmapi_ld_allocations_list { range_1_allocation_mult: 5, range_2_allocation_mult: 0 }];
        let at = |start| cxlmi_cmd_fmapi_set_ld_allocations_req { start_ld_id: start, ..head };
        assert_eq!(
            device_error(ep.execute::<SetLdAllocations>(t, &WithItems { head: at(1), items: &greedy[..] })),
            Some(CXLMI_RET_INPUT)
        );
        assert_eq!(
            device_error(ep.execute::<SetLdAllocations>(t, &WithItems { head: at(3), items: &entries[..] })),
            Some(CXLMI_RET_INPUT)
        );
        let huge = [cxlmi_cmd_fmapi_ld_allocations_list {
            range_1_allocation_mult: u64::MAX,
            range_2_allocation_mult: u64::MAX,
        }];
        assert_eq!(
            device_error(ep.execute::<SetLdAllocations>(t, &WithItems { head: at(0), items: &huge[..] })),
            Some(CXLMI_RET_INPUT)
        );
        assert_eq!(device_error(get(&mut ep, 4, 1)), Some(CXLMI_RET_INPUT));
        assert_eq!(device_error(get(&mut ep, 0, 0)), Some(CXLMI_RET_INPUT));
        assert_eq!(raw(&mut ep, t, 0x5402, &[1, 0, 0, 0, 1]), Err(CXLMI_RET_PAYLOADLEN));
        assert_eq!(raw(&mut ep, t, 0x5401, &[0]), Err(CXLMI_RET_PAYLOADLEN));
        assert_eq!(get(&mut ep, 0, 4).unwrap().3, [(4, 0), (2, 1), (5, 0), (4, 0)], "refused sets changed nothing");
        // Fewer entries than the limit when the LDs end first.
        assert_eq!(raw(&mut ep, t, 0x5401, &[3, 9]).unwrap().len(), 4 + 16);
    }
}

#[test]
fn qos_control_is_checked_and_read_back() {
    for (mut ep, t) in fm_lds() {
        let c = ep.execute::<GetQosControl>(t, &()).unwrap();
        assert_eq!(
            (c.egress_moderate_percentage, c.egress_severe_percentage, c.backpressure_sample_interval),
            (10, 25, 8)
        );
        let want = cxlmi_cmd_fmapi_set_qos_control_req {
            qos_telemetry_control: 0b11,
            egress_moderate_percentage: 40,
            egress_severe_percentage: 90,
            backpressure_sample_interval: 15,
            recmpbasis: 0x1234,
            completion_collection_interval: 200,
        };
        let set = ep.execute::<SetQosControl>(t, &want).unwrap();
        assert_eq!(({ set.recmpbasis }, set.egress_severe_percentage), (0x1234, 90));
        let c = ep.execute::<GetQosControl>(t, &()).unwrap();
        assert_eq!(cxlmi::wire::to_vec(&c), cxlmi::wire::to_vec(&want));
        for bad in [
            cxlmi_cmd_fmapi_set_qos_control_req { qos_telemetry_control: 0b100, ..want },
            cxlmi_cmd_fmapi_set_qos_control_req { egress_moderate_percentage: 0, ..want },
            cxlmi_cmd_fmapi_set_qos_control_req { egress_severe_percentage: 101, ..want },
            cxlmi_cmd_fmapi_set_qos_control_req { egress_moderate_percentage: 91, ..want },
            cxlmi_cmd_fmapi_set_qos_control_req { backpressure_sample_interval: 16, ..want },
        ] {
            assert_eq!(device_error(ep.execute::<SetQosControl>(t, &bad)), Some(CXLMI_RET_INPUT), "{bad:?}");
        }
        assert_eq!(ep.execute::<GetQosControl>(t, &()).unwrap().egress_moderate_percentage, 40);
        assert_eq!(ep.execute::<GetQosStatus>(t, &()).unwrap().backpressure_avg_percentage, 0);
        assert_eq!(raw(&mut ep, t, 0x5404, &[0; 6]), Err(CXLMI_RET_PAYLOADLEN));
        assert_eq!(raw(&mut ep, t, 0x5405, &[0]), Err(CXLMI_RET_PAYLOADLEN));
    }
}

#[test]
fn qos_bandwidth_fractions_per_ld() {
    for (mut ep, t) in fm_lds() {
        let alloc = |ep: &mut Endpoint, number_ld, start_ld_id| {
            let req = cxlmi_cmd_fmapi_get_qos_allocated_bw_req { number_ld, start_ld_id };
            ep.execute::<GetQosAllocatedBw>(t, &req).map(|l| (l.head.start_ld_id, l.entries().collect::<Vec<_>>()))
        };
        let limit = |ep: &mut Endpoint, number_ld, start_ld_id| {
            let req = cxlmi_cmd_fmapi_get_qos_bw_limit_req { number_ld, start_ld_id };
            ep.execute::<GetQosBwLimit>(t, &req).map(|l| (l.head.start_ld_id, l.entries().collect::<Vec<_>>()))
        };
        assert_eq!(alloc(&mut ep, 4, 0).unwrap(), (0, vec![64; 4]));
        assert_eq!(limit(&mut ep, 4, 0).unwrap(), (0, vec![0xff; 4]));

        let shares = [100u8, 28];
        let head =
            cxlmi_cmd_fmapi_set_qos_allocated_bw_req { number_ld: 0, start_ld_id: 2, qos_allocation_fraction: [] };
        let set = ep.execute::<SetQosAllocatedBw>(t, &WithItems { head, items: &shares[..] }).unwrap();
        assert_eq!((set.head.start_ld_id, set.entries().collect::<Vec<_>>()), (2, vec![100, 28]));
        assert_eq!(alloc(&mut ep, 3, 1).unwrap(), (1, vec![64, 100, 28]));

        let caps = [0x80u8];
        let head = cxlmi_cmd_fmapi_set_qos_bw_limit_req { number_ld: 0, start_ld_id: 3, qos_limit_fraction: [] };
        let set = ep.execute::<SetQosBwLimit>(t, &WithItems { head, items: &caps[..] }).unwrap();
        assert_eq!(set.entries().collect::<Vec<_>>(), [0x80]);
        assert_eq!(limit(&mut ep, 2, 2).unwrap(), (2, vec![0xff, 0x80]));
        assert_eq!(alloc(&mut ep, 1, 3).unwrap(), (3, vec![28]), "limits and allocations are apart");

        // Past the last LD, counts that disagree with the fractions.
        assert_eq!(device_error(alloc(&mut ep, 2, 3)), Some(CXLMI_RET_INPUT));
        assert_eq!(device_error(limit(&mut ep, 1, 4)), Some(CXLMI_RET_INPUT));
        let head = cxlmi_cmd_fmapi_set_qos_bw_limit_req { number_ld: 0, start_ld_id: 3, qos_limit_fraction: [] };
        let two = [1u8, 2];
        assert_eq!(
            device_error(ep.execute::<SetQosBwLimit>(t, &WithItems { head, items: &two[..] })),
            Some(CXLMI_RET_INPUT)
        );
        assert_eq!(raw(&mut ep, t, 0x5407, &[2, 0, 1]), Err(CXLMI_RET_PAYLOADLEN));
        assert_eq!(raw(&mut ep, t, 0x5409, &[2]), Err(CXLMI_RET_PAYLOADLEN));
        assert_eq!(raw(&mut ep, t, 0x5406, &[2, 0, 0]), Err(CXLMI_RET_PAYLOADLEN));
        assert_eq!(raw(&mut ep, t, 0x5409, &[255, 255]), Err(CXLMI_RET_PAYLOADLEN));
        assert_eq!(raw(&mut ep, t, 0x5408, &[255, 255]), Err(CXLMI_RET_INPUT));
        assert_eq!(limit(&mut ep, 4, 0).unwrap().1, [0xff, 0xff, 0xff, 0x80], "refused sets changed nothing");
    }
}

#[test]
fn lds_answer_as_type3_devices_and_ld_management_stays_with_the_fm_ld() {
    let mut sw = open("switch");
    for ld in 0..4u8 {
        let id = sw.execute::<Identify>(Tunnel::PortThenLd { port: 2, ld }, &()).unwrap();
        assert_eq!((id.component_type, id.serial_num), (0x03, 0x7e4d_0000_0000_0000 + u64::from(ld)));
    }
    // An LD is not the FM-owned LD, and the switch is not an MLD.
    let t = Tunnel::PortThenLd { port: 2, ld: 1 };
    assert_eq!(device_error(sw.execute::<GetLdInfo>(t, &())), Some(CXLMI_RET_UNSUPPORTED));
    assert_eq!(device_error(sw.execute::<GetLdInfo>(Tunnel::None, &())), Some(CXLMI_RET_UNSUPPORTED));
    assert_eq!(device_error(sw.execute::<GetLdInfo>(Tunnel::Port(1), &())), Some(CXLMI_RET_UNSUPPORTED));
    // Allocations made through the switch are the MLD's own.
    let entry = [cxlmi_cmd_fmapi_ld_allocations_list { range_1_allocation_mult: 1, range_2_allocation_mult: 0 }];
    let head =
        cxlmi_cmd_fmapi_set_ld_allocations_req { number_ld: 0, start_ld_id: 0, rsvd: [0; 2], ld_allocation_list: [] };
    sw.execute::<SetLdAllocations>(Tunnel::Port(2), &WithItems { head, items: &entry[..] }).unwrap();
    let req = cxlmi_cmd_fmapi_get_ld_allocations_req { start_ld_id: 0, ld_allocation_list_limit: 1 };
    let list = sw.execute::<GetLdAllocations>(Tunnel::Port(2), &req).unwrap();
    assert_eq!({ list.entries().next().unwrap().range_1_allocation_mult }, 1);
}

// ---- MHD: the heads and the LD Pool CCI ----

use cxlmi::commands::generic::{GetEventRecords, GetLogCel, GetSupportedLogs};
use cxlmi::commands::memdev::{AddDcResponse, GetDcExtentList};

const POOL: Tunnel = Tunnel::LdPool;
const GB: u64 = 1 << 30;
/// Where the first dynamic capacity region starts on the emulated heads.
const DC_BASE: u64 = 2 * GB;
const BLOCK: u64 = 2 << 20;

fn tag(n: u8) -> [u8; 16] {
    [n; 16]
}

fn extent(start_dpa: u64, len: u64, tag: [u8; 16]) -> cxlmi_fmapi_dc_extent {
    cxlmi_fmapi_dc_extent { start_dpa, len, tag, shared_seq: 0, rsvd: [0; 6] }
}

/// Initiate DC Add for `host`: `extents` given are prescriptive, none ask
/// for `length` bytes of region 0 with the free policy.
fn add(ep: &mut Endpoint, host_id: u16, length: u64, t: [u8; 16], extents: &[cxlmi_fmapi_dc_extent]) -> Result<()> {
    let mut head = cxlmi_cmd_fmapi_initiate_dc_add_req::zeroed();
    head.host_id = host_id;
    head.selection_policy = if extents.is_empty() { 0 } else { 2 };
    head.length = length;
    head.tag = t;
    ep.execute::<InitiateDcAdd>(POOL, &WithItems { head, items: extents })
}

fn release(ep: &mut Endpoint, host_id: u16, flags: u8, t: [u8; 16], extents: &[cxlmi_fmapi_dc_extent]) -> Result<()> {
    let mut head = cxlmi_cmd_fmapi_initiate_dc_release_req::zeroed();
    head.host_id = host_id;
    head.flags = flags;
    head.tag = t;
    ep.execute::<InitiateDcRelease>(POOL, &WithItems { head, items: extents })
}

/// The host's accepted extents as the FM sees them: (start, len, tag).
fn fm_extents(ep: &mut Endpoint, host_id: u16) -> Vec<(u64, u64, [u8; 16])> {
    let req =
        cxlmi_cmd_fmapi_get_dc_region_ext_list_req { host_id, rsvd: [0; 2], extent_count: 16, start_ext_index: 0 };
    let list = ep.execute::<GetDcRegionExtList>(POOL, &req).unwrap();
    assert_eq!(({ list.head.host_id }, { list.head.total_extents } as usize), (host_id, list.count()));
    list.entries().map(|e| (e.start_dpa, e.len, e.tag)).collect()
}

/// The head's dynamic capacity event records: (event type, more, extent start, len).
fn dc_events(ep: &mut Endpoint) -> Vec<(u8, u8, u64, u64)> {
    let recs = ep.execute::<GetEventRecords>(Tunnel::None, &cxlmi_cmd_get_event_records_req { event_log: 4 }).unwrap();
    let u64_at = |d: &[u8], at: usize| u64::from_le_bytes(d[at..at + 8].try_into().unwrap());
    recs.entries().map(|r| (r.data[0], r.data[5], u64_at(&r.data, 8), u64_at(&r.data, 16))).collect()
}

/// A tag as List Tags reports it: the tag, its flags, and the first bytes
/// of its reference and pending reference bitmaps.
type TagRow = ([u8; 16], u8, u8, u8);

fn tags(ep: &mut Endpoint, start_idx: u32, tags_count: u32) -> Result<Vec<TagRow>> {
    let list = ep.execute::<DcListTags>(POOL, &cxlmi_cmd_fmapi_dc_list_tags_req { start_idx, tags_count })?;
    assert_eq!(list.head.validity_bitmap, 0b11);
    Ok(list.entries().map(|t| (t.tag, t.flags, t.ref_bitmap[0], t.pending_ref_bitmap[0])).collect())
}

#[test]
fn the_head_is_a_type3_device_that_knows_its_heads() {
    let mut mhd = open("mhd");
    assert_eq!(mhd.execute::<Identify>(Tunnel::None, &()).unwrap().component_type, 0x03);
    // The CEL lists the Type 3 commands and the head's own.
    let size = mhd.execute::<GetSupportedLogs>(Tunnel::None, &()).unwrap().entries().next().unwrap().log_size;
    let req = cxlmi_cmd_get_log_req { uuid: cxlmi::commands::generic::CEL_UUID, offset: 0, length: size };
    let ops: Vec<u16> = mhd.execute::<GetLogCel>(Tunnel::None, &req).unwrap().entries().map(|e| e.opcode).collect();
    for op in [0x4000, 0x4802, 0x5300, 0x5500, 0x5501] {
        assert!(ops.contains(&op), "{op:04x}");
    }
    assert!(!ops.contains(&0x5604), "DC management is the pool's");
    assert_eq!(device_error(mhd.execute::<GetDcdInfo>(Tunnel::None, &())), Some(CXLMI_RET_UNSUPPORTED));

    for t in [Tunnel::None, POOL] {
        let req = cxlmi_cmd_fmapi_get_multiheaded_info_req { start_ld_id: 0, ld_map_list_limit: 2 };
        let info = mhd.execute::<GetMultiheadedInfo>(t, &req).unwrap();
        assert_eq!((info.head.num_lds, info.head.num_heads, info.entries().collect::<Vec<_>>()), (2, 2, vec![0, 1]));
        let req = cxlmi_cmd_fmapi_get_multiheaded_info_req { start_ld_id: 1, ld_map_list_limit: 9 };
        let info = mhd.execute::<GetMultiheadedInfo>(t, &req).unwrap();
        assert_eq!((info.head.start_ld_id, info.entries().collect::<Vec<_>>()), (1, vec![1]));
        let req = cxlmi_cmd_fmapi_get_multiheaded_info_req { start_ld_id: 2, ld_map_list_limit: 1 };
        assert_eq!(device_error(mhd.execute::<GetMultiheadedInfo>(t, &req)), Some(CXLMI_RET_INPUT));

        let req = cxlmi_cmd_fmapi_get_head_info_req { start_head: 0, num_heads: 2 };
        let heads: Vec<_> = mhd.execute::<GetHeadInfo>(t, &req).unwrap().entries().collect();
        let b = heads[1];
        assert_eq!((b.port_num, b.field_1, b.field_2, b.field_4, b.ltssm_state), (1, 8, 8, 5, 4));
        let req = cxlmi_cmd_fmapi_get_head_info_req { start_head: 1, num_heads: 2 };
        assert_eq!(device_error(mhd.execute::<GetHeadInfo>(t, &req)), Some(CXLMI_RET_INPUT));
        assert_eq!(raw(&mut mhd, t, 0x5501, &[0]), Err(CXLMI_RET_PAYLOADLEN));
    }
    // The pool is reached only as target type 1.
    assert_eq!(raw(&mut mhd, Tunnel::None, 0x5300, &[0, 0, 0, 0]), Err(CXLMI_RET_INPUT));
}

#[test]
fn dcd_info_and_region_configuration() {
    let mut mhd = open("mhd");
    let info = mhd.execute::<GetDcdInfo>(POOL, &()).unwrap();
    assert_eq!((info.num_hosts, info.num_supported_dc_regions, { info.capacity_selection_policies }), (2, 2, 0b111));
    assert_eq!(({ info.capacity_removal_policies }, info.sanitize_on_release_config_mask), (0b11, 0b11));
    assert_eq!({ info.total_dynamic_capacity }, 2 * GB);
    assert_eq!({ info.region_0_supported_blk_sz_mask } & BLOCK, BLOCK);
    assert_eq!({ info.region_2_supported_blk_sz_mask }, 0);

    let config = |ep: &mut Endpoint, host_id, region_cnt, start_region_id| {
        let req = cxlmi_cmd_fmapi_get_host_dc_region_config_req { host_id, region_cnt, start_region_id };
        ep.execute::<GetHostDcRegionConfig>(POOL, &req)
    };
    let c = config(&mut mhd, 1, 8, 0).unwrap();
    assert_eq!(({ c.host_id }, c.num_regions, c.regions_returned), (1, 2, 2));
    let r = c.region_configs[1];
    assert_eq!(({ r.base }, { r.decode_len }, { r.region_len }, { r.block_size }), (DC_BASE + GB, GB, GB, BLOCK));
    assert_eq!((r.flags, r.sanitize_on_release), (0, 1));
    assert_eq!(({ c.num_extents_supported }, { c.num_extents_available }), (32, 32));
    assert_eq!(({ c.num_tags_supported }, { c.num_tags_available }), (16, 16));
    let c = config(&mut mhd, 0, 1, 1).unwrap();
    assert_eq!((c.regions_returned, { c.region_configs[0].base }, { c.num_tags_supported }), (1, DC_BASE + GB, 16));
    assert_eq!(device_error(config(&mut mhd, 2, 8, 0)), Some(CXLMI_RET_INPUT));
    assert_eq!(device_error(config(&mut mhd, 0, 8, 2)), Some(CXLMI_RET_INPUT));

    // A new block size reaches both hosts, and each head's host is told.
    let set = |block_sz, sanitize_on_release| cxlmi_cmd_fmapi_set_dc_region_config_req {
        region_id: 0,
        rsvd: [0; 3],
        block_sz,
        sanitize_on_release,
        rsvd2: [0; 3],
    };
    mhd.execute::<SetDcRegionConfig>(POOL, &set(4 << 20, 1)).unwrap();
    for host in 0..2 {
        let r = config(&mut mhd, host, 1, 0).unwrap().region_configs[0];
        assert_eq!(({ r.block_size }, r.sanitize_on_release), (4 << 20, 1));
    }
    assert_eq!(dc_events(&mut mhd).iter().map(|e| e.0).collect::<Vec<_>>(), [3], "Region Configuration Updated");
    // Unsupported block sizes; a region that holds capacity keeps its size.
    for bad in [3 << 20, 1 << 20, 0, 1 << 40] {
        assert_eq!(device_error(mhd.execute::<SetDcRegionConfig>(POOL, &set(bad, 0))), Some(CXLMI_RET_INPUT), "{bad}");
    }
    let other_region = cxlmi_cmd_fmapi_set_dc_region_config_req { region_id: 2, ..set(BLOCK, 0) };
    assert_eq!(device_error(mhd.execute::<SetDcRegionConfig>(POOL, &other_region)), Some(CXLMI_RET_INPUT));
    add(&mut mhd, 1, 8 << 20, tag(0), &[]).unwrap();
    assert_eq!(device_error(mhd.execute::<SetDcRegionConfig>(POOL, &set(BLOCK, 0))), Some(CXLMI_RET_BUSY));
    assert_eq!({ config(&mut mhd, 0, 1, 0).unwrap().region_configs[0].block_size }, 4 << 20, "no head changed");
    assert_eq!(raw(&mut mhd, POOL, 0x5602, &[0; 15]), Err(CXLMI_RET_PAYLOADLEN));
}

#[test]
fn capacity_added_through_the_pool_is_accepted_by_the_host_and_released() {
    let mut mhd = open("mhd");
    // The FM offers 64 MB of free capacity to host 0 (this head).
    add(&mut mhd, 0, 64 << 20, tag(7), &[]).unwrap();
    assert_eq!(dc_events(&mut mhd), [(0, 0, DC_BASE, 64 << 20)], "one Add Capacity record");
    assert_eq!(fm_extents(&mut mhd, 0), [], "pending until the host accepts");
    assert_eq!(tags(&mut mhd, 0, 8).unwrap(), [(tag(7), 0, 0, 1)]);

    // The host accepts the first half with 4802h.
    let taken = [cxlmi_memdev_dc_extent { start_dpa: DC_BASE, len: 32 << 20, rsvd: [0; 8] }];
    let head =
        cxlmi_cmd_memdev_add_dc_response_req { updated_extent_list_size: 0, flags: 0, rsvd1: [0; 3], extents: [] };
    mhd.execute::<AddDcResponse>(Tunnel::None, &WithItems { head, items: &taken[..] }).unwrap();
    assert_eq!(fm_extents(&mut mhd, 0), [(DC_BASE, 32 << 20, tag(7))]);
    let host_view = mhd.execute::<GetDcExtentList>(
        Tunnel::None,
        &cxlmi_cmd_memdev_get_dc_extent_list_req { extent_cnt: 4, start_extent_idx: 0 },
    );
    assert_eq!(host_view.unwrap().entries().map(|e| e.start_dpa).collect::<Vec<_>>(), [DC_BASE]);
    assert_eq!(tags(&mut mhd, 0, 8).unwrap(), [(tag(7), 0, 1, 0)]);

    // Host 1 gets the next free capacity, and never what host 0 holds.
    add(&mut mhd, 1, 4 << 20, tag(8), &[]).unwrap();
    let mine = [extent(DC_BASE, BLOCK, tag(9))];
    assert_eq!(device_error(add(&mut mhd, 1, 0, tag(0), &mine)), Some(CXLMI_RET_EXTLIST));
    let next = [extent(DC_BASE + (32 << 20), 2 * BLOCK, tag(9)), extent(DC_BASE + GB, BLOCK, tag(9))];
    assert_eq!(device_error(add(&mut mhd, 1, 0, tag(0), &next)), Some(CXLMI_RET_EXTLIST), "host 1's offer holds it");
    let next = [extent(DC_BASE + (40 << 20), 2 * BLOCK, tag(9)), extent(DC_BASE + GB, BLOCK, tag(9))];
    add(&mut mhd, 0, 0, tag(0), &next).unwrap();
    let events = dc_events(&mut mhd);
    assert_eq!(
        events[1..],
        [(0, 1, DC_BASE + (40 << 20), 4 << 20), (0, 0, DC_BASE + GB, BLOCK)],
        "More on all but the last"
    );
    let listed = tags(&mut mhd, 0, 8).unwrap();
    // Head by head, each in the order first seen.
    assert_eq!(listed, [(tag(7), 0, 1, 0), (tag(9), 0, 0, 1), (tag(8), 0, 0, 0b10)]);
    assert_eq!(tags(&mut mhd, 2, 1).unwrap(), [(tag(8), 0, 0, 0b10)]);
    assert_eq!(tags(&mut mhd, 3, 1).unwrap(), []);
    assert_eq!(device_error(tags(&mut mhd, 4, 1)), Some(CXLMI_RET_INPUT));

    // The FM references tag 7, asks host 0 to release it, then forces back part of it.
    mhd.execute::<DcAddReference>(POOL, &cxlmi_cmd_fmapi_dc_add_ref_req { tag: tag(7) }).unwrap();
    assert_eq!(tags(&mut mhd, 0, 1).unwrap(), [(tag(7), 1, 1, 0)]);
    release(&mut mhd, 0, 0, tag(7), &[]).unwrap();
    assert_eq!(*dc_events(&mut mhd).last().unwrap(), (1, 0, DC_BASE, 32 << 20), "Release Capacity");
    assert_eq!(fm_extents(&mut mhd, 0).len(), 1, "still the host's until it releases");
    release(&mut mhd, 0, 1 | 1 << 4, tag(0), &[extent(DC_BASE, BLOCK, tag(0))]).unwrap();
    assert_eq!(*dc_events(&mut mhd).last().unwrap(), (2, 0, DC_BASE, BLOCK), "Forced Capacity Release");
    assert_eq!(fm_extents(&mut mhd, 0), [(DC_BASE + BLOCK, (32 << 20) - BLOCK, tag(7))]);
    mhd.execute::<DcRemoveReference>(POOL, &cxlmi_cmd_fmapi_dc_remove_ref_req { tag: tag(7) }).unwrap();
    assert_eq!(tags(&mut mhd, 0, 1).unwrap(), [(tag(7), 0, 1, 0)]);
}

#[test]
fn pool_requests_that_cannot_be_done_are_refused() {
    let mut mhd = open("mhd");
    let e = [extent(DC_BASE, BLOCK, tag(1))];
    assert_eq!(device_error(add(&mut mhd, 2, BLOCK, tag(1), &[])), Some(CXLMI_RET_INPUT), "no host 2");
    assert_eq!(device_error(add(&mut mhd, 0, BLOCK + 1, tag(1), &[])), Some(CXLMI_RET_INPUT), "not whole blocks");
    assert_eq!(device_error(add(&mut mhd, 0, 0, tag(1), &[])), Some(CXLMI_RET_INPUT), "nothing");
    assert_eq!(device_error(add(&mut mhd, 0, 2 * GB, tag(1), &[])), Some(CXLMI_RET_RESOURCEEXHAUSTED));
    let outside = [extent(DC_BASE - BLOCK, BLOCK, tag(1))];
    assert_eq!(device_error(add(&mut mhd, 0, 0, tag(1), &outside)), Some(CXLMI_RET_PADDR));
    let twice = [e[0], e[0]];
    assert_eq!(device_error(add(&mut mhd, 0, 0, tag(1), &twice)), Some(CXLMI_RET_EXTLIST));
    let mut shared = cxlmi_cmd_fmapi_initiate_dc_add_req::zeroed();
    shared.selection_policy = 3;
    shared.length = BLOCK;
    assert_eq!(
        device_error(mhd.execute::<InitiateDcAdd>(POOL, &WithItems { head: shared, items: &e[..] })),
        Some(CXLMI_RET_INPUT)
    );
    let mut region = cxlmi_cmd_fmapi_initiate_dc_add_req::zeroed();
    region.region_num = 2;
    region.length = BLOCK;
    assert_eq!(
        device_error(mhd.execute::<InitiateDcAdd>(POOL, &WithItems { head: region, items: &[][..] })),
        Some(CXLMI_RET_INPUT)
    );
    // An extent count that disagrees with the extents sent.
    let mut bytes = vec![0u8; 32 + 40];
    bytes[28] = 2;
    assert_eq!(raw(&mut mhd, POOL, 0x5604, &bytes), Err(CXLMI_RET_PAYLOADLEN));
    bytes[28..32].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(raw(&mut mhd, POOL, 0x5605, &bytes), Err(CXLMI_RET_PAYLOADLEN));
    assert_eq!(raw(&mut mhd, POOL, 0x5604, &bytes[..31]), Err(CXLMI_RET_PAYLOADLEN));
    assert!(dc_events(&mut mhd).is_empty(), "nothing was offered");

    // Releases of what the host does not hold, unknown policies, tags and hosts.
    assert_eq!(device_error(release(&mut mhd, 0, 1, tag(0), &e)), Some(CXLMI_RET_PADDR));
    assert_eq!(device_error(release(&mut mhd, 0, 0, tag(5), &[])), Some(CXLMI_RET_INPUT));
    assert_eq!(device_error(release(&mut mhd, 0, 2, tag(0), &e)), Some(CXLMI_RET_INPUT));
    assert_eq!(device_error(release(&mut mhd, 9, 1, tag(0), &e)), Some(CXLMI_RET_INPUT));
    let r = mhd.execute::<DcAddReference>(POOL, &cxlmi_cmd_fmapi_dc_add_ref_req { tag: tag(5) });
    assert_eq!(device_error(r), Some(CXLMI_RET_INPUT));
    let r = mhd.execute::<DcRemoveReference>(POOL, &cxlmi_cmd_fmapi_dc_remove_ref_req { tag: tag(5) });
    assert_eq!(device_error(r), Some(CXLMI_RET_INPUT));
    assert_eq!(raw(&mut mhd, POOL, 0x5606, &[0; 15]), Err(CXLMI_RET_PAYLOADLEN));
    let past =
        cxlmi_cmd_fmapi_get_dc_region_ext_list_req { host_id: 0, rsvd: [0; 2], extent_count: 1, start_ext_index: 1 };
    assert_eq!(device_error(mhd.execute::<GetDcRegionExtList>(POOL, &past)), Some(CXLMI_RET_INPUT));
    let host = cxlmi_cmd_fmapi_get_dc_region_ext_list_req { host_id: 2, start_ext_index: 0, ..past };
    assert_eq!(device_error(mhd.execute::<GetDcRegionExtList>(POOL, &host)), Some(CXLMI_RET_INPUT));
    assert_eq!(raw(&mut mhd, POOL, 0x5608, &[0; 7]), Err(CXLMI_RET_PAYLOADLEN));
    assert_eq!(raw(&mut mhd, POOL, 0x5600, &[0]), Err(CXLMI_RET_PAYLOADLEN));
}

// ---- Any input ----

/// Every FM-API opcode the fabric answers, through every way it is reached,
/// with payloads of many lengths and random bytes: each gets an answer (a
/// success or a return code), never a panic or a dropped message.
#[test]
fn random_payloads_are_answered_never_crash() {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let reaches = [
        ("switch", Tunnel::None),
        ("switch", Tunnel::Port(2)),
        ("switch", Tunnel::PortThenLd { port: 2, ld: 1 }),
        ("mld", Tunnel::None),
        ("mhd", Tunnel::None),
        ("mhd", POOL),
    ];
    let opcodes =
        (0x5100..=0x5103).chain(0x5200..=0x5202).chain(0x5400..=0x5409).chain(0x5500..=0x5501).chain(0x5600..=0x5608);
    let opcodes: Vec<u16> = opcodes.collect();
    for (model, t) in reaches {
        let mut ep = open(model);
        for &op in &opcodes {
            for len in [0usize, 1, 2, 3, 4, 5, 6, 7, 8, 12, 15, 16, 17, 31, 32, 33, 40, 72, 73, 200] {
                for round in 0..4 {
                    let payload: Vec<u8> =
                        (0..len).map(|i| if round == 0 { 0xff } else { (next() >> (i % 8)) as u8 }).collect();
                    let size = ResponseSize::between(0, 8192);
                    let r = ep.transact(t, Opcode(op), payload.len(), |p| p.copy_from_slice(&payload), size);
                    assert!(matches!(r, Ok(_) | Err(Error::Device(_))), "{model} {t:?} {op:04x} {payload:02x?}: {r:?}");
                }
            }
        }
        // Still answering after all that.
        assert!(ep.execute::<Identify>(t, &()).is_ok(), "{model} {t:?}");
    }
}
