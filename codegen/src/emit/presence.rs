//! What each [`Presence`] means in the generated Rust: a field's type, whether its key may be
//! missing on the wire, and how generated code reads or builds its value. Emitters ask here rather than matching on
//! `required` and `nullable` themselves.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Presence, TyKind};

/// The field's Rust type around the wire type `inner` (`Nullable` is imported by the module).
pub fn rust_type(presence: Presence, inner: TokenStream) -> TokenStream {
    match presence {
        Presence::Required => inner,
        Presence::RequiredNullable | Presence::Optional => quote!(Option<#inner>),
        Presence::OptionalNullable => quote!(Nullable<#inner>),
    }
}

/// How the runtime's `serde_struct!` reads and writes the field: `required` (the key must be
/// there, `null` being `None` for a nullable field: serde's `missing field` otherwise),
/// `optional` (it may be missing, decodes as empty then, is left out when empty, and `null` is
/// a value) or `optional_non_null` (the same, but `null` is what a server refuses:
/// `structs::refusing_null`).
pub fn serde_struct_presence(presence: Presence) -> &'static str {
    match presence {
        Presence::Required | Presence::RequiredNullable => "required",
        Presence::Optional => "optional_non_null",
        Presence::OptionalNullable => "optional",
    }
}

/// Whether the field at `place` is what generated code reads directly (`T`) rather than
/// through an option.
pub fn is_direct(presence: Presence) -> bool {
    presence == Presence::Required
}

/// An expression of type `Option<&T>` for the field at `place` (`self.name`, `v.name`), or of
/// type `&T` when [`is_direct`].
pub fn value_ref(presence: Presence, place: TokenStream) -> TokenStream {
    match presence {
        Presence::Required => quote!(&#place),
        Presence::RequiredNullable | Presence::Optional => quote!(#place.as_ref()),
        Presence::OptionalNullable => quote!(#place.value()),
    }
}

/// An expression of type `Option<&str>` for a string field at `place`.
pub fn string_as_str(presence: Presence, place: TokenStream) -> TokenStream {
    match presence {
        Presence::Required => quote!(::std::option::Option::Some(#place.as_str())),
        Presence::RequiredNullable | Presence::Optional => quote!(#place.as_deref()),
        Presence::OptionalNullable => {
            quote!(#place.value().map(::std::string::String::as_str))
        }
    }
}

/// An expression of type `Option<&str>` for an enum field at `place` (its wire value).
pub fn enum_as_str(presence: Presence, place: TokenStream) -> TokenStream {
    match presence {
        Presence::Required => quote!(::std::option::Option::Some(#place.as_str())),
        Presence::RequiredNullable | Presence::Optional => {
            quote!(#place.as_ref().map(|v| v.as_str()))
        }
        Presence::OptionalNullable => quote!(#place.value().map(|v| v.as_str())),
    }
}

/// Source text of a `bool` expression: whether the field at `place` is given, that is holds
/// a value, and for a string or an array a non-empty one (`""` and `[]` identify nothing, so
/// they do not satisfy `one_of_required`).
pub fn is_given(presence: Presence, kind: &TyKind, place: &str) -> String {
    let can_be_empty = matches!(kind, TyKind::String | TyKind::Array { .. });
    match (presence, can_be_empty) {
        (Presence::Required, false) => "true".to_owned(),
        (Presence::Required, true) => format!("!{place}.is_empty()"),
        (Presence::RequiredNullable | Presence::Optional, false) => format!("{place}.is_some()"),
        (Presence::RequiredNullable | Presence::Optional, true) => {
            format!("{place}.as_ref().is_some_and(|v| !v.is_empty())")
        }
        (Presence::OptionalNullable, false) => format!("{place}.value().is_some()"),
        (Presence::OptionalNullable, true) => {
            format!("{place}.value().is_some_and(|v| !v.is_empty())")
        }
    }
}

/// An expression of the field's type holding `value`, or, without one, the field's empty
/// value (`Default` for a required field).
pub fn build(presence: Presence, value: Option<TokenStream>) -> TokenStream {
    match (presence, value) {
        (Presence::Required, Some(v)) => v,
        (Presence::RequiredNullable | Presence::Optional, Some(v)) => {
            quote!(::std::option::Option::Some(#v))
        }
        (Presence::OptionalNullable, Some(v)) => quote!(::specgen_runtime::Nullable::Value(#v)),
        (Presence::Required, None) => quote!(::std::default::Default::default()),
        (Presence::RequiredNullable | Presence::Optional, None) => {
            quote!(::std::option::Option::None)
        }
        (Presence::OptionalNullable, None) => quote!(::specgen_runtime::Nullable::Absent),
    }
}
