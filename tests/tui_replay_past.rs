#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Replay shows the past (issue 14, "Replay shows the past"): a live session opens a committed file in the source
//! view, the engineer edits it (the fix, not yet committed) and opens it again; later the file changes again and
//! finally the repository is deleted, as a drill's scenario directory is. Replayed, the source view shows the file
//! as it was at each moment (never today's), says where that came from, blames at the recorded commit, and has no
//! editing keys.

use crate::tui_support;

use runbook::journal::{self, Meta};
use runbook::tui::action::{Intent, Message, Scrub};
use runbook::tui::jobs::HostJob;
use runbook::tui::views::{BlameState, View};
use runbook::tui::{replay, App, Theme};
use std::path::{Path, PathBuf};
use tui_support::{apply, screen, settle};

const YAML: &str = "id: t\ntitle: T\nphases:\n  - id: p\n    title: P\n    steps:\n      - id: s\n        \
                    title: S\n        mode: observe\n        run:\n          command: echo hi\n";
const V1: &str = "package cache\n\nvar hits = map[string]int{} // the race\n";
const V2: &str = "package cache\n\nimport \"sync\"\n\nvar mu sync.Mutex // the fix, uncommitted\n";
const TODAY: &str = "package cache\n\n// rewritten long after the incident\n";

fn commit_v1(dir: &Path) -> PathBuf {
    let repo = git2::Repository::init(dir).unwrap();
    let file = dir.join("cache.go");
    std::fs::write(&file, V1).unwrap();
    let mut index = repo.index().unwrap();
    index.add_path(Path::new("cache.go")).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let who = git2::Signature::new("Ada", "ada@example.com", &git2::Time::new(1_700_000_000, 0)).unwrap();
    repo.commit(Some("HEAD"), &who, &who, "cache: count hits", &tree, &[]).unwrap();
    std::fs::canonicalize(file).unwrap()
}

/// Records the live session: the file opened at V1 (committed), then at V2 (edited). Returns the journal's path.
fn record(home: &Path, file: &Path) -> PathBuf {
    let path = home.join("session.jsonl");
    let mut app = tui_support::journaled_app(YAML, "t.yaml", home, &path);
    apply(&mut app, &[Message::Resize { width: 100, height: 24 }]);
    apply(&mut app, &[Intent::OpenSource { file: file.to_path_buf(), line: 3 }]);
    settle(&mut app);
    apply(&mut app, &[Intent::Back]);
    std::fs::write(file, V2).unwrap();
    apply(&mut app, &[Intent::OpenSource { file: file.to_path_buf(), line: 5 }]);
    settle(&mut app);
    path
}

/// The source view's lines and its note, after opening `file` in the replay at its current position.
fn shown(app: &mut App, file: &Path) -> (Vec<String>, String) {
    apply(app, &[Intent::OpenSource { file: file.to_path_buf(), line: 1 }]);
    settle(app);
    let Some(View::Source(view)) = app.view() else { panic!("no source view: {:?}", app.flash()) };
    let lines = view.file.as_ref().map(|f| f.lines(0, f.len()).map(str::to_string).collect()).unwrap_or_default();
    (lines, view.past.clone().unwrap_or_default())
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_string).collect()
}

/// Moves the replay to just after the `n`-th `repo_state` that recorded a shown file.
fn after_shown_state(app: &mut App, journal: &Path, n: usize) {
    let records = journal::read(journal).unwrap().records;
    let index = records
        .iter()
        .enumerate()
        .filter(|(_, r)| matches!(r.meta(), Some(Meta::RepoState(s)) if !s.snapshot.shown.is_empty()))
        .nth(n)
        .map(|(i, _)| i)
        .unwrap();
    apply(app, &[Intent::Replay(Scrub::NextMilestone)]);
    while app.replay().unwrap().position() > index + 1 {
        apply(app, &[Intent::Replay(Scrub::Prev)]);
    }
    while app.replay().unwrap().position() <= index {
        apply(app, &[Intent::Replay(Scrub::Next)]);
    }
}

#[test]
fn a_replay_shows_each_file_as_it_was_then_even_after_the_repository_is_gone() {
    let home = tempfile::tempdir().unwrap();
    let tree = home.path().join("svc");
    std::fs::create_dir_all(&tree).unwrap();
    let file = commit_v1(&tree);
    let journal = record(home.path(), &file);
    std::fs::write(&file, TODAY).unwrap();

    let mut app = replay::open(&journal, Theme::plain()).unwrap();
    after_shown_state(&mut app, &journal, 1);
    let (text, note) = shown(&mut app, &file);
    assert_eq!(text, lines(V2), "the edited file as the engineer saw it, not today's");
    assert!(note.contains("uncommitted changes"), "{note}");
    assert!(matches!(app.blame_of(&file), Some(BlameState::Failed(_))), "no blame for uncommitted lines");
    let screen_text = screen(&mut app, 100, 24).backend().to_string();
    assert!(screen_text.contains("as it was then"), "{screen_text}");
    assert!(!screen_text.contains("e edit") && !screen_text.contains("M mark"), "{screen_text}");
    apply(&mut app, &[Intent::OpenEditor, Intent::MarkLine]);
    let handed = settle(&mut app);
    assert!(!handed.iter().any(|j| matches!(j, HostJob::Editor { .. })), "the editor opened in a replay");
    assert!(app.flash().is_some_and(|f| f.contains("read-only")), "{:?}", app.flash());
    apply(&mut app, &[Intent::Back]);

    // At the first view the file was HEAD's: shown from the journal, blamed at that commit.
    after_shown_state(&mut app, &journal, 0);
    let (text, note) = shown(&mut app, &file);
    assert_eq!(text, lines(V1));
    assert!(note.starts_with("as it was then, at "), "{note}");
    match app.blame_of(&file) {
        Some(BlameState::Ready(blamed)) => assert!(blamed.iter().all(|l| l.author == "Ada"), "{blamed:?}"),
        other => panic!("blame at the recorded commit: {other:?}"),
    }
    apply(&mut app, &[Intent::Back]);

    // The repository is gone (a drill's scenario directory after the drill): the journal still has both.
    std::fs::remove_dir_all(&tree).unwrap();
    let mut app = replay::open(&journal, Theme::plain()).unwrap();
    after_shown_state(&mut app, &journal, 0);
    assert_eq!(shown(&mut app, &file).0, lines(V1));
    apply(&mut app, &[Intent::Back]);
    after_shown_state(&mut app, &journal, 1);
    assert_eq!(shown(&mut app, &file).0, lines(V2));
}
