//! Throughput of `golang::parse_logs` on a log file: `cargo run --release --example parse_throughput -- LOG`.
//! (Issue 4 asks for at least 200 MB/s on a 100 MB mixed log; this is the measuring stick until `make bench`.)

use std::time::Instant;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: parse_throughput LOG");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            std::process::exit(2);
        }
    };
    let size = bytes.len() as f64 / (1024.0 * 1024.0);
    let inputs = vec![(path, bytes)];
    let start = Instant::now();
    let report = runbook::golang::parse_logs(&inputs);
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "{size:.1} MiB in {seconds:.3} s = {:.0} MiB/s ({} races, {} crashes, {} gc cycles, {} problems)",
        size / seconds,
        report.races.len(),
        report.crashes.len(),
        report.gc.cycles.len(),
        report.problems.len()
    );
}
