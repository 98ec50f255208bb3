//! The Linux mailbox transport: CCI commands through the `CXL_MEM_SEND_COMMAND`
//! ioctl of a `/dev/cxl/<name>` device node (raw commands).
//!
//! The kernel mailbox speaks opcode and payload, not CCI messages. So that
//! framing checks and tunnelling stay in one place for every transport, this
//! one takes the opcode and payload from the request message, and puts a
//! response header of its own (the request's tag and opcode, the mailbox's
//! return code, the payload length it reported) in front of the payload
//! that came back. The ioctl itself sits behind [`Mailbox`], so tests drive
//! this transport with an in-process fake mailbox.

use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::path::Path;
use std::sync::Arc;

use super::Transport;
use crate::cci::{CATEGORY_RESPONSE, HEADER_LEN, Header};
use crate::error::{Error, Result};
use crate::log::{LOG_ERR, LOG_WARNING, Logger};
use crate::log_at;

/// Command id of a raw mailbox command (`CXL_MEM_COMMAND_ID_RAW`).
pub const CXL_MEM_COMMAND_ID_RAW: u32 = 2;

/// One direction of a mailbox command: size and user address of its payload.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct cxl_command_payload {
    pub size: u32,
    pub rsvd: u32,
    pub payload: u64,
}

/// `struct cxl_send_command` of `<linux/cxl_mem.h>`, with its union spelled
/// as the raw command's opcode and reserved halves.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct cxl_send_command {
    pub id: u32,
    pub flags: u32,
    pub raw_opcode: u16,
    pub raw_rsvd: u16,
    pub retval: u32,
    pub r#in: cxl_command_payload,
    pub out: cxl_command_payload,
}

const _: () = {
    assert!(size_of::<cxl_send_command>() == 48);
    assert!(core::mem::offset_of!(cxl_send_command, raw_opcode) == 8);
    assert!(core::mem::offset_of!(cxl_send_command, retval) == 12);
    assert!(core::mem::offset_of!(cxl_send_command, r#in) == 16);
    assert!(core::mem::offset_of!(cxl_send_command, out) == 32);
};

/// `_IOWR(type, nr, size)` of the Linux ioctl encoding.
const fn iowr(ty: u32, nr: u32, size: usize) -> u32 {
    (3 << 30) | ((size as u32) << 16) | (ty << 8) | nr
}

/// `CXL_MEM_SEND_COMMAND`: `_IOWR(0xCE, 2, struct cxl_send_command)`.
pub const CXL_MEM_SEND_COMMAND: u32 = iowr(0xce, 2, size_of::<cxl_send_command>());
const _: () = assert!(CXL_MEM_SEND_COMMAND == 0xc030_ce02);

/// A device that takes `CXL_MEM_SEND_COMMAND`.
pub trait Mailbox: Send {
    /// Issues one command. On success the device has set `cmd.retval` and
    /// `cmd.out.size`, and written that many bytes at `cmd.out.payload`.
    ///
    /// # Safety
    /// `cmd.in.payload` is readable for `cmd.in.size` bytes and
    /// `cmd.out.payload` writable for `cmd.out.size` bytes, during the call.
    unsafe fn send_command(&mut self, cmd: &mut cxl_send_command) -> io::Result<()>;
}

/// A CXL memory device node, opened read-write.
pub struct Device {
    file: File,
}

impl Device {
    pub fn open(path: &Path) -> io::Result<Device> {
        Ok(Device { file: File::options().read(true).write(true).open(path)? })
    }
}

impl Mailbox for Device {
    unsafe fn send_command(&mut self, cmd: &mut cxl_send_command) -> io::Result<()> {
        // SAFETY: `cmd` is the kernel's layout (asserted above); its payload
        // addresses are valid per this function's contract.
        let rc = unsafe { libc::ioctl(self.file.as_raw_fd(), CXL_MEM_SEND_COMMAND as _, cmd as *mut cxl_send_command) };
        if rc < 0 { Err(io::Error::last_os_error()) } else { Ok(()) }
    }
}

/// A component reached through its kernel mailbox.
pub struct Ioctl {
    mailbox: Box<dyn Mailbox>,
    name: String,
    log: Arc<Logger>,
}

impl Ioctl {
    /// `name` names the device in messages and when refusing to open it twice.
    pub fn new(mailbox: Box<dyn Mailbox>, name: String, log: Arc<Logger>) -> Ioctl {
        Ioctl { mailbox, name, log }
    }

    /// Sends the request message `req` as a raw command and leaves a response
    /// message in `rsp`. With `pad_to`, a payload shorter than that is
    /// zero-filled up to it, with a warning.
    fn send(&mut self, req: &[u8], rsp: &mut [u8], pad_to: Option<usize>) -> Result<usize> {
        if req.len() < HEADER_LEN || rsp.len() < HEADER_LEN {
            return Err(Error::InvalidArgument("message buffers must hold a CCI header"));
        }
        let request = Header::decode(req);
        let input = &req[HEADER_LEN..];
        // `rsp` arrives zeroed (the Transport contract).
        let (head, out) = rsp.split_at_mut(HEADER_LEN);
        let size = |n: usize| u32::try_from(n).map_err(|_| Error::InvalidArgument("payload too large for the mailbox"));
        let mut cmd = cxl_send_command {
            id: CXL_MEM_COMMAND_ID_RAW,
            raw_opcode: request.opcode.0,
            r#in: cxl_command_payload { size: size(input.len())?, rsvd: 0, payload: input.as_ptr() as u64 },
            out: cxl_command_payload { size: size(out.len())?, rsvd: 0, payload: out.as_mut_ptr() as u64 },
            ..Default::default()
        };
        // SAFETY: both addresses come from slices of exactly those sizes,
        // borrowed until the call returns.
        if let Err(e) = unsafe { self.mailbox.send_command(&mut cmd) } {
            log_at!(self.log, LOG_ERR, "{}: mailbox ioctl failed: {e}", self.name);
            return Err(e.into());
        }

        let mut answer = Header {
            category: CATEGORY_RESPONSE,
            tag: request.tag,
            opcode: request.opcode,
            payload_len: 0,
            background: false,
            return_code: 0,
            vendor_ext_status: 0,
        };
        if cmd.retval != 0 {
            // The payload of an error response means nothing (the kernel
            // may still have copied some): clear it, and let the common
            // check turn the code into the command's result.
            answer.return_code =
                u16::try_from(cmd.retval).map_err(|_| Error::Protocol("mailbox return code out of range"))?;
            out.fill(0);
            answer.encode(head);
            return Ok(HEADER_LEN);
        }
        let mut got = cmd.out.size as usize;
        if got > out.len() {
            out.fill(0);
            return Err(Error::Protocol("mailbox reported more output than its buffer holds"));
        }
        if let Some(min) = pad_to.map(|m| m.min(out.len())) {
            if got < min {
                // Upstream only warns here, so that CXL 2.0 devices with
                // shorter payloads still work.
                log_at!(
                    self.log,
                    LOG_WARNING,
                    "{}: {}: mailbox returned {got} bytes, fewer than {min}; zero-filling the rest",
                    self.name,
                    request.opcode
                );
                // Rare path: do not rely on the mailbox having left these alone.
                out[got..min].fill(0);
                got = min;
            }
        }
        answer.payload_len = got;
        answer.encode(head);
        Ok(HEADER_LEN + got)
    }
}

impl Transport for Ioctl {
    /// A tunnelled command: held to the sizes the tunnel code checks.
    fn exchange(&mut self, req: &[u8], rsp: &mut [u8], _fmapi: bool, _timeout_ms: u32) -> Result<usize> {
        self.send(req, rsp, None)
    }

    fn exchange_direct(&mut self, req: &[u8], rsp: &mut [u8], min_payload: usize, _fmapi: bool, _timeout_ms: u32) -> Result<usize> {
        self.send(req, rsp, Some(min_payload))
    }

    /// Upstream tags a Tunnel Management Command it wraps inside another
    /// with 10h (the outermost wrapping is not sent as a message at all).
    fn wrapper_tag(&mut self) -> u8 {
        0x10
    }

    fn describe(&self) -> String {
        self.name.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cci::{Opcode, ResponseSize};
    use crate::commands::generic::Identify;
    use crate::endpoint::{Context, Endpoint, Tunnel};
    use crate::log::LOG_DEBUG;
    use crate::transport::sim::{Component, Hop, message};
    use crate::types::cxlmi_tunnel_info;
    use std::sync::Mutex;

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

    impl Mailbox for FakeMailbox {
        unsafe fn send_command(&mut self, cmd: &mut cxl_send_command) -> io::Result<()> {
            if let Some(errno) = self.fail {
                return Err(io::Error::from_raw_os_error(errno));
            }
            // SAFETY: valid per the trait's contract.
            let input = unsafe { core::slice::from_raw_parts(cmd.r#in.payload as *const u8, cmd.r#in.size as usize) };
            let out =
                unsafe { core::slice::from_raw_parts_mut(cmd.out.payload as *mut u8, cmd.out.size as usize) };
            self.seen.lock().unwrap().push(Seen { id: cmd.id, opcode: cmd.raw_opcode, input: input.to_vec(), out_room: cmd.out.size });
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
    struct Captured(Arc<Mutex<Vec<u8>>>);

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
        fn text(&self) -> String {
            String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
        }
    }

    struct Rig {
        ep: Endpoint,
        seen: Arc<Mutex<Vec<Seen>>>,
        log: Captured,
    }

    fn rig_with(probe: bool, fail: Option<i32>, reply: impl FnMut(u16, &[u8]) -> (u32, Vec<u8>) + Send + 'static) -> Rig {
        let log = Captured::default();
        let mut ctx = Context::new(Logger::new(LOG_DEBUG, Box::new(log.clone())));
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
        r.ep.transact(Tunnel::None, Opcode(0x0301), 8, |p| p.copy_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8]), ResponseSize::fixed(0))
            .unwrap_err(); // the component does not support it...
        let seen = r.seen.lock().unwrap();
        assert_eq!(seen[1], Seen { id: 2, opcode: 0x0301, input: vec![1, 2, 3, 4, 5, 6, 7, 8], out_room: 0 });
    }

    #[test]
    fn the_synthesized_header_feeds_the_common_checks() {
        let mut t = Ioctl::new(
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
        assert_eq!(crate::cci::check_response(&Header::decode(&req), &rsp[..n], size).unwrap(), 5);

        // An error reply's payload (which the kernel may copy out) is not left behind.
        let mut t = Ioctl::new(
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
        let mut cmd = cxl_send_command { id: CXL_MEM_COMMAND_ID_RAW, raw_opcode: 1, ..Default::default() };
        // SAFETY: no payloads (sizes 0).
        let e = unsafe { dev.send_command(&mut cmd) }.unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::ENOTTY));
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

    fn tunnel(port: i32, ld: i32, level: i32, mhd: bool) -> Tunnel {
        Tunnel::from_info(Some(&cxlmi_tunnel_info { port, ld, level, mhd })).unwrap()
    }

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
        let inner_wrap = message(0, 0x10, crate::tunnel::OPCODE, 0, &head(0, 4, &identify_request()));
        let one = HEADER_LEN + 4;
        let cases: [(Tunnel, Vec<u8>, u32, Vec<Hop>); 4] = [
            (tunnel(3, -1, 1, false), head(0, 3, &identify_request()), (4 + HEADER_LEN + 18) as u32, vec![(0, 3)]),
            (tunnel(-1, 2, 1, false), head(0, 2, &identify_request()), (4 + HEADER_LEN + 18) as u32, vec![(0, 2)]),
            (tunnel(5, 4, 2, false), head(0, 5, &inner_wrap), (4 + one + HEADER_LEN + 18) as u32, vec![(0, 5), (0, 4)]),
            (tunnel(-1, -1, 1, true), head(1, 0xff, &identify_request()), (4 + HEADER_LEN + 18) as u32, vec![(1, 0xff)]),
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
        let (_, full) = c.answer_payload(crate::tunnel::OPCODE, &{
            let inner = message(0, 0x10, crate::tunnel::OPCODE, 0, &{
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
