//! Issue 16, the working-tree items: a staged rename, symbolic links, `ident` lines, an external clean
//! filter, `-L` past the end, `--rev` with a path whose directory is gone, an empty untracked file. Each
//! compared with `git blame --porcelain` on the same repository where git gives an answer.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test set-up that fails should panic loudly

use crate::blame_support;

use blame_support::{build, parse_porcelain};
use runbook::locate::{blame, BlameError, BlameOptions};

fn options(file: std::path::PathBuf, lines: Option<&str>, rev: Option<&str>) -> BlameOptions {
    BlameOptions { file, lines: lines.map(|l| l.parse().expect("range")), rev: rev.map(str::to_owned) }
}

#[test]
fn a_staged_rename_keeps_the_original_commits_like_git() {
    let script = r#"
for i in $(seq 1 20); do echo "old line $i with some words in it"; done >old.go
git add old.go
ci A -m old
sed -e 's/line 7 /line seven /' <old.go >f && mv f old.go
ci B -a -m seven
git mv old.go new.go
sed -e 's/line 12 /line twelve /' <new.go >f && mv f new.go
"#;
    let temp = tempfile::tempdir().expect("tempdir");
    let Some(mut history) = build(temp.path(), script) else { return };
    let tally = history.compare_all(&[]);
    history.report("staged rename", tally);
    assert_eq!((tally.lines, tally.differing, tally.failed), (20, 0, 0), "{:#?}", history.problems);
    let lines = blame(&options(temp.path().join("new.go"), None, None)).expect("blame");
    assert_eq!(lines.iter().filter(|l| l.uncommitted).count(), 1, "only the edited line is uncommitted");
}

#[test]
fn symbolic_links_are_blamed_as_the_link_itself_like_git() {
    let script = r#"
echo target >target.txt
ln -s target.txt link
ln -s missing.txt dangling
git add .
ci A -m links
ln -sf other.txt link
git add link
ci B -m "repoint link"
"#;
    let temp = tempfile::tempdir().expect("tempdir");
    let Some(mut history) = build(temp.path(), script) else { return };
    let tally = history.compare_all(&["HEAD~1"]);
    history.report("symlinks", tally);
    assert_eq!((tally.differing, tally.failed), (0, 0), "{:#?}", history.problems);
    let dangling = blame(&options(temp.path().join("dangling"), None, None)).expect("a dangling link blames");
    assert_eq!(dangling[0].text, "missing.txt");
}

#[test]
fn ident_keywords_are_cleaned_before_the_diff_like_git() {
    let script = r#"
printf '*.c ident\n' >.gitattributes
printf '/* $Id$ */\nint x;\n' >a.c
git add .
ci A -m ident
rm a.c
git checkout a.c
printf 'int y;\n' >>a.c
"#;
    let temp = tempfile::tempdir().expect("tempdir");
    let Some(mut history) = build(temp.path(), script) else { return };
    let content = std::fs::read_to_string(temp.path().join("a.c")).expect("read");
    assert!(content.starts_with("/* $Id: "), "checkout expands the keyword: {content}");
    let tally = history.compare_all(&[]);
    history.report("ident", tally);
    assert_eq!((tally.differing, tally.failed), (0, 0), "{:#?}", history.problems);
}

#[test]
fn a_file_behind_an_external_clean_filter_is_refused_with_the_reason() {
    let script = r#"
printf '*.bin filter=fake\n' >.gitattributes
git config filter.fake.clean cat
git config filter.fake.smudge cat
echo data >a.bin
git add .
ci A -m data
"#;
    let temp = tempfile::tempdir().expect("tempdir");
    if build(temp.path(), script).is_none() {
        return;
    }
    let err = blame(&options(temp.path().join("a.bin"), None, None)).expect_err("external filter");
    assert!(matches!(err, BlameError::ExternalFilter { ref filter, .. } if filter == "fake"), "{err}");
    assert!(err.to_string().contains("--rev HEAD"), "{err}");
    assert_eq!(blame(&options(temp.path().join("a.bin"), None, Some("HEAD"))).expect("at a revision").len(), 1);
}

#[test]
fn ranges_past_the_end_clamp_and_old_paths_and_empty_untracked_files_behave_like_git() {
    let script = r#"
printf 'one\ntwo\n' >short
mkdir gone
printf 'a\nb\nc\n' >gone/file.go
git add .
ci A -m start
git rm -q -r gone
ci B -m "remove gone/"
: >empty
"#;
    let temp = tempfile::tempdir().expect("tempdir");
    let Some(history) = build(temp.path(), script) else { return };
    let repo = temp.path();

    let theirs = parse_porcelain(&history.git_out(&["blame", "--porcelain", "-L", "1,5", "short"]).expect("git"));
    let ours = blame(&options(repo.join("short"), Some("1,5"), None)).expect("clamped");
    assert_eq!(ours.len(), theirs.len());
    assert!(history.git_out(&["blame", "-L", "3,5", "short"]).is_none(), "git refuses a start past the end");
    assert!(matches!(
        blame(&options(repo.join("short"), Some("3,5"), None)),
        Err(BlameError::RangeOutsideFile { lines: 2, .. })
    ));

    // The directory is gone from the work tree: the repository is found from the nearest one that exists.
    let theirs =
        parse_porcelain(&history.git_out(&["blame", "--porcelain", "HEAD~1", "--", "gone/file.go"]).expect("git"));
    let ours = blame(&options(repo.join("gone/file.go"), None, Some("HEAD~1"))).expect("old path");
    let commits: Vec<&str> = ours.iter().map(|l| l.commit.as_str()).collect();
    assert_eq!(commits, theirs.iter().map(|l| l.commit.as_str()).collect::<Vec<_>>());

    // git refuses an empty untracked file ("no such path in HEAD"); so do we.
    assert!(history.git_out(&["blame", "empty"]).is_none());
    assert!(matches!(blame(&options(repo.join("empty"), None, None)), Err(BlameError::NotTracked { .. })));
}
