//! `/institutions/get`, `/institutions/get_by_id` and `/institutions/search`, answered from the
//! Sandbox's test institutions (`items::INSTITUTIONS`): the institutions
//! `/sandbox/public_token/create` links Items at, each shown alike by the three operations
//! and named alike by its Items.

use plaid_api::Nullable;
use plaid_api::models::{
    AuthMetadata, AuthSupportedMethods, CountryCode, Institution as Shown,
    InstitutionsGetByIdRequest, InstitutionsGetByIdResponse, InstitutionsGetRequest,
    InstitutionsGetResponse, InstitutionsSearchRequest, InstitutionsSearchResponse, Products,
};
use plaid_api::server_support::ServerError;

use crate::items::{self, INSTITUTIONS, Institution};
use crate::transactions;

/// The docs: `/institutions/search` answers "up to a maximum of ten institutions per query".
const SEARCH_LIMIT: usize = 10;

/// What a request asks to see besides an institution's record (its `options.include_*`).
#[derive(Clone, Copy, Default)]
struct Extras {
    optional_metadata: bool,
    auth_metadata: bool,
    payment_initiation_metadata: bool,
    status: bool,
}

/// The institution as the API shows it. What the docs show of no Sandbox institution is
/// `null` when asked for: its logo, its payment initiation metadata, and its status ("not
/// available in the Sandbox environment", says `InstitutionStatus`).
fn shown(institution: &Institution, extras: Extras) -> Shown {
    let auth = AuthSupportedMethods {
        instant_auth: institution.products.contains(&Products::Auth),
        instant_match: institution.instant_match_and_micro_deposits,
        automated_micro_deposits: institution.instant_match_and_micro_deposits,
        // The docs' bank for it, Windowpane Bank, is not one the sandbox links at.
        instant_micro_deposits: false,
    };
    let url = institution
        .url
        .map_or(Nullable::Null, |url| Nullable::Value(url.to_owned()));
    let primary_color = institution
        .primary_color
        .map_or_else(|| fallback_color(institution.id), str::to_owned);
    Shown {
        institution_id: institution.id.to_owned(),
        name: institution.name.to_owned(),
        products: institution.products.to_vec(),
        country_codes: institution.country_codes.to_vec(),
        url: if_asked(extras.optional_metadata, url),
        primary_color: if_asked(extras.optional_metadata, Nullable::Value(primary_color)),
        logo: if_asked(extras.optional_metadata, Nullable::Null),
        routing_numbers: strings(institution.routing_numbers),
        dtc_numbers: (!institution.dtc_numbers.is_empty())
            .then(|| strings(institution.dtc_numbers)),
        oauth: institution.oauth,
        status: if_asked(extras.status, Nullable::Null),
        payment_initiation_metadata: if_asked(extras.payment_initiation_metadata, Nullable::Null),
        auth_metadata: if_asked(
            extras.auth_metadata,
            Nullable::Value(AuthMetadata {
                supported_methods: Some(auth),
            }),
        ),
    }
}

/// Left out of the answer unless the request asks for it.
fn if_asked<T>(asked: bool, value: Nullable<T>) -> Nullable<T> {
    if asked { value } else { Nullable::Absent }
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// The docs: without brand data, `primary_color` is "a deterministically generated fallback
/// color". Drawn from the institution id alone (FNV-1a), so it is the same in every run and
/// under every seed.
fn fallback_color(id: &str) -> String {
    let hash = id.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    });
    format!("#{:06x}", hash & 0x00ff_ffff)
}

/// Which institutions a request admits.
#[derive(Default)]
struct Filter<'a> {
    countries: &'a [CountryCode],
    /// Every one of them must be offered.
    products: &'a [Products],
    oauth: Option<bool>,
    /// Every one of them must be the institution's.
    routing_numbers: Vec<&'a str>,
    payment_initiation: bool,
}

impl Filter<'_> {
    fn admits(&self, institution: &Institution) -> bool {
        self.countries
            .iter()
            .any(|country| institution.country_codes.contains(country))
            && self
                .products
                .iter()
                .all(|product| institution.products.contains(product))
            && self.oauth.is_none_or(|oauth| institution.oauth == oauth)
            && self
                .routing_numbers
                .iter()
                .all(|number| institution.routing_numbers.contains(number))
            && (!self.payment_initiation
                || institution.products.contains(&Products::PaymentInitiation))
    }

    fn institutions(&self) -> impl Iterator<Item = &'static Institution> + '_ {
        INSTITUTIONS
            .iter()
            .filter(|institution| self.admits(institution))
    }
}

/// The routing numbers that may filter, per the docs: those of 9 digits with a valid ABA
/// checksum, the others dropped; `INVALID_FIELD` when some were given and none is valid.
fn routing_numbers(given: &[String]) -> Result<Vec<&str>, ServerError> {
    let valid: Vec<&str> = given
        .iter()
        .map(String::as_str)
        .filter(|number| aba_checksum_holds(number))
        .collect();
    if valid.is_empty() && !given.is_empty() {
        return Err(transactions::invalid_field(
            "options.routing_numbers: none is a valid routing number (9 digits with a valid checksum)",
        ));
    }
    Ok(valid)
}

fn aba_checksum_holds(number: &str) -> bool {
    let digits: Vec<u32> = number.chars().filter_map(|c| c.to_digit(10)).collect();
    number.len() == 9
        && digits.len() == 9
        && digits
            .iter()
            .zip([3, 7, 1].iter().cycle())
            .map(|(digit, weight)| digit * weight)
            .sum::<u32>()
            % 10
            == 0
}

/// Whether `name` matches a search query: every word of the query (split at whitespace) is
/// in the name, ignoring case. A query of no word matches nothing.
fn name_matches(name: &str, query: &str) -> bool {
    let name = name.to_lowercase();
    let mut words = query.split_whitespace().peekable();
    words.peek().is_some() && words.all(|word| name.contains(&word.to_lowercase()))
}

pub fn get(
    request: &InstitutionsGetRequest,
    request_id: String,
) -> Result<InstitutionsGetResponse, ServerError> {
    let count = transactions::page_size(Some(request.count), "count")?;
    let offset = usize::try_from(request.offset)
        .map_err(|_| transactions::invalid_field("offset must not be negative"))?;
    let options = request.options.clone().unwrap_or_default();
    let given_numbers = options.routing_numbers.into_value().unwrap_or_default();
    let products = options.products.into_value().unwrap_or_default();
    let filter = Filter {
        countries: &request.country_codes,
        products: &products,
        oauth: options.oauth.into_value(),
        routing_numbers: routing_numbers(&given_numbers)?,
        payment_initiation: false,
    };
    let extras = Extras {
        optional_metadata: options.include_optional_metadata.unwrap_or(false),
        auth_metadata: options.include_auth_metadata.unwrap_or(false),
        payment_initiation_metadata: options.include_payment_initiation_metadata.unwrap_or(false),
        status: false,
    };
    let total = filter.institutions().count();
    Ok(InstitutionsGetResponse {
        institutions: filter
            .institutions()
            .skip(offset)
            .take(count)
            .map(|institution| shown(institution, extras))
            .collect(),
        total: i64::try_from(total).unwrap_or(i64::MAX),
        request_id,
    })
}

pub fn get_by_id(
    request: &InstitutionsGetByIdRequest,
    request_id: String,
) -> Result<InstitutionsGetByIdResponse, ServerError> {
    let index = items::institution(&request.institution_id)
        .ok_or_else(|| items::invalid_institution(false))?;
    let institution = items::institution_at(index);
    let filter = Filter {
        countries: &request.country_codes,
        ..Filter::default()
    };
    if !filter.admits(institution) {
        return Err(items::invalid_institution(true));
    }
    let options = request.options.clone().unwrap_or_default();
    let extras = Extras {
        optional_metadata: options.include_optional_metadata.unwrap_or(false),
        auth_metadata: options.include_auth_metadata.unwrap_or(false),
        payment_initiation_metadata: options.include_payment_initiation_metadata.unwrap_or(false),
        status: options.include_status.unwrap_or(false),
    };
    Ok(InstitutionsGetByIdResponse {
        institution: shown(institution, extras),
        request_id,
    })
}

pub fn search(
    request: &InstitutionsSearchRequest,
    request_id: String,
) -> Result<InstitutionsSearchResponse, ServerError> {
    let options = request.options.clone().unwrap_or_default();
    let products = request.products.clone().into_value().unwrap_or_default();
    // A payment or consent can only be made at an institution that initiates payments.
    let payment_initiation = options.payment_initiation.value().is_some_and(|payment| {
        payment.payment_id.value().is_some() || payment.consent_id.value().is_some()
    });
    let filter = Filter {
        countries: &request.country_codes,
        products: &products,
        oauth: options.oauth.into_value(),
        routing_numbers: Vec::new(),
        payment_initiation,
    };
    let extras = Extras {
        optional_metadata: options.include_optional_metadata.unwrap_or(false),
        auth_metadata: options.include_auth_metadata.into_value().unwrap_or(false),
        payment_initiation_metadata: options
            .include_payment_initiation_metadata
            .into_value()
            .unwrap_or(false),
        status: false,
    };
    Ok(InstitutionsSearchResponse {
        institutions: filter
            .institutions()
            .filter(|institution| name_matches(institution.name, &request.query))
            .take(SEARCH_LIMIT)
            .map(|institution| shown(institution, extras))
            .collect(),
        request_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routing_numbers_are_checked_as_the_aba_defines() {
        // Houndstooth Bank's documented numbers hold; a changed digit or length does not.
        for number in ["011000138", "011200365", "011400495", "021000021"] {
            assert!(aba_checksum_holds(number), "{number}");
        }
        for number in ["011000139", "01100013", "0110001380", "01100013x", ""] {
            assert!(!aba_checksum_holds(number), "{number}");
        }
    }

    #[test]
    fn names_match_every_word_of_the_query_ignoring_case() {
        assert!(name_matches("First Platypus Bank", "platypus"));
        assert!(name_matches("First Platypus Bank", "BANK first"));
        assert!(name_matches(
            "Tartan-Dominion Bank of Canada",
            "tartan-dominion"
        ));
        assert!(!name_matches("First Platypus Bank", "platypus credit"));
        assert!(!name_matches("First Platypus Bank", "   "));
    }

    #[test]
    fn fallback_colors_are_hex_and_stable() {
        let color = fallback_color("ins_109508");
        assert_eq!(color, fallback_color("ins_109508"));
        assert_eq!(color.len(), 7);
        assert!(color.starts_with('#') && color[1..].chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(color, fallback_color("ins_109509"));
    }
}
