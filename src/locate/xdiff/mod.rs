//! A line diff that gives exactly the hunks git's xdiff gives for blame's diffs, without libgit2.
//!
//! Blame must place every change where git places it (the commit a postmortem quotes depends on it), and
//! libgit2's `Patch::from_buffers`, which carries the same xdiff, SHA-1s both buffers before every diff: a
//! third of a whole-file blame. This is the same algorithm, written from its published description (Myers'
//! O(ND) paper and the behaviour git documents), for the one configuration blame uses: zero context, the
//! indent heuristic on, no `--minimal`, no whitespace options. `tests/xdiff_differential.rs` keeps libgit2
//! as the oracle, except where libgit2 and git differ (vertical tabs and form feeds in the indent
//! heuristic, see `indent.rs`): there we follow git.
//!
//! The stages, one file each: `records` (lines, equivalence classes, the common ends, and the lines with
//! no or too many matches that are set aside before the search), `myers` (the divide-and-conquer search
//! with its cost limits), `compact` (sliding change groups to line up with the other side), `indent`
//! (the scoring that picks where a freely slidable group goes).

mod compact;
mod indent;
mod myers;
mod records;

use records::Prepared;

/// One change of a zero-context diff, 0-based: `before_len` lines at `before_start` became `after_len`
/// lines at `after_start` (a pure insertion sits before line `before_start`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hunk {
    pub before_start: usize,
    pub before_len: usize,
    pub after_start: usize,
    pub after_len: usize,
}

/// The hunks xdiff gives from `before` to `after` with zero context and the indent heuristic, in order.
/// Lines end after each `\n`; a last line without one is a line of its own kind ("a" differs from "a\n").
pub fn diff(before: &[u8], after: &[u8]) -> Vec<Hunk> {
    let mut prepared = Prepared::new(before, after);
    myers::search(&mut prepared);
    let Prepared { before, after, .. } = &mut prepared;
    compact::compact(before, after);
    compact::compact(after, before);
    hunks(&prepared)
}

/// Pairs the unchanged lines of both sides in order; each stretch between them is a hunk.
fn hunks(prepared: &Prepared) -> Vec<Hunk> {
    let (before, after) = (&prepared.before, &prepared.after);
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < before.len() || j < after.len() {
        if before.is_changed(i) || after.is_changed(j) {
            let (start_i, start_j) = (i, j);
            while before.is_changed(i) {
                i += 1;
            }
            while after.is_changed(j) {
                j += 1;
            }
            out.push(Hunk {
                before_start: start_i,
                before_len: i - start_i,
                after_start: start_j,
                after_len: j - start_j,
            });
        } else if i < before.len() && j < after.len() {
            i += 1;
            j += 1;
        } else {
            // Both sides always keep as many unchanged lines; stop rather than loop if they ever did not.
            debug_assert!(false, "unchanged lines out of step at {i}, {j}");
            break;
        }
    }
    out
}
