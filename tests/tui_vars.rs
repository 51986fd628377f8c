#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Vars in the terminal UI: a runbook whose vars have no default opens with the vars list on the first one without
//! a value (instead of refusing to start, which left `runbook open` unusable for such runbooks); typed values reach
//! the commands, are journaled as `var_set` (a secret one masked, its value nowhere in the journal), `v` changes a
//! value later, and a replay of the journal restores them without running anything.

use crate::tui_support;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use runbook::engine::{Context, Input, Session};
use runbook::journal::{self, replay};
use runbook::tui::action::{Intent, Message};
use runbook::tui::journaling::{self, JournalSpec};
use runbook::tui::keymap::Scope;
use runbook::tui::screen::Overlay;
use runbook::tui::{event_loop, view, App, Theme};
use std::collections::BTreeMap;
use std::path::Path;
use tui_support::{apply, key_event as key};

const WITH_VARS: &str = "id: v\ntitle: V\nvars:\n  - {name: service, description: the service that crashed}\n  \
                         - {name: token, secret: true}\n  - {name: region, default: eu-west-1}\n\
                         phases:\n  - id: p\n    title: P\n    steps:\n      - id: s\n        title: S\n        \
                         mode: observe\n        run:\n          command: echo {{service}} {{token}} {{region}}\n";

fn context(dir: &Path) -> Context {
    let d = dir.display().to_string();
    Context { workdir: d.clone(), assets_dir: d.clone(), runbook_dir: d }
}

fn session(dir: &Path) -> Session {
    let runbook = runbook::engine::load("vars.yaml", WITH_VARS.as_bytes()).unwrap();
    Session::with_unset_vars(runbook, context(dir), BTreeMap::new()).unwrap()
}

fn typed(text: &str) -> Vec<Result<Event, std::io::Error>> {
    text.chars().map(|c| key(KeyCode::Char(c))).collect()
}

#[test]
fn headless_sessions_still_refuse_to_start_without_every_value() {
    let dir = tempfile::tempdir().unwrap();
    let runbook = runbook::engine::load("vars.yaml", WITH_VARS.as_bytes()).unwrap();
    let err = Session::new(runbook, context(dir.path()), BTreeMap::new()).err().unwrap();
    assert_eq!(err, "var `service` has no default: give it with --var service=VALUE");
}

#[test]
fn a_step_using_an_unset_var_says_which_and_how_to_set_it() {
    let dir = tempfile::tempdir().unwrap();
    let s = session(dir.path());
    assert_eq!(s.unset_vars(), ["service", "token"]);
    let err = s.preview_command(0).unwrap_err();
    assert!(err.contains("var `service` has no value yet"), "{err}");
}

#[test]
fn unset_vars_open_the_list_ready_to_type_and_v_reopens_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::new(session(dir.path()), "vars.yaml", Theme::plain());
    assert!(app.ask_unset_vars());
    assert_eq!(*app.overlay(), Overlay::Vars { cursor: 0, edit: Some(String::new()) });
    assert_eq!(app.scope(), Scope::VarEdit);
    // Keys typed into the value are text, not commands (`q` must not quit, `j` must not move).
    apply(&mut app, &[Intent::TextChar('q'), Intent::TextChar('j')]);
    assert_eq!(*app.overlay(), Overlay::Vars { cursor: 0, edit: Some("qj".into()) });
    app.apply(Intent::Back);
    assert_eq!(app.scope(), Scope::Vars, "Esc leaves the value unchanged and the list open");
    app.apply(Intent::Back);
    assert_eq!(*app.overlay(), Overlay::None);
    let keymapped = runbook::tui::keymap::action_for(Scope::Main, tui_support::ch('v'));
    assert_eq!(keymapped, Some(Intent::VarsStart));
    app.apply(Intent::VarsStart);
    assert_eq!(*app.overlay(), Overlay::Vars { cursor: 0, edit: None });
}

#[test]
fn the_vars_list_at_80x24() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    s.apply(Input::SetVar { name: "token".into(), value: "hunter2".into() });
    let mut app = App::new(s, "vars.yaml", Theme::plain());
    app.apply(Message::Resize { width: 80, height: 24 });
    app.apply(Intent::VarsStart);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| view::draw(&app, f)).unwrap();
    let screen = format!("{}", terminal.backend());
    assert!(!screen.contains("hunter2"), "a secret is never drawn:\n{screen}");
    insta::assert_snapshot!(terminal.backend());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_values_reach_the_command_and_the_journal_masks_the_secret() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vars.jsonl");
    let spec = JournalSpec {
        path: Some(path.display().to_string()),
        yaml: WITH_VARS.as_bytes().to_vec(),
        source: "vars.yaml".into(),
        bundled: false,
        spill_cap: None,
    };
    let s = session(dir.path());
    let (journal, _) = journaling::open(&spec, &s, &context(dir.path()), &BTreeMap::new()).unwrap();
    let mut app = App::new(s, "vars.yaml", Theme::plain());
    app.set_journal(journal.unwrap());
    assert!(app.ask_unset_vars());

    let mut events = typed("checkout");
    events.push(key(KeyCode::Enter)); // service; the list moves on to token
    events.extend(typed("hunter2"));
    events.push(key(KeyCode::Enter));
    events.push(key(KeyCode::Esc)); // close the list
    events.extend([key(KeyCode::Enter), key(KeyCode::Enter)]); // run, confirm
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let run = event_loop::run(&mut terminal, &mut app, futures::stream::iter(events), futures::stream::pending());
    tokio::time::timeout(std::time::Duration::from_secs(60), run).await.unwrap().unwrap();
    assert_eq!(app.close_journal(runbook::tui::mode::Exit::Quit), None);

    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("hunter2"), "the secret reached the journal:\n{text}");
    let loaded = journal::read(&path).unwrap();
    let set = replay::vars_set(&loaded.records);
    assert_eq!(set.get("service").map(String::as_str), Some("checkout"));
    assert_eq!(set.get("token").map(String::as_str), Some("****"));
    let command = loaded.records.iter().find_map(|r| match r.event() {
        Some(runbook::engine::Event::Command { command, .. }) => Some(command.clone()),
        _ => None,
    });
    assert_eq!(command.as_deref(), Some("echo checkout **** eu-west-1"));
    let output: Vec<String> = loaded
        .records
        .iter()
        .filter_map(|r| match r.event() {
            Some(runbook::engine::Event::Output { line, .. }) => Some(line.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(output, ["checkout **** eu-west-1"], "the command ran with the real value, shown masked");

    // Replayed through the engine, the journal gives the same vars back (the secret stays masked).
    let start = loaded.start().unwrap();
    let runbook = runbook::engine::load("vars.yaml", start.runbook.yaml.as_bytes()).unwrap();
    let mut again = Session::with_unset_vars(runbook, context(dir.path()), start.vars.clone()).unwrap();
    let restored = replay::restore(&mut again, &loaded.records);
    assert!(restored.divergences.is_empty(), "{:?}", restored.divergences);
    assert_eq!(again.var("service"), Some("checkout"));
    assert_eq!(again.var("token"), Some("****"));
}

#[test]
fn v_changes_a_value_and_later_commands_use_it() {
    let dir = tempfile::tempdir().unwrap();
    let runbook = runbook::engine::load("vars.yaml", WITH_VARS.as_bytes()).unwrap();
    let given = BTreeMap::from([("service".to_string(), "checkout".to_string()), ("token".into(), "tok-9f2c".into())]);
    let mut app = App::new(Session::new(runbook, context(dir.path()), given).unwrap(), "vars.yaml", Theme::plain());
    assert!(!app.ask_unset_vars(), "nothing to ask: every var has a value");
    for a in [Intent::VarsStart, Intent::Down, Intent::Down, Intent::Confirm] {
        app.apply(a);
    }
    assert_eq!(
        *app.overlay(),
        Overlay::Vars { cursor: 2, edit: Some("eu-west-1".into()) },
        "editing starts from the current value"
    );
    let mut actions = vec![Intent::TextClear];
    actions.extend("us-east-2".chars().map(Intent::TextChar));
    actions.push(Intent::Confirm);
    apply(&mut app, &actions);
    assert_eq!(*app.overlay(), Overlay::Vars { cursor: 2, edit: None }, "the list stays open on the var");
    app.apply(Intent::Back);
    app.apply(Intent::Run);
    let Overlay::Confirm(confirm) = app.overlay() else { panic!("no confirmation: {:?}", app.overlay()) };
    assert_eq!(confirm.spec.as_ref().unwrap().command, "echo checkout **** us-east-2");
}

const MARKS: &str =
    "id: m\ntitle: M\nvars:\n  - {name: mark_file, default: \"\"}\n  - {name: mark_line, default: \"0\"}\n\
                     phases:\n  - id: p\n    title: P\n    steps:\n      - id: s\n        title: S\n";

#[test]
fn m_in_the_source_view_marks_the_line_relative_to_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("handlers.go");
    std::fs::write(&file, "package main\n\nfunc a() {}\n\nfunc b() {}\n").unwrap();
    let runbook = runbook::engine::load("m.yaml", MARKS.as_bytes()).unwrap();
    let session = Session::new(runbook, context(dir.path()), BTreeMap::new()).unwrap();
    let mut app = App::new(session, "m.yaml", Theme::plain());
    app.apply(Message::Resize { width: 80, height: 24 });
    app.apply(Intent::OpenSource { file: file.clone(), line: 3 });
    let key = runbook::tui::keymap::action_for(Scope::Source, KeyEvent::new(KeyCode::Char('M'), KeyModifiers::SHIFT));
    assert_eq!(key, Some(Intent::MarkLine));
    app.apply(Intent::MarkLine);
    assert_eq!(app.session().var("mark_file"), Some("handlers.go"));
    assert_eq!(app.session().var("mark_line"), Some("3"));
    assert_eq!(app.flash(), Some("marked handlers.go:3"));
}

#[test]
fn m_says_so_when_the_runbook_asks_for_no_mark() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.go");
    std::fs::write(&file, "package x\n").unwrap();
    let mut app = App::new(session(dir.path()), "vars.yaml", Theme::plain());
    app.apply(Intent::OpenSource { file, line: 1 });
    app.apply(Intent::MarkLine);
    assert_eq!(app.flash(), Some("this runbook asks for no mark (it has no mark_file and mark_line vars)"));
}
