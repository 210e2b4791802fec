//! The intermediate model: a checked spec with every name settled, ready to emit.

use crate::diag::Place;

#[derive(Debug)]
pub struct Model {
    pub api: Api,
    /// One module per spec file, in file-name order.
    pub modules: Vec<Module>,
    pub operations: Vec<Operation>,
}

impl Model {
    pub fn types(&self) -> impl Iterator<Item = &TypeDef> {
        self.modules.iter().flat_map(|m| &m.types)
    }

    pub fn find_type(&self, name: &str) -> Option<&TypeDef> {
        self.types().find(|t| t.name == name)
    }

    /// The module (spec file stem) a type is defined in.
    pub fn module_of(&self, name: &str) -> Option<&str> {
        self.modules
            .iter()
            .find(|m| m.types.iter().any(|t| t.name == name))
            .map(|m| m.name.as_str())
    }
}

#[derive(Debug)]
pub struct Api {
    pub title: String,
    pub version: String,
    pub error: Option<String>,
    /// The error's one-line summary: literal text and field names, in order.
    pub error_summary: Vec<SummaryPart>,
    /// The wire name of the field that carries the request id.
    pub request_id: Option<String>,
    /// The error type's fields a server fills in when it builds an error.
    pub error_fields: Option<crate::spec::ErrorFields>,
    /// Environment name and base URL, in spec order.
    pub servers: Vec<(String, String)>,
    pub docs: String,
    pub place: Place,
}

#[derive(Debug, PartialEq, Eq)]
pub enum SummaryPart {
    Text(String),
    Field(String),
}

#[derive(Debug)]
pub struct Module {
    /// The spec file's stem (`user` for `spec/user.yaml`): the Rust module name.
    pub name: String,
    /// The spec file as reported (`spec/user.yaml`).
    pub source: String,
    pub types: Vec<TypeDef>,
}

#[derive(Debug)]
pub struct Operation {
    /// The spec's operation id (`user_create`), also the Rust method name.
    pub id: String,
    pub path: String,
    pub method: String,
    pub summary: String,
    pub docs: String,
    pub request: String,
    pub response: String,
    /// Safe to send twice: the client may retry it after a 5xx or a timeout.
    pub idempotent: bool,
}

#[derive(Debug)]
pub struct TypeDef {
    /// The spec name, which is also the Rust identifier (`UserCreateRequest`).
    pub name: String,
    pub docs: String,
    pub kind: TypeKind,
    pub examples: Vec<Example>,
    pub place: Place,
}

#[derive(Debug)]
pub enum TypeKind {
    Object(Object),
    Enum(Enum),
}

#[derive(Debug)]
pub struct Example {
    pub value: serde_json::Value,
    pub place: Place,
}

#[derive(Debug)]
pub struct Object {
    pub fields: Vec<Field>,
    pub rules: Vec<Rule>,
}

#[derive(Debug)]
pub struct Field {
    pub wire: String,
    pub ident: String,
    pub docs: String,
    pub required: bool,
    pub nullable: bool,
    pub sensitive: bool,
    pub ty: Ty,
    pub place: Place,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Ty {
    pub kind: TyKind,
    pub constraints: Constraints,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TyKind {
    String,
    Integer,
    Number,
    Boolean,
    Any,
    Array(Box<Ty>),
    Named(String),
}

impl TyKind {
    pub const BUILTINS: [&'static str; 6] =
        ["string", "integer", "number", "boolean", "any", "array"];

    pub fn describe(&self) -> String {
        match self {
            Self::String => "string".into(),
            Self::Integer => "integer".into(),
            Self::Number => "number".into(),
            Self::Boolean => "boolean".into(),
            Self::Any => "any".into(),
            Self::Array(item) => format!("array of {}", item.kind.describe()),
            Self::Named(name) => format!("`{name}`"),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Constraints {
    pub format: Option<Format>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<String>,
    pub non_blank: bool,
    pub has_letter: bool,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub unique_items: bool,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Date,
    DateTime,
    Email,
    E164,
    Ip,
    Ipv4,
    Ipv6,
    CountryCode,
    UsBankAccountNumber,
    Url,
}

impl Format {
    pub const ALL: [(&'static str, Format); 10] = [
        ("date", Format::Date),
        ("date-time", Format::DateTime),
        ("email", Format::Email),
        ("e164", Format::E164),
        ("ip", Format::Ip),
        ("ipv4", Format::Ipv4),
        ("ipv6", Format::Ipv6),
        ("country_code", Format::CountryCode),
        ("us_bank_account_number", Format::UsBankAccountNumber),
        ("url", Format::Url),
    ];

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
    }

    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, f)| *f == self)
            .map_or("", |(n, _)| n)
    }

    /// How the format reads in documentation.
    pub fn describe(self) -> &'static str {
        match self {
            Format::Date => "a calendar date, `YYYY-MM-DD`",
            Format::DateTime => "an RFC 3339 date-time",
            Format::Email => "an email address",
            Format::E164 => "a phone number in E.164 format",
            Format::Ip => "an IPv4 or IPv6 address",
            Format::Ipv4 => "an IPv4 address",
            Format::Ipv6 => "an IPv6 address",
            Format::CountryCode => "an ISO 3166-1 alpha-2 country code",
            Format::UsBankAccountNumber => "a US bank account number",
            Format::Url => "a URL",
        }
    }
}

#[derive(Debug)]
pub struct Enum {
    pub values: Vec<EnumValue>,
}

#[derive(Debug)]
pub struct EnumValue {
    pub wire: String,
    pub ident: String,
    pub docs: String,
}

/// A rule over several fields of one object.
#[derive(Debug)]
pub struct Rule {
    pub kind: RuleKind,
    pub docs: String,
    pub place: Place,
}

#[derive(Debug)]
pub enum RuleKind {
    /// At least one of these fields is present and not null.
    OneOfRequired(Vec<String>),
    /// `field` (a dotted path) passes `check` whenever `when` holds (or always).
    Require {
        when: Option<Condition>,
        field: Vec<String>,
        check: Check,
    },
}

#[derive(Debug)]
pub struct Condition {
    pub field: Vec<String>,
    pub equals: String,
}

#[derive(Debug)]
pub enum Check {
    Equals(String),
    Constraints(Constraints),
}
