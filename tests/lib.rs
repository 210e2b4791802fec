//! Helpers shared by the test binaries.

pub mod cases;

use std::path::{Path, PathBuf};

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

pub fn spec_dir() -> PathBuf {
    workspace_root().join("spec")
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
}

fn decode_as<T>(value: &serde_json::Value) -> Result<Decoded, String>
where
    T: serde::Serialize + serde::de::DeserializeOwned + plaid_api::validate::Validate,
{
    let typed: T = serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
    let reencoded = serde_json::to_value(&typed).map_err(|e| e.to_string())?;
    let violations = violations(&typed);
    Ok(Decoded {
        reencoded,
        violations,
    })
}

/// Every violation `validate()` reports, as (wire path, rule code).
pub fn violations(value: &impl plaid_api::validate::Validate) -> Vec<(String, &'static str)> {
    match value.validate() {
        Ok(()) => Vec::new(),
        Err(errors) => errors
            .violations()
            .iter()
            .map(|v| (v.path.clone(), v.rule))
            .collect(),
    }
}

/// Lists every object type of the spec once, so tests can reach a generated type from its
/// spec name; `every_object_type_is_dispatchable` fails when one is missing.
macro_rules! by_type_name {
    ($($ty:ident),* $(,)?) => {
        /// Decodes `value` as the generated type named `name`, re-encodes and validates it;
        /// `None` when no object type has that name.
        pub fn decode(name: &str, value: &serde_json::Value) -> Option<Result<Decoded, String>> {
            use plaid_api::models::*;
            match name {
                $(stringify!($ty) => Some(decode_as::<$ty>(value)),)*
                _ => None,
            }
        }
    };
}

by_type_name!(
    BeaconAuditTrail,
    BeaconUserAddress,
    BeaconUserCreateRequest,
    BeaconUserCreateResponse,
    BeaconUserData,
    BeaconUserDepositoryAccount,
    BeaconUserIdNumber,
    BeaconUserName,
    BeaconUserRequestData,
    BeaconUserRequestDepositoryAccount,
    ConsumerReportUserAddress,
    ConsumerReportUserIdentity,
    Item,
    PlaidError,
    SandboxUserResetLoginRequest,
    SandboxUserResetLoginResponse,
    UserCreateRequest,
    UserCreateResponse,
    UserItemsGetRequest,
    UserItemsGetResponse,
    UserRemoveRequest,
    UserRemoveResponse,
    UserUpdateRequest,
    UserUpdateResponse,
);

/// The checked model of the repository's spec/, parsed once per test binary.
pub fn spec_model() -> &'static codegen::ir::Model {
    static MODEL: std::sync::OnceLock<codegen::ir::Model> = std::sync::OnceLock::new();
    MODEL.get_or_init(|| {
        let sources = codegen::load::read_dir(&spec_dir()).unwrap_or_else(|e| panic!("{e}"));
        codegen::model(&sources).unwrap_or_else(|e| panic!("{e}"))
    })
}

/// Starts the sandbox in-process on a free loopback port; its base URL.
pub async fn start_sandbox(config: plaid_sandbox::Config) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move { plaid_sandbox::serve(listener, config).await.expect("serve") });
    url
}
