//! The runbook as the engine sees it, after loading and validation.
//!
//! Every step keeps its path (`phases[1].steps[2]`) and position so that run-time errors can point into the file
//! just as `check` does.

pub use super::output::LineRegex;
use super::yaml::Pos;
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub struct Runbook {
    pub id: String,
    pub title: String,
    pub summary: String,
    /// The `match:` regexes tried against evidence by triage (`match_rules.rs`); empty: never picked by triage.
    pub match_patterns: Vec<String>,
    pub vars: Vec<Var>,
    pub phases: Vec<Phase>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Var {
    pub name: String,
    pub default: Option<String>,
    pub description: String,
    pub secret: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Phase {
    pub id: String,
    pub title: String,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub id: String,
    pub title: String,
    pub text: String,
    pub mode: Mode,
    pub milestone: Option<Milestone>,
    /// Where to continue when the step passes (default: the next step in the file).
    pub next: Option<String>,
    pub action: Option<Action>,
    pub captures: Vec<Capture>,
    /// `on_unexpected:` the author's words for when the action ran but its expectation failed (an exit code or
    /// output other than `expect:` wants, a probe that found nothing): added to the failure's reason, so the
    /// engineer reads what it means for the incident, not only `exit code 0, expected 1`.
    pub on_unexpected: Option<String>,
    /// `phases[P].steps[S]`, for messages.
    pub path: String,
    pub pos: Pos,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Observe,
    Change,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Observe => "observe",
            Mode::Change => "change",
        }
    }
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Milestone {
    Reproduced,
    Located,
    Fixed,
    Verified,
}

impl Milestone {
    pub const ALL: [(&'static str, Milestone); 4] = [
        ("reproduced", Milestone::Reproduced),
        ("located", Milestone::Located),
        ("fixed", Milestone::Fixed),
        ("verified", Milestone::Verified),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Milestone::Reproduced => "reproduced",
            Milestone::Located => "located",
            Milestone::Fixed => "fixed",
            Milestone::Verified => "verified",
        }
    }

    /// The milestone named `name` (as in YAML and JSON), if any.
    pub fn parse(name: &str) -> Option<Milestone> {
        Milestone::ALL.iter().find(|(n, _)| *n == name).map(|(_, m)| *m)
    }
}

impl std::fmt::Display for Milestone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One box of a checklist: an `optional` item does not block the step.
#[derive(Debug, Clone, PartialEq)]
pub struct ChecklistItem {
    pub text: String,
    pub optional: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Run(RunAction),
    Parse(ParseAction),
    Grep(GrepAction),
    Blame(BlameAction),
    Simulate(SimulateAction),
    Choose(ChooseAction),
    Checklist(Vec<ChecklistItem>),
    /// The incident's evidence (the crash log production printed): passes with its triage once the session has
    /// it; until then the front end asks for it (`--log` headless).
    Evidence(EvidenceAction),
}

impl Action {
    pub fn kind(&self) -> &'static str {
        match self {
            Action::Run(_) => "run",
            Action::Parse(_) => "parse",
            Action::Grep(_) => "grep",
            Action::Blame(_) => "blame",
            Action::Simulate(_) => "simulate",
            Action::Choose(_) => "choose",
            Action::Checklist(_) => "checklist",
            Action::Evidence(_) => "evidence",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RunAction {
    pub command: String,
    pub cwd: Option<String>,
    pub env: BTreeMap<String, String>,
    pub timeout: Duration,
    pub grace: Duration,
    pub expect: Expect,
    /// The cap of the step's side file of complete output (`spill_cap: 2GiB`); the session's when absent.
    pub spill_cap: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    pub exit_codes: Vec<i32>,
    pub matches: Vec<LineRegex>,
    pub not_matches: Vec<LineRegex>,
}

impl Default for Expect {
    fn default() -> Self {
        Expect { exit_codes: vec![0], matches: Vec::new(), not_matches: Vec::new() }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseKind {
    Auto,
    Race,
    Crash,
    Gctrace,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParseAction {
    pub input: Option<String>,
    pub file: Option<String>,
    pub kind: ParseKind,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GrepAction {
    pub pattern: String,
    pub paths: Vec<String>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub ignore_case: bool,
    pub fixed_strings: bool,
    pub context: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BlameAction {
    pub file: String,
    pub lines: Option<String>,
    pub rev: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SimulateAction {
    pub program: String,
    pub go: Option<String>,
    pub seed: Option<u64>,
    pub runs: Option<u64>,
    pub exhaustive: bool,
    pub gctrace: Option<String>,
}

/// `evidence:`: where the incident's logs are read into the session.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceAction {
    /// The repository the evidence's file paths are mapped to (a template, usually `"{{repo}}"`; default the
    /// working directory).
    pub repo: Option<String>,
    /// Commands that fetch the evidence, shown as examples when the TUI asks for it.
    pub examples: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChooseAction {
    pub question: String,
    pub options: Vec<ChoiceOption>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceOption {
    pub id: String,
    pub label: String,
    pub description: String,
    pub goto: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureFrom {
    Output,
    Stdout,
    Stderr,
    Result,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Capture {
    pub name: String,
    pub from: CaptureFrom,
    pub regex: Option<LineRegex>,
    pub group: Option<usize>,
}

impl Runbook {
    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.phases.iter().flat_map(|p| p.steps.iter())
    }

    pub fn step_index(&self, id: &str) -> Option<usize> {
        self.steps().position(|s| s.id == id)
    }

    pub fn step_count(&self) -> usize {
        self.phases.iter().map(|p| p.steps.len()).sum()
    }

    /// The step at a flat index (phases concatenated).
    pub fn step(&self, index: usize) -> Option<&Step> {
        self.steps().nth(index)
    }
}
