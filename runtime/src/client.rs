//! The HTTP client of every generated crate: configuration, authentication, retries,
//! timeouts, tracing and errors (feature `client`).
//!
//! Generic over [`ClientSpec`], what a generated crate says of its API (its error body, its
//! servers, its security schemes, its sensitive fields, the name of its `tracing` span). A
//! generated crate names [`Client<Spec>`](Client) and [`Error<ErrorBody>`](Error) under its own
//! names (`plaid_api::http::Client`) and implements its per-operation trait with one call of
//! [`Client::send`] per method, so everything below is compiled and tested once, here.
//!
//! # Retries
//!
//! A call is retried, with exponential backoff and jitter, after:
//! - HTTP 429 (rate limited), for every operation: the server processed nothing. A
//!   `Retry-After` header sets the wait; one longer than [`RetryPolicy::max_backoff`] is not
//!   waited for, and the 429 is returned instead.
//! - a connection failure (nothing reached the server), for every operation;
//! - HTTP 5xx or a timeout, only for operations the spec marks `idempotent` (reads, updates,
//!   removals): after a 5xx or a timeout the first attempt may have taken effect, and
//!   repeating a create could create twice or fail as a duplicate.
//!   [`RetryPolicy::retry_non_idempotent`] opts in anyway.
//!
//! Redirects, oversized bodies and decode errors are never retried.
//!
//! # Authentication
//!
//! The builder takes one credential per security scheme of the spec
//! ([`ClientSpec::SECURITY_SCHEMES`]): [`ClientBuilder::api_key`], [`ClientBuilder::bearer_token`],
//! [`ClientBuilder::basic_auth`], or the setter generated per scheme. Each call sends the first
//! alternative of its operation's requirement (its own, or [`ClientSpec::SECURITY`]) that the client has
//! every credential for, and only that: a public operation gets none. Credential headers are
//! marked sensitive, a key in the query keeps the URL out of transport errors, and `Debug`
//! shows scheme names only.
//!
//! # Redirects
//!
//! An API call is not redirected, so this client follows no redirect: a 3xx answer is an
//! [`Error::Api`] with its status, and the credential headers and the body go nowhere else. A
//! `reqwest::Client` of your own ([`ClientBuilder::http_client`]) keeps its own redirect policy
//! (reqwest's default follows up to 10); build it with `redirect::Policy::none()`. Should it
//! follow one anyway, the answer is refused with [`Error::Redirected`], never returned as a
//! success.
//!
//! # Response size
//!
//! A body larger than [`ClientBuilder::max_response_bytes`] (default
//! [`DEFAULT_MAX_RESPONSE_BYTES`], 64 MiB) is [`Error::ResponseTooLarge`]: at once when its
//! `Content-Length` says so, otherwise as soon as the bytes read pass the limit. The body is
//! held in memory once, and a success is decoded straight from it.
//!
//! # What errors and logs show of a response
//!
//! No `Display` or `Debug` shows a response body, only its content type and size. A body that
//! does not decode gives the JSON path and the kinds involved (`expected a sequence, found a
//! string`), never the value. An error body is parsed as JSON first; every configured credential is
//! replaced in every string (after unescaping, so `\u`-escapes do not hide it) and the fields
//! the spec marks sensitive ([`ClientSpec::SENSITIVE_FIELDS`]) are redacted before the typed error is
//! decoded, so neither the typed error nor [`ApiError::body`] can carry them. Text the server
//! chose (an error message, a request id) has its control characters escaped and is cut
//! short wherever it is displayed or logged, so it cannot forge a log line.
//!
//! Each call is a `tracing` span named after this crate, `<crate>.call` (the crate's name as
//! a Rust path, such as `acme_api.call`), with the fields `operation`, `path`,
//! `attempts`, `status` (of the last answer) and `request_id` (from the response or the error
//! body). Within it: a DEBUG event `call succeeded`; an INFO event `retrying` with `error`
//! (the kind of failure), `status` and `wait_ms`; a WARN event `call failed` with `error`,
//! `status`, and for a typed API error its `error_type` and `error_code`. The kinds are
//! `validation`, `api`, `timeout`, `transport`, `decode`, `response_too_large`, `redirected`
//! and `config`. Nothing else is logged: no header, no body, no error message.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{
    AUTHORIZATION, CONTENT_TYPE, COOKIE, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER,
    USER_AGENT,
};
use reqwest::{Method, Url};
use serde_json::Value;
use tracing::Instrument as _;

use crate::auth::{Location, Requirement, SchemeKind, SecurityScheme, basic_credentials};
use crate::json::value_at;
use crate::multipart::Part;
use crate::{
    AnswerKind, Answers, Binary, ErrorBody, Operation, REDACTED, Validate, ValidationErrors,
    describe_json_error, one_line,
};

/// What the client knows of one API: implemented by the `Spec` type of each generated crate
/// (`operations.rs`), from its spec's `api` block.
pub trait ClientSpec: Send + Sync + 'static {
    /// The API's error body, decoded from every non-2xx answer that is one.
    type ErrorBody: ErrorBody + Send + Sync + 'static;
    /// Where requests go: the spec's servers, and any base URL.
    type Environment: Clone + Default + fmt::Debug + Send + Sync + 'static;
    /// The default `User-Agent`: the generated crate's name and version.
    const USER_AGENT: &'static str;
    /// The API version the crate was generated for, sent by the schemes that carry it.
    const API_VERSION: &'static str;
    /// Every security scheme of the spec.
    const SECURITY_SCHEMES: &'static [SecurityScheme];
    /// The API's default requirement, for operations without their own.
    const SECURITY: Requirement;
    /// Fields whose values are secrets wherever they appear: redacted from error bodies.
    const SENSITIVE_FIELDS: &'static [&'static str];

    /// The base URL of `environment`, without a trailing slash.
    fn base_url(environment: &Self::Environment) -> &str;

    /// The `tracing` span of one call, named after the generated crate (`plaid_api.call`: a
    /// span's name is a literal, so the crate writes it), with the fields `operation`, `path`,
    /// `attempts`, `status` and `request_id`, the last three empty.
    fn call_span(operation: &'static str, path: &'static str) -> tracing::Span;
}

/// Turns a successful answer's body into the operation's response: its status, its body and
/// the secret (which a decode error must not quote).
type Decoder<R, E> = fn(u16, &Bytes, &[String]) -> Result<R, Error<E>>;

/// What every attempt of one call sends: the path with its parameters in place, the header
/// parameters, the body, and how the answer is read.
struct Sending<R, E> {
    path: Cow<'static, str>,
    /// An API key travels in the query: transport errors leave the URL out.
    secret_in_url: bool,
    headers: HeaderMap,
    body: Bytes,
    /// The parts of a multipart body (the spec's `body: multipart`), sent instead of `body`.
    /// A `reqwest` form is consumed by sending, so each attempt builds its own from these.
    parts: Option<Vec<(&'static str, Part)>>,
    decode: Decoder<R, E>,
}

/// A multipart form of `parts`: text parts as they are, file parts with their file name and
/// media type.
fn multipart_form<E>(parts: &[(&'static str, Part)]) -> Result<reqwest::multipart::Form, Error<E>> {
    let mut form = reqwest::multipart::Form::new();
    for (name, part) in parts {
        form = match part {
            Part::Text(text) => form.text(*name, text.clone()),
            Part::Json(json) => {
                let part = reqwest::multipart::Part::text(json.clone())
                    .mime_str("application/json")
                    .map_err(|_| Error::Config("`application/json` is not a media type".into()))?;
                form.part(*name, part)
            }
            Part::File(file) => {
                let part = reqwest::multipart::Part::bytes(file.bytes.clone())
                    .file_name(file.name.clone())
                    .mime_str(&file.media_type)
                    .map_err(|_| {
                        Error::Config(format!("the media type of the file `{name}` is not one"))
                    })?;
                form.part(*name, part)
            }
        };
    }
    Ok(form)
}

/// A JSON answer, decoded. The fast decoder first; only a failure pays for the path-tracking
/// one, which fails the same way and says where.
fn decode_json<R: serde::de::DeserializeOwned, E>(
    status: u16,
    bytes: &Bytes,
    secret: &[String],
) -> Result<R, Error<E>> {
    decode_seed(PhantomData::<R>, status, bytes, secret)
}

/// `seed` read from a JSON answer: [`decode_json`] for any `DeserializeSeed`, which an
/// operation's [`Answers`] read through (their type depends on the status).
fn decode_seed<S, R, E>(
    seed: S,
    status: u16,
    bytes: &Bytes,
    secret: &[String],
) -> Result<R, Error<E>>
where
    S: for<'de> serde::de::DeserializeSeed<'de, Value = R> + Clone,
{
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    if let Ok(value) = seed.clone().deserialize(&mut deserializer)
        && deserializer.end().is_ok()
    {
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let mut track = serde_path_to_error::Track::new();
    let decoded = seed
        .deserialize(serde_path_to_error::Deserializer::new(
            &mut deserializer,
            &mut track,
        ))
        .map_err(|e| (Some(track.path()), e))
        .and_then(|value| deserializer.end().map(|()| value).map_err(|e| (None, e)));
    decoded.map_err(|(path, error)| {
        Error::Decode(DecodeError::new(
            status,
            bytes,
            path.as_ref(),
            &error,
            secret,
        ))
    })
}

/// An answer of an operation with several ([`Answers`]), read as its status says: JSON through
/// [`decode_seed`], a document or nothing as it came. A 2xx status the spec does not list for
/// the operation is a decode error that names the statuses it does.
fn decode_answers<R: Answers, E>(
    status: u16,
    bytes: &Bytes,
    secret: &[String],
) -> Result<R, Error<E>> {
    match AnswerKind::of(R::STATUSES, status) {
        Some(AnswerKind::Json) => {
            decode_seed(AnswerSeed::<R>(status, PhantomData), status, bytes, secret)
        }
        Some(AnswerKind::Document | AnswerKind::Empty) => {
            R::from_document(status, Binary(bytes.to_vec())).ok_or_else(|| unlisted::<R, E>(status))
        }
        None => Err(unlisted::<R, E>(status)),
    }
}

fn unlisted<R: Answers, E>(status: u16) -> Error<E> {
    let listed: Vec<String> = R::STATUSES
        .iter()
        .map(|(status, _)| status.to_string())
        .collect();
    Error::Decode(DecodeError {
        status,
        path: ".".to_owned(),
        message: format!(
            "the operation's answers are {}, not {status}",
            listed.join(", ")
        ),
    })
}

/// Reads the JSON answer of one status of `R`.
struct AnswerSeed<R>(u16, PhantomData<fn() -> R>);

impl<R> Clone for AnswerSeed<R> {
    fn clone(&self) -> Self {
        Self(self.0, PhantomData)
    }
}

impl<'de, R: Answers> serde::de::DeserializeSeed<'de> for AnswerSeed<R> {
    type Value = R;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<R, D::Error> {
        R::from_json(self.0, deserializer)
    }
}

/// The request's header parameters as headers; a value a header cannot carry is a
/// configuration error that names the header, not the value.
fn parameter_headers<O: Operation, E>(request: &O) -> Result<HeaderMap, Error<E>> {
    let mut headers = HeaderMap::new();
    for (name, value) in request.headers() {
        let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::Config(format!("`{name}` is not a header name")))?;
        let value = HeaderValue::from_str(&value).map_err(|_| {
            Error::Config(format!(
                "the `{name}` parameter holds characters a header cannot carry"
            ))
        })?;
        headers.insert(name, value);
    }
    Ok(headers)
}

/// The default of [`ClientBuilder::max_response_bytes`]: 64 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// The most characters of server-chosen text in a log field (request id, error type and code).
const FIELD_LIMIT: usize = 100;

/// The most characters of the typed error's one-line summary in [`ApiError`]'s `Display`.
const SUMMARY_LIMIT: usize = 1000;

/// The largest body that is parsed into a JSON tree to be redacted (an error body) or to name
/// the kind of value a decode failed on: a tree costs many times its text, so a larger body
/// is neither shown nor searched. An error body is typically a few hundred bytes.
const REDACTABLE_LIMIT: usize = 1024 * 1024;

/// A body arriving in pieces is gathered into a buffer allocated for its `Content-Length` up
/// to this size; beyond it the buffer grows with the bytes actually received.
const PREALLOCATE_LIMIT: usize = 1024 * 1024;

/// How failed calls are retried. See the [module docs](self) for which failures are retried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 disables retries.
    pub max_attempts: u32,
    /// The wait before the first retry; it doubles with every further retry.
    pub initial_backoff: Duration,
    /// The longest wait between two attempts, `Retry-After` included.
    pub max_backoff: Duration,
    /// Retry non-idempotent operations after a 5xx or a timeout too.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(10),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// One attempt only.
    pub fn never() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Exponential backoff with "equal jitter": half the step is fixed, half random, so
    /// clients that failed together do not retry together.
    fn backoff(&self, retry: u32) -> Duration {
        let step = self
            .initial_backoff
            .saturating_mul(1u32 << retry.min(16))
            .min(self.max_backoff);
        let half = step / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// Builds a [`Client`].
pub struct ClientBuilder<A: ClientSpec> {
    environment: A::Environment,
    /// By scheme name, in the order given; a later one replaces an earlier one.
    credentials: Vec<(String, Credential)>,
    timeout: Duration,
    user_agent: String,
    retry: RetryPolicy,
    max_response_bytes: usize,
    http: Option<reqwest::Client>,
}

impl<A: ClientSpec> Clone for ClientBuilder<A> {
    fn clone(&self) -> Self {
        Self {
            environment: self.environment.clone(),
            credentials: self.credentials.clone(),
            timeout: self.timeout,
            user_agent: self.user_agent.clone(),
            retry: self.retry.clone(),
            max_response_bytes: self.max_response_bytes,
            http: self.http.clone(),
        }
    }
}

impl<A: ClientSpec> fmt::Debug for ClientBuilder<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("environment", &self.environment)
            .field("credentials", &CredentialNames(&self.credentials))
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish_non_exhaustive()
    }
}

impl<A: ClientSpec> ClientBuilder<A> {
    /// Where to send requests. Default: the spec's first server (`Environment::default()`).
    pub fn environment(mut self, environment: A::Environment) -> Self {
        self.environment = environment;
        self
    }

    /// The key of the `api_key` scheme named `scheme` in the spec
    /// ([`ClientSpec::SECURITY_SCHEMES`]: the generated crate's `operations::SECURITY_SCHEMES`); never
    /// printed. Sent on the requests whose requirement the scheme is part of. An unknown scheme
    /// fails [`build`](Self::build).
    pub fn api_key(self, scheme: &str, key: impl Into<String>) -> Self {
        self.credential(scheme, Credential::Key(key.into()))
    }

    /// The token of every `http_bearer` and `oauth2` scheme, sent as `Authorization: Bearer`;
    /// never printed.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        let token = token.into();
        for scheme in A::SECURITY_SCHEMES {
            if scheme.kind == SchemeKind::Bearer {
                self = self.credential(scheme.name, Credential::Key(token.clone()));
            }
        }
        self
    }

    /// The user and password of every `http_basic` scheme, sent as `Authorization: Basic`;
    /// never printed.
    pub fn basic_auth(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        let (user, password) = (user.into(), password.into());
        for scheme in A::SECURITY_SCHEMES {
            if scheme.kind == SchemeKind::Basic {
                self = self.credential(
                    scheme.name,
                    Credential::Basic(user.clone(), password.clone()),
                );
            }
        }
        self
    }

    /// What the generated per-scheme setters (`client.rs`) and the ones above store.
    pub fn credential(mut self, scheme: &str, credential: Credential) -> Self {
        self.credentials.retain(|(name, _)| name != scheme);
        self.credentials.push((scheme.to_owned(), credential));
        self
    }

    /// The time limit of one attempt, from sending to the last byte of the body. Default 30 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The `User-Agent` header. Default: this crate's name and version.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// How failed calls are retried. Default [`RetryPolicy::default`].
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The largest response body accepted, in bytes; a larger one is
    /// [`Error::ResponseTooLarge`]. Default [`DEFAULT_MAX_RESPONSE_BYTES`] (64 MiB).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Sends through this `reqwest::Client` (proxies, TLS roots, connection pool of your own)
    /// instead of a new one.
    ///
    /// Build it with `.redirect(reqwest::redirect::Policy::none())`. reqwest follows up to 10
    /// redirects by default, and a followed redirect sends the credential headers (after a 307
    /// or 308 the body too) wherever the server points. The policy of a client handed in
    /// cannot be changed here; what can be done is done: an answer from another URL than the
    /// one called is refused with [`Error::Redirected`], never returned as a success.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The client; [`Error::Config`] for a credential of an unknown scheme or of the wrong
    /// kind, or a value a header cannot carry.
    pub fn build(self) -> Result<Client<A>, Error<A::ErrorBody>> {
        let header = |name: &str, value: &str, sensitive: bool| {
            let mut value = HeaderValue::from_str(value).map_err(|_| {
                Error::Config(format!(
                    "the {name} contains characters a header cannot carry"
                ))
            })?;
            value.set_sensitive(sensitive);
            Ok::<_, Error<A::ErrorBody>>(value)
        };
        let mut auth = Vec::new();
        let mut secrets = Vec::new();
        for (scheme, credential) in &self.credentials {
            let known = A::SECURITY_SCHEMES
                .iter()
                .find(|known| known.name == scheme)
                .ok_or_else(|| {
                    Error::Config(format!("`{scheme}` is not a security scheme of the API"))
                })?;
            let what = format!("credential of `{scheme}`");
            let applied = match (known.kind, credential) {
                (SchemeKind::ApiKey { location, name }, Credential::Key(key)) => {
                    secrets.push(key.clone());
                    Applied::new(location, name, key, true, &what)?
                }
                (SchemeKind::Bearer, Credential::Key(token)) => {
                    secrets.push(token.clone());
                    Applied::Header(
                        AUTHORIZATION,
                        header(&what, &format!("Bearer {token}"), true)?,
                    )
                }
                (SchemeKind::Basic, Credential::Basic(user, password)) => {
                    let value = basic_credentials(user, password);
                    secrets.push(password.clone());
                    secrets.push(value["Basic ".len()..].to_owned());
                    Applied::Header(AUTHORIZATION, header(&what, &value, true)?)
                }
                _ => {
                    return Err(Error::Config(format!(
                        "`{scheme}` takes another kind of credential"
                    )));
                }
            };
            auth.push((known.name, applied));
        }
        for scheme in A::SECURITY_SCHEMES {
            if let SchemeKind::ApiVersion { location, name } = scheme.kind {
                auth.push((
                    scheme.name,
                    Applied::new(location, name, A::API_VERSION, false, "API version")?,
                ));
            }
        }
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, header("user agent", &self.user_agent, false)?);
        let http = match self.http {
            Some(http) => http,
            // The API never redirects; following one would send the credentials elsewhere.
            None => reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        };
        let base_url = A::base_url(&self.environment).to_owned();
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                headers,
                auth,
                secrets,
                timeout: self.timeout,
                retry: self.retry,
                max_response_bytes: self.max_response_bytes,
            }),
            spec: PhantomData,
        })
    }
}

/// A credential as the user gave it.
#[derive(Clone)]
pub enum Credential {
    /// An API key, or a bearer token.
    Key(String),
    /// A user and a password.
    Basic(String, String),
}

/// The scheme names of the credentials, for `Debug`: the values never are.
struct CredentialNames<'c>(&'c [(String, Credential)]);

impl fmt::Debug for CredentialNames<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(name, _)| (name, REDACTED)))
            .finish()
    }
}

/// One scheme's credential, ready to go on a request.
enum Applied {
    Header(HeaderName, HeaderValue),
    /// Name, value, and whether it is a secret (a URL holding one is never shown).
    Query(&'static str, String, bool),
    /// `name=value`.
    Cookie(String),
}

impl Applied {
    fn new<E>(
        location: Location,
        name: &'static str,
        value: &str,
        secret: bool,
        what: &str,
    ) -> Result<Applied, Error<E>> {
        let unfit = || Error::Config(format!("the {what} holds characters it cannot carry"));
        Ok(match location {
            Location::Header => {
                let mut value = HeaderValue::from_str(value).map_err(|_| unfit())?;
                value.set_sensitive(secret);
                let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| unfit())?;
                Applied::Header(name, value)
            }
            Location::Query => Applied::Query(name, value.to_owned(), secret),
            Location::Cookie => {
                let cookie = format!("{name}={value}");
                if HeaderValue::from_str(&cookie).is_err() || value.contains([';', ',', ' ']) {
                    return Err(unfit());
                }
                Applied::Cookie(cookie)
            }
        })
    }
}

/// The API over HTTP. Cheap to clone: clones share one connection pool.
pub struct Client<A: ClientSpec> {
    inner: Arc<Inner>,
    spec: PhantomData<fn() -> A>,
}

impl<A: ClientSpec> Clone for Client<A> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            spec: PhantomData,
        }
    }
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    headers: HeaderMap,
    /// Each scheme's credential, by scheme name.
    auth: Vec<(&'static str, Applied)>,
    /// Kept only to redact them from error bodies, should a server ever echo one.
    secrets: Vec<String>,
    timeout: Duration,
    retry: RetryPolicy,
    max_response_bytes: usize,
}

impl<A: ClientSpec> fmt::Debug for Client<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field(
                "credentials",
                &self
                    .inner
                    .auth
                    .iter()
                    .map(|(name, _)| *name)
                    .collect::<Vec<_>>(),
            )
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .field("max_response_bytes", &self.inner.max_response_bytes)
            .finish_non_exhaustive()
    }
}

impl<A: ClientSpec> Client<A> {
    /// A builder with the defaults: the spec's first server, no credentials, a 30 s timeout,
    /// [`RetryPolicy::default`], the crate's name and version as the user agent.
    pub fn builder() -> ClientBuilder<A> {
        ClientBuilder {
            environment: A::Environment::default(),
            credentials: Vec::new(),
            timeout: Duration::from_secs(30),
            user_agent: A::USER_AGENT.to_owned(),
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            http: None,
        }
    }

    /// Validates `request`, sends it, and decodes the JSON answer; retries as the policy
    /// says. An invalid request never reaches the network.
    pub async fn send<O>(&self, request: &O) -> Result<O::Response, Error<O::ErrorBody>>
    where
        O: Operation + Validate,
        O::Response: serde::de::DeserializeOwned,
    {
        self.call(request, decode_json::<O::Response, O::ErrorBody>)
            .await
    }

    /// [`send`](Self::send) for an operation that answers with a document (a PDF, a ZIP):
    /// the body as it came.
    pub async fn send_document<O>(&self, request: &O) -> Result<Binary, Error<O::ErrorBody>>
    where
        O: Operation<Response = Binary> + Validate,
    {
        self.call(request, |_, bytes, _| Ok(Binary(bytes.to_vec())))
            .await
    }

    /// [`send`](Self::send) for an operation with several success answers (the spec's
    /// `answers`): the answer of the status the server sent, as its variant of the operation's
    /// enum.
    pub async fn send_answers<O>(&self, request: &O) -> Result<O::Response, Error<O::ErrorBody>>
    where
        O: Operation + Validate,
        O::Response: Answers,
    {
        self.call(request, decode_answers::<O::Response, O::ErrorBody>)
            .await
    }

    /// [`send`](Self::send) for an operation that answers with no body.
    pub async fn send_empty<O>(&self, request: &O) -> Result<(), Error<O::ErrorBody>>
    where
        O: Operation<Response = ()> + Validate,
    {
        self.call(request, |_, _, _| Ok(())).await
    }

    async fn call<O: Operation + Validate>(
        &self,
        request: &O,
        decode: Decoder<O::Response, O::ErrorBody>,
    ) -> Result<O::Response, Error<O::ErrorBody>> {
        let span = A::call_span(O::ID, O::PATH);
        let inner_secret = &self.inner.secrets[..];
        async {
            request.validate().map_err(Error::Validation)?;
            let parts = request.multipart_parts();
            let form = request.form_body().transpose().map_err(Error::Config)?;
            let body = match (&form, &parts) {
                (Some(form), _) => form.clone().into_bytes(),
                (None, None) if O::HAS_BODY => serde_json::to_vec(request)
                    .map_err(|e| Error::Config(format!("cannot encode the request: {e}")))?,
                _ => Vec::new(),
            };
            let mut parameters = parameter_headers(request)?;
            if form.is_some() {
                parameters.insert(
                    CONTENT_TYPE,
                    HeaderValue::from_static("application/x-www-form-urlencoded"),
                );
            }
            let mut query = request.query();
            let secret_in_url = self.authorize(
                O::SECURITY.unwrap_or(A::SECURITY),
                &mut parameters,
                &mut query,
            );
            // Shared by every attempt without copying.
            let path = if query.is_empty() {
                request.path()
            } else {
                let query = crate::encode_query(&query);
                std::borrow::Cow::Owned(format!("{}?{query}", request.path()))
            };
            let sending = Sending {
                path,
                secret_in_url,
                headers: parameters,
                body: Bytes::from(body),
                parts,
                decode,
            };
            let result = self.send_with_retries::<O>(&sending).await;
            let span = tracing::Span::current();
            // What is logged is listed in the module docs; server-chosen text goes through
            // `field_text`.
            match &result {
                Ok(response) => {
                    if let Some(id) = O::request_id(response) {
                        span.record("request_id", &*field_text(id, inner_secret));
                    }
                    tracing::debug!("call succeeded");
                }
                Err(error) => {
                    if let Some(id) = error.request_id() {
                        span.record("request_id", &*field_text(id, inner_secret));
                    }
                    let typed = match error {
                        Error::Api(api) => api.error.as_ref(),
                        _ => None,
                    };
                    let error_type = typed
                        .and_then(|typed| typed.error_type())
                        .map(|text| field_text(text, inner_secret));
                    let error_code = typed
                        .and_then(|typed| typed.error_code())
                        .map(|text| field_text(text, inner_secret));
                    tracing::warn!(
                        error = error.kind(),
                        status = error.status(),
                        error_type = error_type.as_deref(),
                        error_code = error_code.as_deref(),
                        "call failed"
                    );
                }
            }
            result
        }
        .instrument(span)
        .await
    }

    /// Adds the credentials of the first alternative of `requirement` the client has every
    /// credential for, or failing that what it has of the first (the server then says what
    /// is missing). Answers whether a secret went into the query.
    fn authorize(
        &self,
        requirement: Requirement,
        headers: &mut HeaderMap,
        query: &mut Vec<(&'static str, String)>,
    ) -> bool {
        let applied = |name: &str| {
            self.inner
                .auth
                .iter()
                .find(|(scheme, _)| *scheme == name)
                .map(|(_, applied)| applied)
        };
        let chosen = requirement
            .iter()
            .find(|alternative| alternative.iter().all(|name| applied(name).is_some()))
            .or(requirement.first());
        let (mut cookies, mut secret_in_url) = (Vec::new(), false);
        for applied in chosen
            .into_iter()
            .copied()
            .flatten()
            .filter_map(|n| applied(n))
        {
            match applied {
                Applied::Header(name, value) => {
                    headers.insert(name.clone(), value.clone());
                }
                Applied::Query(name, value, secret) => {
                    query.push((name, value.clone()));
                    secret_in_url |= secret;
                }
                Applied::Cookie(cookie) => cookies.push(cookie.as_str()),
            }
        }
        if let Ok(mut value) = HeaderValue::from_str(&cookies.join("; "))
            && !cookies.is_empty()
        {
            value.set_sensitive(true);
            headers.insert(COOKIE, value);
        }
        secret_in_url
    }

    async fn send_with_retries<O: Operation>(
        &self,
        sending: &Sending<O::Response, O::ErrorBody>,
    ) -> Result<O::Response, Error<O::ErrorBody>> {
        let inner = &*self.inner;
        let url = format!("{}{}", inner.base_url, sending.path);
        let url =
            Url::parse(&url).map_err(|e| Error::Config(format!("`{url}` is not a URL: {e}")))?;
        let method =
            Method::from_bytes(O::METHOD.as_bytes()).map_err(|e| Error::Config(e.to_string()))?;
        let retry_effectful = O::IDEMPOTENT || inner.retry.retry_non_idempotent;
        let mut attempt = 1;
        loop {
            tracing::Span::current().record("attempts", attempt);
            let outcome = self.attempt::<O>(&method, &url, sending).await;
            let wait = match &outcome {
                Err(failure) if attempt < inner.retry.max_attempts => {
                    failure.retry_after(&inner.retry, attempt, retry_effectful)
                }
                _ => None,
            };
            match (outcome, wait) {
                (Ok(response), _) => return Ok(response),
                (Err(failure), None) => return Err(failure.error),
                (Err(failure), Some(wait)) => {
                    tracing::info!(
                        error = failure.error.kind(),
                        status = failure.error.status(),
                        wait_ms = wait.as_millis() as u64,
                        "retrying"
                    );
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
            }
        }
    }

    async fn attempt<O: Operation>(
        &self,
        method: &Method,
        url: &Url,
        sending: &Sending<O::Response, O::ErrorBody>,
    ) -> Result<O::Response, Failure<O::ErrorBody>> {
        let inner = &*self.inner;
        let mut headers = inner.headers.clone();
        headers.extend(sending.headers.clone());
        let builder = inner.http.request(method.clone(), url.clone());
        let builder = match &sending.parts {
            Some(parts) => {
                // The form sets its own `multipart/form-data` type, with its boundary.
                headers.remove(CONTENT_TYPE);
                let form = multipart_form(parts).map_err(|error| Failure {
                    error,
                    retry: Retry::Never,
                })?;
                builder.headers(headers).multipart(form)
            }
            None => builder.headers(headers).body(sending.body.clone()),
        };
        let sent = builder.timeout(inner.timeout).send().await;
        let strip = |e: reqwest::Error| match sending.secret_in_url {
            true => e.without_url(),
            false => e,
        };
        let response = sent.map_err(|e| Failure::transport(strip(e), inner.timeout))?;
        if response.url() != url {
            // Only a client handed in through `http_client` follows redirects. The request
            // went elsewhere already; its answer at least is not taken for the API's.
            let origin = redact_text(
                &response.url().origin().ascii_serialization(),
                &inner.secrets,
            )
            .into_owned();
            return Err(Failure {
                error: Error::Redirected { origin },
                retry: Retry::Never,
            });
        }
        let status = response.status();
        tracing::Span::current().record("status", status.as_u16());
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(parse_retry_after);
        let content_type = media_type(response.headers().get(CONTENT_TYPE), &inner.secrets);
        let bytes = read_body(response, inner.max_response_bytes, inner.timeout)
            .await
            .map_err(|mut failure| {
                if let Error::Transport(e) = failure.error {
                    failure.error = Error::Transport(strip(e));
                }
                failure
            })?;
        if status.is_success() {
            return (sending.decode)(status.as_u16(), &bytes, &inner.secrets).map_err(|error| {
                Failure {
                    error,
                    retry: Retry::Never,
                }
            });
        }
        let (error, body) = error_body(&bytes, &inner.secrets, A::SENSITIVE_FIELDS);
        let retry = match status.as_u16() {
            429 => Retry::Always(retry_after),
            500..=599 => Retry::IfIdempotent,
            _ => Retry::Never,
        };
        let error = Error::Api(Box::new(ApiError {
            status: status.as_u16(),
            error,
            content_type,
            body,
            received: bytes.len(),
        }));
        Err(Failure { error, retry })
    }
}

/// The whole body, refused as soon as it is known to exceed `limit` bytes: from its
/// `Content-Length` before reading, otherwise once the bytes read pass the limit. A body that
/// arrives in one piece is kept as it came, without a copy.
async fn read_body<E>(
    mut response: reqwest::Response,
    limit: usize,
    timeout: Duration,
) -> Result<Bytes, Failure<E>> {
    let too_large = || Failure {
        error: Error::ResponseTooLarge { limit },
        retry: Retry::Never,
    };
    let length = response.content_length();
    if length.is_some_and(|length| length > limit as u64) {
        return Err(too_large());
    }
    let mut next = async || {
        response
            .chunk()
            .await
            .map_err(|e| Failure::transport(e, timeout))
    };
    let first = match next().await? {
        Some(chunk) if chunk.len() > limit => return Err(too_large()),
        Some(chunk) => chunk,
        None => return Ok(Bytes::new()),
    };
    let Some(mut chunk) = next().await? else {
        return Ok(first);
    };
    // Room for the announced length (at most `limit`, checked above) up to PREALLOCATE_LIMIT;
    // beyond that the buffer grows with the bytes that actually arrive.
    let expected = length
        .map_or(0, |length| length as usize)
        .min(PREALLOCATE_LIMIT);
    let mut body = Vec::with_capacity(expected.max(first.len() + chunk.len()));
    body.extend_from_slice(&first);
    drop(first);
    loop {
        if chunk.len() > limit - body.len() {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
        match next().await? {
            Some(more) => chunk = more,
            None => return Ok(Bytes::from(body)),
        }
    }
}

/// An error body's typed error and the text [`ApiError::body`] returns. JSON is redacted as a
/// value, after unescaping: the configured secret inside every string and key, and every
/// sensitive field; the typed error is decoded from the redacted value, so it cannot carry them
/// either. Any other body is text with the secret replaced. A body that looks like JSON but
/// does not parse, or one over [`REDACTABLE_LIMIT`], is withheld (empty).
fn error_body<E: ErrorBody>(
    bytes: &[u8],
    secret: &[String],
    sensitive: &[&str],
) -> (Option<E>, String) {
    let looks_like_json = bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| matches!(b, b'{' | b'['));
    if bytes.len() > REDACTABLE_LIMIT {
        return (None, String::new());
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(mut value) => {
            redact(&mut value, secret, sensitive);
            let error = E::deserialize(&value).ok();
            (error, value.to_string())
        }
        // Broken JSON cannot be redacted as a value, and its text may hold escaped secrets.
        Err(_) if looks_like_json => (None, String::new()),
        Err(_) => {
            let text = String::from_utf8_lossy(bytes);
            (None, redact_text(&text, secret).into_owned())
        }
    }
}

/// Replaces every configured secret wherever it occurs in a string or an object key, and the
/// value of every field the spec marks sensitive, by the redaction marker. (serde_json limits
/// nesting to 128 levels, which bounds the recursion.)
fn redact(value: &mut Value, secret: &[String], sensitive: &[&str]) {
    match value {
        Value::String(text) => {
            if let Cow::Owned(redacted) = redact_text(text, secret) {
                *text = redacted;
            }
        }
        Value::Object(map) => {
            let keys: Vec<String> = map
                .keys()
                .filter(|key| matches!(redact_text(key, secret), Cow::Owned(_)))
                .cloned()
                .collect();
            for key in keys {
                if let Some(field) = map.remove(&key) {
                    map.insert(redact_text(&key, secret).into_owned(), field);
                }
            }
            for (key, field) in map.iter_mut() {
                if sensitive.contains(&key.as_str()) && !field.is_null() {
                    *field = Value::String(REDACTED.to_owned());
                } else {
                    redact(field, secret, sensitive);
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| redact(item, secret, sensitive)),
        _ => {}
    }
}

/// Server-chosen text for a log field: as it is when it is short, has no control character
/// and does not hold the secret (the usual case, without an allocation), otherwise through
/// [`one_line`] with the secret replaced.
fn field_text<'t>(text: &'t str, secret: &[String]) -> Cow<'t, str> {
    let text = redact_text(text, secret);
    if text.len() <= FIELD_LIMIT && !text.chars().any(char::is_control) {
        text
    } else {
        Cow::Owned(one_line(&text, FIELD_LIMIT))
    }
}

/// `text` with every configured secret replaced by the redaction marker.
fn redact_text<'t>(text: &'t str, secrets: &[String]) -> Cow<'t, str> {
    let mut text = Cow::Borrowed(text);
    for secret in secrets {
        if !secret.is_empty() && text.contains(secret.as_str()) {
            text = Cow::Owned(text.replace(secret.as_str(), REDACTED));
        }
    }
    text
}

/// The response's media type (`application/json`), without parameters, kept only when it is
/// a plain token pair: the header is the server's text and ends up in messages.
fn media_type(value: Option<&HeaderValue>, secret: &[String]) -> String {
    let Some(text) = value.and_then(|v| v.to_str().ok()) else {
        return String::new();
    };
    let media_type = text.split(';').next().unwrap_or_default().trim();
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$&^_.+-/".contains(c);
    if media_type.len() > FIELD_LIMIT || !media_type.chars().all(token) {
        return "(unreadable content type)".to_owned();
    }
    redact_text(media_type, secret).into_owned()
}

/// A failed attempt and whether it may be repeated.
struct Failure<E> {
    error: Error<E>,
    retry: Retry,
}

enum Retry {
    Never,
    /// The server processed nothing (429, no connection): safe for every operation; with the
    /// server's `Retry-After`, if it sent one.
    Always(Option<Duration>),
    /// The request may have taken effect (5xx, timeout).
    IfIdempotent,
}

impl<E> Failure<E> {
    fn transport(error: reqwest::Error, timeout: Duration) -> Self {
        if error.is_timeout() {
            Failure {
                error: Error::Timeout(timeout),
                retry: Retry::IfIdempotent,
            }
        } else if error.is_connect() {
            Failure {
                error: Error::Transport(error),
                retry: Retry::Always(None),
            }
        } else {
            Failure {
                error: Error::Transport(error),
                retry: Retry::IfIdempotent,
            }
        }
    }

    /// How long to wait before the next attempt, or `None` to give up.
    fn retry_after(
        &self,
        policy: &RetryPolicy,
        attempt: u32,
        retry_effectful: bool,
    ) -> Option<Duration> {
        match self.retry {
            Retry::Never => None,
            Retry::IfIdempotent if !retry_effectful => None,
            Retry::Always(Some(asked)) => (asked <= policy.max_backoff).then_some(asked),
            Retry::Always(None) | Retry::IfIdempotent => Some(policy.backoff(attempt - 1)),
        }
    }
}

/// `Retry-After` as delay-seconds or an HTTP date.
fn parse_retry_after(value: &HeaderValue) -> Option<Duration> {
    let text = value.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(text).ok()?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
}

/// Why a call failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The request breaks rules the docs state; it was not sent.
    Validation(ValidationErrors),
    /// The server answered with a non-2xx status (a 3xx too: redirects are not followed).
    Api(Box<ApiError<E>>),
    /// An attempt took longer than the configured timeout.
    Timeout(Duration),
    /// The request could not be sent or the response not received.
    Transport(reqwest::Error),
    /// A 2xx response whose body does not match the documented shape.
    Decode(DecodeError),
    /// The response body is larger than [`ClientBuilder::max_response_bytes`]; it was not
    /// read further.
    ResponseTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The `reqwest::Client` handed to [`ClientBuilder::http_client`] followed a redirect, and
    /// the answer from where it led was refused. The API never redirects; build that client
    /// with `redirect::Policy::none()`.
    Redirected {
        /// Scheme, host and port the redirect led to (`https://elsewhere.example`).
        origin: String,
    },
    /// The client is misconfigured (a header value it cannot send, say).
    Config(String),
}

impl<E: ErrorBody> Error<E> {
    /// The `request_id` of the failed call, when the server sent one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.request_id(),
            _ => None,
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode(decode) => Some(decode.status),
            _ => None,
        }
    }

    /// The kind of failure, as logged in the `error` field of the call's events.
    fn kind(&self) -> &'static str {
        match self {
            Error::Validation(_) => "validation",
            Error::Api(_) => "api",
            Error::Timeout(_) => "timeout",
            Error::Transport(_) => "transport",
            Error::Decode(_) => "decode",
            Error::ResponseTooLarge { .. } => "response_too_large",
            Error::Redirected { .. } => "redirected",
            Error::Config(_) => "config",
        }
    }
}

impl<E: ErrorBody> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation(errors) => errors.fmt(f),
            Error::Api(api) => api.fmt(f),
            Error::Timeout(after) => {
                write!(f, "no complete answer within the timeout of {after:?}")
            }
            Error::Transport(error) => write!(f, "transport error: {error}"),
            Error::Decode(decode) => decode.fmt(f),
            Error::ResponseTooLarge { limit } => {
                write!(f, "the response body exceeds the limit of {limit} bytes")
            }
            Error::Redirected { origin } => write!(
                f,
                "the HTTP client followed a redirect to {origin}, and the answer is refused: the \
                 API never redirects (build the reqwest::Client given to `http_client` with \
                 `redirect::Policy::none()`)"
            ),
            Error::Config(message) => write!(f, "client configuration: {message}"),
        }
    }
}

impl<E: ErrorBody> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Validation(errors) => Some(errors),
            Error::Transport(error) => Some(error),
            _ => None,
        }
    }
}

/// A non-2xx answer: the status, the API's error object when the body is one, and the body,
/// redacted (see the [module docs](self)).
pub struct ApiError<E> {
    /// The HTTP status.
    pub status: u16,
    /// The decoded error object; `None` when the body is not one (an HTML page from a proxy).
    pub error: Option<E>,
    /// The media type (`application/json`), without parameters; empty when the server sent
    /// none, `(unreadable content type)` when it is not a plain `type/subtype`.
    pub content_type: String,
    body: String,
    /// The size of the body as received, in bytes.
    received: usize,
}

impl<E: ErrorBody> ApiError<E> {
    /// The body, redacted: a JSON body re-encoded with the configured secret and the sensitive
    /// fields replaced by a marker; any other body as text (invalid UTF-8 replaced) with the
    /// secret replaced; empty when withheld (a body that looks like JSON but does not parse,
    /// or one over 1 MiB). Server-chosen text: escape it before putting it in a log line.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The request id the typed error carries, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.error.as_ref().and_then(|error| error.request_id())
    }

    fn describe_body(&self) -> String {
        let content_type = if self.content_type.is_empty() {
            "no content type".into()
        } else {
            one_line(&self.content_type, FIELD_LIMIT)
        };
        format!("{content_type}, {} bytes", self.received)
    }
}

impl<E: ErrorBody> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.error {
            // The summary holds server-chosen text: one line, cut short.
            Some(error) => write!(
                f,
                "HTTP {}: {}",
                self.status,
                one_line(&error.to_string(), SUMMARY_LIMIT)
            ),
            None if (300..400).contains(&self.status) => {
                write!(
                    f,
                    "HTTP {}: a redirect, which this client does not follow ({})",
                    self.status,
                    self.describe_body()
                )
            }
            None => {
                write!(
                    f,
                    "HTTP {}: the body is not an API error object ({})",
                    self.status,
                    self.describe_body()
                )
            }
        }
    }
}

impl<E: fmt::Debug> fmt::Debug for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("error", &self.error)
            .field("content_type", &self.content_type)
            .field("body_bytes", &self.received)
            .finish()
    }
}

/// A 2xx body that does not decode: where in the JSON it failed, and how; never a value.
#[derive(Debug)]
pub struct DecodeError {
    /// The HTTP status of the answer.
    pub status: u16,
    /// The JSON path that failed (`items[0].update_type`); `.` for the document itself.
    pub path: String,
    /// What is wrong, in words that never quote the body (`wrong type: expected a sequence,
    /// found a string`).
    pub message: String,
}

impl DecodeError {
    /// `path` is where decoding failed, `None` when the document itself is at fault. The body
    /// is parsed again only to name the kind of value found at the path.
    fn new(
        status: u16,
        body: &[u8],
        path: Option<&serde_path_to_error::Path>,
        error: &serde_json::Error,
        secret: &[String],
    ) -> Self {
        // A syntax error's path ends in the keys read before it, which may be anything the
        // server wrote; the line and column say where instead.
        let path = path.filter(|_| error.classify() == serde_json::error::Category::Data);
        let found = match path {
            Some(_) if body.len() <= REDACTABLE_LIMIT => serde_json::from_slice::<Value>(body).ok(),
            _ => None,
        };
        let message = describe_json_error(
            error,
            found
                .as_ref()
                .zip(path)
                .and_then(|(root, path)| value_at(root, path)),
        );
        // Map keys on the path are the server's text.
        let path = path.map_or_else(
            || ".".to_owned(),
            |path| one_line(&redact_text(&path.to_string(), secret), SUMMARY_LIMIT),
        );
        DecodeError {
            status,
            path,
            message,
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "HTTP {} response does not decode at `{}`: {}",
            self.status, self.path, self.message
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_body_loses_the_secret_and_the_sensitive_fields_before_it_is_typed() {
        let body =
            br#"{"message":"bad key s3cr\u0065t","access_token":"tok","nested":[{"s3cret":1}]}"#;
        let secrets = ["s3cret".to_owned()];
        let (typed, text) = error_body::<Value>(body, &secrets, &["access_token"]);
        assert!(
            !text.contains("s3cret") && !text.contains("tok\""),
            "{text}"
        );
        assert_eq!(
            typed.as_ref().map(|v| v["access_token"].clone()),
            Some(Value::from(REDACTED))
        );
        assert_eq!(
            typed.map(|v| v["message"].clone()),
            Some(Value::from(format!("bad key {REDACTED}")))
        );
    }

    #[test]
    fn a_body_that_looks_like_json_but_does_not_parse_is_withheld() {
        let (typed, text) = error_body::<Value>(br#"{"message":"s3cr\u0065"#, &[], &[]);
        assert!(typed.is_none() && text.is_empty());
        let (_, text) = error_body::<Value>(b"<html>proxy s3cret</html>", &["s3cret".into()], &[]);
        assert_eq!(text, format!("<html>proxy {REDACTED}</html>"));
    }

    #[test]
    fn retry_after_reads_seconds_and_dates_and_backoff_stays_within_the_policy() {
        let seconds = HeaderValue::from_static("7");
        assert_eq!(parse_retry_after(&seconds), Some(Duration::from_secs(7)));
        let past = HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT");
        assert_eq!(parse_retry_after(&past), Some(Duration::ZERO));
        assert_eq!(parse_retry_after(&HeaderValue::from_static("soon")), None);
        let policy = RetryPolicy::default();
        for retry in 0..40 {
            let wait = policy.backoff(retry);
            assert!(wait <= policy.max_backoff, "{wait:?}");
        }
    }

    #[test]
    fn a_content_type_is_kept_only_as_a_plain_token_pair() {
        let plain = HeaderValue::from_static("application/json; charset=utf-8");
        assert_eq!(media_type(Some(&plain), &[]), "application/json");
        let forged = HeaderValue::from_static("text/html\" injected=\"x");
        assert_eq!(media_type(Some(&forged), &[]), "(unreadable content type)");
        assert_eq!(media_type(None, &[]), "");
    }
}
