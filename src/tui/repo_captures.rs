//! The repositories' states for the journal (`repo_state` entries), captured off the UI thread and in order.
//!
//! A capture is `git status` and a diff of the work tree: tens to hundreds of milliseconds in a large checkout
//! (issue 17). Taken on the UI thread, the one at the session's start delayed the first frame (124 ms in a
//! 20,000-file repository, against 21 ms outside one) and the one after each step froze the screen. They are
//! queued here and run one at a time as view jobs: each is compared with the state recorded before it (the base
//! of a repository is its first capture's HEAD), so their order is the session's. A quit waits for the queue
//! (`pending`), as it waits for a `--log` being stored, so the journal has every state.

use super::jobs::ViewJob;
use super::App;
use crate::engine::RepoSnapshot;
use crate::locate::repo_state::RepoCapture;
use std::collections::VecDeque;
use std::path::PathBuf;

/// The captures due, in order, and whether one is running.
#[derive(Debug, Default)]
pub struct RepoCaptures {
    /// The step each follows (`None`: the session's start) and the directory whose repository to capture.
    queue: VecDeque<(Option<String>, PathBuf)>,
    running: bool,
}

impl RepoCaptures {
    /// A capture still queued or running.
    pub fn pending(&self) -> bool {
        self.running || !self.queue.is_empty()
    }
}

impl App {
    /// Queues the state of the repository containing `dir`, after `step` (`None`: at the start).
    pub(crate) fn queue_repo_capture(&mut self, step: Option<String>, dir: PathBuf) {
        self.repo_captures.queue.push_back((step, dir));
        self.next_repo_capture();
    }

    /// Starts the next capture when none is running (directories outside a repository are dropped here).
    fn next_repo_capture(&mut self) {
        if self.repo_captures.running {
            return;
        }
        while let Some((step, dir)) = self.repo_captures.queue.pop_front() {
            let request = self.repos.borrow().repo_request(step, &dir);
            if let Some(request) = request {
                self.repo_captures.running = true;
                self.jobs.push(ViewJob::CaptureRepo(request).into());
                return;
            }
        }
    }

    /// A capture came back (`None`: the repository could not be read): journaled when it holds something new,
    /// then the next one starts.
    pub(crate) fn repo_captured(&mut self, request: RepoCapture, snapshot: Option<Box<RepoSnapshot>>) {
        self.repo_captures.running = false;
        if let Some(snapshot) = snapshot {
            let observed = self.repos.borrow_mut().repo_captured(request, *snapshot);
            self.journal_repo_state(observed);
        }
        self.next_repo_capture();
    }

    /// A repository's state still being captured for the journal.
    pub fn repo_captures_pending(&self) -> bool {
        self.repo_captures.pending()
    }
}
