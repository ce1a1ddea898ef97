//! The state an executor (or a `Pool`) shares with its workers, and the
//! workers' loop: CPython's `ThreadPoolExecutor` internals.

use crate::SubmitError;
use crate::future::{Future, Inner};
use crate::panic::{self, Panic};
use lockstep_lock::Mutex;
use lockstep_queue::Queue;
use lockstep_sync::atomic::Ordering::Relaxed;
use lockstep_sync::atomic::{AtomicBool, AtomicUsize};
use lockstep_sync::cell::UnsafeCell;
use lockstep_thread::{Thread, current_thread};
use std::sync::Arc;

/// One queued task, its type erased: the work queue holds these. Each is
/// the task's future itself (`Inner<T, TaskCell<F>>`, one allocation), and
/// the queue's entry is the only handle that reaches the task in it.
pub(crate) trait Work: Send + Sync {
    /// Runs the task (unless its future was cancelled) and completes the
    /// future; the worker counts as idle as soon as the task returns.
    fn run(self: Arc<Self>, idle: &Idle);
    /// Cancels the future: the task never runs.
    fn cancel(self: Arc<Self>);
    /// Finishes the future as `Broken`: the task never runs.
    fn set_broken(self: Arc<Self>);
}

/// A submitted task, in its future's allocation until a worker takes it.
pub(crate) struct TaskCell<F>(UnsafeCell<Option<F>>);

// SAFETY: only the holder of the future's queue entry (one `Arc<dyn
// Work>`, consumed by `run`, `cancel` or `set_broken`) touches the cell, and
// only once; `Future` handles on other threads never do (they see the
// allocation's tail as `dyn Tail`). So sharing it only moves `F` between
// threads, which `F: Send` allows.
unsafe impl<F: Send> Sync for TaskCell<F> {}

impl<T, F> Inner<T, TaskCell<F>> {
    /// Takes the task out (drops it with the result, if not run).
    fn take_task(&self) -> Option<F> {
        // SAFETY: see `TaskCell`'s `Sync`: we are the queue entry's holder.
        self.task.0.with_mut(|task| unsafe { (*task).take() })
    }
}

impl<T, F> Work for Inner<T, TaskCell<F>>
where
    T: Send + Sync + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    fn run(self: Arc<Self>, idle: &Idle) {
        let task = self.take_task();
        let future = Future { inner: self };
        // Never `None`: this entry is the only one, and it runs once.
        let Some(task) = task else { return idle.release() };
        if future.set_running_or_notify_cancel() != Ok(true) {
            idle.release();
            return;
        }
        let outcome = panic::catch(task);
        idle.release();
        // Only this worker may complete a RUNNING future it started (or a
        // user's set_result raced it: then the user's value stays).
        let _ = match outcome {
            Ok(value) => future.set_result(value),
            Err(panic) => future.set_exception(panic),
        };
    }

    fn cancel(self: Arc<Self>) {
        drop(self.take_task());
        Future { inner: self }.cancel();
    }

    fn set_broken(self: Arc<Self>) {
        drop(self.take_task());
        Future { inner: self }.set_broken();
    }
}

/// Idle workers, counted as CPython's `_idle_semaphore` does: one permit
/// per finished task not yet claimed by a `submit`. It is only ever tried,
/// never waited on, so a count does it; a lockstep `Semaphore` here put the
/// executor's plumbing into every `trace` chart of a program that used one.
/// Once every worker has started the count decides nothing, so neither side
/// touches it then (it would only bounce a cache line between the workers).
pub(crate) struct Idle {
    permits: AtomicUsize,
    /// Set once `max_workers` threads have started.
    saturated: AtomicBool,
}

impl Idle {
    pub(crate) fn new() -> Idle {
        Idle { permits: AtomicUsize::new(0), saturated: AtomicBool::new(false) }
    }

    /// A worker's task returned: it is idle.
    fn release(&self) {
        // Relaxed: see `saturated`'s store.
        if !self.saturated.load(Relaxed) {
            // Relaxed: the count publishes nothing; the queue hands over
            // the work.
            self.permits.fetch_add(1, Relaxed);
        }
    }

    /// A `submit` takes an idle worker, if there is one.
    fn claim(&self) -> bool {
        // Relaxed: as in `release`.
        self.permits.fetch_update(Relaxed, Relaxed, |idle| idle.checked_sub(1)).is_ok()
    }
}

/// What `submit` and `shutdown` change together, under one lock
/// (CPython's `_shutdown_lock`).
pub(crate) struct Control {
    pub(crate) shut_down: bool,
    pub(crate) broken: bool,
    /// Every worker started, in start order (`{prefix}_{i}` is `threads[i]`).
    pub(crate) threads: Vec<Thread>,
}

/// The state the executor and its workers share.
pub(crate) struct Shared {
    /// The work queue; `shutdown` shuts it (soft), so workers drain it and exit.
    pub(crate) queue: Queue<Arc<dyn Work>>,
    /// "An idle worker exists" (CPython's `_idle_semaphore`).
    pub(crate) idle: Idle,
    pub(crate) control: Mutex<Control>,
    pub(crate) max_workers: usize,
    pub(crate) prefix: String,
    pub(crate) initializer: Option<Arc<dyn Fn() + Send + Sync>>,
}

impl Shared {
    /// Queues `task` and returns its future.
    pub(crate) fn submit<T, F>(self: &Arc<Self>, task: F) -> Result<Future<T>, SubmitError>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let inner = Future::<T>::carrying(TaskCell(UnsafeCell::new(Some(task))));
        let future = Future { inner: inner.clone() };
        self.submit_work(inner)?;
        Ok(future)
    }

    fn submit_work(self: &Arc<Self>, work: Arc<dyn Work>) -> Result<(), SubmitError> {
        // Once every worker has started there is nothing to decide under
        // the lock: the queue itself refuses the put once the pool is shut
        // down or broken (both shut it, under the lock, before draining
        // it, so an item put just before is either drained or run).
        // Relaxed: only picks the path; the queue's own lock orders the put.
        if self.idle.saturated.load(Relaxed) {
            return self.queue.put(work).map_err(|_| self.refusal());
        }
        let mut control = self.control.lock();
        if control.broken {
            return Err(SubmitError::Broken);
        }
        if control.shut_down {
            return Err(SubmitError::ShutDown);
        }
        // The queue is shut only with `shut_down` or `broken` set, under
        // this lock: the put cannot fail here.
        self.queue.put(work).map_err(|_| SubmitError::ShutDown)?;
        // An idle worker takes it; else a new one starts, up to the limit.
        if control.threads.len() < self.max_workers && !self.idle.claim() {
            let shared = self.clone();
            let name = format!("{}_{}", self.prefix, control.threads.len());
            let worker = Thread::named(name, move || shared.work());
            // Daemon: a leaked executor's idle workers must not hold the
            // process open at exit (Drop and `shutdown(true)` still join).
            let _ = worker.set_daemon(true);
            worker.start().expect("a new thread starts");
            control.threads.push(worker);
            if control.threads.len() == self.max_workers {
                // Relaxed: a worker that still sees `false` only releases a
                // permit nobody will claim; a submit that still sees it
                // takes the lock.
                self.idle.saturated.store(true, Relaxed);
            }
        }
        Ok(())
    }

    /// Why a put was refused: the pool is broken or shut down.
    fn refusal(&self) -> SubmitError {
        match self.control.lock().broken {
            true => SubmitError::Broken,
            false => SubmitError::ShutDown,
        }
    }

    /// A worker's life: the initializer, then tasks until the queue is
    /// shut and empty.
    fn work(&self) {
        if let Some(initializer) = &self.initializer
            && let Err(panic) = panic::catch(|| initializer())
        {
            self.initializer_failed(&panic);
            return;
        }
        while let Ok(work) = self.queue.get() {
            work.run(&self.idle);
        }
    }

    /// Breaks the pool: later submits fail, queued tasks never run.
    fn initializer_failed(&self, panic: &Panic) {
        panic::report("Exception in initializer:", panic);
        let drained = {
            let mut control = self.control.lock();
            control.broken = true;
            // Shut first, then drain: a put that slipped in before is
            // drained, none can come after.
            self.queue.shutdown(false);
            self.drain()
        };
        // Outside the lock: completing runs callbacks, which may submit.
        for work in drained {
            work.set_broken();
        }
    }

    fn drain(&self) -> Vec<Arc<dyn Work>> {
        let mut drained = Vec::new();
        while let Ok(work) = self.queue.try_get() {
            drained.push(work);
        }
        drained
    }

    /// Python's `shutdown(wait, cancel_futures)`.
    pub(crate) fn shutdown(&self, wait: bool, cancel_futures: bool) {
        let (cancelled, threads) = {
            let mut control = self.control.lock();
            control.shut_down = true;
            // Shut first, then drain, as in `initializer_failed`.
            self.queue.shutdown(false);
            let cancelled = if cancel_futures { self.drain() } else { Vec::new() };
            (cancelled, if wait { control.threads.clone() } else { Vec::new() })
        };
        for work in cancelled {
            work.cancel();
        }
        if threads.is_empty() {
            return;
        }
        let me = current_thread();
        for thread in threads.iter().filter(|thread| **thread != me) {
            let _ = thread.join();
        }
    }

    pub(crate) fn max_workers(&self) -> usize {
        self.max_workers
    }
}
