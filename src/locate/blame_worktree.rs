//! The working tree as `git blame FILE` sees it: a commit not made yet (git's `fake_working_tree_commit`)
//! whose content is the working file converted as `git add` would store it (`clean_filter`), and whose
//! parents are HEAD and, while a merge is in progress, each `MERGE_HEAD`.
//!
//! For each parent the file is looked up by path; where the path is missing, a rename is looked for
//! between that parent's tree and the index (a staged `git mv old new` follows `new` to `old`), as git
//! does with its `diff-cache`. A parent holding the identical content takes every line; otherwise each
//! parent in order takes the lines git's diff leaves unchanged (`blame_diff`), and the lines no parent
//! takes are "not committed yet". So during a merge the other side's lines get their real commits, and a
//! file deleted on HEAD but changed on the other side is blamed through the other side.

use super::blame_diff::{split_by_diff, Suspect};
use super::blame_rename::{deleted_in, rename_source, Entry};
use git2::{Blob, Commit, DiffOptions, ErrorCode, ObjectType, Oid, Repository};
use std::path::{Path, PathBuf};

/// One parent of the working tree that has the file: the commit, the path there, and its blob.
pub(crate) struct Parent<'r> {
    pub commit: Commit<'r>,
    pub path: PathBuf,
    pub blob: Blob<'r>,
}

/// The parents of the working tree that have the file at `rel` (by path, or renamed in the index), in
/// git's order: HEAD first, then the merge heads. `mode` is the working file's (regular file or link).
pub(crate) fn parents<'r>(
    repo: &'r Repository,
    head: Commit<'r>,
    rel: &Path,
    mode: i32,
) -> Result<Vec<Parent<'r>>, git2::Error> {
    let mut commits = vec![head];
    // `.git/MERGE_HEAD`: one commit id per line (several for an octopus merge); absent outside a merge.
    let merge_heads: Vec<Oid> = std::fs::read_to_string(repo.path().join("MERGE_HEAD"))
        .unwrap_or_default()
        .lines()
        .filter_map(|line| Oid::from_str(line.trim()).ok())
        .collect();
    for id in merge_heads {
        commits.push(repo.find_commit(id)?);
    }
    let mut parents = Vec::new();
    for commit in commits {
        let tree = commit.tree()?;
        let found = match tree.get_path(rel) {
            Ok(entry) if entry.kind() == Some(ObjectType::Blob) => match same_type(entry.filemode(), mode) {
                true => Some(Entry { path: rel.to_path_buf(), blob: entry.id(), mode: entry.filemode() }),
                false => None, // a type change: git blames no parent for it
            },
            Ok(entry) if entry.kind() != Some(ObjectType::Tree) => None,
            Ok(_) => staged_rename(repo, &tree, rel)?,
            Err(err) if err.code() == ErrorCode::NotFound => staged_rename(repo, &tree, rel)?,
            Err(err) => return Err(err),
        };
        if let Some(found) = found {
            let blob = repo.find_blob(found.blob)?;
            parents.push(Parent { commit, path: found.path, blob });
        }
    }
    Ok(parents)
}

/// Whether the index has the path (at any stage: a conflicted file is tracked).
pub(crate) fn in_index(repo: &Repository, rel: &Path) -> Result<bool, git2::Error> {
    let index = repo.index()?;
    Ok((0..=3).any(|stage| index.get_path(rel, stage).is_some()))
}

/// git's `find_rename` for the working tree: the file the index renamed to `rel`, from `tree`.
fn staged_rename(repo: &Repository, tree: &git2::Tree<'_>, rel: &Path) -> Result<Option<Entry>, git2::Error> {
    let index = repo.index()?;
    let Some(staged) = index.get_path(rel, 0) else { return Ok(None) };
    let mut options = DiffOptions::new();
    options.include_typechange(true);
    let diff = repo.diff_tree_to_index(Some(tree), Some(&index), Some(&mut options))?;
    let dst = Entry { path: rel.to_path_buf(), blob: staged.id, mode: staged.mode as i32 };
    rename_source(repo, &dst, &deleted_in(&diff))
}

fn same_type(a: i32, b: i32) -> bool {
    a & 0o170000 == b & 0o170000
}

/// For each of `lines` (1-based) of the working content, the parent that has it unchanged and its line
/// there, or `None` (not committed yet).
pub(crate) fn attribute(
    parents: &[Parent<'_>],
    content: &[u8],
    lines: &[usize],
) -> Result<Vec<Option<(usize, usize)>>, git2::Error> {
    let mut result = vec![None; lines.len()];
    if let Some(same) = parents.iter().position(|p| p.blob.content() == content) {
        for (slot, &line) in lines.iter().enumerate() {
            result[slot] = Some((same, line));
        }
        return Ok(result);
    }
    let mut suspects: Vec<Suspect> =
        lines.iter().enumerate().map(|(slot, &line)| Suspect { slot, line: line - 1 }).collect();
    for (index, parent) in parents.iter().enumerate() {
        if suspects.is_empty() {
            break;
        }
        // A parent with the same blob as an earlier one has nothing more to give (git's `j < i` rule).
        if parents[..index].iter().any(|earlier| earlier.blob.id() == parent.blob.id()) {
            continue;
        }
        let (passed, kept) = split_by_diff(parent.blob.content(), content, &suspects)?;
        for suspect in passed {
            result[suspect.slot] = Some((index, suspect.line + 1));
        }
        suspects = kept;
    }
    Ok(result)
}
