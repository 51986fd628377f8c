//! `runbook`: walks an on-call engineer through a written runbook and does the work of each step.
//!
//! Layers (a layer uses only those below it): `cli` → `tui` → `drill` → `journal` → `probes` → `locate` and
//! `engine`; `evidence` (the incident's logs: reading, redaction, triage) sits beside `probes` and uses `engine`
//! and `golang`; `golang` (pure parsers) and `sim` (pure simulator, using golang's gctrace types) are leaves;
//! `bundled` holds the embedded runbooks, assets and XDG directories, `timefmt` dates and durations,
//! `bounded_read` the reading of untrusted input files, `textsafe` the neutralising of control characters in
//! text bound for a terminal. See `docs/architecture.md`.

pub mod bounded_read;
pub mod bundled;
pub mod cli;
pub mod drill;
pub mod engine;
pub mod evidence;
pub mod golang;
pub mod journal;
pub mod locate;
pub mod probes;
pub mod sim;
pub mod textsafe;
pub mod timefmt;
pub mod tui;
