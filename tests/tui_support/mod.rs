//! Helpers shared by the TUI tests: key events (as the keymap reads them, and as the event loop's input
//! stream carries them), an app from inline YAML, applying actions through `App::apply`, running a probe step's
//! job the way the event loop does (typed result first, then the engine input), running view jobs to
//! completion, and drawing.

// Each test file uses a different subset of these helpers.
#![allow(dead_code)]

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use runbook::engine::{Context, Session};
use runbook::tui::action::{Action, Message};
use runbook::tui::jobs::{self, HostJob, Job};
use runbook::tui::{view, App, Theme};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A key press without modifiers.
pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// A character key without modifiers.
pub fn ch(c: char) -> KeyEvent {
    key(KeyCode::Char(c))
}

/// A key press as the event loop's input stream carries it.
pub fn key_event(code: KeyCode) -> std::io::Result<Event> {
    Ok(Event::Key(key(code)))
}

/// The event loop's input: these key presses, then the end of the input.
pub type Keys = futures::stream::Iter<std::vec::IntoIter<std::io::Result<Event>>>;

pub fn keys(codes: &[KeyCode]) -> Keys {
    futures::stream::iter(codes.iter().map(|c| key_event(*c)).collect::<Vec<_>>())
}

pub fn app_from(yaml: &str, workdir: &str, theme: Theme) -> App {
    let runbook = runbook::engine::load("views.yaml", yaml.as_bytes()).unwrap();
    let context = Context { workdir: workdir.into(), assets_dir: workdir.into(), runbook_dir: workdir.into() };
    App::new(Session::new(runbook, context, BTreeMap::new()).unwrap(), "views.yaml", theme)
}

/// A runbook with one phase and the given steps (YAML list items, indented by 6).
pub fn runbook(steps: &str) -> String {
    format!("id: v\ntitle: Views\nphases:\n  - id: p\n    title: P\n    steps:\n{steps}")
}

/// Applies each action with its follow-ups, as the event loop does.
pub fn apply<A: Clone + Into<Action>>(app: &mut App, actions: &[A]) {
    for a in actions {
        app.apply(a.clone());
    }
}

/// Carries out the queued jobs as the event loop would, synchronously, until none are left. Returns the jobs
/// that need a terminal (editor, clipboard), which a test checks instead of running.
pub fn settle(app: &mut App) -> Vec<HostJob> {
    let mut handed = Vec::new();
    for _ in 0..20 {
        let queued = app.take_jobs();
        if queued.is_empty() {
            break;
        }
        for job in queued {
            match job {
                Job::Probe { step, request } => {
                    let (input, output) = runbook::probes::output::execute_typed(&step, &request);
                    if let Some(output) = output {
                        app.apply(Message::ProbeResult { step, output: Arc::new(output) });
                    }
                    app.apply(Message::ProbeDone(input));
                }
                Job::View(job) => app.apply(jobs::perform(job)),
                Job::Host(job) => handed.push(job),
                Job::Spawn { .. } | Job::Cancel { .. } | Job::CancelAll => {}
            }
        }
    }
    handed
}

pub fn screen(app: &mut App, width: u16, height: u16) -> Terminal<TestBackend> {
    app.apply(Message::Resize { width, height });
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| view::draw(app, f)).unwrap();
    terminal
}

pub fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/go/logs/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// An app on inline YAML (`name` as its file name) run in `workdir`, journaled to `journal` as a live session
/// opened from that YAML would be.
pub fn journaled_app(yaml: &str, name: &str, workdir: &std::path::Path, journal: &std::path::Path) -> App {
    use runbook::tui::journaling::{self, JournalSpec};
    let runbook = runbook::engine::load(name, yaml.as_bytes()).unwrap();
    let dir = workdir.display().to_string();
    let context = Context { workdir: dir.clone(), assets_dir: dir.clone(), runbook_dir: dir };
    let session = Session::new(runbook, context.clone(), BTreeMap::new()).unwrap();
    let spec = JournalSpec {
        path: Some(journal.display().to_string()),
        yaml: yaml.as_bytes().to_vec(),
        source: name.into(),
        bundled: false,
        spill_cap: None,
    };
    let (opened, _) = journaling::open(&spec, &session, &context, &BTreeMap::new()).unwrap();
    let mut app = App::new(session, name, Theme::plain());
    app.set_journal(opened.unwrap());
    app
}
