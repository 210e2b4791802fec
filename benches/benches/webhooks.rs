//! The cost of verifying one signed webhook with the generated crate's verifier
//! (`plaid_api::webhooks`): with its key cached (every webhook but the first of a key), and
//! with the key fetched first, from keys at hand and through the generated client from a
//! loopback `/webhook_verification_key/get`.
//!
//! Run: `cargo bench -p plaid-benches --bench webhooks`

use std::hint::black_box;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};
use axum::Json;
use axum::routing::post;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::{Criterion, criterion_group, criterion_main};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use plaid_api::prelude::*;
use plaid_api::webhooks::{Jwk, KeySource, KeySourceError, Verifier, webhook_verifier};
use serde_json::{Value, json};

/// A webhook as the sandbox sends it (TRANSACTIONS `SYNC_UPDATES_AVAILABLE`), 300-odd bytes.
const BODY: &[u8] = br#"{"webhook_type":"TRANSACTIONS","webhook_code":"SYNC_UPDATES_AVAILABLE","item_id":"wz666MBjYWTp2PDzzggYhM6oWWmBb","initial_update_complete":true,"historical_update_complete":true,"environment":"sandbox"}"#;

const KID: &str = "6c5516e1-92dc-479e-a8ff-5a51992e0001";

struct SigningKey {
    pkcs8: Vec<u8>,
    jwk: Jwk,
}

impl SigningKey {
    fn new() -> SigningKey {
        let pkcs8 =
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
                .expect("a P-256 key")
                .as_ref()
                .to_vec();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8).expect("key");
        let public = pair.public_key().as_ref();
        let jwk = Jwk {
            kid: KID.to_owned(),
            kty: "EC".to_owned(),
            crv: "P-256".to_owned(),
            alg: "ES256".to_owned(),
            x: URL_SAFE_NO_PAD.encode(&public[1..33]),
            y: URL_SAFE_NO_PAD.encode(&public[33..65]),
            expired_at: None,
        };
        SigningKey { pkcs8, jwk }
    }

    /// A `Plaid-Verification` header for `body`, issued now.
    fn sign(&self, body: &[u8]) -> String {
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, body);
        let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        let iat = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("after 1970")
            .as_secs();
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(KID.to_owned());
        jsonwebtoken::encode(
            &header,
            &json!({ "iat": iat, "request_body_sha256": hex }),
            &EncodingKey::from_ec_der(&self.pkcs8),
        )
        .expect("signing")
    }

    /// The key as `/webhook_verification_key/get` answers it.
    fn answer(&self) -> Value {
        json!({
            "key": {
                "alg": "ES256", "crv": "P-256", "kid": KID, "kty": "EC", "use": "sig",
                "x": self.jwk.x, "y": self.jwk.y,
                "created_at": 1_560_466_150, "expired_at": null,
            },
            "request_id": "m8MDnv9okwxFNBV",
        })
    }
}

/// Keys at hand: what the verifier costs without a network round trip.
struct Pinned(Jwk);

impl KeySource for Pinned {
    async fn key(&self, kid: &str) -> Result<Option<Jwk>, KeySourceError> {
        Ok((self.0.kid == kid).then(|| self.0.clone()))
    }
}

fn verification(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let key = SigningKey::new();
    // Signed once: a token stays fresh (five minutes) for longer than the bench runs.
    let token = key.sign(BODY);

    let mut group = c.benchmark_group("webhook verification");
    let cached = Verifier::new(Pinned(key.jwk.clone()));
    runtime
        .block_on(cached.verify(&token, BODY))
        .expect("a valid webhook");
    group.bench_function("key cached", |b| {
        b.to_async(&runtime).iter(|| async {
            cached
                .verify(black_box(&token), black_box(BODY))
                .await
                .expect("valid")
        })
    });
    group.bench_function("first use of the key (keys at hand)", |b| {
        b.to_async(&runtime).iter(|| async {
            Verifier::new(Pinned(key.jwk.clone()))
                .verify(black_box(&token), black_box(BODY))
                .await
                .expect("valid")
        })
    });

    let answer = key.answer();
    let app = axum::Router::new().route(
        "/webhook_verification_key/get",
        post(move |Json(_): Json<Value>| {
            let answer = answer.clone();
            async move { Json(answer) }
        }),
    );
    let base_url = runtime.block_on(plaid_tests::servers::serve(app));
    let client = Client::builder()
        .environment(Environment::Custom(base_url))
        .client_id("client-id")
        .secret("secret")
        .build()
        .expect("client");
    group.bench_function(
        "first use of the key (fetched through the client, loopback)",
        |b| {
            b.to_async(&runtime).iter(|| async {
                webhook_verifier(client.clone())
                    .verify(black_box(&token), black_box(BODY))
                    .await
                    .expect("valid")
            })
        },
    );
    group.finish();
}

criterion_group!(benches, verification);
criterion_main!(benches);
