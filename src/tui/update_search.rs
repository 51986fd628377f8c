//! `/` searches what the person is looking at (issue 15: "goroutines" in a step's text gave `not found`, because
//! only command output was searched): the output of the selected step, the steps' text (titles and Markdown, from
//! the selected step on, moving the selection to the step that matches), a result list (filtered as the query is
//! typed, as k9s and fzf do) and the source view (moving the cursor to the next line that matches). The target is
//! chosen once, when the search starts, from the focus; `n`/`N` go on in the same place.

use super::app::App;
use super::keymap::Scope;
use super::layout::Pane;
use super::screen::{Search, SearchTarget};
use super::views::View;

impl App {
    /// `/`: a new search of whatever has the focus.
    pub(crate) fn start_search(&mut self) {
        let target = match self.scope() {
            Scope::Source => SearchTarget::Source,
            Scope::Results => SearchTarget::Results,
            _ if self.screen.focus == Pane::Text => SearchTarget::Text,
            _ if self.run_of(self.screen.selected).is_some_and(|r| !r.is_empty()) => SearchTarget::Output,
            _ => SearchTarget::Text,
        };
        self.screen.search = Some(Search { editing: true, target, ..Search::default() });
    }

    /// The query changed while being typed: a result list is filtered at once.
    pub(crate) fn search_typed(&mut self) {
        let Some(search) = &self.screen.search else { return };
        if search.target == SearchTarget::Results {
            let query = search.query.clone();
            let rows = self.result_rows();
            if let Some(result) = self.outputs.results.get_mut(&self.screen.selected) {
                result.set_filter(&query, rows);
            }
        }
    }

    /// The search ended (Esc): a filtered result list shows every row again.
    pub(crate) fn search_cleared(&mut self) {
        let rows = self.result_rows();
        if let Some(result) = self.outputs.results.get_mut(&self.screen.selected) {
            result.set_filter("", rows);
        }
    }

    /// `n`/`N` and Enter: the next (or previous) match where the search looks.
    pub(crate) fn search_step(&mut self, forward: bool) {
        let Some(search) = self.screen.search.clone().filter(|s| !s.query.is_empty()) else { return };
        match search.target {
            SearchTarget::Output => {
                let found = self.run_of(self.screen.selected).is_some_and(|r| !r.matches(&search.query).is_empty());
                if found {
                    self.find(forward);
                } else {
                    self.find_in_text(&search, forward);
                }
            }
            SearchTarget::Text => self.find_in_text(&search, forward),
            SearchTarget::Source => self.find_in_source(&search.query, forward),
            SearchTarget::Results => {
                let shown = self.outputs.results.get(&self.screen.selected).map_or(0, |r| r.shown_count());
                self.flash = Some(match shown {
                    0 => format!("not found: {}", search.query),
                    1 => format!("1 row matches {}", search.query),
                    n => format!("{n} rows match {}", search.query),
                });
            }
        }
    }

    /// The next step text line (title or Markdown) holding the query, from the current match or the selected
    /// step on, wrapping around the runbook; selects its step and scrolls its text to it.
    fn find_in_text(&mut self, search: &Search, forward: bool) {
        let needle = search.query.to_lowercase();
        let width = self.panes().inner_width(Pane::Text).max(1);
        let count = self.step_count();
        // Every match as (step, rendered line), line 0 being the title.
        let mut matches: Vec<(usize, usize)> = Vec::new();
        for step in 0..count {
            let title = self.step(step).map(|s| s.title.to_lowercase()).unwrap_or_default();
            if title.contains(&needle) {
                matches.push((step, 0));
            }
            if let Some(doc) = self.texts.get(step) {
                for (i, line) in doc.lines(width).iter().enumerate() {
                    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
                    if text.to_lowercase().contains(&needle) {
                        matches.push((step, i + 1));
                    }
                }
            }
        }
        if matches.is_empty() {
            self.flash = Some(format!("not found: {}", search.query));
            return;
        }
        let here = search.text_at.unwrap_or(if forward {
            (self.screen.selected, 0)
        } else {
            (self.screen.selected, usize::MAX)
        });
        let first_at = search.text_at.is_none();
        let next = if forward {
            matches.iter().find(|m| if first_at { **m >= here } else { **m > here }).or(matches.first())
        } else {
            matches.iter().rev().find(|m| **m < here).or(matches.last())
        };
        let Some(&(step, line)) = next else { return };
        let position = matches.iter().position(|m| *m == (step, line)).unwrap_or(0) + 1;
        let mut kept = self.screen.search.take();
        self.select(step);
        if let Some(s) = &mut kept {
            s.text_at = Some((step, line));
        }
        self.screen.search = kept;
        // Rows above the match: the title and the gap under it, then each rendered line's wrapped rows.
        let rows: usize = match (line, self.texts.get(step)) {
            (0, _) | (_, None) => 0,
            (_, Some(doc)) => {
                2 + doc.lines(width).iter().take(line - 1).map(|l| l.width().max(1).div_ceil(width)).sum::<usize>()
            }
        };
        let max = self.text_max_scroll() as usize;
        self.screen.text_scroll = rows.saturating_sub(1).min(max) as u16;
        let title = self.step(step).map(|s| s.title.clone()).unwrap_or_default();
        self.flash = Some(format!("match {position}/{} in the text of step {}: {title}", matches.len(), step + 1));
    }

    /// The next line of the source view on top that holds the query, after (or before) the cursor, wrapping.
    fn find_in_source(&mut self, query: &str, forward: bool) {
        let rows = self.view_rows();
        let Some(View::Source(view)) = self.stack.views.last_mut() else { return };
        let Some(file) = view.file.clone() else {
            self.flash = Some("the file is still loading".into());
            return;
        };
        let needle = query.to_lowercase();
        let hits: Vec<usize> =
            (0..file.len()).filter(|&i| file.line(i).to_lowercase().contains(&needle)).map(|i| i + 1).collect();
        let cursor = view.cursor;
        let next = if forward {
            hits.iter().find(|&&n| n > cursor).or(hits.first())
        } else {
            hits.iter().rev().find(|&&n| n < cursor).or(hits.last())
        };
        match next {
            Some(&line) => {
                view.move_cursor(line as i64 - cursor as i64, rows);
                let position = hits.iter().position(|&n| n == line).unwrap_or(0) + 1;
                self.flash = Some(format!("match {position}/{} · line {line}", hits.len()));
            }
            None => self.flash = Some(format!("not found: {query}")),
        }
    }
}
