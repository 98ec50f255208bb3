//! `cxlmi`: everyday CXL management jobs from the command line, over
//! libcxlmi's safe Rust API. Each subcommand opens its target, sends typed
//! commands and prints one result, human-readable or as one JSON document.
//! The tool owns no CXL logic: encoding, decoding, tunnelling and transports
//! are the library's.

mod args;
mod cmds;
mod parse;
mod render;
mod retcode;
mod target;

use args::{Cli, EXIT_INTERNAL, EXIT_OK, EXIT_OPEN, EXIT_TRANSPORT};
use clap::Parser;

fn main() {
    // No backtraces: a panic is a bug of ours, reported in one line.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("cxlmi: internal error: {info}");
        std::process::exit(EXIT_INTERNAL);
    }));
    let cli = Cli::parse();
    let level = match cli.verbose {
        0 => 0,
        1 => cxlmi::log::LOG_ERR,
        2 => cxlmi::log::LOG_NOTICE,
        _ => cxlmi::log::LOG_DEBUG,
    };
    // Without -v the library's error messages are kept, not shown: the one
    // that explains a failure (why a kernel mailbox will not send a command,
    // say) ends the tool's own one-line message.
    let kept = KeptLog::default();
    let logger = match level {
        0 => cxlmi::log::Logger::new(cxlmi::log::LOG_ERR, Box::new(kept.clone())),
        _ => cxlmi::log::Logger::stderr(level),
    };
    let mut ctx = cxlmi::Context::new(logger);
    ctx.set_emulator(cxlmi_emulator::open);
    let status = match cmds::run(&ctx, &cli.command, cli.json) {
        Ok(out) => {
            if cli.json {
                println!("{}", serde_json::to_string_pretty(&out.value).unwrap_or_default());
            } else {
                print!("{}", out.text.unwrap_or_else(|| render::human(&out.value)));
            }
            EXIT_OK
        }
        Err(mut f) => {
            // Only for a command that failed on an open target: a failed
            // open says all there is in its own message already.
            let after_open = f.json["error"]["command"] != "";
            let explains = f.status == EXIT_OPEN || f.status == EXIT_TRANSPORT;
            if let Some(why) = kept.explanation(&f.message).filter(|_| after_open && explains) {
                f.message = format!("{} ({why})", f.message);
                f.json["error"]["detail"] = serde_json::json!(why);
            }
            if cli.json {
                println!("{}", serde_json::to_string_pretty(&f.json).unwrap_or_default());
            }
            eprintln!("cxlmi: {}", f.message);
            f.status
        }
    };
    std::process::exit(status);
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
