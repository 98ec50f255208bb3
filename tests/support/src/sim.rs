//! A simulated CXL component behind the fake MCTP peer and the fake
//! mailbox of the transport tests. It answers CCI messages and, as a switch
//! or an MLD would, unwraps Tunnel Management Commands (5300h) level by
//! level and wraps the answer back, so that both transports can be driven
//! through the shared tunnel code with nothing but bytes.

use cxlmi::cci::{CATEGORY_RESPONSE, HEADER_LEN, Header, Opcode};

/// One tunnel hop as the component saw it: (target type, port or LD id).
pub type Hop = (u8, u8);

/// Answers a command reaching its final target: given the hops it came
/// through, its opcode and payload, the return code and response payload.
pub type Answer = Box<dyn FnMut(&[Hop], Opcode, &[u8]) -> (u16, Vec<u8>) + Send>;

pub struct Component {
    answer: Answer,
}

/// A whole CCI message.
pub fn message(category: u8, tag: u8, opcode: Opcode, return_code: u16, payload: &[u8]) -> Vec<u8> {
    let mut m = vec![0; HEADER_LEN];
    let mut h = Header::request(tag, opcode, payload.len());
    h.category = category;
    h.return_code = return_code;
    if category == CATEGORY_RESPONSE {
        h.vendor_ext_status = 0;
    }
    h.encode(&mut m);
    m.extend_from_slice(payload);
    m
}

impl Component {
    pub fn new(answer: impl FnMut(&[Hop], Opcode, &[u8]) -> (u16, Vec<u8>) + Send + 'static) -> Component {
        Component { answer: Box::new(answer) }
    }

    /// The response message to the request message `msg`.
    pub fn respond(&mut self, msg: &[u8]) -> Vec<u8> {
        self.respond_at(&mut Vec::new(), msg)
    }

    fn respond_at(&mut self, hops: &mut Vec<Hop>, msg: &[u8]) -> Vec<u8> {
        let h = Header::decode(msg);
        let (rc, payload) = self.payload_at(hops, h.opcode, &msg[HEADER_LEN..]);
        message(CATEGORY_RESPONSE, h.tag, h.opcode, rc, &payload)
    }

    /// The return code and response payload for a command given as opcode
    /// and payload (the mailbox's view, without a CCI header).
    pub fn answer_payload(&mut self, opcode: Opcode, payload: &[u8]) -> (u16, Vec<u8>) {
        self.payload_at(&mut Vec::new(), opcode, payload)
    }

    fn payload_at(&mut self, hops: &mut Vec<Hop>, opcode: Opcode, payload: &[u8]) -> (u16, Vec<u8>) {
        if opcode != cxlmi::tunnel::OPCODE {
            return (self.answer)(hops, opcode, payload);
        }
        let (id, target) = (payload[0], payload[1]);
        let size = usize::from(u16::from_le_bytes([payload[2], payload[3]]));
        assert_eq!(size, payload.len() - 4, "tunnel command size disagrees with the payload");
        hops.push((target, id));
        let inner = self.respond_at(hops, &payload[4..]);
        hops.pop();
        let mut out = (inner.len() as u16).to_le_bytes().to_vec();
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(&inner);
        (0, out)
    }
}
