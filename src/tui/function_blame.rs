//! `F` in the source view: the function around the cursor, blamed as `git blame -L :funcname` would, summed up
//! in one message: which commits wrote its lines, newest first, with how many lines each. The question during an
//! incident is "who last touched this function, and what else did that change do" (`b` then shows the diff).

use crate::locate::FunctionBlame;
use std::path::Path;

/// `func (s *Store) Level(sku string) int (stock.go:30–35): f9aba8a 2026-10-21 "stock: count lookups" 1 line; …`.
pub fn summary(found: &FunctionBlame, path: &Path) -> String {
    let (first, last) = match (found.lines.first(), found.lines.last()) {
        (Some(a), Some(b)) => (a.line, b.line),
        _ => return format!("{}: no lines to blame", found.header.trim()),
    };
    // Commits in order of their newest line's author time, newest first; each with its line count.
    let mut commits: Vec<(&crate::locate::BlameLine, usize)> = Vec::new();
    for line in &found.lines {
        match commits.iter_mut().find(|(c, _)| c.commit == line.commit) {
            Some((_, n)) => *n += 1,
            None => commits.push((line, 1)),
        }
    }
    commits.sort_by_key(|(c, _)| std::cmp::Reverse(c.time));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let parts: Vec<String> = commits
        .iter()
        .map(|(c, n)| {
            let lines = if *n == 1 { "1 line".to_string() } else { format!("{n} lines") };
            if c.uncommitted {
                format!("not committed yet: {lines}")
            } else {
                let date = super::results::date(c.time, super::results::offset_minutes(&c.tz));
                format!("{} {date} \"{}\" {lines}", c.short_commit, c.summary)
            }
        })
        .collect();
    let count = if commits.len() == 1 { "1 commit".to_string() } else { format!("{} commits", commits.len()) };
    let header = found.header.trim().trim_end_matches('{').trim_end();
    format!("{header} ({name}:{first}–{last}), {count}: {}", parts.join("; "))
}
