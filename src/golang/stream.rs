//! The parse of whole logs, streamed: one input read a chunk at a time, what is found pushed to a sink as found.
//!
//! `runbook parse` once read every input into memory and built the whole report there: a 100 MB log took 420 MB
//! (issue 17). Here memory follows one chunk of the input plus the block being read, whatever the size of the log:
//! - the input is read in chunks of whole lines (`CHUNK_BYTES`), each line bounded as `input::read_bounded`
//!   bounds it, unwrapped from its shipped format line by line (`formats::LineUnwrapper`);
//! - race reports and crash dumps are bounded blocks: a block that starts near the end of a chunk is carried,
//!   with the lines after it, into the next chunk and read again there (its gc piece is not fed twice);
//! - gc cycles and neighbour lines are drained from the gctrace parser chunk by chunk;
//! - a format that interleaves streams (compose, journald, syslog) is read twice: once to learn which stream
//!   carries the crash, once to parse that stream;
//! - a whole-document JSON export (Cloud Logging, CloudWatch) is one JSON value and is read whole, as is any
//!   input no bigger than one chunk (then the result is exactly that of `formats::unwrap` on the whole text).
//!
//! What needs the whole input is kept as small keys: the GOROOTs seen (for user frames), which test claimed
//! which race report, and the problems (one per line that could not be read; sorted at the end).
//! Results are identical to a parse of the whole text in memory (`parse_bytes`), which the tests hold every
//! chunked read to. An input already in memory (`report::parse_logs_with`) is read the same way, in place
//! (`parse_memory`).
//!
//! Most lines of a chatty log carry nothing (`app: tick 19161`) or a piece of a gc line: they are rejected by a
//! byte test before any block check (`may_matter`), and a block is never parsed only to be dropped at a chunk's
//! end (`dump_runs_into_window`).

use super::formats::{self, detect, LineUnwrapper, LogFormat};
use super::frames::detect_goroots;
use super::gctrace::{GcCycle, GcNeighbour, GcTraceParser};
use super::input::{BoundedReader, CUT_MESSAGE};
use super::prefix::{lossy, trim_ws, LogLine};
use super::problem::{Problem, ProblemKind};
use super::race::{self, RaceReport};
use super::test_tracker::TestTracker;
use super::timestamps::{time_of_line, YearHint};
use super::traceback::{self, Crash};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, Seek};

/// What a streaming parse finds, pushed as found (in the order of the input).
pub trait ParseSink {
    fn race(&mut self, race: RaceReport);
    fn crash(&mut self, crash: Crash);
    fn cycle(&mut self, cycle: GcCycle);
    fn neighbour(&mut self, neighbour: GcNeighbour);
}

/// How one input was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputRead {
    pub format: LogFormat,
    /// The stream kept when several were interleaved.
    pub stream: Option<String>,
    /// Some line had a prefix before what Go printed: only then do crash times count.
    pub prefixed: bool,
}

/// What needs the whole input, known once every input was read.
#[derive(Debug, Clone, Default)]
pub struct StreamEnd {
    pub found_data_races: Option<u32>,
    pub stw_ms_max: f64,
    pub stw_ms_sum: f64,
    /// Sorted by input and line.
    pub problems: Vec<Problem>,
    /// GOROOTs seen in the frames of race accesses and crash goroutines (for `frames::UserFrameRule`).
    pub goroots: BTreeSet<String>,
    /// The test of each race report a `go test` line claimed (index into the races, test name).
    pub tests: HashMap<usize, Option<String>>,
    pub inputs: Vec<InputRead>,
}

/// Raw bytes read per chunk.
pub const CHUNK_BYTES: usize = 2 << 20;

/// Lines a block parser may read past the line it stops at (the crash header tolerates 40 lines of runtime
/// output before its goroutines): a block is taken as read only when the chunk holds that many more lines.
const LOOKAHEAD: usize = 64;

/// Lines sampled to recognise the format (as `formats::detect` samples).
const SAMPLE: usize = 64;

/// The streaming parser of several inputs in turn.
pub struct StreamParser {
    gc: GcTraceParser,
    tests: TestTracker,
    /// Cut lines and block problems, in the order found.
    problems: Vec<Problem>,
    found_data_races: Option<u32>,
    races: usize,
    goroots: BTreeSet<String>,
    inputs: Vec<InputRead>,
    chunk_bytes: usize,
    /// The remainder of the first carried line when it opens a block: already fed to the gc parser.
    first_rest: Option<(String, bool)>,
    /// Its time, read from its raw line when first seen.
    first_time: Option<(String, Option<String>)>,
}

impl Default for StreamParser {
    fn default() -> Self {
        Self::with_chunk_bytes(CHUNK_BYTES)
    }
}

/// Where the raw line of a line number is: the chunk being read, or kept from earlier chunks.
struct RawLines<'c, 'k> {
    first: usize,
    lines: Vec<&'c str>,
    kept: &'k HashMap<usize, String>,
}

impl RawLines<'_, '_> {
    fn get(&self, number: usize) -> Option<&str> {
        match number.checked_sub(self.first).and_then(|i| self.lines.get(i)) {
            Some(line) => Some(line),
            None => self.kept.get(&number).map(String::as_str),
        }
    }
}

/// One input being read: its format, the year its timestamps lack, the stream kept.
struct InputCx<'y> {
    index: usize,
    format: LogFormat,
    year: Option<&'y YearHint>,
    keep: Option<String>,
}

impl StreamParser {
    /// A parser reading `chunk_bytes` at a time (tests use tiny chunks to cross every boundary).
    pub fn with_chunk_bytes(chunk_bytes: usize) -> Self {
        StreamParser {
            gc: GcTraceParser::default(),
            tests: TestTracker::default(),
            problems: Vec::new(),
            found_data_races: None,
            races: 0,
            goroots: BTreeSet::new(),
            inputs: Vec::new(),
            chunk_bytes: chunk_bytes.max(1),
            first_rest: None,
            first_time: None,
        }
    }

    fn start_input(&mut self, index: usize) {
        self.gc.start_input(index);
        self.tests.start_input();
        self.first_rest = None;
        self.first_time = None;
    }

    /// Reads input number `self.inputs.len()` to its end. `reader` is read twice for a format that
    /// interleaves streams (hence `Seek`).
    pub fn parse_input<R: BufRead + Seek>(
        &mut self,
        reader: R,
        year: Option<&YearHint>,
        sink: &mut impl ParseSink,
    ) -> std::io::Result<()> {
        let index = self.inputs.len();
        self.start_input(index);
        let mut chunks = Chunks::new(reader);
        let mut final_chunk = !chunks.fill(self.chunk_bytes)?;
        // The format from the first lines; an export is one JSON document, read whole.
        while !final_chunk && nonempty_lines(&chunks.buf) < SAMPLE {
            // Twice as much each time: lines of a few bytes after a long one must not make this quadratic.
            final_chunk = !chunks.fill(chunks.buf.len().saturating_mul(2).max(self.chunk_bytes))?;
        }
        if !final_chunk && may_be_export(&chunks.buf) {
            final_chunk = !chunks.fill(usize::MAX)?;
        }
        if final_chunk {
            self.parse_bytes(&chunks.buf, year, sink);
            return Ok(());
        }
        let format = detect(&lossy(&chunks.buf));
        let mut unwrapper = LineUnwrapper::new(format);
        let keep = if unwrapper.tracks_streams() {
            let keep = crash_stream(&mut chunks, format, self.chunk_bytes)?;
            chunks.restart()?;
            final_chunk = !chunks.fill(self.chunk_bytes)?;
            keep
        } else {
            None
        };
        let cx = InputCx { index, format, year, keep };
        let mut carried: Vec<LogLine<'static>> = Vec::new();
        let mut kept_raws: HashMap<usize, String> = HashMap::new();
        let mut number = 0;
        // The line vectors of the previous chunk, empty, kept for their allocation (millions of lines: fresh
        // vectors cost page faults every chunk), and how many lines that chunk had (the next one's size).
        let mut spare_lines: Vec<LogLine<'static>> = Vec::new();
        let mut spare_raws: Vec<&'static str> = Vec::new();
        let mut last_count = 0;
        loop {
            let text = lossy(&chunks.buf);
            let mut lines: Vec<LogLine<'_>> = recycle(std::mem::take(&mut spare_lines));
            if last_count == 0 {
                last_count = formats::count_newlines(text.as_bytes()) + 1;
            }
            lines.reserve(carried.len() + last_count);
            lines.extend(std::mem::take(&mut carried));
            let first = number + 1;
            let mut raws: Vec<&str> = recycle(std::mem::take(&mut spare_raws));
            raws.reserve(last_count);
            unwrapper.expect_escapes(memchr::memchr(0x1b, text.as_bytes()).is_some());
            let mut sink_line = |line, stream: Option<Cow<str>>| {
                if let (Some(keep), Some(stream)) = (&cx.keep, &stream) {
                    if stream != keep {
                        return;
                    }
                }
                lines.push(line);
            };
            let mut pieces = formats::pieces(&text).peekable();
            while let Some(raw) = pieces.next() {
                let last = pieces.peek().is_none();
                if last && !final_chunk {
                    break; // the empty piece after the chunk's last newline
                }
                number += 1;
                raws.push(raw);
                let end = last.then_some(chunks.ends_with_newline);
                let cut = unwrap_piece(&mut unwrapper, number, raw, end, &mut sink_line);
                if let Some(line) = cut {
                    self.problems.push(Problem::new(ProblemKind::Truncated, index, line, CUT_MESSAGE));
                }
            }
            kept_raws.extend(unwrapper.take_joined_raws());
            let raw_lines = RawLines { first, lines: raws, kept: &kept_raws };
            let stop = self.process(&lines, &raw_lines, final_chunk, &cx, sink);
            let rest: Vec<LogLine<'static>> = lines
                .drain(stop..)
                .map(|l| LogLine { number: l.number, text: Cow::Owned(l.text.into_owned()) })
                .collect();
            let rest_raws: HashMap<usize, String> =
                rest.iter().filter_map(|l| Some((l.number, raw_lines.get(l.number)?.to_string()))).collect();
            last_count = raw_lines.lines.len();
            spare_raws = recycle(raw_lines.lines);
            spare_lines = recycle(lines);
            drop(text);
            carried = rest;
            kept_raws = rest_raws;
            if final_chunk {
                break;
            }
            // A block longer than a chunk: read as much again, so each block is read a bounded number of times.
            let carried_bytes: usize = carried.iter().map(|l| l.text.len()).sum();
            final_chunk = !chunks.next(self.chunk_bytes.max(carried_bytes))?;
        }
        self.inputs.push(InputRead { format, stream: cx.keep, prefixed: unwrapper.prefixed });
        self.drain_gc(sink);
        Ok(())
    }

    /// Reads input number `self.inputs.len()`, held in memory, a chunk at a time as `parse_input` reads a file,
    /// but in place: the lines of a chunk, and the lines carried into the next one, borrow from `bytes` (no copy
    /// of the input, no owned copy of a carried block). Read as one chunk (`parse_bytes`), a 100 MB input cost a
    /// vector of every line (32 bytes each, millions of them) and ran at half the speed of `runbook parse`.
    /// Decided as `parse_input` decides: an input no bigger than a chunk, or an export, is read whole; a format
    /// that interleaves streams is read through `parse_input` (twice).
    pub fn parse_memory(&mut self, bytes: &[u8], year: Option<&YearHint>, sink: &mut impl ParseSink) {
        let mut end = chunk_end(bytes, 0, self.chunk_bytes);
        while end < bytes.len() && nonempty_lines(&bytes[..end]) < SAMPLE {
            end = chunk_end(bytes, 0, end.saturating_mul(2).max(self.chunk_bytes));
        }
        if end == bytes.len() || may_be_export(&bytes[..end]) {
            self.parse_bytes(bytes, year, sink);
            return;
        }
        let format = detect(&lossy(&bytes[..end]));
        let mut unwrapper = LineUnwrapper::new(format);
        if unwrapper.tracks_streams() {
            // Reading memory cannot fail.
            let reader = std::io::BufReader::with_capacity(self.chunk_bytes.min(1 << 20), std::io::Cursor::new(bytes));
            let _ = self.parse_input(reader, year, sink);
            return;
        }
        let index = self.inputs.len();
        self.start_input(index);
        let cx = InputCx { index, format, year, keep: None };
        // Lines are split where the text's newlines are: `lossy` replaces bytes, never a newline.
        let text = lossy(bytes);
        let text: &str = &text;
        let mut lines: Vec<LogLine<'_>> = Vec::new();
        // The raw lines of `lines` and of the lines carried (for a crash's time), from line number `first`.
        let mut raws: Vec<&str> = Vec::new();
        let mut first = 1;
        let mut kept_raws: HashMap<usize, String> = HashMap::new();
        let mut number = 0;
        let mut start = 0;
        let mut want = self.chunk_bytes;
        let mut last_count = 0;
        loop {
            let end = chunk_end(text.as_bytes(), start, want);
            let final_chunk = end >= text.len();
            let chunk = text.get(start..end).unwrap_or("");
            if last_count == 0 {
                last_count = formats::count_newlines(chunk.as_bytes()) + 1;
            }
            lines.reserve(last_count);
            raws.reserve(last_count);
            unwrapper.expect_escapes(memchr::memchr(0x1b, chunk.as_bytes()).is_some());
            let mut sink_line = |line, _stream: Option<Cow<str>>| lines.push(line);
            let mut pieces = formats::pieces(chunk).peekable();
            let mut count = 0;
            while let Some(raw) = pieces.next() {
                let last = pieces.peek().is_none();
                if last && !final_chunk {
                    break; // the empty piece after the chunk's last newline
                }
                number += 1;
                count += 1;
                raws.push(raw);
                let end = last.then(|| text.ends_with('\n'));
                let cut = unwrap_piece(&mut unwrapper, number, raw, end, &mut sink_line);
                if let Some(line) = cut {
                    self.problems.push(Problem::new(ProblemKind::Truncated, index, line, CUT_MESSAGE));
                }
            }
            kept_raws.extend(unwrapper.take_joined_raws());
            let raw_lines = RawLines { first, lines: raws, kept: &kept_raws };
            let stop = self.process(&lines, &raw_lines, final_chunk, &cx, sink);
            raws = raw_lines.lines;
            if final_chunk {
                break;
            }
            // Carried in place: the lines from `stop` on move to the front, with the raw lines from the first
            // of their numbers (a joined line has the number of its first piece) and their joined raw lines.
            lines.drain(..stop);
            let carried_first = lines.iter().map(|l| l.number).min().unwrap_or(number + 1);
            let drop_raws = carried_first.saturating_sub(first).min(raws.len());
            raws.drain(..drop_raws);
            first += drop_raws;
            if !kept_raws.is_empty() {
                let numbers: std::collections::HashSet<usize> = lines.iter().map(|l| l.number).collect();
                kept_raws.retain(|n, _| numbers.contains(n));
            }
            last_count = count;
            // A block longer than a chunk: read as much again, so each block is read a bounded number of times.
            let carried_bytes: usize = lines.iter().map(|l| l.text.len()).sum();
            want = self.chunk_bytes.max(carried_bytes);
            start = end;
        }
        self.inputs.push(InputRead { format, stream: None, prefixed: unwrapper.prefixed });
        self.drain_gc(sink);
    }

    /// Reads input number `self.inputs.len()` held whole in memory (or read whole: no bigger than a chunk, or
    /// an export), unwrapped by `formats::unwrap`.
    pub fn parse_bytes(&mut self, bytes: &[u8], year: Option<&YearHint>, sink: &mut impl ParseSink) {
        let index = self.inputs.len();
        self.start_input(index);
        let text = lossy(bytes);
        let unwrapped = formats::unwrap(&text);
        for &line in &unwrapped.cut_lines {
            self.problems.push(Problem::new(ProblemKind::Truncated, index, line, CUT_MESSAGE));
        }
        let kept = HashMap::new();
        let raws = RawLines { first: 1, lines: formats::pieces(&text).collect(), kept: &kept };
        let cx = InputCx { index, format: unwrapped.format, year, keep: None };
        self.process(&unwrapped.lines, &raws, true, &cx, sink);
        self.inputs.push(InputRead {
            format: unwrapped.format,
            stream: unwrapped.stream,
            prefixed: unwrapped.prefixed,
        });
        self.drain_gc(sink);
    }

    fn drain_gc(&mut self, sink: &mut impl ParseSink) {
        let (cycles, neighbours) = self.gc.take_found();
        for cycle in cycles {
            sink.cycle(cycle);
        }
        for neighbour in neighbours {
            sink.neighbour(neighbour);
        }
    }

    /// Reads `lines`; returns the index of the first line not read (to carry into the next chunk): past the
    /// end only at the end of the input, where every line is read.
    fn process(
        &mut self,
        lines: &[LogLine<'_>],
        raws: &RawLines<'_, '_>,
        eof: bool,
        cx: &InputCx<'_>,
        sink: &mut impl ParseSink,
    ) -> usize {
        let input = cx.index;
        let first = self.first_rest.take();
        let mut i = 0;
        while let Some(line) = lines.get(i) {
            if !eof && i + LOOKAHEAD >= lines.len() {
                self.drain_gc(sink);
                return i;
            }
            let (rest, whole) = match (&first, i) {
                (Some((rest, whole)), 0) => (rest.as_str(), *whole),
                _ => {
                    let rest = self.gc.feed(line.number, &line.text);
                    (rest, rest.len() == line.text.len())
                }
            };
            if rest.is_empty() || !may_matter(rest) {
                i += 1;
                continue;
            }
            if whole && race::starts_report(lines, i) {
                // A report that runs into the lookahead window is carried as it is, not read twice.
                if !eof && report_runs_into_window(lines, i) {
                    return self.carry(i, rest, whole, None, sink);
                }
                let mark = self.problems.len();
                let (race, next) = race::parse_report(lines, i, input, &mut self.problems);
                if !eof && next + LOOKAHEAD >= lines.len() {
                    self.problems.truncate(mark);
                    return self.carry(i, rest, whole, None, sink);
                }
                self.found_race(race, sink);
                // Only a `--- FAIL:` printed after this report can own it.
                self.tests.failing.clear();
                i = next.max(i + 1);
                continue;
            }
            // A goroutine dump without a crash header counts only from a whole line: inside a crash the
            // goroutines belong to it (parse_crash consumed them).
            // Trimmed: a dump indented as a whole, or shifted by a space, is still a dump.
            let trimmed = trim_ws(rest);
            let bare_dump = whole && traceback::starts_goroutine(trimmed);
            if bare_dump || traceback::starts_crash(trimmed) {
                let time = match (&first, i) {
                    (Some(_), 0) => self.first_time.take(),
                    _ => crash_time(cx, raws.get(line.number)),
                };
                // A dump that runs into the lookahead window is carried as it is, not read twice.
                if !eof && dump_runs_into_window(lines, i) {
                    return self.carry(i, rest, whole, time, sink);
                }
                // A crash can start in the middle of a line (after a gc piece): parse from the remainder.
                let mark = self.problems.len();
                let (mut crash, next) = traceback::parse_crash_from(lines, i, rest, input, &mut self.problems);
                if !eof && next + LOOKAHEAD >= lines.len() {
                    self.problems.truncate(mark);
                    return self.carry(i, rest, whole, time, sink);
                }
                if let Some((time, note)) = time {
                    crash.time = Some(time);
                    crash.time_note = note;
                }
                self.goroots.extend(detect_goroots(
                    crash.goroutines.iter().flat_map(|g| g.frames.iter()).map(|f| f.file.as_str()),
                ));
                sink.crash(crash);
                i = next.max(i + 1);
                continue;
            }
            if let Some(n) = race::parse_found_line(rest) {
                self.found_data_races = Some(self.found_data_races.unwrap_or(0) + n);
            } else {
                self.tests.observe(rest);
            }
            i += 1;
        }
        lines.len()
    }

    /// Stops the chunk at the block opening at `lines[at]`: it is read again, whole, from the next chunk (its
    /// remainder after the gc piece and its time are kept: the gc piece is not fed twice). Returns `at`.
    fn carry(
        &mut self,
        at: usize,
        rest: &str,
        whole: bool,
        time: Option<(String, Option<String>)>,
        sink: &mut impl ParseSink,
    ) -> usize {
        self.first_rest = Some((rest.to_string(), whole));
        self.first_time = time;
        self.drain_gc(sink);
        at
    }

    fn found_race(&mut self, race: RaceReport, sink: &mut impl ParseSink) {
        self.goroots
            .extend(detect_goroots(race.accesses.iter().flat_map(|a| a.frames.iter()).map(|f| f.file.as_str())));
        self.tests.unclaimed.push((self.races, self.tests.running.clone()));
        self.races += 1;
        sink.race(race);
    }

    /// Ends the parse: what needs every input.
    pub fn finish(mut self, sink: &mut impl ParseSink) -> StreamEnd {
        self.drain_gc(sink);
        let trace = self.gc.finish();
        let mut problems = self.problems;
        problems.extend(trace.problems);
        problems.sort_by_key(|p| (p.input, p.line));
        StreamEnd {
            found_data_races: self.found_data_races,
            stw_ms_max: trace.stw_ms_max,
            stw_ms_sum: trace.stw_ms_sum,
            problems,
            goroots: self.goroots,
            tests: self.tests.claims,
            inputs: self.inputs,
        }
    }
}

/// False when nothing `process` looks for after the gc parser can start with `text`'s first byte: a race
/// report's separator (`=`), a goroutine dump (`g`), a crash (`p`, `f`, `S`), `Found N data race(s)` (`F`), the
/// `go test` lines (`=`, `-`, `t`), or whitespace or a non-ASCII byte that trimming would move past. Most lines
/// of a chatty log (`app: tick 19161`) are rejected here by one byte.
#[inline]
fn may_matter(text: &str) -> bool {
    text.as_bytes()
        .first()
        .is_none_or(|&b| b <= b' ' || b >= 0x80 || matches!(b, b'=' | b'g' | b'p' | b'f' | b'S' | b'F' | b'-' | b't'))
}

/// Bytes of a block carried on the evidence of `dump_runs_into_window` and `report_runs_into_window` alone:
/// past this, the block is parsed to learn where it ends (as every block was before), so lines that only look
/// like a block cannot make a chunk grow without bound.
const MAX_UNREAD_CARRY: usize = 64 << 20;

/// True when every line after `lines[start]` up to the lookahead window looks like the inside of a crash or
/// goroutine dump: the block parser would read into the window, and its result would be dropped (the block is
/// carried into the next chunk). Checking costs no allocation; parsing a block of 80,000 frames twice cost half
/// as much again (`tests/golang_bounds.rs`). A wrong guess costs only a bigger next chunk.
fn dump_runs_into_window(lines: &[LogLine<'_>], start: usize) -> bool {
    runs_into_window(lines, start + 1, |text| {
        let text = trim_ws(text);
        text.is_empty()
            || text.ends_with(')')
            || text.ends_with(':')
            || text.starts_with('/')
            || text.starts_with("created by ")
            || text.starts_with("...")
            || text.starts_with('[')
            || text.starts_with("goroutine ")
            || text.contains(".go:")
    })
}

/// True when no line after the header of the race report at `lines[start]` up to the lookahead window is its
/// closing separator (see `dump_runs_into_window`).
fn report_runs_into_window(lines: &[LogLine<'_>], start: usize) -> bool {
    runs_into_window(lines, start + 2, |text| trim_ws(text) != race::SEPARATOR)
}

fn runs_into_window(lines: &[LogLine<'_>], from: usize, inside: impl Fn(&str) -> bool) -> bool {
    let end = lines.len().saturating_sub(LOOKAHEAD);
    let mut bytes = 0;
    lines.get(from.min(end)..end).is_some_and(|run| {
        run.iter().all(|l| {
            bytes += l.text.len() + 1;
            bytes <= MAX_UNREAD_CARRY && inside(&l.text)
        })
    })
}

/// Raw line `number` through `unwrapper` into `sink`; `end` is `Some(ends_with_newline)` for the input's last piece
/// (`finish`). A plain line goes straight to `sink` (`plain`, inlined here: through `push`'s callback a call per
/// line cost a tenth of a parse of short lines). Returns `number` when the line was cut.
#[inline]
fn unwrap_piece<'a>(
    unwrapper: &mut LineUnwrapper,
    number: usize,
    raw: &'a str,
    end: Option<bool>,
    sink: &mut impl FnMut(LogLine<'a>, Option<Cow<'a, str>>),
) -> Option<usize> {
    if let Some(ends_with_newline) = end {
        return unwrapper.finish(number, raw, ends_with_newline, sink);
    }
    match unwrapper.plain(raw) {
        Some(text) => {
            sink(LogLine { number, text: Cow::Borrowed(text) }, None);
            None
        }
        None => unwrapper.push(number, raw, sink),
    }
}

/// An empty vector in the allocation of `v`: the same size and alignment of element, another lifetime (the
/// standard library collects a vector's iterator into its own allocation when the layouts match).
fn recycle<T, U>(mut v: Vec<T>) -> Vec<U> {
    v.clear();
    v.into_iter().filter_map(|_| None).collect()
}

/// The time on a crash's raw header line, in formats whose lines carry one.
fn crash_time(cx: &InputCx<'_>, raw: Option<&str>) -> Option<(String, Option<String>)> {
    use LogFormat::{CloudLogging, Cloudwatch, Compose, Structured};
    if matches!(cx.format, Compose | Structured | CloudLogging | Cloudwatch) {
        return None;
    }
    time_of_line(cx.format, raw?, cx.year)
}

/// Where the chunk of `bytes` from `start` of at least `want` bytes of whole lines ends: past the first newline
/// from `start + want - 1` on, or at the end.
fn chunk_end(bytes: &[u8], start: usize, want: usize) -> usize {
    let from = start.saturating_add(want.max(1) - 1);
    match bytes.get(from..).and_then(|rest| memchr::memchr(b'\n', rest)) {
        Some(at) => from + at + 1,
        None => bytes.len(),
    }
}

/// Non-empty lines in `bytes` (enough of them decide the format).
fn nonempty_lines(bytes: &[u8]) -> usize {
    bytes.split(|&b| b == b'\n').filter(|l| !l.trim_ascii().is_empty()).take(SAMPLE).count()
}

/// True when the input may be one JSON document over several lines (an export): it opens with `[` or `{` and
/// its first line is an unfinished JSON value. A first line that is a whole value (a JSON-lines log) or is not
/// JSON at all (`[pod/api] …`) means no document spans the input.
fn may_be_export(bytes: &[u8]) -> bool {
    let start = bytes.trim_ascii_start();
    if !matches!(start.first(), Some(b'[' | b'{')) {
        return false;
    }
    let first_line = start.split(|&b| b == b'\n').next().unwrap_or_default();
    match serde_json::from_slice::<serde::de::IgnoredAny>(first_line) {
        Ok(_) => false,
        Err(e) => e.is_eof(),
    }
}

/// First pass over a format that interleaves streams: the stream to keep (the one where the first crash, race
/// report or dump starts), when several are named; the rule of `formats::keep_crash_stream`.
fn crash_stream<R: BufRead + Seek>(
    chunks: &mut Chunks<R>,
    format: LogFormat,
    chunk_bytes: usize,
) -> std::io::Result<Option<String>> {
    let mut unwrapper = LineUnwrapper::new(format);
    let mut first_named: Option<String> = None;
    let mut distinct = false;
    let mut crash: Option<String> = None;
    let mut final_chunk = false;
    let mut number = 0;
    loop {
        let text = lossy(&chunks.buf);
        let mut see = |line: LogLine, stream: Option<Cow<str>>| {
            let Some(stream) = stream else { return };
            match &first_named {
                None => first_named = Some(stream.to_string()),
                Some(first) => distinct |= first.as_str() != stream,
            }
            if crash.is_none() && formats::starts_incident(&line.text) {
                crash = Some(stream.into_owned());
            }
        };
        let mut pieces = formats::pieces(&text).peekable();
        while let Some(raw) = pieces.next() {
            let last = pieces.peek().is_none();
            if last && !final_chunk {
                break;
            }
            number += 1;
            if last {
                unwrapper.finish(number, raw, chunks.ends_with_newline, &mut see);
            } else {
                unwrapper.push(number, raw, &mut see);
            }
        }
        if final_chunk || (distinct && crash.is_some()) {
            break;
        }
        final_chunk = !chunks.next(chunk_bytes)?;
    }
    Ok(if distinct { crash } else { None })
}

/// An input read in chunks of whole lines.
struct Chunks<R> {
    reader: BoundedReader<R>,
    /// The current chunk: whole lines, each ending with a newline, except at the end of the input.
    buf: Vec<u8>,
    /// Read past the chunk's last newline: the start of the next chunk.
    tail: Vec<u8>,
    /// The input's last byte was a newline (known at its end).
    ends_with_newline: bool,
}

impl<R: BufRead + Seek> Chunks<R> {
    fn new(reader: R) -> Self {
        Chunks { reader: BoundedReader::new(reader), buf: Vec::new(), tail: Vec::new(), ends_with_newline: false }
    }

    /// Reads the next chunk of at least `want` bytes (less at the end); false when it is the input's last.
    fn next(&mut self, want: usize) -> std::io::Result<bool> {
        self.buf.clear();
        self.fill(want)
    }

    /// Extends the current chunk to at least `want` bytes of whole lines, and by one line at least; false when it
    /// reached the end. (A line already begun, kept in `tail`, can be longer than the rest of the chunk: without
    /// the "one line at least", a fill that found `want` bytes already there and no newline past the chunk's last
    /// one returned at once, and the sampling loop asking for more never ended.)
    fn fill(&mut self, want: usize) -> std::io::Result<bool> {
        let whole = self.buf.len();
        self.buf.append(&mut self.tail);
        let mut want = want;
        loop {
            if !self.reader.fill(&mut self.buf, want)? {
                // Every chunk before ends with a newline, so an empty last chunk follows one (or nothing).
                self.ends_with_newline = match self.buf.last() {
                    Some(&b) => b == b'\n',
                    None => self.ends_with_newline,
                };
                return Ok(false);
            }
            match memchr::memrchr(b'\n', &self.buf[whole..]).map(|at| whole + at) {
                Some(last) => {
                    self.tail.extend_from_slice(&self.buf[last + 1..]);
                    self.buf.truncate(last + 1);
                    self.ends_with_newline = true;
                    return Ok(true);
                }
                None => want = self.buf.len().saturating_add(want.max(1 << 16)),
            }
        }
    }

    /// Back to the start of the input (the second pass of a format that interleaves streams).
    fn restart(&mut self) -> std::io::Result<()> {
        self.reader.get_mut().rewind()?;
        self.reader.restart_line();
        self.buf.clear();
        self.tail.clear();
        self.ends_with_newline = false;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What `process` does with a line after the gc parser, less the blocks' bodies: true when any check fires.
    fn anything_fires(text: &str) -> bool {
        let trimmed = trim_ws(text);
        let mut tests = TestTracker::default();
        tests.unclaimed.push((0, None));
        tests.observe(text);
        trimmed == race::SEPARATOR
            || traceback::starts_goroutine(trimmed)
            || traceback::starts_crash(trimmed)
            || race::parse_found_line(text).is_some()
            || tests.running.is_some()
            || !tests.failing.is_empty()
            || !tests.claims.is_empty()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// A line the one-byte check rejects is one no check after it would have taken: lines that open every
        /// block and `go test` line, with random bytes and whitespace before and after them.
        #[test]
        fn the_one_byte_rejection_rejects_only_lines_nothing_takes(
            before in "[ \t\u{b}\u{a0}a-zA-Z0-9]{0,2}",
            body in prop_oneof![
                Just("=================="),
                Just("goroutine 7 [running]:"),
                Just("panic: boom"),
                Just("fatal error: concurrent map writes"),
                Just("SIGQUIT: quit"),
                Just("Found 2 data race(s)"),
                Just("=== RUN   TestX"),
                Just("=== CONT  TestX"),
                Just("--- FAIL: TestX (0.00s)"),
                Just("testing.go:1490: race detected during execution of test"),
                Just("app: tick 19161"),
                Just("0.017app: tick 1"),
            ],
            after in "[ \t\u{b}a-z]{0,2}",
        ) {
            let line = format!("{before}{body}{after}");
            prop_assert!(may_matter(&line) || !anything_fires(&line), "{:?}", line);
        }
    }

    #[test]
    fn every_real_opening_line_passes_the_one_byte_check() {
        for line in [
            "==================",
            "goroutine 1 [running]:",
            "panic: x",
            "fatal error: x",
            "SIGSEGV: segmentation violation",
            "Found 1 data race(s)",
            "=== RUN   TestA",
            "    --- FAIL: TestA/sub (0.00s)",
            "    testing.go:1490: race detected during execution of test",
            "\tpanic: indented",
        ] {
            assert!(may_matter(line) && anything_fires(line), "{line}");
        }
        assert!(!may_matter("app: tick 19161"));
    }

    #[test]
    fn chunk_ends_are_after_a_newline_past_the_wanted_size() {
        let text = b"ab\ncd\n\nef";
        assert_eq!(chunk_end(text, 0, 1), 3);
        assert_eq!(chunk_end(text, 0, 3), 3);
        assert_eq!(chunk_end(text, 0, 4), 6);
        assert_eq!(chunk_end(text, 3, 3), 6);
        assert_eq!(chunk_end(text, 6, 1), 7);
        assert_eq!(chunk_end(text, 7, 1), 9);
        assert_eq!(chunk_end(text, 0, usize::MAX), 9);
    }
}
