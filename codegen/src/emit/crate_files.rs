//! The crate's frame: manifest, root, prelude, the operations table and the models index.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_attrs, ident, inner_doc_attrs};
use crate::ir::Model;
use crate::names;
use crate::output::Options;

pub fn cargo_toml(options: &Options) -> String {
    format!(
        r#"[package]
name = "{name}"
version = "{version}"
description = "Models for the {title}, generated from spec/."
edition.workspace = true
rust-version.workspace = true
license.workspace = true
publish.workspace = true

[dependencies]
serde.workspace = true
serde_json.workspace = true
regex-lite.workspace = true
"#,
        name = options.package_name,
        version = options.package_version,
        title = options.api_title,
    )
}

pub fn lib_rs(model: &Model) -> TokenStream {
    let api = &model.api;
    let mut text = format!("# {}\n\n", api.title);
    if !api.docs.is_empty() {
        text.push_str(&format!("{}\n\n", api.docs));
    }
    text.push_str(&format!(
        "Generated from `spec/` for API version `{}`. Every type lives in [`models`];\n\
         [`prelude`] re-exports everything a caller needs.",
        api.version
    ));
    let docs = inner_doc_attrs(&text);
    quote! {
        #docs
        #![forbid(unsafe_code)]

        #[rustfmt::skip]
        pub mod models;
        #[rustfmt::skip]
        pub mod operations;
        #[rustfmt::skip]
        pub mod prelude;
        #[rustfmt::skip]
        pub mod runtime;
        #[rustfmt::skip]
        pub mod formats;
        #[rustfmt::skip]
        pub mod validate;
    }
}

pub fn prelude() -> TokenStream {
    quote! {
        //! Everything a caller needs, in one `use plaid_api::prelude::*;`.
        pub use crate::models::*;
        pub use crate::operations::{Environment, API_VERSION};
        pub use crate::runtime::{Nullable, Operation};
        pub use crate::validate::{Validate, ValidationErrors, Violation};
    }
}

pub fn models_mod(model: &Model) -> TokenStream {
    let modules = model.modules.iter().map(|m| {
        let name = ident(&m.name);
        let docs = doc_attrs(&format!("Types from `{}`.", m.source));
        quote! {
            #docs
            mod #name;
            pub use self::#name::*;
        }
    });
    quote! {
        //! Every request, response and nested type of the API, re-exported flat.
        #(#modules)*
    }
}

pub fn operations(model: &Model) -> TokenStream {
    let api = &model.api;
    let version = &api.version;
    let version_doc = doc_attrs(&format!(
        "The API version this crate was generated for, sent as the `{}-Version` header.",
        api.title.split_whitespace().next().unwrap_or("API")
    ));
    let variants = api.servers.iter().map(|(name, url)| {
        let variant = ident(&names::variant_ident(name));
        let docs = doc_attrs(&format!("`{url}`"));
        quote! { #docs #variant, }
    });
    let urls = api.servers.iter().map(|(name, url)| {
        let variant = ident(&names::variant_ident(name));
        quote! { Self::#variant => #url, }
    });
    let impls = model.operations.iter().map(|op| {
        let request = ident(&op.request);
        let response = ident(&op.response);
        let (id, method, path) = (&op.id, &op.method, &op.path);
        let docs = doc_attrs(&format!("`{method} {path}`: {}", op.summary));
        quote! {
            #docs
            impl Operation for #request {
                type Response = #response;
                const ID: &'static str = #id;
                const METHOD: &'static str = #method;
                const PATH: &'static str = #path;
            }
        }
    });
    let model_imports: std::collections::BTreeSet<&str> = model
        .operations
        .iter()
        .flat_map(|op| [op.request.as_str(), op.response.as_str()])
        .collect();
    let model_imports = model_imports.into_iter().map(ident);
    quote! {
        //! Where each operation is sent: environments, the API version, and the [`Operation`]
        //! implementation of every request type.
        use crate::models::{#(#model_imports),*};
        use crate::runtime::Operation;

        #version_doc
        pub const API_VERSION: &str = #version;

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

        #(#impls)*
    }
}
