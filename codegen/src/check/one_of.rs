//! A `one_of` can be decoded: its members are object types, each carries the discriminator
//! (when there is one) as a required string or enum field, and no value selects two members.

use std::collections::BTreeMap;

use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::{Model, TyKind, TypeKind};

pub fn check(model: &Model, diagnostics: &mut Diagnostics) {
    for def in model.types() {
        let TypeKind::OneOf(one_of) = &def.kind else {
            continue;
        };
        let mut owners: BTreeMap<&str, &str> = BTreeMap::new();
        for member in &one_of.members {
            let member_name = model.name(member.ty);
            let mut report = |message: String, hint: &str| {
                diagnostics
                    .push(Diagnostic::new(member.place.clone(), message).with_hint(hint.to_owned()))
            };
            let TypeKind::Object(object) = &model.def(member.ty).kind else {
                report(
                    format!("`{member_name}` is not an object type; a `one_of` lists object types"),
                    "list the object types a value may be",
                );
                continue;
            };
            for tag in &member.tags {
                if let Some(first) = owners.insert(tag, member_name) {
                    report(
                        format!(
                            "the discriminator value `{tag}` selects both `{first}` and `{member_name}`"
                        ),
                        "give each member its own values under `mapping`",
                    );
                }
            }
            let Some(property) = &one_of.discriminator else {
                continue;
            };
            let field = object.fields.iter().find(|f| f.wire == *property);
            let usable = field.is_some_and(|f| {
                f.presence.is_required()
                    && !f.presence.is_nullable()
                    && match &f.ty.kind {
                        TyKind::String => true,
                        TyKind::Named(id) => matches!(model.def(*id).kind, TypeKind::Enum(_)),
                        _ => false,
                    }
            });
            if !usable {
                report(
                    format!(
                        "`{member_name}` has no required string field `{property}`, the discriminator of `{}`",
                        def.name
                    ),
                    "the discriminator is a field of every member, required and not nullable",
                );
            }
        }
    }
    for op in &model.operations {
        let request = model.def(op.request);
        if matches!(request.kind, TypeKind::OneOf(_)) {
            diagnostics.push(
                Diagnostic::new(
                    request.place.clone(),
                    format!(
                        "`{}` is a `one_of`; a request is an object type",
                        request.name
                    ),
                )
                .with_hint("send an object with a field of the `one_of` type"),
            );
        }
    }
}
