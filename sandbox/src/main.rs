//! `plaid-sandbox`: an offline Plaid API on a local port.

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::Parser;

/// An offline, in-memory Plaid sandbox for /user/*, /sandbox/user/reset_login and
/// /beacon/user/create.
#[derive(Parser)]
#[command(name = "plaid-sandbox", version)]
struct Args {
    /// Address to listen on; port 0 picks a free port (the address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The client id requests must carry (PLAID-CLIENT-ID header or `client_id` field).
    #[arg(long, default_value = "sandbox-client-id")]
    client_id: String,
    /// The secret requests must carry (PLAID-SECRET header or `secret` field). Never printed.
    #[arg(long, default_value = "sandbox-secret")]
    secret: String,
    /// Make every id, token and timestamp reproducible.
    #[arg(long)]
    seed: Option<u64>,
    /// Log one line per request (method, path, status, latency, request id). Off by default
    /// so that load tests are not slowed by logging.
    #[arg(long)]
    log_requests: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_target(false)
        .with_writer(std::io::stderr)
        .init();
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("plaid-sandbox: cannot listen on {}: {error}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    let address = listener
        .local_addr()
        .map_or_else(|_| args.listen.to_string(), |a| a.to_string());
    println!("plaid-sandbox listening on http://{address}");
    let config = plaid_sandbox::Config {
        client_id: args.client_id,
        secret: args.secret,
        seed: args.seed,
        log_requests: args.log_requests,
    };
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match axum::serve(listener, plaid_sandbox::router(&config))
        .with_graceful_shutdown(shutdown)
        .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("plaid-sandbox: {error}");
            ExitCode::FAILURE
        }
    }
}
