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

/// The string rules of one field, as the spec states them. The generated code builds them
/// once, as a `static`, with the `const` methods below.
pub struct StringRules {
    min_length: ::std::option::Option<usize>,
    max_length: ::std::option::Option<usize>,
    non_blank: bool,
    has_letter: bool,
    pattern: ::std::option::Option<Pattern>,
    format: ::std::option::Option<Format>,
}

impl StringRules {
    pub const fn new() -> Self {
        Self {
            min_length: ::std::option::Option::None,
            max_length: ::std::option::Option::None,
            non_blank: false,
            has_letter: false,
            pattern: ::std::option::Option::None,
            format: ::std::option::Option::None,
        }
    }

    pub const fn min_length(mut self, characters: usize) -> Self {
        self.min_length = ::std::option::Option::Some(characters);
        self
    }

    pub const fn max_length(mut self, characters: usize) -> Self {
        self.max_length = ::std::option::Option::Some(characters);
        self
    }

    /// At least one non-whitespace character.
    pub const fn non_blank(mut self) -> Self {
        self.non_blank = true;
        self
    }

    /// At least one letter.
    pub const fn has_letter(mut self) -> Self {
        self.has_letter = true;
        self
    }

    pub const fn pattern(mut self, source: &'static str) -> Self {
        // A plain assignment would drop the previous value, which a `const fn` may not do for
        // a type with a destructor; the previous value is always `None`, so nothing leaks.
        ::std::mem::forget(self.pattern.replace(Pattern::new(source)));
        self
    }

    pub const fn format(mut self, format: Format) -> Self {
        self.format = ::std::option::Option::Some(format);
        self
    }
}

impl ::std::default::Default for StringRules {
    fn default() -> Self {
        Self::new()
    }
}

/// A field's value whatever its presence: required (`T`), optional (`Option<T>`), or optional
/// and nullable (`Nullable<T>`). The checks below run only when there is a value, so the
/// generated code calls them the same way for every field.
pub trait Present {
    type Value: ?Sized;

    fn present(&self) -> ::std::option::Option<&Self::Value>;
}

impl Present for ::std::string::String {
    type Value = str;

    fn present(&self) -> ::std::option::Option<&str> {
        ::std::option::Option::Some(self)
    }
}

impl Present for i64 {
    type Value = i64;

    fn present(&self) -> ::std::option::Option<&i64> {
        ::std::option::Option::Some(self)
    }
}

impl Present for f64 {
    type Value = f64;

    fn present(&self) -> ::std::option::Option<&f64> {
        ::std::option::Option::Some(self)
    }
}

impl<T> Present for ::std::vec::Vec<T> {
    type Value = [T];

    fn present(&self) -> ::std::option::Option<&[T]> {
        ::std::option::Option::Some(self)
    }
}

impl<T: Present> Present for ::std::option::Option<T> {
    type Value = T::Value;

    fn present(&self) -> ::std::option::Option<&T::Value> {
        self.as_ref().and_then(Present::present)
    }
}

impl<T: Present> Present for crate::runtime::Nullable<T> {
    type Value = T::Value;

    fn present(&self) -> ::std::option::Option<&T::Value> {
        self.value().and_then(Present::present)
    }
}

/// A number the spec can bound, compared as `f64` (exact for integers up to 2^53).
pub trait Numeric: Copy {
    fn to_f64(self) -> f64;
}

impl Numeric for i64 {
    fn to_f64(self) -> f64 {
        self as f64
    }
}

impl Numeric for f64 {
    fn to_f64(self) -> f64 {
        self
    }
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

/// The fields of one object being checked: each method checks the named field, at the
/// object's path plus the field's wire name, and records what it violates. The generated
/// `validate_at` is one call per constrained field.
pub struct Fields<'a, 'o> {
    at: Path<'a>,
    out: &'o mut ::std::vec::Vec<Violation>,
}

impl<'a, 'o> Fields<'a, 'o> {
    pub fn new(at: Path<'a>, out: &'o mut ::std::vec::Vec<Violation>) -> Self {
        Self { at, out }
    }

    /// The object's path and the violations so far, for checks that reach below one field.
    pub fn parts(&mut self) -> (Path<'a>, &mut ::std::vec::Vec<Violation>) {
        (self.at, self.out)
    }

    pub fn string(&mut self, name: &str, value: &impl Present<Value = str>, rules: &StringRules) {
        string(self.out, self.at.field(name), value, rules);
    }

    pub fn format(&mut self, name: &str, value: &impl Present<Value = str>, format: Format) {
        self::format(self.out, self.at.field(name), value, format);
    }

    pub fn each_string(&mut self, name: &str, values: &impl Present<Value = [::std::string::String]>, rules: &StringRules) {
        each_string(self.out, self.at.field(name), values, rules);
    }

    pub fn number<V: Present<Value: Numeric>>(&mut self, name: &str, value: &V, minimum: ::std::option::Option<f64>, maximum: ::std::option::Option<f64>) {
        number(self.out, self.at.field(name), value, minimum, maximum);
    }

    pub fn items<T: PartialEq>(
        &mut self,
        name: &str,
        values: &impl Present<Value = [T]>,
        min_items: ::std::option::Option<usize>,
        max_items: ::std::option::Option<usize>,
        unique: bool,
    ) {
        items(self.out, self.at.field(name), values, min_items, max_items, unique);
    }

    /// A field whose type has rules of its own (an object, an enum, or an array of them).
    pub fn nested(&mut self, name: &str, value: &impl Validate) {
        nested(self.out, self.at.field(name), value);
    }

    /// A cross-field rule: at least one of the listed fields has a value.
    pub fn one_of_required(&mut self, any_present: bool, message: &'static str) {
        if !any_present {
            self.at.violation(self.out, "one_of_required", message.into());
        }
    }
}

/// Checks a value whose type has rules of its own.
pub fn nested(out: &mut ::std::vec::Vec<Violation>, at: Path<'_>, value: &impl Validate) {
    value.validate_at(at, out);
}

/// Checks a string field, when it has a value, against its rules. Lengths count characters,
/// not bytes.
pub fn string(out: &mut ::std::vec::Vec<Violation>, at: Path<'_>, value: &impl Present<Value = str>, rules: &StringRules) {
    if let ::std::option::Option::Some(value) = value.present() {
        check_string(out, at, value, rules);
    }
}

/// Checks a string field whose only rule is its format, when it has a value.
pub fn format(out: &mut ::std::vec::Vec<Violation>, at: Path<'_>, value: &impl Present<Value = str>, format: Format) {
    if let ::std::option::Option::Some(value) = value.present() {
        check_format(out, at, value, format);
    }
}

fn check_format(out: &mut ::std::vec::Vec<Violation>, at: Path<'_>, value: &str, format: Format) {
    if !format.check(value) {
        at.violation(out, format.rule(), ::std::format!("must be {}", format.expected()));
    }
}

/// Checks every item of an array of strings against the items' rules.
pub fn each_string(out: &mut ::std::vec::Vec<Violation>, at: Path<'_>, values: &impl Present<Value = [::std::string::String]>, rules: &StringRules) {
    for (i, value) in values.present().unwrap_or_default().iter().enumerate() {
        check_string(out, at.index(i), value, rules);
    }
}

fn check_string(out: &mut ::std::vec::Vec<Violation>, at: Path<'_>, value: &str, rules: &StringRules) {
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
    if let ::std::option::Option::Some(pattern) = &rules.pattern
        && !pattern.is_match(value)
    {
        at.violation(out, "pattern", ::std::format!("must match the pattern `{}`", pattern.source));
    }
    if let ::std::option::Option::Some(format) = rules.format {
        check_format(out, at, value, format);
    }
}

/// Checks a number field, when it has a value, against its bounds.
pub fn number<V: Present<Value: Numeric>>(
    out: &mut ::std::vec::Vec<Violation>,
    at: Path<'_>,
    value: &V,
    minimum: ::std::option::Option<f64>,
    maximum: ::std::option::Option<f64>,
) {
    let ::std::option::Option::Some(value) = value.present() else {
        return;
    };
    let value = value.to_f64();
    if let ::std::option::Option::Some(min) = minimum.filter(|&min| value < min) {
        at.violation(out, "minimum", ::std::format!("must be at least {min}, got {value}"));
    }
    if let ::std::option::Option::Some(max) = maximum.filter(|&max| value > max) {
        at.violation(out, "maximum", ::std::format!("must be at most {max}, got {value}"));
    }
}

/// Checks an array field's length, when it has a value, and, when asked, that no item repeats.
pub fn items<T: PartialEq>(
    out: &mut ::std::vec::Vec<Violation>,
    at: Path<'_>,
    values: &impl Present<Value = [T]>,
    min_items: ::std::option::Option<usize>,
    max_items: ::std::option::Option<usize>,
    unique: bool,
) {
    let ::std::option::Option::Some(values) = values.present() else {
        return;
    };
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
pub fn known_enum_value<E>(out: &mut ::std::vec::Vec<Violation>, at: Path<'_>, is_unknown: bool, known: &[(E, &str)]) {
    if is_unknown {
        at.violation(out, "enum", ::std::format!("must be one of the {} documented values ({})", known.len(), preview(known)));
    }
}

fn preview<E>(known: &[(E, &str)]) -> ::std::string::String {
    let shown: ::std::vec::Vec<&str> = known.iter().take(5).map(|(_, wire)| *wire).collect();
    if known.len() > shown.len() {
        ::std::format!("{}, ...", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
