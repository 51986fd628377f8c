//! The source view's state: which file, which line is the target, where the cursor and the window are, and the
//! highlighted window. `update` moves it and repaints; `draw` only reads `painted`.
//!
//! Highlighting is the one costly thing here, so it is bounded: only the window is painted, from the nearest
//! checkpoint above it (see `highlight`). Checkpoints are made as the view scrolls down, at most `SYNC_LINES`
//! lines per repaint; a jump further than that (G in a 100k-line file) shows plain text until the background job
//! that checkpoints the whole file reports back.

pub mod file;
pub mod past;

use super::highlight::{self, Checkpoint, CHECKPOINT_EVERY};
use file::SourceFile;
use ratatui::text::Line;
use std::path::PathBuf;
use std::sync::Arc;

/// Most lines highlighted on the UI thread to reach a window.
pub const SYNC_LINES: usize = 4 * CHECKPOINT_EVERY;

#[derive(Debug, Clone, PartialEq)]
pub struct SourceView {
    pub path: PathBuf,
    /// The line that was asked for (1-based), marked in the margin.
    pub target: usize,
    /// The line `b`, `e` and `y` act on (1-based).
    pub cursor: usize,
    /// First line in the window (0-based).
    pub top: usize,
    /// `None` while the background job reads and indexes the file.
    pub file: Option<Arc<SourceFile>>,
    pub checkpoints: Vec<Checkpoint>,
    /// Highlighted lines from `top`; shorter or empty when plain text must do.
    pub painted: Vec<Line<'static>>,
    painted_top: usize,
    /// The file's grammar is known and colour is on.
    highlight: bool,
    /// Moves asked for before the file arrived, replayed in order when it does (keys are never lost).
    pending: Vec<Move>,
    /// The path as the evidence printed it, when it is not `path` (mapped, or not found in the repository).
    pub origin: Option<String>,
    /// How `origin` was mapped to `path` (`by module example.com/app`, `by suffix …`, `by your rewrite …`).
    pub mapped_by: Option<String>,
    /// In a replay: where the shown content came from (the file as it was then, or why it cannot be shown).
    pub past: Option<String>,
    /// Columns of code scrolled off to the left (`h`/`l`); line numbers and the gutter stay.
    pub left: usize,
    /// The blame gutter is hidden (`B`): at 80 columns it leaves 42 for code.
    pub gutter_hidden: bool,
}

/// Columns one `h`/`l` press scrolls the code sideways.
pub const SIDEWAYS: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Move {
    By(i64),
    End,
}

impl SourceView {
    pub fn new(path: PathBuf, line: usize, colour: bool) -> SourceView {
        let highlight = colour && highlight::syntax_for(&path).is_some();
        let line = line.max(1);
        SourceView {
            path,
            target: line,
            cursor: line,
            top: 0,
            file: None,
            checkpoints: Vec::new(),
            painted: Vec::new(),
            painted_top: 0,
            highlight,
            pending: Vec::new(),
            origin: None,
            mapped_by: None,
            past: None,
            left: 0,
            gutter_hidden: false,
        }
    }

    /// Scrolls the code sideways by `delta` columns, no further than shows the end of the longest line in the
    /// window (tabs count four columns, as drawn).
    pub fn scroll_sideways(&mut self, delta: i64, height: usize) {
        let Some(file) = &self.file else { return };
        let longest = (self.top..(self.top + height.max(1)).min(file.len()))
            .map(|i| unicode_width::UnicodeWidthStr::width(file.line(i).replace('\t', "    ").as_str()))
            .max()
            .unwrap_or(0);
        let left = (self.left as i64 + delta).clamp(0, longest.saturating_sub(1) as i64);
        self.left = left as usize;
    }

    /// Lines in the file (0 until it is loaded).
    pub fn len(&self) -> usize {
        self.file.as_ref().map_or(0, |f| f.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether a background job should checkpoint the whole file (too long to do on the UI thread).
    pub fn wants_background_checkpoints(&self) -> bool {
        self.highlight && self.len() > SYNC_LINES
    }

    /// The file arrived: clamp the lines asked for and put the target a third of the way down.
    pub fn loaded(&mut self, file: Arc<SourceFile>, height: usize) {
        let last = file.len().max(1);
        self.file = Some(file);
        self.checkpoints.clear();
        self.target = self.target.min(last);
        self.cursor = self.cursor.min(last);
        self.top = self.cursor.saturating_sub(1).saturating_sub(height / 3);
        self.clamp(height);
        for m in std::mem::take(&mut self.pending) {
            match m {
                Move::By(delta) => self.move_cursor(delta, height),
                Move::End => self.to_end(height),
            }
        }
        self.repaint(height);
    }

    /// Moves the cursor, scrolling to keep it in the window.
    pub fn move_cursor(&mut self, delta: i64, height: usize) {
        if self.file.is_none() {
            self.pending.push(Move::By(delta));
            return;
        }
        let last = self.len().max(1) as i64;
        self.cursor = (self.cursor as i64 + delta).clamp(1, last) as usize;
        let height = height.max(1);
        if self.cursor - 1 < self.top {
            self.top = self.cursor - 1;
        } else if self.cursor > self.top + height {
            self.top = self.cursor - height;
        }
        self.clamp(height);
        self.repaint(height);
    }

    pub fn to_end(&mut self, height: usize) {
        match self.file {
            Some(_) => self.move_cursor(i64::MAX / 2, height),
            None => self.pending.push(Move::End),
        }
    }

    /// Scrolls the window (the wheel), dragging the cursor along when it would leave it.
    pub fn scroll(&mut self, delta: i64, height: usize) {
        if self.file.is_none() {
            return;
        }
        self.top = (self.top as i64 + delta).max(0) as usize;
        self.clamp(height);
        let height = height.max(1);
        self.cursor = self.cursor.clamp(self.top + 1, (self.top + height).min(self.len()).max(self.top + 1));
        self.repaint(height);
    }

    fn clamp(&mut self, height: usize) {
        self.top = self.top.min(self.len().saturating_sub(height.max(1)));
    }

    /// Checkpoints from the background job (only ever more than the view already has).
    pub fn add_checkpoints(&mut self, checkpoints: &[Checkpoint], height: usize) {
        if checkpoints.len() > self.checkpoints.len() {
            self.checkpoints = checkpoints.to_vec();
            self.repaint(height);
        }
    }

    /// Highlighted line `index` (0-based) if it is painted.
    pub fn painted_line(&self, index: usize) -> Option<&Line<'static>> {
        index.checked_sub(self.painted_top).and_then(|i| self.painted.get(i))
    }

    /// Highlights the window; plain text (no `painted`) when the nearest checkpoint is out of reach.
    pub fn repaint(&mut self, height: usize) {
        self.painted.clear();
        self.painted_top = self.top;
        let Some(file) = self.file.clone().filter(|_| self.highlight) else { return };
        let Some(syntax) = highlight::syntax_for(&self.path) else { return };
        if self.checkpoints.is_empty() {
            self.checkpoints.push(highlight::start(syntax));
        }
        let want = self.top / CHECKPOINT_EVERY;
        let have = self.checkpoints.len() - 1;
        if want > have {
            if (want - have) * CHECKPOINT_EVERY > SYNC_LINES {
                return;
            }
            let mut state = self.checkpoints[have].clone();
            for k in have..want {
                highlight::paint(&mut state, file.lines(k * CHECKPOINT_EVERY, (k + 1) * CHECKPOINT_EVERY));
                self.checkpoints.push(state.clone());
            }
        }
        let mut state = self.checkpoints[want].clone();
        highlight::paint(&mut state, file.lines(want * CHECKPOINT_EVERY, self.top));
        self.painted = highlight::paint(&mut state, file.lines(self.top, self.top + height));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(lines: usize, target: usize) -> SourceView {
        let text: String = (1..=lines).map(|i| format!("x := {i}\n")).collect();
        let mut v = SourceView::new("f.go".into(), target, true);
        v.loaded(Arc::new(SourceFile::from_bytes(text.as_bytes())), 10);
        v
    }

    #[test]
    fn the_target_sits_a_third_down_and_the_cursor_stays_in_the_window() {
        let mut v = view(100, 50);
        assert_eq!((v.top, v.cursor), (46, 50));
        v.move_cursor(20, 10);
        assert_eq!((v.top, v.cursor), (60, 70));
        v.move_cursor(-1000, 10);
        assert_eq!((v.top, v.cursor), (0, 1));
        v.to_end(10);
        assert_eq!((v.top, v.cursor), (90, 100));
        assert_eq!(v.painted.len(), 10);
    }

    #[test]
    fn a_far_jump_paints_plain_until_checkpoints_arrive() {
        let mut v = view(5 * SYNC_LINES, 1);
        v.to_end(10);
        assert!(v.painted.is_empty(), "no highlighting of 100k lines on the UI thread");
        let file = v.file.clone().unwrap();
        let syntax = highlight::syntax_for(&v.path).unwrap();
        let all = highlight::checkpoints(highlight::start(syntax), file.lines(0, file.len()));
        v.add_checkpoints(&all, 10);
        assert_eq!(v.painted.len(), 10);
    }
}
