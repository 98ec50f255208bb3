//! Contexts and endpoints: what a caller opens, configures and sends
//! commands through.

use std::sync::Arc;

use crate::cci::{self, HEADER_LEN, Header, MAX_PAYLOAD_LEN, Opcode, ResponseSize};
use crate::commands::Command;
use crate::error::{Error, Result};
use crate::log::{LOG_DEBUG, LOG_ERR, Logger};
use crate::log_at;
use crate::discovery;
use crate::transport::mock::Mock;
use crate::transport::{Transport, ioctl, mctp};
use crate::types::{cxlmi_cmd_retcode, cxlmi_tunnel_info};

/// Library-wide settings shared by the endpoints opened under it.
pub struct Context {
    log: Arc<Logger>,
    probe_enabled: bool,
}

/// `LIBCXLMI_PROBE_ENABLED` turns the default probing off with `0`,
/// `false` or `disable...`, as upstream reads it.
fn probe_enabled_default() -> bool {
    match std::env::var("LIBCXLMI_PROBE_ENABLED") {
        Ok(v) => {
            let v = v.to_ascii_lowercase();
            !(v == "0" || v == "false" || v.starts_with("disable"))
        }
        Err(_) => true,
    }
}

impl Context {
    pub fn new(log: Logger) -> Context {
        Context { log: Arc::new(log), probe_enabled: probe_enabled_default() }
    }

    pub fn log(&self) -> &Logger {
        &self.log
    }

    /// Whether endpoints opened from now on are probed (identified) on open.
    pub fn set_probe_enabled(&mut self, enabled: bool) {
        self.probe_enabled = enabled;
    }

    pub fn probe_enabled(&self) -> bool {
        self.probe_enabled
    }

    /// Opens an endpoint over `transport`, without probing it.
    pub fn open_with(&self, transport: Box<dyn Transport>) -> Endpoint {
        Endpoint::new(transport, self.log.clone())
    }

    /// Opens a mock endpoint. It has FM-API and is never probed, as upstream's.
    pub fn open_mock(&self) -> Endpoint {
        let mut ep = self.open_with(Box::new(Mock::new()));
        ep.has_fmapi = true;
        ep
    }

    /// Opens the mailbox of `/dev/cxl/<devname>`. `devname` must be one file
    /// name; a name not in `/dev/cxl` fails with the `open` error (ENOENT).
    pub fn open_ioctl(&self, devname: impl AsRef<std::ffi::OsStr>) -> Result<Endpoint> {
        let path = discovery::device_path(std::path::Path::new(discovery::DEV_CXL), devname.as_ref())?;
        self.open_ioctl_at(&path)
    }

    /// Opens the mailbox device node at `path` (read-write) and probes it.
    pub fn open_ioctl_at(&self, path: &std::path::Path) -> Result<Endpoint> {
        let device = ioctl::Device::open(path).map_err(|e| {
            log_at!(self.log, LOG_ERR, "could not open {}: {e}", path.display());
            e
        })?;
        Ok(self.open_mailbox(Box::new(device), path.to_string_lossy().into_owned()))
    }

    /// Opens an endpoint on `mailbox`, named `name`: asks the kernel what it
    /// offers for the device and logs that mode once (see
    /// [`Endpoint::mailbox_mode`]). Probing a mailbox, as upstream does,
    /// sends nothing: it only enables FM-API, which the kernel mailbox
    /// passes through.
    pub fn open_mailbox(&self, mailbox: Box<dyn ioctl::Mailbox>, name: String) -> Endpoint {
        let transport = ioctl::Ioctl::open(mailbox, name, self.log.clone());
        let mode = transport.mode().clone();
        let mut ep = self.open_with(Box::new(transport));
        ep.mailbox_mode = Some(mode);
        if self.probe_enabled {
            ep.has_fmapi = true;
        }
        ep
    }

    /// Opens MCTP endpoint `eid` on network `net` through the kernel's
    /// AF_MCTP sockets, with the 2 s MCTP timeout, and probes it.
    pub fn open_mctp(&self, net: u32, eid: u8) -> Result<Endpoint> {
        self.open_mctp_via(Box::new(mctp::KernelSockets), net, eid)
    }

    /// As [`Context::open_mctp`], with sockets from `sockets`. Probing
    /// identifies the component and, for a switch or a type 3 device,
    /// opens its FM-API channel (CCI only if that fails).
    pub fn open_mctp_via(&self, sockets: Box<dyn mctp::Sockets>, net: u32, eid: u8) -> Result<Endpoint> {
        let transport = mctp::Mctp::open(sockets, net, eid, self.log.clone()).map_err(|e| {
            log_at!(self.log, LOG_ERR, "cannot open socket for mctp endpoint {net}:{eid}: {e}");
            e
        })?;
        let mut ep = self.open_with(Box::new(transport));
        if self.probe_enabled {
            ep.probe();
        }
        Ok(ep)
    }

    /// Opens a component of the emulated fabric by model name (`type3`,
    /// `switch`, `mld`, `mhd`; see [`crate::emulator::Model`]) and probes it
    /// as an MCTP endpoint is probed. Each call builds a fresh component.
    pub fn open_emulator(&self, model: &str) -> Result<Endpoint> {
        let Some(m) = crate::emulator::Model::from_name(model) else {
            let known: Vec<_> = crate::emulator::Model::ALL.iter().map(|m| m.name()).collect();
            log_at!(self.log, LOG_ERR, "no emulator model '{model}' (there are: {})", known.join(", "));
            return Err(Error::InvalidArgument("unknown emulator model"));
        };
        Ok(self.open_emulated(crate::emulator::Model::build(m), format!("emulator {model}")))
    }

    /// Opens an endpoint on an emulated component built by the caller (a
    /// model with its settings changed, or one of the caller's own), and
    /// probes it as [`Context::open_emulator`] does.
    pub fn open_emulated(&self, component: Box<dyn crate::emulator::Component>, name: String) -> Endpoint {
        let mut ep = self.open_with(Box::new(crate::transport::emulator::Emulator::new(component, name)));
        if self.probe_enabled {
            ep.probe();
        }
        ep
    }

    /// Opens every character device in `dir` (as [`Context::open_ioctl_at`])
    /// for which `already_open` (given the path as endpoints describe it)
    /// says no. A device that fails to open is skipped; a missing directory
    /// has none. Fails only when the directory cannot be read.
    pub fn scan_dir(&self, dir: &std::path::Path, mut already_open: impl FnMut(&str) -> bool) -> Result<Vec<Endpoint>> {
        let mut opened = Vec::new();
        for name in discovery::char_devices(dir, &self.log)? {
            let path = dir.join(&name);
            let shown = path.to_string_lossy();
            if already_open(&shown) {
                log_at!(self.log, LOG_ERR, "endpoint '{}' already open", name.to_string_lossy());
                continue;
            }
            match self.open_ioctl_at(&path) {
                Ok(ep) => {
                    log_at!(self.log, LOG_DEBUG, "opened CXL device: {}", name.to_string_lossy());
                    opened.push(ep);
                }
                Err(_) => log_at!(self.log, LOG_DEBUG, "failed to open {}", name.to_string_lossy()),
            }
        }
        Ok(opened)
    }

    /// [`Context::scan_dir`] of `/dev/cxl`.
    pub fn scan(&self, already_open: impl FnMut(&str) -> bool) -> Result<Vec<Endpoint>> {
        self.scan_dir(std::path::Path::new(discovery::DEV_CXL), already_open)
    }

    /// Opens every CXL endpoint (MCTP message type 08h) that mctpd lists on the D-Bus system
    /// bus, as [`Context::open_mctp`] does, unless `already_open` (given the name endpoints
    /// describe themselves by, `mctp NET:EID`) says it is open. One that lists FM-API (type
    /// 07h) too gets its FM-API channel. An endpoint that fails to open is logged and skipped.
    /// Fails only when mctpd cannot be asked (see [`discovery::mctpd::Mctpd::cxl_endpoints`]),
    /// and, in a build without the `dbus` feature, always, with [`Error::Unsupported`].
    pub fn scan_mctp(&self, already_open: impl FnMut(&str) -> bool) -> Result<Vec<Endpoint>> {
        #[cfg(feature = "dbus")]
        return self.scan_mctp_with(
            &discovery::mctpd::Mctpd::default(),
            || Box::new(mctp::KernelSockets),
            already_open,
        );
        #[cfg(not(feature = "dbus"))]
        {
            let _ = already_open;
            log_at!(self.log, LOG_ERR, "MCTP endpoint discovery (mctpd over D-Bus) is not supported by this build");
            Err(Error::Unsupported("MCTP endpoint discovery over D-Bus"))
        }
    }

    /// [`Context::scan_mctp`] asking `mctpd`, with each endpoint's sockets from `sockets`.
    #[cfg(feature = "dbus")]
    pub fn scan_mctp_with(
        &self,
        mctpd: &discovery::mctpd::Mctpd,
        mut sockets: impl FnMut() -> Box<dyn mctp::Sockets>,
        mut already_open: impl FnMut(&str) -> bool,
    ) -> Result<Vec<Endpoint>> {
        let found = mctpd.cxl_endpoints(&self.log)?;
        let mut opened = Vec::new();
        for f in &found {
            let name = mctp::Mctp::name(f.net, f.eid);
            if already_open(&name) {
                log_at!(self.log, LOG_DEBUG, "{name} is already open");
                continue;
            }
            // open_mctp_via has logged why.
            let Ok(mut ep) = self.open_mctp_via(sockets(), f.net, f.eid) else { continue };
            if f.fmapi && !ep.has_fmapi() {
                if let Err(e) = ep.enable_fmapi() {
                    let level = crate::log::LOG_WARNING;
                    log_at!(self.log, level, "{name} lists FM-API, but its FM-API socket failed: {e}");
                }
            }
            log_at!(self.log, LOG_DEBUG, "opened {name}{}", if ep.has_fmapi() { " with FM-API" } else { "" });
            opened.push(ep);
        }
        let (n, of) = (opened.len(), found.len());
        log_at!(self.log, crate::log::LOG_INFO, "opened {n} of {of} CXL endpoint(s) mctpd lists");
        Ok(opened)
    }
}

/// Where a command goes beyond the endpoint, parsed from the C
/// `struct cxlmi_tunnel_info` (CXL r3.1 section 7.6.7.3.1).
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

impl Tunnel {
    /// Reads C tunnel information; `None` (a NULL pointer) is no tunnel.
    pub fn from_info(ti: Option<&cxlmi_tunnel_info>) -> Result<Tunnel> {
        let Some(ti) = ti else { return Ok(Tunnel::None) };
        let id = |v: i32| u8::try_from(v).map_err(|_| Error::InvalidArgument("tunnel port or LD out of range"));
        match ti.level {
            0 => Ok(Tunnel::None),
            1 if ti.mhd => Ok(Tunnel::LdPool),
            1 => Ok(Tunnel::Port(id(if ti.ld == -1 { ti.port } else { ti.ld })?)),
            2 => Ok(Tunnel::PortThenLd { port: id(ti.port)?, ld: id(ti.ld)? }),
            _ => Err(Error::InvalidArgument("tunnel level must be 0, 1 or 2")),
        }
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
    pub fn sent(&self) -> &'a [u8] {
        &self.bytes[..self.len.min(self.bytes.len())]
    }
}

/// One open CXL component (device, switch or mock).
pub struct Endpoint {
    transport: Box<dyn Transport>,
    log: Arc<Logger>,
    has_fmapi: bool,
    timeout_ms: u32,
    /// What the kernel offered when a mailbox endpoint opened.
    mailbox_mode: Option<ioctl::MailboxMode>,
    /// Reused message buffers: no allocation per command once warm.
    req_buf: Vec<u8>,
    rsp_buf: Vec<u8>,
    tunnel_scratch: crate::tunnel::Scratch,
}

impl Endpoint {
    fn new(transport: Box<dyn Transport>, log: Arc<Logger>) -> Endpoint {
        let timeout_ms = transport.default_timeout_ms();
        Endpoint { transport, log, has_fmapi: false, timeout_ms, mailbox_mode: None, req_buf: Vec::new(), rsp_buf: Vec::new(), tunnel_scratch: Default::default() }
    }

    pub fn log(&self) -> &Logger {
        &self.log
    }

    pub fn describe(&self) -> String {
        self.transport.describe()
    }

    pub fn timeout_ms(&self) -> u32 {
        self.timeout_ms
    }

    /// Sets the response timeout; MCTP allows at most 2 s (CXL r3.1 section 9.20.2).
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

    /// The mock behind this endpoint, when it is a mock endpoint.
    pub fn mock(&mut self) -> Option<&mut Mock> {
        self.transport.as_mock()
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
        let len = match result {
            Ok(len) => len,
            Err(e) => {
                match &e {
                    Error::Device(rc) if *rc == cxlmi_cmd_retcode::CXLMI_RET_BACKGROUND as u16 => {}
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

    fn exchange_direct(&mut self, header: &Header, size: ResponseSize) -> Result<usize> {
        let fmapi = header.opcode.is_fmapi();
        let n = self.transport.exchange_direct(&self.req_buf, &mut self.rsp_buf, size.min, fmapi, self.timeout_ms)?;
        let n = n.min(self.rsp_buf.len());
        // The unreceived tail is still zero from transact(), as decoders that
        // read the whole room expect.
        cci::check_response(header, &self.rsp_buf[..n], size)
    }
}
