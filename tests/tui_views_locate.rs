//! The locate views (issue 5, "The source view in the TUI"): grep matches grouped by file with a count per file,
//! a blame result, and the source view itself on a git repository built here with fixed authors and dates
//! (line numbers, the target marked, the blame gutter), `b` showing a commit in full, `e` and `y` asking the
//! loop for the editor and the clipboard, and the keys of the new scopes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_views_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use git2::{Repository, Signature, Time};
use runbook::engine::Value;
use runbook::locate::GrepMatch;
use runbook::probes::output::ProbeOutput;
use runbook::tui::app::Job;
use runbook::tui::keymap::{action_for, Scope};
use runbook::tui::views::{BlameState, View};
use runbook::tui::{Action, App, Theme};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tui_views_support::{app_from, apply, runbook, screen, settle};

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
    apply(&mut app, &[Action::Resize { width: 100, height: 24 }]);
    apply(&mut app, &[Action::OpenSource { file: file.to_path_buf(), line }]);
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
    apply(&mut app, &[Action::ShowCommit]);
    settle(&mut app);
    assert!(matches!(app.view(), Some(View::Commit(c)) if c.details.as_ref().is_some_and(|d| d.is_ok())));
    insta::assert_snapshot!(text(&mut app, 100, 24, dir.path()));
    apply(&mut app, &[Action::Back]);
    assert!(matches!(app.view(), Some(View::Source(_))), "Esc goes back to the source");
}

#[test]
fn e_asks_for_the_editor_and_y_for_the_clipboard_at_the_cursor_line() {
    let (_dir, file) = repo();
    let mut app = source_app(&file, 5);
    apply(&mut app, &[Action::Down, Action::Down, Action::OpenEditor, Action::CopyLocation]);
    let handed = settle(&mut app);
    let location = format!("{}:7", file.display());
    assert_eq!(handed, vec![Job::Editor { path: file.clone(), line: 7 }, Job::Copy { text: location }]);
    apply(&mut app, &[Action::EditorClosed { path: file.clone(), result: Ok(()) }]);
    assert!(app.take_jobs().contains(&Job::Blame { path: file }), "the file is blamed afresh after an edit");
}

#[test]
fn grep_view_groups_matches_by_file_with_counts() {
    let mut app = app_from(
        &runbook("      - id: sites\n        title: Find map sites\n        grep:\n          pattern: 'map\\['\n"),
        "/srv",
        Theme::plain(),
    );
    apply(&mut app, &[Action::Resize { width: 100, height: 30 }, Action::Run]);
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
            Action::ProbeResult { step: "sites".into(), output: Arc::new(ProbeOutput::Grep(matches)) },
            Action::ProbeDone(done),
        ],
    );
    insta::assert_snapshot!(screen(&mut app, 100, 30).backend());
    apply(&mut app, &[Action::Down, Action::Down, Action::Open]);
    assert_eq!(app.take_jobs().first(), Some(&Job::LoadSource { path: "pkg/cache/cache.go".into() }));
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
    apply(&mut app, &[Action::Resize { width: 100, height: 30 }, Action::Run]);
    settle(&mut app);
    insta::assert_snapshot!(text(&mut app, 100, 30, dir.path()));
    apply(&mut app, &[Action::Down, Action::Open]);
    assert!(matches!(app.view(), Some(View::Source(v)) if v.target == 12 && v.path == file));
}

#[test]
fn keys_of_the_new_scopes_map_to_actions() {
    let key = |c: KeyCode| KeyEvent::new(c, KeyModifiers::NONE);
    let ch = |c: char| key(KeyCode::Char(c));
    let cases = [
        (Scope::Results, key(KeyCode::Enter), Action::Open),
        (Scope::Results, ch('j'), Action::Down),
        (Scope::Results, ch('k'), Action::Up),
        (Scope::Results, ch('r'), Action::Run),
        (Scope::Results, key(KeyCode::Esc), Action::Back),
        (Scope::Results, ch('q'), Action::Quit),
        (Scope::Source, ch('j'), Action::Down),
        (Scope::Source, key(KeyCode::Up), Action::Up),
        (Scope::Source, key(KeyCode::PageDown), Action::PageDown),
        (Scope::Source, key(KeyCode::PageUp), Action::PageUp),
        (Scope::Source, ch('g'), Action::Top),
        (Scope::Source, KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT), Action::Bottom),
        (Scope::Source, ch('b'), Action::ShowCommit),
        (Scope::Source, ch('e'), Action::OpenEditor),
        (Scope::Source, ch('y'), Action::CopyLocation),
        (Scope::Source, key(KeyCode::Esc), Action::Back),
        (Scope::Source, ch('q'), Action::Back),
        (Scope::Source, ch('?'), Action::ToggleHelp),
        (Scope::Detail, ch('j'), Action::Down),
        (Scope::Detail, key(KeyCode::Esc), Action::Back),
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
    apply(&mut app, &[Action::Resize { width: 100, height: 12 }, Action::OpenSource { file, line: 1 }]);
    settle(&mut app);
    apply(&mut app, &[Action::Wheel { column: 5, row: 5, down: true }]);
    let Some(View::Source(v)) = app.view() else { panic!("a source view") };
    assert_eq!((v.top, v.cursor), (3, 4));
}

#[test]
fn ctrl_c_in_a_view_quits_and_question_mark_shows_the_help() {
    let (_dir, file) = repo();
    let mut app = source_app(&file, 5);
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(action_for(Scope::Source, ctrl_c), Some(Action::Quit));
    apply(&mut app, &[Action::ToggleHelp]);
    assert!(matches!(app.overlay(), runbook::tui::app::Overlay::Help { .. }));
    apply(&mut app, &[Action::ToggleHelp, Action::Quit]);
    assert!(app.should_quit());
}

#[test]
fn source_and_commit_views_draw_at_any_size_without_panicking() {
    let (_dir, file) = repo();
    let mut app = source_app(&file, 5);
    let sizes = [(40, 12), (41, 13), (59, 15), (80, 24), (200, 60), (20, 5), (1, 1)];
    for (w, h) in sizes {
        screen(&mut app, w, h);
        apply(&mut app, &[Action::Bottom, Action::PageUp, Action::Wheel { column: 0, row: 0, down: true }]);
    }
    apply(&mut app, &[Action::ShowCommit]);
    settle(&mut app);
    for (w, h) in sizes {
        screen(&mut app, w, h);
    }
}
