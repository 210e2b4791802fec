//! Open enums: values added to the API after generation decode into an `Unknown(String)`
//! variant and re-encode unchanged.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserializer;
use serde::de::{Error, Visitor};

/// Deserializes an open enum from its wire string without an intermediate allocation; values
/// the enum does not know go to its `Unknown` variant through `From<&str>`.
pub fn deserialize_open_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    struct OpenEnumVisitor<T>(PhantomData<T>);

    impl<T: for<'a> From<&'a str>> Visitor<'_> for OpenEnumVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: Error>(self, value: &str) -> Result<T, E> {
            Ok(T::from(value))
        }
    }

    deserializer.deserialize_str(OpenEnumVisitor(PhantomData))
}

/// Everything an open enum has besides its definition and its table of known values, written
/// once rather than per type: `as_str`, `is_unknown`, `From<&str>`, `Display`, serde through
/// the wire string, and [`Validate`](crate::Validate) (a request may not carry a value the
/// enum does not know, because the server rejects it).
///
/// The enum must be `Clone`, have a variant `Unknown(String)`, and an associated constant
/// `KNOWN: &'static [(Self, &'static str)]` listing every other variant with its wire form.
/// The calling crate needs `serde` only if it derives with it itself.
///
/// ```
/// #[derive(Clone, Debug, PartialEq)]
/// enum Product {
///     Auth,
///     Transactions,
///     Unknown(String),
/// }
///
/// impl Product {
///     const KNOWN: &'static [(Self, &'static str)] =
///         &[(Self::Auth, "auth"), (Self::Transactions, "transactions")];
/// }
///
/// specgen_runtime::open_enum!(Product);
///
/// let decoded: Vec<Product> = serde_json::from_str(r#"["auth", "assets"]"#)?;
/// assert_eq!(decoded, [Product::Auth, Product::Unknown("assets".into())]);
/// assert_eq!(serde_json::to_string(&decoded)?, r#"["auth","assets"]"#);
/// assert_eq!(Product::Transactions.as_str(), "transactions");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[macro_export]
macro_rules! open_enum {
    ($name:ident) => {
        impl $name {
            /// The value as written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    Self::Unknown(value) => value,
                    // Every known variant is in `KNOWN`, so the fallback is never taken.
                    known => Self::KNOWN
                        .iter()
                        .find(|(value, _)| value == known)
                        .map_or("", |(_, wire)| wire),
                }
            }

            /// Whether the value was unknown when this enum was generated.
            pub const fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        impl ::core::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match Self::KNOWN.iter().find(|(_, wire)| *wire == value) {
                    ::core::option::Option::Some((known, _)) => ::core::clone::Clone::clone(known),
                    ::core::option::Option::None => Self::Unknown(value.into()),
                }
            }
        }

        // An enum field of a multipart request is a text part of its wire value.
        impl $crate::multipart::ToPart for $name {
            fn to_part(&self) -> ::core::option::Option<$crate::multipart::Part> {
                ::core::option::Option::Some($crate::multipart::Part::Text(self.as_str().into()))
            }
        }

        // The place of a required enum parameter until a server fills it in from the path,
        // query or headers. No request validates with it: an unknown value is refused.
        impl ::core::default::Default for $name {
            fn default() -> Self {
                Self::Unknown(::std::string::String::new())
            }
        }

        // A path, query or header parameter of this enum is read from its text.
        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;

            fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                ::core::result::Result::Ok(Self::from(value))
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::deserialize_open_enum(deserializer)
            }
        }

        impl $crate::validate::Validate for $name {
            fn validate_at(
                &self,
                at: $crate::validate::Path<'_>,
                out: &mut ::std::vec::Vec<$crate::validate::Violation>,
            ) {
                $crate::validate::known_enum_value(out, at, self.is_unknown(), Self::KNOWN);
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use crate::Validate;

    #[derive(Clone, Debug, PartialEq, Eq)]
    enum Color {
        Red,
        DarkBlue,
        Unknown(String),
    }

    impl Color {
        const KNOWN: &'static [(Self, &'static str)] =
            &[(Self::Red, "red"), (Self::DarkBlue, "dark_blue")];
    }

    crate::open_enum!(Color);

    #[test]
    fn known_values_round_trip() {
        for (value, wire) in Color::KNOWN {
            let json = serde_json::to_string(value).unwrap();
            assert_eq!(json, format!("\"{wire}\""));
            assert_eq!(serde_json::from_str::<Color>(&json).unwrap(), *value);
            assert_eq!(value.as_str(), *wire);
            assert_eq!(value.to_string(), *wire);
            assert!(!value.is_unknown());
        }
    }

    #[test]
    fn unknown_values_round_trip_unchanged() {
        let decoded: Color = serde_json::from_str("\"ultraviolet\"").unwrap();
        assert_eq!(decoded, Color::Unknown("ultraviolet".into()));
        assert!(decoded.is_unknown());
        assert_eq!(decoded.as_str(), "ultraviolet");
        assert_eq!(serde_json::to_string(&decoded).unwrap(), "\"ultraviolet\"");
        assert_eq!(Color::from("dark_blue"), Color::DarkBlue);
    }

    #[test]
    fn only_strings_decode() {
        let error = serde_json::from_str::<Color>("3").unwrap_err().to_string();
        assert!(error.contains("expected a string"), "{error}");
    }

    #[test]
    fn unknown_values_do_not_validate() {
        assert!(Color::Red.validate().is_ok());
        let errors = Color::Unknown("ultraviolet".into()).validate().unwrap_err();
        let [violation] = errors.violations() else {
            panic!("{errors}");
        };
        assert_eq!(violation.rule, "enum");
        assert_eq!(
            violation.message,
            "must be one of the 2 documented values (red, dark_blue)"
        );
        assert!(!violation.message.contains("ultraviolet"));
    }
}
