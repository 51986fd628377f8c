//! Issue 12 (hardening), item 4: a secret var never shows in clear, wherever the runbook puts it: the `cwd` of a
//! run step and the failure reason that names it, and the error messages of parse, grep (a bad path, a bad
//! regex), blame and simulate steps. Checked on stdout (text and `--json`) and in the journal.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message
use crate::common;

const SECRET: &str = "PW_LEAK_123";

const RUNBOOK: &str = r#"id: secrets
title: Secrets in every error
vars:
  - {name: pw, secret: true}
phases:
  - id: one
    title: One
    steps:
      - id: cwd
        title: A cwd naming the secret
        mode: observe
        run:
          command: echo hi
          cwd: /nonexistent/{{pw}}
      - id: parse
        title: Parse a file naming it
        parse:
          file: /nonexistent/{{pw}}.log
      - id: grep
        title: Grep a path naming it
        grep:
          pattern: "x"
          paths: ["/nonexistent/{{pw}}"]
      - id: regex
        title: A regex holding it
        grep:
          pattern: "({{pw}}"
      - id: blame
        title: Blame a file naming it
        blame:
          file: /nonexistent/{{pw}}.go
          lines: "1"
      - id: sim
        title: Simulate a program naming it
        simulate:
          program: /nonexistent/{{pw}}.yaml
"#;

#[test]
fn a_secret_in_cwd_and_probe_errors_is_masked_on_stdout_in_json_and_in_the_journal() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("secrets.yaml");
    std::fs::write(&file, RUNBOOK).unwrap();
    let var = format!("pw={SECRET}");
    for json in [false, true] {
        let journal = home.path().join(format!("j-{json}.jsonl"));
        let mut args = vec!["run", file.to_str().unwrap(), "--headless", "--yes", "--var", &var];
        args.extend(["--journal", journal.to_str().unwrap()]);
        if json {
            args.push("--json");
        }
        let out = common::runbook(home.path()).current_dir(home.path()).args(&args).output().unwrap();
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(1), "every step fails: {stdout}{stderr}");
        assert!(!stdout.contains(SECRET) && !stderr.contains(SECRET), "the secret in clear:\n{stdout}{stderr}");
        // Each failure still says what went wrong, with the secret masked.
        for expected in [
            "/nonexistent/**** does not exist",
            "/nonexistent/****.log",
            "first: /nonexistent/****",
            "(****",
            "/nonexistent/****.go",
            "/nonexistent/****.yaml",
        ] {
            assert!(stdout.contains(expected), "missing {expected:?} in\n{stdout}");
        }
        let recorded = std::fs::read_to_string(&journal).unwrap();
        assert!(!recorded.contains(SECRET), "the journal holds the secret:\n{recorded}");
    }
}
