//! Issue 16: `blame -M` and `-C` give `git blame -M`/`-C`'s commit, original line and original path for every
//! line. Scripted histories for each case git's move/copy detection decides (a function moved within a file,
//! a block moved to another file, a copy from a file the commit did not touch, a move too small to count, a
//! move with an edit), and seeded random histories of moves, copies and splits; each file is compared with
//! `git blame --porcelain` under no flag, `-M`, `-C`, `-C -C` and `-C -C -C`. How many lines each flag
//! changes against plain blame is printed (run with `--nocapture`) for git and for us.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test set-up that fails should panic loudly

use crate::blame_support;
use crate::common;

use blame_support::{build, parse_porcelain, History, Tally};
use runbook::locate::{blame_ranges_with, BlameOptions, MoveCopy};

/// The flag sets compared, as git takes them and as `MoveCopy`.
fn flag_sets() -> Vec<(&'static [&'static str], MoveCopy)> {
    let moves = MoveCopy { moves: true, ..MoveCopy::default() };
    let copies = |copies| MoveCopy { moves: true, copies, ..MoveCopy::default() };
    vec![
        (&[], MoveCopy::default()),
        (&["-M"], moves),
        (&["-C"], copies(1)),
        (&["-C", "-C"], copies(2)),
        (&["-C", "-C", "-C"], copies(3)),
    ]
}

/// One comparison's result: the tally, and how many lines git's and our answers changed against plain blame.
#[derive(Default, Debug, Clone, Copy)]
pub(crate) struct Outcome {
    pub tally: Tally,
    pub git_changed: usize,
    pub ours_changed: usize,
}

/// Compares `path` (as of `rev`, or the working tree) under `flags`/`detect` with git, line by line: commit,
/// orig line, orig path. `plain` is git's answer without flags, for the change counts.
fn compare(history: &mut History, path: &str, rev: Option<&str>, flags: &[&str], detect: MoveCopy) -> Outcome {
    let porcelain = |extra: &[&str]| {
        let mut args = vec!["blame", "--porcelain"];
        args.extend(extra);
        args.extend(rev);
        args.extend(["--", path]);
        history.git_out(&args).map(|out| parse_porcelain(&out))
    };
    let (Some(theirs), Some(plain)) = (porcelain(flags), porcelain(&[])) else { return Outcome::default() };
    let options = BlameOptions { file: history.repo.join(path), lines: None, rev: rev.map(str::to_owned) };
    let mut outcome = Outcome { tally: Tally { lines: theirs.len(), ..Tally::default() }, ..Outcome::default() };
    let ours = match blame_ranges_with(&options, &[], detect) {
        Ok(lines) => lines,
        Err(err) => {
            history.problems.push(format!("{path} @{rev:?} {flags:?}: failed where git succeeds: {err}"));
            outcome.tally.failed = 1;
            return outcome;
        }
    };
    if ours.len() != theirs.len() {
        history.problems.push(format!("{path} @{rev:?} {flags:?}: {} lines, git has {}", ours.len(), theirs.len()));
        outcome.tally.differing = theirs.len();
        return outcome;
    }
    for ((o, t), p) in ours.iter().zip(&theirs).zip(&plain) {
        outcome.git_changed += usize::from(t.commit != p.commit);
        outcome.ours_changed += usize::from(o.commit != p.commit);
        if o.commit != t.commit || o.orig_line != t.orig_line || o.orig_path != t.orig_path {
            outcome.tally.differing += 1;
            history.problems.push(format!(
                "{path} @{rev:?} {flags:?} line {}: ours {} {}:{}, git {} {}:{}",
                t.final_line,
                &o.commit[..8],
                o.orig_path,
                o.orig_line,
                &t.commit[..8],
                t.orig_path,
                t.orig_line
            ));
        }
    }
    outcome
}

/// Every tracked file in the working tree and at `revs`, under every flag set; asserts no difference and returns, per flag
/// set, the outcome summed over files.
pub(crate) fn check_all(name: &str, history: &mut History, revs: &[&str]) -> Vec<Outcome> {
    let mut totals = Vec::new();
    for (flags, detect) in flag_sets() {
        let mut total = Outcome::default();
        // The working tree (HEAD's content in a clean checkout), then each revision.
        for rev in std::iter::once(None).chain(revs.iter().copied().map(Some)) {
            for path in history.paths(rev) {
                if rev.is_none() && !history.repo.join(&path).is_file() {
                    continue;
                }
                let found = compare(history, &path, rev, flags, detect);
                total.tally += found.tally;
                total.git_changed += found.git_changed;
                total.ours_changed += found.ours_changed;
            }
        }
        println!(
            "{name} {flags:?}: {} lines, {} differing, {} failed; changed vs plain blame: git {}, ours {}",
            total.tally.lines, total.tally.differing, total.tally.failed, total.git_changed, total.ours_changed
        );
        totals.push(total);
    }
    let first = &history.problems[..history.problems.len().min(12)];
    let bad: usize = totals.iter().map(|t| t.tally.differing + t.tally.failed).sum();
    assert_eq!(bad, 0, "{name}: {first:#?}");
    assert!(totals.iter().all(|t| t.tally.lines > 0), "{name}: nothing compared");
    totals
}

fn scenario(name: &str, script: &str, revs: &[&str]) -> Option<Vec<Outcome>> {
    let temp = tempfile::tempdir().expect("tempdir");
    let mut history = build(temp.path(), script)?;
    Some(check_all(name, &mut history, revs))
}

/// Two functions with enough letters to be found (each line well above the thresholds together).
const TWO_FUNCTIONS: &str = r#"
cat >a.go <<'EOF'
package store

func alpha(values []int) int {
	total := 0
	for _, value := range values {
		total += value
	}
	return total
}

func beta(name string) string {
	greeting := "hello " + name
	return strings.ToUpper(greeting)
}
EOF
git add a.go
ci Ann -m "alpha and beta"
"#;

#[test]
fn a_function_moved_within_a_file_keeps_its_commit_with_dash_m() {
    let script = format!(
        "{TWO_FUNCTIONS}{}",
        r#"
cat >a.go <<'EOF'
package store

func beta(name string) string {
	greeting := "hello " + name
	return strings.ToUpper(greeting)
}

func alpha(values []int) int {
	total := 0
	for _, value := range values {
		total += value
	}
	return total
}
EOF
ci Bob -a -m "move alpha below beta"
"#
    );
    let Some(totals) = scenario("moved within a file", &script, &["HEAD~1"]) else { return };
    // Plain blame puts one function on the move; -M gives it back to its author.
    assert!(totals[1].git_changed > 0 && totals[1].ours_changed == totals[1].git_changed);
}

#[test]
fn a_block_moved_to_another_file_in_the_same_commit_is_found_with_dash_c() {
    let script = format!(
        "{TWO_FUNCTIONS}{}",
        r#"
cat >b.go <<'EOF'
package store

// helpers moved out of a.go

func alpha(values []int) int {
	total := 0
	for _, value := range values {
		total += value
	}
	return total
}
EOF
cat >a.go <<'EOF'
package store

func beta(name string) string {
	greeting := "hello " + name
	return strings.ToUpper(greeting)
}
EOF
git add b.go
ci Bob -a -m "move alpha to b.go"
echo "// more" >>b.go
ci Cat -a -m "touch b.go"
"#
    );
    let Some(totals) = scenario("moved to another file", &script, &["HEAD~1"]) else { return };
    // -M alone does not look in other files; -C does.
    assert_eq!(totals[1].git_changed, 0);
    assert!(totals[2].git_changed > 0);
}

#[test]
fn a_copy_from_a_file_the_commit_did_not_touch_needs_dash_c_twice() {
    let script = format!(
        "{TWO_FUNCTIONS}{}",
        r#"
cat >c.go <<'EOF'
package store

func beta(name string) string {
	greeting := "hello " + name
	return strings.ToUpper(greeting)
}
EOF
git add c.go
ci Bob -m "copy beta into a new file"
cat >d.go <<'EOF'
package store

var unrelated = 1
EOF
git add d.go
ci Cat -m "d.go"
cat >>d.go <<'EOF'

func alpha(values []int) int {
	total := 0
	for _, value := range values {
		total += value
	}
	return total
}
EOF
ci Dan -a -m "copy alpha into an existing file"
"#
    );
    let Some(totals) = scenario("copied from an untouched file", &script, &["HEAD~1", "HEAD~2"]) else { return };
    let changed: Vec<usize> = totals.iter().map(|t| t.git_changed).collect();
    // -C -C finds the copy into the new file, only -C -C -C the one into the existing file.
    assert!(changed[3] > changed[2] && changed[4] > changed[3], "{changed:?}");
}

#[test]
fn moved_lines_below_the_score_stay_on_the_moving_commit() {
    // The moved block `}` / `x` / `end` scores 1 + 5 letters: never above 20. Four longer lines stay in
    // place, so the diff sees the block as what moved.
    let script = r#"
printf 'one line of words\ntwo lines of words\nthree lines of words\nfour lines of words\n}\nx\nend\nlast\n' >f
git add f
ci Ann -m "small block"
printf '}\nx\nend\none line of words\ntwo lines of words\nthree lines of words\nfour lines of words\nlast\n' >f
ci Bob -a -m "move the small block"
"#;
    let Some(totals) = scenario("below the threshold", script, &[]) else { return };
    assert!(totals.iter().all(|t| t.git_changed == 0), "a piece scoring 6 never moves at 20");
    // With a lower score given (git's -M3), the same piece moves: compared with git too.
    let temp = tempfile::tempdir().expect("tempdir");
    let Some(mut history) = build(temp.path(), script) else { return };
    let low = MoveCopy { moves: true, move_score: 3, ..MoveCopy::default() };
    let found = compare(&mut history, "f", Some("HEAD"), &["-M3"], low);
    assert_eq!((found.tally.differing, found.tally.failed), (0, 0), "{:#?}", history.problems);
    assert!(found.git_changed > 0, "-M3 moves the block");
}

#[test]
fn a_move_with_an_edit_inside_keeps_the_unedited_lines() {
    let script = format!(
        "{TWO_FUNCTIONS}{}",
        r#"
cat >a.go <<'EOF'
package store

func beta(name string) string {
	greeting := "hello " + name
	return strings.ToUpper(greeting)
}

func alpha(values []int) int {
	total := 0
	for index, value := range values {
		total += value * index
	}
	return total
}
EOF
ci Bob -a -m "move alpha and weigh by index"
"#
    );
    let Some(totals) = scenario("move and edit", &script, &[]) else { return };
    assert!(totals[1].git_changed > 0);
}

#[test]
fn the_cli_takes_git_flags_and_scores_and_gives_gits_answer() {
    let Some(git) = common::git_tool() else { return };
    let temp = tempfile::tempdir().expect("tempdir");
    let script = format!(
        "{TWO_FUNCTIONS}{}",
        r#"
cat >b.go <<'EOF'
package store

func alpha(values []int) int {
	total := 0
	for _, value := range values {
		total += value
	}
	return total
}
EOF
printf 'package store\n' >a.go
git add b.go
ci Bob -a -m "move alpha to b.go"
"#
    );
    let Some(history) = build(temp.path(), &script) else { return };
    let home = tempfile::tempdir().expect("home");
    // Ranges too: each -L range starts as one run, as git's entries do.
    let flag_lists: [&[&str]; 6] =
        [&["-C"], &["-C40", "-M10"], &["-C", "-C"], &["-M"], &["-C", "-L", "4,6"], &["-C", "-L", "2,5", "-L", "7,9"]];
    for flags in flag_lists {
        let mut cmd = common::runbook(home.path());
        cmd.arg("blame").args(flags).arg("--json").arg(temp.path().join("b.go"));
        let output = cmd.output().expect("runbook");
        assert!(output.status.success(), "{flags:?}: {}", String::from_utf8_lossy(&output.stderr));
        let ours = common::json_lines(&output);
        let mut args = vec!["blame", "--porcelain"];
        args.extend(flags);
        args.push("b.go");
        let theirs = parse_porcelain(&common::git(&git, &history.repo, &args));
        assert_eq!(ours.len(), theirs.len());
        for (o, t) in ours.iter().zip(&theirs) {
            assert_eq!(o["commit"], t.commit.as_str(), "{flags:?} line {}", t.final_line);
            assert_eq!(o["orig_path"], t.orig_path.as_str(), "{flags:?} line {}", t.final_line);
            assert_eq!(o["orig_line"], t.orig_line, "{flags:?} line {}", t.final_line);
        }
    }
    // A score that is not a number is a usage error, exit 2.
    let output = common::runbook(home.path()).args(["blame", "-M=many"]).arg(temp.path().join("b.go")).output();
    let output = output.expect("runbook");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a score"));
}

#[test]
fn uncommitted_moves_and_copies_in_the_working_tree_are_found_as_git_finds_them() {
    // Uncommitted: alpha moved below beta in a.go; a new file (staged, as `git blame` needs) copying beta with
    // a line added; alpha copied into an existing file.
    let script = format!(
        "{TWO_FUNCTIONS}{}",
        r#"
printf 'package store\n\nvar kept = 1\n' >b.go
git add b.go
ci Bob -m "b.go"
cat >a.go <<'EOF'
package store

func beta(name string) string {
	greeting := "hello " + name
	return strings.ToUpper(greeting)
}

// alpha sums the values given
func alpha(values []int) int {
	total := 0
	for _, value := range values {
		total += value
	}
	return total
}
EOF
cat >c.go <<'EOF'
package store

func beta(name string) string {
	greeting := "hello " + name
	log.Printf("greeting %s", greeting)
	return strings.ToUpper(greeting)
}
EOF
git add c.go
cat >>b.go <<'EOF'

func alpha(values []int) int {
	total := 0
	for _, value := range values {
		total += value
	}
	return total
}
EOF
"#
    );
    let temp = tempfile::tempdir().expect("tempdir");
    let Some(mut history) = build(temp.path(), &script) else { return };
    let mut changed = Vec::new();
    for (flags, detect) in flag_sets() {
        let mut git_changed = 0;
        for path in ["a.go", "b.go", "c.go"] {
            let found = compare(&mut history, path, None, flags, detect);
            assert!(found.tally.lines > 0, "{path}: nothing compared");
            assert_eq!((found.tally.differing, found.tally.failed), (0, 0), "{flags:?}: {:#?}", history.problems);
            git_changed += found.git_changed;
        }
        changed.push(git_changed);
    }
    println!("working tree: changed vs plain blame per flag set: {changed:?}");
    assert!(changed[1] > 0 && changed[3] > changed[1], "{changed:?}");
}

/// git's t8003 corner cases for copies, rebuilt: a straight copy (`uno`) and a straight move (`dos`) of a
/// one-line file, an appended copy (`tres`), a file grown over three commits then copied wholesale (`cow`)
/// and edited; blamed with a score of 1 (`-C1`, `-C -C1`, `-C -C -C1`) as git's tests do.
#[test]
fn gits_corner_cases_for_copies_with_a_score_of_one() {
    let script = r#"
echo A A A A A >one
echo B B B B B >two
echo C C C C C >tres
echo ABC >mouse
git add one two tres mouse
ci Initial -m Initial
cat one >uno
git mv two dos
cat one >>tres
echo DEF >>mouse
git add uno
ci Second -a -m Second
echo GHIJK >>mouse
ci Third -a -m Third
cat mouse >cow
git add cow
ci Fourth -m Fourth
printf 'ABC\nDEF\nXXXX\nGHIJK\n' >cow
ci Fifth -a -m Fifth
"#;
    let temp = tempfile::tempdir().expect("tempdir");
    let Some(mut history) = build(temp.path(), script) else { return };
    let copies = |copies| MoveCopy { moves: true, copies, copy_score: 1, ..MoveCopy::default() };
    let sets: [(&[&str], MoveCopy); 4] = [
        (&["-C1"], copies(1)),
        (&["-C", "-C1"], copies(2)),
        (&["-C", "-C", "-C1"], copies(3)),
        (&["-M1"], MoveCopy { moves: true, move_score: 1, ..MoveCopy::default() }),
    ];
    let mut changed = Vec::new();
    for (flags, detect) in sets {
        let mut git_changed = 0;
        for rev in [None, Some("HEAD^")] {
            for path in history.paths(rev) {
                let found = compare(&mut history, &path, rev, flags, detect);
                assert_eq!((found.tally.differing, found.tally.failed), (0, 0), "{flags:?}: {:#?}", history.problems);
                git_changed += found.git_changed;
            }
        }
        changed.push(git_changed);
    }
    println!("t8003 copies: changed vs plain blame for -C1, -C -C1, -C -C -C1, -M1: {changed:?}");
    assert!(changed[1] > changed[0] && changed[2] > changed[1], "{changed:?}");
}
