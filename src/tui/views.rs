//! The view stack's state: full-screen views pushed over the main screen (a source file, a commit, the GC chart,
//! the simulator and its crash-rate chart), the blame cache they share, and where a view is drawn. How `update`
//! drives them is in `update_views.rs`; this module knows nothing of `App`, so `App` can hold a `ViewStack`
//! without the two modules depending on each other.

use super::source::SourceView;
use crate::locate::BlameLine;
use crate::probes::commit::CommitDetails;
use ratatui::layout::Rect;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq)]
pub enum View {
    Source(Box<SourceView>),
    Commit(CommitView),
    /// The GC chart of a parse step's report (by step index).
    Gc {
        step: usize,
    },
    /// The map-race simulator: lanes, crash, flags (`sim/`).
    Sim(Box<super::sim::SimView>),
    /// Crash rate per program.
    Rates(Box<super::sim::RatesView>),
}

/// The views over the main screen, top last, and what they share.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ViewStack {
    /// Full-screen views over the main screen (source, commit, GC chart, simulator, crash rates); Esc pops the
    /// top one.
    pub views: Vec<View>,
    /// Whole-file blames by path, computed once per file and kept for the session.
    pub blames: HashMap<PathBuf, BlameState>,
    /// Numbers simulator requests, so a late answer to an older one is dropped.
    pub sim_generation: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CommitView {
    pub commit: String,
    /// `None` while the lookup runs.
    pub details: Option<Result<CommitDetails, String>>,
    pub scroll: u16,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BlameState {
    Loading,
    Ready(Arc<Vec<BlameLine>>),
    Failed(String),
}

/// A full-screen view's frame and the status bar under it.
pub fn view_areas(area: Rect) -> (Rect, Rect) {
    let body = Rect { height: area.height.saturating_sub(1), ..area };
    let status = Rect { y: area.y + body.height, height: area.height.min(1), ..area };
    (body, status)
}
