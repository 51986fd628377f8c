//! A file as it was at a moment of a recorded session, for replay's source view: replay must show what the
//! engineer saw then, not the file as it is today (their later fix, or nothing at all once a drill's scenario
//! directory is gone).
//!
//! Pure: it reads only the journal's `repo_state` entries up to the replay's position. The latest state of the
//! file's repository says whether the file was dirty then (its content is in `files`) or at HEAD; a file a view
//! showed is in `shown` with its hash. What the journal cannot give is read from the recorded commit by the view
//! job (`load_at_commit`), and when that fails too, the view says so instead of showing today's file.

use crate::engine::{RepoFile, RepoSnapshot};
use crate::journal::{Meta, Record};
use std::path::{Path, PathBuf};

/// Where the content of a file shown in a replay comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Past {
    /// The journal holds the file as it was.
    Recorded { text: String, head: Option<String>, dirty: bool },
    /// The file was at HEAD then: read it from that commit.
    AtCommit { repo: PathBuf, head: String, relative: String },
    /// The journal says what the file was, but not its content.
    Unavailable(String),
    /// No recorded state covers the file (outside the repository, or the journal predates `repo_state`): the file
    /// as it is now is all there is, and the view says so.
    NotRecorded,
}

impl Past {
    /// The line the view shows under the file, saying where the content came from.
    pub fn note(&self) -> String {
        match self {
            Past::Recorded { dirty: true, .. } => "as it was then, with uncommitted changes (from the journal)".into(),
            Past::Recorded { head: Some(h), .. } | Past::AtCommit { head: h, .. } => {
                format!("as it was then, at {}", h.get(..8).unwrap_or(h))
            }
            Past::Recorded { head: None, .. } => "as it was then (from the journal)".into(),
            Past::Unavailable(why) => format!("not available as it was then: {why}"),
            Past::NotRecorded => "not recorded by the session: the file as it is now".into(),
        }
    }

    /// The commit to blame the file at, when the view's lines are that commit's.
    pub fn blame_rev(&self) -> Option<&str> {
        match self {
            Past::AtCommit { head, .. } | Past::Recorded { head: Some(head), dirty: false, .. } => Some(head),
            _ => None,
        }
    }
}

/// The file at `path` as the session had it after `records` (the records a replay has shown so far).
pub fn as_it_was(records: &[Record], path: &Path) -> Past {
    let states: Vec<&RepoSnapshot> = records
        .iter()
        .filter_map(|r| match r.meta() {
            Some(Meta::RepoState(state)) => Some(&state.snapshot),
            _ => None,
        })
        .collect();
    let Some((latest, relative)) = states.iter().rev().find_map(|s| relative_in(s, path).map(|rel| (*s, rel))) else {
        return Past::NotRecorded;
    };
    let same_repo = |s: &&&RepoSnapshot| s.repo == latest.repo;
    let shown = |wanted: &dyn Fn(&RepoSnapshot, &RepoFile) -> bool| {
        states.iter().rev().filter(same_repo).find_map(|s| s.shown.iter().find(|f| f.path == relative && wanted(s, f)))
    };
    if let Some(dirty) = latest.files.iter().find(|f| f.path == relative) {
        if dirty.sha256.is_empty() {
            return Past::Unavailable("the file had been deleted".into());
        }
        let content = dirty.content.clone().or_else(|| shown(&|_, f| f.sha256 == dirty.sha256)?.content.clone());
        return match content {
            Some(text) => Past::Recorded { text, head: latest.head.clone(), dirty: true },
            None => Past::Unavailable("it had uncommitted changes too large for the journal".into()),
        };
    }
    // Clean then: the file was HEAD's. A view that showed it at the same HEAD, clean, recorded its content.
    let at_head = shown(&|s, f| s.head == latest.head && !s.files.iter().any(|d| d.path == f.path));
    if let Some(text) = at_head.and_then(|f| f.content.clone()) {
        return Past::Recorded { text, head: latest.head.clone(), dirty: false };
    }
    match &latest.head {
        Some(head) => Past::AtCommit { repo: PathBuf::from(&latest.repo), head: head.clone(), relative },
        None => Past::Unavailable("the repository had no commit yet".into()),
    }
}

/// `path` relative to the snapshot's repository, `/`-separated, when it is inside it.
fn relative_in(snapshot: &RepoSnapshot, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(&snapshot.repo).ok()?;
    let text = rel.to_string_lossy().replace('\\', "/");
    (!text.is_empty()).then_some(text)
}

/// Reads `relative` from commit `head` of the repository at `repo` (read-only; nothing runs).
pub fn load_at_commit(repo: &Path, head: &str, relative: &str) -> Result<Vec<u8>, String> {
    let why = |e: git2::Error| format!("not available as it was then: {}", e.message());
    let repository = git2::Repository::open(repo).map_err(why)?;
    let oid = git2::Oid::from_str(head).map_err(why)?;
    let tree = repository.find_commit(oid).and_then(|c| c.tree()).map_err(why)?;
    let entry = tree.get_path(Path::new(relative)).map_err(why)?;
    let blob = entry.to_object(&repository).and_then(|o| o.peel_to_blob()).map_err(why)?;
    Ok(blob.content().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RepoStateReason;
    use crate::journal::{Entry, RepoState};

    fn state(head: &str, files: Vec<RepoFile>, shown: Vec<RepoFile>) -> Record {
        let snapshot = RepoSnapshot {
            repo: "/src/svc".into(),
            head: Some(head.into()),
            base: Some("base".into()),
            files,
            diff: None,
            diff_truncated: false,
            shown,
        };
        let state = RepoState { step: None, reason: RepoStateReason::View, snapshot };
        Record { ts: String::new(), offset_ms: 0, entry: Entry::Meta(Meta::RepoState(Box::new(state))) }
    }

    fn file(path: &str, sha: &str, content: Option<&str>) -> RepoFile {
        RepoFile { path: path.into(), sha256: sha.into(), content: content.map(str::to_string), truncated: false }
    }

    #[test]
    fn a_dirty_file_comes_from_the_journal_and_a_clean_one_from_its_view_or_commit() {
        let path = Path::new("/src/svc/a.go");
        let shown_clean = state("h1", vec![], vec![file("a.go", "s1", Some("old\n"))]);
        assert_eq!(
            as_it_was(std::slice::from_ref(&shown_clean), path),
            Past::Recorded { text: "old\n".into(), head: Some("h1".into()), dirty: false }
        );
        let edited = state("h1", vec![file("a.go", "s2", Some("new\n"))], vec![]);
        let records = [shown_clean.clone(), edited];
        assert_eq!(
            as_it_was(&records, path),
            Past::Recorded { text: "new\n".into(), head: Some("h1".into()), dirty: true }
        );
        // Committed later: clean at a new HEAD that no view recorded, so the commit has it.
        let committed = state("h2", vec![], vec![]);
        let records = [shown_clean, committed];
        let at = as_it_was(&records, path);
        assert_eq!(at, Past::AtCommit { repo: "/src/svc".into(), head: "h2".into(), relative: "a.go".into() });
        assert_eq!(at.blame_rev(), Some("h2"));
        assert_eq!(as_it_was(&records, Path::new("/elsewhere/b.go")), Past::NotRecorded);
        assert_eq!(as_it_was(&[], path), Past::NotRecorded);
    }

    #[test]
    fn deleted_and_oversized_files_say_why_they_cannot_be_shown() {
        let path = Path::new("/src/svc/a.go");
        let deleted = state("h1", vec![file("a.go", "", None)], vec![]);
        assert!(matches!(as_it_was(&[deleted], path), Past::Unavailable(w) if w.contains("deleted")));
        let big = state("h1", vec![file("a.go", "s9", None)], vec![]);
        assert!(matches!(as_it_was(&[big], path), Past::Unavailable(w) if w.contains("too large")));
    }
}
