//! A crate generated from another API than Plaid's: the OpenAPI Initiative's petstore-expanded
//! (tests/fixtures/openapi/), imported into tests/petstore/spec/ and generated into
//! tests/petstore/generated/ by `cargo xtask regenerate`. Its generated client calls its
//! generated server, served here over an in-memory service, for every operation: a list with
//! query parameters (an array and an integer), a create, a get and a delete by path
//! parameter, a 204 without a body, and an error answered in the API's own error type.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use plaid_tests::servers;
use swagger_petstore::prelude::*;
use swagger_petstore::server::{SwaggerPetstoreService, router};
use swagger_petstore::server_support::{RequestContext, ServerError, ServiceBasics};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The pets, and the list requests as the service received them.
#[derive(Default)]
struct Store {
    pets: Mutex<BTreeMap<i64, Pet>>,
    listed: Mutex<Vec<FindPetsRequest>>,
}

impl ServiceBasics for Store {
    // The description has no `security`: every operation is `authenticated: false`, so the
    // router never asks.
    fn authenticate(&self, _client_id: &str, _secret: &str) -> bool {
        false
    }

    fn next_request_id(&self) -> String {
        "req".to_owned()
    }
}

fn not_found(id: i64) -> ServerError {
    ServerError::new(404, "", "", format!("no pet {id}"))
}

impl SwaggerPetstoreService for Store {
    async fn find_pets(
        &self,
        _context: RequestContext,
        request: FindPetsRequest,
    ) -> Result<Vec<Pet>, ServerError> {
        self.listed.lock().unwrap().push(request.clone());
        let tags = request.tags.unwrap_or_default();
        let limit = request.limit.map_or(usize::MAX, |l| l as usize);
        Ok(self
            .pets
            .lock()
            .unwrap()
            .values()
            .filter(|pet| tags.is_empty() || pet.tag.as_ref().is_some_and(|t| tags.contains(t)))
            .take(limit)
            .cloned()
            .collect())
    }

    async fn add_pet(&self, _context: RequestContext, request: NewPet) -> Result<Pet, ServerError> {
        let mut pets = self.pets.lock().unwrap();
        let id = pets.keys().next_back().map_or(1, |last| last + 1);
        let pet = Pet {
            name: request.name,
            tag: request.tag,
            id,
        };
        pets.insert(id, pet.clone());
        Ok(pet)
    }

    async fn find_pet_by_id(
        &self,
        _context: RequestContext,
        request: FindPetByIdRequest,
    ) -> Result<Pet, ServerError> {
        let pets = self.pets.lock().unwrap();
        pets.get(&request.id)
            .cloned()
            .ok_or_else(|| not_found(request.id))
    }

    async fn delete_pet(
        &self,
        _context: RequestContext,
        request: DeletePetRequest,
    ) -> Result<(), ServerError> {
        let removed = self.pets.lock().unwrap().remove(&request.id);
        removed.map(|_| ()).ok_or_else(|| not_found(request.id))
    }
}

async fn serve() -> (Arc<Store>, String, Client) {
    let store = Arc::new(Store::default());
    let url = servers::serve(router(store.clone())).await;
    let client = Client::builder()
        .environment(Environment::Custom(url.clone()))
        .build()
        .expect("client");
    (store, url, client)
}

fn new_pet(name: &str, tag: &str) -> NewPet {
    NewPet {
        name: name.to_owned(),
        tag: Some(tag.to_owned()),
    }
}

#[tokio::test]
async fn the_generated_client_calls_the_generated_server_for_every_operation() {
    let (store, _, client) = serve().await;

    let rex = client
        .add_pet(&new_pet("Rex", "dog"))
        .await
        .expect("add_pet");
    assert_eq!(
        (rex.id, rex.name.as_str(), rex.tag.as_deref()),
        (1, "Rex", Some("dog"))
    );
    client
        .add_pet(&new_pet("Tom", "cat"))
        .await
        .expect("add_pet");
    client
        .add_pet(&new_pet("Nemo", "fish"))
        .await
        .expect("add_pet");

    // A top-level JSON array, filtered by the query's repeated `tags` and its `limit`.
    let request = FindPetsRequest {
        tags: Some(vec!["dog".to_owned(), "cat".to_owned()]),
        limit: Some(1),
    };
    let pets = client.find_pets(&request).await.expect("find_pets");
    assert_eq!(pets, vec![rex.clone()]);
    assert_eq!(store.listed.lock().unwrap().last(), Some(&request));
    let all = client
        .find_pets(&FindPetsRequest::default())
        .await
        .expect("find_pets without parameters");
    assert_eq!(all.len(), 3);
    assert_eq!(
        store.listed.lock().unwrap().last(),
        Some(&FindPetsRequest::default()),
        "absent query parameters arrive absent"
    );

    let found = client
        .find_pet_by_id(&FindPetByIdRequest { id: 1 })
        .await
        .expect("find_pet_by_id");
    assert_eq!(found, rex);

    client
        .delete_pet(&DeletePetRequest { id: 1 })
        .await
        .expect("delete_pet");
    assert!(!store.pets.lock().unwrap().contains_key(&1));

    // The API's error type, `Error` in the description (`ApiError` in Rust), decoded.
    let error = client
        .find_pet_by_id(&FindPetByIdRequest { id: 1 })
        .await
        .expect_err("a deleted pet is not found");
    let Error::Api(api) = error else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!(api.status, 404);
    assert_eq!(
        api.error,
        Some(ApiError {
            code: 404,
            message: "no pet 1".to_owned()
        })
    );
    assert_eq!(
        api.error.as_ref().map(ToString::to_string).as_deref(),
        Some("404: no pet 1")
    );
}

/// One HTTP/1.1 request on a fresh connection; the status line and the body.
async fn raw(url: &str, method: &str, target: &str) -> (String, String) {
    let address = url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    let head =
        format!("{method} {target} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).await.expect("write");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("read");
    let status = answer.lines().next().unwrap_or_default().to_owned();
    let body = answer
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    (status, body)
}

/// What travels: the client writes an array query parameter as its items repeated, the server
/// reads that form, a delete answers 204 with no body, and the server's own refusals (a
/// parameter of the wrong type, another method) are in the API's error shape.
#[tokio::test]
async fn the_wire_form_is_the_descriptions() {
    let request = FindPetsRequest {
        tags: Some(vec!["a b".to_owned(), "c".to_owned()]),
        limit: Some(2),
    };
    assert_eq!(
        specgen_runtime::encode_query(&request.query()),
        "tags=a%20b&tags=c&limit=2"
    );
    assert_eq!(<FindPetsRequest as Operation>::METHOD, "GET");
    const { assert!(!<DeletePetRequest as Operation>::HAS_BODY) };
    assert_eq!(DeletePetRequest { id: 7 }.path(), "/pets/7");

    let (store, url, client) = serve().await;
    client
        .add_pet(&new_pet("Rex", "dog"))
        .await
        .expect("add_pet");

    let (status, body) = raw(&url, "GET", "/pets?tags=dog&tags=cat&limit=5").await;
    assert!(status.contains(" 200 "), "{status}");
    assert!(body.contains("\"Rex\""), "{body}");
    assert_eq!(
        store.listed.lock().unwrap().last(),
        Some(&FindPetsRequest {
            tags: Some(vec!["dog".to_owned(), "cat".to_owned()]),
            limit: Some(5),
        })
    );

    let (status, body) = raw(&url, "DELETE", "/pets/1").await;
    assert!(status.contains(" 204 "), "{status}");
    assert!(body.is_empty(), "{body}");

    let (status, body) = raw(&url, "GET", "/pets?limit=many").await;
    assert!(status.contains(" 400 "), "{status}");
    let error: ApiError = serde_json::from_str(&body).expect("an ApiError body");
    assert_eq!(error.code, 400);
    assert!(error.message.contains("limit"), "{}", error.message);

    let (status, body) = raw(&url, "PUT", "/pets").await;
    assert!(status.contains(" 405 "), "{status}");
    let error: ApiError = serde_json::from_str(&body).expect("an ApiError body");
    assert_eq!(
        (error.code, error.message.as_str()),
        (405, "this path takes GET, POST")
    );
}
