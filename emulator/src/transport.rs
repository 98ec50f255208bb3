//! The emulator transport: hands each framed request to an emulated
//! component ([`crate::device::Component`]) and returns its response message, the way
//! MCTP and the mailbox carry them, so everything above the transport
//! (framing, tags, tunnelling, response checks) runs as on hardware.

use crate::device::{Component, respond};
use cxlmi::error::{Error, Result};
use cxlmi::transport::Transport;

pub struct Emulator {
    component: Box<dyn Component>,
    name: String,
    tag: u8,
    /// The last response message, reused.
    out: Vec<u8>,
}

impl Emulator {
    pub fn new(component: Box<dyn Component>, name: impl Into<String>) -> Emulator {
        Emulator { component, name: name.into(), tag: 0, out: Vec::new() }
    }
}

impl Transport for Emulator {
    fn exchange(&mut self, req: &[u8], rsp: &mut [u8], fmapi: bool, _timeout_ms: u32) -> Result<usize> {
        self.out.clear();
        if !respond(self.component.as_mut(), req, fmapi, &mut self.out) {
            // A component drops what it cannot parse; the caller would wait in vain.
            return Err(Error::Timeout);
        }
        // As the MCTP transport does with a truncated datagram: a response
        // that does not fit is refused, never cut to fit.
        if self.out.len() > rsp.len() {
            return Err(Error::Protocol("response is longer than the command allows"));
        }
        rsp[..self.out.len()].copy_from_slice(&self.out);
        Ok(self.out.len())
    }

    fn next_tag(&mut self) -> u8 {
        self.tag = self.tag.wrapping_add(1);
        self.tag
    }

    fn describe(&self) -> String {
        self.name.clone()
    }
}
