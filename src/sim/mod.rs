//! The deterministic map-race simulator (issue 6): a seeded model of Go's map write protocol, of its scheduler
//! and of the race detector, driven by small goroutine programs. Pure: no clock, no threads, no I/O, so a seed
//! reproduces a run forever and the TUI can step through it. The CLI (`cli/sim.rs`) reads files and prints.

pub mod batch;
pub mod budget;
mod builtins;
pub mod explore;
pub mod gc;
pub mod machine;
pub mod maps;
pub mod program;
pub mod race;
pub mod render;
pub mod rng;
pub mod sched;
pub mod summary;

pub use budget::{Budget, Stop};
pub use builtins::{builtin, builtins};
pub use explore::{explore, ExhaustiveResult};
pub use gc::{GcPause, GcPhase};
pub use machine::{FatalKind, MicroStep, PanicKind, Terminal};
pub use maps::{GoVersion, MapFatal, MapLayout};
pub use program::Program;
pub use render::RunOutcome;
pub use sched::Event;
pub use summary::{run_many, Summary};

/// Errors loading a program. Running never fails: every outcome, even a deadlock, is a result.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("program YAML: {0}")]
    Yaml(String),
    #[error("program: {0}")]
    Invalid(String),
}

/// How to run: which Go, which seed, how many Ps, which GC cycles.
#[derive(Debug, Clone)]
pub struct SimOptions {
    pub go: GoVersion,
    pub seed: u64,
    /// GOMAXPROCS.
    pub procs: u8,
    pub gc: Vec<GcPause>,
    /// Keep every micro-step of a run (off for batches: faster).
    pub record_timeline: bool,
    /// Safety net for a single run.
    pub max_steps: u64,
    /// Micro-steps of a whole batch of seeded runs (`run_many`): it stops, and says so, when they are used up.
    pub max_batch_steps: u64,
    /// Goroutines one run may start (see `budget`).
    pub max_goroutines: usize,
    /// Estimated bytes one run (machine and timeline) or one exploration may hold.
    pub max_bytes: usize,
    /// Exhaustive mode gives up (and says so) past this many distinct states.
    pub state_limit: usize,
    /// The caller's request to stop (checked between runs and every few thousand micro-steps).
    pub stop: Stop,
}

impl Default for SimOptions {
    fn default() -> Self {
        Self {
            go: GoVersion::default(),
            seed: 1,
            procs: 2,
            gc: Vec::new(),
            record_timeline: true,
            max_steps: 50_000_000,
            max_batch_steps: 500_000_000,
            max_goroutines: 4_096,
            max_bytes: 256 << 20,
            state_limit: 2_000_000,
            stop: Stop::default(),
        }
    }
}

impl SimOptions {
    /// The first id a user goroutine gets. Real runs vary (1.27: 6, 7, 17..20; 1.19: 5, 6, 18, 19) because the
    /// runtime starts its own goroutines first; the simulator picks the most common one.
    pub fn first_goid(&self) -> u32 {
        if self.go.layout() == MapLayout::Swiss {
            6
        } else {
            18
        }
    }
}

/// One seeded run with its timeline, crash output and race reports.
pub fn run(program: &Program, opts: &SimOptions) -> RunOutcome {
    let raw = sched::run_raw(program, opts, opts.seed);
    render::outcome(program, opts, opts.seed, raw)
}
