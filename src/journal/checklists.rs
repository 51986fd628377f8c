//! The boxes of each checklist as the journal leaves them, for the report.
//!
//! Ticks are `checklist_tick` events; the items' texts and which are optional come from the runbook the journal
//! recorded, so an item never ticked is listed too. Pure: reads only the records.

use super::record::{Record, SessionStart};
use crate::engine::{Action, Event};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize)]
pub struct Checklist {
    pub step: String,
    pub title: String,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub text: String,
    pub checked: bool,
    pub optional: bool,
}

/// Every checklist step the session started or ticked, in runbook order, with its last state.
pub fn states(records: &[Record], start: Option<&SessionStart>) -> Vec<Checklist> {
    let mut ticks: BTreeMap<String, BTreeMap<usize, (String, bool)>> = BTreeMap::new();
    let mut started: Vec<String> = Vec::new();
    for record in records {
        match record.event() {
            Some(Event::ChecklistTick { step, item, label, checked }) => {
                ticks.entry(step.clone()).or_default().insert(*item, (label.clone(), *checked));
            }
            Some(Event::StepStarted { step, action: Some(a), .. }) if a == "checklist" => started.push(step.clone()),
            _ => {}
        }
    }
    let runbook = start.and_then(|s| crate::engine::load(&s.runbook.source, s.runbook.yaml.as_bytes()).ok());
    let mut out = Vec::new();
    if let Some(runbook) = &runbook {
        for step in runbook.steps() {
            let Some(Action::Checklist(items)) = &step.action else { continue };
            let step_ticks = ticks.remove(&step.id);
            if step_ticks.is_none() && !started.contains(&step.id) {
                continue;
            }
            let step_ticks = step_ticks.unwrap_or_default();
            let items = items
                .iter()
                .enumerate()
                .map(|(i, it)| Item {
                    text: it.text.clone(),
                    checked: step_ticks.get(&i).is_some_and(|(_, c)| *c),
                    optional: it.optional,
                })
                .collect();
            out.push(Checklist { step: step.id.clone(), title: step.title.clone(), items });
        }
    }
    // Ticks of steps the recorded runbook does not have (it could not be loaded): what the ticks say.
    for (step, items) in ticks {
        let items =
            items.into_values().map(|(text, checked)| Item { text, checked, optional: false }).collect::<Vec<_>>();
        out.push(Checklist { title: step.clone(), step, items });
    }
    out
}
