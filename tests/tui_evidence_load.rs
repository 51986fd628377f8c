//! A large paste does not freeze the screen (issue 10, "bracketed paste, any size"): the evidence dialog hands the
//! paste to a background job (`ViewJob::LoadEvidence`: redact, store, parse) and says "parsing N MiB…"; keys are
//! handled and frames drawn while the job is out, and the evidence goes in when its answer comes back. The job is
//! carried out by the test between keys, as the event loop's blocking thread would: nothing here is timed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message
use crate::tui_support;

use runbook::engine::StepStatus;
use runbook::tui::action::Intent;
use runbook::tui::jobs::{self, Job, ViewJob};
use runbook::tui::screen::Overlay;
use runbook::tui::Theme;
use tui_support::{app_from, apply, runbook, screen};

/// 50 MiB of access-log lines with the inventory service's crash at the end.
fn big_log() -> String {
    let crash =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/incident/logs/crash.go1.27.log"))
            .unwrap();
    let line = "2026/12/06 05:05:57 inventory: GET /stock?sku=sku-hammer 200 1.2ms request_id=abcdef0123456789\n";
    let mut log = line.repeat((50 << 20) / line.len() + 1);
    log.push_str(&crash);
    log
}

#[test]
fn a_50_mib_paste_is_parsed_in_the_background_and_keys_work_meanwhile() {
    let state = tempfile::tempdir().unwrap();
    let steps = "      - id: ev\n        title: Evidence\n        evidence: {}\n";
    let mut app = app_from(&runbook(steps), state.path().to_str().unwrap(), Theme::plain());
    // A journal in the temp dir, so the evidence is stored beside it (this process is shared with other tests:
    // no XDG variable is set for it).
    let start = runbook::journal::Meta::Note { step: None, text: "start".into() };
    app.set_journal(runbook::journal::Journal::create(&state.path().join("s.jsonl"), start).unwrap());
    apply(&mut app, &[Intent::Run]);
    assert!(matches!(app.overlay(), Overlay::Evidence(_)));
    let log = big_log();
    let lines = log.lines().count();
    apply(&mut app, &[Intent::TextPaste(log), Intent::Confirm]);

    // Enter queued the parse and returned: nothing is in the session yet, the dialog says what is going on.
    let queued = app.take_jobs();
    let load = queued.into_iter().find_map(|j| match j {
        Job::View(job @ ViewJob::LoadEvidence(_)) => Some(job),
        _ => None,
    });
    let load = load.expect("a LoadEvidence job");
    assert!(!app.session().has_evidence());
    let shown = screen(&mut app, 80, 24).backend().to_string();
    assert!(shown.contains("parsing 50 MiB…"), "{shown}");
    assert!(shown.contains(&format!("{} lines pasted", lines)), "{shown}");

    // Keys while it parses: Esc is answered (not queued behind the parse), typing does not disturb the load.
    apply(&mut app, &[Intent::Back]);
    assert!(app.flash().unwrap_or_default().contains("parsed in the background"), "{:?}", app.flash());
    apply(&mut app, &[Intent::NextPane, Intent::TextChar('x')]);
    assert!(matches!(app.overlay(), Overlay::Evidence(_)), "the dialog stays until the evidence is in");
    assert_eq!(app.status(0), StepStatus::Running);

    // The job's answer arrives: the step passes with the crash found at the end of the 50 MiB.
    app.apply(jobs::perform(load));
    assert!(matches!(app.overlay(), Overlay::None));
    assert_eq!(app.status(0), StepStatus::Passed);
    let triage = app.session().evidence_triage().unwrap();
    assert_eq!(triage.lookup_key("message").map(|v| v.to_text()), Some("concurrent map writes".into()));
    let shown = screen(&mut app, 80, 24).backend().to_string();
    assert!(shown.contains("fatal error: concurrent map writes"), "{shown}");
    assert!(
        app.flash().unwrap_or_default().contains(&format!("evidence in: paste ({lines} lines)")),
        "{:?}",
        app.flash()
    );
}

/// Runs the evidence step with `text` pasted, carrying out the load job as the event loop would.
fn paste_evidence(app: &mut runbook::tui::App, text: &str) {
    apply(app, &[Intent::Run]);
    assert!(matches!(app.overlay(), Overlay::Evidence(_)), "Enter on the evidence step opens the dialog");
    apply(app, &[Intent::TextPaste(text.to_string()), Intent::Confirm]);
    let load = app.take_jobs().into_iter().find_map(|j| match j {
        Job::View(job @ ViewJob::LoadEvidence(_)) => Some(job),
        _ => None,
    });
    app.apply(jobs::perform(load.expect("a LoadEvidence job")));
}

#[test]
fn a_wrong_log_is_replaced_by_running_the_evidence_step_again() {
    let state = tempfile::tempdir().unwrap();
    let steps = "      - id: ev\n        title: Evidence\n        evidence: {}\n";
    let mut app = app_from(&runbook(steps), state.path().to_str().unwrap(), Theme::plain());
    let start = runbook::journal::Meta::Note { step: None, text: "start".into() };
    let journal = state.path().join("s.jsonl");
    app.set_journal(runbook::journal::Journal::create(&journal, start).unwrap());
    // The wrong log first: no crash in it.
    paste_evidence(&mut app, "GET /stock 200 1.2ms\nGET /stock 200 1.1ms\n");
    assert_eq!(app.status(0), StepStatus::Passed);
    assert_eq!(
        app.session().evidence_triage().and_then(|t| t.lookup_key("crashes")).map(|v| v.to_text()),
        Some("0".into())
    );
    // Run the step again: the dialog opens, and the right log replaces the wrong one.
    let crash =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/incident/logs/crash.go1.27.log"))
            .unwrap();
    paste_evidence(&mut app, &crash);
    let triage = app.session().evidence_triage().unwrap();
    assert_eq!(triage.lookup_key("message").map(|v| v.to_text()), Some("concurrent map writes".into()));
    assert_eq!(app.status(0), StepStatus::Passed);
    let journaled = std::fs::read_to_string(&journal).unwrap();
    assert_eq!(journaled.matches("\"type\":\"evidence\"").count(), 2, "both are journaled, the last one counts");
}
