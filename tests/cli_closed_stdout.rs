//! Every subcommand that prints to stdout, run by the real binary with a stdout nobody reads: it exits 0, says
//! nothing about the pipe and does not panic (issue 11: `runbook gc LOG --json | head -1` used to exit 101 with
//! "failed printing to stdout: Broken pipe"). Two ways to close the pipe: before the process starts (the read end
//! is dropped first, so the very first write fails), and after the first line has been read, as `head -1` does,
//! with real Go logs whose JSON is several times larger than a pipe's buffer.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message
use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Linux's default pipe buffer: an output larger than this blocks until the reader reads or goes away.
const PIPE_BUFFER: usize = 64 * 1024;

fn fixture(rel: &str) -> String {
    common::fixture(rel).display().to_string()
}

/// `runbook ARGS` with stdout a pipe whose read end is closed before the process starts: every write fails.
fn with_closed_stdout(home: &Path, cwd: &Path, args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    common::runbook(home).current_dir(cwd).args(args).stdout(writer).stderr(Stdio::piped()).output().unwrap()
}

/// Asserts the closed pipe was a quiet success.
fn assert_quiet_success(args: &[&str], out: &Output) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "runbook {}: {stderr}", args.join(" "));
    assert!(!stderr.contains("panicked"), "runbook {}: {stderr}", args.join(" "));
    assert!(!stderr.to_lowercase().contains("broken pipe"), "runbook {}: {stderr}", args.join(" "));
}

/// Asserts `runbook ARGS` prints something and exits 0 with a stdout that is read, then that it exits 0 quietly with
/// one that is closed (the first run keeps the second honest: an error exit hidden by the closed pipe fails it).
fn check_closed(home: &Path, cwd: &Path, args: &[&str]) {
    let read = common::runbook(home).current_dir(cwd).args(args).output().unwrap();
    assert_eq!(read.status.code(), Some(0), "runbook {}: {}", args.join(" "), String::from_utf8_lossy(&read.stderr));
    assert!(!read.stdout.is_empty(), "runbook {} printed nothing", args.join(" "));
    assert_quiet_success(args, &with_closed_stdout(home, cwd, args));
}

/// `runbook ARGS | head -1` with `input` on stdin: reads one line, closes the pipe, and returns that line with the
/// exit status.
fn first_line_then_close(home: &Path, args: &[&str], input: Vec<u8>) -> (String, Output) {
    let mut child = common::runbook(home)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || stdin.write_all(&input));
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    // The reader is dropped here: the rest of the output, still to be written, meets a closed pipe.
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap().unwrap();
    (first, out)
}

fn full_stdout_len(home: &Path, args: &[&str], input: &[u8]) -> usize {
    let mut child = common::runbook(home)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let feeder = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout.len()
}

#[test]
fn json_of_big_real_go_logs_piped_into_head_exits_0() {
    let home = tempfile::tempdir().unwrap();
    let dump = fixture("go/logs/stack_dump.go1.27.log");
    // The longest real gctrace, eight times over on stdin (eight runs of the program, one after the other).
    let gctrace = std::fs::read(common::fixture("go/logs/gctrace_chatty.go1.27.log")).unwrap().repeat(8);
    // `parse --json` prints gc cycles while it reads: the reader goes away in the middle of the parse.
    let cases: [(&[&str], Vec<u8>); 3] = [
        (&["parse", dump.as_str(), "--json"], Vec::new()),
        (&["gc", "-", "--json"], gctrace.clone()),
        (&["parse", "-", "--json"], gctrace),
    ];
    for (args, input) in cases {
        // Larger than the pipe buffer by far, so the writer is still writing when the reader goes away.
        let whole = full_stdout_len(home.path(), args, &input);
        assert!(whole > 2 * PIPE_BUFFER, "runbook {}: only {whole} bytes", args.join(" "));
        let (first, out) = first_line_then_close(home.path(), args, input);
        assert_eq!(first, "{\n", "runbook {}", args.join(" "));
        assert_quiet_success(args, &out);
    }
}

#[test]
fn parse_gc_grep_sim_report_nothing_on_a_closed_stdout() {
    let home = tempfile::tempdir().unwrap();
    let cwd = home.path();
    let dump = fixture("go/logs/stack_dump.go1.27.log");
    let gctrace = fixture("go/logs/gctrace_chatty.go1.27.log");
    let logs = fixture("go/logs");
    // A program small enough for every mode to be quick in a debug build: 33 schedules (tests/sim_cli.rs).
    let program = home.path().join("go-then-read.yaml");
    std::fs::write(
        &program,
        "name: t\nmaps: {m: {}}\ngoroutines:\n- name: main\n  ops:\n  - {op: go, goroutine: a, line: 3}\n  \
         - {op: read, map: m, key: 1, line: 4}\n- name: a\n  ops:\n  - {op: write, map: m, key: 1, line: 8}\n",
    )
    .unwrap();
    let program = program.display().to_string();
    let cases: Vec<Vec<&str>> = vec![
        vec!["parse", &dump],
        vec!["parse", &dump, "--json"],
        vec!["gc", &gctrace],
        vec!["gc", &gctrace, "--chart"],
        vec!["gc", &gctrace, "--json"],
        vec!["grep", "goroutine", &logs],
        vec!["grep", "goroutine", &logs, "--json"],
        vec!["sim", "--list"],
        vec!["sim", "--list", "--json"],
        vec!["sim", "--program", &program],
        vec!["sim", "--program", &program, "--json"],
        vec!["sim", "--program", &program, "--runs", "20"],
        vec!["sim", "--program", &program, "--runs", "20", "--json"],
        vec!["sim", "--program", &program, "--exhaustive"],
        vec!["sim", "--program", &program, "--exhaustive", "--json"],
    ];
    for args in &cases {
        check_closed(home.path(), cwd, args);
    }
}

#[test]
fn help_version_list_check_schema_open_and_trust_exit_0_on_a_closed_stdout() {
    let home = tempfile::tempdir().unwrap();
    let cwd = home.path();
    let runbook = home.path().join("policy.yaml");
    std::fs::copy(common::fixture("runbooks/policy.yaml"), &runbook).unwrap();
    let runbook = runbook.display().to_string();
    let cases: Vec<Vec<&str>> = vec![
        vec!["--help"],
        vec!["--version"],
        vec!["run", "--help"],
        vec!["list"],
        vec!["check", &runbook],
        vec!["schema"],
        // Not a terminal: the plain-text rendering of the runbook.
        vec!["open", &runbook],
        vec![&runbook],
        vec!["open"],
        // The first call trusts the file, the second finds it trusted; both print one line.
        vec!["trust", &runbook],
        vec!["trust", &runbook],
    ];
    for args in &cases {
        check_closed(home.path(), cwd, args);
    }
    let store = std::fs::read_to_string(home.path().join("state/runbook/trusted")).unwrap();
    assert_eq!(store.lines().count(), 1, "trusted once, though nobody read the message: {store}");
}

fn journal_types(journal: &Path) -> Vec<String> {
    std::fs::read_to_string(journal)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["type"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn run_resume_and_report_go_on_and_journal_everything_when_nobody_reads_stdout() {
    let home = tempfile::tempdir().unwrap();
    let cwd = home.path();
    let runbook = fixture("runbooks/captures.yaml");
    for json in [false, true] {
        let journal = home.path().join(format!("run-{json}.jsonl"));
        let journal_arg = journal.display().to_string();
        let mut args = vec!["run", &runbook, "--headless", "--yes", "--journal", &journal_arg];
        if json {
            args.push("--json");
        }
        // No first run with a reader here: the journal it leaves is what this test checks.
        assert_quiet_success(&args, &with_closed_stdout(home.path(), cwd, &args));
        // The run went on without its reader: both steps ran, and the session is closed with their result.
        let types = journal_types(&journal);
        assert_eq!(types.iter().filter(|t| *t == "step_finished").count(), 2, "{types:?}");
        assert_eq!(types.last().map(String::as_str), Some("session_finished"), "{types:?}");
    }

    let journal = home.path().join("run-true.jsonl");
    let journal_arg = journal.display().to_string();
    for format in ["md", "json"] {
        check_closed(home.path(), cwd, &["report", &journal_arg, "--format", format]);
    }

    // An unfinished session: the journal as it was when `consume` was about to start.
    let text = std::fs::read_to_string(&journal).unwrap();
    let cut = text.find(r#"{"type":"step_started","step":"consume""#).unwrap();
    let unfinished: PathBuf = home.path().join("unfinished.jsonl");
    for json in [false, true] {
        std::fs::write(&unfinished, &text[..cut]).unwrap();
        let unfinished_arg = unfinished.display().to_string();
        let mut args = vec!["resume", &unfinished_arg, "--headless", "--yes"];
        if json {
            args.push("--json");
        }
        assert_quiet_success(&args, &with_closed_stdout(home.path(), cwd, &args));
        let types = journal_types(&unfinished);
        assert!(types.contains(&"session_resumed".to_string()), "{types:?}");
        assert_eq!(types.last().map(String::as_str), Some("session_finished"), "{types:?}");
    }
}

#[test]
fn blame_exits_0_on_a_closed_stdout() {
    let Some(git) = common::git_tool() else { return };
    let home = tempfile::tempdir().unwrap();
    let repo = home.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    common::git(&git, &repo, &["init", "-q", "-b", "main"]);
    let lines: String = (1..=2000).map(|n| format!("line {n}\n")).collect();
    common::write(&repo.join("big.txt"), lines);
    common::commit_all(&git, &repo, "Alice", 1_600_000_000, "a file longer than a pipe's buffer");
    check_closed(home.path(), &repo, &["blame", "big.txt"]);
    check_closed(home.path(), &repo, &["blame", "big.txt", "--json"]);
    check_closed(home.path(), &repo, &["blame", "big.txt", "-L", "10,20", "--json"]);
}

#[test]
fn a_headless_drill_checks_and_journals_its_milestones_when_nobody_reads_stdout() {
    let home = tempfile::tempdir().unwrap();
    // Without Go on PATH the drill is quick (the reproduction fails at once; the simulator checks the fix).
    let path_env: Vec<String> = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .filter(|d| !d.join("go").exists())
        .map(|d| d.display().to_string())
        .collect();
    let journal = home.path().join("drill.jsonl");
    let journal_arg = journal.display().to_string();
    for json in [true, false] {
        let mut args = vec!["drill", "go-map", "--headless", "--answer", "fix_choice=mutex", "--journal", &journal_arg];
        if json {
            args.push("--json");
        }
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = Command::new(common::bin())
            .env("HOME", home.path())
            .env("XDG_STATE_HOME", home.path().join("state"))
            .env("XDG_CACHE_HOME", home.path().join("cache"))
            .env("PATH", path_env.join(":"))
            .env("TMPDIR", home.path())
            .current_dir(home.path())
            .args(&args)
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_quiet_success(&args, &out);
        if json {
            // Nothing printed, yet the drill ran to its end: the checks and the debrief are in the journal.
            let types = journal_types(&journal);
            assert_eq!(types.iter().filter(|t| *t == "milestone_checked").count(), 3, "{types:?}");
            assert!(types.contains(&"debrief".to_string()), "{types:?}");
            assert_eq!(types.last().map(String::as_str), Some("session_finished"), "{types:?}");
        }
        std::fs::remove_file(&journal).ok();
    }
}
