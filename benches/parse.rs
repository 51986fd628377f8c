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

/// gctrace with application lines around (and inside) the gc lines, and an incident now and then.
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
    let gc = gctrace_log();
    let mut group = c.benchmark_group("parse");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(mixed.len() as u64));
    group.bench_function("parse_logs mixed log", |b| {
        b.iter(|| runbook::golang::parse_logs(&[("bench".to_string(), mixed.clone())]))
    });
    group.throughput(Throughput::Bytes(gc.len() as u64));
    group.bench_function("gctrace streaming", |b| {
        b.iter(|| runbook::golang::gctrace::parse_reader(std::io::Cursor::new(&gc)).map(|t| t.cycles.len()))
    });
    group.finish();
}

criterion_group!(benches, parsers);
criterion_main!(benches);
