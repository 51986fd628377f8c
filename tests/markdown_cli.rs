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
