//! The guarded run every robustness test goes through: the whole generator on a worker thread
//! with the main thread's stack, under `catch_unwind`, with a time limit and a metered (and
//! capped) heap; the soundness check of its answer; child processes for the tests whose
//! failure would abort the process; and the property tests' configuration.

use std::any::Any;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::process::Command;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use codegen::load::Source;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// The stack of every generator run: the size of the main thread's stack on Linux, where the
/// `cargo xtask` commands run the generator.
const STACK: usize = 8 << 20;

/// Beyond this much live heap on the generator's thread the allocator refuses, which aborts
/// the process with "memory allocation of N bytes failed": a bug, reported, instead of a
/// machine brought down.
const CEILING: usize = 2 << 30;

/// How long one property case may take (debug build, two cores shared with other tests).
pub(crate) const CASE_TIME_LIMIT: Duration = Duration::from_secs(10);

/// Peak heap allowed to one property case: its input is at most a few MB.
const CASE_MEMORY_LIMIT: usize = 256 << 20;

/// What one guarded generator run produced.
pub(crate) struct Run {
    pub outcome: Result<Vec<codegen::GeneratedFile>, codegen::Diagnostics>,
    pub elapsed: Duration,
    /// The most heap the generator's thread held at once, in bytes.
    pub peak: usize,
}

impl Run {
    pub fn rendered_error(&self) -> String {
        match &self.outcome {
            Ok(files) => panic!("expected an error, got {} generated files", files.len()),
            Err(diagnostics) => diagnostics.to_string(),
        }
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(a non-string panic payload)".to_owned())
}

/// Runs the whole generator on `sources` on a fresh thread (8 MiB stack, heap ceiling), and
/// describes any way it failed to answer calmly: a panic, no answer within `limit`, or an
/// internal error (the generator emitting Rust it cannot parse). On a time-out the worker is
/// left running; the test fails anyway.
pub(crate) fn guarded(sources: Vec<Source>, limit: Duration) -> Result<Run, String> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("generator".into())
        .stack_size(STACK)
        .spawn(move || {
            // The meter counts this thread's heap only, so the generator may not spread out.
            codegen::set_max_threads(1);
            let ((result, elapsed), peak) = plaid_tests::alloc::meter_heap(CEILING, || {
                let start = Instant::now();
                let result = catch_unwind(AssertUnwindSafe(|| {
                    codegen::generate_sources(&sources, &codegen::Options::default())
                }));
                (result, start.elapsed())
            });
            let _ = tx.send((result, elapsed, peak));
        })
        .map_err(|e| format!("cannot start the generator thread: {e}"))?;
    let (result, elapsed, peak) = match rx.recv_timeout(limit) {
        Ok(answer) => answer,
        Err(RecvTimeoutError::Timeout) => {
            return Err(format!(
                "no answer within {limit:?}: a hang, or far too slow"
            ));
        }
        Err(RecvTimeoutError::Disconnected) => {
            return Err("the generator thread ended without answering".into());
        }
    };
    let outcome = match result {
        Ok(Ok(files)) => Ok(files),
        Ok(Err(codegen::Error::Spec(diagnostics))) => Err(diagnostics),
        Ok(Err(codegen::Error::Internal(message))) => {
            return Err(format!("internal generator error: {message}"));
        }
        Err(payload) => return Err(format!("panicked: {}", panic_message(payload.as_ref()))),
    };
    Ok(Run {
        outcome,
        elapsed,
        peak,
    })
}

/// What every answer must look like: files, or an error that says something about a file
/// it was given.
pub(crate) fn check_answer(sources: &[Source], run: &Run) -> Result<(), String> {
    if run.peak > CASE_MEMORY_LIMIT {
        return Err(format!(
            "peak heap {} MiB, above the {} MiB allowed to one case",
            run.peak >> 20,
            CASE_MEMORY_LIMIT >> 20
        ));
    }
    match &run.outcome {
        Ok(files) if files.is_empty() => Err("generated no files and reported no error".into()),
        Ok(_) => Ok(()),
        Err(diagnostics) if diagnostics.is_empty() => {
            Err("rejected the spec without a single diagnostic".into())
        }
        Err(diagnostics) => {
            for diagnostic in &diagnostics.0 {
                if diagnostic.message.trim().is_empty() {
                    return Err(format!("a diagnostic without a message: {diagnostic:?}"));
                }
                let file = &diagnostic.place.file;
                if file != "spec" && !sources.iter().any(|s| &s.name == file) {
                    return Err(format!("a diagnostic names an unknown file `{file}`"));
                }
            }
            Ok(())
        }
    }
}

/// One property case: generation must answer within the time limit, without panicking, and
/// the answer must be sound. A failing input is written under `target/robustness-failures/`.
pub(crate) fn property_case(kind: &str, sources: Vec<Source>) -> Result<(), TestCaseError> {
    let result = guarded(sources.clone(), CASE_TIME_LIMIT).and_then(|run| {
        if std::env::var_os("ROBUSTNESS_STATS").is_some() {
            print_case(kind, &run);
        }
        check_answer(&sources, &run)
    });
    result.map_err(|problem| {
        let saved = save_failure(kind, &sources);
        TestCaseError::fail(format!("{problem}\n(input written to {saved})"))
    })
}

/// One line per case, to see how deep a strategy's inputs reach: the time, the peak heap, and
/// `GENERATED` or the first problem with its source line.
fn print_case(kind: &str, run: &Run) {
    let answer = match &run.outcome {
        Ok(_) => "GENERATED".to_owned(),
        Err(diagnostics) => diagnostics.0.first().map_or_else(String::new, |d| {
            let message: String = d.message.chars().take(60).collect();
            let line: String = d
                .source_line
                .as_deref()
                .unwrap_or_default()
                .chars()
                .take(60)
                .collect();
            format!("{message} @ {}: {}", d.place.line, line.trim())
        }),
    };
    eprintln!(
        "case {kind} {:?} {} KiB {answer}",
        run.elapsed,
        run.peak >> 10
    );
}

fn save_failure(kind: &str, sources: &[Source]) -> String {
    let mut hasher = DefaultHasher::new();
    for source in sources {
        source.name.hash(&mut hasher);
        source.text.hash(&mut hasher);
    }
    let dir = plaid_tests::workspace_root()
        .join("target/robustness-failures")
        .join(format!("{kind}-{:016x}", hasher.finish()));
    let written = std::fs::create_dir_all(&dir).and_then(|()| {
        sources.iter().try_for_each(|source| {
            let name = Path::new(&source.name).file_name().unwrap_or_default();
            std::fs::write(dir.join(name), &source.text)
        })
    });
    match written {
        Ok(()) => dir.display().to_string(),
        Err(e) => format!("nowhere: cannot write {}: {e}", dir.display()),
    }
}

/// `cases` per property, unless `PROPTEST_CASES` asks for more (a longer fuzzing run:
/// `PROPTEST_CASES=20000 cargo test --release -p plaid-tests --test robustness`).
pub(crate) fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        // A hang costs the full time limit per shrinking step: keep shrinking short.
        max_shrink_iters: 64,
        max_shrink_time: 60_000,
        ..ProptestConfig::default()
    }
}

pub(crate) fn source(name: &str, text: impl Into<String>) -> Source {
    Source {
        name: name.to_owned(),
        text: text.into(),
    }
}

/// A file with just the `api` block, so that a second file's problems are the only ones.
pub(crate) fn api_file() -> Source {
    source(
        "fuzz/api.yaml",
        "api:\n  title: Fuzz API\n  version: \"2024-01-01\"\n",
    )
}

/// `insta::assert_snapshot!`, keeping the snapshot in `tests/snapshots/` with every other
/// binary's (insta's default is a `snapshots/` folder beside the asserting file), named
/// `robustness__<module>__<test function>`.
macro_rules! assert_snapshot {
    ($($snapshot:tt)*) => {
        insta::with_settings!({ snapshot_path => "../snapshots" }, {
            insta::assert_snapshot!($($snapshot)*);
        })
    };
}
pub(crate) use assert_snapshot;

/// The name libtest runs the test function `$function` of the calling module under
/// (`budgets::huge_title_is_rejected_quickly`), for `--exact`. It does not compile unless
/// `$function` is a test function in scope.
macro_rules! test_name {
    ($function:ident) => {{
        let _: fn() = $function;
        $crate::harness::name_in_binary(module_path!(), stringify!($function))
    }};
}
pub(crate) use test_name;

/// `function` of the module `module` (`robustness::budgets`), without the crate's name.
pub(crate) fn name_in_binary(module: &str, function: &str) -> String {
    match module.split_once("::") {
        Some((_, path)) => format!("{path}::{function}"),
        None => function.to_owned(),
    }
}

/// Runs the rest of a test in a child process (this test binary, the test named `test` only:
/// see [`test_name!`]), so that a stack overflow or an allocation failure, which abort the
/// process, fail this test alone, and a hang can be killed. Returns `true` in the child, where
/// the caller does the work.
pub(crate) fn in_child_process(test: &str, limit: Duration) -> bool {
    const CHILD: &str = "ROBUSTNESS_CHILD";
    if std::env::var_os(CHILD).is_some() {
        return true;
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut child = Command::new(exe)
        .args([test, "--exact", "--include-ignored", "--nocapture"])
        .args(["--test-threads", "1"])
        .env(CHILD, "1")
        .spawn()
        .expect("cannot start the child test process");
    let start = Instant::now();
    loop {
        match child.try_wait().expect("cannot wait for the child") {
            Some(status) if status.success() => return false,
            Some(status) => panic!("{test} failed in its child process: {status}"),
            None if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{test}: no answer within {limit:?}; the child process was killed");
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

/// Stops the test when an answer was not calm, with the reason.
pub(crate) fn answered(sources: Vec<Source>, limit: Duration) -> Run {
    let copy = sources.clone();
    let run = guarded(sources, limit).unwrap_or_else(|problem| panic!("{problem}"));
    if let Err(problem) = check_answer(&copy, &run) {
        // The specific tests set their own memory bounds; only the answer's shape counts here.
        assert!(problem.starts_with("peak heap"), "{problem}");
    }
    run
}

/// Time limits are for a debug build on two shared cores; a release build is far faster.
pub(crate) fn seconds(debug: u64) -> Duration {
    Duration::from_secs(if cfg!(debug_assertions) {
        debug
    } else {
        debug.div_ceil(4)
    })
}

/// Runs `sources` through the generator in a child process and requires a calm answer within
/// `limit` and `memory` bytes of peak heap; returns the run (in the child).
pub(crate) fn isolated(
    test: &str,
    limit: Duration,
    memory: usize,
    sources: impl FnOnce() -> Vec<Source>,
) -> Option<Run> {
    let limit = std::env::var("ROBUSTNESS_BUG_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(limit, Duration::from_secs);
    if !in_child_process(test, limit + Duration::from_secs(30)) {
        return None;
    }
    let run = answered(sources(), limit);
    eprintln!(
        "{test}: answered in {:?}, peak heap {} MiB",
        run.elapsed,
        run.peak >> 20
    );
    assert!(
        run.peak <= memory,
        "peak heap {} MiB, allowed {} MiB",
        run.peak >> 20,
        memory >> 20
    );
    Some(run)
}
