//! Text views of a gctrace for `runbook gc`: the cycle table, the summary and a terminal chart.
//!
//! Plain strings, so the CLI prints them and tests compare them; the TUI draws its own chart from the same
//! `GcCycle`s. Pause means STW time (sweep termination + mark termination), the two phases that stop the world.

use super::gctrace::GcCycle;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
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
    let mut builder = GcSummaryBuilder::default();
    cycles.iter().for_each(|c| builder.add(c));
    builder.finish()
}

/// `summarize` one cycle at a time (`runbook gc` streams): memory follows the distinct pause values, not the
/// cycles. The pauses are counted by value, so the 99th percentile and the sum (added in ascending order, as the
/// sorted list was) are exactly those of the whole list.
#[derive(Debug, Default)]
pub struct GcSummaryBuilder {
    summary: GcSummary,
    /// Pause → how many cycles had it, ordered as `f64::total_cmp` orders.
    pauses: BTreeMap<i64, (f64, usize)>,
}

/// `f64::total_cmp`'s order as an integer key.
fn total_order(value: f64) -> i64 {
    let bits = value.to_bits() as i64;
    bits ^ ((((bits >> 63) as u64) >> 1) as i64)
}

impl GcSummaryBuilder {
    pub fn add(&mut self, c: &GcCycle) {
        let s = &mut self.summary;
        s.cycles += 1;
        s.processes = s.processes.max(c.process);
        s.forced += usize::from(c.forced);
        s.heap_mb_max = s.heap_mb_max.max(c.heap_mb[1]);
        s.live_mb_max = s.live_mb_max.max(c.heap_mb[2]);
        s.goal_mb_last = c.goal_mb;
        s.goal_mb_max = s.goal_mb_max.max(c.goal_mb);
        s.gc_cpu_pct_last = c.cpu_pct;
        let pause = c.stw_ms();
        self.pauses.entry(total_order(pause)).or_insert((pause, 0)).1 += 1;
    }

    pub fn finish(self) -> GcSummary {
        let mut summary = self.summary;
        let ascending = || self.pauses.values().flat_map(|&(pause, count)| std::iter::repeat_n(pause, count));
        if summary.cycles > 0 {
            let rank = (summary.cycles * 99).div_ceil(100).max(1);
            summary.pause_ms_p99 = ascending().nth(rank - 1).unwrap_or(0.0);
        }
        summary.pause_ms_max = self.pauses.values().next_back().map_or(0.0, |&(pause, _)| pause);
        summary.pause_ms_sum = ascending().sum();
        summary
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
    let mut chart = GcChart::new(width);
    cycles.iter().for_each(|c| chart.add(c));
    chart.render()
}

/// The chart of `render_chart`, downsampled as the cycles come (`runbook gc` streams): each column holds the
/// maximum of a power-of-two number of cycles, and when the columns would pass the width, neighbours are merged
/// and the number doubles. Up to `width` cycles, one column per cycle.
#[derive(Debug, Clone)]
pub struct GcChart {
    width: usize,
    per_column: usize,
    /// Per column: the maximum of each series, and how many cycles it holds.
    columns: Vec<([f64; 3], usize)>,
    cycles: usize,
    first_at: f64,
    last_at: f64,
}

impl GcChart {
    pub fn new(width: usize) -> Self {
        GcChart { width: width.max(10), per_column: 1, columns: Vec::new(), cycles: 0, first_at: 0.0, last_at: 0.0 }
    }

    pub fn add(&mut self, c: &GcCycle) {
        let series: [SeriesValue; 3] = [|c| c.heap_mb[1] as f64, |c| c.goal_mb as f64, GcCycle::stw_ms];
        let values = series.map(|value| value(c));
        if self.cycles == 0 {
            self.first_at = c.at_s;
        }
        self.cycles += 1;
        self.last_at = c.at_s;
        let full = self.columns.last().is_none_or(|(_, n)| *n == self.per_column);
        if full && self.columns.len() == self.width {
            let merged = self
                .columns
                .chunks(2)
                .map(|pair| pair.iter().fold(([0.0; 3], 0), |(m, n), (v, k)| (max3(m, *v), n + k)))
                .collect();
            self.columns = merged;
            self.per_column *= 2;
        }
        match self.columns.last_mut() {
            Some((max, n)) if *n < self.per_column => {
                *max = max3(*max, values);
                *n += 1;
            }
            _ => self.columns.push((max3([0.0; 3], values), 1)),
        }
    }

    pub fn render(&self) -> String {
        if self.cycles == 0 {
            return "no gc cycles\n".to_string();
        }
        let labels = ["heap MB ", "goal MB ", "pause ms"];
        let mut out = String::new();
        for (series, label) in labels.iter().enumerate() {
            let values: Vec<f64> = self.columns.iter().map(|(max, _)| max[series]).collect();
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
        let (first, last, per_column) = (self.first_at, self.last_at, self.per_column);
        let _ = writeln!(
            out,
            "         {} cycles, @{first:.3}s … @{last:.3}s{}",
            self.cycles,
            if per_column > 1 { format!(", {per_column} cycles per column (max shown)") } else { String::new() }
        );
        out
    }
}

fn max3(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0].max(b[0]), a[1].max(b[1]), a[2].max(b[2])]
}
