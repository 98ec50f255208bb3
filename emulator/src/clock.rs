//! The emulator's clock, which background operations and the device
//! timestamp count on. It reads the host's wall clock (time since the UNIX
//! epoch) rather than a monotonic one so that a fabric rebuilt from a state
//! file ([`crate::state`]) can answer each replayed request at the moment it
//! was first answered: a background operation started in an earlier run has
//! then been running for the time since, as on a device that stayed
//! powered, and a timestamp set then has gone on counting.
//!
//! A wall clock set back makes time stand still until it catches up
//! (durations saturate at zero); it never makes the emulator fail.

use std::cell::Cell;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A moment on the clock: time since the UNIX epoch.
pub type Moment = Duration;

thread_local! {
    /// While a state file is replayed, the moment the request being
    /// replayed was first answered. Per thread: a replay runs on the thread
    /// that opens the endpoint, and tests run side by side.
    static REPLAYING_AT: Cell<Option<Moment>> = const { Cell::new(None) };
}

/// The current moment: the wall clock, or the replayed moment during a replay.
pub fn now() -> Moment {
    REPLAYING_AT.with(Cell::get).unwrap_or_else(wall)
}

/// The wall clock, whatever is being replayed.
pub fn wall() -> Moment {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default()
}

/// Time from `earlier` to now (zero when `earlier` is later).
pub fn since(earlier: Moment) -> Duration {
    now().saturating_sub(earlier)
}

/// Runs `f` with the clock standing at `moment`, then puts it back.
pub(crate) fn at<R>(moment: Moment, f: impl FnOnce() -> R) -> R {
    /// Puts the clock back even when `f` unwinds.
    struct Restore(Option<Moment>);
    impl Drop for Restore {
        fn drop(&mut self) {
            REPLAYING_AT.with(|c| c.set(self.0));
        }
    }
    let _restore = Restore(REPLAYING_AT.with(|c| c.replace(Some(moment))));
    f()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_stands_still_while_replaying_and_runs_again_after() {
        let then = Duration::from_secs(1_000_000);
        at(then, || {
            assert_eq!(now(), then);
            assert_eq!(since(then - Duration::from_secs(3)), Duration::from_secs(3));
            // A moment later than the clock is no time ago.
            assert_eq!(since(then + Duration::from_secs(3)), Duration::ZERO);
        });
        assert!(now() > then);
        assert!(since(wall()) < Duration::from_secs(60));
    }
}
