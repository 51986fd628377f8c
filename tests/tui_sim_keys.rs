#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The simulator view's keys: each key maps to its action in the simulator scope (and `S` opens it from the
//! main screen), and what each action does to the view: stepping, playing on the tick, jumping to the crash,
//! seeds and fixes and Go versions re-run in background jobs whose stale answers are dropped, the classic
//! `hashWriting` flag named on Go 1.19, GC stop-the-world bands across the lanes, Esc closing the view.

use crate::tui_sim_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use runbook::probes::output::SimSource;
use runbook::sim::{GcPause, GoVersion};
use runbook::tui::action::{Intent, Message, SimKey};
use runbook::tui::jobs::{Job, ViewJob};
use runbook::tui::keymap::{action_for, Scope};
use runbook::tui::sim::{SimSpec, FIX_CYCLE, PLAY_STEP};
use runbook::tui::views::View;
use runbook::tui::{jobs, Theme};
use tui_sim_support::views::{apply, ch, key, screen, settle};
use tui_sim_support::{app, sim_app, tiny_spec};

#[test]
fn simulator_keys_map_to_their_actions() {
    let sim = |k: SimKey| Some(Intent::Sim(k));
    let cases = [
        (ch(' '), sim(SimKey::Play)),
        (key(KeyCode::Right), sim(SimKey::Next)),
        (ch('l'), sim(SimKey::Next)),
        (key(KeyCode::Left), sim(SimKey::Prev)),
        (ch('h'), sim(SimKey::Prev)),
        (key(KeyCode::Home), sim(SimKey::Start)),
        (ch('c'), sim(SimKey::Crash)),
        (key(KeyCode::End), sim(SimKey::Crash)),
        (ch('s'), sim(SimKey::NextSeed)),
        (KeyEvent::new(KeyCode::Char('S'), KeyModifiers::SHIFT), sim(SimKey::PrevSeed)),
        (ch('f'), sim(SimKey::Fix)),
        (ch('v'), sim(SimKey::Version)),
        (ch('r'), sim(SimKey::Rates)),
        (ch('g'), sim(SimKey::Gc)),
        (key(KeyCode::Esc), Some(Intent::Back)),
        (ch('q'), Some(Intent::Back)),
        (ch('?'), Some(Intent::ToggleHelp)),
        (KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL), Some(Intent::Quit)),
        (ch('x'), None),
    ];
    for (k, want) in cases {
        assert_eq!(action_for(Scope::Sim, k), want, "{k:?}");
    }
    assert_eq!(action_for(Scope::Main, ch('S')), sim(SimKey::Open));
    // The charts over the simulator close with Esc like the other detail views.
    assert_eq!(action_for(Scope::Detail, key(KeyCode::Esc)), Some(Intent::Back));
}

#[test]
fn s_on_the_main_screen_opens_the_bundled_repro_without_running_it_here() {
    let mut app = app(Theme::plain());
    apply(&mut app, &[Intent::Sim(SimKey::Open)]);
    assert_eq!(app.scope(), Scope::Sim);
    let view = app.sim_view().unwrap();
    assert!(view.run.is_none() && view.pending.is_some(), "the run is a background job");
    let jobs = app.take_jobs();
    let [Job::View(ViewJob::Sim(request))] = &jobs[..] else { panic!("one simulator job: {jobs:?}") };
    assert_eq!(request.source, SimSource::Builtin("repro".into()));
    assert_eq!((request.go, request.seed), (GoVersion::NEWEST, 1));
    let text = screen(&mut app, 80, 24).backend().to_string();
    assert!(text.contains("running repro go1.27 seed 1…"), "{text}");
    apply(&mut app, &[Intent::Back]);
    assert!(app.view().is_none(), "Esc closes the simulator");
}

#[test]
fn stepping_playing_and_jumping_to_the_crash() {
    let mut app = sim_app(tiny_spec(1), 80, 24);
    let last = app.sim_view().unwrap().run.as_ref().unwrap().last();
    assert_eq!(app.sim_view().unwrap().cursor, last, "opens at the crash");
    apply(&mut app, &[Intent::Sim(SimKey::Prev), Intent::Sim(SimKey::Prev), Intent::Sim(SimKey::Next)]);
    assert_eq!(app.sim_view().unwrap().cursor, last - 1);
    apply(&mut app, &[Intent::Sim(SimKey::Start)]);
    assert_eq!(app.sim_view().unwrap().cursor, 0);
    apply(&mut app, &[Intent::Sim(SimKey::Prev)]);
    assert_eq!(app.sim_view().unwrap().cursor, 0, "stays at the start");
    app.apply(Intent::Sim(SimKey::Play));
    apply(&mut app, &[Message::Tick(100), Message::Tick(200)]);
    assert!(app.is_playing());
    assert_eq!(app.sim_view().unwrap().cursor, 2 * PLAY_STEP);
    apply(&mut app, &[Intent::Sim(SimKey::Play)]);
    assert!(!app.is_playing(), "space pauses");
    apply(&mut app, &[Intent::Sim(SimKey::Crash)]);
    assert_eq!(app.sim_view().unwrap().cursor, last);
    // Play at the end starts over; it stops by itself at the end.
    apply(&mut app, &[Intent::Sim(SimKey::Play)]);
    assert_eq!(app.sim_view().unwrap().cursor, 0);
    for t in 0..(last as u64) {
        apply(&mut app, &[Message::Tick(t)]);
    }
    assert_eq!(app.sim_view().unwrap().cursor, last);
    assert!(!app.is_playing());
}

#[test]
fn seeds_run_in_the_background_and_a_stale_answer_is_dropped() {
    let mut app = sim_app(tiny_spec(1), 80, 24);
    apply(&mut app, &[Intent::Sim(SimKey::NextSeed), Intent::Sim(SimKey::NextSeed)]);
    let view = app.sim_view().unwrap();
    assert_eq!(view.spec.seed, 3);
    assert_eq!(view.run.as_ref().unwrap().seed, 1, "the old run stays on screen meanwhile");
    let queued = app.take_jobs();
    assert_eq!(queued.len(), 2);
    let [Job::View(older), Job::View(newer)] = [queued[0].clone(), queued[1].clone()] else { panic!("{queued:?}") };
    app.apply(jobs::perform(older));
    assert_eq!(app.sim_view().unwrap().run.as_ref().unwrap().seed, 1, "the answer for seed 2 came too late");
    assert!(app.sim_view().unwrap().pending.is_some());
    app.apply(jobs::perform(newer));
    let view = app.sim_view().unwrap();
    assert_eq!((view.run.as_ref().unwrap().seed, view.pending), (3, None));
    apply(&mut app, &[Intent::Sim(SimKey::PrevSeed)]);
    settle(&mut app);
    assert_eq!(app.sim_view().unwrap().run.as_ref().unwrap().seed, 2);
    apply(&mut app, &[Intent::Sim(SimKey::PrevSeed), Intent::Sim(SimKey::PrevSeed)]);
    assert_eq!(app.sim_view().unwrap().spec.seed, 1, "seeds start at 1");
}

#[test]
fn f_cycles_the_fixes_with_the_same_seed_and_v_switches_go() {
    let mut app = app(Theme::plain());
    apply(&mut app, &[Intent::OpenSim(Box::new(SimSpec::builtin("repro", GoVersion::NEWEST, 7)))]);
    let mut seen = Vec::new();
    for _ in 0..FIX_CYCLE.len() {
        let jobs = app.take_jobs();
        let [Job::View(ViewJob::Sim(r))] = &jobs[..] else { panic!("{jobs:?}") };
        assert_eq!(r.seed, 7);
        seen.push(r.source.name().to_string());
        apply(&mut app, &[Intent::Sim(SimKey::Fix)]);
    }
    assert_eq!(seen, FIX_CYCLE);
    let jobs = app.take_jobs();
    assert!(matches!(&jobs[..], [Job::View(ViewJob::Sim(r))] if r.source.name() == "repro"), "and back to repro");
    apply(&mut app, &[Intent::Sim(SimKey::Version)]);
    assert!(matches!(&app.take_jobs()[..], [Job::View(ViewJob::Sim(r))] if r.go == GoVersion(19)));
    apply(&mut app, &[Intent::Sim(SimKey::Version)]);
    assert!(matches!(&app.take_jobs()[..], [Job::View(ViewJob::Sim(r))] if r.go == GoVersion(27)));
}

#[test]
fn go_1_19_names_the_classic_hash_writing_flag_at_the_crash() {
    let mut app = sim_app(tiny_spec(1), 80, 24);
    let swiss = screen(&mut app, 80, 24).backend().to_string();
    assert!(swiss.contains("m: writing=1"), "{swiss}");
    apply(&mut app, &[Intent::Sim(SimKey::Version)]);
    settle(&mut app);
    let run = app.sim_view().unwrap().run.clone().unwrap();
    assert_eq!(run.go, GoVersion(19));
    assert_eq!(run.message.as_deref(), Some("concurrent map read and map write"));
    let classic = screen(&mut app, 80, 24).backend().to_string();
    assert!(classic.contains("m: flags=4 (hashWriting)"), "{classic}");
    assert!(classic.contains("go1.19 classic") && classic.contains("g19"), "{classic}");
}

#[test]
fn gc_stop_the_world_windows_are_bands_across_the_lanes() {
    let mut spec = tiny_spec(1);
    spec.gc = vec![GcPause { at_ms: 0.05, stw_sweep_ms: 0.01, mark_ms: 0.02, stw_mark_ms: 0.01 }];
    let mut app = sim_app(spec, 80, 24);
    let run = app.sim_view().unwrap().run.clone().unwrap();
    assert_eq!(run.stw, vec![(50_000.0, 60_000.0), (80_000.0, 90_000.0)]);
    // Put the cursor just after the first window: it is in view, to the cursor's left.
    let after = run.events.iter().position(|e| e.t_ns >= 60_000.0).unwrap();
    apply(&mut app, &[Intent::Sim(SimKey::Start)]);
    for _ in 0..after {
        apply(&mut app, &[Intent::Sim(SimKey::Next)]);
    }
    let text = screen(&mut app, 80, 24).backend().to_string();
    let lanes: Vec<&str> = text.lines().filter(|l| l.contains("│g")).collect();
    assert!(lanes.len() >= 3 && lanes.iter().all(|l| l.contains('░')), "{text}");
    assert!(text.contains("░=STW"), "{text}");
}

#[test]
fn r_opens_the_crash_rate_chart_over_the_simulator_and_esc_returns() {
    let mut app = sim_app(tiny_spec(1), 80, 24);
    apply(&mut app, &[Intent::Sim(SimKey::Rates)]);
    assert!(matches!(app.view(), Some(View::Rates(_))));
    assert_eq!(app.scope(), Scope::Detail);
    apply(&mut app, &[Intent::Back]);
    assert_eq!(app.scope(), Scope::Sim);
}
