//! Race reports captured with `-race` and `go test -race` (Go 1.27.3 and 1.19.8).

// Helpers outside #[test] fns: a failed expect is a failed test with its message.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use runbook::golang::race::GoroutineRef;
use runbook::golang::{parse_logs, AccessKind, AccessRole, ParseReport};

fn parse_fixture(name: &str) -> ParseReport {
    let path = format!("{}/tests/fixtures/go/logs/{name}.log", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    parse_logs(&[(name.to_string(), bytes)])
}

#[test]
fn go127_race_read_side_has_only_runtime_frames() {
    let report = parse_fixture("map_read_write_race.go1.27");
    assert_eq!(report.races.len(), 1);
    let race = &report.races[0];
    let current = &race.accesses[0];
    assert_eq!(
        (current.role, current.kind, current.goroutine),
        (AccessRole::Current, AccessKind::Read, GoroutineRef::Id(8))
    );
    assert_eq!(current.addr, "0x00c0000760f0");
    let funcs: Vec<&str> = current.frames.iter().map(|f| f.func.as_str()).collect();
    assert_eq!(funcs, ["runtime.mapaccess2_faststr", "runtime.mapaccess1_faststr"]);
    assert_eq!(current.user_frame, None);
    let previous = &race.accesses[1];
    assert_eq!(
        (previous.role, previous.kind, previous.goroutine),
        (AccessRole::Previous, AccessKind::Write, GoroutineRef::Id(7))
    );
    assert_eq!(previous.user_frame.as_ref().map(|f| (f.func.as_str(), f.line)), Some(("main.store", 18)));
    let goroutines: Vec<u64> = race.goroutines.iter().map(|g| g.id).collect();
    assert_eq!(goroutines, [8, 7]);
    assert_eq!(race.goroutines[0].user_frame.as_ref().map(|f| f.line), Some(34));
    // The race runtime's goroutine 8 is the crash dump's goroutine 7: numbers are never joined.
    assert_eq!(report.crashes[0].crashing_goroutine, Some(7));
    assert_eq!(report.found_data_races, None, "no count after a fatal error");
    assert!(report.pairing.is_empty(), "the read side printed no user frame to share");
}

#[test]
fn go119_race_and_crash_pair_on_the_lookup_line() {
    let report = parse_fixture("map_read_write_race.go1.19");
    let sites: Vec<(u32, Vec<AccessKind>)> = report.sites.iter().map(|s| (s.line, s.kinds.clone())).collect();
    assert_eq!(sites, [(14, vec![AccessKind::Read]), (18, vec![AccessKind::Write])]);
    assert_eq!(report.sites[0].func, "main.lookup");
    let pairs: Vec<(u32, Vec<usize>, usize)> =
        report.pairing.iter().map(|p| (p.site.line, p.race_reports.clone(), p.crash)).collect();
    assert_eq!(pairs, [(14, vec![0], 0), (37, vec![0], 0)]);
    assert_eq!(report.races[0].accesses[0].frames[0].func, "main.lookup", "the value-slot report: user frames only");
    assert_eq!(report.races[0].accesses[0].addr, "0x00c00010aa78");
}

#[test]
fn go_test_races_belong_to_their_tests() {
    let report = parse_fixture("racy_test.go1.27");
    let tests: Vec<Option<&str>> = report.races.iter().map(|r| r.test.as_deref()).collect();
    assert_eq!(tests, [Some("TestCounterConcurrent"), Some("TestBuffer/concurrent_add")]);
    let report = parse_fixture("racy_test.go1.19");
    let tests: Vec<Option<&str>> = report.races.iter().map(|r| r.test.as_deref()).collect();
    assert_eq!(
        tests,
        [Some("TestCounterConcurrent"), Some("TestCounterConcurrent"), Some("TestBuffer/concurrent_add")]
    );
    let report = parse_fixture("racy_test_verbose.go1.27");
    let tests: Vec<Option<&str>> = report.races.iter().map(|r| r.test.as_deref()).collect();
    assert_eq!(tests, [Some("TestCounterConcurrent"), Some("TestBuffer/concurrent_add")]);
}

#[test]
fn go_test_sites_are_deduplicated_with_both_kinds() {
    let report = parse_fixture("racy_test.go1.19");
    let sites: Vec<(String, u32, Vec<AccessKind>, Vec<usize>)> = report
        .sites
        .iter()
        .map(|s| (s.file.rsplit('/').next().unwrap_or("").to_string(), s.line, s.kinds.clone(), s.reports.clone()))
        .collect();
    assert_eq!(
        sites,
        [
            ("counter.go".to_string(), 15, vec![AccessKind::Read], vec![0, 1]),
            ("counter.go".to_string(), 11, vec![AccessKind::Write], vec![0, 1]),
            ("counter_test.go".to_string(), 31, vec![AccessKind::Read, AccessKind::Write], vec![2]),
        ]
    );
    assert_eq!(report.sites[1].func, "example.com/racy.(*Counter).Inc");
}

#[test]
fn json_has_the_issue_shape() {
    let report = parse_fixture("map_read_write_race.go1.19");
    let json = serde_json::to_value(&report).expect("serialise");
    assert_eq!(json["inputs"][0], "map_read_write_race.go1.19");
    assert_eq!(json["races"][0]["accesses"][0]["role"], "current");
    assert_eq!(json["races"][0]["accesses"][0]["goroutine"], 8);
    assert_eq!(json["races"][0]["goroutines"][0]["state"], "running");
    assert_eq!(json["crashes"][0]["kind"], "fatal error");
    assert_eq!(json["crashes"][0]["map_op"], "read");
    assert_eq!(json["crashes"][0]["sites"][0]["line"], 14);
    assert_eq!(json["sites"][0]["kinds"], serde_json::json!(["read"]));
    assert_eq!(json["pairing"][0]["site"]["line"], 14);
    assert!(json["gc"]["cycles"].as_array().is_some_and(Vec::is_empty));
    assert!(json["found_data_races"].is_null());
    assert!(json["crashes"][0]["goroutines"][0]["created_by"]["goroutine"].is_null());
}

#[test]
fn main_goroutine_races_and_the_found_count() {
    for (log, first_read_user_line) in [("race_main.go1.27", None), ("race_main.go1.19", Some(25))] {
        let report = parse_fixture(log);
        assert_eq!(report.found_data_races, Some(3), "{log}");
        let lines: Vec<usize> = report.races.iter().map(|r| r.line).collect();
        assert_eq!(lines, [1, 19, 33], "{log}");
        for race in &report.races {
            assert_eq!(race.accesses[0].goroutine, GoroutineRef::Main, "{log}");
            assert_eq!(race.accesses[1].goroutine, GoroutineRef::Id(7), "{log}");
            let ids: Vec<u64> = race.goroutines.iter().map(|g| g.id).collect();
            assert_eq!(ids, [7], "{log}: no creation block for the main goroutine");
        }
        assert_eq!(report.races[0].accesses[0].user_frame.as_ref().map(|f| f.line), first_read_user_line, "{log}");
        // The global counter (line 16) and the map (line 17, header and value slot) are three reports.
        let mut sites: Vec<(u32, AccessKind)> = report.sites.iter().map(|s| (s.line, s.kinds[0])).collect();
        sites.sort();
        assert_eq!(sites, [(16, AccessKind::Write), (17, AccessKind::Write), (25, AccessKind::Read)], "{log}");
        let json = serde_json::to_value(&report).expect("json");
        assert_eq!(json["races"][0]["accesses"][0]["goroutine"], "main");
    }
}
