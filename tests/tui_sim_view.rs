#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The simulator view (issue 6, "In the TUI"), drawn: the bundled reproduction at its crash with a fixed seed,
//! the same seed with the mutex fix (no crash), and the crash-rate bar chart (computing, then filled in), at
//! 80x24 and 40x12. Also a `simulate` step's result and Enter on it opening the simulator.

use crate::tui_sim_support;

use runbook::probes::output::SimSource;
use runbook::sim::GoVersion;
use runbook::tui::action::{Intent, Message, SimKey};
use runbook::tui::jobs::{Job, ViewJob};
use runbook::tui::keymap::Scope;
use runbook::tui::sim::SimSpec;
use runbook::tui::views::View;
use runbook::tui::Theme;
use tui_sim_support::views::{app_from, apply, runbook, screen, settle};
use tui_sim_support::{sim_app, tiny_family, TINY_REPRO};

/// Seed 2 of the built-in `repro` crashes on Go 1.27 (seed 1 exits cleanly).
const CRASHING_SEED: u64 = 2;

#[test]
fn repro_at_the_crash_and_the_mutex_fix_with_the_same_seed() {
    let mut app = sim_app(SimSpec::builtin("repro", GoVersion::NEWEST, CRASHING_SEED), 80, 24);
    assert_eq!(app.scope(), Scope::Sim);
    let view = app.sim_view().unwrap();
    let run = view.run.as_ref().expect("the run arrived");
    assert_eq!(run.message.as_deref(), Some("concurrent map read and map write"));
    assert_eq!(view.cursor, run.last(), "the view opens at the crash");
    assert!(run.skipped > 0, "a 100,000-iteration run keeps its start and its crash window");
    insta::assert_snapshot!("repro_crash_80x24", screen(&mut app, 80, 24).backend());
    insta::assert_snapshot!("repro_crash_40x12", screen(&mut app, 40, 12).backend());

    apply(&mut app, &[Intent::Sim(SimKey::Fix)]);
    assert!(app.sim_view().unwrap().pending.is_some(), "the fix runs in the background");
    settle(&mut app);
    let run = app.sim_view().unwrap().run.clone().unwrap();
    assert_eq!((run.program.as_str(), run.seed, run.message.as_deref()), ("fixed-mutex", CRASHING_SEED, None));
    insta::assert_snapshot!("fixed_mutex_same_seed_80x24", screen(&mut app, 80, 24).backend());
    insta::assert_snapshot!("fixed_mutex_same_seed_40x12", screen(&mut app, 40, 12).backend());
}

#[test]
fn crash_rate_chart_computing_then_filled_in() {
    let mut app = sim_app(tui_sim_support::tiny_spec(1), 80, 24);
    // `r` asks for every built-in: the chart shows them computing (the jobs are not run here).
    apply(&mut app, &[Intent::Sim(SimKey::Rates)]);
    let queued = app.take_jobs();
    assert_eq!(queued.len(), runbook::sim::builtins().len());
    assert!(queued.iter().all(|j| matches!(j, Job::View(ViewJob::Rate(r)) if r.runs == 50)));
    insta::assert_snapshot!("rates_computing_80x24", screen(&mut app, 80, 24).backend());

    apply(&mut app, &[Intent::Back, Intent::Back]);
    let programs = vec![
        SimSource::Yaml { name: "tiny-repro".into(), text: TINY_REPRO.into() },
        tiny_family()[1].clone(),
        SimSource::Builtin("no-such-program".into()),
    ];
    apply(&mut app, &[Intent::OpenRates { programs, go: GoVersion::NEWEST, seed: 1, runs: 20 }]);
    settle(&mut app);
    let Some(View::Rates(rates)) = app.view() else { panic!("the chart is open") };
    assert_eq!(rates.done(), 3);
    insta::assert_snapshot!("rates_80x24", screen(&mut app, 80, 24).backend());
    insta::assert_snapshot!("rates_40x12", screen(&mut app, 40, 12).backend());
}

#[test]
fn a_simulate_step_lists_its_summary_and_enter_opens_the_simulator() {
    let dir = tempfile::tempdir().unwrap();
    let program = dir.path().join("tiny.yaml");
    std::fs::write(&program, TINY_REPRO).unwrap();
    let steps = format!(
        "      - id: sim\n        title: Simulate\n        simulate:\n          program: {:?}\n          runs: 10\n",
        program.display().to_string()
    );
    let mut app = app_from(&runbook(&steps), "/srv", Theme::plain());
    app.apply(Message::Resize { width: 100, height: 30 });
    app.apply(Intent::Run);
    settle(&mut app);
    assert_eq!(app.scope(), Scope::Results, "the result takes the focus");
    let text = screen(&mut app, 100, 30).backend().to_string();
    assert!(text.contains("10 runs from seed 1"), "{text}");
    assert!(text.contains("crashes") && text.contains("simulator: seed 1"), "{text}");

    apply(&mut app, &[Intent::Open]);
    settle(&mut app);
    let view = app.sim_view().expect("Enter opens the simulator");
    assert_eq!(view.spec.step, Some(0));
    let run = view.run.as_ref().unwrap();
    assert_eq!((run.program.as_str(), run.seed), ("tiny-repro", 1));
    assert_eq!(run.message.as_deref(), Some("concurrent map read and map write"));

    // `f` goes on to the built-in fixes of the reproduction; `g` has no gctrace log to show.
    apply(&mut app, &[Intent::Sim(SimKey::Gc)]);
    assert!(app.flash().unwrap().contains("gctrace"));
    apply(&mut app, &[Intent::Sim(SimKey::Fix)]);
    let jobs = app.take_jobs();
    assert!(
        matches!(&jobs[..], [Job::View(ViewJob::Sim(r))] if r.source == SimSource::Builtin("fixed-mutex".into()) && r.seed == 1)
    );
}

#[test]
fn a_simulate_step_with_a_gctrace_log_charts_its_heap_and_pauses() {
    let dir = tempfile::tempdir().unwrap();
    let program = dir.path().join("tiny.yaml");
    std::fs::write(&program, TINY_REPRO).unwrap();
    let log = tui_sim_support::views::fixture("gctrace_two_runs.go1.27.log");
    let steps = format!(
        "      - id: sim\n        title: Simulate\n        simulate:\n          program: {:?}\n          runs: 3\n          gctrace: {log:?}\n",
        program.display().to_string()
    );
    let mut app = app_from(&runbook(&steps), "/srv", Theme::plain());
    app.apply(Message::Resize { width: 100, height: 30 });
    app.apply(Intent::Run);
    settle(&mut app);
    let text = screen(&mut app, 100, 30).backend().to_string();
    assert!(text.contains("GC: ") && text.contains("gctrace_two_runs.go1.27.log"), "{text}");
    apply(&mut app, &[Intent::Open]);
    settle(&mut app);
    let run = app.sim_view().unwrap().run.clone().unwrap();
    assert!(!run.stw.is_empty(), "the log's cycles are stop-the-world windows of the run");
    apply(&mut app, &[Intent::Sim(SimKey::Gc)]);
    assert!(matches!(app.view(), Some(View::Gc { step: 0 })));
    let chart = screen(&mut app, 100, 30).backend().to_string();
    assert!(chart.contains("pause (STW ms)") && chart.contains("heap (MB)"), "{chart}");
}
