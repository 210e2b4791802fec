//! What a spec may say, in one module per topic: each file on its own (`spec`, before
//! lowering), refinements against what they refine (`refine`), then the whole model (`rules`,
//! `api`, `operations`, `one_of`, `examples`).

mod api;
mod examples;
mod one_of;
mod operations;
pub mod refine;
mod rules;
pub mod spec;

use crate::diag::Diagnostics;
use crate::ir::Model;

pub use examples::{Problem, problems as example_problems, string_problems};

/// The rules that need the whole model.
pub fn check(model: &Model, diagnostics: &mut Diagnostics) {
    api::check(model, diagnostics);
    operations::check(model, diagnostics);
    rules::check(model, diagnostics);
    one_of::check(model, diagnostics);
    examples::check(model, diagnostics);
}
