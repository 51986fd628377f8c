//! Maps the file paths in evidence (a crash log, a race report) to files of the repository under investigation.
//!
//! A production binary was built somewhere else, so its frames name the build machine's paths: `/go/src/app/…`
//! (the golang Docker image's working directory), `/build/…`, `/home/ci/…`, or, with `-trimpath`,
//! module-relative ones (`example.com/inventory/internal/stock/stock.go`). Opening, blaming and reporting a frame
//! need this checkout's file. Every mapping is a prefix rewrite `FROM=TO` (an evidence prefix replaced by a
//! repository-relative one), so the UI can show the rewrite it used and the user can give a better one, which
//! then wins. Only files that exist are answers: a mapping never invents a path, and never leaves the repository.

use serde::Serialize;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// How a path was mapped, in the order they are tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MappingKind {
    /// A rewrite the user gave (`--map FROM=TO`, or a correction in the TUI).
    User,
    /// The path is already in the repository: absolute under its root, or relative and present as is.
    Repository,
    /// The module path of the repository's `go.mod` (a `-trimpath` build, or a GOPATH-style build directory).
    Module,
    /// The longest tail of the path that exists in the repository; the build directory is the rest.
    Suffix,
}

/// The rewrite that mapped a path: `from` (a prefix of the evidence's path) became `to` (relative to the
/// repository's root, empty for the root itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mapping {
    pub kind: MappingKind,
    pub from: String,
    pub to: String,
}

impl Mapping {
    /// The mapping as the user would type it to correct it: `FROM=TO`.
    pub fn rewrite(&self) -> String {
        format!("{}={}", self.from, self.to)
    }
}

/// An evidence path resolved to a file of the repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MappedPath {
    /// Relative to the repository's root, `/`-separated.
    pub file: String,
    pub mapping: Mapping,
}

/// A user's prefix rewrite, parsed from `FROM=TO`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewrite {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RewriteError {
    #[error("a path rewrite is FROM=TO (the build's prefix = the repository's), got {0:?}")]
    NoEquals(String),
    #[error("the FROM of a path rewrite is empty in {0:?}")]
    EmptyFrom(String),
    #[error("the TO of a path rewrite is relative to the repository and stays inside it, got {0:?}")]
    OutsideRepository(String),
}

impl FromStr for Rewrite {
    type Err = RewriteError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (from, to) = text.split_once('=').ok_or_else(|| RewriteError::NoEquals(text.to_string()))?;
        if from.is_empty() {
            return Err(RewriteError::EmptyFrom(text.to_string()));
        }
        let to = to.trim_start_matches("./");
        if to.starts_with('/') || to.split('/').any(|c| c == "..") {
            return Err(RewriteError::OutsideRepository(to.to_string()));
        }
        Ok(Rewrite { from: normalise(from), to: to.to_string() })
    }
}

/// Maps evidence paths into one repository.
#[derive(Debug, Clone)]
pub struct PathMapper {
    /// The repository's root, `/`-separated, without a trailing `/`.
    root: String,
    module: Option<String>,
    user: Vec<Rewrite>,
}

impl PathMapper {
    /// A mapper for the repository at `root` whose `go.mod` declares `module` (if any).
    pub fn new(root: impl Into<PathBuf>, module: Option<String>) -> Self {
        let root = normalise(&root.into().to_string_lossy());
        let root = if root == "/" { root } else { root.trim_end_matches('/').to_string() };
        PathMapper { root, module, user: Vec::new() }
    }

    /// A mapper for the repository at `root`, with the module path read from `root/go.mod` when there is one.
    pub fn for_repo(root: &Path) -> Self {
        let module = std::fs::read_to_string(root.join("go.mod")).ok().and_then(|text| module_of_go_mod(&text));
        PathMapper::new(root, module)
    }

    /// User rewrites, tried before anything else (the longest `from` first).
    pub fn with_rewrites(mut self, mut rewrites: Vec<Rewrite>) -> Self {
        rewrites.sort_by_key(|r| std::cmp::Reverse(r.from.len()));
        self.user = rewrites;
        self
    }

    pub fn module(&self) -> Option<&str> {
        self.module.as_deref()
    }

    pub fn root(&self) -> &str {
        &self.root
    }

    /// Maps `evidence` to a file that exists under the repository's root.
    pub fn map(&self, evidence: &str) -> Option<MappedPath> {
        let root = Path::new(&self.root);
        self.map_with(evidence, |relative| root.join(relative).is_file())
    }

    /// Maps `evidence`, asking `exists` whether a repository-relative path is a file of the repository.
    pub fn map_with(&self, evidence: &str, exists: impl Fn(&str) -> bool) -> Option<MappedPath> {
        let path = normalise(evidence);
        let found = |kind: MappingKind, from: &str, to: &str| -> Option<MappedPath> {
            let rest = path.get(from.len()..)?;
            let file = join(to, rest);
            (inside(&file) && exists(&file))
                .then(|| MappedPath { file, mapping: Mapping { kind, from: from.to_string(), to: to.to_string() } })
        };
        for rewrite in &self.user {
            if path.starts_with(&rewrite.from) {
                if let Some(mapped) = found(MappingKind::User, &rewrite.from, &rewrite.to) {
                    return Some(mapped);
                }
            }
        }
        let root_prefix = if self.root == "/" { "/".to_string() } else { format!("{}/", self.root) };
        if path.starts_with(&root_prefix) {
            if let Some(mapped) = found(MappingKind::Repository, &root_prefix, "") {
                return Some(mapped);
            }
        }
        if !path.starts_with('/') {
            if let Some(mapped) = found(MappingKind::Repository, "", "") {
                return Some(mapped);
            }
        }
        if let Some(module) = &self.module {
            if let Some(end) = module_prefix_end(&path, module) {
                if let Some(mapped) = found(MappingKind::Module, &path[..end], "") {
                    return Some(mapped);
                }
            }
        }
        // Longest suffix first: the more of the build's layout that matches, the more likely it is the file.
        let starts = std::iter::once(0)
            .chain(path.char_indices().filter(|&(_, c)| c == '/').map(|(at, _)| at + 1))
            .filter(|&at| at < path.len());
        for start in starts {
            if let Some(mapped) = found(MappingKind::Suffix, &path[..start], "") {
                return Some(mapped);
            }
        }
        None
    }
}

/// The module path declared by a `go.mod` (`module example.com/inventory`, quoted or not, comments allowed).
pub fn module_of_go_mod(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let line = line.split("//").next().unwrap_or("").trim();
        let rest = line.strip_prefix("module")?;
        if !rest.starts_with([' ', '\t', '"']) {
            return None;
        }
        let name = rest.trim().trim_matches(|c| c == '"' || c == '`');
        (!name.is_empty()).then(|| name.to_string())
    })
}

/// Where the module path ends in `path`, when the path holds it as whole components (`example.com/inventory/`
/// at the start, or after a `/` as in a GOPATH layout `/go/src/example.com/inventory/…`).
fn module_prefix_end(path: &str, module: &str) -> Option<usize> {
    let needle = format!("{module}/");
    if path.starts_with(&needle) {
        return Some(needle.len());
    }
    let at = path.find(&format!("/{needle}"))?;
    Some(at + 1 + needle.len())
}

/// `/`-separated: a Windows build's `C:\build\x.go` becomes `C:/build/x.go`.
fn normalise(path: &str) -> String {
    if path.contains('\\') && !path.contains('/') {
        path.replace('\\', "/")
    } else {
        path.to_string()
    }
}

fn join(prefix: &str, rest: &str) -> String {
    match (prefix.is_empty(), prefix.ends_with('/')) {
        (true, _) => rest.to_string(),
        (false, true) => format!("{prefix}{rest}"),
        (false, false) => format!("{prefix}/{rest}"),
    }
}

/// A repository-relative path that cannot leave the repository.
fn inside(relative: &str) -> bool {
    !relative.is_empty()
        && !relative.starts_with('/')
        && relative.split('/').all(|c| !c.is_empty() && c != ".." && c != ".")
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILES: [&str; 4] = ["go.mod", "main.go", "internal/stock/stock.go", "internal/api/handlers.go"];

    fn mapper() -> PathMapper {
        PathMapper::new("/src/inventory", Some("example.com/inventory".to_string()))
    }

    fn map(mapper: &PathMapper, evidence: &str) -> Option<(String, MappingKind, String)> {
        mapper.map_with(evidence, |p| FILES.contains(&p)).map(|m| (m.file, m.mapping.kind, m.mapping.rewrite()))
    }

    fn expect(file: &str, kind: MappingKind, rewrite: &str) -> Option<(String, MappingKind, String)> {
        Some((file.to_string(), kind, rewrite.to_string()))
    }

    #[test]
    fn docker_build_directory_is_stripped_by_the_longest_existing_suffix() {
        let m = mapper();
        assert_eq!(
            map(&m, "/go/src/app/internal/stock/stock.go"),
            expect("internal/stock/stock.go", MappingKind::Suffix, "/go/src/app/=")
        );
        assert_eq!(map(&m, "/build/main.go"), expect("main.go", MappingKind::Suffix, "/build/="));
    }

    #[test]
    fn trimpath_paths_map_by_the_module_path() {
        assert_eq!(
            map(&mapper(), "example.com/inventory/internal/api/handlers.go"),
            expect("internal/api/handlers.go", MappingKind::Module, "example.com/inventory/=")
        );
    }

    #[test]
    fn gopath_layout_maps_by_the_module_path_inside_the_path() {
        assert_eq!(
            map(&mapper(), "/go/src/example.com/inventory/internal/stock/stock.go"),
            expect("internal/stock/stock.go", MappingKind::Module, "/go/src/example.com/inventory/=")
        );
        // The module cache layout of a CI machine (formerly evidence::pathmap's case).
        assert_eq!(
            map(&mapper(), "/home/ci/go/pkg/mod/example.com/inventory/main.go"),
            expect("main.go", MappingKind::Module, "/home/ci/go/pkg/mod/example.com/inventory/=")
        );
    }

    #[test]
    fn a_module_path_is_matched_as_whole_components_only() {
        // example.com/inventory2 is another module; the suffix rule still finds the file.
        assert_eq!(
            map(&mapper(), "example.com/inventory2/internal/stock/stock.go"),
            expect("internal/stock/stock.go", MappingKind::Suffix, "example.com/inventory2/=")
        );
    }

    #[test]
    fn paths_already_in_the_repository_stay() {
        let m = mapper();
        assert_eq!(
            map(&m, "/src/inventory/internal/stock/stock.go"),
            expect("internal/stock/stock.go", MappingKind::Repository, "/src/inventory/=")
        );
        assert_eq!(map(&m, "main.go"), expect("main.go", MappingKind::Repository, "="));
    }

    #[test]
    fn standard_library_and_unknown_files_do_not_map() {
        let m = mapper();
        assert_eq!(map(&m, "/usr/lib/go-1.19/src/runtime/panic.go"), None);
        assert_eq!(map(&m, "runtime/panic.go"), None);
        assert_eq!(map(&m, "<autogenerated>"), None);
        assert_eq!(map(&m, ""), None);
    }

    #[test]
    fn user_rewrite_wins_and_is_reported_as_the_users() {
        let rewrite: Rewrite = "/go/src/app/=internal/".parse().expect("valid rewrite");
        let m = mapper().with_rewrites(vec![rewrite]);
        assert_eq!(
            map(&m, "/go/src/app/stock/stock.go"),
            expect("internal/stock/stock.go", MappingKind::User, "/go/src/app/=internal/")
        );
        // When the user's rewrite names no file, the automatic mappings still apply.
        assert_eq!(
            map(&m, "/go/src/app/internal/api/handlers.go"),
            expect("internal/api/handlers.go", MappingKind::Suffix, "/go/src/app/=")
        );
    }

    #[test]
    fn rewrites_are_parsed_and_bad_ones_refused() {
        assert_eq!("/a=b".parse(), Ok(Rewrite { from: "/a".into(), to: "b".into() }));
        assert_eq!("/a=./b".parse(), Ok(Rewrite { from: "/a".into(), to: "b".into() }));
        assert!(matches!("/a".parse::<Rewrite>(), Err(RewriteError::NoEquals(_))));
        assert!(matches!("=b".parse::<Rewrite>(), Err(RewriteError::EmptyFrom(_))));
        assert!(matches!("/a=../b".parse::<Rewrite>(), Err(RewriteError::OutsideRepository(_))));
        assert!(matches!("/a=/etc".parse::<Rewrite>(), Err(RewriteError::OutsideRepository(_))));
    }

    #[test]
    fn a_mapping_never_leaves_the_repository() {
        let exists_anywhere = |_: &str| true;
        let m = mapper();
        let mapped = m.map_with("/x/../../etc/passwd", exists_anywhere).map(|m| m.file);
        assert_eq!(mapped, Some("etc/passwd".to_string()));
    }

    #[test]
    fn windows_build_paths_are_read_with_forward_slashes() {
        assert_eq!(
            map(&mapper(), r"C:\build\inventory\internal\stock\stock.go"),
            expect("internal/stock/stock.go", MappingKind::Suffix, "C:/build/inventory/=")
        );
    }

    #[test]
    fn module_line_of_go_mod() {
        assert_eq!(module_of_go_mod("module example.com/inventory\n\ngo 1.19\n"), Some("example.com/inventory".into()));
        assert_eq!(module_of_go_mod("// c\nmodule \"example.com/x\" // y\n"), Some("example.com/x".into()));
        assert_eq!(module_of_go_mod("modulex foo\n"), None);
        assert_eq!(module_of_go_mod("go 1.19\n"), None);
    }
}
