//! Every example satisfies its own schema: types, presence, constraints and rules.

use std::collections::BTreeSet;

use serde_json::Value;
use specgen_runtime::json_kind as kind_of;

use crate::answers::{self, Answer};
use crate::diag::{Diagnostic, Diagnostics, Place};
use crate::ir::tried_order;
use crate::ir::{Check, Constraints, Model, Response, RuleKind, Ty, TyKind, TypeId, TypeKind};

pub fn check(model: &Model, diagnostics: &mut Diagnostics) {
    for ty in model.types() {
        for example in &ty.examples {
            report(
                problems(model, ty.id, &example.value),
                &example.place,
                "example does not match its schema",
                diagnostics,
            );
        }
    }
    // Documented answers are examples, checked above; a derived one is held to the same rules,
    // so that a server answering with it never breaks the schema.
    let mut derived_for = BTreeSet::new();
    for op in &model.operations {
        let Response::Json(id) = op.response else {
            continue;
        };
        if let Answer::Derived(value) = answers::answer(model, id)
            && derived_for.insert(id)
        {
            report(
                problems(model, id, &value),
                &model.def(id).place,
                "the answer derived from this response type (it has no example) breaks it; \
                 give it an example",
                diagnostics,
            );
        }
    }
}

/// One way a value breaks its type.
#[derive(Clone, Debug)]
pub struct Problem {
    /// Where in the value, as the generated validators name it (`accounts[0].mask`); empty
    /// for the value itself.
    pub at: String,
    pub message: String,
    /// The value has a key its object type does not declare, `at`.
    pub undeclared: bool,
}

/// How `value` breaks the type `id` (its fields, presence, constraints, rules and members);
/// empty when it holds. The one check of every example, the spec's and the importer's.
pub fn problems(model: &Model, id: TypeId, value: &Value) -> Vec<Problem> {
    let mut checker = ExampleChecker {
        model,
        problems: Vec::new(),
    };
    checker.named(id, value, "");
    checker.problems
}

/// Each problem as a diagnostic at `place`, after `what`.
fn report(problems: Vec<Problem>, place: &Place, what: &str, diagnostics: &mut Diagnostics) {
    for problem in problems {
        let mut place = place.clone();
        let at = if problem.at.is_empty() {
            "the example".to_owned()
        } else {
            format!("`{}`", problem.at)
        };
        place.path = format!("{} ({at})", place.path);
        diagnostics.push(Diagnostic::new(
            place,
            format!("{what}: {}", problem.message),
        ));
    }
}

struct ExampleChecker<'a> {
    model: &'a Model,
    problems: Vec<Problem>,
}

impl ExampleChecker<'_> {
    fn fail(&mut self, at: &str, message: String) {
        self.problems.push(Problem {
            at: at.to_owned(),
            message,
            undeclared: false,
        });
    }

    fn named(&mut self, id: TypeId, value: &Value, at: &str) {
        let def = self.model.def(id);
        let name = &def.name;
        if let TypeKind::Object(object) = &def.kind
            && let Some(whole) = object.whole_body()
        {
            match value {
                Value::Null if !whole.presence.is_nullable() => self.fail(
                    at,
                    format!("null, but the body of `{name}` is not nullable"),
                ),
                Value::Null => {}
                value => self.ty(&whole.ty, value, at),
            }
            return;
        }
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
                        None if field.presence.is_required() => {
                            self.fail(&field_at, "required field is missing".into())
                        }
                        None => {}
                        Some(Value::Null) if !field.presence.is_nullable() => {
                            self.fail(&field_at, "null, but the field is not nullable".into())
                        }
                        Some(Value::Null) => {}
                        Some(v) => self.ty(&field.ty, v, &field_at),
                    }
                }
                for key in map.keys() {
                    if !object.fields.iter().any(|f| f.wire == *key) {
                        self.problems.push(Problem {
                            at: join(at, key),
                            message: format!("`{name}` has no such field"),
                            undeclared: true,
                        });
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
            (TypeKind::OneOf(one_of), value) => {
                if let Some(property) = &one_of.discriminator {
                    // A value no member lists decodes as `Unknown`, which holds any object.
                    let tag = value.get(property).and_then(Value::as_str);
                    match one_of
                        .members
                        .iter()
                        .find(|m| tag.is_some_and(|t| m.tags.iter().any(|x| x == t)))
                    {
                        Some(member) => self.named(member.ty, value, at),
                        None if tag.is_some() => {}
                        None => self.fail(
                            at,
                            format!("`{name}` needs its discriminator `{property}` as a string"),
                        ),
                    }
                    return;
                }
                // The members in the order the generated code tries them; the first that
                // holds the value is the one it decodes to.
                let mark = self.problems.len();
                for member in tried_order(self.model, one_of) {
                    self.named(member, value, at);
                    if self.problems.len() == mark {
                        return;
                    }
                    self.problems.truncate(mark);
                }
                self.fail(at, format!("the value is none of the types of `{name}`"));
            }
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
            (
                TyKind::Array {
                    items: item,
                    nullable,
                },
                Value::Array(items),
            ) => {
                let rules = ty.constraints.items().unwrap_or_default();
                if let Some(min) = rules.min.filter(|&m| (items.len() as u64) < m) {
                    self.fail(
                        at,
                        format!("{} items, at least {min} expected", items.len()),
                    );
                }
                if let Some(max) = rules.max.filter(|&m| items.len() as u64 > m) {
                    self.fail(at, format!("{} items, at most {max} allowed", items.len()));
                }
                if rules.unique && has_duplicates(items) {
                    self.fail(at, "items must be unique".into());
                }
                for (i, v) in items.iter().enumerate() {
                    let item_at = format!("{at}[{i}]");
                    match v {
                        // `any` admits null as one of its values.
                        Value::Null if !*nullable && item.kind != TyKind::Any => self.fail(
                            &item_at,
                            "null, but the array's items are not nullable".into(),
                        ),
                        Value::Null if *nullable => {}
                        v => self.ty(item, v, &item_at),
                    }
                }
            }
            (TyKind::Map { values, nullable }, Value::Object(entries)) => {
                // Each value at the path the generated validator reports it at: `field.key`.
                for (key, v) in entries {
                    let entry_at = join(at, key);
                    match v {
                        Value::Null if !*nullable && values.kind != TyKind::Any => self.fail(
                            &entry_at,
                            "null, but the map's values are not nullable".into(),
                        ),
                        Value::Null if *nullable => {}
                        v => self.ty(values, v, &entry_at),
                    }
                }
            }
            (TyKind::Named(id), v) => self.named(*id, v, at),
            (kind, other) => self.fail(
                at,
                format!(
                    "expected {}, found {}",
                    self.model.describe(kind),
                    kind_of(other)
                ),
            ),
        }
    }

    fn bounds(&mut self, c: &Constraints, n: Option<f64>, at: &str) {
        let (Some(n), Some(bounds)) = (n, c.bounds()) else {
            return;
        };
        if let Some(min) = bounds.min.filter(|&m| n < m) {
            self.fail(at, format!("{n} is below the minimum {min}"));
        }
        if let Some(max) = bounds.max.filter(|&m| n > m) {
            self.fail(at, format!("{n} is above the maximum {max}"));
        }
    }
}

/// What is wrong with a string under some constraints; empty when nothing is. The runtime's
/// string rules decide, as in the generated validators.
pub fn string_problems(c: &Constraints, s: &str) -> Vec<String> {
    let mut violations = Vec::new();
    c.string_rules()
        .check(s, specgen_runtime::validate::Path::ROOT, &mut violations);
    violations.into_iter().map(|v| v.message).collect()
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

/// Whether an array repeats a value: by sorted JSON text, not pairwise, so a long example
/// array costs n log n.
fn has_duplicates(items: &[Value]) -> bool {
    let mut seen = std::collections::BTreeSet::new();
    items.iter().any(|item| !seen.insert(item.to_string()))
}
