//! Issue 12 (hardening), "Smaller": a UTF-8 byte order mark, a NUL byte where the OS takes a C string (written
//! in the runbook: `check` refuses it; captured at run time: the step fails saying so), and a `cwd` that is a
//! file. (A background child with closed descriptors and output durability before printing are pinned down in
//! tests/headless_lifetime.rs.)

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message
use crate::common;

use std::path::Path;

fn runbook(steps_run: &str) -> String {
    format!(
        "id: small\ntitle: Small\nphases:\n  - id: one\n    title: One\n    steps:\n      - id: s\n        title: S\n        \
         mode: observe\n        run:\n{steps_run}"
    )
}

fn run(home: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = common::runbook(home).current_dir(home).args(args).output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code(), stdout.into_owned(), stderr.into_owned())
}

#[test]
fn a_runbook_starting_with_a_utf8_bom_loads_and_runs() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("bom.yaml");
    std::fs::write(&file, format!("\u{feff}{}", runbook("          command: echo hi\n"))).unwrap();
    let file = file.to_str().unwrap();
    let (code, stdout, stderr) = run(home.path(), &["check", file]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout, format!("{file}: ok (1 phase, 1 step)\n"));
    let (code, stdout, stderr) = run(home.path(), &["run", file, "--headless", "--yes"]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("│ hi"), "{stdout}");
}

#[test]
fn a_sim_program_starting_with_a_utf8_bom_runs() {
    let home = tempfile::tempdir().unwrap();
    let program = home.path().join("prog.yaml");
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/sim/programs/handbook.yaml"));
    std::fs::write(&program, format!("\u{feff}{}", text.unwrap())).unwrap();
    let (code, stdout, stderr) =
        run(home.path(), &["sim", "--program", program.to_str().unwrap(), "--runs", "1", "--json"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.lines().count() > 1, "{stdout}");
}

#[test]
fn check_refuses_a_nul_byte_in_an_env_value_command_or_cwd() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("nul.yaml");
    let steps = "          command: \"echo \\0 hi\"\n          cwd: \"/tmp\\0x\"\n          env: {A: \"x\\0y\"}\n";
    std::fs::write(&file, runbook(steps)).unwrap();
    let (code, _, stderr) = run(home.path(), &["check", file.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{stderr}");
    for (at, field) in [("11:20", "command"), ("12:16", "cwd"), ("13:20", "env.A")] {
        let expected = format!("nul.yaml:{at}: phases[0].steps[0].run.{field}: ");
        assert!(stderr.contains(&expected), "no {expected:?} in\n{stderr}");
    }
    assert_eq!(stderr.matches("holds a NUL byte, which the operating system cannot pass on").count(), 3);
}

#[test]
fn a_cwd_that_is_a_file_is_reported_as_not_a_directory() {
    let home = tempfile::tempdir().unwrap();
    let plain = home.path().join("plain.txt");
    std::fs::write(&plain, "x").unwrap();
    let file = home.path().join("cwd.yaml");
    std::fs::write(&file, runbook(&format!("          command: echo hi\n          cwd: {}\n", plain.display())))
        .unwrap();
    let (code, stdout, _) = run(home.path(), &["run", file.to_str().unwrap(), "--headless", "--yes"]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains(&format!("working directory {} is not a directory", plain.display())), "{stdout}");
}

#[test]
fn a_captured_value_holding_nul_fails_its_step_with_a_clear_reason() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("nul.yaml");
    let yaml = r#"id: nulcap
title: NUL in a capture
phases:
  - id: one
    title: One
    steps:
      - id: produce
        title: Produce
        mode: observe
        run:
          command: "printf 'v: a\\000b\\n'"
        capture:
          - {name: v, from: output, regex: "v: (.*)"}
      - id: consume
        title: Consume
        mode: observe
        run:
          command: printf '%s' {{v}}
"#;
    std::fs::write(&file, yaml).unwrap();
    let (code, stdout, _) = run(home.path(), &["run", file.to_str().unwrap(), "--headless", "--yes"]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("✘ consume: failed"), "{stdout}");
    assert!(stdout.contains("could not start: the value passed as `RB_V` holds a NUL byte"), "{stdout}");
}
