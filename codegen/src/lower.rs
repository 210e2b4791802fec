//! From the serde mirror to the IR: resolves names and types. What a spec may say is judged
//! in `check`; lowering translates what it finds and reports only what resolution itself
//! meets (a name that names no type, a body that names an enum). A part that cannot be
//! translated is left out, so the model-wide checks still run on the rest.

use serde_saphyr::Spanned;

use crate::diag::{Cursor, Diagnostics};
use crate::index::TypeIndex;
use crate::ir::{self, BodyKind, Check, Constraints, RuleKind, Ty, TyKind};
use crate::names;
use crate::spec;

/// `None` when no file has an `api` block (which `check` reports).
pub fn lower(
    files: &[(String, spec::SpecFile)],
    index: &TypeIndex,
    diagnostics: &mut Diagnostics,
) -> Option<ir::Model> {
    // Files lower independently (on every core); their diagnostics are sorted at the end.
    let lowered = crate::parallel::map(files, |(file, spec)| {
        let mut found = Diagnostics::default();
        let mut lowerer = Lowerer {
            index,
            diagnostics: &mut found,
        };
        let root = Cursor::root(file);
        let types: Vec<_> = spec
            .types
            .iter()
            .filter_map(|(name, def)| {
                let at = root.key("types").key(&name.value);
                let id = index.id(&name.value)?;
                // A duplicate (reported by `check`) gets no id and is left out.
                index
                    .is_first_definition(&name.value, &at.at(name.referenced).place())
                    .then(|| lowerer.type_def(&at, id, name, def))
            })
            .collect();
        let operations: Vec<_> = spec
            .operations
            .iter()
            .filter_map(|(id, op)| {
                lowerer.operation(&root.key("operations").key(&id.value), id, op)
            })
            .collect();
        (types, operations, found)
    });
    let mut modules = Vec::new();
    let mut operations = Vec::new();
    let mut api = None;
    for ((file, spec), (types, file_operations, found)) in files.iter().zip(lowered) {
        diagnostics.0.extend(found.0);
        operations.extend(file_operations);
        if let (None, Some(info)) = (&api, &spec.api) {
            let mut lowerer = Lowerer { index, diagnostics };
            api = Some(lowerer.api(&Cursor::root(file).key("api").at(info.referenced), info));
        }
        let module = ir::Module {
            name: names::snake_ident(names::file_stem(file)),
            source: file.clone(),
            types: 0..0,
        };
        modules.push((module, types));
    }
    for (file, spec) in files {
        if let Some(refine) = &spec.refine {
            let at = Cursor::root(file).key("refine").at(refine.referenced);
            apply(&at, &refine.value, index, &mut modules, &mut operations);
        }
    }
    document_named_fields(&mut modules);
    // A file that defines no type (the `api` block, refinements) makes no module.
    modules.retain(|(_, types)| !types.is_empty());
    let api = api?;
    for op in &mut operations {
        // An alternative with no scheme (OpenAPI's `{}`) makes credentials optional.
        let requirement = op.security.as_ref().unwrap_or(&api.security);
        op.authenticated = !requirement.is_empty() && requirement.iter().all(|alt| !alt.is_empty());
    }
    Some(ir::Model::new(api, modules, operations))
}

/// A scheme `check` accepted; one it reported is left out.
fn security_scheme(name: &str, scheme: &spec::SecurityScheme) -> Option<ir::SecurityScheme> {
    let kind = match scheme.kind.value.as_str() {
        "api_key" => ir::SchemeKind::ApiKey {
            location: match scheme.location.as_ref()?.value.as_str() {
                "header" => ir::KeyLocation::Header,
                "query" => ir::KeyLocation::Query,
                "cookie" => ir::KeyLocation::Cookie,
                _ => return None,
            },
            name: scheme.name.as_ref()?.value.clone(),
            api_version: scheme.value.is_some(),
        },
        "http_bearer" => ir::SchemeKind::HttpBearer,
        "http_basic" => ir::SchemeKind::HttpBasic,
        "oauth2" => ir::SchemeKind::OAuth2,
        _ => return None,
    };
    Some(ir::SecurityScheme {
        name: name.to_owned(),
        kind,
        docs: docs(&scheme.docs),
    })
}

/// Adds what a `refine` section says to the types and operations it names. What it may say
/// was judged by `check::refine`; a name that names nothing is left alone here.
fn apply(
    at: &Cursor<'_>,
    refine: &spec::Refine,
    index: &TypeIndex,
    modules: &mut [(ir::Module, Vec<ir::TypeDef>)],
    operations: &mut [ir::Operation],
) {
    for (name, refinement) in refine.types.iter() {
        let Some(id) = index.id(&name.value) else {
            continue;
        };
        let Some(def) = modules
            .iter_mut()
            .flat_map(|(_, types)| types.iter_mut())
            .find(|t| t.id == id)
        else {
            continue;
        };
        let at_type = at.key("types").key(&name.value).at(name.referenced);
        add_docs(&mut def.docs, &refinement.docs);
        let examples = refinement
            .examples
            .iter()
            .enumerate()
            .map(|(i, e)| ir::Example {
                value: e.value.clone(),
                place: at_type.key("examples").index(i).at(e.referenced).place(),
            });
        def.examples.splice(0..0, examples);
        // The docs page often shows the example the OpenAPI already gives: shown once, where
        // the refinement puts it.
        let mut seen = Vec::new();
        def.examples.retain(|e| {
            let new = !seen.contains(&e.value);
            if new {
                seen.push(e.value.clone());
            }
            new
        });
        match &mut def.kind {
            ir::TypeKind::Object(object) => {
                for (wire, field) in refinement.fields.iter().flat_map(|f| f.iter()) {
                    if let Some(target) = object.fields.iter_mut().find(|f| f.wire == wire.value) {
                        add_docs(&mut target.docs, &field.docs);
                        target.sensitive |= field.sensitive;
                        add_constraints(&mut target.ty, field);
                    }
                }
                let rules = refinement.rules.iter().enumerate().filter_map(|(i, rule)| {
                    rule_of(&at_type.key("rules").index(i).at(rule.referenced), rule)
                });
                object.rules.extend(rules);
            }
            // A refinement of a `one_of` gives docs and examples only.
            ir::TypeKind::OneOf(_) => {}
            ir::TypeKind::Enum(e) => {
                for value in refinement.values.iter().flatten() {
                    if let Some(target) = e.values.iter_mut().find(|v| v.wire == value.value.value)
                    {
                        add_docs(&mut target.docs, &value.value.docs);
                    }
                }
            }
        }
    }
    if !refine.sensitive.is_empty() {
        let fields = object_fields(modules);
        for field in fields {
            let matched = refine
                .sensitive
                .iter()
                .any(|p| names::matches_wildcard(&p.value, &field.wire));
            // Objects and enums carry their own sensitive fields, or none.
            if matched && field.ty.kind.is_scalar_or_scalars() {
                field.sensitive = true;
            }
        }
    }
    for (id, refinement) in refine.operations.iter() {
        let Some(op) = operations.iter_mut().find(|op| op.id == id.value) else {
            continue;
        };
        if let Some(summary) = &refinement.summary {
            op.summary = summary.trim().to_owned();
        }
        add_docs(&mut op.docs, &refinement.docs);
        if let Some(idempotent) = refinement.idempotent {
            op.idempotent = idempotent;
        }
        if let Some(body) = refinement
            .body
            .as_ref()
            .and_then(|b| BodyKind::from_spec(&b.value))
        {
            op.body = body;
        }
    }
}

/// The refinement's constraints that the field does not have yet (one it has is the same, or
/// `check::refine` reported the contradiction), also on array items.
fn add_constraints(ty: &mut Ty, refinement: &spec::Field) {
    for constraint in Constraints::from_keys(&refinement.constraint_keys()).iter() {
        let kind = std::mem::discriminant(constraint);
        if !ty
            .constraints
            .iter()
            .any(|c| std::mem::discriminant(c) == kind)
        {
            ty.constraints.add(constraint.clone());
        }
    }
    if let (Some(refined), TyKind::Array { items, .. }) = (&refinement.items, &mut ty.kind) {
        add_constraints(items, &refined.value);
    }
}

/// Every situation's type and code: the spec's where it gives them (an unknown situation is
/// reported by `check`), the default otherwise.
fn server_errors(
    at: &Cursor<'_>,
    given: Option<&Spanned<spec::OrderedMap<spec::ServerErrorCode>>>,
) -> Vec<ir::ServerErrorCode> {
    ir::SERVER_SITUATIONS
        .iter()
        .map(|situation| {
            let entry = given.and_then(|given| {
                given
                    .value
                    .iter()
                    .find(|(key, _)| key.value == situation.key)
            });
            match entry {
                Some((_, entry)) => {
                    let at = at.key(situation.key);
                    ir::ServerErrorCode {
                        situation,
                        kind: entry.kind.value.clone(),
                        code: entry.code.value.clone(),
                        kind_place: Some(at.key("type").at(entry.kind.referenced).place()),
                        code_place: Some(at.key("code").at(entry.code.referenced).place()),
                    }
                }
                None => ir::ServerErrorCode {
                    situation,
                    kind: situation.default_type.to_owned(),
                    code: situation.default_code.to_owned(),
                    kind_place: None,
                    code_place: None,
                },
            }
        })
        .collect()
}

/// A refinement's prose adds to the imported docs, in a paragraph of its own after them: the
/// OpenAPI is newer than the docs pages the refinements transcribe, so its text stays. Prose the
/// imported docs already contain (whitespace aside) is not repeated.
fn add_docs(target: &mut String, refinement: &Option<String>) {
    let extra = docs(refinement);
    if extra.is_empty() || collapse_whitespace(target).contains(&collapse_whitespace(&extra)) {
        return;
    }
    if !target.is_empty() {
        target.push_str("\n\n");
    }
    target.push_str(&extra);
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every field of every object type, to set what a refinement says of fields by name.
fn object_fields(
    modules: &mut [(ir::Module, Vec<ir::TypeDef>)],
) -> impl Iterator<Item = &mut ir::Field> {
    modules
        .iter_mut()
        .flat_map(|(_, types)| types.iter_mut())
        .filter_map(|def| match &mut def.kind {
            ir::TypeKind::Object(object) => Some(object.fields.iter_mut()),
            ir::TypeKind::Enum(_) | ir::TypeKind::OneOf(_) => None,
        })
        .flatten()
}

/// A field of a named type that has no docs of its own is documented by the type's summary,
/// so that rustdoc's field list says what each field holds without a click through.
fn document_named_fields(modules: &mut [(ir::Module, Vec<ir::TypeDef>)]) {
    let summaries: std::collections::BTreeMap<ir::TypeId, String> = modules
        .iter()
        .flat_map(|(_, types)| types.iter())
        .filter_map(|def| summary(&def.docs).map(|s| (def.id, s)))
        .collect();
    let fields = object_fields(modules);
    for field in fields {
        if let (true, TyKind::Named(id)) = (field.docs.is_empty(), &field.ty.kind)
            && let Some(summary) = summaries.get(id)
        {
            field.docs = summary.clone();
        }
    }
}

/// The first sentence of the docs' first paragraph (all of it when no sentence ends in it).
/// Docs that open with a list, or whose first sentence announces one ("one of the following:"),
/// have no sentence that stands alone.
fn summary(docs: &str) -> Option<String> {
    let paragraph = docs.split("\n\n").next()?;
    let mut lines = paragraph.lines();
    let first = lines.next()?;
    if list_item(first) {
        return None;
    }
    let opening: Vec<&str> = std::iter::once(first)
        .chain(lines.take_while(|line| !list_item(line)))
        .collect();
    let text = collapse_whitespace(&opening.join(" "));
    let end = text
        .match_indices(". ")
        .map(|(i, _)| i)
        .find(|&i| !ABBREVIATIONS.iter().any(|a| text[..i].ends_with(a)))
        .map_or(text.len(), |i| i + 1);
    let sentence = text[..end].trim();
    (!sentence.is_empty() && !sentence.ends_with(':')).then(|| sentence.to_owned())
}

/// A line that starts an item of a list: `- x`, `* x`, or a value being defined (`` `buy`: ``,
/// `` `credit:` ``).
fn list_item(line: &str) -> bool {
    let line = line.trim_start();
    if line.starts_with("- ") || line.starts_with("* ") {
        return true;
    }
    let Some(code) = line.strip_prefix('`') else {
        return false;
    };
    code.split_once('`')
        .is_some_and(|(term, rest)| term.ends_with(':') || rest.starts_with(':'))
}

/// Words whose period ends no sentence.
const ABBREVIATIONS: &[&str] = &["e.g", "i.e", "etc", "vs", "approx", "Inc", "Ltd", "U.S"];

fn docs(text: &Option<String>) -> String {
    text.as_deref().unwrap_or_default().trim().to_owned()
}

struct Lowerer<'a> {
    index: &'a TypeIndex,
    diagnostics: &'a mut Diagnostics,
}

impl Lowerer<'_> {
    fn api(&mut self, at: &Cursor<'_>, info: &Spanned<spec::ApiInfo>) -> ir::Api {
        let api = &info.value;
        let error = api
            .error
            .as_ref()
            .and_then(|error| self.expect_object(&at.key("error"), error));
        let error_summary = api
            .error_summary
            .as_ref()
            .and_then(|summary| ir::SummaryPart::parse(&summary.value).ok())
            .unwrap_or_default();
        let server_errors = server_errors(&at.key("server_errors"), api.server_errors.as_ref());
        ir::Api {
            title: api.title.clone(),
            version: api.version.clone(),
            package: api
                .package
                .as_ref()
                .map_or_else(|| names::package_name(&api.title), |p| p.value.clone()),
            license: api.license.as_ref().map(|l| l.value.clone()),
            security_schemes: api
                .security_schemes
                .iter()
                .filter_map(|(name, scheme)| security_scheme(&name.value, scheme))
                .collect(),
            security: api
                .security
                .as_ref()
                .map(|s| s.value.clone())
                .unwrap_or_default(),
            error,
            error_summary,
            request_id: api.request_id.as_ref().map(|r| r.value.clone()),
            error_fields: api.error_fields.as_ref().map(|f| ir::ErrorFields {
                kind: f.value.kind.clone(),
                code: f.value.code.clone(),
                message: f.value.message.clone(),
                status: f.value.status.clone(),
            }),
            servers: api
                .servers
                .iter()
                .map(|(k, v)| (k.value.clone(), v.clone()))
                .collect(),
            server_errors,
            docs: docs(&api.docs),
            place: at.place(),
        }
    }

    /// The object type a reference names; a reference that does not name one (operations and
    /// `api.error` need a JSON object body) is reported.
    fn expect_object(&mut self, at: &Cursor<'_>, name: &spec::Name) -> Option<ir::TypeId> {
        match self.index.is_enum(&name.value) {
            Some(false) => self.index.id(&name.value),
            Some(true) => {
                self.diagnostics.push(at.at(name.referenced).error(format!(
                    "`{}` is an enum; a body must be an object type",
                    name.value
                )));
                None
            }
            None => {
                self.unknown_type(at, name, false);
                None
            }
        }
    }

    fn unknown_type(&mut self, at: &Cursor<'_>, name: &spec::Name, builtins_allowed: bool) {
        if self.index.is_broken(&name.value) {
            return;
        }
        let builtins = builtins_allowed
            .then_some(TyKind::BUILTINS)
            .into_iter()
            .flatten();
        let candidates = builtins.chain(self.index.names());
        let diagnostic = at
            .at(name.referenced)
            .error(format!("unknown type `{}`", name.value));
        self.diagnostics
            .push(match names::closest(&name.value, candidates) {
                Some(best) => diagnostic.with_hint(format!("did you mean `{best}`?")),
                None => diagnostic,
            });
    }

    fn operation(
        &mut self,
        at: &Cursor<'_>,
        id: &spec::Name,
        op: &spec::Operation,
    ) -> Option<ir::Operation> {
        let request = self.expect_object(&at.key("request"), &op.request);
        let response = self.response(at, op.answer());
        // Each answer is lowered, so that each unknown type is reported.
        let answers: Vec<Option<ir::Answer>> = op
            .answers
            .iter()
            .enumerate()
            .map(|(i, answer)| {
                let at = at.key("answers").index(i).at(answer.referenced);
                Some(ir::Answer {
                    status: answer.value.status.value,
                    response: self.response(&at, answer.value.shape())?,
                    docs: docs(&answer.value.docs),
                    place: at.place(),
                })
            })
            .collect();
        let method = match &op.method {
            None => ir::HttpMethod::Post,
            Some(method) => ir::HttpMethod::parse(&method.value)?,
        };
        let answers: Option<Vec<ir::Answer>> = answers.into_iter().collect();
        let error = match &op.error {
            Some(name) => Some(self.expect_object(&at.key("error"), name)?),
            None => None,
        };
        let (request, response, answers) = (request?, response?, answers?);
        let (path, variant) = crate::paths::split_variant(&op.path.value);
        op.path.value.starts_with('/').then(|| ir::Operation {
            id: id.value.clone(),
            path: path.to_owned(),
            variant: variant.map(str::to_owned),
            method,
            summary: op.summary.trim().to_owned(),
            docs: docs(&op.docs),
            request,
            response,
            status: op.status.as_ref().map_or(200, |s| s.value),
            idempotent: op.idempotent,
            deprecated: op.deprecated,
            authenticated: op.authenticated,
            // `authenticated: false` is the older spelling of `security: []`.
            security: if op.authenticated {
                op.security.as_ref().map(|s| s.value.clone())
            } else {
                Some(Vec::new())
            },
            body: op
                .body
                .as_ref()
                .and_then(|b| BodyKind::from_spec(&b.value))
                .unwrap_or_default(),
            answers,
            error,
        })
    }

    /// The body of an answer; `None` (reported) for a type that is not an object.
    fn response(&mut self, at: &Cursor<'_>, answer: spec::AnswerShape<'_>) -> Option<ir::Response> {
        match (answer.response.value.as_str(), answer.content_type) {
            ("bytes", Some(media)) => Some(ir::Response::Bytes(media.value.clone())),
            ("empty", None) => Some(ir::Response::Empty),
            // A media type without `bytes` (or `bytes` without one) is reported by `check`.
            ("bytes" | "empty", _) => None,
            ("array", _) => answer
                .items
                .and_then(|items| self.expect_object(&at.key("items"), items))
                .map(ir::Response::JsonArray),
            _ => self
                .expect_object(&at.key("response"), answer.response)
                .map(ir::Response::Json),
        }
    }

    /// A member that names no object type is left out (and reported).
    fn one_of(&mut self, at: &Cursor<'_>, def: &spec::TypeDef) -> ir::OneOf {
        let members = def.one_of.as_ref().expect("a one_of type");
        let at_members = at.key("one_of").at(members.referenced);
        let discriminator = def.discriminator.as_ref().map(|d| &d.value);
        let members = members
            .value
            .iter()
            .enumerate()
            .filter_map(|(i, name)| {
                let at_member = at.key("one_of").index(i);
                // A repeated member is reported by `check`; it is one variant.
                if members.value[..i].iter().any(|m| m.value == name.value) {
                    return None;
                }
                if self.index.is_enum(&name.value) == Some(true) {
                    self.diagnostics
                        .push(at_member.at(name.referenced).error(format!(
                            "`{}` is an enum; a `one_of` lists object types",
                            name.value
                        )));
                    return None;
                }
                let ty = self.expect_object(&at_member, name)?;
                let tags = match discriminator {
                    None => Vec::new(),
                    Some(d) => {
                        let mapped: Vec<String> = d
                            .mapping
                            .iter()
                            .filter(|(_, member)| member.value == name.value)
                            .map(|(value, _)| value.value.clone())
                            .collect();
                        if mapped.is_empty() {
                            vec![name.value.clone()]
                        } else {
                            mapped
                        }
                    }
                };
                Some(ir::Member {
                    ty,
                    tags,
                    place: at_member.at(name.referenced).place(),
                })
            })
            .collect();
        ir::OneOf {
            members,
            discriminator: discriminator.map(|d| d.property.value.clone()),
            place: at_members.place(),
        }
    }

    /// Every indexed type is lowered, so that ids stay positions; a definition with both
    /// `fields` and `values` or neither (reported by `check`) becomes an empty object.
    fn type_def(
        &mut self,
        at: &Cursor<'_>,
        id: ir::TypeId,
        name: &spec::Name,
        def: &spec::TypeDef,
    ) -> ir::TypeDef {
        let kind = match (&def.fields, &def.values) {
            _ if def.one_of.is_some() => ir::TypeKind::OneOf(self.one_of(at, def)),
            (None, Some(values)) => ir::TypeKind::Enum(ir::Enum {
                values: enum_values(values),
            }),
            (fields, _) => ir::TypeKind::Object(match fields {
                Some(fields) => self.object(at, fields, &def.rules),
                None => ir::Object {
                    fields: Vec::new(),
                    rules: Vec::new(),
                },
            }),
        };
        let examples = def
            .examples
            .iter()
            .enumerate()
            .map(|(i, e)| ir::Example {
                value: e.value.clone(),
                place: at.key("examples").index(i).at(e.referenced).place(),
            })
            .collect();
        // Only an object carries a pair (`check` reports one on an enum).
        let webhook = def
            .webhook
            .as_ref()
            .filter(|_| matches!(kind, ir::TypeKind::Object(_)))
            .map(|w| ir::WebhookKey {
                kind: w.value.kind.value.clone(),
                code: w.value.code.value.clone(),
            });
        ir::TypeDef {
            id,
            name: name.value.clone(),
            module: 0,
            docs: docs(&def.docs),
            kind,
            examples,
            deprecated: def.deprecated,
            webhook,
            place: at.at(name.referenced).place(),
        }
    }

    fn object(
        &mut self,
        at: &Cursor<'_>,
        fields: &spec::OrderedMap<spec::Field>,
        rules: &[Spanned<spec::Rule>],
    ) -> ir::Object {
        let fields = fields
            .iter()
            .map(|(wire, field)| {
                let at_field = at.key("fields").key(&wire.value).at(wire.referenced);
                // A field whose type does not resolve stays in the model (as `any`), so rules
                // and examples that name it are not reported as naming a missing field.
                let ty = self.ty(&at_field, field).unwrap_or(Ty {
                    kind: TyKind::Any,
                    constraints: Constraints::default(),
                    number_format: None,
                });
                ir::Field {
                    wire: wire.value.clone(),
                    ident: names::snake_ident(&wire.value),
                    docs: docs(&field.docs),
                    presence: ir::Presence::new(field.required, field.nullable),
                    sensitive: field.sensitive,
                    deprecated: field.deprecated,
                    ty,
                    location: location(field),
                    place: at_field.place(),
                }
            })
            .collect();
        let rules = rules
            .iter()
            .enumerate()
            .filter_map(|(i, rule)| rule_of(&at.key("rules").index(i).at(rule.referenced), rule))
            .collect();
        ir::Object { fields, rules }
    }

    /// A field's type and constraints; `None` when the type itself does not resolve.
    fn ty(&mut self, at: &Cursor<'_>, field: &spec::Field) -> Option<Ty> {
        let name = field.ty.as_ref()?;
        let kind = match name.value.as_str() {
            "string" => TyKind::String,
            "integer" => TyKind::Integer,
            "number" => TyKind::Number,
            "boolean" => TyKind::Boolean,
            "any" => TyKind::Any,
            "file" => TyKind::File,
            "array" => {
                let items = field.items.as_ref()?;
                TyKind::Array {
                    items: Box::new(self.ty(&at.key("items").at(items.referenced), &items.value)?),
                    nullable: items.value.nullable,
                }
            }
            "map" => {
                let values = field.values.as_ref()?;
                TyKind::Map {
                    values: Box::new(
                        self.ty(&at.key("values").at(values.referenced), &values.value)?,
                    ),
                    nullable: values.value.nullable,
                }
            }
            other => match self.index.id(other) {
                Some(id) => TyKind::Named(id),
                None => {
                    self.unknown_type(&at.key("type"), name, true);
                    return None;
                }
            },
        };
        let constraints = Constraints::from_keys(&field.constraint_keys());
        // A width that does not suit the type is reported by `check`; a string's format is a
        // constraint instead.
        let number_format = field
            .format
            .as_ref()
            .and_then(|f| ir::NumberFormat::parse(&f.value))
            .filter(|f| match kind {
                TyKind::Integer => f.is_integer(),
                TyKind::Number => !f.is_integer(),
                _ => false,
            });
        Some(Ty {
            kind,
            constraints,
            number_format,
        })
    }
}

/// Where a field travels; an unknown `in` (reported by `check`) counts as the body, and a
/// header without its name (also reported) stays a header, so nothing more is reported of it.
fn location(field: &spec::Field) -> ir::Location {
    match (
        field.location.as_ref().map(|l| l.value.as_str()),
        &field.header,
    ) {
        (Some("path"), _) => ir::Location::Path,
        (Some("query"), _) if field.explode.as_ref().is_some_and(|e| !e.value) => {
            ir::Location::QueryJoined
        }
        (Some("query"), _) => ir::Location::Query,
        (Some("whole_body"), _) => ir::Location::WholeBody,
        (Some("header"), header) => {
            ir::Location::Header(header.as_ref().map(|h| h.value.clone()).unwrap_or_default())
        }
        _ => ir::Location::Body,
    }
}

fn enum_values(values: &[Spanned<spec::EnumValue>]) -> Vec<ir::EnumValue> {
    let mut seen = std::collections::BTreeSet::new();
    values
        .iter()
        .filter(|value| seen.insert(value.value.value.as_str()))
        .map(|value| ir::EnumValue {
            wire: value.value.value.clone(),
            ident: names::variant_ident(&value.value.value),
            docs: docs(&value.value.docs),
            deprecated: value.value.deprecated,
        })
        .collect()
}

fn rule_of(at: &Cursor<'_>, rule: &Spanned<spec::Rule>) -> Option<ir::Rule> {
    let spec::Rule {
        docs: rule_docs,
        one_of_required,
        when,
        require,
    } = &rule.value;
    let kind = match (one_of_required, require) {
        (Some(fields), None) => {
            RuleKind::OneOfRequired(fields.iter().map(|f| f.value.clone()).collect())
        }
        (None, Some(require)) => {
            let constraints = Constraints::from_keys(&require.constraint_keys());
            let check = match (&require.equals, constraints.is_empty()) {
                (Some(value), true) => Check::Equals(value.clone()),
                (None, false) => Check::Constraints(constraints),
                _ => return None,
            };
            RuleKind::Require {
                when: when.as_ref().map(|w| ir::Condition {
                    field: split_path(&w.field.value),
                    equals: w.equals.clone(),
                }),
                field: split_path(&require.field.value),
                check,
            }
        }
        _ => return None,
    };
    Some(ir::Rule {
        kind,
        docs: docs(rule_docs),
        place: at.place(),
    })
}

fn split_path(path: &str) -> Vec<String> {
    path.split('.').map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::{add_docs, summary};

    #[test]
    fn refinement_docs_follow_the_imported_docs_once() {
        let mut text = "Imported words.\nExample: `x`.".to_owned();
        add_docs(&mut text, &Some("The docs page's words.\n".to_owned()));
        assert_eq!(
            text,
            "Imported words.\nExample: `x`.\n\nThe docs page's words."
        );
        add_docs(&mut text, &Some("Imported   words.".to_owned()));
        add_docs(&mut text, &None);
        assert_eq!(
            text,
            "Imported words.\nExample: `x`.\n\nThe docs page's words."
        );
        let mut empty = String::new();
        add_docs(&mut empty, &Some("  Only the page says it. ".to_owned()));
        assert_eq!(empty, "Only the page says it.");
    }

    #[test]
    fn a_summary_is_the_first_sentence_that_stands_alone() {
        let cases = [
            ("One. Two.", Some("One.")),
            ("No period at all", Some("No period at all")),
            ("Wrapped\nsentence. Next.", Some("Wrapped sentence.")),
            ("Kinds, e.g. this one. More.", Some("Kinds, e.g. this one.")),
            ("First paragraph\n\nSecond. Third.", Some("First paragraph")),
            (
                "`/user/remove` deletes a user. More.",
                Some("`/user/remove` deletes a user."),
            ),
            ("Intro line\n- item one. More.", Some("Intro line")),
            ("`credit:` Credit card\n\n`loan:` Loan", None),
            ("`buy`: Buying. `sell`: Selling.", None),
            ("- a list from the start", None),
            ("One of the following:\n`a`: A", None),
            ("", None),
        ];
        for (docs, expected) in cases {
            assert_eq!(summary(docs).as_deref(), expected, "{docs:?}");
        }
    }
}
