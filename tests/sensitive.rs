//! The sensitivity policy (`refine.sensitive` in spec/overlay/plaid.yaml, and the fields the
//! overlays mark one by one) holds for every type of the model, not a sample:
//!
//! - every field the policy names gets a distinctive planted value; the value survives a round
//!   trip through serde (so it really is in the decoded struct), and neither `Debug` nor the
//!   validation messages show any of it;
//! - the same field given a value of the wrong type fails to decode, serde's own message
//!   quotes the value (so the check can see a leak), and the runtime's description of the
//!   error, which the client and the server show, does not;
//! - an oracle independent of the policy, a list of credential-like words, finds no field the
//!   policy leaves out except those in a commented list of exemptions.
//!
//! The dispatch from a spec name to the Rust type is the generated `visit_by_name`, through
//! `plaid_tests::decode`, whose generic code the other test binaries instantiate already.

use std::collections::BTreeSet;

use codegen::ir::{Field, Location, Model, TyKind, TypeDef, TypeId, TypeKind};
use serde_json::{Map, Value, json};

/// How deep every optional field is filled in; below it only required fields are, which keeps
/// each document small while a nested type's own check covers all of its fields.
const FULL_DEPTH: usize = 2;

/// Past this depth the model must have a cycle of required fields, which no JSON can satisfy.
const MAX_DEPTH: usize = 64;

/// The planted values of one document, to search the outputs for.
#[derive(Default)]
struct Planted {
    /// Text that must not appear: the markers inside planted strings, and planted numbers as
    /// `Debug` prints them.
    needles: Vec<String>,
    next: u32,
}

impl Planted {
    fn fresh(&mut self) -> u32 {
        self.next += 1;
        self.next
    }

    /// A string that also breaks the usual rules (a leading space, symbols, 400 characters),
    /// so that the validators of a field with a pattern, a format or a length have something
    /// to report about it.
    fn string(&mut self) -> Value {
        let marker = format!("PLANTED{:05}Q", self.fresh());
        let value = format!(" {marker}!#{}", "9".repeat(400));
        self.needles.push(marker);
        Value::String(value)
    }

    fn integer(&mut self) -> Value {
        let value = 7_000_000_000_i64 + i64::from(self.fresh());
        self.needles.push(value.to_string());
        json!(value)
    }

    fn number(&mut self) -> Value {
        let whole = 7_000_000_000_i64 + i64::from(self.fresh());
        self.needles.push(whole.to_string());
        json!(whole as f64 + 0.25)
    }

    /// A planted value of the field's shape.
    fn value(&mut self, kind: &TyKind, owner: &str, wire: &str) -> Value {
        match kind {
            TyKind::String | TyKind::Any => self.string(),
            TyKind::Integer => self.integer(),
            TyKind::Number => self.number(),
            TyKind::Array { items: item, .. } => json!([
                self.value(&item.kind, owner, wire),
                self.value(&item.kind, owner, wire)
            ]),
            TyKind::Map { values, .. } => json!({ "k": self.value(&values.kind, owner, wire) }),
            TyKind::Boolean | TyKind::Named(_) | TyKind::File => {
                panic!("{owner}.{wire} is sensitive, but a {kind:?} cannot hide a planted value")
            }
        }
    }

    /// A value of another JSON type than the field's, which serde quotes in its message.
    fn wrong_type(&mut self, kind: &TyKind) -> (Value, String) {
        let value = match kind {
            TyKind::String => self.integer(),
            _ => self.string(),
        };
        let needle = self.needles.pop().expect("just planted");
        (value, needle)
    }
}

/// Builds documents of the model's types: every field present down to [`FULL_DEPTH`], the
/// fields the policy names planted at every depth.
struct Builder<'m> {
    model: &'m Model,
    planted: Planted,
    /// The objects being built, outermost first: a type met again is built with its required
    /// fields only, so that cycles end.
    stack: Vec<TypeId>,
}

impl Builder<'_> {
    fn object(&mut self, def: &TypeDef) -> Value {
        assert!(
            self.stack.len() < MAX_DEPTH,
            "{} nests without end",
            def.name
        );
        let full = self.stack.len() < FULL_DEPTH && !self.stack.contains(&def.id);
        self.stack.push(def.id);
        let mut map = Map::new();
        for field in body_fields(def) {
            if !full && !field.presence.is_required() {
                continue;
            }
            let value = if field.sensitive {
                self.planted.value(&field.ty.kind, &def.name, &field.wire)
            } else if !full && field.presence.is_nullable() {
                Value::Null
            } else {
                self.plain(&field.ty.kind)
            };
            map.insert(field.wire.clone(), value);
        }
        self.stack.pop();
        Value::Object(map)
    }

    fn plain(&mut self, kind: &TyKind) -> Value {
        match kind {
            TyKind::String | TyKind::Any => json!("x"),
            TyKind::Integer => json!(1),
            TyKind::Number => json!(1.5),
            TyKind::Boolean => json!(true),
            TyKind::File => {
                json!({ "name": "f.pdf", "media_type": "application/pdf", "bytes": [37] })
            }
            TyKind::Array { items: item, .. } if self.stack.len() < FULL_DEPTH => {
                json!([self.plain(&item.kind)])
            }
            TyKind::Array { .. } => json!([]),
            TyKind::Map { values, .. } if self.stack.len() < FULL_DEPTH => {
                json!({ "k": self.plain(&values.kind) })
            }
            TyKind::Map { .. } => json!({}),
            TyKind::Named(id) => {
                let def = self.model.def(*id);
                match &def.kind {
                    TypeKind::Enum(e) => json!(e.values.first().map_or("x", |v| v.wire.as_str())),
                    TypeKind::Object(_) => self.object(def),
                    // The first member, with the discriminator that selects it.
                    TypeKind::OneOf(one_of) => {
                        let member = &one_of.members[0];
                        let mut value = self.object(self.model.def(member.ty));
                        if let (Some(property), Some(tag)) =
                            (&one_of.discriminator, member.tags.first())
                        {
                            value[property.as_str()] = json!(tag);
                        }
                        value
                    }
                }
            }
        }
    }
}

/// The fields a JSON body carries: path and header parameters are never on the wire.
fn body_fields(def: &TypeDef) -> impl Iterator<Item = &Field> {
    let fields = match &def.kind {
        TypeKind::Object(object) => object.fields.as_slice(),
        TypeKind::Enum(_) | TypeKind::OneOf(_) => &[],
    };
    fields.iter().filter(|f| f.location == Location::Body)
}

fn objects(model: &Model) -> impl Iterator<Item = &TypeDef> {
    model
        .types()
        .filter(|def| matches!(def.kind, TypeKind::Object(_)))
}

/// The field a violation's path ends in: `user.id_number.value` -> `value`, `tokens[3]` ->
/// `tokens`.
fn last_key(path: &str) -> &str {
    let last = path.rsplit('.').next().unwrap_or(path);
    last.split('[').next().unwrap_or(last)
}

fn leaks<'n>(text: &str, needles: &'n [String]) -> Vec<&'n str> {
    needles
        .iter()
        .filter(|n| text.contains(n.as_str()))
        .map(String::as_str)
        .collect()
}

#[test]
fn no_planted_value_reaches_debug_or_validation_messages_in_any_type() {
    let model = plaid_tests::spec_model();
    let sensitive_wires: BTreeSet<&str> = objects(model)
        .flat_map(body_fields)
        .filter(|f| f.sensitive)
        .map(|f| f.wire.as_str())
        .collect();
    let (mut types, mut planted, mut violated) = (0, 0, 0);
    for def in objects(model) {
        let mut builder = Builder {
            model,
            planted: Planted::default(),
            stack: Vec::new(),
        };
        let document = builder.object(def);
        let needles = builder.planted.needles;
        let decoded = plaid_tests::decode(&def.name, &document)
            .unwrap_or_else(|| panic!("visit_by_name does not know {}", def.name))
            .unwrap_or_else(|e| panic!("the document built for {} does not decode: {e}", def.name));
        let reencoded = decoded.reencoded.to_string();
        let lost: Vec<&str> = needles
            .iter()
            .filter(|n| !reencoded.contains(n.as_str()))
            .map(String::as_str)
            .collect();
        assert!(
            lost.is_empty(),
            "{}: planted values {lost:?} did not survive decoding, so the check would prove nothing",
            def.name
        );
        let shown = leaks(&decoded.debug, &needles);
        assert!(
            shown.is_empty(),
            "Debug of {} shows planted values {shown:?}:\n{}",
            def.name,
            decoded.debug
        );
        let quoted = leaks(&decoded.validation, &needles);
        assert!(
            quoted.is_empty(),
            "validating {} quotes planted values {quoted:?}:\n{}",
            def.name,
            decoded.validation
        );
        if body_fields(def).any(|f| f.sensitive) {
            assert!(
                decoded.debug.contains(plaid_api::REDACTED),
                "{}: Debug prints no redaction marker",
                def.name
            );
        }
        types += 1;
        planted += needles.len();
        violated += decoded
            .violations
            .iter()
            .filter(|(path, _)| sensitive_wires.contains(last_key(path)))
            .count();
    }
    // Of the API's 2,029 types, the objects (the rest are enums, which have no fields).
    assert!(
        types >= 1_600,
        "every object type of the API, found {types}"
    );
    println!("{types} types, {planted} planted values, {violated} violations");
    assert!(planted >= 600, "planted only {planted} values");
    // The planted strings break patterns, formats and lengths: the validators did report on
    // sensitive fields, and their messages were searched.
    assert!(
        violated >= 20,
        "only {violated} violations of sensitive fields found"
    );
}

#[test]
fn decode_errors_never_quote_a_sensitive_value() {
    let model = plaid_tests::spec_model();
    let mut checked = 0;
    for def in objects(model) {
        for field in body_fields(def).filter(|f| f.sensitive) {
            let mut builder = Builder {
                model,
                planted: Planted::default(),
                stack: Vec::new(),
            };
            let mut document = builder.object(def);
            let (wrong, needle) = builder.planted.wrong_type(&field.ty.kind);
            document[field.wire.as_str()] = wrong;
            let failure = match plaid_tests::decode(&def.name, &document) {
                Some(Err(failure)) => failure,
                Some(Ok(_)) => panic!("{}.{} took a value of another type", def.name, field.wire),
                None => panic!("visit_by_name does not know {}", def.name),
            };
            assert!(
                failure.serde.contains(&needle),
                "{}.{}: serde's message does not quote the value, so the check proves nothing: {}",
                def.name,
                field.wire,
                failure.serde
            );
            assert!(
                !failure.described.contains(&needle),
                "{}.{}: the decode error quotes the value: {}",
                def.name,
                field.wire,
                failure.described
            );
            checked += 1;
        }
    }
    assert!(checked >= 600, "only {checked} sensitive fields checked");
}

/// Words that mark a credential, a government or tax identifier, an account number or a date
/// of birth, matched in a wire name independently of the policy's patterns: `contains` for
/// the long ones, a whole `_`-separated segment for the short ones.
const CONTAINS: &[&str] = &[
    "token",
    "secret",
    "password",
    "passwd",
    "passcode",
    "api_key",
    "private_key",
    "credential",
    "ssn",
    "social_security_number",
    "tax_id",
    "taxpayer",
    "id_number",
    "document_number",
    "passport",
    "license_number",
    "date_of_birth",
    "birth_date",
    "iban",
    "account_number",
    "card_number",
    "reference_number",
    "routing",
];
const SEGMENTS: &[&str] = &["tin", "ein", "pin", "cvv", "dob", "pan"];
/// Whole wire names only: `account` as a string is an account number, while `account_id`
/// names an account and `account_type` says what it is.
const EXACT: &[&str] = &["account"];

/// Fields named like a credential or a number that stay readable, each for a reason (see the
/// policy's comment in spec/overlay/plaid.yaml).
const EXEMPT: &[(&str, &str)] = &[
    ("token_type", "the kind of token (`Bearer`), not a token"),
    (
        "payment_token_expiration_time",
        "when a token expires, not the token",
    ),
    ("account_number_mask", "the last digits, made for display"),
    (
        "reference_number",
        "a transaction's transfer reference (`PaymentMeta`), not an account number",
    ),
    ("routing", "routing numbers name a bank, not an account"),
    (
        "routing_number",
        "routing numbers name a bank, not an account",
    ),
    (
        "routing_numbers",
        "routing numbers name banks, not accounts",
    ),
    (
        "wire_routing",
        "routing numbers name a bank, not an account",
    ),
    (
        "wire_routing_number",
        "routing numbers name a bank, not an account",
    ),
    ("ach_routing", "routing numbers name a bank, not an account"),
    (
        "ach_wire_routing",
        "routing numbers name a bank, not an account",
    ),
    (
        "account_routing_number",
        "a date-time: when the routing number was last read",
    ),
    (
        "second_tin_exists",
        "whether the IRS sent a second TIN notice, not the TIN",
    ),
];

/// Fields whose generic name hides an identifier or a secret: (how the type's name ends, field
/// or `*` for all).
const BY_TYPE: &[(&str, &str)] = &[
    ("IDNumber", "value"),
    ("Document", "number"),
    ("CustomerSecrets", "*"),
];

fn looks_sensitive(owner: &str, wire: &str) -> bool {
    let lower = wire.to_ascii_lowercase();
    CONTAINS.iter().any(|word| lower.contains(word))
        || lower.split('_').any(|segment| SEGMENTS.contains(&segment))
        || EXACT.contains(&wire)
        || BY_TYPE
            .iter()
            .any(|(suffix, field)| owner.ends_with(suffix) && (*field == "*" || *field == wire))
}

/// What redaction applies to: strings, numbers, free-form values, and arrays or maps of them
/// (a file's `Debug` shows its size alone, whatever its field is called).
fn can_hold_a_secret(kind: &TyKind) -> bool {
    match kind {
        TyKind::String | TyKind::Integer | TyKind::Number | TyKind::Any => true,
        TyKind::Array { items: item, .. } => can_hold_a_secret(&item.kind),
        TyKind::Map { values, .. } => can_hold_a_secret(&values.kind),
        TyKind::Boolean | TyKind::Named(_) | TyKind::File => false,
    }
}

#[test]
fn every_field_named_like_a_secret_is_covered_by_the_policy_or_exempt() {
    let model = plaid_tests::spec_model();
    let mut missed = BTreeSet::new();
    let mut matched = 0;
    for def in objects(model) {
        for field in body_fields(def) {
            if !can_hold_a_secret(&field.ty.kind) || !looks_sensitive(&def.name, &field.wire) {
                continue;
            }
            matched += 1;
            let exempt = EXEMPT.iter().any(|(wire, _)| *wire == field.wire);
            if field.sensitive == exempt {
                missed.insert(format!(
                    "{}.{}{}",
                    def.name,
                    field.wire,
                    if exempt {
                        " (exempt, yet sensitive)"
                    } else {
                        ""
                    }
                ));
            }
        }
    }
    assert!(
        missed.is_empty(),
        "{} fields look sensitive but the policy does not cover them (add a pattern to \
         `refine.sensitive` in spec/overlay/plaid.yaml, or an exemption with its reason here):\n{}",
        missed.len(),
        missed.into_iter().collect::<Vec<_>>().join("\n")
    );
    assert!(matched >= 600, "the oracle matched only {matched} fields");
}

/// The checks above plant values in JSON bodies: a sensitive path or header parameter would
/// escape them unseen.
#[test]
fn no_sensitive_field_is_a_parameter() {
    let model = plaid_tests::spec_model();
    let parameters: Vec<String> = objects(model)
        .flat_map(|def| {
            let TypeKind::Object(object) = &def.kind else {
                unreachable!()
            };
            object
                .fields
                .iter()
                .filter(|f| f.sensitive && f.location != Location::Body)
                .map(|f| format!("{}.{}", def.name, f.wire))
        })
        .collect();
    assert_eq!(parameters, Vec::<String>::new());
}

#[test]
fn every_exemption_still_names_a_field() {
    let model = plaid_tests::spec_model();
    let wires: BTreeSet<&str> = objects(model)
        .flat_map(body_fields)
        .map(|f| f.wire.as_str())
        .collect();
    for (wire, reason) in EXEMPT {
        assert!(
            wires.contains(wire),
            "the exemption of `{wire}` ({reason}) names no field any more"
        );
    }
}
