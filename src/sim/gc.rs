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

/// One cycle's bounds in nanoseconds of simulated time: sweep termination is `[start, mark_start)`, concurrent
/// mark `[mark_start, mark_end)`, mark termination `[mark_end, end)`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Window {
    start: f64,
    mark_start: f64,
    mark_end: f64,
    end: f64,
}

impl Window {
    fn of(c: &GcPause) -> Self {
        let start = ms_to_ns(c.at_ms);
        let mark_start = start + ms_to_ns(c.stw_sweep_ms.max(0.0));
        let mark_end = mark_start + ms_to_ns(c.mark_ms.max(0.0));
        let end = mark_end + ms_to_ns(c.stw_mark_ms.max(0.0));
        Self { start, mark_start, mark_end, end }
    }

    fn stw_end(&self, t_ns: f64) -> Option<f64> {
        if t_ns >= self.start && t_ns < self.mark_start {
            Some(self.mark_start)
        } else if t_ns >= self.mark_end && t_ns < self.end {
            Some(self.end)
        } else {
            None
        }
    }

    fn marking(&self, t_ns: f64) -> bool {
        t_ns >= self.mark_start && t_ns < self.mark_end
    }
}

/// The cycles sorted by start, indexed once, with lookups in nanoseconds of simulated time.
///
/// The scheduler asks on every micro-step whether the clock is inside a window. Scanning every cycle of the log
/// each time made a run with a long gctrace log many times slower than one without (issue 17), so the bounds are
/// computed once here and a lookup is a binary search by start time. Cycles may overlap (gctrace prints `@`
/// rounded to the millisecond): the prefix maximum of ends narrows the lookup to the few windows that can
/// still hold the moment, in start order, so the answers are those of a scan of every cycle.
#[derive(Debug, Clone, Default)]
pub struct GcTimeline {
    windows: Vec<Window>,
    /// `reach[i]`: the latest end among windows `0..=i` (non-decreasing), so the windows that may hold a moment
    /// are a contiguous run found by two binary searches, even when cycles overlap.
    reach: Vec<f64>,
    /// No window starts before the previous one ended, so at most one window can hold a moment.
    disjoint: bool,
}

fn ms_to_ns(ms: f64) -> f64 {
    ms * 1_000_000.0
}

impl GcTimeline {
    pub fn new(pauses: &[GcPause]) -> Self {
        let mut cycles: Vec<GcPause> = pauses.iter().copied().filter(|c| c.at_ms.is_finite()).collect();
        cycles.sort_by(|a, b| a.at_ms.total_cmp(&b.at_ms));
        let windows: Vec<Window> = cycles.iter().map(Window::of).collect();
        let disjoint = windows.windows(2).all(|w| w[0].end <= w[1].start);
        let reach = windows
            .iter()
            .scan(f64::NEG_INFINITY, |max, w| {
                *max = max.max(w.end);
                Some(*max)
            })
            .collect();
        Self { windows, reach, disjoint }
    }

    /// How many windows start at or before `t_ns` (the index past the last one that may hold it).
    fn started_by(&self, t_ns: f64) -> usize {
        self.windows.partition_point(|w| w.start <= t_ns)
    }

    /// The windows a lookup at `t_ns` has to examine, in start order: those started by `t_ns` whose run of
    /// windows still reaches past it (the one candidate when windows are disjoint).
    fn candidates(&self, t_ns: f64) -> &[Window] {
        let i = self.started_by(t_ns);
        if self.disjoint {
            return &self.windows[i.saturating_sub(1)..i];
        }
        let first = self.reach[..i].partition_point(|&r| r <= t_ns);
        &self.windows[first..i]
    }

    /// If `t_ns` is inside a stop-the-world window, the time that window ends; no goroutine runs before it.
    pub fn stw_end(&self, t_ns: f64) -> Option<f64> {
        self.candidates(t_ns).iter().find_map(|w| w.stw_end(t_ns))
    }

    pub fn marking(&self, t_ns: f64) -> bool {
        self.candidates(t_ns).iter().any(|w| w.marking(t_ns))
    }

    /// The phase of the last cycle started by `t_ns`: inside it, or after it.
    pub fn phase(&self, t_ns: f64) -> GcPhase {
        let i = self.started_by(t_ns);
        let Some(w) = i.checked_sub(1).and_then(|j| self.windows.get(j)) else {
            return GcPhase::BeforeFirstCycle;
        };
        if t_ns < w.end {
            GcPhase::Marking { cycle: i, since_start_ms: (t_ns - w.start) / 1e6 }
        } else {
            GcPhase::After { cycle: i, since_end_ms: (t_ns - w.end) / 1e6 }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.windows.is_empty()
    }

    /// Windows a lookup at `t_ns` examines (counted work, for tests: a handful, whatever the log's length).
    pub fn windows_examined(&self, t_ns: f64) -> usize {
        self.candidates(t_ns).len()
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

    /// The scan the index replaced: every cycle, in start order, on every lookup.
    fn scan(pauses: &[GcPause], t: f64) -> (Option<f64>, bool, GcPhase) {
        let mut cycles: Vec<GcPause> = pauses.iter().copied().filter(|c| c.at_ms.is_finite()).collect();
        cycles.sort_by(|a, b| a.at_ms.total_cmp(&b.at_ms));
        let ws: Vec<Window> = cycles.iter().map(Window::of).collect();
        let stw = ws.iter().find_map(|w| w.stw_end(t));
        let marking = ws.iter().any(|w| w.marking(t));
        let mut phase = GcPhase::BeforeFirstCycle;
        for (i, w) in ws.iter().enumerate() {
            if t < w.start {
                break;
            }
            phase = if t < w.end {
                GcPhase::Marking { cycle: i + 1, since_start_ms: (t - w.start) / 1e6 }
            } else {
                GcPhase::After { cycle: i + 1, since_end_ms: (t - w.end) / 1e6 }
            };
        }
        (stw, marking, phase)
    }

    /// Moments at, just before and just after every bound, and between them.
    fn probes(pauses: &[GcPause]) -> Vec<f64> {
        let mut ts = vec![0.0, -1.0, 1e15];
        for w in pauses.iter().map(Window::of) {
            for b in [w.start, w.mark_start, w.mark_end, w.end] {
                ts.extend([b - 1.0, b, b + 1.0, b + 500.0]);
            }
        }
        ts
    }

    #[test]
    fn the_index_answers_like_a_scan_of_every_cycle_and_examines_one_window() {
        let log = include_str!("../../tests/fixtures/go/logs/gctrace_chatty.go1.27.log");
        let pauses = pauses_from_gctrace(log);
        assert!(pauses.len() > 40, "{}", pauses.len());
        let gc = GcTimeline::new(&pauses);
        for t in probes(&pauses) {
            assert_eq!((gc.stw_end(t), gc.marking(t), gc.phase(t)), scan(&pauses, t), "t={t}");
            assert!(gc.windows_examined(t) <= 3, "t={t}: a binary search, not a scan of {}", pauses.len());
        }
    }

    #[test]
    fn overlapping_cycles_fall_back_to_the_scan_with_the_same_answers() {
        let pauses = [
            GcPause { at_ms: 1.0, stw_sweep_ms: 0.1, mark_ms: 5.0, stw_mark_ms: 0.2 },
            GcPause { at_ms: 2.0, stw_sweep_ms: 0.3, mark_ms: 0.5, stw_mark_ms: 0.4 },
            GcPause { at_ms: 2.0, stw_sweep_ms: 0.0, mark_ms: 0.0, stw_mark_ms: 0.0 },
            GcPause { at_ms: f64::NAN, stw_sweep_ms: 1.0, mark_ms: 1.0, stw_mark_ms: 1.0 },
        ];
        let gc = GcTimeline::new(&pauses);
        assert!(!gc.disjoint);
        for t in probes(&pauses[..3]) {
            assert_eq!((gc.stw_end(t), gc.marking(t), gc.phase(t)), scan(&pauses, t), "t={t}");
        }
        assert!(
            gc.stw_end(2.1e6).is_some_and(|end| (end - 2.3e6).abs() < 1.0),
            "the second cycle's sweep termination inside the first's mark"
        );
    }
}
