//! The runtime of the API crates that `codegen` generates from a spec.
//!
//! Everything here is generic: it knows nothing of a particular API, and every generated crate
//! uses the same compiled, tested definition instead of carrying a copy. A generated crate
//! re-exports the few items its users need ([`Nullable`], [`Operation`], [`Validate`],
//! [`ValidationErrors`], [`Violation`], ...); the rest is what its generated code builds on.
//!
//! - [`Nullable`]: a field that is optional *and* nullable, where an absent key and `null`
//!   mean different things (a field that is required and nullable is an `Option` whose key
//!   [`serde_struct!`] requires).
//! - [`Operation`] and [`ErrorBody`]: what a generated client and server know about each
//!   request type and about the API's error body.
//! - [`serde_struct!`] and [`structs`]: the serde impls of generated structs, as calls to
//!   shared code instead of serde's derives, which cost a large API most of its compile time.
//! - [`redact`]: `Debug` output that shows the shape of a sensitive value but never the value.
//! - [`open_enum!`]: the methods, `From<&str>`, `Display`, serde and [`Validate`] impls of an
//!   enum that keeps values it does not know in an `Unknown(String)` variant.
//! - [`nothing_to_validate!`]: `Validate` for the types whose spec states no rule.
//! - [`validate`]: request validation that reports every violated rule with its wire path, a
//!   stable rule code and a message that quotes the limit but never the value. Validating a
//!   valid value allocates nothing.
//! - [`formats`]: the string formats a spec can name ([`Format`]) and their checks.
//! - `webhooks` (feature `webhooks`): verification of signed webhooks.
//! - [`json`]: descriptions of JSON decode errors that never quote the JSON, and text made safe
//!   for one log line.
//!
//! # Features
//!
//! - `path`: `json::value_at`, the value at a `serde_path_to_error` path, for decode errors
//!   that name the kind of value found. The generated client and server turn it on.
//! - `client`: the `client` module, the async HTTP client of every generated crate (retries,
//!   timeouts, authentication, redaction, tracing), generic over what a crate says of its API.
//! - `server`: the `server` module, the axum routes of every generated server (limits,
//!   credentials, decoding, validation, the API's error shape), generic the same way.
//! - `webhooks`: the `webhooks` module, verification of signed webhooks (an ES256 JWS over the body's
//!   SHA-256) with keys fetched from a `webhooks::KeySource` and cached by key id.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod auth;
#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "path")]
pub mod decode;
#[cfg(feature = "form")]
pub mod form;
pub mod formats;
pub mod json;
pub mod multipart;
mod nullable;
pub mod one_of;
mod open_enum;
mod operation;
pub mod redact;
#[cfg(feature = "server")]
pub mod server;
pub mod structs;
pub mod validate;
#[cfg(feature = "webhooks")]
pub mod webhooks;

pub use formats::Format;
pub use json::{describe_json_error, json_kind, one_line};
pub use multipart::FilePart;
pub use nullable::Nullable;
pub use open_enum::deserialize_open_enum;
pub use operation::{
    AnswerKind, Answers, Binary, ErrorBody, FormError, Operation, Parameter, decode_query,
    encode_path_segment, encode_query, parse_parameter, path_placeholders,
};
pub use redact::REDACTED;
pub use validate::{Validate, ValidationErrors, Violation};

/// Used by [`open_enum!`]'s expansion, so that it does not depend on the names the calling
/// crate gives its dependencies.
#[doc(hidden)]
pub mod __private {
    pub use serde;
    pub use serde_json;
}
