//! The selected step's text: its title, mode and milestone, then its Markdown (rendered once, in `App::new`).

use super::super::app::App;
use super::super::layout::Pane;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub fn draw(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let theme = &app.theme;
    let index = app.selected();
    let Some(step) = app.step(index) else { return };
    let title = format!(" {}/{} {} ", index + 1, app.step_count(), step.id);
    let block = super::pane_block(app, Pane::Text, title);
    let mut meta = vec![Span::styled(step.title.clone(), theme.bold())];
    let kind = step.action.as_ref().map(|a| a.kind()).unwrap_or("read");
    let mode = if step.action.is_some() { format!("  [{kind}, {}]", step.mode.as_str()) } else { "  [read]".into() };
    meta.push(Span::styled(mode, theme.muted()));
    if let Some(m) = step.milestone {
        meta.push(Span::styled(format!(" ★ {}", m.as_str()), theme.muted()));
    }
    let mut text = Text::from(vec![Line::from(meta), Line::default()]);
    if let Some(body) = app.texts.get(index) {
        text.lines.extend(body.lines(usize::from(area.width.saturating_sub(2)).max(1)));
    }
    // A search of the steps' text marks the lines holding the query.
    let query = app
        .search()
        .filter(|s| s.text_at.is_some_and(|(step, _)| step == index))
        .map(|s| s.query.to_lowercase())
        .filter(|q| !q.is_empty());
    if let Some(query) = query {
        for line in &mut text.lines {
            let content: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
            if content.to_lowercase().contains(&query) {
                *line = line.clone().patch_style(theme.search_match());
            }
        }
    }
    let paragraph = Paragraph::new(text).block(block).wrap(Wrap { trim: false }).scroll((app.screen.text_scroll, 0));
    frame.render_widget(paragraph, area);
}
