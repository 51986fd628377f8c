//! What `runbook grep` and `locate::grep` promise beyond "same lines as rg": errors that point at the
//! fault, non-UTF-8 survival with raw bytes in JSON, grep's exit codes, the JSON lines format, and sinks
//! that can stop the search or receive context.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test or benchmark set-up that fails should panic loudly

use crate::common;

use runbook::locate::{grep, grep_collect, ContextLine, GrepError, GrepOptions, GrepSink, LineMatch};
use std::os::unix::ffi::OsStrExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

fn options(pattern: &str, path: &Path) -> GrepOptions {
    GrepOptions { pattern: pattern.into(), paths: vec![path.to_path_buf()], ..GrepOptions::default() }
}

fn runbook_grep(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_runbook"))
        .current_dir(dir)
        .arg("grep")
        .args(args)
        .output()
        .expect("run runbook grep")
}

#[test]
fn invalid_regex_error_points_at_the_fault() {
    let temp = tempfile::tempdir().expect("tempdir");
    let err = grep_collect(&options(r"map\[(string", temp.path())).expect_err("invalid");
    let GrepError::InvalidPattern { column, message, .. } = &err else {
        panic!("expected InvalidPattern, got {err:?}");
    };
    assert_eq!(*column, Some(6), "the unclosed group opens at column 6: {message}");
    assert!(err.to_string().contains("at column 6") && message.contains('^'), "{err}");

    let out = runbook_grep(temp.path(), &[r"map\[(string"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unclosed group"), "{out:?}");
}

#[test]
fn non_utf8_paths_and_contents_come_out_lossy_with_raw_bytes_in_b64() {
    let temp = tempfile::tempdir().expect("tempdir");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.go");
    common::write(&temp.path().join(name), b"var caf\xe9 map[string]int\n");
    let out = runbook_grep(temp.path(), &["--json", r"map\["]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let lines: Vec<serde_json::Value> = out
        .stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 2, "one match and the summary: {lines:?}");
    let found = &lines[0];
    assert_eq!(found["type"], "match");
    assert_eq!(found["path"], "caf\u{fffd}.go");
    assert_eq!(found["path_b64"], "Y2Fm6S5nbw==");
    assert_eq!(found["text"], "var caf\u{fffd} map[string]int");
    assert_eq!(found["text_b64"], "dmFyIGNhZukgbWFwW3N0cmluZ11pbnQ=");
    assert_eq!((found["line"].as_u64(), found["column"].as_u64()), (Some(1), Some(10)));
    assert_eq!(lines[1], serde_json::json!({"type": "summary", "matches": 1, "files": 1}));
}

#[test]
fn exit_codes_follow_grep_matched_none_error() {
    let temp = tempfile::tempdir().expect("tempdir");
    common::write(&temp.path().join("a.go"), "m := map[string]int{}\n");
    assert_eq!(runbook_grep(temp.path(), &["map"]).status.code(), Some(0));
    assert_eq!(runbook_grep(temp.path(), &["absent"]).status.code(), Some(1));
    assert_eq!(runbook_grep(temp.path(), &["map", "no-such-dir"]).status.code(), Some(2));
    assert_eq!(runbook_grep(temp.path(), &["map", "--include", "a{"]).status.code(), Some(2));
    let text = runbook_grep(temp.path(), &["-F", "map[string]"]);
    assert_eq!(String::from_utf8_lossy(&text.stdout), "a.go:1:m := map[string]int{}\n");
}

#[test]
fn help_says_include_and_exclude_are_rg_globs() {
    let out = Command::new(env!("CARGO_BIN_EXE_runbook")).args(["grep", "--help"]).output().expect("run help");
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("-g GLOB") && help.contains("-g '!GLOB'"), "{help}");
}

#[test]
fn a_sink_that_returns_false_stops_the_search() {
    struct StopAfterFirst<'a>(&'a AtomicUsize);
    impl GrepSink for StopAfterFirst<'_> {
        fn matched(&mut self, _: &LineMatch<'_>) -> bool {
            self.0.fetch_add(1, Ordering::SeqCst);
            false
        }
    }
    let temp = tempfile::tempdir().expect("tempdir");
    for i in 0..200 {
        common::write(&temp.path().join(format!("f{i}.txt")), "hit\nhit\nhit\n");
    }
    let seen = AtomicUsize::new(0);
    grep(&options("hit", temp.path()), || StopAfterFirst(&seen)).expect("grep");
    let seen = seen.load(Ordering::SeqCst);
    // Each thread may be mid-file when another stops; with 600 lines in the tree, far fewer get through.
    assert!((1..=16).contains(&seen), "saw {seen} matches");
}

#[test]
fn context_lines_reach_the_sink_around_each_match() {
    /// (line, is_context, after): every search thread's sink records into one list.
    type Seen = std::sync::Mutex<Vec<(u64, bool, bool)>>;
    struct Record<'a>(&'a Seen);
    impl GrepSink for Record<'_> {
        fn matched(&mut self, found: &LineMatch<'_>) -> bool {
            self.0.lock().expect("lock").push((found.line, false, false));
            true
        }
        fn context(&mut self, line: &ContextLine<'_>) -> bool {
            self.0.lock().expect("lock").push((line.line, true, line.after));
            true
        }
    }
    let temp = tempfile::tempdir().expect("tempdir");
    let file: PathBuf = temp.path().join("ctx.go");
    common::write(&file, "a\nb\nmap[x]y\nc\nd\n");
    let seen = Seen::default();
    let mut opts = options(r"map\[", &file);
    opts.context = 1;
    grep(&opts, || Record(&seen)).expect("grep");
    let seen = seen.into_inner().expect("lock");
    assert_eq!(seen, vec![(2, true, false), (3, false, false), (4, true, true)]);
}
