//! The generated `Webhook`: every documented example of a webhook payload in the spec decodes
//! into its own pair's variant, an unknown pair keeps its JSON, and a decode error names the
//! path and never the value.

use plaid_api::Webhook;
use plaid_api::models::{ItemErrorWebhook, SyncUpdatesAvailableWebhook};

fn workspace_file(relative: &str) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::read_to_string(root.join(relative)).unwrap()
}

/// Every example of every type that names a webhook pair in spec/webhooks.yaml, read from
/// the spec (not a hand list): each decodes, as its pair, into a known variant.
#[test]
fn every_documented_example_decodes_into_its_pair() {
    let spec: serde_json::Value =
        serde_saphyr::from_str(&workspace_file("spec/webhooks.yaml")).unwrap();
    let mut pairs = 0;
    let mut examples = 0;
    for (name, def) in spec["types"].as_object().unwrap() {
        let Some(pair) = def.get("webhook") else {
            continue;
        };
        pairs += 1;
        let (kind, code) = (
            pair["type"].as_str().unwrap(),
            pair["code"].as_str().unwrap(),
        );
        for example in def["examples"].as_array().into_iter().flatten() {
            examples += 1;
            let body = serde_json::to_vec(example).unwrap();
            let webhook = Webhook::from_slice(&body)
                .unwrap_or_else(|e| panic!("the example of {name} does not decode: {e}"));
            assert!(
                !matches!(webhook, Webhook::Unknown { .. }),
                "the example of {name} decodes as Unknown"
            );
            assert_eq!(
                (webhook.webhook_type(), webhook.webhook_code()),
                (kind, code)
            );
        }
    }
    assert_eq!(pairs, 83, "the pairs the import found");
    assert!(examples >= 80, "only {examples} examples");
}

#[test]
fn decodes_into_the_variant_of_the_pair() {
    let body = br#"{"webhook_type": "TRANSACTIONS", "webhook_code": "SYNC_UPDATES_AVAILABLE",
        "item_id": "item_1", "initial_update_complete": true, "historical_update_complete": false,
        "environment": "sandbox"}"#;
    match Webhook::from_slice(body).unwrap() {
        Webhook::SyncUpdatesAvailable(SyncUpdatesAvailableWebhook {
            item_id,
            initial_update_complete,
            ..
        }) => {
            assert_eq!(item_id, "item_1");
            assert!(initial_update_complete);
        }
        other => panic!("decoded as {other:?}"),
    }
    let body = br#"{"webhook_type": "ITEM", "webhook_code": "ERROR", "item_id": "item_2",
        "error": null, "environment": "sandbox"}"#;
    let webhook = Webhook::from_slice(body).unwrap();
    assert!(matches!(
        &webhook,
        Webhook::ItemError(ItemErrorWebhook { item_id, .. }) if item_id == "item_2"
    ));
    assert_eq!(webhook.webhook_type(), "ITEM");
    assert_eq!(webhook.webhook_code(), "ERROR");
}

#[test]
fn an_unknown_pair_keeps_its_json_and_debug_hides_it() {
    let body = br#"{"webhook_type": "FUTURE_PRODUCT", "webhook_code": "SOMETHING_NEW",
        "secret_thing": "hunter2-ssn-123-45-6789"}"#;
    let webhook = Webhook::from_slice(body).unwrap();
    let Webhook::Unknown {
        webhook_type,
        webhook_code,
        body: json,
    } = &webhook
    else {
        panic!("decoded as {webhook:?}");
    };
    assert_eq!(webhook_type, "FUTURE_PRODUCT");
    assert_eq!(webhook_code, "SOMETHING_NEW");
    assert_eq!(json["secret_thing"], "hunter2-ssn-123-45-6789");
    assert_eq!(webhook.webhook_type(), "FUTURE_PRODUCT");
    let debug = format!("{webhook:?}");
    assert!(!debug.contains("hunter2"), "{debug}");
    assert!(debug.contains("<object of 3 keys>"), "{debug}");
    // A known type with a known code of another type is not a pair the crate knows.
    let body = br#"{"webhook_type": "ITEM", "webhook_code": "SYNC_UPDATES_AVAILABLE"}"#;
    assert!(matches!(
        Webhook::from_slice(body).unwrap(),
        Webhook::Unknown { .. }
    ));
}

#[test]
fn a_wrong_typed_field_names_the_path_not_the_value() {
    let body = br#"{"webhook_type": "TRANSACTIONS", "webhook_code": "SYNC_UPDATES_AVAILABLE",
        "item_id": "item_1", "initial_update_complete": "hunter2-ssn-123-45-6789",
        "historical_update_complete": false, "environment": "sandbox"}"#;
    let error = Webhook::from_slice(body).unwrap_err();
    assert_eq!(error.path(), "initial_update_complete");
    assert_eq!(
        error.message(),
        "wrong type: expected a boolean, found a string"
    );
    assert!(!error.to_string().contains("hunter2"), "{error}");
}

#[test]
fn a_body_without_its_pair_or_not_json_is_an_error() {
    let error = Webhook::from_slice(br#"{"webhook_type": "ITEM"}"#).unwrap_err();
    assert_eq!(error.message(), "missing field `webhook_code`");
    let error = Webhook::from_slice(br#"{"webhook_type": 7, "webhook_code": "X"}"#).unwrap_err();
    assert_eq!(error.path(), "webhook_type");
    assert!(Webhook::from_slice(b"not json").is_err());
    assert!(Webhook::from_slice(b"[]").is_err());
}

#[test]
fn debug_of_a_known_webhook_is_its_payload_types() {
    let body = br#"{"webhook_type": "TRANSACTIONS", "webhook_code": "SYNC_UPDATES_AVAILABLE",
        "item_id": "item_1", "initial_update_complete": true, "historical_update_complete": false,
        "environment": "sandbox"}"#;
    let webhook = Webhook::from_slice(body).unwrap();
    let Webhook::SyncUpdatesAvailable(payload) = &webhook else {
        panic!("decoded as {webhook:?}");
    };
    assert_eq!(
        format!("{webhook:?}"),
        format!("SyncUpdatesAvailable({payload:?})")
    );
}
