//! No input may panic or hang the parsers: every real capture cut at many points, with lines shuffled,
//! duplicated and corrupted by a seeded generator (deterministic, no clock), and raw bytes that are not UTF-8.

// Helpers outside #[test] fns: a failed expect is a failed test with its message.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use runbook::golang::{gctrace, parse_logs, summary};

/// xorshift64*: a tiny seeded generator, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn corpus() -> Vec<(String, Vec<u8>)> {
    let dir = format!("{}/tests/fixtures/go/logs", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> =
        std::fs::read_dir(&dir).expect("logs dir").filter_map(Result::ok).map(|e| e.path()).collect();
    files.sort();
    files.into_iter().map(|p| (p.display().to_string(), std::fs::read(&p).expect("read log"))).collect()
}

fn exercise(name: &str, bytes: Vec<u8>) {
    let report = parse_logs(&[(name.to_string(), bytes.clone())]);
    let _ = summary::render(&report);
    let _ = serde_json::to_string(&report).expect("serialisable");
    let _ = gctrace::parse(&String::from_utf8_lossy(&bytes));
}

#[test]
fn every_capture_parses_whole_and_cut_at_many_points() {
    let corpus = corpus();
    assert!(corpus.len() >= 40, "the corpus is there");
    for (name, bytes) in &corpus {
        exercise(name, bytes.clone());
        let step = (bytes.len() / 37).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            exercise(name, bytes.get(..cut).unwrap_or_default().to_vec());
            exercise(name, bytes.get(cut..).unwrap_or_default().to_vec());
        }
    }
}

#[test]
fn mutated_captures_never_panic() {
    let corpus = corpus();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for round in 0..400 {
        let (name, bytes) = &corpus[rng.below(corpus.len())];
        let mut lines: Vec<Vec<u8>> = bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
        for _ in 0..1 + rng.below(8) {
            let i = rng.below(lines.len());
            match rng.below(6) {
                0 => {
                    let j = rng.below(lines.len());
                    lines.swap(i, j);
                }
                1 => {
                    let dup = lines[i].clone();
                    let at = rng.below(lines.len());
                    lines.insert(at, dup);
                }
                2 => {
                    let keep = rng.below(lines[i].len() + 1);
                    lines[i].truncate(keep);
                }
                3 => lines[i].push(0xFF),
                4 => {
                    let j = rng.below(lines.len());
                    let tail = lines[j].clone();
                    lines[i].extend_from_slice(&tail);
                }
                _ => {
                    if !lines[i].is_empty() {
                        let k = rng.below(lines[i].len());
                        let b = b"0123456789 :+/->()[]{}\t"[rng.below(23)];
                        lines[i][k] = b;
                    }
                }
            }
        }
        exercise(&format!("{name} round {round}"), lines.join(&b'\n'));
    }
}

#[test]
fn pathological_inputs() {
    let long_gc_prefix = "gc 1 @0.0s 0%: ".repeat(10_000);
    let deep = format!("panic: x\n\ngoroutine 1 [running]:\n{}", "main.f(...)\n\t/a.go:1\n".repeat(50_000));
    for input in [
        String::new(),
        "\n\n\n".to_string(),
        "==================\nWARNING: DATA RACE\n".to_string(),
        "goroutine 1 [running]:\n".to_string(),
        "fatal error: x\n".to_string(),
        "gc".to_string(),
        "gc 1 @".to_string(),
        long_gc_prefix,
        deep,
        "panic: a [recovered]\n\tpanic: b [recovered, repanicked]\n[signal SIGSEGV: x]\n".to_string(),
    ] {
        exercise("pathological", input.into_bytes());
    }
    exercise("bytes", (0..=255u8).cycle().take(100_000).collect());
}
