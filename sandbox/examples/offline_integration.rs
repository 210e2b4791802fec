//! An integration tested offline: the sandbox in-process, an Item linked, its data read, its
//! transactions synced, and its webhooks received, verified and decoded as typed values.
//!
//! `cargo run -p plaid-sandbox --example offline_integration`

use std::sync::Arc;
use std::time::Duration;

use axum::{Router, body::Bytes, extract::State, http::HeaderMap, http::StatusCode, routing::post};
use plaid_api::Webhook;
use plaid_api::prelude::*;
use plaid_api::webhooks::{SIGNATURE_HEADER, WebhookVerifier, webhook_verifier};
use tokio::{net::TcpListener, sync::mpsc};

type Receiver = (Arc<WebhookVerifier>, mpsc::UnboundedSender<Webhook>);

/// The application's webhook endpoint: verify the raw body, then decode it.
async fn receive(
    State((verifier, webhooks)): State<Receiver>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let Some(token) = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok()) else {
        return StatusCode::UNAUTHORIZED;
    };
    if verifier.verify(token, &body).await.is_err() {
        return StatusCode::UNAUTHORIZED;
    }
    match Webhook::from_slice(&body) {
        Ok(webhook) => {
            let _ = webhooks.send(webhook);
            StatusCode::OK
        }
        Err(_) => StatusCode::BAD_REQUEST,
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The sandbox on a free port; `seed` makes every id, token and transaction reproducible.
    let config = plaid_sandbox::Config {
        seed: Some(7),
        ..plaid_sandbox::Config::default()
    };
    let client = Client::builder()
        .environment(Environment::Custom(serve_sandbox(config.clone()).await?))
        .client_id(&config.client_id)
        .secret(&config.secret)
        .build()?;

    // The webhook receiver, verifying with the keys the sandbox signs with.
    let (sender, mut webhooks) = mpsc::unbounded_channel();
    let state: Receiver = (Arc::new(webhook_verifier(client.clone())), sender);
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let webhook_url = format!("http://{}/plaid/webhook", listener.local_addr()?);
    let app = Router::new()
        .route("/plaid/webhook", post(receive))
        .with_state(state);
    tokio::spawn(async move { axum::serve(listener, app).await });

    // What Link does: a public token for the test user at a Sandbox institution, exchanged
    // (once) for the Item's access token.
    let public_token = client
        .sandbox_public_token_create(&SandboxPublicTokenCreateRequest {
            institution_id: "ins_109508".into(),
            initial_products: vec![Products::Auth, Products::Transactions],
            options: Some(SandboxPublicTokenCreateRequestOptions {
                webhook: Some(webhook_url),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await?
        .public_token;
    let item = client
        .item_public_token_exchange(&ItemPublicTokenExchangeRequest {
            public_token,
            ..Default::default()
        })
        .await?;
    let access_token = item.access_token;

    let accounts = client
        .accounts_get(&AccountsGetRequest {
            access_token: access_token.clone(),
            ..Default::default()
        })
        .await?;
    println!(
        "Item {} has {} accounts",
        item.item_id,
        accounts.accounts.len()
    );

    // Two years of transactions, synced page by page to the end.
    let (mut cursor, mut synced) = (None, 0);
    loop {
        let page = client
            .transactions_sync(&TransactionsSyncRequest {
                access_token: access_token.clone(),
                cursor,
                ..Default::default()
            })
            .await?;
        synced += page.added.len();
        cursor = Some(page.next_cursor);
        if !page.has_more {
            break;
        }
    }
    println!("synced {synced} transactions");

    // Linking sent INITIAL_UPDATE and HISTORICAL_UPDATE; ask for one more.
    client
        .sandbox_item_fire_webhook(&SandboxItemFireWebhookRequest {
            client_id: None,
            secret: None,
            access_token: access_token.clone(),
            webhook_type: None,
            webhook_code: SandboxItemFireWebhookRequestWebhookCode::DefaultUpdate,
        })
        .await?;
    for _ in 0..3 {
        let webhook = tokio::time::timeout(Duration::from_secs(10), webhooks.recv())
            .await?
            .ok_or("the receiver stopped")?;
        println!(
            "verified {} {}",
            webhook.webhook_type(),
            webhook.webhook_code()
        );
    }

    // Errors come typed, with the API's error body.
    client
        .sandbox_item_reset_login(&SandboxItemResetLoginRequest {
            access_token: access_token.clone(),
            ..Default::default()
        })
        .await?;
    let refused = client
        .accounts_get(&AccountsGetRequest {
            access_token,
            ..Default::default()
        })
        .await;
    match refused {
        Err(Error::Api(error)) => {
            let code = error.error.map(|body| body.error_code);
            println!("after reset_login: {}", code.as_deref().unwrap_or("?"));
        }
        other => return Err(format!("expected ITEM_LOGIN_REQUIRED, got {other:?}").into()),
    }
    Ok(())
}

/// Starts the sandbox in this process on a free loopback port: its base URL.
async fn serve_sandbox(config: plaid_sandbox::Config) -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(plaid_sandbox::serve(listener, config));
    Ok(url)
}
