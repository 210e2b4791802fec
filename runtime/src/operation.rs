//! What a generated client and server know about each operation and about the error body.

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// An API operation, implemented by its request type: where to send it and what comes back.
pub trait Operation: Serialize {
    /// The body of a successful response.
    type Response: DeserializeOwned;
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
    fn request_id(response: &Self::Response) -> Option<&str> {
        let _ = response;
        None
    }
}

/// The body of every non-2xx response (the spec's `api.error`).
pub trait ErrorBody: DeserializeOwned + fmt::Display + fmt::Debug {
    /// The request id the error carries, if any.
    fn request_id(&self) -> Option<&str>;

    /// The error's type (the spec's `error_fields.type`), if it names a string or enum field.
    fn error_type(&self) -> Option<&str> {
        None
    }

    /// The error's code (the spec's `error_fields.code`), if it names a string or enum field.
    fn error_code(&self) -> Option<&str> {
        None
    }
}

/// The error body of an API whose spec names no error type: the JSON as it came, which names
/// no request id.
impl ErrorBody for serde_json::Value {
    fn request_id(&self) -> Option<&str> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_json_error_bodies_name_nothing() {
        let body = serde_json::json!({"request_id": "abc", "error_type": "API_ERROR"});
        assert_eq!(body.request_id(), None);
        assert_eq!(body.error_type(), None);
        assert_eq!(body.error_code(), None);
    }
}
