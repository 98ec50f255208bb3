//! Multi-step flows through a state file: each `run` opens the same file
//! anew, as separate runs of the `cxlmi` tool do, and sees what the earlier
//! runs left. Also what the state file refuses, and resets.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use super::{ResetKind, open_with_state, reset};
use cxlmi::commands::fmapi::*;
use cxlmi::commands::generic::*;
use cxlmi::commands::memdev::*;
use cxlmi::error::{Error, Result};
use cxlmi::log::Logger;
use cxlmi::types::cxlmi_cmd_retcode::*;
use cxlmi::types::*;
use cxlmi::wire::Wire;
use cxlmi::{Context, Endpoint, Tunnel};

const T: Tunnel = Tunnel::None;

/// A state file in the temporary directory, removed when dropped.
struct StateFile(PathBuf);

impl StateFile {
    fn new(name: &str) -> StateFile {
        static N: AtomicU32 = AtomicU32::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("cxlmi-emu-{}-{n}-{name}.state", std::process::id()));
        let _ = std::fs::remove_file(&path);
        StateFile(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn text(&self) -> String {
        std::fs::read_to_string(&self.0).unwrap()
    }

    /// The entries recorded so far (lines that are not the header or a comment).
    fn entries(&self) -> Vec<String> {
        self.text().lines().skip(1).filter(|l| !l.starts_with('#')).map(String::from).collect()
    }
}

impl Drop for StateFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn ctx() -> Context {
    let ctx = Context::new(Logger::stderr(-1));
    // Whatever LIBCXLMI_PROBE_ENABLED says: the tests count the probe's Identify.
    ctx.set_probe_enabled(true);
    ctx
}

/// One run of a program on the fabric the state file keeps.
fn run(model: &str, state: &StateFile) -> Endpoint {
    open_with_state(&ctx(), model, state.path()).unwrap()
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

/// The message of a failed open.
fn refusal(model: &str, state: &StateFile) -> String {
    match open_with_state(&ctx(), model, state.path()) {
        Err(Error::Io(e)) if e.kind() == std::io::ErrorKind::InvalidData => e.to_string(),
        Err(e) => panic!("refused, but not as invalid data: {e:?}"),
        Ok(_) => panic!("{} was not refused", state.path().display()),
    }
}

/// Polls Background Operation Status through `t` until nothing runs;
/// returns (opcode, return code) of the operation that ended.
fn wait_background(ep: &mut Endpoint, t: Tunnel) -> (u16, u16) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let s = ep.execute::<BgOpStatus>(t, &()).unwrap();
        if s.status & 1 == 0 {
            return (s.opcode, s.returncode);
        }
        assert!(Instant::now() < deadline, "background operation never ended");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn fw_info(ep: &mut Endpoint) -> (u8, Vec<u8>) {
    let info = ep.execute::<GetFwInfo>(T, &()).unwrap();
    let rev2 = info.fw_rev2.iter().map(|&c| c as u8).take_while(|&b| b != 0).collect();
    (info.slot_info, rev2)
}

fn running_revision(ep: &mut Endpoint) -> Vec<u8> {
    let id = ep.execute::<MemdevIdentify>(T, &()).unwrap();
    id.fw_revision.iter().map(|&c| c as u8).take_while(|&b| b != 0).collect()
}

fn transfer(ep: &mut Endpoint, action: u8, slot: u8, offset: u32, data: &[u8]) -> Result<()> {
    let head = cxlmi_cmd_transfer_fw_req { action, slot, rsvd1: [0; 2], offset, rsvd2: [0; 0x78], data: [] };
    ep.execute::<TransferFw>(T, &WithData { head, data })
}

#[test]
fn a_missing_or_empty_file_is_a_fresh_fabric_and_gets_a_header() {
    let state = StateFile::new("fresh");
    let mut ep = run("type3", &state);
    let text = state.text();
    assert!(text.starts_with("cxlmi-emulator-state version=1 model=type3\n"), "{text}");
    // The probe's Identify was accepted, so it is recorded.
    assert_eq!(state.entries().len(), 1);
    assert!(state.entries()[0].starts_with("request "), "{text}");
    assert_eq!({ ep.execute::<GetPartitionInfo>(T, &()).unwrap().next_vmem }, 0);
    drop(ep);

    let empty = StateFile::new("empty");
    std::fs::write(empty.path(), b"").unwrap();
    run("switch", &empty);
    assert!(empty.text().starts_with("cxlmi-emulator-state version=1 model=switch\n"));
}

#[test]
fn firmware_transfer_then_activate_then_cold_reset() {
    let state = StateFile::new("fw");
    let mut image = vec![0x5au8; 384];
    image[..16].copy_from_slice(b"EMU 2.0.0\0\0\0\0\0\0\0");

    // Run 1: the image goes into slot 2 in three parts.
    let mut ep = run("type3", &state);
    transfer(&mut ep, 1, 0, 0, &image[..128]).unwrap();
    transfer(&mut ep, 2, 0, 1, &image[128..256]).unwrap();
    transfer(&mut ep, 3, 2, 2, &image[256..]).unwrap();
    drop(ep);

    // Run 2: slot 2 holds it, and it is activated for the next cold reset.
    let mut ep = run("type3", &state);
    assert_eq!(fw_info(&mut ep), (1, b"EMU 2.0.0".to_vec()));
    ep.execute::<ActivateFw>(T, &cxlmi_cmd_activate_fw_req { action: 1, slot: 2 }).unwrap();
    assert_eq!(fw_info(&mut ep).0, 1 | 2 << 3, "slot 1 runs, slot 2 staged");
    drop(ep);

    // Run 3: still staged; a warm reset does not apply it, a cold one does.
    let mut ep = run("type3", &state);
    assert_eq!(fw_info(&mut ep).0, 1 | 2 << 3);
    reset(&mut ep, ResetKind::Warm).unwrap();
    assert_eq!(fw_info(&mut ep).0, 1 | 2 << 3);
    reset(&mut ep, ResetKind::Cold).unwrap();
    assert_eq!(fw_info(&mut ep).0, 2);
    assert_eq!(running_revision(&mut ep), b"EMU 2.0.0");
    drop(ep);

    // Run 4: the resets were recorded too.
    let mut ep = run("type3", &state);
    assert_eq!(fw_info(&mut ep).0, 2);
    assert_eq!(running_revision(&mut ep), b"EMU 2.0.0");
    let resets: Vec<String> = state.entries().into_iter().filter(|l| l.starts_with("reset ")).collect();
    assert_eq!(resets.len(), 2);
    assert!(resets[0].ends_with(" warm") && resets[1].ends_with(" cold"), "{resets:?}");
}

#[test]
fn partition_change_then_reset() {
    let state = StateFile::new("partition");
    let set = |share, flags| cxlmi_cmd_memdev_set_partition_info_req { volatile_capacity: share, flags };
    let partition = |ep: &mut Endpoint| {
        let p = ep.execute::<GetPartitionInfo>(T, &()).unwrap();
        ({ p.active_vmem }, { p.active_pmem }, { p.next_vmem }, { p.next_pmem })
    };

    // Run 1: all of the partitionable capacity to volatile, from the next reset.
    let mut ep = run("type3", &state);
    ep.execute::<SetPartitionInfo>(T, &set(4, 0)).unwrap();
    let before = state.entries().len();
    // Refused requests changed nothing and are not recorded.
    assert_eq!(rc(ep.execute::<SetPartitionInfo>(T, &set(5, 0))), code(CXLMI_RET_INPUT));
    assert_eq!(state.entries().len(), before);
    drop(ep);

    // Run 2: pending; then the reset.
    let mut ep = run("type3", &state);
    assert_eq!(partition(&mut ep), (4, 4, 6, 2));
    reset(&mut ep, ResetKind::Cold).unwrap();
    assert_eq!(partition(&mut ep), (6, 2, 0, 0));
    drop(ep);

    // Run 3: active, nothing pending.
    let mut ep = run("type3", &state);
    assert_eq!(partition(&mut ep), (6, 2, 0, 0));
}

fn vppb(ep: &mut Endpoint, vcs: u8, vppb: usize) -> (u8, u8, u8) {
    let ids = [vcs];
    let head = cxlmi_cmd_fmapi_get_vcs_info_req { start_vppb: 0, vppb_list_limit: 8, num_vcs: 0, vcs_id_list: [] };
    let info = ep.execute::<GetVcsInfo>(T, &WithItems { head, items: &ids[..] }).unwrap();
    let block = info.blocks().next().unwrap();
    let all: Vec<_> = block.entries().map(|v| (v.binding_status, v.bound_port_id, v.bound_ld_id)).collect();
    all[vppb]
}

#[test]
fn bind_then_unbind() {
    let state = StateFile::new("bind");
    let bind = cxlmi_cmd_fmapi_bind_vppb_req { vcs_id: 1, vppb_id: 2, port_id: 2, rsv1: 0, ld_id: 3 };

    // Run 1: bind LD 3 of the MLD to VCS 1's vPPB 2, in the background.
    let mut ep = run("switch", &state);
    assert_eq!(rc(ep.execute::<BindVppb>(T, &bind)), code(CXLMI_RET_BACKGROUND));
    assert_eq!(vppb(&mut ep, 1, 2), (1, 2, 3), "in progress");
    drop(ep);

    // Run 2: the bind has gone on running since run 1 (it takes BIND_TIME).
    let mut ep = run("switch", &state);
    assert_eq!(wait_background(&mut ep, T), (0x5201, 0));
    assert_eq!(vppb(&mut ep, 1, 2), (3, 2, 3));
    let unbind = cxlmi_cmd_fmapi_unbind_vppb_req { vcs_id: 1, vppb_id: 2, option: 0 };
    assert_eq!(rc(ep.execute::<UnbindVppb>(T, &unbind)), code(CXLMI_RET_BACKGROUND));
    drop(ep);

    // Run 3: unbound once the unbind has had its time.
    let mut ep = run("switch", &state);
    assert_eq!(wait_background(&mut ep, T), (0x5202, 0));
    assert_eq!(vppb(&mut ep, 1, 2), (0, 0xff, 0xff));
    // A reset brings the switch up with its power-on bindings.
    assert_eq!(rc(ep.execute::<BindVppb>(T, &bind)), code(CXLMI_RET_BACKGROUND));
    wait_background(&mut ep, T);
    reset(&mut ep, ResetKind::Cold).unwrap();
    drop(ep);
    let mut ep = run("switch", &state);
    assert_eq!(vppb(&mut ep, 1, 2), (0, 0xff, 0xff));
    assert_eq!(vppb(&mut ep, 0, 0), (2, 1, 0xff));
}

#[test]
fn dc_add_then_release() {
    const POOL: Tunnel = Tunnel::LdPool;
    const DC_BASE: u64 = 2 << 30;
    let state = StateFile::new("dc");
    let host_extents = |ep: &mut Endpoint| -> Vec<(u64, u64)> {
        let req = cxlmi_cmd_memdev_get_dc_extent_list_req { extent_cnt: 8, start_extent_idx: 0 };
        ep.execute::<GetDcExtentList>(T, &req).unwrap().entries().map(|e| (e.start_dpa, e.len)).collect()
    };
    let fm_extents = |ep: &mut Endpoint| -> Vec<(u64, u64)> {
        let req = cxlmi_cmd_fmapi_get_dc_region_ext_list_req {
            host_id: 0,
            rsvd: [0; 2],
            extent_count: 8,
            start_ext_index: 0,
        };
        ep.execute::<GetDcRegionExtList>(POOL, &req).unwrap().entries().map(|e| (e.start_dpa, e.len)).collect()
    };

    // Run 1: the FM offers 64 MB to host 0 through the LD Pool CCI.
    let mut ep = run("mhd", &state);
    let mut head = cxlmi_cmd_fmapi_initiate_dc_add_req::zeroed();
    head.length = 64 << 20;
    head.tag = [7; 16];
    ep.execute::<InitiateDcAdd>(POOL, &WithItems { head, items: &[][..] }).unwrap();
    drop(ep);
    assert!(state.entries().iter().any(|l| l.contains(" fmapi 1:255 ")), "recorded with its tunnel path");

    // Run 2: the host takes it.
    let mut ep = run("mhd", &state);
    assert_eq!(fm_extents(&mut ep), [], "pending until the host accepts");
    let taken = [cxlmi_memdev_dc_extent { start_dpa: DC_BASE, len: 64 << 20, rsvd: [0; 8] }];
    let head =
        cxlmi_cmd_memdev_add_dc_response_req { updated_extent_list_size: 0, flags: 0, rsvd1: [0; 3], extents: [] };
    ep.execute::<AddDcResponse>(T, &WithItems { head, items: &taken[..] }).unwrap();
    drop(ep);

    // Run 3: the host has it, the FM sees it; the host releases it.
    let mut ep = run("mhd", &state);
    assert_eq!(host_extents(&mut ep), [(DC_BASE, 64 << 20)]);
    assert_eq!(fm_extents(&mut ep), [(DC_BASE, 64 << 20)]);
    let head = cxlmi_cmd_memdev_release_dc_req { updated_extent_list_size: 0, flags: 0, rsvd1: [0; 3], extents: [] };
    ep.execute::<ReleaseDc>(T, &WithItems { head, items: &taken[..] }).unwrap();
    drop(ep);

    // Run 4: gone for both.
    let mut ep = run("mhd", &state);
    assert_eq!(host_extents(&mut ep), []);
    assert_eq!(fm_extents(&mut ep), []);
}

#[test]
fn requests_two_tunnels_deep_replay_along_their_path() {
    let state = StateFile::new("two-deep");
    let ld1 = Tunnel::PortThenLd { port: 2, ld: 1 };
    let partition = |ep: &mut Endpoint, t| {
        let p = ep.execute::<GetPartitionInfo>(t, &()).unwrap();
        ({ p.next_vmem }, { p.next_pmem })
    };
    let mut ep = run("switch", &state);
    let req = cxlmi_cmd_memdev_set_partition_info_req { volatile_capacity: 0, flags: 0 };
    ep.execute::<SetPartitionInfo>(ld1, &req).unwrap();
    drop(ep);
    assert!(state.entries().iter().any(|l| l.contains(" fmapi 0:2/0:1 ")), "{}", state.text());

    let mut ep = run("switch", &state);
    assert_eq!(partition(&mut ep, ld1), (2, 6));
    assert_eq!(partition(&mut ep, Tunnel::PortThenLd { port: 2, ld: 0 }), (0, 0), "only that LD");
    assert_eq!(partition(&mut ep, Tunnel::Port(1)), (0, 0));
    // A reset of the switch reaches the LDs behind it.
    reset(&mut ep, ResetKind::Cold).unwrap();
    drop(ep);
    let mut ep = run("switch", &state);
    let p = ep.execute::<GetPartitionInfo>(ld1, &()).unwrap();
    assert_eq!(({ p.active_vmem }, { p.active_pmem }, { p.next_vmem }), (2, 6, 0));
}

fn set_lsa(ep: &mut Endpoint, data: &[u8]) {
    let head = cxlmi_cmd_memdev_set_lsa_req { offset: 0, rsvd: 0, data: [] };
    ep.execute::<SetLsa>(T, &WithData { head, data }).unwrap();
}

fn get_lsa(ep: &mut Endpoint, length: u32) -> Vec<u8> {
    ep.execute::<GetLsa>(T, &cxlmi_cmd_memdev_get_lsa_req { offset: 0, length }).unwrap().to_vec()
}

#[test]
fn a_background_operation_runs_on_between_runs_and_an_abort_stays() {
    let state = StateFile::new("abort");
    // Run 1: labels, then a sanitize (which takes seconds).
    let mut ep = run("type3", &state);
    set_lsa(&mut ep, b"labels");
    assert_eq!(rc(ep.execute::<Sanitize>(T, &())), code(CXLMI_RET_BACKGROUND));
    drop(ep);

    // Run 2: still sanitizing, so media commands are Busy; abort it.
    let mut ep = run("type3", &state);
    let s = ep.execute::<BgOpStatus>(T, &()).unwrap();
    assert_eq!((s.status & 1, { s.opcode }), (1, 0x4400), "still running");
    assert_eq!(
        rc(ep.execute::<GetLsa>(T, &cxlmi_cmd_memdev_get_lsa_req { offset: 0, length: 6 })),
        code(CXLMI_RET_BUSY)
    );
    ep.execute::<RequestBgOpAbort>(T, &()).unwrap();
    drop(ep);

    // Run 3, after the sanitize would have finished: it was aborted, and the labels are there.
    std::thread::sleep(Duration::from_millis(50));
    let mut ep = run("type3", &state);
    let s = ep.execute::<BgOpStatus>(T, &()).unwrap();
    assert_eq!((s.status & 1, { s.opcode }, { s.returncode }), (0, 0x4400, code(CXLMI_RET_ABORT)));
    assert_eq!(get_lsa(&mut ep, 6), b"labels");
}

#[test]
fn the_device_clock_goes_on_between_runs_until_a_cold_reset() {
    let state = StateFile::new("clock");
    let mut ep = run("type3", &state);
    ep.execute::<SetTimestamp>(T, &cxlmi_cmd_set_timestamp_req { timestamp: 1 << 50 }).unwrap();
    drop(ep);
    std::thread::sleep(Duration::from_millis(30));
    let mut ep = run("type3", &state);
    let t = ep.execute::<GetTimestamp>(T, &()).unwrap().timestamp;
    assert!(t >= (1 << 50) + 30_000_000, "the clock counted the time between runs: {t}");
    reset(&mut ep, ResetKind::Warm).unwrap();
    assert!(ep.execute::<GetTimestamp>(T, &()).unwrap().timestamp > t, "a warm reset keeps it");
    reset(&mut ep, ResetKind::Cold).unwrap();
    drop(ep);
    let mut ep = run("type3", &state);
    assert_eq!({ ep.execute::<GetTimestamp>(T, &()).unwrap().timestamp }, 0, "stopped by the cold reset");
}

#[test]
fn a_cold_reset_locks_a_device_with_a_user_passphrase() {
    let state = StateFile::new("lock");
    let mut ep = run("type3", &state);
    let set = cxlmi_cmd_memdev_set_passphrase_req {
        passphrase_type: 1,
        rsvd: [0; 0x1f],
        current_passphrase: [0; 32],
        new_passphrase: [7; 32],
    };
    ep.execute::<SetPassphrase>(T, &set).unwrap();
    reset(&mut ep, ResetKind::Warm).unwrap();
    assert_eq!(
        { ep.execute::<GetSecurityState>(T, &()).unwrap().security_state },
        0b001,
        "a warm reset leaves it unlocked"
    );
    reset(&mut ep, ResetKind::Cold).unwrap();
    drop(ep);
    let mut ep = run("type3", &state);
    assert_eq!({ ep.execute::<GetSecurityState>(T, &()).unwrap().security_state }, 0b101);
    ep.execute::<Unlock>(T, &cxlmi_cmd_memdev_unlock_req { current_passphrase: [7; 32] }).unwrap();
    drop(ep);
    let mut ep = run("type3", &state);
    assert_eq!({ ep.execute::<GetSecurityState>(T, &()).unwrap().security_state }, 0b001);
}

#[test]
fn a_file_of_another_model_is_refused_and_left_alone() {
    let state = StateFile::new("other-model");
    run("mld", &state);
    let before = state.text();
    let why = refusal("type3", &state);
    assert!(why.contains(&state.path().display().to_string()), "{why}");
    assert!(why.contains("line 1") && why.contains("model 'mld', not 'type3'"), "{why}");
    assert_eq!(state.text(), before);
    // Nor is an unknown model opened.
    assert!(matches!(open_with_state(&ctx(), "type4", state.path()), Err(Error::InvalidArgument(_))));
}

#[test]
fn corrupt_and_truncated_files_are_refused_with_the_line() {
    let state = StateFile::new("corrupt");
    let mut ep = run("type3", &state);
    let req = cxlmi_cmd_memdev_set_partition_info_req { volatile_capacity: 1, flags: 0 };
    ep.execute::<SetPartitionInfo>(T, &req).unwrap();
    drop(ep);
    let good = state.text();
    let lines = good.lines().count();

    // Cut anywhere inside the last line.
    for cut in [1, 2, 30] {
        std::fs::write(state.path(), &good.as_bytes()[..good.len() - cut]).unwrap();
        let why = refusal("type3", &state);
        assert!(why.contains(&format!("line {lines}: cut short")), "{why}");
    }
    // Garbage, binary, and a damaged message.
    std::fs::write(state.path(), b"\x7fELF\x02\x01\x01\n").unwrap();
    assert!(refusal("type3", &state).contains("not a state file"));
    std::fs::write(state.path(), format!("{good}request 12 cci - zz\n")).unwrap();
    assert!(refusal("type3", &state).contains(&format!("line {}: the message is not hex", lines + 1)));
    std::fs::write(state.path(), format!("{good}reset 12\n")).unwrap();
    assert!(refusal("type3", &state).contains("wrong fields"));
    // A well-formed request the model refuses cannot have been recorded by it:
    // the Set Partition Info of share 1 made into one of share 5.
    let last = good.lines().last().unwrap();
    let share_1 = "010000000000000000";
    assert!(last.ends_with(share_1), "{last}");
    let share_5 = format!("{}050000000000000000", &last[..last.len() - share_1.len()]);
    std::fs::write(state.path(), format!("{good}{share_5}\n")).unwrap();
    let why = refusal("type3", &state);
    assert!(why.contains(&format!("line {}", lines + 1)), "{why}");
    assert!(why.contains("no longer accepts") && why.contains("4101h") && why.contains("invalid"), "{why}");
    // The good file still opens.
    std::fs::write(state.path(), &good).unwrap();
    let mut ep = run("type3", &state);
    assert_eq!({ ep.execute::<GetPartitionInfo>(T, &()).unwrap().next_vmem }, 3);
}

#[test]
fn any_damaged_byte_is_refused_or_replayed_never_a_panic() {
    let state = StateFile::new("damaged");
    let mut ep = run("switch", &state);
    let req = cxlmi_cmd_memdev_set_partition_info_req { volatile_capacity: 1, flags: 0 };
    ep.execute::<SetPartitionInfo>(Tunnel::PortThenLd { port: 2, ld: 1 }, &req).unwrap();
    reset(&mut ep, ResetKind::Warm).unwrap();
    drop(ep);
    let good = std::fs::read(state.path()).unwrap();
    for i in 0..good.len() {
        for b in [b'0', b'f', b' ', b'\n', b'/', 0xff] {
            let mut bad = good.clone();
            bad[i] = b;
            std::fs::write(state.path(), &bad).unwrap();
            match open_with_state(&ctx(), "switch", state.path()) {
                Ok(_) | Err(Error::Io(_)) => {}
                Err(e) => panic!("byte {i} as {b:#x}: {e:?}"),
            }
        }
    }
}

#[test]
fn resets_work_without_a_state_file_and_only_on_the_emulator() {
    let mut ep = crate::open(&ctx(), "type3").unwrap();
    ep.execute::<ActivateFw>(T, &cxlmi_cmd_activate_fw_req { action: 1, slot: 1 }).unwrap();
    reset(&mut ep, ResetKind::Cold).unwrap();
    assert_eq!(fw_info(&mut ep).0, 1);
    let mut mock = ctx().open_mock();
    assert!(matches!(reset(&mut mock, ResetKind::Cold), Err(Error::InvalidArgument(_))));
}
