//! `plaid-sandbox`: an offline Plaid API on a local port.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use plaid_sandbox::{Config, Limits};

/// Each request allocates and frees a few dozen small buffers (headers, the decoded request, the
/// encoded answer) across two worker threads; mimalloc's per-thread free lists serve them at a
/// fraction of the system allocator's cost (BENCHMARKS.md, "Side by side with oha").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// An offline, in-memory Plaid sandbox for /user/*, /sandbox/user/reset_login and
/// /beacon/user/create.
#[derive(Parser)]
#[command(name = "plaid-sandbox", version)]
struct Args {
    /// Address to listen on; port 0 picks a free port (the address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The client id requests must carry (PLAID-CLIENT-ID header or `client_id` field).
    #[arg(
        long,
        env = "PLAID_SANDBOX_CLIENT_ID",
        default_value = "sandbox-client-id"
    )]
    client_id: String,
    /// The secret requests must carry (PLAID-SECRET header or `secret` field). Never printed.
    /// Prefer the environment variable or --secret-file: a command line is visible to every
    /// local user. Default: sandbox-secret.
    #[arg(long, env = "PLAID_SANDBOX_SECRET", hide_env_values = true)]
    secret: Option<String>,
    /// Read the secret from this file (one line; a final newline is dropped).
    #[arg(long, value_name = "PATH")]
    secret_file: Option<PathBuf>,
    /// Make every id, token and timestamp reproducible.
    #[arg(long)]
    seed: Option<u64>,
    /// Log one line per request (method, path, status, latency, request id), and one per
    /// webhook delivery attempt. Off by default
    /// so that load tests are not slowed by logging.
    #[arg(long)]
    log_requests: bool,
    /// Serve browser requests from this origin (`http://localhost:3000`); repeat for more.
    /// Without it, any request with an Origin header is refused.
    #[arg(long, value_name = "ORIGIN")]
    allow_origin: Vec<String>,
    /// Connections served at once (each idle one costs about 12 KiB of memory, and a file
    /// descriptor: keep it under `ulimit -n`). At the budget a newcomer is served in place of
    /// the connection idle the longest, which is closed; a request in flight is never cut.
    /// When every connection has a request in flight, a newcomer is answered 503.
    #[arg(long, default_value_t = Limits::default().max_connections)]
    max_connections: usize,
    /// Time to receive a request's head, counted from the connection's start or the end of
    /// the previous answer (closes slow-header and idle keep-alive connections).
    #[arg(long, value_parser = humantime::parse_duration, default_value = "10s")]
    header_read_timeout: Duration,
    /// Time for the whole request body to arrive.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "10s")]
    body_read_timeout: Duration,
    /// A connection on which no byte moves for this long is closed.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "30s")]
    idle_timeout: Duration,
    /// The largest request body, in bytes.
    #[arg(long, default_value_t = Limits::default().max_body_bytes)]
    max_body_bytes: usize,
    /// Users created over the sandbox's life, removed ones included.
    #[arg(long, default_value_t = Limits::default().max_users)]
    max_users: usize,
    /// Items linked with /sandbox/public_token/create over the sandbox's life, removed ones
    /// included.
    #[arg(long, default_value_t = Limits::default().max_items)]
    max_items: usize,
    /// All stored user data, in bytes (identities as JSON, client_user_ids, 64 per user).
    #[arg(long, default_value_t = Limits::default().max_stored_bytes)]
    max_stored_bytes: usize,
    /// One user's stored identity, in bytes of JSON.
    #[arg(long, default_value_t = Limits::default().max_user_bytes)]
    max_user_bytes: usize,
    /// Webhooks waiting for delivery; past it /sandbox/item/fire_webhook answers
    /// SANDBOX_STATE_FULL and other webhooks are dropped with a warning.
    #[arg(long, default_value_t = Limits::default().max_pending_webhooks)]
    max_pending_webhooks: usize,
    /// Transactions created and refreshes made per Item; past it both answer
    /// SANDBOX_STATE_FULL.
    #[arg(long, default_value_t = Limits::default().max_item_changes)]
    max_item_changes: usize,
}

impl Args {
    fn secret(&self) -> Result<String, String> {
        match (&self.secret, &self.secret_file) {
            (Some(_), Some(_)) => Err(
                "give the secret once: --secret (or PLAID_SANDBOX_SECRET) or --secret-file".into(),
            ),
            // An empty secret would let anyone who knows the client id in.
            (Some(secret), None) if secret.is_empty() => {
                Err("the secret is empty (--secret or PLAID_SANDBOX_SECRET)".into())
            }
            (Some(secret), None) => Ok(secret.clone()),
            (None, Some(path)) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read the secret file {}: {e}", path.display()))?;
                let secret = text.strip_suffix('\n').unwrap_or(&text);
                let secret = secret.strip_suffix('\r').unwrap_or(secret);
                if secret.is_empty() {
                    return Err(format!("the secret file {} is empty", path.display()));
                }
                Ok(secret.to_owned())
            }
            (None, None) => Ok(Config::default().secret),
        }
    }

    fn config(self) -> Result<Config, String> {
        Ok(Config {
            secret: self.secret()?,
            client_id: self.client_id,
            seed: self.seed,
            log_requests: self.log_requests,
            allowed_origins: self.allow_origin,
            public_token_lifetime: Config::default().public_token_lifetime,
            limits: Limits {
                max_connections: self.max_connections,
                header_read_timeout: self.header_read_timeout,
                body_read_timeout: self.body_read_timeout,
                idle_timeout: self.idle_timeout,
                max_body_bytes: self.max_body_bytes,
                max_users: self.max_users,
                max_items: self.max_items,
                max_stored_bytes: self.max_stored_bytes,
                max_user_bytes: self.max_user_bytes,
                max_pending_webhooks: self.max_pending_webhooks,
                max_item_changes: self.max_item_changes,
            },
        })
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_target(false)
        .with_writer(std::io::stderr)
        .init();
    let listen = args.listen;
    let config = match args.config() {
        Ok(config) => config,
        Err(message) => {
            eprintln!("plaid-sandbox: {message}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("plaid-sandbox: cannot listen on {listen}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let address = listener
        .local_addr()
        .map_or_else(|_| listen.to_string(), |a| a.to_string());
    println!("plaid-sandbox listening on http://{address}");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match plaid_sandbox::serve_until(listener, config, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("plaid-sandbox: {error}");
            ExitCode::FAILURE
        }
    }
}
