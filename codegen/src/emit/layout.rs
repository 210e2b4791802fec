//! Statements the generator lays out itself, in prettyplease's style, so that they can skip
//! the token round trip (see `crate::splice`): a line is kept whole when it fits within prettyplease's
//! margin, and broken the way prettyplease breaks it otherwise.

use proc_macro2::Literal;

/// prettyplease's margin: a line of up to this many columns stays whole.
const MARGIN: usize = 89;

/// The indent of statements in a method of a top-level `impl` (two levels of four).
pub const METHOD_BODY: usize = 8;

const INDENT: &str = "    ";

/// `callee(args);`, or one argument per line when that does not fit.
pub fn call(indent: usize, callee: &str, args: &[String]) -> String {
    let whole = format!("{callee}({});", args.join(", "));
    if indent + whole.len() <= MARGIN {
        return whole;
    }
    let mut broken = format!("{callee}(\n");
    for arg in args {
        broken.push_str(&format!("{INDENT}{arg},\n"));
    }
    broken.push_str(");");
    broken
}

/// `head.link().link();`, or one link per line when that does not fit.
pub fn chain(indent: usize, head: &str, links: &[String]) -> String {
    let whole = format!("{head}.{};", links.join("."));
    if links.is_empty() {
        return format!("{head};");
    }
    if indent + whole.len() <= MARGIN {
        return whole;
    }
    let mut broken = head.to_owned();
    for link in links {
        broken.push_str(&format!("\n{INDENT}.{link}"));
    }
    broken.push(';');
    broken
}

/// A Rust string literal, escaped as `quote` would.
pub fn string(value: &str) -> String {
    Literal::string(value).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_statements_stay_on_one_line() {
        let args = ["\"id\"".to_owned(), "&self.id".to_owned(), "&ID".to_owned()];
        assert_eq!(
            call(8, "check.string", &args),
            "check.string(\"id\", &self.id, &ID);"
        );
        let links = ["min_length(1)".to_owned()];
        assert_eq!(
            chain(8, "static ID: StringRules = StringRules::new()", &links),
            "static ID: StringRules = StringRules::new().min_length(1);"
        );
    }

    #[test]
    fn long_statements_break_like_prettyplease() {
        let args = [
            "\"a_rather_long_field_name\"".to_owned(),
            "&self.a_rather_long_field_name".to_owned(),
            "&A_RATHER_LONG_FIELD_NAME".to_owned(),
        ];
        assert_eq!(
            call(8, "check.string", &args),
            "check.string(\n    \"a_rather_long_field_name\",\n    &self.a_rather_long_field_name,\n    &A_RATHER_LONG_FIELD_NAME,\n);"
        );
        let links = [
            "min_length(1)".to_owned(),
            "max_length(128)".to_owned(),
            "pattern(\"^[a-z]+-[0-9a-f-]+$\")".to_owned(),
        ];
        assert_eq!(
            chain(
                8,
                "static ACCOUNT_ID: StringRules = StringRules::new()",
                &links
            ),
            "static ACCOUNT_ID: StringRules = StringRules::new()\n    .min_length(1)\n    .max_length(128)\n    .pattern(\"^[a-z]+-[0-9a-f-]+$\");"
        );
        assert_eq!(string("a\"b\\c"), r#""a\"b\\c""#);
    }
}
