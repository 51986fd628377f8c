//! The one error path of the command line. Every command returns `anyhow::Result<Code>`: `Ok` carries the
//! status it chose (0, 1, 130, or 2 after problems it printed itself), `Err` an error on its way up with
//! `.context()`. `report` is the only place that turns an error into an exit code and a message, as ripgrep's
//! `crates/core/main.rs` does: a closed stdout (`runbook parse LOG --json | head -1`) is a success, anything
//! else is exit 2 with one `runbook: ...` line on stderr.

use crate::engine::LoadError;
use std::io;

/// What a command reports when it ran to its end. Errors are not codes: they travel as `Err` to `report`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    /// 0: success; something found (grep, parse, gc).
    Success,
    /// 1: nothing found (grep, parse, gc), or a step failed (run, resume, drill).
    Failure,
    /// 2: problems the command already printed on stderr as it went (check's diagnostics, grep's unreadable
    /// files, the terminal UI's own errors).
    ProblemsReported,
    /// 130: a signal interrupted the run; its journal stays open for `runbook resume`.
    Interrupted,
}

impl Code {
    /// 0 when something was found, else 1.
    pub fn found(found: bool) -> Code {
        if found {
            Code::Success
        } else {
            Code::Failure
        }
    }

    /// The code of a caller that still speaks in integers (the terminal UI returns 0, 130, or 2 after printing
    /// its error).
    pub fn from_status(status: i32) -> Code {
        match status {
            0 => Code::Success,
            1 => Code::Failure,
            130 => Code::Interrupted,
            _ => Code::ProblemsReported,
        }
    }

    pub fn as_i32(self) -> i32 {
        match self {
            Code::Success => 0,
            Code::Failure => 1,
            Code::ProblemsReported => 2,
            Code::Interrupted => 130,
        }
    }
}

/// The exit code of a finished command; an error is printed here, once.
pub fn report(result: anyhow::Result<Code>) -> i32 {
    match result {
        Ok(code) => code.as_i32(),
        // The reader went away (`| head`): what it did not read, nobody wanted.
        Err(err) if is_broken_pipe(&err) => 0,
        Err(err) => {
            crate::textsafe::eprint_line(&message(&err));
            2
        }
    }
}

/// The line (or lines) printed for an error. A runbook's load errors are compiler-style diagnostics that each
/// start with `file:line:col`, so they are printed as they are: editors jump to them.
pub fn message(err: &anyhow::Error) -> String {
    match err.downcast_ref::<LoadError>() {
        Some(load) if err.chain().count() == 1 => load.to_string(),
        _ => format!("runbook: {}", chain_text(err)),
    }
}

/// The error and its causes joined by `: ` (anyhow's `{:#}`), except a cause whose text the message already
/// ends with: thiserror messages such as `"{path}: {source}"` name their source themselves.
fn chain_text(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let part = cause.to_string();
        if text.is_empty() {
            text = part;
        } else if !text.ends_with(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
    }
    text
}

/// A broken pipe anywhere in the error's chain, including inside a serde_json error.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        let io_kind = cause.downcast_ref::<io::Error>().map(io::Error::kind);
        let json_kind = cause.downcast_ref::<serde_json::Error>().and_then(serde_json::Error::io_error_kind);
        io_kind.or(json_kind) == Some(io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context as _;

    #[test]
    fn a_broken_pipe_under_context_is_a_success() {
        let err = Err::<(), _>(io::Error::from(io::ErrorKind::BrokenPipe)).context("writing the report").unwrap_err();
        assert!(is_broken_pipe(&err));
        assert_eq!(report(Err(err)), 0);
    }

    #[test]
    fn a_broken_pipe_inside_serde_json_is_a_success() {
        let json = serde_json::Error::io(io::Error::from(io::ErrorKind::BrokenPipe));
        assert!(is_broken_pipe(&anyhow::Error::new(json).context("printing")));
    }

    #[test]
    fn other_errors_exit_2_with_their_context() {
        let err = Err::<(), _>(io::Error::from(io::ErrorKind::NotFound)).context("cannot read x.log").unwrap_err();
        assert!(!is_broken_pipe(&err));
        assert_eq!(message(&err), "runbook: cannot read x.log: entity not found");
        assert_eq!(report(Err(err)), 2);
    }

    #[test]
    fn a_cause_the_message_already_names_is_not_repeated() {
        #[derive(Debug, thiserror::Error)]
        #[error("{path}: {source}")]
        struct ReadFailed {
            path: String,
            source: io::Error,
        }
        let read = ReadFailed { path: "s.jsonl".into(), source: io::Error::other("disk on fire") };
        let err = anyhow::Error::new(read).context("cannot resume");
        assert_eq!(message(&err), "runbook: cannot resume: s.jsonl: disk on fire");
    }

    #[test]
    fn codes_round_trip_through_integers() {
        for code in [Code::Success, Code::Failure, Code::ProblemsReported, Code::Interrupted] {
            assert_eq!(Code::from_status(code.as_i32()), code);
        }
        assert_eq!(report(Ok(Code::found(false))), 1);
    }
}
