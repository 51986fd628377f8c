//! Renders a `Postmortem` as a blameless postmortem document in Markdown, ready to paste into a wiki and finish
//! by hand (the impact section is deliberately left to people).

use super::postmortem::{one_line, Postmortem};
use crate::engine::Milestone;

pub fn render(pm: &Postmortem) -> String {
    let mut out = String::new();
    let mut line = |s: &str| {
        out.push_str(s);
        out.push('\n');
    };
    line(&format!("# {}", pm.title));
    line("");
    line(&format!("- Runbook: `{}` (sha256 `{}`)", pm.runbook_id, short(&pm.runbook_sha256)));
    line(&format!("- Session: {} → {}{}", pm.started, pm.ended, if pm.finished { "" } else { " (not finished)" }));
    line(&format!("- Working directory: `{}`", pm.workdir));
    if let Some(head) = &pm.git_head {
        let branch = head.branch.as_deref().map(|b| format!(" on `{b}`")).unwrap_or_default();
        line(&format!("- Git HEAD: `{}`{branch}", short(&head.commit)));
    }
    line("");
    line("## Summary");
    line("");
    line(&pm.summary);
    line("");
    line("## Impact");
    line("");
    line("- Who and what was affected: _to fill in_");
    line("- Duration of the impact (first symptom to recovery): _to fill in_");
    line("- User-visible symptoms (errors, latency, data): _to fill in_");
    line("- Detection (alert, report, on-call): _to fill in_");
    line("");
    line("## Time to each milestone");
    line("");
    line("| phase | time | reached at |");
    line("|---|---|---|");
    let d = &pm.durations;
    for (phase, ms, milestone) in [
        ("reproduce", d.reproduce_ms, Milestone::Reproduced),
        ("locate", d.locate_ms, Milestone::Located),
        ("fix", d.fix_ms, Milestone::Fixed),
        ("verify", d.verify_ms, Milestone::Verified),
    ] {
        let at = pm.milestones.iter().find(|m| m.milestone == milestone);
        let at = at.map(|m| format!("{} ({}, by {})", offset(m.offset_ms), clock(&m.ts), m.by)).unwrap_or("—".into());
        line(&format!("| {phase} | {} | {at} |", ms.map(human).unwrap_or_else(|| "—".into())));
    }
    line(&format!("| **total** | {} | |", d.total_ms.map(human).unwrap_or_else(|| "—".into())));
    line("");
    line("## Root cause (as found)");
    line("");
    let rc = &pm.root_cause;
    let or_unknown =
        |v: &Option<String>| v.as_deref().map(|s| format!("`{}`", one_line(s))).unwrap_or("not found".into());
    line(&format!("- Failure: {}", or_unknown(&rc.fatal_message)));
    if rc.race_detected {
        line("- The race detector reported a data race (`WARNING: DATA RACE`).");
    }
    line(&format!("- Where: {}", or_unknown(&rc.location)));
    line(&format!("- Map operation: {}", rc.map_op.as_deref().unwrap_or("not found")));
    match &rc.commit {
        Some(c) => {
            let summary = c.summary.as_deref().map(|s| format!(" \"{}\"", one_line(s))).unwrap_or_default();
            let author = c.author.as_deref().map(|a| format!(", by {a}")).unwrap_or_default();
            line(&format!("- Introduced by commit `{}`{summary}{author}", short(&c.commit)));
        }
        None => line("- Introduced by: not found (no blame was recorded)"),
    }
    line("");
    line("## Fix and verification");
    line("");
    match &pm.fix {
        Some(f) => line(&format!("- Fix chosen: **{}** (option `{}` at step `{}`)", f.label, f.option, f.step)),
        None => line("- Fix chosen: none recorded"),
    }
    for v in &pm.verification {
        line(&format!("- {}", one_line(v)));
    }
    if pm.verification.is_empty() {
        line("- Verification: none recorded");
    }
    if pm.decisions.len() > 1 {
        line("- Decisions on the way:");
        for dec in &pm.decisions {
            line(&format!("  - `{}`: {} (`{}`)", dec.step, dec.label, dec.option));
        }
    }
    if let Some(debrief) = &pm.debrief {
        line("");
        line("## Drill debrief");
        line("");
        line(&debrief.summary);
        line("");
        line("| check | result | detail |");
        line("|---|---|---|");
        for c in &debrief.checks {
            line(&format!("| {} | {} | {} |", c.milestone, if c.ok { "✔" } else { "✘" }, cell(&c.detail)));
        }
        line("");
        line("| target | goal | actual | met |");
        line("|---|---|---|---|");
        for t in &debrief.targets {
            let actual = t.actual_ms.map(human).unwrap_or_else(|| "not reached".into());
            line(&format!(
                "| {} | within {} | {actual} | {} |",
                t.phase,
                human(t.target_ms),
                if t.met { "yes" } else { "no" }
            ));
        }
    }
    line("");
    line("## Timeline");
    line("");
    line("| time (UTC) | offset | event |");
    line("|---|---|---|");
    for row in &pm.timeline {
        line(&format!("| {} | {} | {} |", clock(&row.ts), offset(row.offset_ms), cell(&row.event)));
    }
    line("");
    line("## Commands run");
    line("");
    if pm.commands.is_empty() {
        line("None.");
    } else {
        line("| step | command | exit | status | duration |");
        line("|---|---|---|---|---|");
        for c in &pm.commands {
            let exit = c.exit_code.map(|e| e.to_string()).unwrap_or_else(|| "—".into());
            let dur = c.duration_ms.map(human).unwrap_or_else(|| "—".into());
            line(&format!("| `{}` | `{}` | {exit} | {} | {dur} |", c.step, cell(&c.command), c.status));
        }
    }
    line("");
    line("## Notes");
    line("");
    if pm.notes.is_empty() {
        line("None recorded.");
    }
    for n in &pm.notes {
        let step = n.step.as_deref().map(|s| format!(" (step `{s}`)")).unwrap_or_default();
        line(&format!("- {} {}{step}: {}", clock(&n.ts), offset(n.offset_ms), one_line(&n.text)));
    }
    line("");
    line("## Follow-ups");
    line("");
    for f in &pm.follow_ups {
        line(&format!("- [ ] {f}"));
    }
    if !pm.warnings.is_empty() {
        line("");
        line("## About this journal");
        line("");
        for w in &pm.warnings {
            line(&format!("- {w}"));
        }
    }
    out
}

/// `HH:MM:SS` of an RFC 3339 time.
fn clock(ts: &str) -> String {
    ts.get(11..19).unwrap_or(ts).to_string()
}

/// `+MM:SS.mmm` (or `+H:MM:SS.mmm`) from the session start.
pub fn offset(ms: u64) -> String {
    let (h, m, s, milli) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    if h > 0 {
        format!("+{h}:{m:02}:{s:02}.{milli:03}")
    } else {
        format!("+{m:02}:{s:02}.{milli:03}")
    }
}

/// `812 ms`, `14.2 s`, `3 min 05 s`, `1 h 02 min`.
pub fn human(ms: u64) -> String {
    match ms {
        0..=999 => format!("{ms} ms"),
        1000..=59_999 => format!("{:.1} s", ms as f64 / 1000.0),
        60_000..=3_599_999 => format!("{} min {:02} s", ms / 60_000, ms / 1000 % 60),
        _ => format!("{} h {:02} min", ms / 3_600_000, ms / 60_000 % 60),
    }
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// Text safe inside a table cell.
fn cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}
