//! Support code shared by every generated type, kept in one place so that the per-type code
//! stays small.

// One runtime serves every spec, and a spec without enums, sensitive fields or fields both
// required and nullable leaves part of it unused.
#![allow(dead_code, unused_imports, unused_macros)]

use ::std::fmt;

/// A field that the API documents as both optional and nullable, where absent and `null`
/// mean different things (for example "leave unchanged" and "clear").
///
/// `Absent` is left out of the JSON, `Null` is written as `null`. A field of this type carries
/// `#[serde(default, skip_serializing_if = "Nullable::is_absent")]`, so decoding a missing key
/// gives `Absent` and decoding `null` gives `Null`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    /// The key is not in the JSON object.
    #[default]
    Absent,
    /// The key is present with the value `null`.
    Null,
    /// The key is present with a value.
    Value(T),
}

impl<T> Nullable<T> {
    pub const fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    pub const fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The value, if there is one (`None` for both `Absent` and `Null`).
    pub const fn value(&self) -> ::std::option::Option<&T> {
        match self {
            Self::Value(value) => ::std::option::Option::Some(value),
            Self::Absent | Self::Null => ::std::option::Option::None,
        }
    }

    pub fn into_value(self) -> ::std::option::Option<T> {
        match self {
            Self::Value(value) => ::std::option::Option::Some(value),
            Self::Absent | Self::Null => ::std::option::Option::None,
        }
    }
}

impl<T> ::std::convert::From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

impl<T: ::serde::Serialize> ::serde::Serialize for Nullable<T> {
    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
        match self {
            Self::Value(value) => serializer.serialize_some(value),
            Self::Absent | Self::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: ::serde::Deserialize<'de>> ::serde::Deserialize<'de> for Nullable<T> {
    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
        let value = <::std::option::Option<T> as ::serde::Deserialize>::deserialize(deserializer)?;
        ::std::result::Result::Ok(value.map_or(Self::Null, Self::Value))
    }
}

/// Deserializes a field the spec marks required and nullable: `null` is `None`, and a missing
/// key is an error (used through `deserialize_with`, which makes serde require the key).
pub(crate) fn deserialize_present<'de, D, T>(deserializer: D) -> ::std::result::Result<::std::option::Option<T>, D::Error>
where
    D: ::serde::Deserializer<'de>,
    T: ::serde::Deserialize<'de>,
{
    <::std::option::Option<T> as ::serde::Deserialize>::deserialize(deserializer)
}

/// An API operation, implemented by its request type: where to send it and what comes back.
pub trait Operation: ::serde::Serialize {
    /// The body of a successful response.
    type Response: ::serde::de::DeserializeOwned;
    /// The spec's operation id, such as `user_create`.
    const ID: &'static str;
    /// The HTTP method, such as `POST`.
    const METHOD: &'static str;
    /// The path below the environment's base URL, such as `/user/create`.
    const PATH: &'static str;
    /// Whether sending the request twice has the same effect as sending it once (the spec's
    /// `idempotent`); the client retries only such operations after a 5xx or a timeout.
    const IDEMPOTENT: bool;

    /// The request id a response carries, for logs and errors.
    fn request_id(response: &Self::Response) -> ::std::option::Option<&str> {
        let _ = response;
        ::std::option::Option::None
    }
}

/// The body of every non-2xx response (the spec's `api.error`).
pub trait ErrorBody: ::serde::de::DeserializeOwned + fmt::Display + fmt::Debug {
    /// The request id the error carries, if any.
    fn request_id(&self) -> ::std::option::Option<&str>;

    /// The error's type (the spec's `error_fields.type`), if it names a string or enum field.
    fn error_type(&self) -> ::std::option::Option<&str> {
        ::std::option::Option::None
    }

    /// The error's code (the spec's `error_fields.code`), if it names a string or enum field.
    fn error_code(&self) -> ::std::option::Option<&str> {
        ::std::option::Option::None
    }
}

/// What `Debug` prints in place of a sensitive value.
pub const REDACTED: &str = "<redacted>";

/// Debug-formats a sensitive field: its shape (`None`, `Some(..)`, the number of items) stays
/// visible, its content never does.
pub(crate) struct Redacted<'a, T: ?Sized>(pub(crate) &'a T);

pub(crate) trait RedactedDebug {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

impl<T: RedactedDebug + ?Sized> fmt::Debug for Redacted<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt_redacted(f)
    }
}

macro_rules! redact_scalars {
    ($($scalar:ty),*) => {$(
        impl RedactedDebug for $scalar {
            fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(REDACTED)
            }
        }
    )*};
}

redact_scalars!(::std::string::String, i64, f64, bool);

impl<T: RedactedDebug> RedactedDebug for ::std::option::Option<T> {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ::std::option::Option::Some(value) => f.debug_tuple("Some").field(&Redacted(value)).finish(),
            ::std::option::Option::None => f.write_str("None"),
        }
    }
}

impl<T: RedactedDebug> RedactedDebug for Nullable<T> {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Value(value) => f.debug_tuple("Value").field(&Redacted(value)).finish(),
            Self::Null => f.write_str("Null"),
            Self::Absent => f.write_str("Absent"),
        }
    }
}

impl<T: RedactedDebug> RedactedDebug for ::std::vec::Vec<T> {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter().map(Redacted)).finish()
    }
}

/// Deserializes an open enum from its wire string without an intermediate allocation; values
/// unknown to this crate go to the enum's `Unknown` variant through `From<&str>`.
pub(crate) fn deserialize_open_enum<'de, D, T>(deserializer: D) -> ::std::result::Result<T, D::Error>
where
    D: ::serde::Deserializer<'de>,
    T: for<'a> ::std::convert::From<&'a str>,
{
    struct OpenEnumVisitor<T>(::std::marker::PhantomData<T>);

    impl<T: for<'a> ::std::convert::From<&'a str>> ::serde::de::Visitor<'_> for OpenEnumVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: ::serde::de::Error>(self, value: &str) -> ::std::result::Result<T, E> {
            ::std::result::Result::Ok(T::from(value))
        }
    }

    deserializer.deserialize_str(OpenEnumVisitor(::std::marker::PhantomData))
}

/// Everything an open enum has besides its definition and its table of known values, written
/// once rather than per type: `as_str`, `is_unknown`, `From<&str>`, `Display`, serde through
/// the wire string, and `Validate` (a request may not carry a value this crate does not know,
/// because the server rejects it).
macro_rules! open_enum {
    ($name:ident) => {
        impl $name {
            /// The value as written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    Self::Unknown(value) => value,
                    // Every known variant is in `KNOWN`, so the fallback is never taken.
                    known => Self::KNOWN.iter().find(|(value, _)| value == known).map_or("", |(_, wire)| wire),
                }
            }

            /// Whether the value was unknown when this crate was generated.
            pub const fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match Self::KNOWN.iter().find(|(_, wire)| *wire == value) {
                    ::std::option::Option::Some((known, _)) => known.clone(),
                    ::std::option::Option::None => Self::Unknown(value.to_owned()),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                crate::runtime::deserialize_open_enum(deserializer)
            }
        }

        impl crate::validate::Validate for $name {
            fn validate_at(&self, at: crate::validate::Path<'_>, out: &mut ::std::vec::Vec<crate::validate::Violation>) {
                crate::validate::known_enum_value(out, at, self.is_unknown(), Self::KNOWN);
            }
        }
    };
}

pub(crate) use open_enum;

/// What went wrong decoding JSON, in words that never quote the JSON: serde's own messages
/// quote the offending value (`invalid type: string "<a secret>", expected a sequence`), and a
/// server that echoes a secret or an SSN into the wrong field must not put it into an error
/// message or a log line. `found` is the value at the failing path, when the caller has it.
///
/// Only serde's wording for types (`expected a sequence`, `expected struct Address`) is kept:
/// it comes from this crate's types, never from the input.
pub fn describe_json_error(error: &::serde_json::Error, found: ::std::option::Option<&::serde_json::Value>) -> ::std::string::String {
    use ::serde_json::error::Category;
    match error.classify() {
        Category::Syntax => ::std::format!("not valid JSON (line {}, column {})", error.line(), error.column()),
        Category::Eof => "the JSON ends early".to_owned(),
        Category::Io => "the body could not be read".to_owned(),
        Category::Data => {
            let message = error.to_string();
            // serde_json appends " at line L column C" when it read text (not a `Value`); the
            // location is of no use once the path is known.
            let location = ::std::format!(" at line {} column {}", error.line(), error.column());
            let message = message.strip_suffix(location.as_str()).unwrap_or(&message);
            // The expectation comes last, after the value; when serde wrote none ("there are
            // no fields"), a ", expected " can only be part of the quoted value.
            let expected = if message.ends_with(", there are no fields") || message.ends_with(", there are no variants") {
                ::std::option::Option::None
            } else {
                message.rsplit_once(", expected ").map(|(_, expected)| expected)
            };
            let found = found.map(json_kind);
            if let ::std::option::Option::Some(field) = message.strip_prefix("missing field `").and_then(|rest| rest.strip_suffix('`')) {
                return ::std::format!("missing field `{}`", clean_name(field));
            }
            if let ::std::option::Option::Some(field) = message.strip_prefix("duplicate field `").and_then(|rest| rest.strip_suffix('`')) {
                return ::std::format!("duplicate field `{}`", clean_name(field));
            }
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
            match (expected, found) {
                (::std::option::Option::Some(expected), ::std::option::Option::Some(found)) => {
                    ::std::format!("{kind}: expected {}, found {found}", clean_name(expected))
                }
                (::std::option::Option::Some(expected), ::std::option::Option::None) => ::std::format!("{kind}: expected {}", clean_name(expected)),
                (::std::option::Option::None, ::std::option::Option::Some(found)) => ::std::format!("{kind}: found {found}"),
                (::std::option::Option::None, ::std::option::Option::None) => kind.to_owned(),
            }
        }
    }
}

/// "a string", "an object", ...: the kind of a JSON value, never the value.
pub fn json_kind(value: &::serde_json::Value) -> &'static str {
    match value {
        ::serde_json::Value::Null => "null",
        ::serde_json::Value::Bool(_) => "a boolean",
        ::serde_json::Value::Number(_) => "a number",
        ::serde_json::Value::String(_) => "a string",
        ::serde_json::Value::Array(_) => "an array",
        ::serde_json::Value::Object(_) => "an object",
    }
}

/// A type or field name from serde's message, kept only while it looks like one: the names
/// come from this crate's types, so anything else is not shown.
fn clean_name(name: &str) -> &str {
    let plausible = name.len() <= 120
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '-' | '`' | ',' | '.' | ':' | '<' | '>'));
    if plausible { name } else { "a value of another shape" }
}

/// The value at a serde_path_to_error path inside `root`, for [`describe_json_error`].
#[cfg(any(feature = "client", feature = "server"))]
pub(crate) fn value_at<'a>(root: &'a ::serde_json::Value, path: &::serde_path_to_error::Path) -> ::std::option::Option<&'a ::serde_json::Value> {
    use ::serde_path_to_error::Segment;
    path.iter().try_fold(root, |value, segment| match segment {
        Segment::Seq { index } => value.get(*index),
        Segment::Map { key } => value.get(key.as_str()),
        Segment::Enum { .. } | Segment::Unknown => ::std::option::Option::Some(value),
    })
}

/// Text from a peer made safe for one log line or error message: control characters
/// (newlines that would forge a log line, terminal escapes) are written as escapes, and the
/// text is cut at `limit` characters.
pub fn one_line(text: &str, limit: usize) -> ::std::string::String {
    let mut out = ::std::string::String::with_capacity(text.len().min(limit));
    for (count, c) in text.chars().enumerate() {
        if count == limit {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}
