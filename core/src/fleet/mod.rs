//! Watching many components at once: a [`Poller`] reads health and event
//! records from every component its [`Source`]s list, and from everything
//! behind them (the ports of a switch, the LDs of an MLD, the LD Pool of a
//! multi-headed device), in rounds.
//!
//! Endpoints are read in parallel by a pool of worker threads, at most
//! [`Options::concurrency`] at once; the components behind one endpoint
//! share its transport, which takes one request at a time, so they are read
//! one after another on its worker. Every command of a round is bounded by
//! the round's deadline ([`Options::deadline`]): a silent component costs
//! its own worker the deadline and delays nobody else, and a round ends by
//! the deadline (plus scheduling slack, [`GRACE`]) whatever the components
//! do. One a round could not wait for (a kernel ioctl cannot be cut short)
//! is reported down, and what it reads once it answers reaches the next
//! round ([`Round::late`]), so no event record is lost or reported twice.
//!
//! A component its source no longer lists has gone ([`Round::vanished`]);
//! listed again, it is opened again ([`Round::appeared`]), and what it
//! reports as new is new since it went (the records it still keeps, its
//! health as it was, are remembered). One that fails
//! with a system error (a device removed under an open endpoint) is closed
//! and opened again next round.
//!
//! The poller reports what devices say as payload structs ([`Reading`]);
//! the decode layer names them ([`Reading::decoded`]).

mod component;
mod decoded;
mod pool;
pub mod source;

pub use component::{Event, Heads, Identity, Kind, LdAllocations, LogCount, Place, Poison, Reading};
#[cfg(feature = "dbus")]
pub use source::Mctpd;
pub use source::{DevCxl, Found, Opener, Source, Targets};

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use crate::context::Context;
use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::log::{LOG_DEBUG, LOG_WARNING};
use crate::log_at;
use component::Known;

/// Endpoints whose components are remembered after they have gone, so
/// that one that comes back reports again only what is new.
const REMEMBERED: usize = 4096;

/// How long a round waits past its deadline for workers to report: the
/// time a worker needs to notice the deadline and send what it read.
pub const GRACE: Duration = Duration::from_millis(50);

/// How a poller reads.
#[derive(Clone, Debug)]
pub struct Options {
    /// Most endpoints read at once (worker threads). Each silent endpoint
    /// holds one worker for the whole deadline.
    pub concurrency: usize,
    /// How long a round may take, from its start: every command's timeout
    /// is the time left.
    pub deadline: Duration,
    /// Clear each event record once read (destructive: no other reader will
    /// see it), which also lets a round read past the first batch.
    pub clear_events: bool,
    /// How often a component is identified again (its firmware revision,
    /// what is behind it).
    pub identify_every: Duration,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            concurrency: 256,
            deadline: Duration::from_secs(3),
            clear_events: false,
            identify_every: Duration::from_secs(600),
        }
    }
}

/// What one round found.
#[derive(Debug)]
pub struct Round {
    /// Rounds counted from 1.
    pub number: u64,
    /// When the round started (for reports), and how long it took.
    pub started: SystemTime,
    pub elapsed: Duration,
    /// One reading per component known, in place order.
    pub readings: Vec<Reading>,
    /// Readings an earlier round could not wait for, arrived since: their
    /// events and health changes have not been reported before.
    pub late: Vec<Reading>,
    /// Components seen for the first time, or again after they had gone.
    pub appeared: Vec<Place>,
    /// Components gone since the last round.
    pub vanished: Vec<Place>,
}

/// One endpoint and what the poller knows of the components it reaches.
struct Slot {
    name: String,
    /// Set while a worker reads the slot: a round does not queue it twice.
    busy: AtomicBool,
    state: Mutex<SlotState>,
}

struct SlotState {
    /// How to open the endpoint, from the latest scan, until it is open.
    opener: Option<Opener>,
    ep: Option<Endpoint>,
    /// The endpoint's component first, then those behind it.
    known: Vec<Known>,
    /// What was known of the components of an endpoint that had gone and
    /// is back, taken up as they are found again.
    recalled: BTreeMap<Place, Known>,
    identified: Option<Instant>,
}

/// Clears a slot's busy flag when its worker is done, even by a panic.
struct Busy<'a>(&'a AtomicBool);

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// What a worker sends back.
struct Report {
    round: u64,
    name: String,
    readings: Vec<Reading>,
    appeared: Vec<Place>,
    vanished: Vec<Place>,
}

/// Reads the components of a set of sources, round after round.
pub struct Poller {
    ctx: Arc<Context>,
    options: Options,
    /// Each source with the names it listed last.
    sources: Vec<(Box<dyn Source>, Vec<String>)>,
    slots: BTreeMap<String, Arc<Slot>>,
    /// The places each slot reached at its last report, for a slot that
    /// goes away or does not report.
    places: BTreeMap<String, Vec<Place>>,
    /// What was known of the components of endpoints that have gone, the
    /// most recently gone last.
    remembered: VecDeque<(String, BTreeMap<Place, Known>)>,
    pool: pool::Pool,
    reports: Receiver<Report>,
    report_to: Sender<Report>,
    round: u64,
}

impl Poller {
    /// A poller opening endpoints under `ctx`, with probing turned off
    /// there: the poller identifies what it opens itself, within its
    /// deadline, where a probe would wait the endpoint's own timeout.
    pub fn new(ctx: Arc<Context>, options: Options) -> Poller {
        ctx.set_probe_enabled(false);
        let (report_to, reports) = channel();
        let pool = pool::Pool::new(options.concurrency.max(1));
        Poller {
            ctx,
            options,
            sources: Vec::new(),
            slots: BTreeMap::new(),
            places: BTreeMap::new(),
            remembered: VecDeque::new(),
            pool,
            reports,
            report_to,
            round: 0,
        }
    }

    pub fn add_source(&mut self, source: Box<dyn Source>) {
        self.sources.push((source, Vec::new()));
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The endpoints known (listed by a source in the last round).
    pub fn endpoints(&self) -> impl Iterator<Item = &str> {
        self.slots.keys().map(String::as_str)
    }

    /// Scans the sources, then reads every component, returning by the
    /// deadline (plus [`GRACE`]).
    pub fn round(&mut self) -> Round {
        self.round += 1;
        let started = SystemTime::now();
        let start = Instant::now();
        let deadline = start + self.options.deadline;
        let mut out = Round {
            number: self.round,
            started,
            elapsed: Duration::ZERO,
            readings: Vec::new(),
            late: Vec::new(),
            appeared: Vec::new(),
            vanished: Vec::new(),
        };
        self.scan(&mut out);

        let mut waiting = BTreeSet::new();
        for (name, slot) in &self.slots {
            if slot.busy.swap(true, Ordering::AcqRel) {
                let why = "still reading the previous round".to_string();
                out.readings.extend(self.down(name, &why));
                continue;
            }
            waiting.insert(name.clone());
            let (slot, ctx, report_to) = (slot.clone(), self.ctx.clone(), self.report_to.clone());
            let (round, clear, identify_every) = (self.round, self.options.clear_events, self.options.identify_every);
            self.pool.submit(Box::new(move || {
                let report = {
                    let _busy = Busy(&slot.busy);
                    read_slot(&slot, &ctx, round, clear, identify_every, deadline)
                };
                // The poller may be gone: nobody to tell.
                let _ = report_to.send(report);
            }));
        }

        let until = deadline + GRACE;
        while !waiting.is_empty() {
            let left = until.saturating_duration_since(Instant::now());
            let report = match self.reports.recv_timeout(left) {
                Ok(report) => report,
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
            };
            self.accept(report, &mut waiting, &mut out);
        }
        // Whoever has not reported is down this round; its report, when it
        // comes, is late.
        for name in std::mem::take(&mut waiting) {
            out.readings.extend(self.down(&name, "no answer within the deadline"));
        }
        out.readings.sort_by(|a, b| a.place.cmp(&b.place));
        out.elapsed = start.elapsed();
        out
    }

    /// Takes one worker's report into the round.
    fn accept(&mut self, report: Report, waiting: &mut BTreeSet<String>, out: &mut Round) {
        let current = report.round == self.round && waiting.remove(&report.name);
        out.appeared.extend(report.appeared);
        out.vanished.extend(report.vanished);
        if !current {
            out.late.extend(report.readings);
            return;
        }
        if self.slots.contains_key(&report.name) {
            self.places.insert(report.name.clone(), report.readings.iter().map(|r| r.place.clone()).collect());
        }
        out.readings.extend(report.readings);
    }

    /// Readings of every place `name` last reached, down for `why`.
    fn down(&self, name: &str, why: &str) -> Vec<Reading> {
        let places = match self.places.get(name) {
            Some(places) if !places.is_empty() => places.clone(),
            _ => vec![Place::endpoint(name)],
        };
        places.into_iter().map(|p| Reading::down(p, None, why.to_string())).collect()
    }

    /// Asks every source what it lists, and follows what came and went.
    fn scan(&mut self, out: &mut Round) {
        let mut listed: BTreeMap<String, Opener> = BTreeMap::new();
        let mut kept = BTreeSet::new();
        for (source, last) in &mut self.sources {
            match source.scan(&self.ctx) {
                Ok(found) => {
                    *last = found.iter().map(|f| f.name.clone()).collect();
                    for f in found {
                        listed.entry(f.name).or_insert(f.open);
                    }
                }
                Err(e) => {
                    log_at!(self.ctx.log(), LOG_WARNING, "cannot list components this round: {e}");
                    kept.extend(last.iter().cloned());
                }
            }
        }
        let gone: Vec<String> =
            self.slots.keys().filter(|n| !listed.contains_key(*n) && !kept.contains(*n)).cloned().collect();
        for name in gone {
            if let Some(slot) = self.slots.remove(&name) {
                self.remember(&name, &slot);
            }
            let places = self.places.remove(&name).unwrap_or_else(|| vec![Place::endpoint(&name)]);
            log_at!(self.ctx.log(), LOG_DEBUG, "{name} has gone");
            out.vanished.extend(places);
        }
        for (name, open) in listed {
            match self.slots.get(&name) {
                // Open again next time with the latest way of opening it.
                Some(slot) => {
                    if let Ok(mut state) = slot.state.try_lock() {
                        if state.ep.is_none() {
                            state.opener = Some(open);
                        }
                    }
                }
                None => {
                    out.appeared.push(Place::endpoint(&name));
                    let recalled = match self.remembered.iter().position(|(n, _)| *n == name) {
                        Some(i) => self.remembered.remove(i).map(|(_, known)| known).unwrap_or_default(),
                        None => BTreeMap::new(),
                    };
                    let state =
                        SlotState { opener: Some(open), ep: None, known: Vec::new(), recalled, identified: None };
                    let slot = Slot { name: name.clone(), busy: AtomicBool::new(false), state: Mutex::new(state) };
                    self.slots.insert(name, Arc::new(slot));
                }
            }
        }
    }
}

impl Poller {
    /// Keeps what is known of a gone endpoint's components (unless a worker
    /// is still reading them), for when it comes back.
    fn remember(&mut self, name: &str, slot: &Slot) {
        let Ok(mut state) = slot.state.try_lock() else { return };
        let known = std::mem::take(&mut state.known).into_iter().map(|k| (k.place.clone(), k)).collect();
        if self.remembered.len() == REMEMBERED {
            self.remembered.pop_front();
        }
        self.remembered.push_back((name.to_string(), known));
    }
}

/// A worker's part of a round: opens the endpoint if it is not open,
/// identifies what it reaches if that is due, and reads each component.
fn read_slot(
    slot: &Slot,
    ctx: &Context,
    round: u64,
    clear: bool,
    identify_every: Duration,
    deadline: Instant,
) -> Report {
    let mut report =
        Report { round, name: slot.name.clone(), readings: Vec::new(), appeared: Vec::new(), vanished: Vec::new() };
    // A worker that panicked left the state as it was between commands.
    let mut state = slot.state.lock().unwrap_or_else(PoisonError::into_inner);
    let state = &mut *state;
    if state.known.is_empty() {
        state.known.push(recall(&mut state.recalled, Place::endpoint(&slot.name)));
    }
    if state.ep.is_none() {
        match state.opener.take().map(|open| open(ctx)) {
            Some(Ok(mut ep)) => {
                // What a component answers with an error is in its reading.
                ep.set_quiet(true);
                state.ep = Some(ep);
            }
            Some(Err(e)) => return down_all(report, state, format!("cannot open: {e}")),
            None => return down_all(report, state, "cannot open: not listed again yet".into()),
        }
    }
    let ep = state.ep.as_mut().expect("opened above");
    let due = state.identified.is_none_or(|at| at.elapsed() >= identify_every);
    if due {
        match identify_all(ep, &mut state.known, &mut state.recalled, deadline, &mut report) {
            Ok(()) => state.identified = Some(Instant::now()),
            Err(e) => {
                let gone = matches!(e, Error::Io(_));
                let report = down_all(report, state, format!("identify: {e}"));
                if gone {
                    state.ep = None;
                }
                return report;
            }
        }
    }
    let mut gone = false;
    for known in &mut state.known {
        let (reading, failed) = component::read(ep, known, clear, deadline);
        gone |= failed;
        report.readings.push(reading);
    }
    if gone {
        // A system error on the endpoint: open it again next round.
        state.ep = None;
    }
    report
}

/// Identifies the endpoint's component and lists what is behind it now,
/// keeping what is known of the places still there; those are identified
/// again as they are read.
fn identify_all(
    ep: &mut Endpoint,
    known: &mut Vec<Known>,
    recalled: &mut BTreeMap<Place, Known>,
    deadline: Instant,
    report: &mut Report,
) -> crate::Result<()> {
    component::identify_known(ep, &mut known[0], deadline)?;
    let head = &known[0];
    let identity = head.identity.clone().expect("identified above");
    let mut places = component::behind(ep, &head.place, &identity, deadline)?;
    let mut old: BTreeMap<Place, Known> = known.drain(1..).map(|k| (k.place.clone(), k)).collect();
    places.dedup();
    for place in places {
        let mut k = old.remove(&place).unwrap_or_else(|| {
            report.appeared.push(place.clone());
            recall(recalled, place)
        });
        // Read again with the rest, where a component that does not answer
        // is reported down.
        k.refresh = true;
        known.push(k);
    }
    report.vanished.extend(old.into_keys());
    Ok(())
}

/// What was known of `place` before its endpoint went, or nothing: its
/// records then count as seen, its health as read.
fn recall(recalled: &mut BTreeMap<Place, Known>, place: Place) -> Known {
    match recalled.remove(&place) {
        Some(mut k) => {
            k.refresh = true;
            k
        }
        None => Known::new(place),
    }
}

/// Every place of the slot down for `why`.
fn down_all(mut report: Report, state: &SlotState, why: String) -> Report {
    for k in &state.known {
        report.readings.push(Reading::down(k.place.clone(), k.identity.clone(), why.clone()));
    }
    report
}
