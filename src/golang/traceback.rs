//! Crash dumps: `panic:`, `fatal error:` and signal headers, and the goroutine stacks after them.
//!
//! The header says what happened (a panic chain with `[recovered]`, a fatal error such as the map errors, a
//! `[signal SIGSEGV …]` line, a `SIGQUIT: quit` dump); the goroutines say where. The shapes differ between Go
//! versions (`created by F in goroutine N` since 1.21, `gp= m=` in headers with GOTRACEBACK=system, elision
//! markers, `[originating from goroutine N]` ancestor blocks), so every piece is optional and unknown lines end
//! the dump instead of failing it.

use super::dump::parse_goroutines;
pub use super::dump::{starts_goroutine, MAX_DUMP_FRAMES, MAX_GOROUTINES};
use super::frames::Frame;
use super::prefix::LogLine;
use super::problem::{Problem, ProblemKind};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CrashKind {
    #[serde(rename = "panic")]
    Panic,
    #[serde(rename = "fatal error")]
    FatalError,
    #[serde(rename = "signal")]
    Signal,
    /// Goroutines with no crash header: `pprof` `goroutine?debug=2`, `runtime.Stack(buf, true)`, a paste of
    /// the stacks alone. Nothing crashed; the buckets show where everything waits.
    #[serde(rename = "goroutine dump")]
    Dump,
}

impl CrashKind {
    /// The word Go printed before the colon (`signal` for a `SIGQUIT: quit` dump).
    pub fn as_str(self) -> &'static str {
        match self {
            CrashKind::Panic => "panic",
            CrashKind::FatalError => "fatal error",
            CrashKind::Signal => "signal",
            CrashKind::Dump => "goroutine dump",
        }
    }
}

/// The map operation a `concurrent map …` fatal error caught the crashing goroutine in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MapOp {
    Read,
    Write,
    Iterate,
    Clone,
}

impl MapOp {
    pub fn as_str(self) -> &'static str {
        match self {
            MapOp::Read => "read",
            MapOp::Write => "write",
            MapOp::Iterate => "iterate",
            MapOp::Clone => "clone",
        }
    }
}

/// `[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x499e20]` or a `SIGQUIT: quit` dump header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SignalInfo {
    pub name: String,
    pub description: String,
    pub code: Option<String>,
    pub addr: Option<String>,
    pub pc: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedBy {
    pub func: String,
    pub file: String,
    pub line: u32,
    /// `in goroutine N` (Go 1.21+); older versions do not say.
    pub goroutine: Option<u64>,
}

/// A `GODEBUG=tracebackancestors=N` block: `[originating from goroutine N]:` and its frames.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ancestor {
    pub id: u64,
    pub frames: Vec<Frame>,
    pub created_by: Option<CreatedBy>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goroutine {
    pub id: u64,
    /// As printed: `running`, `chan receive`, `semacquire`, `sync.WaitGroup.Wait`, `GC sweep wait`, …
    pub state: String,
    pub wait_minutes: Option<u64>,
    pub locked_to_thread: bool,
    /// pprof labels as printed, `{handler: upload}` (Go 1.26+ with GODEBUG=tracebacklabels=1).
    pub labels: Option<String>,
    pub frames: Vec<Frame>,
    /// `...additional frames elided...` / `...N frames elided...` was printed.
    pub frames_elided: bool,
    /// `goroutine running on other thread; stack unavailable`.
    pub stack_unavailable: bool,
    pub user_frame: Option<Frame>,
    pub created_by: Option<CreatedBy>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ancestors: Vec<Ancestor>,
    /// 1-based line of the `goroutine N [...]:` header.
    pub line: usize,
}

/// Goroutines with the same state and the same stack, folded into one line of the triage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoroutineBucket {
    pub count: usize,
    pub state: String,
    pub ids: Vec<u64>,
    pub frames: Vec<Frame>,
    /// The first frame in the user's code (not the toolchain's): where in the service they wait.
    #[serde(default)]
    pub user_frame: Option<Frame>,
    /// The longest wait in the bucket, from the headers' `N minutes` (printed only for a wait of a minute or
    /// more that a GC has seen, see docs/go-failures.md); `None` when no header said.
    #[serde(default)]
    pub max_wait_minutes: Option<u64>,
    /// How many of the bucket's goroutines had waited a minute or more.
    #[serde(default)]
    pub waiting_minutes: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Crash {
    pub input: usize,
    pub line: usize,
    pub kind: CrashKind,
    /// The last message of a panic chain; the fatal error text; `SIGQUIT: quit` for a signal dump.
    pub message: String,
    /// Every `panic:` message of a nested panic, outermost first (the `[recovered]` tags removed).
    pub panic_chain: Vec<String>,
    pub crashing_goroutine: Option<u64>,
    pub map_op: Option<MapOp>,
    pub signal: Option<SignalInfo>,
    /// First user frame of the crashing goroutine (or of the first goroutine printed).
    pub user_frame: Option<Frame>,
    /// Distinct user frames (file:line) of that goroutine, innermost first: what to open.
    pub sites: Vec<Frame>,
    pub goroutines: Vec<Goroutine>,
    pub buckets: Vec<GoroutineBucket>,
    /// When it happened: the timestamp the log format put on the header line (RFC 3339; see `timestamps.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// What of `time` was inferred (a year from the file's date, a missing zone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_note: Option<String>,
}

/// True when a line opens a crash dump.
pub fn starts_crash(text: &str) -> bool {
    if !matches!(text.as_bytes().first(), Some(b'p' | b'f' | b'S')) {
        return false;
    }
    text.starts_with("panic: ") || text.starts_with("fatal error: ") || signal_header(text).is_some()
}

/// `SIGQUIT: quit` → (`SIGQUIT`, `quit`).
fn signal_header(text: &str) -> Option<(&str, &str)> {
    let (name, description) = text.split_once(": ")?;
    let upper = name.strip_prefix("SIG")?;
    (!upper.is_empty() && upper.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()))
        .then_some((name, description))
}

fn strip_recovered(message: &str) -> &str {
    message.strip_suffix(" [recovered, repanicked]").or_else(|| message.strip_suffix(" [recovered]")).unwrap_or(message)
}

/// `[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x499e20]`
fn parse_signal_line(text: &str) -> Option<SignalInfo> {
    let inner = text.strip_prefix("[signal ")?.strip_suffix(']')?;
    let (name, rest) = inner.split_once(": ").unwrap_or((inner, ""));
    let mut info = SignalInfo { name: name.to_string(), ..SignalInfo::default() };
    let mut description = Vec::new();
    for word in rest.split(' ') {
        if let Some(v) = word.strip_prefix("code=") {
            info.code = Some(v.to_string());
        } else if let Some(v) = word.strip_prefix("addr=") {
            info.addr = Some(v.to_string());
        } else if let Some(v) = word.strip_prefix("pc=") {
            info.pc = Some(v.to_string());
        } else {
            description.push(word);
        }
    }
    info.description = description.join(" ");
    Some(info)
}

/// Parses the crash dump opening at `lines[start]`; returns it and the index of the first line after it.
/// Lines are read trimmed: whole-dump indentation, a shift by one space, trailing whitespace and TABs expanded,
/// stripped or kept all read alike.
pub fn parse_crash(lines: &[LogLine<'_>], start: usize, input: usize, problems: &mut Vec<Problem>) -> (Crash, usize) {
    let first = lines.get(start).map(|l| l.as_str()).unwrap_or("");
    parse_crash_from(lines, start, first, input, problems)
}

/// `parse_crash` where the dump's first line is `first` instead of `lines[start]`: a crash that starts in the
/// middle of a line, after a gc piece. The rest of the lines are read in place (copying them per crash made a
/// log of many such lines quadratic).
pub fn parse_crash_from(
    lines: &[LogLine<'_>],
    start: usize,
    first: &str,
    input: usize,
    problems: &mut Vec<Problem>,
) -> (Crash, usize) {
    let first = first.trim();
    let mut crash = Crash {
        input,
        line: lines.get(start).map_or(0, |l| l.number),
        kind: CrashKind::Panic,
        message: String::new(),
        panic_chain: Vec::new(),
        crashing_goroutine: None,
        map_op: None,
        signal: None,
        user_frame: None,
        sites: Vec::new(),
        goroutines: Vec::new(),
        buckets: Vec::new(),
        time: None,
        time_note: None,
    };
    if let Some(m) = first.strip_prefix("panic: ") {
        crash.panic_chain.push(strip_recovered(m).to_string());
    } else if let Some(m) = first.strip_prefix("fatal error: ") {
        crash.kind = CrashKind::FatalError;
        crash.message = m.to_string();
    } else if let Some((name, description)) = signal_header(first) {
        crash.kind = CrashKind::Signal;
        crash.message = first.to_string();
        crash.signal = Some(SignalInfo { name: name.into(), description: description.into(), ..Default::default() });
    }

    let dump = starts_goroutine(first);
    if dump {
        crash.kind = CrashKind::Dump;
    }
    // Header: everything up to the first goroutine. Tolerate a few runtime lines (`runtime stack:` …).
    let mut i = if dump { start } else { start + 1 };
    let mut last_header_line = start;
    while let Some(line) = lines.get(i) {
        let text = line.as_str().trim();
        if starts_goroutine(text) {
            break;
        }
        if let Some(m) = text.strip_prefix("panic: ") {
            if crash.kind == CrashKind::Panic {
                crash.panic_chain.push(strip_recovered(m).to_string());
                last_header_line = i;
            }
        } else if let Some(info) = parse_signal_line(text) {
            crash.signal = Some(info);
            last_header_line = i;
        } else if let Some(rest) = text.strip_prefix("PC=") {
            if let Some(signal) = crash.signal.as_mut() {
                signal.pc = rest.split(' ').next().map(str::to_string);
            }
            last_header_line = i;
        } else if i - last_header_line > 40 {
            break;
        }
        i += 1;
    }
    if crash.kind == CrashKind::Panic {
        crash.panic_chain.dedup();
        crash.message = crash.panic_chain.last().cloned().unwrap_or_default();
    }
    if !lines.get(i).is_some_and(|l| starts_goroutine(l.text.trim())) {
        return (crash, last_header_line + 1);
    }
    let (goroutines, total, next) = parse_goroutines(lines, i, (input, crash.line), problems);
    crash.goroutines = goroutines;
    if total > crash.goroutines.len() {
        problems.push(Problem::new(
            ProblemKind::Truncated,
            input,
            crash.line,
            format!(
                "{total} goroutines: only the first {} are kept (the rest are counted, not stored)",
                crash.goroutines.len()
            ),
        ));
    }
    if dump {
        // Nothing crashed: the running goroutine is the one that took the dump.
        crash.message = format!("{total} goroutines");
        return (crash, next);
    }
    crash.crashing_goroutine = crash.goroutines.first().filter(|g| g.state.starts_with("running")).map(|g| g.id);
    crash.map_op = map_op(&crash);
    (crash, next)
}

/// Names the map operation: from a `runtime.map…` frame of the crashing goroutine when the traceback shows one
/// (GOTRACEBACK=system), otherwise from the fatal message.
fn map_op(crash: &Crash) -> Option<MapOp> {
    if crash.kind != CrashKind::FatalError || !crash.message.starts_with("concurrent map") {
        return None;
    }
    let from_frames = crash.goroutines.first().and_then(|g| g.frames.iter().find_map(|f| map_op_of_func(&f.func)));
    from_frames.or(match crash.message.as_str() {
        "concurrent map read and map write" => Some(MapOp::Read),
        "concurrent map writes" => Some(MapOp::Write),
        "concurrent map iteration and map write" => Some(MapOp::Iterate),
        "concurrent map clone and map write" => Some(MapOp::Clone),
        _ => None,
    })
}

/// `runtime.mapaccess1_faststr` → read, `runtime.mapassign_fast64` → write, …
pub fn map_op_of_func(func: &str) -> Option<MapOp> {
    let name = func.strip_prefix("runtime.").or_else(|| func.strip_prefix("internal/runtime/maps."))?;
    if name.starts_with("mapaccess") {
        Some(MapOp::Read)
    } else if name.starts_with("mapassign") || name.starts_with("mapdelete") || name.starts_with("mapclear") {
        Some(MapOp::Write)
    } else if name.starts_with("mapiter") || name.starts_with("mapIter") || name.starts_with("(*Iter).") {
        Some(MapOp::Iterate)
    } else if name.starts_with("mapclone") || name.starts_with("clone") {
        Some(MapOp::Clone)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signal_line_fields() {
        let s = parse_signal_line("[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x499e20]");
        assert_eq!(s.as_ref().map(|s| s.name.as_str()), Some("SIGSEGV"));
        assert_eq!(s.as_ref().and_then(|s| s.addr.as_deref()), Some("0x0"));
        assert_eq!(s.map(|s| s.description), Some("segmentation violation".to_string()));
    }

    #[test]
    fn lines_lost_inside_a_dump_are_problems_and_the_dump_goes_on() {
        // TABs stripped, one function line and one file line lost (2 and 7), a stray line (10) between goroutines.
        let text = "fatal error: x\n\ngoroutine 5 [running]:\n/app/a.go:3 +0x1\nmain.f()\n/app/a.go:9 +0x2\nmain.g()\nmain.h()\n/app/a.go:12 +0x3\n@@@\ngoroutine 6 [chan receive]:\nmain.w()\n/app/a.go:20\ncreated by main.main in goroutine 1\n/app/a.go:30 +0x4\n";
        let lines = crate::golang::prefix::logical_lines(text);
        let mut problems = Vec::new();
        let (crash, next) = parse_crash(&lines, 0, 0, &mut problems);
        assert_eq!(next, lines.len());
        let lost: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lost, [4, 7, 10], "{problems:?}");
        let frames: Vec<(&str, u32)> = crash.goroutines[0].frames.iter().map(|f| (f.func.as_str(), f.line)).collect();
        assert_eq!(frames, [("main.f", 9), ("main.h", 12)]);
        assert_eq!(crash.goroutines[1].created_by.as_ref().map(|c| c.line), Some(30));
    }

    #[test]
    fn map_op_from_runtime_frames() {
        assert_eq!(map_op_of_func("runtime.mapaccess1_faststr"), Some(MapOp::Read));
        assert_eq!(map_op_of_func("runtime.mapdelete_fast64"), Some(MapOp::Write));
        assert_eq!(map_op_of_func("runtime.mapIterNext"), Some(MapOp::Iterate));
        assert_eq!(map_op_of_func("main.mapaccess"), None);
    }
}
