//! The Linux mailbox transport: CCI commands through the ioctls of a
//! `/dev/cxl/<name>` memory device node, as the kernels people run take them.
//!
//! The kernel sends a command for user space in one of two ways: by one of
//! its own command ids, checking the sizes (the input exactly the size it
//! expects, the output room at least), or as a RAW command (any opcode),
//! which only kernels built with `CONFIG_CXL_MEM_RAW_COMMANDS` take, and
//! not for every opcode. Distribution kernels are built without it. So on
//! open this transport asks the kernel for its command table
//! (`CXL_MEM_QUERY_COMMANDS`) and the mailbox's payload size, and then sends
//! each opcode by the kernel's id when it has one, RAW only when it has none
//! and RAW is there, and otherwise refuses it with `EOPNOTSUPP` and a log
//! line saying why. What it found is the endpoint's [`MailboxMode`], logged
//! once at open.
//!
//! The kernel mailbox speaks opcode and payload, not CCI messages. So that
//! framing checks and tunnelling stay in one place for every transport, this
//! one takes the opcode and payload from the request message, and puts a
//! response header of its own (the request's tag and opcode, the mailbox's
//! return code, the payload length it reported) in front of the payload
//! that came back. The ioctls sit behind [`Mailbox`], so tests drive this
//! transport with a scripted kernel.

pub mod kernel;

use std::fmt;
use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Transport;
use crate::cci::{CATEGORY_RESPONSE, HEADER_LEN, Header, Opcode};
use crate::error::{Error, Result};
use crate::log::{LOG_DEBUG, LOG_ERR, LOG_NOTICE, LOG_WARNING, Logger};
use crate::log_at;
use kernel::{FLAG_ENABLED, FLAG_EXCLUSIVE, ID_RAW, MAX_PAYLOAD, MIN_PAYLOAD, VARIABLE};
pub use kernel::{Named, cxl_command_info, cxl_command_payload, cxl_send_command};

/// Where the kernel describes a memory device: `payload_max` is there.
pub const SYSFS_CXL_DEVICES: &str = "/sys/bus/cxl/devices";

/// A device that takes the CXL memory device ioctls.
pub trait Mailbox: Send {
    /// `CXL_MEM_QUERY_COMMANDS`: the kernel's whole command table, in its order.
    fn query_commands(&mut self) -> io::Result<Vec<cxl_command_info>>;

    /// The mailbox payload size the kernel uses for this device (sysfs
    /// `payload_max`), when it can be read.
    fn payload_max(&mut self) -> Option<usize>;

    /// `CXL_MEM_SEND_COMMAND`: issues one command. On success the kernel has
    /// set `cmd.retval` and `cmd.out.size`, and written that many bytes at
    /// `cmd.out.payload`.
    ///
    /// # Safety
    /// `cmd.in.payload` is readable for `cmd.in.size` bytes and
    /// `cmd.out.payload` writable for `cmd.out.size` bytes, during the call.
    unsafe fn send_command(&mut self, cmd: &mut cxl_send_command) -> io::Result<()>;
}

/// A CXL memory device node, opened read-write, and its sysfs directory.
pub struct Device {
    file: File,
    sysfs: PathBuf,
}

impl Device {
    /// The device's sysfs directory, where the kernel reports its mailbox size.
    pub fn sysfs(&self) -> &Path {
        &self.sysfs
    }

    /// Opens the node at `path`. Its sysfs directory is the kernel's device
    /// of the same name (`/dev/cxl/mem0` is `/sys/bus/cxl/devices/mem0`).
    pub fn open(path: &Path) -> io::Result<Device> {
        let file = File::options().read(true).write(true).open(path)?;
        let sysfs = Path::new(SYSFS_CXL_DEVICES).join(path.file_name().unwrap_or_default());
        Ok(Device { file, sysfs })
    }
}

impl Mailbox for Device {
    fn query_commands(&mut self) -> io::Result<Vec<cxl_command_info>> {
        let fd = self.file.as_raw_fd();
        // First the count, then that many entries after the header.
        let mut count = kernel::cxl_mem_query_commands::default();
        // SAFETY: a live header; with n_commands 0 the kernel writes only the count.
        unsafe { kernel::query_commands(fd, &mut count) }.map_err(io::Error::from)?;
        let n = count.n_commands as usize;
        const WORDS: usize = size_of::<cxl_command_info>() / 4;
        let mut buf = vec![0u32; 2 + WORDS * n];
        buf[0] = count.n_commands;
        // SAFETY: `buf` holds the header and room for n entries, u32-aligned as both are.
        unsafe { kernel::query_commands(fd, buf.as_mut_ptr().cast()) }.map_err(io::Error::from)?;
        Ok(buf[2..]
            .chunks_exact(WORDS)
            .map(|w| cxl_command_info { id: w[0], flags: w[1], size_in: w[2], size_out: w[3] })
            .collect())
    }

    fn payload_max(&mut self) -> Option<usize> {
        std::fs::read_to_string(self.sysfs.join("payload_max")).ok()?.trim().parse().ok()
    }

    unsafe fn send_command(&mut self, cmd: &mut cxl_send_command) -> io::Result<()> {
        // SAFETY: `cmd` is the kernel's layout; its payload addresses are
        // valid per this function's contract.
        unsafe { kernel::send_command(self.file.as_raw_fd(), cmd) }.map(drop).map_err(io::Error::from)
    }
}

/// Where [`MailboxMode::payload_max`] came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PayloadSource {
    /// sysfs `payload_max`.
    Sysfs,
    /// Asked of the kernel: it refuses input longer than the payload size
    /// (EINVAL) before anything else, and sends nothing.
    Kernel,
    /// Neither answered: the smallest payload size any device has.
    Assumed,
    /// The kernel did not list its commands: no limit is applied.
    Unknown,
}

/// Why an opcode cannot go through the kernel mailbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The kernel has no id for it and does not take RAW commands.
    NoRaw,
    /// The kernel holds its id for itself (EBUSY).
    Claimed,
    /// The device does not list it in its Command Effects Log, so the kernel
    /// does not send it (ENOTTY).
    NotEnabled,
    /// The kernel refuses it as a RAW command (EPERM).
    DeniedInRaw,
}

/// How the kernel takes one opcode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// By its own command id, with the sizes it checks.
    Id(Named, cxl_command_info),
    /// As a RAW command.
    Raw,
    /// Not at all.
    Refused(Refusal),
}

/// What the kernel offers for one device: learned when the endpoint opens,
/// logged then, and kept by the endpoint (see `Endpoint::mailbox_mode`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailboxMode {
    /// The kernel's command ids this library knows, with the kernel's
    /// entries for them; `None` when the kernel would not list its commands
    /// (not a CXL memory device, or a kernel older than the ioctl), and then
    /// every command goes RAW, as upstream sends them.
    ids: Option<Vec<(Named, cxl_command_info)>>,
    /// Whether the kernel reports which ids the device enables (the first
    /// kernels with the ioctl did not).
    enabled_reported: bool,
    raw: bool,
    payload_max: usize,
    payload_source: PayloadSource,
    /// Opcodes the kernel has refused as RAW commands on this endpoint.
    denied: Vec<Opcode>,
}

impl MailboxMode {
    /// Asks `mailbox` what it offers.
    pub fn learn(mailbox: &mut dyn Mailbox, name: &str, log: &Logger) -> MailboxMode {
        let table = match mailbox.query_commands() {
            Ok(table) => Some(table),
            Err(e) => {
                log_at!(
                    log,
                    LOG_WARNING,
                    "{name}: the kernel does not list its mailbox commands (CXL_MEM_QUERY_COMMANDS: {e})"
                );
                None
            }
        };
        let mut mode = MailboxMode {
            ids: None,
            enabled_reported: false,
            raw: true,
            payload_max: MAX_PAYLOAD,
            payload_source: PayloadSource::Unknown,
            denied: Vec::new(),
        };
        let Some(table) = table else { return mode };
        mode.raw = table.iter().any(|e| e.id == ID_RAW);
        mode.enabled_reported = table.iter().any(|e| e.flags & FLAG_ENABLED != 0);
        // Id 0 marks an empty slot (a deprecated id, or RAW when not built).
        mode.ids = Some(table.iter().filter_map(|e| kernel::by_id(e.id).map(|n| (*n, *e))).collect());
        (mode.payload_max, mode.payload_source) = match mailbox.payload_max() {
            Some(n) if n > 0 => (n, PayloadSource::Sysfs),
            _ => match mode.probe_payload_max(mailbox) {
                Some(n) => (n, PayloadSource::Kernel),
                None => (MIN_PAYLOAD, PayloadSource::Assumed),
            },
        };
        mode
    }

    /// Finds the payload size by asking the kernel to take ever longer
    /// input for a command id with a small fixed input size: it refuses
    /// input past the payload size with EINVAL and, up to it, the size
    /// mismatch with ENOMEM, both before reading the input or sending.
    fn probe_payload_max(&self, mailbox: &mut dyn Mailbox) -> Option<usize> {
        let (_, probe) =
            self.ids.as_ref()?.iter().find(|(_, e)| {
                (e.size_in as usize) < MIN_PAYLOAD && e.flags & FLAG_EXCLUSIVE == 0 && self.enabled(e)
            })?;
        let mut fits = |len: usize| -> Option<bool> {
            let mut cmd = cxl_send_command { id: probe.id, ..Default::default() };
            cmd.r#in.size = len as u32;
            // SAFETY: no output room; the input is never read (the kernel
            // refuses its size first), and a NULL address would only fault.
            match unsafe { mailbox.send_command(&mut cmd) }.map_err(|e| e.raw_os_error()) {
                Err(Some(libc::ENOMEM)) => Some(true),
                Err(Some(libc::EINVAL)) => Some(false),
                _ => None,
            }
        };
        if !fits(MIN_PAYLOAD)? {
            return None;
        }
        if fits(MAX_PAYLOAD)? {
            return Some(MAX_PAYLOAD);
        }
        let (mut lo, mut hi) = (MIN_PAYLOAD, MAX_PAYLOAD);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if fits(mid)? { lo = mid } else { hi = mid }
        }
        Some(lo)
    }

    fn enabled(&self, e: &cxl_command_info) -> bool {
        !self.enabled_reported || e.flags & FLAG_ENABLED != 0
    }

    /// Whether the kernel listed its commands (otherwise all go RAW).
    pub fn knows_commands(&self) -> bool {
        self.ids.is_some()
    }

    /// Whether the kernel takes RAW commands.
    pub fn raw(&self) -> bool {
        self.raw
    }

    /// The mailbox payload size: no command's output room exceeds it.
    pub fn payload_max(&self) -> usize {
        self.payload_max
    }

    pub fn payload_source(&self) -> PayloadSource {
        self.payload_source
    }

    /// The commands the kernel sends by its own ids for this device.
    pub fn by_id(&self) -> impl Iterator<Item = Named> + '_ {
        self.ids.iter().flatten().filter(|(_, e)| e.flags & FLAG_EXCLUSIVE == 0 && self.enabled(e)).map(|(n, _)| *n)
    }

    /// The commands the kernel holds for itself.
    pub fn claimed(&self) -> impl Iterator<Item = Named> + '_ {
        self.ids.iter().flatten().filter(|(_, e)| e.flags & FLAG_EXCLUSIVE != 0).map(|(n, _)| *n)
    }

    /// How `opcode` goes through the kernel.
    pub fn route(&self, opcode: Opcode) -> Route {
        let Some(ids) = &self.ids else { return Route::Raw };
        if let Some((named, entry)) = ids.iter().find(|(n, _)| n.opcode == opcode) {
            return if entry.flags & FLAG_EXCLUSIVE != 0 {
                Route::Refused(Refusal::Claimed)
            } else if !self.enabled(entry) {
                Route::Refused(Refusal::NotEnabled)
            } else {
                Route::Id(*named, *entry)
            };
        }
        if !self.raw {
            Route::Refused(Refusal::NoRaw)
        } else if self.denied.contains(&opcode) {
            Route::Refused(Refusal::DeniedInRaw)
        } else {
            Route::Raw
        }
    }

    /// Takes the flags of a fresh query (the kernel claims commands as
    /// drivers bind, after the endpoint opened).
    fn refresh(&mut self, table: &[cxl_command_info]) {
        for (_, entry) in self.ids.iter_mut().flatten() {
            if let Some(e) = table.iter().find(|e| e.id == entry.id) {
                entry.flags = e.flags;
            }
        }
    }
}

impl fmt::Display for MailboxMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ids.is_none() {
            return write!(f, "mailbox mode: every command RAW, as the kernel did not list its commands");
        }
        let claimed: Vec<String> = self.claimed().map(|n| n.opcode.to_string()).collect();
        write!(f, "mailbox mode: {} commands by kernel id", self.by_id().count())?;
        if !claimed.is_empty() {
            write!(f, " ({} held by the kernel)", claimed.join(" "))?;
        }
        if self.raw {
            write!(f, "; other opcodes RAW (the kernel warns and taints itself on the first)")?;
        } else {
            write!(f, "; no RAW commands (kernel built without CONFIG_CXL_MEM_RAW_COMMANDS): other opcodes fail")?;
        }
        let source = match self.payload_source {
            PayloadSource::Sysfs => "sysfs",
            PayloadSource::Kernel => "asked of the kernel",
            PayloadSource::Assumed | PayloadSource::Unknown => "assumed",
        };
        write!(f, "; payload {} bytes ({source})", self.payload_max)
    }
}

/// A component reached through its kernel mailbox.
pub struct Ioctl {
    mailbox: Box<dyn Mailbox>,
    name: String,
    log: Arc<Logger>,
    mode: MailboxMode,
    /// Input zero-padded to the exact size a kernel id takes.
    in_scratch: Vec<u8>,
    /// Output room grown to the least a kernel id takes.
    out_scratch: Vec<u8>,
}

/// What a command wants from the kernel, beyond its bytes.
#[derive(Clone, Copy)]
struct Want {
    /// Zero-fill a shorter direct reply up to this many bytes.
    pad_to: Option<usize>,
    /// The request is a Tunnel Management Command wrapping the caller's
    /// command (which the refusal messages say).
    tunnelled: bool,
}

impl Ioctl {
    /// Learns what the kernel offers for `mailbox` and logs it once.
    /// `name` names the device in messages and when refusing to open it twice.
    pub fn open(mut mailbox: Box<dyn Mailbox>, name: String, log: Arc<Logger>) -> Ioctl {
        let mode = MailboxMode::learn(mailbox.as_mut(), &name, &log);
        log_at!(log, LOG_NOTICE, "{name}: {mode}");
        Ioctl { mailbox, name, log, mode, in_scratch: Vec::new(), out_scratch: Vec::new() }
    }

    pub fn mode(&self) -> &MailboxMode {
        &self.mode
    }

    /// Logs why `opcode` is not sent, and the error that says so.
    fn refuse(&self, opcode: Opcode, why: Refusal, tunnelled: bool) -> Error {
        let what = match kernel::NAMED.iter().find(|n| n.opcode == opcode) {
            Some(n) => format!("{} ({opcode})", n.name),
            None => opcode.to_string(),
        };
        let what = if tunnelled { format!("tunnelled command ({what})") } else { what };
        let reason = match why {
            Refusal::NoRaw if tunnelled => {
                "tunnelling needs RAW commands, which this kernel does not take (built without CONFIG_CXL_MEM_RAW_COMMANDS)".into()
            }
            Refusal::NoRaw => {
                "the kernel has no command id for it and does not take RAW commands (built without CONFIG_CXL_MEM_RAW_COMMANDS)".into()
            }
            Refusal::Claimed => "the kernel holds it for itself (its command id is exclusive to the kernel)".into(),
            Refusal::NotEnabled => {
                "the device does not list it in its Command Effects Log, so the kernel does not send it".into()
            }
            Refusal::DeniedInRaw => match kernel::raw_denial(opcode) {
                Some(why) => format!("the kernel refuses it as a RAW command: {why}"),
                None => "the kernel refuses it as a RAW command (kernel lockdown, or a newer deny list)".to_string(),
            },
        };
        log_at!(self.log, LOG_ERR, "{}: {what} not sent: {reason}", self.name);
        Error::Io(io::Error::from_raw_os_error(libc::EOPNOTSUPP))
    }

    /// Sends the request message `req` and leaves a response message in `rsp`.
    fn send(&mut self, req: &[u8], rsp: &mut [u8], want: Want) -> Result<usize> {
        if req.len() < HEADER_LEN || rsp.len() < HEADER_LEN {
            return Err(Error::InvalidArgument("message buffers must hold a CCI header"));
        }
        let request = Header::decode(req);
        let opcode = request.opcode;
        let mut input = &req[HEADER_LEN..];
        // `rsp` arrives zeroed (the Transport contract).
        let (head, out) = rsp.split_at_mut(HEADER_LEN);
        if input.len() > self.mode.payload_max {
            log_at!(
                self.log,
                LOG_ERR,
                "{}: {opcode}: {} input bytes exceed the mailbox payload size ({})",
                self.name,
                input.len(),
                self.mode.payload_max
            );
            return Err(Error::InvalidArgument("request payload exceeds the mailbox payload size"));
        }
        let route = self.mode.route(opcode);
        // The kernel refuses output room past the payload size for RAW
        // commands (EINVAL), and copies no more than that for its ids.
        let mut room = out.len().min(self.mode.payload_max);
        let mut cmd = cxl_send_command::default();
        match route {
            Route::Refused(why) => return Err(self.refuse(opcode, why, want.tunnelled)),
            Route::Raw => {
                cmd.id = ID_RAW;
                cmd.raw_opcode = opcode.0;
            }
            Route::Id(named, entry) => {
                cmd.id = named.id;
                if entry.size_in != VARIABLE {
                    let exact = entry.size_in as usize;
                    if input.len() > exact {
                        log_at!(
                            self.log,
                            LOG_ERR,
                            "{}: {} ({opcode}) not sent: the kernel's command id takes exactly {exact} input bytes, this request has {}",
                            self.name,
                            named.name,
                            input.len()
                        );
                        return Err(Error::Io(io::Error::from_raw_os_error(libc::EOPNOTSUPP)));
                    }
                    if input.len() < exact {
                        // Reserved trailing bytes: the kernel's Set Partition
                        // Info takes 0Ah bytes where CXL r3.1 section 8.2.9.9.2.2 has 9.
                        self.in_scratch.clear();
                        self.in_scratch.extend_from_slice(input);
                        self.in_scratch.resize(exact, 0);
                        input = &self.in_scratch;
                    }
                }
                if entry.size_out != VARIABLE {
                    room = room.max(entry.size_out as usize);
                }
            }
        }
        log_at!(
            self.log,
            LOG_DEBUG,
            "{}: {opcode}: {}",
            self.name,
            match route {
                Route::Id(n, _) => format!("kernel id {} ({})", n.id, n.name),
                _ => "RAW".into(),
            }
        );
        // Room beyond this command's own is borrowed, and cut off below.
        let bounce = room > out.len();
        let out_buf: &mut [u8] = if bounce {
            self.out_scratch.clear();
            self.out_scratch.resize(room, 0);
            &mut self.out_scratch
        } else {
            &mut out[..room]
        };
        let size = |n: usize| u32::try_from(n).map_err(|_| Error::InvalidArgument("payload too large for the mailbox"));
        cmd.r#in = cxl_command_payload { size: size(input.len())?, rsvd: 0, payload: input.as_ptr() as u64 };
        cmd.out = cxl_command_payload { size: size(out_buf.len())?, rsvd: 0, payload: out_buf.as_mut_ptr() as u64 };
        // SAFETY: both addresses come from slices of exactly those sizes,
        // borrowed until the call returns.
        if let Err(e) = unsafe { self.mailbox.send_command(&mut cmd) } {
            return Err(self.failed(opcode, route, e, want.tunnelled));
        }
        let mut got = cmd.out.size as usize;
        if got > out_buf.len() {
            out.fill(0);
            return Err(Error::Protocol("mailbox reported more output than its buffer holds"));
        }
        if bounce {
            // Past this command's room are bytes a newer layout has, which
            // this build does not read.
            got = got.min(out.len());
            out[..got].copy_from_slice(&self.out_scratch[..got]);
        }

        let mut answer = Header {
            category: CATEGORY_RESPONSE,
            tag: request.tag,
            opcode,
            payload_len: 0,
            background: false,
            return_code: 0,
            vendor_ext_status: 0,
        };
        if cmd.retval != 0 {
            // The payload of an error response means nothing (the kernel
            // may still have copied some): clear it, and let the common
            // check turn the code into the command's result.
            answer.return_code =
                u16::try_from(cmd.retval).map_err(|_| Error::Protocol("mailbox return code out of range"))?;
            out.fill(0);
            answer.encode(head);
            return Ok(HEADER_LEN);
        }
        if let Some(min) = want.pad_to.map(|m| m.min(out.len())) {
            if got < min {
                // Upstream only warns here, so that CXL 2.0 devices with
                // shorter payloads still work.
                log_at!(
                    self.log,
                    LOG_WARNING,
                    "{}: {opcode}: mailbox returned {got} bytes, fewer than {min}; zero-filling the rest",
                    self.name
                );
                // Rare path: do not rely on the mailbox having left these alone.
                out[got..min].fill(0);
                got = min;
            }
        }
        answer.payload_len = got;
        answer.encode(head);
        Ok(HEADER_LEN + got)
    }

    /// Turns a refused ioctl into the command's error, saying why.
    fn failed(&mut self, opcode: Opcode, route: Route, e: io::Error, tunnelled: bool) -> Error {
        match (route, e.raw_os_error()) {
            // Nothing was sent: the kernel checks before it sends or warns.
            (Route::Raw, Some(libc::EPERM)) if self.mode.knows_commands() => {
                self.mode.denied.push(opcode);
                self.refuse(opcode, Refusal::DeniedInRaw, tunnelled)
            }
            (Route::Id(..), Some(libc::ENOTTY)) => self.refuse(opcode, Refusal::NotEnabled, tunnelled),
            // The kernel may have claimed the command since the endpoint
            // opened; otherwise the mailbox is busy, and saying so is right.
            (Route::Id(..), Some(libc::EBUSY)) => {
                if let Ok(table) = self.mailbox.query_commands() {
                    self.mode.refresh(&table);
                }
                if self.mode.route(opcode) == Route::Refused(Refusal::Claimed) {
                    return self.refuse(opcode, Refusal::Claimed, tunnelled);
                }
                log_at!(self.log, LOG_ERR, "{}: {opcode}: mailbox ioctl failed: {e}", self.name);
                e.into()
            }
            _ => {
                log_at!(self.log, LOG_ERR, "{}: {opcode}: mailbox ioctl failed: {e}", self.name);
                e.into()
            }
        }
    }
}

impl Transport for Ioctl {
    /// A tunnelled command: held to the sizes the tunnel code checks.
    fn exchange(&mut self, req: &[u8], rsp: &mut [u8], _fmapi: bool, _timeout_ms: u32) -> Result<usize> {
        self.send(req, rsp, Want { pad_to: None, tunnelled: true })
    }

    fn exchange_direct(
        &mut self,
        req: &[u8],
        rsp: &mut [u8],
        min_payload: usize,
        _fmapi: bool,
        _timeout_ms: u32,
    ) -> Result<usize> {
        self.send(req, rsp, Want { pad_to: Some(min_payload), tunnelled: false })
    }

    /// Upstream tags a Tunnel Management Command it wraps inside another
    /// with 10h (the outermost wrapping is not sent as a message at all).
    fn wrapper_tag(&mut self) -> u8 {
        0x10
    }

    fn describe(&self) -> String {
        self.name.clone()
    }
}
