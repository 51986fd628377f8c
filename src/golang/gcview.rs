//! Text views of a gctrace for `runbook gc`: the cycle table, the summary and a terminal chart.
//!
//! Plain strings, so the CLI prints them and tests compare them; the TUI draws its own chart from the same
//! `GcCycle`s. Pause means STW time (sweep termination + mark termination), the two phases that stop the world.

use super::gctrace::GcCycle;
use serde::{Deserialize, Serialize};
use std::fmt::Write;

/// Headline numbers of a gctrace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct GcSummary {
    pub cycles: usize,
    pub processes: u32,
    pub forced: usize,
    pub pause_ms_max: f64,
    /// Nearest-rank 99th percentile of per-cycle STW pauses.
    pub pause_ms_p99: f64,
    pub pause_ms_sum: f64,
    /// Largest heap seen at mark end (H1), and largest live heap (H2).
    pub heap_mb_max: u64,
    pub live_mb_max: u64,
    pub goal_mb_last: u64,
    pub goal_mb_max: u64,
    /// Cumulative GC CPU share printed on the last cycle (the runtime's own number).
    pub gc_cpu_pct_last: u32,
}

pub fn summarize(cycles: &[GcCycle]) -> GcSummary {
    let mut pauses: Vec<f64> = cycles.iter().map(GcCycle::stw_ms).collect();
    pauses.sort_by(f64::total_cmp);
    let p99 = if pauses.is_empty() {
        0.0
    } else {
        let rank = (pauses.len() * 99).div_ceil(100).max(1);
        pauses.get(rank - 1).copied().unwrap_or(0.0)
    };
    GcSummary {
        cycles: cycles.len(),
        processes: cycles.iter().map(|c| c.process).max().unwrap_or(0),
        forced: cycles.iter().filter(|c| c.forced).count(),
        pause_ms_max: pauses.last().copied().unwrap_or(0.0),
        pause_ms_p99: p99,
        pause_ms_sum: pauses.iter().sum(),
        heap_mb_max: cycles.iter().map(|c| c.heap_mb[1]).max().unwrap_or(0),
        live_mb_max: cycles.iter().map(|c| c.heap_mb[2]).max().unwrap_or(0),
        goal_mb_last: cycles.last().map_or(0, |c| c.goal_mb),
        goal_mb_max: cycles.iter().map(|c| c.goal_mb).max().unwrap_or(0),
        gc_cpu_pct_last: cycles.last().map_or(0, |c| c.cpu_pct),
    }
}

pub fn render_table(cycles: &[GcCycle]) -> String {
    let mut out = format!(
        "{:>4} {:>6} {:>9} {:>5} {:>8} {:>8} {:>25} {:>6} {:>3}\n",
        "proc", "gc", "@s", "cpu%", "stw ms", "mark ms", "heap MB start->end->live", "goal", "P"
    );
    for c in cycles {
        let heap = format!("{}->{}->{}", c.heap_mb[0], c.heap_mb[1], c.heap_mb[2]);
        let _ = writeln!(
            out,
            "{:>4} {:>6} {:>9.3} {:>4}% {:>8.3} {:>8.3} {:>25} {:>6} {:>3}{}{}",
            c.process,
            c.n,
            c.at_s,
            c.cpu_pct,
            c.stw_ms(),
            c.clock_ms[1],
            heap,
            c.goal_mb,
            c.procs,
            if c.forced { "  forced" } else { "" },
            if c.leak_check { "  leak-check" } else { "" },
        );
    }
    out
}

pub fn render_summary(summary: &GcSummary) -> String {
    format!(
        "{} cycles in {} process(es), {} forced\n\
         pause (STW): max {:.3} ms, p99 {:.3} ms, sum {:.3} ms\n\
         heap: max {} MB at mark end, max {} MB live; goal {} MB last, {} MB max\n\
         GC CPU: {}% (cumulative, as printed on the last cycle)\n",
        summary.cycles,
        summary.processes,
        summary.forced,
        summary.pause_ms_max,
        summary.pause_ms_p99,
        summary.pause_ms_sum,
        summary.heap_mb_max,
        summary.live_mb_max,
        summary.goal_mb_last,
        summary.goal_mb_max,
        summary.gc_cpu_pct_last
    )
}

/// How a chart row reads its value from a cycle.
type SeriesValue = fn(&GcCycle) -> f64;

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// One sparkline row per series (heap at mark end, goal, STW pause), one column per cycle or per group of
/// cycles when there are more than `width`.
pub fn render_chart(cycles: &[GcCycle], width: usize) -> String {
    let width = width.max(10);
    if cycles.is_empty() {
        return "no gc cycles\n".to_string();
    }
    let columns = cycles.len().min(width);
    let per_column = cycles.len().div_ceil(columns);
    let series: [(&str, SeriesValue); 3] =
        [("heap MB ", |c| c.heap_mb[1] as f64), ("goal MB ", |c| c.goal_mb as f64), ("pause ms", GcCycle::stw_ms)];
    let mut out = String::new();
    for (label, value) in &series {
        let values: Vec<f64> =
            cycles.chunks(per_column).map(|chunk| chunk.iter().map(value).fold(0.0, f64::max)).collect();
        let max = values.iter().copied().fold(0.0, f64::max);
        let line: String = values
            .iter()
            .map(|v| {
                if max <= 0.0 {
                    BARS[0]
                } else {
                    let level = ((v / max) * 7.0).round() as usize;
                    BARS.get(level.min(7)).copied().unwrap_or('█')
                }
            })
            .collect();
        let _ = writeln!(out, "{label} {line} max {}", (max * 1000.0).round() / 1000.0);
    }
    let first = cycles.first().map_or(0.0, |c| c.at_s);
    let last = cycles.last().map_or(0.0, |c| c.at_s);
    let _ = writeln!(
        out,
        "         {} cycles, @{first:.3}s … @{last:.3}s{}",
        cycles.len(),
        if per_column > 1 { format!(", {per_column} cycles per column (max shown)") } else { String::new() }
    );
    out
}
