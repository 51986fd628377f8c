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
//! Results are identical to a parse of the whole text in memory: `report::parse_logs_with` is this same code.

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
struct RawLines<'c> {
    first: usize,
    lines: Vec<&'c str>,
    kept: &'c HashMap<usize, String>,
}

impl RawLines<'_> {
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
            let mut pieces = text.split('\n').peekable();
            while let Some(raw) = pieces.next() {
                let last = pieces.peek().is_none();
                if last && !final_chunk {
                    break; // the empty piece after the chunk's last newline
                }
                number += 1;
                raws.push(raw);
                let cut = if last {
                    unwrapper.finish(number, raw, chunks.ends_with_newline, &mut sink_line)
                } else {
                    unwrapper.push(number, raw, &mut sink_line)
                };
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
        let raws = RawLines { first: 1, lines: text.split('\n').collect(), kept: &kept };
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
        raws: &RawLines<'_>,
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
            if rest.is_empty() {
                i += 1;
                continue;
            }
            if whole && race::starts_report(lines, i) {
                let mark = self.problems.len();
                let (race, next) = race::parse_report(lines, i, input, &mut self.problems);
                if !eof && next + LOOKAHEAD >= lines.len() {
                    self.problems.truncate(mark);
                    self.first_rest = Some((rest.to_string(), whole));
                    self.drain_gc(sink);
                    return i;
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
                // A crash can start in the middle of a line (after a gc piece): parse from the remainder.
                let mark = self.problems.len();
                let (mut crash, next) = traceback::parse_crash_from(lines, i, rest, input, &mut self.problems);
                if !eof && next + LOOKAHEAD >= lines.len() {
                    self.problems.truncate(mark);
                    self.first_rest = Some((rest.to_string(), whole));
                    self.first_time = time;
                    self.drain_gc(sink);
                    return i;
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
        let mut pieces = text.split('\n').peekable();
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
