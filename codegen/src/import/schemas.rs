//! Schemas to spec types: which schemas become types and which are inlined where used, how
//! `allOf` merges, and how a schema becomes a field's type, nullability and docs.

use std::collections::{HashMap, HashSet};

use heck::ToUpperCamelCase;

use super::model::{
    self, Body, Constraints, Field, Kind as TyKind, Place, Ty, TypeDef, WebhookKey,
};
use super::node::{Loc, Node, Value};
use super::warn::{Kind, Warnings};
use crate::names;

/// What a named schema becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// An object with properties (or an `allOf` that merges into one): a type with `fields`.
    Object,
    /// An object that declares no properties and no value schema: `any` as a field, a type
    /// with `fields: {}` as a body.
    Empty,
    /// An object with an `additionalProperties` schema: `type: map`, inlined.
    Map,
    /// A string enum: a type with `values`.
    Enum,
    /// A string, number, integer, boolean or array schema: inlined.
    Alias,
    /// A schema that only refers to another (`allOf: [$ref]` plus annotations, or a bare
    /// `$ref`): inlined as that schema plus its own nullability and docs.
    Wrapper(usize),
    /// `oneOf` or `anyOf` of `$ref`s to object schemas: a type with `one_of`.
    OneOf,
}

pub struct Schema<'a> {
    /// The key in `components.schemas`.
    pub key: &'a str,
    /// The type name in the spec (the key, unless the format refuses it).
    pub name: String,
    pub node: &'a Node,
    pub loc: Loc,
    pub path: String,
    pub class: Class,
    /// Whether a field that refers to it is nullable (`nullable: true`, or `null` listed
    /// among an enum's values).
    pub nullable: bool,
}

/// A type the importer built, with what placing and ordering it needs.
pub struct Built {
    pub def: TypeDef,
    /// Source order: where its schema (or the inline schema, or the operation) is written.
    pub order: Loc,
    /// The schema it was built from, if it is a named one.
    pub schema: Option<usize>,
}

/// Where a schema is used: names for what it makes inline, and the path for warnings.
#[derive(Clone, Copy)]
pub struct Site<'s> {
    /// The type that holds the field (inline enums are named after it).
    pub owner: &'s str,
    /// The property name (empty for a named alias).
    pub prop: &'s str,
    /// `Item` for array elements, `Value` for map values.
    pub suffix: &'static str,
    pub path: &'s str,
}

impl Site<'_> {
    /// `Owner.prop` (`Owner.value` for a named alias), as the docs of a type made for it say.
    fn label(&self) -> String {
        let prop = if self.prop.is_empty() {
            "value"
        } else {
            self.prop
        };
        format!("`{}.{prop}`", self.owner)
    }
}

/// A note added to a field's docs for what the format has no key for.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum NoteKind {
    Format,
    Pattern,
    Bound,
    Entries,
    ReadOnly,
    WriteOnly,
    Default,
    Example,
}

#[derive(Clone, Debug)]
struct Note {
    kind: NoteKind,
    text: String,
}

/// A schema as the type of a field: what `type` and friends say, whether it is nullable, and
/// the docs it brings.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub ty: Ty,
    pub nullable: bool,
    pub docs: Option<String>,
    notes: Vec<Note>,
    pub deprecated: bool,
}

impl Resolved {
    fn new(ty: Ty) -> Self {
        Resolved {
            ty,
            nullable: false,
            docs: None,
            notes: Vec::new(),
            deprecated: false,
        }
    }

    /// The outer schema's note wins over the one its reference brought.
    /// The schema's `default` and `example`, as lines of the docs.
    fn value_notes(&mut self, node: &Node) {
        if let Some(default) = node.get("default") {
            let text = format!("Default: {}.", inline_code(&default.to_json()));
            self.note(NoteKind::Default, text);
        }
        if let Some(example) = node.get("example") {
            let text = format!("Example: {}.", inline_code(&example.to_json()));
            self.note(NoteKind::Example, text);
        }
    }

    fn note(&mut self, kind: NoteKind, text: String) {
        self.notes.retain(|n| n.kind != kind);
        self.notes.push(Note { kind, text });
    }

    /// The field's docs: the description, then one paragraph per note.
    pub fn field_docs(&self) -> Option<String> {
        let mut notes = self.notes.clone();
        notes.sort_by_key(|n| n.kind);
        let parts: Vec<&str> = self
            .docs
            .iter()
            .map(String::as_str)
            .chain(notes.iter().map(|n| n.text.as_str()))
            .collect();
        (!parts.is_empty()).then(|| parts.join("\n\n"))
    }
}

/// Schema keywords the importer reads; any other key is reported.
const SCHEMA_KEYS: &[&str] = &[
    "$ref",
    "type",
    "format",
    "description",
    "nullable",
    "properties",
    "required",
    "items",
    "allOf",
    "additionalProperties",
    "enum",
    "example",
    "x-examples",
    "title",
    "deprecated",
    "default",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "readOnly",
    "writeOnly",
    // Documentation-site hints: Plaid's docs hide the node or show another list of values.
    "x-hidden-from-docs",
    "x-override-enum-values-shown",
    "x-reserved-keys",
];

/// The string formats that keep a runtime check in the generated crate.
const CHECKED_STRING_FORMATS: &[&str] = &["date", "date-time", "email", "url"];

pub struct Schemas<'a> {
    pub list: Vec<Schema<'a>>,
    pub by_key: HashMap<&'a str, usize>,
    pub types: Vec<Built>,
    pub type_index: HashMap<String, usize>,
    /// Inline schemas already made into types, by node.
    synth: HashMap<*const Node, String>,
    /// Every type name handed out, so a synthesized one never takes a schema's.
    pub taken: HashSet<String>,
    /// Schemas whose properties an `allOf` copies into another type.
    pub merged_into: HashSet<usize>,
    checked: HashSet<*const Node>,
    /// How deep [`Schemas::field_ty`] is in schemas inlined into each other.
    depth: usize,
    pub warnings: Warnings,
}

const MAX_INLINE_DEPTH: usize = 64;

/// A property on its way to a field, with where it was declared (an `allOf` collects them
/// from several schemas).
struct Prop<'a> {
    name: &'a str,
    node: &'a Node,
    loc: Loc,
    path: String,
    owner: String,
}

/// A property of a `oneOf` member: whether it could carry the discriminator (required, not
/// nullable, a string or an enum) and the one value its enum fixes, if it does.
struct MemberProperty {
    wire: String,
    value: Option<String>,
    usable: bool,
}

struct Required {
    name: String,
    loc: Loc,
    path: String,
}

#[derive(Default)]
struct Merged<'a> {
    props: Vec<Prop<'a>>,
    required: Vec<Required>,
}

/// The description as docs: lines without trailing spaces, no blank lines around.
pub fn clean_docs(text: &str) -> Option<String> {
    let text = text.replace("\r\n", "\n");
    let lines: Vec<&str> = text.split('\n').map(str::trim_end).collect();
    let start = lines.iter().position(|l| !l.is_empty())?;
    let end = lines.iter().rposition(|l| !l.is_empty())?;
    let mut out: Vec<&str> = Vec::new();
    for line in &lines[start..=end] {
        // One blank line separates paragraphs; more say nothing more in Markdown.
        if line.is_empty() && out.last().is_some_and(|l| l.is_empty()) {
            continue;
        }
        out.push(line);
    }
    Some(out.join("\n"))
}

/// A value as inline code in docs: strings as they are, anything else as JSON.
pub fn inline_code(value: &serde_json::Value) -> String {
    let text = match value {
        serde_json::Value::String(s) if !s.is_empty() && !s.contains('\n') => s.clone(),
        other => other.to_string(),
    };
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

/// A member of a `oneOf`/`anyOf`.
#[derive(Clone, Copy)]
enum Member<'a> {
    /// A `$ref` to an object schema.
    Schema(usize),
    /// Any other schema that says what its value is.
    Inline(&'a Node),
}

/// Which JSON strings a `oneOf` member takes (see `Schemas::strings`), ordered so that an
/// open enum wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Strings {
    /// Any string, as itself.
    Plain,
    /// Any string, through an open enum (a value it does not list is its `Unknown`).
    Open,
}

/// What a `oneOf`/`anyOf` member that is not a `$ref` to an object schema is, when the import
/// makes it a type of the `one_of`'s: an inline object (with `properties`), a string, an
/// integer, a number, a boolean, an array, a string enum, a nested `oneOf`/`anyOf`, or a
/// `$ref` to a schema that is not an object (an enum, a scalar, an array, another `oneOf`).
/// Anything else (an `allOf`, a `not`, a file, a member that only constrains the others,
/// `{required: [a]}`) is not: the `oneOf` stays a warning.
fn inline_member_kind(member: &Node) -> Option<&'static str> {
    if ["allOf", "not"].iter().any(|key| member.get(key).is_some()) {
        return None;
    }
    if member.get("$ref").is_some() {
        return Some("reference");
    }
    if member.get("oneOf").is_some() || member.get("anyOf").is_some() {
        return member.get("properties").is_none().then_some("choice");
    }
    if member.get("enum").is_some() {
        return is_string_enum(member).then_some("enum");
    }
    if member.get("properties").is_some() {
        return matches!(member.str_of("type"), None | Some("object")).then_some("object");
    }
    match member.str_of("type")? {
        "string" if member.str_of("format") == Some("binary") => None,
        "string" => Some("string"),
        "integer" => Some("integer"),
        "number" => Some("number"),
        "boolean" => Some("boolean"),
        "array" if member.get("items").is_some() => Some("list"),
        _ => None,
    }
}

/// The one member of a `oneOf`/`anyOf` whose other members only admit `null` (`{nullable:
/// true}` alone, `{enum: [null]}`, or an object that is nullable and may hold nothing, as Box
/// writes "the OpenAPI 3.0 null schema type").
fn only_member_beside_null(node: &Node) -> Option<&Node> {
    if node.get("properties").is_some() || node.get("allOf").is_some() {
        return None;
    }
    let members = node.get("oneOf").or_else(|| node.get("anyOf"))?.items();
    let (nulls, others): (Vec<&Node>, Vec<&Node>) =
        members.iter().partition(|m| admits_only_null(m));
    match (nulls.is_empty(), others.as_slice()) {
        (false, [only]) => Some(*only),
        _ => None,
    }
}

fn admits_only_null(schema: &Node) -> bool {
    let nothing_else = ["$ref", "properties", "oneOf", "anyOf", "allOf", "items"]
        .iter()
        .all(|key| schema.get(key).is_none());
    let enum_of_null = schema.get("enum").is_some_and(|e| {
        !e.items().is_empty() && e.items().iter().all(|v| matches!(v.value, Value::Null))
    });
    let empty_object = schema.str_of("type") == Some("object")
        && schema
            .get("additionalProperties")
            .is_some_and(|a| a.as_bool() == Some(false));
    nothing_else
        && (enum_of_null
            || (schema.flag("nullable")
                && (empty_object
                    || (schema.get("type").is_none() && schema.get("enum").is_none()))))
}

pub fn pascal(text: &str) -> String {
    text.to_upper_camel_case()
}

/// A schema key as a spec type name: as it is when the format accepts it; otherwise without
/// underscores (`Recaptcha_RequiredError` -> `RecaptchaRequiredError`), or with `Api` in front
/// of a reserved name.
fn type_name(key: &str) -> String {
    let ok = |n: &str| names::is_type_ident(n) && !names::RESERVED_TYPE_NAMES.contains(&n);
    if ok(key) {
        return key.to_owned();
    }
    let mut joined = String::new();
    let mut upper = true;
    for c in key.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                joined.extend(c.to_uppercase());
            } else {
                joined.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    if names::RESERVED_TYPE_NAMES.contains(&joined.as_str()) {
        joined.insert_str(0, "Api");
    }
    if ok(&joined) {
        joined
    } else {
        let suggested = names::suggest_type_ident(key);
        if ok(&suggested) {
            suggested
        } else {
            format!("Type{}", suggested)
        }
    }
}

/// The (`webhook_type`, `webhook_code`) pair an object's properties state: both strings, each
/// fixed to one value by a one-value `enum` or, as the OpenAPI mostly writes it, by a
/// description that is that value in backticks (`` `TRANSACTIONS` ``, sometimes
/// `` `"TRANSFER"` ``). A property that allows several values (a request that names which
/// webhook to fire) makes no pair.
fn webhook_key(props: &[Prop<'_>]) -> Option<WebhookKey> {
    let constant = |name: &str| {
        let node = props.iter().find(|p| p.name == name)?.node;
        if node.str_of("type").is_some_and(|t| t != "string") {
            return None;
        }
        let word = match node.get("enum").map(Node::items) {
            Some([only]) => only.as_str()?.to_owned(),
            Some(_) => return None,
            None => {
                let text = node.str_of("description")?.trim();
                let inner = text.strip_prefix('`')?.strip_suffix('`')?;
                let inner = inner
                    .strip_prefix('"')
                    .and_then(|i| i.strip_suffix('"'))
                    .unwrap_or(inner);
                inner.to_owned()
            }
        };
        let plain = !word.is_empty()
            && word
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        plain.then_some(word)
    };
    Some(WebhookKey {
        kind: constant("webhook_type")?,
        code: constant("webhook_code")?,
    })
}

fn path_key(path: &str, key: &str) -> String {
    format!("{path}.{key}")
}

impl<'a> Schemas<'a> {
    /// Indexes and classifies `components.schemas`.
    /// `client_trait` is the name of the generated client trait, which no type may have.
    pub fn new(schemas: Option<&'a Node>, warnings: Warnings, client_trait: &str) -> Self {
        let mut this = Schemas {
            list: Vec::new(),
            by_key: HashMap::new(),
            types: Vec::new(),
            type_index: HashMap::new(),
            synth: HashMap::new(),
            taken: HashSet::new(),
            merged_into: HashSet::new(),
            checked: HashSet::new(),
            depth: 0,
            warnings,
        };
        this.taken.insert(client_trait.to_owned());
        let Some(schemas) = schemas else {
            return this;
        };
        for (key, node) in schemas.entries() {
            let path = format!("components.schemas.{}", key.name);
            let mut name = type_name(&key.name);
            let is_trait = name == client_trait;
            if is_trait {
                name.push_str("Schema");
            }
            if name != key.name {
                let mut n = 2;
                let base = name.clone();
                while this.taken.contains(&name) || schemas.get(&name).is_some() {
                    name = format!("{base}{n}");
                    n += 1;
                }
                let why = if is_trait {
                    "is the name of the client trait (the title's)"
                } else {
                    "is not a type name the spec accepts (UpperCamelCase letters and digits, \
                     not reserved)"
                };
                this.warnings.push(
                    Kind::TypeRenamed,
                    key.loc,
                    &path,
                    format!("`{}` {why}: imported as `{name}`", key.name),
                );
            }
            this.taken.insert(name.clone());
            this.by_key.insert(&key.name, this.list.len());
            this.list.push(Schema {
                key: &key.name,
                name,
                node,
                loc: key.loc,
                path,
                class: Class::Alias,
                nullable: false,
            });
        }
        for i in 0..this.list.len() {
            let class = this.classify(i);
            this.list[i].class = class;
        }
        for i in 0..this.list.len() {
            if this.list[i].class == Class::OneOf && this.one_of_members(i).is_none() {
                this.list[i].class = Class::Alias;
            }
        }
        // A wrapper that requires more than its target does is a type of its own.
        for i in 0..this.list.len() {
            if let Class::Wrapper(target) = this.list[i].class
                && !this.required_fits(i, target)
            {
                this.list[i].class = Class::Object;
            }
        }
        for i in 0..this.list.len() {
            let node = this.list[i].node;
            this.list[i].nullable = node.flag("nullable")
                || (this.list[i].class == Class::Enum
                    && node
                        .get("enum")
                        .is_some_and(|e| e.items().iter().any(|v| matches!(v.value, Value::Null))));
        }
        this
    }

    /// The members of a `oneOf`/`anyOf` schema, when each is a type of its own.
    fn one_of_members(&self, i: usize) -> Option<Vec<Member<'a>>> {
        self.members_of(self.list[i].node)
    }

    /// The members of a `oneOf`/`anyOf` node, when there is one and each is a type of its own:
    /// a `$ref` to an object schema is that schema's type; any other schema (a scalar, an
    /// array, an inline object, a reference to an enum) becomes a type of the `one_of`'s. A
    /// member that only constrains the others (`{required: [a]}`, beside `properties`) makes
    /// the node no `one_of`: it is imported as its other keywords say.
    fn members_of(&self, node: &'a Node) -> Option<Vec<Member<'a>>> {
        let members = node.get("oneOf").or_else(|| node.get("anyOf"))?;
        if members.items().is_empty() {
            return None;
        }
        let members: Vec<Member<'a>> = members
            .items()
            .iter()
            .map(|m| match self.object_ref(m) {
                Some(t) => Some(Member::Schema(t)),
                // A file is no member, wherever it is defined.
                None if m.get("$ref").is_some() => {
                    let t = self.ref_target(m)?;
                    let target = self.list[t].node;
                    let file = target.str_of("format") == Some("binary");
                    (!file && target.get("not").is_none()).then_some(Member::Inline(m))
                }
                None => inline_member_kind(m).map(|_| Member::Inline(m)),
            })
            .collect::<Option<_>>()?;
        // A member that is the `oneOf` itself, through references and nested `oneOf`s, would
        // be a value holding itself: decoding one would try the same value forever.
        let mut seen = HashSet::new();
        if members
            .iter()
            .any(|m| matches!(m, Member::Inline(n) if self.holds_whole(n, node, &mut seen)))
        {
            return None;
        }
        let inline = members.iter().any(|m| matches!(m, Member::Inline(_)));
        let constrains_an_object = node.get("properties").is_some() || node.get("allOf").is_some();
        // An enum is open (a value it does not list decodes as `Unknown`, which a request may
        // not carry): beside another member that takes strings it would take theirs too, and
        // a valid value would be refused. Such a `oneOf` stays a warning; two members that
        // take any string as it is do not (the first is tried first, and either holds it).
        let strings: Vec<Strings> = members
            .iter()
            .filter_map(|m| match m {
                Member::Inline(n) => self.strings(n, 0),
                Member::Schema(_) => None,
            })
            .collect();
        let open_beside_strings = strings.len() > 1 && strings.contains(&Strings::Open);
        let refused = (inline && constrains_an_object) || open_beside_strings;
        (!refused).then_some(members)
    }

    /// Whether `schema` is `target`, or a reference or a `oneOf`/`anyOf` one of whose members
    /// is, in turn: a value of `target` held whole, with no JSON consumed on the way.
    fn holds_whole(
        &self,
        schema: &'a Node,
        target: &Node,
        seen: &mut HashSet<*const Node>,
    ) -> bool {
        if std::ptr::eq(schema, target) {
            return true;
        }
        if !seen.insert(schema as *const Node) {
            return false;
        }
        if schema.get("$ref").is_some() {
            return self
                .ref_target(schema)
                .is_some_and(|t| self.holds_whole(self.list[t].node, target, seen));
        }
        schema
            .get("oneOf")
            .or_else(|| schema.get("anyOf"))
            .is_some_and(|members| {
                members
                    .items()
                    .iter()
                    .any(|m| self.holds_whole(m, target, seen))
            })
    }

    /// Which JSON strings a member takes: none, any (a string, a reference to a string schema),
    /// or any through an open enum (an enum, a reference to one, a nested `oneOf` with one).
    /// Past a few nested `oneOf`s (a cycle), it may take any through an enum.
    fn strings(&self, member: &Node, depth: usize) -> Option<Strings> {
        let of_members = |node: &Node| {
            if depth > 8 {
                return Some(Strings::Open);
            }
            let members = node.get("oneOf").or_else(|| node.get("anyOf"))?.items();
            members
                .iter()
                .filter_map(|m| self.strings(m, depth + 1))
                .max()
        };
        match inline_member_kind(member)? {
            "string" => Some(Strings::Plain),
            "enum" => Some(Strings::Open),
            "choice" => of_members(member),
            "reference" => {
                let target = &self.list[self.ref_target(member)?];
                match target.class {
                    Class::Enum => Some(Strings::Open),
                    Class::OneOf => of_members(target.node),
                    Class::Alias => matches!(target.node.str_of("type"), None | Some("string"))
                        .then_some(Strings::Plain),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The object schema a `$ref` member ends at, if it is one.
    fn object_ref(&self, member: &Node) -> Option<usize> {
        let t = self.ref_target(member)?;
        (self.list[t].class == Class::Object).then_some(t)
    }

    /// The schema a `$ref` node ends at, wrappers followed.
    fn ref_target(&self, member: &Node) -> Option<usize> {
        let key = member
            .str_of("$ref")?
            .strip_prefix("#/components/schemas/")?
            .replace("~1", "/")
            .replace("~0", "~");
        let &t = self.by_key.get(key.as_str())?;
        self.follow(t)
    }

    /// The type of a member that is not a `$ref` to an object schema, named after the
    /// `one_of` and what it is (`RetentionLengthString`): an inline object is an object type;
    /// anything else a type whose `body` is all of the value (`in: whole_body`), which decodes
    /// from the bare value. (Built once: its `one_of` is.)
    fn member_type(&mut self, one_of: &str, node: &'a Node, path: &str) -> String {
        // A reference is named after the schema it names (`RetentionLengthDuration`).
        let what = match inline_member_kind(node) {
            Some("reference") => self
                .ref_target(node)
                .map_or_else(|| "member".to_owned(), |t| self.list[t].name.clone()),
            what => what.unwrap_or("member").to_owned(),
        };
        let name = self.inline_name(Site {
            owner: one_of,
            prop: &what,
            suffix: "",
            path,
        });
        let def = if what == "object" {
            let mut def = self.object_type(&name, node, path);
            def.docs = def
                .docs
                .or_else(|| Some(format!("A member of `{one_of}`.")));
            def
        } else {
            let site = Site {
                owner: &name,
                prop: "body",
                suffix: "",
                path,
            };
            let field = self.whole_body_field(node, site);
            TypeDef {
                name: name.clone(),
                docs: Some(format!(
                    "A member of `{one_of}` that is not an object: `body` is all of it."
                )),
                deprecated: false,
                body: Body::Fields(vec![field]),
                examples: Vec::new(),
                webhook: None,
            }
        };
        self.push(def, node.loc, None);
        name
    }

    /// The field `body` that is all of a value of schema `node` (`in: whole_body`): a body
    /// that is not an object, a `one_of`'s member that is not one.
    pub fn whole_body_field(&mut self, node: &'a Node, site: Site<'_>) -> Field {
        let resolved = self.field_ty(node, site);
        let resolved = self.settle(resolved, node, site.path);
        Field {
            wire: "body".to_owned(),
            required: true,
            nullable: resolved.nullable,
            deprecated: resolved.deprecated,
            docs: resolved.field_docs(),
            ty: resolved.ty,
            place: Place::WholeBody,
        }
    }

    /// Whether a built type is all of its value (`in: whole_body`), as a `one_of`'s member
    /// that is not an object is.
    fn is_whole(&self, name: &str) -> bool {
        self.type_index
            .get(name)
            .and_then(|&i| self.types.get(i))
            .is_some_and(|t| {
                matches!(&t.def.body, Body::Fields(f) if f.iter().any(|f| f.place == Place::WholeBody))
            })
    }

    /// A `oneOf`/`anyOf` of object schemas as a type with `one_of`. The discriminator is the
    /// description's, or else a property every member requires and fixes to a value of its
    /// own (a one-value `enum`), so that a value added later still decodes as `Unknown`.
    fn one_of_type(
        &mut self,
        name: &str,
        node: &'a Node,
        path: &str,
        member_schemas: Vec<Member<'a>>,
    ) -> TypeDef {
        for (key, _) in node.entries() {
            let k = key.name.as_str();
            if !matches!(
                k,
                "oneOf"
                    | "anyOf"
                    | "discriminator"
                    | "description"
                    | "title"
                    | "type"
                    | "deprecated"
                    | "example"
                    | "nullable"
            ) {
                self.warnings.ignored_key(
                    "`oneOf`/`anyOf` schema's keyword",
                    key.loc,
                    &path_key(path, k),
                    k,
                );
            }
        }
        let key = if node.get("oneOf").is_some() {
            "oneOf"
        } else {
            "anyOf"
        };
        let mut members = Vec::new();
        let mut numbers = Vec::new();
        for (i, m) in member_schemas.into_iter().enumerate() {
            let member = match m {
                Member::Schema(t) => self.schema_type(t),
                Member::Inline(n) => {
                    let member =
                        self.member_type(name, n, &format!("{}[{i}]", path_key(path, key)));
                    if inline_member_kind(n) == Some("number") {
                        numbers.push(member);
                        continue;
                    }
                    member
                }
            };
            if !members.contains(&member) {
                members.push(member);
            }
        }
        // A number member takes integers too: tried after an integer member, which then does.
        members.extend(numbers);
        let discriminator = if let Some(d) = node.get("discriminator") {
            let d_path = path_key(path, "discriminator");
            let property = d.str_of("propertyName").unwrap_or_default().to_owned();
            let mut mapping = Vec::new();
            if let Some(map) = d.get("mapping") {
                for (value, target) in map.entries() {
                    // A bare schema name is OpenAPI's shorthand for its `$ref`.
                    let target_name = target
                        .as_str()
                        .map(|t| t.strip_prefix("#/components/schemas/").unwrap_or(t))
                        .and_then(|key| self.by_key.get(key).copied())
                        .and_then(|t| self.follow(t))
                        .map(|t| self.list[t].name.clone());
                    match target_name {
                        Some(member) if members.contains(&member) => {
                            mapping.push((value.name.clone(), member));
                        }
                        _ => self.warnings.push(
                            Kind::Unsupported,
                            value.loc,
                            &path_key(&path_key(&d_path, "mapping"), &value.name),
                            "the mapping names no member of the `oneOf`: left out (a value \
                             that selects no member decodes as `Unknown`)",
                        ),
                    }
                }
            }
            let carried = members.iter().all(|m| {
                self.member_properties(m)
                    .iter()
                    .any(|p| p.wire == property && p.usable)
            });
            if carried {
                Some(model::Discriminator { property, mapping })
            } else {
                self.warnings.push(
                    Kind::Unsupported,
                    d.loc,
                    &d_path,
                    format!(
                        "the discriminator `{property}` is not a required string property of \
                         every member: the members are tried in turn instead"
                    ),
                );
                None
            }
        } else {
            self.inferred_discriminator(&members)
        };
        TypeDef {
            name: name.to_owned(),
            docs: node.str_of("description").and_then(clean_docs),
            deprecated: node.flag("deprecated"),
            body: model::Body::OneOf(members, discriminator),
            examples: Vec::new(),
            webhook: None,
        }
    }

    /// A property every member requires with a value of its own (`kind: {enum: [circle]}`).
    fn inferred_discriminator(&self, members: &[String]) -> Option<model::Discriminator> {
        // A member that is not an object has no property to tell it by.
        if members.iter().any(|m| self.is_whole(m)) {
            return None;
        }
        let first = self.member_properties(members.first()?);
        'property: for candidate in &first {
            let mut mapping = Vec::new();
            for member in members {
                let found = self
                    .member_properties(member)
                    .into_iter()
                    .find(|p| p.wire == candidate.wire && p.usable);
                let Some(value) = found.and_then(|p| p.value) else {
                    continue 'property;
                };
                if mapping.iter().any(|(v, _)| *v == value) {
                    continue 'property;
                }
                mapping.push((value, member.clone()));
            }
            // A value that is the member's name needs no mapping entry.
            mapping.retain(|(value, member)| value != member);
            return Some(model::Discriminator {
                property: candidate.wire.clone(),
                mapping,
            });
        }
        None
    }

    /// The properties of a built member type, as candidates for its `oneOf`'s discriminator.
    fn member_properties(&self, member: &str) -> Vec<MemberProperty> {
        let Some(built) = self.type_index.get(member).and_then(|&m| self.types.get(m)) else {
            return Vec::new();
        };
        let Body::Fields(fields) = &built.def.body else {
            return Vec::new();
        };
        fields
            .iter()
            .map(|f| {
                let value = match &f.ty.kind {
                    TyKind::Named(e) => self
                        .type_index
                        .get(e)
                        .and_then(|&k| self.types.get(k))
                        .and_then(|t| match &t.def.body {
                            Body::Values(v) if v.len() == 1 => Some(v[0].clone()),
                            _ => None,
                        }),
                    _ => None,
                };
                MemberProperty {
                    wire: f.wire.clone(),
                    value,
                    usable: f.required
                        && !f.nullable
                        && matches!(&f.ty.kind, TyKind::Builtin("string") | TyKind::Named(_)),
                }
            })
            .collect()
    }

    fn classify(&mut self, i: usize) -> Class {
        let node = self.list[i].node;
        let path = self.list[i].path.clone();
        let loc = self.list[i].loc;
        if let Some(target) = node.str_of("$ref") {
            return match self.resolve_ref(target, node.loc, &path) {
                Some(t) => Class::Wrapper(t),
                None => Class::Alias,
            };
        }
        if is_string_enum(node) {
            return Class::Enum;
        }
        // Members that are not each a type of their own stay a warning: demoted once every
        // schema is classified.
        if node.get("properties").is_none()
            && node.get("allOf").is_none()
            && let Some(members) = node.get("oneOf").or_else(|| node.get("anyOf"))
            && !members.items().is_empty()
            && members
                .items()
                .iter()
                .all(|m| m.get("$ref").is_some() || inline_member_kind(m).is_some())
        {
            return Class::OneOf;
        }
        if let Some(all_of) = node.get("allOf") {
            return match self.wrapper_target(node, all_of, &path) {
                Some(t) => Class::Wrapper(t),
                None => Class::Object,
            };
        }
        let properties = node.get("properties");
        match node.str_of("type") {
            None | Some("object") => {
                if let Some(props) = properties
                    && !props.entries().is_empty()
                {
                    if node.get("type").is_none() {
                        self.warnings.push(
                            Kind::UntypedObject,
                            loc,
                            &path,
                            "`properties` without `type: object`: imported as an object",
                        );
                    }
                    Class::Object
                } else if node.get("additionalProperties").is_some_and(Node::is_map) {
                    Class::Map
                } else {
                    Class::Empty
                }
            }
            Some(_) => Class::Alias,
        }
    }

    /// The one schema an `allOf` refers to when the rest only annotates it; None when the
    /// `allOf` merges several schemas or adds properties.
    fn wrapper_target(&mut self, node: &'a Node, all_of: &'a Node, path: &str) -> Option<usize> {
        if node.get("properties").is_some() {
            return None;
        }
        let members = all_of.items();
        let refs: Vec<&Node> = members.iter().filter(|m| m.get("$ref").is_some()).collect();
        let annotates_only = members.iter().all(|m| {
            m.get("$ref").is_some()
                || (m.get("properties").is_none()
                    && m.get("allOf").is_none()
                    && m.get("enum").is_none()
                    && m.get("items").is_none())
        });
        if refs.len() != 1 || !annotates_only {
            return None;
        }
        let target = refs[0].str_of("$ref")?;
        self.resolve_ref(target, refs[0].loc, path)
    }

    /// Whether every name the wrapper's `required` lists is required by its target already.
    fn required_fits(&mut self, wrapper: usize, target: usize) -> bool {
        let node = self.list[wrapper].node;
        let mut names: Vec<&str> = required_names(node);
        for member in node.get("allOf").map(Node::items).unwrap_or_default() {
            names.extend(required_names(member));
        }
        if names.is_empty() {
            return true;
        }
        let Some(object) = self.follow(target) else {
            return true;
        };
        let (node, path, owner) = {
            let s = &self.list[object];
            (s.node, s.path.clone(), s.name.clone())
        };
        let merged = self.merged(node, &path, &owner, 0);
        names
            .iter()
            .all(|n| merged.required.iter().any(|r| r.name == *n))
    }

    /// Follows wrappers to the schema they end at.
    pub fn follow(&self, mut i: usize) -> Option<usize> {
        for _ in 0..64 {
            match self.list[i].class {
                Class::Wrapper(t) => i = t,
                _ => return Some(i),
            }
        }
        None
    }

    pub fn resolve_ref(&mut self, target: &str, loc: Loc, path: &str) -> Option<usize> {
        let key = target.strip_prefix("#/components/schemas/").map(|k| {
            // JSON pointer escapes.
            k.replace("~1", "/").replace("~0", "~")
        });
        match key.as_deref().and_then(|k| self.by_key.get(k)) {
            Some(&i) => Some(i),
            None => {
                self.warnings.push(
                    Kind::Unsupported,
                    loc,
                    path,
                    format!(
                        "`$ref: {target}` names no schema in components.schemas: the value \
                         is imported as `any`"
                    ),
                );
                None
            }
        }
    }

    /// Reports the keys of a schema node the importer does not read.
    pub fn check_keys(&mut self, node: &'a Node, path: &str) {
        if !self.checked.insert(node as *const Node) {
            return;
        }
        for (key, value) in node.entries() {
            let k = key.name.as_str();
            let (kind, message) = match k {
                _ if SCHEMA_KEYS.contains(&k) => continue,
                "oneOf" | "anyOf" | "not" => (
                    Kind::Unsupported,
                    format!(
                        "`{k}` is not supported: the value is imported as its other keywords \
                         say (`any` when they say nothing)"
                    ),
                ),
                "multipleOf" => (
                    Kind::Constraint,
                    format!(
                        "`multipleOf: {}` has no spec key: documented only",
                        value.scalar_text().unwrap_or_default()
                    ),
                ),
                _ => {
                    self.warnings
                        .ignored_key("schema keyword", key.loc, &path_key(path, k), k);
                    continue;
                }
            };
            self.warnings
                .push(kind, key.loc, &path_key(path, k), message);
        }
    }

    /// The properties and required names of an object schema, `allOf` members merged in
    /// order (base first), then its own.
    fn merged(&mut self, node: &'a Node, path: &str, owner: &str, depth: usize) -> Merged<'a> {
        let mut out = Merged::default();
        if depth > 32 {
            self.warnings.push(
                Kind::Unsupported,
                node.loc,
                path,
                "`allOf` nests too deeply (a reference cycle?): not merged further",
            );
            return out;
        }
        // A bare `$ref` (a schema that only names another) merges like a one-member `allOf`.
        let members = match node.get("$ref") {
            Some(_) => std::slice::from_ref(node),
            None => node.get("allOf").map(Node::items).unwrap_or_default(),
        };
        for (i, member) in members.iter().enumerate() {
            let member_path = if std::ptr::eq(member, node) {
                path.to_owned()
            } else {
                format!("{path}.allOf[{i}]")
            };
            let part = if let Some(target) = member.str_of("$ref") {
                let Some(t) = self.resolve_ref(target, member.loc, &member_path) else {
                    continue;
                };
                let Some(t) = self.follow(t) else {
                    continue;
                };
                match self.list[t].class {
                    Class::Object | Class::Empty => {
                        self.merged_into.insert(t);
                        let (n, p, o) = {
                            let s = &self.list[t];
                            (s.node, s.path.clone(), s.name.clone())
                        };
                        self.merged(n, &p, &o, depth + 1)
                    }
                    _ => {
                        self.warnings.push(
                            Kind::Unsupported,
                            member.loc,
                            &member_path,
                            format!(
                                "`allOf` member `{}` is not an object: not merged",
                                self.list[t].key
                            ),
                        );
                        continue;
                    }
                }
            } else {
                self.check_keys(member, &member_path);
                self.merged(member, &member_path, owner, depth + 1)
            };
            self.absorb(&mut out, part, path);
        }
        let mut own = Merged::default();
        if let Some(props) = node.get("properties") {
            for (key, prop) in props.entries() {
                own.props.push(Prop {
                    name: &key.name,
                    node: prop,
                    loc: key.loc,
                    path: format!("{path}.properties.{}", key.name),
                    owner: owner.to_owned(),
                });
            }
        }
        if let Some(required) = node.get("required") {
            for (i, r) in required.items().iter().enumerate() {
                if let Some(name) = r.as_str() {
                    own.required.push(Required {
                        name: name.to_owned(),
                        loc: r.loc,
                        path: format!("{path}.required[{i}]"),
                    });
                }
            }
        }
        self.absorb(&mut out, own, path);
        out
    }

    fn absorb(&mut self, out: &mut Merged<'a>, part: Merged<'a>, path: &str) {
        for prop in part.props {
            if let Some(existing) = out.props.iter_mut().find(|p| p.name == prop.name) {
                if !same_but_docs(existing.node, prop.node) {
                    self.warnings.push(
                        Kind::DuplicateProperty,
                        prop.loc,
                        &prop.path,
                        format!(
                            "`{}` is also defined at line {} (merged by `allOf` of {path}), \
                             differently: the later definition is used",
                            prop.name, existing.loc.line
                        ),
                    );
                }
                *existing = prop;
            } else {
                out.props.push(prop);
            }
        }
        for r in part.required {
            if !out.required.iter().any(|e| e.name == r.name) {
                out.required.push(r);
            }
        }
    }

    /// Builds the type of every schema that is one (objects and enums), in source order.
    pub fn build_named(&mut self) {
        for i in 0..self.list.len() {
            if matches!(
                self.list[i].class,
                Class::Object | Class::Enum | Class::OneOf
            ) {
                self.schema_type(i);
            }
        }
    }

    /// The type of a named schema used as a request or response body: the schema's own type,
    /// or for a schema that is not an object type by itself (no properties, a wrapper) a type
    /// of that name built from it. None when the schema is no object at all.
    pub fn body_type(&mut self, i: usize) -> Option<String> {
        let target = self.follow(i)?;
        match (self.list[i].class, self.list[target].class) {
            (Class::Object | Class::Empty, _)
            | (Class::Wrapper(_), Class::Object | Class::Empty) => Some(self.schema_type(i)),
            _ => None,
        }
    }

    /// The `one_of` type of a named `oneOf` schema (or of a wrapper of one), for an answer.
    pub fn answer_one_of(&mut self, i: usize) -> Option<String> {
        let target = self.follow(i)?;
        (self.list[target].class == Class::OneOf).then(|| self.schema_type(target))
    }

    /// Builds (once) the type of a named schema and returns its name.
    fn schema_type(&mut self, i: usize) -> String {
        let name = self.list[i].name.clone();
        if self.type_index.contains_key(&name) {
            return name;
        }
        let (node, path, loc, class) = {
            let s = &self.list[i];
            (s.node, s.path.clone(), s.loc, s.class)
        };
        // Reserve the slot first: building may add the types it makes inline.
        self.type_index.insert(name.clone(), usize::MAX);
        let def = if class == Class::Enum {
            self.enum_type(&name, node, &path, loc)
        } else if class == Class::OneOf {
            let members = self.one_of_members(i).unwrap_or_default();
            self.one_of_type(&name, node, &path, members)
        } else {
            self.object_type(&name, node, &path)
        };
        self.push(def, loc, Some(i));
        name
    }

    pub fn push(&mut self, def: TypeDef, order: Loc, schema: Option<usize>) {
        self.taken.insert(def.name.clone());
        self.type_index.insert(def.name.clone(), self.types.len());
        self.types.push(Built { def, order, schema });
    }

    pub fn object_type(&mut self, name: &str, node: &'a Node, path: &str) -> TypeDef {
        self.check_keys(node, path);
        let merged = self.merged(node, path, name, 0);
        if node.get("additionalProperties").is_some_and(Node::is_map) && !merged.props.is_empty() {
            self.warnings.push(
                Kind::Unsupported,
                node.key_loc("additionalProperties").unwrap_or(node.loc),
                &path_key(path, "additionalProperties"),
                "a value schema for undeclared keys beside declared properties is not \
                 supported: the undeclared keys are not imported",
            );
        }
        for r in &merged.required {
            if !merged.props.iter().any(|p| p.name == r.name) {
                self.warnings.push(
                    Kind::DanglingRequired,
                    r.loc,
                    &r.path,
                    format!(
                        "`required` names `{}`, which is no property: dropped",
                        r.name
                    ),
                );
            }
        }
        let mut fields = Vec::new();
        let mut idents: HashMap<String, &str> = HashMap::new();
        for prop in &merged.props {
            let site = Site {
                owner: &prop.owner,
                prop: prop.name,
                suffix: "",
                path: &prop.path,
            };
            let resolved = self.field_ty(prop.node, site);
            let resolved = self.settle(resolved, prop.node, &prop.path);
            let ident = names::snake_ident(prop.name);
            if !names::is_valid_ident(&ident) {
                self.warnings.push(
                    Kind::FieldName,
                    prop.loc,
                    &prop.path,
                    format!(
                        "`{}` makes no usable Rust field name (`{ident}`)",
                        prop.name
                    ),
                );
            } else if let Some(first) = idents.insert(ident.clone(), prop.name) {
                self.warnings.push(
                    Kind::FieldName,
                    prop.loc,
                    &prop.path,
                    format!(
                        "`{first}` and `{}` both become the Rust field `{ident}`",
                        prop.name
                    ),
                );
            }
            // One type serves both directions, so a property required only in answers
            // (`readOnly`) or only in requests (`writeOnly`) is optional: required, it would
            // make the client send a value the server ignores, or refuse an answer that rightly
            // leaves it out. Never stricter than the description.
            let listed = merged.required.iter().any(|r| r.name == prop.name);
            let one_way = if prop.node.flag("readOnly") {
                Some(
                    "The description requires it in answers only (`readOnly`): optional here, since requests need not send it.",
                )
            } else if prop.node.flag("writeOnly") {
                Some(
                    "The description requires it in requests only (`writeOnly`): optional here, since answers leave it out.",
                )
            } else {
                None
            };
            let mut docs = resolved.field_docs();
            if listed && let Some(note) = one_way {
                docs = Some(match docs {
                    Some(docs) => format!("{docs}\n\n{note}"),
                    None => note.to_owned(),
                });
            }
            fields.push(Field {
                wire: prop.name.to_owned(),
                required: listed && one_way.is_none(),
                nullable: resolved.nullable,
                place: Place::Body,
                deprecated: resolved.deprecated,
                docs,
                ty: resolved.ty,
            });
        }
        TypeDef {
            name: name.to_owned(),
            docs: node.str_of("description").and_then(clean_docs),
            deprecated: node.flag("deprecated"),
            body: Body::Fields(fields),
            examples: Vec::new(),
            webhook: webhook_key(&merged.props),
        }
    }

    /// Two types that claim one webhook pair cannot both decode it: the first in the
    /// document keeps the pair (the OpenAPI lists a webhook before its variants, such as the
    /// processor's copy of a transactions webhook), each later one is imported without it
    /// and reported.
    pub fn settle_webhooks(&mut self) {
        let mut order: Vec<usize> = (0..self.types.len())
            .filter(|&i| self.types[i].def.webhook.is_some())
            .collect();
        order.sort_by(|&a, &b| {
            let (ta, tb) = (&self.types[a], &self.types[b]);
            (ta.order, &ta.def.name).cmp(&(tb.order, &tb.def.name))
        });
        let mut owners: HashMap<WebhookKey, String> = HashMap::new();
        for i in order {
            let Some(key) = self.types[i].def.webhook.clone() else {
                continue;
            };
            let name = self.types[i].def.name.clone();
            let Some(first) = owners.get(&key) else {
                owners.insert(key, name);
                continue;
            };
            let path = match self.types[i].schema {
                Some(s) => self.list[s].path.clone(),
                None => name.clone(),
            };
            let message = format!(
                "`{name}` carries the webhook `{}` `{}` that `{first}` (defined before it) \
                 carries too: imported without `webhook`, so such a body decodes as `{first}`",
                key.kind, key.code
            );
            let loc = self.types[i].order;
            self.warnings.push(Kind::WebhookPair, loc, &path, message);
            self.types[i].def.webhook = None;
        }
    }

    fn enum_type(&mut self, name: &str, node: &'a Node, path: &str, loc: Loc) -> TypeDef {
        self.check_keys(node, path);
        let values = self.enum_values(node, path, loc);
        let mut docs = Resolved::new(Ty::builtin("string"));
        docs.docs = node.str_of("description").and_then(clean_docs);
        docs.value_notes(node);
        TypeDef {
            name: name.to_owned(),
            docs: docs.field_docs(),
            deprecated: node.flag("deprecated"),
            body: Body::Values(values),
            examples: Vec::new(),
            webhook: None,
        }
    }

    /// An enum's values as strings, with the defects of the list reported.
    fn enum_values(&mut self, node: &'a Node, path: &str, loc: Loc) -> Vec<String> {
        let Some(list) = node.get("enum") else {
            return Vec::new();
        };
        let enum_path = path_key(path, "enum");
        let enum_loc = node.key_loc("enum").unwrap_or(loc);
        let mut values: Vec<String> = Vec::new();
        let mut stringified = Vec::new();
        let mut has_null = false;
        for item in list.items() {
            match &item.value {
                Value::Null => has_null = true,
                Value::Str(s) => values.push(s.clone()),
                Value::Seq(_) | Value::Map(_) => self.warnings.push(
                    Kind::Unsupported,
                    item.loc,
                    &enum_path,
                    "an enum value that is a list or mapping: dropped",
                ),
                _ => {
                    let text = item.scalar_text().unwrap_or_default();
                    stringified.push(text.clone());
                    values.push(text);
                }
            }
        }
        if !stringified.is_empty() {
            let list = stringified
                .iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ");
            self.warnings.push(
                Kind::EnumNonStringValue,
                enum_loc,
                &enum_path,
                format!(
                    "values {list} are YAML numbers or booleans in a string enum: imported as \
                     the strings they spell"
                ),
            );
        }
        let nullable = node.flag("nullable");
        if nullable && !has_null {
            self.warnings.push(
                Kind::EnumNullableWithoutNull,
                enum_loc,
                &enum_path,
                "`nullable: true` but the values do not list null: fields of this enum are \
                 nullable, the values are kept",
            );
        }
        if has_null && !nullable {
            self.warnings.push(
                Kind::EnumNullNotNullable,
                enum_loc,
                &enum_path,
                "the values list null but the enum is not `nullable`: null is dropped from \
                 the values and fields of this enum are nullable",
            );
        }
        let mut unique: Vec<String> = Vec::new();
        let mut idents: HashMap<String, String> = HashMap::new();
        for value in values {
            if unique.contains(&value) {
                self.warnings.push(
                    Kind::EnumDuplicateValue,
                    enum_loc,
                    &enum_path,
                    format!("`{value}` is listed twice: kept once"),
                );
                continue;
            }
            let ident = names::variant_ident(&value);
            let problem = if !names::is_valid_ident(&ident) {
                Some(format!("makes no usable Rust variant (`{ident}`)"))
            } else {
                idents
                    .insert(ident.clone(), value.clone())
                    .map(|first| format!("and `{first}` both become the variant `{ident}`"))
            };
            // The spec refuses such a value; left out, it still decodes (as `Unknown`).
            if let Some(problem) = problem {
                self.warnings.push(
                    Kind::EnumVariantName,
                    enum_loc,
                    &enum_path,
                    format!("enum value `{value}` {problem}: left out (it decodes as `Unknown`)"),
                );
                continue;
            }
            unique.push(value);
        }
        unique
    }

    /// A schema as the type of a field.
    pub fn field_ty(&mut self, node: &'a Node, site: Site<'_>) -> Resolved {
        // Inlined schemas that refer to themselves (`A: {type: array, items: {$ref: A}}`)
        // would recurse forever; named types stop the recursion, aliases do not.
        if self.depth >= MAX_INLINE_DEPTH {
            self.warnings.push(
                Kind::Unsupported,
                node.loc,
                site.path,
                "schemas inlined into each other too deeply (a reference cycle through \
                 aliases?): the value is imported as `any`",
            );
            return Resolved::new(Ty::builtin("any"));
        }
        self.depth += 1;
        let resolved = self.field_ty_inner(node, site);
        self.depth -= 1;
        resolved
    }

    fn field_ty_inner(&mut self, node: &'a Node, site: Site<'_>) -> Resolved {
        // OpenAPI 3.0 has no `null` type: `anyOf: [X, <a schema only null fits>]` is X, nullable.
        if let Some(member) = only_member_beside_null(node) {
            self.checked.insert(node as *const Node);
            let mut resolved = self.field_ty(member, site);
            resolved.nullable = true;
            self.annotate(&mut resolved, node, site.path);
            return resolved;
        }
        // An inline `oneOf`/`anyOf` of object schemas is a `one_of` type named after its place
        // (its other keys are reported by `one_of_type`).
        if let Some(members) = self.members_of(node) {
            self.checked.insert(node as *const Node);
            let name = self.inline_one_of(node, site, members);
            let mut resolved = Resolved::new(Ty::named(&name));
            self.annotate(&mut resolved, node, site.path);
            return resolved;
        }
        self.check_keys(node, site.path);
        if let Some(target) = node.str_of("$ref") {
            return self.ref_ty(target, node, site);
        }
        if let Some(all_of) = node.get("allOf") {
            return self.all_of_ty(node, all_of, site);
        }
        let mut resolved = if is_string_enum(node) {
            let name = self.inline_enum(node, site);
            let mut r = Resolved::new(Ty::named(&name));
            r.nullable = node
                .get("enum")
                .is_some_and(|e| e.items().iter().any(|v| matches!(v.value, Value::Null)));
            r
        } else {
            self.plain_ty(node, site)
        };
        self.annotate(&mut resolved, node, site.path);
        resolved
    }

    fn ref_ty(&mut self, target: &str, node: &'a Node, site: Site<'_>) -> Resolved {
        let Some(i) = self.resolve_ref(target, node.loc, site.path) else {
            return Resolved::new(Ty::builtin("any"));
        };
        let s = &self.list[i];
        match s.class {
            Class::Object | Class::Enum | Class::OneOf => {
                let mut r = Resolved::new(Ty::named(&s.name));
                r.nullable = s.nullable;
                r
            }
            Class::Empty | Class::Map | Class::Alias | Class::Wrapper(_) => {
                let (n, owner, path) = (s.node, s.name.clone(), s.path.clone());
                let alias_site = Site {
                    owner: &owner,
                    prop: "",
                    suffix: "",
                    path: &path,
                };
                self.field_ty(n, alias_site)
            }
        }
    }

    /// `allOf` in a field: one reference plus annotations is that reference with them;
    /// anything else is an object of its own, named after the field.
    fn all_of_ty(&mut self, node: &'a Node, all_of: &'a Node, site: Site<'_>) -> Resolved {
        let members = all_of.items();
        let refs: Vec<usize> = (0..members.len())
            .filter(|&i| members[i].get("$ref").is_some())
            .collect();
        let annotates_only = node.get("properties").is_none()
            && members.iter().all(|m| {
                m.get("$ref").is_some()
                    || (m.get("properties").is_none()
                        && m.get("allOf").is_none()
                        && m.get("enum").is_none()
                        && m.get("items").is_none())
            });
        let mut resolved = if refs.len() == 1 && annotates_only {
            let path = format!("{}.allOf[{}]", site.path, refs[0]);
            let mut r = self.field_ty(
                &members[refs[0]],
                Site {
                    path: &path,
                    ..site
                },
            );
            for (i, member) in members.iter().enumerate() {
                if i != refs[0] {
                    let path = format!("{}.allOf[{i}]", site.path);
                    self.check_keys(member, &path);
                    self.annotate(&mut r, member, &path);
                }
            }
            r
        } else {
            let name = self.inline_object(node, site);
            Resolved::new(Ty::named(&name))
        };
        self.annotate(&mut resolved, node, site.path);
        resolved
    }

    /// A schema that is neither a reference, an `allOf` nor an enum.
    fn plain_ty(&mut self, node: &'a Node, site: Site<'_>) -> Resolved {
        let has_props = node
            .get("properties")
            .is_some_and(|p| !p.entries().is_empty());
        let ty = match node.get("type").map(|t| &t.value) {
            Some(Value::Str(t)) => t.as_str(),
            None => "",
            Some(_) => {
                self.warnings.push(
                    Kind::Unsupported,
                    node.key_loc("type").unwrap_or(node.loc),
                    &path_key(site.path, "type"),
                    "`type` is not a single name: the value is imported as `any`",
                );
                return Resolved::new(Ty::builtin("any"));
            }
        };
        match ty {
            "string" | "integer" | "number" | "boolean" => {
                if has_props && ty == "string" {
                    self.warnings.push(
                        Kind::StringWithProperties,
                        node.key_loc("properties").unwrap_or(node.loc),
                        &path_key(site.path, "properties"),
                        "`type: string` with `properties` (a list of documented values): \
                         imported as a string, the properties are not imported",
                    );
                }
                let builtin = match ty {
                    "string" => "string",
                    "integer" => "integer",
                    "number" => "number",
                    _ => "boolean",
                };
                if node.get("enum").is_some() && builtin != "string" {
                    self.warnings.push(
                        Kind::Unsupported,
                        node.key_loc("enum").unwrap_or(node.loc),
                        &path_key(site.path, "enum"),
                        format!("an enum of type `{ty}` is not supported: imported as {ty}"),
                    );
                }
                Resolved::new(Ty::builtin(builtin))
            }
            "array" => {
                let items_path = path_key(site.path, "items");
                let Some(items) = node.get("items") else {
                    self.warnings.push(
                        Kind::Unsupported,
                        node.loc,
                        site.path,
                        "an array without `items`: its items are imported as `any`",
                    );
                    return Resolved::new(Ty {
                        kind: TyKind::Array(Box::new(Ty::builtin("any")), false),
                        format: None,
                        c: Constraints::default(),
                    });
                };
                let item_site = Site {
                    suffix: "Item",
                    path: &items_path,
                    ..site
                };
                let item = self.field_ty(items, item_site);
                let item = self.settle(item, items, &items_path);
                // Items are nullable as fields are: inline, or through a reference to a
                // nullable schema. `any` admits null already, and the spec refuses `nullable`
                // on it, so only the inline keyword is worth a word there.
                let is_any = item.ty.kind == TyKind::Builtin("any");
                if is_any && items.flag("nullable") {
                    self.warnings.push(
                        Kind::NullableItem,
                        items.key_loc("nullable").unwrap_or(items.loc),
                        &items_path,
                        "`nullable` on items imported as `any`, which admits null already: \
                         `nullable` dropped",
                    );
                }
                let mut r = Resolved::new(Ty {
                    kind: TyKind::Array(Box::new(item.ty.clone()), item.nullable && !is_any),
                    format: None,
                    c: Constraints::default(),
                });
                for note in item.notes {
                    r.notes.push(Note {
                        kind: note.kind,
                        text: element_note(&note.text, "item"),
                    });
                }
                r
            }
            "object" | "" => {
                if has_props || node.get("allOf").is_some() {
                    if ty.is_empty() {
                        self.warnings.push(
                            Kind::UntypedObject,
                            node.loc,
                            site.path,
                            "`properties` without `type: object`: imported as an object",
                        );
                    }
                    let name = self.inline_object(node, site);
                    Resolved::new(Ty::named(&name))
                } else if let Some(values) = node.get("additionalProperties").filter(|v| v.is_map())
                {
                    let values_path = path_key(site.path, "additionalProperties");
                    let value_site = Site {
                        suffix: "Value",
                        path: &values_path,
                        ..site
                    };
                    let value = self.field_ty(values, value_site);
                    let value = self.settle(value, values, &values_path);
                    let mut r = Resolved::new(Ty {
                        kind: TyKind::Map(Box::new(value.ty.clone()), value.nullable),
                        format: None,
                        c: Constraints::default(),
                    });
                    for note in value.notes {
                        r.notes.push(Note {
                            kind: note.kind,
                            text: element_note(&note.text, "value"),
                        });
                    }
                    r
                } else {
                    Resolved::new(Ty::builtin("any"))
                }
            }
            other => {
                self.warnings.push(
                    Kind::Unsupported,
                    node.key_loc("type").unwrap_or(node.loc),
                    &path_key(site.path, "type"),
                    format!("unknown type `{other}`: the value is imported as `any`"),
                );
                Resolved::new(Ty::builtin("any"))
            }
        }
    }

    /// The name of an inline schema's own type: `Parent` + the property in PascalCase, plus
    /// `Item` or `Value` inside an array or map; a number is added if that name is taken.
    fn inline_name(&mut self, site: Site<'_>) -> String {
        let base = format!("{}{}{}", site.owner, pascal(site.prop), site.suffix);
        let mut name = base.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }

    /// The name of an inline schema's type, and whether it is new (the caller then defines
    /// the type): a schema met twice is one type.
    fn synth_name(&mut self, node: &'a Node, site: Site<'_>) -> (String, bool) {
        if let Some(name) = self.synth.get(&(node as *const Node)) {
            return (name.clone(), false);
        }
        let name = self.inline_name(site);
        self.synth.insert(node as *const Node, name.clone());
        (name, true)
    }

    fn inline_enum(&mut self, node: &'a Node, site: Site<'_>) -> String {
        let (name, new) = self.synth_name(node, site);
        if !new {
            return name;
        }
        let mut def = self.enum_type(&name, node, site.path, node.loc);
        // The field carries the description; the enum's own docs say where it is from.
        def.docs = Some(format!("The values of {}.", site.label()));
        self.push(def, node.loc, None);
        name
    }

    fn inline_one_of(
        &mut self,
        node: &'a Node,
        site: Site<'_>,
        members: Vec<Member<'a>>,
    ) -> String {
        let (name, new) = self.synth_name(node, site);
        if !new {
            return name;
        }
        let mut def = self.one_of_type(&name, node, site.path, members);
        // The field carries the description; the type's own docs say where it is from.
        def.docs = Some(format!("One of the types of {}.", site.label()));
        self.push(def, node.loc, None);
        name
    }

    fn inline_object(&mut self, node: &'a Node, site: Site<'_>) -> String {
        let (name, new) = self.synth_name(node, site);
        if !new {
            return name;
        }
        let mut def = self.object_type(&name, node, site.path);
        def.docs = def
            .docs
            .or_else(|| Some(format!("The object of {}.", site.label())));
        self.push(def, node.loc, None);
        name
    }

    /// Applies what a schema node says about its value on top of what its reference said:
    /// the node's description, nullability, format and constraints win.
    fn annotate(&mut self, r: &mut Resolved, node: &'a Node, path: &str) {
        if let Some(docs) = node.str_of("description").and_then(clean_docs) {
            r.docs = Some(docs);
        }
        if node.flag("nullable") {
            r.nullable = true;
        }
        if node.flag("deprecated") {
            r.deprecated = true;
        }
        // A binary string is a file: it travels as a part of a multipart request.
        if node.str_of("format") == Some("binary") && r.ty.kind == TyKind::Builtin("string") {
            r.ty = Ty::builtin("file");
        } else if let Some(format) = node.str_of("format") {
            let kind = &r.ty.kind;
            let checked = match kind {
                TyKind::Builtin("string") => CHECKED_STRING_FORMATS.contains(&format),
                TyKind::Builtin("number") => matches!(format, "double" | "float"),
                TyKind::Builtin("integer") => matches!(format, "int32" | "int64"),
                _ => false,
            };
            if checked {
                r.ty.format = Some(format.to_owned());
            } else {
                r.note(NoteKind::Format, format!("Format: `{format}`."));
            }
        }
        let is =
            |kind: &TyKind, names: &[&str]| matches!(kind, TyKind::Builtin(b) if names.contains(b));
        for (key, value) in node.entries() {
            let k = key.name.as_str();
            let at = || path_key(path, k);
            let applies = match k {
                "minLength" | "maxLength" | "pattern" => is(&r.ty.kind, &["string"]),
                "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" => {
                    is(&r.ty.kind, &["integer", "number"])
                }
                "minItems" | "maxItems" | "uniqueItems" => matches!(r.ty.kind, TyKind::Array(..)),
                _ => continue,
            };
            let shown = value.scalar_text().unwrap_or_default();
            if !applies {
                self.warnings.push(
                    Kind::Constraint,
                    key.loc,
                    &at(),
                    format!(
                        "`{k}: {shown}` does not apply to {}: ignored",
                        describe(&r.ty)
                    ),
                );
                continue;
            }
            let c = &mut r.ty.c;
            match k {
                "minLength" => c.min_length = value.as_u64(),
                "maxLength" => c.max_length = value.as_u64(),
                "minItems" => c.min_items = value.as_u64(),
                "maxItems" => c.max_items = value.as_u64(),
                "uniqueItems" => c.unique_items = value.as_bool() == Some(true),
                "minimum" => c.minimum = value.as_f64(),
                "maximum" => c.maximum = value.as_f64(),
                "pattern" => match regex_lite::Regex::new(&shown) {
                    Ok(_) => c.pattern = Some(shown),
                    Err(_) => {
                        self.warnings.push(
                            Kind::Constraint,
                            key.loc,
                            &at(),
                            "the pattern is not a regular expression the generator reads: \
                             documented only",
                        );
                        r.note(NoteKind::Pattern, format!("Pattern: `{shown}`."));
                    }
                },
                // OpenAPI 3.0 spells an exclusive bound `exclusiveMinimum: true` beside
                // `minimum`; false is the default and says nothing.
                _ => {
                    if value.as_bool() != Some(false) {
                        self.warnings.push(
                            Kind::Constraint,
                            key.loc,
                            &at(),
                            format!(
                                "`{k}: {shown}` has no spec key: the bound is imported as \
                                 inclusive and the exclusion documented"
                            ),
                        );
                        r.note(
                            NoteKind::Bound,
                            format!("The bound is exclusive (`{k}: {shown}`)."),
                        );
                    }
                }
            }
        }
        for (key, text) in [
            ("maxProperties", "At most {} entries."),
            ("minProperties", "At least {} entries."),
        ] {
            if let Some(n) = node.get(key).and_then(Node::as_u64) {
                r.note(NoteKind::Entries, text.replace("{}", &n.to_string()));
            }
        }
        if node.flag("readOnly") {
            r.note(
                NoteKind::ReadOnly,
                "Read-only: returned by the API, not sent.".to_owned(),
            );
        }
        if node.flag("writeOnly") {
            r.note(
                NoteKind::WriteOnly,
                "Write-only: sent to the API, never returned.".to_owned(),
            );
        }
        r.value_notes(node);
    }

    /// Drops contradictory constraints (the generator refuses them) with a warning.
    pub fn settle(&mut self, mut r: Resolved, node: &Node, path: &str) -> Resolved {
        let c = &mut r.ty.c;
        let drop = |low: &str, high: &str, warnings: &mut Warnings| {
            warnings.push(
                Kind::Constraint,
                node.loc,
                path,
                format!("contradictory constraints `{low}` and `{high}`: both dropped"),
            );
        };
        if let (Some(a), Some(b)) = (c.min_length, c.max_length)
            && a > b
        {
            drop("minLength", "maxLength", &mut self.warnings);
            c.min_length = None;
            c.max_length = None;
        }
        if let (Some(a), Some(b)) = (c.min_items, c.max_items)
            && a > b
        {
            drop("minItems", "maxItems", &mut self.warnings);
            c.min_items = None;
            c.max_items = None;
        }
        if let (Some(a), Some(b)) = (c.minimum, c.maximum)
            && a > b
        {
            drop("minimum", "maximum", &mut self.warnings);
            c.minimum = None;
            c.maximum = None;
        }
        r
    }
}

/// Whether two definitions of a property differ at most in what they document (an `allOf`
/// extension that rewords a base property's description is no conflict).
fn same_but_docs(a: &Node, b: &Node) -> bool {
    const DOCS: &[&str] = &["description", "example", "title", "x-hidden-from-docs"];
    let strip = |n: &Node| {
        let mut json = n.to_json();
        if let Some(map) = json.as_object_mut() {
            map.retain(|k, _| !DOCS.contains(&k.as_str()));
        }
        json
    };
    std::ptr::eq(a, b) || strip(a) == strip(b)
}

/// A note of an array's items or a map's values, said of the field: "Example: `x`." ->
/// "Example item: `x`.", "Format: `uuid`." -> "Item format: `uuid`.".
fn element_note(text: &str, element: &str) -> String {
    match text.split_once(": ") {
        Some((label @ ("Example" | "Default"), rest)) => format!("{label} {element}: {rest}"),
        Some((label, rest)) if !label.contains(' ') => {
            let mut capital = element.to_owned();
            capital[..1].make_ascii_uppercase();
            format!("{capital} {}: {rest}", label.to_lowercase())
        }
        _ => format!("Each {element}: {text}"),
    }
}

fn describe(ty: &Ty) -> String {
    match &ty.kind {
        TyKind::Builtin(b) => (*b).to_owned(),
        TyKind::Named(n) => format!("`{n}`"),
        TyKind::Array(..) => "an array".to_owned(),
        TyKind::Map(..) => "a map".to_owned(),
    }
}

fn required_names(node: &Node) -> Vec<&str> {
    node.get("required")
        .map(|r| r.items().iter().filter_map(Node::as_str).collect())
        .unwrap_or_default()
}

/// An enum the spec can hold: string values (or scalars meant as strings), at least one
/// besides null.
pub fn is_string_enum(node: &Node) -> bool {
    let Some(values) = node.get("enum") else {
        return false;
    };
    matches!(node.str_of("type"), None | Some("string"))
        && values.items().iter().any(|v| {
            matches!(
                v.value,
                Value::Str(_) | Value::Int(_) | Value::UInt(_) | Value::Float(_) | Value::Bool(_)
            )
        })
}
