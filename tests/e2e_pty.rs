//! End to end in a pseudo-terminal: the real binary opens a runbook, the test moves to a step, runs it (Enter,
//! then Enter in the confirmation), reads the output on the screen (vt100), quits, and checks the terminal was
//! given back: main screen, no mouse reporting, no bracketed paste, and canonical mode with echo (raw mode off).
//! It polls the screen with a generous deadline instead of sleeping for fixed times.

// Helpers outside #[test] functions unwrap too: a failure there is a failed test with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::pty_support;

use portable_pty::CommandBuilder;
use pty_support::Pty;

/// The binary with `args` in a pseudo-terminal, HOME and XDG dirs in a temp dir kept alive beside it, and Go (when
/// the tests have one) on PATH, offline.
fn open(args: &[&str]) -> (Pty, tempfile::TempDir) {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_runbook"));
    cmd.args(args);
    cmd.cwd(env!("CARGO_MANIFEST_DIR"));
    cmd.env("HOME", home.path());
    cmd.env("XDG_STATE_HOME", home.path().join("state"));
    cmd.env("XDG_CACHE_HOME", home.path().join("cache"));
    cmd.env("XDG_CONFIG_HOME", home.path().join("config"));
    cmd.env("TERM", "xterm-256color");
    if let Some(go_dir) =
        std::env::var_os("RUNBOOK_GO").map(std::path::PathBuf::from).and_then(|g| g.parent().map(Into::into))
    {
        let go_dir: std::path::PathBuf = go_dir;
        let path = format!("{}:{}", go_dir.display(), std::env::var("PATH").unwrap_or_default());
        cmd.env("PATH", path);
        cmd.env("GOTOOLCHAIN", "local");
        cmd.env("GOPROXY", "off");
        cmd.env("GOCACHE", home.path().join("gocache"));
    }
    cmd.env_remove("NO_COLOR");
    (Pty::spawn(cmd), home)
}

#[test]
fn open_move_run_read_output_quit_and_restore_the_terminal() {
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/runbooks/tui.yaml");
    let (mut pty, _home) = open(&[fixture]);
    pty.wait_for("Read the crash");
    {
        let parser = pty.parser.lock().unwrap();
        assert!(parser.screen().alternate_screen(), "the UI draws on the alternate screen");
    }
    let flags = pty.local_flags();
    assert!(!flags.contains("ICANON"), "raw mode while the UI runs: {flags}");

    pty.send("j");
    pty.wait_for("2/6 hello");
    pty.send("\r");
    pty.wait_for("Run this?");
    pty.wait_for("GREETING=hi");
    pty.send("\r");
    pty.wait_for("hello-from-runbook checkout");
    pty.wait_for("second line");
    pty.wait_for("passed");

    pty.send("q");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_terminal_restored();
}

#[test]
fn the_bundled_runbook_opens_and_its_first_step_runs() {
    // No argument: the embedded go-map-concurrency runbook. Its first step wants the incident's evidence: without
    // --log it asks for it, and the crash log is pasted (bracketed paste: one event, never keys, so the `q` and
    // Enter inside it neither quit nor confirm). The next step only asks Go for its version; with Go absent it
    // fails, which the screen must show just as plainly as a pass.
    let (mut pty, _home) = open(&[]);
    pty.wait_for("Steps");
    pty.wait_for("1/");
    pty.send("\r");
    pty.wait_for("Paste the crash log");
    let log = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/incident/logs/crash-kubectl.go1.27.log"
    ))
    .unwrap();
    let lines = log.lines().count();
    pty.send(&format!("\x1b[200~{log}\x1b[201~"));
    pty.wait_for(&format!("{lines} lines pasted"));
    pty.send("\r");
    pty.wait_for("evidence in: paste");
    pty.wait_for("captured incident");
    pty.send("j");
    pty.wait_for("2/");
    pty.send("\r");
    pty.wait_for("Run this?");
    pty.send("\r");
    let verdict = pty.wait_for_any(&["✔ passed", "✘ failed", "⏱ timed out"]);
    let screen = pty.screen();
    if verdict == "✘ failed" {
        assert!(screen.contains("exit code") || screen.contains("could not start"), "{screen}");
    }
    pty.send("j");
    pty.send("?");
    pty.wait_for("Keys");
    // Esc alone: a key right after it in the same read would arrive as Alt+key.
    pty.send("\x1b");
    pty.wait_gone("Keys ·");
    pty.send("q");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_terminal_restored();
}

#[test]
fn sigterm_restores_the_terminal() {
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/runbooks/tui.yaml");
    let (mut pty, _home) = open(&[fixture]);
    pty.wait_for("Read the crash");
    let pid = pty.child.process_id().expect("child pid") as i32;
    let status = std::process::Command::new("kill").arg("-TERM").arg(pid.to_string()).status().unwrap();
    assert!(status.success());
    assert_eq!(pty.wait_exit(), 130);
    pty.assert_terminal_restored();
}

#[test]
fn the_drill_screen_runs_the_clock_and_debriefs_after_quit() {
    // `runbook drill go-map` on a terminal: the drill's runbook with the scenario and its clock in the title bar;
    // quitting ends the drill, and its checks and debrief follow on the normal screen and in the journal. Go is
    // hidden, so the checks are quick and deterministic: nothing was reproduced, nothing marked.
    let home = tempfile::tempdir().unwrap();
    let journal = home.path().join("drill.jsonl");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_runbook"));
    cmd.args(["drill", "go-map", "--journal", journal.to_str().unwrap()]);
    cmd.cwd(home.path());
    for (k, v) in [("HOME", home.path()), ("TMPDIR", home.path())] {
        cmd.env(k, v);
    }
    cmd.env("XDG_STATE_HOME", home.path().join("state"));
    cmd.env("XDG_CACHE_HOME", home.path().join("cache"));
    cmd.env("TERM", "xterm-256color");
    let path: Vec<String> = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .filter(|d| !d.join("go").exists())
        .map(|d| d.display().to_string())
        .collect();
    cmd.env("PATH", path.join(":"));
    let mut pty = Pty::spawn(cmd);
    pty.wait_for("drill go-map ⏱ 00:0");
    pty.wait_for("Run the tests under the race detector");
    pty.send("q");
    assert_eq!(pty.wait_exit(), 1, "a drill with nothing confirmed exits 1");
    pty.assert_terminal_restored();
    pty.wait_for("debrief:");
    pty.wait_for("✘ reproduced");
    let text = std::fs::read_to_string(&journal).unwrap();
    let types: Vec<String> = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["type"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(types.first().map(String::as_str), Some("session_start"));
    assert!(text.contains("\"mode\":\"drill\""), "{text}");
    assert_eq!(types.iter().filter(|t| *t == "milestone_checked").count(), 3, "{types:?}");
    assert!(types.iter().any(|t| t == "debrief"), "{types:?}");
    assert_eq!(types.last().map(String::as_str), Some("session_finished"), "{types:?}");
}

#[test]
fn the_evidence_is_fetched_by_a_command_shown_whole_and_confirmed_first() {
    // The third way in: a command that prints the log. It is shown whole, with where it runs and its mode, and
    // runs only on a second Enter; a command that fails is not taken as the evidence.
    let (mut pty, home) = open(&[]);
    let marker = home.path().join("ran-too-early");
    pty.wait_for("Steps");
    pty.send("\r");
    pty.wait_for("Paste the crash log");
    pty.send("\t\t");
    pty.wait_for("for example:");
    pty.send(&format!("touch {} && false", marker.display()));
    pty.send("\r");
    pty.wait_for("Run this?");
    assert!(!marker.exists(), "the first Enter only shows the command");
    pty.send("\r");
    pty.wait_for("printed nothing (exit 1)");
    assert!(marker.exists());
    pty.send("\x15"); // C-u
    let log = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/incident/logs/crash-kubectl.go1.27.log");
    pty.send(&format!("cat {log}"));
    pty.send("\r");
    pty.wait_for("Run this?");
    pty.send("\r");
    pty.wait_for("evidence in: $ cat");
    pty.wait_for("captured incident");
    pty.send("q");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_terminal_restored();
}
