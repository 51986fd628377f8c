//! A gctrace read against the memory limit the process ran under (a container's limit, `GOMEMLIMIT`): how close the
//! heap goal and the live heap came to it, and how hard the GC worked there. The question of an OOM kill with no
//! Go trace is "was the heap the memory that hit the limit, and was it still growing?"; a goal that stays well under
//! the limit points elsewhere (goroutine stacks, cgo, memory-mapped files, another process in the container).
//!
//! gctrace's "MB" are MiB (the runtime prints bytes `>> 20`), so the limit is compared in MiB.

use super::gctrace::GcCycle;
use serde::Serialize;

/// The heap against a limit, over the cycles of the last process in the trace (after a restart the first
/// process's numbers are history).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LimitReport {
    pub limit_mib: u64,
    pub cycles: usize,
    pub goal_mib_max: u64,
    pub live_mib_max: u64,
    /// Heap goal and live heap at the last cycle.
    pub goal_mib_last: u64,
    pub live_mib_last: u64,
    /// Cycles whose goal reached 85% of the limit or more: the GC was working against the limit. (Not 100%:
    /// under `GOMEMLIMIT` the runtime keeps the heap goal below the limit by its own non-heap memory; Go 1.19 held
    /// a 64 MiB limit's goal at 56 MiB, 87%.)
    pub cycles_near_limit: usize,
    /// Live heap at the first cycle, and its floor (the smallest live heap, which leaves out what was allocated
    /// during marking) over the second quarter and the last quarter of the cycles: a floor still rising in the
    /// second half (last ≥ 1.5 × second quarter) is a leak or an unbounded cache; one that rose only at the start
    /// is warm-up.
    pub live_mib_first: u64,
    pub live_floor_mib_q2: u64,
    pub live_floor_mib_q4: u64,
    /// Cumulative GC CPU share printed on the last cycle.
    pub gc_cpu_pct_last: u32,
}

impl LimitReport {
    /// Whether the live heap was still growing in the second half of the trace.
    pub fn growing(&self) -> bool {
        self.live_floor_mib_q4 > 8
            && self.live_floor_mib_q4.saturating_mul(2) >= self.live_floor_mib_q2.saturating_mul(3)
    }

    /// Percent of the limit (rounded down).
    pub fn percent(&self, mib: u64) -> u64 {
        mib.saturating_mul(100).checked_div(self.limit_mib).unwrap_or(0)
    }
}

/// The report for `limit_bytes`, or `None` without cycles or with a limit under 1 MiB.
pub fn against_limit(cycles: &[GcCycle], limit_bytes: u64) -> Option<LimitReport> {
    let limit_mib = limit_bytes >> 20;
    let process = cycles.iter().map(|c| c.process).max()?;
    let last_process: Vec<&GcCycle> = cycles.iter().filter(|c| c.process == process).collect();
    let (first, last) = (last_process.first()?, last_process.last()?);
    if limit_mib == 0 {
        return None;
    }
    let live = |c: &GcCycle| c.heap_mb[2];
    Some(LimitReport {
        limit_mib,
        cycles: last_process.len(),
        goal_mib_max: last_process.iter().map(|c| c.goal_mb).max().unwrap_or(0),
        live_mib_max: last_process.iter().map(|c| live(c)).max().unwrap_or(0),
        goal_mib_last: last.goal_mb,
        live_mib_last: live(last),
        cycles_near_limit: last_process.iter().filter(|c| c.goal_mb.saturating_mul(100) >= limit_mib * 85).count(),
        live_mib_first: live(first),
        live_floor_mib_q2: floor(&last_process, 1),
        live_floor_mib_q4: floor(&last_process, 3),
        gc_cpu_pct_last: last.cpu_pct,
    })
}

/// The smallest live heap over quarter `q` (0..4) of the cycles (the whole list when it is too short to split).
fn floor(cycles: &[&GcCycle], q: usize) -> u64 {
    let n = cycles.len();
    let (start, end) = if n >= 4 { (n * q / 4, n * (q + 1) / 4) } else { (0, n) };
    cycles.get(start..end).into_iter().flatten().map(|c| c.heap_mb[2]).min().unwrap_or(0)
}

/// The report as a few lines for the terminal.
pub fn render(r: &LimitReport) -> String {
    let trend = if r.growing() {
        "still growing in the second half: a leak or an unbounded cache, not a spike"
    } else {
        "flat in the second half"
    };
    format!(
        "against a limit of {} MiB (last process, {} cycles):\n  heap goal: max {} MiB ({}% of the limit), \
         last {} MiB\n  live heap: max {} MiB ({}%), first {} MiB, floor {} MiB in the second quarter, {} MiB in the last, last {} MiB: \
         {trend}\n  {} cycle(s) with the \
         goal at 85% of the limit or more; GC CPU {}% (cumulative)\n",
        r.limit_mib,
        r.cycles,
        r.goal_mib_max,
        r.percent(r.goal_mib_max),
        r.goal_mib_last,
        r.live_mib_max,
        r.percent(r.live_mib_max),
        r.live_mib_first,
        r.live_floor_mib_q2,
        r.live_floor_mib_q4,
        r.live_mib_last,
        r.cycles_near_limit,
        r.gc_cpu_pct_last
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::golang::gctrace;

    const TRACE: &str = "gc 1 @0.010s 1%: 0.01+0.1+0.01 ms clock, 0.02+0/0.1/0+0.02 ms cpu, 4->4->3 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n\
gc 2 @0.015s 1%: 0.01+0.1+0.01 ms clock, 0.02+0/0.1/0+0.02 ms cpu, 11->12->10 MB, 20 MB goal, 0 MB stacks, 0 MB globals, 2 P\n\
gc 3 @0.020s 2%: 0.01+0.1+0.01 ms clock, 0.02+0/0.1/0+0.02 ms cpu, 30->31->28 MB, 56 MB goal, 0 MB stacks, 0 MB globals, 2 P\n\
gc 4 @0.030s 9%: 0.01+0.1+0.01 ms clock, 0.02+0/0.1/0+0.02 ms cpu, 60->62->58 MB, 62 MB goal, 0 MB stacks, 0 MB globals, 2 P\n";

    #[test]
    fn goal_and_live_heap_are_read_against_the_limit_in_mib() {
        let trace = gctrace::parse_reader(TRACE.as_bytes()).expect("in memory");
        let r = against_limit(&trace.cycles, 64 << 20).expect("cycles and a limit");
        assert_eq!((r.limit_mib, r.cycles, r.goal_mib_max, r.live_mib_max), (64, 4, 62, 58));
        assert_eq!((r.live_mib_first, r.live_mib_last, r.cycles_near_limit, r.gc_cpu_pct_last), (3, 58, 2, 9));
        assert_eq!((r.live_floor_mib_q2, r.live_floor_mib_q4), (10, 58));
        assert_eq!(r.percent(r.goal_mib_max), 96);
        assert!(r.growing() && render(&r).contains("still growing"), "{}", render(&r));
    }

    #[test]
    fn no_cycles_or_a_limit_under_a_mib_gives_no_report() {
        assert!(against_limit(&[], 64 << 20).is_none());
        let trace = gctrace::parse_reader(TRACE.as_bytes()).expect("in memory");
        assert!(against_limit(&trace.cycles, 1000).is_none());
    }
}
