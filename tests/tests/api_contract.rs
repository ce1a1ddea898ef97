//! docs/API.md against the code: every `pub fn` the doc lists for a type
//! has a compiled signature check (`api_contract/signatures.rs`), so the
//! doc cannot promise a method that does not exist or has another
//! signature, and a checked method cannot silently drop out of the doc.
//!
//! The doc's format, which [`listed`] reads: inside each ```` ```rust ````
//! block, a line `impl[<..>] Type[<..>] {` (or `pub trait Name[<..>] {`,
//! `pub mod name {`) opens a type's list and a `}` in column 0 closes it;
//! each `pub fn NAME` / `pub const fn NAME` (in a trait: `fn NAME`) line
//! inside lists `(Type, NAME)`. A trailing `// and A<T>, B<T>` on the
//! `impl` line lists the same methods for `A` and `B` too.

#[path = "api_contract/signatures.rs"]
mod signatures;

use std::collections::BTreeSet;

/// The contract, as users read it.
const API_MD: &str = include_str!("../../docs/API.md");

/// Documented in docs/API.md but not in the code yet: an item the doc
/// announces ahead of the code goes here, so this test stays green while
/// it lands. Once it exists, move it into `signatures.rs`; the test fails
/// if an entry here is checked there too, or is no longer documented.
/// Empty: everything the doc lists is in the code.
const PENDING: &[(&str, &str)] = &[];

/// The `(type, fn)` pairs docs/API.md lists, or an error naming the line
/// that breaks the format.
fn listed(doc: &str) -> Result<BTreeSet<(String, String)>, String> {
    let mut found = BTreeSet::new();
    let mut in_rust = false;
    // The types the open `impl` block lists methods for.
    let mut types: Vec<String> = vec![];
    for (number, line) in doc.lines().enumerate() {
        let at = || format!("docs/API.md:{}: {line}", number + 1);
        let code = line.trim();
        if code.starts_with("```") {
            in_rust = code == "```rust";
            if !in_rust && !types.is_empty() {
                return Err(format!("{}: code block ends inside an impl block", at()));
            }
            continue;
        }
        if !in_rust {
            continue;
        }
        let header = code.strip_prefix("impl").or_else(|| code.strip_prefix("pub trait "));
        if let Some(header) = header.filter(|_| code.contains('{')) {
            let (head, also) = header.split_once("//").unwrap_or((header, ""));
            types = vec![type_name(head).ok_or_else(at)?];
            if let Some(also) = also.trim().strip_prefix("and ") {
                for other in also.split(',') {
                    types.push(type_name(other).ok_or_else(at)?);
                }
            }
        } else if let Some(module) = code.strip_prefix("pub mod ").and_then(|m| m.strip_suffix('{')) {
            types = vec![module.trim().to_string()];
        } else if line.starts_with('}') {
            types.clear();
        } else if let Some(name) = fn_name(code) {
            if types.is_empty() {
                return Err(format!("{}: a `pub fn` outside an impl block", at()));
            }
            for ty in &types {
                found.insert((ty.clone(), name.to_string()));
            }
        }
    }
    Ok(found)
}

/// `Queue` from ` Queue<T> ` or `<T> Queue<T> {` (generics before the
/// name are skipped; the name ends at the first non-identifier character).
fn type_name(header: &str) -> Option<String> {
    let mut rest = header.trim();
    if rest.starts_with('<') {
        let mut depth = 0;
        let end = rest.char_indices().find_map(|(i, c)| {
            match c {
                '<' => depth += 1,
                '>' => depth -= 1,
                _ => {}
            }
            (depth == 0).then_some(i)
        })?;
        rest = rest[end + 1..].trim_start();
    }
    let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    (!name.is_empty()).then_some(name)
}

/// `acquire` from `pub fn acquire(&self);`, `pub const fn new() -> Lock;`
/// or a trait's `fn push(&mut self, item: T);`.
fn fn_name(code: &str) -> Option<&str> {
    let rest = code.strip_prefix("pub ").unwrap_or(code);
    let rest = rest.strip_prefix("const ").unwrap_or(rest);
    let rest = rest.strip_prefix("fn ")?;
    let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
    Some(&rest[..end])
}

fn owned(pairs: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    pairs.iter().map(|&(ty, name)| (ty.to_string(), name.to_string())).collect()
}

#[test]
fn every_documented_fn_has_a_checked_signature() {
    let documented = listed(API_MD).unwrap();
    let checked = owned(&signatures::checked());
    let pending = owned(PENDING);
    let unchecked: Vec<_> = documented.difference(&checked).filter(|pair| !pending.contains(*pair)).collect();
    assert!(unchecked.is_empty(), "docs/API.md lists these without a check in signatures.rs: {unchecked:?}");
}

#[test]
fn every_checked_fn_is_documented() {
    let documented = listed(API_MD).unwrap();
    let undocumented: Vec<_> = owned(&signatures::checked()).difference(&documented).cloned().collect();
    assert!(
        undocumented.is_empty(),
        "checked in signatures.rs but missing from docs/API.md: {undocumented:?}"
    );
}

#[test]
fn pending_entries_are_documented_and_not_yet_checked() {
    let documented = listed(API_MD).unwrap();
    let checked = owned(&signatures::checked());
    for pair in owned(PENDING) {
        assert!(documented.contains(&pair), "PENDING entry {pair:?} is not in docs/API.md");
        assert!(!checked.contains(&pair), "{pair:?} is checked now: remove it from PENDING");
    }
}

#[test]
fn the_reader_finds_what_the_format_says() {
    let doc = "text\n```rust\nimpl<T> Queue<T> {  // and LifoQueue<T>, PriorityQueue<T>\n    \
               pub fn new(maxsize: usize) -> Queue<T>;\n}\npub mod deadlock {\n    \
               pub fn check() -> Vec<Deadlock>;\n}\nimpl Lock {\n    pub const fn named(n: &str) -> Lock;\n}\n\
               pub trait Store<T> {\n    const NAME: &str;\n    fn push(&mut self, item: T);\n}\n```\n\
               pub fn prose_is_ignored()\n";
    let expected = owned(&[
        ("Queue", "new"),
        ("LifoQueue", "new"),
        ("PriorityQueue", "new"),
        ("deadlock", "check"),
        ("Lock", "named"),
        ("Store", "push"),
    ]);
    assert_eq!(listed(doc).unwrap(), expected);
    // A fn the reader cannot attribute to a type is an error, not skipped.
    assert!(listed("```rust\npub fn loose();\n```\n").is_err());
    // So is a block left open, which would swallow the next section.
    assert!(listed("```rust\nimpl Lock {\n    pub fn acquire(&self);\n```\n").is_err());
}

#[test]
fn the_doc_lists_every_type_it_describes() {
    let documented = listed(API_MD).unwrap();
    let types: BTreeSet<&str> = documented.iter().map(|(ty, _)| ty.as_str()).collect();
    for ty in [
        "Lock",
        "LockGuard",
        "Mutex",
        "RLock",
        "RLockGuard",
        "Condition",
        "ConditionGuard",
        "Barrier",
        "Event",
        "Semaphore",
        "BoundedSemaphore",
        "SemaphorePermit",
        "RawLock",
        "ConditionLock",
        "BaseQueue",
        "Store",
        "Queue",
        "LifoQueue",
        "PriorityQueue",
        "SimpleQueue",
        "deadlock",
        "Thread",
        "Timer",
        "ExceptHookArgs",
        "thread",
        "Future",
        "ThreadPoolExecutor",
        "ExecutorBuilder",
        "Map",
        "Panic",
        "Pool",
        "AsyncResult",
        "futures",
    ] {
        assert!(types.contains(ty), "docs/API.md has no method list for {ty}");
    }
}
