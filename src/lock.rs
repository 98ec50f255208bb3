//! The C layer's locks: a POSIX mutex around a value.
//!
//! Not `std::sync::Mutex`, whose futex fast path valgrind's thread checkers
//! (helgrind, drd) cannot see: every command would be reported as a race.
//! A C program that shares a context across threads is checked with those
//! tools, ours in CI and the caller's own, so the library's locks are the
//! ones they understand. Uncontended, `pthread_mutex_lock` and `unlock` cost
//! a few instructions more than std's (measured in the #14 note).

use core::cell::UnsafeCell;
use core::ops::{Deref, DerefMut};

/// A value that one thread at a time may use.
pub(crate) struct Lock<T> {
    // Boxed: a POSIX mutex must not move once used, and the owner may move.
    raw: Box<UnsafeCell<libc::pthread_mutex_t>>,
    value: UnsafeCell<T>,
}

// SAFETY: the value is reached only through a guard, which holds the mutex.
unsafe impl<T: Send> Send for Lock<T> {}
// SAFETY: as above; one thread at a time has `&mut T`.
unsafe impl<T: Send> Sync for Lock<T> {}

impl<T> Lock<T> {
    pub(crate) fn new(value: T) -> Self {
        let raw = Box::new(UnsafeCell::new(libc::PTHREAD_MUTEX_INITIALIZER));
        // Initialised in place as well: drd knows a mutex only from pthread_mutex_init or a
        // first lock, and would call destroying one never locked an error.
        // SAFETY: a mutex in its final place, used by no one yet; default attributes cannot fail.
        unsafe { libc::pthread_mutex_init(raw.get(), core::ptr::null()) };
        Lock { raw, value: UnsafeCell::new(value) }
    }

    /// Waits for the value. A default (non-checking, non-robust) mutex
    /// cannot fail to lock, so there is no error to return; a panic while
    /// the guard is held unlocks it on unwinding, and what it guards is
    /// rebuilt by each user (the endpoint's buffers by each command).
    pub(crate) fn lock(&self) -> Guard<'_, T> {
        // SAFETY: the mutex was initialised by new() and lives as long as self.
        let rc = unsafe { libc::pthread_mutex_lock(self.raw.get()) };
        debug_assert_eq!(rc, 0);
        Guard { lock: self }
    }

    /// The value, once no thread can hold the lock.
    pub(crate) fn into_inner(self) -> T {
        // `raw` is destroyed by Drop; the value leaves without a lock.
        let this = core::mem::ManuallyDrop::new(self);
        // SAFETY: `this` is never used again except to destroy its mutex.
        let value = unsafe { core::ptr::read(this.value.get()) };
        // SAFETY: read once, then dropped once here.
        let raw = unsafe { core::ptr::read(&this.raw) };
        destroy(&raw);
        value
    }
}

impl<T> Drop for Lock<T> {
    fn drop(&mut self) {
        destroy(&self.raw);
    }
}

fn destroy(raw: &UnsafeCell<libc::pthread_mutex_t>) {
    // SAFETY: an initialised mutex that no guard holds (a guard borrows the lock).
    unsafe { libc::pthread_mutex_destroy(raw.get()) };
}

/// The value while its lock is held; unlocks when dropped.
pub(crate) struct Guard<'a, T> {
    lock: &'a Lock<T>,
}

impl<T> Deref for Guard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the mutex is held for the guard's life.
        unsafe { &*self.lock.value.get() }
    }
}

impl<T> DerefMut for Guard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the mutex is held for the guard's life, and this is its only `&mut`.
        unsafe { &mut *self.lock.value.get() }
    }
}

impl<T> Drop for Guard<'_, T> {
    fn drop(&mut self) {
        // SAFETY: locked by this thread in Lock::lock.
        unsafe { libc::pthread_mutex_unlock(self.lock.raw.get()) };
    }
}

#[cfg(test)]
mod tests {
    use super::Lock;
    use std::sync::Arc;

    #[test]
    fn threads_take_turns() {
        let counter = Arc::new(Lock::new(0u64));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let c = Arc::clone(&counter);
                std::thread::spawn(move || {
                    for _ in 0..10_000 {
                        // A read and a write apart: lost updates if the lock did not exclude.
                        let mut g = c.lock();
                        let v = *g;
                        std::hint::black_box(&v);
                        *g = v + 1;
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(*counter.lock(), 40_000);
        assert_eq!(Arc::try_unwrap(counter).ok().unwrap().into_inner(), 40_000);
    }

    #[test]
    fn a_panic_while_held_unlocks() {
        let l = Lock::new(vec![1u8]);
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _g = l.lock();
            panic!("while held");
        }));
        assert!(r.is_err());
        assert_eq!(*l.lock(), vec![1u8]);
    }
}
