//! Request validation: the rules the docs state, checked before a request leaves the process.
//!
//! Every violation is collected, not only the first, each with the wire path of the value, a
//! stable rule code and a message that quotes the limit. Messages never repeat the value, so
//! a secret or a personal number cannot leak through an error. Validating a valid request
//! allocates nothing: paths are built on the stack and rendered only for a violation.

use ::std::fmt;

use crate::formats;

/// Checks a value against every rule the spec states for it.
pub trait Validate {
    /// Every violated rule, or `Ok(())` when there is none.
    fn validate(&self) -> ::std::result::Result<(), ValidationErrors> {
        let mut violations = ::std::vec::Vec::new();
        self.validate_at(Path::ROOT, &mut violations);
        if violations.is_empty() {
            ::std::result::Result::Ok(())
        } else {
            ::std::result::Result::Err(ValidationErrors { violations })
        }
    }

    /// Adds the violations of `self`, found at `at`, to `out`. Called by the generated code
    /// of the enclosing type; call [`Validate::validate`] instead.
    fn validate_at(&self, at: Path<'_>, out: &mut ::std::vec::Vec<Violation>);
}

impl<T: Validate> Validate for ::std::option::Option<T> {
    fn validate_at(&self, at: Path<'_>, out: &mut ::std::vec::Vec<Violation>) {
        if let ::std::option::Option::Some(value) = self {
            value.validate_at(at, out);
        }
    }
}

impl<T: Validate> Validate for crate::runtime::Nullable<T> {
    fn validate_at(&self, at: Path<'_>, out: &mut ::std::vec::Vec<Violation>) {
        if let ::std::option::Option::Some(value) = self.value() {
            value.validate_at(at, out);
        }
    }
}

impl<T: Validate> Validate for ::std::boxed::Box<T> {
    fn validate_at(&self, at: Path<'_>, out: &mut ::std::vec::Vec<Violation>) {
        (**self).validate_at(at, out);
    }
}

impl<T: Validate> Validate for ::std::vec::Vec<T> {
    fn validate_at(&self, at: Path<'_>, out: &mut ::std::vec::Vec<Violation>) {
        for (i, item) in self.iter().enumerate() {
            item.validate_at(at.index(i), out);
        }
    }
}

/// One violated rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The wire path of the value: `user.address.postal_code`, `access_tokens[50]`; empty for
    /// a rule on the request as a whole.
    pub path: ::std::string::String,
    /// A stable, machine-readable rule code: `min_length`, `pattern`, `format.email`,
    /// `one_of_required`, ...
    pub rule: &'static str,
    /// What is wrong, quoting the limit; never the value itself.
    pub message: ::std::string::String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() { "(request)" } else { &self.path };
        write!(f, "{path}: {} [{}]", self.message, self.rule)
    }
}

/// Every rule a value violates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationErrors {
    violations: ::std::vec::Vec<Violation>,
}

impl ValidationErrors {
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    pub fn into_violations(self) -> ::std::vec::Vec<Violation> {
        self.violations
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.violations.len();
        write!(f, "invalid request: {n} rule{} violated", if n == 1 { "" } else { "s" })?;
        for violation in &self.violations {
            write!(f, "\n  {violation}")?;
        }
        ::std::result::Result::Ok(())
    }
}

impl ::std::error::Error for ValidationErrors {}

/// Where a value sits in the request, as a chain of stack frames.
#[derive(Clone, Copy, Debug)]
pub struct Path<'a> {
    parent: ::std::option::Option<&'a Path<'a>>,
    segment: Segment<'a>,
}

#[derive(Clone, Copy, Debug)]
enum Segment<'a> {
    Root,
    Field(&'a str),
    Index(usize),
}

impl<'a> Path<'a> {
    pub const ROOT: Path<'static> = Path { parent: ::std::option::Option::None, segment: Segment::Root };

    pub fn field(&'a self, name: &'a str) -> Path<'a> {
        Path { parent: ::std::option::Option::Some(self), segment: Segment::Field(name) }
    }

    pub fn index(&'a self, index: usize) -> Path<'a> {
        Path { parent: ::std::option::Option::Some(self), segment: Segment::Index(index) }
    }

    fn render(&self) -> ::std::string::String {
        let mut segments = ::std::vec::Vec::new();
        let mut current = ::std::option::Option::Some(self);
        while let ::std::option::Option::Some(path) = current {
            segments.push(path.segment);
            current = path.parent;
        }
        let mut rendered = ::std::string::String::new();
        for segment in segments.iter().rev() {
            match segment {
                Segment::Root => {}
                Segment::Field(name) if rendered.is_empty() => rendered.push_str(name),
                Segment::Field(name) => {
                    rendered.push('.');
                    rendered.push_str(name);
                }
                Segment::Index(i) => rendered.push_str(&::std::format!("[{i}]")),
            }
        }
        rendered
    }

    /// Records a violation at this path.
    pub fn violation(&self, out: &mut ::std::vec::Vec<Violation>, rule: &'static str, message: ::std::string::String) {
        out.push(Violation { path: self.render(), rule, message });
    }
}

/// A spec pattern, compiled on first use and then shared.
pub struct Pattern {
    source: &'static str,
    compiled: ::std::sync::OnceLock<::std::option::Option<::regex_lite::Regex>>,
}

impl Pattern {
    pub const fn new(source: &'static str) -> Self {
        Self { source, compiled: ::std::sync::OnceLock::new() }
    }

    fn is_match(&self, value: &str) -> bool {
        // The generator compiled the pattern already, so `None` cannot happen; were it to,
        // every value is rejected rather than let through unchecked.
        let compiled = self.compiled.get_or_init(|| ::regex_lite::Regex::new(self.source).ok());
        compiled.as_ref().is_some_and(|re| re.is_match(value))
    }
}

/// The string rules of one field, as the spec states them.
#[derive(Clone, Copy, Default)]
pub struct StringRules {
    pub min_length: ::std::option::Option<usize>,
    pub max_length: ::std::option::Option<usize>,
    pub non_blank: bool,
    pub has_letter: bool,
    pub pattern: ::std::option::Option<&'static Pattern>,
    pub format: ::std::option::Option<Format>,
}

impl StringRules {
    pub const NONE: Self = Self {
        min_length: ::std::option::Option::None,
        max_length: ::std::option::Option::None,
        non_blank: false,
        has_letter: false,
        pattern: ::std::option::Option::None,
        format: ::std::option::Option::None,
    };
}

/// The string formats the spec can name.
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
    fn check(self, value: &str) -> bool {
        match self {
            Format::Date => formats::is_date(value),
            Format::DateTime => formats::is_date_time(value),
            Format::Email => formats::is_email(value),
            Format::E164 => formats::is_e164(value),
            Format::Ip => formats::is_ip(value),
            Format::Ipv4 => formats::is_ipv4(value),
            Format::Ipv6 => formats::is_ipv6(value),
            Format::CountryCode => formats::is_country_code(value),
            Format::UsBankAccountNumber => formats::is_us_bank_account_number(value),
            Format::Url => formats::is_url(value),
        }
    }

    fn rule(self) -> &'static str {
        match self {
            Format::Date => "format.date",
            Format::DateTime => "format.date_time",
            Format::Email => "format.email",
            Format::E164 => "format.e164",
            Format::Ip => "format.ip",
            Format::Ipv4 => "format.ipv4",
            Format::Ipv6 => "format.ipv6",
            Format::CountryCode => "format.country_code",
            Format::UsBankAccountNumber => "format.us_bank_account_number",
            Format::Url => "format.url",
        }
    }

    fn expected(self) -> &'static str {
        match self {
            Format::Date => "a real calendar date written YYYY-MM-DD",
            Format::DateTime => "an RFC 3339 date-time such as 2024-01-31T12:00:00Z",
            Format::Email => "an RFC 3696 email address without surrounding spaces",
            Format::E164 => "an E.164 phone number such as +14155550123",
            Format::Ip => "an IPv4 or IPv6 address",
            Format::Ipv4 => "an IPv4 address",
            Format::Ipv6 => "an IPv6 address",
            Format::CountryCode => "an assigned ISO 3166-1 alpha-2 country code in capitals, such as US",
            Format::UsBankAccountNumber => "a US bank account number of 4 to 17 digits",
            Format::Url => "an http or https URL",
        }
    }
}

/// Checks a string against its rules. Lengths count characters, not bytes.
pub fn string(out: &mut ::std::vec::Vec<Violation>, at: Path<'_>, value: &str, rules: &StringRules) {
    if rules.min_length.is_some() || rules.max_length.is_some() {
        let length = value.chars().count();
        if let ::std::option::Option::Some(min) = rules.min_length.filter(|&min| length < min) {
            at.violation(out, "min_length", ::std::format!("must be at least {min} character{}, got {length}", plural(min)));
        }
        if let ::std::option::Option::Some(max) = rules.max_length.filter(|&max| length > max) {
            at.violation(out, "max_length", ::std::format!("must be at most {max} character{}, got {length}", plural(max)));
        }
    }
    if rules.non_blank && value.trim().is_empty() {
        at.violation(out, "non_blank", "must contain at least one non-whitespace character".into());
    }
    if rules.has_letter && !value.chars().any(char::is_alphabetic) {
        at.violation(out, "has_letter", "must contain at least one letter".into());
    }
    if let ::std::option::Option::Some(pattern) = rules.pattern
        && !pattern.is_match(value)
    {
        at.violation(out, "pattern", ::std::format!("must match the pattern `{}`", pattern.source));
    }
    if let ::std::option::Option::Some(format) = rules.format
        && !format.check(value)
    {
        at.violation(out, format.rule(), ::std::format!("must be {}", format.expected()));
    }
}

/// Checks a number against its bounds.
pub fn number(
    out: &mut ::std::vec::Vec<Violation>,
    at: Path<'_>,
    value: f64,
    minimum: ::std::option::Option<f64>,
    maximum: ::std::option::Option<f64>,
) {
    if let ::std::option::Option::Some(min) = minimum.filter(|&min| value < min) {
        at.violation(out, "minimum", ::std::format!("must be at least {min}, got {value}"));
    }
    if let ::std::option::Option::Some(max) = maximum.filter(|&max| value > max) {
        at.violation(out, "maximum", ::std::format!("must be at most {max}, got {value}"));
    }
}

/// Checks an array's length and, when asked, that no item repeats.
pub fn items<T: PartialEq>(
    out: &mut ::std::vec::Vec<Violation>,
    at: Path<'_>,
    values: &[T],
    min_items: ::std::option::Option<usize>,
    max_items: ::std::option::Option<usize>,
    unique: bool,
) {
    let count = values.len();
    if let ::std::option::Option::Some(min) = min_items.filter(|&min| count < min) {
        at.violation(out, "min_items", ::std::format!("must have at least {min} item{}, got {count}", plural(min)));
    }
    if let ::std::option::Option::Some(max) = max_items.filter(|&max| count > max) {
        at.violation(out, "max_items", ::std::format!("must have at most {max} item{}, got {count}", plural(max)));
    }
    if unique {
        // Quadratic, but allocation-free; arrays in requests are short (the docs cap them).
        if let ::std::option::Option::Some((later, earlier)) =
            (0..count).find_map(|i| values[..i].iter().position(|v| *v == values[i]).map(|j| (i, j)))
        {
            at.violation(out, "unique_items", ::std::format!("items must be unique; item [{later}] repeats item [{earlier}]"));
        }
    }
}

/// Checks that an enum value in a request is one this crate knows: the server rejects the
/// rest, so they are reported before the request is sent.
pub fn known_enum_value<E: fmt::Display>(out: &mut ::std::vec::Vec<Violation>, at: Path<'_>, is_unknown: bool, known: &[E]) {
    if is_unknown {
        at.violation(out, "enum", ::std::format!("must be one of the {} documented values ({})", known.len(), preview(known)));
    }
}

fn preview<E: fmt::Display>(known: &[E]) -> ::std::string::String {
    let shown: ::std::vec::Vec<::std::string::String> = known.iter().take(5).map(::std::string::ToString::to_string).collect();
    if known.len() > shown.len() {
        ::std::format!("{}, ...", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
