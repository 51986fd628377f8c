//! Locate tools: find where a symptom lives in the source (`grep`), who last touched it (`blame`), and which file
//! of the repository a build machine's path in the evidence is (`pathmap`).
//!
//! These are the library halves of the `grep` and `blame` step actions and CLI commands (issue 5). They know
//! nothing about the CLI or the TUI: results are pushed into sinks (grep) or returned as plain serializable
//! values (blame), so the headless runner, the TUI and the `runbook grep`/`runbook blame` commands all compose
//! the same code.

pub mod blame;
mod blame_diff;
mod blame_engine;
mod blame_moves;
mod blame_rename;
mod blame_worktree;
mod clean_filter;
mod commit_info;
pub mod commit_patch;
pub mod grep;
mod grep_sink;
mod line_range;
pub mod pathmap;
mod range_spec;
pub mod repo_state;
mod similarity;
mod text;
/// Public so the differential tests can hold it against libgit2's diff.
pub mod xdiff;

pub use blame::{
    blame, blame_function, blame_ranges, blame_ranges_with, BlameError, BlameLine, BlameOptions, FunctionBlame,
};
pub use blame_moves::{MoveCopy, DEFAULT_COPY_SCORE, DEFAULT_MOVE_SCORE};
pub use grep::{grep, grep_collect, grep_each, GrepError, GrepOptions, GrepOutcome, GrepStats};
pub use grep_sink::{ContextLine, GrepMatch, GrepSink, LineMatch};
pub use line_range::{LineRange, LineRangeError};
pub use pathmap::{MappedPath, Mapping, MappingKind, PathMapper, Rewrite, RewriteError};
pub use range_spec::{RangeSpec, RangeSpecError};
pub use text::path_bytes;
