//! Which file a blamed path was renamed from, the way `git blame` decides it (git's `find_rename` with
//! `single_follow`): only the followed path is a rename destination, so any file deleted in the commit can
//! be its source, even one that another new file copies (`cp a b; git mv a c` follows `c` to `a`).
//!
//! The pairing follows git's documented order: an identical deleted blob first (one with the same file
//! name preferred); then a deleted file with the same file name, unique among the deleted ones, at a
//! similarity of at least 75 %; then the most similar deleted file at 50 % or more (ties: the same file
//! name, then the first path). The similarity is git's (`similarity`), not libgit2's.

use super::similarity::{basename_minimum, score, Chunks, DEFAULT_MINIMUM};
use git2::{Delta, Diff, Oid, Repository};
use std::path::PathBuf;

/// A file as a parent has it: a candidate rename source, or the renamed file found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub path: PathBuf,
    pub blob: Oid,
    pub mode: i32,
}

/// The files a diff deletes (type changes are not deletions, as in git), in path order.
pub(crate) fn deleted_in(diff: &Diff<'_>) -> Vec<Entry> {
    let mut deleted: Vec<Entry> = diff
        .deltas()
        .filter(|d| d.status() == Delta::Deleted)
        .filter_map(|d| {
            let old = d.old_file();
            Some(Entry { path: old.path()?.to_path_buf(), blob: old.id(), mode: old.mode().into() })
        })
        .collect();
    deleted.sort_by(|a, b| a.path.cmp(&b.path));
    deleted
}

/// The source of `dst` among `deleted`, or `None` when git would call `dst` a new file.
pub(crate) fn rename_source(repo: &Repository, dst: &Entry, deleted: &[Entry]) -> Result<Option<Entry>, git2::Error> {
    let same_name = |e: &Entry| e.path.file_name() == dst.path.file_name();
    let identical: Vec<&Entry> = deleted.iter().filter(|e| e.blob == dst.blob).collect();
    if let Some(found) = identical.iter().find(|e| same_name(e)).or(identical.first()) {
        return Ok(Some((*found).clone()));
    }
    // git scores regular files only; links and submodules are renamed only when identical.
    if !is_regular(dst.mode) {
        return Ok(None);
    }
    let candidates: Vec<&Entry> = deleted.iter().filter(|e| is_regular(e.mode)).collect();
    if candidates.is_empty() {
        return Ok(None);
    }
    let dst_chunks = Chunks::of(repo.find_blob(dst.blob)?.content());
    let chunks_of =
        |entry: &Entry| -> Result<Chunks, git2::Error> { Ok(Chunks::of(repo.find_blob(entry.blob)?.content())) };

    let named: Vec<&&Entry> = candidates.iter().filter(|e| same_name(e)).collect();
    if let [only] = named[..] {
        let minimum = basename_minimum(DEFAULT_MINIMUM);
        if score(&chunks_of(only)?, &dst_chunks, minimum) >= minimum {
            return Ok(Some((*only).clone()));
        }
    }
    let mut best: Option<(u64, bool, &Entry)> = None;
    for entry in candidates {
        let found = score(&chunks_of(entry)?, &dst_chunks, DEFAULT_MINIMUM);
        if found < DEFAULT_MINIMUM {
            continue;
        }
        let key = (found, same_name(entry));
        if best.is_none_or(|(s, n, _)| key > (s, n)) {
            best = Some((found, key.1, entry));
        }
    }
    Ok(best.map(|(_, _, entry)| entry.clone()))
}

fn is_regular(mode: i32) -> bool {
    mode & 0o170000 == 0o100000
}
