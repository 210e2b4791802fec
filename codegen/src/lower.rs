//! From the serde mirror to the IR: resolves names and types, and reports every problem it
//! meets on the way instead of stopping at the first.

use std::collections::BTreeMap;

use serde_saphyr::{Location, Spanned};

use crate::diag::{Diagnostic, Diagnostics, Place};
use crate::ir::{self, Check, Constraints, Format, RuleKind, Ty, TyKind};
use crate::names;
use crate::spec;

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/// Where each type is defined, and whether it is an enum: known before any type is lowered,
/// so that references resolve in any order (also across files).
struct TypeIndex {
    entries: BTreeMap<String, (Place, bool)>,
}

impl TypeIndex {
    fn is_known(&self, name: &str) -> bool {
        self.entries.contains_key(name)
    }
}

struct Lowerer<'a> {
    file: &'a str,
    index: &'a TypeIndex,
    diagnostics: &'a mut Diagnostics,
}

impl Lowerer<'_> {
    fn place(&self, location: Location, path: impl Into<String>) -> Place {
        Place::new(self.file, location, path)
    }

    fn error(&mut self, location: Location, path: &str, message: impl Into<String>) {
        let diagnostic = Diagnostic::new(self.place(location, path), message);
        self.diagnostics.push(diagnostic);
    }

    fn error_hint(&mut self, location: Location, path: &str, message: String, hint: String) {
        let diagnostic = Diagnostic::new(self.place(location, path), message).with_hint(hint);
        self.diagnostics.push(diagnostic);
    }
}

/// `complete` is false when a file failed to parse, so that a missing `api` block is not
/// reported for a file that may well have one.
pub fn lower(
    files: &[(String, spec::SpecFile)],
    complete: bool,
    diagnostics: &mut Diagnostics,
) -> Option<ir::Model> {
    let index = index_types(files, diagnostics);
    // Files lower independently (on every core); their diagnostics are sorted at the end.
    let lowered = crate::parallel::map(files, |(file, spec)| {
        let mut found = Diagnostics::default();
        let mut lowerer = Lowerer {
            file,
            index: &index,
            diagnostics: &mut found,
        };
        let types: Vec<_> = spec
            .types
            .iter()
            .filter_map(|(name, def)| lowerer.type_def(name, def))
            .collect();
        let operations: Vec<_> = spec
            .operations
            .iter()
            .filter_map(|(id, op)| lowerer.operation(id, op))
            .collect();
        (types, operations, found)
    });
    let mut modules = Vec::new();
    let mut operations = Vec::new();
    let mut api = None;
    for ((file, spec), (types, file_operations, found)) in files.iter().zip(lowered) {
        diagnostics.0.extend(found.0);
        operations.extend(file_operations);
        if let Some(info) = &spec.api {
            let mut lowerer = Lowerer {
                file,
                index: &index,
                diagnostics,
            };
            match &api {
                None => api = Some(lowerer.api(info)),
                Some(_) => lowerer.error(
                    info.referenced,
                    "api",
                    "a second `api` block: exactly one spec file describes the API as a whole",
                ),
            }
        }
        let stem = file.rsplit('/').next().unwrap_or(file);
        let stem = stem.trim_end_matches(".yaml").trim_end_matches(".yml");
        let name = names::snake_ident(stem);
        let place = Place::whole_file(file, "");
        if !names::is_valid_ident(&name) {
            let message = format!("the file name `{stem}` does not make a Rust module name");
            diagnostics.push(Diagnostic::new(place, message).with_hint("rename the file"));
        } else if let Some(first) = modules.iter().find(|m: &&ir::Module| m.name == name) {
            let message = format!(
                "`{file}` and `{}` both become the module `{name}`",
                first.source
            );
            diagnostics.push(Diagnostic::new(place, message).with_hint("rename one of the files"));
        }
        modules.push(ir::Module {
            name,
            source: file.clone(),
            types,
        });
    }
    check_operation_names(files, diagnostics);
    check_shared_request_types(files, diagnostics);
    let Some(api) = api else {
        if !complete {
            return None;
        }
        let file = files.first().map_or("spec", |(f, _)| f.as_str());
        let place = Place::whole_file(file, "api");
        diagnostics.push(
            Diagnostic::new(place, "no spec file has an `api` block")
                .with_hint("add `api: { title: ..., version: ... }` to one file"),
        );
        return None;
    };
    Some(ir::Model::new(api, modules, operations))
}

fn index_types(files: &[(String, spec::SpecFile)], diagnostics: &mut Diagnostics) -> TypeIndex {
    let mut entries: BTreeMap<String, (Place, bool)> = BTreeMap::new();
    for (file, spec) in files {
        for (name, def) in spec.types.iter() {
            let place = Place::new(file, name.referenced, format!("types.{}", name.value));
            if let Some((first, _)) = entries.get(&name.value) {
                let first = format!("{}:{}:{}", first.file, first.line, first.column);
                diagnostics.push(
                    Diagnostic::new(place, format!("type `{}` is defined twice", name.value))
                        .with_hint(format!("the first definition is at {first}")),
                );
                continue;
            }
            entries.insert(name.value.clone(), (place, def.values.is_some()));
        }
    }
    TypeIndex { entries }
}

/// Module-wide names that must be unique after case conversion: operation ids become method
/// names, and two operations cannot share a path.
fn check_operation_names(files: &[(String, spec::SpecFile)], diagnostics: &mut Diagnostics) {
    let mut idents: BTreeMap<String, String> = BTreeMap::new();
    let mut paths: BTreeMap<String, String> = BTreeMap::new();
    for (file, spec) in files {
        for (id, op) in spec.operations.iter() {
            let place = Place::new(file, id.referenced, format!("operations.{}", id.value));
            let ident = names::snake_ident(&id.value);
            if let Some(first) = idents.insert(ident.clone(), id.value.clone()) {
                let message = if first == id.value {
                    format!("operation `{}` is defined twice", id.value)
                } else {
                    format!(
                        "operations `{first}` and `{}` both become the method `{ident}`",
                        id.value
                    )
                };
                diagnostics.push(Diagnostic::new(place.clone(), message));
            }
            if let Some(first) = paths.insert(op.path.value.clone(), id.value.clone()) {
                let place = Place::new(
                    file,
                    op.path.referenced,
                    format!("operations.{}.path", id.value),
                );
                diagnostics.push(Diagnostic::new(
                    place,
                    format!(
                        "operations `{first}` and `{}` share the path `{}`",
                        id.value, op.path.value
                    ),
                ));
            }
        }
    }
}

/// The generated crate implements `Operation` for each request type, once: two operations
/// cannot share one.
fn check_shared_request_types(files: &[(String, spec::SpecFile)], diagnostics: &mut Diagnostics) {
    let mut owners: BTreeMap<&str, &str> = BTreeMap::new();
    for (file, spec) in files {
        for (id, op) in spec.operations.iter() {
            if let Some(first) = owners.insert(&op.request.value, &id.value) {
                let place = Place::new(
                    file,
                    op.request.referenced,
                    format!("operations.{}.request", id.value),
                );
                let message = format!(
                    "operations `{first}` and `{}` share the request type `{}`",
                    id.value, op.request.value
                );
                diagnostics.push(
                    Diagnostic::new(place, message)
                        .with_hint("give each operation a request type of its own"),
                );
            }
        }
    }
}

fn docs(text: &Option<String>) -> String {
    text.as_deref().unwrap_or_default().trim().to_owned()
}

impl Lowerer<'_> {
    /// The spec's header names, or the defaults made from the title's first word; each must
    /// be a valid HTTP header name.
    fn headers(&mut self, api: &spec::ApiInfo) -> ir::Headers {
        let word = names::title_word(&api.title);
        let given = api
            .headers
            .as_ref()
            .map(|h| h.value.clone())
            .unwrap_or_default();
        let location = api
            .headers
            .as_ref()
            .map_or(Location::UNKNOWN, |h| h.referenced);
        let mut name = |key: &str, given: Option<String>, default: String| {
            let name = given.unwrap_or(default);
            let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
            if name.is_empty() || !name.chars().all(token) {
                self.error_hint(
                    location,
                    &format!("api.headers.{key}"),
                    format!("`{name}` is not an HTTP header name"),
                    "use letters, digits and `-`, e.g. `Acme-Client-Id`".into(),
                );
            }
            name
        };
        let upper = word.to_uppercase();
        ir::Headers {
            client_id: name("client_id", given.client_id, format!("{upper}-CLIENT-ID")),
            secret: name("secret", given.secret, format!("{upper}-SECRET")),
            version: name("version", given.version, format!("{word}-Version")),
        }
    }

    fn api(&mut self, info: &Spanned<spec::ApiInfo>) -> ir::Api {
        let api = &info.value;
        if let Some(error) = &api.error {
            self.expect_object(error, "api.error");
        }
        let error_summary = match &api.error_summary {
            Some(summary) => self.summary(summary),
            None => Vec::new(),
        };
        let mut variants: BTreeMap<String, &str> = BTreeMap::new();
        for (name, _) in api.servers.iter() {
            let variant = names::variant_ident(&name.value);
            let path = format!("api.servers.{}", name.value);
            if !names::is_valid_ident(&variant) || variant == "Custom" {
                let message = format!(
                    "server name `{}` cannot name an `Environment` variant",
                    name.value
                );
                self.error_hint(
                    name.referenced,
                    &path,
                    message,
                    "`custom` is taken by `Environment::Custom(url)`".into(),
                );
            } else if let Some(first) = variants.insert(variant.clone(), &name.value) {
                self.error(
                    name.referenced,
                    &path,
                    format!(
                        "servers `{first}` and `{}` both become `Environment::{variant}`",
                        name.value
                    ),
                );
            }
        }
        let headers = self.headers(api);
        if !error_summary.is_empty() && api.error.is_none() {
            self.error(
                info.referenced,
                "api.error_summary",
                "`error_summary` describes `error`, which is not set",
            );
        }
        ir::Api {
            title: api.title.clone(),
            version: api.version.clone(),
            headers,
            error: api.error.as_ref().map(|e| e.value.clone()),
            error_summary,
            request_id: api.request_id.as_ref().map(|r| r.value.clone()),
            error_fields: api.error_fields.as_ref().map(|f| f.value.clone()),
            servers: api
                .servers
                .iter()
                .map(|(k, v)| (k.value.clone(), v.clone()))
                .collect(),
            docs: docs(&api.docs),
            place: self.place(info.referenced, "api"),
        }
    }

    /// Splits `"{error_type}: {error_message}"` into text and field names.
    fn summary(&mut self, summary: &Spanned<String>) -> Vec<ir::SummaryPart> {
        let mut parts = Vec::new();
        let mut rest = summary.value.as_str();
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(ir::SummaryPart::Text(rest[..open].to_owned()));
            }
            let Some(close) = rest[open..].find('}') else {
                self.error(
                    summary.referenced,
                    "api.error_summary",
                    "an unclosed `{` in `error_summary`",
                );
                return Vec::new();
            };
            parts.push(ir::SummaryPart::Field(
                rest[open + 1..open + close].to_owned(),
            ));
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            parts.push(ir::SummaryPart::Text(rest.to_owned()));
        }
        parts
    }

    /// Reports a reference that does not name an object type (operations and `api.error`
    /// need a JSON object body).
    fn expect_object(&mut self, name: &spec::Name, path: &str) {
        match self.index.entries.get(&name.value) {
            Some((_, false)) => {}
            Some((_, true)) => {
                self.error(
                    name.referenced,
                    path,
                    format!("`{}` is an enum; a body must be an object type", name.value),
                );
            }
            None => self.unknown_type(name, path, false),
        }
    }

    fn unknown_type(&mut self, name: &spec::Name, path: &str, builtins_allowed: bool) {
        let builtins = builtins_allowed
            .then_some(TyKind::BUILTINS)
            .into_iter()
            .flatten();
        let candidates = builtins.chain(self.index.entries.keys().map(String::as_str));
        let message = format!("unknown type `{}`", name.value);
        match names::closest(&name.value, candidates) {
            Some(best) => self.error_hint(
                name.referenced,
                path,
                message,
                format!("did you mean `{best}`?"),
            ),
            None => self.error(name.referenced, path, message),
        }
    }

    fn operation(&mut self, id: &spec::Name, op: &spec::Operation) -> Option<ir::Operation> {
        let path = format!("operations.{}", id.value);
        let start = self.diagnostics.len();
        if !op.path.value.starts_with('/') {
            self.error(
                op.path.referenced,
                &format!("{path}.path"),
                format!("path `{}` must start with `/`", op.path.value),
            );
        }
        let method = match &op.method {
            None => "POST".to_owned(),
            Some(m) if METHODS.contains(&m.value.as_str()) => m.value.clone(),
            Some(m) => {
                let message = format!("unknown HTTP method `{}`", m.value);
                self.error_hint(
                    m.referenced,
                    &format!("{path}.method"),
                    message,
                    format!("use one of {}", METHODS.join(", ")),
                );
                String::new()
            }
        };
        self.expect_object(&op.request, &format!("{path}.request"));
        self.expect_object(&op.response, &format!("{path}.response"));
        (self.diagnostics.len() == start).then(|| ir::Operation {
            id: id.value.clone(),
            path: op.path.value.clone(),
            method,
            summary: op.summary.trim().to_owned(),
            docs: docs(&op.docs),
            request: op.request.value.clone(),
            response: op.response.value.clone(),
            idempotent: op.idempotent,
        })
    }

    fn type_def(&mut self, name: &spec::Name, def: &spec::TypeDef) -> Option<ir::TypeDef> {
        let path = format!("types.{}", name.value);
        if names::RESERVED_TYPE_NAMES.contains(&name.value.as_str()) {
            let message = format!(
                "type name `{}` is reserved: the generated code uses it",
                name.value
            );
            self.error_hint(
                name.referenced,
                &path,
                message,
                format!("rename it, e.g. `Api{}`", name.value),
            );
        } else if !names::is_type_ident(&name.value) {
            let hint = format!("write it as `{}`", names::suggest_type_ident(&name.value));
            let message = format!(
                "type name `{}` is not an UpperCamelCase Rust identifier",
                name.value
            );
            self.error_hint(name.referenced, &path, message, hint);
        }
        let kind = match (&def.fields, &def.values) {
            (Some(fields), None) => ir::TypeKind::Object(self.object(&path, fields, &def.rules)),
            (None, Some(values)) => {
                if !def.rules.is_empty() {
                    self.error(
                        name.referenced,
                        &path,
                        "rules apply to object types, not enums",
                    );
                }
                ir::TypeKind::Enum(self.enumeration(&path, name.referenced, values))
            }
            (Some(_), Some(_)) => {
                self.error(
                    name.referenced,
                    &path,
                    "a type has either `fields` (an object) or `values` (an enum), not both",
                );
                return None;
            }
            (None, None) => {
                let hint = "objects list `fields:`, enums list `values:`".to_owned();
                self.error_hint(
                    name.referenced,
                    &path,
                    "a type needs `fields` or `values`".into(),
                    hint,
                );
                return None;
            }
        };
        let examples = def
            .examples
            .iter()
            .enumerate()
            .map(|(i, e)| ir::Example {
                value: e.value.clone(),
                place: self.place(e.referenced, format!("{path}.examples[{i}]")),
            })
            .collect();
        Some(ir::TypeDef {
            name: name.value.clone(),
            docs: docs(&def.docs),
            kind,
            examples,
            place: self.place(name.referenced, path),
        })
    }

    fn object(
        &mut self,
        path: &str,
        fields: &spec::OrderedMap<spec::Field>,
        rules: &[Spanned<spec::Rule>],
    ) -> ir::Object {
        let mut idents: BTreeMap<String, String> = BTreeMap::new();
        let mut lowered = Vec::new();
        for (wire, field) in fields.iter() {
            let field_path = format!("{path}.fields.{}", wire.value);
            let ident = names::snake_ident(&wire.value);
            if let Some(first) = idents.insert(ident.clone(), wire.value.clone()) {
                let message = format!(
                    "fields `{first}` and `{}` both become the Rust field `{ident}`",
                    wire.value
                );
                self.error_hint(
                    wire.referenced,
                    &field_path,
                    message,
                    "rename one of them in the spec".into(),
                );
            }
            if !names::is_valid_ident(&ident) {
                let message = format!(
                    "field `{}` has no usable Rust name (it becomes `{ident}`)",
                    wire.value
                );
                self.error_hint(
                    wire.referenced,
                    &field_path,
                    message,
                    "only letters, digits and `_` carry over".into(),
                );
            }
            // A field whose type does not resolve stays in the model (as `any`), so rules and
            // examples that name it are not reported as naming a missing field.
            let ty = self.ty(field, wire.referenced, &field_path).unwrap_or(Ty {
                kind: TyKind::Any,
                constraints: Constraints::default(),
            });
            if field.sensitive && !is_scalar_or_scalars(&ty.kind) {
                let message =
                    "`sensitive` applies to strings, numbers and arrays of them".to_owned();
                self.error_hint(
                    wire.referenced,
                    &field_path,
                    message,
                    "mark the sensitive fields of the nested type instead".into(),
                );
            }
            lowered.push(ir::Field {
                wire: wire.value.clone(),
                ident,
                docs: docs(&field.docs),
                required: field.required,
                nullable: field.nullable,
                sensitive: field.sensitive,
                ty,
                place: self.place(wire.referenced, field_path),
            });
        }
        let rules = rules
            .iter()
            .enumerate()
            .filter_map(|(i, rule)| self.rule(&format!("{path}.rules[{i}]"), rule))
            .collect();
        ir::Object {
            fields: lowered,
            rules,
        }
    }

    fn enumeration(
        &mut self,
        path: &str,
        location: Location,
        values: &[Spanned<spec::EnumValue>],
    ) -> ir::Enum {
        if values.is_empty() {
            self.error(location, path, "an enum needs at least one value");
        }
        let mut wires: BTreeMap<&str, ()> = BTreeMap::new();
        let mut idents: BTreeMap<String, &str> = BTreeMap::new();
        let mut lowered = Vec::new();
        for (i, value) in values.iter().enumerate() {
            let value_path = format!("{path}.values[{i}]");
            let wire = value.value.value.as_str();
            if wires.insert(wire, ()).is_some() {
                self.error(
                    value.referenced,
                    &value_path,
                    format!("enum value `{wire}` is listed twice"),
                );
                continue;
            }
            let ident = names::variant_ident(wire);
            if !names::is_valid_ident(&ident) {
                self.error(
                    value.referenced,
                    &value_path,
                    format!("enum value `{wire}` has no usable Rust name (it becomes `{ident}`)"),
                );
            } else if ident == "Unknown" {
                let message = format!(
                    "enum value `{wire}` becomes the variant `Unknown`, which holds values unknown at generation time"
                );
                self.error(value.referenced, &value_path, message);
            } else if let Some(first) = idents.insert(ident.clone(), wire) {
                self.error(
                    value.referenced,
                    &value_path,
                    format!("enum values `{first}` and `{wire}` both become the variant `{ident}`"),
                );
            }
            lowered.push(ir::EnumValue {
                wire: wire.to_owned(),
                ident,
                docs: docs(&value.value.docs),
            });
        }
        ir::Enum { values: lowered }
    }

    /// Lowers a field's type and constraints. `None` when the type itself cannot be resolved;
    /// constraint problems are reported but still yield a type, so later checks can run.
    fn ty(&mut self, field: &spec::Field, location: Location, path: &str) -> Option<Ty> {
        let Some(name) = &field.ty else {
            self.error(location, path, "missing `type`");
            return None;
        };
        let kind = match name.value.as_str() {
            "string" => TyKind::String,
            "integer" => TyKind::Integer,
            "number" => TyKind::Number,
            "boolean" => TyKind::Boolean,
            "any" => TyKind::Any,
            "array" => {
                let Some(items) = &field.items else {
                    let hint = "add `items: { type: ... }`".to_owned();
                    self.error_hint(name.referenced, path, "an array needs `items`".into(), hint);
                    return None;
                };
                let items_path = format!("{path}.items");
                for (set, key) in [
                    (items.value.required, "required"),
                    (items.value.nullable, "nullable"),
                    (items.value.docs.is_some(), "docs"),
                    (items.value.sensitive, "sensitive"),
                ] {
                    if set {
                        self.error(
                            items.referenced,
                            &items_path,
                            format!("`{key}` belongs on the array field, not on its `items`"),
                        );
                    }
                }
                TyKind::Array(Box::new(self.ty(
                    &items.value,
                    items.referenced,
                    &items_path,
                )?))
            }
            other if self.index.is_known(other) => TyKind::Named(other.to_owned()),
            _ => {
                self.unknown_type(name, &format!("{path}.type"), true);
                return None;
            }
        };
        if field.items.is_some() && !matches!(kind, TyKind::Array(_)) {
            self.error(
                location,
                path,
                format!(
                    "`items` only goes with `type: array`, but this is {}",
                    kind.describe()
                ),
            );
        }
        let constraints = self.constraints(field, &kind, location, path);
        Some(Ty { kind, constraints })
    }

    fn constraints(
        &mut self,
        field: &spec::Field,
        kind: &TyKind,
        location: Location,
        path: &str,
    ) -> Constraints {
        let is_string = *kind == TyKind::String;
        let is_number = matches!(kind, TyKind::Integer | TyKind::Number);
        let is_array = matches!(kind, TyKind::Array(_));
        let applies = [
            ("format", field.format.is_some(), is_string),
            ("min_length", field.min_length.is_some(), is_string),
            ("max_length", field.max_length.is_some(), is_string),
            ("pattern", field.pattern.is_some(), is_string),
            ("non_blank", field.non_blank, is_string),
            ("has_letter", field.has_letter, is_string),
            ("minimum", field.minimum.is_some(), is_number),
            ("maximum", field.maximum.is_some(), is_number),
            ("min_items", field.min_items.is_some(), is_array),
            ("max_items", field.max_items.is_some(), is_array),
            ("unique_items", field.unique_items, is_array),
        ];
        for (key, set, ok) in applies {
            if set && !ok {
                let message = format!("`{key}` cannot apply to {}", kind.describe());
                let hint = if is_array && !key.contains("items") {
                    "string constraints of array elements go under `items:`"
                } else {
                    "remove it, or change the type"
                };
                self.error_hint(location, path, message, hint.into());
            }
        }
        self.check_range(
            location,
            path,
            "min_length",
            field.min_length,
            "max_length",
            field.max_length,
        );
        self.check_range(
            location,
            path,
            "min_items",
            field.min_items,
            "max_items",
            field.max_items,
        );
        for (key, bound) in [("minimum", field.minimum), ("maximum", field.maximum)] {
            if bound.is_some_and(|b| !b.is_finite()) {
                self.error(location, path, format!("`{key}` must be a finite number"));
            }
        }
        if let (Some(min), Some(max)) = (field.minimum, field.maximum)
            && min > max
        {
            self.error(
                location,
                path,
                format!("contradictory constraints: `minimum` {min} is above `maximum` {max}"),
            );
        }
        Constraints {
            format: field.format.as_ref().and_then(|f| self.format(f, path)),
            min_length: field.min_length,
            max_length: field.max_length,
            pattern: field.pattern.as_ref().and_then(|p| self.pattern(p, path)),
            non_blank: field.non_blank,
            has_letter: field.has_letter,
            minimum: field.minimum.filter(|b| b.is_finite()),
            maximum: field.maximum.filter(|b| b.is_finite()),
            min_items: field.min_items,
            max_items: field.max_items,
            unique_items: field.unique_items,
        }
    }

    fn check_range(
        &mut self,
        location: Location,
        path: &str,
        low_key: &str,
        low: Option<u64>,
        high_key: &str,
        high: Option<u64>,
    ) {
        if let (Some(low), Some(high)) = (low, high)
            && low > high
        {
            self.error(
                location,
                path,
                format!(
                    "contradictory constraints: `{low_key}` {low} is above `{high_key}` {high}"
                ),
            );
        }
    }

    fn format(&mut self, format: &Spanned<String>, path: &str) -> Option<Format> {
        let parsed = Format::parse(&format.value);
        if parsed.is_none() {
            let message = format!("unknown format `{}`", format.value);
            let known = Format::ALL.map(|(n, _)| n);
            let hint = match names::closest(&format.value, known) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("known formats: {}", known.join(", ")),
            };
            self.error_hint(format.referenced, &format!("{path}.format"), message, hint);
        }
        parsed
    }

    fn pattern(&mut self, pattern: &Spanned<String>, path: &str) -> Option<String> {
        match regex_lite::Regex::new(&pattern.value) {
            Ok(_) => Some(pattern.value.clone()),
            Err(e) => {
                // The regex crate's message spans several lines with its own caret; the last
                // line names the problem.
                let detail = e.to_string();
                let detail = detail
                    .lines()
                    .rev()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or_default()
                    .trim();
                let detail = detail.strip_prefix("error: ").unwrap_or(detail);
                self.error(
                    pattern.referenced,
                    &format!("{path}.pattern"),
                    format!("invalid regular expression `{}`: {detail}", pattern.value),
                );
                None
            }
        }
    }

    fn rule(&mut self, path: &str, rule: &Spanned<spec::Rule>) -> Option<ir::Rule> {
        let location = rule.referenced;
        let spec::Rule {
            docs: rule_docs,
            one_of_required,
            when,
            require,
        } = &rule.value;
        let kind = match (one_of_required, require) {
            (Some(fields), None) => {
                if when.is_some() {
                    self.error(
                        location,
                        path,
                        "`when` goes with `require`, not with `one_of_required`",
                    );
                }
                if fields.len() < 2 {
                    self.error(
                        location,
                        path,
                        "`one_of_required` lists at least two fields",
                    );
                }
                RuleKind::OneOfRequired(fields.iter().map(|f| f.value.clone()).collect())
            }
            (None, Some(req)) => {
                let constraints = spec::Field {
                    format: req.format.clone(),
                    min_length: req.min_length,
                    max_length: req.max_length,
                    pattern: req.pattern.clone(),
                    non_blank: req.non_blank,
                    has_letter: req.has_letter,
                    ..spec::Field::default()
                };
                let constraints = self.constraints(&constraints, &TyKind::String, location, path);
                let check = match (&req.equals, constraints.is_empty()) {
                    (Some(value), true) => Check::Equals(value.clone()),
                    (None, false) => Check::Constraints(constraints),
                    _ => {
                        self.error(location, path, "`require` takes either `equals` or constraints, exactly one of the two");
                        return None;
                    }
                };
                let when = when.as_ref().map(|w| ir::Condition {
                    field: split_path(&w.field.value),
                    equals: w.equals.clone(),
                });
                RuleKind::Require {
                    when,
                    field: split_path(&req.field.value),
                    check,
                }
            }
            _ => {
                self.error(
                    location,
                    path,
                    "a rule has exactly one of `one_of_required` and `require`",
                );
                return None;
            }
        };
        Some(ir::Rule {
            kind,
            docs: docs(rule_docs),
            place: self.place(location, path),
        })
    }
}

fn split_path(path: &str) -> Vec<String> {
    path.split('.').map(str::to_owned).collect()
}

fn is_scalar_or_scalars(kind: &TyKind) -> bool {
    match kind {
        TyKind::String | TyKind::Integer | TyKind::Number | TyKind::Boolean => true,
        TyKind::Array(item) => is_scalar_or_scalars(&item.kind),
        TyKind::Any | TyKind::Named(_) => false,
    }
}
