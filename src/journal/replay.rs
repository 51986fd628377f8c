//! Rebuilds a session from its journal by feeding the recorded events back through the engine as inputs.
//!
//! Pure: nothing runs, nothing is read but the records given. The engine recomputes statuses, captures,
//! milestones and the cursor exactly as it did live (the journal keeps the same head and tail of output the
//! engine keeps); where its result differs from what was recorded, the difference is reported rather than hidden.
//! A step that started but never finished (the process died) is left running with the cursor on it, so a resumed
//! run starts it again.

use super::record::{Meta, Record};
use crate::engine::{Action, Effect, Event, Input, ProcessEnd, Session, StepStatus, Value, MASK};

/// What replay found besides the restored session.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Replayed {
    /// Recorded and recomputed results that disagree (`step x: recorded passed, engine says failed`).
    pub divergences: Vec<String>,
    /// Steps that started and never finished: interrupted by a crash or a kill.
    pub interrupted: Vec<String>,
}

/// The last value each var was given during the session (`var_set` events; a secret's is `****`). A resumed
/// session starts from these, so a var the user set on screen is not asked for again.
pub fn vars_set(records: &[Record]) -> std::collections::BTreeMap<String, String> {
    records
        .iter()
        .filter_map(|r| match r.event() {
            Some(Event::VarSet { name, value }) => Some((name.clone(), value.clone())),
            _ => None,
        })
        .collect()
}

/// Feeds `records` into `session` (fresh from `Session::new` with the recorded runbook and vars).
pub fn restore(session: &mut Session, records: &[Record]) -> Replayed {
    let mut replayed = Replayed::default();
    let mut probe: Option<(String, Value)> = None;
    let mut open: Vec<String> = Vec::new();
    for record in records {
        if let Some(Meta::ProbeResult { step, result, .. }) = record.meta() {
            probe = Some((step.clone(), result.clone()));
            continue;
        }
        let Some(event) = record.event() else { continue };
        let inputs = match event {
            Event::StepStarted { step, .. } => {
                open.retain(|s| s != step);
                open.push(step.clone());
                vec![Input::Start { step: step.clone() }]
            }
            Event::Output { step, stream, line, line_b64 } => {
                use base64::Engine as _;
                let raw = line_b64.as_ref().and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok());
                vec![Input::Output { step: step.clone(), stream: *stream, line: line.clone(), raw }]
            }
            Event::Choice { step, option, .. } => vec![Input::Choose { step: step.clone(), option: option.clone() }],
            Event::ChecklistTick { step, item, checked, .. } => {
                vec![Input::Check { step: step.clone(), item: *item, checked: *checked }]
            }
            // A masked secret stays what the resumed session was given (`--var`); replays show `****` anyway.
            Event::VarSet { name, value } if value == MASK && session.var(name).is_some() => Vec::new(),
            Event::VarSet { name, value } => vec![Input::SetVar { name: name.clone(), value: value.clone() }],
            Event::Evidence { files, triage } => {
                vec![Input::Evidence { files: files.clone(), triage: triage.clone(), text: small_text(files) }]
            }
            Event::StepFinished { step, status, exit_code, duration_ms, reason } => {
                open.retain(|s| s != step);
                let already = session.runbook().step_index(step).map(|i| session.status(i).is_done());
                if already == Some(true) && *status != StepStatus::Skipped {
                    // The engine finished it on its own (a reading step, a choice, a template error).
                    check_status(session, step, *status, &mut replayed);
                    Vec::new()
                } else {
                    let result = probe.take().filter(|(s, _)| s == step).map(|(_, r)| r);
                    finish_inputs(session, step, *status, *exit_code, duration_ms.unwrap_or(0), reason, result)
                }
            }
            // The engine recomputes staleness from the step ends, as it did live.
            Event::Command { .. }
            | Event::Capture { .. }
            | Event::Milestone { .. }
            | Event::RunFinished { .. }
            | Event::Stale { .. } => Vec::new(),
        };
        if inputs.is_empty() {
            continue;
        }
        for input in inputs {
            let effects = session.apply(input);
            compare_captures(records, &effects, &mut replayed);
        }
        if let Event::StepFinished { step, status, .. } = event {
            check_status(session, step, *status, &mut replayed);
        }
    }
    // Several steps left unfinished (a crafted journal, or a TUI session that ran steps side by side): the cursor
    // goes back to the first of them in the runbook, so a resumed run starts there instead of on the last one
    // started, which would leave the others running forever and never rerun.
    if open.len() > 1 {
        let first = open.iter().filter_map(|s| session.runbook().step_index(s)).min();
        if let Some(step) = first.and_then(|i| session.runbook().step(i)).map(|s| s.id.clone()) {
            session.apply(Input::Select { step });
        }
    }
    open.sort_by_key(|s| session.runbook().step_index(s));
    replayed.interrupted = open;
    replayed
}

/// The input that ends a step the way the journal says it ended.
fn finish_inputs(
    session: &Session,
    step: &str,
    status: StepStatus,
    exit_code: Option<i32>,
    duration_ms: u64,
    reason: &Option<String>,
    result: Option<Value>,
) -> Vec<Input> {
    let Some(action) = session.runbook().step_index(step).and_then(|i| session.runbook().step(i)).map(|s| &s.action)
    else {
        return Vec::new();
    };
    let step = step.to_string();
    if status == StepStatus::Skipped {
        return vec![Input::Skip { step, reason: reason.clone().unwrap_or_default() }];
    }
    vec![match action {
        Some(Action::Run(_)) => {
            let end = match (status, exit_code) {
                (StepStatus::TimedOut, _) => ProcessEnd::TimedOut,
                (StepStatus::Cancelled, _) => ProcessEnd::Cancelled,
                (_, Some(code)) if reason.as_deref().is_some_and(|r| r.starts_with("killed by signal")) => {
                    ProcessEnd::Signalled(code - 128)
                }
                (_, Some(code)) => ProcessEnd::Exited(code),
                (_, None) => {
                    let why = reason.as_deref().unwrap_or("").trim_start_matches("could not start: ");
                    ProcessEnd::FailedToStart(why.to_string())
                }
            };
            Input::Exited { step, end, duration_ms }
        }
        Some(Action::Checklist(items)) if status == StepStatus::Passed => {
            // A journal from before ticks were events: a checklist passed when its last box was ticked.
            return (0..items.len()).map(|item| Input::Check { step: step.clone(), item, checked: true }).collect();
        }
        // A probe stopped before its result ended as cancelled, which only `Exited` says.
        _ if status == StepStatus::Cancelled => Input::Exited { step, end: ProcessEnd::Cancelled, duration_ms },
        _ => Input::ProbeDone {
            step,
            result: result.unwrap_or(Value::Null),
            passed: status == StepStatus::Passed,
            reason: reason.clone(),
        },
    }]
}

fn check_status(session: &Session, step: &str, recorded: StepStatus, replayed: &mut Replayed) {
    let Some(index) = session.runbook().step_index(step) else {
        replayed.divergences.push(format!("step `{step}` is not in the recorded runbook"));
        return;
    };
    let now = session.status(index);
    if now != recorded {
        replayed.divergences.push(format!(
            "step `{step}`: recorded {}, the engine recomputes {}",
            recorded.as_str(),
            now.as_str()
        ));
    }
}

/// A capture the engine recomputed with a value other than the recorded one.
fn compare_captures(records: &[Record], effects: &[Effect], replayed: &mut Replayed) {
    for effect in effects {
        let Effect::Emit(Event::Capture { step, name, value }) = effect else { continue };
        let mut recorded = records.iter().filter_map(|r| match r.event() {
            Some(Event::Capture { step: s, name: n, value: v }) if s == step && n == name => Some(v),
            _ => None,
        });
        if !recorded.any(|v| v == value || masked(v)) {
            replayed.divergences.push(format!("capture `{name}` of step `{step}` differs from the recorded value"));
        }
    }
}

fn masked(value: &Value) -> bool {
    value.to_text().contains(MASK)
}

/// The stored evidence as text when it is small enough to be `{{evidence_text}}` (and still on disk).
fn small_text(files: &[crate::engine::EvidenceFile]) -> Option<String> {
    const TEXT_LIMIT: u64 = 100 * 1024;
    if files.iter().map(|f| f.bytes).sum::<u64>() > TEXT_LIMIT {
        return None;
    }
    let texts: Option<Vec<String>> =
        files.iter().map(|f| std::fs::read(&f.path).ok().map(|b| String::from_utf8_lossy(&b).into_owned())).collect();
    texts.map(|t| t.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Context, Stream};
    use crate::journal::record::Entry;
    use std::collections::BTreeMap;

    const YAML: &str = r#"
id: t
title: T
phases:
  - id: p
    title: P
    steps:
      - id: read
        title: Read
      - id: run
        title: Run
        run: {command: "echo w=hello"}
        capture:
          - {name: word, from: output, regex: "w=(\\w+)"}
      - id: pick
        title: Pick
        choose:
          question: Which?
          options:
            - {id: a, label: A, goto: last}
            - {id: b, label: B}
      - id: never
        title: Jumped over
        run: {command: "echo never"}
      - id: last
        title: Last
        run: {command: "echo {{word}}"}
"#;

    fn session() -> Session {
        let runbook = crate::engine::load("t.yaml", YAML.as_bytes()).unwrap();
        let context = Context { workdir: "/w".into(), assets_dir: "/a".into(), runbook_dir: "/w".into() };
        Session::new(runbook, context, BTreeMap::new()).unwrap()
    }

    /// Drives a session live and keeps what a journal would: every emitted event.
    fn live(session: &mut Session, inputs: Vec<Input>) -> Vec<Record> {
        let mut records = Vec::new();
        for input in inputs {
            for effect in session.apply(input) {
                if let Effect::Emit(event) = effect {
                    records.push(Record { ts: String::new(), offset_ms: 0, entry: Entry::Event(event) });
                }
            }
        }
        records
    }

    #[test]
    fn replay_restores_statuses_captures_cursor_and_the_interrupted_step() {
        let mut original = session();
        let s = |x: &str| x.to_string();
        let records = live(
            &mut original,
            vec![
                Input::Start { step: s("read") },
                Input::Start { step: s("run") },
                Input::Output { step: s("run"), stream: Stream::Output, line: s("w=hello"), raw: None },
                Input::Exited { step: s("run"), end: ProcessEnd::Exited(0), duration_ms: 3 },
                Input::Start { step: s("pick") },
                Input::Choose { step: s("pick"), option: s("a") },
                Input::Start { step: s("last") },
            ],
        );
        let mut restored = session();
        let replayed = restore(&mut restored, &records);
        assert_eq!(replayed.divergences, Vec::<String>::new());
        assert_eq!(replayed.interrupted, vec![s("last")]);
        assert_eq!(restored.statuses(), original.statuses());
        assert_eq!(restored.captures(), original.captures());
        assert_eq!(restored.cursor(), original.cursor());
        assert_eq!(restored.milestones(), original.milestones());
        assert_eq!(restored.status(3), StepStatus::Pending, "the goto jumped over `never`");
    }

    #[test]
    fn three_unfinished_steps_all_stay_interrupted_with_the_cursor_on_the_first() {
        let s = |x: &str| x.to_string();
        // A crafted journal: three starts, no finish (live, the engine would have finished `read` on its own).
        let records: Vec<Record> = ["pick", "run", "last"]
            .iter()
            .map(|step| Record {
                ts: String::new(),
                offset_ms: 0,
                entry: Entry::Event(Event::StepStarted { step: s(step), title: s("T"), action: None }),
            })
            .collect();
        let mut restored = session();
        let replayed = restore(&mut restored, &records);
        assert_eq!(replayed.interrupted, vec![s("run"), s("pick"), s("last")], "in runbook order");
        assert_eq!(restored.cursor(), Some(1), "the first interrupted step, `run`, runs first");
    }

    #[test]
    fn a_cancelled_probe_replays_as_cancelled() {
        const PROBE: &str = "id: t\ntitle: T\nphases:\n- id: p\n  title: P\n  steps:\n  - {id: sim, title: S, simulate: {program: handbook}}\n";
        let runbook = crate::engine::load("t.yaml", PROBE.as_bytes()).unwrap();
        let context = Context { workdir: "/w".into(), assets_dir: "/a".into(), runbook_dir: "/w".into() };
        let mut live_session = Session::new(runbook.clone(), context.clone(), BTreeMap::new()).unwrap();
        let records = live(
            &mut live_session,
            vec![
                Input::Start { step: "sim".into() },
                Input::Exited { step: "sim".into(), end: ProcessEnd::Cancelled, duration_ms: 5 },
            ],
        );
        assert_eq!(live_session.status(0), StepStatus::Cancelled);
        let mut restored = Session::new(runbook, context, BTreeMap::new()).unwrap();
        let replayed = restore(&mut restored, &records);
        assert_eq!(replayed.divergences, Vec::<String>::new());
        assert_eq!(restored.status(0), StepStatus::Cancelled);
    }

    #[test]
    fn a_recorded_result_the_engine_disagrees_with_is_reported() {
        let mut original = session();
        let mut records = live(
            &mut original,
            vec![
                Input::Start { step: "run".into() },
                Input::Output { step: "run".into(), stream: Stream::Output, line: "w=hello".into(), raw: None },
                Input::Exited { step: "run".into(), end: ProcessEnd::Exited(0), duration_ms: 3 },
            ],
        );
        // A journal edited by hand: the output no longer holds what the capture needs.
        records.retain(|r| !matches!(r.event(), Some(Event::Output { .. })));
        let replayed = restore(&mut session(), &records);
        assert!(replayed.divergences.iter().any(|d| d.contains("recorded passed")), "{:?}", replayed.divergences);
    }
}
