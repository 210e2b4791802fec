//! The sandbox against hostile clients on loopback: slow, idle, huge, forged, cross-origin,
//! and values that must not come back in an error. Every test is bounded in time.

use std::time::{Duration, Instant};

use plaid_sandbox::{Config, Limits};
use plaid_tests::{CLIENT_ID, SECRET, sandbox_config};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

async fn start(limits: Limits) -> String {
    plaid_tests::start_sandbox(Config {
        limits,
        ..sandbox_config()
    })
    .await
}

fn address(url: &str) -> &str {
    url.trim_start_matches("http://")
}

/// Sends raw bytes, then reads the answer until the server closes or `within` runs out.
async fn raw(url: &str, request: &[u8], within: Duration) -> String {
    let mut stream = TcpStream::connect(address(url)).await.expect("connect");
    stream.write_all(request).await.expect("send");
    let mut answer = Vec::new();
    let _ = timeout(within, stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

fn head(path: &str, headers: &[(&str, &str)], length: usize) -> String {
    let mut text = format!("POST {path} HTTP/1.1\r\nhost: sandbox\r\ncontent-length: {length}\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    text
}

const JSON: (&str, &str) = ("content-type", "application/json");
const ID: (&str, &str) = ("PLAID-CLIENT-ID", CLIENT_ID);
const KEY: (&str, &str) = ("PLAID-SECRET", SECRET);

/// The status and JSON body of an HTTP/1.1 answer read off the wire.
fn parse(answer: &str) -> (u16, Value) {
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

async fn post(url: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, Value) {
    let mut request = head(
        path,
        &[headers, &[("connection", "close")]].concat(),
        body.len(),
    );
    request.push_str(body);
    parse(&raw(url, request.as_bytes(), Duration::from_secs(10)).await)
}

/// Reads what the server answers on `stream` until it closes or `within` runs out.
async fn answer(stream: &mut TcpStream, within: Duration) -> (u16, Value) {
    let mut answer = Vec::new();
    let _ = timeout(within, stream.read_to_end(&mut answer)).await;
    parse(&String::from_utf8_lossy(&answer))
}

fn code(error: &Value) -> (Option<&str>, Option<&str>) {
    (error["error_type"].as_str(), error["error_code"].as_str())
}

/// Whether the server has closed the connection: a read returns end of file (or a reset).
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut buffer = [0u8; 4096];
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match timeout(left, stream.read(&mut buffer)).await {
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

fn quick_timeouts() -> Limits {
    Limits {
        header_read_timeout: Duration::from_millis(300),
        body_read_timeout: Duration::from_millis(300),
        idle_timeout: Duration::from_millis(600),
        ..Limits::default()
    }
}

#[tokio::test]
async fn a_slowloris_connection_is_closed_after_the_header_read_timeout() {
    let url = start(quick_timeouts()).await;
    let mut stream = TcpStream::connect(address(&url)).await.expect("connect");
    let started = Instant::now();
    // A byte every 100 ms keeps the connection busy but never finishes the head.
    let mut closed = false;
    for byte in
        b"POST /user/create HTTP/1.1\r\nhost: sandbox\r\nx-slow: aaaaaaaaaaaaaaaaaaaaaaaaaaa"
    {
        if stream.write_all(&[*byte]).await.is_err() {
            closed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        if started.elapsed() > Duration::from_secs(5) {
            break;
        }
    }
    assert!(
        closed || closed_within(&mut stream, Duration::from_secs(2)).await,
        "still open after {:?}",
        started.elapsed()
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn an_idle_connection_is_closed() {
    let url = start(quick_timeouts()).await;
    let mut stream = TcpStream::connect(address(&url)).await.expect("connect");
    assert!(closed_within(&mut stream, Duration::from_secs(3)).await);
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_its_answer() {
    let url = start(quick_timeouts()).await;
    let mut stream = TcpStream::connect(address(&url)).await.expect("connect");
    let body = r#"{"client_user_id":"keep-alive"}"#;
    let request = head("/user/create", &[JSON, ID, KEY], body.len()) + body;
    stream.write_all(request.as_bytes()).await.expect("send");
    // The answer arrives, then silence closes the connection.
    assert!(closed_within(&mut stream, Duration::from_secs(3)).await);
}

#[tokio::test]
async fn a_slow_body_gets_408_in_the_error_shape() {
    let url = start(quick_timeouts()).await;
    let mut stream = TcpStream::connect(address(&url)).await.expect("connect");
    let request = head("/user/create", &[JSON, ID, KEY], 100);
    stream.write_all(request.as_bytes()).await.expect("send");
    stream
        .write_all(b"{\"client_user_id\"")
        .await
        .expect("send");
    let (status, error) = answer(&mut stream, Duration::from_secs(3)).await;
    assert_eq!(status, 408, "{error}");
    assert_eq!(
        code(&error),
        (Some("INVALID_REQUEST"), Some("REQUEST_TIMEOUT"))
    );
}

#[tokio::test]
async fn idle_connections_at_the_limit_do_not_starve_a_real_client() {
    let limits = Limits {
        max_connections: 8,
        ..quick_timeouts()
    };
    let url = start(limits).await;
    let mut idle = Vec::new();
    for _ in 0..32 {
        idle.push(TcpStream::connect(address(&url)).await.expect("connect"));
    }
    let started = Instant::now();
    let (status, _) = post(
        &url,
        "/user/create",
        &[JSON, ID, KEY],
        r#"{"client_user_id":"real"}"#,
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "answered after {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_body_over_the_limit_gets_413_in_the_error_shape() {
    let limits = Limits {
        max_body_bytes: 1024,
        ..Limits::default()
    };
    let url = start(limits).await;
    let big = format!(r#"{{"client_user_id":"{}"}}"#, "x".repeat(2048));
    let (status, error) = post(&url, "/user/create", &[JSON, ID, KEY], &big).await;
    assert_eq!(status, 413);
    assert_eq!(
        code(&error),
        (Some("INVALID_REQUEST"), Some("REQUEST_TOO_LARGE"))
    );
    assert!(error["request_id"].is_string());

    // Chunked, so no Content-Length announces it: refused once the limit is passed.
    let mut request = format!(
        "POST /user/create HTTP/1.1\r\nhost: sandbox\r\ncontent-type: application/json\r\n\
         PLAID-CLIENT-ID: {CLIENT_ID}\r\nPLAID-SECRET: {SECRET}\r\n\
         transfer-encoding: chunked\r\nconnection: close\r\n\r\n",
    );
    for _ in 0..4 {
        request.push_str(&format!("400\r\n{}\r\n", "x".repeat(1024)));
    }
    request.push_str("0\r\n\r\n");
    let (status, error) = parse(&raw(&url, request.as_bytes(), Duration::from_secs(5)).await);
    assert_eq!(
        (status, code(&error)),
        (413, (Some("INVALID_REQUEST"), Some("REQUEST_TOO_LARGE")))
    );
}

#[tokio::test]
async fn a_broken_chunk_gets_400_in_the_error_shape() {
    let url = start(Limits::default()).await;
    let request = format!(
        "POST /user/create HTTP/1.1\r\nhost: sandbox\r\ncontent-type: application/json\r\n\
         PLAID-CLIENT-ID: {CLIENT_ID}\r\nPLAID-SECRET: {SECRET}\r\n\
         transfer-encoding: chunked\r\nconnection: close\r\n\r\nzz\r\n{{}}\r\n0\r\n\r\n"
    );
    let (status, error) = parse(&raw(&url, request.as_bytes(), Duration::from_secs(5)).await);
    assert_eq!(status, 400);
    assert_eq!(
        code(&error),
        (Some("INVALID_REQUEST"), Some("INVALID_BODY"))
    );
}

#[tokio::test]
async fn a_short_body_gets_400_in_the_error_shape() {
    let url = start(Limits::default()).await;
    let mut stream = TcpStream::connect(address(&url)).await.expect("connect");
    let request = head("/user/create", &[JSON, ID, KEY], 100) + "{\"client_user_id\"";
    stream.write_all(request.as_bytes()).await.expect("send");
    // The client gives up sending: the body ends early.
    stream.shutdown().await.expect("half-close");
    let (status, error) = answer(&mut stream, Duration::from_secs(5)).await;
    assert_eq!(status, 400, "{error}");
    assert_eq!(
        code(&error),
        (Some("INVALID_REQUEST"), Some("INVALID_BODY"))
    );
}

#[tokio::test]
async fn wrong_header_credentials_are_refused_before_the_body_is_read() {
    let url = start(Limits::default()).await;
    let mut stream = TcpStream::connect(address(&url)).await.expect("connect");
    // A megabyte is announced and never sent: the answer cannot wait for it.
    let request = head(
        "/user/create",
        &[JSON, ID, ("PLAID-SECRET", "wrong")],
        1 << 20,
    );
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut answer = vec![0u8; 4096];
    let read = timeout(Duration::from_secs(2), stream.read(&mut answer))
        .await
        .expect("answered without the body")
        .expect("read");
    let (status, error) = parse(&String::from_utf8_lossy(&answer[..read]));
    assert_eq!(
        (status, code(&error)),
        (400, (Some("INVALID_INPUT"), Some("INVALID_API_KEYS")))
    );
}

#[tokio::test]
async fn a_malformed_secret_header_is_an_invalid_credential_even_with_a_right_body_secret() {
    let url = start(Limits::default()).await;
    let body = format!(r#"{{"client_id":"{CLIENT_ID}","secret":"{SECRET}","client_user_id":"u"}}"#);
    let mut request = head("/user/create", &[JSON, ("connection", "close")], body.len());
    // A header value with a byte that is not UTF-8 (obs-text).
    request.insert_str(request.len() - 2, "PLAID-SECRET: s\u{e9}cret\r\n");
    let mut bytes = request.into_bytes();
    let at = bytes
        .windows(2)
        .position(|w| w == "\u{e9}".as_bytes())
        .expect("é");
    bytes.splice(at..at + 2, [0xE9]);
    bytes.extend_from_slice(body.as_bytes());
    let (status, error) = parse(&raw(&url, &bytes, Duration::from_secs(5)).await);
    assert_eq!(
        (status, code(&error)),
        (400, (Some("INVALID_INPUT"), Some("INVALID_API_KEYS")))
    );
}

#[tokio::test]
async fn values_of_the_request_are_never_echoed_in_errors() {
    let url = start(Limits::default()).await;
    let cases = [
        (
            "/user/create",
            r#"{"client_user_id":"u","consumer_report_user_identity":{"first_name":"A","last_name":"B","phone_numbers":[],"emails":[],"date_of_birth":"1990-01-01","primary_address":{"city":"c","region":"r","street":"s","postal_code":"p","country":"US"},"ssn_full":78051120}}"#,
            "78051120",
        ),
        (
            "/user/create",
            r#"{"client_user_id":"u","consumer_report_user_identity":{"first_name":"A","last_name":"B","phone_numbers":[],"emails":"SECRET-EMAIL@example.com","date_of_birth":"1990-01-01","primary_address":{"city":"c","region":"r","street":"s","postal_code":"p","country":"US"}}}"#,
            "SECRET-EMAIL",
        ),
        ("/user/create", r#"{"client_user_id":78051120}"#, "78051120"),
        (
            "/user/create",
            r#"{"client_user_id":"u", "x": tru3-SECRET}"#,
            "SECRET",
        ),
    ];
    for (path, body, value) in cases {
        let (status, error) = post(&url, path, &[JSON, ID, KEY], body).await;
        assert_eq!(status, 400, "{error}");
        let text = error.to_string();
        assert!(!text.contains(value), "{value} echoed: {text}");
    }
    let (_, error) = post(&url, "/user/create", &[JSON, ID, KEY], cases[0].1).await;
    assert_eq!(
        error["error_message"],
        "consumer_report_user_identity.ssn_full: wrong type: expected a string, found a number"
    );
}

#[tokio::test]
async fn a_browser_request_from_another_origin_is_refused() {
    let url = start(Limits::default()).await;
    // What a web page can send without a preflight: text/plain, credentials in the body.
    let body = format!(
        r#"{{"client_id":"{CLIENT_ID}","secret":"{SECRET}","client_user_id":"from-a-page"}}"#
    );
    let (status, error) = post(
        &url,
        "/user/create",
        &[
            ("content-type", "text/plain"),
            ("origin", "http://evil.example"),
        ],
        &body,
    )
    .await;
    assert_eq!(
        (status, code(&error)),
        (403, (Some("INVALID_REQUEST"), Some("ORIGIN_NOT_ALLOWED")))
    );
    let (status, error) = post(
        &url,
        "/user/create",
        &[JSON, ("origin", "http://evil.example")],
        &body,
    )
    .await;
    assert_eq!(
        (status, code(&error)),
        (403, (Some("INVALID_REQUEST"), Some("ORIGIN_NOT_ALLOWED")))
    );
    // Without an Origin header, a body that is not declared JSON is still refused.
    let (status, error) = post(
        &url,
        "/user/create",
        &[("content-type", "text/plain")],
        &body,
    )
    .await;
    assert_eq!(
        (status, code(&error)),
        (415, (Some("INVALID_REQUEST"), Some("INVALID_CONTENT_TYPE")))
    );
    // None of them created the user.
    let (status, _) = post(&url, "/user/create", &[JSON], &body).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn an_allowed_origin_is_served() {
    let url = plaid_tests::start_sandbox(Config {
        allowed_origins: vec!["http://localhost:3000".into()],
        ..sandbox_config()
    })
    .await;
    let headers = [JSON, ID, KEY, ("origin", "http://localhost:3000")];
    let (status, _) = post(
        &url,
        "/user/create",
        &headers,
        r#"{"client_user_id":"page"}"#,
    )
    .await;
    assert_eq!(status, 200);
}

async fn create(url: &str, client_user_id: &str, identity: Option<&Value>) -> (u16, Value) {
    let mut body = serde_json::json!({ "client_user_id": client_user_id });
    if let Some(identity) = identity {
        body["consumer_report_user_identity"] = identity.clone();
    }
    post(url, "/user/create", &[JSON, ID, KEY], &body.to_string()).await
}

fn identity(emails: usize) -> Value {
    serde_json::json!({
        "first_name": "Carmen",
        "last_name": "Berzatto",
        "phone_numbers": ["+13125551212"],
        "date_of_birth": "1990-01-01",
        "emails": (0..emails).map(|i| format!("carmen{i}@example.com")).collect::<Vec<_>>(),
        "primary_address": {"city": "Chicago", "region": "IL", "street": "1 Main St", "postal_code": "60601", "country": "US"},
    })
}

#[tokio::test]
async fn the_user_budget_is_enforced_with_a_plaid_shaped_error() {
    let url = start(Limits {
        max_users: 3,
        ..Limits::default()
    })
    .await;
    for i in 0..3 {
        assert_eq!(create(&url, &format!("user-{i}"), None).await.0, 200);
    }
    let (status, error) = create(&url, "user-3", None).await;
    assert_eq!(
        (status, code(&error)),
        (503, (Some("API_ERROR"), Some("SANDBOX_STATE_FULL")))
    );
    // The sandbox still answers, and its users are still there.
    let (status, _) = create(&url, "user-0", None).await;
    assert_eq!(status, 400, "user-0 still exists");
}

#[tokio::test]
async fn stored_bytes_are_bounded_per_user_and_in_total() {
    let url = start(Limits {
        max_user_bytes: 4096,
        max_stored_bytes: 8192,
        ..Limits::default()
    })
    .await;
    let (status, error) = create(&url, "huge", Some(&identity(1000))).await;
    assert_eq!(
        (status, code(&error)),
        (400, (Some("INVALID_INPUT"), Some("USER_DATA_TOO_LARGE")))
    );
    let mut created = 0;
    let full = loop {
        let (status, error) = create(&url, &format!("user-{created}"), Some(&identity(40))).await;
        if status != 200 {
            break (status, error);
        }
        created += 1;
        assert!(created < 100, "the total budget never ran out");
    };
    assert!(created >= 2, "{created}");
    assert_eq!(
        (full.0, code(&full.1)),
        (503, (Some("API_ERROR"), Some("SANDBOX_STATE_FULL")))
    );
}

#[tokio::test]
async fn another_users_token_cannot_be_forged_from_ones_own() {
    let url = start(Limits::default()).await;
    let (_, victim) = create(&url, "victim", None).await;
    let (_, attacker) = create(&url, "attacker", None).await;
    let victim_token = victim["user_token"].as_str().expect("token");
    let own = attacker["user_token"].as_str().expect("token");
    // The victim's index in the attacker's token: the MAC does not follow.
    let index = &victim_token[victim_token.len() - 12..];
    let forged = format!("{}{index}", &own[..own.len() - 12]);
    assert_ne!(forged, victim_token);
    let (status, error) = post(
        &url,
        "/user/remove",
        &[JSON, ID, KEY],
        &serde_json::json!({ "user_token": forged }).to_string(),
    )
    .await;
    assert_eq!(
        (status, error["error_code"].as_str()),
        (400, Some("INVALID_USER_TOKEN"))
    );
    let (status, items) = post(
        &url,
        "/user/items/get",
        &[JSON, ID, KEY],
        &serde_json::json!({ "user_token": victim_token }).to_string(),
    )
    .await;
    assert_eq!(status, 200, "the victim is untouched: {items}");
}

#[tokio::test]
async fn a_request_with_a_million_violations_gets_a_bounded_answer() {
    let url = start(Limits::default()).await;
    // 30,000 bank accounts with a malformed number: a violation each, within the body limit.
    let mut body = plaid_tests::example("BeaconUserCreateRequest");
    let account = serde_json::json!({"routing_number": "021000021", "account_number": "x"});
    body["user"]["depository_accounts"] = serde_json::json!(vec![account; 30_000]);
    let (status, error) = post(
        &url,
        "/beacon/user/create",
        &[JSON, ID, KEY],
        &body.to_string(),
    )
    .await;
    assert_eq!(
        (status, code(&error)),
        (400, (Some("INVALID_REQUEST"), Some("INVALID_FIELD")))
    );
    let message = error["error_message"].as_str().unwrap_or_default();
    assert!(
        message.len() < 64 << 10,
        "{} bytes of message",
        message.len()
    );
    assert!(message.contains("more rules are violated"), "{message}");
}
