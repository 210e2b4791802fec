//! Cross-field rules name fields that exist, and compare what can be compared.

use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::{Check, Field, Model, RuleKind, TyKind, TypeKind};

pub fn check(model: &Model, diagnostics: &mut Diagnostics) {
    for ty in model.types() {
        let TypeKind::Object(object) = &ty.kind else {
            continue;
        };
        for rule in &object.rules {
            let mut report =
                |message: String| diagnostics.push(Diagnostic::new(rule.place.clone(), message));
            match &rule.kind {
                RuleKind::OneOfRequired(fields) => {
                    for name in fields {
                        if let Err(message) = model.resolve(ty.id, std::slice::from_ref(name)) {
                            report(message);
                        }
                    }
                }
                RuleKind::Require { when, field, check } => {
                    if let Some(when) = when
                        && let Err(message) = model
                            .resolve(ty.id, &when.field)
                            .and_then(|f| comparable(model, f, &when.field))
                    {
                        report(message);
                    }
                    let leaf = model.resolve(ty.id, field);
                    let leaf = match check {
                        Check::Equals(_) => leaf.and_then(|f| comparable(model, f, field)),
                        Check::Constraints(_) => leaf.and_then(|f| match f.ty.kind {
                            TyKind::String => Ok(f),
                            ref other => Err(format!(
                                "`{}` is {}, and these constraints apply to strings",
                                field.join("."),
                                model.describe(other)
                            )),
                        }),
                    };
                    if let Err(message) = leaf {
                        report(message);
                    }
                }
            }
        }
    }
}

fn comparable<'m>(model: &Model, field: &'m Field, path: &[String]) -> Result<&'m Field, String> {
    match &field.ty.kind {
        TyKind::String => Ok(field),
        TyKind::Named(id) if matches!(model.def(*id).kind, TypeKind::Enum(_)) => Ok(field),
        other => Err(format!(
            "`{}` is {}; `equals` compares strings and enum values",
            path.join("."),
            model.describe(other)
        )),
    }
}
