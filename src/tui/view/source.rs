//! The source view, full screen: line numbers, the target line marked, the cursor line, highlighted text from
//! the view's painted window (plain text where none is painted yet), and the blame gutter for the visible lines
//! once the background blame is in (unless `B` hid it). The cursor line is highlighted across the width and the
//! title names it and the target; `h`/`l` scroll the code sideways. Reads only what `update` prepared.

use super::super::app::App;
use super::super::results::{date, offset_minutes};
use super::super::source::SourceView;
use super::super::text::{skip_columns, spans_width, truncate};
use super::super::views::BlameState;
use crate::locate::BlameLine;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

/// Columns of the blame gutter: short commit, author, date.
const GUTTER: usize = 8 + 1 + 14 + 1 + 10 + 1;

pub fn draw(app: &App, frame: &mut Frame<'_>, area: Rect, view: &SourceView) {
    let theme = &app.theme;
    let blame = app.blame_of(&view.path);
    let note = match blame {
        Some(BlameState::Loading) => " blame: running… ".to_string(),
        // The error starts with the path, which the title already shows.
        Some(BlameState::Failed(e)) => {
            format!(" no blame: {} ", truncate(e.rsplit_once(": ").map_or(e, |(_, r)| r), 40))
        }
        Some(BlameState::Ready(_)) if app.stack.blame_moves => " blame -C ".to_string(),
        _ => String::new(),
    };
    // Both lines by name: the cursor's (what `b`, `e`, `y` and `M` act on) and the one the result pointed at.
    let mut lines_named = if view.cursor == view.target {
        format!(":{} ▶", view.cursor)
    } else {
        format!(":{} · ▶ {}", view.cursor, view.target)
    };
    if view.left > 0 {
        lines_named.push_str(&format!(" · from column {} (h)", view.left + 1));
    }
    let room = (area.width as usize).saturating_sub(note.width() + 4 + lines_named.width());
    let title = format!(" {}{lines_named} ", keep_end(&view.path.display().to_string(), room.saturating_sub(2)));
    let mut block = Block::bordered()
        .border_style(theme.border(true))
        .title(Line::styled(title, theme.bold()))
        .title(Line::styled(note, theme.muted()).right_aligned());
    // Where a frame's path came from: the mapping used, or that it did not map (and how to fix that). In a replay,
    // where the content came from comes first: the file as it was then, or why it is not.
    let room = (area.width as usize).saturating_sub(4);
    if let Some(past) = &view.past {
        let style = if past.starts_with("as it was") { theme.muted() } else { theme.warning() };
        block = block.title_bottom(Line::styled(format!(" {} ", truncate(past, room)), style));
    }
    match (&view.origin, &view.mapped_by) {
        (Some(_), Some(how)) => {
            block = block
                .title_bottom(Line::styled(format!(" {} ", truncate(&format!("mapped {how}"), room)), theme.muted()));
        }
        (Some(_), None) => {
            let text = "not in the repository: p maps the path";
            block = block.title_bottom(Line::styled(format!(" {} ", truncate(text, room)), theme.warning()));
        }
        _ => {}
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(file) = &view.file else {
        let text = Line::styled(format!("loading {}…", view.path.display()), theme.muted());
        frame.render_widget(Paragraph::new(text), inner);
        return;
    };
    let lines = match blame {
        Some(BlameState::Ready(lines)) if inner.width as usize >= GUTTER + 40 && !view.gutter_hidden => {
            Some(lines.as_slice())
        }
        _ => None,
    };
    let digits = file.len().max(1).to_string().len();
    let mut out = Vec::with_capacity(inner.height as usize);
    let mut previous: Option<&str> = None;
    for i in view.top..(view.top + inner.height as usize).min(file.len()) {
        let n = i + 1;
        let mut spans = Vec::new();
        if let Some(blamed) = lines {
            let line = blamed.get(i).filter(|l| l.line == n);
            let commit = line.map(|l| l.commit.as_str());
            spans.push(gutter(line, previous == commit && commit.is_some(), theme));
            previous = commit;
        }
        let gutter_spans = spans.len();
        spans.push(Span::styled(format!("{n:>digits$}"), theme.muted()));
        spans.push(if n == view.target { Span::styled("▶", theme.warning()) } else { Span::raw(" ") });
        let code = match view.painted_line(i) {
            Some(painted) => skip_columns(&painted.spans, view.left),
            None => skip_columns(&[Span::raw(file.line(i).replace('\t', "    "))], view.left),
        };
        spans.extend(code);
        if n == view.target && app.theme.color {
            let bold = ratatui::style::Style::new().add_modifier(ratatui::style::Modifier::BOLD);
            spans = spans
                .into_iter()
                .enumerate()
                .map(|(k, s)| if k >= gutter_spans { s.patch_style(bold) } else { s })
                .collect();
        }
        if n == view.cursor {
            // The cursor line is highlighted across the whole width (the gutter apart), not only its number.
            let used = spans_width(&spans);
            spans.push(Span::raw(" ".repeat((inner.width as usize).saturating_sub(used))));
            spans = spans
                .into_iter()
                .enumerate()
                .map(|(k, s)| if k >= gutter_spans { s.patch_style(theme.selected()) } else { s })
                .collect();
        }
        out.push(Line::from(spans));
    }
    if file.is_empty() {
        out.push(Line::styled("(empty file)", theme.muted()));
    }
    frame.render_widget(Paragraph::new(out), inner);
}

/// The end of `text` in at most `width` columns (a path's file name matters more than its root).
pub(super) fn keep_end(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut kept: Vec<char> = Vec::new();
    let mut used = 1;
    for c in text.chars().rev() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width {
            break;
        }
        used += w;
        kept.push(c);
    }
    std::iter::once('…').chain(kept.into_iter().rev()).collect()
}

/// The gutter of one line: commit, author and date at the first line of each run of the same commit, blank below.
fn gutter(line: Option<&BlameLine>, same_as_above: bool, theme: &super::super::theme::Theme) -> Span<'static> {
    let text = match line {
        Some(_) if same_as_above => String::new(),
        Some(l) => {
            let when = date(l.time, offset_minutes(&l.tz));
            format!("{:<8} {:<14} {when}", truncate(&l.short_commit, 8), truncate(&l.author, 14))
        }
        None => String::new(),
    };
    Span::styled(format!("{text:<width$}│", width = GUTTER - 1), theme.muted())
}
