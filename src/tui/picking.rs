//! The screen while `runbook --log …` without a runbook reads the evidence to pick the runbook for it.
//!
//! Triage has to read the whole log before it knows which runbook to open: about 2 s for 100 MB (issue 17). Until
//! now the terminal showed nothing for that long. This screen is up at once instead: what is being read and how
//! big it is, the time so far, and `q` to stop. When the pick is in, the terminal stays in its UI mode and is
//! handed to the session's screen (`Picked::Done` carries it), so the shell never shows between the two. A stop
//! or a signal gives the terminal back before anything else is printed.

use super::terminal::{self, TerminalGuard};
use super::Theme;
use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers};
use futures::StreamExt;
use ratatui::layout::{Alignment, Constraint, Flex, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;
use std::time::{Duration, Instant};

/// How the pick ended.
pub enum Picked<T> {
    /// The work's result, and the terminal, still in its UI mode, for the next screen.
    Done(T, TerminalGuard),
    /// The engineer stopped it (`q`, Esc, Ctrl-C): the terminal is back.
    Stopped,
    /// A signal ended it: the terminal is back; the exit code is 130 as for the session's screen.
    Signalled,
    /// The terminal could not be set up (the message), or the work panicked.
    Failed(String),
}

/// The screen's one frame: `what` is being read (its name and size), for `elapsed` so far.
pub fn draw(frame: &mut Frame, what: &str, elapsed: Duration, theme: &Theme) {
    let lines = vec![
        Line::from(Span::styled("Reading the evidence to pick its runbook…", theme.bold())),
        Line::from(""),
        Line::from(what.to_string()),
        Line::from(Span::styled(format!("{:.1} s", elapsed.as_secs_f64()), theme.muted())),
        Line::from(""),
        Line::from(vec![Span::styled("q", theme.key()), Span::raw(" stop")]),
    ];
    let width = lines.iter().map(Line::width).max().unwrap_or(0) as u16 + 4;
    let height = lines.len() as u16 + 2;
    let [row] = Layout::vertical([Constraint::Length(height)]).flex(Flex::Center).areas(frame.area());
    let [area] = Layout::horizontal([Constraint::Length(width)]).flex(Flex::Center).areas(row);
    let block = Block::default().borders(Borders::ALL).border_style(theme.border(true)).title(" runbook ");
    frame.render_widget(Paragraph::new(lines).alignment(Alignment::Center).block(block), area);
}

/// Whether `event` asks to stop: `q`, Esc or Ctrl-C, as the session's screen quits.
fn stops(event: &Event) -> bool {
    let Event::Key(key) = event else { return false };
    key.kind != KeyEventKind::Release
        && (matches!(key.code, KeyCode::Char('q') | KeyCode::Esc)
            || (key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL)))
}

/// Runs `work` on another thread with this screen up until it is done, `q` is pressed or a signal comes.
pub fn pick_on_screen<T: Send + 'static>(what: String, work: impl FnOnce() -> T + Send + 'static) -> Picked<T> {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return Picked::Failed(format!("cannot start the async runtime: {e}")),
    };
    let theme = Theme::from_env();
    let started = Instant::now();
    let picked = runtime.block_on(async {
        // Caught before the terminal changes, as on the session's screen.
        let mut signals = super::signals();
        let mut guard = match terminal::init() {
            Ok(guard) => guard,
            Err(e) => return Picked::Failed(format!("cannot set up the terminal: {e}")),
        };
        let mut events = crossterm::event::EventStream::new();
        let mut job = tokio::task::spawn_blocking(work);
        let mut tick = tokio::time::interval(Duration::from_millis(100));
        loop {
            let drawn = guard.terminal().draw(|frame| draw(frame, &what, started.elapsed(), &theme));
            if let Err(e) = drawn {
                return Picked::Failed(format!("cannot draw: {e}"));
            }
            super::frame_timing::frame_drawn(false);
            tokio::select! {
                done = &mut job => return match done {
                    Ok(value) => Picked::Done(value, guard),
                    Err(e) => Picked::Failed(format!("picking the runbook failed: {e}")),
                },
                event = events.next() => match event {
                    Some(Ok(event)) if stops(&event) => return Picked::Stopped,
                    // The terminal went away: nothing to show the session on.
                    None | Some(Err(_)) => return Picked::Stopped,
                    Some(Ok(_)) => {}
                },
                _ = signals.next() => return Picked::Signalled,
                _ = tick.tick() => {}
            }
        }
    });
    // A stopped pick's thread is left to end with the process, not waited for.
    runtime.shutdown_background();
    picked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEvent;

    #[test]
    fn q_esc_and_ctrl_c_stop_and_other_keys_do_not() {
        let key = |code, modifiers| Event::Key(KeyEvent::new(code, modifiers));
        assert!(stops(&key(KeyCode::Char('q'), KeyModifiers::NONE)));
        assert!(stops(&key(KeyCode::Esc, KeyModifiers::NONE)));
        assert!(stops(&key(KeyCode::Char('c'), KeyModifiers::CONTROL)));
        assert!(!stops(&key(KeyCode::Char('c'), KeyModifiers::NONE)));
        assert!(!stops(&key(KeyCode::Enter, KeyModifiers::NONE)));
        assert!(!stops(&Event::FocusGained));
    }
}
