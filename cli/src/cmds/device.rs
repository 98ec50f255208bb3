//! The subcommands for the rest of the Generic and Memory Device command sets (their arguments
//! are `cxlmi_cli::device_args`). Each returns the core's decoded response as JSON; a write
//! returns the state after it, read back in the same run, where a command reads it.
//!
//! Nothing a device claims is believed without a bound: lists are followed for at most
//! [`BATCHES`] requests, reads and writes are at most [`MAX_TRANSFER`] bytes, in parts no larger
//! than one message to the component carries ([`message_room`]).

use std::path::Path;
use std::time::{Duration, Instant};

use clap::ValueEnum;
use cxlmi::cci::HEADER_LEN;
use cxlmi::commands::generic::*;
use cxlmi::commands::memdev::*;
use cxlmi::commands::{Command as CxlCommand, WithData, WithItems};
use cxlmi::decode;
use cxlmi::types::*;
use cxlmi::wire::{Wire, to_vec};
use cxlmi::{Error, Tunnel};
use serde_json::{Value, json};

use super::{Output, Session, failure, lib_failure, merged, progress};
use crate::args::{DcAction, EXIT_OPEN, EXIT_TRANSPORT, Failure, Options};
use crate::decoded;
use crate::parse::to_hex;
use cxlmi_cli::device_args::*;

/// Most bytes read or written by one subcommand (a log, the label storage area, a feature's
/// data), whatever size a component claims.
const MAX_TRANSFER: usize = 1 << 20;
/// Most requests a list is followed for (supported features, log sub-lists, scan media
/// results, media operations), whatever a component says of more.
const BATCHES: usize = 1024;
/// Parts are a multiple of this many bytes (a cache line, the unit of media addresses).
const PART_ALIGN: usize = 64;
/// The smallest message size a component may have: 2^8 bytes (CXL r3.1 section 8.2.9.1.1).
const MIN_MESSAGE_EXP: u8 = 8;
/// The largest: 2^20 bytes.
const MAX_MESSAGE_EXP: u8 = 20;
/// Bytes of the passphrase fields (CXL r3.1 Table 8-155).
const PASSPHRASE_LEN: usize = 32;
/// Set Feature's Data Transfer actions (CXL r3.1 Table 8-101): full, initiate, continue,
/// finish, abort; bit 3 saves the value across resets.
const FEATURE_FULL: u32 = 0;
const FEATURE_INITIATE: u32 = 1;
const FEATURE_CONTINUE: u32 = 2;
const FEATURE_FINISH: u32 = 3;
const FEATURE_ABORT: u32 = 4;
const FEATURE_SAVED: u32 = 1 << 3;
/// Perform Maintenance operation classes (CXL r3.1 Table 8-102).
const MAINTENANCE_PPR: u8 = 0x01;
const MAINTENANCE_SPARING: u8 = 0x02;
/// Media Operations classes and subclasses (CXL r3.2 Table 8-149).
const MEDIA_OPS_GENERAL: u8 = 0x00;
const MEDIA_OPS_SANITIZE: u8 = 0x01;
const MEDIA_OPS_SUBCLASS_SANITIZE: u8 = 0x00;
const MEDIA_OPS_SUBCLASS_ZERO: u8 = 0x01;
/// More Media Error Records, bit 0 of Get Scan Media Results' flags (CXL r3.1 Table 8-146).
const SCAN_MORE: u8 = 0x01;

pub(super) fn run(s: &mut Session, command: &DeviceCommand, opts: &Options) -> Result<Output, Failure> {
    let value = match command {
        DeviceCommand::ShutdownState { action, .. } => shutdown_state(s, action.unwrap_or(ShutdownStateAction::Get))?,
        DeviceCommand::ResponseLimit { action, .. } => response_limit(s, action.unwrap_or(ResponseLimitAction::Get))?,
        DeviceCommand::InterruptPolicy { action, .. } => {
            interrupt_policy(s, action.unwrap_or(InterruptPolicyAction::Get))?
        }
        DeviceCommand::MctpInterruptPolicy { action, .. } => {
            mctp_interrupt_policy(s, action.as_ref().unwrap_or(&MctpInterruptPolicyAction::Get))?
        }
        DeviceCommand::Features { action, .. } => {
            return features(s, action.as_ref().unwrap_or(&FeaturesAction::List), opts);
        }
        DeviceCommand::Log { action, .. } => return log(s, action, opts),
        DeviceCommand::PerformMaintenance { action, .. } => perform_maintenance(s, action)?,
        DeviceCommand::AlertConfig { action, .. } => {
            alert_config(s, action.as_ref().unwrap_or(&AlertConfigAction::Get))?
        }
        DeviceCommand::Lsa { action, .. } => return lsa(s, action, opts),
        DeviceCommand::ScanMedia { action, .. } => {
            scan_media(s, action.as_ref().unwrap_or(&ScanMediaAction::Results), opts)?
        }
        DeviceCommand::SecureErase { wait, .. } => secure_erase(s, *wait, opts)?,
        DeviceCommand::Security { action, .. } => security(s, action.as_ref().unwrap_or(&SecurityAction::State), opts)?,
        DeviceCommand::SecurityReceive { protocol, sp_specific, .. } => {
            return security_receive(s, *protocol, *sp_specific);
        }
        DeviceCommand::SecuritySend { protocol, data, sp_specific, .. } => {
            security_send(s, *protocol, &data.0, *sp_specific)?
        }
        DeviceCommand::MediaOperations { action, .. } => {
            media_operations(s, action.as_ref().unwrap_or(&MediaOperationsAction::Discovery), opts)?
        }
        DeviceCommand::SldQos { action, .. } => sld_qos(s, action.as_ref().unwrap_or(&SldQosAction::Control))?,
        DeviceCommand::DcAddResponse { extents, more, .. } => dc_extents_change(s, extents, *more, false)?,
        DeviceCommand::DcRelease { extents, more, .. } => dc_extents_change(s, extents, *more, true)?,
    };
    Ok(value.into())
}

/// A failure of the system (a file that cannot be read or written): status 4.
fn system(s: &Session, why: String) -> Failure {
    failure(EXIT_OPEN, "system", &s.target, s.cmd, why, None)
}

/// Bytes of payload one message to the component carries at most, either way. Through a kernel
/// mailbox, what the kernel says its payloads hold; otherwise the smaller of the component's
/// Maximum Supported Message Size (Identify) and Response Message Limit (0003h), each a whole
/// message of 2^n bytes (CXL r3.1 sections 8.2.9.1.1 and 8.2.9.1.3), less its header and each
/// tunnel's framing. What the component does not say counts as the least the specification
/// allows, 256 bytes.
fn message_room(s: &mut Session) -> usize {
    if let Some(mode) = s.ep.mailbox_mode() {
        return mode.payload_max().min(MAX_TRANSFER);
    }
    let identify = s.ep.execute::<Identify>(s.tunnel, &()).map(|id| id.max_msg_size).ok();
    let limit = s.ep.execute::<GetResponseMsgLimit>(s.tunnel, &()).map(|l| l.limit).ok();
    let exp =
        identify.into_iter().chain(limit).min().unwrap_or(MIN_MESSAGE_EXP).clamp(MIN_MESSAGE_EXP, MAX_MESSAGE_EXP);
    let levels = match s.tunnel {
        Tunnel::None => 0,
        Tunnel::Port(_) | Tunnel::LdPool => 1,
        Tunnel::PortThenLd { .. } => 2,
    };
    let framing = HEADER_LEN + levels * (HEADER_LEN + cxlmi::tunnel::REQUEST_HEADER_LEN);
    (1usize << exp).saturating_sub(framing)
}

/// The bytes of data a part carries when `head` bytes of request precede them in `room`: a
/// multiple of [`PART_ALIGN`], at least one.
fn part_len(room: usize, head: usize) -> usize {
    (room.saturating_sub(head) / PART_ALIGN * PART_ALIGN).max(PART_ALIGN)
}

/// Reads `path`, refusing more than `max` bytes.
fn read_input(s: &Session, path: &Path, max: usize) -> Result<Vec<u8>, Failure> {
    use std::io::Read;
    let mut data = Vec::new();
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    if let Err(e) = std::fs::File::open(path).and_then(|f| f.take(limit).read_to_end(&mut data)) {
        return Err(system(s, format!("cannot read {}: {e}", path.display())));
    }
    if data.len() > max {
        return Err(s.usage(format!("{} is larger than {max} bytes", path.display())));
    }
    Ok(data)
}

/// Writes `data` to `path`.
fn write_output(s: &Session, path: &Path, data: &[u8]) -> Result<(), Failure> {
    std::fs::write(path, data).map_err(|e| system(s, format!("cannot write {}: {e}", path.display())))
}

/// A result that carries bytes: `data` is their hex in JSON (or `null` when they went to a file)
/// and a hex dump, addressed from `base`, in text.
fn with_data(mut value: Value, data: Option<&[u8]>, base: u64) -> Output {
    value["data"] = data.map_or(Value::Null, |d| json!(to_hex(d)));
    let mut shown = value.clone();
    if let Value::Object(m) = &mut shown {
        m.shift_remove("data");
    }
    let mut text = crate::render::human(&shown);
    match data {
        Some([]) => text.push_str("data  (none)\n"),
        Some(bytes) => {
            text.push_str("data:\n");
            for (i, line) in bytes.chunks(16).enumerate() {
                let at = base.saturating_add((i as u64).saturating_mul(16));
                let hex: Vec<String> = line.iter().map(|b| format!("{b:02x}")).collect();
                text.push_str(&format!("  {at:08x}  {}\n", hex.join(" ")));
            }
        }
        None => {}
    }
    Output { value, text: Some(text) }
}

/// Get Shutdown State (4203h), after Set Shutdown State (4204h) when asked.
fn shutdown_state(s: &mut Session, action: ShutdownStateAction) -> Result<Value, Failure> {
    let dirty = match action {
        ShutdownStateAction::Get => None,
        ShutdownStateAction::Clean => Some(0),
        ShutdownStateAction::Dirty => Some(1),
    };
    if let Some(state) = dirty {
        s.exec::<SetShutdownState, _>(&cxlmi_cmd_memdev_set_shutdown_state_req { state }, |_| ())?;
    }
    s.exec::<GetShutdownState, _>(&(), |st| decoded::of(&st))
}

/// Get Response Message Limit (0003h), after Set Response Message Limit (0004h) when asked.
fn response_limit(s: &mut Session, action: ResponseLimitAction) -> Result<Value, Failure> {
    let set = match action {
        ResponseLimitAction::Get => None,
        ResponseLimitAction::Set { bytes } => {
            s.exec::<SetResponseMsgLimit, _>(&cxlmi_cmd_set_response_msg_limit_req { limit: bytes }, |_| ())?;
            Some(1u64 << bytes)
        }
    };
    let mut v = s.exec::<GetResponseMsgLimit, _>(&(), |l| decoded::of(&l))?;
    if let Some(bytes) = set {
        v["set_bytes"] = json!(bytes);
    }
    Ok(v)
}

/// Get Event Interrupt Policy (0102h), after Set Event Interrupt Policy (0103h) of the logs
/// given (the others keep the settings read first).
fn interrupt_policy(s: &mut Session, action: InterruptPolicyAction) -> Result<Value, Failure> {
    if let InterruptPolicyAction::Set { info, warn, fail, fatal, dcd } = action {
        if [info, warn, fail, fatal, dcd].iter().all(Option::is_none) {
            return Err(s.usage("set: give the mode of at least one log (--info, --warn, --fail, --fatal, --dcd)"));
        }
        let now = s.exec::<GetEventInterruptPolicy, _>(&(), |p| p)?;
        #[cfg(feature = "cxl2_0")]
        if dcd.is_some() {
            return Err(s.usage("--dcd: the CXL 2.0 layout has no dynamic capacity event log"));
        }
        let req = cxlmi_cmd_set_event_interrupt_policy_req {
            informational_settings: info.unwrap_or(now.informational_settings),
            warning_settings: warn.unwrap_or(now.warning_settings),
            failure_settings: fail.unwrap_or(now.failure_settings),
            fatal_settings: fatal.unwrap_or(now.fatal_settings),
            #[cfg(not(feature = "cxl2_0"))]
            dcd_settings: dcd.unwrap_or(now.dcd_settings),
        };
        s.exec::<SetEventInterruptPolicy, _>(&req, |_| ())?;
    }
    s.exec::<GetEventInterruptPolicy, _>(&(), |p| decoded::of(&p))
}

/// Get MCTP Event Interrupt Policy (0104h), after Set MCTP Event Interrupt Policy (0105h).
fn mctp_interrupt_policy(s: &mut Session, action: &MctpInterruptPolicyAction) -> Result<Value, Failure> {
    if let MctpInterruptPolicyAction::Set { events } = action {
        let settings = events.iter().fold(0u16, |bits, e| bits | e.bit());
        let req = cxlmi_cmd_set_mctp_event_interrupt_policy_req { event_interrupt_settings: settings };
        s.exec::<SetMctpEventInterruptPolicy, _>(&req, |_| ())?;
    }
    s.exec::<GetMctpEventInterruptPolicy, _>(&(), |p| decoded::of(&p))
}

// Features (CXL r3.2 section 8.2.10.6).

/// Every supported feature: Get Supported Features (0500h) from index 0 until the component's
/// count is reached or a batch brings none.
fn feature_list(
    s: &mut Session,
    room: usize,
) -> Result<(cxlmi_cmd_get_supported_features_rsp, Vec<cxlmi_supported_feature_entry>), Failure> {
    let per =
        (room.saturating_sub(cxlmi_cmd_get_supported_features_rsp::SIZE) / cxlmi_supported_feature_entry::SIZE).max(1);
    let count = u32::try_from(per * cxlmi_supported_feature_entry::SIZE).unwrap_or(u32::MAX);
    let mut all = Vec::new();
    let mut first = None;
    for _ in 0..BATCHES {
        let Ok(start) = u16::try_from(all.len()) else { break };
        let req = cxlmi_cmd_get_supported_features_req { count, starting_feature_index: start, rsvd: [0; 2] };
        let (head, got) = s.exec::<GetSupportedFeatures, _>(&req, |l| (l.head, l.entries().collect::<Vec<_>>()))?;
        let total = usize::from(head.device_supported_features);
        first.get_or_insert(head);
        let n = got.len();
        all.extend(got);
        if n == 0 || all.len() >= total {
            break;
        }
    }
    all.truncate(usize::from(u16::MAX));
    let mut head = first.unwrap_or(cxlmi_cmd_get_supported_features_rsp::zeroed());
    head.num_supported_feature_entries = all.len() as u16;
    Ok((head, all))
}

/// The supported-feature entry of `id`, if the component lists it.
fn feature_entry(
    s: &mut Session,
    room: usize,
    id: &[u8; 16],
) -> Result<Option<cxlmi_supported_feature_entry>, Failure> {
    Ok(feature_list(s, room)?.1.into_iter().find(|e| e.feature_id == *id))
}

/// `length` bytes of feature `id` from `offset`: Get Feature (0501h) in parts.
fn feature_data(
    s: &mut Session,
    room: usize,
    id: [u8; 16],
    selection: Selection,
    offset: u16,
    length: usize,
    bar: &indicatif::ProgressBar,
) -> Result<Vec<u8>, Failure> {
    let part = part_len(room, 0).min(CXL_MAILBOX_MAX_PAYLOAD_SIZE);
    let mut data = Vec::with_capacity(length);
    while data.len() < length {
        let at = usize::from(offset).checked_add(data.len()).and_then(|a| u16::try_from(a).ok());
        let Some(at) = at else { return Err(s.usage("the feature data goes past offset 65535")) };
        let count = u16::try_from((length - data.len()).min(part)).unwrap_or(u16::MAX);
        let req = cxlmi_cmd_get_feature_req { feature_id: id, offset: at, count, selection: selection.raw() };
        let got = s.exec::<GetFeature, _>(&req, |d| d.to_vec())?;
        if got.is_empty() {
            break;
        }
        bar.inc(got.len() as u64);
        data.extend(got);
    }
    Ok(data)
}

fn features(s: &mut Session, action: &FeaturesAction, opts: &Options) -> Result<Output, Failure> {
    let room = message_room(s);
    match action {
        FeaturesAction::List => {
            let (head, entries) = feature_list(s, room)?;
            Ok(decoded::object(&decode::generic::supported_features(&head, &entries)).into())
        }
        FeaturesAction::Get { feature, selection, offset, length, out } => {
            let length = match length {
                Some(n) => usize::from(*n),
                None => {
                    let Some(entry) = feature_entry(s, room, feature)? else {
                        return Err(s.usage("the component lists no such feature (give --length to read it anyway)"));
                    };
                    let size = usize::from(entry.get_feature_size);
                    size.checked_sub(usize::from(*offset))
                        .ok_or_else(|| s.usage(format!("--offset {offset} is past the feature's {size} bytes")))?
                }
            };
            let bar = progress(opts.json, length as u64, "get feature");
            let data = feature_data(s, room, *feature, *selection, *offset, length, &bar);
            bar.finish_and_clear();
            let data = data?;
            if let Some(path) = out {
                write_output(s, path, &data)?;
            }
            let v = json!({
                "feature_id": decoded::value(&decode::uuid(feature)),
                "selection": selection.name(),
                "offset": offset,
                "length_bytes": data.len(),
                "file": out.as_ref().map(|p| p.display().to_string()),
            });
            Ok(with_data(v, out.is_none().then_some(&data[..]), u64::from(*offset)))
        }
        FeaturesAction::Set { feature, data, file, save, version } => {
            let bytes = match (data, file) {
                (Some(d), _) => d.0.clone(),
                (None, Some(path)) => read_input(s, path, usize::from(u16::MAX))?,
                (None, None) => return Err(s.usage("give the data: --data HEX or --file FILE")),
            };
            if bytes.is_empty() {
                return Err(s.usage("no feature data to set"));
            }
            if bytes.len() > usize::from(u16::MAX) {
                return Err(s.usage(format!("{} bytes of feature data: at most 65535", bytes.len())));
            }
            let entry = match (version, feature_entry(s, room, feature)) {
                (_, Ok(entry)) => entry,
                (Some(_), Err(_)) => None,
                (None, Err(f)) => return Err(f),
            };
            let Some(version) = version.or(entry.map(|e| e.set_feature_version)) else {
                return Err(s.usage("the component lists no such feature (give --version to set it anyway)"));
            };
            let bar = progress(opts.json, bytes.len() as u64, "set feature");
            let parts = set_feature(s, room, *feature, &bytes, *save, version, &bar);
            bar.finish_and_clear();
            let parts = parts?;
            // The value now in effect, read back when the component says how long it is.
            let current = match entry.map(|e| usize::from(e.get_feature_size)) {
                Some(n) => {
                    let hidden = indicatif::ProgressBar::hidden();
                    Some(feature_data(s, room, *feature, Selection::Current, 0, n, &hidden)?)
                }
                None => None,
            };
            let v = json!({
                "feature_id": decoded::value(&decode::uuid(feature)),
                "version": version,
                "saved": save,
                "length_bytes": bytes.len(),
                "parts": parts,
            });
            Ok(with_data(v, current.as_deref(), 0))
        }
    }
}

/// Set Feature (0502h): all of `data` in one full transfer when it fits a message, else in
/// parts (initiate, continue, finish), aborted when a part fails. Returns the parts sent.
fn set_feature(
    s: &mut Session,
    room: usize,
    id: [u8; 16],
    data: &[u8],
    save: bool,
    version: u8,
    bar: &indicatif::ProgressBar,
) -> Result<usize, Failure> {
    let part = part_len(room, cxlmi_cmd_set_feature_req::SIZE);
    let parts = data.len().div_ceil(part);
    let saved = if save { FEATURE_SAVED } else { 0 };
    let head = |action: u32, offset: u16| cxlmi_cmd_set_feature_req {
        feature_id: id,
        set_feature_flags: action | saved,
        offset,
        version,
        rsvd: [0; 9],
        feature_data: [],
    };
    for (i, chunk) in data.chunks(part).enumerate() {
        let action = match (parts, i) {
            (1, _) => FEATURE_FULL,
            (_, 0) => FEATURE_INITIATE,
            (n, i) if i + 1 == n => FEATURE_FINISH,
            _ => FEATURE_CONTINUE,
        };
        // data is at most 65535 bytes, so every offset in it fits.
        let offset = u16::try_from(i * part).unwrap_or(u16::MAX);
        if let Err(f) = s.exec_waiting::<SetFeature>(&WithData { head: head(action, offset), data: chunk }) {
            if parts > 1 && i > 0 {
                let _ = s.ep.execute::<SetFeature>(s.tunnel, &WithData { head: head(FEATURE_ABORT, 0), data: &[] });
            }
            return Err(f);
        }
        bar.inc(chunk.len() as u64);
    }
    Ok(parts)
}

// Logs (CXL r3.1 section 8.2.9.5).

/// A log's UUID and name, as the tool shows them.
fn log_value(id: &LogId) -> Value {
    json!({"uuid": decoded::value(&decode::uuid(&id.0)), "name": decode::generic::log_name(&id.0)})
}

/// The size the component lists for log `id`, if it lists it.
fn log_size(s: &mut Session, id: &LogId) -> Result<Option<u32>, Failure> {
    let logs = s.exec::<GetSupportedLogs, _>(&(), |l| l.entries().collect::<Vec<_>>())?;
    Ok(logs.iter().find(|l| l.uuid == id.0).map(|l| l.log_size))
}

fn log(s: &mut Session, action: &LogAction, opts: &Options) -> Result<Output, Failure> {
    let value = match action {
        LogAction::Get { log, offset, length, out } => return log_get(s, log, *offset, *length, out.as_deref(), opts),
        LogAction::Capabilities { log } => {
            let req = cxlmi_cmd_get_log_capabilities_req { uuid: log.0 };
            let caps = s.exec::<GetLogCapabilities, _>(&req, |c| decoded::of(&c))?;
            merged(log_value(log), caps)
        }
        LogAction::Clear { log } => {
            let what = match decode::generic::log_name(&log.0) {
                Some(name) => format!("clear the {name} log"),
                None => "clear the log".to_string(),
            };
            s.confirm(opts, &what)?;
            s.exec::<ClearLog, _>(&cxlmi_cmd_clear_log_req { uuid: log.0 }, |_| ())?;
            let size = log_size(s, log)?;
            merged(log_value(log), json!({"cleared": true, "log_size_bytes": size}))
        }
        LogAction::Populate { log } => {
            s.exec_waiting::<PopulateLog>(&cxlmi_cmd_populate_log_req { uuid: log.0 })?;
            let size = log_size(s, log)?;
            merged(log_value(log), json!({"populated": true, "log_size_bytes": size}))
        }
        LogAction::Sublist { start } => log_sublist(s, *start)?,
    };
    Ok(value.into())
}

/// Get Log (0401h) in parts: `length` bytes from `offset`, by default to the end of the log
/// (at most [`MAX_TRANSFER`]).
fn log_get(
    s: &mut Session,
    id: &LogId,
    offset: u32,
    length: Option<u32>,
    out: Option<&Path>,
    opts: &Options,
) -> Result<Output, Failure> {
    let size = log_size(s, id)?;
    let length = match (length, size) {
        (Some(n), _) => {
            if n as usize > MAX_TRANSFER {
                return Err(s.usage(format!("--length {n}: at most {MAX_TRANSFER} bytes are read at once")));
            }
            n
        }
        (None, Some(size)) => {
            let left = size
                .checked_sub(offset)
                .ok_or_else(|| s.usage(format!("--offset {offset} is past the log's {size} bytes")))?;
            if left as usize > MAX_TRANSFER {
                eprintln!("cxlmi: {}: log: reading the first {MAX_TRANSFER} of {left} bytes", s.target);
            }
            left.min(MAX_TRANSFER as u32)
        }
        (None, None) => return Err(s.usage("the component lists no such log (give --length to read it anyway)")),
    };
    if offset.checked_add(length).is_none() {
        return Err(s.usage("--offset and --length go past 4 GiB"));
    }
    let part = part_len(message_room(s), 0);
    let bar = progress(opts.json, length.into(), "get log");
    let mut data = Vec::with_capacity(length as usize);
    let mut read = || -> Result<(), Failure> {
        while data.len() < length as usize {
            // Within offset + length, which fits a u32 (checked above).
            let at = offset + data.len() as u32;
            let n = (length as usize - data.len()).min(part) as u32;
            let req = cxlmi_cmd_get_log_req { uuid: id.0, offset: at, length: n };
            let got = s.exec::<GetLog, _>(&req, |d| d.to_vec())?;
            bar.inc(got.len() as u64);
            data.extend(got);
        }
        Ok(())
    };
    let r = read();
    bar.finish_and_clear();
    r?;
    if let Some(path) = out {
        write_output(s, path, &data)?;
    }
    let v = merged(
        log_value(id),
        json!({
            "log_size_bytes": size,
            "offset": offset,
            "length_bytes": data.len(),
            "file": out.map(|p| p.display().to_string()),
        }),
    );
    Ok(with_data(v, out.is_none().then_some(&data[..]), offset.into()))
}

/// Get Supported Logs Sub-List (0405h) from `start` on, until the component's total is reached
/// or a batch brings none.
fn log_sublist(s: &mut Session, start: u8) -> Result<Value, Failure> {
    let room = message_room(s);
    let per = room.saturating_sub(cxlmi_cmd_get_supported_logs_sublist_rsp::SIZE) / cxlmi_supported_log_entry::SIZE;
    let max = u8::try_from(per.clamp(1, CXLMI_MAX_SUPPORTED_LOGS)).unwrap_or(u8::MAX);
    let mut all = Vec::new();
    let mut first = None;
    for _ in 0..BATCHES {
        let Some(index) = usize::from(start).checked_add(all.len()).and_then(|i| u8::try_from(i).ok()) else { break };
        let req =
            cxlmi_cmd_get_supported_logs_sublist_req { max_supported_log_entries: max, start_log_entry_index: index };
        let (head, got) = s.exec::<GetSupportedLogsSublist, _>(&req, |l| (l.head, l.entries().collect::<Vec<_>>()))?;
        let total = usize::from(head.total_num_supported_log_entries);
        first.get_or_insert(head);
        let n = got.len();
        all.extend(got);
        if n == 0 || usize::from(start) + all.len() >= total {
            break;
        }
    }
    let mut head = first.unwrap_or(cxlmi_cmd_get_supported_logs_sublist_rsp::zeroed());
    all.truncate(usize::from(u8::MAX));
    head.num_supported_log_entries = all.len() as u8;
    Ok(decoded::object(&decode::generic::supported_logs_sublist(&head, &all)))
}

/// Perform Maintenance (0600h): its class, subclass and parameters, waited for when it runs in
/// the background.
fn perform_maintenance(s: &mut Session, action: &MaintenanceAction) -> Result<Value, Failure> {
    let (class, subclass, parameters) = match action {
        MaintenanceAction::Ppr { dpa, hard, query, nibble_mask } => {
            let mask = nibble_mask.unwrap_or(0xff_ffff).to_le_bytes();
            let p = cxlmi_maintenance_ppr_params {
                flags: u8::from(*query),
                dpa: *dpa,
                nibble_mask: [mask[0], mask[1], mask[2]],
            };
            (MAINTENANCE_PPR, u8::from(*hard), to_vec(&p))
        }
        MaintenanceAction::Sparing {
            level,
            channel,
            rank,
            bank_group,
            bank,
            row,
            column,
            sub_channel,
            nibble_mask,
            hard,
            query,
        } => {
            // What each level names (CXL r3.1 Table 8-105): a cacheline down to its column,
            // a row, a bank, or a whole rank.
            let needs: &[(&str, bool)] = match level {
                SparingLevel::Cacheline => &[
                    ("--bank-group", bank_group.is_some()),
                    ("--bank", bank.is_some()),
                    ("--row", row.is_some()),
                    ("--column", column.is_some()),
                ],
                SparingLevel::Row => {
                    &[("--bank-group", bank_group.is_some()), ("--bank", bank.is_some()), ("--row", row.is_some())]
                }
                SparingLevel::Bank => &[("--bank-group", bank_group.is_some()), ("--bank", bank.is_some())],
                SparingLevel::Rank => &[],
            };
            let missing: Vec<&str> = needs.iter().filter(|(_, given)| !given).map(|(name, _)| *name).collect();
            if !missing.is_empty() {
                let level = level.to_possible_value().map_or_else(String::new, |v| v.get_name().to_string());
                return Err(s.usage(format!("{level} sparing needs {}", missing.join(", "))));
            }
            let mask = nibble_mask.unwrap_or(0xff_ffff).to_le_bytes();
            let row = row.unwrap_or(0).to_le_bytes();
            let flags = u8::from(*query)
                | u8::from(*hard) << 1
                | u8::from(sub_channel.is_some()) << 2
                | u8::from(nibble_mask.is_some()) << 3;
            let p = cxlmi_maintenance_sparing_params {
                flags,
                channel: *channel,
                rank: *rank,
                nibble_mask: [mask[0], mask[1], mask[2]],
                bank_group: bank_group.unwrap_or(0),
                bank: bank.unwrap_or(0),
                row: [row[0], row[1], row[2]],
                column: column.unwrap_or(0),
                sub_channel: sub_channel.unwrap_or(0),
            };
            (MAINTENANCE_SPARING, *level as u8, to_vec(&p))
        }
        MaintenanceAction::Operation { class, subclass, parameters } => {
            (*class, *subclass, parameters.as_ref().map_or_else(Vec::new, |p| p.0.clone()))
        }
    };
    let head =
        cxlmi_cmd_perform_maintenance_req { operation_class: class, operation_subclass: subclass, parameters: [] };
    s.exec_waiting::<PerformMaintenance>(&WithData { head, data: &parameters })?;
    let names = cxlmi::decode::Object::new()
        .with("operation_class", cxlmi::decode::enumeration(class.into(), &cxlmi::decode::events::MAINT_OP_CLASS))
        .with("operation_subclass", cxlmi::decode::events::maint_op_subclass(class, subclass));
    let names = decoded::object(&names);
    Ok(json!({
        "operation_class": names["operation_class"],
        "operation_subclass": names["operation_subclass"],
        "parameters": to_hex(&parameters),
        "performed": true,
    }))
}

/// Get Alert Configuration (4201h), after Set Alert Configuration (4202h) of the warnings given:
/// each threshold given is set and its warning enabled, each warning disabled keeps its
/// threshold; the valid bit of both says so (CXL r3.1 Table 8-136), the others are left alone.
fn alert_config(s: &mut Session, action: &AlertConfigAction) -> Result<Value, Failure> {
    if let AlertConfigAction::Set {
        life_used_warning,
        over_temperature_warning,
        under_temperature_warning,
        corrected_volatile_warning,
        corrected_persistent_warning,
        disable,
    } = action
    {
        let given = [
            (Alert::LifeUsed, life_used_warning.is_some()),
            (Alert::OverTemperature, over_temperature_warning.is_some()),
            (Alert::UnderTemperature, under_temperature_warning.is_some()),
            (Alert::CorrectedVolatile, corrected_volatile_warning.is_some()),
            (Alert::CorrectedPersistent, corrected_persistent_warning.is_some()),
        ];
        if let Some((both, _)) = given.iter().find(|(a, set)| *set && disable.contains(a)) {
            let name = both.to_possible_value().map_or_else(String::new, |v| v.get_name().to_string());
            return Err(s.usage(format!("the {name} warning is both set and disabled")));
        }
        let enable = given.iter().filter(|(_, set)| *set).fold(0u8, |bits, (a, _)| bits | a.bit());
        let valid = disable.iter().fold(enable, |bits, a| bits | a.bit());
        if valid == 0 {
            return Err(s.usage("set: give a warning threshold to set, or --disable WARNING"));
        }
        let now = s.exec::<GetAlertConfig, _>(&(), |a| a)?;
        let req = cxlmi_cmd_memdev_set_alert_config_req {
            valid_alert_actions: valid,
            enable_alert_actions: enable,
            life_used_programmable_warning_threshold: life_used_warning
                .unwrap_or(now.life_used_programmable_warning_threshold),
            rsvd1: 0,
            device_over_temperature_programmable_warning_threshold: over_temperature_warning
                .map_or(now.device_over_temperature_programmable_warning_threshold, |c| c as u16),
            device_under_temperature_programmable_warning_threshold: under_temperature_warning
                .map_or(now.device_under_temperature_programmable_warning_threshold, |c| c as u16),
            corrected_volatile_mem_error_programmable_warning_threshold: corrected_volatile_warning
                .unwrap_or(now.corrected_volatile_mem_error_programmable_warning_threshold),
            corrected_persistent_mem_error_programmable_warning_threshold: corrected_persistent_warning
                .unwrap_or(now.corrected_persistent_mem_error_programmable_warning_threshold),
        };
        s.exec::<SetAlertConfig, _>(&req, |_| ())?;
    }
    s.exec::<GetAlertConfig, _>(&(), |a| decoded::of(&a))
}

// The label storage area (CXL r3.1 section 8.2.9.9.2).

/// The label storage area's size, from Identify Memory Device.
fn lsa_size(s: &mut Session) -> Result<u32, Failure> {
    s.exec::<MemdevIdentify, _>(&(), |m| m.lsa_size)
}

/// `length` bytes of the label storage area from `offset`: Get LSA (4102h) in parts.
fn lsa_bytes(
    s: &mut Session,
    room: usize,
    offset: u32,
    length: u32,
    bar: &indicatif::ProgressBar,
) -> Result<Vec<u8>, Failure> {
    let part = part_len(room, 0);
    let mut data = Vec::with_capacity(length as usize);
    while data.len() < length as usize {
        // Within offset + length, which the callers check fits a u32.
        let at = offset + data.len() as u32;
        let n = (length as usize - data.len()).min(part) as u32;
        let got = s.exec::<GetLsa, _>(&cxlmi_cmd_memdev_get_lsa_req { offset: at, length: n }, |d| d.to_vec())?;
        bar.inc(got.len() as u64);
        data.extend(got);
    }
    Ok(data)
}

fn lsa(s: &mut Session, action: &LsaAction, opts: &Options) -> Result<Output, Failure> {
    let size = lsa_size(s)?;
    let room = message_room(s);
    match action {
        LsaAction::Read { offset, length, out } => {
            let left = size
                .checked_sub(*offset)
                .ok_or_else(|| s.usage(format!("--offset {offset} is past the area's {size} bytes")))?;
            let length = match length {
                Some(n) if *n > left => {
                    return Err(s.usage(format!("--offset {offset} --length {n} is past the area's {size} bytes")));
                }
                Some(n) if *n as usize > MAX_TRANSFER => {
                    return Err(s.usage(format!("--length {n}: at most {MAX_TRANSFER} bytes are read at once")));
                }
                Some(n) => *n,
                None => {
                    if left as usize > MAX_TRANSFER {
                        eprintln!("cxlmi: {}: lsa: reading the first {MAX_TRANSFER} of {left} bytes", s.target);
                    }
                    left.min(MAX_TRANSFER as u32)
                }
            };
            let bar = progress(opts.json, length.into(), "read LSA");
            let data = lsa_bytes(s, room, *offset, length, &bar);
            bar.finish_and_clear();
            let data = data?;
            if let Some(path) = out {
                write_output(s, path, &data)?;
            }
            let v = json!({
                "lsa_size_bytes": size,
                "offset": offset,
                "length_bytes": data.len(),
                "file": out.as_ref().map(|p| p.display().to_string()),
            });
            Ok(with_data(v, out.is_none().then_some(&data[..]), (*offset).into()))
        }
        LsaAction::Write { file, offset, verify } => {
            let data = read_input(s, file, MAX_TRANSFER)?;
            if data.is_empty() {
                return Err(s.usage(format!("{} is empty", file.display())));
            }
            // At most MAX_TRANSFER bytes, so the length fits a u32.
            let fits = offset.checked_add(data.len() as u32).is_some_and(|end| end <= size);
            if !fits {
                let why = format!("{} bytes at offset {offset} go past the area's {size} bytes", data.len());
                return Err(s.usage(why));
            }
            let part = part_len(room, cxlmi_cmd_memdev_set_lsa_req::SIZE);
            let parts = data.len().div_ceil(part);
            let bar = progress(opts.json, data.len() as u64, "write LSA");
            let mut write = || -> Result<(), Failure> {
                for (i, chunk) in data.chunks(part).enumerate() {
                    let head = cxlmi_cmd_memdev_set_lsa_req { offset: offset + (i * part) as u32, rsvd: 0, data: [] };
                    s.exec::<SetLsa, _>(&WithData { head, data: chunk }, |_| ())?;
                    bar.inc(chunk.len() as u64);
                }
                Ok(())
            };
            let r = write();
            bar.finish_and_clear();
            r?;
            let verified = if *verify {
                let back = lsa_bytes(s, room, *offset, data.len() as u32, &indicatif::ProgressBar::hidden())?;
                if let Some(at) = back.iter().zip(&data).position(|(a, b)| a != b).or_else(|| {
                    // A device that returned fewer bytes differs where they end.
                    (back.len() != data.len()).then_some(back.len().min(data.len()))
                }) {
                    let why =
                        format!("read back differs from {} at byte {}", file.display(), u64::from(*offset) + at as u64);
                    return Err(failure(EXIT_TRANSPORT, "transport", &s.target, s.cmd, why, None));
                }
                Some(true)
            } else {
                None
            };
            Ok(json!({
                "lsa_size_bytes": size,
                "offset": offset,
                "length_bytes": data.len(),
                "parts": parts,
                "file": file.display().to_string(),
                "verified": verified,
            })
            .into())
        }
    }
}

// Media scans (CXL r3.1 section 8.2.9.9.4).

/// A DPA range as the media commands take it: 64-byte aligned, its length in 64-byte units.
fn media_range(s: &Session, addr: u64, len: u64) -> Result<u64, Failure> {
    if addr % MEDIA_ERROR_UNIT != 0 {
        return Err(s.usage(format!("address {addr:#x} is not a multiple of 64")));
    }
    if len == 0 || len % MEDIA_ERROR_UNIT != 0 {
        return Err(s.usage(format!("length {len} is not a positive multiple of 64")));
    }
    if addr.checked_add(len).is_none() {
        return Err(s.usage("the range goes past the end of the address space"));
    }
    Ok(len / MEDIA_ERROR_UNIT)
}

/// Get Scan Media Results (4305h) while it says there are more, at most [`BATCHES`] times.
fn scan_media_results(s: &mut Session) -> Result<Value, Failure> {
    let mut records = Vec::new();
    let mut first: Option<cxlmi_cmd_memdev_get_scan_media_results_rsp> = None;
    let mut flags = 0;
    for _ in 0..BATCHES {
        let (head, got) = s.exec::<GetScanMediaResults, _>(&(), |l| (l.head, l.entries().collect::<Vec<_>>()))?;
        flags = head.scan_media_flags;
        first.get_or_insert(head);
        let n = got.len();
        records.extend(got);
        if n == 0 || flags & SCAN_MORE == 0 {
            break;
        }
    }
    let mut head = first.unwrap_or(cxlmi_cmd_memdev_get_scan_media_results_rsp::zeroed());
    // The last batch's word on more records; the first one's restart point.
    head.scan_media_flags = (head.scan_media_flags & !SCAN_MORE) | (flags & SCAN_MORE);
    records.truncate(usize::from(u16::MAX));
    head.media_error_count = records.len() as u16;
    Ok(decoded::object(&decode::memdev::scan_media_results(&head, &records)))
}

fn scan_media(s: &mut Session, action: &ScanMediaAction, opts: &Options) -> Result<Value, Failure> {
    match action {
        ScanMediaAction::Capabilities { addr, len } => {
            let units = media_range(s, *addr, *len)?;
            let req = cxlmi_cmd_memdev_get_scan_media_capabilities_req {
                get_scan_media_capabilities_start_physaddr: *addr,
                get_scan_media_capabilities_physaddr_length: units,
            };
            let caps = s.exec::<GetScanMediaCapabilities, _>(&req, |c| decoded::of(&c))?;
            Ok(merged(json!({"dpa": addr, "length_bytes": len}), caps))
        }
        ScanMediaAction::Start { addr, len, no_event_log, wait } => {
            let units = media_range(s, *addr, *len)?;
            let req = cxlmi_cmd_memdev_scan_media_req {
                scan_media_physaddr: *addr,
                scan_media_physaddr_length: units,
                scan_media_flags: u8::from(*no_event_log),
            };
            let (percent, rc) = run_background::<ScanMedia>(s, &req, "scan media", *wait, opts)?.1;
            let v = json!({
                "scan_dpa": addr,
                "scan_length_bytes": len,
                "event_log": !no_event_log,
                "percent": percent,
                "return_code": decoded::value(&decode::generic::retcode(rc)),
            });
            Ok(merged(v, scan_media_results(s)?))
        }
        ScanMediaAction::Results => scan_media_results(s),
    }
}

/// Sends `C`, and when it goes to the background follows it with a progress bar until it ends
/// (at most `wait`; Ctrl-C leaves it running). Returns whether it ran in the background, and
/// the percentage and return code it ended with; a return code other than success fails.
fn run_background<C: CxlCommand>(
    s: &mut Session,
    input: &C::Input<'_>,
    what: &str,
    wait: Duration,
    opts: &Options,
) -> Result<(bool, (u8, u16)), Failure> {
    match s.ep.execute::<C>(s.tunnel, input).map(|_| ()) {
        Ok(()) => return Ok((false, (100, 0))),
        Err(Error::Device(1)) => {}
        Err(e) => return Err(s.fail(&e)),
    }
    let bar = progress(opts.json, 100, what);
    let r = s.wait_background(C::OPCODE, Some(&bar), None, wait);
    bar.finish_and_clear();
    let (percent, rc, _) = r?;
    if rc != 0 {
        return Err(lib_failure(&s.target, s.cmd, &Error::Device(rc)));
    }
    Ok((true, (percent, rc)))
}

/// Secure Erase (4401h, destructive), followed to its end.
fn secure_erase(s: &mut Session, wait: Duration, opts: &Options) -> Result<Value, Failure> {
    s.confirm(opts, "secure erase erases all user data")?;
    let start = Instant::now();
    let (background, (percent, rc)) = run_background::<SecureErase>(s, &(), "secure erase", wait, opts)?;
    Ok(json!({
        "status": "done",
        "percent": percent,
        "background": background,
        "return_code": decoded::value(&decode::generic::retcode(rc)),
        "seconds": (start.elapsed().as_secs_f64() * 10.0).round() / 10.0,
    }))
}

// Security (CXL r3.1 section 8.2.9.9.6).

/// A passphrase as the commands take it: text, zero-padded to 32 bytes, or `0x` and hex. The
/// messages name the option, never the value.
fn passphrase(s: &Session, option: &str, text: &str) -> Result<[u8; PASSPHRASE_LEN], Failure> {
    let bytes = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => crate::parse::hex(hex).map_err(|_| s.usage(format!("{option}: not hex bytes after 0x")))?,
        None => text.as_bytes().to_vec(),
    };
    if bytes.is_empty() {
        return Err(s.usage(format!("{option}: an empty passphrase")));
    }
    if bytes.len() > PASSPHRASE_LEN {
        return Err(s.usage(format!("{option}: longer than {PASSPHRASE_LEN} bytes")));
    }
    let mut out = [0u8; PASSPHRASE_LEN];
    out[..bytes.len()].copy_from_slice(&bytes);
    Ok(out)
}

/// Get Security State (4500h), after the change asked for.
fn security(s: &mut Session, action: &SecurityAction, opts: &Options) -> Result<Value, Failure> {
    let reserved = [0u8; 0x1f];
    match action {
        SecurityAction::State => {}
        SecurityAction::SetPassphrase { kind, old, new } => {
            let current = match old {
                Some(old) => passphrase(s, "--old", old)?,
                None => [0; PASSPHRASE_LEN],
            };
            let req = cxlmi_cmd_memdev_set_passphrase_req {
                passphrase_type: kind.raw(),
                rsvd: reserved,
                current_passphrase: current,
                new_passphrase: passphrase(s, "--new", new)?,
            };
            s.exec::<SetPassphrase, _>(&req, |_| ())?;
        }
        SecurityAction::Disable { kind, passphrase: given } => {
            let req = cxlmi_cmd_memdev_disable_passphrase_req {
                passphrase_type: kind.raw(),
                rsvd: reserved,
                passphrase: passphrase(s, "--passphrase", given)?,
            };
            s.exec::<DisablePassphrase, _>(&req, |_| ())?;
        }
        SecurityAction::Unlock { passphrase: given } => {
            let req = cxlmi_cmd_memdev_unlock_req { current_passphrase: passphrase(s, "--passphrase", given)? };
            s.exec::<Unlock, _>(&req, |_| ())?;
        }
        SecurityAction::Freeze => {
            s.confirm(opts, "freeze the security state until the next cold reset (no passphrase change until then)")?;
            s.exec::<FreezeSecurityState, _>(&(), |_| ())?;
        }
        SecurityAction::PassphraseErase { kind, passphrase: given } => {
            let req = cxlmi_cmd_memdev_passphrase_secure_erase_req {
                passphrase_type: kind.raw(),
                rsvd: reserved,
                passphrase: passphrase(s, "--passphrase", given)?,
            };
            s.confirm(opts, "passphrase secure erase erases all user data")?;
            s.exec::<PassphraseSecureErase, _>(&req, |_| ())?;
        }
    }
    s.exec::<GetSecurityState, _>(&(), |st| decoded::of(&st))
}

/// Security Receive (4601h): the protocol's data.
fn security_receive(s: &mut Session, protocol: u8, sp_specific: u16) -> Result<Output, Failure> {
    let req = cxlmi_cmd_memdev_security_receive_req { security_protocol: protocol, sp_specific, rsvd: [0; 5] };
    let data = s.exec::<SecurityReceive, _>(&req, |d| d.to_vec())?;
    let v = json!({"security_protocol": protocol, "sp_specific": sp_specific, "length_bytes": data.len()});
    Ok(with_data(v, Some(&data), 0))
}

/// Security Send (4600h).
fn security_send(s: &mut Session, protocol: u8, data: &[u8], sp_specific: u16) -> Result<Value, Failure> {
    let head = cxlmi_cmd_memdev_security_send_req { security_protocol: protocol, sp_specific, rsvd: [0; 5], data: [] };
    s.exec::<SecuritySend, _>(&WithData { head, data }, |_| ())?;
    Ok(json!({"security_protocol": protocol, "sp_specific": sp_specific, "length_bytes": data.len()}))
}

/// Media Operations (4402h): the supported operations, from index 0 until the component's
/// total is reached; or sanitize or zero DPA ranges (destructive, waited for in the background).
fn media_operations(s: &mut Session, action: &MediaOperationsAction, opts: &Options) -> Result<Value, Failure> {
    let (subclass, ranges, what) = match action {
        MediaOperationsAction::Discovery => return media_operations_discovery(s),
        MediaOperationsAction::Sanitize { ranges } => {
            (MEDIA_OPS_SUBCLASS_SANITIZE, ranges, "sanitize the ranges given (their data are gone)")
        }
        MediaOperationsAction::Zero { ranges } => {
            (MEDIA_OPS_SUBCLASS_ZERO, ranges, "write zeroes over the ranges given (their data are gone)")
        }
    };
    s.confirm(opts, what)?;
    let items: Vec<cxlmi_cmd_memdev_media_ops_dpa_range_list_entry> = ranges
        .iter()
        .map(|r| cxlmi_cmd_memdev_media_ops_dpa_range_list_entry { starting_dpa: r.start, length: r.length })
        .collect();
    let head = cxlmi_cmd_memdev_media_operations_sanitize_req {
        media_operation_class: MEDIA_OPS_SANITIZE,
        media_operation_subclass: subclass,
        rsvd: [0; 2],
        dpa_range_count: 0,
        dpa_range_list: [],
    };
    s.exec_waiting::<MediaOperationsSanitize>(&WithItems { head, items: &items })?;
    let ranges: Vec<Value> = ranges.iter().map(|r| json!({"start_dpa": r.start, "length_bytes": r.length})).collect();
    Ok(json!({
        "operation": decoded::object(&decode::memdev::media_operation(MEDIA_OPS_SANITIZE, subclass)),
        "ranges": ranges,
    }))
}

fn media_operations_discovery(s: &mut Session) -> Result<Value, Failure> {
    let room = message_room(s);
    let per = room.saturating_sub(cxlmi_cmd_memdev_media_operations_discovery_rsp::SIZE)
        / cxlmi_cmd_memdev_media_ops_supported_list_entry::SIZE;
    let num_ops = u16::try_from(per.max(1)).unwrap_or(u16::MAX);
    let mut all = Vec::new();
    let mut first = None;
    for _ in 0..BATCHES {
        let Ok(start_index) = u16::try_from(all.len()) else { break };
        let req = cxlmi_cmd_memdev_media_operations_discovery_req {
            media_operation_class: MEDIA_OPS_GENERAL,
            media_operation_subclass: 0,
            rsvd: [0; 2],
            dpa_range_count: 0,
            discovery_osa: cxlmi_memdev_media_ops_discovery_osa { start_index, num_ops },
        };
        let (head, got) = s.exec::<MediaOperationsDiscovery, _>(&req, |l| (l.head, l.entries().collect::<Vec<_>>()))?;
        let total = usize::from(head.total_supported_ops);
        first.get_or_insert(head);
        let n = got.len();
        all.extend(got);
        if n == 0 || all.len() >= total {
            break;
        }
    }
    all.truncate(usize::from(u16::MAX));
    let mut head = first.unwrap_or(cxlmi_cmd_memdev_media_operations_discovery_rsp::zeroed());
    head.num_supported_ops = all.len() as u16;
    Ok(decoded::object(&decode::memdev::media_operations_discovery(&head, &all)))
}

/// SLD QoS: Get SLD QoS Control (4700h), after Set SLD QoS Control (4701h) of the values given
/// (the others as read first); or Get SLD QoS Status (4702h).
fn sld_qos(s: &mut Session, action: &SldQosAction) -> Result<Value, Failure> {
    match action {
        SldQosAction::Control => {}
        SldQosAction::Status => return s.exec::<GetSldQosStatus, _>(&(), |q| decoded::of(&q)),
        SldQosAction::Set {
            egress_port_congestion,
            temporary_throughput_reduction,
            egress_moderate_percent,
            egress_severe_percent,
            backpressure_sample_interval,
        } => {
            let given = egress_port_congestion.is_some()
                || temporary_throughput_reduction.is_some()
                || egress_moderate_percent.is_some()
                || egress_severe_percent.is_some()
                || backpressure_sample_interval.is_some();
            if !given {
                return Err(s.usage("set: give at least one value to change"));
            }
            let now = s.exec::<GetSldQosControl, _>(&(), |q| q)?;
            let bit = |v: Option<OnOff>, mask: u8, control: u8| match v {
                Some(OnOff::On) => control | mask,
                Some(OnOff::Off) => control & !mask,
                None => control,
            };
            let control = bit(*egress_port_congestion, 0b01, now.qos_telemetry_control);
            let control = bit(*temporary_throughput_reduction, 0b10, control);
            let req = cxlmi_cmd_memdev_set_sld_qos_control_req {
                qos_telemetry_control: control,
                egress_moderate_percentage: egress_moderate_percent.unwrap_or(now.egress_moderate_percentage),
                egress_severe_percentage: egress_severe_percent.unwrap_or(now.egress_severe_percentage),
                backpressure_sample_interval: backpressure_sample_interval.unwrap_or(now.backpressure_sample_interval),
            };
            s.exec::<SetSldQosControl, _>(&req, |_| ())?;
        }
    }
    s.exec::<GetSldQosControl, _>(&(), |q| decoded::of(&q))
}

/// Add Dynamic Capacity Response (4802h) or Release Dynamic Capacity (4803h) of `extents`,
/// then the extent list after it.
fn dc_extents_change(s: &mut Session, extents: &[DpaRange], more: bool, release: bool) -> Result<Value, Failure> {
    let items: Vec<cxlmi_memdev_dc_extent> =
        extents.iter().map(|e| cxlmi_memdev_dc_extent { start_dpa: e.start, len: e.length, rsvd: [0; 8] }).collect();
    let flags = u8::from(more);
    if release {
        let head = cxlmi_cmd_memdev_release_dc_req { updated_extent_list_size: 0, flags, rsvd1: [0; 3], extents: [] };
        s.exec::<ReleaseDc, _>(&WithItems { head, items: &items }, |_| ())?;
    } else {
        let head =
            cxlmi_cmd_memdev_add_dc_response_req { updated_extent_list_size: 0, flags, rsvd1: [0; 3], extents: [] };
        s.exec::<AddDcResponse, _>(&WithItems { head, items: &items }, |_| ())?;
    }
    let changed: Vec<Value> = extents.iter().map(|e| json!({"start_dpa": e.start, "length_bytes": e.length})).collect();
    let mut v = super::dc(s, DcAction::Extents)?;
    v[if release { "released" } else { "accepted" }] = Value::Array(changed);
    Ok(v)
}
