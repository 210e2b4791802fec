//! Identifiers and timestamps: random by default, a fixed sequence with `--seed`, so a user's
//! tests can assert on them.
//!
//! A user's token, user id and Item id are computed from the user's index and a key (the
//! seed, or a random one), and carry the index, so the sandbox stores none of them: it reads
//! the index back and checks the rest against the key. That keeps memory small under load.

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const TOKEN_PREFIX: &str = "user-sandbox-";
/// Characters of a user id that encode the index (62^6 users are plenty).
const INDEX_DIGITS: usize = 6;

/// Where ids and times come from.
pub struct Ids {
    key: u64,
    rng: Mutex<fastrand::Rng>,
    /// With a seed, time is a counter too: one second per event from 2024-01-01T00:00:00Z.
    clock: Option<Mutex<SystemTime>>,
}

impl Ids {
    pub fn new(seed: Option<u64>) -> Self {
        let mut rng = seed.map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed);
        let key = rng.u64(..);
        let clock =
            seed.map(|_| Mutex::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_067_200)));
        Self {
            key,
            rng: Mutex::new(rng),
            clock,
        }
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

    pub fn request_id(&self) -> String {
        self.alphanumeric(15)
    }

    /// `user-sandbox-` and a UUID whose last group is the index in hex.
    pub fn user_token(&self, index: u64) -> String {
        let h = self.hash(index, 1);
        let g = self.hash(index, 2);
        format!(
            "{TOKEN_PREFIX}{:08x}-{:04x}-{:04x}-{:04x}-{index:012x}",
            h >> 32,
            (h >> 16) & 0xffff,
            h & 0xffff,
            g & 0xffff
        )
    }

    /// The index a token was made for, if this sandbox made it.
    pub fn user_token_index(&self, token: &str) -> Option<u64> {
        let index =
            u64::from_str_radix(token.strip_prefix(TOKEN_PREFIX)?.rsplit('-').next()?, 16).ok()?;
        (self.user_token(index) == token).then_some(index)
    }

    /// 29 letters and digits: the index in base 62, then keyed noise.
    pub fn user_id(&self, index: u64) -> String {
        let mut id = base62(index, INDEX_DIGITS);
        id.push_str(&self.noise(index, 3, 29 - INDEX_DIGITS));
        id
    }

    pub fn user_id_index(&self, id: &str) -> Option<u64> {
        let digits = id.get(..INDEX_DIGITS)?;
        let index = digits.bytes().try_fold(0u64, |n, c| {
            let digit = BASE62.iter().position(|&b| b == c)? as u64;
            n.checked_mul(62)?.checked_add(digit)
        })?;
        (self.user_id(index) == id).then_some(index)
    }

    /// The id of the Item of user `index`: 37 letters and digits.
    pub fn item_id(&self, index: u64) -> String {
        self.noise(index, 4, 37)
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

    /// SplitMix64 over the key, the index and a purpose: not cryptographic, only distinct and
    /// reproducible.
    fn hash(&self, index: u64, purpose: u64) -> u64 {
        let mut z = self.key
            ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ purpose.wrapping_mul(0xD1B5_4A32_D192_ED03);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn noise(&self, index: u64, purpose: u64, len: usize) -> String {
        (0..len as u64)
            .map(|i| char::from(BASE62[(self.hash(index, purpose * 64 + i) % 62) as usize]))
            .collect()
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
    fn ids_carry_their_index_and_are_checked() {
        let ids = Ids::new(Some(7));
        for index in [0, 1, 61, 62, 12_345, 56_800_235_583] {
            assert_eq!(ids.user_token_index(&ids.user_token(index)), Some(index));
            assert_eq!(ids.user_id_index(&ids.user_id(index)), Some(index));
            assert_eq!(ids.user_id(index).len(), 29);
            assert_eq!(ids.item_id(index).len(), 37);
        }
        let forged = ids.user_token(3).replace("user-sandbox-", "user-sandbox-0");
        assert_eq!(ids.user_token_index(&forged), None);
        assert_eq!(
            Ids::new(Some(8)).user_token_index(&ids.user_token(3)),
            None,
            "another key"
        );
        assert_eq!(ids.user_id_index("tooshort"), None);
    }
}
