//! `impl Validate` for every object: field constraints and cross-field rules. Enums get theirs
//! from the runtime's `open_enum!`.
//!
//! A field's checks are one call on the runtime's `Fields`, whatever the field's presence (its
//! `Present` trait skips absent values), and each field's string rules are a `static` inside
//! `validate_at`, so the generated code stays a line per constraint. Those statements are laid
//! out here (`layout`) rather than formatted from tokens; only the conditional `require` rules
//! go through prettyplease.

use std::collections::BTreeSet;

use heck::ToShoutySnakeCase;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::layout::{self, METHOD_BODY};
use super::{braced, ident, presence};
use crate::constraint::StringRule;
use crate::ir::{
    Check, Constraints, Field, Format, Location, Model, Object, Rule, RuleKind, Ty, TyKind,
    TypeDef, TypeId,
};
use crate::splice;

/// One statement of `validate_at`: laid out here, or tokens for prettyplease.
enum Stmt {
    Text(String),
    Tokens(TokenStream),
}

/// The `Validate` impl of an object type, or `None` where it has nothing to check (the
/// module lists those types in one `nothing_to_validate!`).
pub fn object_impl(model: &Model, def: &TypeDef, object: &Object) -> Option<ObjectImpl> {
    let name = ident(&def.name);
    let mut emit = Checks {
        model,
        statics: Statics::default(),
    };
    let mut checks: Vec<Stmt> = object
        .fields
        .iter()
        .flat_map(|field| emit.field(field))
        .map(Stmt::Text)
        .collect();
    checks.extend(
        object
            .rules
            .iter()
            .enumerate()
            .map(|(i, rule)| emit.rule(def.id, i, rule)),
    );
    let statics = emit.statics;
    let uses_string_rules = !statics.declarations.is_empty();
    if checks.is_empty() {
        return None;
    }
    let start = Stmt::Text("let mut check = validate::Fields::new(at, out);".to_owned());
    let body = braced(placeholders(
        statics
            .declarations
            .into_iter()
            .map(Stmt::Text)
            .chain(std::iter::once(start))
            .chain(checks),
    ));
    Some(ObjectImpl {
        tokens: quote! {
            impl Validate for #name {
                fn validate_at(&self, at: validate::Path<'_>, out: &mut Vec<Violation>) #body
            }
        },
        string_rules: uses_string_rules,
    })
}

/// An object's `Validate` impl and what it needs imported.
pub struct ObjectImpl {
    pub tokens: TokenStream,
    /// It declares `StringRules` statics.
    pub string_rules: bool,
}

/// Each run of laid-out statements becomes one placeholder; tokens stay as they are.
fn placeholders(statements: impl IntoIterator<Item = Stmt>) -> Vec<TokenStream> {
    let mut out = Vec::new();
    let mut run = Vec::new();
    for statement in statements {
        match statement {
            Stmt::Text(text) => run.push(text),
            Stmt::Tokens(tokens) => {
                if !run.is_empty() {
                    out.push(splice::statements(&std::mem::take(&mut run)));
                }
                out.push(tokens);
            }
        }
    }
    if !run.is_empty() {
        out.push(splice::statements(&run));
    }
    out
}

/// The `static` string rules of one type, named after their field and unique within it.
#[derive(Default)]
struct Statics {
    names: BTreeSet<String>,
    declarations: Vec<String>,
}

impl Statics {
    fn string_rules(&mut self, what: &str, c: &Constraints) -> String {
        // `2fa_code` is the field `_2fa_code`, whose shouty name `2FA_CODE` is no identifier.
        let base = what.trim_start_matches("r#").to_shouty_snake_case();
        let base = if base.starts_with(|c: char| c.is_ascii_alphabetic()) {
            base
        } else {
            format!("RULES_{base}")
        };
        let mut name = base.clone();
        let mut n = 1;
        while !self.names.insert(name.clone()) {
            n += 1;
            name = format!("{base}_{n}");
        }
        let links = c.iter().filter_map(|constraint| {
            Some(match constraint.string_rule()? {
                StringRule::Count(method, n) => {
                    format!("{method}({})", Literal::u64_unsuffixed(n))
                }
                StringRule::Flag(method) => format!("{method}()"),
                StringRule::Pattern(pattern) => format!("pattern({})", layout::string(pattern)),
                StringRule::Format(format) => format!("format({})", format_path(format)),
            })
        });
        let links: Vec<String> = links.collect();
        let head = format!("static {name}: StringRules = StringRules::new()");
        self.declarations
            .push(layout::chain(METHOD_BODY, &head, &links));
        name
    }
}

/// The format of a string whose only rule is its format: one call, no `static` rules.
fn only_format(c: &Constraints) -> Option<Format> {
    c.format().filter(|_| !c.has_string_rules_besides_format())
}

/// The format as the generated code names it: `ir::Format` is the runtime's own enum, so its
/// variant's name is the path's last segment.
fn format_path(format: Format) -> String {
    format!("validate::Format::{format:?}")
}

/// A value being checked: a field of `self`, or the current item of an array or value of a
/// map.
#[derive(Clone, Copy)]
enum Value<'a> {
    Field(&'a str),
    Item,
}

impl Value<'_> {
    fn reference(self) -> String {
        match self {
            Value::Field(member) => format!("&self.{member}"),
            Value::Item => "item".to_owned(),
        }
    }
}

/// Where a check reports: a field, through `check` (the runtime's `Fields`), or inside a loop,
/// through `at` and `out`, the item `i` of an array or the value under `key` of a map. A
/// map's key is a path segment like a field's name (`scores.math`), as it is in the JSON.
#[derive(Clone, Copy)]
enum Target<'a> {
    Field(&'a str),
    Item,
    Entry,
}

impl Target<'_> {
    /// The runtime check `method` on `value`, with the rest of its arguments, laid out for a
    /// statement at `indent`.
    fn call(self, indent: usize, method: &str, value: Value<'_>, rest: &[String]) -> String {
        let (callee, mut args) = match self {
            Target::Field(wire) => (format!("check.{method}"), vec![layout::string(wire)]),
            Target::Item => (
                format!("validate::{method}"),
                vec!["out".to_owned(), "at.index(i)".to_owned()],
            ),
            Target::Entry => (
                format!("validate::{method}"),
                vec!["out".to_owned(), "at.field(key)".to_owned()],
            ),
        };
        args.push(value.reference());
        args.extend(rest.iter().cloned());
        layout::call(indent, &callee, &args)
    }
}

/// Builds the checks of one type: the model to look types up in, and the type's `static`
/// string rules as they are named.
struct Checks<'m> {
    model: &'m Model,
    statics: Statics,
}

impl Checks<'_> {
    fn field(&mut self, field: &Field) -> Vec<String> {
        // A whole body is the root of the request's JSON: its paths start at its items.
        let wire = match field.location {
            Location::WholeBody => "",
            _ => field.wire.as_str(),
        };
        let (value, target) = (Value::Field(&field.ident), Target::Field(wire));
        self.value(&field.ty, value, target, &field.ident, METHOD_BODY)
    }

    /// The statements checking one value of type `ty`, laid out for `indent`.
    fn value(
        &mut self,
        ty: &Ty,
        value: Value<'_>,
        target: Target<'_>,
        what: &str,
        indent: usize,
    ) -> Vec<String> {
        let c = &ty.constraints;
        match &ty.kind {
            TyKind::String if c.has_string_rules() => match only_format(c) {
                Some(format) => vec![target.call(indent, "format", value, &[format_path(format)])],
                None => {
                    let rules = format!("&{}", self.statics.string_rules(what, c));
                    vec![target.call(indent, "string", value, &[rules])]
                }
            },
            TyKind::Integer | TyKind::Number if let Some(bounds) = c.bounds() => {
                let min = option(bounds.min.map(Literal::f64_unsuffixed));
                let max = option(bounds.max.map(Literal::f64_unsuffixed));
                vec![target.call(indent, "number", value, &[min, max])]
            }
            TyKind::Array {
                items: item,
                nullable,
            } => {
                let mut checks = Vec::new();
                if let Some(items) = c.items() {
                    let min = option(items.min.map(Literal::u64_unsuffixed));
                    let max = option(items.max.map(Literal::u64_unsuffixed));
                    let unique = items.unique.to_string();
                    checks.push(target.call(indent, "items", value, &[min, max, unique]));
                }
                checks.extend(self.items(item, *nullable, value, target, what, indent));
                checks
            }
            TyKind::Map { values, .. } => self.values(values, value, target, what, indent),
            TyKind::Named(id) if self.model.validates(*id) => {
                vec![target.call(indent, "nested", value, &[])]
            }
            _ => Vec::new(),
        }
    }

    /// The checks of every item of an array; the common shapes are one runtime call. A null
    /// item (`None`, where items are `nullable`) has nothing to check: the runtime's
    /// `Validate` and `Present` for `Option` skip it.
    fn items(
        &mut self,
        item: &Ty,
        nullable: bool,
        array: Value<'_>,
        target: Target<'_>,
        what: &str,
        indent: usize,
    ) -> Vec<String> {
        let what = format!("{what}_items");
        match &item.kind {
            // `Validate` for `Vec<T>` walks the items with their index.
            TyKind::Named(id) if self.model.validates(*id) => {
                vec![target.call(indent, "nested", array, &[])]
            }
            TyKind::Named(_) => Vec::new(),
            // `each_string` reads `[String]`; `Option<String>` items go through the loop.
            TyKind::String if !nullable && item.constraints.has_string_rules() => {
                let rules = format!("&{}", self.statics.string_rules(&what, &item.constraints));
                vec![target.call(indent, "each_string", array, &[rules])]
            }
            _ => {
                // Inside `if let` and `for`: two levels deeper.
                let inner = self.value(item, Value::Item, Target::Item, &what, indent + 8);
                each(Container::Array, array, target, &inner)
            }
        }
    }

    /// The checks of every value of a map; a map of a type with rules is one runtime call.
    fn values(
        &mut self,
        values: &Ty,
        map: Value<'_>,
        target: Target<'_>,
        what: &str,
        indent: usize,
    ) -> Vec<String> {
        match &values.kind {
            // `Validate` for `BTreeMap<String, T>` walks the values with their key.
            TyKind::Named(id) if self.model.validates(*id) => {
                vec![target.call(indent, "nested", map, &[])]
            }
            _ => {
                let what = format!("{what}_values");
                let inner = self.value(values, Value::Item, Target::Entry, &what, indent + 8);
                each(Container::Map, map, target, &inner)
            }
        }
    }

    fn rule(&mut self, owner: TypeId, index: usize, rule: &Rule) -> Stmt {
        let model = self.model;
        match &rule.kind {
            RuleKind::OneOfRequired(names) => {
                let present = names.iter().filter_map(|name| {
                    let field = model.resolve(owner, std::slice::from_ref(name)).ok()?;
                    let member = ident(&field.ident);
                    let place = format!("self.{member}");
                    Some(presence::is_given(field.presence, &field.ty.kind, &place))
                });
                let listed = names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let message = format!("at least one of {listed} is required");
                let present: Vec<_> = present.collect();
                let any_present = if present.is_empty() {
                    "false".to_owned()
                } else if present.iter().map(String::len).sum::<usize>() < 60 {
                    present.join(" || ")
                } else {
                    // One operand a line, as prettyplease breaks a long chain: the call puts
                    // the argument one indent in, the continuation lines go one further.
                    present.join("\n        || ")
                };
                let args = [any_present, layout::string(&message)];
                Stmt::Text(layout::call(METHOD_BODY, "check.one_of_required", &args))
            }
            RuleKind::Require { when, field, check } => {
                let target = path_access(model, owner, field);
                let condition = when.as_ref().map(|w| {
                    let expected = &w.equals;
                    match path_access(model, owner, &w.field) {
                        Access::Direct(access) => quote!(#access.as_str() == #expected),
                        Access::Optional(access) => {
                            quote!(#access.is_some_and(|v| v.as_str() == #expected))
                        }
                    }
                });
                let path = field
                    .iter()
                    .map(|segment| quote!(let at = at.field(#segment);));
                let when_text = when
                    .as_ref()
                    .map(|w| format!(" when `{}` is `{}`", w.field.join("."), w.equals))
                    .unwrap_or_default();
                let checks = match check {
                    Check::Equals(expected) => {
                        let message = format!("must be `{expected}`{when_text}");
                        quote! {
                            if value.as_str() != #expected {
                                at.violation(out, "equals", #message.into());
                            }
                        }
                    }
                    Check::Constraints(c) => {
                        let rules = ident(&self.statics.string_rules(&format!("rule_{index}"), c));
                        quote!(validate::string(out, at, value, &#rules);)
                    }
                };
                let body = quote! {
                    let (at, out) = check.parts();
                    #(#path)*
                    #checks
                };
                Stmt::Tokens(match (target, condition) {
                    (Access::Optional(target), None) => {
                        quote!(if let Some(value) = #target { #body })
                    }
                    (Access::Optional(target), Some(condition)) => {
                        quote!(if let Some(value) = #target && #condition { #body })
                    }
                    (Access::Direct(target), None) => quote!({ let value = &#target; #body }),
                    (Access::Direct(target), Some(condition)) => {
                        quote!(if #condition { let value = &#target; #body })
                    }
                })
            }
        }
    }
}

/// What `each` loops over.
#[derive(Clone, Copy)]
enum Container {
    Array,
    Map,
}

/// `inner`, the checks of one element (`item`), run for every element of `container` when it
/// has a value, at the element's path: `[i]` of an array, `.key` of a map. Empty when there
/// is nothing to check.
fn each(
    container: Container,
    value: Value<'_>,
    target: Target<'_>,
    inner: &[String],
) -> Vec<String> {
    if inner.is_empty() {
        return Vec::new();
    }
    let elements = match container {
        Container::Array => "items",
        Container::Map => "entries",
    };
    let mut text = format!(
        "if let Some({elements}) = validate::Present::present({}) {{\n",
        value.reference()
    );
    match target {
        Target::Field(wire) => {
            text.push_str("    let (at, out) = check.parts();\n");
            text.push_str(&format!(
                "    let at = at.field({});\n",
                layout::string(wire)
            ));
        }
        Target::Item => text.push_str("    let at = at.index(i);\n"),
        Target::Entry => text.push_str("    let at = at.field(key);\n"),
    }
    text.push_str(match container {
        Container::Array => "    for (i, item) in items.iter().enumerate() {\n",
        Container::Map => "    for (key, item) in entries {\n",
    });
    for line in inner.iter().flat_map(|statement| statement.lines()) {
        text.push_str(&format!("        {line}\n"));
    }
    text.push_str("    }\n}");
    vec![text]
}

fn option(value: Option<Literal>) -> String {
    match value {
        Some(v) => format!("Some({v})"),
        None => "None".to_owned(),
    }
}

/// A field read along a dotted path from `self`: the place itself (`self.a.b`) while every
/// step is a required field, an `Option<&Leaf>` from the first step that may be missing on.
enum Access {
    Direct(TokenStream),
    Optional(TokenStream),
}

fn path_access(model: &Model, owner: TypeId, path: &[String]) -> Access {
    // The steps are collected and quoted once: re-quoting the growing chain at every step
    // would cost quadratic time in the path's length.
    let mut direct = Vec::with_capacity(path.len());
    let mut first_optional = None;
    let mut steps = Vec::new();
    let mut current = owner;
    for segment in path {
        let Ok(field) = model.resolve(current, std::slice::from_ref(segment)) else {
            break;
        };
        let member = ident(&field.ident);
        if first_optional.is_none() && presence::is_direct(field.presence) {
            direct.push(member);
        } else if first_optional.is_none() {
            first_optional = Some(presence::value_ref(
                field.presence,
                quote!(self #(.#direct)* .#member),
            ));
        } else if presence::is_direct(field.presence) {
            steps.push(quote!(.map(|v| &v.#member)));
        } else {
            let value = presence::value_ref(field.presence, quote!(v.#member));
            steps.push(quote!(.and_then(|v| #value)));
        }
        if let TyKind::Named(next) = &field.ty.kind {
            current = *next;
        }
    }
    match first_optional {
        Some(start) => Access::Optional(quote!(#start #(#steps)*)),
        None => Access::Direct(quote!(self #(.#direct)*)),
    }
}
