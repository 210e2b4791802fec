//! `impl Validate` for every object: field constraints and cross-field rules. Enums get theirs
//! from the runtime's `open_enum!`.
//!
//! A field's checks are one call on the runtime's `Fields`, whatever the field's presence (its
//! `Present` trait skips absent values), and each field's string rules are a `static` inside
//! `validate_at`, so the generated code stays a line per constraint.

use std::collections::BTreeSet;

use heck::ToShoutySnakeCase;
use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use super::models::{Uses, is_boxed};
use super::{braced, ident};
use crate::ir::{
    Check, Constraints, Field, Format, Model, Object, Rule, RuleKind, Ty, TyKind, TypeDef,
};

pub fn object_impl(model: &Model, def: &TypeDef, object: &Object, uses: &mut Uses) -> TokenStream {
    let name = ident(&def.name);
    let mut statics = Statics::default();
    let mut checks: Vec<_> = object
        .fields
        .iter()
        .map(|field| field_checks(model, field, &mut statics))
        .collect();
    checks.extend(
        object
            .rules
            .iter()
            .enumerate()
            .map(|(i, rule)| rule_check(model, &def.name, i, rule, &mut statics)),
    );
    checks.retain(|c| !c.is_empty());
    uses.string_rules |= !statics.declarations.is_empty();
    if checks.is_empty() {
        return quote! {
            impl Validate for #name {
                fn validate_at(&self, _: validate::Path<'_>, _: &mut Vec<Violation>) {}
            }
        };
    }
    let start = quote!(let mut check = validate::Fields::new(at, out););
    let body = braced(
        statics
            .declarations
            .into_iter()
            .chain(std::iter::once(start))
            .chain(checks),
    );
    quote! {
        impl Validate for #name {
            fn validate_at(&self, at: validate::Path<'_>, out: &mut Vec<Violation>) #body
        }
    }
}

/// The `static` string rules of one type, named after their field and unique within it.
#[derive(Default)]
struct Statics {
    names: BTreeSet<String>,
    declarations: Vec<TokenStream>,
}

impl Statics {
    fn string_rules(&mut self, what: &str, c: &Constraints) -> Ident {
        let base = what.trim_start_matches("r#").to_shouty_snake_case();
        let mut name = base.clone();
        let mut n = 1;
        while !self.names.insert(name.clone()) {
            n += 1;
            name = format!("{base}_{n}");
        }
        let name = ident(&name);
        let mut builder = vec![quote!(StringRules::new())];
        if let Some(min) = c.min_length.map(Literal::u64_unsuffixed) {
            builder.push(quote!(min_length(#min)));
        }
        if let Some(max) = c.max_length.map(Literal::u64_unsuffixed) {
            builder.push(quote!(max_length(#max)));
        }
        if c.non_blank {
            builder.push(quote!(non_blank()));
        }
        if c.has_letter {
            builder.push(quote!(has_letter()));
        }
        if let Some(pattern) = &c.pattern {
            builder.push(quote!(pattern(#pattern)));
        }
        if let Some(format) = c.format.map(format_path) {
            builder.push(quote!(format(#format)));
        }
        self.declarations
            .push(quote!(static #name: StringRules = #(#builder).*;));
        name
    }
}

/// The format of a string whose only rule is its format: one call, no `static` rules.
fn only_format(c: &Constraints) -> Option<Format> {
    let rest = Constraints {
        format: None,
        ..c.clone()
    };
    c.format.filter(|_| !has_string_rules(&rest))
}

fn format_path(format: Format) -> TokenStream {
    let variant = ident(&format!("{format:?}"));
    quote!(validate::Format::#variant)
}

fn has_string_rules(c: &Constraints) -> bool {
    c.min_length.is_some()
        || c.max_length.is_some()
        || c.non_blank
        || c.has_letter
        || c.pattern.is_some()
        || c.format.is_some()
}

/// A value being checked: a field of `self`, or the current item of an array.
#[derive(Clone, Copy)]
enum Value<'a> {
    Field(&'a Ident),
    Item,
}

impl Value<'_> {
    fn reference(self) -> TokenStream {
        match self {
            Value::Field(member) => quote!(&self.#member),
            Value::Item => quote!(item),
        }
    }
}

/// Where a check reports: a field, through `check` (the runtime's `Fields`), or the item `i`
/// of an array inside a loop, through `at` and `out`.
#[derive(Clone, Copy)]
enum Target<'a> {
    Field(&'a str),
    Item,
}

impl Target<'_> {
    /// The runtime check `method`, on `value` with the rest of its arguments `args`.
    fn call(self, method: &str, value: Value<'_>, args: TokenStream) -> TokenStream {
        let method = ident(method);
        let value = value.reference();
        match self {
            Target::Field(wire) => quote!(check.#method(#wire, #value #args);),
            Target::Item => quote!(validate::#method(out, at.index(i), #value #args);),
        }
    }
}

fn field_checks(model: &Model, field: &Field, statics: &mut Statics) -> TokenStream {
    let member = ident(&field.ident);
    value_checks(
        model,
        &field.ty,
        Value::Field(&member),
        Target::Field(&field.wire),
        &field.ident,
        statics,
    )
}

/// Checks of one value of type `ty`.
fn value_checks(
    model: &Model,
    ty: &Ty,
    value: Value<'_>,
    target: Target<'_>,
    what: &str,
    statics: &mut Statics,
) -> TokenStream {
    let c = &ty.constraints;
    match &ty.kind {
        TyKind::String if only_format(c).is_some() => {
            let format = only_format(c).map(format_path);
            target.call("format", value, quote!(, #format))
        }
        TyKind::String if has_string_rules(c) => {
            let rules = statics.string_rules(what, c);
            target.call("string", value, quote!(, &#rules))
        }
        TyKind::Integer | TyKind::Number if c.minimum.is_some() || c.maximum.is_some() => {
            let min = option(c.minimum.map(Literal::f64_unsuffixed));
            let max = option(c.maximum.map(Literal::f64_unsuffixed));
            target.call("number", value, quote!(, #min, #max))
        }
        TyKind::Array(item) => {
            let counts =
                (c.min_items.is_some() || c.max_items.is_some() || c.unique_items).then(|| {
                    let min = option(c.min_items.map(Literal::u64_unsuffixed));
                    let max = option(c.max_items.map(Literal::u64_unsuffixed));
                    let unique = c.unique_items;
                    target.call("items", value, quote!(, #min, #max, #unique))
                });
            let per_item = item_checks(model, item, value, target, what, statics);
            quote!(#counts #per_item)
        }
        TyKind::Named(name) if model.validates(name) => {
            target.call("nested", value, TokenStream::new())
        }
        _ => TokenStream::new(),
    }
}

/// The checks of every item of an array; the common shapes are one runtime call.
fn item_checks(
    model: &Model,
    item: &Ty,
    array: Value<'_>,
    target: Target<'_>,
    what: &str,
    statics: &mut Statics,
) -> TokenStream {
    let what = format!("{what}_items");
    match &item.kind {
        // `Validate` for `Vec<T>` walks the items with their index.
        TyKind::Named(name) if model.validates(name) => {
            target.call("nested", array, TokenStream::new())
        }
        TyKind::Named(_) => TokenStream::new(),
        TyKind::String if has_string_rules(&item.constraints) => {
            let rules = statics.string_rules(&what, &item.constraints);
            target.call("each_string", array, quote!(, &#rules))
        }
        _ => {
            let checks = value_checks(model, item, Value::Item, Target::Item, &what, statics);
            if checks.is_empty() {
                return checks;
            }
            let array = array.reference();
            let at = match target {
                Target::Field(wire) => quote! {
                    let (at, out) = check.parts();
                    let at = at.field(#wire);
                },
                Target::Item => quote!(let at = at.index(i);),
            };
            quote! {
                if let Some(items) = validate::Present::present(#array) {
                    #at
                    for (i, item) in items.iter().enumerate() {
                        #checks
                    }
                }
            }
        }
    }
}

fn option(value: Option<Literal>) -> TokenStream {
    match value {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

fn rule_check(
    model: &Model,
    owner: &str,
    index: usize,
    rule: &Rule,
    statics: &mut Statics,
) -> TokenStream {
    match &rule.kind {
        RuleKind::OneOfRequired(names) => {
            let present = names.iter().filter_map(|name| {
                let (field, _) = field_of(model, owner, name)?;
                let member = ident(&field.ident);
                Some(match (field.required, field.nullable) {
                    (true, false) => quote!(true),
                    (true, true) | (false, false) => quote!(self.#member.is_some()),
                    (false, true) => quote!(self.#member.value().is_some()),
                })
            });
            let listed = names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let message = format!("at least one of {listed} is required");
            let present: Vec<_> = present.collect();
            let any_present = if present.is_empty() {
                quote!(false)
            } else {
                quote!(#(#present)||*)
            };
            quote!(check.one_of_required(#any_present, #message);)
        }
        RuleKind::Require { when, field, check } => {
            let target = path_access(model, owner, field);
            let condition = when.as_ref().map(|w| {
                let access = path_access(model, owner, &w.field);
                let expected = &w.equals;
                quote!(#access.is_some_and(|v| v.as_str() == #expected))
            });
            let guard = condition.map(|c| quote!(&& #c));
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
                    let rules = statics.string_rules(&format!("rule_{index}"), c);
                    quote!(validate::string(out, at, value, &#rules);)
                }
            };
            quote! {
                if let Some(value) = #target #guard {
                    let (at, out) = check.parts();
                    #(#path)*
                    #checks
                }
            }
        }
    }
}

fn field_of<'m>(model: &'m Model, owner: &str, name: &str) -> Option<(&'m Field, bool)> {
    let crate::ir::TypeKind::Object(object) = &model.find_type(owner)?.kind else {
        return None;
    };
    let field = object.fields.iter().find(|f| f.wire == name)?;
    Some((field, is_boxed(model, owner, field)))
}

/// An expression of type `Option<&Leaf>` that follows a dotted field path from `self`.
fn path_access(model: &Model, owner: &str, path: &[String]) -> TokenStream {
    // The steps are collected and quoted once: re-quoting the growing chain at every step
    // would cost quadratic time in the path's length.
    let mut steps = Vec::with_capacity(path.len());
    let mut current = owner.to_owned();
    for segment in path {
        let Some((field, boxed)) = field_of(model, &current, segment) else {
            break;
        };
        let member = ident(&field.ident);
        steps.push(match (field.required, field.nullable) {
            (true, false) => quote!(.map(|v| &v.#member)),
            (true, true) | (false, false) => quote!(.and_then(|v| v.#member.as_ref())),
            (false, true) => quote!(.and_then(|v| v.#member.value())),
        });
        if boxed {
            steps.push(quote!(.map(|b| &**b)));
        }
        if let TyKind::Named(next) = &field.ty.kind {
            current = next.clone();
        }
    }
    quote!(Some(self) #(#steps)*)
}
