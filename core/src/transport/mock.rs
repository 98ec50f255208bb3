//! The mock transport: answers commands from responses queued by a test,
//! with no device behind it.
//!
//! It behaves as upstream's mock does, since tests written for that rely on
//! it: a queued payload shorter than the command's response is zero-filled,
//! a longer one is cut to fit, tunnel information is ignored, and a command
//! with nothing queued for it is answered with `CXLMI_RET_UNSUPPORTED`.

use std::collections::VecDeque;

use super::Transport;
use crate::cci::{CATEGORY_RESPONSE, HEADER_LEN, Header, Opcode};
use crate::error::Result;
use crate::types::cxlmi_cmd_retcode;

struct Queued {
    opcode: Opcode,
    return_code: u16,
    payload: Vec<u8>,
}

/// A mock component.
#[derive(Default)]
pub struct Mock {
    queue: VecDeque<Queued>,
    /// Payload buffers of consumed responses, reused by later ones.
    spare: Vec<Vec<u8>>,
    commands_sent: u32,
    responses_returned: u32,
    last: Option<Opcode>,
    last_payload: Vec<u8>,
}

impl Mock {
    pub fn new() -> Mock {
        Mock::default()
    }

    /// Queues a response for the next command with `opcode`; responses for
    /// one opcode are returned first in, first out.
    pub fn queue_response(&mut self, opcode: Opcode, return_code: u16, payload: &[u8]) {
        let mut buf = self.spare.pop().unwrap_or_default();
        buf.clear();
        buf.extend_from_slice(payload);
        self.queue.push_back(Queued { opcode, return_code, payload: buf });
    }

    /// Drops every queued response.
    pub fn clear_responses(&mut self) {
        self.queue.clear();
    }

    /// Commands received, and how many of them found a queued response.
    pub fn stats(&self) -> (u32, u32) {
        (self.commands_sent, self.responses_returned)
    }

    /// The last command received and its payload, if any command came yet.
    pub fn last_command(&self) -> Option<(Opcode, &[u8])> {
        self.last.map(|op| (op, self.last_payload.as_slice()))
    }
}

impl Transport for Mock {
    fn exchange(&mut self, req: &[u8], rsp: &mut [u8], _fmapi: bool, _timeout_ms: u32) -> Result<usize> {
        let rq = Header::decode(req);
        self.commands_sent = self.commands_sent.wrapping_add(1);
        self.last = Some(rq.opcode);
        self.last_payload.clear();
        let sent = req.len().saturating_sub(HEADER_LEN).min(rq.payload_len);
        self.last_payload.extend_from_slice(&req[HEADER_LEN..HEADER_LEN + sent]);

        // `rsp` arrives zeroed (the Transport contract): only what the
        // response carries is written.
        let room = rsp.len() - HEADER_LEN;
        let mut answer = Header {
            category: CATEGORY_RESPONSE,
            tag: rq.tag,
            opcode: rq.opcode,
            // Always the full room: the mock zero-fills, like upstream's.
            payload_len: room,
            background: false,
            return_code: cxlmi_cmd_retcode::CXLMI_RET_UNSUPPORTED as u16,
            vendor_ext_status: 0,
        };
        if let Some(i) = self.queue.iter().position(|q| q.opcode == rq.opcode) {
            // The common case is the oldest response: take it without shifting.
            let q = if i == 0 { self.queue.pop_front() } else { self.queue.remove(i) };
            let q = q.expect("position is in range");
            self.responses_returned = self.responses_returned.wrapping_add(1);
            answer.return_code = q.return_code;
            let n = q.payload.len().min(room);
            rsp[HEADER_LEN..HEADER_LEN + n].copy_from_slice(&q.payload[..n]);
            self.spare.push(q.payload);
        }
        answer.encode(rsp);
        Ok(rsp.len())
    }

    fn tunnels(&self) -> bool {
        false
    }

    fn describe(&self) -> String {
        "mock".into()
    }
}
