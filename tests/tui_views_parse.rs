//! The parse step's views (issue 4, "In the TUI"): the triage of real captured crash + race logs from Go 1.27 and
//! 1.19 (crash message and kind, map operation, racing sites, goroutine buckets, every frame selectable), Enter
//! on a frame opening the source view or, for a file not on this machine, saying `file:line`, and the GC chart
//! of a real gctrace log with the crash marked among the cycles.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::tui_support;

use runbook::tui::action::{Intent, Message};
use runbook::tui::jobs::{Job, ViewJob};
use runbook::tui::keymap::Scope;
use runbook::tui::layout::Pane;
use runbook::tui::results::Target;
use runbook::tui::views::View;
use runbook::tui::{App, Theme};
use tui_support::{app_from, apply, fixture, runbook, screen, settle};

fn parsed(log: &str) -> App {
    let steps = format!(
        "      - id: triage\n        title: Triage the crash\n        parse:\n          file: {:?}\n",
        fixture(log)
    );
    let mut app = app_from(&runbook(&steps), "/srv", Theme::plain());
    app.apply(Message::Resize { width: 120, height: 40 });
    app.apply(Intent::Run);
    settle(&mut app);
    app
}

#[test]
fn parse_view_go127_map_crash_and_race() {
    let mut app = parsed("map_read_write_race.go1.27.log");
    assert_eq!(app.focus(), Pane::Action, "a result to explore takes the focus");
    assert_eq!(app.scope(), Scope::Results);
    insta::assert_snapshot!(screen(&mut app, 120, 40).backend());
}

#[test]
fn parse_view_go119_map_crash_and_race() {
    let mut app = parsed("map_read_write_race.go1.19.log");
    insta::assert_snapshot!(screen(&mut app, 120, 40).backend());
}

#[test]
fn parse_view_go127_map_writes_with_all_goroutines() {
    let mut app = parsed("map_read_write_all.go1.27.log");
    insta::assert_snapshot!(screen(&mut app, 120, 40).backend());
}

#[test]
fn j_and_k_walk_the_items_and_enter_opens_the_frame() {
    let mut app = parsed("map_read_write_race.go1.27.log");
    let first = app.result_of(0).unwrap().target().cloned().unwrap();
    assert_eq!(first, Target::Source { file: "/tmp/runbook-go-corpus/map_read_write/main.go".into(), line: 18 });
    apply(&mut app, &[Intent::Down, Intent::Down, Intent::Up]);
    let second = app.result_of(0).unwrap().target().cloned().unwrap();
    assert_ne!(second, first);
    apply(&mut app, &[Intent::Open]);
    let Target::Source { file, line } = second else { panic!("a source target") };
    assert!(matches!(app.view(), Some(View::Source(v)) if v.path.to_str() == Some(file.as_str()) && v.target == line));
    assert_eq!(app.scope(), Scope::Source);
    assert!(
        app.take_jobs().iter().any(|j| matches!(j, Job::View(ViewJob::LoadSource { .. }))),
        "the file is read in a job"
    );
}

#[test]
fn a_frame_whose_file_is_not_here_says_file_and_line() {
    let log =
        "fatal error: concurrent map writes\\n\\ngoroutine 7 [running]:\\nmain.f()\\n\\t/nowhere/app/main.go:9 +0x1\\n";
    let steps = format!("      - id: triage\n        title: T\n        parse:\n          input: \"{log}\"\n");
    let mut app = app_from(&runbook(&steps), "/srv", Theme::plain());
    app.apply(Message::Resize { width: 120, height: 40 });
    app.apply(Intent::Run);
    settle(&mut app);
    apply(&mut app, &[Intent::Open]);
    assert!(matches!(app.view(), Some(View::Source(_))), "opened while the file is looked for");
    settle(&mut app);
    assert!(app.view().is_none(), "nothing to show: the view closes");
    assert_eq!(app.flash(), Some("/nowhere/app/main.go:9 (No such file or directory (os error 2))"));
}

#[test]
fn gc_chart_of_a_real_gctrace_with_the_crash_marked() {
    let mut app = parsed("gc_then_crash.go1.27.log");
    apply(&mut app, &[Intent::Bottom]);
    while app.result_of(0).unwrap().target() != Some(&Target::GcChart) {
        apply(&mut app, &[Intent::Up]);
    }
    apply(&mut app, &[Intent::Open]);
    assert!(matches!(app.view(), Some(View::Gc { step: 0 })));
    assert_eq!(app.scope(), Scope::Detail);
    insta::assert_snapshot!(screen(&mut app, 100, 30).backend());
    apply(&mut app, &[Intent::Back]);
    assert!(app.view().is_none(), "Esc pops back to the triage");
}

#[test]
fn the_crash_falls_after_the_last_cycle_printed_before_it() {
    let bytes = std::fs::read(fixture("gc_then_crash.go1.19.log")).unwrap();
    let report = runbook::golang::parse_logs(&[("log".into(), bytes)]);
    let (process, before) = runbook::tui::view::gc::crash_position(&report).unwrap();
    let before = before.unwrap();
    assert_eq!(process, 1);
    assert!(before.line < report.crashes[0].line);
    assert!(report.gc.cycles.iter().all(|c| c.line < before.line || c.line > report.crashes[0].line || c == before));
}

#[test]
fn the_views_draw_at_any_size_without_panicking() {
    let mut app = parsed("many_parked.go1.27.log");
    let sizes = [(40, 12), (41, 13), (59, 15), (80, 24), (200, 60), (20, 5), (1, 1)];
    for (w, h) in sizes {
        screen(&mut app, w, h);
    }
    let mut gc = parsed("gctrace_two_runs.go1.19.log");
    apply(&mut gc, &[Intent::Bottom, Intent::Open]);
    assert!(matches!(gc.view(), Some(View::Gc { .. })));
    for (w, h) in sizes {
        screen(&mut gc, w, h);
    }
    let many = parsed("many_parked.go1.19.log");
    let rows = &many.result_of(0).unwrap().rows;
    assert!(rows.len() < 200, "thousands of parked goroutines fold into a few buckets: {} rows", rows.len());
}

#[test]
fn parse_view_of_a_goroutine_dump_without_a_crash() {
    // pprof's goroutine?debug=2 from a live Go 1.27 program: 150 handlers waiting on one mutex fold into one line.
    let mut app = parsed("stack_dump.go1.27.log");
    let text = screen(&mut app, 120, 40).backend().to_string();
    assert!(text.contains("goroutine dump: 151 goroutines"), "{text}");
    assert!(text.contains("150 × [sync.Mutex.Lock]"), "{text}");
    insta::assert_snapshot!(screen(&mut app, 120, 40).backend());
}

#[test]
fn parse_view_names_the_shipped_format_and_stream() {
    // docker compose logs with two services interleaved (tests/fixtures/shipped): the relay crashed.
    let mut app = parsed("../../shipped/relay.go1.27.compose.log");
    let text = screen(&mut app, 120, 40).backend().to_string();
    assert!(text.contains("read as compose, stream relay-1"), "{text}");
    assert!(text.contains("fatal error: concurrent map writes"), "{text}");
}
