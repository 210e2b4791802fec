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

mod ids;
mod service;

use std::sync::Arc;
use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

pub use service::Sandbox;

/// How the sandbox runs.
#[derive(Clone, Debug)]
pub struct Config {
    /// The only client id it accepts.
    pub client_id: String,
    /// The only secret it accepts.
    pub secret: String,
    /// Makes every id, token and timestamp reproducible.
    pub seed: Option<u64>,
    /// One log line per request (method, path, status, latency, request id).
    pub log_requests: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            client_id: "sandbox-client-id".into(),
            secret: "sandbox-secret".into(),
            seed: None,
            log_requests: false,
        }
    }
}

/// The sandbox as an axum router.
pub fn router(config: &Config) -> axum::Router {
    let sandbox = Sandbox::new(config.client_id.clone(), config.secret.clone(), config.seed);
    let router = plaid_api::server::router(Arc::new(sandbox));
    if config.log_requests {
        router.layer(axum::middleware::from_fn(log_request))
    } else {
        router
    }
}

/// Serves the sandbox on `listener` until the process is stopped.
pub async fn serve(listener: tokio::net::TcpListener, config: Config) -> std::io::Result<()> {
    axum::serve(listener, router(&config)).await
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
