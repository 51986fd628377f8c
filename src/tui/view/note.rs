//! The note input (`n`: one line, saved to the journal with the selected step) and the milestone chooser (`m`),
//! drawn over the main screen.

use super::super::app::App;
use super::popup;
use crate::engine::Milestone;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

fn step_title(app: &App) -> String {
    app.selected_step().map(|s| s.title.clone()).unwrap_or_default()
}

pub fn note(app: &App, frame: &mut Frame<'_>, area: Rect, text: &str) {
    let theme = &app.theme;
    let rect = popup(area, 72, 3);
    let inner_width = rect.width.saturating_sub(2) as usize;
    // Show the end of a long note: that is where the typing happens.
    let room = inner_width.saturating_sub(1);
    let mut shown = text;
    while shown.width() > room {
        let mut chars = shown.chars();
        chars.next();
        shown = chars.as_str();
    }
    let line = Line::from(vec![Span::raw(shown.to_string()), Span::styled("█", theme.key())]);
    let title = format!(" Note on {} ", super::super::text::truncate(&step_title(app), inner_width.saturating_sub(12)));
    let keys = Line::from(vec![
        Span::styled(" Enter", theme.key()),
        Span::raw(" saves · "),
        Span::styled("Esc", theme.key()),
        Span::raw(" cancels "),
    ]);
    let block = Block::bordered().title(title).title_bottom(keys).border_style(theme.border(true));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(line).block(block), rect);
}

pub fn milestones(app: &App, frame: &mut Frame<'_>, area: Rect, cursor: usize) {
    let theme = &app.theme;
    let mut lines = vec![Line::styled(format!("for {}", step_title(app)), theme.muted())];
    for (i, (name, _)) in Milestone::ALL.iter().enumerate() {
        let pointer = if i == cursor { "▸" } else { " " };
        let mut line = Line::from(vec![Span::styled(format!("{pointer}{}. ", i + 1), theme.key()), Span::raw(*name)]);
        if i == cursor {
            line = line.patch_style(theme.selected());
        }
        lines.push(line);
    }
    let rect = popup(area, 40, lines.len() as u16 + 2);
    let keys = Line::from(vec![
        Span::styled(" Enter", theme.key()),
        Span::raw(" sets · "),
        Span::styled("Esc", theme.key()),
        Span::raw(" cancels "),
    ]);
    let block = Block::bordered().title(" Milestone reached ").title_bottom(keys).border_style(theme.border(true));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
