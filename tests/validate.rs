//! Generated validators against the spec they come from.
//!
//! The main test is driven by the spec itself: it walks every operation body (and the error
//! object) through its nested types, and for every constraint and rule it meets builds one
//! document that must pass and one that must fail, asserting the exact wire path and rule code
//! of the failure. A constraint added to spec/ is covered without touching this file, and a
//! constraint the walk cannot reach fails the coverage assertion.

use plaid_api::prelude::*;
use plaid_tests::cases::{all_cases, constrained, synth_named};
use plaid_tests::violations;
use proptest::prelude::*;

#[test]
fn every_constraint_and_rule_in_the_spec_accepts_and_rejects_with_path_and_code() {
    let model = plaid_tests::spec_model();
    let (cases, covered) = all_cases(model);
    // Types no operation uses (webhook payloads) are checked by their examples only.
    let reachable: std::collections::BTreeSet<String> = covered
        .iter()
        .filter_map(|key| key.split('.').next().map(str::to_owned))
        .collect();
    let missing: Vec<_> = constrained(model)
        .difference(&covered)
        .filter(|key| {
            key.split('.')
                .next()
                .is_some_and(|owner| reachable.contains(owner))
        })
        .cloned()
        .collect();
    assert!(
        missing.is_empty(),
        "constraints no operation body reaches: {missing:?}"
    );

    let mut failures = Vec::new();
    for case in &cases {
        let decoded = plaid_tests::decode(&case.root, &case.document)
            .expect("dispatchable root")
            .unwrap_or_else(|e| {
                panic!(
                    "{}: document does not decode: {e}\n{:#}",
                    case.what, case.document
                )
            });
        let at_path: Vec<&str> = decoded
            .violations
            .iter()
            .filter(|(p, _)| *p == case.path)
            .map(|(_, code)| *code)
            .collect();
        match &case.expect {
            None if !at_path.is_empty() => failures.push(format!(
                "{} ({}): expected valid at `{}`, got {at_path:?}",
                case.what, case.root, case.path
            )),
            Some(code) if !at_path.contains(&code.as_str()) => failures.push(format!(
                "{} ({}): expected `{code}` at `{}`, got {:?}",
                case.what, case.root, case.path, decoded.violations
            )),
            _ => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(
        cases.len() > 100,
        "only {} cases: the walk is not reaching the spec",
        cases.len()
    );
}

#[test]
fn every_example_in_the_spec_passes_validation() {
    let model = plaid_tests::spec_model();
    for def in model.types() {
        for example in &def.examples {
            if let Some(decoded) = plaid_tests::decode(&def.name, &example.value) {
                let decoded = decoded.unwrap_or_else(|e| panic!("{}: {e}", def.name));
                assert!(
                    decoded.violations.is_empty(),
                    "example of {} violates {:?}",
                    def.name,
                    decoded.violations
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Hand-picked cases the generic walk does not spell out.

fn beacon_request() -> BeaconUserCreateRequest {
    let model = plaid_tests::spec_model();
    let example = model
        .find_type("BeaconUserCreateRequest")
        .expect("type")
        .examples[0]
        .value
        .clone();
    serde_json::from_value(example).expect("example decodes")
}

#[test]
fn an_empty_value_does_not_satisfy_one_of_required() {
    let mut request = beacon_request();
    request.user.date_of_birth = None;
    request.user.depository_accounts = Some(Vec::new());
    assert_eq!(
        violations(&request),
        [("user".to_owned(), "one_of_required")]
    );
    request.user.date_of_birth = Some(String::new());
    assert_eq!(
        violations(&request),
        [
            ("user.date_of_birth".to_owned(), "format.date"),
            ("user".to_owned(), "one_of_required")
        ],
        "an empty date is no date, and identifies no one either"
    );
}

#[test]
fn lengths_count_characters_not_bytes() {
    let mut request = beacon_request();
    request.user.name.given_name = "é".repeat(100);
    assert_eq!(violations(&request), []);
    request.user.name.given_name = "é".repeat(101);
    assert_eq!(
        violations(&request),
        [("user.name.given_name".to_owned(), "max_length")]
    );
}

#[test]
fn array_items_are_reported_with_their_index() {
    let mut request = beacon_request();
    request.access_tokens =
        Nullable::Value((0..51).map(|i| format!("access-sandbox-{i}")).collect());
    request.user.depository_accounts = Some(vec![
        BeaconUserRequestDepositoryAccount {
            routing_number: "021000021".into(),
            account_number: "1234567890".into(),
        },
        BeaconUserRequestDepositoryAccount {
            routing_number: "021000021".into(),
            account_number: "12-34".into(),
        },
    ]);
    assert_eq!(
        violations(&request),
        [
            (
                "user.depository_accounts[1].account_number".to_owned(),
                "format.us_bank_account_number"
            ),
            ("access_tokens".to_owned(), "max_items"),
        ]
    );
}

#[test]
fn the_us_postal_code_rule_applies_only_to_us_addresses() {
    let mut request = beacon_request();
    let address = request
        .user
        .address
        .value_mut()
        .expect("example has an address");
    address.postal_code = Nullable::Value("SW1A1AA".into());
    assert_eq!(
        violations(&request),
        [("user.address.postal_code".to_owned(), "pattern")]
    );
    request.user.address.value_mut().expect("address").country = "GB".into();
    assert_eq!(violations(&request), []);
}

/// "Between 2 and 10 alphanumeric characters" counts the alphanumerics: a postal code written
/// with its space or hyphen passes, and the US rule still wants 5 digits.
#[test]
fn postal_codes_are_counted_in_alphanumerics_and_may_keep_their_separator() {
    let mut request = beacon_request();
    let address = request.user.address.value_mut().expect("address");
    address.country = "GB".into();
    for written in [
        "SW1A 1AA",
        "SW1A1AA",
        "01310-100",
        "A1",
        "EC1A 1BB",
        "1234567890",
    ] {
        request
            .user
            .address
            .value_mut()
            .expect("address")
            .postal_code = Nullable::Value(written.into());
        assert_eq!(violations(&request), [], "{written}");
    }
    for refused in [
        "A",
        " SW1A 1AA",
        "SW1A 1AA ",
        "SW1A  1AA",
        "SW1A--1AA",
        "-12345",
        "12345678901",
        "SW1A_1AA",
    ] {
        request
            .user
            .address
            .value_mut()
            .expect("address")
            .postal_code = Nullable::Value(refused.into());
        assert_eq!(
            violations(&request),
            [("user.address.postal_code".to_owned(), "pattern")],
            "{refused}"
        );
    }
    let address = request.user.address.value_mut().expect("address");
    address.country = "US".into();
    address.postal_code = Nullable::Value("SW1A 1AA".into());
    assert_eq!(
        violations(&request),
        [("user.address.postal_code".to_owned(), "pattern")],
        "a US address still needs 5 digits"
    );
}

/// Both sources say "A phone number in E.164 format." of Beacon's `phone_number`, and neither
/// says other forms are taken.
#[test]
fn beacon_phone_numbers_must_be_e164() {
    let mut request = beacon_request();
    request.user.phone_number = Nullable::Value("+14157452130".into());
    assert_eq!(violations(&request), []);
    for refused in [
        "19876543212".to_owned(),
        "+1 987 654 3212".to_owned(),
        "+0123456789".to_owned(),
        format!("+1{}", "9".repeat(15)),
        "555-0100".to_owned(),
    ] {
        request.user.phone_number = Nullable::Value(refused.clone());
        assert_eq!(
            violations(&request),
            [("user.phone_number".to_owned(), "format.e164")],
            "{refused}"
        );
    }
    request.user.phone_number = Nullable::Null;
    assert_eq!(violations(&request), [], "the OpenAPI lets it be null");
}

/// The API's email format is RFC 5321's mailbox (its description cites RFC 3696, which defers
/// to it): quoted local parts, plus signs and subdomains pass; a value without `@` does not.
#[test]
fn emails_follow_rfc_5321() {
    let mut request = beacon_request();
    for accepted in [
        "\"leslie knope\"@example.com",
        "\"leslie@pawnee\"@example.com",
        "leslie+parks@example.com",
        "leslie@parks.pawnee.in.example.gov",
    ] {
        request.user.email_address = Some(accepted.into());
        assert_eq!(violations(&request), [], "{accepted}");
    }
    for refused in ["leslie.example.com", "leslie", " leslie@example.com"] {
        request.user.email_address = Some(refused.into());
        assert_eq!(
            violations(&request),
            [("user.email_address".to_owned(), "format.email")],
            "{refused}"
        );
    }
}

/// No source states a rule on the identity's names, and "Plaid Check Consumer Reports can only
/// be created for US-based users" is said of creating a report, not of storing the identity:
/// neither is checked. The country is still an ISO 3166-1 alpha-2 code.
#[test]
fn a_consumer_report_identity_has_no_unsourced_rules() {
    let model = plaid_tests::spec_model();
    let example = model.find_type("UserCreateRequest").expect("type").examples[0]
        .value
        .clone();
    let mut request: UserCreateRequest = serde_json::from_value(example).expect("decodes");
    let identity = request
        .consumer_report_user_identity
        .value_mut()
        .expect("identity");
    identity.first_name = "   ".into();
    identity.last_name = String::new();
    identity.primary_address.country = Some("CA".into());
    assert_eq!(violations(&request), []);
    let identity = request
        .consumer_report_user_identity
        .value_mut()
        .expect("identity");
    identity.primary_address.country = Some("Canada".into());
    assert_eq!(
        violations(&request),
        [(
            "consumer_report_user_identity.primary_address.country".to_owned(),
            "format.country_code"
        )]
    );
}

#[test]
fn messages_quote_the_limit_and_never_the_value() {
    let mut request = beacon_request();
    request.user.name.family_name = "x".repeat(101);
    request.user.id_number = Nullable::Value(BeaconUserIDNumber {
        type_: IDNumberType::UsSsn,
        value: "123-45-6789".into(),
    });
    let errors = request.validate().expect_err("invalid");
    let text = errors.to_string();
    assert!(
        text.contains("must be at most 100 characters, got 101"),
        "{text}"
    );
    assert!(
        !text.contains("123-45-6789"),
        "a sensitive value leaked: {text}"
    );
    assert!(!text.contains(&"x".repeat(101)), "a value leaked: {text}");
}

/// One request that breaks many rules at once: the whole list, as a user would read it.
#[test]
fn many_violations_are_all_reported() {
    let request = BeaconUserCreateRequest {
        access_tokens: Nullable::Value((0..51).map(|i| format!("access-sandbox-{i}")).collect()),
        client_user_id: "user-1".into(),
        program_id: "becprg_1".into(),
        user: BeaconUserRequestData {
            name: BeaconUserName {
                given_name: "   ".into(),
                family_name: "K".repeat(101),
            },
            email_address: Some(" leslie@example.com".into()),
            ip_address: Nullable::Value("300.1.1.1".into()),
            phone_number: Nullable::Value("555-0100".into()),
            date_of_birth: None,
            depository_accounts: None,
            id_number: Nullable::Value(BeaconUserIDNumber {
                type_: IDNumberType::Unknown("xx_passport".into()),
                value: "A-1".into(),
            }),
            address: Nullable::Value(BeaconUserRequestAddress {
                street: "123".into(),
                street2: Nullable::Value("".into()),
                city: "Pawnee".into(),
                region: Nullable::Null,
                postal_code: Nullable::Value("4600".into()),
                country: "us".into(),
            }),
        },
        ..Default::default()
    };
    let errors = request.validate().expect_err("invalid");
    insta::assert_snapshot!(errors.to_string());
}

// ---------------------------------------------------------------------------------------------
// Properties.

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn names_of_1_to_100_characters_pass_and_longer_fail(
        name in "[^\\s]\\PC{0,99}",
        extra in "\\PC{1,20}",
    ) {
        let mut request = beacon_request();
        request.user.name.given_name = name.clone();
        prop_assert_eq!(violations(&request), []);
        request.user.name.given_name = format!("{name}{}", "z".repeat(101 - name.chars().count().min(100)) + &extra);
        prop_assert!(violations(&request).contains(&("user.name.given_name".to_owned(), "max_length")));
    }

    #[test]
    fn full_ssns_match_ddd_dd_dddd_and_mutations_do_not(ssn in "[0-9]{3}-[0-9]{2}-[0-9]{4}", at in 0usize..11, letter in "[a-zA-Z]") {
        let mut identity: ConsumerReportUserIdentity = serde_json::from_value(synth_named(plaid_tests::spec_model(), "ConsumerReportUserIdentity")).expect("decodes");
        identity.ssn_full = Nullable::Value(ssn.clone());
        prop_assert_eq!(violations(&identity), []);
        let mut broken: Vec<char> = ssn.chars().collect();
        broken[at] = letter.chars().next().expect("one letter");
        identity.ssn_full = Nullable::Value(broken.into_iter().collect());
        prop_assert_eq!(violations(&identity), [("ssn_full".to_owned(), "pattern")]);
    }

    #[test]
    fn real_dates_pass_and_impossible_days_fail(year in 1900u32..2100, month in 1u32..=12, day in 1u32..=28) {
        let mut request = beacon_request();
        request.user.date_of_birth = Some(format!("{year:04}-{month:02}-{day:02}"));
        prop_assert_eq!(violations(&request), []);
        request.user.date_of_birth = Some(format!("{year:04}-{month:02}-32"));
        prop_assert_eq!(violations(&request), [("user.date_of_birth".to_owned(), "format.date")]);
        request.user.date_of_birth = Some(format!("{year:04}-13-{day:02}"));
        prop_assert_eq!(violations(&request), [("user.date_of_birth".to_owned(), "format.date")]);
    }

    #[test]
    fn up_to_50_access_tokens_pass_and_more_fail(n in 0usize..=50, over in 51usize..80) {
        let mut request = beacon_request();
        request.access_tokens = Nullable::Value((0..n).map(|i| format!("access-sandbox-{i}")).collect());
        prop_assert_eq!(violations(&request), []);
        request.access_tokens = Nullable::Value((0..over).map(|i| format!("access-sandbox-{i}")).collect());
        prop_assert_eq!(violations(&request), [("access_tokens".to_owned(), "max_items")]);
    }

    #[test]
    fn e164_phone_numbers_pass_and_other_forms_fail(cc in "[1-9][0-9]{0,2}", rest in "[0-9]{4,11}", local in "[0-9]{3}-[0-9]{4}") {
        let mut request = beacon_request();
        request.user.phone_number = Nullable::Value(format!("+{cc}{rest}"));
        prop_assert_eq!(violations(&request), []);
        let e164 = [("user.phone_number".to_owned(), "format.e164")];
        request.user.phone_number = Nullable::Value(format!("{cc}{rest}"));
        prop_assert_eq!(violations(&request), e164.clone());
        request.user.phone_number = Nullable::Value(format!("+{cc} {rest}"));
        prop_assert_eq!(violations(&request), e164.clone());
        request.user.phone_number = Nullable::Value(local);
        prop_assert_eq!(violations(&request), e164);
    }

    /// The consumer-report identity's `phone_numbers` are "parsed on a best-effort basis" in
    /// other formats than E.164, so none is refused (never stricter than the API).
    #[test]
    fn consumer_report_phone_numbers_in_any_format_pass(number in "\\PC{0,20}") {
        let mut identity: ConsumerReportUserIdentity = serde_json::from_value(synth_named(plaid_tests::spec_model(), "ConsumerReportUserIdentity")).expect("decodes");
        identity.phone_numbers = vec![number];
        prop_assert_eq!(violations(&identity), []);
    }

    #[test]
    fn ipv4_and_ipv6_addresses_pass(v4 in any::<[u8; 4]>(), v6 in any::<[u16; 8]>()) {
        let mut request = beacon_request();
        request.user.ip_address = Nullable::Value(std::net::Ipv4Addr::from(v4).to_string());
        prop_assert_eq!(violations(&request), []);
        request.user.ip_address = Nullable::Value(std::net::Ipv6Addr::from(v6).to_string());
        prop_assert_eq!(violations(&request), []);
        request.user.ip_address = Nullable::Value(format!("{}.{}", v4[0], v4[1]));
        prop_assert_eq!(violations(&request), [("user.ip_address".to_owned(), "format.ip")]);
    }
}
