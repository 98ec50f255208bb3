//! `cxlmi`: everyday CXL management jobs from the command line, over
//! libcxlmi's safe Rust API. Each subcommand opens its target, sends typed
//! commands and prints one result, human-readable or as one JSON document.
//! The tool owns no CXL logic: encoding, decoding, tunnelling and transports
//! are the library's.

mod cmds;
mod decoded;
mod exporter;
mod fleet;
mod monitor;
mod render;
mod retcode;
mod stop;

use cxlmi_cli::{args, parse, target};

use std::io::Write;

use args::{Cli, EXIT_INTERNAL, EXIT_OK, EXIT_OPEN, EXIT_TRANSPORT, EXIT_USAGE, OutputFormat};
use clap::{CommandFactory, FromArgMatches};

fn main() {
    // No backtraces: a panic is a bug of ours, reported in one line.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("cxlmi: internal error: {info}");
        std::process::exit(EXIT_INTERNAL);
    }));
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let version: &'static str = Box::leak(version().into_boxed_str());
    let cli = match Cli::command().version(version).try_get_matches_from(&args).and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) => std::process::exit(argument_error(&e, &args)),
    };
    let format = cli.format();
    // -v: every command sent (opcode, name, sizes, outcome) and the library's other messages;
    // -vvv: the payloads too, as hex.
    let verbose = cli.verbose > 0;
    // Without -v the library's error messages are kept, not shown: the one
    // that explains a failure (why a kernel mailbox will not send a command,
    // say) ends the tool's own one-line message.
    let kept = KeptLog::default();
    let watching = matches!(cli.command, args::Command::Monitor(_) | args::Command::Exporter(_));
    let logger = match verbose {
        _ if watching => fleet::service_logger(cli.verbose),
        false => cxlmi::log::Logger::new(cxlmi::log::LOG_ERR, Box::new(kept.clone())),
        true => cxlmi::log::Logger::stderr(cxlmi::log::LOG_DEBUG).with_payloads(cli.verbose >= 3),
    };
    let mut ctx = cxlmi::Context::new(logger);
    ctx.set_emulator(cxlmi_emulator::open);
    let opts =
        args::Options { json: format != OutputFormat::Normal, force: cli.force, emu_state: cli.emu_state.clone() };
    let ctx = std::sync::Arc::new(ctx);
    let run = match &cli.command {
        // They print as they go.
        args::Command::Monitor(m) => monitor::run(&ctx, m, &opts, format).map(|()| None),
        args::Command::Exporter(e) => exporter::run(&ctx, e, &opts).map(|()| None),
        command => cmds::run(&ctx, command, &opts).map(Some),
    };
    let status = match run {
        Ok(None) => EXIT_OK,
        Ok(Some(out)) => match format {
            OutputFormat::Normal => print(&out.text.unwrap_or_else(|| render::human(&out.value))),
            _ => print(&json_text(&out.value, format)),
        },
        Err(mut f) => {
            // Only for a command that failed on an open target: a failed
            // open says all there is in its own message already.
            let explains = f.status == EXIT_OPEN || f.status == EXIT_TRANSPORT;
            if let Some(why) = kept.explanation(&f.message).filter(|_| !f.during_open && explains) {
                f.message = format!("{} ({why})", f.message);
                f.json["error"]["detail"] = serde_json::json!(why);
            }
            fail(&f, format)
        }
    };
    std::process::exit(status);
}

/// `0.1.0 (libcxlmi 0.1.0; D-Bus discovery: yes; CXL 2.0 layouts: no; emulator: yes)`.
fn version() -> String {
    let yes = |on: bool| if on { "yes" } else { "no" };
    format!(
        "{} (libcxlmi {}; D-Bus discovery: {}; CXL 2.0 layouts: {}; emulator: yes)",
        env!("CARGO_PKG_VERSION"),
        cxlmi::VERSION,
        yes(cfg!(feature = "dbus")),
        yes(cfg!(feature = "cxl2_0")),
    )
}

/// The document for `value` in a JSON format.
fn json_text(value: &serde_json::Value, format: OutputFormat) -> String {
    let text = match format {
        OutputFormat::Jsonl => serde_json::to_string(value),
        _ => serde_json::to_string_pretty(value),
    };
    text.unwrap_or_default() + "\n"
}

/// Prints a failure: its one line on stderr and, in a JSON format, its error object on stdout.
fn fail(f: &args::Failure, format: OutputFormat) -> i32 {
    if format != OutputFormat::Normal {
        let status = print(&json_text(&f.json, format));
        if status != EXIT_OK {
            return status;
        }
    }
    // A service's failure reaches the journal as an error.
    let level = if fleet::journal() { "<3>" } else { "" };
    eprintln!("{level}cxlmi: {}", f.message);
    f.status
}

/// An error in the arguments (or --help, --version). Help and the version print as clap prints
/// them; an error is one line on stderr naming the subcommand, and in a JSON format an error
/// object on stdout too.
fn argument_error(e: &clap::Error, args: &[std::ffi::OsString]) -> i32 {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        return print(&e.render().to_string());
    }
    // clap's message is its lines up to the usage that follows: made one line here.
    let rendered = e.render().to_string();
    let why = match e.kind() {
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => "a subcommand is required".to_string(),
        _ => rendered.lines().take_while(|l| !l.is_empty()).map(str::trim).collect::<Vec<_>>().join(" "),
    };
    let why = why.strip_prefix("error: ").unwrap_or(&why);
    let command = args::command_in(args);
    let command = command.as_str();
    let help = if command.is_empty() { "cxlmi --help".to_string() } else { format!("cxlmi {command} --help") };
    let f = cmds::usage("", command, format!("{why} (see {help})"));
    debug_assert_eq!(f.status, EXIT_USAGE);
    fail(&f, args::format_in(args))
}

/// Writes `text` to stdout. A reader that went away (a closed pipe) ends the tool as it ends a C
/// tool, by SIGPIPE, which shells and `set -o pipefail` expect; any other failure (a full disk)
/// is one line on stderr and the system-error status.
fn print(text: &str) -> i32 {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => EXIT_OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => end_by_sigpipe(),
        Err(e) => {
            eprintln!("cxlmi: cannot write the output: {e}");
            EXIT_OPEN
        }
    }
}

/// Ends the tool as a write to a closed pipe ends a C tool: by SIGPIPE, which shells expect.
fn end_by_sigpipe() -> ! {
    // SAFETY: restoring the default action of a signal Rust set to ignored, then raising it.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        libc::raise(libc::SIGPIPE);
    }
    std::process::exit(EXIT_OPEN)
}

/// The library's log lines, kept in memory.
#[derive(Clone, Default)]
struct KeptLog(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl KeptLog {
    /// The last message that says more than `message`, without the
    /// library's prefix: the library logs the reason for a refusal, then
    /// `OPCODE: error` again, which the tool's message already has.
    fn explanation(&self, message: &str) -> Option<String> {
        let text = self.0.lock().ok()?;
        let text = String::from_utf8_lossy(&text);
        let line = text.lines().rev().map(|l| l.strip_prefix("libcxlmi: ").unwrap_or(l)).find(|l| {
            let said = l.split_once(": ").map_or(*l, |(_, rest)| rest);
            !message.contains(said)
        })?;
        Some(line.to_string())
    }
}

impl std::io::Write for KeptLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut text) = self.0.lock() {
            text.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
