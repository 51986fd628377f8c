//! Reads a journal back, recovering from a crash: a torn last line (the machine died mid-write) is skipped with a
//! warning, never an error, and the reader says where the intact part ends so a resumed session can cut the torn
//! bytes away before it appends.

use super::record::{Entry, Meta, Record, SessionStart, FORMAT_VERSION};
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
    #[error("{path}: not a runbook journal (its first line is not a session_start)")]
    NotAJournal { path: String },
    #[error("{path}: journal format {found} is newer than this runbook understands ({FORMAT_VERSION})")]
    TooNew { path: String, found: u32 },
}

pub fn read(path: &Path) -> Result<Loaded, ReadError> {
    let bytes = std::fs::read(path).map_err(|source| ReadError::Io { path: path.display().to_string(), source })?;
    let loaded = parse(&bytes);
    match loaded.records.first().and_then(Record::meta) {
        Some(Meta::SessionStart(start)) if start.format > FORMAT_VERSION => {
            Err(ReadError::TooNew { path: path.display().to_string(), found: start.format })
        }
        Some(Meta::SessionStart(_)) => Ok(loaded),
        _ => Err(ReadError::NotAJournal { path: path.display().to_string() }),
    }
}

/// Parses journal bytes; never fails: bad lines become warnings.
pub fn parse(bytes: &[u8]) -> Loaded {
    let mut loaded = Loaded { records: Vec::new(), warnings: Vec::new(), keep_len: 0, needs_newline: false };
    let mut start = 0usize;
    let mut number = 0usize;
    while start < bytes.len() {
        number += 1;
        let (end, terminated) = match bytes[start..].iter().position(|b| *b == b'\n') {
            Some(pos) => (start + pos, true),
            None => (bytes.len(), false),
        };
        let text = String::from_utf8_lossy(&bytes[start..end]);
        let next = if terminated { end + 1 } else { end };
        if text.trim().is_empty() {
            if terminated {
                loaded.keep_len = next as u64;
            }
            start = next;
            continue;
        }
        match Record::parse(&text) {
            Ok(record) => {
                loaded.records.push(record);
                loaded.keep_len = next as u64;
                loaded.needs_newline = !terminated;
            }
            Err(e) if !terminated => {
                loaded.warnings.push(format!("line {number}: torn last line skipped ({e})"));
            }
            Err(e) => {
                // Not the last line: keep it in the file (the writer never produces this; a person may have).
                loaded.keep_len = next as u64;
                loaded.warnings.push(format!("line {number}: unreadable line skipped ({e})"));
            }
        }
        start = next;
    }
    loaded
}

impl Loaded {
    pub fn start(&self) -> Option<&SessionStart> {
        match self.records.first().map(|r| &r.entry) {
            Some(Entry::Meta(Meta::SessionStart(s))) => Some(s),
            _ => None,
        }
    }

    /// Whether a `session_finished` closes the journal.
    pub fn finished(&self) -> bool {
        self.records.iter().any(|r| matches!(r.meta(), Some(Meta::SessionFinished { .. })))
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
    fn torn_last_line_is_skipped_with_a_warning_and_cut_point() {
        let text = format!("{START}\n{{\"type\":\"step_sta");
        let loaded = parse(text.as_bytes());
        assert_eq!(loaded.records.len(), 1);
        assert_eq!(loaded.keep_len as usize, START.len() + 1);
        assert!(loaded.warnings[0].contains("torn last line"), "{:?}", loaded.warnings);
        assert!(!loaded.needs_newline);
    }

    #[test]
    fn an_intact_record_without_newline_is_kept() {
        let loaded = parse(START.as_bytes());
        assert_eq!(loaded.records.len(), 1);
        assert!(loaded.needs_newline);
        assert_eq!(loaded.keep_len as usize, START.len());
    }
}
