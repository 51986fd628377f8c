//! The terminal UI: the screen an on-call engineer lives in during an incident.
//!
//! Elm-style (see STYLE.md): `App` holds all state, every change is an `Action` applied by `App::update`,
//! `view::draw` only reads, and background work (commands, probes) runs in tasks that only send actions back.
//! `event_loop` ties them together and is generic over its input, so tests drive it without a terminal.

pub mod action;
pub mod app;
pub mod confirm;
mod copy;
pub mod event_loop;
pub mod evidence_dialog;
pub mod evidence_summary;
pub mod frame_timing;
pub mod function_blame;
pub mod highlight;
pub mod host;
pub mod jobs;
pub mod journaling;
pub mod keymap;
pub mod layout;
pub mod markdown;
pub mod md_code;
pub mod md_layout;
pub mod mode;
mod notes;
pub mod output;
pub mod pathmap;
pub mod picking;
pub mod recording;
pub mod replay;
mod repo_captures;
pub mod results;
pub mod resume;
pub mod screen;
mod session;
pub mod sim;
pub mod source;
pub mod step_texts;
pub mod terminal;
pub mod text;
pub mod theme;
mod update;
mod update_confirm;
mod update_results;
mod update_scroll;
mod update_search;
mod update_sim;
mod update_steps;
mod update_views;
mod vars;
pub mod view;
pub mod views;

pub use action::Action;
pub use app::App;
pub use resume::Resumed;
pub use theme::Theme;

use crate::engine::{Context, Runbook, Session};
use futures::StreamExt;
use std::collections::BTreeMap;

/// Opens `runbook` in the terminal and runs until the user quits. Returns the exit code: 0 after a quit, 130 when
/// a signal ended it (TERM, HUP, INT, QUIT, USR1, USR2, ALRM), 2 when the terminal or the session could not be set up.
///
/// The session is journaled (`journaling::JournalSpec`: `--journal PATH`, or the state directory); quitting
/// closes the journal with `session_finished`. Vars neither `given` nor defaulted are asked for on screen.
/// `screen`: the terminal already in its UI mode (the picking screen's), taken over as it is.
pub fn run(
    runbook: Runbook,
    context: Context,
    given: BTreeMap<String, String>,
    name: &str,
    journal: &journaling::JournalSpec,
    evidence: Option<crate::evidence::Pending>,
    screen: Option<terminal::TerminalGuard>,
) -> i32 {
    let session = match Session::with_unset_vars(runbook, context.clone(), given.clone()) {
        Ok(s) => s,
        Err(e) => {
            // The terminal back first, or the message is printed on the screen it leaves.
            drop(screen);
            crate::textsafe::eprint_line(&format!("runbook: {e}"));
            return 2;
        }
    };
    let opened = journaling::open(journal, &session, &context, &given);
    let mut app = App::new(session, name, Theme::from_env());
    app.ask_unset_vars();
    match opened {
        Ok((Some(journal), _)) => app.set_journal(journal),
        Ok((None, warning)) => app.flash = warning.map(|w| format!("warning: {w}")),
        Err(e) => {
            drop(screen);
            crate::textsafe::eprint_line(&format!("runbook: {e}"));
            return 2;
        }
    }
    app.warn_short_secrets();
    if let Some(pending) = &evidence {
        app.redactor = pending.redactor.clone();
        app.rewrites = pending.rewrites.clone();
    }
    // `--log`: stored and parsed in the background, so the screen is up at once even for a 100 MB log; the
    // evidence step reads it as soon as it is in (`evidence_dialog::evidence_loaded`).
    if let Some(pending) = evidence.filter(|p| !p.is_empty()) {
        journaling::start_evidence_load(&mut app, pending);
    }
    // The first screen says what the runbook is for (its `summary:`), unless there is a warning to read or a
    // `--log` being read (its news comes next).
    if app.flash.is_none() && app.evidence_loading.is_none() {
        app.flash = app.summary_flash();
    }
    finish_live(&mut app, screen)
}

/// `runbook resume [JOURNAL]` on a terminal: the session rebuilt from its journal, then live on it. Returns the
/// exit code as `run` does.
pub fn resume(
    runbook: crate::engine::Runbook,
    context: Context,
    vars: BTreeMap<String, String>,
    name: &str,
    resumed: Resumed,
) -> i32 {
    let mut app = match resume::rebuild(runbook, context, vars, name, resumed, Theme::from_env()) {
        Ok(app) => app,
        Err(e) => {
            crate::textsafe::eprint_line(&format!("runbook: {e}"));
            return 2;
        }
    };
    app.warn_short_secrets();
    finish_live(&mut app, None)
}

/// Runs a live session's screen to its end, closes its journal, and after a quit says where the journal is and
/// what comes next (the engineer's first question is "where did my session go?"). Not after a signal: its restore
/// ends with the terminal's own reset, and the one who sent it is not reading.
fn finish_live(app: &mut App, screen: Option<terminal::TerminalGuard>) -> i32 {
    let exit = run_app(app, screen);
    let journal_path = app.journal_path().map(std::path::Path::to_path_buf);
    if let Some(warning) = app.close_journal(exit) {
        crate::textsafe::eprint_line(&format!("runbook: warning: {warning}"));
    }
    if let Some(path) = journal_path.filter(|_| exit == mode::Exit::Quit) {
        for line in after_session(&path).lines() {
            crate::textsafe::eprint_line(line);
        }
    }
    exit.code()
}

/// Said on the normal screen once the TUI is closed: where the session went and the commands that read it, so
/// the postmortem is one copy-paste away and not a search through `~/.local/state`.
fn after_session(journal: &std::path::Path) -> String {
    let path = crate::engine::template::shell_quote(&journal.display().to_string());
    format!(
        "runbook: session journal: {}\n  the postmortem:  runbook report {path}\n  go on with it:   runbook resume \
         {path}\n  watch it again:  runbook replay {path}",
        journal.display()
    )
}

/// `runbook drill NAME` on a terminal: the drill's runbook on screen, journaled into `journal` (mode `drill`),
/// with the scenario and its clock in the title bar. Returns the exit code and the journal, still open: the drill
/// checks the milestones and writes its debrief once the screen is closed.
pub fn drill(
    session: Session,
    name: &str,
    scenario: &str,
    journal: crate::journal::Journal,
) -> (i32, Option<crate::journal::Journal>) {
    let mut app = App::new(session, name, Theme::from_env());
    app.set_drill(scenario);
    app.set_journal(journal);
    app.flash = Some("drill started: the clock runs · ? help".into());
    app.warn_short_secrets();
    let exit = run_app(&mut app, None);
    (exit.code(), app.take_journal())
}

/// `runbook replay JOURNAL`: the recorded session, read-only (see `replay`). Returns 0, or 2 when the journal
/// cannot be read or the terminal not set up.
pub fn replay(path: &std::path::Path) -> i32 {
    let path = &crate::journal::sessions::resolve(path);
    let mut app = match replay::open(path, Theme::from_env()) {
        Ok(app) => app,
        Err(e) => {
            crate::textsafe::eprint_line(&format!("runbook: {e}"));
            return 2;
        }
    };
    run_app(&mut app, None).code()
}

/// Runs `app` in the terminal until the user quits; says how it ended. `screen`: the terminal already set up.
fn run_app(app: &mut App, screen: Option<terminal::TerminalGuard>) -> mode::Exit {
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("runbook: cannot start the async runtime: {e}");
            return mode::Exit::Failed;
        }
    };
    let result = runtime.block_on(async {
        // Caught before the terminal changes, so no signal can end the program between the two.
        let signals = signals();
        let mut guard = match screen {
            Some(guard) => guard,
            None => terminal::init().map_err(|e| event_loop::LoopError::Terminal(e.to_string()))?,
        };
        let events = crossterm::event::EventStream::new();
        let mut host = host::TerminalHost;
        let result = event_loop::run_hosted(guard.terminal(), app, events, signals, &mut host).await;
        drop(guard);
        frame_timing::report_if_asked();
        result
    });
    // Commands still running after the quit wait are killed with the runtime (kill_on_drop).
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    match result {
        // The input ended without a quit (the terminal went away): as good as one.
        Ok(()) => app.exit().unwrap_or(mode::Exit::Quit),
        Err(e) => {
            crate::textsafe::eprint_line(&format!("runbook: {e}"));
            mode::Exit::Failed
        }
    }
}

/// Every signal that ends the program and can be caught, as one stream; the loop treats each as "stop commands
/// and leave", so the terminal is restored on the way out (issue 12: SIGINT, SIGQUIT, SIGUSR1 and SIGALRM used to
/// kill the process with the alternate screen, mouse reporting, the hidden cursor and raw mode still on). SIGINT
/// only comes from `kill` while the screen is up (Ctrl-C is a key in raw mode); SIGINT and SIGQUIT that arrive
/// while `$EDITOR` runs come from the editor's keys and are dropped (see `host::TerminalHost::run_editor`). Each
/// signal is watched by a task on the runtime's workers, so one that arrives while the loop waits for the editor
/// is judged when it arrives, and acted on when the loop runs again.
fn signals() -> impl futures::Stream<Item = ()> + Unpin {
    use tokio::signal::unix::{signal, SignalKind};
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let named = [
        (SignalKind::terminate(), false),
        (SignalKind::hangup(), false),
        (SignalKind::interrupt(), true),
        (SignalKind::quit(), true),
        (SignalKind::user_defined1(), false),
        (SignalKind::user_defined2(), false),
        (SignalKind::alarm(), false),
    ];
    // The other signals whose default is to end the process and that only come from outside (`kill`, resource
    // limits). The fault signals (SEGV, BUS, FPE, ILL, ABRT, TRAP, SYS) cannot be handled safely and are left alone,
    // SIGPIPE is ignored by the Rust runtime, and KILL and STOP cannot be caught.
    #[cfg_attr(not(any(target_os = "linux", target_os = "android")), allow(unused_mut))]
    let mut others = vec![libc::SIGXCPU, libc::SIGXFSZ, libc::SIGVTALRM, libc::SIGPROF, libc::SIGIO];
    #[cfg(any(target_os = "linux", target_os = "android"))]
    others.extend([libc::SIGPWR, libc::SIGSTKFLT].into_iter().chain(libc::SIGRTMIN()..=libc::SIGRTMAX()));
    let kinds = named.into_iter().chain(others.into_iter().map(|raw| (SignalKind::from_raw(raw), false)));
    for (kind, editor_keys) in kinds {
        let Ok(mut watched) = signal(kind) else { continue };
        let tx = tx.clone();
        tokio::spawn(async move {
            while watched.recv().await.is_some() {
                if editor_keys && host::editor_open() {
                    continue;
                }
                if tx.send(()).is_err() {
                    break;
                }
            }
        });
    }
    futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|()| ((), rx)) }).boxed()
}

#[cfg(test)]
mod tests {
    #[test]
    fn after_the_session_the_journal_and_the_commands_that_read_it_are_named() {
        let said = super::after_session(std::path::Path::new("/tmp/my sessions/s.jsonl"));
        assert!(said.starts_with("runbook: session journal: /tmp/my sessions/s.jsonl\n"), "{said}");
        assert!(said.contains("runbook report '/tmp/my sessions/s.jsonl'"), "{said}");
        assert!(said.contains("runbook replay '/tmp/my sessions/s.jsonl'"), "{said}");
        assert!(said.contains("runbook resume '/tmp/my sessions/s.jsonl'"), "{said}");
    }
}
