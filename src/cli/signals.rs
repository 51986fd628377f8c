//! SIGINT and SIGTERM in a headless run: the signal cancels the run's token, so the running step is stopped (its
//! process group gets SIGINT, then SIGKILL after the step's grace period; a simulation stops within a few
//! thousand micro-steps) and the steps not reached are counted in `run_finished`.
//!
//! A probe that cannot stop (a parse already under way) is not waited for: the runner stops waiting once the
//! token is cancelled. So a headless run always ends within the grace period of a signal.

use tokio_util::sync::CancellationToken;

/// Cancels `cancel` on the first SIGINT or SIGTERM.
pub async fn cancel_on_signal(cancel: CancellationToken) {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut int), Ok(mut term)) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) else {
        return;
    };
    tokio::select! {
        _ = int.recv() => {}
        _ = term.recv() => {}
    }
    cancel.cancel();
}
