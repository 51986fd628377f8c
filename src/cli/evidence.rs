//! `--log PATH|-` and `--redact REGEX` on `open` and `run`: the incident's evidence comes in before the session
//! starts. Standard input is read whole first, so the TUI can then take its keys from the terminal device.

use crate::engine::{Action, Input, Runbook, Session};
use crate::evidence::{self, Pending, Redactor, Source};
use crate::locate::Rewrite;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, clap::Args)]
pub struct EvidenceArgs {
    /// The incident's crash log (repeatable; `-` reads standard input; .gz is read as it is): stored with the
    /// session, parsed once, and given to the runbook's steps
    #[arg(long = "log", value_name = "PATH|-")]
    pub logs: Vec<String>,
    /// Mask matches of REGEX in the evidence before anything is stored or shown (repeatable)
    #[arg(long = "redact", value_name = "REGEX")]
    pub redact: Vec<String>,
    /// Correct the mapping of the evidence's paths to the repository: the build's prefix FROM is the repository's
    /// TO (repeatable; recorded in the journal, so resume, report and replay use it too)
    #[arg(long = "map", value_name = "FROM=TO")]
    pub map: Vec<String>,
}

impl EvidenceArgs {
    /// Reads every `--log` (standard input at most once). `None` without `--log`.
    pub fn read(&self) -> anyhow::Result<Option<Pending>> {
        let redactor = Redactor::new(&self.redact)?;
        let rewrites = self.rewrites()?;
        if self.logs.is_empty() {
            // On screen, `--redact` or `--map` alone applies to the evidence pasted or fetched later: no sources yet.
            let later = !self.redact.is_empty() || !rewrites.is_empty();
            return Ok(later.then(|| Pending::new(Vec::new(), redactor, rewrites)));
        }
        if self.logs.iter().filter(|l| l.as_str() == "-").count() > 1 {
            anyhow::bail!("--log - (standard input) can be given once");
        }
        let mut stdin = std::io::stdin().lock();
        let mut sources = Vec::new();
        for name in &self.logs {
            let bytes = evidence::read_source(name, &mut stdin)?;
            sources.push(Source { name: name.clone(), bytes });
        }
        Ok(Some(Pending::new(sources, redactor, rewrites)))
    }

    /// `read`, except that when standard input is not among the logs, the files are only checked (they exist and
    /// are no directories: a typo is still an error before the screen opens) and left for the screen to read
    /// (`Pending::deferred`).
    pub fn read_deferring_files(&self) -> anyhow::Result<Option<Pending>> {
        if self.logs.is_empty() || self.logs.iter().any(|l| l == "-") {
            return self.read();
        }
        for name in &self.logs {
            evidence::read::check_file(name)?;
        }
        let mut pending = Pending::new(Vec::new(), Redactor::new(&self.redact)?, self.rewrites()?);
        pending.deferred = self.logs.clone();
        Ok(Some(pending))
    }

    /// `--map FROM=TO`, parsed. Err: one that is not a rewrite, with the reason.
    pub fn rewrites(&self) -> anyhow::Result<Vec<Rewrite>> {
        self.map.iter().map(|m| m.parse::<Rewrite>().map_err(|e| anyhow::anyhow!("--map {m}: {e}"))).collect()
    }
}

/// Where a session's evidence is stored: `<journal>.evidence/` beside the journal.
pub fn evidence_dir(journal: &Path) -> PathBuf {
    journal.with_extension("evidence")
}

/// Stores and parses the evidence for `session` (see `evidence::Pending::load`).
pub fn load(session: &Session, pending: &Pending, dir: &Path) -> anyhow::Result<Input> {
    pending.load(session, dir)
}

/// Why a headless run cannot start: it would reach an `evidence` step (one of `reachable`, the steps the run can
/// get to: `reach::reachable`) and no `--log` was given.
pub fn refusal(runbook: &Runbook, reachable: &[String], have_logs: bool) -> Option<String> {
    if have_logs {
        return None;
    }
    let step = runbook
        .phases
        .iter()
        .flat_map(|p| p.steps.iter())
        .filter(|s| reachable.contains(&s.id))
        .find(|s| matches!(s.action, Some(Action::Evidence(_))))?;
    Some(format!(
        "step `{}` needs the incident's evidence: give the crash log with --log FILE (`--log -` reads standard \
         input), or leave its phase out with --phase",
        step.id
    ))
}
