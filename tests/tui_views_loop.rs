//! The source view inside the real event loop: opening a 100k-line file does not block (keys keep being handled
//! while the file is read, indexed and checkpointed in the background), and `e` hands the terminal to the editor
//! (the loop drops its event stream first, takes a fresh one afterwards, and redraws).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::tui_support;

use crossterm::event::KeyCode;
use futures::StreamExt;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use runbook::tui::action::{Intent, Message};
use runbook::tui::host::{Events, Host};
use runbook::tui::views::View;
use runbook::tui::{event_loop, App, Theme};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tui_support::{app_from, key_event as key, runbook};

fn app_with_source(file: &Path, line: usize, theme: Theme) -> App {
    let mut app = app_from(&runbook("      - id: r\n        title: R\n"), "/srv", theme);
    app.apply(Message::Resize { width: 80, height: 24 });
    app.apply(Intent::OpenSource { file: file.to_path_buf(), line });
    app
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opening_a_100k_line_file_keeps_the_loop_handling_keys() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.go");
    let body: String = (1..=100_000).map(|i| format!("\tx{i} := map[string]int{{\"k\": {i}}} // line {i}\n")).collect();
    std::fs::write(&file, format!("package big\n\nvar s = `\n{body}`\n")).unwrap();
    let mut app = app_with_source(&file, 50_000, Theme::colored());
    assert!(matches!(app.view(), Some(View::Source(v)) if v.file.is_none()), "update only queues the read");

    // Every time the loop asks for the next key, note when: a gap is how long the loop was busy with a key.
    let polls = Arc::new(Mutex::new(Vec::<Instant>::new()));
    let seen = polls.clone();
    let script = vec![KeyCode::Char('G'), KeyCode::Char('k'), KeyCode::Char('k'), KeyCode::Char('?'), KeyCode::Esc];
    let keys = futures::stream::iter(script).then(move |code| {
        let seen = seen.clone();
        async move {
            seen.lock().unwrap().push(Instant::now());
            tokio::time::sleep(Duration::from_millis(5)).await;
            key(code)
        }
    });
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let started = Instant::now();
    let run = event_loop::run(&mut terminal, &mut app, Box::pin(keys), futures::stream::pending());
    tokio::time::timeout(Duration::from_secs(300), run).await.expect("the loop ends once the jobs are in").unwrap();
    let total = started.elapsed();

    // No fixed time limits (a loaded CI machine is slow): compared with the whole run, which lasts until the
    // background read and highlighting are done, no key waited long and all were read early.
    let polls = polls.lock().unwrap().clone();
    assert_eq!(polls.len(), 5, "every key was read");
    let slowest = polls.windows(2).map(|w| w[1] - w[0]).max().unwrap();
    assert!(slowest * 4 < total, "a key waited {slowest:?} of the loop's {total:?}");
    assert!((polls[4] - started) * 2 < total, "the keys were handled while the background work went on");
    let Some(View::Source(view)) = app.view() else { panic!("still in the source view") };
    assert_eq!(view.len(), 100_004);
    assert_eq!(view.cursor, 100_002, "G (even before the file arrived) then k k");
    assert!(!view.painted.is_empty(), "the window is highlighted once the checkpoints are in");
    let screen = terminal.backend().to_string();
    assert!(screen.contains("100002"), "{screen}");
}

/// A host that records the editor call and hands back a fresh stream of keys.
struct FakeTerminal {
    calls: Arc<Mutex<Vec<(PathBuf, usize)>>>,
    after: Vec<KeyCode>,
}

impl Host for FakeTerminal {
    fn owns_terminal(&self) -> bool {
        true
    }
    fn events(&mut self) -> Option<Events> {
        let keys: Vec<_> = self.after.drain(..).map(key).collect();
        Some(futures::stream::iter(keys).boxed_local())
    }
    fn run_editor(&mut self, path: &Path, line: usize) -> Result<(), String> {
        self.calls.lock().unwrap().push((path.to_path_buf(), line));
        Ok(())
    }
    fn copy(&mut self, _: &str) -> Result<(), String> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e_hands_the_terminal_to_the_editor_and_reads_keys_from_a_fresh_stream_after() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("main.go");
    std::fs::write(&file, "package main\n\nfunc main() {\n\tprintln(1)\n}\n").unwrap();
    let mut app = app_with_source(&file, 4, Theme::plain());
    let calls = Arc::new(Mutex::new(Vec::new()));
    let mut host = FakeTerminal { calls: calls.clone(), after: vec![KeyCode::Char('k'), KeyCode::Char('k')] };
    // Keys typed after `e` went to the editor, not to us: the old stream is dropped unread.
    let before = futures::stream::iter(vec![key(KeyCode::Char('e')), key(KeyCode::Char('j'))]);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let run = event_loop::run_hosted(&mut terminal, &mut app, before, futures::stream::pending(), &mut host);
    tokio::time::timeout(Duration::from_secs(60), run).await.unwrap().unwrap();
    assert_eq!(calls.lock().unwrap().as_slice(), &[(file.clone(), 4)]);
    let Some(View::Source(view)) = app.view() else { panic!("back in the source view") };
    assert_eq!(view.cursor, 2, "j from the old stream was dropped; k k from the fresh one moved the cursor");
    assert!(view.file.is_some(), "the file was read again after the edit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parse_step_run_by_the_loop_hands_its_typed_result_to_the_view() {
    let log = format!("{}/tests/fixtures/go/logs/map_writes_race.go1.27.log", env!("CARGO_MANIFEST_DIR"));
    let steps = format!("      - id: triage\n        title: Triage\n        parse:\n          file: {log:?}\n");
    let mut app = app_from(&runbook(&steps), "/srv", Theme::plain());
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let keys = futures::stream::iter(vec![key(KeyCode::Enter)]);
    let run = event_loop::run(&mut terminal, &mut app, keys, futures::stream::pending());
    tokio::time::timeout(Duration::from_secs(60), run).await.unwrap().unwrap();
    let result = app.result_of(0).expect("the typed report reached the app");
    assert!(result.has_targets());
    assert_eq!(app.scope(), runbook::tui::keymap::Scope::Results);
    let screen = terminal.backend().to_string();
    assert!(screen.contains("fatal error: concurrent map writes"), "{screen}");
}
