//! Serving the API: what every operation's route does before and after the implementation.
//!
//! Each route reads the body, authenticates, decodes, validates with the generated
//! validators, calls the implementation and writes the JSON answer. Every failure is answered
//! in the API's error shape with a 4xx status: a malformed request can produce neither a panic
//! nor a 500, and every answer carries a request id.

use ::std::future::Future;

use ::axum::http::{HeaderMap, StatusCode};
use ::axum::response::{IntoResponse, Response};

use crate::operations::{ApiErrorBody, CLIENT_ID_HEADER, SECRET_HEADER};
use crate::validate::Validate;

/// Builds the API's error body from its parts: the spec's `api.error_fields` says which fields
/// of the error type receive them.
pub trait ServerErrorBody: crate::runtime::ErrorBody + ::serde::Serialize {
    fn from_parts(status: u16, error_type: &str, error_code: &str, message: ::std::string::String, request_id: &str) -> Self;
}

/// What the route knows about a request when it calls the implementation.
#[derive(Clone, Debug)]
pub struct RequestContext {
    /// The id of this request; put it into the response.
    pub request_id: ::std::string::String,
    /// The authenticated client.
    pub client_id: ::std::string::String,
}

/// An error answer: an HTTP status and the API's error type, code and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerError {
    pub status: u16,
    pub error_type: ::std::string::String,
    pub error_code: ::std::string::String,
    pub message: ::std::string::String,
}

impl ServerError {
    pub fn new(
        status: u16,
        error_type: impl ::std::convert::Into<::std::string::String>,
        error_code: impl ::std::convert::Into<::std::string::String>,
        message: impl ::std::convert::Into<::std::string::String>,
    ) -> Self {
        Self { status, error_type: error_type.into(), error_code: error_code.into(), message: message.into() }
    }

    fn invalid_request(code: &str, message: impl ::std::convert::Into<::std::string::String>) -> Self {
        Self::new(400, "INVALID_REQUEST", code, message)
    }

    /// The answer, with the request id in the body and in the `x-request-id` header.
    pub fn into_response(self, request_id: &str) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        let body = <ApiErrorBody as ServerErrorBody>::from_parts(self.status, &self.error_type, &self.error_code, self.message, request_id);
        with_request_id((status, ::axum::Json(body)).into_response(), request_id)
    }
}

/// Who may call, and how request ids are made: the part of a service the routes use.
pub trait ServiceBasics: ::std::marker::Send + ::std::marker::Sync + 'static {
    /// Whether this client id and secret may call the API.
    fn authenticate(&self, client_id: &str, secret: &str) -> bool;

    /// A new request id.
    fn next_request_id(&self) -> ::std::string::String;
}

/// One operation's route: `call` gets the service, the request's context and the decoded,
/// validated request; every failure before or after it is answered in the API's error shape.
pub fn route<S, Req, Resp, Fut>(
    filter: ::axum::routing::MethodFilter,
    service: &::std::sync::Arc<S>,
    call: impl Fn(::std::sync::Arc<S>, RequestContext, Req) -> Fut + Clone + ::std::marker::Send + ::std::marker::Sync + 'static,
) -> ::axum::routing::MethodRouter
where
    S: ServiceBasics,
    Req: ::serde::de::DeserializeOwned + Validate + ::std::marker::Send + 'static,
    Resp: ::serde::Serialize,
    Fut: Future<Output = ::std::result::Result<Resp, ServerError>> + ::std::marker::Send + 'static,
{
    let service = service.clone();
    ::axum::routing::on(filter, move |headers: HeaderMap, body: ::axum::body::Bytes| async move {
        handle(&*service, &headers, &body, |context, request| call(service.clone(), context, request)).await
    })
}

/// Runs one request through the pipeline described in the module docs.
pub async fn handle<S, Req, Resp, Fut>(
    service: &S,
    headers: &HeaderMap,
    body: &[u8],
    call: impl FnOnce(RequestContext, Req) -> Fut,
) -> Response
where
    S: ServiceBasics + ?::std::marker::Sized,
    Req: ::serde::de::DeserializeOwned + Validate,
    Resp: ::serde::Serialize,
    Fut: Future<Output = ::std::result::Result<Resp, ServerError>>,
{
    let request_id = service.next_request_id();
    let outcome = async {
        let (client_id, request) = read_request::<S, Req>(service, headers, body)?;
        let context = RequestContext { request_id: request_id.clone(), client_id };
        call(context, request).await
    }
    .await;
    match outcome {
        ::std::result::Result::Ok(response) => with_request_id(::axum::Json(response).into_response(), &request_id),
        ::std::result::Result::Err(error) => error.into_response(&request_id),
    }
}

/// The header lets a proxy or an access log name the request without reading the body.
fn with_request_id(mut response: Response, request_id: &str) -> Response {
    if let ::std::result::Result::Ok(value) = ::axum::http::HeaderValue::from_str(request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

fn read_request<S, Req>(service: &S, headers: &HeaderMap, body: &[u8]) -> ::std::result::Result<(::std::string::String, Req), ServerError>
where
    S: ServiceBasics + ?::std::marker::Sized,
    Req: ::serde::de::DeserializeOwned + Validate,
{
    if body.iter().all(u8::is_ascii_whitespace) {
        return ::std::result::Result::Err(ServerError::invalid_request("INVALID_BODY", "the request body is empty; send a JSON object"));
    }
    let value: ::serde_json::Value = ::serde_json::from_slice(body)
        .map_err(|e| ServerError::invalid_request("INVALID_BODY", ::std::format!("the request body is not valid JSON: {e}")))?;
    let ::serde_json::Value::Object(fields) = &value else {
        return ::std::result::Result::Err(ServerError::invalid_request("INVALID_BODY", "the request body must be a JSON object"));
    };
    let credential = |header: &str, field: &str| {
        headers
            .get(header)
            .and_then(|v| v.to_str().ok())
            .or_else(|| fields.get(field).and_then(::serde_json::Value::as_str))
            .map(str::to_owned)
    };
    let (client_id, secret) = (credential(CLIENT_ID_HEADER, "client_id"), credential(SECRET_HEADER, "secret"));
    let client_id = match (client_id, secret) {
        (::std::option::Option::Some(id), ::std::option::Option::Some(secret)) if service.authenticate(&id, &secret) => id,
        (::std::option::Option::Some(_), ::std::option::Option::Some(_)) => {
            return ::std::result::Result::Err(ServerError::new(400, "INVALID_INPUT", "INVALID_API_KEYS", "invalid client_id or secret provided"));
        }
        _ => {
            return ::std::result::Result::Err(ServerError::new(
                400,
                "INVALID_INPUT",
                "INVALID_API_KEYS",
                ::std::format!("client_id and secret are required, in the {CLIENT_ID_HEADER} and {SECRET_HEADER} headers or in the body"),
            ));
        }
    };
    let request: Req = ::serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let message = e.inner().to_string();
        match message.strip_prefix("missing field `") {
            ::std::option::Option::Some(rest) => {
                let field = rest.split('`').next().unwrap_or_default();
                let field = if path == "." { field.to_owned() } else { ::std::format!("{path}.{field}") };
                ServerError::invalid_request("MISSING_FIELDS", ::std::format!("the following required fields are missing: {field}"))
            }
            ::std::option::Option::None => ServerError::invalid_request("INVALID_FIELD", ::std::format!("{path}: {message}")),
        }
    })?;
    request.validate().map_err(|errors| {
        let violations: ::std::vec::Vec<::std::string::String> = errors.violations().iter().map(::std::string::ToString::to_string).collect();
        ServerError::invalid_request("INVALID_FIELD", ::std::format!("invalid fields: {}", violations.join("; ")))
    })?;
    ::std::result::Result::Ok((client_id, request))
}

/// The answer to a path no operation serves.
pub fn not_found<S: ServiceBasics + ?::std::marker::Sized>(service: &S) -> Response {
    ServerError::new(404, "INVALID_REQUEST", "NOT_FOUND", "no operation is served at this path").into_response(&service.next_request_id())
}

/// The answer to a known path called with another method than the operation's.
pub fn method_not_allowed<S: ServiceBasics + ?::std::marker::Sized>(service: &S) -> Response {
    ServerError::new(405, "INVALID_REQUEST", "METHOD_NOT_ALLOWED", "this path takes POST").into_response(&service.next_request_id())
}
