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
