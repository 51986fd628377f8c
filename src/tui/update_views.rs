//! How `update` drives the view stack (`views.rs`): opening a source view, the keys of the view on top, and
//! what the view jobs answer. Esc pops the top view; the main screen underneath keeps its state.
//!
//! Everything slow is a job: reading and indexing the file, checkpointing its highlighting, blaming it (once per
//! file, cached for the session), looking up a commit, running the editor. The view shows "loading" meanwhile
//! and keys keep working, so opening a 100k-line file never freezes the screen.

use super::action::{Intent, ViewAnswer};
use super::app::App;
use super::jobs::{HostJob, ViewJob};
use super::results::Target;
use super::source::past::{self, Past};
use super::source::{SourceView, SIDEWAYS};
use super::views::{view_areas, BlameState, CommitView, View};
use std::path::PathBuf;

impl App {
    /// Lines of source inside the view's border.
    pub(crate) fn view_rows(&self) -> usize {
        (view_areas(self.size, self.status_rows(self.size)).0.height as usize).saturating_sub(2).max(1)
    }

    /// Enter in a result list.
    pub(crate) fn open_selected(&mut self) -> Option<Intent> {
        let index = self.screen.selected;
        match self.outputs.results.get(&index)?.target()?.clone() {
            Target::Source { file, line } => Some(Intent::OpenSource { file: PathBuf::from(file), line }),
            Target::GcChart => {
                self.stack.views.push(View::Gc { step: index });
                None
            }
            Target::Simulator => {
                self.open_sim_of_step(index);
                None
            }
            Target::SimRates => {
                let go = match self.outputs.results.get(&index).map(|r| r.output.as_ref()) {
                    Some(crate::probes::output::ProbeOutput::Simulate(out)) => out.go,
                    _ => crate::sim::GoVersion::NEWEST,
                };
                self.open_builtin_rates(go);
                None
            }
        }
    }

    /// Opens a source view of `path` (a frame's path as printed is mapped to the repository first: `pathmap.rs`).
    pub(crate) fn open_source(&mut self, printed: PathBuf, line: usize) {
        let resolved = self.resolve_frame(&printed);
        let path = resolved.path.clone();
        self.journal_repo_view(&path);
        // A replay shows the file as it was at the replay's position, never as it is today.
        let past = self.past_of(&path);
        let mut view = SourceView::new(path.clone(), line, self.theme.color);
        view.origin = resolved.origin;
        view.mapped_by = resolved.mapped_by;
        view.past = past.as_ref().map(Past::note);
        self.stack.views.push(View::Source(Box::new(view)));
        self.jobs.push(ViewJob::LoadSource { path: path.clone(), past: past.clone() }.into());
        // What to blame: the working tree live (once per file), the recorded commit in a replay (again at each
        // open, since the moment may differ), nothing when the replay cannot tell the lines' commits.
        self.open_blame(path, past.as_ref());
    }

    /// `C`: blame every open file again, as `git blame -C` or plainly.
    fn toggle_moves_blame(&mut self) {
        self.stack.blame_moves = !self.stack.blame_moves;
        self.stack.blames.clear();
        let mut paths: Vec<PathBuf> = Vec::new();
        for view in &self.stack.views {
            if let View::Source(v) = view {
                if !paths.contains(&v.path) {
                    paths.push(v.path.clone());
                }
            }
        }
        for path in paths {
            let past = self.past_of(&path);
            self.open_blame(path, past.as_ref());
        }
        self.flash = Some(match self.stack.blame_moves {
            true => "blame -C: moved and copied lines keep their commit (C: plain)".into(),
            false => "plain blame: moved lines are the mover's (C: blame -C)".into(),
        });
    }

    /// Queues the blame of `path` for the source view, when there is one to run (see `blame_rev`).
    fn open_blame(&mut self, path: PathBuf, past: Option<&Past>) {
        if let Some(rev) = self.blame_rev(&path, past) {
            self.stack.blames.insert(path.clone(), BlameState::Loading);
            let moves = self.stack.blame_moves;
            self.jobs.push(ViewJob::Blame { path, rev, moves }.into());
        }
    }

    /// What to blame for the source view of `path`: `Some(rev)` to run one (`None` rev: the working tree),
    /// `None` when there is none to run (already blamed, or a replay that cannot tell; that is recorded).
    fn blame_rev(&mut self, path: &std::path::Path, past: Option<&Past>) -> Option<Option<String>> {
        let path = path.to_path_buf();
        let blame: Option<Option<String>> = match past {
            None => (!self.stack.blames.contains_key(&path)).then_some(None),
            Some(Past::NotRecorded) => Some(None),
            Some(p) => match p.blame_rev() {
                Some(rev) => Some(Some(rev.to_string())),
                None => {
                    let why = match p {
                        Past::Recorded { .. } => "the file had uncommitted changes then: no blame in a replay",
                        _ => "the file is not available as it was then",
                    };
                    self.stack.blames.insert(path.clone(), BlameState::Failed(why.into()));
                    None
                }
            },
        };
        blame
    }

    /// In a replay, `path` as the session had it at the replay's position; `None` live (the working tree).
    fn past_of(&self, path: &std::path::Path) -> Option<Past> {
        let replay = self.mode.replay()?;
        Some(past::as_it_was(replay.records().get(..replay.position()).unwrap_or_default(), path))
    }

    /// Keys while a view is open. Returns false for keys the view does not take (help, quit).
    pub(crate) fn view_key(&mut self, action: &Intent) -> bool {
        if self.is_replay() && matches!(action, Intent::OpenEditor | Intent::MarkLine | Intent::MapPathStart) {
            self.flash = Some("read-only replay: the file is shown as it was, nothing is edited or written".into());
            return true;
        }
        let rows = self.view_rows();
        if matches!(self.stack.views.last(), Some(View::Sim(_))) && matches!(action, Intent::Sim(_)) {
            return self.sim_key(action);
        }
        let Some(view) = self.stack.views.last_mut() else { return false };
        match (view, action) {
            (_, Intent::Back) => {
                self.stack.views.pop();
                // A search of the view closed with it.
                if self.screen.search.as_ref().is_some_and(|s| s.target == super::screen::SearchTarget::Source) {
                    self.screen.search = None;
                }
            }
            (View::Source(v), Intent::Up) => v.move_cursor(-1, rows),
            (View::Source(v), Intent::Down) => v.move_cursor(1, rows),
            (View::Source(v), Intent::PageUp) => v.move_cursor(-(rows as i64 - 1).max(1), rows),
            (View::Source(v), Intent::PageDown) => v.move_cursor((rows as i64 - 1).max(1), rows),
            (View::Source(v), Intent::Top) => v.move_cursor(i64::MIN / 2, rows),
            (View::Source(v), Intent::Bottom) => v.to_end(rows),
            (View::Source(v), Intent::ScrollLeft) => v.scroll_sideways(-(SIDEWAYS as i64), rows),
            (View::Source(v), Intent::ScrollRight) => v.scroll_sideways(SIDEWAYS as i64, rows),
            (View::Source(v), Intent::ToggleGutter) => v.gutter_hidden = !v.gutter_hidden,
            (View::Source(_), Intent::ToggleMovesBlame) => self.toggle_moves_blame(),
            (View::Source(v), Intent::BlameFunction) => {
                let (path, line) = (v.path.clone(), v.cursor);
                // In a replay, the function as it was: blamed at the recorded commit (see `open_source`).
                let rev = match self.stack.blames.get(&path) {
                    Some(BlameState::Failed(_)) if self.is_replay() => {
                        self.flash = Some("no blame for this file as it was then".into());
                        return true;
                    }
                    _ => self.past_of(&path).and_then(|p| p.blame_rev().map(str::to_string)),
                };
                self.flash = Some("blaming the function…".into());
                self.jobs.push(ViewJob::BlameFunction { path, line, rev }.into());
            }
            (View::Source(v), Intent::ShowCommit) => {
                let (path, cursor) = (v.path.clone(), v.cursor);
                self.show_commit(path, cursor);
            }
            (View::Source(v), Intent::MapPathStart) => {
                let frame = v.origin.clone().unwrap_or_else(|| v.path.display().to_string());
                self.open_path_map(Some(frame));
            }
            (View::Source(v), Intent::OpenEditor) => {
                let job = HostJob::Editor { path: v.path.clone(), line: v.cursor };
                self.jobs.push(job.into());
            }
            (View::Source(v), Intent::MarkLine) => {
                let (path, line) = (v.path.clone(), v.cursor);
                self.mark_line(&path, line);
            }
            (View::Source(_) | View::Commit(_), Intent::CopyLocation) => self.copy_focused(),
            (View::Info { scroll }, Intent::Up) => *scroll = scroll.saturating_sub(1),
            (View::Info { scroll }, Intent::Down) => *scroll = scroll.saturating_add(1),
            (View::Commit(c), Intent::Up) => c.scroll = c.scroll.saturating_sub(1),
            (View::Commit(c), Intent::Down) => c.scroll = c.scroll.saturating_add(1),
            (View::Commit(c), Intent::PageUp) => c.scroll = c.scroll.saturating_sub(rows as u16),
            (View::Commit(c), Intent::PageDown) => c.scroll = c.scroll.saturating_add(rows as u16),
            (View::Commit(c), Intent::Top) => c.scroll = 0,
            (View::Commit(c), Intent::Toggle) => {
                c.all_files = !c.all_files;
                c.scroll = 0;
            }
            (_, _) => return false,
        }
        true
    }

    pub(crate) fn view_wheel(&mut self, down: bool) {
        let rows = self.view_rows();
        match self.stack.views.last_mut() {
            Some(View::Source(v)) => v.scroll(if down { 3 } else { -3 }, rows),
            Some(View::Commit(c)) => {
                c.scroll = if down { c.scroll.saturating_add(3) } else { c.scroll.saturating_sub(3) }
            }
            _ => {}
        }
    }

    fn show_commit(&mut self, path: PathBuf, line: usize) {
        let blamed = match self.stack.blames.get(&path) {
            Some(BlameState::Ready(lines)) => lines.get(line.wrapping_sub(1)).filter(|l| l.line == line).cloned(),
            Some(BlameState::Loading) => {
                self.flash = Some("blame is still running".into());
                return;
            }
            Some(BlameState::Failed(reason)) => {
                self.flash = Some(format!("no blame: {reason}"));
                return;
            }
            None => None,
        };
        match blamed {
            Some(l) if l.uncommitted => self.flash = Some("not committed yet".into()),
            Some(l) => {
                let mut view = CommitView::new(l.commit.clone(), path.clone());
                if self.mode.is_replay() {
                    // A replay runs nothing and the journal keeps no diffs.
                    view.patch = Some(Err("the diff is not shown in a replay: the journal does not hold it".into()));
                } else {
                    self.jobs.push(ViewJob::CommitPatch { path: path.clone(), commit: l.commit.clone() }.into());
                }
                self.stack.views.push(View::Commit(Box::new(view)));
                self.jobs.push(ViewJob::Commit { path, commit: l.commit }.into());
            }
            None => self.flash = Some(format!("no blame for line {line}")),
        }
    }

    /// Applies what a view job reports.
    pub(crate) fn view_answer(&mut self, answer: ViewAnswer) {
        let rows = self.view_rows();
        match answer {
            ViewAnswer::SourceLoaded { path, result } => {
                let mut failed = None;
                let mut wants_checkpoints = None;
                for view in self.stack.source_views(&path) {
                    match &result {
                        Ok(file) => {
                            view.loaded(file.clone(), rows);
                            if view.wants_background_checkpoints() {
                                wants_checkpoints = Some(file.clone());
                            }
                        }
                        Err(e) => failed = Some(format!("{}:{} ({e})", path.display(), view.target)),
                    }
                }
                if let Some(file) = wants_checkpoints {
                    self.jobs.push(ViewJob::Checkpoints { path: path.clone(), file }.into());
                }
                if let Some(message) = failed {
                    // A frame from another machine or the toolchain: the location is all there is to show.
                    self.stack.views.retain(|v| !matches!(v, View::Source(s) if s.path == path && s.file.is_none()));
                    self.flash = Some(message);
                }
            }
            ViewAnswer::CheckpointsReady { path, checkpoints } => {
                for view in self.stack.source_views(&path) {
                    view.add_checkpoints(&checkpoints, rows);
                }
            }
            ViewAnswer::FunctionBlamed { path, result } => {
                self.flash = Some(match result {
                    Ok(found) => super::function_blame::summary(&found, &path),
                    Err(e) => format!("no function blame: {e}"),
                });
            }
            // Blamed before `C` was toggled: its successor is on its way.
            ViewAnswer::BlameLoaded { moves, .. } if moves != self.stack.blame_moves => {}
            ViewAnswer::BlameLoaded { path, result, .. } => {
                let state = match result {
                    Ok(lines) => BlameState::Ready(lines),
                    Err(e) => BlameState::Failed(e),
                };
                self.stack.blames.insert(path, state);
            }
            ViewAnswer::CommitLoaded { commit, result } => self.stack.commit_loaded(&commit, &result),
            ViewAnswer::PatchLoaded { commit, result } => self.stack.patch_loaded(&commit, &result),
            ViewAnswer::ViewCaptured { request, captured } => self.journal_view_captured(request, captured),
            ViewAnswer::RepoCaptured { request, snapshot } => self.repo_captured(request, snapshot),
            ViewAnswer::SimLoaded { generation, result } => self.stack.sim_loaded(generation, result),
            ViewAnswer::RateDone { generation, index, result } => self.stack.rate_done(generation, index, result),
            ViewAnswer::EvidenceFetched { command, result } => self.evidence_fetched(command, result),
            ViewAnswer::EvidenceLoaded { name, result } => self.evidence_loaded(name, result),
            ViewAnswer::Failed(why) => self.flash = Some(format!("a background job failed: {why}")),
        }
    }

    /// The editor exited: the file may have changed, so read it again and blame it afresh.
    pub(crate) fn editor_closed(&mut self, path: PathBuf, result: Result<(), String>) {
        if let Err(e) = result {
            self.flash = Some(format!("editor: {e}"));
        }
        self.jobs.push(ViewJob::LoadSource { path: path.clone(), past: None }.into());
        self.stack.blames.insert(path.clone(), BlameState::Loading);
        let moves = self.stack.blame_moves;
        self.jobs.push(ViewJob::Blame { path, rev: None, moves }.into());
    }
}
