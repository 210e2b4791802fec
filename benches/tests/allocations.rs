//! Validating a valid request allocates nothing (a count, not a timing, so a test holds it).

use std::sync::{Mutex, PoisonError};

use plaid_api::prelude::*;
use plaid_benches::{full_beacon_request, full_user_create_request};
use plaid_tests::alloc::{MeteredAllocator, count_allocations};

#[global_allocator]
static ALLOCATOR: MeteredAllocator = MeteredAllocator;

/// The tests of this file run one at a time: the pattern rules' regex keeps one match cache per
/// thread it is used on at once, and a thread that finds another's cache taken builds a new one,
/// an allocation the validation did not cause.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn warm_allocations(request: &impl Validate) -> usize {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    request.validate().expect("valid request");
    let (result, allocations) = count_allocations(|| request.validate());
    result.expect("valid request");
    allocations
}

#[test]
fn validating_valid_requests_does_not_allocate() {
    assert_eq!(warm_allocations(&full_beacon_request()), 0);
    assert_eq!(warm_allocations(&full_user_create_request()), 0);
}

/// The email check's other paths (quoted local parts, address literals) and a postal code with
/// its separator allocate nothing either.
#[test]
fn every_email_form_and_postal_code_validates_without_allocating() {
    for email in [
        "\"leslie knope\"@example.com",
        "\"a\\\"b\"@parks.pawnee.example.gov",
        "leslie@[192.0.2.1]",
        "leslie@[IPv6:2001:db8::1]",
        "leslie@[x-tag:content]",
    ] {
        let mut request = full_beacon_request();
        request.user.email_address = Some(email.into());
        let address = request.user.address.value_mut().expect("an address");
        address.country = "GB".into();
        address.postal_code = Nullable::Value("SW1A 1AA".into());
        assert_eq!(warm_allocations(&request), 0, "{email}");
    }
}

#[test]
fn the_counter_does_count() {
    let mut request = full_beacon_request();
    request.user.name.given_name = String::new();
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    let (result, allocations) = count_allocations(|| request.validate());
    assert!(result.is_err());
    assert!(
        allocations > 0,
        "a violation allocates its path and message"
    );
}
