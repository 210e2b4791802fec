//! Problems found in a spec, located and rendered for a person at a terminal.

use std::fmt;

use serde_saphyr::Location;

/// Where a problem is: a file, a line and column when the parser knows them, and the YAML
/// path of the node (`types.User.fields.email`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub line: u64,
    pub column: u64,
    pub path: String,
}

impl Place {
    /// A file as a whole (no line), at a spec path (`api`) or none.
    pub fn whole_file(file: &str, path: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            line: 0,
            column: 0,
            path: path.into(),
        }
    }

    pub fn new(file: &str, location: Location, path: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            line: location.line(),
            column: location.column(),
            path: path.into(),
        }
    }
}

/// A position in a spec file while walking it: the file, the YAML path from the root
/// (`types.User.fields.email`) and the nearest location the parser gave. Paths are built by
/// descending, never spelled out by hand, so every diagnostic names its node the same way.
#[derive(Clone, Debug)]
pub struct Cursor<'f> {
    file: &'f str,
    path: String,
    location: Location,
}

impl<'f> Cursor<'f> {
    /// The file's root: no path, no location yet.
    pub fn root(file: &'f str) -> Self {
        Self {
            file,
            path: String::new(),
            location: Location::UNKNOWN,
        }
    }

    /// The value under a mapping key.
    pub fn key(&self, key: &str) -> Self {
        let path = if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        };
        Self {
            path,
            ..self.clone()
        }
    }

    /// The item of a sequence.
    pub fn index(&self, index: usize) -> Self {
        Self {
            path: format!("{}[{index}]", self.path),
            ..self.clone()
        }
    }

    /// The same node, at the location the parser gave for it.
    pub fn at(&self, location: Location) -> Self {
        Self {
            location,
            ..self.clone()
        }
    }

    pub fn file(&self) -> &'f str {
        self.file
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn place(&self) -> Place {
        Place::new(self.file, self.location, self.path.clone())
    }

    pub fn error(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.place(), message)
    }
}

/// One problem in the spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub place: Place,
    pub message: String,
    pub hint: Option<String>,
    /// The offending source line, filled in by [`Diagnostics::finish`].
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub fn new(place: Place, message: impl Into<String>) -> Self {
        Self {
            place,
            message: message.into(),
            hint: None,
            source_line: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Place {
            file,
            line,
            column,
            path,
        } = &self.place;
        write!(f, "error: {}\n  --> {file}", self.message)?;
        if *line > 0 {
            write!(f, ":{line}:{column}")?;
        }
        if !path.is_empty() {
            write!(f, " (at {path})")?;
        }
        if let Some(source) = &self.source_line {
            let gutter = line.to_string();
            let pad = " ".repeat(gutter.len());
            // The quoted line may be clipped; the caret stays within what is shown.
            let shown = source.chars().count();
            let caret = " ".repeat((column.saturating_sub(1) as usize).min(shown));
            write!(f, "\n {pad} |\n {gutter} | {source}\n {pad} | {caret}^")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  = hint: {hint}")?;
        }
        Ok(())
    }
}

/// Every problem found in one run, in a stable order (file, line, column, message).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Sorts, removes exact repeats, and copies the offending line of each file into its
    /// diagnostic so that rendering needs no file access.
    pub fn finish(&mut self, sources: &[crate::source::Source]) {
        self.0.sort_by(|a, b| {
            (&a.place.file, a.place.line, a.place.column, &a.message).cmp(&(
                &b.place.file,
                b.place.line,
                b.place.column,
                &b.message,
            ))
        });
        self.0.dedup();
        // Each file's line starts are found once, not once per diagnostic.
        let mut lines: Vec<(&str, Vec<&str>)> = Vec::new();
        for diagnostic in &mut self.0 {
            let place = &diagnostic.place;
            if place.line == 0 {
                continue;
            }
            if !lines.iter().any(|(name, _)| *name == place.file) {
                let Some(source) = sources.iter().find(|s| s.name == place.file) else {
                    continue;
                };
                lines.push((&source.name, source.text.lines().collect()));
            }
            diagnostic.source_line = lines
                .iter()
                .find(|(name, _)| *name == place.file)
                .and_then(|(_, lines)| lines.get(place.line as usize - 1))
                .map(|line| clip(line.trim_end().to_owned(), 200));
        }
    }
}

/// Keeps a message or a quoted line readable when the spec holds a huge value.
fn clip(mut text: String, max_chars: usize) -> String {
    if let Some((cut, _)) = text.char_indices().nth(max_chars) {
        text.truncate(cut);
        text.push('…');
    }
    text
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.0 {
            writeln!(f, "{diagnostic}\n")?;
        }
        let n = self.0.len();
        write!(
            f,
            "{n} problem{} found in the spec",
            if n == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for Diagnostics {}
