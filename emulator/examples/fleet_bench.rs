//! How fast the fleet poller (`cxlmi::fleet`) reads an emulated fleet, as
//! `meson test --benchmark fleet` runs it:
//!
//! 1. 256 memory devices, each answering every command after 10 ms: the
//!    time one round takes (read one after another, it would take over
//!    2.5 s), and the library's CPU per component;
//! 2. 1000 memory devices, 1 in 10 silent: one round against its deadline.
//!
//! It reports and does not judge: timings on a shared machine vary.
//!
//! Usage: fleet_bench [ROUNDS]

use std::sync::Arc;
use std::time::Duration;

use cxlmi::Context;
use cxlmi::fleet::{Options, Poller, Round};
use cxlmi::log::{LOG_ERR, Logger};
use cxlmi_emulator::fleet::Fleet;

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let ctx = Arc::new(Context::new(Logger::stderr(LOG_ERR)));

    let latency = Duration::from_millis(10);
    let deadline = Duration::from_secs(3);
    println!("fleet: 256 memory devices answering after {} ms, {rounds} rounds", latency.as_millis());
    let (first, steady) = measure(&ctx, "type3x256@10ms", deadline, rounds);
    let commands = commands_per_component(&first);
    println!("  first round (identifies too): {}", ms(first.elapsed));
    report(&steady, 256);
    println!(
        "  {commands} commands per component per round: read one after another, a round would take {:.2} s",
        (256 * commands) as f64 * latency.as_secs_f64()
    );
    println!("  goal: at most 100 ms per round");

    let deadline = Duration::from_secs(1);
    let spec: Vec<String> = (0..100).map(|_| "type3x9,type3!silent".to_string()).collect();
    println!("fleet: 1000 memory devices, 1 in 10 silent, deadline {} ms, {rounds} rounds", deadline.as_millis());
    let (_, steady) = measure(&ctx, &spec.join(","), deadline, rounds);
    let down = steady[0].round.readings.iter().filter(|r| !r.up).count();
    if let Some(r) = steady[0].round.readings.iter().find(|r| !r.up) {
        println!("  e.g. {}: {}", r.place, r.errors.join("; "));
    }
    report(&steady, 1000);
    println!("  down each round: {down} (100 silent)");
    println!(
        "  goal: at most {} ms per round (the deadline and 100 ms)",
        (deadline + Duration::from_millis(100)).as_millis()
    );
}

/// A round, and the whole process's CPU time during it.
struct Measured {
    round: Round,
    cpu: Duration,
}

/// Runs a first round, then `rounds` more, on the fleet `spec` describes.
fn measure(ctx: &Arc<Context>, spec: &str, deadline: Duration, rounds: usize) -> (Round, Vec<Measured>) {
    let fleet = Fleet::parse(spec).unwrap_or_else(|e| panic!("{spec}: {e}"));
    let mut poller = Poller::new(ctx.clone(), Options { deadline, ..Options::default() });
    poller.add_source(Box::new(fleet));
    let first = poller.round();
    let steady = (0..rounds)
        .map(|_| {
            let before = process_cpu();
            let round = poller.round();
            Measured { round, cpu: process_cpu().saturating_sub(before) }
        })
        .collect();
    (first, steady)
}

fn report(rounds: &[Measured], components: usize) {
    let mut elapsed: Vec<Duration> = rounds.iter().map(|m| m.round.elapsed).collect();
    elapsed.sort();
    let median = elapsed[elapsed.len() / 2];
    println!("  round: median {}, fastest {}, slowest {}", ms(median), ms(elapsed[0]), ms(elapsed[elapsed.len() - 1]));
    let up: Vec<_> = rounds.iter().flat_map(|m| &m.round.readings).filter(|r| r.up).collect();
    let cpu: Duration = up.iter().map(|r| r.cpu).sum();
    println!(
        "  library CPU per component answering (on its worker thread): {:.1} us",
        cpu.as_secs_f64() * 1e6 / up.len().max(1) as f64
    );
    let process: Duration = rounds.iter().map(|m| m.cpu).sum();
    println!(
        "  process CPU per round: {} ({:.1} us per component, the emulated devices' included)",
        ms(process / rounds.len() as u32),
        process.as_secs_f64() * 1e6 / (rounds.len() * components) as f64
    );
}

/// Commands one round sends a memory device: health, five event logs, the poison list.
fn commands_per_component(round: &Round) -> usize {
    let r = round.readings.iter().find(|r| r.up).expect("a component answered");
    1 + r.logs.len() + usize::from(r.poison.is_some())
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

/// User and system CPU time of the whole process.
fn process_cpu() -> Duration {
    // SAFETY: getrusage writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let t = |tv: libc::timeval| Duration::new(tv.tv_sec as u64, tv.tv_usec as u32 * 1000);
    t(u.ru_utime) + t(u.ru_stime)
}
