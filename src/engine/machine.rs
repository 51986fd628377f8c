//! The run state machine: `apply(input) -> effects`.
//!
//! The TUI, the headless runner, resume and replay all drive a run by feeding it inputs (start this step, a line
//! of output, the process exited, the user chose an option) and carrying out the effects it returns (emit an event,
//! spawn a command, run a probe). It holds statuses, captures and the cursor, never touches the outside world, and
//! so behaves identically in every front end and in tests.

use super::events::{Event, StepStatus, Stream};
use super::model::*;
use super::output::HeadTail;
pub use super::protocol::*;
use super::template;
use super::value::Value;
use std::collections::BTreeMap;

#[derive(Debug, Default)]
struct Running {
    output: HeadTail,
    stdout: HeadTail,
    stderr: HeadTail,
}

/// What a secret var's value is replaced by on screen, in events and in the journal.
pub use super::masking::MASK;

pub struct Session {
    pub(super) runbook: Runbook,
    pub(super) context: Context,
    pub(super) vars: BTreeMap<String, String>,
    pub(super) captures: BTreeMap<String, Value>,
    pub(super) statuses: Vec<StepStatus>,
    checklists: BTreeMap<usize, Vec<bool>>,
    milestones: Vec<Milestone>,
    cursor: Option<usize>,
    running: BTreeMap<usize, Running>,
    pub(super) evidence: Option<Evidence>,
    /// Steps whose result was computed from a capture that a rerun changed (`staleness.rs`).
    pub(super) stale: BTreeMap<usize, super::staleness::Staleness>,
    /// Captures whose producer's latest run failed, with why: a step reading one refuses to start.
    pub(super) outdated: BTreeMap<String, String>,
}

/// The incident's evidence as the session holds it (the `evidence*` built-ins).
#[derive(Debug, Clone)]
pub(super) struct Evidence {
    pub files: Vec<EvidenceFile>,
    pub triage: Value,
    pub text: Option<String>,
}

impl Session {
    /// `vars` holds the values given by the user; defaults fill the rest. Err names an unknown var or the first
    /// var left without a value (headless runs need every value before they start).
    pub fn new(runbook: Runbook, context: Context, given: BTreeMap<String, String>) -> Result<Session, String> {
        let session = Session::with_unset_vars(runbook, context, given)?;
        match session.unset_vars().first() {
            Some(name) => Err(format!("var `{name}` has no default: give it with --var {name}=VALUE")),
            None => Ok(session),
        }
    }

    /// Like `new`, but vars without a default or a given value stay unset (`unset_vars`) until an
    /// `Input::SetVar`: the TUI asks for them on screen. A step that uses an unset var fails with a clear reason.
    pub fn with_unset_vars(
        runbook: Runbook,
        context: Context,
        given: BTreeMap<String, String>,
    ) -> Result<Session, String> {
        for name in given.keys() {
            if !runbook.vars.iter().any(|v| &v.name == name) {
                let known: Vec<&str> = runbook.vars.iter().map(|v| v.name.as_str()).collect();
                return Err(format!("unknown var `{name}` (this runbook has: {})", known.join(", ")));
            }
        }
        let vars = runbook
            .vars
            .iter()
            .filter_map(|var| {
                given.get(&var.name).or(var.default.as_ref()).map(|value| (var.name.clone(), value.clone()))
            })
            .collect();
        let count = runbook.step_count();
        Ok(Session {
            runbook,
            context,
            vars,
            captures: BTreeMap::new(),
            statuses: vec![StepStatus::Pending; count],
            checklists: BTreeMap::new(),
            milestones: Vec::new(),
            cursor: (count > 0).then_some(0),
            running: BTreeMap::new(),
            evidence: None,
            stale: BTreeMap::new(),
            outdated: BTreeMap::new(),
        })
    }

    pub fn runbook(&self) -> &Runbook {
        &self.runbook
    }
    /// Where the session runs (working directory, assets, the runbook's directory).
    pub fn context(&self) -> &Context {
        &self.context
    }
    /// The current value of a var (`None`: declared without a default and not set yet, or not declared).
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }
    /// The declared vars that have no value yet, in declaration order.
    pub fn unset_vars(&self) -> Vec<String> {
        self.runbook.vars.iter().filter(|v| !self.vars.contains_key(&v.name)).map(|v| v.name.clone()).collect()
    }
    pub fn status(&self, index: usize) -> StepStatus {
        self.statuses.get(index).copied().unwrap_or(StepStatus::Pending)
    }
    pub fn statuses(&self) -> &[StepStatus] {
        &self.statuses
    }
    pub fn cursor(&self) -> Option<usize> {
        self.cursor
    }
    pub fn captures(&self) -> &BTreeMap<String, Value> {
        &self.captures
    }
    pub fn milestones(&self) -> &[Milestone] {
        &self.milestones
    }
    pub fn checklist(&self, index: usize) -> Option<&[bool]> {
        self.checklists.get(&index).map(Vec::as_slice)
    }
    pub fn is_running(&self) -> bool {
        !self.running.is_empty()
    }
    /// Whether the incident's evidence is in the session.
    pub fn has_evidence(&self) -> bool {
        self.evidence.is_some()
    }
    /// The stored logs of the evidence, once the session has it.
    pub fn evidence_files(&self) -> Option<&[EvidenceFile]> {
        self.evidence.as_ref().map(|e| e.files.as_slice())
    }
    /// The evidence's triage (`{{evidence}}`), once the session has it.
    pub fn evidence_triage(&self) -> Option<&Value> {
        self.evidence.as_ref().map(|e| &e.triage)
    }
    /// The repository an `evidence` step maps the evidence's paths to, rendered with the current values (the
    /// working directory when the runbook has no such step or the step names none).
    pub fn evidence_repo(&self) -> String {
        let repo = self.runbook.steps().find_map(|s| match &s.action {
            Some(Action::Evidence(e)) => e.repo.clone(),
            _ => None,
        });
        match repo.map(|r| self.render_text(&r)) {
            Some(Ok(r)) => self.path(&r),
            _ => self.context.workdir.clone(),
        }
    }

    /// Counts for `run_finished`: passed, failed (incl. timed out and cancelled), skipped.
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |f: fn(&StepStatus) -> bool| self.statuses.iter().filter(|s| f(s)).count();
        (
            count(|s| *s == StepStatus::Passed),
            count(|s| matches!(s, StepStatus::Failed | StepStatus::TimedOut | StepStatus::Cancelled)),
            count(|s| *s == StepStatus::Skipped),
        )
    }

    /// The command a step would run, rendered with the current values (for the confirmation dialog).
    pub fn preview_command(&self, index: usize) -> Result<Option<CommandSpec>, String> {
        match self.runbook.step(index).and_then(|s| s.action.as_ref()) {
            Some(Action::Run(run)) => self.render_run(self.runbook.step(index), run).map(Some),
            _ => Ok(None),
        }
    }

    /// The probe a step would run (parse, grep, blame, simulate), rendered with the current values; `None` for
    /// other steps. A replay uses it to show a recorded result the way the live probe showed it.
    pub fn preview_probe(&self, index: usize) -> Result<Option<ProbeRequest>, String> {
        match self.runbook.step(index).and_then(|s| s.action.as_ref()) {
            Some(Action::Parse(p)) => self.render_parse(p).map(Some),
            Some(Action::Grep(g)) => self.render_grep(g).map(Some),
            Some(Action::Blame(b)) => self.render_blame(b).map(Some),
            Some(Action::Simulate(s)) => self.render_simulate(s).map(Some),
            _ => Ok(None),
        }
    }

    /// The values of the secret vars set now (longest first; empty ones left out).
    pub fn secret_values(&self) -> Vec<String> {
        let values: Vec<String> =
            self.runbook.vars.iter().filter(|v| v.secret).filter_map(|v| self.vars.get(&v.name).cloned()).collect();
        super::masking::usable(&values)
    }

    /// Secret vars whose value is too short to be masked inside text (only whole fields equal to it are masked).
    pub fn short_secret_vars(&self) -> Vec<String> {
        self.runbook
            .vars
            .iter()
            .filter(|v| v.secret)
            .filter(|v| {
                self.vars
                    .get(&v.name)
                    .is_some_and(|value| !super::masking::too_short(std::slice::from_ref(value)).is_empty())
            })
            .map(|v| v.name.clone())
            .collect()
    }

    /// Text with secret values masked: a text that is a secret becomes `****`; inside longer text, secrets of at
    /// least `masking::MIN_MASKED_IN_TEXT` characters (and their shell-quoted form) are replaced.
    pub fn mask(&self, text: &str) -> String {
        let secrets = self.secret_values();
        let mut out = text.to_string();
        for value in secrets.iter().filter(|v| v.chars().count() >= super::masking::MIN_MASKED_IN_TEXT) {
            out = out.replace(&template::shell_quote(value), MASK);
        }
        super::masking::mask_text(&out, &secrets)
    }

    /// An event with every free-text field masked (names, statuses and keys untouched), before it is shown,
    /// serialised or journaled.
    pub fn mask_event(&self, event: Event) -> Event {
        let secrets = self.secret_values();
        if secrets.is_empty() {
            return event;
        }
        super::masking::mask_typed(&event, &secrets).unwrap_or(event)
    }

    /// A value with secrets masked in every string inside it (captures are shown and journaled like output).
    pub fn mask_value(&self, value: &Value) -> Value {
        match value {
            Value::Str(s) => Value::Str(self.mask(s)),
            Value::List(items) => Value::List(items.iter().map(|v| self.mask_value(v)).collect()),
            Value::Map(map) => Value::Map(map.iter().map(|(k, v)| (k.clone(), self.mask_value(v))).collect()),
            other => other.clone(),
        }
    }

    pub fn apply(&mut self, input: Input) -> Vec<Effect> {
        let effects = self.apply_unmasked(input);
        effects
            .into_iter()
            .map(|effect| match effect {
                Effect::Emit(event) => Effect::Emit(self.mask_event(event)),
                other => other,
            })
            .collect()
    }

    fn apply_unmasked(&mut self, input: Input) -> Vec<Effect> {
        match input {
            Input::Select { step } => {
                if let Some(i) = self.runbook.step_index(&step) {
                    self.cursor = Some(i);
                }
                Vec::new()
            }
            Input::Start { step } => self.start(&step),
            Input::Skip { step, reason } => match self.runbook.step_index(&step) {
                Some(i) => self.finish(i, StepEnd::new(StepStatus::Skipped).because(reason)),
                None => Vec::new(),
            },
            Input::Output { step, stream, line, raw } => self.output(&step, stream, line, raw),
            Input::Exited { step, end, duration_ms } => self.exited(&step, end, duration_ms),
            Input::ProbeDone { step, result, passed, reason } => self.probe_done(&step, result, passed, reason),
            Input::Choose { step, option } => self.choose(&step, &option),
            Input::Check { step, item, checked } => self.check(&step, item, checked),
            Input::SetVar { name, value } => self.set_var(name, value),
            Input::Evidence { files, triage, text } => self.evidence_in(files, triage, text),
        }
    }

    fn evidence_in(&mut self, files: Vec<EvidenceFile>, triage: Value, text: Option<String>) -> Vec<Effect> {
        let mut effects =
            vec![Effect::Emit(Event::Evidence { files: files.clone(), triage: self.mask_value(&triage) })];
        self.evidence = Some(Evidence { files, triage: triage.clone(), text });
        let waiting: Vec<usize> = (0..self.statuses.len())
            .filter(|&i| self.statuses[i] == StepStatus::Running)
            .filter(|&i| matches!(self.runbook.step(i).and_then(|s| s.action.as_ref()), Some(Action::Evidence(_))))
            .collect();
        for index in waiting {
            effects.extend(self.finish(index, StepEnd { result: triage.clone(), ..StepEnd::new(StepStatus::Passed) }));
        }
        // Evidence given again (a corrected path mapping): the passed evidence steps' captures take the new triage,
        // and the steps computed from the old one are marked stale, to be rerun.
        let passed: Vec<usize> = (0..self.statuses.len())
            .filter(|&i| self.statuses[i] == StepStatus::Passed)
            .filter(|&i| matches!(self.runbook.step(i).and_then(|s| s.action.as_ref()), Some(Action::Evidence(_))))
            .collect();
        for index in passed {
            effects.extend(self.recapture(index, &triage));
        }
        effects
    }

    fn recapture(&mut self, index: usize, result: &Value) -> Vec<Effect> {
        let Some(step) = self.runbook.step(index).cloned() else { return Vec::new() };
        let Ok(values) = self.take_captures(&step, result, &Running::default()) else { return Vec::new() };
        let mut before = BTreeMap::new();
        let mut effects = Vec::new();
        for (name, value) in values {
            if let Some(old) = self.captures.get(&name) {
                before.insert(name.clone(), old.clone());
            }
            effects.push(Effect::Emit(Event::Capture {
                step: step.id.clone(),
                name: name.clone(),
                value: self.mask_value(&value),
            }));
            self.captures.insert(name, value);
        }
        effects.extend(self.mark_stale(index, StepStatus::Passed, None, before));
        effects
    }

    fn set_var(&mut self, name: String, value: String) -> Vec<Effect> {
        if !self.runbook.vars.iter().any(|v| v.name == name) {
            return Vec::new();
        }
        self.vars.insert(name.clone(), value.clone());
        // Masked after the insert, so a secret's new value is already one of the values masked.
        vec![Effect::Emit(Event::VarSet { name, value: self.mask(&value) })]
    }

    fn start(&mut self, id: &str) -> Vec<Effect> {
        let Some(index) = self.runbook.step_index(id) else { return Vec::new() };
        let Some(step) = self.runbook.step(index).cloned() else { return Vec::new() };
        self.cursor = Some(index);
        self.statuses[index] = StepStatus::Running;
        self.stale.remove(&index);
        let mut effects = vec![Effect::Emit(Event::StepStarted {
            step: step.id.clone(),
            title: step.title.clone(),
            action: step.action.as_ref().map(|a| a.kind().to_string()),
        })];
        if let Some(reason) = self.outdated_input(&step) {
            effects.extend(self.finish(index, StepEnd::new(StepStatus::Failed).because(reason)));
            return effects;
        }
        let request = match &step.action {
            None => {
                effects.extend(self.finish(index, StepEnd::new(StepStatus::Passed)));
                return effects;
            }
            Some(Action::Choose(_)) => return effects,
            Some(Action::Evidence(_)) => {
                match self.evidence.as_ref().map(|e| e.triage.clone()) {
                    Some(triage) => effects
                        .extend(self.finish(index, StepEnd { result: triage, ..StepEnd::new(StepStatus::Passed) })),
                    None => effects.push(Effect::NeedEvidence { step: step.id.clone() }),
                }
                return effects;
            }
            // Starting a checklist again (a tick on a finished one) keeps its boxes.
            Some(Action::Checklist(items)) => {
                self.checklists.entry(index).or_insert_with(|| vec![false; items.len()]);
                return effects;
            }
            Some(Action::Run(run)) => match self.render_run(Some(&step), run) {
                Ok(spec) => {
                    effects.push(Effect::Emit(Event::Command {
                        step: step.id.clone(),
                        command: self.mask(&spec.command),
                        cwd: self.mask(&spec.cwd),
                        env: spec.env.iter().map(|(k, v)| (k.clone(), self.mask(v))).collect(),
                        mode: step.mode,
                        script: Some(spec.script.clone()),
                        script_env: spec
                            .script_env
                            .iter()
                            .map(|(k, v)| (k.clone(), self.mask(v)))
                            .chain(spec.script_files.iter().map(|(k, v)| {
                                (k.clone(), format!("(a temporary file holding the value, {} bytes)", v.len()))
                            }))
                            .collect(),
                    }));
                    self.running.insert(index, Running::default());
                    effects.push(Effect::Spawn { step: step.id.clone(), spec });
                    return effects;
                }
                Err(reason) => Err(reason),
            },
            Some(Action::Parse(p)) => self.render_parse(p),
            Some(Action::Grep(g)) => self.render_grep(g),
            Some(Action::Blame(b)) => self.render_blame(b),
            Some(Action::Simulate(s)) => self.render_simulate(s),
        };
        match request {
            Ok(request) => effects.push(Effect::Probe { step: step.id.clone(), request }),
            Err(reason) => effects.extend(self.finish(index, StepEnd::new(StepStatus::Failed).because(reason))),
        }
        effects
    }

    fn output(&mut self, id: &str, stream: Stream, line: String, raw: Option<Vec<u8>>) -> Vec<Effect> {
        let Some(index) = self.runbook.step_index(id) else { return Vec::new() };
        if let Some(running) = self.running.get_mut(&index) {
            running.output.push(&line);
            match stream {
                Stream::Stdout => running.stdout.push(&line),
                Stream::Stderr => running.stderr.push(&line),
                Stream::Output => {}
            }
        }
        use base64::Engine as _;
        let line_b64 = raw.map(|bytes| base64::engine::general_purpose::STANDARD.encode(bytes));
        vec![Effect::Emit(Event::Output { step: id.to_string(), stream, line: self.mask(&line), line_b64 })]
    }

    fn exited(&mut self, id: &str, end: ProcessEnd, duration_ms: u64) -> Vec<Effect> {
        let Some(index) = self.runbook.step_index(id) else { return Vec::new() };
        let running = self.running.remove(&index).unwrap_or_default();
        let action = self.runbook.step(index).and_then(|s| s.action.clone());
        let Some(Action::Run(run)) = action else {
            // A probe step (parse, grep, blame, simulate) stopped before its result: cancelled, not failed.
            let probe_running = action.is_some() && self.statuses.get(index) == Some(&StepStatus::Running);
            if probe_running && end == ProcessEnd::Cancelled {
                let end = StepEnd { duration_ms: Some(duration_ms), ..StepEnd::new(StepStatus::Cancelled) };
                return self.finish(index, end.because("cancelled".to_string()));
            }
            return Vec::new();
        };
        let (status, exit_code, reason) = match end {
            ProcessEnd::TimedOut => (StepStatus::TimedOut, None, Some(format!("timed out after {:?}", run.timeout))),
            ProcessEnd::Cancelled => (StepStatus::Cancelled, None, Some("cancelled".to_string())),
            ProcessEnd::FailedToStart(e) => (StepStatus::Failed, None, Some(format!("could not start: {e}"))),
            ProcessEnd::Signalled(sig) => {
                let code = 128 + sig;
                let verdict = check_expect(&run.expect, code, &running.output.text());
                let status = if verdict.is_ok() { StepStatus::Passed } else { StepStatus::Failed };
                (
                    status,
                    Some(code),
                    verdict.err().map(|e| self.unexpected(index, format!("killed by signal {sig}; {e}"))),
                )
            }
            ProcessEnd::Exited(code) => match check_expect(&run.expect, code, &running.output.text()) {
                Ok(()) => (StepStatus::Passed, Some(code), None),
                Err(e) => (StepStatus::Failed, Some(code), Some(self.unexpected(index, e))),
            },
        };
        let result = Value::from(serde_json::json!({
            "exit_code": exit_code,
            "duration_ms": duration_ms,
            "timed_out": status == StepStatus::TimedOut,
        }));
        let end = StepEnd { status, exit_code, duration_ms: Some(duration_ms), reason, result };
        self.finish_with_output(index, end, &running)
    }

    fn probe_done(&mut self, id: &str, result: Value, passed: bool, reason: Option<String>) -> Vec<Effect> {
        let Some(index) = self.runbook.step_index(id) else { return Vec::new() };
        let status = if passed { StepStatus::Passed } else { StepStatus::Failed };
        let reason = if passed { reason } else { reason.map(|r| self.unexpected(index, r)) };
        self.finish(index, StepEnd { reason, result, ..StepEnd::new(status) })
    }

    /// A failed expectation's reason, followed by the author's `on_unexpected` words when the step has them.
    fn unexpected(&self, index: usize, reason: String) -> String {
        match self.runbook.step(index).and_then(|s| s.on_unexpected.as_deref()) {
            Some(message) => {
                let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
                // A replay feeds the recorded reason back: it already carries the words.
                if reason.ends_with(&message) {
                    reason
                } else {
                    format!("{reason}: {message}")
                }
            }
            None => reason,
        }
    }

    fn choose(&mut self, id: &str, answer: &str) -> Vec<Effect> {
        let Some(index) = self.runbook.step_index(id) else { return Vec::new() };
        let Some(Action::Choose(choose)) = self.runbook.step(index).and_then(|s| s.action.clone()) else {
            return Vec::new();
        };
        let Some(option) = find_option(&choose, answer) else {
            let ids: Vec<&str> = choose.options.iter().map(|o| o.id.as_str()).collect();
            let reason = format!("no option `{answer}` (options: {})", ids.join(", "));
            return self.finish(index, StepEnd::new(StepStatus::Failed).because(reason));
        };
        let mut effects = vec![Effect::Emit(Event::Choice {
            step: id.to_string(),
            option: option.id.clone(),
            label: option.label.clone(),
            goto: option.goto.clone(),
        })];
        let result = Value::from(serde_json::json!({"option": option.id, "label": option.label}));
        effects.extend(self.finish(index, StepEnd { result, ..StepEnd::new(StepStatus::Passed) }));
        if let Some(target) = option.goto.as_ref().and_then(|g| self.runbook.step_index(g)) {
            self.cursor = Some(target);
        }
        effects
    }

    fn check(&mut self, id: &str, item: usize, checked: bool) -> Vec<Effect> {
        let Some(index) = self.runbook.step_index(id) else { return Vec::new() };
        let Some(Action::Checklist(items)) = self.runbook.step(index).and_then(|s| s.action.clone()) else {
            return Vec::new();
        };
        let Some(label) = items.get(item).map(|i| i.text.clone()) else { return Vec::new() };
        let boxes = self.checklists.entry(index).or_insert_with(|| vec![false; items.len()]);
        if let Some(b) = boxes.get_mut(item) {
            *b = checked;
        }
        let done = boxes.iter().zip(&items).all(|(b, i)| *b || i.optional);
        let result = Value::from(serde_json::json!({ "checked": boxes.clone() }));
        let mut effects = vec![Effect::Emit(Event::ChecklistTick { step: id.to_string(), item, label, checked })];
        if done && !self.statuses[index].is_done() {
            effects.extend(self.finish(index, StepEnd { result, ..StepEnd::new(StepStatus::Passed) }));
        } else if !done && self.statuses[index].is_done() {
            self.statuses[index] = StepStatus::Running;
        }
        effects
    }

    /// Ends a step that printed nothing (a probe, a choice, a checklist, a skip).
    fn finish(&mut self, index: usize, end: StepEnd) -> Vec<Effect> {
        self.finish_with_output(index, end, &Running::default())
    }

    /// Ends a step: its captures (a failed capture fails the step), its milestone, `step_finished`, and the cursor.
    fn finish_with_output(&mut self, index: usize, end: StepEnd, output: &Running) -> Vec<Effect> {
        let StepEnd { mut status, exit_code, duration_ms, mut reason, result } = end;
        let Some(step) = self.runbook.step(index).cloned() else { return Vec::new() };
        let before: BTreeMap<String, Value> = step
            .captures
            .iter()
            .filter_map(|c| self.captures.get(&c.name).map(|v| (c.name.clone(), v.clone())))
            .collect();
        let mut effects = Vec::new();
        if status == StepStatus::Passed {
            match self.take_captures(&step, &result, output) {
                Ok(values) => {
                    for (name, value) in values {
                        effects.push(Effect::Emit(Event::Capture {
                            step: step.id.clone(),
                            name: name.clone(),
                            value: self.mask_value(&value),
                        }));
                        self.captures.insert(name, value);
                    }
                }
                Err(e) => {
                    status = StepStatus::Failed;
                    reason = Some(e);
                }
            }
        }
        if status == StepStatus::Passed {
            if let Some(m) = step.milestone {
                if !self.milestones.contains(&m) {
                    self.milestones.push(m);
                }
                effects.push(Effect::Emit(Event::Milestone { step: step.id.clone(), milestone: m }));
            }
        }
        self.statuses[index] = status;
        let step_next = step.next.clone();
        let stale = self.mark_stale(index, status, reason.as_deref(), before);
        effects.push(Effect::Emit(Event::StepFinished { step: step.id, status, exit_code, duration_ms, reason }));
        effects.extend(stale);
        if self.cursor == Some(index) {
            let jump =
                if status == StepStatus::Passed { step_next.and_then(|n| self.runbook.step_index(&n)) } else { None };
            let next = jump.unwrap_or(index + 1);
            self.cursor = (next < self.statuses.len()).then_some(next);
        }
        effects
    }

    fn take_captures(&self, step: &Step, result: &Value, output: &Running) -> Result<Vec<(String, Value)>, String> {
        let mut values = Vec::new();
        for capture in &step.captures {
            let text = match capture.from {
                CaptureFrom::Result => {
                    if capture.regex.is_none() {
                        values.push((capture.name.clone(), result.clone()));
                        continue;
                    }
                    result.to_text()
                }
                CaptureFrom::Output => output.output.text(),
                CaptureFrom::Stdout => output.stdout.text(),
                CaptureFrom::Stderr => output.stderr.text(),
            };
            let value = match &capture.regex {
                // Like `$(…)` in a shell: trailing newlines are not part of the value.
                None => Value::Str(text.trim_end_matches('\n').to_string()),
                Some(re) => {
                    let caps = re.regex().captures(&text).ok_or_else(|| {
                        format!("capture `{}`: regex `{}` did not match the output", capture.name, re.as_str())
                    })?;
                    let group = capture.group.unwrap_or(if caps.len() > 1 { 1 } else { 0 });
                    Value::Str(caps.get(group).map(|m| m.as_str().to_string()).unwrap_or_default())
                }
            };
            values.push((capture.name.clone(), value));
        }
        Ok(values)
    }
}

/// How a step ended, as `finish` records it.
struct StepEnd {
    status: StepStatus,
    exit_code: Option<i32>,
    duration_ms: Option<u64>,
    /// Why it failed or was skipped.
    reason: Option<String>,
    /// What captures with `from: result` read (null when the step has no result).
    result: Value,
}

impl StepEnd {
    fn new(status: StepStatus) -> StepEnd {
        StepEnd { status, exit_code: None, duration_ms: None, reason: None, result: Value::Null }
    }

    fn because(self, reason: String) -> StepEnd {
        StepEnd { reason: Some(reason), ..self }
    }
}

/// The option an answer names: its 1-based number, its id, or its label (any case).
pub fn find_option<'c>(choose: &'c ChooseAction, answer: &str) -> Option<&'c ChoiceOption> {
    let by_number = answer.parse::<usize>().ok().and_then(|n| n.checked_sub(1)).and_then(|i| choose.options.get(i));
    by_number.or_else(|| choose.options.iter().find(|o| o.id == answer || o.label.eq_ignore_ascii_case(answer)))
}

/// Checks an exit code and the output against a step's expectations; `Err` says what did not hold.
pub fn check_expect(expect: &Expect, code: i32, output: &str) -> Result<(), String> {
    if !expect.exit_codes.contains(&code) {
        let wanted: Vec<String> = expect.exit_codes.iter().map(|c| c.to_string()).collect();
        // The shell's own codes say more than the number: a missing tool is the usual 3 a.m. surprise.
        let meaning = match code {
            126 => " (the shell found the command but could not execute it)",
            127 => " (command not found: is the tool installed and on PATH?)",
            _ => "",
        };
        return Err(format!("exit code {code}{meaning}, expected {}", wanted.join(" or ")));
    }
    for re in &expect.matches {
        if !re.regex().is_match(output) {
            return Err(format!("output does not match `{re}`"));
        }
    }
    for re in &expect.not_matches {
        if let Some(m) = re.regex().find(output) {
            return Err(format!("output matches `{re}` (\"{}\")", m.as_str()));
        }
    }
    Ok(())
}
