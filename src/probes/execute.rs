//! Runs a non-shell action (parse, grep, blame, simulate) and turns its result into an engine input.

use crate::engine::{Input, ProbeRequest, Value};

/// Executes a probe request for `step`; blocking work, so callers run it on a blocking thread.
pub fn execute(step: &str, request: &ProbeRequest) -> Input {
    let (kind, result) = match request {
        ProbeRequest::Parse { .. } => ("parse", not_yet("parse")),
        ProbeRequest::Grep(_) => ("grep", not_yet("grep")),
        ProbeRequest::Blame { .. } => ("blame", not_yet("blame")),
        ProbeRequest::Simulate(_) => ("simulate", not_yet("simulate")),
    };
    let _ = kind;
    match result {
        Ok((value, passed, reason)) => Input::ProbeDone { step: step.to_string(), result: value, passed, reason },
        Err(reason) => {
            Input::ProbeDone { step: step.to_string(), result: Value::Null, passed: false, reason: Some(reason) }
        }
    }
}

type ProbeResult = Result<(Value, bool, Option<String>), String>;

fn not_yet(kind: &str) -> ProbeResult {
    Err(format!("the `{kind}` action is not available in this build yet"))
}
