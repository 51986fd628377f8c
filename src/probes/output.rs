//! The typed result of a probe, next to the `Value` the engine receives.
//!
//! The engine only needs the serialized `Value` (captures, the journal, replay), but the TUI's result views want
//! the real types: a `ParseReport` with its frames, grep matches with their raw paths, blamed lines. Serializing
//! and parsing back would lose what `Value` does not carry (non-UTF-8 paths) and cost time on big dumps, so
//! `execute_typed` returns both from one run. What the engine gets is exactly what `execute` gives it.

use super::execute;
use crate::engine::{Input, ProbeRequest, Value};
use crate::golang::ParseReport;
use crate::locate::{BlameLine, GrepMatch};

/// What a parse, grep or blame step found, as typed values.
#[derive(Debug, Clone, PartialEq)]
pub enum ProbeOutput {
    Parse(Box<ParseReport>),
    Grep(Vec<GrepMatch>),
    /// The file as the step named it, and its blamed lines.
    Blame {
        file: String,
        lines: Vec<BlameLine>,
    },
}

/// Runs a probe like `execute::execute` and also returns its typed result (none when it failed or has no view).
pub fn execute_typed(step: &str, request: &ProbeRequest) -> (Input, Option<ProbeOutput>) {
    let done = |result: Value, passed: bool, reason: Option<String>| Input::ProbeDone {
        step: step.to_string(),
        result,
        passed,
        reason,
    };
    let failed = |reason: String| done(Value::Null, false, Some(reason));
    match request {
        ProbeRequest::Parse { text, file, kind } => {
            match execute::parse_typed(text.as_deref(), file.as_deref(), *kind) {
                Ok((report, passed, reason)) => {
                    (done(Value::from_serialize(&report), passed, reason), Some(ProbeOutput::Parse(Box::new(report))))
                }
                Err(reason) => (failed(reason), None),
            }
        }
        ProbeRequest::Grep(g) => match execute::grep_typed(g) {
            Ok((matches, passed, reason)) => {
                (done(Value::from_serialize(&matches), passed, reason), Some(ProbeOutput::Grep(matches)))
            }
            Err(reason) => (failed(reason), None),
        },
        ProbeRequest::Blame { file, lines, rev } => match execute::blame_typed(file, *lines, rev.as_deref()) {
            Ok(blamed) => {
                let input = done(Value::from_serialize(&blamed), true, None);
                (input, Some(ProbeOutput::Blame { file: file.clone(), lines: blamed }))
            }
            Err(reason) => (failed(reason), None),
        },
        other => (execute::execute(step, other), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ParseKind;

    #[test]
    fn the_engine_receives_the_same_input_as_from_execute() {
        let request = ProbeRequest::Parse {
            text: Some(
                "fatal error: concurrent map writes\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:9 +0x1\n"
                    .into(),
            ),
            file: None,
            kind: ParseKind::Auto,
        };
        let (input, output) = execute_typed("s", &request);
        assert_eq!(input, execute::execute("s", &request));
        assert!(matches!(output, Some(ProbeOutput::Parse(r)) if r.crashes.len() == 1));
    }
}
