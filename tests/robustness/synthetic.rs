//! The synthetic spec of `cargo xtask synth` (the benchmarks' input) passes every check.

use crate::harness::{answered, seconds};

/// `cargo xtask synth` output passes every check of the generator, split into files or in
/// one, and the crate has one `Operation` impl per operation.
#[test]
fn synthetic_spec_generates() {
    let dir = std::env::temp_dir().join(format!("plaid-synth-{}", std::process::id()));
    let files = xtask::synth::write(&dir, 20, 7).expect("cannot write the synthetic spec");
    assert_eq!(files.len(), 1 + 3);
    let generated = codegen::generate(&dir, &codegen::Options::default());
    let _ = std::fs::remove_dir_all(&dir);
    let generated = generated.unwrap_or_else(|e| panic!("{e}"));
    let operations = generated
        .iter()
        .find(|f| f.path == "src/operations.rs")
        .expect("src/operations.rs");
    assert_eq!(operations.contents.matches("Operation for").count(), 20);

    let one_file = xtask::synth::sources(20, 0);
    assert_eq!(one_file.len(), 2);
    let run = answered(one_file, seconds(30));
    assert!(run.outcome.is_ok(), "{}", run.rendered_error());
}
