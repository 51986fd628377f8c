//! The event loop with real commands and no terminal: keys come from a vector, the screen is a `TestBackend`,
//! and the loop runs until the input has ended and nothing runs. Covers running a step end to end, a flood of
//! 100k lines (bounded in the pane, nothing lost to the engine), cancelling, and quitting while a command runs.

// Helpers outside #[test] functions unwrap too: a failure there is a failed test with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::tui_support;

use crossterm::event::{Event, KeyCode};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use runbook::engine::{Context, Session, StepStatus};
use runbook::tui::output::MAX_LINES;
use runbook::tui::{event_loop, App, Theme};
use std::collections::BTreeMap;
use tui_support::keys;

fn app_from(yaml: &str, workdir: &std::path::Path) -> App {
    let runbook = runbook::engine::load("test.yaml", yaml.as_bytes()).unwrap();
    let dir = workdir.display().to_string();
    let context = Context { workdir: dir.clone(), assets_dir: dir.clone(), runbook_dir: dir };
    App::new(Session::new(runbook, context, BTreeMap::new()).unwrap(), "test.yaml", Theme::plain())
}

fn one_step(command: &str) -> String {
    format!(
        "id: t\ntitle: T\nphases:\n  - id: p\n    title: P\n    steps:\n      - id: s\n        title: S\n        \
         mode: observe\n        run:\n          command: {command:?}\n"
    )
}

async fn run_until_idle(app: &mut App, input: impl futures::Stream<Item = std::io::Result<Event>> + Unpin) -> String {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let result = tokio::time::timeout(
        std::time::Duration::from_secs(120),
        event_loop::run(&mut terminal, app, input, futures::stream::pending()),
    )
    .await;
    result.expect("the loop ends once the input is over and nothing runs").unwrap();
    terminal.backend().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enter_then_confirm_runs_the_step_and_shows_its_output() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_from(&one_step("echo hello-from-loop"), dir.path());
    let screen = run_until_idle(&mut app, keys(&[KeyCode::Enter, KeyCode::Enter])).await;
    assert_eq!(app.status(0), StepStatus::Passed);
    let run = app.run_of(0).unwrap();
    assert_eq!(run.lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(), vec!["hello-from-loop"]);
    assert!(screen.contains("hello-from-loop"), "{screen}");
    assert!(screen.contains("passed"), "{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_100k_lines_is_bounded_in_the_pane_and_keys_still_work() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_from(&one_step("seq 1 100000"), dir.path());
    // Keys typed while the flood arrives: help open and closed, pane switched, scrolled.
    let input =
        keys(&[KeyCode::Enter, KeyCode::Enter, KeyCode::Char('?'), KeyCode::Esc, KeyCode::Tab, KeyCode::PageUp]);
    let screen = run_until_idle(&mut app, input).await;
    assert_eq!(app.status(0), StepStatus::Passed);
    let run = app.run_of(0).unwrap();
    assert_eq!(run.len(), MAX_LINES);
    assert_eq!(run.dropped, 100_000 - MAX_LINES);
    assert_eq!(run.lines.back().map(|l| l.text.as_str()), Some("100000"));
    assert!(screen.contains("passed"), "{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c_cancels_a_long_command() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_from(&one_step("echo started; sleep 60"), dir.path());
    let screen = run_until_idle(&mut app, keys(&[KeyCode::Enter, KeyCode::Enter, KeyCode::Char('c')])).await;
    assert_eq!(app.status(0), StepStatus::Cancelled);
    assert!(screen.contains("cancelled"), "{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quitting_while_a_command_runs_asks_then_cancels_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_from(&one_step("sleep 60"), dir.path());
    let input = keys(&[KeyCode::Enter, KeyCode::Enter, KeyCode::Char('q'), KeyCode::Char('y')]);
    run_until_idle(&mut app, input).await;
    assert!(app.should_quit());
    assert_eq!(app.status(0), StepStatus::Cancelled, "the command was stopped before leaving");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resizing_while_a_command_runs_does_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_from(&one_step("seq 1 2000"), dir.path());
    let mut events = vec![tui_support::key_event(KeyCode::Enter), tui_support::key_event(KeyCode::Enter)];
    for (w, h) in [(20, 5), (40, 12), (200, 60), (1, 1), (80, 24)] {
        events.push(Ok(Event::Resize(w, h)));
    }
    run_until_idle(&mut app, futures::stream::iter(events)).await;
    assert_eq!(app.status(0), StepStatus::Passed);
}
