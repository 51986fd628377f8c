//! Incident-first, end to end: the inventory service's own crash log comes in as evidence (`--log FILE`, and
//! `--log -` from a pipe as `kubectl logs … | runbook` gives it), the bundled runbook triages it and blames the
//! crash's own line in the service's repository, and the result is the fixture's racy line and the commit that
//! introduced it, never the bundled practice program.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message
use crate::common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

const RACY_COMMIT: &str = "f9aba8a844121bab6f766cfe21f3b050f14c5c60";

fn build_repo(git: &Path, dir: &Path) -> PathBuf {
    common::incident_repo(git, dir)
}

/// Runs the triage and locate phases headless on `log` (a path, or `-` with `stdin`), returning the JSON events.
fn run(home: &Path, repo: &Path, log: &str, stdin: Option<&[u8]>) -> Vec<serde_json::Value> {
    let journal = home.join(if stdin.is_some() { "from-stdin.jsonl" } else { "from-file.jsonl" });
    let mut cmd = common::runbook(home);
    cmd.current_dir(home)
        .args(["run", "go-map-concurrency", "--headless", "--json", "--phase", "triage", "--phase", "locate"])
        .args(["--log", log, "--var"])
        .arg(format!("repo={}", repo.display()))
        .arg("--journal")
        .arg(&journal)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(bytes) = stdin {
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    common::json_lines(&out)
}

#[test]
fn the_services_crash_is_triaged_and_its_line_blamed_to_the_racy_commit() {
    let Some(git) = common::git_tool() else { return };
    let dir = tempfile::tempdir().unwrap();
    let repo = build_repo(&git, dir.path());
    let log = common::fixture("incident/logs/crash-kubectl.go1.27.log");
    let bytes = std::fs::read(&log).unwrap();
    for (source, stdin) in [(log.to_str().unwrap(), None), ("-", Some(bytes.as_slice()))] {
        let events = run(dir.path(), &repo, source, stdin);
        let evidence = events.iter().find(|e| e["type"] == "evidence").expect("an evidence event");
        let triage = &evidence["triage"];
        assert_eq!(triage["message"], "concurrent map writes", "{triage}");
        assert_eq!(triage["operation"], "write");
        assert_eq!(triage["service_frame"]["file"], "internal/stock/stock.go", "{triage}");
        assert_eq!(triage["service_frame"]["line"], 33);
        assert_eq!(triage["service_frame"]["mapped"], true);
        assert_eq!(triage["packages"][0], "./internal/stock");
        let stored = evidence["files"][0]["path"].as_str().unwrap();
        assert!(std::fs::read(stored).unwrap() == bytes, "the stored evidence is the log as given");
        let blame = events
            .iter()
            .find(|e| e["type"] == "capture" && e["name"] == "crash_blame")
            .unwrap_or_else(|| panic!("no crash_blame capture: {events:#?}"));
        assert_eq!(blame["value"][0]["commit"], RACY_COMMIT, "{blame}");
        assert_eq!(blame["value"][0]["line"], 33);
        let located = events.iter().find(|e| e["type"] == "milestone" && e["milestone"] == "located");
        assert_eq!(located.map(|e| e["step"].clone()), Some("blame_crash".into()), "{events:#?}");
        // The practice program never ran: nothing from the bundled assets stands in for the incident.
        assert!(!events.iter().any(|e| e["type"] == "step_started" && e["step"] == "repro"));
    }
}

#[test]
fn a_run_that_needs_the_evidence_refuses_up_front_without_log() {
    let home = tempfile::tempdir().unwrap();
    let out = common::runbook(home.path())
        .current_dir(home.path())
        .args(["run", "go-map-concurrency", "--headless"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("step `evidence`") && err.contains("--log"), "{err}");
    assert!(out.stdout.is_empty(), "nothing ran: {}", String::from_utf8_lossy(&out.stdout));
}

/// The whole incident headless, as an engineer who already edited the service would run it: triage, reproduce,
/// locate, fix (mutex), prove and verify in the service, with the practice phase on the bundled program run too.
/// The report's root cause is the service's crash, line and racy commit; its fix is the diff in the service's
/// repository from the session's HEAD, verified by the service's own `go test -race`.
#[test]
fn the_report_is_the_incidents_root_cause_and_the_services_own_fix() {
    let Some(git) = common::git_tool() else { return };
    let Some(go) = common::tool("RUNBOOK_GO", "go") else { return };
    let dir = tempfile::tempdir().unwrap();
    let repo = build_repo(&git, dir.path());
    let head = String::from_utf8(common::git(&git, &repo, &["rev-parse", "HEAD"])).unwrap();
    // The fix: the write in Level takes the write lock (line 33, the map write, keeps its racy commit).
    let stock = repo.join("internal/stock/stock.go");
    let source = std::fs::read_to_string(&stock).unwrap();
    let fixed = source.replacen(
        "\ts.mu.RLock()\n\tdefer s.mu.RUnlock()\n\ts.lookups",
        "\ts.mu.Lock()\n\tdefer s.mu.Unlock()\n\ts.lookups",
        1,
    );
    assert_ne!(fixed, source, "the fixture's Level changed: update this test");
    std::fs::write(&stock, fixed).unwrap();

    let journal = dir.path().join("incident.jsonl");
    let mut cmd = common::runbook(dir.path());
    common::go_env(&mut cmd, &go, dir.path());
    let out = cmd
        .current_dir(dir.path())
        .args(["run", "go-map-concurrency", "--headless", "--json", "--yes", "--answer", "fix_choice=mutex"])
        .args(["--log"])
        .arg(common::fixture("incident/logs/crash-kubectl.go1.27.log"))
        .arg("--var")
        .arg(format!("repo={}", repo.display()))
        .arg("--journal")
        .arg(&journal)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let events = common::json_lines(&out);
    let reached: Vec<_> =
        events.iter().filter(|e| e["type"] == "milestone").map(|e| e["milestone"].as_str().unwrap_or("")).collect();
    for m in ["located", "fixed", "verified"] {
        assert!(
            reached.contains(&m),
            "milestone {m} not reached: {reached:?}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The practice program did crash in this run: its captures are in the journal.
    assert!(events.iter().any(|e| e["type"] == "capture" && e["step"] == "repro" && e["name"] == "message"));

    let report =
        common::runbook(dir.path()).args(["report"]).arg(&journal).args(["--format", "json"]).output().unwrap();
    assert!(report.status.success(), "{}", String::from_utf8_lossy(&report.stderr));
    let pm: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    let rc = &pm["root_cause"];
    assert_eq!(rc["message"], "concurrent map writes", "{rc:#}");
    assert_eq!(rc["fatal_message"], "fatal error: concurrent map writes");
    assert_eq!(rc["operation"], "write");
    assert_eq!(rc["site"]["file"], "internal/stock/stock.go");
    assert_eq!(rc["site"]["line"], 33);
    assert!(rc["site"]["function"].as_str().unwrap().contains("Level"), "{rc:#}");
    let located = rc["located"].as_array().unwrap();
    assert!(
        located.iter().any(|l| l["file"] == "internal/stock/stock.go" && l["line"] == 33 && l["commit"] == RACY_COMMIT),
        "{rc:#}"
    );
    assert_eq!(rc["commit"]["commit"], RACY_COMMIT);
    assert!(!rc.to_string().contains("assets"), "nothing of the bundled program: {rc:#}");
    assert!(rc["crash_time"].as_str().is_some_and(|t| t.starts_with("20")), "{rc:#}");
    // The incident's timeline starts at the crash, from the evidence's timestamps.
    let first = &pm["timeline"][0];
    assert!(first["event"].as_str().unwrap().contains("the crash"), "{first}");
    assert_eq!(first["ts"], rc["crash_time"]);

    let fix = &pm["fix"];
    assert_eq!(fix["option"], "mutex");
    assert_eq!(fix["base"], head.trim());
    let diff = fix["diff"].as_str().unwrap();
    assert!(diff.contains("-\ts.mu.RLock()") && diff.contains("+\ts.mu.Lock()"), "{diff}");
    assert!(diff.contains("internal/stock/stock.go"), "{diff}");
    assert_eq!(fix["verified_by"]["step"], "verify_repo");
    assert_eq!(fix["verified_by"]["exit_code"], 0);
    assert!(fix["verified_by"]["command"].as_str().unwrap().contains("go test -race -count=20"), "{fix:#}");

    let md = common::runbook(dir.path()).args(["report"]).arg(&journal).output().unwrap();
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(md.contains("`internal/stock/stock.go:33`"), "{md}");
    assert!(md.contains("+\ts.mu.Lock()"), "the diff is in the postmortem:\n{md}");
    assert!(!md.contains("panic.go"), "{md}");
}
