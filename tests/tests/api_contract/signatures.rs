//! Every `pub fn` that docs/API.md lists, as a function-pointer type the
//! real item must coerce to: a renamed method, a changed argument or return
//! type, or a lost `const` fails to compile here.

// The signatures are spelled out on purpose: they are what is checked.
#![allow(clippy::type_complexity)]

use lockstep::deadlock::{self, Deadlock};
use lockstep::futures::{
    self, AsCompleted, AsyncResult, DoneAndNotDone, ExecutorBuilder, Future, FutureError, InvalidStateError,
    Map, NotReady, Panic, Pool, PoolError, ReturnWhen, SubmitError, ThreadPoolExecutor, TimeoutError,
};
use lockstep::thread::{self, ExceptHookArgs, Thread, ThreadError, Timer};
use lockstep::{
    Barrier, BaseQueue, BoundedSemaphore, BrokenBarrierError, Condition, ConditionError, ConditionGuard,
    ConditionLock, Event, Fifo, GetError, Lifo, LifoQueue, Lock, LockGuard, Mutex, MutexGuard, Priority,
    PriorityQueue, PutError, Queue, RLock, RLockGuard, RawLock, ReleaseError, Semaphore, SemaphorePermit,
    SimpleQueue, Store, TaskDoneError,
};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Coerces each `Type::name` to its `fn` type, and returns the
/// `("Type", "name")` pairs so checked, for the test to compare with the
/// doc. `Type<Args>` names a generic type's instance (`Queue<u8>::new`).
/// A guard's methods take its lifetime from the `impl` block, so their
/// checks name one (`'static`) instead of a `for<'a>` pointer.
macro_rules! checked {
    ($($ty:ident $(<$($arg:ty),*>)? :: $name:ident : $sig:ty;)*) => {{
        $(let _: $sig = $ty $(::<$($arg),*>)? :: $name;)*
        vec![$((stringify!($ty), stringify!($name))),*]
    }};
}

/// `BaseQueue` and its three named kinds share every method, so one list
/// serves each (`$queue<$arg..>` is `Queue<u8>`, `BaseQueue<u8, Fifo<u8>>`, ...).
macro_rules! bounded_queue {
    ($queue:ident < $($arg:ty),* >) => {
        checked! {
            $queue<$($arg),*>::new: fn(usize) -> $queue<$($arg),*>;
            $queue<$($arg),*>::named: fn(usize, &'static str) -> $queue<$($arg),*>;
            $queue<$($arg),*>::name: fn(&$queue<$($arg),*>) -> Option<&'static str>;
            $queue<$($arg),*>::put: fn(&$queue<$($arg),*>, u8) -> Result<(), PutError<u8>>;
            $queue<$($arg),*>::try_put: fn(&$queue<$($arg),*>, u8) -> Result<(), PutError<u8>>;
            $queue<$($arg),*>::put_timeout: fn(&$queue<$($arg),*>, u8, Duration) -> Result<(), PutError<u8>>;
            $queue<$($arg),*>::put_until: fn(&$queue<$($arg),*>, u8, Instant) -> Result<(), PutError<u8>>;
            $queue<$($arg),*>::get: fn(&$queue<$($arg),*>) -> Result<u8, GetError>;
            $queue<$($arg),*>::try_get: fn(&$queue<$($arg),*>) -> Result<u8, GetError>;
            $queue<$($arg),*>::get_timeout: fn(&$queue<$($arg),*>, Duration) -> Result<u8, GetError>;
            $queue<$($arg),*>::get_until: fn(&$queue<$($arg),*>, Instant) -> Result<u8, GetError>;
            $queue<$($arg),*>::qsize: fn(&$queue<$($arg),*>) -> usize;
            $queue<$($arg),*>::empty: fn(&$queue<$($arg),*>) -> bool;
            $queue<$($arg),*>::full: fn(&$queue<$($arg),*>) -> bool;
            $queue<$($arg),*>::maxsize: fn(&$queue<$($arg),*>) -> usize;
            $queue<$($arg),*>::set_maxsize: fn(&$queue<$($arg),*>, usize);
            $queue<$($arg),*>::task_done: fn(&$queue<$($arg),*>) -> Result<(), TaskDoneError>;
            $queue<$($arg),*>::join: fn(&$queue<$($arg),*>);
            $queue<$($arg),*>::unfinished_tasks: fn(&$queue<$($arg),*>) -> usize;
            $queue<$($arg),*>::shutdown: fn(&$queue<$($arg),*>, bool);
            $queue<$($arg),*>::is_shutdown: fn(&$queue<$($arg),*>) -> bool;
        }
    };
}

/// The semaphores' shared methods (everything but `new` and `release`).
macro_rules! semaphore {
    ($sem:ident) => {
        checked! {
            $sem::acquire: fn(&$sem);
            $sem::try_acquire: fn(&$sem) -> bool;
            $sem::acquire_timeout: fn(&$sem, Duration) -> bool;
            $sem::acquire_until: fn(&$sem, Instant) -> bool;
            $sem::value: fn(&$sem) -> usize;
            $sem::permit: fn(&$sem) -> SemaphorePermit<'_>;
            $sem::try_permit: fn(&$sem) -> Option<SemaphorePermit<'_>>;
            $sem::try_permit_for: fn(&$sem, Duration) -> Option<SemaphorePermit<'_>>;
            $sem::try_permit_until: fn(&$sem, Instant) -> Option<SemaphorePermit<'_>>;
        }
    };
}

/// Every checked `(type, fn)` pair.
pub(crate) fn checked() -> Vec<(&'static str, &'static str)> {
    let mut all = vec![];
    all.extend(checked! {
        Lock::new: fn() -> Lock;
        Lock::named: fn(&'static str) -> Lock;
        Lock::name: fn(&Lock) -> Option<&'static str>;
        Lock::acquire: fn(&Lock);
        Lock::try_acquire: fn(&Lock) -> bool;
        Lock::acquire_timeout: fn(&Lock, Duration) -> bool;
        Lock::acquire_until: fn(&Lock, Instant) -> bool;
        Lock::release: fn(&Lock) -> Result<(), ReleaseError>;
        Lock::locked: fn(&Lock) -> bool;
        Lock::lock: fn(&Lock) -> LockGuard<'_>;
        Lock::try_lock: fn(&Lock) -> Option<LockGuard<'_>>;
        Lock::try_lock_for: fn(&Lock, Duration) -> Option<LockGuard<'_>>;
        Lock::try_lock_until: fn(&Lock, Instant) -> Option<LockGuard<'_>>;
        LockGuard::lock: for<'a> fn(&'a LockGuard<'static>) -> &'a Lock;
    });
    all.extend(checked! {
        Mutex<u8>::new: fn(u8) -> Mutex<u8>;
        Mutex<u8>::lock: fn(&Mutex<u8>) -> MutexGuard<'_, u8>;
        Mutex<u8>::try_lock: fn(&Mutex<u8>) -> Option<MutexGuard<'_, u8>>;
        Mutex<u8>::try_lock_for: fn(&Mutex<u8>, Duration) -> Option<MutexGuard<'_, u8>>;
        Mutex<u8>::try_lock_until: fn(&Mutex<u8>, Instant) -> Option<MutexGuard<'_, u8>>;
        Mutex<u8>::is_locked: fn(&Mutex<u8>) -> bool;
        Mutex<u8>::get_mut: fn(&mut Mutex<u8>) -> &mut u8;
        Mutex<u8>::into_inner: fn(Mutex<u8>) -> u8;
        RawLock::new: fn() -> RawLock;
        RawLock::acquire: fn(&RawLock);
        RawLock::try_acquire: fn(&RawLock) -> bool;
        RawLock::acquire_timeout: fn(&RawLock, Duration) -> bool;
        RawLock::acquire_until: fn(&RawLock, Instant) -> bool;
        RawLock::release: fn(&RawLock) -> Result<(), ReleaseError>;
        RawLock::locked: fn(&RawLock) -> bool;
    });
    all.extend(checked! {
        RLock::new: fn() -> RLock;
        RLock::named: fn(&'static str) -> RLock;
        RLock::name: fn(&RLock) -> Option<&'static str>;
        RLock::acquire: fn(&RLock);
        RLock::try_acquire: fn(&RLock) -> bool;
        RLock::acquire_timeout: fn(&RLock, Duration) -> bool;
        RLock::acquire_until: fn(&RLock, Instant) -> bool;
        RLock::release: fn(&RLock) -> Result<(), ReleaseError>;
        RLock::locked: fn(&RLock) -> bool;
        RLock::is_owned: fn(&RLock) -> bool;
        RLock::recursion_count: fn(&RLock) -> usize;
        RLock::lock: fn(&RLock) -> RLockGuard<'_>;
        RLock::try_lock: fn(&RLock) -> Option<RLockGuard<'_>>;
        RLock::try_lock_for: fn(&RLock, Duration) -> Option<RLockGuard<'_>>;
        RLock::try_lock_until: fn(&RLock, Instant) -> Option<RLockGuard<'_>>;
        RLockGuard::rlock: fn(&RLockGuard<'static>) -> &'static RLock;
    });
    all.extend(checked! {
        Condition::new: fn() -> Condition;
        Condition::named: fn(&'static str) -> Condition;
        Condition::rlock: fn(&Condition) -> &RLock;
        // Python's Condition(lock), over each kind of lock it takes.
        Condition::with_lock: fn(Lock) -> Condition<Lock>;
        Condition::with_lock: fn(&'static RLock) -> Condition<&'static RLock>;
        Condition::with_lock: fn(Arc<Lock>) -> Condition<Arc<Lock>>;
        Condition::underlying_lock: fn(&Condition<Arc<Lock>>) -> &Lock;
        Condition::underlying_lock: fn(&Condition) -> &RLock;
        Condition::acquire: fn(&Condition);
        Condition::try_acquire: fn(&Condition) -> bool;
        Condition::release: fn(&Condition) -> Result<(), ReleaseError>;
        Condition::locked: fn(&Condition) -> bool;
        Condition::is_owned: fn(&Condition) -> bool;
        Condition::lock: fn(&Condition) -> ConditionGuard<'_>;
        Condition::lock: fn(&Condition<Lock>) -> ConditionGuard<'_, Lock>;
        Condition::wait: fn(&Condition) -> Result<(), ConditionError>;
        Condition::wait_timeout: fn(&Condition, Duration) -> Result<bool, ConditionError>;
        Condition::wait_until: fn(&Condition<Lock>, Instant) -> Result<bool, ConditionError>;
        Condition::wait_for: fn(&Condition, fn() -> bool, Option<Duration>) -> Result<bool, ConditionError>;
        Condition::wait_for_until: fn(&Condition, fn() -> bool, Instant) -> Result<bool, ConditionError>;
        Condition::notify: fn(&Condition, usize) -> Result<(), ConditionError>;
        Condition::notify_all: fn(&Condition) -> Result<(), ConditionError>;
        ConditionGuard::condition: fn(&ConditionGuard<'static>) -> &'static Condition;
        ConditionGuard::wait: fn(&mut ConditionGuard<'static>);
        ConditionGuard::wait_timeout: fn(&mut ConditionGuard<'static>, Duration) -> bool;
        ConditionGuard::wait_until: fn(&mut ConditionGuard<'static, Lock>, Instant) -> bool;
        ConditionGuard::wait_for: fn(&mut ConditionGuard<'static>, fn() -> bool, Option<Duration>) -> bool;
        ConditionGuard::wait_for_until: fn(&mut ConditionGuard<'static>, fn() -> bool, Instant) -> bool;
        ConditionGuard::notify: fn(&ConditionGuard<'static>, usize);
        ConditionGuard::notify_all: fn(&ConditionGuard<'static>);
        ConditionLock::get: fn(&Arc<RLock>) -> &RLock;
    });
    all.extend(checked! {
        Barrier::new: fn(usize) -> Barrier;
        Barrier::with_action: fn(Barrier, fn()) -> Barrier;
        Barrier::with_timeout: fn(Barrier, Duration) -> Barrier;
        Barrier::wait: fn(&Barrier) -> Result<usize, BrokenBarrierError>;
        Barrier::wait_timeout: fn(&Barrier, Duration) -> Result<usize, BrokenBarrierError>;
        Barrier::wait_until: fn(&Barrier, Instant) -> Result<usize, BrokenBarrierError>;
        Barrier::reset: fn(&Barrier);
        Barrier::abort: fn(&Barrier);
        Barrier::parties: fn(&Barrier) -> usize;
        Barrier::n_waiting: fn(&Barrier) -> usize;
        Barrier::broken: fn(&Barrier) -> bool;
    });
    all.extend(checked! {
        Event::new: fn() -> Event;
        Event::named: fn(&'static str) -> Event;
        Event::name: fn(&Event) -> Option<&'static str>;
        Event::set: fn(&Event);
        Event::clear: fn(&Event);
        Event::is_set: fn(&Event) -> bool;
        Event::wait: fn(&Event);
        Event::wait_timeout: fn(&Event, Duration) -> bool;
        Event::wait_until: fn(&Event, Instant) -> bool;
    });
    all.extend(checked! {
        Semaphore::new: fn(usize) -> Semaphore;
        Semaphore::release: fn(&Semaphore);
        Semaphore::release_n: fn(&Semaphore, usize);
        BoundedSemaphore::new: fn(usize) -> BoundedSemaphore;
        BoundedSemaphore::initial_value: fn(&BoundedSemaphore) -> usize;
        BoundedSemaphore::release: fn(&BoundedSemaphore) -> Result<(), ReleaseError>;
        BoundedSemaphore::release_n: fn(&BoundedSemaphore, usize) -> Result<(), ReleaseError>;
        SemaphorePermit::forget: fn(SemaphorePermit<'static>);
    });
    all.extend(semaphore!(Semaphore));
    all.extend(semaphore!(BoundedSemaphore));
    all.extend(bounded_queue!(BaseQueue<u8, Fifo<u8>>));
    all.extend(bounded_queue!(Queue<u8>));
    all.extend(bounded_queue!(LifoQueue<u8>));
    all.extend(bounded_queue!(PriorityQueue<u8>));
    // Each store, through the trait (Python's _init/_put/_get/_qsize).
    all.extend(checked! {
        Store<u8>::with_capacity: fn(usize) -> Fifo<u8>;
        Store<u8>::push: fn(&mut Lifo<u8>, u8);
        Store<u8>::pop: fn(&mut Priority<u8>) -> Option<u8>;
        Store<u8>::len: fn(&Fifo<u8>) -> usize;
        Store<u8>::is_empty: fn(&Lifo<u8>) -> bool;
        Store<u8>::drain_all: fn(&mut Priority<u8>) -> Vec<u8>;
    });
    let _: &str = <Fifo<u8> as Store<u8>>::NAME;
    all.extend(checked! {
        SimpleQueue<u8>::new: fn() -> SimpleQueue<u8>;
        SimpleQueue<u8>::named: fn(&'static str) -> SimpleQueue<u8>;
        SimpleQueue<u8>::name: fn(&SimpleQueue<u8>) -> Option<&'static str>;
        SimpleQueue<u8>::put: fn(&SimpleQueue<u8>, u8) -> Result<(), PutError<u8>>;
        SimpleQueue<u8>::get: fn(&SimpleQueue<u8>) -> Result<u8, GetError>;
        SimpleQueue<u8>::try_get: fn(&SimpleQueue<u8>) -> Result<u8, GetError>;
        SimpleQueue<u8>::get_timeout: fn(&SimpleQueue<u8>, Duration) -> Result<u8, GetError>;
        SimpleQueue<u8>::get_until: fn(&SimpleQueue<u8>, Instant) -> Result<u8, GetError>;
        SimpleQueue<u8>::qsize: fn(&SimpleQueue<u8>) -> usize;
        SimpleQueue<u8>::empty: fn(&SimpleQueue<u8>) -> bool;
        PutError<u8>::into_inner: fn(PutError<u8>) -> u8;
    });
    all.extend(checked! {
        Thread::new: fn(fn()) -> Thread;
        Thread::named: fn(String, fn()) -> Thread;
        Thread::named: fn(&'static str, Box<dyn FnOnce() + Send>) -> Thread;
        Thread::set_daemon: fn(&Thread, bool) -> Result<(), ThreadError>;
        Thread::is_daemon: fn(&Thread) -> bool;
        Thread::start: fn(&Thread) -> Result<(), ThreadError>;
        Thread::join: fn(&Thread) -> Result<(), ThreadError>;
        Thread::join_timeout: fn(&Thread, Duration) -> Result<bool, ThreadError>;
        Thread::is_alive: fn(&Thread) -> bool;
        Thread::name: fn(&Thread) -> String;
        Thread::set_name: fn(&Thread, String);
        Thread::set_name: fn(&Thread, &'static str);
        Thread::ident: fn(&Thread) -> Option<u64>;
        Thread::native_id: fn(&Thread) -> Option<u64>;
        Thread::scoped: fn(&'static std::thread::Scope<'static, 'static>, Box<dyn FnOnce() + Send>) -> Thread;
        Thread::named_scoped:
            fn(&'static std::thread::Scope<'static, 'static>, String, Box<dyn FnOnce() + Send>) -> Thread;
        thread::current_thread: fn() -> Thread;
        thread::main_thread: fn() -> Thread;
        thread::enumerate: fn() -> Vec<Thread>;
        thread::active_count: fn() -> usize;
        thread::set_excepthook: fn(fn(&ExceptHookArgs<'_>));
        thread::print_exception: fn(&ExceptHookArgs<'_>);
        ExceptHookArgs::thread: fn(&ExceptHookArgs<'static>) -> Option<&'static Thread>;
        ExceptHookArgs::message: fn(&ExceptHookArgs<'static>) -> &'static str;
        Timer::new: fn(Duration, fn()) -> Timer;
        Timer::every: fn(Duration, fn()) -> Timer;
        Timer::start: fn(&Timer) -> Result<(), ThreadError>;
        Timer::cancel: fn(&Timer);
        Timer::is_cancelled: fn(&Timer) -> bool;
        Timer::join: fn(&Timer) -> Result<(), ThreadError>;
        Timer::is_alive: fn(&Timer) -> bool;
        Timer::thread: fn(&Timer) -> &Thread;
    });
    // The facade's root names are the module's.
    let _: fn(fn()) -> lockstep::Thread = Thread::new;
    let _: fn(Duration, fn()) -> lockstep::Timer = Timer::new;
    all.extend(checked! {
        Future<u8>::new: fn() -> Future<u8>;
        Future<u8>::cancel: fn(&Future<u8>) -> bool;
        Future<u8>::cancelled: fn(&Future<u8>) -> bool;
        Future<u8>::running: fn(&Future<u8>) -> bool;
        Future<u8>::done: fn(&Future<u8>) -> bool;
        Future<u8>::result: fn(&Future<u8>) -> Result<&u8, FutureError>;
        Future<u8>::result_timeout: fn(&Future<u8>, Duration) -> Result<&u8, FutureError>;
        Future<u8>::exception: fn(&Future<u8>) -> Result<Option<&Panic>, FutureError>;
        Future<u8>::exception_timeout: fn(&Future<u8>, Duration) -> Result<Option<&Panic>, FutureError>;
        Future<u8>::add_done_callback: fn(&Future<u8>, fn(&Future<u8>));
        Future<u8>::set_running_or_notify_cancel: fn(&Future<u8>) -> Result<bool, InvalidStateError>;
        Future<u8>::set_result: fn(&Future<u8>, u8) -> Result<(), InvalidStateError>;
        Future<u8>::set_exception: fn(&Future<u8>, Panic) -> Result<(), InvalidStateError>;
        Future<u8>::same: fn(&Future<u8>, &Future<u8>) -> bool;
        ThreadPoolExecutor::new: fn(usize) -> ThreadPoolExecutor;
        ThreadPoolExecutor::builder: fn() -> ExecutorBuilder;
        ThreadPoolExecutor::submit: fn(&ThreadPoolExecutor, fn() -> u8) -> Result<Future<u8>, SubmitError>;
        ThreadPoolExecutor::map: fn(&ThreadPoolExecutor, fn(u8) -> u16, Vec<u8>) -> Result<Map<u16>, SubmitError>;
        ThreadPoolExecutor::map_timeout:
            fn(&ThreadPoolExecutor, fn(u8) -> u16, Vec<u8>, Duration) -> Result<Map<u16>, SubmitError>;
        ThreadPoolExecutor::shutdown: fn(&ThreadPoolExecutor, bool, bool);
        ThreadPoolExecutor::max_workers: fn(&ThreadPoolExecutor) -> usize;
        ExecutorBuilder::max_workers: fn(ExecutorBuilder, usize) -> ExecutorBuilder;
        ExecutorBuilder::thread_name_prefix: fn(ExecutorBuilder, &'static str) -> ExecutorBuilder;
        ExecutorBuilder::initializer: fn(ExecutorBuilder, fn()) -> ExecutorBuilder;
        ExecutorBuilder::build: fn(ExecutorBuilder) -> ThreadPoolExecutor;
        Map<u8>::remaining: fn(&Map<u8>) -> usize;
        Panic::new: fn(String) -> Panic;
        Panic::from_payload: fn(Box<dyn std::any::Any + Send>) -> Panic;
        Panic::message: fn(&Panic) -> &str;
        InvalidStateError::state: fn(&InvalidStateError) -> &'static str;
        TimeoutError::unfinished: fn(&TimeoutError) -> usize;
        TimeoutError::total: fn(&TimeoutError) -> usize;
        futures::wait: fn(&'static [Future<u8>], Option<Duration>, ReturnWhen) -> DoneAndNotDone<'static, u8>;
        futures::as_completed: fn(Vec<&'static Future<u8>>, Option<Duration>) -> AsCompleted<'static, u8>;
        Pool::new: fn(usize) -> Pool;
        Pool::processes: fn(&Pool) -> usize;
        Pool::apply: fn(&Pool, fn() -> u8) -> Result<u8, PoolError>;
        Pool::apply_async: fn(&Pool, fn() -> u8) -> Result<AsyncResult<u8>, PoolError>;
        Pool::apply_async_with: fn(&Pool, fn() -> u8, fn(&u8), fn(&Panic)) -> Result<AsyncResult<u8>, PoolError>;
        Pool::map: fn(&Pool, fn(u8) -> u16, Vec<u8>) -> Result<Vec<u16>, PoolError>;
        Pool::map_async: fn(&Pool, fn(u8) -> u16, Vec<u8>) -> Result<AsyncResult<Vec<u16>>, PoolError>;
        Pool::map_async_with:
            fn(&Pool, fn(u8) -> u16, Vec<u8>, fn(&Vec<u16>), fn(&Panic)) -> Result<AsyncResult<Vec<u16>>, PoolError>;
        Pool::close: fn(&Pool);
        Pool::join: fn(&Pool) -> Result<(), PoolError>;
        Pool::terminate: fn(&Pool);
        AsyncResult<u8>::get: fn(&AsyncResult<u8>) -> Result<&u8, PoolError>;
        AsyncResult<u8>::get_timeout: fn(&AsyncResult<u8>, Duration) -> Result<&u8, PoolError>;
        AsyncResult<u8>::wait: fn(&AsyncResult<u8>);
        AsyncResult<u8>::wait_timeout: fn(&AsyncResult<u8>, Duration) -> bool;
        AsyncResult<u8>::ready: fn(&AsyncResult<u8>) -> bool;
        AsyncResult<u8>::successful: fn(&AsyncResult<u8>) -> Result<bool, NotReady>;
    });
    // `imap` and `imap_unordered` return `impl Iterator`, which a `fn`
    // type cannot name: check them through a call instead.
    fn imaps(pool: &Pool) -> Result<(Vec<Result<u16, PoolError>>, Vec<Result<u16, PoolError>>), PoolError> {
        let ordered = pool.imap(|x: u8| u16::from(x), vec![1_u8])?.collect();
        let unordered = pool.imap_unordered(|x: u8| u16::from(x), vec![1_u8])?.collect();
        Ok((ordered, unordered))
    }
    let _: fn(&Pool) -> _ = imaps;
    all.extend([("Pool", "imap"), ("Pool", "imap_unordered")]);
    // The facade's root names are the module's.
    let _: fn() -> lockstep::Future<u8> = Future::new;
    let _: fn(usize) -> lockstep::ThreadPoolExecutor = ThreadPoolExecutor::new;
    let _: fn(usize) -> lockstep::Pool = Pool::new;
    all.extend(checked! {
        deadlock::check: fn() -> Vec<Deadlock>;
        deadlock::blocked: fn() -> Vec<(String, String)>;
    });
    all
}

/// What the doc's "Everywhere" section promises of every type: thread
/// safety, `const` construction for `static`s, and `Error` on every error.
#[allow(dead_code)]
fn promises() {
    fn send_sync<T: Send + Sync>() {}
    fn error<E: std::error::Error + Send + Sync + 'static>() {}
    send_sync::<Lock>();
    send_sync::<RLock>();
    send_sync::<Mutex<u8>>();
    send_sync::<Condition>();
    send_sync::<Condition<Arc<Lock>>>();
    send_sync::<Barrier>();
    send_sync::<Event>();
    send_sync::<Semaphore>();
    send_sync::<BoundedSemaphore>();
    send_sync::<Queue<u8>>();
    send_sync::<BaseQueue<u8, Fifo<u8>>>();
    send_sync::<LifoQueue<u8>>();
    send_sync::<PriorityQueue<u8>>();
    send_sync::<SimpleQueue<u8>>();
    send_sync::<Thread>();
    send_sync::<Timer>();
    send_sync::<Future<u8>>();
    send_sync::<ThreadPoolExecutor>();
    send_sync::<Pool>();
    send_sync::<AsyncResult<u8>>();
    // A Lock's guard and a permit may be dropped on another thread.
    fn send<T: Send>() {}
    send::<LockGuard<'_>>();
    send::<MutexGuard<'_, u8>>();
    send::<SemaphorePermit<'_>>();
    error::<ReleaseError>();
    error::<ConditionError>();
    error::<BrokenBarrierError>();
    error::<PutError<u8>>();
    error::<GetError>();
    error::<TaskDoneError>();
    error::<ThreadError>();
    error::<FutureError>();
    error::<InvalidStateError>();
    error::<SubmitError>();
    error::<TimeoutError>();
    error::<PoolError>();
    error::<NotReady>();
    error::<Panic>();

    static LOCKS: [Lock; 2] = [Lock::new(), Lock::named("lock")];
    static RLOCKS: [RLock; 2] = [RLock::new(), RLock::named("rlock")];
    static MUTEX: Mutex<u8> = Mutex::new(0);
    static CONDITIONS: [Condition; 2] = [Condition::new(), Condition::named("condition")];
    static OVER_LOCK: Condition<&Lock> = Condition::with_lock(&LOCKS[0]);
    static EVENT: Event = Event::new();
    static SEMAPHORE: Semaphore = Semaphore::new(1);
    static BOUNDED: BoundedSemaphore = BoundedSemaphore::new(1);
    let _ = (&LOCKS, &RLOCKS, &MUTEX, &CONDITIONS, &OVER_LOCK, &EVENT, &SEMAPHORE, &BOUNDED);
}
