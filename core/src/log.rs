//! The context's log: syslog-style levels, written to one stream or handed to a hook.

use std::io::Write;
use std::sync::Mutex;

/// syslog levels, as `cxlmi_new_ctx` takes them.
pub const LOG_ERR: i32 = 3;
pub const LOG_WARNING: i32 = 4;
pub const LOG_NOTICE: i32 = 5;
pub const LOG_INFO: i32 = 6;
pub const LOG_DEBUG: i32 = 7;

/// A function given each message a [`Logger`] lets through, with its level and without the
/// `libcxlmi: ` prefix, in place of a stream: for a host language's own logging (the Python
/// module hands them to `logging`). Called on the thread that logs, from several at once, and
/// without any lock of the logger's held.
pub type Hook = Box<dyn Fn(i32, &str) + Send + Sync>;

/// Where a context's messages go, and which of them.
pub struct Logger {
    level: i32,
    out: Mutex<Box<dyn Write + Send>>,
    hook: Option<Hook>,
    payloads: bool,
    priority_prefix: bool,
}

impl Logger {
    pub fn new(level: i32, out: Box<dyn Write + Send>) -> Logger {
        Logger { level, out: Mutex::new(out), hook: None, payloads: false, priority_prefix: false }
    }

    /// A logger handing each message to `hook` instead of writing it.
    pub fn with_hook(level: i32, hook: Hook) -> Logger {
        Logger { hook: Some(hook), ..Logger::new(level, Box::new(std::io::sink())) }
    }

    /// At debug level, each command's request and response payloads are logged too, as hex.
    pub fn with_payloads(mut self, on: bool) -> Logger {
        self.payloads = on;
        self
    }

    /// Each line starts with its level as `<N>`, as the systemd journal reads
    /// a service's standard error (sd-daemon(3)).
    pub fn with_priority_prefix(mut self, on: bool) -> Logger {
        self.priority_prefix = on;
        self
    }

    /// Whether payloads are logged with each command.
    pub fn payloads(&self) -> bool {
        self.payloads && self.enabled(LOG_DEBUG)
    }

    /// A logger writing to standard error.
    pub fn stderr(level: i32) -> Logger {
        Logger::new(level, Box::new(std::io::stderr()))
    }

    pub fn level(&self) -> i32 {
        self.level
    }

    pub fn enabled(&self, level: i32) -> bool {
        level <= self.level
    }

    /// Writes one message, prefixed as upstream prefixes them.
    pub fn log(&self, level: i32, args: core::fmt::Arguments<'_>) {
        if !self.enabled(level) {
            return;
        }
        if let Some(hook) = &self.hook {
            hook(level, &args.to_string());
            return;
        }
        if let Ok(mut out) = self.out.lock() {
            // A failing log stream must not fail the command that logs.
            let _ = match self.priority_prefix {
                true => writeln!(out, "<{level}>libcxlmi: {args}"),
                false => writeln!(out, "libcxlmi: {args}"),
            };
        }
    }
}

/// Logs through a [`Logger`] only when its level lets the message through,
/// so the formatting costs nothing otherwise.
#[macro_export]
macro_rules! log_at {
    ($logger:expr, $level:expr, $($arg:tt)*) => {
        if $logger.enabled($level) {
            $logger.log($level, format_args!($($arg)*));
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_hook_gets_each_message_with_its_level() {
        let got = Arc::new(Mutex::new(Vec::new()));
        let into = Arc::clone(&got);
        let log = Logger::with_hook(
            LOG_INFO,
            Box::new(move |level, msg| into.lock().unwrap().push((level, msg.to_string()))),
        );
        log_at!(log, LOG_ERR, "open {} failed", "mem0");
        log_at!(log, LOG_INFO, "line one\nline two");
        log_at!(log, LOG_DEBUG, "not let through");
        assert_eq!(
            *got.lock().unwrap(),
            [(LOG_ERR, "open mem0 failed".to_string()), (LOG_INFO, "line one\nline two".to_string())]
        );
    }
}
