//! Endpoints: one open CXL component, and the one path every command takes
//! to the wire and back (framing, tunnelling, response checks).

use std::any::{Any, TypeId};
use std::sync::Arc;

use crate::cci::{self, HEADER_LEN, Header, MAX_PAYLOAD_LEN, Opcode, Response, ResponseSize};
use crate::commands::Command;
use crate::error::{Error, Result};
use crate::log::{LOG_DEBUG, LOG_ERR, Logger};
use crate::log_at;
use crate::transport::{Transport, ioctl};
use crate::tunnel::Tunnel;
use crate::types::cxlmi_cmd_retcode;

/// One open CXL component (device, switch or mock).
pub struct Endpoint {
    transport: Box<dyn Transport>,
    /// The concrete type behind `transport`, taken once: reaching the
    /// transport again ([`Endpoint::transport_mut`]) then costs no call.
    transport_type: TypeId,
    log: Arc<Logger>,
    pub(crate) has_fmapi: bool,
    timeout_ms: u32,
    /// Failed commands are the caller's to report ([`Endpoint::set_quiet`]).
    quiet: bool,
    /// What the kernel offered when a mailbox endpoint opened.
    pub(crate) mailbox_mode: Option<ioctl::MailboxMode>,
    /// Reused message buffers: no allocation per command once warm.
    req_buf: Vec<u8>,
    rsp_buf: Vec<u8>,
    tunnel_scratch: crate::tunnel::Scratch,
}

impl Endpoint {
    pub(crate) fn new(transport: Box<dyn Transport>, log: Arc<Logger>) -> Endpoint {
        let timeout_ms = transport.default_timeout_ms();
        let any: &dyn Any = &*transport;
        Endpoint {
            transport_type: any.type_id(),
            transport,
            log,
            has_fmapi: false,
            timeout_ms,
            quiet: false,
            mailbox_mode: None,
            req_buf: Vec::new(),
            rsp_buf: Vec::new(),
            tunnel_scratch: Default::default(),
        }
    }

    #[inline]
    pub fn log(&self) -> &Logger {
        &self.log
    }

    pub fn describe(&self) -> String {
        self.transport.describe()
    }

    /// Leaves failed commands unlogged (a CXL return code other than success,
    /// a timeout, a transport error): for a caller that reports them itself,
    /// as the fleet poller does in its readings. Debug tracing (`-v`) still
    /// shows every command.
    pub fn set_quiet(&mut self, quiet: bool) {
        self.quiet = quiet;
    }

    #[inline]
    pub fn timeout_ms(&self) -> u32 {
        self.timeout_ms
    }

    /// The longest response timeout the transport allows, if it limits it.
    pub fn max_timeout_ms(&self) -> Option<u32> {
        self.transport.max_timeout_ms()
    }

    /// Sets the response timeout; MCTP allows at most 2 s (CXL r3.1 section
    /// 9.20.2). 0 is no limit, as in upstream libcxlmi.
    pub fn set_timeout_ms(&mut self, ms: u32) -> Result<()> {
        if let Some(max) = self.transport.max_timeout_ms() {
            if ms > max {
                return Err(Error::InvalidArgument("timeout above the transport's maximum"));
            }
        }
        self.timeout_ms = ms;
        Ok(())
    }

    /// For an endpoint opened on a kernel mailbox, what the kernel offered
    /// when it opened: which commands go by the kernel's own ids, whether
    /// RAW commands are taken, the payload size. `None` for other transports.
    pub fn mailbox_mode(&self) -> Option<&ioctl::MailboxMode> {
        self.mailbox_mode.as_ref()
    }

    #[inline]
    pub fn has_fmapi(&self) -> bool {
        self.has_fmapi
    }

    /// Enables the FM-API command set (a no-op when already enabled).
    pub fn enable_fmapi(&mut self) -> Result<()> {
        if !self.has_fmapi {
            self.transport.enable_fmapi()?;
            self.has_fmapi = true;
        }
        Ok(())
    }

    /// Disables the FM-API command set (a no-op when already disabled).
    pub fn disable_fmapi(&mut self) {
        if self.has_fmapi {
            self.transport.disable_fmapi();
            self.has_fmapi = false;
        }
    }

    /// The transport behind this endpoint, when it is a `T` (the mock, say,
    /// to queue its answers).
    pub fn transport_mut<T: Transport>(&mut self) -> Option<&mut T> {
        if self.transport_type != TypeId::of::<T>() {
            return None;
        }
        let transport: *mut dyn Transport = self.transport.as_mut();
        // SAFETY: the box holds a `T`: that is the type taken from it when
        // the endpoint was made, and the box is never replaced. (What
        // `<dyn Any>::downcast_mut` does, without asking the vtable each time.)
        Some(unsafe { &mut *transport.cast::<T>() })
    }

    /// Probes the component as upstream does on open: identify it and, for a
    /// switch or a type 3 device, enable FM-API where the transport allows.
    pub fn probe(&mut self) {
        let Ok(id) = self.execute::<crate::commands::generic::Identify>(Tunnel::None, &()) else { return };
        match id.component_type {
            0x00 => log_at!(self.log, crate::log::LOG_INFO, "detected a CXL Switch device"),
            0x03 => log_at!(self.log, crate::log::LOG_INFO, "detected a CXL Type3 device (SLD or MLD FM-owned LD)"),
            _ => {
                log_at!(self.log, crate::log::LOG_WARNING, "probe found an unsupported CXL component");
                return;
            }
        }
        if self.enable_fmapi().is_err() {
            log_at!(self.log, LOG_DEBUG, "FM-API unsupported, CCI-only mode");
        }
    }

    /// Sends one typed command and decodes its response.
    pub fn execute<C: Command>(&mut self, tunnel: Tunnel, input: &C::Input<'_>) -> Result<C::Output<'_>> {
        let req_len = C::request_len(input)?;
        let size = C::response_size(input);
        let rsp = self.transact(tunnel, C::OPCODE, req_len, |p| C::encode(input, p), size)?;
        C::decode(input, rsp)
    }

    /// Sends a vendor-specific command (opcodes C000h to FFFFh, CXL r3.1
    /// section 8.2.9) with `input` as its payload, expecting exactly
    /// `out_len` payload bytes back.
    pub fn vendor_specific(&mut self, tunnel: Tunnel, opcode: u16, input: &[u8], out_len: usize) -> Result<&[u8]> {
        if opcode < 0xc000 {
            return Err(Error::InvalidArgument("vendor-specific opcodes are C000h to FFFFh"));
        }
        let rsp = self.transact(
            tunnel,
            Opcode(opcode),
            input.len(),
            |p| p.copy_from_slice(input),
            ResponseSize::fixed(out_len),
        )?;
        Ok(rsp.bytes)
    }

    /// Sends one command: frames the request from `fill` (which writes the
    /// `req_len` payload bytes), sends it directly or through `tunnel`,
    /// checks the response and returns its payload.
    pub fn transact(
        &mut self,
        tunnel: Tunnel,
        opcode: Opcode,
        req_len: usize,
        fill: impl FnOnce(&mut [u8]),
        size: ResponseSize,
    ) -> Result<Response<'_>> {
        if opcode.is_fmapi() && !self.has_fmapi {
            return Err(Error::FmapiDisabled);
        }
        if req_len > MAX_PAYLOAD_LEN {
            return Err(Error::InvalidArgument("request payload exceeds the CCI message limit"));
        }
        if size.max > MAX_PAYLOAD_LEN || size.min > size.max {
            return Err(Error::InvalidArgument("response size exceeds the CCI message limit"));
        }

        let header = Header::request(self.transport.next_tag(), opcode, req_len);
        self.req_buf.clear();
        self.req_buf.resize(HEADER_LEN + req_len, 0);
        header.encode(&mut self.req_buf);
        fill(&mut self.req_buf[HEADER_LEN..]);

        self.rsp_buf.clear();
        self.rsp_buf.resize(HEADER_LEN + size.max, 0);

        let result = if tunnel == Tunnel::None || !self.transport.tunnels() {
            self.exchange_direct(&header, size)
        } else {
            crate::tunnel::exchange(
                self.transport.as_mut(),
                &self.req_buf,
                &mut self.rsp_buf,
                tunnel,
                size,
                self.timeout_ms,
                &mut self.tunnel_scratch,
            )
        };
        if self.log.enabled(LOG_DEBUG) {
            self.trace(tunnel, opcode, req_len, &result);
        }
        let len = match result {
            Ok(len) => len,
            Err(e) => {
                match &e {
                    Error::Device(rc) if *rc == cxlmi_cmd_retcode::CXLMI_RET_BACKGROUND as u16 => {}
                    _ if self.quiet => {}
                    Error::Device(rc) => log_at!(self.log, LOG_ERR, "{opcode}: error code in response: {rc}"),
                    _ => log_at!(self.log, LOG_ERR, "{opcode}: {e}"),
                }
                return Err(e);
            }
        };
        // Past what was received the buffer holds zeros from the resize above.
        let end = HEADER_LEN + size.max;
        Ok(Response { bytes: &self.rsp_buf[HEADER_LEN..end], len })
    }

    /// Logs one command at debug level: the opcode and the library's name for it, the path,
    /// the sizes and the outcome; with payload logging on, both payloads as hex.
    #[cold]
    #[inline(never)]
    fn trace(&self, tunnel: Tunnel, opcode: Opcode, req_len: usize, result: &Result<usize>) {
        let name = crate::commands::catalog::lookup(opcode).next().map_or("", |e| e.name);
        let via = match tunnel {
            Tunnel::None => String::new(),
            t => format!(" via {t:?}"),
        };
        let outcome = match result {
            Ok(len) => format!("{len} bytes answered, success"),
            Err(Error::Device(rc)) => {
                format!("return code {rc} ({})", crate::error::retcode_text(u32::from(*rc)).unwrap_or("unknown"))
            }
            Err(e) => format!("failed: {e}"),
        };
        log_at!(self.log, LOG_DEBUG, "{opcode} {name}{via}: {req_len} bytes sent, {outcome}");
        if self.log.payloads() {
            let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<Vec<_>>().join(" ");
            log_at!(
                self.log,
                LOG_DEBUG,
                "{opcode} request payload: {}",
                hex(&self.req_buf[HEADER_LEN..HEADER_LEN + req_len])
            );
            if let Ok(len) = result {
                let end = (HEADER_LEN + len).min(self.rsp_buf.len());
                log_at!(self.log, LOG_DEBUG, "{opcode} response payload: {}", hex(&self.rsp_buf[HEADER_LEN..end]));
            }
        }
    }

    #[inline]
    fn exchange_direct(&mut self, header: &Header, size: ResponseSize) -> Result<usize> {
        let fmapi = header.opcode.is_fmapi();
        let n = self.transport.exchange_direct(&self.req_buf, &mut self.rsp_buf, size.min, fmapi, self.timeout_ms)?;
        let n = n.min(self.rsp_buf.len());
        // The unreceived tail is still zero from transact(), as decoders that
        // read the whole room expect.
        cci::check_response(header, &self.rsp_buf[..n], size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::mock::Mock;

    struct Other;

    impl Transport for Other {
        fn exchange(&mut self, _: &[u8], _: &mut [u8], _: bool, _: u32) -> Result<usize> {
            Err(Error::Timeout)
        }
        fn describe(&self) -> String {
            "other".into()
        }
    }

    #[test]
    fn the_transport_is_reached_only_as_its_own_type() {
        let log = Arc::new(Logger::stderr(-1));
        let mut mock = Endpoint::new(Box::new(Mock::new()), log.clone());
        assert!(mock.transport_mut::<Mock>().is_some());
        assert!(mock.transport_mut::<Other>().is_none());
        let mut other = Endpoint::new(Box::new(Other), log);
        assert!(other.transport_mut::<Mock>().is_none());
        assert!(other.transport_mut::<Other>().is_some());
    }
}
