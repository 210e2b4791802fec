//! The `plaid-sandbox` binary: its help, and that it prints the address it really listens on.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const BINARY: &str = env!("CARGO_BIN_EXE_plaid-sandbox");

#[test]
fn help_lists_the_options() {
    let output = Command::new(BINARY)
        .arg("--help")
        .output()
        .expect("run --help");
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for option in [
        "--listen",
        "--client-id",
        "--secret",
        "--secret-file",
        "--seed",
        "--log-requests",
        "--allow-origin",
        "--max-connections",
        "--header-read-timeout",
        "--body-read-timeout",
        "--idle-timeout",
        "--max-body-bytes",
        "--max-users",
        "--max-stored-bytes",
        "--max-user-bytes",
    ] {
        assert!(help.contains(option), "{option} missing from:\n{help}");
    }
}

/// Starts the binary with `args` and `env`; the child and the address it printed.
fn start(args: &[&str], env: &[(&str, &str)]) -> (Child, String) {
    let mut command = Command::new(BINARY);
    command.args(args).envs(env.iter().copied());
    launch(command)
}

/// Runs `command` (the binary, perhaps through a shell) on a free port: the child and the
/// address it printed.
fn launch(mut command: Command) -> (Child, String) {
    let mut child = command
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the sandbox");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("first line");
    let address = line
        .trim()
        .strip_prefix("plaid-sandbox listening on http://")
        .unwrap_or_else(|| panic!("the address line, not {line:?}"))
        .to_owned();
    (child, address)
}

/// The status line and body of a `/user/create` sent with these credentials.
fn create_user(address: &str, secret: &str, client_user_id: &str) -> String {
    let body = format!(r#"{{"client_user_id":"{client_user_id}"}}"#);
    let mut stream = TcpStream::connect(address).expect("connect");
    // A guard against a hang, far longer than an answer takes.
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("read timeout");
    write!(
        stream,
        "POST /user/create HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/json\r\n\
         PLAID-CLIENT-ID: sandbox-client-id\r\nPLAID-SECRET: {secret}\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("answer");
    answer
}

fn stop(mut child: Child) -> String {
    let _ = child.kill();
    let mut log = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut log)
        .expect("log");
    let _ = child.wait();
    log
}

#[test]
fn it_prints_its_address_and_answers_there() {
    let (child, address) = start(&["--secret", "cli-test-secret", "--log-requests"], &[]);
    let answer = create_user(&address, "cli-test-secret", "cli-user");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("user-sandbox-"), "{answer}");
    let log = stop(child);
    assert!(
        log.contains("path=\"/user/create\"") && log.contains("status=200"),
        "one line per request:\n{log}"
    );
    assert!(
        !log.contains("cli-test-secret"),
        "the secret is never logged:\n{log}"
    );
}

#[test]
fn the_secret_can_come_from_the_environment_and_help_does_not_show_it() {
    let env = [("PLAID_SANDBOX_SECRET", "secret-from-env")];
    let (child, address) = start(&[], &env);
    assert!(create_user(&address, "secret-from-env", "env-user").starts_with("HTTP/1.1 200"));
    assert!(create_user(&address, "sandbox-secret", "env-user-2").starts_with("HTTP/1.1 400"));
    stop(child);
    let help = Command::new(BINARY)
        .arg("--help")
        .envs(env)
        .output()
        .expect("run --help");
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("PLAID_SANDBOX_SECRET"), "{help}");
    assert!(!help.contains("secret-from-env"), "{help}");
}

#[test]
fn the_secret_can_come_from_a_file() {
    let dir = std::env::temp_dir().join(format!("plaid-sandbox-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("secret");
    std::fs::write(&file, "secret-from-file\n").expect("write the secret");
    let path = file.to_string_lossy().into_owned();
    let (child, address) = start(&["--secret-file", &path], &[]);
    let answer = create_user(&address, "secret-from-file", "file-user");
    stop(child);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[test]
fn two_secrets_are_refused() {
    let output = Command::new(BINARY)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--secret",
            "a",
            "--secret-file",
            "/nonexistent",
        ])
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("give the secret once"), "{stderr}");
    assert!(!stderr.contains(" a "), "{stderr}");
}

#[test]
fn an_empty_secret_is_refused() {
    let output = Command::new(BINARY)
        .args(["--listen", "127.0.0.1:0"])
        .env("PLAID_SANDBOX_SECRET", "")
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("the secret is empty"), "{stderr}");
}

/// With fewer file descriptors than its connection budget, the sandbox closes the longest-idle
/// connection when it needs one, rather than leave a newcomer in the listen backlog.
#[cfg(unix)]
#[test]
fn out_of_file_descriptors_the_longest_idle_connection_makes_room() {
    let mut command = Command::new("sh");
    // The header-read and idle timeouts are an hour: only an eviction can free a descriptor.
    command.args([
        "-c",
        "ulimit -n 64 && exec \"$0\" \"$@\"",
        BINARY,
        "--header-read-timeout",
        "1h",
        "--idle-timeout",
        "1h",
    ]);
    let (child, address) = launch(command);
    let socket: std::net::SocketAddr = address.parse().expect("an address");
    // Without room made, connects stall once the listen backlog is full: the guard fails them.
    let idle: Vec<TcpStream> = (0..200)
        .map(|_| TcpStream::connect_timeout(&socket, Duration::from_secs(10)).expect("connect"))
        .collect();
    let answer = create_user(&address, "sandbox-secret", "newcomer");
    stop(child);
    drop(idle);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}
