//! The generated models at work: every example (the docs' and the OpenAPI's) round-trips, enums survive values
//! added after generation, absent and null stay apart, and `Debug` never shows a secret.

use plaid_api::prelude::*;
use serde_json::{Value, json};

#[test]
fn every_example_in_the_spec_round_trips_to_equal_json() {
    let model = plaid_tests::spec_model();
    let mut checked = 0;
    for def in model.types() {
        for example in &def.examples {
            let decoded = plaid_tests::decode(&def.name, &example.value)
                .unwrap_or_else(|| panic!("visit_by_name does not know {}", def.name))
                .unwrap_or_else(|e| panic!("example of {} does not decode: {e}", def.name));
            assert_eq!(
                plaid_tests::json_numbers_as_f64(decoded.reencoded),
                plaid_tests::json_numbers_as_f64(example.value.clone()),
                "example of {} changed on the way through",
                def.name
            );
            assert_eq!(
                decoded.violations,
                [],
                "example of {} breaks its own rules",
                def.name
            );
            checked += 1;
        }
    }
    // The docs' examples and the OpenAPI's (requests, responses and schemas).
    assert!(
        checked >= 300,
        "expected the docs' and the OpenAPI's examples, found {checked}"
    );
}

fn items_response(item_overrides: Value) -> Value {
    let mut response = plaid_tests::example("UserItemsGetResponse");
    let mut item = response["items"][0].take();
    if let (Some(item), Some(overrides)) = (item.as_object_mut(), item_overrides.as_object()) {
        for (key, value) in overrides {
            match value {
                Value::Null if key.starts_with('-') => {
                    item.remove(&key[1..]);
                }
                _ => {
                    item.insert(key.clone(), value.clone());
                }
            }
        }
    }
    response["items"] = json!([item]);
    response
}

#[test]
fn enum_values_added_after_generation_decode_and_keep_their_raw_string() {
    let body = items_response(json!({
        "auth_method": "PASSKEY_MATCH",
        "update_type": "webhook_only",
        "available_products": ["balance", "quantum_ledger"],
        "error": {
            "error_type": "IDENTITY_ERROR",
            "error_code": "NEW_CODE",
            "error_message": "something new",
            "display_message": null,
            "error_code_reason": "OAUTH_SOMETHING_NEW"
        }
    }));
    let response: UserItemsGetResponse = serde_json::from_value(body.clone()).expect("decodes");
    let item = &response.items[0];
    assert_eq!(
        item.auth_method,
        Nullable::Value(ItemAuthMethod::Unknown("PASSKEY_MATCH".into()))
    );
    assert_eq!(
        item.update_type,
        ItemUpdateType::Unknown("webhook_only".into())
    );
    assert_eq!(
        item.available_products,
        [
            Products::Balance,
            Products::Unknown("quantum_ledger".into())
        ]
    );
    let error = item.error.as_ref().expect("error object");
    assert_eq!(
        error.error_type,
        PlaidErrorType::Unknown("IDENTITY_ERROR".into())
    );
    assert!(error.error_type.is_unknown());
    assert_eq!(error.error_type.as_str(), "IDENTITY_ERROR");
    assert_eq!(
        serde_json::to_value(&response).expect("encodes"),
        body,
        "unknown values go back out unchanged"
    );
}

#[test]
fn known_enum_values_decode_to_their_variants() {
    let item: Item = serde_json::from_value(
        items_response(json!({"auth_method": "INSTANT_MATCH"}))["items"][0].clone(),
    )
    .expect("decodes");
    assert_eq!(
        item.auth_method,
        Nullable::Value(ItemAuthMethod::InstantMatch)
    );
    assert_eq!(item.update_type, ItemUpdateType::Background);
    assert!(ItemAuthMethod::KNOWN.iter().all(|(v, _)| !v.is_unknown()));
    assert_eq!(
        ItemAuthMethod::from("SAME_DAY_MICRODEPOSITS"),
        ItemAuthMethod::SameDayMicrodeposits
    );
    assert_eq!(Products::CraBaseReport.to_string(), "cra_base_report");
}

#[test]
fn unknown_fields_in_responses_are_ignored() {
    let mut body = items_response(json!({"a_field_from_the_future": {"nested": true}}));
    body["another_new_top_level_field"] = json!([1, 2, 3]);
    let response: UserItemsGetResponse = serde_json::from_value(body).expect("decodes");
    assert_eq!(response.items.len(), 1);
}

#[test]
fn optional_nullable_fields_keep_absent_null_and_value_apart() {
    let decode = |overrides| -> Item {
        serde_json::from_value(items_response(overrides)["items"][0].clone()).expect("decodes")
    };
    let absent = decode(json!({"-institution_id": null}));
    let null = decode(json!({"institution_id": null}));
    let value = decode(json!({"institution_id": "ins_3"}));
    assert_eq!(absent.institution_id, Nullable::Absent);
    assert_eq!(null.institution_id, Nullable::Null);
    assert_eq!(value.institution_id, Nullable::Value("ins_3".to_owned()));

    let encoded = |item: &Item| serde_json::to_value(item).expect("encodes");
    assert!(
        encoded(&absent).get("institution_id").is_none(),
        "absent stays absent"
    );
    assert_eq!(
        encoded(&null)["institution_id"],
        Value::Null,
        "null stays null"
    );
    assert_eq!(encoded(&value)["institution_id"], "ins_3");
}

#[test]
fn required_nullable_fields_are_written_as_null() {
    let item: Item =
        serde_json::from_value(items_response(json!({}))["items"][0].clone()).expect("decodes");
    assert_eq!(item.error, None);
    assert_eq!(
        item.webhook.as_deref(),
        Some("https://plaid.com/example/hook")
    );
    let encoded = serde_json::to_value(&item).expect("encodes");
    assert_eq!(encoded["error"], Value::Null);
    assert_eq!(encoded["consent_expiration_time"], Value::Null);
}

#[test]
fn a_missing_required_response_field_is_a_decode_error_naming_it() {
    let error = serde_json::from_value::<UserCreateResponse>(json!({"request_id": "r"}))
        .expect_err("user_id is required");
    assert!(error.to_string().contains("user_id"), "{error}");
}

#[test]
fn optional_request_fields_are_left_out_of_the_json() {
    let request = UserCreateRequest {
        client_user_id: "user-1".into(),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&request).expect("encodes"),
        json!({"client_user_id": "user-1"})
    );
}

#[test]
fn debug_never_shows_secrets_or_personal_numbers() {
    let request = UserCreateRequest {
        client_id: Some("client-id-visible".into()),
        secret: Some("sk-very-secret-value".into()),
        client_user_id: "user-1".into(),
        consumer_report_user_identity: Nullable::Value(ConsumerReportUserIdentity {
            first_name: "Carmen".into(),
            last_name: "Berzatto".into(),
            ssn_full: Nullable::Value("123-45-6789".into()),
            ssn_last_4: Nullable::Value("6789".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let debug = format!("{request:?} {request:#?}");
    for secret in ["sk-very-secret-value", "123-45-6789", "6789"] {
        assert!(!debug.contains(secret), "Debug shows {secret}: {debug}");
    }
    assert!(debug.contains(plaid_api::REDACTED));
    assert!(
        debug.contains("client-id-visible"),
        "non-sensitive fields stay readable"
    );
    assert!(debug.contains("Carmen"));
}

#[test]
fn debug_redacts_account_numbers_tokens_and_id_numbers() {
    let request = BeaconUserCreateRequest {
        access_tokens: Nullable::Value(vec![
            "access-sandbox-token-aaaa".into(),
            "access-sandbox-token-bbbb".into(),
        ]),
        secret: Some("sk-beacon-secret".into()),
        client_user_id: "user-1".into(),
        program_id: "becprg_1".into(),
        user: BeaconUserRequestData {
            name: BeaconUserName {
                given_name: "Leslie".into(),
                family_name: "Knope".into(),
            },
            depository_accounts: Some(vec![BeaconUserRequestDepositoryAccount {
                routing_number: "021000021".into(),
                account_number: "99887766554433".into(),
            }]),
            id_number: Nullable::Value(BeaconUserIDNumber {
                type_: IDNumberType::UsSsn,
                value: "987654321".into(),
            }),
            ..Default::default()
        },
        ..Default::default()
    };
    let debug = format!("{request:?}");
    for secret in [
        "access-sandbox-token-aaaa",
        "access-sandbox-token-bbbb",
        "sk-beacon-secret",
        "99887766554433",
        "987654321",
    ] {
        assert!(!debug.contains(secret), "Debug shows {secret}: {debug}");
    }
    assert!(debug.contains("Knope"), "{debug}");
}

#[test]
fn each_request_type_knows_its_operation() {
    assert_eq!(<UserCreateRequest as Operation>::PATH, "/user/create");
    assert_eq!(<UserItemsGetRequest as Operation>::ID, "user_items_get");
    assert_eq!(<SandboxUserResetLoginRequest as Operation>::METHOD, "POST");
    assert_eq!(
        <BeaconUserCreateRequest as Operation>::PATH,
        "/beacon/user/create"
    );
    assert_eq!(API_VERSION, "2020-09-14");
    assert_eq!(Environment::Sandbox.base_url(), "https://sandbox.plaid.com");
    assert_eq!(
        Environment::Custom("http://127.0.0.1:8080/".into()).base_url(),
        "http://127.0.0.1:8080"
    );
}

#[test]
fn every_type_is_reached_by_its_spec_name() {
    let model = plaid_tests::spec_model();
    for def in model.types() {
        assert!(
            plaid_tests::decode(&def.name, &serde_json::json!({})).is_some(),
            "visit_by_name does not know {}",
            def.name
        );
    }
    assert!(plaid_tests::decode("NoSuchType", &serde_json::json!({})).is_none());
}

#[test]
fn a_required_nullable_field_must_be_present_even_though_it_may_be_null() {
    let mut item = items_response(json!({}))["items"][0].clone();
    item.as_object_mut().expect("object").remove("error");
    let error = serde_json::from_value::<Item>(item).expect_err("`error` is required");
    assert!(
        error.to_string().contains("missing field `error`"),
        "{error}"
    );
}
