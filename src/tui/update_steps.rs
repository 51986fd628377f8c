//! Acting on the selected step: Enter asks before a command runs (the confirmation shows it, secrets masked),
//! starts a probe when its inputs are ready, picks an option or toggles a checklist item; `c` cancels what runs.
//! Each goes to the engine as an input (`feed`), so the journal, resume and replay see the same.

use super::app::App;
use super::jobs::Job;
use super::layout::Pane;
use super::screen::{Confirm, Overlay};
use crate::engine::{Action as StepAction, Input, StepStatus};

impl App {
    pub(crate) fn run_selected(&mut self) {
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
                    s.cwd = self.session.mask(&s.cwd);
                    s.script_env.values_mut().for_each(|v| *v = self.session.mask(v));
                    s.script_files.values_mut().for_each(|v| *v = self.session.mask(v));
                    s
                });
                let mode = step.mode.as_str().to_string();
                self.screen.overlay = Overlay::Confirm(Box::new(Confirm {
                    step: index,
                    spec,
                    mode,
                    top: 0,
                    script: false,
                    prepared: None,
                }));
            }
            Some(StepAction::Choose(_)) if self.screen.focus == Pane::Action => self.pick(self.screen.option_cursor),
            // Enter on a checklist ticks nothing: it focuses the items and says which required ones are missing.
            Some(StepAction::Checklist(items)) => {
                if !matches!(self.status(index), StepStatus::Running | StepStatus::Passed) {
                    self.start(index);
                }
                self.screen.focus = Pane::Action;
                self.flash = Some(missing_items(items, self.session.checklist(index)));
            }
            Some(StepAction::Choose(_)) => {
                self.ensure_started(index);
                self.screen.focus = Pane::Action;
            }
            // The evidence is in and the step passed: running it again is how the engineer replaces a wrong or
            // empty log (the new one is triaged, the steps that read the old one are marked stale).
            Some(StepAction::Evidence(_))
                if self.status(index) == StepStatus::Passed && self.session.has_evidence() =>
            {
                self.open_evidence_dialog(step.id.clone());
                self.flash = Some("give the evidence again: it replaces the current one".into());
            }
            // A probe reads what earlier steps captured: pressed too early (the step that captures its input is
            // still running, a var has no value yet) it waits, instead of recording a failure in the journal.
            _ => match self.session.preview_probe(index) {
                Err(reason) => self.flash = Some(format!("not ready: {reason}")),
                Ok(_) => self.start(index),
            },
        }
    }

    pub(crate) fn start(&mut self, index: usize) {
        if let Some(id) = self.step(index).map(|s| s.id.clone()) {
            self.feed(Input::Start { step: id });
        }
    }

    pub(crate) fn ensure_started(&mut self, index: usize) {
        if self.status(index) != StepStatus::Running {
            self.start(index);
        }
    }

    pub(crate) fn pick(&mut self, n: usize) {
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

    pub(crate) fn toggle_item(&mut self, item: usize) {
        let index = self.screen.selected;
        let Some(step) = self.selected_step().cloned() else { return };
        let Some(StepAction::Checklist(items)) = &step.action else { return };
        if item >= items.len() {
            return;
        }
        // A finished checklist is not started again: a tick changes one box, never the others.
        if !matches!(self.status(index), StepStatus::Running | StepStatus::Passed) {
            self.start(index);
        }
        self.screen.option_cursor = item;
        let checked = self.session.checklist(index).and_then(|c| c.get(item).copied()).unwrap_or(false);
        self.feed(Input::Check { step: step.id.clone(), item, checked: !checked });
    }

    pub(crate) fn cancel_selected(&mut self) {
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
}

/// What Enter says on a checklist: the required items still unchecked, or that none are.
fn missing_items(items: &[crate::engine::ChecklistItem], boxes: Option<&[bool]>) -> String {
    let missing: Vec<String> = items
        .iter()
        .enumerate()
        .filter(|(i, item)| !item.optional && !boxes.and_then(|b| b.get(*i).copied()).unwrap_or(false))
        .map(|(i, _)| (i + 1).to_string())
        .collect();
    match missing.as_slice() {
        [] => "every required item is checked".into(),
        [one] => format!("item {one} is still unchecked: tick it with {one} or Space"),
        many => format!("items {} are still unchecked: tick them with 1-9 or Space", many.join(", ")),
    }
}
