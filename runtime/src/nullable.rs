//! Fields that may be absent, `null` or a value.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A field that the API documents as both optional and nullable, where absent and `null`
/// mean different things (for example "leave unchanged" and "clear").
///
/// `Absent` is left out of the JSON, `Null` is written as `null`. A field of this type carries
/// `#[serde(default, skip_serializing_if = "Nullable::is_absent")]`, so decoding a missing key
/// gives `Absent` and decoding `null` gives `Null`.
///
/// ```
/// use serde::{Deserialize, Serialize};
/// use specgen_runtime::Nullable;
///
/// #[derive(Debug, PartialEq, Deserialize, Serialize)]
/// struct Update {
///     #[serde(default, skip_serializing_if = "Nullable::is_absent")]
///     nickname: Nullable<String>,
/// }
///
/// let clear: Update = serde_json::from_str(r#"{"nickname": null}"#)?;
/// assert_eq!(clear.nickname, Nullable::Null);
/// let keep: Update = serde_json::from_str("{}")?;
/// assert_eq!(keep.nickname, Nullable::Absent);
/// assert_eq!(serde_json::to_string(&keep)?, "{}");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    /// The key is not in the JSON object.
    #[default]
    Absent,
    /// The key is present with the value `null`.
    Null,
    /// The key is present with a value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether the key is absent.
    pub const fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    /// Whether the key is present with the value `null`.
    pub const fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The value, if there is one (`None` for both `Absent` and `Null`).
    pub const fn value(&self) -> Option<&T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }

    /// The value to change in place, if there is one.
    pub fn value_mut(&mut self) -> Option<&mut T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }

    /// The value, if there is one (`None` for both `Absent` and `Null`).
    pub fn into_value(self) -> Option<T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(value) => serializer.serialize_some(value),
            Self::Absent | Self::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Option::<T>::deserialize(deserializer)?;
        Ok(value.map_or(Self::Null, Self::Value))
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    use super::*;

    #[derive(Debug, PartialEq, Deserialize, Serialize)]
    struct Optional {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        value: Nullable<u32>,
    }

    #[test]
    fn absent_null_and_value_decode_apart() {
        let decode = |json| serde_json::from_str::<Optional>(json).unwrap().value;
        assert_eq!(decode("{}"), Nullable::Absent);
        assert_eq!(decode(r#"{"value": null}"#), Nullable::Null);
        assert_eq!(decode(r#"{"value": 7}"#), Nullable::Value(7));
    }

    #[test]
    fn absent_null_and_value_encode_apart() {
        let encode = |value| serde_json::to_string(&Optional { value }).unwrap();
        assert_eq!(encode(Nullable::Absent), "{}");
        assert_eq!(encode(Nullable::Null), r#"{"value":null}"#);
        assert_eq!(encode(Nullable::Value(7)), r#"{"value":7}"#);
    }

    #[test]
    fn accessors() {
        assert!(Nullable::<u32>::Absent.is_absent());
        assert!(Nullable::<u32>::Null.is_null());
        assert_eq!(Nullable::Value(3).value(), Some(&3));
        assert_eq!(Nullable::<u32>::Null.value(), None);
        assert_eq!(Nullable::from(3).into_value(), Some(3));
        assert_eq!(Nullable::<u32>::Absent.into_value(), None);
        assert_eq!(Nullable::<u32>::default(), Nullable::Absent);
    }
}
