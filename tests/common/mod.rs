//! Shared helpers for integration tests: the binary, isolated state dirs, and external tools.
//!
//! A tool (Go, ripgrep) is found through RUNBOOK_GO / RUNBOOK_GO119 / RUNBOOK_RG (the Makefile exports them). When
//! it is missing the test prints `skipped: <tool> not found` and returns, except with RUNBOOK_REQUIRE_TOOLS=1 (CI),
//! where a missing tool fails the test: CI must never pass by skipping.
#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_runbook"))
}

/// A `runbook` command with HOME and XDG dirs inside `home`, so tests never touch the user's state.
pub fn runbook(home: &Path) -> Command {
    let mut cmd = Command::new(bin());
    cmd.env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("NO_COLOR");
    cmd
}

pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel)
}

/// The tool named by `env_var`, else `name` on PATH; None after printing why (panics when tools are required).
pub fn tool(env_var: &str, name: &str) -> Option<PathBuf> {
    let found = match std::env::var_os(env_var) {
        Some(path) => Some(PathBuf::from(path)).filter(|p| p.is_file()),
        None => std::env::var_os("PATH")
            .and_then(|paths| std::env::split_paths(&paths).map(|dir| dir.join(name)).find(|p| p.is_file())),
    };
    if found.is_none() {
        if std::env::var("RUNBOOK_REQUIRE_TOOLS").as_deref() == Ok("1") {
            panic!("{name} not found (set {env_var}); RUNBOOK_REQUIRE_TOOLS=1 forbids skipping");
        }
        eprintln!("skipped: {name} not found (set {env_var})");
    }
    found
}

/// Parses JSON lines into values, panicking with the offending line.
pub fn json_lines(output: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect()
}

/// Environment that keeps Go offline and its caches inside `home`.
pub fn go_env(cmd: &mut Command, go: &Path, home: &Path) {
    let bin_dir = go.parent().map(Path::to_path_buf).unwrap_or_default();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    cmd.env("PATH", path)
        .env("GOTOOLCHAIN", "local")
        .env("GOPROXY", "off")
        .env("GOFLAGS", "-mod=mod")
        // One build cache for all tests: the race runtime takes minutes to build cold, and Go's cache is
        // safe to share between processes.
        .env("GOCACHE", Path::new(env!("CARGO_TARGET_TMPDIR")).join("gocache"))
        .env("GOPATH", home.join("gopath"))
        .env("GOTELEMETRY", "off");
}

// ---- git and file helpers for the locate tests ----

pub fn rg() -> Option<PathBuf> {
    tool("RUNBOOK_RG", "rg")
}

pub fn git_tool() -> Option<PathBuf> {
    tool("RUNBOOK_GIT", "git")
}

/// The inventory incident's service repository (fixed commit ids), built by `incident/make-repo.sh` into
/// `dir/inventory` with `git` first on PATH.
pub fn incident_repo(git: &Path, dir: &Path) -> PathBuf {
    let repo = dir.join("inventory");
    let path = format!(
        "{}:{}",
        git.parent().map(Path::to_path_buf).unwrap_or_default().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash").arg(fixture("incident/make-repo.sh")).arg(&repo).env("PATH", path).output();
    let out = out.unwrap();
    assert!(out.status.success(), "make-repo.sh: {}", String::from_utf8_lossy(&out.stderr));
    repo
}

/// A git command isolated from the user's configuration, with a fixed clock.
pub fn git_command(git: &Path, dir: &Path) -> Command {
    let mut cmd = Command::new(git);
    cmd.current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", dir)
        .env("GIT_COMMITTER_NAME", "CI")
        .env("GIT_COMMITTER_EMAIL", "ci@example.com")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE");
    cmd
}

/// Runs git and returns stdout; panics with stderr on failure (test set-up must work).
pub fn git(git_path: &Path, dir: &Path, args: &[&str]) -> Vec<u8> {
    let output = git_command(git_path, dir).args(args).output().expect("run git");
    assert!(output.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    output.stdout
}

/// Commits everything in the working tree as `author` at `time` (seconds, fixed zone per author).
pub fn commit_all(git_path: &Path, dir: &Path, author: &str, time: u64, message: &str) {
    git(git_path, dir, &["add", "-A"]);
    let email = format!("{}@example.com", author.to_lowercase());
    let date = format!("{time} +0100");
    let output = git_command(git_path, dir)
        .args(["commit", "-q", "-m", message])
        .env("GIT_AUTHOR_NAME", author)
        .env("GIT_AUTHOR_EMAIL", &email)
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .output()
        .expect("run git commit");
    assert!(output.status.success(), "commit failed: {}", String::from_utf8_lossy(&output.stderr));
}

pub fn write(path: &Path, content: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create dirs");
    }
    std::fs::write(path, content).expect("write file");
}

/// xorshift64: a deterministic generator with no dependency, so a seeded test's cases are the same on every run
/// and a failure names a seed that rebuilds them.
pub struct Rng(pub u64);

impl Rng {
    /// A number in `0..n` (`0` when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}
