//! Moving around the main screen: the selection in the step list, the option cursor, scrolling the text and
//! the output (a page, to an end, sideways for long lines), the mouse wheel over a pane, and jumping to search
//! matches in the output.

use super::app::App;
use super::layout::Pane;

/// Columns one `h`/`l` press scrolls the output sideways.
const SIDEWAYS: usize = 8;

impl App {
    pub(crate) fn move_by(&mut self, delta: i64) {
        match self.screen.focus {
            Pane::Steps => {
                let target = (self.screen.selected as i64 + delta).clamp(0, self.step_count() as i64 - 1).max(0);
                self.select(target as usize);
            }
            Pane::Action if self.option_count() > 0 => {
                let max = self.option_count() as i64 - 1;
                self.screen.option_cursor = (self.screen.option_cursor as i64 + delta).clamp(0, max) as usize;
            }
            pane => self.scroll(pane, delta),
        }
    }

    pub(crate) fn page(&mut self, direction: i64) {
        let focus = if self.screen.focus == Pane::Steps { Pane::Action } else { self.screen.focus };
        let height = self.panes().inner_height(focus).max(2) as i64 - 1;
        self.scroll(focus, direction * height);
    }

    pub(crate) fn jump_to_end(&mut self, end: bool) {
        match self.screen.focus {
            Pane::Steps => self.select(if end { self.step_count().saturating_sub(1) } else { 0 }),
            Pane::Text => self.screen.text_scroll = if end { self.text_max_scroll() } else { 0 },
            Pane::Action => self.screen.output_top = if end { None } else { Some(0) },
        }
    }

    /// Scrolls a pane by `delta` lines (the step list moves the selection).
    pub(crate) fn scroll(&mut self, pane: Pane, delta: i64) {
        match pane {
            Pane::Steps => self.move_by(delta.signum()),
            Pane::Text => {
                let max = self.text_max_scroll() as i64;
                self.screen.text_scroll = (self.screen.text_scroll as i64 + delta).clamp(0, max) as u16;
            }
            Pane::Action if self.scroll_result(delta) => {}
            Pane::Action => {
                let height = self.output_height();
                let len = self.run_of(self.screen.selected).map(|r| r.len()).unwrap_or(0);
                let bottom = len.saturating_sub(height);
                let top = self.screen.output_top.unwrap_or(bottom) as i64 + delta;
                let top = top.clamp(0, bottom as i64) as usize;
                self.screen.output_top = if top >= bottom { None } else { Some(top) };
            }
        }
    }

    /// Rows of output visible in the action pane (its header takes two).
    pub(crate) fn output_height(&self) -> usize {
        self.panes().inner_height(Pane::Action).saturating_sub(2).max(1)
    }

    pub(crate) fn text_max_scroll(&self) -> u16 {
        let width = self.panes().inner_width(Pane::Text).max(1);
        let Some(text) = self.texts.get(self.screen.selected) else { return 0 };
        let rows: usize = text.lines(width).iter().map(|l| l.width().max(1).div_ceil(width)).sum::<usize>() + 2;
        rows.saturating_sub(self.panes().inner_height(Pane::Text)) as u16
    }

    pub(crate) fn find(&mut self, forward: bool) {
        let Some(query) = self.screen.search.as_ref().map(|s| s.query.clone()).filter(|q| !q.is_empty()) else {
            return;
        };
        let matches = self.run_of(self.screen.selected).map(|r| r.matches(&query)).unwrap_or_default();
        if matches.is_empty() {
            self.flash = Some(format!("not found: {query}"));
            return;
        }
        let current = self.screen.search.as_ref().and_then(|s| s.current);
        let next = match (current, forward) {
            (None, true) => matches.first(),
            (None, false) => matches.last(),
            (Some(c), true) => matches.iter().find(|m| **m > c).or(matches.first()),
            (Some(c), false) => matches.iter().rev().find(|m| **m < c).or(matches.last()),
        };
        let Some(&line) = next else { return };
        if let Some(s) = &mut self.screen.search {
            s.current = Some(line);
        }
        let position = matches.iter().position(|m| *m == line).unwrap_or(0) + 1;
        self.flash = Some(format!("match {position}/{}", matches.len()));
        let height = self.output_height();
        let len = self.run_of(self.screen.selected).map(|r| r.len()).unwrap_or(0);
        let top = line.saturating_sub(height / 2);
        self.screen.output_top = if top + height >= len { None } else { Some(top) };
    }

    pub(crate) fn scroll_left(&mut self) {
        self.screen.output_left = self.screen.output_left.saturating_sub(SIDEWAYS);
    }

    /// Scrolls the output right, no further than shows the end of its longest line.
    pub(crate) fn scroll_right(&mut self) {
        let width = self.panes().inner_width(Pane::Action);
        let longest = self.outputs.runs.get(&self.screen.selected).map_or(0, |run| {
            run.lines.iter().map(|l| unicode_width::UnicodeWidthStr::width(l.text.as_str())).max().unwrap_or(0)
        });
        let limit = (longest + 1).saturating_sub(width);
        self.screen.output_left = (self.screen.output_left + SIDEWAYS).min(limit);
        if self.screen.output_left == 0 {
            self.flash = Some("the output fits: nothing to scroll sideways".into());
        }
    }
}
