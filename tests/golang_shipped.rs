//! Go crashes as production ships them (issue 13): the corpus of tests/fixtures/shipped/ (real Go output passed
//! through container runtimes, journald, syslog, cloud exports, structured loggers and terminal damage; see its
//! README) must read like the bare log it came from. Each shape is scored field by field against the parse of
//! that bare log: crash kind, message, crashing goroutine, top frame, top service frame, counts.

// Helpers outside #[test] fns: a failed expect is a failed test with its message.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use runbook::golang::{parse_logs, ParseReport};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

struct Shape {
    file: String,
    format: String,
    reference: String,
    stream: Option<String>,
}

fn corpus() -> Vec<Shape> {
    let manifest = std::fs::read_to_string(format!("{FIXTURES}/shipped/corpus.tsv")).expect("corpus.tsv");
    manifest
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 4, "corpus.tsv: {l}");
            Shape {
                file: cols[0].to_string(),
                format: cols[1].to_string(),
                reference: cols[2].to_string(),
                stream: (cols[3] != "-").then(|| cols[3].to_string()),
            }
        })
        .collect()
}

fn parse(path: &str) -> ParseReport {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    parse_logs(&[(path.to_string(), bytes)])
}

fn frame(f: Option<&runbook::golang::Frame>) -> String {
    f.map_or_else(|| "-".to_string(), |f| format!("{} {}:{}", f.func, f.file, f.line))
}

/// The fields an engineer reads first, as (name, value) pairs.
fn fields(report: &ParseReport) -> Vec<(String, String)> {
    let mut out = vec![
        ("crashes".to_string(), report.crashes.len().to_string()),
        ("races".to_string(), report.races.len().to_string()),
        ("gc cycles".to_string(), report.gc.cycles.len().to_string()),
    ];
    for (i, c) in report.crashes.iter().enumerate() {
        let focus = c
            .crashing_goroutine
            .and_then(|id| c.goroutines.iter().find(|g| g.id == id))
            .or_else(|| c.goroutines.first());
        out.push((format!("crash {i} kind"), c.kind.as_str().to_string()));
        out.push((format!("crash {i} message"), c.message.clone()));
        out.push((format!("crash {i} crashing goroutine"), format!("{:?}", c.crashing_goroutine)));
        out.push((format!("crash {i} top frame"), frame(focus.and_then(|g| g.frames.first()))));
        out.push((format!("crash {i} top service frame"), frame(c.user_frame.as_ref())));
        out.push((format!("crash {i} created by"), format!("{:?}", focus.and_then(|g| g.created_by.as_ref()))));
        out.push((format!("crash {i} goroutines"), c.goroutines.len().to_string()));
        let frames: usize = c.goroutines.iter().map(|g| g.frames.len()).sum();
        out.push((format!("crash {i} frames"), frames.to_string()));
    }
    for (i, r) in report.races.iter().enumerate() {
        out.push((format!("race {i} accesses"), r.accesses.len().to_string()));
        for (j, a) in r.accesses.iter().enumerate() {
            out.push((format!("race {i} access {j}"), format!("{:?} {:?} {:?}", a.role, a.kind, a.goroutine)));
            out.push((format!("race {i} access {j} frames"), a.frames.len().to_string()));
            out.push((format!("race {i} access {j} service frame"), frame(a.user_frame.as_ref())));
        }
        out.push((format!("race {i} goroutines"), r.goroutines.len().to_string()));
    }
    out
}

/// Right fields over expected fields; the wrong ones named.
fn score(shape: &Shape) -> (usize, usize, Vec<String>) {
    let expected = fields(&parse(&format!("{FIXTURES}/{}", shape.reference)));
    let got = fields(&parse(&format!("{FIXTURES}/shipped/{}", shape.file)));
    let mut wrong = Vec::new();
    for (name, value) in &expected {
        match got.iter().find(|(n, _)| n == name) {
            Some((_, v)) if v == value => {}
            Some((_, v)) => wrong.push(format!("{name}: {v} (want {value})")),
            None => wrong.push(format!("{name}: missing (want {value})")),
        }
    }
    (expected.len() - wrong.len(), expected.len(), wrong)
}

#[test]
fn every_shipped_shape_reads_like_its_bare_log() {
    let shapes = corpus();
    assert!(shapes.len() >= 60, "corpus has {} shapes", shapes.len());
    let (mut right, mut total, mut perfect) = (0, 0, 0);
    let mut failures = Vec::new();
    let mut table = String::new();
    for shape in &shapes {
        let (r, t, wrong) = score(shape);
        right += r;
        total += t;
        if wrong.is_empty() {
            perfect += 1;
        } else {
            failures.push(format!("{}: {}", shape.file, wrong.join("; ")));
        }
        table.push_str(&format!("{:>3}/{:<3} {:<22} {}\n", r, t, shape.format, shape.file));
    }
    println!("{table}fields right: {right}/{total}; shapes all right: {perfect}/{}", shapes.len());
    assert!(failures.is_empty(), "{} shapes wrong:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn references_hold_a_crash_each() {
    for shape in corpus() {
        let report = parse(&format!("{FIXTURES}/{}", shape.reference));
        assert!(!report.crashes.is_empty(), "{}: no crash in the reference", shape.reference);
        assert!(report.problems.is_empty(), "{}: {:?}", shape.reference, report.problems);
        assert_eq!(report.formats, ["plain"], "{}", shape.reference);
    }
}

#[test]
fn the_format_and_the_stream_are_named() {
    for shape in corpus() {
        let report = parse(&format!("{FIXTURES}/shipped/{}", shape.file));
        assert_eq!(report.formats, [shape.format.as_str()], "{}", shape.file);
        assert_eq!(report.streams, std::slice::from_ref(&shape.stream), "{}", shape.file);
        let summary = runbook::golang::summary::render(&report);
        if shape.format != "plain" {
            assert!(summary.contains(&format!("read as {}", shape.format)), "{}: {summary}", shape.file);
        }
    }
}

#[test]
fn evidence_keeps_the_line_numbers_of_the_file() {
    for shape in corpus() {
        let path = format!("{FIXTURES}/shipped/{}", shape.file);
        let report = parse(&path);
        let raw = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        let crash = &report.crashes[0];
        let line = raw.lines().nth(crash.line - 1).unwrap_or("");
        // The header line in the file holds the message (JSON escapes aside); a CRI line may hold its first piece.
        let head: String = crash.message.chars().take(12).collect();
        assert!(line.contains(&head), "{}: line {} is {line:?}, want {head:?}", shape.file, crash.line);
        let goroutine = &crash.goroutines[0];
        let header = raw.lines().nth(goroutine.line - 1).unwrap_or("");
        assert!(header.contains(&format!("goroutine {}", goroutine.id)), "{}: {header:?}", shape.file);
    }
}

/// Damage that loses nothing is read without a problem; every guess made on a retyped report is a problem with
/// its line.
#[test]
fn guesses_are_recorded_and_nothing_else_is_reported() {
    for shape in corpus() {
        let path = format!("{FIXTURES}/shipped/{}", shape.file);
        let report = parse(&path);
        if !shape.file.contains("retyped") {
            assert!(report.problems.is_empty(), "{}: {:?}", shape.file, report.problems);
            continue;
        }
        let raw = std::fs::read_to_string(&path).unwrap();
        // `()` read as `0` and headers wrapped after `by`: each one a guess.
        let zeros = raw.lines().filter(|l| l.ends_with('0') && !l.contains(' ') && l.contains('.')).count();
        let wrapped = raw.lines().filter(|l| l.ends_with(" by")).count();
        let guesses: Vec<usize> =
            report.problems.iter().filter(|p| p.message.contains("guessed")).map(|p| p.line).collect();
        assert_eq!(guesses.len(), zeros + wrapped, "{}: {:?}", shape.file, report.problems);
        for line in guesses {
            let text = raw.lines().nth(line - 1).unwrap_or("");
            assert!(text.ends_with('0') || text.ends_with(" by"), "{}: line {line} is {text:?}", shape.file);
        }
    }
}

/// The crash gets the time its format put on the header line; a year-less one (journald `short`, RFC 3164)
/// takes the hinted year and says so.
#[test]
fn the_crash_has_the_time_of_its_header_line() {
    use runbook::golang::{parse_logs_with, timestamps::YearHint};
    let hint = YearHint { year: 2026, source: "the file's date".to_string() };
    for shape in corpus() {
        let path = format!("{FIXTURES}/shipped/{}", shape.file);
        let bytes = std::fs::read(&path).unwrap();
        let report = parse_logs_with(&[(path.clone(), bytes)], &[Some(hint.clone())]);
        let crash = &report.crashes[0];
        let dated =
            !matches!(shape.format.as_str(), "plain" | "compose" | "structured" | "cloud-logging" | "cloudwatch");
        if !dated {
            assert_eq!(crash.time, None, "{}", shape.file);
            continue;
        }
        // The corpus was captured on 2026-12-06 around 05:0x UTC.
        let time = crash.time.as_deref().unwrap_or_else(|| panic!("{}: no time", shape.file));
        assert!(time.starts_with("2026-12-06T05:0"), "{}: {time}", shape.file);
        let yearless = matches!(shape.format.as_str(), "journald-short" | "journald-short-precise" | "syslog-rfc3164");
        let note = crash.time_note.as_deref().unwrap_or("");
        assert_eq!(note.starts_with("year 2026 from the file's date"), yearless, "{}: {note}", shape.file);
    }
}

/// No shipped shape panics when cut anywhere or when its lines are shuffled, cut and glued (seeded, no clock).
#[test]
fn shipped_shapes_cut_and_mangled_never_panic() {
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut below = |n: usize| {
        seed ^= seed >> 12;
        seed ^= seed << 25;
        seed ^= seed >> 27;
        (seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) % n.max(1) as u64) as usize
    };
    for shape in corpus() {
        let path = format!("{FIXTURES}/shipped/{}", shape.file);
        let bytes = std::fs::read(&path).unwrap();
        let step = (bytes.len() / 13).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            for part in [&bytes[..cut], &bytes[cut..]] {
                let report = parse_logs(&[(path.clone(), part.to_vec())]);
                let _ = runbook::golang::summary::render(&report);
            }
        }
        for _ in 0..6 {
            let mut lines: Vec<Vec<u8>> = bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
            for _ in 0..4 {
                let (i, j) = (below(lines.len()), below(lines.len()));
                match below(4) {
                    0 => lines.swap(i, j),
                    1 => {
                        let keep = below(lines[i].len() + 1);
                        lines[i].truncate(keep);
                    }
                    2 => {
                        let tail = lines[j].clone();
                        lines[i].extend_from_slice(&tail);
                    }
                    _ => lines[i].insert(0, b" \t{\x1b["[below(5)]),
                }
            }
            let report = parse_logs(&[(path.clone(), lines.join(&b'\n'))]);
            let _ = serde_json::to_string(&report).unwrap();
        }
    }
}
