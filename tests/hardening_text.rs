//! Issue 12 (hardening), item 13: raw escape sequences never reach the terminal. Every reproduction from the
//! issue goes through the real binary: a hostile step id in `check`, titles and `--var` values in headless text,
//! C1 controls (U+009B CSI, U+009D OSC) in command output, note text in `report`, lines shown by `grep`, `parse`
//! and `blame`. Text output shows them visibly (`^[`, `\u{9b}`); JSON keeps the exact values.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message
use crate::common;

use std::path::Path;
use std::process::Output;

/// The bytes that start an escape sequence or a control function: ESC, BEL, CR, the C1 range in UTF-8 (0xC2
/// 0x80..0x9F) and lone C1 bytes.
fn raw_controls(bytes: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    for (i, &b) in bytes.iter().enumerate() {
        let c1 = b == 0xc2 && bytes.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n));
        if (b < 0x20 && b != b'\t' && b != b'\n') || b == 0x7f || c1 {
            let start = i.saturating_sub(20);
            found.push(String::from_utf8_lossy(&bytes[start..(i + 10).min(bytes.len())]).into_owned());
        }
    }
    found
}

fn assert_no_raw_controls(what: &str, bytes: &[u8]) {
    let found = raw_controls(bytes);
    assert!(found.is_empty(), "{what} holds raw control characters near: {found:?}");
}

fn run(home: &Path, cwd: &Path, args: &[&str]) -> Output {
    let out = common::runbook(home).current_dir(cwd).args(args).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"), "{}", String::from_utf8_lossy(&out.stderr));
    out
}

/// A runbook whose title, step title and output carry escape sequences; `v` is meant for a hostile `--var`.
const HOSTILE_RUNBOOK: &str = r#"id: hostile
title: "Title \e]0;owned\a"
vars:
  - {name: v, default: x}
phases:
  - id: one
    title: One
    steps:
      - id: s1
        title: "Step \e[2J"
        mode: observe
        run:
          command: "printf 'a\\033[31mb\\302\\233c\\302\\235d\\n'; printf '%s\\n' {{v}}"
"#;

#[test]
fn check_shows_a_hostile_step_id_with_its_escapes_visible() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("id.yaml");
    let yaml = "id: x\ntitle: X\nphases:\n  - id: one\n    title: One\n    steps:\n      - id: \"s\\e]0;pwn\\a\\u009b2J\"\n        title: S\n";
    std::fs::write(&file, yaml).unwrap();
    let out = run(home.path(), home.path(), &["check", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert_no_raw_controls("check's message", &out.stderr);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains(r"id `s^[]0;pwn^G\u{9b}2J` must match"), "{stderr}");
}

#[test]
fn headless_text_neutralises_titles_var_values_and_c1_output() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("hostile.yaml");
    std::fs::write(&file, HOSTILE_RUNBOOK).unwrap();
    let file = file.to_str().unwrap();
    let out = run(home.path(), home.path(), &["run", file, "--headless", "--yes", "--var", "v=\x1b[5m\u{9b}6n"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_no_raw_controls("headless text output", &out.stdout);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("▶ s1: Step ^[[2J"), "{stdout}");
    assert!(stdout.contains(r"'^[[5m\u{9b}6n'"), "the command with the --var value: {stdout}");
    assert!(stdout.contains(r"│ ab\u{9b}c\u{9d}d"), "the C1 controls of the output: {stdout}");
}

#[test]
fn headless_json_keeps_exact_values_with_c1_escaped() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("hostile.yaml");
    std::fs::write(&file, HOSTILE_RUNBOOK).unwrap();
    let file = file.to_str().unwrap();
    let out = run(home.path(), home.path(), &["run", file, "--headless", "--yes", "--json", "--var", "v=\u{9d}0;t"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_no_raw_controls("headless JSON output", &out.stdout);
    let events = common::json_lines(&out);
    let lines: Vec<&str> =
        events.iter().filter(|e| e["type"] == "output").map(|e| e["line"].as_str().unwrap()).collect();
    assert_eq!(lines, ["ab\u{9b}c\u{9d}d", "\u{9d}0;t"]);
    let started = events.iter().find(|e| e["type"] == "step_started").unwrap();
    assert_eq!(started["title"], "Step \x1b[2J");
}

#[test]
fn report_shows_note_text_and_titles_with_escapes_visible() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("hostile.yaml");
    std::fs::write(&file, HOSTILE_RUNBOOK).unwrap();
    let journal = home.path().join("j.jsonl");
    let (file, journal_arg) = (file.to_str().unwrap(), journal.to_str().unwrap());
    let out = run(home.path(), home.path(), &["run", file, "--headless", "--yes", "--journal", journal_arg]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    // A note as the TUI records it, before the session's end.
    let text = std::fs::read_to_string(&journal).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let last = lines.pop().unwrap();
    let note = r#"{"type":"note","step":"s1","text":"look \u001b]0;pwned\u0007 here \u009b2J","ts":"2026-12-06T19:36:27.020Z","offset_ms":24}"#;
    std::fs::write(&journal, format!("{}\n{note}\n{last}\n", lines.join("\n"))).unwrap();

    let out = run(home.path(), home.path(), &["report", journal_arg]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_no_raw_controls("report", &out.stdout);
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains(r"look ^[]0;pwned^G here \u{9b}2J"), "{md}");
    assert!(md.starts_with("# Postmortem: Title ^[]0;owned^G"), "{md}");

    let out = run(home.path(), home.path(), &["report", journal_arg, "--format", "json"]);
    assert_no_raw_controls("report --format json", &out.stdout);
    assert!(String::from_utf8(out.stdout).unwrap().contains(r"look \u001b]0;pwned\u0007 here \u009b2J"));
}

#[test]
fn grep_and_parse_show_escapes_in_matched_lines_visibly() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path();
    std::fs::write(dir.join("g.txt"), "hello \x1b[2J world \u{9b}6n\n").unwrap();
    let out = run(dir, dir, &["grep", "hello", "g.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_no_raw_controls("grep", &out.stdout);
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "g.txt:1:hello ^[[2J world \\u{9b}6n\n");
    let out = run(dir, dir, &["grep", "hello", "g.txt", "--json"]);
    assert_no_raw_controls("grep --json", &out.stdout);
    assert_eq!(common::json_lines(&out)[0]["text"], "hello \x1b[2J world \u{9b}6n");

    let log = "panic: boom \u{9b}2J \u{9d}0;t\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:5 +0x1d\nexit status 2\n";
    std::fs::write(dir.join("p.log"), log).unwrap();
    let out = run(dir, dir, &["parse", "p.log"]);
    assert_no_raw_controls("parse", &out.stdout);
    assert!(String::from_utf8(out.stdout).unwrap().contains(r"panic: boom \u{9b}2J \u{9d}0;t"));
}

#[test]
fn blame_shows_escapes_in_lines_and_authors_visibly() {
    let Some(git) = common::git_tool() else { return };
    let home = tempfile::tempdir().unwrap();
    let repo = home.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    common::git(&git, &repo, &["init", "-q"]);
    std::fs::write(repo.join("main.go"), "x := \"\x1b]0;owned\x07\"\n").unwrap();
    common::commit_all(&git, &repo, "Eve", 1_700_000_000, "add");
    let out = run(home.path(), &repo, &["blame", "main.go"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_no_raw_controls("blame", &out.stdout);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(r#"x := "^[]0;owned^G""#), "{text}");
}

#[test]
fn list_and_triage_show_hostile_titles_and_log_lines_visibly() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("runbooks");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("hostile.yaml"), HOSTILE_RUNBOOK).unwrap();
    let out = run(home.path(), home.path(), &["list", "--runbooks", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_no_raw_controls("list", &out.stdout);
    assert!(String::from_utf8(out.stdout).unwrap().contains("Title ^[]0;owned^G"));

    let log = home.path().join("crash.log");
    let text = "fatal error: concurrent map writes \x1b]0;owned\x07\u{9b}2J\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:5 +0x1d\n";
    std::fs::write(&log, text).unwrap();
    let out = run(home.path(), home.path(), &["triage", log.to_str().unwrap()]);
    assert_no_raw_controls("triage", &out.stdout);
    assert_no_raw_controls("triage's messages", &out.stderr);
    assert!(String::from_utf8(out.stdout).unwrap().contains(r"concurrent map writes \u{9b}2J"));
}

/// Everything the binary writes to a pseudo-terminal (clap colours its messages only on a terminal).
fn on_a_terminal(args: &[&str]) -> Vec<u8> {
    use portable_pty::{native_pty_system, CommandBuilder, PtySize};
    let pair = native_pty_system().openpty(PtySize { rows: 24, cols: 200, pixel_width: 0, pixel_height: 0 }).unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_runbook"));
    cmd.args(args);
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let collector = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let mut buf = [0u8; 4096];
        // EOF (or EIO once the child has gone) ends the output.
        while let Ok(n) = std::io::Read::read(&mut reader, &mut buf) {
            if n == 0 {
                break;
            }
            bytes.extend_from_slice(&buf[..n]);
        }
        bytes
    });
    child.wait().unwrap();
    drop(pair.master);
    collector.join().unwrap()
}

#[test]
fn a_usage_error_quoting_a_hostile_value_does_not_echo_it_raw_on_a_terminal() {
    let out = on_a_terminal(&["sim", "--seed", "1\x1b]0;owned\x07\u{9b}2J"]);
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("invalid value"), "{text:?}");
    assert_no_raw_controls("the usage error", &out.iter().copied().filter(|b| *b != b'\r').collect::<Vec<_>>());
}
