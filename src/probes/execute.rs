//! Runs a non-shell action (parse, grep, blame, simulate) and turns its result into an engine input.
//! Blocking work: callers run it on a blocking thread. Each result is the action's typed value (for
//! `capture: {from: result}`) plus whether the step passed and, if not, why.

use crate::engine::{Input, ParseKind, ProbeRequest, Value};
use crate::golang;
use crate::locate;
use tokio_util::sync::CancellationToken;

type ProbeResult = Result<(Value, bool, Option<String>), String>;

/// Executes a probe request for `step`.
pub fn execute(step: &str, request: &ProbeRequest) -> Input {
    execute_with(step, request, &CancellationToken::new())
}

/// `execute` that stops early once `cancel` is cancelled: a simulation checks it between runs and every few
/// thousand micro-steps and ends with the reason "cancelled". (Parse, grep and blame are bounded by their input
/// and check it only before they start; a caller that cannot wait stops waiting for them, see `cli/run.rs`.)
pub fn execute_with(step: &str, request: &ProbeRequest, cancel: &CancellationToken) -> Input {
    if cancel.is_cancelled() {
        return Input::ProbeDone {
            step: step.to_string(),
            result: Value::Null,
            passed: false,
            reason: Some("cancelled".into()),
        };
    }
    let result = match request {
        ProbeRequest::Parse { text, file, kind } => parse(text.as_deref(), file.as_deref(), *kind),
        ProbeRequest::Grep(g) => grep(g),
        ProbeRequest::Blame { file, lines, rev } => blame(file, *lines, rev.as_deref()),
        ProbeRequest::Simulate(a) => simulate(a, cancel),
    };
    match result {
        Ok((value, passed, reason)) => Input::ProbeDone { step: step.to_string(), result: value, passed, reason },
        Err(reason) => {
            Input::ProbeDone { step: step.to_string(), result: Value::Null, passed: false, reason: Some(reason) }
        }
    }
}

/// Parses pasted/captured text or a log file; passes when the requested kind of Go output was found.
pub fn parse(text: Option<&str>, file: Option<&str>, kind: ParseKind) -> ProbeResult {
    let (report, found, reason) = parse_typed(text, file, kind)?;
    Ok((Value::from_serialize(&report), found, reason))
}

/// `parse` with the report itself, for views that need the typed value (the TUI's triage).
pub fn parse_typed(
    text: Option<&str>,
    file: Option<&str>,
    kind: ParseKind,
) -> Result<(golang::ParseReport, bool, Option<String>), String> {
    let input = match (text, file) {
        (Some(text), _) => ("input".to_string(), text.as_bytes().to_vec()),
        (None, Some(path)) => (path.to_string(), std::fs::read(path).map_err(|e| format!("{path}: {e}"))?),
        (None, None) => return Err("nothing to parse: give `input` or `file`".into()),
    };
    let report = golang::parse_logs(&[input]);
    let (found, what) = match kind {
        ParseKind::Auto => (report.found_anything(), "Go race report, crash or gctrace"),
        ParseKind::Race => (!report.races.is_empty(), "race report (WARNING: DATA RACE)"),
        ParseKind::Crash => (!report.crashes.is_empty(), "crash (panic, fatal error or signal)"),
        ParseKind::Gctrace => (!report.gc.cycles.is_empty(), "gctrace line"),
    };
    let reason = (!found).then(|| format!("no {what} found in the input"));
    Ok((report, found, reason))
}

/// Searches like `rg`; passes when something matched. The result is the list of matches.
pub fn grep(action: &crate::engine::GrepAction) -> ProbeResult {
    let (matches, found, reason) = grep_typed(action)?;
    Ok((Value::from_serialize(&matches), found, reason))
}

/// `grep` with the matches themselves.
pub fn grep_typed(
    action: &crate::engine::GrepAction,
) -> Result<(Vec<locate::GrepMatch>, bool, Option<String>), String> {
    let options = locate::grep::GrepOptions {
        pattern: action.pattern.clone(),
        paths: action.paths.iter().map(std::path::PathBuf::from).collect(),
        include: action.include.clone(),
        exclude: action.exclude.clone(),
        ignore_case: action.ignore_case,
        fixed_strings: action.fixed_strings,
        context: action.context,
    };
    let outcome = locate::grep::grep_collect(&options).map_err(|e| e.to_string())?;
    let found = !outcome.matches.is_empty();
    let mut reason = (!found).then(|| format!("no match for `{}`", action.pattern));
    if !outcome.errors.is_empty() {
        let first = outcome.errors.first().cloned().unwrap_or_default();
        let note = format!("{} path(s) could not be read, first: {first}", outcome.errors.len());
        reason = Some(reason.map_or(note.clone(), |r| format!("{r}; {note}")));
    }
    Ok((outcome.matches, found, reason))
}

/// Blames a line range with git2; the result is one entry per line.
pub fn blame(file: &str, lines: Option<(usize, usize)>, rev: Option<&str>) -> ProbeResult {
    let blamed = blame_typed(file, lines, rev)?;
    Ok((Value::from_serialize(&blamed), true, None))
}

/// `blame` with the blamed lines themselves.
pub fn blame_typed(
    file: &str,
    lines: Option<(usize, usize)>,
    rev: Option<&str>,
) -> Result<Vec<locate::BlameLine>, String> {
    let options = locate::blame::BlameOptions {
        file: file.into(),
        lines: lines.map(|(start, end)| locate::LineRange { start, end }),
        rev: rev.map(str::to_string),
    };
    locate::blame::blame(&options).map_err(|e| e.to_string())
}

/// Runs a simulator program (built-in name or YAML file) many times, or explores every schedule.
pub fn simulate(action: &crate::engine::SimulateAction, cancel: &CancellationToken) -> ProbeResult {
    super::output::simulate_typed(action, cancel).map(|(value, passed, reason, _)| (value, passed, reason))
}
