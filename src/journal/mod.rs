//! The incident journal: an append-only record of a session that survives a crash of the program or the machine.
//!
//! Its lines are the engine's events (the same objects headless `--json` prints) plus a few journal-only entries
//! (`record.rs`), so resume and replay feed them back through the same engine (`replay.rs`) and the postmortem is
//! rendered from the same record (`postmortem.rs`, `markdown.rs`). Writing (`writer.rs`) and reading with crash
//! recovery (`reader.rs`) are the only I/O here; the clock is read by the writer, never by the engine.

pub mod big_values;
pub mod checklists;
pub mod findings;
pub mod fix;
pub mod incident;
pub mod markdown;
pub mod postmortem;
pub mod reader;
pub mod record;
pub mod replay;
pub mod sessions;
pub mod side_paths;
pub mod timeline;
pub mod writer;

pub use reader::{read, Loaded, ReadError};
pub use record::{Entry, Meta, MilestoneBy, Record, RepoState, SessionStart, FORMAT_VERSION};
pub use writer::Journal;
