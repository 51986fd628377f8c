//! Text made safe for a terminal: the one place that decides how control characters are shown.
//!
//! Runbooks, `--var` values, journals, logs and command output are written by others; an escape sequence in any
//! of them (a step id holding `ESC ] 0 ;`, a note holding `ESC [ 2 J`, a log line holding the one-character CSI
//! U+009B) would drive the engineer's terminal: retitle it, clear it, fake a "passed" line, or answer back on
//! stdin. So every text bound for a terminal goes through here first:
//!
//! - C0 controls except TAB and newline, and DEL, become caret notation (`ESC` is `^[`, `DEL` is `^?`), as
//!   `cat -v` shows them. TAB and newline stay: Go's traces are laid out with them; so does the CR of a CRLF
//!   line ending (a lone CR, which lets a line overwrite itself, is `^M`).
//! - C1 controls (U+0080..U+009F, among them U+009B CSI and U+009D OSC) become `\u{9b}`.
//! - In bytes that are not UTF-8 (grep prints a file's lines as they are), a lone byte 0x80..0x9F, which an 8-bit
//!   terminal reads as C1, becomes `\x9b`; other bytes pass unchanged.
//!
//! JSON keeps its exact values: serde already escapes C0 controls, and `Mode::Json` writes the C1 characters it
//! leaves raw as `\u009b` escapes, which decode to the same string.

use std::borrow::Cow;
use std::io::{self, Write};

/// The text with every control character except TAB and newline in a visible form.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !needs_care(text.as_bytes()) || !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    push_visible(&mut out, text);
    Cow::Owned(out)
}

/// Whether `c` is a control character that must not reach a terminal raw.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() && c != '\t' && c != '\n'
}

fn push_visible(out: &mut String, text: &str) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if !is_unsafe(c) => out.push(c),
            // A CRLF line ending moves nothing that the newline does not: files and Windows logs keep theirs.
            '\r' if chars.peek() == Some(&'\n') => out.push(c),
            '\u{7f}' => out.push_str("^?"),
            c if (c as u32) < 0x20 => {
                out.push('^');
                out.push(char::from(b'@' + c as u8));
            }
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
}

fn push_json(out: &mut String, text: &str) {
    for c in text.chars() {
        // Raw TAB, newline and CR are JSON whitespace (pretty-printed documents have newlines).
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
}

/// A cheap first look: text without these bytes has no control character to neutralise (0xC2 leads every
/// UTF-8 encoded C1 control).
fn needs_care(bytes: &[u8]) -> bool {
    // Block by block, with no early exit inside a block, so the test is vectorised: `runbook parse --json`
    // writes a 180 MB document through here, and a byte-at-a-time scan was a tenth of its time.
    let care = |b: u8| ((b < 0x20) & (b != b'\t') & (b != b'\n')) | (b == 0x7f) | (b == 0xc2);
    bytes.chunks(64).any(|block| block.iter().fold(false, |found, &b| found | care(b)))
}

/// What a `Terminal` writer writes: text for people, or JSON lines whose values must stay exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Text,
    Json,
}

/// A writer that neutralises control characters on the way to `inner` (stdout, stderr), whatever pieces the
/// text arrives in: a character split across two writes is held until it is whole.
pub struct Terminal<W: Write> {
    inner: W,
    mode: Mode,
    /// The start of a UTF-8 character whose remaining bytes have not arrived yet.
    pending: Vec<u8>,
}

impl<W: Write> Terminal<W> {
    pub fn new(inner: W, mode: Mode) -> Self {
        Terminal { inner, mode, pending: Vec::new() }
    }

    /// A text-mode writer when `json` is false, a JSON one otherwise.
    pub fn for_output(inner: W, json: bool) -> Self {
        Terminal::new(inner, if json { Mode::Json } else { Mode::Text })
    }

    /// Writes `bytes` to the inner writer as they are, for text with nothing to neutralise that the caller printed
    /// itself: printable ASCII and newlines (the gc cycles of `parse --json`, 180 MB for a 100 MB log), which
    /// would only be scanned here to be passed on unchanged.
    pub fn write_plain(&mut self, bytes: &[u8]) -> io::Result<()> {
        debug_assert!(!needs_care(bytes) && bytes.is_ascii(), "plain text holds a control or non-ASCII byte");
        if !self.pending.is_empty() {
            return self.write_all(bytes);
        }
        self.inner.write_all(bytes)
    }

    fn neutralise(&self, bytes: &[u8], out: &mut Vec<u8>) -> usize {
        let mut rest = bytes;
        let mut text = String::new();
        loop {
            let (valid, after) = match std::str::from_utf8(rest) {
                Ok(s) => (s, None),
                Err(e) => {
                    let (good, bad) = rest.split_at(e.valid_up_to());
                    (std::str::from_utf8(good).unwrap_or_default(), Some((bad, e.error_len())))
                }
            };
            text.clear();
            match self.mode {
                Mode::Text => push_visible(&mut text, valid),
                Mode::Json => push_json(&mut text, valid),
            }
            out.extend_from_slice(text.as_bytes());
            match after {
                None => return bytes.len(),
                // An incomplete character at the end: left for the next write.
                Some((bad, None)) => return bytes.len() - bad.len(),
                Some((bad, Some(n))) => {
                    for &b in &bad[..n] {
                        if (0x80..=0x9f).contains(&b) && self.mode == Mode::Text {
                            out.extend_from_slice(format!("\\x{b:02x}").as_bytes());
                        } else {
                            out.push(b);
                        }
                    }
                    rest = &bad[n..];
                }
            }
        }
    }
}

impl<W: Write> Write for Terminal<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        if self.pending.is_empty() && !needs_care(buf) && std::str::from_utf8(buf).is_ok() {
            return self.inner.write_all(buf);
        }
        let mut input = std::mem::take(&mut self.pending);
        input.extend_from_slice(buf);
        // A CR at the end may be the first half of a CRLF: it waits for the next write too.
        let hold_cr = usize::from(self.mode == Mode::Text && input.ends_with(b"\r"));
        let mut out = Vec::with_capacity(input.len() + 16);
        let used = self.neutralise(&input[..input.len() - hold_cr], &mut out);
        self.pending = input[used..].to_vec();
        self.inner.write_all(&out)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<W: Write> Drop for Terminal<W> {
    fn drop(&mut self) {
        // A character that never completed is not a control character: its bytes go out as they came; a CR
        // that no newline followed is shown.
        if !self.pending.is_empty() {
            let pending = std::mem::take(&mut self.pending);
            let shown = match pending.strip_suffix(b"\r") {
                Some(rest) => [rest, b"^M"].concat(),
                None => pending,
            };
            let _ = self.inner.write_all(&shown);
            let _ = self.inner.flush();
        }
    }
}

/// Standard output for a command's results: JSON when `json`, else text, neutralised either way.
pub fn stdout(json: bool) -> Terminal<io::StdoutLock<'static>> {
    Terminal::for_output(io::stdout().lock(), json)
}

/// Prints one line to standard error with its control characters visible (`eprintln!` for text that holds
/// anything from outside: paths, ids, messages quoting input).
pub fn eprint_line(text: &str) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "{}", visible(text));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn through(mode: Mode, pieces: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut w = Terminal::new(&mut out, mode);
            for p in pieces {
                w.write_all(p).unwrap();
            }
        }
        out
    }

    #[test]
    fn c0_del_and_c1_become_visible_tab_and_newline_stay() {
        assert_eq!(visible("plain\ttext\n"), "plain\ttext\n");
        assert_eq!(visible("a\x1b[31mb\x07\r\x7f"), "a^[[31mb^G^M^?");
        assert_eq!(visible("x\u{9b}2J\u{9d}0;t\u{85}"), "x\\u{9b}2J\\u{9d}0;t\\u{85}");
        assert_eq!(visible("\0"), "^@");
        assert_eq!(visible("crlf\r\n"), "crlf\r\n");
        assert!(matches!(visible("ünïcode — ok"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_writer_neutralises_a_c1_character_split_across_writes() {
        assert_eq!(through(Mode::Text, &[b"a\xc2", b"\x9bb\n"]), b"a\\u{9b}b\n");
        assert_eq!(through(Mode::Text, &[b"\x1b]0;t\x07"]), b"^[]0;t^G");
        // A character outside C1 split the same way arrives whole.
        assert_eq!(through(Mode::Text, &[b"\xe2\x80", b"\x94"]), "—".as_bytes());
        // So is a CRLF line ending, which stays, while a CR that ends the text is shown.
        assert_eq!(through(Mode::Text, &[b"a\r", b"\nb\rc\r"]), b"a\r\nb^Mc^M");
    }

    #[test]
    fn invalid_bytes_pass_except_lone_c1_bytes() {
        assert_eq!(through(Mode::Text, &[b"caf\xe9 \x9b2J\n"]), b"caf\xe9 \\x9b2J\n");
    }

    #[test]
    fn plain_text_goes_out_as_it_is_and_after_a_character_still_pending() {
        let mut out = Vec::new();
        {
            let mut w = Terminal::new(&mut out, Mode::Json);
            w.write_plain(b"[\n  1.5,\n").unwrap();
            // The first byte of a two-byte character waits for its second; plain text after it keeps its place.
            w.write_all("\"é".as_bytes().split_at(2).0).unwrap();
            w.write_plain(b"2]").unwrap();
        }
        assert_eq!(out, b"[\n  1.5,\n\"\xc32]");
    }

    #[test]
    fn json_mode_escapes_c1_and_keeps_the_value() {
        let line = serde_json::to_string(&serde_json::json!({"line": "a\u{9b}b\u{1b}"})).unwrap();
        let out = through(Mode::Json, &[line.as_bytes()]);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, r#"{"line":"a\u009bb\u001b"}"#);
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["line"], "a\u{9b}b\u{1b}");
    }
}
