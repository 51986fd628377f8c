//! Headless runs of fixture runbooks through the real binary: events, captures, quoting of hostile values, trust
//! policy, choices, timeouts, cancellation, and a 100 MB flood with a memory bound.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message
use crate::common;

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};

fn run_json(home: &Path, cwd: &Path, args: &[&str]) -> (Option<i32>, Vec<Value>) {
    let out = common::runbook(home).current_dir(cwd).args(args).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"), "{}", String::from_utf8_lossy(&out.stderr));
    (out.status.code(), common::json_lines(&out))
}

fn finished<'a>(events: &'a [Value], step: &str) -> &'a Value {
    events
        .iter()
        .find(|e| e["type"] == "step_finished" && e["step"] == step)
        .unwrap_or_else(|| panic!("no step_finished for {step}: {events:#?}"))
}

#[test]
fn hostile_captured_value_is_passed_as_one_inert_word() {
    let home = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let file = common::fixture("runbooks/captures.yaml");
    let (code, events) =
        run_json(home.path(), work.path(), &["run", file.to_str().unwrap(), "--headless", "--json", "--yes"]);
    assert_eq!(code, Some(0), "{events:#?}");
    let capture = events.iter().find(|e| e["type"] == "capture" && e["name"] == "file").unwrap();
    assert_eq!(capture["value"], "$(touch pwned).go");
    let command = events.iter().find(|e| e["type"] == "command" && e["step"] == "consume").unwrap();
    assert_eq!(command["command"], "printf '%s|%s\\n' '$(touch pwned).go' hello");
    assert!(!work.path().join("pwned").exists(), "the captured value was executed");
    assert_eq!(events.last().unwrap(), &serde_json::json!({"type":"run_finished","passed":2,"failed":0,"skipped":0}));
}

#[test]
fn command_event_precedes_output_and_finish_carries_exit_code_and_duration() {
    let home = tempfile::tempdir().unwrap();
    let file = common::fixture("runbooks/captures.yaml");
    let (_, events) =
        run_json(home.path(), home.path(), &["run", file.to_str().unwrap(), "--headless", "--json", "--yes"]);
    let kinds: Vec<&str> =
        events.iter().filter(|e| e["step"] == "produce").map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["step_started", "command", "output", "output", "capture", "capture", "step_finished"]);
    let done = finished(&events, "produce");
    assert_eq!(done["status"], "passed");
    assert_eq!(done["exit_code"], 0);
    assert!(done["duration_ms"].is_u64());
}

#[test]
fn untrusted_file_runs_nothing_without_yes_and_trust_is_revoked_by_an_edit() {
    let home = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let copy = work.path().join("policy.yaml");
    std::fs::copy(common::fixture("runbooks/policy.yaml"), &copy).unwrap();
    let path = copy.to_str().unwrap();
    let (code, events) =
        run_json(home.path(), work.path(), &["run", path, "--headless", "--json", "--answer", "pick=left"]);
    assert_eq!(code, Some(0));
    assert!(events.iter().all(|e| e["type"] != "command"), "an untrusted runbook ran a command: {events:#?}");
    assert!(finished(&events, "look")["reason"].as_str().unwrap().contains("not trusted"));

    let trust = common::runbook(home.path()).args(["trust", path]).output().unwrap();
    assert_eq!(trust.status.code(), Some(0), "{}", String::from_utf8_lossy(&trust.stderr));
    let (_, events) =
        run_json(home.path(), work.path(), &["run", path, "--headless", "--json", "--answer", "pick=left"]);
    assert_eq!(finished(&events, "setup")["status"], "skipped", "change steps need --yes");
    assert_eq!(finished(&events, "look")["status"], "passed");

    std::fs::write(&copy, std::fs::read_to_string(&copy).unwrap() + "\n# edited\n").unwrap();
    let (_, events) =
        run_json(home.path(), work.path(), &["run", path, "--headless", "--json", "--answer", "pick=left"]);
    assert!(events.iter().all(|e| e["type"] != "command"), "trust survived an edit");
}

#[test]
fn skipped_capture_fails_the_step_that_needs_it_naming_both() {
    let home = tempfile::tempdir().unwrap();
    let copy = home.path().join("policy.yaml");
    std::fs::copy(common::fixture("runbooks/policy.yaml"), &copy).unwrap();
    let path = copy.to_str().unwrap();
    assert!(common::runbook(home.path()).args(["trust", path]).status().unwrap().success());
    let (code, events) =
        run_json(home.path(), home.path(), &["run", path, "--headless", "--json", "--answer", "pick=left"]);
    let reason = finished(&events, "use")["reason"].as_str().unwrap().to_string();
    assert!(reason.contains("setup_value") && reason.contains("`setup`") && reason.contains("skipped"), "{reason}");
    assert_eq!(code, Some(1), "a failed step exits 1");
}

#[test]
fn choice_jumps_and_non_utf8_output_keeps_raw_bytes() {
    let home = tempfile::tempdir().unwrap();
    let file = common::fixture("runbooks/policy.yaml");
    let args = ["run", file.to_str().unwrap(), "--headless", "--json", "--yes", "--answer", "pick=2"];
    let (code, events) = run_json(home.path(), home.path(), &args);
    let choice = events.iter().find(|e| e["type"] == "choice").unwrap();
    assert_eq!((choice["option"].as_str(), choice["goto"].as_str()), (Some("right"), Some("right-step")));
    assert!(events.iter().all(|e| e["step"] != "left-step"), "the jump skipped over left-step");
    assert_eq!(finished(&events, "right-step")["exit_code"], 3);
    assert_eq!(code, Some(1));
    let bytes = events.iter().find(|e| e["type"] == "output" && e["line_b64"].is_string()).unwrap();
    assert_eq!(bytes["line"], "bytes: \u{fffd}\u{fffd} end");
    assert_eq!(bytes["line_b64"], "Ynl0ZXM6IP/+IGVuZA==");
    let err = events.iter().find(|e| e["type"] == "capture" && e["name"] == "err").unwrap();
    assert_eq!(err["value"], "err line", "stderr captured on its own");
}

#[test]
fn timeout_interrupts_then_kills_the_whole_group() {
    let home = tempfile::tempdir().unwrap();
    let file = common::fixture("runbooks/timeouts.yaml");
    let (code, events) =
        run_json(home.path(), home.path(), &["run", file.to_str().unwrap(), "--headless", "--json", "--yes"]);
    assert_eq!(finished(&events, "slow")["status"], "timed_out");
    assert_eq!(finished(&events, "stubborn")["status"], "timed_out");
    assert_eq!(finished(&events, "after")["status"], "passed");
    assert_eq!(code, Some(1));
}

#[test]
fn sigint_cancels_the_running_step_and_its_children() {
    let home = tempfile::tempdir().unwrap();
    let pidfile = home.path().join("child.pid");
    let file = common::fixture("runbooks/cancel.yaml");
    let var = format!("pidfile={}", pidfile.display());
    let child = common::runbook(home.path())
        .args(["run", file.to_str().unwrap(), "--headless", "--json", "--yes", "--var", &var])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !pidfile.exists() || std::fs::read_to_string(&pidfile).unwrap().trim().is_empty() {
        assert!(std::time::Instant::now() < deadline, "the step never started");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let sleeper = std::fs::read_to_string(&pidfile).unwrap().trim().to_string();
    assert!(Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success());
    let out = child.wait_with_output().unwrap();
    let events = common::json_lines(&out);
    assert_eq!(finished(&events, "long")["status"], "cancelled");
    assert_eq!(out.status.code(), Some(130));
    // A zombie (dead, not yet reaped by a container's init) counts as gone.
    let state = std::fs::read_to_string(format!("/proc/{sleeper}/stat")).unwrap_or_default();
    let alive = state.split(") ").nth(1).is_some_and(|rest| !rest.starts_with('Z'));
    assert!(!alive, "the step's child {sleeper} survived the cancel: {state}");
}

/// Set in the fresh copy of the test binary that starts the flood run (see the test below).
const FLOOD_CHILD: &str = "RUNBOOK_TEST_FLOOD_CHILD";

#[test]
fn flood_of_100_mb_keeps_memory_bounded_and_captures_the_end() {
    if std::env::var_os(FLOOD_CHILD).is_some() {
        return run_the_flood_and_print_its_peak_rss();
    }
    // A child's peak RSS starts at its parent's (exec keeps the high-water mark of the address space it
    // replaces), and this process holds every test of the binary: a fresh copy of the test binary, running only
    // this test, starts runbook and reports what runbook itself reached.
    let this = "headless::flood_of_100_mb_keeps_memory_bounded_and_captures_the_end";
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", this, "--nocapture", "--test-threads=1"])
        .env(FLOOD_CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The line may follow libtest's "test NAME ... " on the same line.
    let reported = stdout.lines().find_map(|l| l.split_once("flood peak RSS KiB: ").map(|(_, n)| n.trim()));
    let max_rss_kib: i64 = reported.and_then(|n| n.parse().ok()).unwrap_or_else(|| {
        panic!("the flood run reported no peak RSS: {stdout}{}", String::from_utf8_lossy(&out.stderr))
    });
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(max_rss_kib < 64 * 1024, "peak RSS {max_rss_kib} KiB for 100 MB of output");
}

fn run_the_flood_and_print_its_peak_rss() {
    let home = tempfile::tempdir().unwrap();
    let file = common::fixture("runbooks/flood.yaml");
    #[allow(clippy::zombie_processes)] // reaped by the wait4 of `wait_with_max_rss_kib`
    let mut child = common::runbook(home.path())
        .args(["run", file.to_str().unwrap(), "--headless", "--yes"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    let (code, max_rss_kib) = wait_with_max_rss_kib(&child);
    assert_eq!(code, Some(0), "{stderr}");
    println!("flood peak RSS KiB: {max_rss_kib}");
}

/// Waits for `child` and returns its exit code and its peak RSS. `wait4` gives the usage of that one child (and
/// its own children): `getrusage(RUSAGE_CHILDREN)` would give the largest of every child this process ever
/// waited for.
#[allow(unsafe_code)]
fn wait_with_max_rss_kib(child: &std::process::Child) -> (Option<i32>, i64) {
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    let mut status = 0;
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    loop {
        // SAFETY: wait4 writes the status and a rusage struct into memory we own; `pid` is our child, not yet
        // waited for (std's `Child` is never waited on afterwards).
        let rc = unsafe { libc::wait4(pid, &mut status, 0, usage.as_mut_ptr()) };
        if rc == pid {
            break;
        }
        assert_eq!(std::io::Error::last_os_error().kind(), std::io::ErrorKind::Interrupted, "wait4");
    }
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    // SAFETY: initialised by the successful call above.
    (code, unsafe { usage.assume_init() }.ru_maxrss)
}

#[test]
fn usage_errors_exit_2() {
    let home = tempfile::tempdir().unwrap();
    let file = common::fixture("runbooks/policy.yaml");
    let f = file.to_str().unwrap();
    for args in [
        vec!["run", f, "--headless", "--var", "nope=1"],
        vec!["run", f, "--headless", "--answer", "nostep=1"],
        vec!["run", "no-such-runbook", "--headless"],
        vec!["run", f, "--headless", "--bogus"],
        vec!["run", f, "--headless", "--phase", "nope"],
    ] {
        let out = common::runbook(home.path()).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(!out.stderr.is_empty());
    }
}

#[test]
fn a_choice_nobody_can_answer_refuses_the_run_before_anything_runs() {
    let home = tempfile::tempdir().unwrap();
    let file = common::fixture("runbooks/policy.yaml");
    let journal = home.path().join("never.jsonl");
    let out = common::runbook(home.path())
        .args(["run", file.to_str().unwrap(), "--headless", "--yes", "--json", "--journal"])
        .arg(&journal)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("step `pick` is a choice: --answer pick=OPTION (options: left, right)"), "{err}");
    assert!(common::json_lines(&out).is_empty(), "nothing ran: {}", String::from_utf8_lossy(&out.stdout));
    assert!(!journal.exists(), "no session was started");
    // An answer that names no option is refused up front too, not failed at run time.
    let phases = common::runbook(home.path())
        .args(["run", file.to_str().unwrap(), "--headless", "--yes", "--answer", "pick=nowhere"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&phases.stderr);
    assert_eq!(phases.status.code(), Some(2), "{err}");
    assert!(err.contains("--answer pick=nowhere names no option of step `pick`"), "{err}");
}

#[test]
fn an_existing_journal_is_never_overwritten_and_the_error_says_how_to_resume_it() {
    let home = tempfile::tempdir().unwrap();
    let file = common::fixture("runbooks/policy.yaml");
    let journal = home.path().join("taken.jsonl");
    std::fs::write(&journal, "kept\n").unwrap();
    let out = common::runbook(home.path())
        .args(["run", file.to_str().unwrap(), "--headless", "--yes", "--answer", "pick=left", "--journal"])
        .arg(&journal)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(&format!("runbook resume {}", journal.display())), "{err}");
    assert!(!err.contains("os error 17"), "{err}");
    assert_eq!(std::fs::read_to_string(&journal).unwrap(), "kept\n");
}

#[test]
fn a_first_argument_that_is_not_a_subcommand_is_a_runbook() {
    let home = tempfile::tempdir().unwrap();
    std::fs::copy(common::fixture("runbooks/captures.yaml"), home.path().join("list")).unwrap();
    // stdout is not a terminal here, so `open` prints the runbook instead of starting the TUI.
    let out = common::runbook(home.path()).current_dir(home.path()).arg("./list").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("# Captures and quoting"));
    let out = common::runbook(home.path()).arg("list").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("go-map-concurrency"));
}

#[test]
fn text_output_names_a_missing_tool_once() {
    // The text a person reads: the failed step's line says the exit code once, with what 127 means.
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("missing.yaml");
    std::fs::write(
        &file,
        "id: m\ntitle: M\nphases:\n  - id: p\n    title: P\n    steps:\n      - id: s\n        title: S\n        \
         mode: observe\n        run:\n          command: definitely-not-a-tool-here --version\n",
    )
    .unwrap();
    let out = common::runbook(home.path())
        .current_dir(home.path())
        .arg("run")
        .arg(&file)
        .args(["--headless", "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().find(|l| l.starts_with("✘ s: failed")).unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        line.contains("— exit code 127 (command not found: is the tool installed and on PATH?), expected 0"),
        "{line}"
    );
    assert!(!line.contains(", exit 127"), "the code is said once: {line}");
}

#[test]
fn an_answer_for_a_choice_in_an_unselected_phase_chooses_nothing() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("phases.yaml");
    std::fs::write(
        &file,
        "id: ph\ntitle: Ph\nphases:\n  - id: one\n    title: One\n    steps:\n      - id: first\n        title: F\n        \
         run:\n          command: echo one\n  - id: two\n    title: Two\n    steps:\n      - id: pick\n        title: P\n        \
         choose:\n          question: which?\n          options:\n            - {id: a, label: A}\n            - {id: b, label: B}\n",
    )
    .unwrap();
    let out = common::runbook(home.path())
        .current_dir(home.path())
        .args(["run", "--headless", "--json", "--yes", "--phase", "one", "--answer", "pick=a"])
        .arg(&file)
        .output()
        .unwrap();
    let events = common::json_lines(&out);
    assert!(!events.iter().any(|e| e["type"] == "choice"), "a skipped choice was chosen: {events:#?}");
    let pick: Vec<&serde_json::Value> =
        events.iter().filter(|e| e["type"] == "step_finished" && e["step"] == "pick").collect();
    assert_eq!(pick.len(), 1, "{events:#?}");
    assert_eq!(pick[0]["status"], "skipped");
}
