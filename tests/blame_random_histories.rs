//! Issue 16: random histories of copies, renames and splits (the operations where git's rename pairing and
//! similarity score decide the answer), then uncommitted edits and a staged rename in the working tree,
//! compared line by line with `git blame --porcelain`. Seeded, so a failure names a history that can be
//! rebuilt.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test set-up that fails should panic loudly

use crate::blame_support;
use crate::common;

use blame_support::{History, RandomTree, Tally};
use common::{git, git_tool, Rng};

/// Few distinct words so that some lines repeat, numbers so that most do not.
fn line(rng: &mut Rng) -> String {
    let words = ["return err", "x := y + 1", "}", "if ok {", "mu.Lock()", "m[k] = v", ""];
    let word = words[rng.below(words.len())];
    match rng.below(4) {
        0 => word.to_owned(),
        _ => format!("\t{word} // step {}", rng.below(5000)),
    }
}

/// What these histories do to a tree: copies, renames, splits and joins, one a commit.
trait Renames {
    fn new_name(&mut self) -> String;
    fn moved_name(&mut self, old: &str) -> String;
    fn remove(&mut self, name: &str);
    fn add_file(&mut self);
    fn step(&mut self, author: &str);
}

impl Renames for RandomTree<'_> {
    fn new_name(&mut self) -> String {
        self.next_name += 1;
        format!("dir{}/f{}.go", self.rng.below(3), self.next_name)
    }

    /// A new path for `old`: half the time the same file name in another directory (git pairs those first).
    fn moved_name(&mut self, old: &str) -> String {
        let base = old.rsplit('/').next().unwrap_or(old).to_owned();
        let candidate = format!("dir{}/{base}", self.rng.below(4));
        match self.rng.below(2) == 0 && !self.files.contains_key(&candidate) {
            true => candidate,
            false => self.new_name(),
        }
    }

    fn remove(&mut self, name: &str) {
        self.files.remove(name);
        std::fs::remove_file(self.repo.join(name)).expect("rm");
    }

    fn add_file(&mut self) {
        let name = self.new_name();
        let size = 10 + self.rng.below(40);
        let lines = (0..size).map(|_| self.line()).collect();
        self.files.insert(name.clone(), lines);
        self.save(&name);
    }

    /// One commit of one random operation.
    fn step(&mut self, author: &str) {
        let Some(a) = self.pick() else {
            self.add_file();
            return self.commit(author, "add", "+0100");
        };
        let op = self.rng.below(8);
        match op {
            0 => self.add_file(),
            1 => {
                // cp a b
                let b = self.new_name();
                let lines = self.files[&a].clone();
                self.files.insert(b.clone(), lines);
                self.save(&b);
                if self.rng.below(2) == 0 {
                    let edits = self.rng.below(4);
                    self.edit(&b, edits);
                }
            }
            2 | 3 => {
                // git mv a c (maybe edited), and with op 3 also cp a b first
                if op == 3 {
                    let b = self.new_name();
                    let lines = self.files[&a].clone();
                    self.files.insert(b.clone(), lines);
                    self.save(&b);
                }
                let c = self.moved_name(&a);
                let lines = self.files[&a].clone();
                self.remove(&a);
                self.files.insert(c.clone(), lines);
                self.save(&c);
                let edits = self.rng.below(6);
                self.edit(&c, edits);
            }
            4 => {
                // split a in two (or three)
                let lines = self.files[&a].clone();
                self.remove(&a);
                let parts = 2 + self.rng.below(2);
                let size = lines.len().div_ceil(parts);
                for chunk in lines.chunks(size.max(1)) {
                    let name = self.moved_name(&a);
                    self.files.insert(name.clone(), chunk.to_vec());
                    self.save(&name);
                }
            }
            5 => {
                // join a and another file
                if let Some(b) = self.pick().filter(|b| *b != a) {
                    let mut lines = self.files[&a].clone();
                    lines.extend(self.files[&b].clone());
                    self.remove(&a);
                    self.remove(&b);
                    let c = self.new_name();
                    self.files.insert(c.clone(), lines);
                    self.save(&c);
                }
            }
            6 if self.files.len() > 2 => self.remove(&a),
            _ => {
                let edits = 1 + self.rng.below(8);
                self.edit(&a, edits);
            }
        }
        self.commit(author, "step", "+0100");
    }
}

#[test]
fn random_histories_of_copies_renames_and_splits_match_git() {
    let Some(git_path) = git_tool() else { return };
    let mut total = Tally::default();
    let mut problems = Vec::new();
    for seed in 1..=12u64 {
        let temp = tempfile::tempdir().expect("tempdir");
        let repo = temp.path();
        git(&git_path, repo, &["init", "-q", "-b", "main"]);
        let mut builder = RandomTree::new(&git_path, repo, seed, line);
        for _ in 0..3 {
            builder.add_file();
        }
        builder.commit("Alice", "start", "+0100");
        for n in 0..30 {
            builder.step(["Alice", "Bob", "Carol"][n % 3]);
        }
        // The working tree too: uncommitted edits, and a staged rename of an edited file.
        for _ in 0..2 {
            if let Some(name) = builder.pick() {
                let edits = 1 + builder.rng.below(4);
                builder.edit(&name, edits);
            }
        }
        if let Some(old) = builder.pick() {
            let new = builder.moved_name(&old);
            std::fs::create_dir_all(repo.join(&new).parent().expect("dir")).expect("mkdir");
            git(&git_path, repo, &["mv", &old, &new]);
            let lines = builder.files.remove(&old).expect("file");
            builder.files.insert(new.clone(), lines);
            builder.edit(&new, 2);
        }
        let mut history = History { git: git_path.clone(), repo: repo.to_path_buf(), problems: Vec::new() };
        let tally = history.compare_all(&["HEAD~5", "HEAD~15"]);
        history.report(&format!("seed {seed}"), tally);
        total += tally;
        problems.extend(history.problems.into_iter().map(|p| format!("seed {seed}: {p}")));
    }
    println!("random histories: {} lines, {} differing, {} failed", total.lines, total.differing, total.failed);
    assert!(total.lines > 5000, "too little compared: {}", total.lines);
    let first = &problems[..problems.len().min(10)];
    assert_eq!((total.differing, total.failed), (0, 0), "{first:#?}");
}
