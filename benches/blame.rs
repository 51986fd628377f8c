//! Criterion benchmarks for `locate::blame` on the fixture of `benches/make-blame-fixture.sh`.
//!
//! Besides our blame of a 20-line range and of the whole file (`blame_engine`), this measures, in the
//! same run, libgit2's `blame_file` on the range (what `locate::blame` used before), and three floors:
//! walking the same history with git2 path lookups only, and that walk plus a diff of every changed blob
//! pair without git's common-tail trimming (what our engine does minus the trimming, the queue and the line
//! bookkeeping), once by libgit2's `diff_blobs` (which skips the SHA-1 `Patch::from_buffers` pays) and once
//! by our own `locate::xdiff`. See docs/locate.md, "Speed". `benches/compare.sh` compares against git itself.
//!
//! The fixture is `RUNBOOK_BLAME_FIXTURE`, else `target/blame-fixture`, built on first use.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test or benchmark set-up that fails should panic loudly

use criterion::{criterion_group, criterion_main, Criterion};
use git2::{DiffOptions, Repository, Sort};
use runbook::locate::{blame, xdiff, BlameOptions, LineRange};
use std::path::{Path, PathBuf};

const FILE: &str = "internal/store/cache.go";
const OLD_FILE: &str = "pkg/cache/cache.go";

fn fixture() -> Option<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::var_os("RUNBOOK_BLAME_FIXTURE")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("target/blame-fixture"));
    if !dir.is_dir() {
        let built = std::process::Command::new(manifest.join("benches/make-blame-fixture.sh")).arg(&dir).status();
        if !built.is_ok_and(|s| s.success()) {
            eprintln!("skipped: could not build the blame fixture (needs git)");
            return None;
        }
    }
    Some(dir)
}

/// What a floor does at each change of the file.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Floor {
    WalkOnly,
    Libgit2Diff,
    OurDiff,
}

/// Walks first-parent history from HEAD and diffs the file's blob wherever it changed, following the one
/// rename by path: the work any blame must do, without libgit2's per-commit tree diffs.
fn walk_and_diff_floor(repo: &Repository, diff: Floor) -> usize {
    let mut walk = repo.revwalk().expect("revwalk");
    walk.push_head().expect("push head");
    walk.set_sorting(Sort::TOPOLOGICAL).expect("sorting");
    let mut diffs = 0;
    let mut options = DiffOptions::new();
    options.context_lines(0);
    for id in walk {
        let commit = repo.find_commit(id.expect("oid")).expect("commit");
        let tree = commit.tree().expect("tree");
        let Some(parent) = commit.parents().next() else {
            break;
        };
        let parent_tree = parent.tree().expect("parent tree");
        let entry = tree.get_path(Path::new(FILE)).or_else(|_| tree.get_path(Path::new(OLD_FILE)));
        let Ok(entry) = entry else { continue };
        let before = parent_tree.get_path(Path::new(FILE)).or_else(|_| parent_tree.get_path(Path::new(OLD_FILE)));
        let Ok(before) = before else { continue };
        if diff != Floor::WalkOnly && before.id() != entry.id() {
            let old = repo.find_blob(before.id()).expect("blob");
            let new = repo.find_blob(entry.id()).expect("blob");
            if diff == Floor::OurDiff {
                diffs += xdiff::diff(old.content(), new.content()).len();
                continue;
            }
            // Hunks only, no patch lines: the least a blame needs from a diff.
            let mut hunk = |_: git2::DiffDelta<'_>, _: git2::DiffHunk<'_>| {
                diffs += 1;
                true
            };
            let no_paths = (None, None);
            repo.diff_blobs(
                Some(&old),
                no_paths.0,
                Some(&new),
                no_paths.1,
                Some(&mut options),
                None,
                None,
                Some(&mut hunk),
                None,
            )
            .expect("diff");
        }
    }
    diffs
}

fn bench_blame(c: &mut Criterion) {
    let Some(dir) = fixture() else { return };
    let options = BlameOptions { file: dir.join(FILE), lines: Some(LineRange { start: 21, end: 40 }), rev: None };
    let mut group = c.benchmark_group("blame");
    group.sample_size(10);
    group.bench_function("runbook blame -L 21,40 (2400 commits, renamed)", |b| {
        b.iter(|| blame(&options).expect("blame").len())
    });
    let repo = Repository::open(&dir).expect("open fixture");
    git2::opts::strict_hash_verification(false);
    group.bench_function("libgit2 blame_file -L 21,40 (the engine before)", |b| {
        b.iter(|| {
            let mut options = git2::BlameOptions::new();
            options.min_line(21).max_line(40);
            repo.blame_file(Path::new(FILE), Some(&mut options)).expect("blame_file").len()
        })
    });
    let whole = BlameOptions { lines: None, ..options.clone() };
    group.bench_function("runbook blame whole file (640 lines)", |b| b.iter(|| blame(&whole).expect("blame").len()));
    group.bench_function("floor: git2 walk + untrimmed changed-blob diffs", |b| {
        b.iter(|| walk_and_diff_floor(&repo, Floor::Libgit2Diff))
    });
    group.bench_function("floor: git2 walk + our diff (locate::xdiff) of changed blobs", |b| {
        b.iter(|| walk_and_diff_floor(&repo, Floor::OurDiff))
    });
    group.bench_function("floor: git2 walk + path lookups only", |b| {
        b.iter(|| walk_and_diff_floor(&repo, Floor::WalkOnly))
    });
    group.finish();
}

criterion_group!(benches, bench_blame);
criterion_main!(benches);
