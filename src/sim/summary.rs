//! Many seeded runs folded into the numbers a drill or postmortem quotes: crash rate, race-detector report
//! rate, mean time to crash. The serialised shape is the one issue 6 fixes for `--json` and runbook captures.

use super::batch::{batch_options, run_indexed, Batch};
use super::gc::GcTimeline;
use super::machine::Terminal;
use super::program::Program;
use super::rng::SimRng;
use super::SimOptions;
use serde::Serialize;
use std::collections::BTreeMap;

/// Counts over runs (or, from exhaustive mode, over schedules). `crashes` counts runs that died of a runtime
/// `fatal error` other than deadlock; deadlocks and panics have their own counters.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Summary {
    pub runs: u128,
    pub crashes: u128,
    pub races_detected: u128,
    pub fatal_errors: BTreeMap<String, u128>,
    pub deadlocks: u128,
    pub panics: BTreeMap<String, u128>,
    /// Exhaustive mode only: the number of schedules counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interleavings: Option<u128>,
    /// Sum of crash times, for the mean (not serialised: the issue fixes the summary's keys).
    #[serde(skip)]
    pub crash_time_sum_ns: f64,
    /// Why the batch stopped before its last run (a budget, or cancelled), in words; the counts cover the runs
    /// before. Not serialised: callers turn it into an error.
    #[serde(skip)]
    pub stopped: Option<String>,
}

impl Summary {
    /// Adds `n` runs or schedules that ended in `terminal`, `raced` telling whether -race reported anything.
    pub fn record(&mut self, terminal: Terminal, raced: bool, n: u128) {
        self.runs = self.runs.saturating_add(n);
        if raced {
            self.races_detected = self.races_detected.saturating_add(n);
        }
        match terminal {
            Terminal::Fatal(_) => {
                self.crashes = self.crashes.saturating_add(n);
                let e = self.fatal_errors.entry(terminal.message().unwrap_or_default().to_string()).or_default();
                *e = e.saturating_add(n);
            }
            Terminal::Panic(_) => {
                let e = self.panics.entry(terminal.message().unwrap_or_default().to_string()).or_default();
                *e = e.saturating_add(n);
            }
            Terminal::Deadlock => self.deadlocks = self.deadlocks.saturating_add(n),
            Terminal::Exit | Terminal::StepLimit | Terminal::Stopped(_) => {}
        }
    }

    pub fn panic_count(&self) -> u128 {
        self.panics.values().sum()
    }

    /// Runs that exited without fatal error, panic or deadlock.
    pub fn clean_exits(&self) -> u128 {
        self.runs - self.crashes - self.deadlocks - self.panic_count()
    }

    pub fn crash_rate(&self) -> f64 {
        ratio(self.crashes, self.runs)
    }

    pub fn race_rate(&self) -> f64 {
        ratio(self.races_detected, self.runs)
    }

    /// Mean simulated time from start to the fatal error, over crashing runs.
    pub fn mean_time_to_crash_ns(&self) -> Option<f64> {
        (self.crashes > 0 && self.interleavings.is_none()).then(|| self.crash_time_sum_ns / self.crashes as f64)
    }
}

fn ratio(a: u128, b: u128) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// `runs` seeded runs; run `i` uses a seed derived from `opts.seed` and `i`, so any one can be replayed.
///
/// The batch stops early, saying why in `Summary::stopped`, when a run hits a budget (`sim::budget`), when the
/// batch's micro-steps pass `max_batch_steps`, or when `opts.stop` is requested.
pub fn run_many(program: &Program, opts: &SimOptions, runs: u64) -> Summary {
    let batch_opts = batch_options(opts);
    let gc = GcTimeline::new(&opts.gc);
    let mut batch = Batch::new(opts);
    for i in 0..runs {
        if !batch.admit() || !batch.push(run_indexed(program, &batch_opts, i, &gc)) {
            break;
        }
    }
    batch.finish()
}

/// The seed of run `index` in a batch started with `seed` (run 0 uses `seed` itself, like a single run).
pub fn run_seed(seed: u64, index: u64) -> u64 {
    if index == 0 {
        seed
    } else {
        SimRng::derive_seed(seed, index)
    }
}
