//! The generator at scale: the whole pipeline (load, lower, check, emit, format), in memory,
//! on the seed spec and on synthetic specs of 100, 1,000 and 5,000 operations, and the
//! load-and-check part alone. Throughput is in operations, so linear growth shows as a
//! constant time per operation.
//!
//! Run: `cargo bench -p plaid-benches --bench generate` (about six minutes: one 5,000-operation
//! run takes half a minute, and criterion takes ten). One size only:
//! `cargo bench -p plaid-benches --bench generate -- synthetic/1000`.
//!
//! The synthetic specs come from `xtask::synth`, the code behind `cargo xtask synth`, so the
//! benchmark and the command measure the same input.

use std::hint::black_box;
use std::time::{Duration, Instant};

use codegen::load::Source;
use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};

const SIZES: [usize; 3] = [100, 1_000, 5_000];

/// The allocator `cargo xtask` runs the generator with (see xtask/Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The seed spec, `spec/`, read once: the benchmark times the generator, not the disk.
fn seed() -> Vec<Source> {
    plaid_tests::spec_sources().to_vec()
}

fn synthetic(operations: usize) -> Vec<Source> {
    xtask::synth::sources(operations, xtask::synth::DEFAULT_PER_FILE)
}

/// Generates once outside the timing: the input must be valid, and the size of what comes
/// out goes next to the figures. Returns how long that took.
fn describe(name: &str, operations: usize, sources: &[Source]) -> Duration {
    let start = Instant::now();
    let files = codegen::generate_sources(sources, &codegen::Options::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let elapsed = start.elapsed();
    let yaml: usize = sources.iter().map(|s| s.text.len()).sum();
    let rust: usize = files
        .iter()
        .filter(|f| f.path.ends_with(".rs"))
        .map(|f| f.contents.lines().count())
        .sum();
    println!(
        "{name}: {operations} operations, {} spec files, {} KiB of YAML -> {} files, {rust} lines of Rust",
        sources.len(),
        yaml / 1024,
        files.len()
    );
    elapsed
}

fn generate(c: &mut Criterion) {
    let mut inputs = vec![("seed".to_owned(), 6, seed())];
    for n in SIZES {
        inputs.push(("synthetic".to_owned(), n, synthetic(n)));
    }
    let once: Vec<Duration> = inputs
        .iter()
        .map(|(name, operations, sources)| {
            describe(&format!("{name}/{operations}"), *operations, sources)
        })
        .collect();
    let options = codegen::Options::default();
    bench_sizes(c, "generate", &inputs, &once, 1, |sources| {
        let _ = codegen::generate_sources(sources, &options);
    });
    // Load, lower and check only: what is left is emitting and formatting the Rust. It is a
    // fifth of the whole at most.
    bench_sizes(c, "check", &inputs, &once, 5, |sources| {
        let _ = codegen::model(sources);
    });
}

/// One criterion group over every input, each measured for long enough to take ten samples
/// of `run`, which takes at most `1 / share` of a whole generation (`once`).
fn bench_sizes(
    c: &mut Criterion,
    group: &str,
    inputs: &[(String, usize, Vec<Source>)],
    once: &[Duration],
    share: u32,
    run: impl Fn(&[Source]),
) {
    let mut group = c.benchmark_group(group);
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500));
    for ((name, operations, sources), once) in inputs.iter().zip(once) {
        // Ten samples of one run each at least, for the sizes that take seconds a run.
        group.measurement_time((*once / share * 12).max(Duration::from_secs(5)));
        group.throughput(Throughput::Elements(*operations as u64));
        group.bench_with_input(BenchmarkId::new(name, operations), sources, |b, sources| {
            b.iter(|| run(black_box(sources)))
        });
    }
    group.finish();
}

criterion_group!(benches, generate);
criterion_main!(benches);
