//! Pure parsers of what Go prints: race reports, crash dumps and gctrace, from any real log.
//!
//! Everything here takes text already read by the caller and returns values: no processes, no clock, no
//! filesystem, nothing else from the crate. That keeps the parsers deterministic, fuzzable and usable from the
//! CLI, the TUI's `parse` step and the simulator alike. Line shapes: `docs/parsers.md`.

mod dump;
pub mod dump_diff;
mod exports;
pub mod formats;
pub mod frames;
mod gcdfa;
pub mod gclimit;
mod gcline;
#[cfg(test)]
mod gcline_reference;
mod gcreader;
pub mod gctrace;
pub mod gcview;
pub mod input;
pub mod pairing;
pub mod prefix;
pub mod problem;
pub mod race;
pub mod report;
pub mod stream;
pub mod summary;
pub(crate) mod test_tracker;
pub mod timestamps;
pub mod traceback;

pub use frames::Frame;
pub use gctrace::{GcCycle, GcTrace};
pub use pairing::{Pairing, RacingSite};
pub use problem::{Problem, ProblemKind};
pub use race::{Access, AccessKind, AccessRole, RaceReport};
pub use report::{parse_logs, parse_logs_with, ParseReport};
pub use traceback::{Crash, CrashKind, Goroutine, GoroutineBucket, MapOp};
