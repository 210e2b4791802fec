//! A conforming JSON answer for each operation, for a server that serves the API without
//! implementing it (the sandbox): the response type's first documented example, or, where the
//! spec has none, the smallest value its schema admits. `check::examples` holds derived
//! answers to the schema like any example; the server emitter writes them into the crate.

use serde_json::{Map, Value};

use crate::ir::{Constraint, Model, Object, RuleKind, Ty, TyKind, TypeId, TypeKind};
use specgen_runtime::Format;

/// Where an answer comes from.
pub enum Answer<'a> {
    /// The response type's first example, already checked against its schema.
    Documented(&'a Value),
    /// Derived from the schema: required fields only, each the smallest value its rules allow.
    Derived(Value),
}

impl Answer<'_> {
    pub fn value(&self) -> &Value {
        match self {
            Self::Documented(value) => value,
            Self::Derived(value) => value,
        }
    }
}

/// The answer for a JSON response of type `id`.
pub fn answer(model: &Model, id: TypeId) -> Answer<'_> {
    match model.def(id).examples.first() {
        Some(example) => Answer::Documented(&example.value),
        None => Answer::Derived(Minimal { model, depth: 0 }.named(id)),
    }
}

/// A required field that leads back to its own type would never end; past this depth the
/// derived value stops (and the example check reports the missing field).
const MAX_DEPTH: usize = 32;

struct Minimal<'a> {
    model: &'a Model,
    depth: usize,
}

impl Minimal<'_> {
    fn named(&mut self, id: TypeId) -> Value {
        match &self.model.def(id).kind {
            // Unknown values are for decoding; the first listed value is one every client knows.
            TypeKind::Enum(e) => e
                .values
                .iter()
                .find(|v| !v.deprecated)
                .or(e.values.first())
                .map_or(Value::Null, |v| Value::String(v.wire.clone())),
            TypeKind::Object(object) if self.depth < MAX_DEPTH => {
                self.depth += 1;
                let value = self.object(object);
                self.depth -= 1;
                value
            }
            TypeKind::Object(_) => Value::Object(Map::new()),
            // The first member, as the docs list it; its discriminator field's smallest value
            // is the first tag when the field is a string, which `answers` cannot know here.
            TypeKind::OneOf(one_of) => match one_of.members.first() {
                Some(member) => {
                    let mut value = self.named(member.ty);
                    if let (Some(property), Some(tag), Value::Object(map)) =
                        (&one_of.discriminator, member.tags.first(), &mut value)
                    {
                        map.insert(property.clone(), Value::String(tag.clone()));
                    }
                    value
                }
                None => Value::Object(Map::new()),
            },
        }
    }

    fn object(&mut self, object: &Object) -> Value {
        if let Some(whole) = object.whole_body() {
            return self.ty(&whole.ty);
        }
        // "One of these is required" names fields that are each optional: the first one given
        // satisfies it.
        let one_of_firsts: Vec<&str> = object
            .rules
            .iter()
            .filter_map(|rule| match &rule.kind {
                RuleKind::OneOfRequired(fields) => fields.first().map(String::as_str),
                RuleKind::Require { .. } => None,
            })
            .collect();
        let mut map = Map::new();
        for field in &object.fields {
            if field.presence.is_required() || one_of_firsts.contains(&field.wire.as_str()) {
                map.insert(field.wire.clone(), self.ty(&field.ty));
            }
        }
        Value::Object(map)
    }

    fn ty(&mut self, ty: &Ty) -> Value {
        let constraints = &ty.constraints;
        match &ty.kind {
            TyKind::String => Value::String(minimal_string(ty)),
            TyKind::Integer | TyKind::Number => {
                let bounds = constraints.bounds().unwrap_or_default();
                let n = match (bounds.min, bounds.max) {
                    (Some(min), _) => min.ceil(),
                    (None, Some(max)) if max < 0.0 => max.floor(),
                    _ => 0.0,
                };
                serde_json::Number::from_f64(n).map_or(Value::Null, |n| {
                    // Whole numbers as integers: `0`, not `0.0`, which an integer field refuses.
                    n.as_f64()
                        .filter(|f| f.fract() == 0.0 && f.abs() < 9e15)
                        .map_or(Value::Number(n), |f| Value::from(f as i64))
                })
            }
            TyKind::Boolean => Value::Bool(false),
            TyKind::Any => Value::Object(Map::new()),
            // A file is never part of an answer (the operations check refuses it there).
            TyKind::File => Value::Null,
            // Items are values even where they may be null: a list of nulls says nothing.
            TyKind::Array { items, .. } => {
                let count = constraints.items().and_then(|items| items.min).unwrap_or(0);
                let count = usize::try_from(count).unwrap_or(0).min(16);
                Value::Array((0..count).map(|_| self.ty(items)).collect())
            }
            TyKind::Map { .. } => Value::Object(Map::new()),
            TyKind::Named(id) => self.named(*id),
        }
    }
}

/// A string its format and length rules accept. Patterns are not inverted: a response string
/// with a pattern needs a documented example (the check says so).
fn minimal_string(ty: &Ty) -> String {
    let rules = &ty.constraints;
    let text = match rules.format() {
        Some(Format::Date) => "2024-01-01",
        Some(Format::DateTime) => "2024-01-01T00:00:00Z",
        Some(Format::Email) => "user@example.com",
        Some(Format::E164) => "+14155550123",
        Some(Format::Ip | Format::Ipv4) => "192.0.2.1",
        Some(Format::Ipv6) => "2001:db8::1",
        Some(Format::CountryCode) => "US",
        Some(Format::UsBankAccountNumber) => "1111222233330000",
        Some(Format::Url) => "https://example.com",
        None => "",
    };
    let mut text = text.to_owned();
    let min_length = rules
        .iter()
        .filter_map(|c| match c {
            Constraint::MinLength(n) => Some(*n),
            Constraint::NonBlank | Constraint::HasLetter => Some(1),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    let min_length = usize::try_from(min_length).unwrap_or(0).min(4096);
    while text.chars().count() < min_length {
        text.push('a');
    }
    text
}
