//! `runbook check` on the corpus of bad files in tests/fixtures/bad: each must exit 2 with the messages in its
//! `.expected` file (each expected line appears at the start of a line of output), and never panic.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message
use crate::common;

use std::fs;

#[test]
fn every_bad_file_gives_its_expected_messages_and_exit_2() {
    let dir = common::fixture("bad");
    let home = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let expected = fs::read_to_string(path.with_extension("expected"))
            .unwrap_or_else(|_| panic!("{name} has no .expected file"));
        let out = common::runbook(home.path()).current_dir(&dir).args(["check", &name]).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name} panicked: {stderr}");
        for line in expected.lines().filter(|l| !l.is_empty()) {
            let want = line.trim();
            let found = stderr.lines().any(|l| l.starts_with(want) || l.contains(want));
            assert!(found, "{name}: expected `{want}` in:\n{stderr}");
        }
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} bad files found");
}

#[test]
fn many_problems_are_all_reported_in_file_order() {
    let home = tempfile::tempdir().unwrap();
    let dir = common::fixture("bad");
    let out = common::runbook(home.path()).current_dir(&dir).args(["check", "many-problems.yaml"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<(usize, usize)> = stderr
        .lines()
        .filter_map(|l| {
            let mut parts = l.splitn(4, ':');
            parts.next()?;
            Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
        })
        .collect();
    assert_eq!(lines.len(), 17, "{stderr}");
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted);
    assert!(stderr.ends_with("many-problems.yaml: 17 problems\n"), "{stderr}");
}

#[test]
fn random_garbage_never_panics() {
    // A deterministic sweep of malformed inputs built from fragments of real runbook syntax.
    let fragments = [
        "id: x\n",
        "title: t\n",
        "phases:\n",
        "  - id: p\n",
        "    steps:\n",
        "      - id: s\n",
        "        run: {command: \"{{\"}\n",
        "*a\n",
        "&a [1]\n",
        "{{x}}\n",
        "- \n",
        ": :\n",
        "\t\n",
        "'\n",
        "\"\n",
        "[\n",
        "}\n",
        "? x\n",
        "!!binary x\n",
        "---\n",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..3000 {
        let mut doc = String::new();
        for _ in 0..8 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            doc.push_str(fragments[(state % fragments.len() as u64) as usize]);
        }
        let _ = runbook::engine::load("fuzz.yaml", doc.as_bytes());
    }
}

#[test]
fn schema_names_every_step_key_the_loader_knows() {
    let schema = runbook::cli::schema::schema();
    let step = &schema["properties"]["phases"]["items"]["properties"]["steps"]["items"]["properties"];
    for key in ["id", "title", "text", "mode", "milestone", "capture"]
        .iter()
        .chain(runbook::engine::actions::ACTION_KEYS.iter())
    {
        assert!(step.get(*key).is_some(), "schema lacks step key {key}");
    }
}

#[test]
fn check_warns_about_an_observe_step_that_writes_and_still_passes() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("writes.yaml");
    std::fs::write(
        &path,
        "id: w\ntitle: W\nphases:\n  - id: p\n    title: P\n    steps:\n      - id: save\n        title: Save\n        \
         mode: observe\n        run:\n          command: go test -race ./... 2>&1 | tee race.log\n",
    )
    .unwrap();
    let out = crate::common::runbook(home.path()).arg("check").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "a warning is not a failure");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("writes.yaml:7:9: phases[0].steps[0].run.command: warning: step `save` is `observe`"),
        "{stderr}"
    );
    assert!(stderr.contains("runs `tee` into a file"), "{stderr}");
}
