//! How fast the screen comes up (issue 17): when the first frame was drawn after the process started, and when
//! the first frame showing the incident's evidence was drawn, with when a paste of it arrived.
//!
//! Nothing is timed for the user's benefit and no test asserts a time: `RUNBOOK_FRAME_TIMES=1` prints the figures
//! to standard error once the terminal is given back, and `benches/tui-frames.sh` (part of `make bench`) reads
//! them. The clock starts when `main` calls `mark_start`, which is as early as the process can see.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

static START: OnceLock<Instant> = OnceLock::new();
static FIRST_FRAME: OnceLock<Duration> = OnceLock::new();
static PASTE_ARRIVED: OnceLock<Duration> = OnceLock::new();
static EVIDENCE_SHOWN: OnceLock<Duration> = OnceLock::new();

/// The process started: called first thing in `main`.
pub fn mark_start() {
    START.get_or_init(Instant::now);
}

fn since_start() -> Duration {
    START.get_or_init(Instant::now).elapsed()
}

/// A frame was drawn; `with_evidence` when the session's evidence was on it.
pub(crate) fn frame_drawn(with_evidence: bool) {
    FIRST_FRAME.get_or_init(since_start);
    if with_evidence {
        EVIDENCE_SHOWN.get_or_init(since_start);
    }
}

/// A paste arrived (the whole of it: crossterm hands a bracketed paste over once it is complete).
pub(crate) fn paste_arrived() {
    PASTE_ARRIVED.get_or_init(since_start);
}

/// The figures as one line, or `None` when no frame was drawn.
pub fn summary() -> Option<String> {
    let ms = |d: &Duration| format!("{:.1} ms", d.as_secs_f64() * 1e3);
    let mut line = format!("first frame {}", ms(FIRST_FRAME.get()?));
    if let Some(paste) = PASTE_ARRIVED.get() {
        line.push_str(&format!("; paste complete {}", ms(paste)));
    }
    if let Some(shown) = EVIDENCE_SHOWN.get() {
        line.push_str(&format!("; first frame with the evidence {}", ms(shown)));
        if let Some(paste) = PASTE_ARRIVED.get() {
            line.push_str(&format!(" ({} after the paste)", ms(&shown.saturating_sub(*paste))));
        }
    }
    Some(line)
}

/// Prints the summary to standard error when `RUNBOOK_FRAME_TIMES` is set.
pub fn report_if_asked() {
    if std::env::var_os("RUNBOOK_FRAME_TIMES").is_some() {
        if let Some(line) = summary() {
            eprintln!("runbook: {line}");
        }
    }
}
