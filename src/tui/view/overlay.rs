//! What is drawn over the main screen: the help (generated from the keymap), the confirmation before a command
//! runs (the exact command, its working directory, environment additions and mode), and the quit question.

use super::super::app::App;
use super::super::keymap::{self, Scope, WHEEL_HELP};
use super::super::screen::Confirm;
use super::popup;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

pub fn help(app: &App, frame: &mut Frame<'_>, area: Rect, scroll: u16) {
    let theme = &app.theme;
    let mut lines = Vec::new();
    for scope in
        [Scope::Main, Scope::Results, Scope::Source, Scope::Detail, Scope::Confirm, Scope::Search, Scope::QuitConfirm]
    {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::styled(scope.title(), theme.heading()));
        let rows: Vec<(&str, &str)> = keymap::bindings(scope).map(|b| (b.label, b.help)).collect();
        let rows = if scope == Scope::Main { [rows, vec![WHEEL_HELP]].concat() } else { rows };
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
    let title = app.step(confirm.step).map(|s| s.title.clone()).unwrap_or_default();
    let mut lines = vec![Line::styled(title, theme.bold()), Line::default()];
    match &confirm.spec {
        Ok(spec) => {
            for (i, l) in spec.command.lines().enumerate() {
                let prompt = if i == 0 { "$ " } else { "  " };
                lines.push(Line::from(vec![
                    Span::styled(prompt, theme.muted()),
                    Span::styled(l.to_string(), theme.bold()),
                ]));
            }
            lines.push(Line::default());
            lines.push(field(app, "in", &spec.cwd));
            if spec.env.is_empty() {
                lines.push(field(app, "env", "(nothing added)"));
            }
            for (k, v) in &spec.env {
                lines.push(field(app, "env", &format!("{k}={v}")));
            }
            let mode_style = if confirm.mode == "change" { theme.warning() } else { theme.passed() };
            let meaning = if confirm.mode == "change" { "may change things" } else { "only reads" };
            lines.push(Line::from(vec![
                Span::styled(format!("{:>5}  ", "mode"), theme.muted()),
                Span::styled(confirm.mode.clone(), mode_style),
                Span::styled(format!(" ({meaning})"), theme.muted()),
            ]));
            lines.push(field(app, "limit", &duration(spec.timeout)));
        }
        Err(reason) => {
            lines.push(Line::styled("The command cannot be prepared:", theme.failed()));
            lines.push(Line::raw(reason.clone()));
            lines.push(Line::raw("Running it marks the step failed with this reason."));
        }
    }
    let rect = popup(area, 76, lines.len() as u16 + 2);
    // The keys sit in the border so they stay visible when a long command fills a small screen.
    let keys = Line::from(vec![
        Span::styled(" Enter", theme.key()),
        Span::raw(" runs it · "),
        Span::styled("Esc", theme.key()),
        Span::raw(" cancels "),
    ]);
    let block = Block::bordered().title(" Run this? ").title_bottom(keys).border_style(theme.border(true));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), rect);
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

/// A timeout as the runbook format writes it: `90s`, `10m`, `1h30m`.
fn duration(d: std::time::Duration) -> String {
    let secs = d.as_secs();
    if secs == 0 {
        return format!("{}ms", d.as_millis());
    }
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let mut out = String::new();
    for (n, unit) in [(h, "h"), (m, "m"), (s, "s")] {
        if n > 0 {
            out.push_str(&format!("{n}{unit}"));
        }
    }
    out
}
