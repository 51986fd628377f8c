//! One step of a blame: which of a file's lines a parent's version already had, as git's blame sees it.
//!
//! Kept apart from the history walk (`blame_engine`) because it is where "exactly git's answer" is decided:
//! git diffs the parent's blob against the child's with xdiff after trimming their common tail
//! (`trim_common_tail` in git's `xdiff-interface.c`), zero context, the indent heuristic on (git's
//! `diff.indentHeuristic` default), and no binary detection; `xdiff` (our copy of the algorithm, checked
//! against libgit2's) diffs the same trimmed buffers the same way.
//!
//! Most steps of a range blame need no diff at all, so `unchanged_without_diff` first proves, from xdiff's
//! own rules, when every tracked line is certain to come out unchanged at a known place.

use memchr::memmem;

use super::xdiff::{self, Hunk};

/// A line still looking for its commit: its index in the result, and its 0-based line in the current blob.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Suspect {
    pub slot: usize,
    pub line: usize,
}

/// git's `pass_blame_to_parent`: the suspects on lines the diff from `before` to `after` leaves unchanged
/// move to their line in `before` (first), the others stay (second). Both keep line order.
pub(crate) fn split_by_diff(
    before: &[u8],
    after: &[u8],
    suspects: &[Suspect],
) -> Result<(Vec<Suspect>, Vec<Suspect>), git2::Error> {
    let (before, after) = trim_common_tail(before, after);
    match unchanged_without_diff(before, after, suspects) {
        Some(passed) => Ok((passed, Vec::new())),
        None => split_through_xdiff(before, after, suspects),
    }
}

/// `split_by_diff` by running the diff, on tail-trimmed buffers.
fn split_through_xdiff(
    before: &[u8],
    after: &[u8],
    suspects: &[Suspect],
) -> Result<(Vec<Suspect>, Vec<Suspect>), git2::Error> {
    let changes = changed_runs(before, after)?;
    let (mut passed, mut kept) = (Vec::new(), Vec::new());
    let mut changes = changes.iter().peekable();
    // Lines before the next change map with the offset accumulated by the changes already passed.
    let mut offset: isize = 0;
    for &suspect in suspects {
        while let Some(change) = changes.next_if(|c| c.after_start + c.after_len <= suspect.line) {
            offset =
                (change.before_start + change.before_len) as isize - (change.after_start + change.after_len) as isize;
        }
        match changes.peek() {
            Some(change) if change.after_start <= suspect.line => kept.push(suspect),
            _ => passed.push(Suspect { slot: suspect.slot, line: (suspect.line as isize + offset) as usize }),
        }
    }
    Ok((passed, kept))
}

/// One change of a zero-context diff (0-based; see `xdiff::Hunk`).
pub(crate) type Change = Hunk;

/// The changes git's blame sees between two tail-trimmed blobs: xdiff's hunks with zero context, the indent
/// heuristic, no binary detection. Our own copy of the algorithm (`xdiff`), so no SHA-1 of the buffers as
/// in libgit2's `Patch::from_buffers`; `tests/xdiff_differential.rs` checks it gives libgit2's hunks. It
/// cannot fail; the `Result` stays for callers written against libgit2.
pub(crate) fn changed_runs(before: &[u8], after: &[u8]) -> Result<Vec<Change>, git2::Error> {
    Ok(xdiff::diff(before, after))
}

/// The changes git's blame sees between two whole buffers (tail-trimmed first, as git's `xdi_diff` does):
/// what `-M`/`-C` search with (`blame_moves`), one diff per run of suspects against a candidate file.
pub(crate) fn changes_between(before: &[u8], after: &[u8]) -> Result<Vec<Change>, git2::Error> {
    let (before, after) = trim_common_tail(before, after);
    changed_runs(before, after)
}

/// git's `trim_common_tail` (xdiff-interface.c): drops the longest common tail made of whole 1 KiB blocks,
/// then gives back bytes up to and including the first newline in it, so both sides still end on the same
/// line boundary. git diffs what is left, and where xdiff places a change can depend on it.
fn trim_common_tail<'a>(a: &'a [u8], b: &'a [u8]) -> (&'a [u8], &'a [u8]) {
    const BLOCK: usize = 1024;
    let smaller = a.len().min(b.len());
    let mut trimmed = 0;
    while trimmed + BLOCK <= smaller
        && a[a.len() - trimmed - BLOCK..a.len() - trimmed] == b[b.len() - trimmed - BLOCK..b.len() - trimmed]
    {
        trimmed += BLOCK;
    }
    let tail = &a[a.len() - trimmed..];
    let recovered = tail.iter().position(|&byte| byte == b'\n').map_or(trimmed, |at| at + 1);
    let cut = trimmed - recovered;
    (&a[..a.len() - cut], &b[..b.len() - cut])
}

/// The suspects' lines in `before` when xdiff cannot touch them, without running it; `None` when it might.
/// Both buffers are already tail-trimmed, as xdiff sees them. Two cases are certain:
/// - a line past the end of the trimmed `after` lies in the trimmed common tail: it is unchanged, and as
///   many lines from the end in `before`;
/// - a line at or above a line `u` of the common prefix whose content appears nowhere below `u` in either
///   buffer. xdiff never marks common-prefix lines as changed (`xdl_trim_ends` keeps them out of the
///   Myers pass); only `xdl_change_compact` can then slide a change group up into them, one line at a
///   time, and moving onto line `u` needs line `u` to equal the group's last line, which lies below `u`.
///   So no change reaches `u`, and every line up to `u` keeps its place (the first hunk starts below it
///   in both buffers). The indent heuristic only picks among positions the sliding reached.
fn unchanged_without_diff(before: &[u8], after: &[u8], suspects: &[Suspect]) -> Option<Vec<Suspect>> {
    let (records_before, records_after) = (records(before), records(after));
    let highest_in_diff = suspects.iter().map(|s| s.line).filter(|&line| line < records_after).max();
    if let Some(highest) = highest_in_diff {
        if !protected_line_at_or_below(before, after, highest) {
            return None;
        }
    }
    let moved = |s: &Suspect| match s.line < records_after {
        true => *s,
        false => Suspect { slot: s.slot, line: s.line - records_after + records_before },
    };
    Some(suspects.iter().map(moved).collect())
}

/// Whether some line `u >= highest` of the common line prefix has content found nowhere after it in
/// either buffer (see `unchanged_without_diff`). Tries the few prefix lines nearest the first difference.
fn protected_line_at_or_below(before: &[u8], after: &[u8], highest: usize) -> bool {
    const TRIES: usize = 3;
    let common = common_prefix(before, after);
    // Whole lines, each with its newline, inside the common bytes: records xdiff sees as equal.
    let prefix = &after[..after[..common].iter().rposition(|&b| b == b'\n').map_or(0, |at| at + 1)];
    let prefix_lines = memchr::memchr_iter(b'\n', prefix).count();
    if prefix_lines <= highest {
        return false;
    }
    // Walk back over the last lines of the prefix: line `u` spans prefix[start..end], newline included.
    let mut end = prefix.len();
    for u in (highest..prefix_lines).rev().take(TRIES) {
        let start = prefix[..end - 1].iter().rposition(|&b| b == b'\n').map_or(0, |at| at + 1);
        // The line with the newline before it, searched from line u's own newline on: a later whole line.
        let needle = &prefix[start.saturating_sub(1)..end];
        let anchored = start > 0;
        let later = |buffer: &[u8]| match anchored {
            true => memmem::find(&buffer[end - 1..], needle).is_some(),
            false => memmem::find(&buffer[end - 1..], &[b"\n", needle].concat()).is_some(),
        };
        if !later(before) && !later(after) {
            return u >= highest;
        }
        end = start;
    }
    false
}

/// The length of the common byte prefix, compared a block at a time (a memcmp) and then byte by byte.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 256;
    let shorter = a.len().min(b.len());
    let mut at = 0;
    while at + BLOCK <= shorter && a[at..at + BLOCK] == b[at..at + BLOCK] {
        at += BLOCK;
    }
    at + a[at..shorter].iter().zip(&b[at..shorter]).take_while(|(x, y)| x == y).count()
}

/// How many records xdiff makes of a buffer: its lines, counting a last line without a newline.
fn records(buffer: &[u8]) -> usize {
    let newlines = memchr::memchr_iter(b'\n', buffer).count();
    newlines + usize::from(buffer.last().is_some_and(|&b| b != b'\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(v: &[Suspect]) -> Vec<(usize, usize)> {
        v.iter().map(|s| (s.slot, s.line)).collect()
    }

    #[test]
    fn trim_keeps_whole_lines_and_only_common_whole_blocks() {
        let tail = "line\n".repeat(500); // 2,500 bytes: two whole blocks
        let a = format!("a\n{tail}");
        let b = format!("bb\n{tail}");
        let (ta, tb) = trim_common_tail(a.as_bytes(), b.as_bytes());
        assert_eq!(a.len() - ta.len(), b.len() - tb.len());
        // The trimmed 2 KiB starts with "ne\n" of a "line\n": those 3 bytes are given back.
        assert_eq!(a.len() - ta.len(), 2048 - 3, "two blocks, minus the bytes up to the first newline in them");
        assert!(ta.ends_with(b"\n") && tb.ends_with(b"\n"));
        let (ta, tb) = trim_common_tail(b"short\n", b"other\n");
        assert_eq!((ta, tb), (&b"short\n"[..], &b"other\n"[..]));
    }

    #[test]
    fn unchanged_lines_move_to_the_parent_with_the_offset_of_the_changes_above() {
        let before = b"a\nb\nc\nd\n";
        let after = b"new\na\nb\nC\nd\n";
        let suspects: Vec<Suspect> = (0..5).map(|line| Suspect { slot: line, line }).collect();
        let (passed, kept) = split_by_diff(before, after, &suspects).expect("diff");
        assert_eq!(lines(&kept), [(0, 0), (3, 3)]);
        assert_eq!(lines(&passed), [(1, 0), (2, 1), (4, 3)]);
    }

    #[test]
    fn the_shortcut_needs_a_prefix_line_that_no_change_can_slide_onto() {
        let top = [Suspect { slot: 0, line: 0 }, Suspect { slot: 1, line: 1 }];
        // "b" is unique below itself: lines 0 and 1 are safe whatever happens after line 2.
        let safe = unchanged_without_diff(b"a\nb\nc\n", b"a\nb\nc\nc\n", &top).expect("certain");
        assert_eq!(lines(&safe), [(0, 0), (1, 1)]);
        // Every prefix line recurs below (an inserted "x" may slide up to line 0): run the diff.
        assert!(unchanged_without_diff(b"x\nx\nx\n", b"x\nx\nx\nx\n", &top).is_none());
        // A suspect past the prefix is never decided without the diff.
        let low = [Suspect { slot: 0, line: 2 }];
        assert!(unchanged_without_diff(b"a\nb\nc\n", b"a\nb\nC\n", &low).is_none());
        // The first line, unique below: protected, though it has no newline before it.
        let first = [Suspect { slot: 0, line: 0 }];
        assert!(unchanged_without_diff(b"a\nc\n", b"a\nb\nc\n", &first).is_some());
        assert!(unchanged_without_diff(b"a\nc\n", b"a\na\nc\n", &first).is_none());
    }

    #[test]
    fn lines_in_the_trimmed_tail_move_by_the_line_difference() {
        let suspects = [Suspect { slot: 0, line: 3 }];
        // After trimming, `after` has 3 records and `before` 2: line 3 of after is line 2 of before.
        let moved = unchanged_without_diff(b"a\nb\n", b"a\nx\nb\n", &suspects).expect("tail");
        assert_eq!(lines(&moved), [(0, 2)]);
    }

    /// The shortcut's claim, checked against xdiff itself: on many random edits of files made of a few
    /// repeated lines (where change groups slide most), whenever it answers, the diff answers the same.
    #[test]
    fn the_shortcut_agrees_with_xdiff_whenever_it_answers() {
        let vocabulary = ["}\n", "\n", "\treturn nil\n", "x\n", "{\n", "\tif a {\n"];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut below = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut answered = 0;
        let uniques = ["one\n", "two\n", "three\n"];
        for _ in 0..5000 {
            let size = 1 + below(40);
            let mut before: Vec<&str> = (0..size).map(|_| vocabulary[below(vocabulary.len())]).collect();
            for unique in &uniques[..below(4)] {
                before.insert(below(before.len()), unique);
            }
            let mut after = before.clone();
            for _ in 0..1 + below(3) {
                let at = below(after.len() + 1);
                match below(3) {
                    0 if at < after.len() => drop(after.remove(at)),
                    _ => after.insert(at, vocabulary[below(vocabulary.len())]),
                }
            }
            let (before, after) = (before.concat(), after.concat());
            let lines = records(after.as_bytes());
            let suspects: Vec<Suspect> =
                (0..lines).filter(|_| below(3) == 0).map(|line| Suspect { slot: line, line }).collect();
            let (b, a) = trim_common_tail(before.as_bytes(), after.as_bytes());
            if let Some(passed) = unchanged_without_diff(b, a, &suspects) {
                answered += 1;
                let (by_diff, kept) = split_through_xdiff(b, a, &suspects).expect("diff");
                assert!(kept.is_empty(), "{before:?} -> {after:?}: the diff changes a line the shortcut kept");
                assert_eq!(lines_of(&passed), lines_of(&by_diff), "{before:?} -> {after:?}");
            }
        }
        assert!(answered > 250, "the shortcut should answer often ({answered})");
    }

    fn lines_of(v: &[Suspect]) -> Vec<(usize, usize)> {
        lines(v)
    }
}
