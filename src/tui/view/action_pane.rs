//! The action pane: what the selected step does and what came of it. A command's line, its live output (a
//! window over the bounded log, following the tail unless scrolled) and the verdict; a choice's options; a
//! checklist's boxes; a probe's result.

use super::super::app::App;
use super::super::layout::Pane;
use super::super::output::{short_duration, LineKind, StepRun};
use super::super::text::{truncate, wrap};
use super::steps::mark;
use crate::engine::{Action as StepAction, StepStatus};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

pub fn draw(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let index = app.selected();
    let Some(step) = app.step(index) else { return };
    let kind = step.action.as_ref().map(|a| a.kind()).unwrap_or("read");
    let run = app.run_of(index);
    let hint = sideways_hint(app, index, area);
    let block = super::pane_block(app, Pane::Action, format!(" {kind}{hint} "));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    match &step.action {
        Some(StepAction::Choose(choose)) => {
            let chosen = run.and_then(|r| r.lines.iter().rev().find(|l| l.kind == LineKind::Note));
            // The question is Markdown like the step's text: `hits` reads as code, not with its backticks.
            let question = crate::tui::markdown::parse(&choose.question, &app.theme).lines(inner.width as usize);
            let mut lines: Vec<Line<'static>> = question.into_iter().map(|l| l.patch_style(app.theme.bold())).collect();
            for (i, option) in choose.options.iter().enumerate() {
                let highlight = app.focus() == Pane::Action && i == app.screen.option_cursor;
                let pointer = if highlight { "▸" } else { " " };
                let mut line = Line::from(vec![
                    Span::styled(format!("{pointer}{}. ", i + 1), app.theme.key()),
                    Span::raw(option.label.clone()),
                ]);
                if highlight {
                    line = line.patch_style(app.theme.selected());
                }
                lines.push(line);
                let goto = option.goto.as_ref().map(|g| format!("→ {g}")).unwrap_or_default();
                let detail: Vec<&str> =
                    [option.description.trim(), goto.as_str()].into_iter().filter(|s| !s.is_empty()).collect();
                if !detail.is_empty() {
                    lines.push(Line::styled(format!("    {}", detail.join("  ")), app.theme.muted()));
                }
            }
            if let Some(note) = chosen {
                lines.push(Line::styled(note.text.clone(), app.theme.passed()));
            }
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        }
        Some(StepAction::Checklist(items)) => {
            let boxes = app.session().checklist(index);
            let mut lines = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let checked = boxes.and_then(|b| b.get(i).copied()).unwrap_or(false);
                let highlight = app.focus() == Pane::Action && i == app.screen.option_cursor;
                let pointer = if highlight { "▸" } else { " " };
                let mut line = Line::from(vec![
                    Span::styled(format!("{pointer}{}. ", i + 1), app.theme.key()),
                    Span::raw(if checked { "[x] " } else { "[ ] " }),
                    Span::raw(item.text.clone()),
                ]);
                if item.optional {
                    line.push_span(Span::styled(" (optional)", app.theme.muted()));
                }
                if highlight {
                    line = line.patch_style(app.theme.selected());
                }
                lines.push(line);
            }
            if app.status(index) == StepStatus::Passed {
                let all = boxes.is_some_and(|b| b.iter().filter(|c| **c).count() == items.len());
                let done = if all { "✔ all checked" } else { "✔ every required item checked" };
                lines.push(Line::styled(done, app.theme.passed()));
            }
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        }
        action => {
            let header = header(app, index, action.is_some(), inner.width as usize);
            let mut lines = header;
            // The verdict wraps (a failure's reason is what the user needs to read in full); output does not.
            let verdict = run.and_then(|run| verdict(app, index, run, inner.width as usize)).unwrap_or_default();
            let height = (inner.height as usize).saturating_sub(lines.len() + verdict.len().max(1));
            if let (Some(result), Some(_)) = (app.result_of(index), run) {
                let focused = app.focus() == Pane::Action;
                lines.extend(super::results::window(app, result, height, inner.width as usize, focused));
                lines.extend(verdict);
            } else if let Some(run) = run {
                lines.extend(output_window(app, run, height, inner.width as usize));
                lines.extend(verdict);
            } else if action.is_none() && !app.is_replay() {
                lines.push(Line::styled("A reading step: Enter marks it read and moves on.", app.theme.muted()));
            }
            frame.render_widget(Paragraph::new(lines), inner);
        }
    }
}

/// What sideways scrolling would show, for the pane's title: ` · l →` when lines on screen go on past the right
/// edge, ` · ← h` when columns are scrolled off to the left (both: ` · ← h · l →`). Long output lines are cut at
/// the pane's width (one row per line keeps line numbers, search and the tail simple); this says they go on.
fn sideways_hint(app: &App, index: usize, area: Rect) -> String {
    let width = usize::from(area.width.saturating_sub(2));
    let height = usize::from(area.height.saturating_sub(2));
    let (left, widest) = match (app.result_of(index), app.run_of(index)) {
        (Some(result), _) => {
            let width = width.saturating_sub(1);
            let rows = result.shown.iter().skip(result.top).take(height).map(|&i| result.rows[i].fitted(width).width());
            (result.left, rows.max().unwrap_or(0).saturating_sub(width))
        }
        (None, Some(run)) => {
            let len = run.len();
            let top = app.screen.output_top.unwrap_or(len.saturating_sub(height)).min(len);
            let rows = run.lines.iter().skip(top).take(height).map(|l| printable(&l.text).width());
            (app.screen.output_left, rows.max().unwrap_or(0).saturating_sub(width))
        }
        (None, None) => (0, 0),
    };
    match (left > 0, widest > left) {
        (true, true) => " · ← h · l →".into(),
        (true, false) => " · ← h".into(),
        (false, true) => " · l →".into(),
        (false, false) => String::new(),
    }
}

/// The command line (as run, or as it would run) and a rule under it.
fn header(app: &App, index: usize, has_action: bool, width: usize) -> Vec<Line<'static>> {
    if !has_action {
        return Vec::new();
    }
    let started = app.run_of(index).and_then(|r| r.command.as_ref()).map(|c| Ok(c.command.clone()));
    let command = started.or_else(|| match app.session().preview_command(index) {
        Ok(Some(spec)) => Some(Ok(app.session().mask(&spec.command))),
        // A probe step has no command line, but may not be ready either (before it has run).
        Ok(None) if app.run_of(index).is_none() => app.session().preview_probe(index).err().map(Err),
        Ok(None) => None,
        Err(reason) => Some(Err(reason)),
    });
    match command {
        // A template that cannot be filled yet (a capture of an earlier step): say so instead of a blank line.
        // Wrapped, not cut: the reason names the step that sets what is missing.
        Some(Err(reason)) => wrap(&format!("not ready: {reason}"), width.max(1))
            .into_iter()
            .map(|l| Line::styled(l, app.theme.warning()))
            .collect(),
        Some(Ok(command)) => {
            // Shown as the dialog shows it: a run of spaces or a control character cannot hide the line's tail.
            let first: String = super::super::confirm::pieces(command.split('\n').next().unwrap_or(""))
                .into_iter()
                .map(|p| match p {
                    super::super::confirm::Piece::Text(t) | super::super::confirm::Piece::Marker(t) => t,
                })
                .collect();
            let more = if command.trim_end_matches('\n').contains('\n') { " …" } else { "" };
            vec![Line::from(vec![
                Span::styled("$ ", app.theme.muted()),
                Span::styled(format!("{first}{more}"), app.theme.bold()),
            ])]
        }
        None => Vec::new(),
    }
}

fn output_window(app: &App, run: &StepRun, height: usize, width: usize) -> Vec<Line<'static>> {
    let len = run.len();
    let top = app.screen.output_top.unwrap_or(len.saturating_sub(height)).min(len.saturating_sub(height.min(len)));
    let query = app.search().map(|s| s.query.to_lowercase()).filter(|q| !q.is_empty());
    let current = app.search().and_then(|s| s.current);
    let mut lines = Vec::with_capacity(height);
    if run.dropped > 0 && top == 0 {
        lines.push(Line::styled(format!("… {} earlier lines not kept here", run.dropped), app.theme.muted()));
    }
    for (i, line) in run.lines.iter().enumerate().skip(top).take(height.saturating_sub(lines.len())) {
        let text = truncate(&sideways(&printable(&line.text), app.screen.output_left), width);
        let style = if line.kind == LineKind::Note { app.theme.muted() } else { Style::new() };
        lines.push(highlight_matches(app, text, style, query.as_deref(), current == Some(i)));
    }
    lines
}

fn highlight_matches(app: &App, text: String, style: Style, query: Option<&str>, current: bool) -> Line<'static> {
    let Some(query) = query else { return Line::styled(text, style) };
    if !text.is_ascii() {
        // Lowercasing non-ASCII text can move byte offsets: mark the whole line rather than slice wrongly.
        let lower = text.to_lowercase();
        return if lower.contains(query) {
            Line::styled(text, app.theme.search_match())
        } else {
            Line::styled(text, style)
        };
    }
    let lower = text.to_ascii_lowercase();
    let mut spans = Vec::new();
    let mut at = 0;
    for (start, m) in lower.match_indices(query) {
        spans.push(Span::styled(text[at..start].to_string(), style));
        spans.push(Span::styled(text[start..start + m.len()].to_string(), app.theme.search_match()));
        at = start + m.len();
    }
    spans.push(Span::styled(text[at..].to_string(), style));
    let mut line = Line::from(spans);
    if current {
        line = line.patch_style(ratatui::style::Style::new().add_modifier(ratatui::style::Modifier::BOLD));
    }
    line
}

fn verdict(app: &App, index: usize, run: &StepRun, width: usize) -> Option<Vec<Line<'static>>> {
    let (mark, style) = mark(app, index);
    let Some(f) = &run.finished else {
        let elapsed = app.elapsed_ms(index).map(short_duration).unwrap_or_default();
        let label = match (run.command.is_some(), app.is_replay()) {
            (true, false) => format!("running {elapsed} · c cancels"),
            (true, true) => format!("running {elapsed}"),
            (false, _) => "running".into(),
        };
        let line = Line::from(vec![Span::styled(format!("{mark} "), style), Span::styled(label, app.theme.muted())]);
        return Some(vec![line]);
    };
    let mut text = f.status.as_str().replace('_', " ");
    let reason_names_code = f.reason.as_deref().is_some_and(|r| r.starts_with("exit code"));
    if let Some(code) = f.exit_code.filter(|_| !reason_names_code) {
        text.push_str(&format!(" · exit {code}"));
    }
    if let Some(ms) = f.duration_ms.filter(|_| run.command.is_some()) {
        text.push_str(&format!(" · {}", short_duration(ms)));
    }
    // A reason that only repeats the status (`cancelled · 2s · cancelled`) says nothing.
    if let Some(reason) = f.reason.as_deref().filter(|r| r.replace('_', " ") != f.status.as_str().replace('_', " ")) {
        text.push_str(&format!(" · {reason}"));
    }
    let text = format!("{mark} {}", printable(&text));
    let mut lines: Vec<Line<'static>> = wrap(&text, width.max(1)).into_iter().map(|l| Line::styled(l, style)).collect();
    if let Some(stale) = app.session().staleness(index) {
        let rerun = if app.is_replay() { "" } else { "; r reruns it" };
        let text = format!("⟲ stale: {}{rerun}", printable(&stale.reason));
        lines.extend(wrap(&text, width.max(1)).into_iter().map(|l| Line::styled(l, app.theme.warning())));
    }
    Some(lines)
}

/// The line without its first `left` columns, marked with `…` when something was cut.
fn sideways(text: &str, left: usize) -> String {
    if left == 0 {
        return text.to_string();
    }
    let mut used = 0;
    let rest = text.char_indices().find_map(|(i, c)| {
        if used >= left {
            return Some(i);
        }
        used += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        None
    });
    match rest {
        Some(i) => format!("…{}", &text[i..]),
        None => String::new(),
    }
}

/// Output as it can be drawn: tabs expanded, other control characters (a stray `\r`, a bell, a backspace, a C1
/// CSI) shown visibly so they cannot move the real terminal's cursor.
fn printable(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    // Tabs become the pane's four columns; every other control character is shown as `textsafe` shows it on
    // every terminal the program writes to (`^[`, `\u{9b}`). A newline cannot be drawn inside a line either.
    let expanded = text.replace('\t', "    ").replace('\n', "^J");
    crate::textsafe::visible(&expanded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn output_lines_show_c0_and_c1_controls_as_the_cli_does() {
        assert_eq!(printable("a\tb"), "a    b");
        assert_eq!(printable("\x1b]0;t\x07 \u{9b}2J\r"), "^[]0;t^G \\u{9b}2J^M");
    }
}
