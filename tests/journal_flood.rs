//! A flood of output stays bounded in the journal: the first and last 512 KiB of the step are kept (what the
//! engine keeps, so resume recomputes the same captures), and the complete output is in a side file named, with
//! its SHA-256, by an `output_elided` entry.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message
use crate::common;

use serde_json::Value;
use sha2::{Digest, Sha256};

#[test]
fn flood_is_bounded_in_the_journal_and_complete_in_the_side_file() {
    let home = tempfile::tempdir().unwrap();
    let file = common::fixture("runbooks/flood.yaml");
    let journal = home.path().join("flood.jsonl");
    let out = common::runbook(home.path())
        .args(["run", file.to_str().unwrap(), "--headless", "--yes", "--journal", journal.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let size = std::fs::metadata(&journal).unwrap().len();
    assert!(size < 4 * 1024 * 1024, "journal of {size} bytes for 100 MB of output");
    let records: Vec<Value> =
        std::fs::read_to_string(&journal).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let outputs: Vec<&str> =
        records.iter().filter(|r| r["type"] == "output").map(|r| r["line"].as_str().unwrap()).collect();
    assert_eq!(outputs.first(), Some(&"FIRST-LINE"));
    assert_eq!(outputs.last(), Some(&"LAST-LINE"));
    let elided = records.iter().find(|r| r["type"] == "output_elided").unwrap();
    // Named relative to the journal's directory (a session directory can be copied).
    let side = journal.parent().unwrap().join(elided["file"].as_str().unwrap());
    let bytes = std::fs::read(side).unwrap();
    assert_eq!(bytes.len() as u64, elided["bytes"].as_u64().unwrap());
    assert!(bytes.len() > 90_000_000, "{} bytes", bytes.len());
    let sha: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(elided["sha256"], sha.as_str());
    assert_eq!(outputs.len() as u64 + elided["lines"].as_u64().unwrap(), 1_000_002);
    // The elided entry sits between the head and the tail; the step's finish comes after the tail.
    let pos = |pred: &dyn Fn(&Value) -> bool| records.iter().position(pred).unwrap();
    let elided_at = pos(&|r| r["type"] == "output_elided");
    assert!(elided_at < pos(&|r| r["line"] == "LAST-LINE"));
    assert!(pos(&|r| r["line"] == "LAST-LINE") < pos(&|r| r["type"] == "step_finished"));
    let report = common::runbook(home.path()).arg("report").arg(&journal).output().unwrap();
    assert!(String::from_utf8_lossy(&report.stdout).contains("output line(s) kept in the side file"));
}
