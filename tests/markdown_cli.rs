//! Markdown runbooks from the command line: `check` reads them in their own coordinates, `convert` prints YAML
//! that loads to a runbook `check` accepts with the same phases and steps, and a user's `.md` runbook is listed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message
use crate::common;

#[test]
fn convert_prints_yaml_that_check_accepts_with_the_same_steps() {
    let home = tempfile::tempdir().unwrap();
    let md = common::fixture("markdown/restart-payments.md");
    let checked = common::runbook(home.path()).arg("check").arg(&md).output().unwrap();
    assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stderr));
    let md_summary = String::from_utf8_lossy(&checked.stdout).rsplit(": ").next().unwrap().to_string();

    let converted = common::runbook(home.path()).arg("convert").arg(&md).output().unwrap();
    assert!(converted.status.success(), "{}", String::from_utf8_lossy(&converted.stderr));
    let yaml = home.path().join("restart-payments.yaml");
    std::fs::write(&yaml, &converted.stdout).unwrap();
    let checked = common::runbook(home.path()).arg("check").arg(&yaml).output().unwrap();
    assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stderr));
    let yaml_summary = String::from_utf8_lossy(&checked.stdout).rsplit(": ").next().unwrap().to_string();
    assert_eq!(md_summary, yaml_summary);
    assert!(md_summary.contains("2 phases, 3 steps"), "{md_summary}");
}

#[test]
fn a_users_markdown_runbook_is_listed() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("config/runbook/runbooks");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(common::fixture("markdown/restart-payments.md"), dir.join("restart-payments.md")).unwrap();
    let out = common::runbook(home.path()).arg("list").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("restart-payments"), "{text}");
}

/// A run step: its id, command and mode.
type RunStep = (String, String, runbook::engine::Mode);

/// Every run step's command, and every checklist's items, of a runbook file (Markdown or YAML).
fn commands_and_items(path: &std::path::Path) -> (Vec<RunStep>, Vec<Vec<String>>) {
    use runbook::engine::Action;
    let bytes = std::fs::read(path).unwrap();
    let rb = runbook::engine::load(&path.display().to_string(), &bytes).unwrap();
    let mut commands = Vec::new();
    let mut items = Vec::new();
    for step in rb.phases.iter().flat_map(|p| p.steps.iter()) {
        match &step.action {
            Some(Action::Run(run)) => commands.push((step.id.clone(), run.command.clone(), step.mode)),
            Some(Action::Checklist(list)) => items.push(list.iter().map(|i| i.text.clone()).collect()),
            _ => {}
        }
    }
    (commands, items)
}

/// Converts `md`, checks both, and returns the `check` summaries (they must agree).
fn check_both(md: &std::path::Path) -> String {
    let home = tempfile::tempdir().unwrap();
    let checked = common::runbook(home.path()).arg("check").arg(md).output().unwrap();
    assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stderr));
    assert!(checked.stderr.is_empty(), "no warnings: {}", String::from_utf8_lossy(&checked.stderr));
    let summary = String::from_utf8_lossy(&checked.stdout).rsplit(": ").next().unwrap().trim().to_string();
    let converted = common::runbook(home.path()).arg("convert").arg(md).output().unwrap();
    let yaml = home.path().join("converted.yaml");
    std::fs::write(&yaml, &converted.stdout).unwrap();
    let again = common::runbook(home.path()).arg("check").arg(&yaml).output().unwrap();
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    assert_eq!(String::from_utf8_lossy(&again.stdout).rsplit(": ").next().unwrap().trim(), summary);
    assert_eq!(commands_and_items(md), commands_and_items(&yaml), "the YAML has the same commands and items");
    summary
}

#[test]
fn a_database_runbook_keeps_sql_json_and_output_samples_out_of_the_steps() {
    use runbook::engine::Mode;
    let md = common::fixture("markdown/postgres-replica-lag.md");
    assert_eq!(check_both(&md), "ok (3 phases, 5 steps)");
    let (commands, items) = commands_and_items(&md);
    let ids: Vec<&str> = commands.iter().map(|(id, _, _)| id.as_str()).collect();
    assert_eq!(ids, ["lag", "long-tx", "cancel", "mitigate-2"]);
    // A console block: the `$ ` lines are the commands, the rest is expected output.
    let long_tx = &commands[1].1;
    assert_eq!(long_tx.lines().count(), 2, "{long_tx}");
    assert!(long_tx.lines().all(|l| l.starts_with("psql ")), "{long_tx}");
    // The SQL reference, the JSON sample and the table never run.
    for (_, command, _) in &commands {
        assert!(!command.contains("write_lag") && !command.contains("lag_seconds"), "{command}");
    }
    // Annotated modes are kept; an unannotated block asks first (change).
    let modes: Vec<Mode> = commands.iter().map(|(_, _, m)| *m).collect();
    assert_eq!(modes, [Mode::Observe, Mode::Observe, Mode::Change, Mode::Change]);
    assert_eq!(
        items,
        [vec![
            "Post the lag graph in the incident channel".to_string(),
            "File a ticket for the query that blocked replay".to_string(),
            "Check max_standby_streaming_delay against the SLO".to_string(),
        ]]
    );
}

#[test]
fn a_kubernetes_runbook_runs_its_shell_blocks_only_and_skips_excluded_ones() {
    let md = common::fixture("markdown/k8s-crashloop.md");
    assert_eq!(check_both(&md), "ok (2 phases, 5 steps)");
    let (commands, items) = commands_and_items(&md);
    let ids: Vec<&str> = commands.iter().map(|(id, _, _)| id.as_str()).collect();
    assert_eq!(ids, ["pods", "previous-logs", "describe", "rollback"], "sh, shell and bash blocks run");
    for (_, command, _) in &commands {
        assert!(!command.contains("kubectl delete pod"), "an excludeFromRunme block ran: {command}");
        assert!(!command.contains("memory: 512Mi") && !command.contains("CrashLoopBackOff   7"), "{command}");
    }
    assert_eq!(commands[3].1.lines().count(), 2, "a two-line block is one step: {}", commands[3].1);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].len(), 2);
}
