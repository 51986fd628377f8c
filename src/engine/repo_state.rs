//! The state of the service's repository at a moment of the session, as data: HEAD, the dirty files (content
//! bounded) and the diff from the session's base. Recorded by the hosts in the journal's `repo_state` entry
//! (docs/journal.md), so the report's fix diff and replay's source view never need the repository again.
//!
//! Plain data here, like `EvidenceFile`: the capture reads git (`locate::repo_state`), the engine never does.

use serde::{Deserialize, Serialize};

/// Why the state was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RepoStateReason {
    /// The repository when the session started: `base` is its HEAD.
    SessionStart,
    /// After a step that ran in the repository.
    Step,
    /// A source or blame view showed a file of the repository.
    View,
}

/// One file of the work tree that differs from HEAD (or is untracked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepoFile {
    /// Relative to the repository's root, `/`-separated.
    pub path: String,
    /// SHA-256 of the whole file as it was in the work tree (hex); empty when the file was deleted.
    pub sha256: String,
    /// The content when it is UTF-8 text of at most the content bound (256 KiB); `None` otherwise.
    #[serde(default)]
    pub content: Option<String>,
    /// The file was larger than the bound: `content` is `None` and only the hash says what it was.
    #[serde(default)]
    pub truncated: bool,
}

/// The repository's state: the journal's `repo_state` entry without its `step` and `reason`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepoSnapshot {
    /// The work tree's root, absolute.
    pub repo: String,
    /// HEAD's commit; `None` in a repository without commits.
    pub head: Option<String>,
    /// HEAD when the session started (the fix diff's base).
    pub base: Option<String>,
    /// Files that differ from HEAD, untracked ones included (ignored ones not).
    #[serde(default)]
    pub files: Vec<RepoFile>,
    /// `git diff BASE` of the work tree, untracked files included, bounded at 1 MiB.
    #[serde(default)]
    pub diff: Option<String>,
    #[serde(default)]
    pub diff_truncated: bool,
    /// Files a source or blame view showed, as they were then (clean ones included): replay shows them from here
    /// when the repository has moved on, is gone (a drill's scenario directory), or is on another machine.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shown: Vec<RepoFile>,
}

impl RepoSnapshot {
    /// What changes when the repository changes: HEAD and every dirty file's hash (a step that changed nothing
    /// is not recorded again).
    pub fn fingerprint(&self) -> String {
        let mut key = self.head.clone().unwrap_or_default();
        for f in &self.files {
            key.push('\n');
            key.push_str(&f.path);
            key.push(' ');
            key.push_str(&f.sha256);
        }
        key
    }
}
