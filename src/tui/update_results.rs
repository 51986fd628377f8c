//! `update` for probe results: storing a step's typed result when it arrives, and the keys of a result list
//! (move through frames, sites, matches and blamed lines; Enter opens one).

use super::action::Intent;
use super::app::App;
use super::layout::Pane;
use super::results::StepResult;
use super::source::SIDEWAYS;
use crate::probes::output::ProbeOutput;
use std::sync::Arc;

impl App {
    pub(crate) fn probe_result(&mut self, step: &str, output: Arc<ProbeOutput>) {
        let Some(index) = self.session.runbook().step_index(step) else { return };
        let (_, mapper) = self.path_mapper();
        let relative = |file: &str| mapper.map(file).map(|m| m.file.to_string());
        let result = StepResult::new(output, &self.theme, &relative);
        // A result to explore for the step in view: put the focus on it, so j/k and Enter work at once (not in a
        // replay, where the keys belong to the time scrubber).
        if index == self.screen.selected && result.has_targets() && !self.mode.is_replay() {
            self.screen.focus = Pane::Action;
        }
        self.outputs.results.insert(index, result);
    }

    /// Rows of the result list in the action pane (its header takes one, the verdict one).
    pub(crate) fn result_rows(&self) -> usize {
        self.panes().inner_height(Pane::Action).saturating_sub(1).max(1)
    }

    pub(crate) fn result_action(&mut self, action: Intent) -> Option<Intent> {
        let rows = self.result_rows();
        let width = self.panes().inner_width(Pane::Action).saturating_sub(1);
        let index = self.screen.selected;
        let Some(result) = self.outputs.results.get_mut(&index) else { return self.main_action(action) };
        match action {
            Intent::Up => result.move_by(-1, rows),
            Intent::Down => result.move_by(1, rows),
            Intent::PageUp => result.move_by(-(rows as i64 - 1).max(1), rows),
            Intent::PageDown => result.move_by((rows as i64 - 1).max(1), rows),
            Intent::Top => result.move_by(i64::MIN / 2, rows),
            Intent::Bottom => result.move_by(i64::MAX / 2, rows),
            Intent::ScrollLeft => result.scroll_sideways(-(SIDEWAYS as i64), width),
            Intent::ScrollRight => result.scroll_sideways(SIDEWAYS as i64, width),
            Intent::Open => return self.open_selected(),
            Intent::MapPathStart => {
                let frame = match result.target() {
                    Some(super::results::Target::Source { file, .. }) => Some(file.clone()),
                    _ => None,
                };
                self.open_path_map(frame);
            }
            other => return self.main_action(other),
        }
        None
    }

    /// Wheel over the action pane while it shows a result.
    pub(crate) fn scroll_result(&mut self, delta: i64) -> bool {
        let rows = self.result_rows();
        match self.outputs.results.get_mut(&self.screen.selected) {
            Some(result) => {
                result.scroll(delta, rows);
                true
            }
            None => false,
        }
    }
}
