//! The sandbox's webhooks through the generated client: delivered to the Item's URL, signed
//! so that the crate's verifier accepts them against the sandbox's own
//! `/webhook_verification_key/get`, typed by `plaid_api::Webhook`; redirects not followed; a
//! slow receiver never holding up an API answer.

use std::sync::Arc;
use std::time::Duration;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::post;
use plaid_api::Webhook;
use plaid_api::prelude::*;
use plaid_api::webhooks::{SIGNATURE_HEADER, VerifyError, webhook_verifier};
use plaid_tests::client_builder;
use plaid_tests::servers::serve;
use tokio::sync::{mpsc, watch};

/// Far longer than any delivery takes: only a failure waits this long.
const GUARD: Duration = Duration::from_secs(30);

/// A webhook as the receiver got it.
struct Received {
    path: String,
    signature: Option<String>,
    body: Bytes,
}

/// A receiver on loopback: `/hook` and `/other` take a webhook, `/redirect` answers 307 to
/// `/followed`, `/slow` holds each request until `release` turns true. Every request, on
/// every path, is sent down the channel as it arrives.
async fn receiver(release: watch::Receiver<bool>) -> (String, mpsc::UnboundedReceiver<Received>) {
    let (sender, received) = mpsc::unbounded_channel();
    let record = move |path: &'static str| {
        let sender = sender.clone();
        move |headers: HeaderMap, body: Bytes| {
            let signature = headers
                .get(SIGNATURE_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let _ = sender.send(Received {
                path: path.to_owned(),
                signature,
                body,
            });
        }
    };
    let (hook, other, redirect, followed, slow) = (
        record("/hook"),
        record("/other"),
        record("/redirect"),
        record("/followed"),
        record("/slow"),
    );
    let app = axum::Router::new()
        .route(
            "/hook",
            post(move |h: HeaderMap, b: Bytes| async move { hook(h, b) }),
        )
        .route(
            "/other",
            post(move |h: HeaderMap, b: Bytes| async move { other(h, b) }),
        )
        .route(
            "/redirect",
            post(move |h: HeaderMap, b: Bytes| async move {
                redirect(h, b);
                (
                    StatusCode::TEMPORARY_REDIRECT,
                    [(header::LOCATION, "/followed")],
                )
                    .into_response()
            }),
        )
        .route(
            "/followed",
            post(move |h: HeaderMap, b: Bytes| async move { followed(h, b) }),
        )
        .route(
            "/slow",
            post(move |h: HeaderMap, b: Bytes| {
                let mut release = release.clone();
                async move {
                    slow(h, b);
                    let _ = release.wait_for(|released| *released).await;
                }
            }),
        );
    (serve(app).await, received)
}

async fn next(received: &mut mpsc::UnboundedReceiver<Received>) -> Received {
    tokio::time::timeout(GUARD, received.recv())
        .await
        .expect("a webhook within the guard time")
        .expect("the receiver is running")
}

async fn start() -> Client {
    let url = plaid_tests::start_sandbox(plaid_tests::sandbox_config()).await;
    client_builder(&url).build().expect("client")
}

/// Links an Item with `products` whose webhook URL is `webhook`.
async fn link(
    client: &Client,
    webhook: Option<String>,
    products: Vec<Products>,
) -> ItemPublicTokenExchangeResponse {
    let options = SandboxPublicTokenCreateRequestOptions {
        webhook,
        ..Default::default()
    };
    plaid_tests::link_item_with(client, products, options).await
}

fn fire(
    access_token: &str,
    code: SandboxItemFireWebhookRequestWebhookCode,
) -> SandboxItemFireWebhookRequest {
    SandboxItemFireWebhookRequest {
        client_id: None,
        secret: None,
        access_token: access_token.into(),
        webhook_type: None,
        webhook_code: code,
    }
}

/// The status and `error_code` of an API error.
fn error_code<T: std::fmt::Debug>(result: Result<T, Error>) -> (u16, String) {
    let (status, _, code) = plaid_tests::api_error(result);
    (status, code)
}

#[tokio::test]
async fn webhooks_are_signed_verified_by_the_crate_and_typed() {
    let client = start().await;
    let (_release, release) = watch::channel(false);
    let (base, mut received) = receiver(release).await;
    let verifier = webhook_verifier(client.clone());
    let verify = async |webhook: &Received| -> Result<Webhook, VerifyError> {
        let signature = webhook
            .signature
            .as_deref()
            .expect("a Plaid-Verification header");
        verifier.verify(signature, &webhook.body).await?;
        Ok(Webhook::from_slice(&webhook.body).expect("a typed webhook"))
    };

    let linked = link(
        &client,
        Some(format!("{base}/hook")),
        vec![Products::Auth, Products::Transactions],
    )
    .await;

    // Created with transactions: INITIAL_UPDATE and HISTORICAL_UPDATE (delivered concurrently,
    // so in either order).
    let mut codes = Vec::new();
    let mut created = None;
    for _ in 0..2 {
        let webhook = next(&mut received).await;
        assert_eq!(webhook.path, "/hook");
        match verify(&webhook).await.expect("verifies") {
            Webhook::InitialUpdate(w) => {
                assert_eq!(w.item_id, linked.item_id);
                codes.push("INITIAL_UPDATE");
            }
            Webhook::HistoricalUpdate(w) => {
                assert_eq!(w.item_id, linked.item_id);
                codes.push("HISTORICAL_UPDATE");
            }
            other => panic!("expected INITIAL_UPDATE or HISTORICAL_UPDATE, got {other:?}"),
        }
        created = Some(webhook);
    }
    codes.sort_unstable();
    assert_eq!(codes, ["HISTORICAL_UPDATE", "INITIAL_UPDATE"]);
    let created = created.expect("a webhook");

    // The token's header names the key the sandbox hands out, as a P-256 ES256 JWK.
    let header = jsonwebtoken::decode_header(created.signature.as_deref().expect("signature"))
        .expect("a JWT header");
    assert_eq!(header.alg, jsonwebtoken::Algorithm::ES256);
    let kid = header.kid.expect("a kid");
    let key = client
        .webhook_verification_key_get(&WebhookVerificationKeyGetRequest {
            key_id: kid.clone(),
            ..Default::default()
        })
        .await
        .expect("the key")
        .key;
    assert_eq!(
        (
            key.alg.as_str(),
            key.crv.as_str(),
            key.kty.as_str(),
            key.use_.as_str()
        ),
        ("ES256", "P-256", "EC", "sig")
    );
    assert_eq!((key.kid.as_str(), key.expired_at), (kid.as_str(), None));

    let fired = client
        .sandbox_item_fire_webhook(&fire(
            &linked.access_token,
            SandboxItemFireWebhookRequestWebhookCode::DefaultUpdate,
        ))
        .await
        .expect("fired");
    assert!(fired.webhook_fired);
    match verify(&next(&mut received).await).await.expect("verifies") {
        Webhook::DefaultUpdate(w) => assert_eq!(w.item_id, linked.item_id),
        other => panic!("expected TRANSACTIONS DEFAULT_UPDATE, got {other:?}"),
    }

    client
        .sandbox_item_fire_webhook(&fire(
            &linked.access_token,
            SandboxItemFireWebhookRequestWebhookCode::LoginRepaired,
        ))
        .await
        .expect("fired");
    let repaired = next(&mut received).await;
    match verify(&repaired).await.expect("verifies") {
        Webhook::ItemLoginRepaired(w) => assert_eq!(w.item_id, linked.item_id),
        other => panic!("expected LOGIN_REPAIRED, got {other:?}"),
    }
    // The signature covers the body: one byte changed, and it no longer verifies.
    let mut tampered = repaired.body.to_vec();
    tampered.push(b' ');
    assert!(matches!(
        verifier
            .verify(repaired.signature.as_deref().expect("signature"), &tampered)
            .await,
        Err(VerifyError::BodyMismatch)
    ));

    // A product the Item lacks: the documented error, nothing sent.
    assert_eq!(
        error_code(
            client
                .sandbox_item_fire_webhook(&SandboxItemFireWebhookRequest {
                    webhook_type: Some(WebhookType::Liabilities),
                    ..fire(
                        &linked.access_token,
                        SandboxItemFireWebhookRequestWebhookCode::DefaultUpdate
                    )
                })
                .await
        ),
        (400, "SANDBOX_PRODUCT_NOT_ENABLED".into())
    );

    // A new URL: acknowledged there.
    client
        .item_webhook_update(&ItemWebhookUpdateRequest {
            access_token: linked.access_token.clone(),
            webhook: Nullable::Value(format!("{base}/other")),
            ..Default::default()
        })
        .await
        .expect("updated");
    let acknowledged = next(&mut received).await;
    assert_eq!(acknowledged.path, "/other");
    match verify(&acknowledged).await.expect("verifies") {
        Webhook::WebhookUpdateAcknowledged(w) => {
            assert_eq!(w.item_id, linked.item_id);
            assert_eq!(w.new_webhook_url, format!("{base}/other"));
        }
        other => panic!("expected WEBHOOK_UPDATE_ACKNOWLEDGED, got {other:?}"),
    }

    // reset_login: the ITEM_LOGIN_REQUIRED error webhook, at the new URL.
    client
        .sandbox_item_reset_login(&SandboxItemResetLoginRequest {
            access_token: linked.access_token.clone(),
            ..Default::default()
        })
        .await
        .expect("reset");
    let reset = next(&mut received).await;
    assert_eq!(reset.path, "/other");
    match verify(&reset).await.expect("verifies") {
        Webhook::ItemError(w) => {
            assert_eq!(w.item_id, linked.item_id);
            assert_eq!(w.error.expect("an error").error_code, "ITEM_LOGIN_REQUIRED");
        }
        other => panic!("expected ITEM ERROR, got {other:?}"),
    }
    assert!(received.try_recv().is_err(), "nothing else was sent");
}

#[tokio::test]
async fn a_key_id_the_sandbox_never_issued_is_refused() {
    let client = start().await;
    assert_eq!(
        error_code(
            client
                .webhook_verification_key_get(&WebhookVerificationKeyGetRequest {
                    key_id: "6c5516e1-92dc-479e-a8ff-5a51992e0001".into(),
                    ..Default::default()
                })
                .await
        ),
        (400, "INVALID_WEBHOOK_VERIFICATION_KEY_ID".into())
    );
    // A token signed by a key of its own naming a kid the sandbox never issued: the crate's
    // verifier asks the sandbox and reports the key unknown.
    let pkcs8 =
        EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
            .expect("a key");
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
    header.kid = Some("never-issued".into());
    let iat = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    let token = jsonwebtoken::encode(
        &header,
        &serde_json::json!({"iat": iat, "request_body_sha256": "00"}),
        &jsonwebtoken::EncodingKey::from_ec_der(pkcs8.as_ref()),
    )
    .expect("signed");
    assert!(matches!(
        webhook_verifier(client).verify(&token, b"{}").await,
        Err(VerifyError::UnknownKey)
    ));
}

#[tokio::test]
async fn an_item_without_a_deliverable_webhook_url_is_refused_and_sent_nothing() {
    let client = start().await;
    let linked = link(&client, None, vec![Products::Transactions]).await;
    assert_eq!(
        error_code(
            client
                .sandbox_item_fire_webhook(&fire(
                    &linked.access_token,
                    SandboxItemFireWebhookRequestWebhookCode::SyncUpdatesAvailable,
                ))
                .await
        ),
        (400, "SANDBOX_WEBHOOK_INVALID".into())
    );
    // A scheme other than http(s) is refused where the URL is given (the spec's constraint),
    // so it is never stored, and never delivered to.
    let url = plaid_tests::start_sandbox(plaid_tests::sandbox_config()).await;
    let answer = reqwest::Client::new()
        .post(format!("{url}/sandbox/public_token/create"))
        .header("content-type", "application/json")
        .body(
            serde_json::json!({
                "client_id": plaid_tests::CLIENT_ID, "secret": plaid_tests::SECRET,
                "institution_id": "ins_109508", "initial_products": ["transactions"],
                "options": {"webhook": "file:///etc/passwd"},
            })
            .to_string(),
        )
        .send()
        .await
        .expect("an answer");
    assert_eq!(answer.status(), 400);
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let client = start().await;
    let (_release, release) = watch::channel(false);
    let (base, mut received) = receiver(release).await;
    let linked = link(
        &client,
        Some(format!("{base}/redirect")),
        vec![Products::Auth],
    )
    .await;
    client
        .sandbox_item_fire_webhook(&fire(
            &linked.access_token,
            SandboxItemFireWebhookRequestWebhookCode::LoginRepaired,
        ))
        .await
        .expect("fired");
    assert_eq!(next(&mut received).await.path, "/redirect");
    // Then another webhook, to a plain URL: had the redirect been followed, `/followed` would
    // have been asked before the delivery ended, long before this round trip.
    client
        .item_webhook_update(&ItemWebhookUpdateRequest {
            access_token: linked.access_token.clone(),
            webhook: Nullable::Value(format!("{base}/hook")),
            ..Default::default()
        })
        .await
        .expect("updated");
    assert_eq!(next(&mut received).await.path, "/hook");
    while let Ok(other) = received.try_recv() {
        assert_ne!(other.path, "/followed", "a redirect was followed");
        assert_ne!(other.path, "/redirect", "a 3xx answer was retried");
    }
}

#[tokio::test]
async fn a_slow_receiver_does_not_hold_up_api_answers() {
    let client = start().await;
    let (release_sender, release) = watch::channel(false);
    let release_sender = Arc::new(release_sender);
    let (base, mut received) = receiver(release).await;
    // Created with transactions: its two webhooks go to `/slow`, which holds them.
    let linked = link(
        &client,
        Some(format!("{base}/slow")),
        vec![Products::Transactions],
    )
    .await;
    for _ in 0..2 {
        assert_eq!(next(&mut received).await.path, "/slow");
    }

    // While the receiver holds those requests, the API still answers, webhook calls included.
    let answered = tokio::time::timeout(GUARD, async {
        client
            .sandbox_item_fire_webhook(&fire(
                &linked.access_token,
                SandboxItemFireWebhookRequestWebhookCode::SyncUpdatesAvailable,
            ))
            .await
            .expect("fired");
        client
            .sandbox_item_reset_login(&SandboxItemResetLoginRequest {
                access_token: linked.access_token.clone(),
                ..Default::default()
            })
            .await
            .expect("reset");
    })
    .await;
    assert!(
        answered.is_ok(),
        "an API answer waited for a webhook's receiver"
    );
    assert!(
        !*release_sender.borrow(),
        "the receiver still holds the creation webhooks"
    );

    release_sender.send_replace(true);
    // The two webhooks fired meanwhile reach the receiver too (it holds every request).
    for _ in 0..2 {
        assert_eq!(next(&mut received).await.path, "/slow");
    }
}

#[tokio::test]
async fn past_its_budget_of_pending_webhooks_fire_webhook_answers_state_full() {
    let url = plaid_tests::start_sandbox(plaid_sandbox::Config {
        limits: plaid_sandbox::Limits {
            max_pending_webhooks: 2,
            ..plaid_sandbox::Limits::default()
        },
        ..plaid_tests::sandbox_config()
    })
    .await;
    let client = client_builder(&url).build().expect("client");
    let (release_sender, release) = watch::channel(false);
    let (base, mut received) = receiver(release).await;
    let linked = link(&client, Some(format!("{base}/slow")), vec![Products::Auth]).await;
    let repaired = || {
        fire(
            &linked.access_token,
            SandboxItemFireWebhookRequestWebhookCode::LoginRepaired,
        )
    };

    // The receiver holds every delivery: 16 are under way, one waits for a slot, 2 are queued.
    let mut fired = 0;
    let full = loop {
        match client.sandbox_item_fire_webhook(&repaired()).await {
            Ok(_) => fired += 1,
            Err(error) => break error,
        }
        assert!(fired <= 64, "the queue never filled");
    };
    // The queue's 2, and at most the 17 the delivery task holds (16 under way, one waiting).
    assert!(
        (2..=2 + 17).contains(&fired),
        "the queue holds its budget: {fired} fired"
    );
    let Error::Api(full) = full else {
        panic!("expected an API error, got {full:?}")
    };
    let body = full.error.expect("the API's error shape");
    assert_eq!(
        (full.status, body.error_code.as_str()),
        (503, "SANDBOX_STATE_FULL")
    );
    // Other calls still answer; the webhook they cause is dropped.
    client
        .item_webhook_update(&ItemWebhookUpdateRequest {
            access_token: linked.access_token.clone(),
            webhook: Nullable::Value(format!("{base}/other")),
            ..Default::default()
        })
        .await
        .expect("updated although its webhook is dropped");

    // Once the receiver answers, the queue drains: every accepted webhook arrives, and firing
    // works again.
    release_sender.send_replace(true);
    for _ in 0..fired {
        assert_eq!(next(&mut received).await.path, "/slow");
    }
    let dropped = tokio::time::timeout(Duration::from_millis(500), received.recv()).await;
    assert!(dropped.is_err(), "the dropped webhook was delivered");
    let again = tokio::time::timeout(GUARD, async {
        loop {
            if client.sandbox_item_fire_webhook(&repaired()).await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(again.is_ok(), "firing works again once the queue drained");
}

#[tokio::test]
async fn a_5xx_answer_is_retried_with_the_same_body_signed_again() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let client = start().await;
    let (sender, mut received) = mpsc::unbounded_channel();
    let calls = Arc::new(AtomicUsize::new(0));
    let app = axum::Router::new().route(
        "/flaky",
        post(move |headers: HeaderMap, body: Bytes| {
            let first = calls.fetch_add(1, Ordering::SeqCst) == 0;
            let signature = headers
                .get(SIGNATURE_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let _ = sender.send(Received {
                path: "/flaky".into(),
                signature,
                body,
            });
            async move {
                if first {
                    StatusCode::SERVICE_UNAVAILABLE
                } else {
                    StatusCode::OK
                }
            }
        }),
    );
    let base = serve(app).await;
    let linked = link(&client, Some(format!("{base}/flaky")), vec![Products::Auth]).await;
    client
        .sandbox_item_fire_webhook(&fire(
            &linked.access_token,
            SandboxItemFireWebhookRequestWebhookCode::NewAccountsAvailable,
        ))
        .await
        .expect("fired");
    let first = next(&mut received).await;
    let retried = next(&mut received).await;
    assert_eq!(first.body, retried.body, "the same webhook");
    let verifier = webhook_verifier(client);
    for webhook in [&first, &retried] {
        verifier
            .verify(
                webhook.signature.as_deref().expect("signature"),
                &webhook.body,
            )
            .await
            .expect("verifies");
    }
    assert!(matches!(
        Webhook::from_slice(&retried.body),
        Ok(Webhook::NewAccountsAvailable(_))
    ));
}

#[tokio::test]
async fn a_seed_makes_the_signing_key_reproducible() {
    let key_of = async |seed: u64| {
        let url = plaid_tests::start_sandbox(plaid_sandbox::Config {
            seed: Some(seed),
            ..plaid_tests::sandbox_config()
        })
        .await;
        let client = client_builder(&url).build().expect("client");
        let (_release, release) = watch::channel(false);
        let (base, mut received) = receiver(release).await;
        link(
            &client,
            Some(format!("{base}/hook")),
            vec![Products::Transactions],
        )
        .await;
        let webhook = next(&mut received).await;
        let kid = jsonwebtoken::decode_header(webhook.signature.as_deref().expect("signature"))
            .expect("a JWT header")
            .kid
            .expect("a kid");
        client
            .webhook_verification_key_get(&WebhookVerificationKeyGetRequest {
                key_id: kid,
                ..Default::default()
            })
            .await
            .expect("the key")
            .key
    };
    let first = key_of(7).await;
    assert_eq!(first, key_of(7).await, "the same seed, the same key");
    assert_ne!(first.x, key_of(8).await.x, "another seed, another key");
}

#[tokio::test]
async fn added_and_refreshed_transactions_are_announced_as_plaid_does() {
    let client = start().await;
    let (_release, release) = watch::channel(false);
    let (base, mut received) = receiver(release).await;
    let options = SandboxPublicTokenCreateRequestOptions {
        webhook: Some(format!("{base}/hook")),
        override_username: Nullable::Value("user_transactions_dynamic".into()),
        override_password: Nullable::Value("any".into()),
        ..Default::default()
    };
    let item = plaid_tests::link_item_with(&client, vec![Products::Transactions], options).await;
    client
        .sandbox_transactions_create(&SandboxTransactionsCreateRequest {
            access_token: item.access_token.clone(),
            transactions: vec![CustomSandboxTransaction {
                date_transacted: "2024-03-01".into(),
                date_posted: "2024-03-02".into(),
                amount: 4.5,
                description: "Coffee test".into(),
                iso_currency_code: Some("USD".into()),
            }],
            ..Default::default()
        })
        .await
        .expect("transactions added");
    let verifier = webhook_verifier(client.clone());
    // `count` webhooks, verified and typed; delivered concurrently, so in any order.
    let mut received_webhooks = async |count: usize| {
        let mut webhooks = Vec::new();
        while webhooks.len() < count {
            let webhook = next(&mut received).await;
            let token = webhook.signature.expect("a signature");
            verifier
                .verify(&token, &webhook.body)
                .await
                .expect("a webhook the crate verifies");
            let typed = Webhook::from_slice(&webhook.body).expect("a typed webhook");
            assert_eq!(typed.webhook_type(), "TRANSACTIONS");
            webhooks.push(typed);
        }
        webhooks.sort_by_key(|w| w.webhook_code().to_owned());
        webhooks
    };
    let codes = |webhooks: &[Webhook]| -> Vec<String> {
        webhooks
            .iter()
            .map(|w| w.webhook_code().to_owned())
            .collect()
    };
    // The Item's creation webhooks and the sync update.
    assert_eq!(
        codes(&received_webhooks(3).await),
        [
            "HISTORICAL_UPDATE",
            "INITIAL_UPDATE",
            "SYNC_UPDATES_AVAILABLE"
        ]
    );

    // Refreshes of a dynamic Item: new transactions each time, and from the third a pending
    // one posts, which removes it (see sandbox_transactions.rs).
    let refresh = TransactionsRefreshRequest {
        access_token: item.access_token.clone(),
        ..Default::default()
    };
    for _ in 0..2 {
        client
            .transactions_refresh(&refresh)
            .await
            .expect("refreshed");
        let webhooks = received_webhooks(2).await;
        assert_eq!(
            codes(&webhooks),
            ["DEFAULT_UPDATE", "SYNC_UPDATES_AVAILABLE"]
        );
        assert!(matches!(&webhooks[0], Webhook::DefaultUpdate(w) if w.new_transactions == 1.0));
    }
    client
        .transactions_refresh(&refresh)
        .await
        .expect("refreshed");
    let webhooks = received_webhooks(3).await;
    assert_eq!(
        codes(&webhooks),
        [
            "DEFAULT_UPDATE",
            "SYNC_UPDATES_AVAILABLE",
            "TRANSACTIONS_REMOVED"
        ]
    );
    assert!(matches!(&webhooks[0], Webhook::DefaultUpdate(w) if w.new_transactions == 2.0));
    let now = client
        .transactions_get(&TransactionsGetRequest {
            access_token: item.access_token.clone(),
            start_date: "1970-01-01".into(),
            end_date: "2999-12-31".into(),
            options: Some(TransactionsGetRequestOptions {
                count: Some(500),
                offset: Some(0),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .expect("transactions")
        .transactions;
    match &webhooks[2] {
        Webhook::TransactionsRemoved(w) => {
            // The removed one is the pending purchase that posted.
            let gone = &w.removed_transactions[0];
            assert!(now.iter().all(|t| &t.transaction_id != gone));
            assert!(
                now.iter()
                    .any(|t| t.pending_transaction_id.as_ref() == Some(gone))
            );
            assert_eq!(
                (w.item_id.as_str(), w.removed_transactions.len()),
                (item.item_id.as_str(), 1)
            );
        }
        other => panic!("expected TRANSACTIONS_REMOVED, got {other:?}"),
    }
}
