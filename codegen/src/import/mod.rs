//! `cargo xtask import`: an OpenAPI 3.0 description (YAML or JSON) to spec files.
//!
//! The rules (what is kept, transformed, left out, and how each upstream defect is handled)
//! are documented in spec/README.md, "Importing the OpenAPI"; every departure from the
//! source is a [`Warning`] with its line, column and document path.
//!
//! Stages: parse (`node.rs`) -> index and classify the schemas (`schemas.rs`) -> build the
//! named types -> operations, with their request and response types and examples
//! (`operations.rs`) -> check the examples against the built types (`examples.rs`) -> sort
//! operations and types into files (`layout.rs`) -> the spec's own types (`model.rs`), which
//! the spec's writer writes (`spec::write`) -> replace the imported files of the spec folder
//! (`write.rs`).

mod examples;
mod layout;
pub mod model;
pub mod node;
mod operations;
mod schemas;
pub mod warn;
mod write;

pub use model::MARKER_PREFIX;
pub use warn::{Kind as WarningKind, Warning};
pub use write::{WriteReport, write};

use crate::spec::write::{Comments, document, text_value};
use crate::spec::{ApiInfo, ErrorFields, OrderedMap, SecurityScheme, unlocated};
use node::Node;
use operations::Pending;
use warn::{Kind, Warnings};

/// The result of an import: the files to write, in name order, and the warnings, sorted.
pub struct Import {
    /// The name the OpenAPI file goes by in the marker line and the warnings.
    pub source: String,
    pub files: Vec<ImportedFile>,
    pub warnings: Vec<Warning>,
    /// The type most error responses use (what the hand-written `api` block names).
    pub error_type: Option<String>,
}

pub struct ImportedFile {
    /// `transfer.yaml`
    pub name: String,
    pub text: String,
    /// What `text` says: it loads as a spec file that serializes as this one does.
    pub spec: crate::spec::SpecFile,
}

impl Import {
    pub fn operations(&self) -> usize {
        self.files.iter().map(|f| f.spec.operations.len()).sum()
    }

    pub fn types(&self) -> usize {
        self.files.iter().map(|f| f.spec.types.len()).sum()
    }

    /// The warnings, one line each.
    pub fn warning_lines(&self) -> Vec<String> {
        self.warnings
            .iter()
            .map(|w| w.render(&self.source))
            .collect()
    }

    /// `imported 329 operations and 2,000 types into 49 files (300 warnings)`
    pub fn summary(&self) -> String {
        format!(
            "imported {} operations and {} types into {} files ({} warning{})",
            self.operations(),
            self.types(),
            self.files.len(),
            self.warnings.len(),
            if self.warnings.len() == 1 { "" } else { "s" }
        )
    }
}

/// Imports an OpenAPI document. `source` is how the file is named in the output (the marker
/// line of each file) and in warnings. Fails only when the text is not YAML or not OpenAPI 3.
pub fn import(source: &str, text: &str) -> Result<Import, String> {
    let doc = node::parse(text).map_err(|e| format!("{source}: {e}"))?;
    let mut warnings = Warnings::default();
    check_document(&doc, &mut warnings)?;
    let components = doc.get("components");
    check_components(components, &mut warnings);
    let schemes = security_schemes(components, &mut warnings);
    // The client trait is named after the title: no type may be.
    let client_trait =
        crate::names::api_trait_name(&title(&doc).unwrap_or_else(|| DEFAULT_TITLE.to_owned()));
    let mut schemas = schemas::Schemas::new(
        components.and_then(|c| c.get("schemas")),
        warnings,
        &client_trait,
    );
    schemas.build_named();
    let names: Vec<String> = schemes.iter().map(|(name, _)| name.clone()).collect();
    let imported = operations::import(&doc, &mut schemas, &names);
    schemas.settle_webhooks();
    let mut pending = imported.examples;
    pending.extend(schema_examples(&schemas));
    // Before the layout, which moves the types into their files.
    let security = doc
        .get("security")
        .map(|s| requirement(&s.to_json()))
        .unwrap_or_default();
    let mut api = api_block(&doc, &mut schemas, imported.error_type.as_deref());
    let security = supported(security, &schemes);
    api.security = (!security.is_empty()).then(|| unlocated(security));
    api.security_schemes = schemes.into_iter().collect();
    let mut files = layout::layout(&mut schemas, imported.ops);
    files.push(model::File {
        name: API_FILE.to_owned(),
        api: Some(api),
        operations: Vec::new(),
        types: Vec::new(),
    });
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let mut warnings = std::mem::take(&mut schemas.warnings);
    let mut drafts: Vec<Draft> = files.into_iter().map(|f| Draft::new(f, source)).collect();
    // The examples are checked on the model the generator lowers from these very files.
    let files: Vec<(String, crate::spec::SpecFile)> = drafts
        .iter_mut()
        .map(|d| (format!("spec/{}", d.name), std::mem::take(&mut d.spec)))
        .collect();
    let (model, _) = crate::lower_files(&files, crate::Diagnostics::default());
    for (draft, (_, spec)) in drafts.iter_mut().zip(files) {
        draft.spec = spec;
    }
    let Some(model) = model else {
        return Err(format!(
            "{source}: the import has no `api` block, a bug of the importer"
        ));
    };
    for (target, example) in examples::check(&model, pending, &mut warnings) {
        let def = drafts.iter_mut().find_map(|d| {
            d.spec
                .types
                .0
                .iter_mut()
                .find(|(name, _)| name.value == target)
        });
        if let Some((_, def)) = def {
            def.examples.push(unlocated(example));
        }
    }
    let files = drafts
        .into_iter()
        .map(|d| {
            Ok(ImportedFile {
                text: document(&d.header, &d.spec, &d.comments)?,
                name: d.name,
                spec: d.spec,
            })
        })
        .collect::<Result<_, String>>()?;
    let warnings = warnings.finish();
    Ok(Import {
        source: source.to_owned(),
        files,
        warnings,
        error_type: imported.error_type,
    })
}

/// An imported file before it is written: its spec, and what its text says besides.
struct Draft {
    name: String,
    header: String,
    spec: crate::spec::SpecFile,
    comments: Comments,
}

impl Draft {
    fn new(file: model::File, source: &str) -> Self {
        let name = file.name.clone();
        let header = file.header(source);
        let (spec, comments) = file.into_spec();
        Draft {
            name,
            header,
            spec,
            comments,
        }
    }
}

/// The file of the imported `api` block; a hand-written file of that name is kept instead.
pub const API_FILE: &str = "api.yaml";

/// What an API without `info.title` is called.
const DEFAULT_TITLE: &str = "API";

/// `info.title`, trimmed, unless it is empty.
fn title(doc: &Node) -> Option<String> {
    let title = doc.get("info")?.get("title")?.scalar_text()?;
    let title = title.trim();
    (!title.is_empty()).then(|| title.to_owned())
}

/// The `api` block: the title and version of `info` (its description as the crate's docs),
/// the servers with a fixed URL, the error type most error responses use, and how a server
/// builds it when it has a `code` and a `message`.
fn api_block(doc: &Node, schemas: &mut schemas::Schemas<'_>, error: Option<&str>) -> ApiInfo {
    let info = doc.get("info");
    let text = |key: &str| info.and_then(|i| i.get(key)).and_then(Node::scalar_text);
    let title = title(doc).unwrap_or_else(|| {
        schemas.warnings.push(
            Kind::Unsupported,
            doc.key_loc("info").unwrap_or_default(),
            "info.title",
            format!("no `info.title`: the API is called `{DEFAULT_TITLE}`"),
        );
        DEFAULT_TITLE.to_owned()
    });
    let version = text("version").unwrap_or_else(|| "0".to_owned());
    let mut servers = Vec::new();
    for (i, server) in doc
        .get("servers")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let url = server.str_of("url").unwrap_or_default();
        let at = format!("servers[{i}]");
        if url.contains('{') || !(url.starts_with("http://") || url.starts_with("https://")) {
            schemas.warnings.push(
                Kind::Unsupported,
                server.loc,
                &at,
                format!(
                    "server `{url}` is not an absolute URL without variables: left out (the \
                     client takes any base URL as `Environment::Custom`)"
                ),
            );
            continue;
        }
        let name = if servers.is_empty() {
            "server".to_owned()
        } else {
            format!("server_{}", servers.len() + 1)
        };
        servers.push((name, url.trim_end_matches('/').to_owned()));
    }
    let fields = error.and_then(|name| {
        let &i = schemas.type_index.get(name)?;
        match &schemas.types[i].def.body {
            model::Body::Fields(fields) => Some(fields.clone()),
            _ => None,
        }
    });
    let field = |wire: &str, kinds: &[&str]| {
        fields.as_ref()?.iter().find(|f| {
            f.wire == wire
                && matches!(f.ty.kind, model::Kind::Builtin(b) if kinds.contains(&b))
                && !f.nullable
        })
    };
    let (kind, code, message) = (
        field("type", &["string"]),
        field("code", &["string", "integer"]),
        field("message", &["string"]),
    );
    // A server fills the named fields and leaves every other one empty, which a required
    // field of a named type cannot be.
    let constructible = fields.as_ref().is_some_and(|fields| {
        fields.iter().all(|f| {
            !f.required
                || ["type", "code", "message"].contains(&f.wire.as_str())
                || !matches!(f.ty.kind, model::Kind::Named(_))
        })
    });
    let error_fields = match (code, message) {
        (Some(code), Some(message)) if constructible => Some(unlocated(ErrorFields {
            kind: kind.map(|k| k.wire.clone()),
            code: code.wire.clone(),
            message: message.wire.clone(),
            status: None,
        })),
        _ => None,
    };
    let error_summary = match (code, message) {
        (Some(code), Some(message)) if code.required && message.required => Some(unlocated(
            format!("{{{}}}: {{{}}}", code.wire, message.wire),
        )),
        _ => None,
    };
    ApiInfo {
        title,
        version,
        package: None,
        license: None,
        error: error.map(|e| unlocated(e.to_owned())),
        error_summary,
        request_id: None,
        error_fields,
        servers: servers.into_iter().collect(),
        security_schemes: OrderedMap::default(),
        security: None,
        server_errors: None,
        docs: text("description")
            .and_then(|d| schemas::clean_docs(&d))
            .map(|d| text_value(&d)),
    }
}

/// The top level: an OpenAPI 3.0 document. What it says besides paths and components is the
/// hand-written `api` block's business (servers, security schemes) or documentation.
fn check_document(doc: &Node, warnings: &mut Warnings) -> Result<(), String> {
    let version = doc.get("openapi").and_then(Node::scalar_text);
    match version.as_deref() {
        Some(v) if v.starts_with("3.0") => {}
        Some(v) if v.starts_with('3') => warnings.push(
            Kind::Unsupported,
            doc.key_loc("openapi").unwrap_or_default(),
            "openapi",
            format!("OpenAPI {v}: read as 3.0, which this importer knows"),
        ),
        Some(v) => return Err(format!("OpenAPI {v} is not supported (3.0 is)")),
        None => return Err("not an OpenAPI document: no `openapi` version".to_owned()),
    }
    for (key, _) in doc.entries() {
        let k = key.name.as_str();
        if !matches!(
            k,
            "openapi"
                | "info"
                | "servers"
                | "paths"
                | "components"
                | "tags"
                | "security"
                | "externalDocs"
        ) {
            warnings.ignored_key("top-level key", key.loc, k, k);
        }
    }
    Ok(())
}

/// The description's security schemes, as the spec's: API keys in a header, the query or a
/// cookie, HTTP bearer and basic, OAuth 2 (a token the user obtained). Any other kind
/// (openIdConnect, mutualTLS, another HTTP scheme) the client cannot send: each is a located
/// warning, so that a credential never vanishes silently.
fn security_schemes(
    components: Option<&Node>,
    warnings: &mut Warnings,
) -> Vec<(String, SecurityScheme)> {
    let mut imported = Vec::new();
    let schemes = components
        .and_then(|c| c.get("securitySchemes"))
        .map(Node::entries)
        .unwrap_or_default();
    for (key, scheme) in schemes {
        let kind = scheme.str_of("type").unwrap_or("?");
        let http = scheme.str_of("scheme").map(str::to_ascii_lowercase);
        let location = scheme.str_of("in").unwrap_or_default();
        let name = scheme.str_of("name").unwrap_or_default();
        let supported = match (kind, http.as_deref()) {
            ("apiKey", _)
                if ["header", "query", "cookie"].contains(&location) && !name.is_empty() =>
            {
                Some(("api_key", Some((location, name))))
            }
            ("http", Some("bearer")) => Some(("http_bearer", None)),
            ("http", Some("basic")) => Some(("http_basic", None)),
            ("oauth2", _) => Some(("oauth2", None)),
            _ => None,
        };
        let supported = supported.map(|(kind, key)| SecurityScheme {
            kind: unlocated(kind.to_owned()),
            location: key.map(|(location, _)| unlocated(location.to_owned())),
            name: key.map(|(_, name)| unlocated(name.to_owned())),
            value: None,
            docs: None,
        });
        if let Some(supported) = supported {
            imported.push((key.name.clone(), supported));
            continue;
        }
        let what = match (kind, http) {
            ("http", Some(http)) => format!("HTTP {http}"),
            ("apiKey", _) => format!("an API key in the {location} `{name}`"),
            (other, _) => other.to_owned(),
        };
        warnings.push(
            Kind::Unsupported,
            key.loc,
            &format!("components.securitySchemes.{}", key.name),
            format!(
                "security scheme `{}` ({what}) is not supported: the generated client does not \
                 send it, and requirements that need it are left out; give your own \
                 `reqwest::Client` with default headers to `ClientBuilder::http_client`",
                key.name
            ),
        );
    }
    imported
}

/// An OpenAPI security requirement (`[{clientId: [], secret: []}]`) as the spec's
/// alternatives of scheme names. Scopes are the server's business and are dropped.
pub(crate) fn requirement(value: &serde_json::Value) -> Vec<Vec<String>> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .map(|alternative| {
            alternative
                .as_object()
                .map(|names| names.keys().cloned().collect())
                .unwrap_or_default()
        })
        .collect()
}

/// `requirement` without the alternatives that need a scheme the client cannot send.
fn supported(
    requirement: Vec<Vec<String>>,
    schemes: &[(String, SecurityScheme)],
) -> Vec<Vec<String>> {
    requirement
        .into_iter()
        .filter(|names| names.iter().all(|n| schemes.iter().any(|(s, _)| s == n)))
        .collect()
}

fn check_components(components: Option<&Node>, warnings: &mut Warnings) {
    for (key, value) in components.map(Node::entries).unwrap_or_default() {
        let k = key.name.as_str();
        let used = matches!(k, "schemas" | "parameters" | "securitySchemes");
        if !used && !value.entries().is_empty() {
            warnings.push(
                Kind::Unsupported,
                key.loc,
                &format!("components.{k}"),
                format!(
                    "`components.{k}` is not supported: references to it are reported where \
                     they are made"
                ),
            );
        }
    }
}

/// A named object schema's own `example` and `x-examples` (whose empty entries are
/// placeholders), as examples of its type.
fn schema_examples<'a>(schemas: &schemas::Schemas<'a>) -> Vec<Pending<'a>> {
    let mut out = Vec::new();
    for built in &schemas.types {
        let Some(i) = built.schema else {
            continue;
        };
        if !matches!(built.def.body, model::Body::Fields(_)) {
            continue;
        }
        let s = &schemas.list[i];
        if let Some(example) = s.node.get("example").filter(|e| e.is_map()) {
            out.push(Pending {
                target: built.def.name.clone(),
                node: example,
                path: format!("{}.example", s.path),
            });
        }
        for (key, example) in s
            .node
            .get("x-examples")
            .map(Node::entries)
            .unwrap_or_default()
        {
            out.push(Pending {
                target: built.def.name.clone(),
                node: example,
                path: format!("{}.x-examples.{}", s.path, key.name),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    /// Hostile shapes end in warnings, not in a hang or a stack overflow.
    #[test]
    fn reference_cycles_terminate() {
        let doc = r#"
openapi: 3.0.0
paths:
  /a/get:
    post:
      operationId: aGet
      summary: A
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Req'}
      responses:
        "200": {description: OK}
components:
  schemas:
    Req:
      type: object
      properties:
        list: {$ref: '#/components/schemas/List'}
        loop: {$ref: '#/components/schemas/W1'}
        self: {$ref: '#/components/schemas/Req'}
        base: {$ref: '#/components/schemas/M1'}
    List:
      type: array
      items: {$ref: '#/components/schemas/List'}
    W1:
      allOf: [{$ref: '#/components/schemas/W2'}]
    W2:
      allOf: [{$ref: '#/components/schemas/W1'}]
    M1:
      allOf: [{$ref: '#/components/schemas/M2'}, {type: object, properties: {x: {type: string}}}]
    M2:
      allOf: [{$ref: '#/components/schemas/M1'}, {type: object, properties: {y: {type: string}}}]
"#;
        let import = super::import("cycle.yml", doc).unwrap();
        assert_eq!(import.operations(), 1);
        assert!(!import.warnings.is_empty());
    }

    /// What the spec cannot carry is left out, never written for `regenerate` to refuse: an
    /// object parameter and a pipe-delimited query are left out, each with a warning; an enum
    /// parameter is kept as its enum.
    #[test]
    fn parameters_the_spec_cannot_carry() {
        let doc = r#"
openapi: 3.0.0
info: {title: Zoo, version: "1"}
paths:
  /animals/{kind}:
    get:
      operationId: listAnimals
      parameters:
        - {name: kind, in: path, required: true, schema: {$ref: '#/components/schemas/Kind'}}
        - {name: filter, in: query, schema: {type: object, properties: {a: {type: string}}}}
        - {name: ids, in: query, style: pipeDelimited, schema: {type: array, items: {type: string}}}
        - {name: session, in: cookie, schema: {type: string}}
      responses:
        "204": {description: none}
components:
  schemas:
    Kind: {type: string, enum: [cat, dog]}
"#;
        let import = super::import("zoo.yml", doc).unwrap();
        let file = import
            .files
            .iter()
            .find(|f| f.name == "animals.yaml")
            .unwrap();
        assert!(
            file.text.contains("kind:\n        type: Kind\n"),
            "{}",
            file.text
        );
        for left_out in ["filter", "ids", "session"] {
            assert!(
                !file.text.contains(&format!("{left_out}:")),
                "{}",
                file.text
            );
        }
        assert!(file.text.contains("status: 204"), "{}", file.text);
        let lines = import.warning_lines().join("\n");
        assert!(!lines.contains("is an enum"), "{lines}");
        for needle in [
            "is not a scalar",
            "style: pipeDelimited",
            "cookie parameter",
        ] {
            assert!(
                lines.contains(needle),
                "no warning with {needle:?}:\n{lines}"
            );
        }
    }

    /// A body offered as JSON and as a form names its schema once: the schema, used nowhere
    /// else, is the request itself, parameters and all. Named by two operations' bodies, it
    /// is copied into a request of each one's own.
    #[test]
    fn a_body_schema_is_the_request_unless_it_is_shared() {
        let doc = |second: &str| {
            format!(
                r#"
openapi: 3.0.0
info: {{title: Things, version: "1"}}
paths:
  /things/{{id}}:
    put:
      operationId: putThing
      parameters:
        - {{name: id, in: path, required: true, schema: {{type: string}}}}
      requestBody:
        content:
          application/json: {{schema: {{$ref: '#/components/schemas/Thing'}}}}
          application/x-www-form-urlencoded: {{schema: {{$ref: '#/components/schemas/Thing'}}}}
      responses:
        "204": {{description: none}}
{second}
components:
  schemas:
    Thing: {{type: object, properties: {{name: {{type: string}}}}}}
"#
            )
        };
        let alone = super::import("things.yml", &doc("")).unwrap();
        let text: String = alone.files.iter().map(|f| f.text.as_str()).collect();
        assert!(text.contains("request: Thing\n"), "{text}");
        assert!(!text.contains("PutThingRequest"), "{text}");
        let shared = doc(r#"    patch:
      operationId: patchThing
      requestBody:
        content:
          application/json: {schema: {$ref: '#/components/schemas/Thing'}}
      responses:
        "204": {description: none}"#);
        let shared = super::import("things.yml", &shared).unwrap();
        let text: String = shared.files.iter().map(|f| f.text.as_str()).collect();
        for request in ["request: PutThingRequest\n", "request: PatchThingRequest\n"] {
            assert!(text.contains(request), "{request} in {text}");
        }
    }

    #[test]
    fn not_openapi_is_an_error() {
        assert!(super::import("x.yml", "swagger: '2.0'\n").is_err());
        assert!(super::import("x.yml", "a: [").is_err());
        assert!(super::import("x.yml", "openapi: 3.0.0\n").is_ok());
    }
}
