//! The YAML writer of spec files: any [`SpecFile`] as its serde form, in the style of the
//! hand-written spec.
//!
//! Hand-written rather than a serializer so that the output reads like the hand-written spec:
//! keys in the order of the spec's types (`spec.rs`), plain scalars wherever YAML reads them
//! back as the same string, JSON double-quoted strings elsewhere (JSON strings are valid
//! YAML), prose as `|` block scalars, examples and requirements as one-line JSON flow, blank
//! lines between definitions, and comments.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;

use crate::spec::SpecFile;

/// Comments written above a key, by the key's path from the file's root
/// (`operations/item_get/idempotent`).
pub type Comments = BTreeMap<String, String>;

/// The top-level keys whose entries are definitions, written apart by blank lines.
const DEFINITIONS: [&str; 2] = ["operations", "types"];

/// The keys whose lists are written as JSON flow, one item or the whole list on a line.
const FLOW_ITEMS: &str = "examples";

/// `file` as YAML: `header` as comment lines, then each top-level key after a blank line.
/// It reads back (`load`) as a spec file that serializes as `file` does.
pub fn document(header: &str, file: &SpecFile, comments: &Comments) -> Result<String, String> {
    let value = serde_json::to_value(file).map_err(|e| format!("a spec file is not JSON: {e}"))?;
    let mut w = Writer::default();
    w.comment(0, header);
    for (key, value) in value.as_object().into_iter().flatten() {
        w.blank();
        entry(&mut w, 0, key, key, value, comments);
    }
    Ok(w.finish())
}

fn entry(w: &mut Writer, level: usize, path: &str, key: &str, value: &Value, comments: &Comments) {
    if let Some(comment) = comments.get(path) {
        w.comment(level, comment);
    }
    match value {
        Value::Object(map) if map.is_empty() => w.raw(level, key, "{}"),
        Value::Object(map) => {
            w.open(level, key);
            let apart = level == 0 && DEFINITIONS.contains(&key);
            for (i, (child, value)) in map.iter().enumerate() {
                if apart && i > 0 {
                    w.blank();
                }
                entry(
                    w,
                    level + 1,
                    &format!("{path}/{child}"),
                    child,
                    value,
                    comments,
                );
            }
        }
        Value::Array(items) if items.is_empty() => w.raw(level, key, "[]"),
        Value::Array(items) if key == FLOW_ITEMS => {
            w.open(level, key);
            for item in items {
                w.item_raw(level + 1, &json_flow(item));
            }
        }
        // A requirement: alternatives of scheme names.
        Value::Array(items) if items.iter().all(Value::is_array) => {
            w.raw(level, key, &json_flow(value))
        }
        Value::Array(items) => {
            w.open(level, key);
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::String(s) => w.item_raw(level + 1, &scalar(s)),
                    // A block mapping (an operation's `answers`): its first key after the `- `.
                    Value::Object(map) if !map.is_empty() => {
                        let mut inner = Writer::default();
                        for (child, value) in map {
                            let at = format!("{path}/{i}/{child}");
                            entry(&mut inner, level + 2, &at, child, value, comments);
                        }
                        w.item_block(level + 1, &inner.finish());
                    }
                    item => w.item_raw(level + 1, &json_flow(item)),
                }
            }
        }
        Value::String(s) => match s.strip_suffix('\n') {
            // A block scalar reads back with its final newline.
            Some(text) if block_header(text).is_some() => w.text(level, key, text),
            _ => w.string(level, key, s),
        },
        Value::Number(n) => w.raw(level, key, &block_number(n)),
        Value::Bool(b) => w.raw(level, key, if *b { "true" } else { "false" }),
        Value::Null => w.raw(level, key, "null"),
    }
}

/// A number of a block entry: integers without a fraction (`minimum: 0`), as the spec writes.
fn block_number(n: &serde_json::Number) -> String {
    match n.as_f64() {
        Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
        Some(f) if n.is_f64() => f.to_string(),
        _ => n.to_string(),
    }
}

/// Words that YAML 1.1 or 1.2 reads as something other than a string when plain. Compared in
/// lower case; the spellings that differ only in case (`True`, `NULL`) are covered too.
const RESERVED_WORDS: &[&str] = &[
    "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", "<<", "=",
];

/// Whether `s` can be written as a plain scalar in block context and read back as the same
/// string by any YAML 1.1 or 1.2 parser. Conservative: anything that starts like a number,
/// a date or an indicator is quoted.
pub fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.starts_with(' ') || s.ends_with(' ') {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) || first.is_ascii_digit() || "+.".contains(first) {
        return false;
    }
    if RESERVED_WORDS.contains(&s.to_ascii_lowercase().as_str()) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    !s.chars().any(needs_escape)
}

/// Characters a plain or block scalar cannot hold as they are: controls (tabs included, to
/// keep plain scalars simple), and the characters YAML 1.1 treats as line breaks or a BOM.
fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
}

/// `s` as a double-quoted scalar: JSON's escapes, which YAML shares, plus the YAML 1.1 line
/// breaks, so the text is both valid JSON and valid YAML.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || needs_escape(c) => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `s` as a scalar: plain when safe, quoted otherwise.
pub fn scalar(s: &str) -> String {
    if is_plain_safe(s) {
        s.to_owned()
    } else {
        quoted(s)
    }
}

/// A JSON value on one line, with `, ` and `: ` separators (valid YAML flow as well as JSON).
pub fn json_flow(value: &serde_json::Value) -> String {
    let mut out = String::new();
    write_json(&mut out, value);
    out
}

fn write_json(out: &mut String, value: &serde_json::Value) {
    use serde_json::Value as J;
    match value {
        J::Null => out.push_str("null"),
        J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        J::Number(n) => out.push_str(&number_text(n)),
        J::String(s) => out.push_str(&quoted(s)),
        J::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_json(out, item);
            }
            out.push(']');
        }
        J::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&quoted(key));
                out.push_str(": ");
                write_json(out, item);
            }
            out.push('}');
        }
    }
}

/// A JSON number as YAML reads it back as the same number: YAML 1.1 resolvers want a dot in
/// a float, so exponent forms (`1e-7`) are written out in full.
fn number_text(n: &serde_json::Number) -> String {
    let text = n.to_string();
    if n.is_f64() && (text.contains('e') || text.contains('E')) {
        let f = n.as_f64().unwrap_or_default();
        let long = format!("{f:.40}");
        let trimmed = long.trim_end_matches('0');
        let decimal = if trimmed.ends_with('.') {
            format!("{trimmed}0")
        } else {
            trimmed.to_owned()
        };
        if decimal.parse::<f64>() == Ok(f) {
            return decimal;
        }
    }
    text
}

/// Builds a YAML document line by line. Indentation is two spaces per level.
#[derive(Default)]
pub struct Writer {
    out: String,
}

impl Writer {
    pub fn finish(self) -> String {
        self.out
    }

    fn indent(&mut self, level: usize) {
        for _ in 0..level {
            self.out.push_str("  ");
        }
    }

    pub fn blank(&mut self) {
        self.out.push('\n');
    }

    /// `# text`, one comment line per line of `text`.
    pub fn comment(&mut self, level: usize, text: &str) {
        for line in text.lines() {
            self.indent(level);
            self.out.push('#');
            if !line.is_empty() {
                self.out.push(' ');
                self.out.push_str(line);
            }
            self.out.push('\n');
        }
    }

    /// `key:` opening a nested block.
    pub fn open(&mut self, level: usize, key: &str) {
        self.indent(level);
        self.out.push_str(&scalar(key));
        self.out.push_str(":\n");
    }

    /// `key: value` with the value written as given (a number, `true`, `{}`, JSON flow).
    pub fn raw(&mut self, level: usize, key: &str, value: &str) {
        self.indent(level);
        self.out.push_str(&scalar(key));
        self.out.push_str(": ");
        self.out.push_str(value);
        self.out.push('\n');
    }

    /// `key: value` with a string value, quoted when needed.
    pub fn string(&mut self, level: usize, key: &str, value: &str) {
        self.raw(level, key, &scalar(value));
    }

    /// `- value` with the value written as given.
    pub fn item_raw(&mut self, level: usize, value: &str) {
        self.indent(level);
        self.out.push_str("- ");
        self.out.push_str(value);
        self.out.push('\n');
    }

    /// `- ` opening a block mapping of an item at `level`: `block`, its entries written at
    /// `level + 1`, with `- ` in place of the first line's last indentation.
    pub fn item_block(&mut self, level: usize, block: &str) {
        let first = 2 * (level + 1);
        self.indent(level);
        self.out.push_str("- ");
        self.out.push_str(block.get(first..).unwrap_or(block));
    }

    /// Prose: one line as a scalar; several as a `|` block scalar, which reads back with one
    /// final newline (what [`text_value`] says it reads back as).
    pub fn text(&mut self, level: usize, key: &str, text: &str) {
        match block_header(text) {
            None => self.string(level, key, text),
            Some(header) => {
                self.indent(level);
                self.out.push_str(&scalar(key));
                self.out.push_str(": ");
                self.out.push_str(&header);
                self.out.push('\n');
                for line in text.split('\n') {
                    if !line.is_empty() {
                        self.indent(level + 1);
                        self.out.push_str(line);
                    }
                    self.out.push('\n');
                }
            }
        }
    }
}

/// The block scalar header for `text`, or None when it goes on one line (a single line, or a
/// text a block scalar cannot hold exactly).
fn block_header(text: &str) -> Option<String> {
    if !text.contains('\n') || text.chars().any(|c| needs_escape(c) && c != '\n') {
        return None;
    }
    // A block scalar keeps trailing spaces and ends with exactly one newline under `|`; texts
    // that differ in those respects are quoted instead.
    if text.ends_with('\n') || text.ends_with(' ') || text.starts_with('\n') {
        return None;
    }
    if text
        .split('\n')
        .any(|l| l.ends_with(' ') || (l.trim().is_empty() && !l.is_empty()))
    {
        return None;
    }
    // Leading spaces on the first line would be taken for indentation.
    if text.starts_with(' ') {
        Some("|2".to_owned())
    } else {
        Some("|".to_owned())
    }
}

/// The string a [`Writer::text`] entry reads back as.
pub fn text_value(text: &str) -> String {
    match block_header(text) {
        Some(_) => format!("{text}\n"),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_needs_it() {
        for plain in [
            "AccountBase",
            "same-day-ach",
            "in store",
            "a, b",
            "it's",
            "/user/get",
        ] {
            assert_eq!(scalar(plain), plain);
        }
        for tricky in [
            "",
            "401k",
            "1.0",
            "true",
            "No",
            "null",
            "~",
            "- x",
            "a: b",
            "a #b",
            "key:",
            " x",
            "x ",
            "#x",
            "*x",
            "!x",
            "{x}",
            "@x",
            "`x`",
            "'x'",
            "\"x\"",
            ".inf",
            "+1",
            "a\tb",
            "2020-09-14",
            "line\nbreak",
            "\u{2028}",
        ] {
            let written = scalar(tricky);
            assert!(
                written.starts_with('"'),
                "{tricky:?} must be quoted, got {written}"
            );
            let back: String = serde_saphyr::from_str(&written).unwrap();
            assert_eq!(back, tricky);
        }
    }

    #[test]
    fn json_flow_reads_back_as_yaml() {
        let value = serde_json::json!({"a": [1, -2.5, 1e-7, "x\"y", null, true], "b c": {}});
        let text = json_flow(&value);
        let back: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn block_text_reads_back() {
        let mut w = Writer::default();
        let text = "First line.\n\n  indented code\n- a list: item";
        w.text(1, "docs", text);
        w.text(1, "first", "  leading\nsecond");
        let yaml = format!("x:\n{}", w.finish());
        let back: serde_json::Value = serde_saphyr::from_str(&yaml).unwrap();
        assert_eq!(back["x"]["docs"], text_value(text));
        assert_eq!(back["x"]["first"], text_value("  leading\nsecond"));
    }
}
