//! Checklists as an engineer uses them (issue 14): a tick on a finished checklist changes that box only, optional
//! items do not block the step, Enter says what is missing, and each tick is a journal event that replay, resume
//! and the report read back.

// Helpers outside #[test] functions unwrap too: a failure there is a failed test with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::tui_support;

use ratatui::backend::TestBackend;
use ratatui::Terminal;
use runbook::engine::{Context, Session, StepStatus};
use runbook::journal::{self, postmortem, replay};
use runbook::tui::action::Intent;
use runbook::tui::journaling::{self, JournalSpec};
use runbook::tui::mode::Exit;
use runbook::tui::{App, Theme};
use std::collections::BTreeMap;
use tui_support::{apply, screen};

fn bundled() -> App {
    let b = runbook::bundled::runbook("go-map-concurrency").unwrap();
    let runbook = runbook::engine::load(&b.file, b.yaml).unwrap();
    let context = Context { workdir: "/srv".into(), assets_dir: "/assets".into(), runbook_dir: "/srv".into() };
    App::new(Session::new(runbook, context, BTreeMap::new()).unwrap(), &b.file, Theme::plain())
}

fn index_of(app: &App, id: &str) -> usize {
    app.session().runbook().step_index(id).unwrap()
}

/// Selects the step `id` by moving down from the top, as the user does.
fn select(app: &mut App, id: &str) {
    let target = index_of(app, id);
    apply(app, &[Intent::Top]);
    while app.selected() < target {
        apply(app, &[Intent::Down]);
    }
    assert_eq!(app.selected(), target);
}

fn text(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    let width = buffer.area.width as usize;
    buffer.content.chunks(width).map(|row| row.iter().map(|c| c.symbol()).collect::<String>() + "\n").collect()
}

#[test]
fn unticking_one_item_of_a_finished_checklist_keeps_the_others() {
    let mut app = bundled();
    select(&mut app, "write_postmortem");
    let index = index_of(&app, "write_postmortem");
    apply(&mut app, &[Intent::Pick(0), Intent::Pick(1), Intent::Pick(2), Intent::Pick(3), Intent::Pick(4)]);
    assert_eq!(app.status(index), StepStatus::Passed);
    apply(&mut app, &[Intent::Pick(2)]);
    assert_eq!(app.session().checklist(index), Some(&[true, true, false, true, true][..]));
    assert_ne!(app.status(index), StepStatus::Passed, "an unchecked required item: the step is not done");
    let terminal = screen(&mut app, 120, 40);
    let shown = text(&terminal);
    assert_eq!(shown.matches("[x]").count(), 4, "{shown}");
    assert_eq!(shown.matches("[ ]").count(), 1, "{shown}");
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn an_optional_item_does_not_block_the_step() {
    let mut app = bundled();
    select(&mut app, "follow_ups");
    let index = index_of(&app, "follow_ups");
    apply(&mut app, &[Intent::Pick(0), Intent::Pick(1), Intent::Pick(2)]);
    assert_ne!(app.status(index), StepStatus::Passed);
    apply(&mut app, &[Intent::Pick(3)]);
    assert_eq!(app.status(index), StepStatus::Passed, "item 5 is optional");
    assert_eq!(app.session().checklist(index), Some(&[true, true, true, true, false][..]));
    let shown = text(&screen(&mut app, 120, 40));
    assert!(shown.contains("(optional)"), "{shown}");
}

#[test]
fn enter_on_an_incomplete_checklist_says_what_is_missing() {
    let mut app = bundled();
    select(&mut app, "write_postmortem");
    let index = index_of(&app, "write_postmortem");
    apply(&mut app, &[Intent::Pick(0), Intent::Pick(3), Intent::Run]);
    assert_eq!(app.flash(), Some("items 2, 3, 5 are still unchecked: tick them with 1-9 or Space"));
    assert_eq!(app.session().checklist(index), Some(&[true, false, false, true, false][..]), "Enter ticks nothing");
    let shown = text(&screen(&mut app, 80, 24));
    assert!(shown.contains("items 2, 3, 5 are still unchecked"), "{shown}");
}

const CHECKLIST: &str = "id: t\ntitle: T\nphases:\n  - id: p\n    title: P\n    steps:\n      - id: c\n        \
                         title: C\n        mode: observe\n        checklist:\n          - alpha\n          - beta\n\
                         \x20         - gamma\n";

#[test]
fn ticks_are_journaled_and_read_back_by_replay_and_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.jsonl");
    let runbook = runbook::engine::load("c.yaml", CHECKLIST.as_bytes()).unwrap();
    let d = dir.path().display().to_string();
    let context = Context { workdir: d.clone(), assets_dir: d.clone(), runbook_dir: d };
    let spec = JournalSpec {
        path: Some(path.display().to_string()),
        yaml: CHECKLIST.as_bytes().to_vec(),
        source: "c.yaml".into(),
        bundled: false,
        spill_cap: None,
    };
    let session = Session::new(runbook.clone(), context.clone(), BTreeMap::new()).unwrap();
    let (journal, _) = journaling::open(&spec, &session, &context, &BTreeMap::new()).unwrap();
    let mut app = App::new(session, "c.yaml", Theme::plain());
    app.set_journal(journal.unwrap());
    apply(&mut app, &[Intent::Pick(0), Intent::Pick(1), Intent::Pick(2), Intent::Pick(1)]);
    assert_eq!(app.close_journal(Exit::Quit), None);

    let loaded = journal::read(&path).unwrap();
    let ticks: Vec<(usize, bool)> = loaded
        .records
        .iter()
        .filter_map(|r| match r.event() {
            Some(runbook::engine::Event::ChecklistTick { item, checked, .. }) => Some((*item, *checked)),
            _ => None,
        })
        .collect();
    assert_eq!(ticks, vec![(0, true), (1, true), (2, true), (1, false)]);

    let mut restored = Session::new(runbook, context, BTreeMap::new()).unwrap();
    let replayed = replay::restore(&mut restored, &loaded.records);
    assert!(replayed.divergences.is_empty(), "{:?}", replayed.divergences);
    assert_eq!(restored.checklist(0), Some(&[true, false, true][..]));
    assert_ne!(restored.status(0), StepStatus::Passed);

    let pm = postmortem::build(&loaded, postmortem::Options::default());
    let md = journal::markdown::render(&pm);
    assert!(md.contains("- [x] alpha\n- [ ] beta\n- [x] gamma"), "{md}");
    assert!(md.contains("2 of 3 checked"), "{md}");
}
