#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The TUI writes the incident journal: a session driven through the event loop in-process (a command run,
//! a note typed with `n`, a milestone set with `m`, then quit) leaves a journal with its session start (mode
//! `tui`), the command, its output, the step's end, the note, the hand-set milestone and `session_finished`.
//! Also the keys: `n` is a note unless a search is active (then the next match), `m` the milestone chooser,
//! Space plays a replay and toggles a checklist otherwise, and the note input and the chooser read keys their
//! own way.

use crate::tui_support;

use crossterm::event::{Event, KeyCode, KeyEvent};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use runbook::engine::{Context, Session};
use runbook::journal::{self, sessions, Entry, Meta};
use runbook::tui::action::{Intent, Message, Scrub};
use runbook::tui::journaling::{self, JournalSpec};
use runbook::tui::keymap::{action_for, action_when, Scope};
use runbook::tui::mode::Exit;
use runbook::tui::screen::Overlay;
use runbook::tui::{event_loop, App, Theme};
use std::collections::BTreeMap;
use std::path::Path;
use tui_support::{apply, ch, key};

const ONE_STEP: &str = "id: t\ntitle: T\nphases:\n  - id: p\n    title: P\n    steps:\n      - id: s\n        \
                        title: S\n        mode: observe\n        run:\n          command: echo hello-journal\n";

fn app_in(dir: &Path) -> App {
    let runbook = runbook::engine::load("test.yaml", ONE_STEP.as_bytes()).unwrap();
    let d = dir.display().to_string();
    let context = Context { workdir: d.clone(), assets_dir: d.clone(), runbook_dir: d };
    App::new(Session::new(runbook, context, BTreeMap::new()).unwrap(), "test.yaml", Theme::plain())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tui_session_writes_its_journal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal/tui.jsonl");
    let runbook = runbook::engine::load("test.yaml", ONE_STEP.as_bytes()).unwrap();
    let d = dir.path().display().to_string();
    let context = Context { workdir: d.clone(), assets_dir: d.clone(), runbook_dir: d };
    let spec = JournalSpec {
        path: Some(path.display().to_string()),
        yaml: ONE_STEP.as_bytes().to_vec(),
        source: "test.yaml".into(),
        bundled: false,
        spill_cap: None,
    };
    let session = Session::new(runbook, context.clone(), BTreeMap::new()).unwrap();
    let (journal, warning) = journaling::open(&spec, &session, &context, &BTreeMap::new()).unwrap();
    assert_eq!(warning, None);
    let mut app = app_in(dir.path());
    app.set_journal(journal.unwrap());

    let mut codes = vec![KeyCode::Enter, KeyCode::Enter, KeyCode::Char('n')];
    codes.extend("seen on staging too".chars().map(KeyCode::Char));
    codes.extend([KeyCode::Enter, KeyCode::Char('m'), KeyCode::Down, KeyCode::Enter]);
    let events: Vec<_> = codes.iter().map(|c| Ok(Event::Key(key(*c)))).collect();
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let run = event_loop::run(&mut terminal, &mut app, futures::stream::iter(events), futures::stream::pending());
    tokio::time::timeout(std::time::Duration::from_secs(60), run).await.unwrap().unwrap();
    assert_eq!(app.close_journal(Exit::Quit), None, "the journal was written without errors");

    let loaded = journal::read(&path).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let start = loaded.start().unwrap();
    assert_eq!(start.mode, runbook::journal::record::SessionMode::Tui);
    assert_eq!(start.runbook.yaml, ONE_STEP);
    let types: Vec<String> = loaded
        .records
        .iter()
        .map(|r| match &r.entry {
            Entry::Event(e) => serde_json::to_value(e).unwrap()["type"].as_str().unwrap().to_string(),
            Entry::Meta(m) => serde_json::to_value(m).unwrap()["type"].as_str().unwrap().to_string(),
            Entry::Unknown(v) => v["type"].to_string(),
        })
        .collect();
    for want in ["session_start", "step_started", "command", "output", "step_finished", "note", "milestone_checked"] {
        assert!(types.iter().any(|t| t == want), "no {want} in {types:?}");
    }
    assert_eq!(types.last().map(String::as_str), Some("session_finished"), "{types:?}");
    let command = loaded.records.iter().find_map(|r| match r.event() {
        Some(runbook::engine::Event::Command { command, .. }) => Some(command.clone()),
        _ => None,
    });
    assert_eq!(command.as_deref(), Some("echo hello-journal"));
    let metas: Vec<&Meta> = loaded.records.iter().filter_map(|r| r.meta()).collect();
    assert!(metas.contains(&&Meta::Note { step: Some("s".into()), text: "seen on staging too".into() }), "{metas:?}");
    assert!(
        metas.iter().any(|m| matches!(m, Meta::MilestoneChecked { step: Some(s), milestone, by, ok: true, .. }
            if s == "s" && milestone == "located" && *by == runbook::journal::MilestoneBy::Hand)),
        "{metas:?}"
    );
    assert!(metas.contains(&&Meta::SessionFinished { reason: "quit".into(), exit_code: Some(0) }), "{metas:?}");
    assert!(!path.with_extension("output").exists(), "a short output leaves no side file");
}

#[test]
fn without_an_explicit_path_the_journal_goes_to_the_sessions_directory_name() {
    // Only the name: creating it would touch the user's state directory.
    let path = sessions::default_path("tui-tour");
    // A session is a directory: `<start>-<runbook>/journal.jsonl`, side files beside the journal.
    assert!(path.display().to_string().ends_with("-tui-tour/journal.jsonl"), "{}", path.display());
    assert!(path.starts_with(sessions::sessions_dir()));
}

#[test]
fn an_explicit_journal_that_cannot_be_created_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let existing = dir.path().join("taken.jsonl");
    std::fs::write(&existing, "").unwrap();
    let runbook = runbook::engine::load("test.yaml", ONE_STEP.as_bytes()).unwrap();
    let context = Context { workdir: "/w".into(), assets_dir: "/a".into(), runbook_dir: "/w".into() };
    let spec = JournalSpec { path: Some(existing.display().to_string()), ..JournalSpec::default() };
    let session = Session::new(runbook, context.clone(), BTreeMap::new()).unwrap();
    let err = journaling::open(&spec, &session, &context, &BTreeMap::new()).err().unwrap();
    assert!(err.contains("cannot create the journal"), "{err}");
    // An existing journal is another session's record: the message says how to go on with it.
    assert!(err.contains(&format!("runbook resume {}", existing.display())), "{err}");
    assert!(err.contains(&format!("runbook report {}", existing.display())), "{err}");
    assert!(!err.contains("os error"), "{err}");
}

#[test]
fn n_is_a_note_unless_a_search_is_active_and_m_sets_a_milestone() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_in(dir.path());
    let now = |app: &App, k: KeyEvent| action_when(app.scope(), k, |w| app.holds(w));
    assert_eq!(now(&app, ch('n')), Some(Intent::NoteStart));
    assert_eq!(now(&app, ch('m')), Some(Intent::MilestoneStart));
    assert_eq!(action_for(Scope::Main, ch('n')), Some(Intent::SearchNext), "the table's first `n`");
    apply(&mut app, &[Intent::SearchStart, Intent::SearchChar('x'), Intent::SearchSubmit]);
    assert_eq!(now(&app, ch('n')), Some(Intent::SearchNext), "while searching, n is the next match");
    apply(&mut app, &[Intent::Back]);

    apply(&mut app, &[Intent::NoteStart]);
    assert_eq!(app.scope(), Scope::Note);
    assert_eq!(now(&app, ch('q')), Some(Intent::TextChar('q')), "q is text in a note");
    assert_eq!(now(&app, ch('n')), Some(Intent::TextChar('n')));
    assert_eq!(now(&app, key(KeyCode::Enter)), Some(Intent::Confirm));
    assert_eq!(now(&app, key(KeyCode::Esc)), Some(Intent::Back));
    apply(&mut app, &[Intent::TextChar('h'), Intent::TextChar('x'), Intent::TextBackspace, Intent::TextChar('i')]);
    assert_eq!(app.overlay(), &Overlay::Note { text: "hi".into() });
    apply(&mut app, &[Intent::TextPaste("there\nsecond line".into()), Intent::Back]);
    assert_eq!(app.overlay(), &Overlay::None);
    assert_eq!(app.flash(), Some("note discarded"));
    apply(&mut app, &[Intent::NoteStart, Intent::TextChar('o'), Intent::TextChar('k'), Intent::Confirm]);
    assert_eq!(app.flash(), Some("no journal: the note is not saved"));
    let run = app.run_of(0).unwrap();
    assert_eq!(run.lines.back().map(|l| l.text.as_str()), Some("note: ok"), "the note shows in the step's output");

    apply(&mut app, &[Intent::MilestoneStart]);
    assert_eq!(app.scope(), Scope::Milestone);
    assert_eq!(now(&app, ch('3')), Some(Intent::Pick(2)));
    assert_eq!(now(&app, key(KeyCode::Down)), Some(Intent::Down));
    apply(&mut app, &[Intent::Down, Intent::Down, Intent::Down, Intent::Down, Intent::Up]);
    assert_eq!(app.overlay(), &Overlay::Milestone { cursor: 2 });
    apply(&mut app, &[Intent::Back]);
    assert_eq!(app.overlay(), &Overlay::None, "Esc sets nothing");
    apply(&mut app, &[Intent::MilestoneStart, Intent::Pick(3)]);
    assert_eq!(app.overlay(), &Overlay::None);
    assert!(app.flash().unwrap().starts_with("milestone verified set by hand"), "{:?}", app.flash());
}

#[test]
fn replay_keys_map_to_the_scrubber() {
    let cases = [
        (ch('.'), Scrub::Next),
        (key(KeyCode::Right), Scrub::Next),
        (ch(','), Scrub::Prev),
        (key(KeyCode::Left), Scrub::Prev),
        (ch(']'), Scrub::NextMilestone),
        (ch('['), Scrub::PrevMilestone),
        (ch('+'), Scrub::Faster),
        (ch('='), Scrub::Faster),
        (ch('-'), Scrub::Slower),
    ];
    for (k, want) in cases {
        assert_eq!(action_for(Scope::Main, k), Some(Intent::Replay(want)), "{k:?}");
    }
    // Space: play in a replay, toggle otherwise.
    let replay = |w| w == runbook::tui::keymap::When::Replay;
    assert_eq!(action_when(Scope::Main, ch(' '), replay), Some(Intent::Replay(Scrub::Play)));
    assert_eq!(action_when(Scope::Main, ch(' '), |_| false), Some(Intent::Toggle));
    assert_eq!(action_for(Scope::Main, ch(' ')), Some(Intent::Toggle));
    let mut live = app_in(tempfile::tempdir().unwrap().path());
    apply(&mut live, &[Intent::Replay(Scrub::Next)]);
    assert!(live.flash().unwrap().contains("only in a replay"), "{:?}", live.flash());
}

fn journaled(dir: &Path, path: &Path) -> App {
    let spec = JournalSpec {
        path: Some(path.display().to_string()),
        yaml: ONE_STEP.as_bytes().to_vec(),
        source: "test.yaml".into(),
        bundled: false,
        spill_cap: None,
    };
    let mut app = app_in(dir);
    let context = app.session().context().clone();
    let (journal, _) = journaling::open(&spec, app.session(), &context, &BTreeMap::new()).unwrap();
    app.set_journal(journal.unwrap());
    app
}

fn finished_records(path: &Path) -> Vec<Meta> {
    let loaded = journal::read(path).unwrap();
    loaded
        .records
        .iter()
        .filter_map(|r| r.meta().cloned())
        .filter(|m| matches!(m, Meta::SessionFinished { .. }))
        .collect()
}

#[test]
fn a_signal_leaves_the_session_open_for_resume_and_a_quit_closes_it() {
    let dir = tempfile::tempdir().unwrap();
    let signalled = dir.path().join("signalled.jsonl");
    let mut app = journaled(dir.path(), &signalled);
    app.apply(Message::Terminate);
    // A key that arrives after the signal does not turn it into a normal quit.
    app.apply(Intent::Quit);
    assert_eq!(app.exit(), Some(Exit::Signal));
    assert_eq!(app.exit().map(Exit::code), Some(130));
    assert_eq!(app.close_journal(Exit::Signal), None);
    assert!(finished_records(&signalled).is_empty(), "no session_finished: `runbook resume` picks it up");

    let quit = dir.path().join("quit.jsonl");
    let mut app = journaled(dir.path(), &quit);
    app.apply(Intent::Quit);
    assert_eq!(app.exit(), Some(Exit::Quit));
    assert_eq!(app.close_journal(Exit::Quit), None);
    let finished = finished_records(&quit);
    assert!(
        matches!(&finished[..], [Meta::SessionFinished { reason, exit_code: Some(0) }] if reason == "quit"),
        "{finished:?}"
    );
}

#[test]
fn a_drill_keeps_the_journal_it_was_given() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("drill.jsonl");
    let mut app = journaled(dir.path(), &path);
    app.set_drill("go-map");
    assert_eq!(app.journal_path(), Some(path.as_path()), "the journal survives becoming a drill");
    assert!(app.take_journal().is_some());
    assert!(app.take_journal().is_none(), "taken once");
}
