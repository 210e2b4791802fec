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
    let setters = setters(model);
    quote! {
        //! The API as a trait, and its HTTP implementation.

        #imports

        #setters

        #trait_docs
        pub trait #trait_ident: Send + Sync #methods

        impl #trait_ident for crate::http::Client #impls

        #span_docs
        pub(crate) fn call_span(operation: &'static str, path: &'static str) -> ::tracing::Span {
            #span
        }
    }
}

/// The builder's methods of its own, which a scheme's setter must not shadow.
const BUILDER_METHODS: &[&str] = &[
    "environment",
    "timeout",
    "user_agent",
    "retry",
    "max_response_bytes",
    "http_client",
    "build",
    "api_key",
    "bearer_token",
    "basic_auth",
    "credential",
];

/// The builder method that sets a scheme's credential: the scheme's name in snake case
/// (`clientId` -> `client_id`), `_credential` added where that is a method already.
pub fn setter_name(scheme: &str) -> String {
    let name = crate::names::snake_ident(scheme);
    if BUILDER_METHODS.contains(&name.as_str()) {
        format!("{name}_credential")
    } else {
        name
    }
}

/// One typed setter per credential scheme, so that a typo in a scheme name is a compile
/// error rather than a failed `build`.
fn setters(model: &Model) -> TokenStream {
    use crate::ir::SchemeKind;
    let setters = model.api.security_schemes.iter().filter_map(|scheme| {
        let setter = ident(&setter_name(&scheme.name));
        let name = &scheme.name;
        let mut text = match &scheme.kind {
            SchemeKind::ApiKey { api_version: true, .. } => return None,
            SchemeKind::ApiKey { location, name: key, .. } => {
                format!("The `{name}` API key, sent in the `{key}` {}; never printed.", match location {
                    crate::ir::KeyLocation::Header => "header",
                    crate::ir::KeyLocation::Query => "query parameter",
                    crate::ir::KeyLocation::Cookie => "cookie",
                })
            }
            SchemeKind::HttpBearer | SchemeKind::OAuth2 => {
                format!("The token of the `{name}` scheme, sent as `Authorization: Bearer`; never printed.")
            }
            SchemeKind::HttpBasic => {
                format!("The user and password of the `{name}` scheme, sent as `Authorization: Basic`; never printed.")
            }
        };
        if !scheme.docs.is_empty() {
            text.push_str(&format!("\n\n{}", scheme.docs));
        }
        let docs = doc_attrs(&text);
        Some(match scheme.kind {
            SchemeKind::HttpBasic => quote! {
                #docs
                pub fn #setter(self, user: impl Into<String>, password: impl Into<String>) -> Self {
                    self.credential(#name, crate::http::Credential::Basic(user.into(), password.into()))
                }
            },
            _ => quote! {
                #docs
                pub fn #setter(self, value: impl Into<String>) -> Self {
                    self.credential(#name, crate::http::Credential::Key(value.into()))
                }
            },
        })
    });
    let setters: Vec<_> = setters.collect();
    if setters.is_empty() {
        return TokenStream::new();
    }
    quote! {
        impl crate::http::ClientBuilder {
            #(#setters)*
        }
    }
}

/// The credentials the runnable example sets: those of the default requirement's first
/// alternative, from environment variables named after the API and the scheme.
fn example_credentials(model: &Model, env: &str) -> (String, String) {
    use crate::ir::SchemeKind;
    let (mut vars, mut calls) = (String::new(), String::new());
    for name in model.api.security.first().into_iter().flatten() {
        let Some(scheme) = model.api.scheme(name) else {
            continue;
        };
        let var = format!("{env}_{}", name.to_shouty_snake_case());
        let setter = setter_name(name);
        match scheme.kind {
            SchemeKind::ApiKey {
                api_version: true, ..
            } => {}
            SchemeKind::HttpBasic => {
                vars.push_str(&format!("{var}_USER=... {var}_PASSWORD=... "));
                calls.push_str(&format!(
                    "\n        .{setter}(\n            std::env::var(\"{var}_USER\").unwrap_or_default(),\n            std::env::var(\"{var}_PASSWORD\").unwrap_or_default(),\n        )"
                ));
            }
            _ => {
                vars.push_str(&format!("{var}=... "));
                calls.push_str(&format!(
                    "\n        .{setter}(std::env::var(\"{var}\").unwrap_or_default())"
                ));
            }
        }
    }
    (vars, calls)
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
    let (vars, calls) = example_credentials(model, &env);
    Some(format!(
        r##"//! Calls `{method} {path}` with the example from the spec.
//!
//! ```sh
//! {vars}cargo run -p {package} --example call
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
        .environment(environment){calls}
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
