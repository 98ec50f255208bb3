//! The fleet poller (`cxlmi::fleet`) over the emulated fabric: what it
//! finds behind each model, what it reads, and how it follows events.

use std::sync::Arc;
use std::time::Duration;

use cxlmi::decode::Decode;
use cxlmi::fleet::{Kind, Options, Place, Poller, Round, Targets};
use cxlmi::{Context, Target};
use cxlmi_emulator::Fleet;
use cxlmi_emulator::fleet::{EventKind, Health, Member};

fn poller(targets: &[&str], options: Options) -> Poller {
    let mut ctx = Context::new(cxlmi::log::Logger::stderr(0));
    ctx.set_emulator(cxlmi_emulator::open);
    let mut p = Poller::new(Arc::new(ctx), options);
    p.add_source(Box::new(Targets(targets.iter().map(|t| t.parse::<Target>().unwrap()).collect())));
    p
}

fn place(target: &str, port: Option<u8>, ld: Option<u8>, pool: bool) -> Place {
    Place { target: target.into(), port, ld, pool }
}

fn reading<'r>(round: &'r Round, p: &Place) -> &'r cxlmi::fleet::Reading {
    round.readings.iter().find(|r| &r.place == p).unwrap_or_else(|| panic!("no reading of {p}: {round:#?}"))
}

#[test]
fn finds_and_reads_what_is_behind_each_model() {
    let mut p = poller(&["emu:switch", "emu:mld", "emu:mhd", "emu:type3"], Options::default());
    let round = p.round();
    for r in &round.readings {
        assert!(r.up, "{} down: {:?}", r.place, r.errors);
        assert!(r.errors.is_empty(), "{}: {:?}", r.place, r.errors);
    }
    let places: Vec<String> = round.readings.iter().map(|r| r.place.to_string()).collect();
    eprintln!("{places:#?}");

    let switch = reading(&round, &place("emu:switch", None, None, false));
    assert!(matches!(switch.identity.as_ref().unwrap().kind, Kind::Switch { ports: 5 }));
    assert_eq!(switch.ports.len(), 5);
    // The SLD on port 1, the MLD on port 2 and its LDs.
    let sld = reading(&round, &place("emu:switch", Some(1), None, false));
    assert_eq!(sld.identity.as_ref().unwrap().kind, Kind::Type3);
    assert!(sld.health.is_some());
    let mld = reading(&round, &place("emu:switch", Some(2), None, false));
    let Kind::Mld { lds } = mld.identity.as_ref().unwrap().kind else { panic!("{mld:?}") };
    assert!(lds > 0);
    assert!(mld.ld_allocations.is_some());
    for ld in 0..lds {
        let r = reading(&round, &place("emu:switch", Some(2), Some(ld), false));
        assert!(r.health.is_some(), "{r:?}");
    }

    let mhd_pool = reading(&round, &place("emu:mhd", None, None, true));
    assert!(mhd_pool.heads.is_some(), "{mhd_pool:?}");

    let t3 = reading(&round, &place("emu:type3", None, None, false));
    assert!(t3.health.is_some() && t3.poison.is_some());
    // The CXL 2.0 layout of Identify Memory Device has no dynamic capacity log.
    let logs = if cfg!(feature = "cxl2_0") { 4 } else { 5 };
    assert_eq!(t3.logs.len(), logs, "four logs and the dynamic capacity one");
    // The first round reports what is waiting; the next, nothing again.
    let first: usize = round.readings.iter().map(|r| r.events.len()).sum();
    assert!(first > 0);
    let again = p.round();
    assert_eq!(again.readings.iter().map(|r| r.events.len()).sum::<usize>(), 0);
    assert!(again.appeared.is_empty() && again.vanished.is_empty());
    let json = t3.decoded();
    assert!(json.get("health").is_some());
}

#[test]
fn clearing_empties_the_logs() {
    let mut p = poller(&["emu:type3"], Options { clear_events: true, ..Options::default() });
    let round = p.round();
    let r = &round.readings[0];
    assert!(r.cleared > 0 && r.cleared == r.events.len(), "{r:?}");
    assert!(r.logs.iter().all(|l| l.records == 0 && !l.more), "{:?}", r.logs);
    let next = p.round();
    assert_eq!(next.readings[0].cleared, 0);
    assert!(next.readings[0].events.is_empty());
}

#[test]
fn a_round_ends_by_its_deadline() {
    let mut p = poller(&["emu:type3"], Options { deadline: Duration::from_millis(300), ..Options::default() });
    let round = p.round();
    assert!(round.elapsed < Duration::from_millis(300) + cxlmi::fleet::GRACE);
}

/// A poller over an emulated fleet, and handles on its members to change them mid-run.
fn fleet_poller(spec: &str, options: Options) -> (Poller, Vec<Member>) {
    let ctx = Context::new(cxlmi::log::Logger::stderr(0));
    let mut p = Poller::new(Arc::new(ctx), options);
    let fleet = Fleet::parse(spec).unwrap();
    let members = fleet.members().to_vec();
    p.add_source(Box::new(fleet));
    (p, members)
}

fn events_of(round: &Round, target: &str) -> usize {
    round.readings.iter().chain(&round.late).filter(|r| r.place.target == target).map(|r| r.events.len()).sum()
}

#[test]
fn a_silent_component_delays_no_other() {
    let deadline = Duration::from_millis(400);
    let (mut p, members) = fleet_poller("type3x6@5ms,type3x2!silent", Options { deadline, ..Options::default() });
    let round = p.round();
    assert!(round.elapsed < deadline + cxlmi::fleet::GRACE + Duration::from_millis(50), "{:?}", round.elapsed);
    let down: Vec<_> = round.readings.iter().filter(|r| !r.up).map(|r| r.place.target.as_str()).collect();
    assert_eq!(down, ["emu:type3-6", "emu:type3-7"]);
    for r in round.readings.iter().filter(|r| r.up) {
        // Each answered long before the silent ones gave up.
        assert!(r.elapsed < Duration::from_millis(200), "{}: {:?}", r.place, r.elapsed);
    }
    // Made to answer, it is read in the next round; made silent, it is down.
    members[6].set_silent(false);
    members[0].set_silent(true);
    let round = p.round();
    let down: Vec<_> = round.readings.iter().filter(|r| !r.up).map(|r| r.place.target.as_str()).collect();
    assert_eq!(down, ["emu:type3-0", "emu:type3-7"]);
}

#[test]
fn a_component_that_goes_and_comes_back_is_read_again() {
    let (mut p, members) = fleet_poller("type3x3", Options::default());
    let first = p.round();
    let endpoints = |names: &[&str]| names.iter().map(|n| Place::endpoint(n)).collect::<Vec<_>>();
    assert_eq!(first.appeared, endpoints(&["emu:type3-0", "emu:type3-1", "emu:type3-2"]));
    assert_eq!(first.readings.len(), 3);
    assert!(events_of(&first, "emu:type3-1") > 0, "what is waiting is reported in the first round");
    members[1].set_removed(true);
    let gone = p.round();
    assert_eq!(gone.vanished, endpoints(&["emu:type3-1"]));
    assert!(gone.appeared.is_empty());
    assert_eq!(gone.readings.len(), 2);
    members[1].set_removed(false);
    let back = p.round();
    assert_eq!(back.appeared, endpoints(&["emu:type3-1"]));
    assert_eq!(back.readings.len(), 3);
    assert!(back.readings.iter().all(|r| r.up), "{:?}", back.readings);
    // What it still keeps was reported before it went; what is new since is reported.
    assert_eq!(events_of(&back, "emu:type3-1"), 0);
    members[1].set_removed(true);
    p.round();
    assert!(members[1].inject(3, EventKind::MemoryModule, "while away"));
    members[1].set_removed(false);
    assert_eq!(events_of(&p.round(), "emu:type3-1"), 1);
}

#[test]
fn an_injected_event_is_reported_once() {
    let (mut p, members) = fleet_poller("type3x2", Options::default());
    p.round();
    assert_eq!(events_of(&p.round(), "emu:type3-1"), 0);
    assert!(members[1].inject(2, EventKind::GeneralMedia, "ev1"));
    let round = p.round();
    let r = round.readings.iter().find(|r| r.place.target == "emu:type3-1").unwrap();
    assert_eq!(r.events.len(), 1);
    assert_eq!(r.events[0].log, 2);
    assert_eq!(r.logs.iter().find(|l| l.log == 2).unwrap().records, 1);
    assert_eq!(events_of(&round, "emu:type3-0"), 0);
    for _ in 0..3 {
        assert_eq!(events_of(&p.round(), "emu:type3-1"), 0);
    }
}

#[test]
fn a_component_too_slow_for_a_round_loses_no_event() {
    let deadline = Duration::from_millis(150);
    let (mut p, members) = fleet_poller("type3", Options { deadline, ..Options::default() });
    p.round();
    // Slower than the deadline: each command times out, then takes effect anyway.
    assert!(members[0].inject(1, EventKind::Dram, "late"));
    members[0].set_latency(Duration::from_millis(400));
    let slow = p.round();
    assert!(!slow.readings[0].up);
    members[0].set_latency(Duration::ZERO);
    let mut seen = 0;
    for _ in 0..4 {
        seen += events_of(&p.round(), "emu:type3-0");
    }
    assert_eq!(seen, 1, "the record is reported exactly once");
}

#[test]
fn a_health_change_is_reported_with_what_it_was() {
    let (mut p, members) = fleet_poller("type3", Options::default());
    let first = p.round();
    assert!(first.readings[0].health_before.is_none());
    assert!(members[0].set_health(Health::parse("life_used=95").unwrap()));
    let round = p.round();
    let r = &round.readings[0];
    let (before, now) = (r.health_before.expect("a change"), r.health.unwrap());
    assert_eq!(now.life_used, 95);
    assert_ne!(before.life_used, 95);
    assert!(p.round().readings[0].health_before.is_none());
}
