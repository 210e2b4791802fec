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
/// (and the files parse in parallel). Within a file, an entry of `types` or `operations` (or
/// of `refine`'s) that does not parse is reported and left out, and the rest of the file is
/// kept, so that every such entry is reported at once and the file's other types resolve.
pub fn parse(sources: &[Source]) -> (Vec<(String, SpecFile)>, Diagnostics) {
    let mut files = Vec::new();
    let mut diagnostics = Diagnostics::default();
    for (file, found) in crate::parallel::map(sources, parse_recovering) {
        files.extend(file);
        diagnostics.0.extend(found);
    }
    (files, diagnostics)
}

/// The most entries of one file left out before the file is: each costs a parse of the file.
const MAX_LEFT_OUT: usize = 16;

/// The sections whose entries are named and stand alone: one can be left out.
const RECOVERABLE: [&[&str]; 4] = [
    &["types"],
    &["operations"],
    &["refine", "types"],
    &["refine", "operations"],
];

/// Parses a source, leaving out each entry of a [`RECOVERABLE`] section that does not parse
/// (its lines blanked, so that every location stays where it is) and parsing again; at most
/// one pass per entry.
fn parse_recovering(source: &Source) -> (Option<(String, SpecFile)>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut text = std::borrow::Cow::Borrowed(source.text.as_str());
    let mut broken = std::collections::BTreeSet::new();
    loop {
        let attempt = Source {
            name: source.name.clone(),
            text: text.clone().into_owned(),
        };
        match parse_one(&attempt) {
            Ok((name, mut spec)) => {
                spec.broken = broken;
                return (Some((name, spec)), diagnostics);
            }
            Err(error) => {
                let (diagnostic, location) = *error;
                let lines: Vec<&str> = text.lines().collect();
                let entry = location.and_then(|line| enclosing_entry(&lines, line));
                let Some(entry) = entry.filter(|_| diagnostics.len() < MAX_LEFT_OUT) else {
                    diagnostics.push(diagnostic);
                    return (None, diagnostics);
                };
                let mut diagnostic = diagnostic;
                diagnostic.place.path = format!("{}.{}", entry.section.join("."), entry.name);
                diagnostics.push(diagnostic);
                broken.insert(entry.name.clone());
                text = std::borrow::Cow::Owned(without_entry(&lines, &entry));
            }
        }
    }
}

/// An entry of a recoverable section: its name, and the lines it spans (`first..end`).
struct Entry {
    section: &'static [&'static str],
    name: String,
    first: usize,
    end: usize,
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Whether a line holds YAML (not blank, not a comment).
fn holds_yaml(line: &str) -> bool {
    let text = line.trim();
    !text.is_empty() && !text.starts_with('#')
}

/// The key a line opens (`  Name:` -> `Name`), quotes removed.
fn key_of(line: &str) -> String {
    let text = line.trim();
    let key = text.split(':').next().unwrap_or_default().trim();
    key.trim_matches(|c| c == '"' || c == '\'').to_owned()
}

/// The entry of a recoverable section that holds `line` (1-based), found from the keys that
/// enclose it: each the nearest line above with a smaller indent.
fn enclosing_entry(lines: &[&str], line: u64) -> Option<Entry> {
    let last = lines.len().checked_sub(1)?;
    let at = usize::try_from(line).ok()?.checked_sub(1)?.min(last);
    let mut chain = Vec::new();
    let mut limit = usize::MAX;
    for i in (0..=at).rev() {
        let text = lines[i];
        if !holds_yaml(text) || indent(text) >= limit {
            continue;
        }
        limit = indent(text);
        chain.push((i, limit, key_of(text)));
        if limit == 0 {
            break;
        }
    }
    chain.reverse();
    RECOVERABLE.into_iter().find_map(|section| {
        let keys_match = chain.len() > section.len()
            && chain
                .iter()
                .zip(section)
                .all(|((_, _, key), want)| key == want);
        let &(first, depth, ref name) = chain.get(section.len()).filter(|_| keys_match)?;
        let end = (first + 1..lines.len())
            .find(|&j| holds_yaml(lines[j]) && indent(lines[j]) <= depth)
            .unwrap_or(lines.len());
        Some(Entry {
            section,
            name: name.clone(),
            first,
            end,
        })
    })
}

/// The text with `entry`'s lines blank; a section left without entries becomes `{}`, since
/// an empty key would read as null.
fn without_entry(lines: &[&str], entry: &Entry) -> String {
    let mut kept: Vec<String> = lines.iter().map(|line| (*line).to_owned()).collect();
    for line in &mut kept[entry.first..entry.end] {
        line.clear();
    }
    // The section's own line: the nearest line above with a smaller indent.
    let depth = indent(lines[entry.first]);
    if let Some(header) = (0..entry.first)
        .rev()
        .find(|&i| holds_yaml(lines[i]) && indent(lines[i]) < depth)
    {
        let section_end = (header + 1..kept.len())
            .find(|&j| holds_yaml(&kept[j]) && indent(&kept[j]) <= indent(&kept[header]))
            .unwrap_or(kept.len());
        let empty = !(header + 1..section_end).any(|j| holds_yaml(&kept[j]));
        if empty && kept[header].trim_end().ends_with(':') {
            kept[header] = format!("{} {{}}", kept[header].trim_end());
        }
    }
    let mut text = kept.join("\n");
    text.push('\n');
    text
}

/// A file's first problem, with the line it is on when the parser knows it.
type ParseFailure = Box<(Diagnostic, Option<u64>)>;

/// A parse of one file: the spec, or its first problem.
fn parse_one(source: &Source) -> Result<(String, SpecFile), ParseFailure> {
    if source.text.len() > MAX_FILE_BYTES {
        let place = Place::whole_file(&source.name, "");
        let message = format!(
            "the file is {} bytes, over the limit of {MAX_FILE_BYTES} bytes for one spec file",
            source.text.len()
        );
        let diagnostic =
            Diagnostic::new(place, message).with_hint("split the spec into several files");
        return Err(Box::new((diagnostic, None)));
    }
    match serde_saphyr::from_str_with_options::<Option<SpecFile>>(&source.text, options()) {
        Ok(spec) => Ok((source.name.clone(), spec.unwrap_or_default())),
        Err(error) => {
            // Only what serde says of a value is the entry's own: the scanner reports broken
            // YAML where it noticed it (an unclosed bracket at the end of the file), and a
            // budget (nodes, aliases, depth) is the file's, so leaving entries out one by one
            // would blame the wrong ones, or parse a hostile file again and again.
            let line = error
                .location()
                .map(|l| l.line())
                .filter(|&l| l > 0 && is_entry_error(&error));
            Err(Box::new((parse_diagnostic(&source.name, &error), line)))
        }
    }
}

/// Whether the parse failed on a value that the entry holding it says (an unknown key, a
/// value of the wrong type, a key given twice), not on the YAML itself or a limit.
fn is_entry_error(error: &serde_saphyr::Error) -> bool {
    use serde_saphyr::Error as E;
    matches!(
        error.without_snippet(),
        E::SerdeInvalidType { .. }
            | E::SerdeInvalidValue { .. }
            | E::SerdeInvalidLength { .. }
            | E::SerdeUnknownVariant { .. }
            | E::SerdeUnknownField { .. }
            | E::SerdeMissingField { .. }
            | E::DuplicateMappingKey { .. }
            | E::InvalidBooleanStrict { .. }
            | E::InvalidScalar { .. }
            | E::NullIntoString { .. }
            | E::Message { .. }
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> (Option<(String, SpecFile)>, Vec<Diagnostic>) {
        parse_recovering(&Source {
            name: "spec/file.yaml".into(),
            text: text.into(),
        })
    }

    #[test]
    fn a_broken_entry_is_left_out_and_the_rest_kept() {
        let text = "types:\n  A:\n    fields:\n      x: { type: string, requird: true }\n  B:\n    fields: {}\nrefine:\n  types:\n    C:\n      docs: 1\n      colour: red\n";
        let (file, diagnostics) = parsed(text);
        let (_, spec) = file.expect("the rest of the file");
        let kept: Vec<&str> = spec.types.iter().map(|(n, _)| n.value.as_str()).collect();
        assert_eq!(kept, ["B"]);
        let broken: Vec<&str> = spec.broken.iter().map(String::as_str).collect();
        assert_eq!(broken, ["A", "C"]);
        let places: Vec<(u64, &str)> = diagnostics
            .iter()
            .map(|d| (d.place.line, d.place.path.as_str()))
            .collect();
        assert_eq!(places, [(4, "types.A"), (11, "refine.types.C")]);
    }

    #[test]
    fn a_section_left_without_entries_reads_as_empty() {
        let (file, diagnostics) = parsed("operations:\n  op:\n    retries: 3\ntypes: {}\n");
        let (_, spec) = file.expect("the rest of the file");
        assert_eq!(spec.operations.iter().count(), 0);
        assert_eq!(diagnostics.len(), 1);
    }

    #[test]
    fn a_problem_outside_the_entries_leaves_the_file_out() {
        let (file, diagnostics) = parsed("api:\n  title: T\n  versoin: 1\ntypes: {}\n");
        assert!(file.is_none());
        assert_eq!(diagnostics.len(), 1);
    }
}
