//! Runs a Go program now with the toolchains of this machine and parses what it prints, so the parsers are
//! checked against the installed Go and not only against the committed captures.
//! Go is found through RUNBOOK_GO / RUNBOOK_GO119; without it the test prints `skipped: go not found`, unless
//! RUNBOOK_REQUIRE_TOOLS=1.

// Helpers outside #[test] fns: a failed expect is a failed test with its message.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use runbook::golang::{gctrace, parse_logs, CrashKind, MapOp};
use std::path::{Path, PathBuf};
use std::process::Command;

fn find_go(var: &str) -> Option<PathBuf> {
    let go = PathBuf::from(std::env::var_os(var)?);
    go.is_file().then_some(go)
}

fn require_or_skip(var: &str) -> Option<PathBuf> {
    match find_go(var) {
        Some(go) => Some(go),
        None if std::env::var("RUNBOOK_REQUIRE_TOOLS").as_deref() == Ok("1") => {
            panic!("{var} is not set to a Go binary and RUNBOOK_REQUIRE_TOOLS=1")
        }
        None => {
            println!("skipped: go not found ({var})");
            None
        }
    }
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("runbook-fresh-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Builds programs/<name> with `go` into `dir` and returns the binary.
fn build(go: &Path, name: &str, dir: &Path) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/go/programs").join(name);
    let bin = dir.join(name);
    let status = Command::new(go)
        .arg("build")
        .arg("-o")
        .arg(&bin)
        .arg(".")
        .current_dir(&src)
        .env("GOTOOLCHAIN", "local")
        .env("GOPROXY", "off")
        .env("GOFLAGS", "-mod=mod")
        .env("GOCACHE", dir.join("cache"))
        .env("GOPATH", dir.join("gopath"))
        .status()
        .expect("run go build");
    assert!(status.success(), "go build {name}");
    bin
}

fn run_merged(bin: &Path, env: &[(&str, &str)]) -> Vec<u8> {
    // 2>&1 into one pipe, as a terminal shows it.
    let out = Command::new("sh")
        .arg("-c")
        .arg("exec \"$0\" 2>&1")
        .arg(bin)
        .envs(env.iter().copied())
        .env_remove("GOTRACEBACK")
        .output()
        .expect("run program");
    out.stdout
}

fn check(var: &str, tag: &str) {
    let Some(go) = require_or_skip(var) else { return };
    let dir = temp_dir(tag);
    let bin = build(&go, "map_read_write", &dir);
    // The crash is a race: the runtime catches it almost always, but retry a couple of times before failing.
    let mut output = run_merged(&bin, &[]);
    for _ in 0..3 {
        if !String::from_utf8_lossy(&output).contains("finished without a crash") {
            break;
        }
        output = run_merged(&bin, &[]);
    }
    let report = parse_logs(&[("fresh".to_string(), output.clone())]);
    let crash = report.crashes.first().unwrap_or_else(|| panic!("no crash in:\n{}", String::from_utf8_lossy(&output)));
    assert_eq!(crash.kind, CrashKind::FatalError);
    assert_eq!(crash.map_op, Some(MapOp::Read));
    let frame = crash.user_frame.as_ref().expect("user frame");
    assert_eq!((frame.func.as_str(), frame.line), ("main.lookup", 14));
    assert!(frame.file.ends_with("programs/map_read_write/main.go"), "{}", frame.file);

    let bin = build(&go, "gctrace_alloc", &dir);
    let output = run_merged(&bin, &[("GODEBUG", "gctrace=1")]);
    let trace = gctrace::parse(&String::from_utf8_lossy(&output));
    let gc_lines = String::from_utf8_lossy(&output).lines().filter(|l| l.starts_with("gc ")).count();
    assert!(gc_lines > 0);
    // A background cycle can be cut off mid-line when the program exits (seen in CI with Go 1.19: the last line
    // ended at "0 MB stacks, 0"); such a line must come back as a truncation problem, never be lost.
    let truncated = trace.problems.iter().filter(|p| p.kind == runbook::golang::ProblemKind::Truncated).count();
    assert_eq!(trace.cycles.len() + truncated, gc_lines, "every gc line parsed or reported as truncated");
    assert!(truncated <= 1, "only the last line can be cut off by the exit");
    assert!(trace.cycles.iter().any(|c| c.forced), "runtime.GC() at the end");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn fresh_go_run_parses_with_go_1_27() {
    check("RUNBOOK_GO", "go127");
}

#[test]
fn fresh_go_run_parses_with_go_1_19() {
    check("RUNBOOK_GO119", "go119");
}
