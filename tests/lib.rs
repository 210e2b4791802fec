//! What the test binaries (and the benchmarks) share: paths and spec listings, the spec's
//! examples, credentials and clients, the sandbox and its users, local servers
//! ([`servers`]), the metering allocator ([`alloc`]) and the validator cases ([`cases`]).

pub mod alloc;
pub mod cases;
pub mod servers;

use std::path::{Path, PathBuf};

use plaid_api::prelude::*;

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

pub fn spec_dir() -> PathBuf {
    workspace_root().join("spec")
}

/// The `*.yaml` files of `dir`, in name order.
pub fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    paths.sort();
    paths
}

/// The fixtures of `tests/fixtures/<folder>` (`valid` or `invalid`), in name order.
pub fn fixtures(folder: &str) -> Vec<PathBuf> {
    yaml_files(&workspace_root().join("tests/fixtures").join(folder))
}

/// The repository's spec/ as the generator's input, read once per binary.
pub fn spec_sources() -> &'static [codegen::load::Source] {
    static SOURCES: std::sync::OnceLock<Vec<codegen::load::Source>> = std::sync::OnceLock::new();
    SOURCES.get_or_init(|| codegen::load::read_dir(&spec_dir()).unwrap_or_else(|e| panic!("{e}")))
}

/// The part of spec/ that the docs pages' operations need: the `api` block, the shared types,
/// the `user`, `beacon` and `sandbox` areas and every refinement. It generates on its own (those
/// areas use no other area's types), in a fraction of the whole API's time: what tests that
/// generate hundreds of times (the mutation fuzzer) run on.
pub fn docs_pages_spec() -> Vec<codegen::load::Source> {
    let kept = ["api", "common", "user", "beacon", "sandbox"];
    spec_sources()
        .iter()
        .filter(|source| {
            source.name.starts_with("spec/overlay/")
                || kept
                    .iter()
                    .any(|area| source.name == format!("spec/{area}.yaml"))
        })
        .cloned()
        .collect()
}

/// Reads one fixture file as a spec source, reported under `fixtures/<name>` so snapshots do
/// not depend on where the repository is checked out.
pub fn fixture_source(path: &Path) -> codegen::load::Source {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let folder = path
        .parent()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    codegen::load::Source {
        name: format!("{folder}/{name}"),
        text,
    }
}

/// What the generated type of a given name makes of a JSON document.
#[derive(Debug)]
pub struct Decoded {
    /// The document after decoding and encoding again.
    pub reencoded: serde_json::Value,
    /// Every violation `validate()` reports, as (wire path, rule code).
    pub violations: Vec<(String, &'static str)>,
    /// What `validate()` reports, as its error prints (every path and message).
    pub validation: String,
    /// The decoded value's `Debug`, compact and pretty.
    pub debug: String,
}

/// Why a document did not decode: serde's own message, which may quote the offending value,
/// and the runtime's description of it that the client and the server show, which must not.
#[derive(Debug)]
pub struct DecodeFailure {
    pub serde: String,
    pub described: String,
}

impl std::fmt::Display for DecodeFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.serde)
    }
}

fn decode_as<T>(value: &serde_json::Value) -> Result<Decoded, DecodeFailure>
where
    T: serde::Serialize + serde::de::DeserializeOwned + plaid_api::Validate + std::fmt::Debug,
{
    let typed: T = serde_json::from_value(value.clone()).map_err(|e| DecodeFailure {
        serde: e.to_string(),
        described: specgen_runtime::describe_json_error(&e, None),
    })?;
    let reencoded = serde_json::to_value(&typed).map_err(|e| DecodeFailure {
        serde: e.to_string(),
        described: specgen_runtime::describe_json_error(&e, None),
    })?;
    let violations = violations(&typed);
    let validation = typed
        .validate()
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    Ok(Decoded {
        reencoded,
        violations,
        validation,
        debug: format!("{typed:?}\n{typed:#?}"),
    })
}

/// Every violation `validate()` reports, as (wire path, rule code).
pub fn violations(value: &impl plaid_api::Validate) -> Vec<(String, &'static str)> {
    match value.validate() {
        Ok(()) => Vec::new(),
        Err(errors) => errors
            .violations()
            .iter()
            .map(|v| (v.path.clone(), v.rule))
            .collect(),
    }
}

/// Decodes `value` as the generated type named `name`, re-encodes and validates it; `None`
/// when no model has that name.
pub fn decode(name: &str, value: &serde_json::Value) -> Option<Result<Decoded, DecodeFailure>> {
    struct DecodeAs<'v>(&'v serde_json::Value);
    impl plaid_api::models::ModelVisitor for DecodeAs<'_> {
        type Output = Result<Decoded, DecodeFailure>;
        fn visit<T>(self) -> Self::Output
        where
            T: serde::Serialize
                + serde::de::DeserializeOwned
                + plaid_api::Validate
                + std::fmt::Debug
                + 'static,
        {
            decode_as::<T>(self.0)
        }
    }
    plaid_api::models::visit_by_name(name, DecodeAs(value))
}

/// The checked model of the repository's spec/, parsed once per test binary.
pub fn spec_model() -> &'static codegen::ir::Model {
    static MODEL: std::sync::OnceLock<codegen::ir::Model> = std::sync::OnceLock::new();
    MODEL.get_or_init(|| codegen::model(spec_sources()).unwrap_or_else(|e| panic!("{e}")))
}

/// The first example the spec gives for the type `name`, as JSON.
pub fn example(name: &str) -> serde_json::Value {
    spec_model()
        .find_type(name)
        .and_then(|t| t.examples.first())
        .map(|e| e.value.clone())
        .unwrap_or_else(|| panic!("the spec has no example of {name}"))
}

/// The first example the spec gives for the type `name`, decoded as `T`.
pub fn example_as<T: serde::de::DeserializeOwned>(name: &str) -> T {
    serde_json::from_value(example(name))
        .unwrap_or_else(|e| panic!("the example of {name} does not decode: {e}"))
}

/// The client id every test client sends and every test sandbox accepts.
pub const CLIENT_ID: &str = "client-id-1234";
/// The secret every test client sends and every test sandbox accepts; distinctive, so that a
/// test can search any output for it.
pub const SECRET: &str = "sk-test-3b1f0c9e-do-not-print";

/// A client of `base_url` with [`CLIENT_ID`] and [`SECRET`], one attempt per call.
pub fn client_builder(base_url: &str) -> ClientBuilder {
    Client::builder()
        .environment(Environment::Custom(base_url.to_owned()))
        .client_id(CLIENT_ID)
        .secret(SECRET)
        .retry(RetryPolicy::never())
}

/// The sandbox's default configuration, but accepting [`CLIENT_ID`] and [`SECRET`] only.
pub fn sandbox_config() -> plaid_sandbox::Config {
    plaid_sandbox::Config {
        client_id: CLIENT_ID.into(),
        secret: SECRET.into(),
        ..plaid_sandbox::Config::default()
    }
}

/// Starts the sandbox in-process on a free loopback port; its base URL.
pub async fn start_sandbox(config: plaid_sandbox::Config) -> String {
    let (listener, url) = servers::bind_loopback().await;
    tokio::spawn(async move { plaid_sandbox::serve(listener, config).await.expect("serve") });
    url
}

/// A `/user/create` request for `client_user_id`, nothing else set.
pub fn user_create(client_user_id: &str) -> UserCreateRequest {
    UserCreateRequest {
        client_user_id: client_user_id.into(),
        ..Default::default()
    }
}

/// Creates the user `client_user_id` through `client`: the answer, and the user's token.
pub async fn create_user(client: &Client, client_user_id: &str) -> (UserCreateResponse, String) {
    let created = client
        .user_create(&user_create(client_user_id))
        .await
        .unwrap_or_else(|e| panic!("cannot create {client_user_id}: {e}"));
    let token = created.user_token.clone().expect("a user token");
    (created, token)
}

/// Links an Item at First Platypus Bank for `user_good` through `client`
/// (`/sandbox/public_token/create`, then `/item/public_token/exchange`): the exchange's answer.
pub async fn link_item(client: &Client) -> ItemPublicTokenExchangeResponse {
    link_item_with(
        client,
        vec![Products::Auth, Products::Transactions],
        SandboxPublicTokenCreateRequestOptions::default(),
    )
    .await
}

/// `link_item` with these `products` and `options` (a webhook URL, a test user).
pub async fn link_item_with(
    client: &Client,
    products: Vec<Products>,
    options: SandboxPublicTokenCreateRequestOptions,
) -> ItemPublicTokenExchangeResponse {
    let created = client
        .sandbox_public_token_create(&SandboxPublicTokenCreateRequest {
            institution_id: "ins_109508".into(),
            initial_products: products,
            options: Some(options),
            ..Default::default()
        })
        .await
        .expect("a public token");
    client
        .item_public_token_exchange(&ItemPublicTokenExchangeRequest {
            public_token: created.public_token,
            ..Default::default()
        })
        .await
        .expect("an access token")
}

/// The status, `error_type` and `error_code` of what must be an API error in the API's shape.
pub fn api_error<T: std::fmt::Debug>(
    result: Result<T, plaid_api::http::Error>,
) -> (u16, String, String) {
    let error = result.expect_err("an error answer");
    let plaid_api::http::Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}")
    };
    let body = api.error.as_ref().expect("the API's error shape");
    (
        api.status,
        body.error_type.to_string(),
        body.error_code.clone(),
    )
}

/// JSON with every number as a float, so that `100` and `100.0` compare equal: a field of
/// type `number` (an `f64`) re-encodes the example's `100` as `100.0`.
pub fn json_numbers_as_f64(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Number(n), Value::Number),
        Value::Array(items) => Value::Array(items.into_iter().map(json_numbers_as_f64).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, json_numbers_as_f64(v)))
                .collect(),
        ),
        other => other,
    }
}
