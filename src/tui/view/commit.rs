//! A commit in full (`b` in the source view): id, author, date, the whole message, the files it changed, and its
//! diff, colour-coded as gitui and `git show` colour it: the blamed file's, or every file's (`a`).

use super::super::app::App;
use super::super::results::date_time;
use super::super::views::CommitView;
use crate::locate::commit_patch::PatchKind;
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
            lines.push(Line::default());
            lines.extend(diff_lines(app, view));
            lines
        }
    };
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }).scroll((view.scroll, 0)), area);
}

/// The diff part: a heading saying which files it covers and how to switch, then the patch lines.
fn diff_lines(app: &App, view: &CommitView) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let patch = match &view.patch {
        None => return vec![Line::styled("computing the diff…", theme.muted())],
        Some(Err(e)) => return vec![Line::styled(format!("no diff: {e}"), theme.muted())],
        Some(Ok(patch)) => patch,
    };
    let files = view.shown_files();
    let heading = match (view.all_files, files.first()) {
        (true, _) => format!("Diff of {} · a: only the blamed file", super::super::text::count(files.len(), "file")),
        (false, Some(f)) if patch.files.len() > 1 => format!("Diff of {} · a: all {} files", f.path, patch.files.len()),
        (false, Some(f)) => format!("Diff of {}", f.path),
        (false, None) => format!(
            "The commit did not change this file · a: its {}",
            super::super::text::count(patch.files.len(), "file")
        ),
    };
    let mut lines = vec![Line::styled(heading, theme.heading())];
    for file in files {
        for l in &file.lines {
            let style = match l.kind {
                PatchKind::Added => theme.passed(),
                PatchKind::Removed => theme.failed(),
                PatchKind::Hunk => theme.key(),
                PatchKind::Header => theme.bold(),
                PatchKind::Note => theme.muted(),
                PatchKind::Context => ratatui::style::Style::new(),
            };
            // The file headers say which file a hunk belongs to; with one file the heading already does.
            if l.kind == PatchKind::Header && !view.all_files {
                continue;
            }
            lines.push(Line::styled(l.text.replace('\t', "    "), style));
        }
    }
    lines
}
