//! Documents that must pass or fail validation, built from the spec itself.
//!
//! The walk starts at every operation body (and the error object) and follows nested types;
//! for every constraint and rule it meets it builds one document that must pass and one that
//! must fail, with the exact wire path and rule code of the failure. The validator tests run
//! them through `validate()`, the sandbox tests send them over HTTP.

use std::collections::BTreeSet;

use codegen::check::string_problems;
use codegen::ir::{
    Check, Constraint, Constraints, Field, Format, Model, RuleKind, Ty, TyKind, TypeKind,
};
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
pub fn valid_string(c: &Constraints) -> String {
    let mut candidates: Vec<String> = c
        .format()
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
    for constraint in c.iter() {
        if let Constraint::MinLength(min) = constraint {
            candidates.push("a".repeat(*min as usize));
        }
    }
    candidates
        .into_iter()
        .find(|s| string_problems(c, s).is_empty())
        .unwrap_or_else(|| panic!("no valid sample for {c:?}: add one to valid_string"))
}

fn minimum(c: &Constraints) -> Option<f64> {
    c.bounds().and_then(|b| b.min)
}

/// A minimal valid JSON value of a type: required fields only, each with a valid value.
pub fn synth(model: &Model, ty: &Ty) -> Value {
    match &ty.kind {
        TyKind::String => Value::String(valid_string(&ty.constraints)),
        TyKind::Integer => json!(minimum(&ty.constraints).map_or(1, |m| m as i64)),
        TyKind::Number => json!(minimum(&ty.constraints).unwrap_or(1.0)),
        TyKind::Boolean => json!(true),
        TyKind::Any => json!({}),
        // A file part as `FilePart` reads it from JSON (which only tests do).
        TyKind::File => {
            json!({ "name": "a.pdf", "media_type": "application/pdf", "bytes": [37, 80, 68, 70] })
        }
        TyKind::Array { items: item, .. } => {
            let n = ty.constraints.items().and_then(|i| i.min).unwrap_or(1) as usize;
            Value::Array((0..n).map(|i| distinct(synth(model, item), i)).collect())
        }
        // A map needs no entry; the walk adds one to check the values.
        TyKind::Map { .. } => json!({}),
        TyKind::Named(id) => synth_named(model, model.name(*id)),
    }
}

pub fn synth_named(model: &Model, name: &str) -> Value {
    match &model.find_type(name).expect("known type").kind {
        TypeKind::Enum(e) => json!(e.values[0].wire),
        // The first member, carrying its first discriminator value.
        TypeKind::OneOf(one_of) => {
            let member = &one_of.members[0];
            let mut value = synth_named(model, model.name(member.ty));
            if let (Some(property), Some(tag)) = (&one_of.discriminator, member.tags.first()) {
                value[property.as_str()] = json!(tag);
            }
            value
        }
        TypeKind::Object(object) => {
            let mut map = serde_json::Map::new();
            for field in object.fields.iter().filter(|f| f.presence.is_required()) {
                let value = if field.presence.is_nullable() {
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
    let cases = c.iter().filter_map(|constraint| {
        let (value, code) = match constraint {
            Constraint::MinLength(min) if *min > 0 => ("7".repeat(*min as usize - 1), "min_length"),
            Constraint::MaxLength(max) => ("a".repeat(*max as usize + 1), "max_length"),
            Constraint::NonBlank => ("   ".to_owned(), "non_blank"),
            Constraint::HasLetter => ("12345".to_owned(), "has_letter"),
            Constraint::Pattern(_) => ("no match!".to_owned(), "pattern"),
            Constraint::Format(format) => {
                let code = format!("format.{}", format.name().replace('-', "_"));
                return Some(("not a valid value".to_owned(), code));
            }
            _ => return None,
        };
        Some((value, code.to_owned()))
    });
    cases.collect()
}

// ---------------------------------------------------------------------------------------------
// The walk.

/// One document for one root type, and what validating it must say at `path`.
#[derive(Debug)]
pub struct Case {
    pub root: String,
    pub what: String,
    pub document: Value,
    /// `None`: must validate cleanly at `path`. `Some(code)`: must report `code` at `path`.
    pub expect: Option<String>,
    pub path: String,
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
            TyKind::Integer | TyKind::Number if let Some(bounds) = c.bounds() => {
                self.covered.insert(key.to_owned());
                // A bound of a number may be a fraction (`0.01`): the value at it and one past
                // it are then fractions too.
                let at = |bound: f64| match ty.kind {
                    TyKind::Number if bound.fract() != 0.0 => json!(bound),
                    _ => json!(bound as i64),
                };
                let past = |bound: f64, step: f64| match ty.kind {
                    TyKind::Number if bound.fract() != 0.0 => json!(bound + step),
                    _ => json!(bound as i64 + step as i64),
                };
                if let Some(min) = bounds.min {
                    self.case(
                        &base,
                        steps,
                        Some(at(min)),
                        &format!("{key} at minimum"),
                        None,
                    );
                    self.case(
                        &base,
                        steps,
                        Some(past(min, -1.0)),
                        &format!("{key} minimum"),
                        Some("minimum".into()),
                    );
                }
                if let Some(max) = bounds.max {
                    self.case(
                        &base,
                        steps,
                        Some(at(max)),
                        &format!("{key} at maximum"),
                        None,
                    );
                    self.case(
                        &base,
                        steps,
                        Some(past(max, 1.0)),
                        &format!("{key} maximum"),
                        Some("maximum".into()),
                    );
                }
            }
            TyKind::Array { items: item, .. } => {
                let one = synth(self.model, item);
                let rules = c.items().unwrap_or_default();
                if c.items().is_some() {
                    self.covered.insert(key.to_owned());
                }
                if let Some(max) = rules.max {
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
                if let Some(min) = rules.min.filter(|&m| m > 0) {
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
                // Items that cannot be told apart (an enum's first value) give no valid case.
                let other = distinct(one.clone(), 1);
                if rules.unique && other != one {
                    self.case(
                        &base,
                        steps,
                        Some(json!([one.clone(), other])),
                        &format!("{key} unique"),
                        None,
                    );
                }
                if rules.unique {
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
            TyKind::Map { values, .. } => {
                // The values: make sure there is an entry (the example's first, or a new
                // one), then visit it; its violations are reported under its key.
                let slot_value = slot(document, steps);
                if slot_value.as_object().is_none_or(serde_json::Map::is_empty) {
                    *slot_value = json!({ "entry": synth(self.model, values) });
                }
                let first = slot_value
                    .as_object()
                    .and_then(|map| map.keys().next().cloned())
                    .unwrap_or_default();
                let mut entry_steps = steps.to_vec();
                entry_steps.push(Step::Key(first));
                self.value(document, &entry_steps, &format!("{key}{{}}"), values, depth);
            }
            TyKind::Named(id) => {
                match self.model.find_type(self.model.name(*id)).map(|t| &t.kind) {
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
                    Some(TypeKind::Object(_)) => {
                        self.object(document, steps, self.model.name(*id), depth + 1)
                    }
                    // Its members' cases are their own types'.
                    Some(TypeKind::OneOf(_)) | None => {}
                }
            }
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
                        let own = self
                            .model
                            .resolve(self.model.find_type(owner).expect("owner").id, field)
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
        .flat_map(|op| [Some(op.request), op.response.json()])
        .flatten()
        .map(|id| model.name(id).to_owned())
        .collect();
    roots.extend(model.api.error.map(|id| model.name(id).to_owned()));
    roots
}

/// Every case for every root, and the keys of what the walk covered.
pub fn all_cases(model: &Model) -> (Vec<Case>, BTreeSet<String>) {
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
pub fn constrained(model: &Model) -> BTreeSet<String> {
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
        TyKind::Integer | TyKind::Number if c.bounds().is_some() => {
            keys.insert(key.to_owned());
        }
        TyKind::Array { items: item, .. } => {
            if c.items().is_some() {
                keys.insert(key.to_owned());
            }
            collect(model, item, &format!("{key}[]"), keys);
        }
        TyKind::Map { values, .. } => collect(model, values, &format!("{key}{{}}"), keys),
        TyKind::Named(id) if matches!(model.def(*id).kind, TypeKind::Enum(_)) => {
            keys.insert(key.to_owned());
        }
        _ => {}
    }
}
