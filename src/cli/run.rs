//! `runbook run FILE|ID --headless`: runs the steps in order without a terminal, printing events.
//!
//! Policy (docs/runbook-format.md): without `--yes` only `observe` steps of trusted runbooks run (bundled ones are
//! trusted; `runbook trust` trusts a file's exact content); everything else is skipped with the reason. The
//! `command` event is always printed before its process starts, and journaled (synced) before that.

use super::{source, Code};
use crate::engine::{Action, Context, Effect, Event, Input, Mode, Session, StepStatus};
use crate::journal::{self, Journal};
use crate::probes::shell::{self, ShellMsg};
use anyhow::{anyhow, bail, Context as _};
use std::collections::{BTreeMap, VecDeque};
use std::io::{self, Write};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// A runbook file, or the id of a bundled runbook (see `runbook list`)
    pub runbook: String,
    /// Run without a terminal (the only mode of `run`; the TUI is `runbook open`)
    #[arg(long)]
    pub headless: bool,
    #[command(flatten)]
    pub flags: RunFlags,
    /// Write the session journal here
    #[arg(long)]
    pub journal: Option<String>,
    #[command(flatten)]
    pub evidence: super::evidence::EvidenceArgs,
}

/// What a headless run is allowed to do and how it prints: shared by `run` and `resume`.
#[derive(Debug, clap::Args)]
pub struct RunFlags {
    /// Print JSON lines (one event per line) instead of text
    #[arg(long)]
    pub json: bool,
    /// Run every step, including `change` steps and steps of untrusted runbooks
    #[arg(long)]
    pub yes: bool,
    /// Set a runbook var: --var repo=/src/app (on resume, secret vars must be given again: the journal masks them)
    #[arg(long = "var", value_name = "K=V")]
    pub vars: Vec<String>,
    /// Answer a choose step: --answer fix_choice=mutex (option id, label or 1-based number)
    #[arg(long = "answer", value_name = "STEP=OPTION")]
    pub answers: Vec<String>,
    /// Run only the steps of this phase (repeatable): --phase reproduce; the others are skipped
    #[arg(long = "phase", value_name = "PHASE")]
    pub phases: Vec<String>,
    /// Cap of each step's side file of complete output, head and tail kept (default 1GiB; a step's `spill_cap:`
    /// wins)
    #[arg(long, value_name = "SIZE", value_parser = crate::engine::size::parse)]
    pub spill_cap: Option<u64>,
}

impl RunFlags {
    /// The selected phases, each checked against the runbook.
    pub fn phases(&self, runbook: &crate::engine::Runbook) -> anyhow::Result<Vec<String>> {
        for phase in &self.phases {
            if !runbook.phases.iter().any(|p| &p.id == phase) {
                let ids: Vec<&str> = runbook.phases.iter().map(|p| p.id.as_str()).collect();
                bail!("--phase {phase}: the runbook has no such phase (phases: {})", ids.join(", "));
            }
        }
        Ok(self.phases.clone())
    }
}

/// Most step executions in one headless run, relative to the step count: gotos can loop.
const MAX_VISITS_PER_STEP: usize = 5;

pub fn run(args: &RunArgs) -> anyhow::Result<Code> {
    if !args.headless {
        bail!("run: only --headless is supported; open the TUI with `runbook {}`", args.runbook);
    }
    let source = source::find(&args.runbook)?;
    let runbook = source::load(&source)?;
    let vars = split_pairs(&args.flags.vars, "--var")?;
    let answers = split_pairs(&args.flags.answers, "--answer")?;
    check_answers(&runbook, &answers, "runbook")?;
    let assets_dir = source::assets_dir()?;
    let context = Context { workdir: source::workdir(), assets_dir, runbook_dir: source.dir.clone() };
    let given = vars.clone();
    let session = Session::new(runbook, context, vars).map_err(anyhow::Error::msg)?;
    let phases = args.flags.phases(session.runbook())?;
    let reachable = super::reach::reachable(session.runbook(), 0, &answers, &phases);
    if let Some(why) = super::evidence::refusal(session.runbook(), &reachable, !args.evidence.logs.is_empty()) {
        bail!("{why}");
    }
    let pending = args.evidence.read()?;
    if pending.as_ref().is_some_and(|p| p.sources.is_empty()) {
        bail!("--redact and --map need evidence to apply to: give the crash log with --log FILE");
    }
    if let Some(why) = super::reach::refusal(&super::reach::open_choices(session.runbook(), 0, &answers, &phases)) {
        bail!("{why}");
    }
    let trusted = source.bundled || super::trust::is_trusted(&source.bytes);
    let start = journal::sessions::session_start(&journal::sessions::StartFacts {
        runbook: session.runbook(),
        yaml: &source.bytes,
        source: &source.name,
        bundled: source.bundled,
        workdir: &source::workdir(),
        runbook_dir: &source.dir,
        mode: journal::record::SessionMode::Headless,
        vars: &given,
        drill: None,
    });
    let journal = open_journal(args.journal.as_deref(), session.runbook(), start)?;
    if let Some(j) = &journal {
        j.set_secrets(secret_values(session.runbook(), &given));
        if let Some(cap) = args.flags.spill_cap {
            j.set_spill_cap(cap);
        }
    }
    let mut evidence = None;
    if let Some(pending) = &pending {
        let (dir, _keep) = match &journal {
            Some(j) => (super::evidence::evidence_dir(j.path()), None),
            None => {
                let t = tempfile::tempdir().context("cannot store the evidence")?;
                (t.path().to_path_buf(), Some(t))
            }
        };
        match super::evidence::load(&session, pending, &dir) {
            Ok(input) => evidence = Some(input),
            Err(e) => {
                close_journal(journal.as_ref(), Code::ProblemsReported);
                return Err(e);
            }
        }
    }
    let policy = Policy { yes: args.flags.yes, trusted, answers, phases, evidence, repo_states: Vec::new() };
    headless(session, &policy, args.flags.json, journal)?.close()
}

/// Every `--answer STEP=…` names a step of the runbook (`what`: "runbook" or "drill", for the message).
pub(crate) fn check_answers(
    runbook: &crate::engine::Runbook,
    answers: &BTreeMap<String, String>,
    what: &str,
) -> anyhow::Result<()> {
    match answers.keys().find(|step| runbook.step_index(step).is_none()) {
        Some(step) => Err(anyhow!("--answer {step}=…: the {what} has no step `{step}`")),
        None => Ok(()),
    }
}

/// Creates the session's journal: at `--journal PATH` (failure is an error), or in the state directory (failure
/// is a warning: an incident tool keeps working when it cannot write its log).
pub(crate) fn open_journal(
    path: Option<&str>,
    runbook: &crate::engine::Runbook,
    start: journal::Meta,
) -> anyhow::Result<Option<Journal>> {
    let (path, explicit) = match path {
        Some(p) => (std::path::PathBuf::from(p), true),
        None => (journal::sessions::default_path(&runbook.id), false),
    };
    match Journal::create(&path, start) {
        Ok(j) => Ok(Some(j)),
        Err(e) if explicit => Err(anyhow!(journal::sessions::create_failure(&path, &e))),
        Err(e) => {
            crate::textsafe::eprint_line(&format!(
                "runbook: warning: no journal for this session ({}: {e})",
                path.display()
            ));
            Ok(None)
        }
    }
}

/// The values of `secret: true` vars (given or default), masked again by the journal writer.
pub(crate) fn secret_values(runbook: &crate::engine::Runbook, given: &BTreeMap<String, String>) -> Vec<String> {
    runbook
        .vars
        .iter()
        .filter(|v| v.secret)
        .filter_map(|v| given.get(&v.name).or(v.default.as_ref()).cloned())
        .collect()
}

/// How a headless run ended: its exit code, the journal (still open for whatever the caller records after the
/// run: a drill's debrief), and whether stdout failed on the way.
pub(crate) struct RunEnd {
    pub code: Code,
    pub journal: Option<Journal>,
    /// The first error writing to stdout (a closed pipe, a full disk): printing stopped there, the run went on.
    pub stdout: Option<io::Error>,
}

impl RunEnd {
    /// Closes the journal, then returns the run's code, or the stdout error (a closed pipe is a success in
    /// `exit::report`).
    pub fn close(self) -> anyhow::Result<Code> {
        close_journal(self.journal.as_ref(), self.code);
        match self.stdout {
            Some(e) => Err(e).context("cannot print the run's events (the run went on; its journal has them all)"),
            None => Ok(self.code),
        }
    }
}

/// Runs a prepared session headless to the end, printing and journaling every event.
pub(crate) fn headless(
    session: Session,
    policy: &Policy,
    json: bool,
    journal: Option<Journal>,
) -> anyhow::Result<RunEnd> {
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            close_journal(journal.as_ref(), Code::ProblemsReported);
            return Err(e).context("cannot start the async runtime");
        }
    };
    let mut printer = Printer::new(json, crate::textsafe::stdout(json), journal);
    printer.short_secrets(&session.short_secret_vars());
    let code = runtime.block_on(drive(session, policy, &mut printer));
    // A cancelled probe left running on a blocking thread must not hold the process (dropping the runtime would
    // wait for it).
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    Ok(RunEnd { code, journal: printer.journal, stdout: None })
}

/// Closes the session with `session_finished`, except after an interrupt (130): that session stays open, so
/// `runbook resume` finds it.
pub(crate) fn close_journal(journal: Option<&Journal>, code: Code) {
    let Some(journal) = journal else { return };
    if code != Code::Interrupted {
        let finished = journal::Meta::SessionFinished { reason: "completed".into(), exit_code: Some(code.as_i32()) };
        let _ = journal.meta(finished);
    }
    if let Some(e) = journal.broken() {
        crate::textsafe::eprint_line(&format!(
            "runbook: warning: the journal {} is incomplete: {e}",
            journal.path().display()
        ));
    }
}

pub(crate) fn split_pairs(items: &[String], flag: &str) -> anyhow::Result<BTreeMap<String, String>> {
    items
        .iter()
        .map(|item| match item.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
            _ => Err(anyhow!("{flag} {item:?}: expected KEY=VALUE")),
        })
        .collect()
}

pub struct Policy {
    pub yes: bool,
    pub trusted: bool,
    pub answers: BTreeMap<String, String>,
    /// Only steps of these phases run (empty: all phases).
    pub phases: Vec<String>,
    /// The incident's evidence (`--log`), fed to the session before its first step.
    pub evidence: Option<Input>,
    /// Repository states the journal already holds (resume): the base stays the session's first HEAD.
    pub repo_states: Vec<crate::engine::RepoSnapshot>,
}

impl Policy {
    /// What headless does with a step: `Ok` to start it, `Err(reason)` to skip it.
    fn decide(&self, phase: &str, step: &crate::engine::Step) -> Result<(), String> {
        if !self.phases.is_empty() && !self.phases.iter().any(|p| p == phase) {
            return Err(format!("phase `{phase}` was not selected with --phase"));
        }
        match &step.action {
            Some(Action::Checklist(_)) => return Err("a checklist needs a person: open it in the TUI".into()),
            Some(Action::Choose(_)) if !self.answers.contains_key(&step.id) => {
                return Err(format!("no --answer {}=OPTION given", step.id));
            }
            _ => {}
        }
        if self.yes || step.action.is_none() || matches!(step.action, Some(Action::Choose(_))) {
            return Ok(());
        }
        match (self.trusted, step.mode) {
            (true, Mode::Observe) => Ok(()),
            (true, Mode::Change) => Err("a `change` step runs headless only with --yes".into()),
            (false, _) => Err("this runbook is not trusted: run `runbook trust FILE` or pass --yes".into()),
        }
    }
}

/// Output lines held back at most before they are made durable and printed.
const HOLD_BYTES: usize = 1 << 20;

struct Printer<W: Write> {
    json: bool,
    out: W,
    journal: Option<Journal>,
    /// Output lines printed only once the journal (or the step's side file) has them on disk: the engineer never
    /// sees a line that a crash right after would lose. Released when the step's output pauses, at the next
    /// event, or past `HOLD_BYTES`.
    held: Vec<u8>,
    held_step: Option<String>,
    /// The repositories steps ran in: their state is journaled when a step changed them (`repo_state`).
    repos: crate::locate::repo_state::Tracker,
}

impl<W: Write> Printer<W> {
    fn new(json: bool, out: W, journal: Option<Journal>) -> Self {
        Printer { json, out, journal, held: Vec::new(), held_step: None, repos: Default::default() }
    }

    /// Says before the first step which secret vars are too short to be masked inside output (issue 12 item 3):
    /// a `warning` object with `kind: short_secret` and the var names in JSON; a warning on stderr in text.
    /// Printed only, not journaled: the journal's readers need no new record, and the run states it again.
    fn short_secrets(&mut self, names: &[String]) {
        let Some(message) = crate::engine::masking::short_secret_warning(names) else { return };
        if self.json {
            let line =
                serde_json::json!({"type": "warning", "kind": "short_secret", "vars": names, "message": message});
            let _ = writeln!(self.out, "{line}");
            let _ = self.out.flush();
        } else {
            eprintln!("runbook: warning: {message}");
        }
    }

    /// Journals a repository state (journal only: headless output is unchanged).
    fn repo_state(&self, observed: Option<crate::locate::repo_state::Observed>) {
        if let (Some(journal), Some((step, reason, snapshot))) = (&self.journal, observed) {
            let _ = journal.meta(journal::Meta::RepoState(Box::new(journal::RepoState { step, reason, snapshot })));
        }
    }

    /// Syncs the held output lines to disk, then prints them.
    fn release(&mut self) {
        let Some(step) = self.held_step.take() else { return };
        if let Some(journal) = &self.journal {
            let _ = journal.sync_output(&step);
        }
        let _ = self.out.write_all(&self.held);
        let _ = self.out.flush();
        self.held.clear();
    }

    /// Journals the event (on disk before the run moves on; output lines are held until they are), then prints.
    fn event(&mut self, event: &Event) {
        if let Some(journal) = &self.journal {
            let _ = journal.record(event);
            let observed = self.repos.after_event(event);
            self.repo_state(observed);
        }
        if let (Event::Output { step, .. }, Some(_)) = (event, &self.journal) {
            if let Some(line) = self.format(event) {
                self.held.extend_from_slice(line.as_bytes());
                self.held.push(b'\n');
                self.held_step = Some(step.clone());
            }
            if self.held.len() >= HOLD_BYTES {
                self.release();
            }
            return;
        }
        // Any other event is synced by `record`, and with it the output before it.
        self.release();
        let Some(line) = self.format(event) else { return };
        // A closed stdout (piped into `head`) must not abort the run mid-step; the events are lost either way.
        let _ = writeln!(self.out, "{line}");
        if !matches!(event, Event::Output { .. }) {
            let _ = self.out.flush();
        }
    }

    fn format(&self, event: &Event) -> Option<String> {
        if self.json {
            Some(serde_json::to_string(event).unwrap_or_else(|e| format!("{{\"type\":\"error\",\"message\":\"{e}\"}}")))
        } else {
            text_line(event)
        }
    }
}

fn text_line(event: &Event) -> Option<String> {
    Some(match event {
        Event::StepStarted { step, title, .. } => format!("▶ {step}: {title}"),
        Event::Command { command, cwd, mode, .. } => format!("  $ {command}    (in {cwd}, {mode})"),
        Event::Output { line, .. } => format!("  │ {line}"),
        Event::Capture { name, value, .. } => format!("  = {name}: {}", crate::engine::value_text::summarize(value)),
        Event::Choice { option, label, .. } => format!("  → chose {option}: {label}"),
        Event::ChecklistTick { item, label, checked, .. } => {
            format!("  {} {}. {label}", if *checked { "[x]" } else { "[ ]" }, item + 1)
        }
        Event::Milestone { milestone, .. } => format!("  ★ milestone: {milestone}"),
        Event::Stale { step, reason, .. } => format!("  ⟲ {step} is stale: {reason}"),
        Event::StepFinished { step, status, exit_code, duration_ms, reason } => {
            let mut s = format!("{} {step}: {}", mark(*status), status.as_str());
            // A reason that starts with the exit code already says it.
            let reason_names_code = reason.as_deref().is_some_and(|r| r.starts_with("exit code"));
            if let Some(c) = exit_code.filter(|_| !reason_names_code) {
                s.push_str(&format!(", exit {c}"));
            }
            if let Some(d) = duration_ms {
                s.push_str(&format!(", {d} ms"));
            }
            if let Some(r) = reason {
                s.push_str(&format!(" — {r}"));
            }
            s
        }
        Event::RunFinished { passed, failed, skipped, not_run } => {
            let not_run = if *not_run > 0 { format!(", {not_run} not run") } else { String::new() };
            format!("done: {passed} passed, {failed} failed, {skipped} skipped{not_run}")
        }
        Event::VarSet { name, value } => format!("  = var {name}: {value}"),
        Event::Evidence { files, triage } => crate::evidence::triage::headline(files, triage),
    })
}

fn mark(status: StepStatus) -> &'static str {
    match status {
        StepStatus::Passed => "✔",
        StepStatus::Skipped => "↷",
        StepStatus::Pending | StepStatus::Running => "…",
        _ => "✘",
    }
}

async fn drive<W: Write>(mut session: Session, policy: &Policy, printer: &mut Printer<W>) -> Code {
    let cancel = CancellationToken::new();
    let watcher = tokio::spawn(super::signals::cancel_on_signal(cancel.clone()));
    let mut visits = 0usize;
    let budget = session.runbook().step_count() * MAX_VISITS_PER_STEP;
    if printer.journal.is_some() {
        for state in &policy.repo_states {
            printer.repos.seed(state);
        }
        let observed = printer.repos.at_start(std::path::Path::new(&session.evidence_repo()));
        printer.repo_state(observed);
    }
    if let Some(input) = policy.evidence.clone() {
        for effect in session.apply(input) {
            if let Effect::Emit(event) = effect {
                printer.event(&event);
            }
        }
    }
    while let Some(index) = session.cursor() {
        if cancel.is_cancelled() {
            break;
        }
        visits += 1;
        if visits > budget {
            eprintln!("runbook: stopping: steps ran more than {MAX_VISITS_PER_STEP} times each (a goto loop?)");
            break;
        }
        let Some(step) = session.runbook().step(index).cloned() else { break };
        let phase = session.runbook().phases.iter().find(|p| p.steps.iter().any(|s| s.id == step.id));
        let decided = policy.decide(phase.map_or("", |p| p.id.as_str()), &step);
        let starts = decided.is_ok();
        let input = match decided {
            Ok(()) => Input::Start { step: step.id.clone() },
            Err(reason) => Input::Skip { step: step.id.clone(), reason },
        };
        let mut queue: VecDeque<Effect> = session.apply(input).into();
        // An answer is for a choice that starts: a skipped one (its phase not selected) is not chosen.
        if let (true, Some(Action::Choose(_)), Some(answer)) = (starts, &step.action, policy.answers.get(&step.id)) {
            queue.extend(session.apply(Input::Choose { step: step.id.clone(), option: answer.clone() }));
        }
        while let Some(effect) = queue.pop_front() {
            match effect {
                Effect::Emit(event) => printer.event(&event),
                // Refused before the run starts when no --log was given (`evidence_refusal`); a step that still
                // asks is failed rather than left waiting.
                Effect::NeedEvidence { step } => {
                    let reason = "needs the incident's evidence: give it with --log FILE (- for stdin)".to_string();
                    queue.extend(session.apply(Input::Skip { step, reason }));
                }
                Effect::Spawn { step, spec } => {
                    let (tx, mut rx) = mpsc::channel(1024);
                    let spill = printer.journal.as_ref().and_then(|j| j.spill(&step, spec.spill_cap));
                    tokio::spawn(shell::run(spec, spill, tx, cancel.clone()));
                    // `Exited` is the step's last message: the step ends there, even if a process that left the
                    // group (a daemon) still holds the pipe.
                    loop {
                        let msg = match rx.try_recv() {
                            Ok(msg) => msg,
                            Err(mpsc::error::TryRecvError::Disconnected) => break,
                            Err(mpsc::error::TryRecvError::Empty) => {
                                // The output pauses: make what arrived durable and show it.
                                printer.release();
                                match rx.recv().await {
                                    Some(msg) => msg,
                                    None => break,
                                }
                            }
                        };
                        let last = matches!(msg, ShellMsg::Exited { .. });
                        let input = match msg {
                            ShellMsg::Line { stream, line, raw } => {
                                Input::Output { step: step.clone(), stream, line, raw }
                            }
                            ShellMsg::Exited { end, duration_ms } => {
                                Input::Exited { step: step.clone(), end, duration_ms }
                            }
                        };
                        for effect in session.apply(input) {
                            match effect {
                                Effect::Emit(event) => printer.event(&event),
                                other => queue.push_back(other),
                            }
                        }
                        if last {
                            break;
                        }
                    }
                }
                Effect::Probe { step, request } => {
                    let input = run_probe(step, request, &cancel).await;
                    if let (Some(journal), Input::ProbeDone { step, result, passed, reason }) =
                        (&printer.journal, &input)
                    {
                        let _ = journal.meta(journal::Meta::ProbeResult {
                            step: step.clone(),
                            result: result.clone(),
                            passed: *passed,
                            reason: reason.clone(),
                        });
                    }
                    queue.extend(session.apply(input));
                }
            }
        }
    }
    watcher.abort();
    let (passed, failed, skipped) = session.counts();
    let not_run = session.statuses().len().saturating_sub(passed + failed + skipped);
    printer.event(&Event::RunFinished { passed, failed, skipped, not_run });
    if cancel.is_cancelled() {
        return Code::Interrupted;
    }
    if failed > 0 {
        Code::Failure
    } else {
        Code::Success
    }
}

/// Runs a probe on a blocking thread with the run's cancellation token. Once the token is cancelled the probe is
/// not waited for (a simulation stops by itself within a few thousand micro-steps; a parse under way finishes in
/// the background) and the step ends as cancelled.
async fn run_probe(step: String, request: crate::engine::ProbeRequest, cancel: &CancellationToken) -> Input {
    let started = std::time::Instant::now();
    let id = step.clone();
    let token = cancel.clone();
    let job = tokio::task::spawn_blocking(move || crate::probes::execute::execute_with(&step, &request, &token));
    let cancelled = |id: String| Input::Exited {
        step: id,
        end: crate::engine::ProcessEnd::Cancelled,
        duration_ms: started.elapsed().as_millis() as u64,
    };
    tokio::select! {
        done = job => match done {
            Ok(Input::ProbeDone { passed: false, .. }) if cancel.is_cancelled() => cancelled(id),
            Ok(input) => input,
            Err(e) => Input::ProbeDone {
                step: id,
                result: crate::engine::Value::Null,
                passed: false,
                reason: Some(format!("the action crashed: {e}")),
            },
        },
        _ = cancel.cancelled() => cancelled(id),
    }
}
