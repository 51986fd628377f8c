//! `runbook drill go-deadlock --headless`, end to end: the ledger service's lock-order inversion is reproduced as
//! a `go test -timeout` hang, the marked line is checked against the scenario's answer (the report's second
//! lock), the fix is checked with `go test -race -timeout` in the drill's own repository, and the debrief and the
//! blamed commit land in the journal and the report. Without Go the drill says what it could not check.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message
use crate::common;

use serde_json::Value;
use std::path::{Path, PathBuf};

fn drill(home: &Path, path_env: &str, gocache: &Path, extra: &[&str]) -> (Option<i32>, String, PathBuf) {
    let journal = home.join("drill.jsonl");
    let mut cmd = common::runbook(home);
    cmd.env("PATH", path_env).env("TMPDIR", home).env("GOCACHE", gocache).current_dir(home);
    cmd.args(["drill", "go-deadlock", "--headless", "--journal", journal.to_str().unwrap()]).args(extra);
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"), "{}", String::from_utf8_lossy(&out.stderr));
    (out.status.code(), stdout, journal)
}

/// The line of the report that takes mu while holding statsMu (found, not hard-coded).
fn inverted_line() -> String {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/drills/go-deadlock/ledger.go");
    let text = std::fs::read_to_string(file).unwrap();
    let n = text.lines().position(|l| l.contains("l.mu.RLock() // accounts are read under mu")).unwrap() + 1;
    format!("ledger.go:{n}")
}

#[test]
fn deadlock_drill_with_go_reproduces_the_hang_checks_the_mark_and_the_fix() {
    let Some(go) = common::tool("RUNBOOK_GO", "go") else { return };
    let home = tempfile::tempdir().unwrap();
    let gocache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("drill-gocache");
    let path_env = format!("{}:{}", go.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    let mark = inverted_line();
    let (code, stdout, journal) =
        drill(home.path(), &path_env, &gocache, &["--answer", "fix_choice=snapshot", "--mark", &mark]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("✔ reproduced at +") && stdout.contains("`panic: test timed out after 20s`"), "{stdout}");
    assert!(stdout.contains("✔ located at +"), "{stdout}");
    assert!(stdout.contains("✔ fixed"), "{stdout}");
    assert!(stdout.contains("target 5 min 00 s: met"), "{stdout}");
    let recs: Vec<Value> =
        std::fs::read_to_string(&journal).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(recs[0]["drill"], "go-deadlock");
    let checked: Vec<&Value> = recs.iter().filter(|r| r["type"] == "milestone_checked").collect();
    assert_eq!(checked.len(), 3);
    assert!(checked.iter().all(|c| c["ok"] == true && c["by"] == "drill"), "{checked:#?}");
    // The blamed change is the report's, and the report says so without naming the person.
    let out = common::runbook(home.path()).arg("report").arg(&journal).output().unwrap();
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("report: accounts and operation counts for the dashboard"), "{md}");
    assert!(md.contains("Fix chosen: **Never hold both locks**"), "{md}");
    assert!(!md.contains("Carol"), "blameless by default:\n{md}");
}

#[test]
fn deadlock_drill_marking_a_lock_that_is_not_the_inverted_one_is_not_located() {
    let Some(go) = common::tool("RUNBOOK_GO", "go") else { return };
    let home = tempfile::tempdir().unwrap();
    let gocache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("drill-gocache");
    let path_env = format!("{}:{}", go.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    // Balance's RLock: a lock in the same file, taken alone, never the cause.
    let (code, stdout, _) =
        drill(home.path(), &path_env, &gocache, &["--answer", "fix_choice=order", "--mark", "ledger.go:41"]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains(&format!("but the line that takes the locks in the inverted order is {}", inverted_line())),
        "{stdout}"
    );
    assert!(stdout.contains("✔ fixed"), "{stdout}");
}
