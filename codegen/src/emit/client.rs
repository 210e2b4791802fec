//! The API as a trait with one async method per operation, and its HTTP implementation.

use heck::ToShoutySnakeCase;
use proc_macro2::TokenStream;
use quote::quote;

use super::{OperationView, braced, doc_attrs, ident, operation_views};
use crate::ir::{Model, Operation, Response};
use crate::output::Options;

/// The trait's name: the API's title as a type name (`Plaid API` -> `PlaidApi`).
pub fn trait_name(model: &Model) -> String {
    crate::names::api_trait_name(&model.api.title)
}

/// `krate` is the crate's name as a Rust path (`plaid_api`): the tracing span of a call is
/// `plaid_api.call`.
pub fn client(model: &Model, krate: &str) -> TokenStream {
    let trait_ident = ident(&trait_name(model));
    let span_name = format!("{krate}.call");
    let span_docs = doc_attrs(&format!(
        "The `tracing` span of one call, `{span_name}`, with the fields the client records\n\
         (see [`crate::http`]). Generated rather than written in `http.rs` because a span's\n\
         name is a literal, and this one carries the crate's name."
    ));
    // Laid out here: prettyplease prints a macro's arguments as one run of tokens.
    let span = crate::splice::statements(&[format!(
        "::tracing::info_span!(\n    {},\n    operation,\n    path,\n    \
         attempts = ::tracing::field::Empty,\n    status = ::tracing::field::Empty,\n    \
         request_id = ::tracing::field::Empty,\n)",
        super::layout::string(&span_name)
    )]);
    let (methods, impls): (Vec<_>, Vec<_>) = operation_views(model)
        .map(|OperationView { op, method, request, response, cfg }| {
            let send = ident(match op.response {
                Response::Json(_) | Response::JsonArray(_) => "send",
                Response::Bytes(_) => "send_document",
                Response::Empty => "send_empty",
            });
            let mut text = format!("`{} {}`: {}", op.method, op.path, op.summary);
            if !op.docs.is_empty() {
                text.push_str(&format!("\n\n{}", op.docs));
            }
            text.push_str(super::deprecated_note(op.deprecated));
            let docs = doc_attrs(&text);
            let declaration = quote! {
                #docs
                #cfg
                fn #method(&self, request: &models::#request)
                    -> impl Future<Output = Result<#response, Error>> + Send;
            };
            let implementation = quote! {
                #cfg
                async fn #method(&self, request: &models::#request) -> Result<#response, Error> {
                    self.#send(request).await
                }
            };
            (declaration, implementation)
        })
        .unzip();
    let (methods, impls) = (braced(methods), braced(impls));
    let trait_docs = doc_attrs(&format!(
        "The {}: one async method per operation.\n\n\
         [`Client`](crate::http::Client) implements it over HTTP. Code that takes an\n\
         `impl {trait_ident}` can be handed a stand-in of your own in tests.",
        model.api.title
    ));
    // Without operations the trait is empty and names neither; with every operation's
    // spec file switched off by its feature, neither is used either.
    let imports = (!model.operations.is_empty()).then(|| {
        quote! {
            #[allow(unused_imports)]
            use crate::http::Error;
            #[allow(unused_imports)]
            use crate::models;
        }
    });
    quote! {
        //! The API as a trait, and its HTTP implementation.

        #imports

        #trait_docs
        pub trait #trait_ident: Send + Sync #methods

        impl #trait_ident for crate::http::Client #impls

        #span_docs
        pub(crate) fn call_span(operation: &'static str, path: &'static str) -> ::tracing::Span {
            #span
        }
    }
}

/// The operation the runnable example calls: the first whose request has an example.
pub fn example_operation(model: &Model) -> Option<&Operation> {
    model
        .operations
        .iter()
        .find(|op| !model.def(op.request).examples.is_empty())
}

/// A runnable example built from the first operation and its request's first example, so it
/// stays correct when the spec changes.
pub fn example(model: &Model, options: &Options) -> Option<String> {
    let op = example_operation(model)?;
    let request = model.def(op.request);
    let json = serde_json::to_string_pretty(&request.examples[0].value).ok()?;
    let json = json.replace('\n', "\n        ");
    let trait_name = trait_name(model);
    // Environment variables named after the API, as the credentials' docs name them
    // (`PLAID_CLIENT_ID` for the Plaid API).
    let env = crate::names::title_word(&model.api.title).to_shouty_snake_case();
    Some(format!(
        r##"//! Calls `{method} {path}` with the example from the spec.
//!
//! ```sh
//! {env}_CLIENT_ID=... {env}_SECRET=... cargo run -p {package} --example call
//! {env}_BASE_URL=http://127.0.0.1:8080 cargo run -p {package} --example call   # a local sandbox
//! ```

use {krate}::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {{
    let environment = match std::env::var("{env}_BASE_URL") {{
        Ok(url) => Environment::Custom(url),
        Err(_) => Environment::default(),
    }};
    let client = Client::builder()
        .environment(environment)
        .client_id(std::env::var("{env}_CLIENT_ID").unwrap_or_default())
        .secret(std::env::var("{env}_SECRET").unwrap_or_default())
        .build()?;
    let request: {request} = serde_json::from_str(
        r#"{json}"#,
    )?;
    match {trait_name}::{method_ident}(&client, &request).await {{
        Ok(response) => println!("{{response:#?}}"),
        Err(error) => {{
            eprintln!("{{error}}");
            if let Some(request_id) = error.request_id() {{
                eprintln!("request id: {{request_id}}");
            }}
        }}
    }}
    Ok(())
}}
"##,
        method = op.method,
        path = op.path,
        package = super::package_name(model, options),
        krate = super::package_name(model, options).replace('-', "_"),
        request = request.name,
        method_ident = op.id,
    ))
}
