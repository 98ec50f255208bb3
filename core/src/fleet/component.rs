//! One endpoint's share of a round: identifying the component and what is
//! behind it (the ports of a switch, the LDs of an MLD, the LD Pool of a
//! multi-headed device), and reading each of them in turn within the
//! round's deadline. Components behind one endpoint share its transport, so
//! they are read one after another; endpoints are read in parallel.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::commands::fmapi::{
    GetHeadInfo, GetLdAllocations, GetLdInfo, GetMultiheadedInfo, GetPhysPortState, IdentifySwDevice,
};
use crate::commands::generic::{ClearEventRecords, ClearEventRecordsInput, GetEventRecords, Identify};
use crate::commands::memdev::{GetHealthInfo, GetPoisonList, MemdevIdentify};
use crate::commands::{Command, WithItems};
use crate::endpoint::Endpoint;
use crate::error::{Error, Result};
use crate::tunnel::Tunnel;
use crate::types::*;
use crate::wire::Wire;

/// Where a component is: the target of its endpoint, and the tunnel from
/// there. The poller's key for a component, and its labels.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Place {
    /// The endpoint's target (`mem0`, `mctp:1,8`, `emu:switch-0`).
    pub target: String,
    /// The switch port the component is behind.
    pub port: Option<u8>,
    /// The LD of an MLD (behind `port`, or the endpoint itself).
    pub ld: Option<u8>,
    /// The LD Pool CCI of a multi-headed device.
    pub pool: bool,
}

impl Place {
    /// The endpoint itself.
    pub fn endpoint(target: &str) -> Place {
        Place { target: target.to_owned(), port: None, ld: None, pool: false }
    }

    /// The tunnel from the endpoint to this component.
    pub fn tunnel(&self) -> Tunnel {
        match (self.port, self.ld, self.pool) {
            (_, _, true) => Tunnel::LdPool,
            (Some(port), Some(ld), _) => Tunnel::PortThenLd { port, ld },
            (Some(id), None, _) | (None, Some(id), _) => Tunnel::Port(id),
            (None, None, false) => Tunnel::None,
        }
    }
}

/// As the tool's options name it: `mctp:1,8 --port 2 --ld 1`.
impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.target)?;
        if let Some(port) = self.port {
            write!(f, " --port {port}")?;
        }
        if let Some(ld) = self.ld {
            write!(f, " --ld {ld}")?;
        }
        if self.pool {
            write!(f, " --mhd")?;
        }
        Ok(())
    }
}

/// What a component is, as its identification says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A memory device (or one LD of an MLD, or one head of an MHD).
    Type3,
    /// The FM-owned LD of a multi-logical device, with this many LDs.
    Mld { lds: u8 },
    /// A switch, with this many physical ports.
    Switch { ports: u8 },
    /// The LD Pool CCI of a multi-headed device.
    Pool { heads: u8, lds: u8 },
    /// Anything else (a GFD, a vendor's component): identified, not read further.
    Other,
}

/// A component's identity, read when it is first seen and again every
/// [`super::Options::identify_every`].
#[derive(Clone, Debug)]
pub struct Identity {
    /// Identify (0001h): vendor and device ids, serial number, component type.
    /// Zeroed for an LD Pool CCI, which answers only FM-API commands.
    pub identify: cxlmi_cmd_identify_rsp,
    /// Identify Memory Device (4000h) of a memory device: firmware revision,
    /// capacities, event log sizes.
    pub memdev: Option<cxlmi_cmd_memdev_identify_rsp>,
    pub kind: Kind,
}

/// One event log's state as read this round.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogCount {
    /// 0 informational, 1 warning, 2 failure, 3 fatal, 4 dynamic capacity.
    pub log: u8,
    /// Records waiting: those the device returned at once (at least this
    /// many when `more`), after any cleared this round.
    pub records: u16,
    pub more: bool,
    /// The log overflowed and lost this many records.
    pub overflow: Option<u16>,
}

/// An event record not reported before.
#[derive(Clone, Copy, Debug)]
pub struct Event {
    pub log: u8,
    pub record: cxlmi_event_record,
}

/// The Get Poison List of the whole device: records listed at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Poison {
    pub records: usize,
    /// The device has more than it listed.
    pub more: bool,
    /// The device lost records: its list is incomplete.
    pub overflow: bool,
}

/// LD allocations of an MLD (Get LD Allocations).
#[derive(Clone, Debug)]
pub struct LdAllocations {
    pub head: cxlmi_cmd_fmapi_get_ld_allocations_rsp,
    pub lds: Vec<cxlmi_cmd_fmapi_ld_allocations_list>,
}

/// A multi-headed device's LD map and heads (through its LD Pool CCI).
#[derive(Clone, Debug)]
pub struct Heads {
    pub info: cxlmi_cmd_fmapi_get_multiheaded_info_rsp,
    pub ld_map: Vec<u8>,
    pub heads: Vec<cxlmi_cmd_fmapi_get_head_info_blkfmt>,
}

/// What one round read of one component. Everything a device said is
/// kept as the device said it (the payload structs); the decode layer names
/// it ([`crate::decode`], and [`Reading::decoded`]).
#[derive(Clone, Debug)]
pub struct Reading {
    pub place: Place,
    pub identity: Option<Arc<Identity>>,
    /// The component answered within the deadline this round.
    pub up: bool,
    /// What failed this round, one line each (`health: timed out ...`).
    pub errors: Vec<String>,
    /// How long reading it took.
    pub elapsed: Duration,
    /// CPU time the reading took on its thread (the library's cost).
    pub cpu: Duration,
    pub health: Option<cxlmi_cmd_memdev_get_health_info_rsp>,
    /// The health the previous round read, when this round's differs from
    /// it in anything but the temperature (which changes all the time).
    pub health_before: Option<cxlmi_cmd_memdev_get_health_info_rsp>,
    pub logs: Vec<LogCount>,
    /// Records not reported in an earlier round.
    pub events: Vec<Event>,
    /// Records cleared this round ([`super::Options::clear_events`]).
    pub cleared: usize,
    pub poison: Option<Poison>,
    /// A switch's ports (Get Physical Port State).
    pub ports: Vec<cxlmi_cmd_fmapi_port_state_info_block>,
    pub ld_allocations: Option<LdAllocations>,
    pub heads: Option<Heads>,
}

impl Reading {
    /// A reading of a component that could not be read at all.
    pub(crate) fn down(place: Place, identity: Option<Arc<Identity>>, why: String) -> Reading {
        Reading { errors: vec![why], ..Reading::new(place, identity) }
    }

    /// A reading of `place` in which nothing was read (yet): down, no
    /// errors, no data. A source's or a consumer's tests build on it.
    pub fn new(place: Place, identity: Option<Arc<Identity>>) -> Reading {
        Reading {
            place,
            identity,
            up: false,
            errors: Vec::new(),
            elapsed: Duration::ZERO,
            cpu: Duration::ZERO,
            health: None,
            health_before: None,
            logs: Vec::new(),
            events: Vec::new(),
            cleared: 0,
            poison: None,
            ports: Vec::new(),
            ld_allocations: None,
            heads: None,
        }
    }

    /// The serial number, once identified (an LD Pool CCI has none).
    pub fn serial(&self) -> Option<u64> {
        let id = self.identity.as_ref()?;
        (!matches!(id.kind, Kind::Pool { .. })).then_some(id.identify.serial_num)
    }
}

/// The event logs every memory device has (CXL r3.1 Table 8-50), before
/// the dynamic capacity log.
const EVENT_LOGS: u8 = 4;
/// Batches read from one log in one round when clearing; without clearing
/// a device returns the same oldest records every time.
const MAX_BATCHES: usize = 8;
/// A Get Poison List of the whole device asks for addresses in 64-byte
/// units; capacities come in 256 MiB units.
const POISON_UNITS_PER_CAPACITY_UNIT: u64 = (256 << 20) / 64;

/// What is read of a component, each step skipped from the round after it
/// answered Unsupported until the component is identified again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
enum Step {
    Health,
    Events,
    Poison,
    Ports,
    LdAllocations,
    Heads,
}

impl Step {
    fn name(self) -> &'static str {
        match self {
            Step::Health => "health",
            Step::Events => "events",
            Step::Poison => "poison",
            Step::Ports => "ports",
            Step::LdAllocations => "ld allocations",
            Step::Heads => "heads",
        }
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// What the poller remembers of one component between rounds.
pub(crate) struct Known {
    pub place: Place,
    pub identity: Option<Arc<Identity>>,
    unsupported: u8,
    /// Identify it again before the next reading.
    pub refresh: bool,
    /// The (handle, timestamp) of each record last seen in each log, so
    /// that a record still waiting is reported once.
    seen: [Vec<(u16, u64)>; 5],
    last_health: Option<cxlmi_cmd_memdev_get_health_info_rsp>,
}

impl Known {
    pub fn new(place: Place) -> Known {
        Known { place, identity: None, unsupported: 0, refresh: false, seen: Default::default(), last_health: None }
    }
}

/// The time left until `deadline`, as a command timeout: at least 1 ms
/// (0 would mean no limit), `None` once it has passed.
pub(crate) fn time_left(deadline: Instant) -> Option<u32> {
    let left = deadline.checked_duration_since(Instant::now())?;
    if left.is_zero() {
        return None;
    }
    Some(u32::try_from(left.as_millis().max(1)).unwrap_or(u32::MAX))
}

/// Whether a failure means the component did not answer (rather than
/// answered with an error).
fn silent(e: &Error) -> bool {
    matches!(e, Error::Timeout | Error::Io(_))
}

fn unsupported(e: &Error) -> bool {
    matches!(e, Error::Device(rc) if *rc == cxlmi_cmd_retcode::CXLMI_RET_UNSUPPORTED as u16
        || *rc == cxlmi_cmd_retcode::CXLMI_RET_MBUNSUPPORTED as u16)
}

/// Runs one command within the deadline.
fn exec<'e, C: Command>(
    ep: &'e mut Endpoint,
    tunnel: Tunnel,
    deadline: Instant,
    input: &C::Input<'_>,
) -> Result<C::Output<'e>> {
    let left = time_left(deadline).ok_or(Error::Timeout)?;
    // A transport with a shorter limit (MCTP's 2 s) gives up sooner.
    ep.set_timeout_ms(ep.max_timeout_ms().map_or(left, |max| left.min(max)))?;
    ep.execute::<C>(tunnel, input)
}

/// Identifies the component at `place`.
fn identify(ep: &mut Endpoint, place: &Place, deadline: Instant) -> Result<Identity> {
    let tunnel = place.tunnel();
    if place.pool {
        let req = cxlmi_cmd_fmapi_get_multiheaded_info_req { start_ld_id: 0, ld_map_list_limit: 1 };
        let info = exec::<GetMultiheadedInfo>(ep, tunnel, deadline, &req)?.head;
        let kind = Kind::Pool { heads: info.num_heads, lds: info.num_lds };
        return Ok(Identity { identify: cxlmi_cmd_identify_rsp::zeroed(), memdev: None, kind });
    }
    let identify = exec::<Identify>(ep, tunnel, deadline, &())?;
    // As a probe does: the FM-API channel where there is one (the poller
    // opens endpoints unprobed).
    if place.tunnel() == Tunnel::None && !ep.has_fmapi() {
        let _ = ep.enable_fmapi();
    }
    let mut identity = Identity { identify, memdev: None, kind: Kind::Other };
    match identify.component_type {
        SWITCH => {
            let sw = exec::<IdentifySwDevice>(ep, tunnel, deadline, &())?;
            identity.kind = Kind::Switch { ports: sw.num_physical_ports };
        }
        TYPE3 => {
            identity.kind = Kind::Type3;
            // The FM-owned LD of an MLD answers Get LD Info; an LD, an SLD
            // or a head does not (Unsupported, or no FM-API channel). It
            // may answer no memory device command at all.
            if place.ld.is_none() {
                match exec::<GetLdInfo>(ep, tunnel, deadline, &()) {
                    Ok(info) => identity.kind = Kind::Mld { lds: u8::try_from(info.ld_count).unwrap_or(u8::MAX) },
                    Err(e) if silent(&e) => return Err(e),
                    Err(_) => {}
                }
            }
            match exec::<MemdevIdentify>(ep, tunnel, deadline, &()) {
                Ok(memdev) => identity.memdev = Some(memdev),
                Err(e) if silent(&e) => return Err(e),
                Err(_) => {}
            }
        }
        _ => {}
    }
    Ok(identity)
}

const SWITCH: u8 = 0x00;
const TYPE3: u8 = 0x03;
/// Connected Device Type (CXL r3.1 Table 7-19).
const CONNECTED_SLD: u8 = 0x04;
const CONNECTED_MLD: u8 = 0x05;

/// The places behind a component, from what its identification and its
/// first reading say.
pub(crate) fn behind(ep: &mut Endpoint, place: &Place, identity: &Identity, deadline: Instant) -> Result<Vec<Place>> {
    let mut places = Vec::new();
    match identity.kind {
        Kind::Switch { ports } => {
            for p in port_states(ep, place.tunnel(), ports, deadline)? {
                let at = Place { port: Some(p.port_id), ..place.clone() };
                match p.conn_dev_type {
                    CONNECTED_SLD => places.push(at),
                    CONNECTED_MLD => {
                        places.push(at.clone());
                        places.extend((0..p.supported_ld_count).map(|ld| Place { ld: Some(ld), ..at.clone() }));
                    }
                    _ => {}
                }
            }
        }
        // Behind a switch port, the MLD's LDs were listed with the port.
        Kind::Mld { lds } if place.port.is_none() => {
            places.extend((0..lds).map(|ld| Place { ld: Some(ld), ..place.clone() }))
        }
        Kind::Type3 if place.port.is_none() && place.ld.is_none() => {
            // A head of a multi-headed device reaches the LD Pool CCI.
            let pool = Place { pool: true, ..place.clone() };
            let req = cxlmi_cmd_fmapi_get_multiheaded_info_req { start_ld_id: 0, ld_map_list_limit: 1 };
            match exec::<GetMultiheadedInfo>(ep, Tunnel::LdPool, deadline, &req) {
                Ok(_) => places.push(pool),
                Err(e) if silent(&e) => return Err(e),
                Err(_) => {}
            }
        }
        _ => {}
    }
    Ok(places)
}

/// Every port's state, in batches the response has room for.
fn port_states(
    ep: &mut Endpoint,
    tunnel: Tunnel,
    ports: u8,
    deadline: Instant,
) -> Result<Vec<cxlmi_cmd_fmapi_port_state_info_block>> {
    // Room for 16 blocks in the smallest message a switch must take (256 bytes).
    let mut out = Vec::with_capacity(ports.into());
    let ids: Vec<u8> = (0..ports).collect();
    for chunk in ids.chunks(12) {
        let req = WithItems {
            head: cxlmi_cmd_fmapi_get_phys_port_state_req { num_ports: chunk.len() as u8, ports: [] },
            items: chunk,
        };
        out.extend(exec::<GetPhysPortState>(ep, tunnel, deadline, &req)?.entries());
    }
    Ok(out)
}

/// Reads one component, identifying it first when it is new or due. Also
/// says whether the endpoint failed with a system error (and should be
/// opened again).
pub(crate) fn read(ep: &mut Endpoint, known: &mut Known, clear: bool, deadline: Instant) -> (Reading, bool) {
    let started = Instant::now();
    let cpu = thread_cpu();
    let mut failure = None;
    if known.identity.is_none() || known.refresh {
        if let Err(e) = identify_known(ep, known, deadline) {
            failure = Some(("identify", e));
        }
    }
    let mut r = Reading::new(known.place.clone(), known.identity.clone());
    if failure.is_none() {
        failure = read_into(ep, known, clear, deadline, &mut r).err().map(|(step, e)| (step.name(), e));
    }
    let gone = matches!(failure, Some((_, Error::Io(_))));
    r.up = failure.is_none();
    if let Some((step, e)) = failure {
        r.errors.push(format!("{step}: {e}"));
    }
    r.elapsed = started.elapsed();
    r.cpu = thread_cpu().saturating_sub(cpu);
    (r, gone)
}

/// Reads what `known` says the component has into `r`. Fails (with the
/// step) when the component did not answer; a command it answered with an
/// error is noted in `r.errors` and the rest read.
fn read_into(
    ep: &mut Endpoint,
    known: &mut Known,
    clear: bool,
    deadline: Instant,
    r: &mut Reading,
) -> core::result::Result<(), (Step, Error)> {
    let Some(identity) = known.identity.clone() else { return Ok(()) };
    let tunnel = known.place.tunnel();
    let steps: &[Step] = match identity.kind {
        Kind::Type3 => &[Step::Health, Step::Events, Step::Poison],
        Kind::Mld { .. } => &[Step::Health, Step::Events, Step::Poison, Step::LdAllocations],
        Kind::Switch { .. } => &[Step::Ports, Step::Events],
        Kind::Pool { .. } => &[Step::Heads],
        Kind::Other => &[Step::Events],
    };
    for &step in steps {
        if known.unsupported & step.bit() != 0 {
            continue;
        }
        let result = match step {
            Step::Health => health(ep, tunnel, deadline, known, r),
            Step::Events => events(ep, tunnel, deadline, known, &identity, clear, r),
            Step::Poison => poison(ep, tunnel, deadline, &identity, r),
            Step::Ports => match identity.kind {
                Kind::Switch { ports } => port_states(ep, tunnel, ports, deadline).map(|p| r.ports = p),
                _ => Ok(()),
            },
            Step::LdAllocations => ld_allocations(ep, tunnel, deadline, &identity, r),
            Step::Heads => heads(ep, tunnel, deadline, &identity, r),
        };
        match result {
            Ok(()) => {}
            Err(e) if silent(&e) => return Err((step, e)),
            Err(e) if unsupported(&e) => known.unsupported |= step.bit(),
            Err(e) => r.errors.push(format!("{}: {e}", step.name())),
        }
    }
    Ok(())
}

fn health(ep: &mut Endpoint, tunnel: Tunnel, deadline: Instant, known: &mut Known, r: &mut Reading) -> Result<()> {
    let now = exec::<GetHealthInfo>(ep, tunnel, deadline, &())?;
    if let Some(before) = known.last_health {
        let mut same = before;
        same.device_temperature = now.device_temperature;
        if wire_bytes(&same) != wire_bytes(&now) {
            r.health_before = Some(before);
        }
    }
    known.last_health = Some(now);
    r.health = Some(now);
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn events(
    ep: &mut Endpoint,
    tunnel: Tunnel,
    deadline: Instant,
    known: &mut Known,
    identity: &Identity,
    clear: bool,
    r: &mut Reading,
) -> Result<()> {
    let has_dc = identity.memdev.and_then(|m| m.dc_event_log_records()).is_some_and(|n| n > 0);
    let logs = if has_dc { EVENT_LOGS + 1 } else { EVENT_LOGS };
    let mut handles = Vec::new();
    for log in 0..logs {
        let seen = &mut known.seen[usize::from(log)];
        let mut now_seen = Vec::new();
        let mut count = LogCount { log, records: 0, more: false, overflow: None };
        for _ in 0..if clear { MAX_BATCHES } else { 1 } {
            let req = cxlmi_cmd_get_event_records_req { event_log: log };
            let batch = exec::<GetEventRecords>(ep, tunnel, deadline, &req)?;
            let head = batch.head;
            count.more = head.flags & 2 != 0;
            if head.flags & 1 != 0 {
                count.overflow = Some(head.overflow_err_count);
            }
            handles.clear();
            for record in batch.entries() {
                let key = (record.handle, record.timestamp);
                if !seen.contains(&key) {
                    r.events.push(Event { log, record });
                }
                now_seen.push(key);
                handles.push(record.handle);
            }
            count.records = count.records.saturating_add(batch.count() as u16);
            if !clear || handles.is_empty() {
                break;
            }
            let head = cxlmi_cmd_clear_event_records_req {
                event_log: log,
                clear_flags: 0,
                nr_recs: handles.len() as u8,
                reserved: [0; 3],
                handles: [],
            };
            exec::<ClearEventRecords>(ep, tunnel, deadline, &ClearEventRecordsInput { head, handles: &handles })?;
            r.cleared += handles.len();
            count.records = count.records.saturating_sub(handles.len() as u16);
            if !count.more {
                break;
            }
        }
        // Cleared records are kept too: if clearing failed, they come back.
        *seen = now_seen;
        r.logs.push(count);
    }
    Ok(())
}

fn poison(ep: &mut Endpoint, tunnel: Tunnel, deadline: Instant, identity: &Identity, r: &mut Reading) -> Result<()> {
    let Some(memdev) = identity.memdev else { return Ok(()) };
    let units = memdev.total_capacity.saturating_mul(POISON_UNITS_PER_CAPACITY_UNIT);
    if units == 0 {
        return Ok(());
    }
    let req = cxlmi_cmd_memdev_get_poison_list_req { get_poison_list_phy_addr: 0, get_poison_list_phy_addr_len: units };
    let list = exec::<GetPoisonList>(ep, tunnel, deadline, &req)?;
    let flags = list.head.poison_list_flags;
    r.poison = Some(Poison { records: list.count(), more: flags & 1 != 0, overflow: flags & 2 != 0 });
    Ok(())
}

fn ld_allocations(
    ep: &mut Endpoint,
    tunnel: Tunnel,
    deadline: Instant,
    identity: &Identity,
    r: &mut Reading,
) -> Result<()> {
    let Kind::Mld { lds } = identity.kind else { return Ok(()) };
    let req = cxlmi_cmd_fmapi_get_ld_allocations_req { start_ld_id: 0, ld_allocation_list_limit: lds };
    let list = exec::<GetLdAllocations>(ep, tunnel, deadline, &req)?;
    r.ld_allocations = Some(LdAllocations { head: list.head, lds: list.entries().collect() });
    Ok(())
}

fn heads(ep: &mut Endpoint, tunnel: Tunnel, deadline: Instant, identity: &Identity, r: &mut Reading) -> Result<()> {
    let Kind::Pool { heads, lds } = identity.kind else { return Ok(()) };
    let req = cxlmi_cmd_fmapi_get_multiheaded_info_req { start_ld_id: 0, ld_map_list_limit: lds };
    let list = exec::<GetMultiheadedInfo>(ep, tunnel, deadline, &req)?;
    let (info, ld_map) = (list.head, list.entries().collect());
    let req = cxlmi_cmd_fmapi_get_head_info_req { start_head: 0, num_heads: heads };
    let blocks = exec::<GetHeadInfo>(ep, tunnel, deadline, &req)?.entries().collect();
    r.heads = Some(Heads { info, ld_map, heads: blocks });
    Ok(())
}

/// Identifies `known`'s component.
pub(crate) fn identify_known(ep: &mut Endpoint, known: &mut Known, deadline: Instant) -> Result<()> {
    let identity = identify(ep, &known.place, deadline)?;
    known.identity = Some(Arc::new(identity));
    known.unsupported = 0;
    known.refresh = false;
    Ok(())
}

/// A health reading as the device sent it (the struct is packed: no `==`).
fn wire_bytes(h: &cxlmi_cmd_memdev_get_health_info_rsp) -> [u8; cxlmi_cmd_memdev_get_health_info_rsp::SIZE] {
    let mut b = [0; cxlmi_cmd_memdev_get_health_info_rsp::SIZE];
    h.encode(&mut b);
    b
}

/// The CPU time this thread has used.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid timespec to write; CLOCK_THREAD_CPUTIME_ID
    // always exists on Linux.
    if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) } != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}
