//! The generated crate as snapshots, and proof that the committed `generated/` is current.

use plaid_tests::{spec_dir, workspace_root};

fn generate() -> Vec<codegen::GeneratedFile> {
    codegen::generate(&spec_dir(), &codegen::Options::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// One snapshot per generated file: a spec change shows up in `cargo insta review` as the
/// exact change to the emitted code.
#[test]
fn every_generated_file_is_snapshotted() {
    for file in generate() {
        let name = format!("generated__{}", file.path.replace('/', "__"));
        insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(name, file.contents);
        });
    }
}

/// The committed `generated/` is exactly what the spec produces (what `cargo xtask regenerate
/// --check` verifies), so a plain `cargo test` catches a forgotten regeneration.
#[test]
fn committed_output_is_current() {
    let drifts = codegen::sync::compare(&workspace_root().join("generated"), &generate())
        .expect("read generated/");
    assert!(
        drifts.is_empty(),
        "generated/ is stale; run `cargo xtask regenerate`:\n{}",
        drifts
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Same spec, same bytes: twice in one process, and from a copy of spec/ at another path.
#[test]
fn generation_is_deterministic_across_runs_and_paths() {
    let first = generate();
    assert_eq!(first, generate());
    let copy = std::env::temp_dir()
        .join(format!("plaid-spec-copy-{}", std::process::id()))
        .join("spec");
    std::fs::create_dir_all(&copy).expect("create temp dir");
    for entry in std::fs::read_dir(spec_dir()).expect("list spec/") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, copy.join(path.file_name().expect("file name"))).expect("copy");
    }
    let elsewhere =
        codegen::generate(&copy, &codegen::Options::default()).expect("generate from copy");
    let _ = std::fs::remove_dir_all(copy.parent().expect("parent"));
    assert_eq!(first, elsewhere);
}

/// Every generated file starts with the do-not-edit header.
#[test]
fn every_generated_file_has_the_header() {
    for file in generate() {
        let first_line = file.contents.lines().next().unwrap_or_default();
        assert!(
            first_line.contains("@generated") && first_line.contains("Do not edit by hand"),
            "{} starts with {first_line:?}",
            file.path
        );
    }
}
