//! What the event loop needs from the real terminal beyond drawing: handing it to `$EDITOR` and taking it back,
//! and the clipboard (OSC 52). A trait, so tests run the loop on a `TestBackend` with a host that records what
//! it was asked instead of starting vi.
//!
//! Handing the terminal over (ARCHITECTURE.md pitfall): the loop first drops its crossterm `EventStream` (its
//! reader thread would otherwise steal the editor's keys), then the host leaves raw mode, the alternate screen,
//! mouse capture and bracketed paste, runs the editor to completion, and enters them again; the loop then makes a
//! fresh event stream and redraws the whole screen.

use super::terminal;
use base64::Engine;
use crossterm::event::Event;
use futures::stream::LocalBoxStream;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub type Events = LocalBoxStream<'static, std::io::Result<Event>>;

pub trait Host {
    /// True when the host takes the terminal away from the loop (the loop must drop its event stream first).
    fn owns_terminal(&self) -> bool;
    /// A new stream of terminal events, after the editor gave the terminal back.
    fn events(&mut self) -> Option<Events>;
    /// Runs the editor at `line` of `path` and returns when it exits.
    fn run_editor(&mut self, path: &Path, line: usize) -> Result<(), String>;
    /// Puts `text` on the clipboard.
    fn copy(&mut self, text: &str) -> Result<(), String>;
}

/// No terminal (tests, and the loop's plain `run`): nothing to hand over.
pub struct Headless;

impl Host for Headless {
    fn owns_terminal(&self) -> bool {
        false
    }
    fn events(&mut self) -> Option<Events> {
        None
    }
    fn run_editor(&mut self, _: &Path, _: usize) -> Result<(), String> {
        Err("no terminal to hand to an editor".into())
    }
    fn copy(&mut self, _: &str) -> Result<(), String> {
        Err("no terminal to copy through".into())
    }
}

/// The real terminal.
#[derive(Default)]
pub struct TerminalHost;

/// Set while `$EDITOR` runs: the editor owns the terminal, so SIGINT and SIGQUIT then come from its keys
/// (Ctrl-C, Ctrl-\ in our shared process group), not from someone ending runbook. `tui::signals` drops them.
static EDITOR_OPEN: AtomicBool = AtomicBool::new(false);
/// When the last editor exited (ms since `CLOCK_START`; 0: never), for the signal its key sent as it exited.
static EDITOR_CLOSED_MS: AtomicU64 = AtomicU64::new(0);
static CLOCK_START: OnceLock<Instant> = OnceLock::new();
/// A Ctrl-C that ends the editor reaches runbook at the same moment; the task that reads the signal may see it
/// only after the editor has been waited for. Signals this close after the editor exited count as its keys.
const AFTER_EDITOR: Duration = Duration::from_millis(300);

/// True while the editor runs, and shortly after it exited.
pub fn editor_open() -> bool {
    if EDITOR_OPEN.load(Ordering::SeqCst) {
        return true;
    }
    let closed = EDITOR_CLOSED_MS.load(Ordering::SeqCst);
    closed > 0 && now_ms() < closed + AFTER_EDITOR.as_millis() as u64
}

fn now_ms() -> u64 {
    CLOCK_START.get_or_init(Instant::now).elapsed().as_millis() as u64 + 1
}

impl Host for TerminalHost {
    fn owns_terminal(&self) -> bool {
        true
    }

    fn events(&mut self) -> Option<Events> {
        use futures::StreamExt;
        Some(crossterm::event::EventStream::new().boxed_local())
    }

    fn run_editor(&mut self, path: &Path, line: usize) -> Result<(), String> {
        let (program, args) = editor_command(std::env::var("EDITOR").ok().as_deref(), path, line);
        terminal::suspend();
        let mut command = std::process::Command::new(program);
        command.args(&args);
        // `kubectl logs … | runbook --log -`: stdin was the log, so the editor reads the terminal device.
        if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
            if let Ok(tty) = std::fs::File::open("/dev/tty") {
                command.stdin(tty);
            }
        }
        // The editor runs in our process group with the terminal in cooked mode, so a Ctrl-C typed in it (vi
        // uses it to cancel) is sent to runbook as well. runbook catches SIGINT and SIGQUIT all along (a caught
        // signal is reset to the default in a child, so the editor keeps its own handling) and ignores them while
        // the editor runs, as git does around its editor; other signals end runbook once the editor has exited
        // and the terminal is back in UI mode, so the usual restore leaves it as it was.
        EDITOR_OPEN.store(true, Ordering::SeqCst);
        let status = command.spawn().and_then(|mut child| child.wait());
        EDITOR_CLOSED_MS.store(now_ms(), Ordering::SeqCst);
        EDITOR_OPEN.store(false, Ordering::SeqCst);
        let resumed = terminal::resume();
        let status = status.map_err(|e| format!("cannot start the editor: {e}"))?;
        resumed.map_err(|e| format!("terminal: {e}"))?;
        match status.success() {
            true => Ok(()),
            false => Err(format!("the editor exited with {status}")),
        }
    }

    fn copy(&mut self, text: &str) -> Result<(), String> {
        write_osc52(&mut std::io::stdout(), text).map_err(|e| e.to_string())
    }
}

/// `$EDITOR +LINE FILE` through `sh`, so an `EDITOR` with arguments (`code -w`) works; `vi` when unset or empty.
pub fn editor_command(editor: Option<&str>, path: &Path, line: usize) -> (String, Vec<String>) {
    let editor = editor.map(str::trim).filter(|e| !e.is_empty()).unwrap_or("vi");
    let script = format!("{editor} \"$@\"");
    let args = vec!["-c".into(), script, "runbook-editor".into(), format!("+{line}"), path.display().to_string()];
    ("/bin/sh".into(), args)
}

/// Writes the OSC 52 sequence for `text` to the terminal (`out`: stdout, the terminal ratatui draws on, but
/// outside its buffer, so the next frame does not overwrite or show it) and flushes it.
pub fn write_osc52(out: &mut impl Write, text: &str) -> std::io::Result<()> {
    out.write_all(osc52(text).as_bytes())?;
    out.flush()
}

/// The escape sequence that asks the terminal to put `text` on the system clipboard (works over ssh and tmux
/// with `set-clipboard on`; terminals that do not support it ignore it).
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64::engine::general_purpose::STANDARD.encode(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_defaults_to_vi_and_keeps_its_arguments() {
        let (program, args) = editor_command(None, Path::new("a b.go"), 12);
        assert_eq!(program, "/bin/sh");
        assert_eq!(args, ["-c", "vi \"$@\"", "runbook-editor", "+12", "a b.go"]);
        let (_, args) = editor_command(Some("code -w"), Path::new("x.go"), 3);
        assert_eq!(args[1], "code -w \"$@\"");
    }

    #[test]
    fn osc52_wraps_base64() {
        assert_eq!(osc52("main.go:12"), "\x1b]52;c;bWFpbi5nbzoxMg==\x07");
    }
}
