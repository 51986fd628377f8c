//! Captures the service repository's state for the journal's `repo_state` entry: HEAD, the files that differ from
//! it (content bounded), and the diff from the session's base commit to the work tree, untracked files included.
//! This is what the report's fix diff and replay's "the file as it was then" are built from, so neither needs the
//! repository later. Read-only: it never writes to the repository (not even the index).

use crate::engine::{RepoFile, RepoSnapshot};
use git2::{DiffFormat, DiffOptions, Oid, Repository, Status, StatusOptions};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

/// A dirty file's content is kept up to this size.
pub const CONTENT_LIMIT: u64 = 256 * 1024;
/// All dirty files' contents together are kept up to this size; later files keep only their hash.
pub const CONTENTS_TOTAL_LIMIT: u64 = 4 * 1024 * 1024;
/// The diff is kept up to this size (`diff_truncated` says when it was cut).
pub const DIFF_LIMIT: usize = 1024 * 1024;
/// Dirty files listed at most (a build that wrote thousands of untracked files is not the fix).
pub const FILES_LIMIT: usize = 500;

/// The work tree's root that contains `dir`, when `dir` is inside a non-bare git repository.
pub fn root_of(dir: &Path) -> Option<PathBuf> {
    let repo = Repository::discover(dir).ok()?;
    let root = repo.workdir()?.to_path_buf();
    Some(std::fs::canonicalize(&root).unwrap_or(root))
}

/// The state of the repository whose work tree is `root`; `base` is the HEAD recorded at session start (`None`:
/// this capture is the start, and its HEAD becomes the base).
pub fn capture(root: &Path, base: Option<&str>) -> Result<RepoSnapshot, git2::Error> {
    let repo = Repository::open(root)?;
    let head = repo.head().ok().and_then(|h| h.peel_to_commit().ok()).map(|c| c.id().to_string());
    let base = base.map(str::to_string).or_else(|| head.clone());
    let files = dirty_files(&repo, root)?;
    let (diff, diff_truncated) = diff_from(&repo, base.as_deref())?;
    let repo = root.to_string_lossy().into_owned();
    Ok(RepoSnapshot { repo, head, base, files, diff: Some(diff), diff_truncated, shown: Vec::new() })
}

fn dirty_files(repo: &Repository, root: &Path) -> Result<Vec<RepoFile>, git2::Error> {
    let mut options = StatusOptions::new();
    options.include_untracked(true).recurse_untracked_dirs(true).include_ignored(false);
    let statuses = repo.statuses(Some(&mut options))?;
    let mut files = Vec::new();
    let mut kept = 0u64;
    for entry in statuses.iter() {
        if files.len() >= FILES_LIMIT {
            break;
        }
        let status = entry.status();
        if status == Status::CURRENT || status.contains(Status::IGNORED) {
            continue;
        }
        let Ok(path) = entry.path() else { continue };
        let (sha256, content, truncated) = read_bounded(&root.join(path), CONTENTS_TOTAL_LIMIT.saturating_sub(kept));
        kept += content.as_ref().map_or(0, |c| c.len() as u64);
        files.push(RepoFile { path: path.to_string(), sha256, content, truncated });
    }
    Ok(files)
}

/// The file's hash, and its text when it is UTF-8 and fits both bounds. A missing file (deleted) hashes empty.
fn read_bounded(path: &Path, room: u64) -> (String, Option<String>, bool) {
    let Ok(mut file) = std::fs::File::open(path) else { return (String::new(), None, false) };
    let mut hasher = Sha256::new();
    let mut kept = Vec::new();
    let mut total = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                let chunk = buf.get(..n).unwrap_or_default();
                hasher.update(chunk);
                if total < CONTENT_LIMIT {
                    kept.extend_from_slice(chunk);
                }
                total += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return (String::new(), None, false),
        }
    }
    let sha = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
    let too_big = total > CONTENT_LIMIT || total > room;
    let content = if too_big { None } else { String::from_utf8(kept).ok() };
    (sha, content, too_big)
}

/// `git diff BASE` of the work tree (through the index, as `git diff` does), untracked files included; cut at
/// `DIFF_LIMIT`.
fn diff_from(repo: &Repository, base: Option<&str>) -> Result<(String, bool), git2::Error> {
    let tree = match base {
        Some(id) => Some(repo.find_commit(Oid::from_str(id)?)?.tree()?),
        None => None,
    };
    let mut options = DiffOptions::new();
    options.include_untracked(true).recurse_untracked_dirs(true).show_untracked_content(true);
    let diff = repo.diff_tree_to_workdir_with_index(tree.as_ref(), Some(&mut options))?;
    let mut text = String::new();
    let mut truncated = false;
    let printed = diff.print(DiffFormat::Patch, |_, _, line| {
        let content = String::from_utf8_lossy(line.content());
        if text.len() + content.len() + 1 > DIFF_LIMIT {
            truncated = true;
            return false;
        }
        if matches!(line.origin(), '+' | '-' | ' ') {
            text.push(line.origin());
        }
        text.push_str(&content);
        true
    });
    match printed {
        Err(_) if truncated => Ok((text, true)),
        Err(e) => Err(e),
        Ok(()) => Ok((text, false)),
    }
}

/// Which repositories a session has seen, with their base and last recorded state, so a host records a
/// `repo_state` only when something changed. Resume seeds it from the journal (`seed`), so the base stays the
/// HEAD of the session's real start.
#[derive(Debug, Default)]
pub struct Tracker {
    /// Work-tree root → (base, fingerprint of the last recorded state).
    known: std::collections::BTreeMap<PathBuf, (Option<String>, String)>,
    /// The working directory of each step's last command (from its `command` event).
    cwds: std::collections::BTreeMap<String, String>,
    /// Files already recorded as shown, with the hash they had then.
    shown: std::collections::BTreeSet<(PathBuf, String)>,
}

/// What a host journals as a `repo_state` entry: after which step, why, and the state.
pub type Observed = (Option<String>, crate::engine::RepoStateReason, RepoSnapshot);

impl Tracker {
    /// A state the journal already holds (resume, reopen).
    pub fn seed(&mut self, snapshot: &RepoSnapshot) {
        let entry = (snapshot.base.clone(), snapshot.fingerprint());
        self.known.entry(PathBuf::from(&snapshot.repo)).and_modify(|e| e.1 = entry.1.clone()).or_insert(entry);
    }

    /// The state to record at the session's start: the repository the evidence maps into (`dir`).
    pub fn at_start(&mut self, dir: &Path) -> Option<Observed> {
        self.capture_now(None, dir)
    }

    /// Follows the session's events: a step's `command` names its working directory; when the step finishes, the
    /// state of the repository it ran in is returned if it is new to the session or changed (a fix written, a
    /// commit made).
    pub fn after_event(&mut self, event: &crate::engine::Event) -> Option<Observed> {
        let (step, dir) = self.due_after(event)?;
        self.capture_now(Some(step), &dir)
    }

    /// `repo_request`, `capture_repo` and `repo_captured` at once.
    fn capture_now(&mut self, step: Option<String>, dir: &Path) -> Option<Observed> {
        let request = self.repo_request(step, dir)?;
        let snapshot = capture_repo(&request)?;
        self.repo_captured(request, snapshot)
    }

    /// Follows the session's events (cheap): a step's `command` names its working directory; when the step
    /// finishes, the step and that directory, whose repository's state is due (`repo_request`).
    pub fn due_after(&mut self, event: &crate::engine::Event) -> Option<(String, PathBuf)> {
        use crate::engine::Event;
        match event {
            Event::Command { step, cwd, .. } => {
                self.cwds.insert(step.clone(), cwd.clone());
                None
            }
            Event::StepFinished { step, .. } => Some((step.clone(), PathBuf::from(self.cwds.remove(step)?))),
            _ => None,
        }
    }

    /// What to capture for the repository containing `dir`, after `step` (`None`: the session's start), with the
    /// base recorded by now: taken when the capture's turn comes, since the one before may have set the base.
    /// `None` outside a repository.
    pub fn repo_request(&self, step: Option<String>, dir: &Path) -> Option<RepoCapture> {
        let root = root_of(dir)?;
        let base = self.known.get(&root).and_then(|k| k.0.clone());
        Some(RepoCapture { step, root, base })
    }

    /// A capture came back: what to journal when the repository is new to the session or changed since its last
    /// record (the session's start for it, or after the step).
    pub fn repo_captured(&mut self, request: RepoCapture, snapshot: RepoSnapshot) -> Option<Observed> {
        use crate::engine::RepoStateReason;
        let (first, changed) = self.record_known(request.root, &snapshot);
        if !changed {
            return None;
        }
        let reason =
            if first || request.step.is_none() { RepoStateReason::SessionStart } else { RepoStateReason::Step };
        Some((request.step, reason, snapshot))
    }

    /// The state of the repository containing `dir` when it is new to the session (the base is its HEAD now),
    /// or when it changed since it was last recorded; `None` otherwise, or outside a repository. The flag says
    /// whether this is the repository's first state (the session's start for it).
    /// A source or blame view shows `file`: what to capture, taken on the UI thread (cheap: the file's repository
    /// and its recorded base); `capture_view` does the work in the background, and `view_captured` decides what
    /// to record. `None` outside a repository.
    pub fn view_request(&self, file: &Path) -> Option<ViewCapture> {
        let file = std::fs::canonicalize(file).ok()?;
        let root = root_of(file.parent()?)?;
        let relative = file.strip_prefix(&root).ok()?.to_string_lossy().replace('\\', "/");
        let base = self.known.get(&root).and_then(|k| k.0.clone());
        Some(ViewCapture { file, root, relative, base })
    }

    /// The repository's state when it changed since its last record, or when this file has not been recorded as
    /// shown with this content yet; the file itself goes in `shown`, so replay can show it as it was without the
    /// repository. `None` when nothing is new.
    pub fn view_captured(&mut self, request: ViewCapture, captured: CapturedView) -> Option<RepoSnapshot> {
        let CapturedView { file, snapshot } = captured;
        let new_file = self.shown.insert((request.file, file.sha256.clone()));
        let (_, changed) = self.record_known(request.root, &snapshot);
        if !changed && !new_file {
            return None;
        }
        Some(RepoSnapshot { shown: vec![file], ..snapshot })
    }

    /// `view_request`, `capture_view` and `view_captured` at once (tests, and hosts without a background).
    pub fn observe_view(&mut self, file: &Path) -> Option<RepoSnapshot> {
        let request = self.view_request(file)?;
        let captured = capture_view(&request)?;
        self.view_captured(request, captured)
    }

    pub fn observe(&mut self, dir: &Path) -> Option<(bool, RepoSnapshot)> {
        let request = self.repo_request(None, dir)?;
        let snapshot = capture_repo(&request)?;
        let (first, changed) = self.record_known(request.root, &snapshot);
        changed.then_some((first, snapshot))
    }

    /// Whether `snapshot` of `root` is the session's first state of it, and whether it differs from the last
    /// recorded one (it then becomes the last recorded one).
    fn record_known(&mut self, root: PathBuf, snapshot: &RepoSnapshot) -> (bool, bool) {
        let known = self.known.get(&root).cloned();
        let fingerprint = snapshot.fingerprint();
        if known.as_ref().is_some_and(|k| k.1 == fingerprint) {
            return (false, false);
        }
        let base = known.as_ref().map_or_else(|| snapshot.base.clone(), |k| k.0.clone());
        self.known.insert(root, (base, fingerprint));
        (known.is_none(), true)
    }
}

/// A repository's state to capture after a step or at the start, taken from the tracker when its turn comes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoCapture {
    /// The step it follows; `None` at the session's start.
    pub step: Option<String>,
    /// The work tree's root, canonical.
    pub root: PathBuf,
    /// The HEAD recorded at the session's start for this repository, if it has one.
    pub base: Option<String>,
}

/// The slow part of recording a repository's state (`git status` and a diff of the work tree), for a background
/// job. `None` when the repository cannot be read.
pub fn capture_repo(request: &RepoCapture) -> Option<RepoSnapshot> {
    capture(&request.root, request.base.as_deref()).ok()
}

/// What a view's capture needs, taken from the tracker on the UI thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewCapture {
    /// The shown file, canonical.
    pub file: PathBuf,
    /// Its work tree's root, canonical.
    pub root: PathBuf,
    /// The file inside the work tree, with `/`.
    pub relative: String,
    /// The HEAD recorded at the session's start for this repository, if it has one.
    pub base: Option<String>,
}

/// A view's capture: the shown file as it is, and the repository's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapturedView {
    pub file: RepoFile,
    pub snapshot: RepoSnapshot,
}

/// The slow part of recording a view (`git status` and a diff of the work tree, the file read), for a
/// background job. `None` when the repository cannot be read.
pub fn capture_view(request: &ViewCapture) -> Option<CapturedView> {
    let (sha256, content, truncated) = read_bounded(&request.file, CONTENT_LIMIT);
    let snapshot = capture(&request.root, request.base.as_deref()).ok()?;
    let file = RepoFile { path: request.relative.clone(), sha256, content, truncated };
    Some(CapturedView { file, snapshot })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .args(["-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
            .args(args)
            .current_dir(dir)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(ok, "git {args:?}");
    }

    #[test]
    fn the_diff_from_the_base_is_what_git_diff_prints() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "-q"]);
        std::fs::write(root.join("a.go"), "package a\n\nvar m = map[string]int{}\n").unwrap();
        git(root, &["add", "."]);
        git(root, &["commit", "-q", "-m", "one"]);
        let root = std::fs::canonicalize(root).unwrap();
        let start = capture(&root, None).unwrap();
        assert!(start.files.is_empty());
        assert_eq!(start.base, start.head);
        assert_eq!(start.diff.as_deref(), Some(""));

        std::fs::write(
            root.join("a.go"),
            "package a\n\nimport \"sync\"\n\nvar m = map[string]int{}\nvar mu sync.Mutex\n",
        )
        .unwrap();
        std::fs::write(root.join("a_test.go"), "package a\n").unwrap();
        let later = capture(&root, start.base.as_deref()).unwrap();
        let paths: Vec<_> = later.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["a.go", "a_test.go"]);
        assert_eq!(later.files[1].content.as_deref(), Some("package a\n"));
        assert_ne!(start.fingerprint(), later.fingerprint());
        let diff = later.diff.unwrap();
        let git_diff = Command::new("git")
            .args(["diff", start.base.as_deref().unwrap(), "--", "a.go"])
            .current_dir(&root)
            .output()
            .unwrap();
        let git_text = String::from_utf8(git_diff.stdout).unwrap();
        // Every added and removed line git prints is in ours, in the same order.
        let changes = |t: &str| -> Vec<String> {
            t.lines()
                .filter(|l| {
                    (l.starts_with('+') || l.starts_with('-')) && !l.starts_with("+++") && !l.starts_with("---")
                })
                .map(str::to_string)
                .collect()
        };
        let ours = changes(&diff);
        for line in changes(&git_text) {
            assert!(ours.contains(&line), "{line:?} missing from\n{diff}");
        }
        assert!(diff.contains("+package a"), "the untracked test file is in the diff:\n{diff}");

        // A commit moves HEAD; the base stays the session's.
        git(&root, &["add", "."]);
        git(&root, &["commit", "-q", "-m", "fix"]);
        let committed = capture(&root, start.base.as_deref()).unwrap();
        assert_ne!(committed.head, committed.base);
        assert!(committed.files.is_empty());
        assert!(committed.diff.unwrap().contains("+var mu sync.Mutex"));
    }

    #[test]
    fn the_tracker_records_a_repository_once_then_only_its_changes() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        git(&root, &["init", "-q"]);
        std::fs::create_dir(root.join("pkg")).unwrap();
        std::fs::write(root.join("pkg/a.go"), "package pkg\n").unwrap();
        git(&root, &["add", "."]);
        git(&root, &["commit", "-q", "-m", "one"]);
        let mut tracker = Tracker::default();
        let (first, start) = tracker.observe(&root.join("pkg")).unwrap();
        assert!(first);
        assert_eq!(start.repo, root.to_string_lossy());
        assert!(tracker.observe(&root).is_none(), "nothing changed");
        std::fs::write(root.join("pkg/a.go"), "package pkg\n\nvar x int\n").unwrap();
        let (first, changed) = tracker.observe(&root).unwrap();
        assert!(!first);
        assert_eq!(changed.base, start.head);
        assert!(tracker.observe(&root).is_none());

        let mut resumed = Tracker::default();
        resumed.seed(&start);
        resumed.seed(&changed);
        assert!(resumed.observe(&root).is_none(), "the journal's last state is the current one");
    }

    #[test]
    fn outside_a_repository_there_is_no_root() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(root_of(dir.path()), None);
    }
}
