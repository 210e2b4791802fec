//! The imported spec as the importer builds it, and how it is written: one YAML file per
//! area, in the format of `spec/README.md` plus the import additions.

use serde_json::{Map, Value, json};

use super::yaml::{self, Writer};

/// The first line of every imported file; the importer only ever replaces or deletes files
/// that start with it.
pub const MARKER_PREFIX: &str = "# @imported by `cargo xtask import`";

#[derive(Debug, Default)]
pub struct File {
    /// `transfer.yaml`
    pub name: String,
    /// The `api` block (only in `api.yaml`).
    pub api: Option<Api>,
    pub operations: Vec<Operation>,
    pub types: Vec<TypeDef>,
}

/// The `api` block the import derives from the description's `info`, `servers` and error
/// responses, so that the spec it writes regenerates as it is.
#[derive(Debug)]
pub struct Api {
    pub title: String,
    pub version: String,
    pub error: Option<String>,
    /// `"{code}: {message}"`, when the error type has both, required.
    pub error_summary: Option<String>,
    /// The error type's (`type`, `code`, `message`) fields, when it has a code and a message.
    pub error_fields: Option<(Option<String>, String, String)>,
    /// Environment name and base URL.
    pub servers: Vec<(String, String)>,
    /// The description's security schemes the client can send, by name.
    pub security_schemes: Vec<(String, Scheme)>,
    /// The description's top-level `security`, alternatives of scheme names.
    pub security: Vec<Vec<String>>,
    pub docs: Option<String>,
}

/// One security scheme of the `api` block: its `kind`, and for an API key `in` and `name`.
#[derive(Debug)]
pub struct Scheme {
    pub kind: &'static str,
    pub key: Option<(String, String)>,
}

/// A requirement in YAML's flow style: `[[clientId, secret]]`.
pub fn requirement_text(requirement: &[Vec<String>]) -> String {
    let alternatives: Vec<String> = requirement
        .iter()
        .map(|names| {
            let names: Vec<String> = names.iter().map(|n| json!(n).to_string()).collect();
            format!("[{}]", names.join(", "))
        })
        .collect();
    format!("[{}]", alternatives.join(", "))
}

impl Api {
    fn render(&self, w: &mut Writer) {
        w.open(0, "api");
        w.string(1, "title", &self.title);
        w.string(1, "version", &self.version);
        if let Some(error) = &self.error {
            w.string(1, "error", error);
        }
        if let Some(summary) = &self.error_summary {
            w.string(1, "error_summary", summary);
        }
        if let Some((kind, code, message)) = &self.error_fields {
            w.comment(
                1,
                "The error fields a generated server fills in when it refuses a request itself.",
            );
            w.open(1, "error_fields");
            if let Some(kind) = kind {
                w.string(2, "type", kind);
            }
            w.string(2, "code", code);
            w.string(2, "message", message);
        }
        if !self.servers.is_empty() {
            w.open(1, "servers");
            for (name, url) in &self.servers {
                w.string(2, name, url);
            }
        }
        if !self.security_schemes.is_empty() {
            w.comment(
                1,
                "The description's security schemes (components.securitySchemes).",
            );
            w.open(1, "security_schemes");
            for (name, scheme) in &self.security_schemes {
                w.open(2, name);
                w.raw(3, "kind", scheme.kind);
                if let Some((location, key)) = &scheme.key {
                    w.raw(3, "in", location);
                    w.string(3, "name", key);
                }
            }
        }
        if !self.security.is_empty() {
            w.raw(1, "security", &requirement_text(&self.security));
        }
        if let Some(docs) = &self.docs {
            w.text(1, "docs", docs);
        }
    }

    fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("title".into(), json!(self.title));
        m.insert("version".into(), json!(self.version));
        if let Some(error) = &self.error {
            m.insert("error".into(), json!(error));
        }
        if let Some(summary) = &self.error_summary {
            m.insert("error_summary".into(), json!(summary));
        }
        if let Some((kind, code, message)) = &self.error_fields {
            let mut fields = Map::new();
            if let Some(kind) = kind {
                fields.insert("type".into(), json!(kind));
            }
            fields.insert("code".into(), json!(code));
            fields.insert("message".into(), json!(message));
            m.insert("error_fields".into(), Value::Object(fields));
        }
        if !self.servers.is_empty() {
            let servers = self.servers.iter().map(|(n, u)| (n.clone(), json!(u)));
            m.insert("servers".into(), Value::Object(servers.collect()));
        }
        if !self.security_schemes.is_empty() {
            let schemes = self.security_schemes.iter().map(|(name, scheme)| {
                let mut fields = Map::new();
                fields.insert("kind".into(), json!(scheme.kind));
                if let Some((location, key)) = &scheme.key {
                    fields.insert("in".into(), json!(location));
                    fields.insert("name".into(), json!(key));
                }
                (name.clone(), Value::Object(fields))
            });
            m.insert("security_schemes".into(), Value::Object(schemes.collect()));
        }
        if !self.security.is_empty() {
            m.insert("security".into(), json!(self.security));
        }
        if let Some(docs) = &self.docs {
            m.insert("docs".into(), json!(yaml::text_value(docs)));
        }
        Value::Object(m)
    }
}

#[derive(Debug)]
pub struct Operation {
    pub id: String,
    pub path: String,
    /// None for POST, the default.
    pub method: Option<&'static str>,
    pub summary: String,
    pub docs: Option<String>,
    pub request: String,
    pub response: Response,
    pub deprecated: bool,
    /// Why the operation is idempotent, when it is: written as a comment above the key.
    pub idempotent: Option<&'static str>,
    /// Why the operation takes no credentials (`security: []`, or a description without
    /// security schemes), when it takes none: written as a comment above the key.
    pub public: Option<&'static str>,
    /// The operation's own `security`, when it differs from the document's and is not `[]`.
    pub security: Option<Vec<Vec<String>>>,
    /// The success status, when it is not 200 (`201`, `204`).
    pub status: Option<u16>,
    /// How the request body travels, when not as JSON: the spec's `body` (`multipart`,
    /// `form`).
    pub body: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    Type(String),
    /// A JSON array of this type.
    Array(String),
    Bytes {
        content_type: String,
    },
    Empty,
}

#[derive(Debug)]
pub struct TypeDef {
    pub name: String,
    pub docs: Option<String>,
    pub deprecated: bool,
    pub body: Body,
    pub examples: Vec<Value>,
    /// The (`webhook_type`, `webhook_code`) pair of a webhook payload.
    pub webhook: Option<WebhookKey>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WebhookKey {
    pub kind: String,
    pub code: String,
}

#[derive(Debug)]
pub enum Body {
    Fields(Vec<Field>),
    Values(Vec<String>),
    /// `oneOf`/`anyOf` of named object schemas: the member types in source order.
    OneOf(Vec<String>, Option<Discriminator>),
}

/// The property that tells a `oneOf`'s members apart, and its value for each member that is
/// not its type name.
#[derive(Debug)]
pub struct Discriminator {
    pub property: String,
    pub mapping: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub wire: String,
    pub ty: Ty,
    pub required: bool,
    pub nullable: bool,
    pub place: Place,
    pub deprecated: bool,
    pub docs: Option<String>,
}

/// Where a request field travels.
#[derive(Debug, Clone, PartialEq)]
pub enum Place {
    Body,
    /// The body itself, for a body that is not an object (`in: whole_body`).
    WholeBody,
    Path,
    Query,
    /// In the query, an array's items joined by commas (`style: form`, `explode: false`).
    QueryJoined,
    Header(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ty {
    pub kind: Kind,
    pub format: Option<String>,
    pub c: Constraints,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `string`, `integer`, `number`, `boolean`, `any`
    Builtin(&'static str),
    Named(String),
    /// An array's items and whether they may be null.
    Array(Box<Ty>, bool),
    /// A map's values and whether they may be null.
    Map(Box<Ty>, bool),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<String>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub unique_items: bool,
}

impl Ty {
    pub fn builtin(name: &'static str) -> Self {
        Ty {
            kind: Kind::Builtin(name),
            format: None,
            c: Constraints::default(),
        }
    }

    pub fn named(name: &str) -> Self {
        Ty {
            kind: Kind::Named(name.to_owned()),
            format: None,
            c: Constraints::default(),
        }
    }

    pub fn type_name(&self) -> &str {
        match &self.kind {
            Kind::Builtin(name) => name,
            Kind::Named(name) => name,
            Kind::Array(..) => "array",
            Kind::Map(..) => "map",
        }
    }
}

impl File {
    /// The file as YAML; `source` names the OpenAPI file in the marker line.
    pub fn render(&self, source: &str) -> String {
        let mut w = Writer::default();
        w.comment(
            0,
            &format!(
                "{} from {source}. Do not edit: refine in spec/overlay/.",
                &MARKER_PREFIX[2..]
            ),
        );
        if let Some(api) = &self.api {
            w.comment(
                0,
                "The `api` block, from the description's `info`, `servers` and error responses.\n\
                 To say more (server errors, request ids), replace this file by a hand-written\n\
                 `api.yaml` without the line above: the import leaves such a file alone.",
            );
            w.blank();
            api.render(&mut w);
        }
        if !self.operations.is_empty() {
            w.blank();
            w.open(0, "operations");
            for (i, op) in self.operations.iter().enumerate() {
                if i > 0 {
                    w.blank();
                }
                op.render(&mut w);
            }
        }
        if !self.types.is_empty() {
            w.blank();
            w.open(0, "types");
            for (i, ty) in self.types.iter().enumerate() {
                if i > 0 {
                    w.blank();
                }
                ty.render(&mut w);
            }
        }
        w.finish()
    }

    /// What the YAML of [`File::render`] reads back as, to prove the writer right.
    pub fn to_json(&self) -> Value {
        let mut root = Map::new();
        if let Some(api) = &self.api {
            root.insert("api".into(), api.to_json());
        }
        if !self.operations.is_empty() {
            let ops = self
                .operations
                .iter()
                .map(|op| (op.id.clone(), op.to_json()));
            root.insert("operations".into(), Value::Object(ops.collect()));
        }
        if !self.types.is_empty() {
            let types = self.types.iter().map(|t| (t.name.clone(), t.to_json()));
            root.insert("types".into(), Value::Object(types.collect()));
        }
        Value::Object(root)
    }
}

impl Operation {
    fn render(&self, w: &mut Writer) {
        w.open(1, &self.id);
        w.string(2, "path", &self.path);
        if let Some(method) = self.method {
            w.string(2, "method", method);
        }
        w.string(2, "summary", &self.summary);
        if let Some(docs) = &self.docs {
            w.text(2, "docs", docs);
        }
        w.string(2, "request", &self.request);
        match &self.response {
            Response::Type(name) => w.string(2, "response", name),
            Response::Array(name) => {
                w.string(2, "response", "array");
                w.string(2, "items", name);
            }
            Response::Bytes { content_type } => {
                w.string(2, "response", "bytes");
                w.string(2, "content_type", content_type);
            }
            Response::Empty => w.string(2, "response", "empty"),
        }
        if let Some(status) = self.status {
            w.raw(2, "status", &status.to_string());
        }
        if self.deprecated {
            w.raw(2, "deprecated", "true");
        }
        if let Some(why) = self.idempotent {
            w.comment(2, why);
            w.raw(2, "idempotent", "true");
        }
        if let Some(why) = self.public {
            w.comment(2, why);
            w.raw(2, "authenticated", "false");
        }
        if let Some(security) = &self.security {
            w.raw(2, "security", &requirement_text(security));
        }
        if let Some(body) = self.body {
            w.string(2, "body", body);
        }
    }

    fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("path".into(), json!(self.path));
        if let Some(method) = self.method {
            m.insert("method".into(), json!(method));
        }
        m.insert("summary".into(), json!(self.summary));
        if let Some(docs) = &self.docs {
            m.insert("docs".into(), json!(yaml::text_value(docs)));
        }
        m.insert("request".into(), json!(self.request));
        match &self.response {
            Response::Type(name) => {
                m.insert("response".into(), json!(name));
            }
            Response::Array(name) => {
                m.insert("response".into(), json!("array"));
                m.insert("items".into(), json!(name));
            }
            Response::Bytes { content_type } => {
                m.insert("response".into(), json!("bytes"));
                m.insert("content_type".into(), json!(content_type));
            }
            Response::Empty => {
                m.insert("response".into(), json!("empty"));
            }
        }
        if let Some(status) = self.status {
            m.insert("status".into(), json!(status));
        }
        if self.deprecated {
            m.insert("deprecated".into(), json!(true));
        }
        if self.idempotent.is_some() {
            m.insert("idempotent".into(), json!(true));
        }
        if let Some(body) = self.body {
            m.insert("body".into(), json!(body));
        }
        if self.public.is_some() {
            m.insert("authenticated".into(), json!(false));
        }
        if let Some(security) = &self.security {
            m.insert("security".into(), json!(security));
        }
        Value::Object(m)
    }
}

impl TypeDef {
    fn render(&self, w: &mut Writer) {
        w.open(1, &self.name);
        if let Some(docs) = &self.docs {
            w.text(2, "docs", docs);
        }
        if self.deprecated {
            w.raw(2, "deprecated", "true");
        }
        if let Some(webhook) = &self.webhook {
            w.open(2, "webhook");
            w.string(3, "type", &webhook.kind);
            w.string(3, "code", &webhook.code);
        }
        match &self.body {
            Body::Fields(fields) if fields.is_empty() => w.raw(2, "fields", "{}"),
            Body::Fields(fields) => {
                w.open(2, "fields");
                for field in fields {
                    field.render(w, 3);
                }
            }
            Body::Values(values) => {
                w.open(2, "values");
                for value in values {
                    w.item_raw(3, &yaml::scalar(value));
                }
            }
            Body::OneOf(members, discriminator) => {
                w.open(2, "one_of");
                for member in members {
                    w.item_raw(3, &yaml::scalar(member));
                }
                if let Some(d) = discriminator {
                    w.open(2, "discriminator");
                    w.string(3, "property", &d.property);
                    if !d.mapping.is_empty() {
                        w.open(3, "mapping");
                        for (value, member) in &d.mapping {
                            w.string(4, value, member);
                        }
                    }
                }
            }
        }
        if !self.examples.is_empty() {
            w.open(2, "examples");
            for example in &self.examples {
                w.item_raw(3, &yaml::json_flow(example));
            }
        }
    }

    fn to_json(&self) -> Value {
        let mut m = Map::new();
        if let Some(docs) = &self.docs {
            m.insert("docs".into(), json!(yaml::text_value(docs)));
        }
        if self.deprecated {
            m.insert("deprecated".into(), json!(true));
        }
        if let Some(webhook) = &self.webhook {
            m.insert(
                "webhook".into(),
                json!({"type": webhook.kind, "code": webhook.code}),
            );
        }
        match &self.body {
            Body::Fields(fields) => {
                let fields = fields.iter().map(|f| (f.wire.clone(), f.to_json()));
                m.insert("fields".into(), Value::Object(fields.collect()));
            }
            Body::Values(values) => {
                m.insert("values".into(), json!(values));
            }
            Body::OneOf(members, discriminator) => {
                m.insert("one_of".into(), json!(members));
                if let Some(d) = discriminator {
                    let mapping: Map<String, Value> = d
                        .mapping
                        .iter()
                        .map(|(value, member)| (value.clone(), json!(member)))
                        .collect();
                    m.insert(
                        "discriminator".into(),
                        json!({"property": d.property, "mapping": mapping}),
                    );
                }
            }
        }
        if !self.examples.is_empty() {
            m.insert("examples".into(), json!(self.examples));
        }
        Value::Object(m)
    }
}

impl Field {
    fn render(&self, w: &mut Writer, level: usize) {
        w.open(level, &self.wire);
        render_kind(w, level + 1, &self.ty);
        if self.required {
            w.raw(level + 1, "required", "true");
        }
        if self.nullable {
            w.raw(level + 1, "nullable", "true");
        }
        match &self.place {
            Place::Body => {}
            Place::WholeBody => w.string(level + 1, "in", "whole_body"),
            Place::Path => w.string(level + 1, "in", "path"),
            Place::Query => w.string(level + 1, "in", "query"),
            Place::QueryJoined => {
                w.string(level + 1, "in", "query");
                w.raw(level + 1, "explode", "false");
            }
            Place::Header(name) => {
                w.string(level + 1, "in", "header");
                w.string(level + 1, "header", name);
            }
        }
        render_constraints(w, level + 1, &self.ty);
        if self.deprecated {
            w.raw(level + 1, "deprecated", "true");
        }
        if let Some(docs) = &self.docs {
            w.text(level + 1, "docs", docs);
        }
    }

    fn to_json(&self) -> Value {
        let mut m = ty_json(&self.ty);
        if self.required {
            m.insert("required".into(), json!(true));
        }
        if self.nullable {
            m.insert("nullable".into(), json!(true));
        }
        match &self.place {
            Place::Body => {}
            Place::WholeBody => {
                m.insert("in".into(), json!("whole_body"));
            }
            Place::Path => {
                m.insert("in".into(), json!("path"));
            }
            Place::Query => {
                m.insert("in".into(), json!("query"));
            }
            Place::QueryJoined => {
                m.insert("in".into(), json!("query"));
                m.insert("explode".into(), json!(false));
            }
            Place::Header(name) => {
                m.insert("in".into(), json!("header"));
                m.insert("header".into(), json!(name));
            }
        }
        if self.deprecated {
            m.insert("deprecated".into(), json!(true));
        }
        if let Some(docs) = &self.docs {
            m.insert("docs".into(), json!(yaml::text_value(docs)));
        }
        Value::Object(m)
    }
}

/// A number as the spec writes it: integers without a fraction.
fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// `type` and, for arrays and maps, the element.
fn render_kind(w: &mut Writer, level: usize, ty: &Ty) {
    w.string(level, "type", ty.type_name());
    match &ty.kind {
        Kind::Array(items, nullable) => render_element(w, level, "items", items, *nullable),
        Kind::Map(values, nullable) => render_element(w, level, "values", values, *nullable),
        Kind::Builtin(_) | Kind::Named(_) => {}
    }
}

/// An element type (`items`, `values`): its type, whether it may be null, its constraints.
fn render_element(w: &mut Writer, level: usize, key: &str, ty: &Ty, nullable: bool) {
    w.open(level, key);
    render_kind(w, level + 1, ty);
    if nullable {
        w.raw(level + 1, "nullable", "true");
    }
    render_constraints(w, level + 1, ty);
}

fn render_constraints(w: &mut Writer, level: usize, ty: &Ty) {
    if let Some(format) = &ty.format {
        w.string(level, "format", format);
    }
    let c = &ty.c;
    for (key, value) in [("min_length", c.min_length), ("max_length", c.max_length)] {
        if let Some(v) = value {
            w.raw(level, key, &v.to_string());
        }
    }
    if let Some(pattern) = &c.pattern {
        w.string(level, "pattern", pattern);
    }
    for (key, value) in [("minimum", c.minimum), ("maximum", c.maximum)] {
        if let Some(v) = value {
            w.raw(level, key, &number(v));
        }
    }
    for (key, value) in [("min_items", c.min_items), ("max_items", c.max_items)] {
        if let Some(v) = value {
            w.raw(level, key, &v.to_string());
        }
    }
    if c.unique_items {
        w.raw(level, "unique_items", "true");
    }
}

fn ty_json(ty: &Ty) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("type".into(), json!(ty.type_name()));
    match &ty.kind {
        Kind::Array(items, nullable) => {
            let mut v = ty_json(items);
            if *nullable {
                v.insert("nullable".into(), json!(true));
            }
            m.insert("items".into(), Value::Object(v));
        }
        Kind::Map(values, nullable) => {
            let mut v = ty_json(values);
            if *nullable {
                v.insert("nullable".into(), json!(true));
            }
            m.insert("values".into(), Value::Object(v));
        }
        Kind::Builtin(_) | Kind::Named(_) => {}
    }
    if let Some(format) = &ty.format {
        m.insert("format".into(), json!(format));
    }
    let c = &ty.c;
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(v) = value {
            m.insert(key.into(), v);
        }
    };
    put("min_length", c.min_length.map(|v| json!(v)));
    put("max_length", c.max_length.map(|v| json!(v)));
    put("pattern", c.pattern.as_ref().map(|v| json!(v)));
    let num = |v: f64| -> Value {
        if v.fract() == 0.0 && v.abs() < 1e15 {
            json!(v as i64)
        } else {
            json!(v)
        }
    };
    put("minimum", c.minimum.map(num));
    put("maximum", c.maximum.map(num));
    put("min_items", c.min_items.map(|v| json!(v)));
    put("max_items", c.max_items.map(|v| json!(v)));
    put("unique_items", c.unique_items.then(|| json!(true)));
    m
}
