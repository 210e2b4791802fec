//! From the IR to Rust tokens, one file at a time. Only this module uses `quote`.

mod client;
mod crate_files;
mod models;
mod server;
mod validate;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Check, Model, RuleKind, TypeDef, TypeKind};
use crate::output::{GeneratedFile, Options};

pub fn emit(model: &Model, options: &Options) -> Result<Vec<GeneratedFile>, String> {
    let mut files = vec![
        GeneratedFile::toml("Cargo.toml", crate_files::cargo_toml(options)),
        GeneratedFile::rust(
            "src/lib.rs",
            crate_files::lib_rs(model, model.api.error_fields.is_some()),
        )?,
        GeneratedFile::rust(
            "src/prelude.rs",
            crate_files::prelude(&client::trait_name(model)),
        )?,
        GeneratedFile::rust("src/operations.rs", crate_files::operations(model))?,
        GeneratedFile::verbatim("src/runtime.rs", include_str!("../../templates/runtime.rs")),
        GeneratedFile::verbatim(
            "src/validate.rs",
            include_str!("../../templates/validate.rs"),
        ),
        GeneratedFile::verbatim("src/formats.rs", crate::formats::SOURCE),
        GeneratedFile::verbatim("src/http.rs", include_str!("../../templates/http.rs")),
        GeneratedFile::rust("src/client.rs", client::client(model))?,
        GeneratedFile::rust("src/models/mod.rs", crate_files::models_mod(model))?,
    ];
    if let Some(server) = server::server(model) {
        files.push(GeneratedFile::verbatim(
            "src/server_support.rs",
            include_str!("../../templates/server.rs"),
        ));
        files.push(GeneratedFile::rust("src/server.rs", server)?);
    }
    if let Some(example) = client::example(model) {
        files.push(GeneratedFile::verbatim("examples/call.rs", &example));
    }
    for module in &model.modules {
        let path = format!("src/models/{}.rs", module.name);
        files.push(GeneratedFile::rust(&path, models::module(model, module))?);
    }
    Ok(files)
}

/// An identifier the lowering pass has already checked; a name that still fails to parse
/// becomes a visibly wrong identifier (and a compile error) rather than a panic.
pub(crate) fn ident(name: &str) -> Ident {
    syn::parse_str::<Ident>(name)
        .unwrap_or_else(|_| Ident::new("__invalid_name", Span::call_site()))
}

/// One `#[doc]` attribute per line: prettyplease prints them as `///` lines, where a single
/// multi-line attribute would become a `/** */` block.
pub(crate) fn doc_attrs(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote!(#(#[doc = #lines])*)
}

pub(crate) fn inner_doc_attrs(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote!(#(#![doc = #lines])*)
}

fn doc_lines(text: &str) -> Vec<String> {
    text.trim()
        .lines()
        .map(|line| {
            if line.trim().is_empty() {
                String::new()
            } else {
                format!(" {}", line.trim_end())
            }
        })
        .collect()
}

/// A type's rustdoc: the spec's prose, the operation it belongs to, its cross-field rules and
/// its examples, so the rendered docs read like the API reference.
pub(crate) fn type_docs(model: &Model, def: &TypeDef) -> TokenStream {
    let mut text = def.docs.clone();
    for op in &model.operations {
        if op.request == def.name {
            text.push_str(&format!(
                "\n\n# Operation\n\n`{} {}`: {}",
                op.method, op.path, op.summary
            ));
            if !op.docs.is_empty() {
                text.push_str(&format!("\n\n{}", op.docs));
            }
            text.push_str(&format!("\n\nThe response is [`{}`].", op.response));
        }
        if op.response == def.name {
            text.push_str(&format!(
                "\n\nReturned by `{} {}` ([`{}`]).",
                op.method, op.path, op.request
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
