//! A source file as the source view reads it: the text once, and where each line starts.
//!
//! Indexing the line starts is one pass over the bytes, done with the read in a background job, so a 100k-line
//! file costs the UI nothing to open and any line is then a slice away (no per-scroll search for newlines).

use std::path::Path;

/// Files larger than this are not opened (a log or a binary picked by mistake would only exhaust memory).
pub const MAX_BYTES: u64 = 256 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The content, decoded lossily (U+FFFD for bytes that are not UTF-8).
    text: String,
    /// Byte offset where each line starts; a final newline does not start another line.
    starts: Vec<usize>,
}

impl SourceFile {
    pub fn from_bytes(bytes: &[u8]) -> SourceFile {
        let text = String::from_utf8_lossy(bytes).into_owned();
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        if !text.is_empty() {
            starts.push(0);
        }
        starts.extend(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1));
        if starts.last() == Some(&text.len()) {
            starts.pop();
        }
        SourceFile { text, starts }
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Line `index` (0-based) without its terminator; empty past the end.
    pub fn line(&self, index: usize) -> &str {
        let Some(&start) = self.starts.get(index) else { return "" };
        let end = self.starts.get(index + 1).copied().unwrap_or(self.text.len());
        let line = &self.text[start..end];
        let line = line.strip_suffix('\n').unwrap_or(line);
        line.strip_suffix('\r').unwrap_or(line)
    }

    pub fn lines(&self, from: usize, to: usize) -> impl Iterator<Item = &str> {
        (from..to.min(self.len())).map(move |i| self.line(i))
    }
}

/// Reads and indexes a file. Blocking: the event loop runs it on a blocking thread.
pub fn load(path: &Path) -> Result<SourceFile, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.is_dir() {
        return Err("is a directory".into());
    }
    if meta.len() > MAX_BYTES {
        return Err(format!("too large to show ({} MB)", meta.len() / (1024 * 1024)));
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    Ok(SourceFile::from_bytes(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_with_and_without_a_final_newline() {
        let f = SourceFile::from_bytes(b"a\r\nb\n\nc");
        assert_eq!((f.len(), f.line(0), f.line(1), f.line(2), f.line(3), f.line(4)), (4, "a", "b", "", "c", ""));
        assert_eq!(SourceFile::from_bytes(b"a\n").len(), 1);
        assert!(SourceFile::from_bytes(b"").is_empty());
    }
}
