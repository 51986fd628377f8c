//! `runbook resume [JOURNAL] --headless`: continues an interrupted session where its journal ends.
//!
//! The journal's events are fed back through the engine (journal::replay), which restores statuses, captures and
//! the current step; a step that was running when the session died runs again. New events are appended to the
//! same journal after its torn last line, if any, is cut away. Without JOURNAL: the latest session of this
//! directory that has no `session_finished`.

use super::run::{self, Policy};
use crate::engine::{self, Context, Session};
use crate::journal::{self, replay, sessions, Journal};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct ResumeArgs {
    /// The session journal (default: the latest unfinished session of this directory)
    pub journal: Option<String>,
    /// Continue without a terminal
    #[arg(long)]
    pub headless: bool,
    #[command(flatten)]
    pub flags: run::RunFlags,
}

pub fn run(args: &ResumeArgs) -> i32 {
    match prepare(args) {
        Ok((session, policy, journal)) => {
            let (code, journal) = run::headless(session, &policy, args.flags.json, Some(journal));
            run::close_journal(journal.as_ref(), code);
            code
        }
        Err((code, message)) => {
            eprintln!("runbook: {message}");
            code
        }
    }
}

fn prepare(args: &ResumeArgs) -> Result<(Session, Policy, Journal), (i32, String)> {
    if !args.headless {
        return Err((2, "resume: only --headless is supported in this build".into()));
    }
    let path = match &args.journal {
        Some(p) => PathBuf::from(p),
        None => sessions::latest_unfinished(&super::source::workdir()).ok_or_else(|| {
            (2, format!("no unfinished session for this directory in {}", sessions::sessions_dir().display()))
        })?,
    };
    let loaded = journal::read(&path).map_err(|e| (2, e.to_string()))?;
    for warning in &loaded.warnings {
        eprintln!("runbook: warning: {}: {warning}", path.display());
    }
    if loaded.finished() {
        return Err((2, format!("{}: this session is finished (it has a session_finished)", path.display())));
    }
    let start = loaded.start().ok_or((2, format!("{}: no session_start", path.display())))?;
    let yaml = start.runbook.yaml.as_bytes();
    let runbook = engine::load(&start.runbook.source, yaml).map_err(|e| (2, e.to_string()))?;
    let mut vars = start.vars.clone();
    vars.extend(replay::vars_set(&loaded.records));
    vars.extend(run::split_pairs(&args.flags.vars, "--var").map_err(|e| (2, e))?);
    if let Some((name, _)) = vars.iter().find(|(_, v)| v.as_str() == crate::engine::MASK) {
        return Err((2, format!("var `{name}` is secret and the journal has it masked: give it with --var {name}=…")));
    }
    let answers = run::split_pairs(&args.flags.answers, "--answer").map_err(|e| (2, e))?;
    if let Some(step) = answers.keys().find(|s| runbook.step_index(s).is_none()) {
        return Err((2, format!("--answer {step}=…: the runbook has no step `{step}`")));
    }
    let assets_dir = crate::bundled::assets_dir().map_err(|e| (2, format!("cannot write the bundled assets: {e}")))?;
    let context = Context {
        workdir: start.workdir.clone(),
        assets_dir: assets_dir.display().to_string(),
        runbook_dir: start.runbook_dir.clone(),
    };
    let secrets = run::secret_values(&runbook, &vars);
    // Trust what the journal says was bundled only when it is the bundled runbook's exact text.
    let bundled = start.runbook.bundled
        && crate::bundled::runbook(&start.runbook.id).is_some_and(|b| b.yaml == start.runbook.yaml.as_bytes());
    let trusted = bundled || super::trust::is_trusted(yaml);
    let mut session = Session::new(runbook, context, vars).map_err(|e| (2, e))?;
    let replayed = replay::restore(&mut session, &loaded.records);
    for d in &replayed.divergences {
        eprintln!("runbook: warning: replay: {d}");
    }
    match replayed.interrupted.as_slice() {
        [] => {}
        [step] => eprintln!("runbook: step `{step}` was interrupted; it runs again"),
        steps => {
            let names: Vec<String> = steps.iter().map(|s| format!("`{s}`")).collect();
            eprintln!(
                "runbook: steps {} were interrupted; the run continues from {}, the first of them",
                names.join(", "),
                names[0]
            );
        }
    }
    let journal = Journal::append(&path, loaded.keep_len, loaded.needs_newline, loaded.last_offset_ms())
        .map_err(|e| (2, format!("cannot append to {}: {e}", path.display())))?;
    journal.set_secrets(secrets);
    let _ = journal.meta(journal::Meta::SessionResumed {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        pid: Some(std::process::id()),
    });
    let phases = args.flags.phases(session.runbook()).map_err(|e| (2, e))?;
    Ok((session, Policy { yes: args.flags.yes, trusted, answers, phases }, journal))
}
