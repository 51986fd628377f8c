//! What a probe step's result looks like in the action pane: rows of text, some of which lead somewhere (a
//! source line, the GC chart). Built once when the result arrives (styled with the app's theme), so drawing is
//! a window over a vector and moving the selection costs nothing.

mod locate;
mod parse;
mod sim;
mod symbol;

use super::theme::Theme;
use crate::probes::output::ProbeOutput;
use ratatui::text::Line;
use std::sync::Arc;

/// Where Enter on a row goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A file and a 1-based line, as printed (a frame's path, a grep match's path).
    Source { file: String, line: usize },
    /// The GC chart of this step's report.
    GcChart,
    /// The simulator view of this simulate step's program.
    Simulator,
    /// The crash rate of every built-in program.
    SimRates,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResultRow {
    pub line: Line<'static>,
    /// The same row with more to read (a racing site's path relative to the repository rather than its last two
    /// parts), drawn instead of `line` when it fits the pane.
    pub wide: Option<Line<'static>>,
    pub target: Option<Target>,
}

impl ResultRow {
    fn text(line: impl Into<Line<'static>>) -> ResultRow {
        ResultRow { line: line.into(), wide: None, target: None }
    }

    fn to(line: impl Into<Line<'static>>, target: Target) -> ResultRow {
        ResultRow { line: line.into(), wide: None, target: Some(target) }
    }

    /// The row as drawn in `width` columns: the wide form when it fits.
    pub fn fitted(&self, width: usize) -> &Line<'static> {
        match &self.wide {
            Some(wide) if wide.width() <= width => wide,
            _ => &self.line,
        }
    }
}

/// A frame's path relative to the repository (the session's path mapping), when it maps into it.
pub type Relative<'a> = &'a dyn Fn(&str) -> Option<String>;

/// A probe step's result and the selection in it.
#[derive(Debug, Clone, PartialEq)]
pub struct StepResult {
    pub output: Arc<ProbeOutput>,
    pub rows: Vec<ResultRow>,
    /// The selected row (always one with a target, when there is any).
    pub cursor: usize,
    /// First row in the window, as a position in `shown`.
    pub top: usize,
    /// Columns scrolled off to the left (`h`/`l`).
    pub left: usize,
    /// The rows shown (indices into `rows`): all of them, or those holding the filter typed after `/`.
    pub shown: Vec<usize>,
    /// The filter, lowercased (`""`: none).
    pub filter: String,
}

impl StepResult {
    pub fn new(output: Arc<ProbeOutput>, theme: &Theme, relative: Relative<'_>) -> StepResult {
        let rows = match output.as_ref() {
            ProbeOutput::Parse(report) => parse::rows(report, theme, relative),
            ProbeOutput::Grep(matches) => locate::grep_rows(matches, theme),
            ProbeOutput::Blame { file, lines } => locate::blame_rows(file, lines, theme),
            ProbeOutput::Simulate(out) => sim::rows(out, theme),
        };
        let cursor = rows.iter().position(|r| r.target.is_some()).unwrap_or(0);
        let shown = (0..rows.len()).collect();
        StepResult { output, rows, cursor, top: 0, left: 0, shown, filter: String::new() }
    }

    pub fn has_targets(&self) -> bool {
        self.rows.iter().any(|r| r.target.is_some())
    }

    pub fn target(&self) -> Option<&Target> {
        self.rows.get(self.cursor).filter(|_| self.shown.contains(&self.cursor)).and_then(|r| r.target.as_ref())
    }

    /// Rows shown now (all, or those that pass the filter).
    pub fn shown_count(&self) -> usize {
        self.shown.len()
    }

    /// Keeps the rows whose text holds `query` (case-insensitive; `""` shows all) and selects the first item.
    pub fn set_filter(&mut self, query: &str, height: usize) {
        self.filter = query.to_lowercase();
        let text = |line: &Line<'_>| line.spans.iter().map(|s| s.content.as_ref()).collect::<String>().to_lowercase();
        self.shown = (0..self.rows.len())
            .filter(|&i| {
                let row = &self.rows[i];
                self.filter.is_empty()
                    || text(&row.line).contains(&self.filter)
                    || row.wide.as_ref().is_some_and(|w| text(w).contains(&self.filter))
            })
            .collect();
        self.top = 0;
        if let Some(&first) = self.shown.iter().find(|&&i| self.rows[i].target.is_some()) {
            self.cursor = first;
        }
        self.move_by(0, height);
    }

    /// The selection's position in `shown`.
    fn position(&self) -> usize {
        self.shown.iter().position(|&i| i >= self.cursor).unwrap_or(0)
    }

    /// Moves the selection by `delta` selectable rows and keeps it in a window of `height` rows.
    pub fn move_by(&mut self, delta: i64, height: usize) {
        let selectable: Vec<usize> =
            (0..self.shown.len()).filter(|&p| self.rows[self.shown[p]].target.is_some()).collect();
        if selectable.is_empty() {
            self.scroll(delta, height);
            return;
        }
        let here = self.position();
        let at = selectable.iter().position(|&p| p >= here).unwrap_or(0) as i64;
        let to = (at + delta).clamp(0, selectable.len() as i64 - 1) as usize;
        let p = selectable[to];
        self.cursor = self.shown[p];
        let height = height.max(1);
        if p < self.top {
            // Show the heading just above the first item of a group too.
            self.top = if to == 0 { 0 } else { p };
        } else if p >= self.top + height {
            self.top = p + 1 - height;
        }
    }

    /// Scrolls sideways by `delta` columns, no further than shows the end of the widest row.
    pub fn scroll_sideways(&mut self, delta: i64, width: usize) {
        let widest = self.rows.iter().map(|r| r.fitted(width).width()).max().unwrap_or(0);
        let limit = (widest + 1).saturating_sub(width);
        self.left = (self.left as i64 + delta).clamp(0, limit as i64) as usize;
    }

    /// Scrolls the window without moving the selection out of it when possible.
    pub fn scroll(&mut self, delta: i64, height: usize) {
        let max = self.shown.len().saturating_sub(height.max(1)) as i64;
        self.top = (self.top as i64 + delta).clamp(0, max.max(0)) as usize;
        let here = self.position();
        if self.rows.get(self.cursor).is_some_and(|r| r.target.is_some())
            && (here < self.top || here >= self.top + height)
        {
            let end = (self.top + height).min(self.shown.len());
            if let Some(p) = (self.top..end).find(|&p| self.rows[self.shown[p]].target.is_some()) {
                self.cursor = self.shown[p];
            }
        }
    }
}

pub use crate::timefmt::{date, offset_minutes};

/// `YYYY-MM-DD HH:MM +ZZZZ`, as `git show` would print the author date (to the minute).
pub fn date_time(time: i64, offset_minutes: i32) -> String {
    let local = (time + i64::from(offset_minutes) * 60).rem_euclid(86_400);
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let off = offset_minutes.abs();
    let (h, m) = (local / 3600, local % 3600 / 60);
    format!("{} {h:02}:{m:02} {sign}{:02}{:02}", date(time, offset_minutes), off / 60, off % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_authors_time_zone() {
        assert_eq!(date(0, 0), "1970-01-01");
        assert_eq!(date(1_700_000_000, 0), "2023-11-14");
        assert_eq!(date(1_709_164_800, 0), "2024-02-29");
        assert_eq!(date(1_700_000_000 - 80_000, offset_minutes("-0800")), "2023-11-13");
        assert_eq!(offset_minutes("+0530"), 330);
        assert_eq!(offset_minutes("-0100"), -60);
    }
}
