//! The sandbox's Items through the generated client: linking (public token, exchange), every
//! operation taking an access token answering for its Item, the standard user's accounts, the
//! Item's lifecycle, and each documented error.

use std::collections::BTreeSet;

use plaid_api::prelude::*;
use plaid_tests::{api_error, client_builder, link_item};

async fn start_with(config: plaid_sandbox::Config) -> Client {
    let url = plaid_tests::start_sandbox(config).await;
    client_builder(&url).build().expect("client")
}

async fn start() -> Client {
    start_with(plaid_tests::sandbox_config()).await
}

fn invalid_input(code: &str) -> (u16, String, String) {
    (400, "INVALID_INPUT".into(), code.into())
}

fn public_token_create(institution: &str) -> SandboxPublicTokenCreateRequest {
    SandboxPublicTokenCreateRequest {
        institution_id: institution.into(),
        initial_products: vec![Products::Transactions],
        ..Default::default()
    }
}

fn with_password(password: &str) -> SandboxPublicTokenCreateRequest {
    SandboxPublicTokenCreateRequest {
        options: Some(SandboxPublicTokenCreateRequestOptions {
            override_username: Nullable::Value("user_good".into()),
            override_password: Nullable::Value(password.into()),
            ..Default::default()
        }),
        ..public_token_create("ins_109508")
    }
}

fn exchange(public_token: &str) -> ItemPublicTokenExchangeRequest {
    ItemPublicTokenExchangeRequest {
        public_token: public_token.into(),
        ..Default::default()
    }
}

fn accounts_get(token: &str) -> AccountsGetRequest {
    AccountsGetRequest {
        access_token: token.into(),
        ..Default::default()
    }
}

fn item_get(token: &str) -> ItemGetRequest {
    ItemGetRequest {
        access_token: token.into(),
        ..Default::default()
    }
}

fn ids<'a>(ids: impl IntoIterator<Item = &'a String>) -> BTreeSet<String> {
    ids.into_iter().cloned().collect()
}

#[tokio::test]
async fn an_item_answers_with_its_own_ids_and_the_standard_users_accounts() {
    let client = start().await;
    let linked = link_item(&client).await;
    assert!(linked.access_token.starts_with("access-sandbox-"));
    let token = linked.access_token.as_str();

    let accounts = client
        .accounts_get(&accounts_get(token))
        .await
        .expect("accounts");
    assert_eq!(accounts.item.item_id, linked.item_id);
    assert_eq!(
        accounts.item.institution_id,
        Nullable::Value("ins_109508".into())
    );
    assert_eq!(
        accounts.item.institution_name,
        Nullable::Value("First Platypus Bank".into())
    );
    let names: Vec<(&str, Option<&str>)> = accounts
        .accounts
        .iter()
        .map(|a| (a.name.as_str(), a.mask.as_deref()))
        .collect();
    assert_eq!(
        names,
        [
            ("Plaid Checking", Some("0000")),
            ("Plaid Saving", Some("1111")),
            ("Plaid CD", Some("2222")),
            ("Plaid Credit Card", Some("3333")),
            ("Plaid Money Market", Some("4444")),
            ("Plaid IRA", Some("5555")),
            ("Plaid 401k", Some("6666")),
            ("Plaid Student Loan", Some("7777")),
            ("Plaid Mortgage", Some("8888")),
        ]
    );
    let checking = &accounts.accounts[0];
    assert_eq!(checking.balances.available, Some(100.0));
    assert_eq!(checking.balances.current, Some(110.0));
    assert_eq!(accounts.accounts[3].balances.limit, Some(2000.0));
    let account_ids = ids(accounts.accounts.iter().map(|a| &a.account_id));
    assert_eq!(account_ids.len(), 9, "distinct account ids");

    let again = client
        .accounts_get(&accounts_get(token))
        .await
        .expect("again");
    assert_eq!(
        ids(again.accounts.iter().map(|a| &a.account_id)),
        account_ids,
        "the same ids across calls"
    );

    let balance = client
        .accounts_balance_get(&AccountsBalanceGetRequest {
            access_token: token.into(),
            ..Default::default()
        })
        .await
        .expect("balances");
    assert_eq!(
        serde_json::to_value(&balance.accounts).expect("JSON"),
        serde_json::to_value(&accounts.accounts).expect("JSON")
    );
    assert_eq!(balance.item.item_id, linked.item_id);

    let auth = client
        .auth_get(&AuthGetRequest {
            access_token: token.into(),
            ..Default::default()
        })
        .await
        .expect("auth");
    assert_eq!(auth.item.item_id, linked.item_id);
    assert_eq!(
        ids(auth.accounts.iter().map(|a| &a.account_id)),
        account_ids
    );
    let depository: BTreeSet<String> = accounts
        .accounts
        .iter()
        .filter(|a| a.type_ == AccountType::Depository)
        .map(|a| a.account_id.clone())
        .collect();
    assert_eq!(depository.len(), 4);
    assert_eq!(
        ids(auth.numbers.ach.iter().map(|n| &n.account_id)),
        depository,
        "numbers for the depository accounts only"
    );
    assert_eq!(auth.numbers.ach[0].account, "1111222233330000");

    let identity = client
        .identity_get(&IdentityGetRequest {
            access_token: token.into(),
            ..Default::default()
        })
        .await
        .expect("identity");
    assert_eq!(identity.item.item_id, linked.item_id);
    assert_eq!(
        ids(identity.accounts.iter().map(|a| &a.account_id)),
        account_ids
    );
    assert!(identity.accounts.iter().all(|a| !a.owners.is_empty()));

    let item = client.item_get(&item_get(token)).await.expect("item");
    assert_eq!(item.item.item_id, linked.item_id);
    assert!(item.item.error.is_none());

    // Another Item: other ids everywhere.
    let other = link_item(&client).await;
    assert_ne!(other.item_id, linked.item_id);
    assert_ne!(other.access_token, linked.access_token);
    let other_accounts = client
        .accounts_get(&accounts_get(&other.access_token))
        .await
        .expect("accounts");
    assert!(ids(other_accounts.accounts.iter().map(|a| &a.account_id)).is_disjoint(&account_ids));
}

#[tokio::test]
async fn every_operation_taking_an_access_token_answers_for_its_item() {
    let client = start().await;
    let linked = link_item(&client).await;
    let accounts = client
        .accounts_get(&accounts_get(&linked.access_token))
        .await
        .expect("accounts");
    let account_ids = ids(accounts.accounts.iter().map(|a| &a.account_id));
    // An operation the sandbox keeps no data for: the documented answer, with the Item's ids.
    let request = InvestmentsHoldingsGetRequest {
        access_token: linked.access_token.clone(),
        ..Default::default()
    };
    let holdings = client
        .investments_holdings_get(&request)
        .await
        .expect("holdings");
    assert_eq!(holdings.item.item_id, linked.item_id);
    assert!(!holdings.accounts.is_empty());
    for account in &holdings.accounts {
        assert!(account_ids.contains(&account.account_id), "{account:?}");
    }
    for holding in &holdings.holdings {
        assert!(account_ids.contains(&holding.account_id));
    }
    let again = client
        .investments_holdings_get(&request)
        .await
        .expect("again");
    assert_eq!(
        serde_json::to_value(&again.holdings).expect("JSON"),
        serde_json::to_value(&holdings.holdings).expect("JSON")
    );

    let made_up = InvestmentsHoldingsGetRequest {
        access_token: "access-sandbox-de3ce8ef-33f8-452c-a685-8671031fc0f6".into(),
        ..Default::default()
    };
    assert_eq!(
        api_error(client.investments_holdings_get(&made_up).await),
        invalid_input("INVALID_ACCESS_TOKEN")
    );
}

#[tokio::test]
async fn account_ids_select_accounts_of_the_item_only() {
    let client = start().await;
    let linked = link_item(&client).await;
    let other = link_item(&client).await;
    let all = client
        .accounts_get(&accounts_get(&linked.access_token))
        .await
        .expect("accounts");
    let saving = all.accounts[1].account_id.clone();
    let request = |ids: Vec<String>, token: &str| AccountsGetRequest {
        options: Some(AccountsGetRequestOptions {
            account_ids: Some(ids),
        }),
        ..accounts_get(token)
    };
    let one = client
        .accounts_get(&request(vec![saving.clone()], &linked.access_token))
        .await
        .expect("one account");
    assert_eq!(one.accounts.len(), 1);
    assert_eq!(one.accounts[0].account_id, saving);
    assert_eq!(
        api_error(
            client
                .accounts_get(&request(vec![saving], &other.access_token))
                .await
        ),
        invalid_input("INVALID_ACCOUNT_ID")
    );
}

/// `/accounts/get` is built from the Item's state directly (the most called operation), while
/// `/accounts/balance/get`, of the same response type, still makes the documented answer the
/// Item's: the two must agree, answers and errors, whatever the Item and the selection.
#[tokio::test]
async fn accounts_get_answers_as_the_generic_path_does() {
    let client = start().await;
    let webhook = SandboxPublicTokenCreateRequestOptions {
        webhook: Some("http://127.0.0.1:9/hook".into()),
        ..Default::default()
    };
    let plain = link_item(&client).await;
    let with_webhook = plaid_tests::link_item_with(&client, vec![Products::Auth], webhook).await;
    let other = link_item(&client).await;
    let saving = client
        .accounts_get(&accounts_get(&plain.access_token))
        .await
        .expect("accounts")
        .accounts[1]
        .account_id
        .clone();
    let both = async |token: &str, ids: Option<Vec<String>>| {
        let fast = client
            .accounts_get(&AccountsGetRequest {
                options: Some(AccountsGetRequestOptions {
                    account_ids: ids.clone(),
                }),
                ..accounts_get(token)
            })
            .await;
        let generic = client
            .accounts_balance_get(&AccountsBalanceGetRequest {
                access_token: token.into(),
                options: Some(AccountsBalanceGetRequestOptions {
                    account_ids: ids,
                    ..Default::default()
                }),
                ..Default::default()
            })
            .await;
        let without_request_id = |answer: AccountsGetResponse| AccountsGetResponse {
            request_id: String::new(),
            ..answer
        };
        match (fast, generic) {
            (Ok(fast), Ok(generic)) => {
                assert_eq!(without_request_id(fast), without_request_id(generic));
            }
            (fast, generic) => assert_eq!(api_error(fast), api_error(generic)),
        }
    };
    for token in [&plain.access_token, &with_webhook.access_token] {
        both(token, None).await;
        both(token, Some(Vec::new())).await;
    }
    both(&plain.access_token, Some(vec![saving.clone()])).await;
    both(&other.access_token, Some(vec![saving])).await;
    client
        .sandbox_item_reset_login(&SandboxItemResetLoginRequest {
            access_token: other.access_token.clone(),
            ..Default::default()
        })
        .await
        .expect("reset");
    both(&other.access_token, None).await;
    client
        .item_remove(&ItemRemoveRequest {
            access_token: plain.access_token.clone(),
            ..Default::default()
        })
        .await
        .expect("removed");
    both(&plain.access_token, None).await;
    both("access-sandbox-de3ce8ef-33f8-452c-a685-8671031fc0f6", None).await;
}

#[tokio::test]
async fn a_public_token_is_exchanged_once() {
    let client = start().await;
    let created = client
        .sandbox_public_token_create(&public_token_create("ins_109508"))
        .await
        .expect("created");
    assert!(created.public_token.starts_with("public-sandbox-"));
    let first = client
        .item_public_token_exchange(&exchange(&created.public_token))
        .await
        .expect("exchanged");
    assert_eq!(
        api_error(
            client
                .item_public_token_exchange(&exchange(&created.public_token))
                .await
        ),
        invalid_input("INVALID_PUBLIC_TOKEN"),
        "reused"
    );
    // Still the first exchange's Item.
    let item = client
        .item_get(&item_get(&first.access_token))
        .await
        .expect("item");
    assert_eq!(item.item.item_id, first.item_id);

    for made_up in [
        "public-sandbox-de3ce8ef-33f8-452c-a685-8671031fc0f6",
        "public-sandbox-00000000-0000-0000-0000-000000000000",
        "not a token",
    ] {
        assert_eq!(
            api_error(client.item_public_token_exchange(&exchange(made_up)).await),
            invalid_input("INVALID_PUBLIC_TOKEN"),
            "{made_up}"
        );
    }
    // A public token of one sandbox is unknown to another (another key).
    let elsewhere = start().await;
    assert_eq!(
        api_error(
            elsewhere
                .item_public_token_exchange(&exchange(&created.public_token))
                .await
        ),
        invalid_input("INVALID_PUBLIC_TOKEN")
    );
}

#[tokio::test]
async fn unknown_tokens_and_institutions_are_refused() {
    let client = start().await;
    for token in [
        "access-sandbox-de3ce8ef-33f8-452c-a685-8671031fc0f6",
        "access-sandbox-00000000-0000-0000-0000-000000000000",
        "public-sandbox-00000000-0000-0000-0000-000000000000",
        "",
    ] {
        assert_eq!(
            api_error(client.accounts_get(&accounts_get(token)).await),
            invalid_input("INVALID_ACCESS_TOKEN"),
            "{token:?}"
        );
    }
    // A real token with its MAC broken.
    let linked = link_item(&client).await;
    let mut forged = linked.access_token.clone().into_bytes();
    forged[15] = if forged[15] == b'0' { b'1' } else { b'0' };
    let forged = String::from_utf8(forged).expect("ASCII");
    assert_eq!(
        api_error(client.accounts_get(&accounts_get(&forged)).await),
        invalid_input("INVALID_ACCESS_TOKEN")
    );

    for institution in ["ins_1", "ins_109508x", ""] {
        assert_eq!(
            api_error(
                client
                    .sandbox_public_token_create(&public_token_create(institution))
                    .await
            ),
            invalid_input("INVALID_INSTITUTION"),
            "{institution:?}"
        );
    }
    // The Sandbox's other test institutions link.
    for (institution, name) in [
        ("ins_109509", "First Gingham Credit Union"),
        ("ins_109512", "Houndstooth Bank"),
        ("ins_43", "Tartan-Dominion Bank of Canada"),
        ("ins_116834", "Flexible Platypus Open Banking"),
    ] {
        let created = client
            .sandbox_public_token_create(&public_token_create(institution))
            .await
            .expect("created");
        let linked = client
            .item_public_token_exchange(&exchange(&created.public_token))
            .await
            .expect("exchanged");
        let item = client
            .item_get(&item_get(&linked.access_token))
            .await
            .expect("item");
        assert_eq!(
            item.item.institution_id,
            Nullable::Value(institution.into())
        );
        assert_eq!(item.item.institution_name, Nullable::Value(name.into()));
    }
}

#[tokio::test]
async fn test_credentials_trigger_their_documented_errors() {
    let client = start().await;
    for (password, expected) in [
        ("error_ITEM_LOCKED", (400, "ITEM_ERROR", "ITEM_LOCKED")),
        (
            "error_INVALID_CREDENTIALS",
            (400, "ITEM_ERROR", "INVALID_CREDENTIALS"),
        ),
        (
            "error_INSTITUTION_DOWN",
            (400, "INSTITUTION_ERROR", "INSTITUTION_DOWN"),
        ),
        (
            "error_INTERNAL_SERVER_ERROR",
            (500, "API_ERROR", "INTERNAL_SERVER_ERROR"),
        ),
        ("pass_bad", (400, "ITEM_ERROR", "INVALID_CREDENTIALS")),
        (
            "error_NOT_A_CODE",
            (400, "ITEM_ERROR", "INVALID_CREDENTIALS"),
        ),
    ] {
        let (status, error_type, code) = expected;
        assert_eq!(
            api_error(
                client
                    .sandbox_public_token_create(&with_password(password))
                    .await
            ),
            (status, error_type.to_owned(), code.to_owned()),
            "{password}"
        );
    }
    client
        .sandbox_public_token_create(&with_password("pass_good"))
        .await
        .expect("the good password links");
}

#[tokio::test]
async fn the_item_lifecycle() {
    let client = start().await;
    let linked = link_item(&client).await;
    let token = linked.access_token.clone();

    // Webhook update: the URL sent, shown by /item/get too.
    let url = "https://example.com/plaid/hook";
    let updated = client
        .item_webhook_update(&ItemWebhookUpdateRequest {
            access_token: token.clone(),
            webhook: Nullable::Value(url.into()),
            ..Default::default()
        })
        .await
        .expect("updated");
    assert_eq!(updated.item.webhook.as_deref(), Some(url));
    assert_eq!(updated.item.item_id, linked.item_id);
    let item = client.item_get(&item_get(&token)).await.expect("item");
    assert_eq!(item.item.webhook.as_deref(), Some(url));

    // Rotation: the old token stops working, the new one names the same Item.
    let rotated = client
        .item_access_token_invalidate(&ItemAccessTokenInvalidateRequest {
            access_token: token.clone(),
            ..Default::default()
        })
        .await
        .expect("rotated");
    assert_ne!(rotated.new_access_token, token);
    assert_eq!(
        api_error(client.accounts_get(&accounts_get(&token)).await),
        invalid_input("INVALID_ACCESS_TOKEN")
    );
    let token = rotated.new_access_token;
    let accounts = client
        .accounts_get(&accounts_get(&token))
        .await
        .expect("accounts");
    assert_eq!(accounts.item.item_id, linked.item_id);

    // Reset login: data calls answer ITEM_LOGIN_REQUIRED; /item/get shows the error.
    let reset = client
        .sandbox_item_reset_login(&SandboxItemResetLoginRequest {
            access_token: token.clone(),
            ..Default::default()
        })
        .await
        .expect("reset");
    assert!(reset.reset_login);
    let login_required = (
        400,
        "ITEM_ERROR".to_owned(),
        "ITEM_LOGIN_REQUIRED".to_owned(),
    );
    assert_eq!(
        api_error(client.accounts_get(&accounts_get(&token)).await),
        login_required
    );
    assert_eq!(
        api_error(
            client
                .transactions_get(&TransactionsGetRequest {
                    access_token: token.clone(),
                    start_date: "2024-01-01".into(),
                    end_date: "2024-02-01".into(),
                    ..Default::default()
                })
                .await
        ),
        login_required
    );
    let item = client.item_get(&item_get(&token)).await.expect("item");
    let error = item.item.error.expect("the Item's error");
    assert_eq!(error.error_code, "ITEM_LOGIN_REQUIRED");

    // Remove: every later call with the token answers ITEM_NOT_FOUND.
    client
        .item_remove(&ItemRemoveRequest {
            access_token: token.clone(),
            ..Default::default()
        })
        .await
        .expect("removed");
    let not_found = (400, "ITEM_ERROR".to_owned(), "ITEM_NOT_FOUND".to_owned());
    assert_eq!(
        api_error(client.item_get(&item_get(&token)).await),
        not_found
    );
    assert_eq!(
        api_error(client.accounts_get(&accounts_get(&token)).await),
        not_found
    );
    assert_eq!(
        api_error(
            client
                .item_remove(&ItemRemoveRequest {
                    access_token: token,
                    ..Default::default()
                })
                .await
        ),
        not_found
    );
}

#[tokio::test]
async fn items_stop_at_their_budgets() {
    let client = start_with(plaid_sandbox::Config {
        limits: plaid_sandbox::Limits {
            max_items: 2,
            ..plaid_sandbox::Limits::default()
        },
        ..plaid_tests::sandbox_config()
    })
    .await;
    let first = link_item(&client).await;
    link_item(&client).await;
    let full = (503, "API_ERROR".to_owned(), "SANDBOX_STATE_FULL".to_owned());
    assert_eq!(
        api_error(
            client
                .sandbox_public_token_create(&public_token_create("ins_109508"))
                .await
        ),
        full
    );
    // Existing Items keep working.
    client
        .accounts_get(&accounts_get(&first.access_token))
        .await
        .expect("accounts");

    // Bytes: a webhook URL longer than the store has room for.
    let client = start_with(plaid_sandbox::Config {
        limits: plaid_sandbox::Limits {
            max_stored_bytes: 500,
            ..plaid_sandbox::Limits::default()
        },
        ..plaid_tests::sandbox_config()
    })
    .await;
    let linked = link_item(&client).await;
    let long = format!("https://example.com/{}", "a".repeat(400));
    assert_eq!(
        api_error(
            client
                .item_webhook_update(&ItemWebhookUpdateRequest {
                    access_token: linked.access_token.clone(),
                    webhook: Nullable::Value(long),
                    ..Default::default()
                })
                .await
        ),
        full
    );
    let item = client
        .item_get(&item_get(&linked.access_token))
        .await
        .expect("item");
    assert_eq!(item.item.webhook, None, "unchanged");
}

/// `/accounts/get` for all of an Item's accounts is answered from an encoding the sandbox
/// keeps (`prepared`): it must be the answer the Item's state gives, with each request's own id.
#[tokio::test]
async fn a_kept_accounts_answer_follows_the_items_state() {
    let client = start().await;
    let token = link_item(&client).await.access_token;

    let first = client
        .accounts_get(&accounts_get(&token))
        .await
        .expect("accounts");
    let second = client
        .accounts_get(&accounts_get(&token))
        .await
        .expect("again");
    assert_ne!(
        first.request_id, second.request_id,
        "each request its own id"
    );
    assert_eq!(
        (&first.accounts, &first.item),
        (&second.accounts, &second.item)
    );

    // Naming every account takes the path that builds the answer per request: the same answer.
    let named = client
        .accounts_get(&AccountsGetRequest {
            options: Some(AccountsGetRequestOptions {
                account_ids: Some(
                    first
                        .accounts
                        .iter()
                        .map(|a| a.account_id.clone())
                        .collect(),
                ),
            }),
            ..accounts_get(&token)
        })
        .await
        .expect("named");
    assert_eq!(
        (&named.accounts, &named.item),
        (&first.accounts, &first.item)
    );

    let hook = "https://example.com/hooks/kept";
    client
        .item_webhook_update(&ItemWebhookUpdateRequest {
            access_token: token.clone(),
            webhook: Nullable::Value(hook.into()),
            ..Default::default()
        })
        .await
        .expect("updated");
    let updated = client
        .accounts_get(&accounts_get(&token))
        .await
        .expect("after the update");
    assert_eq!(updated.item.webhook.as_deref(), Some(hook));
    assert_eq!(updated.accounts, first.accounts);

    client
        .sandbox_item_reset_login(&SandboxItemResetLoginRequest {
            access_token: token.clone(),
            ..Default::default()
        })
        .await
        .expect("reset");
    assert_eq!(
        api_error(client.accounts_get(&accounts_get(&token)).await).2,
        "ITEM_LOGIN_REQUIRED"
    );

    // Another Item's answer is its own, whatever the cache holds.
    let other = link_item(&client).await.access_token;
    let others = client
        .accounts_get(&accounts_get(&other))
        .await
        .expect("other Item");
    assert_ne!(others.item.item_id, first.item.item_id);
    assert!(
        ids(others.accounts.iter().map(|a| &a.account_id))
            .is_disjoint(&ids(first.accounts.iter().map(|a| &a.account_id)))
    );
}
