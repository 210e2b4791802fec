//! The `api` block holds together: the client trait's name, and the error type's fields that
//! the summary, the server and the request id name.

use std::collections::BTreeMap;

use crate::diag::{Diagnostic, Diagnostics, Place};
use crate::ir::{ErrorFields, Model, Presence, TyKind, TypeId, TypeKind};
use crate::names;

/// `api.error_summary` names required fields of the error type; `api.request_id` names a
/// string field that every response and the error type have.
pub fn check(model: &Model, diagnostics: &mut Diagnostics) {
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
    let requirements = std::iter::once((place("api.security"), None, &model.api.security)).chain(
        model.operations.iter().filter_map(|op| {
            let security = op.security.as_ref()?;
            Some((model.def(op.request).place.clone(), Some(&op.id), security))
        }),
    );
    for (at, op, requirement) in requirements {
        for name in requirement.iter().flatten() {
            if model.api.scheme(name).is_none() {
                let whose = op.map_or_else(
                    || "`api.security`".to_owned(),
                    |id| format!("the `security` of `{id}`"),
                );
                diagnostics.push(
                    Diagnostic::new(
                        at.clone(),
                        format!(
                            "{whose} names `{name}`, which is not one of `api.security_schemes`"
                        ),
                    )
                    .with_hint("declare it under `api.security_schemes`"),
                );
            }
        }
    }
    let Some(error) = model.api.error else {
        return;
    };
    let error_name = model.name(error);
    for part in &model.api.error_summary {
        let crate::ir::SummaryPart::Field(name) = part else {
            continue;
        };
        match model.resolve(error, std::slice::from_ref(name)) {
            Ok(field) if field.presence == Presence::Required => {}
            Ok(_) => diagnostics.push(Diagnostic::new(
                place("api.error_summary"),
                format!("`{name}` is optional or nullable in `{error_name}`; the summary uses required fields only"),
            )),
            Err(message) => diagnostics.push(Diagnostic::new(place("api.error_summary"), message)),
        }
    }
    if let Some(fields) = &model.api.error_fields {
        for name in fields.named() {
            if let Err(message) = model.resolve(error, std::slice::from_ref(name)) {
                diagnostics.push(Diagnostic::new(place("api.error_fields"), message));
            }
        }
        if let Err(message) = error_constructible(model, error, fields) {
            diagnostics.push(Diagnostic::new(place("api.error_fields"), message));
        }
        server_errors_listed(model, error, fields, diagnostics);
    }
    if let Some(request_id) = &model.api.request_id {
        // Every JSON answer (each of an operation's `answers` too) and every operation's own
        // error type: the client reads the id of each.
        let answers = model.operations.iter().flat_map(|op| {
            op.all_answers()
                .filter_map(|(_, response, _)| response.json())
                .chain(op.error)
        });
        let bodies: std::collections::BTreeSet<_> = std::iter::once(error).chain(answers).collect();
        for body in bodies {
            match model.resolve(body, std::slice::from_ref(request_id)) {
                Ok(field) if field.ty.kind == TyKind::String => {}
                // A response without the field has no request id to log (a few of Plaid's
                // do not carry one); the error type must have it, a server fills it in.
                Err(_) if body != error => {}
                Ok(field) => diagnostics.push(Diagnostic::new(
                    place("api.request_id"),
                    format!(
                        "`{}.{request_id}` is {}, not a string",
                        model.name(body),
                        model.describe(&field.ty.kind)
                    ),
                )),
                Err(message) => diagnostics.push(Diagnostic::new(place("api.request_id"), message)),
            }
        }
    }
}

/// The types and codes the server answers with are values of the error type's fields when
/// those are enums: an unlisted one would reach a client as the enum's unknown variant.
fn server_errors_listed(
    model: &Model,
    error: TypeId,
    fields: &ErrorFields,
    diagnostics: &mut Diagnostics,
) {
    let enum_of = |wire: &String| {
        let field = model.resolve(error, std::slice::from_ref(wire)).ok()?;
        let TyKind::Named(id) = &field.ty.kind else {
            return None;
        };
        match &model.def(*id).kind {
            TypeKind::Enum(enumeration) => Some((model.name(*id), enumeration)),
            TypeKind::Object(_) | TypeKind::OneOf(_) => None,
        }
    };
    let parts = [
        ("type", fields.kind.as_ref().and_then(enum_of)),
        ("code", enum_of(&fields.code)),
    ];
    // A default is not in the spec to point at: they are reported once per enum, with the
    // situations to give instead.
    let mut defaults: BTreeMap<&str, (Vec<&str>, Vec<&str>)> = BTreeMap::new();
    for entry in &model.api.server_errors {
        let answers = [
            (&entry.kind, &entry.kind_place),
            (&entry.code, &entry.code_place),
        ];
        for ((part, enumeration), (value, given)) in parts.iter().zip(answers) {
            let Some((name, enumeration)) = enumeration else {
                continue;
            };
            if enumeration.values.iter().any(|v| v.wire == *value) {
                continue;
            }
            match given {
                Some(place) => diagnostics.push(
                    Diagnostic::new(
                        place.clone(),
                        format!("the error {part} `{value}` is not a value of `{name}`"),
                    )
                    .with_hint(format!("list it in `{name}`, or use one of its values")),
                ),
                None => {
                    let (missing, situations) = defaults.entry(name).or_default();
                    if !missing.contains(&value.as_str()) {
                        missing.push(value);
                    }
                    if !situations.contains(&entry.situation.key) {
                        situations.push(entry.situation.key);
                    }
                }
            }
        }
    }
    let place = Place {
        path: "api.server_errors".to_owned(),
        ..model.api.place.clone()
    };
    for (name, (missing, situations)) in defaults {
        let missing: Vec<String> = missing.iter().map(|v| format!("`{v}`")).collect();
        let message = format!(
            "`{name}` does not list {}, which the generated server answers with by default",
            missing.join(", ")
        );
        let hint = format!(
            "list them in `{name}`, or give `api.server_errors` for {}",
            situations.join(", ")
        );
        diagnostics.push(Diagnostic::new(place.clone(), message).with_hint(hint));
    }
}

/// A server builds the error type from `error_fields` and the request id; every other required
/// field needs an obvious empty value, which a required enum or object does not have.
fn error_constructible(model: &Model, error: TypeId, fields: &ErrorFields) -> Result<(), String> {
    let TypeKind::Object(object) = &model.def(error).kind else {
        return Ok(());
    };
    let filled: Vec<&String> = fields
        .named()
        .chain(model.api.request_id.as_ref())
        .collect();
    for field in &object.fields {
        if filled.contains(&&field.wire) || field.presence != Presence::Required {
            continue;
        }
        if matches!(field.ty.kind, TyKind::Named(_)) {
            return Err(format!(
                "`{}.{}` is required and has no empty value: list it in `error_fields` or make it optional",
                model.name(error),
                field.wire
            ));
        }
    }
    Ok(())
}
