//! Per-call cost of the generated client against a raw `reqwest` + `serde_json` POST of the same
//! body to the same loopback server: the difference is the client's own overhead (validation,
//! headers, path-tracking decode, tracing span).
//!
//! Run: `cargo bench -p plaid-benches --bench client`

use std::hint::black_box;

use axum::body::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use plaid_api::prelude::*;

/// A server that answers every POST with the spec's example `/user/items/get` response.
async fn start_server() -> String {
    let example = plaid_tests::example("UserItemsGetResponse");
    let body = Bytes::from(serde_json::to_vec(&example).expect("encode"));
    let app = axum::Router::new().fallback(move || {
        let body = body.clone();
        async move { ([("content-type", "application/json")], body) }
    });
    plaid_tests::servers::serve(app).await
}

fn client_overhead(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let base_url = runtime.block_on(start_server());
    let request = UserItemsGetRequest {
        user_token: Some("user-sandbox-b0e2c4ee".into()),
        ..Default::default()
    };

    let client = Client::builder()
        .environment(Environment::Custom(base_url.clone()))
        .client_id("client-id")
        .secret("secret")
        .build()
        .expect("client");
    let raw = reqwest::Client::new();
    let url = format!("{base_url}/user/items/get");

    let mut group = c.benchmark_group("user_items_get over loopback");
    group.bench_function("generated client", |b| {
        b.to_async(&runtime).iter(|| async {
            black_box(
                client
                    .user_items_get(black_box(&request))
                    .await
                    .expect("ok"),
            )
        })
    });
    group.bench_function("raw reqwest + serde_json", |b| {
        b.to_async(&runtime).iter(|| async {
            let response = raw
                .post(&url)
                .header("PLAID-CLIENT-ID", "client-id")
                .header("PLAID-SECRET", "secret")
                .header("Plaid-Version", "2020-09-14")
                .header("content-type", "application/json")
                .body(serde_json::to_vec(black_box(&request)).expect("encode"))
                .send()
                .await
                .expect("send");
            let bytes = response.bytes().await.expect("body");
            black_box(serde_json::from_slice::<UserItemsGetResponse>(&bytes).expect("decode"))
        })
    });
    group.finish();
}

criterion_group!(benches, client_overhead);
criterion_main!(benches);
