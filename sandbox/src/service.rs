//! The sandbox's behaviour: users, their Items and Beacon users, kept in memory and changed
//! the way the docs describe.

use std::collections::HashSet;
use std::sync::Mutex;

use plaid_api::models::*;
use plaid_api::server::PlaidApiService;
use plaid_api::server_support::{RequestContext, ServerError, ServiceBasics};
use plaid_api::{Binary, Nullable};
use serde::de::DeserializeOwned;

use crate::answers::{self, Answers};
use crate::ids::{Ids, constant_time_eq};
use crate::{Config, Limits};

/// The fictional institution every new user's Item is linked at.
const INSTITUTION_ID: &str = "ins_109508";
const INSTITUTION_NAME: &str = "First Platypus Bank";
/// The Beacon user's `date_of_birth` when the request gave none.
const UNKNOWN_DATE_OF_BIRTH: &str = "1900-01-01";

pub struct Sandbox {
    client_id: String,
    secret: String,
    allowed_origins: Vec<String>,
    limits: Limits,
    ids: Ids,
    answers: Answers,
    state: Mutex<State>,
}

/// Only what can change per user is stored; tokens, user ids and Item ids are computed from
/// the user's index (see `ids`), so a hundred thousand users take a few megabytes.
#[derive(Default)]
struct State {
    /// Users by index; `None` once removed.
    users: Vec<Option<User>>,
    /// Every `client_user_id` ever used: a removed user's id is not released (the docs say so).
    client_user_ids: HashSet<Box<str>>,
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
        Ok(Self {
            client_id: config.client_id.clone(),
            secret: config.secret.clone(),
            allowed_origins: config.allowed_origins.clone(),
            limits: config.limits.clone(),
            ids: Ids::new(config.seed).map_err(|e| std::io::Error::other(e.to_string()))?,
            answers: Answers::default(),
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

    /// The user's one Item as the API shows it.
    fn item(&self, index: usize, user: &User) -> Item {
        Item {
            item_id: self.ids.item_id(index as u64),
            institution_id: Nullable::Value(INSTITUTION_ID.into()),
            institution_name: Nullable::Value(INSTITUTION_NAME.into()),
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

    fn max_body_bytes(&self) -> usize {
        self.limits.max_body_bytes
    }

    fn body_read_timeout(&self) -> std::time::Duration {
        self.limits.body_read_timeout
    }

    fn allows_origin(&self, origin: &str) -> bool {
        self.allowed_origins.iter().any(|allowed| allowed == origin)
    }

    fn unimplemented_json<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        answer: &'static str,
        context: &RequestContext,
    ) -> Result<T, ServerError> {
        self.answers.json(&self.ids, operation, answer, context)
    }

    fn unimplemented_document(
        &self,
        operation: &'static str,
        media_type: &'static str,
        _context: &RequestContext,
    ) -> Result<Binary, ServerError> {
        answers::document(operation, media_type)
    }

    fn unimplemented_empty(
        &self,
        _operation: &'static str,
        _context: &RequestContext,
    ) -> Result<(), ServerError> {
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
        let user_ref = self.user(request.user_token.as_deref(), request.user_id.as_deref())?;
        let index = user_ref.index;
        let items = self.with_user(&user_ref, |slot| {
            slot.iter()
                .filter(|user| !user.item_removed)
                .map(|user| self.item(index, user))
                .collect()
        })?;
        Ok(UserItemsGetResponse {
            items,
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
        let item_ids = request
            .access_tokens
            .into_value()
            .unwrap_or_default()
            .iter()
            .map(|_| self.ids.alphanumeric(37))
            .collect();
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
}

/// The account number's last four digits: all the response shows of it.
fn last_four(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    chars[chars.len().saturating_sub(4)..].iter().collect()
}
