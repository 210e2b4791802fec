//! `cargo xtask import <openapi> [--out DIR]`: the OpenAPI importer (codegen::import) on a
//! file, written into the spec folder, with its warnings on stderr.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

pub fn run(root: &Path, openapi: &Path, out: Option<PathBuf>) -> ExitCode {
    let start = Instant::now();
    let text = match std::fs::read_to_string(openapi) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("error: cannot read {}: {error}", openapi.display());
            return ExitCode::FAILURE;
        }
    };
    // The marker line and the warnings name the file as the repository does, so that the
    // output does not depend on where the command ran.
    let source = std::path::absolute(openapi)
        .ok()
        .and_then(|p| p.canonicalize().ok())
        .and_then(|p| {
            let root = root.canonicalize().ok()?;
            p.strip_prefix(&root).ok().map(Path::to_path_buf)
        })
        .unwrap_or_else(|| openapi.to_path_buf());
    let source = source.to_string_lossy().replace('\\', "/");
    let import = match codegen::import::import(&source, &text) {
        Ok(import) => import,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let out = out.unwrap_or_else(|| root.join("spec"));
    let report = match codegen::import::write(&out, &import) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    for line in import.warning_lines() {
        eprintln!("{line}");
    }
    for name in &report.kept {
        eprintln!(
            "note: {name} is hand-written (no `@imported` line): kept, the imported one not written"
        );
    }
    eprintln!(
        "{}; {} written, {} unchanged, {} deleted in {} ({:.0} ms)",
        import.summary(),
        report.written.len(),
        report.unchanged,
        report.deleted.len(),
        out.display(),
        start.elapsed().as_secs_f64() * 1e3
    );
    ExitCode::SUCCESS
}
