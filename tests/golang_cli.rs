//! `runbook parse` / `runbook gc` glue: exit codes and output, through the built binary.

// Helpers outside #[test] fns: a failed expect is a failed test with its message.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::process::{Command, Stdio};

fn runbook(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_runbook"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn runbook");
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin).expect("write stdin");
    }
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const LOGS: &str = "tests/fixtures/go/logs";

#[test]
fn parse_finds_a_crash_and_exits_0() {
    let (code, out, _) = runbook(&["parse", &format!("{LOGS}/map_read_write_race.go1.19.log")], b"");
    assert_eq!(code, 0);
    assert!(out.contains("fatal error: concurrent map read and map write"), "{out}");
    assert!(out.contains("/tmp/runbook-go-corpus/map_read_write/main.go:14"), "{out}");
    assert!(out.contains("[read]") && out.contains("[write]"), "{out}");
}

#[test]
fn parse_json_covers_all_inputs_in_order_and_reads_stdin() {
    let stdin = std::fs::read(format!("{}/{LOGS}/nil_deref.go1.27.log", env!("CARGO_MANIFEST_DIR"))).expect("fixture");
    let (code, out, _) = runbook(&["parse", "--json", &format!("{LOGS}/racy_test.go1.27.log"), "-"], &stdin);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).expect("one JSON document");
    assert_eq!(json["inputs"], serde_json::json!([format!("{LOGS}/racy_test.go1.27.log"), "-"]));
    assert_eq!(json["races"].as_array().map(Vec::len), Some(2));
    assert_eq!(json["crashes"][0]["input"], 1);
    assert_eq!(json["crashes"][0]["kind"], "panic");
    assert_eq!(json["crashes"][0]["signal"]["name"], "SIGSEGV");
}

#[test]
fn parse_of_plain_text_exits_1() {
    let (code, out, _) = runbook(&["parse", "-"], b"hello\nworld\n");
    assert_eq!(code, 1);
    assert!(out.contains("no Go race report, crash or gctrace found"), "{out}");
}

#[test]
fn unreadable_input_exits_2_with_a_message() {
    let (code, _, err) = runbook(&["parse", "/nonexistent/runbook.log"], b"");
    assert_eq!(code, 2);
    assert!(err.contains("cannot read /nonexistent/runbook.log"), "{err}");
    let (code, _, err) = runbook(&["gc", "/nonexistent/gc.log"], b"");
    assert_eq!(code, 2);
    assert!(err.contains("cannot read"), "{err}");
}

#[test]
fn gc_prints_table_summary_and_chart() {
    let (code, out, _) = runbook(&["gc", "--chart", &format!("{LOGS}/gctrace_two_runs.go1.27.log")], b"");
    assert_eq!(code, 0);
    assert!(out.contains("15 cycles in 2 process(es), 2 forced"), "{out}");
    assert!(out.contains("heap MB ") && out.contains("pause ms"), "{out}");
    let (code, out, _) = runbook(&["gc", "--json", &format!("{LOGS}/gctrace_alloc.go1.19.log")], b"");
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(json["cycles"].as_array().map(Vec::len), Some(9));
    assert_eq!(json["summary"]["goal_mb_max"], 33);
    let (code, _, _) = runbook(&["gc", &format!("{LOGS}/nil_deref.go1.19.log")], b"");
    assert_eq!(code, 1, "no gc lines");
}

#[test]
fn an_endless_line_is_cut_with_a_note_in_gc_and_parse() {
    // What `/dev/zero` gives, cut at 3 MiB so the test ends: one line, no newline.
    let zeros = vec![0u8; 3 << 20];
    let (code, out, err) = runbook(&["gc", "-"], &zeros);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("note: line 1: line longer than 1 MiB"), "{out}");
    let (code, out, err) = runbook(&["parse", "-"], &zeros);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("-:1: line longer than 1 MiB"), "{out}");
}

#[test]
fn parse_json_names_the_format_of_each_input() {
    let shipped = "tests/fixtures/shipped";
    let (code, out, _) = runbook(
        &["parse", "--json", &format!("{shipped}/relay.go1.27.compose.log"), &format!("{LOGS}/nil_deref.go1.27.log")],
        b"",
    );
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["formats"], serde_json::json!(["compose", "plain"]));
    assert_eq!(json["streams"], serde_json::json!(["relay-1", null]));
}
