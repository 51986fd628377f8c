//! Executors of step actions. Each runs in the background and reports through messages, never touching UI state.

pub mod execute;
pub mod shell;
