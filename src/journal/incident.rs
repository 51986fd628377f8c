//! The incident's side of the root cause: what the evidence says failed and where (`Event::Evidence`'s triage),
//! and the lines the session located and blamed in the service's repository (blame results). The report puts
//! these first, so a practice run on a bundled program can never stand in for the incident.

use super::record::{Meta, Record};
use crate::engine::{Event, Value};
use serde::Serialize;

/// Where the incident failed, in the service's repository.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Site {
    /// Relative to the repository when the evidence's path was mapped, else as the log printed it.
    pub file: String,
    pub line: u64,
    pub function: String,
}

/// A line the session blamed, with the commit that last changed it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Located {
    /// Relative to the repository (the path in the blamed commit).
    pub file: String,
    pub line: u64,
    pub commit: String,
    pub summary: String,
    /// The step that blamed it.
    pub step: String,
}

/// What the evidence says: the failure and its site.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FromEvidence {
    pub kind: String,
    pub message: String,
    pub operation: Option<String>,
    pub site: Option<Site>,
    pub crash_time: Option<String>,
}

/// The last evidence of the session (a resumed session may bring it again; the last one is what steps used).
pub fn evidence(records: &[Record]) -> Option<FromEvidence> {
    let triage = records.iter().rev().find_map(|r| match r.event() {
        Some(Event::Evidence { triage, .. }) => Some(triage),
        _ => None,
    })?;
    let text = |v: &Value, k: &str| v.lookup_key(k).filter(|v| !v.is_null()).map(|v| v.to_text());
    let kind = text(triage, "kind").unwrap_or_default();
    if kind.is_empty() || kind == "none" {
        return None;
    }
    let site = triage.lookup_key("service_frame").filter(|v| !v.is_null()).and_then(|frame| {
        Some(Site {
            file: text(frame, "file")?,
            line: text(frame, "line")?.parse().ok()?,
            function: text(frame, "function").unwrap_or_default(),
        })
    });
    Some(FromEvidence {
        message: text(triage, "message").unwrap_or_default(),
        operation: text(triage, "operation"),
        crash_time: text(triage, "crash_time"),
        kind,
        site,
    })
}

/// Every line blamed in the session (blame results: a list of lines with `commit` and `orig_path`), committed
/// ones only, in the order they were blamed, each line once.
pub fn located(records: &[Record]) -> Vec<Located> {
    located_and_superseded(records).0
}

/// The located lines of each blaming step's latest result (the finding), and the lines of earlier results that a
/// rerun of the same step replaced (shown as superseded, never as the finding). A rerun that failed leaves its
/// step no finding.
pub fn located_and_superseded(records: &[Record]) -> (Vec<Located>, Vec<Superseded>) {
    let results: Vec<(usize, &str, &Value, bool, u64)> = records
        .iter()
        .enumerate()
        .filter_map(|(i, r)| match r.meta() {
            Some(Meta::ProbeResult { step, result, passed, .. }) => {
                Some((i, step.as_str(), result, *passed, r.offset_ms))
            }
            _ => None,
        })
        .collect();
    let latest = |step: &str| results.iter().rev().find(|(_, s, ..)| *s == step).map(|(i, ..)| *i);
    let mut found: Vec<Located> = Vec::new();
    let mut superseded: Vec<Superseded> = Vec::new();
    for &(index, step, result, passed, at_ms) in &results {
        let lines = if passed { blamed_lines(step, result) } else { Vec::new() };
        if latest(step) == Some(index) {
            for l in lines {
                if !found.iter().any(|f| f.file == l.file && f.line == l.line) {
                    found.push(l);
                }
            }
        } else if !lines.is_empty() {
            let by_ms = results.iter().find(|(i, s, ..)| *i > index && *s == step).map_or(at_ms, |r| r.4);
            superseded.push(Superseded { located: lines, at_ms, by_ms });
        }
    }
    // A rerun that found the same lines replaced nothing worth telling: only a result that differs from the
    // finding is listed as superseded.
    let same = |l: &Located| found.iter().any(|f| f.file == l.file && f.line == l.line && f.commit == l.commit);
    superseded.retain(|s| !s.located.iter().all(same));
    (found, superseded)
}

/// An earlier result of a blaming step, replaced by the step's rerun.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Superseded {
    pub located: Vec<Located>,
    /// When the earlier result came, and when the rerun's replaced it (ms from the session start).
    pub at_ms: u64,
    pub by_ms: u64,
}

fn blamed_lines(step: &str, result: &Value) -> Vec<Located> {
    let Value::List(lines) = result else { return Vec::new() };
    let mut out: Vec<Located> = Vec::new();
    for line in lines {
        let Value::Map(map) = line else { continue };
        let field = |k: &str| map.get(k).map(Value::to_text).filter(|s| !s.is_empty());
        let (Some(commit), Some(file), Some(number)) = (field("commit"), field("orig_path"), field("line")) else {
            continue;
        };
        if map.get("uncommitted") == Some(&Value::Bool(true)) {
            continue;
        }
        let Ok(number) = number.parse() else { continue };
        if out.iter().any(|l| l.file == file && l.line == number) {
            continue;
        }
        let summary = field("summary").unwrap_or_default();
        out.push(Located { file, line: number, commit, summary, step: step.to_string() });
    }
    out
}

/// `fatal error: concurrent map writes` from the triage's kind and message.
pub fn full_message(evidence: &FromEvidence) -> String {
    match evidence.kind.as_str() {
        "fatal error" | "panic" if !evidence.message.starts_with(&evidence.kind) => {
            format!("{}: {}", evidence.kind, evidence.message)
        }
        _ => evidence.message.clone(),
    }
}

/// The map operation in words (from the message, as for a crash without evidence), else the triage's `operation`.
pub fn operation_words(evidence: &FromEvidence) -> Option<String> {
    super::findings::op_from_fatal(&evidence.message).or_else(|| evidence.operation.clone())
}
