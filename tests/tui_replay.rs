#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `runbook replay JOURNAL`: a session recorded headless (its one command creates a file) is replayed in-process
//! through the TUI's event loop into a `TestBackend`, through every event, with the run, cancel and note keys
//! pressed on the way, and played at full speed: the file is never created again, and the screen shows the step
//! passed with its output. Also an insta snapshot of the replay screen (a journal with fixed times), and the
//! scrubber's keys (events, milestones, speed) on the `App`.

use crate::common;
use crate::tui_support;

use crossterm::event::KeyCode;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use runbook::engine::StepStatus;
use runbook::tui::action::{Intent, Message, Scrub};
use runbook::tui::replay;
use runbook::tui::{event_loop, view, App, Theme};
use std::path::{Path, PathBuf};
use tui_support::{apply, keys, Keys};

async fn run_until_idle(app: &mut App, input: Keys) -> String {
    let mut terminal = Terminal::new(TestBackend::new(100, 24)).unwrap();
    let result = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        event_loop::run(&mut terminal, app, input, futures::stream::pending()),
    )
    .await;
    result.expect("the loop ends once the input is over and playback stopped").unwrap();
    terminal.backend().to_string()
}

/// Records `tests/fixtures/runbooks/replay.yaml` headless with `--yes`; returns the journal and the marker path
/// (deleted again, so a replay that ran the command would bring it back).
fn record(home: &Path) -> (PathBuf, PathBuf) {
    let marker = home.join("marker");
    let journal = home.join("session.jsonl");
    let out = common::runbook(home)
        .current_dir(home)
        .args(["run", "--headless", "--yes", "--journal"])
        .arg(&journal)
        .arg("--var")
        .arg(format!("marker={}", marker.display()))
        .arg(common::fixture("runbooks/replay.yaml"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(marker.exists(), "the recorded run created the marker");
    std::fs::remove_file(&marker).unwrap();
    (journal, marker)
}

/// Every file under `dir`, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path.clone());
            }
            out.push(path);
        }
    }
    out.sort();
    out
}

fn step_index(app: &App, id: &str) -> usize {
    app.session().runbook().step_index(id).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_through_every_event_runs_nothing_and_shows_the_step_passed_with_its_output() {
    let home = tempfile::tempdir().unwrap();
    let (journal, marker) = record(home.path());
    let before = files(home.path());
    let recorded = std::fs::read(&journal).unwrap();
    let mut app = replay::open(&journal, Theme::plain()).unwrap();
    let total = app.replay().unwrap().len();
    // Run, cancel and note keys on every stop, then the next event, until well past the end.
    let mut codes = Vec::new();
    for _ in 0..total + 2 {
        codes.extend([KeyCode::Char('r'), KeyCode::Enter, KeyCode::Char('c'), KeyCode::Char('n'), KeyCode::Char('.')]);
    }
    let screen = run_until_idle(&mut app, keys(&codes)).await;
    assert!(!marker.exists(), "the replay ran the recorded command");
    assert_eq!(files(home.path()), before, "the replay wrote a file");
    assert_eq!(std::fs::read(&journal).unwrap(), recorded, "the replay changed the journal");
    assert_eq!(app.replay().unwrap().position(), total);
    let make_mark = step_index(&app, "make-mark");
    assert_eq!(app.status(make_mark), StepStatus::Passed);
    assert_eq!(app.selected(), make_mark, "the selection follows the recording");
    let run = app.run_of(make_mark).unwrap();
    assert!(run.lines.iter().any(|l| l.text == "created-the-marker"), "{:?}", run.lines);
    assert!(screen.contains("created-the-marker"), "{screen}");
    assert!(screen.contains("passed"), "{screen}");
    assert!(screen.contains("read-only replay"), "{screen}");
    assert_eq!(app.replay().unwrap().warnings, Vec::<String>::new(), "the engine agrees with the recording");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn playing_at_full_speed_reaches_the_end_and_runs_nothing() {
    let home = tempfile::tempdir().unwrap();
    let (journal, marker) = record(home.path());
    let mut app = replay::open(&journal, Theme::plain()).unwrap();
    let mut codes = vec![KeyCode::Char('+'); 10];
    codes.push(KeyCode::Char(' '));
    let screen = run_until_idle(&mut app, keys(&codes)).await;
    let replay = app.replay().unwrap();
    assert_eq!(replay.speed(), 128);
    assert!(!replay.playing(), "playback stops at the end");
    assert_eq!(replay.position(), replay.len());
    assert!(!marker.exists(), "the replay ran the recorded command");
    assert_eq!(app.status(step_index(&app, "make-mark")), StepStatus::Passed);
    assert!(screen.contains("created-the-marker"), "{screen}");
}

/// A journal of the TUI tour runbook with fixed times: a read step, a command with two lines of output, a
/// milestone and a note set by hand, the end of the session.
fn fixed_journal(dir: &Path) -> PathBuf {
    let yaml = std::fs::read_to_string(common::fixture("runbooks/tui.yaml")).unwrap();
    let start = serde_json::json!({
        "type": "session_start", "format": 1,
        "runbook": {"id": "tui-tour", "title": "TUI tour: a map race, by hand", "sha256": "0",
                    "source": "tests/fixtures/runbooks/tui.yaml", "bundled": false, "yaml": yaml},
        "workdir": "/srv/checkout", "runbook_dir": "/srv", "user": "oncall", "host": "box",
        "tool_version": "0.0.0", "mode": "tui", "vars": {}
    });
    let lines = [
        start,
        serde_json::json!({"type": "step_started", "step": "read-first", "title": "Read the crash"}),
        serde_json::json!({"type": "step_finished", "step": "read-first", "status": "passed"}),
        serde_json::json!({"type": "step_started", "step": "hello", "title": "Say hello", "action": "run"}),
        serde_json::json!({"type": "command", "step": "hello", "cwd": "/srv/checkout", "mode": "observe",
            "command": "echo hello-from-runbook checkout; echo second line", "env": {"GREETING": "hi"}}),
        serde_json::json!({"type": "output", "step": "hello", "stream": "output", "line": "hello-from-runbook checkout"}),
        serde_json::json!({"type": "output", "step": "hello", "stream": "output", "line": "second line"}),
        serde_json::json!({"type": "step_finished", "step": "hello", "status": "passed", "exit_code": 0,
            "duration_ms": 12}),
        serde_json::json!({"type": "milestone_checked", "step": "hello", "milestone": "reproduced", "by": "hand",
            "ok": true, "detail": "set by hand in the TUI"}),
        serde_json::json!({"type": "note", "step": "hello", "text": "same greeting on staging"}),
        serde_json::json!({"type": "session_finished", "reason": "quit", "exit_code": 0}),
    ];
    let offsets = [0u64, 1_000, 4_000, 60_000, 60_010, 60_020, 60_021, 60_030, 75_000, 90_000, 125_000];
    let mut text = String::new();
    for (mut line, offset) in lines.into_iter().zip(offsets) {
        let ts = format!("2026-11-26T02:{:02}:{:02}.{:03}Z", 40 + offset / 60_000, offset / 1000 % 60, offset % 1000);
        line["ts"] = ts.into();
        line["offset_ms"] = offset.into();
        text.push_str(&format!("{line}\n"));
    }
    let path = dir.join("tour.jsonl");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn replay_screen_on_a_recorded_note() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = replay::open(&fixed_journal(dir.path()), Theme::colored()).unwrap();
    app.apply(Message::Resize { width: 80, height: 24 });
    app.apply(Intent::Replay(Scrub::NextMilestone));
    apply(&mut app, &[Intent::Replay(Scrub::Next)]);
    assert_eq!(app.replay().unwrap().position(), 10, "on the note");
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| view::draw(&app, f)).unwrap();
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn the_scrubber_steps_through_events_milestones_and_speeds() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = replay::open(&fixed_journal(dir.path()), Theme::plain()).unwrap();
    let position = |app: &App| app.replay().unwrap().position();
    assert_eq!(position(&app), 1, "opens on the session start");
    let hello = step_index(&app, "hello");
    apply(&mut app, &[Intent::Replay(Scrub::Next), Intent::Replay(Scrub::Next)]);
    assert_eq!(position(&app), 3);
    assert_eq!(app.status(0), StepStatus::Passed);
    apply(&mut app, &[Intent::Replay(Scrub::Next), Intent::Replay(Scrub::Next), Intent::Replay(Scrub::Next)]);
    assert_eq!(position(&app), 7, "the two output lines are one stop");
    assert_eq!(app.status(hello), StepStatus::Running);
    assert_eq!(app.run_of(hello).unwrap().len(), 2);
    apply(&mut app, &[Intent::Replay(Scrub::NextMilestone)]);
    assert_eq!(position(&app), 9, "on the hand-set milestone");
    assert_eq!(app.status(hello), StepStatus::Passed);
    assert!(app.flash().unwrap().contains("reproduced"), "{:?}", app.flash());
    apply(&mut app, &[Intent::Replay(Scrub::NextMilestone)]);
    assert_eq!(position(&app), 11, "no milestone after it: the end");
    apply(&mut app, &[Intent::Replay(Scrub::Next)]);
    assert_eq!(app.flash(), Some("at the end of the recording"));
    // Backward rebuilds from the start.
    apply(&mut app, &[Intent::Replay(Scrub::PrevMilestone)]);
    assert_eq!(position(&app), 9);
    apply(&mut app, &[Intent::Replay(Scrub::Prev), Intent::Replay(Scrub::Prev)]);
    assert_eq!(position(&app), 7);
    assert_eq!(app.status(hello), StepStatus::Running, "stepping back undoes the step's end");
    assert_eq!(app.run_of(hello).unwrap().len(), 2, "and keeps its output once");
    apply(&mut app, &[Intent::Replay(Scrub::PrevMilestone)]);
    assert_eq!(position(&app), 1, "no milestone before: the start");
    assert_eq!(app.status(hello), StepStatus::Pending);
    // Speed.
    apply(&mut app, &[Intent::Replay(Scrub::Slower)]);
    assert_eq!(app.replay().unwrap().speed(), 1);
    apply(&mut app, &[Intent::Replay(Scrub::Faster), Intent::Replay(Scrub::Faster)]);
    assert_eq!(app.replay().unwrap().speed(), 4);
}

#[test]
fn playing_follows_the_recorded_time_and_shortens_idle_stretches() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = replay::open(&fixed_journal(dir.path()), Theme::plain()).unwrap();
    let position = |app: &App| app.replay().unwrap().position();
    app.apply(Intent::Replay(Scrub::Play));
    app.apply(Message::Tick(0));
    assert!(app.is_playing());
    apply(&mut app, &[Message::Tick(900)]);
    assert_eq!(position(&app), 1, "the next record is at 1 s");
    apply(&mut app, &[Message::Tick(1_000)]);
    assert_eq!(position(&app), 2);
    // 3 s to the next record: an idle stretch longer than 2 s plays in 2 s.
    apply(&mut app, &[Message::Tick(2_900)]);
    assert_eq!(position(&app), 2);
    apply(&mut app, &[Message::Tick(3_000)]);
    assert_eq!(position(&app), 3, "a 3 s gap plays in 2 s");
    // 56 s of reading play in 2 s; the command's records then follow at their own pace.
    apply(&mut app, &[Message::Tick(5_000), Message::Tick(5_030)]);
    assert_eq!(position(&app), 8);
    apply(&mut app, &[Intent::Replay(Scrub::Play)]);
    assert!(!app.is_playing());
    apply(&mut app, &[Message::Tick(60_000)]);
    assert_eq!(position(&app), 8, "paused");
}

#[test]
fn run_cancel_choose_and_notes_are_refused_in_a_replay() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = replay::open(&fixed_journal(dir.path()), Theme::plain()).unwrap();
    for action in [Intent::Run, Intent::CancelCommand, Intent::Pick(0), Intent::Toggle, Intent::NoteStart] {
        apply(&mut app, std::slice::from_ref(&action));
        assert!(app.flash().unwrap().starts_with("read-only replay"), "{action:?}: {:?}", app.flash());
        assert!(app.take_jobs().is_empty(), "{action:?} queued work");
        assert_eq!(app.overlay(), &runbook::tui::screen::Overlay::None);
    }
}
