//! Webhooks, signed as Plaid signs them: the sandbox's signing key, the payloads it fires, and
//! their delivery.
//!
//! The key is an ECDSA P-256 key (ES256) with a `kid`. With `--seed` its private scalar is
//! derived from the seed's keyed hash (see `ids`), so the key and its `kid` are reproducible;
//! without it the key comes from the operating system's random source (aws-lc-rs). Each webhook
//! carries a `Plaid-Verification` header: a JWT (`{alg: ES256, kid, typ: JWT}`) whose claims are
//! `iat` (the real time of sending, even with a seed: receivers check it against their clock)
//! and `request_body_sha256`, the hex SHA-256 of the exact bytes sent.
//!
//! Delivery never holds up an API answer: a webhook is put on a bounded queue
//! (`Limits::max_pending_webhooks`; when it is full, `/sandbox/item/fire_webhook` answers
//! `SANDBOX_STATE_FULL` and any other webhook is dropped with a warning) that a background task
//! drains, `MAX_IN_FLIGHT` deliveries at a time. Each attempt has a timeout,
//! redirects are not followed, at most `MAX_RESPONSE_BYTES` of the receiver's answer are read,
//! and a failed attempt (no answer, a timeout, a 5xx) is retried `ATTEMPTS - 1` times with a
//! doubling backoff. Only `http` and `https` URLs are delivered to.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lc_rs::agreement::{ECDH_P256, PrivateKey};
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use plaid_api::Nullable;
use plaid_api::models::{
    JWKPublicKey, PlaidError, PlaidErrorType, Products, SandboxItemFireWebhookRequestWebhookCode,
};
use plaid_api::server_support::ServerError;
use serde_json::{Value, json};
use tokio::sync::{Semaphore, mpsc};

use crate::ids::Ids;

/// The header carrying a webhook's signature.
pub const SIGNATURE_HEADER: &str = "Plaid-Verification";
/// The most webhooks `--max-pending-webhooks` may let wait.
pub const MAX_QUEUE_CAPACITY: usize = 1 << 20;
/// Deliveries under way at once (each one's retries included).
pub const MAX_IN_FLIGHT: usize = 16;
/// Attempts per webhook: the first and two retries.
pub const ATTEMPTS: u32 = 3;
/// The wait before the first retry; doubled before each next one.
pub const FIRST_BACKOFF: Duration = Duration::from_millis(500);
/// One attempt, from connecting to the end of the capped read of the answer.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// What is read of a receiver's answer before the connection is dropped.
pub const MAX_RESPONSE_BYTES: usize = 64 << 10;

/// The key webhooks are signed with, and its public half as `/webhook_verification_key/get`
/// answers it.
pub struct SigningKey {
    encoding: EncodingKey,
    jwk: JWKPublicKey,
}

impl SigningKey {
    pub fn new(ids: &Ids, seeded: bool) -> Result<Self, String> {
        let failed = |_| "cannot make the webhook signing key".to_owned();
        let pair = if seeded {
            seeded_pair(ids)?
        } else {
            EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).map_err(failed)?
        };
        let pkcs8 = pair.to_pkcs8v1().map_err(failed)?;
        // An uncompressed point: 0x04, then x and y, 32 bytes each.
        let public = pair.public_key().as_ref();
        if public.len() != 65 {
            return Err("the webhook signing key's public point is not uncompressed".into());
        }
        let created_at = if seeded { ids.epoch() } else { unix_now() };
        Ok(Self {
            encoding: EncodingKey::from_ec_der(pkcs8.as_ref()),
            jwk: JWKPublicKey {
                alg: "ES256".into(),
                crv: "P-256".into(),
                kid: ids.signing_key_id(),
                kty: "EC".into(),
                use_: "sig".into(),
                x: URL_SAFE_NO_PAD.encode(&public[1..33]),
                y: URL_SAFE_NO_PAD.encode(&public[33..65]),
                created_at,
                expired_at: None,
            },
        })
    }

    pub fn jwk(&self) -> &JWKPublicKey {
        &self.jwk
    }

    /// The `Plaid-Verification` header for `body`.
    fn sign(&self, body: &[u8]) -> Result<String, jsonwebtoken::errors::Error> {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.jwk.kid.clone());
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, body);
        let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        let claims = serde_json::json!({ "iat": unix_now(), "request_body_sha256": hex });
        jsonwebtoken::encode(&header, &claims, &self.encoding)
    }
}

/// A key pair whose private scalar is the seed's keyed hash: the first candidate that is a
/// valid scalar (below the curve's order, not zero), which is all but certainly the first.
fn seeded_pair(ids: &Ids) -> Result<EcdsaKeyPair, String> {
    for attempt in 0..16 {
        let scalar = ids.signing_scalar(attempt);
        let Ok(private) = PrivateKey::from_private_key(&ECDH_P256, &scalar) else {
            continue;
        };
        let public = private
            .compute_public_key()
            .map_err(|_| "cannot compute the webhook signing key's public point".to_owned())?;
        return EcdsaKeyPair::from_private_key_and_public_key(
            &ECDSA_P256_SHA256_FIXED_SIGNING,
            &scalar,
            public.as_ref(),
        )
        .map_err(|_| "cannot make the webhook signing key from the seed".to_owned());
    }
    Err("no valid webhook signing key derives from the seed".into())
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// One webhook to deliver.
struct Delivery {
    url: reqwest::Url,
    body: Vec<u8>,
    /// `webhook_type` and `webhook_code`, for the log line.
    kind: (String, String),
}

/// The queue of webhooks and what delivers them.
pub struct Deliveries {
    key: Arc<SigningKey>,
    queue: mpsc::Sender<Delivery>,
    /// Taken by the first webhook sent, which starts the task draining the queue: the sandbox
    /// may be built outside a Tokio runtime, its handlers never are.
    pending_worker: Mutex<Option<mpsc::Receiver<Delivery>>>,
    log: bool,
}

/// Why a webhook URL is not delivered to.
pub enum Refused {
    /// Not an absolute URL, or of a scheme other than http(s).
    Scheme,
}

/// Whether the sandbox delivers to `url`: an absolute `http` or `https` URL.
pub fn deliverable(url: &str) -> Result<reqwest::Url, Refused> {
    match reqwest::Url::parse(url) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => Ok(url),
        _ => Err(Refused::Scheme),
    }
}

impl Deliveries {
    /// `capacity`: the webhooks that may wait for delivery, taken between 1 and
    /// `MAX_QUEUE_CAPACITY` (Tokio's channel cannot be made much larger, and would panic).
    pub fn new(key: SigningKey, log: bool, capacity: usize) -> Self {
        let (queue, receiver) = mpsc::channel(capacity.clamp(1, MAX_QUEUE_CAPACITY));
        Self {
            key: Arc::new(key),
            queue,
            pending_worker: Mutex::new(Some(receiver)),
            log,
        }
    }

    pub fn key(&self) -> &SigningKey {
        &self.key
    }

    /// Queues `payload` for `url`; never waits. A URL the sandbox does not deliver to, or no
    /// Tokio runtime to deliver on, drops the webhook with a log line; a full queue is the
    /// caller's to answer (`QueueFull`), and is logged too.
    pub fn send(&self, url: &str, payload: &serde_json::Value) -> Result<(), QueueFull> {
        let kind = (
            payload["webhook_type"].as_str().unwrap_or("").to_owned(),
            payload["webhook_code"].as_str().unwrap_or("").to_owned(),
        );
        let Ok(url) = deliverable(url) else {
            tracing::warn!(
                webhook_type = kind.0,
                webhook_code = kind.1,
                "webhook not delivered: the Item's webhook URL is not an http(s) URL"
            );
            return Ok(());
        };
        let Ok(body) = serde_json::to_vec(payload) else {
            return Ok(());
        };
        if !self.start_worker() {
            tracing::warn!("webhook not delivered: no Tokio runtime to deliver it on");
            return Ok(());
        }
        match self.queue.try_send(Delivery { url, body, kind }) {
            Err(mpsc::error::TrySendError::Full(delivery)) => {
                tracing::warn!(
                    webhook_type = delivery.kind.0,
                    webhook_code = delivery.kind.1,
                    capacity = self.queue.max_capacity(),
                    "webhook dropped: the delivery queue is full (--max-pending-webhooks)"
                );
                Err(QueueFull)
            }
            // Closed only once the worker is gone, with the runtime it ran on.
            Err(mpsc::error::TrySendError::Closed(_)) | Ok(()) => Ok(()),
        }
    }

    /// `send` for a webhook that follows from a call which has already succeeded: a full
    /// queue drops it, and `send` has logged that.
    pub fn notify(&self, url: &str, payload: &serde_json::Value) {
        let _ = self.send(url, payload);
    }

    /// Starts the delivery task if it is not running; false when there is no runtime.
    fn start_worker(&self) -> bool {
        let mut pending = self
            .pending_worker
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if pending.is_none() {
            return true;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return false;
        };
        let client = match reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(ATTEMPT_TIMEOUT)
            .build()
        {
            Ok(client) => client,
            Err(_) => return false,
        };
        let Some(receiver) = pending.take() else {
            return true;
        };
        runtime.spawn(drain(receiver, client, Arc::clone(&self.key), self.log));
        true
    }
}

/// The delivery queue held `--max-pending-webhooks` webhooks: the new one was dropped.
#[derive(Debug)]
pub struct QueueFull;

/// Delivers queued webhooks, `MAX_IN_FLIGHT` at a time, until the sandbox is dropped.
async fn drain(
    mut receiver: mpsc::Receiver<Delivery>,
    client: reqwest::Client,
    key: Arc<SigningKey>,
    log: bool,
) {
    let slots = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
    while let Some(delivery) = receiver.recv().await {
        let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
            return;
        };
        let client = client.clone();
        let key = Arc::clone(&key);
        tokio::spawn(async move {
            deliver(&client, &key, delivery, log).await;
            drop(slot);
        });
    }
}

/// What one attempt came to.
enum Outcome {
    Answered(u16),
    Failed(&'static str),
}

async fn deliver(client: &reqwest::Client, key: &SigningKey, delivery: Delivery, log: bool) {
    // Only the host is logged: a URL's path or query may carry a receiver's secret.
    let host = delivery.url.host_str().unwrap_or("").to_owned();
    let mut backoff = FIRST_BACKOFF;
    for attempt in 1..=ATTEMPTS {
        let outcome = match key.sign(&delivery.body) {
            Ok(token) => attempt_once(client, &delivery, &token).await,
            Err(_) => Outcome::Failed("signing failed"),
        };
        let retry = attempt < ATTEMPTS
            && match outcome {
                Outcome::Answered(status) => status >= 500,
                Outcome::Failed(_) => true,
            };
        if log {
            let (status, error) = match outcome {
                Outcome::Answered(status) => (status, ""),
                Outcome::Failed(error) => (0, error),
            };
            tracing::info!(
                webhook_type = delivery.kind.0,
                webhook_code = delivery.kind.1,
                host,
                attempt,
                status,
                error,
                retry,
                "webhook"
            );
        }
        if !retry {
            return;
        }
        tokio::time::sleep(backoff).await;
        backoff *= 2;
    }
}

async fn attempt_once(client: &reqwest::Client, delivery: &Delivery, token: &str) -> Outcome {
    let sent = client
        .post(delivery.url.clone())
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, token)
        .body(delivery.body.clone())
        .send()
        .await;
    let mut response = match sent {
        Ok(response) => response,
        Err(error) if error.is_timeout() => return Outcome::Failed("timeout"),
        Err(_) => return Outcome::Failed("no answer"),
    };
    let status = response.status().as_u16();
    // Read (and discard) at most MAX_RESPONSE_BYTES: a receiver answering without end costs
    // nothing more; the connection is dropped with the rest unread.
    let mut read = 0;
    while read < MAX_RESPONSE_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => read += chunk.len(),
            Ok(None) | Err(_) => break,
        }
    }
    Outcome::Answered(status)
}

/// What a payload needs of its Item.
pub struct ItemFacts<'a> {
    pub item_id: String,
    pub account_ids: Vec<String>,
    /// The first depository account's id (the standard user's checking).
    pub depository_account_id: String,
    pub products: &'a [Products],
}

fn payload(webhook_type: &str, webhook_code: &str, item_id: Option<&str>) -> Value {
    let mut payload = json!({
        "webhook_type": webhook_type,
        "webhook_code": webhook_code,
        "environment": "sandbox",
    });
    if let Some(item_id) = item_id {
        payload["item_id"] = json!(item_id);
    }
    payload
}

/// ITEM `WEBHOOK_UPDATE_ACKNOWLEDGED`, fired to the new URL by `/item/webhook/update`.
pub fn webhook_update_acknowledged(item_id: &str, new_url: &str) -> Value {
    let mut payload = payload("ITEM", "WEBHOOK_UPDATE_ACKNOWLEDGED", Some(item_id));
    payload["new_webhook_url"] = json!(new_url);
    payload["error"] = Value::Null;
    payload
}

/// ITEM `ERROR` carrying `error`: the `ITEM_LOGIN_REQUIRED` webhook of `/sandbox/item/reset_login`.
pub fn item_error(item_id: &str, error: &PlaidError) -> Value {
    let mut payload = payload("ITEM", "ERROR", Some(item_id));
    payload["error"] = serde_json::to_value(error).unwrap_or(Value::Null);
    payload
}

/// TRANSACTIONS `INITIAL_UPDATE` (the last 30 days fetched) or `HISTORICAL_UPDATE` (the
/// whole history), each counting `new_transactions`: the two webhooks Plaid fires once an Item
/// with transactions is created. (`SYNC_UPDATES_AVAILABLE` is not fired then: the docs fire it
/// only for an Item on which `/transactions/sync` has been called.)
pub fn transactions_update(code: &str, item_id: &str, new_transactions: u64) -> Value {
    let mut payload = payload("TRANSACTIONS", code, Some(item_id));
    payload["new_transactions"] = json!(new_transactions);
    payload["error"] = Value::Null;
    payload
}

/// TRANSACTIONS `TRANSACTIONS_REMOVED`, listing the ids of the removed transactions.
pub fn transactions_removed(item_id: &str, removed: &[String]) -> Value {
    let mut payload = payload("TRANSACTIONS", "TRANSACTIONS_REMOVED", Some(item_id));
    payload["removed_transactions"] = json!(removed);
    payload["error"] = Value::Null;
    payload
}

/// TRANSACTIONS `SYNC_UPDATES_AVAILABLE` with both updates complete (the sandbox has an
/// Item's whole history at once).
pub fn sync_updates_available(item_id: &str) -> Value {
    let mut payload = payload("TRANSACTIONS", "SYNC_UPDATES_AVAILABLE", Some(item_id));
    payload["initial_update_complete"] = json!(true);
    payload["historical_update_complete"] = json!(true);
    payload
}

fn fire_error(code: &str, message: &str) -> ServerError {
    ServerError::new(400, "INVALID_INPUT", code, message)
}

fn wrong_type() -> ServerError {
    ServerError::new(
        400,
        "INVALID_REQUEST",
        "INVALID_FIELD",
        "webhook_type is not one the sandbox fires with this webhook_code",
    )
}

/// The payload `/sandbox/item/fire_webhook` sends for `code` (and `webhook_type`, which
/// `DEFAULT_UPDATE` needs and the others may repeat), per the operation's docs; or the
/// documented error when the Item lacks the product the webhook is about.
pub fn fired(
    code: &SandboxItemFireWebhookRequestWebhookCode,
    webhook_type: Option<&str>,
    item: &ItemFacts<'_>,
    ids: &Ids,
) -> Result<Value, ServerError> {
    use SandboxItemFireWebhookRequestWebhookCode as Code;
    let item_id = item.item_id.as_str();
    // The type each code is fired with, and the product the Item must have for it.
    let (expected, product) = match code {
        Code::DefaultUpdate => match webhook_type.unwrap_or("TRANSACTIONS") {
            "TRANSACTIONS" => ("TRANSACTIONS", Some(Products::Transactions)),
            "AUTH" => ("AUTH", Some(Products::Auth)),
            "IDENTITY" => ("IDENTITY", Some(Products::Identity)),
            "INVESTMENTS_TRANSACTIONS" => ("INVESTMENTS_TRANSACTIONS", Some(Products::Investments)),
            "HOLDINGS" => ("HOLDINGS", Some(Products::Investments)),
            "LIABILITIES" => ("LIABILITIES", Some(Products::Liabilities)),
            _ => return Err(wrong_type()),
        },
        Code::SyncUpdatesAvailable | Code::RecurringTransactionsUpdate => {
            ("TRANSACTIONS", Some(Products::Transactions))
        }
        Code::ProductReady | Code::Error => ("ASSETS", Some(Products::Assets)),
        Code::SmsMicrodepositsVerification => ("AUTH", Some(Products::Auth)),
        Code::NewAccountsAvailable
        | Code::UserPermissionRevoked
        | Code::UserAccountRevoked
        | Code::PendingDisconnect
        | Code::LoginRepaired => ("ITEM", None),
        // AUTHORIZATION_GRANTED, and codes added later: no webhook schema of the API answers
        // to them, so there is nothing typed to send.
        _ => {
            return Err(ServerError::new(
                400,
                "INVALID_REQUEST",
                "INVALID_FIELD",
                "the sandbox does not fire this webhook_code: the API describes no payload for it",
            ));
        }
    };
    if webhook_type.is_some_and(|given| given != expected) {
        return Err(wrong_type());
    }
    if let Some(product) = product
        && !item.products.contains(&product)
    {
        return Err(fire_error(
            "SANDBOX_PRODUCT_NOT_ENABLED",
            "the Item does not have the product this webhook is about",
        ));
    }
    let code_text = serde_json::to_value(code).unwrap_or(Value::Null);
    let code_text = code_text.as_str().unwrap_or("");
    let assets = matches!(code, Code::ProductReady | Code::Error);
    let mut p = payload(expected, code_text, (!assets).then_some(item_id));
    match (expected, code) {
        ("TRANSACTIONS", Code::DefaultUpdate) => {
            // Firing adds no transaction.
            p["new_transactions"] = json!(0);
            p["error"] = Value::Null;
        }
        ("AUTH", Code::DefaultUpdate) => {
            p["account_ids_with_new_auth"] = json!([]);
            p["account_ids_with_updated_auth"] = json!({});
            p["error"] = Value::Null;
        }
        ("IDENTITY", Code::DefaultUpdate) => {
            p["account_ids_with_updated_identity"] = json!({});
            p["error"] = Value::Null;
        }
        ("INVESTMENTS_TRANSACTIONS", Code::DefaultUpdate) => {
            p["new_investments_transactions"] = json!(0);
            p["cancelled_investments_transactions"] = json!(0);
        }
        ("HOLDINGS", Code::DefaultUpdate) => {
            p["new_holdings"] = json!(0);
            p["updated_holdings"] = json!(0);
        }
        ("LIABILITIES", Code::DefaultUpdate) => {
            p["account_ids_with_new_liabilities"] = json!([]);
            p["account_ids_with_updated_liabilities"] = json!({});
            p["error"] = Value::Null;
        }
        (_, Code::SyncUpdatesAvailable) => return Ok(sync_updates_available(item_id)),
        (_, Code::RecurringTransactionsUpdate) => p["account_ids"] = json!(item.account_ids),
        (_, Code::SmsMicrodepositsVerification) => {
            p["status"] = json!("MANUALLY_VERIFIED");
            p["account_id"] = json!(item.depository_account_id);
        }
        (_, Code::UserAccountRevoked) => p["account_id"] = json!(item.depository_account_id),
        (_, Code::PendingDisconnect) => {
            p["reason"] = json!("INSTITUTION_MIGRATION");
            let in_a_week = SystemTime::now() + Duration::from_secs(7 * 24 * 60 * 60);
            p["disconnect_time"] = json!(humantime::format_rfc3339_seconds(in_a_week).to_string());
        }
        (_, Code::ProductReady) => {
            p["asset_report_id"] = json!(asset_report_id(ids, item_id));
        }
        (_, Code::Error) => {
            p["asset_report_id"] = json!(asset_report_id(ids, item_id));
            let error = plaid_error(
                PlaidErrorType::AssetReportError,
                "ASSET_REPORT_GENERATION_FAILED",
                "the Asset Report could not be generated",
            );
            p["error"] = serde_json::to_value(error).unwrap_or(Value::Null);
        }
        _ => {}
    }
    Ok(p)
}

/// The id of the Item's Asset Report: a UUID of the sandbox's own, the same for the Item.
fn asset_report_id(ids: &Ids, item_id: &str) -> String {
    let renamed = ids.renamed(&format!("{item_id}_de3ce8ef-33f8-452c-a685-8671031fc0f6"));
    renamed
        .rsplit_once('_')
        .map_or(renamed.clone(), |(_, uuid)| uuid.to_owned())
}

fn plaid_error(error_type: PlaidErrorType, code: &str, message: &str) -> PlaidError {
    PlaidError {
        error_type,
        error_code: code.into(),
        error_code_reason: Nullable::Null,
        error_message: message.into(),
        display_message: None,
        request_id: None,
        causes: Some(Vec::new()),
        status: Nullable::Value(400),
        documentation_url: None,
        required_account_subtypes: None,
        provided_account_subtypes: None,
        suggested_action: Nullable::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(products: &[Products]) -> ItemFacts<'_> {
        ItemFacts {
            item_id: "item1".into(),
            account_ids: vec!["acc1".into(), "acc2".into()],
            depository_account_id: "acc1".into(),
            products,
        }
    }

    /// Every code the sandbox fires decodes as the typed webhook of its (type, code), not as
    /// `Unknown`: the payloads have every field the schemas require.
    #[test]
    fn every_fired_payload_decodes_as_its_typed_webhook() {
        use SandboxItemFireWebhookRequestWebhookCode as Code;
        let ids = Ids::new(Some(7)).expect("ids");
        let all = [
            Products::Transactions,
            Products::Auth,
            Products::Identity,
            Products::Investments,
            Products::Liabilities,
            Products::Assets,
        ];
        let item = facts(&all);
        let mut cases: Vec<(Code, Option<&str>)> = Code::KNOWN
            .iter()
            .filter(|(code, _)| !matches!(code, Code::AuthorizationGranted))
            .map(|(code, _)| (code.clone(), None))
            .collect();
        for t in [
            "AUTH",
            "IDENTITY",
            "INVESTMENTS_TRANSACTIONS",
            "HOLDINGS",
            "LIABILITIES",
        ] {
            cases.push((Code::DefaultUpdate, Some(t)));
        }
        for (code, webhook_type) in cases {
            let payload = fired(&code, webhook_type, &item, &ids).expect("a payload");
            let body = serde_json::to_vec(&payload).expect("json");
            let decoded = plaid_api::Webhook::from_slice(&body)
                .unwrap_or_else(|e| panic!("{code:?} {webhook_type:?}: {e}"));
            assert!(
                !matches!(decoded, plaid_api::Webhook::Unknown { .. }),
                "{code:?} {webhook_type:?} decodes as Unknown"
            );
        }
        assert!(fired(&Code::AuthorizationGranted, None, &item, &ids).is_err());
        for (code, expected) in [
            ("INITIAL_UPDATE", "InitialUpdate"),
            ("HISTORICAL_UPDATE", "HistoricalUpdate"),
        ] {
            let body = serde_json::to_vec(&transactions_update(code, "item1", 3)).expect("json");
            let decoded = plaid_api::Webhook::from_slice(&body).expect(code);
            assert!(
                format!("{decoded:?}").starts_with(expected),
                "{code}: {decoded:?}"
            );
        }
        let acknowledged = webhook_update_acknowledged("item1", "https://example.com/hook");
        let body = serde_json::to_vec(&acknowledged).expect("json");
        assert!(matches!(
            plaid_api::Webhook::from_slice(&body),
            Ok(plaid_api::Webhook::WebhookUpdateAcknowledged(_))
        ));
    }

    #[test]
    fn a_webhook_about_a_product_the_item_lacks_is_refused() {
        use SandboxItemFireWebhookRequestWebhookCode as Code;
        let ids = Ids::new(Some(7)).expect("ids");
        let item = facts(&[Products::Auth]);
        assert!(fired(&Code::SyncUpdatesAvailable, None, &item, &ids).is_err());
        assert!(
            fired(
                &Code::SyncUpdatesAvailable,
                Some("ITEM"),
                &facts(&[Products::Transactions]),
                &ids
            )
            .is_err()
        );
        assert!(fired(&Code::LoginRepaired, None, &item, &ids).is_ok());
    }

    #[test]
    fn a_seed_gives_the_same_key_and_no_seed_a_new_one() {
        let a = SigningKey::new(&Ids::new(Some(7)).expect("ids"), true).expect("key");
        let b = SigningKey::new(&Ids::new(Some(7)).expect("ids"), true).expect("key");
        let c = SigningKey::new(&Ids::new(Some(8)).expect("ids"), true).expect("key");
        assert_eq!(a.jwk(), b.jwk());
        assert_ne!(a.jwk().x, c.jwk().x);
        assert_ne!(a.jwk().kid, c.jwk().kid);
        let r1 = SigningKey::new(&Ids::new(None).expect("ids"), false).expect("key");
        let r2 = SigningKey::new(&Ids::new(None).expect("ids"), false).expect("key");
        assert_ne!(r1.jwk().x, r2.jwk().x);
        assert!(deliverable("ftp://example.com/").is_err());
        assert!(deliverable("file:///etc/passwd").is_err());
        assert!(deliverable("https://example.com/hook").is_ok());
    }
}
