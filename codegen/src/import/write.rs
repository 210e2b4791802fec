//! Writing an import into the spec folder. Only files that start with the marker line are
//! ever replaced or deleted: the hand-written files (the `api` block, README, overlays) are
//! never touched, and a hand-written file in the way of an imported one stops the import
//! before anything is written.

use std::path::Path;

use super::{API_FILE, Import, MARKER_PREFIX};

#[derive(Debug, Default)]
pub struct WriteReport {
    /// Files created or changed.
    pub written: Vec<String>,
    pub unchanged: usize,
    /// Imported files not written because a hand-written file of that name says more
    /// (`api.yaml`, the `api` block).
    pub kept: Vec<String>,
    /// Imported files no longer produced, removed.
    pub deleted: Vec<String>,
}

fn is_imported(text: &str) -> bool {
    text.starts_with(MARKER_PREFIX)
}

pub fn write(out: &Path, import: &Import) -> Result<WriteReport, String> {
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let mut existing = Vec::new();
    let mut conflicts = Vec::new();
    for file in &import.files {
        let path = out.join(&file.name);
        match std::fs::read_to_string(&path) {
            // The hand-written `api` block says more than the import can (Plaid's headers and
            // server errors): it stays, and the imported one is not written.
            Ok(text) if !is_imported(&text) && file.name == API_FILE => existing.push(Some(text)),
            Ok(text) if !is_imported(&text) => conflicts.push(file.name.clone()),
            Ok(text) => existing.push(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => existing.push(None),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        }
    }
    if !conflicts.is_empty() {
        return Err(format!(
            "refusing to overwrite hand-written files in {} (they lack the `@imported` \
             marker line): {}; move or rename them, then import again",
            out.display(),
            conflicts.join(", ")
        ));
    }
    let mut report = WriteReport::default();
    for (file, old) in import.files.iter().zip(existing) {
        if old.as_deref() == Some(file.text.as_str()) {
            report.unchanged += 1;
            continue;
        }
        if old.as_deref().is_some_and(|old| !is_imported(old)) {
            report.kept.push(file.name.clone());
            continue;
        }
        let path = out.join(&file.name);
        std::fs::write(&path, &file.text)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        report.written.push(file.name.clone());
    }
    let entries =
        std::fs::read_dir(out).map_err(|e| format!("cannot list {}: {e}", out.display()))?;
    let mut stale = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", out.display()))?
            .path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let is_yaml = path.is_file() && (name.ends_with(".yaml") || name.ends_with(".yml"));
        if !is_yaml || import.files.iter().any(|f| f.name == name) {
            continue;
        }
        // A hand-written file is never deleted.
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if is_imported(&text) {
            stale.push((name, path));
        }
    }
    stale.sort();
    for (name, path) in stale {
        std::fs::remove_file(&path)
            .map_err(|e| format!("cannot delete {}: {e}", path.display()))?;
        report.deleted.push(name);
    }
    Ok(report)
}
