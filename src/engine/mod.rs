//! The engine: the runbook model, loading with precise errors, templating, captured values, and the run state
//! machine. Pure: it never spawns a process, reads the clock or touches the terminal, so the TUI, the headless
//! runner, resume and replay can all drive it with the same events.

pub mod actions;
pub mod diag;
pub mod duration;
pub mod fields;
pub mod load;
pub mod markdown;
pub mod match_rules;
pub mod model;
pub mod observe_lint;
pub mod size;
pub mod template;
pub mod value;
pub mod value_text;
pub mod yaml;

pub use diag::{Diagnostic, LoadError};
pub use load::load;
pub use model::*;
pub use value::Value;
pub mod events;
pub mod machine;
pub mod masking;
pub mod output;
pub mod protocol;
pub mod render;
pub mod repo_state;
pub mod script;
pub mod shell_scan;
pub mod staleness;

pub use events::{Event, StepStatus, Stream};
pub use machine::{
    find_option, CommandSpec, Context, Effect, EvidenceFile, Input, ProbeRequest, ProcessEnd, Session, MASK,
};
pub use repo_state::{RepoFile, RepoSnapshot, RepoStateReason};
