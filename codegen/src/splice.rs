//! Text that skips the round trip through tokens, syn and prettyplease: doc comments, and the
//! statements of `validate_at`, which the generator lays out itself (see `emit::layout`).
//!
//! The spec's prose is a third of a generated file, and the validators' statements were
//! nearly half of what syn parsed: together most of the generation time of a large spec.
//! Instead, each doc block becomes one placeholder attribute and each run of statements one
//! placeholder macro call, each carrying its text as a single string literal, and [`splice`]
//! puts the text in place of the placeholder's line in the formatted file, indented like it.
//! A placeholder holds its own text, so emitting needs no registry and no shared state.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

/// The attribute a doc placeholder is: `#[__doc("text")]`, or `#![__doc("text")]` for the
/// module's own docs. Not `doc`, which prettyplease would print as a comment.
const DOCS: &str = "__doc";

/// The macro a statements placeholder calls: `__splice!("statements");`.
const STATEMENTS: &str = "__splice";

/// `///` docs on the next item.
pub fn outer(text: &str) -> TokenStream {
    match doc_block(text) {
        Some(block) => {
            let name = Ident::new(DOCS, Span::call_site());
            quote!(#[#name(#block)])
        }
        None => TokenStream::new(),
    }
}

/// `//!` docs of the enclosing module.
pub fn inner(text: &str) -> TokenStream {
    match doc_block(text) {
        Some(block) => {
            let name = Ident::new(DOCS, Span::call_site());
            quote!(#![#name(#block)])
        }
        None => TokenStream::new(),
    }
}

/// Statements laid out already, one or more lines each (continuation lines indented relative
/// to the first), in place of one statement.
pub fn statements(statements: &[String]) -> TokenStream {
    let name = Ident::new(STATEMENTS, Span::call_site());
    let text = Literal::string(&statements.join("\n"));
    quote!(#name!(#text);)
}

/// The doc lines, each after its `///` (a space first, unless the line is empty), as one
/// literal; `None` for empty docs.
fn doc_block(text: &str) -> Option<Literal> {
    let mut in_code = false;
    let lines: Vec<String> = text
        .trim()
        .lines()
        .map(|line| {
            if line.trim_start().starts_with("```") {
                in_code = !in_code;
            }
            if line.trim().is_empty() {
                String::new()
            } else if in_code {
                format!(" {}", line.trim_end())
            } else {
                format!(" {}", link_bare_urls(line.trim_end()))
            }
        })
        .collect();
    (!lines.is_empty()).then(|| Literal::string(&lines.join("\n")))
}

/// The line with each bare `https://...` word written `<https://...>`, as rustdoc wants a link
/// (the API's prose writes URLs bare); punctuation after the URL stays outside it.
fn link_bare_urls(line: &str) -> String {
    if !line.contains("http://") && !line.contains("https://") {
        return line.to_owned();
    }
    let words = line.split(' ').map(|word| {
        if !(word.starts_with("https://") || word.starts_with("http://")) {
            return word.to_owned();
        }
        let url = word.trim_end_matches(['.', ',', ';', ':', '!', '?', ')']);
        format!("<{url}>{}", &word[url.len()..])
    });
    words.collect::<Vec<_>>().join(" ")
}

/// `formatted` with each placeholder replaced by its text: doc lines after `///` or `//!`,
/// statements at the placeholder's indent. prettyplease prints a placeholder on one line, or
/// with its literal on a line of its own when the line would be long. A placeholder whose text
/// cannot be read back is a generator bug, reported rather than written out.
pub fn splice(formatted: &str) -> Result<String, String> {
    let mut out = String::with_capacity(formatted.len() + formatted.len() / 4);
    let mut lines = formatted.lines();
    while let Some(line) = lines.next() {
        let text = line.trim_start();
        let indent = &line[..line.len() - text.len()];
        let Some((prefix, close, rest)) = placeholder(text) else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let literal = match rest.strip_suffix(close) {
            Some(literal) if !literal.is_empty() => literal.to_owned(),
            _ if rest.is_empty() => {
                let mut literal = String::new();
                loop {
                    let Some(next) = lines.next() else {
                        return Err("a placeholder is not closed".to_owned());
                    };
                    let next = next.trim();
                    if next == close {
                        break;
                    }
                    literal.push_str(next.strip_suffix(',').unwrap_or(next));
                }
                literal
            }
            _ => {
                return Err(format!(
                    "a placeholder in an unexpected shape: `{text:.40}`"
                ));
            }
        };
        for block_line in unquote(&literal)?.split('\n') {
            out.push_str(indent);
            out.push_str(prefix);
            out.push_str(block_line);
            out.push('\n');
        }
    }
    Ok(out)
}

/// For a placeholder's first line: what goes before each line of its block, the text that
/// closes it, and what follows its opening parenthesis.
fn placeholder(text: &str) -> Option<(&'static str, &'static str, &str)> {
    if let Some(rest) = text.strip_prefix(STATEMENTS) {
        return Some(("", ");", rest.strip_prefix("!(")?));
    }
    let (prefix, rest) = match text.strip_prefix("#![") {
        Some(rest) => ("//!", rest),
        None => ("///", text.strip_prefix("#[")?),
    };
    Some((prefix, ")]", rest.strip_prefix(DOCS)?.strip_prefix('(')?))
}

/// A string literal's value, as printed by prettyplease.
fn unquote(literal: &str) -> Result<String, String> {
    syn::parse_str::<syn::LitStr>(literal)
        .map(|l| l.value())
        .map_err(|e| format!("a placeholder's text `{literal:.40}` does not read back: {e}"))
}

/// Whether `spliced` (the formatted file with its blocks in place) is the same Rust as
/// `tokens` (the emitter's tokens, placeholders included) with each block put in by hand:
/// doc lines as `#[doc]` attributes, statements parsed as tokens. It guards the generator's
/// own layout of statements (`emit::layout`) and the splicing against prettyplease.
pub fn verify(spliced: &str, tokens: TokenStream) -> Result<(), String> {
    let spliced: syn::File =
        syn::parse_file(spliced).map_err(|e| format!("the spliced file does not parse: {e}"))?;
    let expected: syn::File = syn::parse2(expand(tokens)?)
        .map_err(|e| format!("the expanded tokens do not parse: {e}"))?;
    // Printed again by prettyplease: one canonical text for both, whatever the literal form
    // of a doc string (`r"..."` from `quote`, `"..."` from a `///` line).
    let (spliced, expected) = (
        prettyplease::unparse(&spliced),
        prettyplease::unparse(&expected),
    );
    if spliced == expected {
        return Ok(());
    }
    let at = spliced
        .char_indices()
        .zip(expected.chars())
        .find(|((_, a), b)| a != b)
        .map_or(spliced.len().min(expected.len()), |((i, _), _)| i);
    let context = |text: &str| {
        text.chars()
            .skip(at.saturating_sub(60))
            .take(120)
            .collect::<String>()
    };
    Err(format!(
        "they differ at offset {at} of the reprinted text:\n  spliced:  {}\n  expected: {}",
        context(&spliced),
        context(&expected)
    ))
}

/// `tokens` with every placeholder replaced by its text, as tokens.
fn expand(tokens: TokenStream) -> Result<TokenStream, String> {
    use proc_macro2::{Group, TokenTree};

    let text = |args: &Group| match args.stream().into_iter().next() {
        Some(TokenTree::Literal(literal)) => unquote(&literal.to_string()),
        _ => Err("a placeholder without its text".to_owned()),
    };
    let mut out = TokenStream::new();
    let mut trees = tokens.into_iter().peekable();
    while let Some(tree) = trees.next() {
        match tree {
            TokenTree::Ident(ident) if ident == STATEMENTS => {
                let (
                    Some(TokenTree::Punct(_)),
                    Some(TokenTree::Group(args)),
                    Some(TokenTree::Punct(_)),
                ) = (trees.next(), trees.next(), trees.next())
                else {
                    return Err("a statements placeholder without `!(text);`".to_owned());
                };
                let statements: TokenStream = text(&args)?
                    .parse()
                    .map_err(|e| format!("a statements block is not Rust tokens: {e}"))?;
                out.extend(statements);
            }
            TokenTree::Punct(pound) if pound.as_char() == '#' => {
                let inner = match trees.peek() {
                    Some(TokenTree::Punct(bang)) if bang.as_char() == '!' => trees.next(),
                    _ => None,
                };
                let Some(TokenTree::Group(attribute)) = trees.next() else {
                    return Err("`#` without an attribute".to_owned());
                };
                let parts: Vec<TokenTree> = attribute.stream().into_iter().collect();
                match parts.as_slice() {
                    [TokenTree::Ident(name), TokenTree::Group(args)] if name == DOCS => {
                        for line in text(args)?.split('\n') {
                            out.extend(match inner {
                                Some(_) => quote!(#![doc = #line]),
                                None => quote!(#[doc = #line]),
                            });
                        }
                    }
                    _ => {
                        out.extend([TokenTree::Punct(pound)]);
                        out.extend(inner);
                        out.extend([TokenTree::Group(attribute)]);
                    }
                }
            }
            TokenTree::Group(group) => {
                let mut expanded = Group::new(group.delimiter(), expand(group.stream())?);
                expanded.set_span(group.span());
                out.extend([TokenTree::Group(expanded)]);
            }
            other => out.extend([other]),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{inner, outer, splice, statements};

    #[test]
    fn placeholders_become_their_text_at_their_indent() {
        let module_docs = inner("Module docs.");
        let docs = outer("First line.\n\nThird.");
        let long = outer(&"A long line of documentation. ".repeat(6));
        let body = statements(&["let a = 1;".to_owned(), "h(\n    a,\n);".to_owned()]);
        let tokens = quote::quote! {
            #module_docs
            #docs
            fn f() {
                #body
                g();
            }
            #long
            struct S;
        };
        let file: syn::File = syn::parse2(tokens).expect("tokens");
        let long_line = "A long line of documentation. ".repeat(6);
        assert_eq!(
            splice(&prettyplease::unparse(&file)),
            Ok(format!(
                "//! Module docs.\n/// First line.\n///\n/// Third.\nfn f() {{\n    let a = 1;\n    \
                 h(\n        a,\n    );\n    g();\n}}\n/// {}\nstruct S;\n",
                long_line.trim_end()
            ))
        );
    }

    #[test]
    fn a_placeholder_whose_text_does_not_read_back_is_an_error() {
        assert!(splice("__splice!(\"unterminated);\n").is_err());
        assert!(splice("#[__doc(\"a\" \"b\")]\n").is_err());
    }

    #[test]
    fn bare_urls_become_links_and_others_stay() {
        assert_eq!(
            super::link_bare_urls("see https://plaid.com/global/. Or [x](https://a.b)"),
            "see <https://plaid.com/global/>. Or [x](https://a.b)"
        );
        assert_eq!(super::link_bare_urls("no links"), "no links");
    }

    #[test]
    fn empty_docs_leave_no_placeholder() {
        assert!(outer("  \n ").is_empty());
    }
}
