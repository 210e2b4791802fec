//! The spec as committed at a git revision, to compare the working tree's with.

use std::path::Path;
use std::process::Command;

use codegen::load::Source;

/// The `*.yaml` files of the spec folder `folder` (relative to the repository's root) and its
/// `overlay/` at `revision`, named as `load::read_dir` names the working tree's (after the
/// folder's last component: `spec/user.yaml`), so that the two models compare name for name.
pub fn committed_spec(root: &Path, revision: &str, folder: &str) -> Result<Vec<Source>, String> {
    let folder = folder.trim_end_matches('/');
    let overlay = format!("{folder}/overlay/");
    let listing = git(
        root,
        &[
            "ls-tree",
            "--name-only",
            revision,
            &format!("{folder}/"),
            &overlay,
        ],
    )?;
    let mut names: Vec<&str> = listing
        .lines()
        .filter(|name| name.ends_with(".yaml") || name.ends_with(".yml"))
        .collect();
    // `read_dir` lists the folder first, then its overlay/, each sorted.
    names.sort_by_key(|name| (name.starts_with(&overlay), *name));
    let shown = folder.rsplit('/').next().unwrap_or(folder);
    names
        .into_iter()
        .map(|name| {
            let text = git(root, &["show", &format!("{revision}:{name}")])?;
            let inside = name.strip_prefix(folder).unwrap_or(name);
            Ok(Source {
                name: format!("{shown}{inside}"),
                text,
            })
        })
        .collect()
}

fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!("git {}: {}", args.join(" "), stderr.trim()));
    }
    String::from_utf8(output.stdout).map_err(|_| format!("git {}: not UTF-8", args.join(" ")))
}
