//! The view stack's state: full-screen views pushed over the main screen (a source file, a commit, the GC chart,
//! the simulator and its crash-rate chart, the runbook's summary), the blame cache they share, and where a view is drawn. How `update`
//! drives them is in `update_views.rs`; this module knows nothing of `App`, so `App` can hold a `ViewStack`
//! without the two modules depending on each other.

use super::sim::{RatesView, SimRun, SimView, PLAY_STEP};
use super::source::SourceView;
use crate::locate::commit_patch::{CommitPatch, FilePatch};
use crate::locate::BlameLine;
use crate::probes::commit::CommitDetails;
use crate::sim::Summary;
use ratatui::layout::Rect;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq)]
pub enum View {
    Source(Box<SourceView>),
    Commit(Box<CommitView>),
    /// The GC chart of a parse step's report (by step index).
    Gc {
        step: usize,
    },
    /// The map-race simulator: lanes, crash, flags (`sim/`).
    Sim(Box<SimView>),
    /// Crash rate per program.
    Rates(Box<RatesView>),
    /// About the runbook (`i`): its title, summary and phases, scrolled by `scroll` rows.
    Info {
        scroll: u16,
    },
}

/// The views over the main screen, top last, and what they share.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ViewStack {
    /// Full-screen views over the main screen (source, commit, GC chart, simulator, crash rates); Esc pops the
    /// top one.
    pub views: Vec<View>,
    /// Whole-file blames by path, computed once per file and kept for the session.
    pub blames: HashMap<PathBuf, BlameState>,
    /// Whether those blames are `git blame -C`'s (`C` in the source view), not plain blame's.
    pub blame_moves: bool,
    /// Numbers simulator requests, so a late answer to an older one is dropped.
    pub sim_generation: u64,
}

impl ViewStack {
    /// The view on top, if any.
    pub fn top(&self) -> Option<&View> {
        self.views.last()
    }

    /// The simulator view on top, if any.
    pub fn sim_view(&self) -> Option<&SimView> {
        match self.views.last() {
            Some(View::Sim(v)) => Some(v),
            _ => None,
        }
    }

    /// A number for a new simulator request; answers to older ones are dropped.
    pub fn next_generation(&mut self) -> u64 {
        self.sim_generation += 1;
        self.sim_generation
    }

    /// Every open source view of `path` (the same file may be open twice, from two results).
    pub fn source_views<'a>(&'a mut self, path: &'a Path) -> impl Iterator<Item = &'a mut SourceView> {
        self.views.iter_mut().filter_map(move |v| match v {
            View::Source(s) if s.path == path => Some(s.as_mut()),
            _ => None,
        })
    }

    /// A commit lookup arrived: every commit view still waiting for it shows it.
    pub fn commit_loaded(&mut self, commit: &str, result: &Result<CommitDetails, String>) {
        for view in &mut self.views {
            if let View::Commit(c) = view {
                if c.commit == commit && c.details.is_none() {
                    c.details = Some(result.clone());
                }
            }
        }
    }

    /// A commit's patch arrived: every commit view of it shows it.
    pub fn patch_loaded(&mut self, commit: &str, result: &Result<Arc<CommitPatch>, String>) {
        for view in &mut self.views {
            if let View::Commit(c) = view {
                if c.commit == commit && c.patch.is_none() {
                    c.patch = Some(result.clone());
                }
            }
        }
    }

    /// A simulator run arrived: show it (cursor on the crash, or the end) if it is the one asked for last.
    pub(crate) fn sim_loaded(&mut self, generation: u64, result: Result<Arc<SimRun>, String>) {
        for view in &mut self.views {
            let View::Sim(v) = view else { continue };
            if v.pending != Some(generation) {
                continue;
            }
            v.pending = None;
            match &result {
                Ok(run) => {
                    v.cursor = run.last();
                    v.run = Some(run.clone());
                    v.error = None;
                }
                Err(e) => v.error = Some(e.clone()),
            }
        }
    }

    /// One program's batch for the crash-rate chart arrived.
    pub(crate) fn rate_done(&mut self, generation: u64, index: usize, result: Result<Summary, String>) {
        for view in &mut self.views {
            if let View::Rates(r) = view {
                if r.generation == generation {
                    if let Some(slot) = r.results.get_mut(index) {
                        *slot = Some(result.clone());
                    }
                }
            }
        }
    }

    /// The simulator on top is playing: the loop keeps ticking and drawing.
    pub fn sim_playing(&self) -> bool {
        matches!(self.views.last(), Some(View::Sim(v)) if v.playing)
    }

    /// A tick while playing moves the cursor on.
    pub(crate) fn sim_tick(&mut self) {
        if let Some(View::Sim(v)) = self.views.last_mut() {
            if v.playing {
                v.move_by(PLAY_STEP as i64);
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CommitView {
    pub commit: String,
    /// `None` while the lookup runs.
    pub details: Option<Result<CommitDetails, String>>,
    pub scroll: u16,
    /// The blamed file, whose diff is shown first.
    pub path: PathBuf,
    /// The commit's patch, file by file (`None` while it is computed; in a replay, why it is not shown).
    pub patch: Option<Result<Arc<CommitPatch>, String>>,
    /// `a`: the diff of every file the commit changed, not only the blamed one's.
    pub all_files: bool,
}

impl CommitView {
    pub fn new(commit: String, path: PathBuf) -> CommitView {
        CommitView { commit, details: None, scroll: 0, path, patch: None, all_files: false }
    }

    /// The patches shown: the blamed file's (matched by its path in the repository), or all of them.
    pub fn shown_files(&self) -> Vec<&FilePatch> {
        let Some(Ok(patch)) = &self.patch else { return Vec::new() };
        if self.all_files {
            return patch.files.iter().collect();
        }
        patch.files.iter().filter(|f| self.path.ends_with(&f.path)).collect()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum BlameState {
    Loading,
    Ready(Arc<Vec<BlameLine>>),
    Failed(String),
}

/// A full-screen view's frame and the status bar of `status_rows` under it.
pub fn view_areas(area: Rect, status_rows: u16) -> (Rect, Rect) {
    let rows = status_rows.max(1).min(area.height);
    let body = Rect { height: area.height.saturating_sub(rows), ..area };
    let status = Rect { y: area.y + body.height, height: rows, ..area };
    (body, status)
}
