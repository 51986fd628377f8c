//! The event loop: turns terminal events, background messages, the clock and signals into actions, applies them
//! with `update`, carries out the jobs `update` queued, and draws at a capped rate.
//!
//! Generic over the input stream and the backend, so tests feed keys from a vector into a `TestBackend` and run
//! until idle (the input has ended and nothing is running). The UI never waits on work: commands run in tasks that
//! send batches of lines over a bounded channel; the loop drains what has arrived, then draws at most once per
//! frame, so a command printing 100k lines cannot starve keys or scrolling.

use super::action::{Action, Intent, Message, OutputLine, ViewAnswer};
use super::app::App;
use super::host::{Headless, Host};
use super::jobs::{self, HostJob, Job};
use super::keymap;
use super::terminal;
use super::view;
use crate::engine::{Input, ProbeRequest, ProcessEnd, Value};
use crate::probes::output::execute_typed_with;
use crate::probes::shell::{self, ShellMsg};
use crossterm::event::{Event, MouseEventKind};
use futures::{Stream, StreamExt};
use ratatui::backend::Backend;
use ratatui::Terminal;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Shortest time between two frames (about 30 per second).
const FRAME: Duration = Duration::from_millis(33);
/// Spinner and elapsed-time refresh.
const TICK: Duration = Duration::from_millis(100);
/// Lines per message from a command, and messages applied before the screen gets a chance to redraw.
const LINES_PER_BATCH: usize = 512;
const MESSAGES_PER_FRAME: usize = 64;
/// How long quitting waits for cancelled commands to stop (their grace period, then SIGKILL, is in `shell`).
const QUIT_WAIT: Duration = Duration::from_secs(8);

#[derive(Debug, thiserror::Error)]
pub enum LoopError {
    #[error("terminal: {0}")]
    Terminal(String),
    #[error("a panic left the terminal")]
    Panicked,
}

/// Runs until the user quits, a signal arrives, or (for tests) the input ends and nothing is running. No terminal
/// to hand over: `e` and `y` only say so.
pub async fn run<B, E, S>(terminal: &mut Terminal<B>, app: &mut App, events: E, signals: S) -> Result<(), LoopError>
where
    B: Backend,
    E: Stream<Item = std::io::Result<Event>> + Unpin,
    S: Stream<Item = ()> + Unpin,
{
    run_hosted(terminal, app, events, signals, &mut Headless).await
}

/// `run` with a host that can hand the terminal to an editor and reach the clipboard.
pub async fn run_hosted<B, E, S, H>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    events: E,
    mut signals: S,
    host: &mut H,
) -> Result<(), LoopError>
where
    B: Backend,
    E: Stream<Item = std::io::Result<Event>> + Unpin,
    S: Stream<Item = ()> + Unpin,
    H: Host,
{
    // The first stream, then (after an editor took the terminal) a fresh one from the host.
    let mut events = TermInput { original: Some(events), fresh: None };
    let (tx, mut rx) = mpsc::channel::<Action>(256);
    let mut workers = Workers { tx, cancels: BTreeMap::new(), view_jobs: 0, handoffs: Vec::new() };
    let started = Instant::now();
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let size = terminal.size().map_err(|e| LoopError::Terminal(e.to_string()))?;
    dispatch(app, &mut workers, Message::Resize { width: size.width, height: size.height }.into());
    let mut input_done = false;
    let mut signals_done = false;
    let mut dirty = true;
    let mut last_draw: Option<Instant> = None;
    let mut quit_deadline: Option<Instant> = None;
    loop {
        if terminal::panicked() {
            return Err(LoopError::Panicked);
        }
        if app.should_quit() {
            let deadline = *quit_deadline.get_or_insert_with(|| Instant::now() + QUIT_WAIT);
            // A `--log` still being stored is waited for: `--log -` read standard input, which cannot be read again.
            // So are the repositories' states still being captured for the journal.
            let settled = workers.cancels.is_empty() && app.evidence_loading.is_none() && !app.repo_captures_pending();
            if settled || Instant::now() >= deadline {
                break;
            }
        }
        if input_done && workers.cancels.is_empty() && workers.view_jobs == 0 && !app.is_busy() && !app.is_playing() {
            break;
        }
        for job in std::mem::take(&mut workers.handoffs) {
            hand_off(terminal, app, &mut workers, &mut events, host, job)?;
            dirty = true;
        }
        let frame_due = last_draw.map(|t| t + FRAME).unwrap_or_else(Instant::now);
        if dirty && Instant::now() >= frame_due {
            app.sync_shown_output();
            terminal.draw(|f| view::draw(app, f)).map_err(|e| LoopError::Terminal(e.to_string()))?;
            super::frame_timing::frame_drawn(app.session.has_evidence());
            dirty = false;
            last_draw = Some(Instant::now());
        }
        tokio::select! {
            biased;
            event = events.next(), if !input_done => match event {
                None => input_done = true,
                Some(Err(e)) => return Err(LoopError::Terminal(e.to_string())),
                Some(Ok(event)) => {
                    if let Some(action) = to_action(app, event) {
                        dispatch(app, &mut workers, action);
                        dirty = true;
                    }
                }
            },
            signal = signals.next(), if !signals_done => match signal {
                Some(()) => {
                    dispatch(app, &mut workers, Message::Terminate.into());
                    dirty = true;
                }
                None => signals_done = true,
            },
            Some(action) = rx.recv() => {
                dispatch(app, &mut workers, action);
                for _ in 1..MESSAGES_PER_FRAME {
                    match rx.try_recv() {
                        Ok(action) => dispatch(app, &mut workers, action),
                        Err(_) => break,
                    }
                }
                dirty = true;
            },
            _ = tokio::time::sleep_until(frame_due.into()), if dirty => {},
            _ = ticker.tick() => {
                // The clock always advances (a command started later must not inherit a stale start time);
                // only a running step or a replay playing (the tick may have played its last record) makes it
                // worth a redraw.
                let playing = app.is_playing();
                dispatch(app, &mut workers, Message::Tick(started.elapsed().as_millis() as u64).into());
                dirty |= app.is_busy() || playing;
            },
        }
    }
    if dirty && !app.should_quit() {
        app.sync_shown_output();
        terminal.draw(|f| view::draw(app, f)).map_err(|e| LoopError::Terminal(e.to_string()))?;
    }
    Ok(())
}

fn to_action(app: &App, event: Event) -> Option<Action> {
    if matches!(event, Event::Paste(_)) && app.scope() == keymap::Scope::Evidence {
        super::frame_timing::paste_arrived();
    }
    match event {
        Event::Key(key) => keymap::action_when(app.scope(), key, |when| app.holds(when)).map(Action::Intent),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::ScrollDown => Some(Intent::Wheel { column: m.column, row: m.row, down: true }.into()),
            MouseEventKind::ScrollUp => Some(Intent::Wheel { column: m.column, row: m.row, down: false }.into()),
            _ => None,
        },
        Event::Resize(width, height) => Some(Message::Resize { width, height }.into()),
        // Bracketed paste is on so a pasted text never arrives as keys (a paste with `q` in it must not quit).
        Event::Paste(text) if app.scope() == keymap::Scope::Search => {
            Some(Intent::SearchPaste(pasted_lines(text)).into())
        }
        Event::Paste(text)
            if matches!(
                app.scope(),
                keymap::Scope::Note | keymap::Scope::VarEdit | keymap::Scope::Evidence | keymap::Scope::PathMap
            ) =>
        {
            Some(Intent::TextPaste(pasted_lines(text)).into())
        }
        _ => None,
    }
}

/// A paste with its line breaks as `\n`. Terminals (xterm, tmux, iTerm2, GNOME Terminal) send the line breaks of
/// pasted text as CR, the Enter key, and crossterm passes them on as they came: a crash log pasted from the
/// clipboard would otherwise be one line with no `goroutine` header or frame in it.
pub fn pasted_lines(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// Where terminal events come from: the stream the loop was given until an editor took the terminal, then the
/// one the host made afterwards.
struct TermInput<E> {
    original: Option<E>,
    fresh: Option<super::host::Events>,
}

impl<E: Stream<Item = std::io::Result<Event>> + Unpin> TermInput<E> {
    async fn next(&mut self) -> Option<std::io::Result<Event>> {
        if let Some(fresh) = &mut self.fresh {
            return fresh.next().await;
        }
        match &mut self.original {
            Some(original) => original.next().await,
            None => std::future::pending().await,
        }
    }
}

/// Runs what needs the terminal itself (the editor, the clipboard) and reports back through an action.
fn hand_off<B: Backend, E, H: Host>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    workers: &mut Workers,
    events: &mut TermInput<E>,
    host: &mut H,
    job: HostJob,
) -> Result<(), LoopError> {
    match job {
        HostJob::Editor { path, line } => {
            if host.owns_terminal() {
                // Stop reading keys before the editor starts: the stream's reader thread would steal them.
                events.original = None;
                events.fresh = None;
            }
            let result = host.run_editor(&path, line);
            if let Some(fresh) = host.events() {
                events.fresh = Some(fresh);
            }
            // Forget what is on the screen so the next draw repaints every cell (the host cleared it). Not
            // `Terminal::clear`: it asks the terminal for the cursor position, and a terminal that does not
            // answer (or answers late over ssh) would stall or fail the loop.
            terminal.swap_buffers();
            dispatch(app, workers, Message::EditorClosed { path, result }.into());
        }
        HostJob::Copy { text, what } => {
            let notice = match host.copy(&text) {
                Ok(()) => format!("copied {what} with OSC 52 (a terminal without OSC 52 ignores it)"),
                Err(e) => format!("not copied: {e}"),
            };
            dispatch(app, workers, Message::Notice(notice).into());
        }
    }
    Ok(())
}

/// Applies an action and its follow-ups, then starts the jobs they queued.
fn dispatch(app: &mut App, workers: &mut Workers, action: Action) {
    let finished = match &action {
        Action::Message(Message::Exited { step, .. } | Message::ProbeDone(Input::ProbeDone { step, .. })) => {
            Some(step.clone())
        }
        _ => None,
    };
    if let Action::Message(Message::View(_)) = action {
        workers.view_jobs = workers.view_jobs.saturating_sub(1);
    }
    app.apply(action);
    if let Some(step) = finished {
        workers.cancels.remove(&step);
    }
    for job in app.take_jobs() {
        // The journal's side file for the command's complete output.
        let spill = match &job {
            Job::Spawn { step, spec, .. } => app.spill(step, spec.spill_cap),
            _ => None,
        };
        workers.start(job, spill);
    }
}

/// Background work in flight, by step, with the token that cancels it.
struct Workers {
    tx: mpsc::Sender<Action>,
    cancels: BTreeMap<String, CancellationToken>,
    /// View jobs (`ViewJob`: file, checkpoints, blame, commit, simulator runs) whose answer has not arrived yet.
    view_jobs: usize,
    /// Jobs that need the terminal; the loop runs them between two events.
    handoffs: Vec<HostJob>,
}

impl Workers {
    fn start(&mut self, job: Job, spill: Option<crate::probes::spill::Spill>) {
        match job {
            Job::View(job) => {
                self.view_jobs += 1;
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    // Every view job answers exactly once, even when it panicked: the loop counts the answers.
                    let answer = match tokio::task::spawn_blocking(move || jobs::perform(job)).await {
                        Ok(answer) => answer,
                        Err(e) => ViewAnswer::Failed(e.to_string()),
                    };
                    let _ = tx.send(answer.into()).await;
                });
            }
            Job::Host(job) => self.handoffs.push(job),
            Job::Spawn { step, spec } => {
                let cancel = CancellationToken::new();
                self.cancels.insert(step.clone(), cancel.clone());
                let (shell_tx, shell_rx) = mpsc::channel(4096);
                tokio::spawn(shell::run(spec, spill, shell_tx, cancel));
                tokio::spawn(forward(step, shell_rx, self.tx.clone()));
            }
            Job::Probe { step, request } => {
                let cancel = CancellationToken::new();
                self.cancels.insert(step.clone(), cancel.clone());
                tokio::spawn(probe(step, request, cancel, self.tx.clone()));
            }
            Job::Cancel { step } => {
                if let Some(token) = self.cancels.get(&step) {
                    token.cancel();
                }
            }
            Job::CancelAll => self.cancels.values().for_each(CancellationToken::cancel),
        }
    }
}

/// Runs a probe step on a blocking thread with its cancellation token. `c` cancels it: a simulation stops by
/// itself within a few thousand micro-steps; a parse, grep or blame under way is not waited for (it finishes in
/// the background and its answer is dropped), so the step ends as cancelled at once either way.
async fn probe(step: String, request: ProbeRequest, cancel: CancellationToken, tx: mpsc::Sender<Action>) {
    let started = Instant::now();
    let id = step.clone();
    let token = cancel.clone();
    let job = tokio::task::spawn_blocking(move || execute_typed_with(&step, &request, &token));
    let cancelled = |step: String| Message::Exited {
        step,
        end: ProcessEnd::Cancelled,
        duration_ms: started.elapsed().as_millis() as u64,
    };
    let message = tokio::select! {
        done = job => match done {
            Ok(_) if cancel.is_cancelled() => cancelled(id),
            Ok((input, output)) => {
                if let Some(output) = output {
                    let step = id.clone();
                    let _ = tx.send(Message::ProbeResult { step, output: Arc::new(output) }.into()).await;
                }
                Message::ProbeDone(input)
            }
            Err(e) => Message::ProbeDone(Input::ProbeDone {
                step: id,
                result: Value::Null,
                passed: false,
                reason: Some(format!("the action crashed: {e}")),
            }),
        },
        _ = cancel.cancelled() => cancelled(id),
    };
    let _ = tx.send(message.into()).await;
}

/// Batches a command's lines into actions; the bounded channels push back on a flooding command instead of
/// growing without end.
async fn forward(step: String, mut rx: mpsc::Receiver<ShellMsg>, tx: mpsc::Sender<Action>) {
    let mut batch = Vec::new();
    while let Some(msg) = rx.recv().await {
        let mut exited = None;
        let mut take = |msg: ShellMsg, batch: &mut Vec<OutputLine>| match msg {
            ShellMsg::Line { stream, line, raw } => batch.push(OutputLine { stream, line, raw }),
            ShellMsg::Exited { end, duration_ms } => exited = Some((end, duration_ms)),
        };
        take(msg, &mut batch);
        while batch.len() < LINES_PER_BATCH {
            match rx.try_recv() {
                Ok(msg) => take(msg, &mut batch),
                Err(_) => break,
            }
        }
        if !batch.is_empty() {
            let lines = std::mem::take(&mut batch);
            if tx.send(Message::Lines { step: step.clone(), lines }.into()).await.is_err() {
                return;
            }
        }
        if let Some((end, duration_ms)) = exited {
            let _ = tx.send(Message::Exited { step: step.clone(), end, duration_ms }.into()).await;
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::pasted_lines;

    #[test]
    fn a_terminal_paste_with_cr_line_breaks_keeps_its_lines() {
        let pasted = "fatal error: concurrent map writes\r\rgoroutine 7 [running]:\rmain.f()\r\n\t/a.go:3 +0x1\r";
        let text = pasted_lines(pasted.to_string());
        assert_eq!(text, "fatal error: concurrent map writes\n\ngoroutine 7 [running]:\nmain.f()\n\t/a.go:3 +0x1\n");
        assert_eq!(text.lines().count(), 5);
        assert_eq!(pasted_lines("one\ntwo".into()), "one\ntwo");
    }
}
