//! Executors of step actions. Each runs in the background and reports through messages, never touching UI state.

pub mod commit;
pub mod execute;
pub mod fetch;
pub mod output;
pub mod shell;
pub mod spill;
