//! The sandbox's behaviour: users, their Items and Beacon users, kept in memory and changed
//! the way the docs describe.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use plaid_api::models::*;
use plaid_api::runtime::Nullable;
use plaid_api::server::PlaidApiService;
use plaid_api::server_support::{RequestContext, ServerError, ServiceBasics};

use crate::ids::Ids;

/// The fictional institution every new user's Item is linked at.
const INSTITUTION_ID: &str = "ins_109508";
const INSTITUTION_NAME: &str = "First Platypus Bank";

pub struct Sandbox {
    client_id: String,
    secret: String,
    ids: Ids,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Live users by token.
    users: BTreeMap<String, User>,
    /// Every `client_user_id` ever used: a removed user's id is not released (the docs say so).
    client_user_ids: BTreeSet<String>,
    beacon_users: BTreeMap<String, BeaconUserCreateResponse>,
}

struct User {
    user_id: String,
    identity: Option<ConsumerReportUserIdentity>,
    items: Vec<Item>,
}

impl State {
    /// The user a request names, by token or (beta) by user id.
    fn user_mut(
        &mut self,
        token: Option<&str>,
        user_id: Option<&str>,
    ) -> Result<(String, &mut User), ServerError> {
        let token = match (token, user_id) {
            (Some(token), _) => token.to_owned(),
            (None, Some(id)) => self
                .users
                .iter()
                .find(|(_, user)| user.user_id == id)
                .map(|(token, _)| token.clone())
                .ok_or_else(|| user_missing("INVALID_USER_ID"))?,
            (None, None) => return Err(user_missing("INVALID_USER_TOKEN")),
        };
        match self.users.get_mut(&token) {
            Some(user) => Ok((token, user)),
            None => Err(user_missing("INVALID_USER_TOKEN")),
        }
    }
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
    pub fn new(client_id: String, secret: String, seed: Option<u64>) -> Self {
        Self {
            client_id,
            secret,
            ids: Ids::new(seed),
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave a half-applied change here (every
        // change is a single insert or assignment), so a poisoned lock is safe to reuse.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn healthy_item(&self) -> Item {
        Item {
            item_id: self.ids.alphanumeric(37),
            institution_id: Nullable::Value(INSTITUTION_ID.into()),
            institution_name: Nullable::Value(INSTITUTION_NAME.into()),
            webhook: None,
            auth_method: Nullable::Value(ItemAuthMethod::InstantAuth),
            error: None,
            available_products: vec![Products::Balance, Products::Identity],
            billed_products: vec![Products::Auth, Products::Transactions],
            products: Some(vec![Products::Auth, Products::Transactions]),
            consented_products: Some(vec![Products::Auth, Products::Transactions]),
            consent_expiration_time: None,
            update_type: ItemUpdateType::Background,
        }
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
            suggested_action: Nullable::Null,
        }
    }
}

impl ServiceBasics for Sandbox {
    fn authenticate(&self, client_id: &str, secret: &str) -> bool {
        client_id == self.client_id && secret == self.secret
    }

    fn next_request_id(&self) -> String {
        self.ids.request_id()
    }
}

impl PlaidApiService for Sandbox {
    async fn user_create(
        &self,
        context: RequestContext,
        request: UserCreateRequest,
    ) -> Result<UserCreateResponse, ServerError> {
        let token = format!("user-sandbox-{}", self.ids.uuid());
        let user_id = self.ids.alphanumeric(29);
        let item = self.healthy_item();
        let mut state = self.state();
        if !state.client_user_ids.insert(request.client_user_id.clone()) {
            return Err(ServerError::new(
                400,
                "INVALID_INPUT",
                "USER_ALREADY_EXISTS",
                "a user has already been created for this client_user_id; it cannot be used again, even after /user/remove",
            ));
        }
        let user = User {
            user_id: user_id.clone(),
            identity: request.consumer_report_user_identity,
            items: vec![item],
        };
        state.users.insert(token.clone(), user);
        Ok(UserCreateResponse {
            user_token: Some(token),
            user_id,
            request_id: context.request_id,
        })
    }

    async fn user_update(
        &self,
        context: RequestContext,
        request: UserUpdateRequest,
    ) -> Result<UserUpdateResponse, ServerError> {
        let mut state = self.state();
        let (_, user) =
            state.user_mut(request.user_token.as_deref(), request.user_id.as_deref())?;
        if let Some(identity) = request.consumer_report_user_identity {
            user.identity = Some(identity);
        }
        Ok(UserUpdateResponse {
            request_id: context.request_id,
        })
    }

    async fn user_remove(
        &self,
        context: RequestContext,
        request: UserRemoveRequest,
    ) -> Result<UserRemoveResponse, ServerError> {
        let mut state = self.state();
        let (token, _) =
            state.user_mut(request.user_token.as_deref(), request.user_id.as_deref())?;
        state.users.remove(&token);
        Ok(UserRemoveResponse {
            request_id: context.request_id,
        })
    }

    async fn user_items_get(
        &self,
        context: RequestContext,
        request: UserItemsGetRequest,
    ) -> Result<UserItemsGetResponse, ServerError> {
        let mut state = self.state();
        let (_, user) = state.user_mut(Some(&request.user_token), None)?;
        Ok(UserItemsGetResponse {
            items: user.items.clone(),
            request_id: context.request_id,
        })
    }

    async fn sandbox_user_reset_login(
        &self,
        context: RequestContext,
        request: SandboxUserResetLoginRequest,
    ) -> Result<SandboxUserResetLoginResponse, ServerError> {
        let mut state = self.state();
        let (_, user) = state.user_mut(Some(&request.user_token), None)?;
        // The docs: all of the user's Items when the list is absent or empty.
        let selected = request.item_ids.filter(|ids| !ids.is_empty());
        if let Some(ids) = &selected
            && let Some(unknown) = ids
                .iter()
                .find(|id| !user.items.iter().any(|item| item.item_id == **id))
        {
            return Err(ServerError::new(
                400,
                "INVALID_INPUT",
                "INVALID_ITEM_ID",
                format!("item_ids names an Item this user does not have: {unknown}"),
            ));
        }
        for item in &mut user.items {
            if selected
                .as_ref()
                .is_none_or(|ids| ids.contains(&item.item_id))
            {
                item.error = Some(Self::login_required(&context.request_id));
                item.update_type = ItemUpdateType::UserPresentRequired;
            }
        }
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
        let accounts = user.depository_accounts.map(|accounts| {
            accounts
                .into_iter()
                .map(|account| BeaconUserDepositoryAccount {
                    account_mask: last_four(&account.account_number),
                    routing_number: account.routing_number,
                    added_at: now.clone(),
                })
                .collect()
        });
        let item_ids = request
            .access_tokens
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
                date_of_birth: user.date_of_birth,
                name: Some(user.name),
                email_address: user.email_address,
                ip_address: user.ip_address,
                depository_accounts: accounts,
                id_number: user.id_number,
                address: user.address,
                phone_number: user.phone_number,
            },
            audit_trail: BeaconAuditTrail {
                source: BeaconAuditTrailSource::Api,
                dashboard_user_id: None,
                timestamp: now,
            },
            request_id: context.request_id,
        };
        self.state()
            .beacon_users
            .insert(response.id.clone(), response.clone());
        Ok(response)
    }
}

/// The account number's last four digits: all the response shows of it.
fn last_four(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    chars[chars.len().saturating_sub(4)..].iter().collect()
}
