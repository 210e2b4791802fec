//! A `body: multipart` operation end to end: the generated client uploads a file to the
//! sandbox as `multipart/form-data` and decodes the answer; the generated server refuses a
//! malformed or incomplete form in the API's error shape, without quoting what was sent.

use plaid_api::prelude::*;
use plaid_tests::{CLIENT_ID, SECRET, client_builder};
use serde_json::Value;

async fn start() -> String {
    plaid_tests::start_sandbox(plaid_tests::sandbox_config()).await
}

fn upload() -> TransferDiligenceDocumentUploadRequest {
    TransferDiligenceDocumentUploadRequest {
        originator_client_id: "originator-7".into(),
        file: FilePart::new(
            "diligence.pdf",
            "application/pdf",
            b"%PDF-1.4\n%%EOF\n".to_vec(),
        ),
        purpose: TransferDocumentPurpose::DueDiligence,
    }
}

#[tokio::test]
async fn the_client_uploads_a_file_and_decodes_the_answer() {
    let client = client_builder(&start().await).build().expect("client");
    let answer = client
        .transfer_diligence_document_upload(&upload())
        .await
        .expect("upload");
    assert!(!answer.request_id.is_empty());
}

/// A raw request to the upload path: its status and its error body.
async fn send(url: &str, content_type: &str, body: Vec<u8>) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{url}/transfer/diligence/document/upload"))
        .header("PLAID-CLIENT-ID", CLIENT_ID)
        .header("PLAID-SECRET", SECRET)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("send");
    let status = response.status().as_u16();
    let bytes = response.bytes().await.expect("a body");
    let body = serde_json::from_slice::<Value>(&bytes).expect("a JSON body");
    (status, body)
}

fn form(parts: &[(&str, Option<&str>, &str)]) -> Vec<u8> {
    let mut body = String::new();
    for (name, file, content) in parts {
        body.push_str("--XyZ\r\n");
        match file {
            Some(file) => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\n\
                 Content-Type: application/pdf\r\n\r\n"
            )),
            None => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"
            )),
        }
        body.push_str(content);
        body.push_str("\r\n");
    }
    body.push_str("--XyZ--\r\n");
    body.into_bytes()
}

const FORM: &str = "multipart/form-data; boundary=XyZ";

fn code(body: &Value) -> (&str, &str) {
    (
        body["error_type"].as_str().unwrap_or_default(),
        body["error_code"].as_str().unwrap_or_default(),
    )
}

#[tokio::test]
async fn a_raw_form_is_accepted() {
    let url = start().await;
    let body = form(&[
        ("originator_client_id", None, "originator-7"),
        ("purpose", None, "DUE_DILIGENCE"),
        ("file", Some("a.pdf"), "%PDF-1.4"),
    ]);
    let (status, answer) = send(&url, FORM, body).await;
    assert_eq!(status, 200, "{answer}");
    assert!(
        answer["request_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );
}

#[tokio::test]
async fn a_malformed_or_incomplete_form_is_refused_in_the_error_shape() {
    let url = start().await;
    // Cut short: no closing boundary.
    let (status, body) = send(
        &url,
        FORM,
        b"--XyZ\r\nContent-Disposition: form-da".to_vec(),
    )
    .await;
    assert_eq!(
        (status, code(&body)),
        (400, ("INVALID_REQUEST", "INVALID_BODY")),
        "{body}"
    );
    assert!(body["request_id"].is_string());

    // No boundary in the content type.
    let (status, body) = send(&url, "multipart/form-data", form(&[])).await;
    assert_eq!((status, code(&body).1), (400, "INVALID_BODY"), "{body}");

    // A missing part is named.
    let body = form(&[
        ("originator_client_id", None, "originator-7"),
        ("purpose", None, "DUE_DILIGENCE"),
    ]);
    let (status, body) = send(&url, FORM, body).await;
    assert_eq!((status, code(&body).1), (400, "MISSING_FIELDS"), "{body}");
    assert!(
        body["error_message"]
            .as_str()
            .unwrap_or_default()
            .contains("file"),
        "{body}"
    );

    // Text where the file goes, and a value the enum does not list: named, never quoted.
    let body = form(&[
        ("originator_client_id", None, "originator-7"),
        ("purpose", None, "DUE_DILIGENCE"),
        ("file", None, "secret-words-in-a-text-part"),
    ]);
    let (status, body) = send(&url, FORM, body).await;
    assert_eq!((status, code(&body).1), (400, "INVALID_FIELD"), "{body}");
    let message = body["error_message"].as_str().unwrap_or_default();
    assert!(
        message.contains("file") && !message.contains("secret-words"),
        "{body}"
    );
    let body = form(&[
        ("originator_client_id", None, "originator-7"),
        ("purpose", None, "NOT_A_PURPOSE_secret"),
        ("file", Some("a.pdf"), "%PDF"),
    ]);
    let (status, body) = send(&url, FORM, body).await;
    assert_eq!((status, code(&body).1), (400, "INVALID_FIELD"), "{body}");
    assert!(!body.to_string().contains("NOT_A_PURPOSE_secret"), "{body}");

    // JSON is not what this operation takes.
    let (status, body) = send(&url, "application/json", b"{}".to_vec()).await;
    assert_eq!(status, 415, "{body}");
}
