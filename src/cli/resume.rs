//! `runbook resume [JOURNAL]`: continues a session where its journal ends, on the screen (the default) or
//! `--headless`.
//!
//! The journal's events are fed back through the engine (journal::replay), which restores statuses, captures and
//! the current step; a step that was running when the session died runs again. On the screen the same records also
//! rebuild what was shown (outputs, results, notes, ticks), as `replay` does, and the session then goes on live.
//! New events are appended to the same journal after its torn last line, if any, is cut away. A session that was
//! finished (quit) is reopened with a `session_reopened` entry. Without JOURNAL: the newest session of this
//! directory, finished or not.

use super::run::{self, Policy};
use super::Code;
use crate::engine::{self, Context, Session};
use crate::journal::{self, replay, sessions, Journal};
use anyhow::{anyhow, bail, Context as _};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct ResumeArgs {
    /// The session journal (default: the newest session of this directory, finished or not)
    pub journal: Option<String>,
    /// Continue without a terminal (the default is the screen, where the session stood)
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
    use std::io::IsTerminal;
    if !args.headless && !std::io::stdout().is_terminal() {
        bail!("resume: the screen needs a terminal; add --headless to go on without one");
    }
    if !args.headless && !args.map.is_empty() {
        bail!("resume --map applies to --headless; on the screen, `p` corrects the path mapping (and journals it)");
    }
    let path = match &args.journal {
        Some(p) => sessions::resolve(std::path::Path::new(p)),
        None => sessions::latest(&super::source::workdir())
            .ok_or_else(|| anyhow!("no session for this directory in {}", sessions::sessions_dir().display()))?,
    };
    let loaded = journal::read(&path)?;
    for warning in &loaded.warnings {
        crate::textsafe::eprint_line(&format!("runbook: warning: {}: {warning}", path.display()));
    }
    let prepared = prepare(args, &path, &loaded)?;
    if args.headless {
        for notice in &prepared.notices {
            crate::textsafe::eprint_line(&format!("runbook: {notice}"));
        }
        return run::headless(prepared.session, &prepared.policy, args.flags.json, Some(prepared.journal))?.close();
    }
    let name = loaded.start().map(|s| s.runbook.source.clone()).unwrap_or_default();
    let (runbook, context, vars) = prepared.fresh;
    let reopened = loaded.finished();
    let resumed = crate::tui::Resumed {
        records: loaded.records,
        journal: prepared.journal,
        repo_states: prepared.policy.repo_states,
        notices: prepared.notices,
        reopened,
    };
    Ok(Code::from_status(crate::tui::resume(runbook, context, vars, &name, resumed)))
}

/// The session restored from `loaded` (the journal at `path`) and the journal reopened for appending, with a
/// `session_resumed` (or `session_reopened`, when it had finished) entry.
fn prepare(args: &ResumeArgs, path: &Path, loaded: &journal::Loaded) -> anyhow::Result<Prepared> {
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
    let fresh = (runbook.clone(), context.clone(), vars.clone());
    let mut session = Session::new(runbook, context, vars).map_err(anyhow::Error::msg)?;
    let replayed = replay::restore(&mut session, &loaded.records);
    let mut notices: Vec<String> = replayed.divergences.iter().map(|d| format!("warning: replay: {d}")).collect();
    match replayed.interrupted.as_slice() {
        [] => {}
        [step] => notices.push(format!("step `{step}` was interrupted; it runs again")),
        steps => {
            let names: Vec<String> = steps.iter().map(|s| format!("`{s}`")).collect();
            notices.push(format!(
                "steps {} were interrupted; the run continues from {}, the first of them",
                names.join(", "),
                names[0]
            ));
        }
    }
    let phases = args.flags.phases(session.runbook())?;
    // Headless, nobody can answer a choice on the way; on the screen the engineer does.
    if let (true, Some(cursor)) = (args.headless, session.cursor()) {
        let gaps = super::reach::open_choices(session.runbook(), cursor, &answers, &phases);
        if let Some(why) = super::reach::refusal(&gaps) {
            bail!("{why}");
        }
    }
    let evidence = remapped(&session, &args.map)?;
    let journal = Journal::append(path, loaded.keep_len, loaded.needs_newline, loaded.last_offset_ms())
        .with_context(|| format!("cannot append to {}", path.display()))?;
    journal.set_secrets(secrets);
    if let Some(cap) = args.flags.spill_cap {
        journal.set_spill_cap(cap);
    }
    let tool_version = env!("CARGO_PKG_VERSION").to_string();
    let pid = Some(std::process::id());
    let _ = journal.meta(match loaded.finished() {
        true => journal::Meta::SessionReopened { tool_version, pid },
        false => journal::Meta::SessionResumed { tool_version, pid },
    });
    let repo_states = journal::fix::repo_states(&loaded.records).map(|s| s.snapshot.clone()).collect();
    let policy = Policy { yes: args.flags.yes, trusted, answers, phases, evidence, repo_states };
    Ok(Prepared { session, policy, journal, notices, fresh })
}

/// A session ready to go on.
struct Prepared {
    /// Restored from the journal: statuses, captures, the current step.
    session: Session,
    policy: Policy,
    /// Reopened for appending, its `session_resumed` or `session_reopened` written.
    journal: Journal,
    /// What the restore found worth saying: divergences, interrupted steps.
    notices: Vec<String>,
    /// The runbook, context and vars before the restore: the screen rebuilds its state record by record from
    /// them, as `replay` does.
    fresh: (engine::Runbook, Context, std::collections::BTreeMap<String, String>),
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
