//! Issue 12 (hardening), items 8-10: hostile files given to the real binary end with a clear error and exit code
//! 2, at once, never a stack overflow, an abort or a hang. Each reproduction is the one from the issue.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message
use crate::common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// Runs `cmd` with a timeout guard (a hang fails the test instead of blocking the suite).
fn output_within(mut cmd: Command, limit: Duration) -> Output {
    let child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let id = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &id.to_string()]).status();
            panic!("runbook did not finish within {limit:?}: it hangs on this input");
        }
    }
}

fn run(home: &Path, args: &[&str]) -> (Option<i32>, String) {
    let mut cmd = common::runbook(home);
    cmd.current_dir(home).args(args);
    let out = output_within(cmd, Duration::from_secs(60));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked") && !stderr.contains("overflow"), "{stderr}");
    (out.status.code(), stderr)
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

#[test]
fn check_on_25000_nested_dashes_is_an_error_not_a_stack_overflow() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("deep.yaml");
    std::fs::write(&file, "- ".repeat(25_000) + "x\n").unwrap();
    let (code, stderr) = run(home.path(), &["check", file.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("nesting deeper than 64 levels"), "{stderr}");
}

#[test]
fn a_megabyte_scalar_aliased_5000_times_is_refused_by_its_bytes() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("alias.yaml");
    let aliases = vec!["*a"; 5000].join(", ");
    std::fs::write(&file, format!("id: x\na: &a {}\nb: [{aliases}]\n", "y".repeat(1 << 20))).unwrap();
    let (code, stderr) = run(home.path(), &["check", file.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("aliases copy more than 4 MiB of text"), "{stderr}");
}

#[test]
fn devices_and_fifos_are_refused_at_once_by_every_command_that_reads_a_runbook_or_program() {
    let home = tempfile::tempdir().unwrap();
    let fifo = home.path().join("fifo.yaml");
    mkfifo(&fifo);
    let fifo = fifo.to_str().unwrap();
    let cases: [&[&str]; 10] = [
        &["check", "/dev/zero"],
        &["check", fifo],
        &["run", "/dev/zero", "--headless"],
        &["run", fifo, "--headless"],
        &["trust", "/dev/zero"],
        &["trust", fifo],
        &["report", "/dev/zero"],
        &["report", fifo],
        &["sim", "--program", "/dev/zero"],
        &["sim", "--program", fifo],
    ];
    for args in cases {
        let (code, stderr) = run(home.path(), args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        let kind = if args.contains(&fifo) { "a FIFO" } else { "a character device" };
        assert!(stderr.contains(&format!("not a regular file ({kind})")), "{args:?}: {stderr}");
    }
}

#[test]
fn a_runbook_over_the_size_limit_is_refused_without_reading_it_all() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("big.yaml");
    let f = std::fs::File::create(&file).unwrap();
    f.set_len(64 << 20).unwrap(); // sparse: 64 MiB of zeros
    let (code, stderr) = run(home.path(), &["check", file.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("larger than 4194304 bytes (the limit for a runbook)"), "{stderr}");
}

#[test]
fn a_sim_program_nested_3000_loops_deep_is_an_error_not_a_stack_overflow() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("deep.yaml");
    let n = 3000;
    let body = format!("{}[{{op: read, map: m, line: 1}}]{}", "[{op: loop, times: 2, body: ".repeat(n), "}]".repeat(n));
    std::fs::write(&file, format!("name: x\nmaps: {{m: {{}}}}\ngoroutines:\n- name: main\n  ops: {body}\n")).unwrap();
    let (code, stderr) = run(home.path(), &["sim", "--program", file.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("recursion limit exceeded"), "{stderr}");
}

#[test]
fn a_journal_line_nested_100000_deep_is_skipped_with_a_warning_and_the_rest_still_reports() {
    let home = tempfile::tempdir().unwrap();
    let file = common::fixture("runbooks/captures.yaml");
    let journal = home.path().join("j.jsonl");
    let mut cmd = common::runbook(home.path());
    cmd.current_dir(home.path()).args(["run", file.to_str().unwrap(), "--headless", "--yes", "--journal"]);
    cmd.arg(&journal);
    assert_eq!(output_within(cmd, Duration::from_secs(60)).status.code(), Some(0));
    let mut text = std::fs::read_to_string(&journal).unwrap();
    let n = 100_000;
    let deep = format!("[{}{}]", "[".repeat(n), "]".repeat(n));
    let lines: Vec<&str> = text.lines().collect();
    let crafted = format!(r#"{{"type":"capture","step":"produce","name":"x","value":{deep},"ts":"t","offset_ms":1}}"#);
    text = format!("{}\n{crafted}\n{}\n", lines[..2].join("\n"), lines[2..].join("\n"));
    std::fs::write(&journal, text).unwrap();
    let (code, stderr) = run(home.path(), &["report", journal.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("line 3: unreadable line skipped (recursion limit exceeded"), "{stderr}");
}

#[test]
fn resume_of_a_crafted_journal_with_three_unfinished_steps_runs_all_three() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("three.yaml");
    let steps: String = ["a", "b", "c"]
        .iter()
        .map(|s| format!("  - {{id: {s}, title: {s}, run: {{command: 'echo {s}'}}}}\n"))
        .collect();
    std::fs::write(&file, format!("id: three\ntitle: Three\nphases:\n- id: p\n  title: P\n  steps:\n{steps}")).unwrap();
    let journal = home.path().join("j.jsonl");
    let mut cmd = common::runbook(home.path());
    cmd.current_dir(home.path()).args(["run", file.to_str().unwrap(), "--headless", "--yes", "--journal"]);
    cmd.arg(&journal);
    assert_eq!(output_within(cmd, Duration::from_secs(60)).status.code(), Some(0));
    // Keep the session start, then three steps that started and never finished.
    let start = std::fs::read_to_string(&journal).unwrap().lines().next().unwrap().to_string();
    let started: String = ["a", "b", "c"]
        .iter()
        .map(|s| {
            format!(r#"{{"type":"step_started","step":"{s}","title":"{s}","action":"run","ts":"t","offset_ms":1}}"#)
                + "\n"
        })
        .collect();
    std::fs::write(&journal, format!("{start}\n{started}")).unwrap();
    let mut cmd = common::runbook(home.path());
    cmd.current_dir(home.path()).args(["resume", journal.to_str().unwrap(), "--headless", "--yes", "--json"]);
    let out = output_within(cmd, Duration::from_secs(60));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("steps `a`, `b`, `c` were interrupted; the run continues from `a`"), "{stderr}");
    let events = common::json_lines(&out);
    let rerun: Vec<&str> = events
        .iter()
        .filter(|e| e["type"] == "step_finished" && e["status"] == "passed")
        .map(|e| e["step"].as_str().unwrap())
        .collect();
    assert_eq!(rerun, ["a", "b", "c"], "{events:#?}");
    assert_eq!(events.last().unwrap(), &serde_json::json!({"type":"run_finished","passed":3,"failed":0,"skipped":0}));
}

#[test]
fn a_sim_program_aliasing_a_900_kb_scalar_5000_times_is_refused_by_its_bytes() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("alias.yaml");
    let aliases = vec!["*a"; 5000].join(", ");
    let text =
        format!("name: &a {}\nwaitgroups: [{aliases}]\ngoroutines: [{{name: main, ops: []}}]\n", "y".repeat(900_000));
    std::fs::write(&file, text).unwrap();
    let (code, stderr) = run(home.path(), &["sim", "--program", file.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("aliases copy more than 1024 KiB of text"), "{stderr}");
}
