//! `GODEBUG=gctrace=1` lines, rejoined when application output split them.
//!
//! The runtime writes a gc line in dozens of unbuffered writes, so anything the program writes to the same
//! stream can land in the middle of it: in real captures a single gc line is spread over thirty lines, each
//! piece glued to the front of an application line (`0.018app: tick 18693`). A line-based regex loses those
//! cycles. Instead the line grammar is matched character by character: a piece is the longest prefix of a
//! line that keeps the pending gc line a valid prefix of the grammar, and the rest of the line goes back to
//! the caller as ordinary output. Numbering restarting at 1 marks a new process; skipped numbers and a
//! cut-off last line are reported, not hidden.

pub use super::gcreader::{parse_reader, stream_reader, GcFound};

use super::gcline::{extend, parse_complete_line, read_whole_line, GcLineMatcher};
use super::prefix::logical_lines;
use super::problem::{Problem, ProblemKind};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GcCycle {
    /// 1-based count of processes in the stream (gc numbering restarting starts a new one).
    pub process: u32,
    pub n: u64,
    /// Cycle start, seconds since the process started.
    pub at_s: f64,
    /// Cumulative GC CPU share since the process started, as printed (truncated integer).
    pub cpu_pct: u32,
    /// STW sweep termination, concurrent mark and scan, STW mark termination.
    pub clock_ms: [f64; 3],
    /// STW sweep termination, mark assist / background / idle, STW mark termination.
    pub cpu_ms: [f64; 5],
    /// Heap at cycle start, at mark end, marked live.
    pub heap_mb: [u64; 3],
    pub goal_mb: u64,
    pub stacks_mb: Option<u64>,
    pub globals_mb: Option<u64>,
    pub procs: u32,
    pub forced: bool,
    pub leak_check: bool,
    pub input: usize,
    /// Line where the gc line starts.
    pub line: usize,
}

impl GcCycle {
    /// Stop-the-world time of the cycle: sweep termination plus mark termination.
    pub fn stw_ms(&self) -> f64 {
        self.clock_ms[0] + self.clock_ms[2]
    }
}

/// A runtime line printed next to gc lines: `GC forced`, `pacer: …`, `scav …`, `scan: …`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GcNeighbour {
    pub input: usize,
    pub line: usize,
    pub kind: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct GcTrace {
    pub cycles: Vec<GcCycle>,
    pub stw_ms_max: f64,
    pub stw_ms_sum: f64,
    pub neighbours: Vec<GcNeighbour>,
    #[serde(skip)]
    pub problems: Vec<Problem>,
}

/// Parses a whole gctrace log (prefixes stripped, split lines rejoined).
pub fn parse(text: &str) -> GcTrace {
    let mut parser = GcTraceParser::default();
    parser.start_input(0);
    for line in logical_lines(text) {
        parser.feed(line.number, &line.text);
    }
    parser.finish()
}

/// A gc line begun and not ended (its text so far is `GcTraceParser::pending_text`).
struct PendingLine {
    matcher: GcLineMatcher,
    line: usize,
    idle: usize,
}

/// Streaming gctrace parser: feed it every line, it keeps the cycles and hands back what is not gc output.
pub struct GcTraceParser {
    input: usize,
    pending: Option<PendingLine>,
    /// The text of the pending line; its allocation is kept between lines.
    pending_text: String,
    last_n: Option<u64>,
    process: u32,
    new_process: bool,
    trace: GcTrace,
}

impl Default for GcTraceParser {
    fn default() -> Self {
        GcTraceParser {
            input: 0,
            pending: None,
            pending_text: String::new(),
            last_n: None,
            process: 0,
            new_process: true,
            trace: GcTrace::default(),
        }
    }
}

/// False when `line` cannot be a neighbour line (`GC forced`, `pacer: `, `scav `, `scvg`, `scan: `): one byte
/// test instead of five comparisons, for the millions of application lines of a chatty log.
#[inline]
fn may_be_neighbour(line: &str) -> bool {
    matches!(line.as_bytes().first(), Some(b'G' | b'p' | b's'))
}

/// A piece of a pending line this long without a continuation is given up (reported as truncated).
const MAX_IDLE_LINES: usize = 2000;

impl GcTraceParser {
    /// A new input: its first cycle starts a new process whatever its number.
    pub fn start_input(&mut self, input: usize) {
        self.abandon_pending();
        self.input = input;
        self.new_process = true;
    }

    /// Feeds one line; returns the part of it that is not gctrace output (empty when it all was).
    pub fn feed<'a>(&mut self, number: usize, line: &'a str) -> &'a str {
        let opens = line.starts_with("gc");
        // A whole gc line, the common case. No piece can continue with "gc " (the grammar has it only at the
        // start), so a pending piece is abandoned here exactly as the general path below would abandon it.
        if let Some(cycle) = opens.then(|| read_whole_line(line)).flatten() {
            if self.pending.is_some() {
                self.abandon_pending();
            }
            self.emit_cycle(cycle, number);
            return "";
        }
        // Neither a gc line nor a piece of one, nor a neighbour line: most lines of a chatty log (`app: tick`).
        if self.pending.is_none() && !opens && !may_be_neighbour(line) {
            return line;
        }
        let mut fresh = GcLineMatcher::new();
        let fresh_len = if opens { extend(&mut fresh, line) } else { 0 };
        // The pending piece is updated in place (moving it out and back cost a copy of it per line).
        if let Some(pending) = &mut self.pending {
            let mut matcher = pending.matcher;
            let accepted = extend(&mut matcher, line);
            if fresh_len >= 4 && fresh_len > accepted {
                self.abandon_pending();
            } else if accepted > 0 {
                self.pending_text.push_str(line.get(..accepted).unwrap_or(""));
                pending.matcher = matcher;
                pending.idle = 0;
                if matcher.complete() {
                    let first = pending.line;
                    self.pending = None;
                    let text = std::mem::take(&mut self.pending_text);
                    self.emit(&text, first);
                    self.pending_text = text;
                }
                return line.get(accepted..).unwrap_or("");
            } else {
                pending.idle += 1;
                if pending.idle > MAX_IDLE_LINES {
                    self.abandon_pending();
                } else {
                    return self.neighbour(number, line);
                }
            }
        }
        if fresh_len > 0 && (fresh_len >= 3 || fresh_len == line.len()) {
            let text = line.get(..fresh_len).unwrap_or("");
            if fresh.complete() {
                self.emit(text, number);
            } else {
                // The text buffer is reused from line to line (a split gc line is most lines of a chatty log).
                self.pending_text.clear();
                self.pending_text.push_str(text);
                self.pending = Some(PendingLine { matcher: fresh, line: number, idle: 0 });
            }
            return line.get(fresh_len..).unwrap_or("");
        }
        self.neighbour(number, line)
    }

    fn neighbour<'a>(&mut self, number: usize, line: &'a str) -> &'a str {
        if !may_be_neighbour(line) {
            return line;
        }
        let kind = if line == "GC forced" {
            "gc_forced"
        } else if line.starts_with("pacer: ") {
            "pacer"
        } else if line.starts_with("scav ") || line.starts_with("scvg") {
            "scav"
        } else if line.starts_with("scan: ") {
            "scan"
        } else {
            return line;
        };
        self.trace.neighbours.push(GcNeighbour {
            input: self.input,
            line: number,
            kind: kind.to_string(),
            text: line.to_string(),
        });
        ""
    }

    fn abandon_pending(&mut self) {
        if let Some(p) = self.pending.take() {
            if self.pending_text.contains(" @") {
                self.trace.problems.push(Problem::new(
                    ProblemKind::Truncated,
                    self.input,
                    p.line,
                    format!("1 truncated gc line: {}", self.pending_text),
                ));
            }
        }
    }

    /// Counts the cycle of a line the grammar accepted whole: read in one pass (`read_whole_line` gives what
    /// `parse_complete_line` gives on a whole line, property-tested in `gcline_reference`), which spares
    /// `parse_complete_line`'s scans for the numbers, the `(forced)` suffix and the leak tag.
    fn emit(&mut self, text: &str, line: usize) {
        let cycle = read_whole_line(text).unwrap_or_else(|| parse_complete_line(text));
        self.emit_cycle(cycle, line);
    }

    /// Counts a cycle read from line `line` (`None`: the grammar matched but a number did not parse).
    fn emit_cycle(&mut self, cycle: Option<GcCycle>, line: usize) {
        let Some(mut cycle) = cycle else {
            self.trace.problems.push(Problem::new(ProblemKind::Unparsed, self.input, line, "gc line"));
            return;
        };
        match self.last_n {
            Some(prev) if !self.new_process && cycle.n > prev => {
                if cycle.n > prev + 1 {
                    let mut p = Problem::new(
                        ProblemKind::GcGap,
                        self.input,
                        line,
                        if cycle.n == prev + 2 {
                            format!("gc number {} missing", prev + 1)
                        } else {
                            format!("gc numbers {}–{} missing", prev + 1, cycle.n - 1)
                        },
                    );
                    p.from = Some(prev + 1);
                    p.to = Some(cycle.n - 1);
                    self.trace.problems.push(p);
                }
            }
            _ => self.process += 1,
        }
        self.new_process = false;
        self.last_n = Some(cycle.n);
        cycle.process = self.process;
        cycle.input = self.input;
        cycle.line = line;
        let stw = cycle.stw_ms();
        self.trace.stw_ms_sum += stw;
        if stw > self.trace.stw_ms_max {
            self.trace.stw_ms_max = stw;
        }
        self.trace.cycles.push(cycle);
    }

    /// The cycles and neighbour lines found since the last call, handed over so a streaming parse keeps none.
    pub fn take_found(&mut self) -> (Vec<GcCycle>, Vec<GcNeighbour>) {
        (std::mem::take(&mut self.trace.cycles), std::mem::take(&mut self.trace.neighbours))
    }

    pub fn finish(mut self) -> GcTrace {
        self.abandon_pending();
        self.trace
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = "gc 1 @0.011s 3%: 0.060+0.52+0.004 ms clock, 0.12+0.62/0.089/0+0.009 ms cpu, \
                        3->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P";

    #[test]
    fn parses_every_field_of_a_go127_line() {
        let trace = parse(LINE);
        let c = &trace.cycles[0];
        assert_eq!((c.n, c.at_s, c.cpu_pct, c.procs), (1, 0.011, 3, 2));
        assert_eq!(c.clock_ms, [0.060, 0.52, 0.004]);
        assert_eq!(c.cpu_ms, [0.12, 0.62, 0.089, 0.0, 0.009]);
        assert_eq!((c.heap_mb, c.goal_mb, c.stacks_mb, c.globals_mb), ([3, 4, 1], 4, Some(0), Some(0)));
        assert!(!c.forced && !c.leak_check);
    }

    #[test]
    fn forced_leak_tag_and_old_format_without_stacks() {
        let text = "gc 9 @2.5s 1% (checking for goroutine leaks): 1+2+3 ms clock, 1+2/3/4+5 ms cpu, \
                    10->11->5 MB, 12 MB goal, 4 P (forced)";
        let c = &parse(text).cycles[0];
        assert!(c.forced && c.leak_check);
        assert_eq!((c.stacks_mb, c.procs), (None, 4));
    }

    #[test]
    fn rejoins_a_line_split_by_application_output() {
        let text = "gc 527 @1.492s 4%: 0.1+0.2+0.3 ms clock, 0.1+0.2/0.3/0.4+0.5 ms cpu, 18->21->app: starting\n\
                    13 MB, 20 MB goal, 0 MB stacks, 0 MB globals, 2 P\n";
        let mut parser = GcTraceParser::default();
        let rest: Vec<String> =
            logical_lines(text).iter().map(|l| parser.feed(l.number, &l.text).to_string()).collect();
        assert_eq!(rest, ["app: starting", ""]);
        let trace = parser.finish();
        assert_eq!(trace.cycles[0].heap_mb, [18, 21, 13]);
        assert_eq!(trace.cycles[0].line, 1);
    }

    #[test]
    fn restart_gap_and_truncation() {
        let text = format!("{LINE}\n{}\n{LINE}\ngc 2 @0.1s 3%: 0.1+", LINE.replace("gc 1 ", "gc 4 "));
        let trace = parse(&text);
        let processes: Vec<(u32, u64)> = trace.cycles.iter().map(|c| (c.process, c.n)).collect();
        assert_eq!(processes, [(1, 1), (1, 4), (2, 1)]);
        let kinds: Vec<ProblemKind> = trace.problems.iter().map(|p| p.kind).collect();
        assert_eq!(kinds, [ProblemKind::GcGap, ProblemKind::Truncated]);
        assert_eq!(trace.problems[0].message, "gc numbers 2–3 missing");
    }

    /// The one-byte check before the neighbour kinds: every neighbour line passes it, and a line that fails it
    /// is handed back whole, as the kind comparisons would hand it back.
    #[test]
    fn the_neighbour_byte_check_keeps_every_neighbour() {
        let neighbours = ["GC forced", "pacer: assist ratio=1.5", "scav 0 KiB work", "scvg0: inuse: 1", "scan: 1 KB"];
        for line in neighbours {
            assert!(may_be_neighbour(line), "{line}");
            let mut parser = GcTraceParser::default();
            assert_eq!(parser.feed(1, line), "", "{line}");
            assert_eq!(parser.take_found().1.len(), 1, "{line}");
        }
        let others = ["app: tick 19161", "GC", "pacer:x", "0.017app: tick", "", "Gc forced", "  scav 1"];
        for line in others {
            let mut parser = GcTraceParser::default();
            assert_eq!(parser.feed(1, line), line, "{line}");
            assert!(parser.take_found().1.is_empty(), "{line}");
        }
    }

    #[test]
    fn app_lines_starting_with_g_are_left_alone() {
        let mut parser = GcTraceParser::default();
        assert_eq!(parser.feed(1, "goroutine 1 [running]:"), "goroutine 1 [running]:");
        assert_eq!(parser.feed(2, "gc stats ok"), "stats ok");
        assert!(parser.finish().cycles.is_empty());
    }
}
