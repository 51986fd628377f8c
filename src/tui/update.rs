//! `apply` and `update`: the only functions that change UI state. `update` takes one `Action` and may return a
//! follow-up, which `apply` applies in turn; work that must happen outside (spawning, cancelling) is queued as
//! jobs for the event loop. Messages (what background work reports) go to their handlers; intents clear the
//! status bar's news and go to whatever has the keys (an overlay, the view on top, a result list, the main
//! screen).

use super::action::{Action, Intent, Message};
use super::app::App;
use super::jobs::Job;
use super::layout::Pane;
use super::mode::Exit;
use super::screen::{Confirm, Overlay, Search};
use crate::engine::{Action as StepAction, Input, StepStatus};

impl App {
    /// Applies `action` and every follow-up it leads to (an intent may lead to another: Enter on a search jumps
    /// to its first match, Enter on a result opens its source line). The event loop and the tests both go
    /// through here.
    pub fn apply(&mut self, action: impl Into<Action>) {
        let mut next = Some(action.into());
        while let Some(action) = next {
            next = self.update(action);
        }
    }

    /// One step of `apply`: changes the state and returns the follow-up, if any.
    pub fn update(&mut self, action: Action) -> Option<Action> {
        match action {
            Action::Intent(intent) => {
                // News in the status bar lasts until the user does something.
                self.flash = None;
                self.intent(intent).map(Action::Intent)
            }
            Action::Message(message) => {
                self.message(message);
                None
            }
        }
    }

    fn message(&mut self, message: Message) {
        match message {
            Message::Tick(ms) => self.tick(ms),
            Message::Resize { width, height } => {
                self.size = ratatui::layout::Rect::new(0, 0, width, height);
            }
            Message::Terminate => self.quit_now(Exit::Signal),
            Message::Lines { step, lines } => {
                for l in lines {
                    self.feed(Input::Output { step: step.clone(), stream: l.stream, line: l.line, raw: l.raw });
                }
            }
            Message::Exited { step, end, duration_ms } => self.feed(Input::Exited { step, end, duration_ms }),
            Message::ProbeResult { step, output } => self.probe_result(&step, output),
            Message::ProbeDone(input) => self.feed(input),
            Message::EditorClosed { path, result } => self.editor_closed(path, result),
            Message::Notice(text) => self.flash = Some(text),
            Message::View(answer) => self.view_answer(answer),
        }
    }

    fn intent(&mut self, intent: Intent) -> Option<Intent> {
        match intent {
            // What another intent led to: not keys, so no overlay or view takes them.
            Intent::OpenSource { file, line } => self.open_source(file, line),
            Intent::OpenSim(spec) => self.open_sim(*spec),
            Intent::OpenRates { programs, go, seed, runs } => self.open_rates(programs, go, seed, runs),
            Intent::Wheel { down, .. } if self.screen.overlay == Overlay::None && !self.stack.views.is_empty() => {
                self.view_wheel(down)
            }
            Intent::Wheel { column, row, down } => match self.screen.overlay {
                Overlay::None => {
                    if let Some(pane) = self.panes().at(column, row) {
                        self.scroll(pane, if down { 3 } else { -3 });
                    }
                }
                Overlay::Help { .. } => return self.key_action(if down { Intent::Down } else { Intent::Up }),
                _ => {}
            },
            other => return self.key_action(other),
        }
        None
    }

    fn key_action(&mut self, action: Intent) -> Option<Intent> {
        match (&self.screen.overlay, action) {
            (Overlay::Help { .. }, Intent::ToggleHelp | Intent::Back) => self.screen.overlay = Overlay::None,
            (Overlay::Help { scroll }, Intent::Up) => {
                self.screen.overlay = Overlay::Help { scroll: scroll.saturating_sub(1) }
            }
            (Overlay::Help { scroll }, Intent::Down) => {
                // Help has a line per binding plus a heading and a gap per section: never scroll past it.
                let max = (super::keymap::BINDINGS.len() + 2 * super::keymap::SCOPES.len()) as u16;
                self.screen.overlay = Overlay::Help { scroll: (scroll + 1).min(max) }
            }
            (Overlay::Help { .. }, _) => {}
            (Overlay::Confirm(c), Intent::Confirm) => {
                let step = c.step;
                self.screen.overlay = Overlay::None;
                self.start(step);
            }
            (Overlay::Confirm(_), Intent::Back) => {
                self.screen.overlay = Overlay::None;
                self.flash = Some("not run".into());
            }
            (Overlay::Confirm(_), _) => {}
            (Overlay::QuitConfirm, Intent::Confirm) => self.quit_now(Exit::Quit),
            (Overlay::QuitConfirm, Intent::Back) => self.screen.overlay = Overlay::None,
            (Overlay::QuitConfirm, _) => {}
            (Overlay::Note { .. }, action) => self.note_key(action),
            (Overlay::Milestone { .. }, action) => self.milestone_key(action),
            (Overlay::Vars { .. }, action) => self.vars_key(action),
            (Overlay::None, action) if !self.stack.views.is_empty() => {
                if !self.view_key(&action) && matches!(action, Intent::ToggleHelp | Intent::Quit) {
                    return self.main_action(action);
                }
            }
            (Overlay::None, action) if self.scope() == super::keymap::Scope::Results => {
                return self.result_action(action);
            }
            (Overlay::None, action) => return self.main_action(action),
        }
        None
    }

    pub(crate) fn main_action(&mut self, action: Intent) -> Option<Intent> {
        if let Some(why) = self.refused_in_replay(&action) {
            self.flash = Some(why.into());
            return None;
        }
        match action {
            Intent::Up => self.move_by(-1),
            Intent::Down => self.move_by(1),
            Intent::ScrollLeft => self.screen.output_left = self.screen.output_left.saturating_sub(SIDEWAYS),
            Intent::ScrollRight => self.scroll_right(),
            Intent::PageUp => self.page(-1),
            Intent::PageDown => self.page(1),
            Intent::Top => self.jump_to_end(false),
            Intent::Bottom => self.jump_to_end(true),
            Intent::NextPane => self.screen.focus = self.screen.focus.next(),
            Intent::PrevPane => self.screen.focus = self.screen.focus.prev(),
            Intent::Run => self.run_selected(),
            Intent::Back => {
                if self.screen.search.is_some() {
                    self.screen.search = None;
                } else {
                    self.screen.focus = Pane::Steps;
                }
            }
            Intent::Toggle => {
                let item = self.screen.option_cursor;
                self.toggle_item(item);
            }
            Intent::Pick(n) => self.pick(n),
            Intent::CancelCommand => self.cancel_selected(),
            Intent::Quit => {
                if self.is_busy() {
                    self.screen.overlay = Overlay::QuitConfirm;
                } else {
                    self.quit_now(Exit::Quit);
                }
            }
            Intent::ToggleHelp => self.screen.overlay = Overlay::Help { scroll: 0 },
            Intent::SearchStart => self.screen.search = Some(Search { editing: true, ..Search::default() }),
            Intent::SearchChar(c) => {
                if let Some(s) = &mut self.screen.search {
                    s.query.push(c);
                }
            }
            Intent::SearchPaste(text) => {
                if let Some(s) = &mut self.screen.search {
                    s.query.push_str(text.lines().next().unwrap_or(""));
                }
            }
            Intent::SearchBackspace => {
                if let Some(s) = &mut self.screen.search {
                    s.query.pop();
                }
            }
            Intent::SearchSubmit => {
                if let Some(s) = &mut self.screen.search {
                    s.editing = false;
                    s.current = None;
                }
                if self.screen.search.as_ref().is_some_and(|s| s.query.is_empty()) {
                    self.screen.search = None;
                } else {
                    return Some(Intent::SearchNext);
                }
            }
            Intent::SearchNext => self.find(true),
            Intent::NoteStart => self.open_note(),
            Intent::VarsStart => self.open_vars(),
            Intent::MilestoneStart => self.open_milestones(),
            Intent::Replay(key) => self.scrub(key),
            Intent::Sim(super::action::SimKey::Open) => self.open_default_sim(),
            Intent::SearchPrev => self.find(false),
            _ => {}
        }
        None
    }

    /// Closes the screen, cancelling what runs (the loop waits for it). A signal's exit sticks: a key pressed
    /// after SIGTERM does not turn it into a normal quit.
    fn quit_now(&mut self, exit: Exit) {
        self.screen.overlay = Overlay::None;
        if self.is_busy() {
            self.jobs.push(Job::CancelAll);
        }
        if self.exit != Some(Exit::Signal) {
            self.exit = Some(exit);
        }
    }

    fn move_by(&mut self, delta: i64) {
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

    fn page(&mut self, direction: i64) {
        let focus = if self.screen.focus == Pane::Steps { Pane::Action } else { self.screen.focus };
        let height = self.panes().inner_height(focus).max(2) as i64 - 1;
        self.scroll(focus, direction * height);
    }

    fn jump_to_end(&mut self, end: bool) {
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

    fn text_max_scroll(&self) -> u16 {
        let width = self.panes().inner_width(Pane::Text).max(1);
        let Some(text) = self.texts.get(self.screen.selected) else { return 0 };
        let rows: usize = text.lines.iter().map(|l| l.width().max(1).div_ceil(width)).sum::<usize>() + 2;
        rows.saturating_sub(self.panes().inner_height(Pane::Text)) as u16
    }

    fn run_selected(&mut self) {
        let index = self.screen.selected;
        let Some(step) = self.selected_step().cloned() else { return };
        if self.outputs.active.contains(&step.id) {
            self.flash = Some("already running: c cancels it".into());
            return;
        }
        match &step.action {
            Some(StepAction::Run(_)) => {
                if self.is_busy() {
                    self.flash = Some("another step is running: wait, or cancel it with c".into());
                    return;
                }
                let spec = self.session.preview_command(index).and_then(|s| s.ok_or_else(|| "no command".into()));
                let spec = spec.map(|mut s| {
                    s.command = self.session.mask(&s.command);
                    s.env.values_mut().for_each(|v| *v = self.session.mask(v));
                    s
                });
                let mode = step.mode.as_str().to_string();
                self.screen.overlay = Overlay::Confirm(Confirm { step: index, spec, mode });
            }
            Some(StepAction::Choose(_)) if self.screen.focus == Pane::Action => self.pick(self.screen.option_cursor),
            Some(StepAction::Checklist(_)) if self.screen.focus == Pane::Action => {
                self.toggle_item(self.screen.option_cursor)
            }
            Some(StepAction::Choose(_)) | Some(StepAction::Checklist(_)) => {
                self.ensure_started(index);
                self.screen.focus = Pane::Action;
            }
            // A probe reads what earlier steps captured: pressed too early (the step that captures its input is
            // still running, a var has no value yet) it waits, instead of recording a failure in the journal.
            _ => match self.session.preview_probe(index) {
                Err(reason) => self.flash = Some(format!("not ready: {reason}")),
                Ok(_) => self.start(index),
            },
        }
    }

    fn start(&mut self, index: usize) {
        if let Some(id) = self.step(index).map(|s| s.id.clone()) {
            self.feed(Input::Start { step: id });
        }
    }

    fn ensure_started(&mut self, index: usize) {
        if self.status(index) != StepStatus::Running {
            self.start(index);
        }
    }

    fn pick(&mut self, n: usize) {
        let index = self.screen.selected;
        let Some(step) = self.selected_step().cloned() else { return };
        match &step.action {
            Some(StepAction::Choose(c)) if n < c.options.len() => {
                self.ensure_started(index);
                self.feed(Input::Choose { step: step.id.clone(), option: (n + 1).to_string() });
            }
            Some(StepAction::Checklist(_)) => self.toggle_item(n),
            _ => {}
        }
    }

    fn toggle_item(&mut self, item: usize) {
        let index = self.screen.selected;
        let Some(step) = self.selected_step().cloned() else { return };
        let Some(StepAction::Checklist(items)) = &step.action else { return };
        if item >= items.len() {
            return;
        }
        self.ensure_started(index);
        self.screen.option_cursor = item;
        let checked = self.session.checklist(index).and_then(|c| c.get(item).copied()).unwrap_or(false);
        self.feed(Input::Check { step: step.id.clone(), item, checked: !checked });
    }

    fn cancel_selected(&mut self) {
        let id = self.selected_step().map(|s| s.id.clone()).unwrap_or_default();
        if self.outputs.active.contains(&id) {
            self.jobs.push(Job::Cancel { step: id });
            self.flash = Some("cancelling…".into());
        } else if let Some(running) = self.outputs.active.iter().next().cloned() {
            self.jobs.push(Job::Cancel { step: running });
            self.flash = Some("cancelling…".into());
        } else {
            self.flash = Some("nothing is running".into());
        }
    }

    fn find(&mut self, forward: bool) {
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
}

/// Columns one `h`/`l` press scrolls the output sideways.
const SIDEWAYS: usize = 8;

impl App {
    /// Scrolls the output right, no further than shows the end of its longest line.
    fn scroll_right(&mut self) {
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
