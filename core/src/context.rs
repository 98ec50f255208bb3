//! Contexts: library-wide settings (the log, probing on open) and the ways of
//! opening an endpoint on each transport.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::discovery;
use crate::endpoint::Endpoint;
use crate::error::Result;
use crate::log::{LOG_DEBUG, LOG_ERR, Logger};
use crate::log_at;
use crate::target::Target;
use crate::transport::mock::Mock;
use crate::transport::{Transport, ioctl, mctp};

/// Opens a component of the emulated fabric by model name (`emu:MODEL`
/// targets). The emulator is a crate above this one, so whoever has it
/// (the C library, the tool) installs it with [`Context::set_emulator`].
pub type OpenEmulated = fn(&Context, &str) -> Result<Endpoint>;

/// Library-wide settings shared by the endpoints opened under it.
pub struct Context {
    log: Arc<Logger>,
    /// Atomic, so a context shared by threads (as the C library shares it)
    /// can be set through `&self`.
    probe_enabled: AtomicBool,
    emulator: Option<OpenEmulated>,
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
        Context { log: Arc::new(log), probe_enabled: AtomicBool::new(probe_enabled_default()), emulator: None }
    }

    pub fn log(&self) -> &Logger {
        &self.log
    }

    /// Whether endpoints opened from now on are probed (identified) on open.
    pub fn set_probe_enabled(&self, enabled: bool) {
        self.probe_enabled.store(enabled, Ordering::Relaxed);
    }

    pub fn probe_enabled(&self) -> bool {
        self.probe_enabled.load(Ordering::Relaxed)
    }

    /// Makes [`Context::open_target`] open `emu:MODEL` targets with `open`.
    pub fn set_emulator(&mut self, open: OpenEmulated) {
        self.emulator = Some(open);
    }

    /// Opens `target` with the opener its kind needs. An emulated target
    /// without an emulator installed ([`Context::set_emulator`]) fails with
    /// [`Error::Unsupported`](crate::Error::Unsupported).
    pub fn open_target(&self, target: &Target) -> Result<Endpoint> {
        match target {
            Target::Mailbox(name) => self.open_ioctl(name),
            Target::MailboxPath(path) => self.open_ioctl_at(path),
            Target::Mctp { net, eid } => self.open_mctp(*net, *eid),
            Target::Emulated(model) => match self.emulator {
                Some(open) => open(self, model),
                None => {
                    log_at!(
                        self.log,
                        LOG_ERR,
                        "cannot open {target}: no emulated fabric here (built without the emulator)"
                    );
                    Err(crate::Error::Unsupported("the emulated fabric"))
                }
            },
        }
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
        if self.probe_enabled() {
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
        if self.probe_enabled() {
            ep.probe();
        }
        Ok(ep)
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
    /// 07h) too gets its FM-API channel, whose socket opens at its first FM-API command (see
    /// `mctp::ScanSockets`). An endpoint that fails to open is logged and skipped. Fails
    /// only when mctpd cannot be asked (see [`discovery::mctpd::Mctpd::cxl_endpoints`]), and, in
    /// a build without the `dbus` feature, always, with [`Error::Unsupported`].
    pub fn scan_mctp(&self, already_open: impl FnMut(&str) -> bool) -> Result<Vec<Endpoint>> {
        #[cfg(feature = "dbus")]
        return self.scan_mctp_with(&discovery::mctpd::Mctpd::default(), || Box::new(mctp::ScanSockets), already_open);
        #[cfg(not(feature = "dbus"))]
        {
            let _ = already_open;
            log_at!(self.log, LOG_ERR, "MCTP endpoint discovery (mctpd over D-Bus) is not supported by this build");
            Err(crate::Error::Unsupported("MCTP endpoint discovery over D-Bus"))
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
