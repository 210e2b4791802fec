//! From the IR to Rust tokens, one file at a time. Only this module uses `quote`.

mod client;
mod crate_files;
mod layout;
mod models;
mod presence;
mod server;
mod validate;
mod webhooks;

use proc_macro2::{Delimiter, Group, Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Check, Model, Module, Operation, Response, RuleKind, TypeDef, TypeId, TypeKind};
use crate::output::{GeneratedFile, Options};

pub fn emit(model: &Model, options: &Options) -> Result<Vec<GeneratedFile>, String> {
    let example = client::example(model, options);
    let example_feature =
        client::example_operation(model).and_then(|op| model.type_feature(op.request));
    let krate = package_name(model, options).replace('-', "_");
    let mut jobs = vec![
        Job::Lib,
        Job::Prelude(&krate),
        Job::Operations,
        Job::Client,
        Job::ModelsIndex,
        Job::Server,
        Job::Webhooks,
    ];
    jobs.extend(model.modules.iter().map(Job::Models));
    // The Rust files are built and formatted in parallel: formatting is most of the time.
    let rust = crate::parallel::map(&jobs, |job| job.run(model, options))
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    let mut rust = rust.into_iter();
    let [
        lib,
        prelude,
        operations,
        client,
        models_index,
        server,
        webhook_payloads,
    ] = std::array::from_fn(|_| rust.next().flatten());
    let webhooks = crate_files::webhook_verification(model);
    let mut files = vec![GeneratedFile::toml(
        "Cargo.toml",
        crate_files::cargo_toml(
            model,
            options,
            &model.features(),
            example.is_some().then_some(example_feature),
            webhooks.as_ref(),
            webhook_payloads.is_some(),
        ),
        &options.spec_folder,
    )];
    files.extend([lib, prelude, operations].into_iter().flatten());
    // The client and the server are the runtime's, generic; the crate names them for its API.
    files.push(GeneratedFile::rust(
        "src/http.rs",
        client::http(model, &krate),
        options.verify_splicing,
        &options.spec_folder,
    )?);
    files.extend(
        [client, models_index, webhook_payloads]
            .into_iter()
            .flatten(),
    );
    if webhooks.is_some() {
        files.push(GeneratedFile::verbatim(
            "src/webhooks.rs",
            include_str!("../../templates/webhooks.rs"),
            &options.spec_folder,
        ));
    }
    if let Some(server) = server {
        files.push(GeneratedFile::rust(
            "src/server_support.rs",
            server::server_support(model),
            options.verify_splicing,
            &options.spec_folder,
        )?);
        files.push(server);
    }
    if let Some(example) = example {
        files.push(GeneratedFile::verbatim(
            "examples/call.rs",
            &example,
            &options.spec_folder,
        ));
    }
    files.extend(rust.flatten());
    Ok(files)
}

/// The package name: the options', else the spec's.
pub(crate) fn package_name<'a>(model: &'a Model, options: &'a Options) -> &'a str {
    options
        .package_name
        .as_deref()
        .unwrap_or(&model.api.package)
}

/// One generated Rust file, built and formatted on whichever thread takes it.
enum Job<'m> {
    Lib,
    /// With the crate's name as a Rust path, which its docs' `use` line names.
    Prelude(&'m str),
    Operations,
    Client,
    ModelsIndex,
    Server,
    /// `src/webhook_payloads.rs`, when the spec names webhooks.
    Webhooks,
    Models(&'m Module),
}

impl Job<'_> {
    /// `None` for the server when the spec does not say how to build its error type, and for
    /// the webhooks when it names none.
    fn run(&self, model: &Model, options: &Options) -> Result<Option<GeneratedFile>, String> {
        let (path, tokens) = self.tokens(model);
        match tokens {
            Some(tokens) => {
                GeneratedFile::rust(&path, tokens, options.verify_splicing, &options.spec_folder)
                    .map(Some)
            }
            None => Ok(None),
        }
    }

    fn tokens(&self, model: &Model) -> (String, Option<TokenStream>) {
        let (path, tokens) = match self {
            Job::Lib => (
                "src/lib.rs",
                crate_files::lib_rs(
                    model,
                    model.api.error_fields.is_some(),
                    crate_files::webhook_verification(model).is_some(),
                ),
            ),
            Job::Prelude(krate) => (
                "src/prelude.rs",
                crate_files::prelude(
                    krate,
                    &client::trait_name(model),
                    client::has_setters(model),
                ),
            ),
            Job::Operations => ("src/operations.rs", crate_files::operations(model)),
            Job::Client => ("src/client.rs", client::client(model)),
            Job::ModelsIndex => ("src/models/mod.rs", crate_files::models_mod(model)),
            Job::Server => return ("src/server.rs".into(), server::server(model)),
            Job::Webhooks => {
                return ("src/webhook_payloads.rs".into(), webhooks::webhooks(model));
            }
            Job::Models(module) => {
                let path = format!("src/models/{}.rs", module.name);
                return (path, Some(models::module(model, module)));
            }
        };
        (path.to_owned(), Some(tokens))
    }
}

/// `{ items }`, with the items moved in. `quote!` interpolates a token stream by copying every
/// token of it, identifiers included; the bulk of a file (fields, checks, per-operation
/// items) is moved instead, and the group is interpolated whole.
pub(crate) fn braced(items: impl IntoIterator<Item = TokenStream>) -> Group {
    Group::new(Delimiter::Brace, concat(items))
}

/// The streams one after another, moved rather than copied (see [`braced`]).
pub(crate) fn concat(items: impl IntoIterator<Item = TokenStream>) -> TokenStream {
    let mut joined = TokenStream::new();
    joined.extend(items);
    joined
}

/// `#[cfg(feature = "models-x")]` on code that uses a type of an optional spec file's module.
pub(crate) fn cfg_for_type(model: &Model, id: TypeId) -> TokenStream {
    match model.type_feature(id) {
        Some(feature) => quote!(#[cfg(feature = #feature)]),
        None => TokenStream::new(),
    }
}

/// An identifier the lowering pass has already checked; a name that still fails to parse
/// becomes a visibly wrong identifier (and a compile error) rather than a panic.
pub(crate) fn ident(name: &str) -> Ident {
    syn::parse_str::<Ident>(name)
        .unwrap_or_else(|_| Ident::new("__invalid_name", Span::call_site()))
}

/// A type's name as an identifier.
pub(crate) fn type_ident(model: &Model, id: TypeId) -> Ident {
    ident(model.name(id))
}

/// An operation with what every emitter of it needs, built once: its method, request and
/// response identifiers, and the `cfg` that switches it off with its request's spec file.
pub(crate) struct OperationView<'m> {
    pub op: &'m Operation,
    pub method: Ident,
    pub request: Ident,
    /// The Rust type of the answer: `models::Name`, `Binary`, `()`, or the enum of its
    /// answers (`models::FilesGetAnswer`).
    pub response: TokenStream,
    pub cfg: TokenStream,
}

/// Every operation, in spec order.
pub(crate) fn operation_views(model: &Model) -> impl Iterator<Item = OperationView<'_>> {
    model.operations.iter().map(|op| OperationView {
        op,
        method: ident(&op.id),
        request: type_ident(model, op.request),
        response: if op.answers.is_empty() {
            response_type(model, &op.response)
        } else {
            let name = answers_ident(op);
            quote!(models::#name)
        },
        cfg: cfg_for_type(model, op.request),
    })
}

/// The Rust type of an answer, for a file that imports `crate::models`.
pub(crate) fn response_type(model: &Model, response: &Response) -> TokenStream {
    match response {
        Response::Json(id) => {
            let name = type_ident(model, *id);
            quote!(models::#name)
        }
        Response::JsonArray(id) => {
            let name = type_ident(model, *id);
            quote!(::std::vec::Vec<models::#name>)
        }
        Response::Bytes(_) => quote!(::specgen_runtime::Binary),
        Response::Empty => quote!(()),
    }
}

pub(crate) use crate::splice::{inner as inner_doc_attrs, outer as doc_attrs};

/// A type's rustdoc: the spec's prose, the operation it belongs to, its cross-field rules and
/// its examples, so the rendered docs read like the API reference.
pub(crate) fn type_docs(model: &Model, def: &TypeDef) -> TokenStream {
    let mut text = def.docs.clone();
    text.push_str(deprecated_note(def.deprecated));
    for op in model.operations_of(def.id) {
        if op.request == def.id {
            text.push_str(&format!(
                "\n\n# Operation\n\n`{} {}`: {}",
                op.method, op.path, op.summary
            ));
            if !op.docs.is_empty() {
                text.push_str(&format!("\n\n{}", op.docs));
            }
            text.push_str(deprecated_note(op.deprecated));
            if op.answers.is_empty() {
                text.push_str(&match &op.response {
                    Response::Empty => "\n\nThe response has no body.".to_owned(),
                    response => format!("\n\nThe response is {}.", answer_phrase(model, response)),
                });
            } else {
                let name = crate::names::answers_enum(&op.id);
                text.push_str(&format!(
                    "\n\nThe response is one of [`{name}`](crate::models::{name}):"
                ));
                for (status, response, _) in op.all_answers() {
                    text.push_str(&format!("\n- {status}: {}", answer_phrase(model, response)));
                }
            }
        }
        if op
            .all_answers()
            .any(|(_, response, _)| response.json() == Some(def.id))
        {
            let request = model.name(op.request);
            text.push_str(&format!(
                "\n\nReturned by `{} {}` ([`{request}`](crate::models::{request})).",
                op.method, op.path
            ));
        }
    }
    if let TypeKind::Object(object) = &def.kind
        && !object.rules.is_empty()
    {
        text.push_str("\n\n# Rules\n");
        for rule in &object.rules {
            text.push_str(&format!("\n- {}", rule_summary(&rule.kind, &rule.docs)));
        }
    }
    for (i, example) in def.examples.iter().enumerate() {
        let heading = if def.examples.len() == 1 {
            "# Example".to_owned()
        } else {
            format!("# Example {}", i + 1)
        };
        let json = serde_json::to_string_pretty(&example.value).unwrap_or_default();
        text.push_str(&format!("\n\n{heading}\n\n```json\n{json}\n```"));
    }
    doc_attrs(&text)
}

/// An answer's body in the docs: "[`Pet`](crate::models::Pet)", "no body".
fn answer_phrase(model: &Model, response: &Response) -> String {
    match response {
        Response::Json(id) => {
            let name = model.name(*id);
            // By full path: the response may live in another module.
            format!("[`{name}`](crate::models::{name})")
        }
        Response::JsonArray(id) => {
            let name = model.name(*id);
            format!("an array of [`{name}`](crate::models::{name})")
        }
        Response::Bytes(media) => format!("a `{media}` document, returned as bytes"),
        Response::Empty => "no body".to_owned(),
    }
}

/// The enum of an operation's answers (`FilesGetAnswer`), for one that has several.
pub(crate) fn answers_ident(op: &Operation) -> Ident {
    ident(&crate::names::answers_enum(&op.id))
}

/// The variant of an operation's answers enum for one status: the status's reason phrase
/// (`202` -> `Accepted`), or `Status299` for a status without one.
pub(crate) fn answer_variant(status: u16) -> Ident {
    let reason = match status {
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritativeInformation",
        204 => "NoContent",
        205 => "ResetContent",
        206 => "PartialContent",
        207 => "MultiStatus",
        208 => "AlreadyReported",
        226 => "ImUsed",
        _ => return ident(&format!("Status{status}")),
    };
    ident(reason)
}

/// What the docs say of something the spec marks `deprecated`. Only the docs: `#[deprecated]`
/// on a field or a variant warns inside serde's derived code and at every construction, so a
/// crate that merely decodes a deprecated field would warn (and fail `-D warnings`).
pub(crate) const DEPRECATED: &str = "Deprecated.";

/// A paragraph to append to docs: [`DEPRECATED`] when `deprecated`, else nothing.
pub(crate) fn deprecated_note(deprecated: bool) -> &'static str {
    if deprecated { "\n\nDeprecated." } else { "" }
}

fn rule_summary(kind: &RuleKind, docs: &str) -> String {
    if !docs.is_empty() {
        return docs.replace('\n', " ");
    }
    let quoted = |fields: &[String]| {
        fields
            .iter()
            .map(|f| format!("`{f}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match kind {
        RuleKind::OneOfRequired(fields) => {
            format!("At least one of {} is required.", quoted(fields))
        }
        RuleKind::Require { when, field, check } => {
            let condition = when
                .as_ref()
                .map(|w| format!("When `{}` is `{}`, ", w.field.join("."), w.equals))
                .unwrap_or_default();
            let requirement = match check {
                Check::Equals(value) => format!("must be `{value}`"),
                Check::Constraints(_) => "must satisfy the stated constraints".to_owned(),
            };
            format!("{condition}`{}` {requirement}.", field.join("."))
        }
    }
}
