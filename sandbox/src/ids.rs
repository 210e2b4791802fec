//! Identifiers and timestamps: random by default, a fixed sequence with `--seed`, so a user's
//! tests can assert on them.

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Where ids and times come from.
pub struct Ids {
    rng: Mutex<fastrand::Rng>,
    /// With a seed, time is a counter too: one second per event from 2024-01-01T00:00:00Z.
    clock: Option<Mutex<SystemTime>>,
}

impl Ids {
    pub fn new(seed: Option<u64>) -> Self {
        let rng = seed.map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed);
        let clock =
            seed.map(|_| Mutex::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_067_200)));
        Self {
            rng: Mutex::new(rng),
            clock,
        }
    }

    /// `len` letters and digits, like Plaid's ids (`m8MDnv9okwxFNBV`).
    pub fn alphanumeric(&self, len: usize) -> String {
        let mut rng = self
            .rng
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        (0..len)
            .map(|_| char::from(ALPHANUMERIC[rng.usize(..ALPHANUMERIC.len())]))
            .collect()
    }

    /// A UUID-shaped token body (`b0e2c4ee-a763-4df5-bfe9-46a46bce993d`).
    pub fn uuid(&self) -> String {
        let mut rng = self
            .rng
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let hex: String = (0..32)
            .map(|_| char::from(b"0123456789abcdef"[rng.usize(..16)]))
            .collect();
        format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        )
    }

    pub fn request_id(&self) -> String {
        self.alphanumeric(15)
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
}
