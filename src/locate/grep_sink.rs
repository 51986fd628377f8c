//! Where grep results go: a per-thread sink that is told about each matching line as soon as it is found.
//!
//! Modelled on ripgrep's `Sink` (`matched`, `context`, `finish`): the search pushes borrowed lines, so the
//! CLI can write them without copying and the TUI can show them live. Each search thread gets its own sink
//! (made by a factory closure), which lets a sink buffer one file's lines and emit them together, the way
//! ripgrep keeps a file's matches contiguous. `GrepMatch` is the owned, serializable form that step captures
//! (`{{map_sites}}`) and tests keep.

use super::text::{bytes_from, lossy_and_b64, path_bytes, path_from_bytes, trim_line_terminator};
use serde::ser::{Serialize, SerializeStruct, Serializer};
use serde::{Deserialize, Deserializer};
use std::path::{Path, PathBuf};

/// One matching line, borrowed from the search buffer. Valid only during the `matched` call.
#[derive(Debug, Clone, Copy)]
pub struct LineMatch<'a> {
    /// The path as given joined with the path relative to it, as ripgrep prints it.
    pub path: &'a Path,
    /// 1-based line number.
    pub line: u64,
    /// 1-based byte column of the first match in the line.
    pub column: u64,
    /// The line's bytes, including its terminator when it has one.
    pub bytes: &'a [u8],
}

impl LineMatch<'_> {
    /// The owned form, for keeping after the callback returns.
    pub fn to_owned_match(&self) -> GrepMatch {
        GrepMatch {
            path: self.path.to_path_buf(),
            line: self.line,
            column: self.column,
            bytes: trim_line_terminator(self.bytes).to_vec(),
        }
    }
}

/// A line around a match, reported when `GrepOptions::context` is non-zero.
#[derive(Debug, Clone, Copy)]
pub struct ContextLine<'a> {
    pub path: &'a Path,
    pub line: u64,
    /// True after the match, false before it.
    pub after: bool,
    pub bytes: &'a [u8],
}

/// An owned matching line. Serializes as `{path, line, column, text}` plus `path_b64`/`text_b64` when the
/// raw bytes are not UTF-8 (the JSON convention of ARCHITECTURE.md).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GrepMatch {
    pub path: PathBuf,
    pub line: u64,
    pub column: u64,
    /// The line without its terminator.
    pub bytes: Vec<u8>,
}

impl GrepMatch {
    /// The line as text, with U+FFFD for bytes that are not UTF-8.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

impl Serialize for GrepMatch {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (path, path_b64) = lossy_and_b64(&path_bytes(&self.path));
        let (text, text_b64) = lossy_and_b64(&self.bytes);
        let fields = 4 + usize::from(path_b64.is_some()) + usize::from(text_b64.is_some());
        let mut s = serializer.serialize_struct("GrepMatch", fields)?;
        s.serialize_field("path", &path)?;
        if let Some(b64) = &path_b64 {
            s.serialize_field("path_b64", b64)?;
        }
        s.serialize_field("line", &self.line)?;
        s.serialize_field("column", &self.column)?;
        s.serialize_field("text", &text)?;
        if let Some(b64) = &text_b64 {
            s.serialize_field("text_b64", b64)?;
        }
        s.end()
    }
}

/// The inverse of `Serialize` (a replay reads recorded matches back): the raw bytes from `*_b64` when present.
impl<'de> Deserialize<'de> for GrepMatch {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            path: String,
            path_b64: Option<String>,
            line: u64,
            column: u64,
            text: String,
            text_b64: Option<String>,
        }
        let raw = Raw::deserialize(d)?;
        let path = bytes_from(raw.path, raw.path_b64.as_deref()).map_err(serde::de::Error::custom)?;
        let bytes = bytes_from(raw.text, raw.text_b64.as_deref()).map_err(serde::de::Error::custom)?;
        Ok(GrepMatch { path: path_from_bytes(path), line: raw.line, column: raw.column, bytes })
    }
}

/// Receives the results of one search thread. Returning `false` from `matched` or `context` stops the whole
/// search (all threads), as soon as they notice.
pub trait GrepSink: Send {
    fn matched(&mut self, found: &LineMatch<'_>) -> bool;

    fn context(&mut self, _line: &ContextLine<'_>) -> bool {
        true
    }

    /// Called after each searched file that had at least one match, with the number of matching lines.
    fn finish_file(&mut self, _path: &Path, _matches: u64) {}

    /// A file or directory that could not be read; the search goes on.
    fn error(&mut self, _path: Option<&Path>, _message: &str) {}
}

/// Adapts a closure over owned matches into a sink: the easy way for tests and captures.
pub(crate) struct EachMatch<'f, F> {
    pub(crate) each: &'f F,
}

impl<F: Fn(GrepMatch) + Sync> GrepSink for EachMatch<'_, F> {
    fn matched(&mut self, found: &LineMatch<'_>) -> bool {
        (self.each)(found.to_owned_match());
        true
    }
}
