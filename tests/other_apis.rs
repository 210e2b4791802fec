//! Other APIs than Plaid's, as a new user meets the generator (issue 21): a public OpenAPI
//! description is imported with `cargo xtask import`, regenerated with `cargo xtask regenerate
//! --spec ... --out ...` into a folder outside this workspace, and built there with cargo,
//! unedited; every operation of the description is in the crate. The committed petstore
//! crate (tests/petstore/) is the same import and generation, held to its source here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

// Placeholders' names never travel, and the import renames one that a body field's name takes.
use codegen::paths::route_shape;

const PETSTORE: &str = "tests/fixtures/openapi/petstore-expanded.yaml";
/// Swagger's own petstore, the description petstore3.swagger.io serves: several operations
/// sharing one body schema, a path parameter named like a body field, query parameters, form
/// and XML bodies beside JSON ones, OAuth 2 and an API key.
const SWAGGER_PETSTORE: &str = "tests/fixtures/openapi/swagger-petstore-3.yaml";
/// Box's own description of its Platform API, pinned (see the folder's README).
const BOX: &str = "tests/fixtures/openapi/box-openapi.json";

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "patch", "options", "head", "trace",
];

/// Every operation of an OpenAPI description, as (`METHOD`, path as the description writes
/// it): each method of each path, a path's fragment (`/files/{id}#copy`) making another path.
fn source_operations(openapi: &str) -> Vec<(String, String)> {
    let path = plaid_tests::workspace_root().join(openapi);
    let text = std::fs::read_to_string(path).expect("the description");
    let doc: serde_json::Value = serde_saphyr::from_str(&text).expect("YAML");
    let mut operations = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if item.get(method).is_some() {
                operations.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    operations
}

/// How many operations a generated crate has: its `Operation` impls, one per request type.
fn crate_operation_count(dir: &Path) -> usize {
    let text = std::fs::read_to_string(dir.join("src/operations.rs")).expect("operations.rs");
    text.matches("impl ::specgen_runtime::Operation").count()
}

/// Every operation of a generated crate, as (`METHOD`, path): the `Operation` impls of its
/// `src/operations.rs`.
fn crate_operations(dir: &Path) -> BTreeSet<(String, String)> {
    let text = std::fs::read_to_string(dir.join("src/operations.rs")).expect("operations.rs");
    let constant = |block: &str, name: &str| {
        let start = block.find(&format!("const {name}: &'static str = \""))?;
        let rest = &block[start..];
        let value = rest.split('"').nth(1)?;
        Some(value.to_owned())
    };
    // A long type name puts `for` on a line of its own.
    text.split("impl ::specgen_runtime::Operation")
        .skip(1)
        .map(|block| {
            (
                constant(block, "METHOD").expect("METHOD"),
                route_shape(&constant(block, "PATH").expect("PATH")),
            )
        })
        .collect()
}

/// The workspace's target folder, shared so that the crate's dependencies, already built for
/// the workspace, are not built again (those whose features differ are, once).
fn target_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target folder")
        .to_path_buf()
}

fn cargo(dir: &Path, args: &[&str]) {
    let output = Command::new(env!("CARGO"))
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo {args:?}: {e}"));
    assert!(
        output.status.success(),
        "cargo {args:?} failed in {}:\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// README's commands ("Generating a client for another API"), as written, then `cargo build`
/// in the output folder: offline, with the workspace's lock file, so that it resolves the
/// versions the workspace already downloaded (a user's first build resolves them online).
/// README's commands ("Generating a client for another API") for `openapi`, then clippy
/// with every feature, warnings denied, in the output folder; every operation of the
/// description is in the crate. Returns the crate's folder (removed with its scratch folder by
/// the caller).
fn import_regenerate_and_build(openapi: &str, package: &str) -> (PathBuf, PathBuf) {
    let root = plaid_tests::workspace_root();
    // Outside the repository: cargo looks for a workspace in every parent folder, and one
    // inside this workspace's folder (target/ included) would be taken for its member.
    let scratch = std::env::temp_dir().join(format!("specgen-{package}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let (spec, out) = (scratch.join("spec"), scratch.join("out"));
    let (spec_arg, out_arg) = (spec.to_string_lossy(), out.to_string_lossy());
    cargo(&root, &["xtask", "import", openapi, "--out", &spec_arg]);
    cargo(
        &root,
        &[
            "xtask",
            "regenerate",
            "--spec",
            &spec_arg,
            "--out",
            &out_arg,
        ],
    );

    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).expect("Cargo.toml");
    assert!(
        manifest.starts_with(&format!(
            "# @generated by `cargo xtask regenerate` from {}/.",
            std::fs::canonicalize(&spec)
                .expect("the spec folder")
                .display()
        )),
        "{manifest}"
    );
    assert!(
        manifest.contains(&format!("name = \"{package}\"")),
        "{manifest}"
    );
    assert!(
        !manifest.contains("workspace"),
        "inherits from a workspace:\n{manifest}"
    );

    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).expect("Cargo.lock");
    cargo(&out, &["build", "--offline", "--quiet"]);
    cargo(
        &out,
        &[
            "clippy",
            "--offline",
            "--quiet",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
    );
    (scratch, out)
}

/// The routes of the description's operations (`METHOD`, path on the wire: a fragment is not
/// sent) that are not in the crate (and asserts that the crate has no route the description
/// lacks).
fn left_out(source: &[(String, String)], out: &Path) -> BTreeSet<(String, String)> {
    let source: BTreeSet<(String, String)> = source
        .iter()
        .map(|(method, path)| (method.clone(), route_shape(path)))
        .collect();
    let generated = crate_operations(out);
    let extra: Vec<_> = generated.difference(&source).collect();
    assert!(extra.is_empty(), "not in the description: {extra:?}");
    source.difference(&generated).cloned().collect()
}

#[test]
fn petstore_imports_regenerates_and_builds_outside_the_workspace() {
    let (scratch, out) = import_regenerate_and_build(PETSTORE, "swagger-petstore");
    assert_eq!(crate_operations(&out).len(), 4);
    assert_eq!(crate_operation_count(&out), 4);
    assert!(left_out(&source_operations(PETSTORE), &out).is_empty());
    let _ = std::fs::remove_dir_all(&scratch);
}

#[test]
fn swagger_petstore_imports_regenerates_and_builds_outside_the_workspace() {
    let (scratch, out) =
        import_regenerate_and_build(SWAGGER_PETSTORE, "swagger-petstore-openapi-3-0");
    assert_eq!(crate_operations(&out).len(), 19);
    assert!(left_out(&source_operations(SWAGGER_PETSTORE), &out).is_empty());
    // `PUT /pet` and `POST /pet` both take `Pet`: each has a request type of its own, with
    // its fields; `PUT /user/{username}` sends its placeholder and the body's `username`.
    let pet = std::fs::read_to_string(out.join("src/models/pet.rs")).expect("pet.rs");
    for request in ["pub struct UpdatePetRequest", "pub struct AddPetRequest"] {
        assert!(pet.contains(request), "{request} missing");
    }
    let operations = std::fs::read_to_string(out.join("src/operations.rs")).expect("ops");
    assert!(operations.contains("const PATH: &'static str = \"/user/{username_in_path}\";"));
    // `POST /user/createWithList` takes an array of users: the request's `body` is all of it.
    let user = std::fs::read_to_string(out.join("src/models/user.rs")).expect("user.rs");
    assert!(
        user.contains("pub body: Vec<User>,"),
        "the array body is not whole"
    );
    assert!(user.contains("serde_struct!(CreateUsersWithListInputRequest whole body)"));
    // `GET /store/inventory` answers a map of counts: decoded whole, not thrown away.
    let store = std::fs::read_to_string(out.join("src/models/store.rs")).expect("store.rs");
    assert!(store.contains("serde_struct!(GetInventoryResponse whole body)"));
    let _ = std::fs::remove_dir_all(&scratch);
}

/// Box's Platform API (296 operations, 1.7 MB of JSON): its multipart upload sends an object
/// part, 71 query arrays are comma-joined (`explode: false`), 18 operations share a path and
/// method with another, told apart by a URL fragment (which is not sent: each is a variant,
/// a method of the client on that route), two are `OPTIONS` and one has a placeholder after a
/// prefix (`thumbnail.{extension}`); five answer another status with another body (a 202
/// "retry later" beside a download, a 204 beside a JSON answer), each an enum of its answers;
/// the three OAuth operations answer errors in a type of their own. Every operation is in the
/// crate.
#[test]
fn box_imports_regenerates_and_builds_outside_the_workspace() {
    let (scratch, out) = import_regenerate_and_build(BOX, "box-platform-api");
    let source = source_operations(BOX);
    assert_eq!(source.len(), 296);
    assert_eq!(crate_operation_count(&out), 296);
    let left = left_out(&source, &out);
    assert!(left.is_empty(), "{left:?}");
    let client = std::fs::read_to_string(out.join("src/client.rs")).expect("client");
    assert!(client.contains("The variant `#add_shared_link` of `PUT /files/{file_id}`"));
    let files = std::fs::read_to_string(out.join("src/operations.rs")).expect("operations");
    assert!(
        files.contains("items.join(\",\")"),
        "no comma-joined query array"
    );
    assert!(files.contains("thumbnail.{extension}"));
    assert_eq!(
        client.matches("self.send_answers(request)").count(),
        5,
        "operations with several answers"
    );
    // What README's example of Box's crate matches on.
    let files_models = std::fs::read_to_string(out.join("src/models/files.rs")).expect("files");
    let download = files_models
        .split("pub enum GetFilesIdContentAnswer {")
        .nth(1)
        .and_then(|rest| rest.split('}').next())
        .expect("the download's answers enum");
    assert!(download.contains("Ok(::specgen_runtime::Binary)") && download.contains("Accepted,"));
    assert!(client.contains(
        "async fn post_oauth2_token(\n        &self,\n        request: &models::PostOAuth2Token,\n    ) -> Result<models::AccessToken, Error<models::OAuth2Error>>"
    ));
    // The OAuth operations answer errors in OAuth's shape, typed as their own.
    assert_eq!(
        client
            .matches("Its errors carry [`OAuth2Error`](crate::models::OAuth2Error)")
            .count(),
        3
    );
    let _ = std::fs::remove_dir_all(&scratch);
}

/// tests/petstore/ is what the import and the generator make of the description today: its
/// spec is the import's output, and its crate the generator's (`cargo xtask regenerate` writes
/// both targets, `--check` checks both).
#[test]
fn the_committed_petstore_is_the_import_and_the_generation_of_its_source() {
    let root = plaid_tests::workspace_root();
    let text = std::fs::read_to_string(root.join(PETSTORE)).expect("the description");
    let import = codegen::import::import(PETSTORE, &text).expect("imports");
    for file in &import.files {
        let committed = std::fs::read_to_string(root.join("tests/petstore/spec").join(&file.name))
            .unwrap_or_default();
        assert_eq!(
            committed, file.text,
            "tests/petstore/spec/{} is not the import of {PETSTORE}: run `cargo xtask import {PETSTORE} --out tests/petstore/spec`",
            file.name
        );
    }
    let options = codegen::Options {
        runtime_path: "../../../runtime".to_owned(),
        spec_folder: "tests/petstore/spec/".to_owned(),
        ..codegen::Options::default()
    };
    let files = codegen::generate(&root.join("tests/petstore/spec"), &options)
        .unwrap_or_else(|e| panic!("{e}"));
    let drifts = codegen::sync::compare(&root.join("tests/petstore/generated"), &files)
        .expect("tests/petstore/generated");
    assert!(
        drifts.is_empty(),
        "tests/petstore/generated is stale; run `cargo xtask regenerate`: {drifts:?}"
    );
    let generated = root.join("tests/petstore/generated");
    assert!(left_out(&source_operations(PETSTORE), &generated).is_empty());
}

/// The generated Cargo.toml names its dependencies by version, as the workspace does in
/// `[workspace.dependencies]`: the two must agree, or the generated crates would be built
/// and tested against other versions than the ones users get.
#[test]
fn generated_dependencies_are_the_workspaces() {
    let root = plaid_tests::workspace_root();
    let workspace = std::fs::read_to_string(root.join("Cargo.toml")).expect("Cargo.toml");
    let generated =
        std::fs::read_to_string(root.join("generated/Cargo.toml")).expect("generated/Cargo.toml");
    // `name = "1"` or `name = { ..., version = "1", ... }`.
    let version_of = |line: &str| -> Option<String> {
        let (_, rest) = line.split_once('=')?;
        let rest = rest.trim();
        let quoted = match rest.find("version = ") {
            Some(at) => &rest[at + "version = ".len()..],
            None => rest,
        };
        quoted.split('"').nth(1).map(str::to_owned)
    };
    let mut checked = 0;
    let section = |text: &str, name: &str| -> Vec<String> {
        text.split(&format!("[{name}]\n"))
            .nth(1)
            .unwrap_or_default()
            .split("\n[")
            .next()
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.starts_with('#') && l.contains('='))
            .map(str::to_owned)
            .collect()
    };
    let workspace_deps = section(&workspace, "workspace.dependencies");
    for line in section(&generated, "dependencies") {
        let name = line.split([' ', '.', '=']).next().unwrap_or_default();
        let Some(version) = version_of(&line) else {
            continue;
        };
        let theirs = workspace_deps
            .iter()
            .find(|l| l.split([' ', '=']).next() == Some(name))
            .unwrap_or_else(|| panic!("`{name}` is not in [workspace.dependencies]"));
        assert_eq!(
            version_of(theirs).as_deref(),
            Some(version.as_str()),
            "{name}"
        );
        checked += 1;
    }
    assert!(checked >= 5, "{checked} dependencies checked");
}
