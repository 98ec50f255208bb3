// SPDX-License-Identifier: LGPL-2.1-or-later
//! fake-mctpd: owns one mctpd flavour's D-Bus name on a bus and answers GetManagedObjects as
//! told (see `fake-mctpd --help`). Prints `ready` once it takes calls and `called` at each
//! GetManagedObjects, so a test knows when to scan and when a scan is in flight.

use cxlmi_test_support::fake_mctpd;

use std::io::Write;

fn say(what: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{what}");
    let _ = out.flush();
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help") {
        println!("{}", fake_mctpd::USAGE);
        return;
    }
    let (bus, fake) = fake_mctpd::Fake::from_args(args).unwrap_or_else(|e| {
        eprintln!("fake-mctpd: {e}");
        std::process::exit(2);
    });
    let conn = fake.connect(&bus).unwrap_or_else(|e| {
        eprintln!("fake-mctpd: cannot take {} on {bus}: {e}", fake.flavour.service());
        std::process::exit(1);
    });
    if let Err(e) = fake.serve(conn, || say("ready"), || say("called")) {
        eprintln!("fake-mctpd: {e}");
        std::process::exit(1);
    }
}
