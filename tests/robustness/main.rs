//! The generator in front of hostile input: it returns files or an error, and never panics,
//! never hangs, and never lets its memory run away.
//!
//! One module per kind of input; every case goes through [`harness`]: a worker thread with
//! the main thread's stack (8 MiB: where `cargo xtask regenerate` runs the generator), under
//! `catch_unwind`, with a time limit. The metering global allocator (`plaid_tests::alloc`)
//! records the worker's peak heap, and aborts the binary beyond a hard ceiling rather than
//! letting a bomb take the machine down.
//!
//! - Property tests (proptest, fixed case counts, nothing persisted) run the whole pipeline
//!   (load, lower, check, emit, format) on arbitrary bytes ([`bytes`]), on YAML token soup and
//!   arbitrary YAML trees written with the spec format's own keys ([`yaml`]), and on
//!   structured mutations of the real `spec/` ([`mutations`]): lines and whole blocks
//!   dropped, duplicated, swapped and re-indented, keys misspelled or swapped for other keys,
//!   values and types swapped, references broken, and hostile values (alias bombs, deep
//!   nesting, huge strings, alias storms) put in place of a value.
//! - Specific inputs ([`budgets`]): billion laughs, a large scalar aliased many times, 1,000
//!   to 10,000 levels of nesting, a 50 MB scalar and one just under the file size limit, alias
//!   storms; the error texts are snapshotted.
//! - The generator bugs this found (quadratic and cubic time, misleading budget errors, stack
//!   use, no size limits) are fixed and stay as regression tests beside the inputs of their
//!   kind, the slow ones each in a child process (a stack overflow or an allocation failure
//!   aborts the process). A bug not fixed yet is marked `#[ignore = "generator bug: ..."]`, so
//!   that `cargo test -p plaid-tests --test robustness -- --ignored` shows it failing on its
//!   own. Inputs found by the property tests go to `tests/regressions/` and run every time
//!   (below).
//! - The synthetic spec of `cargo xtask synth` (the benchmarks' input) passes every check
//!   ([`synthetic`]).
//!
//! When a property case fails, its input is written under `target/robustness-failures/`; copy
//! it to `tests/regressions/` once understood. `ROBUSTNESS_STATS=1` (with `--nocapture`)
//! prints one line per property case: how long it took, its peak heap, and how far it got
//! (`GENERATED`, or the first problem reported).

mod budgets;
mod bytes;
mod harness;
mod mutations;
mod synthetic;
mod yaml;

use harness::{CASE_TIME_LIMIT, check_answer, guarded};

/// Meters each thread's live heap, so that a guarded run knows its peak, and refuses beyond
/// the run's ceiling.
#[global_allocator]
static ALLOCATOR: plaid_tests::alloc::MeteredAllocator = plaid_tests::alloc::MeteredAllocator;

/// Inputs the property tests once failed on, one spec file each.
#[test]
fn regressions_are_answered_calmly() {
    let dir = plaid_tests::workspace_root().join("tests/regressions");
    if !dir.is_dir() {
        return;
    }
    for path in plaid_tests::yaml_files(&dir) {
        let sources = vec![plaid_tests::fixture_source(&path)];
        let run = guarded(sources.clone(), CASE_TIME_LIMIT)
            .and_then(|run| check_answer(&sources, &run).map(|()| run));
        if let Err(problem) = run {
            panic!("{}: {problem}", path.display());
        }
    }
}
