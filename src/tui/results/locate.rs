//! The results of `grep` (matches grouped by file, with a count per file) and `blame` (one row per line: short
//! commit, author, date, summary). Every match and line leads to the source view.

use super::{date, offset_minutes, ResultRow, Target};
use crate::locate::{BlameLine, GrepMatch};
use crate::tui::theme::Theme;
use ratatui::text::{Line, Span};

pub fn grep_rows(matches: &[GrepMatch], theme: &Theme) -> Vec<ResultRow> {
    // Parallel search finishes files in any order but keeps each file's matches together; group by first
    // appearance so the list stays as found, then put each file's lines in order.
    let mut files: Vec<(String, Vec<&GrepMatch>)> = Vec::new();
    for m in matches {
        let path = m.path.to_string_lossy().into_owned();
        match files.iter_mut().find(|(p, _)| *p == path) {
            Some((_, list)) => list.push(m),
            None => files.push((path, vec![m])),
        }
    }
    let mut rows = Vec::new();
    let total = matches.len();
    let noun = if total == 1 { "match" } else { "matches" };
    let in_files = if files.len() == 1 { "1 file".to_string() } else { format!("{} files", files.len()) };
    rows.push(ResultRow::text(Line::styled(format!("{total} {noun} in {in_files}"), theme.muted())));
    for (path, mut list) in files {
        list.sort_by_key(|m| m.line);
        rows.push(ResultRow::text(Line::from(vec![
            Span::styled(path.clone(), theme.heading()),
            Span::styled(format!("  ({})", list.len()), theme.muted()),
        ])));
        for m in list {
            let line = Line::from(vec![
                Span::styled(format!("  {:>5}:{:<3} ", m.line, m.column), theme.muted()),
                Span::raw(m.text().trim().to_string()),
            ]);
            rows.push(ResultRow::to(line, Target::Source { file: path.clone(), line: m.line as usize }));
        }
    }
    rows
}

pub fn blame_rows(file: &str, lines: &[BlameLine], theme: &Theme) -> Vec<ResultRow> {
    let mut rows = vec![ResultRow::text(Line::styled(
        format!("{file} ({} line{})", lines.len(), if lines.len() == 1 { "" } else { "s" }),
        theme.heading(),
    ))];
    for l in lines {
        let when = date(l.time, offset_minutes(&l.tz));
        let line = Line::from(vec![
            Span::styled(format!("{:>5} ", l.line), theme.muted()),
            Span::styled(format!("{:<8} ", l.short_commit), theme.code()),
            Span::raw(format!("{:<16} {when} ", crate::tui::text::truncate(&l.author, 16))),
            Span::styled(l.summary.clone(), theme.muted()),
        ]);
        rows.push(ResultRow::to(line, Target::Source { file: file.to_string(), line: l.line }));
    }
    rows
}
