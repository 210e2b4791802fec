//! The sandbox's behaviour: users, their Items and Beacon users, kept in memory and changed
//! the way the docs describe.

use std::any::Any;
use std::collections::HashSet;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use plaid_api::models::*;
use plaid_api::server::PlaidApiService;
use plaid_api::server_support::{RequestContext, ServerError, ServiceBasics};
use plaid_api::{Binary, Nullable, Operation};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::answers::{self, Answers};
use crate::ids::{Ids, constant_time_eq};
use crate::institutions;
use crate::items::{self, ItemRenaming, ItemShown, LinkedItem, Status};
use crate::prepared::Prepared;
use crate::transactions::{self, ItemTransactions};
use crate::webhooks::{self, Deliveries, ItemFacts, SigningKey};
use crate::{Config, Limits};

/// The Beacon user's `date_of_birth` when the request gave none.
const UNKNOWN_DATE_OF_BIRTH: &str = "1900-01-01";

pub struct Sandbox {
    client_id: String,
    secret: String,
    allowed_origins: Vec<String>,
    public_token_lifetime: Duration,
    limits: Limits,
    ids: Ids,
    answers: Answers,
    /// The standard user's accounts as the API shows them, decoded once; an Item's are these
    /// with its own ids.
    accounts: Vec<AccountBase>,
    /// `/accounts/get` of an Item, and `/user/items/get` of a user, kept encoded.
    prepared_accounts: Prepared<ItemShown>,
    prepared_user_items: Prepared<Option<UserItemShown>>,
    state: Mutex<State>,
    /// The webhook signing key and the queue of webhooks to deliver.
    webhooks: Deliveries,
}

/// Only what can change per user is stored; tokens, user ids and Item ids are computed from
/// the user's index (see `ids`), so a hundred thousand users take a few megabytes.
#[derive(Default)]
struct State {
    /// Users by index; `None` once removed.
    users: Vec<Option<User>>,
    /// Every `client_user_id` ever used: a removed user's id is not released (the docs say so).
    client_user_ids: HashSet<Box<str>>,
    /// Items linked with `/sandbox/public_token/create`, by index; a removed one keeps its
    /// slot (so that its tokens answer `ITEM_NOT_FOUND`) but not its webhook.
    items: Vec<LinkedItem>,
    /// What the state holds, as counted against `Limits::max_stored_bytes`.
    stored_bytes: usize,
}

#[derive(Default)]
struct User {
    client_user_id: Box<str>,
    created_at: Box<str>,
    updated_at: Option<Box<str>>,
    /// What `/user/create` and `/user/update` gave: the `identity` object, and the older
    /// `consumer_report_user_identity`.
    identity: Option<Box<ClientUserIdentity>>,
    consumer_report_identity: Option<Box<ConsumerReportUserIdentity>>,
    /// The identities' sizes as counted against the budgets.
    identity_sizes: IdentitySizes,
    /// Set by `/sandbox/user/reset_login`: the request id of the reset that put the user's
    /// Item into `ITEM_LOGIN_REQUIRED`.
    login_required: Option<Box<str>>,
    /// Set by `/user/items/remove`.
    item_removed: bool,
}

/// What the API shows of a user's one Item besides its ids: `Sandbox::item` builds the Item
/// from the user's index and this alone.
#[derive(Clone, PartialEq)]
struct UserItemShown {
    /// The request id of the `/sandbox/user/reset_login` that put the Item into
    /// `ITEM_LOGIN_REQUIRED`.
    login_required: Option<Box<str>>,
}

/// What one user costs besides its `client_user_id` (counted twice: in its slot and in the set
/// of used ids) and its identities: the rest of its slot, its timestamps and the reset marker.
const USER_OVERHEAD_BYTES: usize = 64;

fn state_full(limit: &str) -> ServerError {
    ServerError::new(
        503,
        "API_ERROR",
        "SANDBOX_STATE_FULL",
        format!("the sandbox holds as much as its {limit} allows; restart it or raise the limit"),
    )
}

/// The sizes of a user's two identities, each counted as its JSON length: a stable, documented
/// measure. They are kept apart so that an update replacing one identity is measured before
/// the state is locked.
#[derive(Clone, Copy, Default)]
struct IdentitySizes {
    identity: usize,
    consumer_report_identity: usize,
}

impl IdentitySizes {
    fn total(self) -> usize {
        self.identity + self.consumer_report_identity
    }

    /// The total, or the error for a user larger than `--max-user-bytes`.
    fn within(self, limits: &Limits) -> Result<usize, ServerError> {
        let bytes = self.total();
        if bytes > limits.max_user_bytes {
            return Err(ServerError::new(
                400,
                "INVALID_INPUT",
                "USER_DATA_TOO_LARGE",
                format!(
                    "the user's identity is larger than the {} bytes a sandbox user may store (--max-user-bytes)",
                    limits.max_user_bytes
                ),
            ));
        }
        Ok(bytes)
    }
}

fn json_len<T: serde::Serialize>(value: &T) -> usize {
    serde_json::to_vec(value).map_or(0, |json| json.len())
}

/// A user a request names: its index, and the error code for "no such user" by the way the
/// request named it (token or id).
struct UserRef {
    index: usize,
    missing: &'static str,
}

fn user_missing(code: &str) -> ServerError {
    ServerError::new(
        400,
        "INVALID_INPUT",
        code,
        "the user does not exist: it was never created, or it was removed",
    )
}

impl Sandbox {
    /// Fails only when there is no seed and the operating system gives no random bytes for
    /// the key of the ids.
    pub fn new(config: &Config) -> std::io::Result<Self> {
        let ids = Ids::new(config.seed).map_err(|e| std::io::Error::other(e.to_string()))?;
        let key = SigningKey::new(&ids, config.seed.is_some()).map_err(std::io::Error::other)?;
        let accounts = items::accounts_json(&ids, 0)
            .into_iter()
            .map(|account| answers::decode("accounts_get", account))
            .collect::<Result<_, _>>()
            .map_err(|error| std::io::Error::other(error.message))?;
        Ok(Self {
            webhooks: Deliveries::new(key, config.log_requests, config.limits.max_pending_webhooks),
            client_id: config.client_id.clone(),
            secret: config.secret.clone(),
            allowed_origins: config.allowed_origins.clone(),
            public_token_lifetime: config.public_token_lifetime,
            limits: config.limits.clone(),
            ids,
            answers: Answers::default(),
            accounts,
            prepared_accounts: Prepared::new(),
            prepared_user_items: Prepared::new(),
            state: Mutex::new(State::default()),
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // Every change below is a single insert or assignment, so a panic elsewhere while
        // holding the lock cannot leave half of one behind: a poisoned lock is safe to reuse.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The user a request names, by token or by user id.
    fn user(&self, token: Option<&str>, user_id: Option<&str>) -> Result<UserRef, ServerError> {
        let (index, missing) = match (token, user_id) {
            (Some(token), _) => (self.ids.user_token_index(token), "INVALID_USER_TOKEN"),
            (None, Some(id)) => (self.ids.user_id_index(id), "INVALID_USER_ID"),
            (None, None) => (None, "INVALID_USER_TOKEN"),
        };
        index
            .and_then(|index| usize::try_from(index).ok())
            .map(|index| UserRef { index, missing })
            .ok_or_else(|| user_missing(missing))
    }

    fn with_user<T>(
        &self,
        user: &UserRef,
        change: impl FnOnce(&mut Option<User>) -> T,
    ) -> Result<T, ServerError> {
        let mut state = self.state();
        match state.users.get_mut(user.index) {
            Some(slot @ Some(_)) => Ok(change(slot)),
            _ => Err(user_missing(user.missing)),
        }
    }

    /// The user a `/user/items/get` names: its index, and what the API shows of its one Item
    /// (`None` once removed).
    fn user_items(
        &self,
        request: &UserItemsGetRequest,
    ) -> Result<(usize, Option<UserItemShown>), ServerError> {
        let user_ref = self.user(request.user_token.as_deref(), request.user_id.as_deref())?;
        let shown = self.with_user(&user_ref, |slot| {
            slot.as_ref()
                .filter(|user| !user.item_removed)
                .map(|user| UserItemShown {
                    login_required: user.login_required.clone(),
                })
        })?;
        Ok((user_ref.index, shown))
    }

    /// The user's Items as the API shows them: its one Item, unless removed.
    fn user_items_shown(&self, index: usize, shown: Option<&UserItemShown>) -> Vec<Item> {
        shown
            .map(|item| self.item(index, item))
            .into_iter()
            .collect()
    }

    /// The user's one Item as the API shows it.
    fn item(&self, index: usize, user: &UserItemShown) -> Item {
        Item {
            item_id: self.ids.item_id(index as u64),
            institution_id: Nullable::Value(items::USER_ITEM_INSTITUTION.id.into()),
            institution_name: Nullable::Value(items::USER_ITEM_INSTITUTION.name.into()),
            webhook: None,
            auth_method: Nullable::Value(ItemAuthMethod::InstantAuth),
            error: user.login_required.as_deref().map(login_required),
            available_products: vec![Products::Balance, Products::Identity],
            billed_products: vec![Products::Auth, Products::Transactions],
            products: Some(vec![Products::Auth, Products::Transactions]),
            consented_products: Some(vec![Products::Auth, Products::Transactions]),
            consent_expiration_time: None,
            update_type: if user.login_required.is_some() {
                ItemUpdateType::UserPresentRequired
            } else {
                ItemUpdateType::Background
            },
        }
    }
}

/// Operations that take an Item's access token and still answer while the Item needs its
/// user to log in again: they manage the Item rather than read its data (the docs' update
/// mode is reached through `/link/token/create` with the token).
const MANAGEMENT_OPERATIONS: &[&str] = &[
    "item_get",
    "item_remove",
    "item_webhook_update",
    "item_access_token_invalidate",
    "item_create_public_token",
    "sandbox_item_reset_login",
    "sandbox_item_fire_webhook",
    "link_token_create",
];

/// The operations whose answer the sandbox builds from the Item's accounts rather than only
/// renaming the documented one.
const ACCOUNT_OPERATIONS: &[&str] = &[
    "accounts_get",
    "accounts_balance_get",
    "auth_get",
    "identity_get",
];

/// What an answer needs of the Item a request names, read under the lock.
struct ItemView {
    index: u64,
    item: Item,
    renaming_of: &'static items::Institution,
}

fn invalid_public_token(message: &str) -> ServerError {
    items::error("INVALID_INPUT", "INVALID_PUBLIC_TOKEN", message)
}

impl Sandbox {
    /// Runs `f` on the Item `token` names, if the token is the Item's current one. A removed
    /// Item answers `ITEM_NOT_FOUND`; with `data`, one waiting for its user's login answers
    /// `ITEM_LOGIN_REQUIRED`.
    fn with_item<T>(
        &self,
        token: &str,
        data: bool,
        f: impl FnOnce(u64, &mut LinkedItem, &mut usize) -> Result<T, ServerError>,
    ) -> Result<T, ServerError> {
        let index = Ids::access_token_index(token).ok_or_else(items::invalid_access_token)?;
        let mut state = self.state();
        let State {
            items,
            stored_bytes,
            ..
        } = &mut *state;
        let item = usize::try_from(index)
            .ok()
            .and_then(|slot| items.get_mut(slot))
            .ok_or_else(items::invalid_access_token)?;
        if !constant_time_eq(token, &self.ids.access_token(index, item.generation)) {
            return Err(items::invalid_access_token());
        }
        match item.status {
            Status::Removed => return Err(items::item_not_found()),
            Status::LoginRequired(_) if data => return Err(items::login_required_error()),
            _ => {}
        }
        f(index, item, stored_bytes)
    }

    /// A linked Item as the API shows it.
    fn linked_item(&self, index: u64, item: &ItemShown) -> Item {
        let institution = item.institution();
        let available = institution
            .products
            .iter()
            .filter(|product| !item.products.contains(product))
            .cloned()
            .collect();
        let reset_by = item.login_required.as_ref();
        Item {
            item_id: self.ids.linked_item_id(index),
            institution_id: Nullable::Value(institution.id.into()),
            institution_name: Nullable::Value(institution.name.into()),
            webhook: item.webhook.as_deref().map(str::to_owned),
            auth_method: Nullable::Value(ItemAuthMethod::InstantAuth),
            error: reset_by.map(|request_id| login_required(request_id)),
            available_products: available,
            billed_products: item.products.clone(),
            products: Some(item.products.clone()),
            consented_products: Some(item.products.clone()),
            consent_expiration_time: None,
            update_type: if reset_by.is_some() {
                ItemUpdateType::UserPresentRequired
            } else {
                ItemUpdateType::Background
            },
        }
    }

    /// Checks every access token a request carries (`access_token`, `access_tokens`) and
    /// returns the Item of its `access_token`, for the answer to be made that Item's.
    fn items_of(
        &self,
        operation: &'static str,
        request: &Value,
    ) -> Result<Option<ItemView>, ServerError> {
        let data = !MANAGEMENT_OPERATIONS.contains(&operation);
        if let Some(tokens) = request.get("access_tokens").and_then(Value::as_array) {
            for token in tokens {
                let token = token.as_str().unwrap_or_default();
                self.with_item(token, data, |_, _, _| Ok(()))?;
            }
        }
        let Some(token) = request.get("access_token").and_then(Value::as_str) else {
            return Ok(None);
        };
        self.with_item(token, data, |index, item, _| {
            Ok(Some(ItemView {
                index,
                item: self.linked_item(index, &item.shown()),
                renaming_of: item.institution(),
            }))
        })
    }

    /// Makes a documented answer the Item's: its ids everywhere, and for the account
    /// operations its own accounts (those `options.account_ids` names, when it names some).
    fn item_answer(
        &self,
        operation: &'static str,
        request: &Value,
        view: ItemView,
        answer: &mut Value,
    ) -> Result<(), ServerError> {
        let mut renaming = ItemRenaming::new(&self.ids, view.index, view.renaming_of);
        renaming.apply(answer);
        let item = serde_json::to_value(&view.item).unwrap_or(Value::Null);
        let accounts_too = ACCOUNT_OPERATIONS.contains(&operation) || operation == "item_get";
        if let (Some(documented), Value::Object(own)) =
            (answer.get_mut("item").and_then(Value::as_object_mut), item)
        {
            for (key, field) in own {
                // Only the fields the documented item has, but for the operations whose item
                // is the `Item` schema: another schema may not take the others.
                if accounts_too || documented.contains_key(&key) {
                    documented.insert(key, field);
                }
            }
        }
        if !ACCOUNT_OPERATIONS.contains(&operation) {
            return Ok(());
        }
        let mut accounts = items::accounts_json(&self.ids, view.index);
        let mut numbers = items::ach_numbers_json(&self.ids, view.index);
        if let Some(wanted) = request
            .pointer("/options/account_ids")
            .and_then(Value::as_array)
        {
            let own = |id: &Value| accounts.iter().any(|a| a.get("account_id") == Some(id));
            if !wanted.iter().all(own) {
                return Err(items::error(
                    "INVALID_INPUT",
                    "INVALID_ACCOUNT_ID",
                    "one of the account_ids specified is invalid or does not exist within this Item",
                ));
            }
            let kept = |a: &Value| a.get("account_id").is_some_and(|id| wanted.contains(id));
            accounts.retain(kept);
            numbers.retain(kept);
        }
        if operation == "identity_get" {
            // The documented owner of the standard user, on each of its accounts.
            let owners = answer
                .pointer("/accounts/0/owners")
                .cloned()
                .unwrap_or_else(|| Value::Array(Vec::new()));
            for account in &mut accounts {
                account["owners"] = owners.clone();
            }
        }
        answer["accounts"] = Value::Array(accounts);
        if operation == "auth_get" {
            answer["numbers"] = serde_json::json!({
                "ach": numbers,
                "eft": [],
                "international": [],
                "bacs": [],
            });
        }
        Ok(())
    }
}

/// Whether `user_good` may log in with `password`, else the error the docs give: a
/// `error_<CODE>` password makes the Item fail with that code. `user_transactions_dynamic`
/// (any password, as the docs say) makes an Item `/sandbox/transactions/create` may add to;
/// the answer says whether it is one.
fn check_credentials(username: &str, password: &str) -> Result<bool, ServerError> {
    if username == "user_transactions_dynamic" {
        return Ok(true);
    }
    let invalid = || {
        items::error(
            "ITEM_ERROR",
            "INVALID_CREDENTIALS",
            "the provided credentials were not correct (the sandbox knows the test user user_good, password pass_good)",
        )
    };
    if username != "user_good" {
        return Err(invalid());
    }
    if password == "pass_good" {
        return Ok(false);
    }
    Err(password
        .strip_prefix("error_")
        .and_then(items::test_credential_error)
        .unwrap_or_else(invalid))
}

fn invalid_item_id() -> ServerError {
    ServerError::new(
        400,
        "INVALID_INPUT",
        "INVALID_ITEM_ID",
        "item_ids names an Item this user does not have",
    )
}

fn login_required(request_id: &str) -> PlaidError {
    PlaidError {
        error_type: PlaidErrorType::ItemError,
        error_code: "ITEM_LOGIN_REQUIRED".into(),
        error_code_reason: Nullable::Null,
        error_message: "the login details of this item have changed (credentials, MFA, or required user action) \
                        and a user login is required to update this information. use Link's update mode to \
                        restore the item to a good state"
            .into(),
        display_message: Some("The provided credentials were not correct. Please try again.".into()),
        request_id: Some(request_id.into()),
        causes: Some(Vec::new()),
        status: Nullable::Value(400),
        documentation_url: Some("https://plaid.com/docs/errors/item/#item_login_required".into()),
        required_account_subtypes: None,
        provided_account_subtypes: None,
        suggested_action: Nullable::Null,
    }
}

impl ServiceBasics for Sandbox {
    fn authenticate(&self, client_id: &str, secret: &str) -> bool {
        // Both compared in full, and in constant time, so timing reveals neither.
        let id = constant_time_eq(client_id, &self.client_id);
        let secret = constant_time_eq(secret, &self.secret);
        id & secret
    }

    fn next_request_id(&self) -> String {
        self.ids.request_id()
    }

    fn prepared_answer<Req: Operation + 'static>(
        &self,
        context: &RequestContext,
        request: &Req,
    ) -> Option<Result<axum::response::Response, ServerError>> {
        self.prepared(context, request)
    }

    fn max_body_bytes(&self) -> usize {
        self.limits.max_body_bytes
    }

    fn body_read_timeout(&self) -> std::time::Duration {
        self.limits.body_read_timeout
    }

    fn allows_origin(&self, origin: &str) -> bool {
        self.allowed_origins.iter().any(|allowed| allowed == origin)
    }

    fn unimplemented_json<T: DeserializeOwned, R: Serialize>(
        &self,
        operation: &'static str,
        answer: &'static str,
        context: &RequestContext,
        request: &R,
    ) -> Result<T, ServerError> {
        // Read generically, so that every operation taking an access token answers for its
        // Item without naming its request type.
        let request = serde_json::to_value(request).unwrap_or(Value::Null);
        let view = self.items_of(operation, &request)?;
        let Some(view) = view else {
            return self.answers.json(&self.ids, operation, answer, context);
        };
        let mut value = self.answers.value(&self.ids, operation, answer, context)?;
        self.item_answer(operation, &request, view, &mut value)?;
        answers::decode(operation, value)
    }

    fn unimplemented_document<R: Serialize>(
        &self,
        operation: &'static str,
        media_type: &'static str,
        _context: &RequestContext,
        request: &R,
    ) -> Result<Binary, ServerError> {
        let request = serde_json::to_value(request).unwrap_or(Value::Null);
        self.items_of(operation, &request)?;
        answers::document(operation, media_type)
    }

    fn unimplemented_empty<R: Serialize>(
        &self,
        operation: &'static str,
        _context: &RequestContext,
        request: &R,
    ) -> Result<(), ServerError> {
        let request = serde_json::to_value(request).unwrap_or(Value::Null);
        self.items_of(operation, &request)?;
        Ok(())
    }
}

impl PlaidApiService for Sandbox {
    async fn user_create(
        &self,
        context: RequestContext,
        request: UserCreateRequest,
    ) -> Result<UserCreateResponse, ServerError> {
        let identity_sizes = IdentitySizes {
            identity: request.identity.value().map_or(0, json_len),
            consumer_report_identity: request
                .consumer_report_user_identity
                .value()
                .map_or(0, json_len),
        };
        let cost = USER_OVERHEAD_BYTES
            + 2 * request.client_user_id.len()
            + identity_sizes.within(&self.limits)?;
        let created_at = self.ids.now().into_boxed_str();
        let index = {
            let mut state = self.state();
            if state
                .client_user_ids
                .contains(request.client_user_id.as_str())
            {
                return Err(ServerError::new(
                    400,
                    "INVALID_INPUT",
                    "USER_ALREADY_EXISTS",
                    "a user has already been created for this client_user_id; it cannot be used again, even after /user/remove",
                ));
            }
            if state.users.len() >= self.limits.max_users {
                return Err(state_full("--max-users"));
            }
            if state.stored_bytes + cost > self.limits.max_stored_bytes {
                return Err(state_full("--max-stored-bytes"));
            }
            state.stored_bytes += cost;
            let client_user_id = request.client_user_id.into_boxed_str();
            state.client_user_ids.insert(client_user_id.clone());
            state.users.push(Some(User {
                client_user_id,
                created_at,
                identity: request.identity.into_value().map(Box::new),
                consumer_report_identity: request
                    .consumer_report_user_identity
                    .into_value()
                    .map(Box::new),
                identity_sizes,
                ..User::default()
            }));
            state.users.len() - 1
        } as u64;
        Ok(UserCreateResponse {
            user_token: Some(self.ids.user_token(index)),
            user_id: self.ids.user_id(index),
            request_id: context.request_id,
        })
    }

    async fn user_update(
        &self,
        context: RequestContext,
        request: UserUpdateRequest,
    ) -> Result<UserUpdateResponse, ServerError> {
        let user_ref = self.user(request.user_token.as_deref(), request.user_id.as_deref())?;
        let index = user_ref.index;
        let updated_at = self.ids.now().into_boxed_str();
        // Each identity the request gives replaces the stored one; one it leaves out stays.
        let identity = request.identity.into_value();
        let consumer_report_identity = request.consumer_report_user_identity.into_value();
        let identity_bytes = identity.as_ref().map(json_len);
        let consumer_report_identity_bytes = consumer_report_identity.as_ref().map(json_len);
        let mut state = self.state();
        let State {
            users,
            stored_bytes,
            ..
        } = &mut *state;
        let Some(Some(user)) = users.get_mut(index) else {
            return Err(user_missing(user_ref.missing));
        };
        let sizes = IdentitySizes {
            identity: identity_bytes.unwrap_or(user.identity_sizes.identity),
            consumer_report_identity: consumer_report_identity_bytes
                .unwrap_or(user.identity_sizes.consumer_report_identity),
        };
        let bytes = sizes.within(&self.limits)?;
        let stored_without = *stored_bytes - user.identity_sizes.total();
        if stored_without + bytes > self.limits.max_stored_bytes {
            return Err(state_full("--max-stored-bytes"));
        }
        *stored_bytes = stored_without + bytes;
        if let Some(identity) = identity {
            user.identity = Some(Box::new(identity));
        }
        if let Some(identity) = consumer_report_identity {
            user.consumer_report_identity = Some(Box::new(identity));
        }
        user.identity_sizes = sizes;
        user.updated_at = Some(updated_at);
        drop(state);
        Ok(UserUpdateResponse {
            request_id: context.request_id,
        })
    }

    async fn user_get(
        &self,
        context: RequestContext,
        request: UserGetRequest,
    ) -> Result<UserGetResponse, ServerError> {
        let user_ref = self.user(None, Some(&request.user_id))?;
        self.with_user(&user_ref, |slot| {
            let user = slot.as_ref()?;
            Some(UserGetResponse {
                request_id: context.request_id,
                user_id: request.user_id,
                client_user_id: Some(user.client_user_id.to_string()),
                created_at: user.created_at.to_string(),
                updated_at: user.updated_at.as_deref().map(str::to_owned),
                identity: match &user.identity {
                    Some(identity) => Nullable::Value(ClientUserIdentity::clone(identity)),
                    None => Nullable::Null,
                },
            })
        })?
        .ok_or_else(|| user_missing(user_ref.missing))
    }

    async fn user_items_remove(
        &self,
        context: RequestContext,
        request: UserItemsRemoveRequest,
    ) -> Result<UserItemsRemoveResponse, ServerError> {
        let user_ref = self.user(request.user_token.as_deref(), request.user_id.as_deref())?;
        let index = user_ref.index;
        let item_id = self.ids.item_id(index as u64);
        self.with_user(&user_ref, |slot| {
            let user = slot.as_mut()?;
            // The docs: every Item named must be the user's, or none is removed.
            if user.item_removed || request.item_ids.iter().any(|id| *id != item_id) {
                return None;
            }
            user.item_removed |= !request.item_ids.is_empty();
            Some(())
        })?
        .ok_or_else(invalid_item_id)?;
        Ok(UserItemsRemoveResponse {
            request_id: context.request_id,
        })
    }

    async fn user_remove(
        &self,
        context: RequestContext,
        request: UserRemoveRequest,
    ) -> Result<UserRemoveResponse, ServerError> {
        let user_ref = self.user(request.user_token.as_deref(), request.user_id.as_deref())?;
        let index = user_ref.index;
        let mut state = self.state();
        let State {
            users,
            stored_bytes,
            ..
        } = &mut *state;
        let Some(slot @ Some(_)) = users.get_mut(index) else {
            return Err(user_missing(user_ref.missing));
        };
        // The slot and the client_user_id stay (the id is never released); the identity goes.
        *stored_bytes -= slot.as_ref().map_or(0, |user| user.identity_sizes.total());
        *slot = None;
        drop(state);
        Ok(UserRemoveResponse {
            request_id: context.request_id,
        })
    }

    async fn user_items_get(
        &self,
        context: RequestContext,
        request: UserItemsGetRequest,
    ) -> Result<UserItemsGetResponse, ServerError> {
        let (index, shown) = self.user_items(&request)?;
        Ok(UserItemsGetResponse {
            items: self.user_items_shown(index, shown.as_ref()),
            request_id: context.request_id,
        })
    }

    async fn sandbox_user_reset_login(
        &self,
        context: RequestContext,
        request: SandboxUserResetLoginRequest,
    ) -> Result<SandboxUserResetLoginResponse, ServerError> {
        let user_ref = self.user(request.user_token.as_deref(), request.user_id.as_deref())?;
        let index = user_ref.index;
        let item_id = self.ids.item_id(index as u64);
        // The docs: all of the user's Items when the list is absent or empty.
        if request
            .item_ids
            .value()
            .into_iter()
            .flatten()
            .any(|id| *id != item_id)
        {
            return Err(invalid_item_id());
        }
        let reset_by = context.request_id.clone().into_boxed_str();
        self.with_user(&user_ref, |slot| {
            if let Some(user) = slot {
                user.login_required = Some(reset_by);
            }
        })?;
        Ok(SandboxUserResetLoginResponse {
            request_id: context.request_id,
        })
    }

    async fn beacon_user_create(
        &self,
        context: RequestContext,
        request: BeaconUserCreateRequest,
    ) -> Result<BeaconUserCreateResponse, ServerError> {
        let now = self.ids.now();
        let user = request.user;
        // The response schema requires every part of the user, whether the request gave it
        // or not: what was left out is answered empty (an empty list, empty strings), never
        // `null` where the schema does not allow it.
        let accounts = user
            .depository_accounts
            .unwrap_or_default()
            .into_iter()
            .map(|account| BeaconUserDepositoryAccount {
                account_mask: last_four(&account.account_number),
                routing_number: account.routing_number,
                added_at: now.clone(),
            })
            .collect();
        let address = match user.address.into_value() {
            Some(address) => BeaconUserAddress {
                street: address.street,
                street2: address.street2.into_value(),
                city: address.city,
                region: address.region.into_value(),
                postal_code: address.postal_code.into_value(),
                country: address.country,
            },
            None => BeaconUserAddress::default(),
        };
        // Each access token names a linked Item, whose id the Beacon user is linked to.
        let item_ids = request
            .access_tokens
            .into_value()
            .unwrap_or_default()
            .iter()
            .map(|token| {
                self.with_item(token, true, |index, _, _| {
                    Ok(self.ids.linked_item_id(index))
                })
            })
            .collect::<Result<_, _>>()?;
        let response = BeaconUserCreateResponse {
            item_ids,
            id: format!("becusr_{}", self.ids.alphanumeric(14)),
            version: 1,
            created_at: now.clone(),
            updated_at: now.clone(),
            status: BeaconUserStatus::Cleared,
            program_id: request.program_id,
            client_user_id: request.client_user_id,
            user: BeaconUserData {
                // The schema requires a date here even when the request gave none (the docs
                // let it give depository accounts instead): a placeholder no one is born on
                // conforms without passing for the user's.
                date_of_birth: user
                    .date_of_birth
                    .unwrap_or_else(|| UNKNOWN_DATE_OF_BIRTH.to_owned()),
                name: user.name,
                email_address: user.email_address,
                ip_address: user.ip_address.into_value(),
                depository_accounts: accounts,
                id_number: user.id_number.into_value(),
                address,
                phone_number: user.phone_number.into_value(),
            },
            audit_trail: BeaconAuditTrail {
                source: BeaconAuditTrailSource::Api,
                dashboard_user_id: None,
                timestamp: now,
            },
            request_id: context.request_id,
        };
        Ok(response)
    }

    async fn institutions_get(
        &self,
        context: RequestContext,
        request: InstitutionsGetRequest,
    ) -> Result<InstitutionsGetResponse, ServerError> {
        institutions::get(&request, context.request_id)
    }

    async fn institutions_get_by_id(
        &self,
        context: RequestContext,
        request: InstitutionsGetByIdRequest,
    ) -> Result<InstitutionsGetByIdResponse, ServerError> {
        institutions::get_by_id(&request, context.request_id)
    }

    async fn institutions_search(
        &self,
        context: RequestContext,
        request: InstitutionsSearchRequest,
    ) -> Result<InstitutionsSearchResponse, ServerError> {
        institutions::search(&request, context.request_id)
    }

    async fn sandbox_public_token_create(
        &self,
        context: RequestContext,
        request: SandboxPublicTokenCreateRequest,
    ) -> Result<SandboxPublicTokenCreateResponse, ServerError> {
        let institution = items::institution(&request.institution_id)
            .ok_or_else(|| items::invalid_institution(false))?;
        let supported = items::institution_at(institution).products;
        if !request
            .initial_products
            .iter()
            .all(|p| supported.contains(p))
        {
            return Err(items::error(
                "ITEM_ERROR",
                "PRODUCTS_NOT_SUPPORTED",
                "the institution does not support one of the initial_products",
            ));
        }
        let options = request.options.unwrap_or_default();
        let dynamic = check_credentials(
            options
                .override_username
                .value()
                .map_or("user_good", String::as_str),
            options
                .override_password
                .value()
                .map_or("pass_good", String::as_str),
        )?;
        let mut products = Vec::new();
        for product in request.initial_products {
            if !products.contains(&product) {
                products.push(product);
            }
        }
        let webhook = options
            .webhook
            .filter(|url| !url.is_empty())
            .map(String::into_boxed_str);
        let transactions = products.contains(&Products::Transactions);
        let item = LinkedItem {
            institution,
            products,
            webhook: webhook.clone(),
            status: Status::Good,
            generation: 0,
            public_token_expires: Some(Instant::now() + self.public_token_lifetime),
            transactions: ItemTransactions::new(dynamic),
        };
        let cost = item.stored_bytes();
        let index = {
            let mut state = self.state();
            if state.items.len() >= self.limits.max_items {
                return Err(state_full("--max-items"));
            }
            if state.stored_bytes + cost > self.limits.max_stored_bytes {
                return Err(state_full("--max-stored-bytes"));
            }
            state.stored_bytes += cost;
            state.items.push(item);
            state.items.len() - 1
        } as u64;
        // The docs: creating an Item with transactions fires INITIAL_UPDATE and
        // HISTORICAL_UPDATE; the sandbox has the whole history at once, so both go now.
        if let (Some(url), true) = (webhook.as_deref(), transactions) {
            let item_id = self.ids.linked_item_id(index);
            let (recent, total) = self.transaction_counts(index);
            for (code, count) in [("INITIAL_UPDATE", recent), ("HISTORICAL_UPDATE", total)] {
                self.webhooks
                    .notify(url, &webhooks::transactions_update(code, &item_id, count));
            }
        }
        Ok(SandboxPublicTokenCreateResponse {
            public_token: self.ids.public_token(index),
            request_id: context.request_id,
        })
    }

    async fn item_public_token_exchange(
        &self,
        context: RequestContext,
        request: ItemPublicTokenExchangeRequest,
    ) -> Result<ItemPublicTokenExchangeResponse, ServerError> {
        const UNKNOWN: &str =
            "provided public token is in an invalid format or was not issued by this sandbox";
        let index = self
            .ids
            .public_token_index(&request.public_token)
            .ok_or_else(|| invalid_public_token(UNKNOWN))?;
        let generation = {
            let mut state = self.state();
            let item = usize::try_from(index)
                .ok()
                .and_then(|slot| state.items.get_mut(slot))
                .ok_or_else(|| invalid_public_token(UNKNOWN))?;
            // A public token is good for one exchange: taken here whatever the outcome.
            match item.public_token_expires.take() {
                _ if matches!(item.status, Status::Removed) => {
                    return Err(invalid_public_token(UNKNOWN));
                }
                Some(expires) if Instant::now() < expires => item.generation,
                Some(_) => {
                    return Err(invalid_public_token(
                        "provided public token is expired: public tokens expire 30 minutes after creation",
                    ));
                }
                None => {
                    return Err(invalid_public_token(
                        "provided public token has already been exchanged; a public token is good for one exchange",
                    ));
                }
            }
        };
        Ok(ItemPublicTokenExchangeResponse {
            access_token: self.ids.access_token(index, generation),
            item_id: self.ids.linked_item_id(index),
            request_id: context.request_id,
        })
    }

    async fn item_create_public_token(
        &self,
        context: RequestContext,
        request: ItemPublicTokenCreateRequest,
    ) -> Result<ItemPublicTokenCreateResponse, ServerError> {
        // A new public token of the Item (for Link's update mode); exchanging it gives the
        // Item's current access token. The Item keeps one: a new one replaces an unexchanged
        // one (a public token is computed from the Item's index).
        let expires = Instant::now() + self.public_token_lifetime;
        let index = self.with_item(&request.access_token, false, |index, item, _| {
            item.public_token_expires = Some(expires);
            Ok(index)
        })?;
        Ok(ItemPublicTokenCreateResponse {
            public_token: self.ids.public_token(index),
            expiration: None,
            request_id: context.request_id,
        })
    }

    async fn item_webhook_update(
        &self,
        context: RequestContext,
        request: ItemWebhookUpdateRequest,
    ) -> Result<ItemWebhookUpdateResponse, ServerError> {
        let webhook = request
            .webhook
            .into_value()
            .filter(|url| !url.is_empty())
            .map(String::into_boxed_str);
        let item = self.with_item(&request.access_token, false, |index, item, stored_bytes| {
            let without = *stored_bytes - item.stored_bytes();
            let cost = item.stored_bytes() - item.webhook.as_deref().map_or(0, str::len)
                + webhook.as_deref().map_or(0, str::len);
            if without + cost > self.limits.max_stored_bytes {
                return Err(state_full("--max-stored-bytes"));
            }
            *stored_bytes = without + cost;
            item.webhook = webhook;
            Ok(self.linked_item(index, &item.shown()))
        })?;
        if let Some(url) = item.webhook.as_deref() {
            self.webhooks.notify(
                url,
                &webhooks::webhook_update_acknowledged(&item.item_id, url),
            );
        }
        Ok(ItemWebhookUpdateResponse {
            item,
            request_id: context.request_id,
        })
    }

    async fn item_access_token_invalidate(
        &self,
        context: RequestContext,
        request: ItemAccessTokenInvalidateRequest,
    ) -> Result<ItemAccessTokenInvalidateResponse, ServerError> {
        let new_access_token = self.with_item(&request.access_token, false, |index, item, _| {
            item.generation += 1;
            Ok(self.ids.access_token(index, item.generation))
        })?;
        Ok(ItemAccessTokenInvalidateResponse {
            new_access_token,
            request_id: context.request_id,
        })
    }

    async fn item_remove(
        &self,
        context: RequestContext,
        request: ItemRemoveRequest,
    ) -> Result<ItemRemoveResponse, ServerError> {
        self.with_item(&request.access_token, false, |_, item, stored_bytes| {
            // The slot stays, so that the Item's tokens answer ITEM_NOT_FOUND; its URL and
            // added transactions go.
            *stored_bytes -= item.webhook.take().map_or(0, |url| url.len());
            *stored_bytes -= item.transactions.stored_bytes();
            item.transactions.clear();
            item.status = Status::Removed;
            item.public_token_expires = None;
            Ok(())
        })?;
        Ok(ItemRemoveResponse {
            request_id: context.request_id,
        })
    }

    async fn sandbox_item_fire_webhook(
        &self,
        context: RequestContext,
        request: SandboxItemFireWebhookRequest,
    ) -> Result<SandboxItemFireWebhookResponse, ServerError> {
        self.fire_webhook(context, request).await
    }

    async fn webhook_verification_key_get(
        &self,
        context: RequestContext,
        request: WebhookVerificationKeyGetRequest,
    ) -> Result<WebhookVerificationKeyGetResponse, ServerError> {
        self.verification_key(context, request)
    }

    async fn sandbox_item_reset_login(
        &self,
        context: RequestContext,
        request: SandboxItemResetLoginRequest,
    ) -> Result<SandboxItemResetLoginResponse, ServerError> {
        let reset_by = context.request_id.clone().into_boxed_str();
        let (index, webhook) = self.with_item(&request.access_token, false, |index, item, _| {
            item.status = Status::LoginRequired(reset_by);
            Ok((index, item.webhook.clone()))
        })?;
        // The docs: "An ITEM_LOGIN_REQUIRED webhook will also be fired".
        if let Some(url) = webhook.as_deref() {
            let item_id = self.ids.linked_item_id(index);
            let error = login_required(&context.request_id);
            self.webhooks
                .notify(url, &webhooks::item_error(&item_id, &error));
        }
        Ok(SandboxItemResetLoginResponse {
            reset_login: true,
            request_id: context.request_id,
        })
    }

    /// Built from the Item's state as `unimplemented_json` answers it (`/accounts/balance/get`
    /// still goes that way, and `tests/sandbox_items.rs` holds the two answers equal), without
    /// copying, renaming and decoding the documented answer on every call: the most called
    /// operation, and under load that generic path cost most of its time.
    async fn accounts_get(
        &self,
        context: RequestContext,
        request: AccountsGetRequest,
    ) -> Result<AccountsGetResponse, ServerError> {
        let (index, item) = self.accounts_item(&request)?;
        let item = self.linked_item(index, &item);
        let wanted = request.options.and_then(|options| options.account_ids);
        let accounts = match wanted {
            None => self.item_accounts(index, &[])?.0,
            // An empty list names no account, as the generic path reads it.
            Some(wanted) if wanted.is_empty() => Vec::new(),
            Some(wanted) => self.item_accounts(index, &wanted)?.0,
        };
        Ok(AccountsGetResponse {
            accounts,
            item,
            request_id: context.request_id,
        })
    }

    async fn transactions_sync(
        &self,
        context: RequestContext,
        request: TransactionsSyncRequest,
    ) -> Result<TransactionsSyncResponse, ServerError> {
        let count = transactions::page_size(request.count, "count")?;
        let wanted: Vec<String> = request
            .options
            .and_then(|options| options.account_id)
            .into_iter()
            .collect();
        self.with_item(&request.access_token, true, |index, item, _| {
            let (accounts, places) = self.item_accounts(index, &wanted)?;
            // A cursor follows one account, or all: it is good only for what it followed.
            let account = (!wanted.is_empty())
                .then(|| places.first().copied())
                .flatten();
            let filter = account.map_or(0, |place| u64::from(place) + 1);
            let log = transactions::log(&self.ids, index, &item.transactions);
            let end = log.len() as u64;
            let start = match request.cursor.as_deref() {
                None | Some("") => 0,
                // The docs' migration value: from now on, nothing of the past.
                Some("now") => end,
                Some(cursor) => self
                    .ids
                    .sync_cursor_position(index, filter, cursor)
                    .filter(|position| *position <= end)
                    .ok_or_else(transactions::invalid_cursor)?,
            };
            let followed =
                |entry: &&transactions::Entry| account.is_none_or(|a| entry.account == a);
            let rest = log
                .get(usize::try_from(start).unwrap_or(usize::MAX)..)
                .unwrap_or_default();
            let page: Vec<&transactions::Entry> =
                rest.iter().filter(followed).take(count).collect();
            let next = match page.last() {
                Some(last) if page.len() == count => last.position + 1,
                _ => end,
            };
            let has_more = log
                .get(usize::try_from(next).unwrap_or(usize::MAX)..)
                .unwrap_or_default()
                .iter()
                .any(|entry| followed(&entry));
            let (mut added, mut modified, mut removed) = (Vec::new(), Vec::new(), Vec::new());
            for (entry, change) in transactions::net_changes(&page) {
                let shown =
                    || transactions::transaction(&self.ids, index, &item.transactions, entry);
                match change {
                    transactions::Change::Added => added.extend(shown()),
                    transactions::Change::Modified => modified.extend(shown()),
                    transactions::Change::Removed => removed.push(RemovedTransaction {
                        transaction_id: self.ids.transaction_id(index, entry.subject),
                        account_id: self.ids.account_id(index, u32::from(entry.account)),
                    }),
                }
            }
            Ok(TransactionsSyncResponse {
                transactions_update_status: TransactionsUpdateStatus::HistoricalUpdateComplete,
                accounts,
                added,
                modified,
                removed,
                next_cursor: self.ids.sync_cursor(index, next, filter),
                has_more,
                request_id: context.request_id,
            })
        })
    }

    async fn transactions_get(
        &self,
        context: RequestContext,
        request: TransactionsGetRequest,
    ) -> Result<TransactionsGetResponse, ServerError> {
        let first = transactions::parse_date(&request.start_date, "start_date")?;
        let last = transactions::parse_date(&request.end_date, "end_date")?;
        if first > last {
            return Err(transactions::invalid_field(
                "start_date must not be after end_date",
            ));
        }
        let options = request.options.unwrap_or_default();
        let count = transactions::page_size(options.count, "options.count")?;
        let offset = usize::try_from(options.offset.unwrap_or(0))
            .map_err(|_| transactions::invalid_field("options.offset must not be negative"))?;
        let wanted = options.account_ids.unwrap_or_default();
        self.with_item(&request.access_token, true, |index, item, _| {
            let (accounts, places) = self.item_accounts(index, &wanted)?;
            let log = transactions::log(&self.ids, index, &item.transactions);
            let mut selected: Vec<&transactions::Entry> = transactions::current(&log)
                .into_iter()
                .filter(|entry| (first..=last).contains(&entry.posted))
                .filter(|entry| places.contains(&entry.account))
                .collect();
            // Newest first, as Plaid answers; among a day's, the last added first.
            selected.sort_by_key(|entry| std::cmp::Reverse((entry.posted, entry.subject)));
            let total = selected.len();
            let transactions = selected
                .into_iter()
                .skip(offset)
                .take(count)
                .filter_map(|entry| {
                    transactions::transaction(&self.ids, index, &item.transactions, entry)
                })
                .collect();
            Ok(TransactionsGetResponse {
                accounts,
                transactions,
                total_transactions: i64::try_from(total).unwrap_or(i64::MAX),
                item: self.linked_item(index, &item.shown()),
                request_id: context.request_id,
            })
        })
    }

    async fn sandbox_transactions_create(
        &self,
        context: RequestContext,
        request: SandboxTransactionsCreateRequest,
    ) -> Result<SandboxTransactionsCreateResponse, ServerError> {
        let (added, cost) = transactions::customs(request.transactions)?;
        let webhook =
            self.with_item(&request.access_token, true, |index, item, stored_bytes| {
                if !item.transactions.dynamic {
                    return Err(transactions::not_dynamic());
                }
                if item.transactions.changes() + added.len() > self.limits.max_item_changes {
                    return Err(state_full("--max-item-changes"));
                }
                if *stored_bytes + cost > self.limits.max_stored_bytes {
                    return Err(state_full("--max-stored-bytes"));
                }
                *stored_bytes += cost;
                item.transactions.add(added);
                Ok(item
                    .webhook
                    .as_deref()
                    .map(|url| (url.to_owned(), self.ids.linked_item_id(index))))
            })?;
        // The Sandbox announces added transactions as Plaid does, once the lock is released
        // (delivery only queues, but the state lock is not re-entrant).
        if let Some((url, item_id)) = webhook {
            self.webhooks
                .notify(&url, &webhooks::sync_updates_available(&item_id));
        }
        Ok(SandboxTransactionsCreateResponse {
            request_id: context.request_id,
        })
    }

    async fn transactions_refresh(
        &self,
        context: RequestContext,
        request: TransactionsRefreshRequest,
    ) -> Result<TransactionsRefreshResponse, ServerError> {
        // The standard user's history is always up to date: a refresh finds nothing new, but
        // the Item must be one that may be read. A dynamic Item's activity moves on (see
        // `transactions`), and Plaid's webhooks say what changed.
        let changed =
            self.with_item(&request.access_token, true, |index, item, stored_bytes| {
                if !item.transactions.dynamic {
                    return Ok(None);
                }
                if item.transactions.changes() >= self.limits.max_item_changes {
                    return Err(state_full("--max-item-changes"));
                }
                if *stored_bytes + transactions::REFRESH_BYTES > self.limits.max_stored_bytes {
                    return Err(state_full("--max-stored-bytes"));
                }
                let before = transactions::log(&self.ids, index, &item.transactions).len();
                *stored_bytes += transactions::REFRESH_BYTES;
                item.transactions.refresh();
                let log = transactions::log(&self.ids, index, &item.transactions);
                let news = log.get(before..).unwrap_or_default();
                let added = news
                    .iter()
                    .filter(|e| e.change == transactions::Change::Added)
                    .count();
                let removed: Vec<String> = news
                    .iter()
                    .filter(|e| e.change == transactions::Change::Removed)
                    .map(|e| self.ids.transaction_id(index, e.subject))
                    .collect();
                Ok(item.webhook.as_deref().map(|url| {
                    let item_id = self.ids.linked_item_id(index);
                    (url.to_owned(), item_id, added as u64, removed)
                }))
            })?;
        // As the docs' /transactions/refresh says: SYNC_UPDATES_AVAILABLE for any change,
        // DEFAULT_UPDATE for new transactions, TRANSACTIONS_REMOVED for removed ones.
        if let Some((url, item_id, added, removed)) = changed {
            self.webhooks
                .notify(&url, &webhooks::sync_updates_available(&item_id));
            self.webhooks.notify(
                &url,
                &webhooks::transactions_update("DEFAULT_UPDATE", &item_id, added),
            );
            if !removed.is_empty() {
                self.webhooks
                    .notify(&url, &webhooks::transactions_removed(&item_id, &removed));
            }
        }
        Ok(TransactionsRefreshResponse {
            request_id: context.request_id,
        })
    }
}

impl Sandbox {
    /// The Item an `/accounts/get` names: its index and what the API shows of it.
    fn accounts_item(&self, request: &AccountsGetRequest) -> Result<(u64, ItemShown), ServerError> {
        self.with_item(&request.access_token, true, |index, item, _| {
            Ok((index, item.shown()))
        })
    }

    /// `/accounts/get` for all of an Item's accounts, and `/user/items/get`, from their kept
    /// encodings (see `prepared`); `None` for any other request.
    fn prepared(
        &self,
        context: &RequestContext,
        request: &dyn Any,
    ) -> Option<Result<axum::response::Response, ServerError>> {
        if let Some(request) = request.downcast_ref::<AccountsGetRequest>() {
            if request
                .options
                .as_ref()
                .is_some_and(|options| options.account_ids.is_some())
            {
                return None;
            }
            let (index, item) = match self.accounts_item(request) {
                Ok(found) => found,
                Err(error) => return Some(Err(error)),
            };
            let answer = self
                .prepared_accounts
                .answer(index, item, &context.request_id, |item| {
                    Some(AccountsGetResponse {
                        accounts: self.item_accounts(index, &[]).ok()?.0,
                        item: self.linked_item(index, item),
                        request_id: String::new(),
                    })
                });
            return answer.map(Ok);
        }
        if let Some(request) = request.downcast_ref::<UserItemsGetRequest>() {
            let (index, shown) = match self.user_items(request) {
                Ok(found) => found,
                Err(error) => return Some(Err(error)),
            };
            let answer = self.prepared_user_items.answer(
                index as u64,
                shown,
                &context.request_id,
                |shown| {
                    Some(UserItemsGetResponse {
                        items: self.user_items_shown(index, shown.as_ref()),
                        request_id: String::new(),
                    })
                },
            );
            return answer.map(Ok);
        }
        None
    }

    /// The Item's accounts as the API shows them, only those of `wanted` when it names some,
    /// with their places in the Item's list; `INVALID_ACCOUNT_ID` for an id not the Item's.
    fn item_accounts(
        &self,
        index: u64,
        wanted: &[String],
    ) -> Result<(Vec<AccountBase>, Vec<u8>), ServerError> {
        let ids: Vec<String> = (0u32..)
            .take(items::ACCOUNTS.len())
            .map(|n| self.ids.account_id(index, n))
            .collect();
        if !wanted.iter().all(|id| ids.contains(id)) {
            return Err(items::error(
                "INVALID_INPUT",
                "INVALID_ACCOUNT_ID",
                "one of the account_ids specified is invalid or does not exist within this Item",
            ));
        }
        let mut accounts = Vec::new();
        let mut places = Vec::new();
        for ((place, id), template) in (0u8..).zip(ids).zip(&self.accounts) {
            if wanted.is_empty() || wanted.contains(&id) {
                let mut account = template.clone();
                account.account_id = id;
                accounts.push(account);
                places.push(place);
            }
        }
        Ok((accounts, places))
    }
}

impl Sandbox {
    async fn fire_webhook(
        &self,
        context: RequestContext,
        request: SandboxItemFireWebhookRequest,
    ) -> Result<SandboxItemFireWebhookResponse, ServerError> {
        let (index, webhook, products) =
            self.with_item(&request.access_token, false, |index, item, _| {
                Ok((index, item.webhook.clone(), item.products.clone()))
            })?;
        let webhook_type = request
            .webhook_type
            .as_ref()
            .and_then(|t| serde_json::to_value(t).ok())
            .and_then(|t| t.as_str().map(str::to_owned));
        let facts = ItemFacts {
            item_id: self.ids.linked_item_id(index),
            account_ids: (0u32..)
                .zip(items::ACCOUNTS)
                .map(|(n, _)| self.ids.account_id(index, n))
                .collect(),
            depository_account_id: self.ids.account_id(index, 0),
            products: &products,
        };
        let payload = webhooks::fired(
            &request.webhook_code,
            webhook_type.as_deref(),
            &facts,
            &self.ids,
        )?;
        // Plaid's documented error for an Item without a webhook URL, given also for a URL
        // the sandbox does not deliver to (a scheme other than http(s)).
        let url = webhook
            .as_deref()
            .filter(|url| webhooks::deliverable(url).is_ok())
            .ok_or_else(|| {
                items::error(
                    "INVALID_INPUT",
                    "SANDBOX_WEBHOOK_INVALID",
                    "the Item has no webhook URL the sandbox can deliver to (an http or https URL); set one with /item/webhook/update",
                )
            })?;
        self.webhooks
            .send(url, &payload)
            .map_err(|_| state_full("--max-pending-webhooks"))?;
        Ok(SandboxItemFireWebhookResponse {
            webhook_fired: true,
            request_id: context.request_id,
        })
    }

    /// What an Item's creation webhooks count: the transactions of its last 30 days (the
    /// docs' initial pull) and of its whole history.
    fn transaction_counts(&self, index: u64) -> (u64, u64) {
        let state = self.state();
        let Some(item) = usize::try_from(index).ok().and_then(|i| state.items.get(i)) else {
            return (0, 0);
        };
        let log = transactions::log(&self.ids, index, &item.transactions);
        let current = transactions::current(&log);
        let since = item.transactions.anchor - 30;
        let recent = current.iter().filter(|entry| entry.posted > since).count();
        (recent as u64, current.len() as u64)
    }

    fn verification_key(
        &self,
        context: RequestContext,
        request: WebhookVerificationKeyGetRequest,
    ) -> Result<WebhookVerificationKeyGetResponse, ServerError> {
        let key = self.webhooks.key().jwk();
        if !constant_time_eq(&request.key_id, &key.kid) {
            return Err(items::error(
                "INVALID_INPUT",
                "INVALID_WEBHOOK_VERIFICATION_KEY_ID",
                "invalid key_id provided: the sandbox never issued it",
            ));
        }
        Ok(WebhookVerificationKeyGetResponse {
            key: key.clone(),
            request_id: context.request_id,
        })
    }
}

/// The account number's last four digits: all the response shows of it.
fn last_four(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    chars[chars.len().saturating_sub(4)..].iter().collect()
}
