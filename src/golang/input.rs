//! The bound on a line's length, for every reader of Go output.
//!
//! A log is text of lines, but a file is not always a log: `runbook gc /dev/zero` grew one endless line until the
//! allocation of 4 GiB aborted the process. Go's own lines are short (a frame line is a path and an offset; the
//! longest gc line is under 300 bytes; a panic message can be long, but not megabytes), so a line past
//! `MAX_LINE` is kept up to the bound, the rest is skipped, and the cut is reported as a `truncated` problem.
//! Memory then follows the number of lines kept, never the length of one line.

use std::io::BufRead;

/// 1 MiB: far above any line Go prints, far below what would hurt.
pub const MAX_LINE: usize = 1 << 20;

/// The problem message for a cut line.
pub const CUT_MESSAGE: &str = "line longer than 1 MiB: only its first 1 MiB was read";

/// `line` cut to at most `MAX_LINE` bytes, at a character boundary.
pub fn cut_line(line: &str) -> &str {
    if line.len() <= MAX_LINE {
        return line;
    }
    let mut end = MAX_LINE;
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    line.get(..end).unwrap_or("")
}

/// Reads a whole input, keeping at most `MAX_LINE + 1` bytes of each line (one more than the bound, so the
/// parser still sees that the line was too long and reports it).
pub fn read_bounded(reader: impl BufRead) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut bounded = BoundedReader::new(reader);
    while bounded.fill(&mut out, usize::MAX)? {}
    Ok(out)
}

/// `read_bounded` in pieces: a streaming parse reads a chunk at a time, with the same bound on each line.
pub struct BoundedReader<R> {
    reader: R,
    /// Bytes of the current line kept so far.
    line_len: usize,
}

impl<R: BufRead> BoundedReader<R> {
    pub fn new(reader: R) -> Self {
        BoundedReader { reader, line_len: 0 }
    }

    /// Appends to `out` until it holds at least `want` bytes; false when the input ended first.
    pub fn fill(&mut self, out: &mut Vec<u8>, want: usize) -> std::io::Result<bool> {
        while out.len() < want {
            let buf = match self.reader.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                return Ok(false);
            }
            let filled = buf.len();
            // Fast path: no line of this buffer passes the bound, so it is copied whole (per-line copies of a log
            // of short lines cost more than the parse).
            if let Some(line_len) = fits_whole(buf, self.line_len) {
                out.extend_from_slice(buf);
                self.line_len = line_len;
                self.reader.consume(filled);
                continue;
            }
            let mut rest = buf;
            while !rest.is_empty() {
                let (piece, ends_line) = match memchr::memchr(b'\n', rest) {
                    Some(at) => (&rest[..=at], true),
                    None => (rest, false),
                };
                let room = (MAX_LINE + 1).saturating_sub(self.line_len);
                let kept = piece.len().min(room);
                out.extend_from_slice(&piece[..kept]);
                self.line_len += kept;
                if ends_line {
                    if kept < piece.len() {
                        out.push(b'\n');
                    }
                    self.line_len = 0;
                }
                rest = &rest[piece.len()..];
            }
            self.reader.consume(filled);
        }
        Ok(true)
    }

    /// The reader was moved back to the start of a line (a rewind).
    pub fn restart_line(&mut self) {
        self.line_len = 0;
    }

    pub fn get_mut(&mut self) -> &mut R {
        &mut self.reader
    }
}

/// When no line of `buf` (whose first line continues one of `carried` bytes) passes `MAX_LINE`: the length of
/// the line it leaves open. A buffer no longer than the bound cannot hold a longer line between two of its
/// newlines, so only its first and last lines are measured (two searches from the ends, not a pass over every
/// newline: a log of short lines has millions); a longer buffer is measured line by line.
fn fits_whole(buf: &[u8], carried: usize) -> Option<usize> {
    if buf.len() <= MAX_LINE {
        return match memchr::memchr(b'\n', buf) {
            Some(first) if carried + first <= MAX_LINE => {
                let last = memchr::memrchr(b'\n', buf).unwrap_or(first);
                Some(buf.len() - last - 1)
            }
            Some(_) => None,
            None => (carried + buf.len() <= MAX_LINE).then_some(carried + buf.len()),
        };
    }
    let mut start = 0;
    let mut len = carried;
    for at in memchr::memchr_iter(b'\n', buf) {
        if len + (at - start) > MAX_LINE {
            return None;
        }
        start = at + 1;
        len = 0;
    }
    let open = len + (buf.len() - start);
    (open <= MAX_LINE).then_some(open)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `fits_whole` as it was: every line measured.
    fn fits_line_by_line(buf: &[u8], carried: usize) -> Option<usize> {
        let mut start = 0;
        let mut len = carried;
        let mut fits = true;
        for at in memchr::memchr_iter(b'\n', buf) {
            fits &= len + (at - start) <= MAX_LINE;
            start = at + 1;
            len = 0;
        }
        let open = len + (buf.len() - start);
        (fits && open <= MAX_LINE).then_some(open)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Buffers around the bound (the reader's own buffer is 1 MiB, the bound too) with a few newlines, after
        /// an open line of any length up to past the bound: measuring only the first and last lines decides the
        /// same as measuring every line.
        #[test]
        fn measuring_the_ends_decides_as_measuring_every_line(
            len in prop_oneof![0usize..40, MAX_LINE - 3..MAX_LINE + 4, MAX_LINE / 2..MAX_LINE / 2 + 2],
            newlines in prop::collection::vec(any::<prop::sample::Index>(), 0..5),
            carried in prop_oneof![0usize..3, MAX_LINE - 40..MAX_LINE + 2, 0..MAX_LINE],
        ) {
            let mut buf = vec![b'x'; len];
            for at in &newlines {
                if len > 0 {
                    buf[at.index(len)] = b'\n';
                }
            }
            prop_assert_eq!(fits_whole(&buf, carried), fits_line_by_line(&buf, carried));
        }
    }
    use std::io::Read;

    #[test]
    fn long_lines_keep_one_byte_past_the_bound_and_short_ones_are_untouched() {
        let mut input = b"short\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', MAX_LINE * 3));
        input.extend_from_slice(b"\nafter\n");
        let reader = std::io::BufReader::with_capacity(4096, &input[..]);
        let out = read_bounded(reader).unwrap();
        let lines: Vec<&[u8]> = out.split(|&b| b == b'\n').collect();
        assert_eq!(lines[0], b"short");
        assert_eq!(lines[1].len(), MAX_LINE + 1);
        assert_eq!(lines[2], b"after");
        // Whatever the buffer size (whole buffers copied at once, or line by line around the long line).
        for capacity in [1, 7, 4096, 1 << 20, 8 << 20] {
            let reader = std::io::BufReader::with_capacity(capacity, &input[..]);
            assert_eq!(read_bounded(reader).unwrap(), out, "capacity {capacity}");
        }
        let short: Vec<u8> = b"gc 1 @0.1s\napp: tick\n".repeat(100_000);
        let reader = std::io::BufReader::with_capacity(1 << 20, &short[..]);
        assert_eq!(read_bounded(reader).unwrap(), short);
        let endless = read_bounded(std::io::BufReader::new(std::io::repeat(0).take(5 * MAX_LINE as u64))).unwrap();
        assert_eq!(endless.len(), MAX_LINE + 1);
    }

    #[test]
    fn cut_at_a_character_boundary() {
        let line = "é".repeat(MAX_LINE);
        assert_eq!(cut_line(&line).len(), MAX_LINE);
        let odd = format!("x{line}");
        assert_eq!(cut_line(&odd).len(), MAX_LINE - 1);
    }
}
