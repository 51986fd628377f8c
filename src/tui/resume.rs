//! `runbook resume [JOURNAL]` on the screen: the session goes on exactly where it stood. The screen is rebuilt from
//! the journal the way `replay` rebuilds it (every record through the engine and through the same bridge that
//! showed it live: statuses, outputs, results, captures, vars, checklist ticks, notes), then the UI turns live on
//! the same journal, appending. Nothing the engineer did before is lost or run again unasked.

use super::app::App;
use super::mode::Mode;
use super::recording::Replay;
use super::theme::Theme;
use crate::engine::{Context, RepoSnapshot, Runbook, Session};
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
    if let Some(cursor) = app.session.cursor() {
        app.select(cursor);
    }
    let done = app.session.statuses().iter().filter(|s| s.is_done()).count();
    let how = if resumed.reopened { "reopened" } else { "resumed" };
    let mut flash = format!("session {how}: {done} step(s) done, where it stood");
    if let Some(first) = resumed.notices.first() {
        flash = format!("{flash} · {first}");
    }
    app.flash = Some(flash);
    Ok(app)
}
