//! `runbook report` renders a blameless postmortem from a journal, and never runs anything. Snapshots: a recorded
//! incident with fixed times (Markdown and JSON), and the report of a real headless run with its times and paths
//! filtered out.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message
use crate::common;

use std::path::Path;

/// A go-map incident as the journal records it: crash reproduced, race located and blamed, fix chosen and verified.
const INCIDENT: &str = r#"{"type":"session_start","format":1,"runbook":{"id":"go-map-concurrency","title":"Go map concurrent access: fatal error","sha256":"9f2c4e1a0b7d5c3e8f6a1b2c3d4e5f60718293a4b5c6d7e8f90112233445566","source":"runbooks/go-map-concurrency.yaml","bundled":true,"yaml":"id: go-map-concurrency\n"},"workdir":"/srv/checkout","runbook_dir":"/srv/checkout","git_head":{"commit":"4b825dc642cb6eb9a060e54bf8d69288fbee4904","branch":"main"},"user":"oncall","host":"bastion-1","tool_version":"0.1.0","mode":"headless","vars":{"repo":"/srv/checkout"},"ts":"2026-11-20T02:17:03.120Z","offset_ms":0}
{"type":"step_started","step":"repro","title":"Crash a small program the same way","action":"run","ts":"2026-11-20T02:17:03.130Z","offset_ms":10}
{"type":"command","step":"repro","command":"go build -o repro . && ./repro","cwd":"/home/oncall/.cache/runbook/assets/1a2b3c/repro","env":{"GOTRACEBACK":"all"},"mode":"observe","ts":"2026-11-20T02:17:03.131Z","offset_ms":11}
{"type":"output","step":"repro","stream":"output","line":"fatal error: concurrent map read and map write","ts":"2026-11-20T02:17:04.900Z","offset_ms":1780}
{"type":"output","step":"repro","stream":"output","line":"goroutine 7 [running]:","ts":"2026-11-20T02:17:04.900Z","offset_ms":1780}
{"type":"capture","step":"repro","name":"message","value":"concurrent map read and map write","ts":"2026-11-20T02:17:04.950Z","offset_ms":1830}
{"type":"milestone","step":"repro","milestone":"reproduced","ts":"2026-11-20T02:17:04.951Z","offset_ms":1831}
{"type":"step_finished","step":"repro","status":"passed","exit_code":2,"duration_ms":1815,"ts":"2026-11-20T02:17:04.952Z","offset_ms":1832}
{"type":"note","step":"repro","text":"Same message as the 02:09 page from checkout-7f9c","ts":"2026-11-20T02:17:40.000Z","offset_ms":36880}
{"type":"step_started","step":"read_race","title":"Read the race report","action":"parse","ts":"2026-11-20T02:18:10.000Z","offset_ms":66880}
{"type":"probe_result","step":"read_race","result":{"races":[{"write":{"file":"/srv/checkout/cart/cart.go","line":88}}]},"passed":true,"ts":"2026-11-20T02:18:10.300Z","offset_ms":67180}
{"type":"capture","step":"read_race","name":"race","value":{"races":[{"write":{"file":"cart/cart.go","line":88}}]},"ts":"2026-11-20T02:18:10.301Z","offset_ms":67181}
{"type":"milestone","step":"read_race","milestone":"located","ts":"2026-11-20T02:18:10.302Z","offset_ms":67182}
{"type":"step_finished","step":"read_race","status":"passed","ts":"2026-11-20T02:18:10.303Z","offset_ms":67183}
{"type":"step_started","step":"blame_site","title":"Who changed that line","action":"blame","ts":"2026-11-20T02:18:30.000Z","offset_ms":86880}
{"type":"capture","step":"blame_site","name":"blame_lines","value":[{"line":88,"commit":"e83c5163316f89bfbde7d9ab23ca2e25604af290","short":"e83c516","author":"Pat Example","email":"pat@example.com","summary":"cart: cache item counts in a package map","uncommitted":false}],"ts":"2026-11-20T02:18:30.200Z","offset_ms":87080}
{"type":"step_finished","step":"blame_site","status":"passed","ts":"2026-11-20T02:18:30.201Z","offset_ms":87081}
{"type":"step_started","step":"fix_choice","title":"Choose the fix","action":"choose","ts":"2026-11-20T02:19:00.000Z","offset_ms":116880}
{"type":"choice","step":"fix_choice","option":"rwmutex","label":"sync.RWMutex around the map","goto":"fix_rwmutex","ts":"2026-11-20T02:19:20.000Z","offset_ms":136880}
{"type":"step_finished","step":"fix_choice","status":"passed","ts":"2026-11-20T02:19:20.001Z","offset_ms":136881}
{"type":"step_started","step":"verify_fix","title":"go test -race","action":"run","ts":"2026-11-20T02:24:00.000Z","offset_ms":416880}
{"type":"command","step":"verify_fix","command":"go test -race -count=1 ./cart/...","cwd":"/srv/checkout","mode":"observe","ts":"2026-11-20T02:24:00.001Z","offset_ms":416881}
{"type":"output","step":"verify_fix","stream":"output","line":"ok  \texample.com/checkout/cart\t1.204s","ts":"2026-11-20T02:24:09.000Z","offset_ms":425880}
{"type":"milestone","step":"verify_fix","milestone":"fixed","ts":"2026-11-20T02:24:09.100Z","offset_ms":425980}
{"type":"step_finished","step":"verify_fix","status":"passed","exit_code":0,"duration_ms":9099,"ts":"2026-11-20T02:24:09.101Z","offset_ms":425981}
{"type":"step_started","step":"verify_repo","title":"Soak the service","action":"run","ts":"2026-11-20T02:25:00.000Z","offset_ms":476880}
{"type":"command","step":"verify_repo","command":"go test -race -count=20 -run TestCart ./cart/...","cwd":"/srv/checkout","mode":"observe","ts":"2026-11-20T02:25:00.001Z","offset_ms":476881}
{"type":"step_finished","step":"verify_repo","status":"timed_out","duration_ms":600000,"reason":"timed out after 600s","ts":"2026-11-20T02:35:00.001Z","offset_ms":1076881}
{"type":"run_finished","passed":5,"failed":1,"skipped":0,"ts":"2026-11-20T02:35:00.002Z","offset_ms":1076882}
{"type":"session_finished","reason":"completed","exit_code":1,"ts":"2026-11-20T02:35:00.003Z","offset_ms":1076883}
"#;

fn report(home: &Path, journal: &Path, extra: &[&str]) -> String {
    let out = common::runbook(home).arg("report").arg(journal).args(extra).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn postmortem_of_a_recorded_incident() {
    let home = tempfile::tempdir().unwrap();
    let journal = home.path().join("incident.jsonl");
    std::fs::write(&journal, INCIDENT).unwrap();
    let md = report(home.path(), &journal, &[]);
    insta::assert_snapshot!("incident_md", md);
    assert!(!md.contains("Pat Example"), "blameless by default");
    let with_authors = report(home.path(), &journal, &["--with-authors"]);
    assert!(with_authors.contains("\"cart: cache item counts in a package map\", by Pat Example"), "{with_authors}");
    let json: serde_json::Value = serde_json::from_str(&report(home.path(), &journal, &["--format", "json"])).unwrap();
    insta::assert_snapshot!("incident_json", serde_json::to_string_pretty(&json).unwrap());
}

#[test]
fn report_runs_nothing_and_writes_nothing() {
    let home = tempfile::tempdir().unwrap();
    let journal = home.path().join("incident.jsonl");
    let marker = home.path().join("created-by-a-command");
    let line = format!(
        r#"{{"type":"command","step":"repro","command":"touch {}","cwd":"/","mode":"change","ts":"2026-11-20T02:17:03.131Z","offset_ms":11}}"#,
        marker.display()
    );
    std::fs::write(&journal, format!("{}{line}\n", INCIDENT.lines().next().unwrap().to_owned() + "\n")).unwrap();
    let before = std::fs::read(&journal).unwrap();
    let md = report(home.path(), &journal, &[]);
    assert!(md.contains("touch "), "{md}");
    assert!(!marker.exists());
    assert_eq!(std::fs::read(&journal).unwrap(), before);
    assert!(!home.path().join("state").exists(), "report must not create state");
}

#[test]
fn not_a_journal_is_an_input_error() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("x.jsonl");
    std::fs::write(&file, "{\"type\":\"output\",\"step\":\"a\",\"stream\":\"output\",\"line\":\"x\"}\n").unwrap();
    let out = common::runbook(home.path()).arg("report").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = common::runbook(home.path()).args(["report", "/nonexistent/journal.jsonl"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Replaces what changes from run to run (times, offsets, durations, temp paths) with placeholders.
fn filtered(text: &str, tmp: &Path) -> String {
    let mut out = text.replace(&tmp.display().to_string(), "[tmp]");
    for (re, with) in [
        (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", "[ts]"),
        (r"\b\d\d:\d\d:\d\d\b", "[time]"),
        (r"\+(\d+:)?\d\d:\d\d\.\d{3}", "[offset]"),
        (r"\b\d+(\.\d)? (ms|s)\b", "[duration]"),
        (r"sha256 `[0-9a-f]{12}`", "sha256 `[sha]`"),
    ] {
        out = regex::Regex::new(re).unwrap().replace_all(&out, with).into_owned();
    }
    out
}

#[test]
fn postmortem_of_a_real_headless_run() {
    let home = tempfile::tempdir().unwrap();
    let work = home.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let runbook = work.join("small.yaml");
    std::fs::write(
        &runbook,
        r#"
id: small
title: A small incident
phases:
  - id: reproduce
    title: Reproduce
    steps:
      - id: crash
        title: Make it crash
        milestone: reproduced
        run:
          command: "echo 'fatal error: concurrent map writes'; exit 2"
          expect: {exit_code: 2}
        capture:
          - {name: message, from: output, regex: "fatal error: (.*)", group: 1}
      - id: look
        title: Look around
        milestone: located
        run: {command: "echo 'store.go:26'; false"}
"#,
    )
    .unwrap();
    let journal = home.path().join("small.jsonl");
    let out = common::runbook(home.path())
        .current_dir(&work)
        .args(["run", runbook.to_str().unwrap(), "--headless", "--yes", "--journal", journal.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let md = report(home.path(), &journal, &[]);
    insta::assert_snapshot!("small_run_md", filtered(&md, home.path()));
}

/// A session where steps ran again: the race test before and after the fix, the blame twice (the second on the
/// line the engineer moved), and a parse left stale by the rerun.
const RERUN: &str = r#"{"type":"session_start","format":1,"runbook":{"id":"t","title":"T","sha256":"00","source":"t.yaml","bundled":false,"yaml":"id: t\n"},"workdir":"/srv/svc","runbook_dir":"/srv/svc","user":"oncall","host":"h","tool_version":"0.1.0","mode":"tui","vars":{},"ts":"2026-11-20T02:00:00.000Z","offset_ms":0}
{"type":"step_started","step":"race_repo","title":"Tests with -race","action":"run","ts":"2026-11-20T02:00:01.000Z","offset_ms":1000}
{"type":"command","step":"race_repo","command":"go test -race ./internal/stock","cwd":"/srv/svc","mode":"observe","ts":"2026-11-20T02:00:01.001Z","offset_ms":1001}
{"type":"step_finished","step":"race_repo","status":"passed","exit_code":1,"duration_ms":9000,"ts":"2026-11-20T02:00:10.000Z","offset_ms":10000}
{"type":"step_started","step":"blame_crash","title":"Blame","action":"blame","ts":"2026-11-20T02:00:20.000Z","offset_ms":20000}
{"type":"probe_result","step":"blame_crash","result":[{"line":33,"commit":"aaaaaaa1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","orig_path":"internal/stock/stock.go","summary":"stock: cache levels","uncommitted":false}],"passed":true,"ts":"2026-11-20T02:00:20.100Z","offset_ms":20100}
{"type":"step_finished","step":"blame_crash","status":"passed","ts":"2026-11-20T02:00:20.200Z","offset_ms":20200}
{"type":"step_started","step":"race_repo","title":"Tests with -race","action":"run","ts":"2026-11-20T02:01:00.000Z","offset_ms":60000}
{"type":"command","step":"race_repo","command":"go test -race ./internal/stock","cwd":"/srv/svc","mode":"observe","ts":"2026-11-20T02:01:00.001Z","offset_ms":60001}
{"type":"step_finished","step":"race_repo","status":"failed","exit_code":0,"duration_ms":8000,"reason":"exit code 0, expected 1","ts":"2026-11-20T02:01:08.000Z","offset_ms":68000}
{"type":"stale","step":"read_race","capture":"repo_race_log","by":"race_repo","reason":"`repo_race_log` changed when `race_repo` ran again","ts":"2026-11-20T02:01:08.001Z","offset_ms":68001}
{"type":"step_started","step":"blame_crash","title":"Blame","action":"blame","ts":"2026-11-20T02:02:00.000Z","offset_ms":120000}
{"type":"probe_result","step":"blame_crash","result":[{"line":35,"commit":"bbbbbbb2bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","orig_path":"internal/stock/stock.go","summary":"stock: lock levels","uncommitted":false}],"passed":true,"ts":"2026-11-20T02:02:00.100Z","offset_ms":120100}
{"type":"step_finished","step":"blame_crash","status":"passed","ts":"2026-11-20T02:02:00.200Z","offset_ms":120200}
{"type":"step_started","step":"blame_crash","title":"Blame","action":"blame","ts":"2026-11-20T02:02:30.000Z","offset_ms":150000}
{"type":"probe_result","step":"blame_crash","result":[{"line":35,"commit":"bbbbbbb2bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","orig_path":"internal/stock/stock.go","summary":"stock: lock levels","uncommitted":false}],"passed":true,"ts":"2026-11-20T02:02:30.100Z","offset_ms":150100}
{"type":"step_finished","step":"blame_crash","status":"passed","ts":"2026-11-20T02:02:30.200Z","offset_ms":150200}
{"type":"session_finished","reason":"quit","exit_code":0,"ts":"2026-11-20T02:03:00.000Z","offset_ms":180000}
"#;

#[test]
fn a_rerun_supersedes_the_earlier_result_and_a_stale_step_is_named() {
    let home = tempfile::tempdir().unwrap();
    let journal = home.path().join("rerun.jsonl");
    std::fs::write(&journal, RERUN).unwrap();
    let json: serde_json::Value = serde_json::from_str(&report(home.path(), &journal, &["--format", "json"])).unwrap();
    let rc = &json["root_cause"];
    let located: Vec<u64> = rc["located"].as_array().unwrap().iter().map(|l| l["line"].as_u64().unwrap()).collect();
    assert_eq!(located, [35], "only the latest result is the finding: {rc:#}");
    assert_eq!(rc["superseded"][0]["located"][0]["line"], 33, "{rc:#}");
    assert_eq!(rc["superseded"][0]["by_ms"], 120100);
    // The last rerun found the same line as the one before: that is no news, and not listed.
    assert_eq!(rc["superseded"].as_array().map(Vec::len), Some(1), "{rc:#}");
    assert_eq!(rc["stale"][0]["step"], "read_race");
    let commands = json["commands"].as_array().unwrap();
    assert_eq!(commands[0]["superseded_at_ms"], 60001, "{commands:#?}");
    assert!(commands[1].get("superseded_at_ms").is_none());

    let md = report(home.path(), &journal, &[]);
    assert!(md.contains("| passed, superseded by the rerun at +01:00.001 |"), "{md}");
    assert!(md.contains("- Superseded: step `blame_crash` at +00:20.100 located `internal/stock/stock.go:33`"), "{md}");
    assert!(md.contains("- Stale: step `read_race`'s result was not recomputed"), "{md}");
    assert!(md.contains("- Introduced by commit `bbbbbbb2bbbb` \"stock: lock levels\""), "the latest blame: {md}");
}
