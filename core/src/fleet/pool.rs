//! The poller's worker threads: started as work needs them, up to a bound,
//! and kept for the next round. A job that blocks (a kernel ioctl past the
//! deadline) holds only its own worker.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

pub type Job = Box<dyn FnOnce() + Send>;

/// Worker stacks: a worker reads payload structs and message buffers that
/// live on the heap, so it needs far less than the 2 MiB default.
const STACK_SIZE: usize = 256 << 10;

#[derive(Default)]
struct Queue {
    jobs: VecDeque<Job>,
    workers: usize,
    idle: usize,
    closed: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    ready: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        // Jobs run outside the lock: a panic cannot leave the queue half-changed.
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

pub struct Pool {
    shared: Arc<Shared>,
    max: usize,
}

impl Pool {
    pub fn new(max: usize) -> Pool {
        Pool { shared: Arc::new(Shared { queue: Mutex::default(), ready: Condvar::new() }), max }
    }

    /// Queues `job`, starting a worker when none is idle and the bound allows.
    pub fn submit(&self, job: Job) {
        let mut q = self.shared.lock();
        q.jobs.push_back(job);
        if q.jobs.len() > q.idle && q.workers < self.max {
            let shared = self.shared.clone();
            let started = std::thread::Builder::new()
                .name("cxlmi-poller".into())
                .stack_size(STACK_SIZE)
                .spawn(move || work(&shared));
            // Without a new thread the job waits for a running one.
            if started.is_ok() {
                q.workers += 1;
            }
        }
        drop(q);
        self.shared.ready.notify_one();
    }
}

impl Drop for Pool {
    /// Workers finish the job they have and end; none is waited for.
    fn drop(&mut self) {
        let mut q = self.shared.lock();
        q.closed = true;
        q.jobs.clear();
        drop(q);
        self.shared.ready.notify_all();
    }
}

fn work(shared: &Shared) {
    loop {
        let mut q = shared.lock();
        let job = loop {
            if let Some(job) = q.jobs.pop_front() {
                break job;
            }
            if q.closed {
                q.workers -= 1;
                return;
            }
            q.idle += 1;
            q = shared.ready.wait(q).unwrap_or_else(PoisonError::into_inner);
            q.idle -= 1;
        };
        drop(q);
        // A job that panics must not take the worker with it: the pool
        // counts on its workers.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
    }
}
