//! Request bodies sent as `multipart/form-data` (the spec's `body: multipart`): each field of
//! the request is one part, text or a file ([`FilePart`]).
//!
//! A generated client lists a request's parts through `Operation::multipart_parts`; a generated server decodes the
//! parts it received into the request type through [`from_parts`], which drives the type's own
//! `Deserialize` (so a missing part is serde's ``missing field `name` ``, as for JSON). The
//! errors name the part, never its content.

use std::fmt;

use serde::de::{self, DeserializeOwned, IntoDeserializer, MapAccess, Visitor};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer, forward_to_deserialize_any};

use crate::Nullable;

/// A file sent as one part of a multipart body: its bytes, the file name the part carries and
/// its media type (`application/pdf`). `Debug` shows the name, the media type and the size,
/// never the bytes.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct FilePart {
    /// The file name sent with the part (`filename=` of its `Content-Disposition`).
    pub name: String,
    /// The part's media type (`Content-Type`), such as `application/pdf`.
    pub media_type: String,
    /// The file's content.
    pub bytes: Vec<u8>,
}

impl FilePart {
    /// A file part from its name, media type and bytes.
    pub fn new(name: impl Into<String>, media_type: impl Into<String>, bytes: Vec<u8>) -> Self {
        Self {
            name: name.into(),
            media_type: media_type.into(),
            bytes,
        }
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("name", &self.name)
            .field("media_type", &self.media_type)
            .field("bytes", &format_args!("<{} bytes>", self.bytes.len()))
            .finish()
    }
}

impl crate::redact::RedactedDebug for FilePart {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(crate::REDACTED)
    }
}

impl crate::Validate for FilePart {}

/// A file part is never JSON; serializing one writes its name, media type and bytes only so
/// that a request type holding one stays `Serialize` like every other model.
impl Serialize for FilePart {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("FilePart", 3)?;
        s.serialize_field("name", &self.name)?;
        s.serialize_field("media_type", &self.media_type)?;
        s.serialize_field("bytes", &AsBytes(&self.bytes))?;
        s.end()
    }
}

/// `&[u8]` serializes as a sequence of numbers; this wrapper as bytes.
struct AsBytes<'a>(&'a [u8]);

impl Serialize for AsBytes<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.0)
    }
}

impl<'de> Deserialize<'de> for FilePart {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FileVisitor;
        impl<'de> Visitor<'de> for FileVisitor {
            type Value = FilePart;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a file")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FilePart, A::Error> {
                let mut file = FilePart::default();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "name" => file.name = map.next_value()?,
                        "media_type" => file.media_type = map.next_value()?,
                        "bytes" => file.bytes = map.next_value::<ByteBuf>()?.0,
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(file)
            }
        }
        deserializer.deserialize_struct("FilePart", &["name", "media_type", "bytes"], FileVisitor)
    }
}

/// Bytes read from `visit_bytes`, `visit_byte_buf` or a sequence of numbers.
struct ByteBuf(Vec<u8>);

impl<'de> Deserialize<'de> for ByteBuf {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BytesVisitor;
        impl<'de> Visitor<'de> for BytesVisitor {
            type Value = ByteBuf;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<ByteBuf, E> {
                Ok(ByteBuf(v.to_vec()))
            }
            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<ByteBuf, E> {
                Ok(ByteBuf(v))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<ByteBuf, A::Error> {
                let mut out = Vec::new();
                while let Some(byte) = seq.next_element::<u8>()? {
                    out.push(byte);
                }
                Ok(ByteBuf(out))
            }
        }
        deserializer.deserialize_byte_buf(BytesVisitor)
    }
}

/// One part of a multipart body, by the field's wire name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// A text part: a string, an enum's wire value or a number written out.
    Text(String),
    /// A JSON part (`application/json`): an object, a map, an array or any JSON, as OpenAPI
    /// sends a field that is not a scalar in a multipart body.
    Json(String),
    /// A file part.
    File(FilePart),
}

/// A field as a part of a form: what the generated `Operation::multipart_parts` calls for each field,
/// whatever its presence (an absent or null field is no part).
pub trait ToPart {
    /// The part this value is sent as, `None` when there is nothing to send.
    fn to_part(&self) -> Option<Part>;
}

impl ToPart for String {
    fn to_part(&self) -> Option<Part> {
        Some(Part::Text(self.clone()))
    }
}

macro_rules! text_parts {
    ($($ty:ty),*) => {$(
        impl ToPart for $ty {
            fn to_part(&self) -> Option<Part> {
                Some(Part::Text(self.to_string()))
            }
        }
    )*};
}

text_parts!(i64, f64, bool);

impl ToPart for FilePart {
    fn to_part(&self) -> Option<Part> {
        Some(Part::File(self.clone()))
    }
}

/// A value that is not a scalar (an object, a map, an array, any JSON) as a JSON part; `None`
/// when it cannot be encoded (a map with non-string keys, which generated types never have).
pub fn json_part<T: serde::Serialize + ?Sized>(value: &T) -> Option<Part> {
    serde_json::to_string(value).ok().map(Part::Json)
}

impl<T: ToPart> ToPart for Option<T> {
    fn to_part(&self) -> Option<Part> {
        self.as_ref().and_then(ToPart::to_part)
    }
}

impl<T: ToPart> ToPart for Nullable<T> {
    fn to_part(&self) -> Option<Part> {
        self.value().and_then(ToPart::to_part)
    }
}

/// Why a multipart body does not decode into its request type. The message names the part
/// (or the missing field), never a part's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PartsError {
    /// A required field has no part.
    Missing(String),
    /// A part does not hold what its field takes (text where a file goes, a word where a
    /// number goes, a value its enum does not list).
    Invalid(String),
    /// The request type cannot be read from parts at all.
    Other(String),
}

impl fmt::Display for PartsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing(field) => write!(f, "the following required fields are missing: {field}"),
            Self::Invalid(part) => write!(
                f,
                "{part}: the part does not hold a valid value for its field"
            ),
            Self::Other(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for PartsError {}

/// The error of the deserializers below: what went wrong, without the value (serde's own
/// `invalid_type` and `invalid_value` messages quote it, so they are not kept).
#[derive(Debug)]
struct DeError {
    missing: Option<String>,
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a part does not decode")
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(_message: T) -> Self {
        Self { missing: None }
    }

    fn missing_field(field: &'static str) -> Self {
        Self {
            missing: Some(field.to_owned()),
        }
    }
}

/// Decodes received parts into the request type `T`. A field without a part is absent; a part
/// naming no field is skipped, as an unknown JSON key is; a name sent twice is the first.
pub fn from_parts<T: DeserializeOwned>(parts: Vec<(String, Part)>) -> Result<T, PartsError> {
    let mut access = Parts {
        parts: parts.into_iter(),
        current: None,
        seen: Vec::new(),
    };
    let result = T::deserialize(PartsDeserializer(&mut access));
    result.map_err(|error| match (error.missing, access.current) {
        (Some(field), _) => PartsError::Missing(field),
        (None, Some(part)) => PartsError::Invalid(part),
        (None, None) => PartsError::Other("the parts do not make the request".to_owned()),
    })
}

struct Parts {
    parts: std::vec::IntoIter<(String, Part)>,
    /// The name of the part being decoded, to name it in an error.
    current: Option<String>,
    seen: Vec<String>,
}

struct PartsDeserializer<'a>(&'a mut Parts);

impl<'de> Deserializer<'de> for PartsDeserializer<'_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_map(PartsMap {
            parts: self.0,
            value: None,
        })
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct PartsMap<'a> {
    parts: &'a mut Parts,
    value: Option<Part>,
}

impl<'de> MapAccess<'de> for PartsMap<'_> {
    type Error = DeError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        loop {
            let Some((name, part)) = self.parts.parts.next() else {
                self.parts.current = None;
                return Ok(None);
            };
            if self.parts.seen.contains(&name) {
                continue;
            }
            self.parts.seen.push(name.clone());
            self.parts.current = Some(name.clone());
            self.value = Some(part);
            return seed.deserialize(name.into_deserializer()).map(Some);
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DeError> {
        match self.value.take() {
            Some(part) => seed.deserialize(PartDeserializer(part)),
            None => Err(de::Error::custom("a value without its key")),
        }
    }
}

/// One part as a field's value: text reads as a string, or as the number or boolean it spells
/// when the field takes one; a file reads as a [`FilePart`].
struct PartDeserializer(Part);

impl PartDeserializer {
    fn text(self) -> Result<String, DeError> {
        match self.0 {
            Part::Text(text) | Part::Json(text) => Ok(text),
            Part::File(_) => Err(de::Error::custom("a file where text goes")),
        }
    }

    /// A part whose field is not a scalar, read as JSON, whether the client marked it
    /// `application/json` or sent it as text.
    fn json<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let text = self.text()?;
        // Parsed to a value first: the visitor may borrow from what it reads, and the text is
        // this part's own.
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|_| de::Error::custom("not JSON"))?;
        de::Deserializer::deserialize_any(value, visitor)
            .map_err(|_| de::Error::custom("not the JSON the field takes"))
    }
}

macro_rules! parse_text {
    ($($method:ident => $visit:ident),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
            let text = self.text()?;
            let value = text.trim().parse().map_err(|_| de::Error::custom("not a number"))?;
            visitor.$visit(value)
        }
    )*};
}

impl<'de> Deserializer<'de> for PartDeserializer {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.0 {
            Part::Text(text) => visitor.visit_string(text),
            json @ Part::Json(_) => PartDeserializer(json).json(visitor),
            Part::File(file) => visitor.visit_map(de::value::MapDeserializer::new(
                [
                    ("name", FileField::Text(file.name)),
                    ("media_type", FileField::Text(file.media_type)),
                    ("bytes", FileField::Bytes(file.bytes)),
                ]
                .into_iter(),
            )),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.0 {
            file @ Part::File(_) => PartDeserializer(file).deserialize_any(visitor),
            _ if name == "FilePart" => Err(de::Error::custom("text where a file goes")),
            text => PartDeserializer(text).json(visitor),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.json(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.json(visitor)
    }

    parse_text! {
        deserialize_i8 => visit_i8, deserialize_i16 => visit_i16, deserialize_i32 => visit_i32,
        deserialize_i64 => visit_i64, deserialize_u8 => visit_u8, deserialize_u16 => visit_u16,
        deserialize_u32 => visit_u32, deserialize_u64 => visit_u64, deserialize_f32 => visit_f32,
        deserialize_f64 => visit_f64, deserialize_bool => visit_bool,
    }

    forward_to_deserialize_any! {
        i128 u128 char str string bytes byte_buf unit unit_struct tuple
        tuple_struct enum identifier ignored_any
    }
}

/// A file's name, media type and bytes as [`FilePart`]'s `Deserialize` reads them.
enum FileField {
    Text(String),
    Bytes(Vec<u8>),
}

impl<'de> IntoDeserializer<'de, DeError> for FileField {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> Deserializer<'de> for FileField {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self {
            Self::Text(text) => visitor.visit_string(text),
            Self::Bytes(bytes) => visitor.visit_byte_buf(bytes),
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Upload {
        owner: String,
        count: Option<i64>,
        file: FilePart,
    }

    fn parts() -> Vec<(String, Part)> {
        vec![
            ("owner".into(), Part::Text("acme".into())),
            ("count".into(), Part::Text("3".into())),
            (
                "file".into(),
                Part::File(FilePart::new("a.pdf", "application/pdf", b"%PDF".to_vec())),
            ),
        ]
    }

    #[test]
    fn parts_decode_into_the_request() {
        let upload: Upload = from_parts(parts()).unwrap();
        assert_eq!(upload.owner, "acme");
        assert_eq!(upload.count, Some(3));
        assert_eq!(upload.file.bytes, b"%PDF");
        assert_eq!(upload.file.media_type, "application/pdf");
        assert_eq!(upload.file.name, "a.pdf");
    }

    #[test]
    fn a_missing_part_is_named() {
        let mut parts = parts();
        parts.remove(2);
        let error = from_parts::<Upload>(parts).unwrap_err();
        assert_eq!(error, PartsError::Missing("file".into()));
    }

    #[test]
    fn a_wrong_part_is_named_without_its_content() {
        let mut parts = parts();
        parts[1].1 = Part::Text("secret-words".into());
        let error = from_parts::<Upload>(parts.clone()).unwrap_err();
        assert_eq!(error, PartsError::Invalid("count".into()));
        assert!(!error.to_string().contains("secret-words"));
        parts[1].1 = Part::Text("1".into());
        parts[2].1 = Part::Text("secret-words".into());
        let error = from_parts::<Upload>(parts).unwrap_err();
        assert_eq!(error, PartsError::Invalid("file".into()));
        assert!(!error.to_string().contains("secret-words"));
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Attributes {
        name: String,
        parent: Option<String>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct WithJson {
        attributes: Attributes,
        tags: Option<Vec<String>>,
    }

    #[test]
    fn a_field_that_is_no_scalar_travels_as_one_json_part() {
        let attributes = Attributes {
            name: "a.pdf".into(),
            parent: None,
        };
        #[derive(serde::Serialize)]
        struct Sent<'a> {
            name: &'a str,
        }
        let sent = json_part(&Sent { name: "a.pdf" }).unwrap();
        assert_eq!(sent, Part::Json(r#"{"name":"a.pdf"}"#.into()));
        // Marked `application/json` or sent as text: the same.
        for tags in [
            Part::Json(r#"["x","y"]"#.into()),
            Part::Text(r#"["x","y"]"#.into()),
        ] {
            let parts = vec![("attributes".into(), sent.clone()), ("tags".into(), tags)];
            let decoded: WithJson = from_parts(parts).unwrap();
            assert_eq!(decoded.attributes, attributes);
            assert_eq!(
                decoded.tags.as_deref(),
                Some(&["x".to_owned(), "y".to_owned()][..])
            );
        }
        let wrong = vec![(
            "attributes".into(),
            Part::Json(r#"{"secret-ish":1}"#.into()),
        )];
        let error = from_parts::<WithJson>(wrong).unwrap_err();
        assert_eq!(error, PartsError::Invalid("attributes".into()));
        assert!(!error.to_string().contains("secret-ish"));
        let text_for_file = vec![("file".into(), Part::Text(r#"{"name":"a"}"#.into()))];
        let error = from_parts::<Upload>(text_for_file).unwrap_err();
        assert_eq!(error, PartsError::Invalid("file".into()));
    }

    #[test]
    fn debug_shows_no_bytes() {
        let file = FilePart::new("a.pdf", "application/pdf", b"%PDF-secret".to_vec());
        let shown = format!("{file:?}");
        assert!(shown.contains("<11 bytes>") && !shown.contains("secret"));
    }
}
