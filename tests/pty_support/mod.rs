//! The real binary in a pseudo-terminal, its screen read with vt100: shared by the end-to-end tests. Every wait
//! polls the screen with a generous deadline instead of sleeping for fixed times.
#![allow(dead_code)] // each test file uses a different subset

use portable_pty::{native_pty_system, CommandBuilder, PtySize};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const DEADLINE: Duration = Duration::from_secs(60);

/// The binary with `args`, run in `dir` with HOME and the XDG directories there too (nothing of the machine's own
/// state is read or written), for `Pty::spawn`; a caller adds what its journey needs (an editor, Go on PATH).
pub fn command_in(dir: &std::path::Path, args: &[&std::ffi::OsStr]) -> CommandBuilder {
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_runbook"));
    cmd.args(args);
    cmd.cwd(dir);
    cmd.env("HOME", dir);
    cmd.env("XDG_STATE_HOME", dir.join("state"));
    cmd.env("XDG_CACHE_HOME", dir.join("cache"));
    cmd.env("XDG_CONFIG_HOME", dir.join("config"));
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("NO_COLOR");
    cmd
}

pub struct Pty {
    pub parser: Arc<Mutex<vt100::Parser>>,
    /// Every byte the program wrote, as written (the parser keeps only the resulting screen).
    pub raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
    master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Pty {
    /// Starts `cmd` on an 80x24 pseudo-terminal and keeps feeding its output to the screen model.
    pub fn spawn(cmd: CommandBuilder) -> Pty {
        let pair =
            native_pty_system().openpty(PtySize { rows: 24, cols: 80, pixel_width: 0, pixel_height: 0 }).unwrap();
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(24, 80, 0)));
        let mut reader = pair.master.try_clone_reader().unwrap();
        let sink = parser.clone();
        let raw = Arc::new(Mutex::new(Vec::new()));
        let raw_sink = raw.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().process(&buf[..n]);
                raw_sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        let writer = pair.master.take_writer().unwrap();
        Pty { parser, raw, writer, child, master: pair.master }
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Waits until `done` holds for the screen, failing with the screen after the deadline.
    pub fn wait_until(&self, what: &str, done: impl Fn(&vt100::Screen) -> bool) {
        let start = Instant::now();
        while !done(self.parser.lock().unwrap().screen()) {
            assert!(start.elapsed() < DEADLINE, "{what} never happened; the screen:\n{}", self.screen());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the screen shows `text`.
    pub fn wait_for(&self, text: &str) {
        self.wait_until(&format!("`{text}`"), |s| s.contents().contains(text));
    }

    /// Waits until the screen shows `text`, for up to `limit`: for steps that build with Go's race detector,
    /// which takes minutes on a cold cache and a loaded machine.
    pub fn wait_for_within(&self, text: &str, limit: Duration) {
        let start = Instant::now();
        while !self.screen().contains(text) {
            assert!(start.elapsed() < limit, "`{text}` never happened; the screen:\n{}", self.screen());
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until the screen no longer shows `text`.
    pub fn wait_gone(&self, text: &str) {
        self.wait_until(&format!("`{text}` going away"), |s| !s.contents().contains(text));
    }

    /// Waits until the screen shows one of `texts`; returns it.
    pub fn wait_for_any<'t>(&self, texts: &[&'t str]) -> &'t str {
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

    pub fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Local flags of the terminal as the kernel holds them (raw mode clears ICANON and ECHO).
    pub fn local_flags(&self) -> String {
        format!("{:?}", self.master.get_termios().expect("termios of the pty").local_flags)
    }

    pub fn wait_exit(&mut self) -> u32 {
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
    pub fn assert_terminal_restored(&self) {
        self.wait_until("the terminal restored (alternate screen, mouse and paste off)", |s| {
            !s.alternate_screen() && s.mouse_protocol_mode() == vt100::MouseProtocolMode::None && !s.bracketed_paste()
        });
        let flags = self.local_flags();
        assert!(flags.contains("ICANON") && flags.contains("ECHO"), "raw mode still on: {flags}");
    }
}
