//! The engine as a pure state machine: inputs in, effects out, no processes or clock involved.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message

use runbook::engine::{self, Context, Effect, Event, Input, ProcessEnd, Session, StepStatus, Stream, Value};
use std::collections::BTreeMap;

const RUNBOOK: &str = r#"
id: machine
title: Machine
vars:
  - {name: token, default: s3cret, secret: true}
  - {name: repo, default: "."}
phases:
  - id: a
    title: A
    steps:
      - id: crash
        title: Crash
        mode: observe
        milestone: reproduced
        run:
          command: go run . --token {{token}}
          cwd: "{{assets_dir}}/repro"
          env: {GOTRACEBACK: all}
          expect: {exit_code: 2, matches: ["^fatal error: concurrent map"]}
        capture:
          - {name: message, from: output, regex: "fatal error: (.*)"}
      - id: decide
        title: Decide
        choose:
          question: Which fix?
          options:
            - {id: mutex, label: sync.Mutex, goto: verify}
            - {id: rw, label: sync.RWMutex}
      - id: rw-fix
        title: RW fix
        next: verify
      - id: other
        title: Never reached from rw-fix
      - id: verify
        title: Verify
        checklist: [one, two]
"#;

fn session() -> Session {
    let rb = engine::load("machine.yaml", RUNBOOK.as_bytes()).unwrap();
    let ctx = Context { workdir: "/work".into(), assets_dir: "/cache/assets".into(), runbook_dir: "/rb".into() };
    Session::new(rb, ctx, BTreeMap::new()).unwrap()
}

fn events(effects: &[Effect]) -> Vec<&Event> {
    effects.iter().filter_map(|e| if let Effect::Emit(ev) = e { Some(ev) } else { None }).collect()
}

#[test]
fn start_renders_the_command_and_masks_secrets_in_the_event_only() {
    let mut s = session();
    let effects = s.apply(Input::Start { step: "crash".into() });
    let Some(Effect::Spawn { spec, .. }) = effects.iter().find(|e| matches!(e, Effect::Spawn { .. })) else {
        panic!("no spawn: {effects:?}")
    };
    assert_eq!(spec.command, "go run . --token s3cret");
    assert_eq!(spec.cwd, "/cache/assets/repro");
    assert_eq!(spec.env.get("GOTRACEBACK").map(String::as_str), Some("all"));
    let shown = events(&effects).into_iter().find_map(|e| match e {
        Event::Command { command, .. } => Some(command.clone()),
        _ => None,
    });
    assert_eq!(shown.as_deref(), Some("go run . --token ****"));
    assert_eq!(s.status(0), StepStatus::Running);
}

#[test]
fn exit_and_output_decide_the_status_captures_and_milestone() {
    let mut s = session();
    s.apply(Input::Start { step: "crash".into() });
    for line in ["goroutine 1 [running]:", "fatal error: concurrent map read and map write"] {
        s.apply(Input::Output { step: "crash".into(), stream: Stream::Output, line: line.into(), raw: None });
    }
    let effects = s.apply(Input::Exited { step: "crash".into(), end: ProcessEnd::Exited(2), duration_ms: 812 });
    let evs = events(&effects);
    assert!(evs.contains(&&Event::Capture {
        step: "crash".into(),
        name: "message".into(),
        value: Value::Str("concurrent map read and map write".into())
    }));
    assert!(evs
        .iter()
        .any(|e| matches!(e, Event::Milestone { milestone: runbook::engine::Milestone::Reproduced, .. })));
    assert!(matches!(
        evs.last(),
        Some(Event::StepFinished { status: StepStatus::Passed, exit_code: Some(2), duration_ms: Some(812), .. })
    ));
    assert_eq!(s.cursor(), Some(1));
}

#[test]
fn wrong_exit_code_fails_with_the_reason_and_sets_no_capture() {
    let mut s = session();
    s.apply(Input::Start { step: "crash".into() });
    let effects = s.apply(Input::Exited { step: "crash".into(), end: ProcessEnd::Exited(0), duration_ms: 5 });
    let Some(Event::StepFinished { status, reason, .. }) = events(&effects).last().copied() else { panic!() };
    assert_eq!(*status, StepStatus::Failed);
    assert_eq!(reason.as_deref(), Some("exit code 0, expected 2"));
    assert!(s.captures().is_empty());
}

#[test]
fn a_missing_tool_is_named_as_such_not_only_as_exit_127() {
    let mut s = session();
    s.apply(Input::Start { step: "crash".into() });
    let effects = s.apply(Input::Exited { step: "crash".into(), end: ProcessEnd::Exited(127), duration_ms: 5 });
    let Some(Event::StepFinished { reason, .. }) = events(&effects).last().copied() else { panic!() };
    assert_eq!(
        reason.as_deref(),
        Some("exit code 127 (command not found: is the tool installed and on PATH?), expected 2")
    );
}

#[test]
fn choose_jumps_and_next_rejoins() {
    let mut s = session();
    s.apply(Input::Select { step: "decide".into() });
    s.apply(Input::Start { step: "decide".into() });
    s.apply(Input::Choose { step: "decide".into(), option: "sync.rwmutex".into() });
    assert_eq!(s.cursor(), Some(2), "an option without goto continues with the next step");
    s.apply(Input::Start { step: "rw-fix".into() });
    assert_eq!(s.cursor(), Some(4), "`next: verify` skips `other`");

    let mut s = session();
    s.apply(Input::Start { step: "decide".into() });
    s.apply(Input::Choose { step: "decide".into(), option: "1".into() });
    assert_eq!(s.cursor(), Some(4));
}

#[test]
fn checklist_passes_when_every_item_is_checked() {
    let mut s = session();
    s.apply(Input::Start { step: "verify".into() });
    // Each tick is a journaled event; the step finishes only with the last required box.
    let first = s.apply(Input::Check { step: "verify".into(), item: 0, checked: true });
    assert!(matches!(events(&first).as_slice(), [Event::ChecklistTick { item: 0, checked: true, .. }]));
    let effects = s.apply(Input::Check { step: "verify".into(), item: 1, checked: true });
    assert!(matches!(events(&effects).last(), Some(Event::StepFinished { status: StepStatus::Passed, .. })));
}

#[test]
fn timeouts_and_cancels_are_their_own_statuses() {
    for (end, status) in [(ProcessEnd::TimedOut, StepStatus::TimedOut), (ProcessEnd::Cancelled, StepStatus::Cancelled)]
    {
        let mut s = session();
        s.apply(Input::Start { step: "crash".into() });
        s.apply(Input::Exited { step: "crash".into(), end, duration_ms: 1 });
        assert_eq!(s.status(0), status);
        assert_eq!(s.counts(), (0, 1, 0));
    }
}

#[test]
fn unknown_and_missing_vars_are_rejected() {
    let rb = engine::load("machine.yaml", RUNBOOK.as_bytes()).unwrap();
    let ctx = Context { workdir: "/w".into(), assets_dir: "/a".into(), runbook_dir: "/r".into() };
    let given = BTreeMap::from([("nope".to_string(), "1".to_string())]);
    let err = Session::new(rb, ctx, given).err().unwrap();
    assert!(err.contains("unknown var `nope`"), "{err}");
}

#[test]
fn secret_values_are_masked_in_emitted_captures_but_kept_for_later_steps() {
    let yaml = r#"
id: secrets
title: Secrets
vars: [{name: token, default: s3cret, secret: true}]
phases:
  - id: a
    title: A
    steps:
      - id: leak
        title: Leak
        run: {command: "echo {{token}}"}
        capture: [{name: out, from: output}]
      - id: use
        title: Use
        run: {command: "echo {{out}}"}
"#;
    let rb = engine::load("s.yaml", yaml.as_bytes()).unwrap();
    let ctx = Context { workdir: "/w".into(), assets_dir: "/a".into(), runbook_dir: "/r".into() };
    let mut s = Session::new(rb, ctx, BTreeMap::new()).unwrap();
    s.apply(Input::Start { step: "leak".into() });
    let shown =
        s.apply(Input::Output { step: "leak".into(), stream: Stream::Output, line: "s3cret".into(), raw: None });
    assert!(matches!(&events(&shown)[0], Event::Output { line, .. } if line == "****"));
    let effects = s.apply(Input::Exited { step: "leak".into(), end: ProcessEnd::Exited(0), duration_ms: 1 });
    let capture = events(&effects).into_iter().find(|e| matches!(e, Event::Capture { .. })).unwrap();
    assert!(matches!(capture, Event::Capture { value: Value::Str(v), .. } if v == "****"), "{capture:?}");
    let effects = s.apply(Input::Start { step: "use".into() });
    let spawn =
        effects.iter().find_map(|e| if let Effect::Spawn { spec, .. } = e { Some(spec) } else { None }).unwrap();
    assert_eq!(spawn.command, "echo s3cret", "the real value still reaches the command");
}
