//! `runbook resume [JOURNAL]` on the screen: the session goes on exactly where it stood. The screen is rebuilt from
//! the journal the way `replay` rebuilds it (every record through the engine and through the same bridge that
//! showed it live: statuses, outputs, results, captures, vars, checklist ticks, notes), then the UI turns live on
//! the same journal, appending. Nothing the engineer did before is lost or run again unasked.

use super::app::App;
use super::mode::Mode;
use super::recording::Replay;
use super::theme::Theme;
use crate::engine::{Action, Context, Input, ProcessEnd, RepoSnapshot, Runbook, Session, StepStatus};
use crate::journal::{Journal, Record};
use std::collections::BTreeMap;

/// A journal opened to go on, and what was read from it.
pub struct Resumed {
    /// Every record of the session so far.
    pub records: Vec<Record>,
    /// The same journal, open for appending (its `session_resumed` or `session_reopened` written).
    pub journal: Journal,
    /// The repository states recorded so far: the fix diff keeps the session's first base.
    pub repo_states: Vec<RepoSnapshot>,
    /// What the restore found worth saying (interrupted steps, divergences).
    pub notices: Vec<String>,
    /// The session had finished (quit) and is reopened.
    pub reopened: bool,
}

/// The live screen of a resumed session, rebuilt from its records.
pub fn rebuild(
    runbook: Runbook,
    context: Context,
    vars: BTreeMap<String, String>,
    name: &str,
    resumed: Resumed,
    theme: Theme,
) -> Result<App, String> {
    let session = Session::with_unset_vars(runbook.clone(), context.clone(), vars.clone())?;
    let mut app = App::new(session, name, theme);
    let count = resumed.records.len();
    app.mode = Mode::Replay(Box::new(Replay::new(resumed.records, runbook, context, vars, Vec::new())));
    app.seek(count);
    app.mode = Mode::Live { journal: None };
    // The path rewrites recorded with the evidence (`--map`, `p`) go on applying to what is given on screen.
    if let Some(triage) = app.session.evidence_triage() {
        app.rewrites = crate::evidence::recorded_rewrites(triage);
    }
    for snapshot in &resumed.repo_states {
        app.repos.borrow_mut().seed(snapshot);
    }
    app.set_journal(resumed.journal);
    let done = app.session.statuses().iter().filter(|s| s.is_done()).count();
    let interrupted = end_interrupted(&mut app);
    if let Some(index) = interrupted.first().copied().or(app.session.cursor()) {
        app.select(index);
    }
    let how = if resumed.reopened { "reopened" } else { "resumed" };
    let steps = super::text::count(done, "step");
    let mut flash = format!("session {how}: {steps} done, where it stood");
    if let Some(&index) = interrupted.first() {
        let id = app.step(index).map(|s| s.id.clone()).unwrap_or_default();
        flash = format!("session {how}: {steps} done · `{id}` was cut off: Enter runs it again");
    } else if let Some(first) = resumed.notices.first() {
        flash = format!("{flash} · {first}");
    }
    app.flash = Some(flash);
    Ok(app)
}

/// A command or probe that was running when the session ended has no process any more: it is ended as cancelled
/// (journaled), so the screen shows no spinner for it and Enter runs it again. A choice, a checklist or an evidence
/// step in progress waits for the engineer as it did. Returns the steps ended, by index.
fn end_interrupted(app: &mut App) -> Vec<usize> {
    let cut_off: Vec<(usize, String)> = app
        .session
        .runbook()
        .steps()
        .enumerate()
        .filter(|(i, s)| {
            app.session.status(*i) == StepStatus::Running
                && matches!(
                    s.action,
                    Some(Action::Run(_) | Action::Parse(_) | Action::Grep(_) | Action::Blame(_) | Action::Simulate(_))
                )
        })
        .map(|(i, s)| (i, s.id.clone()))
        .collect();
    for (_, step) in &cut_off {
        app.feed(Input::Exited { step: step.clone(), end: ProcessEnd::Cancelled, duration_ms: 0 });
    }
    cut_off.into_iter().map(|(i, _)| i).collect()
}
