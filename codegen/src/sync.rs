//! Bringing `generated/` in line with the generator's output, or reporting how it differs.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::output::GeneratedFile;

/// How a file on disk differs from what the generator produces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Drift {
    /// The file is generated but missing on disk.
    Missing(String),
    /// The file's contents differ from the generator's.
    Stale(String),
    /// The file is on disk but the generator no longer produces it.
    Orphan(String),
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Drift::Missing(path) => write!(f, "missing: {path}"),
            Drift::Stale(path) => write!(f, "stale:   {path}"),
            Drift::Orphan(path) => write!(f, "orphan:  {path} (no longer generated)"),
        }
    }
}

/// Compares `dir` with the generated files. Line endings are normalised so a checkout with
/// CRLF endings is not reported as stale.
pub fn compare(dir: &Path, files: &[GeneratedFile]) -> io::Result<Vec<Drift>> {
    let mut drifts = Vec::new();
    for file in files {
        match std::fs::read_to_string(dir.join(&file.path)) {
            Ok(on_disk) if on_disk.replace("\r\n", "\n") == file.contents => {}
            Ok(_) => drifts.push(Drift::Stale(file.path.clone())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                drifts.push(Drift::Missing(file.path.clone()))
            }
            Err(e) => return Err(e),
        }
    }
    for path in files_under(dir)? {
        if !files.iter().any(|f| f.path == path) {
            drifts.push(Drift::Orphan(path));
        }
    }
    Ok(drifts)
}

/// Writes what differs and removes orphans; returns what changed.
pub fn write(dir: &Path, files: &[GeneratedFile]) -> io::Result<Vec<Drift>> {
    let drifts = compare(dir, files)?;
    for drift in &drifts {
        match drift {
            Drift::Missing(path) | Drift::Stale(path) => {
                let target = dir.join(path);
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                let contents = files
                    .iter()
                    .find(|f| f.path == *path)
                    .map_or("", |f| f.contents.as_str());
                std::fs::write(target, contents)?;
            }
            Drift::Orphan(path) => std::fs::remove_file(dir.join(path))?,
        }
    }
    Ok(drifts)
}

/// Every file below `dir`, as `/`-separated paths relative to it, sorted.
fn files_under(dir: &Path) -> io::Result<Vec<String>> {
    let mut found = Vec::new();
    let mut pending: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = match std::fs::read_dir(&current) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(relative) = path.strip_prefix(dir) {
                let parts: Vec<_> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect();
                found.push(parts.join("/"));
            }
        }
    }
    found.sort();
    Ok(found)
}
