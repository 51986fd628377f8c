//! `locate::blame` gives, for every line, the commit `git blame --porcelain -L` gives, on a repository
//! built here with several authors, a rename, lines moved inside the file, and uncommitted edits; and its
//! errors say what is wrong (not a repository, not tracked, range outside the file, bare repository).

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test or benchmark set-up that fails should panic loudly

use crate::common;

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

    // git clamps a range running past the end (issue 16), and refuses one that starts past it.
    let clamped = run(file.clone(), Some("30,400")).expect("clamped range");
    assert_eq!(clamped.iter().map(|l| l.line).collect::<Vec<_>>(), (30..=35).collect::<Vec<_>>());
    let err = run(file.clone(), Some("36,40")).expect_err("range");
    assert!(matches!(err, BlameError::RangeOutsideFile { lines: 35, .. }), "{err}");

    let bare = temp.path().join("bare.git");
    git(&git_path, temp.path(), &["clone", "-q", "--bare", "repo", "bare.git"]);
    let err = run(bare.join("HEAD"), None).expect_err("bare");
    assert!(matches!(err, BlameError::BareRepository { .. }), "{err}");
    // With a revision there is nothing to read from a working tree: a bare repository is fine (issue 16).
    let at_rev = BlameOptions { file: bare.join("internal/store/cache.go"), lines: None, rev: Some("HEAD".into()) };
    assert_eq!(blame(&at_rev).expect("bare with --rev").len(), 35);

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
        "boundary",
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

// ---- cases a blame engine of our own can get wrong: each compares commit, orig line and orig path ----

/// Asserts that every line of every range blames like `git blame --porcelain` (commit, orig line, path).
fn assert_same_as_git(git_path: &Path, repo: &Path, rel: &str, ranges: &[&str]) {
    let file = repo.join(rel);
    for range in ranges {
        let theirs = git_blame(git_path, repo, rel, range, None);
        assert_eq!(ours(&file, range, None), theirs, "{rel} -L {range}");
    }
}

/// "1,N" for the whole working-tree file.
fn whole(file: &Path) -> String {
    let lines = std::fs::read(file).expect("read").split(|&b| b == b'\n').count() - 1;
    let ends_in_newline = std::fs::read(file).expect("read").ends_with(b"\n");
    format!("1,{}", if ends_in_newline { lines } else { lines + 1 })
}

fn merge(git_path: &Path, repo: &Path, args: &[&str]) -> bool {
    let mut all = vec!["merge", "-q", "--no-edit"];
    all.extend(args);
    git_command_env(git_path, repo, &all)
}

/// Merges: both sides edit (with inserts and deletes), a merge taking the second parent's blob whole, a
/// merge taking the first parent's (`-s ours`), and a conflict resolved with new lines in the merge itself.
#[test]
fn merges_of_every_kind_match_git() {
    let Some(git_path) = common::git_tool() else {
        return;
    };
    let temp = tempfile::tempdir().expect("tempdir");
    let repo = temp.path();
    git(&git_path, repo, &["init", "-q", "-b", "main"]);
    let file = repo.join("m.go");
    let mut base = numbered("base", 1..41);
    write(&file, base.join("\n") + "\n");
    commit_all(&git_path, repo, "Alice", 1_600_000_000, "base");

    git(&git_path, repo, &["checkout", "-q", "-b", "feature"]);
    let mut feature = base.clone();
    feature[2] = "feature edit 3".into();
    feature.insert(10, "feature insert".into());
    write(&file, feature.join("\n") + "\n");
    commit_all(&git_path, repo, "Bob", 1_600_100_000, "feature");
    git(&git_path, repo, &["checkout", "-q", "main"]);
    base[30] = "main edit 31".into();
    base.remove(35);
    write(&file, base.join("\n") + "\n");
    commit_all(&git_path, repo, "Carol", 1_600_200_000, "main");
    assert!(merge(&git_path, repo, &["feature"]), "disjoint edits merge cleanly");
    assert_same_as_git(&git_path, repo, "m.go", &[&whole(&file), "1,5", "30,39"]);

    // The side branch changes the file, main only another file: the merge's blob is the second parent's.
    git(&git_path, repo, &["checkout", "-q", "-b", "side"]);
    let mut side = std::fs::read_to_string(&file).expect("read");
    side = side.replace("base line 20\n", "side line 20\n");
    write(&file, &side);
    commit_all(&git_path, repo, "Dave", 1_600_300_000, "side");
    git(&git_path, repo, &["checkout", "-q", "main"]);
    write(&repo.join("other.txt"), "other\n");
    commit_all(&git_path, repo, "Erin", 1_600_400_000, "main: other file");
    assert!(merge(&git_path, repo, &["side"]));
    assert_same_as_git(&git_path, repo, "m.go", &[&whole(&file)]);

    // `-s ours`: the merge keeps the first parent's blob although the other side changed the file.
    git(&git_path, repo, &["checkout", "-q", "-b", "ignored"]);
    write(&file, side.replace("base line 1\n", "ignored\n"));
    commit_all(&git_path, repo, "Bob", 1_600_500_000, "ignored");
    git(&git_path, repo, &["checkout", "-q", "main"]);
    assert!(merge(&git_path, repo, &["-s", "ours", "ignored"]));
    assert_same_as_git(&git_path, repo, "m.go", &[&whole(&file)]);

    // A conflict resolved by writing lines neither side had: those belong to the merge commit.
    git(&git_path, repo, &["checkout", "-q", "-b", "left"]);
    write(&file, side.replace("base line 5\n", "left 5\n"));
    commit_all(&git_path, repo, "Carol", 1_600_600_000, "left");
    git(&git_path, repo, &["checkout", "-q", "main"]);
    write(&file, side.replace("base line 5\n", "right 5\n").replace("base line 8\n", "right 8\n"));
    commit_all(&git_path, repo, "Dave", 1_600_700_000, "right");
    assert!(!merge(&git_path, repo, &["left"]), "both sides edit line 5: a conflict");
    write(&file, side.replace("base line 5\n", "resolved 5\nresolved extra\n").replace("base line 8\n", "right 8\n"));
    commit_all(&git_path, repo, "Erin", 1_600_800_000, "merge left, resolved");
    assert_same_as_git(&git_path, repo, "m.go", &[&whole(&file), "4,9"]);
}

/// A file renamed and edited in the same commit, then edited again, with a directory in between.
#[test]
fn rename_with_edits_in_the_same_commit_matches_git() {
    let Some(git_path) = common::git_tool() else {
        return;
    };
    let temp = tempfile::tempdir().expect("tempdir");
    let repo = temp.path();
    git(&git_path, repo, &["init", "-q", "-b", "main"]);
    let mut lines = numbered("alice", 1..41);
    write(&repo.join("a/old.go"), lines.join("\n") + "\n");
    write(&repo.join("a/keep.go"), "keep\n");
    commit_all(&git_path, repo, "Alice", 1_600_000_000, "first");
    std::fs::remove_file(repo.join("a/old.go")).expect("rm");
    lines[3] = "bob while renaming".into();
    lines.insert(20, "bob inserted while renaming".into());
    lines.remove(30);
    write(&repo.join("b/c/new.go"), lines.join("\n") + "\n");
    commit_all(&git_path, repo, "Bob", 1_600_100_000, "rename and edit");
    lines[10] = "carol".into();
    write(&repo.join("b/c/new.go"), lines.join("\n") + "\n");
    commit_all(&git_path, repo, "Carol", 1_600_200_000, "edit");
    let file = repo.join("b/c/new.go");
    assert_same_as_git(&git_path, repo, "b/c/new.go", &[&whole(&file), "3,5", "20,22"]);
}

fn go_function(name: &str, body: usize) -> String {
    let mut text = format!("func {name}() {{\n");
    for i in 0..body {
        text += &format!("\tif x{i} {{\n\t\treturn nil\n\t}}\n\n");
    }
    text + "}\n\n"
}

/// Runs of identical lines (`}`, blank lines, `return nil`), where hunk placement decides the commit: a
/// function inserted between two functions (the indent-heuristic case), blank lines and braces added and
/// removed, and a block moved inside the file.
#[test]
fn repeated_lines_and_ambiguous_hunks_match_git() {
    let Some(git_path) = common::git_tool() else {
        return;
    };
    let temp = tempfile::tempdir().expect("tempdir");
    let repo = temp.path();
    git(&git_path, repo, &["init", "-q", "-b", "main"]);
    let file = repo.join("f.go");
    let (a, b, c, d) = (go_function("a", 3), go_function("b", 2), go_function("c", 4), go_function("d", 1));
    write(&file, format!("package f\n\n{a}{b}{c}"));
    commit_all(&git_path, repo, "Alice", 1_600_000_000, "a b c");
    write(&file, format!("package f\n\n{a}{d}{b}{c}"));
    commit_all(&git_path, repo, "Bob", 1_600_100_000, "insert d between a and b");
    write(&file, format!("package f\n\n{a}{d}\n{b}{c}}}\n\n"));
    commit_all(&git_path, repo, "Carol", 1_600_200_000, "blank line, trailing brace");
    write(&file, format!("package f\n\n{c}{a}{d}\n{b}}}\n\n"));
    commit_all(&git_path, repo, "Dave", 1_600_300_000, "move c to the top");
    write(&file, format!("package f\n\n{c}{a}\n\n{b}}}\n{}", go_function("e", 2)));
    commit_all(&git_path, repo, "Erin", 1_600_400_000, "drop d, add e");
    assert_same_as_git(&git_path, repo, "f.go", &[&whole(&file), "1,3", "20,30"]);

    // Here `git diff --no-indent-heuristic` adds lines 8-9, the indent heuristic (git blame's default)
    // lines 6-7: the two "\tx()" lines blame differently.
    let h = repo.join("h.go");
    write(&h, "\tif a {\n\t\tx()\n\t}\n\n\n\tx()\nfunc f() {\n\n\t\tx()\n\tx()\n");
    commit_all(&git_path, repo, "Alice", 1_600_500_000, "h");
    write(&h, "\tif a {\n\t\tx()\n\t}\n\n\n\tx()\n\t\tx()\n\tx()\nfunc f() {\n\n\t\tx()\n\tx()\n");
    commit_all(&git_path, repo, "Bob", 1_600_600_000, "h: two lines whose place the indent heuristic picks");
    assert_same_as_git(&git_path, repo, "h.go", &[&whole(&h), "6,9"]);
}

/// Files bigger than git's 1 KiB tail-trimming block, made of one repeated line: where xdiff puts an
/// inserted copy depends on exactly how much common tail git trimmed first.
#[test]
fn inserts_into_long_runs_of_equal_lines_match_git() {
    let Some(git_path) = common::git_tool() else {
        return;
    };
    let temp = tempfile::tempdir().expect("tempdir");
    let repo = temp.path();
    git(&git_path, repo, &["init", "-q", "-b", "main"]);
    let file = repo.join("x.txt");
    let run = |n: usize| "x = 1\n".repeat(n);
    write(&file, format!("head\n{}", run(900)));
    commit_all(&git_path, repo, "Alice", 1_600_000_000, "x");
    write(&file, format!("head\n{}", run(901)));
    commit_all(&git_path, repo, "Bob", 1_600_100_000, "one more x");
    write(&file, format!("head\n{}mid\n{}", run(300), run(603)));
    commit_all(&git_path, repo, "Carol", 1_600_200_000, "mid, two more x");
    write(&file, format!("head\n{}mid\n{}tail\n", run(290), run(620)));
    commit_all(&git_path, repo, "Dave", 1_600_300_000, "shuffle");
    assert_same_as_git(&git_path, repo, "x.txt", &[&whole(&file), "280,320", "900,912"]);
}

/// CRLF line ends, a last line without a newline (edited, then given one), an empty file that fills
/// up, and ranges at the very end of the file.
#[test]
fn line_ends_empty_files_and_the_last_line_match_git() {
    let Some(git_path) = common::git_tool() else {
        return;
    };
    let temp = tempfile::tempdir().expect("tempdir");
    let repo = temp.path();
    git(&git_path, repo, &["init", "-q", "-b", "main"]);
    let crlf = repo.join("crlf.txt");
    let noeol = repo.join("noeol.txt");
    let empty = repo.join("empty.txt");
    write(&crlf, numbered("crlf", 1..11).join("\r\n") + "\r\n");
    write(&noeol, numbered("noeol", 1..6).join("\n"));
    write(&empty, "");
    commit_all(&git_path, repo, "Alice", 1_600_000_000, "first");
    assert!(blame(&BlameOptions { file: empty.clone(), lines: None, rev: None }).expect("empty").is_empty());
    assert!(git(&git_path, repo, &["blame", "--porcelain", "--", "empty.txt"]).is_empty());

    let mut lines = numbered("crlf", 1..11);
    lines[4] = "bob crlf".into();
    write(&crlf, lines.join("\r\n") + "\r\n");
    write(&noeol, numbered("noeol", 1..5).join("\n") + "\nbob last line");
    write(&empty, "bob fills\nthe empty file\n");
    commit_all(&git_path, repo, "Bob", 1_600_100_000, "edits");
    write(&crlf, lines.join("\r\n") + "\n");
    write(&noeol, numbered("noeol", 1..5).join("\n") + "\nbob last line\ncarol appended");
    write(&empty, "bob fills\ncarol\nthe empty file");
    commit_all(&git_path, repo, "Carol", 1_600_200_000, "line ends");
    assert_same_as_git(&git_path, repo, "crlf.txt", &[&whole(&crlf), "10,10", "9,10"]);
    assert_same_as_git(&git_path, repo, "noeol.txt", &[&whole(&noeol), "6,6", "5,6"]);
    assert_same_as_git(&git_path, repo, "empty.txt", &[&whole(&empty), "3,3"]);
}

/// A small deterministic random generator (no dependency): xorshift.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Many random edits (inserts, deletes, changes, block moves) drawn from a few repeated lines, with
/// branches merged now and then: any divergence in hunk placement or line passing shows up here.
#[test]
fn random_histories_match_git() {
    let Some(git_path) = common::git_tool() else {
        return;
    };
    let temp = tempfile::tempdir().expect("tempdir");
    let repo = temp.path();
    git(&git_path, repo, &["init", "-q", "-b", "main"]);
    let file = repo.join("r.go");
    let vocabulary = ["}", "", "\t\treturn nil // common line", "\tx := f(y) // another common line", "{"];
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    let mut lines: Vec<String> = (0..200).map(|i| format!("line {i} of the original file")).collect();
    let mut time = 1_600_000_000;
    let authors = ["Alice", "Bob", "Carol", "Dave", "Erin"];
    let edit = |lines: &mut Vec<String>, random: &mut Random, n: usize, lo: usize, hi: usize| {
        for _ in 0..n {
            let at = lo + random.below(hi.min(lines.len()) - lo);
            let word = match random.below(3) {
                0 => format!("unique {}", random.below(1_000_000)),
                _ => vocabulary[random.below(vocabulary.len())].to_owned(),
            };
            match random.below(4) {
                0 => lines.insert(at, word),
                1 if lines.len() > 50 => {
                    lines.remove(at);
                }
                2 if at + 4 < lines.len() => {
                    let block: Vec<String> = lines.drain(at..at + 3).collect();
                    let to = random.below(lines.len());
                    lines.splice(to..to, block);
                }
                _ => lines[at] = word,
            }
        }
    };
    write(&file, lines.join("\n") + "\n");
    commit_all(&git_path, repo, "Alice", time, "random 0");
    for round in 1..=30 {
        time += 1000;
        let author = authors[round % authors.len()];
        if round % 10 == 0 {
            // A branch edits the top third, main the bottom third, then they merge (-X ours on overlap).
            git(&git_path, repo, &["checkout", "-q", "-b", &format!("b{round}")]);
            let mut side = lines.clone();
            let third = side.len() / 3;
            edit(&mut side, &mut random, 3, 0, third);
            write(&file, side.join("\n") + "\n");
            commit_all(&git_path, repo, author, time, &format!("side {round}"));
            git(&git_path, repo, &["checkout", "-q", "main"]);
            let len = lines.len();
            edit(&mut lines, &mut random, 3, 2 * len / 3, len);
            write(&file, lines.join("\n") + "\n");
            time += 1000;
            commit_all(&git_path, repo, author, time, &format!("main {round}"));
            assert!(merge(&git_path, repo, &["-X", "ours", &format!("b{round}")]));
            lines = std::fs::read_to_string(&file).expect("read").lines().map(str::to_owned).collect();
            continue;
        }
        let n = 1 + random.below(4);
        let len = lines.len();
        edit(&mut lines, &mut random, n, 0, len);
        write(&file, lines.join("\n") + "\n");
        commit_all(&git_path, repo, author, time, &format!("random {round}"));
    }
    assert_same_as_git(&git_path, repo, "r.go", &[&whole(&file), "1,10", "100,120"]);
}

/// git blame shows authors through `.mailmap`; so do we.
#[test]
fn authors_go_through_the_mailmap_like_git() {
    let Some(git_path) = common::git_tool() else {
        return;
    };
    let temp = tempfile::tempdir().expect("tempdir");
    let repo = temp.path();
    git(&git_path, repo, &["init", "-q", "-b", "main"]);
    let file = repo.join("a.txt");
    write(&file, "one\n");
    commit_all(&git_path, repo, "Bob", 1_600_000_000, "bob");
    write(&file, "one\ntwo\n");
    write(&repo.join(".mailmap"), "Robert Builder <robert@example.org> Bob <bob@example.com>\n");
    commit_all(&git_path, repo, "Carol", 1_600_100_000, "carol and the mailmap");
    let porcelain = String::from_utf8(git(&git_path, repo, &["blame", "--porcelain", "--", "a.txt"])).expect("utf-8");
    let field = |name: &str| -> Vec<String> {
        porcelain.lines().filter_map(|l| l.strip_prefix(name)).map(|v| v.trim_matches(['<', '>']).to_owned()).collect()
    };
    let (authors, mails) = (field("author "), field("author-mail "));
    assert_eq!(authors, ["Robert Builder", "Carol"], "git applies the mailmap");
    let ours = blame(&BlameOptions { file, lines: None, rev: None }).expect("blame");
    let ours: Vec<(String, String)> = ours.into_iter().map(|l| (l.author, l.email)).collect();
    let theirs: Vec<(String, String)> = authors.into_iter().zip(mails).collect();
    assert_eq!(ours, theirs);
}

/// A form feed or vertical tab at a line's start (page breaks in old sources) ends its indent for git's
/// indent heuristic (git's own ctype), not for libgit2's: the inserted "}\r" line is line 9 for git, 8 for
/// libgit2.
#[test]
fn form_feed_lines_place_changes_as_git_does() {
    let Some(git_path) = common::git_tool() else {
        return;
    };
    let temp = tempfile::tempdir().expect("tempdir");
    let repo = temp.path();
    git(&git_path, repo, &["init", "-q", "-b", "main"]);
    git(&git_path, repo, &["config", "core.autocrlf", "false"]);
    let file = repo.join("f.c");
    let top = "// comment\n}\r\n}\n}\n\n\t}\n}\r\n";
    let rest = "\x0b\x0c odd space\nx\n\r\n\n\t\tx++\n\t} else {\n\nfunc f() {\n}\r\n}\n\t\n";
    write(&file, format!("{top}{rest}"));
    commit_all(&git_path, repo, "Alice", 1_600_000_000, "page");
    write(&file, format!("{top}}}\r\n{rest}"));
    commit_all(&git_path, repo, "Bob", 1_600_100_000, "one more brace");
    assert_same_as_git(&git_path, repo, "f.c", &[&whole(&file)]);
}
