//! All integration tests in one binary, one module per area (as ripgrep's `tests/tests.rs`): the runbook library
//! and its dependencies are linked once instead of once per file, which CI's two cores feel most. Cargo.toml
//! sets `autotests = false`, so a file in tests/ runs only when it is named here; the test at the bottom fails
//! when one is not.
//!
//! Tests share this process: state a test needs (HOME, XDG directories, a working directory) goes to the
//! commands it runs or to the calls it makes, never into the process (`std::env::set_var`, `set_current_dir`).
//! Run one area with `cargo test --test it MODULE::`, e.g. `cargo test --test it fuzz_properties::`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message

// Helpers shared by the areas.
mod alloc_support;
mod blame_support;
mod common;
mod pty_support;
mod tui_sim_support;
mod tui_support;

// The areas, each a former test binary.
mod blame_boundary;
mod blame_git_histories;
mod blame_matches_git;
mod blame_moves;
mod blame_moves_random;
mod blame_random_histories;
mod blame_worktree_cases;
mod bundled_runbook;
mod check_corpus;
mod cli_closed_stdout;
mod completions;
mod drill_go_deadlock;
mod drill_go_map;
mod e2e_pty;
mod engine;
mod failure_runbooks;
mod fuzz_properties;
mod golang_bounds;
mod golang_cli;
mod golang_crashes;
mod golang_fresh_run;
mod golang_gctrace;
mod golang_races;
mod golang_robustness;
mod golang_shipped;
mod golang_stream;
mod golang_summary;
mod grep_behaviour;
mod grep_matches_rg;
mod hardening_secrets;
mod hardening_smaller;
mod hardening_text;
mod headless;
mod headless_lifetime;
mod hostile_input;
mod incident_fixture;
mod incident_pathmap;
mod incident_session;
mod incident_tui_pty;
mod inject_property;
mod journal_crash;
mod journal_flood;
mod journal_report;
mod markdown_cli;
mod parse_json_doc;
mod session_dir;
mod short_secrets;
mod sim_cli;
mod sim_model;
mod sim_vs_go;
mod spill_cap;
mod triage_cli;
mod triage_match;
mod tui_blame_moves;
mod tui_checklist;
mod tui_confirm;
mod tui_evidence_load;
mod tui_function_blame;
mod tui_harden_pty;
mod tui_issue15;
mod tui_journal;
mod tui_keys;
mod tui_log_load;
mod tui_loop;
mod tui_pathmap;
mod tui_picking;
mod tui_polish;
mod tui_replay;
mod tui_replay_past;
mod tui_replay_results;
mod tui_repo_captures;
mod tui_resume_pty;
mod tui_secrets;
mod tui_sim_keys;
mod tui_sim_loop;
mod tui_sim_view;
mod tui_snapshots;
mod tui_vars;
mod tui_views_locate;
mod tui_views_loop;
mod tui_views_parse;
mod tui_views_pty;
mod xdiff_differential;

/// Every test file and helper directory in tests/ is a module here: with `autotests = false`, a file missing from
/// this list would compile into nothing and its tests would silently never run.
#[test]
fn every_file_in_tests_is_a_module_of_this_binary() {
    let tests = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let this = std::fs::read_to_string(tests.join("it.rs")).unwrap_or_default();
    let declared: Vec<&str> =
        this.lines().filter_map(|l| l.strip_prefix("mod ").and_then(|l| l.strip_suffix(';'))).collect();
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&tests).into_iter().flatten().flatten() {
        let path = entry.path();
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        let is_module = match path.extension() {
            Some(ext) => ext == "rs" && name != "it",
            None => path.join("mod.rs").is_file(),
        };
        if is_module && !declared.contains(&name.as_str()) {
            missing.push(name);
        }
    }
    assert!(missing.is_empty(), "tests/ holds modules that tests/it.rs does not declare: {missing:?}");
    assert!(declared.len() > 50, "only {} modules declared: is tests/it.rs read right?", declared.len());
}
