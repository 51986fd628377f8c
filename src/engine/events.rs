//! The events of a run: what headless `--json` prints, what the journal records and what replay feeds back.
//! ARCHITECTURE.md and `docs/cli.md` fix their shapes; every event of a step carries `"step"`.

use super::model::{Milestone, Mode};
use super::value::Value;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stream {
    Stdout,
    Stderr,
    /// Both streams through one pipe, in the exact order the program wrote them.
    Output,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Pending,
    Running,
    Passed,
    Failed,
    Skipped,
    TimedOut,
    Cancelled,
}

impl StepStatus {
    pub fn is_done(self) -> bool {
        !matches!(self, StepStatus::Pending | StepStatus::Running)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Pending => "pending",
            StepStatus::Running => "running",
            StepStatus::Passed => "passed",
            StepStatus::Failed => "failed",
            StepStatus::Skipped => "skipped",
            StepStatus::TimedOut => "timed_out",
            StepStatus::Cancelled => "cancelled",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    StepStarted {
        step: String,
        title: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        action: Option<String>,
    },
    /// The exact command, printed before the process starts.
    Command {
        step: String,
        command: String,
        cwd: String,
        #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
        env: BTreeMap<String, String>,
        mode: Mode,
        /// The exact script `/bin/sh -c` runs: each value is an `RB_*` variable reference (absent in journals
        /// written before values were passed as variables). `command` is the same with the values filled in,
        /// for reading.
        #[serde(skip_serializing_if = "Option::is_none", default)]
        script: Option<String>,
        /// The `RB_*` variables the script references (secrets masked; values passed as files show the path
        /// variable `RB_*_FILE` with the value's size).
        #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
        script_env: BTreeMap<String, String>,
    },
    Output {
        step: String,
        stream: Stream,
        line: String,
        /// The raw bytes when the line was not UTF-8.
        #[serde(skip_serializing_if = "Option::is_none")]
        line_b64: Option<String>,
    },
    Capture {
        step: String,
        name: String,
        value: Value,
    },
    Choice {
        step: String,
        option: String,
        label: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        goto: Option<String>,
    },
    Milestone {
        step: String,
        milestone: Milestone,
    },
    StepFinished {
        step: String,
        status: StepStatus,
        #[serde(skip_serializing_if = "Option::is_none")]
        exit_code: Option<i32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        duration_ms: Option<u64>,
        /// Why it failed or was skipped, in words.
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// A checklist item was ticked (`checked: true`) or unticked: replay, resume and the report read the boxes back.
    ChecklistTick {
        step: String,
        /// 0-based index of the item in the step's list.
        item: usize,
        label: String,
        checked: bool,
    },
    RunFinished {
        passed: usize,
        failed: usize,
        skipped: usize,
        /// Steps never reached (the run was interrupted): with the others, every step is accounted for. Absent
        /// when zero, so a completed run's event is unchanged.
        #[serde(default, skip_serializing_if = "is_zero")]
        not_run: usize,
    },
    /// A rerun changed a capture this step's result was computed from: the result stays, marked stale, until the
    /// step is rerun (`staleness.rs`).
    Stale {
        step: String,
        /// The capture that changed (or is outdated: its producer's rerun failed).
        capture: String,
        /// The step whose rerun changed it.
        by: String,
        reason: String,
    },
    /// A var was given a value during the session (the value of a `secret: true` var is `****`).
    VarSet {
        name: String,
        value: String,
    },
    /// The incident's evidence entered the session: the stored logs and their triage.
    Evidence {
        files: Vec<super::protocol::EvidenceFile>,
        triage: Value,
    },
}

impl Event {
    pub fn step(&self) -> Option<&str> {
        match self {
            Event::StepStarted { step, .. }
            | Event::Command { step, .. }
            | Event::Output { step, .. }
            | Event::Capture { step, .. }
            | Event::Choice { step, .. }
            | Event::Milestone { step, .. }
            | Event::StepFinished { step, .. }
            | Event::ChecklistTick { step, .. }
            | Event::Stale { step, .. } => Some(step),
            Event::RunFinished { .. } | Event::VarSet { .. } | Event::Evidence { .. } => None,
        }
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The milestone and the mode became enums; their JSON is the text the strings had, byte for byte.
    #[test]
    fn typed_milestone_and_mode_keep_the_json_of_the_strings() {
        let milestone = Event::Milestone { step: "repro".into(), milestone: Milestone::Reproduced };
        let line = r#"{"type":"milestone","step":"repro","milestone":"reproduced"}"#;
        assert_eq!(serde_json::to_string(&milestone).ok().as_deref(), Some(line));
        assert_eq!(serde_json::from_str::<Event>(line).ok(), Some(milestone));
        let command = Event::Command {
            step: "fix".into(),
            command: "go test".into(),
            cwd: "/src".into(),
            env: BTreeMap::new(),
            mode: Mode::Change,
            script: None,
            script_env: BTreeMap::new(),
        };
        let line = r#"{"type":"command","step":"fix","command":"go test","cwd":"/src","mode":"change"}"#;
        assert_eq!(serde_json::to_string(&command).ok().as_deref(), Some(line));
        assert_eq!(serde_json::from_str::<Event>(line).ok(), Some(command));
        for (name, m) in Milestone::ALL {
            assert_eq!(serde_json::to_string(&m).ok(), Some(format!("\"{name}\"")));
            assert_eq!(Milestone::parse(name), Some(m));
        }
    }
}
