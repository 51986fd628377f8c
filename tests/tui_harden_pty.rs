//! The hardened TUI end to end, in a pseudo-terminal: `c` cancels a running probe step (not only a shell command),
//! every signal that ends the program gives the terminal back, and the "Run this?" dialog shows the whole command
//! before Enter can run it (issue 12 items 2, 6 and 12).

// Helpers outside #[test] functions unwrap too: a failure there is a failed test with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::pty_support;

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
