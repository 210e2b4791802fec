//! The crates generated from specs other than Plaid's compile without a warning: every valid
//! fixture (one per construct of the spec language) and a small synthetic spec, each as a crate
//! of one scratch workspace, checked with clippy and every feature.
//!
//! `generated/` is compiled by the rest of the suite; this is what guards the constructs the
//! Plaid slice does not use (arrays of arrays, recursion, keyword fields, a spec without
//! servers, operations or enums).

use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::load::Source;

#[path = "../xtask/src/synth.rs"]
#[allow(dead_code)]
mod synth;

/// The scratch workspace, kept between runs so that its dependencies build once.
fn scratch() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("generated-crates")
}

/// The root manifest's `[workspace.package]` and `[workspace.dependencies]`, which every
/// generated manifest inherits from.
fn inherited_sections(root_manifest: &str) -> String {
    let mut kept = String::new();
    let mut keep = false;
    for line in root_manifest.lines() {
        if line.starts_with('[') {
            keep = line == "[workspace.package]" || line == "[workspace.dependencies]";
        }
        if keep {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    kept
}

fn write_crate(workspace: &Path, name: &str, sources: &[Source]) {
    let options = codegen::Options {
        package_name: name.to_owned(),
        ..codegen::Options::default()
    };
    let files = codegen::generate_sources(sources, &options)
        .unwrap_or_else(|e| panic!("{name} does not generate: {e}"));
    let dir = workspace.join(name);
    let _ = std::fs::remove_dir_all(&dir);
    codegen::sync::write(&dir, &files).unwrap_or_else(|e| panic!("cannot write {name}: {e}"));
}

#[test]
fn crates_generated_from_other_specs_compile_without_warnings() {
    let root = plaid_tests::workspace_root();
    let workspace = scratch();
    std::fs::create_dir_all(&workspace).expect("cannot create the scratch workspace");

    let mut members = Vec::new();
    let fixtures = root.join("tests/fixtures/valid");
    let mut paths: Vec<_> = std::fs::read_dir(&fixtures)
        .expect("tests/fixtures/valid")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    paths.sort();
    for path in &paths {
        let stem = path.file_stem().unwrap_or_default().to_string_lossy();
        let name = format!("fixture-{}", stem.replace('_', "-"));
        write_crate(&workspace, &name, &[plaid_tests::fixture_source(path)]);
        members.push(name);
    }
    let synthetic: Vec<Source> = synth::spec(12, 5)
        .into_iter()
        .map(|file| Source {
            name: format!("synth/{}", file.name),
            text: file.text,
        })
        .collect();
    write_crate(&workspace, "synthetic", &synthetic);
    members.push("synthetic".to_owned());
    assert!(members.len() > 10, "the fixtures went missing: {members:?}");

    let root_manifest =
        std::fs::read_to_string(root.join("Cargo.toml")).expect("the workspace's Cargo.toml");
    let manifest = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n{}",
        members
            .iter()
            .map(|m| format!("\"{m}\""))
            .collect::<Vec<_>>()
            .join(", "),
        inherited_sections(&root_manifest)
    );
    std::fs::write(workspace.join("Cargo.toml"), manifest).expect("cannot write Cargo.toml");
    // The repository's lock file pins the dependencies to the versions the suite already
    // built and downloaded.
    std::fs::copy(root.join("Cargo.lock"), workspace.join("Cargo.lock"))
        .expect("cannot copy Cargo.lock");

    let output = Command::new(env!("CARGO"))
        .current_dir(&workspace)
        .env("CARGO_TARGET_DIR", workspace.join("target"))
        .args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--quiet",
        ])
        .args(["--", "-D", "warnings"])
        .output()
        .expect("cannot run cargo clippy");
    assert!(
        output.status.success(),
        "a generated crate does not compile cleanly:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
