//! `locate::blame` gives, for every line, the commit `git blame --porcelain -L` gives, on a repository
//! built here with several authors, a rename, lines moved inside the file, and uncommitted edits; and its
//! errors say what is wrong (not a repository, not tracked, range outside the file, bare repository).

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test or benchmark set-up that fails should panic loudly

mod common;

use common::{commit_all, git, write};
use runbook::locate::{blame, BlameError, BlameOptions, LineRange};
use std::path::{Path, PathBuf};

/// The commit and original line of each line, as `git blame --porcelain` reports them.
fn git_blame(git_path: &Path, repo: &Path, file: &str, range: &str, rev: Option<&str>) -> Vec<(String, usize, String)> {
    let mut args = vec!["blame", "--porcelain", "-L", range];
    args.extend(rev);
    args.extend(["--", file]);
    let out = String::from_utf8(git(git_path, repo, &args)).expect("utf-8 porcelain");
    let mut lines = Vec::new();
    let mut filenames = std::collections::HashMap::new();
    let mut current: Option<(String, usize)> = None;
    for line in out.lines() {
        let mut words = line.split(' ');
        let first = words.next().unwrap_or_default();
        if first.len() == 40 && first.bytes().all(|b| b.is_ascii_hexdigit()) {
            let orig: usize = words.next().and_then(|w| w.parse().ok()).expect("orig line");
            current = Some((first.to_owned(), orig));
        } else if let Some(name) = line.strip_prefix("filename ") {
            if let Some((commit, _)) = &current {
                filenames.insert(commit.clone(), name.to_owned());
            }
        } else if line.starts_with('\t') {
            let (commit, orig) = current.take().expect("header before content");
            let name = filenames.get(&commit).cloned().unwrap_or_default();
            lines.push((commit, orig, name));
        }
    }
    lines
}

fn ours(file: &Path, range: &str, rev: Option<&str>) -> Vec<(String, usize, String)> {
    let options = BlameOptions {
        file: file.to_path_buf(),
        lines: Some(range.parse().expect("range")),
        rev: rev.map(str::to_owned),
    };
    let lines = blame(&options).unwrap_or_else(|err| panic!("blame {range}: {err}"));
    lines.into_iter().map(|l| (l.commit, l.orig_line, l.orig_path)).collect()
}

fn numbered(prefix: &str, range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("{prefix} line {i}")).collect()
}

/// History: alice writes pkg/cache.go, bob edits, carol renames it to internal/store/cache.go (and edits
/// another file), alice moves a block inside it, dave edits after the rename; then the working tree gets
/// inserted, changed and deleted lines.
fn build_history(git_path: &Path, repo: &Path) -> PathBuf {
    git(git_path, repo, &["init", "-q", "-b", "main"]);
    let old = repo.join("pkg/cache.go");
    let mut lines = numbered("alice", 1..31);
    write(&old, lines.join("\n") + "\n");
    write(&repo.join("README"), "readme\n");
    commit_all(git_path, repo, "Alice", 1_600_000_000, "cache: first version");

    lines[4] = "bob changed line 5".into();
    lines[5] = "bob changed line 6".into();
    lines.insert(10, "bob inserted".into());
    lines.extend(numbered("bob tail", 0..3));
    write(&old, lines.join("\n") + "\n");
    commit_all(git_path, repo, "Bob", 1_600_100_000, "cache: bob's fixes");

    let new = repo.join("internal/store/cache.go");
    std::fs::create_dir_all(new.parent().expect("parent")).expect("mkdir");
    git(git_path, repo, &["mv", "pkg/cache.go", "internal/store/cache.go"]);
    write(&repo.join("README"), "readme\nmoved the cache\n");
    commit_all(git_path, repo, "Carol", 1_600_200_000, "move cache to internal/store");

    let block: Vec<String> = lines.drain(1..4).collect();
    let at = lines.len() - 2;
    lines.splice(at..at, block);
    write(&new, lines.join("\n") + "\n");
    commit_all(git_path, repo, "Alice", 1_600_300_000, "cache: move the header block down");

    lines[15] = "dave rewrote this".into();
    lines.insert(20, "dave added this".into());
    write(&new, lines.join("\n") + "\n");
    commit_all(git_path, repo, "Dave", 1_600_400_000, "cache: dave's change");

    lines.insert(0, "uncommitted first line".into());
    lines[12] = "uncommitted change".into();
    lines.remove(25);
    write(&new, lines.join("\n") + "\n");
    new
}

#[test]
fn every_line_has_the_commit_git_blame_gives_across_rename_moves_and_edits() {
    let Some(git_path) = common::git_tool() else {
        return;
    };
    let temp = tempfile::tempdir().expect("tempdir");
    let repo = temp.path();
    let file = build_history(&git_path, repo);
    let rel = "internal/store/cache.go";
    let total = std::fs::read_to_string(&file).expect("read").lines().count();
    let mut uncommitted = 0;
    let ranges = [
        format!("1,{total}"),
        "1,5".into(),
        "10,20".into(),
        "12,13".into(),
        "26,27".into(),
        format!("{total},{total}"),
    ];
    for range in &ranges {
        let theirs = git_blame(&git_path, repo, rel, range, None);
        let ours = ours(&file, range, None);
        let commits = |v: &[(String, usize, String)]| v.iter().map(|l| l.0.clone()).collect::<Vec<_>>();
        assert_eq!(commits(&ours), commits(&theirs), "commits for -L {range}");
        uncommitted += ours.iter().filter(|l| l.0.bytes().all(|b| b == b'0')).count();
        for (o, t) in ours.iter().zip(&theirs).filter(|(o, _)| !o.0.starts_with("0000000")) {
            assert_eq!((o.1, &o.2), (t.1, &t.2), "orig line and path for -L {range}, commit {}", o.0);
        }
    }
    assert!(uncommitted >= 2, "the working-tree edits should show up as uncommitted");
    // At a revision: the committed file, line numbers of that revision, before the rename too.
    for (rev, path, range) in [("HEAD", rel, "1,30"), ("HEAD~2", rel, "3,20"), ("HEAD~3", "pkg/cache.go", "1,33")] {
        let theirs = git_blame(&git_path, repo, path, range, Some(rev));
        let ours = ours(&repo.join(path), range, Some(rev));
        assert_eq!(ours, theirs, "{path} at {rev}, -L {range}");
    }
}

#[test]
fn blame_lines_carry_author_time_zone_and_summary() {
    let Some(git_path) = common::git_tool() else {
        return;
    };
    let temp = tempfile::tempdir().expect("tempdir");
    let file = build_history(&git_path, temp.path());
    let lines = blame(&BlameOptions { file, lines: Some(LineRange { start: 1, end: 2 }), rev: None }).expect("blame");
    assert!(lines[0].uncommitted);
    assert_eq!(lines[0].text, "uncommitted first line");
    let first = &lines[1];
    assert_eq!(
        (first.author.as_str(), first.email.as_str(), first.time, first.tz.as_str()),
        ("Alice", "alice@example.com", 1_600_000_000, "+0100")
    );
    assert_eq!(first.summary, "cache: first version");
    assert_eq!((first.orig_path.as_str(), first.orig_line), ("pkg/cache.go", 1));
    assert!(first.commit.starts_with(&first.short_commit) && first.short_commit.len() >= 7);
}

#[test]
fn errors_name_the_problem() {
    let Some(git_path) = common::git_tool() else {
        return;
    };
    let temp = tempfile::tempdir().expect("tempdir");
    let repo = temp.path().join("repo");
    std::fs::create_dir_all(&repo).expect("mkdir");
    let file = build_history(&git_path, &repo);
    let run = |file: PathBuf, lines: Option<&str>| {
        blame(&BlameOptions { file, lines: lines.map(|l| l.parse().expect("range")), rev: None })
    };

    let outside = temp.path().join("loose.go");
    write(&outside, "package loose\n");
    assert!(matches!(run(outside, None), Err(BlameError::NotARepository { .. })));

    let untracked = repo.join("internal/store/untracked.go");
    write(&untracked, "package store\n");
    let err = run(untracked, None).expect_err("untracked");
    assert!(matches!(err, BlameError::NotTracked { .. }), "{err}");
    assert!(err.to_string().contains("not tracked"), "{err}");

    let err = run(file.clone(), Some("30,400")).expect_err("range");
    assert!(matches!(err, BlameError::RangeOutsideFile { lines: 35, .. }), "{err}");

    let bare = temp.path().join("bare.git");
    git(&git_path, temp.path(), &["clone", "-q", "--bare", "repo", "bare.git"]);
    let err = run(bare.join("HEAD"), None).expect_err("bare");
    assert!(matches!(err, BlameError::BareRepository { .. }), "{err}");

    // Staged but never committed: every line is not committed yet, as git says.
    let staged = repo.join("staged.go");
    write(&staged, "a\nb\n");
    git(&git_path, &repo, &["add", "staged.go"]);
    let lines = run(staged, None).expect("staged file");
    assert!(lines.len() == 2 && lines.iter().all(|l| l.uncommitted));
}

/// A merge whose sides both edited the file: git passes each line to the parent it came from.
#[test]
fn lines_from_both_sides_of_a_merge_match_git() {
    let Some(git_path) = common::git_tool() else {
        return;
    };
    let temp = tempfile::tempdir().expect("tempdir");
    let repo = temp.path();
    git(&git_path, repo, &["init", "-q", "-b", "main"]);
    let file = repo.join("main.go");
    let mut lines = numbered("base", 1..21);
    write(&file, lines.join("\n") + "\n");
    commit_all(&git_path, repo, "Alice", 1_600_000_000, "base");
    git(&git_path, repo, &["checkout", "-q", "-b", "feature"]);
    lines[2] = "feature edit".into();
    write(&file, lines.join("\n") + "\n");
    commit_all(&git_path, repo, "Bob", 1_600_100_000, "feature: edit line 3");
    git(&git_path, repo, &["checkout", "-q", "main"]);
    let mut main_lines = numbered("base", 1..21);
    main_lines[15] = "main edit".into();
    write(&file, main_lines.join("\n") + "\n");
    commit_all(&git_path, repo, "Carol", 1_600_200_000, "main: edit line 16");
    let merged = git_command_env(&git_path, repo, &["merge", "-q", "--no-edit", "feature"]);
    assert!(merged, "the sides touch different lines and merge cleanly");
    let theirs = git_blame(&git_path, repo, "main.go", "1,20", None);
    let ours = ours(&file, "1,20", None);
    assert_eq!(ours, theirs);
    let distinct: std::collections::BTreeSet<_> = ours.iter().map(|l| &l.0).collect();
    assert_eq!(distinct.len(), 3, "base, feature and main commits all show up");
}

fn git_command_env(git_path: &Path, repo: &Path, args: &[&str]) -> bool {
    common::git_command(git_path, repo)
        .args(args)
        .env("GIT_AUTHOR_NAME", "Merger")
        .env("GIT_AUTHOR_EMAIL", "merger@example.com")
        .env("GIT_AUTHOR_DATE", "1600300000 +0000")
        .env("GIT_COMMITTER_DATE", "1600300000 +0000")
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn cli_json_has_exactly_the_fields_of_issue_5_and_errors_exit_2() {
    let Some(git_path) = common::git_tool() else {
        return;
    };
    let temp = tempfile::tempdir().expect("tempdir");
    let file = build_history(&git_path, temp.path());
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_runbook"))
            .current_dir(temp.path())
            .arg("blame")
            .args(args)
            .output()
            .expect("run runbook blame")
    };
    let out = run(&["--json", "-L", "1,2", file.to_str().expect("utf-8 temp path")]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let objects: Vec<serde_json::Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("json line")).collect();
    assert_eq!(objects.len(), 2);
    let keys: Vec<&str> = objects[1].as_object().expect("object").keys().map(String::as_str).collect();
    let mut expected = vec![
        "type",
        "line",
        "commit",
        "author",
        "email",
        "time",
        "tz",
        "summary",
        "orig_path",
        "orig_line",
        "uncommitted",
    ];
    expected.sort_unstable();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(keys, expected);
    assert_eq!(objects[0]["uncommitted"], true);
    assert_eq!((objects[1]["type"].as_str(), objects[1]["tz"].as_str()), (Some("line"), Some("+0100")));

    let out = run(&["-L", "90,99", "internal/store/cache.go"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("outside the file"), "{out:?}");
    let out = run(&["-L", "5,x", "internal/store/cache.go"]);
    assert_eq!(out.status.code(), Some(2), "clap rejects a malformed range");
}
