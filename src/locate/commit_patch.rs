//! A commit's patch against its first parent, file by file, as `git show` prints it (issue 15: the commit view
//! showed the message and "Files changed (2)", while the diff is the evidence a postmortem needs, "sync.Map
//! replaced by map + RWMutex"). libgit2 (git2) produces it: no `git` process, so it works where only the library
//! is, and the TUI runs it as a background view job.

use git2::{Delta, DiffFormat, DiffOptions, Oid, Repository};
use std::path::Path;

/// Every file a commit changed, with its patch lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitPatch {
    pub files: Vec<FilePatch>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePatch {
    /// Relative to the repository's root, `/`-separated (the new path of a rename).
    pub path: String,
    /// `A`, `M`, `D`, `R`, … as `git show --name-status` prints them.
    pub status: char,
    pub lines: Vec<PatchLine>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchKind {
    /// `diff --git`, `index`, `---`, `+++` and the like.
    Header,
    /// `@@ -a,b +c,d @@ …`.
    Hunk,
    Context,
    Added,
    Removed,
    /// `\ No newline at end of file`, a binary file's note.
    Note,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchLine {
    pub kind: PatchKind,
    /// The line without its newline; added and removed lines keep their `+`/`-`.
    pub text: String,
}

/// Opens the repository holding `file`, finds `commit` and diffs it against its first parent with git's rename
/// detection (as `git show` does), then hands both to `use_diff`. One place for what the commit view (`b`) and its
/// patch both need.
pub fn with_commit_diff<T>(
    file: &Path,
    commit: &str,
    use_diff: impl FnOnce(&git2::Commit<'_>, &git2::Diff<'_>) -> Result<T, String>,
) -> Result<T, String> {
    let absolute = std::path::absolute(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let dir = absolute.parent().unwrap_or(Path::new("/"));
    let repo = Repository::discover(dir).map_err(|e| format!("{}: not in a git repository ({e})", file.display()))?;
    let oid = Oid::from_str(commit).map_err(|e| format!("{commit}: {e}"))?;
    let found = repo.find_commit(oid).map_err(|e| format!("{commit}: {}", e.message()))?;
    let tree = found.tree().map_err(|e| e.message().to_string())?;
    let parent_tree = found.parents().next().and_then(|p| p.tree().ok());
    let mut options = DiffOptions::new();
    let mut diff = repo
        .diff_tree_to_tree(parent_tree.as_ref(), Some(&tree), Some(&mut options))
        .map_err(|e| e.message().to_string())?;
    // A rename that failed to be detected is still a correct (delete + add) patch.
    let _ = diff.find_similar(None);
    use_diff(&found, &diff)
}

/// The patch of `commit` in the repository holding `file`, with git's rename detection.
pub fn commit_patch(file: &Path, commit: &str) -> Result<CommitPatch, String> {
    with_commit_diff(file, commit, |_, diff| patch_of(diff))
}

fn patch_of(diff: &git2::Diff<'_>) -> Result<CommitPatch, String> {
    let mut files: Vec<FilePatch> = Vec::new();
    diff.print(DiffFormat::Patch, |delta, _hunk, line| {
        let path = delta.new_file().path().or_else(|| delta.old_file().path()).unwrap_or(Path::new("?"));
        let path = path.to_string_lossy().replace('\\', "/");
        if files.last().is_none_or(|f| f.path != path) {
            files.push(FilePatch { path: path.clone(), status: status_letter(delta.status()), lines: Vec::new() });
        }
        let content = String::from_utf8_lossy(line.content());
        let content = content.trim_end_matches(['\n', '\r']);
        let (kind, text) = match line.origin() {
            '+' => (PatchKind::Added, format!("+{content}")),
            '-' => (PatchKind::Removed, format!("-{content}")),
            ' ' => (PatchKind::Context, format!(" {content}")),
            'H' => (PatchKind::Hunk, content.to_string()),
            'F' => (PatchKind::Header, content.to_string()),
            _ => (PatchKind::Note, content.to_string()),
        };
        if let Some(last) = files.last_mut() {
            // The file header comes as one piece of several lines.
            for text in text.split('\n') {
                last.lines.push(PatchLine { kind, text: text.to_string() });
            }
        }
        true
    })
    .map_err(|e| e.message().to_string())?;
    Ok(CommitPatch { files })
}

/// A delta's status as `git show --name-status` writes it.
pub fn status_letter(delta: Delta) -> char {
    match delta {
        Delta::Added => 'A',
        Delta::Deleted => 'D',
        Delta::Renamed => 'R',
        Delta::Copied => 'C',
        Delta::Typechange => 'T',
        _ => 'M',
    }
}
