//! The lines of a journal file: the engine's events as headless `--json` prints them, plus the few entries only a
//! journal has (session start and end, notes, elided output, probe results, hand- or drill-checked milestones, the
//! drill debrief). Every line also carries `ts` (wall clock, RFC 3339 UTC) and `offset_ms` (monotonic, from the
//! session start), so the timeline survives clock jumps and still reads as real time.

use crate::engine::{Event, Value};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

/// Bumped when a line's meaning changes; readers refuse journals from a newer format.
pub const FORMAT_VERSION: u32 = 1;

/// One journal line: an engine event or a journal-only entry, with its time.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub ts: String,
    pub offset_ms: u64,
    pub entry: Entry,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Event(Event),
    Meta(Meta),
    /// A line of a type this build does not know (a newer writer); kept so nothing is silently lost.
    Unknown(serde_json::Value),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Meta {
    SessionStart(Box<SessionStart>),
    /// A later process continues the session (`runbook resume`).
    SessionResumed {
        tool_version: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pid: Option<u32>,
    },
    /// A session that had finished (quit, or ran to its end) is opened again to go on (`runbook resume`): the
    /// `session_finished` before it no longer ends the session.
    SessionReopened {
        tool_version: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pid: Option<u32>,
    },
    SessionFinished {
        /// `completed`, or why the session ended early.
        reason: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        exit_code: Option<i32>,
    },
    Note {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        step: Option<String>,
        text: String,
    },
    /// A step's output was longer than the journal keeps: the lines between its head and tail are only in `file`.
    OutputElided {
        step: String,
        lines: u64,
        bytes: u64,
        file: String,
        sha256: String,
        /// Bytes the side file's cap dropped between its head and its tail (absent when everything fit).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dropped_bytes: Option<u64>,
    },
    /// The typed result of a non-shell action (parse, grep, blame, simulate): the input resume feeds back.
    ProbeResult {
        step: String,
        result: Value,
        passed: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// A milestone set by hand (TUI) or checked by a drill, as opposed to one a step set when it passed.
    #[serde(rename = "milestone_checked")]
    MilestoneChecked {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        step: Option<String>,
        milestone: String,
        by: MilestoneBy,
        /// Whether the check held (a drill records misses too).
        ok: bool,
        detail: String,
        /// When the milestone was reached, if earlier than this entry (a drill checks after the run).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at_ms: Option<u64>,
    },
    Debrief(Box<Debrief>),
    /// The service repository's state (HEAD, dirty files, the diff from the session's base): at its first use,
    /// after a step that ran in it and changed it, and when a view showed one of its files.
    RepoState(Box<RepoState>),
}

/// A `repo_state` entry: the snapshot with why and after which step it was taken.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepoState {
    #[serde(default)]
    pub step: Option<String>,
    pub reason: crate::engine::RepoStateReason,
    #[serde(flatten)]
    pub snapshot: crate::engine::RepoSnapshot,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionStart {
    pub format: u32,
    pub runbook: RunbookInfo,
    pub workdir: String,
    pub runbook_dir: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git_head: Option<GitHead>,
    pub user: String,
    pub host: String,
    pub tool_version: String,
    pub mode: SessionMode,
    /// The vars given by the user; secret ones are recorded as `****`.
    #[serde(default)]
    pub vars: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drill: Option<String>,
}

/// Where a session ran, as the journal records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionMode {
    /// `runbook run --headless` or `runbook resume`.
    Headless,
    /// The terminal UI.
    Tui,
    /// `runbook drill`, on the drill screen or headless.
    Drill,
}

/// Who set a milestone: a step when it passed, the engineer by hand (TUI `m`), or a drill's check after the run.
/// Serialised as the lower-case name; a name this version does not know reads as `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MilestoneBy {
    Step,
    Hand,
    Drill,
    #[serde(other)]
    Other,
}

impl std::fmt::Display for MilestoneBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            MilestoneBy::Step => "step",
            MilestoneBy::Hand => "hand",
            MilestoneBy::Drill => "drill",
            MilestoneBy::Other => "other",
        })
    }
}

impl SessionMode {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionMode::Headless => "headless",
            SessionMode::Tui => "tui",
            SessionMode::Drill => "drill",
        }
    }
}

impl std::fmt::Display for SessionMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunbookInfo {
    pub id: String,
    pub title: String,
    /// SHA-256 of the YAML, hex.
    pub sha256: String,
    /// The file name, or `runbooks/ID.yaml` for bundled runbooks.
    pub source: String,
    pub bundled: bool,
    /// The full YAML, so the journal replays after the file changed or was deleted.
    pub yaml: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GitHead {
    pub commit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
}

/// A drill's score: each milestone's time against the handbook's targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Debrief {
    pub scenario: String,
    pub checks: Vec<DebriefCheck>,
    /// Each milestone's time from the start of the drill, when reached.
    pub times_ms: BTreeMap<String, u64>,
    pub targets: Vec<Target>,
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DebriefCheck {
    pub milestone: String,
    pub ok: bool,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// What is measured, e.g. `locate`.
    pub phase: String,
    pub target_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual_ms: Option<u64>,
    pub met: bool,
}

impl Record {
    /// The JSON line (without its newline): the entry's fields (`type` first), then `ts` and `offset_ms`.
    pub fn to_line(&self) -> String {
        let fields = match &self.entry {
            Entry::Event(e) => serde_json::to_string(e),
            Entry::Meta(m) => serde_json::to_string(m),
            Entry::Unknown(v) => serde_json::to_string(v),
        };
        let mut line = match fields {
            Ok(text) if text.ends_with('}') => text,
            Ok(_) | Err(_) => r#"{"type":"unserializable""#.to_string() + "}",
        };
        line.pop();
        let ts = serde_json::to_string(&self.ts).unwrap_or_else(|_| "\"\"".into());
        let sep = if line.len() > 1 { "," } else { "" };
        line.push_str(&format!("{sep}\"ts\":{ts},\"offset_ms\":{}}}", self.offset_ms));
        line
    }

    /// Parses one line; `Err` says why it is not a record (a torn or corrupt line).
    pub fn parse(line: &str) -> Result<Record, String> {
        Record::parse_in(line, None).map(|(record, _)| record)
    }

    /// Parses one line of the journal in `dir`: a value moved to a side file (`big_values`) is read back from
    /// there; the warning says when it could not be.
    pub fn parse_in(line: &str, dir: Option<&std::path::Path>) -> Result<(Record, Option<String>), String> {
        let mut json: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
        let map = json.as_object_mut().ok_or("not a JSON object")?;
        let warning = match dir {
            Some(dir) if map.contains_key("side_file") => super::big_values::internalize(map, dir),
            _ => None,
        };
        let ts = map.remove("ts").and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        let offset_ms = map.remove("offset_ms").and_then(|v| v.as_u64()).unwrap_or(0);
        let kind = map.get("type").and_then(|t| t.as_str()).ok_or("no `type` field")?.to_string();
        let entry = if is_meta(&kind) {
            Entry::Meta(serde_json::from_value(json).map_err(|e| format!("{kind}: {e}"))?)
        } else if is_event(&kind) {
            Entry::Event(serde_json::from_value(json).map_err(|e| format!("{kind}: {e}"))?)
        } else {
            Entry::Unknown(json)
        };
        Ok((Record { ts, offset_ms, entry }, warning))
    }

    pub fn event(&self) -> Option<&Event> {
        match &self.entry {
            Entry::Event(e) => Some(e),
            _ => None,
        }
    }

    pub fn meta(&self) -> Option<&Meta> {
        match &self.entry {
            Entry::Meta(m) => Some(m),
            _ => None,
        }
    }
}

fn is_meta(kind: &str) -> bool {
    matches!(
        kind,
        "session_start"
            | "session_resumed"
            | "session_reopened"
            | "session_finished"
            | "note"
            | "output_elided"
            | "probe_result"
            | "milestone_checked"
            | "debrief"
            | "repo_state"
    )
}

fn is_event(kind: &str) -> bool {
    matches!(
        kind,
        "step_started"
            | "command"
            | "output"
            | "capture"
            | "choice"
            | "milestone"
            | "step_finished"
            | "run_finished"
            | "var_set"
            | "evidence"
            | "checklist_tick"
            | "stale"
    )
}

/// A wall-clock time as RFC 3339 UTC with milliseconds (`2026-11-26T02:30:00.123Z`).
pub fn rfc3339(time: SystemTime) -> String {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = crate::timefmt::civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60,
        since.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn formats_utc_times() {
        let t = UNIX_EPOCH + Duration::from_millis(1_795_660_200_123);
        assert_eq!(rfc3339(t), "2026-11-26T02:30:00.123Z");
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(UNIX_EPOCH + Duration::from_secs(951_782_400)), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn events_and_meta_round_trip_with_their_time() {
        let records = [
            Record {
                ts: "t".into(),
                offset_ms: 5,
                entry: Entry::Event(Event::Milestone {
                    step: "a".into(),
                    milestone: crate::engine::Milestone::Located,
                }),
            },
            Record {
                ts: "t".into(),
                offset_ms: 6,
                entry: Entry::Meta(Meta::Note { step: None, text: "looked at the graph".into() }),
            },
        ];
        for r in records {
            let line = r.to_line();
            assert!(line.contains("\"offset_ms\":"), "{line}");
            assert_eq!(Record::parse(&line).unwrap(), r);
        }
    }

    /// The incident's evidence and the repository's state read back as what they are, not as unknown lines (resume
    /// and replay feed the evidence back; the report's fix diff comes from the repository's state).
    #[test]
    fn evidence_and_repo_state_lines_read_back() {
        let evidence = r#"{"type":"evidence","files":[{"source":"crash.log","path":"e/01-crash.log","sha256":"ab","bytes":3,"lines":1}],"triage":{"kind":"fatal error"},"ts":"t","offset_ms":2}"#;
        let r = Record::parse(evidence).unwrap();
        assert!(matches!(r.event(), Some(Event::Evidence { files, .. }) if files.len() == 1), "{r:?}");
        assert_eq!(r.to_line(), evidence);
        let state = r#"{"type":"repo_state","step":"fix_check","reason":"step","repo":"/src/svc","head":"aa","base":"bb","files":[{"path":"a.go","sha256":"cc","content":"package a\n","truncated":false}],"diff":"+x\n","diff_truncated":false,"ts":"t","offset_ms":3}"#;
        let r = Record::parse(state).unwrap();
        let Some(Meta::RepoState(s)) = r.meta() else { panic!("{r:?}") };
        assert_eq!(s.step.as_deref(), Some("fix_check"));
        assert_eq!(s.snapshot.files[0].content.as_deref(), Some("package a\n"));
        assert_eq!(Record::parse(&r.to_line()).unwrap(), r);
    }

    #[test]
    fn session_modes_are_the_words_journals_always_had() {
        for (mode, word) in
            [(SessionMode::Headless, "headless"), (SessionMode::Tui, "tui"), (SessionMode::Drill, "drill")]
        {
            assert_eq!(serde_json::to_string(&mode).ok(), Some(format!("\"{word}\"")));
            assert_eq!(serde_json::from_str::<SessionMode>(&format!("\"{word}\"")).ok(), Some(mode));
        }
    }

    #[test]
    fn milestone_setters_are_the_words_journals_always_had_and_a_new_word_still_reads() {
        for (by, word) in [(MilestoneBy::Step, "step"), (MilestoneBy::Hand, "hand"), (MilestoneBy::Drill, "drill")] {
            assert_eq!(serde_json::to_string(&by).ok(), Some(format!("\"{word}\"")));
            assert_eq!(by.to_string(), word);
        }
        let line = r#"{"type":"milestone_checked","milestone":"fixed","by":"robot","ok":true,"detail":"d","ts":"t","offset_ms":1}"#;
        let r = Record::parse(line).unwrap();
        assert!(matches!(r.meta(), Some(Meta::MilestoneChecked { by: MilestoneBy::Other, .. })), "{r:?}");
    }

    #[test]
    fn unknown_types_are_kept_and_torn_lines_rejected() {
        let r = Record::parse(r#"{"type":"from_the_future","x":1,"ts":"t","offset_ms":1}"#).unwrap();
        assert!(matches!(r.entry, Entry::Unknown(_)));
        assert!(Record::parse(r#"{"type":"step_started","st"#).is_err());
    }
}
