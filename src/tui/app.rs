//! The UI's whole state: the engine session plus what only the screen needs, grouped by what it is about: the
//! main screen (`MainScreen`: selection, focus, overlays, scroll positions), what the steps produced
//! (`StepOutputs`), the full-screen views (`ViewStack`), the kind of session (`Mode`) and how it ended (`Exit`).
//! `update` changes it, `draw` only reads it, and background work reaches it only through actions. Work to start
//! (spawn a command, cancel one) is queued here as `Job`s for the event loop.

use super::jobs::Job;
use super::keymap::{Scope, When};
use super::layout::{self, Pane, Panes};
use super::mode::{Exit, Mode};
use super::output::{StepOutputs, StepRun};
use super::results::StepResult;
use super::screen::{MainScreen, Overlay, Search};
use super::theme::Theme;
use super::views::{BlameState, View, ViewStack};
use crate::engine::{Action as StepAction, Session, Step, StepStatus};
use ratatui::layout::Rect;

/// Columns the status bar keeps for ` ? help` whatever else it shows.
pub const STATUS_HELP_WIDTH: usize = 7;

pub struct App {
    pub(crate) session: Session,
    pub(crate) name: String,
    pub(crate) theme: Theme,
    /// Rendered Markdown of each step (flat index), and of the summary.
    pub(crate) texts: super::step_texts::StepTexts,
    pub(crate) size: Rect,
    pub(crate) clock_ms: u64,
    /// One line of news for the status bar (cleared by the next key).
    pub(crate) flash: Option<String>,
    pub(crate) jobs: Vec<Job>,
    /// Selection, focus, overlay, scroll positions and search of the main screen.
    pub(crate) screen: MainScreen,
    /// What each step's command or probe produced, and which are in flight.
    pub(crate) outputs: StepOutputs,
    /// Full-screen views over the main screen, and what they share (blames, simulator requests).
    pub(crate) stack: ViewStack,
    /// Live, drill or replay, with the journal of the first two.
    pub(crate) mode: Mode,
    /// Set once the screen is to close.
    pub(crate) exit: Option<Exit>,
    /// The repositories steps ran in, for the journal's `repo_state` entries (`journaling.rs`).
    pub(crate) repos: std::cell::RefCell<crate::locate::repo_state::Tracker>,
    /// Their states still to capture for the journal, one at a time off the UI thread (`repo_captures.rs`).
    pub(crate) repo_captures: super::repo_captures::RepoCaptures,
    /// `--redact`: evidence given on screen (pasted, by path, fetched) is masked as `--log` is.
    pub(crate) redactor: crate::evidence::Redactor,
    /// `--map`, and the corrections made on screen: the path rewrites the evidence is triaged with.
    pub(crate) rewrites: Vec<crate::locate::Rewrite>,
    /// `--log` being stored and parsed in the background: what the status bar says until it is in.
    pub(crate) evidence_loading: Option<String>,
}

impl App {
    pub fn new(session: Session, name: &str, theme: Theme) -> App {
        let texts =
            super::step_texts::StepTexts::new(session.runbook().steps().map(|s| s.text.clone()).collect(), theme);
        let selected = session.cursor().unwrap_or(0);
        App {
            session,
            name: name.to_string(),
            theme,
            texts,
            size: Rect::new(0, 0, 80, 24),
            clock_ms: 0,
            flash: None,
            jobs: Vec::new(),
            screen: MainScreen::new(selected),
            outputs: StepOutputs::default(),
            stack: ViewStack::default(),
            mode: Mode::Live { journal: None },
            exit: None,
            repos: Default::default(),
            repo_captures: Default::default(),
            evidence_loading: None,
            redactor: Default::default(),
            rewrites: Vec::new(),
        }
    }

    /// Makes this screen the drill `scenario`'s: its name and clock in the title bar.
    pub fn set_drill(&mut self, scenario: &str) {
        let journal = self.mode.take_journal();
        self.mode = Mode::Drill { scenario: scenario.to_string(), journal };
    }

    pub fn session(&self) -> &Session {
        &self.session
    }
    pub fn selected(&self) -> usize {
        self.screen.selected
    }
    pub fn focus(&self) -> Pane {
        self.screen.focus
    }
    pub fn overlay(&self) -> &Overlay {
        &self.screen.overlay
    }
    pub fn should_quit(&self) -> bool {
        self.exit.is_some()
    }
    /// How the screen closed (`None` while it is open).
    pub fn exit(&self) -> Option<Exit> {
        self.exit
    }
    pub fn run_of(&self, index: usize) -> Option<&StepRun> {
        self.outputs.runs.get(&index)
    }
    /// News for the status bar: the last flash, else the `--log` still loading.
    pub fn flash(&self) -> Option<&str> {
        self.flash.as_deref().or(self.evidence_loading.as_deref())
    }
    pub fn search(&self) -> Option<&Search> {
        self.screen.search.as_ref()
    }
    pub fn result_of(&self, index: usize) -> Option<&StepResult> {
        self.outputs.results.get(&index)
    }
    /// The full-screen view on top, if any.
    pub fn view(&self) -> Option<&View> {
        self.stack.top()
    }
    pub fn blame_of(&self, path: &std::path::Path) -> Option<&BlameState> {
        self.stack.blames.get(path)
    }

    /// Something is in flight (quitting asks first; the spinner needs ticks).
    pub fn is_busy(&self) -> bool {
        self.outputs.is_busy()
    }

    pub fn take_jobs(&mut self) -> Vec<Job> {
        std::mem::take(&mut self.jobs)
    }

    pub fn step(&self, index: usize) -> Option<&Step> {
        self.session.runbook().step(index)
    }

    pub fn selected_step(&self) -> Option<&Step> {
        self.step(self.screen.selected)
    }

    pub fn step_count(&self) -> usize {
        self.session.runbook().step_count()
    }

    pub fn status(&self, index: usize) -> StepStatus {
        self.session.status(index)
    }

    pub fn panes(&self) -> Panes {
        self.panes_for(self.size)
    }

    /// The layout for a screen area; the action pane grows when the selected step has output.
    pub fn panes_for(&self, area: Rect) -> Panes {
        let output_first =
            self.outputs.runs.get(&self.screen.selected).is_some_and(|r| r.command.is_some() || !r.is_empty())
                || matches!(self.selected_step().and_then(|s| s.action.as_ref()), Some(StepAction::Choose(_)));
        layout::panes(area, self.screen.focus, output_first, self.status_rows(area))
    }

    /// The first line of the runbook's summary as the first screen's news, with the key that shows all of it
    /// (`None`: no summary). One line: a summary of a dozen lines would push the panes off a small screen.
    pub fn summary_flash(&self) -> Option<String> {
        let first = self.session.runbook().summary.lines().map(str::trim).find(|l| !l.is_empty())?;
        Some(format!("{first} · i: about this runbook"))
    }

    /// Rows of the status bar: one, or as many as its news needs to be read whole (wrapped, up to a third of
    /// the screen), leaving room for `? help` on the last.
    pub fn status_rows(&self, area: Rect) -> u16 {
        match self.flash_lines(area.width) {
            Some(lines) => (lines.len() as u16).clamp(1, (area.height / 3).max(1)),
            None => 1,
        }
    }

    /// The news wrapped for a status bar `width` wide, when it does not fit on one row beside `? help`.
    pub fn flash_lines(&self, width: u16) -> Option<Vec<String>> {
        let flash = self.flash().filter(|_| self.replay().is_none())?;
        let room = usize::from(width).saturating_sub(STATUS_HELP_WIDTH + 2);
        (unicode_width::UnicodeWidthStr::width(flash) > room).then(|| super::text::wrap(flash, room.max(1)))
    }

    /// Where keys go now.
    pub fn scope(&self) -> Scope {
        match &self.screen.overlay {
            Overlay::Help { .. } => Scope::Help,
            Overlay::Confirm(_) => Scope::Confirm,
            Overlay::QuitConfirm => Scope::QuitConfirm,
            Overlay::Note { .. } => Scope::Note,
            Overlay::Milestone { .. } => Scope::Milestone,
            Overlay::Vars { edit: None, .. } => Scope::Vars,
            Overlay::Vars { edit: Some(_), .. } => Scope::VarEdit,
            Overlay::Evidence(_) => Scope::Evidence,
            Overlay::PathMap(_) => Scope::PathMap,
            Overlay::None if self.screen.search.as_ref().is_some_and(|s| s.editing) => Scope::Search,
            Overlay::None => match self.stack.views.last() {
                Some(View::Source(_)) => Scope::Source,
                Some(View::Sim(_)) => Scope::Sim,
                Some(_) => Scope::Detail,
                None if self.screen.focus == Pane::Action
                    && self.outputs.results.contains_key(&self.screen.selected) =>
                {
                    Scope::Results
                }
                None => Scope::Main,
            },
        }
    }

    /// Whether a binding's condition holds (drives the status bar).
    pub fn holds(&self, when: When) -> bool {
        let action = self.selected_step().and_then(|s| s.action.as_ref());
        if self.mode.is_replay() && matches!(when, When::CanRun | When::Running | When::Choose | When::Checklist) {
            return false;
        }
        match when {
            When::Always => true,
            When::HelpOnly => false,
            When::CanNote => !self.mode.is_replay() && !self.holds(When::Searching),
            When::Replay => self.mode.is_replay(),
            When::Live => !self.mode.is_replay(),
            When::CanRun => {
                let id = self.selected_step().map(|s| s.id.as_str()).unwrap_or("");
                !self.outputs.active.contains(id) && !matches!(action, Some(StepAction::Choose(_)))
            }
            When::Running => self.is_busy(),
            When::HasOutput => self.run_of(self.screen.selected).is_some_and(|r| !r.is_empty()),
            When::Searching => self.screen.search.as_ref().is_some_and(|s| !s.query.is_empty()),
            When::Choose => matches!(action, Some(StepAction::Choose(_))),
            When::Checklist => matches!(action, Some(StepAction::Checklist(_))),
            When::HasResult => self.outputs.results.get(&self.screen.selected).is_some_and(|r| r.has_targets()),
            When::CommitView => matches!(self.stack.views.last(), Some(View::Commit(_))),
            When::CommandHidden | When::CommandShown => match &self.screen.overlay {
                Overlay::Confirm(c) => super::confirm::layout(self.size, c).at_end() == (when == When::CommandShown),
                _ => false,
            },
        }
    }

    /// Milliseconds the step has been running, or how long it ran.
    pub fn elapsed_ms(&self, index: usize) -> Option<u64> {
        let run = self.outputs.runs.get(&index)?;
        match &run.finished {
            Some(f) => f.duration_ms,
            None => Some(self.clock_ms.saturating_sub(run.started_ms)),
        }
    }

    /// Phase index and title of each step, for the grouped list.
    pub fn phase_of(&self, index: usize) -> usize {
        let mut seen = 0;
        for (p, phase) in self.session.runbook().phases.iter().enumerate() {
            seen += phase.steps.len();
            if index < seen {
                return p;
            }
        }
        0
    }

    /// Number of options or items the selected step offers.
    pub fn option_count(&self) -> usize {
        match self.selected_step().and_then(|s| s.action.as_ref()) {
            Some(StepAction::Choose(c)) => c.options.len(),
            Some(StepAction::Checklist(items)) => items.len(),
            _ => 0,
        }
    }

    /// Rows of the step list: phase headings and steps, with the step index for step rows.
    pub fn list_rows(&self) -> Vec<Option<usize>> {
        let mut rows = Vec::new();
        let mut index = 0;
        for phase in &self.session.runbook().phases {
            rows.push(None);
            for _ in &phase.steps {
                rows.push(Some(index));
                index += 1;
            }
        }
        rows
    }
}
