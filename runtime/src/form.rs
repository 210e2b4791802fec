//! `application/x-www-form-urlencoded` request bodies (the spec's `body: form`), nested as
//! form-encoded APIs write them: an object's fields as `card[number]=...`, an array's items as
//! `items[0][price]=...`, a scalar array's as `tags[0]=a&tags[1]=b`. The encoding is
//! [serde_qs]'s, with brackets percent-encoded as a form requires; the same types and serde
//! impls as the JSON body, so the fields sent are the body fields.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::FormError;

/// How deep a nested key may go (`a[b][c]` is 2): beyond what a request needs, well below
/// what a hostile body could make expensive.
const MAX_DEPTH: usize = 8;

fn config() -> serde_qs::Config {
    serde_qs::Config::new()
        .max_depth(MAX_DEPTH)
        .use_form_encoding(true)
        .array_format(serde_qs::ArrayFormat::Indexed)
        .duplicate_key_behavior(serde_qs::DuplicateKeyBehavior::Error)
}

/// The form body of `value`'s body fields.
pub fn encode<T: Serialize>(value: &T) -> Result<String, String> {
    config().serialize_string(value).map_err(|_| {
        "the request cannot be written as a form (a value has no form encoding)".to_owned()
    })
}

/// The request a form body holds.
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, FormError> {
    let text = std::str::from_utf8(body).map_err(|_| FormError {
        path: None,
        message: "the form body is not UTF-8".to_owned(),
    })?;
    let parsed =
        serde_qs::Deserializer::with_config(config(), text.as_bytes()).map_err(|_| FormError {
            path: None,
            message: "the form body is malformed or nested too deep".to_owned(),
        })?;
    serde_path_to_error::deserialize(parsed).map_err(|error| {
        let path = error.path().to_string();
        let message = error.inner().to_string();
        // serde's own words for a missing field name it; any other message may hold a value.
        let message = match message.strip_prefix("missing field `") {
            Some(rest) => format!("missing field `{}`", rest.split('`').next().unwrap_or("")),
            None => "does not hold a value of its type".to_owned(),
        };
        FormError {
            path: Some(path),
            message,
        }
    })
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    use super::*;

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    struct Card {
        number: String,
        exp_month: u8,
    }

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    struct Charge {
        amount: i64,
        card: Card,
        tags: Vec<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    }

    #[test]
    fn nested_fields_and_arrays_round_trip_as_bracketed_keys() {
        let charge = Charge {
            amount: 1250,
            card: Card {
                number: "4242 4242".into(),
                exp_month: 12,
            },
            tags: vec!["a&b".into(), "c".into()],
            note: None,
        };
        let form = encode(&charge).unwrap();
        assert_eq!(
            form,
            "amount=1250&card%5Bnumber%5D=4242%204242&card%5Bexp_month%5D=12&tags%5B0%5D=a%26b&tags%5B1%5D=c"
        );
        assert_eq!(decode::<Charge>(form.as_bytes()).unwrap(), charge);
        // Brackets unencoded and `+` for a space, as browsers and other clients send them.
        let unencoded = "amount=5&card[number]=4242+4242&card[exp_month]=2&tags[0]=x";
        let decoded = decode::<Charge>(unencoded.as_bytes()).unwrap();
        assert_eq!(
            (decoded.card.number.as_str(), decoded.card.exp_month),
            ("4242 4242", 2)
        );
    }

    #[test]
    fn a_wrong_value_is_named_by_its_path_never_quoted() {
        let error =
            decode::<Charge>(b"amount=5&card[number]=1&card[exp_month]=secret-ish&tags[0]=x")
                .unwrap_err();
        assert_eq!(error.path.as_deref(), Some("card.exp_month"));
        assert!(!error.message.contains("secret-ish"), "{}", error.message);
        let missing = decode::<Charge>(b"card[number]=1&card[exp_month]=2&tags[0]=x").unwrap_err();
        assert_eq!(missing.message, "missing field `amount`");
    }

    #[test]
    fn a_repeated_scalar_and_a_key_nested_too_deep_are_refused() {
        assert!(decode::<Charge>(b"amount=1&amount=2&card[number]=1&card[exp_month]=2").is_err());
        let deep = format!("amount=1&note{}=x", "[a]".repeat(MAX_DEPTH + 2));
        assert!(decode::<Charge>(deep.as_bytes()).is_err());
    }
}
