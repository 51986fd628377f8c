//! End to end in a pseudo-terminal: the real binary opens a runbook, the test moves to a step, runs it (Enter,
//! then Enter in the confirmation), reads the output on the screen (vt100), quits, and checks the terminal was
//! given back: main screen, no mouse reporting, no bracketed paste, and canonical mode with echo (raw mode off).
//! It polls the screen with a generous deadline instead of sleeping for fixed times.

// Helpers outside #[test] functions unwrap too: a failure there is a failed test with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use portable_pty::{native_pty_system, CommandBuilder, PtySize};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(60);

struct Pty {
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    master: Box<dyn portable_pty::MasterPty + Send>,
    _home: tempfile::TempDir,
}

impl Pty {
    fn open(args: &[&str]) -> Pty {
        let home = tempfile::tempdir().unwrap();
        let pair =
            native_pty_system().openpty(PtySize { rows: 24, cols: 80, pixel_width: 0, pixel_height: 0 }).unwrap();
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
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(24, 80, 0)));
        let mut reader = pair.master.try_clone_reader().unwrap();
        let sink = parser.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().process(&buf[..n]);
            }
        });
        let writer = pair.master.take_writer().unwrap();
        Pty { parser, writer, child, master: pair.master, _home: home }
    }

    fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows `text`, failing with the screen after the deadline.
    fn wait_for(&self, text: &str) {
        let start = Instant::now();
        while !self.screen().contains(text) {
            assert!(start.elapsed() < DEADLINE, "`{text}` never appeared; the screen:\n{}", self.screen());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the screen shows one of `texts`; returns it.
    fn wait_for_any<'t>(&self, texts: &[&'t str]) -> &'t str {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if let Some(found) = texts.iter().find(|t| screen.contains(**t)) {
                return found;
            }
            assert!(start.elapsed() < DEADLINE, "none of {texts:?} appeared; the screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the screen no longer shows `text`.
    fn wait_gone(&self, text: &str) {
        let start = Instant::now();
        while self.screen().contains(text) {
            assert!(start.elapsed() < DEADLINE, "`{text}` never went away; the screen:\n{}", self.screen());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Local flags of the terminal as the kernel holds them (raw mode clears ICANON and ECHO).
    fn local_flags(&self) -> String {
        format!("{:?}", self.master.get_termios().expect("termios of the pty").local_flags)
    }

    fn wait_exit(&mut self) -> u32 {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.exit_code();
            }
            assert!(start.elapsed() < DEADLINE, "runbook did not exit; the screen:\n{}", self.screen());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// After the program exits: back on the main screen, mouse and paste modes off, raw mode off.
    fn assert_terminal_restored(&self) {
        let start = Instant::now();
        loop {
            let parser = self.parser.lock().unwrap();
            let screen = parser.screen();
            let restored = !screen.alternate_screen()
                && screen.mouse_protocol_mode() == vt100::MouseProtocolMode::None
                && !screen.bracketed_paste();
            drop(parser);
            if restored {
                break;
            }
            assert!(start.elapsed() < DEADLINE, "terminal not restored (alternate screen, mouse or paste still on)");
            std::thread::sleep(Duration::from_millis(50));
        }
        let flags = self.local_flags();
        assert!(flags.contains("ICANON") && flags.contains("ECHO"), "raw mode still on: {flags}");
    }
}

#[test]
fn open_move_run_read_output_quit_and_restore_the_terminal() {
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/runbooks/tui.yaml");
    let mut pty = Pty::open(&[fixture]);
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
    let mut pty = Pty::open(&[]);
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
    let mut pty = Pty::open(&[fixture]);
    pty.wait_for("Read the crash");
    let pid = pty.child.process_id().expect("child pid") as i32;
    let status = std::process::Command::new("kill").arg("-TERM").arg(pid.to_string()).status().unwrap();
    assert!(status.success());
    assert_eq!(pty.wait_exit(), 130);
    pty.assert_terminal_restored();
}
