//! `locate::xdiff` gives exactly the hunks libgit2's xdiff gives (zero context, indent heuristic, text), the
//! diff blame relies on: on random edit pairs built to hit every rule (repeated and blank lines, indentation
//! changes, CRLF, no final newline, empty sides, lines with very many matches, large diffs past the search's
//! cost limits), on every modified file of every commit of this repository, and on the cases that once
//! differed. libgit2's `Patch::from_buffers` is the oracle.

use crate::common::Rng;
use git2::{DiffOptions, Patch};
use runbook::locate::xdiff::{diff, Hunk};

/// libgit2's hunks for the same diff, as `blame_diff` read them before it had its own diff.
fn oracle(before: &[u8], after: &[u8]) -> Vec<Hunk> {
    let mut options = DiffOptions::new();
    options.context_lines(0).interhunk_lines(0).indent_heuristic(true).force_text(true);
    let patch = Patch::from_buffers(before, None, after, None, Some(&mut options)).expect("libgit2 diff");
    (0..patch.num_hunks())
        .map(|index| {
            let (hunk, _) = patch.hunk(index).expect("hunk");
            let start = |start: u32, len: u32| if len == 0 { start as usize } else { start as usize - 1 };
            Hunk {
                before_start: start(hunk.old_start(), hunk.old_lines()),
                before_len: hunk.old_lines() as usize,
                after_start: start(hunk.new_start(), hunk.new_lines()),
                after_len: hunk.new_lines() as usize,
            }
        })
        .collect()
}

fn assert_same(before: &[u8], after: &[u8], what: &str) {
    let (ours, theirs) = (diff(before, after), oracle(before, after));
    assert!(
        ours == theirs,
        "{what}: hunks differ\nbefore: {:?}\nafter: {:?}\nours: {ours:?}\nlibgit2: {theirs:?}",
        String::from_utf8_lossy(before),
        String::from_utf8_lossy(after)
    );
}

/// Lines a Go file is made of, with the repeats, blanks and indentation the heuristics care about.
const GO_LINES: &[&str] = &[
    "}\n",
    "\n",
    "\treturn nil\n",
    "\treturn err\n",
    "\tif err != nil {\n",
    "\t}\n",
    "\t\tx++\n",
    "func f() {\n",
    "// comment\n",
    "    spaced\n",
    "  \n",
    "\t\n",
    "x\n",
    "\t} else {\n",
    "\r\n",
    "}\r\n",
    "\tif err != nil {\r\n",
    // Not "\x0b" or "\x0c" at a line's start: there libgit2 and git disagree, and we follow git (pinned below).
    "x\x0b\x0c odd space\n",
];

/// A random edit of `lines`: insertions, deletions, replacements, a duplicated or moved block, re-indented
/// lines; `fresh` makes new unique lines.
fn edit(rng: &mut Rng, lines: &[String], vocabulary: &[&str], edits: usize, fresh: &mut usize) -> Vec<String> {
    let mut out = lines.to_vec();
    for _ in 0..edits {
        let at = rng.below(out.len() + 1);
        let pick = |rng: &mut Rng, fresh: &mut usize| match rng.below(4) {
            0 => {
                *fresh += 1;
                format!("unique {fresh}\n")
            }
            _ => vocabulary[rng.below(vocabulary.len())].to_owned(),
        };
        match rng.below(7) {
            0 | 1 => {
                for _ in 0..1 + rng.below(4) {
                    let line = pick(rng, fresh);
                    out.insert(at.min(out.len()), line);
                }
            }
            2 if at < out.len() => {
                let n = (1 + rng.below(4)).min(out.len() - at);
                out.drain(at..at + n);
            }
            3 if at < out.len() => out[at] = pick(rng, fresh),
            4 if at < out.len() => {
                let n = (1 + rng.below(6)).min(out.len() - at);
                let block: Vec<String> = out[at..at + n].to_vec();
                let to = rng.below(out.len() + 1);
                for (k, line) in block.into_iter().enumerate() {
                    out.insert(to + k, line);
                }
            }
            5 if at < out.len() => {
                let n = (1 + rng.below(6)).min(out.len() - at);
                let block: Vec<String> = out.drain(at..at + n).collect();
                let to = rng.below(out.len() + 1);
                for (k, line) in block.into_iter().enumerate() {
                    out.insert(to + k, line);
                }
            }
            6 if at < out.len() => out[at] = format!("\t{}", out[at]),
            _ => {}
        }
    }
    out
}

fn join(lines: &[String], strip_final_newline: bool) -> Vec<u8> {
    let mut text = lines.concat().into_bytes();
    if strip_final_newline && text.last() == Some(&b'\n') {
        text.pop();
    }
    text
}

#[test]
fn random_small_edits_agree_with_libgit2() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut fresh = 0;
    for case in 0..6000 {
        let size = rng.below(50);
        let before: Vec<String> = (0..size).map(|_| GO_LINES[rng.below(GO_LINES.len())].to_owned()).collect();
        let edits = rng.below(5);
        let after = edit(&mut rng, &before, GO_LINES, edits, &mut fresh);
        let (strip_a, strip_b) = (rng.below(4) == 0, rng.below(4) == 0);
        assert_same(&join(&before, strip_a), &join(&after, strip_b), &format!("case {case}"));
    }
}

#[test]
fn random_code_like_files_agree_with_libgit2() {
    // A few hundred lines, mostly distinct, with Go's repeated lines between them: blame's usual diff.
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut fresh = 1_000_000;
    for case in 0..1500 {
        let size = 50 + rng.below(400);
        let before: Vec<String> = (0..size)
            .map(|i| match rng.below(3) {
                0 => format!("\tline {} of {}\n", i, rng.below(50)),
                _ => GO_LINES[rng.below(GO_LINES.len())].to_owned(),
            })
            .collect();
        let edits = 1 + rng.below(12);
        let after = edit(&mut rng, &before, GO_LINES, edits, &mut fresh);
        assert_same(&join(&before, false), &join(&after, rng.below(8) == 0), &format!("case {case}"));
    }
}

#[test]
fn large_diffs_past_the_cost_limits_agree_with_libgit2() {
    // Thousands of lines and hundreds of edits: the search gives up on a shortest script (snake and
    // furthest-point splits), and lines with very many matches are set aside.
    let mut rng = Rng(0x5851_f42d_4c95_7f2d);
    let mut fresh = 2_000_000;
    for case in 0..40 {
        let size = 1000 + rng.below(4000);
        let distinct = 20 + rng.below(2000);
        let before: Vec<String> = (0..size)
            .map(|_| match rng.below(4) {
                0 => GO_LINES[rng.below(GO_LINES.len())].to_owned(),
                _ => format!("line {}\n", rng.below(distinct)),
            })
            .collect();
        let edits = 50 + rng.below(800);
        let after = edit(&mut rng, &before, GO_LINES, edits, &mut fresh);
        assert_same(&join(&before, false), &join(&after, false), &format!("case {case}"));
    }
}

#[test]
fn runs_and_repeating_patterns_agree_with_libgit2() {
    // Two or three kinds of lines in long runs and short periods: change groups that can slide far, where
    // the range of positions the indent heuristic scores decides the answer.
    let mut rng = Rng(0x1405_7b7e_f767_814f);
    let kinds = ["x\n", "\n", "\tx\n", "}\n", "  y\n"];
    for case in 0..4000 {
        let vocabulary: Vec<&str> = (0..2 + rng.below(2)).map(|_| kinds[rng.below(kinds.len())]).collect();
        let period = 1 + rng.below(3);
        let pattern: Vec<&str> = (0..period).map(|_| vocabulary[rng.below(vocabulary.len())]).collect();
        let size = rng.below(60);
        let mut before: Vec<String> = (0..size).map(|i| pattern[i % period].to_owned()).collect();
        if rng.below(2) == 0 && !before.is_empty() {
            let at = rng.below(before.len());
            before[at] = "anchor\n".to_owned();
        }
        let mut after = before.clone();
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(after.len() + 1);
            let n = 1 + rng.below(2 * period + 2);
            match rng.below(2) {
                0 => {
                    for k in 0..n {
                        after.insert(at + k, pattern[(at + k) % period].to_owned());
                    }
                }
                _ => drop(after.drain(at..(at + n).min(after.len()))),
            }
        }
        assert_same(&join(&before, false), &join(&after, false), &format!("case {case}"));
    }
}

#[test]
fn very_large_files_with_moved_blocks_agree_with_libgit2() {
    // Past 65,536 diagonals the search's cost limit rises above 256, so a split on a long diagonal run
    // (more than 20 equal lines, well ahead of the edits so far) happens before the furthest-point one.
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    for case in 0..3 {
        let size = 34_000 + rng.below(4000);
        let before: Vec<String> = (0..size).map(|_| format!("line {}\n", rng.below(size))).collect();
        let mut after = before.clone();
        for _ in 0..300 + rng.below(300) {
            let at = rng.below(after.len());
            let n = (5 + rng.below(30)).min(after.len() - at);
            let block: Vec<String> = after.drain(at..at + n).collect();
            let to = rng.below(after.len() + 1);
            for (k, line) in block.into_iter().enumerate() {
                after.insert(to + k, line);
            }
        }
        assert_same(&join(&before, false), &join(&after, false), &format!("case {case}"));
    }
}

/// Cases whose answer `git diff -U0` (2.47) gives, pinned with it: each depends on one rule.
#[test]
fn changes_land_where_git_puts_them() {
    let hunk =
        |before_start, before_len, after_start, after_len| Hunk { before_start, before_len, after_start, after_len };
    let cases = [
        // The indent heuristic: the insertion opens at the block's start, not at the bottom of its slide
        // (git without the heuristic: @@ -2,0 +3,4 @@).
        (
            "\treturn nil\n\tif err != nil {\n\t\tx++\n\t}\n\n\nx\n",
            "\treturn nil\n\tif err != nil {\nfunc f() {\n}\n}\n\tif err != nil {\n\t\tx++\n\t}\n\n\nx\n",
            vec![hunk(1, 0, 1, 4)],
        ),
        // The indent heuristic with blank lines (without it: @@ -4,0 +5,3 @@).
        (
            "func f() {\n}\n}\n\t}\n\tif err != nil {\n}\n",
            "func f() {\n}\n}\n\t}\n\n\n\t}\n\tif err != nil {\n}\n",
            vec![hunk(3, 0, 3, 3)],
        ),
        // A deletion in a repeated stretch slides down as far as it goes.
        ("a\nb\nx\na\nb\nc\n", "a\nb\nc\n", vec![hunk(2, 3, 2, 0)]),
        // An insertion that can slide lines up with the other side's change: one replacement.
        ("x\nA\nx\n", "x\nx\nB\nx\n", vec![hunk(1, 1, 1, 2)]),
    ];
    for (before, after, expected) in cases {
        assert_eq!(diff(before.as_bytes(), after.as_bytes()), expected, "{before:?} -> {after:?}");
        assert_same(before.as_bytes(), after.as_bytes(), "pinned");
    }
}

/// A vertical tab or form feed (page breaks in old sources) ends a line's indent for git, not for libgit2:
/// here git 2.47's `git diff -U0` starts the first hunk one line lower than libgit2. Blame follows git.
#[test]
fn vertical_tab_and_form_feed_are_not_indentation_as_in_git() {
    let before = "// comment\n}\r\n}\n}\n\n\t}\n}\r\n\x0b\x0c odd space\nx\n\r\n\n\t\tx++\n\t} else {\n\nfunc f() {\n}\r\n}\n\t\n\r\n\t\tx++\nx\n    spaced\n\t\tx++\n\treturn err\n}\r\n\n\t\tx++\n    spaced\n\treturn err\n\treturn nil\n\n  \n\t\n\t} else {\n\treturn nil\n";
    let after = "// comment\n}\r\n}\n}\n\n\t}\n}\r\n}\r\n\x0b\x0c odd space\nx\n\r\n\n\t\tx++\n\t} else {\n\nfunc f() {\n}\n\t\n\r\n\t\tx++\nx\n    spaced\n\t\tx++\n\treturn err\n}\r\n\n\t\tx++\n    spaced\n\treturn err\n\treturn nil\n\n  \n\t\n\t} else {\n\treturn nil\nunique 157\nunique 156\n";
    let hunk =
        |before_start, before_len, after_start, after_len| Hunk { before_start, before_len, after_start, after_len };
    let git = vec![hunk(7, 0, 7, 1), hunk(15, 1, 16, 0), hunk(35, 0, 35, 2)];
    assert_eq!(diff(before.as_bytes(), after.as_bytes()), git);
    assert_eq!(oracle(before.as_bytes(), after.as_bytes())[0], hunk(6, 0, 6, 1), "libgit2 differs from git here");
}

/// The hunks of `git diff --no-index -U0` (files under 1 KiB, so git's common-tail trimming is a no-op).
fn git_hunks(git_path: &std::path::Path, dir: &std::path::Path, before: &[u8], after: &[u8]) -> Vec<Hunk> {
    std::fs::write(dir.join("a"), before).expect("write a");
    std::fs::write(dir.join("b"), after).expect("write b");
    let out = crate::common::git_command(git_path, dir)
        .args(["-c", "core.autocrlf=false", "diff", "--no-index", "--no-ext-diff", "--no-color", "-U0"])
        .args(["--indent-heuristic", "--diff-algorithm=myers", "a", "b"])
        .output()
        .expect("run git diff");
    assert!(out.status.code().is_some_and(|code| code <= 1), "git diff failed: {out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    let range = |field: &str| -> (usize, usize) {
        let (start, len) = field[1..].split_once(',').unwrap_or((&field[1..], "1"));
        let (start, len): (usize, usize) = (start.parse().expect("start"), len.parse().expect("len"));
        (if len == 0 { start } else { start - 1 }, len)
    };
    text.lines()
        .filter(|line| line.starts_with("@@ "))
        .map(|line| {
            let mut fields = line.split(' ').skip(1);
            let (before_start, before_len) = range(fields.next().expect("old range"));
            let (after_start, after_len) = range(fields.next().expect("new range"));
            Hunk { before_start, before_len, after_start, after_len }
        })
        .collect()
}

/// The final word is git's: small random edits (vertical tabs and form feeds at line starts included)
/// diffed by `git diff -U0` itself.
#[test]
fn random_small_edits_agree_with_git_diff() {
    let Some(git_path) = crate::common::git_tool() else {
        return;
    };
    let temp = tempfile::tempdir().expect("tempdir");
    let mut vocabulary = GO_LINES.to_vec();
    vocabulary.extend(["\x0b\x0c page\n", "\x0c\n", "\x0b\tx\n"]);
    let mut rng = Rng(0x7f4a_7c15_9e37_79b9);
    let mut fresh = 0;
    let mut compared = 0;
    for case in 0..600 {
        let size = rng.below(40);
        let before: Vec<String> = (0..size).map(|_| vocabulary[rng.below(vocabulary.len())].to_owned()).collect();
        let edits = rng.below(5);
        let after = edit(&mut rng, &before, &vocabulary, edits, &mut fresh);
        let (before, after) = (join(&before, rng.below(4) == 0), join(&after, rng.below(4) == 0));
        if before.len() >= 1024 || after.len() >= 1024 {
            continue;
        }
        let theirs = git_hunks(&git_path, temp.path(), &before, &after);
        assert_eq!(
            diff(&before, &after),
            theirs,
            "case {case}: {:?} -> {:?}",
            String::from_utf8_lossy(&before),
            String::from_utf8_lossy(&after)
        );
        compared += 1;
    }
    assert!(compared > 500, "most cases fit under 1 KiB ({compared})");
}

#[test]
fn empty_sides_agree_with_libgit2() {
    for (before, after) in
        [("", ""), ("", "a\n"), ("a\n", ""), ("a", ""), ("", "a"), ("a", "a\n"), ("a\n", "a"), ("\n", "\n\n")]
    {
        assert_same(before.as_bytes(), after.as_bytes(), "empty");
    }
}

/// Every modification of a file by a commit of this repository (against its first parent), as blame
/// meets them.
#[test]
fn every_file_change_in_this_repository_agrees_with_libgit2() {
    let Ok(repo) = git2::Repository::discover(env!("CARGO_MANIFEST_DIR")) else {
        println!("skipped: not in a git repository");
        return;
    };
    let mut walk = repo.revwalk().expect("revwalk");
    walk.push_head().expect("HEAD");
    let mut pairs = 0;
    for oid in walk {
        let commit = repo.find_commit(oid.expect("commit id")).expect("commit");
        let Ok(parent) = commit.parent(0) else { continue };
        let (old, new) = (parent.tree().expect("tree"), commit.tree().expect("tree"));
        let changes = repo.diff_tree_to_tree(Some(&old), Some(&new), None).expect("tree diff");
        for delta in changes.deltas().filter(|d| d.status() == git2::Delta::Modified) {
            let (Ok(a), Ok(b)) = (repo.find_blob(delta.old_file().id()), repo.find_blob(delta.new_file().id())) else {
                continue;
            };
            let what =
                format!("{} in {}", delta.new_file().path().unwrap_or_else(|| "?".as_ref()).display(), commit.id());
            assert_same(a.content(), b.content(), &what);
            pairs += 1;
        }
    }
    assert!(pairs > 100, "this repository's history should give many pairs ({pairs})");
}
