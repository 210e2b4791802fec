//! Connection handling under idle floods: idle connections are held cheaply, the longest-idle
//! one makes room at the budget, and a request in flight is never cut.
//!
//! Every test sets the header-read and idle timeouts to an hour, so that a request answered
//! while the budget is full can only have been let in by an eviction; the short timeouts
//! around each step only fail a test that hangs.

use std::time::Duration;

use plaid_sandbox::{Config, Limits};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

/// Far longer than any test: no timeout of the server can free a slot during one.
const HOUR: Duration = Duration::from_secs(3600);
/// Fails a step that does not finish: a guard, not a measure.
const GUARD: Duration = Duration::from_secs(10);

/// Starts the sandbox with these limits on a free loopback port; its address.
async fn start(max_connections: usize) -> String {
    // 1,000 connections at each end of loopback, in this one process.
    rlimit::increase_nofile_limit(8192).expect("raise the descriptor limit");
    let limits = Limits {
        max_connections,
        header_read_timeout: HOUR,
        body_read_timeout: HOUR,
        idle_timeout: HOUR,
        ..Limits::default()
    };
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address").to_string();
    let config = Config {
        seed: Some(7),
        limits,
        ..Config::default()
    };
    tokio::spawn(async move { plaid_sandbox::serve(listener, config).await.expect("serve") });
    address
}

async fn connect(address: &str) -> TcpStream {
    timeout(GUARD, TcpStream::connect(address))
        .await
        .expect("connect in time")
        .expect("connect")
}

async fn idle_connections(address: &str, count: usize) -> Vec<TcpStream> {
    let mut idle = Vec::with_capacity(count);
    for _ in 0..count {
        idle.push(connect(address).await);
    }
    idle
}

/// The head of a `/user/create` for `client_user_id`, and its body.
fn user_create(client_user_id: &str, extra_headers: &str) -> (String, String) {
    let body = format!(r#"{{"client_user_id":"{client_user_id}"}}"#);
    let head = format!(
        "POST /user/create HTTP/1.1\r\nhost: sandbox\r\ncontent-type: application/json\r\n\
         PLAID-CLIENT-ID: sandbox-client-id\r\nPLAID-SECRET: sandbox-secret\r\n\
         content-length: {}\r\n{extra_headers}\r\n",
        body.len()
    );
    (head, body)
}

/// An answer read off the wire: status, head and JSON body.
struct Answer {
    status: u16,
    head: String,
    body: serde_json::Value,
}

/// Reads one answer framed by its `content-length`, leaving the connection open.
async fn read_answer(stream: &mut TcpStream) -> Answer {
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 4096];
    let (head, body_start, length) = loop {
        let read = timeout(GUARD, stream.read(&mut buffer))
            .await
            .expect("an answer in time")
            .expect("read");
        assert!(read > 0, "closed before its answer: {bytes:?}");
        bytes.extend_from_slice(&buffer[..read]);
        if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
            let length = head
                .lines()
                .find_map(|line| {
                    line.to_ascii_lowercase()
                        .strip_prefix("content-length: ")
                        .map(str::to_owned)
                })
                .and_then(|value| value.trim().parse::<usize>().ok())
                .unwrap_or(0);
            break (head, end + 4, length);
        }
    };
    while bytes.len() < body_start + length {
        let read = timeout(GUARD, stream.read(&mut buffer))
            .await
            .expect("the body in time")
            .expect("read");
        assert!(read > 0, "closed inside its answer");
        bytes.extend_from_slice(&buffer[..read]);
    }
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = serde_json::from_slice(&bytes[body_start..body_start + length])
        .unwrap_or(serde_json::Value::Null);
    Answer { status, head, body }
}

/// Sends a whole `/user/create` on `stream` and reads its answer.
async fn create_on(stream: &mut TcpStream, client_user_id: &str) -> Answer {
    let (head, body) = user_create(client_user_id, "");
    stream
        .write_all(format!("{head}{body}").as_bytes())
        .await
        .expect("send");
    read_answer(stream).await
}

/// Sends the head of a `/user/create` asking for `100 Continue`, and waits for it: the
/// server has then handed the request to the router, so it is in flight. The body to send.
async fn start_request(stream: &mut TcpStream, client_user_id: &str) -> String {
    let (head, body) = user_create(client_user_id, "expect: 100-continue\r\n");
    stream.write_all(head.as_bytes()).await.expect("send");
    let interim = read_answer(stream).await;
    assert_eq!(interim.status, 100, "{}", interim.head);
    body
}

/// Whether the server closed `stream` (end of file or reset) before the guard ran out.
async fn closed(stream: &mut TcpStream) -> bool {
    let mut buffer = [0u8; 64];
    matches!(
        timeout(GUARD, stream.read(&mut buffer)).await,
        Ok(Ok(0) | Err(_))
    )
}

#[tokio::test]
async fn a_thousand_idle_connections_are_held_and_a_request_is_still_answered() {
    let address = start(Limits::default().max_connections).await;
    let mut idle = idle_connections(&address, 1000).await;
    let mut newcomer = connect(&address).await;
    let answer = create_on(&mut newcomer, "newcomer").await;
    assert_eq!(answer.status, 200, "{}", answer.head);
    assert!(answer.body["user_id"].is_string(), "{}", answer.body);
    // Under the default budget nobody was evicted: the first idle connection still serves.
    let answer = create_on(&mut idle[0], "first-idle").await;
    assert_eq!(answer.status, 200, "{}", answer.head);
}

#[tokio::test]
async fn at_the_budget_the_longest_idle_connection_makes_room() {
    let address = start(100).await;
    let mut idle = idle_connections(&address, 1000).await;
    let mut newcomer = connect(&address).await;
    let answer = create_on(&mut newcomer, "newcomer").await;
    assert_eq!(answer.status, 200, "{}", answer.head);
    assert!(answer.body["user_id"].is_string(), "{}", answer.body);
    // The oldest were closed to make room; the newest are still served.
    assert!(closed(&mut idle[0]).await);
    let last = idle.last_mut().expect("connections");
    let answer = create_on(last, "last-idle").await;
    assert_eq!(answer.status, 200, "{}", answer.head);
}

#[tokio::test]
async fn a_connection_with_a_request_in_flight_is_not_evicted() {
    let address = start(2).await;
    // The oldest connection, busy: the longest idle would be it, were it idle.
    let mut busy = connect(&address).await;
    let body = start_request(&mut busy, "in-flight").await;
    let mut first = connect(&address).await;
    // Full: each newcomer evicts the idle one, never the busy one.
    let mut second = connect(&address).await;
    assert!(closed(&mut first).await);
    let mut third = connect(&address).await;
    assert!(closed(&mut second).await);
    busy.write_all(body.as_bytes())
        .await
        .expect("send the body");
    let answer = read_answer(&mut busy).await;
    assert_eq!(answer.status, 200, "{}", answer.head);
    assert!(answer.body["user_id"].is_string(), "{}", answer.body);
    let answer = create_on(&mut third, "third").await;
    assert_eq!(answer.status, 200, "{}", answer.head);
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_evicted_after_its_answer() {
    let address = start(1).await;
    let mut used = connect(&address).await;
    let answer = create_on(&mut used, "used").await;
    assert_eq!(answer.status, 200, "{}", answer.head);
    let mut newcomer = connect(&address).await;
    assert!(closed(&mut used).await);
    let answer = create_on(&mut newcomer, "newcomer").await;
    assert_eq!(answer.status, 200, "{}", answer.head);
}

#[tokio::test]
async fn when_every_connection_has_a_request_in_flight_a_newcomer_is_answered_503() {
    let address = start(1).await;
    let mut busy = connect(&address).await;
    let body = start_request(&mut busy, "in-flight").await;
    let mut newcomer = connect(&address).await;
    let refused = create_on(&mut newcomer, "newcomer").await;
    assert_eq!(refused.status, 503, "{}", refused.head);
    assert_eq!(
        refused.body["error_code"], "SANDBOX_BUSY",
        "{}",
        refused.body
    );
    assert!(refused.body["request_id"].is_string(), "{}", refused.body);
    assert!(
        refused.head.to_ascii_lowercase().contains("retry-after: 1"),
        "{}",
        refused.head
    );
    assert!(closed(&mut newcomer).await);
    // The request in flight is answered all the same.
    busy.write_all(body.as_bytes())
        .await
        .expect("send the body");
    let answer = read_answer(&mut busy).await;
    assert_eq!(answer.status, 200, "{}", answer.head);
}
