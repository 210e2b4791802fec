//! Webhook verification through the generated crate: `plaid_api::webhooks` fetching keys with
//! the generated client from a scripted `/webhook_verification_key/get`, caching them by kid,
//! and refusing each kind of forgery with its own error.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};
use axum::Json;
use axum::http::StatusCode;
use axum::routing::post;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use plaid_api::webhooks::{VerifyError, webhook_verifier};
use plaid_tests::servers::serve;
use serde_json::{Value, json};

const BODY: &[u8] = br#"{"webhook_type":"ITEM","webhook_code":"WEBHOOK_UPDATE_ACKNOWLEDGED"}"#;

struct SigningKey {
    pkcs8: Vec<u8>,
    public: Vec<u8>,
}

impl SigningKey {
    fn new() -> SigningKey {
        let pkcs8 =
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
                .expect("a P-256 key")
                .as_ref()
                .to_vec();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8).expect("key");
        let public = pair.public_key().as_ref().to_vec();
        SigningKey { pkcs8, public }
    }

    /// The key as `/webhook_verification_key/get` answers it.
    fn jwk(&self, kid: &str, expired_at: Option<i64>) -> Value {
        json!({
            "alg": "ES256", "crv": "P-256", "kid": kid, "kty": "EC", "use": "sig",
            "x": URL_SAFE_NO_PAD.encode(&self.public[1..33]),
            "y": URL_SAFE_NO_PAD.encode(&self.public[33..65]),
            "created_at": 1_560_466_150, "expired_at": expired_at,
        })
    }

    fn sign(&self, kid: &str, iat: i64, body: &[u8]) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(kid.to_owned());
        jsonwebtoken::encode(
            &header,
            &claims(iat, body),
            &EncodingKey::from_ec_der(&self.pkcs8),
        )
        .expect("signing")
    }
}

fn claims(iat: i64, body: &[u8]) -> Value {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, body);
    let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    json!({ "iat": iat, "request_body_sha256": hex })
}

fn now() -> i64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970");
    i64::try_from(since.as_secs()).expect("seconds")
}

/// A key endpoint that knows `keys` (by kid) and counts the calls.
async fn key_server(keys: Vec<(String, Value)>, calls: Arc<AtomicUsize>) -> String {
    let app = axum::Router::new().route(
        "/webhook_verification_key/get",
        post(move |Json(request): Json<Value>| {
            calls.fetch_add(1, Ordering::SeqCst);
            let key = keys
                .iter()
                .find(|(kid, _)| request["key_id"] == kid.as_str())
                .map(|(_, key)| key.clone());
            async move {
                match key {
                    Some(key) => (StatusCode::OK, Json(json!({"key": key, "request_id": "r1"}))),
                    None => (
                        StatusCode::BAD_REQUEST,
                        Json(json!({
                            "error_type": "INVALID_INPUT", "error_code": "INVALID_WEBHOOK_VERIFICATION_KEY_ID",
                            "error_message": "invalid key_id provided", "display_message": null,
                            "request_id": "r2"
                        })),
                    ),
                }
            }
        }),
    );
    serve(app).await
}

#[tokio::test]
async fn the_client_verifier_accepts_a_signed_webhook_and_refuses_each_forgery() {
    let key = SigningKey::new();
    let other = SigningKey::new();
    let calls = Arc::new(AtomicUsize::new(0));
    let url = key_server(
        vec![
            ("k1".to_owned(), key.jwk("k1", None)),
            ("old".to_owned(), key.jwk("old", Some(now() - 60))),
        ],
        Arc::clone(&calls),
    )
    .await;
    let client = plaid_tests::client_builder(&url).build().expect("client");
    let verifier = webhook_verifier(client);

    let now = now();
    let token = key.sign("k1", now, BODY);
    verifier
        .verify(&token, BODY)
        .await
        .expect("a valid webhook");
    verifier
        .verify(&token, BODY)
        .await
        .expect("the same, again");
    assert_eq!(calls.load(Ordering::SeqCst), 1, "the key is cached by kid");

    let refused =
        async |token: &str, body: &[u8]| verifier.verify(token, body).await.expect_err("refused");
    let tampered = [BODY, b" "].concat();
    assert!(matches!(
        refused(&token, &tampered).await,
        VerifyError::BodyMismatch
    ));
    let other_webhook = key.sign("k1", now, br#"{"webhook_code":"OTHER"}"#);
    assert!(matches!(
        refused(&other_webhook, BODY).await,
        VerifyError::BodyMismatch
    ));
    assert!(matches!(
        refused(&other.sign("k1", now, BODY), BODY).await,
        VerifyError::Signature
    ));
    assert!(matches!(
        refused(&key.sign("nope", now, BODY), BODY).await,
        VerifyError::UnknownKey
    ));
    assert!(matches!(
        refused(&key.sign("k1", now - 301, BODY), BODY).await,
        VerifyError::Stale
    ));
    assert!(matches!(
        refused(&key.sign("old", now, BODY), BODY).await,
        VerifyError::KeyExpired
    ));

    let part = |value: Value| URL_SAFE_NO_PAD.encode(value.to_string());
    let none = format!(
        "{}.{}.",
        part(json!({"alg": "none", "kid": "k1"})),
        part(claims(now, BODY))
    );
    assert!(matches!(refused(&none, BODY).await, VerifyError::Algorithm));
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("k1".to_owned());
    let secret = EncodingKey::from_secret(&key.public).expect("an HMAC key");
    let hs256 = jsonwebtoken::encode(&header, &claims(now, BODY), &secret).expect("HS256");
    assert!(matches!(
        refused(&hs256, BODY).await,
        VerifyError::Algorithm
    ));

    let error = refused(&none, BODY).await.to_string();
    assert!(
        !error.contains("ey") && !error.contains("WEBHOOK"),
        "{error}"
    );
}

#[tokio::test]
async fn a_key_endpoint_that_cannot_be_reached_is_not_an_unknown_key() {
    let key = SigningKey::new();
    // A port nothing listens on once its listener is dropped.
    let (listener, url) = plaid_tests::servers::bind_loopback().await;
    drop(listener);
    let client = plaid_tests::client_builder(&url).build().expect("client");
    let error = webhook_verifier(client)
        .verify(&key.sign("k1", now(), BODY), BODY)
        .await
        .expect_err("no key");
    assert!(matches!(error, VerifyError::KeySource(_)), "{error:?}");
}

/// The README's receiver: an axum handler that verifies before it reads the body. Kept here so
/// that it compiles and runs.
mod receiver {
    use std::sync::Arc;

    use axum::body::Bytes;
    use axum::extract::State;
    use axum::http::{HeaderMap, StatusCode};
    use plaid_api::webhooks::{SIGNATURE_HEADER, VerifyError, WebhookVerifier};

    pub async fn webhook(
        State(verifier): State<Arc<WebhookVerifier>>,
        headers: HeaderMap,
        body: Bytes,
    ) -> StatusCode {
        let Some(token) = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok()) else {
            return StatusCode::UNAUTHORIZED;
        };
        match verifier.verify(token, &body).await {
            // Only now is the body trusted: decode it and act on it.
            Ok(()) => StatusCode::OK,
            // The key endpoint could not be reached: Plaid retries a webhook answered 5xx.
            Err(VerifyError::KeySource(_)) => StatusCode::SERVICE_UNAVAILABLE,
            Err(_) => StatusCode::UNAUTHORIZED,
        }
    }
}

#[tokio::test]
async fn an_axum_receiver_verifies_over_http() {
    let key = SigningKey::new();
    let calls = Arc::new(AtomicUsize::new(0));
    let keys = key_server(vec![("k1".to_owned(), key.jwk("k1", None))], calls).await;
    let client = plaid_tests::client_builder(&keys).build().expect("client");
    let app = axum::Router::new()
        .route("/webhook", post(receiver::webhook))
        .with_state(Arc::new(webhook_verifier(client)));
    let receiver = serve(app).await;
    let http = reqwest::Client::new();
    let send = async |token: String, body: &'static [u8]| {
        http.post(format!("{receiver}/webhook"))
            .header("plaid-verification", token)
            .body(body)
            .send()
            .await
            .expect("sent")
            .status()
            .as_u16()
    };
    assert_eq!(send(key.sign("k1", now(), BODY), BODY).await, 200);
    assert_eq!(send(key.sign("k1", now(), BODY), b"{}").await, 401);
}
