//! Text that skips the round trip through tokens, syn and prettyplease: doc comments, and the
//! statements of `validate_at`, which the generator lays out itself (see `layout`).
//!
//! The spec's prose is a third of a generated file, and the validators' statements were
//! nearly half of what syn parsed: together most of the generation time of a large spec.
//! Instead, each doc block becomes one short placeholder attribute and each run of statements
//! a placeholder macro call, and [`splice`] puts the text in place of the placeholder's line
//! in the formatted file, indented like it.

use std::cell::RefCell;

use proc_macro2::TokenStream;
use quote::quote;

/// What a doc placeholder's text starts with; the block's index follows. prettyplease prints
/// `#[doc = "@doc:3"]` as `///@doc:3`.
const MARKER: &str = "@doc:";

/// The macro a statements placeholder calls with the block's index: `__splice!(3);`.
const STATEMENTS: &str = "__splice";

thread_local! {
    /// The blocks of the file being built on this thread (each file is built on one thread).
    static BLOCKS: RefCell<Vec<Vec<String>>> = const { RefCell::new(Vec::new()) };
}

/// Runs `build`, which emits one file, and returns the doc blocks it recorded.
pub fn collecting<R>(build: impl FnOnce() -> R) -> (R, Vec<Vec<String>>) {
    BLOCKS.with(|blocks| blocks.borrow_mut().clear());
    let built = build();
    (built, BLOCKS.with(|blocks| blocks.take()))
}

/// `///` docs on the next item.
pub fn outer(text: &str) -> TokenStream {
    match record(text) {
        Some(marker) => quote!(#[doc = #marker]),
        None => TokenStream::new(),
    }
}

/// `//!` docs of the enclosing module.
pub fn inner(text: &str) -> TokenStream {
    match record(text) {
        Some(marker) => quote!(#![doc = #marker]),
        None => TokenStream::new(),
    }
}

/// Statements laid out already, one or more lines each (continuation lines indented relative
/// to the first), in place of one statement.
pub fn statements(statements: &[String]) -> TokenStream {
    let lines = statements
        .iter()
        .flat_map(|statement| statement.lines().map(str::to_owned))
        .collect();
    let index = push(lines);
    let name = proc_macro2::Ident::new(STATEMENTS, proc_macro2::Span::call_site());
    let index = proc_macro2::Literal::usize_unsuffixed(index);
    quote!(#name!(#index);)
}

fn push(lines: Vec<String>) -> usize {
    BLOCKS.with(|blocks| {
        let mut blocks = blocks.borrow_mut();
        blocks.push(lines);
        blocks.len() - 1
    })
}

fn record(text: &str) -> Option<String> {
    let lines: Vec<String> = text
        .trim()
        .lines()
        .map(|line| {
            if line.trim().is_empty() {
                String::new()
            } else {
                format!(" {}", line.trim_end())
            }
        })
        .collect();
    if lines.is_empty() {
        return None;
    }
    Some(format!("{MARKER}{}", push(lines)))
}

/// `formatted` with each placeholder line replaced by its block: doc lines after the
/// placeholder's `///` or `//!`, statements at the placeholder's indent. Every block must be
/// used exactly once; anything else is a generator bug, reported rather than written out.
pub fn splice(formatted: &str, blocks: &[Vec<String>]) -> Result<String, String> {
    let mut out = String::with_capacity(formatted.len() + blocks.len() * 80);
    let mut used = vec![false; blocks.len()];
    for line in formatted.lines() {
        let text = line.trim_start();
        let indent = &line[..line.len() - text.len()];
        match placeholder(text) {
            Some((prefix, index)) => {
                let (Some(block), Some(false)) = (blocks.get(index), used.get(index).copied())
                else {
                    return Err(format!("text placeholder {index} is unknown or used twice"));
                };
                used[index] = true;
                for block_line in block {
                    out.push_str(indent);
                    out.push_str(prefix);
                    out.push_str(block_line);
                    out.push('\n');
                }
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    match used.iter().position(|used| !used) {
        Some(index) => Err(format!("text block {index} lost its placeholder")),
        None => Ok(out),
    }
}

/// The index of the block a placeholder line stands for, and what goes before each of its
/// lines.
fn placeholder(text: &str) -> Option<(&'static str, usize)> {
    let (prefix, index) = if let Some(index) = text.strip_prefix(STATEMENTS) {
        ("", index.strip_prefix("!(")?.strip_suffix(");")?)
    } else {
        let prefix = ["///", "//!"].into_iter().find(|p| text.starts_with(p))?;
        (prefix, text[prefix.len()..].strip_prefix(MARKER)?)
    };
    Some((prefix, index.parse().ok()?))
}

/// Whether `spliced` (the formatted file with its blocks in place) is the same Rust as
/// `tokens` (the emitter's tokens, placeholders included) with each block put in by hand:
/// doc lines as `#[doc]` attributes, statements parsed as tokens. It guards the generator's
/// own layout of statements (`emit::layout`) and the splicing against prettyplease.
pub fn verify(spliced: &str, tokens: TokenStream, blocks: &[Vec<String>]) -> Result<(), String> {
    let spliced: syn::File =
        syn::parse_file(spliced).map_err(|e| format!("the spliced file does not parse: {e}"))?;
    let expected: syn::File = syn::parse2(expand(tokens, blocks)?)
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

/// `tokens` with every placeholder replaced by its block, as tokens.
fn expand(tokens: TokenStream, blocks: &[Vec<String>]) -> Result<TokenStream, String> {
    use proc_macro2::{Group, TokenTree};

    let block = |index: &proc_macro2::Literal| {
        let index: usize = index
            .to_string()
            .parse()
            .map_err(|_| format!("placeholder index `{index}`"))?;
        blocks.get(index).ok_or_else(|| format!("no block {index}"))
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
                    return Err("a statements placeholder without `!(N);`".to_owned());
                };
                let Some(TokenTree::Literal(index)) = args.stream().into_iter().next() else {
                    return Err("a statements placeholder without its index".to_owned());
                };
                let text = block(&index)?.join("\n");
                let statements: TokenStream = text
                    .parse()
                    .map_err(|e| format!("block {index} is not Rust tokens: {e}"))?;
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
                let doc_block = match parts.as_slice() {
                    [
                        TokenTree::Ident(doc),
                        TokenTree::Punct(eq),
                        TokenTree::Literal(text),
                    ] if doc == "doc" && eq.as_char() == '=' => {
                        let text = text.to_string();
                        text.trim_matches('"').strip_prefix(MARKER).map(|index| {
                            proc_macro2::Literal::usize_unsuffixed(
                                index.parse().unwrap_or(usize::MAX),
                            )
                        })
                    }
                    _ => None,
                };
                match doc_block {
                    Some(index) => {
                        for line in block(&index)? {
                            let line = proc_macro2::Literal::string(line);
                            out.extend(match inner {
                                Some(_) => quote!(#![doc = #line]),
                                None => quote!(#[doc = #line]),
                            });
                        }
                    }
                    None => {
                        out.extend([TokenTree::Punct(pound)]);
                        out.extend(inner);
                        out.extend([TokenTree::Group(attribute)]);
                    }
                }
            }
            TokenTree::Group(group) => {
                let mut expanded = Group::new(group.delimiter(), expand(group.stream(), blocks)?);
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
    use super::splice;

    fn block(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|l| (*l).to_owned()).collect()
    }

    #[test]
    fn placeholders_become_their_text_at_their_indent() {
        let formatted = "//!@doc:0\nfn f() {\n    ///@doc:1\n    __splice!(2);\n    g();\n}\n";
        let blocks = [
            block(&[" Module docs."]),
            block(&[" First line.", "", " Third."]),
            block(&["let a = 1;", "h(", "    a,", ");"]),
        ];
        assert_eq!(
            splice(formatted, &blocks).as_deref(),
            Ok(
                "//! Module docs.\nfn f() {\n    /// First line.\n    ///\n    /// Third.\n    let a = 1;\n    h(\n        a,\n    );\n    g();\n}\n"
            )
        );
    }

    #[test]
    fn a_lost_or_repeated_block_is_an_error() {
        let blocks = [block(&["x();"])];
        assert!(splice("fn f() {}\n", &blocks).is_err());
        assert!(splice("__splice!(0);\n__splice!(0);\n", &blocks).is_err());
        assert!(splice("__splice!(1);\n", &blocks).is_err());
    }
}
