//! `blame`: who last changed each line of a range, for the `blame` action and `runbook blame`.
//!
//! The answer must equal `git blame`'s commit for every line, so the choices follow git: the repository is
//! discovered from the file's nearest existing directory (then the current directory); without `rev` the
//! working tree is blamed as git does, as a commit not made yet whose parents are HEAD and any
//! `MERGE_HEAD` (`blame_worktree`), after git's clean conversion (`clean_filter`: end of line, `ident`);
//! a symbolic link is blamed as the link itself; renames are paired as git pairs them (`blame_rename`);
//! lines moved or copied belong to the commit that moved them, unless git's `-M`/`-C` are asked for
//! (`blame_moves`, through `blame_ranges_with`); authors go through
//! `.mailmap` (`commit_info`). The history walk is `blame_engine` (git's algorithm on git2 primitives).
//! Only the range is computed; a range running past the end is clamped, as git clamps it.

use super::blame_engine::{blame_lines, Blamed};
use super::blame_moves::{MoveCopy, Runs};
use super::blame_worktree::{attribute, in_index, parent_commits, parents, Attributed, Parent};
use super::clean_filter::{clean, Cleaned};
use super::commit_info::CommitCache;
use super::line_range::{count_lines, LineRange};
use super::range_spec::{merge, RangeSpec, RangeSpecError};
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
    #[error("{}: lines {range} are outside the file, which has only {lines} lines", path.display())]
    RangeOutsideFile { path: PathBuf, range: LineRange, lines: usize },
    #[error(
        "{}: git passes this file through the external clean filter {filter:?} (Git LFS or the like), a \
         command that blame does not run; blame the committed file instead (--rev HEAD)",
        path.display()
    )]
    ExternalFilter { path: PathBuf, filter: String },
    #[error("{}: {source}", path.display())]
    BadRange { path: PathBuf, source: RangeSpecError },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("git: {0}")]
    Git(#[from] git2::Error),
}

/// Blames the requested lines, in order.
pub fn blame(options: &BlameOptions) -> Result<Vec<BlameLine>, BlameError> {
    blame_with(options, MoveCopy::default(), |content, _, _| {
        let total = count_lines(content);
        let range = match options.lines {
            Some(range) if range.start > total => {
                return Err(BlameError::RangeOutsideFile { path: options.file.clone(), range, lines: total });
            }
            // git clamps a range that runs past the end.
            Some(range) => LineRange { start: range.start, end: range.end.min(total) },
            None => LineRange { start: 1, end: total },
        };
        Ok((range.start..=range.end).collect())
    })
}

/// Blames the lines of several git `-L` forms (`A,B`, `A,-N`, `/regex/`, `:funcname`, ...), merged and in
/// order, as `git blame -L … -L …` does. `specs` are the texts as given; `file` and `rev` as in
/// `BlameOptions` (its `lines` is ignored).
pub fn blame_ranges(options: &BlameOptions, specs: &[String]) -> Result<Vec<BlameLine>, BlameError> {
    blame_ranges_with(options, specs, MoveCopy::default())
}

/// `blame_ranges` with git's `-M`/`-C` (`detect`): lines moved within the file or copied from other files
/// keep the commit that wrote them, at their path and line there.
pub fn blame_ranges_with(
    options: &BlameOptions,
    specs: &[String],
    detect: MoveCopy,
) -> Result<Vec<BlameLine>, BlameError> {
    let parsed: Vec<RangeSpec> = specs
        .iter()
        .map(|spec| spec.parse().map_err(|source| BlameError::BadRange { path: options.file.clone(), source }))
        .collect::<Result<_, _>>()?;
    blame_with(options, detect, |content, repo, rel| {
        if parsed.is_empty() {
            return Ok((1..=count_lines(content)).collect());
        }
        let golang = repo
            .get_attr(rel, "diff", git2::AttrCheckFlags::FILE_THEN_INDEX)
            .is_ok_and(|value| value == Some("golang"));
        let ranges = parsed
            .iter()
            .zip(specs)
            .map(|(range, text)| range.resolve(content, golang, text))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|source| BlameError::BadRange { path: options.file.clone(), source })?;
        Ok(merge(&ranges))
    })
}

/// The function around `line` (1-based): its header line's text and its line range, as git's `-L :funcname`
/// picks it for that header (from the header to the line before the next function header, by git's default
/// rule, or its Go rule where `.gitattributes` sets `diff=golang`), blamed. The TUI's "blame this function".
pub fn blame_function(options: &BlameOptions, line: usize) -> Result<FunctionBlame, BlameError> {
    let found = std::cell::RefCell::new(None);
    let lines = blame_with(options, MoveCopy::default(), |content, repo, rel| {
        let golang = repo
            .get_attr(rel, "diff", git2::AttrCheckFlags::FILE_THEN_INDEX)
            .is_ok_and(|value| value == Some("golang"));
        let (header, start, end) = super::range_spec::function_around(content, line, golang).ok_or_else(|| {
            let source =
                super::range_spec::RangeSpecError::NoMatch { spec: format!(":(the function around line {line})") };
            BlameError::BadRange { path: options.file.clone(), source }
        })?;
        *found.borrow_mut() = Some(header);
        Ok((start..=end).collect())
    })?;
    let header = found.into_inner().unwrap_or_default();
    Ok(FunctionBlame { header, lines })
}

/// `blame_function`'s answer: the function's header line and its blamed lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionBlame {
    pub header: String,
    pub lines: Vec<BlameLine>,
}

/// The blame itself; `pick` chooses the lines (1-based, ascending) from the blamed content.
fn blame_with(
    options: &BlameOptions,
    detect: MoveCopy,
    pick: impl FnOnce(&[u8], &Repository, &Path) -> Result<Vec<usize>, BlameError>,
) -> Result<Vec<BlameLine>, BlameError> {
    // libgit2 re-hashes every object it reads to verify it; git does not (that is fsck's job). A blame
    // reads thousands of trees and blobs, and the SHA-1 (collision-detecting) was a third of its time.
    // Process-wide, idempotent, and only ever relaxes reads to git's own behaviour.
    git2::opts::strict_hash_verification(false);
    let shown = &options.file;
    let file = std::path::absolute(shown).map_err(|source| BlameError::Io { path: shown.clone(), source })?;
    let (repo, rel) = open(&file, shown, options.rev.is_some())?;
    let head_rev = options.rev.as_deref().unwrap_or("HEAD");
    let commit = match repo.revparse_single(head_rev).and_then(|o| o.peel_to_commit()) {
        Ok(commit) => commit,
        // revparse of an unborn HEAD reports "not found", not "unborn": ask HEAD itself.
        Err(_) if options.rev.is_none() && is_unborn(&repo) => {
            let repo_dir = repo.workdir().unwrap_or(repo.path()).to_path_buf();
            return Err(BlameError::NoCommits { repo: repo_dir });
        }
        Err(err) => {
            return Err(BlameError::UnknownRevision { rev: head_rev.to_owned(), message: err.message().to_owned() })
        }
    };
    let not_tracked = || BlameError::NotTracked { path: shown.clone(), rev: head_rev.to_owned() };

    // What is blamed (the file at `rev`, or the working file as git would store it), and who may have it.
    let (content, mut sources, commits) = match options.rev {
        Some(_) => {
            let entry = match commit.tree()?.get_path(&rel) {
                Ok(entry) => entry,
                Err(err) if err.code() == ErrorCode::NotFound => return Err(not_tracked()),
                Err(err) => return Err(err.into()),
            };
            let blob = entry.to_object(&repo)?.peel_to_blob().map_err(|_| not_tracked())?;
            let content = blob.content().to_vec();
            (content, vec![Parent { commit: commit.clone(), path: rel.clone(), blob }], Vec::new())
        }
        None => {
            let (raw, mode) = read_worktree(&file, shown)?;
            let content = match clean(&repo, &rel, raw)? {
                Cleaned::Content(content) => content,
                Cleaned::External(filter) => return Err(BlameError::ExternalFilter { path: shown.clone(), filter }),
            };
            let commits = parent_commits(&repo, commit.clone())?;
            let sources = parents(&repo, &commits, &rel, mode)?;
            if sources.is_empty() && !in_index(&repo, &rel)? {
                return Err(not_tracked());
            }
            (content, sources, commits)
        }
    };

    let wanted = pick(&content, &repo, &rel)?;
    let attributed = match options.rev {
        Some(_) => Attributed {
            at: wanted.iter().map(|&line| Some((0, line))).collect(),
            runs: Runs::of_stretches(wanted.len(), |slot| wanted[slot - 1] + 1 == wanted[slot]).into_numbers(),
        },
        None => attribute(&repo, &commits, &mut sources, &rel, &content, &wanted, detect)?,
    };
    let blamed = blame_each_source(&repo, &sources, &attributed, detect)?;

    let texts: Vec<&[u8]> = content.split(|&b| b == b'\n').collect();
    let text_of = |n: usize| {
        let line = texts.get(n - 1).copied().unwrap_or_default();
        String::from_utf8_lossy(line.strip_suffix(b"\r").unwrap_or(line)).into_owned()
    };
    let uncommitted = Uncommitted::of(&file, &rel);
    let mut commits = CommitCache::new(&repo);
    let mut lines = Vec::with_capacity(wanted.len());
    for (n, found) in wanted.into_iter().zip(blamed) {
        let Some(found) = found else {
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

/// Runs the history walk once per source for the lines attributed to it, each line with its run; answers in
/// the input's order.
fn blame_each_source(
    repo: &Repository,
    sources: &[Parent<'_>],
    attributed: &Attributed,
    detect: MoveCopy,
) -> Result<Vec<Option<Blamed>>, git2::Error> {
    let (attributed, runs) = (&attributed.at, &attributed.runs);
    let mut result: Vec<Option<Blamed>> = vec![None; attributed.len()];
    for (index, source) in sources.iter().enumerate() {
        let mut lines: Vec<(usize, usize)> = attributed
            .iter()
            .zip(runs)
            .filter_map(|(at, &run)| at.filter(|(s, _)| *s == index).map(|(_, line)| (line, run)))
            .collect();
        if lines.is_empty() {
            continue;
        }
        lines.sort_unstable();
        lines.dedup_by_key(|(line, _)| *line);
        let (numbers, line_runs): (Vec<usize>, Vec<usize>) = lines.iter().copied().unzip();
        let blamed = blame_lines(repo, &source.commit, &source.path, &source.blob, &numbers, &line_runs, detect)?;
        for (slot, at) in attributed.iter().enumerate() {
            if let Some((_, line)) = at.filter(|(s, _)| *s == index) {
                let position = numbers.binary_search(&line).map_err(|_| git2::Error::from_str("blame: lost line"))?;
                result[slot] = Some(blamed[position].clone());
            }
        }
    }
    Ok(result)
}

/// The repository holding `file` and the file's path in it. Discovered from the file's nearest existing
/// directory (an old revision's path may be gone from the work tree), else from the current directory.
/// A bare repository has no working tree: only a revision can be blamed there.
fn open(file: &Path, shown: &Path, has_rev: bool) -> Result<(Repository, PathBuf), BlameError> {
    let start = file.ancestors().skip(1).find(|dir| dir.is_dir()).unwrap_or(Path::new("/"));
    let not_a_repository = || BlameError::NotARepository { path: shown.to_path_buf() };
    let (repo, from_cwd) = match Repository::discover(start) {
        Ok(repo) => (repo, false),
        Err(err) if err.code() == ErrorCode::NotFound => match Repository::open_from_env() {
            Ok(repo) => (repo, true),
            Err(err) if err.code() == ErrorCode::NotFound => return Err(not_a_repository()),
            Err(err) => return Err(err.into()),
        },
        Err(err) => return Err(err.into()),
    };
    let root = match repo.workdir() {
        Some(workdir) if !repo.is_bare() => workdir.to_path_buf(),
        _ if has_rev => repo.path().to_path_buf(),
        _ => return Err(BlameError::BareRepository { path: shown.to_path_buf() }),
    };
    let rel = match relative_to(file, &root) {
        Some(rel) => rel,
        // Neither the file's directories nor the current directory's repository hold it.
        None if from_cwd => return Err(not_a_repository()),
        None => return Err(BlameError::OutsideWorkTree { file: shown.to_path_buf(), workdir: root }),
    };
    Ok((repo, rel))
}

/// The working file's content and git mode: a symbolic link is the link itself (its target's path, no
/// newline), as git stores and blames it.
fn read_worktree(file: &Path, shown: &Path) -> Result<(Vec<u8>, i32), BlameError> {
    let io_error = |source: std::io::Error| match source.kind() {
        std::io::ErrorKind::NotFound => BlameError::NoSuchFile { path: shown.to_path_buf() },
        _ => BlameError::Io { path: shown.to_path_buf(), source },
    };
    let meta = std::fs::symlink_metadata(file).map_err(io_error)?;
    if meta.file_type().is_symlink() {
        use std::os::unix::ffi::OsStrExt as _;
        let target = std::fs::read_link(file).map_err(io_error)?;
        return Ok((target.as_os_str().as_bytes().to_vec(), 0o120000));
    }
    Ok((std::fs::read(file).map_err(io_error)?, 0o100644))
}

fn is_unborn(repo: &Repository) -> bool {
    repo.head().is_err_and(|err| err.code() == ErrorCode::UnbornBranch)
}

/// The file's path inside `root`, with symlinked directories (e.g. a temp dir) resolved on both sides; the
/// file and its directories need not exist (blaming an old revision of a deleted file).
fn relative_to(file: &Path, root: &Path) -> Option<PathBuf> {
    let root = root.canonicalize().ok()?;
    let existing = file.ancestors().skip(1).find(|dir| dir.is_dir())?;
    let rest = file.strip_prefix(existing).ok()?;
    let rel = existing.canonicalize().ok()?.strip_prefix(&root).ok()?.join(rest);
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
