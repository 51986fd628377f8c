//! About the runbook (`i`), full screen: its title, id and file, its `summary:` (issue 15: it was never shown
//! anywhere), and its phases with their steps, so the whole walk is visible before it starts.

use super::super::app::App;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

pub fn draw(app: &App, frame: &mut Frame<'_>, area: Rect, scroll: u16) {
    let theme = &app.theme;
    let runbook = app.session().runbook();
    let block =
        Block::bordered().border_style(theme.border(true)).title(Line::styled(" About this runbook ", theme.bold()));
    let mut lines = vec![
        Line::styled(runbook.title.clone(), theme.bold()),
        Line::styled(format!("{} · {}", runbook.id, app.name), theme.muted()),
        Line::default(),
    ];
    if runbook.summary.trim().is_empty() {
        lines.push(Line::styled("(no summary)", theme.muted()));
    } else {
        let width = usize::from(area.width.saturating_sub(2)).max(1);
        lines.extend(crate::tui::markdown::parse(&runbook.summary, theme).lines(width));
    }
    lines.push(Line::default());
    let steps: usize = runbook.phases.iter().map(|p| p.steps.len()).sum();
    let counts = format!(
        "{} · {}",
        super::super::text::count(runbook.phases.len(), "phase"),
        super::super::text::count(steps, "step")
    );
    lines.push(Line::styled(counts, theme.heading()));
    for (i, phase) in runbook.phases.iter().enumerate() {
        lines.push(Line::from(vec![
            Span::styled(format!("{}. ", i + 1), theme.key()),
            Span::raw(phase.title.clone()),
            Span::styled(format!(" ({})", super::super::text::count(phase.steps.len(), "step")), theme.muted()),
        ]));
    }
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }).scroll((scroll, 0)), area);
}
