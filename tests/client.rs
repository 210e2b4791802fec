//! The generated client against real HTTP servers on 127.0.0.1: a scripted axum server that
//! records every request it receives, and a raw TCP server for answers HTTP cannot express.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use plaid_api::prelude::*;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SECRET: &str = "sk-test-3b1f0c9e-do-not-print";
const CLIENT_ID: &str = "client-id-1234";

// ---------------------------------------------------------------------------------------------
// A scripted server.

#[derive(Clone, Debug)]
struct Recorded {
    method: Method,
    path: String,
    headers: HeaderMap,
    body: Value,
}

#[derive(Clone)]
enum Reply {
    Json(u16, Value),
    WithHeader(u16, Value, &'static str, &'static str),
    Raw(u16, &'static str, &'static str),
    After(Duration, Box<Reply>),
}

#[derive(Default)]
struct Script {
    replies: VecDeque<Reply>,
    received: Vec<Recorded>,
}

struct Server {
    base_url: String,
    script: Arc<Mutex<Script>>,
}

impl Server {
    async fn start(replies: Vec<Reply>) -> Server {
        let script = Arc::new(Mutex::new(Script {
            replies: replies.into(),
            received: Vec::new(),
        }));
        let state = script.clone();
        let app = axum::Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let state = state.clone();
                async move {
                    let reply = {
                        let mut script = state.lock().expect("script lock");
                        let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
                        script.received.push(Recorded {
                            method,
                            path: uri.path().to_owned(),
                            headers,
                            body,
                        });
                        script.replies.pop_front()
                    };
                    match reply {
                        Some(reply) => respond(reply).await,
                        None => (StatusCode::IM_A_TEAPOT, "no scripted reply left").into_response(),
                    }
                }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base_url = format!("http://{}", listener.local_addr().expect("address"));
        tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
        Server { base_url, script }
    }

    fn received(&self) -> Vec<Recorded> {
        self.script.lock().expect("script lock").received.clone()
    }

    fn client(&self) -> ClientBuilder {
        Client::builder()
            .environment(Environment::Custom(self.base_url.clone()))
            .client_id(CLIENT_ID)
            .secret(SECRET)
            .retry(RetryPolicy {
                initial_backoff: Duration::from_millis(10),
                ..RetryPolicy::default()
            })
    }
}

fn respond(reply: Reply) -> std::pin::Pin<Box<dyn std::future::Future<Output = Response> + Send>> {
    Box::pin(async move {
        match reply {
            Reply::Json(status, body) => (
                StatusCode::from_u16(status).expect("status"),
                axum::Json(body),
            )
                .into_response(),
            Reply::WithHeader(status, body, name, value) => {
                let mut response = (
                    StatusCode::from_u16(status).expect("status"),
                    axum::Json(body),
                )
                    .into_response();
                response
                    .headers_mut()
                    .insert(name, HeaderValue::from_static(value));
                response
            }
            Reply::Raw(status, content_type, body) => {
                let mut response =
                    (StatusCode::from_u16(status).expect("status"), body).into_response();
                response
                    .headers_mut()
                    .insert("content-type", HeaderValue::from_static(content_type));
                response
            }
            Reply::After(delay, reply) => {
                tokio::time::sleep(delay).await;
                respond(*reply).await
            }
        }
    })
}

fn example(name: &str) -> Value {
    plaid_tests::spec_model()
        .find_type(name)
        .and_then(|t| t.examples.first())
        .map(|e| e.value.clone())
        .expect("example")
}

fn plaid_error(status: u16, error_type: &str, error_code: &str) -> Value {
    json!({
        "error_type": error_type,
        "error_code": error_code,
        "error_message": "the user token is invalid",
        "display_message": null,
        "request_id": "req-error-1",
        "causes": [],
        "status": status,
        "documentation_url": "https://plaid.com/docs/errors",
        "suggested_action": null
    })
}

fn items_get_request() -> UserItemsGetRequest {
    serde_json::from_value(example("UserItemsGetRequest")).expect("example")
}

fn user_create_request() -> UserCreateRequest {
    serde_json::from_value(example("UserCreateRequest")).expect("example")
}

// ---------------------------------------------------------------------------------------------
// On the wire.

/// Every operation: POST to its path, the credentials and version in headers, the request as
/// the JSON body, and the response decoded.
#[tokio::test]
async fn every_operation_sends_headers_and_json_body_and_decodes_the_response() {
    macro_rules! check_operations {
        ($($method:ident: $request:ident => $response:ident),* $(,)?) => {{
            let replies = vec![$(Reply::Json(200, example(stringify!($response)))),*];
            let server = Server::start(replies).await;
            let client = server.client().build().expect("client");
            let mut sent = Vec::new();
            $(
                let request: $request = serde_json::from_value(example(stringify!($request))).expect("example");
                let response = PlaidApi::$method(&client, &request).await.expect(stringify!($method));
                assert_eq!(serde_json::to_value(&response).expect("encode"), example(stringify!($response)));
                sent.push((<$request as Operation>::PATH, serde_json::to_value(&request).expect("encode")));
            )*
            (server.received(), sent)
        }};
    }
    let (received, sent) = check_operations!(
        user_create: UserCreateRequest => UserCreateResponse,
        user_update: UserUpdateRequest => UserUpdateResponse,
        user_remove: UserRemoveRequest => UserRemoveResponse,
        user_items_get: UserItemsGetRequest => UserItemsGetResponse,
        sandbox_user_reset_login: SandboxUserResetLoginRequest => SandboxUserResetLoginResponse,
        beacon_user_create: BeaconUserCreateRequest => BeaconUserCreateResponse,
    );
    assert_eq!(
        received.len(),
        plaid_tests::spec_model().operations.len(),
        "one call per operation"
    );
    for (recorded, (path, body)) in received.iter().zip(sent) {
        assert_eq!(recorded.method, Method::POST);
        assert_eq!(recorded.path, path);
        assert_eq!(recorded.headers["plaid-client-id"], CLIENT_ID);
        assert_eq!(recorded.headers["plaid-secret"], SECRET);
        assert_eq!(recorded.headers["plaid-version"], "2020-09-14");
        assert_eq!(recorded.headers["content-type"], "application/json");
        assert!(
            recorded.headers["user-agent"]
                .to_str()
                .expect("ascii")
                .starts_with("plaid-api/")
        );
        assert_eq!(recorded.body, body, "{path}");
    }
}

#[tokio::test]
async fn credentials_in_the_body_stay_in_the_body() {
    let server = Server::start(vec![Reply::Json(200, example("UserItemsGetResponse"))]).await;
    let client = server.client().build().expect("client");
    let request = UserItemsGetRequest {
        client_id: Some("body-id".into()),
        secret: Some("body-secret".into()),
        ..items_get_request()
    };
    client.user_items_get(&request).await.expect("success");
    let received = &server.received()[0];
    assert_eq!(received.body["client_id"], "body-id");
    assert_eq!(received.body["secret"], "body-secret");
    assert_eq!(received.headers["plaid-client-id"], CLIENT_ID);
}

#[tokio::test]
async fn a_client_of_your_own_is_used() {
    let server = Server::start(vec![Reply::Json(200, example("UserItemsGetResponse"))]).await;
    let own = reqwest::Client::builder()
        .user_agent("ignored-by-header")
        .build()
        .expect("reqwest client");
    let client = server
        .client()
        .http_client(own)
        .user_agent("my-service/2.0")
        .build()
        .expect("client");
    client
        .user_items_get(&items_get_request())
        .await
        .expect("success");
    assert_eq!(server.received()[0].headers["user-agent"], "my-service/2.0");
}

#[tokio::test]
async fn an_invalid_request_never_reaches_the_network() {
    let server = Server::start(vec![]).await;
    let client = server.client().build().expect("client");
    let request = UserCreateRequest {
        client_user_id: String::new(),
        ..user_create_request()
    };
    let error = client.user_create(&request).await.expect_err("invalid");
    let Error::Validation(errors) = &error else {
        panic!("expected a validation error, got {error:?}")
    };
    assert_eq!(errors.violations()[0].path, "client_user_id");
    assert_eq!(errors.violations()[0].rule, "min_length");
    assert!(server.received().is_empty(), "no HTTP call was made");
}

// ---------------------------------------------------------------------------------------------
// Errors.

#[tokio::test]
async fn a_400_keeps_the_status_the_typed_error_and_the_raw_body() {
    let server = Server::start(vec![Reply::Json(
        400,
        plaid_error(400, "INVALID_INPUT", "INVALID_USER_TOKEN"),
    )])
    .await;
    let client = server.client().build().expect("client");
    let error = client
        .user_items_get(&items_get_request())
        .await
        .expect_err("400");
    assert_eq!(error.status(), Some(400));
    assert_eq!(error.request_id(), Some("req-error-1"));
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}")
    };
    let plaid = api.error.as_ref().expect("a Plaid error body");
    assert_eq!(plaid.error_type, PlaidErrorType::InvalidInput);
    assert_eq!(plaid.error_code, "INVALID_USER_TOKEN");
    assert_eq!(plaid.display_message, None);
    assert!(api.body().contains("INVALID_USER_TOKEN"));
    assert_eq!(
        error.to_string(),
        "HTTP 400: INVALID_INPUT INVALID_USER_TOKEN: the user token is invalid"
    );
    assert_eq!(server.received().len(), 1, "a 400 is not retried");
}

#[tokio::test]
async fn an_html_error_page_is_a_clear_error() {
    let page = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let server = Server::start(vec![Reply::Raw(502, "text/html", page)]).await;
    let client = server
        .client()
        .retry(RetryPolicy::never())
        .build()
        .expect("client");
    let error = client
        .user_items_get(&items_get_request())
        .await
        .expect_err("502");
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}")
    };
    assert!(api.error.is_none());
    assert_eq!(api.body(), page);
    let text = error.to_string();
    assert!(
        text.starts_with("HTTP 502: the body is not an API error object (text/html,"),
        "{text}"
    );
    assert!(text.contains("502 Bad Gateway"), "{text}");
}

#[tokio::test]
async fn a_truncated_json_body_is_a_decode_error() {
    let server = Server::start(vec![Reply::Raw(
        200,
        "application/json",
        r#"{"user_id": "usr_1", "request_id": "req"#,
    )])
    .await;
    let client = server.client().build().expect("client");
    let error = client
        .user_create(&user_create_request())
        .await
        .expect_err("truncated");
    let Error::Decode(decode) = &error else {
        panic!("expected a decode error, got {error:?}")
    };
    assert!(decode.message.contains("EOF"), "{decode:?}");
    assert_eq!(server.received().len(), 1, "a decode error is not retried");
}

#[tokio::test]
async fn a_decode_error_names_the_json_path_and_redacts_the_snippet() {
    let mut body = example("UserItemsGetResponse");
    body["items"][1]["available_products"] = json!("balance");
    body["user_token"] = json!("user-sandbox-should-not-appear");
    let server = Server::start(vec![Reply::Json(200, body)]).await;
    let client = server.client().build().expect("client");
    let error = client
        .user_items_get(&items_get_request())
        .await
        .expect_err("bad shape");
    let Error::Decode(decode) = &error else {
        panic!("expected a decode error, got {error:?}")
    };
    assert_eq!(decode.path, "items[1].available_products");
    let text = format!("{error} {error:?}");
    assert!(text.contains("items[1].available_products"), "{text}");
    assert!(
        !text.contains("user-sandbox-should-not-appear"),
        "a sensitive field leaked: {text}"
    );
}

#[tokio::test]
async fn a_body_cut_off_mid_stream_is_a_transport_error() {
    // Promises 500 bytes, sends a few, hangs up: HTTP itself is broken, not just the JSON.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buffer = [0u8; 8192];
            let _ = socket.read(&mut buffer).await;
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{\"request_id\":";
            let _ = socket.write_all(head.as_bytes()).await;
        }
    });
    let client = Client::builder()
        .environment(Environment::Custom(format!("http://{address}")))
        .retry(RetryPolicy::never())
        .build()
        .expect("client");
    let error = client
        .user_create(&user_create_request())
        .await
        .expect_err("cut off");
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
}

#[tokio::test]
async fn no_server_at_all_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let client = Client::builder()
        .environment(Environment::Custom(format!("http://{address}")))
        .retry(RetryPolicy {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
        .build()
        .expect("client");
    let error = client
        .user_create(&user_create_request())
        .await
        .expect_err("refused");
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
}

// ---------------------------------------------------------------------------------------------
// Retries and timeouts.

#[tokio::test]
async fn a_500_then_success_is_retried_for_an_idempotent_operation() {
    let server = Server::start(vec![
        Reply::Json(500, plaid_error(500, "API_ERROR", "INTERNAL_SERVER_ERROR")),
        Reply::Json(200, example("UserItemsGetResponse")),
    ])
    .await;
    let client = server.client().build().expect("client");
    let response = client
        .user_items_get(&items_get_request())
        .await
        .expect("success after a retry");
    assert_eq!(response.request_id, "m8MDnv9okwxFNBV");
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn a_500_is_not_retried_for_a_create() {
    let server = Server::start(vec![
        Reply::Json(500, plaid_error(500, "API_ERROR", "INTERNAL_SERVER_ERROR")),
        Reply::Json(200, example("UserCreateResponse")),
    ])
    .await;
    let client = server.client().build().expect("client");
    let error = client
        .user_create(&user_create_request())
        .await
        .expect_err("500");
    assert_eq!(error.status(), Some(500));
    assert_eq!(
        server.received().len(),
        1,
        "a create that may have taken effect is not repeated"
    );
}

#[tokio::test]
async fn a_429_waits_for_retry_after_and_retries_even_a_create() {
    let server = Server::start(vec![
        Reply::WithHeader(
            429,
            plaid_error(429, "RATE_LIMIT_EXCEEDED", "RATE_LIMIT"),
            "retry-after",
            "1",
        ),
        Reply::Json(200, example("UserCreateResponse")),
    ])
    .await;
    let client = server.client().build().expect("client");
    let started = Instant::now();
    client
        .user_create(&user_create_request())
        .await
        .expect("success after the wait");
    assert_eq!(server.received().len(), 2);
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "Retry-After: 1 was not honoured"
    );
}

#[tokio::test]
async fn a_retry_after_beyond_the_longest_backoff_is_returned_not_waited_for() {
    let server = Server::start(vec![Reply::WithHeader(
        429,
        plaid_error(429, "RATE_LIMIT_EXCEEDED", "RATE_LIMIT"),
        "retry-after",
        "3600",
    )])
    .await;
    let client = server.client().build().expect("client");
    let error = client
        .user_create(&user_create_request())
        .await
        .expect_err("429");
    assert_eq!(error.status(), Some(429));
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn a_slow_answer_times_out_and_an_idempotent_call_is_tried_again() {
    let slow = || {
        Reply::After(
            Duration::from_secs(5),
            Box::new(Reply::Json(200, example("UserItemsGetResponse"))),
        )
    };
    let server = Server::start(vec![slow(), slow()]).await;
    let client = server
        .client()
        .timeout(Duration::from_millis(200))
        .retry(RetryPolicy {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(10),
            ..RetryPolicy::default()
        })
        .build()
        .expect("client");
    let error = client
        .user_items_get(&items_get_request())
        .await
        .expect_err("timeout");
    assert!(
        matches!(error, Error::Timeout(after) if after == Duration::from_millis(200)),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "no complete answer within the timeout of 200ms"
    );
    assert_eq!(server.received().len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Secrets.

/// A `MakeWriter` that appends every log line to a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn secrets_appear_in_no_log_line_error_or_debug_output() {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut echo = plaid_error(400, "INVALID_API_KEYS", "INVALID_SECRET");
    echo["error_message"] = json!(format!("secret {SECRET} is not valid"));
    let server = Server::start(vec![
        Reply::Json(200, example("UserCreateResponse")),
        Reply::Json(500, plaid_error(500, "API_ERROR", "INTERNAL_SERVER_ERROR")),
        Reply::Json(200, example("UserItemsGetResponse")),
        Reply::Raw(
            400,
            "text/plain",
            "bad secret sk-test-3b1f0c9e-do-not-print",
        ),
        Reply::Json(400, echo),
    ])
    .await;
    let builder = server.client();
    let client = builder.clone().build().expect("client");
    let created = client
        .user_create(&user_create_request())
        .await
        .expect("created");
    client
        .user_items_get(&items_get_request())
        .await
        .expect("retried");
    let plain = client
        .user_items_get(&items_get_request())
        .await
        .expect_err("plain-text 400");
    let mut request = items_get_request();
    request.secret = Some(SECRET.into());
    let echoed = client
        .user_items_get(&request)
        .await
        .expect_err("echoing 400");

    let logs = String::from_utf8(logs.0.lock().expect("log lock").clone()).expect("utf-8 logs");
    assert!(
        logs.contains("user_create") && logs.contains("Aim3b"),
        "the span carries operation and request_id:\n{logs}"
    );
    let shown = [
        logs,
        format!("{client:?}"),
        format!("{builder:?}"),
        format!("{created:?}"),
        format!("{request:?}"),
        format!("{plain} {plain:?}"),
        format!("{echoed} {echoed:?}"),
    ];
    for text in &shown {
        assert!(!text.contains(SECRET), "the secret leaked:\n{text}");
        assert!(
            !text.contains("user-sandbox-b0e2c4ee"),
            "the user token leaked:\n{text}"
        );
    }
}
