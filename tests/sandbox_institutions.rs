//! The sandbox's institutions through the generated client: `/institutions/get` pages and
//! filters them, `/institutions/get_by_id` and `/institutions/search` show each the same, and
//! every one listed links an Item that `/item/get` names alike.

use std::collections::BTreeSet;

use plaid_api::prelude::*;
use plaid_tests::{api_error, client_builder};

async fn start() -> Client {
    let url = plaid_tests::start_sandbox(plaid_tests::sandbox_config()).await;
    client_builder(&url).build().expect("client")
}

/// Every country a Sandbox institution is in, and then some.
fn every_country() -> Vec<CountryCode> {
    vec![
        CountryCode::Us,
        CountryCode::Gb,
        CountryCode::Ca,
        CountryCode::Fr,
        CountryCode::De,
    ]
}

fn get(count: i64, offset: i64, countries: Vec<CountryCode>) -> InstitutionsGetRequest {
    InstitutionsGetRequest {
        count,
        offset,
        country_codes: countries,
        ..Default::default()
    }
}

fn filtered(
    countries: Vec<CountryCode>,
    options: InstitutionsGetRequestOptions,
) -> InstitutionsGetRequest {
    InstitutionsGetRequest {
        options: Some(options),
        ..get(500, 0, countries)
    }
}

fn search(query: &str, countries: Vec<CountryCode>) -> InstitutionsSearchRequest {
    InstitutionsSearchRequest {
        query: query.into(),
        country_codes: countries,
        ..Default::default()
    }
}

fn by_id(id: &str, countries: Vec<CountryCode>) -> InstitutionsGetByIdRequest {
    InstitutionsGetByIdRequest {
        institution_id: id.into(),
        country_codes: countries,
        ..Default::default()
    }
}

/// Every institution, as `/institutions/get` lists them with `options`.
async fn all(client: &Client, options: InstitutionsGetRequestOptions) -> Vec<Institution> {
    let answer = client
        .institutions_get(&filtered(every_country(), options))
        .await
        .expect("every institution");
    assert_eq!(answer.total as usize, answer.institutions.len());
    answer.institutions
}

fn ids(institutions: &[Institution]) -> Vec<&str> {
    institutions
        .iter()
        .map(|institution| institution.institution_id.as_str())
        .collect()
}

#[tokio::test]
async fn pages_cover_every_institution_once_and_total_counts_them_all() {
    let client = start().await;
    let everything = all(&client, Default::default()).await;
    // The docs' Sandbox institutions, First Platypus Bank first: the one every user's Item is at.
    assert_eq!(everything.len(), 12);
    assert_eq!(everything[0].institution_id, "ins_109508");
    assert_eq!(everything[0].name, "First Platypus Bank");
    let distinct: BTreeSet<&str> = ids(&everything).into_iter().collect();
    assert_eq!(
        distinct.len(),
        everything.len(),
        "an institution listed twice"
    );

    for count in [1, 5, 7] {
        let mut paged = Vec::new();
        let mut offset = 0;
        loop {
            let page = client
                .institutions_get(&get(count, offset, every_country()))
                .await
                .expect("a page");
            assert_eq!(
                page.total as usize,
                everything.len(),
                "count {count}, offset {offset}"
            );
            assert!(page.institutions.len() <= count as usize);
            if page.institutions.is_empty() {
                break;
            }
            offset += page.institutions.len() as i64;
            paged.extend(page.institutions);
        }
        assert_eq!(paged, everything, "pages of {count}");
    }

    // Past the end: nothing, and the same total.
    let past = client
        .institutions_get(&get(500, 100, every_country()))
        .await
        .expect("a page past the end");
    assert!(past.institutions.is_empty());
    assert_eq!(past.total as usize, everything.len());

    // The documented bounds of `count` hold before anything is sent.
    for count in [0, 501] {
        let refused = client
            .institutions_get(&get(count, 0, every_country()))
            .await;
        assert!(
            matches!(refused, Err(Error::Validation(_))),
            "count {count}: {refused:?}"
        );
    }
}

#[tokio::test]
async fn countries_products_oauth_and_routing_numbers_filter_and_total_follows() {
    let client = start().await;
    let everything = all(&client, Default::default()).await;
    let expected = |keep: &dyn Fn(&Institution) -> bool| -> Vec<Institution> {
        everything.iter().filter(|i| keep(i)).cloned().collect()
    };
    let cases: Vec<(&str, InstitutionsGetRequest, Vec<Institution>)> = vec![
        (
            "US",
            get(500, 0, vec![CountryCode::Us]),
            expected(&|i| i.country_codes.contains(&CountryCode::Us)),
        ),
        (
            "GB",
            get(500, 0, vec![CountryCode::Gb]),
            expected(&|i| i.country_codes.contains(&CountryCode::Gb)),
        ),
        (
            "CA and FR",
            get(500, 0, vec![CountryCode::Ca, CountryCode::Fr]),
            expected(&|i| i.country_codes.contains(&CountryCode::Ca)),
        ),
        (
            "payment initiation",
            filtered(
                every_country(),
                InstitutionsGetRequestOptions {
                    products: Nullable::Value(vec![Products::PaymentInitiation]),
                    ..Default::default()
                },
            ),
            expected(&|i| i.products.contains(&Products::PaymentInitiation)),
        ),
        (
            "investments and transactions, in the US",
            filtered(
                vec![CountryCode::Us],
                InstitutionsGetRequestOptions {
                    products: Nullable::Value(vec![Products::Investments, Products::Transactions]),
                    ..Default::default()
                },
            ),
            expected(&|i| {
                i.country_codes.contains(&CountryCode::Us)
                    && i.products.contains(&Products::Investments)
                    && i.products.contains(&Products::Transactions)
            }),
        ),
        (
            "OAuth",
            filtered(
                every_country(),
                InstitutionsGetRequestOptions {
                    oauth: Nullable::Value(true),
                    ..Default::default()
                },
            ),
            expected(&|i| i.oauth),
        ),
        (
            "without OAuth",
            filtered(
                every_country(),
                InstitutionsGetRequestOptions {
                    oauth: Nullable::Value(false),
                    ..Default::default()
                },
            ),
            expected(&|i| !i.oauth),
        ),
        (
            // An invalid routing number is dropped; the valid one filters.
            "a routing number",
            filtered(
                every_country(),
                InstitutionsGetRequestOptions {
                    routing_numbers: Nullable::Value(vec!["011000138".into(), "12345".into()]),
                    ..Default::default()
                },
            ),
            expected(&|i| i.routing_numbers.contains(&"011000138".to_owned())),
        ),
    ];
    for (what, request, expected) in cases {
        let answer = client.institutions_get(&request).await.expect(what);
        assert!(!expected.is_empty(), "{what}: the case filters nothing in");
        assert!(
            expected.len() < everything.len(),
            "{what}: the case filters nothing out"
        );
        assert_eq!(answer.institutions, expected, "{what}");
        assert_eq!(answer.total as usize, expected.len(), "{what}: total");
    }

    // The filters the docs' data settle: the Canadian bank alone in CA, the UK banks (OAuth,
    // like every European institution) in GB, Houndstooth Bank's documented routing numbers.
    let in_ca = client
        .institutions_get(&get(500, 0, vec![CountryCode::Ca]))
        .await
        .expect("CA");
    assert_eq!(ids(&in_ca.institutions), ["ins_43"]);
    let in_gb = client
        .institutions_get(&get(500, 0, vec![CountryCode::Gb]))
        .await
        .expect("GB");
    assert_eq!(
        ids(&in_gb.institutions),
        ["ins_116834", "ins_117650", "ins_117181"]
    );
    assert!(in_gb.institutions.iter().all(|i| i.oauth));
    let routed = client
        .institutions_get(&filtered(
            every_country(),
            InstitutionsGetRequestOptions {
                routing_numbers: Nullable::Value(vec!["011000138".into()]),
                ..Default::default()
            },
        ))
        .await
        .expect("by routing number");
    assert_eq!(ids(&routed.institutions), ["ins_109512"]);

    // Routing numbers none of which is valid: the documented INVALID_FIELD.
    let refused = client
        .institutions_get(&filtered(
            every_country(),
            InstitutionsGetRequestOptions {
                routing_numbers: Nullable::Value(vec!["12345".into(), "011000139".into()]),
                ..Default::default()
            },
        ))
        .await;
    assert_eq!(
        api_error(refused),
        (400, "INVALID_REQUEST".into(), "INVALID_FIELD".into())
    );
}

#[tokio::test]
async fn get_by_id_shows_each_institution_as_get_lists_it() {
    let client = start().await;
    for metadata in [false, true] {
        let everything = all(
            &client,
            InstitutionsGetRequestOptions {
                include_optional_metadata: Some(metadata),
                include_auth_metadata: Some(metadata),
                include_payment_initiation_metadata: Some(metadata),
                ..Default::default()
            },
        )
        .await;
        for listed in &everything {
            let found = client
                .institutions_get_by_id(&InstitutionsGetByIdRequest {
                    options: Some(InstitutionsGetByIdRequestOptions {
                        include_optional_metadata: Some(metadata),
                        include_auth_metadata: Some(metadata),
                        include_payment_initiation_metadata: Some(metadata),
                        ..Default::default()
                    }),
                    ..by_id(&listed.institution_id, listed.country_codes.clone())
                })
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", listed.institution_id));
            assert_eq!(&found.institution, listed);
            // Asked for, the metadata is there (the logo as `null`: the docs show none);
            // not asked for, it is left out.
            assert_eq!(found.institution.primary_color.value().is_some(), metadata);
            assert_eq!(!found.institution.logo.is_absent(), metadata);
            assert_eq!(!found.institution.auth_metadata.is_absent(), metadata);
        }
    }

    // Houndstooth Bank as the docs' `/institutions/get_by_id` answer shows it.
    let houndstooth = client
        .institutions_get_by_id(&InstitutionsGetByIdRequest {
            options: Some(InstitutionsGetByIdRequestOptions {
                include_optional_metadata: Some(true),
                include_auth_metadata: Some(true),
                include_status: Some(true),
                ..Default::default()
            }),
            ..by_id("ins_109512", vec![CountryCode::Us])
        })
        .await
        .expect("Houndstooth Bank")
        .institution;
    assert_eq!(houndstooth.name, "Houndstooth Bank");
    assert_eq!(
        houndstooth.routing_numbers,
        ["011000138", "011200365", "011400495"]
    );
    assert_eq!(houndstooth.url, Nullable::Value("https://plaid.com".into()));
    assert_eq!(houndstooth.primary_color, Nullable::Value("#004966".into()));
    assert!(!houndstooth.oauth);
    // "Institution status is not available in the Sandbox environment."
    assert_eq!(houndstooth.status, Nullable::Null);
    let methods = houndstooth
        .auth_metadata
        .value()
        .and_then(|m| m.supported_methods.clone())
        .expect("auth methods");
    assert!(methods.instant_auth && methods.instant_match && methods.automated_micro_deposits);
}

#[tokio::test]
async fn unknown_institutions_and_those_outside_the_countries_are_invalid_institution() {
    let client = start().await;
    let invalid = (400, "INVALID_INPUT".into(), "INVALID_INSTITUTION".into());
    for (id, countries) in [
        ("ins_1", every_country()),
        ("INS_109508", every_country()),
        ("ins_43", vec![CountryCode::Us]),
        ("ins_109508", vec![CountryCode::Gb]),
        ("ins_109508", Vec::new()),
    ] {
        let refused = client
            .institutions_get_by_id(&by_id(id, countries.clone()))
            .await;
        assert_eq!(api_error(refused), invalid, "{id} in {countries:?}");
    }
}

#[tokio::test]
async fn search_matches_names_ignoring_case_within_products_and_countries() {
    let client = start().await;
    let everything = all(&client, Default::default()).await;
    let platypuses: Vec<Institution> = everything
        .iter()
        .filter(|i| i.name.to_lowercase().contains("platypus"))
        .cloned()
        .collect();
    assert!(platypuses.len() >= 5, "{:?}", ids(&platypuses));

    for query in ["platypus", "PLATYPUS", "Platypus", " pLaTyPuS "] {
        let found = client
            .institutions_search(&search(query, every_country()))
            .await
            .expect(query);
        assert_eq!(found.institutions, platypuses, "{query:?}");
    }
    // Every word of the query, in any order.
    let found = client
        .institutions_search(&search("bank first", every_country()))
        .await
        .expect("two words");
    assert_eq!(
        ids(&found.institutions),
        ["ins_109508", "ins_130016", "ins_132241"]
    );

    for query in ["xyzzy-no-such-bank", "platypus credit union"] {
        let found = client
            .institutions_search(&search(query, every_country()))
            .await
            .expect(query);
        assert!(
            found.institutions.is_empty(),
            "{query:?}: {:?}",
            ids(&found.institutions)
        );
    }

    // Countries and products filter as in `/institutions/get`.
    let in_gb = client
        .institutions_search(&search("platypus", vec![CountryCode::Gb]))
        .await
        .expect("GB");
    assert_eq!(ids(&in_gb.institutions), ["ins_116834", "ins_117181"]);
    let paying = client
        .institutions_search(&InstitutionsSearchRequest {
            products: Nullable::Value(vec![Products::PaymentInitiation]),
            ..search("bank", every_country())
        })
        .await
        .expect("payment initiation");
    assert_eq!(
        ids(&paying.institutions),
        ["ins_116834", "ins_117650", "ins_117181"]
    );
    let nowhere = client
        .institutions_search(&search("platypus", Vec::new()))
        .await
        .expect("no country");
    assert!(nowhere.institutions.is_empty());

    // At most ten, as the docs say, each as `/institutions/get` shows it.
    let banks = client
        .institutions_search(&search("a", every_country()))
        .await
        .expect("many");
    assert_eq!(banks.institutions.len(), 10);
    for found in &banks.institutions {
        assert!(everything.contains(found), "{}", found.institution_id);
    }
}

#[tokio::test]
async fn every_listed_institution_links_and_item_get_names_it_alike() {
    let client = start().await;
    for institution in all(&client, Default::default()).await {
        let id = &institution.institution_id;
        let created = client
            .sandbox_public_token_create(&SandboxPublicTokenCreateRequest {
                institution_id: id.clone(),
                initial_products: vec![Products::Transactions],
                ..Default::default()
            })
            .await
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        let exchanged = client
            .item_public_token_exchange(&ItemPublicTokenExchangeRequest {
                public_token: created.public_token,
                ..Default::default()
            })
            .await
            .expect("an access token");
        let item = client
            .item_get(&ItemGetRequest {
                access_token: exchanged.access_token,
                ..Default::default()
            })
            .await
            .expect("the Item")
            .item;
        assert_eq!(item.institution_id, Nullable::Value(id.clone()));
        assert_eq!(
            item.institution_name,
            Nullable::Value(institution.name.clone())
        );
        // What the Item has and may add are the institution's products.
        let mut products = item.available_products.clone();
        products.extend(item.billed_products.clone());
        assert_eq!(products.len(), institution.products.len(), "{id}");
        assert!(
            products.iter().all(|p| institution.products.contains(p)),
            "{id}"
        );
    }

    // A product the institution does not offer is refused, as the list says.
    let refused = client
        .sandbox_public_token_create(&SandboxPublicTokenCreateRequest {
            institution_id: "ins_43".into(),
            initial_products: vec![Products::PaymentInitiation],
            ..Default::default()
        })
        .await;
    assert_eq!(
        api_error(refused),
        (400, "ITEM_ERROR".into(), "PRODUCTS_NOT_SUPPORTED".into())
    );

    // Every user's own Item is at First Platypus Bank, named as the list names it.
    let listed = client
        .institutions_get_by_id(&by_id("ins_109508", vec![CountryCode::Us]))
        .await
        .expect("First Platypus Bank")
        .institution;
    let (_, token) = plaid_tests::create_user(&client, "institutions-user").await;
    let items = client
        .user_items_get(&UserItemsGetRequest {
            user_token: Some(token),
            ..Default::default()
        })
        .await
        .expect("the user's Items")
        .items;
    assert_eq!(
        items[0].institution_id,
        Nullable::Value(listed.institution_id)
    );
    assert_eq!(items[0].institution_name, Nullable::Value(listed.name));
}
