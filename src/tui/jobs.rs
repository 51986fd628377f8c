//! Work `update` queues for the event loop (`Job`), sorted by who carries it out: commands and probes run as
//! tasks with a cancellation token, view jobs on blocking threads (`perform`, here), host jobs on the terminal
//! itself between two events. The kinds are types, so the loop's dispatch is exhaustive and a new view job cannot
//! be forgotten by the loop's bookkeeping.
//!
//! `perform` is the blocking half of every view job: read and index a file, checkpoint its highlighting, blame
//! it, look up a commit, run the simulator. The event loop runs it on blocking threads, tests call it directly.

use super::action::ViewAnswer;
use super::highlight;
use super::sim::{RateRequest, SimRequest};
use super::source::file::{self, SourceFile};
use super::source::past::{self, Past};
use crate::engine::{CommandSpec, ProbeRequest};
use crate::locate::blame::BlameOptions;
use crate::locate::{blame_ranges_with, MoveCopy};
use std::path::PathBuf;
use std::sync::Arc;

/// Background work the event loop carries out for `update`.
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    /// Run a step's command (its lines and exit come back as messages).
    Spawn {
        step: String,
        spec: CommandSpec,
    },
    /// Run a probe step (parse, grep, blame, simulate) on a blocking thread.
    Probe {
        step: String,
        request: ProbeRequest,
    },
    Cancel {
        step: String,
    },
    CancelAll,
    /// Work for a view, answered by exactly one `ViewAnswer`.
    View(ViewJob),
    /// Work that needs the terminal itself.
    Host(HostJob),
}

/// The view jobs: slow work behind a full-screen view, done off the UI thread.
#[derive(Debug, Clone, PartialEq)]
pub enum ViewJob {
    /// Read and index a file for the source view; in a replay, the file as it was then (`source::past`).
    LoadSource { path: PathBuf, past: Option<Past> },
    /// Highlighter checkpoints for a whole file (too long to do on the UI thread).
    Checkpoints { path: PathBuf, file: Arc<SourceFile> },
    /// Blame a whole file once (working tree, or at `rev` in a replay), for the source view's gutter; with
    /// `moves`, as `git blame -C`.
    Blame { path: PathBuf, rev: Option<String>, moves: bool },
    /// One commit in full (`b`).
    Commit { path: PathBuf, commit: String },
    /// Blame the function around `line` of the file (`F`), at `rev` in a replay.
    BlameFunction { path: PathBuf, line: usize, rev: Option<String> },
    /// One commit's patch against its first parent (`b`).
    CommitPatch { path: PathBuf, commit: String },
    /// One seeded simulator run with its timeline.
    Sim(SimRequest),
    /// One program's batch of seeded runs for the crash-rate chart.
    Rate(RateRequest),
    /// The command that fetches the incident's evidence, confirmed in the evidence dialog.
    FetchEvidence { command: String, cwd: String },
    /// Redact, store and parse evidence given in the dialog: a 50 MB paste takes seconds, the screen must not.
    LoadEvidence(EvidenceLoad),
    /// The repository's state when a view shows one of its files, for the journal (`git status` of a large
    /// checkout takes a while: never on the UI thread).
    CaptureView(crate::locate::repo_state::ViewCapture),
    /// A repository's state at the session's start or after a step, for the journal (`repo_captures.rs`).
    CaptureRepo(crate::locate::repo_state::RepoCapture),
}

/// Evidence given in the dialog, on its way through `evidence::load` (the same path as `--log`).
#[derive(Debug, Clone)]
pub struct EvidenceLoad {
    /// How it came in: `paste`, the path typed, `$ command`.
    pub name: String,
    pub pending: Arc<crate::evidence::Pending>,
    /// Where the copies are stored (beside the journal) and where the log's paths are mapped to.
    pub dir: PathBuf,
    pub repo: PathBuf,
}

impl PartialEq for EvidenceLoad {
    /// The same load: the same evidence (by identity: it can be 50 MB) to the same places.
    fn eq(&self, other: &EvidenceLoad) -> bool {
        self.name == other.name
            && Arc::ptr_eq(&self.pending, &other.pending)
            && self.dir == other.dir
            && self.repo == other.repo
    }
}

/// What the loop runs on the terminal between two events (`host::Host`).
#[derive(Debug, Clone, PartialEq)]
pub enum HostJob {
    /// Hand the terminal to `$EDITOR +line file` and take it back.
    Editor { path: PathBuf, line: usize },
    /// Put text on the clipboard (OSC 52); `what` names it in the status bar (`the command`, `output line 12`).
    Copy { text: String, what: String },
}

impl From<ViewJob> for Job {
    fn from(job: ViewJob) -> Job {
        Job::View(job)
    }
}

impl From<HostJob> for Job {
    fn from(job: HostJob) -> Job {
        Job::Host(job)
    }
}

/// Carries out a view job and says how it went (exactly one answer per job: the loop counts them). Blocking.
pub fn perform(job: ViewJob) -> ViewAnswer {
    match job {
        ViewJob::LoadSource { path, past } => {
            let result = match past {
                None | Some(Past::NotRecorded) => file::load(&path),
                Some(Past::Recorded { text, .. }) => Ok(SourceFile::from_bytes(text.as_bytes())),
                Some(Past::AtCommit { repo, head, relative }) => {
                    past::load_at_commit(&repo, &head, &relative).map(|b| SourceFile::from_bytes(&b))
                }
                Some(Past::Unavailable(why)) => Err(why),
            };
            let result = result.map(Arc::new);
            ViewAnswer::SourceLoaded { path, result }
        }
        ViewJob::Checkpoints { path, file } => {
            let checkpoints = match highlight::syntax_for(&path) {
                Some(syntax) => highlight::checkpoints(highlight::start(syntax), file.lines(0, file.len())),
                None => Vec::new(),
            };
            ViewAnswer::CheckpointsReady { path, checkpoints: Arc::new(checkpoints) }
        }
        ViewJob::Blame { path, rev, moves } => {
            // The whole file, once: the gutter then costs nothing per scroll.
            let options = BlameOptions { file: path.clone(), lines: None, rev };
            let detect = match moves {
                true => MoveCopy { moves: true, copies: 1, ..MoveCopy::default() },
                false => MoveCopy::default(),
            };
            let result = blame_ranges_with(&options, &[], detect).map(Arc::new).map_err(|e| e.to_string());
            ViewAnswer::BlameLoaded { path, moves, result }
        }
        ViewJob::BlameFunction { path, line, rev } => {
            let options = BlameOptions { file: path.clone(), lines: None, rev };
            let result = crate::locate::blame_function(&options, line).map_err(|e| e.to_string());
            ViewAnswer::FunctionBlamed { path, result }
        }
        ViewJob::Commit { path, commit } => {
            let result = crate::probes::commit::show(&path, &commit);
            ViewAnswer::CommitLoaded { commit, result }
        }
        ViewJob::CommitPatch { path, commit } => {
            let result = crate::locate::commit_patch::commit_patch(&path, &commit).map(Arc::new);
            ViewAnswer::PatchLoaded { commit, result }
        }
        ViewJob::Sim(request) => {
            let result = super::sim::run::run_one(&request).map(Arc::new);
            ViewAnswer::SimLoaded { generation: request.generation, result }
        }
        ViewJob::Rate(request) => {
            let result = super::sim::run::rate(&request);
            ViewAnswer::RateDone { generation: request.generation, index: request.index, result }
        }
        ViewJob::FetchEvidence { command, cwd } => {
            let result = crate::probes::fetch::fetch(
                &command,
                &cwd,
                crate::probes::fetch::LIMIT,
                crate::probes::fetch::TIME_LIMIT,
            );
            ViewAnswer::EvidenceFetched { command, result }
        }
        ViewJob::CaptureView(request) => {
            let captured = crate::locate::repo_state::capture_view(&request).map(Box::new);
            ViewAnswer::ViewCaptured { request, captured }
        }
        ViewJob::CaptureRepo(request) => {
            let snapshot = crate::locate::repo_state::capture_repo(&request).map(Box::new);
            ViewAnswer::RepoCaptured { request, snapshot }
        }
        ViewJob::LoadEvidence(load) => {
            let pending = &load.pending;
            // `--log FILE`s are read here, behind the screen (`Pending::deferred`).
            let result = pending
                .all_sources()
                .and_then(|sources| {
                    crate::evidence::load(
                        &sources,
                        &pending.redactor,
                        &load.dir,
                        &load.repo,
                        &pending.rewrites,
                        pending.parsed.as_deref(),
                    )
                })
                .map(|(input, _)| input)
                .map_err(|e| format!("{:#}", e.context(format!("storing the evidence in {}", load.dir.display()))));
            ViewAnswer::EvidenceLoaded { name: load.name, result }
        }
    }
}
