//! Reads a journal back, recovering from a crash: a torn last line (the machine died mid-write) is skipped with a
//! warning, never an error, and the reader says where the intact part ends so a resumed session can cut the torn
//! bytes away before it appends. Lines are read one at a time with a per-line limit, never the whole file at
//! once: a long incident's journal must still resume and replay, and a garbage line costs at most the limit.

use super::record::{Entry, Meta, Record, SessionStart, FORMAT_VERSION};
use crate::bounded_read::{Line, Lines};
use std::path::Path;

#[derive(Debug, Clone)]
pub struct Loaded {
    pub records: Vec<Record>,
    /// What was skipped and why, for the user (`line 12: torn last line skipped (…)`).
    pub warnings: Vec<String>,
    /// Length of the intact prefix: everything after it is a torn last line.
    pub keep_len: u64,
    /// The last intact record has no newline yet (the crash hit between the record and its `\n`).
    pub needs_newline: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    /// Not a regular file (a FIFO, a device), or it could not be opened.
    #[error("{0}")]
    Unreadable(String),
    #[error("{path}: not a runbook journal (its first line is not a session_start)")]
    NotAJournal { path: String },
    #[error("{path}: journal format {found} is newer than this runbook understands ({FORMAT_VERSION})")]
    TooNew { path: String, found: u32 },
}

/// Longest journal line read: far above what the writer produces (output lines are cut at 64 KiB, captures keep
/// 1 MiB per stream), so a journal that grew over a long incident still reads whole, while a garbage line (a
/// journal pointed at `/dev/zero` by mistake, a corrupted file) costs at most this much memory.
pub const MAX_LINE: usize = 64 << 20;

pub fn read(path: &Path) -> Result<Loaded, ReadError> {
    let shown = || path.display().to_string();
    let file = crate::bounded_read::open_regular(path).map_err(|e| ReadError::Unreadable(e.to_string()))?;
    // Side files are named relative to the journal's directory (a session is a directory that can be copied).
    let dir = path.parent().unwrap_or(Path::new(""));
    let mut loaded =
        parse_from_in(file, MAX_LINE, Some(dir)).map_err(|source| ReadError::Io { path: shown(), source })?;
    for record in &mut loaded.records {
        let entry = std::mem::replace(&mut record.entry, Entry::Unknown(serde_json::Value::Null));
        record.entry = super::side_paths::to_absolute(entry, dir);
    }
    match loaded.records.first().and_then(Record::meta) {
        Some(Meta::SessionStart(start)) if start.format > FORMAT_VERSION => {
            Err(ReadError::TooNew { path: shown(), found: start.format })
        }
        Some(Meta::SessionStart(_)) => Ok(loaded),
        _ => Err(ReadError::NotAJournal { path: shown() }),
    }
}

/// Parses journal bytes; never fails: bad lines become warnings.
pub fn parse(bytes: &[u8]) -> Loaded {
    match parse_from(bytes, MAX_LINE) {
        Ok(loaded) => loaded,
        // Reading a slice cannot fail.
        Err(_) => Loaded { records: Vec::new(), warnings: Vec::new(), keep_len: 0, needs_newline: false },
    }
}

/// Parses a journal line by line, holding at most `max_line` bytes of any one line.
pub fn parse_from(input: impl std::io::Read, max_line: usize) -> std::io::Result<Loaded> {
    parse_from_in(input, max_line, None)
}

/// `parse_from` for the journal in `dir`, whose side files hold the values too large for a line.
pub fn parse_from_in(input: impl std::io::Read, max_line: usize, dir: Option<&Path>) -> std::io::Result<Loaded> {
    let mut loaded = Loaded { records: Vec::new(), warnings: Vec::new(), keep_len: 0, needs_newline: false };
    let mut lines = Lines::new(input, max_line);
    let mut number = 0usize;
    while let Some(line) = lines.next_line()? {
        number += 1;
        let (bytes, terminated, next) = match line {
            Line::Text { bytes, terminated, end } => (bytes, terminated, end),
            Line::TooLong { terminated: true, end } => {
                // Not the last line: keep it in the file, as an unreadable line.
                loaded.keep_len = end;
                loaded.warnings.push(format!("line {number}: longer than {max_line} bytes, skipped"));
                continue;
            }
            Line::TooLong { terminated: false, .. } => {
                loaded.warnings.push(format!("line {number}: torn last line skipped (longer than {max_line} bytes)"));
                continue;
            }
        };
        let text = String::from_utf8_lossy(&bytes);
        if text.trim().is_empty() {
            if terminated {
                loaded.keep_len = next;
            }
            continue;
        }
        match Record::parse_in(&text, dir) {
            Ok((record, warning)) => {
                if let Some(w) = warning {
                    loaded.warnings.push(format!("line {number}: {w}"));
                }
                loaded.records.push(record);
                loaded.keep_len = next;
                loaded.needs_newline = !terminated;
            }
            Err(e) if !terminated => {
                loaded.warnings.push(format!("line {number}: torn last line skipped ({e})"));
            }
            Err(e) => {
                // Not the last line: keep it in the file (the writer never produces this; a person may have).
                loaded.keep_len = next;
                loaded.warnings.push(format!("line {number}: unreadable line skipped ({e})"));
            }
        }
    }
    Ok(loaded)
}

impl Loaded {
    pub fn start(&self) -> Option<&SessionStart> {
        match self.records.first().map(|r| &r.entry) {
            Some(Entry::Meta(Meta::SessionStart(s))) => Some(s),
            _ => None,
        }
    }

    /// Whether a `session_finished` closes the journal: one that no `session_reopened` follows.
    pub fn finished(&self) -> bool {
        let last = self.records.iter().rev().find_map(|r| match r.meta() {
            Some(Meta::SessionFinished { .. }) => Some(true),
            Some(Meta::SessionReopened { .. }) => Some(false),
            _ => None,
        });
        last.unwrap_or(false)
    }

    pub fn last_offset_ms(&self) -> u64 {
        self.records.iter().map(|r| r.offset_ms).max().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: &str = r#"{"type":"note","text":"a","ts":"t","offset_ms":1}"#;

    #[test]
    fn a_session_is_finished_until_it_is_reopened_and_again_when_it_finishes_again() {
        let finished = r#"{"type":"session_finished","reason":"quit","ts":"t","offset_ms":2}"#;
        let reopened = r#"{"type":"session_reopened","tool_version":"0","ts":"t","offset_ms":3}"#;
        let read = |lines: &[&str]| parse(format!("{}\n", lines.join("\n")).as_bytes());
        assert!(!read(&[START]).finished());
        assert!(read(&[START, finished]).finished());
        assert!(!read(&[START, finished, reopened]).finished());
        assert!(!read(&[START, finished, reopened, START]).finished());
        assert!(read(&[START, finished, reopened, finished]).finished());
    }

    #[test]
    fn torn_last_line_is_skipped_with_a_warning_and_cut_point() {
        let text = format!("{START}\n{{\"type\":\"step_sta");
        let loaded = parse(text.as_bytes());
        assert_eq!(loaded.records.len(), 1);
        assert_eq!(loaded.keep_len as usize, START.len() + 1);
        assert!(loaded.warnings[0].contains("torn last line"), "{:?}", loaded.warnings);
        assert!(!loaded.needs_newline);
    }

    #[test]
    fn a_line_over_the_limit_is_skipped_without_losing_the_lines_after_it() {
        let long = format!("{{\"type\":\"note\",\"text\":\"{}\",\"ts\":\"t\",\"offset_ms\":2}}", "x".repeat(500));
        let text = format!("{START}\n{long}\n{START}\n");
        let loaded = parse_from(text.as_bytes(), 200).unwrap();
        assert_eq!(loaded.records.len(), 2, "{:?}", loaded.warnings);
        assert_eq!(loaded.warnings, ["line 2: longer than 200 bytes, skipped"]);
        assert_eq!(loaded.keep_len as usize, text.len());
        let whole = parse_from(text.as_bytes(), MAX_LINE).unwrap();
        assert_eq!(whole.records.len(), 3, "the same journal under the real limit reads whole");
    }

    #[test]
    fn an_intact_record_without_newline_is_kept() {
        let loaded = parse(START.as_bytes());
        assert_eq!(loaded.records.len(), 1);
        assert!(loaded.needs_newline);
        assert_eq!(loaded.keep_len as usize, START.len());
    }
}
