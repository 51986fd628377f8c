//! The vars list (`v`) drawn over the main screen: name, value (secrets masked), description, and the value
//! being typed.

use super::super::app::App;
use super::popup;
use crate::engine::MASK;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

pub fn vars(app: &App, frame: &mut Frame<'_>, area: Rect, cursor: usize, edit: Option<&str>) {
    let theme = &app.theme;
    let declared = &app.session.runbook().vars;
    let mut lines = Vec::new();
    for (i, var) in declared.iter().enumerate() {
        let here = i == cursor;
        let value = match (here, edit, app.session.var(&var.name)) {
            (true, Some(typed), _) if var.secret => Span::raw(format!("{}█", "*".repeat(typed.chars().count()))),
            (true, Some(typed), _) => Span::raw(format!("{typed}█")),
            (_, _, Some(_)) if var.secret => Span::raw(MASK),
            (_, _, Some(value)) => Span::raw(value.to_string()),
            (_, _, None) => Span::styled("(no value: Enter to set)", theme.warning()),
        };
        let pointer = if here { "▸ " } else { "  " };
        let mut line = Line::from(vec![Span::styled(format!("{pointer}{} = ", var.name), theme.key()), value]);
        if here && edit.is_none() {
            line = line.patch_style(theme.selected());
        }
        lines.push(line);
        if !var.description.is_empty() {
            lines.push(Line::styled(format!("    {}", var.description), theme.muted()));
        }
    }
    let rect = popup(area, 76, lines.len() as u16 + 2);
    let hint = if edit.is_some() { " sets · " } else { " edits · " };
    let keys = Line::from(vec![
        Span::styled(" Enter", theme.key()),
        Span::raw(hint),
        Span::styled("Esc", theme.key()),
        Span::raw(if edit.is_some() { " cancels " } else { " closes " }),
    ]);
    let block = Block::bordered().title(" Vars ").title_bottom(keys).border_style(theme.border(true));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), rect);
}
