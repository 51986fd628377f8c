//! What the parsers could not read.
//!
//! Unknown lines are normal in a mixed log and are skipped silently; a problem is something the engineer
//! should know before trusting the result: gc cycles missing from the middle of a stream, a line or block cut
//! off, a block that started like Go output but did not continue like it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// gc cycle numbers skipped inside one process.
    GcGap,
    /// A line or block cut off (end of input, or another block started in its middle).
    Truncated,
    /// A line inside a recognised block that did not have the expected shape.
    Unparsed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    pub kind: ProblemKind,
    /// Index into `inputs`.
    pub input: usize,
    /// 1-based line in that input.
    pub line: usize,
    pub message: String,
    /// For `gc_gap`: the first and last missing cycle numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<u64>,
}

impl Problem {
    pub fn new(kind: ProblemKind, input: usize, line: usize, message: impl Into<String>) -> Self {
        Problem { kind, input, line, message: message.into(), from: None, to: None }
    }
}
