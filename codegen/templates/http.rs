//! The HTTP client: configuration, authentication, retries, timeouts, tracing and errors.
//!
//! The per-operation methods live in [`crate::client`]; everything they share is here, so the
//! generated code per operation is one line.
//!
//! # Retries
//!
//! A call is retried, with exponential backoff and jitter, after:
//! - HTTP 429 (rate limited), for every operation: the server processed nothing. A
//!   `Retry-After` header sets the wait; one longer than [`RetryPolicy::max_backoff`] is not
//!   waited for, and the 429 is returned instead.
//! - a connection failure (nothing reached the server), for every operation;
//! - HTTP 5xx or a timeout, only for operations the spec marks `idempotent` (reads, updates,
//!   removals). These are POSTs: after a 5xx or a timeout the first attempt may have taken
//!   effect, and repeating a create (`/user/create`, `/beacon/user/create`) could create twice
//!   or fail as a duplicate. [`RetryPolicy::retry_non_idempotent`] opts in anyway.

use ::std::fmt;
use ::std::sync::Arc;
use ::std::time::Duration;

use ::tracing::Instrument as _;

use crate::operations::{API_VERSION, ApiErrorBody, CLIENT_ID_HEADER, Environment, SECRET_HEADER, SENSITIVE_FIELDS, VERSION_HEADER};
use crate::runtime::{ErrorBody as _, Operation, REDACTED};
use crate::validate::{Validate, ValidationErrors};

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
        Self { max_attempts: 1, ..Self::default() }
    }

    /// Exponential backoff with "equal jitter": half the step is fixed, half random, so
    /// clients that failed together do not retry together.
    fn backoff(&self, retry: u32) -> Duration {
        let step = self.initial_backoff.saturating_mul(1u32 << retry.min(16)).min(self.max_backoff);
        let half = step / 2;
        half + half.mul_f64(::fastrand::f64())
    }
}

/// Builds a [`Client`].
#[derive(Clone)]
pub struct ClientBuilder {
    environment: Environment,
    client_id: ::std::option::Option<::std::string::String>,
    secret: ::std::option::Option<::std::string::String>,
    timeout: Duration,
    user_agent: ::std::string::String,
    retry: RetryPolicy,
    http: ::std::option::Option<::reqwest::Client>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("environment", &self.environment)
            .field("client_id", &self.client_id)
            .field("secret", &self.secret.as_ref().map(|_| REDACTED))
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Where to send requests. Default: the spec's first server (`Environment::default()`).
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// Sent as the [`CLIENT_ID_HEADER`] header on every request.
    pub fn client_id(mut self, client_id: impl ::std::convert::Into<::std::string::String>) -> Self {
        self.client_id = ::std::option::Option::Some(client_id.into());
        self
    }

    /// Sent as the [`SECRET_HEADER`] header on every request; never printed.
    pub fn secret(mut self, secret: impl ::std::convert::Into<::std::string::String>) -> Self {
        self.secret = ::std::option::Option::Some(secret.into());
        self
    }

    /// The time limit of one attempt, from sending to the last byte of the body. Default 30 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The `User-Agent` header. Default: this crate's name and version.
    pub fn user_agent(mut self, user_agent: impl ::std::convert::Into<::std::string::String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sends through this `reqwest::Client` (proxies, TLS roots, connection pool of your own)
    /// instead of a new one.
    pub fn http_client(mut self, http: ::reqwest::Client) -> Self {
        self.http = ::std::option::Option::Some(http);
        self
    }

    pub fn build(self) -> ::std::result::Result<Client, Error> {
        let header = |name: &'static str, value: &str, sensitive: bool| {
            let mut value = ::reqwest::header::HeaderValue::from_str(value)
                .map_err(|_| Error::Config(::std::format!("the {name} contains characters a header cannot carry")))?;
            value.set_sensitive(sensitive);
            ::std::result::Result::Ok(value)
        };
        let mut headers = ::reqwest::header::HeaderMap::new();
        if let ::std::option::Option::Some(id) = &self.client_id {
            headers.insert(CLIENT_ID_HEADER, header("client id", id, false)?);
        }
        if let ::std::option::Option::Some(secret) = &self.secret {
            headers.insert(SECRET_HEADER, header("secret", secret, true)?);
        }
        headers.insert(VERSION_HEADER, header("API version", API_VERSION, false)?);
        headers.insert(::reqwest::header::CONTENT_TYPE, ::reqwest::header::HeaderValue::from_static("application/json"));
        headers.insert(::reqwest::header::USER_AGENT, header("user agent", &self.user_agent, false)?);
        let http = match self.http {
            ::std::option::Option::Some(http) => http,
            ::std::option::Option::None => ::reqwest::Client::builder()
                .build()
                .map_err(|e| Error::Config(::std::format!("cannot build the HTTP client: {e}")))?,
        };
        let base_url = self.environment.base_url().to_owned();
        ::std::result::Result::Ok(Client {
            inner: Arc::new(Inner { http, base_url, headers, secret: self.secret, timeout: self.timeout, retry: self.retry }),
        })
    }
}

/// The API over HTTP. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: ::reqwest::Client,
    base_url: ::std::string::String,
    headers: ::reqwest::header::HeaderMap,
    /// Kept only to scrub it from error snippets, should a server ever echo it.
    secret: ::std::option::Option<::std::string::String>,
    timeout: Duration,
    retry: RetryPolicy,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("client_id", &self.inner.headers.get(CLIENT_ID_HEADER))
            .field("secret", &self.inner.secret.as_ref().map(|_| REDACTED))
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            environment: Environment::default(),
            client_id: ::std::option::Option::None,
            secret: ::std::option::Option::None,
            timeout: Duration::from_secs(30),
            user_agent: ::std::concat!(::std::env!("CARGO_PKG_NAME"), "/", ::std::env!("CARGO_PKG_VERSION")).to_owned(),
            retry: RetryPolicy::default(),
            http: ::std::option::Option::None,
        }
    }

    /// Validates `request`, sends it, and decodes the answer; retries as the policy says.
    /// An invalid request never reaches the network.
    pub async fn send<O: Operation + Validate>(&self, request: &O) -> ::std::result::Result<O::Response, Error> {
        let span = ::tracing::info_span!(
            "plaid_api.call",
            operation = O::ID,
            path = O::PATH,
            attempts = ::tracing::field::Empty,
            status = ::tracing::field::Empty,
            request_id = ::tracing::field::Empty,
        );
        async {
            request.validate().map_err(Error::Validation)?;
            let body = ::serde_json::to_vec(request).map_err(|e| Error::Config(::std::format!("cannot encode the request: {e}")))?;
            // Shared by every attempt without copying.
            let result = self.send_with_retries::<O>(::bytes::Bytes::from(body)).await;
            let span = ::tracing::Span::current();
            match &result {
                ::std::result::Result::Ok(response) => {
                    if let ::std::option::Option::Some(id) = O::request_id(response) {
                        span.record("request_id", id);
                    }
                    ::tracing::debug!("call succeeded");
                }
                ::std::result::Result::Err(error) => {
                    if let ::std::option::Option::Some(id) = error.request_id() {
                        span.record("request_id", id);
                    }
                    ::tracing::warn!(error = %error, "call failed");
                }
            }
            result
        }
        .instrument(span)
        .await
    }

    async fn send_with_retries<O: Operation>(&self, body: ::bytes::Bytes) -> ::std::result::Result<O::Response, Error> {
        let inner = &*self.inner;
        let url = ::std::format!("{}{}", inner.base_url, O::PATH);
        let method = ::reqwest::Method::from_bytes(O::METHOD.as_bytes()).map_err(|e| Error::Config(e.to_string()))?;
        let retry_effectful = O::IDEMPOTENT || inner.retry.retry_non_idempotent;
        let mut attempt = 1;
        loop {
            ::tracing::Span::current().record("attempts", attempt);
            let outcome = self.attempt::<O>(&method, &url, body.clone()).await;
            let wait = match &outcome {
                ::std::result::Result::Err(failure) if attempt < inner.retry.max_attempts => {
                    failure.retry_after(&inner.retry, attempt, retry_effectful)
                }
                _ => ::std::option::Option::None,
            };
            match (outcome, wait) {
                (::std::result::Result::Ok(response), _) => return ::std::result::Result::Ok(response),
                (::std::result::Result::Err(failure), ::std::option::Option::None) => return ::std::result::Result::Err(failure.error),
                (::std::result::Result::Err(failure), ::std::option::Option::Some(wait)) => {
                    ::tracing::info!(error = %failure.error, wait_ms = wait.as_millis() as u64, "retrying");
                    ::tokio::time::sleep(wait).await;
                    attempt += 1;
                }
            }
        }
    }

    async fn attempt<O: Operation>(
        &self,
        method: &::reqwest::Method,
        url: &str,
        body: ::bytes::Bytes,
    ) -> ::std::result::Result<O::Response, Failure> {
        let inner = &*self.inner;
        let sent = inner
            .http
            .request(method.clone(), url)
            .headers(inner.headers.clone())
            .timeout(inner.timeout)
            .body(body)
            .send()
            .await;
        let response = sent.map_err(|e| Failure::transport(e, inner.timeout))?;
        let status = response.status();
        ::tracing::Span::current().record("status", status.as_u16());
        let retry_after = response.headers().get(::reqwest::header::RETRY_AFTER).and_then(parse_retry_after);
        let content_type = response
            .headers()
            .get(::reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = response.bytes().await.map_err(|e| Failure::transport(e, inner.timeout))?;
        if status.is_success() {
            let decode_error = |path: ::std::string::String, message: ::std::string::String| Failure {
                error: Error::Decode(DecodeError {
                    status: status.as_u16(),
                    path,
                    message,
                    snippet: snippet(&bytes, inner.secret.as_deref()),
                }),
                retry: Retry::Never,
            };
            // The fast decoder first; only a failure pays for the path-tracking one, which
            // fails the same way and says where.
            if let ::std::result::Result::Ok(value) = ::serde_json::from_slice::<O::Response>(&bytes) {
                return ::std::result::Result::Ok(value);
            }
            let mut deserializer = ::serde_json::Deserializer::from_slice(&bytes);
            let value = ::serde_path_to_error::deserialize::<_, O::Response>(&mut deserializer)
                .map_err(|e| decode_error(e.path().to_string(), e.inner().to_string()))?;
            deserializer.end().map_err(|e| decode_error(".".into(), e.to_string()))?;
            return ::std::result::Result::Ok(value);
        }
        // Scrubbed before decoding, so not even the typed error can carry the secret should a
        // server ever echo it.
        let body = ::std::string::String::from_utf8_lossy(&bytes);
        let body = match inner.secret.as_deref().filter(|s| !s.is_empty()) {
            ::std::option::Option::Some(secret) => body.replace(secret, REDACTED),
            ::std::option::Option::None => body.into_owned(),
        };
        let error = ::serde_json::from_str::<ApiErrorBody>(&body).ok();
        let retry = match status.as_u16() {
            429 => Retry::Always(retry_after),
            500..=599 => Retry::IfIdempotent,
            _ => Retry::Never,
        };
        let snippet = snippet(body.as_bytes(), ::std::option::Option::None);
        let error = Error::Api(::std::boxed::Box::new(ApiError { status: status.as_u16(), error, content_type, body, snippet }));
        ::std::result::Result::Err(Failure { error, retry })
    }
}

/// A failed attempt and whether it may be repeated.
struct Failure {
    error: Error,
    retry: Retry,
}

enum Retry {
    Never,
    /// The server processed nothing (429, no connection): safe for every operation; with the
    /// server's `Retry-After`, if it sent one.
    Always(::std::option::Option<Duration>),
    /// The request may have taken effect (5xx, timeout).
    IfIdempotent,
}

impl Failure {
    fn transport(error: ::reqwest::Error, timeout: Duration) -> Self {
        if error.is_timeout() {
            Failure { error: Error::Timeout(timeout), retry: Retry::IfIdempotent }
        } else if error.is_connect() {
            Failure { error: Error::Transport(error), retry: Retry::Always(::std::option::Option::None) }
        } else {
            Failure { error: Error::Transport(error), retry: Retry::IfIdempotent }
        }
    }

    /// How long to wait before the next attempt, or `None` to give up.
    fn retry_after(&self, policy: &RetryPolicy, attempt: u32, retry_effectful: bool) -> ::std::option::Option<Duration> {
        match self.retry {
            Retry::Never => ::std::option::Option::None,
            Retry::IfIdempotent if !retry_effectful => ::std::option::Option::None,
            Retry::Always(::std::option::Option::Some(asked)) => (asked <= policy.max_backoff).then_some(asked),
            Retry::Always(::std::option::Option::None) | Retry::IfIdempotent => ::std::option::Option::Some(policy.backoff(attempt - 1)),
        }
    }
}

/// `Retry-After` as delay-seconds or an HTTP date.
fn parse_retry_after(value: &::reqwest::header::HeaderValue) -> ::std::option::Option<Duration> {
    let text = value.to_str().ok()?.trim();
    if let ::std::result::Result::Ok(seconds) = text.parse::<u64>() {
        return ::std::option::Option::Some(Duration::from_secs(seconds));
    }
    let at = ::httpdate::parse_http_date(text).ok()?;
    ::std::option::Option::Some(at.duration_since(::std::time::SystemTime::now()).unwrap_or_default())
}

/// The start of a body, for an error message: sensitive fields (by the spec's wire names) and
/// the configured secret replaced by the redaction marker, cut to a few hundred characters.
fn snippet(body: &[u8], secret: ::std::option::Option<&str>) -> ::std::string::String {
    const LIMIT: usize = 300;
    let mut text = match ::serde_json::from_slice::<::serde_json::Value>(body) {
        ::std::result::Result::Ok(mut value) => {
            redact(&mut value);
            value.to_string()
        }
        ::std::result::Result::Err(_) => ::std::string::String::from_utf8_lossy(body).into_owned(),
    };
    if let ::std::option::Option::Some(secret) = secret.filter(|s| !s.is_empty()) {
        text = text.replace(secret, REDACTED);
    }
    match text.char_indices().nth(LIMIT) {
        ::std::option::Option::Some((cut, _)) => ::std::format!("{}…", &text[..cut]),
        ::std::option::Option::None => text,
    }
}

fn redact(value: &mut ::serde_json::Value) {
    match value {
        ::serde_json::Value::Object(map) => {
            for (key, field) in map.iter_mut() {
                if SENSITIVE_FIELDS.contains(&key.as_str()) && !field.is_null() {
                    *field = ::serde_json::Value::String(REDACTED.to_owned());
                } else {
                    redact(field);
                }
            }
        }
        ::serde_json::Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

/// Why a call failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The request breaks rules the docs state; it was not sent.
    Validation(ValidationErrors),
    /// The server answered with a non-2xx status.
    Api(::std::boxed::Box<ApiError>),
    /// An attempt took longer than the configured timeout.
    Timeout(Duration),
    /// The request could not be sent or the response not received.
    Transport(::reqwest::Error),
    /// A 2xx response whose body does not match the documented shape.
    Decode(DecodeError),
    /// The client is misconfigured (a header value it cannot send, say).
    Config(::std::string::String),
}

impl Error {
    /// The `request_id` of the failed call, when the server sent one.
    pub fn request_id(&self) -> ::std::option::Option<&str> {
        match self {
            Error::Api(api) => api.request_id(),
            _ => ::std::option::Option::None,
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> ::std::option::Option<u16> {
        match self {
            Error::Api(api) => ::std::option::Option::Some(api.status),
            Error::Decode(decode) => ::std::option::Option::Some(decode.status),
            _ => ::std::option::Option::None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation(errors) => errors.fmt(f),
            Error::Api(api) => api.fmt(f),
            Error::Timeout(after) => write!(f, "no complete answer within the timeout of {after:?}"),
            Error::Transport(error) => write!(f, "transport error: {error}"),
            Error::Decode(decode) => decode.fmt(f),
            Error::Config(message) => write!(f, "client configuration: {message}"),
        }
    }
}

impl ::std::error::Error for Error {
    fn source(&self) -> ::std::option::Option<&(dyn ::std::error::Error + 'static)> {
        match self {
            Error::Validation(errors) => ::std::option::Option::Some(errors),
            Error::Transport(error) => ::std::option::Option::Some(error),
            _ => ::std::option::Option::None,
        }
    }
}

/// A non-2xx answer: the status, the API's error object when the body is one, and the body.
pub struct ApiError {
    pub status: u16,
    /// The decoded error object; `None` when the body is not one (an HTML page from a proxy).
    pub error: ::std::option::Option<ApiErrorBody>,
    pub content_type: ::std::string::String,
    body: ::std::string::String,
    snippet: ::std::string::String,
}

impl ApiError {
    /// The body as received (with the configured secret, should it appear, redacted).
    pub fn body(&self) -> &str {
        &self.body
    }

    pub fn request_id(&self) -> ::std::option::Option<&str> {
        self.error.as_ref().and_then(|error| error.request_id())
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.error {
            ::std::option::Option::Some(error) => write!(f, "HTTP {}: {error}", self.status),
            ::std::option::Option::None => write!(
                f,
                "HTTP {}: the body is not an API error object ({}, {} bytes): {}",
                self.status,
                if self.content_type.is_empty() { "no content type" } else { &self.content_type },
                self.body.len(),
                self.snippet
            ),
        }
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("error", &self.error)
            .field("content_type", &self.content_type)
            .field("body", &self.snippet)
            .finish()
    }
}

/// A 2xx body that does not decode: where in the JSON it failed, and how.
#[derive(Debug)]
pub struct DecodeError {
    pub status: u16,
    /// The JSON path that failed (`items[0].update_type`); `.` for the document itself.
    pub path: ::std::string::String,
    pub message: ::std::string::String,
    /// The start of the body, sensitive fields redacted.
    pub snippet: ::std::string::String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {} response does not decode at `{}`: {}; body: {}", self.status, self.path, self.message, self.snippet)
    }
}
