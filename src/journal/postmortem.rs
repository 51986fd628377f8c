//! The postmortem as data: what `runbook report` knows after reading a journal, before any formatting.
//!
//! Built only from the records (it never runs anything), so the Markdown and the `--format json` output say the
//! same thing. Blameless by default: git authors appear only when asked for (`--with-authors`).

use super::findings::{self, RootCause};
use super::reader::Loaded;
use super::record::{Debrief, GitHead, Meta, MilestoneBy, Record, SessionMode};
use crate::engine::{Event, Milestone, Mode, StepStatus};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub with_authors: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Postmortem {
    pub title: String,
    pub runbook_id: String,
    pub runbook_sha256: String,
    pub started: String,
    pub ended: String,
    /// Whether `session_finished` closes the journal (false: interrupted, or still running).
    pub finished: bool,
    pub workdir: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub git_head: Option<GitHead>,
    /// None only for a journal without a session_start (`journal::read` refuses those).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<SessionMode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drill: Option<String>,
    pub summary: String,
    pub counts: Counts,
    pub milestones: Vec<MilestoneAt>,
    pub durations: Durations,
    pub timeline: Vec<TimelineRow>,
    pub root_cause: RootCause,
    pub decisions: Vec<Decision>,
    /// The fix: the option chosen, the diff in the service's repository, and the step that verified it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<super::fix::Fix>,
    pub verification: Vec<String>,
    pub commands: Vec<CommandRun>,
    pub notes: Vec<NoteAt>,
    /// Each checklist the session opened, with its boxes as they were left (absent when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checklists: Vec<super::checklists::Checklist>,
    pub follow_ups: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub debrief: Option<Debrief>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub interrupted: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct MilestoneAt {
    pub milestone: Milestone,
    pub ts: String,
    pub offset_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    pub by: MilestoneBy,
}

/// Each phase measured from the milestone before it (or the start); `total` is start to the last milestone.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Durations {
    pub reproduce_ms: Option<u64>,
    pub locate_ms: Option<u64>,
    pub fix_ms: Option<u64>,
    pub verify_ms: Option<u64>,
    pub total_ms: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TimelineRow {
    pub ts: String,
    pub offset_ms: u64,
    pub event: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub step: String,
    pub option: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommandRun {
    pub step: String,
    pub command: String,
    pub cwd: String,
    pub mode: Mode,
    pub exit_code: Option<i32>,
    /// passed, failed, …, or `interrupted` when the journal ends before the step did.
    pub status: String,
    pub duration_ms: Option<u64>,
    /// When the command started (ms from the session start).
    pub at_ms: u64,
    /// When the step ran again, replacing this run's result (ms from the session start).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub superseded_at_ms: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NoteAt {
    pub ts: String,
    pub offset_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    pub text: String,
}

pub fn build(loaded: &Loaded, options: Options) -> Postmortem {
    let records = &loaded.records;
    let start = loaded.start();
    let title = start.map(|s| s.runbook.title.clone()).unwrap_or_else(|| "(unknown runbook)".into());
    let mut pm = Postmortem {
        title: format!("Postmortem: {title}"),
        runbook_id: start.map(|s| s.runbook.id.clone()).unwrap_or_default(),
        runbook_sha256: start.map(|s| s.runbook.sha256.clone()).unwrap_or_default(),
        started: records.first().map(|r| r.ts.clone()).unwrap_or_default(),
        ended: records.last().map(|r| r.ts.clone()).unwrap_or_default(),
        finished: loaded.finished(),
        workdir: start.map(|s| s.workdir.clone()).unwrap_or_default(),
        git_head: start.and_then(|s| s.git_head.clone()),
        mode: start.map(|s| s.mode),
        drill: start.and_then(|s| s.drill.clone()),
        summary: String::new(),
        counts: Counts::default(),
        milestones: milestones(records),
        durations: Durations::default(),
        timeline: super::timeline::rows(records, options.with_authors),
        root_cause: findings::root_cause(records, start, options.with_authors),
        decisions: Vec::new(),
        fix: None,
        verification: Vec::new(),
        commands: commands(records),
        notes: Vec::new(),
        checklists: super::checklists::states(records, start),
        follow_ups: Vec::new(),
        debrief: None,
        warnings: loaded.warnings.clone(),
    };
    pm.durations = durations(&pm.milestones);
    let mut last_status: BTreeMap<String, StepStatus> = BTreeMap::new();
    for record in records {
        match (&record.entry, record.event()) {
            (_, Some(Event::Choice { step, option, label, .. })) => {
                pm.decisions.push(Decision { step: step.clone(), option: option.clone(), label: label.clone() });
            }
            (_, Some(Event::StepFinished { step, status, .. })) => {
                last_status.insert(step.clone(), *status);
            }
            (_, Some(Event::StepStarted { step, .. })) => {
                last_status.insert(step.clone(), StepStatus::Running);
            }
            (super::Entry::Meta(Meta::Note { step, text }), _) => pm.notes.push(NoteAt {
                ts: record.ts.clone(),
                offset_ms: record.offset_ms,
                step: step.clone(),
                text: text.clone(),
            }),
            (super::Entry::Meta(Meta::Debrief(d)), _) => pm.debrief = Some((**d).clone()),
            _ => {}
        }
    }
    for status in last_status.values() {
        match status {
            StepStatus::Passed => pm.counts.passed += 1,
            StepStatus::Skipped => pm.counts.skipped += 1,
            StepStatus::Running | StepStatus::Pending => pm.counts.interrupted += 1,
            _ => pm.counts.failed += 1,
        }
    }
    let decision = pm
        .decisions
        .iter()
        .rev()
        .find(|d| d.step.contains("fix") && !matches!(d.option.as_str(), "applied" | "back"))
        .or(pm.decisions.last())
        .map(|d| (d.step.clone(), d.option.clone(), d.label.clone()));
    pm.fix = super::fix::build(records, decision);
    pm.verification = verification(records, &pm.milestones);
    pm.follow_ups = follow_ups(&pm, records, &last_status);
    pm.summary = summary(&pm);
    pm
}

fn milestones(records: &[Record]) -> Vec<MilestoneAt> {
    let mut all = Vec::new();
    for r in records {
        let (step, milestone, by, at) = match (r.event(), r.meta()) {
            (Some(Event::Milestone { step, milestone }), _) => {
                (Some(step.clone()), *milestone, MilestoneBy::Step, None)
            }
            // A checked milestone is recorded by name; a name this version does not know is left out.
            (_, Some(Meta::MilestoneChecked { step, milestone, by, ok: true, at_ms, .. })) => {
                let Some(milestone) = Milestone::parse(milestone) else { continue };
                (step.clone(), milestone, *by, *at_ms)
            }
            _ => continue,
        };
        let offset_ms = at.unwrap_or(r.offset_ms);
        // The wall-clock time of an earlier moment: the record's time is later by the difference.
        let ts = match at {
            Some(at) => records.iter().find(|x| x.offset_ms >= at).map(|x| x.ts.clone()).unwrap_or(r.ts.clone()),
            None => r.ts.clone(),
        };
        all.push(MilestoneAt { milestone, ts, offset_ms, step, by });
    }
    // A drill's checked milestones replace what its steps claimed: checked, not trusted.
    let checked: Vec<Milestone> = all.iter().filter(|m| m.by == MilestoneBy::Drill).map(|m| m.milestone).collect();
    all.retain(|m| m.by == MilestoneBy::Drill || !checked.contains(&m.milestone));
    let mut first: Vec<MilestoneAt> = Vec::new();
    for m in all {
        if !first.iter().any(|f| f.milestone == m.milestone) {
            first.push(m);
        }
    }
    // In the order a fix goes through them (the enum's order), then by time.
    first.sort_by_key(|m| (m.milestone, m.offset_ms));
    first
}

fn durations(milestones: &[MilestoneAt]) -> Durations {
    let at = |milestone: Milestone| milestones.iter().find(|m| m.milestone == milestone).map(|m| m.offset_ms);
    let mut previous = 0u64;
    let mut phase = |milestone: Milestone| {
        let t = at(milestone)?;
        let d = t.saturating_sub(previous);
        previous = previous.max(t);
        Some(d)
    };
    let reproduce_ms = phase(Milestone::Reproduced);
    let locate_ms = phase(Milestone::Located);
    let fix_ms = phase(Milestone::Fixed);
    let verify_ms = phase(Milestone::Verified);
    let total_ms = Milestone::ALL.iter().filter_map(|(_, m)| at(*m)).max();
    Durations { reproduce_ms, locate_ms, fix_ms, verify_ms, total_ms }
}

fn commands(records: &[Record]) -> Vec<CommandRun> {
    let mut runs: Vec<CommandRun> = Vec::new();
    for r in records {
        match r.event() {
            Some(Event::Command { step, command, cwd, mode, .. }) => runs.push(CommandRun {
                step: step.clone(),
                command: command.clone(),
                cwd: cwd.clone(),
                mode: *mode,
                exit_code: None,
                status: "interrupted".into(),
                duration_ms: None,
                at_ms: r.offset_ms,
                superseded_at_ms: None,
            }),
            Some(Event::StepFinished { step, status, exit_code, duration_ms, .. }) => {
                if let Some(run) = runs.iter_mut().rev().find(|c| &c.step == step && c.status == "interrupted") {
                    run.status = status.as_str().to_string();
                    run.exit_code = *exit_code;
                    run.duration_ms = *duration_ms;
                }
            }
            _ => {}
        }
    }
    // A run followed by another run of the same step: the later one's result is the step's.
    let rerun_at: Vec<Option<u64>> =
        (0..runs.len()).map(|i| runs.iter().skip(i + 1).find(|c| c.step == runs[i].step).map(|c| c.at_ms)).collect();
    for (run, at) in runs.iter_mut().zip(rerun_at) {
        run.superseded_at_ms = at;
    }
    runs
}

fn verification(records: &[Record], milestones: &[MilestoneAt]) -> Vec<String> {
    let mut out = Vec::new();
    for r in records {
        if let Some(Meta::MilestoneChecked { milestone, ok, detail, by, .. }) = r.meta() {
            if matches!(milestone.as_str(), "fixed" | "verified") {
                let verdict = if *ok { "confirmed" } else { "not confirmed" };
                out.push(format!("{milestone} {verdict} by {by}: {detail}"));
            }
        }
    }
    for m in milestones
        .iter()
        .filter(|m| m.by == MilestoneBy::Step && matches!(m.milestone, Milestone::Fixed | Milestone::Verified))
    {
        out.push(format!("{}: step `{}` passed", m.milestone, m.step.as_deref().unwrap_or("?")));
    }
    out
}

fn follow_ups(pm: &Postmortem, records: &[Record], last: &BTreeMap<String, StepStatus>) -> Vec<String> {
    let mut out = Vec::new();
    for r in records {
        if let Some(Event::StepFinished { step, status, reason, .. }) = r.event() {
            if last.get(step) == Some(status) && matches!(status, StepStatus::Failed | StepStatus::TimedOut) {
                let why = reason.as_deref().map(|r| format!(": {}", one_line(r))).unwrap_or_default();
                out.push(format!("Find out why step `{step}` {}{why}", status.as_str().replace('_', " ")));
            }
        }
    }
    for (step, status) in last {
        if matches!(status, StepStatus::Running | StepStatus::Pending) {
            out.push(format!("Step `{step}` was interrupted before it finished: rerun it (`runbook resume`)"));
        }
    }
    if pm.root_cause.race_detected || pm.root_cause.fatal_message.is_some() {
        out.push("Run the package's tests with `-race` in CI so the next unsynchronised map fails a build".into());
        out.push("Audit the other maps shared between goroutines (the locate step's grep lists them)".into());
    }
    if !pm.milestones.iter().any(|m| m.milestone == Milestone::Verified) {
        out.push("Verify the fix in production and record it (milestone `verified`)".into());
    }
    out.push("Owner and due date for each item: _to fill in_".into());
    out
}

fn summary(pm: &Postmortem) -> String {
    let reached: Vec<&str> = pm.milestones.iter().map(|m| m.milestone.as_str()).collect();
    let mut s = format!(
        "The runbook `{}` ran in `{}` ({}). {} step(s) passed, {} failed, {} skipped",
        pm.runbook_id,
        pm.workdir,
        match &pm.drill {
            Some(d) => format!("drill `{d}`"),
            None => pm.mode.map(|m| m.to_string()).unwrap_or_default(),
        },
        pm.counts.passed,
        pm.counts.failed,
        pm.counts.skipped
    );
    if pm.counts.interrupted > 0 {
        s.push_str(&format!(", {} interrupted", pm.counts.interrupted));
    }
    s.push_str(". ");
    if reached.is_empty() {
        s.push_str("No milestone was reached.");
    } else {
        s.push_str(&format!("Milestones reached: {}.", reached.join(", ")));
    }
    if let Some(msg) = &pm.root_cause.fatal_message {
        s.push_str(&format!(" The failure: `{msg}`."));
    }
    if !pm.finished {
        s.push_str(" The journal has no `session_finished`: the session was interrupted or is still running.");
    }
    s
}

pub fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ⏎ ")
}
