//! The simulator view, full screen: the run's verdict (the fatal message and where it happened), one lane per
//! goroutine on a time axis with each Go operation a labelled block, GC stop-the-world windows as bands across
//! the lanes, the crash marked, the map header's flags at the cursor (classic `hashWriting` by name up to Go
//! 1.23, Swiss `writing` from 1.24), and the race reports. Reads the run `update` stored; computes only layout.

use super::super::app::App;
use super::super::sim::{RaceLine, SimRun, SimView, HEAD, TAIL};
use super::super::text::truncate;
use super::super::theme::Theme;
use super::sim_lanes::{axis, lane_spans, Scale};
use crate::sim::maps::MapHeader;
use crate::sim::{MapLayout, MicroStep};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

/// Rows besides the lanes: verdict, position, axis, flags.
const FIXED_ROWS: u16 = 4;
/// The legend shows when this many rows are left for it and the event list.
const LEGEND_FROM: usize = 6;
const LEGEND: &str = "R read  W write  D delete  I range  L/U lock  l/u rlock  w wait  ~ work  ✘ crash  ░ STW";

pub fn draw(app: &App, frame: &mut Frame<'_>, area: Rect, view: &SimView) {
    let theme = &app.theme;
    let shown = view.run.as_deref();
    let narrow = area.width < 60;
    let title = match shown {
        Some(r) if narrow => format!(" {} go{} seed {} ", r.program, r.go.label(), r.seed),
        Some(r) => {
            format!(" simulator · {} · go{} {} · seed {} ", r.program, r.go.label(), layout_name(r.layout), r.seed)
        }
        None => " simulator ".to_string(),
    };
    let note = match (view.pending, view.spec.source()) {
        (Some(_), Some(s)) => format!(" running {} go{} seed {}… ", s.name(), view.spec.go.label(), view.spec.seed),
        _ if view.playing => " playing ".to_string(),
        _ => String::new(),
    };
    let block = Block::bordered()
        .border_style(theme.border(true))
        .title(Line::styled(title, theme.bold()))
        .title(Line::styled(note, theme.running()).right_aligned());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(run) = shown else {
        let text = match &view.error {
            Some(e) => Line::styled(format!("cannot run: {e}"), theme.failed()),
            None => Line::styled("running the simulator…", theme.muted()),
        };
        frame.render_widget(Paragraph::new(text), inner);
        return;
    };
    let width = inner.width as usize;
    let cursor = view.cursor.min(run.last());
    let mut lines = vec![verdict(run, theme, narrow), position(run, cursor, theme, narrow)];
    if let Some(e) = &view.error {
        lines[1] = Line::styled(format!("cannot run: {e}"), theme.failed());
    }
    let spare = inner.height.saturating_sub(FIXED_ROWS + u16::from(!run.races.is_empty())) as usize;
    let lanes = run.lanes.len().min(spare.max(1));
    let label_width = if width >= 60 { 16 } else { 5 };
    let cols = width.saturating_sub(label_width).max(1);
    let scale = Scale::new(run, cursor, cols);
    for lane in run.lanes.iter().take(lanes) {
        let name = if label_width > 5 {
            format!("g{} {}", lane.id, lane.func.strip_prefix("main.").unwrap_or(&lane.func))
        } else {
            format!("g{}", lane.id)
        };
        let mut spans =
            vec![Span::styled(format!("{:<label_width$}", truncate(&name, label_width - 1)), theme.muted())];
        spans.extend(lane_spans(run, lane.id, cursor, &scale, theme));
        lines.push(Line::from(spans));
    }
    lines.push(axis(run, cursor, &scale, label_width, theme));
    lines.push(flags_line(run, cursor, theme, narrow));
    for race in &run.races {
        lines.push(Line::styled(race_text(run, race, narrow), theme.warning()));
    }
    let room = (inner.height as usize).saturating_sub(lines.len());
    if room >= LEGEND_FROM {
        lines.push(Line::styled(LEGEND, theme.muted()));
    }
    let room = (inner.height as usize).saturating_sub(lines.len());
    lines.extend(event_lines(run, cursor, room, theme, narrow));
    let lines: Vec<Line<'_>> = lines.into_iter().take(inner.height as usize).collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn layout_name(layout: MapLayout) -> &'static str {
    match layout {
        MapLayout::Swiss => "Swiss",
        MapLayout::Classic => "classic",
    }
}

/// The fatal message (or a clean exit) and where the crash happened.
fn verdict(run: &SimRun, theme: &Theme, narrow: bool) -> Line<'static> {
    match (&run.message, run.crash) {
        // Narrow: the message alone (it is what the engineer greps for); the position line says where.
        (Some(m), Some(_)) if narrow => Line::styled(format!("✘ {m}"), theme.failed()),
        (Some(m), Some((g, line, t))) => {
            let kind = if run.panicked { "panic" } else { "fatal error" };
            let mut spans = vec![Span::styled(format!("✘ {kind}: {m}"), theme.failed())];
            let gc = run.crash_gc.as_deref().map(|w| format!(" · {w}")).unwrap_or_default();
            let at = format!(" · g{g} {}:{line} at {:.3}µs{gc}", run.file, t / 1000.0);
            spans.push(Span::styled(at, theme.muted()));
            Line::from(spans)
        }
        _ if narrow => Line::styled("✔ exit status 0: no crash", theme.passed()),
        _ => Line::styled(
            format!("✔ exit status 0: no crash ({} micro-steps, {:.3}µs)", run.micro_steps, run.duration_ns / 1000.0),
            theme.passed(),
        ),
    }
}

/// Where the cursor is, and which part of the timeline is kept.
fn position(run: &SimRun, cursor: usize, theme: &Theme, narrow: bool) -> Line<'static> {
    let t = run.events.get(cursor).map_or(0.0, |e| e.t_ns);
    let mut text = format!("step {}/{} · t={:.3}µs", run.step_number(cursor), run.micro_steps, t / 1000.0);
    if narrow {
        if let Some((g, line, _)) = run.crash {
            text = format!("g{g} :{line} · {text}");
        }
    } else if run.skipped > 0 {
        text.push_str(&format!(" · kept the first {HEAD} + last {TAIL} steps"));
    }
    Line::styled(text, theme.muted())
}

/// The event at the cursor and every map's header after it.
fn flags_line(run: &SimRun, cursor: usize, theme: &Theme, narrow: bool) -> Line<'static> {
    let Some(e) = run.events.get(cursor) else { return Line::raw("") };
    let headers: Vec<String> = run
        .flags_at(cursor)
        .into_iter()
        .map(|(name, flags)| format!("{name}: {}", MapHeader::describe_flags(flags, run.layout)))
        .collect();
    let set = run.flags_at(cursor).iter().any(|(_, f)| *f != 0);
    Line::from(vec![
        Span::styled("▲ ", theme.key()),
        Span::raw(if narrow {
            format!("{} ", step_name(e.step))
        } else {
            format!("g{} {} {}:{} · ", e.goroutine, step_name(e.step), run.file, e.line)
        }),
        Span::styled(headers.join("; "), if set { theme.warning() } else { theme.muted() }),
    ])
}

/// `WriteToggle` → `write_toggle`, as the CLI's timeline names micro-steps.
fn step_name(step: MicroStep) -> String {
    let mut out = String::new();
    for (i, ch) in format!("{step:?}").chars().enumerate() {
        if ch.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(ch.to_lowercase());
    }
    out
}

/// The micro-steps around the cursor, one a line as the CLI prints them; what comes after the cursor is dimmed.
fn event_lines(run: &SimRun, cursor: usize, rows: usize, theme: &Theme, narrow: bool) -> Vec<Line<'static>> {
    if rows == 0 {
        return Vec::new();
    }
    let after = (rows / 3).min(run.last() - cursor.min(run.last()));
    let start = (cursor + after + 1).saturating_sub(rows);
    let end = (start + rows).min(run.events.len());
    (start..end)
        .map(|i| {
            let e = &run.events[i];
            let flags = e.map.map(|_| MapHeader::describe_flags(e.flags, run.layout)).unwrap_or_default();
            let mark = if i == cursor { "▶" } else { " " };
            let text = if narrow {
                format!("{mark}{:.3} g{} :{} {} {flags}", e.t_ns / 1000.0, e.goroutine, e.line, step_name(e.step))
            } else {
                format!(
                    "{mark} t={:>11.3}µs g{:<3} {}:{:<4} {:<14}{flags}{}",
                    e.t_ns / 1000.0,
                    e.goroutine,
                    run.file,
                    e.line,
                    step_name(e.step),
                    if e.blocked { "  (blocks)" } else { "" }
                )
            };
            let style = if i == cursor {
                theme.selected()
            } else if i > cursor {
                theme.muted()
            } else {
                ratatui::style::Style::new()
            };
            Line::styled(text, style)
        })
        .collect()
}

/// A race report in one line: `DATA RACE on m: write main.go:17 g6 · previous read main.go:24 g7` (narrow:
/// `race: write :17 g6 / read :24 g7`).
fn race_text(run: &SimRun, r: &RaceLine, narrow: bool) -> String {
    let ((op, line, g), (pop, pline, pg)) = (&r.current, &r.previous);
    if narrow {
        return format!("race: {op} :{line} g{g} / {pop} :{pline} g{pg}");
    }
    let on = if r.value_slot { format!("a value in {}", r.map) } else { r.map.clone() };
    let file = &run.file;
    format!("DATA RACE on {on}: {op} {file}:{line} g{g} · previous {pop} {file}:{pline} g{pg}")
}
