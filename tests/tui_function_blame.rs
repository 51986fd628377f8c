//! "Blame this function" (issue 16): `F` in the source view blames the function around the cursor over the range
//! git's `-L :funcname` gives for its header, and says which commits wrote it, newest first. Checked against
//! `git blame -L :^HEADER` on the incident fixture's repository, line for line.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message
use crate::common;
use crate::tui_support;

use runbook::locate::{blame_function, BlameOptions};
use runbook::tui::action::{Intent, Message};
use runbook::tui::Theme;
use std::path::Path;
use std::process::Command;
use tui_support::{app_from, apply, runbook as one_step, settle};

/// `git blame --porcelain -L :^HEADER`: (line, commit) of each line.
fn git_function(git: &Path, repo: &Path, file: &str, header_regex: &str) -> Vec<(usize, String)> {
    let out = Command::new(git)
        .args(["blame", "--porcelain", "-L", &format!(":{header_regex}"), file])
        .current_dir(repo)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut words = l.split(' ');
            let commit = words.next()?;
            let _orig = words.next()?;
            let line = words.next()?.parse().ok()?;
            (commit.len() == 40).then(|| (line, commit.to_string()))
        })
        .collect()
}

#[test]
fn f_blames_the_function_around_the_cursor_as_git_does() {
    let Some(git) = common::git_tool() else { return };
    let dir = tempfile::tempdir().unwrap();
    let repo = common::incident_repo(&git, dir.path());
    let file = repo.join("internal/stock/stock.go");

    // The engine: the same lines and commits as git's `-L :funcname` for the header around line 33.
    let found = blame_function(&BlameOptions { file: file.clone(), lines: None, rev: None }, 33).unwrap();
    assert_eq!(found.header, "func (s *Store) Level(sku string) int {");
    let ours: Vec<(usize, String)> = found.lines.iter().map(|l| (l.line, l.commit.clone())).collect();
    let theirs = git_function(&git, &repo, "internal/stock/stock.go", r"^func (s \*Store) Level(");
    assert_eq!(ours, theirs);

    // The screen: F on line 33 says which commits wrote the function, newest first.
    let mut app = app_from(&one_step("      - id: r\n        title: R\n"), &repo.display().to_string(), Theme::plain());
    apply(&mut app, &[Message::Resize { width: 120, height: 40 }]);
    apply(&mut app, &[Intent::OpenSource { file: file.clone(), line: 33 }]);
    settle(&mut app);
    apply(&mut app, &[Intent::BlameFunction]);
    settle(&mut app);
    let flash = app.flash().unwrap_or_default().to_string();
    assert!(flash.starts_with("func (s *Store) Level(sku string) int (stock.go:30–37), 2 commits: f9aba8a"), "{flash}");
    assert!(flash.contains("1 line;") && flash.contains("7 lines"), "{flash}");

    // Above the first function there is none.
    let none = blame_function(&BlameOptions { file, lines: None, rev: None }, 1).unwrap_err().to_string();
    assert!(none.contains("the function around line 1"), "{none}");
}
