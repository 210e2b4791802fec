//! Serving an API: what every operation's route does before and after the implementation
//! (feature `server`).
//!
//! Generic over [`ServerSpec`], what a generated crate says of its API (its error body, its
//! credential headers, the error codes of the routes' own refusals). A generated crate's router
//! calls [`Routes<Spec>`](Routes) once per operation, so everything below is compiled and
//! tested once, here.
//!
//! Each route refuses browser requests (an `Origin` the service does not allow) and bodies
//! that are not `application/json` (`multipart/form-data` for an operation the spec sends so,
//! whose credentials travel in the headers), authenticates from the headers before reading the body,
//! reads the body within the service's size and time limits, authenticates from the body when
//! the headers carry no credentials (an operation the spec marks `authenticated: false` skips
//! both), decodes, validates with the generated validators, calls
//! the implementation and writes the JSON answer. Every failure is answered in the API's error
//! shape with a 4xx status: a malformed request can produce neither a panic nor a 500, no
//! error message quotes a value of the request, and every answer carries a request id.

use std::marker::PhantomData;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, ORIGIN};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};

mod credentials;

pub use credentials::Presented;
use credentials::{Admitted, invalid_pair, missing_pair};

use crate::json::value_at;
use crate::multipart::{FilePart, Part, PartsError, from_parts};
use crate::structs::refusing_null;
use crate::{Binary, ErrorBody, Operation, Parameter, Validate, describe_json_error};

/// What the routes know of one API: implemented by the `Spec` type of each generated crate
/// (`operations.rs`), from its spec's `api` block.
pub trait ServerSpec: Send + Sync + 'static {
    /// The API's error body, in which every refusal is answered.
    type ErrorBody: ServerErrorBody;
    /// Whether the API's first alternative is a client id and a secret in
    /// [`CLIENT_ID_HEADER`](Self::CLIENT_ID_HEADER) and [`SECRET_HEADER`](Self::SECRET_HEADER),
    /// which a JSON body may carry instead (as `client_id` and `secret`), checked together by
    /// [`ServiceBasics::authenticate`]. Every other credential is checked by
    /// [`ServiceBasics::identify`].
    const CHECKS_CREDENTIALS: bool;
    /// The header the client id is read from.
    const CLIENT_ID_HEADER: &'static str;
    /// The header the secret is read from.
    const SECRET_HEADER: &'static str;
    /// The error type and code of each of the routes' own refusals.
    const ERRORS: ServerErrors;
    /// Every security scheme of the spec: where each credential is read from.
    const SECURITY_SCHEMES: &'static [crate::auth::SecurityScheme];
    /// The API's default requirement, for operations without their own.
    const SECURITY: crate::auth::Requirement;
}

/// Builds the API's error body from its parts: the spec's `api.error_fields` says which fields
/// of the error type receive them.
pub trait ServerErrorBody: ErrorBody + Serialize {
    /// The error body of an answer with this status, type, code, message and request id.
    fn from_parts(
        status: u16,
        error_type: &str,
        error_code: &str,
        message: String,
        request_id: &str,
    ) -> Self;
}

/// An error type and code, as the API's error body carries them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ErrorCode {
    /// The error's type (Plaid's `INVALID_REQUEST`).
    pub error_type: &'static str,
    /// The error's code (Plaid's `MISSING_FIELDS`).
    pub error_code: &'static str,
}

/// The error type and code of each answer the routes give without calling the implementation,
/// with the HTTP status each is sent with: [`ServerSpec::ERRORS`], from the spec's
/// `api.server_errors`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerErrors {
    /// 403: the request carries an `Origin` header the service does not allow.
    pub origin_not_allowed: ErrorCode,
    /// 415: the body is not sent as `application/json`.
    pub invalid_content_type: ErrorCode,
    /// 400: the client id or the secret cannot be read, or they do not authenticate.
    pub invalid_credentials: ErrorCode,
    /// 400: the client id or the secret is in neither the headers nor the body.
    pub missing_credentials: ErrorCode,
    /// 413: the body is larger than [`ServiceBasics::max_body_bytes`].
    pub request_too_large: ErrorCode,
    /// 408: the body did not arrive within [`ServiceBasics::body_read_timeout`].
    pub request_timeout: ErrorCode,
    /// 400: the body is empty, not a JSON object, not valid JSON, or cut short.
    pub invalid_body: ErrorCode,
    /// 400: a required field is missing.
    pub missing_fields: ErrorCode,
    /// 400: a field has the wrong type or breaks a rule.
    pub invalid_field: ErrorCode,
    /// 404: no operation is served at the path.
    pub not_found: ErrorCode,
    /// 405: the operation at the path takes another method.
    pub method_not_allowed: ErrorCode,
    /// 501: the service does not implement the operation (the service trait's default).
    pub not_implemented: ErrorCode,
}

/// One of the answers the routes give themselves, each with its code in [`ServerErrors`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// [`ServerErrors::origin_not_allowed`].
    OriginNotAllowed,
    /// [`ServerErrors::invalid_content_type`].
    InvalidContentType,
    /// [`ServerErrors::invalid_credentials`].
    InvalidCredentials,
    /// [`ServerErrors::missing_credentials`].
    MissingCredentials,
    /// [`ServerErrors::request_too_large`].
    RequestTooLarge,
    /// [`ServerErrors::request_timeout`].
    RequestTimeout,
    /// [`ServerErrors::invalid_body`].
    InvalidBody,
    /// [`ServerErrors::missing_fields`].
    MissingFields,
    /// [`ServerErrors::invalid_field`].
    InvalidField,
    /// [`ServerErrors::not_found`].
    NotFound,
    /// [`ServerErrors::method_not_allowed`].
    MethodNotAllowed,
    /// [`ServerErrors::not_implemented`].
    NotImplemented,
}

impl ServerErrors {
    /// The error type and code of `refusal`.
    pub fn code(&self, refusal: Refusal) -> ErrorCode {
        match refusal {
            Refusal::OriginNotAllowed => self.origin_not_allowed,
            Refusal::InvalidContentType => self.invalid_content_type,
            Refusal::InvalidCredentials => self.invalid_credentials,
            Refusal::MissingCredentials => self.missing_credentials,
            Refusal::RequestTooLarge => self.request_too_large,
            Refusal::RequestTimeout => self.request_timeout,
            Refusal::InvalidBody => self.invalid_body,
            Refusal::MissingFields => self.missing_fields,
            Refusal::InvalidField => self.invalid_field,
            Refusal::NotFound => self.not_found,
            Refusal::MethodNotAllowed => self.method_not_allowed,
            Refusal::NotImplemented => self.not_implemented,
        }
    }
}

/// What the route knows about a request when it calls the implementation.
#[derive(Clone, Debug)]
pub struct RequestContext {
    /// The id of this request; put it into the response.
    pub request_id: String,
    /// The authenticated client (the client id, or what [`ServiceBasics::identify`] gave);
    /// empty for an operation the API answers without credentials (the spec's
    /// `authenticated: false`, or `security: []`), whose credentials are not looked at. Anonymous
    /// callers all share that empty id: key nothing on it for such an operation.
    pub client_id: String,
}

/// An error answer: an HTTP status and the API's error type, code and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerError {
    /// The HTTP status.
    pub status: u16,
    /// The error's type; empty for one of the routes' own refusals ([`Self::refusal`]), whose
    /// type is the API's, filled in when it is answered.
    pub error_type: String,
    /// The error's code; empty for one of the routes' own refusals, as `error_type`.
    pub error_code: String,
    /// What went wrong, in words that quote no value of the request.
    pub message: String,
    refusal: Option<Refusal>,
    /// A body of another type than the API's error (see [`Self::with_body`]); boxed, so that
    /// the `Result`s that carry a `ServerError` stay small.
    body: Option<Box<serde_json::Value>>,
}

impl ServerError {
    /// An answer of the service's own.
    pub fn new(
        status: u16,
        error_type: impl Into<String>,
        error_code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status,
            error_type: error_type.into(),
            error_code: error_code.into(),
            message: message.into(),
            refusal: None,
            body: None,
        }
    }

    /// An answer whose body is `body` as it is rather than the API's error type: the error of
    /// an operation whose spec names its own (`error`, an OAuth token endpoint's
    /// `{error, error_description}`). The body gets no request id; the header carries it. A
    /// status outside 4xx and 5xx is answered as 500: an error must not pass for a success.
    pub fn with_body(status: u16, body: &impl Serialize) -> Self {
        let status = if (400..600).contains(&status) {
            status
        } else {
            500
        };
        match serde_json::to_value(body) {
            Ok(body) => Self {
                body: Some(Box::new(body)),
                ..Self::new(status, "", "", "")
            },
            // A model always encodes; a hand-made `Serialize` may not.
            Err(_) => Self::new(500, "", "", "the error body does not encode as JSON"),
        }
    }

    /// One of the answers the routes give themselves: its type and code are the API's
    /// ([`ServerSpec::ERRORS`]), filled in when it is answered.
    pub fn refused(status: u16, refusal: Refusal, message: impl Into<String>) -> Self {
        Self {
            refusal: Some(refusal),
            ..Self::new(status, "", "", message)
        }
    }

    /// Which of the routes' own refusals this is, if one.
    pub fn refusal(&self) -> Option<Refusal> {
        self.refusal
    }

    /// The answer of an operation the service does not implement: what the service trait's
    /// methods give unless the service overrides them.
    pub fn not_implemented(operation: &str) -> Self {
        Self::refused(
            501,
            Refusal::NotImplemented,
            format!("this service does not implement `{operation}`"),
        )
    }

    /// The answer in `A`'s error shape, with the request id in the body and in the
    /// `x-request-id` header.
    pub fn into_response<A: ServerSpec>(self, request_id: &str) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        if let Some(body) = self.body {
            return with_request_id((status, axum::Json(*body)).into_response(), request_id);
        }
        let (error_type, error_code) = match self.refusal {
            Some(refusal) => {
                let code = A::ERRORS.code(refusal);
                (code.error_type, code.error_code)
            }
            None => (self.error_type.as_str(), self.error_code.as_str()),
        };
        let body = A::ErrorBody::from_parts(
            self.status,
            error_type,
            error_code,
            self.message,
            request_id,
        );
        with_request_id((status, axum::Json(body)).into_response(), request_id)
    }
}

/// Who may call, how request ids are made and what a request may cost: the part of a
/// service the routes use.
pub trait ServiceBasics: Send + Sync + 'static {
    /// Whether this client id and secret may call the API. Compare the secret in constant
    /// time.
    fn authenticate(&self, client_id: &str, secret: &str) -> bool;

    /// Who presents `credential` for the spec's security scheme `scheme` (an API key, a
    /// bearer token, a user and password), or `None` when it does not authenticate (401
    /// [`ServerErrors::invalid_credentials`]). The id becomes [`RequestContext::client_id`].
    /// The routes have checked that every credential of one alternative of the operation's
    /// requirement is present (401 [`ServerErrors::missing_credentials`] otherwise). Default:
    /// none authenticates, so a server whose service does not say who may call refuses every
    /// credential rather than taking any; compare secrets in constant time.
    fn identify(&self, scheme: &str, credential: Presented<'_>) -> Option<String> {
        let _ = (scheme, credential);
        None
    }

    /// A new request id.
    fn next_request_id(&self) -> String;

    /// The largest request body read; a larger one is refused with 413
    /// ([`ServerErrors::request_too_large`]) without being read to its end. Default 2 MiB.
    fn max_body_bytes(&self) -> usize {
        2 << 20
    }

    /// How long the whole body may take to arrive; a slower one is refused with 408
    /// ([`ServerErrors::request_timeout`]). Default 10 s.
    fn body_read_timeout(&self) -> Duration {
        Duration::from_secs(10)
    }

    /// Whether a request carrying this `Origin` header (a browser's) is served. Default: none
    /// is, so that a web page cannot drive the service with a user's browser.
    fn allows_origin(&self, origin: &str) -> bool {
        let _ = origin;
        false
    }

    /// A response the service has ready for this request, sent instead of calling the
    /// operation's method (the request id header is added): for an answer that repeats, which
    /// the service keeps encoded rather than building and encoding it per request. `request`
    /// has passed every check and rule; put `context.request_id` into the body. `None`, the
    /// default, calls the method.
    fn prepared_answer<Req: Operation + 'static>(
        &self,
        context: &RequestContext,
        request: &Req,
    ) -> Option<Result<Response, ServerError>> {
        let _ = (context, request);
        None
    }

    /// The answer of a JSON operation the service does not implement. `answer` conforms to
    /// the operation's response schema (see `server::answers`): a mock can decode it and put
    /// `context.request_id` in. `request` is the decoded, validated request, so that one hook
    /// can answer every operation from what its requests share (a token, say) without naming
    /// their types. Default: 501 ([`ServerErrors::not_implemented`]).
    fn unimplemented_json<T: DeserializeOwned, R: Serialize>(
        &self,
        operation: &'static str,
        answer: &'static str,
        context: &RequestContext,
        request: &R,
    ) -> Result<T, ServerError> {
        let _ = (answer, context, request);
        Err(ServerError::not_implemented(operation))
    }

    /// The answer of an operation the service does not implement whose answer is a document
    /// of `media_type` (`application/pdf`, say); `request` as for `unimplemented_json`.
    /// Default: 501 ([`ServerErrors::not_implemented`]).
    fn unimplemented_document<R: Serialize>(
        &self,
        operation: &'static str,
        media_type: &'static str,
        context: &RequestContext,
        request: &R,
    ) -> Result<Binary, ServerError> {
        let _ = (media_type, context, request);
        Err(ServerError::not_implemented(operation))
    }

    /// The answer of an operation the service does not implement whose answer has no body.
    /// Default: 501 ([`ServerErrors::not_implemented`]).
    fn unimplemented_empty<R: Serialize>(
        &self,
        operation: &'static str,
        context: &RequestContext,
        request: &R,
    ) -> Result<(), ServerError> {
        let _ = (context, request);
        Err(ServerError::not_implemented(operation))
    }
}

/// The routes of the API `A`: what its generated router calls per operation (a generated
/// crate names `Routes<Spec>` as `server_support::Routes`).
pub struct Routes<A>(PhantomData<fn() -> A>);

impl<A: ServerSpec> Routes<A> {
    /// One operation's route: `call` gets the service, the request's context and the decoded,
    /// validated request; every failure before or after it is answered in the API's error shape,
    /// and a request with another method than the operation's gets a 405 that names it.
    pub fn route<S, Req, Resp, Fut>(
        filter: MethodFilter,
        service: &Arc<S>,
        answer: impl Fn(Resp) -> Response + Clone + Send + Sync + 'static,
        call: impl Fn(Arc<S>, RequestContext, Req) -> Fut + Clone + Send + Sync + 'static,
    ) -> MethodRouter
    where
        S: ServiceBasics,
        Req: Operation + DeserializeOwned + Validate + Send + 'static,
        Fut: Future<Output = Result<Resp, ServerError>> + Send + 'static,
    {
        let wrong_method = service.clone();
        Self::route_method(filter, service, answer, call)
            .fallback(move || async move { Self::method_not_allowed(&*wrong_method, Req::METHOD) })
    }

    /// The routes of the operations that share one path, each its own method, and the 405 that
    /// names them all for any other method (`methods`, such as `GET, POST`).
    pub fn shared_path<S: ServiceBasics>(
        service: &Arc<S>,
        methods: &'static str,
        routes: impl IntoIterator<Item = MethodRouter>,
    ) -> MethodRouter {
        let wrong_method = service.clone();
        routes
            .into_iter()
            .fold(MethodRouter::new(), MethodRouter::merge)
            .fallback(move || async move { Self::method_not_allowed(&*wrong_method, methods) })
    }

    /// [`route`](Self::route) without its 405, for a path that several operations share ([`shared_path`](Self::shared_path)).
    pub fn route_method<S, Req, Resp, Fut>(
        filter: MethodFilter,
        service: &Arc<S>,
        answer: impl Fn(Resp) -> Response + Clone + Send + Sync + 'static,
        call: impl Fn(Arc<S>, RequestContext, Req) -> Fut + Clone + Send + Sync + 'static,
    ) -> MethodRouter
    where
        S: ServiceBasics,
        Req: Operation + DeserializeOwned + Validate + Send + 'static,
        Fut: Future<Output = Result<Resp, ServerError>> + Send + 'static,
    {
        let service = service.clone();
        axum::routing::on(filter, move |request: axum::extract::Request| async move {
            let (mut parts, body) = request.into_parts();
            // The router matched the path, so its parameters are there to read.
            let path = <axum::extract::RawPathParams as axum::extract::FromRequestParts<()>>::from_request_parts(&mut parts, &())
                .await
                .map(|params| {
                    // By position: the operations of one route may name a placeholder differently.
                    // Counted from the end, since a router this one is nested in puts its own
                    // parameters first.
                    let names: Vec<&str> = crate::path_placeholders(Req::PATH).collect();
                    let values: Vec<&str> = params.iter().map(|(_, value)| value).collect();
                    let outer = values.len().saturating_sub(names.len());
                    names
                        .iter()
                        .zip(&values[outer..])
                        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                        .collect()
                })
                .unwrap_or_default();
            let query = parts
                .uri
                .query()
                .map(crate::decode_query)
                .unwrap_or_default();
            let received = Received {
                headers: &parts.headers,
                path,
                query,
            };
            Self::handle(
                &*service,
                &received,
                body,
                answer.clone(),
                |context, request| call(service.clone(), context, request),
            )
            .await
        })
    }

    /// Runs one request through the pipeline described in the module docs.
    pub async fn handle<S, Req, Resp, Fut>(
        service: &S,
        received: &Received<'_>,
        body: Body,
        answer: impl FnOnce(Resp) -> Response,
        call: impl FnOnce(RequestContext, Req) -> Fut,
    ) -> Response
    where
        S: ServiceBasics + ?Sized,
        Req: Operation + DeserializeOwned + Validate + 'static,
        Fut: Future<Output = Result<Resp, ServerError>>,
    {
        let request_id = service.next_request_id();
        let outcome = async {
            let headers = received.headers;
            let header_credentials = admit::<A, S, Req>(service, received)?;
            // An operation without a body (a GET) reads none: its fields are its parameters.
            let body = if Req::HAS_BODY {
                read_body(service, headers, body).await?
            } else {
                Bytes::from_static(b"{}")
            };
            let (client_id, request) = match BodyEncoding::of::<Req>() {
                BodyEncoding::Multipart => {
                    read_multipart::<A, Req>(header_credentials, headers, body, received).await?
                }
                BodyEncoding::Form => read_form::<A, Req>(header_credentials, &body, received)?,
                BodyEncoding::Json => {
                    read_request::<A, S, Req>(service, header_credentials, &body, received)?
                }
            };
            let context = RequestContext {
                request_id: request_id.clone(),
                client_id,
            };
            match service.prepared_answer(&context, &request) {
                Some(prepared) => prepared.map(Answered::Prepared),
                None => call(context, request).await.map(Answered::Value),
            }
        }
        .await;
        match outcome {
            Ok(Answered::Value(response)) => with_request_id(answer(response), &request_id),
            Ok(Answered::Prepared(response)) => with_request_id(response, &request_id),
            Err(error) if error.status == 401 => {
                let challenge = credentials::challenge::<A>(Req::SECURITY.unwrap_or(A::SECURITY));
                let mut response = error.into_response::<A>(&request_id);
                if let Some(challenge) = challenge {
                    response
                        .headers_mut()
                        .insert(axum::http::header::WWW_AUTHENTICATE, challenge);
                }
                response
            }
            Err(error) => error.into_response::<A>(&request_id),
        }
    }

    /// The answer to a path no operation serves.
    pub fn not_found<S: ServiceBasics + ?Sized>(service: &S) -> Response {
        ServerError::refused(
            404,
            Refusal::NotFound,
            "no operation is served at this path",
        )
        .into_response::<A>(&service.next_request_id())
    }

    /// The answer to a known path called with another method than the operation's, `method`.
    pub fn method_not_allowed<S: ServiceBasics + ?Sized>(service: &S, method: &str) -> Response {
        ServerError::refused(
            405,
            Refusal::MethodNotAllowed,
            format!("this path takes {method}"),
        )
        .into_response::<A>(&service.next_request_id())
    }
}

/// A JSON answer.
pub fn json_answer<T: Serialize>(value: T) -> Response {
    axum::Json(value).into_response()
}

/// An answer with no body.
pub fn empty_answer((): ()) -> Response {
    StatusCode::OK.into_response()
}

/// `answer` with the operation's own success status (the spec's `status`: 201, 204).
pub fn with_status(status: u16, mut answer: Response) -> Response {
    if let Ok(status) = StatusCode::from_u16(status) {
        *answer.status_mut() = status;
    }
    answer
}

/// A document answer: the bytes, with the media type the operation's spec names.
pub fn document_answer(media_type: &'static str, document: Binary) -> Response {
    ([(CONTENT_TYPE, media_type)], document.into_bytes()).into_response()
}

/// What a request brought besides its body: its headers, and the parameters of its path.
pub struct Received<'a> {
    /// The request's headers.
    pub headers: &'a HeaderMap,
    /// The path parameters, by the operation's placeholder names.
    pub path: Vec<(String, String)>,
    /// The query string's pairs, decoded, in order.
    pub query: Vec<(String, String)>,
}

impl Received<'_> {
    fn parameter(&self, parameter: Parameter<'_>) -> Option<String> {
        match parameter {
            Parameter::Path(name) => self
                .path
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone()),
            Parameter::Header(name) => self
                .headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned),
            Parameter::Query { name, index } => self
                .query
                .iter()
                .filter(|(key, _)| key == name)
                .nth(index)
                .map(|(_, value)| value.clone()),
        }
    }
}

/// What the service answered: a value the route encodes, or a response it had ready
/// ([`ServiceBasics::prepared_answer`]).
enum Answered<Resp> {
    Value(Resp),
    Prepared(Response),
}

/// How an operation's body travels.
#[derive(Clone, Copy)]
enum BodyEncoding {
    Json,
    Multipart,
    Form,
}

impl BodyEncoding {
    fn of<Req: Operation>() -> Self {
        if Req::MULTIPART {
            BodyEncoding::Multipart
        } else if Req::FORM {
            BodyEncoding::Form
        } else {
            BodyEncoding::Json
        }
    }
}

/// The client id of a request whose body cannot carry credentials (a multipart or form
/// body): the headers', checked before the body was read.
fn header_client_id<A: ServerSpec>(admitted: Admitted, body: &str) -> Result<String, ServerError> {
    match admitted {
        Admitted::Caller(id) => Ok(id),
        Admitted::PairPending { .. } => Err(missing_pair::<A>(&format!(
            "headers (a {body} body does not carry them)"
        ))),
    }
}

/// Everything decided before the body is read: the origin, the content type, and the
/// credentials the headers, query and cookies carry (an operation that needs none looks at
/// none).
fn admit<A: ServerSpec, S: ServiceBasics + ?Sized, Req: Operation>(
    service: &S,
    received: &Received<'_>,
) -> Result<Admitted, ServerError> {
    let (headers, has_body, body) = (received.headers, Req::HAS_BODY, BodyEncoding::of::<Req>());
    if let Some(origin) = headers.get(ORIGIN)
        && !origin
            .to_str()
            .is_ok_and(|origin| service.allows_origin(origin))
    {
        return Err(ServerError::refused(
            403,
            Refusal::OriginNotAllowed,
            "requests from a web page (with an Origin header) are not served from this origin",
        ));
    }
    let (expected, message) = match body {
        BodyEncoding::Json => (
            "application/json",
            "the request body must be JSON, sent with Content-Type: application/json",
        ),
        BodyEncoding::Multipart => (
            "multipart/form-data",
            "the request body must be multipart/form-data, sent with its boundary",
        ),
        BodyEncoding::Form => (
            "application/x-www-form-urlencoded",
            "the request body must be a form, sent with Content-Type: application/x-www-form-urlencoded",
        ),
    };
    let fits = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media_type| media_type.trim().eq_ignore_ascii_case(expected));
    if has_body && !fits {
        return Err(ServerError::refused(
            415,
            Refusal::InvalidContentType,
            message,
        ));
    }
    if !Req::AUTHENTICATED {
        return Ok(Admitted::Caller(String::new()));
    }
    credentials::admit::<A, S>(service, received, Req::SECURITY.unwrap_or(A::SECURITY))
}

/// The whole body, within the service's size and time limits.
async fn read_body<S: ServiceBasics + ?Sized>(
    service: &S,
    headers: &HeaderMap,
    body: Body,
) -> Result<Bytes, ServerError> {
    let limit = service.max_body_bytes();
    let too_large = || {
        ServerError::refused(
            413,
            Refusal::RequestTooLarge,
            format!("the request body is larger than {limit} bytes"),
        )
    };
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(too_large());
    }
    let mut read = std::pin::pin!(axum::body::to_bytes(body, limit));
    // A small body has usually arrived with the head: read it without arming a timer.
    let arrived = std::future::poll_fn(|cx| Poll::Ready(read.as_mut().poll(cx))).await;
    let read = match arrived {
        Poll::Ready(read) => Ok(read),
        Poll::Pending => tokio::time::timeout(service.body_read_timeout(), read).await,
    };
    match read {
        Err(_) => Err(ServerError::refused(
            408,
            Refusal::RequestTimeout,
            format!(
                "the request body did not arrive within {:?}",
                service.body_read_timeout()
            ),
        )),
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(error)) => {
            let over_limit =
                std::iter::successors(Some(&error as &(dyn std::error::Error + 'static)), |e| {
                    e.source()
                })
                .any(|e| e.is::<http_body_util::LengthLimitError>());
            if over_limit {
                Err(too_large())
            } else {
                Err(ServerError::refused(
                    400,
                    Refusal::InvalidBody,
                    "the request body could not be read to its end",
                ))
            }
        }
    }
}

/// The header lets a proxy or an access log name the request without reading the body.
fn with_request_id(mut response: Response, request_id: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// The credentials a body may carry, read without building the rest of the document.
#[derive(Deserialize)]
struct BodyCredentials {
    client_id: Option<IgnoredAny>,
    secret: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct BodyCredentialValues {
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    secret: Option<String>,
}

fn read_request<A, S, Req>(
    service: &S,
    admitted: Admitted,
    body: &[u8],
    received: &Received<'_>,
) -> Result<(String, Req), ServerError>
where
    A: ServerSpec,
    S: ServiceBasics + ?Sized,
    Req: Operation + DeserializeOwned + Validate,
{
    let Some(first) = body.iter().find(|b| !b.is_ascii_whitespace()) else {
        return Err(ServerError::refused(
            400,
            Refusal::InvalidBody,
            match Req::WHOLE_BODY {
                true => "the request body is empty; send JSON",
                false => "the request body is empty; send a JSON object",
            },
        ));
    };
    if *first != b'{' && !Req::WHOLE_BODY {
        return Err(ServerError::refused(
            400,
            Refusal::InvalidBody,
            "the request body must be a JSON object",
        ));
    }
    let invalid_body = |error: serde_json::Error| {
        ServerError::refused(
            400,
            Refusal::InvalidBody,
            format!(
                "the request body is not valid JSON: {}",
                describe_json_error(&error, None)
            ),
        )
    };
    let client_id = match admitted {
        // Checked before the body was read.
        Admitted::Caller(id) => id,
        // A body that is not the request's object carries no credentials of the request's.
        pending if Req::WHOLE_BODY => header_client_id::<A>(pending, "whole")?,
        Admitted::PairPending {
            client_id: header_id,
            secret: header_secret,
        } => {
            // Only the two credential fields are kept, so an unauthenticated body costs a
            // scan, not a document.
            let in_body = serde_json::from_slice::<BodyCredentials>(body).map_err(invalid_body)?;
            let wanted = (header_id.is_none() && in_body.client_id.is_some())
                || (header_secret.is_none() && in_body.secret.is_some());
            let values = if wanted {
                serde_json::from_slice::<BodyCredentialValues>(body).map_err(|_| invalid_pair())?
            } else {
                BodyCredentialValues {
                    client_id: None,
                    secret: None,
                }
            };
            match (
                header_id.or(values.client_id),
                header_secret.or(values.secret),
            ) {
                (Some(id), Some(secret)) if service.authenticate(&id, &secret) => id,
                (Some(_), Some(_)) => return Err(invalid_pair()),
                _ => return Err(missing_pair::<A>("headers or in the body")),
            }
        }
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    // Strict on what it is sent: `null` for a field the spec does not make nullable is a value
    // of the wrong type, refused at its path like any other (a client stays lenient on what
    // servers answer).
    let decoded = refusing_null(|| serde_path_to_error::deserialize(&mut deserializer));
    let request: Req = decoded.map_err(|e| {
        let path = e.path().to_string();
        let message = e.inner().to_string();
        if let Some(rest) = message.strip_prefix("missing field `") {
            let field = rest.split('`').next().unwrap_or_default();
            let field = if path == "." {
                field.to_owned()
            } else {
                format!("{path}.{field}")
            };
            return ServerError::refused(
                400,
                Refusal::MissingFields,
                format!("the following required fields are missing: {field}"),
            );
        }
        if e.inner().is_syntax() || e.inner().is_eof() {
            return invalid_body(e.into_inner());
        }
        // Only on this failure path is the document built, to name the kind of value found,
        // and only for a small body: a JSON tree costs many times its text.
        let document = (body.len() <= 64 << 10)
            .then(|| serde_json::from_slice::<serde_json::Value>(body).ok())
            .flatten();
        let found = document
            .as_ref()
            .and_then(|document| value_at(document, e.path()));
        ServerError::refused(
            400,
            Refusal::InvalidField,
            format!("{path}: {}", describe_json_error(e.inner(), found)),
        )
    })?;
    deserializer.end().map_err(invalid_body)?;
    let request = parameters_and_rules(request, received)?;
    Ok((client_id, request))
}

/// A decoded request with its path and header parameters filled in, once it passes its rules.
fn parameters_and_rules<Req: Operation + Validate>(
    mut request: Req,
    received: &Received<'_>,
) -> Result<Req, ServerError> {
    request
        .set_parameters(&|parameter| received.parameter(parameter))
        .map_err(|message| ServerError::refused(400, Refusal::InvalidField, message))?;
    request.validate().map_err(|errors| {
        let violations: Vec<String> = errors
            .violations()
            .iter()
            .map(ToString::to_string)
            .collect();
        ServerError::refused(
            400,
            Refusal::InvalidField,
            format!("invalid fields: {}", violations.join("; ")),
        )
    })?;
    Ok(request)
}

/// A `multipart/form-data` body, read within the same limits as JSON (it was read whole by
/// `read_body`), decoded part by part into the request: a part with a file name is a file,
/// any other part text. Its credentials travel in the headers. No message quotes a part's
/// content or a name the request type does not know.
async fn read_multipart<A, Req>(
    admitted: Admitted,
    headers: &HeaderMap,
    body: Bytes,
    received: &Received<'_>,
) -> Result<(String, Req), ServerError>
where
    A: ServerSpec,
    Req: Operation + DeserializeOwned + Validate,
{
    let invalid_body = |message: &str| ServerError::refused(400, Refusal::InvalidBody, message);
    let client_id = header_client_id::<A>(admitted, "multipart")?;
    let boundary = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| multer::parse_boundary(v).ok())
        .ok_or_else(|| invalid_body("the multipart/form-data content type names no boundary"))?;
    let mut multipart = multer::Multipart::with_reader(std::io::Cursor::new(body), boundary);
    let mut parts = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => return Err(invalid_body("the multipart body is malformed or cut short")),
        };
        let Some(name) = field.name().map(str::to_owned) else {
            return Err(invalid_body("a part of the multipart body has no name"));
        };
        let file_name = field.file_name().map(str::to_owned);
        let media_type = field.content_type().map(ToString::to_string);
        let bytes = field
            .bytes()
            .await
            .map_err(|_| invalid_body("the multipart body is malformed or cut short"))?;
        let part = match file_name {
            Some(file_name) => Part::File(FilePart::new(
                file_name,
                media_type.unwrap_or_else(|| "application/octet-stream".to_owned()),
                bytes.to_vec(),
            )),
            None => {
                let text = String::from_utf8(bytes.to_vec())
                    .map_err(|_| invalid_body("a text part of the multipart body is not UTF-8"))?;
                let json = media_type.as_deref().is_some_and(|media_type| {
                    let essence = media_type.split(';').next().unwrap_or_default().trim();
                    essence.eq_ignore_ascii_case("application/json") || essence.ends_with("+json")
                });
                if json {
                    Part::Json(text)
                } else {
                    Part::Text(text)
                }
            }
        };
        parts.push((name, part));
    }
    let request: Req = from_parts(parts).map_err(|error| {
        let code = match error {
            PartsError::Missing(_) => Refusal::MissingFields,
            PartsError::Invalid(_) => Refusal::InvalidField,
            PartsError::Other(_) => Refusal::InvalidBody,
        };
        ServerError::refused(400, code, error.to_string())
    })?;
    Ok((client_id, parameters_and_rules(request, received)?))
}

/// A request sent as a form (the spec's `body: form`): its body fields from the form, its
/// parameters from the path, query and headers, then its rules.
fn read_form<A, Req>(
    admitted: Admitted,
    body: &[u8],
    received: &Received<'_>,
) -> Result<(String, Req), ServerError>
where
    A: ServerSpec,
    Req: Operation + DeserializeOwned + Validate,
{
    let client_id = header_client_id::<A>(admitted, "form")?;
    let request = match Req::from_form(body) {
        Some(Ok(request)) => request,
        Some(Err(error)) => {
            let path = error.path.as_deref().filter(|path| *path != ".");
            let missing = error
                .message
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next());
            let refusal = match (missing, path) {
                (Some(field), Some(path)) => (
                    Refusal::MissingFields,
                    format!("the following required fields are missing: {path}.{field}"),
                ),
                (Some(field), None) => (
                    Refusal::MissingFields,
                    format!("the following required fields are missing: {field}"),
                ),
                (None, Some(path)) => (Refusal::InvalidField, format!("{path}: {}", error.message)),
                (None, None) => (Refusal::InvalidBody, error.message),
            };
            return Err(ServerError::refused(400, refusal.0, refusal.1));
        }
        // `FORM` comes with `from_form` in every generated operation.
        None => {
            return Err(ServerError::refused(
                415,
                Refusal::InvalidContentType,
                "this operation takes no form body",
            ));
        }
    };
    Ok((client_id, parameters_and_rules(request, received)?))
}

#[cfg(test)]
mod tests {
    use std::fmt;

    use super::*;

    #[derive(Debug, Serialize, Deserialize)]
    struct Body {
        error_code: String,
        message: String,
        request_id: String,
    }

    impl fmt::Display for Body {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(&self.message)
        }
    }

    impl ErrorBody for Body {
        fn request_id(&self) -> Option<&str> {
            Some(&self.request_id)
        }
    }

    impl ServerErrorBody for Body {
        fn from_parts(_: u16, _: &str, code: &str, message: String, request_id: &str) -> Self {
            Body {
                error_code: code.to_owned(),
                message,
                request_id: request_id.to_owned(),
            }
        }
    }

    struct Api;

    const fn code(error_code: &'static str) -> ErrorCode {
        ErrorCode {
            error_type: "INVALID_REQUEST",
            error_code,
        }
    }

    impl ServerSpec for Api {
        type ErrorBody = Body;
        const CHECKS_CREDENTIALS: bool = false;
        const CLIENT_ID_HEADER: &'static str = "";
        const SECRET_HEADER: &'static str = "";
        const ERRORS: ServerErrors = ServerErrors {
            origin_not_allowed: code("ORIGIN"),
            invalid_content_type: code("CONTENT_TYPE"),
            invalid_credentials: code("INVALID_CREDENTIALS"),
            missing_credentials: code("MISSING_CREDENTIALS"),
            request_too_large: code("TOO_LARGE"),
            request_timeout: code("TIMEOUT"),
            invalid_body: code("INVALID_BODY"),
            missing_fields: code("MISSING_FIELDS"),
            invalid_field: code("INVALID_FIELD"),
            not_found: code("NOT_FOUND"),
            method_not_allowed: code("METHOD"),
            not_implemented: code("NOT_IMPLEMENTED"),
        };
        const SECURITY_SCHEMES: &'static [crate::auth::SecurityScheme] = &[];
        const SECURITY: crate::auth::Requirement = &[];
    }

    async fn answered(error: ServerError) -> (StatusCode, Option<String>, Body) {
        let response = error.into_response::<Api>("req-1");
        let status = response.status();
        let header = response
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .expect("body");
        (
            status,
            header,
            serde_json::from_slice(&bytes).expect("an error body"),
        )
    }

    #[tokio::test]
    async fn a_refusal_is_answered_with_the_apis_code_and_a_services_error_with_its_own() {
        let refusal = ServerError::not_implemented("pets_list");
        assert_eq!(refusal.refusal(), Some(Refusal::NotImplemented));
        let (status, header, body) = answered(refusal).await;
        assert_eq!(status, StatusCode::NOT_IMPLEMENTED);
        assert_eq!(header.as_deref(), Some("req-1"));
        assert_eq!(body.error_code, "NOT_IMPLEMENTED");
        assert_eq!(body.request_id, "req-1");
        let own = ServerError::new(409, "PET_ERROR", "TAKEN", "the name is taken");
        let (status, _, body) = answered(own).await;
        assert_eq!((status.as_u16(), body.error_code.as_str()), (409, "TAKEN"));
    }

    #[tokio::test]
    async fn a_body_of_its_own_is_answered_as_it_is_and_never_as_a_success() {
        let oauth = serde_json::json!({"error": "invalid_grant"});
        let response = ServerError::with_body(400, &oauth).into_response::<Api>("req-2");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(response.headers()["x-request-id"], "req-2");
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .expect("body");
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&bytes).ok(),
            Some(oauth.clone())
        );
        let success = ServerError::with_body(200, &oauth).into_response::<Api>("req-3");
        assert_eq!(success.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
