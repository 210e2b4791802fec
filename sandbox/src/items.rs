//! Items linked with `/sandbox/public_token/create`: the Sandbox's test institutions and its
//! standard user's accounts, the state each Item keeps, and how an answer is made the Item's
//! own.
//!
//! Sources: Plaid's "Sandbox institutions" and "Sandbox test credentials" pages, and the
//! accounts and balances of the OpenAPI's documented examples for `user_good` (the CD's, which
//! no example shows, from the Sandbox's own answers).

use std::collections::HashMap;
use std::time::Instant;

use plaid_api::models::{CountryCode, Products};
use plaid_api::server_support::ServerError;
use serde_json::{Value, json};

use crate::ids::Ids;
use crate::transactions::ItemTransactions;

/// A test institution of the Sandbox, as `/sandbox/public_token/create` links Items there and
/// the institutions operations show it.
pub struct Institution {
    pub id: &'static str,
    pub name: &'static str,
    /// The products an Item there can be created with.
    pub products: &'static [Products],
    pub country_codes: &'static [CountryCode],
    /// Whether Link reaches it through OAuth.
    pub oauth: bool,
    /// Where the docs show more of it in an API answer: its routing and DTC numbers, URL and
    /// primary color. Empty or `None` where they show nothing.
    pub routing_numbers: &'static [&'static str],
    pub dtc_numbers: &'static [&'static str],
    pub url: Option<&'static str>,
    pub primary_color: Option<&'static str>,
    /// Instant Match and Automated Micro-deposits, the Auth methods besides Instant Auth (which
    /// `auth` in `products` stands for).
    pub instant_match_and_micro_deposits: bool,
}

/// What the Sandbox's US banks offer the standard user.
const US_PRODUCTS: &[Products] = &[
    Products::Assets,
    Products::Auth,
    Products::Balance,
    Products::BalancePlus,
    Products::Identity,
    Products::IdentityMatch,
    Products::Investments,
    Products::InvestmentsAuth,
    Products::Liabilities,
    Products::Transactions,
    Products::IncomeVerification,
    Products::Transfer,
    Products::Employment,
    Products::RecurringTransactions,
    Products::Signal,
    Products::Statements,
    Products::ProcessorPayments,
    Products::ProcessorIdentity,
    Products::ProtectLinkedBank,
];

/// Open-banking institutions (UK, Europe): no investments or US money movement, but payment
/// initiation.
const OPEN_BANKING_PRODUCTS: &[Products] = &[
    Products::Auth,
    Products::Balance,
    Products::Identity,
    Products::Transactions,
    Products::PaymentInitiation,
    Products::StandingOrders,
];

const CANADA_PRODUCTS: &[Products] = &[
    Products::Assets,
    Products::Auth,
    Products::Balance,
    Products::Identity,
    Products::Investments,
    Products::Liabilities,
    Products::Transactions,
];

/// A US bank the docs mark "non-OAuth", of which they show nothing more.
const US_BANK: Institution = Institution {
    id: "",
    name: "",
    products: US_PRODUCTS,
    country_codes: &[CountryCode::Us],
    oauth: false,
    routing_numbers: &[],
    dtc_numbers: &[],
    url: None,
    primary_color: None,
    instant_match_and_micro_deposits: false,
};

/// A UK open-banking institution: the OAuth guide says every European institution uses OAuth.
const UK_BANK: Institution = Institution {
    products: OPEN_BANKING_PRODUCTS,
    country_codes: &[CountryCode::Gb],
    oauth: true,
    ..US_BANK
};

/// The Sandbox-only institutions the docs list ("Sandbox institutions"), with what the page
/// says of each: non-OAuth, Canadian or UK, for OAuth testing.
pub const INSTITUTIONS: &[Institution] = &[
    Institution {
        id: "ins_109508",
        name: "First Platypus Bank",
        ..US_BANK
    },
    Institution {
        id: "ins_130016",
        name: "First Platypus Balance Bank",
        ..US_BANK
    },
    Institution {
        id: "ins_109509",
        name: "First Gingham Credit Union",
        ..US_BANK
    },
    Institution {
        id: "ins_109510",
        name: "Tattersall Federal Credit Union",
        ..US_BANK
    },
    Institution {
        id: "ins_109511",
        name: "Tartan Bank",
        ..US_BANK
    },
    // "For Instant Match and Automated Micro-deposits testing"; the rest is its record in
    // `/institutions/get_by_id`'s documented answer (whose products, a shorter list, are not
    // taken: these are the products it links with).
    Institution {
        id: "ins_109512",
        name: "Houndstooth Bank",
        routing_numbers: &["011000138", "011200365", "011400495"],
        dtc_numbers: &["2236", "0955", "1367"],
        url: Some("https://plaid.com"),
        primary_color: Some("#004966"),
        instant_match_and_micro_deposits: true,
        ..US_BANK
    },
    Institution {
        id: "ins_43",
        name: "Tartan-Dominion Bank of Canada",
        products: CANADA_PRODUCTS,
        country_codes: &[CountryCode::Ca],
        ..US_BANK
    },
    Institution {
        id: "ins_116834",
        name: "Flexible Platypus Open Banking",
        ..UK_BANK
    },
    Institution {
        id: "ins_117650",
        name: "Royal Bank of Plaid",
        ..UK_BANK
    },
    Institution {
        id: "ins_127287",
        name: "Platypus OAuth Bank",
        oauth: true,
        ..US_BANK
    },
    Institution {
        id: "ins_132241",
        name: "First Platypus OAuth App2App Bank",
        oauth: true,
        ..US_BANK
    },
    // The UK bank's namesake, for OAuth QR code authentication (a European flow).
    Institution {
        id: "ins_117181",
        name: "Flexible Platypus Open Banking",
        ..UK_BANK
    },
];

/// Where every new user's Item is linked: First Platypus Bank.
pub const USER_ITEM_INSTITUTION: &Institution = &INSTITUTIONS[0];

pub fn institution(id: &str) -> Option<u8> {
    INSTITUTIONS
        .iter()
        .position(|institution| institution.id == id)
        .and_then(|index| u8::try_from(index).ok())
}

/// Plaid's error for an `institution_id` it does not know, or (`/institutions/get_by_id`) one
/// outside the countries the request names.
pub fn invalid_institution(outside_countries: bool) -> ServerError {
    let message = if outside_countries {
        "the institution serves none of the country_codes requested"
    } else {
        "the institution_id specified is invalid or does not exist in the sandbox"
    };
    error("INVALID_INPUT", "INVALID_INSTITUTION", message)
}

/// One of the standard user's accounts.
pub struct Account {
    pub name: &'static str,
    pub official_name: Option<&'static str>,
    pub mask: &'static str,
    pub type_: &'static str,
    pub subtype: &'static str,
    pub available: Option<f64>,
    pub current: f64,
    pub limit: Option<f64>,
}

impl Account {
    pub fn is_depository(&self) -> bool {
        self.type_ == "depository"
    }
}

/// `user_good`'s accounts, in the Sandbox's order.
pub const ACCOUNTS: &[Account] = &[
    Account {
        name: "Plaid Checking",
        official_name: Some("Plaid Gold Standard 0% Interest Checking"),
        mask: "0000",
        type_: "depository",
        subtype: "checking",
        available: Some(100.0),
        current: 110.0,
        limit: None,
    },
    Account {
        name: "Plaid Saving",
        official_name: Some("Plaid Silver Standard 0.1% Interest Saving"),
        mask: "1111",
        type_: "depository",
        subtype: "savings",
        available: Some(200.0),
        current: 210.0,
        limit: None,
    },
    Account {
        name: "Plaid CD",
        official_name: Some("Plaid Bronze Standard 0.2% Interest CD"),
        mask: "2222",
        type_: "depository",
        subtype: "cd",
        available: None,
        current: 1000.0,
        limit: None,
    },
    Account {
        name: "Plaid Credit Card",
        official_name: Some("Plaid Diamond 12.5% APR Interest Credit Card"),
        mask: "3333",
        type_: "credit",
        subtype: "credit card",
        available: None,
        current: 410.0,
        limit: Some(2000.0),
    },
    Account {
        name: "Plaid Money Market",
        official_name: Some("Plaid Platinum Standard 1.85% Interest Money Market"),
        mask: "4444",
        type_: "depository",
        subtype: "money market",
        available: Some(43200.0),
        current: 43200.0,
        limit: None,
    },
    Account {
        name: "Plaid IRA",
        official_name: None,
        mask: "5555",
        type_: "investment",
        subtype: "ira",
        available: None,
        current: 110.01,
        limit: None,
    },
    Account {
        name: "Plaid 401k",
        official_name: None,
        mask: "6666",
        type_: "investment",
        subtype: "401k",
        available: None,
        current: 23631.9805,
        limit: None,
    },
    Account {
        name: "Plaid Student Loan",
        official_name: None,
        mask: "7777",
        type_: "loan",
        subtype: "student",
        available: None,
        current: 65262.0,
        limit: None,
    },
    Account {
        name: "Plaid Mortgage",
        official_name: None,
        mask: "8888",
        type_: "loan",
        subtype: "mortgage",
        available: None,
        current: 56302.06,
        limit: None,
    },
];

/// The routing numbers `/auth/get` answers for the standard user's depository accounts.
const ROUTING: &str = "011401533";
const WIRE_ROUTING: &str = "021000021";

/// Where an Item stands.
pub enum Status {
    Good,
    /// Set by `/sandbox/item/reset_login`, with the request id of that reset.
    LoginRequired(Box<str>),
    /// Removed by `/item/remove`: its tokens answer `ITEM_NOT_FOUND`.
    Removed,
}

/// A linked Item. Its ids and tokens are computed from its index (see `ids`), so only what
/// changes is stored.
pub struct LinkedItem {
    pub institution: u8,
    pub products: Vec<Products>,
    pub webhook: Option<Box<str>>,
    pub status: Status,
    /// Bumped by `/item/access_token/invalidate`: the access token's MAC covers it.
    pub generation: u64,
    /// Until when the public token may be exchanged; `None` once exchanged.
    pub public_token_expires: Option<Instant>,
    pub transactions: ItemTransactions,
}

/// What a linked Item costs besides its webhook URL and added transactions: its slot (128
/// bytes today; a test holds it within this) twice over, since the `Vec` of slots may be up to
/// half empty after it grows, and its product list's allocation. Measured with oha, an Item
/// costs 261 to 275 bytes of resident memory (BENCHMARKS.md).
pub const ITEM_OVERHEAD_BYTES: usize = 320;

/// The Sandbox institution at `place` in [`INSTITUTIONS`], as an Item stores it.
pub fn institution_at(place: u8) -> &'static Institution {
    &INSTITUTIONS[usize::from(place)]
}

/// What the API shows of a linked Item besides its ids: `Sandbox::linked_item` builds the
/// Item from its index and this alone, so two equal `ItemShown` of one Item show the same Item.
#[derive(Clone, PartialEq)]
pub struct ItemShown {
    pub institution: u8,
    pub products: Vec<Products>,
    pub webhook: Option<Box<str>>,
    /// The request id of the `/sandbox/item/reset_login` that put the Item into
    /// `ITEM_LOGIN_REQUIRED`.
    pub login_required: Option<Box<str>>,
}

impl ItemShown {
    pub fn institution(&self) -> &'static Institution {
        institution_at(self.institution)
    }
}

impl LinkedItem {
    pub fn institution(&self) -> &'static Institution {
        institution_at(self.institution)
    }

    pub fn shown(&self) -> ItemShown {
        ItemShown {
            institution: self.institution,
            products: self.products.clone(),
            webhook: self.webhook.clone(),
            login_required: match &self.status {
                Status::LoginRequired(request_id) => Some(request_id.clone()),
                Status::Good | Status::Removed => None,
            },
        }
    }

    pub fn stored_bytes(&self) -> usize {
        ITEM_OVERHEAD_BYTES
            + self.webhook.as_deref().map_or(0, str::len)
            + self.transactions.stored_bytes()
    }
}

/// An error in the API's shape, as Plaid documents it.
pub fn error(error_type: &str, code: &str, message: &str) -> ServerError {
    ServerError::new(400, error_type, code, message)
}

pub fn invalid_access_token() -> ServerError {
    error(
        "INVALID_INPUT",
        "INVALID_ACCESS_TOKEN",
        "provided access token is in an invalid format or was not issued by this sandbox, or has been invalidated",
    )
}

pub fn item_not_found() -> ServerError {
    error(
        "ITEM_ERROR",
        "ITEM_NOT_FOUND",
        "the Item you requested cannot be found. This Item does not exist, has been previously removed via /item/remove, or has had access removed by the user",
    )
}

pub const LOGIN_REQUIRED_MESSAGE: &str = "the login details of this item have changed (credentials, MFA, or required user action) \
     and a user login is required to update this information. use Link's update mode to \
     restore the item to a good state";

pub fn login_required_error() -> ServerError {
    error("ITEM_ERROR", "ITEM_LOGIN_REQUIRED", LOGIN_REQUIRED_MESSAGE)
}

/// The error a `error_<CODE>` test password makes `/sandbox/public_token/create` answer, per
/// "Sandbox test credentials": the Item and institution errors Link can meet.
pub fn test_credential_error(code: &str) -> Option<ServerError> {
    let (status, error_type, message) = match code {
        "INVALID_CREDENTIALS" => (
            400,
            "ITEM_ERROR",
            "the provided credentials were not correct",
        ),
        "INVALID_MFA" => (
            400,
            "ITEM_ERROR",
            "the provided MFA responses were not correct",
        ),
        "INVALID_SEND_METHOD" => (
            400,
            "ITEM_ERROR",
            "the provided MFA send method was not correct",
        ),
        "INSUFFICIENT_CREDENTIALS" => (
            400,
            "ITEM_ERROR",
            "insufficient authorization was provided to complete the request",
        ),
        "ITEM_LOCKED" => (
            400,
            "ITEM_ERROR",
            "the financial institution indicated that the user's account is locked",
        ),
        "ITEM_LOGIN_REQUIRED" => (400, "ITEM_ERROR", LOGIN_REQUIRED_MESSAGE),
        "ITEM_NOT_SUPPORTED" => (400, "ITEM_ERROR", "this account is currently not supported"),
        "MFA_NOT_SUPPORTED" => (
            400,
            "ITEM_ERROR",
            "this account requires a form of MFA that is not currently supported",
        ),
        "NO_ACCOUNTS" => (
            400,
            "ITEM_ERROR",
            "no valid accounts were found for this Item",
        ),
        "NO_AUTH_ACCOUNTS" => (
            400,
            "ITEM_ERROR",
            "no valid checking or savings account(s) found",
        ),
        "NO_INVESTMENT_ACCOUNTS" => (400, "ITEM_ERROR", "no investment accounts found"),
        "NO_LIABILITY_ACCOUNTS" => (400, "ITEM_ERROR", "no liability accounts found"),
        "USER_SETUP_REQUIRED" => (
            400,
            "ITEM_ERROR",
            "the user must log in directly to the financial institution and take some action",
        ),
        "INSTITUTION_DOWN" => (
            400,
            "INSTITUTION_ERROR",
            "this financial institution is not currently responding to requests",
        ),
        "INSTITUTION_NOT_RESPONDING" => (
            400,
            "INSTITUTION_ERROR",
            "this financial institution is not currently responding to requests",
        ),
        "INSTITUTION_NOT_AVAILABLE" => (
            400,
            "INSTITUTION_ERROR",
            "this financial institution is not currently responding to requests",
        ),
        "INSTITUTION_NO_LONGER_SUPPORTED" => (
            400,
            "INSTITUTION_ERROR",
            "this financial institution is no longer supported",
        ),
        "INTERNAL_SERVER_ERROR" => (500, "API_ERROR", "an unexpected error occurred"),
        "PLANNED_MAINTENANCE" => (
            503,
            "API_ERROR",
            "the API is undergoing scheduled maintenance",
        ),
        _ => return None,
    };
    Some(ServerError::new(status, error_type, code, message))
}

/// The standard user's accounts as the API shows them (`AccountBase`), with the Item's ids.
pub fn accounts_json(ids: &Ids, index: u64) -> Vec<Value> {
    (0u32..)
        .zip(ACCOUNTS)
        .map(|(n, account)| {
            json!({
                "account_id": ids.account_id(index, n),
                "balances": {
                    "available": account.available,
                    "current": account.current,
                    "limit": account.limit,
                    "iso_currency_code": "USD",
                    "unofficial_currency_code": null,
                },
                "mask": account.mask,
                "name": account.name,
                "official_name": account.official_name,
                "type": account.type_,
                "subtype": account.subtype,
            })
        })
        .collect()
}

/// `/auth/get`'s ACH numbers: one per depository account, none for the others.
pub fn ach_numbers_json(ids: &Ids, index: u64) -> Vec<Value> {
    (0u32..)
        .zip(ACCOUNTS)
        .filter(|(_, account)| account.is_depository())
        .map(|(n, account)| {
            json!({
                "account_id": ids.account_id(index, n),
                "account": format!("111122223333{}", account.mask),
                "routing": ROUTING,
                "wire_routing": WIRE_ROUTING,
            })
        })
        .collect()
}

/// Makes a documented answer the Item's: every `item_id` becomes the Item's, the institution
/// its own, and each distinct `account_id` the id of one of its accounts, in order of first
/// appearance (so that ids that referred to each other still do).
pub struct ItemRenaming<'a> {
    pub ids: &'a Ids,
    pub index: u64,
    pub item_id: String,
    pub institution: &'static Institution,
    accounts: HashMap<String, String>,
}

impl<'a> ItemRenaming<'a> {
    pub fn new(ids: &'a Ids, index: u64, institution: &'static Institution) -> Self {
        Self {
            ids,
            index,
            item_id: ids.linked_item_id(index),
            institution,
            accounts: HashMap::new(),
        }
    }

    fn account(&mut self, id: &mut String) {
        let next = self.accounts.len();
        let ids = self.ids;
        let index = self.index;
        let renamed = self
            .accounts
            .entry(std::mem::take(id))
            .or_insert_with(|| ids.account_id(index, u32::try_from(next).unwrap_or(u32::MAX)));
        id.clone_from(renamed);
    }

    pub fn apply(&mut self, value: &mut Value) {
        match value {
            Value::Object(fields) => {
                for (key, field) in fields.iter_mut() {
                    match (key.as_str(), field) {
                        ("item_id", Value::String(id)) => id.clone_from(&self.item_id),
                        ("institution_id", Value::String(id)) => {
                            *id = self.institution.id.to_owned();
                        }
                        ("institution_name", Value::String(name)) => {
                            *name = self.institution.name.to_owned();
                        }
                        ("account_id", Value::String(id)) => self.account(id),
                        ("account_ids", Value::Array(list)) => {
                            for item in list {
                                match item {
                                    Value::String(id) => self.account(id),
                                    other => self.apply(other),
                                }
                            }
                        }
                        (_, other) => self.apply(other),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| self.apply(item)),
            _ => {}
        }
    }
}
