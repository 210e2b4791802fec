//! `cargo xtask <task>`: project automation in Rust, so it runs wherever cargo does.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Project tasks for the spec-driven Plaid client generator"
)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate generated/ from spec/.
    Regenerate {
        /// Write nothing; exit non-zero and name each file that differs when generated/ is stale.
        #[arg(long)]
        check: bool,
    },
}

fn main() -> ExitCode {
    match Cli::parse().task {
        Task::Regenerate { check } => regenerate(&workspace_root(), check),
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn regenerate(root: &Path, check: bool) -> ExitCode {
    let files = match codegen::generate(&root.join("spec"), &codegen::Options::default()) {
        Ok(files) => files,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let out = root.join("generated");
    let result = if check {
        codegen::sync::compare(&out, &files)
    } else {
        codegen::sync::write(&out, &files)
    };
    let drifts = match result {
        Ok(drifts) => drifts,
        Err(error) => {
            eprintln!(
                "error: cannot {} generated/: {error}",
                if check { "read" } else { "write" }
            );
            return ExitCode::FAILURE;
        }
    };
    match (check, drifts.is_empty()) {
        (_, true) => {
            eprintln!("generated/ is up to date ({} files)", files.len());
            ExitCode::SUCCESS
        }
        (true, false) => {
            eprintln!("generated/ is stale:");
            for drift in &drifts {
                eprintln!("  {drift}");
            }
            eprintln!("run `cargo xtask regenerate` and commit the result");
            ExitCode::FAILURE
        }
        (false, false) => {
            for drift in &drifts {
                eprintln!("  {drift}");
            }
            eprintln!("generated/ updated: {} file(s) changed", drifts.len());
            ExitCode::SUCCESS
        }
    }
}
