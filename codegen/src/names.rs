//! How spec names become Rust names.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords (strict and reserved, 2024 edition). A field named like one gets a trailing
/// underscore (`type` -> `type_`), as progenitor and typify do, rather than a raw identifier.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// A field or method name: `snake_case`, never a keyword, never starting with a digit.
pub fn snake_ident(wire: &str) -> String {
    let mut ident = wire.to_snake_case();
    if ident.is_empty() || ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, '_');
    }
    if is_keyword(&ident) {
        ident.push('_');
    }
    ident
}

/// An enum variant name: `UpperCamelCase`, never starting with a digit.
pub fn variant_ident(wire: &str) -> String {
    let ident = wire.to_upper_camel_case();
    match ident.chars().next() {
        None => "Empty".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("V{ident}"),
        Some(_) if is_keyword(&ident) => format!("{ident}_"),
        // `Unknown(String)` holds the values unknown when the crate was generated; a value the
        // API documents as `UNKNOWN` (Plaid has several) gets a name of its own.
        Some(_) if ident == "Unknown" => "UnknownValue".to_owned(),
        Some(_) => ident,
    }
}

/// Whether a name the generator derived is a usable Rust identifier (`_`, an empty name or a
/// stray symbol are not).
pub fn is_valid_ident(ident: &str) -> bool {
    syn::parse_str::<syn::Ident>(ident).is_ok()
}

/// Names a model may not take: those the generated crate defines itself, in `prelude` beside
/// the models, and those the model modules use unqualified (the runtime items they import,
/// serde's derives, and the standard prelude's types), which a model would shadow.
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "Box",
    "Client",
    "ClientBuilder",
    "Deserialize",
    "Environment",
    "Error",
    "FilePart",
    "From",
    "ModelVisitor",
    "None",
    "Nullable",
    "Operation",
    "Option",
    "RetryPolicy",
    "Serialize",
    "Some",
    "String",
    "StringRules",
    "Validate",
    "ValidationErrors",
    "Vec",
    "Violation",
];

/// Prelude names the client and server modules use unqualified besides the reserved ones: the
/// API's trait, named after its title, may not be one of them.
pub const PRELUDE_TRAITS: &[&str] = &["Future", "Result", "Send", "Sync"];

/// A spec file's name without folder and extension (`user` for `spec/user.yaml`): the name of
/// its module and cargo feature.
pub fn file_stem(file: &str) -> &str {
    let name = file.rsplit('/').next().unwrap_or(file);
    name.trim_end_matches(".yaml").trim_end_matches(".yml")
}

/// A title as a cargo package name: its words in lower case joined by `-` (`Plaid API` ->
/// `plaid-api`, `Swagger Petstore` -> `swagger-petstore`); `api` when no word is left. Words
/// past `MAX_PACKAGE_NAME` characters are left out (crates.io's limit): the name is also the
/// crate's identifier and user agent, which a long title would otherwise make huge.
pub fn package_name(title: &str) -> String {
    let mut name = String::new();
    for word in title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if name.is_empty() && !word.starts_with(|c: char| c.is_ascii_alphabetic()) {
            name.push_str("api");
        }
        let separator = usize::from(!name.is_empty());
        if name.len() + separator + word.len() > MAX_PACKAGE_NAME {
            break;
        }
        if separator == 1 {
            name.push('-');
        }
        name.push_str(&word.to_ascii_lowercase());
    }
    if name.is_empty() {
        name.push_str("api");
    }
    name
}

/// The longest package name crates.io takes.
pub const MAX_PACKAGE_NAME: usize = 64;

/// Whether cargo takes `name` as a package name that is also a Rust crate name once its `-`
/// are `_`: ASCII letters, digits, `-` and `_`, starting with a letter.
pub fn is_package_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && name.len() <= MAX_PACKAGE_NAME
}

/// The first word of the API's title (`Plaid` for `Plaid API`), which names its default
/// headers and the environment variables of the generated example.
pub fn title_word(title: &str) -> &str {
    title.split_whitespace().next().unwrap_or("API")
}

/// The API's client trait: its title as a type name (`Plaid API` -> `PlaidApi`).
pub fn api_trait_name(title: &str) -> String {
    title.to_upper_camel_case()
}

/// The enum of an operation's success answers when it has several (the spec's `answers`):
/// `files_get` -> `FilesGetAnswer`, a name no spec type may have.
pub fn answers_enum(operation_id: &str) -> String {
    format!("{}Answer", operation_id.to_upper_camel_case())
}

/// Whether a spec type name can be used as the Rust type name as it is.
pub fn is_type_ident(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
        && !is_keyword(name)
}

pub fn suggest_type_ident(name: &str) -> String {
    name.to_upper_camel_case()
}

/// The closest candidate within a small edit distance, for "did you mean" hints.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // Edit distance costs length x length per candidate; no real name is this long, and a
    // pasted blob must not take seconds to be called unknown.
    if word.len() > 64 {
        return None;
    }
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::damerau_levenshtein(&word.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|(distance, c)| *distance <= (c.len() / 3).max(2))
        .min()
        .map(|(_, c)| c)
}

/// Whether `name` matches `pattern`, in which `*` stands for any run of characters (none
/// included) and every other character for itself.
pub fn matches_wildcard(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::{MAX_PACKAGE_NAME, matches_wildcard, package_name};

    #[test]
    fn package_names_come_from_the_title_within_cargos_limit() {
        assert_eq!(package_name("Plaid API"), "plaid-api");
        assert_eq!(package_name("Swagger Petstore"), "swagger-petstore");
        assert_eq!(package_name("3D Printing API"), "api-3d-printing-api");
        assert_eq!(package_name("  ...  "), "api");
        assert_eq!(package_name(&"a".repeat(3_000_000)), "api");
        let long = package_name(&"word ".repeat(1_000));
        assert!(long.len() <= MAX_PACKAGE_NAME && long.starts_with("word-word"));
    }

    #[test]
    fn wildcards_match_any_run_of_characters() {
        assert!(matches_wildcard("secret", "secret"));
        assert!(!matches_wildcard("secret", "client_secret"));
        assert!(matches_wildcard("*_token", "access_token"));
        assert!(!matches_wildcard("*_token", "access_token_id"));
        assert!(matches_wildcard("*_number*", "account_number_masked"));
        assert!(matches_wildcard("ssn*", "ssn"));
        assert!(matches_wildcard("a*b*a", "aba"));
        assert!(!matches_wildcard("a*a", "a"));
    }
}
