//! Paths to operations: the request type (body, path and header parameters), the response
//! (a type, bytes or nothing), the error responses, and the examples they carry.

use std::collections::{BTreeSet, HashMap, HashSet};

use heck::ToSnakeCase;

use super::model::{Answer, Body, Field, Operation, Place, Response, TypeDef};
use super::node::{Key, Loc, Node};
use super::schemas::{Schemas, Site, clean_docs, inline_code, pascal};
use super::warn::{Kind, Warnings};
use crate::names;

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "patch", "options", "head", "trace",
];

/// An operation and where it belongs.
pub struct Imported {
    pub op: Operation,
    /// The first segment of its path (`asset_report`), which names its file.
    pub area: String,
    /// The types the operation names: request, response and error types.
    pub roots: Vec<String>,
    /// Where the description has it, and its path there.
    pub loc: Loc,
    pub at: String,
}

/// An example found beside a schema, to be checked against the type it belongs to.
pub struct Pending<'a> {
    pub target: String,
    pub node: &'a Node,
    pub path: String,
}

/// Error responses, by operation, to compare with the API's error type once all are known.
struct ErrorUse {
    name: String,
    loc: Loc,
    path: String,
    op: String,
    /// The operation's id in the spec (`op` in snake case).
    id: String,
}

pub struct Operations<'a> {
    pub ops: Vec<Imported>,
    pub examples: Vec<Pending<'a>>,
    /// The schema most error responses use: what the `api` block names as `error`.
    pub error_type: Option<String>,
}

struct Ctx<'s, 'a> {
    schemas: &'s mut Schemas<'a>,
    /// The security schemes the client can send.
    schemes: &'s [String],
    parameters: Option<&'a Node>,
    /// The schemas (`$ref` targets) named elsewhere than one operation's body: an
    /// operation's parameters do not join such a schema's type.
    shared_schemas: HashSet<&'a str>,
    /// The schemas that more than one imported operation takes as its body.
    shared_bodies: HashSet<&'a str>,
    examples: Vec<Pending<'a>>,
    errors: Vec<ErrorUse>,
}

pub fn import<'a>(doc: &'a Node, schemas: &mut Schemas<'a>, schemes: &[String]) -> Operations<'a> {
    let (shared_bodies, shared_schemas) = shared_schemas(doc);
    let mut ctx = Ctx {
        schemas,
        schemes,
        parameters: doc.get("components").and_then(|c| c.get("parameters")),
        shared_schemas,
        shared_bodies,
        examples: Vec::new(),
        errors: Vec::new(),
    };
    let global_security = doc.get("security").map(Node::to_json);
    let mut ops = Vec::new();
    let mut idents: HashMap<String, String> = HashMap::new();
    let mut requests: HashMap<String, String> = HashMap::new();
    // The routes on the wire, by method: a path's fragment (`/files/{id}#copy`, a way some
    // descriptions give one path and method several operations) is not sent, so such an
    // operation is imported at the path before it, or, when another has that route already,
    // as a variant of that one (the spec's fragment).
    let paths = doc.get("paths").map(Node::entries).unwrap_or_default();
    let mut routes: std::collections::HashSet<(String, String)> = paths
        .iter()
        .filter(|(path, _)| !path.name.contains('#'))
        .flat_map(|(path, item)| {
            item.entries()
                .iter()
                .filter(|(key, _)| METHODS.contains(&key.name.as_str()))
                .map(|(key, _)| (key.name.clone(), crate::paths::route_shape(&path.name)))
                .collect::<Vec<_>>()
        })
        .collect();
    for (path_key, item) in paths {
        let item_path = format!("paths.{}", path_key.name);
        let mut shared_params: Vec<(&Node, String)> = Vec::new();
        for (key, value) in item.entries() {
            let k = key.name.as_str();
            let at = format!("{item_path}.{k}");
            match k {
                _ if METHODS.contains(&k) => {}
                "parameters" => {
                    for (i, p) in value.items().iter().enumerate() {
                        shared_params.push((p, format!("{at}[{i}]")));
                    }
                }
                // Documentation-site only: the operation is part of the API all the same.
                "x-hidden-from-docs" | "summary" | "description" => {}
                _ => ctx
                    .schemas
                    .warnings
                    .ignored_key("path item key", key.loc, &at, k),
            }
        }
        for (key, op) in item.entries() {
            let method = key.name.as_str();
            if !METHODS.contains(&method) {
                continue;
            }
            let op_path = format!("{item_path}.{method}");
            let wire_path = match path_key.name.split_once('#') {
                Some((wire, _))
                    if routes.insert((method.to_owned(), crate::paths::route_shape(wire))) =>
                {
                    wire
                }
                Some((wire, fragment)) if !crate::paths::is_variant_name(fragment) => {
                    ctx.schemas.warnings.push(
                        Kind::Operation,
                        key.loc,
                        &op_path,
                        format!(
                            "`{} {}` is `{} {wire}` on the wire (a URL's fragment is not \
                             sent), which another operation is already, and `#{fragment}` \
                             cannot name a variant of it (letters, digits, `-`, `_`, `.`): \
                             left out",
                            method.to_uppercase(),
                            path_key.name,
                            method.to_uppercase()
                        ),
                    );
                    continue;
                }
                _ => path_key.name.as_str(),
            };
            let Some(imported) = ctx.operation(
                wire_path,
                method,
                op,
                key.loc,
                &op_path,
                &shared_params,
                global_security.as_ref(),
            ) else {
                continue;
            };
            let ident = names::snake_ident(&imported.op.id);
            if let Some(first) = idents.get(&ident) {
                ctx.schemas.warnings.push(
                    Kind::OperationName,
                    key.loc,
                    &op_path,
                    format!(
                        "operations `{first}` and `{}` both become the method `{ident}`: the \
                         second is left out",
                        imported.op.id
                    ),
                );
                continue;
            }
            idents.insert(ident, imported.op.id.clone());
            if let Some(first) =
                requests.insert(imported.op.request.clone(), imported.op.id.clone())
            {
                ctx.schemas.warnings.push(
                    Kind::SharedRequest,
                    key.loc,
                    &op_path,
                    format!(
                        "operations `{first}` and `{}` share the request type `{}`, which \
                         the spec format does not allow",
                        imported.op.id, imported.op.request
                    ),
                );
            }
            ops.push(imported);
        }
    }
    primaries_for_lone_variants(&mut ops);
    for imported in &mut ops {
        let op = &mut imported.op;
        let name = names::answers_enum(&op.id);
        if !op.answers.is_empty() && ctx.schemas.type_index.contains_key(&name) {
            ctx.schemas.warnings.push(
                Kind::Operation,
                imported.loc,
                &imported.at,
                format!(
                    "`{}` has several success answers, and the name of their enum, `{name}`, \
                     is a schema's: only its first answer is imported",
                    op.id
                ),
            );
            op.answers.clear();
        }
    }
    let (error_type, own_errors) = ctx.error_type();
    for imported in &mut ops {
        imported.op.error = own_errors.get(&imported.op.id).cloned();
    }
    let ops = variants_answering_as_their_operations(ops, &mut ctx.schemas.warnings);
    Operations {
        ops,
        examples: ctx.examples,
        error_type,
    }
}

/// A variant is answered as its operation: one whose client would read other statuses (either
/// has `answers`) or another error type is left out, with a warning.
fn variants_answering_as_their_operations(
    ops: Vec<Imported>,
    warnings: &mut Warnings,
) -> Vec<Imported> {
    let route = |op: &Operation| {
        let (wire, _) = crate::paths::split_variant(&op.path);
        (op.method.unwrap_or("POST"), crate::paths::route_shape(wire))
    };
    let reads = |op: &Operation| {
        let statuses: Option<BTreeSet<u16>> = (!op.answers.is_empty()).then(|| {
            std::iter::once(op.status.unwrap_or(200))
                .chain(op.answers.iter().map(|a| a.status))
                .collect()
        });
        (statuses, op.error.clone())
    };
    let primaries: HashMap<_, _> = ops
        .iter()
        .filter(|i| crate::paths::split_variant(&i.op.path).1.is_none())
        .map(|i| (route(&i.op), (i.op.id.clone(), reads(&i.op))))
        .collect();
    ops.into_iter()
        .filter(|i| {
            if crate::paths::split_variant(&i.op.path).1.is_none() {
                return true;
            }
            let Some((primary, primary_reads)) = primaries.get(&route(&i.op)) else {
                return true;
            };
            let same = *primary_reads == reads(&i.op);
            if !same {
                warnings.push(
                    Kind::Operation,
                    i.loc,
                    &i.at,
                    format!(
                        "`{}` is a variant of `{primary}`, which a server answers it as, and its \
                         success statuses or error type differ: left out",
                        i.op.id
                    ),
                );
            }
            same
        })
        .collect()
}

/// A variant (a path with a fragment) whose route and method no imported operation without a
/// fragment has, because that one was left out, is that operation: its path is the one sent.
fn primaries_for_lone_variants(ops: &mut [Imported]) {
    let route = |op: &Operation| {
        let method = op.method.unwrap_or("POST");
        (method, crate::paths::route_shape(&op.path))
    };
    let mut served: std::collections::HashSet<(&str, String)> = ops
        .iter()
        .filter(|i| crate::paths::split_variant(&i.op.path).1.is_none())
        .map(|i| route(&i.op))
        .collect();
    for imported in ops.iter_mut() {
        if let (wire, Some(_)) = crate::paths::split_variant(&imported.op.path)
            && served.insert(route(&imported.op))
        {
            imported.op.path = wire.to_owned();
        }
    }
}

/// The schemas whose type cannot simply be an operation's request: (those that more than one
/// imported operation takes as its body, those named anywhere else too). A body offered as
/// JSON and as a form names its schema once.
fn shared_schemas(doc: &Node) -> (HashSet<&str>, HashSet<&str>) {
    fn count<'a>(node: &'a Node, uses: &mut HashMap<&'a str, usize>) {
        if let Some(target) = node.str_of("$ref") {
            *uses.entry(target).or_default() += 1;
        }
        for (_, value) in node.entries() {
            count(value, uses);
        }
        for item in node.items() {
            count(item, uses);
        }
    }
    let mut everywhere = HashMap::new();
    count(doc, &mut everywhere);
    // Per media type, and per operation that is imported (one with an id and a method the
    // spec has).
    let mut in_bodies: HashMap<&str, usize> = HashMap::new();
    let mut operations: HashMap<&str, usize> = HashMap::new();
    for (_, item) in doc.get("paths").map(Node::entries).unwrap_or_default() {
        for (key, op) in item.entries() {
            if !METHODS.contains(&key.name.as_str()) {
                continue;
            }
            let content = op.get("requestBody").and_then(|body| body.get("content"));
            let targets: Vec<&str> = content
                .map(Node::entries)
                .unwrap_or_default()
                .iter()
                .filter_map(|(_, media)| media.get("schema")?.str_of("$ref"))
                .collect();
            for &target in &targets {
                *in_bodies.entry(target).or_default() += 1;
            }
            let imported = op.str_of("operationId").is_some() && key.name != "trace";
            if imported {
                for target in targets.into_iter().collect::<BTreeSet<_>>() {
                    *operations.entry(target).or_default() += 1;
                }
            }
        }
    }
    let bodies = operations
        .iter()
        .filter(|&(_, &count)| count > 1)
        .map(|(&target, _)| target)
        .collect();
    let named = everywhere
        .into_iter()
        .filter(|&(target, count)| {
            let elsewhere = count.saturating_sub(in_bodies.get(target).copied().unwrap_or(0));
            elsewhere + operations.get(target).copied().unwrap_or(0) > 1
        })
        .map(|(target, _)| target)
        .collect();
    (bodies, named)
}

/// The media type of a request body the spec's `body: multipart` stands for.
const MULTIPART: &str = "multipart/form-data";
/// The media type of a request body the spec's `body: form` stands for.
const FORM: &str = "application/x-www-form-urlencoded";

fn is_json(media: &str) -> bool {
    let media = media.split(';').next().unwrap_or(media).trim();
    media == "application/json" || media.ends_with("+json")
}

/// An operation's request body as imported.
struct RequestBody<'a> {
    /// Its type.
    name: String,
    /// The spec's `body`, when not JSON.
    body: Option<&'static str>,
    /// The `$ref` it names, when its type is that schema's.
    schema: Option<&'a str>,
}

impl<'a> Ctx<'_, 'a> {
    fn warn(&mut self, kind: Kind, loc: Loc, path: &str, message: impl Into<String>) {
        self.schemas.warnings.push(kind, loc, path, message);
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        path: &str,
        method: &str,
        node: &'a Node,
        loc: Loc,
        at: &str,
        shared_params: &[(&'a Node, String)],
        global_security: Option<&serde_json::Value>,
    ) -> Option<Imported> {
        // OpenAPI: an operation without `security` of its own takes the document's; a
        // document without one asks for no credentials.
        let mut public = global_security.is_none().then_some(
            "The description asks for no credentials (it has no `security`): the API answers \
             it without any.",
        );
        let mut security = None;
        for (key, value) in node.entries() {
            let k = key.name.as_str();
            let key_at = format!("{at}.{k}");
            match k {
                "summary" | "description" | "operationId" | "parameters" | "requestBody"
                | "responses" | "deprecated" => {}
                // One tag for everything, links into the docs site, and a docs-site flag.
                "tags" | "externalDocs" | "x-hidden-from-docs" => {}
                // An empty list: the operation is public (`/categories/get`).
                "security" if value.to_json() == serde_json::json!([]) => {
                    public = Some(
                        "The OpenAPI's `security: []`: the API answers it without credentials.",
                    );
                }
                "security" => {
                    public = None;
                    if Some(&value.to_json()) != global_security {
                        let wanted = crate::import::requirement(&value.to_json());
                        let (kept, dropped): (Vec<_>, Vec<_>) = wanted
                            .into_iter()
                            .partition(|names| names.iter().all(|n| self.schemes.contains(n)));
                        if !dropped.is_empty() {
                            let then = if kept.is_empty() {
                                "none is left, so the operation takes the document's"
                            } else {
                                "the others are kept"
                            };
                            self.warn(
                                Kind::SecurityOverride,
                                key.loc,
                                &key_at,
                                format!(
                                    "the operation's security ({}) has alternatives naming a scheme the client cannot send (unsupported or undeclared): left out; {then}",
                                    value.to_json()
                                ),
                            );
                        }
                        security = (!kept.is_empty()).then_some(kept);
                    }
                }
                _ => self
                    .schemas
                    .warnings
                    .ignored_key("operation key", key.loc, &key_at, k),
            }
        }
        if crate::paths::has_unroutable_placeholder(path) {
            self.warn(
                Kind::Unsupported,
                loc,
                at,
                format!(
                    "the path `{path}` has a placeholder that does not end its segment, which \
                     the spec format cannot carry (a placeholder ends its segment, alone or \
                     after a prefix: `{{id}}`, `thumbnail.{{extension}}`): left out"
                ),
            );
            return None;
        }
        let Some(op_id) = node.str_of("operationId") else {
            self.warn(
                Kind::Unsupported,
                loc,
                at,
                "an operation without `operationId`: left out",
            );
            return None;
        };
        let id = op_id.to_snake_case();
        let summary = match node.str_of("summary").map(str::trim) {
            Some(s) if !s.is_empty() => s.lines().next().unwrap_or(s).to_owned(),
            _ => {
                self.warn(
                    Kind::Operation,
                    loc,
                    at,
                    "no `summary`: the operation id stands in for it",
                );
                op_id.to_owned()
            }
        };
        let area = area_of(crate::paths::split_variant(path).0);
        let mut roots = Vec::new();

        let mut params = Vec::new();
        for (i, p) in node
            .get("parameters")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            params.push((p, format!("{at}.parameters[{i}]")));
        }
        // OpenAPI: an operation's parameter overrides the path item's of the same name and
        // place.
        let key = |param: &Node| {
            let param = param
                .str_of("$ref")
                .and_then(|target| target.strip_prefix("#/components/parameters/"))
                .and_then(|name| self.parameters.and_then(|p| p.get(name)))
                .unwrap_or(param);
            (
                param.str_of("name").map(str::to_owned),
                param.str_of("in").map(str::to_owned),
            )
        };
        let own: Vec<_> = params.iter().map(|(p, _)| key(p)).collect();
        params.extend(
            shared_params
                .iter()
                .filter(|(p, _)| !own.contains(&key(p)))
                .cloned(),
        );
        let request_body = if matches!(method, "get" | "head") {
            if let Some(body_loc) = node.key_loc("requestBody") {
                self.warn(
                    Kind::Operation,
                    body_loc,
                    &format!("{at}.requestBody"),
                    format!(
                        "a {} carries no body (its fields travel as parameters): the request \
                         body is not imported",
                        method.to_uppercase()
                    ),
                );
            }
            None
        } else {
            self.request_body(node, op_id, at)
        };
        let (request, body) = match request_body {
            // A schema that other operations take too, or that is used elsewhere and that the
            // parameters would join, stays as it is: the request is a copy of its fields.
            Some(RequestBody {
                name,
                body,
                schema: Some(schema),
            }) if self.shared_bodies.contains(schema)
                || (!params.is_empty() && self.shared_schemas.contains(schema)) =>
            {
                let method = method.to_uppercase();
                (
                    Some(self.own_request(&name, op_id, &method, path, loc)),
                    body,
                )
            }
            Some(RequestBody { name, body, .. }) => (Some(name), body),
            None => (None, None),
        };
        let has_body = request.is_some();
        let request_name = match request {
            Some(name) => name,
            None => {
                let name = self.op_type_name(op_id, "Request");
                let docs = if method == "get" {
                    format!("The path and header parameters of `GET {path}`.")
                } else {
                    format!("The parameters of `{} {path}`.", method.to_uppercase())
                };
                let def = TypeDef {
                    name: name.clone(),
                    docs: Some(docs),
                    deprecated: false,
                    body: Body::Fields(Vec::new()),
                    examples: Vec::new(),
                    webhook: None,
                };
                self.schemas.push(def, loc, None);
                name
            }
        };
        let mut param_fields = Vec::new();
        for (param, param_at) in &params {
            if let Some(field) = self.parameter(param, param_at, &request_name) {
                param_fields.push(field);
            }
        }
        if !has_body
            && method == "get"
            && param_fields
                .iter()
                .any(|f| matches!(f.place, Place::Query | Place::QueryJoined))
            && let Some(&i) = self.schemas.type_index.get(&request_name)
        {
            self.schemas.types[i].def.docs = Some(format!(
                "The path, query and header parameters of `GET {path}`."
            ));
        }
        let mut template = path.to_owned();
        let mut clashes = Vec::new();
        if let Some(&i) = self.schemas.type_index.get(&request_name)
            && let Body::Fields(fields) = &mut self.schemas.types[i].def.body
        {
            for mut field in param_fields {
                let taken = |wire: &str| fields.iter().any(|f| f.wire == wire);
                let clash = fields
                    .iter()
                    .find(|f| f.wire == field.wire)
                    .map(|f| f.place.clone());
                let Some(clash) = clash else {
                    fields.push(field);
                    continue;
                };
                // A placeholder's name never travels: the path sent is the same under another.
                let in_body = matches!(clash, Place::Body | Place::WholeBody);
                let renamed = (field.place == Place::Path && in_body)
                    .then(|| {
                        (1..)
                            .map(|n| match n {
                                1 => format!("{}_in_path", field.wire),
                                n => format!("{}_in_path{n}", field.wire),
                            })
                            .find(|wire| !taken(wire) && !template.contains(&format!("{{{wire}}}")))
                    })
                    .flatten();
                match renamed {
                    Some(wire) => {
                        template = template
                            .replace(&format!("{{{}}}", field.wire), &format!("{{{wire}}}"));
                        clashes.push(format!(
                            "path parameter `{}` has the name of a body field of \
                             `{request_name}`: its placeholder is named `{{{wire}}}` instead (the \
                             path sent is the same)",
                            field.wire
                        ));
                        field.wire = wire;
                        fields.push(field);
                    }
                    None if in_body => clashes.push(format!(
                        "parameter `{}` has the name of a body field of `{request_name}`: left out",
                        field.wire
                    )),
                    None => clashes.push(format!(
                        "parameter `{}` is given twice: the second is left out",
                        field.wire
                    )),
                }
            }
        }
        for message in clashes {
            self.warn(Kind::Operation, loc, at, message);
        }
        roots.push(request_name.clone());

        let (mut response, status, mut answers) = self.responses(node, op_id, at, loc, &mut roots);
        if method == "head" {
            // All empty, as the operation's own: the same answer.
            answers.clear();
        }
        if method == "head" && response != Response::Empty {
            self.warn(
                Kind::Operation,
                loc,
                at,
                "a HEAD is answered without a body (RFC 9110), whatever its response says: \
                 the response is imported as empty",
            );
            response = Response::Empty;
        }
        let idempotent = if method == "get" {
            Some("An HTTP GET is a read: retrying it is safe.")
        } else if method == "head" || method == "options" {
            Some("HTTP defines HEAD and OPTIONS as safe: retrying it is safe.")
        } else if method == "put" || method == "delete" {
            Some("HTTP defines PUT and DELETE as idempotent: retrying it is safe.")
        } else if path.ends_with("/get") || path.ends_with("/list") {
            Some("A read (the path ends in /get or /list): retrying it is safe.")
        } else {
            None
        };
        Some(Imported {
            op: Operation {
                id,
                path: template,
                method: match method {
                    "post" => None,
                    "get" => Some("GET"),
                    "put" => Some("PUT"),
                    "patch" => Some("PATCH"),
                    "delete" => Some("DELETE"),
                    "head" => Some("HEAD"),
                    "options" => Some("OPTIONS"),
                    other => {
                        self.warn(
                            Kind::Unsupported,
                            loc,
                            at,
                            format!("HTTP method `{other}` is not supported: left out"),
                        );
                        return None;
                    }
                },
                summary,
                docs: node.str_of("description").and_then(clean_docs),
                request: request_name,
                response,
                deprecated: node.flag("deprecated"),
                idempotent,
                public,
                security,
                status,
                body,
                answers,
                error: None,
            },
            area,
            roots,
            loc,
            at: at.to_owned(),
        })
    }

    /// The request body's type, if the operation has a JSON, `multipart/form-data` or
    /// `application/x-www-form-urlencoded` body.
    fn request_body(&mut self, node: &'a Node, op_id: &str, at: &str) -> Option<RequestBody<'a>> {
        let body = node.get("requestBody")?;
        let at = format!("{at}.requestBody");
        for (key, _) in body.entries() {
            if !matches!(key.name.as_str(), "content" | "required" | "description") {
                self.schemas.warnings.ignored_key(
                    "request body key",
                    key.loc,
                    &format!("{at}.{}", key.name),
                    &key.name,
                );
            }
        }
        let content_at = format!("{at}.content");
        let content = body.get("content")?;
        let (media_at, media) = self.json_media(content, &content_at, true)?;
        let body = if media_at.ends_with(MULTIPART) {
            Some("multipart")
        } else if media_at.ends_with(FORM) {
            Some("form")
        } else {
            None
        };
        // A form or multipart body is an object's fields: only JSON travels whole.
        let whole_allowed = body.is_none();
        let (name, schema) = self.body_schema(media, &media_at, op_id, "Request", whole_allowed)?;
        self.media_examples(media, &media_at, &name);
        if body != Some("multipart") {
            self.file_in_json(&name, media, &media_at);
        }
        Some(RequestBody { name, body, schema })
    }

    /// A request type of the operation's own with the fields of `body` (a component schema's
    /// type), so that the parameters the operation adds, and the operation's name, are not
    /// the schema's.
    fn own_request(
        &mut self,
        body: &str,
        op_id: &str,
        method: &str,
        path: &str,
        loc: Loc,
    ) -> String {
        let name = self.op_type_name(op_id, "Request");
        let (docs, deprecated, fields) = match self.schemas.type_index.get(body) {
            Some(&i) => {
                let def = &self.schemas.types[i].def;
                let fields = match &def.body {
                    Body::Fields(fields) => fields.clone(),
                    _ => Vec::new(),
                };
                (def.docs.clone(), def.deprecated, fields)
            }
            None => (None, false, Vec::new()),
        };
        let lead = format!("The body of `{method} {path}`: a [`{body}`]'s fields.");
        let def = TypeDef {
            name: name.clone(),
            docs: Some(match docs {
                Some(docs) => format!("{lead}\n\n{docs}"),
                None => lead,
            }),
            deprecated,
            body: Body::Fields(fields),
            examples: Vec::new(),
            webhook: None,
        };
        self.schemas.push(def, loc, None);
        name
    }

    /// A file field (`format: binary`) in a body declared JSON cannot travel: the spec refuses
    /// it unless a refinement makes the operation's body multipart, which the warning asks for.
    fn file_in_json(&mut self, name: &str, media: &Node, at: &str) {
        let Some(&i) = self.schemas.type_index.get(name) else {
            return;
        };
        let Body::Fields(fields) = &self.schemas.types[i].def.body else {
            return;
        };
        let files: Vec<String> = fields
            .iter()
            .filter(|f| f.ty.kind == crate::import::model::Kind::Builtin("file"))
            .map(|f| format!("`{}`", f.wire))
            .collect();
        if !files.is_empty() {
            self.warn(
                Kind::Operation,
                media.loc,
                at,
                format!(
                    "a JSON body with a file ({}, `format: binary`), which JSON cannot carry: \
                     if the docs send it as multipart/form-data, refine the operation with \
                     `body: multipart` in spec/overlay/",
                    files.join(", ")
                ),
            );
        }
    }

    /// Reports a `content` key that is no media type (Plaid's file has a stray `examples: {}`
    /// there); whether it was one.
    fn stray_content_key(&mut self, key: &Key, media_at: &str) -> bool {
        if key.name.contains('/') {
            return false;
        }
        self.warn(
            Kind::StrayContentKey,
            key.loc,
            media_at,
            format!(
                "`{}` is not a media type (a key indented one level too little?): skipped",
                key.name
            ),
        );
        true
    }

    /// The JSON media type of a `content` map (or, for a request without JSON,
    /// `multipart/form-data`, else `application/x-www-form-urlencoded`); the other entries
    /// are reported.
    fn json_media(
        &mut self,
        content: &'a Node,
        at: &str,
        multipart_too: bool,
    ) -> Option<(String, &'a Node)> {
        let mut chosen = None;
        let has = |wanted: &dyn Fn(&str) -> bool| {
            content.entries().iter().any(|(key, _)| wanted(&key.name))
        };
        let has_json = has(&is_json);
        let has_multipart = has(&|name| name == MULTIPART);
        for (key, media) in content.entries() {
            let media_at = format!("{at}.{}", key.name);
            if self.stray_content_key(key, &media_at) {
                continue;
            }
            let multipart = multipart_too && !has_json && key.name == MULTIPART;
            let form = multipart_too && !has_json && !has_multipart && key.name == FORM;
            if (is_json(&key.name) || multipart || form) && chosen.is_none() {
                chosen = Some((media_at, media));
            } else {
                self.warn(
                    Kind::Operation,
                    key.loc,
                    &media_at,
                    format!("media type `{}` is not supported here: skipped", key.name),
                );
            }
        }
        chosen
    }

    /// The type of a body schema: the named schema's type, or a type made from an inline
    /// schema and named after the operation. A JSON body that is not an object (`whole`: an
    /// array, a map, a scalar, a request's `oneOf`) is a type of the operation's own whose one
    /// field is the whole body.
    fn body_schema(
        &mut self,
        media: &'a Node,
        at: &str,
        op_id: &str,
        suffix: &str,
        whole: bool,
    ) -> Option<(String, Option<&'a str>)> {
        for (key, _) in media.entries() {
            if !matches!(key.name.as_str(), "schema" | "example" | "examples") {
                self.schemas.warnings.ignored_key(
                    "media type key",
                    key.loc,
                    &format!("{at}.{}", key.name),
                    &key.name,
                );
            }
        }
        let schema_at = format!("{at}.schema");
        let Some(schema) = media.get("schema") else {
            self.warn(
                Kind::Operation,
                media.loc,
                at,
                "a JSON body without a schema: imported as an object without fields",
            );
            return Some((self.empty_body(op_id, suffix, media.loc), None));
        };
        if let Some(target) = schema.str_of("$ref") {
            let i = self.schemas.resolve_ref(target, schema.loc, &schema_at)?;
            let named = self.schemas.follow(i).map(|t| self.schemas.list[t].node);
            if whole && named.is_some_and(is_map) {
                return Some((self.whole_body(schema, op_id, suffix, &schema_at), None));
            }
            // An answer may be one of several types; a request is an object.
            if suffix == "Response"
                && let Some(name) = self.schemas.answer_one_of(i)
            {
                return Some((name, Some(target)));
            }
            return match self.schemas.body_type(i) {
                Some(name) => Some((name, Some(target))),
                None if whole => Some((self.whole_body(schema, op_id, suffix, &schema_at), None)),
                None => {
                    self.warn(
                        Kind::Operation,
                        schema.loc,
                        &schema_at,
                        format!(
                            "the body schema `{}` is not an object: the body is imported as \
                             an object without fields",
                            self.schemas.list[i].key
                        ),
                    );
                    Some((self.empty_body(op_id, suffix, schema.loc), None))
                }
            };
        }
        let not_an_object = match schema.str_of("type") {
            Some(ty) => ty != "object",
            None => schema.get("oneOf").is_some() || schema.get("anyOf").is_some(),
        };
        if whole && (not_an_object || is_map(schema)) {
            return Some((self.whole_body(schema, op_id, suffix, &schema_at), None));
        }
        Some((self.inline_body(schema, op_id, suffix, &schema_at), None))
    }

    /// A JSON body that is not an object (an array, a map, a `oneOf`, a scalar): a type of the
    /// operation's own (`<OperationId><suffix>`) with one field, `body`, that is the whole
    /// body (`in: whole_body`); a request's parameters join it.
    fn whole_body(&mut self, schema: &'a Node, op_id: &str, suffix: &str, at: &str) -> String {
        let name = self.op_type_name(op_id, suffix);
        let site = Site {
            owner: &name,
            prop: "body",
            suffix: "",
            path: at,
        };
        let field = self.schemas.whole_body_field(schema, site);
        let def = TypeDef {
            name: name.clone(),
            docs: Some(match suffix {
                "Request" => format!(
                    "The request of `{op_id}`, whose body is not an object: `body` is all of it."
                ),
                _ => {
                    format!("The answer of `{op_id}`, which is not an object: `body` is all of it.")
                }
            }),
            deprecated: false,
            body: Body::Fields(vec![field]),
            examples: Vec::new(),
            webhook: None,
        };
        self.schemas.push(def, schema.loc, None);
        name
    }

    /// Whether a parameter of this kind has a text form: a string, number or boolean, or an
    /// enum (its value's text).
    fn is_parameter_scalar(&self, kind: &super::model::Kind) -> bool {
        match kind {
            super::model::Kind::Builtin(builtin) => *builtin != "any",
            super::model::Kind::Named(name) => self
                .schemas
                .type_index
                .get(name)
                .is_some_and(|&i| matches!(self.schemas.types[i].def.body, Body::Values(_))),
            _ => false,
        }
    }

    /// A free name for a type made for an operation: `<OperationId><Suffix>`.
    fn op_type_name(&mut self, op_id: &str, suffix: &str) -> String {
        let base = format!("{}{suffix}", pascal(op_id));
        let mut name = base.clone();
        let mut n = 2;
        while self.schemas.taken.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        self.schemas.taken.insert(name.clone());
        name
    }

    /// A body type without fields, for a body the format cannot describe.
    fn empty_body(&mut self, op_id: &str, suffix: &str, loc: Loc) -> String {
        let name = self.op_type_name(op_id, suffix);
        let def = TypeDef {
            name: name.clone(),
            docs: None,
            deprecated: false,
            body: Body::Fields(Vec::new()),
            examples: Vec::new(),
            webhook: None,
        };
        self.schemas.push(def, loc, None);
        name
    }

    fn inline_body(&mut self, schema: &'a Node, op_id: &str, suffix: &str, at: &str) -> String {
        let name = self.op_type_name(op_id, suffix);
        let mut def = self.schemas.object_type(&name, schema, at);
        if schema
            .get("type")
            .is_some_and(|t| t.as_str() != Some("object"))
        {
            self.warn(
                Kind::Operation,
                schema.loc,
                at,
                "a body that is not an object: imported as an object without fields",
            );
            def.body = Body::Fields(Vec::new());
        }
        self.schemas.push(def, schema.loc, None);
        name
    }

    fn media_examples(&mut self, media: &'a Node, at: &str, target: &str) {
        if let Some(example) = media.get("example") {
            self.examples.push(Pending {
                target: target.to_owned(),
                node: example,
                path: format!("{at}.example"),
            });
        }
        for (key, example) in media.get("examples").map(Node::entries).unwrap_or_default() {
            let example_at = format!("{at}.examples.{}", key.name);
            for (k, _) in example.entries() {
                if !matches!(k.name.as_str(), "value" | "summary" | "description") {
                    self.schemas.warnings.ignored_key(
                        "example key",
                        k.loc,
                        &format!("{example_at}.{}", k.name),
                        &k.name,
                    );
                }
            }
            if let Some(value) = example.get("value") {
                self.examples.push(Pending {
                    target: target.to_owned(),
                    node: value,
                    path: format!("{example_at}.value"),
                });
            }
        }
    }

    /// A path or header parameter as a field of the request type.
    fn parameter(&mut self, param: &'a Node, at: &str, request: &str) -> Option<Field> {
        let (param, at) = match param.str_of("$ref") {
            Some(target) => {
                let key = target.strip_prefix("#/components/parameters/");
                match key.and_then(|k| self.parameters.and_then(|p| p.get(k))) {
                    Some(p) => (p, format!("components.parameters.{}", key.unwrap_or(""))),
                    None => {
                        self.warn(
                            Kind::Unsupported,
                            param.loc,
                            at,
                            format!("`$ref: {target}` names no parameter: left out"),
                        );
                        return None;
                    }
                }
            }
            None => (param, at.to_owned()),
        };
        for (key, _) in param.entries() {
            let k = key.name.as_str();
            if !matches!(
                k,
                "name"
                    | "in"
                    | "description"
                    | "required"
                    | "deprecated"
                    | "schema"
                    | "example"
                    | "x-hidden-from-docs"
                    | "style"
                    | "explode"
            ) {
                self.schemas.warnings.ignored_key(
                    "parameter key",
                    key.loc,
                    &format!("{at}.{k}"),
                    k,
                );
            }
        }
        let name = param.str_of("name").unwrap_or_default();
        let (wire, place) = match param.str_of("in") {
            Some("path") => (name.to_owned(), Place::Path),
            Some("query") => (name.to_owned(), Place::Query),
            Some("header") => (name.to_snake_case(), Place::Header(name.to_owned())),
            other => {
                self.warn(
                    Kind::Operation,
                    param.loc,
                    &at,
                    format!(
                        "{} parameter `{name}` has no form in the spec format (only path, \
                         query and header parameters do): left out",
                        other.unwrap_or("an unplaced")
                    ),
                );
                return None;
            }
        };
        let schema_at = format!("{at}.schema");
        let resolved = match param.get("schema") {
            Some(schema) => {
                let site = Site {
                    owner: request,
                    prop: &wire,
                    suffix: "",
                    path: &schema_at,
                };
                let r = self.schemas.field_ty(schema, site);
                self.schemas.settle(r, schema, &schema_at)
            }
            None => {
                self.warn(
                    Kind::Operation,
                    param.loc,
                    &at,
                    "a parameter without a schema: imported as a string",
                );
                let site = Site {
                    owner: request,
                    prop: &wire,
                    suffix: "",
                    path: &schema_at,
                };
                self.schemas.field_ty(param, site)
            }
        };
        // A query parameter travels in OpenAPI's `style: form` (the default): with `explode`
        // (the default) an array is its items repeated (`?tags=a&tags=b`), without it one
        // parameter of the items joined by commas (`?fields=a,b`); other styles have no form.
        let mut query_array = false;
        let mut place = place;
        if place == Place::Query {
            let style = param.str_of("style").unwrap_or("form");
            let explode = param.get("explode").map(|e| e.to_json());
            if style != "form" {
                self.warn(
                    Kind::Operation,
                    param.loc,
                    &at,
                    format!(
                        "query parameter `{name}` in `style: {style}` (another style than \
                         `form`) has no form in the spec format: left out"
                    ),
                );
                return None;
            }
            query_array = match &resolved.ty.kind {
                super::model::Kind::Array(items, false) => self.is_parameter_scalar(&items.kind),
                _ => false,
            };
            if query_array && explode == Some(serde_json::json!(false)) {
                place = Place::QueryJoined;
            }
        } else if param.key_loc("style").is_some() || param.key_loc("explode").is_some() {
            self.warn(
                Kind::Unsupported,
                param.loc,
                &at,
                format!(
                    "`style` and `explode` of the {} parameter `{name}`: ignored",
                    param.str_of("in").unwrap_or_default()
                ),
            );
        }
        let scalar = self.is_parameter_scalar(&resolved.ty.kind);
        if !scalar && !query_array {
            self.warn(
                Kind::Operation,
                param.loc,
                &at,
                format!(
                    "parameter `{name}` is not a scalar, which a path or header parameter \
                     needs (a query parameter may be an array of scalars too): left out"
                ),
            );
            // The generator would refuse it: the import writes only what regenerates.
            return None;
        }
        let mut docs = param.str_of("description").and_then(clean_docs);
        if let Some(extra) = resolved.field_docs() {
            // The schema's docs say the same as the parameter's; its notes are kept.
            let notes: Vec<&str> = extra
                .split("\n\n")
                .filter(|p| resolved.docs.as_deref() != Some(*p))
                .collect();
            docs = match (docs, notes.is_empty()) {
                (Some(d), false) => Some(format!("{d}\n\n{}", notes.join("\n\n"))),
                (Some(d), true) => Some(d),
                (None, _) => Some(extra),
            };
        }
        if let Some(example) = param.get("example") {
            let line = format!("Example: {}.", inline_code(&example.to_json()));
            docs = Some(match docs {
                Some(d) => format!("{d}\n\n{line}"),
                None => line,
            });
        }
        Some(Field {
            required: place == Place::Path || param.flag("required"),
            nullable: false,
            deprecated: param.flag("deprecated") || resolved.deprecated,
            docs,
            ty: resolved.ty,
            wire,
            place,
        })
    }

    fn responses(
        &mut self,
        node: &'a Node,
        op_id: &str,
        at: &str,
        loc: Loc,
        roots: &mut Vec<String>,
    ) -> (Response, Option<u16>, Vec<Answer>) {
        let responses_at = format!("{at}.responses");
        let Some(responses) = node.get("responses") else {
            self.warn(
                Kind::Operation,
                loc,
                at,
                "no `responses`: the response is imported as empty",
            );
            return (Response::Empty, None, Vec::new());
        };
        let mut success: Vec<(&str, Loc, &'a Node)> = Vec::new();
        for (key, response) in responses.entries() {
            let code = key.name.as_str();
            let response_at = format!("{responses_at}.{code}");
            self.check_response_keys(response, &response_at);
            if code.starts_with('2') {
                success.push((code, key.loc, response));
            } else if code == "default" || code.starts_with('4') || code.starts_with('5') {
                self.error_response(response, &response_at, op_id, roots);
            } else {
                self.warn(
                    Kind::Operation,
                    key.loc,
                    &response_at,
                    format!("response code `{code}` is not imported"),
                );
            }
        }
        success.sort_by_key(|(code, _, _)| match *code {
            "200" => 0,
            "201" => 1,
            _ => 2,
        });
        let Some(&(code, _, chosen)) = success.first() else {
            self.warn(
                Kind::Operation,
                loc,
                &responses_at,
                "no success response: the response is imported as empty",
            );
            return (Response::Empty, None, Vec::new());
        };
        let chosen_at = format!("{responses_at}.{code}");
        let response = self.success_response(chosen, &chosen_at, op_id);
        if let Response::Type(name) | Response::Array(name) = &response {
            roots.push(name.clone());
        }
        // What a generated server answers with; 204 and 205 carry no body.
        let status = code.parse::<u16>().ok().filter(|&status| {
            status != 200 && (!matches!(status, 204 | 205) || response == Response::Empty)
        });
        // Every other success status, once one has a body of its own: the client reads the
        // answer by its status, and refuses a 2xx the operation does not list.
        let mut others = Vec::new();
        let mut ranges = Vec::new();
        for &(other, other_loc, node) in &success[1..] {
            let other_at = format!("{responses_at}.{other}");
            let mut body = self.success_response(node, &other_at, op_id);
            let Ok(other_status) = other.parse::<u16>() else {
                ranges.push((other, other_loc, other_at, body != response));
                continue;
            };
            if matches!(other_status, 204 | 205) {
                // HTTP: a 204 or 205 has no content, whatever the description says.
                body = Response::Empty;
            }
            let docs = node.str_of("description").and_then(clean_docs);
            others.push(Answer {
                status: other_status,
                response: body,
                docs,
            });
        }
        let answers = if others.iter().any(|a| a.response != response) {
            others
        } else {
            Vec::new()
        };
        for answer in &answers {
            if let Response::Type(name) | Response::Array(name) = &answer.response {
                roots.push(name.clone());
            }
        }
        for (range, loc, at, differs) in ranges {
            let message = if differs {
                format!(
                    "a range of success statuses ({range}) with another body than the {code}'s: \
                     not imported"
                )
            } else if !answers.is_empty() {
                format!(
                    "a range of success statuses ({range}) beside answers of their own: not \
                     imported (a status only the range covers is a decode error)"
                )
            } else {
                continue;
            };
            self.warn(Kind::Operation, loc, &at, message);
        }
        (response, status, answers)
    }

    fn check_response_keys(&mut self, response: &Node, at: &str) {
        for (key, value) in response.entries() {
            let k = key.name.as_str();
            let ok = match k {
                "description" | "content" => true,
                "headers" => value.entries().is_empty(),
                _ => false,
            };
            if !ok {
                self.schemas
                    .warnings
                    .ignored_key("response key", key.loc, &format!("{at}.{k}"), k);
            }
        }
    }

    fn success_response(&mut self, response: &'a Node, at: &str, op_id: &str) -> Response {
        let Some(content) = response.get("content") else {
            return Response::Empty;
        };
        let content_at = format!("{at}.content");
        let mut bytes = None;
        let mut json = None;
        for (key, media) in content.entries() {
            let media_at = format!("{content_at}.{}", key.name);
            if self.stray_content_key(key, &media_at) {
                continue;
            }
            if is_json(&key.name) {
                json.get_or_insert((media_at, media));
            } else {
                bytes.get_or_insert((key.name.clone(), key.loc, media_at));
            }
        }
        match (json, bytes) {
            (Some((media_at, media)), other) => {
                if let Some((media_type, loc, other_at)) = other {
                    self.warn(
                        Kind::Operation,
                        loc,
                        &other_at,
                        format!("`{media_type}` beside a JSON body: only the JSON is imported"),
                    );
                }
                if let Some(items) = self.array_of_objects(media, &media_at) {
                    for key in ["example", "examples"] {
                        if let Some(loc) = media.key_loc(key) {
                            self.warn(
                                Kind::Unsupported,
                                loc,
                                &format!("{media_at}.{key}"),
                                "examples of an array answer are not imported",
                            );
                        }
                    }
                    return Response::Array(items);
                }
                match self.body_schema(media, &media_at, op_id, "Response", true) {
                    Some((name, _)) => {
                        self.media_examples(media, &media_at, &name);
                        Response::Type(name)
                    }
                    None => Response::Empty,
                }
            }
            (None, Some((content_type, _, _))) => Response::Bytes { content_type },
            (None, None) => Response::Empty,
        }
    }

    /// The items' type of a body that is a JSON array of a named object schema (`[Pet]`),
    /// written inline or as a named array schema; `None` for any other body.
    fn array_of_objects(&mut self, media: &'a Node, at: &str) -> Option<String> {
        let mut schema = media.get("schema")?;
        let mut schema_at = format!("{at}.schema");
        if let Some(target) = schema.str_of("$ref") {
            let key = target.strip_prefix("#/components/schemas/")?;
            let named = self.schemas.list.iter().find(|s| s.key == key)?;
            schema = named.node;
            schema_at = named.path.clone();
        }
        if schema.str_of("type") != Some("array") {
            return None;
        }
        let items = schema.get("items")?;
        let target = items.str_of("$ref")?;
        let i = self
            .schemas
            .resolve_ref(target, items.loc, &format!("{schema_at}.items"))?;
        self.schemas.body_type(i)
    }

    fn error_response(
        &mut self,
        response: &'a Node,
        at: &str,
        op_id: &str,
        roots: &mut Vec<String>,
    ) {
        let Some(content) = response.get("content") else {
            return;
        };
        let Some((media_at, media)) = self.json_media(content, &format!("{at}.content"), false)
        else {
            return;
        };
        let Some(schema) = media.get("schema") else {
            return;
        };
        let schema_at = format!("{media_at}.schema");
        let name = match schema.str_of("$ref") {
            Some(target) => {
                let Some(i) = self.schemas.resolve_ref(target, schema.loc, &schema_at) else {
                    return;
                };
                match self.schemas.body_type(i) {
                    Some(name) => name,
                    None => return,
                }
            }
            None => self.inline_body(schema, op_id, "Error", &schema_at),
        };
        self.media_examples(media, &media_at, &name);
        roots.push(name.clone());
        self.errors.push(ErrorUse {
            name,
            loc: schema.loc,
            path: schema_at,
            op: op_id.to_owned(),
            id: op_id.to_snake_case(),
        });
    }

    /// The API's error type is the one most error responses use, and the operations whose
    /// error responses all use one other type have it as their own (by operation id). An
    /// operation whose error responses use several types (its own and the API's) reads them
    /// all as the API's: reported.
    fn error_type(&mut self) -> (Option<String>, HashMap<String, String>) {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for e in &self.errors {
            *counts.entry(&e.name).or_default() += 1;
        }
        let Some(error) = counts
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(name, _)| (*name).to_owned())
        else {
            return (None, HashMap::new());
        };
        let errors = std::mem::take(&mut self.errors);
        let mut by_operation: HashMap<&str, BTreeSet<&str>> = HashMap::new();
        for e in &errors {
            by_operation.entry(&e.id).or_default().insert(&e.name);
        }
        // An error body is an object type (the spec's `error`).
        let is_object = |name: &str| {
            self.schemas
                .type_index
                .get(name)
                .and_then(|&i| self.schemas.types.get(i))
                .is_some_and(|t| matches!(t.def.body, Body::Fields(_)))
        };
        let own: HashMap<String, String> = by_operation
            .into_iter()
            .filter_map(|(id, names)| {
                let mut names = names.into_iter();
                match (names.next(), names.next()) {
                    (Some(only), None) if only != error && is_object(only) => {
                        Some((id.to_owned(), only.to_owned()))
                    }
                    _ => None,
                }
            })
            .collect();
        for e in &errors {
            if e.name != error && !own.contains_key(&e.id) {
                self.warn(
                    Kind::ErrorSchema,
                    e.loc,
                    &e.path,
                    format!(
                        "`{}` answers errors with several types, `{}` here: the generated \
                         client reads them all as the API's error type `{error}`",
                        e.op, e.name
                    ),
                );
            }
        }
        (Some(error), own)
    }
}

/// The first path segment, as a module name.
pub fn area_of(path: &str) -> String {
    let segment = path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    let mut area: String = segment
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if area.is_empty() || area.starts_with(|c: char| c.is_ascii_digit()) {
        area.insert_str(0, "api");
    }
    area
}

/// A schema that is a map (`additionalProperties` with a schema of the values, without
/// `properties`), whose values the spec writes as `type: map`, not as an object's fields. A
/// free-form object (`additionalProperties: true` or `{}`) stays an object without fields.
fn is_map(schema: &Node) -> bool {
    schema.str_of("type").is_none_or(|ty| ty == "object")
        && schema.get("properties").is_none()
        && schema.get("allOf").is_none()
        && schema
            .get("additionalProperties")
            .is_some_and(|values| !values.entries().is_empty())
}
