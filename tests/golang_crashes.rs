//! Crash dumps captured from real Go 1.27.3 and 1.19.8 runs (tests/fixtures/go/logs, see its README).

// Helpers outside #[test] fns: a failed expect is a failed test with its message.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use runbook::golang::{parse_logs, CrashKind, MapOp, ParseReport};

fn parse_fixture(name: &str) -> ParseReport {
    let path = format!("{}/tests/fixtures/go/logs/{name}.log", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    parse_logs(&[(name.to_string(), bytes)])
}

const CORPUS: &str = "/tmp/runbook-go-corpus";

#[test]
fn map_read_write_crash_names_the_read_and_the_lookup_line() {
    // (log, crashing goroutine, goroutines printed): 1.24+ prints only the crashing goroutine by default.
    for (log, id, printed) in [("map_read_write.go1.27", 19, 1), ("map_read_write.go1.19", 19, 3)] {
        let report = parse_fixture(log);
        let crash = &report.crashes[0];
        assert_eq!(crash.kind, CrashKind::FatalError, "{log}");
        assert_eq!(crash.message, "concurrent map read and map write", "{log}");
        assert_eq!(crash.map_op, Some(MapOp::Read), "{log}");
        assert_eq!(crash.crashing_goroutine, Some(id), "{log}");
        assert_eq!(crash.goroutines.len(), printed, "{log}");
        let frame = crash.user_frame.as_ref().expect("user frame");
        assert_eq!((frame.func.as_str(), frame.line), ("main.lookup", 14), "{log}");
        assert_eq!(frame.file, format!("{CORPUS}/map_read_write/main.go"));
        assert!(frame.inlined, "{log}: main.lookup(...) is inlined");
        let sites: Vec<u32> = crash.sites.iter().map(|f| f.line).collect();
        assert_eq!(sites, [14, 37], "{log}");
    }
}

#[test]
fn go127_top_frame_is_maps_fatal_and_not_a_user_frame() {
    let report = parse_fixture("map_read_write.go1.27");
    let g = &report.crashes[0].goroutines[0];
    assert_eq!(g.frames[0].func, "internal/runtime/maps.fatal");
    assert!(g.frames[0].file.ends_with("/src/runtime/panic.go"));
    let created = g.created_by.as_ref().expect("created by");
    assert_eq!((created.func.as_str(), created.line, created.goroutine), ("main.main", 34, Some(1)));
}

#[test]
fn go119_created_by_has_no_goroutine_and_other_goroutines_are_printed() {
    let report = parse_fixture("map_read_write.go1.19");
    let crash = &report.crashes[0];
    assert_eq!(crash.goroutines[0].created_by.as_ref().map(|c| c.goroutine), Some(None));
    let states: Vec<&str> = crash.goroutines.iter().map(|g| g.state.as_str()).collect();
    assert_eq!(states, ["running", "semacquire", "runnable"]);
    assert_eq!(crash.goroutines[2].user_frame.as_ref().map(|f| (f.func.as_str(), f.line)), Some(("main.store", 18)));
}

#[test]
fn writes_and_iteration_name_their_map_operation() {
    for (log, op, message, func, line, id) in [
        ("map_writes.go1.27", MapOp::Write, "concurrent map writes", "main.(*Registry).Record", 14, 18),
        ("map_writes.go1.19", MapOp::Write, "concurrent map writes", "main.(*Registry).Record", 14, 18),
        ("map_iterate_write.go1.27", MapOp::Iterate, "concurrent map iteration and map write", "main.sum", 13, 19),
        ("map_iterate_write.go1.19", MapOp::Iterate, "concurrent map iteration and map write", "main.sum", 13, 7),
    ] {
        let report = parse_fixture(log);
        let crash = &report.crashes[0];
        assert_eq!((crash.map_op, crash.message.as_str()), (Some(op), message), "{log}");
        assert_eq!(crash.crashing_goroutine, Some(id), "{log}");
        let f = crash.user_frame.as_ref().expect("user frame");
        assert_eq!((f.func.as_str(), f.line), (func, line), "{log}");
    }
}

#[test]
fn gotraceback_system_shows_runtime_map_frames() {
    let report = parse_fixture("map_read_write_system.go1.19");
    let g = &report.crashes[0].goroutines[0];
    let funcs: Vec<&str> = g.frames.iter().take(3).map(|f| f.func.as_str()).collect();
    assert_eq!(funcs, ["runtime.fatal", "runtime.mapaccess1_faststr", "main.lookup"]);
    assert_eq!(report.crashes[0].map_op, Some(MapOp::Read));
    assert_eq!(report.crashes[0].goroutines.len(), 7, "system goroutines are printed too");
}

#[test]
fn nil_dereference_is_a_panic_with_its_signal() {
    for log in ["nil_deref.go1.27", "nil_deref.go1.19", "nil_deref-paste.go1.27", "nil_deref-paste.go1.19"] {
        let report = parse_fixture(log);
        let crash = &report.crashes[0];
        assert_eq!(crash.kind, CrashKind::Panic, "{log}");
        assert_eq!(crash.message, "runtime error: invalid memory address or nil pointer dereference");
        let signal = crash.signal.as_ref().expect("signal");
        assert_eq!(
            (signal.name.as_str(), signal.code.as_deref(), signal.addr.as_deref()),
            ("SIGSEGV", Some("0x1"), Some("0x0"))
        );
        assert_eq!(crash.user_frame.as_ref().map(|f| (f.func.as_str(), f.line)), Some(("main.name", 14)), "{log}");
    }
}

#[test]
fn nested_panic_keeps_the_chain_and_reports_the_last_message() {
    for log in ["nested_panic.go1.27", "nested_panic.go1.19"] {
        let crash = &parse_fixture(log).crashes[0];
        assert_eq!(crash.message, "handler failed: invalid field email", "{log}");
        assert_eq!(crash.panic_chain, ["invalid field email", "handler failed: invalid field email"]);
        let funcs: Vec<&str> = crash.goroutines[0].frames.iter().map(|f| f.func.as_str()).collect();
        assert_eq!(funcs, ["main.handle.func1", "panic", "main.validate", "main.handle", "main.main"], "{log}");
    }
}

#[test]
fn deadlock_has_no_crashing_goroutine_and_points_at_main() {
    for (log, state, other) in [("deadlock.go1.27", "sync.WaitGroup.Wait", 17), ("deadlock.go1.19", "semacquire", 5)] {
        let crash = &parse_fixture(log).crashes[0];
        assert_eq!(crash.kind, CrashKind::FatalError);
        assert_eq!(crash.message, "all goroutines are asleep - deadlock!");
        assert_eq!(crash.crashing_goroutine, None);
        assert_eq!((crash.goroutines[0].id, crash.goroutines[0].state.as_str()), (1, state), "{log}");
        assert_eq!(crash.goroutines[1].id, other, "{log}");
        assert_eq!(crash.goroutines[1].state, "chan receive");
        assert_eq!(crash.user_frame.as_ref().map(|f| f.line), Some(15));
    }
}

#[test]
fn traceback_ancestors_are_attached_to_their_goroutine() {
    for log in ["deadlock_ancestors.go1.27", "deadlock_ancestors.go1.19"] {
        let crash = &parse_fixture(log).crashes[0];
        let g = &crash.goroutines[1];
        assert_eq!(g.ancestors.len(), 1, "{log}");
        assert_eq!(g.ancestors[0].id, 1);
        assert_eq!(g.ancestors[0].frames[0].func, "main.main");
        assert_eq!(g.ancestors[0].frames[0].line, 13);
        assert_eq!(g.frames[0].func, "main.waitForever", "{log}: ancestor frames stay out of the goroutine's own");
    }
}

#[test]
fn sigquit_dump_is_a_signal_and_skips_the_register_dump() {
    for log in ["sigquit.go1.27", "sigquit.go1.19"] {
        let report = parse_fixture(log);
        assert_eq!(report.crashes.len(), 1);
        let crash = &report.crashes[0];
        assert_eq!((crash.kind, crash.message.as_str()), (CrashKind::Signal, "SIGQUIT: quit"));
        assert_eq!(crash.signal.as_ref().map(|s| s.name.as_str()), Some("SIGQUIT"));
        assert!(crash.signal.as_ref().and_then(|s| s.pc.as_deref()).is_some_and(|pc| pc.starts_with("0x")));
        assert_eq!(crash.goroutines.len(), 6, "{log}");
        assert_eq!(crash.user_frame.as_ref().map(|f| (f.func.as_str(), f.line)), Some(("main.main", 18)));
        let states: Vec<&str> = crash.goroutines.iter().map(|g| g.state.as_str()).collect();
        assert!(states.contains(&"finalizer wait"), "{log}: {states:?}");
        assert!(report.problems.is_empty(), "{log}: {:?}", report.problems);
    }
}

#[test]
fn two_hundred_parked_workers_fold_into_one_bucket() {
    for log in ["many_parked.go1.27", "many_parked.go1.19"] {
        let crash = &parse_fixture(log).crashes[0];
        assert_eq!(crash.goroutines.len(), 204, "{log}");
        let counts: Vec<usize> = crash.buckets.iter().map(|b| b.count).collect();
        assert_eq!(counts, [200, 3, 1], "{log}");
        assert_eq!(crash.buckets[0].state, "chan receive");
        assert_eq!(crash.buckets[0].frames[0].func, "main.worker");
        assert_eq!(crash.buckets[0].frames[0].line, 13);
        assert_eq!(crash.buckets[0].ids.len(), 200);
        assert_eq!(crash.buckets[1].state, "sleep");
    }
}

#[test]
fn prefixed_logs_parse_like_the_originals() {
    for v in ["go1.27", "go1.19"] {
        let plain = parse_fixture(&format!("map_read_write.{v}"));
        let kubectl = parse_fixture(&format!("map_read_write-kubectl.{v}"));
        assert_eq!(plain.crashes[0].goroutines, kubectl.crashes[0].goroutines, "{v}");
        let plain = parse_fixture(&format!("map_read_write_race.{v}"));
        let cri = parse_fixture(&format!("map_read_write_race-cri.{v}"));
        assert_eq!(plain.races[0].accesses, cri.races[0].accesses, "{v}");
        assert_eq!(plain.crashes[0].sites, cri.crashes[0].sites, "{v}");
    }
}

#[test]
fn gotraceback_all_prints_every_user_goroutine_on_go127_too() {
    let report = parse_fixture("map_read_write_all.go1.27");
    let ids: Vec<(u64, &str)> = report.crashes[0].goroutines.iter().map(|g| (g.id, g.state.as_str())).collect();
    assert_eq!(ids, [(19, "running"), (1, "sync.WaitGroup.Wait"), (18, "runnable")]);
    assert_eq!(report.crashes[0].crashing_goroutine, Some(19));
}

#[test]
fn pprof_labels_are_kept_from_the_goroutine_header() {
    let report = parse_fixture("labels.go1.27");
    let g = &report.crashes[0].goroutines[1];
    assert_eq!((g.id, g.state.as_str()), (6, "chan receive (nil chan)"));
    assert_eq!(g.labels.as_deref(), Some(r#"{handler: upload, "tenant id": "acme corp"}"#));
    assert_eq!(g.user_frame.as_ref().map(|f| (f.func.as_str(), f.line)), Some(("main.upload", 14)));
    // Go 1.19 ignores GODEBUG=tracebacklabels.
    let report = parse_fixture("labels.go1.19");
    assert_eq!(report.crashes[0].goroutines[1].labels, None);
    assert_eq!(report.crashes[0].goroutines[1].id, 18);
}

#[test]
fn gc_lines_before_a_crash_are_kept_with_it() {
    for (log, cycles, crash_line, crashing) in [("gc_then_crash.go1.27", 9, 16, 6), ("gc_then_crash.go1.19", 10, 17, 6)]
    {
        let report = parse_fixture(log);
        assert_eq!(report.gc.cycles.len(), cycles, "{log}");
        assert_eq!(report.crashes.len(), 1);
        let crash = &report.crashes[0];
        assert_eq!(
            (crash.line, crash.crashing_goroutine, crash.map_op),
            (crash_line, Some(crashing), Some(MapOp::Read))
        );
        assert!(report.gc.cycles.iter().all(|c| c.line < crash.line), "{log}: gc lines stop at the crash");
    }
}

#[test]
fn a_goroutine_dump_without_a_crash_is_grouped_and_points_at_where_most_wait() {
    // pprof's goroutine?debug=2 output from a live program between two application lines: 150 handlers wait on
    // one mutex (state `sync.Mutex.Lock` in 1.27, `semacquire` in 1.19), one goroutine takes the dump.
    for (log, waiting) in [("stack_dump.go1.27", "sync.Mutex.Lock"), ("stack_dump.go1.19", "semacquire")] {
        let report = parse_fixture(log);
        assert_eq!(report.crashes.len(), 1, "{log}");
        let dump = &report.crashes[0];
        assert_eq!(dump.kind, CrashKind::Dump, "{log}");
        assert_eq!(dump.kind.as_str(), "goroutine dump");
        assert_eq!(dump.message, "151 goroutines", "{log}");
        assert_eq!(dump.line, 2, "{log}: the dump starts after the first app line");
        assert_eq!(dump.crashing_goroutine, None, "{log}: nothing crashed");
        assert_eq!(dump.map_op, None);
        let counts: Vec<usize> = dump.buckets.iter().map(|b| b.count).collect();
        assert_eq!(counts, [150, 1], "{log}");
        assert_eq!(dump.buckets[0].state, waiting, "{log}");
        let frame = dump.user_frame.as_ref().expect("user frame");
        assert_eq!((frame.func.as_str(), frame.line), ("main.handler", 18), "{log}: the largest group's user frame");
        assert!(report.pairing.is_empty(), "{log}: a dump pairs with nothing");
        assert!(report.problems.is_empty(), "{log}: {:?}", report.problems);
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["crashes"][0]["kind"], "goroutine dump");
    }
}

#[test]
fn goroutines_inside_a_crash_are_never_a_second_dump() {
    // Every other log of the corpus: goroutine blocks belong to their crash header, none becomes a dump.
    let dir = format!("{}/tests/fixtures/go/logs", env!("CARGO_MANIFEST_DIR"));
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().trim_end_matches(".log").to_string();
        if name.starts_with("stack_dump") || !name.contains(".go1.") {
            continue;
        }
        let report = parse_fixture(&name);
        assert!(report.crashes.iter().all(|c| c.kind != CrashKind::Dump), "{name}");
    }
}
