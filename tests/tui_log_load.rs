//! `--log` is stored and parsed in the background (issue 17: the screen must be up at once even for a 100 MB
//! log): the first frame says the evidence is being read, the evidence step reads it as soon as it is in, and a
//! `q` pressed before that waits for it, so `--log -` (standard input, readable once) is never lost.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::tui_support;

use crossterm::event::KeyCode;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use runbook::evidence::{Pending, Redactor, Source};
use runbook::tui::action::Message;
use runbook::tui::journaling;
use runbook::tui::App;
use std::path::{Path, PathBuf};

fn crash_log() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/incident/logs/crash-kubectl.go1.27.log")
}

/// An evidence step first, journaled to `dir/session.jsonl`, with the crash log given as `--log` would give it.
fn app_loading_the_log(dir: &Path) -> App {
    let yaml = "id: v\ntitle: Views\nphases:\n  - id: p\n    title: P\n    steps:\n      - id: evidence\n        \
                title: Read the production crash\n        evidence: {}\n      - id: next\n        title: Next\n        \
                checklist:\n          - looked\n";
    let mut app = tui_support::journaled_app(yaml, "views.yaml", dir, &dir.join("session.jsonl"));
    app.apply(Message::Resize { width: 80, height: 24 });
    let pending = Pending {
        sources: vec![Source { name: "-".into(), bytes: std::fs::read(crash_log()).unwrap() }],
        redactor: Redactor::new(&[]).unwrap(),
        rewrites: Vec::new(),
        parsed: None,
        deferred: Vec::new(),
    };
    journaling::start_evidence_load(&mut app, pending);
    app
}

#[test]
fn the_first_frame_says_the_evidence_is_being_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_loading_the_log(dir.path());
    assert!(!app.session().has_evidence(), "nothing is parsed before the screen is up");
    let size = std::fs::metadata(crash_log()).unwrap().len();
    let expected = format!("reading the evidence ({size} bytes)…");
    assert_eq!(app.flash(), Some(expected.as_str()));
    let screen = format!("{:?}", tui_support::screen(&mut app, 80, 24).backend());
    assert!(screen.contains("reading the evidence"), "{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_evidence_step_reads_the_log_once_it_is_in() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_loading_the_log(dir.path());
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let run =
        runbook::tui::event_loop::run(&mut terminal, &mut app, tui_support::keys(&[]), futures::stream::pending());
    tokio::time::timeout(std::time::Duration::from_secs(60), run).await.unwrap().unwrap();
    assert!(app.session().has_evidence());
    let triage = app.session().evidence_triage().unwrap();
    assert_eq!(triage.lookup_key("message").unwrap().to_text(), "concurrent map writes");
    assert_eq!(app.flash(), None, "the loading line is gone: {:?}", app.flash());
    let screen = format!("{:?}", terminal.backend());
    assert!(screen.contains("fatal error: concurrent map writes"), "the triage is on screen: {screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quit_before_the_log_is_in_waits_for_it_and_the_journal_has_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_loading_the_log(dir.path());
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let keys = tui_support::keys(&[KeyCode::Char('q')]);
    let run = runbook::tui::event_loop::run(&mut terminal, &mut app, keys, futures::stream::pending());
    tokio::time::timeout(std::time::Duration::from_secs(60), run).await.unwrap().unwrap();
    assert!(app.session().has_evidence());
    let journal = std::fs::read_to_string(dir.path().join("session.jsonl")).unwrap();
    assert!(journal.contains("\"evidence\""), "the journal records the evidence: {journal}");
    assert!(journal.contains("concurrent map writes"), "with its triage");
}

/// `runbook open … --log FILE` checks the file and leaves it to the screen to read (a 100 MB log took longer to
/// read than the first frame may): the first frame gives its size, and the job reads and stores it.
fn app_reading_the_file(dir: &Path, file: &Path) -> App {
    let yaml = "id: v\ntitle: Views\nphases:\n  - id: p\n    title: P\n    steps:\n      - id: evidence\n        \
                title: Read the production crash\n        evidence: {}\n";
    let mut app = tui_support::journaled_app(yaml, "views.yaml", dir, &dir.join("session.jsonl"));
    let mut pending = Pending::new(Vec::new(), Redactor::new(&[]).unwrap(), Vec::new());
    pending.deferred = vec![file.display().to_string()];
    journaling::start_evidence_load(&mut app, pending);
    app
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_file_is_read_behind_the_screen() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_reading_the_file(dir.path(), &crash_log());
    let size = std::fs::metadata(crash_log()).unwrap().len();
    assert_eq!(app.flash(), Some(format!("reading the evidence ({size} bytes)…").as_str()));
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let run =
        runbook::tui::event_loop::run(&mut terminal, &mut app, tui_support::keys(&[]), futures::stream::pending());
    tokio::time::timeout(std::time::Duration::from_secs(60), run).await.unwrap().unwrap();
    let triage = app.session().evidence_triage().unwrap();
    assert_eq!(triage.lookup_key("message").unwrap().to_text(), "concurrent map writes");
    let journal = std::fs::read_to_string(dir.path().join("session.jsonl")).unwrap();
    let source = serde_json::to_string(&crash_log().display().to_string()).unwrap();
    assert!(journal.contains(&format!("\"source\":{source}")), "the evidence is named by its path: {journal}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_file_gone_before_it_is_read_is_said_and_the_step_still_asks_for_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let gone = dir.path().join("gone.log");
    std::fs::copy(crash_log(), &gone).unwrap();
    let mut app = app_reading_the_file(dir.path(), &gone);
    std::fs::remove_file(&gone).unwrap();
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let run =
        runbook::tui::event_loop::run(&mut terminal, &mut app, tui_support::keys(&[]), futures::stream::pending());
    tokio::time::timeout(std::time::Duration::from_secs(60), run).await.unwrap().unwrap();
    assert!(!app.session().has_evidence());
    let flash = app.flash().unwrap_or_default().to_string();
    assert!(flash.contains("cannot read the log") && flash.contains("gone.log"), "{flash}");
}
