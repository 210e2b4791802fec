//! Library side of `cargo xtask`: what the benchmarks share with the command line.

pub mod changes;
pub mod synth;

use std::path::{Component, Path, PathBuf};

/// `to` as a path relative to the folder `from` (`../runtime` from `generated/`), both made
/// absolute and normalized without touching the file system (`from` may not exist yet);
/// forward slashes, since it is written into a Cargo.toml. `to` itself, absolute, when the two
/// share no root (another drive).
pub fn relative_path(from: &Path, to: &Path) -> String {
    let normal = |path: &Path| -> PathBuf {
        let mut out = PathBuf::new();
        for component in std::path::absolute(path)
            .unwrap_or_else(|_| path.to_path_buf())
            .components()
        {
            match component {
                Component::CurDir => {}
                Component::ParentDir => {
                    out.pop();
                }
                other => out.push(other),
            }
        }
        out
    };
    let (from, to) = (normal(from), normal(to));
    let common = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return to.to_string_lossy().replace('\\', "/");
    }
    let ups = from.components().count() - common;
    let mut parts: Vec<String> = vec!["..".to_owned(); ups];
    parts.extend(
        to.components()
            .skip(common)
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::relative_path;
    use std::path::Path;

    #[test]
    fn relative_paths() {
        let root = Path::new("/repo");
        assert_eq!(
            relative_path(&root.join("generated"), &root.join("runtime")),
            "../runtime"
        );
        assert_eq!(
            relative_path(&root.join("tests/petstore"), &root.join("runtime")),
            "../../runtime"
        );
        assert_eq!(
            relative_path(Path::new("/tmp/x/./y/.."), &root.join("runtime")),
            "../../repo/runtime"
        );
    }
}
