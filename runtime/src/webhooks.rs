//! Verification of signed webhooks: a compact JWS (a JWT) signed ES256, whose claims carry the
//! time it was issued (`iat`) and the hex SHA-256 of the request body (`request_body_sha256`),
//! with the signing key named by `kid` and fetched as a JWK from a [`KeySource`].
//!
//! Every check is done, in this order, and each refusal is its own [`VerifyError`] variant:
//! the token's shape, its algorithm (`ES256` only: `none`, `HS256` and every other algorithm
//! are refused before any key is looked at, so a public key can never serve as an HMAC
//! secret), its `kid`, the key (known, usable, not expired), the signature, the claims, the
//! age of `iat` (and that it is not in the future), and the body's hash, compared in constant
//! time. Errors never quote the token, the body or a claim.
//!
//! The JWS decoding and the signature check are the `jsonwebtoken` crate's, on its `aws-lc-rs`
//! backend, which also computes the body's SHA-256; the comparison is `subtle`'s.
//!
//! ```
//! use specgen_runtime::webhooks::{Jwk, KeySource, KeySourceError, Verifier, VerifyError};
//!
//! /// Keys known in advance (a test, or keys pinned in configuration).
//! struct Pinned(Vec<Jwk>);
//!
//! impl KeySource for Pinned {
//!     async fn key(&self, kid: &str) -> Result<Option<Jwk>, KeySourceError> {
//!         Ok(self.0.iter().find(|key| key.kid == kid).cloned())
//!     }
//! }
//!
//! # async fn handle(token: &str, body: &[u8]) {
//! let verifier = Verifier::new(Pinned(Vec::new()));
//! match verifier.verify(token, body).await {
//!     Ok(()) => { /* decode and act on `body` */ }
//!     Err(VerifyError::KeySource(_)) => { /* answer 5xx: the sender will retry */ }
//!     Err(_refused) => { /* answer 401 and drop the body */ }
//! }
//! # }
//! ```

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use subtle::ConstantTimeEq as _;

/// How old a token may be by default: five minutes, as the API's docs advise.
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(5 * 60);

/// How far in the future a token's `iat` may be by default, for clocks that disagree a little.
pub const DEFAULT_MAX_FUTURE: Duration = Duration::from_secs(60);

/// How long a fetched key is used before it is fetched again, by default: long enough to spare
/// the key endpoint, short enough to notice within the hour that the issuer expired a key.
pub const DEFAULT_KEY_REFRESH: Duration = Duration::from_secs(60 * 60);

/// Tokens longer than this are refused unread: a real one is a few hundred bytes.
const MAX_TOKEN_LEN: usize = 8 * 1024;

/// A public key as a JWK (RFC 7517), as the issuer's key endpoint hands it out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Jwk {
    /// The key's id, which tokens name in their `kid` header.
    pub kid: String,
    /// The key type: `EC` is the only one accepted.
    pub kty: String,
    /// The curve: `P-256` is the only one accepted.
    pub crv: String,
    /// The algorithm the key is for; empty when the JWK does not say, else `ES256`.
    pub alg: String,
    /// The point's x coordinate, base64url without padding.
    pub x: String,
    /// The point's y coordinate, base64url without padding.
    pub y: String,
    /// When the issuer retired the key, in Unix seconds; tokens it signed are refused from
    /// then on.
    pub expired_at: Option<i64>,
}

/// What a key source's failure carries: its own error, which [`VerifyError::KeySource`] keeps.
pub type KeySourceError = Box<dyn std::error::Error + Send + Sync>;

/// Where the verifier gets the key a token names: the API's key endpoint through its client,
/// or keys supplied directly (tests, pinned keys).
pub trait KeySource: Send + Sync {
    /// The key with id `kid`; `Ok(None)` when the source does not know it, `Err` when it could
    /// not be asked (the verifier then refuses with [`VerifyError::KeySource`]).
    fn key(&self, kid: &str) -> impl Future<Output = Result<Option<Jwk>, KeySourceError>> + Send;
}

/// Why a token was refused. No variant quotes the token, the body or a claim.
#[derive(Debug)]
#[non_exhaustive]
pub enum VerifyError {
    /// The token is not a compact JWS with a JSON header, or is too long.
    Malformed,
    /// The header's `alg` is not `ES256` (`none`, `HS256`, any other, or missing).
    Algorithm,
    /// The header has no `kid`.
    MissingKeyId,
    /// The key source does not know the `kid`.
    UnknownKey,
    /// The key source could not be asked; the token may be fine, so a retry may succeed.
    KeySource(KeySourceError),
    /// The key is not an ES256 key on P-256 with valid coordinates.
    UnusableKey,
    /// The key's `expired_at` has passed.
    KeyExpired,
    /// The signature does not verify with the key.
    Signature,
    /// The claims lack `iat` or `request_body_sha256`, or have the wrong types.
    Claims,
    /// `iat` is older than the allowed age.
    Stale,
    /// `iat` is further in the future than the allowed clock skew.
    IssuedInFuture,
    /// The body's SHA-256 is not the one the token signs: the body was changed, or the token
    /// was taken from another webhook.
    BodyMismatch,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            VerifyError::Malformed => "the webhook's signature is not a well-formed JWS",
            VerifyError::Algorithm => "the webhook's signature uses an algorithm other than ES256",
            VerifyError::MissingKeyId => "the webhook's signature names no key id (kid)",
            VerifyError::UnknownKey => "the webhook's signing key id is unknown",
            VerifyError::KeySource(_) => "the webhook's signing key could not be fetched",
            VerifyError::UnusableKey => "the webhook's signing key is not a P-256 ES256 key",
            VerifyError::KeyExpired => "the webhook's signing key has expired",
            VerifyError::Signature => "the webhook's signature does not verify",
            VerifyError::Claims => "the webhook's signature lacks iat or request_body_sha256",
            VerifyError::Stale => "the webhook's signature is too old",
            VerifyError::IssuedInFuture => "the webhook's signature is issued in the future",
            VerifyError::BodyMismatch => "the webhook's body is not the one its signature signs",
        })
    }
}

impl std::error::Error for VerifyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            VerifyError::KeySource(error) => Some(error.as_ref()),
            _ => None,
        }
    }
}

/// The current time in Unix seconds; replaceable for tests through [`Verifier::clock`].
type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

struct Cached {
    key: Jwk,
    fetched_at: i64,
}

/// Verifies webhook signatures with keys from `S`, caching each key by `kid`.
pub struct Verifier<S> {
    source: S,
    cache: Mutex<HashMap<String, Cached>>,
    max_age: Duration,
    max_future: Duration,
    key_refresh: Duration,
    clock: Clock,
}

impl<S> fmt::Debug for Verifier<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("max_age", &self.max_age)
            .field("max_future", &self.max_future)
            .field("key_refresh", &self.key_refresh)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct RawHeader {
    alg: Option<String>,
    kid: Option<String>,
}

#[derive(Deserialize)]
struct Claims {
    iat: i64,
    request_body_sha256: String,
}

fn system_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn seconds(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}

impl<S: KeySource> Verifier<S> {
    /// A verifier with the defaults: [`DEFAULT_MAX_AGE`], [`DEFAULT_MAX_FUTURE`],
    /// [`DEFAULT_KEY_REFRESH`] and the system clock.
    pub fn new(source: S) -> Self {
        Verifier {
            source,
            cache: Mutex::new(HashMap::new()),
            max_age: DEFAULT_MAX_AGE,
            max_future: DEFAULT_MAX_FUTURE,
            key_refresh: DEFAULT_KEY_REFRESH,
            clock: Arc::new(system_now),
        }
    }

    /// How old a token's `iat` may be.
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// How far in the future a token's `iat` may be.
    pub fn max_future(mut self, max_future: Duration) -> Self {
        self.max_future = max_future;
        self
    }

    /// How long a cached key is used before it is fetched again.
    pub fn key_refresh(mut self, key_refresh: Duration) -> Self {
        self.key_refresh = key_refresh;
        self
    }

    /// The clock, in Unix seconds (the system's by default).
    pub fn clock(mut self, now: impl Fn() -> i64 + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(now);
        self
    }

    /// The key source.
    pub fn source(&self) -> &S {
        &self.source
    }

    /// Verifies `token` (the signature header's value) against the raw request `body`, the
    /// bytes as received, before any parsing.
    pub async fn verify(&self, token: &str, body: &[u8]) -> Result<(), VerifyError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(VerifyError::Malformed);
        }
        let header = raw_header(token)?;
        // Decided on the header alone, before any key is fetched: a token that names another
        // algorithm costs no key lookup, and never reaches a verifier that could treat the
        // public key as an HMAC secret.
        if header.alg.as_deref() != Some("ES256") {
            return Err(VerifyError::Algorithm);
        }
        let kid = match header.kid {
            Some(kid) if !kid.is_empty() => kid,
            _ => return Err(VerifyError::MissingKeyId),
        };
        let now = (self.clock)();
        let key = self.key(&kid, now).await?;
        if key.expired_at.is_some_and(|at| at <= now) {
            return Err(VerifyError::KeyExpired);
        }
        let claims = decode(token, &key)?;
        if claims.iat < now.saturating_sub(seconds(self.max_age)) {
            return Err(VerifyError::Stale);
        }
        if claims.iat > now.saturating_add(seconds(self.max_future)) {
            return Err(VerifyError::IssuedInFuture);
        }
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, body);
        let expected = hex(digest.as_ref());
        let given = claims.request_body_sha256.to_ascii_lowercase();
        if bool::from(expected.as_bytes().ct_eq(given.as_bytes())) {
            Ok(())
        } else {
            Err(VerifyError::BodyMismatch)
        }
    }

    /// The key `kid`, from the cache while it is fresh, else from the source.
    async fn key(&self, kid: &str, now: i64) -> Result<Jwk, VerifyError> {
        let cached = {
            let cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
            cache
                .get(kid)
                .map(|entry| (entry.key.clone(), entry.fetched_at))
        };
        if let Some((key, fetched_at)) = &cached
            && now.saturating_sub(*fetched_at) < seconds(self.key_refresh)
        {
            return Ok(key.clone());
        }
        match self.source.key(kid).await {
            // A source that answers with another key than the one asked for is not trusted
            // with this kid.
            Ok(Some(key)) if key.kid == kid => {
                let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
                cache.insert(
                    kid.to_owned(),
                    Cached {
                        key: key.clone(),
                        fetched_at: now,
                    },
                );
                Ok(key)
            }
            Ok(_) => {
                let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
                cache.remove(kid);
                Err(VerifyError::UnknownKey)
            }
            // A refresh that fails keeps the key the source vouched for before (its expiry is
            // still honoured): the key endpoint being down should not refuse every webhook.
            Err(error) => match cached {
                Some((key, _)) => Ok(key),
                None => Err(VerifyError::KeySource(error)),
            },
        }
    }
}

/// The header of a compact JWS, read without checking anything else, to tell the algorithm
/// and key id apart from a malformed token.
fn raw_header(token: &str) -> Result<RawHeader, VerifyError> {
    let mut parts = token.split('.');
    let (Some(header), Some(_), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(VerifyError::Malformed);
    };
    let json = URL_SAFE_NO_PAD
        .decode(header)
        .map_err(|_| VerifyError::Malformed)?;
    serde_json::from_slice(&json).map_err(|_| VerifyError::Malformed)
}

/// The signature check and the claims, by `jsonwebtoken`.
fn decode(token: &str, key: &Jwk) -> Result<Claims, VerifyError> {
    if key.kty != "EC" || key.crv != "P-256" || !(key.alg.is_empty() || key.alg == "ES256") {
        return Err(VerifyError::UnusableKey);
    }
    let decoding_key =
        DecodingKey::from_ec_components(&key.x, &key.y).map_err(|_| VerifyError::UnusableKey)?;
    let mut validation = Validation::new(Algorithm::ES256);
    // `iat` is checked here, with the verifier's clock and window; the tokens have no `exp`,
    // `aud` or `iss`.
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    ensure_crypto_provider();
    match jsonwebtoken::decode::<Claims>(token, &decoding_key, &validation) {
        Ok(data) => Ok(data.claims),
        Err(error) => Err(match error.kind() {
            ErrorKind::InvalidSignature => VerifyError::Signature,
            ErrorKind::InvalidEcdsaKey | ErrorKind::InvalidKeyFormat => VerifyError::UnusableKey,
            ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => VerifyError::Algorithm,
            // The header was read above; what JSON is left to fail is the claims'.
            ErrorKind::Json(_) | ErrorKind::MissingRequiredClaim(_) => VerifyError::Claims,
            _ => VerifyError::Malformed,
        }),
    }
}

/// `jsonwebtoken` panics when it cannot tell which crypto backend to use, which happens when
/// another crate in the build turns on its `rust_crypto` feature too; aws-lc-rs, the backend
/// this crate asks for, is then installed (unless the application installed one itself).
fn ensure_crypto_provider() {
    use jsonwebtoken::crypto::CryptoProvider;
    if CryptoProvider::try_get_default().is_none() {
        // Losing the race to another thread's install is fine: a provider is then installed.
        let _ = CryptoProvider::install_default(&jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER);
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};
    use jsonwebtoken::{EncodingKey, Header};
    use serde_json::json;

    use super::*;

    const NOW: i64 = 1_700_000_000;
    const BODY: &[u8] =
        br#"{"webhook_type":"TRANSACTIONS","webhook_code":"SYNC_UPDATES_AVAILABLE"}"#;

    /// A P-256 key pair made for the test, as its PKCS#8 document and its JWK.
    struct TestKey {
        pkcs8: Vec<u8>,
        jwk: Jwk,
        public: Vec<u8>,
    }

    impl TestKey {
        fn new(kid: &str) -> TestKey {
            let rng = SystemRandom::new();
            let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
                .expect("a P-256 key")
                .as_ref()
                .to_vec();
            let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8)
                .expect("the key just made");
            // An uncompressed point: 0x04, x, y.
            let public = pair.public_key().as_ref().to_vec();
            let jwk = Jwk {
                kid: kid.to_owned(),
                kty: "EC".to_owned(),
                crv: "P-256".to_owned(),
                alg: "ES256".to_owned(),
                x: URL_SAFE_NO_PAD.encode(&public[1..33]),
                y: URL_SAFE_NO_PAD.encode(&public[33..65]),
                expired_at: None,
            };
            TestKey { pkcs8, jwk, public }
        }

        /// A token signed ES256 by this key, naming `kid`.
        fn sign(&self, kid: &str, iat: i64, body: &[u8]) -> String {
            let mut header = Header::new(Algorithm::ES256);
            header.kid = Some(kid.to_owned());
            jsonwebtoken::encode(
                &header,
                &claims(iat, body),
                &EncodingKey::from_ec_der(&self.pkcs8),
            )
            .expect("signing")
        }
    }

    fn claims(iat: i64, body: &[u8]) -> serde_json::Value {
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, body);
        json!({ "iat": iat, "request_body_sha256": hex(digest.as_ref()) })
    }

    fn unsigned(header: serde_json::Value, claims: &serde_json::Value) -> String {
        let part = |value: &serde_json::Value| URL_SAFE_NO_PAD.encode(value.to_string());
        format!("{}.{}.", part(&header), part(claims))
    }

    /// Keys by kid, counting the lookups.
    #[derive(Default)]
    struct Keys {
        keys: Vec<Jwk>,
        lookups: AtomicUsize,
        down: bool,
    }

    impl KeySource for Keys {
        async fn key(&self, kid: &str) -> Result<Option<Jwk>, KeySourceError> {
            self.lookups.fetch_add(1, Ordering::SeqCst);
            if self.down {
                return Err("the key endpoint is down".into());
            }
            Ok(self.keys.iter().find(|key| key.kid == kid).cloned())
        }
    }

    fn verifier(keys: Vec<Jwk>) -> Verifier<Keys> {
        Verifier::new(Keys {
            keys,
            ..Keys::default()
        })
        .clock(|| NOW)
    }

    #[tokio::test]
    async fn a_token_signed_over_the_body_is_accepted_and_its_key_cached() {
        let key = TestKey::new("k1");
        let verifier = verifier(vec![key.jwk.clone()]);
        let token = key.sign("k1", NOW - 10, BODY);
        verifier.verify(&token, BODY).await.expect("a valid token");
        verifier.verify(&token, BODY).await.expect("again");
        assert_eq!(verifier.source().lookups.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn each_forgery_is_refused_with_its_own_error() {
        let key = TestKey::new("k1");
        let other = TestKey::new("k2");
        let verifier = verifier(vec![key.jwk.clone(), other.jwk.clone()]);
        let good = key.sign("k1", NOW, BODY);
        let refused = |result: Result<(), VerifyError>| result.expect_err("refused");

        let tampered = BODY.replace_last(b"SYNC", b"SYNd");
        let error = refused(verifier.verify(&good, &tampered).await);
        assert!(matches!(error, VerifyError::BodyMismatch), "{error:?}");

        let replayed = key.sign("k1", NOW, br#"{"webhook_code":"OTHER"}"#);
        let error = refused(verifier.verify(&replayed, BODY).await);
        assert!(matches!(error, VerifyError::BodyMismatch), "{error:?}");

        // Signed by k2, claiming to be k1's.
        let wrong_key = other.sign("k1", NOW, BODY);
        let error = refused(verifier.verify(&wrong_key, BODY).await);
        assert!(matches!(error, VerifyError::Signature), "{error:?}");

        let unknown = key.sign("k9", NOW, BODY);
        let error = refused(verifier.verify(&unknown, BODY).await);
        assert!(matches!(error, VerifyError::UnknownKey), "{error:?}");

        let stale = key.sign("k1", NOW - 301, BODY);
        let error = refused(verifier.verify(&stale, BODY).await);
        assert!(matches!(error, VerifyError::Stale), "{error:?}");
        verifier
            .verify(&key.sign("k1", NOW - 300, BODY), BODY)
            .await
            .expect("exactly five minutes old");

        let future = key.sign("k1", NOW + 61, BODY);
        let error = refused(verifier.verify(&future, BODY).await);
        assert!(matches!(error, VerifyError::IssuedInFuture), "{error:?}");

        let none = unsigned(json!({"alg": "none", "kid": "k1"}), &claims(NOW, BODY));
        let error = refused(verifier.verify(&none, BODY).await);
        assert!(matches!(error, VerifyError::Algorithm), "{error:?}");

        // The public key's bytes as an HMAC secret: the classic key-confusion forgery.
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some("k1".to_owned());
        let hs256 = jsonwebtoken::encode(
            &header,
            &claims(NOW, BODY),
            &EncodingKey::from_secret(&key.public).expect("an HMAC key"),
        )
        .expect("an HS256 token");
        let error = refused(verifier.verify(&hs256, BODY).await);
        assert!(matches!(error, VerifyError::Algorithm), "{error:?}");
        let hs256_x = jsonwebtoken::encode(
            &header,
            &claims(NOW, BODY),
            &EncodingKey::from_secret(key.jwk.x.as_bytes()).expect("an HMAC key"),
        )
        .expect("an HS256 token");
        let error = refused(verifier.verify(&hs256_x, BODY).await);
        assert!(matches!(error, VerifyError::Algorithm), "{error:?}");

        let mut header = Header::new(Algorithm::ES256);
        header.kid = None;
        let no_kid = jsonwebtoken::encode(
            &header,
            &claims(NOW, BODY),
            &EncodingKey::from_ec_der(&key.pkcs8),
        )
        .expect("a token without kid");
        let error = refused(verifier.verify(&no_kid, BODY).await);
        assert!(matches!(error, VerifyError::MissingKeyId), "{error:?}");

        for malformed in [
            "",
            "a.b",
            "a.b.c.d",
            "!!!.e30.",
            &"a".repeat(MAX_TOKEN_LEN + 1),
        ] {
            let error = refused(verifier.verify(malformed, BODY).await);
            assert!(matches!(error, VerifyError::Malformed), "{error:?}");
        }

        // k1 was fetched once and then cached, k9 asked for once; the other refusals were
        // decided before any key lookup.
        assert_eq!(verifier.source().lookups.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn claims_without_the_body_hash_are_refused() {
        let key = TestKey::new("k1");
        let verifier = verifier(vec![key.jwk.clone()]);
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some("k1".to_owned());
        let token = jsonwebtoken::encode(
            &header,
            &json!({ "iat": NOW }),
            &EncodingKey::from_ec_der(&key.pkcs8),
        )
        .expect("signing");
        let error = verifier.verify(&token, BODY).await.expect_err("refused");
        assert!(matches!(error, VerifyError::Claims), "{error:?}");
    }

    #[tokio::test]
    async fn expired_and_unusable_keys_are_refused() {
        let key = TestKey::new("k1");
        let mut expired = key.jwk.clone();
        expired.expired_at = Some(NOW - 1);
        let verifier = verifier(vec![expired]);
        let error = verifier
            .verify(&key.sign("k1", NOW, BODY), BODY)
            .await
            .expect_err("refused");
        assert!(matches!(error, VerifyError::KeyExpired), "{error:?}");

        // Expiring later: still good until then.
        let mut expiring = key.jwk.clone();
        expiring.expired_at = Some(NOW + 60);
        verifier_with(expiring)
            .verify(&key.sign("k1", NOW, BODY), BODY)
            .await
            .expect("a key that expires later");

        let mut rsa = key.jwk.clone();
        rsa.kty = "RSA".to_owned();
        let mut p384 = key.jwk.clone();
        p384.crv = "P-384".to_owned();
        let mut garbled = key.jwk.clone();
        garbled.x = "not base64!".to_owned();
        for jwk in [rsa, p384, garbled] {
            let error = verifier_with(jwk)
                .verify(&key.sign("k1", NOW, BODY), BODY)
                .await
                .expect_err("refused");
            assert!(matches!(error, VerifyError::UnusableKey), "{error:?}");
        }
    }

    fn verifier_with(jwk: Jwk) -> Verifier<Keys> {
        verifier(vec![jwk])
    }

    #[tokio::test]
    async fn keys_are_fetched_again_after_the_refresh_and_kept_when_it_fails() {
        let key = TestKey::new("k1");
        let clock = Arc::new(std::sync::atomic::AtomicI64::new(NOW));
        let now = Arc::clone(&clock);
        let verifier = Verifier::new(Keys {
            keys: vec![key.jwk.clone()],
            ..Keys::default()
        })
        .key_refresh(Duration::from_secs(60))
        .clock(move || now.load(Ordering::SeqCst));
        verifier
            .verify(&key.sign("k1", NOW, BODY), BODY)
            .await
            .expect("valid");
        clock.store(NOW + 61, Ordering::SeqCst);
        verifier
            .verify(&key.sign("k1", NOW + 61, BODY), BODY)
            .await
            .expect("valid");
        assert_eq!(verifier.source().lookups.load(Ordering::SeqCst), 2);

        let down = Verifier::new(Keys {
            keys: vec![key.jwk.clone()],
            down: true,
            ..Keys::default()
        })
        .clock(|| NOW);
        let error = down
            .verify(&key.sign("k1", NOW, BODY), BODY)
            .await
            .expect_err("no key");
        assert!(matches!(error, VerifyError::KeySource(_)), "{error:?}");
    }

    #[test]
    fn messages_never_quote_the_token() {
        for error in [
            VerifyError::Malformed,
            VerifyError::Algorithm,
            VerifyError::BodyMismatch,
            VerifyError::KeySource("down".into()),
        ] {
            let text = error.to_string();
            assert!(text.starts_with("the webhook's"), "{text}");
        }
    }

    trait ReplaceLast {
        fn replace_last(&self, from: &[u8], to: &[u8]) -> Vec<u8>;
    }

    impl ReplaceLast for [u8] {
        fn replace_last(&self, from: &[u8], to: &[u8]) -> Vec<u8> {
            let at = self
                .windows(from.len())
                .rposition(|w| w == from)
                .expect("the pattern");
            [&self[..at], to, &self[at + from.len()..]].concat()
        }
    }
}
