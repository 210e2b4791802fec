//! The generated client against real HTTP servers on 127.0.0.1: a scripted axum server that
//! records every request it receives, and a raw TCP server for answers HTTP cannot express
//! (a body cut off, a body without end, a `Content-Length` that is never sent); both from
//! `plaid_tests::servers`.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use plaid_api::prelude::*;
use plaid_tests::servers::{CHUNKED_200, Reply, Server, http_chunk, raw_server};
use plaid_tests::{CLIENT_ID, SECRET, client_builder, example};
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

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

/// The API error a call failed with; any other failure fails the test.
fn api_error(error: &Error) -> &plaid_api::http::ApiError {
    match error {
        Error::Api(api) => api,
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn items_get_request() -> UserItemsGetRequest {
    plaid_tests::example_as("UserItemsGetRequest")
}

fn user_create_request() -> UserCreateRequest {
    plaid_tests::example_as("UserCreateRequest")
}

// ---------------------------------------------------------------------------------------------
// On the wire.

/// The example of a type, or a minimal valid value of it when the spec gives none.
fn example_or_synth(id: codegen::ir::TypeId) -> Value {
    let model = plaid_tests::spec_model();
    let def = model.def(id);
    def.examples.first().map_or_else(
        || plaid_tests::cases::synth_named(model, &def.name),
        |e| e.value.clone(),
    )
}

/// A document the scripted server answers with, for the operations whose answer is one.
const DOCUMENT: &str = "%PDF-1.4 a document";

/// One call of an operation through the client, chosen by id: the request decoded from
/// `request`, sent, and the answer re-encoded (a document as its text, no body as `null`).
struct Call<'c> {
    client: &'c Client,
    request: Value,
}

/// The error as its text: an operation's error body may be its own type (the spec's `error`).
type CallOutcome = (String, Value, Result<Value, String>);

impl<'c> plaid_api::operations::OperationVisitor for Call<'c> {
    type Output = std::pin::Pin<Box<dyn Future<Output = CallOutcome> + 'c>>;

    fn json<O>(self) -> Self::Output
    where
        O: Operation + Validate + serde::de::DeserializeOwned + std::fmt::Debug + 'static,
        O::Response: serde::Serialize + serde::de::DeserializeOwned + std::fmt::Debug,
    {
        Box::pin(async move {
            let request: O = serde_json::from_value(self.request).expect("request decodes");
            let sent = serde_json::to_value(&request).expect("encode");
            let answer = self.client.send(&request).await;
            let answer = answer
                .map(|r| serde_json::to_value(&r).expect("encode"))
                .map_err(|e| e.to_string());
            (request.path().into_owned(), sent, answer)
        })
    }

    fn document<O>(self, _media_type: &'static str) -> Self::Output
    where
        O: Operation<Response = plaid_api::Binary>
            + Validate
            + serde::de::DeserializeOwned
            + std::fmt::Debug
            + 'static,
    {
        Box::pin(async move {
            let request: O = serde_json::from_value(self.request).expect("request decodes");
            let sent = serde_json::to_value(&request).expect("encode");
            let answer = self.client.send_document(&request).await;
            let answer = answer
                .map(|doc| json!(String::from_utf8_lossy(doc.as_bytes())))
                .map_err(|e| e.to_string());
            (request.path().into_owned(), sent, answer)
        })
    }

    fn empty<O>(self) -> Self::Output
    where
        O: Operation<Response = ()>
            + Validate
            + serde::de::DeserializeOwned
            + std::fmt::Debug
            + 'static,
    {
        Box::pin(async move {
            let request: O = serde_json::from_value(self.request).expect("request decodes");
            let sent = serde_json::to_value(&request).expect("encode");
            let answer = self
                .client
                .send_empty(&request)
                .await
                .map(|()| Value::Null)
                .map_err(|e| e.to_string());
            (request.path().into_owned(), sent, answer)
        })
    }
}

/// Every operation of the API, called through the client: the method and path (parameters in
/// place), the credentials and version in headers, the request as the JSON body (none for a
/// GET), and the answer decoded: a JSON model equal to what was sent, a document's bytes, or
/// nothing.
#[tokio::test]
async fn every_operation_is_callable_and_sends_headers_body_and_decodes_the_answer() {
    use codegen::ir::Response as Answer;
    let model = plaid_tests::spec_model();
    let replies = model.operations.iter().map(|op| match &op.response {
        Answer::Json(id) => Reply::Json(200, example_or_synth(*id)),
        Answer::JsonArray(id) => Reply::Json(200, Value::Array(vec![example_or_synth(*id)])),
        Answer::Bytes(_) => Reply::Raw(200, "application/pdf", DOCUMENT.to_owned()),
        Answer::Empty => Reply::Raw(200, "text/plain", String::new()),
    });
    let server = Server::start(replies.collect()).await;
    let client = server.client().build().expect("client");
    let mut sent = Vec::new();
    for op in &model.operations {
        let call = Call {
            client: &client,
            request: example_or_synth(op.request),
        };
        let (path, body, answer) = plaid_api::operations::visit_operation(&op.id, call)
            .expect("every operation is compiled")
            .await;
        let answer = answer.unwrap_or_else(|e| panic!("{}: {e}", op.id));
        match &op.response {
            Answer::Json(id) => assert_eq!(
                plaid_tests::json_numbers_as_f64(answer),
                plaid_tests::json_numbers_as_f64(example_or_synth(*id)),
                "{}",
                op.id
            ),
            Answer::JsonArray(id) => assert_eq!(
                plaid_tests::json_numbers_as_f64(answer),
                plaid_tests::json_numbers_as_f64(Value::Array(vec![example_or_synth(*id)])),
                "{}",
                op.id
            ),
            Answer::Bytes(_) => assert_eq!(answer, DOCUMENT, "{}", op.id),
            Answer::Empty => assert_eq!(answer, Value::Null, "{}", op.id),
        }
        sent.push((op, path, body));
    }
    let received = server.received();
    assert_eq!(
        received.len(),
        model.operations.len(),
        "one call per operation"
    );
    for (recorded, (op, path, body)) in received.iter().zip(sent) {
        assert_eq!(recorded.method.as_str(), op.method.as_str(), "{}", op.id);
        assert_eq!(recorded.path, path, "{}", op.id);
        if op.authenticated {
            assert_eq!(recorded.headers["plaid-client-id"], CLIENT_ID);
            assert_eq!(recorded.headers["plaid-secret"], SECRET);
            assert_eq!(recorded.headers["plaid-version"], "2020-09-14");
        } else {
            // `security: []`: the OpenAPI asks for none of the three, the version included.
            for header in ["plaid-client-id", "plaid-secret", "plaid-version"] {
                assert!(
                    !recorded.headers.contains_key(header),
                    "{}: {header}",
                    op.id
                );
            }
        }
        assert!(
            recorded.headers["user-agent"]
                .to_str()
                .expect("ascii")
                .starts_with("plaid-api/")
        );
        if op.method == codegen::ir::HttpMethod::Get {
            assert_eq!(
                recorded.body,
                Value::Null,
                "{}: a GET carries no body",
                op.id
            );
        } else if op.body == codegen::ir::BodyKind::Multipart {
            // Each field a part under its wire name; the file with its name and media type.
            let content_type = recorded.headers["content-type"].to_str().expect("ascii");
            assert!(
                content_type.starts_with("multipart/form-data; boundary="),
                "{}",
                op.id
            );
            let raw = String::from_utf8_lossy(&recorded.raw);
            for (name, value) in body.as_object().expect("an object") {
                assert!(
                    raw.contains(&format!("name=\"{name}\"")),
                    "{}: {name}",
                    op.id
                );
                if let Some(text) = value.as_str() {
                    assert!(raw.contains(text), "{}: {name}", op.id);
                }
            }
            assert!(
                raw.contains("filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF")
            );
        } else {
            assert_eq!(recorded.headers["content-type"], "application/json");
            assert_eq!(recorded.body, body, "{}", op.id);
        }
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
    let api = api_error(&error);
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
async fn an_html_error_page_is_a_clear_error_that_shows_no_body() {
    let page = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let server = Server::start(vec![Reply::Raw(502, "text/html", page.into())]).await;
    let client = server
        .client()
        .retry(RetryPolicy::never())
        .build()
        .expect("client");
    let error = client
        .user_items_get(&items_get_request())
        .await
        .expect_err("502");
    let api = api_error(&error);
    assert!(api.error.is_none());
    assert_eq!(api.body(), page);
    assert_eq!(
        error.to_string(),
        format!(
            "HTTP 502: the body is not an API error object (text/html, {} bytes)",
            page.len()
        )
    );
    let debug = format!("{error:?}");
    assert!(!debug.contains("Bad Gateway"), "{debug}");
}

#[tokio::test]
async fn a_truncated_json_body_is_a_decode_error() {
    let server = Server::start(vec![Reply::Raw(
        200,
        "application/json",
        r#"{"user_id": "usr_1", "request_id": "req"#.into(),
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
    assert_eq!(decode.message, "the JSON ends early", "{decode:?}");
    assert_eq!(server.received().len(), 1, "a decode error is not retried");
}

#[tokio::test]
async fn a_decode_error_names_the_json_path_and_the_kinds_but_no_value() {
    let mut body = example("UserItemsGetResponse");
    body["items"][1]["available_products"] = json!("balance-should-not-appear");
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
    assert_eq!(
        decode.message,
        "wrong type: expected a sequence, found a string"
    );
    assert_eq!(
        error.to_string(),
        "HTTP 200 response does not decode at `items[1].available_products`: \
         wrong type: expected a sequence, found a string"
    );
    let text = format!("{error} {error:?}");
    for value in [
        "balance-should-not-appear",
        "user-sandbox-should-not-appear",
    ] {
        assert!(!text.contains(value), "a value leaked: {text}");
    }
}

#[tokio::test]
async fn a_body_cut_off_mid_stream_is_a_transport_error() {
    // Promises 500 bytes, sends a few, hangs up: HTTP itself is broken, not just the JSON.
    let base_url = raw_server(|mut socket| async move {
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{\"request_id\":";
        let _ = socket.write_all(head.as_bytes()).await;
    })
    .await;
    let client = client_builder(&base_url).build().expect("client");
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
    let client = client_builder(&format!("http://{address}"))
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
// Redirects.

/// The credentials travel in headers (and for 307/308 the body would be sent again): a
/// redirect must not take them to another origin, and its answer must not pass for the API's.
#[tokio::test]
async fn a_redirect_to_another_origin_is_an_api_error_and_the_other_origin_receives_nothing() {
    for status in [302, 307, 308] {
        let other = Server::start(vec![Reply::Json(200, example("UserItemsGetResponse"))]).await;
        let location = format!("{}/user/items/get", other.base_url);
        let server = Server::start(vec![Reply::Redirect(status, location)]).await;
        let client = server.client().build().expect("client");
        let error = client
            .user_items_get(&items_get_request())
            .await
            .expect_err("a redirect is not followed");
        let Error::Api(api) = &error else {
            panic!("{status}: expected an API error, got {error:?}")
        };
        assert_eq!(api.status, status);
        assert_eq!(
            error.to_string(),
            format!(
                "HTTP {status}: a redirect, which this client does not follow (no content type, 0 bytes)"
            )
        );
        assert!(
            other.received().is_empty(),
            "{status}: the other origin received {:?}",
            other.received()
        );
        assert_eq!(
            server.received().len(),
            1,
            "{status}: a redirect is not retried"
        );
    }
}

/// A `reqwest::Client` handed in keeps its own policy (reqwest's default follows redirects):
/// the request went to the other origin, but its answer is refused, not returned as Ok.
#[tokio::test]
async fn a_redirect_followed_by_a_client_of_your_own_is_refused_not_returned() {
    for status in [302, 307] {
        let other = Server::start(vec![Reply::Json(200, example("UserItemsGetResponse"))]).await;
        let location = format!("{}/user/items/get", other.base_url);
        let server = Server::start(vec![Reply::Redirect(status, location)]).await;
        let client = server
            .client()
            .http_client(reqwest::Client::new())
            .build()
            .expect("client");
        let error = client
            .user_items_get(&items_get_request())
            .await
            .expect_err("the other origin's answer is refused");
        let Error::Redirected { origin } = &error else {
            panic!("{status}: expected a refused redirect, got {error:?}")
        };
        assert_eq!(origin, &other.base_url);
        assert!(
            error.to_string().contains("redirect::Policy::none()"),
            "{error}"
        );
        assert_eq!(other.received().len(), 1, "{status}: reqwest followed it");
        assert_eq!(server.received().len(), 1, "{status}: not retried");
    }
}

// ---------------------------------------------------------------------------------------------
// Response size.

#[tokio::test]
async fn an_endless_body_is_cut_at_the_limit() {
    let base_url = raw_server(|mut socket| async move {
        if socket.write_all(CHUNKED_200.as_bytes()).await.is_err() {
            return;
        }
        let chunk = http_chunk(&[b' '; 64 * 1024]);
        while socket.write_all(&chunk).await.is_ok() {}
    })
    .await;
    let client = client_builder(&base_url)
        .max_response_bytes(1024 * 1024)
        .build()
        .expect("client");
    let started = Instant::now();
    let error = tokio::time::timeout(
        Duration::from_secs(10),
        client.user_create(&user_create_request()),
    )
    .await
    .expect("the call ends at the limit, not at the timeout")
    .expect_err("too large");
    assert!(
        matches!(error, Error::ResponseTooLarge { limit: 1_048_576 }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "the response body exceeds the limit of 1048576 bytes"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

/// The server announces more than the limit and sends nothing: the call ends at once, long
/// before the 30 s timeout, because the body is never waited for.
#[tokio::test]
async fn a_content_length_over_the_limit_is_refused_before_reading() {
    let base_url = raw_server(|mut socket| async move {
        let head =
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2000000\r\n\r\n";
        let _ = socket.write_all(head.as_bytes()).await;
        tokio::time::sleep(Duration::from_secs(60)).await;
    })
    .await;
    let client = client_builder(&base_url)
        .max_response_bytes(1_000_000)
        .build()
        .expect("client");
    let error = tokio::time::timeout(
        Duration::from_secs(5),
        client.user_create(&user_create_request()),
    )
    .await
    .expect("refused without reading")
    .expect_err("too large");
    assert!(
        matches!(error, Error::ResponseTooLarge { limit: 1_000_000 }),
        "{error:?}"
    );
}

/// At the limit a body decodes, one byte over it does not; whether it comes with a
/// `Content-Length` (axum's JSON) or in chunks without one.
#[tokio::test]
async fn a_body_within_the_limit_decodes_and_one_byte_more_is_refused() {
    let body = serde_json::to_vec(&example("UserCreateResponse")).expect("encode");
    let size = body.len();
    let reply = || Reply::Json(200, example("UserCreateResponse"));
    let server = Server::start(vec![reply(), reply()]).await;
    let at_limit = server
        .client()
        .max_response_bytes(size)
        .build()
        .expect("client");
    at_limit
        .user_create(&user_create_request())
        .await
        .expect("a body of exactly the limit decodes");
    let below = server
        .client()
        .max_response_bytes(size - 1)
        .build()
        .expect("client");
    let error = below
        .user_create(&user_create_request())
        .await
        .expect_err("one byte over");
    assert!(matches!(error, Error::ResponseTooLarge { .. }), "{error:?}");

    let chunked = raw_server(move |mut socket| {
        let body = body.clone();
        async move {
            let mut answer = CHUNKED_200.as_bytes().to_vec();
            for piece in body.chunks(7) {
                answer.extend(http_chunk(piece));
            }
            answer.extend_from_slice(b"0\r\n\r\n");
            let _ = socket.write_all(&answer).await;
        }
    })
    .await;
    let response = client_builder(&chunked)
        .max_response_bytes(size)
        .build()
        .expect("client")
        .user_create(&user_create_request())
        .await
        .expect("a chunked body of exactly the limit decodes");
    assert_eq!(
        serde_json::to_value(&response).expect("encode"),
        example("UserCreateResponse")
    );
    let error = client_builder(&chunked)
        .max_response_bytes(size - 1)
        .build()
        .expect("client")
        .user_create(&user_create_request())
        .await
        .expect_err("one byte over, in chunks");
    assert!(matches!(error, Error::ResponseTooLarge { .. }), "{error:?}");
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

impl Captured {
    /// Captures every event and span of this thread (the tests' runtime is single-threaded)
    /// until the guard is dropped.
    fn start() -> (Captured, tracing::subscriber::DefaultGuard) {
        let logs = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(logs.clone())
            .with_ansi(false)
            .finish();
        (logs, tracing::subscriber::set_default(subscriber))
    }

    fn text(&self) -> String {
        String::from_utf8(self.0.lock().expect("log lock").clone()).expect("utf-8 logs")
    }
}

#[tokio::test]
async fn secrets_appear_in_no_log_line_error_or_debug_output() {
    let (logs, _guard) = Captured::start();

    let mut echo = plaid_error(400, "INVALID_API_KEYS", "INVALID_SECRET");
    echo["error_message"] = json!(format!("secret {SECRET} is not valid"));
    let server = Server::start(vec![
        Reply::Json(200, example("UserCreateResponse")),
        Reply::Json(500, plaid_error(500, "API_ERROR", "INTERNAL_SERVER_ERROR")),
        Reply::Json(200, example("UserItemsGetResponse")),
        Reply::Raw(400, "text/plain", format!("bad secret {SECRET}")),
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

    let logs = logs.text();
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

/// serde quotes the offending value in its messages; a server that puts the secret or an SSN
/// into a field of the wrong type must not get it into an error or a log line.
#[tokio::test]
async fn a_secret_echoed_into_a_wrongly_typed_field_is_not_in_the_error() {
    const SSN: &str = "078-05-1120";
    let (logs, _guard) = Captured::start();
    let mut secret_for_a_list = example("UserItemsGetResponse");
    secret_for_a_list["items"][0]["available_products"] = json!(SECRET);
    let mut ssn_for_a_string = example("UserItemsGetResponse");
    ssn_for_a_string["request_id"] = json!([SSN]);
    let server = Server::start(vec![
        Reply::Json(200, secret_for_a_list),
        Reply::Json(200, ssn_for_a_string),
    ])
    .await;
    let client = server.client().build().expect("client");
    let expected = [
        (
            "items[0].available_products",
            "wrong type: expected a sequence, found a string",
        ),
        (
            "request_id",
            "wrong type: expected a string, found an array",
        ),
    ];
    let mut shown = Vec::new();
    for (path, message) in expected {
        let error = client
            .user_items_get(&items_get_request())
            .await
            .expect_err("wrong type");
        let Error::Decode(decode) = &error else {
            panic!("expected a decode error, got {error:?}")
        };
        assert_eq!(
            (decode.path.as_str(), decode.message.as_str()),
            (path, message)
        );
        shown.push(format!("{error}\n{error:?}"));
    }
    shown.push(logs.text());
    for text in &shown {
        assert!(!text.contains(SECRET), "the secret leaked:\n{text}");
        assert!(!text.contains(SSN), "the SSN leaked:\n{text}");
    }
}

/// A text `replace` of the secret misses it when the JSON writes it with `\u` escapes; the
/// parsed value does not.
#[tokio::test]
async fn a_unicode_escaped_secret_in_an_error_body_is_redacted() {
    let (logs, _guard) = Captured::start();
    let escaped: String = SECRET
        .chars()
        .map(|c| format!("\\u{:04x}", c as u32))
        .collect();
    let body = format!(
        r#"{{"error_type": "INVALID_API_KEYS", "error_code": "INVALID_SECRET",
            "error_message": "secret {escaped} is not valid", "display_message": "{escaped}",
            "request_id": "req-escaped", "causes": [{{"note": "{escaped}", "{escaped}": 1}}],
            "status": 400, "documentation_url": null, "suggested_action": null,
            "user_token": "user-sandbox-in-an-error"}}"#
    );
    let server = Server::start(vec![Reply::Raw(400, "application/json", body)]).await;
    let client = server.client().build().expect("client");
    let error = client
        .user_items_get(&items_get_request())
        .await
        .expect_err("400");
    let api = api_error(&error);
    let plaid = api.error.as_ref().expect("the typed error still decodes");
    assert_eq!(plaid.error_code, "INVALID_SECRET");
    assert_eq!(plaid.error_message, "secret <redacted> is not valid");
    assert_eq!(plaid.display_message.as_deref(), Some("<redacted>"));
    assert_eq!(
        error.to_string(),
        "HTTP 400: INVALID_API_KEYS INVALID_SECRET: secret <redacted> is not valid"
    );
    let body: Value = serde_json::from_str(api.body()).expect("the body is JSON");
    assert_eq!(
        body["causes"],
        json!([{"note": "<redacted>", "<redacted>": 1}])
    );
    assert_eq!(
        body["user_token"], "<redacted>",
        "sensitive fields are redacted"
    );
    let shown = [
        format!("{error}"),
        format!("{error:?}"),
        api.body().to_owned(),
        format!("{plaid:?}"),
        serde_json::to_string(plaid).expect("encode"),
        logs.text(),
    ];
    for text in &shown {
        assert!(!text.contains(SECRET), "the secret leaked:\n{text}");
        assert!(
            !text.contains(&escaped),
            "the escaped secret leaked:\n{text}"
        );
        assert!(
            !text.contains("user-sandbox-in-an-error"),
            "the token leaked:\n{text}"
        );
    }
}

/// Beyond the user endpoints: an access token and the account numbers of `/auth/get` (policy
/// fields, spec/overlay/plaid.yaml) stay out of the logs, `Debug` of the request and the
/// answer, an error body the server echoes them in, and a decode error about them.
#[tokio::test]
async fn access_tokens_and_account_numbers_appear_in_no_log_or_output() {
    const TOKEN: &str = "access-sandbox-5c1a7e9d-not-for-logs";
    const ACH: &str = "99004466118822";
    const IBAN: &str = "GB29NWBK60161399887711";
    const WRONG: u64 = 773_311_995_533;
    let (logs, _guard) = Captured::start();
    let mut answer = example("AuthGetResponse");
    answer["numbers"]["ach"][0]["account"] = json!(ACH);
    answer["numbers"]["international"][0]["iban"] = json!(IBAN);
    let mut echo = plaid_error(400, "INVALID_INPUT", "INVALID_ACCESS_TOKEN");
    echo["access_token"] = json!(TOKEN);
    echo["causes"] = json!([{"numbers": {"ach": [{"account": ACH}], "iban": IBAN}}]);
    let mut wrong = answer.clone();
    wrong["numbers"]["ach"][0]["account"] = json!(WRONG);
    let server = Server::start(vec![
        Reply::Json(200, answer),
        Reply::Json(400, echo),
        Reply::Json(200, wrong),
    ])
    .await;
    let client = server.client().build().expect("client");
    let request = AuthGetRequest {
        access_token: TOKEN.into(),
        ..Default::default()
    };
    let got = client.auth_get(&request).await.expect("numbers");
    assert_eq!(got.numbers.ach[0].account, ACH, "the value is there");
    let echoed = client.auth_get(&request).await.expect_err("400");
    let body: Value = serde_json::from_str(api_error(&echoed).body()).expect("JSON body");
    assert_eq!(body["access_token"], "<redacted>", "{body}");
    assert_eq!(
        body["causes"][0]["numbers"]["ach"][0]["account"],
        "<redacted>"
    );
    let undecodable = client.auth_get(&request).await.expect_err("wrong type");
    assert!(matches!(undecodable, Error::Decode(_)), "{undecodable:?}");
    assert_eq!(
        server.received()[0].body["access_token"],
        TOKEN,
        "sent as it is"
    );

    let shown = [
        logs.text(),
        format!("{request:?} {request:#?}"),
        format!("{got:?} {got:#?}"),
        format!("{echoed} {echoed:?}"),
        format!("{undecodable} {undecodable:?}"),
    ];
    for text in &shown {
        for planted in [TOKEN, ACH, IBAN, &WRONG.to_string()] {
            assert!(!text.contains(planted), "{planted} leaked:\n{text}");
        }
    }
    assert!(
        shown[2].contains("<redacted>") && shown[2].contains("011401533"),
        "{}",
        shown[2]
    );
}

/// Server text with a newline and a fake log line after it: every field and `Display` keeps it
/// on one line, escaped.
#[tokio::test]
async fn a_newline_in_an_error_message_cannot_forge_a_log_line() {
    const FORGED: &str =
        "2030-01-01T00:00:00.000000Z  INFO plaid_api.call: call succeeded forged=1";
    let (logs, _guard) = Captured::start();
    let mut body = plaid_error(
        400,
        "INVALID_INPUT",
        &format!("INVALID_USER_TOKEN\n{FORGED}"),
    );
    body["error_message"] = json!(format!("bad token\r\n{FORGED}"));
    body["request_id"] = json!(format!("req-1\n{FORGED}"));
    let server = Server::start(vec![Reply::Json(400, body)]).await;
    let client = server.client().build().expect("client");
    let error = client
        .user_items_get(&items_get_request())
        .await
        .expect_err("400");
    let text = error.to_string();
    assert_eq!(
        text,
        format!("HTTP 400: INVALID_INPUT INVALID_USER_TOKEN\\n{FORGED}: bad token\\r\\n{FORGED}")
    );
    let logs = logs.text();
    for line in logs.lines() {
        assert!(!line.starts_with("2030-01-01"), "a forged line:\n{logs}");
    }
    let failed = logs
        .lines()
        .find(|line| line.contains("call failed"))
        .unwrap_or_else(|| panic!("no `call failed` event:\n{logs}"));
    // The event's fields, exactly: the kind, the status, the typed error's type and code; the
    // message and the body are not logged.
    assert!(failed.contains(r#"error="api""#), "{failed}");
    assert!(failed.contains("status=400"), "{failed}");
    assert!(failed.contains(r#"error_type="INVALID_INPUT""#), "{failed}");
    assert!(failed.contains("error_code="), "{failed}");
    assert!(!failed.contains("bad token"), "{failed}");
}

/// Server-chosen text that is not a JSON value: a key read before a syntax error, the
/// content type, a broken JSON error body. None may carry the secret into an error or a log.
#[tokio::test]
async fn a_secret_in_a_key_a_content_type_or_broken_json_is_not_shown() {
    let (logs, _guard) = Captured::start();
    let key_then_eof = format!("{{\"{SECRET}\": ");
    let escaped: String = SECRET
        .chars()
        .map(|c| format!("\\u{:04x}", c as u32))
        .collect();
    let broken_error = format!("{{\"error_message\": \"{escaped}\", oops");
    let content_type: &'static str = Box::leak(format!("text/{SECRET}").into_boxed_str());
    let server = Server::start(vec![
        Reply::Raw(200, "application/json", key_then_eof),
        Reply::Raw(400, "application/json", broken_error),
        Reply::Raw(502, content_type, "bad gateway".into()),
    ])
    .await;
    let client = server.client().build().expect("client");
    let mut shown = Vec::new();
    for expected in ["decode", "broken", "content type"] {
        let error = client
            .user_items_get(&items_get_request())
            .await
            .expect_err(expected);
        if let Error::Api(api) = &error {
            shown.push(api.body().to_owned());
            shown.push(api.content_type.clone());
        }
        if let Error::Decode(decode) = &error {
            assert_eq!(decode.path, ".", "a syntax error names no path");
        }
        shown.push(format!("{error}\n{error:?}"));
    }
    shown.push(logs.text());
    for text in &shown {
        assert!(!text.contains(SECRET), "the secret leaked:\n{text}");
    }
}

/// A huge error body is neither parsed into a JSON tree (which costs many times its text) nor
/// shown; the status and the typed-error absence still say what happened.
#[tokio::test]
async fn an_error_body_over_a_mebibyte_is_withheld() {
    let padding = vec![json!({"a": 0}); 200_000];
    let body = json!({"error_type": "API_ERROR", "padding": padding}).to_string();
    assert!(body.len() > 1 << 20);
    let server = Server::start(vec![Reply::Raw(500, "application/json", body)]).await;
    let client = server
        .client()
        .retry(RetryPolicy::never())
        .build()
        .expect("client");
    let error = client
        .user_create(&user_create_request())
        .await
        .expect_err("500");
    let api = api_error(&error);
    assert_eq!(
        (api.status, api.body(), api.error.is_none()),
        (500, "", true)
    );
}
