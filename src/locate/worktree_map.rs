//! Maps working-tree lines back to the committed lines they came from, or to "not committed yet".
//!
//! This is what `git blame` does for a dirty file: a diff of the committed blob against the working tree,
//! then the committed blame read through it. It also lets us blame only the committed lines the range needs
//! (`min_line`/`max_line`). We do not use libgit2's `Blame::blame_buffer` for this: in libgit2 1.9, when
//! it splits a hunk around an edited line it shifts the final line numbers but keeps the old
//! `orig_start_line`, so `orig_line` comes out wrong after the first edit (see docs/locate.md).

use super::line_range::LineRange;
use git2::{Blob, DiffOptions, Patch};
use std::path::Path;

/// For each line of `range` in `buffer`, its line in the committed blob, or `None` when the working tree
/// added or changed it.
pub(crate) fn committed_lines_of(
    committed: &Blob<'_>,
    buffer: &[u8],
    path: &Path,
    range: LineRange,
) -> Result<Vec<Option<usize>>, git2::Error> {
    let mut options = DiffOptions::new();
    options.context_lines(0);
    let patch = Patch::from_blob_and_buffer(committed, Some(path), buffer, Some(path), Some(&mut options))?;
    // (first line of the hunk in the buffer, lines in the buffer, lines in the committed blob), in order.
    let mut hunks = Vec::with_capacity(patch.num_hunks());
    for index in 0..patch.num_hunks() {
        let (hunk, _) = patch.hunk(index)?;
        hunks.push((hunk.new_start() as usize, hunk.new_lines() as usize, hunk.old_lines() as usize));
    }
    let committed_line = |n: usize| -> Option<usize> {
        let mut shift: isize = 0;
        for &(new_start, new_lines, old_lines) in &hunks {
            // A pure deletion sits after line `new_start`; other hunks cover `new_start..new_start+new_lines`.
            let last = if new_lines == 0 { new_start } else { new_start + new_lines - 1 };
            if new_lines > 0 && (new_start..=last).contains(&n) {
                return None;
            }
            if last >= n {
                break;
            }
            shift += new_lines as isize - old_lines as isize;
        }
        usize::try_from(n as isize - shift).ok()
    };
    Ok((range.start..=range.end).map(committed_line).collect())
}

/// The smallest range holding every committed line of a mapping; `None` when there is none.
pub(crate) fn span(lines: &[Option<usize>]) -> Option<LineRange> {
    let mut committed = lines.iter().flatten().copied();
    let start = committed.next()?;
    let end = committed.last().unwrap_or(start);
    Some(LineRange { start, end })
}
