//! What kind of session the screen is (live, a drill, a replay) and how it ended. One enum each instead of
//! options and flags that must agree: a replay has no journal, a drill always names its scenario, and the exit
//! code follows from how the screen closed.

use super::recording::Replay;
use crate::journal::Journal;

/// The kind of session on screen.
pub enum Mode {
    /// A live session, journaled (no journal when it could not be created: the session goes on without one).
    Live { journal: Option<Journal> },
    /// A training drill (`runbook drill NAME`): the title bar shows the scenario with the drill's clock. The
    /// journal is taken back when the screen closes, for the drill's checks and debrief.
    Drill { scenario: String, journal: Option<Journal> },
    /// A recorded session, read-only: nothing runs and nothing is written.
    Replay(Box<Replay>),
}

impl Mode {
    pub fn journal(&self) -> Option<&Journal> {
        match self {
            Mode::Live { journal } | Mode::Drill { journal, .. } => journal.as_ref(),
            Mode::Replay(_) => None,
        }
    }

    /// Records the session from now on into `journal` (a replay writes nothing, so it keeps none).
    pub fn set_journal(&mut self, new: Journal) {
        match self {
            Mode::Live { journal } | Mode::Drill { journal, .. } => *journal = Some(new),
            Mode::Replay(_) => {}
        }
    }

    pub fn take_journal(&mut self) -> Option<Journal> {
        match self {
            Mode::Live { journal } | Mode::Drill { journal, .. } => journal.take(),
            Mode::Replay(_) => None,
        }
    }

    pub fn replay(&self) -> Option<&Replay> {
        match self {
            Mode::Replay(replay) => Some(replay),
            _ => None,
        }
    }

    pub fn replay_mut(&mut self) -> Option<&mut Replay> {
        match self {
            Mode::Replay(replay) => Some(replay),
            _ => None,
        }
    }

    pub fn is_replay(&self) -> bool {
        matches!(self, Mode::Replay(_))
    }

    /// The drill's scenario, when this is one.
    pub fn drill(&self) -> Option<&str> {
        match self {
            Mode::Drill { scenario, .. } => Some(scenario),
            _ => None,
        }
    }
}

/// How the screen closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The user quit (or, in tests, the input ended).
    Quit,
    /// SIGTERM or SIGHUP: commands were stopped and the journal is left open for `runbook resume`.
    Signal,
    /// The terminal or the session could not be set up, or the loop failed.
    Failed,
}

impl Exit {
    /// The program's exit code: 0 after a quit, 130 (128 + SIGINT, as shells report an interrupted program)
    /// after a signal, 2 on an error.
    pub fn code(self) -> i32 {
        match self {
            Exit::Quit => 0,
            Exit::Signal => 130,
            Exit::Failed => 2,
        }
    }
}
