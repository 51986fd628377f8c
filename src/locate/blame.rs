//! `blame`: who last changed each line of a range, for the `blame` action and `runbook blame`.
//!
//! The answer must equal `git blame -L`'s commit for every line, so the choices follow git: the repository
//! is discovered from the file's directory; without `rev` the working tree is blamed (the committed blame
//! read through a diff to the working tree, so line numbers are the working tree's and edited lines come
//! out uncommitted; why not libgit2's `blame_buffer`: see `worktree_map`); renames are followed; lines
//! moved inside a file belong to the commit that moved them (no `-M`); authors go through `.mailmap`. The
//! history walk is `blame_engine` (git's algorithm on git2 primitives, faster than libgit2's `blame_file`).
//! Only the range is computed: for a dirty file the working-tree range is first mapped back to the
//! committed lines it came from.

use super::blame_engine::blame_lines;
use super::commit_info::CommitCache;
use super::line_range::{count_lines, LineRange};
use super::worktree_map::{committed_lines_of, span};
use git2::{ErrorCode, Repository};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What to blame: the fields of the `blame` step action.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlameOptions {
    pub file: PathBuf,
    /// The whole file when absent.
    #[serde(default)]
    pub lines: Option<LineRange>,
    /// Blame the file as of this revision instead of the working tree.
    #[serde(default)]
    pub rev: Option<String>,
}

/// One blamed line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlameLine {
    /// 1-based line number in the blamed version (the working tree unless `rev` is given).
    pub line: usize,
    /// Full commit id; forty zeros for a line not committed yet.
    pub commit: String,
    /// The shortest unambiguous prefix (at least `core.abbrev`), as `git log --oneline` shows it.
    pub short_commit: String,
    pub author: String,
    pub email: String,
    /// Author time, seconds since the Unix epoch.
    pub time: i64,
    /// Author time zone, as `+0100`.
    pub tz: String,
    pub summary: String,
    /// Path and line of this line in `commit`, which differ after renames and edits above it.
    pub orig_path: String,
    pub orig_line: usize,
    pub uncommitted: bool,
    /// The commit is where the blame stopped looking, not necessarily where the line was written: a root
    /// commit, or a shallow clone's boundary commit (whose parents are not in the clone). git marks these
    /// lines `^` (and `boundary` in its porcelain) unless `blame.showRoot` is set.
    pub boundary: bool,
    /// The line's content without its terminator, lossily decoded.
    pub text: String,
}

#[derive(Debug, thiserror::Error)]
pub enum BlameError {
    #[error("{}: not a git repository (or any parent up to the root)", path.display())]
    NotARepository { path: PathBuf },
    #[error("{}: is in a bare repository, which has no working tree to blame", path.display())]
    BareRepository { path: PathBuf },
    #[error("{}: is outside the repository's working tree {}", file.display(), workdir.display())]
    OutsideWorkTree { file: PathBuf, workdir: PathBuf },
    #[error("{}: no such file", path.display())]
    NoSuchFile { path: PathBuf },
    #[error("{}: the repository has no commits yet", repo.display())]
    NoCommits { repo: PathBuf },
    #[error("{rev:?}: unknown revision: {message}")]
    UnknownRevision { rev: String, message: String },
    #[error("{}: not tracked by git (no such path in {rev})", path.display())]
    NotTracked { path: PathBuf, rev: String },
    #[error("{}: lines {range} are outside the file, which has {lines} lines", path.display())]
    RangeOutsideFile { path: PathBuf, range: LineRange, lines: usize },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("git: {0}")]
    Git(#[from] git2::Error),
}

/// Blames the requested lines, in order.
pub fn blame(options: &BlameOptions) -> Result<Vec<BlameLine>, BlameError> {
    // libgit2 re-hashes every object it reads to verify it; git does not (that is fsck's job). A blame
    // reads thousands of trees and blobs, and the SHA-1 (collision-detecting) was a third of its time.
    // Process-wide, idempotent, and only ever relaxes reads to git's own behaviour.
    git2::opts::strict_hash_verification(false);
    let file =
        std::path::absolute(&options.file).map_err(|source| BlameError::Io { path: options.file.clone(), source })?;
    let dir = file.parent().unwrap_or(Path::new("/"));
    let repo = Repository::discover(dir).map_err(|err| match err.code() {
        ErrorCode::NotFound => BlameError::NotARepository { path: options.file.clone() },
        _ => BlameError::Git(err),
    })?;
    let workdir = match repo.workdir() {
        Some(workdir) if !repo.is_bare() => workdir.to_path_buf(),
        _ => return Err(BlameError::BareRepository { path: options.file.clone() }),
    };
    let rel = relative_to(&file, &workdir)
        .ok_or_else(|| BlameError::OutsideWorkTree { file: options.file.clone(), workdir: workdir.clone() })?;
    let rev = options.rev.as_deref().unwrap_or("HEAD");
    let commit = match repo.revparse_single(rev).and_then(|o| o.peel_to_commit()) {
        Ok(commit) => commit,
        // revparse of an unborn HEAD reports "not found", not "unborn": ask HEAD itself.
        Err(_) if options.rev.is_none() && is_unborn(&repo) => {
            return Err(BlameError::NoCommits { repo: workdir });
        }
        Err(err) => return Err(BlameError::UnknownRevision { rev: rev.to_owned(), message: err.message().to_owned() }),
    };
    let committed = match commit.tree()?.get_path(&rel) {
        Ok(entry) => entry.to_object(&repo)?.peel_to_blob().ok(),
        Err(err) if err.code() == ErrorCode::NotFound => None,
        Err(err) => return Err(err.into()),
    };
    let worktree = match options.rev {
        Some(_) => None,
        None => Some(std::fs::read(&file).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => BlameError::NoSuchFile { path: options.file.clone() },
            _ => BlameError::Io { path: options.file.clone(), source },
        })?),
    };
    let not_tracked = || BlameError::NotTracked { path: options.file.clone(), rev: rev.to_owned() };
    let content: &[u8] = match (&worktree, &committed) {
        (Some(content), _) => content,
        (None, Some(blob)) => blob.content(),
        (None, None) => return Err(not_tracked()),
    };
    let total = count_lines(content);
    let range = match options.lines {
        Some(range) if range.end > total => {
            return Err(BlameError::RangeOutsideFile { path: options.file.clone(), range, lines: total });
        }
        Some(range) => range,
        None if total == 0 => return Ok(Vec::new()),
        None => LineRange { start: 1, end: total },
    };
    let uncommitted = Uncommitted::of(&file, &rel);
    let texts: Vec<&[u8]> =
        content.split(|&b| b == b'\n').skip(range.start - 1).take(range.end - range.start + 1).collect();
    let text_of = |n: usize| {
        let line = texts.get(n - range.start).copied().unwrap_or_default();
        String::from_utf8_lossy(line.strip_suffix(b"\r").unwrap_or(line)).into_owned()
    };
    let Some(committed) = &committed else {
        // Staged but never committed: git blames every line as not committed yet.
        let in_index = repo.index()?.get_path(&rel, 0).is_some();
        return match in_index {
            true => Ok((range.start..=range.end).map(|n| uncommitted.line(n, text_of(n))).collect()),
            false => Err(not_tracked()),
        };
    };

    // Working-tree line -> committed line (None: not committed yet). Identity for a clean file or a rev.
    let dirty = worktree.as_deref().filter(|w| *w != committed.content());
    let to_committed = match dirty {
        None => (range.start..=range.end).map(Some).collect(),
        Some(buffer) => committed_lines_of(committed, buffer, &rel, range)?,
    };
    let Some(committed_range) = span(&to_committed) else {
        // Every line of the range was added in the working tree: nothing to ask history about.
        return Ok((range.start..=range.end).map(|n| uncommitted.line(n, text_of(n))).collect());
    };
    let blamed = blame_lines(&repo, &commit, &rel, committed, committed_range.start, committed_range.end)?;

    let mut commits = CommitCache::new(&repo);
    let mut lines = Vec::with_capacity(to_committed.len());
    for (n, at) in (range.start..=range.end).zip(to_committed) {
        let Some(found) = at.and_then(|at| blamed.get(at - committed_range.start)) else {
            lines.push(uncommitted.line(n, text_of(n)));
            continue;
        };
        let info = commits.get(found.commit)?;
        lines.push(BlameLine {
            line: n,
            commit: found.commit.to_string(),
            short_commit: info.short.clone(),
            author: info.author.clone(),
            email: info.email.clone(),
            time: info.time,
            tz: info.tz.clone(),
            summary: info.summary.clone(),
            orig_path: found.path.to_string_lossy().into_owned(),
            orig_line: found.line,
            uncommitted: false,
            boundary: info.boundary,
            text: text_of(n),
        });
    }
    Ok(lines)
}

fn is_unborn(repo: &Repository) -> bool {
    repo.head().is_err_and(|err| err.code() == ErrorCode::UnbornBranch)
}

/// The file's path inside the working tree, with symlinked directories (e.g. a temp dir) resolved on both
/// sides; the file itself need not exist (blaming an old revision of a deleted file).
fn relative_to(file: &Path, workdir: &Path) -> Option<PathBuf> {
    let workdir = workdir.canonicalize().ok()?;
    let dir = file.parent()?.canonicalize().ok()?;
    let rel = dir.strip_prefix(&workdir).ok()?.join(file.file_name()?);
    Some(rel)
}

/// How `git blame` shows a line that is not committed yet, minus the clock: the time is the file's mtime.
struct Uncommitted {
    rel: String,
    time: i64,
}

impl Uncommitted {
    fn of(file: &Path, rel: &Path) -> Self {
        let time = std::fs::metadata(file)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs() as i64);
        Uncommitted { rel: rel.to_string_lossy().into_owned(), time }
    }

    fn line(&self, n: usize, text: String) -> BlameLine {
        BlameLine {
            line: n,
            commit: "0".repeat(40),
            short_commit: "0000000".to_owned(),
            author: "Not Committed Yet".to_owned(),
            email: "not.committed.yet".to_owned(),
            time: self.time,
            tz: "+0000".to_owned(),
            summary: "Not committed yet".to_owned(),
            orig_path: self.rel.clone(),
            orig_line: n,
            uncommitted: true,
            boundary: false,
            text,
        }
    }
}
