//! The flow every Plaid integration runs, end to end through the generated client against the
//! in-process sandbox, with a webhook receiver that verifies each delivery with the crate's
//! verifier and decodes it as a typed `Webhook`: link (and the ways linking fails), read the
//! Item's data and its institution, page through its transactions, add one, receive webhooks, change the webhook
//! URL, rotate the token, break the login, remove the Item.
//!
//! Each step is also tested on its own, in more detail (`sandbox_items`, `sandbox_transactions`,
//! `sandbox_webhooks`, `webhooks`); this test holds them together: the ids one step answers are
//! the ids every later step sees.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use plaid_api::Webhook;
use plaid_api::prelude::*;
use plaid_api::webhooks::{SIGNATURE_HEADER, WebhookVerifier, webhook_verifier};
use plaid_tests::{api_error, client_builder};
use tokio::sync::mpsc;

/// Far longer than a delivery takes: only a failure waits this long.
const GUARD: Duration = Duration::from_secs(30);

/// What the receiver hands the test: the path a webhook came to, and the webhook, verified
/// and typed, or why it was refused.
type Delivery = (&'static str, Result<Webhook, String>);

#[derive(Clone)]
struct Receiver {
    verifier: Arc<WebhookVerifier>,
    deliveries: mpsc::UnboundedSender<Delivery>,
}

/// The receiver an application would run: the signature is checked against the raw body
/// before the body is decoded, and anything unverified is answered 401.
async fn receive(
    path: &'static str,
    receiver: Receiver,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let token = headers
        .get(SIGNATURE_HEADER)
        .and_then(|value| value.to_str().ok());
    let verified = match token {
        None => Err("no Plaid-Verification header".to_owned()),
        Some(token) => match receiver.verifier.verify(token, &body).await {
            Ok(()) => Webhook::from_slice(&body).map_err(|e| e.to_string()),
            Err(refused) => Err(refused.to_string()),
        },
    };
    let status = if verified.is_ok() {
        StatusCode::OK
    } else {
        StatusCode::UNAUTHORIZED
    };
    let _ = receiver.deliveries.send((path, verified));
    status
}

/// A receiver on loopback taking webhooks at `/hooks/first` and `/hooks/second`.
async fn start_receiver(client: &Client) -> (String, mpsc::UnboundedReceiver<Delivery>) {
    let (deliveries, received) = mpsc::unbounded_channel();
    let state = Receiver {
        verifier: Arc::new(webhook_verifier(client.clone())),
        deliveries,
    };
    let app = axum::Router::new()
        .route(
            "/hooks/first",
            post(|State(r), h, b| receive("/hooks/first", r, h, b)),
        )
        .route(
            "/hooks/second",
            post(|State(r), h, b| receive("/hooks/second", r, h, b)),
        )
        .with_state(state);
    (plaid_tests::servers::serve(app).await, received)
}

/// The next webhook, which must have verified.
async fn next_webhook(received: &mut mpsc::UnboundedReceiver<Delivery>) -> (&'static str, Webhook) {
    let (path, webhook) = tokio::time::timeout(GUARD, received.recv())
        .await
        .expect("a webhook within the guard time")
        .expect("the receiver is running");
    (path, webhook.unwrap_or_else(|e| panic!("refused: {e}")))
}

fn ids<'a>(ids: impl IntoIterator<Item = &'a String>) -> BTreeSet<String> {
    ids.into_iter().cloned().collect()
}

fn accounts_get(access_token: &str) -> AccountsGetRequest {
    AccountsGetRequest {
        access_token: access_token.into(),
        ..Default::default()
    }
}

fn public_token_create(
    institution_id: &str,
    username: &str,
    password: &str,
    webhook: Option<String>,
) -> SandboxPublicTokenCreateRequest {
    SandboxPublicTokenCreateRequest {
        institution_id: institution_id.into(),
        initial_products: vec![Products::Auth, Products::Transactions],
        options: Some(SandboxPublicTokenCreateRequestOptions {
            webhook,
            override_username: Nullable::Value(username.into()),
            override_password: Nullable::Value(password.into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn exchange(public_token: &str) -> ItemPublicTokenExchangeRequest {
    ItemPublicTokenExchangeRequest {
        public_token: public_token.into(),
        ..Default::default()
    }
}

fn invalid_input(code: &str) -> (u16, String, String) {
    (400, "INVALID_INPUT".into(), code.into())
}

fn item_error(code: &str) -> (u16, String, String) {
    (400, "ITEM_ERROR".into(), code.into())
}

#[tokio::test]
async fn an_integration_runs_its_whole_flow_against_the_sandbox() {
    let config = plaid_sandbox::Config {
        seed: Some(20),
        ..plaid_tests::sandbox_config()
    };
    let client = client_builder(&plaid_tests::start_sandbox(config).await)
        .build()
        .expect("client");
    let (receiver, mut received) = start_receiver(&client).await;
    let first_hook = format!("{receiver}/hooks/first");

    // Linking fails as the Sandbox documents: an institution it does not have, a test password
    // naming an error, a public token it never issued, an access token it never issued.
    assert_eq!(
        api_error(
            client
                .sandbox_public_token_create(&public_token_create(
                    "ins_999999",
                    "user_good",
                    "pass_good",
                    None
                ))
                .await
        ),
        invalid_input("INVALID_INSTITUTION")
    );
    assert_eq!(
        api_error(
            client
                .sandbox_public_token_create(&public_token_create(
                    "ins_109508",
                    "user_good",
                    "error_ITEM_LOCKED",
                    None
                ))
                .await
        ),
        item_error("ITEM_LOCKED")
    );
    assert_eq!(
        api_error(
            client
                .item_public_token_exchange(&exchange(
                    "public-sandbox-6a2f7c1e-0000-4000-8000-000000000000"
                ))
                .await
        ),
        invalid_input("INVALID_PUBLIC_TOKEN")
    );
    assert_eq!(
        api_error(
            client
                .accounts_get(&accounts_get(
                    "access-sandbox-6a2f7c1e-0000-4000-8000-000000000000"
                ))
                .await
        ),
        invalid_input("INVALID_ACCESS_TOKEN")
    );

    // Link: a one-time public token, exchanged for the Item's own access token. The test user
    // `user_transactions_dynamic` has the standard accounts and takes custom transactions.
    let created = client
        .sandbox_public_token_create(&public_token_create(
            "ins_109508",
            "user_transactions_dynamic",
            "any password",
            Some(first_hook.clone()),
        ))
        .await
        .expect("a public token");
    assert!(created.public_token.starts_with("public-sandbox-"));
    let linked = client
        .item_public_token_exchange(&exchange(&created.public_token))
        .await
        .expect("an access token");
    assert!(linked.access_token.starts_with("access-sandbox-"));
    assert_eq!(
        api_error(
            client
                .item_public_token_exchange(&exchange(&created.public_token))
                .await
        ),
        invalid_input("INVALID_PUBLIC_TOKEN"),
        "a public token is exchanged once"
    );
    let item_id = linked.item_id.clone();
    let mut token = linked.access_token.clone();

    // The Item's creation announces its transactions, in either order.
    let mut announced = BTreeSet::new();
    for _ in 0..2 {
        let (path, webhook) = next_webhook(&mut received).await;
        assert_eq!(path, "/hooks/first");
        match webhook {
            Webhook::InitialUpdate(w) if w.item_id == item_id => announced.insert("INITIAL"),
            Webhook::HistoricalUpdate(w) if w.item_id == item_id => announced.insert("HISTORICAL"),
            other => panic!("expected the Item's transactions updates, got {other:?}"),
        };
    }
    assert_eq!(announced.len(), 2);

    // Its data: accounts, balances, auth, identity and the Item agree on the same ids.
    let accounts = client
        .accounts_get(&accounts_get(&token))
        .await
        .expect("accounts");
    assert_eq!(accounts.item.item_id, item_id);
    let account_ids = ids(accounts.accounts.iter().map(|a| &a.account_id));
    assert_eq!(account_ids.len(), 9, "the standard user's nine accounts");
    let balance = client
        .accounts_balance_get(&AccountsBalanceGetRequest {
            access_token: token.clone(),
            ..Default::default()
        })
        .await
        .expect("balances");
    assert_eq!(balance.item.item_id, item_id);
    assert_eq!(
        balance
            .accounts
            .iter()
            .map(|a| (&a.account_id, a.balances.current))
            .collect::<Vec<_>>(),
        accounts
            .accounts
            .iter()
            .map(|a| (&a.account_id, a.balances.current))
            .collect::<Vec<_>>()
    );
    let auth = client
        .auth_get(&AuthGetRequest {
            access_token: token.clone(),
            ..Default::default()
        })
        .await
        .expect("auth");
    assert_eq!(auth.item.item_id, item_id);
    let depository = ids(accounts
        .accounts
        .iter()
        .filter(|a| a.type_ == AccountType::Depository)
        .map(|a| &a.account_id));
    assert_eq!(
        ids(auth.numbers.ach.iter().map(|n| &n.account_id)),
        depository
    );
    let identity = client
        .identity_get(&IdentityGetRequest {
            access_token: token.clone(),
            ..Default::default()
        })
        .await
        .expect("identity");
    assert_eq!(
        ids(identity.accounts.iter().map(|a| &a.account_id)),
        account_ids
    );
    let item = client
        .item_get(&ItemGetRequest {
            access_token: token.clone(),
            ..Default::default()
        })
        .await
        .expect("the Item")
        .item;
    assert_eq!(item.item_id, item_id);
    assert_eq!(item.webhook.as_deref(), Some(first_hook.as_str()));
    assert_eq!(item.institution_id, Nullable::Value("ins_109508".into()));
    let institution = client
        .institutions_get_by_id(&InstitutionsGetByIdRequest {
            institution_id: "ins_109508".into(),
            country_codes: vec![CountryCode::Us],
            ..Default::default()
        })
        .await
        .expect("the Item's institution")
        .institution;
    assert_eq!(Nullable::Value(institution.name), item.institution_name);
    assert!(institution.products.contains(&Products::Transactions));

    // Transactions: sync to the end, page by page, then the same set by /transactions/get pages.
    let mut synced = Vec::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let page = client
            .transactions_sync(&TransactionsSyncRequest {
                access_token: token.clone(),
                cursor: cursor.clone(),
                count: Some(250),
                ..Default::default()
            })
            .await
            .expect("a sync page");
        pages += 1;
        assert!(pages < 100, "the pages end");
        assert!(
            page.added
                .iter()
                .all(|t| account_ids.contains(&t.account_id))
        );
        synced.extend(page.added);
        cursor = Some(page.next_cursor);
        if !page.has_more {
            break;
        }
    }
    assert!(pages > 1, "a history longer than a page");
    // Wider than any history, so that both count everything.
    let (start, end) = ("1970-01-01".to_owned(), "2999-12-31".to_owned());
    let mut listed = Vec::new();
    loop {
        let page = client
            .transactions_get(&TransactionsGetRequest {
                access_token: token.clone(),
                start_date: start.clone(),
                end_date: end.clone(),
                options: Some(TransactionsGetRequestOptions {
                    count: Some(200),
                    offset: Some(i64::try_from(listed.len()).expect("small")),
                    ..Default::default()
                }),
                ..Default::default()
            })
            .await
            .expect("a page of transactions");
        assert_eq!(page.item.item_id, item_id);
        let total = usize::try_from(page.total_transactions).expect("a count");
        assert_eq!(total, synced.len(), "get and sync count the same history");
        let done = page.transactions.is_empty();
        listed.extend(page.transactions);
        if done || listed.len() >= total {
            break;
        }
    }
    assert_eq!(
        ids(listed.iter().map(|t| &t.transaction_id)),
        ids(synced.iter().map(|t| &t.transaction_id))
    );

    // A custom transaction: announced by a webhook, returned by the next sync.
    client
        .sandbox_transactions_create(&SandboxTransactionsCreateRequest {
            access_token: token.clone(),
            transactions: vec![CustomSandboxTransaction {
                date_transacted: "2024-03-01".into(),
                date_posted: "2024-03-02".into(),
                amount: 12.5,
                description: "Flow test coffee".into(),
                iso_currency_code: Some("USD".into()),
            }],
            ..Default::default()
        })
        .await
        .expect("a transaction created");
    match next_webhook(&mut received).await {
        ("/hooks/first", Webhook::SyncUpdatesAvailable(w)) => assert_eq!(w.item_id, item_id),
        other => panic!("expected SYNC_UPDATES_AVAILABLE, got {other:?}"),
    }
    let after = client
        .transactions_sync(&TransactionsSyncRequest {
            access_token: token.clone(),
            cursor,
            ..Default::default()
        })
        .await
        .expect("the next sync");
    assert_eq!(
        after
            .added
            .iter()
            .map(|t| (t.name.as_str(), t.amount))
            .collect::<Vec<_>>(),
        [("Flow test coffee", 12.5)]
    );

    // A fired webhook, verified and typed by the receiver.
    client
        .sandbox_item_fire_webhook(&SandboxItemFireWebhookRequest {
            client_id: None,
            secret: None,
            access_token: token.clone(),
            webhook_type: None,
            webhook_code: SandboxItemFireWebhookRequestWebhookCode::DefaultUpdate,
        })
        .await
        .expect("fired");
    match next_webhook(&mut received).await {
        ("/hooks/first", Webhook::DefaultUpdate(w)) => assert_eq!(w.item_id, item_id),
        other => panic!("expected TRANSACTIONS DEFAULT_UPDATE, got {other:?}"),
    }

    // A new webhook URL: acknowledged there, and used from then on.
    let second_hook = format!("{receiver}/hooks/second");
    client
        .item_webhook_update(&ItemWebhookUpdateRequest {
            access_token: token.clone(),
            webhook: Nullable::Value(second_hook.clone()),
            ..Default::default()
        })
        .await
        .expect("updated");
    match next_webhook(&mut received).await {
        ("/hooks/second", Webhook::WebhookUpdateAcknowledged(w)) => {
            assert_eq!(
                (w.item_id, w.new_webhook_url),
                (item_id.clone(), second_hook)
            );
        }
        other => panic!("expected WEBHOOK_UPDATE_ACKNOWLEDGED at the new URL, got {other:?}"),
    }

    // A rotated token: the old one stops working, the new one names the same Item.
    let rotated = client
        .item_access_token_invalidate(&ItemAccessTokenInvalidateRequest {
            access_token: token.clone(),
            ..Default::default()
        })
        .await
        .expect("rotated");
    assert_eq!(
        api_error(client.accounts_get(&accounts_get(&token)).await),
        invalid_input("INVALID_ACCESS_TOKEN")
    );
    token = rotated.new_access_token;

    // A broken login: the ITEM ERROR webhook, and data calls refused until it is repaired.
    client
        .sandbox_item_reset_login(&SandboxItemResetLoginRequest {
            access_token: token.clone(),
            ..Default::default()
        })
        .await
        .expect("reset");
    match next_webhook(&mut received).await {
        ("/hooks/second", Webhook::ItemError(w)) => {
            assert_eq!(w.item_id, item_id);
            assert_eq!(
                w.error.map(|e| e.error_code).as_deref(),
                Some("ITEM_LOGIN_REQUIRED")
            );
        }
        other => panic!("expected ITEM ERROR, got {other:?}"),
    }
    assert_eq!(
        api_error(client.accounts_get(&accounts_get(&token)).await),
        item_error("ITEM_LOGIN_REQUIRED")
    );

    // Removed: the token answers ITEM_NOT_FOUND from then on.
    client
        .item_remove(&ItemRemoveRequest {
            access_token: token.clone(),
            ..Default::default()
        })
        .await
        .expect("removed");
    assert_eq!(
        api_error(client.accounts_get(&accounts_get(&token)).await),
        item_error("ITEM_NOT_FOUND")
    );
    // Anything else sent would be on its way by now; give it a moment to arrive.
    let stray = tokio::time::timeout(Duration::from_millis(500), received.recv()).await;
    assert!(stray.is_err(), "another webhook was sent: {stray:?}");
}

#[tokio::test]
async fn a_public_token_not_exchanged_in_time_is_refused() {
    let config = plaid_sandbox::Config {
        public_token_lifetime: Duration::from_millis(50),
        ..plaid_tests::sandbox_config()
    };
    let client = client_builder(&plaid_tests::start_sandbox(config).await)
        .build()
        .expect("client");
    let created = client
        .sandbox_public_token_create(&public_token_create(
            "ins_109508",
            "user_good",
            "pass_good",
            None,
        ))
        .await
        .expect("a public token");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        api_error(
            client
                .item_public_token_exchange(&exchange(&created.public_token))
                .await
        ),
        invalid_input("INVALID_PUBLIC_TOKEN")
    );
}

#[test]
fn the_readme_shows_the_runnable_example_as_it_is() {
    let root = plaid_tests::workspace_root();
    let read = |path: &str| {
        std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let example = read("sandbox/examples/offline_integration.rs");
    assert!(
        read("README.md").contains(&format!("```rust\n{example}```")),
        "README's \"Testing a Plaid integration offline\" must show sandbox/examples/offline_integration.rs as it is"
    );
}
