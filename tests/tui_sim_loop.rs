#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The simulator inside the real event loop: changing the seed runs the simulator in a background job, and keys
//! keep being handled meanwhile (each key is read within a frame or two, all of them long before the runs
//! finish); the answer for the last seed asked for is the one on screen.

use crate::tui_sim_support;

use crossterm::event::KeyCode;
use futures::StreamExt;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use runbook::sim::GoVersion;
use runbook::tui::action::{Intent, Message};
use runbook::tui::sim::SimSpec;
use runbook::tui::{event_loop, Theme};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tui_sim_support::app;
use tui_sim_support::views::key_event as key;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seed_change_does_not_block_key_handling() {
    let mut app = app(Theme::plain());
    // The built-in reproduction: 100,000 iterations per goroutine, about a second per run in a debug build.
    let spec = SimSpec::builtin("repro", GoVersion::NEWEST, 2);
    app.apply(Message::Resize { width: 80, height: 24 });
    app.apply(Intent::OpenSim(Box::new(spec)));

    let polls = Arc::new(Mutex::new(Vec::<Instant>::new()));
    let seen = polls.clone();
    let script = vec![
        KeyCode::Char('s'),
        KeyCode::Right,
        KeyCode::Char('s'),
        KeyCode::Left,
        KeyCode::Char('?'),
        KeyCode::Esc,
        KeyCode::Char('c'),
    ];
    let keys = futures::stream::iter(script).then(move |code| {
        let seen = seen.clone();
        async move {
            seen.lock().unwrap().push(Instant::now());
            tokio::time::sleep(Duration::from_millis(5)).await;
            key(code)
        }
    });
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let started = Instant::now();
    let run = event_loop::run(&mut terminal, &mut app, Box::pin(keys), futures::stream::pending());
    tokio::time::timeout(Duration::from_secs(300), run).await.expect("the loop ends once the runs are in").unwrap();
    let ended = Instant::now();

    let polls = polls.lock().unwrap().clone();
    assert_eq!(polls.len(), 7, "every key was read");
    let slowest = polls.windows(2).map(|w| w[1] - w[0]).max().unwrap();
    // No fixed time limits (a loaded CI machine is slow): compared with the whole run, which lasts until both
    // simulator runs are in, no key waited long and all were read while the runs went on.
    let total = ended - started;
    assert!(slowest * 4 < total, "a key waited {slowest:?} of the loop's {total:?}");
    let last_key = polls[6] - started;
    assert!(
        last_key * 2 < total,
        "the keys ({last_key:?}) were handled while the runs went on (until {:?})",
        ended - started
    );
    let view = app.sim_view().expect("still in the simulator (Esc closed the help)");
    let shown = view.run.as_ref().expect("a run is on screen");
    assert_eq!((view.spec.seed, shown.seed, view.pending), (4, 4, None), "the last seed asked for is shown");
    let screen = terminal.backend().to_string();
    assert!(screen.contains("repro · go1.27 Swiss · seed 4"), "{screen}");
}
