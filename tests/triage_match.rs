//! The bundled runbooks' `match:` against real Go output: the go-map-concurrency runbook fits every map crash and
//! map race in the corpora (tests/fixtures/go, tests/fixtures/incident), plain and shipped, and nothing else; the
//! drill's runbook fits nothing.

// Helpers outside #[test] fns: a failed expect is a failed test with its message.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use runbook::engine::match_rules::{EvidenceLine, MatchOutcome, Matcher};
use runbook::golang::prefix::logical_lines;

fn matcher(id: &str) -> Option<Matcher> {
    let bundled = runbook::bundled::runbook(id).expect("bundled runbook");
    let rb = runbook::engine::load(&bundled.file, bundled.yaml).expect("bundled runbook loads");
    Matcher::new(&rb.match_patterns).expect("patterns compile")
}

fn match_text(matcher: &Matcher, text: &str) -> MatchOutcome {
    let lines = logical_lines(text);
    let evidence = lines.iter().map(|l| EvidenceLine { input: 0, line: l.number, text: l.as_str() });
    matcher.matching_lines(evidence, 50)
}

fn fixture(path: &str) -> String {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

#[test]
fn the_map_runbook_matches_each_map_fatal_error_on_its_message_line() {
    let m = matcher("go-map-concurrency").expect("the map runbook has match patterns");
    for (log, message) in [
        ("incident/logs/crash.go1.27.log", "fatal error: concurrent map writes"),
        ("incident/logs/crash-kubectl.go1.27.log", "fatal error: concurrent map writes"),
        ("incident/logs/crash.go1.19.log", "fatal error: concurrent map writes"),
        ("go/logs/map_read_write.go1.27.log", "fatal error: concurrent map read and map write"),
        ("go/logs/map_read_write-kubectl.go1.19.log", "fatal error: concurrent map read and map write"),
        ("go/logs/map_iterate_write.go1.27.log", "fatal error: concurrent map iteration and map write"),
        ("go/logs/map_iterate_write.go1.19.log", "fatal error: concurrent map iteration and map write"),
    ] {
        let outcome = match_text(&m, &fixture(log));
        let first = outcome.lines.first().unwrap_or_else(|| panic!("{log}: no line matched"));
        assert_eq!(first.text, message, "{log}");
        assert_eq!(outcome.total, 1, "{log}: only the message line matches, not the stack");
    }
    // Go 1.21+ `maps.Clone` during a write: the string of fatal(...) in internal/runtime/maps/map.go (no capture).
    let clone = match_text(&m, "fatal error: concurrent map clone and map write\n");
    assert_eq!(clone.total, 1);
}

#[test]
fn the_map_runbook_matches_race_reports_through_map_operations_in_both_go_versions() {
    let m = matcher("go-map-concurrency").expect("patterns");
    for (log, frames) in [
        ("incident/logs/race_test.go1.27.log", ["runtime.mapaccess2_faststr()", "runtime.mapassign_faststr()"]),
        ("incident/logs/race_test.go1.19.log", ["runtime.mapaccess1_faststr()", "runtime.mapassign_faststr()"]),
        ("go/logs/map_writes_race.go1.19.log", ["runtime.mapassign_fast64()", "runtime.mapassign_fast64()"]),
        (
            "go/logs/map_read_write_race-cri.go1.27.log",
            ["runtime.mapaccess2_faststr()", "runtime.mapaccess1_faststr()"],
        ),
    ] {
        let outcome = match_text(&m, &fixture(log));
        let texts: Vec<&str> = outcome.lines.iter().map(|l| l.text.trim()).collect();
        for frame in frames {
            assert!(texts.contains(&frame), "{log}: {frame} not among {texts:?}");
        }
        assert!(texts.iter().all(|t| t.starts_with("runtime.map") || t.starts_with("fatal error")), "{log}: {texts:?}");
    }
}

#[test]
fn the_map_runbook_does_not_match_other_go_failures() {
    let m = matcher("go-map-concurrency").expect("patterns");
    for log in [
        "go/logs/nil_deref.go1.27.log",
        "go/logs/nil_deref.go1.19.log",
        "go/logs/deadlock.go1.27.log",
        "go/logs/nested_panic.go1.19.log",
        "go/logs/gctrace_alloc.go1.27.log",
        "go/logs/stack_dump.go1.27.log",
    ] {
        let outcome = match_text(&m, &fixture(log));
        assert_eq!(outcome.total, 0, "{log}: {:?}", outcome.lines);
    }
}

#[test]
fn the_drill_runbook_never_matches() {
    assert!(matcher("drill-go-map").is_none(), "a drill runbook must have no match: patterns");
}

#[test]
fn the_schema_knows_the_top_level_match_key() {
    let schema = runbook::cli::schema::schema();
    assert_eq!(schema["properties"]["match"]["oneOf"][1]["type"], "array");
}
