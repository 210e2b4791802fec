//! The API as a service trait, the axum router that serves it, and how the server builds the
//! API's error type.

use proc_macro2::TokenStream;
use quote::quote;

use super::client::trait_name;
use super::{
    OperationView, braced, concat, doc_attrs, ident, operation_views, presence, type_ident,
};
use crate::answers::{self, Answer};
use crate::ir::{ErrorFields, Field, Model, Operation, Response, TyKind, TypeId, TypeKind};
use crate::paths::route_shape;

/// `None` when the spec does not say how to build its error type (`api.error_fields`).
pub fn server(model: &Model) -> Option<TokenStream> {
    let error_fields = model.api.error_fields.as_ref()?;
    let error = model.api.error?;
    let from_parts = from_parts(model, error, error_fields)?;
    let service = ident(&format!("{}Service", trait_name(model)));
    let mut answers = TokenStream::new();
    // A variant's requests reach the operation on its route without a fragment.
    let (methods, routes): (Vec<_>, Vec<_>) = operation_views(model)
        .filter(|view| view.op.variant.is_none())
        .map(|OperationView { op, method, request, response, cfg }| {
            let op_id = &op.id;
            let (unimplemented, hook) = match &op.response {
                Response::Json(_) | Response::JsonArray(_) => {
                    let answer = ident(&op.id.to_uppercase());
                    answers.extend(answer_const(model, op, &cfg));
                    (
                        quote!(self.unimplemented_json(#op_id, answers::#answer, &context, &request)),
                        "ServiceBasics::unimplemented_json",
                    )
                }
                Response::Bytes(media) => (
                    quote!(self.unimplemented_document(#op_id, #media, &context, &request)),
                    "ServiceBasics::unimplemented_document",
                ),
                Response::Empty => (
                    quote!(self.unimplemented_empty(#op_id, &context, &request)),
                    "ServiceBasics::unimplemented_empty",
                ),
            };
            // With several answers, an unimplemented operation answers its own (the first).
            let unimplemented = if op.answers.is_empty() {
                unimplemented
            } else {
                let variant = super::answer_variant(op.status);
                match op.response {
                    Response::Empty => quote!((#unimplemented).map(|()| #response::#variant)),
                    _ => quote!((#unimplemented).map(#response::#variant)),
                }
            };
            let own_error = op.error.map(|id| {
                let name = model.name(id);
                format!(
                    "\n\nIts errors carry [`{name}`](crate::models::{name}), not the API's error \
                     type: answer them with `ServerError::with_body(status, &error)` (the \
                     router's own refusals, such as a request that does not validate, keep the \
                     API's)."
                )
            });
            let docs = doc_attrs(&format!(
                "`{} {}`: {}{}{}\n\nPut `context.request_id` into the response's request id. Unless the \
                 service implements it, [`{hook}`] answers (by default 501 `not_implemented`).",
                op.method,
                op.path,
                op.summary,
                super::deprecated_note(op.deprecated),
                own_error.unwrap_or_default()
            ));
            let declaration = quote! {
                #docs
                #cfg
                fn #method(&self, context: RequestContext, request: models::#request)
                    -> impl Future<Output = Result<#response, ServerError>> + Send
                {
                    let answer = #unimplemented;
                    async { answer }
                }
            };
            let (path, filter) = (&op.path, ident(op.method.as_str()));
            let answer = answer(op);
            let shared: Vec<&str> = served(model, &op.path)
                .map(|other| other.method.as_str())
                .collect();
            let route = if shared.len() == 1 {
                quote! {
                    #cfg
                    let router = router.route(#path, Routes::route(MethodFilter::#filter, &service, #answer, |service, context, request| async move {
                        service.#method(context, request).await
                    }));
                }
            } else if shared.first() == Some(&op.method.as_str()) {
                // The path's routes are built once, at its first operation.
                let methods = shared.join(", ");
                let pushes = served(model, &op.path).map(|other| {
                    route_method(model, other)
                });
                quote! {
                    let router = {
                        #[allow(unused_mut)]
                        let mut routes: ::std::vec::Vec<::axum::routing::MethodRouter> = ::std::vec::Vec::new();
                        #(#pushes)*
                        router.route(#path, crate::server_support::Routes::shared_path(&service, #methods, routes))
                    };
                }
            } else {
                TokenStream::new()
            };
            (declaration, route)
        })
        .unzip();
    let methods = braced(methods);
    // A route per statement, so that each can be switched off with its spec file's feature.
    let router = braced([
        quote! {
            let not_found = service.clone();
            let router = ::axum::Router::new();
        },
        concat(routes),
        // A known path with another method gets its route's 405 (see `route`).
        quote! {
            router.fallback(move || async move { crate::server_support::Routes::not_found(&*not_found) })
        },
    ]);
    let service_docs = doc_attrs(&format!(
        "The {} as a service to implement: one async method per operation.\n\n\
         [`router`] serves an implementation: it authenticates, decodes and validates each\n\
         request before calling the method, and answers every failure in the API's error shape.",
        model.api.title
    ));
    // Without operations the trait is empty and the router has no routes; with every
    // operation's spec file switched off by its feature, the same.
    let imports = if model.operations.is_empty() {
        quote!(
            use crate::server_support::ServiceBasics;
        )
    } else {
        quote! {
            #[allow(unused_imports)]
            use axum::routing::MethodFilter;
            #[allow(unused_imports)]
            use crate::models;
            #[allow(unused_imports)]
            use crate::server_support::{RequestContext, Routes, ServerError};
            use crate::server_support::ServiceBasics;
        }
    };
    let answers = (!answers.is_empty()).then(|| {
        quote! {
            /// A JSON answer for each operation that conforms to its response schema: the
            /// example the spec documents, or, where it has none, the smallest value the schema
            /// admits (its required fields). The service trait hands them to
            /// [`ServiceBasics::unimplemented_json`], so that a mock can answer every operation.
            pub mod answers { #answers }
        }
    });
    Some(quote! {
        //! Serving the API: the service trait to implement and the router that serves it.

        #imports

        #service_docs
        pub trait #service: ServiceBasics #methods

        /// An axum router with one route per operation; an unknown path gets a 404 and a known
        /// path with another method a 405, both in the API's error shape.
        pub fn router<S: #service>(service: ::std::sync::Arc<S>) -> ::axum::Router #router

        #from_parts

        #answers
    })
}

/// `src/server_support.rs`: the runtime's generic routes named for this API, and what they
/// need to know of it. Emitted with the server.
pub fn server_support(model: &Model) -> TokenStream {
    let docs = super::inner_doc_attrs(&format!(
        "Serving the {}: [`specgen_runtime::server`], which every generated crate shares,\n\
         named for this API. Its documentation says what every route does before and after\n\
         the implementation.",
        model.api.title
    ));
    quote! {
        #docs

        pub use ::specgen_runtime::server::{
            ErrorCode, Presented, Received, Refusal, RequestContext, ServerError, ServerErrorBody,
            ServerErrors, ServiceBasics, document_answer, empty_answer, json_answer, with_status,
        };

        /// The routes of this API: what [`router`](crate::server::router) is made of.
        pub type Routes = ::specgen_runtime::server::Routes<crate::operations::Spec>;

        impl ::specgen_runtime::server::ServerSpec for crate::operations::Spec {
            type ErrorBody = crate::operations::ApiErrorBody;
            const CHECKS_CREDENTIALS: bool = crate::operations::SERVER_CHECKS_CREDENTIALS;
            const CLIENT_ID_HEADER: &'static str = crate::operations::CLIENT_ID_HEADER;
            const SECRET_HEADER: &'static str = crate::operations::SECRET_HEADER;
            const ERRORS: ServerErrors = crate::operations::SERVER_ERRORS;
            const SECURITY_SCHEMES: &'static [::specgen_runtime::auth::SecurityScheme] = crate::operations::SECURITY_SCHEMES;
            const SECURITY: ::specgen_runtime::auth::Requirement = crate::operations::SECURITY;
        }
    }
}

/// The operations the server routes on `path`'s route: all but variants.
fn served<'m>(model: &'m Model, path: &str) -> impl Iterator<Item = &'m Operation> {
    let shape = route_shape(path);
    model
        .operations
        .iter()
        .filter(move |op| op.variant.is_none() && route_shape(&op.path) == shape)
}

/// `routes.push(...)`: one operation's route on a path several operations share.
fn route_method(model: &Model, op: &Operation) -> TokenStream {
    let cfg = super::cfg_for_type(model, op.request);
    let (filter, method) = (ident(op.method.as_str()), ident(&op.id));
    let answer = answer(op);
    quote! {
        #cfg
        routes.push(crate::server_support::Routes::route_method(MethodFilter::#filter, &service, #answer, |service, context, request| async move {
            service.#method(context, request).await
        }));
    }
}

/// How a route turns the service's result into an HTTP answer.
fn answer(op: &Operation) -> TokenStream {
    if op.answers.is_empty() {
        return answer_with_status(op.status, &op.response);
    }
    let name = super::answers_ident(op);
    let arms = op.all_answers().map(|(code, response, _)| {
        let variant = super::answer_variant(code);
        let status = proc_macro2::Literal::u16_unsuffixed(code);
        let (pattern, body) = match response {
            Response::Json(_) | Response::JsonArray(_) => (
                quote!(#variant(value)),
                quote!(crate::server_support::json_answer(value)),
            ),
            Response::Bytes(media) => (
                quote!(#variant(document)),
                quote!(crate::server_support::document_answer(#media, document)),
            ),
            Response::Empty => (
                quote!(#variant),
                quote!(crate::server_support::empty_answer(())),
            ),
        };
        quote!(crate::models::#name::#pattern => crate::server_support::with_status(#status, #body),)
    });
    quote!(|answer: crate::models::#name| match answer { #(#arms)* })
}

/// How a route answers one body with its status.
fn answer_with_status(status: u16, response: &Response) -> TokenStream {
    let answer = match response {
        Response::Json(_) | Response::JsonArray(_) => {
            quote!(crate::server_support::json_answer)
        }
        Response::Bytes(media) => {
            quote!(|document| crate::server_support::document_answer(#media, document))
        }
        Response::Empty => quote!(crate::server_support::empty_answer),
    };
    // Another success status than 200: the answer, with its status set.
    if status == 200 {
        answer
    } else {
        quote!(|value| crate::server_support::with_status(#status, (#answer)(value)))
    }
}

/// The answer of a JSON operation as a `&str` constant, pretty-printed so that a change reads
/// as a diff of the JSON.
fn answer_const(model: &Model, op: &Operation, cfg: &TokenStream) -> TokenStream {
    let (id, array) = match op.response {
        Response::Json(id) => (id, false),
        Response::JsonArray(id) => (id, true),
        Response::Bytes(_) | Response::Empty => return TokenStream::new(),
    };
    let answer = answers::answer(model, id);
    let source_of = |what: String| {
        if array {
            format!("an array of one item, {what}")
        } else {
            what
        }
    };
    let source = match answer {
        Answer::Documented(_) => format!(
            "the example documented for [`{0}`](crate::models::{0})",
            model.name(id)
        ),
        Answer::Derived(_) => format!(
            "derived from the schema of [`{0}`](crate::models::{0}), which documents no example",
            model.name(id)
        ),
    };
    let docs = doc_attrs(&format!(
        "`{} {}`: {}.",
        op.method,
        op.path,
        source_of(source)
    ));
    let name = ident(&op.id.to_uppercase());
    let value = if array {
        serde_json::Value::Array(vec![answer.value().clone()])
    } else {
        answer.value().clone()
    };
    let json = serde_json::to_string_pretty(&value).unwrap_or_default();
    let literal = raw_string(&json);
    quote! {
        #docs
        #cfg
        pub const #name: &str = #literal;
    }
}

/// A raw string literal holding `text`, with as many `#` as it needs.
fn raw_string(text: &str) -> TokenStream {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{text}\"{hashes}")
        .parse()
        .unwrap_or_else(|_| quote!(#text))
}

/// `ServerErrorBody::from_parts` for the error type: the named fields from the parts, every
/// other field empty (`None`, absent, `""`, `[]`).
fn from_parts(model: &Model, error: TypeId, parts: &ErrorFields) -> Option<TokenStream> {
    let TypeKind::Object(object) = &model.def(error).kind else {
        return None;
    };
    // A part no field receives is named as unused, or the crate would not build warning-free.
    let (mut status_used, mut request_id_used) = (false, false);
    let (mut type_used, mut code_used) = (false, false);
    let fields: Vec<TokenStream> = object
        .fields
        .iter()
        .map(|field| {
            let member = ident(&field.ident);
            let wire = field.wire.as_str();
            let value = if Some(wire) == parts.kind.as_deref() {
                type_used = true;
                Some(text(model, field, quote!(error_type)))
            } else if wire == parts.code && field.ty.kind == TyKind::Integer {
                // A numeric code (petstore's `Error.code`) is the HTTP status.
                status_used = true;
                Some(quote!(i64::from(status)))
            } else if wire == parts.code {
                code_used = true;
                Some(text(model, field, quote!(error_code)))
            } else if wire == parts.message {
                Some(quote!(message.clone()))
            } else if Some(wire) == parts.status.as_deref() {
                status_used = true;
                Some(quote!(i64::from(status)))
            } else if Some(wire) == model.api.request_id.as_deref() {
                request_id_used = true;
                Some(quote!(request_id.to_owned()))
            } else {
                None
            };
            let value = presence::build(field.presence, value);
            quote!(#member: #value,)
        })
        .collect();
    let error_ident = type_ident(model, error);
    let status = ident(if status_used { "status" } else { "_status" });
    let error_type = ident(if type_used {
        "error_type"
    } else {
        "_error_type"
    });
    let error_code = ident(if code_used {
        "error_code"
    } else {
        "_error_code"
    });
    let request_id = ident(if request_id_used {
        "request_id"
    } else {
        "_request_id"
    });
    Some(quote! {
        impl crate::server_support::ServerErrorBody for crate::models::#error_ident {
            fn from_parts(#status: u16, #error_type: &str, #error_code: &str, message: ::std::string::String, #request_id: &str) -> Self {
                Self { #(#fields)* }
            }
        }
    })
}

/// A string part as the field's type: an enum parses it, a string keeps it.
fn text(model: &Model, field: &Field, part: TokenStream) -> TokenStream {
    match &field.ty.kind {
        TyKind::Named(id) if matches!(model.def(*id).kind, TypeKind::Enum(_)) => {
            let name = type_ident(model, *id);
            quote!(crate::models::#name::from(#part))
        }
        _ => quote!(#part.to_owned()),
    }
}
