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
    Pty::spawn(pty_support::command_in(dir, &[runbook.as_os_str()]))
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

/// The last place `seq` occurs in `bytes`, if it does.
fn last(bytes: &[u8], seq: &str) -> Option<usize> {
    bytes.windows(seq.len()).rposition(|w| w == seq.as_bytes())
}

#[test]
fn every_signal_that_ends_the_screen_restores_the_terminal_and_cancels_what_runs() {
    for signal in ["INT", "QUIT", "USR1", "USR2", "ALRM", "TERM", "HUP", "VTALRM", "PROF", "XCPU", "PWR", "RTMIN+3"] {
        let dir = tempfile::tempdir().unwrap();
        let file = write_runbook(
            dir.path(),
            "  - {id: wait, title: Wait a while, mode: observe, run: {command: 'echo waiting; sleep 30'}}\n",
        );
        let mut pty = open(dir.path(), &file);
        pty.wait_for("Wait a while");
        pty.send("\r");
        pty.wait_for("Run this?");
        pty.send("\r");
        // The command runs (its output is on screen), then the signal arrives.
        pty.wait_for("running");
        pty.wait_for("waiting");
        let pid = pty.child.process_id().expect("child pid");
        let status = std::process::Command::new("kill").arg(format!("-{signal}")).arg(pid.to_string()).status();
        assert!(status.unwrap().success());
        assert_eq!(pty.wait_exit(), 130, "SIG{signal}");
        pty.assert_terminal_restored();
        pty.wait_until("the output to end with the cursor shown", |_| {
            String::from_utf8_lossy(&pty.raw.lock().unwrap()).trim_end().ends_with("\x1b[?25h")
        });
        let raw = pty.raw.lock().unwrap().clone();
        for (on, off, what) in [
            ("\x1b[?1049h", "\x1b[?1049l", "alternate screen"),
            ("\x1b[?1000h", "\x1b[?1000l", "mouse reporting"),
            ("\x1b[?2004h", "\x1b[?2004l", "bracketed paste"),
            ("\x1b[?25l", "\x1b[?25h", "hidden cursor"),
        ] {
            let (on, off) = (last(&raw, on), last(&raw, off));
            assert!(on.is_some(), "SIG{signal}: {what} was never turned on");
            assert!(off > on, "SIG{signal}: {what} left on ({on:?}, off at {off:?})");
        }
        // The command was stopped as TERM stops it: the journal records the step cancelled.
        let journal = find_journal(&dir.path().join("state"));
        let text = std::fs::read_to_string(&journal).unwrap();
        let finished = text.lines().find(|l| l.contains("\"step_finished\"")).unwrap_or_default();
        assert!(finished.contains("\"cancelled\""), "SIG{signal}: the step ended as {finished:?}");
    }
}

/// The one journal under `dir`.
fn find_journal(dir: &Path) -> PathBuf {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "jsonl") {
                return path;
            }
        }
    }
    panic!("no journal under {}", dir.display());
}

/// The binary on `runbook` in `dir`, with `editor` as $EDITOR.
fn open_with_editor(dir: &Path, runbook: &Path, editor: &Path) -> Pty {
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_runbook"));
    cmd.arg(runbook);
    cmd.cwd(dir);
    for var in ["HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"] {
        cmd.env(var, dir.join("home"));
    }
    cmd.env("TERM", "xterm-256color");
    cmd.env("EDITOR", editor);
    Pty::spawn(cmd)
}

fn kill(pty: &Pty, signal: &str) {
    let pid = pty.child.process_id().expect("child pid");
    let status = std::process::Command::new("kill").arg(format!("-{signal}")).arg(pid.to_string()).status();
    assert!(status.unwrap().success());
}

#[test]
fn a_signal_while_the_editor_owns_the_terminal_ends_runbook_after_it_with_the_terminal_restored() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cache.go"), "package cache\n\nvar prices = map[string]int{}\n").unwrap();
    let file = write_runbook(
        dir.path(),
        "  - {id: sites, title: Find map sites, grep: {pattern: 'map\\[', paths: [cache.go]}}\n",
    );
    let editor = dir.path().join("editor.sh");
    std::fs::write(&editor, "#!/bin/sh\necho EDITOR-RUNNING\nread line\necho \"read: $line\"\n").unwrap();
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let mut pty = open_with_editor(dir.path(), &file, &editor);
    pty.wait_for("Find map sites");
    pty.send("\r");
    pty.wait_for("1 match in 1 file");
    pty.send("\r");
    pty.wait_for("cache.go:3");
    pty.send("e");
    pty.wait_for("EDITOR-RUNNING");
    pty.wait_until("the editor on the main screen", |s| !s.alternate_screen());
    // The editor owns the terminal: runbook does not touch it while the editor runs, whatever arrives. SIGINT
    // and SIGQUIT are the editor's keys then (same process group), and are dropped; USR1 ends runbook after.
    kill(&pty, "INT");
    kill(&pty, "USR1");
    pty.send("done\r");
    pty.wait_for("read: done");
    assert_eq!(pty.wait_exit(), 130, "USR1 ended runbook once the editor had exited");
    pty.assert_terminal_restored();
    let raw = pty.raw.lock().unwrap().clone();
    assert!(last(&raw, "\x1b[?1049l") > last(&raw, "\x1b[?1049h"), "left the alternate screen last");
    assert!(last(&raw, "\x1b[?1000l") > last(&raw, "\x1b[?1000h"), "mouse reporting off last");
    assert!(String::from_utf8_lossy(&raw).trim_end().ends_with("\x1b[?25h"), "the cursor shown last");
}

/// A crash log of 8 goroutines of 80,000 distinct frames each (about 35 MB), in `dir`.
fn deep_frame_log(dir: &Path) -> PathBuf {
    let log = dir.join("deep.log");
    let mut text = String::from("panic: boom\n\n");
    for g in 0..8 {
        text.push_str(&format!("goroutine {} [running]:\n", g + 1));
        for i in 0..80_000 {
            text.push_str(&format!("main.f{g}_{i}(...)\n\t/app/deep/main.go:{} +0x1d\n", i + 1));
        }
        text.push('\n');
    }
    std::fs::write(&log, text).unwrap();
    log
}

#[test]
fn c_cancels_a_running_parse_of_a_deep_frame_log() {
    let dir = tempfile::tempdir().unwrap();
    let log = deep_frame_log(dir.path());
    let step = format!("  - {{id: parse, title: Parse the deep log, parse: {{file: '{}'}}}}\n", log.display());
    let file = write_runbook(dir.path(), &step);
    let mut pty = open(dir.path(), &file);
    pty.wait_for("Parse the deep log");
    pty.send("\r");
    pty.wait_for("running");
    pty.send("c");
    pty.wait_for("cancelled");
    pty.send("q");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_terminal_restored();
}

#[test]
fn a_signal_during_a_probe_step_ends_the_screen_at_once_with_the_step_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    let log = deep_frame_log(dir.path());
    for (signal, step) in [
        (
            "TERM",
            "  - {id: probe, title: Simulate forever, simulate: {program: handbook, runs: 18446744073709551615}}\n"
                .to_string(),
        ),
        (
            "INT",
            "  - {id: probe, title: Simulate forever, simulate: {program: handbook, runs: 18446744073709551615}}\n"
                .to_string(),
        ),
        ("TERM", format!("  - {{id: probe, title: Parse the deep log, parse: {{file: '{}'}}}}\n", log.display())),
        ("USR1", format!("  - {{id: probe, title: Parse the deep log, parse: {{file: '{}'}}}}\n", log.display())),
    ] {
        let run_dir = tempfile::tempdir().unwrap();
        let file = write_runbook(run_dir.path(), &step);
        let mut pty = open(run_dir.path(), &file);
        pty.wait_for("probe");
        pty.send("\r");
        pty.wait_for("running");
        kill(&pty, signal);
        assert_eq!(pty.wait_exit(), 130, "SIG{signal} during {step}");
        pty.assert_terminal_restored();
        let text = std::fs::read_to_string(find_journal(&run_dir.path().join("state"))).unwrap();
        let finished = text.lines().find(|l| l.contains("\"step_finished\"")).unwrap_or_default();
        assert!(finished.contains("\"cancelled\""), "SIG{signal} during {step}: the step ended as {finished:?}");
    }
}
