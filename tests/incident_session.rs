//! Incident-first, end to end: the inventory service's own crash log comes in as evidence (`--log FILE`, and
//! `--log -` from a pipe as `kubectl logs … | runbook` gives it), the bundled runbook triages it and blames the
//! crash's own line in the service's repository, and the result is the fixture's racy line and the commit that
//! introduced it, never the bundled practice program.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message
mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const RACY_COMMIT: &str = "f9aba8a844121bab6f766cfe21f3b050f14c5c60";

fn build_repo(git: &Path, dir: &Path) -> PathBuf {
    let repo = dir.join("inventory");
    let path = format!(
        "{}:{}",
        git.parent().map(Path::to_path_buf).unwrap_or_default().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .arg(common::fixture("incident/make-repo.sh"))
        .arg(&repo)
        .env("PATH", path)
        .output()
        .unwrap();
    assert!(out.status.success(), "make-repo.sh: {}", String::from_utf8_lossy(&out.stderr));
    repo
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
