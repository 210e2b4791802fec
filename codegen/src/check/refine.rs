//! What a `refine` section may say: it adds what only the docs' prose says (constraints,
//! rules, `sensitive`, examples, clearer words) to types and operations another file defines,
//! and never contradicts them. A refinement that names a type, field, enum value or operation
//! the definitions no longer have, or that changes a type, a presence or a constraint, is an
//! error at the refinement, so a re-import that moves the ground under it cannot go unnoticed.

use std::collections::BTreeMap;

use super::spec::Checker;
use crate::diag::{Cursor, Diagnostics};
use crate::index::TypeIndex;
use crate::names;
use crate::spec;

pub fn check(files: &[(String, spec::SpecFile)], index: &TypeIndex, diagnostics: &mut Diagnostics) {
    let mut types: BTreeMap<&str, &spec::TypeDef> = BTreeMap::new();
    let mut operations: BTreeMap<&str, ()> = BTreeMap::new();
    for (_, file) in files {
        for (name, def) in file.types.iter() {
            types.entry(name.value.as_str()).or_insert(def);
        }
        for (id, _) in file.operations.iter() {
            operations.insert(id.value.as_str(), ());
        }
    }
    for (file, spec) in files {
        let Some(refine) = &spec.refine else {
            continue;
        };
        let at = Cursor::root(file).key("refine").at(refine.referenced);
        let mut checker = Refinements {
            checker: Checker::new(index, diagnostics),
            index,
        };
        for (name, def) in refine.value.types.iter() {
            let at_type = at.key("types").key(&name.value).at(name.referenced);
            match types.get(name.value.as_str()) {
                Some(base) => checker.type_def(&at_type, def, base),
                None if index.is_broken(&name.value) => {}
                None => checker.unknown(
                    &at_type,
                    format!("no spec file defines the type `{}`", name.value),
                    &name.value,
                    index.names(),
                ),
            }
        }
        for (i, pattern) in refine.value.sensitive.iter().enumerate() {
            let at_pattern = at.key("sensitive").index(i).at(pattern.referenced);
            checker.sensitive_pattern(&at_pattern, &pattern.value, &types);
        }
        for (id, refinement) in refine.value.operations.iter() {
            if let Some(body) = &refinement.body {
                let at_body = at.key("operations").key(&id.value).key("body");
                checker.checker.body(&at_body.at(body.referenced), body);
            }
            if !operations.contains_key(id.value.as_str()) && !index.is_broken(&id.value) {
                let at_op = at.key("operations").key(&id.value).at(id.referenced);
                checker.unknown(
                    &at_op,
                    format!("no spec file defines the operation `{}`", id.value),
                    &id.value,
                    operations.keys().copied(),
                );
            }
        }
    }
}

struct Refinements<'a> {
    checker: Checker<'a>,
    index: &'a TypeIndex,
}

impl Refinements<'_> {
    fn unknown<'n>(
        &mut self,
        at: &Cursor<'_>,
        message: String,
        name: &str,
        known: impl IntoIterator<Item = &'n str>,
    ) {
        match names::closest(name, known) {
            Some(best) => self
                .checker
                .error_hint(at, message, format!("did you mean `{best}`?")),
            None => self.checker.error_hint(
                at,
                message,
                "the import may have renamed or removed it: update the refinement",
            ),
        }
    }

    /// A pattern is a wire name with `*` wildcards, and must match some field: one that
    /// matches nothing is a name the API no longer uses (or a typo).
    fn sensitive_pattern(
        &mut self,
        at: &Cursor<'_>,
        pattern: &str,
        types: &BTreeMap<&str, &spec::TypeDef>,
    ) {
        if pattern.is_empty() || pattern.chars().all(|c| c == '*') {
            self.checker
                .error(at, "a sensitive pattern must name something besides `*`");
            return;
        }
        let matched = types
            .values()
            .filter_map(|def| def.fields.as_ref())
            .flat_map(|fields| fields.iter())
            .any(|(wire, _)| names::matches_wildcard(pattern, &wire.value));
        if !matched {
            self.checker.error_hint(
                at,
                format!("the sensitive pattern `{pattern}` matches no field"),
                "`*` stands for any run of characters: `*_token`, `ssn*`",
            );
        }
    }

    fn type_def(&mut self, at: &Cursor<'_>, def: &spec::TypeDef, base: &spec::TypeDef) {
        match (&def.fields, &base.fields) {
            (Some(fields), Some(base_fields)) => {
                for (wire, field) in fields.iter() {
                    let at_field = at.key("fields").key(&wire.value).at(wire.referenced);
                    match base_fields.iter().find(|(w, _)| w.value == wire.value) {
                        Some((_, base_field)) => self.field(&at_field, field, base_field),
                        None => self.unknown(
                            &at_field,
                            format!("the type has no field `{}`", wire.value),
                            &wire.value,
                            base_fields.iter().map(|(w, _)| w.value.as_str()),
                        ),
                    }
                }
            }
            (Some(_), None) => self
                .checker
                .error(at, "`fields` refine an object, and this type is an enum"),
            (None, _) => {}
        }
        match (&def.values, &base.values) {
            (Some(values), Some(base_values)) => {
                for (i, value) in values.iter().enumerate() {
                    let wire = &value.value.value;
                    if !base_values.iter().any(|b| b.value.value == *wire) {
                        let at_value = at.key("values").index(i).at(value.referenced);
                        self.unknown(
                            &at_value,
                            format!("the enum has no value `{wire}`"),
                            wire,
                            base_values.iter().map(|b| b.value.value.as_str()),
                        );
                    }
                }
            }
            (Some(_), None) => self
                .checker
                .error(at, "`values` refine an enum, and this type is an object"),
            (None, _) => {}
        }
        if !def.rules.is_empty() && base.fields.is_none() {
            self.checker
                .error(at, "rules apply to object types, not enums");
        }
        for (i, rule) in def.rules.iter().enumerate() {
            self.checker
                .rule(&at.key("rules").index(i).at(rule.referenced), &rule.value);
        }
        // The pair is what the OpenAPI says the body carries: the import writes it, and a
        // second source for it could only disagree.
        if let Some(webhook) = &def.webhook {
            self.checker.error_hint(
                &at.key("webhook").at(webhook.referenced),
                "a refinement cannot give a type its `webhook` pair",
                "the import fills `webhook` from the OpenAPI's `webhook_type` and `webhook_code`",
            );
        }
    }

    /// A refined field keeps the type and presence it has; it may add constraints, docs and
    /// `sensitive`, and a constraint it gives again must say the same.
    fn field(&mut self, at: &Cursor<'_>, field: &spec::Field, base: &spec::Field) {
        if let Some(ty) = &field.ty
            && base.ty.as_ref().map(|b| &b.value) != Some(&ty.value)
        {
            let base_ty = base.ty.as_ref().map_or("no type", |b| b.value.as_str());
            self.checker.error_hint(
                &at.key("type").at(ty.referenced),
                format!(
                    "the definition says `{base_ty}`; a refinement cannot change a field's type"
                ),
                "leave `type` out of the refinement",
            );
        }
        for (given, base_given, key) in [
            (field.required, base.required, "required"),
            (field.nullable, base.nullable, "nullable"),
        ] {
            if given && !base_given {
                self.checker.error_hint(
                    at,
                    format!("the definition does not make this field `{key}`; a refinement cannot change that"),
                    "a rule (`one_of_required`, `require`) states what the prose requires",
                );
            }
        }
        // The field's kind comes from its definition; a problem with that is reported there.
        let kind = Checker::new(self.index, &mut Diagnostics::default()).ty(at, base);
        if let Some(kind) = &kind {
            self.checker.constraints(at, &field.constraint_keys(), kind);
            if field.sensitive && !kind.is_scalar_or_scalars() {
                self.checker.error_hint(
                    at,
                    "`sensitive` applies to strings, numbers and arrays of them",
                    "mark the sensitive fields of the nested type instead",
                );
            }
        }
        self.same_constraints(at, field, base);
        match (&field.items, &base.items) {
            (Some(items), Some(base_items)) => {
                let at_items = at.key("items").at(items.referenced);
                self.field(&at_items, &items.value, &base_items.value);
            }
            (Some(items), None) => self.checker.error(
                &at.key("items").at(items.referenced),
                "`items` refine an array, and this field is not one",
            ),
            (None, _) => {}
        }
    }

    /// A constraint the definition gives may be repeated, not changed.
    fn same_constraints(&mut self, at: &Cursor<'_>, field: &spec::Field, base: &spec::Field) {
        let given = crate::ir::Constraints::from_keys(&field.constraint_keys());
        let defined = crate::ir::Constraints::from_keys(&base.constraint_keys());
        for constraint in given.iter() {
            let same_kind = defined
                .iter()
                .find(|d| std::mem::discriminant(*d) == std::mem::discriminant(constraint));
            if let Some(defined) = same_kind
                && defined != constraint
            {
                self.checker.error_hint(
                    at,
                    format!(
                        "the definition says {}, the refinement {}: a refinement cannot change a constraint",
                        defined.spec_text(),
                        constraint.spec_text()
                    ),
                    "if the API changed, change the import; if the prose is stricter, say so in a rule",
                );
            }
        }
    }
}
