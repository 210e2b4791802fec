//! Reading spec files from disk and parsing them into the serde mirror.

use std::path::Path;

use serde_saphyr::Location;

use crate::diag::{Diagnostic, Diagnostics, Place};
use crate::spec::SpecFile;

/// A spec file's text and the name it is reported under (`spec/user.yaml`): never an absolute
/// path, so that messages and snapshots are the same on every machine.
#[derive(Clone, Debug)]
pub struct Source {
    pub name: String,
    pub text: String,
}

/// Reads every `*.yaml` file of `dir`, in file-name order.
pub fn read_dir(dir: &Path) -> Result<Vec<Source>, Diagnostics> {
    let dir_name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| dir.display().to_string());
    let fail = |message: String| {
        let place = Place {
            file: dir_name.clone(),
            line: 0,
            column: 0,
            path: String::new(),
        };
        Diagnostics(vec![Diagnostic::new(place, message)])
    };
    let entries = std::fs::read_dir(dir).map_err(|e| {
        fail(format!(
            "cannot read the spec folder {}: {e}",
            dir.display()
        ))
    })?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| fail(format!("cannot list {}: {e}", dir.display())))?
            .path();
        if path
            .extension()
            .is_some_and(|ext| ext == "yaml" || ext == "yml")
        {
            paths.push(path);
        }
    }
    paths.sort();
    if paths.is_empty() {
        return Err(fail(format!("no *.yaml files in {}", dir.display())));
    }
    paths
        .iter()
        .map(|path| {
            let file_name = path.file_name().unwrap_or_default().to_string_lossy();
            let name = format!("{dir_name}/{file_name}");
            let text = std::fs::read_to_string(path)
                .map_err(|e| fail(format!("cannot read {name}: {e}")))?;
            Ok(Source { name, text })
        })
        .collect()
}

/// Parses each source on its own, so one broken file does not hide the problems of another.
pub fn parse(sources: &[Source]) -> (Vec<(String, SpecFile)>, Diagnostics) {
    let mut files = Vec::new();
    let mut diagnostics = Diagnostics::default();
    for source in sources {
        match serde_saphyr::from_str::<Option<SpecFile>>(&source.text) {
            Ok(spec) => files.push((source.name.clone(), spec.unwrap_or_default())),
            Err(error) => {
                let location = error.location().unwrap_or(Location::UNKNOWN);
                let message = plain_message(&error);
                diagnostics.push(Diagnostic::new(
                    Place::new(&source.name, location, ""),
                    message,
                ));
            }
        }
    }
    (files, diagnostics)
}

/// The parser's message without its own snippet and `line N column M:` prefix: the
/// diagnostic renders location and snippet itself, the same way for every kind of problem.
fn plain_message(error: &serde_saphyr::Error) -> String {
    let text = error.without_snippet().to_string();
    let text = text.strip_prefix("error: ").unwrap_or(&text);
    let text = match text.split_once(": ") {
        Some((prefix, rest)) if prefix.starts_with("line ") && prefix.contains(" column ") => rest,
        _ => text,
    };
    text.lines().next().unwrap_or_default().trim().to_owned()
}
