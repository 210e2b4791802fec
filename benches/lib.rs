//! Fixtures shared by the benchmarks. The allocation counter they install is the tests' one,
//! `plaid_tests::alloc::MeteredAllocator`.

use plaid_api::prelude::*;

/// A Beacon request with every field filled in, all valid.
pub fn full_beacon_request() -> BeaconUserCreateRequest {
    serde_json::from_value(serde_json::json!({
        "client_id": "client-id",
        "secret": "secret",
        "access_tokens": ["access-sandbox-de3ce8ef-33f8-452c-a685-8671031fc0f6", "access-sandbox-2"],
        "program_id": "becprg_11111111111111",
        "client_user_id": "your-db-id-3b24110",
        "user": {
            "date_of_birth": "1975-01-18",
            "name": {"given_name": "Leslie", "family_name": "Knope"},
            "email_address": "user@example.com",
            "ip_address": "192.0.2.42",
            "depository_accounts": [{"routing_number": "021000021", "account_number": "1234567890"}],
            "id_number": {"type": "us_ssn", "value": "123456789"},
            "address": {
                "street": "123 Main St.", "street2": "Unit 42", "city": "Pawnee",
                "region": "IN", "postal_code": "46001", "country": "US"
            },
            "phone_number": "+14157452130"
        }
    }))
    .expect("a valid Beacon request")
}

/// A `/user/create` request with a full Consumer Report identity, all valid.
pub fn full_user_create_request() -> UserCreateRequest {
    serde_json::from_value(serde_json::json!({
        "client_id": "client-id",
        "secret": "secret",
        "client_user_id": "c0e2c4ee-b763-4af5-cfe9-46a46bce883d",
        "consumer_report_user_identity": {
            "first_name": "Carmen", "last_name": "Berzatto",
            "phone_numbers": ["+13125551212"],
            "emails": ["carmy@example.com", "bear@example.com"],
            "ssn_full": "123-45-6789", "ssn_last_4": "6789",
            "date_of_birth": "1987-01-31",
            "primary_address": {
                "city": "Chicago", "region": "IL", "street": "3200 W Armitage Ave",
                "postal_code": "60657", "country": "US"
            }
        }
    }))
    .expect("a valid /user/create request")
}
