//! Entering and leaving the terminal's UI mode, and making sure we always leave it.
//!
//! `ratatui::init`/`restore` handle raw mode and the alternate screen but not mouse capture or bracketed paste,
//! which we turn on; so this module owns all four and undoes them on every path: normal exit and errors (the
//! `Drop` guard), panics (a hook chained in front of the previous one, so the message prints after the terminal
//! is back), and signals (TERM, HUP, INT, QUIT, USR1, USR2, ALRM: the event loop turns them into
//! `Message::Terminate`, then the guard runs).

use crossterm::event::{DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::io::{self, Stdout};
use std::sync::atomic::{AtomicBool, Ordering};

pub type Tui = Terminal<CrosstermBackend<Stdout>>;

/// Set when a panic hook ran: the event loop stops drawing into a terminal that is no longer ours.
static PANICKED: AtomicBool = AtomicBool::new(false);

pub fn panicked() -> bool {
    PANICKED.load(Ordering::SeqCst)
}

/// Restores the terminal when dropped.
pub struct TerminalGuard {
    terminal: Tui,
}

impl TerminalGuard {
    pub fn terminal(&mut self) -> &mut Tui {
        &mut self.terminal
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Raw mode, alternate screen, mouse capture and bracketed paste; undone by the guard.
pub fn init() -> io::Result<TerminalGuard> {
    install_panic_hook();
    enable_raw_mode()?;
    let entered = execute!(io::stdout(), EnterAlternateScreen, EnableMouseCapture, EnableBracketedPaste);
    if let Err(e) = entered {
        restore();
        return Err(e);
    }
    match Terminal::new(CrosstermBackend::new(io::stdout())) {
        Ok(terminal) => Ok(TerminalGuard { terminal }),
        Err(e) => {
            restore();
            Err(e)
        }
    }
}

/// Undoes everything `init` did. Safe to call more than once; errors are ignored because there is nothing better
/// to do with them on the way out, and every step must be tried.
pub fn restore() {
    let _ = execute!(io::stdout(), DisableBracketedPaste, DisableMouseCapture, LeaveAlternateScreen);
    let _ = execute!(io::stdout(), crossterm::cursor::Show);
    let _ = disable_raw_mode();
}

/// Gives the terminal back for a while (an editor): leaves everything `init` entered; `resume` re-enters it.
pub fn suspend() {
    restore();
}

/// Enters the UI mode again after `suspend`, on a cleared screen (not every terminal clears the alternate screen
/// on entry, and the loop repaints every cell next).
pub fn resume() -> io::Result<()> {
    enable_raw_mode()?;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All),
        EnableMouseCapture,
        EnableBracketedPaste
    )
}

fn install_panic_hook() {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICKED.store(true, Ordering::SeqCst);
        restore();
        previous(info);
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_panic_hook_restores_then_chains_to_the_previous_hook() {
        static PREVIOUS_RAN: AtomicBool = AtomicBool::new(false);
        std::panic::set_hook(Box::new(|_| PREVIOUS_RAN.store(true, Ordering::SeqCst)));
        install_panic_hook();
        let result = std::panic::catch_unwind(|| panic!("boom"));
        let _ = std::panic::take_hook();
        assert!(result.is_err());
        assert!(panicked(), "the loop is told to stop drawing");
        assert!(PREVIOUS_RAN.load(Ordering::SeqCst), "the previous hook still prints the message");
    }
}
