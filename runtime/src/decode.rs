//! Decoding a JSON document into a type with an error that says where it failed (a JSON
//! path) and what failed, never what the document held there.

use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::json::{describe_json_error, one_line, value_at};

/// Documents up to this size are parsed a second time after a failure, to name the kind of
/// value found at the path; a larger one is described without it.
const DESCRIBED_LIMIT: usize = 1024 * 1024;

/// Longest path shown: map keys on a path are the document's text.
const PATH_LIMIT: usize = 200;

/// Why a JSON document did not decode: the JSON path of the failure (`.` for the document
/// itself, or for a syntax error, which the message locates by line and column) and a
/// description from [`describe_json_error`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathDecodeError {
    path: String,
    message: String,
}

impl PathDecodeError {
    /// Where the document failed to decode: `webhook_code`, `transactions[3].amount`, `.`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What failed, in words that never quote the document.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for PathDecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at `{}`: {}", self.path, self.message)
    }
}

impl std::error::Error for PathDecodeError {}

/// Decodes `bytes` (one JSON document, nothing after it but whitespace) into `T`.
///
/// ```
/// use specgen_runtime::decode::from_slice_at_path;
///
/// #[derive(Debug, serde::Deserialize)]
/// #[allow(dead_code)]
/// struct Webhook { amount: f64 }
///
/// let error = from_slice_at_path::<Webhook>(br#"{"amount": "123-45-6789"}"#).unwrap_err();
/// assert_eq!(error.path(), "amount");
/// assert_eq!(error.message(), "wrong type: expected f64, found a string");
/// assert!(!error.to_string().contains("123-45"));
/// ```
pub fn from_slice_at_path<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, PathDecodeError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let decoded = serde_path_to_error::deserialize::<_, T>(&mut deserializer)
        .map_err(|e| (Some(e.path().clone()), e.into_inner()))
        .and_then(|value| deserializer.end().map(|()| value).map_err(|e| (None, e)));
    decoded.map_err(|(path, error)| {
        // A syntax error's path ends in whatever keys were read before it; the line and
        // column of the message say where instead.
        let path = path.filter(|_| error.classify() == serde_json::error::Category::Data);
        let document = match path {
            Some(_) if bytes.len() <= DESCRIBED_LIMIT => {
                serde_json::from_slice::<Value>(bytes).ok()
            }
            _ => None,
        };
        let found = document
            .as_ref()
            .zip(path.as_ref())
            .and_then(|(root, path)| value_at(root, path));
        PathDecodeError {
            path: path.map_or_else(|| ".".to_owned(), |p| one_line(&p.to_string(), PATH_LIMIT)),
            message: describe_json_error(&error, found),
        }
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        items: Vec<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        count: u32,
    }

    #[test]
    fn names_the_path_and_the_kind_never_the_value() {
        let error =
            from_slice_at_path::<Outer>(br#"{"items": [{"count": 1}, {"count": "secret-ssn"}]}"#)
                .unwrap_err();
        assert_eq!(error.path(), "items[1].count");
        assert_eq!(error.message(), "wrong type: expected u32, found a string");
        assert!(!error.to_string().contains("secret-ssn"));
    }

    #[test]
    fn syntax_errors_and_trailing_text_have_no_path() {
        let error = from_slice_at_path::<Outer>(br#"{"items": [}"#).unwrap_err();
        assert_eq!(error.path(), ".");
        assert!(error.message().starts_with("not valid JSON"), "{error}");
        let error = from_slice_at_path::<Outer>(br#"{"items": []} trailing"#).unwrap_err();
        assert_eq!(error.path(), ".");
    }

    #[test]
    fn missing_fields_are_named() {
        let error = from_slice_at_path::<Outer>(br#"{"items": [{}]}"#).unwrap_err();
        assert_eq!(error.path(), "items[0]");
        assert_eq!(error.message(), "missing field `count`");
    }
}
