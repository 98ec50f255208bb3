//! `cxlmi monitor`: reads the components its options name round after
//! round ([`cxlmi::fleet::Poller`]) and prints what is new, one line per
//! item as it happens: each event record not printed before, each
//! component's health when first read and whenever it changes, a component
//! that stops or starts answering, components that come and go. In a JSON
//! format each item is one JSON object on one line (docs: the schema in
//! tests/cli/schema/monitor.schema.json), for a log collector; otherwise a
//! short line of text.
//!
//! The poller reads and the decode layer names what it read; this module
//! only decides what is new and prints it. It runs until SIGTERM (a
//! service's stop: status 0) or Ctrl-C (130, as the rest of the tool), or
//! until its standard output is closed (SIGPIPE, as the tool's printing
//! does), and after one round with `--once`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use cxlmi::Context;
use cxlmi::decode::{Decode, Object};
use cxlmi::fleet::{Event, Place, Reading, Round};
use cxlmi::log::{LOG_DEBUG, LOG_WARNING};
use cxlmi::types::cxlmi_cmd_memdev_get_health_info_rsp;
use cxlmi_cli::fleet_args::Monitor;
use serde_json::{Map, Value, json};

use crate::args::{EXIT_OK, EXIT_OPEN, Failure, Options, OutputFormat};
use crate::stop::{self, Stop, Wake};
use crate::{cmds, decoded, fleet, render};

const COMMAND: &str = "monitor";

pub fn run(ctx: &Arc<Context>, m: &Monitor, opts: &Options, format: OutputFormat) -> Result<(), Failure> {
    if opts.emu_state.is_some() {
        // An --emulate fleet lives for the run; emu: targets are opened afresh.
        return Err(cmds::usage("", COMMAND, "--emu-state is not kept by the monitor"));
    }
    let mut poller = fleet::poller(ctx, &m.fleet, m.clear, COMMAND)?;
    if m.clear {
        cmds::confirm(opts, "", COMMAND, "clear each event record once read (no other reader will see it)")?;
    }
    let stop =
        Stop::install().map_err(|e| cmds::failure(EXIT_OPEN, "system", "", COMMAND, format!("signals: {e}"), None))?;
    let mut watch = Watch::default();
    let mut said_slow = false;
    let mut said_empty = false;
    loop {
        let started = Instant::now();
        let round = poller.round();
        fleet::say(
            ctx,
            COMMAND,
            LOG_DEBUG,
            &format!(
                "round {}: {} components read, {} late, {} appeared, {} vanished, in {} ms",
                round.number,
                round.readings.len(),
                round.late.len(),
                round.appeared.len(),
                round.vanished.len(),
                round.elapsed.as_millis()
            ),
        );
        if round.readings.is_empty() && !said_empty {
            fleet::say(ctx, COMMAND, LOG_WARNING, "nothing to watch: no component is listed (yet)");
            said_empty = true;
        }
        for (place, item) in watch.items(&round) {
            let line = match format {
                OutputFormat::Normal => text(&place, &item) + "\n",
                // One object a line in either JSON format: a stream, never one document.
                OutputFormat::Json | OutputFormat::Jsonl => crate::json_text(&item, OutputFormat::Jsonl),
            };
            let status = crate::print(&line);
            if status != EXIT_OK {
                // print has said why (or the reader has gone, and SIGPIPE ended us).
                std::process::exit(status);
            }
        }
        // A signal during the round ends the monitor once what the round
        // read is printed: with --clear nobody else will see it.
        if let Some(signal) = stop.caught() {
            return stop::ended(ctx, COMMAND, signal);
        }
        if m.once {
            return Ok(());
        }
        let next = started + m.interval;
        if Instant::now() >= next && !said_slow {
            fleet::say(
                ctx,
                COMMAND,
                LOG_WARNING,
                &format!(
                    "a round took {} ms, longer than --interval {} s: the next starts at once",
                    round.elapsed.as_millis(),
                    m.interval.as_secs_f64()
                ),
            );
            said_slow = true;
        }
        match stop.sleep_until(next) {
            Wake::Time => {}
            Wake::Signal(signal) => return stop::ended(ctx, COMMAND, signal),
            Wake::OutputGone => crate::end_by_sigpipe(),
        }
    }
}

/// What the monitor has said of one component.
struct Said {
    /// The serial number last read (kept for when it vanishes).
    serial: Option<u64>,
    /// Whether it answered, as last said; None before its first reading.
    up: Option<bool>,
    /// Its health has been printed once: from then on, only changes.
    health: bool,
}

/// What the monitor knows of the fleet, to print only what is new.
#[derive(Default)]
struct Watch {
    /// The components present, as last said.
    places: BTreeMap<Place, Said>,
}

impl Watch {
    /// What a round says that is new, in order: what vanished, then each
    /// component (late readings first, which an earlier round missed) with
    /// whether it appeared, stopped or started answering, its health, its
    /// records.
    fn items(&mut self, round: &Round) -> Vec<(Place, Value)> {
        let time = iso8601(round.started);
        let mut out = Vec::new();
        for place in &round.vanished {
            if let Some(said) = self.places.remove(place) {
                out.push((place.clone(), item("vanished", &time, place, said.serial)));
            }
        }
        for place in &round.appeared {
            let serial = round.readings.iter().find(|r| &r.place == place).and_then(Reading::serial);
            out.push((place.clone(), item("appeared", &time, place, serial)));
            self.places.insert(place.clone(), Said { serial, up: None, health: false });
        }
        for r in &round.late {
            self.reading(r, true, &time, &mut out);
        }
        for r in &round.readings {
            self.reading(r, false, &time, &mut out);
        }
        out
    }

    fn reading(&mut self, r: &Reading, late: bool, time: &str, out: &mut Vec<(Place, Value)>) {
        let place = &r.place;
        let serial = r.serial();
        let push = |out: &mut Vec<(Place, Value)>, v: Value| out.push((place.clone(), v));
        // A late reading of a component no longer here still has records to print.
        if !late && !self.places.contains_key(place) {
            self.places.insert(place.clone(), Said { serial, up: None, health: false });
        }
        let said = self.places.get_mut(place);
        let serial = serial.or_else(|| said.as_ref().and_then(|s| s.serial));
        if let Some(said) = said {
            said.serial = serial;
            // Whether it answers is this round's word: a late reading is an earlier round's.
            if !late {
                match (said.up, r.up) {
                    (None | Some(true), false) => {
                        let mut v = item("down", time, place, serial);
                        let reason = match r.errors.is_empty() {
                            true => "no answer".to_string(),
                            false => r.errors.join("; "),
                        };
                        v["reason"] = json!(reason);
                        push(out, v);
                    }
                    (Some(false), true) => push(out, item("up", time, place, serial)),
                    _ => {}
                }
                said.up = Some(r.up);
            }
            if let Some(h) = &r.health {
                if !said.health {
                    push(out, health_item(time, place, serial, h, None));
                    said.health = true;
                } else if let Some(before) = &r.health_before {
                    push(out, health_item(time, place, serial, h, Some(before)));
                }
            }
        } else if let (Some(h), Some(before)) = (&r.health, &r.health_before) {
            push(out, health_item(time, place, serial, h, Some(before)));
        }
        // The poller reports each record once, also across a component's going and coming back.
        for e in &r.events {
            push(out, event_item(time, place, serial, e));
        }
    }
}

/// The fields every item has: when, what, where (the place's fields) and
/// the component's serial number (null when unknown).
fn item(kind: &str, time: &str, place: &Place, serial: Option<u64>) -> Value {
    let mut m = Map::new();
    m.insert("time".into(), json!(time));
    m.insert("kind".into(), json!(kind));
    if let Value::Object(fields) = decoded::object(&place.decoded()) {
        m.extend(fields);
    }
    m.insert("serial".into(), json!(serial));
    Value::Object(m)
}

/// An event record: the log it was read from, and the record decoded as
/// `cxlmi events` shows it.
fn event_item(time: &str, place: &Place, serial: Option<u64>, e: &Event) -> Value {
    let mut v = item("event", time, place, serial);
    let (log, record): (Vec<_>, Vec<_>) = e.decoded().0.into_iter().partition(|(k, _)| *k == "log");
    v["log"] = log.first().map_or(Value::Null, |(_, l)| decoded::value(l));
    v["record"] = decoded::object(&Object(record));
    v
}

/// A health reading (Get Health Info decoded), and the one before it when it changed.
fn health_item(
    time: &str,
    place: &Place,
    serial: Option<u64>,
    now: &cxlmi_cmd_memdev_get_health_info_rsp,
    before: Option<&cxlmi_cmd_memdev_get_health_info_rsp>,
) -> Value {
    let mut v = item("health", time, place, serial);
    v["health"] = decoded::of(now);
    v["before"] = before.map_or(Value::Null, decoded::of);
    v
}

/// `2026-12-07T04:05:06.123Z`: ISO 8601, UTC, to the millisecond.
fn iso8601(t: SystemTime) -> String {
    let ns = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    // cmds::utc gives nanoseconds: `.123456789Z`.
    let full = cmds::utc(ns);
    format!("{}Z", &full[..full.len() - 7])
}

/// An item as one line of text: `TIME PLACE serial 0x..: what`.
fn text(place: &Place, v: &Value) -> String {
    let serial = v["serial"].as_u64().map_or(String::new(), |s| format!(" serial {s:#x}"));
    let head = format!("{} {place}{serial}:", v["time"].as_str().unwrap_or_default());
    let what = match v["kind"].as_str().unwrap_or_default() {
        "event" => {
            let r = &v["record"];
            let flags = match (unset(&r["flags"]), shown("flags", &r["flags"])) {
                (false, Some(set)) => format!(" [{set}]"),
                _ => String::new(),
            };
            format!(
                "{} event {} (handle {}){flags}: {}",
                shown("log", &v["log"]).unwrap_or_default(),
                r["record_type"].as_str().unwrap_or_default(),
                r["handle"],
                compact(&r["body"])
            )
        }
        "health" => match v["before"].is_null() {
            true => format!("health: {}", compact(&v["health"])),
            false => format!("health changed: {}", changes(&v["before"], &v["health"])),
        },
        "down" => format!("down: {}", v["reason"].as_str().unwrap_or_default()),
        kind => kind.to_string(),
    };
    format!("{head} {what}")
}

/// One field's value as the tool's text shows it ([`render`]): names of
/// coded values, identifiers and addresses in hex, `-` for null; None for
/// a structure of its own (more than one line).
fn shown(key: &str, v: &Value) -> Option<String> {
    let mut one = Map::new();
    one.insert(key.to_string(), v.clone());
    let text = render::human(&Value::Object(one));
    let label = key.replace('_', " ");
    let mut lines = text.lines();
    match (lines.next(), lines.next()) {
        (Some(line), None) => {
            let value = line.strip_prefix(label.as_str()).unwrap_or(line).trim();
            // `maintenance_needed (0x8)`: the raw value is in the JSON.
            Some(value.rsplit_once(" (0x").map_or(value, |(names, _)| names).to_string())
        }
        _ => None,
    }
}

/// Whether `v` says nothing: null, or flags none of which is set.
fn unset(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.contains_key("raw") && m.len() > 1 && m.iter().all(|(k, v)| k == "raw" || *v == false),
        _ => false,
    }
}

/// An object's fields that say something, as `key value, ...`; structures
/// of their own are left out (the JSON has them).
fn compact(v: &Value) -> String {
    let Value::Object(m) = v else { return String::new() };
    m.iter()
        .filter(|(_, v)| !unset(v))
        .filter_map(|(k, v)| Some(format!("{k} {}", shown(k, v)?)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The fields that differ between two objects, structures field by field:
/// `key before -> now, outer.inner before -> now, ...`.
fn changes(before: &Value, now: &Value) -> String {
    let mut out = Vec::new();
    changed("", before, now, &mut out);
    out.join(", ")
}

fn changed(prefix: &str, before: &Value, now: &Value, out: &mut Vec<String>) {
    let Value::Object(m) = now else { return };
    for (k, v) in m {
        let was = before.get(k.as_str()).unwrap_or(&Value::Null);
        // A structure's raw value changes with its fields, which say how.
        if was == v || k == "raw" {
            continue;
        }
        match (shown(k, was), shown(k, v)) {
            (Some(was), Some(v)) => out.push(format!("{prefix}{k} {was} -> {v}")),
            _ => changed(&format!("{prefix}{k}."), was, v, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_to_the_millisecond() {
        let t = UNIX_EPOCH + std::time::Duration::from_nanos(1_700_000_000_123_456_789);
        assert_eq!(iso8601(t), "2023-11-14T22:13:20.123Z");
    }

    #[test]
    fn health_changes_name_what_changed() {
        let status = |life: u64, name: &str| json!({"raw": life, "life_used": {"raw": life, "name": name}});
        let before = json!({"media_status": {"raw": 0, "name": "normal"}, "additional_status": status(0, "normal"),
                            "life_used_percent": 3});
        let now = json!({"media_status": {"raw": 1, "name": "not_ready"}, "additional_status": status(2, "critical"),
                         "life_used_percent": 3});
        assert_eq!(
            changes(&before, &now),
            "media_status normal -> not_ready, additional_status.life_used normal -> critical"
        );
    }

    #[test]
    fn compact_text_leaves_out_what_says_nothing() {
        let v = json!({"dpa": 4096, "dpa_flags": {"raw": 0, "volatile": false}, "channel": null,
                       "descriptor": {"raw": 1, "uncorrectable_event": true}, "nested": {"raw": 0, "a": {"raw": 0}}});
        assert_eq!(compact(&v), "dpa 0x1000, descriptor uncorrectable_event");
    }
}
