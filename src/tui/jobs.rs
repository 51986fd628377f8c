//! The blocking halves of the view jobs: read and index a file, checkpoint its highlighting, blame it, look up
//! a commit, run the simulator. Each takes its job and returns the action that reports the outcome; the event loop runs them on
//! blocking threads, tests call them directly.

use super::action::Action;
use super::app::Job;
use super::highlight;
use super::source::file;
use crate::locate::blame::{blame, BlameOptions};
use std::sync::Arc;

/// Whether the loop runs `job` through `perform` (the rest are commands, probes and terminal hand-overs).
pub fn is_view_job(job: &Job) -> bool {
    matches!(
        job,
        Job::LoadSource { .. }
            | Job::Checkpoints { .. }
            | Job::Blame { .. }
            | Job::Commit { .. }
            | Job::Sim(_)
            | Job::Rate(_)
    )
}

/// Carries out a view job and says how it went (exactly one action per job: the loop counts them). Blocking.
pub fn perform(job: Job) -> Action {
    match job {
        Job::LoadSource { path } => {
            let result = file::load(&path).map(Arc::new);
            Action::SourceLoaded { path, result }
        }
        Job::Checkpoints { path, file } => {
            let checkpoints = match highlight::syntax_for(&path) {
                Some(syntax) => highlight::checkpoints(highlight::start(syntax), file.lines(0, file.len())),
                None => Vec::new(),
            };
            Action::CheckpointsReady { path, checkpoints: Arc::new(checkpoints) }
        }
        Job::Blame { path } => {
            // The whole working-tree file, once: the gutter then costs nothing per scroll.
            let options = BlameOptions { file: path.clone(), lines: None, rev: None };
            let result = blame(&options).map(Arc::new).map_err(|e| e.to_string());
            Action::BlameLoaded { path, result }
        }
        Job::Commit { path, commit } => {
            let result = crate::probes::commit::show(&path, &commit);
            Action::CommitLoaded { commit, result }
        }
        Job::Sim(request) => {
            let result = super::sim::run::run_one(&request).map(Arc::new);
            Action::SimLoaded { generation: request.generation, result }
        }
        Job::Rate(request) => {
            let result = super::sim::run::rate(&request);
            Action::RateDone { generation: request.generation, index: request.index, result }
        }
        other => Action::ViewJobFailed(format!("not a view job: {other:?}")),
    }
}
