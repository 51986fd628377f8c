//! The indent heuristic (Michael Haggerty's, git's default since 2.14): where a group of added or deleted
//! lines can slide, put its edges where a reader sees a block begin and end.
//!
//! A position of the group makes two splits (before its first line and after its last). Each split is
//! measured (the indent of the line after it, the blank lines and the indent of the nearest non-blank
//! lines around it) and scored: blank lines next to the split are good, the end of the file is bad, and the
//! split's indent against the line above says whether it opens a block (good), closes one, or cuts through
//! one. The weights are the ones git tuned on a corpus of hand-judged diffs and published with the
//! heuristic. The position with the lowest score wins; ties go to the lowest position.

use std::ops::Add;

use super::records::Side;

/// Indents count up to this many columns.
const MAX_INDENT: i32 = 200;
/// Blank lines are counted up to this many on each side of a split.
const MAX_BLANKS: i32 = 20;

const START_OF_FILE_PENALTY: i32 = 1;
const END_OF_FILE_PENALTY: i32 = 21;
const TOTAL_BLANK_WEIGHT: i32 = -30;
const POST_BLANK_WEIGHT: i32 = 6;
const RELATIVE_INDENT_PENALTY: i32 = -4;
const RELATIVE_INDENT_WITH_BLANK_PENALTY: i32 = 10;
const RELATIVE_OUTDENT_PENALTY: i32 = 24;
const RELATIVE_OUTDENT_WITH_BLANK_PENALTY: i32 = 17;
const RELATIVE_DEDENT_PENALTY: i32 = 23;
const RELATIVE_DEDENT_WITH_BLANK_PENALTY: i32 = 17;
/// How much one column of summed indent weighs against the penalties, when comparing two positions.
const INDENT_WEIGHT: i32 = 60;

/// The score of one position (two splits added): lower is better.
#[derive(Clone, Copy, Default)]
pub(super) struct Score {
    effective_indent: i32,
    penalty: i32,
}

impl Add for Score {
    type Output = Score;

    fn add(self, other: Score) -> Score {
        Score {
            effective_indent: self.effective_indent + other.effective_indent,
            penalty: self.penalty + other.penalty,
        }
    }
}

impl Score {
    /// Whether `self` is at least as good as `other`: the indent comparison counts as `INDENT_WEIGHT`.
    pub(super) fn not_worse_than(&self, other: &Score) -> bool {
        let indents = (self.effective_indent > other.effective_indent) as i32
            - (self.effective_indent < other.effective_indent) as i32;
        INDENT_WEIGHT * indents + (self.penalty - other.penalty) <= 0
    }
}

/// The indent of a line in columns (tabs to the next multiple of 8), capped at `MAX_INDENT`; `None` for a
/// line of whitespace only. Whitespace is git's (its own ctype table: space, tab, CR, LF): a vertical tab
/// or form feed ends the indent, as in git; libgit2 counts them as whitespace and places some changes next
/// to such lines differently (pinned in `tests/xdiff_differential.rs`).
fn indent_of(line: &[u8]) -> Option<i32> {
    let mut columns = 0;
    for &byte in line {
        match byte {
            b' ' => columns += 1,
            b'\t' => columns += 8 - columns % 8,
            b'\n' | b'\r' => {}
            _ => return Some(columns),
        }
        if columns >= MAX_INDENT {
            return Some(MAX_INDENT);
        }
    }
    None
}

/// What the score of a split looks at.
struct Measure {
    end_of_file: bool,
    /// The indent of the line just after the split (`None`: blank, or the end of the file).
    indent: Option<i32>,
    pre_blank: i32,
    /// The indent of the nearest non-blank line above (`Some(0)` past `MAX_BLANKS` blank lines).
    pre_indent: Option<i32>,
    post_blank: i32,
    /// The indent of the nearest non-blank line below the line after the split.
    post_indent: Option<i32>,
}

fn measure(side: &Side, split: isize) -> Measure {
    let len = side.len() as isize;
    let end_of_file = split >= len;
    let indent = if end_of_file { None } else { indent_of(side.line(split as usize)) };
    let scan = |lines: &mut dyn Iterator<Item = isize>| {
        let (mut blank, mut found) = (0, None);
        for at in lines {
            found = indent_of(side.line(at as usize));
            if found.is_some() {
                break;
            }
            blank += 1;
            if blank == MAX_BLANKS {
                found = Some(0);
                break;
            }
        }
        (blank, found)
    };
    let (pre_blank, pre_indent) = scan(&mut (0..split).rev());
    let (post_blank, post_indent) = scan(&mut (split + 1..len));
    Measure { end_of_file, indent, pre_blank, pre_indent, post_blank, post_indent }
}

/// The score of splitting `side` just before line `split`.
pub(super) fn split_score(side: &Side, split: isize) -> Score {
    let m = measure(side, split);
    let mut penalty = 0;
    if m.pre_indent.is_none() && m.pre_blank == 0 {
        penalty += START_OF_FILE_PENALTY;
    }
    if m.end_of_file {
        penalty += END_OF_FILE_PENALTY;
    }
    // Blank lines after the split, the line right after it included.
    let post_blank = if m.indent.is_none() { 1 + m.post_blank } else { 0 };
    let total_blank = m.pre_blank + post_blank;
    penalty += TOTAL_BLANK_WEIGHT * total_blank + POST_BLANK_WEIGHT * post_blank;
    let indent = m.indent.or(m.post_indent);
    let any_blanks = total_blank != 0;
    if let (Some(indent), Some(pre_indent)) = (indent, m.pre_indent) {
        penalty += if indent > pre_indent {
            if any_blanks {
                RELATIVE_INDENT_WITH_BLANK_PENALTY
            } else {
                RELATIVE_INDENT_PENALTY
            }
        } else if indent == pre_indent {
            0
        } else if m.post_indent.is_some_and(|post| post > indent) {
            if any_blanks {
                RELATIVE_OUTDENT_WITH_BLANK_PENALTY
            } else {
                RELATIVE_OUTDENT_PENALTY
            }
        } else if any_blanks {
            RELATIVE_DEDENT_WITH_BLANK_PENALTY
        } else {
            RELATIVE_DEDENT_PENALTY
        };
    }
    // The end of the file counts as an indent of -1.
    Score { effective_indent: indent.unwrap_or(-1), penalty }
}
