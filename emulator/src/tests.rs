//! The fabric through the library's public API: framing, tags and all four
//! tunnel kinds end to end.

use cxlmi::commands::generic::{GetLogCel, GetSupportedLogs, GetTimestamp, Identify, SetTimestamp};
use cxlmi::error::Error;
use cxlmi::log::Logger;
use cxlmi::types::cxlmi_cmd_retcode::*;
use cxlmi::types::*;
use cxlmi::{Context, Endpoint, Tunnel};

/// A freshly opened, probed endpoint of `model`.
pub(crate) fn open(model: &str) -> Endpoint {
    crate::open(&Context::new(Logger::stderr(0)), model).unwrap()
}

fn component_type(ep: &mut Endpoint, t: Tunnel) -> (u8, u64) {
    let id = ep.execute::<Identify>(t, &()).unwrap();
    (id.component_type, id.serial_num)
}

#[test]
fn unknown_models_are_refused() {
    let ctx = Context::new(Logger::stderr(0));
    assert!(matches!(crate::open(&ctx, "type4"), Err(Error::InvalidArgument(_))));
    assert!(matches!(crate::open(&ctx, ""), Err(Error::InvalidArgument(_))));
}

#[test]
fn every_model_opens_with_fmapi_after_probing() {
    for m in super::Model::ALL {
        let ep = open(m.name());
        assert!(ep.has_fmapi(), "{}", m.name());
        assert_eq!(ep.describe(), format!("emulator {}", m.name()));
    }
}

#[test]
fn all_four_tunnel_kinds_reach_their_target() {
    let mut sw = open("switch");
    assert_eq!(component_type(&mut sw, Tunnel::None).0, 0x00);
    assert_eq!(component_type(&mut sw, Tunnel::Port(1)), (0x03, 0x7e53_0000_0000_0101));
    assert_eq!(component_type(&mut sw, Tunnel::PortThenLd { port: 2, ld: 3 }), (0x03, 0x7e4d_0000_0000_0003));
    // An empty port and a missing LD are the switch's or the MLD's Invalid Input.
    let rc = CXLMI_RET_INPUT as u16;
    assert!(matches!(sw.execute::<Identify>(Tunnel::Port(3), &()), Err(Error::Device(r)) if r == rc));
    assert!(matches!(sw.execute::<Identify>(Tunnel::Port(200), &()), Err(Error::Device(r)) if r == rc));
    let far_ld = Tunnel::PortThenLd { port: 2, ld: 9 };
    assert!(matches!(sw.execute::<Identify>(far_ld, &()), Err(Error::Device(r)) if r == rc));

    let mut mld = open("mld");
    assert_eq!(component_type(&mut mld, Tunnel::Port(2)), (0x03, 0x7e4d_0000_0000_0002));

    let mut mhd = open("mhd");
    assert_eq!(component_type(&mut mhd, Tunnel::LdPool).1, 0x7e48_0000_0000_00ff);
    // A Type 3 device has no tunnel.
    let mut t3 = open("type3");
    let unsupported = CXLMI_RET_UNSUPPORTED as u16;
    assert!(matches!(t3.execute::<Identify>(Tunnel::Port(0), &()), Err(Error::Device(r)) if r == unsupported));
}

#[test]
fn the_cel_lists_exactly_the_table() {
    for m in super::Model::ALL {
        let mut ep = open(m.name());
        let logs = ep.execute::<GetSupportedLogs>(Tunnel::None, &()).unwrap();
        let cel = logs.entries().next().unwrap();
        assert_eq!(cel.uuid, cxlmi::commands::generic::CEL_UUID);
        let size = cel.log_size;
        let req = cxlmi_cmd_get_log_req { uuid: cxlmi::commands::generic::CEL_UUID, offset: 0, length: size };
        let ops: Vec<u16> = ep.execute::<GetLogCel>(Tunnel::None, &req).unwrap().entries().map(|e| e.opcode).collect();
        assert_eq!(ops.len(), size as usize / 4);
        // Every listed opcode is answered (whatever its input), none with Unsupported.
        for op in ops {
            let r = ep.transact(Tunnel::None, cxlmi::Opcode(op), 0, |_| {}, cxlmi::cci::ResponseSize::between(0, 4096));
            assert!(
                !matches!(r, Err(Error::Device(rc)) if rc == CXLMI_RET_UNSUPPORTED as u16),
                "{}: {op:04x}",
                m.name()
            );
        }
        // A range past the end is Invalid Input, another log Invalid Log.
        let past = cxlmi_cmd_get_log_req { uuid: cxlmi::commands::generic::CEL_UUID, offset: 4, length: size };
        assert!(matches!(ep.execute::<GetLogCel>(Tunnel::None, &past), Err(Error::Device(2))));
    }
}

#[test]
fn timestamps_run_from_what_was_set() {
    let mut ep = open("type3");
    let t0 = ep.execute::<GetTimestamp>(Tunnel::None, &()).unwrap().timestamp;
    assert_eq!(t0, 0);
    ep.execute::<SetTimestamp>(Tunnel::None, &cxlmi_cmd_set_timestamp_req { timestamp: 1 << 50 }).unwrap();
    let t = ep.execute::<GetTimestamp>(Tunnel::None, &()).unwrap().timestamp;
    assert!((1 << 50..(1 << 50) + 1_000_000_000).contains(&t));
}

#[test]
fn malformed_messages_are_dropped_or_refused() {
    use super::{Component, Model, respond};
    let mut c: Box<dyn Component> = Model::Switch.build();
    let mut out = Vec::new();
    assert!(!respond(c.as_mut(), &[0; 5], false, &mut out));
    // A payload length that disagrees with the bytes.
    let mut msg = vec![0u8; 12];
    cxlmi::cci::Header::request(1, cxlmi::Opcode(0x0001), 4).encode(&mut msg);
    assert!(!respond(c.as_mut(), &msg, false, &mut out));
    assert!(out.is_empty());
    // FM-API on the CCI channel.
    cxlmi::cci::Header::request(1, cxlmi::Opcode(0x5100), 0).encode(&mut msg);
    assert!(respond(c.as_mut(), &msg, false, &mut out));
    assert_eq!(cxlmi::cci::Header::decode(&out).return_code, CXLMI_RET_MBUNSUPPORTED as u16);
    // A tunnel whose size disagrees with what it carries, or that carries no message.
    for payload in [vec![1u8, 0, 40, 0], vec![1, 0, 2, 0, 0, 0], vec![1, 0]] {
        let mut msg = vec![0u8; 12];
        cxlmi::cci::Header::request(2, cxlmi::Opcode(0x5300), payload.len()).encode(&mut msg);
        msg.extend_from_slice(&payload);
        out.clear();
        assert!(respond(c.as_mut(), &msg, true, &mut out));
        let rc = cxlmi::cci::Header::decode(&out).return_code;
        assert!(rc == CXLMI_RET_INPUT as u16 || rc == CXLMI_RET_PAYLOADLEN as u16, "{payload:?}: {rc}");
    }
}
