//! How a condition variable gives an `RLock` up while it waits: Python's
//! `_release_save` and `_acquire_restore`, all levels at once.

use super::{NO_OWNER, RLock};
use lockstep_sync::atomic::Ordering::Relaxed;
use lockstep_sync::thread_id;
use lockstep_sync::wait_queue::CondvarLock;
use lockstep_sync::{ReleaseError, deadlock};

// SAFETY: forwards parking to the raw lock, which upholds the contract;
// `release_save` stores and releases (at most an `unpark_one`), and the
// deadlock hooks only take the registry's own mutex.
// Plumbing for `Condition` and the queues, not user API: hidden.
#[doc(hidden)]
unsafe impl CondvarLock for RLock {
    /// The depth the owner held, restored after the wait.
    type Saved = usize;

    fn acquire(&self) {
        RLock::acquire(self)
    }

    fn try_acquire(&self) -> bool {
        RLock::try_acquire(self)
    }

    fn release(&self) -> Result<(), ReleaseError> {
        RLock::release(self)
    }

    fn locked(&self) -> bool {
        RLock::locked(self)
    }

    fn is_owned(&self) -> bool {
        RLock::is_owned(self)
    }

    /// Releases every level at once; 0 (and nothing changes) if the caller
    /// is not the owner.
    fn release_save(&self) -> usize {
        if !self.is_owned() {
            return 0;
        }
        // Relaxed: as in `release`; the raw release publishes.
        let depth = self.count.swap(0, Relaxed);
        self.owner.store(NO_OWNER, Relaxed);
        deadlock::released(self.id());
        self.raw.release_save();
        depth
    }

    fn acquire_restore(&self, depth: usize) {
        if depth == 0 {
            return;
        }
        // Recorded as a waiter for deadlock detection, as `acquire` is.
        deadlock::track(self.id(), self.name, || {
            self.raw.acquire_restore(());
            true
        });
        // Relaxed: the raw lock's Acquire ordered us after the last owner.
        self.owner.store(thread_id(), Relaxed);
        self.count.store(depth, Relaxed);
    }

    fn park_key(&self) -> usize {
        self.raw.park_key()
    }

    fn mark_contended_if_locked(&self) -> bool {
        self.raw.mark_contended_if_locked()
    }
}

#[cfg(all(test, not(any(loom, shuttle))))]
mod tests {
    use super::*;
    use lockstep_sync::ReleaseError;

    #[test]
    fn release_save_by_non_owner_changes_nothing() {
        let rlock = RLock::new();
        assert_eq!(rlock.release_save(), 0);
        rlock.acquire();
        std::thread::scope(|s| {
            s.spawn(|| assert_eq!(rlock.release_save(), 0));
        });
        assert_eq!(rlock.recursion_count(), 1);
        rlock.release().unwrap();
    }

    #[test]
    fn release_save_then_acquire_restore_keeps_the_depth() {
        let rlock = RLock::new();
        rlock.acquire();
        rlock.acquire();
        let depth = rlock.release_save();
        assert_eq!(depth, 2);
        assert!(!rlock.locked());
        assert_eq!(rlock.release(), Err(ReleaseError::NotOwner));
        rlock.acquire_restore(depth);
        assert_eq!(rlock.recursion_count(), 2);
        rlock.release().unwrap();
        rlock.release().unwrap();
        assert!(!rlock.locked());
    }
}
