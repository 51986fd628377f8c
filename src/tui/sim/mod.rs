//! The simulator view's state (issue 6, "In the TUI"): which program runs (and the fixes `f` cycles through),
//! on which Go and seed, the run on screen (a window of its timeline), the cursor and playback; and the crash
//! rate chart's state. Runs happen in background jobs (`run.rs`); `update_sim.rs` is how `update` drives both.
//!
//! A built-in loop runs 100,000 iterations (about a million micro-steps), so a run keeps only the start of its
//! timeline and the window before the end (the crash, when there is one): `HEAD` and `TAIL` events. The view
//! says so.

pub mod run;

use crate::probes::output::{SimOutput, SimSource};
use crate::sim::{GcPause, GoVersion, MapLayout, MicroStep, Summary};
use std::sync::Arc;

/// Events kept from the start of a run (how the goroutines got going).
pub const HEAD: usize = 100;
/// Events kept before the end of a run (the crash window).
pub const TAIL: usize = 3_000;
/// Events the cursor moves per tick while playing (a tick is 100 ms).
pub const PLAY_STEP: usize = 2;
/// Seeds per program in the crash-rate chart.
pub const RATE_SEEDS: u64 = 50;

/// `f` cycles through these: the reproduction and its fixes.
pub const FIX_CYCLE: [&str; 5] = ["repro", "fixed-mutex", "fixed-rwmutex", "fixed-syncmap", "fixed-sharded"];

/// What to simulate: the programs `f` cycles through and the one on screen, the Go version, the seed, the GC
/// cycles, and the simulate step it came from (for its GC chart).
#[derive(Debug, Clone, PartialEq)]
pub struct SimSpec {
    pub family: Vec<SimSource>,
    pub current: usize,
    pub go: GoVersion,
    pub seed: u64,
    pub gc: Vec<GcPause>,
    pub step: Option<usize>,
}

impl SimSpec {
    /// The built-in reproduction and its fixes, starting at `name` (or before them, when it is another program).
    pub fn builtin(name: &str, go: GoVersion, seed: u64) -> SimSpec {
        let mut family: Vec<SimSource> = FIX_CYCLE.iter().map(|n| SimSource::Builtin(n.to_string())).collect();
        let current = match FIX_CYCLE.iter().position(|n| *n == name) {
            Some(i) => i,
            None => {
                family[0] = SimSource::Builtin(name.to_string());
                0
            }
        };
        SimSpec { family, current, go, seed, gc: Vec::new(), step: None }
    }

    /// A simulate step's program with the step's options; `f` cycles it through the fixes of the reproduction.
    pub fn from_step(out: &SimOutput, step: usize) -> SimSpec {
        let mut spec = match &out.source {
            SimSource::Builtin(name) => SimSpec::builtin(name, out.go, out.seed),
            yaml => {
                let mut spec = SimSpec::builtin("repro", out.go, out.seed);
                spec.family[0] = yaml.clone();
                spec
            }
        };
        spec.gc = out.gc.clone();
        spec.step = Some(step);
        spec
    }

    /// Tests and runbooks with programs of their own: `family[0]` first, `f` cycles through the rest.
    pub fn family(family: Vec<SimSource>, go: GoVersion, seed: u64) -> SimSpec {
        SimSpec { family, current: 0, go, seed, gc: Vec::new(), step: None }
    }

    pub fn source(&self) -> Option<&SimSource> {
        self.family.get(self.current)
    }

    pub fn request(&self, generation: u64) -> Option<SimRequest> {
        Some(SimRequest {
            generation,
            source: self.source()?.clone(),
            go: self.go,
            seed: self.seed,
            gc: self.gc.clone(),
        })
    }
}

/// One seeded run to carry out in the background.
#[derive(Debug, Clone, PartialEq)]
pub struct SimRequest {
    /// Answers to an older request are dropped.
    pub generation: u64,
    pub source: SimSource,
    pub go: GoVersion,
    pub seed: u64,
    pub gc: Vec<GcPause>,
}

/// One micro-step as the view draws it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimEvent {
    pub t_ns: f64,
    pub goroutine: u32,
    pub step: MicroStep,
    pub line: u32,
    pub map: Option<u16>,
    /// The touched map's `flags` (classic) or `writing` (Swiss) after the step.
    pub flags: u8,
    pub blocked: bool,
}

/// A goroutine's lane: its id and function.
#[derive(Debug, Clone, PartialEq)]
pub struct Lane {
    pub id: u32,
    pub func: String,
}

/// One `WARNING: DATA RACE` report: the map (or a value slot in it) and the two accesses (operation, line,
/// goroutine), the current one first.
#[derive(Debug, Clone, PartialEq)]
pub struct RaceLine {
    pub map: String,
    pub value_slot: bool,
    pub current: (String, u32, u32),
    pub previous: (String, u32, u32),
}

/// A finished run, ready to draw: the kept events, the crash, the race reports, the GC windows.
#[derive(Debug, Clone, PartialEq)]
pub struct SimRun {
    pub program: String,
    pub go: GoVersion,
    pub layout: MapLayout,
    pub seed: u64,
    /// `fatal error:` or `panic:` message; `None` for a clean exit.
    pub message: Option<String>,
    pub panicked: bool,
    /// Goroutine, line and time of the crash.
    pub crash: Option<(u32, u32, f64)>,
    /// Where the crash fell among the GC cycles, in words.
    pub crash_gc: Option<String>,
    pub events: Vec<SimEvent>,
    /// Events left out after `events[HEAD - 1]`, when the run was longer than `HEAD + TAIL`.
    pub skipped: usize,
    pub micro_steps: u64,
    pub duration_ns: f64,
    pub lanes: Vec<Lane>,
    pub maps: Vec<String>,
    /// The source file's last component, for `file:line`.
    pub file: String,
    /// The race reports a `-race` build of the same schedule prints.
    pub races: Vec<RaceLine>,
    /// Stop-the-world windows, in ns of simulated time.
    pub stw: Vec<(f64, f64)>,
}

impl SimRun {
    /// The last index (the crash, or the end).
    pub fn last(&self) -> usize {
        self.events.len().saturating_sub(1)
    }

    /// The micro-step number (1-based, in the whole run) of kept event `i`.
    pub fn step_number(&self, i: usize) -> u64 {
        let n = if i >= HEAD && self.skipped > 0 { i + self.skipped } else { i };
        n as u64 + 1
    }

    /// Each map's header after event `i`: the flags of the last event at or before it that touched the map.
    pub fn flags_at(&self, i: usize) -> Vec<(String, u8)> {
        let end = (i + 1).min(self.events.len());
        self.maps
            .iter()
            .enumerate()
            .map(|(m, name)| {
                let flags =
                    self.events[..end].iter().rev().find(|e| e.map == Some(m as u16)).map(|e| e.flags).unwrap_or(0);
                (name.clone(), flags)
            })
            .collect()
    }
}

/// The simulator view: what it runs, what is on screen, where the cursor is.
#[derive(Debug, Clone, PartialEq)]
pub struct SimView {
    pub spec: SimSpec,
    pub run: Option<Arc<SimRun>>,
    /// The generation of the run being computed, if any.
    pub pending: Option<u64>,
    pub error: Option<String>,
    pub cursor: usize,
    pub playing: bool,
}

impl SimView {
    pub fn new(spec: SimSpec) -> SimView {
        SimView { spec, run: None, pending: None, error: None, cursor: 0, playing: false }
    }

    /// Moves the cursor by `delta` events within the run; stops playback at either end.
    pub fn move_by(&mut self, delta: i64) {
        let Some(run) = &self.run else { return };
        let to = (self.cursor as i64 + delta).clamp(0, run.last() as i64) as usize;
        self.cursor = to;
        if to == run.last() {
            self.playing = false;
        }
    }
}

/// The crash-rate chart: one bar per program, filled in as each program's runs finish.
#[derive(Debug, Clone, PartialEq)]
pub struct RatesView {
    pub generation: u64,
    pub go: GoVersion,
    pub seed: u64,
    pub runs: u64,
    pub programs: Vec<SimSource>,
    /// `None` while that program's runs are computing.
    pub results: Vec<Option<Result<Summary, String>>>,
}

impl RatesView {
    pub fn done(&self) -> usize {
        self.results.iter().filter(|r| r.is_some()).count()
    }
}

/// One program's batch for the crash-rate chart.
#[derive(Debug, Clone, PartialEq)]
pub struct RateRequest {
    pub generation: u64,
    pub index: usize,
    pub source: SimSource,
    pub go: GoVersion,
    pub seed: u64,
    pub runs: u64,
}
