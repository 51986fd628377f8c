//! Every runbook the user can reach by id: the bundled ones, and their own YAML files in
//! `$XDG_CONFIG_HOME/runbook/runbooks/` (default `~/.config/runbook/runbooks/`) and in `--runbooks DIR`.
//!
//! `runbook list` shows them with their source and `runbook triage` tries their `match:`. A user runbook whose id
//! is a bundled one's replaces it (the user's copy is the one they maintain); between user directories, the one
//! named first (`--runbooks` before the config directory) wins. A file that does not load is listed with its
//! error, never silently dropped.

use crate::bundled;
use crate::engine::{self, Runbook};
use std::path::{Path, PathBuf};

/// Where a runbook came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Bundled,
    /// A user's file.
    File(PathBuf),
}

impl Origin {
    /// `bundled`, or the file's path.
    pub fn describe(&self) -> String {
        match self {
            Origin::Bundled => "bundled".to_string(),
            Origin::File(path) => path.display().to_string(),
        }
    }
}

pub struct Entry {
    /// The runbook's own `id`, or (when it does not load) its file stem.
    pub id: String,
    pub origin: Origin,
    pub runbook: Result<Runbook, String>,
}

/// The directories searched for user runbooks, in order of precedence.
pub fn user_dirs(extra: &[PathBuf]) -> Vec<PathBuf> {
    let mut dirs = extra.to_vec();
    dirs.push(bundled::user_runbooks_dir());
    dirs
}

/// Bundled and user runbooks, sorted by id; user files shadow bundled runbooks of the same id.
pub fn entries(extra: &[PathBuf]) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    for dir in user_dirs(extra) {
        for path in yaml_files(&dir) {
            let entry = load_file(&path);
            if !out.iter().any(|e| e.id == entry.id) {
                out.push(entry);
            }
        }
    }
    for b in bundled::runbooks() {
        let runbook = engine::load(&b.file, b.yaml).map_err(|e| e.to_string());
        let id = runbook.as_ref().map(|rb| rb.id.clone()).unwrap_or_else(|_| b.id.clone());
        if !out.iter().any(|e| e.id == id) {
            out.push(Entry { id, origin: Origin::Bundled, runbook });
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

fn load_file(path: &Path) -> Entry {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let runbook = std::fs::read(path)
        .map_err(|e| format!("{}: {e}", path.display()))
        .and_then(|bytes| engine::load(&path.display().to_string(), &bytes).map_err(|e| e.to_string()));
    let id = runbook.as_ref().map(|rb| rb.id.clone()).unwrap_or(stem);
    Entry { id, origin: Origin::File(path.to_path_buf()), runbook }
}

/// `*.yaml`, `*.yml` and Markdown runbooks (`*.md`) directly in `dir`, sorted; a missing directory has none.
fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(read) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = read
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "md"))
        .collect();
    files.sort();
    files
}
