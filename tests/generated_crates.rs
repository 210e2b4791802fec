//! The crates generated from specs other than Plaid's compile without a warning: every valid
//! fixture (one per construct of the spec language) and a small synthetic spec, each as a crate
//! of one scratch workspace, checked with clippy with every feature, and with every optional
//! spec file's feature off.
//!
//! `generated/` is compiled by the rest of the suite; this is what guards the constructs the
//! Plaid slice does not use (arrays of arrays, recursion, keyword fields, maps, a spec without
//! servers, operations or enums). What some of them do at run time is tested by the hand-written
//! `fixtures/behaviour.rs`, a crate of the same workspace.

use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::load::Source;

/// The scratch workspace, kept between runs so that its dependencies build once.
fn scratch() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("generated-crates")
}

/// The root manifest's `[workspace.package]` and `[workspace.dependencies]`, which the
/// behaviour crate inherits from (the generated manifests name their own); a dependency's
/// `path` (the runtime crate's) is made absolute, since it is relative to `root`.
fn inherited_sections(root_manifest: &str, root: &Path) -> String {
    let absolute = format!("path = \"{}/", root.display());
    let mut kept = String::new();
    let mut keep = false;
    for line in root_manifest.lines() {
        if line.starts_with('[') {
            keep = line == "[workspace.package]" || line == "[workspace.dependencies]";
        }
        if keep {
            kept.push_str(&line.replace("path = \"", &absolute));
            kept.push('\n');
        }
    }
    kept
}

fn write_crate(workspace: &Path, name: &str, sources: &[Source]) {
    let runtime = plaid_tests::workspace_root().join("runtime");
    let options = codegen::Options {
        package_name: Some(name.to_owned()),
        runtime_path: runtime.to_string_lossy().replace('\\', "/"),
        ..codegen::Options::default()
    };
    let files = codegen::generate_sources(sources, &options)
        .unwrap_or_else(|e| panic!("{name} does not generate: {e}"));
    let dir = workspace.join(name);
    let _ = std::fs::remove_dir_all(&dir);
    codegen::sync::write(&dir, &files).unwrap_or_else(|e| panic!("cannot write {name}: {e}"));
}

/// The crate of `fixtures/behaviour.rs`: run-time tests of the crates generated from some
/// fixtures, which it depends on with only their models.
fn write_behaviour_crate(workspace: &Path, root: &Path, fixtures: &[&str]) {
    let dir = workspace.join(BEHAVIOUR);
    std::fs::create_dir_all(dir.join("src")).expect("cannot create the behaviour crate");
    let dependencies: String = fixtures
        .iter()
        .map(|name| {
            // The security fixture's client is exercised against a scripted server and its own,
            // the REST, form and whole-body fixtures' clients against their own servers.
            let features = match *name {
                // One spec file each, so no `models` feature.
                "fixture-rest-api" | "fixture-form" | "fixture-whole-body" | "fixture-security" => {
                    "\"client\", \"server\""
                }
                _ => "\"models\"",
            };
            format!(
                "{name} = {{ path = \"../{name}\", default-features = false, features = [{features}] }}\n"
            )
        })
        .collect();
    let manifest = format!(
        "[package]\nname = \"{BEHAVIOUR}\"\nversion = \"0.0.0\"\nedition.workspace = true\n\
         publish = false\n\n[dependencies]\n{dependencies}\
         serde.workspace = true\nserde_json.workspace = true\n\
         specgen-runtime = {{ workspace = true, features = [\"path\"] }}\n\
         tokio = {{ workspace = true, features = [\"rt\", \"macros\", \"net\", \"io-util\"] }}\n\
         axum.workspace = true\n"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("cannot write its Cargo.toml");
    std::fs::copy(
        root.join("tests/fixtures/behaviour.rs"),
        dir.join("src/lib.rs"),
    )
    .expect("cannot copy fixtures/behaviour.rs");
}

const BEHAVIOUR: &str = "fixture-behaviour";

/// Three files: the error type in one, and a type in `orders` that uses one in `customers`.
fn cross_file_spec() -> Vec<Source> {
    let file = |name: &str, text: &str| Source {
        name: format!("cross/{name}"),
        text: text.to_owned(),
    };
    vec![
        file(
            "api.yaml",
            "api: {title: Shop API, version: '1', error: ShopError}\n\
             types:\n  ShopError:\n    fields:\n      code: {type: string, required: true}\n",
        ),
        file(
            "customers.yaml",
            "types:\n  Customer:\n    fields:\n      email: {type: string, format: email}\n",
        ),
        file(
            "orders.yaml",
            "operations:\n  order_get: {path: /orders/get, summary: Get an order, request: OrderGetRequest, response: Order}\n\
             types:\n  OrderGetRequest:\n    fields:\n      id: {type: string, required: true}\n  \
             Order:\n    fields:\n      customer: {type: Customer, required: true}\n",
        ),
    ]
}

#[test]
fn crates_generated_from_other_specs_compile_without_warnings() {
    let root = plaid_tests::workspace_root();
    let workspace = scratch();
    std::fs::create_dir_all(&workspace).expect("cannot create the scratch workspace");

    let mut members = Vec::new();
    for path in &plaid_tests::fixtures("valid") {
        let stem = path.file_stem().unwrap_or_default().to_string_lossy();
        let name = format!("fixture-{}", stem.replace('_', "-"));
        write_crate(&workspace, &name, &[plaid_tests::fixture_source(path)]);
        members.push(name);
    }
    write_crate(&workspace, "synthetic", &xtask::synth::sources(12, 5));
    members.push("synthetic".to_owned());
    write_crate(&workspace, "cross-file", &cross_file_spec());
    members.push("cross-file".to_owned());
    let tested = [
        "fixture-maps",
        "fixture-empty-object",
        "fixture-nullable-items",
        "fixture-one-of",
        "fixture-security",
        "fixture-rest-api",
        "fixture-form",
        "fixture-whole-body",
    ];
    assert!(
        tested.iter().all(|name| members.iter().any(|m| m == name)),
        "a fixture that fixtures/behaviour.rs tests went missing"
    );
    write_behaviour_crate(&workspace, &root, &tested);
    members.push(BEHAVIOUR.to_owned());
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
        inherited_sections(&root_manifest, &root)
    );
    std::fs::write(workspace.join("Cargo.toml"), manifest).expect("cannot write Cargo.toml");
    // The repository's lock file pins the dependencies to the versions the suite already
    // built and downloaded.
    std::fs::copy(root.join("Cargo.lock"), workspace.join("Cargo.lock"))
        .expect("cannot copy Cargo.lock");

    // Every feature on; the client and the server with every optional spec file off, which
    // leaves only the modules the error type needs (none, in most fixtures; the behaviour
    // crate, which turns some on, is left out); and one spec file on its own.
    for selection in [
        &["--workspace", "--all-features"][..],
        &[
            "--workspace",
            "--exclude",
            BEHAVIOUR,
            "--no-default-features",
            "--features",
            "client,server",
        ],
        &[
            "-p",
            "synthetic",
            "--no-default-features",
            "--features",
            "client,server,models-group_0001",
        ],
        // Models only: a form operation's `Operation` impl still encodes and decodes forms.
        &["-p", "fixture-form", "--no-default-features"],
        // `orders` uses `customers`: its feature must turn that one on.
        &[
            "-p",
            "cross-file",
            "--no-default-features",
            "--features",
            "client,server,models-orders",
        ],
    ] {
        let output = Command::new(env!("CARGO"))
            .current_dir(&workspace)
            .env("CARGO_TARGET_DIR", workspace.join("target"))
            .args(["clippy", "--all-targets", "--quiet"])
            .args(selection)
            .args(["--", "-D", "warnings"])
            .output()
            .expect("cannot run cargo clippy");
        assert!(
            output.status.success(),
            "a generated crate does not compile cleanly with {selection:?}:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    let output = Command::new(env!("CARGO"))
        .current_dir(&workspace)
        .env("CARGO_TARGET_DIR", workspace.join("target"))
        .args(["test", "--quiet", "-p", BEHAVIOUR])
        .output()
        .expect("cannot run cargo test");
    assert!(
        output.status.success(),
        "the generated code does not behave as fixtures/behaviour.rs expects:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
