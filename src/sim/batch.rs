//! A batch of seeded runs cut into independent pieces, so a caller can spread the runs over threads and still get
//! the summary a single thread would (issue 17). Run `i` of a batch depends only on the program, the options and
//! `i`; `Batch` folds the runs' records strictly in index order, applying the batch's budgets and stops exactly as
//! the sequential loop does, so the summary (down to the floating-point sum of crash times) is the same whatever
//! the number of threads. This module stays pure and single-threaded: the threads live in the caller.

use super::budget::{explain, explain_steps, Budget};
use super::gc::GcTimeline;
use super::machine::Terminal;
use super::program::Program;
use super::sched::run_raw_indexed;
use super::summary::{run_seed, Summary};
use super::SimOptions;

/// What a batch keeps of one run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunRecord {
    pub terminal: Terminal,
    pub raced: bool,
    /// Start of the last micro-step (the crash time, for a crashing run).
    pub last_step_ns: f64,
    pub micro_steps: u64,
}

impl RunRecord {
    /// The run ended on a budget or a cancellation: the batch stops at it.
    pub fn stops_batch(&self) -> bool {
        matches!(self.terminal, Terminal::Stopped(_) | Terminal::StepLimit)
    }
}

/// The options a batch's runs use: the caller's, without the timeline (faster, and a summary needs none).
pub fn batch_options(opts: &SimOptions) -> SimOptions {
    let mut batch = opts.clone();
    batch.record_timeline = false;
    batch
}

/// Run `index` of the batch started by `opts.seed`; `batch` comes from `batch_options`, `gc` indexes `opts.gc`.
pub fn run_indexed(program: &Program, batch: &SimOptions, index: u64, gc: &GcTimeline) -> RunRecord {
    let raw = run_raw_indexed(program, batch, run_seed(batch.seed, index), gc);
    let (terminal, _) = raw.machine.terminal.unwrap_or((Terminal::StepLimit, 0));
    RunRecord {
        terminal,
        raced: !raw.machine.race.reports.is_empty(),
        last_step_ns: raw.last_step_ns,
        micro_steps: raw.micro_steps,
    }
}

/// The fold of a batch's records in index order.
pub struct Batch<'a> {
    opts: &'a SimOptions,
    summary: Summary,
    steps: u64,
}

impl<'a> Batch<'a> {
    pub fn new(opts: &'a SimOptions) -> Self {
        Self { opts, summary: Summary::default(), steps: 0 }
    }

    /// Micro-steps the folded runs used.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Whether the next run may start: false (and the reason kept) once the caller asked to stop or the batch's
    /// micro-steps are used up.
    pub fn admit(&mut self) -> bool {
        if self.summary.stopped.is_some() {
            return false;
        }
        if self.opts.stop.requested() {
            self.summary.stopped = Some(explain(Budget::Cancelled, self.opts));
            return false;
        }
        if self.steps >= self.opts.max_batch_steps {
            self.summary.stopped =
                Some(format!("the batch used up its budget of {} micro-steps", self.opts.max_batch_steps));
            return false;
        }
        true
    }

    /// Folds the next run's record; false when the batch stops at it.
    pub fn push(&mut self, r: RunRecord) -> bool {
        self.steps = self.steps.saturating_add(r.micro_steps);
        match r.terminal {
            Terminal::Stopped(budget) => {
                self.summary.stopped = Some(explain(budget, self.opts));
                return false;
            }
            Terminal::StepLimit => {
                self.summary.stopped = Some(explain_steps(self.opts));
                return false;
            }
            _ => {}
        }
        if matches!(r.terminal, Terminal::Fatal(_)) {
            self.summary.crash_time_sum_ns += r.last_step_ns;
        }
        self.summary.record(r.terminal, r.raced, 1);
        true
    }

    /// A run the caller never got (its threads stopped early): only a cancellation does that.
    pub fn missing(&mut self) {
        if self.summary.stopped.is_none() {
            self.summary.stopped = Some(explain(Budget::Cancelled, self.opts));
        }
    }

    pub fn finish(self) -> Summary {
        self.summary
    }
}
