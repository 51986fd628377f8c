//! The text `runbook triage` prints: what failed first (the part an engineer reads under pressure), then which
//! runbook fits and the lines that made it fit, then the command that opens it with the evidence.

use super::catalog::Origin;
use super::triage::{shell_word, Candidate, Outcome};
use super::triage_facts::ServiceFrame;
use std::fmt::Write;

pub fn render(outcome: &Outcome, logs: &[String]) -> String {
    let mut out = String::new();
    let t = &outcome.triage;
    match (&t.failure, &t.message) {
        (Some(failure), Some(message)) if failure == "data race" => {
            let _ = writeln!(out, "{message}");
        }
        (Some(failure), Some(message)) => {
            let _ = writeln!(out, "{failure}: {message}");
        }
        _ => out.push_str("no Go crash or race report in the logs\n"),
    }
    let mut field = |name: &str, value: String| {
        let label = if name.is_empty() { String::new() } else { format!("{name}:") };
        let _ = writeln!(out, "  {label:<15} {value}");
    };
    if let Some(at) = &t.at {
        field("where", format!("{}:{}", at.input, at.line));
    }
    if let Some(time) = &t.crash_time {
        field("time", time.clone());
    }
    if let Some(op) = t.operation {
        field("map operation", op.as_str().to_string());
    }
    if let Some(id) = t.goroutine {
        field("goroutine", id.to_string());
    }
    if let Some(frame) = &t.service_frame {
        field("service frame", frame_text(frame));
        if let Some(mapped) = &frame.mapped {
            field("", format!("(the log says {}; mapped with {})", frame.file, mapped.mapping.rewrite()));
        }
    }
    for frame in t.service_frames.iter().skip(1) {
        field("called from", frame_text(frame));
    }
    for other in &t.same_map {
        field(
            "same map?",
            format!("goroutine {} [{}] {} ({})", other.id, other.state, frame_text(&other.frame), other.reason),
        );
    }
    for group in &t.waiting {
        let place = group.frame.as_ref().map(frame_text).unwrap_or_else(|| "(the runtime's own)".to_string());
        let mut line = format!("{} × [{}] {place}", group.count, group.state);
        if let Some(before) = group.before.filter(|b| *b != group.count) {
            let _ = write!(line, "  ({before} → {} since the dump before)", group.count);
        }
        if let Some(minutes) = group.max_wait_minutes {
            let _ = write!(line, "  (up to {minutes} min)");
        }
        field("waiting", line);
    }
    if t.race_reports > 0 {
        field("race reports", t.race_reports.to_string());
    }
    for site in &t.racing_sites {
        field("racing site", format!("{} [{}]", frame_text(&site.frame), site.kinds.join(", ")));
    }
    if let Some(version) = &t.go_version {
        field("Go version", format!("{} ({})", version.version, version.clue));
    }
    if let (Some(repo), Some(_)) = (&t.repo, &t.service_frame) {
        if t.service_frames.iter().all(|f| f.mapped.is_none()) {
            field("repository", format!("{repo}: no service frame maps into it (correct with --map FROM=TO)"));
        }
    }
    out.push('\n');
    match outcome.pick() {
        None => out.push_str(
            "no runbook's match: fits this evidence (`runbook list` shows the runbooks; a runbook of your own with \
             a match: goes in ~/.config/runbook/runbooks/)\n",
        ),
        Some(pick) => {
            let _ = writeln!(out, "runbook: {}  {}  [{}]", pick.id, pick.title, pick.source);
            for line in &pick.evidence {
                let _ = writeln!(out, "  {}:{}: {}", line.input, line.line, line.text.trim());
            }
            if pick.evidence_total > pick.evidence.len() {
                let _ = writeln!(out, "  … {} more matching lines", pick.evidence_total - pick.evidence.len());
            }
            // Which evidence points where: the pick's lines are above; each other runbook with its first line.
            let at = t.at.as_ref().map(|at| format!("{}:{}", at.input, at.line)).unwrap_or_default();
            for other in outcome.candidates.iter().skip(1) {
                let _ =
                    writeln!(out, "also matches: {}  [{}] ({} lines)", other.id, other.source, other.evidence_total);
                if let Some(first) = other.evidence.first() {
                    let _ = writeln!(out, "  {}:{}: {}", first.input, first.line, first.text.trim());
                }
                let why = match (other.matches_failure, pick.matches_failure) {
                    (true, _) => "  it matches the failure's own line too".to_string(),
                    (false, true) => format!("  other evidence in the log: the failure at {at} is {}'s", pick.id),
                    (false, false) => "  other evidence in the log".to_string(),
                };
                let _ = writeln!(out, "{why}");
            }
            let _ = writeln!(out, "\nopen it with the evidence:\n  {}", open_command(pick, logs));
        }
    }
    out
}

fn frame_text(frame: &ServiceFrame) -> String {
    let file = frame.mapped.as_ref().map_or(frame.file.as_str(), |m| m.file.as_str());
    format!("{file}:{}  {}", frame.line, frame.func)
}

/// `runbook open ID --log FILE...` (a user runbook by its path: `open` looks ids up among the bundled ones);
/// standard input cannot be read twice, so it is saved first.
fn open_command(pick: &Candidate, logs: &[String]) -> String {
    let runbook = match &pick.origin {
        Origin::Bundled => pick.id.clone(),
        Origin::File(path) => shell_word(&path.display().to_string()),
    };
    let mut command = format!("runbook open {runbook}");
    for log in logs {
        let log = if log == "-" { "crash.log" } else { log.as_str() };
        let _ = write!(command, " --log {}", shell_word(log));
    }
    if logs.iter().any(|l| l == "-") {
        format!("(save standard input to crash.log first)  {command}")
    } else {
        command
    }
}
