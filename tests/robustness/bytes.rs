//! Bytes of any kind, read the way a file is.

use proptest::prelude::*;

use crate::harness::{config, property_case, source};

proptest! {
    #![proptest_config(config(256))]

    /// Bytes of any kind, read the way a file is: as (lossy) UTF-8 text.
    #[test]
    fn arbitrary_bytes_never_crash(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        property_case("bytes", vec![source("fuzz/bytes.yaml", text)])?;
    }
}
