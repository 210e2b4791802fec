//! Validating a valid request allocates nothing (a count, not a timing, so a test holds it).

use plaid_api::prelude::*;
use plaid_benches::{full_beacon_request, full_user_create_request};
use plaid_tests::alloc::{MeteredAllocator, count_allocations};

#[global_allocator]
static ALLOCATOR: MeteredAllocator = MeteredAllocator;

fn warm_allocations(request: &impl Validate) -> usize {
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

#[test]
fn the_counter_does_count() {
    let mut request = full_beacon_request();
    request.user.name.given_name = String::new();
    let (result, allocations) = count_allocations(|| request.validate());
    assert!(result.is_err());
    assert!(
        allocations > 0,
        "a violation allocates its path and message"
    );
}
