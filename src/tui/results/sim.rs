//! The result of a `simulate` step: what ran (program, Go, seeds), the summary's numbers (crashes by message,
//! panics, deadlocks, clean exits, `-race` reports), and where Enter goes: the simulator view of the program,
//! the crash rate of every built-in, and the gctrace log's chart when the step was given one.

use super::{ResultRow, Target};
use crate::probes::output::SimOutput;
use crate::tui::theme::Theme;
use ratatui::text::Line;

pub fn rows(out: &SimOutput, theme: &Theme) -> Vec<ResultRow> {
    let s = &out.summary;
    let what = if out.exhaustive {
        format!("every schedule ({} counted)", s.interleavings.unwrap_or(s.runs))
    } else {
        format!("{} runs from seed {}", s.runs, out.seed)
    };
    let mut rows = vec![ResultRow::text(Line::styled(
        format!("simulated {} on go{}: {what}", short(out.source.name()), out.go.label()),
        theme.bold(),
    ))];
    let style = if s.crashes > 0 { theme.failed() } else { theme.passed() };
    rows.push(ResultRow::text(Line::styled(
        format!("  crashes {} ({:.1}%)", s.crashes, 100.0 * s.crash_rate()),
        style,
    )));
    for (message, n) in &s.fatal_errors {
        rows.push(ResultRow::text(Line::styled(format!("    fatal error: {message}: {n}"), theme.muted())));
    }
    for (message, n) in &s.panics {
        rows.push(ResultRow::text(Line::styled(format!("  panic: {message}: {n}"), theme.warning())));
    }
    if s.deadlocks > 0 {
        rows.push(ResultRow::text(Line::styled(format!("  deadlocks {}", s.deadlocks), theme.warning())));
    }
    rows.push(ResultRow::text(Line::raw(format!("  clean exits {}", s.clean_exits()))));
    rows.push(ResultRow::text(Line::raw(format!(
        "  -race reports {} ({:.1}%)",
        s.races_detected,
        100.0 * s.race_rate()
    ))));
    if let Some(t) = s.mean_time_to_crash_ns() {
        rows.push(ResultRow::text(Line::styled(format!("  mean time to crash {:.1}µs", t / 1000.0), theme.muted())));
    }
    rows.push(ResultRow::to(
        Line::raw(format!("simulator: seed {} step by step, the crash, the fixes", out.seed)),
        Target::Simulator,
    ));
    rows.push(ResultRow::to(Line::raw("crash rate of every built-in program (chart)"), Target::SimRates));
    if !out.gc_cycles.is_empty() {
        let log = out.gctrace.as_deref().unwrap_or("the log");
        let log = short(log);
        rows.push(ResultRow::to(
            Line::raw(format!("GC: {} cycles in {log} (heap and pause chart)", out.gc_cycles.len())),
            Target::GcChart,
        ));
    }
    rows
}

/// A program file's name without its directories (built-in names have none).
fn short(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}
