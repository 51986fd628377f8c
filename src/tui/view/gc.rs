//! The GC chart of a parse step: stop-the-world pause (ms) and heap (MB) over time, one chart each (their
//! scales differ by orders of magnitude), with the crash marked where it happened among the cycles.
//!
//! The log gives no clock for a crash, only its place among the lines: the crash is drawn at the time of the
//! last gc cycle printed before it (in the same input), which is what an engineer reading the log would say.
//! With several processes in one log, the chart shows the one that crashed (else the last one).

use super::super::app::App;
use crate::golang::{gcview, GcCycle, ParseReport};
use crate::probes::output::ProbeOutput;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::Line;
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, LegendPosition, Paragraph};
use ratatui::Frame;

/// Where the crash falls among the cycles: its process and the cycle printed just before it.
pub fn crash_position(report: &ParseReport) -> Option<(u32, Option<&GcCycle>)> {
    let crash = report.crashes.first()?;
    let before = report.gc.cycles.iter().rfind(|c| c.input == crash.input && c.line < crash.line);
    Some((before.or(report.gc.cycles.last()).map_or(1, |c| c.process), before))
}

pub fn draw(app: &App, frame: &mut Frame<'_>, area: Rect, step: usize) {
    let theme = &app.theme;
    let id = app.step(step).map(|s| s.id.as_str()).unwrap_or("");
    let block =
        Block::bordered().border_style(theme.border(true)).title(Line::styled(format!(" GC · {id} "), theme.bold()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // A parse step's log (with its crash), or the gctrace log a simulate step was given (first process only).
    let (all, crash) = match app.result_of(step).map(|r| r.output.as_ref()) {
        Some(ProbeOutput::Parse(report)) if !report.gc.cycles.is_empty() => (&report.gc.cycles, crash_position(report)),
        Some(ProbeOutput::Simulate(out)) if !out.gc_cycles.is_empty() => (&out.gc_cycles, None),
        _ => {
            frame.render_widget(Paragraph::new(Line::styled("no gc cycles in this log", theme.muted())), inner);
            return;
        }
    };
    let process = crash.map(|(p, _)| p).or(all.last().map(|c| c.process)).unwrap_or(1);
    let cycles: Vec<&GcCycle> = all.iter().filter(|c| c.process == process).collect();
    let owned: Vec<GcCycle> = cycles.iter().map(|c| (*c).clone()).collect();
    let summary = gcview::summarize(&owned);
    let processes = all.iter().map(|c| c.process).max().unwrap_or(1);
    let mut facts = vec![
        format!("{} cycles", summary.cycles),
        format!("pause max {:.2} ms, p99 {:.2} ms", summary.pause_ms_max, summary.pause_ms_p99),
        format!("heap max {} MB, goal {} MB", summary.heap_mb_max, summary.goal_mb_last),
    ];
    if processes > 1 {
        facts.insert(0, format!("process {process} of {processes}"));
    }
    let x0 = cycles.first().map_or(0.0, |c| c.at_s);
    let mut x1 = cycles.last().map_or(1.0, |c| c.at_s).max(x0 + 0.001);
    // Between the cycle printed before the crash and the one after it; just past the last one otherwise.
    let crash_at = match crash {
        Some((_, Some(c))) => {
            facts.insert(0, format!("crash after gc {} (@{:.3}s)", c.n, c.at_s));
            let next = cycles.iter().find(|n| n.line > c.line && n.input == c.input);
            let at = next.map_or(c.at_s + (x1 - x0) * 0.02, |n| (c.at_s + n.at_s) / 2.0);
            x1 = x1.max(at);
            Some(at)
        }
        Some((_, None)) => {
            facts.insert(0, "crash before the first gc".into());
            Some(x0)
        }
        None => None,
    };
    let [head, top, bottom] =
        Layout::vertical([Constraint::Length(1), Constraint::Percentage(50), Constraint::Percentage(50)]).areas(inner);
    frame.render_widget(Paragraph::new(Line::styled(facts.join(" · "), theme.muted())), head);
    let pauses: Vec<(f64, f64)> = cycles.iter().map(|c| (c.at_s, c.stw_ms())).collect();
    let heap: Vec<(f64, f64)> = cycles.iter().map(|c| (c.at_s, c.heap_mb[1] as f64)).collect();
    let live: Vec<(f64, f64)> = cycles.iter().map(|c| (c.at_s, c.heap_mb[2] as f64)).collect();
    let colour = |c: Color| theme.fg(c);
    let pause_chart = ChartSpec { title: "pause (STW ms)", x: (x0, x1), crash_at, colour: colour(Color::Red) };
    pause_chart.draw(frame, top, vec![("pause ms", pauses.as_slice(), colour(Color::Cyan))]);
    let heap_chart = ChartSpec { title: "heap (MB)", x: (x0, x1), crash_at, colour: colour(Color::Red) };
    heap_chart.draw(
        frame,
        bottom,
        vec![("heap", heap.as_slice(), colour(Color::Green)), ("live", live.as_slice(), colour(Color::Blue))],
    );
}

/// A named line of points and its style.
type Series<'a> = (&'static str, &'a [(f64, f64)], Style);

struct ChartSpec {
    title: &'static str,
    x: (f64, f64),
    crash_at: Option<f64>,
    colour: Style,
}

impl ChartSpec {
    fn draw(&self, frame: &mut Frame<'_>, area: Rect, series: Vec<Series<'_>>) {
        let y_max =
            series.iter().flat_map(|(_, p, _)| p.iter().map(|(_, y)| *y)).fold(0.0_f64, f64::max).max(0.001) * 1.1;
        let crash_line: Vec<(f64, f64)> = self.crash_at.map(|t| vec![(t, 0.0), (t, y_max)]).unwrap_or_default();
        let mut datasets: Vec<Dataset<'_>> = series
            .iter()
            .map(|(name, points, style)| {
                Dataset::default()
                    .name(*name)
                    .marker(Marker::Braille)
                    .graph_type(GraphType::Line)
                    .style(*style)
                    .data(points)
            })
            .collect();
        if !crash_line.is_empty() {
            datasets.push(
                Dataset::default()
                    .name("crash")
                    .marker(Marker::Braille)
                    .graph_type(GraphType::Line)
                    .style(self.colour)
                    .data(&crash_line),
            );
        }
        let (x0, x1) = self.x;
        let x_axis = Axis::default().title("s").bounds([x0, x1]).labels([
            format!("{x0:.2}"),
            format!("{:.2}", (x0 + x1) / 2.0),
            format!("{x1:.2}"),
        ]);
        let y_axis = Axis::default().title(self.title).bounds([0.0, y_max]).labels([
            "0".to_string(),
            format!("{:.1}", y_max / 2.0),
            format!("{y_max:.1}"),
        ]);
        let chart = Chart::new(datasets)
            .x_axis(x_axis)
            .y_axis(y_axis)
            .legend_position(Some(LegendPosition::TopLeft))
            .hidden_legend_constraints((Constraint::Percentage(50), Constraint::Percentage(60)));
        frame.render_widget(chart, area);
    }
}
