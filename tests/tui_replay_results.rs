#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A replay shows the same typed results as the live session: a session with a parse step (a real Go crash log),
//! a grep step and a blame step is recorded headless; replayed to its end, each step has the result list it had
//! live (the live one is recomputed in the test with the same probe and compared field for field), and nothing
//! runs or is written.

use crate::common;
use crate::tui_support;

use runbook::engine::Input;
use runbook::probes::output::{execute_typed, from_recorded};
use runbook::tui::action::{Intent, Scrub};
use runbook::tui::replay;
use runbook::tui::Theme;
use std::path::Path;
use tui_support::apply;

/// A git repository with one committed Go file, made with git2 (no git binary needed).
fn repo(dir: &Path) -> std::path::PathBuf {
    let repo = git2::Repository::init(dir).unwrap();
    let file = dir.join("cache.go");
    std::fs::write(&file, "package cache\n\nvar hits = map[string]int{}\n").unwrap();
    let mut index = repo.index().unwrap();
    index.add_path(Path::new("cache.go")).unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let who = git2::Signature::new("Dev", "dev@example.com", &git2::Time::new(1_700_000_000, 60)).unwrap();
    repo.commit(Some("HEAD"), &who, &who, "cache: count hits", &tree, &[]).unwrap();
    file
}

#[test]
fn a_replay_shows_the_recorded_triage_matches_and_blame() {
    let home = tempfile::tempdir().unwrap();
    let tree = home.path().join("src");
    std::fs::create_dir_all(&tree).unwrap();
    let file = repo(&tree);
    let log = common::fixture("go/logs/map_read_write.go1.27.log");
    let journal = home.path().join("session.jsonl");
    let out = common::runbook(home.path())
        .current_dir(home.path())
        .args(["run", "--headless", "--yes", "--journal"])
        .arg(&journal)
        .args(["--var", &format!("log={}", log.display())])
        .args(["--var", &format!("tree={}", tree.display())])
        .args(["--var", &format!("file={}", file.display())])
        .arg(common::fixture("runbooks/replay-results.yaml"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let recorded = std::fs::read(&journal).unwrap();

    let mut app = replay::open(&journal, Theme::plain()).unwrap();
    for _ in 0..4 {
        apply(&mut app, &[Intent::Replay(Scrub::NextMilestone)]);
    }
    assert_eq!(app.replay().unwrap().position(), app.replay().unwrap().len(), "at the end");
    assert_eq!(std::fs::read(&journal).unwrap(), recorded, "the replay changed the journal");

    for step in ["triage", "sites", "who"] {
        let index = app.session().runbook().step_index(step).unwrap();
        let shown = app.result_of(index).unwrap_or_else(|| panic!("step {step}: no result in the replay"));
        // What the live session showed: the same probe, run now on the same inputs.
        let request = app.session().preview_probe(index).unwrap().unwrap();
        let (input, live) = execute_typed(step, &request);
        let live = live.unwrap();
        assert_eq!(*shown.output, live, "step {step}: the replay's result differs from the live one");
        assert!(shown.has_targets(), "step {step}: nothing to open");
        // And the conversion itself, from the value as the engine recorded it.
        let Input::ProbeDone { result, .. } = input else { panic!("{input:?}") };
        let through_json: runbook::engine::Value =
            serde_json::from_str(&serde_json::to_string(&result).unwrap()).unwrap();
        assert_eq!(from_recorded(&request, &through_json), Some(live));
    }
}
