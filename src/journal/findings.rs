//! The root cause as the session found it, read back from captures and output: the fatal message, the file and
//! line, the map operation, and the blamed commit.
//!
//! Runbooks name their captures freely, so this looks for conventional names first (`message`, `location`,
//! `map_op`, `blamed_commit`, `blame_summary`, `blame_author`; see docs/journal.md), then for typed results
//! (a parse report's `file`/`line`, a blame result's `commit`/`summary`), then for what Go printed.
//!
//! When the session has the incident's evidence, the evidence comes first (`incident.rs`): the failure, its
//! operation and its site are the production crash's, and the located lines are the blames in its repository;
//! captures of a practice run on a bundled program never replace them.

use super::record::{Record, SessionStart};
use crate::engine::{Event, Value};
use serde::Serialize;

#[derive(Debug, Clone, Default, Serialize)]
pub struct RootCause {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fatal_message: Option<String>,
    /// The race detector's `WARNING: DATA RACE` was seen.
    pub race_detected: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub map_op: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<BlamedCommit>,
    /// The incident's failure message as the evidence printed it (`concurrent map writes`); `None` without
    /// evidence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The map operation (`read`, `write`, `iterate`, `clone`) from the evidence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// The crash's first frame in the service's code, from the evidence, mapped to the repository.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<super::incident::Site>,
    /// The lines the session blamed, with their commits: each blaming step's latest result.
    pub located: Vec<super::incident::Located>,
    /// Earlier results of blaming steps that their rerun replaced: shown as superseded, never as the finding.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub superseded: Vec<super::incident::Superseded>,
    /// Steps whose result is stale: an input changed by a later rerun and they were not run again.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stale: Vec<StaleResult>,
    /// When the crash happened, from the evidence's timestamps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crash_time: Option<String>,
}

/// A step's result computed from a capture that a later rerun changed, and not recomputed since.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaleResult {
    pub step: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct BlamedCommit {
    pub commit: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Only with `--with-authors`: a postmortem is blameless by default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
}

pub fn root_cause(records: &[Record], start: Option<&SessionStart>, with_authors: bool) -> RootCause {
    let mut captures: Vec<(String, Value)> = Vec::new();
    let mut lines: Vec<&str> = Vec::new();
    for r in records {
        match r.event() {
            Some(Event::Capture { name, value, .. }) => captures.push((name.clone(), value.clone())),
            Some(Event::Output { line, .. }) => lines.push(line),
            _ => {}
        }
    }
    let named = |names: &[&str]| -> Option<String> {
        captures
            .iter()
            .rev()
            .find(|(n, v)| names.contains(&n.as_str()) && !v.to_text().trim().is_empty())
            .map(|(_, v)| v.to_text().trim().to_string())
    };
    let fatal_message = named(&["message", "fatal_message"])
        .map(|m| if m.starts_with("fatal error:") { m } else { format!("fatal error: {m}") })
        .or_else(|| lines.iter().find(|l| l.starts_with("fatal error:")).map(|l| l.trim().to_string()));
    let race_detected = lines.iter().any(|l| l.contains("WARNING: DATA RACE"));
    let workdir = start.map(|s| s.workdir.as_str()).unwrap_or("");
    let vars = start.map(|s| s.vars.clone()).unwrap_or_default();
    let location = named(&["location", "racy_line"])
        .or_else(|| captures.iter().find_map(|(_, v)| file_line(v)))
        .or_else(|| match (vars.get("mark_file"), vars.get("mark_line")) {
            (Some(f), Some(l)) if !f.is_empty() => Some(format!("{f}:{l}")),
            _ => None,
        })
        .or_else(|| frame_in(&lines, workdir));
    let map_op = named(&["map_op"])
        .or_else(|| fatal_message.as_deref().and_then(op_from_fatal))
        .or_else(|| op_from_race(&lines));
    let commit = blamed(&captures, &named, with_authors);
    let found = RootCause { fatal_message, race_detected, location, map_op, commit, ..RootCause::default() };
    with_evidence(found, records, with_authors)
}

/// The evidence's failure and site, and the lines blamed in its repository, over what captures suggested.
fn with_evidence(mut rc: RootCause, records: &[Record], with_authors: bool) -> RootCause {
    use super::incident;
    (rc.located, rc.superseded) = incident::located_and_superseded(records);
    rc.stale = stale(records);
    let Some(evidence) = incident::evidence(records) else {
        // No evidence: a blame result (the latest of each step) still names the commit when no capture did.
        if rc.commit.is_none() {
            rc.commit = rc.located.first().map(|l| BlamedCommit {
                commit: l.commit.clone(),
                summary: Some(l.summary.clone()).filter(|s| !s.is_empty()),
                author: None,
            });
        }
        return rc;
    };
    rc.fatal_message = Some(incident::full_message(&evidence));
    rc.map_op = incident::operation_words(&evidence).or(rc.map_op);
    if let Some(site) = &evidence.site {
        rc.location = Some(format!("{}:{}", site.file, site.line));
    }
    if let Some(first) = rc.located.first() {
        let author = rc.commit.as_ref().filter(|c| c.commit == first.commit).and_then(|c| c.author.clone());
        rc.commit = Some(BlamedCommit {
            commit: first.commit.clone(),
            summary: Some(first.summary.clone()).filter(|s| !s.is_empty()),
            author: author.filter(|_| with_authors),
        });
    }
    rc.race_detected |= evidence.kind == "race";
    rc.message = Some(evidence.message);
    rc.operation = evidence.operation;
    rc.site = evidence.site;
    rc.crash_time = evidence.crash_time;
    rc
}

/// The steps left stale: a `stale` entry with no start of the step after it.
fn stale(records: &[Record]) -> Vec<StaleResult> {
    let mut out: Vec<StaleResult> = Vec::new();
    for r in records {
        match r.event() {
            Some(Event::Stale { step, reason, .. }) => {
                out.retain(|s| &s.step != step);
                out.push(StaleResult { step: step.clone(), reason: reason.clone() });
            }
            Some(Event::StepStarted { step, .. }) => out.retain(|s| &s.step != step),
            _ => {}
        }
    }
    out
}

/// Whether a capture names people (authors, emails): hidden unless `--with-authors`.
pub fn names_people(name: &str, value: &Value) -> bool {
    let text = value.to_text();
    ["author", "email", "committer"].iter().any(|w| name.contains(w))
        || text.contains("\"author\"")
        || text.contains("\"email\"")
}

fn blamed(
    captures: &[(String, Value)],
    named: &dyn Fn(&[&str]) -> Option<String>,
    with_authors: bool,
) -> Option<BlamedCommit> {
    if let Some(commit) = named(&["blamed_commit", "blame_commit"]) {
        return Some(BlamedCommit {
            commit,
            summary: named(&["blame_summary", "blamed_summary"]),
            author: named(&["blame_author", "blamed_author"]).filter(|_| with_authors),
        });
    }
    // A blame result: a list of lines, each with commit, summary, author.
    captures.iter().rev().find_map(|(_, v)| {
        let Value::List(items) = v else { return None };
        items.iter().find_map(|item| {
            let Value::Map(map) = item else { return None };
            let field = |k: &str| map.get(k).map(Value::to_text).filter(|s| !s.is_empty());
            if map.get("uncommitted") == Some(&Value::Bool(true)) {
                return None;
            }
            Some(BlamedCommit {
                commit: field("commit")?,
                summary: field("summary"),
                author: field("author").filter(|_| with_authors),
            })
        })
    })
}

/// The first `file`/`line` pair inside a typed capture (a parse report's site).
fn file_line(value: &Value) -> Option<String> {
    match value {
        Value::Map(map) => {
            if let (Some(file), Some(line)) = (map.get("file"), map.get("line")) {
                return Some(format!("{}:{}", file.to_text(), line.to_text()));
            }
            map.values().find_map(file_line)
        }
        Value::List(items) => items.iter().find_map(file_line),
        _ => None,
    }
}

/// The first Go stack frame inside the working directory, after a crash or race header.
fn frame_in(lines: &[&str], workdir: &str) -> Option<String> {
    let frame = regex::Regex::new(r"^\s+(\S+\.go):(\d+)").ok()?;
    let mut armed = false;
    for line in lines {
        if line.contains("WARNING: DATA RACE") || line.starts_with("fatal error:") {
            armed = true;
            continue;
        }
        if !armed {
            continue;
        }
        if let Some(c) = frame.captures(line) {
            let path = &c[1];
            if !workdir.is_empty() && path.starts_with(workdir) && !path.ends_with("_test.go") {
                let relative = path[workdir.len()..].trim_start_matches('/');
                return Some(format!("{relative}:{}", &c[2]));
            }
        }
    }
    None
}

pub(super) fn op_from_fatal(message: &str) -> Option<String> {
    let op = if message.contains("read and map write") {
        "a read racing a write"
    } else if message.contains("map writes") {
        "two writes racing"
    } else if message.contains("iteration and map write") {
        "an iteration racing a write"
    } else if message.contains("clone and map write") {
        "a clone racing a write"
    } else {
        return None;
    };
    Some(op.to_string())
}

/// From a race report: `Write at … by goroutine 7` then `Previous read at …`.
fn op_from_race(lines: &[&str]) -> Option<String> {
    let access = |prefix: &str| {
        lines.iter().find_map(|l| {
            let mut words = l.trim().strip_prefix(prefix)?.split_whitespace();
            let word = words.next()?.to_lowercase();
            (matches!(word.as_str(), "read" | "write") && words.next() == Some("at")).then_some(word)
        })
    };
    let now = access("")?;
    let before = access("Previous ")?;
    Some(format!("a {now} racing a previous {before} (race detector)"))
}
