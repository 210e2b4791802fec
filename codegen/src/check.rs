//! Checks that need the whole model: rule paths resolve, and every example satisfies its own
//! schema.

use serde_json::Value;

use crate::diag::{Diagnostic, Diagnostics, Place};
use crate::formats;
use crate::ir::{Check, Constraints, Field, Model, RuleKind, Ty, TyKind, TypeKind};
use crate::names;

pub fn check(model: &Model, diagnostics: &mut Diagnostics) {
    check_api(model, diagnostics);
    for ty in model.types() {
        let TypeKind::Object(object) = &ty.kind else {
            continue;
        };
        for rule in &object.rules {
            let mut report =
                |message: String| diagnostics.push(Diagnostic::new(rule.place.clone(), message));
            match &rule.kind {
                RuleKind::OneOfRequired(fields) => {
                    for name in fields {
                        if let Err(message) = resolve(model, &ty.name, std::slice::from_ref(name)) {
                            report(message);
                        }
                    }
                }
                RuleKind::Require { when, field, check } => {
                    if let Some(when) = when
                        && let Err(message) = resolve(model, &ty.name, &when.field)
                            .and_then(|f| comparable(model, f, &when.field))
                    {
                        report(message);
                    }
                    let leaf = resolve(model, &ty.name, field);
                    let leaf = match check {
                        Check::Equals(_) => leaf.and_then(|f| comparable(model, f, field)),
                        Check::Constraints(_) => leaf.and_then(|f| match f.ty.kind {
                            TyKind::String => Ok(f),
                            ref other => Err(format!(
                                "`{}` is {}, and these constraints apply to strings",
                                field.join("."),
                                other.describe()
                            )),
                        }),
                    };
                    if let Err(message) = leaf {
                        report(message);
                    }
                }
            }
        }
        for example in &ty.examples {
            let mut checker = ExampleChecker {
                model,
                place: &example.place,
                diagnostics,
            };
            checker.named(&ty.name, &example.value, "");
        }
    }
}

/// Follows a dotted field path from an object type to the field it names.
pub fn resolve<'m>(
    model: &'m Model,
    type_name: &str,
    path: &[String],
) -> Result<&'m Field, String> {
    let mut current = type_name;
    let mut found = None;
    for (i, segment) in path.iter().enumerate() {
        let Some(TypeKind::Object(object)) = model.find_type(current).map(|t| &t.kind) else {
            return Err(format!(
                "`{}` does not lead to an object",
                path[..i].join(".")
            ));
        };
        let Some(field) = object.fields.iter().find(|f| f.wire == *segment) else {
            let known = object.fields.iter().map(|f| f.wire.as_str());
            let hint = crate::names::closest(segment, known)
                .map(|b| format!(" (did you mean `{b}`?)"))
                .unwrap_or_default();
            return Err(format!("`{current}` has no field `{segment}`{hint}"));
        };
        if i + 1 < path.len() {
            match &field.ty.kind {
                TyKind::Named(next) => current = next,
                other => {
                    return Err(format!(
                        "`{}` is {}, so the path cannot go further",
                        path[..=i].join("."),
                        other.describe()
                    ));
                }
            }
        }
        found = Some(field);
    }
    found.ok_or_else(|| "empty field path".to_owned())
}

fn comparable<'m>(model: &Model, field: &'m Field, path: &[String]) -> Result<&'m Field, String> {
    match &field.ty.kind {
        TyKind::String => Ok(field),
        TyKind::Named(name)
            if matches!(
                model.find_type(name).map(|t| &t.kind),
                Some(TypeKind::Enum(_))
            ) =>
        {
            Ok(field)
        }
        other => Err(format!(
            "`{}` is {}; `equals` compares strings and enum values",
            path.join("."),
            other.describe()
        )),
    }
}

struct ExampleChecker<'a> {
    model: &'a Model,
    place: &'a Place,
    diagnostics: &'a mut Diagnostics,
}

impl ExampleChecker<'_> {
    fn fail(&mut self, at: &str, message: String) {
        let mut place = self.place.clone();
        let at = if at.is_empty() {
            "the example".to_owned()
        } else {
            format!("`{at}`")
        };
        place.path = format!("{} ({at})", place.path);
        self.diagnostics.push(Diagnostic::new(
            place,
            format!("example does not match its schema: {message}"),
        ));
    }

    fn named(&mut self, name: &str, value: &Value, at: &str) {
        let Some(def) = self.model.find_type(name) else {
            return;
        };
        match (&def.kind, value) {
            (TypeKind::Enum(e), Value::String(s)) => {
                if !e.values.iter().any(|v| v.wire == *s) {
                    self.fail(at, format!("`{s}` is not a value of `{name}`"));
                }
            }
            (TypeKind::Object(object), Value::Object(map)) => {
                for field in &object.fields {
                    let field_at = join(at, &field.wire);
                    match map.get(&field.wire) {
                        None if field.required => {
                            self.fail(&field_at, "required field is missing".into())
                        }
                        None => {}
                        Some(Value::Null) if !field.nullable => {
                            self.fail(&field_at, "null, but the field is not nullable".into())
                        }
                        Some(Value::Null) => {}
                        Some(v) => self.ty(&field.ty, v, &field_at),
                    }
                }
                for key in map.keys() {
                    if !object.fields.iter().any(|f| f.wire == *key) {
                        self.fail(&join(at, key), format!("`{name}` has no such field"));
                    }
                }
                for rule in &object.rules {
                    if let Err(message) = rule_holds(&rule.kind, value) {
                        self.fail(at, message);
                    }
                }
            }
            (TypeKind::Enum(_), other) => self.fail(
                at,
                format!(
                    "expected a string value of `{name}`, found {}",
                    kind_of(other)
                ),
            ),
            (TypeKind::Object(_), other) => self.fail(
                at,
                format!("expected an object (`{name}`), found {}", kind_of(other)),
            ),
        }
    }

    fn ty(&mut self, ty: &Ty, value: &Value, at: &str) {
        match (&ty.kind, value) {
            (TyKind::Any, _) => {}
            (TyKind::String, Value::String(s)) => {
                for problem in string_problems(&ty.constraints, s) {
                    self.fail(at, problem);
                }
            }
            (TyKind::Integer, Value::Number(n)) if n.is_i64() => {
                self.bounds(&ty.constraints, n.as_f64(), at)
            }
            (TyKind::Number, Value::Number(n)) => self.bounds(&ty.constraints, n.as_f64(), at),
            (TyKind::Boolean, Value::Bool(_)) => {}
            (TyKind::Array(item), Value::Array(items)) => {
                let c = &ty.constraints;
                if let Some(min) = c.min_items.filter(|&m| (items.len() as u64) < m) {
                    self.fail(
                        at,
                        format!("{} items, at least {min} expected", items.len()),
                    );
                }
                if let Some(max) = c.max_items.filter(|&m| items.len() as u64 > m) {
                    self.fail(at, format!("{} items, at most {max} allowed", items.len()));
                }
                if c.unique_items && has_duplicates(items) {
                    self.fail(at, "items must be unique".into());
                }
                for (i, v) in items.iter().enumerate() {
                    self.ty(item, v, &format!("{at}[{i}]"));
                }
            }
            (TyKind::Named(name), v) => self.named(name, v, at),
            (kind, other) => self.fail(
                at,
                format!("expected {}, found {}", kind.describe(), kind_of(other)),
            ),
        }
    }

    fn bounds(&mut self, c: &Constraints, n: Option<f64>, at: &str) {
        let Some(n) = n else { return };
        if let Some(min) = c.minimum.filter(|&m| n < m) {
            self.fail(at, format!("{n} is below the minimum {min}"));
        }
        if let Some(max) = c.maximum.filter(|&m| n > m) {
            self.fail(at, format!("{n} is above the maximum {max}"));
        }
    }
}

/// What is wrong with a string under some constraints; empty when nothing is.
pub fn string_problems(c: &Constraints, s: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let chars = s.chars().count() as u64;
    if let Some(min) = c.min_length.filter(|&m| chars < m) {
        problems.push(format!("{chars} characters, at least {min} expected"));
    }
    if let Some(max) = c.max_length.filter(|&m| chars > m) {
        problems.push(format!("{chars} characters, at most {max} allowed"));
    }
    if c.non_blank && s.trim().is_empty() {
        problems.push("must contain a non-whitespace character".into());
    }
    if c.has_letter && !s.chars().any(char::is_alphabetic) {
        problems.push("must contain a letter".into());
    }
    if let Some(pattern) = &c.pattern
        && regex_lite::Regex::new(pattern).is_ok_and(|re| !re.is_match(s))
    {
        problems.push(format!("`{s}` does not match the pattern `{pattern}`"));
    }
    if let Some(format) = c.format
        && !formats::matches(format, s)
    {
        problems.push(format!("`{s}` is not {}", format.describe()));
    }
    problems
}

/// Evaluates a cross-field rule on a JSON value of the rule's object type.
fn rule_holds(rule: &RuleKind, value: &Value) -> Result<(), String> {
    let lookup = |path: &[String]| {
        path.iter()
            .try_fold(value, |v, key| v.get(key))
            .filter(|v| !v.is_null())
    };
    match rule {
        RuleKind::OneOfRequired(fields) => {
            if fields
                .iter()
                .any(|f| lookup(std::slice::from_ref(f)).is_some())
            {
                Ok(())
            } else {
                Err(format!(
                    "one of {} is required",
                    fields
                        .iter()
                        .map(|f| format!("`{f}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }
        }
        RuleKind::Require { when, field, check } => {
            if let Some(when) = when
                && lookup(&when.field).and_then(Value::as_str) != Some(when.equals.as_str())
            {
                return Ok(());
            }
            let Some(actual) = lookup(field).and_then(Value::as_str) else {
                return Ok(());
            };
            let path = field.join(".");
            match check {
                Check::Equals(expected) if actual != expected => {
                    Err(format!("`{path}` must be `{expected}`, found `{actual}`"))
                }
                Check::Equals(_) => Ok(()),
                Check::Constraints(c) => match string_problems(c, actual).into_iter().next() {
                    Some(problem) => Err(format!("`{path}`: {problem}")),
                    None => Ok(()),
                },
            }
        }
    }
}

fn join(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_owned()
    } else {
        format!("{at}.{key}")
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `api.error_summary` names required fields of the error type; `api.request_id` names a
/// string field that every response and the error type have.
fn check_api(model: &Model, diagnostics: &mut Diagnostics) {
    let place = |path: &str| Place {
        path: path.to_owned(),
        ..model.api.place.clone()
    };
    let trait_name = names::api_trait_name(&model.api.title);
    if !names::is_type_ident(&trait_name)
        || names::RESERVED_TYPE_NAMES.contains(&trait_name.as_str())
        || names::PRELUDE_TRAITS.contains(&trait_name.as_str())
    {
        let message = format!(
            "the title `{}` names the client trait `{trait_name}`, which is not a usable Rust type name",
            model.api.title
        );
        diagnostics.push(
            Diagnostic::new(place("api.title"), message)
                .with_hint("start it with a letter and avoid Rust's own names, e.g. `Acme API`"),
        );
    }
    if let Some(clash) = model.find_type(&trait_name) {
        let message = format!(
            "type name `{trait_name}` is taken by the API's client trait (named after `api.title`)"
        );
        diagnostics.push(Diagnostic::new(clash.place.clone(), message));
    }
    let Some(error) = &model.api.error else {
        return;
    };
    for part in &model.api.error_summary {
        let crate::ir::SummaryPart::Field(name) = part else {
            continue;
        };
        match resolve(model, error, std::slice::from_ref(name)) {
            Ok(field) if field.required && !field.nullable => {}
            Ok(_) => diagnostics.push(Diagnostic::new(
                place("api.error_summary"),
                format!("`{name}` is optional or nullable in `{error}`; the summary uses required fields only"),
            )),
            Err(message) => diagnostics.push(Diagnostic::new(place("api.error_summary"), message)),
        }
    }
    if let Some(fields) = &model.api.error_fields {
        let named = [
            Some(&fields.kind),
            Some(&fields.code),
            Some(&fields.message),
            fields.status.as_ref(),
        ];
        for name in named.into_iter().flatten() {
            if let Err(message) = resolve(model, error, std::slice::from_ref(name)) {
                diagnostics.push(Diagnostic::new(place("api.error_fields"), message));
            }
        }
        if let Err(message) = error_constructible(model, error, fields) {
            diagnostics.push(Diagnostic::new(place("api.error_fields"), message));
        }
    }
    if let Some(request_id) = &model.api.request_id {
        let bodies = std::iter::once(error.as_str())
            .chain(model.operations.iter().map(|op| op.response.as_str()));
        for body in bodies {
            match resolve(model, body, std::slice::from_ref(request_id)) {
                Ok(field) if field.ty.kind == TyKind::String => {}
                Ok(field) => diagnostics.push(Diagnostic::new(
                    place("api.request_id"),
                    format!(
                        "`{body}.{request_id}` is {}, not a string",
                        field.ty.kind.describe()
                    ),
                )),
                Err(message) => diagnostics.push(Diagnostic::new(place("api.request_id"), message)),
            }
        }
    }
}

/// A server builds the error type from `error_fields` and the request id; every other required
/// field needs an obvious empty value, which a required enum or object does not have.
fn error_constructible(
    model: &Model,
    error: &str,
    fields: &crate::spec::ErrorFields,
) -> Result<(), String> {
    let Some(TypeKind::Object(object)) = model.find_type(error).map(|t| &t.kind) else {
        return Ok(());
    };
    let filled = [
        Some(&fields.kind),
        Some(&fields.code),
        Some(&fields.message),
        fields.status.as_ref(),
        model.api.request_id.as_ref(),
    ];
    for field in &object.fields {
        if filled.contains(&Some(&field.wire)) || !field.required || field.nullable {
            continue;
        }
        if matches!(field.ty.kind, TyKind::Named(_)) {
            return Err(format!(
                "`{error}.{}` is required and has no empty value: list it in `error_fields` or make it optional",
                field.wire
            ));
        }
    }
    Ok(())
}

/// Whether an array repeats a value: by sorted JSON text, not pairwise, so a long example
/// array costs n log n.
fn has_duplicates(items: &[Value]) -> bool {
    let mut seen = std::collections::BTreeSet::new();
    items.iter().any(|item| !seen.insert(item.to_string()))
}
