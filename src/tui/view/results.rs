//! A probe's result in the action pane: a window over its rows with the selected item highlighted when the pane
//! has the focus (the rows were built and styled when the result arrived).

use super::super::app::App;
use super::super::results::StepResult;
use super::super::text::skip_columns;
use ratatui::text::{Line, Span};

pub fn window(app: &App, result: &StepResult, height: usize, width: usize, focused: bool) -> Vec<Line<'static>> {
    let top = result.top.min(result.shown.len().saturating_sub(height.max(1)));
    let mut lines: Vec<Line<'static>> = Vec::with_capacity(height);
    // The pointer column stays; the rows scroll sideways under it.
    let width = width.saturating_sub(1);
    if result.shown.is_empty() {
        lines.push(Line::styled(format!(" no row holds {}", result.filter), app.theme.muted()));
    }
    for (i, row) in result.shown.iter().skip(top).take(height).map(|&i| (i, &result.rows[i])) {
        let selected = i == result.cursor && row.target.is_some();
        let pointer = if selected && focused { "▸" } else { " " };
        let mut spans = vec![Span::raw(pointer)];
        let shown = row.fitted(width);
        spans.extend(skip_columns(&shown.spans, result.left));
        let mut line = Line::from(spans).style(shown.style);
        if selected && focused {
            line = line.patch_style(app.theme.selected());
        }
        lines.push(line);
    }
    lines
}
