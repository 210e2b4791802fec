//! Reading spec files from disk and parsing them into the serde mirror.

use std::path::Path;

use serde_saphyr::Location;

use crate::diag::{Diagnostic, Diagnostics, Place};
pub use crate::source::Source;
use crate::spec::SpecFile;

/// Reads every `*.yaml` file of `dir`, in file-name order, then those of its `overlay`
/// folder (the docs' refinements of imported types), if it has one.
pub fn read_dir(dir: &Path) -> Result<Vec<Source>, Diagnostics> {
    let dir_name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| dir.display().to_string());
    let mut sources = read_yaml_files(dir, &dir_name)?;
    if sources.is_empty() {
        let place = Place::whole_file(&dir_name, "");
        let message = format!("no *.yaml files in {}", dir.display());
        return Err(Diagnostics(vec![Diagnostic::new(place, message)]));
    }
    let overlay = dir.join("overlay");
    if overlay.is_dir() {
        sources.extend(read_yaml_files(&overlay, &format!("{dir_name}/overlay"))?);
    }
    Ok(sources)
}

/// The `*.yaml` files directly in `dir`, sorted, each named `{shown}/{file name}`.
fn read_yaml_files(dir: &Path, shown: &str) -> Result<Vec<Source>, Diagnostics> {
    let fail = |message: String| {
        let place = Place::whole_file(shown, "");
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
        if path.is_file()
            && path
                .extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml")
        {
            paths.push(path);
        }
    }
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let file_name = path.file_name().unwrap_or_default().to_string_lossy();
            let name = format!("{shown}/{file_name}");
            let text = std::fs::read_to_string(path)
                .map_err(|e| fail(format!("cannot read {name}: {e}")))?;
            Ok(Source { name, text })
        })
        .collect()
}

/// A hand-written spec file is kilobytes; megabytes are a mistake or an attack, and every
/// name in the file is copied into the output several times.
const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// The parser's defaults, with nesting capped well below what overflows a thread's stack in
/// the recursive descent of a debug build (the spec needs about a dozen levels; examples a few
/// more).
fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = 24;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options
}

/// Parses each source on its own, so one broken file does not hide the problems of another
/// (and the files parse in parallel).
pub fn parse(sources: &[Source]) -> (Vec<(String, SpecFile)>, Diagnostics) {
    let mut files = Vec::new();
    let mut diagnostics = Diagnostics::default();
    for parsed in crate::parallel::map(sources, parse_one) {
        match parsed {
            Ok(file) => files.push(file),
            Err(diagnostic) => diagnostics.push(*diagnostic),
        }
    }
    (files, diagnostics)
}

fn parse_one(source: &Source) -> Result<(String, SpecFile), Box<Diagnostic>> {
    if source.text.len() > MAX_FILE_BYTES {
        let place = Place::whole_file(&source.name, "");
        let message = format!(
            "the file is {} bytes, over the limit of {MAX_FILE_BYTES} bytes for one spec file",
            source.text.len()
        );
        let diagnostic =
            Diagnostic::new(place, message).with_hint("split the spec into several files");
        return Err(Box::new(diagnostic));
    }
    match serde_saphyr::from_str_with_options::<Option<SpecFile>>(&source.text, options()) {
        Ok(spec) => Ok((source.name.clone(), spec.unwrap_or_default())),
        Err(error) => Err(Box::new(parse_diagnostic(&source.name, &error))),
    }
}

/// The parser's error in the words of the rest of the diagnostics: its own location suffix
/// and snippet removed (the diagnostic renders both), common messages explained, and a hint.
fn parse_diagnostic(file: &str, error: &serde_saphyr::Error) -> Diagnostic {
    let location = error.location().unwrap_or(Location::UNKNOWN);
    let place = Place::new(file, location, "");
    let text = error.without_snippet().to_string();
    let text = text.lines().next().unwrap_or_default().trim();
    let text = text.strip_prefix("error: ").unwrap_or(text);
    // serde-saphyr appends `at line L, column C` and, for aliases, `(defined at ...)`.
    let text = text.split(" at line ").next().unwrap_or(text).trim();
    if let Some(rest) = text.strip_prefix("unknown field `") {
        let (key, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let expected: Vec<&str> = expected
            .trim_start_matches(", expected one of ")
            .trim_start_matches(", expected ")
            .split(", ")
            .map(|k| k.trim_matches('`'))
            .filter(|k| !k.is_empty())
            .collect();
        let message = format!("unknown key `{key}`");
        return match crate::names::closest(key, expected.iter().copied()) {
            Some(best) => {
                Diagnostic::new(place, message).with_hint(format!("did you mean `{best}`?"))
            }
            None if !expected.is_empty() => Diagnostic::new(place, message)
                .with_hint(format!("expected one of: {}", expected.join(", "))),
            None => Diagnostic::new(place, message),
        };
    }
    if let Some(rest) = text.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(',').next().unwrap_or(rest).trim();
        return Diagnostic::new(place, format!("`{key}` appears twice in the same mapping"))
            .with_hint("YAML keys must be unique: merge the two entries or rename one");
    }
    // An alias bomb's breach names where the anchor was defined; a plain large document's
    // does not. The parser's "recursion limit" is the same depth limit by another name.
    let full = error.without_snippet().to_string();
    if text.starts_with("budget breached") || text.contains("recursion limit exceeded") {
        let (message, hint) = if text.contains("Depth") || text.contains("recursion limit") {
            (
                "the YAML nests deeper than the loader allows (24 levels)",
                "flatten the structure: a spec needs about a dozen levels",
            )
        } else if full.contains("defined at") || text.contains("Alias") || text.contains("Anchor") {
            (
                "the YAML expands beyond the loader's limits through aliases",
                "write the values out instead of aliasing aliases",
            )
        } else {
            (
                "the YAML is larger than the loader allows",
                "split the spec into several files",
            )
        };
        return Diagnostic::new(place, message).with_hint(hint);
    }
    let diagnostic = Diagnostic::new(place, text);
    if text.contains("invalid type: boolean") {
        diagnostic
            .with_hint("YAML reads yes/no/on/off/true/false as booleans: quote the value (\"NO\")")
    } else if text.contains("invalid type: integer")
        || text.contains("invalid type: floating point")
    {
        diagnostic.with_hint("YAML reads this as a number: quote it to keep it a string")
    } else {
        diagnostic
    }
}
