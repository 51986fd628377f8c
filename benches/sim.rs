//! Simulator speed (issue 6 asks ≥ 1M micro-steps/s and exhaustive runs under a second): seeded batches of the
//! looping programs, and exhaustive exploration of `handbook` and of two goroutines with three writes each.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use runbook::sim::{self, Program, SimOptions};
use std::hint::black_box;

const TWO_BY_THREE: &str = "name: two-by-three\nmaps: {m: {}}\ngoroutines:\n- name: main\n  ops:\n  - {op: go, goroutine: a, line: 3}\n  - {op: go, goroutine: b, line: 4}\n- name: a\n  ops:\n  - {op: write, map: m, key: 1, line: 10}\n  - {op: write, map: m, key: 2, line: 11}\n  - {op: write, map: m, key: 3, line: 12}\n- name: b\n  ops:\n  - {op: write, map: m, key: 4, line: 20}\n  - {op: write, map: m, key: 5, line: 21}\n  - {op: write, map: m, key: 6, line: 22}\n";

fn micro_steps(c: &mut Criterion) {
    let opts = SimOptions { record_timeline: false, ..SimOptions::default() };
    for name in ["fixed-mutex", "repro"] {
        let Some(p) = sim::builtin(name) else {
            continue;
        };
        let steps = sim::run(&p, &opts).micro_steps;
        let mut g = c.benchmark_group("micro_steps");
        g.throughput(Throughput::Elements(steps));
        g.bench_function(name, |b| b.iter(|| black_box(sim::run(black_box(&p), &opts))));
        g.finish();
    }
}

fn exhaustive(c: &mut Criterion) {
    let opts = SimOptions::default();
    let mut g = c.benchmark_group("exhaustive");
    g.sample_size(10);
    if let Some(p) = sim::builtin("handbook") {
        g.bench_function("handbook", |b| b.iter(|| black_box(sim::explore(&p, &opts))));
    }
    if let Ok(p) = Program::from_yaml(TWO_BY_THREE) {
        g.bench_function("two_goroutines_three_writes", |b| b.iter(|| black_box(sim::explore(&p, &opts))));
    }
    g.finish();
}

criterion_group!(benches, micro_steps, exhaustive);
criterion_main!(benches);
