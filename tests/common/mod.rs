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

/// The tool named by `env_var`, or None after printing why (panics instead when tools are required).
pub fn tool(env_var: &str, name: &str) -> Option<PathBuf> {
    let found = std::env::var_os(env_var).map(PathBuf::from).filter(|p| p.is_file());
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
        .env("GOCACHE", home.join("gocache"))
        .env("GOPATH", home.join("gopath"))
        .env("GOTELEMETRY", "off");
}
