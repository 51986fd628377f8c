//! `runbook sim` as a user runs it: the list, JSON lines ending with the summary, exit code 2 on bad input.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message

use std::process::Command;

fn sim(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_runbook")).arg("sim").args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn list_names_every_builtin_with_a_description() {
    let (code, out, _) = sim(&["--list"]);
    assert_eq!(code, 0);
    for name in
        ["handbook", "repro", "iterate", "handler", "fixed-mutex", "fixed-rwmutex", "fixed-syncmap", "fixed-sharded"]
    {
        assert!(out.lines().any(|l| l.starts_with(name) && l.len() > name.len() + 10), "{name} in {out}");
    }
}

#[test]
fn json_lines_all_have_a_type_and_end_with_the_summary() {
    let (code, out, _) = sim(&["--program", "handbook", "--json", "--seed", "3"]);
    assert_eq!(code, 0);
    let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(lines.iter().all(|v| v.get("type").is_some()));
    let last = lines.last().unwrap();
    assert_eq!(last["type"], "summary");
    assert_eq!(last["summary"]["runs"], 1);
    assert!(lines.iter().any(|v| v["type"] == "event" && v["event"]["op"] == "write"));
}

#[test]
fn exhaustive_json_summary_counts_interleavings_of_a_program_file() {
    // go-then-read: 33 schedules, 2 of them crash (counted by hand in tests/sim_model.rs).
    let dir = std::env::temp_dir().join(format!("runbook-sim-cli-x-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("prog.yaml");
    std::fs::write(&file, "name: t\nmaps: {m: {}}\ngoroutines:\n- name: main\n  ops:\n  - {op: go, goroutine: a, line: 3}\n  - {op: read, map: m, key: 1, line: 4}\n- name: a\n  ops:\n  - {op: write, map: m, key: 1, line: 8}\n").unwrap();
    let (code, out, _) = sim(&["--program", file.to_str().unwrap(), "--exhaustive", "--json"]);
    assert_eq!(code, 0);
    let last: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    let s = &last["summary"];
    assert_eq!(s["interleavings"], 33);
    assert_eq!(s["fatal_errors"]["concurrent map read and map write"], 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn gctrace_cycles_are_used_and_a_bad_log_is_an_input_error() {
    let dir = std::env::temp_dir().join(format!("runbook-sim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("gc.log");
    std::fs::write(&log, "gc 1 @0.000s 3%: 0.010+0.52+0.004 ms clock, 0.12+0.62/0.089/0+0.009 ms cpu, 3->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n").unwrap();
    let (code, out, _) = sim(&["--program", "handbook", "--json", "--gctrace", log.to_str().unwrap()]);
    assert_eq!(code, 0);
    let run = out
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["type"] == "run")
        .unwrap();
    assert_eq!(run["run"]["gc_cycles"].as_array().unwrap().len(), 1);
    std::fs::write(&log, "no gc here\n").unwrap();
    let (code, _, err) = sim(&["--gctrace", log.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("no gctrace lines"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_version_program_or_runs_exit_2_with_a_message() {
    for (args, needle) in [
        (vec!["--go", "1.18"], "1.19 to 1.27"),
        (vec!["--program", "nope"], "no built-in program or file named `nope`"),
        (vec!["--runs", "0"], "--runs"),
        (vec!["--program", "repro", "--exhaustive"], "state space too large"),
    ] {
        let (code, _, err) = sim(&args);
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

#[test]
fn parallel_runs_print_byte_identical_output_whatever_the_job_count() {
    // Issue 17: runs spread over threads must not change a byte, text or JSON, with or without a gctrace log.
    let log = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/go/logs/gc_then_crash.go1.27.log");
    for extra in [&["--json"][..], &[][..], &["--json", "--gctrace", log][..], &["--go", "1.19"][..]] {
        let base = ["--program", "repro", "--runs", "60", "--seed", "7"];
        let one: Vec<&str> = base.iter().chain(extra).chain(&["--jobs", "1"]).copied().collect();
        let default: Vec<&str> = base.iter().chain(extra).copied().collect();
        let three: Vec<&str> = base.iter().chain(extra).chain(&["--jobs", "3"]).copied().collect();
        let (c1, o1, _) = sim(&one);
        let (cd, od, _) = sim(&default);
        let (c3, o3, _) = sim(&three);
        assert_eq!((c1, cd, c3), (0, 0, 0), "{extra:?}");
        assert!(o1.contains("60"), "the summary counts 60 runs: {o1}");
        assert_eq!(o1, od, "--jobs 1 vs the default, {extra:?}");
        assert_eq!(o1, o3, "--jobs 1 vs --jobs 3, {extra:?}");
    }
}

#[test]
fn zero_jobs_is_a_usage_error() {
    let (code, _, err) = sim(&["--runs", "3", "--jobs", "0"]);
    assert_eq!(code, 2);
    assert!(err.contains("--jobs must be at least 1"), "{err}");
}
