//! Renders a `Postmortem` as a blameless postmortem document in Markdown, ready to paste into a wiki and finish
//! by hand (the impact section is deliberately left to people).

use super::postmortem::{one_line, Postmortem};
use crate::engine::Milestone;
use crate::timefmt::{duration, DurationStyle};

/// The document as it is written, line by line.
struct Doc(String);

impl Doc {
    fn line(&mut self, s: &str) {
        self.0.push_str(s);
        self.0.push('\n');
    }
}

pub fn render(pm: &Postmortem) -> String {
    let mut doc = Doc(String::new());
    head(&mut doc, pm);
    summary_and_impact(&mut doc, pm);
    milestone_times(&mut doc, pm);
    root_cause(&mut doc, pm);
    fix_and_verification(&mut doc, pm);
    drill_debrief(&mut doc, pm);
    timeline(&mut doc, pm);
    commands(&mut doc, pm);
    notes(&mut doc, pm);
    checklists(&mut doc, pm);
    follow_ups(&mut doc, pm);
    about(&mut doc, pm);
    doc.0
}

/// The title and where the session ran.
fn head(doc: &mut Doc, pm: &Postmortem) {
    doc.line(&format!("# {}", pm.title));
    doc.line("");
    doc.line(&format!("- Runbook: `{}` (sha256 `{}`)", pm.runbook_id, short(&pm.runbook_sha256)));
    doc.line(&format!("- Session: {} → {}{}", pm.started, pm.ended, if pm.finished { "" } else { " (not finished)" }));
    doc.line(&format!("- Working directory: `{}`", pm.workdir));
    if let Some(head) = &pm.git_head {
        let branch = head.branch.as_deref().map(|b| format!(" on `{b}`")).unwrap_or_default();
        doc.line(&format!("- Git HEAD: `{}`{branch}", short(&head.commit)));
    }
    doc.line("");
}

/// The summary, and the impact section left for people to fill in.
fn summary_and_impact(doc: &mut Doc, pm: &Postmortem) {
    doc.line("## Summary");
    doc.line("");
    doc.line(&pm.summary);
    doc.line("");
    doc.line("## Impact");
    doc.line("");
    doc.line("- Who and what was affected: _to fill in_");
    doc.line("- Duration of the impact (first symptom to recovery): _to fill in_");
    doc.line("- User-visible symptoms (errors, latency, data): _to fill in_");
    doc.line("- Detection (alert, report, on-call): _to fill in_");
    doc.line("");
}

/// How long each phase took, milestone by milestone.
fn milestone_times(doc: &mut Doc, pm: &Postmortem) {
    doc.line("## Time to each milestone");
    doc.line("");
    doc.line("| phase | time | reached at |");
    doc.line("|---|---|---|");
    let d = &pm.durations;
    for (phase, ms, milestone) in [
        ("reproduce", d.reproduce_ms, Milestone::Reproduced),
        ("locate", d.locate_ms, Milestone::Located),
        ("fix", d.fix_ms, Milestone::Fixed),
        ("verify", d.verify_ms, Milestone::Verified),
    ] {
        let at = pm.milestones.iter().find(|m| m.milestone == milestone);
        let at = at.map(|m| format!("{} ({}, by {})", offset(m.offset_ms), clock(&m.ts), m.by)).unwrap_or("—".into());
        doc.line(&format!("| {phase} | {} | {at} |", ms.map(human).unwrap_or_else(|| "—".into())));
    }
    doc.line(&format!("| **total** | {} | |", d.total_ms.map(human).unwrap_or_else(|| "—".into())));
    doc.line("");
}

/// The failure, where it is, and the commit that introduced it, as the session found them.
fn root_cause(doc: &mut Doc, pm: &Postmortem) {
    doc.line("## Root cause (as found)");
    doc.line("");
    let rc = &pm.root_cause;
    let or_unknown =
        |v: &Option<String>| v.as_deref().map(|s| format!("`{}`", one_line(s))).unwrap_or("not found".into());
    doc.line(&format!("- Failure: {}", or_unknown(&rc.fatal_message)));
    if let Some(at) = &rc.crash_time {
        doc.line(&format!("- Crashed at: {at} (from the evidence's timestamps)"));
    }
    if rc.race_detected {
        doc.line("- The race detector reported a data race (`WARNING: DATA RACE`).");
    }
    match &rc.site {
        Some(site) if !site.function.is_empty() => doc.line(&format!(
            "- Where: `{}:{}` in `{}` (the crash's first service frame)",
            site.file, site.line, site.function
        )),
        _ => doc.line(&format!("- Where: {}", or_unknown(&rc.location))),
    }
    doc.line(&format!("- Map operation: {}", rc.map_op.as_deref().unwrap_or("not found")));
    match &rc.commit {
        Some(c) => {
            let summary = c.summary.as_deref().map(|s| format!(" \"{}\"", one_line(s))).unwrap_or_default();
            let author = c.author.as_deref().map(|a| format!(", by {a}")).unwrap_or_default();
            doc.line(&format!("- Introduced by commit `{}`{summary}{author}", short(&c.commit)));
        }
        None => doc.line("- Introduced by: not found (no blame was recorded)"),
    }
    if rc.located.len() > 1
        || rc.located.first().is_some_and(|l| rc.commit.as_ref().is_none_or(|c| c.commit != l.commit))
    {
        doc.line("- Lines located:");
        for l in &rc.located {
            doc.line(&format!(
                "  - `{}:{}`: commit `{}` \"{}\" (step `{}`)",
                l.file,
                l.line,
                short(&l.commit),
                one_line(&l.summary),
                l.step
            ));
        }
    }
    for old in &rc.superseded {
        let lines: Vec<String> =
            old.located.iter().map(|l| format!("`{}:{}` (commit `{}`)", l.file, l.line, short(&l.commit))).collect();
        let step = old.located.first().map(|l| l.step.as_str()).unwrap_or("?");
        doc.line(&format!(
            "- Superseded: step `{step}` at {} located {}; its rerun at {} replaced that result.",
            offset(old.at_ms),
            lines.join(", "),
            offset(old.by_ms)
        ));
    }
    for s in &rc.stale {
        doc.line(&format!(
            "- Stale: step `{}`'s result was not recomputed after its input changed ({}).",
            s.step,
            one_line(&s.reason)
        ));
    }
    doc.line("");
}

/// The fix chosen, how it was verified, and the decisions on the way.
fn fix_and_verification(doc: &mut Doc, pm: &Postmortem) {
    doc.line("## Fix and verification");
    doc.line("");
    match pm.fix.as_ref().and_then(|f| Some((f.label.as_ref()?, f.option.as_ref()?, f.step.as_ref()?))) {
        Some((label, option, step)) => {
            doc.line(&format!("- Fix chosen: **{label}** (option `{option}` at step `{step}`)"))
        }
        None => doc.line("- Fix chosen: none recorded"),
    }
    if let Some(by) = pm.fix.as_ref().and_then(|f| f.verified_by.as_ref()) {
        let command = by.command.as_deref().map(|c| format!(": `{}`", one_line(c))).unwrap_or_default();
        let exit = by.exit_code.map(|c| format!(", exit {c}")).unwrap_or_default();
        doc.line(&format!("- Verified by step `{}`{command}{exit}", by.step));
    }
    for v in &pm.verification {
        doc.line(&format!("- {}", one_line(v)));
    }
    if pm.verification.is_empty() {
        doc.line("- Verification: none recorded");
    }
    if pm.decisions.len() > 1 {
        doc.line("- Decisions on the way:");
        for dec in &pm.decisions {
            doc.line(&format!("  - `{}`: {} (`{}`)", dec.step, dec.label, dec.option));
        }
    }
    fix_diff(doc, pm);
}

/// The diff in the service's repository from the session's start to the verified work tree.
fn fix_diff(doc: &mut Doc, pm: &Postmortem) {
    let Some(fix) = &pm.fix else { return };
    let Some(diff) = fix.diff.as_deref() else { return };
    doc.line("");
    let base = fix.base.as_deref().map(short).unwrap_or("the first commit");
    let repo = fix.repo.as_deref().unwrap_or("the repository");
    if diff.trim().is_empty() {
        doc.line(&format!("The work tree of `{repo}` did not differ from `{base}` when the fix was verified."));
        return;
    }
    doc.line(&format!("### The change (`git diff {base}` in `{repo}`, when the fix was verified)"));
    doc.line("");
    let fence = if diff.contains("```") { "~~~~" } else { "```" };
    doc.line(&format!("{fence}diff"));
    for line in diff.lines() {
        doc.line(line);
    }
    doc.line(fence);
    if fix.diff_truncated {
        doc.line("");
        doc.line("(cut at 1 MiB: the journal keeps the first MiB of the diff)");
    }
}

/// A drill's checks and its times against the handbook's targets.
fn drill_debrief(doc: &mut Doc, pm: &Postmortem) {
    if let Some(debrief) = &pm.debrief {
        doc.line("");
        doc.line("## Drill debrief");
        doc.line("");
        doc.line(&debrief.summary);
        doc.line("");
        doc.line("| check | result | detail |");
        doc.line("|---|---|---|");
        for c in &debrief.checks {
            doc.line(&format!("| {} | {} | {} |", c.milestone, if c.ok { "✔" } else { "✘" }, cell(&c.detail)));
        }
        doc.line("");
        doc.line("| target | goal | actual | met |");
        doc.line("|---|---|---|---|");
        for t in &debrief.targets {
            let actual = t.actual_ms.map(human).unwrap_or_else(|| "not reached".into());
            doc.line(&format!(
                "| {} | within {} | {actual} | {} |",
                t.phase,
                human(t.target_ms),
                if t.met { "yes" } else { "no" }
            ));
        }
    }
    doc.line("");
}

/// Every event with its time and offset.
fn timeline(doc: &mut Doc, pm: &Postmortem) {
    doc.line("## Timeline");
    doc.line("");
    doc.line("| time (UTC) | offset | event |");
    doc.line("|---|---|---|");
    for row in &pm.timeline {
        let (time, offset) = timeline_time(&row.ts, row.offset_ms, &pm.started);
        doc.line(&format!("| {time} | {offset} | {} |", cell(&row.event)));
    }
    doc.line("");
}

/// Every command run, with its exit code, status and duration.
fn commands(doc: &mut Doc, pm: &Postmortem) {
    doc.line("## Commands run");
    doc.line("");
    if pm.commands.is_empty() {
        doc.line("None.");
    } else {
        doc.line("| step | command | exit | status | duration |");
        doc.line("|---|---|---|---|---|");
        for c in &pm.commands {
            let exit = c.exit_code.map(|e| e.to_string()).unwrap_or_else(|| "—".into());
            let dur = c.duration_ms.map(human).unwrap_or_else(|| "—".into());
            let status = match c.superseded_at_ms {
                Some(at) => format!("{}, superseded by the rerun at {}", c.status, offset(at)),
                None => c.status.clone(),
            };
            doc.line(&format!("| `{}` | `{}` | {exit} | {status} | {dur} |", c.step, cell(&c.command)));
        }
    }
    doc.line("");
}

/// Notes taken during the session.
fn notes(doc: &mut Doc, pm: &Postmortem) {
    doc.line("## Notes");
    doc.line("");
    if pm.notes.is_empty() {
        doc.line("None recorded.");
    }
    for n in &pm.notes {
        let step = n.step.as_deref().map(|s| format!(" (step `{s}`)")).unwrap_or_default();
        doc.line(&format!("- {} {}{step}: {}", clock(&n.ts), offset(n.offset_ms), one_line(&n.text)));
    }
    doc.line("");
}

/// The checklists the session opened, as they were left.
fn checklists(doc: &mut Doc, pm: &Postmortem) {
    if pm.checklists.is_empty() {
        return;
    }
    doc.line("## Checklists");
    doc.line("");
    for c in &pm.checklists {
        let ticked = c.items.iter().filter(|i| i.checked).count();
        doc.line(&format!("{} (`{}`): {ticked} of {} checked", c.title, c.step, c.items.len()));
        doc.line("");
        for i in &c.items {
            let optional = if i.optional { " (optional)" } else { "" };
            doc.line(&format!("- [{}] {}{optional}", if i.checked { "x" } else { " " }, one_line(&i.text)));
        }
        doc.line("");
    }
}

/// What is left to do.
fn follow_ups(doc: &mut Doc, pm: &Postmortem) {
    doc.line("## Follow-ups");
    doc.line("");
    for f in &pm.follow_ups {
        doc.line(&format!("- [ ] {f}"));
    }
}

/// Problems found reading the journal (a torn last line, unknown entries).
fn about(doc: &mut Doc, pm: &Postmortem) {
    if !pm.warnings.is_empty() {
        doc.line("");
        doc.line("## About this journal");
        doc.line("");
        for w in &pm.warnings {
            doc.line(&format!("- {w}"));
        }
    }
}

/// The time and offset cells of a timeline row. A row from before the session (the crash, from the evidence's
/// timestamps) has no offset on the session's clock: it says `before start`, not `+00:00.000`, and its time
/// carries the date when that is not the session's day (a crash at 23:58 investigated after midnight).
fn timeline_time(ts: &str, offset_ms: u64, started: &str) -> (String, String) {
    let second = |t: &str| t.get(..19).map(str::to_string);
    let before = offset_ms == 0 && matches!((second(ts), second(started)), (Some(a), Some(b)) if a < b);
    if !before {
        return (clock(ts), offset(offset_ms));
    }
    let time = match (ts.get(..10), started.get(..10)) {
        (Some(day), Some(session_day)) if day != session_day => format!("{day} {}", clock(ts)),
        _ => clock(ts),
    };
    (time, "before start".to_string())
}

/// `HH:MM:SS` of an RFC 3339 time.
fn clock(ts: &str) -> String {
    ts.get(11..19).unwrap_or(ts).to_string()
}

/// `+MM:SS.mmm` (or `+H:MM:SS.mmm`) from the session start.
pub fn offset(ms: u64) -> String {
    duration(ms, DurationStyle::Offset)
}

/// `812 ms`, `14.2 s`, `3 min 05 s`, `1 h 02 min`.
pub fn human(ms: u64) -> String {
    duration(ms, DurationStyle::Words)
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// Text safe inside a table cell.
fn cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

#[cfg(test)]
mod timeline_tests {
    use super::timeline_time;

    #[test]
    fn the_crash_from_the_evidence_is_before_the_session_not_at_its_start() {
        let started = "2026-12-06T20:34:15.922Z";
        assert_eq!(
            timeline_time("2026-12-06T05:05:57.828332134Z", 0, started),
            ("05:05:57".to_string(), "before start".to_string())
        );
        assert_eq!(
            timeline_time("2026-12-05T23:58:01Z", 0, started),
            ("2026-12-05 23:58:01".to_string(), "before start".to_string())
        );
        // The session's own first event keeps its offset.
        assert_eq!(timeline_time(started, 0, started), ("20:34:15".to_string(), "+00:00.000".to_string()));
        assert_eq!(timeline_time("2026-12-06T20:34:16.363Z", 441, started).1, "+00:00.441");
    }
}
