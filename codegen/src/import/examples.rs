//! Examples checked against the types they are attached to, as the generator will check
//! them: properties the type does not declare are removed; an example that still does not
//! match (a required field missing, a wrong type, a value outside an enum or a constraint)
//! is left out. Each is a warning.

use std::collections::HashMap;

use serde_json::Value as J;

use super::model::{Body, Kind as TyKind, Place, Ty};
use super::node::{Loc, Node, Value};
use super::operations::Pending;
use super::schemas::Schemas;
use super::warn::Kind;

/// Checks each pending example and adds the ones that match to their type's `examples`,
/// each distinct value once.
pub fn attach(schemas: &mut Schemas<'_>, pending: Vec<Pending<'_>>) {
    let mut patterns: HashMap<String, Option<regex_lite::Regex>> = HashMap::new();
    let mut accepted: Vec<(usize, J)> = Vec::new();
    for p in pending {
        let Some(&target) = schemas.type_index.get(&p.target) else {
            continue;
        };
        // `{}` is a placeholder for "no example", not an example.
        if p.node.is_map() && p.node.entries().is_empty() {
            continue;
        }
        let mut checker = Checker {
            schemas,
            patterns: &mut patterns,
            problems: Vec::new(),
            removed: Vec::new(),
        };
        let value = checker.named(&p.target, p.node, &p.path);
        let Checker {
            problems, removed, ..
        } = checker;
        if let Some((loc, path, first)) = problems.first() {
            let more = match problems.len() {
                1 => String::new(),
                n => format!(
                    " (and {} more problem{})",
                    n - 1,
                    if n == 2 { "" } else { "s" }
                ),
            };
            schemas.warnings.push(
                Kind::ExampleLeftOut,
                *loc,
                path,
                format!("an example of `{}` left out: {first}{more}", p.target),
            );
            continue;
        }
        for (loc, path, message) in removed {
            schemas
                .warnings
                .push(Kind::ExampleUndeclaredProperty, loc, &path, message);
        }
        if !accepted.iter().any(|(t, v)| *t == target && *v == value) {
            accepted.push((target, value));
        }
    }
    for (target, value) in accepted {
        schemas.types[target].def.examples.push(value);
    }
}

type Problem = (Loc, String, String);

struct Checker<'c, 'a> {
    schemas: &'c Schemas<'a>,
    patterns: &'c mut HashMap<String, Option<regex_lite::Regex>>,
    problems: Vec<Problem>,
    removed: Vec<Problem>,
}

fn kind_of(node: &Node) -> &'static str {
    match node.value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Int(_) | Value::UInt(_) | Value::Float(_) => "a number",
        Value::Str(_) => "a string",
        Value::Seq(_) => "an array",
        Value::Map(_) => "an object",
    }
}

impl Checker<'_, '_> {
    fn fail(&mut self, node: &Node, path: &str, message: String) -> J {
        self.problems.push((node.loc, path.to_owned(), message));
        J::Null
    }

    fn named(&mut self, name: &str, node: &Node, path: &str) -> J {
        let Some(&i) = self.schemas.type_index.get(name) else {
            return node.to_json();
        };
        match &self.schemas.types[i].def.body {
            // The generator checks an example against the member it selects.
            Body::OneOf(..) => node.to_json(),
            Body::Values(values) => match node.as_str() {
                Some(s) if values.iter().any(|v| v == s) => J::String(s.to_owned()),
                Some(s) => self.fail(node, path, format!("`{s}` is not a value of `{name}`")),
                None => self.fail(
                    node,
                    path,
                    format!("expected a value of `{name}`, found {}", kind_of(node)),
                ),
            },
            Body::Fields(fields) => {
                // The example is of the body itself.
                if let Some(whole) = fields.iter().find(|f| f.place == Place::WholeBody) {
                    return match node.value {
                        Value::Null if !whole.nullable => self.fail(
                            node,
                            path,
                            format!("null, but the body of `{name}` is not nullable"),
                        ),
                        Value::Null => J::Null,
                        _ => self.ty(&whole.ty, node, path),
                    };
                }
                if !node.is_map() {
                    return self.fail(
                        node,
                        path,
                        format!("expected an object (`{name}`), found {}", kind_of(node)),
                    );
                }
                let mut out = serde_json::Map::new();
                for (key, value) in node.entries() {
                    let at = format!("{path}.{}", key.name);
                    let field = fields
                        .iter()
                        .find(|f| f.wire == key.name && f.place == Place::Body);
                    let Some(field) = field else {
                        self.removed.push((
                            key.loc,
                            at,
                            format!(
                                "`{}` is not a property of `{name}`: removed from the example",
                                key.name
                            ),
                        ));
                        continue;
                    };
                    let v = if matches!(value.value, Value::Null) {
                        if !field.nullable {
                            self.fail(
                                value,
                                &at,
                                format!("null, but `{name}.{}` is not nullable", key.name),
                            );
                        }
                        J::Null
                    } else {
                        self.ty(&field.ty, value, &at)
                    };
                    out.insert(key.name.clone(), v);
                }
                for field in fields {
                    if field.required
                        && field.place == Place::Body
                        && node.get(&field.wire).is_none()
                    {
                        self.fail(
                            node,
                            path,
                            format!("`{name}` requires `{}`, which is missing", field.wire),
                        );
                    }
                }
                J::Object(out)
            }
        }
    }

    fn ty(&mut self, ty: &Ty, node: &Node, path: &str) -> J {
        match (&ty.kind, &node.value) {
            (TyKind::Builtin("any"), _) => node.to_json(),
            (TyKind::Builtin("string"), Value::Str(s)) => {
                self.string(ty, s, node, path);
                J::String(s.clone())
            }
            (TyKind::Builtin("integer"), Value::Int(i)) => {
                self.bounds(ty, *i as f64, node, path);
                J::from(*i)
            }
            (TyKind::Builtin("number"), Value::Int(_) | Value::Float(_)) => {
                let n = node.as_f64().unwrap_or_default();
                if !n.is_finite() {
                    return self.fail(node, path, "a number JSON cannot hold".into());
                }
                self.bounds(ty, n, node, path);
                node.to_json()
            }
            (TyKind::Builtin("boolean"), Value::Bool(b)) => J::Bool(*b),
            (TyKind::Array(item, nullable), Value::Seq(items)) => {
                let c = &ty.c;
                let n = items.len() as u64;
                if let Some(min) = c.min_items.filter(|&m| n < m) {
                    self.fail(node, path, format!("{n} items, at least {min} expected"));
                }
                if let Some(max) = c.max_items.filter(|&m| n > m) {
                    self.fail(node, path, format!("{n} items, at most {max} allowed"));
                }
                let values: Vec<J> = items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        if matches!(v.value, Value::Null) && item.kind != TyKind::Builtin("any") {
                            if !nullable {
                                let at = format!("{path}[{i}]");
                                self.fail(
                                    v,
                                    &at,
                                    "null, but the array's items are not nullable".into(),
                                );
                            }
                            J::Null
                        } else {
                            self.ty(item, v, &format!("{path}[{i}]"))
                        }
                    })
                    .collect();
                if c.unique_items {
                    let mut seen = std::collections::HashSet::new();
                    if values.iter().any(|v| !seen.insert(v.to_string())) {
                        self.fail(node, path, "items must be unique".into());
                    }
                }
                J::Array(values)
            }
            (TyKind::Map(value_ty, nullable), Value::Map(entries)) => {
                let mut out = serde_json::Map::new();
                for (key, value) in entries {
                    let at = format!("{path}.{}", key.name);
                    let v = if matches!(value.value, Value::Null) {
                        if !nullable {
                            self.fail(
                                value,
                                &at,
                                "null, but the map's values are not nullable".into(),
                            );
                        }
                        J::Null
                    } else {
                        self.ty(value_ty, value, &at)
                    };
                    out.insert(key.name.clone(), v);
                }
                J::Object(out)
            }
            (TyKind::Named(name), _) => self.named(name, node, path),
            (kind, _) => {
                let expected = match kind {
                    TyKind::Builtin(b) => {
                        format!("{} {b}", if *b == "integer" { "an" } else { "a" })
                    }
                    TyKind::Array(..) => "an array".into(),
                    TyKind::Map(..) => "an object (a map)".into(),
                    TyKind::Named(n) => format!("`{n}`"),
                };
                self.fail(
                    node,
                    path,
                    format!("expected {expected}, found {}", kind_of(node)),
                )
            }
        }
    }

    fn string(&mut self, ty: &Ty, s: &str, node: &Node, path: &str) {
        let c = &ty.c;
        let chars = s.chars().count() as u64;
        if let Some(min) = c.min_length.filter(|&m| chars < m) {
            self.fail(
                node,
                path,
                format!("{chars} characters, at least {min} expected"),
            );
        }
        if let Some(max) = c.max_length.filter(|&m| chars > m) {
            self.fail(
                node,
                path,
                format!("{chars} characters, at most {max} allowed"),
            );
        }
        if let Some(pattern) = &c.pattern {
            let regex = self
                .patterns
                .entry(pattern.clone())
                .or_insert_with(|| regex_lite::Regex::new(pattern).ok());
            if regex.as_ref().is_some_and(|r| !r.is_match(s)) {
                self.fail(node, path, format!("`{s}` does not match `{pattern}`"));
            }
        }
        if let Some(format) = ty
            .format
            .as_deref()
            .and_then(specgen_runtime::Format::parse)
            && !format.matches(s)
        {
            self.fail(node, path, format!("`{s}` is not {}", format.description()));
        }
    }

    fn bounds(&mut self, ty: &Ty, n: f64, node: &Node, path: &str) {
        if let Some(min) = ty.c.minimum.filter(|&m| n < m) {
            self.fail(node, path, format!("{n} is below the minimum {min}"));
        }
        if let Some(max) = ty.c.maximum.filter(|&m| n > m) {
            self.fail(node, path, format!("{n} is above the maximum {max}"));
        }
    }
}
