//! Issue 17: `runbook parse` streams. A parse read in chunks finds exactly what a parse of the whole text finds,
//! wherever the chunk boundaries fall (blocks carried across them, formats that interleave streams read twice,
//! partial lines joined across chunks), and its memory stays bounded as the input grows: measured by counting
//! allocations in the parser, and by the peak RSS of the `runbook parse --json` process, never by a clock.

// Helpers outside #[test] fns: a failed expect is a failed test with its message.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::alloc_support::measure;
use crate::common;
use runbook::golang::gctrace::{GcCycle, GcNeighbour};
use runbook::golang::report::{parse_logs_chunked, parse_logs_read_chunked};
use runbook::golang::stream::{ParseSink, StreamParser};
use runbook::golang::{parse_logs, Crash, RaceReport};
use std::path::Path;

fn read_dir(dir: &str) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(common::fixture(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "log"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    files.sort();
    files
}

/// Every capture and every shipped shape, each alone, read in small chunks (a line or two, and a few dozen lines):
/// the same report as the whole text read at once.
/// (It was once left out of `make test` as "minutes in a debug build": it never ended, the hang of the test
/// below; 0.2 s now.)
#[test]
fn chunked_parse_equals_the_whole_parse_on_every_capture_and_shipped_shape() {
    let mut files = read_dir("go/logs");
    files.extend(read_dir("shipped"));
    assert!(files.len() > 100, "{} files", files.len());
    for (name, bytes) in &files {
        let input = [(name.clone(), bytes.clone())];
        let whole = parse_logs_chunked(&input, &[], usize::MAX);
        for chunk in [100, 2000] {
            let chunked = parse_logs_read_chunked(&input, &[], chunk);
            assert_eq!(chunked, whole, "{name} read {chunk} bytes at a time");
            let in_place = parse_logs_chunked(&input, &[], chunk);
            assert_eq!(in_place, whole, "{name} read {chunk} bytes at a time in place");
        }
    }
}

/// A line longer than what comes before it in the first chunk, read in chunks smaller than it: the reader once
/// kept finding the same last newline and never ended (the format sampling asked for more lines forever). Run on
/// a thread so a hang fails the test instead of the suite.
#[test]
fn a_long_line_after_short_ones_is_read_in_small_chunks_to_the_end() {
    let mut log = b"hello\n".to_vec();
    log.extend(std::iter::repeat_n(b'x', 5000));
    log.extend_from_slice(
        b"\nfatal error: concurrent map writes\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:9 +0x3c\n",
    );
    let input = vec![("long".to_string(), log)];
    let whole = parse_logs(&input);
    assert_eq!(whole.crashes.len(), 1);
    for chunk in [1, 100, 2000, 4999, 5006] {
        let (tx, rx) = std::sync::mpsc::channel();
        let given = input.clone();
        std::thread::spawn(move || {
            let read = parse_logs_read_chunked(&given, &[], chunk);
            tx.send(Box::new((read, parse_logs_chunked(&given, &[], chunk)))).is_ok()
        });
        let chunked = rx.recv_timeout(std::time::Duration::from_secs(60)).expect("the chunked parse ends");
        assert_eq!(chunked.0, whole, "read {chunk} bytes at a time");
        assert_eq!(chunked.1, whole, "read {chunk} bytes at a time in place");
    }
}

/// Blocks far longer than a chunk, a race report claimed by a `go test` line in a later chunk, crashes of one
/// input paired with races of another, several inputs in one parse.
#[test]
fn chunked_parse_equals_the_whole_parse_across_inputs_and_long_blocks() {
    let logs = read_dir("go/logs");
    let all: Vec<u8> = logs.iter().flat_map(|(_, b)| b.iter().copied()).collect();
    let shipped: Vec<u8> = read_dir("shipped").iter().flat_map(|(_, b)| b.iter().copied()).collect();
    let test_log = b"=== RUN   TestRace\n==================\nWARNING: DATA RACE\nWrite at 0x00c000010018 by goroutine 7:\n  main.f()\n      /app/main.go:9 +0x3c\n==================\n--- FAIL: TestRace (0.00s)\n    testing.go:1490: race detected during execution of test\n".to_vec();
    let inputs =
        vec![("all".to_string(), all), ("shipped".to_string(), shipped), ("test".to_string(), test_log.clone())];
    let whole = parse_logs_chunked(&inputs, &[], usize::MAX);
    assert!(whole.crashes.len() > 50 && whole.races.len() > 20 && !whole.gc.cycles.is_empty());
    assert!(whole.races.iter().any(|r| r.test.as_deref() == Some("TestRace")));
    for chunk in [1, 4096, 50_000] {
        assert_eq!(parse_logs_read_chunked(&inputs, &[], chunk), whole, "read {chunk} bytes at a time");
        assert_eq!(parse_logs_chunked(&inputs, &[], chunk), whole, "read {chunk} bytes at a time in place");
    }
    // `parse_logs` reads in place a chunk at a time (2 MiB): the same report.
    assert_eq!(parse_logs(&inputs), whole);
}

/// The in-place read carries a block that looks as if it ran into the next chunk without parsing it: when the
/// guess is wrong (lines that look like a dump's inside, which the crash parser does not take: a header with no
/// goroutine, a report with no closing separator), the result is still the whole read's, wherever the chunks end.
#[test]
fn blocks_carried_on_a_wrong_guess_read_as_the_whole_text() {
    let mut log = String::from("panic: no goroutine follows\n");
    for i in 0..3000 {
        log.push_str(&format!("main.looks_like_a_frame{i}()\n"));
    }
    log.push_str("==================\nWARNING: DATA RACE\nWrite at 0x00c000010018 by goroutine 7:\n");
    for i in 0..2000 {
        log.push_str(&format!("  main.f{i}()\n      /app/main.go:{i} +0x3c\n"));
    }
    log.push_str("app: the report was cut off\nfatal error: concurrent map writes\n\ngoroutine 7 [running]:\n");
    log.push_str("main.main()\n\t/app/main.go:9 +0x1d\ngc 1 @0.011s 3%: 0.060+0.52+0.004 ms clock, 0.12+0.62/0.089/0+0.009 ms cpu, 3->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n");
    let inputs = vec![("guess".to_string(), log.into_bytes())];
    let whole = parse_logs_chunked(&inputs, &[], usize::MAX);
    assert_eq!((whole.crashes.len(), whole.races.len(), whole.gc.cycles.len()), (2, 1, 1));
    for chunk in [64, 1000, 4096, 50_000] {
        assert_eq!(parse_logs_chunked(&inputs, &[], chunk), whole, "read {chunk} bytes at a time in place");
        assert_eq!(parse_logs_read_chunked(&inputs, &[], chunk), whole, "read {chunk} bytes at a time");
    }
}

/// A sink that keeps nothing: what the parser itself holds is what is measured.
#[derive(Default)]
struct Counting {
    races: usize,
    crashes: usize,
    cycles: usize,
}

impl ParseSink for Counting {
    fn race(&mut self, _: RaceReport) {
        self.races += 1;
    }
    fn crash(&mut self, _: Crash) {
        self.crashes += 1;
    }
    fn cycle(&mut self, _: GcCycle) {
        self.cycles += 1;
    }
    fn neighbour(&mut self, _: GcNeighbour) {}
}

/// The mixed log of `benches/make-mixed-log.sh`: chatty gctrace, whole gc lines, a crash and a race report every
/// fifty rounds.
fn mixed_log(bytes: usize) -> Vec<u8> {
    let fixture = |name: &str| std::fs::read(common::fixture(&format!("go/logs/{name}"))).unwrap();
    let round = [fixture("gctrace_chatty.go1.27.log"), fixture("gctrace_alloc.go1.19.log")].concat();
    let incident = [fixture("map_read_write.go1.27.log"), fixture("map_read_write_race.go1.19.log")].concat();
    let mut block = incident;
    for _ in 0..50 {
        block.extend_from_slice(&round);
    }
    let mut log = Vec::with_capacity(bytes + block.len());
    while log.len() < bytes {
        log.extend_from_slice(&block);
    }
    log
}

#[test]
fn streaming_parse_memory_does_not_grow_with_the_input() {
    let chunk = 256 << 10;
    let mut peaks = Vec::new();
    for size in [2 << 20, 8 << 20] {
        let log = mixed_log(size);
        let (found, _, peak) = measure(|| {
            let mut parser = StreamParser::with_chunk_bytes(chunk);
            let mut sink = Counting::default();
            let reader = std::io::BufReader::with_capacity(1 << 16, std::io::Cursor::new(&log[..]));
            parser.parse_input(reader, None, &mut sink).unwrap();
            let end = parser.finish(&mut sink);
            (sink.races, sink.crashes, sink.cycles, end.problems.len())
        });
        assert!(found.0 > 0 && found.1 > 0 && found.2 > 1_000, "{found:?}");
        peaks.push(peak);
    }
    println!("peak bytes live parsing 2 MiB and 8 MiB in 256 KiB chunks: {peaks:?}");
    // Four times the input, the same memory: a few chunks (the chunk, its text, its lines), whatever the size.
    assert!(peaks[1] < 12 * chunk, "peak {} bytes for a 8 MiB log", peaks[1]);
    assert!(peaks[1] < peaks[0] + peaks[0] / 4, "peaks {peaks:?}");
}

/// The peak RSS (KiB) the child reports with `RUNBOOK_PEAK_RSS` (its own `VmHWM`: a fork of this big test
/// process would count ours in `wait4`'s `ru_maxrss`).
fn peak_rss_kib(mut cmd: std::process::Command) -> u64 {
    let output = cmd.env("RUNBOOK_PEAK_RSS", "1").stdout(std::process::Stdio::null()).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line = stderr.lines().find_map(|l| l.strip_prefix("runbook: peak RSS ")).expect("a peak RSS line");
    line.trim_end_matches(" kB").trim().parse().unwrap()
}

#[test]
fn parse_json_peak_rss_stays_bounded_as_the_log_grows() {
    let dir = tempfile::tempdir().unwrap();
    let mut peaks = Vec::new();
    for mb in [8usize, 32] {
        let path = dir.path().join(format!("mixed-{mb}.log"));
        std::fs::write(&path, mixed_log(mb << 20)).unwrap();
        let mut cmd = common::runbook(dir.path());
        cmd.args(["parse", "--json"]).arg(&path).env("TMPDIR", dir.path());
        peaks.push(peak_rss_kib(cmd));
        std::fs::remove_file(Path::new(&path)).unwrap();
    }
    println!("peak RSS of `runbook parse --json` on 8 MiB and 32 MiB: {peaks:?} KiB");
    assert!(peaks[1] < 64 << 10, "{} KiB for 32 MiB", peaks[1]);
    // Four times the input: at most 8 MiB more (the in-memory parse it replaced grew by about 4 bytes a byte).
    assert!(peaks[1] < peaks[0] + (8 << 10), "peaks {peaks:?} KiB");
}

/// `runbook parse` puts its document together from streamed and spooled pieces: byte for byte the pretty JSON of
/// the report `parse_logs` builds in memory (in the CLI's key order: `parse_json_doc`), and the same triage text,
/// on captures and on a log bigger than a chunk.
#[test]
fn parse_cli_prints_exactly_the_in_memory_report() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("mixed.log");
    std::fs::write(&big, mixed_log(5 << 20)).unwrap();
    let mut paths: Vec<String> = ["map_writes_race.go1.27.log", "many_parked.go1.19.log", "gc_then_crash.go1.27.log"]
        .iter()
        .map(|name| common::fixture(&format!("go/logs/{name}")).display().to_string())
        .collect();
    paths.push(big.display().to_string());
    let inputs: Vec<(String, Vec<u8>)> = paths.iter().map(|p| (p.clone(), std::fs::read(p).unwrap())).collect();
    let report = parse_logs(&inputs);
    assert!(!report.pairing.is_empty() && report.crashes.len() > 10);
    let json = common::runbook(dir.path()).arg("parse").arg("--json").args(&paths).env("TMPDIR", dir.path()).output();
    let json = json.unwrap();
    assert_eq!(json.status.code(), Some(0));
    let expected = crate::parse_json_doc::expected_document(&report);
    assert!(json.stdout == expected.as_bytes(), "the JSON differs from the in-memory report's");
    let text = common::runbook(dir.path()).arg("parse").args(&paths).env("TMPDIR", dir.path()).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&text.stdout), runbook::golang::summary::render(&report));
}
