//! The human triage text of `runbook parse`, on real captures.

// Helpers outside #[test] fns: a failed expect is a failed test with its message.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use runbook::golang::{parse_logs, summary};

fn render(names: &[&str]) -> String {
    let inputs: Vec<(String, Vec<u8>)> = names
        .iter()
        .map(|n| {
            let path = format!("{}/tests/fixtures/go/logs/{n}.log", env!("CARGO_MANIFEST_DIR"));
            (n.to_string(), std::fs::read(&path).expect("fixture"))
        })
        .collect();
    summary::render(&parse_logs(&inputs))
}

#[test]
fn map_crash_with_race_names_operation_line_sites_and_pairing() {
    let text = render(&["map_read_write_race.go1.19"]);
    let expected = [
        "fatal error: concurrent map read and map write  (map_read_write_race.go1.19:23)",
        "  map operation: read",
        "  crashing goroutine: 7",
        "  open first: /tmp/runbook-go-corpus/map_read_write/main.go:14  (main.lookup)",
        "1 data race report(s)",
        "  /tmp/runbook-go-corpus/map_read_write/main.go:14  main.lookup  [read]",
        "  /tmp/runbook-go-corpus/map_read_write/main.go:18  main.store  [write]",
        "crash 1 and race report(s) [1] share /tmp/runbook-go-corpus/map_read_write/main.go:14",
    ];
    for line in expected {
        assert!(text.lines().any(|l| l == line), "missing {line:?} in:\n{text}");
    }
}

#[test]
fn big_dump_is_folded_into_buckets() {
    let text = render(&["many_parked.go1.27"]);
    assert!(text.contains("  204 goroutines in 3 groups:"), "{text}");
    assert!(
        text.lines().any(|l| l
            .trim_start()
            .starts_with("200 × [chan receive] main.worker /tmp/runbook-go-corpus/many_parked/main.go:13")),
        "{text}"
    );
}

#[test]
fn deadlock_and_truncated_gctrace_are_explained() {
    let text = render(&["deadlock.go1.19", "gctrace_alloc-truncated.go1.19"]);
    assert!(text.contains("no running goroutine (every goroutine was blocked or idle)"), "{text}");
    assert!(text.contains("gctrace: 8 cycles in 1 process(es)"), "{text}");
    assert!(text.contains("gctrace_alloc-truncated.go1.19:9: 1 truncated gc line: gc 9 @0.039s"), "{text}");
}
