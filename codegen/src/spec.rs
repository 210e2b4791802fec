//! The serde mirror of one spec file. It only describes shape; meaning is checked in `check`.
//! The loader reads these types, and the importer builds them and writes them
//! (`write`): one model of the spec, whichever side it comes from.
//!
//! Every name and reference is `Spanned` so that a semantic error can point at its line and
//! column, and every struct denies unknown keys so that a typo never passes silently.

pub mod write;

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_saphyr::{Location, Spanned};

pub type Name = Spanned<String>;

/// One YAML file of `spec/`.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SpecFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<Spanned<ApiInfo>>,
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    pub operations: OrderedMap<Operation>,
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    pub types: OrderedMap<TypeDef>,
    /// What the docs' prose adds to types and operations defined elsewhere (the imported ones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refine: Option<Spanned<Refine>>,
    /// The names of the entries left out because they do not parse (`load::parse`), reported
    /// there: a reference to one is not reported again as unknown.
    #[serde(skip)]
    pub broken: std::collections::BTreeSet<String>,
}

/// Refinements of types and operations another file defines: written like them, every key
/// optional. What a refinement may say is judged in `check::refine`.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Refine {
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    pub types: OrderedMap<TypeDef>,
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    pub operations: OrderedMap<OperationRefinement>,
    /// Wire names of fields that are sensitive wherever they occur (`secret`, `*_token`): `*`
    /// stands for any run of characters.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sensitive: Vec<Spanned<String>>,
}

/// What the prose may add to an operation: clearer words, and whether a retry is safe.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OperationRefinement {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotent: Option<bool>,
    /// How the request travels, where the prose says what the definition does not
    /// (`multipart`: the docs ask for `multipart/form-data`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ApiInfo {
    pub title: String,
    pub version: String,
    /// The generated crate's package name; by default the title in kebab case
    /// (`Plaid API` -> `plaid-api`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<Spanned<String>>,
    /// The generated crate's license, an SPDX expression (`MIT OR Apache-2.0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_summary: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_fields: Option<Spanned<ErrorFields>>,
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    pub servers: OrderedMap<String>,
    /// How credentials travel, by scheme name (OpenAPI's `components.securitySchemes`).
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    pub security_schemes: OrderedMap<SecurityScheme>,
    /// The default requirement: alternatives, each a list of scheme names all of which a
    /// request carries (OpenAPI's top-level `security`). Absent or `[]`: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security: Option<Spanned<Vec<Vec<String>>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_errors: Option<Spanned<OrderedMap<ServerErrorCode>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
}

/// One security scheme: `kind` is `api_key` (with `in` and `name`), `http_bearer`,
/// `http_basic` or `oauth2` (a bearer token the user obtained). An `api_key` with
/// `value: api_version` carries the API version, not a credential.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityScheme {
    pub kind: Spanned<String>,
    #[serde(default, rename = "in", skip_serializing_if = "Option::is_none")]
    pub location: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
}

/// The fields of the error type that carry its kind, code, message and HTTP status.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorFields {
    /// Optional: an error type without a kind (petstore's `{code, message}`) has none.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// The error type and code a generated server answers with in one situation (a key of
/// `server_errors`, one of `ir::SERVER_SITUATIONS`).
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ServerErrorCode {
    #[serde(rename = "type")]
    pub kind: Spanned<String>,
    pub code: Spanned<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    pub path: Spanned<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<Spanned<String>>,
    pub summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
    pub request: Name,
    /// A type name (a JSON body), `array` (a JSON array of `items`), `bytes` (a document, of
    /// `content_type`) or `empty`.
    pub response: Name,
    /// With `response: array`: the type of the items of the JSON array answered (`Pet`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Name>,
    /// With `response: bytes`: the media type of the answer (`application/pdf`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<Spanned<String>>,
    /// The HTTP status of a successful answer, 200 by default (`201` for a create, `204`
    /// for `response: empty` where the API says so): what a generated server answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Spanned<u16>>,
    /// The type of its non-2xx answers' bodies when it is not the API's (`api.error`): an
    /// OAuth token endpoint's `{error, error_description}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Name>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub idempotent: bool,
    /// `false` for an operation the API answers without credentials (an OpenAPI
    /// `security: []`).
    #[serde(default = "authenticated_by_default", skip_serializing_if = "is_true")]
    pub authenticated: bool,
    /// The operation's own requirement, instead of `api.security`; `[]`: no credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security: Option<Spanned<Vec<Vec<String>>>>,
    /// How the request body travels: `json` (the default) or `multipart`
    /// (`multipart/form-data`, one part per field; `type: file` fields are file parts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Spanned<String>>,
    /// The other success answers, each with its own status and body (a `202` "not ready yet"
    /// beside a `200` document): the operation then answers an enum with a variant per status.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<Spanned<Answer>>,
}

impl Operation {
    /// The operation's own answer: its `response`, `items`, `content_type` and `status`.
    pub fn answer(&self) -> AnswerShape<'_> {
        AnswerShape {
            response: &self.response,
            items: self.items.as_ref(),
            content_type: self.content_type.as_ref(),
            status: self.status.as_ref(),
        }
    }
}

/// One of an operation's other success answers (`answers`).
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// Its HTTP status, a 2xx other than the operation's own and the other answers'.
    pub status: Spanned<u16>,
    /// As an operation's `response`: a type name, `array`, `bytes` or `empty`.
    pub response: Name,
    /// With `response: array`: the type of the items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Name>,
    /// With `response: bytes`: the media type of the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<Spanned<String>>,
    /// What the answer means (the variant's docs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
}

impl Answer {
    pub fn shape(&self) -> AnswerShape<'_> {
        AnswerShape {
            response: &self.response,
            items: self.items.as_ref(),
            content_type: self.content_type.as_ref(),
            status: Some(&self.status),
        }
    }
}

/// What an operation's own answer and each of its `answers` say of a body, checked and
/// lowered the same way.
#[derive(Clone, Copy)]
pub struct AnswerShape<'a> {
    pub response: &'a Name,
    pub items: Option<&'a Name>,
    pub content_type: Option<&'a Spanned<String>>,
    pub status: Option<&'a Spanned<u16>>,
}

fn authenticated_by_default() -> bool {
    true
}

fn is_true(value: &bool) -> bool {
    *value
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// A bound as JSON has it: a finite number (JSON has no `.inf`, which would be written as
/// `null` and read back as no bound).
fn finite<S: Serializer>(bound: &Option<f64>, serializer: S) -> Result<S::Ok, S::Error> {
    match bound {
        Some(n) if !n.is_finite() => Err(serde::ser::Error::custom(format!(
            "the bound {n} is not a finite number"
        ))),
        bound => bound.serialize(serializer),
    }
}

/// A value the importer builds, which no spec file located.
pub fn unlocated<T>(value: T) -> Spanned<T> {
    Spanned::new(value, Location::UNKNOWN, Location::UNKNOWN)
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TypeDef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    /// On the payload type of a webhook: the `webhook_type` and `webhook_code` its body
    /// carries, by which the generated `Webhook` decodes a body into this type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<Spanned<WebhookKey>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<OrderedMap<Field>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<Spanned<EnumValue>>>,
    /// A `oneOf`: the object types a value may be, in the spec's order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_of: Option<Spanned<Vec<Name>>>,
    /// With `one_of`: the property whose value says which member a value is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discriminator: Option<Spanned<Discriminator>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Spanned<Rule>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Spanned<serde_json::Value>>,
}

/// How a `one_of` tells its members apart: a property every member has, and which of its
/// values selects which member (by default, the member's type name, as OpenAPI's).
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Discriminator {
    pub property: Name,
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    pub mapping: OrderedMap<Name>,
}

/// The (`webhook_type`, `webhook_code`) pair that names one webhook.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookKey {
    #[serde(rename = "type")]
    pub kind: Spanned<String>,
    pub code: Spanned<String>,
}

/// A field of an object type. Element types of arrays (`items`) and value types of maps
/// (`values`) reuse this shape, and the checker rejects the keys that make no sense there
/// (`required`, `docs`, `sensitive`, `deprecated`; `nullable` too for `items`).
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub ty: Option<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Spanned<Field>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Box<Spanned<Field>>>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub nullable: bool,
    /// Where a request field travels: `body` (the default), `path`, `query` or `header`.
    #[serde(default, rename = "in", skip_serializing_if = "Option::is_none")]
    pub location: Option<Spanned<String>>,
    /// With `in: header`: the header's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<Spanned<String>>,
    /// With `in: query` on an array: `false` sends the items as one parameter, joined by
    /// commas (OpenAPI's `style: form`, `explode: false`); the default repeats the parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explode: Option<Spanned<bool>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub non_blank: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub has_letter: bool,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "finite"
    )]
    pub minimum: Option<f64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "finite"
    )]
    pub maximum: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u64>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique_items: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub sensitive: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
}

/// A cross-field rule. Exactly one of `one_of_required` and `require` is set; `when` only
/// goes with `require`.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_of_required: Option<Vec<Name>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require: Option<Requirement>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub field: Name,
    pub equals: String,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    pub field: Name,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub non_blank: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub has_letter: bool,
}

/// An enum value: a bare scalar, a one-key map `value: docs`, or a one-key map whose value
/// holds the docs and the flags (`value: { docs: ..., deprecated: true }`).
#[derive(Debug)]
pub struct EnumValue {
    pub value: String,
    pub docs: Option<String>,
    pub deprecated: bool,
}

/// What follows an enum value's key: its docs, or its docs and flags.
struct EnumValueDetails {
    docs: Option<String>,
    deprecated: bool,
}

impl<'de> Deserialize<'de> for EnumValueDetails {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DetailsVisitor;
        impl<'de> Visitor<'de> for DetailsVisitor {
            type Value = EnumValueDetails;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("the value's docs, or a map of `docs` and `deprecated`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<EnumValueDetails, E> {
                Ok(EnumValueDetails {
                    docs: Some(v.to_owned()),
                    deprecated: false,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<EnumValueDetails, A::Error> {
                #[derive(Deserialize)]
                #[serde(deny_unknown_fields)]
                struct Details {
                    #[serde(default, skip_serializing_if = "Option::is_none")]
                    docs: Option<String>,
                    #[serde(default, skip_serializing_if = "is_false")]
                    deprecated: bool,
                }
                let Details { docs, deprecated } =
                    Details::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(EnumValueDetails { docs, deprecated })
            }
        }
        deserializer.deserialize_any(DetailsVisitor)
    }
}

/// The shortest of the forms [`EnumValue`]'s `Deserialize` reads.
impl Serialize for EnumValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Details<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            docs: Option<&'a str>,
            deprecated: bool,
        }
        if self.docs.is_none() && !self.deprecated {
            return serializer.serialize_str(&self.value);
        }
        let mut map = serializer.serialize_map(Some(1))?;
        match (&self.docs, self.deprecated) {
            (Some(docs), false) => map.serialize_entry(&self.value, docs)?,
            (docs, _) => map.serialize_entry(
                &self.value,
                &Details {
                    docs: docs.as_deref(),
                    deprecated: self.deprecated,
                },
            )?,
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for EnumValue {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EnumValueVisitor;
        impl<'de> Visitor<'de> for EnumValueVisitor {
            type Value = EnumValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "an enum value: a plain string, or a one-key map `value: docs` or \
                     `value: { docs: ..., deprecated: true }`",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<EnumValue, E> {
                Ok(EnumValue {
                    value: v.to_owned(),
                    docs: None,
                    deprecated: false,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<EnumValue, A::Error> {
                let Some((value, details)) = map.next_entry::<String, EnumValueDetails>()? else {
                    return Err(de::Error::invalid_length(0, &self));
                };
                if map.next_key::<de::IgnoredAny>()?.is_some() {
                    return Err(de::Error::custom(
                        "an enum value map holds exactly one `value: docs` pair; \
                         start a new list item for the next value",
                    ));
                }
                Ok(EnumValue {
                    value,
                    docs: details.docs,
                    deprecated: details.deprecated,
                })
            }
        }
        deserializer.deserialize_any(EnumValueVisitor)
    }
}

/// A YAML mapping whose order is kept and whose keys keep their location.
#[derive(Debug)]
pub struct OrderedMap<V>(pub Vec<(Name, V)>);

impl<V> Default for OrderedMap<V> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<V> OrderedMap<V> {
    pub fn iter(&self) -> impl Iterator<Item = (&Name, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl<V> FromIterator<(String, V)> for OrderedMap<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(entries: I) -> Self {
        Self(
            entries
                .into_iter()
                .map(|(k, v)| (unlocated(k), v))
                .collect(),
        )
    }
}

impl<V: Serialize> Serialize for OrderedMap<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(&key.value, value)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<V> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = OrderedMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key()? {
                    entries.push((key, map.next_value()?));
                }
                Ok(OrderedMap(entries))
            }
            // An empty section (`types:` with nothing under it) reads as null.
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(OrderedMap::default())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<Self::Value, A::Error> {
                Err(de::Error::custom(
                    "expected a mapping of `name: definition`, found a list",
                ))
            }
        }
        // `any`, so that a list reaches `visit_seq` and its message rather than the parser's.
        deserializer.deserialize_any(MapVisitor(PhantomData))
    }
}

/// The constraint keys of a field or of a rule's `require`, borrowed: what `check` judges and
/// `lower` translates, read in one place.
#[derive(Default)]
pub struct ConstraintKeys<'s> {
    pub format: Option<&'s Spanned<String>>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<&'s Spanned<String>>,
    pub non_blank: bool,
    pub has_letter: bool,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub unique_items: bool,
}

impl Field {
    pub fn constraint_keys(&self) -> ConstraintKeys<'_> {
        ConstraintKeys {
            format: self.format.as_ref(),
            min_length: self.min_length,
            max_length: self.max_length,
            pattern: self.pattern.as_ref(),
            non_blank: self.non_blank,
            has_letter: self.has_letter,
            minimum: self.minimum,
            maximum: self.maximum,
            min_items: self.min_items,
            max_items: self.max_items,
            unique_items: self.unique_items,
        }
    }
}

impl Requirement {
    /// A requirement constrains one string, so only the string keys exist.
    pub fn constraint_keys(&self) -> ConstraintKeys<'_> {
        ConstraintKeys {
            format: self.format.as_ref(),
            min_length: self.min_length,
            max_length: self.max_length,
            pattern: self.pattern.as_ref(),
            non_blank: self.non_blank,
            has_letter: self.has_letter,
            ..ConstraintKeys::default()
        }
    }
}

impl ConstraintKeys<'_> {
    /// Whether any string constraint is given (a rule's `require` needs one, or `equals`).
    pub fn constrains_strings(&self) -> bool {
        self.format.is_some()
            || self.min_length.is_some()
            || self.max_length.is_some()
            || self.pattern.is_some()
            || self.non_blank
            || self.has_letter
    }
}
