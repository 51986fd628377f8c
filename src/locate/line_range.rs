//! The line range of a blame: `-L A,B` on the command line, `lines: "A,B" | "N"` in a step.
//!
//! Kept apart from blame itself because both the CLI and step YAML parse it and must agree. `"N"` is the
//! single line N (the common case in a runbook: blame the line a grep step found), unlike git's `-L N`,
//! which runs to the end of the file. `"A,+N"` is N lines from A, as in git.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An inclusive, 1-based range of lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RangeText", into = "String")]
pub struct LineRange {
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid line range {0:?}: expected \"A,B\", \"A,+N\" or \"N\" with 1 <= A <= B")]
pub struct LineRangeError(pub String);

impl FromStr for LineRange {
    type Err = LineRangeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || LineRangeError(text.to_owned());
        let number = |s: &str| s.trim().parse::<usize>().map_err(|_| invalid());
        let (start, end) = match text.split_once(',') {
            None => {
                let n = number(text)?;
                (n, n)
            }
            Some((a, b)) => {
                let start = number(a)?;
                match b.trim().strip_prefix('+') {
                    Some(count) => {
                        let count = number(count)?;
                        (start, (start + count).saturating_sub(1))
                    }
                    None => (start, number(b)?),
                }
            }
        };
        if start == 0 || end < start {
            return Err(invalid());
        }
        Ok(LineRange { start, end })
    }
}

/// What a step may write: `lines: "10,20"` or `lines: 42`.
#[derive(Deserialize)]
#[serde(untagged)]
enum RangeText {
    Text(String),
    Line(usize),
}

impl TryFrom<RangeText> for LineRange {
    type Error = LineRangeError;
    fn try_from(value: RangeText) -> Result<Self, Self::Error> {
        match value {
            RangeText::Text(text) => text.parse(),
            RangeText::Line(n) => n.to_string().parse(),
        }
    }
}

impl From<LineRange> for String {
    fn from(range: LineRange) -> String {
        range.to_string()
    }
}

impl fmt::Display for LineRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{}", self.start, self.end)
    }
}

/// Number of lines as git counts them: a last line without a newline still counts.
pub(crate) fn count_lines(content: &[u8]) -> usize {
    let newlines = content.iter().filter(|&&b| b == b'\n').count();
    newlines + usize::from(!content.is_empty() && !content.ends_with(b"\n"))
}

#[cfg(test)]
mod tests {
    use super::{count_lines, LineRange};

    #[test]
    fn parses_the_forms_git_and_steps_use() {
        let parse = |s: &str| s.parse::<LineRange>().map(|r| (r.start, r.end));
        assert_eq!(parse("3,7"), Ok((3, 7)));
        assert_eq!(parse("12"), Ok((12, 12)));
        assert_eq!(parse("10,+5"), Ok((10, 14)));
        assert_eq!(parse(" 4 , 4 "), Ok((4, 4)));
        for bad in ["0,3", "7,3", "a,b", "", "3,", "1,+0"] {
            assert!(parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn steps_may_write_a_string_or_a_bare_line_number() {
        let from_json = |s: &str| serde_json::from_str::<LineRange>(s).map_err(|e| e.to_string());
        assert_eq!(from_json("\"3,7\""), Ok(LineRange { start: 3, end: 7 }));
        assert_eq!(from_json("42"), Ok(LineRange { start: 42, end: 42 }));
        assert!(from_json("0").is_err());
        assert_eq!(serde_json::to_string(&LineRange { start: 3, end: 7 }).ok(), Some("\"3,7\"".into()));
    }

    #[test]
    fn a_last_line_without_newline_counts() {
        assert_eq!(count_lines(b""), 0);
        assert_eq!(count_lines(b"a\nb\n"), 2);
        assert_eq!(count_lines(b"a\nb"), 2);
    }
}
