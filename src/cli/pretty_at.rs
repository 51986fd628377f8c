//! `serde_json`'s pretty printer, starting at a depth: a value printed alone that reads as the same value
//! printed inside a document at that depth. `runbook parse --json` writes its document piece by piece
//! (`parse_spool.rs`); printing each piece with `to_string_pretty` and indenting every line after it cost a copy
//! and a scan of a 180 MB document. The rules are `serde_json::ser::PrettyFormatter`'s, with two spaces.
//! Arrays too long to keep go to `Spooled` temporary files (unnamed, in `$TMPDIR`, gone with the process).

use anyhow::Context as _;
use serde::Serialize;
use serde_json::ser::Formatter;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Seek, Write};

/// `PrettyFormatter::new()` whose nesting starts at `depth`.
pub struct PrettyAt {
    depth: usize,
    has_value: bool,
}

/// Writes `value` as `serde_json::to_string_pretty` would inside a document, at `depth`; the caller writes the
/// indentation before it, as the printer writes it before a value.
pub fn write_pretty_at(out: &mut impl Write, value: &impl Serialize, depth: usize) -> serde_json::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(out, PrettyAt { depth, has_value: false });
    value.serialize(&mut serializer)
}

/// Two spaces per level: the indentation of a value at `depth`.
pub fn indent(out: &mut (impl Write + ?Sized), depth: usize) -> io::Result<()> {
    const SPACES: &[u8; 64] = b"                                                                ";
    let mut left = depth * 2;
    while left > 0 {
        let n = left.min(SPACES.len());
        out.write_all(&SPACES[..n])?;
        left -= n;
    }
    Ok(())
}

impl Formatter for PrettyAt {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            writer.write_all(b"\n")?;
            indent(writer, self.depth)?;
        }
        writer.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        writer.write_all(if first { b"\n" } else { b",\n" })?;
        indent(writer, self.depth)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            writer.write_all(b"\n")?;
            indent(writer, self.depth)?;
        }
        writer.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        writer.write_all(if first { b"\n" } else { b",\n" })?;
        indent(writer, self.depth)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// One temporary file of values, one per line (JSON lines), or of pretty-printed array elements.
pub(crate) struct Spooled {
    writer: BufWriter<File>,
    pub(crate) count: usize,
    /// One element printed by hand (`element_by_hand`), reused: no allocation per element.
    scratch: Vec<u8>,
}

impl Spooled {
    pub(crate) fn new() -> anyhow::Result<Self> {
        let file = tempfile::tempfile().context("cannot create a temporary file (set TMPDIR to a writable place)")?;
        Ok(Spooled { writer: BufWriter::with_capacity(1 << 16, file), count: 0, scratch: Vec::new() })
    }

    /// Appends one value as a JSON line.
    pub(crate) fn line(&mut self, value: &impl Serialize) -> anyhow::Result<()> {
        serde_json::to_writer(&mut self.writer, value)?;
        self.writer.write_all(b"\n")?;
        self.count += 1;
        Ok(())
    }

    /// Appends one element of a pretty-printed array whose elements are at `depth`, printed by `write` (which
    /// prints what `write_pretty_at(value, depth)` prints: `gc_json`).
    pub(crate) fn element_by_hand(&mut self, depth: usize, write: impl FnOnce(&mut Vec<u8>)) -> anyhow::Result<()> {
        let buf = &mut self.scratch;
        buf.clear();
        buf.extend_from_slice(if self.count > 0 { b",\n" } else { b"\n" });
        indent(buf, depth)?;
        write(buf);
        self.writer.write_all(buf)?;
        self.count += 1;
        Ok(())
    }

    /// The file, flushed and rewound.
    pub(crate) fn into_reader(self) -> anyhow::Result<BufReader<File>> {
        let mut file = self.writer.into_inner().map_err(|e| e.into_error()).context("cannot write a temporary file")?;
        file.rewind()?;
        Ok(BufReader::with_capacity(1 << 16, file))
    }
}

/// `value` pretty-printed as it prints at `depth` inside a document, its indentation first.
fn write_indented(out: &mut impl Write, value: &impl Serialize, depth: usize) -> anyhow::Result<()> {
    indent(out, depth)?;
    write_pretty_at(out, value, depth).context("cannot serialise the report")?;
    Ok(())
}

/// A value that is small whatever the input (names, sites, pairings, problems), printed at `depth`.
pub(crate) fn write_small(out: &mut impl Write, value: &impl Serialize, depth: usize) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value).context("cannot serialise the report")?;
    let pad = "  ".repeat(depth);
    out.write_all(text.replace('\n', &format!("\n{pad}")).as_bytes())?;
    Ok(())
}

/// A pretty array of the values read back from JSON lines, each resolved by `read`, elements at `depth`.
pub(crate) fn write_array<T: Serialize>(
    out: &mut impl Write,
    reader: BufReader<File>,
    depth: usize,
    mut read: impl FnMut(&str) -> anyhow::Result<T>,
) -> anyhow::Result<()> {
    out.write_all(b"[")?;
    let mut any = false;
    for line in reader.lines() {
        let value = read(&line?)?;
        out.write_all(if any { b",\n" } else { b"\n" })?;
        write_indented(out, &value, depth)?;
        any = true;
    }
    close_array(out, any, depth)
}

/// A pretty array of elements spooled already printed.
pub(crate) fn copy_elements(out: &mut impl Write, spooled: Spooled, depth: usize) -> anyhow::Result<()> {
    out.write_all(b"[")?;
    let any = spooled.count > 0;
    std::io::copy(&mut spooled.into_reader()?, out)?;
    close_array(out, any, depth)
}

/// The end of a pretty array whose elements are at `depth`: `]` on its own line unless it is empty.
pub(crate) fn close_array(out: &mut impl Write, any: bool, depth: usize) -> anyhow::Result<()> {
    if any {
        write!(out, "\n{}]", "  ".repeat(depth - 1))?;
    } else {
        out.write_all(b"]")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_printed_at_a_depth_reads_as_inside_the_document() {
        let inner = serde_json::json!({"a": [1, 2.5, {"b": null, "c": []}], "d": {}, "e": "x\ny"});
        let doc = serde_json::json!({"outer": [[inner.clone()]]});
        let whole = serde_json::to_string_pretty(&doc).unwrap();
        let mut piece = Vec::new();
        indent(&mut piece, 3).unwrap();
        write_pretty_at(&mut piece, &inner, 3).unwrap();
        let piece = String::from_utf8(piece).unwrap();
        assert!(whole.contains(&piece), "{whole}\n---\n{piece}");
        assert!(piece.ends_with("\n      }"));
    }
}
