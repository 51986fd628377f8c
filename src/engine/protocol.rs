//! What goes into the run state machine and what comes out: the inputs a front end feeds it (a step started, a
//! line of output, a process ended, a choice) and the effects it asks for (emit an event, spawn a command, run a
//! probe). Plain data, shared by the engine, the headless runner, the TUI, resume and replay.

use super::events::{Event, Stream};
use super::model::*;
use super::value::Value;
use std::collections::BTreeMap;
use std::time::Duration;

/// Values every runbook may use, fixed for a session.
#[derive(Debug, Clone)]
pub struct Context {
    pub workdir: String,
    pub assets_dir: String,
    pub runbook_dir: String,
}

/// A command ready to spawn.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandSpec {
    /// The command with the values filled in, shell-quoted: for reading only (the dialog, events, reports).
    pub command: String,
    /// What `/bin/sh -c` runs: the values are `RB_*` variable references (see `engine::script`).
    pub script: String,
    /// The `RB_*` variables `script` references.
    pub script_env: BTreeMap<String, String>,
    /// `RB_*_FILE` variables to point at temporary files holding these contents (values too big for the
    /// environment); the runner writes them and removes them afterwards.
    pub script_files: BTreeMap<String, String>,
    pub cwd: String,
    pub env: BTreeMap<String, String>,
    pub timeout: Duration,
    pub grace: Duration,
    /// Keep stdout and stderr apart (a capture needs one of them); otherwise one pipe keeps their exact order.
    pub separate_streams: bool,
    /// The step's own cap for its side file of complete output (`spill_cap:`), else the session's.
    pub spill_cap: Option<u64>,
}

/// A non-shell action with its templates rendered.
#[derive(Debug, Clone, PartialEq)]
pub enum ProbeRequest {
    Parse { text: Option<String>, file: Option<String>, kind: ParseKind },
    Grep(GrepAction),
    Blame { file: String, lines: Option<(usize, usize)>, rev: Option<String> },
    Simulate(SimulateAction),
}

/// One log of the incident's evidence, as stored beside the journal.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EvidenceFile {
    /// Where it came from: the path given to `--log`, `-` for standard input, `paste`, or the fetch command.
    pub source: String,
    /// The stored copy (redacted), read by steps through `{{evidence_file}}`.
    pub path: String,
    /// SHA-256 of the stored copy, hex.
    pub sha256: String,
    pub bytes: u64,
    pub lines: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Emit(Event),
    /// An `evidence` step started and the session has no evidence yet: the front end asks for it (a path, a paste
    /// or a fetch command) and answers with `Input::Evidence`.
    NeedEvidence {
        step: String,
    },
    Spawn {
        step: String,
        spec: CommandSpec,
    },
    Probe {
        step: String,
        request: ProbeRequest,
    },
}

/// How a process ended.
#[derive(Debug, Clone, PartialEq)]
pub enum ProcessEnd {
    Exited(i32),
    /// Killed by a signal that was not ours.
    Signalled(i32),
    TimedOut,
    Cancelled,
    FailedToStart(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// Begin the step's action (the user confirmed, or headless policy allowed it).
    Start {
        step: String,
    },
    Skip {
        step: String,
        reason: String,
    },
    Output {
        step: String,
        stream: Stream,
        line: String,
        raw: Option<Vec<u8>>,
    },
    /// A step's process ended; with `ProcessEnd::Cancelled` it also ends a running probe step as cancelled.
    Exited {
        step: String,
        end: ProcessEnd,
        duration_ms: u64,
    },
    ProbeDone {
        step: String,
        result: Value,
        passed: bool,
        reason: Option<String>,
    },
    Choose {
        step: String,
        option: String,
    },
    Check {
        step: String,
        item: usize,
        checked: bool,
    },
    /// Set the cursor (the user moved, or a replay restores position).
    Select {
        step: String,
    },
    /// Give a declared var a value (the TUI's vars overlay; replay and resume feed recorded ones back). Later
    /// renders use it; steps already run keep what they ran with. A name the runbook does not declare is ignored.
    SetVar {
        name: String,
        value: String,
    },
    /// The incident's evidence is in: stored files, their triage, and the text when it is small. A running
    /// `evidence` step passes with the triage as its result.
    Evidence {
        files: Vec<EvidenceFile>,
        triage: Value,
        text: Option<String>,
    },
}
