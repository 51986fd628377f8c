//! The journal survives a crash: SIGKILL in the middle of a running step leaves a journal that `runbook report`
//! renders in full up to the kill; a torn last line is skipped with a warning, cut away, and the session resumes
//! with its captures restored, appending to the same journal.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message
use crate::common;

use serde_json::Value;
use std::path::Path;
use std::time::{Duration, Instant};

const KILLED: &str = r#"
id: killed
title: A step killed mid-run
phases:
  - id: only
    title: Only
    steps:
      - id: hello
        title: Say hello
        run: {command: "echo hello"}
      - id: slow
        title: Sleep in the middle
        run: {command: "echo \"before $$\"; sleep 30", timeout: 2m}
      - id: after
        title: Never reached
        run: {command: "echo after"}
"#;

const CHAIN: &str = r#"
id: chain
title: Three steps, the last uses the first one's capture
vars:
  - {name: token, default: placeholder, secret: true}
phases:
  - id: only
    title: Only
    steps:
      - id: first
        title: Capture a greeting
        run: {command: "echo greeting=bonjour; echo {{token}}"}
        capture:
          - {name: greeting, from: output, regex: "greeting=(\\w+)", group: 1}
          - {name: everything, from: output}
      - id: second
        title: Something in between
        run: {command: "echo two"}
      - id: third
        title: Use the capture
        run: {command: "echo got {{greeting}}"}
"#;

fn write_runbook(dir: &Path, name: &str, yaml: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, yaml).unwrap();
    path.display().to_string()
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn sigkill_mid_step_leaves_a_journal_that_report_renders() {
    let home = tempfile::tempdir().unwrap();
    let file = write_runbook(home.path(), "killed.yaml", KILLED);
    let journal = home.path().join("killed.jsonl");
    let mut child = common::runbook(home.path())
        .current_dir(home.path())
        .args(["run", &file, "--headless", "--yes", "--journal", journal.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Output is synced within 200 ms: wait until the step's first line is on disk, then kill without warning.
    let deadline = Instant::now() + Duration::from_secs(20);
    let pid = loop {
        let text = std::fs::read_to_string(&journal).unwrap_or_default();
        if let Some(line) = text.lines().find(|l| l.contains(r#""line":"before "#)) {
            let v: Value = serde_json::from_str(line).unwrap();
            break v["line"].as_str().unwrap().trim_start_matches("before ").to_string();
        }
        assert!(Instant::now() < deadline, "no `before` in the journal:\n{text}");
        std::thread::sleep(Duration::from_millis(20));
    };
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    // The step's shell runs in its own process group, which outlives us: clean it up.
    let _ = std::process::Command::new("kill").args(["-KILL", "--", &format!("-{pid}")]).status();

    let out = common::runbook(home.path()).args(["report", journal.to_str().unwrap()]).output().unwrap();
    let md = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(md.contains("| `hello` | `echo hello` | 0 | passed |"), "{md}");
    assert!(md.contains("sleep 30` | — | interrupted |"), "{md}");
    assert!(md.contains("started `slow`: Sleep in the middle"), "{md}");
    assert!(md.contains("1 interrupted"), "{md}");
    assert!(md.contains("no `session_finished`"), "{md}");
    assert!(!md.contains("Never reached"), "{md}");

    let records = lines(&journal);
    assert_eq!(records[0]["type"], "session_start");
    let types: Vec<&str> = records.iter().map(|r| r["type"].as_str().unwrap()).collect();
    assert!(!types.contains(&"session_finished"), "{types:?}");
    assert!(records.iter().any(|r| r["type"] == "output" && r["line"] == "hello"));
}

#[test]
fn every_printed_event_is_journaled_between_session_start_and_finish() {
    let home = tempfile::tempdir().unwrap();
    let file = write_runbook(home.path(), "chain.yaml", CHAIN);
    let out = common::runbook(home.path())
        .current_dir(home.path())
        .args(["run", &file, "--headless", "--yes", "--json", "--var", "token=s3cr3t-value"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = common::json_lines(&out);
    let sessions = home.path().join("state/runbook/sessions");
    let dirs: Vec<_> = std::fs::read_dir(&sessions).unwrap().map(|e| e.unwrap().path()).collect();
    let journal = &dirs.iter().map(|d| d.join("journal.jsonl")).find(|j| j.is_file()).unwrap();
    let name = journal.parent().unwrap().file_name().unwrap().to_string_lossy().to_string();
    assert!(name.ends_with("-chain"), "{name}");
    let records = lines(journal);
    assert_eq!(records.first().unwrap()["type"], "session_start");
    assert_eq!(records.last().unwrap()["type"], "session_finished");
    let start = &records[0];
    assert_eq!(start["format"], 1);
    assert_eq!(start["runbook"]["id"], "chain");
    assert_eq!(start["runbook"]["yaml"], CHAIN);
    assert_eq!(start["workdir"], home.path().canonicalize().unwrap().display().to_string());
    for key in ["user", "host", "tool_version", "ts"] {
        assert!(start[key].is_string(), "{key}: {start}");
    }
    let engine_types =
        ["step_started", "command", "output", "capture", "choice", "milestone", "step_finished", "run_finished"];
    let journaled: Vec<Value> = records
        .iter()
        .filter(|r| engine_types.contains(&r["type"].as_str().unwrap()))
        .map(|r| {
            assert!(r["ts"].is_string() && r["offset_ms"].is_u64(), "{r}");
            let mut r = r.clone();
            r.as_object_mut().unwrap().remove("ts");
            r.as_object_mut().unwrap().remove("offset_ms");
            r
        })
        .collect();
    // The engine does not mask capture values (reported upstream); the journal masks them on its own.
    let printed: Vec<Value> =
        printed.iter().map(|e| serde_json::from_str(&e.to_string().replace("s3cr3t-value", "****")).unwrap()).collect();
    assert_eq!(journaled, printed);
    // The secret var's value never reaches the journal, not even through a capture of the whole output.
    let text = std::fs::read_to_string(journal).unwrap();
    assert!(!text.contains("s3cr3t-value"), "{text}");
    assert!(text.contains("****"));
}

#[test]
fn torn_last_line_is_skipped_then_the_session_resumes_with_its_captures() {
    let home = tempfile::tempdir().unwrap();
    let file = write_runbook(home.path(), "chain.yaml", CHAIN);
    let out = common::runbook(home.path())
        .current_dir(home.path())
        .args(["run", &file, "--headless", "--yes", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let sessions = home.path().join("state/runbook/sessions");
    let journal = std::fs::read_dir(&sessions)
        .unwrap()
        .map(|e| e.unwrap().path().join("journal.jsonl"))
        .find(|p| p.is_file())
        .unwrap();
    // Simulate a crash while `second` ran: keep everything up to its command, then half a line.
    let text = std::fs::read_to_string(&journal).unwrap();
    let cut = text.find(r#"{"type":"output","step":"second""#).unwrap();
    let torn = format!("{}{}", &text[..cut], r#"{"type":"output","step":"second","str"#);
    std::fs::write(&journal, torn).unwrap();

    let report = common::runbook(home.path()).args(["report", journal.to_str().unwrap()]).output().unwrap();
    assert_eq!(report.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&report.stderr).contains("torn last line skipped"));

    // No argument: the latest unfinished session of this directory.
    let out = common::runbook(home.path())
        .current_dir(home.path())
        .args(["resume", "--headless", "--yes", "--json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("torn last line skipped"), "{stderr}");
    assert!(stderr.contains("step `second` was interrupted"), "{stderr}");
    let events = common::json_lines(&out);
    let started: Vec<&str> =
        events.iter().filter(|e| e["type"] == "step_started").map(|e| e["step"].as_str().unwrap()).collect();
    assert_eq!(started, ["second", "third"]);
    assert!(events.iter().any(|e| e["type"] == "output" && e["line"] == "got bonjour"), "{events:#?}");

    let records = lines(&journal); // every line parses: the torn one was cut away
    let types: Vec<&str> = records.iter().map(|r| r["type"].as_str().unwrap()).collect();
    assert_eq!(types.iter().filter(|t| **t == "session_start").count(), 1);
    assert!(types.contains(&"session_resumed"));
    assert_eq!(*types.last().unwrap(), "session_finished");
    let offsets: Vec<u64> = records.iter().map(|r| r["offset_ms"].as_u64().unwrap()).collect();
    assert!(offsets.windows(2).all(|w| w[0] <= w[1]), "offsets go on from the recorded ones: {offsets:?}");

    // A finished session is reopened to go on (issue 14), not refused: nothing is left to run, so nothing runs.
    let again = common::runbook(home.path())
        .args(["resume", journal.to_str().unwrap(), "--headless", "--yes", "--json"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0), "{}", String::from_utf8_lossy(&again.stderr));
    let events = common::json_lines(&again);
    assert!(!events.iter().any(|e| e["type"] == "step_started"), "{events:#?}");
    let types: Vec<String> = lines(&journal).iter().map(|r| r["type"].as_str().unwrap().to_string()).collect();
    let reopened = types.iter().position(|t| t == "session_reopened").expect("session_reopened");
    assert_eq!(types[reopened - 1], "session_finished", "{types:?}");
    assert_eq!(types.last().map(String::as_str), Some("session_finished"), "{types:?}");
}
