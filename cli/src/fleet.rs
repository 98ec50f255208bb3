//! What `cxlmi monitor` and `cxlmi exporter` share: the poller over the
//! sources their options name, and logging as a service logs.

use std::sync::Arc;

use cxlmi::Context;
use cxlmi::fleet::{DevCxl, Options, Poller, Targets};
use cxlmi::log::{LOG_DEBUG, LOG_WARNING, Logger};
use cxlmi_cli::fleet_args::Fleet;

use crate::args::Failure;
use crate::cmds;

/// The poller over the sources `fleet` names (with none named, the
/// machine's own devices), clearing event records once read if `clear`.
pub fn poller(ctx: &Arc<Context>, fleet: &Fleet, clear: bool, command: &str) -> Result<Poller, Failure> {
    let options = Options {
        concurrency: fleet.concurrency.into(),
        deadline: fleet.deadline,
        clear_events: clear,
        ..Options::default()
    };
    let mut poller = Poller::new(ctx.clone(), options);
    let everything = fleet.none_named();
    if !fleet.targets.is_empty() {
        if let Some(model) = fleet.targets.iter().find_map(|t| match t {
            cxlmi::Target::Emulated(m) if cxlmi_emulator::Model::from_name(m).is_none() => Some(m),
            _ => None,
        }) {
            let known: Vec<_> = cxlmi_emulator::Model::ALL.iter().map(|m| m.name()).collect();
            return Err(cmds::usage(
                "",
                command,
                format!("no emulator model '{model}' (there are: {})", known.join(", ")),
            ));
        }
        poller.add_source(Box::new(Targets(fleet.targets.clone())));
    }
    if fleet.dev_cxl || everything {
        poller.add_source(Box::new(DevCxl::default()));
    }
    if fleet.mctpd || (everything && cfg!(feature = "dbus")) {
        add_mctpd(&mut poller, command)?;
    }
    if let Some(spec) = &fleet.emulate {
        let mut emulated = cxlmi_emulator::fleet::Fleet::parse(spec)
            .map_err(|e| cmds::usage("", command, format!("--emulate: {e}")))?;
        if let Some(path) = &fleet.emu_control {
            emulated = emulated.with_control(path.clone());
        }
        poller.add_source(Box::new(emulated));
    }
    Ok(poller)
}

#[cfg(feature = "dbus")]
fn add_mctpd(poller: &mut Poller, _command: &str) -> Result<(), Failure> {
    poller.add_source(Box::new(cxlmi::fleet::Mctpd::default()));
    Ok(())
}

#[cfg(not(feature = "dbus"))]
fn add_mctpd(_poller: &mut Poller, command: &str) -> Result<(), Failure> {
    Err(cmds::usage("", command, "--mctpd: this build has no D-Bus discovery"))
}

/// The log of a long-running subcommand: warnings and errors (everything
/// with -v) on standard error, each line with its level when standard
/// error is the journal ([`journal`]).
pub fn service_logger(verbose: u8) -> Logger {
    let level = if verbose > 0 { LOG_DEBUG } else { LOG_WARNING };
    Logger::stderr(level).with_payloads(verbose >= 3).with_priority_prefix(journal())
}

/// Whether standard error is the systemd journal, which reads `<N>` at
/// the start of a line as its level: systemd says so in `JOURNAL_STREAM`.
pub fn journal() -> bool {
    std::env::var_os("JOURNAL_STREAM").is_some()
}

/// A watching subcommand's own message on standard error, at `level` (shown as the library's
/// are: warnings and errors, everything with -v), marked with it when standard error is the
/// journal ([`journal`]).
pub fn say(ctx: &Context, command: &str, level: i32, what: &str) {
    if !ctx.log().enabled(level) {
        return;
    }
    let prefix = if journal() { format!("<{level}>") } else { String::new() };
    eprintln!("{prefix}cxlmi: {command}: {what}");
}
