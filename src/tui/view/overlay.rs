//! What is drawn over the main screen: the help (generated from the keymap), the confirmation before a command
//! runs (the whole command, scrolling between its title and the fields that always stay: working directory,
//! environment additions, mode and limit; laid out by `tui::confirm`), and the quit question.

use super::super::app::App;
use super::super::confirm::{self, Piece};
use super::super::keymap::{self, Scope, WHEEL_HELP};
use super::super::screen::Confirm;
use super::super::text::truncate;
use super::popup;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

pub fn help(app: &App, frame: &mut Frame<'_>, area: Rect, scroll: u16, from: Scope) {
    let theme = &app.theme;
    let mut lines = Vec::new();
    // The keys of where `?` was pressed first, then every other place's.
    let order = std::iter::once(from).chain(keymap::SCOPES.into_iter().filter(|s| *s != from && *s != Scope::Help));
    for scope in order {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        let title = if scope == from { format!("{} (here)", scope.title()) } else { scope.title().to_string() };
        lines.push(Line::styled(title, theme.heading()));
        let rows = keymap::help_rows(scope);
        let rows =
            if scope == Scope::Main { [rows, vec![(WHEEL_HELP.0, WHEEL_HELP.1.to_string())]].concat() } else { rows };
        for (keys, help) in rows {
            lines.push(Line::from(vec![Span::styled(format!("  {keys:<10}"), theme.key()), Span::raw(help)]));
        }
    }
    let rect = popup(area, 72, lines.len() as u16 + 2);
    let block = Block::bordered().title(" Keys · ?/Esc closes ").border_style(theme.border(true));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }).scroll((scroll, 0)), rect);
}

pub fn confirm(app: &App, frame: &mut Frame<'_>, area: Rect, confirm: &Confirm) {
    let theme = &app.theme;
    let dialog = confirm::layout(area, confirm);
    let width = usize::from(dialog.rect.width.saturating_sub(2));
    let title = app.step(confirm.step).map(|s| s.title.clone()).unwrap_or_default();
    let mut lines = vec![Line::styled(truncate(&title, width), theme.bold())];
    if dialog.spaced {
        lines.push(Line::default());
    }
    let body_style = if confirm.spec.is_ok() { theme.bold() } else { theme.failed() };
    for row in dialog.rows.iter().skip(dialog.top).take(dialog.window) {
        let mut spans = vec![Span::styled(row.prompt.text(), theme.muted())];
        for piece in &row.pieces {
            spans.push(match piece {
                Piece::Text(t) => Span::styled(t.clone(), body_style),
                Piece::Marker(m) => Span::styled(m.clone(), theme.warning()),
            });
        }
        lines.push(Line::from(spans));
    }
    if dialog.overflows() {
        lines.push(Line::styled(more(&dialog), theme.key()));
    }
    if dialog.spaced {
        lines.push(Line::default());
    }
    match &confirm.spec {
        Ok(spec) => {
            lines.push(field(app, "in", &tail(&spec.cwd, width.saturating_sub(7))));
            let env: Vec<String> = spec.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
            if env.is_empty() {
                lines.push(field(app, "env", "(nothing added)"));
            }
            let shown = if env.len() > confirm::ENV_ROWS { confirm::ENV_ROWS - 1 } else { env.len() };
            for e in &env[..shown] {
                lines.push(field(app, "env", &truncate(&visible(e), width.saturating_sub(7))));
            }
            if shown < env.len() {
                let names: Vec<&str> = spec.env.keys().skip(shown).map(String::as_str).collect();
                let rest = format!("+{} more: {}", names.len(), names.join(", "));
                lines.push(field(app, "env", &truncate(&visible(&rest), width.saturating_sub(7))));
            }
            let mode_style = if confirm.mode == "change" { theme.warning() } else { theme.passed() };
            // What `observe` promises, precisely (docs/runbook-format.md): reading is not all it does (a build
            // writes its cache), but it writes nothing of yours.
            let meaning =
                if confirm.mode == "change" { "may change things" } else { "writes only to caches and temp dirs" };
            lines.push(Line::from(vec![
                Span::styled(format!("{:>5}  ", "mode"), theme.muted()),
                Span::styled(confirm.mode.clone(), mode_style),
                Span::styled(format!(" ({meaning})"), theme.muted()),
            ]));
            lines.push(field(
                app,
                "limit",
                &crate::timefmt::duration(spec.timeout.as_millis() as u64, crate::timefmt::DurationStyle::Runbook),
            ));
        }
        Err(_) => lines.push(Line::raw("Running it marks the step failed with this reason.")),
    }
    // The keys sit in the border so they stay visible when a long command fills a small screen. While part of
    // the command is hidden, Enter shows more instead of running it.
    let keys = if dialog.at_end() {
        Line::from(vec![
            Span::styled(" Enter", theme.key()),
            Span::raw(" runs it · "),
            Span::styled("Esc", theme.key()),
            Span::raw(" cancels "),
        ])
    } else {
        Line::from(vec![
            Span::styled(" Enter/↓", theme.key()),
            Span::raw(" shows the rest · "),
            Span::styled("Esc", theme.key()),
            Span::raw(" cancels "),
        ])
    };
    let title = match (confirm.script, confirm::has_script(confirm)) {
        (true, _) => " Run this? · the exact script (s: as it reads) ",
        (false, true) => " Run this? · s: the exact script ",
        (false, false) => " Run this? ",
    };
    let block = Block::bordered().title(title).title_bottom(keys).border_style(theme.border(true));
    frame.render_widget(Clear, dialog.rect);
    frame.render_widget(Paragraph::new(lines).block(block), dialog.rect);
}

/// The line between the command and the fields: how much is hidden above and below.
fn more(dialog: &confirm::Dialog) -> String {
    let (above, below) = dialog.hidden();
    let lines = |n: usize| if n == 1 { "1 more line".to_string() } else { format!("{n} more lines") };
    match (above, below) {
        (0, below) => format!("↓ {} · Enter: next page · G: the end", lines(below)),
        (above, 0) => format!("↑ {} above · end of the command", lines(above)),
        (above, below) => format!("↑ {above} above · ↓ {} · G: the end", lines(below)),
    }
}

/// A path cut at its start, so the directory it ends in stays visible.
fn tail(text: &str, width: usize) -> String {
    let text = visible(text);
    let w = unicode_width::UnicodeWidthStr::width(text.as_str());
    if w <= width || width == 0 {
        return text;
    }
    let mut used = 0;
    let mut start = text.len();
    for (i, c) in text.char_indices().rev() {
        used += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + 1 > width {
            break;
        }
        start = i;
    }
    format!("…{}", &text[start..])
}

/// A field's value with control and invisible characters named, as in the command.
fn visible(text: &str) -> String {
    confirm::pieces(text)
        .into_iter()
        .map(|p| match p {
            Piece::Text(t) | Piece::Marker(t) => t,
        })
        .collect()
}

fn field(app: &App, name: &str, value: &str) -> Line<'static> {
    Line::from(vec![Span::styled(format!("{name:>5}  "), app.theme.muted()), Span::raw(value.to_string())])
}

pub fn quit(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let theme = &app.theme;
    let lines = vec![
        Line::raw("A command is still running."),
        Line::raw("Quit and cancel it?"),
        Line::default(),
        Line::from(vec![
            Span::styled("y", theme.key()),
            Span::raw(" quit   "),
            Span::styled("n/Esc", theme.key()),
            Span::raw(" stay"),
        ]),
    ];
    let rect = popup(area, 36, 6);
    let block = Block::bordered().title(" Quit? ").border_style(theme.border(true));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), rect);
}
