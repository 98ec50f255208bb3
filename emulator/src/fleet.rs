//! An emulated fabric of many components, for trying and testing a fleet
//! monitor or an exporter at scale without hardware: a [`Fleet`] is a
//! [`Source`] listing its members as `emu:MODEL-INDEX`, each answering as
//! its model does, optionally late (a response latency), or not at all
//! (silent), or gone (removed) and back again with its state kept.
//!
//! # The fleet spec
//!
//! [`Fleet::parse`] takes a comma-separated list of items
//! `MODEL[xCOUNT][@LATENCY][!silent]`: `type3x256@10ms`,
//! `type3x900,type3x100!silent`, `switch,mld,mhd,type3x4@5ms`. MODEL is one
//! of the emulator's models ([`Model`]); COUNT is 1 (the default) or more,
//! at most [`MAX_MEMBERS`] over the whole fleet; LATENCY is a whole number
//! with its unit, `us`, `ms` or `s`; `!silent` members never answer.
//! Members are named `MODEL-INDEX`, counted per model from 0 over the
//! whole spec (`type3x2,mld,type3` is `type3-0`, `type3-1`, `mld-0`,
//! `type3-2`); their endpoints describe themselves as `emulator
//! MODEL-INDEX`, and each has its own serial numbers
//! ([`Model::build_numbered`]).
//!
//! # The control file
//!
//! [`Fleet::with_control`] names a file that changes the fleet while it
//! runs, from outside the process. [`Source::scan`] reads it again when its
//! modification time, size or inode changed (one `stat` per scan; writing a
//! new file and renaming it over the old one is always seen). One setting a
//! line, `#` starting a comment, blank lines ignored; NAME is a member's
//! name, with or without `emu:`:
//!
//! ```text
//! type3-3 silent                       # answers nothing (callers time out)
//! type3-4 removed                      # gone: not listed, its endpoints fail with ENODEV
//! type3-5 latency=50ms                 # answers 50 ms late (us, ms or s)
//! type3-6 event warning general-media e1   # one event record, once per (NAME, ID)
//! type3-6 health life_used=95 temperature=70
//! ```
//!
//! `silent`, `removed` and `latency=` declare the whole state: a member not
//! named so in the file as it is now has the spec's settings, so deleting a
//! line (or the file) undoes it. What [`Member`]'s methods set lasts until
//! the file next changes.
//!
//! `event LOG TYPE ID` posts one event record to the member's event log LOG
//! (`info`, `warning`, `failure` or `fatal`) of TYPE `general-media`,
//! `dram` or `memory-module` ([`EventKind`]). ID is any word; an event line
//! is applied once per member and ID over the fleet's life, however often
//! the file is read again, so appending lines adds events.
//!
//! `health KEY=VALUE...` sets what Get Health Info reports ([`Health`]
//! lists the keys) when the line appears in the file: a setting already in
//! the file when it was last read is not applied again (the device may
//! have changed it since), and removing it changes nothing.
//!
//! Lines naming no member, or that cannot be read, are skipped with a
//! warning in the context's log; they never fail a scan.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use cxlmi::decode::events::{RECORD_TYPES, SEVERITY};
use cxlmi::fleet::{Found, Source};
use cxlmi::log::{LOG_DEBUG, LOG_WARNING};
use cxlmi::log_at;
use cxlmi::transport::Transport;
use cxlmi::types::{cxlmi_cmd_memdev_get_health_info_rsp, cxlmi_event_record};
use cxlmi::wire::Wire;
use cxlmi::{Context, Endpoint, Error, Result};

use crate::Model;
use crate::device::Component;
use crate::transport::Emulator;

/// Most members a fleet has.
pub const MAX_MEMBERS: usize = 65536;

/// How a fleet's members are named as targets.
const TARGET_PREFIX: &str = "emu:";

/// How long an exchange waiting on a silent member sleeps before it looks
/// again; being woken when the member changes is what ends a wait, this
/// only bounds the cost of a missed wake-up.
const SILENT_RECHECK: Duration = Duration::from_millis(100);

/// Linux's ENODEV, which a device that has gone fails system calls with.
const ENODEV: i32 = 19;

/// What an exchange with a removed member fails with: what the kernel's
/// mailbox fails with once the device has gone.
fn gone() -> Error {
    Error::Io(io::Error::from_raw_os_error(ENODEV))
}

/// A poisoned lock: a thread panicked while it answered; the component is
/// as that answer left it, as a device is after an aborted command.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A spec item or setting that cannot be read, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseFleetError {
    /// The item as written.
    pub item: String,
    pub reason: String,
}

impl fmt::Display for ParseFleetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fleet item '{}': {}", self.item, self.reason)
    }
}

impl std::error::Error for ParseFleetError {}

/// A duration as the spec and the control file write it: a whole number
/// and its unit (`250us`, `10ms`, `2s`).
fn parse_duration(s: &str) -> Option<Duration> {
    let (digits, unit): (&str, fn(u64) -> Duration) = if let Some(n) = s.strip_suffix("us") {
        (n, Duration::from_micros)
    } else if let Some(n) = s.strip_suffix("ms") {
        (n, Duration::from_millis)
    } else {
        (s.strip_suffix('s')?, Duration::from_secs)
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().map(unit)
}

/// One spec item: `count` members of `model`, with these settings.
struct Item {
    model: Model,
    count: usize,
    latency: Duration,
    silent: bool,
}

fn parse_item(item: &str) -> core::result::Result<Item, String> {
    let (rest, silent) = match item.split_once('!') {
        Some((rest, "silent")) => (rest, true),
        Some((_, flag)) => return Err(format!("'!{flag}' is not a setting (there is '!silent')")),
        None => (item, false),
    };
    let (rest, latency) = match rest.split_once('@') {
        Some((rest, l)) => {
            let latency = parse_duration(l)
                .ok_or_else(|| format!("'{l}' is not a latency: a whole number with us, ms or s, as 10ms"))?;
            (rest, latency)
        }
        None => (rest, Duration::ZERO),
    };
    // No model's name has an `x` in it, so the last one starts the count.
    let (name, count) = match Model::from_name(rest) {
        Some(_) => (rest, 1),
        None => match rest.rsplit_once('x') {
            Some((name, n)) => {
                let count = n
                    .parse::<usize>()
                    .ok()
                    .filter(|c| (1..=MAX_MEMBERS).contains(c))
                    .ok_or_else(|| format!("the count '{n}' is not a number from 1 to {MAX_MEMBERS}"))?;
                (name, count)
            }
            None => (rest, 1),
        },
    };
    let model = Model::from_name(name).ok_or_else(|| {
        let known: Vec<_> = Model::ALL.iter().map(|m| m.name()).collect();
        format!("no model '{name}' (there are: {})", known.join(", "))
    })?;
    Ok(Item { model, count, latency, silent })
}

/// The fields of a fleet member the spec gives and that its endpoints and
/// the control file share.
struct State {
    /// `MODEL-INDEX`.
    name: String,
    model: Model,
    /// Its place in the whole fleet, which numbers its serials.
    index: u32,
    /// The spec's settings, which the control file returns to.
    spec_latency: Duration,
    spec_silent: bool,
    /// Built when first reached: a large fleet costs little until used.
    emulator: Mutex<Option<Emulator>>,
    latency_us: AtomicU64,
    silent: AtomicBool,
    removed: AtomicBool,
    /// Wakes exchanges waiting while the member is silent, when it answers
    /// again or goes; `quiet` only orders a change against a wait.
    quiet: Mutex<()>,
    woken: Condvar,
}

impl State {
    fn description(&self) -> String {
        format!("emulator {}", self.name)
    }

    /// `f` on the member's emulator, built if this is its first use.
    fn with_emulator<R>(&self, f: impl FnOnce(&mut Emulator) -> R) -> R {
        let mut emulator = lock(&self.emulator);
        let emulator =
            emulator.get_or_insert_with(|| Emulator::new(self.model.build_numbered(self.index), self.description()));
        f(emulator)
    }

    fn wake_waiters(&self) {
        let _quiet = lock(&self.quiet);
        self.woken.notify_all();
    }

    /// Waits while the member is silent: Ok once it answers, Timeout at
    /// `deadline` (None: no limit), the removal error when it goes.
    fn wait_answering(&self, deadline: Option<Instant>) -> Result<()> {
        let mut quiet = lock(&self.quiet);
        loop {
            if self.removed.load(Ordering::SeqCst) {
                return Err(gone());
            }
            if !self.silent.load(Ordering::SeqCst) {
                return Ok(());
            }
            let wait = match deadline {
                None => SILENT_RECHECK,
                Some(d) => match d.saturating_duration_since(Instant::now()) {
                    left if left.is_zero() => return Err(Error::Timeout),
                    left => left.min(SILENT_RECHECK),
                },
            };
            quiet = self.woken.wait_timeout(quiet, wait).unwrap_or_else(PoisonError::into_inner).0;
        }
    }
}

/// One member of a fleet, to look at or change while the fleet runs (from
/// Rust, as the control file does from outside). Clones are the same member.
#[derive(Clone)]
pub struct Member(Arc<State>);

impl fmt::Debug for Member {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Member")
            .field("name", &self.0.name)
            .field("latency", &self.latency())
            .field("silent", &self.is_silent())
            .field("removed", &self.is_removed())
            .finish()
    }
}

impl Member {
    /// `MODEL-INDEX`.
    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// The name a [`Source`] lists it by: `emu:MODEL-INDEX`.
    pub fn target(&self) -> String {
        format!("{TARGET_PREFIX}{}", self.0.name)
    }

    pub fn model(&self) -> Model {
        self.0.model
    }

    /// How late it answers.
    pub fn latency(&self) -> Duration {
        Duration::from_micros(self.0.latency_us.load(Ordering::SeqCst))
    }

    pub fn set_latency(&self, latency: Duration) {
        let us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.0.latency_us.store(us, Ordering::SeqCst);
    }

    pub fn is_silent(&self) -> bool {
        self.0.silent.load(Ordering::SeqCst)
    }

    /// A silent member answers nothing: exchanges wait out their timeout
    /// (without one, until it answers again or goes) and time out.
    pub fn set_silent(&self, silent: bool) {
        self.0.silent.store(silent, Ordering::SeqCst);
        self.0.wake_waiters();
    }

    pub fn is_removed(&self) -> bool {
        self.0.removed.load(Ordering::SeqCst)
    }

    /// A removed member is not listed, cannot be opened, and its endpoints'
    /// exchanges fail with [`Error::Io`] (ENODEV), as a device's do once
    /// it has gone. Restored, it is as it was when it went.
    pub fn set_removed(&self, removed: bool) {
        self.0.removed.store(removed, Ordering::SeqCst);
        self.0.wake_waiters();
    }

    /// Back to the spec's latency and silence, and present.
    fn restore_spec(&self) {
        self.set_latency(self.0.spec_latency);
        self.set_silent(self.0.spec_silent);
        self.set_removed(false);
    }

    /// `f` on the emulated component, between the exchanges of its endpoints.
    pub fn with_component<R>(&self, f: impl FnOnce(&mut dyn Component) -> R) -> R {
        self.0.with_emulator(|e| f(e.component_mut()))
    }

    /// Posts `rec` to event log `log` ([`Component::inject_event`]): false
    /// when the component keeps no such log.
    pub fn inject_event(&self, log: u8, rec: cxlmi_event_record) -> bool {
        self.with_component(|c| c.inject_event(log, rec))
    }

    /// Posts an event record of `kind` to event log `log`, its details
    /// ([`EventKind::record`]) following from `id`: false when the
    /// component keeps no such log.
    pub fn inject(&self, log: u8, kind: EventKind, id: &str) -> bool {
        let seed = fnv1a(self.0.name.bytes().chain([0]).chain(id.bytes()));
        self.with_component(|c| {
            let health = c.health_mut().map(|h| *h);
            c.inject_event(log, kind.record(log, seed, health.as_ref()))
        })
    }

    /// Changes what Get Health Info reports: false when the component
    /// reports no health.
    pub fn set_health(&self, setting: Health) -> bool {
        self.with_component(|c| c.health_mut().map(|h| setting.apply(h)).is_some())
    }

    /// Opens an endpoint on the member, probed as [`crate::open`] probes.
    /// Every endpoint opened reaches the same component. A removed member
    /// fails with [`Error::Io`] (ENODEV), as opening a device that has gone does.
    pub fn open(&self, ctx: &Context) -> Result<Endpoint> {
        if self.is_removed() {
            return Err(gone());
        }
        Ok(crate::open_transport(ctx, Box::new(MemberTransport { member: self.clone(), tag: 0 })))
    }
}

/// An endpoint's way to a fleet member: the member's settings decide
/// whether and when the request reaches its component, which answers
/// through the emulator transport as a lone component does.
struct MemberTransport {
    member: Member,
    tag: u8,
}

impl Transport for MemberTransport {
    /// A timeout of 0 is no limit. An answer later than the timeout is
    /// lost as on MCTP: the component has carried the request out, and the
    /// caller times out.
    fn exchange(&mut self, req: &[u8], rsp: &mut [u8], fmapi: bool, timeout_ms: u32) -> Result<usize> {
        let state = &self.member.0;
        let deadline = (timeout_ms != 0).then(|| Instant::now() + Duration::from_millis(timeout_ms.into()));
        state.wait_answering(deadline)?;
        let latency = self.member.latency();
        let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        let late = left.is_some_and(|left| latency > left);
        thread::sleep(match left {
            Some(left) if late => left,
            _ => latency,
        });
        if state.removed.load(Ordering::SeqCst) {
            return Err(gone());
        }
        let answered = state.with_emulator(|e| e.exchange(req, rsp, fmapi, timeout_ms));
        if late {
            return Err(Error::Timeout);
        }
        answered
    }

    fn next_tag(&mut self) -> u8 {
        self.tag = self.tag.wrapping_add(1);
        self.tag
    }

    fn describe(&self) -> String {
        self.member.0.description()
    }
}

/// FNV-1a over `bytes`: details of an injected event that differ by ID
/// and member, the same each run.
fn fnv1a(bytes: impl Iterator<Item = u8>) -> u64 {
    bytes.fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Kinds of event record a member can be made to post.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// General Media Event Record (CXL r3.1 Table 8-45).
    GeneralMedia,
    /// DRAM Event Record (Table 8-46).
    Dram,
    /// Memory Module Event Record (Table 8-47).
    MemoryModule,
}

/// The DPAs injected media records name lie below this, which every
/// model's static capacity holds.
const EVENT_DPA_SPAN: u64 = 256 << 20;
/// Event Record Flags bit 3, Maintenance Needed (CXL r3.1 Table 8-43).
const MAINTENANCE_NEEDED: u8 = 1 << 3;
/// Memory Event Descriptor bit 0, Uncorrectable Event (Table 8-45).
const UNCORRECTABLE: u8 = 1;
/// Transaction Types (Table 8-45): a host read, and the media scrub that
/// finds (and corrects) errors nobody has read yet.
const HOST_READ: u8 = 0x01;
const INTERNAL_MEDIA_SCRUB: u8 = 0x05;
/// Failure and fatal logs (Table 8-49).
const FAILURE_LOG: u8 = 2;

impl EventKind {
    pub const ALL: [EventKind; 3] = [EventKind::GeneralMedia, EventKind::Dram, EventKind::MemoryModule];

    /// As the control file names it.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::GeneralMedia => "general-media",
            EventKind::Dram => "dram",
            EventKind::MemoryModule => "memory-module",
        }
    }

    /// By the control file's name, or the decode layer's (`general_media`).
    pub fn from_name(name: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.name() == name || k.name().replace('-', "_") == name)
    }

    /// The record's Event Record Identifier, as the decode layer lists it.
    fn uuid(self) -> [u8; 16] {
        let decoded = self.name().replace('-', "_");
        RECORD_TYPES.iter().find(|(_, name)| *name == decoded).map(|(uuid, _)| *uuid).expect("a listed record type")
    }

    /// A record of this kind for event log `log`, its location and
    /// component details drawn from `seed`: a media ECC error that a scrub
    /// corrected (informational), a host read hit (warning) or could not
    /// correct (failure, fatal: then maintenance is needed too); a module's
    /// health status change carries `health`, the health it reports now.
    /// The device fills in the handle, timestamp, length and severity.
    pub fn record(
        self,
        log: u8,
        seed: u64,
        health: Option<&cxlmi_cmd_memdev_get_health_info_rsp>,
    ) -> cxlmi_event_record {
        let mut rec = cxlmi_event_record::zeroed();
        rec.uuid = self.uuid();
        if log >= FAILURE_LOG {
            rec.flags[0] |= MAINTENANCE_NEEDED;
        }
        // The data's bytes, at the offsets the tables give (from 30h).
        let d = &mut rec.data;
        let at = |offset: usize| offset - 0x30;
        let put = |d: &mut [u8; 0x50], offset: usize, v: u64, len: usize| {
            d[at(offset)..at(offset) + len].copy_from_slice(&v.to_le_bytes()[..len]);
        };
        match self {
            EventKind::GeneralMedia | EventKind::Dram => {
                let dpa = seed % (EVENT_DPA_SPAN / 64) * 64;
                put(d, 0x30, dpa, 8);
                d[at(0x38)] = if log >= FAILURE_LOG { UNCORRECTABLE } else { 0 };
                // Media ECC Error is type 00h in both tables.
                d[at(0x39)] = 0x00;
                d[at(0x3a)] = if log == 0 { INTERNAL_MEDIA_SCRUB } else { HOST_READ };
                d[at(0x3d)] = (seed >> 32) as u8 & 3; // channel
                d[at(0x3e)] = (seed >> 34) as u8 & 1; // rank
                if self == EventKind::GeneralMedia {
                    // Channel, rank and device valid.
                    put(d, 0x3b, 0b111, 2);
                    put(d, 0x3f, (seed >> 36) & 0xf, 3);
                } else {
                    // Channel, rank, nibble mask, bank group, bank, row and column valid.
                    put(d, 0x3b, 0x7f, 2);
                    put(d, 0x3f, 1 << ((seed >> 36) % 24), 3);
                    d[at(0x42)] = (seed >> 42) as u8 & 7;
                    d[at(0x43)] = (seed >> 45) as u8 & 3;
                    put(d, 0x44, (seed >> 16) & 0x1_ffff, 3);
                    put(d, 0x47, (seed >> 47) & 0x3f8, 2);
                }
            }
            EventKind::MemoryModule => {
                // Device Event Type 00h, Health Status Change, then the
                // Device Health Information (Table 8-133).
                d[at(0x30)] = 0x00;
                if let Some(h) = health {
                    h.encode(&mut d[at(0x31)..]);
                }
            }
        }
        rec
    }
}

/// A health setting: what Get Health Info (CXL r3.1 Table 8-133) reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Health {
    /// `life_used=PERCENT`.
    LifeUsed(u8),
    /// `health_status=BITS`: maintenance needed, performance degraded,
    /// hardware replacement needed.
    HealthStatus(u8),
    /// `media_status=CODE`: 0 normal, 1 not ready, 2 write persistency lost, ...
    MediaStatus(u8),
    /// `temperature=CELSIUS`.
    Temperature(i16),
    /// `dirty_shutdowns=COUNT`.
    DirtyShutdowns(u32),
    /// `corrected_volatile_errors=COUNT`.
    CorrectedVolatileErrors(u32),
    /// `corrected_persistent_errors=COUNT`.
    CorrectedPersistentErrors(u32),
}

impl Health {
    /// `KEY=VALUE`, the value decimal or `0x` hexadecimal.
    pub fn parse(setting: &str) -> Option<Health> {
        let (key, value) = setting.split_once('=')?;
        let n: i64 = match value.strip_prefix("0x") {
            Some(hex) => i64::from_str_radix(hex, 16).ok()?,
            None => value.parse().ok()?,
        };
        Some(match key {
            "life_used" => Health::LifeUsed(u8::try_from(n).ok().filter(|&p| p <= 100)?),
            "health_status" => Health::HealthStatus(u8::try_from(n).ok()?),
            "media_status" => Health::MediaStatus(u8::try_from(n).ok()?),
            "temperature" => Health::Temperature(i16::try_from(n).ok()?),
            "dirty_shutdowns" => Health::DirtyShutdowns(u32::try_from(n).ok()?),
            "corrected_volatile_errors" => Health::CorrectedVolatileErrors(u32::try_from(n).ok()?),
            "corrected_persistent_errors" => Health::CorrectedPersistentErrors(u32::try_from(n).ok()?),
            _ => return None,
        })
    }

    /// The setting's key and value, as [`Health::parse`] reads them.
    fn key_value(self) -> (&'static str, i64) {
        match self {
            Health::LifeUsed(v) => ("life_used", v.into()),
            Health::HealthStatus(v) => ("health_status", v.into()),
            Health::MediaStatus(v) => ("media_status", v.into()),
            Health::Temperature(v) => ("temperature", v.into()),
            Health::DirtyShutdowns(v) => ("dirty_shutdowns", v.into()),
            Health::CorrectedVolatileErrors(v) => ("corrected_volatile_errors", v.into()),
            Health::CorrectedPersistentErrors(v) => ("corrected_persistent_errors", v.into()),
        }
    }

    fn apply(self, h: &mut cxlmi_cmd_memdev_get_health_info_rsp) {
        match self {
            Health::LifeUsed(v) => h.life_used = v,
            Health::HealthStatus(v) => h.health_status = v,
            Health::MediaStatus(v) => h.media_status = v,
            Health::Temperature(v) => h.device_temperature = v as u16,
            Health::DirtyShutdowns(v) => h.dirty_shutdown_count = v,
            Health::CorrectedVolatileErrors(v) => h.corrected_volatile_error_count = v,
            Health::CorrectedPersistentErrors(v) => h.corrected_persistent_error_count = v,
        }
    }
}

impl fmt::Display for Health {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (key, value) = self.key_value();
        write!(f, "{key}={value}")
    }
}

/// A control file line's setting.
enum Setting {
    Silent,
    Removed,
    Latency(Duration),
    Event { log: u8, kind: EventKind, id: String },
    Health(Vec<Health>),
}

/// What the control file says, as last read.
#[derive(Default)]
struct Declared {
    silent: HashSet<usize>,
    removed: HashSet<usize>,
    latency: HashMap<usize, Duration>,
    /// In file order: (member, id, log, kind).
    events: Vec<(usize, String, u8, EventKind)>,
    /// In file order, so that of two values for one key the last wins.
    health: Vec<(usize, Health)>,
}

/// What identifies a version of the control file: its modification time,
/// size and inode.
type Stamp = (Option<SystemTime>, u64, u64);

struct Control {
    path: PathBuf,
    /// The version last applied; None while there is none (never read, or
    /// removed since).
    applied: Option<Stamp>,
    /// The event lines applied, by member and ID.
    events_done: HashSet<(usize, String)>,
    /// The health settings in the file as last applied.
    health: HashSet<(usize, Health)>,
}

/// An emulated fabric of many components: see the [module](self) for the
/// spec and the control file.
pub struct Fleet {
    members: Vec<Member>,
    by_name: HashMap<String, usize>,
    control: Option<Control>,
}

impl fmt::Debug for Fleet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fleet")
            .field("members", &self.members.len())
            .field("control", &self.control.as_ref().map(|c| &c.path))
            .finish()
    }
}

impl FromStr for Fleet {
    type Err = ParseFleetError;

    fn from_str(spec: &str) -> core::result::Result<Fleet, ParseFleetError> {
        Fleet::parse(spec)
    }
}

impl Fleet {
    /// The fleet `spec` describes (see the [module](self)); an error names
    /// the first item that cannot be read, and why.
    pub fn parse(spec: &str) -> core::result::Result<Fleet, ParseFleetError> {
        let mut members = Vec::new();
        let mut numbers = [0u32; Model::ALL.len()];
        for raw in spec.split(',') {
            let item = raw.trim();
            let error = |reason: String| ParseFleetError { item: item.to_string(), reason };
            if item.is_empty() {
                return Err(error("an empty item (a fleet is MODEL[xCOUNT][@LATENCY][!silent],...)".into()));
            }
            let Item { model, count, latency, silent } = parse_item(item).map_err(error)?;
            if members.len() + count > MAX_MEMBERS {
                return Err(error(format!("a fleet has at most {MAX_MEMBERS} members")));
            }
            let kind = Model::ALL.iter().position(|&m| m == model).expect("every model is in Model::ALL");
            for _ in 0..count {
                let number = numbers[kind];
                numbers[kind] += 1;
                let state = State {
                    name: format!("{}-{number}", model.name()),
                    model,
                    index: members.len() as u32,
                    spec_latency: latency,
                    spec_silent: silent,
                    emulator: Mutex::new(None),
                    latency_us: AtomicU64::new(0),
                    silent: AtomicBool::new(false),
                    removed: AtomicBool::new(false),
                    quiet: Mutex::new(()),
                    woken: Condvar::new(),
                };
                let member = Member(Arc::new(state));
                member.restore_spec();
                members.push(member);
            }
        }
        let by_name = members.iter().enumerate().map(|(i, m)| (m.name().to_string(), i)).collect();
        Ok(Fleet { members, by_name, control: None })
    }

    /// The fleet, changed while it runs by the control file at `path`
    /// (see the [module](self)), which need not exist yet.
    pub fn with_control(mut self, path: impl Into<PathBuf>) -> Fleet {
        let control = Control { path: path.into(), applied: None, events_done: HashSet::new(), health: HashSet::new() };
        self.control = Some(control);
        self
    }

    /// Every member, in spec order.
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// The member called `name` (`type3-0` or `emu:type3-0`).
    pub fn member(&self, name: &str) -> Option<Member> {
        self.index(name).map(|i| self.members[i].clone())
    }

    fn index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name.strip_prefix(TARGET_PREFIX).unwrap_or(name)).copied()
    }

    /// Reads the control file again if it has changed, and applies it.
    fn follow_control(&mut self, ctx: &Context) {
        let Some(control) = &self.control else { return };
        let path = control.path.clone();
        let stamp = match std::fs::metadata(&path) {
            Ok(m) => Some((m.modified().ok(), m.len(), m.ino())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => {
                log_at!(ctx.log(), LOG_WARNING, "cannot read fleet control file {}: {e}", path.display());
                return;
            }
        };
        if stamp == control.applied {
            return;
        }
        let text = match stamp {
            // Gone: it declares nothing.
            None => String::new(),
            Some(_) => match std::fs::read(&path) {
                Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                // Read again next scan.
                Err(e) => {
                    log_at!(ctx.log(), LOG_WARNING, "cannot read fleet control file {}: {e}", path.display());
                    return;
                }
            },
        };
        log_at!(ctx.log(), LOG_DEBUG, "applying fleet control file {}", path.display());
        let declared = self.declared(ctx, &text);
        self.apply(ctx, declared);
        if let Some(control) = &mut self.control {
            control.applied = stamp;
        }
    }

    /// What `text`, a control file, declares; lines that cannot be read are
    /// logged and skipped.
    fn declared(&self, ctx: &Context, text: &str) -> Declared {
        let path = self.control.as_ref().map(|c| c.path.display().to_string()).unwrap_or_default();
        let mut declared = Declared::default();
        for (n, line) in text.lines().enumerate() {
            let line = line.split_once('#').map_or(line, |(setting, _)| setting).trim();
            if line.is_empty() {
                continue;
            }
            let (member, setting) = match self.parse_line(line) {
                Ok(parsed) => parsed,
                Err(why) => {
                    log_at!(ctx.log(), LOG_WARNING, "{path}:{}: {why}; line skipped", n + 1);
                    continue;
                }
            };
            match setting {
                Setting::Silent => {
                    declared.silent.insert(member);
                }
                Setting::Removed => {
                    declared.removed.insert(member);
                }
                Setting::Latency(l) => {
                    declared.latency.insert(member, l);
                }
                Setting::Event { log, kind, id } => declared.events.push((member, id, log, kind)),
                Setting::Health(settings) => declared.health.extend(settings.into_iter().map(|h| (member, h))),
            }
        }
        declared
    }

    /// One control file line, without its comment: the member it names and
    /// its setting, or why it cannot be read.
    fn parse_line(&self, line: &str) -> core::result::Result<(usize, Setting), String> {
        let mut words = line.split_whitespace();
        let name = words.next().unwrap_or_default();
        let member = self.index(name).ok_or_else(|| format!("no fleet member '{name}'"))?;
        let what = words.next().ok_or_else(|| format!("no setting for '{name}'"))?;
        let rest: Vec<&str> = words.collect();
        let setting = match (what, rest.as_slice()) {
            ("silent", []) => Setting::Silent,
            ("removed", []) => Setting::Removed,
            (latency, []) if latency.starts_with("latency=") => {
                let l = &latency["latency=".len()..];
                Setting::Latency(
                    parse_duration(l)
                        .ok_or_else(|| format!("'{l}' is not a latency: a whole number with us, ms or s, as 10ms"))?,
                )
            }
            ("event", [log, kind, id]) => {
                let names: Vec<&str> = ["info"].into_iter().chain(SEVERITY.iter().map(|(_, n)| *n)).collect();
                let log = match *log {
                    "info" => 0,
                    _ => SEVERITY
                        .iter()
                        .find(|(_, n)| n == log)
                        .map(|(l, _)| *l as u8)
                        .ok_or_else(|| format!("no event log '{log}' (there are: {})", names.join(", ")))?,
                };
                let kind = EventKind::from_name(kind).ok_or_else(|| {
                    let kinds: Vec<_> = EventKind::ALL.iter().map(|k| k.name()).collect();
                    format!("no event type '{kind}' (there are: {})", kinds.join(", "))
                })?;
                Setting::Event { log, kind, id: id.to_string() }
            }
            ("event", _) => return Err("an event line is NAME event LOG TYPE ID".into()),
            ("health", []) => return Err("a health line is NAME health KEY=VALUE...".into()),
            ("health", settings) => Setting::Health(
                settings
                    .iter()
                    .map(|s| Health::parse(s).ok_or_else(|| format!("'{s}' is not a health setting")))
                    .collect::<core::result::Result<_, _>>()?,
            ),
            _ => {
                return Err(format!(
                    "'{}' is not a setting (there are: silent, removed, latency=, event, health)",
                    [what].into_iter().chain(rest).collect::<Vec<_>>().join(" ")
                ));
            }
        };
        Ok((member, setting))
    }

    /// Makes the fleet what `declared` says.
    fn apply(&mut self, ctx: &Context, declared: Declared) {
        for (i, m) in self.members.iter().enumerate() {
            m.set_latency(declared.latency.get(&i).copied().unwrap_or(m.0.spec_latency));
            m.set_silent(m.0.spec_silent || declared.silent.contains(&i));
            m.set_removed(declared.removed.contains(&i));
        }
        let Some(control) = &mut self.control else { return };
        for (i, id, log, kind) in declared.events {
            let m = &self.members[i];
            if !control.events_done.insert((i, id.clone())) {
                continue;
            }
            if !m.inject(log, kind, &id) {
                log_at!(ctx.log(), LOG_WARNING, "{}: keeps no event log {log}; event {id} dropped", m.name());
            }
        }
        for &(i, setting) in declared.health.iter().filter(|h| !control.health.contains(h)) {
            let m = &self.members[i];
            if !m.set_health(setting) {
                log_at!(ctx.log(), LOG_WARNING, "{}: reports no health; {setting} dropped", m.name());
            }
        }
        control.health = declared.health.into_iter().collect();
    }
}

impl Source for Fleet {
    /// The members present (not removed), after applying the control file
    /// if it changed.
    fn scan(&mut self, ctx: &Context) -> Result<Vec<Found>> {
        self.follow_control(ctx);
        Ok(self
            .members
            .iter()
            .filter(|m| !m.is_removed())
            .map(|m| {
                let member = m.clone();
                Found { name: m.target(), open: Box::new(move |ctx: &Context| member.open(ctx)) }
            })
            .collect())
    }
}
