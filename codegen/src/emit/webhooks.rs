//! `src/webhook_payloads.rs`: the `Webhook` enum, one variant per type that names a webhook
//! pair in the spec (`webhook: { type, code }`), decoding a body by its `webhook_type` and
//! `webhook_code`.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{braced, cfg_for_type, doc_attrs, ident, type_ident};
use crate::ir::{Model, TypeDef, WebhookKey};

/// The file, or `None` when no type names a webhook.
pub fn webhooks(model: &Model) -> Option<TokenStream> {
    let webhooks: Vec<(&WebhookKey, &TypeDef)> = model.webhooks().collect();
    if webhooks.is_empty() {
        return None;
    }
    let names = variant_names(webhooks.iter().map(|(_, def)| def.name.as_str()));
    let mut variants = Vec::new();
    let mut decode_arms = Vec::new();
    let mut type_arms = Vec::new();
    let mut code_arms = Vec::new();
    let mut debug_arms = Vec::new();
    for ((key, def), variant) in webhooks.iter().zip(&names) {
        let variant_ident = ident(variant);
        let ty = type_ident(model, def.id);
        let cfg = cfg_for_type(model, def.id);
        let (kind, code) = (Literal::string(&key.kind), Literal::string(&key.code));
        let docs = doc_attrs(&format!(
            "`{}` `{}`: [`{}`](crate::models::{}).",
            key.kind, key.code, def.name, def.name
        ));
        variants.push(quote! { #docs #cfg #variant_ident(models::#ty), });
        decode_arms.push(quote! {
            #cfg
            (#kind, #code) => Self::#variant_ident(from_slice_at_path(body)?),
        });
        type_arms.push(quote! { #cfg Self::#variant_ident(_) => #kind, });
        code_arms.push(quote! { #cfg Self::#variant_ident(_) => #code, });
        debug_arms.push(quote! {
            #cfg
            Self::#variant_ident(payload) => f.debug_tuple(#variant).field(payload).finish(),
        });
    }
    let count = webhooks.len();
    let module_docs = super::inner_doc_attrs(&format!(
        "Webhook bodies decoded into their payload types.\n\n\
         Each of the {count} webhooks the spec names by its `webhook_type` and `webhook_code` \
         is a variant of [`Webhook`]; [`Webhook::from_slice`] reads the pair, then decodes the \
         body into that webhook's type. A pair the crate does not know (added to the API \
         since, or one whose spec file's cargo feature is off) decodes as \
         [`Webhook::Unknown`], which keeps the JSON.\n\n\
         Decode a body only after verifying its `Plaid-Verification` header: the pair says \
         what the body claims to be, not who sent it."
    ));
    let enum_docs = doc_attrs(
        "A webhook body, as the type of its (`webhook_type`, `webhook_code`) pair.\n\n\
         `Debug` shows a known webhook as its payload type shows it (sensitive fields \
         redacted), and of an unknown one only its pair and the size of its body.",
    );
    let variants = braced(variants.into_iter().chain([quote! {
        /// A pair this crate does not know: the body as JSON, to read by hand.
        Unknown {
            /// The body's `webhook_type`.
            webhook_type: String,
            /// The body's `webhook_code`.
            webhook_code: String,
            /// The whole body.
            body: serde_json::Value,
        },
    }]));
    let decode_arms = braced(decode_arms.into_iter().chain([quote! {
        _ => Self::Unknown {
            body: from_slice_at_path(body)?,
            webhook_type: head.webhook_type,
            webhook_code: head.webhook_code,
        },
    }]));
    let type_arms = braced(type_arms.into_iter().chain([quote! {
        Self::Unknown { webhook_type, .. } => webhook_type,
    }]));
    let code_arms = braced(code_arms.into_iter().chain([quote! {
        Self::Unknown { webhook_code, .. } => webhook_code,
    }]));
    let debug_arms = braced(debug_arms.into_iter().chain([quote! {
        Self::Unknown { webhook_type, webhook_code, body } => f
            .debug_struct("Unknown")
            .field("webhook_type", webhook_type)
            .field("webhook_code", webhook_code)
            .field("body", &UnknownBody(body))
            .finish(),
    }]));
    Some(quote! {
        #module_docs
        #![allow(unused_imports)]

        use serde::Deserialize;
        use ::specgen_runtime::decode::from_slice_at_path;

        use crate::models;

        /// Why a webhook body did not decode: the JSON path where it failed and what failed
        /// there, never the value.
        pub type WebhookDecodeError = ::specgen_runtime::decode::PathDecodeError;

        #enum_docs
        #[derive(Clone, PartialEq)]
        #[non_exhaustive]
        pub enum Webhook #variants

        /// What every webhook body starts with, read before the body is decoded as its type.
        #[derive(Deserialize)]
        struct Head {
            webhook_type: String,
            webhook_code: String,
        }

        impl Webhook {
            /// Decodes a (verified) webhook body: its `webhook_type` and `webhook_code`, then
            /// the whole body as the type of that pair, or as [`Webhook::Unknown`].
            ///
            /// # Errors
            ///
            /// When the body is not JSON, has no string `webhook_type` or `webhook_code`,
            /// or does not match its pair's type; the error names the JSON path, never a
            /// value.
            pub fn from_slice(body: &[u8]) -> Result<Self, WebhookDecodeError> {
                let head: Head = from_slice_at_path(body)?;
                Ok(match (head.webhook_type.as_str(), head.webhook_code.as_str()) #decode_arms)
            }

            /// The body's `webhook_type`: `TRANSACTIONS`, `ITEM`, ...
            pub fn webhook_type(&self) -> &str {
                match self #type_arms
            }

            /// The body's `webhook_code`: `SYNC_UPDATES_AVAILABLE`, `ERROR`, ...
            pub fn webhook_code(&self) -> &str {
                match self #code_arms
            }
        }

        impl std::fmt::Debug for Webhook {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self #debug_arms
            }
        }

        /// An unknown webhook's body in `Debug`: its shape and size, never its content.
        struct UnknownBody<'a>(&'a serde_json::Value);

        impl std::fmt::Debug for UnknownBody<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self.0 {
                    serde_json::Value::Object(map) => write!(f, "<object of {} keys>", map.len()),
                    other => write!(f, "<{}>", ::specgen_runtime::json_kind(other)),
                }
            }
        }
    })
}

/// Each webhook type's variant name: its type name without a `Webhook` suffix, unless that
/// leaves nothing, `Unknown`, or a name another webhook type also makes; then the whole type
/// name (type names are unique). Deterministic: it depends only on the names.
fn variant_names<'a>(types: impl Iterator<Item = &'a str> + Clone) -> Vec<String> {
    let short = |name: &str| name.strip_suffix("Webhook").unwrap_or(name).to_owned();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for name in types.clone() {
        *counts.entry(short(name)).or_default() += 1;
    }
    let mut taken: BTreeSet<String> = BTreeSet::from(["Unknown".to_owned()]);
    types
        .map(|name| {
            let candidate = short(name);
            let unique = !candidate.is_empty()
                && counts.get(&candidate) == Some(&1)
                && candidate != "Unknown"
                && crate::names::is_type_ident(&candidate);
            let mut chosen = if unique { candidate } else { name.to_owned() };
            // Only a type named `Unknown` (or a full name equal to another's short name)
            // can still collide.
            while taken.contains(&chosen) {
                chosen.push_str("Payload");
            }
            taken.insert(chosen.clone());
            chosen
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::variant_names;

    #[test]
    fn variants_drop_the_suffix_unless_that_collides() {
        let names = variant_names(
            [
                "SyncUpdatesAvailableWebhook",
                "Webhook",
                "ItemError",
                "ItemErrorWebhook",
                "Unknown",
                "UnknownWebhook",
            ]
            .into_iter(),
        );
        assert_eq!(
            names,
            [
                "SyncUpdatesAvailable",
                "Webhook",
                "ItemError",
                "ItemErrorWebhook",
                "UnknownPayload",
                "UnknownWebhook",
            ]
        );
    }
}
