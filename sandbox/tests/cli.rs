//! The `plaid-sandbox` binary: its help, and that it prints the address it really listens on.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

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
        "--seed",
        "--log-requests",
    ] {
        assert!(help.contains(option), "{option} missing from:\n{help}");
    }
}

#[test]
fn it_prints_its_address_and_answers_there() {
    let mut child = Command::new(BINARY)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--secret",
            "cli-test-secret",
            "--log-requests",
        ])
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
        .expect("the address line")
        .to_owned();

    let body = r#"{"client_user_id":"cli-user"}"#;
    let mut stream = TcpStream::connect(&address).expect("connect");
    write!(
        stream,
        "POST /user/create HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/json\r\n\
         PLAID-CLIENT-ID: sandbox-client-id\r\nPLAID-SECRET: cli-test-secret\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("user-sandbox-"), "{answer}");

    let _ = child.kill();
    let mut log = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut log)
        .expect("log");
    let _ = child.wait();
    assert!(
        log.contains("path=\"/user/create\"") && log.contains("status=200"),
        "one line per request:\n{log}"
    );
    assert!(
        !log.contains("cli-test-secret"),
        "the secret is never logged:\n{log}"
    );
}
