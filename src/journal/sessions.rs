//! Where journals live and what a session start records about its surroundings: the default file name under
//! `$XDG_STATE_HOME/runbook/sessions/`, finding the newest session of a directory for `resume`, and the
//! facts of the session start (git HEAD, user, host).

use super::reader;
use super::record::{rfc3339, GitHead};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Why the journal at `path` (given with `--journal`) could not be created, saying what to do: a journal that
/// exists is another session's record, never overwritten, and the way on is to resume or report it.
pub fn create_failure(path: &Path, err: &std::io::Error) -> String {
    if err.kind() == std::io::ErrorKind::AlreadyExists {
        let p = crate::engine::template::shell_quote(&path.display().to_string());
        return format!(
            "cannot create the journal {p}: it already exists, and a journal is never overwritten; \
             `runbook resume {p}` goes on with that session, `runbook report {p}` shows it, \
             or give --journal a new path"
        );
    }
    format!("cannot create the journal {}: {err}", path.display())
}

pub fn sessions_dir() -> PathBuf {
    crate::bundled::state_dir().join("sessions")
}

/// The journal's file name inside a session directory.
pub const JOURNAL_FILE: &str = "journal.jsonl";

/// `<sessions>/<UTC timestamp>-<runbook id>/journal.jsonl`: a session is a directory (the journal and its side
/// files, `journal.evidence/` and `journal.output/`), so it can be copied as a whole; the timestamp sorts sessions
/// by start.
pub fn default_path(runbook_id: &str) -> PathBuf {
    let ts = rfc3339(SystemTime::now());
    // 2026-11-26T02:30:00.123Z -> 20261126T023000123Z
    let compact: String = ts.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let dir = sessions_dir();
    let mut session = dir.join(format!("{compact}-{runbook_id}"));
    let mut n = 2;
    while session.exists() || session.with_extension("jsonl").exists() {
        session = dir.join(format!("{compact}-{runbook_id}-{n}"));
        n += 1;
    }
    session.join(JOURNAL_FILE)
}

/// The journal a JOURNAL argument names: the file itself, or a session directory's `journal.jsonl`.
pub fn resolve(path: &Path) -> PathBuf {
    if path.is_dir() {
        return path.join(JOURNAL_FILE);
    }
    path.to_path_buf()
}

/// The newest session started in `workdir`, finished or not (`runbook resume` without a journal).
pub fn latest(workdir: &str) -> Option<PathBuf> {
    newest_where(workdir, |_| true)
}

fn newest_where(workdir: &str, keep: impl Fn(&reader::Loaded) -> bool) -> Option<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(sessions_dir())
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        // A session directory, or a journal file of the layout before sessions were directories.
        .filter_map(|p| match p.join(JOURNAL_FILE) {
            journal if journal.is_file() => Some(journal),
            _ => p.extension().is_some_and(|e| e == "jsonl").then_some(p),
        })
        .collect();
    files.sort();
    files.into_iter().rev().find(|path| match reader::read(path) {
        Ok(loaded) => keep(&loaded) && loaded.start().is_some_and(|s| s.workdir == workdir),
        Err(_) => false,
    })
}

/// HEAD of the git repository containing `dir`, read from `.git/HEAD` (no git process, no libgit2 open).
pub fn git_head(dir: &Path) -> Option<GitHead> {
    let mut current = Some(dir);
    while let Some(d) = current {
        let git = d.join(".git");
        if git.is_dir() {
            return read_head(&git);
        }
        if git.is_file() {
            // A worktree or submodule: `.git` holds `gitdir: PATH`.
            let text = std::fs::read_to_string(&git).ok()?;
            let target = text.trim().strip_prefix("gitdir: ")?;
            return read_head(&d.join(target));
        }
        current = d.parent();
    }
    None
}

fn read_head(git_dir: &Path) -> Option<GitHead> {
    let head = std::fs::read_to_string(git_dir.join("HEAD")).ok()?;
    let head = head.trim();
    let Some(reference) = head.strip_prefix("ref: ") else {
        return Some(GitHead { commit: head.to_string(), branch: None });
    };
    let branch = reference.strip_prefix("refs/heads/").unwrap_or(reference).to_string();
    let commit = std::fs::read_to_string(git_dir.join(reference)).ok().map(|c| c.trim().to_string()).or_else(|| {
        let packed = std::fs::read_to_string(git_dir.join("packed-refs")).ok()?;
        packed.lines().find_map(|l| l.strip_suffix(reference).map(|c| c.trim().to_string()))
    });
    // An unborn branch has no commit yet: record the branch alone.
    Some(GitHead { commit: commit.unwrap_or_default(), branch: Some(branch) })
}

pub fn user() -> String {
    ["USER", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "unknown".to_string())
}

pub fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown".to_string())
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// What a session start records, from what the caller knows about the runbook and the session.
pub struct StartFacts<'a> {
    pub runbook: &'a crate::engine::Runbook,
    pub yaml: &'a [u8],
    pub source: &'a str,
    pub bundled: bool,
    pub workdir: &'a str,
    pub runbook_dir: &'a str,
    pub mode: super::record::SessionMode,
    /// The vars the user gave; secret ones are recorded masked.
    pub vars: &'a std::collections::BTreeMap<String, String>,
    pub drill: Option<&'a str>,
}

pub fn session_start(facts: &StartFacts<'_>) -> super::record::Meta {
    use super::record::{Meta, RunbookInfo, SessionStart, FORMAT_VERSION};
    let secret = |name: &str| facts.runbook.vars.iter().any(|v| v.name == name && v.secret);
    let vars = facts
        .vars
        .iter()
        .map(|(k, v)| (k.clone(), if secret(k) { crate::engine::MASK.to_string() } else { v.clone() }))
        .collect();
    Meta::SessionStart(Box::new(SessionStart {
        format: FORMAT_VERSION,
        runbook: RunbookInfo {
            id: facts.runbook.id.clone(),
            title: facts.runbook.title.clone(),
            sha256: sha256_hex(facts.yaml),
            source: facts.source.to_string(),
            bundled: facts.bundled,
            yaml: String::from_utf8_lossy(facts.yaml).into_owned(),
        },
        workdir: facts.workdir.to_string(),
        runbook_dir: facts.runbook_dir.to_string(),
        git_head: git_head(Path::new(facts.workdir)),
        user: user(),
        host: host(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        mode: facts.mode,
        vars,
        drill: facts.drill.map(str::to_string),
    }))
}
