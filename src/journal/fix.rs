//! The fix as the session made it: the decision (a `choose` step), the diff in the service's repository from the
//! HEAD at session start to the work tree when the fix was verified (from the `repo_state` entries, so the report
//! never needs the repository), and the step whose command verified it.

use super::record::{Meta, Record, RepoState};
use crate::engine::{Event, Milestone};
use serde::Serialize;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Fix {
    /// The `choose` step that picked the fix, its option and label (absent when no fix was chosen on screen).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub option: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// `git diff BASE` of the work tree when the fix was verified (empty: nothing changed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub diff_truncated: bool,
    /// The repository, its HEAD at session start and at verification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub head: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified_by: Option<VerifiedBy>,
}

/// The step that proved the fix: the last to set `verified`, else `fixed`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerifiedBy {
    pub step: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
}

/// The journal's `repo_state` entries, in order.
pub fn repo_states(records: &[Record]) -> impl Iterator<Item = &RepoState> {
    records.iter().filter_map(|r| match r.meta() {
        Some(Meta::RepoState(state)) => Some(&**state),
        _ => None,
    })
}

/// The fix: `decision` is the chosen option (step, option, label), when there was one.
pub fn build(records: &[Record], decision: Option<(String, String, String)>) -> Option<Fix> {
    let verified = verifying_step(records);
    let state = verified.as_ref().and_then(|(index, step)| state_at(records, *index, step));
    if decision.is_none() && verified.is_none() {
        return None;
    }
    let (step, option, label) = match decision {
        Some((s, o, l)) => (Some(s), Some(o), Some(l)),
        None => (None, None, None),
    };
    let verified_by = verified.map(|(index, step)| {
        let command = records.get(..index).unwrap_or_default().iter().rev().find_map(|r| match r.event() {
            Some(Event::Command { step: s, command, .. }) if *s == step => Some(command.clone()),
            _ => None,
        });
        let exit_code = records.get(index..).unwrap_or_default().iter().find_map(|r| match r.event() {
            Some(Event::StepFinished { step: s, exit_code, .. }) if *s == step => Some(*exit_code),
            _ => None,
        });
        VerifiedBy { step, command, exit_code: exit_code.flatten() }
    });
    Some(Fix {
        step,
        option,
        label,
        diff: state.and_then(|s| s.snapshot.diff.clone()),
        diff_truncated: state.is_some_and(|s| s.snapshot.diff_truncated),
        repo: state.map(|s| s.snapshot.repo.clone()),
        base: state.and_then(|s| s.snapshot.base.clone()),
        head: state.and_then(|s| s.snapshot.head.clone()),
        verified_by,
    })
}

/// The record index and step of the last `verified` milestone, else the last `fixed`.
fn verifying_step(records: &[Record]) -> Option<(usize, String)> {
    let last = |wanted: Milestone| {
        records.iter().enumerate().rev().find_map(|(i, r)| match r.event() {
            Some(Event::Milestone { step, milestone }) if *milestone == wanted => Some((i, step.clone())),
            _ => None,
        })
    };
    last(Milestone::Verified).or_else(|| last(Milestone::Fixed))
}

/// The repository's state when the verifying step ended: the state recorded right after it (it changed the
/// repository), else the last one before it (it changed nothing since).
fn state_at<'a>(records: &'a [Record], index: usize, step: &str) -> Option<&'a RepoState> {
    let after = records
        .get(index..)
        .unwrap_or_default()
        .iter()
        .take_while(|r| !matches!(r.event(), Some(Event::StepStarted { step: s, .. }) if s != step));
    let recorded_after = after.filter_map(|r| match r.meta() {
        Some(Meta::RepoState(state)) => Some(&**state),
        _ => None,
    });
    recorded_after.last().or_else(|| repo_states(records.get(..index).unwrap_or_default()).last())
}
