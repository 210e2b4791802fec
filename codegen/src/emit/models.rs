//! Model structs and enums, one Rust module per spec file.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::{braced, doc_attrs, ident, inner_doc_attrs, type_docs};
use super::{layout, presence, validate};
use crate::ir::{
    Enum, Field, Location, Model, Module, Object, OneOf, Operation, Presence, Response, Ty, TyKind,
    TypeDef, TypeId, TypeKind, tried_order,
};

pub fn module(model: &Model, module: &Module) -> TokenStream {
    let mut uses = Uses::default();
    let mut items = TokenStream::new();
    let mut unchecked = Vec::new();
    // Streams are moved into the module rather than interpolated with `quote!`, which would
    // copy every token of every item once more.
    for def in model.module_types(module) {
        match &def.kind {
            TypeKind::Object(object) => {
                items.extend(structure(model, def, object, &mut uses));
                match validate::object_impl(model, def, object) {
                    Some(validate) => {
                        uses.checks = true;
                        uses.string_rules |= validate.string_rules;
                        items.extend(validate.tokens);
                    }
                    None => unchecked.push(ident(&def.name)),
                }
            }
            TypeKind::Enum(e) => items.extend(enumeration(def, e)),
            TypeKind::OneOf(one_of) => items.extend(one_of_enum(model, def, one_of)),
        }
    }
    if !unchecked.is_empty() {
        items.extend(quote!(::specgen_runtime::nothing_to_validate!(#(#unchecked),*);));
    }
    for op in &model.operations {
        if !op.answers.is_empty() && model.module_of(op.request) == module.name {
            items.extend(answers_enum(model, op));
        }
    }
    let mut file = inner_doc_attrs(&format!("Types from `{}`.", module.source));
    file.extend(imports(model, module, &uses));
    file.extend(items);
    file
}

/// What a module's items use from the runtime, so that it imports exactly that: an unused
/// import would be a warning in the generated crate.
#[derive(Default)]
struct Uses {
    nullable: bool,
    /// An object's `impl Validate` is written out.
    checks: bool,
    string_rules: bool,
}

/// The module's imports: sibling modules' types by name, so the code reads `PlaidError`
/// rather than a full path, and the runtime items it uses. None of these names can be a
/// spec type's (see `RESERVED_TYPE_NAMES`).
fn imports(model: &Model, module: &Module, uses: &Uses) -> TokenStream {
    let mut used = BTreeSet::new();
    for def in model.module_types(module) {
        match &def.kind {
            TypeKind::Object(object) => {
                used.extend(object.fields.iter().filter_map(|f| f.ty.kind.named()));
            }
            TypeKind::OneOf(one_of) => used.extend(one_of.members.iter().map(|m| m.ty)),
            TypeKind::Enum(_) => {}
        }
    }
    let foreign: Vec<_> = used
        .into_iter()
        .filter(|&id| model.module_of(id) != module.name)
        .map(|id| super::type_ident(model, id))
        .collect();
    let models = (!foreign.is_empty()).then(|| quote!(use crate::models::{#(#foreign),*};));
    let nullable = uses.nullable.then(|| {
        quote!(
            use ::specgen_runtime::Nullable;
        )
    });
    let validate = uses.checks.then(|| {
        let string_rules = uses.string_rules.then(|| quote!(StringRules,));
        quote!(use ::specgen_runtime::validate::{self, #string_rules Validate, Violation};)
    });
    quote!(#models #nullable #validate)
}

fn structure(model: &Model, def: &TypeDef, object: &Object, uses: &mut Uses) -> TokenStream {
    uses.nullable |= object
        .fields
        .iter()
        .any(|f| f.presence == Presence::OptionalNullable);
    let name = ident(&def.name);
    let docs = type_docs(model, def);
    let fields = object.fields.iter().map(|field| {
        let field_ident = ident(&field.ident);
        let ty = field_type(model, def.id, field);
        let docs = doc_attrs(&field_docs(field));
        quote! { #docs pub #field_ident: #ty, }
    });
    let fields = braced(fields);
    let sensitive = object.fields.iter().any(|f| f.sensitive);
    let debug_derive = (!sensitive).then(|| quote!(Debug,));
    let default_derive = model.has_default(def.id).then(|| quote!(Default,));
    let debug_impl = sensitive.then(|| redacting_debug(def, object));
    let serde_impls = serde_impls(def, object);
    quote! {
        #docs
        #[derive(Clone, #debug_derive #default_derive PartialEq)]
        pub struct #name #fields
        #debug_impl
        #serde_impls
    }
}

/// `Serialize` and `Deserialize` through the runtime's `serde_struct!` rather than serde's
/// derives, whose expansion, type-checked for each of a large API's thousands of structs, was
/// most of the generated crate's compile time. The wire behaviour is the derives' with the
/// attributes this generator gave them: parameters (path, header) are never on the wire, a
/// required key that is missing is an error (for a nullable one too), an optional key that is
/// missing decodes as empty and an empty one is left out, unknown keys are skipped; a server
/// refuses `null` for an optional field the spec does not make nullable.
///
/// The call is laid out here, one field a line, and spliced in as text (`crate::splice`):
/// prettyplease would flow a macro's arguments as one paragraph of tokens.
fn serde_impls(def: &TypeDef, object: &Object) -> TokenStream {
    let (body, parameters): (Vec<&Field>, Vec<&Field>) =
        object.fields.iter().partition(|f| f.location.in_body());
    let default = |text: &mut String| {
        if !parameters.is_empty() {
            let idents: Vec<String> = parameters
                .iter()
                .map(|f| ident(&f.ident).to_string())
                .collect();
            text.push_str(&format!(" default {{ {} }}", idents.join(", ")));
        }
    };
    // The check leaves a whole body alone in the body.
    if let Some(whole) = object.whole_body() {
        let mut text = format!(
            "::specgen_runtime::serde_struct!({} whole {}",
            def.name,
            ident(&whole.ident)
        );
        default(&mut text);
        text.push_str(");");
        return crate::splice::statements(&[text]);
    }
    let mut text = format!("::specgen_runtime::serde_struct!({} {{", def.name);
    for (i, field) in body.iter().enumerate() {
        let presence = presence::serde_struct_presence(field.presence);
        text.push_str(&format!(
            "\n    {i} => {}: {} {presence},",
            ident(&field.ident),
            layout::string(&field.wire)
        ));
    }
    if !body.is_empty() {
        text.push('\n');
    }
    text.push('}');
    default(&mut text);
    text.push_str(");");
    crate::splice::statements(&[text])
}

/// The Rust type of a field: the wire type wrapped for presence and nullability (see the
/// table in spec/README.md).
fn field_type(model: &Model, owner: TypeId, field: &Field) -> TokenStream {
    let inner = rust_type(model, &field.ty.kind);
    let inner = if is_boxed(model, owner, field) {
        quote!(Box<#inner>)
    } else {
        inner
    };
    presence::rust_type(field.presence, inner)
}

fn rust_type(model: &Model, kind: &TyKind) -> TokenStream {
    match kind {
        TyKind::String => quote!(String),
        TyKind::Integer => quote!(i64),
        TyKind::Number => quote!(f64),
        TyKind::Boolean => quote!(bool),
        TyKind::Any => quote!(::serde_json::Value),
        TyKind::File => quote!(::specgen_runtime::FilePart),
        TyKind::Array { items, nullable } => {
            let item = rust_type(model, &items.kind);
            let item = if *nullable {
                quote!(Option<#item>)
            } else {
                item
            };
            quote!(Vec<#item>)
        }
        TyKind::Map { values, nullable } => {
            let value = rust_type(model, &values.kind);
            let value = if *nullable {
                quote!(Option<#value>)
            } else {
                value
            };
            quote!(::std::collections::BTreeMap<String, #value>)
        }
        TyKind::Named(id) => {
            let name = super::type_ident(model, *id);
            quote!(#name)
        }
    }
}

/// Whether the field is stored in a `Box` because its type leads back to `owner`.
fn is_boxed(model: &Model, owner: TypeId, field: &Field) -> bool {
    model.is_cyclic(owner, &field.ty.kind)
}

fn redacting_debug(def: &TypeDef, object: &Object) -> TokenStream {
    let name = ident(&def.name);
    let wire_name = &def.name;
    let fields = object.fields.iter().map(|field| {
        let label = &field.ident;
        let field_ident = ident(&field.ident);
        if field.sensitive {
            quote!(.field(#label, &::specgen_runtime::redact::Redacted(&self.#field_ident)))
        } else {
            quote!(.field(#label, &self.#field_ident))
        }
    });
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#wire_name) #(#fields)* .finish()
            }
        }
    }
}

fn enumeration(def: &TypeDef, e: &Enum) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc_attrs(&format!(
        "{}{}\n\nValues added to the API after this crate was generated decode as `Unknown`, keeping the raw string.",
        def.docs,
        super::deprecated_note(def.deprecated)
    ));
    let variants = e.values.iter().map(|v| {
        let variant = ident(&v.ident);
        let mut text = if v.docs.is_empty() {
            format!("`{}`", v.wire)
        } else {
            format!("`{}`: {}", v.wire, v.docs)
        };
        text.push_str(super::deprecated_note(v.deprecated));
        let docs = doc_attrs(&text);
        quote! { #docs #variant, }
    });
    let table = e.values.iter().map(|v| {
        let variant = ident(&v.ident);
        let wire = &v.wire;
        quote!((Self::#variant, #wire))
    });
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this crate does not know yet, kept verbatim.
            Unknown(String),
        }

        impl #name {
            /// Every value known when this crate was generated, with its wire form, in the
            /// spec's order.
            pub const KNOWN: &'static [(Self, &'static str)] = &[#(#table),*];
        }

        ::specgen_runtime::open_enum!(#name);
    }
}

/// A `oneOf` as an enum of its members, one variant per member named after its type. The serde
/// impls (`one_of!`) pick the member by the discriminator, or try the members in
/// `tried_order`; the docs say which, since a user reading an unexpected variant needs to know.
fn one_of_enum(model: &Model, def: &TypeDef, one_of: &OneOf) -> TokenStream {
    let name = ident(&def.name);
    let how = match &one_of.discriminator {
        Some(property) => format!(
            "The member is chosen by the `{property}` property. A value no member lists decodes as \
             `Unknown`, which keeps the whole JSON and encodes back to it."
        ),
        None => {
            let order: Vec<String> = tried_order(model, one_of)
                .into_iter()
                .map(|id| format!("`{}`", model.name(id)))
                .collect();
            format!(
                "Decoding tries the members in this order and the first that decodes wins: {} \
                 (the members with more required fields first, since a member skips the keys \
                 it does not know). A value none of them decodes is an error.",
                order.join(", ")
            )
        }
    };
    let docs = doc_attrs(&format!(
        "{}{}\n\n{how}",
        def.docs,
        super::deprecated_note(def.deprecated)
    ));
    let variants = one_of.members.iter().map(|member| {
        let ty = super::type_ident(model, member.ty);
        let text = if member.tags.is_empty() {
            format!("The member `{}`.", model.name(member.ty))
        } else {
            let tags: Vec<String> = member.tags.iter().map(|t| format!("`{t}`")).collect();
            format!(
                "The member `{}`, whose discriminator is {}.",
                model.name(member.ty),
                tags.join(" or ")
            )
        };
        let docs = doc_attrs(&text);
        quote! { #docs #ty(#ty), }
    });
    let members: Vec<TokenStream> = match &one_of.discriminator {
        Some(_) => one_of
            .members
            .iter()
            .map(|m| {
                let ty = super::type_ident(model, m.ty);
                let tags = &m.tags;
                quote!(#ty => [#(#tags),*])
            })
            .collect(),
        None => tried_order(model, one_of)
            .into_iter()
            .map(|id| {
                let ty = super::type_ident(model, id);
                quote!(#ty)
            })
            .collect(),
    };
    let (unknown, call) = match &one_of.discriminator {
        Some(property) => (
            Some(quote! {
                /// A member this crate does not know (a discriminator value added to the API
                /// later), kept verbatim.
                Unknown(::serde_json::Value),
            }),
            quote!(::specgen_runtime::one_of!(#name tag #property { #(#members),* });),
        ),
        None => (
            None,
            quote!(::specgen_runtime::one_of!(#name untagged { #(#members),* });),
        ),
    };
    quote! {
        #docs
        // The members are the API's types, whatever their sizes: boxing the large ones would
        // make every match and constructor of the enum the API's size chart.
        #[allow(clippy::large_enum_variant)]
        #[derive(Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
            #unknown
        }

        #call
    }
}

/// A field's docs, followed by the rules it must satisfy so that rustdoc shows them.
fn field_docs(field: &Field) -> String {
    let mut paragraphs = vec![field.docs.clone()];
    if field.deprecated {
        paragraphs.push(super::DEPRECATED.into());
    }
    if field.location == Location::WholeBody {
        paragraphs.push(
            "All of the JSON value (`in: whole_body`), not one of an object's properties: a \
             request sends it as its body, any other field as a parameter."
                .into(),
        );
    }
    paragraphs.extend(number_formats(&field.ty));
    let facts = constraint_facts(&field.ty);
    if !facts.is_empty() {
        paragraphs.push(format!("Constraints: {}.", facts.join("; ")));
    }
    if field.sensitive {
        paragraphs
            .push("Sensitive: `Debug` prints a redaction marker instead of the value.".into());
    }
    paragraphs.retain(|p| !p.is_empty());
    paragraphs.join("\n\n")
}

/// The element of an array or the values of a map, with how the docs name one of them.
fn element(ty: &Ty) -> Option<(&Ty, &'static str)> {
    match &ty.kind {
        TyKind::Array { items, .. } => Some((items, "item")),
        TyKind::Map { values, .. } => Some((values, "value")),
        _ => None,
    }
}

/// "Format: `int32`." for a number with a width, or for its items or values.
fn number_formats(ty: &Ty) -> Option<String> {
    if let Some(format) = ty.number_format {
        return Some(format!("Format: `{}`.", format.name()));
    }
    let (inner, noun) = element(ty)?;
    let format = inner.number_format?;
    Some(format!("Format of each {noun}: `{}`.", format.name()))
}

fn constraint_facts(ty: &Ty) -> Vec<String> {
    let mut facts = ty.constraints.phrases();
    if let Some((inner, noun)) = element(ty) {
        facts.extend(
            inner
                .constraints
                .phrases()
                .into_iter()
                .map(|f| format!("each {noun}: {f}")),
        );
    }
    facts
}

/// The enum of an operation's answers (the spec's `answers`), a variant per status, and how
/// a client reads each from its status and body (`specgen_runtime::Answers`).
fn answers_enum(model: &Model, op: &Operation) -> TokenStream {
    let name = super::answers_ident(op);
    let docs = doc_attrs(&format!(
        "The answers of `{} {}` ([`{request}`]), a variant per status: a client reads the one \
         the status names, a server answers with its variant's status.",
        op.method,
        op.path,
        request = model.name(op.request)
    ));
    let mut variants = TokenStream::new();
    let mut statuses = TokenStream::new();
    let (mut json_arms, mut document_arms) = (TokenStream::new(), TokenStream::new());
    let mut reads_body = false;
    for (code, response, text) in op.all_answers() {
        let variant = super::answer_variant(code);
        let status = proc_macro2::Literal::u16_unsuffixed(code);
        let mut variant_docs = format!("{code}: {}.", super::answer_phrase(model, response));
        if !text.is_empty() {
            variant_docs.push_str(&format!("\n\n{text}"));
        }
        let variant_docs = doc_attrs(&variant_docs);
        let kind = match response {
            Response::Json(_) | Response::JsonArray(_) => {
                json_arms.extend(quote! {
                    #status => ::serde::Deserialize::deserialize(deserializer).map(Self::#variant),
                });
                quote!(Json)
            }
            Response::Bytes(_) => {
                reads_body = true;
                document_arms.extend(quote! {
                    #status => ::std::option::Option::Some(Self::#variant(body)),
                });
                quote!(Document)
            }
            Response::Empty => {
                document_arms.extend(quote! {
                    #status => ::std::option::Option::Some(Self::#variant),
                });
                quote!(Empty)
            }
        };
        statuses.extend(quote!((#status, ::specgen_runtime::AnswerKind::#kind),));
        // By full path: the type may live in another module, which this one does not import.
        let payload = match response {
            Response::Json(id) => {
                let ty = super::type_ident(model, *id);
                quote!((crate::models::#ty))
            }
            Response::JsonArray(id) => {
                let ty = super::type_ident(model, *id);
                quote!((::std::vec::Vec<crate::models::#ty>))
            }
            Response::Bytes(_) => quote!((::specgen_runtime::Binary)),
            Response::Empty => TokenStream::new(),
        };
        variants.extend(quote!(#variant_docs #variant #payload,));
    }
    // Without arms the `match` would be one wildcard (clippy's `match_single_binding`), and
    // a parameter no arm reads is a warning.
    let from_json = if json_arms.is_empty() {
        quote! {
            fn from_json<'de, D: ::serde::Deserializer<'de>>(_status: u16, _deserializer: D) -> ::std::result::Result<Self, D::Error> {
                ::std::result::Result::Err(<D::Error as ::serde::de::Error>::custom("no answer of this operation is JSON"))
            }
        }
    } else {
        quote! {
            fn from_json<'de, D: ::serde::Deserializer<'de>>(status: u16, deserializer: D) -> ::std::result::Result<Self, D::Error> {
                match status {
                    #json_arms
                    _ => ::std::result::Result::Err(<D::Error as ::serde::de::Error>::custom("no JSON answer has this status")),
                }
            }
        }
    };
    let from_document = if document_arms.is_empty() {
        quote! {
            fn from_document(_status: u16, _body: ::specgen_runtime::Binary) -> ::std::option::Option<Self> {
                ::std::option::Option::None
            }
        }
    } else {
        let body = if reads_body {
            quote!(body)
        } else {
            quote!(_body)
        };
        quote! {
            fn from_document(status: u16, #body: ::specgen_runtime::Binary) -> ::std::option::Option<Self> {
                match status {
                    #document_arms
                    _ => ::std::option::Option::None,
                }
            }
        }
    };
    quote! {
        #docs
        // As a `one_of`'s: the answers are the API's types, whatever their sizes; the variants
        // are HTTP's reason phrases, which may share a word (`NoContent`, `ResetContent`).
        #[allow(clippy::large_enum_variant, clippy::enum_variant_names)]
        #[derive(Clone, Debug, PartialEq)]
        pub enum #name { #variants }

        impl ::specgen_runtime::Answers for #name {
            const STATUSES: &'static [(u16, ::specgen_runtime::AnswerKind)] = &[#statuses];

            #from_json
            #from_document
        }
    }
}
