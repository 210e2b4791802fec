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
    // spec/*.yaml and the refinements in spec/overlay/; spec/openapi/ is the importer's
    // source, not a spec file.
    for folder in ["", "overlay"] {
        let (from, to) = (spec_dir().join(folder), copy.join(folder));
        std::fs::create_dir_all(&to).expect("create temp dir");
        for entry in std::fs::read_dir(&from).expect("list spec/") {
            let path = entry.expect("entry").path();
            if path.is_file() {
                std::fs::copy(&path, to.join(path.file_name().expect("file name"))).expect("copy");
            }
        }
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
        let mut lines = file.contents.lines();
        let (first, second) = (lines.next(), lines.next());
        assert!(
            first.is_some_and(|l| l.contains("@generated"))
                && second.is_some_and(|l| l.contains("Do not edit by hand")),
            "{} starts with {first:?}, {second:?}",
            file.path
        );
    }
}

/// Every committed snapshot belongs to a file that is still generated, a fixture that still
/// exists, or a test that still exists; none waits for review (`.snap.new`). insta fails on a
/// missing or changed snapshot but not on one nothing checks any more.
#[test]
fn no_snapshot_is_orphaned() {
    let snapshots = workspace_root().join("tests/snapshots");
    let generated: Vec<String> = generate()
        .iter()
        .map(|file| format!("generated__{}", file.path.replace('/', "__")))
        .collect();
    let mut orphans = Vec::new();
    for entry in std::fs::read_dir(&snapshots).expect("tests/snapshots") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        let Some(stem) = name.strip_suffix(".snap") else {
            orphans.push(format!("{name} (not a reviewed snapshot)"));
            continue;
        };
        let owned = if stem.starts_with("generated__") {
            generated.iter().any(|g| g == stem)
        } else if let Some(fixture) = stem.strip_prefix("spec_fixtures__valid_fixtures_generate@") {
            workspace_root()
                .join("tests/fixtures/valid")
                .join(fixture)
                .is_file()
        } else if let Some(fixture) =
            stem.strip_prefix("spec_fixtures__invalid_fixtures_are_reported@")
        {
            workspace_root()
                .join("tests/fixtures/invalid")
                .join(fixture)
                .is_file()
        } else {
            test_function_exists(stem)
        };
        if !owned {
            orphans.push(name);
        }
    }
    assert!(
        orphans.is_empty(),
        "snapshots that nothing checks any more (delete them): {orphans:?}"
    );
}

/// Whether the test a snapshot is named after (`<test binary>__<test function>`, or
/// `<test binary>__<module>__<test function>` in a binary of several modules) still exists:
/// the function is in `tests/<binary>.rs` or `tests/<binary>/main.rs`, or in the module's
/// `tests/<binary>/<module>.rs` or `tests/<binary>/<module>/mod.rs`.
fn test_function_exists(stem: &str) -> bool {
    let parts: Vec<&str> = stem.split("__").collect();
    let [binary, modules @ .., test] = parts.as_slice() else {
        return false;
    };
    let tests = workspace_root().join("tests");
    let files = if modules.is_empty() {
        vec![
            tests.join(format!("{binary}.rs")),
            tests.join(binary).join("main.rs"),
        ]
    } else {
        let module = tests.join(binary).join(modules.join("/"));
        vec![module.with_extension("rs"), module.join("mod.rs")]
    };
    files.iter().any(|file| {
        std::fs::read_to_string(file).is_ok_and(|source| source.contains(&format!("fn {test}(")))
    })
}

/// Doc comments and `validate_at` statements skip the token round trip and are spliced into
/// the formatted file as text (`codegen/src/splice.rs`). Every file of the real spec, of each
/// valid fixture and of a synthetic spec must parse to the same Rust as the emitter's tokens
/// with those texts put in as tokens.
#[test]
fn spliced_text_is_the_same_rust_as_the_tokens() {
    let options = codegen::Options {
        verify_splicing: true,
        ..codegen::Options::default()
    };
    let mut specs: Vec<(String, Vec<codegen::load::Source>)> =
        vec![("spec/".to_owned(), plaid_tests::spec_sources().to_vec())];
    for path in plaid_tests::fixtures("valid") {
        let source = plaid_tests::fixture_source(&path);
        specs.push((source.name.clone(), vec![source]));
    }
    specs.push(("synthetic".to_owned(), xtask::synth::sources(60, 25)));
    for (name, sources) in specs {
        if let Err(error) = codegen::generate_sources(&sources, &options) {
            panic!("{name}: {error}");
        }
    }
}
