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
    records
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
        .filter_map(|r| row(r, with_authors))
        .collect()
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
        Event::Evidence { files, triage } => {
            let text = |k: &str| triage.lookup_key(k).map(|v| v.to_text()).unwrap_or_default();
            format!("evidence in: {} log(s); {} `{}`", files.len(), text("kind"), one_line(&text("message")))
        }
    })
}

fn describe_meta(meta: &Meta) -> Option<String> {
    Some(match meta {
        Meta::SessionStart(s) => format!("session started ({}, runbook `{}`)", s.mode, s.runbook.id),
        Meta::SessionResumed { .. } => "session resumed".to_string(),
        Meta::SessionFinished { reason, .. } => format!("session finished: {reason}"),
        Meta::Note { text, .. } => format!("note: {}", one_line(text)),
        Meta::OutputElided { step, lines, .. } => format!("`{step}`: {lines} output line(s) kept in the side file"),
        Meta::ProbeResult { .. } => return None,
        Meta::MilestoneChecked { milestone, by, ok, detail, .. } => {
            let verdict = if *ok { "confirmed" } else { "NOT confirmed" };
            format!("**{milestone} {verdict}** by {by}: {}", one_line(detail))
        }
        Meta::Debrief(d) => format!("debrief: {}", one_line(&d.summary)),
    })
}
