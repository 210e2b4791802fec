//! What changed between two versions of the spec, in the words of the generated crate's users:
//! operations and types added or removed, fields added, removed or retyped, enum values added
//! or removed, constraints and rules tightened or loosened, each marked breaking or not for the
//! crate's semver. A re-import prints it beside the raw diff, so a reviewer sees the API
//! change before the thousand lines of snapshot that carry it.

use std::collections::BTreeMap;
use std::fmt;

use crate::ir::{BodyKind, Field, Model, Presence, Response, TypeDef, TypeKind};

/// One change, with whether code written against the old crate may stop compiling or start
/// failing at run time.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    pub breaking: bool,
    /// The operation, type, field (`Type.field`) or enum value (`Enum::VALUE`) concerned.
    pub subject: String,
    pub what: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mark = if self.breaking {
            "breaking"
        } else {
            "compatible"
        };
        write!(f, "{mark:<10}  {}: {}", self.subject, self.what)
    }
}

/// The changes from `before` to `after`, breaking ones first, then by subject.
pub fn between(before: &Model, after: &Model) -> Vec<Change> {
    let mut changes = Changes::default();
    changes.operations(before, after);
    let old: BTreeMap<&str, &TypeDef> = before.types().map(|t| (t.name.as_str(), t)).collect();
    let new: BTreeMap<&str, &TypeDef> = after.types().map(|t| (t.name.as_str(), t)).collect();
    for (name, def) in &old {
        match new.get(name) {
            None => changes.push(true, name, "type removed"),
            Some(new_def) => changes.type_def(before, after, def, new_def),
        }
    }
    for name in new.keys().filter(|n| !old.contains_key(*n)) {
        changes.push(false, name, "type added");
    }
    let mut list = changes.0;
    list.sort_by(|a, b| b.breaking.cmp(&a.breaking).then_with(|| a.cmp(b)));
    list
}

/// The summary as printed: a count line, then one line a change.
pub fn render(changes: &[Change]) -> String {
    let breaking = changes.iter().filter(|c| c.breaking).count();
    let mut out = format!(
        "{} API change(s), {breaking} breaking for the generated crate\n",
        changes.len()
    );
    for change in changes {
        out.push_str(&format!("  {change}\n"));
    }
    out
}

#[derive(Default)]
struct Changes(Vec<Change>);

impl Changes {
    fn push(&mut self, breaking: bool, subject: &str, what: impl Into<String>) {
        self.0.push(Change {
            breaking,
            subject: subject.to_owned(),
            what: what.into(),
        });
    }

    fn operations(&mut self, before: &Model, after: &Model) {
        let old: BTreeMap<&str, _> = before
            .operations
            .iter()
            .map(|o| (o.id.as_str(), o))
            .collect();
        let new: BTreeMap<&str, _> = after
            .operations
            .iter()
            .map(|o| (o.id.as_str(), o))
            .collect();
        for (id, op) in &old {
            let Some(new_op) = new.get(id) else {
                self.push(true, id, "operation removed");
                continue;
            };
            if (op.method, &op.path) != (new_op.method, &new_op.path) {
                let what = format!(
                    "moved from `{} {}` to `{} {}`",
                    op.method, op.path, new_op.method, new_op.path
                );
                self.push(false, id, what);
            }
            // A variant is the client's only: the server routes it to the operation it varies.
            match (&op.variant, &new_op.variant) {
                (None, Some(variant)) => self.push(
                    true,
                    id,
                    format!(
                        "now the variant `#{variant}` of `{} {}`: the generated server answers \
                         it as that operation, and its service method is gone",
                        new_op.method, new_op.path
                    ),
                ),
                (Some(_), None) => {
                    self.push(false, id, "no longer a variant: the service has its method")
                }
                (Some(a), Some(b)) if a != b => {
                    self.push(false, id, format!("the variant `#{a}` is now `#{b}`"))
                }
                _ => {}
            }
            let body = |model: &Model, response: &Response| match response {
                Response::Json(id) => format!("`{}`", model.name(*id)),
                Response::JsonArray(id) => format!("an array of `{}`", model.name(*id)),
                Response::Bytes(media) => format!("a `{media}` document"),
                Response::Empty => "no body".to_owned(),
            };
            // The status counts once an operation has several answers: the client's type is
            // then an enum of them.
            let error_body = |model: &Model, op: &crate::ir::Operation| match op.error {
                Some(id) => format!("`{}`", model.name(id)),
                None => "the API's error type".to_owned(),
            };
            let answer = |model: &Model, op: &crate::ir::Operation| {
                if op.answers.is_empty() {
                    return body(model, &op.response);
                }
                let each: Vec<String> = op
                    .all_answers()
                    .map(|(status, response, _)| format!("{} ({status})", body(model, response)))
                    .collect();
                each.join(", ")
            };
            for (role, a, b) in [
                (
                    "request",
                    format!("`{}`", before.name(op.request)),
                    format!("`{}`", after.name(new_op.request)),
                ),
                ("response", answer(before, op), answer(after, new_op)),
            ] {
                if a != b {
                    self.push(true, id, format!("{role} {a} became {b}"));
                }
            }
            let (a, b) = (error_body(before, op), error_body(after, new_op));
            if a != b {
                self.push(true, id, format!("errors now carry {b}, not {a}"));
            }
            if op.idempotent != new_op.idempotent {
                let what = if new_op.idempotent {
                    "now retried after a 5xx or a timeout"
                } else {
                    "no longer retried after a 5xx or a timeout"
                };
                self.push(false, id, what);
            }
            if op.authenticated != new_op.authenticated {
                // A client built without credentials could call a public operation; once it
                // wants them, that caller's calls are refused. The other way round breaks
                // nobody: credentials sent to a public operation are not looked at.
                let (breaking, what) = if new_op.authenticated {
                    (true, "now wants the client's credentials")
                } else {
                    (false, "now answered without credentials")
                };
                self.push(breaking, id, what);
            }
            if op.body != new_op.body {
                // A server that reads one kind of body refuses the other.
                let what = match new_op.body {
                    BodyKind::Multipart => "request now sent as multipart/form-data",
                    BodyKind::Form => {
                        "request now sent as a form (application/x-www-form-urlencoded)"
                    }
                    BodyKind::Json => "request now sent as JSON",
                };
                self.push(true, id, what);
            }
        }
        for id in new.keys().filter(|id| !old.contains_key(*id)) {
            self.push(false, id, "operation added");
        }
    }

    fn type_def(&mut self, before: &Model, after: &Model, old: &TypeDef, new: &TypeDef) {
        let name = old.name.as_str();
        // A request type's fields are what callers must supply; a response's what they read.
        let is_request = after.operations.iter().any(|op| op.request == new.id);
        match (&old.kind, &new.kind) {
            (TypeKind::Object(a), TypeKind::Object(b)) => {
                for field in &a.fields {
                    let subject = format!("{name}.{}", field.wire);
                    match b.fields.iter().find(|f| f.wire == field.wire) {
                        None => self.push(true, &subject, "field removed"),
                        Some(new_field) => {
                            self.field(before, after, &subject, field, new_field);
                        }
                    }
                }
                for field in b
                    .fields
                    .iter()
                    .filter(|f| !a.fields.iter().any(|o| o.wire == f.wire))
                {
                    let subject = format!("{name}.{}", field.wire);
                    let required = field.presence.is_required() && is_request;
                    let what = if required {
                        "required field added to a request"
                    } else {
                        "field added"
                    };
                    self.push(required, &subject, what);
                }
                if b.rules.len() > a.rules.len() {
                    self.push(true, name, "cross-field rule added (tightened)");
                } else if b.rules.len() < a.rules.len() {
                    self.push(false, name, "cross-field rule removed (loosened)");
                }
            }
            (TypeKind::Enum(a), TypeKind::Enum(b)) => {
                for value in a
                    .values
                    .iter()
                    .filter(|v| !b.values.iter().any(|n| n.wire == v.wire))
                {
                    self.push(
                        true,
                        &format!("{name}::{}", value.wire),
                        "enum value removed",
                    );
                }
                for value in b
                    .values
                    .iter()
                    .filter(|v| !a.values.iter().any(|o| o.wire == v.wire))
                {
                    // Enums are open: an older crate decodes the new value as `Unknown`.
                    self.push(
                        false,
                        &format!("{name}::{}", value.wire),
                        "enum value added",
                    );
                }
            }
            _ => self.push(true, name, "changed between an object and an enum"),
        }
    }

    fn field(&mut self, before: &Model, after: &Model, subject: &str, old: &Field, new: &Field) {
        let (old_ty, new_ty) = (before.describe(&old.ty.kind), after.describe(&new.ty.kind));
        if old_ty != new_ty {
            self.push(true, subject, format!("retyped from {old_ty} to {new_ty}"));
            return;
        }
        if old.presence != new.presence {
            let what = format!(
                "{} became {} (its Rust type changes)",
                presence_words(old.presence),
                presence_words(new.presence)
            );
            self.push(true, subject, what);
        }
        if old.sensitive != new.sensitive {
            let what = if new.sensitive {
                "now sensitive (redacted in Debug)"
            } else {
                "no longer sensitive"
            };
            self.push(false, subject, what);
        }
        for constraint in old.ty.constraints.iter() {
            match new.ty.constraints.of_kind(constraint.kind()) {
                None => self.push(
                    false,
                    subject,
                    format!("{} removed (loosened)", constraint.spec_text()),
                ),
                Some(now) if now != constraint => {
                    let tightened = constraint.tightens(now);
                    let what = format!(
                        "{} became {} ({})",
                        constraint.spec_text(),
                        now.spec_text(),
                        if tightened { "tightened" } else { "loosened" }
                    );
                    self.push(tightened, subject, what);
                }
                Some(_) => {}
            }
        }
        for constraint in new.ty.constraints.iter() {
            if old.ty.constraints.of_kind(constraint.kind()).is_none() {
                let what = format!("{} added (tightened)", constraint.spec_text());
                self.push(true, subject, what);
            }
        }
    }
}

fn presence_words(presence: Presence) -> &'static str {
    match presence {
        Presence::Required => "required",
        Presence::RequiredNullable => "required and nullable",
        Presence::Optional => "optional",
        Presence::OptionalNullable => "optional and nullable",
    }
}
