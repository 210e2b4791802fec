//! Every constraint kind, once: its spec key and the kind of value it applies to
//! ([`Kind`]), its reading from the spec keys ([`Constraints::from_keys`]), how the spec
//! writes it ([`Constraint::spec_text`]), its docs phrase ([`Constraints::phrases`]), its
//! generated rule ([`Constraint::string_rule`], [`Constraints::bounds`],
//! [`Constraints::items`]), the runtime check the example check runs
//! ([`Constraints::string_rules`]) and whether a change of it tightens
//! ([`Constraint::tightens`]). Adding a kind is a row here (the compiler names the exhaustive
//! `match`es; `from_keys`, `tightens` and the views are said beside them), its key in
//! `spec::Field` and `spec::ConstraintKeys`, its check in the runtime, and for a number or
//! array kind the readers of its view (`emit::validate`, `check::examples`, `answers`).

use specgen_runtime::Format;
use specgen_runtime::validate::StringRules;

use crate::spec::ConstraintKeys;

/// A constraint kind: its key in the spec and what it applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    MinLength,
    MaxLength,
    NonBlank,
    HasLetter,
    Pattern,
    Format,
    Minimum,
    Maximum,
    MinItems,
    MaxItems,
    UniqueItems,
}

impl Kind {
    /// In the order of the generated rules ([`Constraints::from_keys`]).
    pub const ALL: [Kind; 11] = [
        Kind::MinLength,
        Kind::MaxLength,
        Kind::NonBlank,
        Kind::HasLetter,
        Kind::Pattern,
        Kind::Format,
        Kind::Minimum,
        Kind::Maximum,
        Kind::MinItems,
        Kind::MaxItems,
        Kind::UniqueItems,
    ];

    /// The spec's key (`max_length`).
    pub const fn key(self) -> &'static str {
        match self {
            Kind::MinLength => "min_length",
            Kind::MaxLength => "max_length",
            Kind::NonBlank => "non_blank",
            Kind::HasLetter => "has_letter",
            Kind::Pattern => "pattern",
            Kind::Format => "format",
            Kind::Minimum => "minimum",
            Kind::Maximum => "maximum",
            Kind::MinItems => "min_items",
            Kind::MaxItems => "max_items",
            Kind::UniqueItems => "unique_items",
        }
    }

    /// The kind of value it applies to. (The spec's `format` key names a number's width too,
    /// which is no constraint: `check::spec` lets it on numbers.)
    pub const fn applies_to(self) -> Applies {
        match self {
            Kind::MinLength
            | Kind::MaxLength
            | Kind::NonBlank
            | Kind::HasLetter
            | Kind::Pattern
            | Kind::Format => Applies::String,
            Kind::Minimum | Kind::Maximum => Applies::Number,
            Kind::MinItems | Kind::MaxItems | Kind::UniqueItems => Applies::Array,
        }
    }

    /// Whether the spec keys give it.
    pub fn given(self, keys: &ConstraintKeys<'_>) -> bool {
        match self {
            Kind::MinLength => keys.min_length.is_some(),
            Kind::MaxLength => keys.max_length.is_some(),
            Kind::NonBlank => keys.non_blank,
            Kind::HasLetter => keys.has_letter,
            Kind::Pattern => keys.pattern.is_some(),
            Kind::Format => keys.format.is_some(),
            Kind::Minimum => keys.minimum.is_some(),
            Kind::Maximum => keys.maximum.is_some(),
            Kind::MinItems => keys.min_items.is_some(),
            Kind::MaxItems => keys.max_items.is_some(),
            Kind::UniqueItems => keys.unique_items,
        }
    }
}

/// One rule of a generated `StringRules` chain: the builder method and its argument.
pub enum StringRule<'a> {
    /// `min_length(3)`
    Count(&'static str, u64),
    /// `non_blank()`
    Flag(&'static str),
    /// `pattern("^a")`
    Pattern(&'a str),
    /// `format(Format::Uuid)`
    Format(Format),
}

/// One constraint on a value, with its value.
#[derive(Clone, Debug, PartialEq)]
pub enum Constraint {
    MinLength(u64),
    MaxLength(u64),
    /// Not empty and not only whitespace.
    NonBlank,
    /// At least one letter.
    HasLetter,
    Pattern(String),
    Format(Format),
    Minimum(f64),
    Maximum(f64),
    MinItems(u64),
    MaxItems(u64),
    UniqueItems,
}

/// The kind of value a constraint applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applies {
    String,
    Number,
    Array,
}

impl Constraint {
    pub const fn kind(&self) -> Kind {
        match self {
            Self::MinLength(_) => Kind::MinLength,
            Self::MaxLength(_) => Kind::MaxLength,
            Self::NonBlank => Kind::NonBlank,
            Self::HasLetter => Kind::HasLetter,
            Self::Pattern(_) => Kind::Pattern,
            Self::Format(_) => Kind::Format,
            Self::Minimum(_) => Kind::Minimum,
            Self::Maximum(_) => Kind::Maximum,
            Self::MinItems(_) => Kind::MinItems,
            Self::MaxItems(_) => Kind::MaxItems,
            Self::UniqueItems => Kind::UniqueItems,
        }
    }

    /// As the spec writes it: `max_length: 128`.
    pub fn spec_text(&self) -> String {
        let value = match self {
            Self::MinLength(n) | Self::MaxLength(n) | Self::MinItems(n) | Self::MaxItems(n) => {
                n.to_string()
            }
            Self::NonBlank | Self::HasLetter | Self::UniqueItems => "true".to_owned(),
            Self::Pattern(pattern) => format!("{pattern:?}"),
            Self::Format(format) => format.name().to_owned(),
            Self::Minimum(n) | Self::Maximum(n) => n.to_string(),
        };
        format!("`{}: {value}`", self.kind().key())
    }

    pub const fn applies_to(&self) -> Applies {
        self.kind().applies_to()
    }

    /// Its rule in a generated `StringRules` chain, for a string constraint.
    pub fn string_rule(&self) -> Option<StringRule<'_>> {
        Some(match self {
            Self::MinLength(n) | Self::MaxLength(n) => StringRule::Count(self.kind().key(), *n),
            Self::NonBlank | Self::HasLetter => StringRule::Flag(self.kind().key()),
            Self::Pattern(pattern) => StringRule::Pattern(pattern),
            Self::Format(format) => StringRule::Format(*format),
            Self::Minimum(_)
            | Self::Maximum(_)
            | Self::MinItems(_)
            | Self::MaxItems(_)
            | Self::UniqueItems => return None,
        })
    }

    /// Whether going from `self` to `new` (of one kind) rejects values `self` accepted.
    pub fn tightens(&self, new: &Constraint) -> bool {
        match (self, new) {
            (Self::MinLength(a), Self::MinLength(b)) | (Self::MinItems(a), Self::MinItems(b)) => {
                b > a
            }
            (Self::MaxLength(a), Self::MaxLength(b)) | (Self::MaxItems(a), Self::MaxItems(b)) => {
                b < a
            }
            (Self::Minimum(a), Self::Minimum(b)) => b > a,
            (Self::Maximum(a), Self::Maximum(b)) => b < a,
            // Another pattern or format may reject what the old one accepted.
            _ => true,
        }
    }
}

/// A value's constraints, in the order of [`Constraints::from_keys`] (which is also the order
/// of the generated rules).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Constraints(Vec<Constraint>);

/// The bounds of a number: `minimum` and `maximum`, each inclusive.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Bounds {
    pub min: Option<f64>,
    pub max: Option<f64>,
}

/// The rules on an array's length and items.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ItemRules {
    pub min: Option<u64>,
    pub max: Option<u64>,
    pub unique: bool,
}

impl Constraints {
    pub fn new(list: Vec<Constraint>) -> Self {
        Self(list)
    }

    /// What the spec keys say, leaving out what `check::spec` refuses (a pattern that does not
    /// compile, an unknown format, a bound that is not finite).
    pub fn from_keys(keys: &ConstraintKeys<'_>) -> Self {
        use Constraint as C;
        let flag = |set: bool, c: C| set.then_some(c);
        let list = [
            keys.min_length.map(C::MinLength),
            keys.max_length.map(C::MaxLength),
            flag(keys.non_blank, C::NonBlank),
            flag(keys.has_letter, C::HasLetter),
            keys.pattern
                .filter(|p| regex_lite::Regex::new(&p.value).is_ok())
                .map(|p| C::Pattern(p.value.clone())),
            keys.format
                .and_then(|f| Format::parse(&f.value))
                .map(C::Format),
            keys.minimum.filter(|b| b.is_finite()).map(C::Minimum),
            keys.maximum.filter(|b| b.is_finite()).map(C::Maximum),
            keys.min_items.map(C::MinItems),
            keys.max_items.map(C::MaxItems),
            flag(keys.unique_items, C::UniqueItems),
        ];
        Self(list.into_iter().flatten().collect())
    }

    /// The constraint of `kind`, if there is one.
    pub fn of_kind(&self, kind: Kind) -> Option<&Constraint> {
        self.iter().find(|c| c.kind() == kind)
    }

    /// What each constraint says, in words, for the docs: a pair of bounds reads as one range
    /// (`1 to 5 characters`), said where its minimum is.
    pub fn phrases(&self) -> Vec<String> {
        let (min_length, max_length) = self.iter().fold((None, None), |(min, max), c| match c {
            Constraint::MinLength(n) => (Some(*n), max),
            Constraint::MaxLength(n) => (min, Some(*n)),
            _ => (min, max),
        });
        let items = self.items().unwrap_or_default();
        self.iter()
            .filter_map(|constraint| match constraint {
                Constraint::MinLength(_) => range(min_length, max_length, "character"),
                Constraint::MaxLength(_) if min_length.is_none() => {
                    range(None, max_length, "character")
                }
                Constraint::MaxLength(_) => None,
                Constraint::NonBlank => Some("at least one non-whitespace character".into()),
                Constraint::HasLetter => Some("at least one letter".into()),
                Constraint::Pattern(pattern) => Some(format!("matches `{pattern}`")),
                Constraint::Format(format) => Some(format.description().into()),
                Constraint::Minimum(min) => Some(format!("at least {min}")),
                Constraint::Maximum(max) => Some(format!("at most {max}")),
                Constraint::MinItems(_) => range(items.min, items.max, "item"),
                Constraint::MaxItems(_) if items.min.is_none() => range(None, items.max, "item"),
                Constraint::MaxItems(_) => None,
                Constraint::UniqueItems => Some("items are unique".into()),
            })
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn add(&mut self, constraint: Constraint) {
        self.0.push(constraint);
    }

    pub fn iter(&self) -> impl Iterator<Item = &Constraint> {
        self.0.iter()
    }

    /// The string constraints as the runtime's rules, which the generated validators build
    /// from the same constraints: the generator checks the spec's examples with them.
    pub fn string_rules(&self) -> StringRules<'_> {
        let length = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        self.iter().fold(StringRules::new(), |rules, c| match c {
            Constraint::MinLength(n) => rules.min_length(length(*n)),
            Constraint::MaxLength(n) => rules.max_length(length(*n)),
            Constraint::NonBlank => rules.non_blank(),
            Constraint::HasLetter => rules.has_letter(),
            Constraint::Pattern(pattern) => rules.pattern(pattern),
            Constraint::Format(format) => rules.format(*format),
            Constraint::Minimum(_)
            | Constraint::Maximum(_)
            | Constraint::MinItems(_)
            | Constraint::MaxItems(_)
            | Constraint::UniqueItems => rules,
        })
    }

    /// Whether any constraint applies to strings.
    pub fn has_string_rules(&self) -> bool {
        self.iter().any(|c| c.applies_to() == Applies::String)
    }

    /// Whether a string constraint other than the format is given: then the generated code
    /// builds `StringRules`, else one format check is enough.
    pub fn has_string_rules_besides_format(&self) -> bool {
        self.iter()
            .any(|c| c.applies_to() == Applies::String && !matches!(c, Constraint::Format(_)))
    }

    /// The format, when the string has one.
    pub fn format(&self) -> Option<Format> {
        self.iter().find_map(|c| match c {
            Constraint::Format(format) => Some(*format),
            _ => None,
        })
    }

    /// The numeric bounds; `None` when there are none.
    pub fn bounds(&self) -> Option<Bounds> {
        let bounds = self.iter().fold(Bounds::default(), |bounds, c| match c {
            Constraint::Minimum(min) => Bounds {
                min: Some(*min),
                ..bounds
            },
            Constraint::Maximum(max) => Bounds {
                max: Some(*max),
                ..bounds
            },
            _ => bounds,
        });
        (bounds != Bounds::default()).then_some(bounds)
    }

    /// The array rules; `None` when there are none.
    pub fn items(&self) -> Option<ItemRules> {
        let items = self.iter().fold(ItemRules::default(), |items, c| match c {
            Constraint::MinItems(min) => ItemRules {
                min: Some(*min),
                ..items
            },
            Constraint::MaxItems(max) => ItemRules {
                max: Some(*max),
                ..items
            },
            Constraint::UniqueItems => ItemRules {
                unique: true,
                ..items
            },
            _ => items,
        });
        (items != ItemRules::default()).then_some(items)
    }
}

/// `exactly 2 items`, `1 to 5 characters`, `at least 1 item`, `at most 3 characters`.
fn range(min: Option<u64>, max: Option<u64>, noun: &str) -> Option<String> {
    Some(match (min, max) {
        (Some(min), Some(max)) if min == max => format!("exactly {min} {}", plural(min, noun)),
        (Some(min), Some(max)) => format!("{min} to {max} {noun}s"),
        (Some(min), None) => format!("at least {min} {}", plural(min, noun)),
        (None, Some(max)) => format!("at most {max} {}", plural(max, noun)),
        (None, None) => return None,
    })
}

fn plural(n: u64, noun: &str) -> String {
    if n == 1 {
        noun.to_owned()
    } else {
        format!("{noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value the spec accepts for each key.
    fn spec_value(kind: Kind) -> &'static str {
        match kind {
            Kind::MinLength | Kind::MaxLength | Kind::MinItems | Kind::MaxItems => "3",
            Kind::NonBlank | Kind::HasLetter | Kind::UniqueItems => "true",
            Kind::Pattern => "\"^a\"",
            Kind::Format => "email",
            Kind::Minimum | Kind::Maximum => "1.5",
        }
    }

    /// Each row holds together: the key is a key of a spec field, given there it is read as
    /// one constraint of its kind, which the spec writes under that key, and a change of it
    /// is judged.
    #[test]
    fn each_kind_is_read_written_and_compared_under_its_key() {
        for kind in Kind::ALL {
            let yaml = format!("type: string\n{}: {}\n", kind.key(), spec_value(kind));
            let field: crate::spec::Field = serde_saphyr::from_str(&yaml)
                .unwrap_or_else(|e| panic!("`{}` is no spec key: {e}", kind.key()));
            let keys = field.constraint_keys();
            assert!(kind.given(&keys), "{kind:?}");
            let read = Constraints::from_keys(&keys);
            let constraints: Vec<&Constraint> = read.iter().collect();
            assert_eq!(constraints.len(), 1, "{kind:?}");
            let constraint = constraints[0];
            assert_eq!(constraint.kind(), kind);
            assert!(
                constraint
                    .spec_text()
                    .starts_with(&format!("`{}: ", kind.key())),
                "{}",
                constraint.spec_text()
            );
            assert_eq!(read.of_kind(kind), Some(constraint));
            assert_eq!(read.phrases().len(), 1, "{kind:?} has no docs phrase");
            // A bound compared with itself does not tighten; another pattern or format may.
            let compared = matches!(
                kind,
                Kind::Pattern | Kind::Format | Kind::NonBlank | Kind::HasLetter | Kind::UniqueItems
            );
            assert_eq!(constraint.tightens(constraint), compared, "{kind:?}");
            assert_eq!(
                constraint.string_rule().is_some(),
                kind.applies_to() == Applies::String
            );
        }
    }
}
