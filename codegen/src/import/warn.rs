//! What the importer could not carry over exactly, located in the OpenAPI file.

use std::collections::BTreeMap;
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
    /// A vendor extension (`x-...`) the importer does not read: one warning per key.
    Extension,
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
            Kind::Extension => "extension",
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

    /// A key the importer does not read, where `what` says what holds it (`operation key`).
    /// A vendor extension (`x-...`) means nothing to the API's wire, and descriptions use each
    /// on hundreds of nodes: [`Warnings::finish`] keeps one warning per extension.
    pub fn ignored_key(&mut self, what: &str, loc: Loc, path: &str, key: &str) {
        if key.starts_with("x-") {
            let message = format!("vendor extension `{key}` is not read: ignored");
            self.push(Kind::Extension, loc, path, message);
        } else {
            let message = format!("{what} `{key}` is not supported: ignored");
            self.push(Kind::Unsupported, loc, path, message);
        }
    }

    pub fn finish(mut self) -> Vec<Warning> {
        self.0.sort();
        self.0.dedup();
        // Each extension at its first place, with the count of the others.
        let mut extensions: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        let mut kept = Vec::with_capacity(self.0.len());
        for warning in self.0 {
            if warning.kind != Kind::Extension {
                kept.push(warning);
                continue;
            }
            match extensions.get_mut(&warning.message) {
                Some((_, count)) => *count += 1,
                None => {
                    extensions.insert(warning.message.clone(), (kept.len(), 1));
                    kept.push(warning);
                }
            }
        }
        for (at, count) in extensions.into_values() {
            if count > 1 {
                let warning = &mut kept[at];
                let others = count - 1;
                let places = if others == 1 { "place" } else { "places" };
                warning.message = warning.message.replace(
                    " is not read",
                    &format!(" (here and in {others} more {places}) is not read"),
                );
            }
        }
        kept
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vendor_extension_is_one_warning_at_its_first_place() {
        let mut warnings = Warnings::default();
        let at = |line| Loc { line, column: 1 };
        warnings.ignored_key("operation key", at(9), "paths./b.get.x-tag", "x-tag");
        warnings.ignored_key(
            "schema keyword",
            at(3),
            "components.schemas.A.x-tag",
            "x-tag",
        );
        warnings.ignored_key("operation key", at(5), "paths./a.get.x-once", "x-once");
        warnings.ignored_key("operation key", at(7), "paths./a.get.servers", "servers");
        let lines: Vec<String> = warnings
            .finish()
            .iter()
            .map(|w| format!("{}: {}: {}", w.loc.line, w.kind, w.message))
            .collect();
        assert_eq!(
            lines,
            [
                "3: extension: vendor extension `x-tag` (here and in 1 more place) is not read: ignored",
                "5: extension: vendor extension `x-once` is not read: ignored",
                "7: unsupported: operation key `servers` is not supported: ignored",
            ]
        );
    }
}
