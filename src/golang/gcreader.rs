//! Streaming gctrace from a reader (`runbook gc`): lines cut from the reader's own buffer, not copied one by one.
//!
//! `runbook gc` on a multi-gigabyte log must stream, and on a chatty log most lines are a dozen bytes, so the
//! per-line costs of `read_until` (a call, a copy into a line buffer, a UTF-8 check per line) were a quarter of the
//! time. Here every buffer the reader fills is checked as UTF-8 once up to its last newline and split in place;
//! only a line spanning two buffers is copied. Results are those of reading line by line: a block of whole lines is
//! valid UTF-8 exactly when each of its lines is (a newline is never part of a multi-byte character), and a block
//! that is not falls back to replacing invalid bytes line by line.

use super::gctrace::{GcCycle, GcNeighbour, GcTrace, GcTraceParser};
use super::input::{cut_line, CUT_MESSAGE, MAX_LINE};
use super::prefix::{lossy, strip_prefixes};
use super::problem::{Problem, ProblemKind};

/// Parses gctrace from a reader line by line, in memory bounded by the cycles found (plus one pending line), not by
/// the size of the log. Bytes that are not UTF-8 are replaced.
pub fn parse_reader(reader: impl std::io::BufRead) -> std::io::Result<GcTrace> {
    let mut cycles = Vec::new();
    let mut neighbours = Vec::new();
    let mut trace = stream_reader(reader, &mut |found| match found {
        GcFound::Cycle(c) => cycles.push(c),
        GcFound::Neighbour(n) => neighbours.push(n),
    })?;
    trace.cycles = cycles;
    trace.neighbours = neighbours;
    Ok(trace)
}

/// A cycle or a neighbour line, handed over as found.
pub enum GcFound {
    Cycle(GcCycle),
    Neighbour(GcNeighbour),
}

/// `parse_reader` that keeps nothing it finds: every cycle and neighbour line goes to `found`, in order, as soon as
/// its buffer is read. The trace returned has the problems and the pause totals, no cycles or neighbours. Memory
/// follows one buffer of the reader (`runbook gc` on a log of any size).
pub fn stream_reader(mut reader: impl std::io::BufRead, found: &mut dyn FnMut(GcFound)) -> std::io::Result<GcTrace> {
    let mut lines = Lines::default();
    lines.parser.start_input(0);
    // The start of a line whose end is in a later buffer.
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let buf = match reader.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            break;
        }
        let filled = buf.len();
        match buf.iter().rposition(|&b| b == b'\n') {
            None => push_carry(&mut carry, buf),
            Some(last) => {
                let (whole, tail) = buf.split_at(last + 1);
                let mut whole = whole;
                if !carry.is_empty() {
                    let end = whole.iter().position(|&b| b == b'\n').map_or(whole.len(), |i| i + 1);
                    let (first, rest) = whole.split_at(end);
                    push_carry(&mut carry, first);
                    lines.block(&carry);
                    carry.clear();
                    whole = rest;
                }
                lines.block(whole);
                push_carry(&mut carry, tail);
            }
        }
        reader.consume(filled);
        lines.hand_over(found);
    }
    // A last line without a newline.
    if !carry.is_empty() {
        lines.block(&carry);
    }
    if let Some((first, joined)) = lines.partial.take() {
        lines.parser.feed(first, &joined);
    }
    lines.hand_over(found);
    Ok(lines.finish())
}

/// Keeps at most `MAX_LINE + 1` bytes of a line spanning buffers (one past the bound, so the cut is seen and
/// reported): an endless line (`runbook gc /dev/zero`) costs 1 MiB, not all memory.
fn push_carry(carry: &mut Vec<u8>, bytes: &[u8]) {
    let room = (MAX_LINE + 1).saturating_sub(carry.len());
    carry.extend_from_slice(&bytes[..bytes.len().min(room)]);
}

/// Line numbering, prefix stripping and CRI partial-line joining in front of the parser.
#[derive(Default)]
struct Lines {
    parser: GcTraceParser,
    number: usize,
    /// A CRI partial line (`P` tag) waiting for its continuation: first line number and text so far.
    partial: Option<(usize, String)>,
    /// Lines longer than `MAX_LINE`, read only up to it.
    cut: Vec<usize>,
}

impl Lines {
    /// Feeds whole lines (each ending with a newline, except a last line at the end of the input).
    fn block(&mut self, bytes: &[u8]) {
        match std::str::from_utf8(bytes) {
            Ok(text) => text.split_inclusive('\n').for_each(|line| self.line(line)),
            Err(_) => bytes.split_inclusive(|&b| b == b'\n').for_each(|raw| self.line(&lossy(raw))),
        }
    }

    fn hand_over(&mut self, found: &mut dyn FnMut(GcFound)) {
        let (cycles, neighbours) = self.parser.take_found();
        cycles.into_iter().for_each(|c| found(GcFound::Cycle(c)));
        neighbours.into_iter().for_each(|n| found(GcFound::Neighbour(n)));
    }

    fn finish(self) -> GcTrace {
        let mut trace = self.parser.finish();
        let cut = self.cut.iter().map(|&line| Problem::new(ProblemKind::Truncated, 0, line, CUT_MESSAGE));
        trace.problems.extend(cut);
        trace.problems.sort_by_key(|p| p.line);
        trace
    }

    fn line(&mut self, line: &str) {
        self.number += 1;
        let line = line.strip_suffix('\n').unwrap_or(line);
        let line = line.strip_suffix('\r').unwrap_or(line);
        let line = if line.len() > MAX_LINE {
            self.cut.push(self.number);
            cut_line(line)
        } else {
            line
        };
        let (content, is_partial) = strip_prefixes(line);
        match (self.partial.take(), is_partial) {
            (Some((first, mut joined)), true) => {
                joined.push_str(content);
                self.partial = Some((first, joined));
            }
            (Some((first, mut joined)), false) => {
                joined.push_str(content);
                self.parser.feed(first, &joined);
            }
            (None, true) => self.partial = Some((self.number, content.to_string())),
            (None, false) => {
                self.parser.feed(self.number, content);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Hands out at most `step` bytes per read: lines span buffers.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.bytes.len().min(out.len()).min(self.step);
            out[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    /// The reader as it was before: one `read_until` and one UTF-8 check per line (the reference).
    fn line_by_line(mut reader: impl std::io::BufRead) -> GcTrace {
        let mut lines = Lines::default();
        lines.parser.start_input(0);
        let mut raw = Vec::new();
        loop {
            raw.clear();
            if reader.read_until(b'\n', &mut raw).unwrap() == 0 {
                break;
            }
            lines.line(&lossy(&raw));
        }
        if let Some((first, joined)) = lines.partial.take() {
            lines.parser.feed(first, &joined);
        }
        lines.finish()
    }

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/go/logs").join(name))
            .unwrap()
    }

    fn check(bytes: &[u8], step: usize, capacity: usize) {
        let reference = line_by_line(std::io::Cursor::new(bytes));
        let whole = parse_reader(std::io::Cursor::new(bytes)).unwrap();
        let trickled = parse_reader(std::io::BufReader::with_capacity(capacity, Trickle { bytes, step })).unwrap();
        assert_eq!(whole, reference);
        assert_eq!(trickled, reference, "step {step}, capacity {capacity}");
    }

    #[test]
    fn same_result_as_line_by_line_whatever_the_buffer_boundaries() {
        for name in
            ["gctrace_chatty.go1.19.log", "gctrace_alloc-syslog-crlf.go1.27.log", "gctrace_cut_at_exit.go1.19.log"]
        {
            let mut bytes = fixture(name);
            bytes.extend_from_slice(b"\xff\xfe gc 1 @\n2026-11-26T02:00:01Z stderr P gc 2 @0.\n");
            bytes.extend_from_slice(b"2026-11-26T02:00:01Z stderr F 1s 0%: x\nlast line without newline");
            for (step, capacity) in [(1, 1), (3, 7), (1000, 64), (usize::MAX, 8192)] {
                check(&bytes, step, capacity);
            }
            assert!(!parse_reader(std::io::Cursor::new(&bytes)).unwrap().cycles.is_empty(), "{name}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// Random slices of a chatty capture with random bytes (invalid UTF-8, CR, CRI tags) spliced in.
        #[test]
        fn agrees_with_line_by_line_on_arbitrary_input(
            cut in any::<prop::sample::Index>(),
            len in 0usize..6000,
            noise in prop::collection::vec(
                (any::<prop::sample::Index>(), prop_oneof![
                    prop::collection::vec(any::<u8>(), 0..6),
                    Just(b"\r\n".to_vec()),
                    Just(b"\n2026-11-26T02:00:01Z stderr P ".to_vec()),
                    Just(b"\xe2\x82".to_vec()),
                ]),
                0..8,
            ),
            step in 1usize..300,
            capacity in 1usize..400,
        ) {
            let chatty = fixture("gctrace_chatty.go1.27.log");
            let from = cut.index(chatty.len());
            let mut bytes = chatty[from..(from + len).min(chatty.len())].to_vec();
            for (at, piece) in noise {
                let at = at.index(bytes.len() + 1);
                bytes.splice(at..at, piece);
            }
            check(&bytes, step, capacity);
        }
    }
}
