//! Turns a finished run into its result: what the Go version would print on that crash with the default
//! GOTRACEBACK, the `WARNING: DATA RACE` blocks a `-race` build would print, and a serialisable outcome the
//! CLI, the runbook step and the TUI share. Line shapes follow shared/reference/traceback-and-race-format.md
//! and captures of the assets/sim programs (go1.27.3, go1.19.8).

use super::gc::{GcPause, GcPhase, GcTimeline};
use super::machine::{FatalKind, GStatus, Machine, Terminal};
use super::maps::{race_frames, MapLayout, MapOp};
use super::program::{Instr, Program};
use super::race::RaceReport;
use super::sched::{Event, RawRun};
use super::SimOptions;
use serde::Serialize;
use std::fmt::Write as _;

/// Where the crash happened.
#[derive(Debug, Clone, Serialize)]
pub struct CrashPoint {
    pub goroutine: u32,
    pub line: u32,
    pub t_ns: f64,
    pub gc: Option<GcPhase>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AccessView {
    pub goroutine: u32,
    pub op: MapOp,
    pub line: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct RaceView {
    pub map: String,
    /// The race is on a value slot (the user's load/store) rather than on the map header.
    pub value_slot: bool,
    pub current: AccessView,
    pub previous: AccessView,
    pub at_ns: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct GoroutineView {
    pub id: u32,
    pub func: String,
    pub created_by: Option<u32>,
    pub created_line: u32,
    pub status: GStatus,
}

/// The result of one seeded run.
#[derive(Debug, Clone, Serialize)]
pub struct RunOutcome {
    pub program: String,
    pub go_version: String,
    pub layout: MapLayout,
    pub seed: u64,
    pub terminal: Terminal,
    /// `fatal error:` / `panic:` message, if any.
    pub message: Option<String>,
    /// Exit status of a normal build.
    pub exit_code: i32,
    /// Exit status of a `-race` build of the same schedule (66 when a race was reported and nothing crashed).
    pub race_exit_code: i32,
    pub crash: Option<CrashPoint>,
    pub races: Vec<RaceView>,
    pub duration_ns: f64,
    pub micro_steps: u64,
    pub goroutines: Vec<GoroutineView>,
    pub gc_cycles: Vec<GcPause>,
    pub timeline: Vec<Event>,
    /// What a normal build prints when it dies (stderr), with default GOTRACEBACK.
    pub crash_output: Option<String>,
    /// The race detector's reports, as a `-race` build prints them.
    pub race_output: String,
}

fn goroot(opts: &SimOptions) -> &'static str {
    if opts.go.layout() == MapLayout::Swiss {
        "/usr/local/go"
    } else {
        "/usr/lib/go-1.19"
    }
}

/// A stable, plausible code offset for a frame (real ones depend on the compiled binary).
fn off(line: u32, salt: u32) -> u32 {
    0x18 + (line.wrapping_mul(37).wrapping_add(salt.wrapping_mul(11))) % 0x1c0
}

fn created_by(out: &mut String, p: &Program, m: &Machine, g: usize, opts: &SimOptions) {
    if g == 0 {
        return;
    }
    let gr = &m.goroutines[g];
    let parent = &m.goroutines[gr.parent as usize];
    let pfunc = p.func_of(parent.template as usize);
    if opts.go.layout() == MapLayout::Swiss {
        let _ = writeln!(out, "created by {pfunc} in goroutine {}", parent.goid);
    } else {
        let _ = writeln!(out, "created by {pfunc}");
    }
    let _ = writeln!(out, "\t{}:{} +0x{:x}", p.file, gr.created_line, off(gr.created_line, 3));
}

/// The frames of a goroutine that is not the crashing one (Go 1.19 prints all of them on a map fatal).
fn other_goroutine(out: &mut String, p: &Program, m: &Machine, g: usize, opts: &SimOptions) {
    let gr = &m.goroutines[g];
    let root = goroot(opts);
    let line = m.line_of(p, g);
    let func = p.func_of(gr.template as usize);
    let blocked = m.blocked_instr(p, g);
    let state = match blocked {
        Some(Instr::WgWait { .. }) | Some(Instr::Lock { .. }) | Some(Instr::RLock { .. }) => "semacquire",
        Some(Instr::Send { .. }) => "chan send",
        Some(Instr::Recv { .. }) => "chan receive",
        _ => "runnable",
    };
    let _ = writeln!(out, "\ngoroutine {} [{state}]:", gr.goid);
    match blocked {
        Some(Instr::WgWait { .. }) => {
            let _ = writeln!(out, "sync.runtime_Semacquire(0xc000012048?)\n\t{root}/src/runtime/sema.go:62 +0x25");
            let _ = writeln!(out, "sync.(*WaitGroup).Wait(0x0?)\n\t{root}/src/sync/waitgroup.go:139 +0x52");
        }
        Some(Instr::Lock { .. }) | Some(Instr::RLock { .. }) => {
            let _ = writeln!(
                out,
                "sync.runtime_SemacquireMutex(0xc000012054?, 0x0?, 0x1?)\n\t{root}/src/runtime/sema.go:77 +0x25"
            );
            let _ = writeln!(out, "sync.(*Mutex).lockSlow(0xc000012050)\n\t{root}/src/sync/mutex.go:171 +0x165");
        }
        _ => {}
    }
    let _ = writeln!(out, "{func}()\n\t{}:{line} +0x{:x}", p.file, off(line, 1));
    created_by(out, p, m, g, opts);
}

fn crash_text(p: &Program, m: &Machine, t: Terminal, g: usize, line: u32, opts: &SimOptions) -> Option<String> {
    let msg = t.message()?;
    let mut out = String::new();
    let root = goroot(opts);
    let gr = &m.goroutines[g];
    let func = p.func_of(gr.template as usize);
    match t {
        Terminal::Panic(_) => {
            let _ = writeln!(out, "panic: {msg}\n\ngoroutine {} [running]:", gr.goid);
            let (add_line, done_line) = if opts.go.layout() == MapLayout::Swiss { (118, 156) } else { (83, 108) };
            let is_done =
                matches!(p.goroutines[gr.template as usize].code.get(m.pc_of(g)), Some(Instr::WgAdd { delta: -1, .. }));
            if matches!(t, Terminal::Panic(super::machine::PanicKind::ReusedBeforeWait)) {
                let wait_line = if opts.go.layout() == MapLayout::Swiss { 206 } else { 132 };
                let _ = writeln!(
                    out,
                    "sync.(*WaitGroup).Wait(0xc000012040?)\n\t{root}/src/sync/waitgroup.go:{wait_line} +0x11d"
                );
            } else {
                let _ = writeln!(out, "sync.(*WaitGroup).Add(0xc000012040, 0xffffffffffffffff)\n\t{root}/src/sync/waitgroup.go:{add_line} +0x258");
                if is_done {
                    let _ = writeln!(
                        out,
                        "sync.(*WaitGroup).Done(0xc000012040?)\n\t{root}/src/sync/waitgroup.go:{done_line} +0x1a"
                    );
                }
            }
            let _ = writeln!(out, "{func}()\n\t{}:{line} +0x{:x}", p.file, off(line, 2));
            created_by(&mut out, p, m, g, opts);
        }
        Terminal::Deadlock => {
            let _ = writeln!(out, "fatal error: {msg}");
            for i in 0..m.goroutines.len() {
                if m.goroutines[i].status != GStatus::Done {
                    other_goroutine(&mut out, p, m, i, opts);
                }
            }
        }
        Terminal::Fatal(kind) => {
            let _ = writeln!(out, "fatal error: {msg}\n\ngoroutine {} [running]:", gr.goid);
            if opts.go.layout() == MapLayout::Swiss && matches!(kind, FatalKind::Map(_)) {
                // Go ≥ 1.24 shows the exported-looking maps.fatal frame, in runtime/panic.go.
                let _ = writeln!(
                    out,
                    "internal/runtime/maps.fatal({{0x4a0b10?, 0x556498?}})\n\t{root}/src/runtime/panic.go:1195 +0x18"
                );
            }
            let _ = writeln!(out, "{func}()\n\t{}:{line} +0x{:x}", p.file, off(line, 2));
            created_by(&mut out, p, m, g, opts);
            // Go 1.19 prints every user goroutine on a map fatal; 1.27 only the crashing one.
            if opts.go.layout() == MapLayout::Classic {
                for i in 0..m.goroutines.len() {
                    if i != g && m.goroutines[i].status != GStatus::Done {
                        other_goroutine(&mut out, p, m, i, opts);
                    }
                }
            }
        }
        Terminal::Exit | Terminal::StepLimit | Terminal::Stopped(_) => return None,
    }
    Some(out.trim_end_matches('\n').to_string() + "\n")
}

fn access_block(out: &mut String, p: &Program, m: &Machine, r: &RaceReport, current: bool, opts: &SimOptions) {
    let acc = if current { r.current } else { r.previous };
    let kind = if acc.op.is_write() { "write" } else { "read" };
    let head = match (current, acc.op.is_write()) {
        (true, true) => "Write".to_string(),
        (true, false) => "Read".to_string(),
        (false, _) => format!("Previous {kind}"),
    };
    let gr = &m.goroutines[acc.goroutine];
    let who = if acc.goroutine == 0 { "main goroutine".to_string() } else { format!("goroutine {}", gr.goid) };
    let addr = match r.slot {
        None => 0x00c0_0009_6000u64 + 0x1000 * r.map as u64,
        Some(k) => 0x00c0_000a_0010u64 + 0x1000 * r.map as u64 + 8 * (k.rem_euclid(64) as u64),
    };
    let _ = writeln!(out, "{head} at 0x{addr:012x} by {who}:");
    let key = p.maps.get(r.map).map(|d| d.key).unwrap_or_default();
    let runtime_frames = if r.slot.is_none() { race_frames(acc.op, key, opts.go) } else { Vec::new() };
    for (f, file, line) in runtime_frames {
        let _ = writeln!(out, "  {f}()\n      {}/src/{file}:{line} +0x0", goroot(opts));
    }
    let func = p.func_of(gr.template as usize);
    let _ = writeln!(out, "  {func}()\n      {}:{} +0x{:x}", p.file, acc.line, off(acc.line, 5));
}

fn creation_block(out: &mut String, p: &Program, m: &Machine, g: usize) {
    let gr = &m.goroutines[g];
    let state = if gr.status == GStatus::Done { "finished" } else { "running" };
    let parent = &m.goroutines[gr.parent as usize];
    let _ = writeln!(out, "\nGoroutine {} ({state}) created at:", gr.goid);
    let _ = writeln!(
        out,
        "  {}()\n      {}:{} +0x{:x}",
        p.func_of(parent.template as usize),
        p.file,
        gr.created_line,
        off(gr.created_line, 3)
    );
}

/// One `WARNING: DATA RACE` block: a map-header race (runtime frame first) or a value-slot race (user frames
/// only), the two reports a map bug usually yields.
pub fn race_block(p: &Program, m: &Machine, r: &RaceReport, opts: &SimOptions) -> String {
    let mut out = String::from("==================\nWARNING: DATA RACE\n");
    access_block(&mut out, p, m, r, true, opts);
    out.push('\n');
    access_block(&mut out, p, m, r, false, opts);
    for g in [r.current.goroutine, r.previous.goroutine] {
        if g != 0 {
            creation_block(&mut out, p, m, g);
        }
    }
    out.push_str("==================\n");
    out
}

pub(super) fn outcome(p: &Program, opts: &SimOptions, seed: u64, raw: RawRun) -> RunOutcome {
    let m = &raw.machine;
    let (terminal, g) = m.terminal.unwrap_or((Terminal::StepLimit, 0));
    let line = m.line_of(p, g);
    let gc = GcTimeline::new(&opts.gc);
    let crash_t = raw.last_step_ns;
    let crash = terminal.message().map(|_| CrashPoint {
        goroutine: m.goroutines[g].goid,
        line,
        t_ns: crash_t,
        gc: (!gc.is_empty()).then(|| gc.phase(crash_t)),
    });
    let mut race_output = String::new();
    for r in &m.race.reports {
        race_output.push_str(&race_block(p, m, r, opts));
    }
    let races: Vec<RaceView> = m
        .race
        .reports
        .iter()
        .zip(raw.race_times.iter().chain(std::iter::repeat(&0.0)))
        .map(|(r, t)| RaceView {
            map: p.maps.get(r.map).map(|d| d.name.clone()).unwrap_or_default(),
            value_slot: r.slot.is_some(),
            current: AccessView {
                goroutine: m.goroutines[r.current.goroutine].goid,
                op: r.current.op,
                line: r.current.line,
            },
            previous: AccessView {
                goroutine: m.goroutines[r.previous.goroutine].goid,
                op: r.previous.op,
                line: r.previous.line,
            },
            at_ns: *t,
        })
        .collect();
    let crashed = terminal.message().is_some();
    if !crashed && !races.is_empty() {
        let _ = writeln!(race_output, "Found {} data race(s)", races.len());
    }
    let exit_code = if crashed { 2 } else { 0 };
    let race_exit_code = if crashed {
        2
    } else if races.is_empty() {
        0
    } else {
        66
    };
    RunOutcome {
        program: p.name.clone(),
        go_version: opts.go.label(),
        layout: opts.go.layout(),
        seed,
        terminal,
        message: terminal.message().map(str::to_string),
        exit_code,
        race_exit_code,
        crash,
        races,
        duration_ns: raw.end_ns,
        micro_steps: raw.micro_steps,
        goroutines: m
            .goroutines
            .iter()
            .enumerate()
            .map(|(i, gr)| GoroutineView {
                id: gr.goid,
                func: p.func_of(gr.template as usize).to_string(),
                created_by: (i != 0).then(|| m.goroutines[gr.parent as usize].goid),
                created_line: gr.created_line,
                status: gr.status,
            })
            .collect(),
        gc_cycles: opts.gc.clone(),
        crash_output: crash_text(p, m, terminal, g, line, opts),
        timeline: raw.timeline,
        race_output,
    }
}

/// How many micro-steps the text timeline shows at its start and its end (the JSON timeline has them all).
const TEXT_HEAD: usize = 40;
const TEXT_TAIL: usize = 200;

/// The timeline as text, one micro-step a line: `t=  1.234µs  P0  g6   main.go:12  write_toggle  writing=1`.
/// Long runs are cut in the middle: the start shows how goroutines got going, the end shows the crash.
pub fn timeline_text(o: &RunOutcome, file: &str) -> String {
    let mut out = String::new();
    let short = file.rsplit('/').next().unwrap_or(file);
    let n = o.timeline.len();
    for (i, e) in o.timeline.iter().enumerate() {
        if n > TEXT_HEAD + TEXT_TAIL && i >= TEXT_HEAD && i < n - TEXT_TAIL {
            if i == TEXT_HEAD {
                let _ = writeln!(out, "... {} micro-steps (all of them with --json) ...", n - TEXT_HEAD - TEXT_TAIL);
            }
            continue;
        }
        let flags = super::maps::MapHeader::describe_flags(e.flags, o.layout);
        let step = serde_json::to_value(e.step).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        let _ = writeln!(
            out,
            "t={:>10.3}µs  P{}  g{:<3} {short}:{:<4} {:<14}{}{}",
            e.t_ns / 1000.0,
            e.proc,
            e.goroutine,
            e.line,
            step,
            if e.map.is_some() { flags } else { String::new() },
            if e.blocked { "  (blocks)" } else { "" }
        );
    }
    out
}
