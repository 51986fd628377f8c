//! The inventory incident's fixture holds what its README says: `make-repo.sh` builds the same history on every
//! machine, blaming the racy line lands on the commit that introduced it, and the service's own test reaches the
//! race with `go test -race` (the incident's "reproduce in the service" step), with Go 1.27 and 1.19.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message
use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

const RACY_COMMIT: &str = "f9aba8a844121bab6f766cfe21f3b050f14c5c60";
const HEAD: &str = "654bc1aa44e6cd8fc564ca6435b4d117d4a88e30";

/// The service's repository, built by the fixture's script into `dir/inventory`.
fn build_repo(git: &Path, dir: &Path) -> PathBuf {
    common::incident_repo(git, dir)
}

#[test]
fn the_history_is_deterministic_and_blame_finds_the_racy_commit() {
    let Some(git) = common::git_tool() else { return };
    let home = tempfile::tempdir().unwrap();
    let repo = build_repo(&git, home.path());
    let head = common::git(&git, &repo, &["rev-parse", "HEAD"]);
    assert_eq!(String::from_utf8_lossy(&head).trim(), HEAD);
    let stock = std::fs::read_to_string(repo.join("internal/stock/stock.go")).unwrap();
    assert_eq!(stock.lines().nth(32), Some("\ts.lookups[sku]++"), "line 33 is the racy write");
    assert_eq!(stock, std::fs::read_to_string(common::fixture("incident/service/internal/stock/stock.go")).unwrap());
    let out = common::runbook(home.path())
        .current_dir(&repo)
        .args(["blame", "internal/stock/stock.go", "-L", "33,33", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let lines = common::json_lines(&out);
    assert_eq!(lines[0]["commit"], RACY_COMMIT);
    assert_eq!(lines[0]["author"], "Marco Rossi");
    assert_eq!(lines[0]["summary"], "stock: count lookups per SKU for the /popular report");
}

fn race_test_reaches_the_racy_line(env_var: &str, version: &str) {
    let Some(git) = common::git_tool() else { return };
    let Some(go) = common::tool(env_var, "go") else { return };
    let home = tempfile::tempdir().unwrap();
    let repo = build_repo(&git, home.path());
    let mut cmd = Command::new(&go);
    common::go_env(&mut cmd, &go, home.path());
    let out = cmd.current_dir(&repo).args(["test", "-race", "-count=1", "./internal/stock/"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    // The race detector reports the race and fails the test (exit 1); on a loaded machine the runtime's own map
    // check can also trip first and kill the test binary (`fatal error: concurrent map writes`, exit 2). Both
    // are the race reaching line 33.
    assert!(matches!(out.status.code(), Some(1 | 2)), "{version}: {text}");
    assert!(text.contains("WARNING: DATA RACE"), "{version}: {text}");
    assert!(text.contains("/internal/stock/stock.go:33"), "{version}: {text}");
    assert!(
        text.contains("--- FAIL: TestConcurrentLookupsAndReservations") || text.contains("fatal error: concurrent map"),
        "{version}: {text}"
    );
    // Before the racy commit the same test passes under the race detector.
    common::git(&git, &repo, &["checkout", "-q", "HEAD~2"]);
    let mut cmd = Command::new(&go);
    common::go_env(&mut cmd, &go, home.path());
    let out = cmd.current_dir(&repo).args(["test", "-race", "-count=1", "./internal/stock/"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{version} before the race: {}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn the_services_race_test_reaches_the_racy_line_with_go_1_27() {
    race_test_reaches_the_racy_line("RUNBOOK_GO", "1.27");
}

#[test]
fn the_services_race_test_reaches_the_racy_line_with_go_1_19() {
    race_test_reaches_the_racy_line("RUNBOOK_GO119", "1.19");
}
