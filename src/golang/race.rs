//! `WARNING: DATA RACE` reports from the race detector.
//!
//! A report is a block between two `==================` lines: the current access, the previous one, and how
//! each numbered goroutine was created. The goroutine numbers are the race runtime's own and do not match a
//! traceback printed by the same process, so they are kept as printed and never joined with a crash dump.

use super::frames::{parse_func_line, parse_position_line, retyped_func, Frame};
use super::prefix::LogLine;
use super::problem::{Problem, ProblemKind};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub const SEPARATOR: &str = "==================";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccessRole {
    Current,
    Previous,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccessKind {
    Read,
    Write,
}

impl AccessKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AccessKind::Read => "read",
            AccessKind::Write => "write",
        }
    }
}

/// `by goroutine 7` or `by main goroutine` (which has no number in the report).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoroutineRef {
    Id(u64),
    Main,
}

impl Serialize for GoroutineRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            GoroutineRef::Id(id) => s.serialize_u64(*id),
            GoroutineRef::Main => s.serialize_str("main"),
        }
    }
}

/// The inverse of `Serialize` (a replay reads a recorded report back): a number, or `"main"`.
impl<'de> Deserialize<'de> for GoroutineRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Id(u64),
            Name(String),
        }
        match Raw::deserialize(d)? {
            Raw::Id(id) => Ok(GoroutineRef::Id(id)),
            Raw::Name(name) if name == "main" => Ok(GoroutineRef::Main),
            Raw::Name(other) => {
                Err(serde::de::Error::custom(format!("goroutine `{other}`: expected a number or main")))
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Access {
    pub role: AccessRole,
    pub kind: AccessKind,
    /// As printed (`0x00c00009a0f0`); empty for very old reports that printed none.
    pub addr: String,
    pub goroutine: GoroutineRef,
    pub frames: Vec<Frame>,
    pub user_frame: Option<Frame>,
    /// `[failed to restore the stack]` (ThreadSanitizer v2, Go ≤ 1.18).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stack_lost: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RaceGoroutineState {
    Running,
    Finished,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RaceGoroutine {
    pub id: u64,
    pub state: RaceGoroutineState,
    pub created_at: Vec<Frame>,
    pub user_frame: Option<Frame>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RaceReport {
    pub input: usize,
    /// Line of the opening separator.
    pub line: usize,
    /// The `go test` test whose `race detected during execution of test` line claimed this report.
    pub test: Option<String>,
    pub accesses: Vec<Access>,
    pub goroutines: Vec<RaceGoroutine>,
    /// The test `=== RUN`/`=== CONT` announced last before the report (`go test -v`).
    #[serde(skip)]
    pub running_test: Option<String>,
}

/// True when `lines[at]` opens a race report.
pub fn starts_report(lines: &[LogLine<'_>], at: usize) -> bool {
    lines.get(at).is_some_and(|l| super::prefix::trim_ws(&l.text) == SEPARATOR) && header_lines(lines, at + 1).is_some()
}

/// How many lines `WARNING: DATA RACE` takes at `lines[at]`: 1, or 2 when a retyped header was split after
/// `DATA`.
fn header_lines(lines: &[LogLine<'_>], at: usize) -> Option<usize> {
    let text = |i: usize| lines.get(i).map(|l| l.text.trim());
    match text(at)? {
        "WARNING: DATA RACE" => Some(1),
        "WARNING: DATA" if text(at + 1) == Some("RACE") => Some(2),
        _ => None,
    }
}

enum Section {
    None,
    Access,
    Goroutine,
}

/// Parses the report opening at `lines[start]`; returns it and the index of the first line after it.
pub fn parse_report(
    lines: &[LogLine<'_>],
    start: usize,
    input: usize,
    problems: &mut Vec<Problem>,
) -> (RaceReport, usize) {
    let line = lines.get(start).map_or(0, |l| l.number);
    let mut report =
        RaceReport { input, line, test: None, accesses: Vec::new(), goroutines: Vec::new(), running_test: None };
    let mut section = Section::None;
    let mut pending_func: Option<(String, bool)> = None;
    let guess = |problems: &mut Vec<Problem>, number: usize, message: &str| {
        problems.push(Problem::new(ProblemKind::Unparsed, input, number, format!("race report: guessed {message}")));
    };
    let header = header_lines(lines, start + 1).unwrap_or(1);
    if header == 2 {
        let at = lines.get(start + 1).map_or(line, |l| l.number);
        guess(problems, at, "`WARNING: DATA RACE` from two lines");
    }
    let mut i = start + 1 + header;
    // Lines are read trimmed and by content, not by their indentation (which pastes and retyping lose).
    while let Some(current) = lines.get(i) {
        let raw = current.as_str();
        let bulleted;
        let mut text = raw.trim();
        // Go's `·` in symbol names (`main.main·dwrap·1`) retyped as a bullet.
        if text.contains('•') {
            bulleted = text.replace('•', "·");
            guess(problems, current.number, "`·` for `•`");
            text = &bulleted;
        }
        if text == SEPARATOR {
            return (report, i + 1);
        }
        // A header wrapped after `by` (retyped from a screenshot, or a narrow terminal): joined with the next line.
        let joined;
        let header = if is_access_start(text) && text.ends_with(" by") {
            joined = format!("{text} {}", lines.get(i + 1).map_or("", |l| l.as_str().trim()));
            parse_access_header(&joined).inspect(|_| {
                guess(problems, current.number, "one access header from two lines");
                i += 1;
            })
        } else {
            parse_access_header(text)
        };
        if let Some(access) = header {
            report.accesses.push(access);
            section = Section::Access;
            pending_func = None;
        } else if let Some(goroutine) = parse_goroutine_header(text) {
            report.goroutines.push(goroutine);
            section = Section::Goroutine;
            pending_func = None;
        } else if text.is_empty() {
            pending_func = None;
        } else if text == "[failed to restore the stack]" {
            if let Some(access) = report.accesses.last_mut() {
                access.stack_lost = true;
            }
        } else if let Some((func, inlined)) = pending_func.take() {
            match parse_position_line(text) {
                Some((file, number)) => {
                    let frame = Frame { func, file, line: number, inlined };
                    match section {
                        Section::Access => {
                            if let Some(a) = report.accesses.last_mut() {
                                a.frames.push(frame);
                            }
                        }
                        Section::Goroutine => {
                            if let Some(g) = report.goroutines.last_mut() {
                                g.created_at.push(frame);
                            }
                        }
                        Section::None => {}
                    }
                }
                None => problems.push(Problem::new(
                    ProblemKind::Unparsed,
                    input,
                    current.number,
                    "race report: expected a file:line after a function",
                )),
            }
        } else if let Some(func) = parse_func_line(text) {
            pending_func = Some(func);
        } else if let Some(func) = retyped_func(text, lines.get(i + 1).map_or("", |l| l.as_str().trim())) {
            guess(problems, current.number, &format!("`{func}()` for `{text}`"));
            pending_func = Some((func, false));
        } else if raw.starts_with(char::is_whitespace) || parse_position_line(text).is_some() {
            problems.push(Problem::new(ProblemKind::Unparsed, input, current.number, "race report: unexpected line"));
        } else {
            // Something else began (a crash, program output): the report was cut off here.
            problems.push(Problem::new(
                ProblemKind::Truncated,
                input,
                current.number,
                format!("race report opened at line {line} has no closing separator"),
            ));
            return (report, i);
        }
        i += 1;
    }
    problems.push(Problem::new(ProblemKind::Truncated, input, line, "race report cut off at the end of the input"));
    (report, i)
}

fn is_access_start(text: &str) -> bool {
    let rest = text.strip_prefix("Previous ").unwrap_or(text);
    ["Read ", "Write ", "read ", "write "].iter().any(|p| rest.starts_with(p))
}

/// `Read at 0x00c00009a0f0 by goroutine 8:`, `Previous write at … by main goroutine:`, old `Write by goroutine 81:`.
fn parse_access_header(text: &str) -> Option<Access> {
    let (role, rest) = match text.strip_prefix("Previous ") {
        Some(rest) => (AccessRole::Previous, rest),
        None => (AccessRole::Current, text),
    };
    let (kind, rest) = if let Some(r) = rest.strip_prefix("Read ").or_else(|| rest.strip_prefix("read ")) {
        (AccessKind::Read, r)
    } else if let Some(r) = rest.strip_prefix("Write ").or_else(|| rest.strip_prefix("write ")) {
        (AccessKind::Write, r)
    } else {
        return None;
    };
    let (addr, rest) = match rest.strip_prefix("at ") {
        Some(r) => {
            let (addr, r) = r.split_once(' ')?;
            (addr.to_string(), r)
        }
        None => (String::new(), rest),
    };
    let who = rest.strip_prefix("by ")?.strip_suffix(':')?;
    let goroutine = if who == "main goroutine" {
        GoroutineRef::Main
    } else {
        GoroutineRef::Id(who.strip_prefix("goroutine ")?.parse().ok()?)
    };
    Some(Access { role, kind, addr, goroutine, frames: Vec::new(), user_frame: None, stack_lost: false })
}

/// `Goroutine 8 (running) created at:`
fn parse_goroutine_header(text: &str) -> Option<RaceGoroutine> {
    let rest = text.strip_prefix("Goroutine ")?.strip_suffix(" created at:")?;
    let (id, state) = rest.split_once(' ')?;
    let state = match state {
        "(running)" => RaceGoroutineState::Running,
        "(finished)" => RaceGoroutineState::Finished,
        _ => return None,
    };
    Some(RaceGoroutine { id: id.parse().ok()?, state, created_at: Vec::new(), user_frame: None })
}

/// `Found 2 data race(s)`
pub fn parse_found_line(text: &str) -> Option<u32> {
    text.strip_prefix("Found ")?.strip_suffix(" data race(s)")?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_headers_of_both_roles() {
        let a = parse_access_header("Previous write at 0x00c00009a0f0 by goroutine 7:");
        assert!(matches!(
            a,
            Some(Access { role: AccessRole::Previous, kind: AccessKind::Write, goroutine: GoroutineRef::Id(7), .. })
        ));
        let a = parse_access_header("Read at 0x0000005db600 by main goroutine:");
        assert!(matches!(a, Some(Access { goroutine: GoroutineRef::Main, kind: AccessKind::Read, .. })));
        let a = parse_access_header("Write by goroutine 81:");
        assert_eq!(a.map(|a| a.addr), Some(String::new()));
        assert!(parse_access_header("Read the docs").is_none());
    }

    fn lines(text: &str) -> Vec<LogLine<'_>> {
        crate::golang::prefix::logical_lines(text)
    }

    #[test]
    fn go118_lost_stack_and_cut_off_report() {
        // Go <= 1.18 (ThreadSanitizer v2) shape from the format reference; Go 1.19+ drops such reports.
        let text = "==================\nWARNING: DATA RACE\nWrite at 0x00c000010018 by goroutine 7:\n  main.f()\n      /app/main.go:9 +0x3c\n\nPrevious read at 0x00c000010018 by goroutine 6:\n  [failed to restore the stack]\n\nGoroutine 7 (running) created at:\n  main.main()\n      /app/main.go:20 +0x5e\n";
        let mut problems = Vec::new();
        let (report, next) = parse_report(&lines(text), 0, 0, &mut problems);
        assert_eq!(next, 12);
        assert!(report.accesses[1].stack_lost);
        assert!(report.accesses[1].frames.is_empty());
        assert_eq!(report.goroutines[0].created_at[0].line, 20);
        assert_eq!(problems.len(), 1, "no closing separator: {problems:?}");
        assert_eq!(problems[0].kind, ProblemKind::Truncated);
    }

    #[test]
    fn retyped_report_is_read_and_every_guess_recorded() {
        let text = "==================\nWARNING: DATA\nRACE\nWrite at 0x00c000010018 by\ngoroutine 7:\nmain.main•func10\n/app/main.go:9 +0x3c\n==================\n";
        let mut problems = Vec::new();
        let (report, _) = parse_report(&lines(text), 0, 0, &mut problems);
        let frame = &report.accesses[0].frames[0];
        assert_eq!((frame.func.as_str(), frame.line), ("main.main·func1", 9));
        assert_eq!(report.accesses[0].goroutine, GoroutineRef::Id(7));
        let guessed: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(guessed, [2, 4, 6, 6], "{problems:?}");
        assert!(starts_report(&lines(text), 0));
    }

    #[test]
    fn found_line() {
        assert_eq!(parse_found_line("Found 3 data race(s)"), Some(3));
        assert_eq!(parse_found_line("Found many data race(s)"), None);
    }
}
