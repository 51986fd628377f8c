//! The path rewrite prompt (`p`, `tui/pathmap.rs`) drawn over the screen: the frame it was opened on, how that
//! frame maps now, the `FROM=TO` being typed, and why the last Enter was refused.

use super::super::app::App;
use super::super::pathmap::PathPrompt;
use super::popup;
use super::source::keep_end;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

pub fn draw(app: &App, frame: &mut Frame<'_>, area: Rect, prompt: &PathPrompt) {
    let theme = &app.theme;
    let width = area.width.saturating_sub(4).min(96);
    let inner = width.saturating_sub(2) as usize;
    let mut lines = Vec::new();
    if let Some(printed) = &prompt.frame {
        lines.push(Line::styled(keep_end(&format!("frame {printed}"), inner), theme.muted()));
    }
    lines.push(Line::styled(keep_end(&format!("now  {}", prompt.now), inner), theme.muted()));
    lines.push(Line::raw("FROM (the build's prefix) = TO (in the repository, empty for its root):"));
    // Show the end of a long rewrite: that is where the typing happens.
    let room = inner.saturating_sub(1);
    let mut shown = prompt.text.as_str();
    while shown.width() > room {
        let mut chars = shown.chars();
        chars.next();
        shown = chars.as_str();
    }
    lines.push(Line::from(vec![Span::raw(shown.to_string()), Span::styled("█", theme.key())]));
    if let Some(problem) = &prompt.problem {
        lines.push(Line::styled(keep_end(problem, inner), theme.failed()));
    }
    let rect = popup(area, width, lines.len() as u16 + 2);
    let keys = Line::from(vec![
        Span::styled(" Enter", theme.key()),
        Span::raw(" applies to every frame · "),
        Span::styled("Esc", theme.key()),
        Span::raw(" cancels "),
    ]);
    let block =
        Block::bordered().title(" Map the evidence's paths ").title_bottom(keys).border_style(theme.border(true));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
