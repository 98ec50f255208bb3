//! A poller round as Prometheus metric families: every name, label and
//! value comes from the core's decode layer (the decoded health, port,
//! event log and allocation objects), so the exporter names what the rest
//! of the tool names, and knows no CXL table of its own.
//!
//! docs/monitoring.md lists the families; [`FAMILIES`] is the same list in
//! the order they are served.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

use cxlmi::decode::fmapi::ld_allocations;
use cxlmi::decode::{Decode, Enum, Object, Value};
use cxlmi::fleet::{Identity, Kind, Place, Reading, Round};
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, NoLabelSet};
use prometheus_client::metrics::MetricType;
use prometheus_client::registry::Unit;

/// Every family's name starts with it.
pub const PREFIX: &str = "cxl";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Type {
    Gauge,
    /// A count that only grows until the device (or the exporter) resets it:
    /// served with `_total`, so `rate()` and `increase()` read a reset as one.
    Counter,
    /// Strings as labels, value 1 (`_info`).
    Info,
}

/// One family: its name without the prefix and the unit (which the
/// encoders append), the unit, its type and help.
#[derive(Debug)]
pub struct Spec {
    pub name: &'static str,
    pub unit: Option<&'static str>,
    kind: Type,
    pub help: &'static str,
}

const fn gauge(name: &'static str, unit: Option<&'static str>, help: &'static str) -> Spec {
    Spec { name, unit, kind: Type::Gauge, help }
}

const fn counter(name: &'static str, help: &'static str) -> Spec {
    Spec { name, unit: None, kind: Type::Counter, help }
}

const fn info(name: &'static str, help: &'static str) -> Spec {
    Spec { name, unit: None, kind: Type::Info, help }
}

const SECONDS: Option<&str> = Some("seconds");

static UP: Spec =
    gauge("up", None, "1 if the component answered every command of this scrape within the deadline, 0 if not.");
static SCRAPE_ERRORS: Spec =
    gauge("scrape_errors", None, "Commands that failed for the component this scrape (0 when all worked).");
static SCRAPE_DURATION: Spec = gauge("scrape_duration", SECONDS, "Time reading the component took this scrape.");
static SCRAPE_CPU: Spec =
    gauge("scrape_cpu", SECONDS, "CPU time the library spent reading the component this scrape (its thread's).");
static ROUND_DURATION: Spec =
    gauge("round_duration", SECONDS, "Time the whole scrape's round of reading every component took.");
static COMPONENT_INFO: Spec = info("component", "What the component's Identify says: serial number, ids, type.");
static FIRMWARE_INFO: Spec = info("firmware", "The revision of the firmware the memory device runs.");
static HEALTH_STATUS: Spec =
    gauge("health_status", None, "Get Health Info's Health Status: 1 if the condition is reported, 0 if not.");
static MEDIA_STATUS: Spec = gauge("media_status", None, "Get Health Info's Media Status: 1 for the current status.");
static ADDITIONAL_STATUS: Spec =
    gauge("additional_status", None, "Get Health Info's Additional Status: 1 for each alert's current state.");
static LIFE_USED: Spec =
    gauge("life_used", Some("ratio"), "Share of the device's rated life used (0 to 1; absent if not reported).");
static TEMPERATURE: Spec = gauge("temperature", Some("celsius"), "The device's temperature (absent if not reported).");
static DIRTY_SHUTDOWNS: Spec = counter("dirty_shutdowns", "Shutdowns the device counted as dirty.");
static CORRECTED_VOLATILE: Spec =
    counter("corrected_volatile_errors", "Corrected volatile memory errors since the device's last reset.");
static CORRECTED_PERSISTENT: Spec =
    counter("corrected_persistent_errors", "Corrected persistent memory errors since the device's last reset.");
static EVENT_RECORDS: Spec =
    gauge("event_records", None, "Event records waiting in the log (at least this many if more_records is 1).");
static EVENT_MORE: Spec =
    gauge("event_more_records", None, "1 if the log holds more records than one read returned, else 0.");
static EVENT_OVERFLOW: Spec =
    gauge("event_overflow_records", None, "Records the log lost since it overflowed (0 if it has not).");
static EVENTS_SEEN: Spec =
    counter("event_records_seen", "Event records this exporter read for the first time, since it started.");
static POISON_RECORDS: Spec = gauge("poison_records", None, "Entries in the device's poison list.");
static POISON_MORE: Spec =
    gauge("poison_more_records", None, "1 if the poison list holds more entries than one read returned, else 0.");
static POISON_OVERFLOW: Spec =
    gauge("poison_overflow", None, "1 if the device lost poison list entries (the list is incomplete), else 0.");
static PORT_INFO: Spec = info("port", "A switch port's configuration state and what is connected to it.");
static PORT_LINK_WIDTH: Spec = gauge("port_link_width", None, "Negotiated link width of the port, in lanes.");
static PORT_LINK_MAX_WIDTH: Spec = gauge("port_link_max_width", None, "Maximum link width of the port, in lanes.");
static PORT_LINK_SPEED: Spec = gauge(
    "port_link_speed",
    Some("transfers_per_second"),
    "Current link speed of the port (absent while the link reports none).",
);
static PORT_LINK_MAX_SPEED: Spec =
    gauge("port_link_max_speed", Some("transfers_per_second"), "Maximum link speed of the port.");
static PORT_LTSSM_STATE: Spec =
    gauge("port_ltssm_state", None, "The port's link training state (LTSSM): 1 for the current state.");
static LD_ALLOCATION: Spec = gauge(
    "ld_allocation",
    Some("bytes"),
    "Memory an MLD allocates to each LD, per range (absent if its unit is not known).",
);
static LD_HEAD_INFO: Spec = info("ld_head", "An LD of a multi-headed device and the head (port) it is assigned to.");

/// The families in the order they are served.
pub static FAMILIES: [&Spec; 30] = [
    &UP,
    &SCRAPE_ERRORS,
    &SCRAPE_DURATION,
    &SCRAPE_CPU,
    &ROUND_DURATION,
    &COMPONENT_INFO,
    &FIRMWARE_INFO,
    &HEALTH_STATUS,
    &MEDIA_STATUS,
    &ADDITIONAL_STATUS,
    &LIFE_USED,
    &TEMPERATURE,
    &DIRTY_SHUTDOWNS,
    &CORRECTED_VOLATILE,
    &CORRECTED_PERSISTENT,
    &EVENT_RECORDS,
    &EVENT_MORE,
    &EVENT_OVERFLOW,
    &EVENTS_SEEN,
    &POISON_RECORDS,
    &POISON_MORE,
    &POISON_OVERFLOW,
    &PORT_INFO,
    &PORT_LINK_WIDTH,
    &PORT_LINK_MAX_WIDTH,
    &PORT_LINK_SPEED,
    &PORT_LINK_MAX_SPEED,
    &PORT_LTSSM_STATE,
    &LD_ALLOCATION,
    &LD_HEAD_INFO,
];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Number {
    Int(i64),
    Float(f64),
}

/// From a decoded field's unit to the family's base unit.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Scale {
    Same,
    /// MT/s to transfers per second.
    Mega,
    /// Percent to a ratio.
    Percent,
}

impl Scale {
    fn apply(self, v: f64) -> Number {
        Number::Float(match self {
            Scale::Same => v,
            Scale::Mega => v * 1e6,
            Scale::Percent => v / 100.0,
        })
    }
}

type Labels = Vec<(&'static str, String)>;

#[derive(Debug)]
struct Sample {
    labels: Labels,
    value: Number,
}

/// What one scrape serves: samples by family.
#[derive(Debug, Default)]
pub struct Metrics {
    samples: HashMap<&'static str, Vec<Sample>>,
}

impl Metrics {
    fn add(&mut self, spec: &'static Spec, labels: Labels, value: Number) {
        self.samples.entry(spec.name).or_default().push(Sample { labels, value });
    }

    fn int(&mut self, spec: &'static Spec, labels: Labels, value: impl Into<i64>) {
        self.add(spec, labels, Number::Int(value.into()));
    }

    fn float(&mut self, spec: &'static Spec, labels: Labels, value: f64) {
        self.add(spec, labels, Number::Float(value));
    }

    /// A decoded number, if it is one (`Null`, a "not implemented"
    /// sentinel, adds nothing), in the family's base unit.
    fn number(&mut self, spec: &'static Spec, labels: Labels, value: Option<&Value>, scale: Scale) {
        let value = match (value, scale) {
            (Some(Value::Unsigned(n)), Scale::Same) => i64::try_from(*n).map(Number::Int).ok(),
            (Some(Value::Unsigned(n)), Scale::Mega) => {
                n.checked_mul(1_000_000).and_then(|n| i64::try_from(n).ok()).map(Number::Int)
            }
            (Some(Value::Signed(n)), Scale::Same) => Some(Number::Int(*n)),
            (Some(Value::Unsigned(n)), _) => Some(scale.apply(*n as f64)),
            (Some(Value::Signed(n)), _) => Some(scale.apply(*n as f64)),
            (Some(Value::Float(f)), _) => Some(scale.apply(*f)),
            _ => None,
        };
        if let Some(value) = value {
            self.add(spec, labels, value);
        }
    }

    /// The samples of the family `name` (for tests).
    #[cfg(test)]
    fn of(&self, name: &str) -> &[Sample] {
        self.samples.get(name).map_or(&[], Vec::as_slice)
    }
}

impl Collector for Metrics {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), fmt::Error> {
        for spec in FAMILIES {
            let Some(samples) = self.samples.get(spec.name).filter(|s| !s.is_empty()) else { continue };
            let unit = spec.unit.map(|u| Unit::Other(u.to_string()));
            let kind = match spec.kind {
                Type::Gauge => MetricType::Gauge,
                Type::Counter => MetricType::Counter,
                Type::Info => MetricType::Info,
            };
            let mut family = encoder.encode_descriptor(spec.name, spec.help, unit.as_ref(), kind)?;
            for s in samples {
                if spec.kind == Type::Info {
                    family.encode_info(&s.labels)?;
                    continue;
                }
                let mut metric = family.encode_family(&s.labels)?;
                match (spec.kind, s.value) {
                    (Type::Counter, Number::Int(n)) => {
                        metric.encode_counter::<NoLabelSet, _, u64>(&u64::try_from(n).unwrap_or(0), None)?
                    }
                    (Type::Counter, Number::Float(f)) => metric.encode_counter::<NoLabelSet, _, f64>(&f, None)?,
                    (_, Number::Int(n)) => metric.encode_gauge(&n)?,
                    (_, Number::Float(f)) => metric.encode_gauge(&f)?,
                }
            }
        }
        Ok(())
    }
}

/// What the exporter keeps from round to round: the identity last read of
/// each component (a component down this round keeps its labels), and the
/// event records counted so far.
#[derive(Default)]
pub struct Memory {
    identities: HashMap<Place, Arc<Identity>>,
    seen: HashMap<(Place, u8), u64>,
}

impl Memory {
    /// The metrics of `round`.
    pub fn metrics(&mut self, round: &Round) -> Metrics {
        for gone in &round.vanished {
            self.identities.remove(gone);
            self.seen.retain(|(place, _), _| place != gone);
        }
        // A reading an earlier round could not wait for has records no
        // round counted yet.
        for r in round.readings.iter().chain(&round.late) {
            if let Some(id) = &r.identity {
                self.identities.insert(r.place.clone(), id.clone());
            }
            for e in &r.events {
                *self.seen.entry((r.place.clone(), e.log)).or_default() += 1;
            }
            for l in &r.logs {
                self.seen.entry((r.place.clone(), l.log)).or_default();
            }
        }
        let mut m = Metrics::default();
        m.float(&ROUND_DURATION, Vec::new(), round.elapsed.as_secs_f64());
        let read: HashSet<&Place> = round.readings.iter().map(|r| &r.place).collect();
        let mut seen: Vec<_> = self.seen.iter().filter(|((place, _), _)| read.contains(place)).collect();
        seen.sort_by(|a, b| a.0.cmp(b.0));
        for r in &round.readings {
            let identity = r.identity.as_deref().or_else(|| self.identities.get(&r.place).map(Arc::as_ref));
            reading(&mut m, r, identity);
        }
        for ((place, log), count) in seen {
            let identity = self.identities.get(place).map(Arc::as_ref);
            let mut labels = component_labels(place, identity);
            labels.push(("log", event_log_name(*log)));
            m.int(&EVENTS_SEEN, labels, i64::try_from(*count).unwrap_or(i64::MAX));
        }
        m
    }
}

/// An event log's name, as the decode layer names it.
fn event_log_name(log: u8) -> String {
    let count = cxlmi::fleet::LogCount { log, records: 0, more: false, overflow: None };
    enum_label(count.decoded().get("log"))
}

/// What the component is, as the poller names its kinds: an LD Pool CCI by
/// its place, anything not identified yet `unknown`.
fn component_name(place: &Place, identity: Option<&Identity>) -> &'static str {
    match identity {
        Some(id) => id.kind.name(),
        None if place.pool => Kind::Pool { heads: 0, lds: 0 }.name(),
        None => "unknown",
    }
}

fn number_label(n: Option<u8>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

/// The labels that say which component (or which of its ports or LDs) a
/// sample is of: `target`, `port`, `ld` (empty where the component is
/// behind none) and `component`.
fn labels_at(place: &Place, identity: Option<&Identity>, port: Option<u8>, ld: Option<u8>) -> Labels {
    vec![
        ("target", place.target.clone()),
        ("port", number_label(port)),
        ("ld", number_label(ld)),
        ("component", component_name(place, identity).to_string()),
    ]
}

fn component_labels(place: &Place, identity: Option<&Identity>) -> Labels {
    labels_at(place, identity, place.port, place.ld)
}

fn with(mut labels: Labels, name: &'static str, value: String) -> Labels {
    labels.push((name, value));
    labels
}

/// An enumeration's name, or its raw value in hex where the specification
/// names none (reserved, or not defined in the state it was read in).
fn enum_label(v: Option<&Value>) -> String {
    match v {
        Some(Value::Enum(Enum { name: Some(name), .. })) => (*name).to_string(),
        Some(Value::Enum(Enum { raw, name: None })) => format!("0x{raw:02x}"),
        Some(Value::Text(t)) => t.to_string(),
        _ => String::new(),
    }
}

fn flag(v: Option<&Value>) -> Option<i64> {
    match v {
        Some(Value::Bool(b)) => Some(i64::from(*b)),
        _ => None,
    }
}

fn unsigned(v: Option<&Value>) -> Option<u64> {
    match v {
        Some(Value::Unsigned(n)) => Some(*n),
        _ => None,
    }
}

fn objects(v: Option<&Value>) -> impl Iterator<Item = &Object> {
    let items = match v {
        Some(Value::List(items)) => items.as_slice(),
        _ => &[],
    };
    items.iter().filter_map(|i| match i {
        Value::Object(o) => Some(o),
        _ => None,
    })
}

fn hex(v: Option<&Value>, digits: usize) -> String {
    unsigned(v).map(|n| format!("0x{n:0digits$x}")).unwrap_or_default()
}

/// One component's samples.
fn reading(m: &mut Metrics, r: &Reading, identity: Option<&Identity>) {
    let here = component_labels(&r.place, identity);
    m.int(&UP, here.clone(), i64::from(r.up));
    m.int(&SCRAPE_ERRORS, here.clone(), i64::try_from(r.errors.len()).unwrap_or(i64::MAX));
    // A component the round did not wait for was not read at all.
    if r.up || !r.elapsed.is_zero() {
        m.float(&SCRAPE_DURATION, here.clone(), r.elapsed.as_secs_f64());
        m.float(&SCRAPE_CPU, here.clone(), r.cpu.as_secs_f64());
    }
    if let Some(id) = identity {
        identity_info(m, &here, id);
    }
    if let Some(h) = &r.health {
        health(m, &here, &h.decoded());
    }
    for l in &r.logs {
        let l = l.decoded();
        let labels = with(here.clone(), "log", enum_label(l.get("log")));
        m.number(&EVENT_RECORDS, labels.clone(), l.get("records"), Scale::Same);
        if let Some(more) = flag(l.get("more_records")) {
            m.int(&EVENT_MORE, labels.clone(), more);
        }
        let lost = unsigned(l.get("overflow_error_count")).unwrap_or(0);
        m.int(&EVENT_OVERFLOW, labels, i64::try_from(lost).unwrap_or(i64::MAX));
    }
    if let Some(p) = &r.poison {
        let p = p.decoded();
        m.number(&POISON_RECORDS, here.clone(), p.get("records"), Scale::Same);
        if let Some(more) = flag(p.get("more_records")) {
            m.int(&POISON_MORE, here.clone(), more);
        }
        if let Some(overflow) = flag(p.get("overflow")) {
            m.int(&POISON_OVERFLOW, here.clone(), overflow);
        }
    }
    for p in &r.ports {
        let p = p.decoded();
        let port = unsigned(p.get("port_id")).and_then(|n| u8::try_from(n).ok());
        let labels = labels_at(&r.place, identity, port, r.place.ld);
        let mut info = labels.clone();
        info.push(("state", enum_label(p.get("current_port_configuration_state"))));
        info.push(("connected_device_type", enum_label(p.get("connected_device_type"))));
        info.push(("connected_device_mode", enum_label(p.get("connected_device_mode"))));
        m.int(&PORT_INFO, info, 1);
        link(m, labels, &p);
    }
    if let Some(a) = &r.ld_allocations {
        for ld in objects(ld_allocations(&a.head, &a.lds).get("lds")) {
            let id = unsigned(ld.get("ld_id")).and_then(|n| u8::try_from(n).ok());
            for (range, key) in [("1", "range_1_allocation_bytes"), ("2", "range_2_allocation_bytes")] {
                let labels = with(labels_at(&r.place, identity, r.place.port, id), "range", range.to_string());
                m.number(&LD_ALLOCATION, labels, ld.get(key), Scale::Same);
            }
        }
    }
    if let Some(h) = &r.heads {
        let h = h.decoded();
        for head in objects(h.get("heads")) {
            let port = unsigned(head.get("port_number")).and_then(|n| u8::try_from(n).ok());
            link(m, labels_at(&r.place, identity, port, r.place.ld), head);
        }
        for ld in objects(h.get("ld_map")) {
            let Some(head) = unsigned(ld.get("head_port_number")).and_then(|n| u8::try_from(n).ok()) else { continue };
            let id = unsigned(ld.get("ld_id")).and_then(|n| u8::try_from(n).ok());
            m.int(&LD_HEAD_INFO, labels_at(&r.place, identity, Some(head), id), 1);
        }
    }
}

/// The link of a switch port or of a head: widths, speeds (the decode
/// layer's MT/s as transfers per second) and the LTSSM state.
fn link(m: &mut Metrics, labels: Labels, o: &Object) {
    m.number(&PORT_LINK_WIDTH, labels.clone(), o.get("negotiated_link_width_lanes"), Scale::Same);
    m.number(&PORT_LINK_MAX_WIDTH, labels.clone(), o.get("max_link_width_lanes"), Scale::Same);
    m.number(&PORT_LINK_SPEED, labels.clone(), o.get("current_link_speed_mt_s"), Scale::Mega);
    m.number(&PORT_LINK_MAX_SPEED, labels.clone(), o.get("max_link_speed_mt_s"), Scale::Mega);
    m.int(&PORT_LTSSM_STATE, with(labels, "state", enum_label(o.get("ltssm_state"))), 1);
}

fn identity_info(m: &mut Metrics, here: &Labels, id: &Identity) {
    // An LD Pool CCI answers no Identify: it has no ids to show.
    if !matches!(id.kind, Kind::Pool { .. }) {
        let d = id.identify.decoded();
        let mut info = here.clone();
        info.push(("serial", hex(d.get("serial"), 16)));
        info.push(("vendor_id", hex(d.get("vendor_id"), 4)));
        info.push(("device_id", hex(d.get("device_id"), 4)));
        info.push(("subsystem_vendor_id", hex(d.get("subsystem_vendor_id"), 4)));
        info.push(("subsystem_id", hex(d.get("subsystem_id"), 4)));
        info.push(("component_type", enum_label(d.get("component_type"))));
        m.int(&COMPONENT_INFO, info, 1);
    }
    if let Some(revision) = id.fw_revision() {
        m.int(&FIRMWARE_INFO, with(here.clone(), "revision", revision), 1);
    }
}

/// Get Health Info, decoded.
fn health(m: &mut Metrics, here: &Labels, h: &Object) {
    if let Some(Value::Flags(f)) = h.get("health_status") {
        for (condition, on) in &f.flags {
            m.int(&HEALTH_STATUS, with(here.clone(), "condition", (*condition).to_string()), i64::from(*on));
        }
    }
    if h.get("media_status").is_some() {
        m.int(&MEDIA_STATUS, with(here.clone(), "status", enum_label(h.get("media_status"))), 1);
    }
    if let Some(Value::Object(add)) = h.get("additional_status") {
        for (alert, state) in add.0.iter().filter(|(_, v)| matches!(v, Value::Enum(_))) {
            let labels = with(with(here.clone(), "alert", (*alert).to_string()), "state", enum_label(Some(state)));
            m.int(&ADDITIONAL_STATUS, labels, 1);
        }
    }
    m.number(&LIFE_USED, here.clone(), h.get("life_used_percent"), Scale::Percent);
    m.number(&TEMPERATURE, here.clone(), h.get("temperature_celsius"), Scale::Same);
    m.number(&DIRTY_SHUTDOWNS, here.clone(), h.get("dirty_shutdowns"), Scale::Same);
    m.number(&CORRECTED_VOLATILE, here.clone(), h.get("corrected_volatile_errors"), Scale::Same);
    m.number(&CORRECTED_PERSISTENT, here.clone(), h.get("corrected_persistent_errors"), Scale::Same);
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use cxlmi::fleet::LogCount;
    use cxlmi::types::{cxlmi_cmd_identify_rsp, cxlmi_cmd_memdev_get_health_info_rsp};
    use cxlmi::wire::Wire;
    use prometheus_client::encoding::{prometheus_text, text};
    use prometheus_client::registry::Registry;

    use super::*;

    fn type3(target: &str, up: bool, health: Option<[u8; 18]>) -> Reading {
        let mut identify = cxlmi_cmd_identify_rsp::zeroed();
        identify.vendor_id = 0x1e98;
        identify.serial_num = 0x1234;
        identify.component_type = 3;
        let identity = Identity { identify, memdev: None, kind: Kind::Type3 };
        Reading {
            up,
            errors: if up { Vec::new() } else { vec!["no answer within the deadline".into()] },
            elapsed: Duration::from_millis(if up { 2 } else { 0 }),
            cpu: Duration::from_micros(100),
            health: health.map(|b| cxlmi_cmd_memdev_get_health_info_rsp::decode(&b)),
            logs: vec![LogCount { log: 2, records: 3, more: true, overflow: Some(7) }],
            ..Reading::new(Place::endpoint(target), up.then(|| Arc::new(identity)))
        }
    }

    fn round(readings: Vec<Reading>) -> Round {
        Round {
            number: 1,
            started: SystemTime::now(),
            elapsed: Duration::from_millis(5),
            readings,
            late: Vec::new(),
            appeared: Vec::new(),
            vanished: Vec::new(),
        }
    }

    fn values(m: &Metrics, family: &str) -> Vec<(Labels, Number)> {
        m.of(family).iter().map(|s| (s.labels.clone(), s.value)).collect()
    }

    fn label<'a>(labels: &'a Labels, name: &str) -> &'a str {
        labels.iter().find(|(n, _)| *n == name).map_or("", |(_, v)| v.as_str())
    }

    #[test]
    fn health_as_families() {
        // Maintenance needed, media data lost, life used warning, 42 %, -5 C, 2 dirty shutdowns.
        let health = [0b1, 0x03, 0b01, 42, 0xfb, 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        let mut memory = Memory::default();
        let m = memory.metrics(&round(vec![type3("emu:type3-0", true, Some(health))]));
        let up = values(&m, "up");
        assert_eq!(up.len(), 1);
        assert_eq!(label(&up[0].0, "target"), "emu:type3-0");
        assert_eq!(label(&up[0].0, "port"), "");
        assert_eq!(label(&up[0].0, "component"), "type3");
        assert_eq!(up[0].1, Number::Int(1));
        let conditions: Vec<_> =
            values(&m, "health_status").into_iter().map(|(l, v)| (label(&l, "condition").to_string(), v)).collect();
        assert!(conditions.contains(&("maintenance_needed".into(), Number::Int(1))));
        assert!(conditions.contains(&("performance_degraded".into(), Number::Int(0))));
        assert_eq!(label(&values(&m, "media_status")[0].0, "status"), "data_lost");
        assert_eq!(values(&m, "life_used")[0].1, Number::Float(0.42));
        assert_eq!(values(&m, "temperature")[0].1, Number::Int(-5));
        assert_eq!(values(&m, "dirty_shutdowns")[0].1, Number::Int(2));
        let alerts = values(&m, "additional_status");
        assert!(alerts.iter().any(|(l, _)| label(l, "alert") == "life_used" && label(l, "state") == "warning"));
        let info = values(&m, "component");
        assert_eq!(label(&info[0].0, "serial"), "0x0000000000001234");
        assert_eq!(label(&info[0].0, "vendor_id"), "0x1e98");
        assert_eq!(label(&info[0].0, "component_type"), "type3_device");
        let logs = values(&m, "event_records");
        assert_eq!((label(&logs[0].0, "log"), logs[0].1), ("failure", Number::Int(3)));
        assert_eq!(values(&m, "event_overflow_records")[0].1, Number::Int(7));
    }

    #[test]
    fn a_component_down_keeps_its_labels_and_reads_nothing() {
        let mut memory = Memory::default();
        memory.metrics(&round(vec![type3("emu:type3-0", true, Some([0; 18]))]));
        let m = memory.metrics(&round(vec![type3("emu:type3-0", false, None)]));
        let up = values(&m, "up");
        assert_eq!(up[0].1, Number::Int(0));
        assert_eq!(label(&up[0].0, "component"), "type3");
        assert_eq!(values(&m, "scrape_errors")[0].1, Number::Int(1));
        assert!(values(&m, "health_status").is_empty());
        assert!(values(&m, "scrape_duration").is_empty());
    }

    fn encoded(m: Metrics, openmetrics: bool) -> String {
        let mut registry = Registry::with_prefix(PREFIX);
        registry.register_collector(Box::new(m));
        let mut out = String::new();
        if openmetrics {
            text::encode(&mut out, &registry).unwrap();
        } else {
            prometheus_text::encode(&mut out, &registry).unwrap();
        }
        out
    }

    #[test]
    fn both_text_formats() {
        let health = [0, 0, 0, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        let mut memory = Memory::default();
        let r = round(vec![type3("emu:type3-0", true, Some(health))]);
        let classic = encoded(memory.metrics(&r), false);
        assert!(classic.contains("# TYPE cxl_dirty_shutdowns_total counter\n"), "{classic}");
        assert!(classic.contains("# TYPE cxl_component_info gauge\n"));
        assert!(classic.contains("cxl_up{target=\"emu:type3-0\",port=\"\",ld=\"\",component=\"type3\"} 1\n"));
        assert!(!classic.contains("# EOF") && !classic.contains("# UNIT"));
        // Life used and temperature not implemented: absent.
        assert!(!classic.contains("cxl_life_used_ratio{") && !classic.contains("cxl_temperature_celsius{"));
        let om = encoded(memory.metrics(&r), true);
        assert!(om.ends_with("# EOF\n"));
        assert!(om.contains("# TYPE cxl_dirty_shutdowns counter\n"));
        assert!(om.contains("# TYPE cxl_component info\n"));
        assert!(om.contains("# UNIT cxl_scrape_duration_seconds seconds\n"));
    }
}
