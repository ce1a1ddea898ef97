//! Deadlock detection: who holds and who waits for each `Lock` and `RLock`,
//! and a search for cycles in that wait-for graph.
//!
//! With the `deadlock-detection` feature off (the default) every hook below
//! is an empty inline function and [`check`] finds nothing: zero cost. With
//! it on, the hooks keep a small registry behind one std `Mutex`, touched
//! only when a lock changes hands or a thread starts or stops waiting.
//!
//! ```
//! // With the feature off this is always empty.
//! for deadlock in lockstep_sync::deadlock::check() {
//!     eprintln!("deadlock: {deadlock}");
//! }
//! ```

use std::fmt;

/// A cycle of threads, each holding a lock the next one waits for.
///
/// Its `Display` names every thread and lock, e.g.
/// `Thread-1 holds lockA and waits for lockB; Thread-2 holds lockB and
/// waits for lockA`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadlock {
    /// The threads of the cycle, in wait-for order.
    pub threads: Vec<Deadlocked>,
}

/// One thread of a [`Deadlock`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadlocked {
    /// The thread's name, as `lockstep::thread` names it: `MainThread` for
    /// the main thread, a `Thread`'s name (`Thread-N` by default), a std
    /// thread's own name if it has one, else `Dummy-N` (Python's name for
    /// a thread `threading` did not start). Taken at the thread's first
    /// lock operation.
    pub thread: String,
    /// The lock of the cycle this thread holds.
    pub holds: String,
    /// The lock this thread waits for (held by the next thread).
    pub waits_for: String,
}

impl fmt::Display for Deadlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (at, link) in self.threads.iter().enumerate() {
            if at > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{} holds {} and waits for {}", link.thread, link.holds, link.waits_for)?;
        }
        Ok(())
    }
}

pub use imp::{blocked, check, forget};

/// Runs `take` (which acquires `lock`, returning whether it did),
/// recording the caller as waiting while it blocks (deadlock detection)
/// and emitting the wait and its end (`trace`). With both features off:
/// just `take`.
#[doc(hidden)]
#[inline(always)]
pub fn track(lock: usize, name: Option<&'static str>, take: impl FnOnce() -> bool) -> bool {
    crate::trace::waiting(lock, name);
    let taken = imp::track(lock, name, take);
    crate::trace::waited(lock, name, taken);
    taken
}

/// Records that the calling thread now holds `lock` (taken without a wait).
#[doc(hidden)]
#[inline(always)]
pub fn acquired(lock: usize, name: Option<&'static str>) {
    crate::trace::acquired(lock, name);
    imp::acquired(lock, name);
}

/// Records that `lock` is free again.
#[doc(hidden)]
#[inline(always)]
pub fn released(lock: usize) {
    crate::trace::released(lock);
    imp::released(lock);
}

#[cfg(not(feature = "deadlock-detection"))]
mod imp {
    //! Detection off: every hook compiles to nothing.
    use super::Deadlock;

    /// Deadlock cycles now; always empty without `deadlock-detection`.
    pub fn check() -> Vec<Deadlock> {
        Vec::new()
    }

    /// `(thread, lock)` for every thread blocked on a lock now; always
    /// empty without `deadlock-detection`.
    pub fn blocked() -> Vec<(String, String)> {
        Vec::new()
    }

    /// Runs `take` (which acquires `lock`, returning whether it did),
    /// recording the caller as waiting while it blocks. Here: just `take`.
    #[doc(hidden)]
    #[inline(always)]
    pub(super) fn track(_lock: usize, _name: Option<&'static str>, take: impl FnOnce() -> bool) -> bool {
        take()
    }

    /// Records that the calling thread now holds `lock`.
    #[doc(hidden)]
    #[inline(always)]
    pub(super) fn acquired(_lock: usize, _name: Option<&'static str>) {}

    /// Records that `lock` is free again.
    #[doc(hidden)]
    #[inline(always)]
    pub(super) fn released(_lock: usize) {}

    /// Drops what is known about `lock` (it is being destroyed).
    #[doc(hidden)]
    #[inline(always)]
    pub fn forget(_lock: usize) {}
}

#[cfg(feature = "deadlock-detection")]
mod imp {
    //! Detection on: a registry of holders and waiters.
    use super::{Deadlock, Deadlocked};
    use std::collections::HashMap;
    use std::sync::{Mutex, MutexGuard, PoisonError};

    #[derive(Default)]
    struct Registry {
        /// Lock id → the thread holding it (Python's `Lock` is held by the
        /// thread that acquired it, whoever releases it).
        holder: HashMap<usize, usize>,
        /// Thread id → the lock it is blocked on.
        waits_for: HashMap<usize, usize>,
        /// Names seen, for the report.
        lock_names: HashMap<usize, &'static str>,
        thread_names: HashMap<usize, String>,
    }

    static REGISTRY: Mutex<Option<Registry>> = Mutex::new(None);

    fn registry() -> MutexGuard<'static, Option<Registry>> {
        // The registry stays consistent even if a holder panicked.
        REGISTRY.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn with<R>(f: impl FnOnce(&mut Registry) -> R) -> R {
        f(registry().get_or_insert_with(Registry::default))
    }

    /// The calling thread's id, remembering its name.
    fn me(registry: &mut Registry) -> usize {
        let id = crate::thread_id();
        // The workspace's one naming scheme (`threads::current_name`):
        // MainThread, a lockstep `Thread`'s or std `Builder`'s name, else
        // the thread's `Dummy-N`, as `lockstep::thread::current_thread()`.
        registry.thread_names.entry(id).or_insert_with(crate::threads::current_name);
        id
    }

    fn note_name(registry: &mut Registry, lock: usize, name: Option<&'static str>) {
        if let Some(name) = name {
            registry.lock_names.insert(lock, name);
        }
    }

    /// See the feature-off `track`.
    #[doc(hidden)]
    pub(super) fn track(lock: usize, name: Option<&'static str>, take: impl FnOnce() -> bool) -> bool {
        with(|registry| {
            let me = me(registry);
            note_name(registry, lock, name);
            registry.waits_for.insert(me, lock);
        });
        let taken = take();
        with(|registry| {
            let me = me(registry);
            registry.waits_for.remove(&me);
            if taken {
                registry.holder.insert(lock, me);
            }
        });
        taken
    }

    /// See the feature-off `acquired`.
    #[doc(hidden)]
    pub(super) fn acquired(lock: usize, name: Option<&'static str>) {
        with(|registry| {
            let me = me(registry);
            note_name(registry, lock, name);
            registry.holder.insert(lock, me);
        });
    }

    /// See the feature-off `released`.
    #[doc(hidden)]
    pub(super) fn released(lock: usize) {
        with(|registry| registry.holder.remove(&lock));
    }

    /// See the feature-off `forget`.
    #[doc(hidden)]
    pub fn forget(lock: usize) {
        with(|registry| {
            registry.holder.remove(&lock);
            registry.lock_names.remove(&lock);
        });
    }

    /// Every cycle in the wait-for graph now: threads each blocked on a
    /// lock held by the next. Each cycle is reported once, starting from
    /// the thread whose name sorts first.
    pub fn check() -> Vec<Deadlock> {
        with(|registry| {
            // Each thread waits for at most one lock, and each lock has at
            // most one holder: following "waits for a lock held by" from a
            // thread walks a path that either ends or closes a cycle.
            let next =
                |thread: usize| registry.waits_for.get(&thread).and_then(|lock| registry.holder.get(lock));
            let mut starts: Vec<usize> = registry.waits_for.keys().copied().collect();
            starts.sort_unstable();
            let mut found: Vec<Vec<usize>> = Vec::new();
            for &start in &starts {
                let mut path = vec![start];
                while let Some(&holder) = next(*path.last().unwrap_or(&start)) {
                    if let Some(at) = path.iter().position(|&t| t == holder) {
                        let mut cycle = path.split_off(at);
                        // Start from the first name in alphabetical order,
                        // so a report reads the same every run.
                        let first = (0..cycle.len())
                            .min_by_key(|&i| (thread_name(registry, cycle[i]), cycle[i]))
                            .unwrap_or(0);
                        cycle.rotate_left(first);
                        if !found.contains(&cycle) {
                            found.push(cycle);
                        }
                        break;
                    }
                    path.push(holder);
                }
            }
            found.into_iter().map(|cycle| describe(registry, &cycle)).collect()
        })
    }

    /// `(thread, lock)` for every thread blocked on a lock now, sorted.
    pub fn blocked() -> Vec<(String, String)> {
        with(|registry| {
            let mut blocked: Vec<_> = registry
                .waits_for
                .iter()
                .map(|(thread, &lock)| (thread_name(registry, *thread), lock_name(registry, lock)))
                .collect();
            blocked.sort();
            blocked
        })
    }

    fn lock_name(registry: &Registry, lock: usize) -> String {
        match registry.lock_names.get(&lock) {
            Some(name) => (*name).to_owned(),
            None => format!("an unnamed lock at {lock:#x}"),
        }
    }

    fn thread_name(registry: &Registry, thread: usize) -> String {
        registry.thread_names.get(&thread).cloned().unwrap_or_default()
    }

    fn describe(registry: &Registry, cycle: &[usize]) -> Deadlock {
        let lock_name = |lock: usize| lock_name(registry, lock);
        let waits_for = |thread: usize| registry.waits_for.get(&thread).copied().unwrap_or_default();
        let threads = cycle
            .iter()
            .enumerate()
            .map(|(at, &thread)| {
                // This thread holds what the previous thread waits for.
                let previous = cycle[(at + cycle.len() - 1) % cycle.len()];
                Deadlocked {
                    thread: thread_name(registry, thread),
                    holds: lock_name(waits_for(previous)),
                    waits_for: lock_name(waits_for(thread)),
                }
            })
            .collect();
        Deadlock { threads }
    }
}
