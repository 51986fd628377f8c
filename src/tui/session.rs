//! The bridge from the UI to the engine: feeds it inputs and turns the effects it returns into what the screen
//! shows (a step's command, output, notes, verdict) and into jobs for the event loop (spawn, probe).
//!
//! Kept apart from `update` so that the one place where engine events meet UI state is small and easy to audit.

use super::app::App;
use super::jobs::Job;
use super::output::{Finished, LineKind, Started, StepRun};
use crate::engine::{Action as StepAction, Effect, Event, Input, StepStatus};

impl App {
    /// Applies an engine input and everything that follows from it.
    pub(crate) fn feed(&mut self, input: Input) {
        self.journal_input(&input);
        let effects = self.session.apply(input);
        for effect in effects {
            match effect {
                Effect::Emit(event) => self.record(event),
                Effect::Spawn { step, spec } => {
                    self.outputs.active.insert(step.clone());
                    self.jobs.push(Job::Spawn { step, spec });
                }
                // Ask for it: a paste, a path, or the command that fetches it (`evidence_dialog.rs`).
                Effect::NeedEvidence { step } => self.open_evidence_dialog(step),
                Effect::Probe { step, request } => {
                    self.outputs.active.insert(step.clone());
                    if let Some(run) = self.run_mut(&step) {
                        run.push(LineKind::Note, "running…".into());
                    }
                    self.jobs.push(Job::Probe { step, request });
                }
            }
        }
    }

    fn run_mut(&mut self, step: &str) -> Option<&mut StepRun> {
        let index = self.session.runbook().step_index(step)?;
        self.outputs.runs.get_mut(&index)
    }

    /// An engine event (live, or recorded in a replay): journaled, then shown.
    pub(crate) fn record(&mut self, event: Event) {
        self.journal_event(&event);
        match event {
            Event::StepStarted { step, .. } => {
                if let Some(index) = self.session.runbook().step_index(&step) {
                    self.outputs.runs.insert(index, StepRun::new(self.clock_ms));
                    self.outputs.results.remove(&index);
                    if index == self.screen.selected {
                        self.screen.output_top = None;
                        self.screen.search = None;
                    }
                }
            }
            Event::Command { step, command, cwd, mode, .. } => {
                if let Some(run) = self.run_mut(&step) {
                    run.command = Some(Started { command, cwd, mode: mode.to_string() });
                }
            }
            Event::Output { step, line, .. } => {
                if let Some(run) = self.run_mut(&step) {
                    run.push(LineKind::Output, line);
                }
            }
            Event::Capture { step, name, value } => {
                // The same one line headless prints: what failed and where, not the value's JSON.
                let text = self.session.mask(&crate::engine::value_text::summarize(&value));
                if let Some(run) = self.run_mut(&step) {
                    run.push(LineKind::Note, format!("captured {name} = {text}"));
                }
            }
            Event::Choice { step, option, label, goto } => {
                let note = match goto {
                    Some(g) => format!("chose {option}: {label} → {g}"),
                    None => format!("chose {option}: {label}"),
                };
                if let Some(index) = self.index(&step) {
                    self.outputs.runs.entry(index).or_insert_with(|| StepRun::new(self.clock_ms));
                }
                if let Some(run) = self.run_mut(&step) {
                    run.push(LineKind::Note, note);
                }
            }
            Event::Milestone { step, milestone } => {
                if let Some(run) = self.run_mut(&step) {
                    run.push(LineKind::Note, format!("milestone: {milestone}"));
                }
                self.flash = Some(format!("milestone reached: {milestone}"));
            }
            Event::StepFinished { step, status, exit_code, duration_ms, reason } => {
                self.outputs.active.remove(&step);
                // The engine only names its own steps; a name it does not know has no row to show.
                let Some(index) = self.index(&step) else { return };
                let clock = self.clock_ms;
                let summary = match (status, self.step(index).and_then(|s| s.action.as_ref())) {
                    (StepStatus::Passed, Some(StepAction::Evidence(_))) => {
                        self.session.evidence_triage().map(super::evidence_summary::lines).unwrap_or_default()
                    }
                    _ => Vec::new(),
                };
                let run = self.outputs.runs.entry(index).or_insert_with(|| StepRun::new(clock));
                for line in summary {
                    run.push(LineKind::Note, self.session.mask(&line));
                }
                let duration_ms = duration_ms.or(Some(clock.saturating_sub(run.started_ms)));
                run.finished = Some(Finished { status, exit_code, duration_ms, reason });
                self.follow_cursor(index, status);
            }
            Event::RunFinished { .. } | Event::ChecklistTick { .. } => {}
            Event::Stale { step, reason, .. } => {
                if let Some(run) = self.run_mut(&step) {
                    run.push(LineKind::Note, format!("stale: {reason}; rerun this step (r)"));
                }
                self.flash = Some(format!("{step} is stale: {reason}"));
            }
            Event::VarSet { name, value } => self.flash = Some(format!("var {name} = {value}")),
            Event::Evidence { files, triage } => {
                let text =
                    |v: &crate::engine::Value, k: &str| v.lookup_key(k).filter(|v| !v.is_null()).map(|v| v.to_text());
                let site = triage.lookup_key("service_frame").filter(|v| !v.is_null());
                let mapping = match (site.and_then(|s| text(s, "mapped_by")), site) {
                    (Some(how), Some(s)) => format!("; {} mapped {how}", text(s, "file").unwrap_or_default()),
                    (None, Some(_)) => "; the service frame is not in the repository: p maps the path".to_string(),
                    (_, None) => text(&triage, "mapping").map(|m| format!("; paths mapped {m}")).unwrap_or_default(),
                };
                self.flash = Some(format!("evidence in: {} log(s){mapping}", files.len()));
            }
        }
    }

    fn index(&self, step: &str) -> Option<usize> {
        self.session.runbook().step_index(step)
    }

    /// After a reading step or a choice passes, the selection moves on with the engine (the next step, or the
    /// choice's goto). After a command it stays, so its output and verdict remain in view until the user moves.
    fn follow_cursor(&mut self, index: usize, status: StepStatus) {
        let moves_on = matches!(self.step(index).map(|s| &s.action), Some(None) | Some(Some(StepAction::Choose(_))));
        if index != self.screen.selected || status != StepStatus::Passed || !moves_on {
            return;
        }
        if let Some(next) = self.session.cursor() {
            if next != index {
                self.select(next);
                self.screen.focus = super::layout::Pane::Steps;
            }
        }
    }

    /// Moves the selection and tells the engine (its cursor is what resume and replay restore).
    pub(crate) fn select(&mut self, index: usize) {
        if index >= self.step_count() {
            return;
        }
        self.screen.select(index);
        if let Some(id) = self.step(index).map(|s| s.id.clone()) {
            self.session.apply(Input::Select { step: id });
        }
    }
}
