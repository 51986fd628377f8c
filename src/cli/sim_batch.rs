//! `runbook sim --runs N --jobs J`: seeded runs spread over threads (issue 17). `sim/` stays pure and
//! single-threaded; this caller hands each thread whole runs by index and folds their records in index order
//! through `sim::batch::Batch`, so the summary is byte-identical whatever the job count.
//!
//! Runs go in blocks (`BLOCK` per job) so memory stays bounded for any `--runs`. Inside a block threads take the
//! next index from a shared counter and stop taking once the runs finished so far used up the batch's remaining
//! micro-steps or one of them hit a budget: the fold never needs a run past that point (every index below the
//! first one not taken was taken, and the fold stops no later than it), so the output matches `--jobs 1`.

use crate::sim::batch::{batch_options, run_indexed, Batch, RunRecord};
use crate::sim::gc::GcTimeline;
use crate::sim::{Program, SimOptions, Summary};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

/// Runs each job gets per block.
const BLOCK: u64 = 256;

/// The default `--jobs`: every core the process may use.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

/// `runs` seeded runs of `program` on `jobs` threads; the same summary as `sim::run_many` for any `jobs`.
pub fn run_parallel(program: &Program, opts: &SimOptions, runs: u64, jobs: usize) -> Summary {
    if jobs <= 1 {
        return crate::sim::run_many(program, opts, runs);
    }
    let batch_opts = batch_options(opts);
    let gc = GcTimeline::new(&opts.gc);
    let mut batch = Batch::new(opts);
    let mut start = 0;
    'blocks: while start < runs {
        let len = (runs - start).min(BLOCK * jobs as u64);
        let remaining = opts.max_batch_steps.saturating_sub(batch.steps());
        let records = run_block(program, &batch_opts, &gc, start, len, jobs, remaining);
        for rec in records {
            if !batch.admit() {
                break 'blocks;
            }
            let Some(rec) = rec else {
                batch.missing();
                break 'blocks;
            };
            if !batch.push(rec) {
                break 'blocks;
            }
        }
        start += len;
    }
    batch.finish()
}

/// Runs `start..start+len` on `jobs` threads; `None` for the runs no thread took.
fn run_block(
    program: &Program,
    batch_opts: &SimOptions,
    gc: &GcTimeline,
    start: u64,
    len: u64,
    jobs: usize,
    remaining_steps: u64,
) -> Vec<Option<RunRecord>> {
    let next = AtomicU64::new(0);
    let used = AtomicU64::new(0);
    let halt = AtomicBool::new(false);
    let slots: Mutex<Vec<Option<RunRecord>>> = Mutex::new(vec![None; len as usize]);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                let mut mine = Vec::new();
                loop {
                    if halt.load(Ordering::Acquire)
                        || used.load(Ordering::Acquire) >= remaining_steps
                        || batch_opts.stop.requested()
                    {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::AcqRel);
                    if i >= len {
                        break;
                    }
                    let rec = run_indexed(program, batch_opts, start + i, gc);
                    used.fetch_add(rec.micro_steps, Ordering::AcqRel);
                    if rec.stops_batch() {
                        halt.store(true, Ordering::Release);
                    }
                    mine.push((i as usize, rec));
                }
                // A poisoned lock only means another worker panicked; its slots stay empty (read as missing).
                let mut slots = slots.lock().unwrap_or_else(|e| e.into_inner());
                for (i, rec) in mine {
                    slots[i] = Some(rec);
                }
            });
        }
    });
    slots.into_inner().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message
    use super::*;
    use crate::sim::GcPause;

    fn same_for_every_job_count(program: &Program, opts: &SimOptions, runs: u64) -> Summary {
        let one = crate::sim::run_many(program, opts, runs);
        for jobs in [2, 3, 5] {
            let many = run_parallel(program, opts, runs, jobs);
            assert_eq!(many, one, "{jobs} jobs");
            assert_eq!(many.crash_time_sum_ns.to_bits(), one.crash_time_sum_ns.to_bits(), "{jobs} jobs");
            assert_eq!(many.stopped, one.stopped, "{jobs} jobs");
        }
        one
    }

    #[test]
    fn threads_give_the_sequential_summary_with_and_without_gc() {
        let repro = crate::sim::builtin("repro").unwrap();
        let s = same_for_every_job_count(&repro, &SimOptions::default(), 40);
        assert_eq!(s.runs, 40);
        assert!(s.crashes > 0 && s.crashes < 40, "{s:?}");
        let gc = vec![GcPause { at_ms: 0.0, stw_sweep_ms: 0.01, mark_ms: 0.3, stw_mark_ms: 0.002 }];
        let s = same_for_every_job_count(&repro, &SimOptions { gc, seed: 9, ..SimOptions::default() }, 40);
        assert_eq!(s.runs, 40);
    }

    #[test]
    fn a_batch_budget_stops_at_the_same_run_whatever_the_job_count() {
        let handbook = crate::sim::builtin("handbook").unwrap();
        let one_run = crate::sim::run_many(&handbook, &SimOptions::default(), 1);
        assert_eq!(one_run.runs, 1);
        let opts = SimOptions { max_batch_steps: 1_000, ..SimOptions::default() };
        let s = same_for_every_job_count(&handbook, &opts, 10_000);
        assert!(s.stopped.as_deref().unwrap().contains("budget of 1000 micro-steps"), "{s:?}");
        assert!(s.runs > 0 && s.runs < 10_000, "{s:?}");
    }

    #[test]
    fn a_run_over_its_step_limit_stops_the_batch_at_the_same_place() {
        let repro = crate::sim::builtin("repro").unwrap();
        let opts = SimOptions { max_steps: 200, ..SimOptions::default() };
        let s = same_for_every_job_count(&repro, &opts, 50);
        assert!(s.stopped.as_deref().unwrap().contains("more than 200 micro-steps"), "{s:?}");
    }

    #[test]
    fn a_cancelled_batch_says_so() {
        let repro = crate::sim::builtin("repro").unwrap();
        let opts = SimOptions { stop: crate::sim::Stop::new(|| true), ..SimOptions::default() };
        let s = run_parallel(&repro, &opts, 50, 2);
        assert_eq!(s.runs, 0);
        assert!(s.stopped.is_some());
    }
}
