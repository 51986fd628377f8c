//! Issue 16: seeded random histories (and uncommitted work) of what `-M` and `-C` look for (blocks moved inside a file, moved or
//! copied to other files, files split, pieces copied with an edit, the odd merge), compared with
//! `git blame --porcelain` under no flag, `-M`, `-C`, `-C -C` and `-C -C -C` (`blame_moves::check_all`). A
//! failure names its seed.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test set-up that fails should panic loudly

use crate::blame_moves::check_all;
use crate::blame_support::{History, RandomTree};
use crate::common::{git, git_command, git_tool, Rng};

/// Mostly lines with enough letters to be found; some short ones (`}`, blank) that never are.
fn line(rng: &mut Rng) -> String {
    let n = rng.below(10_000);
    match rng.below(6) {
        0 => "}".to_owned(),
        1 => String::new(),
        2 => format!("\tif value{n} != nil {{"),
        _ => format!("\tresult{} := compute(input{n}, {})", rng.below(50), rng.below(7)),
    }
}

/// What these histories do to a tree: moves and copies of blocks, splits, the odd merge.
trait Moves {
    fn new_name(&mut self) -> String;
    fn add_file(&mut self) -> String;
    fn block(&mut self, name: &str) -> (usize, usize);
    fn change(&mut self);
    fn side_branch_and_merge(&mut self);
}

impl Moves for RandomTree<'_> {
    fn new_name(&mut self) -> String {
        self.next_name += 1;
        format!("{}f{}.go", ["", "pkg/", "pkg-x/"][self.rng.below(3)], self.next_name)
    }

    fn add_file(&mut self) -> String {
        let name = self.new_name();
        let size = 8 + self.rng.below(30);
        let lines = (0..size).map(|_| self.line()).collect();
        self.files.insert(name.clone(), lines);
        self.save(&name);
        name
    }

    /// A block of `name`: start and length.
    fn block(&mut self, name: &str) -> (usize, usize) {
        let len = self.files[name].len();
        let start = self.rng.below(len);
        (start, 1 + self.rng.below((len - start).min(12)))
    }

    /// One random change (no commit).
    fn change(&mut self) {
        let Some(a) = self.pick() else {
            self.add_file();
            return;
        };
        match self.rng.below(9) {
            0 => drop(self.add_file()),
            1 | 2 => {
                // move a block within the file
                let (start, len) = self.block(&a);
                let lines = self.files.get_mut(&a).expect("file");
                let block: Vec<String> = lines.drain(start..start + len).collect();
                let to = self.rng.below(lines.len() + 1);
                lines.splice(to..to, block);
                self.save(&a);
            }
            3 | 4 => {
                // move (op 3) or copy (op 4) a block to another file, new or existing, maybe edited there
                let (start, len) = self.block(&a);
                let block: Vec<String> = match self.rng.below(2) {
                    0 => self.files[&a][start..start + len].to_vec(),
                    _ => self.files.get_mut(&a).expect("file").drain(start..start + len).collect(),
                };
                let b = match self.pick().filter(|b| *b != a && self.rng.below(2) == 0) {
                    Some(b) => b,
                    None => {
                        let b = self.new_name();
                        self.files.insert(b.clone(), Vec::new());
                        b
                    }
                };
                let to = self.rng.below(self.files[&b].len() + 1);
                self.files.get_mut(&b).expect("file").splice(to..to, block);
                if self.files[&a].is_empty() {
                    self.files.get_mut(&a).expect("file").push("// emptied".to_owned());
                }
                self.save(&a);
                self.save(&b);
                if self.rng.below(3) == 0 {
                    self.edit(&b, 1);
                }
            }
            5 => {
                // split the file in two, one part keeping the path
                let lines = self.files[&a].clone();
                let cut = self.rng.below(lines.len());
                let c = self.new_name();
                self.files.insert(a.clone(), lines[..cut.max(1)].to_vec());
                self.files.insert(c.clone(), lines[cut.max(1)..].to_vec());
                if self.files[&c].is_empty() {
                    self.files.get_mut(&c).expect("file").push("// new".to_owned());
                }
                self.save(&a);
                self.save(&c);
            }
            6 if self.files.len() > 2 => {
                self.files.remove(&a);
                std::fs::remove_file(self.repo.join(&a)).expect("rm");
            }
            _ => {
                let edits = 1 + self.rng.below(5);
                self.edit(&a, edits);
            }
        }
    }

    /// A side branch of two commits that only add files (copies of blocks), merged back after a commit on
    /// main: merges where the lines can come from either parent's files.
    fn side_branch_and_merge(&mut self) {
        git(self.git, self.repo, &["checkout", "-q", "-b", "side"]);
        let before: Vec<String> = self.files.keys().cloned().collect();
        for author in ["Sid", "Sue"] {
            if let Some(a) = self.pick() {
                let (start, len) = self.block(&a);
                let block = self.files[&a][start..start + len].to_vec();
                let b = self.new_name();
                self.files.insert(b.clone(), block);
                self.save(&b);
            }
            self.commit(author, "step", "+0000");
        }
        let added: Vec<(String, Vec<String>)> = self
            .files
            .iter()
            .filter(|(name, _)| !before.contains(name))
            .map(|(name, lines)| (name.clone(), lines.clone()))
            .collect();
        git(self.git, self.repo, &["checkout", "-q", "main"]);
        for (name, _) in &added {
            self.files.remove(name);
        }
        if let Some(a) = self.pick() {
            self.edit(&a, 2);
        }
        self.commit("Mia", "step", "+0000");
        self.time += 3600;
        let date = format!("{} +0000", self.time);
        let output = git_command(self.git, self.repo)
            .args(["merge", "-q", "--no-edit", "side"])
            .env("GIT_AUTHOR_NAME", "Mia")
            .env("GIT_AUTHOR_EMAIL", "mia@example.com")
            .env("GIT_COMMITTER_NAME", "Mia")
            .env("GIT_COMMITTER_EMAIL", "mia@example.com")
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .output()
            .expect("merge");
        assert!(output.status.success(), "merge: {}", String::from_utf8_lossy(&output.stderr));
        git(self.git, self.repo, &["branch", "-q", "-D", "side"]);
        self.files.extend(added);
    }
}

#[test]
fn random_histories_of_moves_copies_and_splits_match_git() {
    let Some(git_path) = git_tool() else { return };
    let mut totals = Vec::new();
    for seed in 1..=6u64 {
        let temp = tempfile::tempdir().expect("tempdir");
        let repo = temp.path();
        git(&git_path, repo, &["init", "-q", "-b", "main"]);
        let mut builder = RandomTree::new(&git_path, repo, seed, line);
        for _ in 0..3 {
            builder.add_file();
        }
        builder.commit("Alice", "step", "+0000");
        for n in 0..24 {
            if n == 12 {
                builder.side_branch_and_merge();
                continue;
            }
            // Sometimes two changes in one commit (a move out of one file and into another, with an edit).
            for _ in 0..1 + builder.rng.below(2) {
                builder.change();
            }
            builder.commit(["Alice", "Bob", "Carol"][n % 3], "step", "+0000");
        }
        // Uncommitted work too: changes staged (new files must be, for git to blame them), then more.
        for _ in 0..2 {
            builder.change();
        }
        git(&git_path, repo, &["add", "-A"]);
        builder.change();
        let mut history = History { git: git_path.clone(), repo: repo.to_path_buf(), problems: Vec::new() };
        totals.push(check_all(&format!("seed {seed}"), &mut history, &["HEAD~4", "HEAD~12"]));
    }
    let lines: usize = totals.iter().map(|t| t[0].tally.lines).sum();
    assert!(lines > 1500, "too little compared: {lines}");
    for (index, flags) in ["plain", "-M", "-C", "-C -C", "-C -C -C"].iter().enumerate() {
        let git_changed: usize = totals.iter().map(|t| t[index].git_changed).sum();
        let ours: usize = totals.iter().map(|t| t[index].ours_changed).sum();
        println!(
            "random histories {flags}: {lines} lines each, changed vs plain blame: git {git_changed}, ours {ours}"
        );
    }
    let copies_found: usize = totals.iter().map(|t| t[4].git_changed).sum();
    assert!(copies_found > 0, "the histories should give -C something to find");
}
