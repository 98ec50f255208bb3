//! The subcommands: each opens its target, sends typed commands through the
//! library and returns one JSON value (printed as is with `--json`, or as
//! text by [`crate::render`]).
//!
//! The subcommands of the first tool are here; those covering the rest of the Generic and Memory
//! Device command sets are in [`device`], the FM-API's in [`fabric`].

mod device;
mod fabric;

use std::time::{Duration, Instant};

use cxlmi::commands::fmapi::*;
use cxlmi::commands::generic::*;
use cxlmi::commands::memdev::MEDIA_ERROR_UNIT;
use cxlmi::commands::memdev::*;
use cxlmi::commands::{CAPACITY_UNIT, Command as CxlCommand, WithItems, catalog};
use cxlmi::types::*;
use cxlmi::{Context, Endpoint, Error, Opcode, Tunnel};
use serde_json::{Value, json};

use crate::args::{
    Command, DcAction, EventLog, Failure, FwAction, LdAction, On, Options, PoisonAction, TimestampAction,
};
use crate::args::{EXIT_DEVICE, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OPEN, EXIT_TRANSPORT, EXIT_USAGE};
use crate::decoded;
use crate::parse::to_hex;
use crate::target::OpenError;
use cxlmi::decode::events;

/// Bytes of firmware per Transfer FW part (a multiple of its 128-byte offset unit).
const FW_PART: usize = 1024;
/// Bytes of a log read per Get Log.
const LOG_CHUNK: u32 = 1024;
/// How often a background operation is polled.
const POLL: Duration = Duration::from_millis(100);
/// How long a command that went to the background is waited for, unless
/// its subcommand takes `--wait`: a device that claims endless work does
/// not keep the tool polling forever.
const BACKGROUND_WAIT: Duration = Duration::from_secs(3600);
/// A Command Effects Log has an entry per opcode at most: 65536 of 4 bytes,
/// whatever size a component claims for it.
const CEL_MAX_BYTES: u32 = 65536 * 4;
/// Dynamic capacity extents listed at most: more than any device tracks
/// (CXL r3.1 section 9.13.3), so a component claiming endless extents stops
/// the listing there.
const DC_EXTENTS_MAX: usize = 1 << 16;

/// Asks before a destructive operation (`what`) on `target` (or on what subcommand `cmd` reads),
/// as the tool always does: with
/// --force it goes ahead; on a terminal it asks there; otherwise it is refused, as a usage error
/// of subcommand `cmd`.
pub(crate) fn confirm(opts: &Options, target: &str, cmd: &str, what: &str) -> Result<(), Failure> {
    if opts.force {
        return Ok(());
    }
    // SAFETY: isatty only reads the descriptors' state.
    let terminal = unsafe { libc::isatty(0) == 1 && libc::isatty(2) == 1 };
    if !terminal {
        return Err(usage(target, cmd, format!("{what}: refused without --force (no terminal to confirm on)")));
    }
    let on = if target.is_empty() { cmd } else { target };
    eprint!("cxlmi: {on}: {what}. Go ahead? [y/N] ");
    let mut answer = String::new();
    let _ = std::io::stdin().read_line(&mut answer);
    match answer.trim() {
        "y" | "Y" | "yes" | "Yes" | "YES" => Ok(()),
        _ => Err(usage(target, cmd, format!("{what}: not confirmed"))),
    }
}

/// A failure that is the user's to fix.
pub fn usage(target: &str, cmd: &str, why: impl Into<String>) -> Failure {
    failure(EXIT_USAGE, "usage", target, cmd, why.into(), None)
}

pub(crate) fn failure(status: i32, kind: &str, target: &str, cmd: &str, why: String, code: Option<u16>) -> Failure {
    let prefix = [target, cmd].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(": ");
    let message = if prefix.is_empty() { why.clone() } else { format!("{prefix}: {why}") };
    let mut error = json!({"kind": kind, "target": target, "command": cmd, "message": why});
    if let Some(code) = code {
        error["return_code"] = json!(code);
        error["return_code_name"] = json!(crate::retcode::name(code));
    }
    Failure { status, message, json: json!({ "error": error }), during_open: false }
}

/// The failure for a library error: a CXL return code, the system, or the exchange.
pub fn lib_failure(target: &str, cmd: &str, e: &Error) -> Failure {
    match e {
        Error::Device(code) => failure(
            EXIT_DEVICE,
            "device",
            target,
            cmd,
            format!("device returned {}", crate::retcode::describe(*code)),
            Some(*code),
        ),
        Error::Io(_) => failure(EXIT_OPEN, "system", target, cmd, e.to_string(), None),
        Error::InvalidArgument(_) => failure(EXIT_USAGE, "usage", target, cmd, e.to_string(), None),
        _ => failure(EXIT_TRANSPORT, "transport", target, cmd, e.to_string(), None),
    }
}

/// An open target and where its commands go.
struct Session {
    ep: Endpoint,
    tunnel: Tunnel,
    target: String,
    cmd: &'static str,
}

impl Session {
    fn open(ctx: &Context, on: &On, cmd: &'static str, opts: &Options) -> Result<Session, Failure> {
        let target = on.target.to_string();
        let tunnel = crate::target::tunnel(on.port, on.ld, on.mhd).map_err(|why| usage(&target, cmd, why))?;
        let ep = match crate::target::open(ctx, &on.target, opts.emu_state.as_deref()) {
            Ok(ep) => ep,
            Err(e) => {
                let mut f = match e {
                    OpenError::Usage(why) => usage(&target, cmd, why),
                    OpenError::Lib(Error::Io(io)) => {
                        failure(EXIT_OPEN, "system", &target, cmd, format!("cannot open: {io}"), None)
                    }
                    OpenError::Lib(e) => lib_failure(&target, cmd, &e),
                };
                f.during_open = true;
                return Err(f);
            }
        };
        Ok(Session { ep, tunnel, target, cmd })
    }

    fn fail(&self, e: &Error) -> Failure {
        lib_failure(&self.target, self.cmd, e)
    }

    fn usage(&self, why: impl Into<String>) -> Failure {
        usage(&self.target, self.cmd, why)
    }

    /// Asks before a destructive operation (`what` says what it does): with --force it goes
    /// ahead; on a terminal it asks there; otherwise it is refused, as a usage error.
    fn confirm(&self, opts: &Options, what: &str) -> Result<(), Failure> {
        confirm(opts, &self.target, self.cmd, what)
    }

    /// Sends one typed command; the decoded output is turned into owned
    /// values by `f` before the endpoint's buffer is reused.
    fn exec<C: CxlCommand, R>(
        &mut self,
        input: &C::Input<'_>,
        f: impl FnOnce(C::Output<'_>) -> R,
    ) -> Result<R, Failure> {
        match self.ep.execute::<C>(self.tunnel, input) {
            Ok(out) => Ok(f(out)),
            Err(e) => Err(lib_failure(&self.target, self.cmd, &e)),
        }
    }

    /// As [`Session::exec`] for a command that may run in the background:
    /// Background Command Started (1) waits for it to finish.
    fn exec_waiting<C: CxlCommand>(&mut self, input: &C::Input<'_>) -> Result<(), Failure> {
        self.exec_background::<C>(input, None)
    }

    /// [`Session::exec_waiting`] with a progress bar. An operation that ends in the background
    /// with a return code other than success fails with it, as it would have in the foreground.
    fn exec_background<C: CxlCommand>(
        &mut self,
        input: &C::Input<'_>,
        bar: Option<&indicatif::ProgressBar>,
    ) -> Result<(), Failure> {
        match self.ep.execute::<C>(self.tunnel, input).map(|_| ()) {
            Ok(()) => Ok(()),
            Err(Error::Device(1)) => match self.wait_background(C::OPCODE, bar, None, BACKGROUND_WAIT)? {
                (_, 0, _) => Ok(()),
                (_, rc, _) => Err(self.fail(&Error::Device(rc))),
            },
            Err(e) => Err(self.fail(&e)),
        }
    }

    /// Polls Background Operation Status until `opcode` is no longer running;
    /// requests an abort after `abort_after`, and gives up after `limit`.
    /// Returns the last percentage and return code, and whether an abort
    /// was requested.
    fn wait_background(
        &mut self,
        opcode: Opcode,
        bar: Option<&indicatif::ProgressBar>,
        abort_after: Option<Duration>,
        limit: Duration,
    ) -> Result<(u8, u16, bool), Failure> {
        let start = Instant::now();
        let mut aborted = false;
        let ctrl_c = interrupt::Catch::install();
        loop {
            if ctrl_c.caught() {
                let name = catalog::lookup(opcode).next().map_or("the operation", |e| e.name);
                let why = format!(
                    "interrupted: the device goes on with {name} ({:#06x}) in the background; \
                     `cxlmi background {} --wait` follows it",
                    opcode.0, self.target
                );
                return Err(failure(EXIT_INTERRUPTED, "interrupted", &self.target, self.cmd, why, None));
            }
            if start.elapsed() > limit {
                let why = format!("still running after {} s; it goes on in the background", limit.as_secs_f64());
                return Err(failure(EXIT_TRANSPORT, "transport", &self.target, self.cmd, why, None));
            }
            let s = self.exec::<BgOpStatus, _>(&(), |s| s)?;
            let running = s.status & 1 != 0;
            let pct = s.status >> 1;
            if let Some(bar) = bar {
                bar.set_position(u64::from(pct.min(100)));
            }
            if !running || s.opcode != opcode.0 {
                // Finished: the status reports the last operation's return code.
                let pct = if running { pct } else { pct.max(if s.returncode == 0 { 100 } else { pct }) };
                return Ok((pct, s.returncode, aborted));
            }
            if let Some(after) = abort_after {
                if !aborted && start.elapsed() >= after {
                    self.exec::<RequestBgOpAbort, _>(&(), |_| ())?;
                    aborted = true;
                }
            }
            std::thread::sleep(POLL);
        }
    }

    /// The Command Effects Log: (opcode, effects) of every entry.
    fn cel(&mut self) -> Result<Vec<cxlmi_cmd_get_log_cel_rsp>, Failure> {
        let logs = self.exec::<GetSupportedLogs, _>(&(), |l| l.entries().collect::<Vec<_>>())?;
        let Some(size) = logs.iter().find(|l| l.uuid == CEL_UUID).map(|l| l.log_size) else {
            return Err(failure(
                EXIT_TRANSPORT,
                "transport",
                &self.target,
                self.cmd,
                "the component lists no Command Effects Log".into(),
                None,
            ));
        };
        let mut entries = Vec::new();
        let mut offset = 0u32;
        let size = size.min(CEL_MAX_BYTES);
        while offset < size {
            let length = (size - offset).min(LOG_CHUNK);
            let req = cxlmi_cmd_get_log_req { uuid: CEL_UUID, offset, length };
            let part = self.exec::<GetLogCel, _>(&req, |l| l.entries().collect::<Vec<_>>())?;
            if part.is_empty() {
                break;
            }
            entries.extend(part);
            offset += length;
        }
        Ok(entries)
    }
}

/// `a`'s keys and then `b`'s, as one object (`a` as it is unless both are objects).
fn merged(a: Value, b: Value) -> Value {
    match (a, b) {
        (Value::Object(mut a), Value::Object(b)) => {
            a.extend(b);
            Value::Object(a)
        }
        (a, _) => a,
    }
}

/// What a subcommand produced: its value, and text that replaces the
/// rendered value in human output (a hex dump, say).
pub struct Output {
    pub value: Value,
    pub text: Option<String>,
}

impl From<Value> for Output {
    fn from(value: Value) -> Output {
        Output { value, text: None }
    }
}

pub fn run(ctx: &Context, command: &Command, opts: &Options) -> Result<Output, Failure> {
    let json = opts.json;
    let name = command.name();
    let on = match command {
        Command::List { health, serial, component_type } => {
            return Ok(list(ctx, *health, *serial, component_type.as_deref()).into());
        }
        Command::Monitor(_) | Command::Exporter(_) => {
            let why = "the watching subcommands are run by main".to_string();
            return Err(failure(EXIT_INTERNAL, "internal", "", name, why, None));
        }
        Command::Identify(on) | Command::Health(on) | Command::Ports(on) | Command::Vcs(on) | Command::Commands(on) => {
            on
        }
        Command::Partition { on, .. }
        | Command::Events { on, .. }
        | Command::Fw { on, .. }
        | Command::Logs { on, .. }
        | Command::Poison { on, .. }
        | Command::Background { on, .. }
        | Command::Sanitize { on, .. }
        | Command::Timestamp { on, .. }
        | Command::Dc { on, .. }
        | Command::Ld { on, .. }
        | Command::Raw { on, .. }
        | Command::Reset { on, .. } => on,
        Command::Device(c) => {
            let mut s = Session::open(ctx, c.on(), name, opts)?;
            return device::run(&mut s, c, opts);
        }
        Command::Fabric(c) => {
            let mut s = Session::open(ctx, c.on(), name, opts)?;
            return fabric::run(&mut s, c, opts);
        }
    };
    let mut s = Session::open(ctx, on, name, opts)?;
    let value = match command {
        Command::List { .. } | Command::Monitor(_) | Command::Exporter(_) => unreachable!("handled above"),
        Command::Identify(_) => identify(&mut s)?,
        Command::Health(_) => health(&mut s)?,
        Command::Partition { set_volatile, .. } => partition(&mut s, *set_volatile)?,
        Command::Events { log, clear, .. } => events(&mut s, *log, *clear, opts)?,
        Command::Fw { action, .. } => fw(&mut s, action.clone().unwrap_or(FwAction::Info), opts)?,
        Command::Logs { cel, .. } => logs(&mut s, *cel)?,
        Command::Poison { action, .. } => poison(&mut s, action.clone().unwrap_or(PoisonAction::List))?,
        Command::Background { wait, .. } => background(&mut s, *wait, json)?,
        Command::Sanitize { abort_after, wait, .. } => sanitize(&mut s, *abort_after, *wait, opts)?,
        Command::Timestamp { action, .. } => timestamp(&mut s, action.clone().unwrap_or(TimestampAction::Get))?,
        Command::Dc { action, .. } => dc(&mut s, action.clone().unwrap_or(DcAction::Config))?,
        Command::Ports(_) => ports(&mut s)?,
        Command::Vcs(_) => vcs(&mut s)?,
        Command::Ld { action, .. } => ld(&mut s, action.clone().unwrap_or(LdAction::Info))?,
        Command::Raw { opcode, payload, out_len, .. } => {
            return raw(&mut s, *opcode, payload.as_ref().map_or(&[][..], |p| &p.0[..]), *out_len);
        }
        Command::Commands(_) => commands(&mut s)?,
        Command::Reset { warm, .. } => reset(&mut s, *warm, opts)?,
        Command::Device(_) | Command::Fabric(_) => unreachable!("handled above"),
    };
    Ok(value.into())
}

/// One line of `list`: the endpoint's identity, or why it has none.
fn listed(ep: &mut Endpoint, target: String, transport: &str) -> Value {
    let mut v = json!({"target": target, "transport": transport});
    // As `identify` does: a memory device without the Generic Identify is
    // still one, by Identify Memory Device.
    let id = match ep.execute::<Identify>(Tunnel::None, &()) {
        Ok(id) => identity(Some(&id)),
        Err(e) => {
            let mut id = identity(None);
            match not_offered(&e).then(|| ep.execute::<MemdevIdentify>(Tunnel::None, &()).is_ok()) {
                Some(true) => id["component_type"] = type3(),
                _ => v["error"] = json!(e.to_string()),
            }
            id
        }
    };
    for key in ["component_type", "serial", "vendor_id", "device_id"] {
        v[key] = id[key].clone();
    }
    v
}

/// Every component reachable from this machine, as one JSON array: the `/dev/cxl` devices and the
/// MCTP endpoints mctpd knows, each identified (with its health, for a memory device, when asked),
/// filtered by serial number and component type. What could not be looked at (no `/dev/cxl`, no
/// bus, a build without D-Bus) is a note on standard error, not an error.
fn list(ctx: &Context, health: bool, serial: Option<u64>, kind: Option<&str>) -> Value {
    let mut found: Vec<(Endpoint, String, &str)> = Vec::new();
    let mut notes = Vec::new();
    let dir = std::path::Path::new("/dev/cxl");
    if !dir.is_dir() {
        notes.push("no /dev/cxl: no CXL memory devices on this machine (is the cxl_mem driver loaded?)".to_string());
    } else {
        match ctx.scan(|_| false) {
            Ok(eps) => {
                for ep in eps {
                    let name = ep.describe();
                    let target = std::path::Path::new(&name)
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or(name);
                    found.push((ep, target, "ioctl"));
                }
            }
            Err(e) => notes.push(format!("/dev/cxl: {e}")),
        }
    }
    match ctx.scan_mctp(|_| false) {
        Ok(eps) => {
            for ep in eps {
                let name = ep.describe();
                // The library names MCTP endpoints `mctp NET:EID`.
                let target = match name.strip_prefix("mctp ").and_then(|r| r.split_once(':')) {
                    Some((net, eid)) => format!("mctp:{net},{eid}"),
                    None => name,
                };
                found.push((ep, target, "mctp"));
            }
        }
        Err(Error::Unsupported(_)) => notes.push("MCTP discovery is not in this build (built without D-Bus)".into()),
        Err(e) => notes.push(format!("MCTP discovery: {e}")),
    }
    for note in notes {
        eprintln!("cxlmi: list: {note}");
    }
    let mut devices = Vec::new();
    for (mut ep, target, transport) in found {
        let mut v = listed(&mut ep, target, transport);
        if serial.is_some_and(|s| v["serial"] != json!(s)) || kind.is_some_and(|k| v["component_type"]["name"] != k) {
            continue;
        }
        if health && v["component_type"]["raw"] == TYPE3 {
            v["health"] = match ep.execute::<GetHealthInfo>(Tunnel::None, &()) {
                Ok(h) => decoded::of(&h),
                Err(e) => json!({ "error": e.to_string() }),
            };
        }
        devices.push(v);
    }
    Value::Array(devices)
}

/// Whether a failed command is one the component or the path to it does
/// not offer (Unsupported, or a mailbox that cannot send it), rather than a
/// failure of a command that exists.
fn not_offered(e: &Error) -> bool {
    match e {
        Error::Device(rc) => *rc == cxlmi_cmd_retcode::CXLMI_RET_UNSUPPORTED as u16,
        Error::Io(io) => io.raw_os_error() == Some(libc::EOPNOTSUPP),
        _ => false,
    }
}

/// Identify (0001h) decoded, every field null when it is not offered.
fn identity(id: Option<&cxlmi_cmd_identify_rsp>) -> Value {
    match id {
        Some(id) => decoded::of(id),
        None => json!({
            "vendor_id": null, "device_id": null, "subsystem_vendor_id": null, "subsystem_id": null,
            "serial": null, "max_message_size_bytes": null, "component_type": null,
        }),
    }
}

/// Identify, and for a memory device Identify Memory Device. A device
/// without the Generic Identify (QEMU's Type 3 device, or a kernel mailbox
/// that cannot send it) is still identified by Identify Memory Device: the
/// Generic fields are then null and the component type is a memory device's.
fn identify(s: &mut Session) -> Result<Value, Failure> {
    let id = match s.ep.execute::<Identify>(s.tunnel, &()) {
        Ok(id) => Some(id),
        Err(e) if not_offered(&e) => None,
        Err(e) => return Err(s.fail(&e)),
    };
    let mut v = identity(id.as_ref());
    let id = match id {
        Some(id) => id,
        None => {
            let m = s.exec::<MemdevIdentify, _>(&(), |m| decoded::of(&m))?;
            v["component_type"] = type3();
            v["memdev"] = m;
            return Ok(v);
        }
    };
    if id.component_type == TYPE3 {
        // An MLD's FM-owned LD answers the Generic commands only.
        v["memdev"] = match s.exec::<MemdevIdentify, _>(&(), |m| decoded::of(&m)) {
            Ok(m) => m,
            Err(f) if f.json["error"]["return_code"] == 3 => Value::Null,
            Err(f) => return Err(f),
        };
    }
    Ok(v)
}

/// Component Type of a memory device (CXL r3.1 Table 8-37).
const TYPE3: u8 = 0x03;

/// The component type of a memory device identified by Identify Memory Device alone, as
/// Identify would decode it.
fn type3() -> Value {
    decoded::value(&cxlmi::decode::enumeration(TYPE3.into(), &cxlmi::decode::generic::COMPONENT_TYPES))
}

fn health(s: &mut Session) -> Result<Value, Failure> {
    s.exec::<GetHealthInfo, _>(&(), |h| decoded::of(&h))
}

fn partition(s: &mut Session, set_volatile: Option<u64>) -> Result<Value, Failure> {
    if let Some(bytes) = set_volatile {
        if bytes % CAPACITY_UNIT != 0 {
            return Err(s.usage(format!("--set-volatile {bytes} is not a multiple of 256 MiB")));
        }
        let req = cxlmi_cmd_memdev_set_partition_info_req { volatile_capacity: bytes / CAPACITY_UNIT, flags: 0 };
        s.exec::<SetPartitionInfo, _>(&req, |_| ())?;
    }
    let mut v = s.exec::<GetPartitionInfo, _>(&(), |p| decoded::of(&p))?;
    if let Some(bytes) = set_volatile {
        v["set_volatile_bytes"] = json!(bytes);
    }
    Ok(v)
}

fn events(s: &mut Session, log: EventLog, clear: bool, opts: &Options) -> Result<Value, Failure> {
    if clear {
        s.confirm(opts, &format!("clear the event records read from the {} log(s)", log.name()))?;
    }
    let mut logs = Vec::new();
    for n in log.numbers() {
        match event_log(s, n, clear) {
            Ok(v) => logs.push(v),
            // A device without dynamic capacity has no such log: with --log all it is left out.
            Err(f) if matches!(log, EventLog::All) && n == DCD_LOG && f.json["error"]["kind"] == "device" => {}
            Err(f) => return Err(f),
        }
    }
    Ok(json!({ "logs": logs }))
}

/// Reads one event log: Get Event Records until it says there are no more. Without clearing,
/// a device keeps answering with the records not yet cleared, so reading stops when a batch
/// brings no record not seen before (`more_records` then stays true: clear to read on); with
/// `clear`, each batch is cleared after it is read. Never more than [`EVENT_BATCHES`] batches.
fn event_log(s: &mut Session, log: u8, clear: bool) -> Result<Value, Failure> {
    let mut records: Vec<cxlmi_event_record> = Vec::new();
    let mut first = None;
    let mut more = false;
    let mut cleared = 0;
    for _ in 0..EVENT_BATCHES {
        let req = cxlmi_cmd_get_event_records_req { event_log: log };
        let (head, batch) = s.exec::<GetEventRecords, _>(&req, |l| (l.head, l.entries().collect::<Vec<_>>()))?;
        more = head.flags & EVENT_MORE_RECORDS != 0;
        first.get_or_insert(head);
        let new: Vec<_> = batch.into_iter().filter(|r| !records.iter().any(|seen| seen.handle == r.handle)).collect();
        if new.is_empty() {
            break;
        }
        if clear {
            let handles: Vec<u16> = new.iter().map(|r| r.handle).collect();
            let head = cxlmi_cmd_clear_event_records_req {
                event_log: log,
                clear_flags: 0,
                nr_recs: 0,
                reserved: [0; 3],
                handles: [],
            };
            s.exec::<ClearEventRecords, _>(&ClearEventRecordsInput { head, handles: &handles }, |_| ())?;
            cleared += handles.len();
        }
        records.extend(new);
        if !more {
            break;
        }
    }
    let Some(mut head) = first else { return Ok(Value::Null) };
    // The first batch's overflow report, the last batch's word on more records.
    head.flags = (head.flags & !EVENT_MORE_RECORDS) | if more { EVENT_MORE_RECORDS } else { 0 };
    let mut v =
        merged(json!({ "log": EventLog::name_of(log) }), decoded::object(&events::event_records(&head, &records)));
    v["record_count"] = json!(records.len());
    v["cleared"] = json!(cleared);
    Ok(v)
}

/// The Dynamic Capacity event log's number (CXL r3.1 Table 8-49).
const DCD_LOG: u8 = 4;
/// Get Event Records' More Event Records flag (CXL r3.1 Table 8-53).
const EVENT_MORE_RECORDS: u8 = 0x02;
/// Batches of event records read from one log at most, whatever a device says of more.
const EVENT_BATCHES: usize = 1024;

fn fw(s: &mut Session, action: FwAction, opts: &Options) -> Result<Value, Failure> {
    let json = opts.json;
    match action {
        FwAction::Info => s.exec::<GetFwInfo, _>(&(), |f| decoded::of(&f)),
        FwAction::Transfer { file, slot } => {
            let data = std::fs::read(&file).map_err(|e| {
                failure(EXIT_OPEN, "system", &s.target, s.cmd, format!("cannot read {}: {e}", file.display()), None)
            })?;
            if data.is_empty() {
                return Err(s.usage(format!("{} is empty", file.display())));
            }
            let parts = data.len().div_ceil(FW_PART);
            let bar = progress(json, data.len() as u64, "transfer");
            for (i, part) in data.chunks(FW_PART).enumerate() {
                // Transfer FW actions (CXL r3.1 Table 8-58): full, initiate, continue, end.
                let action = match (parts, i) {
                    (1, _) => 0,
                    (_, 0) => 1,
                    (n, i) if i + 1 == n => 3,
                    _ => 2,
                };
                let head = cxlmi_cmd_transfer_fw_req {
                    action,
                    slot,
                    rsvd1: [0; 2],
                    offset: ((i * FW_PART) / 128) as u32,
                    rsvd2: [0; 0x78],
                    data: [],
                };
                s.exec_waiting::<TransferFw>(&cxlmi::commands::WithData { head, data: part })?;
                bar.inc(part.len() as u64);
            }
            bar.finish_and_clear();
            Ok(json!({"file": file.display().to_string(), "bytes": data.len(), "parts": parts, "slot": slot}))
        }
        FwAction::Activate { slot, online } => {
            let when = if online { "now" } else { "from the next cold reset" };
            s.confirm(opts, &format!("activate the firmware in slot {slot} {when}"))?;
            // Activate FW actions (CXL r3.1 Table 8-59): 0 online, 1 on the next cold reset.
            let req = cxlmi_cmd_activate_fw_req { action: if online { 0 } else { 1 }, slot };
            s.exec_waiting::<ActivateFw>(&req)?;
            Ok(json!({"slot": slot, "online": online, "activated": true}))
        }
    }
}

fn progress(json: bool, len: u64, what: &str) -> indicatif::ProgressBar {
    if json {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    let style = indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {percent:>3}% {elapsed}")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(what.to_string());
    bar
}

fn logs(s: &mut Session, cel: bool) -> Result<Value, Failure> {
    let mut v = s.exec::<GetSupportedLogs, _>(&(), |l| decoded::of(&l))?;
    if cel {
        let entries = s.cel()?;
        v["cel"] = decoded::object(&cxlmi::decode::generic::cel(&entries))["entries"].clone();
    }
    Ok(v)
}

fn poison_list(s: &mut Session) -> Result<Value, Failure> {
    let m = s.exec::<MemdevIdentify, _>(&(), |m| m)?;
    let req = cxlmi_cmd_memdev_get_poison_list_req {
        get_poison_list_phy_addr: 0,
        get_poison_list_phy_addr_len: m.total_capacity.saturating_mul(CAPACITY_UNIT) / MEDIA_ERROR_UNIT,
    };
    s.exec::<GetPoisonList, _>(&req, |l| decoded::of(&l))
}

fn poison(s: &mut Session, action: PoisonAction) -> Result<Value, Failure> {
    let (key, addr) = match action {
        PoisonAction::List => return poison_list(s),
        PoisonAction::Inject { addr } => {
            s.exec::<InjectPoison, _>(&cxlmi_cmd_memdev_inject_poison_req { inject_poison_phy_addr: addr }, |_| ())?;
            ("injected", addr)
        }
        PoisonAction::Clear { addr } => {
            let req =
                cxlmi_cmd_memdev_clear_poison_req { clear_poison_phy_addr: addr, clear_poison_write_data: [0; 64] };
            s.exec::<ClearPoison, _>(&req, |_| ())?;
            ("cleared", addr)
        }
    };
    // The list after the change, so one call shows its effect.
    let mut v = poison_list(s)?;
    v[key] = json!(addr);
    Ok(v)
}

/// The background operation running (or the last one, finished), and with `wait` its end.
fn background(s: &mut Session, wait: Option<Duration>, json: bool) -> Result<Value, Failure> {
    let mut st = s.exec::<BgOpStatus, _>(&(), |st| st)?;
    if let Some(limit) = wait.filter(|_| st.status & 1 != 0) {
        let bar = progress(json, 100, "waiting");
        let r = s.wait_background(Opcode(st.opcode), Some(&bar), None, limit);
        bar.finish_and_clear();
        r?;
        st = s.exec::<BgOpStatus, _>(&(), |st| st)?;
    }
    Ok(decoded::of(&st))
}

fn sanitize(s: &mut Session, abort_after: Option<Duration>, wait: Duration, opts: &Options) -> Result<Value, Failure> {
    s.confirm(opts, "sanitize erases all user data")?;
    let json = opts.json;
    let start = Instant::now();
    let background = match s.ep.execute::<Sanitize>(s.tunnel, &()) {
        Ok(()) => false,
        Err(Error::Device(1)) => true,
        Err(e) => return Err(s.fail(&e)),
    };
    let (pct, rc, aborted) = if background {
        let bar = progress(json, 100, "sanitize");
        let r = s.wait_background(Sanitize::OPCODE, Some(&bar), abort_after, wait);
        bar.finish_and_clear();
        r?
    } else {
        (100, 0, false)
    };
    let was_aborted = rc == cxlmi_cmd_retcode::CXLMI_RET_ABORT as u16;
    if rc != 0 && !(aborted && was_aborted) {
        return Err(lib_failure(&s.target, s.cmd, &Error::Device(rc)));
    }
    Ok(json!({
        "status": if was_aborted { "aborted" } else { "done" },
        "percent": pct,
        "background": background,
        "return_code": decoded::value(&cxlmi::decode::generic::retcode(rc)),
        "seconds": (start.elapsed().as_secs_f64() * 10.0).round() / 10.0,
    }))
}

/// Resets an emulated component (and everything behind it): what the emulator does at a cold
/// reset (staged firmware and the next partition take effect) or a warm one. With --emu-state the
/// reset is kept with the rest of the fabric's history.
fn reset(s: &mut Session, warm: bool, opts: &Options) -> Result<Value, Failure> {
    let kind = if warm { cxlmi_emulator::ResetKind::Warm } else { cxlmi_emulator::ResetKind::Cold };
    s.confirm(opts, &format!("{} reset: the component loses what it is doing", kind.name()))?;
    cxlmi_emulator::reset(&mut s.ep, kind).map_err(|e| s.fail(&e))?;
    Ok(json!({ "reset": kind.name() }))
}

/// `2024-05-01T12:00:00.000000000Z` for nanoseconds since the Unix epoch.
pub fn utc(ns: u64) -> String {
    let secs = ns / 1_000_000_000;
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    // Days to civil date (proleptic Gregorian), after Howard Hinnant's algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:09}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        ns % 1_000_000_000
    )
}

fn timestamp(s: &mut Session, action: TimestampAction) -> Result<Value, Failure> {
    let mut set = None;
    if let TimestampAction::Set { value } = action {
        let ns = match value.as_deref() {
            None | Some("now") => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(0),
            Some(v) => crate::parse::number(v).map_err(|why| s.usage(why))?,
        };
        s.exec::<SetTimestamp, _>(&cxlmi_cmd_set_timestamp_req { timestamp: ns }, |_| ())?;
        set = Some(ns);
    }
    let ts = s.exec::<GetTimestamp, _>(&(), |t| t.timestamp)?;
    let mut v = json!({"timestamp_ns": ts, "utc": utc(ts)});
    if let Some(ns) = set {
        v["set_ns"] = json!(ns);
    }
    Ok(v)
}

fn dc(s: &mut Session, action: DcAction) -> Result<Value, Failure> {
    match action {
        DcAction::Config => {
            let req = cxlmi_cmd_memdev_get_dc_config_req { region_cnt: MAX_DC_REGIONS as u8, start_region_id: 0 };
            s.exec::<GetDcConfig, _>(&req, |c| decoded::of(&c))
        }
        DcAction::Extents => {
            let mut extents = Vec::new();
            let mut first = None;
            loop {
                let req =
                    cxlmi_cmd_memdev_get_dc_extent_list_req { extent_cnt: 0, start_extent_idx: extents.len() as u32 };
                let (head, got) = s.exec::<GetDcExtentList, _>(&req, |l| (l.head, l.entries().collect::<Vec<_>>()))?;
                let total = head.total_num_extents;
                first.get_or_insert(head);
                let n = got.len();
                extents.extend(got);
                if n == 0 || extents.len() >= (total as usize).min(DC_EXTENTS_MAX) {
                    break;
                }
            }
            extents.truncate(DC_EXTENTS_MAX);
            let Some(mut head) = first else { return Ok(Value::Null) };
            head.num_extents_returned = extents.len() as u32;
            Ok(decoded::object(&cxlmi::decode::memdev::dc_extent_list(&head, &extents)))
        }
    }
}

fn switch_identity(s: &mut Session) -> Result<cxlmi_cmd_fmapi_identify_sw_device_rsp, Failure> {
    s.exec::<IdentifySwDevice, _>(&(), |i| i)
}

fn ports(s: &mut Session) -> Result<Value, Failure> {
    let sw = switch_identity(s)?;
    let ids: Vec<u8> = (0..sw.num_physical_ports).collect();
    let head = cxlmi_cmd_fmapi_get_phys_port_state_req { num_ports: 0, ports: [] };
    let ports = s.exec::<GetPhysPortState, _>(&WithItems { head, items: &ids }, |l| decoded::of(&l))?;
    let mut v = decoded::of(&sw);
    v["ports"] = ports["ports"].clone();
    Ok(v)
}

fn vcs(s: &mut Session) -> Result<Value, Failure> {
    let sw = switch_identity(s)?;
    let ids: Vec<u8> = (0..sw.num_vcs).collect();
    let head =
        cxlmi_cmd_fmapi_get_vcs_info_req { start_vppb: 0, vppb_list_limit: u8::MAX, num_vcs: 0, vcs_id_list: [] };
    let req = WithItems { head, items: &ids };
    s.exec::<GetVcsInfo, _>(&req, |info| decoded::object(&cxlmi::decode::fmapi::vcs_info(&info, 0)))
}

fn ld(s: &mut Session, action: LdAction) -> Result<Value, Failure> {
    let info = s.exec::<GetLdInfo, _>(&(), |i| i)?;
    let mut v = decoded::of(&info);
    if let LdAction::Allocations = action {
        let limit = u8::try_from(info.ld_count).unwrap_or(u8::MAX);
        let req = cxlmi_cmd_fmapi_get_ld_allocations_req { start_ld_id: 0, ld_allocation_list_limit: limit };
        let allocations = s.exec::<GetLdAllocations, _>(&req, |l| decoded::of(&l))?;
        v = merged(v, allocations);
    }
    Ok(v)
}

fn raw(s: &mut Session, opcode: u16, payload: &[u8], out_len: usize) -> Result<Output, Failure> {
    let size = cxlmi::cci::ResponseSize::between(0, out_len);
    let (rc, bytes) = match s.ep.transact(s.tunnel, Opcode(opcode), payload.len(), |p| p.copy_from_slice(payload), size)
    {
        Ok(rsp) => (0u16, rsp.sent().to_vec()),
        // Background Command Started is a success without a payload.
        Err(Error::Device(1)) => (1, Vec::new()),
        Err(e) => return Err(s.fail(&e)),
    };
    let value = json!({
        "opcode": opcode,
        "return_code": decoded::value(&cxlmi::decode::generic::retcode(rc)),
        "length": bytes.len(),
        "payload": to_hex(&bytes),
    });
    let mut text = format!(
        "opcode       {:#06x}\nreturn code  {}\nlength       {}\n",
        opcode,
        crate::retcode::describe(rc),
        bytes.len()
    );
    for (i, line) in bytes.chunks(16).enumerate() {
        let hex: Vec<String> = line.iter().map(|b| format!("{b:02x}")).collect();
        text.push_str(&format!("{:04x}  {}\n", i * 16, hex.join(" ")));
    }
    Ok(Output { value, text: Some(text) })
}

fn commands(s: &mut Session) -> Result<Value, Failure> {
    let cel = s.cel()?;
    let list: Vec<Value> = cel
        .iter()
        .map(|e| {
            let op = e.opcode;
            let names: Vec<&str> = catalog::lookup(Opcode(op)).map(|e| e.name).collect();
            let kind = if !names.is_empty() {
                "typed"
            } else if Opcode(op) == catalog::TUNNEL_MANAGEMENT {
                "tunnel"
            } else {
                "none"
            };
            let effects = decoded::value(&cxlmi::decode::generic::command_effects(e.command_effect));
            json!({"opcode": op, "effects": effects, "names": names, "decoder": kind})
        })
        .collect();
    let decoded = list.iter().filter(|c| c["decoder"] != "none").count();
    Ok(json!({"advertised": list.len(), "decoded": decoded, "commands": list}))
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_dates() {
        assert_eq!(super::utc(0), "1970-01-01T00:00:00.000000000Z");
        assert_eq!(super::utc(951_782_400_000_000_001), "2000-02-29T00:00:00.000000001Z");
        assert_eq!(super::utc(1_700_000_000_000_000_000), "2023-11-14T22:13:20.000000000Z");
    }
}

/// Ctrl-C while the tool waits for a device: caught, so the wait ends with a message saying
/// what the device goes on doing, rather than silently.
mod interrupt {
    use std::sync::atomic::{AtomicBool, Ordering};

    static CAUGHT: AtomicBool = AtomicBool::new(false);

    extern "C" fn on_sigint(_: libc::c_int) {
        CAUGHT.store(true, Ordering::SeqCst);
    }

    /// SIGINT caught while this lives; the previous action is put back on drop.
    pub struct Catch {
        previous: libc::sigaction,
    }

    impl Catch {
        pub fn install() -> Catch {
            CAUGHT.store(false, Ordering::SeqCst);
            // SAFETY: sigaction with a handler that only stores to an atomic (async-signal-safe).
            unsafe {
                let mut action: libc::sigaction = core::mem::zeroed();
                action.sa_sigaction = on_sigint as extern "C" fn(libc::c_int) as usize;
                libc::sigemptyset(&mut action.sa_mask);
                let mut previous: libc::sigaction = core::mem::zeroed();
                libc::sigaction(libc::SIGINT, &action, &mut previous);
                Catch { previous }
            }
        }

        pub fn caught(&self) -> bool {
            CAUGHT.load(Ordering::SeqCst)
        }
    }

    impl Drop for Catch {
        fn drop(&mut self) {
            // SAFETY: restores the action saved by install().
            unsafe { libc::sigaction(libc::SIGINT, &self.previous, core::ptr::null_mut()) };
        }
    }
}
