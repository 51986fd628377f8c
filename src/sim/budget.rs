//! Budgets and cancellation for simulations of programs nobody vetted (issue 12, items 6 and 7).
//!
//! A program is data from a runbook: a goroutine that spawns itself, or four nested loops of 10⁹, must end with a
//! clear error instead of taking the machine down (it reached 3.7 GB in 3 s and aborted the whole run). So every
//! run counts what it holds:
//! - micro-steps per run (`SimOptions::max_steps`) and in a whole batch (`max_batch_steps`: `runs: 2^64-1` ends);
//! - goroutines (`max_goroutines`): the race detector's vector clocks grow with their square;
//! - memory (`max_bytes`): an estimate of the machine (goroutines, clocks, shadows, map keys) and of the recorded
//!   timeline, kept up to date as they grow.
//!
//! A caller that wants to stop early (SIGINT in headless, `c` in the TUI) hands in a `Stop`; it is checked between
//! runs and every `CHECK_EVERY` micro-steps, so the simulator stays free of threads and clocks.

use serde::Serialize;
use std::sync::Arc;

/// How often (in micro-steps) a run checks the memory estimate and the stop request.
pub const CHECK_EVERY: u64 = 4096;

/// A request to stop, asked by the simulator and answered by its caller (a cancellation token's state).
#[derive(Clone, Default)]
pub struct Stop(Option<Arc<dyn Fn() -> bool + Send + Sync>>);

impl Stop {
    /// A stop that is requested once `requested` returns true.
    pub fn new(requested: impl Fn() -> bool + Send + Sync + 'static) -> Self {
        Stop(Some(Arc::new(requested)))
    }

    pub fn requested(&self) -> bool {
        self.0.as_ref().is_some_and(|f| f())
    }
}

impl std::fmt::Debug for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "Stop(set)" } else { "Stop(none)" })
    }
}

/// Which budget a run exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Budget {
    Goroutines,
    Memory,
    /// Not a budget: the caller asked the run to stop.
    Cancelled,
}

/// Why a simulation (a run, a batch, an exploration) stopped before its end, in words for the user.
pub fn explain(budget: Budget, opts: &super::SimOptions) -> String {
    match budget {
        Budget::Goroutines => format!(
            "the program started more than {} goroutines (a goroutine that starts itself?): the simulator's budget",
            opts.max_goroutines
        ),
        Budget::Memory => format!(
            "the simulation needed more than {} MiB (too many goroutines, map keys or micro-steps): the simulator's \
             budget",
            opts.max_bytes >> 20
        ),
        Budget::Cancelled => "cancelled".to_string(),
    }
}

/// The message for a run that hit `max_steps`.
pub fn explain_steps(opts: &super::SimOptions) -> String {
    format!(
        "a run took more than {} micro-steps (loops too long for the simulator?): the simulator's budget",
        opts.max_steps
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{self, Program, SimOptions, Terminal};
    use std::sync::atomic::{AtomicU64, Ordering};

    /// main waits forever on a WaitGroup while `w` starts two more of itself: the goroutine bomb of issue 12.
    const BOMB: &str = "name: bomb\nwaitgroups: [wg]\ngoroutines:\n- name: main\n  ops:\n  - {op: wg_add, wg: wg, n: 1, line: 2}\n  - {op: go, goroutine: w, line: 3}\n  - {op: wg_wait, wg: wg, line: 4}\n- name: w\n  ops:\n  - {op: go, goroutine: w, line: 8}\n  - {op: go, goroutine: w, line: 9}\n";
    /// Two nested loops of 10⁹ writing distinct keys: the step and memory budgets' case.
    const LOOPS: &str = "name: loops\nmaps: {m: {}}\ngoroutines:\n- name: main\n  ops:\n  - {op: loop, times: 1000000000, var: i, body: [{op: loop, times: 1000000000, var: j, body: [{op: write, map: m, key: 'j', line: 5}]}]}\n";

    fn program(yaml: &str) -> Program {
        Program::from_yaml(yaml).unwrap()
    }

    #[test]
    fn a_goroutine_that_starts_itself_hits_the_goroutine_budget() {
        let opts = SimOptions { max_goroutines: 64, ..SimOptions::default() };
        let run = sim::run(&program(BOMB), &opts);
        assert_eq!(run.terminal, Terminal::Stopped(Budget::Goroutines));
        let batch = sim::run_many(&program(BOMB), &opts, 10);
        assert_eq!(batch.runs, 0, "the run that hit the budget is not counted as an outcome");
        assert!(batch.stopped.as_deref().is_some_and(|s| s.contains("more than 64 goroutines")), "{batch:?}");
        let explored = sim::explore(&program(BOMB), &opts);
        assert!(!explored.complete);
        assert!(explored.stopped.as_deref().is_some_and(|s| s.contains("more than 64 goroutines")));
    }

    #[test]
    fn nested_billion_loops_hit_the_memory_budget_with_the_estimate_near_it() {
        let opts = SimOptions { max_bytes: 4 << 20, ..SimOptions::default() };
        let raw = sim::sched::run_raw(&program(LOOPS), &opts, 1);
        assert_eq!(raw.machine.terminal.map(|t| t.0), Some(Terminal::Stopped(Budget::Memory)));
        let held = raw.machine.approx_bytes() + raw.timeline.len() * std::mem::size_of::<sim::Event>();
        // Checked every step for the timeline, every CHECK_EVERY steps for the machine: the overshoot is bounded.
        assert!(held <= opts.max_bytes + CHECK_EVERY as usize * 200, "{held} bytes held");
        assert!(raw.micro_steps < 1_000_000, "{} micro-steps", raw.micro_steps);
    }

    #[test]
    fn a_batch_stops_when_its_micro_steps_are_used_up() {
        let opts =
            SimOptions { max_steps: 10_000, max_batch_steps: 25_000, max_bytes: 1 << 30, ..SimOptions::default() };
        let one = sim::run(&program(LOOPS), &opts);
        assert_eq!(one.terminal, Terminal::StepLimit);
        let handbook = sim::builtin("handbook").unwrap();
        let batch = sim::run_many(&handbook, &opts, u64::MAX);
        assert!(batch.stopped.as_deref().is_some_and(|s| s.contains("budget of 25000 micro-steps")), "{batch:?}");
        // Each run takes at least one micro-step, so the budget bounds the runs.
        assert!(batch.runs > 0 && batch.runs <= 25_000, "{} runs", batch.runs);
    }

    #[test]
    fn a_stop_request_ends_runs_and_batches_within_a_check_interval() {
        let asked = std::sync::Arc::new(AtomicU64::new(0));
        let counter = asked.clone();
        // Requested from the third question on.
        let stop = Stop::new(move || counter.fetch_add(1, Ordering::Relaxed) >= 2);
        let opts = SimOptions { stop, max_bytes: 1 << 30, ..SimOptions::default() };
        let raw = sim::sched::run_raw(&program(LOOPS), &opts, 1);
        assert_eq!(raw.machine.terminal.map(|t| t.0), Some(Terminal::Stopped(Budget::Cancelled)));
        assert_eq!(raw.micro_steps, 3 * CHECK_EVERY, "asked at 4096 and 8192 (no), stopped at 12288");
        asked.store(0, Ordering::Relaxed);
        let batch = sim::run_many(&sim::builtin("handbook").unwrap(), &opts, u64::MAX);
        assert_eq!(batch.runs, 2, "asked before each run: two went ahead");
        assert_eq!(batch.stopped.as_deref(), Some("cancelled"));
    }
}
