//! Serde for the structs a generated crate defines, written once here.
//!
//! serde's derives expand, for every struct, a field-name enum with its own visitor and
//! `Deserialize` impl, a `visit_seq` that decodes the struct from a JSON array, a `visit_map`,
//! and a wrapper type with its own impl for every `deserialize_with` field. Across a large API
//! (2,000 types) type-checking and borrow-checking those bodies was most of the generated
//! crate's compile time. A generated struct instead invokes [`serde_struct!`](crate::serde_struct),
//! whose impls are one `visit_map` calling the helpers below (through [`DeserializeStruct`]
//! and [`deserialize_struct`]) and one `serialize` writing each field through
//! [`serialize_field`] or [`serialize_omittable`]. What the derives do besides, and no JSON
//! API needs, is left out: an object decodes from a JSON object only, not from an array of
//! its fields in order.
//!
//! The errors are serde's own, with the same messages: ``missing field `name` ``,
//! ``duplicate field `name` ``, ``invalid type: string "x", expected struct Name``. Keys that
//! name no field are skipped, as the derives do without `deny_unknown_fields`.
//!
//! An optional field that the spec does not make nullable decodes `null` as absent, which is
//! what a client needs (servers send `null` where their schema says otherwise), unless the
//! decoding runs inside [`refusing_null`], which a server uses for the requests it is sent:
//! there `null` is a value of the wrong type, refused like any other.
//!
//! [`serde_struct!`](crate::serde_struct) shows a struct's invocation and what it decodes.

use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::UnitDeserializer;
use serde::de::{DeserializeSeed, Deserializer, Error, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize};

use crate::Nullable;

/// A struct decoded from a JSON object by [`deserialize_struct`].
pub trait DeserializeStruct: Sized {
    /// The struct's name, for `expected struct Name` in errors.
    const NAME: &'static str;
    /// The wire names of its fields, in the order [`next_field`] numbers them.
    const FIELDS: &'static [&'static str];

    /// Reads the object's entries and builds the struct.
    fn visit_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// The body of a generated struct's `Deserialize::deserialize`.
pub fn deserialize_struct<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: DeserializeStruct,
    D: Deserializer<'de>,
{
    deserializer.deserialize_struct(T::NAME, T::FIELDS, StructVisitor(PhantomData))
}

struct StructVisitor<T>(PhantomData<T>);

impl<'de, T: DeserializeStruct> Visitor<'de> for StructVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::visit_map(map)
    }
}

/// The next key of the object as the index of the field it names in `fields`; `None` after
/// the last entry. A key no field has gives an index past the end, whose value the caller
/// passes to [`skip_value`].
pub fn next_field<'de, A: MapAccess<'de>>(
    map: &mut A,
    fields: &'static [&'static str],
) -> Result<Option<usize>, A::Error> {
    map.next_key_seed(FieldIndex(fields))
}

struct FieldIndex(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for FieldIndex {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for FieldIndex {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: Error>(self, key: &str) -> Result<usize, E> {
        Ok(self
            .0
            .iter()
            .position(|name| *name == key)
            .unwrap_or(self.0.len()))
    }
}

/// Decodes the value of field `name` into its slot; a field given twice is an error.
pub fn field_value<'de, A, T>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    fill(map, slot, name, PhantomData)
}

/// Decodes the value of the optional, non-nullable field `name` into its slot: `null` is an
/// absent value, or inside [`refusing_null`] an error of the field's own type
/// (`invalid type: null, expected a string`), which a path-tracking deserializer places
/// at the field. A field given twice is an error.
pub fn non_null_value<'de, A, T>(
    map: &mut A,
    slot: &mut Option<Option<T>>,
    name: &'static str,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    fill(map, slot, name, NonNull(PhantomData))
}

fn fill<'de, A, S>(
    map: &mut A,
    slot: &mut Option<S::Value>,
    name: &'static str,
    seed: S,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    S: DeserializeSeed<'de>,
{
    if slot.is_some() {
        return Err(A::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value_seed(seed)?);
    Ok(())
}

thread_local! {
    static REFUSING_NULL: Cell<bool> = const { Cell::new(false) };
}

/// Runs `decode` with `null` refused for optional fields the spec does not make nullable (see
/// the module docs). Decoding is synchronous, so the setting holds for exactly the values
/// `decode` reads on this thread, and it is restored however `decode` ends.
///
/// ```
/// #[derive(Debug, Default, PartialEq)]
/// struct Options {
///     count: Option<i64>,
/// }
///
/// specgen_runtime::serde_struct!(Options {
///     0 => count: "count" optional_non_null,
/// });
///
/// let lenient: Options = serde_json::from_str(r#"{"count": null}"#)?;
/// assert_eq!(lenient, Options::default());
/// let strict = specgen_runtime::structs::refusing_null(|| {
///     serde_json::from_str::<Options>(r#"{"count": null}"#)
/// });
/// assert!(strict.unwrap_err().to_string().starts_with("invalid type: null, expected i64"));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn refusing_null<R>(decode: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            REFUSING_NULL.with(|flag| flag.set(self.0));
        }
    }
    let _restore = Restore(REFUSING_NULL.with(|flag| flag.replace(true)));
    decode()
}

struct NonNull<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for NonNull<T> {
    type Value = Option<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for NonNull<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or nothing")
    }

    fn visit_none<E: Error>(self) -> Result<Option<T>, E> {
        if REFUSING_NULL.with(Cell::get) {
            // The field's own type names what it expected; a type that takes `null` (free-form
            // JSON) keeps it as its value.
            T::deserialize(UnitDeserializer::new()).map(Some)
        } else {
            Ok(None)
        }
    }

    fn visit_unit<E: Error>(self) -> Result<Option<T>, E> {
        self.visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        T::deserialize(deserializer).map(Some)
    }
}

/// Reads past the value of a key that names no field.
pub fn skip_value<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|IgnoredAny| ())
}

/// The value of a required field (`null` included, for a nullable one), or the error that
/// names it when its key was missing.
pub fn required<T, E: Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// A field left out of the JSON when it holds nothing: `Option` (optional fields) and
/// [`Nullable`] (optional and nullable ones, where `Null` is written).
pub trait Omittable: Serialize {
    /// Whether the field is left out.
    fn is_omitted(&self) -> bool;

    /// 1 if the field is written, else 0: the fields a struct writes add up to the length
    /// that `serialize_struct` announces.
    fn count(&self) -> usize {
        usize::from(!self.is_omitted())
    }
}

impl<T: Serialize> Omittable for Option<T> {
    fn is_omitted(&self) -> bool {
        self.is_none()
    }
}

impl<T: Serialize> Omittable for Nullable<T> {
    fn is_omitted(&self) -> bool {
        self.is_absent()
    }
}

/// Writes a field that is always written.
pub fn serialize_field<S, T>(state: &mut S, name: &'static str, value: &T) -> Result<(), S::Error>
where
    S: SerializeStruct,
    T: Serialize + ?Sized,
{
    state.serialize_field(name, value)
}

/// Writes a field unless it holds nothing, in which case it is skipped.
pub fn serialize_omittable<S, T>(
    state: &mut S,
    name: &'static str,
    value: &T,
) -> Result<(), S::Error>
where
    S: SerializeStruct,
    T: Omittable,
{
    if value.is_omitted() {
        state.skip_field(name)
    } else {
        state.serialize_field(name, value)
    }
}

/// Ends the struct: generated code calls it without importing `SerializeStruct`.
pub fn end<S: SerializeStruct>(state: S) -> Result<S::Ok, S::Error> {
    state.end()
}

/// `Serialize` and `Deserialize` for a struct, from its fields' wire names and presence:
/// what a generated crate writes for each struct instead of serde's derives. Each field is
/// `index => field: "wire" required`, `... optional` or `... optional_non_null`, numbered from 0 in the order the
/// fields are listed (which is the order of [`DeserializeStruct::FIELDS`]: a number out of
/// order would read one field's key into another); fields that are never on the wire (path and header
/// parameters) follow `default` and decode as `Default::default()`.
///
/// A required field's key must be present (`null` decodes as `None` when the field is an
/// `Option`); an optional field (`Option` or [`Nullable`]) decodes as empty when missing and
/// is left out when empty. An `optional_non_null` field is an `Option` the spec does not make
/// nullable: its `null` is refused inside [`refusing_null`](crate::structs::refusing_null).
///
/// ```
/// #[derive(Debug, PartialEq)]
/// struct Item {
///     item_id: String,
///     nickname: Option<String>,
///     closed: Option<bool>,
///     version: Option<String>,
/// }
///
/// specgen_runtime::serde_struct!(Item {
///     0 => item_id: "item_id" required,
///     1 => nickname: "nickname" optional,
///     2 => closed: "closed" required,
/// } default { version });
///
/// let item: Item = serde_json::from_str(r#"{"item_id": "a", "closed": null, "x": [1]}"#)?;
/// assert_eq!(item, Item { item_id: "a".into(), nickname: None, closed: None, version: None });
/// assert_eq!(serde_json::to_string(&item)?, r#"{"item_id":"a","closed":null}"#);
/// let missing = serde_json::from_str::<Item>(r#"{"item_id": "a"}"#).unwrap_err();
/// assert!(missing.to_string().starts_with("missing field `closed`"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[macro_export]
macro_rules! serde_struct {
    // A request whose body is one field's value (`in: whole_body`); the others are parameters.
    (
        $name:ident whole $field:ident $(default { $($skipped:ident),* $(,)? })?
    ) => {
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                ::core::result::Result::Ok(Self {
                    $field: $crate::__private::serde::Deserialize::deserialize(deserializer)?,
                    $($($skipped: ::core::default::Default::default(),)*)?
                })
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                $crate::__private::serde::Serialize::serialize(&self.$field, serializer)
            }
        }
    };
    (
        $name:ident {
            $($index:literal => $field:ident: $wire:literal $presence:ident),* $(,)?
        } $(default { $($skipped:ident),* $(,)? })?
    ) => {
        impl $crate::structs::DeserializeStruct for $name {
            const NAME: &'static str = ::core::stringify!($name);
            const FIELDS: &'static [&'static str] = &[$($wire),*];

            fn visit_map<'de, A: $crate::__private::serde::de::MapAccess<'de>>(
                mut map: A,
            ) -> ::core::result::Result<Self, A::Error> {
                $(let mut $field = ::core::option::Option::None;)*
                while let ::core::option::Option::Some(index) =
                    $crate::structs::next_field(&mut map, Self::FIELDS)?
                {
                    match index {
                        $($index => $crate::serde_struct!(@read $presence map $field $wire),)*
                        _ => $crate::structs::skip_value(&mut map)?,
                    }
                }
                ::core::result::Result::Ok(Self {
                    $($field: $crate::serde_struct!(@finish $presence $field $wire),)*
                    $($($skipped: ::core::default::Default::default(),)*)?
                })
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::structs::deserialize_struct(deserializer)
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                let len = 0 $(+ $crate::serde_struct!(@count $presence self.$field))*;
                #[allow(unused_mut)]
                let mut state = serializer.serialize_struct(::core::stringify!($name), len)?;
                $($crate::serde_struct!(@write $presence state $wire self.$field);)*
                $crate::structs::end(state)
            }
        }
    };
    (@read optional_non_null $map:ident $slot:ident $wire:literal) => {
        $crate::structs::non_null_value(&mut $map, &mut $slot, $wire)?
    };
    (@read $presence:ident $map:ident $slot:ident $wire:literal) => {
        $crate::structs::field_value(&mut $map, &mut $slot, $wire)?
    };
    (@finish required $slot:ident $wire:literal) => {
        $crate::structs::required($slot, $wire)?
    };
    (@finish $optional:ident $slot:ident $wire:literal) => {
        $slot.unwrap_or_default()
    };
    (@count required $value:expr) => {
        1
    };
    (@count $optional:ident $value:expr) => {
        $crate::structs::Omittable::count(&$value)
    };
    (@write required $state:ident $wire:literal $value:expr) => {
        $crate::structs::serialize_field(&mut $state, $wire, &$value)?
    };
    (@write $optional:ident $state:ident $wire:literal $value:expr) => {
        $crate::structs::serialize_omittable(&mut $state, $wire, &$value)?
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq)]
    struct Sample {
        id: String,
        note: Option<String>,
        nickname: Nullable<String>,
        closed: Option<bool>,
    }

    // `id` required, `note` optional, `nickname` optional and nullable, `closed` required and
    // nullable: the four presences a spec field can have.
    crate::serde_struct!(Sample {
        0 => id: "id" required,
        1 => note: "note" optional_non_null,
        2 => nickname: "nickname" optional,
        3 => closed: "closed" required,
    });

    fn decode(json: &str) -> Result<Sample, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn presence_decodes_as_the_derives_did() {
        let sample = decode(r#"{"id": "a", "closed": null}"#).unwrap();
        assert_eq!(
            sample,
            Sample {
                id: "a".into(),
                ..Sample::default()
            }
        );
        let sample = decode(r#"{"closed": true, "nickname": null, "note": "n", "id": "b"}"#);
        assert_eq!(
            sample.unwrap(),
            Sample {
                id: "b".into(),
                note: Some("n".into()),
                nickname: Nullable::Null,
                closed: Some(true),
            }
        );
    }

    #[test]
    fn null_for_a_non_nullable_optional_field_is_refused_only_when_asked() {
        let lenient = decode(r#"{"id": "a", "note": null, "closed": null}"#).unwrap();
        assert_eq!(lenient.note, None);
        let strict = |json: &str| refusing_null(|| decode(json));
        let error = strict(r#"{"id": "a", "note": null, "closed": null}"#).unwrap_err();
        assert!(
            error.starts_with("invalid type: null, expected a string"),
            "{error}"
        );
        // Nullable fields keep their `null`, and the setting ends with the call.
        let sample = strict(r#"{"id": "a", "nickname": null, "closed": null, "note": "n"}"#);
        assert_eq!(sample.unwrap().nickname, Nullable::Null);
        assert!(decode(r#"{"id": "a", "note": null, "closed": null}"#).is_ok());
        let free_form: Option<Option<serde_json::Value>> = refusing_null(|| {
            let mut slot = None;
            let mut map = serde_json::Deserializer::from_str(r#"{"any": null}"#);
            struct Probe<'s>(&'s mut Option<Option<serde_json::Value>>);
            impl<'de> Visitor<'de> for Probe<'_> {
                type Value = ();
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
                    map.next_key::<String>()?;
                    non_null_value(&mut map, self.0, "any")
                }
            }
            serde::Deserializer::deserialize_map(&mut map, Probe(&mut slot)).unwrap();
            slot
        });
        assert_eq!(free_form, Some(Some(serde_json::Value::Null)));
    }

    #[test]
    fn errors_are_serdes_own() {
        let error = decode(r#"{"id": "a"}"#).unwrap_err();
        assert!(error.starts_with("missing field `closed`"), "{error}");
        let error = decode(r#"{"id": "a", "id": "b", "closed": null}"#).unwrap_err();
        assert!(error.starts_with("duplicate field `id`"), "{error}");
        let error = decode(r#""text""#).unwrap_err();
        assert!(
            error.starts_with("invalid type: string \"text\", expected struct Sample"),
            "{error}"
        );
        let error = decode(r#"["a", null, null, null]"#).unwrap_err();
        assert!(
            error.starts_with("invalid type: sequence, expected struct Sample"),
            "{error}"
        );
        let error = decode(r#"{"id": 1, "closed": null}"#).unwrap_err();
        assert!(
            error.starts_with("invalid type: integer `1`, expected a string"),
            "{error}"
        );
    }

    #[test]
    fn unknown_keys_are_skipped_and_escaped_keys_match() {
        let sample = decode(r#"{"i\u0064": "a", "extra": {"deep": [1, 2]}, "closed": false}"#);
        assert_eq!(sample.unwrap().id, "a");
    }

    #[test]
    fn omitted_fields_are_left_out() {
        let sample = Sample {
            id: "a".into(),
            nickname: Nullable::Null,
            ..Sample::default()
        };
        let json = serde_json::to_string(&sample).unwrap();
        assert_eq!(json, r#"{"id":"a","nickname":null,"closed":null}"#);
        let value = serde_json::to_value(&sample).unwrap();
        assert_eq!(decode(&value.to_string()).unwrap(), sample);
    }

    #[derive(Debug, Default, PartialEq)]
    struct Keyword {
        r#type: String,
        map: Nullable<u32>,
    }

    crate::serde_struct!(Keyword {
        0 => r#type: "type" required,
        1 => map: "map" optional,
    });

    #[derive(Debug, Default, PartialEq)]
    struct Empty {
        parameter: Option<String>,
    }

    crate::serde_struct!(Empty {} default { parameter });

    #[test]
    fn the_macro_takes_keywords_the_names_it_uses_and_no_fields() {
        let value: Keyword = serde_json::from_str(r#"{"map": 1, "type": "t"}"#).unwrap();
        assert_eq!(
            value,
            Keyword {
                r#type: "t".into(),
                map: Nullable::Value(1)
            }
        );
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            r#"{"type":"t","map":1}"#
        );
        let empty: Empty = serde_json::from_str(r#"{"parameter": "x"}"#).unwrap();
        assert_eq!(empty, Empty::default());
        assert_eq!(serde_json::to_string(&empty).unwrap(), "{}");
    }
}
