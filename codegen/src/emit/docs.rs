//! Doc comments, kept out of the token stream.
//!
//! The spec's prose is a third of a generated file. Passed through tokens, every line was
//! escaped into a string literal, parsed by syn, unescaped and printed again by prettyplease,
//! which took a quarter of the generation time of a large spec. Instead, each doc block
//! becomes one short placeholder attribute, and [`splice`] puts the text in place of the
//! placeholder's line in the formatted file, indented like it.

use std::cell::RefCell;

use proc_macro2::TokenStream;
use quote::quote;

/// What a placeholder's text starts with; the block's index follows. prettyplease prints
/// `#[doc = "@doc:3"]` as `///@doc:3`.
const MARKER: &str = "@doc:";

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
    let index = BLOCKS.with(|blocks| {
        let mut blocks = blocks.borrow_mut();
        blocks.push(lines);
        blocks.len() - 1
    });
    Some(format!("{MARKER}{index}"))
}

/// `formatted` with each placeholder line replaced by its block.
pub fn splice(formatted: &str, blocks: &[Vec<String>]) -> String {
    let mut out = String::with_capacity(formatted.len() + blocks.len() * 80);
    for line in formatted.lines() {
        let text = line.trim_start();
        let indent = &line[..line.len() - text.len()];
        let placeholder = ["///", "//!"].into_iter().find_map(|style| {
            let index: usize = text
                .strip_prefix(style)?
                .strip_prefix(MARKER)?
                .parse()
                .ok()?;
            Some((style, blocks.get(index)?))
        });
        match placeholder {
            Some((style, block)) => {
                for doc_line in block {
                    out.push_str(indent);
                    out.push_str(style);
                    out.push_str(doc_line);
                    out.push('\n');
                }
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}
