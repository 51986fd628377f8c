//! The repositories' states for the journal are captured off the UI thread, one at a time and in order (issue
//! 17: a large checkout's `git status` delayed the first frame and froze the screen after every step). Opening
//! the session only queues the start's capture; a second capture waits for the first (it needs the base the
//! first records); a session driven through the event loop still journals the start's state, then the state
//! after the step that changed a file, in that order, before the journal closes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::tui_support;

use crossterm::event::{Event, KeyCode};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use runbook::engine::RepoStateReason;
use runbook::journal::{self, Meta};
use runbook::tui::jobs::{self, Job, ViewJob};
use runbook::tui::mode::Exit;
use runbook::tui::{event_loop, App};
use std::path::Path;

const EDIT_STEP: &str = "id: t\ntitle: T\nphases:\n  - id: p\n    title: P\n    steps:\n      - id: edit\n        \
                         title: Edit\n        mode: observe\n        run:\n          command: echo '// fixed' >> a.go\n";

fn git(dir: &Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .args(["-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .status()
        .unwrap()
        .success();
    assert!(ok, "git {args:?}");
}

/// A repository with one committed file, and a session journaled beside it.
fn repo_and_app(dir: &Path) -> (std::path::PathBuf, App) {
    let repo = dir.join("svc");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q"]);
    std::fs::write(repo.join("a.go"), "package a\n").unwrap();
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "one"]);
    let journal = dir.join("session.jsonl");
    let app = tui_support::journaled_app(EDIT_STEP, "t.yaml", &repo, &journal);
    (journal, app)
}

fn repo_states(journal: &Path) -> Vec<journal::RepoState> {
    let loaded = journal::read(journal).unwrap();
    loaded
        .records
        .iter()
        .filter_map(|r| match r.meta() {
            Some(Meta::RepoState(state)) => Some((**state).clone()),
            _ => None,
        })
        .collect()
}

fn capture_jobs(jobs: &[Job]) -> Vec<&runbook::locate::repo_state::RepoCapture> {
    jobs.iter()
        .filter_map(|j| match j {
            Job::View(ViewJob::CaptureRepo(request)) => Some(request),
            _ => None,
        })
        .collect()
}

#[test]
fn opening_the_session_queues_the_start_capture_instead_of_taking_it() {
    let dir = tempfile::tempdir().unwrap();
    let (journal, mut app) = repo_and_app(dir.path());
    assert!(repo_states(&journal).is_empty(), "captured on the UI thread");
    assert!(app.repo_captures_pending());
    let queued = app.take_jobs();
    let captures = capture_jobs(&queued);
    assert_eq!(captures.len(), 1, "{queued:?}");
    assert_eq!(captures[0].step, None);
    assert_eq!(captures[0].base, None, "the start's capture sets the base");
    for job in queued {
        if let Job::View(job) = job {
            app.apply(jobs::perform(job));
        }
    }
    assert!(!app.repo_captures_pending());
    let states = repo_states(&journal);
    assert_eq!(states.len(), 1);
    assert_eq!((states[0].step.as_deref(), states[0].reason), (None, RepoStateReason::SessionStart));
    assert!(states[0].snapshot.files.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_states_are_journaled_in_order_before_the_journal_closes() {
    let dir = tempfile::tempdir().unwrap();
    let (journal, mut app) = repo_and_app(dir.path());
    let events: Vec<_> = [KeyCode::Enter, KeyCode::Enter, KeyCode::Char('q')]
        .iter()
        .map(|c| Ok(Event::Key(tui_support::key(*c))))
        .collect();
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let run = event_loop::run(&mut terminal, &mut app, futures::stream::iter(events), futures::stream::pending());
    tokio::time::timeout(std::time::Duration::from_secs(60), run).await.unwrap().unwrap();
    assert!(!app.repo_captures_pending(), "the quit waited for the captures");
    assert_eq!(app.close_journal(Exit::Quit), None);
    let states = repo_states(&journal);
    let seen: Vec<_> = states.iter().map(|s| (s.step.as_deref(), s.reason)).collect();
    assert_eq!(seen, [(None, RepoStateReason::SessionStart), (Some("edit"), RepoStateReason::Step)]);
    let after = &states[1].snapshot;
    assert_eq!(after.files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(), ["a.go"]);
    assert_eq!(after.base, states[0].snapshot.head, "the step's state is against the start's HEAD");
    assert!(after.diff.as_deref().unwrap_or_default().contains("+// fixed"), "{:?}", after.diff);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quit_right_away_waits_for_the_start_capture() {
    let dir = tempfile::tempdir().unwrap();
    let (journal, mut app) = repo_and_app(dir.path());
    let events = vec![Ok(Event::Key(tui_support::key(KeyCode::Char('q'))))];
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let run = event_loop::run(&mut terminal, &mut app, futures::stream::iter(events), futures::stream::pending());
    tokio::time::timeout(std::time::Duration::from_secs(60), run).await.unwrap().unwrap();
    assert_eq!(app.close_journal(Exit::Quit), None);
    let states = repo_states(&journal);
    assert_eq!(states.len(), 1, "the start's state is journaled");
}
