//! What the importer works on while it reads the description (types by name, fields with
//! the place they travel), and the spec files it turns into: [`File::into_spec`] builds the
//! spec's own types (`spec.rs`), which `spec::write` writes. Nothing here knows YAML.

use serde_json::Value;

use crate::spec::write::{Comments, text_value};
use crate::spec::{self, unlocated};

/// The first line of every imported file; the importer only ever replaces or deletes files
/// that start with it.
pub const MARKER_PREFIX: &str = "# @imported by `cargo xtask import`";

#[derive(Debug, Default)]
pub struct File {
    /// `transfer.yaml`
    pub name: String,
    /// The `api` block (only in `api.yaml`).
    pub api: Option<spec::ApiInfo>,
    pub operations: Vec<Operation>,
    pub types: Vec<TypeDef>,
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
    /// The other success answers, with another body than `response`'s.
    pub answers: Vec<Answer>,
    /// The type of its error answers' bodies, when it is not the API's.
    pub error: Option<String>,
}

/// One of an operation's other success answers: the spec's `answers` item.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub response: Response,
    pub docs: Option<String>,
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

/// The comment above the imported `api` block.
const API_COMMENT: &str = "The `api` block, from the description's `info`, `servers` and error \
responses.\nTo say more (server errors, request ids), replace this file by a hand-written\n\
`api.yaml` without the line above: the import leaves such a file alone.";

impl File {
    /// The comment lines the file starts with; `source` names the OpenAPI file in the marker.
    pub fn header(&self, source: &str) -> String {
        let mut header = format!(
            "{} from {source}. Do not edit: refine in spec/overlay/.",
            &MARKER_PREFIX[2..]
        );
        if self.api.is_some() {
            header.push('\n');
            header.push_str(API_COMMENT);
        }
        header
    }

    /// The file as the spec's types, and the comments that say why the import wrote a key.
    pub fn into_spec(self) -> (spec::SpecFile, Comments) {
        let mut comments = Comments::new();
        if let Some(api) = &self.api {
            if api.error_fields.is_some() {
                comments.insert(
                    "api/error_fields".into(),
                    "The error fields a generated server fills in when it refuses a request itself."
                        .into(),
                );
            }
            if !api.security_schemes.is_empty() {
                comments.insert(
                    "api/security_schemes".into(),
                    "The description's security schemes (components.securitySchemes).".into(),
                );
            }
        }
        let operations = self
            .operations
            .iter()
            .map(|op| (op.id.clone(), op.to_spec(&mut comments)))
            .collect();
        let types = self
            .types
            .iter()
            .map(|ty| (ty.name.clone(), ty.to_spec()))
            .collect();
        let file = spec::SpecFile {
            api: self.api.map(unlocated),
            operations,
            types,
            ..spec::SpecFile::default()
        };
        (file, comments)
    }
}

impl Operation {
    fn to_spec(&self, comments: &mut Comments) -> spec::Operation {
        let at = |key: &str| format!("operations/{}/{key}", self.id);
        if let Some(why) = self.idempotent {
            comments.insert(at("idempotent"), why.into());
        }
        if let Some(why) = self.public {
            comments.insert(at("authenticated"), why.into());
        }
        let (response, items, content_type) = self.response.to_spec();
        spec::Operation {
            path: unlocated(self.path.clone()),
            method: self.method.map(|m| unlocated(m.to_owned())),
            summary: self.summary.clone(),
            docs: self.docs.as_deref().map(text_value),
            request: unlocated(self.request.clone()),
            response,
            items,
            content_type,
            status: self.status.map(unlocated),
            error: self.error.clone().map(unlocated),
            deprecated: self.deprecated,
            idempotent: self.idempotent.is_some(),
            authenticated: self.public.is_none(),
            security: self.security.clone().map(unlocated),
            body: self.body.map(|b| unlocated(b.to_owned())),
            answers: self
                .answers
                .iter()
                .map(|answer| {
                    let (response, items, content_type) = answer.response.to_spec();
                    unlocated(spec::Answer {
                        status: unlocated(answer.status),
                        response,
                        items,
                        content_type,
                        docs: answer.docs.as_deref().map(text_value),
                    })
                })
                .collect(),
        }
    }
}

impl Response {
    /// The spec's `response`, `items` and `content_type`.
    fn to_spec(&self) -> (spec::Name, Option<spec::Name>, Option<spec::Name>) {
        match self {
            Response::Type(name) => (unlocated(name.clone()), None, None),
            Response::Array(name) => (
                unlocated("array".into()),
                Some(unlocated(name.clone())),
                None,
            ),
            Response::Bytes { content_type } => (
                unlocated("bytes".into()),
                None,
                Some(unlocated(content_type.clone())),
            ),
            Response::Empty => (unlocated("empty".into()), None, None),
        }
    }
}

impl TypeDef {
    fn to_spec(&self) -> spec::TypeDef {
        let mut def = spec::TypeDef {
            docs: self.docs.as_deref().map(text_value),
            deprecated: self.deprecated,
            webhook: self.webhook.as_ref().map(|w| {
                unlocated(spec::WebhookKey {
                    kind: unlocated(w.kind.clone()),
                    code: unlocated(w.code.clone()),
                })
            }),
            fields: None,
            values: None,
            one_of: None,
            discriminator: None,
            rules: Vec::new(),
            examples: self.examples.iter().cloned().map(unlocated).collect(),
        };
        match &self.body {
            Body::Fields(fields) => {
                def.fields = Some(
                    fields
                        .iter()
                        .map(|f| (f.wire.clone(), f.to_spec()))
                        .collect(),
                );
            }
            Body::Values(values) => {
                let values = values.iter().map(|value| {
                    unlocated(spec::EnumValue {
                        value: value.clone(),
                        docs: None,
                        deprecated: false,
                    })
                });
                def.values = Some(values.collect());
            }
            Body::OneOf(members, discriminator) => {
                def.one_of = Some(unlocated(members.iter().cloned().map(unlocated).collect()));
                def.discriminator = discriminator.as_ref().map(|d| {
                    unlocated(spec::Discriminator {
                        property: unlocated(d.property.clone()),
                        mapping: d
                            .mapping
                            .iter()
                            .map(|(value, member)| (value.clone(), unlocated(member.clone())))
                            .collect(),
                    })
                });
            }
        }
        def
    }
}

impl Field {
    fn to_spec(&self) -> spec::Field {
        let (location, header, explode) = match &self.place {
            Place::Body => (None, None, None),
            Place::WholeBody => (Some("whole_body"), None, None),
            Place::Path => (Some("path"), None, None),
            Place::Query => (Some("query"), None, None),
            Place::QueryJoined => (Some("query"), None, Some(unlocated(false))),
            Place::Header(name) => (Some("header"), Some(unlocated(name.clone())), None),
        };
        spec::Field {
            required: self.required,
            nullable: self.nullable,
            location: location.map(|l| unlocated(l.to_owned())),
            header,
            explode,
            deprecated: self.deprecated,
            docs: self.docs.as_deref().map(text_value),
            ..element(&self.ty)
        }
    }
}

/// A type as a field, an array's items or a map's values say it: its name, its element, its
/// format and constraints.
fn element(ty: &Ty) -> spec::Field {
    let nested = |ty: &Ty, nullable: bool| {
        Some(Box::new(unlocated(spec::Field {
            nullable,
            ..element(ty)
        })))
    };
    let (items, values) = match &ty.kind {
        Kind::Array(items, nullable) => (nested(items, *nullable), None),
        Kind::Map(values, nullable) => (None, nested(values, *nullable)),
        Kind::Builtin(_) | Kind::Named(_) => (None, None),
    };
    let c = &ty.c;
    spec::Field {
        ty: Some(unlocated(ty.type_name().to_owned())),
        items,
        values,
        format: ty.format.clone().map(unlocated),
        min_length: c.min_length,
        max_length: c.max_length,
        pattern: c.pattern.clone().map(unlocated),
        minimum: c.minimum,
        maximum: c.maximum,
        min_items: c.min_items,
        max_items: c.max_items,
        unique_items: c.unique_items,
        ..spec::Field::default()
    }
}
