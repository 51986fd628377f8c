//! The typed result of a probe, next to the `Value` the engine receives.
//!
//! The engine only needs the serialized `Value` (captures, the journal, replay), but the TUI's result views want
//! the real types: a `ParseReport` with its frames, grep matches with their raw paths, blamed lines. Serializing
//! and parsing back would lose what `Value` does not carry (non-UTF-8 paths) and cost time on big dumps, so
//! `execute_typed` returns both from one run. What the engine gets is exactly what `execute` gives it.
//!
//! A `simulate` step's typed result is the program it ran (as a source the TUI can load again), the options and
//! the summary: the TUI's simulator view re-runs single seeds of it with their timelines.

use super::execute;
use crate::engine::{Input, ProbeRequest, Value};
use crate::golang::ParseReport;
use crate::locate::{BlameLine, GrepMatch};
use crate::sim::{self, GcPause, GoVersion, Summary};
use tokio_util::sync::CancellationToken;

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
    Simulate(Box<SimOutput>),
}

/// Where a simulated program came from: a built-in name, or the YAML text of a program file (kept so the TUI
/// can load it again without touching the file system).
#[derive(Debug, Clone, PartialEq)]
pub enum SimSource {
    Builtin(String),
    Yaml { name: String, text: String },
}

impl SimSource {
    pub fn name(&self) -> &str {
        match self {
            SimSource::Builtin(n) | SimSource::Yaml { name: n, .. } => n,
        }
    }

    /// The program; a built-in name that does not exist, or YAML that no longer loads, says why.
    pub fn load(&self) -> Result<sim::Program, String> {
        match self {
            SimSource::Builtin(n) => sim::builtin(n).ok_or_else(|| format!("no built-in program `{n}`")),
            SimSource::Yaml { name, text } => sim::Program::from_yaml(text).map_err(|e| format!("{name}: {e}")),
        }
    }
}

/// What a `simulate` step ran and found.
#[derive(Debug, Clone, PartialEq)]
pub struct SimOutput {
    pub source: SimSource,
    pub go: GoVersion,
    pub seed: u64,
    /// Seeded runs (ignored when `exhaustive`).
    pub runs: u64,
    pub exhaustive: bool,
    /// The GC cycles of the step's gctrace log (first process), as the simulator takes them.
    pub gc: Vec<GcPause>,
    /// The same log's cycles as the gctrace parser reads them (for the heap and pause chart).
    pub gc_cycles: Vec<crate::golang::GcCycle>,
    pub gctrace: Option<String>,
    pub summary: Summary,
}

/// A recorded result (the journal's `probe_result`) read back into the typed result the TUI shows, so a replay
/// shows the same triage, matches and blamed lines as the live session did. `None` for a simulation (the journal
/// keeps its summary, not the timeline and GC cycles its view needs; a replay runs nothing to recompute them) and
/// for a value that is not such a result (a failed probe records `null`).
pub fn from_recorded(request: &ProbeRequest, result: &Value) -> Option<ProbeOutput> {
    match request {
        ProbeRequest::Parse { .. } => result.to_typed().ok().map(|r| ProbeOutput::Parse(Box::new(r))),
        ProbeRequest::Grep(_) => result.to_typed().ok().map(ProbeOutput::Grep),
        ProbeRequest::Blame { file, .. } => {
            result.to_typed().ok().map(|lines| ProbeOutput::Blame { file: file.clone(), lines })
        }
        ProbeRequest::Simulate(_) => None,
    }
}

/// Runs a probe like `execute::execute` and also returns its typed result (none when it failed or has no view).
pub fn execute_typed(step: &str, request: &ProbeRequest) -> (Input, Option<ProbeOutput>) {
    execute_typed_with(step, request, &CancellationToken::new())
}

/// `execute_typed` that stops early once `cancel` is cancelled (like `execute::execute_with`): the TUI's `c`
/// cancels a running probe through it.
pub fn execute_typed_with(
    step: &str,
    request: &ProbeRequest,
    cancel: &CancellationToken,
) -> (Input, Option<ProbeOutput>) {
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
        ProbeRequest::Simulate(action) => match simulate_typed(action, cancel) {
            Ok((value, passed, reason, output)) => {
                (done(value, passed, reason), Some(ProbeOutput::Simulate(Box::new(output))))
            }
            Err(reason) => (failed(reason), None),
        },
    }
}

pub(crate) type Simulated = (Value, bool, Option<String>, SimOutput);

/// Runs a simulator program (built-in name or YAML file) many times, or explores every schedule, keeping the
/// typed result for the TUI beside the `Value` the engine gets (`execute::simulate` is this without it).
pub(crate) fn simulate_typed(
    action: &crate::engine::SimulateAction,
    cancel: &CancellationToken,
) -> Result<Simulated, String> {
    let source = match sim::builtin(&action.program) {
        Some(_) => SimSource::Builtin(action.program.clone()),
        None => {
            let path = std::path::Path::new(&action.program);
            let limit = sim::program::MAX_PROGRAM_BYTES as u64;
            if !path.exists() {
                let names: Vec<String> = sim::builtins().into_iter().map(|(n, _)| n).collect();
                return Err(format!(
                    "program `{}`: not a built-in ({}) and no such file",
                    action.program,
                    names.join(", ")
                ));
            }
            // A FIFO or a device is refused by name rather than read forever.
            let text = crate::bounded_read::read_regular_text(path, limit, "a sim program")?;
            SimSource::Yaml { name: action.program.clone(), text }
        }
    };
    let program = source.load()?;
    let go = match &action.go {
        Some(v) => GoVersion::parse(v).ok_or_else(|| format!("go `{v}` is not a version from 1.19 to 1.27"))?,
        None => GoVersion::default(),
    };
    let (gc, gc_cycles) = match &action.gctrace {
        Some(path) => {
            let limit = crate::bounded_read::MAX_GCTRACE_BYTES;
            let text = crate::bounded_read::read_regular_text(std::path::Path::new(path), limit, "a gctrace log")?;
            let trace = crate::golang::gctrace::parse(&text);
            let first = trace.cycles.first().map(|c| c.process);
            let cycles = trace.cycles.into_iter().filter(|c| Some(c.process) == first).collect();
            (sim::gc::pauses_from_gctrace(&text), cycles)
        }
        None => (Vec::new(), Vec::new()),
    };
    let seed = action.seed.unwrap_or(1);
    let runs = action.runs.unwrap_or(100).max(1);
    let token = cancel.clone();
    let stop = sim::Stop::new(move || token.is_cancelled());
    let opts = sim::SimOptions { go, seed, gc: gc.clone(), stop, ..sim::SimOptions::default() };
    let output = |summary: Summary| SimOutput {
        source: source.clone(),
        go,
        seed,
        runs,
        exhaustive: action.exhaustive,
        gc: gc.clone(),
        gc_cycles: gc_cycles.clone(),
        gctrace: action.gctrace.clone(),
        summary,
    };
    if action.exhaustive {
        let result = sim::explore(&program, &opts);
        if let Some(why) = &result.stopped {
            return Err(why.clone());
        }
        let reason = (!result.complete).then(|| {
            format!("exploration stopped after {} states: the program is too large to enumerate", result.states)
        });
        let value = Value::from_serialize(&result);
        return Ok((value, result.complete, reason, output(result.summary)));
    }
    let summary = sim::run_many(&program, &opts, runs);
    if let Some(why) = &summary.stopped {
        return Err(format!("{why} (after {} runs)", summary.runs));
    }
    Ok((Value::from_serialize(&summary), true, None, output(summary)))
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

    #[test]
    fn a_simulate_step_gives_the_engine_what_execute_gives_and_the_view_its_program() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.yaml");
        let yaml = "name: p\nmaps: {m: {}}\nwaitgroups: [wg]\ngoroutines:\n- name: main\n  ops:\n  - {op: wg_add, wg: wg, n: 1, line: 3}\n  - {op: go, goroutine: w, line: 4}\n  - {op: read, map: m, key: 1, line: 5}\n  - {op: wg_wait, wg: wg, line: 6}\n- name: w\n  ops:\n  - {op: write, map: m, key: 1, line: 8}\n  - {op: wg_done, wg: wg, line: 9}\n";
        std::fs::write(&path, yaml).unwrap();
        for exhaustive in [false, true] {
            let action = crate::engine::SimulateAction {
                program: path.display().to_string(),
                go: Some("1.19".into()),
                seed: Some(3),
                runs: Some(4),
                exhaustive,
                gctrace: None,
            };
            let request = ProbeRequest::Simulate(action);
            let (input, output) = execute_typed("s", &request);
            assert_eq!(input, execute::execute("s", &request));
            let Some(ProbeOutput::Simulate(out)) = output else { panic!("a typed simulate result") };
            assert_eq!(out.source, SimSource::Yaml { name: path.display().to_string(), text: yaml.into() });
            assert_eq!((out.go, out.seed, out.exhaustive), (GoVersion(19), 3, exhaustive));
            assert!(out.summary.runs > 0);
        }
    }
}
