//! Issue 12 item 3's end: a secret var too short to be masked inside output (under 4 characters) is named at
//! the start of a run, so nobody trusts a mask that is not there: headless text (a warning on stderr), headless
//! JSON (a `warning` object of kind `short_secret` before the first step, the other events unchanged) and the
//! TUI (the status bar when the screen opens, and when such a value is typed into the vars list).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message
use crate::common;
use crate::tui_support;

use runbook::engine::{Context, Session};
use runbook::tui::action::Intent;
use runbook::tui::{App, Theme};
use std::collections::BTreeMap;
use std::path::Path;

const RUNBOOK: &str = "id: s\ntitle: Secrets\nvars:\n  - {name: PW, secret: true}\n  - {name: TOKEN, secret: true}\n\
    phases:\n  - id: p\n    title: P\n    steps:\n      - id: hello\n        title: Hello\n        mode: observe\n\
    \x20       run:\n          command: echo hi\n";

fn write(dir: &Path) -> String {
    let file = dir.join("secrets.yaml");
    std::fs::write(&file, RUNBOOK).unwrap();
    file.display().to_string()
}

fn run(dir: &Path, vars: &[&str], json: bool) -> std::process::Output {
    let file = write(dir);
    let mut cmd = common::runbook(dir);
    cmd.current_dir(dir).args(["run", &file, "--headless", "--yes"]);
    if json {
        cmd.arg("--json");
    }
    for v in vars {
        cmd.args(["--var", v]);
    }
    cmd.output().unwrap()
}

#[test]
fn headless_json_says_first_which_secrets_are_too_short() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["PW=ab", "TOKEN=long-enough-token"], true);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let events = common::json_lines(&out);
    assert_eq!(events[0]["type"], "warning", "{events:#?}");
    assert_eq!(events[0]["kind"], "short_secret");
    assert_eq!(events[0]["vars"], serde_json::json!(["PW"]));
    assert!(events[0]["message"].as_str().unwrap().contains("under 4 characters"));
    assert_eq!(events[1]["type"], "step_started", "the run's events follow unchanged");
    assert_eq!(events.iter().filter(|e| e["type"] == "warning").count(), 1);
}

#[test]
fn headless_text_warns_on_stderr_and_long_secrets_say_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["PW=ab", "TOKEN=x"], false);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("warning: secret vars PW, TOKEN: under 4 characters"), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("warning"), "the events on stdout are unchanged: {stdout}");

    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["PW=long-password", "TOKEN=long-enough-token"], true);
    assert!(common::json_lines(&out).iter().all(|e| e["type"] != "warning"));
    let out = run(dir.path(), &["PW=long-password", "TOKEN=long-enough-token"], false);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("warning"));
}

fn app_with(vars: &[(&str, &str)]) -> App {
    let runbook = runbook::engine::load("secrets.yaml", RUNBOOK.as_bytes()).unwrap();
    let context = Context { workdir: "/w".into(), assets_dir: "/w".into(), runbook_dir: "/w".into() };
    let given: BTreeMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    App::new(Session::with_unset_vars(runbook, context, given).unwrap(), "secrets.yaml", Theme::plain())
}

#[test]
fn the_tui_says_at_start_which_secrets_are_too_short() {
    let mut app = app_with(&[("PW", "ab"), ("TOKEN", "long-enough-token")]);
    app.warn_short_secrets();
    let flash = app.flash().unwrap_or_default().to_string();
    assert!(flash.starts_with("warning: secret var PW: under 4 characters"), "{flash}");
    let terminal = tui_support::screen(&mut app, 80, 24);
    let screen = format!("{:?}", terminal.backend());
    assert!(screen.contains("warning: secret var PW: under 4 characters, so not masked inside output"), "{screen}");

    let mut quiet = app_with(&[("PW", "long-password"), ("TOKEN", "long-enough-token")]);
    quiet.warn_short_secrets();
    assert_eq!(quiet.flash(), None);
}

#[test]
fn a_short_secret_typed_into_the_vars_list_is_named_too() {
    let mut app = app_with(&[("TOKEN", "long-enough-token")]);
    assert!(app.ask_unset_vars(), "PW has no value: the vars list opens on it");
    tui_support::apply(&mut app, &[Intent::TextChar('a'), Intent::TextChar('b'), Intent::Confirm]);
    let flash = app.flash().unwrap_or_default().to_string();
    assert!(flash.contains("secret var PW: under 4 characters"), "{flash}");
}
