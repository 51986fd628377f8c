//! git's rename similarity score, written from its documented behaviour (diffcore-delta, diffcore-rename)
//! and checked against `git` itself, because the answer of a blame across a rename depends on it and
//! libgit2's score is not git's (docs/locate.md, "Renames").
//!
//! How git scores "is `dst` a renamed `src`": each file is cut into chunks, a chunk ending at a newline or
//! after 64 bytes, whichever comes first (a CR before a LF is dropped in text files); each distinct chunk
//! counts the bytes it covers. The bytes `src` shares with `dst` are, chunk by chunk, the smaller of the two
//! counts; the score is shared bytes over the larger file's size, on a scale of `MAX_SCORE`. Pairs whose
//! sizes differ by more than `1 - minimum` of the larger size are not scored at all (score 0). git keys
//! chunks by a small hash (collisions are possible there and not here: the scores can differ by the
//! bytes of a colliding chunk, which in practice moves no answer across the threshold).

use std::collections::HashMap;

/// git's scale: a score of `MAX_SCORE` is identical content.
pub(crate) const MAX_SCORE: u64 = 60_000;
/// git's default rename threshold, 50 %.
pub(crate) const DEFAULT_MINIMUM: u64 = MAX_SCORE / 2;
/// The threshold for a source and destination with the same file name (git 2.33 and later look for those
/// first): halfway between the minimum and identical.
pub(crate) const fn basename_minimum(minimum: u64) -> u64 {
    minimum + (MAX_SCORE - minimum) / 2
}

/// The bytes of a file per distinct chunk, computed once per file and reused for every pair.
pub(crate) struct Chunks {
    size: u64,
    counts: HashMap<Vec<u8>, u64>,
}

impl Chunks {
    pub(crate) fn of(content: &[u8]) -> Self {
        const CHUNK: usize = 64;
        // git's text test for this: no NUL in the first 8000 bytes.
        let text = !content[..content.len().min(8000)].contains(&0);
        let mut counts: HashMap<Vec<u8>, u64> = HashMap::new();
        let mut chunk = Vec::with_capacity(CHUNK);
        for (at, &byte) in content.iter().enumerate() {
            if text && byte == b'\r' && content.get(at + 1) == Some(&b'\n') {
                continue;
            }
            chunk.push(byte);
            if chunk.len() == CHUNK || byte == b'\n' {
                let bytes = chunk.len() as u64;
                *counts.entry(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK))).or_default() += bytes;
            }
        }
        if !chunk.is_empty() {
            let bytes = chunk.len() as u64;
            *counts.entry(chunk).or_default() += bytes;
        }
        Chunks { size: content.len() as u64, counts }
    }

    /// Bytes of `self` found in `other`: per chunk, the smaller of the two counts.
    fn shared_with(&self, other: &Chunks) -> u64 {
        let (small, large) = if self.counts.len() <= other.counts.len() { (self, other) } else { (other, self) };
        small.counts.iter().filter_map(|(chunk, &n)| large.counts.get(chunk).map(|&m| n.min(m))).sum()
    }
}

/// Whether two sizes are close enough for git to score the pair at all at `minimum`.
pub(crate) fn sizes_comparable(src: u64, dst: u64, minimum: u64) -> bool {
    let (larger, smaller) = (src.max(dst), src.min(dst));
    larger * (MAX_SCORE - minimum) >= (larger - smaller) * MAX_SCORE
}

/// git's similarity of a source and a destination file, 0 when their sizes are too far apart for
/// `minimum`. An empty destination scores 0.
pub(crate) fn score(src: &Chunks, dst: &Chunks, minimum: u64) -> u64 {
    if !sizes_comparable(src.size, dst.size, minimum) || dst.size == 0 {
        return 0;
    }
    src.shared_with(dst) * MAX_SCORE / src.size.max(dst.size)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score_of(a: &str, b: &str) -> u64 {
        score(&Chunks::of(a.as_bytes()), &Chunks::of(b.as_bytes()), DEFAULT_MINIMUM)
    }

    #[test]
    fn identical_files_score_the_maximum_and_disjoint_ones_zero() {
        assert_eq!(score_of("a\nb\n", "a\nb\n"), MAX_SCORE);
        assert_eq!(score_of("a\nb\n", "c\nd\n"), 0);
    }

    #[test]
    fn shared_bytes_count_over_the_larger_size() {
        // 4 of 6 bytes shared: two thirds.
        assert_eq!(score_of("a\nb\n", "a\nb\nc\n"), MAX_SCORE * 4 / 6);
        // A repeated chunk counts only as often as both sides have it.
        assert_eq!(score_of("a\na\n", "a\nb\n"), MAX_SCORE * 2 / 4);
    }

    #[test]
    fn long_lines_are_cut_every_64_bytes_and_crlf_counts_as_lf() {
        let long = "x".repeat(64) + "y\n";
        let changed = "x".repeat(64) + "z\n";
        // The first 64 bytes are one shared chunk; "y\n" and "z\n" differ.
        assert_eq!(score_of(&long, &changed), MAX_SCORE * 64 / 66);
        // "a\r\n" is the chunk "a\n" of 2 bytes, over a size of 6.
        assert_eq!(score_of("a\r\nb\r\n", "a\nb\n"), MAX_SCORE * 4 / 6);
    }

    #[test]
    fn sizes_more_than_half_apart_are_not_scored() {
        assert!(sizes_comparable(100, 200, DEFAULT_MINIMUM));
        assert!(!sizes_comparable(99, 200, DEFAULT_MINIMUM));
        assert!(!sizes_comparable(0, 1, DEFAULT_MINIMUM));
    }
}
