//! The kernel mailbox transport: a fake mailbox, and a scripted kernel that
//! plays drivers/cxl/core/mbox.c, through the public endpoint API.

mod tests {
    use std::io;
    use std::path::Path;
    use std::sync::{Arc, Mutex};

    use cxlmi::cci::{HEADER_LEN, Opcode, ResponseSize};
    use cxlmi::commands::generic::Identify;
    use cxlmi::error::Error;
    use cxlmi::log::{LOG_DEBUG, Logger};
    use cxlmi::transport::Transport;
    use cxlmi::transport::ioctl::kernel::*;
    use cxlmi::transport::ioctl::*;
    use cxlmi::{Context, Endpoint, Tunnel};
    use cxlmi_test_support::ErrnoExt;
    use cxlmi_test_support::sim::{Component, Hop, message};

    /// One command as the fake mailbox received it.
    #[derive(Clone, Debug, PartialEq, Eq)]
    struct Seen {
        id: u32,
        opcode: u16,
        input: Vec<u8>,
        out_room: u32,
    }

    type Reply = Box<dyn FnMut(u16, &[u8]) -> (u32, Vec<u8>) + Send>;

    /// A fake mailbox: answers with (retval, payload) from `reply`, and
    /// reports the payload's full length as out.size even when it is more
    /// than the room (as a broken driver might).
    struct FakeMailbox {
        seen: Arc<Mutex<Vec<Seen>>>,
        reply: Reply,
        fail: Option<i32>,
    }

    /// It does not list its commands, as a node that is not a CXL memory
    /// device would not: every command goes RAW, with no payload limit.
    impl Mailbox for FakeMailbox {
        fn query_commands(&mut self) -> io::Result<Vec<cxl_command_info>> {
            Err(io::Error::from_raw_os_error(libc::ENOTTY))
        }
        fn payload_max(&mut self) -> Option<usize> {
            None
        }
        unsafe fn send_command(&mut self, cmd: &mut cxl_send_command) -> io::Result<()> {
            if let Some(errno) = self.fail {
                return Err(io::Error::from_raw_os_error(errno));
            }
            // SAFETY: valid per the trait's contract.
            let input = unsafe { core::slice::from_raw_parts(cmd.r#in.payload as *const u8, cmd.r#in.size as usize) };
            let out = unsafe { core::slice::from_raw_parts_mut(cmd.out.payload as *mut u8, cmd.out.size as usize) };
            self.seen.lock().unwrap().push(Seen {
                id: cmd.id,
                opcode: cmd.raw_opcode,
                input: input.to_vec(),
                out_room: cmd.out.size,
            });
            let (retval, payload) = (self.reply)(cmd.raw_opcode, input);
            let n = payload.len().min(out.len());
            out[..n].copy_from_slice(&payload[..n]);
            cmd.retval = retval;
            cmd.out.size = payload.len() as u32;
            Ok(())
        }
    }

    /// A log that tests can read.
    #[derive(Clone, Default)]
    pub(super) struct Captured(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Captured {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Captured {
        pub(super) fn text(&self) -> String {
            String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
        }
    }

    struct Rig {
        ep: Endpoint,
        seen: Arc<Mutex<Vec<Seen>>>,
        log: Captured,
    }

    fn rig_with(
        probe: bool,
        fail: Option<i32>,
        reply: impl FnMut(u16, &[u8]) -> (u32, Vec<u8>) + Send + 'static,
    ) -> Rig {
        let log = Captured::default();
        let ctx = Context::new(Logger::new(LOG_DEBUG, Box::new(log.clone())));
        ctx.set_probe_enabled(probe);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let mailbox = FakeMailbox { seen: seen.clone(), reply: Box::new(reply), fail };
        let ep = ctx.open_mailbox(Box::new(mailbox), "/dev/cxl/mem0".into());
        Rig { ep, seen, log }
    }

    fn rig(reply: impl FnMut(u16, &[u8]) -> (u32, Vec<u8>) + Send + 'static) -> Rig {
        rig_with(true, None, reply)
    }

    /// A mailbox in front of a simulated component.
    fn rig_component(mut c: Component) -> Rig {
        rig(move |op, p| {
            let (rc, payload) = c.answer_payload(Opcode(op), p);
            (u32::from(rc), payload)
        })
    }

    const IDENTIFY: Opcode = Opcode(0x0001);

    fn identify_payload(component_type: u8) -> Vec<u8> {
        let mut p = vec![0x86, 0x80, 0x93, 0x0d, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0x0b];
        p.push(component_type);
        p
    }

    fn device() -> Component {
        Component::new(|_: &[Hop], op, _: &[u8]| if op == IDENTIFY { (0, identify_payload(3)) } else { (3, vec![]) })
    }

    #[test]
    fn direct_command_is_a_raw_mailbox_command() {
        let mut r = rig_component(device());
        let id = r.ep.execute::<Identify>(Tunnel::None, &()).unwrap();
        assert_eq!({ id.device_id }, 0x0d93);
        assert_eq!(*r.seen.lock().unwrap(), [Seen { id: 2, opcode: 0x0001, input: vec![], out_room: 18 }]);
        // A command with a payload: Set Timestamp (0301h), 8 bytes in, none out.
        r.ep.transact(
            Tunnel::None,
            Opcode(0x0301),
            8,
            |p| p.copy_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8]),
            ResponseSize::fixed(0),
        )
        .unwrap_err(); // the component does not support it...
        let seen = r.seen.lock().unwrap();
        assert_eq!(seen[1], Seen { id: 2, opcode: 0x0301, input: vec![1, 2, 3, 4, 5, 6, 7, 8], out_room: 0 });
    }

    #[test]
    fn the_synthesized_header_feeds_the_common_checks() {
        let mut t = Ioctl::open(
            Box::new(FakeMailbox { seen: Default::default(), reply: Box::new(|_, _| (0, vec![7; 5])), fail: None }),
            "mem9".into(),
            Arc::new(Logger::stderr(-1)),
        );
        let req = message(0, 0x42, Opcode(0x4300), 0, &[1, 2]);
        let mut rsp = vec![0; HEADER_LEN + 8];
        let n = t.exchange(&req, &mut rsp, false, 0).unwrap();
        assert_eq!(n, HEADER_LEN + 5);
        assert_eq!(&rsp[..n], &message(1, 0x42, Opcode(0x4300), 0, &[7; 5])[..]);
        assert_eq!(&rsp[n..], &[0; 3]);
        let size = ResponseSize::between(4, 8);
        assert_eq!(cxlmi::cci::check_response(&cxlmi::cci::Header::decode(&req), &rsp[..n], size).unwrap(), 5);

        // An error reply's payload (which the kernel may copy out) is not left behind.
        let mut t = Ioctl::open(
            Box::new(FakeMailbox { seen: Default::default(), reply: Box::new(|_, _| (6, vec![7; 5])), fail: None }),
            "mem9".into(),
            Arc::new(Logger::stderr(-1)),
        );
        let mut rsp = vec![0; HEADER_LEN + 8];
        let n = t.exchange(&req, &mut rsp, false, 0).unwrap();
        assert_eq!(n, HEADER_LEN);
        assert_eq!(&rsp[..n], &message(1, 0x42, Opcode(0x4300), 6, &[])[..]);
        assert_eq!(&rsp[n..], &[0; 8]);
    }

    #[test]
    fn return_codes_come_back_as_device_errors() {
        let mut r = rig(|_, _| (6, vec![0xaa; 18]));
        assert!(matches!(r.ep.execute::<Identify>(Tunnel::None, &()), Err(Error::Device(6))));
        let mut r = rig(|_, _| (0x1_0000, vec![]));
        assert!(matches!(r.ep.execute::<Identify>(Tunnel::None, &()), Err(Error::Protocol(_))));
    }

    #[test]
    fn short_direct_replies_are_padded_with_a_warning() {
        // A CXL 2.0 device answering Identify with 16 of its 18 bytes.
        let mut r = rig(|_, _| (0, identify_payload(3)[..16].to_vec()));
        let id = r.ep.execute::<Identify>(Tunnel::None, &()).unwrap();
        assert_eq!({ id.serial_num }, 0x0807_0605_0403_0201);
        assert_eq!(id.max_msg_size, 0);
        assert_eq!(id.component_type, 0);
        assert!(r.log.text().contains("fewer than 18"), "{}", r.log.text());
        // Nothing at all is padded too.
        let mut r = rig(|_, _| (0, vec![]));
        r.ep.execute::<Identify>(Tunnel::None, &()).unwrap();
    }

    #[test]
    fn overlong_output_is_refused_without_over_reading() {
        let mut r = rig(|_, _| (0, vec![1; 40]));
        assert!(matches!(r.ep.execute::<Identify>(Tunnel::None, &()), Err(Error::Protocol(_))));
    }

    #[test]
    fn ioctl_failure_is_an_os_error() {
        let mut r = rig_with(true, Some(libc::ENOTTY), |_, _| (0, vec![]));
        let e = r.ep.execute::<Identify>(Tunnel::None, &()).unwrap_err();
        assert_eq!(e.errno(), libc::ENOTTY);
        assert!(r.log.text().contains("ioctl failed"));
    }

    #[test]
    fn a_real_device_node_that_is_not_cxl_refuses_the_ioctl() {
        let mut dev = Device::open(Path::new("/dev/null")).unwrap();
        assert_eq!(dev.query_commands().unwrap_err().raw_os_error(), Some(libc::ENOTTY));
        let mut cmd = cxl_send_command { id: ID_RAW, raw_opcode: 1, ..Default::default() };
        // SAFETY: no payloads (sizes 0).
        let e = unsafe { dev.send_command(&mut cmd) }.unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::ENOTTY));
        // Its sysfs directory is the kernel device of the same name, which is not there.
        assert_eq!(dev.sysfs(), Path::new("/sys/bus/cxl/devices/null"));
        assert_eq!(dev.payload_max(), None);
    }

    #[test]
    fn probe_enables_fmapi_without_sending_anything() {
        let r = rig_with(true, None, |_, _| (0, vec![]));
        assert!(r.ep.has_fmapi());
        assert!(r.seen.lock().unwrap().is_empty());
        let r = rig_with(false, None, |_, _| (0, vec![]));
        assert!(!r.ep.has_fmapi());
        assert_eq!(r.ep.timeout_ms(), 5000);
        assert_eq!(r.ep.describe(), "/dev/cxl/mem0");
    }

    fn identify_request() -> Vec<u8> {
        vec![0, 0, 0, 0x01, 0x00, 0, 0, 0, 0, 0, 0xcd, 0xab]
    }

    use cxlmi_test_support::tunnel;

    #[test]
    fn tunnels_are_byte_exact_in_the_mailbox_command() {
        let head = |target: u8, id: u8, inner: &[u8]| {
            let mut p = vec![id, target];
            p.extend_from_slice(&(inner.len() as u16).to_le_bytes());
            p.extend_from_slice(inner);
            p
        };
        // Level 2 wraps the request once as a message (tag 10h) inside the
        // mailbox command's payload, as upstream does.
        let inner_wrap = message(0, 0x10, cxlmi::tunnel::OPCODE, 0, &head(0, 4, &identify_request()));
        let one = HEADER_LEN + 4;
        let cases: [(Tunnel, Vec<u8>, u32, Vec<Hop>); 4] = [
            (tunnel(3, -1, 1, false), head(0, 3, &identify_request()), (4 + HEADER_LEN + 18) as u32, vec![(0, 3)]),
            (tunnel(-1, 2, 1, false), head(0, 2, &identify_request()), (4 + HEADER_LEN + 18) as u32, vec![(0, 2)]),
            (tunnel(5, 4, 2, false), head(0, 5, &inner_wrap), (4 + one + HEADER_LEN + 18) as u32, vec![(0, 5), (0, 4)]),
            (
                tunnel(-1, -1, 1, true),
                head(1, 0xff, &identify_request()),
                (4 + HEADER_LEN + 18) as u32,
                vec![(1, 0xff)],
            ),
        ];
        for (t, input, out_room, hops) in cases {
            let reached = Arc::new(Mutex::new(Vec::new()));
            let r2 = reached.clone();
            let mut r = rig_component(Component::new(move |h: &[Hop], op, _: &[u8]| {
                r2.lock().unwrap().push(h.to_vec());
                assert_eq!(op, IDENTIFY);
                (0, identify_payload(3))
            }));
            let id = r.ep.execute::<Identify>(t, &()).unwrap();
            assert_eq!(id.component_type, 3);
            assert_eq!(*r.seen.lock().unwrap(), [Seen { id: 2, opcode: 0x5300, input, out_room }], "{t:?}");
            assert_eq!(*reached.lock().unwrap(), [hops]);
        }
    }

    #[test]
    fn tunnelled_replies_are_not_padded() {
        // A level-1 reply whose inner payload is 2 bytes short is refused:
        // upstream's tunnel path checks sizes strictly.
        let mut c = Component::new(|_: &[Hop], _, _: &[u8]| (0, identify_payload(3)[..16].to_vec()));
        let mut r = rig(move |op, p| {
            let (rc, payload) = c.answer_payload(Opcode(op), p);
            (u32::from(rc), payload)
        });
        assert!(matches!(r.ep.execute::<Identify>(tunnel(1, -1, 1, false), &()), Err(Error::Protocol(_))));
        // An inner error code surfaces as the device's code.
        let mut c = Component::new(|_: &[Hop], _, _: &[u8]| (4, vec![]));
        let mut r = rig(move |op, p| {
            let (rc, payload) = c.answer_payload(Opcode(op), p);
            (u32::from(rc), payload)
        });
        assert!(matches!(r.ep.execute::<Identify>(tunnel(5, 4, 2, false), &()), Err(Error::Device(4))));
        // Every cut of a good level-2 reply is refused.
        let mut c = device();
        let (_, full) = c.answer_payload(cxlmi::tunnel::OPCODE, &{
            let inner = message(0, 0x10, cxlmi::tunnel::OPCODE, 0, &{
                let mut p = vec![4, 0, 12, 0];
                p.extend_from_slice(&identify_request());
                p
            });
            let mut p = vec![5, 0, inner.len() as u8, 0];
            p.extend_from_slice(&inner);
            p
        });
        for n in 0..=full.len() {
            let cut = full[..n].to_vec();
            let mut r = rig(move |_, _| (0, cut.clone()));
            let ok = r.ep.execute::<Identify>(tunnel(5, 4, 2, false), &()).is_ok();
            assert_eq!(ok, n == full.len(), "reply of {n} bytes");
        }
    }
}

/// The kernel's rules, through the public endpoint API, with a scripted
/// kernel that plays drivers/cxl/core/mbox.c.
mod kernel_rules {
    use super::tests::Captured;
    use cxlmi::cci::{Opcode, ResponseSize};
    use cxlmi::commands::generic::{GetEventRecords, Identify};
    use cxlmi::commands::memdev::{GetHealthInfo, GetPartitionInfo, MemdevIdentify, SetPartitionInfo};
    use cxlmi::error::Result;
    use cxlmi::log::{LOG_DEBUG, Logger};
    use cxlmi::transport::ioctl::kernel::*;
    use cxlmi::transport::ioctl::*;
    use cxlmi::types::{cxlmi_cmd_get_event_records_req, cxlmi_cmd_memdev_set_partition_info_req};
    use cxlmi::{Context, Endpoint, Tunnel};
    use cxlmi_test_support::ErrnoExt;
    use cxlmi_test_support::scripted::{Config, Handle, ID_SET_LSA, Kernel, Sent};
    use cxlmi_test_support::sim::{Component, Hop};

    struct Rig {
        ep: Endpoint,
        kernel: Handle,
        log: Captured,
    }

    impl Rig {
        fn log(&self) -> String {
            self.log.text()
        }
        /// Sends `opcode` with `input`, room for `out` bytes back.
        fn send(&mut self, opcode: u16, input: &[u8], out: usize) -> Result<usize> {
            self.ep
                .transact(
                    Tunnel::None,
                    Opcode(opcode),
                    input.len(),
                    |p| p.copy_from_slice(input),
                    ResponseSize::between(0, out),
                )
                .map(|r| r.len)
        }
        /// The errno of a command that must fail.
        fn errno(&mut self, opcode: u16, input: &[u8], out: usize) -> i32 {
            self.send(opcode, input, out).expect_err("refused").errno()
        }
    }

    /// A QEMU-like type 3 device: what it answers for the opcodes the tests
    /// use, Unsupported (3) for the rest.
    fn answer(opcode: u16, input: &[u8]) -> (u16, Vec<u8>) {
        match opcode {
            0x0001 => (0, vec![0x86, 0x80, 0x93, 0x0d, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0x0b, 3]),
            0x4000 => {
                let mut p = b"QEMU CXL type 3".to_vec();
                p.resize(0x43, 0);
                p[0x10..0x18].copy_from_slice(&4u64.to_le_bytes()); // total capacity
                (0, p)
            }
            0x4200 => (0, (1..=0x12).collect()),
            0x4100 => (0, [[2u8; 8], [2; 8], [0; 8], [0; 8]].concat()),
            // As many 128-byte records as a 2 KiB mailbox holds (15), more to come.
            0x0100 => {
                let mut p = vec![0; 0x20 + 15 * 128];
                p[0] = 0x02; // More Event Records
                p[0x14] = 15;
                (0, p)
            }
            0x4101 | 0x4103 | 0x4202 | 0x4204 | 0x0500 | 0x0300 => {
                (0, if opcode == 0x0300 { vec![9; 8] } else { vec![] })
            }
            _ => {
                let _ = input;
                (3, vec![])
            }
        }
    }

    fn rig_with(config: Config, device: impl FnMut(u16, &[u8]) -> (u16, Vec<u8>) + Send + 'static) -> Rig {
        let log = Captured::default();
        let ctx = Context::new(Logger::new(LOG_DEBUG, Box::new(log.clone())));
        let (k, kernel) = Kernel::new(config, device);
        let ep = ctx.open_mailbox(Box::new(k), "/dev/cxl/mem0".into());
        Rig { ep, kernel, log }
    }

    fn rig(config: Config) -> Rig {
        rig_with(config, answer)
    }

    const EOPNOTSUPP: i32 = libc::EOPNOTSUPP;

    #[test]
    fn the_mode_is_learned_at_open_and_logged_once() {
        let r = rig(Config::distro());
        let mode = r.ep.mailbox_mode().expect("a mailbox endpoint has a mode");
        assert!(mode.knows_commands());
        assert!(!mode.raw());
        assert_eq!((mode.payload_max(), mode.payload_source()), (2048, PayloadSource::Sysfs));
        let by_id: Vec<u16> = mode.by_id().map(|n| n.opcode.0).collect();
        for op in [0x4000, 0x4100, 0x4200, 0x0400, 0x0401, 0x0200, 0x0300, 0x4102, 0x4101] {
            assert!(by_id.contains(&op), "{op:04x} by id: {by_id:04x?}");
        }
        // Not in the device's log: the kernel does not send them.
        assert!(!by_id.contains(&0x4203));
        let claimed: Vec<u16> = mode.claimed().map(|n| n.opcode.0).collect();
        assert_eq!(claimed, [0x4103, 0x4204]);
        assert_eq!(
            mode.route(Opcode(0x4200)),
            Route::Id(kernel::NAMED[5], cxl_command_info { id: 7, flags: 1, size_in: 0, size_out: 0x12 })
        );
        assert_eq!(mode.route(Opcode(0x0001)), Route::Refused(Refusal::NoRaw));
        assert_eq!(mode.route(Opcode(0x4103)), Route::Refused(Refusal::Claimed));
        assert_eq!(mode.route(Opcode(0x4203)), Route::Refused(Refusal::NotEnabled));
        let log = r.log();
        assert_eq!(log.matches("mailbox mode").count(), 1, "{log}");
        assert!(log.contains("/dev/cxl/mem0: mailbox mode: 14 commands by kernel id (4103h 4204h held by the kernel); no RAW commands (kernel built without CONFIG_CXL_MEM_RAW_COMMANDS): other opcodes fail; payload 2048 bytes (sysfs)"), "{log}");
        // Learning sends nothing to the device.
        assert!(r.kernel.state().sent.is_empty());

        let r = rig(Config::with_raw());
        assert!(r.ep.mailbox_mode().unwrap().raw());
        assert!(
            r.log().contains(
                "; other opcodes RAW (the kernel warns and taints itself on the first); payload 2048 bytes (sysfs)"
            ),
            "{}",
            r.log()
        );
        assert_eq!(r.ep.mailbox_mode().unwrap().route(Opcode(0x0001)), Route::Raw);
    }

    #[test]
    fn without_raw_identify_health_and_partition_go_by_kernel_id() {
        let mut r = rig(Config::distro());
        let id = r.ep.execute::<MemdevIdentify>(Tunnel::None, &()).unwrap();
        assert!(id.fw_revision[..15].iter().map(|&c| c as u8).eq(b"QEMU CXL type 3".iter().copied()));
        assert_eq!({ id.total_capacity }, 4);
        let health = r.ep.execute::<GetHealthInfo>(Tunnel::None, &()).unwrap();
        assert_eq!(health.health_status, 1);
        let part = r.ep.execute::<GetPartitionInfo>(Tunnel::None, &()).unwrap();
        assert_eq!({ part.active_vmem }, 0x0202_0202_0202_0202);
        let sent = r.kernel.state().sent.clone();
        let by_id = |id, opcode, room| Sent { id, opcode, input: vec![], out_room: room };
        let identify_room = size_of::<cxlmi::types::cxlmi_cmd_memdev_identify_rsp>() as u32;
        assert_eq!(sent, [by_id(1, 0x4000, identify_room), by_id(7, 0x4200, 0x12), by_id(5, 0x4100, 0x20)]);
        assert!(!r.kernel.state().raw_warned, "no RAW command was sent");
    }

    #[test]
    fn without_raw_opcodes_without_an_id_fail_and_say_why() {
        let mut r = rig(Config::distro());
        let e = r.ep.execute::<Identify>(Tunnel::None, &()).unwrap_err();
        assert_eq!(e.errno(), EOPNOTSUPP);
        let req = cxlmi_cmd_get_event_records_req { event_log: 0 };
        assert_eq!(r.ep.execute::<GetEventRecords>(Tunnel::None, &req).unwrap_err().errno(), EOPNOTSUPP);
        assert_eq!(r.errno(0x4400, &[], 0), EOPNOTSUPP);
        let log = r.log();
        assert!(log.contains("/dev/cxl/mem0: 0001h not sent: the kernel has no command id for it and does not take RAW commands (built without CONFIG_CXL_MEM_RAW_COMMANDS)"), "{log}");
        assert!(log.contains("0100h not sent: the kernel has no command id"), "{log}");
        // Refused before any ioctl.
        let s = r.kernel.state();
        assert!(s.sent.is_empty() && s.refused.is_empty());
    }

    #[test]
    fn commands_the_kernel_holds_are_refused_and_never_sent_raw() {
        for config in [Config::distro(), Config::with_raw()] {
            let mut r = rig(config);
            assert_eq!(r.errno(0x4204, &[1], 0), EOPNOTSUPP);
            assert_eq!(r.errno(0x4103, &[0; 12], 0), EOPNOTSUPP);
            assert!(
                r.log().contains("Set Shutdown State (4204h) not sent: the kernel holds it for itself"),
                "{}",
                r.log()
            );
            assert!(r.log().contains("Set Label Storage Area (4103h) not sent: the kernel holds it for itself"));
            let s = r.kernel.state();
            assert!(s.sent.is_empty() && s.refused.is_empty() && !s.raw_warned);
        }
    }

    #[test]
    fn with_raw_only_opcodes_without_an_id_go_raw() {
        let mut r = rig(Config::with_raw());
        let id = r.ep.execute::<Identify>(Tunnel::None, &()).unwrap();
        assert_eq!(id.component_type, 3);
        r.ep.execute::<MemdevIdentify>(Tunnel::None, &()).unwrap();
        r.ep.execute::<GetHealthInfo>(Tunnel::None, &()).unwrap();
        let ids: Vec<(u32, u16)> = r.kernel.state().sent.iter().map(|s| (s.id, s.opcode)).collect();
        assert_eq!(ids, [(ID_RAW, 0x0001), (1, 0x4000), (7, 0x4200)]);
        assert!(r.kernel.state().raw_warned);
        assert!(
            r.log().contains("0001h: RAW") && r.log().contains("4200h: kernel id 7 (Get Health Info)"),
            "{}",
            r.log()
        );
    }

    #[test]
    fn the_raw_deny_list_is_the_kernels() {
        let mut r = rig(Config::with_raw());
        // Sanitize and security sets, firmware activation, scan media, poison, features.
        for (op, why) in [
            (0x4400, "sanitize and security commands"),
            (0x4500, "sanitize and security commands"),
            (0x4600, "sanitize and security commands"),
            (0x0202, "firmware activation"),
            (0x4304, "scan media"),
            (0x4300, "poison lists"),
            (0x0500, "features"),
        ] {
            let input = vec![0; if op == 0x0202 { 2 } else { 0 }];
            assert_eq!(r.errno(op, &input, 0), EOPNOTSUPP, "{op:04x}");
            let log = r.log();
            let line =
                log.lines().find(|l| l.contains(&format!("{op:04x}h")) && l.contains("not sent")).unwrap_or_default();
            assert!(
                line.contains(&format!("not sent: the kernel refuses it as a RAW command: {why}")),
                "{op:04x}: {log}"
            );
        }
        // The kernel said no before sending or warning; a second try asks it no more.
        let refused = r.kernel.state().refused.len();
        assert_eq!(refused, 7);
        assert_eq!(r.errno(0x4400, &[], 0), EOPNOTSUPP);
        assert_eq!(r.kernel.state().refused.len(), refused);
        assert!(r.kernel.state().sent.is_empty() && !r.kernel.state().raw_warned);

        // A kernel whose deny list predates the features commands sends them.
        let mut r = rig(Config { deny_features: false, ..Config::with_raw() });
        assert_eq!(r.send(0x0500, &[0; 8], 64).unwrap(), 0);
        assert_eq!(r.kernel.opcodes(), [0x0500]);

        // Under lockdown every RAW command is refused; commands by id still work.
        let mut r = rig(Config { lockdown: true, ..Config::with_raw() });
        assert_eq!(r.ep.execute::<Identify>(Tunnel::None, &()).unwrap_err().errno(), EOPNOTSUPP);
        assert!(r.log().contains(
            "0001h not sent: the kernel refuses it as a RAW command (kernel lockdown, or a newer deny list)"
        ));
        r.ep.execute::<GetHealthInfo>(Tunnel::None, &()).unwrap();
    }

    #[test]
    fn named_ids_get_the_exact_input_size() {
        let mut r = rig(Config::distro());
        // Set Partition Info is 9 bytes (CXL r3.1 section 8.2.9.9.2.2); the kernel takes exactly 0Ah.
        let req = cxlmi_cmd_memdev_set_partition_info_req { volatile_capacity: 0x0102_0304_0506_0708, flags: 0 };
        r.ep.execute::<SetPartitionInfo>(Tunnel::None, &req).unwrap();
        // Set Alert Configuration is exactly 0Ch, Get LSA 8.
        r.send(0x4202, &[7; 12], 0).unwrap();
        r.send(0x4102, &[0; 8], 16).unwrap_err();
        let sent = r.kernel.state().sent.clone();
        assert_eq!(sent[0], Sent { id: 9, opcode: 0x4101, input: vec![8, 7, 6, 5, 4, 3, 2, 1, 0, 0], out_room: 0 });
        assert_eq!(sent[1], Sent { id: 12, opcode: 0x4202, input: vec![7; 12], out_room: 0 });
        assert_eq!((sent[2].id, sent[2].input.len(), sent[2].out_room), (6, 8, 16));
        assert!(r.kernel.state().refused.is_empty(), "no size the kernel refuses");

        // Input longer than the kernel's size is not cut: refused, with the sizes.
        assert_eq!(r.errno(0x4202, &[7; 13], 0), EOPNOTSUPP);
        assert!(r.log().contains("Set Alert Configuration (4202h) not sent: the kernel's command id takes exactly 12 input bytes, this request has 13"));
        // The kernel's own payload check (immediate repartitioning) is EBUSY, and stays EBUSY.
        let req = cxlmi_cmd_memdev_set_partition_info_req { volatile_capacity: 1, flags: 1 };
        assert_eq!(r.ep.execute::<SetPartitionInfo>(Tunnel::None, &req).unwrap_err().errno(), libc::EBUSY);
        assert!(r.kernel.state().refused.contains(&(9, libc::EBUSY)));
    }

    #[test]
    fn output_room_grows_to_what_a_kernel_id_needs() {
        let mut r = rig(Config::distro());
        // A caller with room for 16 bytes of health info: the kernel wants 12h of room.
        assert_eq!(r.send(0x4200, &[], 16).unwrap(), 16);
        assert_eq!(r.kernel.state().sent[0].out_room, 0x12);
    }

    #[test]
    fn output_never_exceeds_the_payload_size() {
        // Get Event Records asks for room for 20 records, 32 + 20 x 128 =
        // 2592 bytes; QEMU's mailbox is 2 KiB, and the kernel refuses more
        // room than that for RAW commands (EINVAL).
        let req = cxlmi_cmd_get_event_records_req { event_log: 1 };
        let mut r = rig(Config::with_raw());
        let rsp = r.ep.execute::<GetEventRecords>(Tunnel::None, &req).unwrap();
        assert_eq!((rsp.count(), { rsp.head.record_count }, rsp.head.flags), (15, 15, 2));
        assert_eq!(r.kernel.state().sent[0].out_room, 2048);
        assert!(r.kernel.state().refused.is_empty());

        // Input past the payload size is refused before the kernel sees it.
        assert_eq!(r.errno(0x0301, &[0; 2049], 0), libc::EINVAL);
        assert!(r.log().contains("0301h: 2049 input bytes exceed the mailbox payload size (2048)"));
        assert!(r.kernel.state().refused.is_empty());
    }

    #[test]
    fn the_payload_size_is_asked_of_the_kernel_without_sysfs() {
        for size in [256, 1000, 2048, 4096, 1 << 20] {
            let mut r = rig(Config { sysfs: false, payload_size: size, ..Config::with_raw() });
            let mode = r.ep.mailbox_mode().unwrap();
            assert_eq!((mode.payload_max(), mode.payload_source()), (size, PayloadSource::Kernel));
            assert!(r.log().contains(&format!("payload {size} bytes (asked of the kernel)")));
            let s = r.kernel.state();
            assert!(s.sent.is_empty() && !s.raw_warned, "asking sent nothing");
            assert!(s.refused.iter().all(|&(id, e)| id == 1 && (e == libc::EINVAL || e == libc::ENOMEM)));
            drop(s);
            let req = cxlmi_cmd_get_event_records_req { event_log: 0 };
            r.ep.execute::<GetEventRecords>(Tunnel::None, &req).unwrap();
            assert_eq!(r.kernel.state().sent[0].out_room as usize, size.min(2592));
        }
    }

    #[test]
    fn a_command_the_kernel_claims_after_open_is_learned_from_ebusy() {
        let mut r = rig(Config { exclusive: vec![], ..Config::distro() });
        r.send(0x4103, &[0; 12], 0).unwrap();
        // cxl_pmem binds now and claims the label storage area.
        r.kernel.state().config.exclusive = vec![ID_SET_LSA];
        assert_eq!(r.errno(0x4103, &[0; 12], 0), EOPNOTSUPP);
        assert!(r.log().contains("Set Label Storage Area (4103h) not sent: the kernel holds it for itself"));
        let refused = r.kernel.state().refused.clone();
        assert_eq!(refused, [(ID_SET_LSA, libc::EBUSY)]);
        assert_eq!(r.errno(0x4103, &[0; 12], 0), EOPNOTSUPP);
        assert_eq!(r.kernel.state().refused.len(), 1, "known now: not asked again");

        // A busy mailbox is not a claim: EBUSY reaches the caller.
        r.kernel.state().fail_next = Some(libc::EBUSY);
        assert_eq!(r.errno(0x4200, &[], 0x12), libc::EBUSY);
        r.send(0x4200, &[], 0x12).unwrap();
    }

    #[test]
    fn tunnelling_needs_raw() {
        let tunnel = Tunnel::Port(2);
        let mut r = rig(Config::distro());
        assert_eq!(r.ep.execute::<Identify>(tunnel, &()).unwrap_err().errno(), EOPNOTSUPP);
        assert!(
            r.log().contains(
                "tunnelled command (5300h) not sent: tunnelling needs RAW commands, which this kernel does not take"
            ),
            "{}",
            r.log()
        );
        assert!(r.kernel.state().sent.is_empty());

        let mut c = Component::new(|hops: &[Hop], op, _: &[u8]| {
            assert_eq!((hops, op), (&[(0, 2)][..], Opcode(0x0001)));
            (0, answer(0x0001, &[]).1)
        });
        let mut r = rig_with(Config::with_raw(), move |op, p| {
            let (rc, out) = c.answer_payload(Opcode(op), p);
            (rc, out)
        });
        assert_eq!(r.ep.execute::<Identify>(tunnel, &()).unwrap().component_type, 3);
        assert_eq!(r.kernel.state().sent[0].id, ID_RAW);
    }

    #[test]
    fn older_kernels_have_fewer_ids_and_may_not_report_flags() {
        // Before Get Timestamp had an id, it goes RAW where RAW is taken...
        let mut r = rig(Config { id_max: 21, ..Config::with_raw() });
        assert_eq!(r.send(0x0300, &[], 8).unwrap(), 8);
        assert_eq!(r.kernel.state().sent[0].id, ID_RAW);
        // ...and nowhere else.
        let mut r = rig(Config { id_max: 21, ..Config::distro() });
        assert_eq!(r.errno(0x0300, &[], 8), EOPNOTSUPP);

        // The first kernels with the ioctl report no flags: every id is tried, and the
        // kernel's ENOTTY says the device does not have it.
        let mut r = rig(Config { flags: false, exclusive: vec![], ..Config::distro() });
        assert_eq!(r.errno(0x4203, &[], 1), EOPNOTSUPP);
        assert!(
            r.log().contains(
                "Get Shutdown State (4203h) not sent: the device does not list it in its Command Effects Log"
            )
        );
        assert_eq!(r.kernel.state().refused, [(13, libc::ENOTTY)]);
        r.ep.execute::<GetHealthInfo>(Tunnel::None, &()).unwrap();
    }
}
