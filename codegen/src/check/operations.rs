//! An operation's request fits how it travels: every `{name}` of the path is a path parameter
//! of the request and every path parameter has its `{name}`, and a `GET`, which carries no
//! body, has parameters only. A `body: multipart` request has fields a part can hold (text
//! or a file), and a `file` field is in such a request only. A request whose body is whole
//! (`in: whole_body`) has that one field in the body, and sends it as JSON.

use std::collections::BTreeSet;

use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::{BodyKind, Location, Model, Operation, TyKind, TypeId, TypeKind};

pub fn check(model: &Model, diagnostics: &mut Diagnostics) {
    multipart(model, diagnostics);
    whole_bodies(model, diagnostics);
    for op in &model.operations {
        answers_enum(model, op, diagnostics);
        if let Some(error) = op.error
            && !matches!(model.def(error).kind, TypeKind::Object(_))
        {
            diagnostics.push(Diagnostic::new(
                model.def(op.request).place.clone(),
                format!(
                    "the `error` of `{}`, `{}`, is not an object type",
                    op.id,
                    model.name(error)
                ),
            ));
        }
        if op.error.is_some() && op.error == model.api.error {
            diagnostics.push(
                Diagnostic::new(
                    model.def(op.request).place.clone(),
                    format!("`{}` names the API's error type as its own `error`", op.id),
                )
                .with_hint(
                    "leave out `error`: the API's error type is every operation's by default",
                ),
            );
        }
        let request = model.def(op.request);
        let TypeKind::Object(object) = &request.kind else {
            continue;
        };
        if op.body != BodyKind::Json
            && let Some(whole) = object.whole_body()
        {
            diagnostics.push(
                Diagnostic::new(
                    whole.place.clone(),
                    format!(
                        "`{}.{}` is the whole body of `{}`, whose {} body is an object's fields",
                        request.name,
                        whole.wire,
                        op.id,
                        if op.body == BodyKind::Form {
                            "form"
                        } else {
                            "multipart"
                        }
                    ),
                )
                .with_hint("a whole body travels as JSON: leave out the operation's `body`"),
            );
        }
        let placeholders = placeholders(&op.path);
        for name in &placeholders {
            let is_parameter = object
                .fields
                .iter()
                .any(|f| f.wire == *name && f.location == Location::Path);
            if !is_parameter {
                diagnostics.push(Diagnostic::new(
                    request.place.clone(),
                    format!(
                        "the path `{}` of `{}` has `{{{name}}}`, and `{}` has no field `{name}` with `in: path`",
                        op.path, op.id, request.name
                    ),
                ));
            }
        }
        for field in &object.fields {
            if field.location == Location::Path && !placeholders.contains(&field.wire.as_str()) {
                diagnostics.push(Diagnostic::new(
                    field.place.clone(),
                    format!(
                        "`{}` is a path parameter, and the path `{}` of `{}` has no `{{{}}}`",
                        field.wire, op.path, op.id, field.wire
                    ),
                ));
            }
            if !op.method.may_have_body() && field.location.in_body() {
                diagnostics.push(
                    Diagnostic::new(
                        field.place.clone(),
                        format!(
                            "`{}` is the request of the {} `{}`, which carries no body, so its field `{}` cannot travel in one",
                            request.name, op.method, op.id, field.wire
                        ),
                    )
                    .with_hint("give it `in: path`, `in: query` or `in: header`"),
                );
            }
        }
    }
}

/// A type with a whole body (`in: whole_body`) has one, and no field in the body beside it:
/// the body is that field's value.
fn whole_bodies(model: &Model, diagnostics: &mut Diagnostics) {
    for def in model.types() {
        let TypeKind::Object(object) = &def.kind else {
            continue;
        };
        let Some(whole) = object.whole_body() else {
            continue;
        };
        for field in object
            .fields
            .iter()
            .filter(|f| f.location.in_body() && f.wire != whole.wire)
        {
            diagnostics.push(
                Diagnostic::new(
                    field.place.clone(),
                    format!(
                        "`{}.{}` travels in the body, which `{}.{}` is whole",
                        def.name, field.wire, def.name, whole.wire
                    ),
                )
                .with_hint("make it a parameter (`in: path`, `query` or `header`), or a field of the body's own type"),
            );
        }
    }
}

fn placeholders(path: &str) -> Vec<&str> {
    specgen_runtime::path_placeholders(path).collect()
}

/// The fields of multipart requests are parts: text (strings, numbers, booleans, enums) or
/// files. A file has no JSON form, so a type with a `file` field is only ever the request of
/// `body: multipart` operations.
fn multipart(model: &Model, diagnostics: &mut Diagnostics) {
    let mut multipart_requests = BTreeSet::new();
    let mut elsewhere: BTreeSet<TypeId> = BTreeSet::new();
    for op in &model.operations {
        if op.body != BodyKind::Json && !op.method.may_have_body() {
            let kind = if op.body == BodyKind::Form {
                "form"
            } else {
                "multipart"
            };
            diagnostics.push(Diagnostic::new(
                model.def(op.request).place.clone(),
                format!(
                    "`{}` is a {}, which carries no body, and its body is `{kind}`",
                    op.id, op.method
                ),
            ));
        }
        if op.body == BodyKind::Multipart {
            multipart_requests.insert(op.request);
        } else {
            elsewhere.insert(op.request);
        }
        elsewhere.extend(op.json_types());
    }
    for def in model.types() {
        if let TypeKind::Object(object) = &def.kind {
            for field in &object.fields {
                elsewhere.extend(field.ty.kind.named());
            }
        }
    }
    for def in model.types() {
        let TypeKind::Object(object) = &def.kind else {
            continue;
        };
        let is_form = multipart_requests.contains(&def.id);
        for field in object.fields.iter().filter(|f| f.location.in_body()) {
            let has_file = holds_file(&field.ty.kind);
            if has_file && (!is_form || elsewhere.contains(&def.id)) {
                diagnostics.push(
                    Diagnostic::new(
                        field.place.clone(),
                        format!(
                            "`{}.{}` is a file, which only the request of a `body: multipart` operation can carry",
                            def.name, field.wire
                        ),
                    )
                    .with_hint("a file has no JSON form: give the operation `body: multipart`, and use the type for nothing else"),
                );
            }
            // Scalars travel as text parts and files as file parts; anything else as one JSON
            // part, which cannot hold a file.
            if is_form && !model.is_text_or_file_part(&field.ty.kind) && has_file {
                diagnostics.push(
                    Diagnostic::new(
                        field.place.clone(),
                        format!(
                            "`{}.{}` is {}, which a multipart request sends as one JSON part, and JSON cannot carry a file",
                            def.name,
                            field.wire,
                            model.describe(&field.ty.kind)
                        ),
                    )
                    .with_hint("send each file as a field of its own (`type: file`)"),
                );
            }
        }
    }
}

fn holds_file(kind: &TyKind) -> bool {
    match kind {
        TyKind::File => true,
        TyKind::Array { items, .. } => holds_file(&items.kind),
        TyKind::Map { values, .. } => holds_file(&values.kind),
        _ => false,
    }
}

/// An operation with several answers answers an enum named after it, which must not be a
/// spec type's name.
fn answers_enum(model: &Model, op: &Operation, diagnostics: &mut Diagnostics) {
    let Some(first) = op.answers.first() else {
        return;
    };
    let name = crate::names::answers_enum(&op.id);
    if model.find_type(&name).is_some() {
        diagnostics.push(
            Diagnostic::new(
                first.place.clone(),
                format!(
                    "the answers of `{}` are the enum `{name}`, which is the name of a type",
                    op.id
                ),
            )
            .with_hint(format!("rename the type `{name}`")),
        );
    }
}
