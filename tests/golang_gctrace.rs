//! gctrace captured with GODEBUG=gctrace=1 from Go 1.27.3 and 1.19.8 (tests/fixtures/go/logs).

// Helpers outside #[test] fns: a failed expect is a failed test with its message.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use runbook::golang::gctrace::{self, GcCycle};
use runbook::golang::gcview::{render_chart, render_summary, render_table, summarize};
use runbook::golang::{parse_logs, ProblemKind};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/go/logs/{name}.log", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    String::from_utf8_lossy(&bytes).into_owned()
}

fn numbers(cycles: &[GcCycle]) -> Vec<(u32, u64)> {
    cycles.iter().map(|c| (c.process, c.n)).collect()
}

#[test]
fn allocating_program_every_field_of_first_and_forced_last_cycle() {
    let trace = gctrace::parse(&fixture("gctrace_alloc.go1.27"));
    assert_eq!(trace.cycles.len(), 8);
    let first = &trace.cycles[0];
    assert_eq!((first.n, first.at_s, first.cpu_pct, first.procs), (1, 0.0, 13, 2));
    assert_eq!(first.clock_ms, [0.17, 0.15, 0.006]);
    assert_eq!(first.cpu_ms, [0.34, 0.013, 0.099, 0.086, 0.012]);
    assert_eq!((first.heap_mb, first.goal_mb, first.stacks_mb, first.globals_mb), ([4, 4, 3], 4, Some(0), Some(0)));
    let last = &trace.cycles[7];
    assert!(last.forced, "runtime.GC() at the end");
    assert_eq!((last.n, last.at_s, last.heap_mb, last.goal_mb), (8, 0.024, [24, 24, 12], 48));
    assert!(trace.cycles.iter().take(7).all(|c| !c.forced && !c.leak_check));
    assert!((trace.stw_ms_sum - 0.809).abs() < 1e-9);
    assert!((trace.stw_ms_max - 0.181).abs() < 1e-9);
    assert!(trace.problems.is_empty());

    let trace = gctrace::parse(&fixture("gctrace_alloc.go1.19"));
    assert_eq!(trace.cycles.len(), 9);
    let last = &trace.cycles[8];
    assert_eq!(
        (last.n, last.at_s, last.clock_ms, last.heap_mb, last.goal_mb),
        (9, 0.039, [0.029, 0.07, 0.001], [26, 26, 15], 29)
    );
    assert_eq!(last.stacks_mb, Some(0), "Go 1.19 prints stacks and globals although its doc omits them");
    assert!(last.forced);
    assert!((trace.stw_ms_sum - 0.608).abs() < 1e-9);
}

#[test]
fn lines_split_by_application_output_are_rejoined() {
    // Every cycle of the chatty run comes back, in order, with no gap: 64 (1.19) and 45 (1.27), although only
    // 55 and 33 of them start a line with `gc N`, and some are spread over 30 lines of `app: tick`.
    for (log, count, stw_sum) in [("gctrace_chatty.go1.19", 64, 13.853), ("gctrace_chatty.go1.27", 45, 21.098)] {
        let text = fixture(log);
        let unsplit = text.lines().filter(|l| l.starts_with("gc ") && l.ends_with(" P")).count();
        assert!(unsplit < count, "{log}: the capture really has split lines");
        let trace = gctrace::parse(&text);
        let expected: Vec<(u32, u64)> = (1..=count as u64).map(|n| (1, n)).collect();
        assert_eq!(numbers(&trace.cycles), expected, "{log}");
        assert!(trace.problems.is_empty(), "{log}: {:?}", trace.problems);
        assert!((trace.stw_ms_sum - stw_sum).abs() < 1e-9, "{log}: {}", trace.stw_ms_sum);
    }
    // gc 4 of the 1.19 run starts at line 14 as `gc app: tick 8368` and is spread over the next 30 lines.
    let trace = gctrace::parse(&fixture("gctrace_chatty.go1.19"));
    let c = &trace.cycles[3];
    assert_eq!((c.n, c.line, c.at_s, c.cpu_pct), (4, 14, 0.022, 1));
    assert_eq!((c.clock_ms, c.cpu_ms), ([0.011, 4.5, 0.003], [0.022, 0.051, 0.0, 0.0, 0.007]));
    assert_eq!((c.heap_mb, c.goal_mb, c.procs), ([7, 8, 4], 8, 2));
    // gc 3 of the 1.27 run, checked against the pieces joined by hand with sed.
    let trace = gctrace::parse(&fixture("gctrace_chatty.go1.27"));
    let c = &trace.cycles[2];
    assert_eq!(
        (c.n, c.line, c.at_s, c.clock_ms, c.heap_mb, c.goal_mb),
        (3, 12, 0.006, [0.12, 3.3, 0.003], [4, 4, 2], 5)
    );
}

#[test]
fn second_process_restarts_numbering() {
    for log in ["gctrace_two_runs.go1.27", "gctrace_two_runs.go1.19"] {
        let trace = gctrace::parse(&fixture(log));
        let expected: Vec<(u32, u64)> = (1..=8).map(|n| (1, n)).chain((1..=7).map(|n| (2, n))).collect();
        assert_eq!(numbers(&trace.cycles), expected, "{log}");
        assert!(trace.problems.is_empty(), "{log}: a restart is not a gap");
    }
}

#[test]
fn truncated_last_line_is_reported_not_dropped_silently() {
    for (log, complete, line) in [("gctrace_alloc-truncated.go1.27", 7, 8), ("gctrace_alloc-truncated.go1.19", 8, 9)] {
        let trace = gctrace::parse(&fixture(log));
        assert_eq!(trace.cycles.len(), complete, "{log}");
        assert_eq!(trace.problems.len(), 1, "{log}");
        assert_eq!((trace.problems[0].kind, trace.problems[0].line), (ProblemKind::Truncated, line));
    }
}

#[test]
fn syslog_prefixes_and_crlf_do_not_change_the_cycles() {
    for v in ["go1.27", "go1.19"] {
        let plain = gctrace::parse(&fixture(&format!("gctrace_alloc.{v}")));
        let wrapped = gctrace::parse(&fixture(&format!("gctrace_alloc-syslog-crlf.{v}")));
        assert_eq!(plain.cycles, wrapped.cycles, "{v}");
    }
}

#[test]
fn whole_log_report_numbers_processes_across_inputs() {
    let inputs = vec![
        ("a".to_string(), fixture("gctrace_alloc.go1.27").into_bytes()),
        ("b".to_string(), fixture("gctrace_alloc.go1.19").into_bytes()),
    ];
    let report = parse_logs(&inputs);
    assert_eq!(report.gc.cycles.len(), 17);
    assert_eq!(report.gc.cycles.iter().filter(|c| c.process == 2).count(), 9);
    assert_eq!(report.gc.cycles[8].input, 1);
    assert!((report.gc.stw_ms_sum - (0.809 + 0.608)).abs() < 1e-9);
}

#[test]
fn gc_views_show_the_summary_numbers() {
    let trace = gctrace::parse(&fixture("gctrace_chatty.go1.27"));
    let summary = summarize(&trace.cycles);
    assert_eq!((summary.cycles, summary.processes, summary.forced), (45, 1, 0));
    assert!((summary.pause_ms_max - 8.965).abs() < 1e-9);
    assert_eq!((summary.heap_mb_max, summary.live_mb_max, summary.goal_mb_max), (46, 23, 46));
    let text = render_summary(&summary);
    assert!(text.contains("pause (STW): max 8.965 ms"), "{text}");
    let table = render_table(&trace.cycles);
    assert_eq!(table.lines().count(), 46);
    let chart = render_chart(&trace.cycles, 40);
    assert_eq!(chart.lines().count(), 4);
    assert!(chart.lines().next().is_some_and(|l| l.starts_with("heap MB ") && l.contains('█')), "{chart}");
}

#[test]
fn pacer_and_scavenger_lines_are_kept_as_neighbours() {
    for (log, pacer, scav) in [("gctrace_pacer.go1.27", 17, 7), ("gctrace_pacer.go1.19", 13, 7)] {
        let trace = gctrace::parse(&fixture(log));
        assert_eq!(trace.cycles.len(), 7, "{log}");
        let count = |kind: &str| trace.neighbours.iter().filter(|n| n.kind == kind).count();
        assert_eq!((count("pacer"), count("scav")), (pacer, scav), "{log}");
        assert!(trace.problems.is_empty());
    }
    // Go 1.19's pacer line has the U+2206 increment sign; it survives as text.
    let trace = gctrace::parse(&fixture("gctrace_pacer.go1.19"));
    assert!(trace.neighbours.iter().any(|n| n.text.contains("(∆goal ")));
}

#[test]
fn streaming_reader_finds_the_same_cycles_as_the_whole_log_parser() {
    for name in [
        "gctrace_chatty.go1.27.log",
        "gctrace_chatty.go1.19.log",
        "gctrace_alloc-syslog-crlf.go1.19.log",
        "gctrace_two_runs.go1.27.log",
        "gctrace_alloc-truncated.go1.27.log",
    ] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/go/logs").join(name);
        let bytes = std::fs::read(&path).unwrap();
        let whole = runbook::golang::gctrace::parse(&String::from_utf8_lossy(&bytes));
        let streamed = runbook::golang::gctrace::parse_reader(std::io::Cursor::new(&bytes)).unwrap();
        assert!(!whole.cycles.is_empty(), "{name}");
        assert_eq!(streamed.cycles, whole.cycles, "{name}");
        assert_eq!(streamed.problems.len(), whole.problems.len(), "{name}");
    }
}

/// Regression (CI, Go 1.19): a background cycle's line cut off when the program exited must be reported as
/// truncated, not dropped and not counted as a cycle. The log is the real output of that run.
#[test]
fn a_gc_line_cut_off_at_exit_is_reported_as_truncated() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/go/logs/gctrace_cut_at_exit.go1.19.log");
    let text = std::fs::read_to_string(path).unwrap();
    let trace = runbook::golang::gctrace::parse(&text);
    assert_eq!(trace.cycles.len(), 7);
    assert_eq!(trace.cycles.last().map(|c| (c.n, c.forced)), Some((7, true)));
    let truncated: Vec<_> =
        trace.problems.iter().filter(|p| p.kind == runbook::golang::ProblemKind::Truncated).collect();
    assert_eq!(truncated.len(), 1);
    assert_eq!(truncated[0].line, 8);
    assert!(truncated[0].message.contains("gc 8 @0.034s"), "{}", truncated[0].message);
}
