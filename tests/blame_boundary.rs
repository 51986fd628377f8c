//! Issue 12 (a blame item): lines blamed on a boundary commit are marked, as git marks them: a root
//! commit, and a shallow clone's boundary commit, whose parents are not in the clone. `boundary` in the
//! library and in `--json`, `^` in front of the short commit in the text output; `blame.showRoot` turns
//! the root commit's mark off, as in git.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test set-up that fails should panic loudly

use crate::blame_support;
use crate::common;

use blame_support::{build, History};

const HISTORY: &str = r#"
for i in 1 2 3 4 5 6; do echo "line $i"; done >file
git add file
ci A -m root
sed -e 's/line 2/line two/' <file >f && mv f file
ci B -a -m second
sed -e 's/line 4/line four/' <file >f && mv f file
ci C -a -m third
sed -e 's/line 6/line six/' <file >f && mv f file
ci D -a -m fourth
"#;

#[test]
fn root_commit_lines_are_boundaries_like_git() {
    let temp = tempfile::tempdir().expect("tempdir");
    let Some(mut history) = build(temp.path(), HISTORY) else { return };
    let tally = history.compare_all(&["HEAD~1"]);
    history.report("root boundary", tally);
    assert_eq!((tally.lines, tally.differing, tally.failed), (12, 0, 0), "{:#?}", history.problems);
    let options = runbook::locate::BlameOptions { file: temp.path().join("file"), lines: None, rev: None };
    let lines = runbook::locate::blame(&options).expect("blame");
    assert_eq!(lines.iter().filter(|l| l.boundary).count(), 3, "lines 1, 3 and 5 are the root's");

    // blame.showRoot: the root commit is an ordinary commit.
    history.git_out(&["config", "blame.showRoot", "true"]).expect("config");
    let tally = history.compare_all(&[]);
    assert_eq!((tally.differing, tally.failed), (0, 0), "{:#?}", history.problems);
    assert!(runbook::locate::blame(&options).expect("blame").iter().all(|l| !l.boundary));
}

#[test]
fn a_shallow_clones_boundary_commit_is_marked_like_git() {
    let temp = tempfile::tempdir().expect("tempdir");
    let Some(origin) = build(&temp.path().join("origin").tap_mkdir(), HISTORY) else { return };
    let clone = temp.path().join("clone");
    let url = format!("file://{}", origin.repo.display());
    origin.git_out(&["clone", "-q", "--depth", "2", &url, clone.to_str().expect("utf-8")]).expect("shallow clone");
    let mut history = History { git: origin.git.clone(), repo: clone.clone(), problems: Vec::new() };
    let tally = history.compare_all(&["HEAD~1"]);
    history.report("shallow clone", tally);
    assert_eq!((tally.lines, tally.differing, tally.failed), (12, 0, 0), "{:#?}", history.problems);

    // The text output puts `^` before the boundary commit, the JSON output says `boundary`.
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_runbook"))
            .current_dir(&clone)
            .arg("blame")
            .args(args)
            .output()
            .expect("run runbook blame")
    };
    let text = String::from_utf8(run(&["file"]).stdout).expect("utf-8");
    let boundary = history.git_out(&["rev-parse", "--short", "HEAD~1"]).expect("rev-parse");
    let boundary = String::from_utf8(boundary).expect("utf-8");
    let marked: Vec<&str> = text.lines().filter(|l| l.starts_with('^')).collect();
    assert_eq!(marked.len(), 5, "{text}");
    assert!(marked.iter().all(|l| l.starts_with(&format!("^{}", boundary.trim()))), "{text}");
    let json = run(&["--json", "file"]);
    let objects = common::json_lines(&json);
    let flags: Vec<bool> = objects.iter().map(|o| o["boundary"].as_bool().expect("boundary field")).collect();
    assert_eq!(flags, [true, true, true, true, true, false]);
}

trait MkDir {
    fn tap_mkdir(self) -> Self;
}

impl MkDir for std::path::PathBuf {
    fn tap_mkdir(self) -> Self {
        std::fs::create_dir_all(&self).expect("mkdir");
        self
    }
}
