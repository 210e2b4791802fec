//! What a generated client and server know about each operation and about the error body.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// An API operation, implemented by its request type: where to send it and what comes back.
pub trait Operation: Serialize {
    /// The body of a successful response: a model decoded from JSON, [`Binary`] for an
    /// operation that answers with a document, or `()` for one that answers with no body.
    type Response;
    /// The body of its non-2xx answers: the API's error type (the spec's `api.error`), or the
    /// operation's own (its `error`: an OAuth token endpoint's `{error, error_description}`).
    type ErrorBody: ErrorBody + Send + Sync + 'static;
    /// The spec's operation id, such as `user_create`.
    const ID: &'static str;
    /// The HTTP method, such as `POST`.
    const METHOD: &'static str;
    /// The path below the environment's base URL, such as `/user/create`.
    const PATH: &'static str;
    /// Whether sending the request twice has the same effect as sending it once (the spec's
    /// `idempotent`); the client retries only such operations after a 5xx or a timeout.
    const IDEMPOTENT: bool;
    /// Whether the request travels as a JSON body; a `GET` or a `HEAD` (or a `DELETE` or an
    /// `OPTIONS` without body fields) carries its fields in the path, the query and the
    /// headers instead.
    const HAS_BODY: bool = true;
    /// Whether the API wants the client's credentials on this request (the spec's
    /// `authenticated`, true unless it says otherwise). A server answers an operation that
    /// needs none without looking at any; a client configured with credentials sends them
    /// all the same, which such an operation ignores.
    const AUTHENTICATED: bool = true;
    /// The operation's own security requirement (the spec's per-operation `security`), or
    /// `None` for the API's default.
    const SECURITY: Option<crate::auth::Requirement> = None;
    /// Whether the body is one field's value (the spec's `in: whole_body`: an array, a
    /// `one_of`, any JSON) rather than an object of the request's body fields.
    const WHOLE_BODY: bool = false;
    /// Whether the body travels as `multipart/form-data` (the spec's `body: multipart`), each
    /// field one part, rather than as JSON.
    const MULTIPART: bool = false;
    /// Whether the body travels as `application/x-www-form-urlencoded` (the spec's
    /// `body: form`), its nested fields in brackets (`card[number]=...`, see
    /// `specgen_runtime::form`), rather than as JSON.
    const FORM: bool = false;

    /// The path with this request's path parameters in place, each percent-encoded.
    fn path(&self) -> Cow<'static, str> {
        Cow::Borrowed(Self::PATH)
    }

    /// The header parameters this request carries, as `(name, value)` pairs.
    fn headers(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// The query parameters this request carries, as `(name, value)` pairs in the spec's field
    /// order, an array's items one pair each (`?tags=a&tags=b`), absent ones left out; the
    /// client percent-encodes them.
    fn query(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// Fills the fields that travel outside the body (path, query and header parameters) from
    /// what a server received: `lookup` answers the value of a path parameter, a header, or
    /// the `index`-th occurrence of a query parameter (`None` past the last). The error
    /// names the parameter whose value does not parse as its field's type, never the value.
    fn set_parameters(
        &mut self,
        lookup: &dyn Fn(Parameter<'_>) -> Option<String>,
    ) -> Result<(), String> {
        let _ = lookup;
        Ok(())
    }

    /// The parts of a multipart body (see [`MULTIPART`](Self::MULTIPART)), in the spec's field
    /// order, absent fields left out; `None` for a JSON body.
    fn multipart_parts(&self) -> Option<Vec<(&'static str, crate::multipart::Part)>> {
        None
    }

    /// The body of a form request (see [`FORM`](Self::FORM)): its body fields, nested in
    /// brackets; `None` for any other body. The error says the request has no form encoding.
    fn form_body(&self) -> Option<Result<String, String>> {
        None
    }

    /// A form request read from its body (see [`FORM`](Self::FORM)); `None` for any other.
    fn from_form(body: &[u8]) -> Option<Result<Self, FormError>>
    where
        Self: Sized,
    {
        let _ = body;
        None
    }

    /// The request id a response carries, for logs and errors.
    fn request_id(response: &Self::Response) -> Option<&str> {
        let _ = response;
        None
    }
}

/// The response of an operation that has several success answers (the spec's `answers`): a
/// generated enum with one variant per status, which the client reads by the answer's status
/// and a generated server answers with that status.
pub trait Answers: Sized {
    /// Each status the spec lists, the operation's own (`status`, 200 by default) first, with
    /// how its body travels. A client refuses any other 2xx as a decode error.
    const STATUSES: &'static [(u16, AnswerKind)];

    /// The answer of `status` (an [`AnswerKind::Json`] one) read from its JSON body; any other
    /// status is an error.
    fn from_json<'de, D: serde::Deserializer<'de>>(
        status: u16,
        deserializer: D,
    ) -> Result<Self, D::Error>;

    /// The answer of `status` (an [`AnswerKind::Document`] or [`AnswerKind::Empty`] one) from
    /// its body; `None` for any other status.
    fn from_document(status: u16, body: Binary) -> Option<Self>;
}

/// How the body of one of an operation's [`Answers`] travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnswerKind {
    /// A JSON model, or a JSON array of them.
    Json,
    /// A document (a PDF, a ZIP): the bytes as they came.
    Document,
    /// No body.
    Empty,
}

impl AnswerKind {
    /// The kind of `status`'s answer among `statuses`; `None` for a status they do not list.
    pub fn of(statuses: &[(u16, AnswerKind)], status: u16) -> Option<Self> {
        statuses
            .iter()
            .find(|(listed, _)| *listed == status)
            .map(|(_, kind)| *kind)
    }
}

/// Where a parameter travels, with its name: what [`Operation::set_parameters`] asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Parameter<'a> {
    /// A `{name}` segment of the path.
    Path(&'a str),
    /// An HTTP header.
    Header(&'a str),
    /// The `index`-th occurrence (from 0) of a query parameter: a parameter that is an array
    /// occurs once per item.
    Query {
        /// The parameter's name.
        name: &'a str,
        /// Which occurrence, from 0.
        index: usize,
    },
}

/// The body of an answer that is a document (a PDF, a ZIP), as it came. `Debug` shows its
/// length, not its bytes.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Binary(pub Vec<u8>);

impl Binary {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The bytes, owned.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

impl fmt::Debug for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Binary({} bytes)", self.0.len())
    }
}

impl From<Vec<u8>> for Binary {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

/// Parses a parameter's text as the field's type (`true`/`false`, a number, a string).
pub fn parse_parameter<T: std::str::FromStr>(name: &str, text: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("`{name}` does not hold a value of its type"))
}

/// A query string of `(name, value)` pairs, each percent-encoded (`?` not included), as
/// `application/x-www-form-urlencoded` writes them but with `%20` for a space.
pub fn encode_query(pairs: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&encode_path_segment(name));
        out.push('=');
        out.push_str(&encode_path_segment(value));
    }
    out
}

/// The values of a query string (`a=1&b=x%20y`) under their decoded names, in order; a pair
/// whose text does not percent-decode to UTF-8 is left out, `+` reads as a space.
pub fn decode_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            Some((percent_decode(name)?, percent_decode(value)?))
        })
        .collect()
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Why a form body was refused: the path of the field at fault (`items[0].price`), or `None`
/// when the body itself is malformed. The message never quotes a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormError {
    /// The field's path, dotted (`items[0].price`); `None` for the body as a whole.
    pub path: Option<String>,
    /// What is wrong, in words that quote no value.
    pub message: String,
}

/// The names of an operation's path placeholders, in order: each ends its segment, alone
/// (`{id}`) or after a literal prefix (`thumbnail.{extension}`). The names never travel: two
/// operations on one path may name a placeholder differently (a server matches them by
/// position).
pub fn path_placeholders(path: &str) -> impl Iterator<Item = &str> {
    path.split('/')
        .filter_map(|segment| Some(segment.strip_suffix('}')?.rsplit_once('{')?.1))
}

/// A path parameter's value, percent-encoded so that it stays one segment of the path.
pub fn encode_path_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
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
    fn placeholders_end_their_segments_in_order() {
        let names: Vec<&str> =
            path_placeholders("/users/{user}/pets/{pet_id}/thumbnail.{extension}/{y}.json")
                .collect();
        assert_eq!(names, ["user", "pet_id", "extension"]);
    }

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(encode_path_segment("abc-1_2.3~"), "abc-1_2.3~");
        assert_eq!(encode_path_segment("a/b?c d%"), "a%2Fb%3Fc%20d%25");
        assert_eq!(encode_path_segment("é"), "%C3%A9");
    }

    #[test]
    fn query_strings_round_trip() {
        let pairs = [
            ("tags", "a b".to_owned()),
            ("tags", "c&d=é".to_owned()),
            ("limit", "2".to_owned()),
        ];
        let text = encode_query(&pairs);
        assert_eq!(text, "tags=a%20b&tags=c%26d%3D%C3%A9&limit=2");
        let decoded = decode_query(&text);
        let expected: Vec<(String, String)> = pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), v.clone()))
            .collect();
        assert_eq!(decoded, expected);
        assert_eq!(
            decode_query("a=x+y&&b&c=%zz"),
            [
                ("a".to_owned(), "x y".to_owned()),
                ("b".to_owned(), String::new())
            ]
        );
    }

    #[test]
    fn parameters_parse_as_their_type_and_errors_name_only_the_parameter() {
        assert_eq!(parse_parameter::<bool>("X-Flag", "true"), Ok(true));
        let error = parse_parameter::<bool>("X-Flag", "secret-value").unwrap_err();
        assert!(error.contains("X-Flag") && !error.contains("secret-value"));
    }

    #[test]
    fn binary_debug_shows_the_length_only() {
        assert_eq!(
            format!("{:?}", Binary(b"%PDF-1.4".to_vec())),
            "Binary(8 bytes)"
        );
    }

    #[test]
    fn raw_json_error_bodies_name_nothing() {
        let body = serde_json::json!({"request_id": "abc", "error_type": "API_ERROR"});
        assert_eq!(body.request_id(), None);
        assert_eq!(body.error_type(), None);
        assert_eq!(body.error_code(), None);
    }
}
