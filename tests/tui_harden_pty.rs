//! The hardened TUI end to end, in a pseudo-terminal: `c` cancels a running probe step (not only a shell command),
//! every signal that ends the program gives the terminal back, and the "Run this?" dialog shows the whole command
//! before Enter can run it (issue 12 items 2, 6 and 12).

// Helpers outside #[test] functions unwrap too: a failure there is a failed test with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod pty_support;

use portable_pty::CommandBuilder;
use pty_support::Pty;
use std::path::{Path, PathBuf};

/// A runbook with `steps` (YAML list items, indented by two) in `dir`.
fn write_runbook(dir: &Path, steps: &str) -> PathBuf {
    let file = dir.join("rb.yaml");
    std::fs::write(&file, format!("id: harden\ntitle: Harden\nphases:\n- id: p\n  title: P\n  steps:\n{steps}"))
        .unwrap();
    file
}

/// The binary on `runbook` in a pseudo-terminal, in `dir` (HOME and XDG dirs there too).
fn open(dir: &Path, runbook: &Path) -> Pty {
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_runbook"));
    cmd.arg(runbook);
    cmd.cwd(dir);
    cmd.env("HOME", dir);
    cmd.env("XDG_STATE_HOME", dir.join("state"));
    cmd.env("XDG_CACHE_HOME", dir.join("cache"));
    cmd.env("XDG_CONFIG_HOME", dir.join("config"));
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("NO_COLOR");
    Pty::spawn(cmd)
}

#[test]
fn c_cancels_a_running_simulate_step_of_2_pow_64_runs() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_runbook(
        dir.path(),
        "  - {id: sim, title: Simulate forever, simulate: {program: handbook, runs: 18446744073709551615}}\n",
    );
    let mut pty = open(dir.path(), &file);
    pty.wait_for("Simulate forever");
    pty.send("\r");
    pty.wait_for("running");
    pty.send("c");
    pty.wait_for("cancelled");
    pty.send("q");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_terminal_restored();
}

/// A step whose command is `lines` lines of `echo`, then `echo ran >> MARK` (appending, so a second run shows).
fn long_command_step(lines: usize) -> String {
    let mut step =
        String::from("  - id: long\n    title: Long command\n    mode: observe\n    run:\n      command: |\n");
    for i in 1..lines {
        step.push_str(&format!("        echo line {i}\n"));
    }
    step.push_str("        echo ran >> MARK\n");
    step
}

#[test]
fn a_200_line_command_runs_only_after_enter_has_shown_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_runbook(dir.path(), &long_command_step(200));
    let mut pty = open(dir.path(), &file);
    pty.wait_for("Long command");
    pty.send("\r");
    pty.wait_for("Run this?");
    pty.wait_for("more lines");
    for field in ["in  ", "env  (nothing added)", "mode  observe", "limit  "] {
        pty.wait_for(field);
    }
    // `y` is not "yes": the `j` after it still scrolls the dialog, so the dialog was still open.
    pty.send("y");
    pty.send("j");
    pty.wait_for("↑ 1 above");
    // Enter pages through the command; the tail is not run before it has been on screen.
    let mut enters = 0;
    while !pty.screen().contains("echo ran >> MARK") {
        assert!(pty.screen().contains("Run this?"), "the dialog closed before the end was shown:\n{}", pty.screen());
        let before = pty.screen();
        pty.send("\r");
        enters += 1;
        pty.wait_until("Enter to show the next page", |s| s.contents() != before);
        assert!(enters < 50, "Enter never reached the end");
    }
    assert!(enters >= 2, "a 200-line command takes pages at 80x24 (took {enters} Enters)");
    assert!(!dir.path().join("MARK").exists(), "ran before the end was shown");
    pty.wait_for("Enter runs it");
    for field in ["in  ", "mode  observe", "limit  "] {
        pty.wait_for(field);
    }
    pty.send("\r");
    pty.wait_for("passed");
    assert_eq!(std::fs::read_to_string(dir.path().join("MARK")).unwrap(), "ran\n", "ran exactly once");
    pty.send("q");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_terminal_restored();
}

#[test]
fn the_hidden_tails_of_issue_12_are_on_screen_when_the_dialog_opens() {
    let newlines = "\\n".repeat(61);
    let spaces = " ".repeat(3000);
    for (command, shown) in [
        (format!("echo harmless{newlines}touch MARK"), "␤×60 empty lines"),
        (format!("echo harmless{spaces}; touch MARK"), "harmless␠×3000; touch MARK"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let step =
            format!("  - id: s\n    title: Harmless\n    mode: observe\n    run:\n      command: \"{command}\"\n");
        let file = write_runbook(dir.path(), &step);
        let mut pty = open(dir.path(), &file);
        pty.wait_for("Harmless");
        pty.send("\r");
        pty.wait_for("Run this?");
        pty.wait_for(shown);
        pty.wait_for("touch MARK");
        pty.wait_for("Enter runs it");
        pty.send("y");
        pty.send("\x1b");
        pty.wait_for("not run");
        assert!(!dir.path().join("MARK").exists(), "y or Esc ran it");
        pty.send("q");
        assert_eq!(pty.wait_exit(), 0);
        pty.assert_terminal_restored();
    }
}
