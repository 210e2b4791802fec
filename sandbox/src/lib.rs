//! An offline Plaid sandbox: the generated router serving an in-memory implementation that
//! keeps state and follows the rules the docs describe.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let config = plaid_sandbox::Config { seed: Some(7), ..plaid_sandbox::Config::default() };
//! plaid_sandbox::serve(listener, config).await
//! # }
//! ```

mod answers;
mod connections;
mod ids;
mod institutions;
mod items;
mod prepared;
mod service;
mod transactions;
mod webhooks;

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

pub use service::Sandbox;

/// How the sandbox runs.
#[derive(Clone)]
pub struct Config {
    /// The only client id it accepts.
    pub client_id: String,
    /// The only secret it accepts; never printed, not even by `Debug`.
    pub secret: String,
    /// Makes every id, token and timestamp reproducible.
    pub seed: Option<u64>,
    /// One log line per request (method, path, status, latency, request id), and one per
    /// webhook delivery attempt (type, code, receiver's host, attempt, status).
    pub log_requests: bool,
    /// Origins whose browser requests are served (exact `Origin` header values). Empty by
    /// default: a request with an `Origin` header is refused, so a web page a developer
    /// visits cannot drive the sandbox with the documented default credentials.
    pub allowed_origins: Vec<String>,
    /// How long a public token from `/sandbox/public_token/create` may be exchanged: 30
    /// minutes, as Plaid documents; shorter in tests of expiry.
    pub public_token_lifetime: Duration,
    pub limits: Limits,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            client_id: "sandbox-client-id".into(),
            secret: "sandbox-secret".into(),
            seed: None,
            log_requests: false,
            allowed_origins: Vec::new(),
            public_token_lifetime: Duration::from_secs(30 * 60),
            limits: Limits::default(),
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("client_id", &self.client_id)
            .field("secret", &plaid_api::REDACTED)
            .field("seed", &self.seed)
            .field("log_requests", &self.log_requests)
            .field("allowed_origins", &self.allowed_origins)
            .field("public_token_lifetime", &self.public_token_lifetime)
            .field("limits", &self.limits)
            .finish()
    }
}

/// What one client may cost the sandbox: time, connections, request size and stored state.
/// Each is a command-line flag of the same name; the defaults are documented in the README.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Connections served at once. At the budget, a newcomer takes the place of the
    /// connection idle the longest (no request in flight), which is closed; when all have a
    /// request in flight, it is answered 503 `SANDBOX_BUSY`. An idle connection costs about
    /// 12 KiB. Default 4,096.
    pub max_connections: usize,
    /// From a connection's start, or the end of its previous answer, to the end of the next
    /// request's head. Closes slow-header ("slowloris") and idle keep-alive connections.
    /// Default 10 s.
    pub header_read_timeout: Duration,
    /// The time the whole request body may take to arrive (408 after it). Default 10 s.
    pub body_read_timeout: Duration,
    /// No byte moved either way for this long closes the connection, whatever it was doing
    /// (a client that stops reading its answer, say). Default 30 s.
    pub idle_timeout: Duration,
    /// The largest request body (413 above it). Default 2 MiB.
    pub max_body_bytes: usize,
    /// Users created over the sandbox's life, removed ones included (their `client_user_id`
    /// is never released). Default 1,000,000.
    pub max_users: usize,
    /// Items linked with `/sandbox/public_token/create` over the sandbox's life, removed ones
    /// included. Default 1,000,000.
    pub max_items: usize,
    /// All stored data: each user's `client_user_id`, its identity as JSON, and 64 bytes of
    /// overhead per user; each linked Item's webhook URL and 320 bytes of overhead; each
    /// transaction `/sandbox/transactions/create` added, its description and currency code
    /// and 96 bytes of overhead; 96 bytes per refresh of a dynamic Item (an Item's generated
    /// history is computed, not stored). Default 64 MiB.
    pub max_stored_bytes: usize,
    /// One user's stored identity, as JSON. Default 64 KiB.
    pub max_user_bytes: usize,
    /// Webhooks waiting for delivery, besides the 17 the delivery task holds (16 under way, one
    /// waiting for a slot); taken between 1 and 1,048,576. Past it,
    /// `/sandbox/item/fire_webhook` answers 503 `SANDBOX_STATE_FULL` and any other webhook is
    /// dropped with a warning: the call that caused it succeeded. Default 1,024.
    pub max_pending_webhooks: usize,
    /// Transactions created (`/sandbox/transactions/create`) and refreshes of a dynamic Item
    /// (`/transactions/refresh`), per Item: each request for the Item's transactions walks them
    /// all, so they are bounded per Item as well as by `max_stored_bytes`. Past it, both
    /// answer 503 `SANDBOX_STATE_FULL`. Default 10,000.
    pub max_item_changes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 4096,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            max_body_bytes: 2 << 20,
            max_users: 1_000_000,
            max_items: 1_000_000,
            max_stored_bytes: 64 << 20,
            max_user_bytes: 64 << 10,
            max_pending_webhooks: 1024,
            max_item_changes: 10_000,
        }
    }
}

/// The sandbox as an axum router. Fails only when there is no seed and the operating system
/// gives no random bytes for the key of the ids.
pub fn router(config: &Config) -> std::io::Result<axum::Router> {
    Ok(router_of(Arc::new(Sandbox::new(config)?), config))
}

fn router_of(sandbox: Arc<Sandbox>, config: &Config) -> axum::Router {
    let router = plaid_api::server::router(sandbox);
    if config.log_requests {
        router.layer(axum::middleware::from_fn(log_request))
    } else {
        router
    }
}

/// What a connection is answered when every connection served at once has a request in
/// flight: 503 in the error shape, whatever the request, with its own request id.
fn busy_router(sandbox: Arc<Sandbox>) -> axum::Router {
    use plaid_api::server_support::{ServerError, ServiceBasics};
    axum::Router::new().fallback(move || {
        let request_id = sandbox.next_request_id();
        async move {
            let mut response = ServerError::new(
                503,
                "API_ERROR",
                "SANDBOX_BUSY",
                "every connection the sandbox serves at once (--max-connections) has a request \
                 in flight; retry shortly",
            )
            .into_response::<plaid_api::operations::Spec>(&request_id);
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("1"),
            );
            response
        }
    })
}

/// Serves the sandbox on `listener` until the process is stopped.
pub async fn serve(listener: tokio::net::TcpListener, config: Config) -> std::io::Result<()> {
    serve_until(listener, config, std::future::pending()).await
}

/// Serves the sandbox on `listener` until `shutdown` completes.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let sandbox = Arc::new(Sandbox::new(&config)?);
    let router = router_of(sandbox.clone(), &config);
    connections::serve(
        listener,
        router,
        busy_router(sandbox),
        &config.limits,
        shutdown,
    )
    .await
}

/// One structured line per request. Headers and bodies are never logged, so neither are
/// credentials.
async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let request_id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info!(
        %method,
        path,
        status = response.status().as_u16(),
        latency_us = started.elapsed().as_micros() as u64,
        request_id,
        "request"
    );
    response
}
