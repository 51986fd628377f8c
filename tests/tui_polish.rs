//! Issue 15's smaller things, pinned the way a person meets them: the bundled "List the maps" step lists map
//! declarations and `make(map…)` but not type assertions, and `check` counts in words that agree with the number.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test set-up that fails should panic loudly

use crate::common;
use crate::tui_support;

use runbook::engine::model::Action;
use runbook::locate::{grep_collect, GrepOptions};
use std::process::Command;

const BUNDLED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks/go-map-concurrency.yaml");

fn map_sites_pattern() -> String {
    let bytes = std::fs::read(BUNDLED).expect("bundled runbook");
    let runbook = runbook::engine::load::load(BUNDLED, &bytes).expect("loads");
    let step = runbook.steps().find(|s| s.id == "map_sites").expect("map_sites step");
    match &step.action {
        Some(Action::Grep(g)) => g.pattern.clone(),
        other => panic!("map_sites is a grep step: {other:?}"),
    }
}

#[test]
fn list_the_maps_lists_declarations_and_make_but_not_type_assertions() {
    let temp = tempfile::tempdir().expect("tempdir");
    let source = "package svc\n\
        \n\
        var routes = map[string]int{}\n\
        var counts, totals map[string]int\n\
        type Index map[string][]int\n\
        \n\
        type Backend struct {\n\
        \thits map[string]int\n\
        }\n\
        \n\
        func load(v any) {\n\
        \tseen := make(map[string]bool)\n\
        \tlocal := map[int]string{1: \"a\"}\n\
        \tif m, ok := v.(map[string]interface{}); ok {\n\
        \t\t_ = m\n\
        \t}\n\
        \tcfg := v.(map[string]any)\n\
        \tmymap[1] = 2\n\
        \t_, _, _ = seen, local, cfg\n\
        }\n";
    common::write(&temp.path().join("svc.go"), source.as_bytes());
    let options =
        GrepOptions { pattern: map_sites_pattern(), paths: vec![temp.path().to_path_buf()], ..GrepOptions::default() };
    let found = grep_collect(&options).expect("grep");
    let lines: Vec<u64> = found.matches.iter().map(|m| m.line).collect();
    assert_eq!(lines, vec![3, 4, 5, 8, 12, 13], "{found:#?}");
}

#[test]
fn check_counts_one_phase_in_the_singular() {
    let temp = tempfile::tempdir().expect("tempdir");
    let file = temp.path().join("one.yaml");
    let yaml = "id: one\ntitle: One\nsummary: one phase\nphases:\n  - id: only\n    title: Only\n    steps:\n      - id: read\n        title: Read\n        text: Just read.\n";
    std::fs::write(&file, yaml).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_runbook"))
        .env("XDG_STATE_HOME", temp.path())
        .env("HOME", temp.path())
        .arg("check")
        .arg(&file)
        .output()
        .expect("run check");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("ok (1 phase, 1 step)"), "{out:?}");
}

#[test]
fn a_choice_question_reads_as_markdown_without_its_backticks() {
    let yaml = tui_support::runbook(
        "      - id: pick\n        title: Pick\n        choose:\n          question: \"Which fix for the `hits` counter?\"\n          options:\n            - {id: a, label: A}\n",
    );
    let mut app = tui_support::app_from(&yaml, "/srv", runbook::tui::Theme::plain());
    let terminal = tui_support::screen(&mut app, 100, 24);
    let text = terminal.backend().to_string();
    assert!(text.contains("Which fix for the hits counter?"), "{text}");
    assert!(!text.contains('`'), "{text}");
}
