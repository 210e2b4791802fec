//! Identifiers and timestamps: random by default, a fixed sequence with `--seed`, so a user's
//! tests can assert on them.
//!
//! A user's token, user id and Item id, and a linked Item's public and access tokens, carry an
//! index (the user's, the Item's) and a MAC of it (SipHash-2-4 under a 128-bit key), so the
//! sandbox stores none of them: it reads the index back and recomputes the MAC. An access
//! token's MAC also covers the Item's token generation, so that rotating it
//! (`/item/access_token/invalidate`) makes the old one fail the check. SipHash is a keyed pseudo-random function, so tokens a client holds
//! reveal nothing of the key, and another user's token cannot be computed from one's own.
//! Without `--seed` the key comes from the operating system's random source; with `--seed`
//! it is derived from the seed, which makes every id reproducible (and computable by whoever
//! knows the seed: a seed is for tests).

use std::hash::Hasher as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use siphasher::sip128::{Hasher128 as _, SipHasher24};

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const TOKEN_PREFIX: &str = "user-sandbox-";
const PUBLIC_TOKEN_PREFIX: &str = "public-sandbox-";
const ACCESS_TOKEN_PREFIX: &str = "access-sandbox-";
/// Characters of a user id that encode the index (62^6 users are plenty).
const INDEX_DIGITS: usize = 6;
const USER_ID_LEN: usize = 29;
const ITEM_ID_LEN: usize = 37;
/// 2024-01-01T00:00:00Z: where a seeded clock starts.
const SEEDED_EPOCH: u64 = 1_704_067_200;

/// What a MAC is for, so that one kind of id never verifies as another.
#[derive(Clone, Copy)]
enum Purpose {
    UserToken = 1,
    UserId = 2,
    ItemId = 3,
    Renamed = 4,
    PublicToken = 5,
    AccessToken = 6,
    LinkedItemId = 7,
    AccountId = 8,
    SigningKey = 9,
    SigningKeyId = 10,
    TransactionId = 11,
    TransactionHistory = 12,
    SyncCursor = 13,
    RequestId = 14,
}

/// Where ids and times come from.
pub struct Ids {
    key: [u8; 16],
    rng: Mutex<fastrand::Rng>,
    /// How many request ids were handed out: each is the MAC of its number, so that a busy
    /// server draws them without taking the random stream's lock.
    requests: AtomicU64,
    /// With a seed, time is a counter too: one second per event from 2024-01-01T00:00:00Z.
    clock: Option<Mutex<SystemTime>>,
}

impl Ids {
    /// Fails only when there is no seed and the operating system gives no random bytes.
    pub fn new(seed: Option<u64>) -> Result<Self, getrandom::Error> {
        let (key, rng) = match seed {
            Some(seed) => {
                let mut rng = fastrand::Rng::with_seed(seed);
                let key = (u128::from(rng.u64(..)) << 64 | u128::from(rng.u64(..))).to_le_bytes();
                (key, rng)
            }
            None => {
                let mut key = [0; 16];
                getrandom::fill(&mut key)?;
                (key, fastrand::Rng::new())
            }
        };
        let clock =
            seed.map(|_| Mutex::new(SystemTime::UNIX_EPOCH + Duration::from_secs(SEEDED_EPOCH)));
        Ok(Self {
            key,
            rng: Mutex::new(rng),
            requests: AtomicU64::new(0),
            clock,
        })
    }

    /// `len` letters and digits from the random stream, like Plaid's ids (`m8MDnv9okwxFNBV`).
    pub fn alphanumeric(&self, len: usize) -> String {
        let mut rng = self
            .rng
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        (0..len)
            .map(|_| char::from(BASE62[rng.usize(..BASE62.len())]))
            .collect()
    }

    /// 15 letters and digits, like Plaid's (`m8MDnv9okwxFNBV`).
    pub fn request_id(&self) -> String {
        let number = self.requests.fetch_add(1, Ordering::Relaxed);
        self.mac_text(Purpose::RequestId, number, 0, 15)
    }

    /// `user-sandbox-` and a UUID: 80 bits of MAC, then the index in hex as the last group.
    pub fn user_token(&self, index: u64) -> String {
        self.uuid_token(TOKEN_PREFIX, Purpose::UserToken, index, 0)
    }

    /// The index a token was made for, if this sandbox made it.
    pub fn user_token_index(&self, token: &str) -> Option<u64> {
        let index = uuid_token_index(TOKEN_PREFIX, token)?;
        constant_time_eq(token, &self.user_token(index)).then_some(index)
    }

    /// A linked Item's public token: `public-sandbox-` and a UUID, as `user_token`.
    pub fn public_token(&self, index: u64) -> String {
        self.uuid_token(PUBLIC_TOKEN_PREFIX, Purpose::PublicToken, index, 0)
    }

    pub fn public_token_index(&self, token: &str) -> Option<u64> {
        let index = uuid_token_index(PUBLIC_TOKEN_PREFIX, token)?;
        constant_time_eq(token, &self.public_token(index)).then_some(index)
    }

    /// A linked Item's access token of the given generation: `access-sandbox-` and a UUID.
    pub fn access_token(&self, index: u64, generation: u64) -> String {
        self.uuid_token(ACCESS_TOKEN_PREFIX, Purpose::AccessToken, index, generation)
    }

    /// The Item index an access token names; whether it is the Item's current token is for
    /// the caller to check with `access_token`, which knows the generation.
    pub fn access_token_index(token: &str) -> Option<u64> {
        uuid_token_index(ACCESS_TOKEN_PREFIX, token)
    }

    /// A linked Item's id: 37 letters and digits of MAC, like a user's Item id but under
    /// another purpose, so the two never collide.
    pub fn linked_item_id(&self, index: u64) -> String {
        self.mac_text(Purpose::LinkedItemId, index, 0, ITEM_ID_LEN)
    }

    /// The id of account `account` (its place in the Item's list) of linked Item `index`.
    pub fn account_id(&self, index: u64, account: u32) -> String {
        self.mac_text(
            Purpose::AccountId,
            index,
            u64::from(account) << 32,
            ITEM_ID_LEN,
        )
    }

    /// Candidate `attempt` for the webhook signing key's private scalar: 256 bits of MAC, so
    /// reproducible with a seed (and random without one, though then the key comes from the
    /// operating system instead).
    pub fn signing_scalar(&self, attempt: u64) -> [u8; 32] {
        let mut scalar = [0; 32];
        scalar[..16].copy_from_slice(&self.mac(Purpose::SigningKey, attempt, 0).to_be_bytes());
        scalar[16..].copy_from_slice(&self.mac(Purpose::SigningKey, attempt, 1).to_be_bytes());
        scalar
    }

    /// The webhook signing key's `kid`: a UUID of MAC.
    pub fn signing_key_id(&self) -> String {
        let mac = self.mac(Purpose::SigningKeyId, 0, 0);
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            mac >> 96,
            (mac >> 80) & 0xffff,
            (mac >> 64) & 0xffff,
            (mac >> 48) & 0xffff,
            mac & 0xffff_ffff_ffff,
        )
    }

    /// Where a seeded clock starts, in Unix seconds.
    pub fn epoch(&self) -> i64 {
        SEEDED_EPOCH as i64
    }

    /// The id of the transaction at `position` in linked Item `index`'s change log.
    pub fn transaction_id(&self, index: u64, position: u64) -> String {
        self.mac_text(Purpose::TransactionId, index, position << 8, ITEM_ID_LEN)
    }

    /// The seed of linked Item `index`'s generated transaction history: derived from the key,
    /// so the same `--seed` gives the same history and another Item another one.
    pub fn history_seed(&self, index: u64) -> u64 {
        self.mac(Purpose::TransactionHistory, index, 0) as u64
    }

    /// A `/transactions/sync` cursor: the position in linked Item `index`'s change log in
    /// hex, a `.`, and a MAC over the Item, the position and `filter` (which account the
    /// cursor follows), so a cursor is good only for what it was issued for.
    pub fn sync_cursor(&self, index: u64, position: u64, filter: u64) -> String {
        format!("{position:x}.{}", self.cursor_mac(index, position, filter))
    }

    /// The position a cursor issued by `sync_cursor` for this Item and filter carries.
    pub fn sync_cursor_position(&self, index: u64, filter: u64, cursor: &str) -> Option<u64> {
        let (hex, _) = cursor.split_once('.')?;
        if hex.is_empty() || hex.len() > 16 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let position = u64::from_str_radix(hex, 16).ok()?;
        constant_time_eq(cursor, &self.sync_cursor(index, position, filter)).then_some(position)
    }

    fn cursor_mac(&self, index: u64, position: u64, filter: u64) -> String {
        let mut hasher = SipHasher24::new_with_key(&self.key);
        hasher.write_u8(Purpose::SyncCursor as u8);
        hasher.write_u64(index);
        hasher.write_u64(position);
        hasher.write_u64(filter);
        let mut text = String::with_capacity(21);
        push_base62(&mut text, hasher.finish128().as_u128(), 21);
        text
    }

    /// `prefix` and a UUID: 80 bits of MAC over the index and `extra`, then the index in hex
    /// as the last group.
    fn uuid_token(&self, prefix: &str, purpose: Purpose, index: u64, extra: u64) -> String {
        let mac = self.mac(purpose, index, extra);
        // Written digit by digit: every request that carries a token builds it once to
        // compare, and `format!` took several times as long.
        let mut token = String::with_capacity(prefix.len() + 36);
        token.push_str(prefix);
        push_hex(&mut token, (mac >> 96) as u64, 8);
        token.push('-');
        push_hex(&mut token, (mac >> 80) as u64, 4);
        token.push('-');
        push_hex(&mut token, (mac >> 64) as u64, 4);
        token.push('-');
        push_hex(&mut token, (mac >> 48) as u64, 4);
        token.push('-');
        push_hex(&mut token, index, 12);
        token
    }

    /// 29 letters and digits: the index in base 62, then the MAC.
    pub fn user_id(&self, index: u64) -> String {
        let mut id = base62(index, INDEX_DIGITS);
        id.push_str(&self.mac_text(Purpose::UserId, index, 0, USER_ID_LEN - INDEX_DIGITS));
        id
    }

    pub fn user_id_index(&self, id: &str) -> Option<u64> {
        let digits = id.get(..INDEX_DIGITS)?;
        let index = digits.bytes().try_fold(0u64, |n, c| {
            let digit = BASE62.iter().position(|&b| b == c)? as u64;
            n.checked_mul(62)?.checked_add(digit)
        })?;
        constant_time_eq(id, &self.user_id(index)).then_some(index)
    }

    /// The id of the Item of user `index`: 37 letters and digits of MAC.
    pub fn item_id(&self, index: u64) -> String {
        self.mac_text(Purpose::ItemId, index, 0, ITEM_ID_LEN)
    }

    /// This sandbox's own id for an id of a documented answer: the same for the same id (so
    /// that an answer's ids still refer to each other), different under another key, and of
    /// the same shape. A prefix up to the last `_` stays (`becusr_`), a hexadecimal id stays
    /// hexadecimal (UUIDs), and each other letter or digit is replaced by one of its kind.
    pub fn renamed(&self, id: &str) -> String {
        let (prefix, rest) = id
            .rsplit_once('_')
            .map_or(("", id), |(prefix, rest)| (&id[..prefix.len() + 1], rest));
        let hexadecimal = rest
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b) || b == b'-');
        let mut hasher = SipHasher24::new_with_key(&self.key);
        hasher.write_u8(Purpose::Renamed as u8);
        hasher.write(id.as_bytes());
        let mut rng = fastrand::Rng::with_seed(hasher.finish128().h1);
        let mut renamed = String::with_capacity(id.len());
        renamed.push_str(prefix);
        renamed.extend(rest.chars().map(|c| match c {
            '0'..='9' | 'a'..='f' if hexadecimal => {
                char::from(b"0123456789abcdef"[rng.usize(..16)])
            }
            '0'..='9' => rng.digit(10),
            'a'..='z' => rng.lowercase(),
            'A'..='Z' => rng.uppercase(),
            other => other,
        }));
        renamed
    }

    /// Now, as RFC 3339 (`2024-01-01T00:00:01Z`).
    pub fn now(&self) -> String {
        let now = match &self.clock {
            Some(clock) => {
                let mut clock = clock
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                *clock += Duration::from_secs(1);
                *clock
            }
            None => SystemTime::now(),
        };
        humantime::format_rfc3339_seconds(now).to_string()
    }

    /// SipHash-2-4 (128-bit output) under the key, over the purpose, the index and a block
    /// number (for ids longer than one MAC).
    fn mac(&self, purpose: Purpose, index: u64, block: u64) -> u128 {
        let mut hasher = SipHasher24::new_with_key(&self.key);
        hasher.write_u8(purpose as u8);
        hasher.write_u64(index);
        hasher.write_u64(block);
        hasher.finish128().as_u128()
    }

    /// `len` base-62 characters of MAC output, 21 per 128-bit block (62^21 < 2^128), from
    /// block `first_block` on.
    fn mac_text(&self, purpose: Purpose, index: u64, first_block: u64, len: usize) -> String {
        let mut text = String::with_capacity(len);
        let mut block = first_block;
        while text.len() < len {
            let count = 21.min(len - text.len());
            push_base62(&mut text, self.mac(purpose, index, block), count);
            block += 1;
        }
        text
    }
}

/// Compares a presented secret or id with the expected one in time that does not depend on
/// where they differ, so neither can be found a character at a time. Lengths are compared in
/// the open: they are no help in guessing.
pub(crate) fn constant_time_eq(presented: &str, expected: &str) -> bool {
    use subtle::ConstantTimeEq as _;
    presented.len() == expected.len() && bool::from(presented.as_bytes().ct_eq(expected.as_bytes()))
}

/// The index in the last group of a `prefix`-and-UUID token (its MAC is not checked here).
fn uuid_token_index(prefix: &str, token: &str) -> Option<u64> {
    let index_hex = token.strip_prefix(prefix)?.rsplit('-').next()?;
    if index_hex.len() != 12 {
        return None;
    }
    u64::from_str_radix(index_hex, 16).ok()
}

/// The `count` lowest base-62 digits of `n`, lowest first: what dividing by 62 `count` times
/// gives. `u128` division is a library call; taking ten digits at a time from a `u64` (62^10 <
/// 2^64), where division by a constant is a multiplication, calls it twice per 21 digits
/// instead of once per digit (an `/accounts/get` answer carries ten ids, 370 digits).
fn push_base62(text: &mut String, n: u128, count: usize) {
    const TEN_DIGITS: u128 = 62u128.pow(10);
    let mut rest = n;
    let mut left = count;
    while left > 0 {
        let mut chunk = (rest % TEN_DIGITS) as u64;
        rest /= TEN_DIGITS;
        for _ in 0..left.min(10) {
            text.push(char::from(BASE62[(chunk % 62) as usize]));
            chunk /= 62;
        }
        left = left.saturating_sub(10);
    }
}

/// The `count` lowest hexadecimal digits of `n`, lowercase, highest first.
fn push_hex(text: &mut String, n: u64, count: u32) {
    for place in (0..count).rev() {
        let digit = (n >> (4 * place)) & 0xf;
        text.push(char::from(b"0123456789abcdef"[digit as usize]));
    }
}

fn base62(mut n: u64, width: usize) -> String {
    let mut digits = vec![b'0'; width];
    for slot in digits.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8(digits).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_digits_are_those_format_writes() {
        let mut rng = fastrand::Rng::with_seed(16);
        for n in [0, 1, 0xffff, u64::MAX]
            .into_iter()
            .chain((0..1000).map(|_| rng.u64(..)))
        {
            for count in [4, 8, 12] {
                let mut text = String::new();
                push_hex(&mut text, n, count);
                let mask = (1u64 << (4 * count)) - 1;
                assert_eq!(text, format!("{:01$x}", n & mask, count as usize));
            }
        }
    }

    #[test]
    fn base62_digits_are_those_of_repeated_division() {
        let mut rng = fastrand::Rng::with_seed(62);
        let edges = [0, 1, 61, 62, u128::from(u64::MAX), u128::MAX - 1, u128::MAX];
        for n in edges.into_iter().chain((0..10_000).map(|_| rng.u128(..))) {
            for count in [1, 9, 10, 11, 16, 20, 21] {
                let mut rest = n;
                let expected: String = (0..count)
                    .map(|_| {
                        let digit = BASE62[(rest % 62) as usize];
                        rest /= 62;
                        char::from(digit)
                    })
                    .collect();
                let mut text = String::new();
                push_base62(&mut text, n, count);
                assert_eq!(text, expected, "{n}, {count} digits");
            }
        }
    }

    fn ids(seed: u64) -> Ids {
        Ids::new(Some(seed)).expect("ids")
    }

    #[test]
    fn ids_carry_their_index_and_are_checked() {
        let ids = ids(7);
        for index in [0, 1, 61, 62, 12_345, 56_800_235_583] {
            assert_eq!(ids.user_token_index(&ids.user_token(index)), Some(index));
            assert_eq!(ids.user_id_index(&ids.user_id(index)), Some(index));
            assert_eq!(ids.user_id(index).len(), USER_ID_LEN);
            assert_eq!(ids.item_id(index).len(), ITEM_ID_LEN);
        }
        let forged = ids.user_token(3).replace("user-sandbox-", "user-sandbox-0");
        assert_eq!(ids.user_token_index(&forged), None);
        assert_eq!(
            Ids::new(Some(8))
                .expect("ids")
                .user_token_index(&ids.user_token(3)),
            None,
            "another key"
        );
        assert_eq!(ids.user_id_index("tooshort"), None);
    }

    #[test]
    fn item_tokens_keep_their_prefixes_and_are_checked() {
        let ids = ids(7);
        let public = ids.public_token(3);
        assert!(public.starts_with("public-sandbox-"), "{public}");
        assert_eq!(ids.public_token_index(&public), Some(3));
        assert_eq!(
            ids.public_token_index(&public.replace("public-", "user-")),
            None
        );
        assert_eq!(
            ids.public_token_index(&ids.user_token(3)),
            None,
            "another purpose"
        );
        let access = ids.access_token(3, 0);
        assert!(access.starts_with("access-sandbox-"), "{access}");
        assert_eq!(Ids::access_token_index(&access), Some(3));
        assert_ne!(
            access,
            ids.access_token(3, 1),
            "a new generation, a new token"
        );
        assert_ne!(ids.linked_item_id(3), ids.item_id(3));
        assert_ne!(ids.account_id(3, 0), ids.account_id(3, 1));
        assert_ne!(ids.account_id(3, 0), ids.account_id(4, 0));
        assert_eq!(ids.account_id(3, 0).len(), ITEM_ID_LEN);
    }

    #[test]
    fn a_token_with_another_index_does_not_verify() {
        let ids = ids(7);
        let own = ids.user_token(5);
        // The MAC of index 5 with the index part rewritten to 4: what a forger would try.
        let forged = format!("{}{:012x}", &own[..own.len() - 12], 4);
        assert_eq!(ids.user_token_index(&forged), None);
        let own_id = ids.user_id(5);
        let forged_id = format!("{}{}", base62(4, INDEX_DIGITS), &own_id[INDEX_DIGITS..]);
        assert_eq!(ids.user_id_index(&forged_id), None);
    }

    #[test]
    fn renamed_ids_keep_their_shape_and_references() {
        let ids = ids(7);
        let uuid = "de3ce8ef-33f8-452c-a685-8671031fc0f6";
        let renamed = ids.renamed(uuid);
        assert_ne!(renamed, uuid);
        assert_eq!(renamed.len(), uuid.len());
        assert!(renamed.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'));
        assert_eq!(
            renamed.match_indices('-').collect::<Vec<_>>(),
            uuid.match_indices('-').collect::<Vec<_>>()
        );

        let prefixed = ids.renamed("becusr_42cF1MNo42r9Xj");
        assert!(prefixed.starts_with("becusr_"), "{prefixed}");
        assert_eq!(prefixed.len(), "becusr_42cF1MNo42r9Xj".len());
        assert_ne!(prefixed, "becusr_42cF1MNo42r9Xj");

        assert_eq!(ids.renamed(uuid), renamed, "the same id, the same rename");
        assert_ne!(
            self::ids(8).renamed(uuid),
            renamed,
            "another seed, another rename"
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_ids_and_no_seed_gives_a_random_key() {
        assert_eq!(ids(7).user_token(1), ids(7).user_token(1));
        assert_eq!(ids(7).user_id(1), ids(7).user_id(1));
        let random = Ids::new(None).expect("ids");
        let other = Ids::new(None).expect("ids");
        assert_ne!(random.user_token(1), other.user_token(1));
    }
}
