//! The blame engine: which commit last changed each line of a range, computed the way git's `blame.c` does.
//!
//! It exists because libgit2's `blame_file` was 2× slower than `git blame -L` (see docs/locate.md, "Speed"):
//! it runs two tree diffs and rename detection per commit, and diffs whole blobs. This engine does what git
//! does instead, on git2 primitives:
//! - an origin is (commit, path, blob) with the lines still "suspected" to come from it; origins are taken
//!   newest commit first, and lines reaching the same origin by several routes are handled together;
//! - for each parent, the file's blob is looked up by path (`find_origin`); only when the path is missing
//!   there is a rename looked for, with a tree diff and rename detection (`find_rename`);
//! - a parent holding the identical blob takes every line ("same as parent"); otherwise each parent in
//!   order gets the lines a zero-context diff leaves unchanged, diffed exactly as git does (`blame_diff`);
//! - what no parent takes is the commit's; the walk stops when no line is left unattributed.
//!
//! With `-M`/`-C` (`blame_moves`), the lines no parent took are then searched for in the parents' files, as
//! git does; that needs git's runs of lines (its blame entries), so each line carries the run it belongs to,
//! and a diff splits runs exactly where git's splits its entries.
//!
//! Only the requested lines are tracked, so a range-limited blame stops early. Not done (as in our CLI):
//! `--first-parent`, `blame.ignoreRevsFile`, textconv filters.

use super::blame_diff::{split_by_diff, Suspect};
use super::blame_moves::{search, MoveCopy, Runs, Target};
use super::blame_rename::{deleted_in, rename_source, Entry as TreeFile};
use git2::{Blob, Commit, DiffOptions, ObjectType, Oid, Repository, Tree};
use std::collections::hash_map::Entry;
use std::collections::{BinaryHeap, HashMap};
use std::path::{Path, PathBuf};

/// Where one line came from: the commit that introduced it, with its path and 1-based line there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Blamed {
    pub commit: Oid,
    pub path: PathBuf,
    pub line: usize,
}

/// Blames `lines` (1-based, ascending) of `path` as of `start`, whose blob there is `blob`; the answers
/// come in the same order. `runs` gives each line's run (git's blame entry: lines with the same number that
/// are adjacent are one run), which only `-M`/`-C` look at.
pub(crate) fn blame_lines(
    repo: &Repository,
    start: &Commit<'_>,
    path: &Path,
    blob: &Blob<'_>,
    lines: &[usize],
    runs: &[usize],
    detect: MoveCopy,
) -> Result<Vec<Blamed>, git2::Error> {
    let mode = start.tree()?.get_path(path)?.filemode();
    let mut engine = Engine {
        repo,
        queue: BinaryHeap::new(),
        pending: HashMap::new(),
        result: Vec::new(),
        detect,
        runs: Runs::new(runs.to_vec()),
    };
    engine.result.resize(lines.len(), None);
    let suspects = lines.iter().enumerate().map(|(slot, &line)| Suspect { slot, line: line - 1 }).collect();
    let origin = Origin { path: path.to_path_buf(), blob: blob.id(), mode, content: Some(blob.clone()) };
    engine.add(start, origin, suspects);
    while let Some(next) = engine.queue.pop() {
        if let Some((origin, suspects)) = engine.pending.remove(&next.key) {
            engine.process(next.key.0, origin, suspects)?;
        }
    }
    // Every suspect ends up blamed on some commit (a root commit takes all that reach it).
    engine
        .result
        .into_iter()
        .map(|blamed| blamed.ok_or_else(|| git2::Error::from_str("blame: a line was left unattributed")))
        .collect()
}

/// A file as of a commit: the path, blob and mode there, and the blob once read.
#[derive(Clone)]
struct Origin<'r> {
    path: PathBuf,
    blob: Oid,
    mode: i32,
    content: Option<Blob<'r>>,
}

/// Queue order: newest commit first, as git's `prio_queue` by commit date.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Queued {
    time: i64,
    key: (Oid, PathBuf),
}

struct Engine<'r> {
    repo: &'r Repository,
    queue: BinaryHeap<Queued>,
    pending: HashMap<(Oid, PathBuf), (Origin<'r>, Vec<Suspect>)>,
    result: Vec<Option<Blamed>>,
    detect: MoveCopy,
    /// Each suspect's run (by slot).
    runs: Runs,
}

/// What a parent holds at the origin's path (git's `find_origin`).
enum InParent<'r> {
    /// A blob of the same file type: the parent's origin.
    Found(Origin<'r>),
    /// Not there, or a directory there: look for a rename.
    Missing,
    /// A different type (symlink vs file, submodule): git diffs it as a type change, and blames no parent.
    Other,
}

impl<'r> Engine<'r> {
    /// Queues `suspects` for `origin` in `commit`, merging with lines that reached it another way.
    fn add(&mut self, commit: &Commit<'_>, origin: Origin<'r>, mut suspects: Vec<Suspect>) {
        let key = (commit.id(), origin.path.clone());
        match self.pending.entry(key) {
            Entry::Occupied(mut queued) => {
                let (queued_origin, queued_suspects) = queued.get_mut();
                if queued_origin.content.is_none() {
                    queued_origin.content = origin.content;
                }
                queued_suspects.append(&mut suspects);
                queued_suspects.sort_unstable_by_key(|s| s.line);
            }
            Entry::Vacant(slot) => {
                self.queue.push(Queued { time: commit.time().seconds(), key: slot.key().clone() });
                slot.insert((origin, suspects));
            }
        }
    }

    fn blame_on(&mut self, commit: Oid, path: &Path, suspects: &[Suspect]) {
        for suspect in suspects {
            self.result[suspect.slot] = Some(Blamed { commit, path: path.to_path_buf(), line: suspect.line + 1 });
        }
    }

    /// git's `pass_blame`: hands the origin's lines to its parents, keeps the rest.
    fn process(&mut self, id: Oid, mut origin: Origin<'r>, mut suspects: Vec<Suspect>) -> Result<(), git2::Error> {
        let commit = self.repo.find_commit(id)?;
        let parents: Vec<Commit<'r>> = commit.parents().collect();
        let mut found: Vec<Option<Origin<'r>>> = parents.iter().map(|_| None).collect();
        let mut missing = vec![false; parents.len()];
        // Pass 0 by path, pass 1 by rename detection where the path is missing: a parent with the identical
        // blob takes everything; a parent whose blob an earlier parent already has is not diffed again.
        for pass in 0..2 {
            for (i, parent) in parents.iter().enumerate() {
                if found[i].is_some() || (pass == 1 && !missing[i]) {
                    continue;
                }
                let candidate = match pass {
                    0 => match in_parent(&parent.tree()?, &origin)? {
                        InParent::Found(candidate) => candidate,
                        InParent::Missing => {
                            missing[i] = true;
                            continue;
                        }
                        InParent::Other => continue,
                    },
                    _ => match self.find_rename(parent, &commit, &origin)? {
                        Some(candidate) => candidate,
                        None => continue,
                    },
                };
                if candidate.blob == origin.blob {
                    let mut candidate = candidate;
                    candidate.content = origin.content.take();
                    self.add(parent, candidate, suspects);
                    return Ok(());
                }
                // Only earlier parents count (git's `j < i`), also in pass 1 when later ones are set.
                if !found[..i].iter().flatten().any(|earlier| earlier.blob == candidate.blob) {
                    found[i] = Some(candidate);
                }
            }
        }
        for (parent, candidate) in parents.iter().zip(found.iter_mut()) {
            let Some(candidate) = candidate else { continue };
            let child = match &origin.content {
                Some(blob) => blob.clone(),
                None => self.repo.find_blob(origin.blob)?,
            };
            origin.content = Some(child.clone());
            let before = self.repo.find_blob(candidate.blob)?;
            let (passed, kept) = split_by_diff(before.content(), child.content(), &suspects)?;
            candidate.content = Some(before);
            if self.detect.searches() {
                self.runs.split_passed(&suspects, &passed);
            }
            suspects = kept;
            if !passed.is_empty() {
                self.add(parent, candidate.clone(), passed);
            }
            if suspects.is_empty() {
                return Ok(());
            }
        }
        if self.detect.searches() {
            suspects = self.pass_moved_and_copied(&commit, &parents, &found, &mut origin, suspects)?;
        }
        self.blame_on(id, &origin.path, &suspects);
        Ok(())
    }

    /// Queues a piece found by `-M`/`-C` for its origin in `parent`, as a run of its own.
    fn add_piece(&mut self, parent: &Commit<'_>, origin: Origin<'r>, piece: Vec<Suspect>) {
        self.runs.fresh(&piece);
        self.add(parent, origin, piece);
    }

    /// git's `pass_blame` after the diffs: with `-M`, each parent's version of the file (`found`) is searched
    /// for the runs left; with `-C`, the other files of each parent (`copy_sources`). Returns what is left.
    fn pass_moved_and_copied(
        &mut self,
        commit: &Commit<'r>,
        parents: &[Commit<'r>],
        found: &[Option<Origin<'r>>],
        origin: &mut Origin<'r>,
        suspects: Vec<Suspect>,
    ) -> Result<Vec<Suspect>, git2::Error> {
        let child = match &origin.content {
            Some(blob) => blob.clone(),
            None => self.repo.find_blob(origin.blob)?,
        };
        origin.content = Some(child.clone());
        let target = Target::new(child.content());
        let mut runs = self.runs.group(suspects);
        for (parent, candidate) in parents.iter().zip(found) {
            let Some(candidate) = candidate else { continue };
            if runs.is_empty() {
                break;
            }
            let before = match &candidate.content {
                Some(blob) => blob.clone(),
                None => self.repo.find_blob(candidate.blob)?,
            };
            let searched = search(&target, runs, &[before.content()], self.detect.move_score)?;
            for (_, piece) in searched.passed {
                self.add_piece(parent, candidate.clone(), piece);
            }
            runs = searched.left;
        }
        if self.detect.copies > 0 {
            for (parent, candidate) in parents.iter().zip(found) {
                if !runs.iter().any(|run| target.score(run) > self.detect.copy_score) {
                    break;
                }
                let sources = self.copy_sources(parent, commit, candidate.as_ref(), origin)?;
                let contents: Vec<&[u8]> =
                    sources.iter().map(|s| s.content.as_ref().map_or(&[][..], |blob| blob.content())).collect();
                let searched = search(&target, runs, &contents, self.detect.copy_score)?;
                for (source, piece) in searched.passed {
                    self.add_piece(parent, sources[source].clone(), piece);
                }
                runs = searched.left;
            }
        }
        let mut left: Vec<Suspect> = runs.into_iter().flat_map(|run| run.suspects).collect();
        left.sort_by_key(|s| s.line);
        Ok(left)
    }

    /// git's `find_copy_in_parent` candidates: the parent's files that the commit changed or deleted (`-C`), or
    /// every file of the parent (`-C -C` when the blamed file is new or renamed here, `-C -C -C` always), in
    /// path order, without submodules and without the file `-M` searched already (`searched`).
    fn copy_sources(
        &self,
        parent: &Commit<'_>,
        commit: &Commit<'_>,
        searched: Option<&Origin<'_>>,
        origin: &Origin<'_>,
    ) -> Result<Vec<Origin<'r>>, git2::Error> {
        let harder = self.detect.harder_copies(searched.map(|found| found.path.as_path()), &origin.path);
        let mut options = DiffOptions::new();
        options.include_typechange(true).include_unmodified(harder);
        let diff = self.repo.diff_tree_to_tree(Some(&parent.tree()?), Some(&commit.tree()?), Some(&mut options))?;
        copy_candidates(&diff, searched.map(|found| found.path.as_path()))
            .into_iter()
            .map(|e| {
                Ok(Origin { content: Some(self.repo.find_blob(e.blob)?), path: e.path, blob: e.blob, mode: e.mode })
            })
            .collect()
    }

    /// git's `find_rename`: the parent's file that this commit renamed to the origin's path (see
    /// `blame_rename` for how git pairs them).
    fn find_rename(
        &self,
        parent: &Commit<'_>,
        commit: &Commit<'_>,
        origin: &Origin<'_>,
    ) -> Result<Option<Origin<'r>>, git2::Error> {
        let mut options = DiffOptions::new();
        options.include_typechange(true);
        let diff = self.repo.diff_tree_to_tree(Some(&parent.tree()?), Some(&commit.tree()?), Some(&mut options))?;
        let dst = TreeFile { path: origin.path.clone(), blob: origin.blob, mode: origin.mode };
        let source = rename_source(self.repo, &dst, &deleted_in(&diff))?;
        Ok(source.map(|e| Origin { path: e.path, blob: e.blob, mode: e.mode, content: None }))
    }
}

/// The copy sources a diff from a parent offers (git's `find_copy_in_parent` loop over the diff queue): every
/// file that exists on the parent's side, but submodules and `searched` (the file `-M` searched already), in
/// git's tree order (whole paths compared as bytes, not `Path`'s component order).
pub(crate) fn copy_candidates(diff: &git2::Diff<'_>, searched: Option<&Path>) -> Vec<TreeFile> {
    let mut found: Vec<TreeFile> = diff
        .deltas()
        .filter_map(|delta| {
            let old = delta.old_file();
            let path = old.path()?;
            let usable = old.exists() && old.mode() != git2::FileMode::Commit && searched != Some(path);
            usable.then(|| TreeFile { path: path.to_path_buf(), blob: old.id(), mode: old.mode().into() })
        })
        .collect();
    found.sort_by(|a, b| a.path.as_os_str().as_encoded_bytes().cmp(b.path.as_os_str().as_encoded_bytes()));
    found
}

fn in_parent<'r>(tree: &Tree<'_>, origin: &Origin<'_>) -> Result<InParent<'r>, git2::Error> {
    let entry = match tree.get_path(&origin.path) {
        Ok(entry) => entry,
        Err(err) if err.code() == git2::ErrorCode::NotFound => return Ok(InParent::Missing),
        Err(err) => return Err(err),
    };
    const TYPE_BITS: i32 = 0o170000;
    Ok(match entry.kind() {
        Some(ObjectType::Tree) => InParent::Missing,
        Some(ObjectType::Blob) if entry.filemode() & TYPE_BITS == origin.mode & TYPE_BITS => InParent::Found(Origin {
            path: origin.path.clone(),
            blob: entry.id(),
            mode: entry.filemode(),
            content: None,
        }),
        _ => InParent::Other,
    })
}
