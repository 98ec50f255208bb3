//! The emulator transport: hands each framed request to an emulated
//! component ([`crate::device::Component`]) and returns its response message, the way
//! MCTP and the mailbox carry them, so everything above the transport
//! (framing, tags, tunnelling, response checks) runs as on hardware.
//! With a state file ([`crate::state`]) it also records each request the
//! component accepts, and each reset.

use crate::clock;
use crate::device::{Component, ResetKind, respond};
use crate::state::Journal;
use cxlmi::error::{Error, Result};
use cxlmi::transport::Transport;

pub struct Emulator {
    component: Box<dyn Component>,
    name: String,
    tag: u8,
    /// The last response message, reused.
    out: Vec<u8>,
    /// Where accepted requests and resets are recorded, if anywhere.
    journal: Option<Journal>,
}

impl Emulator {
    pub fn new(component: Box<dyn Component>, name: impl Into<String>) -> Emulator {
        Emulator { component, name: name.into(), tag: 0, out: Vec::new(), journal: None }
    }

    /// An emulator that records into `journal` what `component` accepts
    /// from now on.
    pub(crate) fn recording(component: Box<dyn Component>, name: impl Into<String>, journal: Journal) -> Emulator {
        Emulator { journal: Some(journal), ..Emulator::new(component, name) }
    }

    /// The component, for its owner to change as the device itself would
    /// (post an event, age its media). What is changed so is not recorded
    /// in a state file: only what requests do is.
    pub fn component_mut(&mut self) -> &mut dyn Component {
        self.component.as_mut()
    }

    /// Resets the component and everything behind it, and records the
    /// reset in the state file, if there is one.
    pub fn reset(&mut self, kind: ResetKind) -> Result<()> {
        let at = clock::wall();
        clock::at(at, || self.component.reset(kind));
        match &mut self.journal {
            Some(j) => j.record_reset(at, kind),
            None => Ok(()),
        }
    }
}

impl Transport for Emulator {
    fn exchange(&mut self, req: &[u8], rsp: &mut [u8], fmapi: bool, _timeout_ms: u32) -> Result<usize> {
        self.out.clear();
        // The clock stands still while the component answers, at the moment
        // the state file records: a replay then reads the clock exactly as
        // this answer did.
        let at = clock::wall();
        let (component, out) = (&mut self.component, &mut self.out);
        if !clock::at(at, || respond(component.as_mut(), req, fmapi, out)) {
            // A component drops what it cannot parse; the caller would wait in vain.
            return Err(Error::Timeout);
        }
        // What the component accepted has changed it, whether or not the
        // response fits the caller's buffer: the state file follows the
        // component. A request that cannot be recorded fails, so that the
        // caller knows the next run will not see it.
        if let Some(j) = &mut self.journal {
            j.record(at, req, &self.out, fmapi)?;
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
