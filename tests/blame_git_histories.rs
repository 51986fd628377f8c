//! Issue 16: `locate::blame` gives git's answer on the histories git's own blame tests build
//! (`t/annotate-tests.sh`, t8003 corner cases, t8004 conflicts, t8005 encodings, t8008 formats, t8009 topic
//! branches, t8011 a split file, t8015's reformatting commit), rebuilt here from what those tests do, plus
//! the triggers the issue names (a copy and a rename in one commit, a file split in two). Every line of every
//! tracked file, in the working tree and at several revisions, is compared with `git blame --porcelain`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test set-up that fails should panic loudly

use crate::blame_support;

use blame_support::{build, History};

fn check(name: &str, script: &str, revs: &[&str]) -> Option<(tempfile::TempDir, History)> {
    let temp = tempfile::tempdir().expect("tempdir");
    let mut history = build(temp.path(), script)?;
    let tally = history.compare_all(revs);
    history.report(name, tally);
    assert!(tally.lines > 0, "{name}: nothing was compared");
    let first = &history.problems[..history.problems.len().min(10)];
    assert_eq!((tally.differing, tally.failed), (0, 0), "{name}: {first:#?}");
    Some((temp, history))
}

/// t/annotate-tests.sh: two authors, two branches merged (one changes a line the other appends after), an
/// evil merge (amended), an incomplete last line, edits that delete and change lines, a line put on top.
const ANNOTATE: &str = r#"
echo "1A quick brown fox jumps over the" >file
echo "lazy dog" >>file
git add file
ci A -m "Initial."
echo "2A quick brown fox jumps over the" >>file
echo "lazy dog" >>file
ci B -a -m "Second."
git checkout -q -b branch1 main
echo "3A slow green fox jumps into the" >>file
echo "well." >>file
ci B1 -a -m "Branch1-1"
git checkout -q -b branch2 main
sed -e "s/2A quick brown/4A quick brown lazy dog/" <file >file.new
mv file.new file
ci B2 -a -m "Branch2-1"
tick
git merge -q --no-edit branch1
echo "evil merge." >>file
tick
git commit -q -a --amend --no-edit
printf incomplete >>file
ci C -a -m "Incomplete"
mv file file.orig
{ cat file.orig; echo; } | sed -e "s/^3A/99/" -e "/^1A/d" -e "/^incomplete/d" >file
rm file.orig
printf incomplete >>file
ci D -a -m "edit"
echo "No robots allowed" >file.new
cat file >>file.new
mv file.new file
ci E -a -m "norobots"
cat >hello.c <<'C'
int main(int argc, const char *argv[])
{
	puts("hello");
}
C
git add hello.c
ci F -m "hello"
cat >hello.c <<'C'
int main(int argc, const char *argv[])
{
	puts("hello");
	puts("goodbye");
}

static void greet(void)
{
	puts("hi");
}
C
ci G -a -m "goodbye and greet"
"#;

#[test]
fn annotate_tests_history_matches_git() {
    check("annotate-tests", ANNOTATE, &["main", "branch1", "branch2", "branch2~1", "HEAD~3"]);
}

/// The `-L` forms annotate-tests.sh exercises (and several `-L` in one call, and `:funcname` with git's
/// default rule and with `diff=golang`): the same lines, with the same commits, as `git blame -L`.
#[test]
fn line_range_forms_pick_the_lines_git_picks() {
    let go = r#"
printf 'package p\n\nfunc A() {\n\treturn\n}\n\ntype T struct {\n\tx int\n}\n\nfunc (t T) B() {\n}\n' >p.go
printf '*.go diff=golang\n' >.gitattributes
git add p.go .gitattributes
ci H -m go
"#;
    let Some((_temp, history)) = check("annotate-tests + go", &format!("{ANNOTATE}{go}"), &[]) else { return };
    let forms: &[(&str, &[&str])] = &[
        ("file", &["1,"]),
        ("file", &[",3"]),
        ("file", &["5,"]),
        ("file", &["3,3"]),
        ("file", &["3,6"]),
        ("file", &["6,3"]),
        ("file", &["3,+1"]),
        ("file", &["3,+4"]),
        ("file", &["3,-1"]),
        ("file", &["6,-4"]),
        ("file", &["/evil/"]),
        ("file", &["/robot/,/green/"]),
        ("file", &["5,/evil/"]),
        ("file", &["/99/,7"]),
        ("file", &["/99/,+3"]),
        ("file", &["/99/,-3"]),
        ("file", &["1,50"]),
        ("file", &[",12345"]),
        ("file", &["1,2", "5,6"]),
        ("file", &["4,6", "1,5"]),
        ("hello.c", &[":main"]),
        ("hello.c", &[":greet"]),
        ("p.go", &[":A"]),
        ("p.go", &[":T"]),
        ("p.go", &[":B"]),
    ];
    for (path, specs) in forms {
        let mut args = vec!["blame", "--porcelain"];
        for spec in *specs {
            args.extend(["-L", spec]);
        }
        args.extend(["--", path]);
        let theirs = blame_support::parse_porcelain(&history.git_out(&args).expect("git blame -L"));
        let options = runbook::locate::BlameOptions { file: history.repo.join(path), lines: None, rev: None };
        let specs: Vec<String> = specs.iter().map(|s| (*s).to_owned()).collect();
        let ours = runbook::locate::blame_ranges(&options, &specs).unwrap_or_else(|e| panic!("{specs:?}: {e}"));
        let ours: Vec<(usize, &str)> = ours.iter().map(|l| (l.line, l.commit.as_str())).collect();
        let theirs: Vec<(usize, &str)> = theirs.iter().map(|l| (l.final_line, l.commit.as_str())).collect();
        assert_eq!(ours, theirs, "{path} -L {specs:?}");
    }
    let options = runbook::locate::BlameOptions { file: history.repo.join("file"), lines: None, rev: None };
    for bad in ["12345", "1,+", "1,-", "X", "1,X", "1,+N", "1,-N", "-1"] {
        assert!(runbook::locate::blame_ranges(&options, &[bad.to_owned()]).is_err(), "{bad:?}");
    }
}

/// t8003: copies and moves in one commit (`uno` a copy of `one`, `two` moved to `dos`), appends, a wholesale
/// copy later edited, a path that used to be a directory, a commit without an author name, CRLF in the
/// working tree with `core.autocrlf=true` and with a `text` attribute, a file committed with CRLF, and a
/// line removed and put back ("coalesce").
const CORNER_CASES: &str = r#"
echo A A A A A >one
echo B B B B B >two
echo C C C C C >tres
echo ABC >mouse
for i in 1 2 3 4 5 6 7 8 9; do echo $i; done >nine_lines
for i in 1 2 3 4 5 6 7 8 9 a; do echo $i; done >ten_lines
git add one two tres mouse nine_lines ten_lines
ci Initial -m Initial
cat one >uno
mv two dos
cat one >>tres
echo DEF >>mouse
git add uno dos tres mouse
ci Second -a -m Second
echo GHIJK >>mouse
git add mouse
ci Third -m Third
cat mouse >cow
git add cow
ci Fourth -m Fourth
printf 'ABC\nDEF\nXXXX\nGHIJK\n' >cow
git add cow
ci Fifth -m Fifth
mkdir path
echo A A A A A >path/file
echo B B B B B >path/elif
git add path
ci Sixth -m "path was a directory"
rm -fr path
echo A A A A A >path
git add path
ci Seventh -m "path is a regular file"
TREE=$(git rev-parse HEAD:)
printf 'tree %s\nauthor <noname> 1234567890 +0000\ncommitter D R <dr@example.com> 1234567890 +0000\n\nsome message\n' "$TREE" >badcommit
git update-ref refs/heads/noname "$(git hash-object --literally -t commit -w badcommit)"
printf 'tree %s\nauthor Name Only <> 1234567890 +0000\ncommitter D R <dr@example.com> 1234567890 +0000\n\nno mail\n' "$TREE" >badcommit
git update-ref refs/heads/nomail "$(git hash-object --literally -t commit -w badcommit)"
rm badcommit
printf 'ABC\nDEF\n' >giraffe
git add giraffe
ci Tenth -m "original file"
printf 'ABC\nSPLIT\nDEF\n' >giraffe
ci Eleventh -a -m "interior SPLIT line"
printf 'ABC\nDEF\n' >giraffe
ci Twelfth -a -m "same contents as original"
printf 'testcase\n' >crlffile
git add crlffile
ci Eighth -m testcase
printf 'testcase\r\n' >crlffile
printf 'testcase\r\n' >crlfinrepo
git add crlfinrepo
ci Ninth -m "add crlfinrepo"
git config core.autocrlf true
mv crlfinrepo tmp
git checkout crlfinrepo
rm tmp
"#;

#[test]
fn corner_cases_history_matches_git() {
    check("t8003 corner cases", CORNER_CASES, &["HEAD", "HEAD~5", "HEAD~7", "HEAD~9", "noname", "nomail"]);
}

/// t8003's CRLF case with a `text` attribute instead of `core.autocrlf`.
#[test]
fn crlf_with_a_text_attribute_matches_git() {
    let script = r#"
printf 'testcase\n' >crlffile
printf 'crlffile text\n' >.gitattributes
git add crlffile .gitattributes
ci A -m testcase
printf 'testcase\r\nsecond\r\n' >crlffile
printf 'x\r\n' >other
printf 'other text eol=crlf\n' >>.gitattributes
git add other
ci B -m other
printf 'x\r\ny\r\n' >other
"#;
    check("crlf text attribute", script, &[]);
}

/// t8004: a merge stopped on a conflict; git blames the working tree with `MERGE_HEAD` as a second parent,
/// including a file deleted on HEAD but changed on the other side.
const CONFLICTS: &str = r#"
printf 'a\nb\nc\nd\ne\n' >file
printf 'keep\nme\n' >del
git add file del
ci A -m base
git checkout -q -b side
printf 'a\nb side\nc\nd\ne\nf side\n' >file
printf 'keep\nme\nside\n' >del
printf 'x\ny\n' >new
git add new
ci B -a -m side
git checkout -q main
printf 'a\nb main\nc\nd\ne\n' >file
git rm -q del
ci C -a -m main
tick
git merge -q side >/dev/null 2>&1 || true
"#;

#[test]
fn conflicted_merge_history_matches_git() {
    check("t8004 conflicts", CONFLICTS, &["main", "side"]);
}

/// t8005: commits recorded in other encodings (`i18n.commitEncoding`); git converts names and subjects.
const ENCODINGS: &str = r#"
echo one >file
git add file
git config i18n.commitEncoding ISO8859-1
tick
GIT_AUTHOR_NAME="$(printf 'Fran\347ois')" GIT_AUTHOR_EMAIL=f@test.git git commit -q -m "$(printf 'caf\351 latin-1')"
echo two >>file
git config i18n.commitEncoding EUC-JP
tick
GIT_AUTHOR_NAME="$(printf '\306\374\313\334')" GIT_AUTHOR_EMAIL=j@test.git git commit -q -a -m "$(printf '\306\374\313\334\270\354')"
echo three >>file
git config i18n.commitEncoding Shift_JIS
tick
GIT_AUTHOR_NAME="$(printf '\223\372\226\173')" GIT_AUTHOR_EMAIL=s@test.git git commit -q -a -m "$(printf '\223\372\226\173\214\352')"
git config --unset i18n.commitEncoding
"#;

#[test]
fn commits_in_other_encodings_match_git() {
    let Some((_temp, history)) = check("t8005 encodings", ENCODINGS, &[]) else { return };
    // Names and subjects come out as git prints them: converted to UTF-8.
    let theirs = blame_support::parse_porcelain(&history.git_out(&["blame", "--porcelain", "file"]).expect("git"));
    let options = runbook::locate::BlameOptions { file: history.repo.join("file"), lines: None, rev: None };
    let ours = runbook::locate::blame(&options).expect("blame");
    let pairs: Vec<_> = ours.iter().map(|l| (l.author.clone(), l.summary.clone())).collect();
    let expected: Vec<_> = theirs.iter().map(|l| (l.author.clone(), l.summary.clone())).collect();
    assert_eq!(pairs, expected);
}

/// t8008/t8009: a topic branch forked, both sides edit, merged, the topic edited again and merged again.
const TOPICS: &str = r#"
for i in 1 2 3 4 5 6 7 8 9 10; do echo "line $i of the shared file"; done >file
git add file
ci A -m base
git checkout -q -b topic
sed -e 's/line 3 of/line three of/' <file >f && mv f file
ci B -a -m "topic: three"
git checkout -q main
sed -e 's/line 8 of/line eight of/' <file >f && mv f file
ci C -a -m "main: eight"
tick
git merge -q --no-edit topic
git checkout -q topic
sed -e 's/line 5 of/line five of/' <file >f && mv f file
ci D -a -m "topic: five"
git checkout -q main
tick
git merge -q --no-edit topic
echo "after the merges" >>file
ci E -a -m "main: append"
"#;

#[test]
fn topic_branches_history_matches_git() {
    check("t8008/t8009 topic branches", TOPICS, &["main", "topic", "main~1", "main~2"]);
}

/// t8011: two files modified in the same commit, then concatenated into one and deleted; and the issue's
/// triggers: `cp a b; git mv a c` in one commit, and a file split in two.
const SPLITS: &str = r#"
seq 1000 1010 >one
seq 2000 2010 >two
git add one two
ci A -m base
sed "6s/^/modified /" <one >one.tmp && mv one.tmp one
sed "6s/^/modified /" <two >two.tmp && mv two.tmp two
ci B -a -m modified
cat one two >combined
git add combined
git rm -q one two
ci C -m combined
for i in $(seq 1 40); do echo "func part$i() { return $i * 7 } // the original file"; done >a.go
git add a.go
ci D -m "a.go"
sed "3s/return/yield/" <a.go >a.tmp && mv a.tmp a.go
ci E -a -m "a.go: edit"
cp a.go b.go
git add b.go
git mv a.go c.go
ci F -m "copy a to b and move a to c"
for i in $(seq 1 60); do echo "type T$i struct { field$i int } // the big file to split"; done >big.go
git add big.go
ci G -m big
head -n 30 big.go >first.go
tail -n 30 big.go >second.go
git rm -q big.go
git add first.go second.go
ci H -m "split big.go in two"
"#;

#[test]
fn split_and_copied_files_match_git() {
    check("t8011 splits and copies", SPLITS, &["HEAD", "HEAD~1", "HEAD~3", "HEAD~6"]);
}

/// t8015: a reformatting commit between two edits (what `blame.ignoreRevsFile` is for; blamed plainly here).
const REFORMAT: &str = r#"
printf 'if (a) {\n  b();\n}\nc();\n' >code.c
git add code.c
ci A -m code
printf 'if (a) {\n    b();\n}\nc();\nd();\n' >code.c
ci B -a -m "reformat and add d"
printf 'if (a) {\n    b(1);\n}\nc();\nd();\n' >code.c
ci C -a -m "b takes one"
"#;

#[test]
fn reformatting_history_matches_git() {
    check("t8015 reformat", REFORMAT, &["HEAD~1"]);
}
