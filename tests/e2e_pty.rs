//! End to end in a pseudo-terminal: the real binary opens a runbook, the test moves to a step, runs it (Enter,
//! then Enter in the confirmation), reads the output on the screen (vt100), quits, and checks the terminal was
//! given back: main screen, no mouse reporting, no bracketed paste, and canonical mode with echo (raw mode off).
//! It polls the screen with a generous deadline instead of sleeping for fixed times.

// Helpers outside #[test] functions unwrap too: a failure there is a failed test with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod pty_support;

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
    // No argument: the embedded go-map-concurrency runbook. Its first step only asks Go for its version; with Go
    // absent it fails, which the screen must show just as plainly as a pass.
    let (mut pty, _home) = open(&[]);
    pty.wait_for("Steps");
    pty.wait_for("1/");
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
