//! The working tree as `git blame FILE` sees it: a commit not made yet (git's `fake_working_tree_commit`)
//! whose content is the working file converted as `git add` would store it (`clean_filter`), and whose
//! parents are HEAD and, while a merge is in progress, each `MERGE_HEAD`.
//!
//! For each parent the file is looked up by path; where the path is missing, a rename is looked for
//! between that parent's tree and the index (a staged `git mv old new` follows `new` to `old`), as git
//! does with its `diff-cache`. A parent holding the identical content takes every line; otherwise each
//! parent in order takes the lines git's diff leaves unchanged (`blame_diff`), and the lines no parent
//! takes are "not committed yet". So during a merge the other side's lines get their real commits, and a
//! file deleted on HEAD but changed on the other side is blamed through the other side. With `-M`/`-C` the
//! lines left are searched as git searches them for this commit (`blame_moves`): in the parents' versions
//! of the file, then in the files the index changed (or all, for `-C -C` on a new file and `-C -C -C`).

use super::blame_diff::{split_by_diff, Suspect};
use super::blame_engine::copy_candidates;
use super::blame_moves::{search, MoveCopy, Runs, Target};
use super::blame_rename::{deleted_in, rename_source, Entry};
use git2::{Blob, Commit, DiffOptions, ErrorCode, ObjectType, Oid, Repository};
use std::path::{Path, PathBuf};

/// One parent of the working tree that has the file: the commit, the path there, and its blob.
pub(crate) struct Parent<'r> {
    pub commit: Commit<'r>,
    pub path: PathBuf,
    pub blob: Blob<'r>,
}

/// The working tree's parent commits, in git's order: HEAD, then each `MERGE_HEAD` (several for an octopus).
pub(crate) fn parent_commits<'r>(repo: &'r Repository, head: Commit<'r>) -> Result<Vec<Commit<'r>>, git2::Error> {
    let mut commits = vec![head];
    // `.git/MERGE_HEAD`: one commit id per line; absent outside a merge.
    let merge_heads: Vec<Oid> = std::fs::read_to_string(repo.path().join("MERGE_HEAD"))
        .unwrap_or_default()
        .lines()
        .filter_map(|line| Oid::from_str(line.trim()).ok())
        .collect();
    for id in merge_heads {
        commits.push(repo.find_commit(id)?);
    }
    Ok(commits)
}

/// The parents of the working tree (`commits`, from `parent_commits`) that have the file at `rel` (by path,
/// or renamed in the index), in that order. `mode` is the working file's (regular file or link).
pub(crate) fn parents<'r>(
    repo: &'r Repository,
    commits: &[Commit<'r>],
    rel: &Path,
    mode: i32,
) -> Result<Vec<Parent<'r>>, git2::Error> {
    let mut parents = Vec::new();
    for commit in commits {
        let commit = commit.clone();
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

/// The working content's lines traced to the parents: for each line, the source (an index in `sources`) that
/// has it and its line there, or `None` (not committed yet); and each line's run (git's blame entry) for
/// the history walk.
pub(crate) struct Attributed {
    pub at: Vec<Option<(usize, usize)>>,
    pub runs: Vec<usize>,
}

/// Traces `lines` (1-based, ascending) of the working content to `sources` (the parents having the file, from
/// `parents`), as git's `pass_blame` does for the working tree: a parent with the identical content takes
/// every line; otherwise each parent in order takes the lines the diff leaves unchanged. With `-M`/`-C`
/// (`detect`) the lines left are then searched in the parents' versions of the file and in their other files
/// (`commits` are all the parents, with the file or not); a piece found in another file adds that file as
/// a source.
pub(crate) fn attribute<'r>(
    repo: &'r Repository,
    commits: &[Commit<'r>],
    sources: &mut Vec<Parent<'r>>,
    rel: &Path,
    content: &[u8],
    lines: &[usize],
    detect: MoveCopy,
) -> Result<Attributed, git2::Error> {
    let mut runs = Runs::of_stretches(lines.len(), |slot| lines[slot - 1] + 1 == lines[slot]);
    let mut result = vec![None; lines.len()];
    if let Some(same) = sources.iter().position(|p| p.blob.content() == content) {
        for (slot, &line) in lines.iter().enumerate() {
            result[slot] = Some((same, line));
        }
        return Ok(Attributed { at: result, runs: runs.into_numbers() });
    }
    let mut suspects: Vec<Suspect> =
        lines.iter().enumerate().map(|(slot, &line)| Suspect { slot, line: line - 1 }).collect();
    // The parents git diffs (its `sg_origin`): not one whose blob an earlier parent has (git's `j < i` rule).
    let diffed: Vec<bool> = (0..sources.len())
        .map(|index| !sources[..index].iter().any(|earlier| earlier.blob.id() == sources[index].blob.id()))
        .collect();
    for (index, parent) in sources.iter().enumerate() {
        if suspects.is_empty() {
            break;
        }
        if !diffed[index] {
            continue;
        }
        let (passed, kept) = split_by_diff(parent.blob.content(), content, &suspects)?;
        if detect.searches() {
            runs.split_passed(&suspects, &passed);
        }
        for suspect in passed {
            result[suspect.slot] = Some((index, suspect.line + 1));
        }
        suspects = kept;
    }
    if detect.searches() && !suspects.is_empty() {
        let searched = Searched { commits, diffed: &diffed, rel, content };
        searched.moved_and_copied(repo, sources, &mut runs, &mut result, suspects, detect)?;
    }
    Ok(Attributed { at: result, runs: runs.into_numbers() })
}

/// The working tree's `-M`/`-C` step (git's `find_move_in_parent` and `find_copy_in_parent` for the commit not
/// made yet, whose files are the index's).
struct Searched<'a, 'r> {
    commits: &'a [Commit<'r>],
    diffed: &'a [bool],
    rel: &'a Path,
    content: &'a [u8],
}

impl<'r> Searched<'_, 'r> {
    fn moved_and_copied(
        &self,
        repo: &'r Repository,
        sources: &mut Vec<Parent<'r>>,
        runs: &mut Runs,
        result: &mut [Option<(usize, usize)>],
        suspects: Vec<Suspect>,
        detect: MoveCopy,
    ) -> Result<(), git2::Error> {
        let target = Target::new(self.content);
        let mut left = runs.group(suspects);
        let searched_sources: Vec<usize> = (0..sources.len()).filter(|&i| self.diffed[i]).collect();
        for index in searched_sources {
            let found = search(&target, left, &[sources[index].blob.content()], detect.move_score)?;
            for (_, piece) in found.passed {
                runs.fresh(&piece);
                for suspect in piece {
                    result[suspect.slot] = Some((index, suspect.line + 1));
                }
            }
            left = found.left;
        }
        if detect.copies == 0 {
            return Ok(());
        }
        for commit in self.commits {
            if !left.iter().any(|run| target.score(run) > detect.copy_score) {
                break;
            }
            // This parent's version of the file, if it has one that was diffed (git's `porigin`).
            let porigin = (0..sources.len()).find(|&i| self.diffed[i] && sources[i].commit.id() == commit.id());
            let searched_path = porigin.map(|i| sources[i].path.clone());
            let harder = detect.harder_copies(searched_path.as_deref(), self.rel);
            let mut options = DiffOptions::new();
            options.include_typechange(true).include_unmodified(harder);
            let index = repo.index()?;
            let diff = repo.diff_tree_to_index(Some(&commit.tree()?), Some(&index), Some(&mut options))?;
            let candidates = copy_candidates(&diff, searched_path.as_deref());
            let blobs = candidates.iter().map(|c| repo.find_blob(c.blob)).collect::<Result<Vec<_>, _>>()?;
            let contents: Vec<&[u8]> = blobs.iter().map(|blob| blob.content()).collect();
            let found = search(&target, left, &contents, detect.copy_score)?;
            for (candidate, piece) in found.passed {
                let (path, blob) = (&candidates[candidate].path, &blobs[candidate]);
                let at = match sources.iter().position(|s| s.commit.id() == commit.id() && s.path == *path) {
                    Some(at) => at,
                    None => {
                        sources.push(Parent { commit: commit.clone(), path: path.clone(), blob: blob.clone() });
                        sources.len() - 1
                    }
                };
                runs.fresh(&piece);
                for suspect in piece {
                    result[suspect.slot] = Some((at, suspect.line + 1));
                }
            }
            left = found.left;
        }
        Ok(())
    }
}
