//! An operation's request fits how it travels: every `{name}` of the path is a path parameter
//! of the request and every path parameter has its `{name}`, and a `GET`, which carries no
//! body, has parameters only.

use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::{HttpMethod, Location, Model, TypeKind};

pub fn check(model: &Model, diagnostics: &mut Diagnostics) {
    for op in &model.operations {
        let request = model.def(op.request);
        let TypeKind::Object(object) = &request.kind else {
            continue;
        };
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
            if op.method == HttpMethod::Get && field.location == Location::Body {
                diagnostics.push(
                    Diagnostic::new(
                        field.place.clone(),
                        format!(
                            "`{}` is the request of the GET `{}`, which carries no body, so its field `{}` cannot travel in one",
                            request.name, op.id, field.wire
                        ),
                    )
                    .with_hint("give it `in: path` or `in: header`"),
                );
            }
        }
    }
}

/// The `{name}` segments of a path.
fn placeholders(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .collect()
}
