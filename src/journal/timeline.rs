//! The timeline of a postmortem: one row per recorded event, in order, with its wall-clock time and offset.
//! Output is left out except the first line of each notable kind per step (a crash, a race report, a failing
//! test), so the table stays readable after a flood; captures that name people are hidden unless asked for.

use super::findings;
use super::postmortem::{one_line, TimelineRow};
use super::record::{Meta, Record};
use crate::engine::Event;

/// Every event but output; of the output, the first line of each notable kind per step.
pub fn rows(records: &[Record], with_authors: bool) -> Vec<TimelineRow> {
    let mut seen: Vec<(String, &str)> = Vec::new();
    let mut rows = crash_row(records);
    let recorded = records
        .iter()
        .filter(|r| match r.event() {
            Some(Event::Output { step, line, .. }) => match NOTABLE.iter().find(|n| line.contains(*n)) {
                Some(kind) if !seen.contains(&(step.clone(), kind)) => {
                    seen.push((step.clone(), kind));
                    true
                }
                _ => false,
            },
            _ => true,
        })
        .filter_map(|r| row(r, with_authors));
    rows.extend(recorded);
    rows
}

/// The crash itself, first, when the evidence's lines carry its time: the incident starts there, before the
/// session did. Its offset is 0 (the session's clock had not started).
fn crash_row(records: &[Record]) -> Vec<TimelineRow> {
    let Some(evidence) = super::incident::evidence(records) else { return Vec::new() };
    let Some(at) = evidence.crash_time.clone() else { return Vec::new() };
    let site = evidence.site.as_ref().map(|s| format!(" at `{}:{}`", s.file, s.line)).unwrap_or_default();
    let message = super::incident::full_message(&evidence);
    vec![TimelineRow {
        ts: at,
        offset_ms: 0,
        event: format!("**the crash** (from the evidence): `{}`{site}", one_line(&message)),
    }]
}

/// Output worth a line in the timeline.
const NOTABLE: [&str; 5] = ["fatal error:", "WARNING: DATA RACE", "panic:", "--- FAIL", "race detected"];

fn row(record: &Record, with_authors: bool) -> Option<TimelineRow> {
    let event = match (record.event(), record.meta()) {
        (Some(e), _) => describe_event(e, with_authors)?,
        (_, Some(m)) => describe_meta(m)?,
        _ => return None,
    };
    Some(TimelineRow { ts: record.ts.clone(), offset_ms: record.offset_ms, event })
}

fn describe_event(event: &Event, with_authors: bool) -> Option<String> {
    Some(match event {
        Event::StepStarted { step, title, .. } => format!("started `{step}`: {title}"),
        Event::Command { step, command, .. } => format!("`{step}` ran `{}`", one_line(command)),
        Event::Output { step, line, .. } => {
            if !NOTABLE.iter().any(|n| line.contains(n)) {
                return None;
            }
            format!("`{step}` printed `{}`", one_line(line.trim()))
        }
        Event::Capture { step, name, value } if !with_authors && findings::names_people(name, value) => {
            format!("`{step}` captured `{name}` (names people: shown with --with-authors)")
        }
        Event::Capture { step, name, value } => {
            let text = one_line(&value.to_text());
            let short: String = text.chars().take(60).collect();
            let more = if text.chars().count() > 60 { "…" } else { "" };
            format!("`{step}` captured `{name}` = `{short}{more}`")
        }
        Event::Choice { step, option, label, .. } => format!("`{step}`: chose {label} (`{option}`)"),
        Event::ChecklistTick { step, label, checked, .. } => {
            let verb = if *checked { "ticked" } else { "unticked" };
            format!("`{step}`: {verb} “{}”", one_line(label))
        }
        Event::Milestone { step, milestone } => format!("**milestone: {milestone}** (step `{step}`)"),
        Event::StepFinished { step, status, exit_code, reason, .. } => {
            let mut s = format!("finished `{step}`: {}", status.as_str());
            if let Some(c) = exit_code {
                s.push_str(&format!(", exit {c}"));
            }
            if let Some(r) = reason {
                s.push_str(&format!(" ({})", one_line(r)));
            }
            s
        }
        Event::RunFinished { passed, failed, skipped, not_run } => {
            let not_run = if *not_run > 0 { format!(", {not_run} not run") } else { String::new() };
            format!("run finished: {passed} passed, {failed} failed, {skipped} skipped{not_run}")
        }
        Event::VarSet { name, value } => format!("var `{name}` set to `{}`", one_line(value)),
        Event::Stale { step, reason, .. } => format!("`{step}` is stale: {reason}; its result is superseded"),
        Event::Evidence { files, triage } => {
            let text = |k: &str| triage.lookup_key(k).map(|v| v.to_text()).unwrap_or_default();
            let crashed = triage.lookup_key("crash_time").filter(|v| !v.is_null()).map(|t| t.to_text());
            let crashed = crashed.map(|t| format!(" (crashed at {t})")).unwrap_or_default();
            format!("evidence in: {} log(s); {} `{}`{crashed}", files.len(), text("kind"), one_line(&text("message")))
        }
    })
}

fn describe_meta(meta: &Meta) -> Option<String> {
    Some(match meta {
        Meta::SessionStart(s) => format!("session started ({}, runbook `{}`)", s.mode, s.runbook.id),
        Meta::SessionResumed { .. } => "session resumed".to_string(),
        Meta::SessionReopened { .. } => "session reopened to go on".to_string(),
        Meta::SessionFinished { reason, .. } => format!("session finished: {reason}"),
        Meta::Note { text, .. } => format!("note: {}", one_line(text)),
        Meta::OutputElided { step, lines, .. } => format!("`{step}`: {lines} output line(s) kept in the side file"),
        Meta::ProbeResult { .. } => return None,
        Meta::MilestoneChecked { milestone, by, ok, detail, .. } => {
            let verdict = if *ok { "confirmed" } else { "NOT confirmed" };
            format!("**{milestone} {verdict}** by {by}: {}", one_line(detail))
        }
        Meta::Debrief(d) => format!("debrief: {}", one_line(&d.summary)),
        Meta::RepoState(state) => repo_state_row(state)?,
    })
}

/// The repository at session start, and each later state that changed files (a view's state is not an event).
fn repo_state_row(state: &super::record::RepoState) -> Option<String> {
    use crate::engine::RepoStateReason;
    let snapshot = &state.snapshot;
    let head = snapshot.head.as_deref().map_or("no commit".to_string(), |h| h.chars().take(8).collect());
    match state.reason {
        RepoStateReason::SessionStart => {
            Some(format!("repository `{}` at {head}, {} changed file(s)", snapshot.repo, snapshot.files.len()))
        }
        RepoStateReason::Step => {
            let step = state.step.as_deref().unwrap_or("?");
            let names: Vec<&str> = snapshot.files.iter().take(3).map(|f| f.path.as_str()).collect();
            let more = snapshot.files.len().saturating_sub(names.len());
            let more = if more > 0 { format!(" and {more} more") } else { String::new() };
            Some(format!("`{step}`: repository at {head}, changed: {}{more}", names.join(", ")))
        }
        RepoStateReason::View => None,
    }
}
