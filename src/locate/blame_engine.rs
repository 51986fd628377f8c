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
//!   order gets the lines a zero-context diff leaves unchanged, with git's diff input and options: the
//!   common tail trimmed as `xdiff-interface.c`'s `trim_common_tail` does, the indent heuristic on (git's
//!   `diff.indentHeuristic` default), text even when the blob looks binary;
//! - what no parent takes is the commit's; the walk stops when no line is left unattributed.
//!
//! Only the requested lines are tracked, so a range-limited blame stops early. Not done (as in our CLI):
//! `-M`/`-C` copy detection, `--first-parent`, `blame.ignoreRevsFile`, textconv filters.

use git2::{Blob, Commit, Delta, DiffFindOptions, DiffOptions, ObjectType, Oid, Patch, Repository, Tree};
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

/// Blames lines `first..=last` (1-based) of `path` as of `start`, whose blob there is `blob`.
pub(crate) fn blame_lines(
    repo: &Repository,
    start: &Commit<'_>,
    path: &Path,
    blob: &Blob<'_>,
    first: usize,
    last: usize,
) -> Result<Vec<Blamed>, git2::Error> {
    let mode = start.tree()?.get_path(path)?.filemode();
    let mut engine = Engine { repo, queue: BinaryHeap::new(), pending: HashMap::new(), result: Vec::new() };
    engine.result.resize(last + 1 - first, None);
    let suspects = (first..=last).enumerate().map(|(slot, line)| Suspect { slot, line: line - 1 }).collect();
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

/// A line still looking for its commit: its index in the result, and its 0-based line in the origin's blob.
#[derive(Debug, Clone, Copy)]
struct Suspect {
    slot: usize,
    line: usize,
}

/// A file as of a commit: the path, blob and mode there, and the blob once read.
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
                    _ => match self.find_rename(parent, &commit, &origin.path)? {
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
                if !found.iter().flatten().any(|earlier| earlier.blob == candidate.blob) {
                    found[i] = Some(candidate);
                }
            }
        }
        for (parent, candidate) in parents.iter().zip(found) {
            let Some(mut candidate) = candidate else { continue };
            let child = match &origin.content {
                Some(blob) => blob.clone(),
                None => self.repo.find_blob(origin.blob)?,
            };
            origin.content = Some(child.clone());
            let before = self.repo.find_blob(candidate.blob)?;
            let (passed, kept) = split_by_diff(before.content(), child.content(), &suspects)?;
            candidate.content = Some(before);
            suspects = kept;
            if !passed.is_empty() {
                self.add(parent, candidate, passed);
            }
            if suspects.is_empty() {
                return Ok(());
            }
        }
        self.blame_on(id, &origin.path, &suspects);
        Ok(())
    }

    /// git's `find_rename`: the parent's file that this commit renamed to `path`, by rename detection over
    /// the whole tree diff.
    fn find_rename(
        &self,
        parent: &Commit<'_>,
        commit: &Commit<'_>,
        path: &Path,
    ) -> Result<Option<Origin<'r>>, git2::Error> {
        let mut diff = self.repo.diff_tree_to_tree(Some(&parent.tree()?), Some(&commit.tree()?), None)?;
        diff.find_similar(Some(DiffFindOptions::new().renames(true)))?;
        let renamed = diff.deltas().find(|d| d.status() == Delta::Renamed && d.new_file().path() == Some(path));
        Ok(renamed.and_then(|delta| {
            let old = delta.old_file();
            Some(Origin { path: old.path()?.to_path_buf(), blob: old.id(), mode: old.mode().into(), content: None })
        }))
    }
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

/// git's `pass_blame_to_parent`: the suspects on lines the diff from `before` to `after` leaves unchanged
/// move to their line in `before` (first), the others stay (second). Both keep line order.
fn split_by_diff(
    before: &[u8],
    after: &[u8],
    suspects: &[Suspect],
) -> Result<(Vec<Suspect>, Vec<Suspect>), git2::Error> {
    let changes = changed_runs(before, after)?;
    let (mut passed, mut kept) = (Vec::new(), Vec::new());
    let mut changes = changes.iter().peekable();
    // Lines before the next change map with the offset accumulated by the changes already passed.
    let mut offset: isize = 0;
    for &suspect in suspects {
        while let Some(change) = changes.next_if(|c| c.after_start + c.after_len <= suspect.line) {
            offset =
                (change.before_start + change.before_len) as isize - (change.after_start + change.after_len) as isize;
        }
        match changes.peek() {
            Some(change) if change.after_start <= suspect.line => kept.push(suspect),
            _ => passed.push(Suspect { slot: suspect.slot, line: (suspect.line as isize + offset) as usize }),
        }
    }
    Ok((passed, kept))
}

/// One change of a zero-context diff, 0-based: `before_len` lines at `before_start` became `after_len`
/// lines at `after_start` (a pure insertion sits before line `before_start`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Change {
    before_start: usize,
    before_len: usize,
    after_start: usize,
    after_len: usize,
}

/// The changes git's blame sees between two blobs: xdiff on the tail-trimmed buffers, zero context,
/// indent heuristic, no binary detection.
fn changed_runs(before: &[u8], after: &[u8]) -> Result<Vec<Change>, git2::Error> {
    let (before, after) = trim_common_tail(before, after);
    let mut options = DiffOptions::new();
    options.context_lines(0).interhunk_lines(0).indent_heuristic(true).force_text(true);
    let patch = Patch::from_buffers(before, None, after, None, Some(&mut options))?;
    (0..patch.num_hunks())
        .map(|index| {
            let (hunk, _) = patch.hunk(index)?;
            // Unified-diff headers number an empty side by the line before it: 0-based, that is the start.
            let start = |start: u32, len: u32| if len == 0 { start as usize } else { start as usize - 1 };
            Ok(Change {
                before_start: start(hunk.old_start(), hunk.old_lines()),
                before_len: hunk.old_lines() as usize,
                after_start: start(hunk.new_start(), hunk.new_lines()),
                after_len: hunk.new_lines() as usize,
            })
        })
        .collect()
}

/// git's `trim_common_tail` (xdiff-interface.c): drops the longest common tail made of whole 1 KiB blocks,
/// then gives back bytes up to and including the first newline in it, so both sides still end on the same
/// line boundary. git diffs what is left, and where xdiff places a change can depend on it.
fn trim_common_tail<'a>(a: &'a [u8], b: &'a [u8]) -> (&'a [u8], &'a [u8]) {
    const BLOCK: usize = 1024;
    let smaller = a.len().min(b.len());
    let mut trimmed = 0;
    while trimmed + BLOCK <= smaller
        && a[a.len() - trimmed - BLOCK..a.len() - trimmed] == b[b.len() - trimmed - BLOCK..b.len() - trimmed]
    {
        trimmed += BLOCK;
    }
    let tail = &a[a.len() - trimmed..];
    let recovered = tail.iter().position(|&byte| byte == b'\n').map_or(trimmed, |at| at + 1);
    let cut = trimmed - recovered;
    (&a[..a.len() - cut], &b[..b.len() - cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_keeps_whole_lines_and_only_common_whole_blocks() {
        let tail = "line\n".repeat(500); // 2,500 bytes: two whole blocks
        let a = format!("a\n{tail}");
        let b = format!("bb\n{tail}");
        let (ta, tb) = trim_common_tail(a.as_bytes(), b.as_bytes());
        assert_eq!(a.len() - ta.len(), b.len() - tb.len());
        // The trimmed 2 KiB starts with "ne\n" of a "line\n": those 3 bytes are given back.
        assert_eq!(a.len() - ta.len(), 2048 - 3, "two blocks, minus the bytes up to the first newline in them");
        assert!(ta.ends_with(b"\n") && tb.ends_with(b"\n"));
        let (ta, tb) = trim_common_tail(b"short\n", b"other\n");
        assert_eq!((ta, tb), (&b"short\n"[..], &b"other\n"[..]));
    }

    #[test]
    fn unchanged_lines_move_to_the_parent_with_the_offset_of_the_changes_above() {
        let before = b"a\nb\nc\nd\n";
        let after = b"new\na\nb\nC\nd\n";
        let suspects: Vec<Suspect> = (0..5).map(|line| Suspect { slot: line, line }).collect();
        let (passed, kept) = split_by_diff(before, after, &suspects).expect("diff");
        let lines = |v: &[Suspect]| v.iter().map(|s| (s.slot, s.line)).collect::<Vec<_>>();
        assert_eq!(lines(&kept), [(0, 0), (3, 3)]);
        assert_eq!(lines(&passed), [(1, 0), (2, 1), (4, 3)]);
    }
}
