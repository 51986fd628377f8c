//! The UI's whole state: the engine session plus what only the screen needs (selection, focus, scroll positions,
//! overlays, each step's output). `update` changes it, `draw` only reads it, and background work reaches it only
//! through actions. Work to start (spawn a command, cancel one) is queued here as `Job`s for the event loop.

use super::jobs::Job;
use super::keymap::{Scope, When};
use super::layout::{self, Pane, Panes};
use super::markdown;
use super::output::StepRun;
use super::results::StepResult;
use super::theme::Theme;
use super::views::{BlameState, View};
use crate::engine::{Action as StepAction, CommandSpec, Session, Step, StepStatus};
use ratatui::layout::Rect;
use ratatui::text::Text;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

/// The confirmation shown before a command runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub step: usize,
    /// The rendered command (secrets masked), or why it cannot be rendered.
    pub spec: Result<CommandSpec, String>,
    pub mode: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    None,
    Help {
        scroll: u16,
    },
    Confirm(Confirm),
    QuitConfirm,
    /// The one-line note input (`n`).
    Note {
        text: String,
    },
    /// The milestone chooser (`m`), with the highlighted milestone.
    Milestone {
        cursor: usize,
    },
    /// The runbook's vars (`v`): the highlighted one, and its new value while it is being typed.
    Vars {
        cursor: usize,
        edit: Option<String>,
    },
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Search {
    pub query: String,
    /// The query is being typed in the status bar.
    pub editing: bool,
    /// The line of the current match in the selected step's output.
    pub current: Option<usize>,
}

pub struct App {
    pub(crate) session: Session,
    pub(crate) name: String,
    pub(crate) theme: Theme,
    /// Rendered Markdown of each step (flat index), and of the summary.
    pub(crate) texts: Vec<Text<'static>>,
    pub(crate) selected: usize,
    pub(crate) focus: Pane,
    pub(crate) overlay: Overlay,
    pub(crate) size: Rect,
    pub(crate) clock_ms: u64,
    pub(crate) runs: BTreeMap<usize, StepRun>,
    /// Steps whose command or probe is in flight.
    pub(crate) active: BTreeSet<String>,
    pub(crate) text_scroll: u16,
    /// Top line of the output; `None` follows the tail.
    pub(crate) output_top: Option<usize>,
    /// Columns of the output scrolled off to the left (`h`/`l`): long lines are clipped, not wrapped, so that
    /// line numbers, search and the tail stay one row per line.
    pub(crate) output_left: usize,
    /// Highlighted option of a choose step or item of a checklist.
    pub(crate) option_cursor: usize,
    pub(crate) search: Option<Search>,
    /// One line of news for the status bar (cleared by the next key).
    pub(crate) flash: Option<String>,
    pub(crate) jobs: Vec<Job>,
    /// Typed results of probe steps (parse, grep, blame, simulate) and the selection in each.
    pub(crate) results: BTreeMap<usize, StepResult>,
    /// Full-screen views over the main screen (source, commit, GC chart, simulator, crash rates); Esc pops the
    /// top one.
    pub(crate) views: Vec<View>,
    /// Whole-file blames by path, computed once per file and kept for the session.
    pub(crate) blames: HashMap<PathBuf, BlameState>,
    pub(crate) quit: bool,
    pub(crate) terminated: bool,
    /// The session's journal (none in a replay, or when it could not be created).
    pub(crate) journal: Option<crate::journal::Journal>,
    /// Set when this UI replays a recorded session, read-only.
    pub(crate) replay: Option<Box<super::replay::Replay>>,
    /// Numbers simulator requests, so a late answer to an older one is dropped.
    pub(crate) sim_generation: u64,
    /// The scenario's name when this screen is a training drill (`runbook drill NAME`): the title bar shows it
    /// with the drill's clock.
    pub(crate) drill: Option<String>,
}

impl App {
    pub fn new(session: Session, name: &str, theme: Theme) -> App {
        let texts = session.runbook().steps().map(|s| markdown::render(&s.text, &theme)).collect();
        let selected = session.cursor().unwrap_or(0);
        App {
            session,
            name: name.to_string(),
            theme,
            texts,
            selected,
            focus: Pane::Steps,
            overlay: Overlay::None,
            size: Rect::new(0, 0, 80, 24),
            clock_ms: 0,
            runs: BTreeMap::new(),
            active: BTreeSet::new(),
            text_scroll: 0,
            output_top: None,
            output_left: 0,
            option_cursor: 0,
            search: None,
            flash: None,
            jobs: Vec::new(),
            results: BTreeMap::new(),
            views: Vec::new(),
            blames: HashMap::new(),
            quit: false,
            terminated: false,
            journal: None,
            replay: None,
            drill: None,
            sim_generation: 0,
        }
    }

    /// Makes this screen the drill `scenario`'s: its name and clock in the title bar.
    pub fn set_drill(&mut self, scenario: &str) {
        self.drill = Some(scenario.to_string());
    }

    pub fn session(&self) -> &Session {
        &self.session
    }
    pub fn selected(&self) -> usize {
        self.selected
    }
    pub fn focus(&self) -> Pane {
        self.focus
    }
    pub fn overlay(&self) -> &Overlay {
        &self.overlay
    }
    pub fn should_quit(&self) -> bool {
        self.quit
    }
    pub fn run_of(&self, index: usize) -> Option<&StepRun> {
        self.runs.get(&index)
    }
    pub fn flash(&self) -> Option<&str> {
        self.flash.as_deref()
    }
    pub fn search(&self) -> Option<&Search> {
        self.search.as_ref()
    }
    pub fn result_of(&self, index: usize) -> Option<&StepResult> {
        self.results.get(&index)
    }
    /// The full-screen view on top, if any.
    pub fn view(&self) -> Option<&View> {
        self.views.last()
    }
    pub fn blame_of(&self, path: &std::path::Path) -> Option<&BlameState> {
        self.blames.get(path)
    }

    /// Exit code of the program: 0 after a normal quit, 130 when a signal ended it.
    pub fn exit_code(&self) -> i32 {
        if self.terminated {
            130
        } else {
            0
        }
    }

    /// Something is in flight (quitting asks first; the spinner needs ticks).
    pub fn is_busy(&self) -> bool {
        !self.active.is_empty()
    }

    pub fn take_jobs(&mut self) -> Vec<Job> {
        std::mem::take(&mut self.jobs)
    }

    pub fn step(&self, index: usize) -> Option<&Step> {
        self.session.runbook().step(index)
    }

    pub fn selected_step(&self) -> Option<&Step> {
        self.step(self.selected)
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
        let output_first = self.runs.get(&self.selected).is_some_and(|r| r.command.is_some() || !r.is_empty())
            || matches!(self.selected_step().and_then(|s| s.action.as_ref()), Some(StepAction::Choose(_)));
        layout::panes(area, self.focus, output_first)
    }

    /// Where keys go now.
    pub fn scope(&self) -> Scope {
        match &self.overlay {
            Overlay::Help { .. } => Scope::Help,
            Overlay::Confirm(_) => Scope::Confirm,
            Overlay::QuitConfirm => Scope::QuitConfirm,
            Overlay::Note { .. } => Scope::Note,
            Overlay::Milestone { .. } => Scope::Milestone,
            Overlay::Vars { edit: None, .. } => Scope::Vars,
            Overlay::Vars { edit: Some(_), .. } => Scope::VarEdit,
            Overlay::None if self.search.as_ref().is_some_and(|s| s.editing) => Scope::Search,
            Overlay::None => match self.views.last() {
                Some(View::Source(_)) => Scope::Source,
                Some(View::Sim(_)) => Scope::Sim,
                Some(_) => Scope::Detail,
                None if self.focus == Pane::Action && self.results.contains_key(&self.selected) => Scope::Results,
                None => Scope::Main,
            },
        }
    }

    /// Whether a binding's condition holds (drives the status bar).
    pub fn holds(&self, when: When) -> bool {
        let action = self.selected_step().and_then(|s| s.action.as_ref());
        if self.replay.is_some() && matches!(when, When::CanRun | When::Running | When::Choose | When::Checklist) {
            return false;
        }
        match when {
            When::Always => true,
            When::HelpOnly => false,
            When::CanNote => self.replay.is_none() && !self.holds(When::Searching),
            When::Replay => self.replay.is_some(),
            When::CanRun => {
                let id = self.selected_step().map(|s| s.id.as_str()).unwrap_or("");
                !self.active.contains(id) && !matches!(action, Some(StepAction::Choose(_)))
            }
            When::Running => self.is_busy(),
            When::HasOutput => self.run_of(self.selected).is_some_and(|r| !r.is_empty()),
            When::Searching => self.search.as_ref().is_some_and(|s| !s.query.is_empty()),
            When::Choose => matches!(action, Some(StepAction::Choose(_))),
            When::Checklist => matches!(action, Some(StepAction::Checklist(_))),
            When::HasResult => self.results.get(&self.selected).is_some_and(|r| r.has_targets()),
        }
    }

    /// Milliseconds the step has been running, or how long it ran.
    pub fn elapsed_ms(&self, index: usize) -> Option<u64> {
        let run = self.runs.get(&index)?;
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
