//! Parser throughput (issue 4: at least 200 MB/s on a mixed log, one core). The log is built from the real
//! captured fixtures: gctrace interleaved with chatty application output, plus crash dumps and race reports, the
//! shape of a production log around an incident. Criterion reports MiB/s.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::path::Path;

/// About 64 MiB: big enough that per-call overheads vanish, small enough for criterion's repeated samples.
const TARGET_BYTES: usize = 64 << 20;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/go/logs").join(name)).unwrap_or_default()
}

/// The worst case: gctrace whose lines are split by chatty application output (most lines of the capture are
/// pieces of gc lines glued to app lines), plus an incident now and then.
fn mixed_log() -> Vec<u8> {
    let chatty = fixture("gctrace_chatty.go1.27.log");
    let alloc = fixture("gctrace_alloc.go1.19.log");
    let crash = fixture("map_read_write.go1.27.log");
    let race = fixture("map_read_write_race.go1.19.log");
    let mut log = Vec::with_capacity(TARGET_BYTES + (1 << 20));
    let mut round = 0usize;
    while log.len() < TARGET_BYTES && !(chatty.is_empty() && alloc.is_empty()) {
        log.extend_from_slice(&chatty);
        log.extend_from_slice(&alloc);
        if round.is_multiple_of(50) {
            log.extend_from_slice(&crash);
            log.extend_from_slice(&race);
        }
        round += 1;
    }
    log
}

/// The common shape: whole gc lines (the real 1.19 and 1.27 captures) between application log lines, with an
/// incident now and then. Unlike `mixed_log`, no gc line is split by program output.
fn typical_log() -> Vec<u8> {
    let gc: Vec<u8> = [fixture("gctrace_alloc.go1.27.log"), fixture("gctrace_alloc.go1.19.log")].concat();
    let crash = fixture("map_read_write.go1.27.log");
    let race = fixture("map_read_write_race.go1.19.log");
    let mut log = Vec::with_capacity(TARGET_BYTES + (1 << 20));
    let mut round = 0usize;
    while log.len() < TARGET_BYTES && !gc.is_empty() {
        for line in gc.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            for i in 0..3 {
                log.extend_from_slice(
                    format!("2026-11-26T02:30:{:02}Z INFO served GET /item/{round}{i} in 3ms\n", round % 60).as_bytes(),
                );
            }
            log.extend_from_slice(line);
            log.push(b'\n');
        }
        if round.is_multiple_of(200) {
            log.extend_from_slice(&crash);
            log.extend_from_slice(&race);
        }
        round += 1;
    }
    log
}

/// gctrace mixed with application output only (what `runbook gc` streams).
fn gctrace_log() -> Vec<u8> {
    let chatty = fixture("gctrace_chatty.go1.27.log");
    let mut log = Vec::with_capacity(TARGET_BYTES + chatty.len());
    while log.len() < TARGET_BYTES && !chatty.is_empty() {
        log.extend_from_slice(&chatty);
    }
    log
}

fn parsers(c: &mut Criterion) {
    let mixed = mixed_log();
    let typical = typical_log();
    let gc = gctrace_log();
    let mut group = c.benchmark_group("parse");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(mixed.len() as u64));
    group.bench_function("parse_logs mixed log", |b| {
        b.iter(|| runbook::golang::parse_logs(&[("bench".to_string(), mixed.clone())]))
    });
    group.throughput(Throughput::Bytes(typical.len() as u64));
    group.bench_function("parse_logs typical log", |b| {
        b.iter(|| runbook::golang::parse_logs(&[("bench".to_string(), typical.clone())]))
    });
    group.throughput(Throughput::Bytes(gc.len() as u64));
    group.bench_function("gctrace streaming", |b| {
        b.iter(|| runbook::golang::gctrace::parse_reader(std::io::Cursor::new(&gc)).map(|t| t.cycles.len()))
    });
    group.finish();
}

criterion_group!(benches, parsers);
criterion_main!(benches);
