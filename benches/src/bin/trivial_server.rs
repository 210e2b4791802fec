//! The baseline for the sandbox's load benchmark: an axum server that ignores the body and
//! answers every request with the same small JSON document.
//!
//! `trivial_server 127.0.0.1:0` prints the address it listens on.

use std::net::SocketAddr;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let address: SocketAddr = std::env::args()
        .nth(1)
        .as_deref()
        .unwrap_or("127.0.0.1:0")
        .parse()
        .map_err(std::io::Error::other)?;
    let body = r#"{"request_id":"m8MDnv9okwxFNBV"}"#;
    let app = axum::Router::new()
        .fallback(move || async move { ([("content-type", "application/json")], body) });
    let listener = tokio::net::TcpListener::bind(address).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await
}
