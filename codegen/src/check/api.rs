//! The `api` block holds together: the client trait's name, and the error type's fields that
//! the summary, the server and the request id name.

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
    }
    if let Some(request_id) = &model.api.request_id {
        let bodies = std::iter::once(error).chain(model.operations.iter().map(|op| op.response));
        for body in bodies {
            match model.resolve(body, std::slice::from_ref(request_id)) {
                Ok(field) if field.ty.kind == TyKind::String => {}
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
