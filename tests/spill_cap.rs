//! Bounded side files (issue 14, "Bounded side files"): a step that prints more than its cap leaves a side file of
//! the cap's size, the head and the tail of the output in order with a line saying what was dropped between them,
//! and the journal's `output_elided` says how many bytes the cap dropped. The cap comes from the step
//! (`spill_cap:`), else `--spill-cap`, else 1 GiB; a size that is not one is a load error with its position.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message
use crate::common;

use serde_json::Value;
use std::path::Path;

const MIB: u64 = 1024 * 1024;

fn runbook(dir: &Path, extra: &str) -> std::path::PathBuf {
    let path = dir.join("flood.yaml");
    let steps = format!(
        "      - id: flood\n        title: Flood\n        mode: observe\n        run:\n          command: \"seq 1 400000\"\n{extra}"
    );
    std::fs::write(&path, format!("id: flood\ntitle: Flood\nphases:\n  - id: p\n    title: P\n    steps:\n{steps}"))
        .unwrap();
    path
}

/// Runs the flood headless; returns the `output_elided` entry and the side file's text.
fn flood(home: &Path, extra: &str, flags: &[&str]) -> (Value, String) {
    let journal = home.join("j.jsonl");
    let out = common::runbook(home)
        .current_dir(home)
        .args(["run", "--headless", "--yes", "--journal"])
        .arg(&journal)
        .args(flags)
        .arg(runbook(home, extra))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&journal).unwrap();
    let elided: Value =
        text.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()).find(|r| r["type"] == "output_elided").unwrap();
    let side = std::fs::read_to_string(home.join(elided["file"].as_str().unwrap())).unwrap();
    (elided, side)
}

/// Bytes `seq 1 400000` prints.
fn printed() -> u64 {
    (1..=400_000u64).map(|n| n.to_string().len() as u64 + 1).sum()
}

#[test]
fn a_steps_own_cap_keeps_head_and_tail_and_records_what_was_dropped() {
    let home = tempfile::tempdir().unwrap();
    let (elided, side) = flood(home.path(), "          spill_cap: 1MiB\n", &[]);
    let dropped = printed() - MIB;
    assert_eq!(elided["dropped_bytes"], dropped, "{elided}");
    assert!(side.starts_with("1\n2\n3\n"), "the head is the start");
    assert!(side.ends_with("399999\n400000\n"), "the tail is the end");
    assert!(side.contains(&format!("{dropped} bytes dropped here")), "the gap says what it dropped");
    let marker = side.lines().find(|l| l.contains("bytes dropped here")).unwrap().len() as u64 + 2;
    assert_eq!(side.len() as u64, MIB + marker, "the cap plus the marker line");
    assert_eq!(elided["bytes"], side.len() as u64);
}

#[test]
fn the_command_line_cap_applies_to_steps_without_their_own() {
    let home = tempfile::tempdir().unwrap();
    let (elided, side) = flood(home.path(), "", &["--spill-cap", "2MiB"]);
    assert_eq!(elided["dropped_bytes"], printed() - 2 * MIB, "{elided}");
    assert!(side.ends_with("400000\n"));
    // The default (1 GiB) keeps all of it, and says nothing was dropped.
    let home = tempfile::tempdir().unwrap();
    let (elided, side) = flood(home.path(), "", &[]);
    assert!(elided.get("dropped_bytes").is_none(), "{elided}");
    assert_eq!(side.len() as u64, printed());
}

#[test]
fn a_cap_that_is_not_a_size_is_an_error_with_its_position() {
    let home = tempfile::tempdir().unwrap();
    let path = runbook(home.path(), "          spill_cap: lots\n");
    let out = common::runbook(home.path()).arg("check").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stdout));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("flood.yaml:12:22") && text.contains("`lots` is not a size"), "{text}");
    let bad_flag =
        common::runbook(home.path()).args(["run", "--headless", "--spill-cap", "0"]).arg(&path).output().unwrap();
    assert_eq!(bad_flag.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_flag.stderr).contains("greater than zero"));
}
