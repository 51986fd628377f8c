//! The locate views (issue 5, "The source view in the TUI"): grep matches grouped by file with a count per file,
//! a blame result, and the source view itself on a git repository built here with fixed authors and dates
//! (line numbers, the target marked, the blame gutter), `b` showing a commit in full, `e` and `y` asking the
//! loop for the editor and the clipboard, and the keys of the new scopes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::tui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use git2::{Repository, Signature, Time};
use runbook::engine::Value;
use runbook::locate::GrepMatch;
use runbook::probes::output::ProbeOutput;
use runbook::tui::action::{Intent, Message};
use runbook::tui::jobs::{HostJob, Job, ViewJob};
use runbook::tui::keymap::{action_for, Scope};
use runbook::tui::views::{BlameState, View};
use runbook::tui::{App, Theme};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tui_support::{app_from, apply, runbook, screen, settle};

const V1: &str = "package cache\n\nimport \"sync\"\n\n// Cache keeps prices by SKU.\ntype Cache struct {\n\tmu sync.Mutex\n\tm  map[string]int\n}\n\nfunc (c *Cache) Get(k string) int {\n\treturn c.m[k]\n}\n\nfunc (c *Cache) Put(k string, v int) {\n\tc.m[k] = v\n}\n";

const V2: &str = "package cache\n\nimport \"sync\"\n\n// Cache keeps prices by SKU.\ntype Cache struct {\n\tmu sync.Mutex\n\tm  map[string]int\n}\n\nfunc (c *Cache) Get(k string) int {\n\tc.mu.Lock()\n\tdefer c.mu.Unlock()\n\treturn c.m[k]\n}\n\nfunc (c *Cache) Put(k string, v int) {\n\tc.m[k] = v // TODO: lock\n}\n\nconst raw = `multi\nline`\n";

/// A repository with two commits by two people at fixed times, so the gutter is the same on every run.
fn repo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repository::init(dir.path()).unwrap();
    let file = dir.path().join("cache.go");
    let commit = |content: &str, who: &str, email: &str, at: i64, message: &str| {
        std::fs::write(&file, content).unwrap();
        let mut index = repo.index().unwrap();
        index.add_path(Path::new("cache.go")).unwrap();
        index.write().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = Signature::new(who, email, &Time::new(at, 60)).unwrap();
        let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents).unwrap();
    };
    commit(V1, "Ada Lovelace", "ada@example.com", 1_700_000_000, "Add the price cache\n\nA map is enough for now.\n");
    commit(V2, "Grace Hopper", "grace@example.com", 1_710_000_000, "Lock reads of the cache\n");
    (dir, file)
}

fn text(app: &mut App, width: u16, height: u16, tmp: &Path) -> String {
    let screen = screen(app, width, height).backend().to_string();
    screen.replace(&tmp.display().to_string(), "<tmp>")
}

fn source_app(file: &Path, line: usize) -> App {
    let mut app = app_from(&runbook("      - id: r\n        title: R\n"), "/srv", Theme::plain());
    apply(&mut app, &[Message::Resize { width: 100, height: 24 }]);
    apply(&mut app, &[Intent::OpenSource { file: file.to_path_buf(), line }]);
    settle(&mut app);
    app
}

#[test]
fn source_view_with_blame_gutter() {
    let (dir, file) = repo();
    let mut app = source_app(&file, 18);
    assert!(matches!(app.blame_of(&file), Some(BlameState::Ready(lines)) if lines.len() == 22));
    let Some(View::Source(view)) = app.view() else { panic!("a source view") };
    assert_eq!((view.target, view.cursor, view.len()), (18, 18, 22));
    insta::assert_snapshot!(text(&mut app, 100, 24, dir.path()));
}

#[test]
fn b_shows_the_commit_of_the_cursor_line_in_full() {
    let (dir, file) = repo();
    let mut app = source_app(&file, 5);
    apply(&mut app, &[Intent::ShowCommit]);
    settle(&mut app);
    assert!(matches!(app.view(), Some(View::Commit(c)) if c.details.as_ref().is_some_and(|d| d.is_ok())));
    insta::assert_snapshot!(text(&mut app, 100, 24, dir.path()));
    apply(&mut app, &[Intent::Back]);
    assert!(matches!(app.view(), Some(View::Source(_))), "Esc goes back to the source");
}

#[test]
fn e_asks_for_the_editor_and_y_for_the_clipboard_at_the_cursor_line() {
    let (_dir, file) = repo();
    let mut app = source_app(&file, 5);
    apply(&mut app, &[Intent::Down, Intent::Down, Intent::OpenEditor, Intent::CopyLocation]);
    let handed = settle(&mut app);
    let location = format!("{}:7", file.display());
    assert_eq!(
        handed,
        vec![HostJob::Editor { path: file.clone(), line: 7 }, HostJob::Copy { text: location.clone(), what: location }]
    );
    apply(&mut app, &[Message::EditorClosed { path: file.clone(), result: Ok(()) }]);
    assert!(
        app.take_jobs().contains(&Job::View(ViewJob::Blame { path: file, rev: None, moves: false })),
        "the file is blamed afresh after an edit"
    );
}

#[test]
fn grep_view_groups_matches_by_file_with_counts() {
    let mut app = app_from(
        &runbook("      - id: sites\n        title: Find map sites\n        grep:\n          pattern: 'map\\['\n"),
        "/srv",
        Theme::plain(),
    );
    app.apply(Message::Resize { width: 100, height: 30 });
    app.apply(Intent::Run);
    assert!(matches!(&app.take_jobs()[..], [Job::Probe { .. }]));
    let m = |path: &str, line: u64, text: &str| GrepMatch {
        path: path.into(),
        line,
        column: text.find("map[").map_or(1, |c| c as u64 + 1),
        bytes: text.as_bytes().to_vec(),
    };
    let matches = vec![
        m("pkg/cache/cache.go", 8, "\tm  map[string]int"),
        m("pkg/cache/cache.go", 31, "\tc.m = make(map[string]int)"),
        m("cmd/server/main.go", 12, "var sessions = map[string]*Session{}"),
        m("pkg/cache/cache.go", 44, "func copyOf(src map[string]int) map[string]int {"),
    ];
    let done = runbook::engine::Input::ProbeDone {
        step: "sites".into(),
        result: Value::from_serialize(&matches),
        passed: true,
        reason: None,
    };
    apply(
        &mut app,
        &[
            Message::ProbeResult { step: "sites".into(), output: Arc::new(ProbeOutput::Grep(matches)) },
            Message::ProbeDone(done),
        ],
    );
    insta::assert_snapshot!(screen(&mut app, 100, 30).backend());
    apply(&mut app, &[Intent::Down, Intent::Down, Intent::Open]);
    assert_eq!(
        app.take_jobs().first(),
        Some(&Job::View(ViewJob::LoadSource { path: "pkg/cache/cache.go".into(), past: None }))
    );
    assert!(matches!(app.view(), Some(View::Source(v)) if v.target == 44), "the third match, in file order");
}

#[test]
fn blame_result_view_lists_commit_author_date_and_summary() {
    let (dir, file) = repo();
    let steps = format!(
        "      - id: who\n        title: Who\n        blame:\n          file: {:?}\n          lines: \"11,16\"\n",
        file.display().to_string()
    );
    let mut app = app_from(&runbook(&steps), "/srv", Theme::plain());
    app.apply(Message::Resize { width: 100, height: 30 });
    app.apply(Intent::Run);
    settle(&mut app);
    insta::assert_snapshot!(text(&mut app, 100, 30, dir.path()));
    apply(&mut app, &[Intent::Down, Intent::Open]);
    assert!(matches!(app.view(), Some(View::Source(v)) if v.target == 12 && v.path == file));
}

#[test]
fn keys_of_the_new_scopes_map_to_actions() {
    use tui_support::{ch, key};
    let cases = [
        (Scope::Results, key(KeyCode::Enter), Intent::Open),
        (Scope::Results, ch('j'), Intent::Down),
        (Scope::Results, ch('k'), Intent::Up),
        (Scope::Results, ch('r'), Intent::Run),
        (Scope::Results, key(KeyCode::Esc), Intent::Back),
        (Scope::Results, ch('q'), Intent::Quit),
        (Scope::Source, ch('j'), Intent::Down),
        (Scope::Source, key(KeyCode::Up), Intent::Up),
        (Scope::Source, key(KeyCode::PageDown), Intent::PageDown),
        (Scope::Source, key(KeyCode::PageUp), Intent::PageUp),
        (Scope::Source, ch('g'), Intent::Top),
        (Scope::Source, KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT), Intent::Bottom),
        (Scope::Source, ch('b'), Intent::ShowCommit),
        (Scope::Source, ch('e'), Intent::OpenEditor),
        (Scope::Source, ch('y'), Intent::CopyLocation),
        (Scope::Source, key(KeyCode::Esc), Intent::Back),
        (Scope::Source, ch('q'), Intent::Back),
        (Scope::Source, ch('?'), Intent::ToggleHelp),
        (Scope::Detail, ch('j'), Intent::Down),
        (Scope::Detail, key(KeyCode::Esc), Intent::Back),
    ];
    for (scope, k, want) in cases {
        assert_eq!(action_for(scope, k), Some(want.clone()), "{scope:?} {k:?}");
    }
    assert_eq!(action_for(Scope::Source, ch('c')), None, "no cancel from inside the source view");
}

#[test]
fn the_wheel_scrolls_the_source_view_and_drags_the_cursor_along() {
    let (_dir, file) = repo();
    let mut app = app_from(&runbook("      - id: r\n        title: R\n"), "/srv", Theme::plain());
    app.apply(Message::Resize { width: 100, height: 12 });
    app.apply(Intent::OpenSource { file, line: 1 });
    settle(&mut app);
    apply(&mut app, &[Intent::Wheel { column: 5, row: 5, down: true }]);
    let Some(View::Source(v)) = app.view() else { panic!("a source view") };
    assert_eq!((v.top, v.cursor), (3, 4));
}

#[test]
fn ctrl_c_in_a_view_quits_and_question_mark_shows_the_help() {
    let (_dir, file) = repo();
    let mut app = source_app(&file, 5);
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(action_for(Scope::Source, ctrl_c), Some(Intent::Quit));
    apply(&mut app, &[Intent::ToggleHelp]);
    assert!(matches!(app.overlay(), runbook::tui::screen::Overlay::Help { .. }));
    apply(&mut app, &[Intent::ToggleHelp, Intent::Quit]);
    assert!(app.should_quit());
}

#[test]
fn source_and_commit_views_draw_at_any_size_without_panicking() {
    let (_dir, file) = repo();
    let mut app = source_app(&file, 5);
    let sizes = [(40, 12), (41, 13), (59, 15), (80, 24), (200, 60), (20, 5), (1, 1)];
    for (w, h) in sizes {
        screen(&mut app, w, h);
        apply(&mut app, &[Intent::Bottom, Intent::PageUp, Intent::Wheel { column: 0, row: 0, down: true }]);
    }
    apply(&mut app, &[Intent::ShowCommit]);
    settle(&mut app);
    for (w, h) in sizes {
        screen(&mut app, w, h);
    }
}
