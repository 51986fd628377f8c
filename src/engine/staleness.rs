//! Results that are never stale: when a rerun changes a capture, every step that used it is marked stale.
//!
//! A step's result is only as good as the values it read. After a fix, rerunning "Run your tests with -race"
//! changes (or no longer produces) the race log, and the parse that located the race from the old log no longer
//! tells the truth. The engine keeps that old result (it is what the engineer saw) but marks the step stale, says
//! which capture changed, and journals it (`Event::Stale`); rerunning the step clears the mark. A capture whose
//! producer's latest run failed is *outdated*: a step that reads it refuses to start, instead of silently working
//! from the earlier run's value.
//!
//! What a step used is what its action's templates reference (the text shown to the engineer is not a use).

use super::events::{Event, StepStatus};
use super::machine::{Effect, Session};
use super::model::*;
use super::template;
use super::value::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The names (captures, vars, built-ins) a step's action reads through its templates.
pub fn step_references(step: &Step) -> BTreeSet<String> {
    let mut texts: Vec<&str> = Vec::new();
    match &step.action {
        Some(Action::Run(run)) => {
            texts.push(&run.command);
            texts.extend(run.cwd.as_deref());
            texts.extend(run.env.values().map(String::as_str));
        }
        Some(Action::Parse(p)) => texts.extend(p.input.as_deref().into_iter().chain(p.file.as_deref())),
        Some(Action::Grep(g)) => {
            texts.push(&g.pattern);
            texts.extend(g.paths.iter().chain(&g.include).chain(&g.exclude).map(String::as_str));
        }
        Some(Action::Blame(b)) => {
            texts.push(&b.file);
            texts.extend(b.lines.as_deref().into_iter().chain(b.rev.as_deref()));
        }
        Some(Action::Simulate(s)) => {
            texts.push(&s.program);
            texts.extend(s.go.as_deref().into_iter().chain(s.gctrace.as_deref()));
        }
        Some(Action::Evidence(e)) => texts.extend(e.repo.as_deref()),
        Some(Action::Choose(_) | Action::Checklist(_)) | None => {}
    }
    texts
        .into_iter()
        .flat_map(template::references)
        .flat_map(|r| r.names().map(str::to_string).collect::<Vec<_>>())
        .collect()
}

/// A step whose result was computed from a value that has since changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staleness {
    /// The capture that changed.
    pub capture: String,
    /// The step whose rerun changed it.
    pub by: String,
    /// In words, for the screen, the journal and the report.
    pub reason: String,
}

impl Session {
    /// Why the step at `index` is stale, if it is.
    pub fn staleness(&self, index: usize) -> Option<&Staleness> {
        self.stale.get(&index)
    }

    /// Why a step cannot start now: it reads a capture whose producer's latest run failed.
    pub(super) fn outdated_input(&self, step: &Step) -> Option<String> {
        let used = step_references(step);
        let (name, why) = self.outdated.iter().find(|(name, _)| used.contains(*name))?;
        Some(format!("`{name}` {why}: rerun that step first (its value is from an earlier run)"))
    }

    /// After step `index` finished: which of its captures changed, and the steps that used them, now stale.
    /// `before` holds the step's capture values from its previous run (absent: it never produced them).
    pub(super) fn mark_stale(
        &mut self,
        index: usize,
        status: StepStatus,
        reason: Option<&str>,
        before: BTreeMap<String, Value>,
    ) -> Vec<Effect> {
        let Some(step) = self.runbook.step(index).cloned() else { return Vec::new() };
        self.stale.remove(&index);
        let mut changed: Vec<(String, String)> = Vec::new();
        for capture in &step.captures {
            let Some(old) = before.get(&capture.name) else { continue };
            if status == StepStatus::Passed {
                self.outdated.remove(&capture.name);
                if self.captures.get(&capture.name) != Some(old) {
                    changed.push((
                        capture.name.clone(),
                        format!("`{}` changed when `{}` was rerun", capture.name, step.id),
                    ));
                }
            } else if status != StepStatus::Skipped {
                let why = reason.map(|r| format!(" ({})", one_line(r))).unwrap_or_default();
                let outdated =
                    format!("is from an earlier run of `{}`, whose last run {}{why}", step.id, status.as_str());
                self.outdated.insert(capture.name.clone(), outdated);
                changed.push((
                    capture.name.clone(),
                    format!("`{}` is outdated: the rerun of `{}` {}", capture.name, step.id, status.as_str()),
                ));
            }
        }
        let mut effects = Vec::new();
        // Transitive: a stale step's own captures are stale for the steps that read them.
        let mut queue: Vec<(String, String, String)> =
            changed.into_iter().map(|(name, reason)| (name, step.id.clone(), reason)).collect();
        while let Some((name, by, reason)) = queue.pop() {
            for (i, other) in self.runbook.steps().enumerate() {
                let done = self.statuses.get(i).is_some_and(|s| s.is_done() && *s != StepStatus::Skipped);
                if i == index || !done || self.stale.contains_key(&i) || !step_references(other).contains(&name) {
                    continue;
                }
                let stale = Staleness { capture: name.clone(), by: by.clone(), reason: reason.clone() };
                effects.push(Effect::Emit(Event::Stale {
                    step: other.id.clone(),
                    capture: name.clone(),
                    by: by.clone(),
                    reason: reason.clone(),
                }));
                self.stale.insert(i, stale);
                for capture in &other.captures {
                    let why = format!("`{}` came from `{}`, itself stale", capture.name, other.id);
                    queue.push((capture.name.clone(), by.clone(), why));
                }
            }
        }
        effects
    }
}

fn one_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Context, Input, ProcessEnd, Stream};

    const YAML: &str = r#"
id: t
title: T
phases:
  - id: p
    title: P
    steps:
      - id: race
        title: Run your tests with -race
        run:
          command: "go test -race ./..."
          expect: {exit_code: 1, matches: ["WARNING: DATA RACE"]}
        on_unexpected: |
          no race found: this step looks for the race;
          after a fix, run Verify.
        capture:
          - {name: log, from: output}
      - id: parse
        title: Find the racing lines
        parse: {input: "{{log}}", kind: race}
        capture:
          - {name: sites, from: result}
      - id: blame
        title: Blame
        blame: {file: "{{sites.file}}"}
      - id: other
        title: Unrelated
        run: {command: "echo hi"}
"#;

    fn session() -> Session {
        let runbook = crate::engine::load("t.yaml", YAML.as_bytes()).expect("the test runbook loads");
        let context = Context { workdir: "/w".into(), assets_dir: "/a".into(), runbook_dir: "/w".into() };
        Session::new(runbook, context, BTreeMap::new()).expect("no vars")
    }

    fn run(session: &mut Session, step: &str, lines: &[&str], code: i32) -> Vec<Effect> {
        let mut effects = session.apply(Input::Start { step: step.into() });
        for line in lines {
            let input = Input::Output { step: step.into(), stream: Stream::Output, line: line.to_string(), raw: None };
            effects.extend(session.apply(input));
        }
        let end = Input::Exited { step: step.into(), end: ProcessEnd::Exited(code), duration_ms: 5 };
        effects.extend(session.apply(end));
        effects
    }

    fn probe(session: &mut Session, step: &str, result: serde_json::Value) -> Vec<Effect> {
        let mut effects = session.apply(Input::Start { step: step.into() });
        let done = Input::ProbeDone { step: step.into(), result: Value::from(result), passed: true, reason: None };
        effects.extend(session.apply(done));
        effects
    }

    fn stale_events(effects: &[Effect]) -> Vec<(String, String)> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Emit(Event::Stale { step, capture, .. }) => Some((step.clone(), capture.clone())),
                _ => None,
            })
            .collect()
    }

    fn reason_of(effects: &[Effect]) -> Option<String> {
        effects.iter().find_map(|e| match e {
            Effect::Emit(Event::StepFinished { reason, .. }) => reason.clone(),
            _ => None,
        })
    }

    fn located(s: &mut Session) {
        run(s, "race", &["WARNING: DATA RACE", "main.go:12"], 1);
        probe(s, "parse", serde_json::json!({"file": "main.go", "line": 12}));
        probe(s, "blame", serde_json::json!({"commit": "abc"}));
        run(s, "other", &["hi"], 0);
    }

    #[test]
    fn a_rerun_that_changes_a_capture_marks_its_readers_stale_transitively_and_keeps_their_results() {
        let mut s = session();
        located(&mut s);
        let effects = run(&mut s, "race", &["WARNING: DATA RACE", "other.go:40"], 1);
        let mut stale = stale_events(&effects);
        stale.sort();
        assert_eq!(stale, vec![("blame".into(), "sites".into()), ("parse".into(), "log".into())]);
        let parse = s.runbook().step_index("parse").expect("parse step");
        let why = s.staleness(parse).expect("parse is stale");
        assert_eq!((why.capture.as_str(), why.by.as_str()), ("log", "race"));
        assert!(why.reason.contains("`log` changed when `race` was rerun"), "{}", why.reason);
        assert_eq!(s.status(parse), StepStatus::Passed, "the old result stays until rerun");
        let other = s.runbook().step_index("other").expect("other step");
        assert!(s.staleness(other).is_none(), "a step that did not read the capture is not stale");
        probe(&mut s, "parse", serde_json::json!({"file": "other.go", "line": 40}));
        assert!(s.staleness(parse).is_none(), "rerunning clears the mark");
    }

    #[test]
    fn a_rerun_with_the_same_value_marks_nothing() {
        let mut s = session();
        located(&mut s);
        let effects = run(&mut s, "race", &["WARNING: DATA RACE", "main.go:12"], 1);
        assert!(stale_events(&effects).is_empty());
    }

    #[test]
    fn a_failed_rerun_outdates_its_captures_and_a_reader_refuses_to_reparse_the_old_log() {
        let mut s = session();
        located(&mut s);
        let effects = run(&mut s, "race", &["ok  service 1.2s"], 0);
        let reason = reason_of(&effects).expect("a reason");
        assert_eq!(
            reason,
            "exit code 0, expected 1: no race found: this step looks for the race; after a fix, run Verify."
        );
        assert_eq!(stale_events(&effects).len(), 2);
        let again = s.apply(Input::Start { step: "parse".into() });
        assert!(!again.iter().any(|e| matches!(e, Effect::Probe { .. })), "the old log is not parsed again");
        let refused = reason_of(&again).expect("refused with a reason");
        assert!(refused.contains("`log` is from an earlier run of `race`, whose last run failed"), "{refused}");
        run(&mut s, "race", &["WARNING: DATA RACE"], 1);
        let effects = s.apply(Input::Start { step: "parse".into() });
        assert!(effects.iter().any(|e| matches!(e, Effect::Probe { .. })), "a passing rerun makes it current again");
    }

    #[test]
    fn the_authors_message_is_only_for_a_failed_expectation() {
        let mut s = session();
        let effects = run(&mut s, "race", &["WARNING: DATA RACE"], 1);
        assert_eq!(reason_of(&effects), None);
        let started = s.apply(Input::Start { step: "race".into() });
        assert!(!started.is_empty());
        let timed_out = s.apply(Input::Exited { step: "race".into(), end: ProcessEnd::TimedOut, duration_ms: 5 });
        let reason = reason_of(&timed_out).expect("a reason");
        assert!(!reason.contains("no race found"), "{reason}");
    }

    #[test]
    fn the_references_of_a_step_are_those_of_its_action_only() {
        let runbook = crate::engine::load("t.yaml", YAML.as_bytes()).expect("loads");
        let names: Vec<BTreeSet<String>> = runbook.steps().map(step_references).collect();
        assert_eq!(names[1], BTreeSet::from(["log".to_string()]));
        assert_eq!(names[2], BTreeSet::from(["sites".to_string()]));
        assert!(names[0].is_empty());
    }

    const EVIDENCE_YAML: &str = r#"
id: t
title: T
phases:
  - id: p
    title: P
    steps:
      - id: evidence
        title: Read the crash
        evidence: {repo: "/w"}
        capture:
          - {name: incident, from: result}
      - id: blame
        title: Blame the crash's line
        blame: {file: "{{incident.service_frame.file}}"}
"#;

    fn evidence(file: &str) -> Input {
        let triage = serde_json::json!({"service_frame": {"file": file, "line": 33}});
        Input::Evidence { files: Vec::new(), triage: Value::from(triage), text: None }
    }

    #[test]
    fn evidence_given_again_recaptures_the_evidence_step_and_marks_its_readers_stale() {
        let runbook = crate::engine::load("t.yaml", EVIDENCE_YAML.as_bytes()).expect("the test runbook loads");
        let context = Context { workdir: "/w".into(), assets_dir: "/a".into(), runbook_dir: "/w".into() };
        let mut s = Session::new(runbook, context, BTreeMap::new()).expect("no vars");
        s.apply(Input::Start { step: "evidence".into() });
        s.apply(evidence("app/internal/stock/stock.go"));
        probe(&mut s, "blame", serde_json::json!([{"commit": "decoy"}]));
        // A corrected path mapping: the same logs, triaged again.
        let effects = s.apply(evidence("internal/stock/stock.go"));
        let recaptured = effects.iter().any(|e| {
            matches!(e, Effect::Emit(Event::Capture { step, name, .. }) if step == "evidence" && name == "incident")
        });
        assert!(recaptured, "{effects:?}");
        let incident = s.captures().get("incident");
        let file = incident.and_then(|v| v.lookup_key("service_frame")?.lookup_key("file")).map(Value::to_text);
        assert_eq!(file.as_deref(), Some("internal/stock/stock.go"));
        assert_eq!(stale_events(&effects), vec![("blame".to_string(), "incident".to_string())]);
        let evidence_step = s.runbook().step_index("evidence").expect("evidence step");
        assert_eq!(s.status(evidence_step), StepStatus::Passed);
    }
}
