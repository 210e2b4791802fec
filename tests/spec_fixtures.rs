//! One small spec per construct of the spec language, and one per kind of spec error.
//!
//! - `fixtures/valid/*.yaml`: each file is a whole (single-file) spec exercising one construct;
//!   the snapshot is the generated Rust of `src/models/*.rs`, `src/operations.rs` and, for a
//!   spec that names webhooks, `src/webhook_payloads.rs`.
//! - `fixtures/invalid/*.yaml`: each file is a spec with deliberate problems; the snapshot is
//!   the rendered error, so a change to a message, a location or a hint shows up in review.
//! - Every fixture, and every truncated prefix of it, goes through the generator without a
//!   panic.
//! - `fixtures/changes/{before,after}.yaml`: the API change summary of a re-import.

use std::panic::{AssertUnwindSafe, catch_unwind};

use codegen::load::Source;
use plaid_tests::{fixture_source, fixtures};

fn generate(source: &Source) -> Result<Vec<codegen::GeneratedFile>, codegen::Error> {
    codegen::generate_sources(std::slice::from_ref(source), &codegen::Options::default())
}

/// The generated files a fixture is about: the models and the operations table, each under a
/// heading line with its path. The crate frame (manifest, lib.rs, prelude, runtime support)
/// is the same for every spec and is covered by the `generated_output` snapshots.
fn models_and_operations(files: &[codegen::GeneratedFile]) -> String {
    let mut out = String::new();
    for file in files {
        let is_model = file.path.starts_with("src/models/") && file.path != "src/models/mod.rs";
        if is_model || file.path == "src/operations.rs" || file.path == "src/webhook_payloads.rs" {
            out.push_str(&format!("==== {} ====\n{}\n", file.path, file.contents));
        }
    }
    out
}

#[test]
fn valid_fixtures_generate() {
    insta::glob!("fixtures/valid/*.yaml", |path| {
        let source = fixture_source(path);
        let files = generate(&source)
            .unwrap_or_else(|e| panic!("{} should generate, but:\n{e}", source.name));
        let module = format!(
            "src/models/{}.rs",
            std::path::Path::new(&source.name)
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
        );
        assert!(
            files.iter().any(|f| f.path == module),
            "{} produced no {module}",
            source.name
        );
        insta::assert_snapshot!(models_and_operations(&files));
    });
}

#[test]
fn invalid_fixtures_are_reported() {
    insta::glob!("fixtures/invalid/*.yaml", |path| {
        let source = fixture_source(path);
        let err = generate(&source).expect_err(&format!("{} should be rejected", source.name));
        assert!(
            matches!(err, codegen::Error::Spec(_)),
            "{}: expected a spec error, got: {err}",
            source.name
        );
        let rendered = err.to_string();
        assert!(
            rendered.contains(&format!("--> {}", source.name)),
            "{}: no diagnostic names the fixture:\n{rendered}",
            source.name
        );
        insta::assert_snapshot!(rendered);
    });
}

/// Whatever the input, the generator answers with files or an error, never a panic: every
/// fixture, and its prefixes cut at every 7th byte (where that is a char boundary), which
/// gives unclosed quotes and flows, dangling keys, half-written rules and examples.
#[test]
fn no_input_panics() {
    let mut inputs = Vec::new();
    for folder in ["valid", "invalid"] {
        let paths = fixtures(folder);
        assert!(!paths.is_empty(), "no fixtures in {folder}/");
        // The alias bomb takes about a second per prefix in a debug build, each stopped by the
        // same budget; `invalid_fixtures_are_reported` covers it whole, and the robustness
        // test `billion_laughs_is_rejected_promptly` its time and memory.
        for path in paths
            .into_iter()
            .filter(|p| !p.ends_with("billion_laughs.yaml"))
        {
            let source = fixture_source(&path);
            let ends = (0..source.text.len())
                .step_by(7)
                .filter(|&end| source.text.is_char_boundary(end))
                .chain([source.text.len()]);
            for end in ends {
                let text = source.text[..end].to_owned();
                let name = source.name.clone();
                inputs.push((end, Source { name, text }));
            }
        }
    }
    // The generator's own pool: each thread takes the next input, so that slow ones spread
    // over every core.
    let panics: Vec<String> = codegen::parallel::map(&inputs, |(end, source)| {
        catch_unwind(AssertUnwindSafe(|| generate(source)))
            .is_err()
            .then(|| format!("{} cut at byte {end}", source.name))
    })
    .into_iter()
    .flatten()
    .collect();
    assert!(
        panics.is_empty(),
        "the generator panicked on:\n{}",
        panics.join("\n")
    );
}

/// Regression: a non-finite bound (`.inf`, `.nan`) once passed the checks and then panicked
/// in the emitter (proc-macro2 asserts that a float literal is finite). It is a spec error at
/// the bound now.
#[test]
fn non_finite_bounds_are_reported_without_panic() {
    for bound in ["maximum: .inf", "minimum: -.inf", "minimum: .nan"] {
        let text = format!(
            "api: {{ title: Fixture API, version: \"2024-01-01\" }}\n\
             types:\n  Amount:\n    fields:\n      value:\n        type: number\n        {bound}\n"
        );
        let source = Source {
            name: "inline/non_finite_bound.yaml".into(),
            text,
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| generate(&source)));
        let result = outcome.unwrap_or_else(|_| panic!("`{bound}` panicked the generator"));
        let err = result.expect_err(&format!("`{bound}` should be rejected"));
        let key = bound.split(':').next().unwrap_or_default();
        assert!(
            err.to_string().contains(key),
            "`{bound}`: the error should name `{key}`:\n{err}"
        );
    }
}

/// The API-level summary of a re-import, pinned for a before/after pair that has one change of
/// each kind: what is breaking for the generated crate's semver and what is not.
#[test]
fn the_change_summary_names_each_change_and_whether_it_breaks() {
    let pair = fixtures("changes");
    let model = |name: &str| {
        let path = pair.iter().find(|p| p.ends_with(name)).expect("fixture");
        let source = fixture_source(path);
        codegen::model(std::slice::from_ref(&source)).expect("the fixture loads")
    };
    let changes = codegen::changes::between(&model("before.yaml"), &model("after.yaml"));
    insta::assert_snapshot!(codegen::changes::render(&changes));
}

/// The spec's writer (`codegen::spec::write`, what the import writes with) writes any spec
/// file: every valid fixture and every file of `spec/` (the hand-written `api` block and
/// overlays included), read, written and read again, is the same spec, and generates the same
/// crate (which also holds what a serde form could drop on both sides: docs, flags).
#[test]
fn the_spec_writer_writes_any_spec() {
    let generated = |sources: &[Source]| {
        codegen::generate_sources(sources, &codegen::Options::default())
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .map(|f| (f.path, f.contents))
            .collect::<Vec<_>>()
    };
    let fixtures: Vec<Vec<Source>> = fixtures("valid")
        .iter()
        .map(|p| vec![fixture_source(p)])
        .collect();
    for spec in fixtures
        .into_iter()
        .chain([plaid_tests::spec_sources().to_vec()])
    {
        let (files, diagnostics) = codegen::load::parse(&spec);
        assert!(diagnostics.is_empty(), "{diagnostics}");
        let written: Vec<Source> = spec
            .iter()
            .zip(&files)
            .map(|(source, (_, file))| Source {
                name: source.name.clone(),
                text: codegen::spec::write::document("written back", file, &Default::default())
                    .unwrap_or_else(|e| panic!("{}: {e}", source.name)),
            })
            .collect();
        let (back, diagnostics) = codegen::load::parse(&written);
        assert!(diagnostics.is_empty(), "{diagnostics}");
        for ((source, (_, file)), (_, again)) in written.iter().zip(&files).zip(&back) {
            assert_eq!(
                serde_json::to_value(again).unwrap(),
                serde_json::to_value(file).unwrap(),
                "{} reads back differently:\n{}",
                source.name,
                source.text
            );
        }
        assert!(
            generated(&spec) == generated(&written),
            "{} generates another crate once written back",
            spec[0].name
        );
    }
}
