//! Blame's `-M` and `-C`: lines a commit moved or copied keep the commit that wrote them, as `git blame -M`/`-C`
//! decides it.
//!
//! Kept apart from the history walk (`blame_engine`) because it is a search of its own with git's exact rules
//! (git's `find_move_in_parent`, `find_copy_in_parent`, `find_copy_in_blob`), run after the normal pass of
//! lines to parents:
//! - the lines still suspected on a commit are in runs (git's blame entries: lines that stayed together
//!   through every diff on their way, split at each hunk boundary); a run is searched only when its score
//!   (1 + its ASCII letters and digits) is above the threshold (`-M`: 20, `-C`: 40, or the number given);
//! - a run is diffed (`blame_diff`, the same diff as every other step) against a whole candidate file; each
//!   stretch the diff leaves unchanged is a candidate piece, and the piece with the best score wins (on a tie
//!   the later one, in file order and then in candidate order, as git's `copy_split_if_better` keeps);
//! - a winning piece scoring above the threshold goes to the candidate file, at its lines there; what is left
//!   of the run on either side becomes runs of its own and is searched again, until nothing moves.
//!
//! Which candidates (`-M`: the parent's version of the file; `-C`: other files, by the number of `-C`s) is the
//! engine's business; this module only sees bytes.

use super::blame_diff::{changes_between, Suspect};

/// How hard blame looks for moved and copied lines (git's `-M[score]`, `-C[score]`, repeatable `-C`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MoveCopy {
    /// `-M`: lines moved within the file (searched in each parent's version of it). Any `-C` implies it.
    pub moves: bool,
    /// How many times `-C` was given: 0 none; 1 the files changed in the same commit; 2 also every file of the
    /// parent when the blamed file was created or renamed there; 3 every file of the parent, always.
    pub copies: u8,
    /// A moved piece must score more than this (git's `blame_move_score`, default 20).
    pub move_score: u32,
    /// A copied piece must score more than this (git's `blame_copy_score`, default 40).
    pub copy_score: u32,
}

/// git's defaults for the two thresholds (`BLAME_DEFAULT_MOVE_SCORE`, `BLAME_DEFAULT_COPY_SCORE`).
pub const DEFAULT_MOVE_SCORE: u32 = 20;
pub const DEFAULT_COPY_SCORE: u32 = 40;

impl Default for MoveCopy {
    /// Plain blame: neither moves nor copies.
    fn default() -> Self {
        MoveCopy { moves: false, copies: 0, move_score: DEFAULT_MOVE_SCORE, copy_score: DEFAULT_COPY_SCORE }
    }
}

impl MoveCopy {
    /// Whether any search runs at all.
    pub fn searches(&self) -> bool {
        self.moves || self.copies > 0
    }

    /// Whether `-C` searches every file of the parent, not only those the commit changed: `-C -C -C` always,
    /// `-C -C` when the blamed file (at `path`) was created in the commit (the parent has no version of it,
    /// `searched` is none) or renamed there.
    pub fn harder_copies(&self, searched: Option<&std::path::Path>, path: &std::path::Path) -> bool {
        self.copies >= 3 || (self.copies >= 2 && searched != Some(path))
    }
}

/// A run of suspects: consecutive lines of the target blob, in order (git's blame entry).
#[derive(Debug, Clone)]
pub(crate) struct Run {
    pub suspects: Vec<Suspect>,
}

/// Which run each suspect is in (by slot), kept as git keeps its blame entries: a diff splits a run at every
/// hunk boundary, and a piece `-M`/`-C` found is a run of its own. Lines with the same number that are
/// adjacent are one run.
#[derive(Debug, Clone)]
pub(crate) struct Runs {
    of: Vec<usize>,
    next: usize,
}

impl Runs {
    pub fn new(of: Vec<usize>) -> Self {
        let next = of.iter().max().map_or(0, |max| max + 1);
        Runs { of, next }
    }

    /// Runs for lines given in order: one run per stretch that `adjacent(previous, next)` keeps together.
    pub fn of_stretches(len: usize, adjacent: impl Fn(usize) -> bool) -> Self {
        let mut of = vec![0; len];
        for slot in 1..len {
            of[slot] = if adjacent(slot) { of[slot - 1] } else { of[slot - 1] + 1 };
        }
        Runs::new(of)
    }

    /// Each slot's run number.
    pub fn into_numbers(self) -> Vec<usize> {
        self.of
    }

    fn take_number(&mut self) -> usize {
        self.next += 1;
        self.next - 1
    }

    /// Gives the lines a diff passed to a parent (`passed`: `before` filtered and renumbered, same order)
    /// their runs there, split where git's `blame_chunk` splits its entries: two lines stay in one run when
    /// they were, and are adjacent both before and after (no hunk between them). Lines kept keep their runs
    /// (adjacent kept lines are always in the same hunk).
    pub fn split_passed(&mut self, before: &[Suspect], passed: &[Suspect]) {
        let mut old_lines = before.iter();
        let mut last: std::collections::HashMap<usize, (usize, usize, usize)> = std::collections::HashMap::new();
        for moved in passed {
            let Some(old) = old_lines.by_ref().find(|s| s.slot == moved.slot) else { return };
            let run = self.of[old.slot];
            let new_run = match last.get(&run) {
                Some(&(line, to, new_run)) if line + 1 == old.line && to + 1 == moved.line => new_run,
                _ => self.take_number(),
            };
            last.insert(run, (old.line, moved.line, new_run));
            self.of[old.slot] = new_run;
        }
    }

    /// A piece found by `-M`/`-C`: a run of its own.
    pub fn fresh(&mut self, piece: &[Suspect]) {
        let number = self.take_number();
        for suspect in piece {
            self.of[suspect.slot] = number;
        }
    }

    /// The suspects (sorted by line) as runs: same number and adjacent lines.
    pub fn group(&self, suspects: Vec<Suspect>) -> Vec<Run> {
        let mut open: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
        let mut runs: Vec<Run> = Vec::new();
        for suspect in suspects {
            let number = self.of[suspect.slot];
            match open.get(&number) {
                Some(&at) if runs[at].suspects.last().is_some_and(|s| s.line + 1 == suspect.line) => {
                    runs[at].suspects.push(suspect);
                }
                _ => {
                    open.insert(number, runs.len());
                    runs.push(Run { suspects: vec![suspect] });
                }
            }
        }
        runs
    }
}

/// The lines of a blob: where each starts, plus the end (so line `i` is `starts[i]..starts[i + 1]`).
pub(crate) fn line_starts(blob: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(memchr::memchr_iter(b'\n', blob).map(|at| at + 1));
    if blob.last().is_some_and(|&b| b != b'\n') {
        starts.push(blob.len());
    }
    starts
}

/// git's `blame_entry_score`: 1 plus the ASCII letters and digits of the text.
fn score_of(text: &[u8]) -> u32 {
    1 + text.iter().filter(|b| b.is_ascii_alphanumeric()).count() as u32
}

/// The target blob's lines as the search needs them: their text and each line's score share.
pub(crate) struct Target<'a> {
    blob: &'a [u8],
    starts: Vec<usize>,
}

impl<'a> Target<'a> {
    pub fn new(blob: &'a [u8]) -> Self {
        Target { blob, starts: line_starts(blob) }
    }

    /// The text of lines `from..to` (0-based), newlines included.
    fn text(&self, from: usize, to: usize) -> &'a [u8] {
        let at = |line: usize| self.starts.get(line).copied().unwrap_or(self.blob.len());
        &self.blob[at(from)..at(to)]
    }

    pub fn score(&self, run: &Run) -> u32 {
        match (run.suspects.first(), run.suspects.last()) {
            (Some(first), Some(last)) => score_of(self.text(first.line, last.line + 1)),
            _ => 0,
        }
    }
}

/// The best piece of one run found so far: run lines `start..end` are candidate `source`'s lines from `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    start: usize,
    end: usize,
    at: usize,
    score: u32,
    source: usize,
}

/// git's `find_copy_in_blob` with `copy_split_if_better`: every stretch of the run that the diff against
/// `candidate` leaves unchanged competes with `best`; a tie goes to the later stretch.
fn search_in(
    target: &Target<'_>,
    run: &Run,
    candidate: &[u8],
    source: usize,
    best: &mut Option<Piece>,
) -> Result<(), git2::Error> {
    let (Some(first), len) = (run.suspects.first(), run.suspects.len()) else { return Ok(()) };
    let text = target.text(first.line, first.line + len);
    let mut consider = |start: usize, at: usize, end: usize| {
        if start < end.min(len) {
            let end = end.min(len);
            let score = score_of(target.text(first.line + start, first.line + end));
            if best.is_none_or(|b| score >= b.score) {
                *best = Some(Piece { start, end, at, score, source });
            }
        }
    };
    let (mut start, mut at) = (0, 0);
    for change in changes_between(candidate, text)? {
        consider(start, at, change.after_start);
        at = change.before_start + change.before_len;
        start = change.after_start + change.after_len;
    }
    consider(start, at, len);
    Ok(())
}

/// What a search passed on: runs that went to a candidate (its index, the suspects at their lines there),
/// and the runs left on the target (those too small to search included).
pub(crate) struct Searched {
    pub passed: Vec<(usize, Vec<Suspect>)>,
    pub left: Vec<Run>,
}

/// git's search loop (`find_move_in_parent` with one candidate, `find_copy_in_parent` with several): each run
/// scoring above `threshold` takes its best piece over all candidates; a piece scoring above `threshold`
/// moves, and the rest of its run is searched again.
pub(crate) fn search(
    target: &Target<'_>,
    runs: Vec<Run>,
    candidates: &[&[u8]],
    threshold: u32,
) -> Result<Searched, git2::Error> {
    let (mut unsearched, mut left): (Vec<Run>, Vec<Run>) =
        runs.into_iter().partition(|run| target.score(run) > threshold);
    let mut passed = Vec::new();
    while !unsearched.is_empty() {
        let mut again = Vec::new();
        for run in unsearched {
            let mut best = None;
            for (source, candidate) in candidates.iter().enumerate() {
                search_in(target, &run, candidate, source, &mut best)?;
            }
            let Some(piece) = best.filter(|piece| piece.score > threshold) else {
                left.push(run);
                continue;
            };
            let moved = run.suspects[piece.start..piece.end]
                .iter()
                .enumerate()
                .map(|(i, s)| Suspect { slot: s.slot, line: piece.at + i })
                .collect();
            passed.push((piece.source, moved));
            for rest in [&run.suspects[..piece.start], &run.suspects[piece.end..]] {
                if !rest.is_empty() {
                    again.push(Run { suspects: rest.to_vec() });
                }
            }
        }
        let (bigger, small): (Vec<Run>, Vec<Run>) = again.into_iter().partition(|run| target.score(run) > threshold);
        left.extend(small);
        unsearched = bigger;
    }
    Ok(Searched { passed, left })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(from: usize, to: usize) -> Run {
        Run { suspects: (from..to).map(|line| Suspect { slot: line, line }).collect() }
    }

    fn lines(suspects: &[Suspect]) -> Vec<(usize, usize)> {
        suspects.iter().map(|s| (s.slot, s.line)).collect()
    }

    #[test]
    fn the_score_counts_ascii_letters_and_digits_plus_one() {
        assert_eq!(score_of(b"\tx := y + 1 // \xc3\xa9\n"), 4);
        assert_eq!(score_of(b""), 1);
        assert_eq!(line_starts(b"a\nb"), [0, 2, 3]);
        assert_eq!(line_starts(b"a\nb\n"), [0, 2, 4]);
    }

    #[test]
    fn a_moved_block_goes_to_its_lines_in_the_candidate_and_the_rest_stays() {
        let target = b"new line here\nfunction alpha one two three\nreturn alpha value four five\n";
        let parent = b"unrelated\nfunction alpha one two three\nreturn alpha value four five\nend\n";
        let found = search(&Target::new(target), vec![run(0, 3)], &[parent], 20).expect("search");
        assert_eq!(found.passed.len(), 1);
        assert_eq!(found.passed[0].0, 0);
        assert_eq!(lines(&found.passed[0].1), [(1, 1), (2, 2)]);
        assert_eq!(found.left.len(), 1);
        assert_eq!(lines(&found.left[0].suspects), [(0, 0)]);
    }

    #[test]
    fn a_piece_at_or_below_the_threshold_stays() {
        // "abc\n" scores 4: moves above 3, not at 4.
        let found = search(&Target::new(b"abc\n"), vec![run(0, 1)], &[b"x\nabc\n"], 3).expect("search");
        assert_eq!(lines(&found.passed[0].1), [(0, 1)]);
        let found = search(&Target::new(b"abc\n"), vec![run(0, 1)], &[b"x\nabc\n"], 4).expect("search");
        assert!(found.passed.is_empty());
        assert_eq!(found.left.len(), 1);
    }

    #[test]
    fn on_equal_scores_the_later_candidate_wins() {
        let text = b"same content in both files here\n";
        let found = search(&Target::new(text), vec![run(0, 1)], &[text, text], 10).expect("search");
        assert_eq!(found.passed[0].0, 1);
    }

    #[test]
    fn what_is_left_of_a_run_is_searched_again() {
        // Two blocks from two different files: each goes to its own.
        let target = b"alpha beta gamma delta epsilon\nzeta eta theta iota kappa lambda\n";
        let one = b"zzz\nalpha beta gamma delta epsilon\n";
        let two = b"zeta eta theta iota kappa lambda\nyyy\n";
        let found = search(&Target::new(target), vec![run(0, 2)], &[one, two], 20).expect("search");
        let mut got: Vec<(usize, Vec<(usize, usize)>)> =
            found.passed.iter().map(|(source, moved)| (*source, lines(moved))).collect();
        got.sort();
        assert_eq!(got, [(0, vec![(0, 1)]), (1, vec![(1, 0)])]);
        assert!(found.left.is_empty());
    }
}
