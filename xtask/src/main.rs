//! `cargo xtask <task>`: project automation in Rust, so it runs wherever cargo does.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};

mod import;

/// The generator allocates and frees millions of small token and syntax-tree nodes; mimalloc
/// takes about a sixth off the time of a large spec (BENCHMARKS.md, "Generator").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Regenerate generated/ from spec/, and the other committed crates (see `TARGETS`); with
    /// `--spec` and `--out`, one crate from any spec folder into any folder.
    Regenerate {
        /// Write nothing; exit non-zero and name each file that differs when generated/ is stale.
        #[arg(long)]
        check: bool,
        /// The spec folder to read (relative to the current folder). Default: every
        /// committed target (spec/ -> generated/, tests/petstore/spec/ ->
        /// tests/petstore/generated/).
        #[arg(long, requires = "out")]
        spec: Option<PathBuf>,
        /// The folder of the generated crate (relative to the current folder).
        #[arg(long, requires = "spec")]
        out: Option<PathBuf>,
        /// The generated crate's package name. Default: the spec's `api.package`, else its
        /// title in kebab case (`Swagger Petstore` -> `swagger-petstore`).
        #[arg(long, requires = "out")]
        package: Option<String>,
        /// Where the generated Cargo.toml finds the `specgen-runtime` crate, written as given
        /// (relative to the crate's folder, or absolute). Default: this repository's
        /// `runtime/`, relative to `--out`.
        #[arg(long, value_name = "PATH", requires = "out")]
        runtime_path: Option<String>,
        /// Also print what changed in the API since the spec at this git revision (see
        /// `changes`).
        #[arg(long, value_name = "REV", num_args = 0..=1, default_missing_value = "HEAD")]
        changes: Option<String>,
    },
    /// Print the API-level changes from the spec at a git revision to the spec in the working
    /// tree: operations, types, fields, enum values and rules, each marked breaking or not for
    /// the generated crate's semver.
    Changes {
        /// The revision to compare with.
        #[arg(long, default_value = "HEAD")]
        base: String,
        /// The spec folder to compare, in this repository (relative to the current folder).
        #[arg(long, default_value = "spec")]
        spec: PathBuf,
    },
    /// Write a synthetic spec of N operations (for benchmarks; never into spec/).
    Synth {
        /// How many operations the spec has.
        #[arg(long)]
        operations: usize,
        /// The folder to write the spec to; its *.yaml files are replaced.
        /// Default: target/synth/<N>.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Operations per spec file (about 7 KiB each); 0 puts them all in one file, which the
        /// generator refuses beyond its limits for one file (4 MiB, 250,000 YAML nodes: about
        /// 500 operations).
        #[arg(long, default_value_t = xtask::synth::DEFAULT_PER_FILE)]
        per_file: usize,
        /// Then run the generator on it in memory and print its time and the size of the
        /// generated crate.
        #[arg(long)]
        stats: bool,
    },
    /// Import an OpenAPI 3.0 description (YAML or JSON) into spec files, one per area.
    ///
    /// Writes only files that start with the `@imported` marker line (and deletes those no
    /// longer produced); refuses to overwrite a hand-written file. Prints every departure from
    /// the source as a warning. The rules: spec/README.md, "Importing the OpenAPI".
    Import {
        /// The OpenAPI file, e.g. spec/openapi/2020-09-14.yml.
        openapi: PathBuf,
        /// The folder to write the spec files to. Default: spec/.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    match Cli::parse().task {
        Task::Regenerate {
            check,
            spec,
            out,
            package,
            runtime_path,
            changes,
        } => {
            let root = workspace_root();
            let targets: Vec<(PathBuf, PathBuf)> = match (spec, out) {
                // As given, from where the command runs, like `import`'s paths.
                (Some(spec), Some(out)) => vec![(absolute(&spec), absolute(&out))],
                _ => TARGETS
                    .iter()
                    .map(|(spec, out)| (PathBuf::from(spec), PathBuf::from(out)))
                    .collect(),
            };
            let mut status = ExitCode::SUCCESS;
            let specs: Vec<PathBuf> = targets.iter().map(|(spec, _)| root.join(spec)).collect();
            for (spec, out) in targets {
                let out = root.join(out);
                let runtime_path = runtime_path
                    .clone()
                    .unwrap_or_else(|| xtask::relative_path(&out, &root.join("runtime")));
                let options = codegen::Options {
                    package_name: package.clone(),
                    runtime_path,
                    spec_folder: spec_folder(&root, &spec),
                    ..codegen::Options::default()
                };
                if regenerate(&root.join(spec), &out, &options, check) != ExitCode::SUCCESS {
                    status = ExitCode::FAILURE;
                }
            }
            match changes {
                Some(base) if status == ExitCode::SUCCESS => {
                    // Each target's changes, under its folder's name when there are several.
                    let mut status = ExitCode::SUCCESS;
                    for spec in &specs {
                        if specs.len() > 1 {
                            println!("{}:", spec_folder(&root, spec));
                        }
                        if print_changes(&root, spec, &base) != ExitCode::SUCCESS {
                            status = ExitCode::FAILURE;
                        }
                    }
                    status
                }
                _ => status,
            }
        }
        Task::Changes { base, spec } => {
            let root = workspace_root();
            print_changes(&root, &absolute(&spec), &base)
        }
        Task::Synth {
            operations,
            out,
            per_file,
            stats,
        } => synth(&workspace_root(), operations, out, per_file, stats),
        Task::Import { openapi, out } => import::run(&workspace_root(), &openapi, out),
    }
}

/// The spec folder as generated files name it: from the repository's root when inside it
/// (`spec/`, `tests/petstore/spec/`), else as an absolute path; with `/` on every system, so
/// that the output is the same everywhere.
fn spec_folder(root: &Path, spec: &Path) -> String {
    let (root, spec) = (resolved(root), resolved(&root.join(spec)));
    let shown = spec.strip_prefix(&root).unwrap_or(&spec);
    let text = shown.to_string_lossy().replace('\\', "/");
    format!("{}/", text.trim_end_matches('/'))
}

/// The path with `..` and links resolved when it exists, so that two spellings of one folder
/// compare equal.
fn resolved(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The committed crates `cargo xtask regenerate` keeps in line with their specs: Plaid's, and
/// petstore-expanded's (imported from tests/fixtures/openapi/, exercised by
/// tests/petstore.rs), so that `--check` and CI guard a crate generated from another API too.
const TARGETS: [(&str, &str); 2] = [
    ("spec", "generated"),
    ("tests/petstore/spec", "tests/petstore/generated"),
];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn print_changes(root: &Path, spec: &Path, base: &str) -> ExitCode {
    let (root, spec) = (&resolved(root), &resolved(spec));
    let Ok(folder) = spec.strip_prefix(root) else {
        eprintln!(
            "error: {} is not in this repository: the changes are taken from its git history",
            spec.display()
        );
        return ExitCode::FAILURE;
    };
    let folder = folder.to_string_lossy().replace('\\', "/");
    let before = match xtask::changes::committed_spec(root, base, &folder) {
        Ok(sources) => sources,
        Err(error) => {
            eprintln!("error: cannot read the spec at {base}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let after = match codegen::load::read_dir(spec) {
        Ok(sources) => sources,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            return ExitCode::FAILURE;
        }
    };
    match (codegen::model(&before), codegen::model(&after)) {
        (Ok(before), Ok(after)) => {
            print!(
                "{}",
                codegen::changes::render(&codegen::changes::between(&before, &after))
            );
            ExitCode::SUCCESS
        }
        (Err(diagnostics), _) => {
            eprintln!("the spec at {base} does not load:\n{diagnostics}");
            ExitCode::FAILURE
        }
        (_, Err(diagnostics)) => {
            eprintln!("{diagnostics}");
            ExitCode::FAILURE
        }
    }
}

fn regenerate(spec: &Path, out: &Path, options: &codegen::Options, check: bool) -> ExitCode {
    // As the repository names it (`generated/`), when it is in the repository.
    let shown = out
        .strip_prefix(workspace_root())
        .map(|relative| format!("{}/", relative.display()))
        .unwrap_or_else(|_| out.display().to_string());
    let files = match codegen::generate(spec, options) {
        Ok(files) => files,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let result = if check {
        codegen::sync::compare(out, &files)
    } else {
        codegen::sync::write(out, &files)
    };
    let drifts = match result {
        Ok(drifts) => drifts,
        Err(error) => {
            eprintln!(
                "error: cannot {} {}: {error}",
                if check { "read" } else { "write" },
                shown
            );
            return ExitCode::FAILURE;
        }
    };
    match (check, drifts.is_empty()) {
        (_, true) => {
            eprintln!("{shown} is up to date ({} files)", files.len());
            ExitCode::SUCCESS
        }
        (true, false) => {
            eprintln!("{shown} is stale:");
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
            eprintln!("{shown} updated: {} file(s) changed", drifts.len());
            ExitCode::SUCCESS
        }
    }
}

fn synth(
    root: &Path,
    operations: usize,
    out: Option<PathBuf>,
    per_file: usize,
    stats: bool,
) -> ExitCode {
    let out = out.unwrap_or_else(|| {
        root.join("target")
            .join("synth")
            .join(operations.to_string())
    });
    // The synthetic spec replaces every *.yaml of its folder: never let that be the real one.
    let real_spec = root.join("spec").canonicalize().ok();
    let target = std::path::absolute(&out)
        .ok()
        .and_then(|p| p.canonicalize().ok().or(Some(p)));
    if real_spec.is_some() && target == real_spec {
        eprintln!(
            "error: refusing to write a synthetic spec over the repository's spec/ ({})",
            out.display()
        );
        return ExitCode::FAILURE;
    }
    let files = match xtask::synth::write(&out, operations, per_file) {
        Ok(files) => files,
        Err(error) => {
            eprintln!(
                "error: cannot write the synthetic spec to {}: {error}",
                out.display()
            );
            return ExitCode::FAILURE;
        }
    };
    let bytes: usize = files.iter().map(|f| f.text.len()).sum();
    eprintln!(
        "wrote a synthetic spec of {operations} operations ({} types, {} files, {} KiB) to {}",
        operations * xtask::synth::TYPES_PER_OPERATION + 2,
        files.len(),
        bytes / 1024,
        out.display()
    );
    println!("{}", out.display());
    if stats {
        generation_stats(&out, operations)
    } else {
        ExitCode::SUCCESS
    }
}

/// Runs the generator on a spec folder and prints how long it took and how much Rust it
/// wrote, per operation: the lines beyond those of the same spec without operations.
fn generation_stats(spec: &Path, operations: usize) -> ExitCode {
    let options = codegen::Options::default();
    let start = Instant::now();
    let sources = match codegen::load::read_dir(spec) {
        Ok(sources) => sources,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let read = start.elapsed();
    if let Err(error) = codegen::model(&sources) {
        eprintln!("{error}");
        return ExitCode::FAILURE;
    }
    let model = start.elapsed() - read;
    let start = Instant::now();
    let files = match codegen::generate_sources(&sources, &options) {
        Ok(files) => files,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let pipeline = start.elapsed();
    let empty: Vec<_> = xtask::synth::spec(0, 1)
        .into_iter()
        .map(|f| codegen::load::Source {
            name: f.name,
            text: f.text,
        })
        .collect();
    let baseline = match codegen::generate_sources(&empty, &options) {
        Ok(files) => rust_lines(&files),
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let total = rust_lines(&files);
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    eprintln!(
        "read {:.1} ms, load+lower+check {:.1} ms; whole pipeline (load to formatted files) {:.1} ms",
        ms(read),
        ms(model),
        ms(pipeline)
    );
    eprintln!(
        "generated {} files, {total} lines of Rust; {:.0} lines per operation \
         (beyond the {baseline} lines of the same spec without operations)",
        files.len(),
        total.saturating_sub(baseline) as f64 / operations.max(1) as f64
    );
    ExitCode::SUCCESS
}

fn rust_lines(files: &[codegen::GeneratedFile]) -> usize {
    files
        .iter()
        .filter(|f| f.path.ends_with(".rs"))
        .map(|f| f.contents.lines().count())
        .sum()
}
