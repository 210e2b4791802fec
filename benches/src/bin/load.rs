//! A bounded load run against the sandbox and, in the same run, a trivial server: throughput,
//! p50/p99 latency, time from launch to first answer, and resident memory after the run.
//!
//! ```sh
//! cargo build --release -p plaid-sandbox -p plaid-benches --bins
//! cargo run --release -p plaid-benches --bin load -- --seconds 10 --connections 32
//! ```
//!
//! Each connection cycles through `/user/create` (a new `client_user_id` every time),
//! `/user/items/get` (for the user it created first), and two operations the sandbox answers
//! without state, `/item/get` and `/accounts/get`, with keep-alive. Everything runs on
//! 127.0.0.1; both servers are child processes, killed at the end.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use std::io::{BufRead, BufReader};

const CLIENT_ID: &str = "load-client";
const SECRET: &str = "load-secret";

struct Options {
    seconds: u64,
    connections: usize,
}

fn options() -> Options {
    let args: Vec<String> = std::env::args().collect();
    let value = |name: &str, default: u64| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    Options {
        seconds: value("--seconds", 10),
        connections: value("--connections", 32) as usize,
    }
}

/// A server process and the URL it printed.
struct Server {
    child: Child,
    url: String,
    launched: Instant,
}

impl Server {
    fn spawn(binary: &Path, args: &[&str]) -> Server {
        let launched = Instant::now();
        let mut child = Command::new(binary)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {}: {e} (build it with --release first)",
                    binary.display()
                )
            });
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the server prints its address");
        let url = line
            .trim()
            .rsplit(' ')
            .next()
            .expect("an address")
            .to_owned();
        Server {
            child,
            url,
            launched,
        }
    }

    /// Resident memory, from /proc (Linux).
    fn rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let kib: f64 = status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN);
        kib / 1024.0
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls until the server answers anything over HTTP; the time since launch.
async fn first_answer(http: &reqwest::Client, server: &Server) -> Duration {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if http
            .post(format!("{}/user/items/get", server.url))
            .body("{}")
            .send()
            .await
            .is_ok()
        {
            return server.launched.elapsed();
        }
        assert!(
            Instant::now() < deadline,
            "{} did not answer within 10 s",
            server.url
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

struct Outcome {
    requests: usize,
    errors: usize,
    elapsed: Duration,
    latencies_us: Vec<u64>,
}

const ACCESS_TOKEN_BODY: &str =
    r#"{"access_token":"access-sandbox-de3ce8ef-33f8-452c-a685-8671031fc0f6"}"#;

async fn run_load(url: &str, options: &Options) -> Outcome {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(options.connections)
        .build()
        .expect("client");
    let stop = Instant::now() + Duration::from_secs(options.seconds);
    let started = Instant::now();
    let tasks: Vec<_> = (0..options.connections)
        .map(|connection| {
            let http = http.clone();
            let url = url.to_owned();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0;
                let mut token = String::new();
                let mut n = 0u64;
                while Instant::now() < stop {
                    let (path, body) = match n % 4 {
                        _ if token.is_empty() => (
                            "/user/create",
                            format!(r#"{{"client_user_id":"load-{connection}-{n}"}}"#),
                        ),
                        0 => (
                            "/user/create",
                            format!(r#"{{"client_user_id":"load-{connection}-{n}"}}"#),
                        ),
                        1 => ("/user/items/get", format!(r#"{{"user_token":"{token}"}}"#)),
                        // Operations the sandbox keeps no state for: the documented example,
                        // with the request's id and the sandbox's ids.
                        2 => ("/item/get", ACCESS_TOKEN_BODY.to_owned()),
                        _ => ("/accounts/get", ACCESS_TOKEN_BODY.to_owned()),
                    };
                    let sent = Instant::now();
                    let response = http
                        .post(format!("{url}{path}"))
                        .header("content-type", "application/json")
                        .header("PLAID-CLIENT-ID", CLIENT_ID)
                        .header("PLAID-SECRET", SECRET)
                        .body(body)
                        .send()
                        .await;
                    match response {
                        Ok(response) if response.status().is_success() => {
                            let bytes = response.bytes().await.unwrap_or_default();
                            latencies.push(sent.elapsed().as_micros() as u64);
                            if token.is_empty() && path == "/user/create" {
                                let value: serde_json::Value =
                                    serde_json::from_slice(&bytes).unwrap_or_default();
                                token = value["user_token"]
                                    .as_str()
                                    .map(str::to_owned)
                                    .unwrap_or_else(|| "trivial".into());
                            }
                        }
                        _ => errors += 1,
                    }
                    n += 1;
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut latencies_us = Vec::new();
    let mut errors = 0;
    for task in tasks {
        let (latencies, task_errors) = task.await.expect("load task");
        latencies_us.extend(latencies);
        errors += task_errors;
    }
    let elapsed = started.elapsed();
    latencies_us.sort_unstable();
    Outcome {
        requests: latencies_us.len(),
        errors,
        elapsed,
        latencies_us,
    }
}

fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn release_binary(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"),
        PathBuf::from,
    );
    target.join("release").join(name)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 1)]
async fn main() {
    let options = options();
    let http = reqwest::Client::new();
    println!(
        "| server | requests/s | p50 | p99 | errors | launch to first answer | RSS after the run |\n|---|---|---|---|---|---|---|"
    );
    let servers: [(&str, PathBuf, Vec<&str>); 2] = [
        (
            "trivial axum server",
            release_binary("trivial_server"),
            vec!["127.0.0.1:0"],
        ),
        (
            "plaid-sandbox",
            release_binary("plaid-sandbox"),
            vec![
                "--listen",
                "127.0.0.1:0",
                "--client-id",
                CLIENT_ID,
                "--secret",
                SECRET,
                "--seed",
                "1",
            ],
        ),
    ];
    for (name, binary, args) in &servers {
        let server = Server::spawn(binary, args);
        let startup = first_answer(&http, &server).await;
        let outcome = run_load(&server.url, &options).await;
        let rate = outcome.requests as f64 / outcome.elapsed.as_secs_f64();
        println!(
            "| {name} | {rate:.0} | {} µs | {} µs | {} | {:.1} ms | {:.1} MiB |",
            percentile(&outcome.latencies_us, 0.50),
            percentile(&outcome.latencies_us, 0.99),
            outcome.errors,
            startup.as_secs_f64() * 1000.0,
            server.rss_mib(),
        );
    }
}
