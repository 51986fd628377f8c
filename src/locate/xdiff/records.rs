//! The records xdiff works on: each side's lines, an equivalence class per distinct line, and the lines set
//! aside before the search.
//!
//! Three preparations decide the answer as much as the search does, so they follow xdiff's documented rules
//! exactly:
//! - lines are compared whole, newline included: a last line without one differs from the same text with it;
//! - the common first and last lines (compared as classes) never enter the search;
//! - between them, a line with no equal on the other side is changed outright, and a line with very many
//!   equals there (at least about the square root of its side's length, at most 1,024) is changed too when
//!   it sits in a stretch made mostly of unmatched lines: such lines would only give the search spurious
//!   anchors. The rest, the candidates, go to the search as class numbers.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// One side of the diff: its lines, their classes, and which lines are changed (with a `false` before the
/// first line and after the last, so group walks need no bounds checks).
pub(super) struct Side<'a> {
    lines: Vec<&'a [u8]>,
    classes: Vec<u32>,
    changed: Vec<bool>,
}

impl<'a> Side<'a> {
    pub(super) fn len(&self) -> usize {
        self.lines.len()
    }

    pub(super) fn line(&self, index: usize) -> &'a [u8] {
        self.lines[index]
    }

    pub(super) fn class(&self, index: usize) -> u32 {
        self.classes[index]
    }

    /// Whether line `index` is changed; `-1` and `len()` are the unchanged sentinels.
    pub(super) fn changed_at(&self, index: isize) -> bool {
        self.changed[(index + 1) as usize]
    }

    pub(super) fn is_changed(&self, index: usize) -> bool {
        self.changed[index + 1]
    }

    pub(super) fn set_changed(&mut self, index: usize, changed: bool) {
        self.changed[index + 1] = changed;
    }
}

/// What the search runs on: one side's candidate lines as classes, and each one's line number.
pub(super) struct Candidates {
    pub classes: Vec<u32>,
    pub lines: Vec<usize>,
}

/// Both sides, prepared: the search marks changes in `before`/`after` through the candidates.
pub(super) struct Prepared<'a> {
    pub before: Side<'a>,
    pub after: Side<'a>,
    pub before_candidates: Candidates,
    pub after_candidates: Candidates,
}

/// The most equals a line may have on the other side before it counts as "very many" (xdiff's limit).
const MANY_MATCHES_CAP: usize = 1024;
/// How far on each side of a many-matched line the stretch around it is looked at.
const STRETCH_WINDOW: usize = 100;
/// A many-matched line is set aside when fewer than one in this many lines of its stretch have matches.
const MATCHED_SHARE: usize = 4;

/// How a line between the common ends stands on the other side.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Matches {
    None,
    Some,
    Many,
}

impl<'a> Prepared<'a> {
    pub(super) fn new(before: &'a [u8], after: &'a [u8]) -> Self {
        let (before_lines, after_lines) = (split_lines(before), split_lines(after));
        let mut ids: HashMap<&[u8], u32, BuildHasherDefault<LineHasher>> = HashMap::default();
        ids.reserve(before_lines.len() + after_lines.len());
        // Per class: how many lines of `before`, then of `after`, have it.
        let mut counts: Vec<[usize; 2]> = Vec::new();
        let mut classify = |lines: &[&'a [u8]], side: usize| -> Vec<u32> {
            lines
                .iter()
                .map(|line| {
                    let next = counts.len() as u32;
                    let id = *ids.entry(line).or_insert(next);
                    if id == next {
                        counts.push([0, 0]);
                    }
                    counts[id as usize][side] += 1;
                    id
                })
                .collect()
        };
        let before_classes = classify(&before_lines, 0);
        let after_classes = classify(&after_lines, 1);
        let mut before = Side::new(before_lines, before_classes);
        let mut after = Side::new(after_lines, after_classes);

        let (prefix, suffix) = common_ends(&before.classes, &after.classes);
        let before_candidates = candidates(&mut before, prefix, suffix, |class| counts[class as usize][1]);
        let after_candidates = candidates(&mut after, prefix, suffix, |class| counts[class as usize][0]);
        Prepared { before, after, before_candidates, after_candidates }
    }
}

impl<'a> Side<'a> {
    fn new(lines: Vec<&'a [u8]>, classes: Vec<u32>) -> Self {
        let changed = vec![false; lines.len() + 2];
        Side { lines, classes, changed }
    }
}

/// The lines of a buffer, each with its `\n`; a last line without one is kept as it is.
fn split_lines(buffer: &[u8]) -> Vec<&[u8]> {
    let mut lines = Vec::with_capacity(buffer.len() / 32 + 1);
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', buffer) {
        lines.push(&buffer[start..=end]);
        start = end + 1;
    }
    if start < buffer.len() {
        lines.push(&buffer[start..]);
    }
    lines
}

/// How many lines both sides share at the start, and then at the end of what remains.
fn common_ends(a: &[u32], b: &[u32]) -> (usize, usize) {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let limit = a.len().min(b.len()) - prefix;
    let suffix = a.iter().rev().zip(b.iter().rev()).take(limit).take_while(|(x, y)| x == y).count();
    (prefix, suffix)
}

/// xdiff's integer square-root estimate: 2 to the power of (bits of `n` halved, rounded up).
pub(super) fn rough_sqrt(mut n: usize) -> usize {
    let mut root = 1;
    while n > 0 {
        root <<= 1;
        n >>= 2;
    }
    root
}

/// Marks the lines of `side` between the common ends that are set aside as changed, and returns the others.
/// `others_with` counts a class's lines on the other side.
fn candidates(side: &mut Side, prefix: usize, suffix: usize, others_with: impl Fn(u32) -> usize) -> Candidates {
    let (start, end) = (prefix, side.len() - suffix);
    let many = rough_sqrt(side.len()).min(MANY_MATCHES_CAP);
    let matches: Vec<Matches> = side.classes[start..end]
        .iter()
        .map(|&class| match others_with(class) {
            0 => Matches::None,
            n if n >= many => Matches::Many,
            _ => Matches::Some,
        })
        .collect();
    let mut kept = Candidates { classes: Vec::new(), lines: Vec::new() };
    for (offset, &matched) in matches.iter().enumerate() {
        let keep = match matched {
            Matches::Some => true,
            Matches::Many => !among_unmatched(&matches, offset),
            Matches::None => false,
        };
        let line = start + offset;
        if keep {
            kept.classes.push(side.classes[line]);
            kept.lines.push(line);
        } else {
            side.set_changed(line, true);
        }
    }
    kept
}

/// Whether the many-matched line at `at` sits inside a stretch of unmatched and many-matched lines (within
/// the window, up to the nearest line with a few matches on each side), with unmatched lines on both sides
/// of it, and fewer than one in `MATCHED_SHARE` of the stretch many-matched (itself included).
fn among_unmatched(matches: &[Matches], at: usize) -> bool {
    let (low, high) = (at.saturating_sub(STRETCH_WINDOW), (at + STRETCH_WINDOW).min(matches.len() - 1));
    let tally = |indices: &mut dyn Iterator<Item = usize>| {
        let (mut unmatched, mut many) = (0, 0);
        for index in indices {
            match matches[index] {
                Matches::None => unmatched += 1,
                Matches::Many => many += 1,
                Matches::Some => break,
            }
        }
        (unmatched, many)
    };
    let (unmatched_above, many_above) = tally(&mut (low..at).rev());
    if unmatched_above == 0 {
        return false;
    }
    let (unmatched_below, many_below) = tally(&mut (at + 1..=high));
    if unmatched_below == 0 {
        return false;
    }
    let many = many_above + many_below + 2;
    let unmatched = unmatched_above + unmatched_below;
    many * MATCHED_SHARE < many + unmatched
}

/// A fast hash for lines (the default SipHash costs more than the rest of the preparation).
#[derive(Default)]
struct LineHasher(u64);

impl Hasher for LineHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut hash = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            hash = (hash.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
        }
        for &byte in chunks.remainder() {
            hash = (hash.rotate_left(5) ^ u64::from(byte)).wrapping_mul(K);
        }
        self.0 = hash;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
