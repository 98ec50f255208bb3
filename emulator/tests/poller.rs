//! The fleet poller (`cxlmi::fleet`) over the emulated fabric: what it
//! finds behind each model, what it reads, and how it follows events.

use std::sync::Arc;
use std::time::Duration;

use cxlmi::decode::Decode;
use cxlmi::fleet::{Kind, Options, Place, Poller, Round, Targets};
use cxlmi::{Context, Target};

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
    assert_eq!(t3.logs.len(), 5, "four logs and the dynamic capacity one");
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
