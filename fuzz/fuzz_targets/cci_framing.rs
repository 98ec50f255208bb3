//! CCI message framing: `Header::decode` of any bytes, and `check_response` of any message
//! against a request header and a response size chosen by the input.
//!
//! Input: `[tag, opcode (2), min (3), max (3), response...]`.

#![no_main]

use cxlmi::cci::{HEADER_LEN, Header, MAX_PAYLOAD_LEN, Opcode, ResponseSize, check_response};
use libfuzzer_sys::fuzz_target;

fn u24(b: &[u8]) -> usize {
    usize::from(b[0]) | usize::from(b[1]) << 8 | usize::from(b[2]) << 16
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 9 {
        return;
    }
    let (params, rsp) = data.split_at(9);
    let req = Header::request(params[0], Opcode(u16::from_le_bytes([params[1], params[2]])), 0);
    let (a, b) = (u24(&params[3..6]) % (MAX_PAYLOAD_LEN + 1), u24(&params[6..9]) % (MAX_PAYLOAD_LEN + 1));
    let size = if params[3] & 0x80 != 0 { ResponseSize::fixed(a) } else { ResponseSize::between(a.min(b), a.max(b)) };

    if rsp.len() >= HEADER_LEN {
        let h = Header::decode(rsp);
        assert!(h.payload_len <= MAX_PAYLOAD_LEN);
        let mut again = [0u8; HEADER_LEN];
        h.encode(&mut again);
        assert_eq!(Header::decode(&again), h);
    }
    if let Ok(got) = check_response(&req, rsp, size) {
        assert!(rsp.len() >= HEADER_LEN);
        assert_eq!(got, rsp.len() - HEADER_LEN);
        assert!(got >= size.min && got <= size.max);
        assert_eq!(Header::decode(rsp).payload_len, got);
    }
});
