//! GC cycles as timing input: each cycle's stop-the-world windows (sweep termination, mark termination) during
//! which no goroutine runs, and the concurrent mark between them, during which allocation pays mark assist.
//! GC never causes a map race; these windows only move when things happen, and say where a crash fell.

use serde::{Deserialize, Serialize};

/// One GC cycle, from a gctrace line: `gc N @<at>s ..: <stw_sweep>+<mark>+<stw_mark> ms clock`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GcPause {
    pub at_ms: f64,
    pub stw_sweep_ms: f64,
    pub mark_ms: f64,
    pub stw_mark_ms: f64,
}

impl From<&crate::golang::gctrace::GcCycle> for GcPause {
    fn from(cycle: &crate::golang::gctrace::GcCycle) -> Self {
        GcPause {
            at_ms: cycle.at_s * 1000.0,
            stw_sweep_ms: cycle.clock_ms[0],
            mark_ms: cycle.clock_ms[1],
            stw_mark_ms: cycle.clock_ms[2],
        }
    }
}

/// The GC cycles of the first process in a gctrace log (lines split by program output are rejoined by the
/// project's gctrace parser). One simulated program is one process, so later processes in the stream are ignored.
pub fn pauses_from_gctrace(text: &str) -> Vec<GcPause> {
    let trace = crate::golang::gctrace::parse(text);
    let first = trace.cycles.first().map(|c| c.process);
    trace.cycles.iter().filter(|c| Some(c.process) == first).map(GcPause::from).collect()
}

/// Where a moment falls relative to the GC cycles.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum GcPhase {
    BeforeFirstCycle,
    /// Inside cycle `cycle` (1-based, as gctrace numbers them), in concurrent mark.
    Marking {
        cycle: usize,
        since_start_ms: f64,
    },
    /// Between cycles, `since_end_ms` after cycle `cycle` ended.
    After {
        cycle: usize,
        since_end_ms: f64,
    },
}

/// How much slower allocation gets while marking: mark assist makes allocating goroutines scan.
pub const MARK_ASSIST_FACTOR: f64 = 3.0;

/// The cycles sorted by start, with lookups in nanoseconds of simulated time.
#[derive(Debug, Clone, Default)]
pub struct GcTimeline {
    cycles: Vec<GcPause>,
}

fn ms_to_ns(ms: f64) -> f64 {
    ms * 1_000_000.0
}

impl GcTimeline {
    pub fn new(pauses: &[GcPause]) -> Self {
        let mut cycles: Vec<GcPause> = pauses.iter().copied().filter(|c| c.at_ms.is_finite()).collect();
        cycles.sort_by(|a, b| a.at_ms.total_cmp(&b.at_ms));
        Self { cycles }
    }

    fn bounds(c: &GcPause) -> (f64, f64, f64, f64) {
        let start = ms_to_ns(c.at_ms);
        let mark_start = start + ms_to_ns(c.stw_sweep_ms.max(0.0));
        let mark_end = mark_start + ms_to_ns(c.mark_ms.max(0.0));
        let end = mark_end + ms_to_ns(c.stw_mark_ms.max(0.0));
        (start, mark_start, mark_end, end)
    }

    /// If `t_ns` is inside a stop-the-world window, the time that window ends; no goroutine runs before it.
    pub fn stw_end(&self, t_ns: f64) -> Option<f64> {
        self.cycles.iter().find_map(|c| {
            let (start, mark_start, mark_end, end) = Self::bounds(c);
            if t_ns >= start && t_ns < mark_start {
                Some(mark_start)
            } else if t_ns >= mark_end && t_ns < end {
                Some(end)
            } else {
                None
            }
        })
    }

    pub fn marking(&self, t_ns: f64) -> bool {
        self.cycles.iter().any(|c| {
            let (_, mark_start, mark_end, _) = Self::bounds(c);
            t_ns >= mark_start && t_ns < mark_end
        })
    }

    pub fn phase(&self, t_ns: f64) -> GcPhase {
        let mut phase = GcPhase::BeforeFirstCycle;
        for (i, c) in self.cycles.iter().enumerate() {
            let (start, _, _, end) = Self::bounds(c);
            if t_ns < start {
                break;
            }
            phase = if t_ns < end {
                GcPhase::Marking { cycle: i + 1, since_start_ms: (t_ns - start) / 1e6 }
            } else {
                GcPhase::After { cycle: i + 1, since_end_ms: (t_ns - end) / 1e6 }
            };
        }
        phase
    }

    pub fn is_empty(&self) -> bool {
        self.cycles.is_empty()
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn pauses_come_from_the_real_gctrace_parser_first_process_only() {
        let log = include_str!("../../tests/fixtures/go/logs/gctrace_two_runs.go1.27.log");
        let trace = crate::golang::gctrace::parse(log);
        let first_process = trace.cycles.iter().filter(|c| c.process == 1).count();
        assert!(trace.cycles.iter().any(|c| c.process == 2), "fixture has two processes");
        let pauses = pauses_from_gctrace(log);
        assert_eq!(pauses.len(), first_process);
        let c = &trace.cycles[0];
        assert_eq!(pauses[0].at_ms, c.at_s * 1000.0);
        assert_eq!(
            (pauses[0].stw_sweep_ms, pauses[0].mark_ms, pauses[0].stw_mark_ms),
            (c.clock_ms[0], c.clock_ms[1], c.clock_ms[2])
        );
    }

    use super::*;

    fn one() -> GcTimeline {
        GcTimeline::new(&[GcPause { at_ms: 1.0, stw_sweep_ms: 0.1, mark_ms: 0.5, stw_mark_ms: 0.2 }])
    }

    #[test]
    fn stw_windows_are_sweep_termination_and_mark_termination() {
        let gc = one();
        assert_eq!(gc.stw_end(1_050_000.0), Some(1_100_000.0));
        assert_eq!(gc.stw_end(1_300_000.0), None, "concurrent mark lets goroutines run");
        assert!(gc.marking(1_300_000.0));
        assert_eq!(gc.stw_end(1_650_000.0), Some(1_800_000.0));
        assert_eq!(gc.stw_end(2_000_000.0), None);
    }

    #[test]
    fn phase_names_the_cycle_a_moment_falls_in_or_after() {
        let gc = one();
        assert_eq!(gc.phase(0.5e6), GcPhase::BeforeFirstCycle);
        assert!(matches!(gc.phase(1.2e6), GcPhase::Marking { cycle: 1, .. }));
        assert!(
            matches!(gc.phase(3.0e6), GcPhase::After { cycle: 1, since_end_ms } if (since_end_ms - 1.2).abs() < 1e-9)
        );
    }
}
