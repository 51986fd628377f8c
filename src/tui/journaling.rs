//! The TUI's side of the incident journal: the session's journal is created when the screen opens (at
//! `--journal PATH`, or in the state directory), every engine event the screen shows is recorded as it arrives
//! (`App::record` calls `journal_event`), probe results are recorded before the engine sees them (what resume
//! and replay feed back), notes and hand-set milestones are recorded when the user saves them, and quitting
//! closes the session with `session_finished`.
//!
//! Costs on the UI thread: output lines are only serialised into the writer's batch (a flusher thread writes and
//! syncs them); step starts and ends, commands, captures, choices, notes and milestones are synced before the
//! engine moves on, as everywhere else, and are few.

use super::app::App;
use super::mode::Exit;
use crate::engine::{Context, Event, Input, Session};
use crate::journal::{self, sessions, Journal, Meta};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What the TUI needs to start a session's journal.
#[derive(Debug, Clone, Default)]
pub struct JournalSpec {
    /// `--journal PATH`; `None` for the state directory.
    pub path: Option<String>,
    /// The runbook's exact text (the journal keeps it, so the session replays after the file changed).
    pub yaml: Vec<u8>,
    /// The runbook's name: a path, or `runbooks/ID.yaml` for bundled ones.
    pub source: String,
    pub bundled: bool,
    /// `--spill-cap`: the side files' cap when a step sets none.
    pub spill_cap: Option<u64>,
}

/// Creates the session's journal. An explicit path that cannot be created is an error (`Err` with the message);
/// the default location failing is a warning (`Ok((None, Some(warning)))`): an incident tool keeps working when it
/// cannot write its log.
pub fn open(
    spec: &JournalSpec,
    session: &Session,
    context: &Context,
    given: &BTreeMap<String, String>,
) -> Result<(Option<Journal>, Option<String>), String> {
    let runbook = session.runbook();
    let start = sessions::session_start(&sessions::StartFacts {
        runbook,
        yaml: &spec.yaml,
        source: &spec.source,
        bundled: spec.bundled,
        workdir: &context.workdir,
        runbook_dir: &context.runbook_dir,
        mode: crate::journal::record::SessionMode::Tui,
        vars: given,
        drill: None,
    });
    let (path, explicit) = match &spec.path {
        Some(p) => (PathBuf::from(p), true),
        None => (sessions::default_path(&runbook.id), false),
    };
    match Journal::create(&path, start) {
        Ok(journal) => {
            journal.set_secrets(secret_values(session));
            if let Some(cap) = spec.spill_cap {
                journal.set_spill_cap(cap);
            }
            Ok((Some(journal), None))
        }
        Err(e) if explicit => Err(sessions::create_failure(&path, &e)),
        Err(e) => Ok((None, Some(format!("no journal for this session ({}: {e})", path.display())))),
    }
}

/// The values of `secret: true` vars (given or default), masked again by the writer.
pub(crate) fn secret_values(session: &Session) -> Vec<String> {
    let secret = session.runbook().vars.iter().filter(|v| v.secret);
    secret.filter_map(|v| session.var(&v.name)).map(str::to_string).collect()
}

impl App {
    /// Records this session from now on into `journal`.
    pub fn set_journal(&mut self, journal: Journal) {
        self.mode.set_journal(journal);
        let repo = self.session.evidence_repo();
        self.queue_repo_capture(None, std::path::PathBuf::from(repo));
    }

    /// Records the repository's state, and `file` as shown, when a source or blame view shows a file the journal
    /// has not recorded with this content, or the repository changed since its last recorded state: replay then
    /// shows the file as it was, even without the repository. The capture runs as a view job.
    pub(crate) fn journal_repo_view(&mut self, file: &std::path::Path) {
        if self.mode.journal().is_none() {
            return;
        }
        let request = self.repos.borrow().view_request(file);
        if let Some(request) = request {
            self.jobs.push(super::jobs::ViewJob::CaptureView(request).into());
        }
    }

    /// A view's capture came back: journaled when it holds something new.
    pub(crate) fn journal_view_captured(
        &self,
        request: crate::locate::repo_state::ViewCapture,
        captured: Option<Box<crate::locate::repo_state::CapturedView>>,
    ) {
        let Some(captured) = captured else { return };
        let observed = self.repos.borrow_mut().view_captured(request, *captured);
        let observed = observed.map(|snapshot| (None, crate::engine::RepoStateReason::View, snapshot));
        self.journal_repo_state(observed);
    }

    pub(crate) fn journal_repo_state(&self, observed: Option<crate::locate::repo_state::Observed>) {
        if let (Some(journal), Some((step, reason, snapshot))) = (self.mode.journal(), observed) {
            let _ = journal.meta(Meta::RepoState(Box::new(journal::RepoState { step, reason, snapshot })));
        }
    }

    pub fn journal_path(&self) -> Option<&std::path::Path> {
        self.mode.journal().map(Journal::path)
    }

    /// An engine event on its way to the screen.
    pub(crate) fn journal_event(&mut self, event: &Event) {
        if let Some(journal) = self.mode.journal() {
            // A failing journal is remembered by the writer and reported at the end; the session goes on.
            let _ = journal.record(event);
            // The state of the repository a step ran in, once it ended: captured in the background, in order.
            let due = self.repos.borrow_mut().due_after(event);
            if let Some((step, dir)) = due {
                self.queue_repo_capture(Some(step), dir);
            }
        }
    }

    /// Makes the output lines journaled so far durable; called before every draw, so what the screen shows a
    /// crash cannot lose (the writer's batching alone leaves up to 100 ms of output only in memory).
    pub(crate) fn sync_shown_output(&self) {
        if let Some(journal) = self.mode.journal() {
            // A failing journal is remembered by the writer and reported at the end, as for every record.
            let _ = journal.sync_all_output();
        }
    }

    /// An engine input about to be applied: a probe's typed result is journaled first, so resume and replay can
    /// feed it back.
    pub(crate) fn journal_input(&self, input: &Input) {
        let (Some(journal), Input::ProbeDone { step, result, passed, reason }) = (self.mode.journal(), input) else {
            return;
        };
        let _ = journal.meta(Meta::ProbeResult {
            step: step.clone(),
            result: result.clone(),
            passed: *passed,
            reason: reason.clone(),
        });
    }

    /// The side file for the complete output of a step's command (the journal keeps its head and tail), capped
    /// at the step's `spill_cap` or the session's.
    pub(crate) fn spill(&self, step: &str, cap: Option<u64>) -> Option<crate::probes::spill::Spill> {
        self.mode.journal().and_then(|j| j.spill(step, cap))
    }

    /// A journal-only entry (note, hand-set milestone); `false` when there is no journal to write it to.
    pub(crate) fn journal_meta(&self, meta: Meta) -> bool {
        match self.mode.journal() {
            Some(journal) => journal.meta(meta).is_ok(),
            None => false,
        }
    }

    /// The session's journal, still open (a drill writes its checks and debrief into it after the screen closes).
    pub fn take_journal(&mut self) -> Option<Journal> {
        self.mode.take_journal()
    }

    /// Ends the session: `session_finished` with the exit code, except after a signal, which leaves the session
    /// open for `runbook resume`. Closes the journal; returns a warning if writing it ever failed.
    pub fn close_journal(&mut self, exit: Exit) -> Option<String> {
        let journal = self.mode.take_journal()?;
        let reason = match exit {
            Exit::Quit => Some("quit"),
            Exit::Failed => Some("error"),
            Exit::Signal => None,
        };
        if let Some(reason) = reason {
            let exit_code = Some(exit.code());
            let _ = journal.meta(journal::Meta::SessionFinished { reason: reason.into(), exit_code });
        }
        let warning = journal.broken().map(|e| format!("the journal {} is incomplete: {e}", journal.path().display()));
        drop(journal);
        warning
    }
}

/// Where the session's evidence is stored: beside the journal, or in a directory of its own without one.
pub fn evidence_dir(app: &App) -> std::path::PathBuf {
    match app.journal_path() {
        Some(path) => path.with_extension("evidence"),
        None => sessions::default_path(&app.session.runbook().id).with_extension("evidence"),
    }
}

/// `--log`: stores and parses the evidence in the background (`jobs::ViewJob::LoadEvidence`, as the dialog does),
/// with "reading the evidence" in the status bar until `evidence_loaded` feeds it to the session.
pub fn start_evidence_load(app: &mut App, pending: crate::evidence::Pending) {
    let bytes = usize::try_from(pending.size()).unwrap_or(usize::MAX);
    let name = pending.names().join(", ");
    app.evidence_loading = Some(format!("reading the evidence ({})…", super::evidence_dialog::size(bytes)));
    let load = super::jobs::EvidenceLoad {
        name,
        pending: std::sync::Arc::new(pending),
        dir: evidence_dir(app),
        repo: std::path::PathBuf::from(app.session.evidence_repo()),
    };
    app.jobs.push(super::jobs::ViewJob::LoadEvidence(load).into());
}

/// Stores the incident's evidence beside the journal (or in a directory of its own when there is no journal) and
/// feeds it to the session.
pub fn load_evidence(app: &mut App, pending: &crate::evidence::Pending) -> anyhow::Result<()> {
    let dir = evidence_dir(app);
    let input = pending.load(&app.session, &dir)?;
    app.feed(input);
    Ok(())
}
