//! `oneOf`/`anyOf` types: an enum of member types, chosen by a discriminator property or by
//! trying the members in turn, with the raw JSON kept when the discriminator names a member
//! this crate does not know.

use serde::de::{DeserializeOwned, Error};
use serde_json::Value;

use crate::json::describe_json_error;

/// Marks a decode error message that [`describe_json_error`] may show as it is: it was built
/// from described errors and type names, never from the document. A document cannot forge it,
/// since serde's own messages start with their kind (`invalid type`, `missing field`).
pub(crate) const DESCRIBED: &str = "specgen-described: ";

/// Decodes one member of a `oneOf` from the JSON already read. The error says which member
/// failed and where inside it, in words that never quote the value; through
/// `serde_path_to_error` the enclosing path is the `oneOf`'s own, so together they name the
/// whole JSON path.
pub fn member<T: DeserializeOwned, E: Error>(value: &Value, member: &str) -> Result<T, E> {
    decode::<T>(value).map_err(|reason| E::custom(format!("{DESCRIBED}as `{member}`: {reason}")))
}

/// The error of an untagged `oneOf` that no member accepts: why each one refused the value,
/// in the order they were tried.
#[doc(hidden)]
pub fn none_matched<E: Error>(reasons: &[(&str, String)]) -> E {
    let reasons: Vec<String> = reasons
        .iter()
        .map(|(member, reason)| format!("as `{member}`: {reason}"))
        .collect();
    E::custom(format!(
        "{DESCRIBED}matches none of the types it may be ({})",
        reasons.join("; ")
    ))
}

/// Why `value` does not decode as `T`: the path inside it, when known, and a description.
pub fn decode<T: DeserializeOwned>(value: &Value) -> Result<T, String> {
    #[cfg(feature = "path")]
    {
        serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
            let path = e.path().clone();
            let found = crate::json::value_at(value, &path);
            let description = describe_json_error(e.inner(), found);
            match path.to_string().as_str() {
                "." => description,
                path => format!("at `{}`: {description}", crate::one_line(path, 200)),
            }
        })
    }
    #[cfg(not(feature = "path"))]
    {
        T::deserialize(value).map_err(|e| describe_json_error(&e, None))
    }
}

/// The discriminator's value, or an error when the value is not an object carrying it as a
/// string.
#[doc(hidden)]
pub fn tag<'v, E: Error>(value: &'v Value, property: &str) -> Result<&'v str, E> {
    match value {
        Value::Object(map) => match map.get(property) {
            Some(Value::String(tag)) => Ok(tag),
            Some(_) => Err(E::custom(format!(
                "{DESCRIBED}the discriminator `{property}` is not a string"
            ))),
            None => Err(E::custom(format!(
                "{DESCRIBED}missing the discriminator `{property}`"
            ))),
        },
        other => Err(E::custom(format!(
            "{DESCRIBED}wrong type: expected an object, found {}",
            crate::json_kind(other)
        ))),
    }
}

/// A `oneOf` type's serde, `Debug` and [`Validate`](crate::Validate) impls, from its members.
///
/// With `tag "property"`, each member lists the discriminator values that select it; a value
/// no member lists decodes as `Unknown(serde_json::Value)`, which keeps the whole JSON and
/// encodes back to it (members added to the API later survive a round trip). Without a tag,
/// the members are tried in the order listed and the first that decodes wins; a value none
/// accepts is an error naming why each refused it. Every member encodes as itself (a member
/// carries its discriminator as one of its own fields).
///
/// `Debug` shows a member's own `Debug` (which redacts its sensitive fields), and `Unknown(..)`
/// for the raw JSON, which may hold anything, secrets included.
///
/// ```
/// #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
/// struct Circle { kind: String, radius: f64 }
/// #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
/// struct Square { kind: String, side: f64 }
/// specgen_runtime::nothing_to_validate!(Circle, Square);
///
/// #[derive(Clone, PartialEq)]
/// enum Shape { Circle(Circle), Square(Square), Unknown(serde_json::Value) }
/// specgen_runtime::one_of!(Shape tag "kind" { Circle => ["circle"], Square => ["square"] });
///
/// let shape: Shape = serde_json::from_str(r#"{"kind": "circle", "radius": 1.0}"#)?;
/// assert!(matches!(shape, Shape::Circle(Circle { radius: 1.0, .. })));
/// let later = r#"{"kind":"hexagon","side":2.0}"#;
/// let shape: Shape = serde_json::from_str(later)?;
/// assert!(matches!(shape, Shape::Unknown(_)));
/// assert_eq!(serde_json::to_string(&shape)?, later);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[macro_export]
macro_rules! one_of {
    ($name:ident tag $property:literal { $($variant:ident => [$($value:literal),+ $(,)?]),+ $(,)? }) => {
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                let value: $crate::__private::serde_json::Value =
                    $crate::__private::serde::Deserialize::deserialize(deserializer)?;
                match $crate::one_of::tag::<D::Error>(&value, $property)? {
                    $($($value)|+ => $crate::one_of::member(&value, stringify!($variant)).map(Self::$variant),)+
                    _ => ::core::result::Result::Ok(Self::Unknown(value)),
                }
            }
        }

        $crate::one_of!(@common $name { $($variant),+ } Unknown);
    };
    ($name:ident untagged { $($variant:ident),+ $(,)? }) => {
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                let value: $crate::__private::serde_json::Value =
                    $crate::__private::serde::Deserialize::deserialize(deserializer)?;
                let mut reasons = ::std::vec::Vec::new();
                $(
                    match $crate::one_of::decode::<$variant>(&value) {
                        ::core::result::Result::Ok(member) => return ::core::result::Result::Ok(Self::$variant(member)),
                        ::core::result::Result::Err(reason) => reasons.push((stringify!($variant), reason)),
                    }
                )+
                ::core::result::Result::Err($crate::one_of::none_matched(&reasons))
            }
        }

        $crate::one_of!(@common $name { $($variant),+ });
    };
    (@common $name:ident { $($variant:ident),+ } $($unknown:ident)?) => {
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                match self {
                    $(Self::$variant(member) => $crate::__private::serde::Serialize::serialize(member, serializer),)+
                    $(Self::$unknown(value) => $crate::__private::serde::Serialize::serialize(value, serializer),)?
                }
            }
        }

        impl ::core::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                match self {
                    $(Self::$variant(member) => f.debug_tuple(stringify!($variant)).field(member).finish(),)+
                    $(Self::$unknown(_) => f.write_str(concat!(stringify!($unknown), "(..)")),)?
                }
            }
        }

        // The members' own rules, found at the same path: the enum adds no level to the JSON.
        impl $crate::validate::Validate for $name {
            fn validate_at(
                &self,
                at: $crate::validate::Path<'_>,
                out: &mut ::std::vec::Vec<$crate::validate::Violation>,
            ) {
                match self {
                    $(Self::$variant(member) => $crate::validate::Validate::validate_at(member, at, out),)+
                    $(Self::$unknown(_) => {})?
                }
            }
        }
    };
}
