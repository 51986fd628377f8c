//! A commit in full (`b` in the source view): id, author, date, the whole message and the files it changed.

use super::super::app::App;
use super::super::results::date_time;
use super::super::views::CommitView;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

pub fn draw(app: &App, frame: &mut Frame<'_>, area: Rect, view: &CommitView) {
    let theme = &app.theme;
    let short: String = view.commit.chars().take(12).collect();
    let block = Block::bordered()
        .border_style(theme.border(true))
        .title(Line::styled(format!(" commit {short} "), theme.bold()));
    let lines = match &view.details {
        None => vec![Line::styled("looking up the commit…", theme.muted())],
        Some(Err(e)) => vec![Line::styled(e.clone(), theme.failed())],
        Some(Ok(c)) => {
            let mut lines = vec![
                Line::from(vec![Span::styled("commit ", theme.muted()), Span::styled(c.id.clone(), theme.code())]),
                Line::from(vec![
                    Span::styled("Author: ", theme.muted()),
                    Span::raw(format!("{} <{}>", c.author, c.email)),
                ]),
                Line::from(vec![
                    Span::styled("Date:   ", theme.muted()),
                    Span::raw(date_time(c.time, c.offset_minutes)),
                ]),
                Line::default(),
            ];
            lines.extend(c.message.trim_end().lines().map(|l| Line::raw(format!("    {l}"))));
            lines.push(Line::default());
            lines.push(Line::styled(format!("Files changed ({})", c.files.len()), theme.heading()));
            lines.extend(c.files.iter().map(|(status, path)| {
                Line::from(vec![Span::styled(format!("  {status} "), theme.key()), Span::raw(path.clone())])
            }));
            lines
        }
    };
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }).scroll((view.scroll, 0)), area);
}
