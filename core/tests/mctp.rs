//! The MCTP transport over a fake network of sockets, through the public
//! endpoint API.

mod tests {
    use std::collections::VecDeque;
    use std::io;
    use std::sync::{Arc, Mutex};

    use cxlmi::cci::{CATEGORY_RESPONSE, HEADER_LEN, Opcode};
    use cxlmi::commands::generic::Identify;
    use cxlmi::error::Error;
    use cxlmi::log::Logger;
    use cxlmi::transport::mctp::*;
    use cxlmi::{Context, Endpoint, Tunnel};
    use cxlmi_test_support::ErrnoExt;
    use cxlmi_test_support::sim::{Component, Hop, message};

    /// What the fake peer saw and how it behaves.
    #[derive(Default)]
    struct PeerState {
        opened: Vec<Address>,
        /// Every message sent, with the address it went to.
        sent: Vec<(Address, Vec<u8>)>,
        /// Replies waiting to be received, per message type.
        pending: VecDeque<(u8, Vec<u8>)>,
        /// Message types whose sockets fail to open.
        refuse: Vec<u8>,
    }

    type Reply = Box<dyn FnMut(&[u8]) -> Option<Vec<u8>> + Send>;

    /// A fake MCTP network: one peer answering every message with `reply`
    /// (`None`: no answer at all).
    #[derive(Clone)]
    struct Peer {
        state: Arc<Mutex<PeerState>>,
        reply: Arc<Mutex<Reply>>,
    }

    struct PeerSocket {
        to: Address,
        peer: Peer,
    }

    impl Peer {
        fn new(reply: impl FnMut(&[u8]) -> Option<Vec<u8>> + Send + 'static) -> Peer {
            Peer { state: Default::default(), reply: Arc::new(Mutex::new(Box::new(reply))) }
        }
        /// A peer whose answers come from a simulated component.
        fn component(mut c: Component) -> Peer {
            Peer::new(move |m| Some(c.respond(m)))
        }
        fn state(&self) -> std::sync::MutexGuard<'_, PeerState> {
            self.state.lock().unwrap()
        }
    }

    impl Sockets for Peer {
        fn open(&mut self, to: Address) -> io::Result<Box<dyn Datagram>> {
            let mut s = self.state();
            if s.refuse.contains(&to.message_type) {
                return Err(io::Error::from_raw_os_error(libc::EAFNOSUPPORT));
            }
            s.opened.push(to);
            drop(s);
            Ok(Box::new(PeerSocket { to, peer: self.clone() }))
        }
    }

    impl Datagram for PeerSocket {
        fn send(&mut self, msg: &[u8]) -> io::Result<()> {
            let answer = (self.peer.reply.lock().unwrap())(msg);
            let mut s = self.peer.state();
            s.sent.push((self.to, msg.to_vec()));
            if let Some(a) = answer {
                s.pending.push_back((self.to.message_type, a));
            }
            Ok(())
        }
        fn recv(&mut self, buf: &mut [u8], _timeout_ms: u32) -> io::Result<usize> {
            let mut s = self.peer.state();
            let Some(i) = s.pending.iter().position(|(t, _)| *t == self.to.message_type) else {
                return Err(io::Error::from_raw_os_error(libc::ETIMEDOUT));
            };
            let (_, m) = s.pending.remove(i).unwrap();
            let n = m.len().min(buf.len());
            buf[..n].copy_from_slice(&m[..n]);
            Ok(m.len())
        }
    }

    const IDENTIFY: Opcode = Opcode(0x0001);
    const ID_LEN: usize = 18;

    fn identify_payload(component_type: u8) -> Vec<u8> {
        let mut p = vec![0x86, 0x80, 0x93, 0x0d, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0x0b];
        p.push(component_type);
        p
    }

    /// A component answering Identify as `component_type`, anything else as unsupported.
    fn device(component_type: u8) -> Component {
        Component::new(
            move |_: &[Hop], op, _: &[u8]| {
                if op == IDENTIFY { (0, identify_payload(component_type)) } else { (3, vec![]) }
            },
        )
    }

    fn context(probe: bool) -> Context {
        let ctx = Context::new(Logger::stderr(-1));
        ctx.set_probe_enabled(probe);
        ctx
    }

    fn open(peer: &Peer, probe: bool) -> Endpoint {
        context(probe).open_mctp_via(Box::new(peer.clone()), 1, 9).unwrap()
    }

    fn addr(message_type: u8) -> Address {
        Address { net: 1, eid: 9, message_type }
    }

    #[test]
    fn sockaddr_is_the_kernel_layout() {
        let a = addr(MCTP_TYPE_CXL_CCI).sockaddr();
        // SAFETY: a plain 12-byte repr(C) struct without padding holes.
        let bytes: [u8; 12] = unsafe { core::mem::transmute(a) };
        assert_eq!(bytes, [45, 0, 0, 0, 1, 0, 0, 0, 9, 8, 8, 0]);
    }

    #[test]
    fn direct_command_goes_to_the_cci_socket() {
        let peer = Peer::component(device(3));
        let mut ep = open(&peer, false);
        let id = ep.execute::<Identify>(Tunnel::None, &()).unwrap();
        assert_eq!({ id.vendor_id }, 0x8086);
        assert_eq!(id.component_type, 3);
        let s = peer.state();
        assert_eq!(s.opened, [addr(8)]);
        assert_eq!(s.sent.len(), 1);
        assert_eq!(s.sent[0], (addr(8), vec![0, 0, 0, 0x01, 0x00, 0, 0, 0, 0, 0, 0xcd, 0xab]));
    }

    #[test]
    fn tags_count_up_per_request_and_wrap() {
        let peer = Peer::component(device(3));
        let mut ep = open(&peer, false);
        for _ in 0..258 {
            ep.execute::<Identify>(Tunnel::None, &()).unwrap();
        }
        let tags: Vec<u8> = peer.state().sent.iter().map(|(_, m)| m[1]).collect();
        let want: Vec<u8> = (0..258u32).map(|i| i as u8).collect();
        assert_eq!(tags, want);
    }

    #[test]
    fn reply_with_another_tag_is_dropped_and_the_wait_goes_on() {
        let peer =
            Peer::new(|m| Some(message(CATEGORY_RESPONSE, m[1].wrapping_add(1), IDENTIFY, 0, &identify_payload(3))));
        let mut ep = open(&peer, false);
        assert!(matches!(ep.execute::<Identify>(Tunnel::None, &()), Err(Error::Timeout)));
    }

    /// What issue #14 found: a device answering after the timeout left its
    /// answer queued, and every later command read the one before's answer
    /// (EPROTO) until the endpoint was closed.
    #[test]
    fn a_late_answer_never_stands_in_for_the_next_commands() {
        // Direct on the CCI socket, and tunnelled through a switch port on the FM-API socket.
        for (tunnel, socket) in [(Tunnel::None, MCTP_TYPE_CXL_CCI), (Tunnel::Port(3), MCTP_TYPE_CXL_FMAPI)] {
            let held: Arc<Mutex<Vec<Vec<u8>>>> = Default::default();
            let keep = held.clone();
            let mut c = device(3);
            let mut first = true;
            let peer = Peer::new(move |m| {
                let a = c.respond(m);
                if std::mem::take(&mut first) {
                    keep.lock().unwrap().push(a);
                    None
                } else {
                    Some(a)
                }
            });
            let mut ep = open(&peer, false);
            ep.enable_fmapi().unwrap();
            assert!(matches!(ep.execute::<Identify>(tunnel, &()), Err(Error::Timeout)));
            // The first answer arrives late, just before the second command's.
            let late = held.lock().unwrap().pop().unwrap();
            peer.state().pending.push_back((socket, late.clone()));
            for _ in 0..3 {
                let id = ep.execute::<Identify>(tunnel, &()).unwrap();
                assert_eq!(id.component_type, 3);
                // A duplicate of an answer already taken, and one of another opcode.
                peer.state().pending.push_back((socket, late.clone()));
                let mut other = late.clone();
                other[2] = 0x02;
                peer.state().pending.push_back((socket, other));
            }
            ep.execute::<Identify>(tunnel, &()).unwrap();
            assert!(peer.state().pending.is_empty(), "every stale answer was read and dropped");
        }
    }

    #[test]
    fn silence_times_out() {
        let peer = Peer::new(|_| None);
        let mut ep = open(&peer, false);
        let e = ep.execute::<Identify>(Tunnel::None, &()).unwrap_err();
        assert!(matches!(e, Error::Timeout));
        assert_eq!(e.errno(), libc::ETIMEDOUT);
    }

    #[test]
    fn malformed_truncated_and_oversized_replies_are_refused() {
        let good = message(CATEGORY_RESPONSE, 0, IDENTIFY, 0, &identify_payload(3));
        // Every cut of a good reply, and the good reply with bytes to spare.
        for n in 0..=good.len() + 3 {
            let mut r = good.clone();
            r.resize(n, 0xee);
            let peer = Peer::new(move |_| Some(r.clone()));
            let mut ep = open(&peer, false);
            let ok = ep.execute::<Identify>(Tunnel::None, &()).is_ok();
            assert_eq!(ok, n == good.len(), "reply of {n} bytes");
        }
        // A datagram far larger than the room the command allows.
        let big = message(CATEGORY_RESPONSE, 0, IDENTIFY, 0, &[1; 4096]);
        let peer = Peer::new(move |_| Some(big.clone()));
        let mut ep = open(&peer, false);
        assert!(matches!(ep.execute::<Identify>(Tunnel::None, &()), Err(Error::Protocol(_))));
        // A request echoed back answers nothing: it is dropped. A payload
        // length field that lies is refused.
        let peer = Peer::new(|m| Some(m.to_vec()));
        let mut ep = open(&peer, false);
        assert!(matches!(ep.execute::<Identify>(Tunnel::None, &()), Err(Error::Timeout)));
        let mut lying = good.clone();
        lying[5] = 17;
        let peer = Peer::new(move |_| Some(lying.clone()));
        let mut ep = open(&peer, false);
        assert!(matches!(ep.execute::<Identify>(Tunnel::None, &()), Err(Error::Protocol(_))));
        // An error return code surfaces as the device's code.
        let peer = Peer::new(|m| Some(message(CATEGORY_RESPONSE, m[1], IDENTIFY, 6, &[])));
        let mut ep = open(&peer, false);
        assert!(matches!(ep.execute::<Identify>(Tunnel::None, &()), Err(Error::Device(6))));
    }

    #[test]
    fn fmapi_commands_use_the_fmapi_socket() {
        let peer = Peer::component(Component::new(|_: &[Hop], _, _: &[u8]| (0, vec![0; 8])));
        let mut ep = open(&peer, false);
        assert!(!ep.has_fmapi());
        // Get Physical Switch Identify (5100h) is refused before anything is sent.
        let r = ep.transact(Tunnel::None, Opcode(0x5100), 0, |_| {}, cxlmi::cci::ResponseSize::fixed(8));
        assert!(matches!(r, Err(Error::FmapiDisabled)));
        ep.enable_fmapi().unwrap();
        ep.transact(Tunnel::None, Opcode(0x5100), 0, |_| {}, cxlmi::cci::ResponseSize::fixed(8)).unwrap();
        ep.disable_fmapi();
        let s = peer.state();
        assert_eq!(s.opened, [addr(8), addr(7)]);
        assert_eq!(s.sent.len(), 1);
        assert_eq!(s.sent[0].0, addr(7));
    }

    #[test]
    fn probe_identifies_and_opens_fmapi_for_switches_and_type3() {
        for (component_type, fmapi) in [(0u8, true), (3, true), (2, false)] {
            let peer = Peer::component(device(component_type));
            let ep = open(&peer, true);
            assert_eq!(ep.has_fmapi(), fmapi, "component type {component_type}");
            let s = peer.state();
            assert_eq!(s.sent.len(), 1);
            assert_eq!(s.sent[0].1[3..5], [0x01, 0x00]);
            assert_eq!(s.opened.len(), if fmapi { 2 } else { 1 });
        }
        // FM-API socket refused: CCI only.
        let peer = Peer::component(device(0));
        peer.state().refuse.push(MCTP_TYPE_CXL_FMAPI);
        assert!(!open(&peer, true).has_fmapi());
        // Probing off: nothing sent, no FM-API.
        let peer = Peer::component(device(0));
        let ep = open(&peer, false);
        assert!(!ep.has_fmapi());
        assert!(peer.state().sent.is_empty());
        // A silent endpoint still opens.
        let peer = Peer::new(|_| None);
        assert!(!open(&peer, true).has_fmapi());
    }

    #[test]
    fn open_failure_and_timeouts() {
        let peer = Peer::new(|_| None);
        peer.state().refuse.push(MCTP_TYPE_CXL_CCI);
        let Err(e) = context(false).open_mctp_via(Box::new(peer.clone()), 1, 9) else { panic!("opened") };
        assert_eq!(e.errno(), libc::EAFNOSUPPORT);

        let mut ep = open(&Peer::new(|_| None), false);
        assert_eq!(ep.timeout_ms(), 2000);
        assert!(ep.set_timeout_ms(2001).is_err());
        ep.set_timeout_ms(1).unwrap();
        assert_eq!(ep.timeout_ms(), 1);
        assert_eq!(ep.describe(), "mctp 1:9");
    }

    #[test]
    fn kernel_without_mctp_refuses_cleanly() {
        match context(false).open_mctp(0, 8) {
            Ok(ep) => assert_eq!(ep.describe(), "mctp 0:8"),
            Err(e) => assert_eq!(e.errno(), libc::EAFNOSUPPORT, "{e}"),
        }
    }

    /// The innermost request every tunnel test sends: Identify, tag 0.
    fn identify_request() -> Vec<u8> {
        vec![0, 0, 0, 0x01, 0x00, 0, 0, 0, 0, 0, 0xcd, 0xab]
    }

    /// A tunnel request header + `inner` behind a CCI header with `tag`.
    fn wrapped(tag: u8, target: u8, id: u8, inner: &[u8]) -> Vec<u8> {
        let mut p = vec![id, target];
        p.extend_from_slice(&(inner.len() as u16).to_le_bytes());
        p.extend_from_slice(inner);
        message(0, tag, cxlmi::tunnel::OPCODE, 0, &p)
    }

    use cxlmi_test_support::tunnel;

    #[test]
    fn tunnels_are_byte_exact_on_the_wire() {
        let cases: [(Tunnel, Vec<u8>, Vec<Hop>); 4] = [
            // Level 1 to switch port 3: message tag 0, wrapper tag 1.
            (tunnel(3, -1, 1, false), wrapped(1, 0, 3, &identify_request()), vec![(0, 3)]),
            // Level 1 to LD 2 of the MLD the endpoint is.
            (tunnel(-1, 2, 1, false), wrapped(1, 0, 2, &identify_request()), vec![(0, 2)]),
            // Level 2: LD 4 behind port 5; inner wrapping tag 1, outer 2.
            (tunnel(5, 4, 2, false), wrapped(2, 0, 5, &wrapped(1, 0, 4, &identify_request())), vec![(0, 5), (0, 4)]),
            // The LD Pool CCI of a multi-headed device: target type 1.
            (tunnel(-1, -1, 1, true), wrapped(1, 1, 0xff, &identify_request()), vec![(1, 0xff)]),
        ];
        for (t, wire, hops) in cases {
            let seen = Arc::new(Mutex::new(Vec::new()));
            let s2 = seen.clone();
            let peer = Peer::component(Component::new(move |h: &[Hop], op, _: &[u8]| {
                s2.lock().unwrap().push(h.to_vec());
                assert_eq!(op, IDENTIFY);
                (0, identify_payload(3))
            }));
            let mut ep = open(&peer, false);
            ep.enable_fmapi().unwrap();
            let id = ep.execute::<Identify>(t, &()).unwrap();
            assert_eq!(id.component_type, 3);
            let s = peer.state();
            assert_eq!(s.sent, [(addr(MCTP_TYPE_CXL_FMAPI), wire)], "{t:?}");
            assert_eq!(*seen.lock().unwrap(), [hops]);
        }
    }

    #[test]
    fn tunnels_need_the_fmapi_socket_and_check_each_level() {
        let peer = Peer::component(device(3));
        let mut ep = open(&peer, false);
        assert!(matches!(ep.execute::<Identify>(tunnel(1, -1, 1, false), &()), Err(Error::FmapiDisabled)));
        assert!(peer.state().sent.is_empty());

        // The switch answers the tunnel command with an error of its own.
        let peer = Peer::new(|m| Some(message(CATEGORY_RESPONSE, m[1], cxlmi::tunnel::OPCODE, 3, &[])));
        let mut ep = open(&peer, false);
        ep.enable_fmapi().unwrap();
        assert!(matches!(ep.execute::<Identify>(tunnel(1, -1, 1, false), &()), Err(Error::Device(3))));

        // Every cut of a good level-2 reply is refused, the whole one accepted.
        let mut c = device(3);
        let full = c.respond(&wrapped(2, 0, 5, &wrapped(1, 0, 4, &identify_request())));
        assert_eq!(full.len(), 2 * (HEADER_LEN + 4) + HEADER_LEN + ID_LEN);
        for n in 0..=full.len() {
            let r = full[..n].to_vec();
            let peer = Peer::new(move |_| Some(r.clone()));
            let mut ep = open(&peer, false);
            ep.enable_fmapi().unwrap();
            let ok = ep.execute::<Identify>(tunnel(5, 4, 2, false), &()).is_ok();
            assert_eq!(ok, n == full.len(), "reply of {n} bytes");
        }
    }
}
