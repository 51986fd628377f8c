//! Issue 17: the document of `runbook parse --json` puts `gc` first, so its cycles stream to standard output as
//! they are found (docs/parsers.md, "The document"). Pinned here: the key order, the bytes (each value exactly as
//! `serde_json`'s pretty printer prints it; only the order of the keys differs from `ParseReport`'s), the errors
//! (an input that cannot be opened prints nothing; one that fails mid-read leaves the document unfinished), and a
//! terminal still protected from the control characters of an input's name.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message
use crate::common;
use runbook::golang::dump_diff::DumpChange;
use runbook::golang::problem::Problem;
use runbook::golang::report::GcSection;
use runbook::golang::{parse_logs, Crash, Pairing, ParseReport, RaceReport, RacingSite};
use serde::Serialize;
use std::path::Path;

/// The top-level keys of `parse --json`, in the order printed (`dump_changes` only when there are any).
pub const KEY_ORDER: [&str; 11] = [
    "inputs",
    "gc",
    "formats",
    "streams",
    "races",
    "found_data_races",
    "sites",
    "crashes",
    "pairing",
    "problems",
    "dump_changes",
];

/// `ParseReport`'s fields in the order `parse --json` prints them.
#[derive(Serialize)]
struct InCliOrder<'a> {
    inputs: &'a [String],
    gc: &'a GcSection,
    formats: &'a [String],
    streams: &'a [Option<String>],
    races: &'a [RaceReport],
    found_data_races: Option<u32>,
    sites: &'a [RacingSite],
    crashes: &'a [Crash],
    pairing: &'a [Pairing],
    problems: &'a [Problem],
    #[serde(skip_serializing_if = "<[DumpChange]>::is_empty")]
    dump_changes: &'a [DumpChange],
}

/// What `runbook parse --json` prints for `report`: `serde_json::to_string_pretty` in the CLI's key order.
pub fn expected_document(report: &ParseReport) -> String {
    let ordered = InCliOrder {
        inputs: &report.inputs,
        gc: &report.gc,
        formats: &report.formats,
        streams: &report.streams,
        races: &report.races,
        found_data_races: report.found_data_races,
        sites: &report.sites,
        crashes: &report.crashes,
        pairing: &report.pairing,
        problems: &report.problems,
        dump_changes: &report.dump_changes,
    };
    serde_json::to_string_pretty(&ordered).unwrap() + "\n"
}

/// The keys of the document's top level, in the order printed (lines indented by exactly one level).
fn top_keys(doc: &str) -> Vec<&str> {
    doc.lines().filter_map(|l| l.strip_prefix("  \"")).filter_map(|l| l.split_once("\": ").map(|(k, _)| k)).collect()
}

fn parse_json(home: &Path, paths: &[&str]) -> std::process::Output {
    common::runbook(home).arg("parse").arg("--json").args(paths).env("TMPDIR", home).output().unwrap()
}

fn gc_lines(n: usize) -> String {
    (1..=n)
        .map(|i| {
            format!(
                "gc {i} @{}.{:03}s 3%: 0.015+1.{i}+0.002 ms clock, 0.12+0.4/2.1/0.9+0.016 ms cpu, 4->{}->2 MB, \
                 8 MB goal, 0 MB stacks, 0 MB globals, 8 P\n",
                i / 10,
                i % 1000,
                4 + i % 7
            )
        })
        .collect()
}

#[test]
fn gc_comes_first_and_every_value_is_serdes_pretty_text() {
    let home = tempfile::tempdir().unwrap();
    let logs = [
        "go/logs/map_writes_race.go1.27.log",
        "go/logs/gc_then_crash.go1.27.log",
        "go/logs/gctrace_pacer.go1.27.log",
        "go/logs/stack_dump.go1.19.log",
        "go/logs/stack_dump.go1.27.log",
    ];
    let paths: Vec<String> = logs.iter().map(|l| common::fixture(l).display().to_string()).collect();
    let inputs: Vec<(String, Vec<u8>)> = paths.iter().map(|p| (p.clone(), std::fs::read(p).unwrap())).collect();
    let report = parse_logs(&inputs);
    assert!(report.gc.cycles.len() > 10 && !report.races.is_empty() && !report.crashes.is_empty());
    assert!(!report.gc.neighbours.is_empty(), "pacer lines are neighbours");
    let out = parse_json(home.path(), &paths.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let doc = String::from_utf8(out.stdout).unwrap();
    let keys = top_keys(&doc);
    let expected_keys: Vec<&str> =
        KEY_ORDER.iter().copied().filter(|k| *k != "dump_changes" || !report.dump_changes.is_empty()).collect();
    assert_eq!(keys, expected_keys);
    assert!(doc.starts_with("{\n  \"inputs\": [\n"), "{}", &doc[..200]);
    assert!(doc.contains("\n  ],\n  \"gc\": {\n    \"cycles\": [\n      {\n        \"process\": 1,\n"));
    assert!(doc == expected_document(&report), "the document differs from serde's text of the report");
    let back: ParseReport = serde_json::from_str(&doc).unwrap();
    assert!(back == report, "the document does not read back as the in-memory report");
}

#[test]
fn a_log_without_gc_prints_an_empty_gc_first() {
    let home = tempfile::tempdir().unwrap();
    let log = common::fixture("go/logs/map_writes_race.go1.27.log");
    let out = parse_json(home.path(), &[log.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let doc = String::from_utf8(out.stdout).unwrap();
    assert!(doc.contains("\n  \"gc\": {\n    \"cycles\": [],\n    \"stw_ms_max\": 0.0,\n"), "{doc}");
    let report = parse_logs(&[(log.display().to_string(), std::fs::read(&log).unwrap())]);
    assert_eq!(doc, expected_document(&report));
}

#[test]
fn an_input_that_cannot_be_opened_prints_no_half_document() {
    let home = tempfile::tempdir().unwrap();
    let good = home.path().join("gc.log");
    std::fs::write(&good, gc_lines(50)).unwrap();
    let good = good.display().to_string();
    for bad in ["/nonexistent/runbook.log", home.path().to_str().unwrap()] {
        let out = parse_json(home.path(), &[&good, bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(out.stdout.is_empty(), "{bad}: {}", String::from_utf8_lossy(&out.stdout));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("cannot read {bad}")), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[test]
fn a_read_error_after_cycles_were_printed_leaves_the_document_unfinished() {
    // `/proc/self/mem` opens, then its first read fails (EIO: nothing is mapped at address 0).
    let mem = Path::new("/proc/self/mem");
    if std::fs::File::open(mem).is_err() {
        println!("skipped: /proc/self/mem cannot be opened here");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let good = home.path().join("gc.log");
    std::fs::write(&good, gc_lines(3000)).unwrap();
    let out = parse_json(home.path(), &[good.to_str().unwrap(), "/proc/self/mem"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot read /proc/self/mem"), "{err}");
    let doc = String::from_utf8(out.stdout).unwrap();
    assert!(doc.starts_with("{\n  \"inputs\": ["), "{}", &doc[..doc.len().min(200)]);
    assert!(doc.contains("\"cycles\": [\n      {\n"), "the cycles of the first input were printed");
    assert!(serde_json::from_str::<serde_json::Value>(&doc).is_err(), "an unfinished document must not parse");
}

#[test]
fn control_characters_in_an_input_name_stay_escaped_in_the_document() {
    let home = tempfile::tempdir().unwrap();
    let name = "gc \u{1b}]0;pwned\u{7} \u{9b}2J.log";
    std::fs::write(home.path().join(name), gc_lines(20)).unwrap();
    let out = common::runbook(home.path())
        .current_dir(home.path())
        .args(["parse", "--json", name])
        .env("TMPDIR", home.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let raw_c1 = out.stdout.windows(2).any(|w| w[0] == 0xc2 && (0x80..=0x9f).contains(&w[1]));
    let raw_c0 = out.stdout.iter().any(|&b| (b < 0x20 && b != b'\n') || b == 0x7f);
    assert!(!raw_c1 && !raw_c0, "a raw control character reached standard output");
    let doc = String::from_utf8(out.stdout).unwrap();
    assert!(doc.contains(r#""gc \u001b]0;pwned\u0007 \u009b2J.log""#), "{doc}");
    let back: ParseReport = serde_json::from_str(&doc).unwrap();
    assert_eq!(back.inputs, [name]);
    assert_eq!(back.gc.cycles.len(), 20);
}

#[test]
fn inputs_past_the_ones_kept_open_are_read_too() {
    // `cli/parse.rs` keeps 64 inputs open from the check to the read; the others are checked, closed and opened
    // again in their turn (a glob of thousands of logs must not run out of file descriptors).
    let home = tempfile::tempdir().unwrap();
    let paths: Vec<String> = (0..70)
        .map(|i| {
            let path = home.path().join(format!("gc-{i:02}.log"));
            std::fs::write(&path, gc_lines(2)).unwrap();
            path.display().to_string()
        })
        .collect();
    let out = parse_json(home.path(), &paths.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let back: ParseReport = serde_json::from_str(&String::from_utf8(out.stdout).unwrap()).unwrap();
    assert_eq!(back.inputs, paths);
    assert_eq!(back.gc.cycles.len(), 140);
    assert_eq!(back.gc.cycles.last().map(|c| c.input), Some(69));
}
