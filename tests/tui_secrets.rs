//! Issue 12 (hardening), item 4, on the screen: a secret var in a `run` step's `cwd` and in the paths and patterns
//! of parse, grep, blame and simulate steps is masked in everything the TUI draws (the confirmation, the failure
//! reason, the probe's error), as it is on stdout and in the journal (tests/hardening_secrets.rs). Each step runs
//! through the real event loop on a `TestBackend`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message

use crate::tui_support;

use crossterm::event::KeyCode;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use runbook::engine::{Context, Session, StepStatus};
use runbook::tui::{event_loop, App, Theme};
use std::collections::BTreeMap;
use tui_support::keys;

const SECRET: &str = "PW_LEAK_123";

fn app_with_secret(step: &str, dir: &std::path::Path) -> App {
    let yaml = format!(
        "id: t\ntitle: T\nvars:\n  - {{name: pw, secret: true}}\nphases:\n  - id: p\n    title: P\n    steps:\n{step}"
    );
    let runbook = runbook::engine::load("test.yaml", yaml.as_bytes()).unwrap();
    let d = dir.display().to_string();
    let context = Context { workdir: d.clone(), assets_dir: d.clone(), runbook_dir: d };
    let vars = BTreeMap::from([("pw".to_string(), SECRET.to_string())]);
    App::new(Session::new(runbook, context, vars).unwrap(), "test.yaml", Theme::plain())
}

/// Runs the keys through the loop at 120x40; returns every frame's text joined (a secret must be in none).
async fn screens(app: &mut App, codes: &[KeyCode]) -> String {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let mut seen = String::new();
    // One key at a time, so the confirmation's frame is looked at too, not only the last one.
    for i in 1..=codes.len() {
        let run = event_loop::run(&mut terminal, app, keys(&codes[i - 1..i]), futures::stream::pending());
        tokio::time::timeout(std::time::Duration::from_secs(60), run).await.unwrap().unwrap();
        seen.push_str(&terminal.backend().to_string());
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_in_cwd_and_in_probe_errors_is_masked_on_screen() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "      - id: s\n        title: S\n        mode: observe\n        run:\n          command: echo hi\n          \
             cwd: /nonexistent/{{pw}}\n",
            &[KeyCode::Enter, KeyCode::Enter][..],
            "/nonexistent/****",
        ),
        ("      - id: s\n        title: S\n        parse:\n          file: /nonexistent/{{pw}}.log\n", &[KeyCode::Enter], "/nonexistent/****.log"),
        (
            "      - id: s\n        title: S\n        grep:\n          pattern: \"({{pw}}\"\n",
            &[KeyCode::Enter],
            "(****",
        ),
        (
            "      - id: s\n        title: S\n        blame:\n          file: /nonexistent/{{pw}}.go\n          lines: \"1\"\n",
            &[KeyCode::Enter],
            "/nonexistent/****.go",
        ),
        (
            "      - id: s\n        title: S\n        simulate:\n          program: /nonexistent/{{pw}}.yaml\n",
            &[KeyCode::Enter],
            "/nonexistent/****.yaml",
        ),
    ];
    for (step, codes, masked) in cases {
        let mut app = app_with_secret(step, dir.path());
        let seen = screens(&mut app, codes).await;
        assert_eq!(app.status(0), StepStatus::Failed, "{seen}");
        assert!(!seen.contains(SECRET), "the secret on screen:\n{seen}");
        assert!(seen.contains(masked), "no {masked:?} on screen:\n{seen}");
    }
}
