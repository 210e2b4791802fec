//! What each spec file may say on its own: names that make Rust identifiers, the shape of
//! types, fields, constraints and rules, the `api` block, operations. These rules read the
//! serde mirror; `lower` only translates what passes them, and the checks that need the whole
//! model (rule paths, examples) are in the sibling modules.

use std::collections::{BTreeMap, BTreeSet};

use serde_saphyr::Spanned;

use crate::constraint::Kind;
use crate::diag::{Cursor, Diagnostic, Diagnostics, Place};
use crate::index::TypeIndex;
use crate::ir::{Applies, Format, HttpMethod, NumberFormat, SERVER_SITUATIONS, SummaryPart};
use crate::names;
use crate::spec;

/// `complete` is false when a file failed to parse, so that a missing `api` block is not
/// reported for a file that may well have one.
pub fn check(
    files: &[(String, spec::SpecFile)],
    index: &TypeIndex,
    complete: bool,
    diagnostics: &mut Diagnostics,
) {
    for duplicate in index.duplicates() {
        let first = &duplicate.first;
        let first = format!("{}:{}:{}", first.file, first.line, first.column);
        diagnostics.push(
            Diagnostic::new(
                duplicate.place.clone(),
                format!("type `{}` is defined twice", duplicate.name),
            )
            .with_hint(format!("the first definition is at {first}")),
        );
    }
    // Files are checked independently (on every core); diagnostics are sorted at the end.
    let found = crate::parallel::map(files, |(file, spec)| {
        let mut found = Diagnostics::default();
        let mut checker = Checker {
            index,
            diagnostics: &mut found,
        };
        let root = Cursor::root(file);
        for (name, def) in spec.types.iter() {
            checker.type_def(&root.key("types").key(&name.value), name, def);
        }
        for (id, op) in spec.operations.iter() {
            checker.operation(&root.key("operations").key(&id.value), op);
        }
        found
    });
    for found in found {
        diagnostics.0.extend(found.0);
    }
    module_names(files, diagnostics);
    api_blocks(files, index, complete, diagnostics);
    operation_names(files, diagnostics);
    shared_request_types(files, diagnostics);
    webhook_pairs(files, diagnostics);
}

/// A (`webhook_type`, `webhook_code`) pair picks the one type a webhook body decodes into:
/// two types cannot claim the same pair.
fn webhook_pairs(files: &[(String, spec::SpecFile)], diagnostics: &mut Diagnostics) {
    let mut owners: BTreeMap<(&str, &str), (&str, String)> = BTreeMap::new();
    for (file, spec) in files {
        for (name, def) in spec.types.iter() {
            let Some(webhook) = &def.webhook else {
                continue;
            };
            let key = &webhook.value;
            let at = Cursor::root(file)
                .key("types")
                .key(&name.value)
                .key("webhook")
                .at(webhook.referenced);
            let pair = (key.kind.value.as_str(), key.code.value.as_str());
            let place = at.place();
            match owners.get(&pair) {
                Some((first, first_at)) => diagnostics.push(
                    at.error(format!(
                        "types `{first}` and `{}` both claim the webhook `{}` `{}`",
                        name.value, pair.0, pair.1
                    ))
                    .with_hint(format!(
                        "the first claim is at {first_at}; a webhook body decodes into one type"
                    )),
                ),
                None => {
                    let first_at = format!("{}:{}:{}", place.file, place.line, place.column);
                    owners.insert(pair, (&name.value, first_at));
                }
            }
        }
    }
}

/// Each file becomes a module named after it: the name must make a Rust module name, and two
/// files cannot make the same one.
fn module_names(files: &[(String, spec::SpecFile)], diagnostics: &mut Diagnostics) {
    let mut modules: BTreeMap<String, &str> = BTreeMap::new();
    // A file that defines no type (the `api` block, refinements) makes no module.
    for (file, _) in files.iter().filter(|(_, spec)| !spec.types.0.is_empty()) {
        let stem = names::file_stem(file);
        let name = names::snake_ident(stem);
        let place = Place::whole_file(file, "");
        if !names::is_valid_ident(&name) {
            let message = format!("the file name `{stem}` does not make a Rust module name");
            diagnostics.push(Diagnostic::new(place, message).with_hint("rename the file"));
        } else if let Some(first) = modules.get(&name) {
            let message = format!("`{file}` and `{first}` both become the module `{name}`");
            diagnostics.push(Diagnostic::new(place, message).with_hint("rename one of the files"));
        } else {
            modules.insert(name, file);
        }
    }
}

/// Exactly one file has the `api` block, and what it says holds together.
fn api_blocks(
    files: &[(String, spec::SpecFile)],
    index: &TypeIndex,
    complete: bool,
    diagnostics: &mut Diagnostics,
) {
    let mut seen = false;
    for (file, spec) in files {
        let Some(info) = &spec.api else {
            continue;
        };
        let at = Cursor::root(file).key("api").at(info.referenced);
        if seen {
            diagnostics.push(
                at.error(
                    "a second `api` block: exactly one spec file describes the API as a whole",
                ),
            );
            continue;
        }
        seen = true;
        let mut checker = Checker { index, diagnostics };
        checker.api(&at, &info.value);
    }
    if !seen && complete {
        let file = files.first().map_or("spec", |(f, _)| f.as_str());
        let place = Place::whole_file(file, "api");
        diagnostics.push(
            Diagnostic::new(place, "no spec file has an `api` block")
                .with_hint("add `api: { title: ..., version: ... }` to one file"),
        );
    }
}

/// Operation ids become method names and must stay unique after case conversion; two
/// operations cannot share a path and a method, but for variants (a path's fragment), each of
/// an operation on its route without one.
fn operation_names(files: &[(String, spec::SpecFile)], diagnostics: &mut Diagnostics) {
    let mut idents: BTreeMap<String, String> = BTreeMap::new();
    let mut paths: BTreeMap<(String, String, Option<String>), String> = BTreeMap::new();
    let mut variants = Vec::new();
    // What each operation's client reads: its success statuses when it has `answers` (one
    // without reads any 2xx), and its error type.
    let mut answered: BTreeMap<&str, (Option<BTreeSet<u16>>, Option<&str>)> = BTreeMap::new();
    for (file, spec) in files {
        for (id, op) in spec.operations.iter() {
            let at = Cursor::root(file).key("operations").key(&id.value);
            let statuses = (!op.answers.is_empty()).then(|| {
                std::iter::once(op.status.as_ref().map_or(200, |s| s.value))
                    .chain(op.answers.iter().map(|a| a.value.status.value))
                    .collect()
            });
            answered.insert(
                &id.value,
                (statuses, op.error.as_ref().map(|e| e.value.as_str())),
            );
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
                diagnostics.push(at.at(id.referenced).error(message));
            }
            // Several operations may share a path (REST's GET and POST on `/pets`), each with a
            // method of its own: the router tells them apart by the method.
            // Placeholders' names never travel: `/pets/{id}` and `/pets/{pet}` are one route.
            let method = op.method.as_ref().map_or("POST", |m| m.value.as_str());
            let shape = crate::paths::route_shape(&op.path.value);
            let variant = crate::paths::split_variant(&op.path.value).1;
            if variant.is_some() {
                variants.push((
                    at.key("path").at(op.path.referenced),
                    &op.path.value,
                    method,
                    &id.value,
                ));
            }
            let route = (shape, method.to_owned(), variant.map(str::to_owned));
            if let Some(first) = paths.insert(route, id.value.clone()) {
                diagnostics.push(at.key("path").at(op.path.referenced).error(format!(
                    "operations `{first}` and `{}` share the path `{}` and the method {method}",
                    id.value, op.path.value
                )));
            }
        }
    }
    for (at, path, method, id) in variants {
        let (wire, _) = crate::paths::split_variant(path);
        let route = (crate::paths::route_shape(path), method.to_owned(), None);
        let Some(primary) = paths.get(&route) else {
            diagnostics.push(
                at.error(format!(
                    "the fragment of `{path}` makes it a variant of the operation `{method} \
                     {wire}`, which no operation is"
                ))
                .with_hint(format!("leave out the fragment: `path: {wire}`")),
            );
            continue;
        };
        // The server answers a variant as its operation: what reaches the variant's client is
        // that operation's statuses and errors.
        if answered.get(id.as_str()) != answered.get(primary.as_str()) {
            diagnostics.push(
                at.error(format!(
                    "the variant `{id}` of `{primary}` reads other statuses (`answers`) or another \
                     error type than `{primary}` answers, which a server answers it as"
                ))
                .with_hint(format!(
                    "give `{id}` the success statuses (`status`, `answers`) and the `error` of `{primary}`"
                )),
            );
        }
    }
}

/// The generated crate implements `Operation` for each request type, once: two operations
/// cannot share one.
fn shared_request_types(files: &[(String, spec::SpecFile)], diagnostics: &mut Diagnostics) {
    let mut owners: BTreeMap<&str, &str> = BTreeMap::new();
    for (file, spec) in files {
        for (id, op) in spec.operations.iter() {
            if let Some(first) = owners.insert(&op.request.value, &id.value) {
                let at = Cursor::root(file)
                    .key("operations")
                    .key(&id.value)
                    .key("request")
                    .at(op.request.referenced);
                let message = format!(
                    "operations `{first}` and `{}` share the request type `{}`",
                    id.value, op.request.value
                );
                diagnostics.push(
                    at.error(message)
                        .with_hint("give each operation a request type of its own"),
                );
            }
        }
    }
}

pub(super) struct Checker<'a> {
    index: &'a TypeIndex,
    diagnostics: &'a mut Diagnostics,
}

impl<'a> Checker<'a> {
    pub(super) fn new(index: &'a TypeIndex, diagnostics: &'a mut Diagnostics) -> Self {
        Self { index, diagnostics }
    }

    pub(super) fn error(&mut self, at: &Cursor<'_>, message: impl Into<String>) {
        self.diagnostics.push(at.error(message));
    }

    pub(super) fn error_hint(
        &mut self,
        at: &Cursor<'_>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.diagnostics.push(at.error(message).with_hint(hint));
    }

    fn api(&mut self, at: &Cursor<'_>, api: &spec::ApiInfo) {
        if let Some(summary) = &api.error_summary {
            let parts = SummaryPart::parse(&summary.value);
            if let Err(message) = &parts {
                self.error(&at.key("error_summary").at(summary.referenced), message);
            } else if parts.is_ok_and(|parts| !parts.is_empty()) && api.error.is_none() {
                self.error(
                    &at.key("error_summary"),
                    "`error_summary` describes `error`, which is not set",
                );
            }
        }
        let mut variants: BTreeMap<String, &str> = BTreeMap::new();
        for (name, _) in api.servers.iter() {
            let variant = names::variant_ident(&name.value);
            let server = at.key("servers").key(&name.value).at(name.referenced);
            if !names::is_valid_ident(&variant) || variant == "Custom" {
                let message = format!(
                    "server name `{}` cannot name an `Environment` variant",
                    name.value
                );
                self.error_hint(
                    &server,
                    message,
                    "`custom` is taken by `Environment::Custom(url)`",
                );
            } else if let Some(first) = variants.insert(variant.clone(), &name.value) {
                self.error(
                    &server,
                    format!(
                        "servers `{first}` and `{}` both become `Environment::{variant}`",
                        name.value
                    ),
                );
            }
        }
        if let Some(package) = &api.package
            && !names::is_package_name(&package.value)
        {
            self.error_hint(
                &at.key("package").at(package.referenced),
                format!("`{}` is not a package name", package.value),
                "use ASCII letters, digits, `-` and `_`, starting with a letter, e.g. `acme-api`",
            );
        }
        if let Some(license) = &api.license
            && (license.value.trim().is_empty() || license.value.contains(['"', '\\', '\n']))
        {
            self.error_hint(
                &at.key("license").at(license.referenced),
                "`license` is an SPDX expression on one line",
                "e.g. `MIT OR Apache-2.0`",
            );
        }
        for (name, scheme) in &api.security_schemes.0 {
            self.security_scheme(&at.key("security_schemes").key(&name.value), scheme);
        }
        if let Some(server_errors) = &api.server_errors {
            self.server_errors(&at.key("server_errors"), server_errors, api);
        }
    }

    /// A scheme's kind is one the client can send; an API key says where (`in`) and under
    /// which name, a name a header, a query or a cookie can carry.
    fn security_scheme(&mut self, at: &Cursor<'_>, scheme: &crate::spec::SecurityScheme) {
        let kind = &scheme.kind;
        if !crate::ir::SCHEME_KINDS.contains(&kind.value.as_str()) {
            self.error_hint(
                &at.key("kind").at(kind.referenced),
                format!("`{}` is not a security scheme kind", kind.value),
                "use `api_key`, `http_bearer`, `http_basic` or `oauth2`",
            );
            return;
        }
        let api_key = kind.value == "api_key";
        for (key, given) in [
            ("in", &scheme.location),
            ("name", &scheme.name),
            ("value", &scheme.value),
        ] {
            if let Some(given) = given
                && !api_key
            {
                self.error(
                    &at.key(key).at(given.referenced),
                    format!("`{key}` goes with `kind: api_key`"),
                );
            }
        }
        if let Some(value) = &scheme.value
            && value.value != "api_version"
        {
            self.error_hint(
                &at.key("value").at(value.referenced),
                format!("`{}` is not a value the client knows", value.value),
                "`value: api_version` sends the API version; leave it out for a key the user gives",
            );
        }
        if !api_key {
            return;
        }
        let location = match &scheme.location {
            Some(location) if crate::ir::KEY_LOCATIONS.contains(&location.value.as_str()) => {
                location.value.as_str()
            }
            Some(location) => {
                self.error_hint(
                    &at.key("in").at(location.referenced),
                    format!("`{}` is not where an API key travels", location.value),
                    "use `in: header`, `in: query` or `in: cookie`",
                );
                return;
            }
            None => {
                self.error_hint(
                    at,
                    "an `api_key` scheme needs `in`",
                    "add `in: header`, `in: query` or `in: cookie`",
                );
                return;
            }
        };
        match &scheme.name {
            None => self.error_hint(
                at,
                "an `api_key` scheme needs the key's `name`",
                "add `name: X-Api-Key`",
            ),
            Some(name) if location == "header" && !is_header_name(&name.value) => self.error_hint(
                &at.key("name").at(name.referenced),
                format!("`{}` is not an HTTP header name", name.value),
                "use letters, digits and `-`, e.g. `Acme-Client-Id`",
            ),
            Some(name)
                if name.value.is_empty()
                    || name.value.contains(|c: char| {
                        c.is_control() || c.is_whitespace() || "=;,\"".contains(c)
                    }) =>
            {
                self.error_hint(
                    &at.key("name").at(name.referenced),
                    format!("`{}` is not a {location} name", name.value),
                    "use letters, digits, `-` and `_`",
                )
            }
            Some(_) => {}
        }
    }

    /// Each key names a situation of the generated server, and each type and code is text an
    /// error body can carry and a log line can show.
    fn server_errors(
        &mut self,
        at: &Cursor<'_>,
        server_errors: &Spanned<spec::OrderedMap<spec::ServerErrorCode>>,
        api: &spec::ApiInfo,
    ) {
        if api.error_fields.is_none() {
            self.error_hint(
                &at.at(server_errors.referenced),
                "`server_errors` says what the generated server answers, but without `error_fields` no server is generated",
                "add `error_fields`, or remove `server_errors`",
            );
        }
        for (key, entry) in server_errors.value.iter() {
            let at = at.key(&key.value);
            if !SERVER_SITUATIONS.iter().any(|s| s.key == key.value) {
                let known = SERVER_SITUATIONS.iter().map(|s| s.key);
                let hint = match names::closest(&key.value, known.clone()) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!("known situations: {}", known.collect::<Vec<_>>().join(", ")),
                };
                self.error_hint(
                    &at.at(key.referenced),
                    format!("unknown server situation `{}`", key.value),
                    hint,
                );
                continue;
            }
            for (name, text) in [("type", &entry.kind), ("code", &entry.code)] {
                let value = &text.value;
                let message = if value.trim().is_empty() {
                    format!("the error {name} is empty")
                } else if value.chars().any(char::is_control) {
                    format!("the error {name} {value:?} holds a control character")
                } else if value.trim() != value {
                    format!("the error {name} {value:?} has leading or trailing spaces")
                } else {
                    continue;
                };
                self.error_hint(
                    &at.key(name).at(text.referenced),
                    message,
                    "write it as the error body carries it, e.g. `INVALID_REQUEST`",
                );
            }
        }
    }

    /// An operation's `body`, in its definition or a refinement: one of the kinds a request
    /// travels as.
    pub(super) fn body(&mut self, at: &Cursor<'_>, body: &Spanned<String>) {
        if crate::ir::BodyKind::from_spec(&body.value).is_none() {
            let kinds: Vec<&str> = crate::ir::BodyKind::ALL
                .iter()
                .map(|(name, _)| *name)
                .collect();
            self.error_hint(
                at,
                format!("unknown body kind `{}`", body.value),
                format!("use one of {}", kinds.join(", ")),
            );
        }
    }

    /// An answer's body and status: the operation's own (`response`, `items`, `content_type`,
    /// `status`) or one of its `answers`.
    fn answer(
        &mut self,
        at: &Cursor<'_>,
        answer: spec::AnswerShape<'_>,
        method: Option<HttpMethod>,
    ) {
        match (answer.response.value.as_str(), answer.content_type) {
            ("bytes", None) => self.error_hint(
                &at.key("response").at(answer.response.referenced),
                "`response: bytes` needs the answer's media type",
                "add `content_type: application/pdf` (or the document's type)",
            ),
            ("bytes", Some(media)) if !is_media_type(&media.value) => self.error_hint(
                &at.key("content_type").at(media.referenced),
                format!("`{}` is not a media type", media.value),
                "write it as `type/subtype`, e.g. `application/pdf`",
            ),
            ("bytes", Some(_)) => {}
            (_, Some(media)) => self.error(
                &at.key("content_type").at(media.referenced),
                "`content_type` goes with `response: bytes`",
            ),
            (_, None) => {}
        }
        if let Some(status) = answer.status {
            match (status.value, answer.response.value.as_str()) {
                (204 | 205, "empty") => {}
                // HTTP: a 204 or 205 has no content.
                (204 | 205, _) => self.error_hint(
                    &at.key("status").at(status.referenced),
                    format!("status {} carries no body", status.value),
                    "write `response: empty`",
                ),
                (200..=299, _) => {}
                (other, _) => self.error_hint(
                    &at.key("status").at(status.referenced),
                    format!("status {other} is not a success"),
                    "a success status is 2xx; errors are the API's error type",
                ),
            }
        }
        match (answer.response.value.as_str(), answer.items) {
            ("array", None) => self.error_hint(
                &at.key("response").at(answer.response.referenced),
                "`response: array` needs the type of its items",
                "add `items: TypeName`",
            ),
            ("array", Some(_)) => {}
            (_, Some(items)) => self.error(
                &at.key("items").at(items.referenced),
                "`items` goes with `response: array`",
            ),
            (_, None) => {}
        }
        if let Some(method) = method
            && !method.answer_has_body()
            && answer.response.value != "empty"
        {
            self.error_hint(
                &at.key("response").at(answer.response.referenced),
                format!(
                    "a {} is answered without a body, and the response is `{}`",
                    method.as_str(),
                    answer.response.value
                ),
                "`response: empty` (RFC 9110: the answer to a HEAD has no content)",
            );
        }
    }

    fn operation(&mut self, at: &Cursor<'_>, op: &spec::Operation) {
        if let Some(body) = &op.body {
            self.body(&at.key("body").at(body.referenced), body);
        }
        let method = op.method.as_ref().and_then(|m| HttpMethod::parse(&m.value));
        self.answer(at, op.answer(), method);
        let mut statuses = vec![op.status.as_ref().map_or(200, |s| s.value)];
        for (i, answer) in op.answers.iter().enumerate() {
            let at = at.key("answers").index(i).at(answer.referenced);
            self.answer(&at, answer.value.shape(), method);
            let status = &answer.value.status;
            if statuses.contains(&status.value) {
                self.error_hint(
                    &at.key("status").at(status.referenced),
                    format!("the operation answers {} already", status.value),
                    "each answer has a status of its own; the operation's own is `status` (200 by default)",
                );
            }
            statuses.push(status.value);
        }
        if !op.path.value.starts_with('/') {
            self.error(
                &at.key("path").at(op.path.referenced),
                format!("path `{}` must start with `/`", op.path.value),
            );
        }
        if let (_, Some(variant)) = crate::paths::split_variant(&op.path.value)
            && !crate::paths::is_variant_name(variant)
        {
            self.error_hint(
                &at.key("path").at(op.path.referenced),
                format!(
                    "the fragment `#{variant}` of the path `{}` is no variant's name",
                    op.path.value
                ),
                "a variant's name is letters, digits, `-`, `_` and `.`: `#add_shared_link`",
            );
        }
        if crate::paths::has_unroutable_placeholder(&op.path.value) {
            self.error_hint(
                &at.key("path").at(op.path.referenced),
                format!(
                    "path `{}` has a placeholder that does not end its segment",
                    op.path.value
                ),
                "a placeholder ends its segment, alone or after a prefix: `/files/{name}` or \
                 `/files/thumbnail.{extension}`, not `/files/{name}.json`",
            );
        }
        if let Some(method) = &op.method
            && HttpMethod::parse(&method.value).is_none()
        {
            let known: Vec<_> = HttpMethod::ALL.iter().map(|m| m.as_str()).collect();
            self.error_hint(
                &at.key("method").at(method.referenced),
                format!("unknown HTTP method `{}`", method.value),
                format!("use one of {}", known.join(", ")),
            );
        }
    }

    fn type_def(&mut self, at: &Cursor<'_>, name: &spec::Name, def: &spec::TypeDef) {
        let at_name = at.at(name.referenced);
        if names::RESERVED_TYPE_NAMES.contains(&name.value.as_str()) {
            self.error_hint(
                &at_name,
                format!(
                    "type name `{}` is reserved: the generated code uses it",
                    name.value
                ),
                format!("rename it, e.g. `Api{}`", name.value),
            );
        } else if !names::is_type_ident(&name.value) {
            self.error_hint(
                &at_name,
                format!(
                    "type name `{}` is not an UpperCamelCase Rust identifier",
                    name.value
                ),
                format!("write it as `{}`", names::suggest_type_ident(&name.value)),
            );
        }
        if let Some(webhook) = &def.webhook {
            self.webhook(at, webhook, def.fields.is_some());
        }
        if let Some(members) = &def.one_of {
            self.one_of(at, def, members);
            return;
        }
        if let Some(discriminator) = &def.discriminator {
            self.error_hint(
                &at.key("discriminator").at(discriminator.referenced),
                "a `discriminator` tells the members of a `one_of` apart",
                "list the member types under `one_of`, or remove it",
            );
        }
        match (&def.fields, &def.values) {
            (Some(fields), None) => self.object(at, fields, &def.rules),
            (None, Some(values)) => {
                if !def.rules.is_empty() {
                    self.error(&at_name, "rules apply to object types, not enums");
                }
                self.enumeration(&at_name, values);
            }
            (Some(_), Some(_)) => self.error(
                &at_name,
                "a type has either `fields` (an object) or `values` (an enum), not both",
            ),
            (None, None) => self.error_hint(
                &at_name,
                "a type needs `fields` or `values`",
                "objects list `fields:`, enums list `values:`",
            ),
        }
    }

    /// What one file can tell of a `one_of`: its shape. Which types the members are, and
    /// whether they carry the discriminator, is checked on the model (`check::one_of`).
    fn one_of(&mut self, at: &Cursor<'_>, def: &spec::TypeDef, members: &Spanned<Vec<spec::Name>>) {
        let at_members = at.key("one_of").at(members.referenced);
        let others = [
            ("fields", def.fields.is_some()),
            ("values", def.values.is_some()),
            ("rules", !def.rules.is_empty()),
            ("webhook", def.webhook.is_some()),
        ];
        for (key, present) in others {
            if present {
                self.error_hint(
                    &at_members,
                    format!("a `one_of` type has no `{key}` of its own"),
                    "put them on the member types",
                );
            }
        }
        if members.value.is_empty() {
            self.error_hint(
                &at_members,
                "a `one_of` lists no types",
                "list the object types a value may be",
            );
        }
        let mut seen = BTreeSet::new();
        for (i, member) in members.value.iter().enumerate() {
            if !seen.insert(member.value.as_str()) {
                self.error(
                    &at_members.index(i).at(member.referenced),
                    format!("`{}` is listed twice in the `one_of`", member.value),
                );
            }
        }
        let Some(discriminator) = &def.discriminator else {
            return;
        };
        let at_discriminator = at.key("discriminator");
        let mut values = BTreeSet::new();
        for (value, member) in discriminator.value.mapping.iter() {
            let at_value = at_discriminator
                .key("mapping")
                .key(&value.value)
                .at(value.referenced);
            if !values.insert(value.value.as_str()) {
                self.error(
                    &at_value,
                    format!("the value `{}` is mapped twice", value.value),
                );
            }
            if !members.value.iter().any(|m| m.value == member.value) {
                self.error_hint(
                    &at_value,
                    format!(
                        "the value `{}` maps to `{}`, which the `one_of` does not list",
                        value.value, member.value
                    ),
                    "map each value to one of the `one_of` types",
                );
            }
        }
    }

    fn webhook(&mut self, at: &Cursor<'_>, webhook: &Spanned<spec::WebhookKey>, object: bool) {
        let at = at.key("webhook");
        if !object {
            self.error_hint(
                &at.at(webhook.referenced),
                "`webhook` names the payload of a webhook, which is an object type",
                "move it to the type with the webhook's fields",
            );
        }
        for (key, value) in [("type", &webhook.value.kind), ("code", &webhook.value.code)] {
            if value.value.trim().is_empty() {
                self.error_hint(
                    &at.key(key).at(value.referenced),
                    format!("the webhook's `{key}` is empty"),
                    "write the `webhook_type` and `webhook_code` the body carries",
                );
            }
        }
    }

    fn object(
        &mut self,
        at: &Cursor<'_>,
        fields: &spec::OrderedMap<spec::Field>,
        rules: &[Spanned<spec::Rule>],
    ) {
        let mut idents: BTreeMap<String, String> = BTreeMap::new();
        for (wire, field) in fields.iter() {
            let at_field = at.key("fields").key(&wire.value).at(wire.referenced);
            let ident = names::snake_ident(&wire.value);
            if let Some(first) = idents.insert(ident.clone(), wire.value.clone()) {
                self.error_hint(
                    &at_field,
                    format!(
                        "fields `{first}` and `{}` both become the Rust field `{ident}`",
                        wire.value
                    ),
                    "rename one of them in the spec",
                );
            }
            if !names::is_valid_ident(&ident) {
                self.error_hint(
                    &at_field,
                    format!(
                        "field `{}` has no usable Rust name (it becomes `{ident}`)",
                        wire.value
                    ),
                    "only letters, digits and `_` carry over",
                );
            }
            let resolved = self.ty(&at_field, field);
            self.location(&at_field, field, resolved.as_ref());
            // An unresolved type counts as `any` here, as it does in the model.
            if field.sensitive && !resolved.is_some_and(|kind| kind.is_scalar_or_scalars()) {
                self.error_hint(
                    &at_field,
                    "`sensitive` applies to strings, numbers and arrays of them",
                    "mark the sensitive fields of the nested type instead",
                );
            }
        }
        for (i, rule) in rules.iter().enumerate() {
            self.rule(&at.key("rules").index(i).at(rule.referenced), &rule.value);
        }
    }

    /// Where a field travels: a path or header parameter is a scalar (an enum travels as its
    /// text), and a path parameter is always present (the path cannot be built without it).
    fn location(&mut self, at: &Cursor<'_>, field: &spec::Field, kind: Option<&SpecKind>) {
        let index = self.index;
        let is_parameter = |k: &SpecKind| {
            ["string", "integer", "number", "boolean"]
                .iter()
                .any(|builtin| k.is(builtin))
                || matches!(k, SpecKind::Named(name) if index.is_enum(name) == Some(true))
        };
        let scalar = kind.is_some_and(is_parameter);
        let location = field.location.as_ref();
        let place = location.map_or_else(|| at.clone(), |l| at.key("in").at(l.referenced));
        if let Some(explode) = &field.explode {
            let query_array = location.is_some_and(|l| l.value == "query")
                && matches!(kind, Some(SpecKind::Array(..)));
            if !query_array {
                self.error(
                    &at.key("explode").at(explode.referenced),
                    "`explode` goes with an array `in: query`",
                );
            }
        }
        match location.map(|l| l.value.as_str()) {
            None | Some("body") => {
                if let Some(header) = &field.header {
                    self.error(
                        &at.key("header").at(header.referenced),
                        "`header` goes with `in: header`",
                    );
                }
                return;
            }
            Some("path") => {
                if !field.required {
                    self.error_hint(
                        &place,
                        "a path parameter is always present",
                        "add `required: true`",
                    );
                }
                if let Some(header) = &field.header {
                    self.error(
                        &at.key("header").at(header.referenced),
                        "`header` goes with `in: header`",
                    );
                }
            }
            Some("header") => match &field.header {
                None => self.error_hint(
                    &place,
                    "a header parameter needs its header's name",
                    "add `header: Header-Name`",
                ),
                Some(header) if !is_header_name(&header.value) => self.error_hint(
                    &at.key("header").at(header.referenced),
                    format!("`{}` is not an HTTP header name", header.value),
                    "use letters, digits and `-`, e.g. `Acme-Client-Id`",
                ),
                Some(_) => {}
            },
            Some("whole_body") => {
                if !field.required {
                    self.error_hint(
                        &place,
                        "the whole body is always sent",
                        "add `required: true`",
                    );
                }
                if let Some(header) = &field.header {
                    self.error(
                        &at.key("header").at(header.referenced),
                        "`header` goes with `in: header`",
                    );
                }
                return;
            }
            Some("query") => {
                if let Some(header) = &field.header {
                    self.error(
                        &at.key("header").at(header.referenced),
                        "`header` goes with `in: header`",
                    );
                }
                // `?tags=a&tags=b`: an array of scalars is its items repeated (OpenAPI's
                // `style: form`, `explode: true`, the default for a query parameter).
                if let Some(SpecKind::Array(items, nullable)) = kind {
                    if !is_parameter(items) || *nullable {
                        self.error(
                            &place,
                            "a query parameter is a string, an integer, a number, a boolean, an enum or an array of them",
                        );
                    }
                    return;
                }
                if field.nullable {
                    self.error(
                        &place,
                        "a query parameter cannot be null: leave it out instead",
                    );
                }
            }
            Some(other) => {
                self.error_hint(
                    &place,
                    format!("unknown location `{other}`"),
                    "a field travels in the `body` (the default), as the `whole_body`, in the `path`, the `query` or a `header`",
                );
                return;
            }
        }
        if kind.is_some() && !scalar {
            self.error(
                &place,
                "a path, query or header parameter is a string, an integer, a number, a boolean or an enum",
            );
        }
    }

    fn enumeration(&mut self, at: &Cursor<'_>, values: &[Spanned<spec::EnumValue>]) {
        if values.is_empty() {
            self.error(at, "an enum needs at least one value");
        }
        let mut wires: BTreeMap<&str, ()> = BTreeMap::new();
        let mut idents: BTreeMap<String, &str> = BTreeMap::new();
        for (i, value) in values.iter().enumerate() {
            let at_value = at.key("values").index(i).at(value.referenced);
            let wire = value.value.value.as_str();
            if wires.insert(wire, ()).is_some() {
                self.error(&at_value, format!("enum value `{wire}` is listed twice"));
                continue;
            }
            let ident = names::variant_ident(wire);
            if !names::is_valid_ident(&ident) {
                self.error(
                    &at_value,
                    format!("enum value `{wire}` has no usable Rust name (it becomes `{ident}`)"),
                );
            } else if let Some(first) = idents.insert(ident.clone(), wire) {
                self.error(
                    &at_value,
                    format!("enum values `{first}` and `{wire}` both become the variant `{ident}`"),
                );
            }
        }
    }

    /// A field's type and constraints; the type as far as it resolves (an unknown name is
    /// reported by `lower`, which resolves names).
    pub(super) fn ty(&mut self, at: &Cursor<'_>, field: &spec::Field) -> Option<SpecKind> {
        let Some(name) = &field.ty else {
            self.error(at, "missing `type`");
            return None;
        };
        let kind = match name.value.as_str() {
            "array" => {
                let Some(items) = &field.items else {
                    self.error_hint(
                        &at.at(name.referenced),
                        "an array needs `items`",
                        "add `items: { type: ... }`",
                    );
                    return None;
                };
                let at_items = at.key("items").at(items.referenced);
                self.element_keys(&at_items, "items", &items.value, "the array field");
                if let Some(location) = &items.value.location {
                    self.error(
                        &at_items.key("in").at(location.referenced),
                        "`in` belongs on the array field, not on its `items`",
                    );
                }
                self.nullable_element(&at_items, &items.value);
                let nullable = items.value.nullable;
                SpecKind::Array(Box::new(self.ty(&at_items, &items.value)?), nullable)
            }
            "map" => {
                let Some(values) = &field.values else {
                    self.error_hint(
                        &at.at(name.referenced),
                        "a map needs `values`",
                        "add `values: { type: ... }`: the type of every value, whatever its key",
                    );
                    return None;
                };
                let at_values = at.key("values").at(values.referenced);
                self.element_keys(&at_values, "values", &values.value, "the map field");
                self.nullable_element(&at_values, &values.value);
                let nullable = values.value.nullable;
                SpecKind::Map(Box::new(self.ty(&at_values, &values.value)?), nullable)
            }
            builtin @ ("string" | "integer" | "number" | "boolean" | "any" | "file") => {
                SpecKind::Builtin(builtin.to_owned())
            }
            other if self.index.is_known(other) => SpecKind::Named(other.to_owned()),
            _ => return None,
        };
        if field.items.is_some() && !matches!(kind, SpecKind::Array(..)) {
            self.error(
                at,
                format!(
                    "`items` only goes with `type: array`, but this is {}",
                    kind.describe()
                ),
            );
        }
        if field.values.is_some() && !matches!(kind, SpecKind::Map(..)) {
            self.error_hint(
                at,
                format!(
                    "`values` only goes with `type: map`, but this is {}",
                    kind.describe()
                ),
                "an enum's values are listed on the enum type, not on a field",
            );
        }
        self.constraints(at, &field.constraint_keys(), &kind);
        Some(kind)
    }

    /// `nullable` on an array's items or a map's values where it can say nothing: `any`
    /// already admits `null`, and an `Option` around it would make `null` mean two things.
    fn nullable_element(&mut self, at: &Cursor<'_>, element: &spec::Field) {
        let is_any = element.ty.as_ref().is_some_and(|t| t.value == "any");
        if element.nullable && is_any {
            self.error_hint(
                at,
                "`nullable` on elements of type `any`, which already admits `null`",
                "remove `nullable`: an `any` element is `null` as it is any other JSON value",
            );
        }
    }

    /// The keys an array's `items` or a map's `values` cannot have: they describe the field
    /// that holds the array or the map.
    fn element_keys(&mut self, at: &Cursor<'_>, key: &str, element: &spec::Field, owner: &str) {
        for (set, name) in [
            (element.required, "required"),
            (element.docs.is_some(), "docs"),
            (element.sensitive, "sensitive"),
            (element.deprecated, "deprecated"),
        ] {
            if set {
                self.error(
                    at,
                    format!("`{name}` belongs on {owner}, not on its `{key}`"),
                );
            }
        }
    }

    pub(super) fn constraints(
        &mut self,
        at: &Cursor<'_>,
        c: &spec::ConstraintKeys<'_>,
        kind: &SpecKind,
    ) {
        let is_string = kind.is("string");
        let is_number = kind.is("integer") || kind.is("number");
        let is_array = matches!(kind, SpecKind::Array(..));
        let is_map = matches!(kind, SpecKind::Map(..));
        for constraint in Kind::ALL.into_iter().filter(|k| k.given(c)) {
            let ok = match constraint.applies_to() {
                // Which format goes with which type is `format`'s to say.
                Applies::String => is_string || (constraint == Kind::Format && is_number),
                Applies::Number => is_number,
                Applies::Array => is_array,
            };
            if !ok {
                let key = constraint.key();
                let hint = if is_array && constraint.applies_to() != Applies::Array {
                    "string constraints of array elements go under `items:`"
                } else if is_map {
                    "constraints of the map's values go under `values:`"
                } else {
                    "remove it, or change the type"
                };
                self.error_hint(
                    at,
                    format!("`{key}` cannot apply to {}", kind.describe()),
                    hint,
                );
            }
        }
        for (low_key, low, high_key, high) in [
            ("min_length", c.min_length, "max_length", c.max_length),
            ("min_items", c.min_items, "max_items", c.max_items),
        ] {
            if let (Some(low), Some(high)) = (low, high)
                && low > high
            {
                self.error(
                    at,
                    format!(
                        "contradictory constraints: `{low_key}` {low} is above `{high_key}` {high}"
                    ),
                );
            }
        }
        for (key, bound) in [("minimum", c.minimum), ("maximum", c.maximum)] {
            if bound.is_some_and(|b| !b.is_finite()) {
                self.error(at, format!("`{key}` must be a finite number"));
            }
        }
        if let (Some(min), Some(max)) = (c.minimum, c.maximum)
            && min > max
        {
            self.error(
                at,
                format!("contradictory constraints: `minimum` {min} is above `maximum` {max}"),
            );
        }
        if let Some(format) = c.format
            && (is_string || is_number)
        {
            self.format(&at.key("format").at(format.referenced), &format.value, kind);
        }
        if let Some(pattern) = c.pattern
            && let Err(e) = regex_lite::Regex::new(&pattern.value)
        {
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
                &at.key("pattern").at(pattern.referenced),
                format!("invalid regular expression `{}`: {detail}", pattern.value),
            );
        }
    }

    /// A string takes a format the runtime checks; an integer or a number takes a width,
    /// which only the docs show. The two lists are apart, and a name from the other list is
    /// reported as such rather than as unknown.
    fn format(&mut self, at: &Cursor<'_>, name: &str, kind: &SpecKind) {
        let string_formats = Format::ALL.map(|(n, _)| n);
        let string_list = || format!("string formats: {}", string_formats.join(", "));
        let widths = |integer: bool| {
            let names: Vec<_> = NumberFormat::ALL
                .iter()
                .filter(|f| f.is_integer() == integer)
                .map(|f| format!("`{}`", f.name()))
                .collect();
            names.join(" or ")
        };
        let what = kind.describe();
        if kind.is("string") {
            if Format::parse(name).is_some() {
                return;
            }
            if let Some(width) = NumberFormat::parse(name) {
                let of = if width.is_integer() {
                    "integers"
                } else {
                    "numbers"
                };
                self.error_hint(
                    at,
                    format!("`{name}` is a format of {of}, not of strings"),
                    string_list(),
                );
                return;
            }
            let hint = match names::closest(name, string_formats) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("known formats: {}", string_formats.join(", ")),
            };
            self.error_hint(at, format!("unknown format `{name}`"), hint);
            return;
        }
        let integer = kind.is("integer");
        let expected = widths(integer);
        match NumberFormat::parse(name) {
            Some(width) if width.is_integer() == integer => {}
            Some(_) => self.error_hint(
                at,
                format!("`{name}` cannot apply to {what}"),
                format!("{what} takes {expected}"),
            ),
            None if Format::parse(name).is_some() => self.error_hint(
                at,
                format!("`{name}` is a string format; it cannot apply to {what}"),
                format!("{what} takes {expected}, or change the type to `string`"),
            ),
            None => self.error_hint(
                at,
                format!("unknown format `{name}` for {what}"),
                format!("{what} takes {expected}"),
            ),
        }
    }

    pub(super) fn rule(&mut self, at: &Cursor<'_>, rule: &spec::Rule) {
        match (&rule.one_of_required, &rule.require) {
            (Some(fields), None) => {
                if rule.when.is_some() {
                    self.error(at, "`when` goes with `require`, not with `one_of_required`");
                }
                if fields.len() < 2 {
                    self.error(at, "`one_of_required` lists at least two fields");
                }
            }
            (None, Some(require)) => {
                let constraints = require.constraint_keys();
                self.constraints(at, &constraints, &SpecKind::Builtin("string".into()));
                if require.equals.is_some() == constraints.constrains_strings() {
                    self.error(
                        at,
                        "`require` takes either `equals` or constraints, exactly one of the two",
                    );
                }
            }
            _ => self.error(
                at,
                "a rule has exactly one of `one_of_required` and `require`",
            ),
        }
    }
}

/// An HTTP header name: a token (RFC 9110).
fn is_header_name(name: &str) -> bool {
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    !name.is_empty() && name.chars().all(token)
}

/// `type/subtype`, each a token.
fn is_media_type(text: &str) -> bool {
    text.split_once('/')
        .is_some_and(|(kind, sub)| is_header_name(kind) && is_header_name(sub))
}

/// A field's type as the spec names it, once it resolves.
pub(super) enum SpecKind {
    Builtin(String),
    Named(String),
    /// The items' kind, and whether they may be null.
    Array(Box<SpecKind>, bool),
    /// The values' kind, and whether they may be null.
    Map(Box<SpecKind>, bool),
}

impl SpecKind {
    fn is(&self, builtin: &str) -> bool {
        matches!(self, SpecKind::Builtin(name) if name == builtin)
    }

    pub(super) fn is_scalar_or_scalars(&self) -> bool {
        match self {
            SpecKind::Builtin(name) => name != "any" && name != "file",
            SpecKind::Array(item, _) => item.is_scalar_or_scalars(),
            SpecKind::Named(_) | SpecKind::Map(..) => false,
        }
    }

    /// As `TyKind::describe` words it, so messages read the same before and after lowering.
    fn describe(&self) -> String {
        match self {
            SpecKind::Builtin(name) => name.clone(),
            SpecKind::Named(name) => format!("`{name}`"),
            SpecKind::Array(item, nullable) => {
                let or_null = if *nullable { " or null" } else { "" };
                format!("array of {}{or_null}", item.describe())
            }
            SpecKind::Map(values, nullable) => {
                let or_null = if *nullable { " or null" } else { "" };
                format!("map of {}{or_null}", values.describe())
            }
        }
    }
}
