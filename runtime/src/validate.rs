//! Validation: the rules a spec states, checked before a request leaves the process.
//!
//! Every violation is collected, not only the first, each with the wire path of the value, a
//! stable rule code and a message that quotes the limit. Messages never repeat the value, so
//! a secret or a personal number cannot leak through an error. Validating a valid value
//! allocates nothing: paths are built on the stack and rendered only for a violation.
//!
//! Generated `validate_at` methods are one call per constrained field on [`Fields`]; the free
//! functions do the same for the items of an array and the values of a map.
//!
//! ```
//! use specgen_runtime::validate::{self, Path, StringRules, Validate, Violation};
//!
//! struct User {
//!     name: String,
//!     email: Option<String>,
//! }
//!
//! impl Validate for User {
//!     fn validate_at(&self, at: Path<'_>, out: &mut Vec<Violation>) {
//!         static NAME: StringRules = StringRules::new().min_length(1).max_length(5);
//!         let mut check = validate::Fields::new(at, out);
//!         check.string("name", &self.name, &NAME);
//!         check.format("email", &self.email, validate::Format::Email);
//!     }
//! }
//!
//! let user = User { name: "Carmen Berzatto".into(), email: Some("carmy".into()) };
//! let errors = user.validate().unwrap_err();
//! assert_eq!(
//!     errors.to_string(),
//!     "invalid request: 2 rules violated\n  \
//!      name: must be at most 5 characters, got 15 [max_length]\n  \
//!      email: must be an RFC 5321 email address such as user@example.com [format.email]"
//! );
//! ```

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::sync::OnceLock;

use regex_lite::Regex;

use crate::Nullable;
pub use crate::formats::Format;

/// Checks a value against every rule the spec states for it.
pub trait Validate {
    /// Every violated rule, or `Ok(())` when there is none.
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut violations = Vec::new();
        self.validate_at(Path::ROOT, &mut violations);
        if violations.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors { violations })
        }
    }

    /// Adds the violations of `self`, found at `at`, to `out`. Called by the generated code
    /// of the enclosing type; call [`Validate::validate`] instead. The default finds nothing:
    /// the impl of a type with no rule is empty.
    fn validate_at(&self, at: Path<'_>, out: &mut Vec<Violation>) {
        let _ = (at, out);
    }
}

/// `impl Validate` for types the spec gives no rules: `Validate`'s default methods serve them,
/// and one line lists them all instead of an empty impl each.
///
/// ```
/// use specgen_runtime::Validate;
///
/// struct Ping;
/// struct Pong {
///     at: String,
/// }
///
/// specgen_runtime::nothing_to_validate!(Ping, Pong);
///
/// assert!(Pong { at: String::new() }.validate().is_ok());
/// assert!(Ping.validate().is_ok());
/// ```
#[macro_export]
macro_rules! nothing_to_validate {
    ($($name:ident),+ $(,)?) => {
        $(impl $crate::validate::Validate for $name {})+
    };
}

impl<T: Validate> Validate for Option<T> {
    fn validate_at(&self, at: Path<'_>, out: &mut Vec<Violation>) {
        if let Some(value) = self {
            value.validate_at(at, out);
        }
    }
}

impl<T: Validate> Validate for Nullable<T> {
    fn validate_at(&self, at: Path<'_>, out: &mut Vec<Violation>) {
        if let Some(value) = self.value() {
            value.validate_at(at, out);
        }
    }
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    fn validate_at(&self, at: Path<'_>, out: &mut Vec<Violation>) {
        (**self).validate_at(at, out);
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate_at(&self, at: Path<'_>, out: &mut Vec<Violation>) {
        for (i, item) in self.iter().enumerate() {
            item.validate_at(at.index(i), out);
        }
    }
}

/// A map's values are reported under their key, as a field is under its name: the key is the
/// JSON object's key.
impl<T: Validate> Validate for BTreeMap<String, T> {
    fn validate_at(&self, at: Path<'_>, out: &mut Vec<Violation>) {
        for (key, value) in self {
            value.validate_at(at.field(key), out);
        }
    }
}

/// One violated rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The wire path of the value: `user.address.postal_code`, `access_tokens[50]`,
    /// `balances.USD` (the value under a map's key); empty for a rule on the request as a
    /// whole.
    pub path: String,
    /// A stable, machine-readable rule code: `min_length`, `pattern`, `format.email`,
    /// `one_of_required`, ...
    pub rule: &'static str,
    /// What is wrong, quoting the limit; never the value itself.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "(request)"
        } else {
            &self.path
        };
        write!(f, "{path}: {} [{}]", self.message, self.rule)
    }
}

/// The violations listed at most: a request of a million empty emails must not cost a
/// million messages (and the server that answers it as many lines of error). Past it, one
/// `too_many_violations` entry says that more were found.
pub const MAX_VIOLATIONS: usize = 100;

/// Every rule a value violates (at least one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationErrors {
    violations: Vec<Violation>,
}

impl ValidationErrors {
    /// The violations, in the order the rules were checked.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// The violations, in the order the rules were checked.
    pub fn into_violations(self) -> Vec<Violation> {
        self.violations
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.violations.len();
        write!(f, "invalid request: {n} rule{} violated", plural(n))?;
        for violation in &self.violations {
            write!(f, "\n  {violation}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// Where a value sits in the request, as a chain of stack frames: building one allocates
/// nothing, and it is rendered (`user.emails[2]`) only for a violation.
#[derive(Clone, Copy, Debug)]
pub struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    segment: Segment<'a>,
}

#[derive(Clone, Copy, Debug)]
enum Segment<'a> {
    Root,
    Field(&'a str),
    Index(usize),
}

impl<'a> Path<'a> {
    /// The value being validated itself; renders as the empty string.
    pub const ROOT: Path<'static> = Path {
        parent: None,
        segment: Segment::Root,
    };

    /// The field `name` (its wire name) of the object at this path.
    pub fn field(&'a self, name: &'a str) -> Path<'a> {
        Path {
            parent: Some(self),
            segment: Segment::Field(name),
        }
    }

    /// The item `index` of the array at this path.
    pub fn index(&'a self, index: usize) -> Path<'a> {
        Path {
            parent: Some(self),
            segment: Segment::Index(index),
        }
    }

    /// Records a violation at this path; past [`MAX_VIOLATIONS`], only that more were found.
    pub fn violation(&self, out: &mut Vec<Violation>, rule: &'static str, message: String) {
        match out.len().cmp(&MAX_VIOLATIONS) {
            std::cmp::Ordering::Less => out.push(Violation {
                path: self.to_string(),
                rule,
                message,
            }),
            std::cmp::Ordering::Equal => out.push(Violation {
                path: String::new(),
                rule: "too_many_violations",
                message: format!("more rules are violated; the first {MAX_VIOLATIONS} are listed"),
            }),
            std::cmp::Ordering::Greater => {}
        }
    }

    /// Writes the path from the root down; returns whether anything was written.
    fn write(&self, f: &mut fmt::Formatter<'_>) -> Result<bool, fmt::Error> {
        let written = match self.parent {
            Some(parent) => parent.write(f)?,
            None => false,
        };
        match self.segment {
            Segment::Root => Ok(written),
            Segment::Field(name) => {
                if written {
                    f.write_char('.')?;
                }
                f.write_str(name)?;
                Ok(written || !name.is_empty())
            }
            Segment::Index(i) => {
                write!(f, "[{i}]")?;
                Ok(true)
            }
        }
    }
}

/// The wire path: fields (and the keys of maps) joined by `.`, array items as `[i]`
/// (`user.emails[2]`).
impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f).map(|_| ())
    }
}

/// A spec pattern, compiled on first use and then shared.
struct Pattern<'a> {
    source: &'a str,
    compiled: OnceLock<Option<Regex>>,
}

impl<'a> Pattern<'a> {
    const fn new(source: &'a str) -> Self {
        Self {
            source,
            compiled: OnceLock::new(),
        }
    }

    fn is_match(&self, value: &str) -> bool {
        // The generator compiled the pattern already, so `None` cannot happen in generated
        // code; were it to, every value is rejected rather than let through unchecked.
        let compiled = self.compiled.get_or_init(|| Regex::new(self.source).ok());
        compiled.as_ref().is_some_and(|re| re.is_match(value))
    }
}

/// The string rules of one field, as the spec states them. Generated code builds them once,
/// as a `static`, with the `const` methods below; the generator builds them from a spec's
/// constraints to check its examples.
pub struct StringRules<'a> {
    min_length: Option<usize>,
    max_length: Option<usize>,
    non_blank: bool,
    has_letter: bool,
    pattern: Option<Pattern<'a>>,
    format: Option<Format>,
}

impl<'a> StringRules<'a> {
    /// No rule at all.
    pub const fn new() -> Self {
        Self {
            min_length: None,
            max_length: None,
            non_blank: false,
            has_letter: false,
            pattern: None,
            format: None,
        }
    }

    /// At least this many characters (not bytes).
    pub const fn min_length(mut self, characters: usize) -> Self {
        self.min_length = Some(characters);
        self
    }

    /// At most this many characters (not bytes).
    pub const fn max_length(mut self, characters: usize) -> Self {
        self.max_length = Some(characters);
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

    /// Matches this regular expression (`regex-lite` syntax; unanchored unless it says
    /// `^...$`). A pattern that does not compile rejects every value.
    pub const fn pattern(mut self, source: &'a str) -> Self {
        // A plain assignment would drop the previous value, which a `const fn` may not do for
        // a type with a destructor; forgetting it leaks nothing more than the pattern that a
        // second call replaces, which is never compiled.
        std::mem::forget(self.pattern.replace(Pattern::new(source)));
        self
    }

    /// Written in this format.
    pub const fn format(mut self, format: Format) -> Self {
        self.format = Some(format);
        self
    }

    /// Checks `value` against every rule, recording each violation at `at`. Lengths count
    /// characters, not bytes.
    pub fn check(&self, value: &str, at: Path<'_>, out: &mut Vec<Violation>) {
        if self.min_length.is_some() || self.max_length.is_some() {
            let length = value.chars().count();
            if let Some(min) = self.min_length.filter(|&min| length < min) {
                let message = format!(
                    "must be at least {min} character{}, got {length}",
                    plural(min)
                );
                at.violation(out, "min_length", message);
            }
            if let Some(max) = self.max_length.filter(|&max| length > max) {
                let message = format!(
                    "must be at most {max} character{}, got {length}",
                    plural(max)
                );
                at.violation(out, "max_length", message);
            }
        }
        if self.non_blank && value.trim().is_empty() {
            let message = "must contain at least one non-whitespace character";
            at.violation(out, "non_blank", message.into());
        }
        if self.has_letter && !value.chars().any(char::is_alphabetic) {
            at.violation(out, "has_letter", "must contain at least one letter".into());
        }
        if let Some(pattern) = &self.pattern
            && !pattern.is_match(value)
        {
            let message = format!("must match the pattern `{}`", pattern.source);
            at.violation(out, "pattern", message);
        }
        if let Some(format) = self.format {
            check_format(out, at, value, format);
        }
    }
}

impl Default for StringRules<'_> {
    fn default() -> Self {
        Self::new()
    }
}

/// A field's value whatever its presence: required (`T`), optional (`Option<T>`), or optional
/// and nullable (`Nullable<T>`). The checks run only when there is a value, so generated code
/// calls them the same way for every field.
pub trait Present {
    /// What is checked: `str` for a `String`, `[T]` for a `Vec<T>`, the map for a `BTreeMap`.
    type Value: ?Sized;

    /// The value, if there is one.
    fn present(&self) -> Option<&Self::Value>;
}

impl Present for String {
    type Value = str;

    fn present(&self) -> Option<&str> {
        Some(self)
    }
}

impl Present for i64 {
    type Value = i64;

    fn present(&self) -> Option<&i64> {
        Some(self)
    }
}

impl Present for f64 {
    type Value = f64;

    fn present(&self) -> Option<&f64> {
        Some(self)
    }
}

impl<T> Present for Vec<T> {
    type Value = [T];

    fn present(&self) -> Option<&[T]> {
        Some(self)
    }
}

/// A map is checked value by value; what `Present` hands over is the map itself.
impl<T> Present for BTreeMap<String, T> {
    type Value = BTreeMap<String, T>;

    fn present(&self) -> Option<&BTreeMap<String, T>> {
        Some(self)
    }
}

impl<T: Present> Present for Option<T> {
    type Value = T::Value;

    fn present(&self) -> Option<&T::Value> {
        self.as_ref().and_then(Present::present)
    }
}

impl<T: Present> Present for Nullable<T> {
    type Value = T::Value;

    fn present(&self) -> Option<&T::Value> {
        self.value().and_then(Present::present)
    }
}

/// A number the spec can bound, compared as `f64` (exact for integers up to 2^53).
pub trait Numeric: Copy {
    /// The number as an `f64`.
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

/// The fields of one object being checked: each method checks the named field, at the
/// object's path plus the field's wire name, and records what it violates. A generated
/// `validate_at` is one call per constrained field.
pub struct Fields<'a, 'o> {
    at: Path<'a>,
    out: &'o mut Vec<Violation>,
}

/// The path of the field `name` of the object at `at`; a whole body's field (`in:
/// whole_body`, the empty name) is the value itself, so it adds nothing (`retention`, not
/// `retention.`, for a `one_of` field's member that is a bare string).
fn field_path<'s>(at: &'s Path<'_>, name: &'s str) -> Path<'s> {
    if name.is_empty() { *at } else { at.field(name) }
}

impl<'a, 'o> Fields<'a, 'o> {
    /// The fields of the object at `at`, recording violations in `out`.
    pub fn new(at: Path<'a>, out: &'o mut Vec<Violation>) -> Self {
        Self { at, out }
    }

    /// The object's path and the violations so far, for checks that reach below one field.
    pub fn parts(&mut self) -> (Path<'a>, &mut Vec<Violation>) {
        (self.at, self.out)
    }

    /// A string field's rules; see [`string`].
    pub fn string(&mut self, name: &str, value: &impl Present<Value = str>, rules: &StringRules) {
        string(self.out, field_path(&self.at, name), value, rules);
    }

    /// A string field whose only rule is its format; see [`format()`].
    pub fn format(&mut self, name: &str, value: &impl Present<Value = str>, format: Format) {
        self::format(self.out, field_path(&self.at, name), value, format);
    }

    /// The rules of every item of an array of strings; see [`each_string`].
    pub fn each_string(
        &mut self,
        name: &str,
        values: &impl Present<Value = [String]>,
        rules: &StringRules,
    ) {
        each_string(self.out, field_path(&self.at, name), values, rules);
    }

    /// A number field's bounds; see [`number`].
    pub fn number<V: Present<Value: Numeric>>(
        &mut self,
        name: &str,
        value: &V,
        minimum: Option<f64>,
        maximum: Option<f64>,
    ) {
        number(
            self.out,
            field_path(&self.at, name),
            value,
            minimum,
            maximum,
        );
    }

    /// An array field's length and uniqueness; see [`items`].
    pub fn items<T: PartialEq>(
        &mut self,
        name: &str,
        values: &impl Present<Value = [T]>,
        min_items: Option<usize>,
        max_items: Option<usize>,
        unique: bool,
    ) {
        items(
            self.out,
            field_path(&self.at, name),
            values,
            min_items,
            max_items,
            unique,
        );
    }

    /// A field whose type has rules of its own (an object, an enum, or an array of them).
    pub fn nested(&mut self, name: &str, value: &impl Validate) {
        nested(self.out, field_path(&self.at, name), value);
    }

    /// A cross-field rule: at least one of the listed fields has a value. `message` names
    /// them.
    pub fn one_of_required(&mut self, any_present: bool, message: &'static str) {
        if !any_present {
            self.at
                .violation(self.out, "one_of_required", message.into());
        }
    }
}

/// Checks a value whose type has rules of its own.
pub fn nested(out: &mut Vec<Violation>, at: Path<'_>, value: &impl Validate) {
    value.validate_at(at, out);
}

/// Checks a string field, when it has a value, against its rules (see [`StringRules::check`]).
pub fn string(
    out: &mut Vec<Violation>,
    at: Path<'_>,
    value: &impl Present<Value = str>,
    rules: &StringRules,
) {
    if let Some(value) = value.present() {
        rules.check(value, at, out);
    }
}

/// Checks a string field whose only rule is its format, when it has a value.
pub fn format(
    out: &mut Vec<Violation>,
    at: Path<'_>,
    value: &impl Present<Value = str>,
    format: Format,
) {
    if let Some(value) = value.present() {
        check_format(out, at, value, format);
    }
}

fn check_format(out: &mut Vec<Violation>, at: Path<'_>, value: &str, format: Format) {
    if !format.matches(value) {
        let message = format!("must be {}", format.description());
        at.violation(out, format.rule(), message);
    }
}

/// Checks every item of an array of strings, when it has a value, against the items' rules.
pub fn each_string(
    out: &mut Vec<Violation>,
    at: Path<'_>,
    values: &impl Present<Value = [String]>,
    rules: &StringRules,
) {
    for (i, value) in values.present().unwrap_or_default().iter().enumerate() {
        rules.check(value, at.index(i), out);
    }
}

/// Checks a number field, when it has a value, against its bounds.
pub fn number<V: Present<Value: Numeric>>(
    out: &mut Vec<Violation>,
    at: Path<'_>,
    value: &V,
    minimum: Option<f64>,
    maximum: Option<f64>,
) {
    let Some(value) = value.present() else {
        return;
    };
    let value = value.to_f64();
    if let Some(min) = minimum.filter(|&min| value < min) {
        at.violation(out, "minimum", format!("must be at least {min}"));
    }
    if let Some(max) = maximum.filter(|&max| value > max) {
        at.violation(out, "maximum", format!("must be at most {max}"));
    }
}

/// Checks an array field's length, when it has a value, and, when asked, that no item repeats.
pub fn items<T: PartialEq>(
    out: &mut Vec<Violation>,
    at: Path<'_>,
    values: &impl Present<Value = [T]>,
    min_items: Option<usize>,
    max_items: Option<usize>,
    unique: bool,
) {
    let Some(values) = values.present() else {
        return;
    };
    let count = values.len();
    if let Some(min) = min_items.filter(|&min| count < min) {
        let message = format!("must have at least {min} item{}, got {count}", plural(min));
        at.violation(out, "min_items", message);
    }
    if let Some(max) = max_items.filter(|&max| count > max) {
        let message = format!("must have at most {max} item{}, got {count}", plural(max));
        at.violation(out, "max_items", message);
    }
    // An array already over its limit is not searched for repeats as well.
    if unique && max_items.is_none_or(|max| count <= max) {
        // Quadratic, but allocation-free; arrays in requests are short (the docs cap them).
        let repeat = (0..count).find_map(|i| {
            let earlier = values[..i].iter().position(|v| *v == values[i]);
            earlier.map(|j| (i, j))
        });
        if let Some((later, earlier)) = repeat {
            let message = format!("items must be unique; item [{later}] repeats item [{earlier}]");
            at.violation(out, "unique_items", message);
        }
    }
}

/// Checks that an enum value in a request is one the enum knows (`known` is its table of
/// values and wire forms): the server rejects the rest, so they are reported before the
/// request is sent.
pub fn known_enum_value<E>(
    out: &mut Vec<Violation>,
    at: Path<'_>,
    is_unknown: bool,
    known: &[(E, &str)],
) {
    if is_unknown {
        let message = format!(
            "must be one of the {} documented values ({})",
            known.len(),
            preview(known)
        );
        at.violation(out, "enum", message);
    }
}

/// The first few wire values of an enum.
fn preview<E>(known: &[(E, &str)]) -> String {
    let shown: Vec<&str> = known.iter().take(5).map(|(_, wire)| *wire).collect();
    if known.len() > shown.len() {
        format!("{}, ...", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(path: Path<'_>) -> String {
        path.to_string()
    }

    #[test]
    fn paths_render_as_wire_paths() {
        let root = Path::ROOT;
        assert_eq!(rendered(root), "");
        let user = root.field("user");
        assert_eq!(rendered(user), "user");
        let emails = user.field("emails");
        assert_eq!(rendered(emails.index(2)), "user.emails[2]");
        let item = emails.index(0);
        assert_eq!(rendered(item.field("value")), "user.emails[0].value");
        assert_eq!(rendered(root.index(3)), "[3]");
        let nested = root.index(1);
        assert_eq!(rendered(nested.index(4)), "[1][4]");
    }

    fn check(rules: &StringRules, value: &str) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        rules.check(value, Path::ROOT.field("name"), &mut out);
        out.into_iter()
            .inspect(|v| assert_eq!(v.path, "name"))
            .map(|v| (v.rule, v.message))
            .collect()
    }

    #[test]
    fn string_rules_count_characters() {
        static RULES: StringRules = StringRules::new().min_length(2).max_length(3);
        assert!(check(&RULES, "ab").is_empty());
        assert!(
            check(&RULES, "äöü").is_empty(),
            "three characters, six bytes"
        );
        assert_eq!(
            check(&RULES, "a"),
            [("min_length", "must be at least 2 characters, got 1".into())]
        );
        assert_eq!(
            check(&RULES, "abcd"),
            [("max_length", "must be at most 3 characters, got 4".into())]
        );
        let one = StringRules::new().min_length(1);
        assert_eq!(
            check(&one, ""),
            [("min_length", "must be at least 1 character, got 0".into())]
        );
    }

    #[test]
    fn string_rules_report_every_violation_and_never_the_value() {
        let rules = StringRules::new()
            .max_length(4)
            .non_blank()
            .has_letter()
            .pattern("^[a-z]+$")
            .format(Format::Email);
        let found = check(&rules, "      ");
        let codes: Vec<_> = found.iter().map(|(rule, _)| *rule).collect();
        assert_eq!(
            codes,
            [
                "max_length",
                "non_blank",
                "has_letter",
                "pattern",
                "format.email"
            ]
        );
        assert_eq!(found[3].1, "must match the pattern `^[a-z]+$`");
        let secret = check(&rules, "hunter2-secret");
        assert!(
            secret
                .iter()
                .all(|(_, message)| !message.contains("hunter2"))
        );
    }

    #[test]
    fn a_pattern_that_does_not_compile_rejects_every_value() {
        let rules = StringRules::new().pattern("(");
        assert_eq!(check(&rules, "anything").len(), 1);
    }

    #[test]
    fn absent_values_are_not_checked() {
        static RULES: StringRules = StringRules::new().min_length(3);
        let mut out = Vec::new();
        let mut fields = Fields::new(Path::ROOT, &mut out);
        fields.string("a", &None::<String>, &RULES);
        fields.string("b", &Nullable::<String>::Null, &RULES);
        fields.format("c", &Nullable::<String>::Absent, Format::Date);
        fields.number("d", &None::<i64>, Some(1.0), None);
        fields.items("e", &None::<Vec<i64>>, Some(1), None, true);
        fields.each_string("f", &None::<Vec<String>>, &RULES);
        assert!(out.is_empty());
    }

    #[test]
    fn fields_report_at_their_wire_path() {
        static RULES: StringRules = StringRules::new().min_length(3);
        let mut out = Vec::new();
        let root = Path::ROOT;
        let mut fields = Fields::new(root.field("user"), &mut out);
        fields.string("name", &"ab".to_owned(), &RULES);
        fields.format("born", &Some("1987-02-30".to_owned()), Format::Date);
        fields.number("age", &Some(-1_i64), Some(0.0), Some(150.0));
        fields.number("score", &2.5_f64, None, Some(2.0));
        fields.items("tags", &vec![1, 2, 1], Some(1), Some(3), true);
        fields.each_string("emails", &vec!["abc".to_owned(), "x".to_owned()], &RULES);
        fields.one_of_required(false, "at least one of `a`, `b` is required");
        fields.one_of_required(true, "never shown");
        let found: Vec<_> = out
            .iter()
            .map(|v| (v.path.as_str(), v.rule, v.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "user.name",
                    "min_length",
                    "must be at least 3 characters, got 2"
                ),
                (
                    "user.born",
                    "format.date",
                    "must be a real calendar date written YYYY-MM-DD"
                ),
                ("user.age", "minimum", "must be at least 0"),
                ("user.score", "maximum", "must be at most 2"),
                (
                    "user.tags",
                    "unique_items",
                    "items must be unique; item [2] repeats item [0]"
                ),
                (
                    "user.emails[1]",
                    "min_length",
                    "must be at least 3 characters, got 1"
                ),
                (
                    "user",
                    "one_of_required",
                    "at least one of `a`, `b` is required"
                ),
            ]
        );
    }

    #[test]
    fn violations_stop_at_the_limit_with_a_note() {
        let items: Vec<Item> = (0..1_000).map(|_| Item(false)).collect();
        let errors = items.validate().unwrap_err();
        let violations = errors.violations();
        assert_eq!(violations.len(), MAX_VIOLATIONS + 1);
        assert_eq!(
            violations[MAX_VIOLATIONS - 1].path,
            format!("[{}]", MAX_VIOLATIONS - 1)
        );
        assert_eq!(violations[MAX_VIOLATIONS].rule, "too_many_violations");
    }

    #[test]
    fn an_array_over_its_limit_is_not_searched_for_repeats() {
        let mut out = Vec::new();
        let mut fields = Fields::new(Path::ROOT, &mut out);
        fields.items("tags", &vec![1, 1, 1], None, Some(2), true);
        let rules: Vec<_> = out.iter().map(|v| v.rule).collect();
        assert_eq!(rules, ["max_items"]);
    }

    struct Item(bool);

    impl Validate for Item {
        fn validate_at(&self, at: Path<'_>, out: &mut Vec<Violation>) {
            if !self.0 {
                at.violation(out, "item", "is wrong".into());
            }
        }
    }

    #[test]
    fn containers_validate_their_items_at_their_index() {
        let items = vec![Item(true), Item(false), Item(false)];
        let errors = items.validate().unwrap_err();
        let paths: Vec<_> = errors
            .violations()
            .iter()
            .map(|v| v.path.as_str())
            .collect();
        assert_eq!(paths, ["[1]", "[2]"]);
        assert!(Some(Box::new(Item(true))).validate().is_ok());
        assert!(Nullable::<Item>::Null.validate().is_ok());
        assert!(Nullable::Value(Item(false)).validate().is_err());
    }

    #[test]
    fn map_values_are_reported_under_their_key() {
        let values: BTreeMap<String, Option<Item>> = [
            ("good".to_owned(), Some(Item(true))),
            ("absent".to_owned(), None),
            ("bad".to_owned(), Some(Item(false))),
        ]
        .into_iter()
        .collect();
        let mut out = Vec::new();
        let mut fields = Fields::new(Path::ROOT.field("user"), &mut out);
        fields.nested("tags", &values);
        fields.nested("none", &None::<BTreeMap<String, Item>>);
        let paths: Vec<_> = out.iter().map(|v| v.path.as_str()).collect();
        assert_eq!(paths, ["user.tags.bad"]);
        let present = Some(BTreeMap::from([("k".to_owned(), 1_i64)]));
        assert_eq!(present.present().map(BTreeMap::len), Some(1));
        assert!(Nullable::<BTreeMap<String, i64>>::Null.present().is_none());
    }

    #[test]
    fn errors_display_one_line_per_violation() {
        let errors = Item(false).validate().unwrap_err();
        assert_eq!(
            errors.to_string(),
            "invalid request: 1 rule violated\n  (request): is wrong [item]"
        );
        assert_eq!(errors.into_violations().len(), 1);
    }

    #[test]
    fn enum_previews_list_five_values() {
        let known: Vec<((), &str)> = ["a", "b", "c", "d", "e", "f"]
            .into_iter()
            .map(|wire| ((), wire))
            .collect();
        let mut out = Vec::new();
        known_enum_value(&mut out, Path::ROOT, true, &known);
        assert_eq!(
            out[0].message,
            "must be one of the 6 documented values (a, b, c, d, e, ...)"
        );
        known_enum_value(&mut out, Path::ROOT, false, &known);
        assert_eq!(out.len(), 1);
    }
}
