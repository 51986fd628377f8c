//! A session is a directory (issue 14, "A session is a directory"): by default the journal is
//! `sessions/<start>-<runbook>/journal.jsonl` with its side files beside it, the journal names them relative to
//! itself, and a copy of the directory, moved elsewhere with the original gone, still gives the report, resumes
//! and reads its own evidence and spilled output. `report`, `resume` and `replay` take the directory itself.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message
use crate::common;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn lines(journal: &Path) -> Vec<Value> {
    std::fs::read_to_string(journal).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// The one session directory under `home`'s state directory.
fn only_session(home: &Path) -> PathBuf {
    let sessions = home.join("state/runbook/sessions");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&sessions).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    dirs.pop().unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    let ok = Command::new("cp").arg("-r").arg(from).arg(to).status().unwrap().success();
    assert!(ok, "cp -r {} {}", from.display(), to.display());
}

#[test]
fn a_copied_session_directory_reports_and_resumes_with_its_own_evidence() {
    let Some(git) = common::git_tool() else { return };
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let repo = common::incident_repo(&git, dir.path());
    let log = common::fixture("incident/logs/crash-kubectl.go1.27.log");
    let out = common::runbook(&home)
        .current_dir(&home)
        .args(["run", "go-map-concurrency", "--headless", "--json", "--phase", "triage", "--phase", "locate"])
        .arg("--log")
        .arg(&log)
        .arg("--var")
        .arg(format!("repo={}", repo.display()))
        .output()
        .unwrap();
    // Exit 1: the race-report steps need the reproduce phase, which is not selected; the triage and blame ran.
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));

    let session = only_session(&home);
    let journal = session.join("journal.jsonl");
    let recorded = lines(&journal);
    let evidence = recorded.iter().find(|r| r["type"] == "evidence").expect("an evidence entry");
    let stored = evidence["files"][0]["path"].as_str().unwrap();
    assert_eq!(stored, "journal.evidence/01-crash-kubectl.go1.27.log.log", "relative to the journal");
    assert_eq!(std::fs::read(session.join(stored)).unwrap(), std::fs::read(&log).unwrap());

    // Copy the session elsewhere and delete the original: the copy is the session now.
    let copy = dir.path().join("elsewhere");
    copy_dir(&session, &copy);
    std::fs::remove_dir_all(&session).unwrap();
    let report = common::runbook(&home).arg("report").arg(&copy).args(["--format", "json"]).output().unwrap();
    assert!(report.status.success(), "{}", String::from_utf8_lossy(&report.stderr));
    let report: Value = serde_json::from_slice(&report.stdout).unwrap();
    assert_eq!(report["root_cause"]["message"], "concurrent map writes", "{report:#}");
    assert_eq!(report["root_cause"]["site"]["file"], "internal/stock/stock.go", "{report:#}");

    // Resume reads the evidence from the copy (it is fed back to the engine from the stored file).
    let resumed = common::runbook(&home)
        .current_dir(&home)
        .args(["resume"])
        .arg(&copy)
        .args(["--headless", "--json", "--map", "/go/src/app=."])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&resumed.stderr);
    assert!(resumed.status.code().is_some_and(|c| c != 2), "{stderr}");
    assert!(!stderr.contains("cannot read the stored evidence"), "{stderr}");
    let after = lines(&copy.join("journal.jsonl"));
    assert!(after.iter().any(|r| r["type"] == "session_reopened"), "resume went on in the copy");
}

#[test]
fn spilled_output_is_named_relative_to_the_journal_and_read_from_a_copy() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let runbook = dir.path().join("flood.yaml");
    let steps = "      - id: flood\n        title: Flood\n        mode: observe\n        run:\n          command: \
                 \"seq 1 300000\"\n";
    std::fs::write(&runbook, format!("id: flood\ntitle: Flood\nphases:\n  - id: p\n    title: P\n    steps:\n{steps}"))
        .unwrap();
    let out =
        common::runbook(&home).current_dir(&home).args(["run", "--headless", "--yes"]).arg(&runbook).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let session = only_session(&home);
    let elided = lines(&session.join("journal.jsonl")).into_iter().find(|r| r["type"] == "output_elided").unwrap();
    let file = elided["file"].as_str().unwrap();
    assert!(file.starts_with("journal.output/"), "{elided}");
    let copy = dir.path().join("copy");
    copy_dir(&session, &copy);
    std::fs::remove_dir_all(&session).unwrap();
    let spilled = std::fs::read_to_string(copy.join(file)).unwrap();
    assert_eq!(spilled.lines().count(), 300_000);
    assert_eq!(spilled.lines().last(), Some("300000"));
}

#[test]
fn a_result_too_large_for_a_line_goes_to_a_side_file_and_reads_back_whole() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let tree = dir.path().join("tree");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::create_dir_all(&tree).unwrap();
    // 30,000 matching lines: the grep result is several MB of JSON.
    let text: String = (0..30_000).map(|i| format!("var hits{i} = map[string]int{{}} // site {i}\n")).collect();
    std::fs::write(tree.join("maps.go"), text).unwrap();
    let runbook = dir.path().join("big.yaml");
    let step = format!(
        "      - id: sites\n        title: Sites\n        grep:\n          pattern: 'map\\['\n          paths: [\"{}\"]\n        \
         capture:\n          - {{name: sites, from: result}}\n",
        tree.display()
    );
    std::fs::write(&runbook, format!("id: big\ntitle: Big\nphases:\n  - id: p\n    title: P\n    steps:\n{step}"))
        .unwrap();
    let journal = dir.path().join("s/journal.jsonl");
    let out = common::runbook(&home)
        .current_dir(&home)
        .args(["run", "--headless", "--yes", "--journal"])
        .arg(&journal)
        .arg(&runbook)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&journal).unwrap();
    let longest = text.lines().max_by_key(|l| l.len()).unwrap();
    assert!(longest.len() < 64 * 1024, "a journal line of {} bytes: {}", longest.len(), &longest[..300]);
    let sides: Vec<Value> = lines(&journal).into_iter().filter(|r| r.get("side_file").is_some()).collect();
    let kinds: Vec<&str> = sides.iter().map(|r| r["type"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"probe_result") && kinds.contains(&"capture"), "{kinds:?}");

    // Read back (moved elsewhere, as a copied session is): the typed records have the whole value again.
    let copy = dir.path().join("copy");
    std::fs::rename(journal.parent().unwrap(), &copy).unwrap();
    let loaded = runbook::journal::read(&copy.join("journal.jsonl")).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let result = loaded
        .records
        .iter()
        .find_map(|r| match r.meta() {
            Some(runbook::journal::Meta::ProbeResult { result, .. }) => Some(result.clone()),
            _ => None,
        })
        .unwrap();
    let json = serde_json::to_value(&result).unwrap();
    assert_eq!(json.as_array().map(Vec::len), Some(30_000), "{}", &json.to_string()[..200]);
    let report = common::runbook(&home).arg("report").arg(&copy).output().unwrap();
    assert!(report.status.success(), "{}", String::from_utf8_lossy(&report.stderr));
}
