//! `runbook resume [JOURNAL] --headless`: continues an interrupted session where its journal ends.
//!
//! The journal's events are fed back through the engine (journal::replay), which restores statuses, captures and
//! the current step; a step that was running when the session died runs again. New events are appended to the
//! same journal after its torn last line, if any, is cut away. Without JOURNAL: the latest session of this
//! directory that has no `session_finished`.

use super::run::{self, Policy};
use super::Code;
use crate::engine::{self, Context, Session};
use crate::journal::{self, replay, sessions, Journal};
use anyhow::{anyhow, bail, Context as _};
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
    /// Correct the mapping of the evidence's paths (repeatable, added to those the journal records): the stored
    /// evidence is triaged again and the steps computed from it are marked stale
    #[arg(long = "map", value_name = "FROM=TO")]
    pub map: Vec<String>,
}

pub fn run(args: &ResumeArgs) -> anyhow::Result<Code> {
    let (session, policy, journal) = prepare(args)?;
    run::headless(session, &policy, args.flags.json, Some(journal))?.close()
}

fn prepare(args: &ResumeArgs) -> anyhow::Result<(Session, Policy, Journal)> {
    if !args.headless {
        bail!("resume: only --headless is supported in this build");
    }
    let path = match &args.journal {
        Some(p) => PathBuf::from(p),
        None => sessions::latest_unfinished(&super::source::workdir()).ok_or_else(|| {
            anyhow!("no unfinished session for this directory in {}", sessions::sessions_dir().display())
        })?,
    };
    let loaded = journal::read(&path)?;
    for warning in &loaded.warnings {
        crate::textsafe::eprint_line(&format!("runbook: warning: {}: {warning}", path.display()));
    }
    if loaded.finished() {
        bail!("{}: this session is finished (it has a session_finished)", path.display());
    }
    let start = loaded.start().ok_or_else(|| anyhow!("{}: no session_start", path.display()))?;
    let yaml = start.runbook.yaml.as_bytes();
    let runbook = engine::load(&start.runbook.source, yaml)?;
    let mut vars = start.vars.clone();
    vars.extend(replay::vars_set(&loaded.records));
    vars.extend(run::split_pairs(&args.flags.vars, "--var")?);
    if let Some((name, _)) = vars.iter().find(|(_, v)| v.as_str() == crate::engine::MASK) {
        bail!("var `{name}` is secret and the journal has it masked: give it with --var {name}=…");
    }
    let answers = run::split_pairs(&args.flags.answers, "--answer")?;
    run::check_answers(&runbook, &answers, "runbook")?;
    let assets_dir = crate::bundled::assets_dir().context("cannot write the bundled assets")?;
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
    let mut session = Session::new(runbook, context, vars).map_err(anyhow::Error::msg)?;
    let replayed = replay::restore(&mut session, &loaded.records);
    for d in &replayed.divergences {
        crate::textsafe::eprint_line(&format!("runbook: warning: replay: {d}"));
    }
    match replayed.interrupted.as_slice() {
        [] => {}
        [step] => crate::textsafe::eprint_line(&format!("runbook: step `{step}` was interrupted; it runs again")),
        steps => {
            let names: Vec<String> = steps.iter().map(|s| format!("`{s}`")).collect();
            crate::textsafe::eprint_line(&format!(
                "runbook: steps {} were interrupted; the run continues from {}, the first of them",
                names.join(", "),
                names[0]
            ));
        }
    }
    let journal = Journal::append(&path, loaded.keep_len, loaded.needs_newline, loaded.last_offset_ms())
        .with_context(|| format!("cannot append to {}", path.display()))?;
    journal.set_secrets(secrets);
    let _ = journal.meta(journal::Meta::SessionResumed {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        pid: Some(std::process::id()),
    });
    let phases = args.flags.phases(session.runbook())?;
    let repo_states = journal::fix::repo_states(&loaded.records).map(|s| s.snapshot.clone()).collect();
    let evidence = remapped(&session, &args.map)?;
    Ok((session, Policy { yes: args.flags.yes, trusted, answers, phases, evidence, repo_states }, journal))
}

/// `--map` on resume: the journal's evidence triaged again with the recorded rewrites and these, later ones
/// winning for the same prefix. `None` without `--map`: the recorded triage stands as it is.
fn remapped(session: &Session, map: &[String]) -> anyhow::Result<Option<engine::Input>> {
    if map.is_empty() {
        return Ok(None);
    }
    let given = map
        .iter()
        .map(|m| m.parse::<crate::locate::Rewrite>().map_err(|e| anyhow!("--map {m}: {e}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let (Some(files), Some(triage)) = (session.evidence_files(), session.evidence_triage()) else {
        bail!("--map: this session has no evidence to map");
    };
    let mut rewrites = crate::evidence::recorded_rewrites(triage);
    rewrites.retain(|r| !given.iter().any(|g| g.from == r.from));
    rewrites.extend(given);
    let repo = PathBuf::from(session.evidence_repo());
    crate::evidence::remap(files, &repo, &rewrites).map(Some)
}
