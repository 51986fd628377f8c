//! The terminal UI: the screen an on-call engineer lives in during an incident.
//!
//! Elm-style (see STYLE.md): `App` holds all state, every change is an `Action` applied by `App::update`,
//! `view::draw` only reads, and background work (commands, probes) runs in tasks that only send actions back.
//! `event_loop` ties them together and is generic over its input, so tests drive it without a terminal.

pub mod action;
pub mod app;
pub mod event_loop;
pub mod highlight;
pub mod keymap;
pub mod layout;
pub mod markdown;
pub mod output;
mod session;
pub mod terminal;
pub mod theme;
mod update;
pub mod view;

pub use action::Action;
pub use app::App;
pub use theme::Theme;

use crate::engine::{Context, Runbook, Session};
use futures::StreamExt;
use std::collections::BTreeMap;

/// Opens `runbook` in the terminal and runs until the user quits. Returns the exit code: 0 after a quit, 130 when
/// a signal ended it, 2 when the terminal or the session could not be set up.
pub fn run(runbook: Runbook, context: Context, name: &str) -> i32 {
    let session = match Session::new(runbook, context, BTreeMap::new()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("runbook: {e}");
            return 2;
        }
    };
    let mut app = App::new(session, name, Theme::from_env());
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("runbook: cannot start the async runtime: {e}");
            return 2;
        }
    };
    let result = runtime.block_on(async {
        let mut guard = terminal::init().map_err(|e| event_loop::LoopError::Terminal(e.to_string()))?;
        let events = crossterm::event::EventStream::new();
        let result = event_loop::run(guard.terminal(), &mut app, events, signals()).await;
        drop(guard);
        result
    });
    // Commands still running after the quit wait are killed with the runtime (kill_on_drop).
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    match result {
        Ok(()) => app.exit_code(),
        Err(e) => {
            eprintln!("runbook: {e}");
            2
        }
    }
}

/// SIGTERM and SIGHUP as a stream; the loop treats both as "stop commands and leave".
fn signals() -> impl futures::Stream<Item = ()> + Unpin {
    use tokio::signal::unix::{signal, SignalKind};
    let streams: Vec<_> = [SignalKind::terminate(), SignalKind::hangup()]
        .into_iter()
        .filter_map(|kind| signal(kind).ok())
        .map(|s| futures::stream::unfold(s, |mut s| async move { s.recv().await.map(|()| ((), s)) }).boxed())
        .collect();
    futures::stream::select_all(streams)
}
