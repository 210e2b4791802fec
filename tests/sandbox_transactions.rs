//! The sandbox's transactions through the generated client: a deterministic history per
//! Item, `/transactions/sync` paged to the end by cursors, `/transactions/get` by dates and
//! pages, the same set both ways, and `/sandbox/transactions/create` adding to the next sync.

use std::collections::BTreeSet;

use plaid_api::prelude::*;
use plaid_tests::{client_builder, link_item};

async fn start_with(seed: Option<u64>) -> Client {
    let config = plaid_sandbox::Config {
        seed,
        ..plaid_tests::sandbox_config()
    };
    let url = plaid_tests::start_sandbox(config).await;
    client_builder(&url).build().expect("client")
}

/// The status and `error_code` of an API error.
fn error_of<T: std::fmt::Debug>(result: Result<T, Error>) -> (u16, String) {
    let (status, _, code) = plaid_tests::api_error(result);
    (status, code)
}

fn sync(access_token: &str, cursor: Option<&str>, count: i64) -> TransactionsSyncRequest {
    TransactionsSyncRequest {
        access_token: access_token.into(),
        cursor: cursor.map(str::to_owned),
        count: Some(count),
        ..Default::default()
    }
}

/// Syncs from `cursor` to the end: every added transaction, the pages it took, the last
/// cursor.
async fn sync_to_end(
    client: &Client,
    access_token: &str,
    cursor: Option<&str>,
    count: i64,
) -> (Vec<Transaction>, usize, String) {
    let mut added = Vec::new();
    let mut cursor = cursor.map(str::to_owned);
    let mut pages = 0;
    loop {
        let page = client
            .transactions_sync(&sync(access_token, cursor.as_deref(), count))
            .await
            .expect("a sync page");
        pages += 1;
        assert!(pages < 1000, "the pages end");
        assert!(page.added.len() <= usize::try_from(count).expect("count"));
        assert!(page.modified.is_empty() && page.removed.is_empty());
        assert_eq!(page.accounts.len(), 9, "the Item's accounts");
        added.extend(page.added);
        cursor = Some(page.next_cursor);
        if !page.has_more {
            return (added, pages, cursor.expect("a cursor"));
        }
    }
}

fn get(
    access_token: &str,
    start: &str,
    end: &str,
    count: i64,
    offset: i64,
) -> TransactionsGetRequest {
    TransactionsGetRequest {
        access_token: access_token.into(),
        start_date: start.into(),
        end_date: end.into(),
        options: Some(TransactionsGetRequestOptions {
            count: Some(count),
            offset: Some(offset),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Every transaction `/transactions/get` answers between the dates, page by page.
async fn get_all(
    client: &Client,
    access_token: &str,
    start: &str,
    end: &str,
) -> (Vec<Transaction>, i64) {
    let mut all = Vec::new();
    loop {
        let offset = i64::try_from(all.len()).expect("offset");
        let page = client
            .transactions_get(&get(access_token, start, end, 500, offset))
            .await
            .expect("a page of transactions");
        let done = page.transactions.is_empty();
        all.extend(page.transactions);
        if done || i64::try_from(all.len()).expect("len") >= page.total_transactions {
            assert_eq!(
                i64::try_from(all.len()).expect("len"),
                page.total_transactions
            );
            return (all, page.total_transactions);
        }
    }
}

fn ids(transactions: &[Transaction]) -> BTreeSet<String> {
    transactions
        .iter()
        .map(|t| t.transaction_id.clone())
        .collect()
}

/// What a transaction is, without its dates (which follow the day the Item was created).
fn essence(t: &Transaction) -> (String, String, String, String) {
    (
        t.transaction_id.clone(),
        t.account_id.clone(),
        t.name.clone(),
        format!("{:.2}", t.amount),
    )
}

const EVER: (&str, &str) = ("1970-01-01", "2999-12-31");

#[tokio::test]
async fn sync_pages_to_the_end_and_get_answers_the_same_set() {
    let client = start_with(None).await;
    let item = link_item(&client).await;
    let (synced, pages, _) = sync_to_end(&client, &item.access_token, None, 77).await;
    assert!(synced.len() > 300, "two years of history: {}", synced.len());
    assert!(pages > 3, "several pages: {pages}");
    let unique = ids(&synced);
    assert_eq!(unique.len(), synced.len(), "no transaction twice");

    let (all, total) = get_all(&client, &item.access_token, EVER.0, EVER.1).await;
    assert_eq!(total as usize, synced.len());
    assert_eq!(
        ids(&all),
        unique,
        "/transactions/get and /transactions/sync agree"
    );
    let by_id: std::collections::HashMap<_, _> = synced
        .iter()
        .map(|t| (t.transaction_id.clone(), t))
        .collect();
    for t in &all {
        assert_eq!(
            Some(&t),
            by_id.get(&t.transaction_id),
            "the same transaction both ways"
        );
    }
    // Newest first.
    assert!(all.windows(2).all(|w| w[0].date >= w[1].date));

    // Within the last two years, on the Item's depository and credit accounts, as Plaid shows
    // them.
    let accounts = client
        .accounts_get(&AccountsGetRequest {
            access_token: item.access_token.clone(),
            ..Default::default()
        })
        .await
        .expect("accounts");
    let with_history: BTreeSet<_> = accounts
        .accounts
        .iter()
        .filter(|a| matches!(a.type_, AccountType::Depository | AccountType::Credit))
        .map(|a| a.account_id.clone())
        .collect();
    assert!(all.iter().all(|t| with_history.contains(&t.account_id)));
    let newest = &all[0].date;
    let oldest = &all[all.len() - 1].date;
    let year = |d: &str| d[..4].parse::<i32>().expect("a year");
    assert!(year(newest) - year(oldest) <= 2, "{oldest}..{newest}");
    for t in &all {
        assert!(!t.pending);
        assert_eq!(t.iso_currency_code.as_deref(), Some("USD"));
        assert!(
            t.authorized_date
                .as_deref()
                .is_some_and(|a| a <= t.date.as_str())
        );
        let category = t.personal_finance_category.value().expect("a category");
        assert!(category.detailed.starts_with(&category.primary));
    }
    assert!(
        all.iter()
            .any(|t| t.merchant_name.value().map(String::as_str) == Some("Starbucks"))
    );
    assert!(
        all.iter().any(|t| t.amount < 0.0),
        "payroll and interest come in"
    );
}

#[tokio::test]
async fn get_honours_dates_count_and_offset() {
    let client = start_with(Some(11)).await;
    let item = link_item(&client).await;
    let (all, _) = get_all(&client, &item.access_token, EVER.0, EVER.1).await;
    // A window in the middle of the history, inclusive at both ends.
    let start = all[all.len() * 2 / 3].date.clone();
    let end = all[all.len() / 3].date.clone();
    let expected: Vec<_> = all
        .iter()
        .filter(|t| t.date >= start && t.date <= end)
        .map(|t| t.transaction_id.clone())
        .collect();
    assert!(all.iter().any(|t| t.date < start) && all.iter().any(|t| t.date > end));
    let first = client
        .transactions_get(&get(&item.access_token, &start, &end, 10, 0))
        .await
        .expect("a page");
    assert_eq!(first.total_transactions as usize, expected.len());
    assert_eq!(first.transactions.len(), 10);
    let second = client
        .transactions_get(&get(&item.access_token, &start, &end, 10, 10))
        .await
        .expect("a page");
    let paged: Vec<_> = first
        .transactions
        .iter()
        .chain(&second.transactions)
        .map(|t| t.transaction_id.clone())
        .collect();
    assert_eq!(paged, expected[..20]);
    assert!(
        first
            .transactions
            .iter()
            .all(|t| t.date >= start && t.date <= end)
    );

    // One day: exactly that day's.
    let day = client
        .transactions_get(&get(&item.access_token, &start, &start, 500, 0))
        .await
        .expect("one day");
    assert!(!day.transactions.is_empty());
    assert!(day.transactions.iter().all(|t| t.date == start));

    // Past the end: an empty page, the same total.
    let past = client
        .transactions_get(&get(&item.access_token, &start, &end, 10, 100_000))
        .await
        .expect("past the end");
    assert!(past.transactions.is_empty());
    assert_eq!(past.total_transactions as usize, expected.len());

    // One account only.
    let account = all[0].account_id.clone();
    let mut request = get(&item.access_token, EVER.0, EVER.1, 500, 0);
    request.options.as_mut().expect("options").account_ids = Some(vec![account.clone()]);
    let one = client
        .transactions_get(&request)
        .await
        .expect("one account");
    assert_eq!(one.accounts.len(), 1);
    assert!(one.transactions.iter().all(|t| t.account_id == account));
    assert_eq!(
        one.total_transactions as usize,
        all.iter().filter(|t| t.account_id == account).count()
    );

    // The documented refusals.
    let (status, code) = error_of(
        client
            .transactions_get(&get(&item.access_token, &end, &start, 10, 0))
            .await,
    );
    assert_eq!(
        (status, code.as_str()),
        (400, "INVALID_FIELD"),
        "start after end"
    );
    request.options.as_mut().expect("options").account_ids = Some(vec!["nope".into()]);
    assert_eq!(
        error_of(client.transactions_get(&request).await).1,
        "INVALID_ACCOUNT_ID"
    );
}

#[tokio::test]
async fn histories_differ_between_items_and_repeat_with_the_seed() {
    let history = async |seed| {
        let client = start_with(Some(seed)).await;
        let mut items = Vec::new();
        for _ in 0..2 {
            let item = link_item(&client).await;
            let (all, _) = get_all(&client, &item.access_token, EVER.0, EVER.1).await;
            items.push(all.iter().map(essence).collect::<Vec<_>>());
        }
        items
    };
    let first = history(5).await;
    assert_ne!(first[0], first[1], "two Items, two histories");
    let amounts =
        |h: &[(String, String, String, String)]| h.iter().map(|e| e.3.clone()).collect::<Vec<_>>();
    assert_ne!(
        amounts(&first[0]),
        amounts(&first[1]),
        "not only the ids differ"
    );
    assert_eq!(history(5).await, first, "the same seed, the same histories");
    assert_ne!(history(6).await, first, "another seed, other histories");
}

#[tokio::test]
async fn created_transactions_come_in_the_next_sync() {
    let client = start_with(Some(3)).await;
    let options = SandboxPublicTokenCreateRequestOptions {
        override_username: Nullable::Value("user_transactions_dynamic".into()),
        override_password: Nullable::Value("any".into()),
        ..Default::default()
    };
    let item = plaid_tests::link_item_with(&client, vec![Products::Transactions], options).await;
    let token = item.access_token.as_str();
    let (history, _, cursor) = sync_to_end(&client, token, None, 500).await;

    // At the end, nothing new, and the cursor stays good.
    let again = client
        .transactions_sync(&sync(token, Some(&cursor), 100))
        .await
        .expect("a sync at the end");
    assert!(again.added.is_empty() && !again.has_more);

    let custom = |description: &str, amount| CustomSandboxTransaction {
        date_transacted: "2024-03-01".into(),
        date_posted: "2024-03-02".into(),
        amount,
        description: description.into(),
        iso_currency_code: Some("USD".into()),
    };
    client
        .sandbox_transactions_create(&SandboxTransactionsCreateRequest {
            access_token: token.into(),
            transactions: vec![custom("Coffee test", 4.5), custom("Refund test", -12.25)],
            ..Default::default()
        })
        .await
        .expect("transactions created");
    let (added, _, _) = sync_to_end(&client, token, Some(&cursor), 100).await;
    let names: Vec<_> = added
        .iter()
        .map(|t| (t.name.as_str(), t.amount, t.date.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("Coffee test", 4.5, "2024-03-02"),
            ("Refund test", -12.25, "2024-03-02")
        ]
    );
    assert_eq!(added[0].authorized_date.as_deref(), Some("2024-03-01"));
    assert!(ids(&added).is_disjoint(&ids(&history)));
    let (all, total) = get_all(&client, token, EVER.0, EVER.1).await;
    assert_eq!(total as usize, history.len() + 2);
    assert!(ids(&added).is_subset(&ids(&all)));

    // More than ten at once, and an Item of the standard user, are refused.
    let eleven = (0..11).map(|n| custom(&format!("t{n}"), 1.0)).collect();
    let (status, code) = error_of(
        client
            .sandbox_transactions_create(&SandboxTransactionsCreateRequest {
                access_token: token.into(),
                transactions: eleven,
                ..Default::default()
            })
            .await,
    );
    assert_eq!(status, 400, "{code}");
    let standard = link_item(&client).await;
    let (status, code) = error_of(
        client
            .sandbox_transactions_create(&SandboxTransactionsCreateRequest {
                access_token: standard.access_token,
                transactions: vec![custom("x", 1.0)],
                ..Default::default()
            })
            .await,
    );
    assert_eq!((status, code.as_str()), (400, "INVALID_FIELD"));
}

/// One `/transactions/sync` from `cursor`: the ids of what it added, modified and removed,
/// and the next cursor. A refresh changes little, so one page holds it.
async fn sync_changes(
    client: &Client,
    access_token: &str,
    cursor: &str,
) -> (Vec<Transaction>, Vec<Transaction>, Vec<String>, String) {
    let page = client
        .transactions_sync(&sync(access_token, Some(cursor), 100))
        .await
        .expect("a sync page");
    assert!(!page.has_more);
    let removed = page.removed.into_iter().map(|r| r.transaction_id).collect();
    (page.added, page.modified, removed, page.next_cursor)
}

async fn refresh(client: &Client, access_token: &str) {
    client
        .transactions_refresh(&TransactionsRefreshRequest {
            access_token: access_token.into(),
            ..Default::default()
        })
        .await
        .expect("a refresh");
}

#[tokio::test]
async fn a_dynamic_items_refreshes_add_modify_and_post_pending_transactions() {
    let client = start_with(Some(5)).await;
    let options = SandboxPublicTokenCreateRequestOptions {
        override_username: Nullable::Value("user_transactions_dynamic".into()),
        override_password: Nullable::Value("any".into()),
        ..Default::default()
    };
    let item = plaid_tests::link_item_with(&client, vec![Products::Transactions], options).await;
    let token = item.access_token.as_str();
    let (history, _, cursor) = sync_to_end(&client, token, None, 500).await;
    assert!(history.iter().all(|t| !t.pending));
    let before_refreshes = cursor.clone();

    // First refresh: a new pending purchase.
    refresh(&client, token).await;
    let (added, modified, removed, cursor) = sync_changes(&client, token, &cursor).await;
    assert!(modified.is_empty() && removed.is_empty());
    let [first] = added.as_slice() else {
        panic!("one pending purchase, got {}", added.len())
    };
    assert!(first.pending && first.pending_transaction_id.is_none());

    // Second: another pending purchase, and the first one's tip is added.
    refresh(&client, token).await;
    let (added, modified, removed, cursor) = sync_changes(&client, token, &cursor).await;
    assert!(removed.is_empty());
    let ([second], [tipped]) = (added.as_slice(), modified.as_slice()) else {
        panic!(
            "one added and one modified, got {} and {}",
            added.len(),
            modified.len()
        )
    };
    assert!(second.pending);
    assert_eq!(tipped.transaction_id, first.transaction_id);
    assert!(tipped.pending && tipped.amount > first.amount);

    // Third: the first purchase posts: removed as pending, added as posted, naming its
    // pending self.
    refresh(&client, token).await;
    let (added, modified, removed, _) = sync_changes(&client, token, &cursor).await;
    assert_eq!(removed, std::slice::from_ref(&first.transaction_id));
    assert_eq!(modified.len(), 1);
    assert_eq!(modified[0].transaction_id, second.transaction_id);
    let posted = added
        .iter()
        .find(|t| !t.pending)
        .expect("the posted purchase");
    assert_eq!(added.len(), 2, "a new pending purchase and the posted one");
    assert_eq!(
        posted.pending_transaction_id.as_deref(),
        Some(first.transaction_id.as_str())
    );
    assert_ne!(posted.transaction_id, first.transaction_id);
    assert_eq!(
        (posted.amount, &posted.name, &posted.authorized_date),
        (tipped.amount, &first.name, &first.date.clone().into())
    );

    // /transactions/get shows the state now: the history, the posted purchase, and the two
    // still pending (the second with its tip); the first pending one is gone.
    let (all, total) = get_all(&client, token, EVER.0, EVER.1).await;
    assert_eq!(total as usize, history.len() + 3);
    let now = ids(&all);
    assert!(!now.contains(&first.transaction_id));
    assert!(now.contains(&posted.transaction_id));
    let second_now = all
        .iter()
        .find(|t| t.transaction_id == second.transaction_id)
        .expect("the second purchase");
    let modified_second_amount = modified[0].amount;
    assert_eq!(second_now.amount, modified_second_amount);

    // One sync over all three refreshes says what changed, net: the first purchase, added and
    // removed since the cursor, is not there; the second is added with its tip.
    let (added, modified, removed, _) = sync_changes(&client, token, &before_refreshes).await;
    assert!(modified.is_empty() && removed.is_empty());
    let added_now: BTreeSet<_> = added.iter().map(|t| t.transaction_id.clone()).collect();
    assert_eq!(added_now.len(), 3);
    assert!(added_now.is_subset(&now) && !added_now.contains(&first.transaction_id));
    let second_added = added
        .iter()
        .find(|t| t.transaction_id == second.transaction_id)
        .expect("the second purchase");
    assert_eq!(second_added.amount, modified_second_amount);

    // A sync from the start sees the same state, replayed.
    let (replayed, _, _) = sync_to_end_all_changes(&client, token).await;
    assert_eq!(replayed, now);
}

/// Syncs from the start to the end, applying every change: the ids of the transactions that
/// stand at the end, the pages it took, the last cursor.
async fn sync_to_end_all_changes(
    client: &Client,
    access_token: &str,
) -> (BTreeSet<String>, usize, String) {
    let mut standing = BTreeSet::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let page = client
            .transactions_sync(&sync(access_token, cursor.as_deref(), 500))
            .await
            .expect("a sync page");
        pages += 1;
        assert!(pages < 1000, "the pages end");
        let mut in_page = BTreeSet::new();
        let all_ids = page
            .added
            .iter()
            .chain(&page.modified)
            .map(|t| &t.transaction_id)
            .chain(page.removed.iter().map(|r| &r.transaction_id));
        for id in all_ids {
            assert!(
                in_page.insert(id.clone()),
                "a transaction twice in one page"
            );
        }
        standing.extend(page.added.into_iter().map(|t| t.transaction_id));
        for modified in page.modified {
            assert!(
                standing.contains(&modified.transaction_id),
                "modified before added"
            );
        }
        for removed in page.removed {
            assert!(
                standing.remove(&removed.transaction_id),
                "removed before added"
            );
        }
        cursor = Some(page.next_cursor);
        if !page.has_more {
            return (standing, pages, cursor.expect("a cursor"));
        }
    }
}

#[tokio::test]
async fn an_items_changes_stop_at_their_budget() {
    let url = plaid_tests::start_sandbox(plaid_sandbox::Config {
        limits: plaid_sandbox::Limits {
            max_item_changes: 3,
            ..plaid_sandbox::Limits::default()
        },
        ..plaid_tests::sandbox_config()
    })
    .await;
    let client = client_builder(&url).build().expect("client");
    let options = SandboxPublicTokenCreateRequestOptions {
        override_username: Nullable::Value("user_transactions_dynamic".into()),
        override_password: Nullable::Value("any".into()),
        ..Default::default()
    };
    let item = plaid_tests::link_item_with(&client, vec![Products::Transactions], options).await;
    let create = |n: usize| SandboxTransactionsCreateRequest {
        access_token: item.access_token.clone(),
        transactions: (0..n)
            .map(|_| CustomSandboxTransaction {
                date_transacted: "2024-03-01".into(),
                date_posted: "2024-03-01".into(),
                amount: 1.0,
                description: "budget".into(),
                iso_currency_code: None,
            })
            .collect(),
        ..Default::default()
    };
    client
        .sandbox_transactions_create(&create(2))
        .await
        .expect("within the budget");
    // Two more would pass it: refused whole.
    assert_eq!(
        error_of(client.sandbox_transactions_create(&create(2)).await),
        (503, "SANDBOX_STATE_FULL".into())
    );
    refresh(&client, &item.access_token).await;
    assert_eq!(
        error_of(
            client
                .transactions_refresh(&TransactionsRefreshRequest {
                    access_token: item.access_token.clone(),
                    ..Default::default()
                })
                .await
        ),
        (503, "SANDBOX_STATE_FULL".into())
    );
    // Reading goes on.
    let (all, total) = get_all(&client, &item.access_token, EVER.0, EVER.1).await;
    assert_eq!(all.iter().filter(|t| t.pending).count(), 1);
    assert!(total > 3);
}

#[tokio::test]
async fn the_standard_users_refresh_changes_nothing() {
    let client = start_with(Some(5)).await;
    let item = link_item(&client).await;
    let (_, _, cursor) = sync_to_end(&client, &item.access_token, None, 500).await;
    refresh(&client, &item.access_token).await;
    let (added, modified, removed, _) = sync_changes(&client, &item.access_token, &cursor).await;
    assert!(added.is_empty() && modified.is_empty() && removed.is_empty());
}

#[tokio::test]
async fn cursors_are_checked() {
    let client = start_with(Some(9)).await;
    let item = link_item(&client).await;
    let other = link_item(&client).await;
    let first = client
        .transactions_sync(&sync(&item.access_token, None, 10))
        .await
        .expect("a first page");
    assert!(first.has_more);
    for garbage in [
        "garbage".to_owned(),
        "ff.0000000000000000000000".to_owned(),
        first
            .next_cursor
            .replacen('a', "b", 1)
            .replacen('1', "2", 1),
        format!("{}0", first.next_cursor),
    ] {
        let (status, code) = error_of(
            client
                .transactions_sync(&sync(&item.access_token, Some(&garbage), 10))
                .await,
        );
        assert_eq!((status, code.as_str()), (400, "INVALID_FIELD"));
    }
    // A cursor is good only for the Item it was issued for.
    let (status, code) = error_of(
        client
            .transactions_sync(&sync(&other.access_token, Some(&first.next_cursor), 10))
            .await,
    );
    assert_eq!((status, code.as_str()), (400, "INVALID_FIELD"));
    // The same cursor twice: the same page.
    let a = client
        .transactions_sync(&sync(&item.access_token, Some(&first.next_cursor), 10))
        .await
        .expect("a page");
    let b = client
        .transactions_sync(&sync(&item.access_token, Some(&first.next_cursor), 10))
        .await
        .expect("a page");
    assert_eq!(ids(&a.added), ids(&b.added));
    assert!(ids(&a.added).is_disjoint(&ids(&first.added)));
    // "now": nothing of the past.
    let now = client
        .transactions_sync(&sync(&item.access_token, Some("now"), 10))
        .await
        .expect("now");
    assert!(now.added.is_empty() && !now.has_more);
    // (A count out of 1..=500 or an impossible date the client refuses before sending.)
}

#[tokio::test]
async fn sync_follows_one_account() {
    let client = start_with(Some(4)).await;
    let item = link_item(&client).await;
    let (all, _) = get_all(&client, &item.access_token, EVER.0, EVER.1).await;
    let account = all
        .iter()
        .find(|t| t.name == "INTRST PYMNT")
        .expect("interest")
        .account_id
        .clone();
    let request = |cursor: Option<String>| TransactionsSyncRequest {
        access_token: item.access_token.clone(),
        cursor,
        count: Some(5),
        options: Some(TransactionsSyncRequestOptions {
            account_id: Some(account.clone()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let mut cursor = None;
    let mut synced = Vec::new();
    loop {
        let page = client
            .transactions_sync(&request(cursor))
            .await
            .expect("a page");
        assert_eq!(page.accounts.len(), 1);
        synced.extend(page.added);
        cursor = Some(page.next_cursor);
        if !page.has_more {
            break;
        }
    }
    let expected: BTreeSet<_> = all
        .iter()
        .filter(|t| t.account_id == account)
        .map(|t| t.transaction_id.clone())
        .collect();
    assert_eq!(ids(&synced), expected);
    assert_eq!(synced.len(), expected.len());
    // That account's cursor is not good for the whole Item.
    let (status, code) = error_of(
        client
            .transactions_sync(&sync(&item.access_token, cursor.as_deref(), 10))
            .await,
    );
    assert_eq!((status, code.as_str()), (400, "INVALID_FIELD"));
}
