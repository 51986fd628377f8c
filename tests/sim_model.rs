//! Model-level tests of the simulator through its public API: exhaustive counts checked by hand, the exact text
//! each Go version prints, the built-ins' verdicts, determinism and the JSON shapes the CLI and runbooks rely on.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message

use runbook::sim::{self, GoVersion, MapFatal, Program, SimOptions, Terminal};

/// main: `go a()` then reads m[1]; a: writes m[1]. Counted by hand in `writer_and_reader_counts_by_hand`.
const GO_THEN_READ: &str = "
name: go-then-read
maps: {m: {key: int}}
goroutines:
- name: main
  ops:
  - {op: go, goroutine: a, line: 3}
  - {op: read, map: m, key: 1, line: 4}
- name: a
  func: main.main.func1
  ops:
  - {op: write, map: m, key: 1, line: 8}
";

fn opts(go: &str) -> SimOptions {
    SimOptions { go: GoVersion::parse(go).unwrap(), ..SimOptions::default() }
}

#[test]
fn main_returning_ends_the_process_three_schedules() {
    // main: go; return. a: read of an empty map (check only), return. Schedules: [go ret], [go a.check ret],
    // [go a.check a.ret ret] = 3, all clean, no race (main never touches the map).
    let p = Program::from_yaml(
        "name: t\nmaps: {m: {}}\ngoroutines:\n- name: main\n  ops:\n  - {op: go, goroutine: a, line: 3}\n- name: a\n  ops:\n  - {op: read, map: m, line: 7}\n",
    )
    .unwrap();
    let r = sim::explore(&p, &opts("1.27"));
    assert!(r.complete);
    assert_eq!(r.interleavings, 3);
    assert_eq!(r.summary.crashes, 0);
    assert_eq!(r.summary.races_detected, 0);
}

#[test]
fn writer_and_reader_counts_by_hand() {
    // After main's `go`, let k = steps of a (check, hash, toggle, insert, recheck, clear, return) before main's
    // read check. k<=3: empty map, read returns at once; then 0..=7-k more a-steps before main returns:
    // 8+7+6+5 = 26. k in {4,5}: writing set, count 1: crash, 2 schedules. k=6: read continues (hash, probe,
    // return) with 1 a-step left: 1+3 = 4; k=7: 1. Total 33, of which 2 crash. Only [go, read, return] with no
    // a-step at all has no race.
    for go in ["1.19", "1.27"] {
        let p = Program::from_yaml(GO_THEN_READ).unwrap();
        let r = sim::explore(&p, &opts(go));
        assert!(r.complete, "{go}");
        assert_eq!(r.interleavings, 33, "{go}");
        assert_eq!(r.summary.fatal_errors.get(MapFatal::ReadWrite.message()), Some(&2), "{go}");
        assert_eq!(r.summary.races_detected, 32, "{go}");
        let crash = r.outcomes.iter().find(|o| o.terminal != Terminal::Exit).unwrap();
        // Witness: main's go, then a up to and including insert (4 steps), then main's read check.
        assert_eq!(crash.witness.len(), 6, "{go}: {:?}", crash.witness);
    }
}

#[test]
fn witnesses_replay_to_their_outcome_through_the_same_machine() {
    let p = sim::builtin("handbook").unwrap();
    let r = sim::explore(&p, &opts("1.27"));
    assert!(r.complete);
    let kinds: Vec<Terminal> = r.outcomes.iter().map(|o| o.terminal).collect();
    assert!(kinds.contains(&Terminal::Exit));
    assert!(kinds.iter().any(|t| matches!(t, Terminal::Panic(_))), "{kinds:?}");
    for o in &r.outcomes {
        assert!(o.schedules > 0 && !o.witness.is_empty());
    }
}

#[test]
fn two_goroutines_three_writes_each_stay_tractable() {
    let p = Program::from_yaml(
        "name: t\nmaps: {m: {}}\ngoroutines:\n- name: main\n  ops:\n  - {op: go, goroutine: a, line: 3}\n  - {op: go, goroutine: b, line: 4}\n- name: a\n  ops:\n  - {op: write, map: m, key: 1, line: 10}\n  - {op: write, map: m, key: 2, line: 11}\n  - {op: write, map: m, key: 3, line: 12}\n- name: b\n  ops:\n  - {op: write, map: m, key: 4, line: 20}\n  - {op: write, map: m, key: 5, line: 21}\n  - {op: write, map: m, key: 6, line: 22}\n",
    )
    .unwrap();
    let r = sim::explore(&p, &opts("1.27"));
    assert!(r.complete && r.states < 50_000, "{} states", r.states);
    assert!(r.interleavings > 100_000_000, "paths explode: {}", r.interleavings);
    assert!(r.summary.fatal_errors.contains_key(MapFatal::Writes.message()));
}

#[test]
fn fixed_variants_never_crash_in_any_schedule_of_a_small_version() {
    // The mutex fix shrunk to two iterations so exhaustive mode covers it completely.
    let p = Program::from_yaml(
        "name: t\nmaps: {m: {}}\nmutexes: [mu]\nwaitgroups: [wg]\ngoroutines:\n- name: main\n  ops:\n  - {op: wg_add, wg: wg, n: 2, line: 2}\n  - {op: go, goroutine: w, line: 3}\n  - {op: go, goroutine: r, line: 4}\n  - {op: wg_wait, wg: wg, line: 5}\n- name: w\n  ops:\n  - {op: loop, times: 2, body: [{op: lock, mutex: mu, line: 8}, {op: write, map: m, key: i, line: 9}, {op: unlock, mutex: mu, line: 10}]}\n  - {op: wg_done, wg: wg, line: 11}\n- name: r\n  ops:\n  - {op: loop, times: 2, body: [{op: lock, mutex: mu, line: 14}, {op: read, map: m, key: i, line: 15}, {op: unlock, mutex: mu, line: 16}]}\n  - {op: wg_done, wg: wg, line: 17}\n",
    )
    .unwrap();
    for go in ["1.19", "1.27"] {
        let r = sim::explore(&p, &opts(go));
        assert!(r.complete);
        assert!(r.interleavings > 0);
        assert_eq!(r.summary.crashes, 0, "{go}");
        assert_eq!(r.summary.races_detected, 0, "{go}");
        assert_eq!(r.summary.deadlocks, 0, "{go}");
        assert_eq!(r.summary.runs, r.outcomes.iter().map(|o| o.schedules).sum::<u128>());
    }
}

#[test]
fn the_handbook_program_panics_or_exits_and_the_race_detector_always_fires() {
    let p = sim::builtin("handbook").unwrap();
    let s = sim::run_many(&p, &opts("1.27"), 200);
    assert_eq!(s.crashes, 0, "no map fatal error in seeded runs: {s:?}");
    assert_eq!(s.races_detected, 200);
    assert!(s.panics.contains_key("sync: negative WaitGroup counter"), "{s:?}");
    assert!(s.clean_exits() > s.panic_count(), "mostly clean exits, as measured: {s:?}");
}

#[test]
fn the_reproduction_crashes_in_seeded_runs() {
    let p = sim::builtin("repro").unwrap();
    let crashed = (1..=10).map(|seed| sim::run(&p, &SimOptions { seed, ..opts("1.27") })).find(|o| o.crash.is_some());
    let o = crashed.expect("repro crashes within 10 seeds");
    assert_eq!(o.message.as_deref(), Some(MapFatal::ReadWrite.message()));
    let s = sim::run_many(&p, &opts("1.27"), 3);
    assert_eq!(s.runs, 3);
}

#[test]
fn fixes_are_silent_in_seeded_runs() {
    for name in ["fixed-mutex", "fixed-rwmutex", "fixed-syncmap", "fixed-sharded"] {
        let p = sim::builtin(name).unwrap();
        let s = sim::run_many(&p, &SimOptions { seed: 7, ..opts("1.19") }, 1);
        assert_eq!((s.crashes, s.races_detected, s.deadlocks, s.panic_count()), (0, 0, 0, 0), "{name}: {s:?}");
    }
}

#[test]
fn a_seed_replays_the_same_run() {
    let p = sim::builtin("handbook").unwrap();
    let a = serde_json::to_string(&sim::run(&p, &opts("1.27"))).unwrap();
    let b = serde_json::to_string(&sim::run(&p, &opts("1.27"))).unwrap();
    assert_eq!(a, b);
}

fn first_crash(name: &str, go: &str) -> sim::RunOutcome {
    let p = sim::builtin(name).unwrap();
    (1..200)
        .map(|seed| sim::run(&p, &SimOptions { seed, ..opts(go) }))
        .find(|o| matches!(o.terminal, Terminal::Fatal(_)))
        .unwrap()
}

#[test]
fn go_1_27_map_crash_starts_at_maps_fatal_and_shows_only_the_crashing_goroutine() {
    let o = first_crash("repro", "1.27");
    let text = o.crash_output.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "fatal error: concurrent map read and map write");
    assert_eq!(lines[1], "");
    assert!(lines[2].starts_with("goroutine ") && lines[2].ends_with(" [running]:"), "{text}");
    assert!(lines[3].starts_with("internal/runtime/maps.fatal({"), "{text}");
    assert!(lines[4].starts_with("\t") && lines[4].contains("src/runtime/panic.go:"), "{text}");
    assert_eq!(lines[5], "main.main.func2()");
    assert!(lines[6].starts_with("\t/src/repro/main.go:24 +0x"), "{text}");
    assert_eq!(lines[7], "created by main.main in goroutine 1");
    assert_eq!(text.matches("goroutine ").count(), 2, "only the crashing goroutine: {text}");
    assert_eq!(o.exit_code, 2);
}

#[test]
fn go_1_19_map_crash_starts_at_the_user_function_and_lists_other_goroutines() {
    let o = first_crash("repro", "1.19");
    let text = o.crash_output.unwrap();
    assert!(text.starts_with("fatal error: concurrent map read and map write\n\ngoroutine "), "{text}");
    assert!(!text.contains("internal/runtime/maps"), "{text}");
    assert!(text.contains("\ncreated by main.main\n"), "{text}");
    assert!(text.contains("goroutine 1 [semacquire]:\nsync.runtime_Semacquire("), "{text}");
}

#[test]
fn race_report_has_the_go_block_grammar() {
    let p = sim::builtin("handbook").unwrap();
    let o = sim::run(&p, &opts("1.27"));
    let r = &o.race_output;
    assert!(r.starts_with("==================\nWARNING: DATA RACE\n"), "{r}");
    assert!(r.contains("at 0x00c000096000 by goroutine "), "{r}");
    assert!(
        r.contains(
            "  runtime.mapassign_fast64()\n      /usr/local/go/src/internal/runtime/maps/runtime_fast64.go:182 +0x0\n"
        ),
        "{r}"
    );
    assert!(r.contains("\nPrevious "), "{r}");
    assert!(r.contains(") created at:\n  main.main()\n      /src/handbook/main.go:1"), "{r}");
    assert!(r.contains("\n==================\n"), "{r}");
    if o.terminal == Terminal::Exit {
        assert!(r.ends_with("Found 1 data race(s)\n"), "{r}");
        assert_eq!(o.race_exit_code, 66);
    }
}

#[test]
fn timeline_events_carry_goroutine_step_line_time_and_flags() {
    let p = sim::builtin("repro").unwrap();
    let o = sim::run(&p, &opts("1.19"));
    let toggle = o.timeline.iter().find(|e| e.step == sim::MicroStep::WriteToggle).unwrap();
    assert_eq!(toggle.flags & 4, 4, "hashWriting (4) set after the toggle on Go 1.19");
    assert_eq!(toggle.line, 17);
    assert_eq!(toggle.op, "write");
    assert!(o.timeline.windows(2).all(|w| w[0].t_ns <= w[1].t_ns + 1e-6) || o.timeline.len() > 1);
    let v = serde_json::to_value(&o.timeline[0]).unwrap();
    for key in ["t_ns", "goroutine", "op", "step", "line", "flags"] {
        assert!(v.get(key).is_some(), "{key} in {v}");
    }
}

#[test]
fn summary_serialises_to_the_issue_shape() {
    let p = sim::builtin("handbook").unwrap();
    let s = sim::run_many(&p, &opts("1.27"), 5);
    let v = serde_json::to_value(&s).unwrap();
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["crashes", "deadlocks", "fatal_errors", "panics", "races_detected", "runs"]);
    let e = sim::explore(&p, &opts("1.27"));
    assert!(serde_json::to_value(&e.summary).unwrap().get("interleavings").is_some());
}

#[test]
fn gc_windows_delay_goroutines_and_place_the_crash() {
    let p = sim::builtin("repro").unwrap();
    let gc = vec![sim::GcPause { at_ms: 0.0, stw_sweep_ms: 0.05, mark_ms: 0.1, stw_mark_ms: 0.02 }];
    let o = sim::run(&p, &SimOptions { gc, ..opts("1.27") });
    assert!(o.timeline.iter().all(|e| e.t_ns >= 50_000.0), "nothing runs during the first STW window");
    if let Some(c) = o.crash {
        assert!(c.gc.is_some());
    }
}

#[test]
fn deadlock_is_reported_with_go_s_message() {
    let p = Program::from_yaml("name: t\nwaitgroups: [wg]\ngoroutines:\n- name: main\n  ops:\n  - {op: wg_add, wg: wg, n: 1, line: 3}\n  - {op: wg_wait, wg: wg, line: 4}\n").unwrap();
    let o = sim::run(&p, &opts("1.27"));
    assert_eq!(o.terminal, Terminal::Deadlock);
    assert!(o
        .crash_output
        .unwrap()
        .starts_with("fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 [semacquire]:"));
    assert_eq!(sim::explore(&p, &opts("1.27")).summary.deadlocks, 1);
}

#[test]
fn channels_and_rwmutex_order_accesses_for_the_race_detector() {
    let p = Program::from_yaml(
        "name: t\nmaps: {m: {}}\nchannels: {done: 0}\ngoroutines:\n- name: main\n  ops:\n  - {op: go, goroutine: a, line: 3}\n  - {op: recv, chan: done, line: 4}\n  - {op: read, map: m, key: 1, line: 5}\n- name: a\n  ops:\n  - {op: write, map: m, key: 1, line: 8}\n  - {op: send, chan: done, line: 9}\n",
    )
    .unwrap();
    let r = sim::explore(&p, &opts("1.27"));
    assert!(r.complete);
    assert_eq!((r.summary.crashes, r.summary.races_detected, r.summary.deadlocks), (0, 0, 0));
}

#[test]
fn a_map_bug_yields_a_header_report_and_a_value_slot_report_with_user_frames_only() {
    let p = sim::builtin("handler").unwrap();
    let o = sim::run(&p, &opts("1.27"));
    assert!(o.races.iter().any(|r| !r.value_slot));
    assert!(o.races.iter().any(|r| r.value_slot), "{:?}", o.races);
    let slot_block = o.race_output.split("WARNING: DATA RACE\n").find(|b| b.contains("0x00c0000a")).unwrap();
    assert!(!slot_block.contains("runtime."), "value-slot reports show user frames only: {slot_block}");
}
