//! Verification of signed webhooks (feature `webhooks`).
//!
//! Plaid signs every webhook: its `Plaid-Verification` header is a JWT signed ES256 whose
//! `kid` names the key, and whose claims carry `iat` and the SHA-256 of the body. A
//! [`WebhookVerifier`] checks all of it against the raw body (see [`Verifier::verify`]),
//! fetching each key once through `/webhook_verification_key/get` and caching it by `kid`.
//! The checks are [`specgen_runtime::webhooks`]'s; this module adds the key lookup through
//! the client.
//!
//! Without the `client` feature, implement [`KeySource`] yourself (from keys you fetched or
//! pinned) and build a [`Verifier`] on it.

pub use ::specgen_runtime::webhooks::{
    DEFAULT_KEY_REFRESH, DEFAULT_MAX_AGE, DEFAULT_MAX_FUTURE, Jwk, KeySource, KeySourceError,
    Verifier, VerifyError,
};

/// The header that carries a webhook's signature (compare it case-insensitively).
pub const SIGNATURE_HEADER: &str = "Plaid-Verification";

impl From<crate::models::JWKPublicKey> for Jwk {
    fn from(key: crate::models::JWKPublicKey) -> Jwk {
        Jwk {
            kid: key.kid,
            kty: key.kty,
            crv: key.crv,
            alg: key.alg,
            x: key.x,
            y: key.y,
            expired_at: key.expired_at,
        }
    }
}

/// Keys fetched through the client's `webhook_verification_key_get`.
#[cfg(feature = "client")]
#[derive(Clone, Debug)]
pub struct ClientKeys<C = crate::http::Client> {
    client: C,
}

#[cfg(feature = "client")]
impl<C> ClientKeys<C> {
    /// Keys fetched with `client` (whose credentials the key endpoint requires).
    pub fn new(client: C) -> Self {
        ClientKeys { client }
    }

    /// The client.
    pub fn client(&self) -> &C {
        &self.client
    }
}

#[cfg(feature = "client")]
impl<C: crate::client::PlaidApi + Send + Sync> KeySource for ClientKeys<C> {
    async fn key(&self, kid: &str) -> Result<Option<Jwk>, KeySourceError> {
        let request = crate::models::WebhookVerificationKeyGetRequest {
            key_id: kid.to_owned(),
            ..Default::default()
        };
        match self.client.webhook_verification_key_get(&request).await {
            Ok(response) => Ok(Some(response.key.into())),
            // The API refuses a `key_id` it never issued: the token names an unknown key,
            // which is the sender's fault, not a failure to reach the API.
            Err(error) if matches!(error.status(), Some(400 | 404)) => Ok(None),
            Err(error) => Err(Box::new(error)),
        }
    }
}

/// A verifier that fetches keys through the client: `WebhookVerifier::new(ClientKeys::new(client))`,
/// or [`webhook_verifier`].
#[cfg(feature = "client")]
pub type WebhookVerifier<C = crate::http::Client> = Verifier<ClientKeys<C>>;

/// A verifier with the defaults (a five-minute window for `iat`), fetching keys with `client`.
/// Keep one for the life of the application: its key cache is what spares the key endpoint.
#[cfg(feature = "client")]
pub fn webhook_verifier<C: crate::client::PlaidApi + Send + Sync>(client: C) -> WebhookVerifier<C> {
    Verifier::new(ClientKeys::new(client))
}
