//! The signals that end a long-running subcommand (`cxlmi monitor`, `cxlmi exporter`): SIGTERM, a
//! service's stop, and SIGINT (Ctrl-C). Caught, they end it between rounds or requests, and a wait
//! between rounds ends at once.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::Instant;

use cxlmi::Context;
use cxlmi::log::LOG_DEBUG;

use crate::args::{EXIT_INTERRUPTED, Failure};
use crate::fleet;

/// The first signal caught (0: none).
static CAUGHT: AtomicI32 = AtomicI32::new(0);
/// The write end of the pipe that wakes a wait (-1: none).
static WAKE: AtomicI32 = AtomicI32::new(-1);

const SIGNALS: [libc::c_int; 2] = [libc::SIGTERM, libc::SIGINT];

extern "C" fn on_signal(signal: libc::c_int) {
    let _ = CAUGHT.compare_exchange(0, signal, Ordering::SeqCst, Ordering::SeqCst);
    let fd = WAKE.load(Ordering::SeqCst);
    if fd >= 0 {
        // SAFETY: write(2) is async-signal-safe; the pipe outlives the
        // handler (Drop puts the old one back first). A full pipe
        // already wakes the wait.
        unsafe { libc::write(fd, [1u8].as_ptr().cast(), 1) };
    }
}

/// The handlers, while this lives; the previous ones are put back on drop.
pub struct Stop {
    wake: OwnedFd,
    _write: OwnedFd,
    previous: [libc::sigaction; SIGNALS.len()],
}

impl Stop {
    pub fn install() -> io::Result<Stop> {
        let mut fds = [0; 2];
        // SAFETY: pipe2 writes two descriptors into `fds`, which we then own.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) } != 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: both are open descriptors nobody else owns.
        let (wake, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        CAUGHT.store(0, Ordering::SeqCst);
        WAKE.store(write.as_raw_fd(), Ordering::SeqCst);
        // SAFETY: sigaction with a handler that only stores to atomics and
        // writes to a pipe (async-signal-safe); zeroed sigactions are valid.
        let previous = unsafe {
            let mut action: libc::sigaction = core::mem::zeroed();
            action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as usize;
            // Other threads' system calls (a poller's worker, an HTTP worker) go on; the wait
            // here is poll(2), which a signal always ends.
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            let mut previous: [libc::sigaction; SIGNALS.len()] = core::mem::zeroed();
            for (signal, previous) in SIGNALS.iter().zip(previous.iter_mut()) {
                libc::sigaction(*signal, &action, previous);
            }
            previous
        };
        Ok(Stop { wake, _write: write, previous })
    }

    /// The signal caught, if any.
    pub fn caught(&self) -> Option<libc::c_int> {
        match CAUGHT.load(Ordering::SeqCst) {
            0 => None,
            signal => Some(signal),
        }
    }

    /// Waits until `until`, a signal, or standard output's reader going
    /// away (a closed pipe or socket: nothing would read what comes next).
    pub fn sleep_until(&self, until: Instant) -> Wake {
        loop {
            if let Some(signal) = self.caught() {
                return Wake::Signal(signal);
            }
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Wake::Time;
            }
            let ms = libc::c_int::try_from(left.as_millis() + 1).unwrap_or(libc::c_int::MAX);
            let mut fds = [
                libc::pollfd { fd: self.wake.as_raw_fd(), events: libc::POLLIN, revents: 0 },
                // No event asked: only an error or a hang-up is reported.
                libc::pollfd { fd: libc::STDOUT_FILENO, events: 0, revents: 0 },
            ];
            // SAFETY: two valid pollfds. Interrupted (EINTR) or woken, the loop looks again.
            let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
            if n > 0 && fds[1].revents & (libc::POLLERR | libc::POLLHUP) != 0 {
                return Wake::OutputGone;
            }
        }
    }
}

/// Why a wait ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Wake {
    Time,
    Signal(libc::c_int),
    OutputGone,
}

impl Drop for Stop {
    fn drop(&mut self) {
        // SAFETY: restores the actions saved by install().
        for (signal, previous) in SIGNALS.iter().zip(&self.previous) {
            unsafe { libc::sigaction(*signal, previous, core::ptr::null_mut()) };
        }
        WAKE.store(-1, Ordering::SeqCst);
    }
}

/// The end by `signal`: SIGTERM is a service's stop (success), SIGINT (Ctrl-C) the tool's
/// interrupted status, without an error line: it is how a watcher in the foreground is ended.
pub fn ended(ctx: &Context, command: &str, signal: libc::c_int) -> Result<(), Failure> {
    fleet::say(ctx, command, LOG_DEBUG, &format!("stopping on signal {signal}"));
    if signal == libc::SIGINT {
        std::process::exit(EXIT_INTERRUPTED);
    }
    Ok(())
}
