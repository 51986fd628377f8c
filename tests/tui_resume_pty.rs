//! Continuity in a real terminal: a session quit half way tells the engineer where its journal is and how to go
//! on; `runbook resume JOURNAL` opens the screen exactly where it stood (the finished step's status and output,
//! the selection on the next step), the session goes on, and the journal holds one session across both processes
//! (`session_reopened` after the first `session_finished`), which `report` counts whole.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message

use crate::pty_support;

use pty_support::Pty;
use std::path::Path;

const TWO_STEPS: &str = "id: two\ntitle: Two steps\nphases:\n- id: p\n  title: P\n  steps:\n  - id: first\n    title: First\n    text: one\n    run:\n      command: echo first-step-ran\n  - id: second\n    title: Second\n    text: two\n    run:\n      command: echo second-step-ran\n";

/// The binary with `args` in a pseudo-terminal, run in `home` with its own HOME and XDG directories.
fn spawn(home: &Path, args: &[&str]) -> Pty {
    let args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    Pty::spawn(pty_support::command_in(home, &args))
}

fn types(journal: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(journal).unwrap();
    let values = text.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap());
    values.map(|v| v["type"].as_str().unwrap().to_string()).collect()
}

#[test]
fn a_quit_session_says_how_to_go_on_and_resume_opens_it_where_it_stood() {
    let home = tempfile::tempdir().unwrap();
    let runbook = home.path().join("two.yaml");
    std::fs::write(&runbook, TWO_STEPS).unwrap();
    let journal = home.path().join("incident.jsonl");
    let (rb, j) = (runbook.to_str().unwrap(), journal.to_str().unwrap());

    // First process: run the first step, quit.
    let mut pty = spawn(home.path(), &[rb, "--journal", j]);
    pty.wait_for("1/2 first");
    pty.send("\r");
    pty.wait_for("Run this?");
    pty.send("\r");
    pty.wait_for("first-step-ran");
    pty.wait_for("passed");
    pty.send("q");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_terminal_restored();
    pty.wait_for(&format!("runbook resume {j}"));
    pty.wait_for(&format!("runbook report {j}"));
    assert_eq!(types(&journal).last().map(String::as_str), Some("session_finished"));

    // Second process: the screen as it stood, then the session goes on.
    let mut pty = spawn(home.path(), &["resume", j]);
    pty.wait_for("session reopened: 1 step done");
    pty.wait_for("2/2 second");
    pty.wait_for("1/2 done");
    pty.send("k");
    pty.wait_for("1/2 first");
    pty.wait_for("first-step-ran");
    pty.send("j");
    pty.wait_for("2/2 second");
    pty.send("\r");
    pty.wait_for("Run this?");
    pty.send("\r");
    pty.wait_for("second-step-ran");
    pty.wait_for("2/2 done");
    pty.send("q");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_terminal_restored();

    let types = types(&journal);
    let reopened = types.iter().position(|t| t == "session_reopened").expect("session_reopened");
    assert_eq!(types[reopened - 1], "session_finished", "{types:?}");
    assert_eq!(types.last().map(String::as_str), Some("session_finished"), "{types:?}");
    assert_eq!(types.iter().filter(|t| *t == "step_started").count(), 2, "nothing ran twice: {types:?}");

    let home_env = |c: &mut std::process::Command| {
        c.env("HOME", home.path()).env("XDG_STATE_HOME", home.path().join("state"));
    };
    let mut report = std::process::Command::new(env!("CARGO_BIN_EXE_runbook"));
    home_env(&mut report);
    let out = report.args(["report", j, "--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["counts"]["passed"], 2, "{report:#}");
    assert_eq!(report["finished"], true, "{report:#}");
}

#[test]
fn resume_without_a_terminal_says_to_add_headless() {
    let home = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_runbook"))
        .env("HOME", home.path())
        .env("XDG_STATE_HOME", home.path().join("state"))
        .args(["resume", "nothing.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--headless"), "{}", String::from_utf8_lossy(&out.stderr));
}

const SLOW: &str = "id: slow\ntitle: Slow\nphases:\n- id: p\n  title: P\n  steps:\n  - id: first\n    title: First\n    text: one\n    run:\n      command: echo started-first; sleep 30; echo done-first\n  - id: second\n    title: Second\n    text: two\n    run:\n      command: echo second-step-ran\n";

#[test]
fn a_step_cut_off_by_a_crash_is_shown_ended_on_resume_and_enter_runs_it_again() {
    let home = tempfile::tempdir().unwrap();
    let runbook = home.path().join("slow.yaml");
    std::fs::write(&runbook, SLOW).unwrap();
    let journal = home.path().join("crash.jsonl");
    let (rb, j) = (runbook.to_str().unwrap(), journal.to_str().unwrap());

    // The first process dies (SIGKILL) while the step's command runs.
    let mut pty = spawn(home.path(), &[rb, "--journal", j]);
    pty.wait_for("1/2 first");
    pty.send("\r");
    pty.wait_for("Run this?");
    pty.send("\r");
    pty.wait_for("c cancels");
    // The command's text holds the word too: wait for its output line in the journal, as a crash would find it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !std::fs::read_to_string(&journal).unwrap().contains(r#""line":"started-first""#) {
        assert!(std::time::Instant::now() < deadline, "the output line never reached the journal");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let pid = pty.child.process_id().expect("the runbook process") as i32;
    let pid = rustix::process::Pid::from_raw(pid).expect("a pid");
    rustix::process::kill_process(pid, rustix::process::Signal::KILL).expect("SIGKILL");
    pty.wait_exit();
    assert_eq!(types(&journal).last().map(String::as_str), Some("output"), "no session_finished after a crash");

    // Resumed: the step is ended (no spinner, nothing to cancel), selected, and Enter runs it again.
    let mut pty = spawn(home.path(), &["resume", j]);
    // The news wraps over two rows of the status bar at 80 columns (issue 15: wrapped, not cut).
    pty.wait_for("`first` was cut off: Enter runs it");
    pty.wait_for("1/2 first");
    pty.wait_for("cancelled");
    assert!(!pty.screen().contains("c cancels"), "{}", pty.screen());
    pty.send("\r");
    pty.wait_for("Run this?");
    pty.send("\r");
    pty.wait_for("running");
    pty.send("c");
    pty.wait_for("cancelled");
    pty.send("q");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_terminal_restored();
    let types = types(&journal);
    assert_eq!(types.iter().filter(|t| *t == "step_started").count(), 2, "run again once: {types:?}");
    assert!(types.contains(&"session_resumed".to_string()), "{types:?}");
}
