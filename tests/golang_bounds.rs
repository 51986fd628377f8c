//! Hostile sizes (issue 12, items 10 and 11): an endless line, one goroutine with 80,000 distinct frames, a dump
//! with more goroutines than are kept. Work and memory are measured by counting allocations (bytes allocated, peak
//! bytes live) on the test's own thread, never by a clock.

// Helpers outside #[test] fns: a failed expect is a failed test with its message.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::alloc_support::measure;
use runbook::golang::input::{read_bounded, MAX_LINE};
use runbook::golang::traceback::MAX_GOROUTINES;
use runbook::golang::{gctrace, parse_logs, ProblemKind};
use std::io::Read;

/// One goroutine whose stack has `frames` distinct user frames.
fn deep_goroutine(frames: usize) -> Vec<u8> {
    let mut log = String::from("panic: deep\n\ngoroutine 1 [running]:\n");
    for i in 0..frames {
        log.push_str(&format!("main.f{i}(...)\n\t/app/deep/main.go:{}\n", i + 1));
    }
    log.push_str(&format!("main.main()\n\t/app/deep/main.go:{} +0x1d\n", frames + 1));
    log.into_bytes()
}

#[test]
fn gc_reads_an_endless_line_in_bounded_memory() {
    // What `runbook gc /dev/zero` reads, cut at 16 MiB so the test ends.
    let zeros = std::io::BufReader::new(std::io::repeat(0).take(16 << 20));
    let (trace, _, peak) = measure(|| gctrace::parse_reader(zeros).unwrap());
    assert!(trace.cycles.is_empty());
    assert_eq!(trace.problems.len(), 1, "{:?}", trace.problems);
    assert_eq!((trace.problems[0].kind, trace.problems[0].line), (ProblemKind::Truncated, 1));
    assert!(peak < 4 * MAX_LINE, "peak {peak} bytes for a 16 MiB line");
}

#[test]
fn parse_reads_an_endless_line_in_bounded_memory_and_says_so() {
    let zeros = std::io::BufReader::new(std::io::repeat(0).take(16 << 20));
    let (bytes, _, peak) = measure(|| read_bounded(zeros).unwrap());
    assert_eq!(bytes.len(), MAX_LINE + 1);
    assert!(peak < 4 * MAX_LINE, "peak {peak} bytes for a 16 MiB line");
    let mut log = b"fatal error: x\n".to_vec();
    log.extend_from_slice(&bytes);
    log.extend_from_slice(b"\nafter\n");
    let report = parse_logs(&[("zero".to_string(), log)]);
    let cut: Vec<(ProblemKind, usize)> = report.problems.iter().map(|p| (p.kind, p.line)).collect();
    assert_eq!(cut, [(ProblemKind::Truncated, 2)]);
}

#[test]
fn one_goroutine_with_80000_distinct_frames_costs_linear_memory() {
    let mut per_frame = Vec::new();
    for frames in [10_000, 20_000, 40_000, 80_000] {
        let log = deep_goroutine(frames);
        let (report, total, _) = measure(|| parse_logs(&[("deep".to_string(), log)]));
        let crash = &report.crashes[0];
        assert_eq!(crash.goroutines[0].frames.len(), frames + 1);
        assert_eq!(crash.sites.len(), frames + 1, "every frame is a distinct site");
        per_frame.push(total / frames);
    }
    println!("bytes allocated per frame at 10k/20k/40k/80k frames: {per_frame:?}");
    // Linear: the bytes allocated per frame do not grow with the depth (a quadratic copy would double them).
    let (first, last) = (per_frame[0], per_frame[3]);
    assert!(last <= first + first / 4, "bytes per frame: {per_frame:?}");
}

#[test]
fn a_dump_past_the_goroutine_limit_keeps_the_limit_and_counts_the_rest() {
    let extra = 5_000;
    let mut log = String::from("goroutine 1 [running]:\nmain.main()\n\t/app/main.go:9 +0x1d\n");
    for id in 2..=(MAX_GOROUTINES + extra) {
        log.push_str(&format!("\ngoroutine {id} [chan receive]:\nmain.worker()\n\t/app/main.go:20 +0x2a\n"));
    }
    let report = parse_logs(&[("many".to_string(), log.into_bytes())]);
    let dump = &report.crashes[0];
    assert_eq!(dump.goroutines.len(), MAX_GOROUTINES);
    assert_eq!(dump.message, format!("{} goroutines", MAX_GOROUTINES + extra));
    assert_eq!(dump.buckets.len(), 2);
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(report.problems[0].message.contains("only the first 100000"), "{:?}", report.problems);
}
