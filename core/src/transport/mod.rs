//! Transports move one framed CCI request to a component and bring its
//! response back. They know nothing of commands; framing checks and
//! tunnelling happen above them, in [`crate::endpoint`]. Besides these, any
//! crate may bring its own (the emulated fabric does).

pub mod ioctl;
pub mod mctp;
pub mod mock;

use crate::error::Result;

/// One way of reaching a CXL component.
/// `Any`, so the owner of an endpoint may reach its own transport again
/// ([`crate::Endpoint::transport_mut`]).
pub trait Transport: std::any::Any + Send {
    /// Sends `req` (header and payload) and receives the response message into
    /// `rsp`, whose length is the most the caller accepts; returns how many
    /// bytes of `rsp` the response filled. `rsp` arrives zeroed, and a
    /// transport writes nothing past the bytes it reports. `fmapi` selects the FM-API channel
    /// where the transport has a separate one (MCTP message type 7).
    fn exchange(&mut self, req: &[u8], rsp: &mut [u8], fmapi: bool, timeout_ms: u32) -> Result<usize>;

    /// As [`Transport::exchange`], for an untunnelled command whose response
    /// payload should hold at least `min_payload` bytes. A transport that
    /// accepts shorter replies for a direct command (the Linux mailbox, for
    /// CXL 2.0 devices, as upstream does) pads them here; others need not
    /// override it, and the minimum is enforced above them.
    #[inline]
    fn exchange_direct(
        &mut self,
        req: &[u8],
        rsp: &mut [u8],
        min_payload: usize,
        fmapi: bool,
        timeout_ms: u32,
    ) -> Result<usize> {
        let _ = min_payload;
        self.exchange(req, rsp, fmapi, timeout_ms)
    }

    /// The tag for the next request.
    #[inline]
    fn next_tag(&mut self) -> u8 {
        0
    }

    /// The tag for a Tunnel Management Command wrapping another request.
    #[inline]
    fn wrapper_tag(&mut self) -> u8 {
        self.next_tag()
    }

    /// Whether tunnel information is acted on. Upstream's mock endpoint
    /// ignores it, and tests written for that mock rely on it.
    #[inline]
    fn tunnels(&self) -> bool {
        true
    }

    /// The longest timeout the transport allows, if it limits it.
    #[inline]
    fn max_timeout_ms(&self) -> Option<u32> {
        None
    }

    /// The default response timeout.
    #[inline]
    fn default_timeout_ms(&self) -> u32 {
        5000
    }

    /// Opens the FM-API channel, where the transport has a separate one.
    fn enable_fmapi(&mut self) -> Result<()> {
        Ok(())
    }

    /// Closes the FM-API channel, where the transport has a separate one.
    fn disable_fmapi(&mut self) {}

    /// Names the component for messages and for refusing to open it twice.
    fn describe(&self) -> String;
}
