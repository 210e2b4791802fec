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

/// `src/http.rs`: the runtime's generic client named for this API, and what it needs to know
/// of it. `krate` is the crate's name as a Rust path (`plaid_api`): the tracing span of a call
/// is `plaid_api.call`.
pub fn http(model: &Model, krate: &str) -> TokenStream {
    let span_name = format!("{krate}.call");
    // Laid out here: prettyplease prints a macro's arguments as one run of tokens.
    let span = crate::splice::statements(&[format!(
        "::tracing::info_span!(\n    {},\n    operation,\n    path,\n    \
         attempts = ::tracing::field::Empty,\n    status = ::tracing::field::Empty,\n    \
         request_id = ::tracing::field::Empty,\n)",
        super::layout::string(&span_name)
    )]);
    let module_docs = super::inner_doc_attrs(&format!(
        "The HTTP client of the {title}: [`specgen_runtime::client`], which every generated\n\
         crate shares, named for this API. Its documentation says how calls are retried,\n\
         authenticated, limited, logged (each call is a `tracing` span `{span_name}`) and\n\
         how errors keep secrets out.",
        title = model.api.title
    ));
    let setters = setters(model);
    quote! {
        #module_docs

        pub use ::specgen_runtime::client::{Credential, DEFAULT_MAX_RESPONSE_BYTES, DecodeError, RetryPolicy};

        /// The API over HTTP. Cheap to clone: clones share one connection pool.
        pub type Client = ::specgen_runtime::client::Client<crate::operations::Spec>;

        /// Builds a [`Client`].
        pub type ClientBuilder = ::specgen_runtime::client::ClientBuilder<crate::operations::Spec>;

        /// Why a call failed; `E`, the body of a non-2xx answer, is the API's error type but for
        /// an operation whose spec names its own.
        pub type Error<E = crate::operations::ApiErrorBody> = ::specgen_runtime::client::Error<E>;

        /// A non-2xx answer: the status, the error object when the body is one, and the body,
        /// redacted.
        pub type ApiError<E = crate::operations::ApiErrorBody> = ::specgen_runtime::client::ApiError<E>;

        #setters

        impl ::specgen_runtime::client::ClientSpec for crate::operations::Spec {
            type ErrorBody = crate::operations::ApiErrorBody;
            type Environment = crate::operations::Environment;
            const USER_AGENT: &'static str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));
            const API_VERSION: &'static str = crate::operations::API_VERSION;
            const SECURITY_SCHEMES: &'static [::specgen_runtime::auth::SecurityScheme] = crate::operations::SECURITY_SCHEMES;
            const SECURITY: ::specgen_runtime::auth::Requirement = crate::operations::SECURITY;
            const SENSITIVE_FIELDS: &'static [&'static str] = crate::operations::SENSITIVE_FIELDS;

            fn base_url(environment: &crate::operations::Environment) -> &str {
                environment.base_url()
            }

            fn call_span(operation: &'static str, path: &'static str) -> ::tracing::Span {
                #span
            }
        }
    }
}

pub fn client(model: &Model) -> TokenStream {
    let trait_ident = ident(&trait_name(model));
    let (methods, impls): (Vec<_>, Vec<_>) = operation_views(model)
        .map(|OperationView { op, method, request, response, cfg }| {
            let send = ident(match op.response {
                _ if !op.answers.is_empty() => "send_answers",
                Response::Json(_) | Response::JsonArray(_) => "send",
                Response::Bytes(_) => "send_document",
                Response::Empty => "send_empty",
            });
            let mut text = format!("`{} {}`: {}", op.method, op.path, op.summary);
            if let Some(variant) = &op.variant {
                text.push_str(&format!(
                    "\n\nThe variant `#{variant}` of `{} {}`: the same request on the wire, \
                     with types of its own (a generated server answers it as that operation).",
                    op.method, op.path
                ));
            }
            if !op.docs.is_empty() {
                text.push_str(&format!("\n\n{}", op.docs));
            }
            text.push_str(super::deprecated_note(op.deprecated));
            let error = match op.error {
                Some(id) => {
                    let name = super::type_ident(model, id);
                    text.push_str(&format!(
                        "\n\nIts errors carry [`{name}`](crate::models::{name}), not the API's error type."
                    ));
                    quote!(Error<models::#name>)
                }
                None => quote!(Error),
            };
            let docs = doc_attrs(&text);
            let declaration = quote! {
                #docs
                #cfg
                fn #method(&self, request: &models::#request)
                    -> impl Future<Output = Result<#response, #error>> + Send;
            };
            let implementation = quote! {
                #cfg
                async fn #method(&self, request: &models::#request) -> Result<#response, #error> {
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
/// error rather than a failed `build`: methods of the builder through a trait of the crate's
/// (the builder is the runtime's type), [`SETTERS_TRAIT`], which the prelude brings in.
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
            SchemeKind::HttpBasic => (
                quote! {
                    #docs
                    fn #setter(self, user: impl Into<String>, password: impl Into<String>) -> Self;
                },
                quote! {
                    fn #setter(self, user: impl Into<String>, password: impl Into<String>) -> Self {
                        self.credential(#name, Credential::Basic(user.into(), password.into()))
                    }
                },
            ),
            _ => (
                quote! {
                    #docs
                    fn #setter(self, value: impl Into<String>) -> Self;
                },
                quote! {
                    fn #setter(self, value: impl Into<String>) -> Self {
                        self.credential(#name, Credential::Key(value.into()))
                    }
                },
            ),
        })
    });
    let (declarations, definitions): (Vec<_>, Vec<_>) = setters.unzip();
    if declarations.is_empty() {
        return TokenStream::new();
    }
    let setters_trait = ident(SETTERS_TRAIT);
    quote! {
        /// A setter per security scheme of the spec, on [`ClientBuilder`]; in the prelude.
        pub trait #setters_trait: Sized {
            #(#declarations)*
        }

        impl #setters_trait for ClientBuilder {
            #(#definitions)*
        }
    }
}

/// The trait of the builder's per-scheme setters.
pub const SETTERS_TRAIT: &str = "ClientBuilderExt";

/// Whether the spec has a scheme that gets a setter (an API-version scheme is sent, not set).
pub fn has_setters(model: &Model) -> bool {
    model.api.security_schemes.iter().any(|scheme| {
        !matches!(
            scheme.kind,
            crate::ir::SchemeKind::ApiKey {
                api_version: true,
                ..
            }
        )
    })
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
