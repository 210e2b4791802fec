//! JSON decode errors described without quoting the JSON, and text from a peer made safe for
//! one log line.

use serde_json::Value;
use serde_json::error::Category;

/// What went wrong decoding JSON, in words that never quote the JSON: serde's own messages
/// quote the offending value (`invalid type: string "<a secret>", expected a sequence`), and a
/// server that echoes a secret or an SSN into the wrong field must not put it into an error
/// message or a log line. `found` is the value at the failing path, when the caller has it
/// (see `value_at`, with the feature `path`): its kind is named, never its content.
///
/// Only serde's wording for types (`expected a sequence`, `expected struct Address`) is kept:
/// it comes from the types being decoded, never from the input.
///
/// ```
/// use specgen_runtime::describe_json_error;
///
/// let error = serde_json::from_str::<Vec<u8>>(r#""123-45-6789""#).unwrap_err();
/// assert_eq!(describe_json_error(&error, None), "wrong type: expected a sequence");
/// ```
pub fn describe_json_error(error: &serde_json::Error, found: Option<&Value>) -> String {
    match error.classify() {
        Category::Syntax => format!(
            "not valid JSON (line {}, column {})",
            error.line(),
            error.column()
        ),
        Category::Eof => "the JSON ends early".to_owned(),
        Category::Io => "the body could not be read".to_owned(),
        Category::Data => describe_data_error(error, found),
    }
}

fn describe_data_error(error: &serde_json::Error, found: Option<&Value>) -> String {
    let message = error.to_string();
    // serde_json appends " at line L column C" when it read text (not a `Value`); the
    // location is of no use once the path is known.
    let location = format!(" at line {} column {}", error.line(), error.column());
    let message = message.strip_suffix(location.as_str()).unwrap_or(&message);
    if let Some(described) = message.strip_prefix(crate::one_of::DESCRIBED) {
        return described.to_owned();
    }
    let field = |prefix: &str| {
        message
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix('`'))
    };
    if let Some(name) = field("missing field `") {
        return format!("missing field `{}`", clean_name(name));
    }
    if let Some(name) = field("duplicate field `") {
        return format!("duplicate field `{}`", clean_name(name));
    }
    // The expectation comes last, after the value; when serde wrote none ("there are no
    // fields"), a ", expected " can only be part of the quoted value.
    let expected = if message.ends_with(", there are no fields")
        || message.ends_with(", there are no variants")
    {
        None
    } else {
        message
            .rsplit_once(", expected ")
            .map(|(_, expected)| expected)
    };
    let kind = if message.starts_with("invalid type") {
        "wrong type"
    } else if message.starts_with("invalid length") {
        "wrong number of items"
    } else if message.starts_with("unknown variant") {
        "unknown value"
    } else if message.starts_with("unknown field") {
        "unknown field"
    } else {
        "invalid value"
    };
    match (expected, found.map(json_kind)) {
        (Some(expected), Some(found)) => {
            format!("{kind}: expected {}, found {found}", clean_name(expected))
        }
        (Some(expected), None) => format!("{kind}: expected {}", clean_name(expected)),
        (None, Some(found)) => format!("{kind}: found {found}"),
        (None, None) => kind.to_owned(),
    }
}

/// "a string", "an object", ...: the kind of a JSON value, never the value.
pub fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A type or field name from serde's message, kept only while it looks like one: the names
/// come from the types being decoded, so anything else is not shown.
fn clean_name(name: &str) -> &str {
    let plausible = name.len() <= 120
        && name.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, ' ' | '_' | '-' | '`' | ',' | '.' | ':' | '<' | '>')
        });
    if plausible {
        name
    } else {
        "a value of another shape"
    }
}

/// The value at a `serde_path_to_error` path inside `root`, for [`describe_json_error`].
#[cfg(feature = "path")]
pub fn value_at<'a>(root: &'a Value, path: &serde_path_to_error::Path) -> Option<&'a Value> {
    use serde_path_to_error::Segment;
    path.iter().try_fold(root, |value, segment| match segment {
        Segment::Seq { index } => value.get(*index),
        Segment::Map { key } => value.get(key.as_str()),
        Segment::Enum { .. } | Segment::Unknown => Some(value),
    })
}

/// Text from a peer made safe for one log line or error message: control characters
/// (newlines that would forge a log line, terminal escapes) are written as escapes, and the
/// text is cut at `limit` characters, with `…` to show the cut.
///
/// ```
/// use specgen_runtime::one_line;
///
/// assert_eq!(one_line("ok\nFORGED entry", 100), "ok\\nFORGED entry");
/// assert_eq!(one_line("abcdef", 3), "abc…");
/// ```
pub fn one_line(text: &str, limit: usize) -> String {
    let mut out = String::with_capacity(text.len().min(limit));
    for (count, c) in text.chars().enumerate() {
        if count == limit {
            out.push('…');
            break;
        }
        // Line and paragraph separators end a line for some log viewers; bidirectional
        // controls reorder what a terminal shows.
        let invisible = matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if c.is_control() || invisible {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    const SECRET: &str = "hunter2-ssn-123-45-6789";

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Address {
        city: String,
        lines: Vec<String>,
        kind: Kind,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    enum Kind {
        Home,
        Work,
    }

    fn describe<T: for<'de> Deserialize<'de> + std::fmt::Debug>(json: &str) -> String {
        let error = serde_json::from_str::<T>(json).unwrap_err();
        let document = serde_json::from_str::<Value>(json).ok();
        let description = describe_json_error(&error, document.as_ref());
        assert!(
            !description.contains(SECRET),
            "{description} quotes the value"
        );
        description
    }

    #[test]
    fn wrong_types_name_the_kinds_never_the_value() {
        let json = format!(r#""{SECRET}""#);
        assert_eq!(
            describe::<Vec<String>>(&json),
            "wrong type: expected a sequence, found a string"
        );
        let json = format!(r#"{{"city": ["{SECRET}"], "lines": [], "kind": "Home"}}"#);
        let error = serde_json::from_str::<Address>(&json).unwrap_err();
        assert_eq!(
            describe_json_error(&error, None),
            "wrong type: expected a string"
        );
    }

    #[test]
    fn unknown_values_and_fields() {
        let json = format!(r#"{{"city": "x", "lines": [], "kind": "{SECRET}"}}"#);
        assert_eq!(
            describe::<Address>(&json),
            "unknown value: expected `Home` or `Work`, found an object"
        );
        let json = format!(r#"{{"{SECRET}": 1}}"#);
        assert_eq!(
            describe::<Address>(&json),
            "unknown field: expected one of `city`, `lines`, `kind`, found an object"
        );
    }

    #[test]
    fn missing_and_duplicate_fields_are_named() {
        assert_eq!(
            describe::<Address>(r#"{"city": "x", "lines": []}"#),
            "missing field `kind`"
        );
        assert_eq!(
            describe::<Address>(r#"{"city": "x", "city": "y"}"#),
            "duplicate field `city`"
        );
    }

    #[test]
    fn lengths_and_values() {
        assert_eq!(
            describe::<(u8, u8)>("[1]"),
            "wrong number of items: expected a tuple of size 2, found an array"
        );
        assert_eq!(
            describe::<u8>("300"),
            "invalid value: expected u8, found a number"
        );
    }

    #[test]
    fn syntax_errors_give_the_place() {
        let error = serde_json::from_str::<Value>(&format!("{{\"a\": {SECRET}}}")).unwrap_err();
        assert_eq!(
            describe_json_error(&error, None),
            "not valid JSON (line 1, column 7)"
        );
        let error = serde_json::from_str::<Value>(r#"{"a": "#).unwrap_err();
        assert_eq!(describe_json_error(&error, None), "the JSON ends early");
    }

    #[test]
    fn names_that_do_not_look_like_names_are_not_shown() {
        assert_eq!(clean_name("struct Address"), "struct Address");
        assert_eq!(clean_name("\"quoted\" text"), "a value of another shape");
        assert_eq!(clean_name(&"a".repeat(121)), "a value of another shape");
    }

    #[test]
    fn kinds() {
        let kinds: Vec<_> = [
            Value::Null,
            Value::Bool(true),
            1.into(),
            "x".into(),
            Value::Array(vec![]),
            Value::Object(Default::default()),
        ]
        .iter()
        .map(json_kind)
        .collect();
        assert_eq!(
            kinds,
            [
                "null",
                "a boolean",
                "a number",
                "a string",
                "an array",
                "an object"
            ]
        );
    }

    #[test]
    fn one_line_escapes_and_cuts() {
        assert_eq!(one_line("plain", 10), "plain");
        assert_eq!(one_line("a\r\nb\u{1b}[31m", 100), "a\\r\\nb\\u{1b}[31m");
        assert_eq!(
            one_line("a\u{2028}b\u{202e}c", 100),
            "a\\u{2028}b\\u{202e}c"
        );
        assert_eq!(one_line("ééé", 2), "éé…");
        assert_eq!(one_line("abc", 3), "abc");
    }

    #[cfg(feature = "path")]
    #[test]
    fn value_at_follows_the_path() {
        let json = r#"{"items": [{"city": "x"}, {"city": 3}]}"#;
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Items {
            items: Vec<Item>,
        }
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Item {
            city: String,
        }
        let mut deserializer = serde_json::Deserializer::from_str(json);
        let error = serde_path_to_error::deserialize::<_, Items>(&mut deserializer).unwrap_err();
        assert_eq!(error.path().to_string(), "items[1].city");
        let document: Value = serde_json::from_str(json).unwrap();
        let found = value_at(&document, error.path());
        assert_eq!(found, Some(&Value::from(3)));
        assert_eq!(
            describe_json_error(error.inner(), found),
            "wrong type: expected a string, found a number"
        );
    }
}
