//! `impl Validate` for every type: field constraints, closed enums and cross-field rules.

use std::collections::BTreeMap;

use heck::ToShoutySnakeCase;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::ident;
use super::models::is_boxed;
use crate::ir::{
    Check, Constraints, Enum, Field, Format, Model, Rule, RuleKind, Ty, TyKind, TypeDef, TypeKind,
};

/// Patterns of one module, each a `static` compiled on first use; keyed by name, so two
/// fields never share a name and the output order is fixed.
#[derive(Default)]
pub struct Patterns(BTreeMap<String, String>);

impl Patterns {
    fn name(&mut self, what: &str, source: &str) -> TokenStream {
        let name = format!("{}_PATTERN", what.to_shouty_snake_case());
        self.0.insert(name.clone(), source.to_owned());
        let name = ident(&name);
        quote!(&#name)
    }

    pub fn statics(&self) -> TokenStream {
        let statics = self.0.iter().map(|(name, source)| {
            let name = ident(name);
            quote! { static #name: crate::validate::Pattern = crate::validate::Pattern::new(#source); }
        });
        quote!(#(#statics)*)
    }
}

pub fn type_impl(model: &Model, def: &TypeDef, patterns: &mut Patterns) -> TokenStream {
    let name = ident(&def.name);
    let body = match &def.kind {
        TypeKind::Object(object) => {
            let fields: Vec<_> = object
                .fields
                .iter()
                .map(|f| field_checks(&def.name, f, patterns))
                .collect();
            let rules: Vec<_> = object
                .rules
                .iter()
                .enumerate()
                .map(|(i, r)| rule_check(model, &def.name, i, r, patterns))
                .collect();
            quote! { #(#fields)* #(#rules)* }
        }
        TypeKind::Enum(e) => enum_check(e),
    };
    let unused = body.is_empty().then(|| quote!(let _ = (at, out);));
    quote! {
        impl crate::validate::Validate for #name {
            fn validate_at(&self, at: crate::validate::Path<'_>, out: &mut ::std::vec::Vec<crate::validate::Violation>) {
                #unused
                #body
            }
        }
    }
}

fn enum_check(_: &Enum) -> TokenStream {
    quote! { crate::validate::known_enum_value(out, at, self.is_unknown(), &Self::KNOWN); }
}

/// The checks of one field, run only when the value is there.
fn field_checks(owner: &str, field: &Field, patterns: &mut Patterns) -> TokenStream {
    let checks = value_checks(
        &field.ty,
        quote!(value),
        &format!("{}_{}", owner, field.wire),
        patterns,
    );
    if checks.is_empty() {
        return TokenStream::new();
    }
    let member = ident(&field.ident);
    let wire = &field.wire;
    let checks = quote! {
        let at = at.field(#wire);
        #checks
    };
    match (field.required, field.nullable) {
        (true, false) => quote!({ let value = &self.#member; #checks }),
        (true, true) | (false, false) => {
            quote!(if let ::std::option::Option::Some(value) = &self.#member { #checks })
        }
        (false, true) => {
            quote!(if let ::std::option::Option::Some(value) = self.#member.value() { #checks })
        }
    }
}

/// Checks of one value of type `ty`, bound to `value` (a reference), at path `at`.
fn value_checks(ty: &Ty, value: TokenStream, what: &str, patterns: &mut Patterns) -> TokenStream {
    let c = &ty.constraints;
    match &ty.kind {
        TyKind::String if !c.is_empty() => {
            let rules = string_rules(c, what, patterns);
            quote! { crate::validate::string(out, at, #value, &#rules); }
        }
        TyKind::Integer | TyKind::Number if c.minimum.is_some() || c.maximum.is_some() => {
            let min = option_f64(c.minimum);
            let max = option_f64(c.maximum);
            let as_f64 = if ty.kind == TyKind::Integer {
                quote!(*#value as f64)
            } else {
                quote!(*#value)
            };
            quote! { crate::validate::number(out, at, #as_f64, #min, #max); }
        }
        TyKind::Array(item) => {
            let counts =
                (c.min_items.is_some() || c.max_items.is_some() || c.unique_items).then(|| {
                    let min = option_usize(c.min_items);
                    let max = option_usize(c.max_items);
                    let unique = c.unique_items;
                    quote! { crate::validate::items(out, at, #value, #min, #max, #unique); }
                });
            let per_item = value_checks(item, quote!(item), &format!("{what}_items"), patterns);
            let per_item = (!per_item.is_empty()).then(|| {
                quote! {
                    for (i, item) in #value.iter().enumerate() {
                        let at = at.index(i);
                        #per_item
                    }
                }
            });
            quote! { #counts #per_item }
        }
        TyKind::Named(_) => quote! { crate::validate::Validate::validate_at(#value, at, out); },
        _ => TokenStream::new(),
    }
}

fn string_rules(c: &Constraints, what: &str, patterns: &mut Patterns) -> TokenStream {
    let mut parts = Vec::new();
    if let Some(min) = c.min_length {
        let min = Literal::u64_unsuffixed(min);
        parts.push(quote!(min_length: ::std::option::Option::Some(#min)));
    }
    if let Some(max) = c.max_length {
        let max = Literal::u64_unsuffixed(max);
        parts.push(quote!(max_length: ::std::option::Option::Some(#max)));
    }
    if c.non_blank {
        parts.push(quote!(non_blank: true));
    }
    if c.has_letter {
        parts.push(quote!(has_letter: true));
    }
    if let Some(pattern) = &c.pattern {
        let name = patterns.name(what, pattern);
        parts.push(quote!(pattern: ::std::option::Option::Some(#name)));
    }
    if let Some(format) = c.format {
        let variant = ident(&format_variant(format));
        parts.push(quote!(format: ::std::option::Option::Some(crate::validate::Format::#variant)));
    }
    quote!(crate::validate::StringRules { #(#parts,)* ..crate::validate::StringRules::NONE })
}

fn format_variant(format: Format) -> String {
    format!("{format:?}")
}

fn option_f64(value: Option<f64>) -> TokenStream {
    match value {
        Some(v) => quote!(::std::option::Option::Some(#v)),
        None => quote!(::std::option::Option::None),
    }
}

fn option_usize(value: Option<u64>) -> TokenStream {
    match value.map(Literal::u64_unsuffixed) {
        Some(v) => quote!(::std::option::Option::Some(#v)),
        None => quote!(::std::option::Option::None),
    }
}

fn rule_check(
    model: &Model,
    owner: &str,
    index: usize,
    rule: &Rule,
    patterns: &mut Patterns,
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
            quote! {
                if !(#(#present)||*) {
                    at.violation(out, "one_of_required", #message.into());
                }
            }
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
                    let rules = string_rules(c, &format!("{owner}_rule_{index}"), patterns);
                    quote! { crate::validate::string(out, at, value, &#rules); }
                }
            };
            quote! {
                if let ::std::option::Option::Some(value) = #target #guard {
                    #(#path)*
                    #checks
                }
            }
        }
    }
}

fn field_of<'m>(model: &'m Model, owner: &str, name: &str) -> Option<(&'m Field, bool)> {
    let TypeKind::Object(object) = &model.find_type(owner)?.kind else {
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
    quote!(::std::option::Option::Some(self) #(#steps)*)
}
