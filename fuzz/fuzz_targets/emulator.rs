//! The emulated fabric's request handling: every model (`Model::ALL`) answers a sequence of
//! request messages taken from the input, so its state machines (background operations, dynamic
//! capacity, LD allocations...) see any order of any requests.
//!
//! Input: `[flags, then records of (length (LE16), message)]`. `flags` bit 0: send on the FM-API
//! channel; bit 1: send the messages as they are (otherwise each gets a request header's category
//! and a payload length that matches, so it reaches the command handlers).

#![no_main]

use cxlmi::cci::{CATEGORY_REQUEST, CATEGORY_RESPONSE, HEADER_LEN, Header};
use cxlmi_emulator::{Model, respond};
use libfuzzer_sys::fuzz_target;

/// The request messages of the input, at most 16.
fn messages(flags: u8, mut rest: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    while rest.len() >= 2 && out.len() < 16 {
        let n = usize::from(u16::from_le_bytes([rest[0], rest[1]])).min(rest.len() - 2);
        let mut msg = rest[2..2 + n].to_vec();
        rest = &rest[2 + n..];
        if flags & 2 == 0 && msg.len() >= HEADER_LEN {
            let len = msg.len() - HEADER_LEN;
            msg[0] = CATEGORY_REQUEST;
            msg[5] = len as u8;
            msg[6] = (len >> 8) as u8;
            msg[7] = (msg[7] & 0xf0) | ((len >> 16) as u8 & 0xf);
        }
        out.push(msg);
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else { return };
    let msgs = messages(flags, rest);
    let fmapi = flags & 1 != 0;
    for model in Model::ALL {
        let mut component = model.build();
        let mut out = Vec::new();
        for msg in &msgs {
            out.clear();
            if respond(component.as_mut(), msg, fmapi, &mut out) {
                // An answer is one whole response message to this request.
                assert!(out.len() >= HEADER_LEN, "{}: short answer to {msg:02x?}", model.name());
                let (req, rsp) = (Header::decode(msg), Header::decode(&out));
                assert_eq!(rsp.category, CATEGORY_RESPONSE);
                assert_eq!((rsp.tag, rsp.opcode), (req.tag, req.opcode));
                assert_eq!(rsp.payload_len, out.len() - HEADER_LEN, "{}: {:?}", model.name(), req.opcode);
            }
        }
    }
});
