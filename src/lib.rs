//! `runbook`: walks an on-call engineer through a written runbook and does the work of each step.
//!
//! Layers (a layer uses only those below it): `cli` → `tui` → `journal` → `probes` → `engine`; `golang` and `sim`
//! are pure leaves; `bundled` holds the embedded runbooks and assets. See `docs/architecture.md`.

pub mod bounded_read;
pub mod bundled;
pub mod cli;
pub mod drill;
pub mod engine;
pub mod golang;
pub mod journal;
pub mod locate;
pub mod probes;
pub mod sim;
pub mod timefmt;
pub mod tui;
