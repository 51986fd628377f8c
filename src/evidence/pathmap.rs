//! Maps a file path printed on the build machine (`/go/src/app/internal/x.go`, `/build/…`, `/home/ci/…`, or
//! module-relative `example.com/app/internal/x.go` from `-trimpath`) to the file in this checkout of the service:
//! first by the module path in the repository's `go.mod`, then by the longest path suffix that exists there.
//! The result says which rule matched, so the engineer can see (and correct) the mapping.

use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapped {
    /// Relative to the repository.
    pub relative: String,
    /// In words: `module example.com/app` or `suffix: /build/src/ → repo`.
    pub how: String,
}

/// The repository file `printed` refers to, when one exists.
pub fn map_path(printed: &str, repo: &Path) -> Option<Mapped> {
    if let Some(module) = module_path(repo) {
        let needle = format!("{module}/");
        let rest = printed
            .strip_prefix(&needle)
            .or_else(|| printed.find(&format!("/{needle}")).map(|i| &printed[i + 1 + needle.len()..]));
        if let Some(rest) = rest.filter(|r| repo.join(r).is_file()) {
            return Some(Mapped { relative: rest.to_string(), how: format!("module {module}") });
        }
    }
    if !printed.starts_with('/') && repo.join(printed).is_file() {
        return Some(Mapped { relative: printed.to_string(), how: "relative to the repository".into() });
    }
    let parts: Vec<&str> = printed.split('/').filter(|p| !p.is_empty()).collect();
    for skip in 0..parts.len() {
        let rest = parts[skip..].join("/");
        if repo.join(&rest).is_file() {
            let prefix = printed.strip_suffix(&rest).unwrap_or("");
            return Some(Mapped { relative: rest, how: format!("suffix: {prefix} → repository") });
        }
    }
    None
}

/// The `module` line of `repo/go.mod`.
pub fn module_path(repo: &Path) -> Option<String> {
    let text = std::fs::read_to_string(repo.join("go.mod")).ok()?;
    text.lines().find_map(|l| l.trim().strip_prefix("module ").map(|m| m.trim().trim_matches('"').to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("go.mod"), "module example.com/inventory\n\ngo 1.19\n").unwrap();
        std::fs::create_dir_all(dir.path().join("internal/stock")).unwrap();
        std::fs::write(dir.path().join("internal/stock/stock.go"), "package stock\n").unwrap();
        std::fs::write(dir.path().join("main.go"), "package main\n").unwrap();
        dir
    }

    #[test]
    fn build_paths_module_paths_and_suffixes_map_to_the_checkout() {
        let r = repo();
        let m = map_path("example.com/inventory/internal/stock/stock.go", r.path()).unwrap();
        assert_eq!((m.relative.as_str(), m.how.as_str()), ("internal/stock/stock.go", "module example.com/inventory"));
        let m = map_path("/go/src/app/internal/stock/stock.go", r.path()).unwrap();
        assert_eq!(m.relative, "internal/stock/stock.go");
        assert_eq!(m.how, "suffix: /go/src/app/ → repository");
        let m = map_path("/home/ci/go/pkg/mod/example.com/inventory/main.go", r.path()).unwrap();
        assert_eq!(m.relative, "main.go");
        assert_eq!(map_path("/usr/local/go/src/runtime/panic.go", r.path()), None);
    }
}
