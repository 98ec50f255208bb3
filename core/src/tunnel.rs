//! Tunnelling (CXL r3.1 section 7.6.7.3.1, Tunnel Management Command 5300h):
//! a request is wrapped once or twice in Tunnel Management Commands, sent on
//! the FM-API channel, and the response unwrapped and checked level by level.
//! Every transport tunnels through this one module.

use crate::cci::{self, HEADER_LEN, Header, MAX_PAYLOAD_LEN, Opcode, ResponseSize};
use crate::error::{Error, Result};
use crate::transport::Transport;

/// Where a command goes beyond the endpoint (CXL r3.1 section 7.6.7.3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tunnel {
    /// Straight to the endpoint.
    None,
    /// Through one Tunnel Management Command to a switch port or an MLD's LD.
    Port(u8),
    /// Through one Tunnel Management Command to a multi-headed device's LD Pool CCI.
    LdPool,
    /// Through a switch port, then to an LD of the MLD behind it.
    PortThenLd { port: u8, ld: u8 },
}

/// Tunnel Management Command.
pub const OPCODE: Opcode = crate::commands::fmapi::TUNNEL_MANAGEMENT;
/// Tunnel request header: port or LD id, target type, command size (LE16).
pub const REQUEST_HEADER_LEN: usize = 4;
/// Tunnel response header: response length (LE16), reserved.
pub const RESPONSE_HEADER_LEN: usize = 4;
/// Target type: the port or LD named by the id.
const TARGET_PORT_OR_LD: u8 = 0;
/// Target type: the LD Pool CCI of a multi-headed device (id ignored).
const TARGET_LD_POOL_CCI: u8 = 1;

/// Buffers reused across tunnelled commands.
#[derive(Default)]
pub struct Scratch {
    req: Vec<u8>,
    rsp: Vec<u8>,
}

/// Per-level framing overhead of a wrapped response: the wrapping CCI header
/// and the tunnel response header.
const LEVEL_OVERHEAD: usize = HEADER_LEN + RESPONSE_HEADER_LEN;

/// The (target type, id) of each wrapping, outermost first.
fn targets(tunnel: Tunnel) -> ([(u8, u8); 2], usize) {
    match tunnel {
        Tunnel::None => ([(0, 0); 2], 0),
        Tunnel::Port(id) => ([(TARGET_PORT_OR_LD, id), (0, 0)], 1),
        // The id is ignored for the LD Pool CCI; upstream sends 0xff (its -1).
        Tunnel::LdPool => ([(TARGET_LD_POOL_CCI, 0xff), (0, 0)], 1),
        Tunnel::PortThenLd { port, ld } => ([(TARGET_PORT_OR_LD, port), (TARGET_PORT_OR_LD, ld)], 2),
    }
}

/// Wraps `inner` (a whole CCI message) in one Tunnel Management Command
/// addressed to `(target, id)`, appending the new message to `out`.
pub fn wrap(out: &mut Vec<u8>, tag: u8, target: u8, id: u8, inner: &[u8]) -> Result<()> {
    let command_size = u16::try_from(inner.len())
        .map_err(|_| Error::InvalidArgument("tunnelled message exceeds the tunnel's 16-bit size"))?;
    let payload_len = REQUEST_HEADER_LEN + inner.len();
    if payload_len > MAX_PAYLOAD_LEN {
        return Err(Error::InvalidArgument("tunnelled message exceeds the CCI message limit"));
    }
    let start = out.len();
    out.resize(start + HEADER_LEN, 0);
    Header::request(tag, OPCODE, payload_len).encode(&mut out[start..]);
    out.push(id);
    out.push(target);
    out.extend_from_slice(&command_size.to_le_bytes());
    out.extend_from_slice(inner);
    Ok(())
}

/// Checks one level of a wrapped response `rsp` against the wrapping request
/// header, and returns the inner message it carries.
fn unwrap<'a>(req: &Header, rsp: &'a [u8]) -> Result<&'a [u8]> {
    cci::check_response(req, rsp, ResponseSize::between(RESPONSE_HEADER_LEN, MAX_PAYLOAD_LEN))?;
    let payload = &rsp[HEADER_LEN..];
    let length = usize::from(u16::from_le_bytes([payload[0], payload[1]]));
    let inner = &payload[RESPONSE_HEADER_LEN..];
    if length != inner.len() {
        return Err(Error::Protocol("tunnel response length disagrees with the bytes received"));
    }
    Ok(inner)
}

/// Sends the request message `req` through `tunnel` and leaves the innermost
/// response message (header and payload) at the start of `rsp`, which has
/// room for `size.max` payload bytes. Returns the innermost payload length.
pub fn exchange(
    transport: &mut dyn Transport,
    req: &[u8],
    rsp: &mut [u8],
    tunnel: Tunnel,
    size: ResponseSize,
    timeout_ms: u32,
    scratch: &mut Scratch,
) -> Result<usize> {
    let (targets, levels) = targets(tunnel);
    let inner_header = Header::decode(req);

    // Wrap from the inside out: the innermost wrapping targets the last hop.
    // Tags are taken in that order too, as upstream takes them.
    let mut headers = [inner_header; 2];
    scratch.req.clear();
    scratch.req.extend_from_slice(req);
    let mut wrapped = Vec::new();
    core::mem::swap(&mut wrapped, &mut scratch.rsp);
    for level in (0..levels).rev() {
        let (target, id) = targets[level];
        wrapped.clear();
        wrap(&mut wrapped, transport.wrapper_tag(), target, id, &scratch.req)?;
        headers[level] = Header::decode(&wrapped);
        core::mem::swap(&mut wrapped, &mut scratch.req);
    }
    scratch.rsp = wrapped;

    // Room for every level's framing plus the innermost message.
    scratch.rsp.clear();
    scratch.rsp.resize(levels * LEVEL_OVERHEAD + HEADER_LEN + size.max, 0);
    let n = transport.exchange(&scratch.req, &mut scratch.rsp, true, timeout_ms)?;
    let mut msg = &scratch.rsp[..n.min(scratch.rsp.len())];
    for header in headers.iter().take(levels) {
        msg = unwrap(header, msg)?;
    }
    let len = cci::check_response(&inner_header, msg, size)?;
    rsp.fill(0);
    rsp[..msg.len()].copy_from_slice(msg);
    Ok(len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cci::CATEGORY_RESPONSE;

    /// A transport that records what it was sent and answers with a canned
    /// message built by the test.
    struct Loopback {
        sent: Vec<u8>,
        fmapi: Option<bool>,
        answer: Vec<u8>,
        tag: u8,
    }

    impl Transport for Loopback {
        fn exchange(&mut self, req: &[u8], rsp: &mut [u8], fmapi: bool, _t: u32) -> Result<usize> {
            self.sent = req.to_vec();
            self.fmapi = Some(fmapi);
            let n = self.answer.len().min(rsp.len());
            rsp[..n].copy_from_slice(&self.answer[..n]);
            Ok(n)
        }
        fn next_tag(&mut self) -> u8 {
            self.tag = self.tag.wrapping_add(1);
            self.tag
        }
        fn describe(&self) -> String {
            "loopback".into()
        }
    }

    fn message(category: u8, tag: u8, op: Opcode, rc: u16, payload: &[u8]) -> Vec<u8> {
        let mut m = vec![0; HEADER_LEN];
        let mut h = Header::request(tag, op, payload.len());
        h.category = category;
        h.return_code = rc;
        h.vendor_ext_status = if category == CATEGORY_RESPONSE { 0 } else { h.vendor_ext_status };
        h.encode(&mut m);
        m.extend_from_slice(payload);
        m
    }

    fn wrapped_response(tag: u8, inner: &[u8]) -> Vec<u8> {
        let mut p = (inner.len() as u16).to_le_bytes().to_vec();
        p.extend_from_slice(&[0, 0]);
        p.extend_from_slice(inner);
        message(CATEGORY_RESPONSE, tag, OPCODE, 0, &p)
    }

    const IDENTIFY: Opcode = Opcode(0x0001);

    fn run(tunnel: Tunnel, answer: Vec<u8>, size: ResponseSize) -> (Result<usize>, Loopback, Vec<u8>) {
        let mut t = Loopback { sent: vec![], fmapi: None, answer, tag: 0 };
        let req = message(0, 0, IDENTIFY, 0, &[]);
        let mut rsp = vec![0; HEADER_LEN + size.max];
        let r = exchange(&mut t, &req, &mut rsp, tunnel, size, 100, &mut Scratch::default());
        (r, t, rsp)
    }

    #[test]
    fn one_level_to_a_port_is_byte_exact() {
        let inner_rsp = message(CATEGORY_RESPONSE, 0, IDENTIFY, 0, &[7; 18]);
        let (r, t, rsp) = run(Tunnel::Port(3), wrapped_response(1, &inner_rsp), ResponseSize::fixed(18));
        assert_eq!(r.unwrap(), 18);
        assert_eq!(t.fmapi, Some(true));
        let mut want = message(0, 1, OPCODE, 0, &[3, 0, 12, 0]);
        want.extend_from_slice(&message(0, 0, IDENTIFY, 0, &[]));
        want[5] = 16; // payload: 4-byte tunnel header + 12-byte inner message
        assert_eq!(t.sent, want);
        assert_eq!(&rsp[..HEADER_LEN + 18], &inner_rsp[..]);
    }

    #[test]
    fn ld_pool_sets_target_type_one() {
        let inner_rsp = message(CATEGORY_RESPONSE, 0, IDENTIFY, 0, &[7; 18]);
        let (r, t, _) = run(Tunnel::LdPool, wrapped_response(1, &inner_rsp), ResponseSize::fixed(18));
        r.unwrap();
        assert_eq!(&t.sent[HEADER_LEN..HEADER_LEN + 4], &[0xff, 1, 12, 0]);
    }

    #[test]
    fn two_levels_wrap_ld_inside_port() {
        let inner_rsp = message(CATEGORY_RESPONSE, 0, IDENTIFY, 0, &[9; 18]);
        // Tags: the inner wrapping is taken first (1), the outer second (2).
        let middle = wrapped_response(1, &inner_rsp);
        let (r, t, rsp) =
            run(Tunnel::PortThenLd { port: 5, ld: 2 }, wrapped_response(2, &middle), ResponseSize::fixed(18));
        assert_eq!(r.unwrap(), 18);
        let mut inner_wrap = message(0, 1, OPCODE, 0, &[2, 0, 12, 0]);
        inner_wrap.extend_from_slice(&message(0, 0, IDENTIFY, 0, &[]));
        inner_wrap[5] = 16;
        let mut want = message(0, 2, OPCODE, 0, &[5, 0, 28, 0]);
        want[5] = 32;
        want.extend_from_slice(&inner_wrap);
        assert_eq!(t.sent, want);
        assert_eq!(&rsp[..HEADER_LEN + 18], &inner_rsp[..]);
    }

    #[test]
    fn inconsistent_or_truncated_responses_are_refused() {
        let inner_rsp = message(CATEGORY_RESPONSE, 0, IDENTIFY, 0, &[7; 18]);
        // tunnel length claims more than arrived
        let mut lying = wrapped_response(1, &inner_rsp);
        lying[HEADER_LEN] = 0xff;
        assert!(matches!(run(Tunnel::Port(1), lying, ResponseSize::fixed(18)).0, Err(Error::Protocol(_))));
        // inner message cut short (both lengths agree, but the inner header says 18)
        let cut = wrapped_response(1, &inner_rsp[..20]);
        assert!(matches!(run(Tunnel::Port(1), cut, ResponseSize::fixed(18)).0, Err(Error::Protocol(_))));
        // inner answers another opcode
        let other = message(CATEGORY_RESPONSE, 0, Opcode(0x0002), 0, &[7; 18]);
        assert!(matches!(
            run(Tunnel::Port(1), wrapped_response(1, &other), ResponseSize::fixed(18)).0,
            Err(Error::Protocol(_))
        ));
        // outer too short for a tunnel header
        let bare = message(CATEGORY_RESPONSE, 1, OPCODE, 0, &[0, 0]);
        assert!(matches!(run(Tunnel::Port(1), bare, ResponseSize::fixed(18)).0, Err(Error::Protocol(_))));
        // outer and inner return codes surface
        let outer_err = message(CATEGORY_RESPONSE, 1, OPCODE, 3, &[]);
        assert!(matches!(run(Tunnel::Port(1), outer_err, ResponseSize::fixed(18)).0, Err(Error::Device(3))));
        let inner_err = message(CATEGORY_RESPONSE, 0, IDENTIFY, 2, &[]);
        assert!(matches!(
            run(Tunnel::Port(1), wrapped_response(1, &inner_err), ResponseSize::fixed(18)).0,
            Err(Error::Device(2))
        ));
    }

    #[test]
    fn every_response_length_is_safe() {
        let inner_rsp = message(CATEGORY_RESPONSE, 0, IDENTIFY, 0, &[7; 18]);
        let full = wrapped_response(2, &wrapped_response(1, &inner_rsp));
        for n in 0..=full.len() {
            let (r, _, _) = run(Tunnel::PortThenLd { port: 1, ld: 1 }, full[..n].to_vec(), ResponseSize::fixed(18));
            assert_eq!(r.is_ok(), n == full.len(), "length {n}");
        }
    }
}
