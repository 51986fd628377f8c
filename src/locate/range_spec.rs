//! git's `-L` forms, resolved against the blamed content: `A,B`, `A,+N`, `A,-N`, `A,` and `,B`,
//! `/regex/` (to the end, or `,/regex2/`, `,+N`, `,-N` after it), and `:funcname` (the function whose
//! header line matches, up to the line before the next function header).
//!
//! Kept apart from `line_range` (the plain numeric range a runbook step carries) because these forms need
//! the file's lines. One deliberate difference from git stays: a bare `N` is the single line N (what a
//! step means by it; git runs `-L N` to the end of the file). A function header is found by git's rules:
//! with `diff=golang` in `.gitattributes`, git's built-in Go rule (a `func` line, or a `type` line of a
//! struct or interface); otherwise git's default rule (a line starting with a letter, `_` or `$`).

use regex::bytes::Regex;
use std::str::FromStr;

/// One `-L` argument, parsed; `resolve` turns it into lines of a given content.
#[derive(Debug, Clone)]
pub struct RangeSpec {
    start: Bound,
    end: End,
}

#[derive(Debug, Clone)]
enum Bound {
    Line(usize),
    Regex(Regex),
    Funcname(Regex),
    /// `,B`: from the first line.
    First,
}

#[derive(Debug, Clone)]
enum End {
    Line(usize),
    Plus(usize),
    Minus(usize),
    Regex(Regex),
    /// `A,` or `/re/` alone: to the end of the file.
    Last,
    /// A bare number: only that line.
    Same,
    /// `:funcname`: decided by the next function header.
    Function,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RangeSpecError {
    #[error("invalid -L range {0:?}: expected A,B  A,+N  A,-N  /regex/[,…]  or :funcname")]
    Syntax(String),
    #[error("invalid regex in -L {spec:?}: {message}")]
    Regex { spec: String, message: String },
    #[error("-L {spec:?}: no line matches")]
    NoMatch { spec: String },
    #[error("-L {spec:?} is outside the file, which has only {lines} lines")]
    PastEnd { spec: String, lines: usize },
}

impl FromStr for RangeSpec {
    type Err = RangeSpecError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let syntax = || RangeSpecError::Syntax(text.to_owned());
        let regex = |pattern: &str| {
            Regex::new(pattern).map_err(|e| RangeSpecError::Regex { spec: text.to_owned(), message: e.to_string() })
        };
        if let Some(name) = text.strip_prefix(':') {
            if name.is_empty() {
                return Err(syntax());
            }
            return Ok(RangeSpec { start: Bound::Funcname(regex(name)?), end: End::Function });
        }
        // The start: a number, a /regex/, or nothing before the comma.
        let (start, rest) = if let Some(body) = text.strip_prefix('/') {
            let close = body.find('/').ok_or_else(syntax)?;
            (Bound::Regex(regex(&body[..close])?), &body[close + 1..])
        } else {
            let digits = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
            match &text[..digits] {
                "" => (Bound::First, text),
                n => (Bound::Line(n.parse().map_err(|_| syntax())?), &text[digits..]),
            }
        };
        if matches!(start, Bound::Line(0)) {
            return Err(syntax());
        }
        let end = match rest.strip_prefix(',') {
            None if !rest.is_empty() => return Err(syntax()),
            None if matches!(start, Bound::Regex(_)) => End::Last,
            None if matches!(start, Bound::First) => return Err(syntax()),
            None => End::Same,
            Some("") => End::Last,
            Some(end) => {
                let count = |n: &str| n.parse::<usize>().ok().filter(|&n| n > 0).ok_or_else(syntax);
                if let Some(n) = end.strip_prefix('+') {
                    End::Plus(count(n)?)
                } else if let Some(n) = end.strip_prefix('-') {
                    End::Minus(count(n)?)
                } else if let Some(body) = end.strip_prefix('/') {
                    End::Regex(regex(body.strip_suffix('/').ok_or_else(syntax)?)?)
                } else {
                    End::Line(count(end)?)
                }
            }
        };
        Ok(RangeSpec { start, end })
    }
}

impl RangeSpec {
    /// The 1-based inclusive range this spec picks in `content`, clamped at the end as git clamps it.
    /// `golang`: the file has `diff=golang` (git's Go function rule).
    pub fn resolve(&self, content: &[u8], golang: bool, spec: &str) -> Result<(usize, usize), RangeSpecError> {
        let lines: Vec<&[u8]> = split_lines(content);
        let total = lines.len();
        let no_match = || RangeSpecError::NoMatch { spec: spec.to_owned() };
        let past_end = || RangeSpecError::PastEnd { spec: spec.to_owned(), lines: total };
        let start = match &self.start {
            Bound::Line(n) => *n,
            Bound::First => 1,
            Bound::Regex(re) => 1 + lines.iter().position(|l| re.is_match(l)).ok_or_else(no_match)?,
            Bound::Funcname(re) => {
                1 + lines.iter().position(|l| is_function(l, golang) && re.is_match(l)).ok_or_else(no_match)?
            }
        };
        let end = match &self.end {
            End::Same => start,
            End::Last => total,
            End::Line(n) => *n,
            End::Plus(n) => start + n - 1,
            End::Minus(n) => {
                let first = start.saturating_sub(n - 1).max(1);
                return clamp(first, start, total).ok_or_else(past_end);
            }
            End::Regex(re) => start + 1 + lines.iter().skip(start).position(|l| re.is_match(l)).ok_or_else(no_match)?,
            End::Function => {
                lines.iter().enumerate().skip(start).find(|(_, l)| is_function(l, golang)).map_or(total, |(at, _)| at)
            }
        };
        // git accepts B < A and swaps them.
        let (a, b) = (start.min(end), start.max(end));
        clamp(a, b, total).ok_or_else(past_end)
    }
}

fn clamp(start: usize, end: usize, total: usize) -> Option<(usize, usize)> {
    (start >= 1 && start <= total).then_some((start, end.min(total)))
}

fn split_lines(content: &[u8]) -> Vec<&[u8]> {
    let mut lines: Vec<&[u8]> = content.split(|&b| b == b'\n').collect();
    if content.ends_with(b"\n") || content.is_empty() {
        lines.pop();
    }
    lines
}

/// The function `line` (1-based) is in: its header's text and the range git's `-L :funcname` gives for that
/// header (the header to the line before the next header, or the end). `None` above the first header.
pub fn function_around(content: &[u8], line: usize, golang: bool) -> Option<(String, usize, usize)> {
    let lines = split_lines(content);
    let at = line.checked_sub(1)?.min(lines.len().checked_sub(1)?);
    let header = (0..=at).rev().find(|&i| lines.get(i).is_some_and(|l| is_function(l, golang)))?;
    let end =
        lines.iter().enumerate().skip(header + 1).find(|(_, l)| is_function(l, golang)).map_or(lines.len(), |(i, _)| i);
    let text = String::from_utf8_lossy(lines.get(header)?).trim_end().to_string();
    Some((text, header + 1, end))
}

/// A function header line: git's built-in Go rule, or git's default rule.
fn is_function(line: &[u8], golang: bool) -> bool {
    if !golang {
        return line.first().is_some_and(|&c| c.is_ascii_alphabetic() || c == b'_' || c == b'$');
    }
    let text = String::from_utf8_lossy(line);
    let code = text.trim_start_matches([' ', '\t']);
    let word_then = |word: &str| code.strip_prefix(word).is_some_and(|rest| rest.starts_with([' ', '\t', '(']));
    word_then("func")
        || (code.strip_prefix("type").is_some_and(|rest| rest.starts_with([' ', '\t']))
            && (code.contains("struct") || code.contains("interface")))
}

/// Several ranges as one sorted list of distinct lines, as git merges several `-L`.
pub(crate) fn merge(ranges: &[(usize, usize)]) -> Vec<usize> {
    let mut lines: Vec<usize> = ranges.iter().flat_map(|&(a, b)| a..=b).collect();
    lines.sort_unstable();
    lines.dedup();
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(spec: &str, content: &str) -> Result<(usize, usize), RangeSpecError> {
        spec.parse::<RangeSpec>()?.resolve(content.as_bytes(), false, spec)
    }

    #[test]
    fn numeric_forms() {
        let nine = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        assert_eq!(pick("3,5", nine), Ok((3, 5)));
        assert_eq!(pick("3,+2", nine), Ok((3, 4)));
        assert_eq!(pick("6,-4", nine), Ok((3, 6)));
        assert_eq!(pick("3,-4", nine), Ok((1, 3)));
        assert_eq!(pick("5,", nine), Ok((5, 9)));
        assert_eq!(pick(",3", nine), Ok((1, 3)));
        assert_eq!(pick("6,3", nine), Ok((3, 6)));
        assert_eq!(pick("4", nine), Ok((4, 4)));
        assert_eq!(pick("1,50", nine), Ok((1, 9)));
        assert!(matches!(pick("12,13", nine), Err(RangeSpecError::PastEnd { lines: 9, .. })));
        for bad in ["", "0,3", "1,+", "1,-", "X", "1,X", "1,+N", "-1", ":"] {
            assert!(bad.parse::<RangeSpec>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_function_around_a_line_is_the_range_git_gives_its_header() {
        let go = "package a\n\nfunc A() {\n\tx := 1\n}\n\n// B does b.\nfunc (s *S) B() int {\n\treturn 2\n}\n";
        let (header, start, end) = function_around(go.as_bytes(), 9, true).unwrap();
        assert_eq!((header.as_str(), start, end), ("func (s *S) B() int {", 8, 10));
        // git's own range for that header, through the `:funcname` form.
        assert_eq!(pick(":B\\(\\)", go).map(|r| r.0), Ok(8));
        assert_eq!(function_around(go.as_bytes(), 4, true).map(|f| (f.1, f.2)), Some((3, 7)));
        assert_eq!(function_around(go.as_bytes(), 1, true), None);
    }

    #[test]
    fn regex_and_function_forms() {
        let text = "a\nint main()\n{\n  x;\n}\nstatic void f()\n{\n}\n";
        assert_eq!(pick("/main/", text), Ok((2, 8)));
        assert_eq!(pick("/main/,/}/", text), Ok((2, 5)));
        assert_eq!(pick("/x/,+2", text), Ok((4, 5)));
        assert_eq!(pick(":main", text), Ok((2, 5)));
        assert_eq!(pick(":f", text), Ok((6, 8)));
        let go = "package p\n\nfunc A() {\n}\n\ntype T struct {\n}\n";
        let spec: RangeSpec = ":A".parse().expect("spec");
        assert_eq!(spec.resolve(go.as_bytes(), true, ":A"), Ok((3, 5)));
    }
}
