// recursive_rlock: a recursive function that takes a Lock it already holds.
//
// Lesson: `cargo run --bin lesson-rlock` (a Lock taken twice by one thread, then an RLock).
// The Python it mirrors:
//
//     lock = threading.Lock()       # threading.RLock() fixes it
//
//     def size(path):
//         with lock:                # the whole walk sees one state of the tree
//             total = files[path]
//             for child in dirs[path]:
//                 total += size(child)   # takes the lock again: waits for itself
//             return total
//
// What to fix: `Tree::size` holds the tree's lock while it adds up a
// directory and, recursively, its subdirectories, so that a file being
// moved is counted exactly once. But the recursive call takes the lock
// again, and a `Lock` taken twice by the same thread waits for itself
// forever. Keep the whole walk under the lock, and make it work.

use lockstep::Lock;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// One directory: its own files' bytes and its subdirectories.
struct Dir {
    path: &'static str,
    bytes: AtomicU64,
    children: Vec<usize>,
}

/// A directory tree; `lock` is held by whoever reads or changes it.
/// (Relaxed is enough for the byte counts: the lock orders them.)
struct Tree {
    // TODO: this lock is taken again by the thread that holds it.
    lock: Lock,
    dirs: Vec<Dir>,
}

/// Every walk of the tree must find this many bytes.
const TOTAL: u64 = 1000;

impl Tree {
    fn new() -> Tree {
        let dir = |path, bytes, children| Dir { path, bytes: AtomicU64::new(bytes), children };
        Tree {
            lock: Lock::named("tree_lock"),
            dirs: vec![
                dir("/", 100, vec![1, 2]),
                dir("/docs", 300, vec![]),
                dir("/photos", 200, vec![3]),
                dir("/photos/2024", 400, vec![]),
            ],
        }
    }

    /// The bytes in directory `at` and everything below it.
    fn size(&self, at: usize) -> u64 {
        let _held = self.lock.lock();
        let dir = &self.dirs[at];
        lockstep_check::pause(1); // reading a directory takes a moment
        let mut total = dir.bytes.load(Ordering::Relaxed);
        for &child in &dir.children {
            total += self.size(child);
        }
        total
    }

    /// Moves `bytes` from one directory to another (don't change it): under
    /// the lock, so a walk sees the file in one place or the other.
    fn move_file(&self, from: usize, to: usize, bytes: u64) {
        let _held = self.lock.lock();
        self.dirs[from].bytes.fetch_sub(bytes, Ordering::Relaxed);
        lockstep_check::jitter();
        self.dirs[to].bytes.fetch_add(bytes, Ordering::Relaxed);
    }
}

/// `du` walks the tree 10 times while `mover` moves a file between
/// /docs and /photos/2024; returns the 10 sizes `du` found.
fn run() -> Vec<u64> {
    let tree = Arc::new(Tree::new());
    let du_done = Arc::new(AtomicBool::new(false));
    let sizes = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut crew = lockstep_check::Crew::new("du to walk the tree 10 times while mover moves a file")
        .deadlock_hint(1)
        .hang_is("hang", 2)
        .limit(Duration::from_secs(3));
    let (mine, done, found) = (Arc::clone(&tree), Arc::clone(&du_done), Arc::clone(&sizes));
    crew.spawn("du", move || {
        for _ in 0..10 {
            let size = mine.size(0);
            found.lock().unwrap().push(size);
        }
        done.store(true, Ordering::Relaxed);
    });
    let (mine, done) = (Arc::clone(&tree), du_done);
    crew.spawn("mover", move || {
        let mut moves = 0;
        while !done.load(Ordering::Relaxed) {
            let (from, to) = if moves % 2 == 0 { (1, 3) } else { (3, 1) };
            mine.move_file(from, to, 50);
            moves += 1;
            lockstep_check::jitter();
        }
    });
    crew.join();
    sizes.lock().unwrap().clone()
}

fn main() {
    let tree = Tree::new();
    let paths: Vec<&str> = tree.dirs.iter().map(|dir| dir.path).collect();
    println!("the tree: {}", paths.join(", "));
    println!("du found, walk after walk: {:?} (every walk should find {TOTAL})", run());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_walk_counts_every_byte_once() {
        let sizes = run();
        if sizes.len() != 10 || sizes.iter().any(|&size| size != TOTAL) {
            lockstep_check::fail(
                "inconsistent walk",
                format!("10 walks of the tree, each finding {TOTAL} bytes"),
                format!(
                    "du found {sizes:?}: a walk that lets go of the lock between directories can count the \
                     moving file twice, or miss it"
                ),
                3,
            );
        }
    }
}
