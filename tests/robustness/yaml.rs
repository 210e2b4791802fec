//! YAML token soup, and well-formed YAML trees: shaped like a spec with odd names and values,
//! or any tree of the spec format's keys.

use proptest::prelude::*;
use proptest::sample::select;

use crate::harness::{api_file, config, property_case, source};

proptest! {
    #![proptest_config(config(256))]

    /// YAML syntax and the spec's words strung together, alone or beside a valid `api` file.
    #[test]
    fn yaml_token_soup_never_crashes(
        tokens in prop::collection::vec(select(TOKENS), 0..300),
        with_api in any::<bool>(),
    ) {
        let mut sources = vec![source("fuzz/soup.yaml", tokens.concat())];
        if with_api {
            sources.insert(0, api_file());
        }
        property_case("soup", sources)?;
    }

    /// Well-formed YAML trees: either shaped like a spec (types with fields, enums, rules,
    /// examples; operations) with odd names and values, or any tree of the format's keys.
    #[test]
    fn arbitrary_yaml_never_crashes(
        document in document(),
        with_api in prop::bool::weighted(0.8),
    ) {
        let mut text = String::new();
        document.write_block(0, &mut text);
        let mut sources = vec![source("fuzz/tree.yaml", text)];
        if with_api {
            sources.insert(0, api_file());
        }
        property_case("tree", sources)?;
    }
}
/// YAML syntax, the spec format's words and odd characters, to be strung together.
#[rustfmt::skip]
pub(crate) const TOKENS: &[&str] = &[
    "\n", "\n  ", "\n    ", "\n      ", " ", "  ", "- ", ": ", ":", "? ", "[", "]", "{", "}",
    ", ", ",", "&a ", "*a", "&b ", "*b", "*zz", "<<: ", "<<: *a", "!!str ", "!!map ",
    "!!binary ", "!custom ", "'", "\"", "\\", "|\n", ">-\n", "# comment", "---\n", "...\n",
    "%YAML 1.2\n", "%TAG ! tag:x,2000:\n", "\t", "\r\n", "\r", "\u{feff}", "\u{0}", "\u{1b}",
    "\u{2028}", "🦀", "é", "api", "title", "version", "error", "servers", "types", "operations",
    "fields", "values", "type", "items", "string", "integer", "array", "any", "required",
    "nullable", "true", "false", "null", "~", "yes", "NO", "0", "-1", "1e999", "-0", "0x1F",
    "0o17", ".nan", "-.inf", "18446744073709551616", "Foo", "docs", "rules", "examples",
    "one_of_required", "require", "when", "field", "equals", "path", "summary", "request",
    "response", "format", "email", "pattern", "^[a-z]+$", "(", "min_length", "max_items",
    "unique_items",
];

/// Keys of the spec format, and a few that are not.
#[rustfmt::skip]
pub(crate) const KEYS: &[&str] = &[
    "api", "title", "version", "error", "error_summary", "request_id", "error_fields",
    "servers", "docs", "operations", "types", "path", "method", "summary", "request",
    "response", "idempotent", "fields", "values", "rules", "examples", "type", "items",
    "required", "nullable", "sensitive", "format", "min_length", "max_length", "pattern",
    "non_blank", "has_letter", "minimum", "maximum", "min_items", "max_items", "unique_items",
    "one_of_required", "when", "require", "field", "equals", "code", "message", "status", "Foo",
    "Bar", "FooRequest", "foo", "bar", "self", "type_", "_", "🦀", "a.b", "1",
];

/// Scalars: the format's values (types, formats, methods, names) and odd ones.
#[rustfmt::skip]
const SCALARS: &[&str] = &[
    "string", "integer", "number", "boolean", "any", "array", "object", "Foo", "Bar",
    "FooRequest", "PlaidError", "date", "date-time", "email", "e164", "ip", "url", "POST",
    "GET", "BREW", "/foo", "foo", "foo.bar", "^[a-z]+$", "'('", "'(a+)+$'", "true", "false",
    "null", "~", "0", "-1", "1.5", "1e999", ".nan", "-.inf", "18446744073709551616", "''",
    "\"\"", "\"\\u0000\"", "🦀", "a b", "yes", "NO", "'{error_type}'", "'{'", "self", "Self",
    "_", "Unknown", "unknown",
];

const ANCHORS: &[&str] = &["a", "b", "c"];

/// An arbitrary YAML document, built as a tree and written out in block style, so that it
/// parses more often than not and reaches the later stages.
#[derive(Clone, Debug)]
enum Node {
    Scalar(&'static str),
    Alias(&'static str),
    Anchor(&'static str, Box<Node>),
    Map(Vec<(&'static str, Node)>),
    Seq(Vec<Node>),
}

fn node() -> impl Strategy<Value = Node> + Clone {
    let leaf = prop_oneof![
        6 => select(SCALARS).prop_map(Node::Scalar),
        1 => select(ANCHORS).prop_map(Node::Alias),
    ];
    leaf.prop_recursive(7, 96, 6, |inner| {
        prop_oneof![
            4 => prop::collection::vec((select(KEYS), inner.clone()), 0..6).prop_map(Node::Map),
            2 => prop::collection::vec(inner.clone(), 0..5).prop_map(Node::Seq),
            1 => (select(ANCHORS), inner).prop_map(|(a, n)| Node::Anchor(a, Box::new(n))),
        ]
    })
}

#[rustfmt::skip]
const TYPE_NAMES: &[&str] = &["Foo", "Bar", "FooRequest", "FooResponse", "Self", "foo"];

#[rustfmt::skip]
const FIELD_NAMES: &[&str] = &[
    "id", "name", "type", "self", "Self", "user_id", "userId", "user-id", "_", "🦀", "1st",
    "a.b", "request_id", "error_type", "status", "r#type", "__invalid_name",
];

#[rustfmt::skip]
const FIELD_KEYS: &[&str] = &[
    "type", "required", "nullable", "sensitive", "format", "min_length", "max_length",
    "pattern", "non_blank", "has_letter", "minimum", "maximum", "min_items", "max_items",
    "unique_items", "docs",
];

/// A mapping with each key once: duplicate keys are the generic trees' and the mutations'
/// business, here they would hide everything else.
fn unique_keys(mut entries: Vec<(&'static str, Node)>) -> Node {
    let mut seen = std::collections::BTreeSet::new();
    entries.retain(|(key, _)| seen.insert(*key));
    Node::Map(entries)
}

fn scalar() -> impl Strategy<Value = Node> + Clone {
    prop_oneof![select(SCALARS), select(TYPE_NAMES), select(FIELD_NAMES)].prop_map(Node::Scalar)
}

/// Keys of a field with values of the right kind, and some of the wrong value.
#[rustfmt::skip]
const FIELD_ENTRIES: &[(&str, &str)] = &[
    ("type", "string"), ("type", "string"), ("type", "integer"), ("type", "number"),
    ("type", "boolean"), ("type", "any"), ("type", "Foo"), ("type", "Bar"),
    ("type", "FooRequest"), ("type", "strin"), ("required", "true"), ("required", "false"),
    ("nullable", "true"), ("sensitive", "true"), ("format", "email"), ("format", "date"),
    ("format", "date-time"), ("format", "emial"), ("min_length", "1"), ("min_length", "5"),
    ("max_length", "3"), ("max_length", "0"), ("pattern", "'^[a-z]+$'"), ("pattern", "'('"),
    ("non_blank", "true"), ("has_letter", "true"), ("minimum", "0"), ("minimum", "1.5"),
    ("maximum", "-1"), ("maximum", "1e308"), ("min_items", "2"), ("max_items", "1"),
    ("unique_items", "true"), ("docs", "Some docs."), ("docs", "'{x}'"),
];

/// A field: `type` and constraints, and `items` (itself a field) now and then.
fn field() -> impl Strategy<Value = Node> + Clone {
    let entry = prop_oneof![
        40 => select(FIELD_ENTRIES).prop_map(|(k, v)| (k, Node::Scalar(v))),
        1 => (select(FIELD_KEYS), scalar()),
    ];
    let entries = prop::collection::vec(entry, 0..5);
    entries
        .clone()
        .prop_map(unique_keys)
        .prop_recursive(3, 16, 2, move |items| {
            (entries.clone(), items).prop_map(|(mut entries, items)| {
                entries.retain(|(key, _)| *key != "type");
                entries.push(("type", Node::Scalar("array")));
                entries.push(("items", items));
                unique_keys(entries)
            })
        })
}

fn rule() -> impl Strategy<Value = Node> {
    let names = prop::collection::vec(select(FIELD_NAMES).prop_map(Node::Scalar), 0..4);
    let checks: &[(&str, &str)] = &[
        ("equals", "US"),
        ("equals", "true"),
        ("pattern", "'^[0-9]{5}$'"),
        ("pattern", "'['"),
        ("format", "email"),
        ("min_length", "2"),
        ("max_length", "-1"),
    ];
    let requirement = (select(FIELD_NAMES), select(checks)).prop_map(|(field, (key, value))| {
        Node::Map(vec![
            ("field", Node::Scalar(field)),
            (key, Node::Scalar(value)),
        ])
    });
    let equals = select(&["US", "x", "'1'"][..]).prop_map(Node::Scalar);
    let when = prop::option::of((select(FIELD_NAMES), equals));
    let require = (requirement, when).prop_map(|(require, when)| {
        let mut rule = vec![("require", require)];
        if let Some((field, equals)) = when {
            let condition = vec![("field", Node::Scalar(field)), ("equals", equals)];
            rule.push(("when", Node::Map(condition)));
        }
        Node::Map(rule)
    });
    prop_oneof![
        3 => names.prop_map(|n| Node::Map(vec![("one_of_required", Node::Seq(n))])),
        3 => require,
        1 => node(),
    ]
}

/// An example: mostly a mapping of field names, now and then any tree.
fn example() -> impl Strategy<Value = Node> {
    prop_oneof![
        3 => prop::collection::vec((select(FIELD_NAMES), scalar()), 0..4).prop_map(unique_keys),
        1 => node(),
    ]
}

/// A type: fields or values (or both, or neither), rules, examples, docs.
fn type_def() -> impl Strategy<Value = Node> {
    let fields = prop::collection::vec((select(FIELD_NAMES), field()), 0..5).prop_map(unique_keys);
    let value = prop_oneof![
        scalar(),
        (select(SCALARS), scalar()).prop_map(|(k, v)| Node::Map(vec![(k, v)])),
    ];
    let values = prop::collection::vec(value, 0..5).prop_map(Node::Seq);
    (
        prop::option::weighted(0.7, fields),
        prop::option::weighted(0.3, values),
        prop::collection::vec(rule(), 0..3),
        prop::collection::vec(example(), 0..2),
        prop::option::of(scalar()),
    )
        .prop_map(|(fields, values, rules, examples, docs)| {
            let mut entries = Vec::new();
            entries.extend(docs.map(|d| ("docs", d)));
            entries.extend(fields.map(|f| ("fields", f)));
            entries.extend(values.map(|v| ("values", v)));
            if !rules.is_empty() {
                entries.push(("rules", Node::Seq(rules)));
            }
            if !examples.is_empty() {
                entries.push(("examples", Node::Seq(examples)));
            }
            Node::Map(entries)
        })
}

/// An operation, with each of its keys left out now and then.
fn operation() -> impl Strategy<Value = Node> {
    (
        select(TYPE_NAMES),
        select(TYPE_NAMES),
        scalar(),
        scalar(),
        any::<u8>(),
    )
        .prop_map(|(request, response, path, method, drop)| {
            let entries = [
                ("path", Node::Scalar("/foo")),
                ("summary", Node::Scalar("Foo")),
                ("request", Node::Scalar(request)),
                ("response", Node::Scalar(response)),
                ("method", method),
                ("path", path),
                ("idempotent", Node::Scalar("true")),
            ];
            let kept = entries
                .into_iter()
                .enumerate()
                .filter(|(i, _)| {
                    // The four keys an operation needs go missing now and then; the
                    // optional ones (and a duplicate `path`) come now and then.
                    let bit = drop & (1 << i) != 0;
                    if *i < 4 {
                        !bit || drop & 0x80 == 0
                    } else {
                        bit
                    }
                })
                .map(|(_, e)| e)
                .collect();
            unique_keys(kept)
        })
}

fn document() -> impl Strategy<Value = Node> {
    let types = prop::collection::vec((select(TYPE_NAMES), type_def()), 0..5).prop_map(unique_keys);
    let operations = prop::collection::vec(
        (
            select(&["foo", "get_foo", "Foo", "foo-bar"][..]),
            operation(),
        ),
        0..3,
    )
    .prop_map(Node::Map);
    let shaped = (types, prop::option::of(operations)).prop_map(|(types, operations)| {
        let mut sections = vec![("types", types)];
        sections.extend(operations.map(|o| ("operations", o)));
        Node::Map(sections)
    });
    let any_tree =
        prop::collection::vec((select(&["api", "operations", "types"][..]), node()), 1..4)
            .prop_map(Node::Map);
    prop_oneof![3 => shaped, 1 => any_tree]
}

impl Node {
    /// Writes the node as the value of a key or list item whose line is already started.
    fn write_value(&self, indent: usize, out: &mut String) {
        match self {
            Node::Scalar(s) => {
                out.push(' ');
                out.push_str(s);
                out.push('\n');
            }
            Node::Alias(a) => {
                out.push_str(" *");
                out.push_str(a);
                out.push('\n');
            }
            Node::Anchor(a, inner) => {
                out.push_str(" &");
                out.push_str(a);
                inner.write_value(indent, out);
            }
            Node::Map(entries) if entries.is_empty() => out.push_str(" {}\n"),
            Node::Seq(items) if items.is_empty() => out.push_str(" []\n"),
            collection => {
                out.push('\n');
                collection.write_block(indent + 2, out);
            }
        }
    }

    fn write_block(&self, indent: usize, out: &mut String) {
        let pad = " ".repeat(indent);
        match self {
            Node::Map(entries) => {
                for (key, value) in entries {
                    out.push_str(&pad);
                    out.push_str(key);
                    out.push(':');
                    value.write_value(indent, out);
                }
            }
            Node::Seq(items) => {
                for item in items {
                    out.push_str(&pad);
                    out.push('-');
                    item.write_value(indent, out);
                }
            }
            other => {
                out.push_str(&pad);
                other.write_value(indent, out);
            }
        }
    }
}
