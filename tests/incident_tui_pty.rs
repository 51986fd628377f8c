//! The incident through the TUI, as the on-call engineer lives it (issue 10, "a pty test through the TUI"): the
//! real binary in a pseudo-terminal, opened in the inventory service's checkout with no `--log`; the crash log
//! pasted the way a terminal pastes it (bracketed, its line breaks sent as CR); the crash's own line blamed
//! (`located`); the fix made in the service's file from outside, as an engineer does in another shell; the
//! service's own `go test -race` proves it (`fixed`) and repeats it (`verified`); quit. Then the journal's
//! `report --format json` is the incident's postmortem: the fixture's file, line and racy commit, the diff in the
//! service's repository, and the step that verified it.
//!
//! With `--log FILE` instead, the screen opens on the evidence step already read: the triage is on the first frame.
//!
//! Go's race build is cached across tests (`GOCACHE` under the target dir, as `common::go_env` sets it).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message
use crate::common;
use crate::pty_support;

use portable_pty::CommandBuilder;
use pty_support::Pty;
use std::path::{Path, PathBuf};
use std::time::Duration;

const RACY_COMMIT: &str = "f9aba8a844121bab6f766cfe21f3b050f14c5c60";
/// The race detector's runtime builds cold in minutes on a loaded machine.
const GO_BUILD: Duration = Duration::from_secs(600);

fn build_repo(git: &Path, dir: &Path) -> PathBuf {
    common::incident_repo(git, dir)
}

/// PATH with the directory of `tool` first.
fn path_with(tool: &Path) -> String {
    let dir = tool.parent().map(Path::to_path_buf).unwrap_or_default();
    format!("{}:{}", dir.display(), std::env::var("PATH").unwrap_or_default())
}

/// Moves the step selection down until the step pane's title is `title` (`7/24 blame_crash`).
fn select(pty: &mut Pty, downs: usize, title: &str) {
    for _ in 0..downs {
        pty.send("j");
    }
    pty.wait_for(title);
}

#[test]
fn a_pasted_crash_log_is_located_fixed_verified_and_reported_as_the_services_incident() {
    let Some(git) = common::git_tool() else { return };
    let Some(go) = common::tool("RUNBOOK_GO", "go") else { return };
    let home = tempfile::tempdir().unwrap();
    let repo = build_repo(&git, home.path());
    let journal = home.path().join("incident.jsonl");

    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_runbook"));
    cmd.args(["--journal", journal.to_str().unwrap()]);
    cmd.cwd(&repo);
    cmd.env("HOME", home.path());
    cmd.env("XDG_STATE_HOME", home.path().join("state"));
    cmd.env("XDG_CACHE_HOME", home.path().join("cache"));
    cmd.env("XDG_CONFIG_HOME", home.path().join("config"));
    cmd.env("TERM", "xterm-256color");
    cmd.env("PATH", format!("{}:{}", go.parent().unwrap().display(), path_with(&git)));
    cmd.env("GOTOOLCHAIN", "local");
    cmd.env("GOPROXY", "off");
    cmd.env("GOFLAGS", "-mod=mod");
    cmd.env("GOTELEMETRY", "off");
    cmd.env("GOPATH", home.path().join("gopath"));
    cmd.env("GOCACHE", Path::new(env!("CARGO_TARGET_TMPDIR")).join("gocache"));
    cmd.env_remove("NO_COLOR");
    let mut pty = Pty::spawn(cmd);

    // Triage: the evidence step asks for the log; it is pasted as a terminal pastes it.
    pty.wait_for("1/24 evidence");
    pty.send("\r");
    pty.wait_for("Paste the crash log");
    let log = std::fs::read_to_string(common::fixture("incident/logs/crash-kubectl.go1.27.log")).unwrap();
    let lines = log.lines().count();
    pty.send(&format!("\x1b[200~{}\x1b[201~", log.replace('\n', "\r")));
    pty.wait_for(&format!("{lines} lines pasted"));
    pty.send("\r");
    pty.wait_for("fatal error: concurrent map writes");
    pty.wait_for("service frame: internal/stock/stock.go:33");

    // Locate: blame the crash's own line in the service's repository.
    select(&mut pty, 6, "7/24 blame_crash");
    pty.send("\r");
    pty.wait_for("33 f9aba8a");
    pty.wait_for("✔ passed");
    pty.send("\x1b"); // back to the step list (alone: a key right after Esc would read as Alt+key)
    pty.wait_for("Enter/r run");

    // Fix: the engineer changes the service (another shell, an editor); the runbook's choice names it.
    let stock = repo.join("internal/stock/stock.go");
    let source = std::fs::read_to_string(&stock).unwrap();
    let fixed = source.replacen(
        "\ts.mu.RLock()\n\tdefer s.mu.RUnlock()\n\ts.lookups",
        "\ts.mu.Lock()\n\tdefer s.mu.Unlock()\n\ts.lookups",
        1,
    );
    assert_ne!(fixed, source, "the fixture's Level changed: update this test");
    std::fs::write(&stock, fixed).unwrap();
    select(&mut pty, 3, "10/24 fix_choice");
    pty.send("\r");
    pty.wait_for("How is the racing map used?");
    pty.wait_for("▸1. Write-heavy");
    pty.send("\r"); // the highlighted option, the default: sync.Mutex
    pty.wait_for("12/24 fix_mutex");
    pty.send("\r");
    pty.wait_for("15/24 fix_check");

    // Prove it in the service, then repeat it: the service's own `go test -race`, shown first, confirmed.
    pty.send("\r");
    pty.wait_for("Run this?");
    pty.send("\r");
    pty.wait_for_within("milestone: fixed", GO_BUILD);
    select(&mut pty, 1, "16/24 verify_repo");
    pty.send("\r");
    pty.wait_for("Run this?");
    pty.send("\r");
    pty.wait_for_within("milestone: verified", GO_BUILD);
    pty.send("q");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_terminal_restored();
    // Back on the shell, the engineer is told where the session went and how to get the postmortem.
    pty.wait_for("session journal:");
    pty.wait_for("the postmortem:  runbook report");

    let out = common::runbook(home.path()).arg("report").arg(&journal).args(["--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pm: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rc = &pm["root_cause"];
    assert_eq!(rc["message"], "concurrent map writes", "{rc:#}");
    assert_eq!(rc["operation"], "write");
    assert_eq!(rc["site"]["file"], "internal/stock/stock.go", "{rc:#}");
    assert_eq!(rc["site"]["line"], 33);
    let located = rc["located"].as_array().unwrap();
    assert!(
        located.iter().any(|l| l["file"] == "internal/stock/stock.go" && l["line"] == 33 && l["commit"] == RACY_COMMIT),
        "{rc:#}"
    );
    assert!(!rc.to_string().contains("assets"), "nothing of the bundled program: {rc:#}");
    let fix = &pm["fix"];
    let diff = fix["diff"].as_str().unwrap_or_default();
    assert!(diff.contains("internal/stock/stock.go"), "{fix:#}");
    assert!(diff.contains("-\ts.mu.RLock()") && diff.contains("+\ts.mu.Lock()"), "{diff}");
    assert_eq!(fix["option"], "mutex");
    assert_eq!(fix["verified_by"]["step"], "verify_repo", "{fix:#}");
    assert_eq!(fix["verified_by"]["exit_code"], 0);
    // The evidence went in as pasted: every line of it, not one line of CRs.
    let stored: Vec<_> =
        std::fs::read_dir(journal.with_extension("evidence")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(std::fs::read_to_string(&stored[0]).unwrap().lines().count(), lines);
}

#[test]
fn with_log_the_screen_opens_on_the_triage_without_a_key() {
    // `runbook --log FILE`: the evidence came with the command, so its step has read it by the first frame.
    let home = tempfile::tempdir().unwrap();
    let service = common::fixture("incident/service");
    let log = common::fixture("incident/logs/crash.go1.19.log");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_runbook"));
    cmd.args(["--log", log.to_str().unwrap(), "--journal", home.path().join("s.jsonl").to_str().unwrap()]);
    cmd.cwd(&service);
    cmd.env("HOME", home.path());
    cmd.env("XDG_STATE_HOME", home.path().join("state"));
    cmd.env("XDG_CONFIG_HOME", home.path().join("config"));
    cmd.env("TERM", "xterm-256color");
    let mut pty = Pty::spawn(cmd);
    pty.wait_for("1/24 done");
    pty.wait_for("fatal error: concurrent map writes");
    pty.wait_for("service frame: internal/stock/stock.go:33");
    pty.wait_for("other goroutines near the map: 1");
    pty.send("q");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_terminal_restored();
}
