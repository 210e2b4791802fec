//! `validate()` of fully populated requests: time per call, and heap allocations per call.
//!
//! Run: `cargo bench -p plaid-benches --bench validate`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use plaid_api::prelude::*;
use plaid_benches::{full_beacon_request, full_user_create_request};
use plaid_tests::alloc::{MeteredAllocator, count_allocations};

#[global_allocator]
static ALLOCATOR: MeteredAllocator = MeteredAllocator;

fn report_allocations(name: &str, request: &impl Validate) {
    // The first call compiles the spec's patterns (once per process); measure a warm call.
    request.validate().expect("valid request");
    let (result, allocations) = count_allocations(|| black_box(request).validate());
    result.expect("valid request");
    println!("{name}: {allocations} heap allocations per validate() call of a valid request");
}

fn validate(c: &mut Criterion) {
    let beacon = full_beacon_request();
    let user_create = full_user_create_request();
    report_allocations("BeaconUserCreateRequest", &beacon);
    report_allocations("UserCreateRequest", &user_create);
    c.bench_function("validate/BeaconUserCreateRequest", |b| {
        b.iter(|| black_box(&beacon).validate())
    });
    c.bench_function("validate/UserCreateRequest", |b| {
        b.iter(|| black_box(&user_create).validate())
    });
}

criterion_group!(benches, validate);
criterion_main!(benches);
