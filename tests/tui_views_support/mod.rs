//! Helpers shared by the `tui_views_*` tests: an app from inline YAML, running a probe step's job the way the
//! event loop does (typed result first, then the engine input), running view jobs to completion, and drawing.

// Each test file uses a different subset of these helpers.
#![allow(dead_code)]

use ratatui::backend::TestBackend;
use ratatui::Terminal;
use runbook::engine::{Context, Session};
use runbook::tui::app::Job;
use runbook::tui::{jobs, view, Action, App, Theme};
use std::collections::BTreeMap;
use std::sync::Arc;

pub fn app_from(yaml: &str, workdir: &str, theme: Theme) -> App {
    let runbook = runbook::engine::load("views.yaml", yaml.as_bytes()).unwrap();
    let context = Context { workdir: workdir.into(), assets_dir: workdir.into(), runbook_dir: workdir.into() };
    App::new(Session::new(runbook, context, BTreeMap::new()).unwrap(), "views.yaml", theme)
}

/// A runbook with one phase and the given steps (YAML list items, indented by 6).
pub fn runbook(steps: &str) -> String {
    format!("id: v\ntitle: Views\nphases:\n  - id: p\n    title: P\n    steps:\n{steps}")
}

pub fn apply(app: &mut App, actions: &[Action]) {
    for a in actions {
        let mut next = Some(a.clone());
        while let Some(a) = next {
            next = app.update(a);
        }
    }
}

/// Carries out the queued jobs as the event loop would, synchronously, until none are left. Returns the jobs
/// that need a terminal (editor, clipboard), which a test checks instead of running.
pub fn settle(app: &mut App) -> Vec<Job> {
    let mut handed = Vec::new();
    for _ in 0..20 {
        let queued = app.take_jobs();
        if queued.is_empty() {
            break;
        }
        for job in queued {
            match job {
                Job::Probe { step, request } => {
                    let (input, output) = runbook::probes::output::execute_typed(&step, &request);
                    if let Some(output) = output {
                        apply(app, &[Action::ProbeResult { step, output: Arc::new(output) }]);
                    }
                    apply(app, &[Action::ProbeDone(input)]);
                }
                job if jobs::is_view_job(&job) => apply(app, &[jobs::perform(job)]),
                other => handed.push(other),
            }
        }
    }
    handed
}

pub fn screen(app: &mut App, width: u16, height: u16) -> Terminal<TestBackend> {
    app.update(Action::Resize { width, height });
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| view::draw(app, f)).unwrap();
    terminal
}

pub fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/go/logs/{name}", env!("CARGO_MANIFEST_DIR"))
}
