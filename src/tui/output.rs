//! What the action pane shows for one step: its command, its output (bounded), notes from the engine (captures,
//! milestones, the verdict) and search over it; and `StepOutputs`, every step's, with the typed probe results.
//!
//! Bounded because a command may print millions of lines: the pane keeps the last `MAX_LINES` and counts what it
//! dropped; the engine keeps its own head and tail for captures, so nothing the runbook needs is lost here.

use super::results::StepResult;
use crate::engine::StepStatus;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// What the steps produced, by step index: output and verdict, typed probe results, and which are in flight.
#[derive(Debug, Clone, Default)]
pub struct StepOutputs {
    pub runs: BTreeMap<usize, StepRun>,
    /// Typed results of probe steps (parse, grep, blame, simulate) and the selection in each.
    pub results: BTreeMap<usize, StepResult>,
    /// Steps whose command or probe is in flight.
    pub active: BTreeSet<String>,
}

impl StepOutputs {
    /// A command or probe is in flight.
    pub fn is_busy(&self) -> bool {
        !self.active.is_empty()
    }
}

/// Lines kept per step for the pane.
pub const MAX_LINES: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Output,
    /// Said by runbook, not by the command (a capture, a milestone, a choice).
    Note,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub kind: LineKind,
    pub text: String,
}

/// The command as it was started (masked), for the pane's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Started {
    pub command: String,
    pub cwd: String,
    pub mode: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    pub status: StepStatus,
    pub exit_code: Option<i32>,
    pub duration_ms: Option<u64>,
    pub reason: Option<String>,
}

/// One execution of a step as the UI shows it.
#[derive(Debug, Clone, Default)]
pub struct StepRun {
    pub command: Option<Started>,
    pub lines: VecDeque<LogLine>,
    /// Lines dropped from the front to keep the bound.
    pub dropped: usize,
    pub started_ms: u64,
    pub finished: Option<Finished>,
}

impl StepRun {
    pub fn new(started_ms: u64) -> StepRun {
        StepRun { started_ms, ..StepRun::default() }
    }

    pub fn push(&mut self, kind: LineKind, text: String) {
        if self.lines.len() == MAX_LINES {
            self.lines.pop_front();
            self.dropped += 1;
        }
        self.lines.push_back(LogLine { kind, text });
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Indices of lines containing `query` (case-insensitive).
    pub fn matches(&self, query: &str) -> Vec<usize> {
        if query.is_empty() {
            return Vec::new();
        }
        let needle = query.to_lowercase();
        self.lines.iter().enumerate().filter(|(_, l)| l.text.to_lowercase().contains(&needle)).map(|(i, _)| i).collect()
    }
}

/// Elapsed time as the step list shows it: `850ms`, `12s`, `3m05s`, `1h02m`.
pub fn short_duration(ms: u64) -> String {
    crate::timefmt::duration(ms, crate::timefmt::DurationStyle::Compact)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_lines_and_counts_the_dropped() {
        let mut run = StepRun::new(0);
        for i in 0..MAX_LINES + 5 {
            run.push(LineKind::Output, i.to_string());
        }
        assert_eq!(run.len(), MAX_LINES);
        assert_eq!(run.dropped, 5);
        assert_eq!(run.lines.front().map(|l| l.text.as_str()), Some("5"));
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(short_duration(850), "850ms");
        assert_eq!(short_duration(12_400), "12s");
        assert_eq!(short_duration(185_000), "3m05s");
    }
}
