//! Helpers shared by the test binaries.

use std::path::{Path, PathBuf};

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

pub fn spec_dir() -> PathBuf {
    workspace_root().join("spec")
}

/// Reads one fixture file as a spec source, reported under `fixtures/<name>` so snapshots do
/// not depend on where the repository is checked out.
pub fn fixture_source(path: &Path) -> codegen::load::Source {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let folder = path
        .parent()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    codegen::load::Source {
        name: format!("{folder}/{name}"),
        text,
    }
}
