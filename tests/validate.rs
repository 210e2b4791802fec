//! Generated validators against the spec they come from.
//!
//! The main test is driven by the spec itself: it walks every operation body (and the error
//! object) through its nested types, and for every constraint and rule it meets builds one
//! document that must pass and one that must fail, asserting the exact wire path and rule code
//! of the failure. A constraint added to spec/ is covered without touching this file, and a
//! constraint the walk cannot reach fails the coverage assertion.

use std::collections::BTreeSet;

use codegen::check::string_problems;
use codegen::ir::{Check, Constraints, Field, Format, Model, RuleKind, Ty, TyKind, TypeKind};
use plaid_api::prelude::*;
use proptest::prelude::*;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Valid values, built from the spec.

/// A value for each format that the format accepts.
fn format_sample(format: Format) -> &'static str {
    match format {
        Format::Date => "1987-01-31",
        Format::DateTime => "2024-01-31T12:00:00Z",
        Format::Email => "carmy@example.com",
        Format::E164 => "+14155550123",
        Format::Ip | Format::Ipv4 => "192.0.2.42",
        Format::Ipv6 => "2001:db8::1",
        Format::CountryCode => "US",
        Format::UsBankAccountNumber => "1234567890",
        Format::Url => "https://example.com/hook",
    }
}

/// A string that satisfies `c`, found among plausible candidates with the generator's own
/// checker as the judge.
fn valid_string(c: &Constraints) -> String {
    let mut candidates: Vec<String> = c
        .format
        .map(|f| vec![format_sample(f).to_owned()])
        .unwrap_or_default();
    candidates.extend(
        [
            "Leslie",
            "123-45-6789",
            "1234",
            "46001",
            "123456789",
            "A1B2C3",
            "ab",
        ]
        .map(String::from),
    );
    if let Some(min) = c.min_length {
        candidates.push("a".repeat(min as usize));
    }
    candidates
        .into_iter()
        .find(|s| string_problems(c, s).is_empty())
        .unwrap_or_else(|| panic!("no valid sample for {c:?}: add one to valid_string"))
}

/// A minimal valid JSON value of a type: required fields only, each with a valid value.
fn synth(model: &Model, ty: &Ty) -> Value {
    match &ty.kind {
        TyKind::String => Value::String(valid_string(&ty.constraints)),
        TyKind::Integer => json!(ty.constraints.minimum.map_or(1, |m| m as i64)),
        TyKind::Number => json!(ty.constraints.minimum.unwrap_or(1.0)),
        TyKind::Boolean => json!(true),
        TyKind::Any => json!({}),
        TyKind::Array(item) => {
            let n = ty.constraints.min_items.unwrap_or(1) as usize;
            Value::Array((0..n).map(|i| distinct(synth(model, item), i)).collect())
        }
        TyKind::Named(name) => synth_named(model, name),
    }
}

fn synth_named(model: &Model, name: &str) -> Value {
    match &model.find_type(name).expect("known type").kind {
        TypeKind::Enum(e) => json!(e.values[0].wire),
        TypeKind::Object(object) => {
            let mut map = serde_json::Map::new();
            for field in object.fields.iter().filter(|f| f.required) {
                let value = if field.nullable {
                    Value::Null
                } else {
                    synth(model, &field.ty)
                };
                map.insert(field.wire.clone(), value);
            }
            // Rules may need more than the required fields (one of two optional fields).
            for rule in &object.rules {
                if let RuleKind::OneOfRequired(fields) = &rule.kind {
                    let field = object
                        .fields
                        .iter()
                        .find(|f| f.wire == fields[0])
                        .expect("rule field");
                    map.insert(field.wire.clone(), synth(model, &field.ty));
                }
            }
            Value::Object(map)
        }
    }
}

/// Makes string items of an array differ, so `unique_items` holds.
fn distinct(value: Value, i: usize) -> Value {
    match value {
        Value::String(s) if i > 0 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') => {
            Value::String(format!("{s}{i}"))
        }
        other => other,
    }
}

// ---------------------------------------------------------------------------------------------
// Values that break exactly one constraint.

/// For each constraint of `c`: a value that breaks it, and the rule code expected.
fn breaking_strings(c: &Constraints) -> Vec<(String, String)> {
    let mut cases = Vec::new();
    if let Some(min) = c.min_length.filter(|&m| m > 0) {
        cases.push(("7".repeat(min as usize - 1), "min_length".to_owned()));
    }
    if let Some(max) = c.max_length {
        cases.push(("a".repeat(max as usize + 1), "max_length".to_owned()));
    }
    if c.non_blank {
        cases.push(("   ".to_owned(), "non_blank".to_owned()));
    }
    if c.has_letter {
        cases.push(("12345".to_owned(), "has_letter".to_owned()));
    }
    if c.pattern.is_some() {
        cases.push(("no match!".to_owned(), "pattern".to_owned()));
    }
    if let Some(format) = c.format {
        let code = format!("format.{}", format.name().replace('-', "_"));
        cases.push(("not a valid value".to_owned(), code));
    }
    cases
}

// ---------------------------------------------------------------------------------------------
// The walk.

#[derive(Debug)]
struct Case {
    root: String,
    what: String,
    document: Value,
    /// `None`: must validate cleanly at `path`. `Some(code)`: must report `code` at `path`.
    expect: Option<String>,
    path: String,
}

struct Walk<'m> {
    model: &'m Model,
    root: String,
    cases: Vec<Case>,
    covered: BTreeSet<String>,
}

/// A JSON pointer-like path of keys and indices inside a document.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn wire_path(steps: &[Step]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Key(k) if out.is_empty() => out.push_str(k),
            Step::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn slot<'v>(document: &'v mut Value, steps: &[Step]) -> &'v mut Value {
    steps.iter().fold(document, |v, step| match step {
        Step::Key(k) => &mut v[k.as_str()],
        Step::Index(i) => &mut v[*i],
    })
}

impl Walk<'_> {
    fn case(
        &mut self,
        base: &Value,
        steps: &[Step],
        value: Option<Value>,
        what: &str,
        expect: Option<String>,
    ) {
        let mut document = base.clone();
        match value {
            Some(value) => *slot(&mut document, steps) = value,
            None => {
                let (last, parent) = steps.split_last().expect("non-empty path");
                if let (Step::Key(k), Some(map)) =
                    (last, slot(&mut document, parent).as_object_mut())
                {
                    map.remove(k);
                }
            }
        }
        let path = wire_path(steps);
        self.cases.push(Case {
            root: self.root.clone(),
            what: what.to_owned(),
            document,
            expect,
            path,
        });
    }

    /// Visits an object of type `name` found at `steps` in `document`, filling in every
    /// optional field first so its constraints can be exercised too.
    fn object(&mut self, document: &mut Value, steps: &[Step], name: &str, depth: usize) {
        let model = self.model;
        let Some(TypeKind::Object(object)) = model.find_type(name).map(|t| &t.kind) else {
            return;
        };
        if depth > 6 {
            return;
        }
        for field in &object.fields {
            let mut field_steps = steps.to_vec();
            field_steps.push(Step::Key(field.wire.clone()));
            let current = slot(document, &field_steps);
            if current.is_null() {
                *current = synth(model, &field.ty);
            }
            self.field(document, &field_steps, name, field, depth);
        }
        for (i, rule) in object.rules.iter().enumerate() {
            self.rule(document, steps, name, i, &rule.kind);
        }
    }

    fn field(
        &mut self,
        document: &mut Value,
        steps: &[Step],
        owner: &str,
        field: &Field,
        depth: usize,
    ) {
        let key = format!("{owner}.{}", field.wire);
        self.value(document, steps, &key, &field.ty, depth);
    }

    fn value(&mut self, document: &mut Value, steps: &[Step], key: &str, ty: &Ty, depth: usize) {
        let base = document.clone();
        let c = &ty.constraints;
        match &ty.kind {
            TyKind::String if !c.is_empty() => {
                self.covered.insert(key.to_owned());
                // The example's own value first: it also satisfies the cross-field rules.
                let current = slot(document, steps)
                    .as_str()
                    .filter(|s| string_problems(c, s).is_empty());
                let valid = current.map_or_else(|| valid_string(c), str::to_owned);
                self.case(
                    &base,
                    steps,
                    Some(json!(valid)),
                    &format!("{key} valid"),
                    None,
                );
                for (value, code) in breaking_strings(c) {
                    self.case(
                        &base,
                        steps,
                        Some(json!(value)),
                        &format!("{key} {code}"),
                        Some(code),
                    );
                }
            }
            TyKind::Integer | TyKind::Number if c.minimum.is_some() || c.maximum.is_some() => {
                self.covered.insert(key.to_owned());
                if let Some(min) = c.minimum {
                    self.case(
                        &base,
                        steps,
                        Some(json!(min as i64)),
                        &format!("{key} at minimum"),
                        None,
                    );
                    self.case(
                        &base,
                        steps,
                        Some(json!(min as i64 - 1)),
                        &format!("{key} minimum"),
                        Some("minimum".into()),
                    );
                }
                if let Some(max) = c.maximum {
                    self.case(
                        &base,
                        steps,
                        Some(json!(max as i64)),
                        &format!("{key} at maximum"),
                        None,
                    );
                    self.case(
                        &base,
                        steps,
                        Some(json!(max as i64 + 1)),
                        &format!("{key} maximum"),
                        Some("maximum".into()),
                    );
                }
            }
            TyKind::Array(item) => {
                let one = synth(self.model, item);
                if c.max_items.is_some() || c.min_items.is_some() || c.unique_items {
                    self.covered.insert(key.to_owned());
                }
                if let Some(max) = c.max_items {
                    let at_max: Vec<_> = (0..max as usize)
                        .map(|i| distinct(one.clone(), i))
                        .collect();
                    let over: Vec<_> = (0..=max as usize)
                        .map(|i| distinct(one.clone(), i))
                        .collect();
                    self.case(
                        &base,
                        steps,
                        Some(json!(at_max)),
                        &format!("{key} at max_items"),
                        None,
                    );
                    self.case(
                        &base,
                        steps,
                        Some(json!(over)),
                        &format!("{key} max_items"),
                        Some("max_items".into()),
                    );
                }
                if let Some(min) = c.min_items.filter(|&m| m > 0) {
                    let under: Vec<_> = (0..min as usize - 1)
                        .map(|i| distinct(one.clone(), i))
                        .collect();
                    self.case(
                        &base,
                        steps,
                        Some(json!(under)),
                        &format!("{key} min_items"),
                        Some("min_items".into()),
                    );
                }
                if c.unique_items {
                    self.case(
                        &base,
                        steps,
                        Some(json!([one.clone(), distinct(one.clone(), 1)])),
                        &format!("{key} unique"),
                        None,
                    );
                    self.case(
                        &base,
                        steps,
                        Some(json!([one.clone(), one.clone()])),
                        &format!("{key} unique_items"),
                        Some("unique_items".into()),
                    );
                }
                // The elements: make sure there is a first one, then visit it.
                let slot_value = slot(document, steps);
                if slot_value.as_array().is_none_or(Vec::is_empty) {
                    *slot_value = json!([one]);
                }
                let mut item_steps = steps.to_vec();
                item_steps.push(Step::Index(0));
                self.value(document, &item_steps, &format!("{key}[]"), item, depth);
            }
            TyKind::Named(name) => match self.model.find_type(name).map(|t| &t.kind) {
                Some(TypeKind::Enum(_)) => {
                    self.covered.insert(key.to_owned());
                    self.case(
                        &base,
                        steps,
                        Some(json!("NOT_A_DOCUMENTED_VALUE")),
                        &format!("{key} enum"),
                        Some("enum".into()),
                    );
                }
                Some(TypeKind::Object(_)) => self.object(document, steps, name, depth + 1),
                None => {}
            },
            _ => {}
        }
    }

    fn rule(
        &mut self,
        document: &Value,
        steps: &[Step],
        owner: &str,
        index: usize,
        rule: &RuleKind,
    ) {
        let key = format!("{owner}.rules[{index}]");
        self.covered.insert(key.clone());
        let at = |fields: &[String]| {
            let mut s = steps.to_vec();
            s.extend(fields.iter().cloned().map(Step::Key));
            s
        };
        match rule {
            RuleKind::OneOfRequired(fields) => {
                let mut none = document.clone();
                for field in fields {
                    if let Some(map) = slot(&mut none, steps).as_object_mut() {
                        map.remove(field);
                    }
                }
                // Keeping only the first of the fields is enough.
                let mut only_first = none.clone();
                *slot(&mut only_first, &at(&fields[..1])) =
                    slot(&mut document.clone(), &at(&fields[..1])).clone();
                let path = wire_path(steps);
                self.cases.push(Case {
                    root: self.root.clone(),
                    what: format!("{key} one present"),
                    document: only_first,
                    expect: None,
                    path: path.clone(),
                });
                self.cases.push(Case {
                    root: self.root.clone(),
                    what: format!("{key} none present"),
                    document: none,
                    expect: Some("one_of_required".into()),
                    path,
                });
            }
            RuleKind::Require { when, field, check } => {
                let target = at(field);
                let mut base = document.clone();
                if let Some(when) = when {
                    *slot(&mut base, &at(&when.field)) = json!(when.equals);
                }
                match check {
                    Check::Equals(expected) => {
                        self.case(
                            &base,
                            &target,
                            Some(json!(expected)),
                            &format!("{key} equal"),
                            None,
                        );
                        let other = if expected == "CA" { "US" } else { "CA" };
                        self.case(
                            &base,
                            &target,
                            Some(json!(other)),
                            &format!("{key} equals"),
                            Some("equals".into()),
                        );
                    }
                    Check::Constraints(rule_constraints) => {
                        // A value the field itself accepts but the rule rejects: the rule,
                        // not the field's own constraints, must be what fails.
                        let own = codegen::check::resolve(self.model, owner, field)
                            .expect("rule field")
                            .ty
                            .constraints
                            .clone();
                        let breaking = ["A1B2C3", "1234", "123456", "ABCDE", "x y"]
                            .into_iter()
                            .find(|s| {
                                string_problems(&own, s).is_empty()
                                    && !string_problems(rule_constraints, s).is_empty()
                            })
                            .expect("a value that only the rule rejects");
                        let code = breaking_strings(rule_constraints)
                            .into_iter()
                            .map(|(_, code)| code)
                            .find(|code| {
                                code == "pattern"
                                    || code.starts_with("format")
                                    || code.ends_with("length")
                            })
                            .expect("a rule code");
                        self.case(
                            &base,
                            &target,
                            Some(json!(breaking)),
                            &format!("{key} violated"),
                            Some(code),
                        );
                        self.case(
                            &base,
                            &target,
                            Some(json!(valid_string(rule_constraints))),
                            &format!("{key} satisfied"),
                            None,
                        );
                        if let Some(when) = when {
                            // The same value is fine when the condition does not hold.
                            let mut elsewhere = base.clone();
                            let other = if when.equals == "CA" { "GB" } else { "CA" };
                            *slot(&mut elsewhere, &at(&when.field)) = json!(other);
                            self.case(
                                &elsewhere,
                                &target,
                                Some(json!(breaking)),
                                &format!("{key} condition false"),
                                None,
                            );
                        }
                    }
                }
            }
        }
    }
}

fn roots(model: &Model) -> Vec<String> {
    let mut roots: Vec<String> = model
        .operations
        .iter()
        .flat_map(|op| [op.request.clone(), op.response.clone()])
        .collect();
    roots.extend(model.api.error.clone());
    roots
}

fn all_cases(model: &Model) -> (Vec<Case>, BTreeSet<String>) {
    let mut cases = Vec::new();
    let mut covered = BTreeSet::new();
    for root in roots(model) {
        let def = model.find_type(&root).expect("root type");
        let mut document = def
            .examples
            .first()
            .map(|e| e.value.clone())
            .unwrap_or_else(|| synth_named(model, &root));
        let mut walk = Walk {
            model,
            root: root.clone(),
            cases: Vec::new(),
            covered: BTreeSet::new(),
        };
        walk.object(&mut document, &[], &root, 0);
        cases.extend(walk.cases);
        covered.extend(walk.covered);
    }
    (cases, covered)
}

/// Everything in the spec that a validator must check: constrained fields, enum fields and
/// rules, keyed as the walk keys them.
fn constrained(model: &Model) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for def in model.types() {
        let TypeKind::Object(object) = &def.kind else {
            continue;
        };
        for field in &object.fields {
            let key = format!("{}.{}", def.name, field.wire);
            collect(model, &field.ty, &key, &mut keys);
        }
        for i in 0..object.rules.len() {
            keys.insert(format!("{}.rules[{i}]", def.name));
        }
    }
    keys
}

fn collect(model: &Model, ty: &Ty, key: &str, keys: &mut BTreeSet<String>) {
    let c = &ty.constraints;
    match &ty.kind {
        TyKind::String if !c.is_empty() => {
            keys.insert(key.to_owned());
        }
        TyKind::Integer | TyKind::Number if c.minimum.is_some() || c.maximum.is_some() => {
            keys.insert(key.to_owned());
        }
        TyKind::Array(item) => {
            if c.max_items.is_some() || c.min_items.is_some() || c.unique_items {
                keys.insert(key.to_owned());
            }
            collect(model, item, &format!("{key}[]"), keys);
        }
        TyKind::Named(name)
            if matches!(
                model.find_type(name).map(|t| &t.kind),
                Some(TypeKind::Enum(_))
            ) =>
        {
            keys.insert(key.to_owned());
        }
        _ => {}
    }
}

#[test]
fn every_constraint_and_rule_in_the_spec_accepts_and_rejects_with_path_and_code() {
    let model = plaid_tests::spec_model();
    let (cases, covered) = all_cases(model);
    let missing: Vec<_> = constrained(model).difference(&covered).cloned().collect();
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

fn violations(request: &impl Validate) -> Vec<(String, &'static str)> {
    match request.validate() {
        Ok(()) => Vec::new(),
        Err(errors) => errors
            .violations()
            .iter()
            .map(|v| (v.path.clone(), v.rule))
            .collect(),
    }
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
    request.access_tokens = Some((0..51).map(|i| format!("access-sandbox-{i}")).collect());
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
            ("access_tokens".to_owned(), "max_items"),
            (
                "user.depository_accounts[1].account_number".to_owned(),
                "format.us_bank_account_number"
            ),
        ]
    );
}

#[test]
fn the_us_postal_code_rule_applies_only_to_us_addresses() {
    let mut request = beacon_request();
    let address = request
        .user
        .address
        .as_mut()
        .expect("example has an address");
    address.postal_code = Some("SW1A1AA".into());
    assert_eq!(
        violations(&request),
        [("user.address.postal_code".to_owned(), "pattern")]
    );
    request.user.address.as_mut().expect("address").country = "GB".into();
    assert_eq!(violations(&request), []);
}

#[test]
fn a_consumer_report_identity_must_live_in_the_us() {
    let model = plaid_tests::spec_model();
    let example = model.find_type("UserCreateRequest").expect("type").examples[0]
        .value
        .clone();
    let mut request: UserCreateRequest = serde_json::from_value(example).expect("decodes");
    let identity = request
        .consumer_report_user_identity
        .as_mut()
        .expect("identity");
    identity.primary_address.country = "CA".into();
    assert_eq!(
        violations(&request),
        [(
            "consumer_report_user_identity.primary_address.country".to_owned(),
            "equals"
        )]
    );
}

#[test]
fn messages_quote_the_limit_and_never_the_value() {
    let mut request = beacon_request();
    request.user.name.family_name = "x".repeat(101);
    request.user.id_number = Some(BeaconUserIdNumber {
        type_: BeaconUserIdNumberType::UsSsn,
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
        access_tokens: Some((0..51).map(|i| format!("access-sandbox-{i}")).collect()),
        client_user_id: "user-1".into(),
        program_id: "becprg_1".into(),
        user: BeaconUserRequestData {
            name: BeaconUserName {
                given_name: "   ".into(),
                family_name: "K".repeat(101),
            },
            email_address: Some(" leslie@example.com".into()),
            ip_address: Some("300.1.1.1".into()),
            phone_number: Some("555-0100".into()),
            date_of_birth: None,
            depository_accounts: None,
            id_number: Some(BeaconUserIdNumber {
                type_: BeaconUserIdNumberType::Unknown("xx_passport".into()),
                value: "A-1".into(),
            }),
            address: Some(BeaconUserAddress {
                street: "123".into(),
                street2: Some("".into()),
                city: "Pawnee".into(),
                region: None,
                postal_code: Some("4600".into()),
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
        identity.ssn_full = Some(ssn.clone());
        prop_assert_eq!(violations(&identity), []);
        let mut broken: Vec<char> = ssn.chars().collect();
        broken[at] = letter.chars().next().expect("one letter");
        identity.ssn_full = Some(broken.into_iter().collect());
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
        request.access_tokens = Some((0..n).map(|i| format!("access-sandbox-{i}")).collect());
        prop_assert_eq!(violations(&request), []);
        request.access_tokens = Some((0..over).map(|i| format!("access-sandbox-{i}")).collect());
        prop_assert_eq!(violations(&request), [("access_tokens".to_owned(), "max_items")]);
    }

    #[test]
    fn e164_numbers_pass_and_local_formats_fail(cc in "[1-9][0-9]{0,2}", rest in "[0-9]{4,11}", local in "[0-9]{3}-[0-9]{4}") {
        let mut request = beacon_request();
        request.user.phone_number = Some(format!("+{cc}{rest}"));
        prop_assert_eq!(violations(&request), []);
        request.user.phone_number = Some(local);
        prop_assert_eq!(violations(&request), [("user.phone_number".to_owned(), "format.e164")]);
    }

    #[test]
    fn ipv4_and_ipv6_addresses_pass(v4 in any::<[u8; 4]>(), v6 in any::<[u16; 8]>()) {
        let mut request = beacon_request();
        request.user.ip_address = Some(std::net::Ipv4Addr::from(v4).to_string());
        prop_assert_eq!(violations(&request), []);
        request.user.ip_address = Some(std::net::Ipv6Addr::from(v6).to_string());
        prop_assert_eq!(violations(&request), []);
        request.user.ip_address = Some(format!("{}.{}", v4[0], v4[1]));
        prop_assert_eq!(violations(&request), [("user.ip_address".to_owned(), "format.ip")]);
    }
}
