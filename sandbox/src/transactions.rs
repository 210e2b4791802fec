//! Each linked Item's transactions: a history generated from the sandbox's key and the Item's
//! index (so `--seed` reproduces it), then what happened since, in one change log that
//! `/transactions/sync` pages through with cursors and `/transactions/get` reads the current
//! state of.
//!
//! The history covers the 730 days up to the Item's creation day (UTC): dates are relative to
//! when the Item was linked, and stay put for its life, so a cursor keeps meaning the same
//! position. It is computed again on each request rather than stored (about 550 transactions,
//! a few microseconds). What happened since is stored as events, each counted against
//! `--max-stored-bytes`, and appended to the log in order, so that every cursor handed out
//! keeps its place:
//! - a transaction `/sandbox/transactions/create` added (`CUSTOM_OVERHEAD_BYTES` plus its
//!   description and currency code);
//! - a `/transactions/refresh` of an Item of the `user_transactions_dynamic` test user
//!   (`REFRESH_BYTES`), whose activity moves as Plaid's docs describe a transaction's life
//!   ("Transaction states"): each refresh adds a new pending purchase, modifies the previous
//!   refresh's pending purchase (its tip is added), and posts the one before that, which is
//!   `removed` as pending and `added` as posted with its `pending_transaction_id`.

use std::time::{SystemTime, UNIX_EPOCH};

use plaid_api::Nullable;
use plaid_api::models::{
    CustomSandboxTransaction, Location, PaymentMeta, PersonalFinanceCategory, Transaction,
    TransactionPaymentChannel,
};
use plaid_api::server_support::ServerError;
use time::Date;
use time::macros::format_description;

use crate::ids::Ids;
use crate::items;

/// Days of history before (and including) the Item's creation day: Plaid's two years.
pub const HISTORY_DAYS: i32 = 730;
/// What one added transaction costs besides its description and currency code: its event
/// (48 bytes) twice over, for the slack of the `Vec` of events, and the allocator's smallest
/// blocks for the two strings. Measured, 104 to 106 bytes with a 12-byte description.
pub const CUSTOM_OVERHEAD_BYTES: usize = 96;
/// What one refresh of a dynamic Item costs: its event, twice over as above.
pub const REFRESH_BYTES: usize = 96;
/// Transactions one `/sandbox/transactions/create` may add, as the API reference says.
pub const MAX_CREATED: usize = 10;
/// The Julian day of 1970-01-01.
const UNIX_EPOCH_JULIAN_DAY: i32 = 2_440_588;

/// The accounts (by place in `items::ACCOUNTS`) that have transactions: the depository and
/// credit ones. Added transactions go to the first, the checking account.
const CHECKING: u8 = 0;
const SAVINGS: u8 = 1;
const CD: u8 = 2;
const CREDIT_CARD: u8 = 3;
const MONEY_MARKET: u8 = 4;

/// What an Item keeps of its transactions.
pub struct ItemTransactions {
    /// The Julian day the Item was created (UTC): the history's last day.
    pub anchor: i32,
    /// Created with the `user_transactions_dynamic` test user: the only Items
    /// `/sandbox/transactions/create` may add to, as the API reference says.
    pub dynamic: bool,
    /// What happened after linking, in order.
    events: Vec<Event>,
}

enum Event {
    Created(Custom),
    /// A `/transactions/refresh` of a dynamic Item, on this Julian day.
    Refreshed(i32),
}

impl Event {
    fn stored_bytes(&self) -> usize {
        match self {
            Self::Created(custom) => custom.stored_bytes(),
            Self::Refreshed(_) => REFRESH_BYTES,
        }
    }
}

/// A transaction `/sandbox/transactions/create` added.
pub struct Custom {
    posted: i32,
    transacted: i32,
    amount: f64,
    currency: Box<str>,
    description: Box<str>,
}

impl Custom {
    pub fn stored_bytes(&self) -> usize {
        CUSTOM_OVERHEAD_BYTES + self.description.len() + self.currency.len()
    }
}

impl ItemTransactions {
    pub fn new(dynamic: bool) -> Self {
        Self {
            anchor: today(),
            dynamic,
            events: Vec::new(),
        }
    }

    pub fn stored_bytes(&self) -> usize {
        self.events.iter().map(Event::stored_bytes).sum()
    }

    /// The transactions created and refreshes made since linking: what
    /// `Limits::max_item_changes` bounds, since every request for the Item walks them.
    pub fn changes(&self) -> usize {
        self.events.len()
    }

    pub fn add(&mut self, customs: Vec<Custom>) {
        self.events.extend(customs.into_iter().map(Event::Created));
    }

    /// Records a refresh of today, which changes the activity of a dynamic Item.
    pub fn refresh(&mut self) {
        self.events.push(Event::Refreshed(today()));
    }

    /// Forgets what happened since linking (the Item was removed).
    pub fn clear(&mut self) {
        self.events = Vec::new();
    }
}

/// Today's Julian day, UTC.
fn today() -> i32 {
    let days = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs() / 86_400);
    UNIX_EPOCH_JULIAN_DAY + i32::try_from(days).unwrap_or(0)
}

fn date_text(day: i32) -> String {
    Date::from_julian_day(day).map_or_else(|_| "1970-01-01".to_owned(), |date| date.to_string())
}

/// A `YYYY-MM-DD` date as a Julian day, or the documented error naming the field.
pub fn parse_date(text: &str, field: &str) -> Result<i32, ServerError> {
    Date::parse(text, format_description!("[year]-[month]-[day]"))
        .map(Date::to_julian_day)
        .map_err(|_| invalid_field(&format!("{field} must be a date in the format YYYY-MM-DD")))
}

pub fn invalid_field(message: &str) -> ServerError {
    items::error("INVALID_REQUEST", "INVALID_FIELD", message)
}

/// How a kind of transaction happens.
#[derive(Clone, Copy)]
enum Schedule {
    /// On a day with this chance (per mille), on the accounts listed.
    Random(u32),
    /// Once a month, on this day of the 28-day cycle.
    Monthly(i32),
    /// Every 14 days.
    Biweekly,
}

/// A kind of transaction of the standard user.
struct Kind {
    name: &'static str,
    merchant: Option<&'static str>,
    primary: &'static str,
    detailed: &'static str,
    channel: TransactionPaymentChannel,
    account: u8,
    schedule: Schedule,
    /// The amount's range in cents (positive: money out of the account).
    cents: (i64, i64),
}

const fn kind(
    name: &'static str,
    merchant: Option<&'static str>,
    (primary, detailed): (&'static str, &'static str),
    channel: TransactionPaymentChannel,
    account: u8,
    schedule: Schedule,
    cents: (i64, i64),
) -> Kind {
    Kind {
        name,
        merchant,
        primary,
        detailed,
        channel,
        account,
        schedule,
        cents,
    }
}

use Schedule::{Biweekly, Monthly, Random};
use TransactionPaymentChannel::{InStore, Online, Other};

/// The standard user's life, by account: about 9 transactions a month on checking, 9 on the
/// credit card and one or two on each savings account.
const KINDS: &[Kind] = &[
    kind(
        "ACME CORP PAYROLL",
        None,
        ("INCOME", "INCOME_WAGES"),
        Other,
        CHECKING,
        Biweekly,
        (-260_000, -250_000),
    ),
    kind(
        "CREDIT CARD 3333 PAYMENT *//",
        None,
        ("LOAN_PAYMENTS", "LOAN_PAYMENTS_CREDIT_CARD_PAYMENT"),
        Other,
        CHECKING,
        Monthly(3),
        (2_500, 30_000),
    ),
    kind(
        "Online Transfer to SAV 1111",
        None,
        ("TRANSFER_OUT", "TRANSFER_OUT_ACCOUNT_TRANSFER"),
        Online,
        CHECKING,
        Monthly(5),
        (5_000, 50_000),
    ),
    kind(
        "Starbucks",
        Some("Starbucks"),
        ("FOOD_AND_DRINK", "FOOD_AND_DRINK_COFFEE"),
        InStore,
        CHECKING,
        Random(70),
        (350, 900),
    ),
    kind(
        "McDonald's",
        Some("McDonald's"),
        ("FOOD_AND_DRINK", "FOOD_AND_DRINK_FAST_FOOD"),
        InStore,
        CHECKING,
        Random(50),
        (500, 1_500),
    ),
    kind(
        "KFC",
        Some("KFC"),
        ("FOOD_AND_DRINK", "FOOD_AND_DRINK_FAST_FOOD"),
        InStore,
        CHECKING,
        Random(40),
        (600, 1_800),
    ),
    kind(
        "Touchstone Climbing",
        Some("Touchstone Climbing"),
        ("PERSONAL_CARE", "PERSONAL_CARE_GYMS_AND_FITNESS_CENTERS"),
        InStore,
        CHECKING,
        Monthly(10),
        (7_850, 7_850),
    ),
    kind(
        "Online Transfer from CHK 0000",
        None,
        ("TRANSFER_IN", "TRANSFER_IN_ACCOUNT_TRANSFER"),
        Online,
        SAVINGS,
        Monthly(5),
        (-50_000, -5_000),
    ),
    kind(
        "INTRST PYMNT",
        None,
        ("INCOME", "INCOME_INTEREST_EARNED"),
        Other,
        SAVINGS,
        Monthly(27),
        (-500, -1),
    ),
    kind(
        "INTRST PYMNT",
        None,
        ("INCOME", "INCOME_INTEREST_EARNED"),
        Other,
        CD,
        Monthly(27),
        (-2_000, -100),
    ),
    kind(
        "INTRST PYMNT",
        None,
        ("INCOME", "INCOME_INTEREST_EARNED"),
        Other,
        MONEY_MARKET,
        Monthly(27),
        (-9_000, -5_000),
    ),
    kind(
        "AUTOMATIC PAYMENT - THANK",
        None,
        ("LOAN_PAYMENTS", "LOAN_PAYMENTS_CREDIT_CARD_PAYMENT"),
        Other,
        CREDIT_CARD,
        Monthly(4),
        (-30_000, -2_500),
    ),
    kind(
        "Uber 063015 SF**POOL**",
        Some("Uber"),
        ("TRANSPORTATION", "TRANSPORTATION_TAXIS_AND_RIDE_SHARES"),
        Online,
        CREDIT_CARD,
        Random(90),
        (500, 4_000),
    ),
    kind(
        "United Airlines",
        Some("United Airlines"),
        ("TRAVEL", "TRAVEL_FLIGHTS"),
        InStore,
        CREDIT_CARD,
        Random(8),
        (15_000, 60_000),
    ),
    kind(
        "Starbucks",
        Some("Starbucks"),
        ("FOOD_AND_DRINK", "FOOD_AND_DRINK_COFFEE"),
        InStore,
        CREDIT_CARD,
        Random(60),
        (350, 900),
    ),
    kind(
        "SparkFun",
        Some("SparkFun"),
        ("GENERAL_MERCHANDISE", "GENERAL_MERCHANDISE_ELECTRONICS"),
        Online,
        CREDIT_CARD,
        Random(30),
        (1_000, 9_000),
    ),
    kind(
        "Madison Bicycle Shop",
        Some("Madison Bicycle Shop"),
        ("GENERAL_MERCHANDISE", "GENERAL_MERCHANDISE_SPORTING_GOODS"),
        InStore,
        CREDIT_CARD,
        Random(15),
        (2_000, 50_000),
    ),
    kind(
        "Tectra Inc",
        Some("Tectra"),
        ("ENTERTAINMENT", "ENTERTAINMENT_OTHER_ENTERTAINMENT"),
        InStore,
        CREDIT_CARD,
        Random(20),
        (1_000, 50_000),
    ),
];

/// One entry of an Item's change log, as compact as the answers need.
#[derive(Clone, Copy)]
pub struct Entry {
    /// Its place in the log: what the cursors are computed from.
    pub position: u64,
    /// The place of the entry that added the transaction this one is about (its own for an
    /// added transaction): what the transaction's id is computed from.
    pub subject: u64,
    pub change: Change,
    pub account: u8,
    pub posted: i32,
    transacted: i32,
    source: Source,
}

/// What an entry does to the transaction it is about, as `/transactions/sync` lists it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added,
    Modified,
    Removed,
}

#[derive(Clone, Copy)]
enum Source {
    /// `KINDS[kind]`, of this many cents.
    Generated { kind: u8, cents: i64 },
    /// `ItemTransactions::events[n]`, a created transaction.
    Custom(usize),
    /// The purchase of a dynamic Item's refresh `ordinal` (0 for the first): pending, with
    /// its tip once modified, or posted with the id of its pending self.
    Purchase {
        ordinal: u32,
        tipped: bool,
        pending_of: Option<u64>,
    },
}

/// Of the purchases a dynamic Item's refreshes make: the kind (a checking-account purchase)
/// and its cents before the tip, drawn from the Item's seed and the refresh's ordinal.
fn purchase(ids: &Ids, index: u64, ordinal: u32) -> (u8, i64) {
    const KINDS_OF_PURCHASES: [u8; 3] = [3, 4, 5];
    let mut rng = fastrand::Rng::with_seed(ids.history_seed(index) ^ (u64::from(ordinal) + 1));
    let kind = KINDS_OF_PURCHASES[rng.usize(..KINDS_OF_PURCHASES.len())];
    let (low, high) = KINDS[usize::from(kind)].cents;
    (kind, rng.i64(low..=high))
}

/// A fifth, rounded to the cent: what a restaurant's tip adds to its pending charge.
fn tipped(cents: i64) -> i64 {
    cents + (cents + 2) / 5
}

/// An Item's change log: its generated history, oldest first, then what happened since.
pub fn log(ids: &Ids, index: u64, item: &ItemTransactions) -> Vec<Entry> {
    let mut rng = fastrand::Rng::with_seed(ids.history_seed(index));
    let first = item.anchor - (HISTORY_DAYS - 1);
    let mut entries = Vec::with_capacity(600 + 2 * item.events.len());
    let mut push = |change: Change,
                    subject: Option<u64>,
                    (account, posted, transacted): (u8, i32, i32),
                    source: Source| {
        let position = entries.len() as u64;
        entries.push(Entry {
            position,
            subject: subject.unwrap_or(position),
            change,
            account,
            posted,
            transacted,
            source,
        });
        position
    };
    for day in first..=item.anchor {
        let age = day - first;
        for (n, kind) in KINDS.iter().enumerate() {
            let happens = match kind.schedule {
                Random(per_mille) => rng.u32(..1000) < per_mille,
                Monthly(on) => age % 28 == on,
                Biweekly => age % 14 == 13,
            };
            if !happens {
                continue;
            }
            let cents = rng.i64(kind.cents.0..=kind.cents.1);
            // A card purchase posts a day or two after it was made; the rest the same day.
            let transacted = if matches!(kind.schedule, Random(_)) {
                day - rng.i32(0..=2)
            } else {
                day
            };
            let kind = u8::try_from(n).unwrap_or(u8::MAX);
            push(
                Change::Added,
                None,
                (kind_account(kind), day, transacted),
                Source::Generated { kind, cents },
            );
        }
    }
    // Each refresh's purchase: where it was added and on which day, by ordinal.
    let mut purchases: Vec<(u64, i32)> = Vec::new();
    for (n, event) in item.events.iter().enumerate() {
        match *event {
            Event::Created(ref custom) => {
                push(
                    Change::Added,
                    None,
                    (CHECKING, custom.posted, custom.transacted),
                    Source::Custom(n),
                );
            }
            Event::Refreshed(day) => {
                let ordinal = u32::try_from(purchases.len()).unwrap_or(u32::MAX);
                let new = Source::Purchase {
                    ordinal,
                    tipped: false,
                    pending_of: None,
                };
                purchases.push((push(Change::Added, None, (CHECKING, day, day), new), day));
                // The purchase of `back` refreshes ago, with its tip, pending or posted.
                let earlier = |back: u32| {
                    let ordinal = ordinal.checked_sub(back)?;
                    let &(at, on) = purchases.get(usize::try_from(ordinal).ok()?)?;
                    let tipped = move |pending_of| Source::Purchase {
                        ordinal,
                        tipped: true,
                        pending_of,
                    };
                    Some((at, on, tipped))
                };
                if let Some((at, on, tipped)) = earlier(1) {
                    push(Change::Modified, Some(at), (CHECKING, on, on), tipped(None));
                }
                if let Some((at, on, tipped)) = earlier(2) {
                    push(Change::Removed, Some(at), (CHECKING, on, on), tipped(None));
                    push(Change::Added, None, (CHECKING, day, on), tipped(Some(at)));
                }
            }
        }
    }
    entries
}

/// What a page of the log changed, net, as one `/transactions/sync` answer says it: each
/// transaction once, in the order it first appears, with its state at the page's end. A
/// transaction added in the page is `Added` even if modified later in it, and left out if it
/// was removed in it too; a modification or removal of an earlier one stays what it is.
pub fn net_changes<'a>(page: &[&'a Entry]) -> Vec<(&'a Entry, Change)> {
    let mut changes: Vec<Option<(&Entry, Change)>> = Vec::with_capacity(page.len());
    let mut at: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    for &entry in page {
        let Some(&slot) = at.get(&entry.subject) else {
            at.insert(entry.subject, changes.len());
            changes.push(Some((entry, entry.change)));
            continue;
        };
        let Some(change) = changes.get_mut(slot) else {
            continue;
        };
        *change = match (*change, entry.change) {
            (Some((_, Change::Added)), Change::Removed) => None,
            (Some((_, Change::Added)), _) => Some((entry, Change::Added)),
            (Some((_, Change::Modified)), next) => Some((entry, next)),
            // Removed stays removed; a dropped one stays dropped.
            (kept, _) => kept,
        };
    }
    changes.into_iter().flatten().collect()
}

/// The transactions as they stand at the end of the log: each added one not removed since,
/// as last modified, in the order they were added.
pub fn current(log: &[Entry]) -> Vec<&Entry> {
    let mut latest: Vec<Option<&Entry>> = vec![None; log.len()];
    for entry in log {
        let slot = usize::try_from(entry.subject)
            .ok()
            .and_then(|subject| latest.get_mut(subject));
        if let Some(slot) = slot {
            *slot = (entry.change != Change::Removed).then_some(entry);
        }
    }
    latest.into_iter().flatten().collect()
}

fn kind_account(kind: u8) -> u8 {
    KINDS.get(usize::from(kind)).map_or(CHECKING, |k| k.account)
}

/// An entry of `item`'s log as the API shows it.
pub fn transaction(
    ids: &Ids,
    index: u64,
    item: &ItemTransactions,
    entry: &Entry,
) -> Option<Transaction> {
    let (name, merchant, category, channel, amount, currency) = match entry.source {
        Source::Generated { kind, cents } => {
            let kind = &KINDS[usize::from(kind).min(KINDS.len() - 1)];
            (
                kind.name.to_owned(),
                kind.merchant,
                Some((kind.primary, kind.detailed)),
                kind.channel.clone(),
                cents as f64 / 100.0,
                "USD".to_owned(),
            )
        }
        Source::Purchase {
            ordinal,
            tipped: tip,
            ..
        } => {
            let (kind, cents) = purchase(ids, index, ordinal);
            let kind = &KINDS[usize::from(kind)];
            let cents = if tip { tipped(cents) } else { cents };
            (
                kind.name.to_owned(),
                kind.merchant,
                Some((kind.primary, kind.detailed)),
                kind.channel.clone(),
                cents as f64 / 100.0,
                "USD".to_owned(),
            )
        }
        Source::Custom(n) => {
            // The log is built from these events, so the entry's event is there.
            let Some(Event::Created(custom)) = item.events.get(n) else {
                return None;
            };
            (
                custom.description.to_string(),
                None,
                // The sandbox does not categorize what a test adds: no category rather than
                // a made-up one.
                None,
                TransactionPaymentChannel::Other,
                custom.amount,
                custom.currency.to_string(),
            )
        }
    };
    Some(Transaction {
        account_id: ids.account_id(index, u32::from(entry.account)),
        amount,
        iso_currency_code: Some(currency),
        unofficial_currency_code: None,
        category: Nullable::Null,
        category_id: Nullable::Null,
        check_number: Nullable::Null,
        date: date_text(entry.posted),
        location: Location::default(),
        name,
        merchant_name: merchant.map_or(Nullable::Null, |m| Nullable::Value(m.to_owned())),
        original_description: Nullable::Null,
        payment_meta: PaymentMeta::default(),
        pending: matches!(
            entry.source,
            Source::Purchase {
                pending_of: None,
                ..
            }
        ),
        pending_transaction_id: match entry.source {
            Source::Purchase {
                pending_of: Some(at),
                ..
            } => Some(ids.transaction_id(index, at)),
            _ => None,
        },
        account_owner: None,
        transaction_id: ids.transaction_id(index, entry.subject),
        transaction_type: None,
        logo_url: Nullable::Null,
        website: Nullable::Null,
        authorized_date: Some(date_text(entry.transacted)),
        authorized_datetime: None,
        datetime: None,
        payment_channel: channel,
        personal_finance_category: category.map_or(Nullable::Null, |(primary, detailed)| {
            Nullable::Value(PersonalFinanceCategory {
                primary: primary.to_owned(),
                detailed: detailed.to_owned(),
                confidence_level: Nullable::Value("VERY_HIGH".to_owned()),
                version: None,
            })
        }),
        business_finance_category: Nullable::Null,
        transaction_code: None,
        personal_finance_category_icon_url: category.map(|(primary, _)| {
            format!("https://plaid-category-icons.plaid.com/PFC_{primary}.png")
        }),
        counterparties: None,
        merchant_entity_id: Nullable::Null,
        client_customization: Nullable::Null,
    })
}

/// What `/sandbox/transactions/create` asks to add, checked, with what it will cost.
pub fn customs(
    requested: Vec<CustomSandboxTransaction>,
) -> Result<(Vec<Custom>, usize), ServerError> {
    if requested.len() > MAX_CREATED {
        return Err(invalid_field(
            "transactions may hold at most 10 transactions per request",
        ));
    }
    let mut cost = 0;
    let customs = requested
        .into_iter()
        .map(|t| {
            if !t.amount.is_finite() {
                return Err(invalid_field("amount must be a number"));
            }
            let custom = Custom {
                posted: parse_date(&t.date_posted, "date_posted")?,
                transacted: parse_date(&t.date_transacted, "date_transacted")?,
                amount: (t.amount * 100.0).round() / 100.0,
                currency: t
                    .iso_currency_code
                    .unwrap_or_else(|| "USD".to_owned())
                    .into(),
                description: t.description.into(),
            };
            cost += custom.stored_bytes();
            Ok(custom)
        })
        .collect::<Result<_, _>>()?;
    Ok((customs, cost))
}

/// A page size (`count`): 100 unless given, between 1 and 500 as the API reference says.
pub fn page_size(count: Option<i64>, field: &str) -> Result<usize, ServerError> {
    match count.unwrap_or(100) {
        n @ 1..=500 => Ok(usize::try_from(n).unwrap_or(100)),
        _ => Err(invalid_field(&format!("{field} must be between 1 and 500"))),
    }
}

pub fn invalid_cursor() -> ServerError {
    invalid_field(
        "cursor is not one this sandbox issued for this Item (and this options.account_id); \
         omit it to start from the beginning",
    )
}

pub fn not_dynamic() -> ServerError {
    invalid_field(
        "/sandbox/transactions/create adds transactions only to Items created with the \
         user_transactions_dynamic test user",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_history_is_bounded_and_within_its_two_years() {
        let ids = Ids::new(Some(1)).expect("ids");
        let item = ItemTransactions {
            anchor: 2_460_000,
            dynamic: false,
            events: Vec::new(),
        };
        for index in 0..20 {
            let log = log(&ids, index, &item);
            assert!((450..=700).contains(&log.len()), "{}", log.len());
            assert!(log.iter().all(|e| e.posted <= item.anchor
                && e.posted > item.anchor - HISTORY_DAYS
                && e.transacted <= e.posted));
            assert!(log.iter().zip(0..).all(|(e, n)| e.position == n));
            assert!(
                log.windows(2).all(|w| w[0].posted <= w[1].posted),
                "oldest first"
            );
            for account in [CHECKING, CREDIT_CARD] {
                let per_month = log.iter().filter(|e| e.account == account).count() / 24;
                assert!((6..=14).contains(&per_month), "{per_month} a month");
            }
        }
    }

    #[test]
    fn an_item_fits_the_overhead_counted_for_it() {
        let item = std::mem::size_of::<items::LinkedItem>();
        assert!(item <= items::ITEM_OVERHEAD_BYTES, "{item}");
        assert!(std::mem::size_of::<Event>() <= CUSTOM_OVERHEAD_BYTES);
        assert!(std::mem::size_of::<Event>() <= REFRESH_BYTES);
    }
}
