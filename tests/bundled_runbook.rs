//! The bundled go-map-concurrency runbook: it is listed, it passes `check`, and its reproduce phase really
//! reproduces the crash and the race report with a real Go toolchain (1.27 and 1.19; required in CI).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message

use crate::common;

use serde_json::Value;
use std::path::Path;

#[test]
fn bundled_runbook_is_listed_and_passes_check() {
    let home = tempfile::tempdir().unwrap();
    let list = common::runbook(home.path()).arg("list").output().unwrap();
    let text = String::from_utf8_lossy(&list.stdout);
    assert!(text.lines().any(|l| l.starts_with("go-map-concurrency ")), "{text}");
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("runbooks/go-map-concurrency.yaml");
    let check = common::runbook(home.path()).arg("check").arg(&file).output().unwrap();
    assert_eq!(check.status.code(), Some(0), "{}", String::from_utf8_lossy(&check.stderr));
}

fn reproduce_with(go_env_var: &str, expect_version: &str) {
    let Some(go) = common::tool(go_env_var, "go") else { return };
    let home = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let mut cmd = common::runbook(home.path());
    common::go_env(&mut cmd, &go, home.path());
    let out = cmd
        .current_dir(work.path())
        .args(["run", "go-map-concurrency", "--headless", "--json", "--phase", "reproduce", "--phase", "practice"])
        .output()
        .unwrap();
    let events = common::json_lines(&out);
    let finished = |step: &str| -> Value {
        events.iter().find(|e| e["type"] == "step_finished" && e["step"] == step).cloned().unwrap_or(Value::Null)
    };
    let capture = |name: &str| -> Value {
        events
            .iter()
            .find(|e| e["type"] == "capture" && e["name"] == name)
            .map(|e| e["value"].clone())
            .unwrap_or_default()
    };
    assert_eq!(finished("toolchain")["status"], "passed", "{events:#?}");
    assert!(capture("go_version").as_str().unwrap_or("").contains(expect_version), "{:?}", capture("go_version"));
    let repro = finished("repro");
    assert_eq!(repro["status"], "passed", "{repro}");
    assert_eq!(repro["exit_code"], 2);
    assert_eq!(capture("message"), "concurrent map read and map write");
    // The practice program is not the incident: its crash sets no milestone.
    assert!(!events.iter().any(|e| e["type"] == "milestone"), "{events:#?}");
    let race = finished("race_repro");
    assert_eq!(race["status"], "passed", "{race}");
    assert_eq!(race["exit_code"], 66);
    assert!(capture("race_log").as_str().unwrap_or("").contains("WARNING: DATA RACE"));
    // The crash log goes through the real parser: the crash is a map read/write fatal error.
    let skipped_fix = finished("fix_choice");
    assert_eq!(skipped_fix["status"], "skipped", "--phase leaves the fix phase out");
    assert!(skipped_fix["reason"].as_str().unwrap_or("").contains("--phase"), "{skipped_fix}");
    let crash = capture("crash");
    assert_eq!(crash["crashes"][0]["kind"], "fatal error", "{crash}");
    assert_eq!(crash["crashes"][0]["map_op"], "read");
}

#[test]
fn reproduce_phase_crashes_and_races_with_go_1_27() {
    reproduce_with("RUNBOOK_GO", "go1.27");
}

#[test]
fn reproduce_phase_crashes_and_races_with_go_1_19() {
    reproduce_with("RUNBOOK_GO119", "go1.19");
}

/// Step texts are shown as written (they are not templates): a `{{name}}` in one reads as a broken template to
/// the engineer, as `{{incident.go_version}}` did on the toolchain step.
#[test]
fn no_step_text_of_a_bundled_runbook_shows_a_template_placeholder() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("runbooks");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(files.len() >= 7, "every bundled runbook: {files:?}");
    for path in files {
        let file = path.display().to_string();
        let runbook = runbook::engine::load(&file, &std::fs::read(&path).unwrap()).unwrap();
        for step in runbook.steps() {
            assert!(!step.text.contains("{{"), "{file}: step `{}` text shows a placeholder:\n{}", step.id, step.text);
        }
    }
}

/// Enter takes the highlighted choice, the first: for the fix that is the mutex, the default that is correct
/// for every access pattern (RWMutex is how the inventory service's `m[k]++` under RLock went wrong).
#[test]
fn the_fix_choice_highlights_the_mutex_first() {
    let file = "runbooks/go-map-concurrency.yaml";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let runbook = runbook::engine::load(file, &std::fs::read(&path).unwrap()).unwrap();
    let step = runbook.steps().find(|s| s.id == "fix_choice").unwrap();
    let Some(runbook::engine::Action::Choose(choose)) = &step.action else { panic!("fix_choice is a choice") };
    assert_eq!(choose.options[0].id, "mutex");
    assert!(choose.options[0].description.contains("(the default)"));
}
