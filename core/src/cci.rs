//! The CCI message (CXL r3.1 section 7.6.3, Figure 7-19): a 12-byte header and
//! a payload. Requests are framed and responses checked here and nowhere else.

use crate::error::{Error, Result};

/// Bytes in a CCI message header.
pub const HEADER_LEN: usize = 12;

/// The payload length field has 20 bits (CXL r3.1 Figure 7-19).
pub const MAX_PAYLOAD_LEN: usize = (1 << 20) - 1;

/// Message category: request or response.
pub const CATEGORY_REQUEST: u8 = 0;
pub const CATEGORY_RESPONSE: u8 = 1;

/// Requests carry this in the vendor extended status field, as upstream sends.
pub const REQUEST_VENDOR_EXT_STATUS: u16 = 0xabcd;

/// A 16-bit command opcode: command set in the high byte, command in the low.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Opcode(pub u16);

impl Opcode {
    #[inline]
    pub const fn new(command_set: u8, command: u8) -> Opcode {
        Opcode(((command_set as u16) << 8) | command as u16)
    }
    #[inline]
    pub const fn command_set(self) -> u8 {
        (self.0 >> 8) as u8
    }
    #[inline]
    pub const fn command(self) -> u8 {
        self.0 as u8
    }
    /// FM-API command sets (CXL r3.1 Table 8-215): 51h to 56h.
    #[inline]
    pub const fn is_fmapi(self) -> bool {
        matches!(self.command_set(), 0x51..=0x56)
    }
}

impl core::fmt::Display for Opcode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:04x}h", self.0)
    }
}

/// A decoded CCI message header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub category: u8,
    pub tag: u8,
    pub opcode: Opcode,
    /// Payload length (20 bits); the background-operation bit is kept apart.
    pub payload_len: usize,
    pub background: bool,
    pub return_code: u16,
    pub vendor_ext_status: u16,
}

impl Header {
    /// A request header for `opcode` with a payload of `payload_len` bytes.
    #[inline]
    pub fn request(tag: u8, opcode: Opcode, payload_len: usize) -> Header {
        Header {
            category: CATEGORY_REQUEST,
            tag,
            opcode,
            payload_len,
            background: false,
            return_code: 0,
            vendor_ext_status: REQUEST_VENDOR_EXT_STATUS,
        }
    }

    /// Writes the header into the first [`HEADER_LEN`] bytes of `buf`.
    #[inline]
    pub fn encode(&self, buf: &mut [u8]) {
        debug_assert!(self.payload_len <= MAX_PAYLOAD_LEN);
        let len = self.payload_len as u32 & 0xf_ffff;
        let b = &mut buf[..HEADER_LEN];
        b[0] = self.category;
        b[1] = self.tag;
        b[2] = 0;
        b[3] = self.opcode.command();
        b[4] = self.opcode.command_set();
        b[5] = len as u8;
        b[6] = (len >> 8) as u8;
        b[7] = (len >> 16) as u8 | if self.background { 0x80 } else { 0 };
        b[8..10].copy_from_slice(&self.return_code.to_le_bytes());
        b[10..12].copy_from_slice(&self.vendor_ext_status.to_le_bytes());
    }

    /// Reads a header from `buf`, which must hold at least [`HEADER_LEN`] bytes.
    #[inline]
    pub fn decode(buf: &[u8]) -> Header {
        let b = &buf[..HEADER_LEN];
        Header {
            category: b[0],
            tag: b[1],
            opcode: Opcode::new(b[4], b[3]),
            payload_len: usize::from(b[5]) | usize::from(b[6]) << 8 | usize::from(b[7] & 0xf) << 16,
            background: b[7] & 0x80 != 0,
            return_code: u16::from_le_bytes([b[8], b[9]]),
            vendor_ext_status: u16::from_le_bytes([b[10], b[11]]),
        }
    }
}

/// How long a command's response payload may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResponseSize {
    /// Fewest payload bytes a successful response carries.
    pub min: usize,
    /// Most payload bytes it may carry (the receive buffer's payload room).
    pub max: usize,
}

impl ResponseSize {
    /// A response of exactly `len` bytes.
    #[inline]
    pub const fn fixed(len: usize) -> ResponseSize {
        ResponseSize { min: len, max: len }
    }
    /// A response of `min` to `max` bytes.
    #[inline]
    pub const fn between(min: usize, max: usize) -> ResponseSize {
        ResponseSize { min, max }
    }
    #[inline]
    pub const fn is_fixed(&self) -> bool {
        self.min == self.max
    }
}

/// A successful response's payload, zero-filled past what the component
/// sent up to the most the command allows.
#[derive(Clone, Copy, Debug)]
pub struct Response<'a> {
    /// Exactly `ResponseSize::max` bytes.
    pub bytes: &'a [u8],
    /// How many of them the component sent.
    pub len: usize,
}

impl<'a> Response<'a> {
    /// The bytes the component actually sent.
    #[inline]
    pub fn sent(&self) -> &'a [u8] {
        &self.bytes[..self.len.min(self.bytes.len())]
    }
}

/// Checks a received message `rsp` (header and payload, as many bytes as
/// arrived) against the request header it answers, and returns the payload
/// length. A non-zero return code ends the check first, as the payload of an
/// error response means nothing.
#[inline]
pub fn check_response(req: &Header, rsp: &[u8], size: ResponseSize) -> Result<usize> {
    if rsp.len() < HEADER_LEN {
        return Err(Error::Protocol("response too short to hold a CCI header"));
    }
    let h = Header::decode(rsp);
    if h.category != CATEGORY_RESPONSE {
        return Err(Error::Protocol("message is not a response"));
    }
    if h.tag != req.tag {
        return Err(Error::Protocol("response has the wrong tag"));
    }
    if h.opcode != req.opcode {
        return Err(Error::Protocol("response answers another command"));
    }
    if h.return_code != 0 {
        return Err(Error::Device(h.return_code));
    }
    let got = rsp.len() - HEADER_LEN;
    if size.is_fixed() && got != size.min {
        return Err(Error::Protocol("response is not of the command's fixed length"));
    }
    if got > size.max {
        return Err(Error::Protocol("response is longer than the command allows"));
    }
    if got < size.min {
        return Err(Error::Protocol("response is shorter than the command's minimum"));
    }
    if h.payload_len != got {
        return Err(Error::Protocol("payload length field disagrees with the bytes received"));
    }
    Ok(got)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(tag: u8, op: Opcode, rc: u16, payload: &[u8]) -> Vec<u8> {
        let mut m = vec![0; HEADER_LEN + payload.len()];
        Header {
            category: CATEGORY_RESPONSE,
            tag,
            opcode: op,
            payload_len: payload.len(),
            background: false,
            return_code: rc,
            vendor_ext_status: 0,
        }
        .encode(&mut m);
        m[HEADER_LEN..].copy_from_slice(payload);
        m
    }

    #[test]
    fn request_header_bytes() {
        let mut b = [0u8; HEADER_LEN];
        Header::request(7, Opcode(0x4301), 0x12345).encode(&mut b);
        assert_eq!(b, [0, 7, 0, 0x01, 0x43, 0x45, 0x23, 0x01, 0, 0, 0xcd, 0xab]);
        let h = Header::decode(&b);
        assert_eq!(h.opcode, Opcode(0x4301));
        assert_eq!(h.payload_len, 0x12345);
    }

    #[test]
    fn payload_length_is_twenty_bits_with_background_flag_apart() {
        let mut b = [0u8; HEADER_LEN];
        b[5] = 0xff;
        b[6] = 0xff;
        b[7] = 0xff;
        let h = Header::decode(&b);
        assert_eq!(h.payload_len, 0xf_ffff);
        assert!(h.background);
    }

    #[test]
    fn response_checks() {
        let req = Header::request(3, Opcode(0x0001), 0);
        let ok = response(3, Opcode(0x0001), 0, &[1; 18]);
        assert_eq!(check_response(&req, &ok, ResponseSize::fixed(18)).unwrap(), 18);
        assert!(matches!(check_response(&req, &ok[..5], ResponseSize::fixed(18)), Err(Error::Protocol(_))));
        let wrong_tag = response(4, Opcode(0x0001), 0, &[1; 18]);
        assert!(matches!(check_response(&req, &wrong_tag, ResponseSize::fixed(18)), Err(Error::Protocol(_))));
        let wrong_op = response(3, Opcode(0x0002), 0, &[1; 18]);
        assert!(matches!(check_response(&req, &wrong_op, ResponseSize::fixed(18)), Err(Error::Protocol(_))));
        let short = response(3, Opcode(0x0001), 0, &[1; 17]);
        assert!(matches!(check_response(&req, &short, ResponseSize::fixed(18)), Err(Error::Protocol(_))));
        assert!(matches!(check_response(&req, &short, ResponseSize::between(18, 40)), Err(Error::Protocol(_))));
        let error = response(3, Opcode(0x0001), 3, &[]);
        assert!(matches!(check_response(&req, &error, ResponseSize::fixed(18)), Err(Error::Device(3))));
        let mut lying = response(3, Opcode(0x0001), 0, &[1; 20]);
        lying[5] = 30;
        assert!(matches!(check_response(&req, &lying, ResponseSize::between(18, 40)), Err(Error::Protocol(_))));
        let mut request_not_response = ok.clone();
        request_not_response[0] = CATEGORY_REQUEST;
        assert!(matches!(
            check_response(&req, &request_not_response, ResponseSize::fixed(18)),
            Err(Error::Protocol(_))
        ));
    }
}
