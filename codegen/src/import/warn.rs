//! What the importer could not carry over exactly, located in the OpenAPI file.

use std::fmt;

use super::node::Loc;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    pub loc: Loc,
    /// Where in the document: `components.schemas.Foo.properties.bar`.
    pub path: String,
    pub message: String,
    /// A stable name for the rule that produced it (`example-left-out`), for counting.
    pub kind: Kind,
}

/// The kinds of warning; each is a documented rule in spec/README.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A key or construct the importer does not translate.
    Unsupported,
    /// A media type named without `/` (a misindented key read as a content type).
    StrayContentKey,
    /// A number or boolean listed in a string enum.
    EnumNonStringValue,
    /// A `nullable` enum whose values do not include null.
    EnumNullableWithoutNull,
    /// An enum that lists null without being `nullable`.
    EnumNullNotNullable,
    /// An enum value listed twice (after stringifying).
    EnumDuplicateValue,
    /// An enum value that does not make a usable Rust variant.
    EnumVariantName,
    /// `type: string` with `properties`.
    StringWithProperties,
    /// `properties` without `type: object`.
    UntypedObject,
    /// A `required` entry that names no property.
    DanglingRequired,
    /// A property defined by two parts of an `allOf`.
    DuplicateProperty,
    /// A field name that does not make a usable, unique Rust field.
    FieldName,
    /// A type name the spec format does not accept, renamed.
    TypeRenamed,
    /// An operation id that collides after conversion.
    OperationName,
    /// A constraint that does not apply to its type or contradicts another.
    Constraint,
    /// `nullable` on array items imported as `any` (which admits null already).
    NullableItem,
    /// An example property its schema does not declare, removed.
    ExampleUndeclaredProperty,
    /// An example that does not match its schema, left out.
    ExampleLeftOut,
    /// An error response whose schema is not the API's error type.
    ErrorSchema,
    /// An operation's security differs from the document's.
    SecurityOverride,
    /// Something about an operation's request or response that the format cannot say.
    Operation,
    /// Two operations with one request type.
    SharedRequest,
    /// A webhook pair that an earlier type already carries.
    WebhookPair,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Unsupported => "unsupported",
            Kind::StrayContentKey => "stray-content-key",
            Kind::EnumNonStringValue => "enum-non-string-value",
            Kind::EnumNullableWithoutNull => "enum-nullable-without-null",
            Kind::EnumNullNotNullable => "enum-null-not-nullable",
            Kind::EnumDuplicateValue => "enum-duplicate-value",
            Kind::EnumVariantName => "enum-variant-name",
            Kind::StringWithProperties => "string-with-properties",
            Kind::UntypedObject => "untyped-object",
            Kind::DanglingRequired => "dangling-required",
            Kind::DuplicateProperty => "duplicate-property",
            Kind::FieldName => "field-name",
            Kind::TypeRenamed => "type-renamed",
            Kind::OperationName => "operation-name",
            Kind::Constraint => "constraint",
            Kind::NullableItem => "nullable-item",
            Kind::ExampleUndeclaredProperty => "example-undeclared-property",
            Kind::ExampleLeftOut => "example-left-out",
            Kind::ErrorSchema => "error-schema",
            Kind::SecurityOverride => "security-override",
            Kind::Operation => "operation",
            Kind::SharedRequest => "shared-request",
            Kind::WebhookPair => "webhook-pair",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Collects warnings; [`Warnings::finish`] sorts them and drops repeats (a base schema's
/// property is read once for every schema that extends it).
#[derive(Default)]
pub struct Warnings(pub Vec<Warning>);

impl Warnings {
    pub fn push(&mut self, kind: Kind, loc: Loc, path: &str, message: impl Into<String>) {
        self.0.push(Warning {
            loc,
            path: path.to_owned(),
            message: message.into(),
            kind,
        });
    }

    pub fn finish(mut self) -> Vec<Warning> {
        self.0.sort();
        self.0.dedup();
        self.0
    }
}

impl Warning {
    /// `warning: <file>:<line>:<col>: <path>: <message>`
    pub fn render(&self, file: &str) -> String {
        format!(
            "warning: {file}:{}:{}: {}: {}",
            self.loc.line, self.loc.column, self.path, self.message
        )
    }
}
