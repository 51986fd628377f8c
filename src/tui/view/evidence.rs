//! The evidence dialog (`evidence_dialog.rs`) drawn over the main screen: the three ways in as tabs, what was
//! pasted summarised, the path or command being typed, and, before a fetch command runs, the whole command with
//! where it runs and its mode. The keys stay on the bottom border whatever the height.

use super::super::app::App;
use super::super::evidence_dialog::{EvidenceDialog, EvidenceTab, FETCH_EXAMPLES};
use super::popup;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

pub fn draw(app: &App, frame: &mut Frame<'_>, area: Rect, dialog: &EvidenceDialog) {
    let theme = &app.theme;
    let mut lines = Vec::new();
    let mut tabs = vec![Span::raw(" ")];
    for tab in EvidenceTab::ALL {
        let label = format!(" {} ", tab.label());
        tabs.push(if tab == dialog.tab { Span::styled(label, theme.selected()) } else { Span::raw(label) });
        tabs.push(Span::raw(" "));
    }
    lines.push(Line::from(tabs));
    lines.push(Line::raw(""));
    let cursor = Span::styled("█", theme.key());
    match dialog.tab {
        EvidenceTab::Paste => match dialog.pasted_summary() {
            Some(summary) => {
                lines.push(Line::styled(summary, theme.bold()));
                let first = dialog.pasted.as_deref().and_then(|t| t.lines().find(|l| !l.trim().is_empty()));
                if let Some(first) = first {
                    lines.push(Line::styled(format!("first line: {first}"), theme.muted()));
                }
                lines.push(Line::raw("Enter loads it as the incident's evidence."));
            }
            None => {
                lines.push(Line::raw("Paste the crash log now (your terminal's paste: any size)."));
                lines.push(Line::styled("It is stored with the session and parsed once.", theme.muted()));
            }
        },
        EvidenceTab::Path => {
            lines.push(Line::raw("The log's path (.gz is fine):"));
            lines.push(Line::from(vec![Span::raw(dialog.path.clone()), cursor]));
        }
        EvidenceTab::Command => {
            lines.push(Line::raw("A command that prints the log (runs in the session's directory):"));
            // As the "Run this?" dialog shows a command: a run of spaces or a control character cannot hide a tail.
            let mut spans = vec![Span::styled("$ ", theme.muted())];
            spans.extend(crate::tui::confirm::pieces(&dialog.command).into_iter().map(|p| match p {
                crate::tui::confirm::Piece::Text(t) => Span::raw(t),
                crate::tui::confirm::Piece::Marker(m) => Span::styled(m, theme.warning()),
            }));
            spans.push(cursor);
            lines.push(Line::from(spans));
            if dialog.fetching {
                lines.push(Line::styled(
                    "running… (stopped after 2 minutes; the log it printed is kept)",
                    theme.running(),
                ));
            } else if dialog.confirming {
                lines.push(Line::raw(""));
                lines.push(Line::styled("Run this? (Enter runs it, any key edits)", theme.warning()));
                lines.push(Line::from(vec![
                    Span::styled("in   ", theme.muted()),
                    Span::raw(app.session.context().workdir.clone()),
                ]));
                lines.push(Line::from(vec![
                    Span::styled("mode ", theme.muted()),
                    Span::raw("observe: reads the log, writes nothing; its output becomes the evidence"),
                ]));
            } else {
                lines.push(Line::styled("for example:", theme.muted()));
                for example in FETCH_EXAMPLES {
                    lines.push(Line::styled(format!("  {example}"), theme.muted()));
                }
            }
        }
    }
    if let Some(loading) = &dialog.loading {
        lines.push(Line::raw(""));
        lines.push(Line::styled(format!("{loading} (keys still work; it loads when done)"), theme.running()));
    }
    if let Some(problem) = &dialog.problem {
        lines.push(Line::raw(""));
        lines.push(Line::styled(problem.clone(), theme.failed()));
    }
    // Wrapped lines count: a long fetch command is shown whole before it runs.
    let inner = (84.min(area.width.saturating_sub(2)).saturating_sub(2)).max(1) as usize;
    let rows: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum();
    let rect = popup(area, 84, rows as u16 + 2);
    let title = format!(" The incident's evidence · step {} ", dialog.step);
    let keys = Line::from(vec![
        Span::styled(" Enter", theme.key()),
        Span::raw(if dialog.tab == EvidenceTab::Command && !dialog.confirming { " shows · " } else { " loads · " }),
        Span::styled("Tab", theme.key()),
        Span::raw(" paste/path/command · "),
        Span::styled("Esc", theme.key()),
        Span::raw(" skip "),
    ]);
    let block = Block::bordered().title(title).title_bottom(keys).border_style(theme.border(true));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), rect);
}
