//! Local servers for the client tests and benchmarks, each on a free loopback port: any axum
//! router, a scripted server that records every request it receives, and a raw TCP server for
//! answers HTTP cannot express (a body cut off, a body without end, a `Content-Length` that is
//! never sent).

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use plaid_api::prelude::*;
use serde_json::Value;
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

/// A listener on a free loopback port, and its base URL.
pub async fn bind_loopback() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    (listener, url)
}

/// Serves `app` on a free loopback port until the runtime ends; its base URL.
pub async fn serve(app: axum::Router) -> String {
    let (listener, url) = bind_loopback().await;
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    url
}

/// A request as the scripted server received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: Method,
    pub path: String,
    pub headers: HeaderMap,
    /// The body as JSON; `null` when it is not JSON.
    pub body: Value,
    /// The body as it came (a multipart form, say).
    pub raw: Bytes,
}

/// One answer of the scripted server.
#[derive(Clone)]
pub enum Reply {
    Json(u16, Value),
    WithHeader(u16, Value, &'static str, &'static str),
    /// Status, content type and body as written, for bodies `Json` cannot produce.
    Raw(u16, &'static str, String),
    /// A redirect: status and `Location`.
    Redirect(u16, String),
    After(Duration, Box<Reply>),
}

#[derive(Default)]
struct Script {
    replies: VecDeque<Reply>,
    received: Vec<Recorded>,
}

/// A server that answers each request, whatever its path, with the next of its replies (418
/// once they run out), and records it.
pub struct Server {
    pub base_url: String,
    script: Arc<Mutex<Script>>,
}

impl Server {
    pub async fn start(replies: Vec<Reply>) -> Server {
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
                        let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
                        script.received.push(Recorded {
                            method,
                            path: uri.path().to_owned(),
                            headers,
                            body: json,
                            raw: body,
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
        let base_url = serve(app).await;
        Server { base_url, script }
    }

    /// Every request received so far, in order.
    pub fn received(&self) -> Vec<Recorded> {
        self.script.lock().expect("script lock").received.clone()
    }

    /// A client of this server with the tests' credentials, retrying quickly.
    pub fn client(&self) -> ClientBuilder {
        crate::client_builder(&self.base_url).retry(RetryPolicy {
            initial_backoff: Duration::from_millis(10),
            ..RetryPolicy::default()
        })
    }
}

fn respond(reply: Reply) -> Pin<Box<dyn Future<Output = Response> + Send>> {
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
            Reply::Redirect(status, location) => {
                let mut response = StatusCode::from_u16(status)
                    .expect("status")
                    .into_response();
                response.headers_mut().insert(
                    "location",
                    HeaderValue::from_str(&location).expect("location"),
                );
                response
            }
            Reply::After(delay, reply) => {
                tokio::time::sleep(delay).await;
                respond(*reply).await
            }
        }
    })
}

/// A server speaking raw HTTP/1.1: for every connection it reads the request (one read, enough
/// for the small requests of these tests), then `answer` writes whatever it likes. Its base URL.
pub async fn raw_server<F, Fut>(answer: F) -> String
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let (listener, url) = bind_loopback().await;
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buffer = [0u8; 8192];
            let _ = socket.read(&mut buffer).await;
            tokio::spawn(answer(socket));
        }
    });
    url
}

/// One chunk of a `Transfer-Encoding: chunked` body.
pub fn http_chunk(data: &[u8]) -> Vec<u8> {
    let mut chunk = format!("{:x}\r\n", data.len()).into_bytes();
    chunk.extend_from_slice(data);
    chunk.extend_from_slice(b"\r\n");
    chunk
}

/// The head of a 200 answer with a chunked JSON body.
pub const CHUNKED_200: &str =
    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
