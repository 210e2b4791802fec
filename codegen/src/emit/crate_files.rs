//! The crate's frame: manifest, root, prelude, the operations table and the models index.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_attrs, ident, inner_doc_attrs, presence};
use crate::ir::{
    BodyKind, Field, Location, Model, Operation, Presence, Response, SummaryPart, TyKind, TypeId,
    TypeKind,
};
use crate::names;
use crate::output::Options;

/// The webhook verification module (`templates/webhooks.rs`, feature `webhooks`) is written
/// for Plaid's key endpoint and its types: it is emitted when the spec has that operation, with
/// the feature of the spec file that holds it (`None` for a spec without it).
pub fn webhook_verification(model: &Model) -> Option<Option<String>> {
    const KEY_OPERATION: &str = "webhook_verification_key_get";
    const KEY_TYPES: [&str; 3] = [
        "WebhookVerificationKeyGetRequest",
        "WebhookVerificationKeyGetResponse",
        "JWKPublicKey",
    ];
    let op = model.operations.iter().find(|op| op.id == KEY_OPERATION)?;
    let named = |name: &str| model.types().any(|def| def.name == name);
    KEY_TYPES
        .iter()
        .all(|name| named(name))
        .then(|| model.type_feature(op.request))
}

/// The version of `specgen-runtime` the emitted code is written for (runtime/Cargo.toml's).
pub const RUNTIME_VERSION: &str = "0.1.0";

/// `example`: whether the spec gave an example to build `examples/call.rs` from (cargo refuses
/// a manifest that names a missing example), and the feature of the module it calls.
/// `webhooks`: see [`webhook_verification`]. `webhook_payloads`: whether the spec names webhook
/// pairs, whose decoding turns on the runtime's `path` feature.
pub fn cargo_toml(
    model: &Model,
    options: &Options,
    features: &[(String, &[String])],
    example: Option<Option<String>>,
    webhooks: Option<&Option<String>>,
    webhook_payloads: bool,
) -> String {
    let quoted = |names: &mut dyn Iterator<Item = &str>| {
        names
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let example = match example {
        Some(feature) => {
            let required = quoted(&mut ["client"].into_iter().chain(feature.as_deref()));
            format!("\n[[example]]\nname = \"call\"\nrequired-features = [{required}]\n")
        }
        None => String::new(),
    };
    let default = if features.is_empty() {
        quoted(&mut ["client"].into_iter())
    } else {
        quoted(&mut ["client", "models"].into_iter())
    };
    let webhooks = match webhooks {
        Some(feature) => {
            let needs = quoted(
                &mut ["specgen-runtime/webhooks"]
                    .into_iter()
                    .chain(feature.as_deref()),
            );
            format!(
                "# Verification of signed webhooks (`webhooks` module); with `client`, keys are \
                 fetched\n# through the API's key endpoint.\nwebhooks = [{needs}]\n"
            )
        }
        None => String::new(),
    };
    let mut models = String::new();
    if !features.is_empty() {
        let all = quoted(&mut features.iter().map(|(f, _)| f.as_str()));
        models.push_str(&format!(
            "# One feature per spec file (all on by default, through `models`); the file with the\n\
             # error type and the files it uses are always compiled. Turn off the default features\n\
             # and name the files you call to compile only their part of the API.\n\
             models = [{all}]\n",
        ));
        for (feature, needs) in features {
            let needs = quoted(&mut needs.iter().map(String::as_str));
            models.push_str(&format!("{feature} = [{needs}]\n"));
        }
    }
    let license = options
        .license
        .as_ref()
        .map(|license| format!("license = \"{license}\"\n"))
        .unwrap_or_default();
    // Form bodies bring serde_qs, only to the crates of APIs that have them; the operations'
    // `Operation` impls use it, with or without the client and server.
    let form = model.operations.iter().any(|op| op.body == BodyKind::Form);
    // Every dependency by version, nothing inherited from a workspace: the crate builds
    // wherever `--out` writes it. The versions are this repository's `[workspace.dependencies]`
    // (`tests/other_apis.rs` holds them equal).
    format!(
        r#"[package]
name = "{name}"
version = "{version}"
description = "Models for the {title}, generated from its spec."
edition = "2024"
rust-version = "1.88"
{license}publish = false

# The crate has no unit tests or benchmarks, and its docs hold JSON examples, no Rust ones:
# without these, `cargo test` would compile the generated code twice more (once as a test, once
# in rustdoc), and `--all-targets` once more as a benchmark.
[lib]
test = false
doctest = false
bench = false

[features]
default = [{default}]
# The async HTTP client (the runtime's, over reqwest with rustls and tokio). Without it the
# crate is models and validators only, and builds without reqwest and tokio.
client = ["dep:tracing", "specgen-runtime/client"]
# The service trait and axum router to serve the API (a mock or test double of it, say).
server = ["dep:axum", "specgen-runtime/server"]
{webhooks}{models}
[dependencies]
axum = {{ version = "0.8", optional = true, default-features = false, features = ["http1", "json", "tokio"] }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
# Nullable, validation, open enums, redaction, the client and the server: the generic runtime,
# one compiled and tested definition for every generated crate. `path` is where
# `cargo xtask regenerate` found it (its `--runtime-path`); the version is what this crate was
# generated for.
{runtime}
tracing = {{ version = "0.1", optional = true, default-features = false, features = ["std", "attributes"] }}

[dev-dependencies]
tokio = {{ version = "1", features = ["macros", "rt-multi-thread", "time"] }}
{example}"#,
        runtime = if form {
            format!(
                "# `form`: the form bodies of the operations the spec sends as forms.\n\
                 specgen-runtime = {{ version = \"{RUNTIME_VERSION}\", path = \"{}\", features = [\"form\"] }}",
                options.runtime_path
            )
        } else if webhook_payloads {
            format!(
                "# `path`: decode errors that name the JSON path, for the webhook payloads.\n\
                 specgen-runtime = {{ version = \"{RUNTIME_VERSION}\", path = \"{}\", features = [\"path\"] }}",
                options.runtime_path
            )
        } else {
            format!(
                "specgen-runtime = {{ version = \"{RUNTIME_VERSION}\", path = \"{}\" }}",
                options.runtime_path
            )
        },
        name = super::package_name(model, options),
        version = options.package_version,
        title = options.api_title,
    )
}

pub fn lib_rs(model: &Model, with_server: bool, with_webhooks: bool) -> TokenStream {
    let api = &model.api;
    let mut text = format!("# {}\n\n", api.title);
    if !api.docs.is_empty() {
        text.push_str(&format!("{}\n\n", api.docs));
    }
    text.push_str(&format!(
        "Generated from `spec/` for API version `{}`. Every type lives in [`models`];\n\
         [`prelude`] re-exports everything a caller needs. The generic runtime (validation,\n\
         [`Nullable`], open enums, redaction) is the `specgen-runtime` crate, of which the\n\
         items users need are re-exported here.",
        api.version
    ));
    let docs = inner_doc_attrs(&text);
    let server = with_server.then(|| {
        quote! {
            #[cfg(feature = "server")]
            #[rustfmt::skip]
            pub mod server;
            #[cfg(feature = "server")]
            #[rustfmt::skip]
            pub mod server_support;
        }
    });
    let webhooks = with_webhooks.then(|| {
        quote! {
            #[cfg(feature = "webhooks")]
            #[rustfmt::skip]
            pub mod webhooks;
        }
    });
    let webhook_payloads = model.webhooks().next().is_some().then(|| {
        quote! {
            #[rustfmt::skip]
            pub mod webhook_payloads;
            pub use webhook_payloads::{Webhook, WebhookDecodeError};
        }
    });
    quote! {
        #docs
        #![forbid(unsafe_code)]

        #[rustfmt::skip]
        pub mod models;
        #[rustfmt::skip]
        pub mod operations;
        #[rustfmt::skip]
        pub mod prelude;
        #[cfg(feature = "client")]
        #[rustfmt::skip]
        pub mod client;
        #[cfg(feature = "client")]
        #[rustfmt::skip]
        pub mod http;
        #server
        #webhooks
        #webhook_payloads

        // Two short lines, which prettyplease and rustfmt lay out alike (lib.rs is checked by
        // `cargo fmt`).
        pub use ::specgen_runtime::{Binary, ErrorBody, FilePart, Nullable, Operation, REDACTED};
        pub use ::specgen_runtime::{Validate, ValidationErrors, Violation};
    }
}

/// `setters`: whether the client's builder has per-scheme setters, a trait to bring in.
pub fn prelude(krate: &str, trait_name: &str, setters: bool) -> TokenStream {
    let trait_ident = ident(trait_name);
    let setters = setters.then(|| {
        let setters = ident(super::client::SETTERS_TRAIT);
        quote! {
            #[cfg(feature = "client")]
            pub use crate::http::#setters;
        }
    });
    let docs = inner_doc_attrs(&format!(
        "Everything a caller needs, in one `use {krate}::prelude::*;`."
    ));
    quote! {
        #docs
        // Empty when every spec file's feature is off.
        #[allow(unused_imports)]
        pub use crate::models::*;
        pub use crate::operations::{Environment, API_VERSION};
        pub use crate::{FilePart, Nullable, Operation, Validate, ValidationErrors, Violation};
        #[cfg(feature = "client")]
        pub use crate::client::#trait_ident;
        #[cfg(feature = "client")]
        pub use crate::http::{Client, ClientBuilder, Error, RetryPolicy};
        #setters
    }
}

pub fn models_mod(model: &Model) -> TokenStream {
    let modules = model.modules.iter().map(|m| {
        let name = ident(&m.name);
        let docs = doc_attrs(&format!("Types from `{}`.", m.source));
        let cfg = model
            .module_feature(&m.name)
            .map(|feature| quote!(#[cfg(feature = #feature)]));
        quote! {
            #docs
            #cfg
            mod #name;
            #cfg
            pub use self::#name::*;
        }
    });
    // One arm per type; the function is generic, so only a caller that uses it compiles them.
    let arms = model.types().map(|def| {
        let name = def.name.as_str();
        let ty = ident(name);
        let cfg = super::cfg_for_type(model, def.id);
        quote! { #cfg #name => ::std::option::Option::Some(visitor.visit::<#ty>()), }
    });
    let by_name = model.types().next().map(|first| {
        let visit_docs = doc_attrs(&format!(
            "Calls `visitor` with the model type named `name` in the spec (`\"{}\"`), for tools \
             and tests that work from the spec's names, such as checking every example; `None` \
             when no compiled model has that name.",
            first.name
        ));
        quote! {
        /// What to do with a model chosen by its spec name at run time: see
        /// [`visit_by_name`].
        pub trait ModelVisitor {
            /// What the visit gives back.
            type Output;

            /// Called with the model type the name names.
            fn visit<T>(self) -> Self::Output
            where
                T: ::serde::Serialize
                    + ::serde::de::DeserializeOwned
                    + ::specgen_runtime::Validate
                    + ::std::fmt::Debug
                    + 'static;
        }

        #visit_docs
        pub fn visit_by_name<V: ModelVisitor>(name: &str, visitor: V) -> ::std::option::Option<V::Output> {
            #[allow(unreachable_patterns)]
            match name {
                #(#arms)*
                // Also what keeps `visitor` used when every area's feature is off.
                _ => {
                    let _ = visitor;
                    ::std::option::Option::None
                }
            }
        }
    }
    });
    quote! {
        //! Every request, response and nested type of the API, re-exported flat.
        #(#modules)*
        #by_name
    }
}

fn security_scheme(scheme: &crate::ir::SecurityScheme) -> TokenStream {
    use crate::ir::{KeyLocation, SchemeKind};
    let name = &scheme.name;
    let kind = match &scheme.kind {
        SchemeKind::ApiKey {
            location,
            name,
            api_version,
        } => {
            let location = match location {
                KeyLocation::Header => quote!(Header),
                KeyLocation::Query => quote!(Query),
                KeyLocation::Cookie => quote!(Cookie),
            };
            let variant = if *api_version {
                quote!(ApiVersion)
            } else {
                quote!(ApiKey)
            };
            quote!(#variant { location: ::specgen_runtime::auth::Location::#location, name: #name })
        }
        SchemeKind::HttpBearer | SchemeKind::OAuth2 => quote!(Bearer),
        SchemeKind::HttpBasic => quote!(Basic),
    };
    quote! {
        ::specgen_runtime::auth::SecurityScheme {
            name: #name,
            kind: ::specgen_runtime::auth::SchemeKind::#kind,
        },
    }
}

fn requirement(alternatives: &[Vec<String>]) -> TokenStream {
    let alternatives = alternatives.iter().map(|names| quote!(&[#(#names),*],));
    quote!(&[#(#alternatives)*])
}

pub fn operations(model: &Model) -> TokenStream {
    let api = &model.api;
    let version = &api.version;
    let version_doc = doc_attrs(&match api.version_header() {
        Some(header) => {
            format!("The API version this crate was generated for, sent as the `{header}` header.")
        }
        None => "The API version this crate was generated for (the spec names no header to \
                 send it in)."
            .to_owned(),
    });
    let schemes = api.security_schemes.iter().map(security_scheme);
    let security = requirement(&api.security);
    let variants = api.servers.iter().map(|(name, url)| {
        let variant = ident(&names::variant_ident(name));
        let docs = doc_attrs(&format!("`{url}`"));
        quote! { #docs #variant, }
    });
    let default = match api.servers.first() {
        Some((name, url)) => {
            let variant = ident(&names::variant_ident(name));
            let docs = doc_attrs(&format!("The spec's first server, `{url}`."));
            quote! {
                #docs
                fn default() -> Self {
                    Self::#variant
                }
            }
        }
        None => quote! {
            /// The spec names no server: set a base URL with `Environment::Custom`, or every
            /// request fails as a relative URL.
            fn default() -> Self {
                Self::Custom(::std::string::String::new())
            }
        },
    };
    let urls = api.servers.iter().map(|(name, url)| {
        let variant = ident(&names::variant_ident(name));
        quote! { Self::#variant => #url, }
    });
    let impls = super::operation_views(model).map(|view| {
        let super::OperationView {
            op,
            request,
            response,
            cfg,
            ..
        } = view;
        let (id, method, path, idempotent) = (&op.id, op.method.as_str(), &op.path, op.idempotent);
        let docs = doc_attrs(&format!(
            "`{method} {path}`: {}{}",
            op.summary,
            super::deprecated_note(op.deprecated)
        ));
        let request_id = model
            .api
            .request_id
            .as_ref()
            .and_then(|field| request_id(model, op, field));
        let error_body = match op.error {
            Some(id) => model_path(model, id),
            None => quote!(ApiErrorBody),
        };
        let parameters = parameters(model, op);
        let multipart = multipart_parts(model, op);
        let form = (op.body == BodyKind::Form).then(|| {
            quote! {
                const FORM: bool = true;
                fn form_body(&self) -> ::std::option::Option<::std::result::Result<::std::string::String, ::std::string::String>> {
                    ::std::option::Option::Some(::specgen_runtime::form::encode(self))
                }
                fn from_form(body: &[u8]) -> ::std::option::Option<::std::result::Result<Self, ::specgen_runtime::FormError>> {
                    ::std::option::Option::Some(::specgen_runtime::form::decode(body))
                }
            }
        });
        let unauthenticated = (!op.authenticated).then(|| {
            quote!(
                const AUTHENTICATED: bool = false;
            )
        });
        let security = op.security.as_ref().map(|own| {
            let own = requirement(own);
            quote!(const SECURITY: ::std::option::Option<::specgen_runtime::auth::Requirement> = ::std::option::Option::Some(#own);)
        });
        quote! {
            #docs
            #cfg
            impl ::specgen_runtime::Operation for crate::models::#request {
                type Response = #response;
                type ErrorBody = #error_body;
                const ID: &'static str = #id;
                const METHOD: &'static str = #method;
                const PATH: &'static str = #path;
                const IDEMPOTENT: bool = #idempotent;
                #unauthenticated
                #security
                #multipart
                #form
                #parameters
                #request_id
            }
        }
    });
    let mut error_body = error_body(model);
    error_body.extend(own_error_bodies(model));
    let visitor = operation_visitor(model);
    // Only a spec with `error_fields` gets the server these are for (see `lib_rs`).
    let with_server = model.api.error_fields.is_some();
    let server_use = with_server.then(|| {
        quote! {
            #[cfg(feature = "server")]
            use crate::server_support::{ErrorCode, ServerErrors};
        }
    });
    let server_errors = with_server.then(|| server_errors(model));
    let server_headers = with_server.then(|| {
        let (client_id_header, secret_header) = api.server_credential_headers();
        let checks_credentials = !client_id_header.is_empty() && !secret_header.is_empty();
        quote! {
            /// Whether a server reads the client-id and secret pair of [`CLIENT_ID_HEADER`] and
            /// [`SECRET_HEADER`] (the first two header keys of [`SECURITY`]'s first
            /// alternative) from a JSON body too, and checks it with the service's
            /// `authenticate`; every other credential is checked by its `identify`.
            pub const SERVER_CHECKS_CREDENTIALS: bool = #checks_credentials;

            /// The header a server reads the client id from: the first header key of
            /// [`SECURITY`]'s first alternative.
            pub const CLIENT_ID_HEADER: &str = #client_id_header;

            /// The header a server reads the secret from: the second header key of
            /// [`SECURITY`]'s first alternative.
            pub const SECRET_HEADER: &str = #secret_header;
        }
    });
    // Answers are named `models::Name`, as in client.rs and server.rs; with every spec file's
    // feature off, no operation uses the import.
    let models_use = (!model.operations.is_empty()).then(|| {
        quote! {
            #[allow(unused_imports)]
            use crate::models;
        }
    });
    let sensitive: std::collections::BTreeSet<&str> = model
        .types()
        .filter_map(|t| match &t.kind {
            crate::ir::TypeKind::Object(o) => Some(
                o.fields
                    .iter()
                    .filter(|f| f.sensitive)
                    .map(|f| f.wire.as_str()),
            ),
            crate::ir::TypeKind::Enum(_) | crate::ir::TypeKind::OneOf(_) => None,
        })
        .flatten()
        .collect();
    let sensitive = sensitive.into_iter();
    let mut file = quote! {
        //! Where each operation is sent: environments, the API version, and the
        //! [`Operation`](crate::Operation) implementation of every request type.
        #server_use
        #models_use

        /// This API as the runtime's generic client and server see it: the constants below,
        /// the [`Environment`] and the error body (`specgen_runtime::client::ClientSpec` in
        /// `http.rs`, `specgen_runtime::server::ServerSpec` in `server_support.rs`).
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        pub struct Spec;

        #version_doc
        pub const API_VERSION: &str = #version;

        /// How credentials travel (`api.security_schemes` in the spec).
        pub const SECURITY_SCHEMES: &[::specgen_runtime::auth::SecurityScheme] = &[#(#schemes)*];

        /// What every operation carries unless it says otherwise (`api.security`): the first
        /// alternative whose schemes the client has credentials for.
        pub const SECURITY: ::specgen_runtime::auth::Requirement = #security;

        #server_headers

        #server_errors

        /// Where the API is served.
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Environment {
            #(#variants)*
            /// Any other base URL, such as a local sandbox (`http://127.0.0.1:8080`).
            Custom(::std::string::String),
        }

        impl Environment {
            /// The base URL that operation paths are appended to, without a trailing slash.
            pub fn base_url(&self) -> &str {
                match self {
                    #(#urls)*
                    Self::Custom(url) => url.trim_end_matches('/'),
                }
            }
        }

        impl ::std::default::Default for Environment {
            #default
        }

        /// Wire names of the fields the spec marks sensitive: the client replaces their values
        /// in an error body by a redaction marker before it decodes or keeps the body.
        pub const SENSITIVE_FIELDS: &[&str] = &[#(#sensitive),*];

        #error_body
    };
    file.extend(impls);
    file.extend(visitor);
    file
}

/// `OperationVisitor` and `visit_operation`: an operation chosen by its id at run time, handed
/// to the visitor as its request type, by how its answer travels. Generic, so only a caller
/// that uses it compiles the arms.
fn operation_visitor(model: &Model) -> TokenStream {
    if model.operations.is_empty() {
        return TokenStream::new();
    }
    let arms = super::operation_views(model).map(|view| {
        let super::OperationView {
            op, request, cfg, ..
        } = view;
        let id = &op.id;
        let call = match &op.response {
            _ if !op.answers.is_empty() => quote!(visitor.answers::<crate::models::#request>()),
            Response::Json(_) | Response::JsonArray(_) => {
                quote!(visitor.json::<crate::models::#request>())
            }
            Response::Bytes(media) => {
                quote!(visitor.document::<crate::models::#request>(#media))
            }
            Response::Empty => quote!(visitor.empty::<crate::models::#request>()),
        };
        quote! { #cfg #id => ::std::option::Option::Some(#call), }
    });
    // Only an API with such operations has the method, which every visitor must write.
    let answers = model
        .operations
        .iter()
        .any(|op| !op.answers.is_empty())
        .then(|| {
            quote! {
                /// An operation with several answers, a variant per status.
                fn answers<O>(self) -> Self::Output
                where
                    O: ::specgen_runtime::Operation
                        + ::specgen_runtime::Validate
                        + ::serde::de::DeserializeOwned
                        + ::std::fmt::Debug
                        + 'static,
                    O::Response: ::specgen_runtime::Answers + ::std::fmt::Debug;
            }
        });
    quote! {
        /// What to do with an operation chosen by its id at run time: see
        /// [`visit_operation`]. Each method is called with the operation's request type.
        pub trait OperationVisitor {
            /// What the visit gives back.
            type Output;

            /// An operation whose answer is a JSON model.
            fn json<O>(self) -> Self::Output
            where
                O: ::specgen_runtime::Operation
                    + ::specgen_runtime::Validate
                    + ::serde::de::DeserializeOwned
                    + ::std::fmt::Debug
                    + 'static,
                O::Response: ::serde::Serialize + ::serde::de::DeserializeOwned + ::std::fmt::Debug;

            /// An operation whose answer is a document of `media_type`.
            fn document<O>(self, media_type: &'static str) -> Self::Output
            where
                O: ::specgen_runtime::Operation<Response = ::specgen_runtime::Binary>
                    + ::specgen_runtime::Validate
                    + ::serde::de::DeserializeOwned
                    + ::std::fmt::Debug
                    + 'static;

            /// An operation whose answer has no body.
            fn empty<O>(self) -> Self::Output
            where
                O: ::specgen_runtime::Operation<Response = ()>
                    + ::specgen_runtime::Validate
                    + ::serde::de::DeserializeOwned
                    + ::std::fmt::Debug
                    + 'static;

            #answers
        }

        /// Calls `visitor` with the request type of the operation `id` (`"user_create"`), for
        /// tools and tests that work from the spec's operation ids; `None` when no compiled
        /// operation has that id.
        pub fn visit_operation<V: OperationVisitor>(id: &str, visitor: V) -> ::std::option::Option<V::Output> {
            #[allow(unreachable_patterns)]
            match id {
                #(#arms)*
                // Also what keeps `visitor` used when every area's feature is off.
                _ => {
                    let _ = visitor;
                    ::std::option::Option::None
                }
            }
        }
    }
}

/// `SERVER_ERRORS`: the error type and code of each situation in which the server refuses a
/// request itself, as the spec gives them or by default.
fn server_errors(model: &Model) -> TokenStream {
    let fields = model.api.server_errors.iter().map(|entry| {
        let field = ident(entry.situation.key);
        let (kind, code) = (&entry.kind, &entry.code);
        quote! {
            #field: ErrorCode { error_type: #kind, error_code: #code },
        }
    });
    quote! {
        /// The error type and code the server answers with when it refuses a request itself,
        /// by situation (`api.server_errors` in the spec).
        #[cfg(feature = "server")]
        pub const SERVER_ERRORS: ServerErrors = ServerErrors { #(#fields)* };
    }
}

/// The `Operation` items of a `body: multipart` request: each body field, when it has a value,
/// one part under its wire name.
fn multipart_parts(model: &Model, op: &Operation) -> Option<TokenStream> {
    let TypeKind::Object(object) = &model.def(op.request).kind else {
        return None;
    };
    if op.body != BodyKind::Multipart {
        return None;
    }
    let parts = object
        .fields
        .iter()
        .filter(|f| f.location == Location::Body)
        .map(|field| {
            let (member, wire) = (ident(&field.ident), &field.wire);
            let part = if model.is_text_or_file_part(&field.ty.kind) {
                quote!(::specgen_runtime::multipart::ToPart::to_part(&self.#member))
            } else {
                // Not a scalar: one JSON part (OpenAPI's default for such a field).
                let json = quote!(::specgen_runtime::multipart::json_part);
                match field.presence {
                    Presence::Required => quote!(#json(&self.#member)),
                    Presence::RequiredNullable | Presence::Optional => {
                        quote!(self.#member.as_ref().and_then(#json))
                    }
                    Presence::OptionalNullable => quote!(self.#member.value().and_then(#json)),
                }
            };
            quote! {
                if let ::std::option::Option::Some(part) = #part {
                    parts.push((#wire, part));
                }
            }
        });
    Some(quote! {
        const MULTIPART: bool = true;
        fn multipart_parts(
            &self,
        ) -> ::std::option::Option<::std::vec::Vec<(&'static str, ::specgen_runtime::multipart::Part)>> {
            let mut parts = ::std::vec::Vec::new();
            #(#parts)*
            ::std::option::Option::Some(parts)
        }
    })
}

/// The `Operation` items of a request whose fields travel outside the body: `HAS_BODY` for a
/// `GET`, the path with its parameters, the header parameters, and how a server fills them in.
fn parameters(model: &Model, op: &Operation) -> TokenStream {
    let TypeKind::Object(object) = &model.def(op.request).kind else {
        return TokenStream::new();
    };
    let mut items = TokenStream::new();
    // A GET or a HEAD has no body; a DELETE or an OPTIONS has none when its request has no
    // body field (REST's `DELETE /pets/{id}`), rather than an empty JSON object.
    let body_fields = object.fields.iter().any(|f| f.location.in_body());
    if !op.method.may_have_body() || (op.method.body_only_with_fields() && !body_fields) {
        items.extend(quote!(
            const HAS_BODY: bool = false;
        ));
    }
    if object.whole_body().is_some() {
        items.extend(quote!(
            const WHOLE_BODY: bool = true;
        ));
    }
    let in_path: Vec<&Field> = object
        .fields
        .iter()
        .filter(|f| f.location == Location::Path)
        .collect();
    let in_headers: Vec<(&Field, &String)> = object
        .fields
        .iter()
        .filter_map(|f| match &f.location {
            Location::Header(name) => Some((f, name)),
            _ => None,
        })
        .collect();
    if !in_path.is_empty() {
        // `{consentId}` in the spec's path becomes `{consent_id}`, a percent-encoded local.
        let mut template = op.path.clone();
        let mut locals = Vec::new();
        for field in &in_path {
            template = template.replace(
                &format!("{{{}}}", field.wire),
                &format!("{{{}}}", field.ident),
            );
            let member = ident(&field.ident);
            locals.push(quote! {
                let #member = ::specgen_runtime::encode_path_segment(&self.#member.to_string());
            });
        }
        items.extend(quote! {
            fn path(&self) -> ::std::borrow::Cow<'static, str> {
                #(#locals)*
                ::std::borrow::Cow::Owned(::std::format!(#template))
            }
        });
    }
    if !in_headers.is_empty() {
        // The required headers lead (the vector starts with them), the others are pushed
        // when they have a value.
        let (required, optional): (Vec<_>, Vec<_>) = in_headers
            .iter()
            .partition(|(field, _)| field.presence == Presence::Required);
        let required = required.iter().map(|(field, name)| {
            let member = ident(&field.ident);
            quote!((#name, self.#member.to_string()))
        });
        let pushes: Vec<TokenStream> = optional
            .iter()
            .map(|(field, name)| {
                let member = ident(&field.ident);
                let value = presence::value_ref(field.presence, quote!(self.#member));
                quote! {
                    if let ::std::option::Option::Some(value) = #value {
                        headers.push((#name, value.to_string()));
                    }
                }
            })
            .collect();
        let body = if pushes.is_empty() {
            quote!(::std::vec![#(#required),*])
        } else {
            quote! {
                let mut headers = ::std::vec![#(#required),*];
                #(#pushes)*
                headers
            }
        };
        items.extend(quote! {
            fn headers(&self) -> ::std::vec::Vec<(&'static str, ::std::string::String)> {
                #body
            }
        });
    }
    let in_query: Vec<&Field> = object
        .fields
        .iter()
        .filter(|f| f.location.in_query())
        .collect();
    if !in_query.is_empty() {
        items.extend(query(&in_query));
    }
    if in_path.is_empty() && in_headers.is_empty() && in_query.is_empty() {
        return items;
    }
    let parameters = in_path
        .iter()
        .map(|field| (*field, quote!(Path), field.wire.as_str()))
        .chain(
            in_headers
                .iter()
                .map(|(field, name)| (*field, quote!(Header), name.as_str())),
        );
    let sets = parameters.map(|(field, place, name)| {
        let member = ident(&field.ident);
        let value = presence::build(
            field.presence,
            Some(quote!(::specgen_runtime::parse_parameter(#name, &text)?)),
        );
        let missing = (field.presence == Presence::Required).then(|| {
            let message = format!("the `{name}` parameter is required");
            quote!(else { return ::std::result::Result::Err(#message.to_owned()); })
        });
        quote! {
            if let ::std::option::Option::Some(text) = lookup(::specgen_runtime::Parameter::#place(#name)) {
                self.#member = #value;
            } #missing
        }
    });
    let query_sets = in_query.iter().map(|field| set_query(field));
    items.extend(quote! {
        fn set_parameters(
            &mut self,
            lookup: &dyn Fn(::specgen_runtime::Parameter<'_>) -> ::std::option::Option<::std::string::String>,
        ) -> ::std::result::Result<(), ::std::string::String> {
            #(#sets)*
            #(#query_sets)*
            ::std::result::Result::Ok(())
        }
    });
    items
}

/// `Operation::query`: each query parameter with a value, an array's items one pair each.
fn query(fields: &[&Field]) -> TokenStream {
    let pushes = fields.iter().map(|field| {
        let (member, name) = (ident(&field.ident), field.wire.as_str());
        let array = matches!(field.ty.kind, TyKind::Array { .. });
        let push = if array && field.location == Location::QueryJoined {
            quote! {
                let items: ::std::vec::Vec<::std::string::String> =
                    value.iter().map(::std::string::ToString::to_string).collect();
                if !items.is_empty() {
                    query.push((#name, items.join(",")));
                }
            }
        } else if array {
            quote! {
                for item in value {
                    query.push((#name, item.to_string()));
                }
            }
        } else {
            quote!(query.push((#name, value.to_string()));)
        };
        match field.presence {
            Presence::Required => quote! {
                let value = &self.#member;
                #push
            },
            _ => {
                let value = presence::value_ref(field.presence, quote!(self.#member));
                quote! {
                    if let ::std::option::Option::Some(value) = #value {
                        #push
                    }
                }
            }
        }
    });
    quote! {
        fn query(&self) -> ::std::vec::Vec<(&'static str, ::std::string::String)> {
            let mut query = ::std::vec::Vec::new();
            #(#pushes)*
            query
        }
    }
}

/// How a server fills one query parameter: its first occurrence, or for an array every
/// occurrence in order (none is an empty array for a required one, absent for an optional).
fn set_query(field: &Field) -> TokenStream {
    let (member, name) = (ident(&field.ident), field.wire.as_str());
    let missing = (field.presence == Presence::Required).then(|| {
        let message = format!("the `{name}` parameter is required");
        quote!(else { return ::std::result::Result::Err(#message.to_owned()); })
    });
    if matches!(field.ty.kind, TyKind::Array { .. }) {
        let value = presence::build(field.presence, Some(quote!(items)));
        let read = if field.location == Location::QueryJoined {
            // One parameter, its items joined by commas (a client that repeats it anyway is
            // read whole: every occurrence, in order).
            quote! {
                let mut items = ::std::vec::Vec::new();
                let mut index = 0;
                while let ::std::option::Option::Some(text) =
                    lookup(::specgen_runtime::Parameter::Query { name: #name, index })
                {
                    for item in text.split(',').filter(|item| !item.is_empty()) {
                        items.push(::specgen_runtime::parse_parameter(#name, item)?);
                    }
                    index += 1;
                }
            }
        } else {
            quote! {
                let mut items = ::std::vec::Vec::new();
                while let ::std::option::Option::Some(text) =
                    lookup(::specgen_runtime::Parameter::Query { name: #name, index: items.len() })
                {
                    items.push(::specgen_runtime::parse_parameter(#name, &text)?);
                }
            }
        };
        let keep = if field.presence == Presence::Required {
            quote!(self.#member = #value;)
        } else {
            quote! {
                if !items.is_empty() {
                    self.#member = #value;
                }
            }
        };
        return quote! {
            #read
            #keep
        };
    }
    let value = presence::build(
        field.presence,
        Some(quote!(::specgen_runtime::parse_parameter(#name, &text)?)),
    );
    quote! {
        if let ::std::option::Option::Some(text) =
            lookup(::specgen_runtime::Parameter::Query { name: #name, index: 0 })
        {
            self.#member = #value;
        } #missing
    }
}

/// `crate::models::Name`: operations.rs names models by full path, so a model may be called
/// `Environment` or `Operation` without clashing with this file's own items.
fn model_path(model: &Model, id: TypeId) -> TokenStream {
    let name = super::type_ident(model, id);
    quote!(crate::models::#name)
}

/// `Operation::request_id`: the request id field of a JSON answer, where the answer's type has
/// it; of each answer that has it when the operation has several.
fn request_id(model: &Model, op: &Operation, field: &str) -> Option<TokenStream> {
    let body = if op.answers.is_empty() {
        optional_str(model, op.response.json()?, field, quote!(response))?
    } else {
        let name = super::answers_ident(op);
        let mut arms = TokenStream::new();
        let mut all = true;
        for (status, response, _) in op.all_answers() {
            let access = response
                .json()
                .and_then(|id| optional_str(model, id, field, quote!(answer)));
            match access {
                Some(access) => {
                    let variant = super::answer_variant(status);
                    arms.extend(quote!(crate::models::#name::#variant(answer) => #access,));
                }
                None => all = false,
            }
        }
        if arms.is_empty() {
            return None;
        }
        let rest = (!all).then(|| quote!(_ => ::std::option::Option::None,));
        quote!(match response { #arms #rest })
    };
    Some(quote! {
        fn request_id(response: &Self::Response) -> ::std::option::Option<&str> {
            #body
        }
    })
}

/// An expression of type `Option<&str>` reading string field `wire` of `value` (of type
/// `owner`), whatever its presence and nullability.
fn optional_str(
    model: &Model,
    owner: TypeId,
    wire: &str,
    value: TokenStream,
) -> Option<TokenStream> {
    let field = model
        .resolve(owner, std::slice::from_ref(&wire.to_owned()))
        .ok()?;
    let member = ident(&field.ident);
    Some(presence::string_as_str(
        field.presence,
        quote!(#value.#member),
    ))
}

/// An expression of type `Option<&str>` reading field `wire` of the error type when it is a
/// string or an (open) enum; `None` for any other type.
fn optional_text(model: &Model, owner: TypeId, wire: &str) -> Option<TokenStream> {
    let field = model
        .resolve(owner, std::slice::from_ref(&wire.to_owned()))
        .ok()?;
    let is_enum = match &field.ty.kind {
        TyKind::String => return optional_str(model, owner, wire, quote!(self)),
        TyKind::Named(id) => matches!(model.def(*id).kind, TypeKind::Enum(_)),
        _ => false,
    };
    if !is_enum {
        return None;
    }
    let member = ident(&field.ident);
    Some(presence::enum_as_str(field.presence, quote!(self.#member)))
}

/// `ErrorBody` for each type an operation names as its own error body (the spec's
/// per-operation `error`) that is not the API's: no type or code to log, the request id where
/// the type has `api.request_id`, and `Display` as `Debug` (which redacts sensitive fields).
fn own_error_bodies(model: &Model) -> TokenStream {
    let own: std::collections::BTreeSet<TypeId> = model
        .operations
        .iter()
        .filter_map(|op| op.error)
        .filter(|&id| Some(id) != model.api.error)
        .collect();
    own.into_iter()
        .map(|id| {
            let path = model_path(model, id);
            let cfg = super::cfg_for_type(model, id);
            let request_id = model
                .api
                .request_id
                .as_ref()
                .and_then(|field| optional_str(model, id, field, quote!(self)))
                .unwrap_or_else(|| quote!(::std::option::Option::None));
            quote! {
                #cfg
                impl ::specgen_runtime::ErrorBody for #path {
                    fn request_id(&self) -> ::std::option::Option<&str> {
                        #request_id
                    }
                }

                #cfg
                impl ::std::fmt::Display for #path {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        ::std::fmt::Debug::fmt(self, f)
                    }
                }

                #cfg
                impl ::std::error::Error for #path {}
            }
        })
        .collect()
}

/// The error body type (`api.error`) with its one-line `Display` and request id; the raw JSON
/// when the spec names no error type.
fn error_body(model: &Model) -> TokenStream {
    let Some(error) = model.api.error else {
        // The runtime implements `ErrorBody` for `serde_json::Value`.
        return quote! {
            /// The body of a non-2xx response: the spec names no error type.
            pub type ApiErrorBody = ::serde_json::Value;
        };
    };
    let error_type = model_path(model, error);
    let request_id = model
        .api
        .request_id
        .as_ref()
        .and_then(|field| optional_str(model, error, field, quote!(self)))
        .unwrap_or_else(|| quote!(::std::option::Option::None));
    // What the client logs of a typed error: the spec's `error_fields` type and code, when
    // they are strings or enums.
    let text_field = |wire: Option<&String>| {
        wire.and_then(|wire| optional_text(model, error, wire))
            .unwrap_or_else(|| quote!(::std::option::Option::None))
    };
    let fields = model.api.error_fields.as_ref();
    let kind = text_field(fields.and_then(|f| f.kind.as_ref()));
    let code = text_field(fields.map(|f| &f.code));
    let summary = if model.api.error_summary.is_empty() {
        quote!(::std::fmt::Debug::fmt(self, f))
    } else {
        let writes = model.api.error_summary.iter().map(|part| match part {
            SummaryPart::Text(text) => quote!(f.write_str(#text)?;),
            SummaryPart::Field(wire) => {
                let member = model
                    .resolve(error, std::slice::from_ref(wire))
                    .map(|f| ident(&f.ident))
                    .unwrap_or_else(|_| ident(wire));
                quote!(::std::fmt::Display::fmt(&self.#member, f)?;)
            }
        });
        quote! { #(#writes)* ::std::result::Result::Ok(()) }
    };
    let error = model.name(error);
    let docs = doc_attrs(&format!(
        "The body of every non-2xx response: [`{error}`](crate::models::{error})."
    ));
    quote! {
        #docs
        pub type ApiErrorBody = #error_type;

        impl ::specgen_runtime::ErrorBody for #error_type {
            fn request_id(&self) -> ::std::option::Option<&str> {
                #request_id
            }

            fn error_type(&self) -> ::std::option::Option<&str> {
                #kind
            }

            fn error_code(&self) -> ::std::option::Option<&str> {
                #code
            }
        }

        impl ::std::fmt::Display for #error_type {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                #summary
            }
        }

        impl ::std::error::Error for #error_type {}
    }
}
