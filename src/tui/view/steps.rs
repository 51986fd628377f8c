//! The step list, grouped by phase, with a status mark per step and the elapsed time of a running one.

use super::super::app::App;
use super::super::layout::Pane;
use super::super::output::short_duration;
use super::super::text::truncate;
use crate::engine::{Action as StepAction, StepStatus};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// The mark and its style for a step's status.
pub fn mark(app: &App, index: usize) -> (&'static str, Style) {
    let theme = &app.theme;
    match app.status(index) {
        StepStatus::Pending => ("·", theme.muted()),
        StepStatus::Running => {
            let waits_for_person = matches!(
                app.step(index).and_then(|s| s.action.as_ref()),
                Some(StepAction::Choose(_)) | Some(StepAction::Checklist(_))
            );
            if waits_for_person {
                ("›", theme.running())
            } else {
                (SPINNER[(app.clock_ms / 100) as usize % SPINNER.len()], theme.running())
            }
        }
        StepStatus::Passed => ("✔", theme.passed()),
        StepStatus::Failed => ("✘", theme.failed()),
        StepStatus::Skipped => ("↷", theme.muted()),
        StepStatus::TimedOut => ("⏱", theme.failed()),
        StepStatus::Cancelled => ("⊘", theme.warning()),
    }
}

pub fn draw(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let theme = &app.theme;
    let block = super::pane_block(app, Pane::Steps, " Steps ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let rows = app.list_rows();
    let mut phase = 0;
    let mut lines = Vec::with_capacity(rows.len());
    let mut selected_row = 0;
    for row in &rows {
        match row {
            None => {
                let title = app.session().runbook().phases.get(phase).map(|p| p.title.as_str()).unwrap_or("");
                lines.push(Line::styled(truncate(&format!("{}. {title}", phase + 1), width), theme.bold()));
                phase += 1;
            }
            Some(index) => {
                let index = *index;
                let (mark, mark_style) = mark(app, index);
                let title = app.step(index).map(|s| s.title.as_str()).unwrap_or("");
                let time = match app.status(index) {
                    StepStatus::Running if app.run_of(index).is_some_and(|r| r.command.is_some()) => {
                        app.elapsed_ms(index).map(|ms| format!(" {}", short_duration(ms))).unwrap_or_default()
                    }
                    _ => String::new(),
                };
                // A stale result keeps its status mark (it is what was seen) and says it no longer holds.
                let time = match app.session().staleness(index) {
                    Some(_) => format!("{time} ⟲ stale"),
                    None => time,
                };
                let time_style =
                    if app.session().staleness(index).is_some() { theme.warning() } else { theme.running() };
                let room = width.saturating_sub(3 + time.width());
                let text = format!("{:<room$}", truncate(title, room));
                let pointer = if index == app.selected() { "▸" } else { " " };
                let mut line = Line::from(vec![
                    Span::raw(pointer),
                    Span::styled(mark, mark_style),
                    Span::raw(" "),
                    Span::raw(text),
                    Span::styled(time, time_style),
                ]);
                if index == app.selected() {
                    selected_row = lines.len();
                    line = line.patch_style(theme.selected());
                }
                lines.push(line);
            }
        }
    }
    let height = inner.height as usize;
    let top = selected_row.saturating_sub(height.saturating_sub(1)).min(lines.len().saturating_sub(height));
    let top = if selected_row < top { selected_row } else { top };
    frame.render_widget(Paragraph::new(lines).scroll((top as u16, 0)), inner);
}
