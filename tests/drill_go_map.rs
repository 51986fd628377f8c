//! `runbook drill go-map --headless`, end to end: with a real Go toolchain every milestone is checked for real
//! (the race report in the output, the marked line against the scenario's answer, `go test -race` clean after the
//! fix), and with Go hidden the drill says plainly what it could not check. Either way the debrief lands in the
//! journal and `runbook report` renders it, blamelessly unless asked for authors.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message
use crate::common;

use serde_json::Value;
use std::path::{Path, PathBuf};

fn drill(home: &Path, path_env: &str, gocache: &Path, extra: &[&str]) -> (Option<i32>, String, PathBuf) {
    let journal = home.join("drill.jsonl");
    let mut cmd = common::runbook(home);
    cmd.env("PATH", path_env).env("TMPDIR", home).env("GOCACHE", gocache).current_dir(home);
    cmd.args(["drill", "go-map", "--headless", "--journal", journal.to_str().unwrap()]).args(extra);
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"), "{}", String::from_utf8_lossy(&out.stderr));
    (out.status.code(), stdout, journal)
}

/// The drill's scenario directories left in `home` (its TMPDIR).
fn scenario_dirs(home: &Path) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(home).unwrap().map(|e| e.unwrap().path());
    entries.filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("runbook-drill-")).collect()
}

fn report(home: &Path, journal: &Path, extra: &[&str]) -> String {
    let out = common::runbook(home).arg("report").arg(journal).args(extra).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn records(journal: &Path) -> Vec<Value> {
    std::fs::read_to_string(journal).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// The racy line of the bundled scenario (found, not hard-coded, so editing the service keeps the test honest).
fn racy_line() -> String {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/drills/go-map/handlers.go"))
        .unwrap();
    let n = text.lines().position(|l| l.contains("s.hits[code]++")).unwrap() + 1;
    format!("handlers.go:{n}")
}

#[test]
fn drill_with_go_checks_every_milestone_for_real() {
    let Some(go) = common::tool("RUNBOOK_GO", "go") else { return };
    let home = tempfile::tempdir().unwrap();
    // The race runtime takes a minute to build from a cold cache: share one across runs.
    let gocache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("drill-gocache");
    let path_env = format!("{}:{}", go.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    let mark = racy_line();
    let (code, stdout, journal) =
        drill(home.path(), &path_env, &gocache, &["--answer", "fix_choice=rwmutex", "--mark", &mark]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("✔ reproduced"), "{stdout}");
    assert!(stdout.contains("✔ located at +"), "{stdout}");
    assert!(stdout.contains("✔ fixed"), "{stdout}");
    assert!(stdout.contains("target 2 min 00 s: met"), "{stdout}");
    // The scenario directory is gone after the drill; the journal has what the report needs.
    assert!(stdout.contains("scenario directory removed"), "{stdout}");
    assert_eq!(scenario_dirs(home.path()), Vec::<PathBuf>::new());

    let recs = records(&journal);
    assert_eq!(recs[0]["type"], "session_start");
    assert_eq!(recs[0]["drill"], "go-map");
    assert_eq!(recs.last().unwrap()["type"], "session_finished");
    let checked: Vec<&Value> = recs.iter().filter(|r| r["type"] == "milestone_checked").collect();
    assert_eq!(checked.len(), 3);
    assert!(checked.iter().all(|c| c["ok"] == true && c["by"] == "drill"), "{checked:#?}");
    assert!(recs.iter().any(|r| r["type"] == "debrief"));

    let md = report(home.path(), &journal, &[]);
    assert!(md.contains("## Drill debrief"), "{md}");
    assert!(md.contains("\"stats: count redirects per link\""), "{md}");
    assert!(md.contains(&format!("- Where: `{mark}`")), "{md}");
    assert!(md.contains("Fix chosen: **sync.RWMutex around the map**"), "{md}");
    assert!(!md.contains("Carol"), "blameless by default:\n{md}");
    let with_authors = report(home.path(), &journal, &["--with-authors"]);
    assert!(with_authors.contains("by Carol Nguyen"), "{with_authors}");
}

#[test]
fn drill_without_go_says_what_it_could_not_check() {
    let home = tempfile::tempdir().unwrap();
    // PATH without any directory that holds a `go`.
    let path_env: Vec<String> = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .filter(|d| !d.join("go").exists())
        .map(|d| d.display().to_string())
        .collect();
    let (code, stdout, journal) = drill(
        home.path(),
        &path_env.join(":"),
        &home.path().join("gocache"),
        &["--answer", "fix_choice=mutex", "--mark", "store.go:3", "--keep"],
    );
    // --keep keeps the scenario for a look around.
    assert!(stdout.contains("scenario kept in "), "{stdout}");
    assert_eq!(scenario_dirs(home.path()).len(), 1, "{stdout}");
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("✘ reproduced"), "{stdout}");
    assert!(stdout.contains(&format!("but the racy line is {}", racy_line())), "{stdout}");
    // The simulator stands in for `go test -race`: the chosen pattern neither crashes nor races.
    assert!(stdout.contains("✔ fixed"), "{stdout}");
    assert!(stdout.contains("fixed-mutex crashed 0 times and raced 0 times"), "{stdout}");
    let recs = records(&journal);
    assert!(recs.iter().any(|r| r["type"] == "debrief"));
    assert_eq!(recs.last().unwrap()["type"], "session_finished");
    let md = report(home.path(), &journal, &[]);
    assert!(md.contains("| fixed | ✔ |"), "{md}");
    assert!(md.contains("| locate (from the reproduction) | within 2 min 00 s | not reached | no |"), "{md}");
}

#[test]
fn unknown_drill_and_bad_mark_are_usage_errors() {
    let home = tempfile::tempdir().unwrap();
    let out = common::runbook(home.path()).args(["drill", "nope", "--headless"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("drills: go-map"));
    let out = common::runbook(home.path()).args(["drill", "go-map", "--headless", "--mark", "x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    // Without --headless the drill is a screen: piped, it says how to run it instead (e2e_pty drives the screen).
    let out = common::runbook(home.path()).args(["drill", "go-map"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a terminal: run `runbook drill go-map --headless`"));
}
