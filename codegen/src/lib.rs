//! The generator: `spec/` (YAML) -> load -> check (each file) -> lower -> check (the model)
//! -> emit -> format -> files.
//!
//! [`generate`] is the whole pipeline; the stages are public so tests can drive them one by
//! one.

mod answers;
pub mod changes;
pub mod check;
pub mod constraint;
pub mod diag;
mod emit;
pub mod import;
pub mod index;
pub mod ir;
pub mod load;
pub mod lower;
pub mod names;
pub mod output;
pub mod parallel;
pub mod paths;
pub mod source;
pub mod spec;
mod splice;
pub mod sync;

use std::path::Path;

pub use diag::{Diagnostic, Diagnostics};
pub use output::{GeneratedFile, Options};
pub use parallel::set_max_threads;

/// Why generation failed.
#[derive(Debug)]
pub enum Error {
    /// The spec is broken; every problem found is listed.
    Spec(Diagnostics),
    /// The generator produced something it cannot format: a bug in the generator.
    Internal(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Spec(diagnostics) => diagnostics.fmt(f),
            Error::Internal(message) => write!(f, "internal generator error: {message}"),
        }
    }
}

impl std::error::Error for Error {}

/// Reads, checks and lowers the spec files. Every problem found is reported, not only the
/// first.
pub fn model(sources: &[load::Source]) -> Result<ir::Model, Diagnostics> {
    let (model, mut diagnostics) = lowered(sources);
    if let Some(model) = &model {
        check::check(model, &mut diagnostics);
    }
    diagnostics.finish(sources);
    match model {
        Some(model) if diagnostics.is_empty() => Ok(model),
        _ => Err(diagnostics),
    }
}

/// The spec files lowered as far as they allow, with what each file's checks found: lowering
/// leaves out what they refuse, so there is a model whenever a file has an `api` block.
pub fn lowered(sources: &[load::Source]) -> (Option<ir::Model>, Diagnostics) {
    let (files, diagnostics) = load::parse(sources);
    lower_files(&files, diagnostics)
}

/// [`lowered`] on spec files already read, or built: the importer checks its examples on the
/// model of the files it built, where an overlay may still mend what the import alone lacks
/// (Plaid's multipart upload) or name what it no longer has, so their problems are not its.
pub fn lower_files(
    files: &[(String, spec::SpecFile)],
    mut diagnostics: Diagnostics,
) -> (Option<ir::Model>, Diagnostics) {
    let index = index::TypeIndex::new(files);
    check::spec::check(files, &index, diagnostics.is_empty(), &mut diagnostics);
    check::refine::check(files, &index, &mut diagnostics);
    let model = lower::lower(files, &index, &mut diagnostics);
    (model, diagnostics)
}

/// The whole pipeline on in-memory sources.
pub fn generate_sources(
    sources: &[load::Source],
    options: &Options,
) -> Result<Vec<GeneratedFile>, Error> {
    let model = model(sources).map_err(Error::Spec)?;
    let options = Options {
        api_title: model.api.title.clone(),
        package_name: Some(
            options
                .package_name
                .clone()
                .unwrap_or_else(|| model.api.package.clone()),
        ),
        license: options
            .license
            .clone()
            .or_else(|| model.api.license.clone()),
        ..options.clone()
    };
    emit::emit(&model, &options).map_err(Error::Internal)
}

/// The whole pipeline on a spec folder.
pub fn generate(spec_dir: &Path, options: &Options) -> Result<Vec<GeneratedFile>, Error> {
    let sources = load::read_dir(spec_dir).map_err(Error::Spec)?;
    generate_sources(&sources, options)
}
