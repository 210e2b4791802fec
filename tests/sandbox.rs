//! The generated client against the offline sandbox over loopback: every operation, every rule
//! the sandbox follows, and the failure paths.

use std::collections::BTreeSet;

use plaid_api::prelude::*;
use plaid_tests::{
    CLIENT_ID, SECRET, client_builder, create_user, example_as, link_item, user_create,
};
use serde_json::Value;

async fn start(seed: Option<u64>) -> String {
    plaid_tests::start_sandbox(plaid_sandbox::Config {
        seed,
        ..plaid_tests::sandbox_config()
    })
    .await
}

fn client(url: &str) -> Client {
    client_builder(url).build().expect("client")
}

fn items_get(token: &str) -> UserItemsGetRequest {
    UserItemsGetRequest {
        user_token: Some(token.into()),
        ..Default::default()
    }
}

/// The Items of the user `token`.
async fn items_of(client: &Client, token: &str) -> UserItemsGetResponse {
    client
        .user_items_get(&items_get(token))
        .await
        .expect("items")
}

fn error_code(error: &Error) -> (u16, String, String) {
    let Error::Api(api) = error else {
        panic!("expected an API error, got {error:?}")
    };
    let body = api.error.as_ref().expect("the API's error shape");
    (
        api.status,
        body.error_type.to_string(),
        body.error_code.clone(),
    )
}

#[tokio::test]
async fn a_new_user_has_one_healthy_item_at_first_platypus_bank() {
    let client = client(&start(None).await);
    let (created, token) = create_user(&client, "user-1").await;
    assert!(token.starts_with("user-sandbox-"), "{token}");
    assert!(!created.user_id.is_empty() && !created.request_id.is_empty());

    let items = items_of(&client, &token).await;
    assert_eq!(items.items.len(), 1);
    let item = &items.items[0];
    assert_eq!(
        item.institution_id,
        Nullable::Value("ins_109508".to_owned())
    );
    assert_eq!(
        item.institution_name,
        Nullable::Value("First Platypus Bank".to_owned())
    );
    assert_eq!(item.error, None);
    assert_eq!(item.update_type, ItemUpdateType::Background);
    assert!(!items.request_id.is_empty());
}

#[tokio::test]
async fn a_client_user_id_creates_one_user_only() {
    let client = client(&start(None).await);
    create_user(&client, "user-1").await;
    let error = client
        .user_create(&user_create("user-1"))
        .await
        .expect_err("second create");
    assert_eq!(
        error_code(&error),
        (400, "INVALID_INPUT".into(), "USER_ALREADY_EXISTS".into())
    );
    assert!(
        error.request_id().is_some(),
        "errors carry a request id too"
    );
}

#[tokio::test]
async fn concurrent_creates_with_one_client_user_id_succeed_exactly_once() {
    let client = client(&start(None).await);
    let calls = (0..64).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.user_create(&user_create("contended")).await })
    });
    let mut successes = 0;
    for call in calls {
        match call.await.expect("task") {
            Ok(_) => successes += 1,
            Err(error) => assert_eq!(error_code(&error).2, "USER_ALREADY_EXISTS"),
        }
    }
    assert_eq!(successes, 1);
}

#[tokio::test]
async fn update_stores_the_identity_and_needs_an_existing_user() {
    let client = client(&start(None).await);
    let (created, token) = create_user(&client, "user-1").await;
    let mut update: UserUpdateRequest = example_as("UserUpdateRequest");
    update.user_token = Some(token);
    client.user_update(&update).await.expect("updated");

    // By the beta user id as well.
    let by_id = UserUpdateRequest {
        user_token: None,
        user_id: Some(created.user_id.clone()),
        ..update.clone()
    };
    client
        .user_update(&by_id)
        .await
        .expect("updated by user id");

    update.user_token = Some("user-sandbox-00000000-0000-0000-0000-000000000000".into());
    let error = client
        .user_update(&update)
        .await
        .expect_err("unknown token");
    assert_eq!(
        error_code(&error),
        (400, "INVALID_INPUT".into(), "INVALID_USER_TOKEN".into())
    );
}

#[tokio::test]
async fn a_removed_user_is_gone_and_its_client_user_id_stays_taken() {
    let client = client(&start(None).await);
    let (_, token) = create_user(&client, "user-1").await;
    let remove = UserRemoveRequest {
        user_token: Some(token.clone()),
        ..Default::default()
    };
    client.user_remove(&remove).await.expect("removed");

    let error = client
        .user_items_get(&items_get(&token))
        .await
        .expect_err("gone");
    assert_eq!(
        error_code(&error),
        (400, "INVALID_INPUT".into(), "INVALID_USER_TOKEN".into())
    );
    let error = client.user_remove(&remove).await.expect_err("gone");
    assert_eq!(error_code(&error).2, "INVALID_USER_TOKEN");
    let error = client
        .user_create(&user_create("user-1"))
        .await
        .expect_err("not reusable");
    assert_eq!(error_code(&error).2, "USER_ALREADY_EXISTS");
}

#[tokio::test]
async fn reset_login_puts_items_into_item_login_required() {
    let client = client(&start(None).await);
    let (_, token) = create_user(&client, "user-1").await;
    let item_id = items_of(&client, &token).await.items[0].item_id.clone();

    let unknown = SandboxUserResetLoginRequest {
        user_token: Some(token.clone()),
        item_ids: Nullable::Value(vec!["nope".into()]),
        ..Default::default()
    };
    let error = client
        .sandbox_user_reset_login(&unknown)
        .await
        .expect_err("unknown item");
    assert_eq!(error_code(&error).2, "INVALID_ITEM_ID");

    let reset = SandboxUserResetLoginRequest {
        user_token: Some(token.clone()),
        item_ids: Nullable::Value(vec![item_id]),
        ..Default::default()
    };
    client
        .sandbox_user_reset_login(&reset)
        .await
        .expect("reset");
    let items = items_of(&client, &token).await;
    let error = items.items[0]
        .error
        .as_ref()
        .expect("the Item is in an error state");
    assert_eq!(error.error_type, PlaidErrorType::ItemError);
    assert_eq!(error.error_code, "ITEM_LOGIN_REQUIRED");
    assert!(
        items.validate().is_ok(),
        "the sandbox's own answers follow the spec"
    );
}

#[tokio::test]
async fn reset_login_without_item_ids_resets_every_item() {
    let client = client(&start(None).await);
    let (_, token) = create_user(&client, "user-1").await;
    let reset = SandboxUserResetLoginRequest {
        user_token: Some(token.clone()),
        ..Default::default()
    };
    client
        .sandbox_user_reset_login(&reset)
        .await
        .expect("reset");
    let items = items_of(&client, &token).await;
    assert!(items.items.iter().all(|item| {
        item.error
            .as_ref()
            .is_some_and(|e| e.error_code == "ITEM_LOGIN_REQUIRED")
    }));
}

#[tokio::test]
async fn beacon_users_start_at_version_1_with_masked_account_numbers() {
    let client = client(&start(None).await);
    let mut request: BeaconUserCreateRequest = example_as("BeaconUserCreateRequest");
    // The example's tokens name Items of Plaid's; the sandbox's own are linked for the test.
    let linked = link_item(&client).await;
    request.access_tokens = Nullable::Value(vec![linked.access_token.clone()]);
    let response = client.beacon_user_create(&request).await.expect("created");
    assert_eq!(
        response.item_ids,
        vec![linked.item_id],
        "the linked Item's id"
    );
    assert_eq!(response.version, 1);
    assert!(response.id.starts_with("becusr_"));
    assert_eq!(response.audit_trail.source, BeaconAuditTrailSource::Api);
    assert_eq!(response.client_user_id, request.client_user_id);
    assert_eq!(
        response.item_ids.len(),
        request.access_tokens.value().map_or(0, Vec::len)
    );
    let accounts = &response.user.depository_accounts;
    assert_eq!(accounts[0].account_mask, "7890");
    assert!(
        !serde_json::to_string(&response)
            .expect("encode")
            .contains("1234567890"),
        "the full number is never echoed"
    );
    assert!(response.validate().is_ok(), "{:?}", response.validate());
}

#[tokio::test]
async fn a_seed_makes_every_id_reproducible() {
    async fn run(seed: u64) -> Vec<String> {
        let client = client(&start(Some(seed)).await);
        let (created, token) = create_user(&client, "user-1").await;
        let items = items_of(&client, &token).await;
        let linked = link_item(&client).await;
        let mut request: BeaconUserCreateRequest = example_as("BeaconUserCreateRequest");
        request.access_tokens = Nullable::Value(vec![linked.access_token.clone()]);
        let beacon = client.beacon_user_create(&request).await.expect("beacon");
        vec![
            token,
            created.user_id,
            created.request_id,
            items.items[0].item_id.clone(),
            linked.access_token,
            linked.item_id,
            beacon.id,
            beacon.created_at,
        ]
    }
    let first = run(42).await;
    assert_eq!(first, run(42).await);
    assert_ne!(first, run(43).await);
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP: what the typed client cannot send.

async fn post(url: &str, path: &str, body: &str, credentials: bool) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{url}{path}"))
        .header("content-type", "application/json")
        .body(body.to_owned());
    if credentials {
        request = request
            .header("PLAID-CLIENT-ID", CLIENT_ID)
            .header("PLAID-SECRET", SECRET);
    }
    let response = request.send().await.expect("an answer");
    let status = response.status().as_u16();
    let body =
        serde_json::from_slice(&response.bytes().await.expect("body")).unwrap_or(Value::Null);
    (status, body)
}

#[tokio::test]
async fn malformed_bodies_get_400_invalid_body() {
    let url = start(None).await;
    for body in [
        "",
        "   ",
        "{not json",
        "[1, 2]",
        "\"a string\"",
        "null",
        "{\"client_user_id\": \"u\"",
    ] {
        let (status, error) = post(&url, "/user/create", body, true).await;
        assert_eq!(status, 400, "{body:?}");
        assert_eq!(
            (error["error_type"].as_str(), error["error_code"].as_str()),
            (Some("INVALID_REQUEST"), Some("INVALID_BODY")),
            "{body:?}: {error}"
        );
        assert!(
            error["request_id"]
                .as_str()
                .is_some_and(|id| !id.is_empty())
        );
    }
}

#[tokio::test]
async fn missing_and_invalid_fields_are_named() {
    let url = start(None).await;
    let (status, error) = post(&url, "/user/create", "{}", true).await;
    assert_eq!(
        (status, error["error_code"].as_str()),
        (400, Some("MISSING_FIELDS"))
    );
    assert!(
        error["error_message"]
            .as_str()
            .is_some_and(|m| m.contains("client_user_id")),
        "{error}"
    );

    let (status, error) = post(&url, "/user/create", r#"{"client_user_id": 42}"#, true).await;
    assert_eq!(
        (status, error["error_code"].as_str()),
        (400, Some("INVALID_FIELD"))
    );
    assert!(
        error["error_message"]
            .as_str()
            .is_some_and(|m| m.contains("client_user_id")),
        "{error}"
    );
}

#[tokio::test]
async fn credentials_are_checked_in_headers_and_body() {
    let url = start(None).await;
    let (status, error) = post(&url, "/user/create", r#"{"client_user_id": "u1"}"#, false).await;
    assert_eq!(
        (
            status,
            error["error_type"].as_str(),
            error["error_code"].as_str()
        ),
        (400, Some("INVALID_INPUT"), Some("INVALID_API_KEYS"))
    );

    let wrong =
        format!(r#"{{"client_id": "{CLIENT_ID}", "secret": "wrong", "client_user_id": "u1"}}"#);
    let (status, error) = post(&url, "/user/create", &wrong, false).await;
    assert_eq!(
        (status, error["error_code"].as_str()),
        (400, Some("INVALID_API_KEYS"))
    );
    assert!(
        !error.to_string().contains("wrong"),
        "the offered secret is not echoed"
    );

    let right =
        format!(r#"{{"client_id": "{CLIENT_ID}", "secret": "{SECRET}", "client_user_id": "u1"}}"#);
    let (status, _) = post(&url, "/user/create", &right, false).await;
    assert_eq!(status, 200, "credentials in the body are accepted");
}

#[tokio::test]
async fn unknown_paths_and_wrong_methods_get_404_and_405_in_the_error_shape() {
    let url = start(None).await;
    let (status, error) = post(&url, "/user/does-not-exist", "{}", true).await;
    assert_eq!(
        (status, error["error_code"].as_str()),
        (404, Some("NOT_FOUND"))
    );
    let response = reqwest::get(format!("{url}/user/create"))
        .await
        .expect("an answer");
    assert_eq!(response.status().as_u16(), 405);
    let error: Value =
        serde_json::from_slice(&response.bytes().await.expect("body")).expect("json");
    assert_eq!(error["error_code"], "METHOD_NOT_ALLOWED");
}

/// Every invalid document of the validator tests, sent over HTTP, is refused with 400
/// INVALID_REQUEST and names the violated path.
#[tokio::test]
async fn every_invalid_request_of_the_validator_tests_gets_400_invalid_request() {
    let url = start(None).await;
    let model = plaid_tests::spec_model();
    let (cases, _) = plaid_tests::cases::all_cases(model);
    // The cases are JSON documents; a multipart operation's refusals are tests/upload.rs's.
    let paths: BTreeSet<(String, String)> = model
        .operations
        .iter()
        .filter(|op| op.body == codegen::ir::BodyKind::Json)
        .map(|op| (model.name(op.request).to_owned(), op.path.clone()))
        .collect();
    let mut sent = 0;
    for case in cases.iter().filter(|c| c.expect.is_some()) {
        let Some((_, path)) = paths.iter().find(|(request, _)| *request == case.root) else {
            continue;
        };
        let (status, error) = post(&url, path, &case.document.to_string(), true).await;
        assert_eq!(status, 400, "{}: {error}", case.what);
        assert_eq!(
            error["error_type"], "INVALID_REQUEST",
            "{}: {error}",
            case.what
        );
        let message = error["error_message"].as_str().unwrap_or_default();
        assert!(
            message.contains(&case.path),
            "{}: `{}` not named in {message}",
            case.what,
            case.path
        );
        sent += 1;
    }
    assert!(
        sent >= 40,
        "only {sent} invalid requests sent: the walk is not reaching the request types"
    );
}

#[tokio::test]
async fn user_get_shows_what_create_and_update_stored() {
    let client = client(&start(Some(5)).await);
    let identity: ClientUserIdentity = serde_json::from_value(serde_json::json!({
        "name": { "given_name": "Carmen", "family_name": "Berzatto" },
        "date_of_birth": "1990-05-29"
    }))
    .expect("an identity");
    let created = client
        .user_create(&UserCreateRequest {
            identity: Nullable::Value(identity.clone()),
            ..user_create("user-1")
        })
        .await
        .expect("created");
    let get = UserGetRequest {
        user_id: created.user_id.clone(),
        ..Default::default()
    };
    let fetched = client.user_get(&get).await.expect("user");
    assert_eq!(fetched.client_user_id.as_deref(), Some("user-1"));
    let json = |identity: &Nullable<ClientUserIdentity>| serde_json::to_value(identity).unwrap();
    assert_eq!(
        json(&fetched.identity),
        json(&Nullable::Value(identity.clone()))
    );
    assert_eq!(fetched.updated_at, None);

    // An update without `identity` keeps it; one with it replaces it.
    let update = UserUpdateRequest {
        user_id: Some(created.user_id.clone()),
        ..Default::default()
    };
    client.user_update(&update).await.expect("updated");
    let kept = client.user_get(&get).await.expect("user");
    assert_eq!(json(&kept.identity), json(&Nullable::Value(identity)));
    assert!(kept.updated_at.is_some());
    let replaced: ClientUserIdentity =
        serde_json::from_value(serde_json::json!({ "date_of_birth": "1991-01-01" })).unwrap();
    client
        .user_update(&UserUpdateRequest {
            identity: Nullable::Value(replaced.clone()),
            ..update
        })
        .await
        .expect("updated");
    assert_eq!(
        json(&client.user_get(&get).await.expect("user").identity),
        json(&Nullable::Value(replaced))
    );

    client
        .user_remove(&UserRemoveRequest {
            user_id: Some(created.user_id),
            ..Default::default()
        })
        .await
        .expect("removed");
    let error = client.user_get(&get).await.expect_err("removed");
    assert_eq!(
        error_code(&error),
        (400, "INVALID_INPUT".into(), "INVALID_USER_ID".into())
    );
}

#[tokio::test]
async fn removed_items_leave_the_user_and_unknown_items_remove_nothing() {
    let client = client(&start(None).await);
    let (_, token) = create_user(&client, "user-1").await;
    let item_id = items_of(&client, &token).await.items[0].item_id.clone();
    let remove = |item_ids: Vec<String>| UserItemsRemoveRequest {
        user_token: Some(token.clone()),
        item_ids,
        ..Default::default()
    };

    let error = client
        .user_items_remove(&remove(vec![item_id.clone(), "another-item".into()]))
        .await
        .expect_err("an Item of someone else");
    assert_eq!(
        error_code(&error),
        (400, "INVALID_INPUT".into(), "INVALID_ITEM_ID".into())
    );
    assert_eq!(
        items_of(&client, &token).await.items.len(),
        1,
        "nothing removed"
    );

    client
        .user_items_remove(&remove(vec![item_id.clone()]))
        .await
        .expect("removed");
    assert!(items_of(&client, &token).await.items.is_empty());
    client
        .user_items_remove(&remove(vec![item_id]))
        .await
        .expect_err("already removed");
}

#[tokio::test]
async fn operations_without_state_answer_their_documented_example_with_fresh_ids() {
    async fn item_get(seed: u64) -> (ItemGetResponse, ItemGetResponse) {
        let client = client(&start(Some(seed)).await);
        let request = ItemGetRequest {
            access_token: link_item(&client).await.access_token,
            ..Default::default()
        };
        let first = client.item_get(&request).await.expect("item");
        let second = client.item_get(&request).await.expect("item");
        (first, second)
    }
    let (first, second) = item_get(3).await;
    let documented: ItemGetResponse =
        serde_json::from_str(plaid_api::server::answers::ITEM_GET).expect("the example");
    assert_ne!(first.request_id, documented.request_id);
    assert_ne!(
        first.request_id, second.request_id,
        "a request id per request"
    );
    assert_ne!(
        first.item.item_id, documented.item.item_id,
        "the sandbox's own ids"
    );
    assert_eq!(
        first.item.item_id, second.item.item_id,
        "the same Item each time"
    );
    assert_eq!(first.status, documented.status, "the rest as documented");
    let json = |response: &ItemGetResponse| serde_json::to_value(response).expect("JSON");
    assert_eq!(
        json(&item_get(3).await.0),
        json(&first),
        "reproducible with a seed"
    );
    assert_ne!(item_get(4).await.0.item.item_id, first.item.item_id);
}

#[tokio::test]
async fn document_operations_answer_real_documents() {
    let url = start(None).await;
    let response = reqwest::Client::new()
        .post(format!("{url}/asset_report/pdf/get"))
        .header("PLAID-CLIENT-ID", CLIENT_ID)
        .header("PLAID-SECRET", SECRET)
        .header("content-type", "application/json")
        .body(r#"{"asset_report_token": "assets-sandbox-6f12f5bb-22dd-4d4a-b6f3-0b4d4e6c2b60"}"#)
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let pdf = response.bytes().await.expect("the document");
    assert!(pdf.starts_with(b"%PDF-") && pdf.ends_with(b"%%EOF\n"));
}

#[tokio::test]
async fn header_parameters_are_validated_like_fields() {
    let url = start(None).await;
    let client = client(&url);
    let (created, _) = create_user(&client, "user-1").await;
    let get = |flag: &'static str| {
        reqwest::Client::new()
            .post(format!("{url}/user/get"))
            .header("PLAID-CLIENT-ID", CLIENT_ID)
            .header("PLAID-SECRET", SECRET)
            .header("Plaid-New-User-API-Enabled", flag)
            .header("content-type", "application/json")
            .body(serde_json::json!({ "user_id": created.user_id }).to_string())
            .send()
    };
    let refused = get("maybe").await.expect("an answer");
    assert_eq!(refused.status(), 400);
    let body: Value =
        serde_json::from_slice(&refused.bytes().await.expect("a body")).expect("JSON");
    assert_eq!(body["error_code"], "INVALID_FIELD");
    let message = body["error_message"].as_str().expect("a message");
    assert!(message.contains("Plaid-New-User-API-Enabled"), "{message}");
    assert!(
        !message.contains("maybe"),
        "the value is not echoed: {message}"
    );

    assert_eq!(get("true").await.expect("an answer").status(), 200);
}

/// `/categories/get` is public in the OpenAPI (`security: []`): it answers without
/// credentials, and does not look at wrong ones, while its neighbours still ask for them.
#[tokio::test]
async fn a_public_operation_answers_without_credentials() {
    let url = start(None).await;
    let post = |path: &'static str, secret: Option<&'static str>| {
        let mut request = reqwest::Client::new()
            .post(format!("{url}{path}"))
            .header("content-type", "application/json")
            .body("{}");
        if let Some(secret) = secret {
            request = request
                .header("PLAID-CLIENT-ID", CLIENT_ID)
                .header("PLAID-SECRET", secret);
        }
        request.send()
    };
    for secret in [None, Some("not-the-secret")] {
        let answer = post("/categories/get", secret).await.expect("an answer");
        assert_eq!(answer.status(), 200, "with {secret:?}");
        let body: CategoriesGetResponse =
            serde_json::from_slice(&answer.bytes().await.expect("a body")).expect("the answer");
        assert!(!body.categories.is_empty());
    }
    let refused = post("/institutions/get", None).await.expect("an answer");
    assert_eq!(refused.status(), 400);
}
