//! Shared by the blame comparison tests: build a history with a shell script, then compare every line of
//! every file `locate::blame` blames with what `git blame --porcelain` says on the same repository.
//!
//! The tally (lines compared, lines whose commit differs, comparisons that failed where git succeeds) is what
//! issue 16 counts; the tests print it and require it to be zero.

#![allow(dead_code)] // each test file uses a different part

use crate::common::{git, git_command, git_tool, write, Rng};
use runbook::locate::{blame, BlameOptions};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// What git says about one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitLine {
    pub commit: String,
    pub final_line: usize,
    pub orig_line: usize,
    pub orig_path: String,
    pub boundary: bool,
    pub author: String,
    pub author_mail: String,
    pub summary: String,
}

/// Parses `git blame --porcelain`: each commit's headers come the first time it appears only.
pub fn parse_porcelain(out: &[u8]) -> Vec<GitLine> {
    let text = String::from_utf8_lossy(out);
    #[derive(Default, Clone)]
    struct Known {
        path: String,
        boundary: bool,
        author: String,
        mail: String,
        summary: String,
    }
    let mut known: HashMap<String, Known> = HashMap::new();
    let mut lines = Vec::new();
    let mut current: Option<(String, usize, usize)> = None;
    for line in text.split('\n') {
        let mut words = line.split(' ');
        let first = words.next().unwrap_or_default();
        if line.starts_with('\t') {
            let (commit, orig, final_line) = current.take().expect("a header before each content line");
            let k = known.get(&commit).cloned().unwrap_or_default();
            lines.push(GitLine {
                commit,
                final_line,
                orig_line: orig,
                orig_path: k.path,
                boundary: k.boundary,
                author: k.author,
                author_mail: k.mail,
                summary: k.summary,
            });
        } else if first.len() == 40 && first.bytes().all(|b| b.is_ascii_hexdigit()) {
            let orig: usize = words.next().and_then(|w| w.parse().ok()).expect("orig line");
            let final_line: usize = words.next().and_then(|w| w.parse().ok()).expect("final line");
            current = Some((first.to_owned(), orig, final_line));
            known.entry(first.to_owned()).or_default();
        } else if let Some((commit, _, _)) = &current {
            let k = known.entry(commit.clone()).or_default();
            if let Some(name) = line.strip_prefix("filename ") {
                k.path = name.to_owned();
            } else if line == "boundary" {
                k.boundary = true;
            } else if let Some(author) = line.strip_prefix("author ") {
                k.author = author.to_owned();
            } else if let Some(mail) = line.strip_prefix("author-mail ") {
                k.mail = mail.trim_start_matches('<').trim_end_matches('>').to_owned();
            } else if let Some(summary) = line.strip_prefix("summary ") {
                k.summary = summary.to_owned();
            }
        }
    }
    lines
}

/// Lines compared, lines whose commit (or orig line/path) differs, comparisons that failed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub lines: usize,
    pub differing: usize,
    pub failed: usize,
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, other: Tally) {
        self.lines += other.lines;
        self.differing += other.differing;
        self.failed += other.failed;
    }
}

/// A finished history: the repository and where to find git.
pub struct History {
    pub git: PathBuf,
    pub repo: PathBuf,
    pub problems: Vec<String>,
}

/// Runs `script` with `sh` in a fresh directory, with helpers: `git` (the git under test, isolated from the
/// user's configuration), `ci NAME [commit args]` (commit as NAME at the next tick of a fixed clock),
/// `tick`. Returns `None` (the test is skipped) when git is missing.
pub fn build(dir: &Path, script: &str) -> Option<History> {
    let git = git_tool()?;
    let prelude = r#"set -e
git() { "$RB_GIT" "$@"; }
T=1600000000
tick() { T=$((T + 60)); GIT_AUTHOR_DATE="$T +0000"; GIT_COMMITTER_DATE="$T +0000"; export GIT_AUTHOR_DATE GIT_COMMITTER_DATE; }
ci() { who=$1; shift; tick; GIT_AUTHOR_NAME="$who" GIT_AUTHOR_EMAIL="$who@test.git" git commit -q "$@"; }
git init -q -b main
git config core.autocrlf false
tick
"#;
    let mut cmd = git_command(&git, dir);
    let cmd = cmd_for_sh(&mut cmd, &git, &format!("{prelude}{script}"));
    let output = cmd.output().expect("run sh");
    assert!(
        output.status.success(),
        "history script failed: {}\n{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&output.stdout)
    );
    Some(History { git, repo: dir.to_path_buf(), problems: Vec::new() })
}

fn cmd_for_sh<'c>(cmd: &'c mut std::process::Command, git: &Path, script: &str) -> &'c mut std::process::Command {
    // git_command's program is git; build an sh command with the same environment instead.
    let envs: Vec<(std::ffi::OsString, Option<std::ffi::OsString>)> =
        cmd.get_envs().map(|(k, v)| (k.to_owned(), v.map(|v| v.to_owned()))).collect();
    let dir = cmd.get_current_dir().map(Path::to_path_buf);
    *cmd = std::process::Command::new("sh");
    for (key, value) in envs {
        match value {
            Some(value) => cmd.env(key, value),
            None => cmd.env_remove(key),
        };
    }
    if let Some(dir) = dir {
        cmd.current_dir(dir);
    }
    cmd.env("RB_GIT", git)
        .env("GIT_AUTHOR_NAME", "A U Thor")
        .env("GIT_AUTHOR_EMAIL", "author@example.com")
        .env("GIT_COMMITTER_NAME", "C O Mitter")
        .env("GIT_COMMITTER_EMAIL", "committer@example.com")
        .env("GIT_MERGE_AUTOEDIT", "no")
        .arg("-c")
        .arg(script)
}

impl History {
    /// Runs git in the repository; `None` when it fails.
    pub fn git_out(&self, args: &[&str]) -> Option<Vec<u8>> {
        let output = git_command(&self.git, &self.repo).args(args).output().ok()?;
        output.status.success().then_some(output.stdout)
    }

    /// Every path git tracks in the working tree (the index), or in `rev`.
    pub fn paths(&self, rev: Option<&str>) -> Vec<String> {
        let out = match rev {
            None => self.git_out(&["ls-files", "-z"]),
            Some(rev) => self.git_out(&["ls-tree", "-r", "-z", "--name-only", rev]),
        };
        let mut paths: Vec<String> = String::from_utf8_lossy(&out.unwrap_or_default())
            .split('\0')
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect();
        paths.dedup();
        paths
    }

    /// Compares every line of `path` (working tree, or as of `rev`); differences are kept in `problems`.
    pub fn compare(&mut self, path: &str, rev: Option<&str>) -> Tally {
        let mut args = vec!["blame", "--porcelain"];
        args.extend(rev);
        args.extend(["--", path]);
        let Some(theirs) = self.git_out(&args).map(|out| parse_porcelain(&out)) else {
            return Tally::default(); // git refuses: nothing to match
        };
        let options = BlameOptions { file: self.repo.join(path), lines: None, rev: rev.map(str::to_owned) };
        let ours = match blame(&options) {
            Ok(lines) => lines,
            Err(err) => {
                self.problems.push(format!("{path} @{rev:?}: failed where git succeeds: {err}"));
                return Tally { lines: theirs.len(), differing: 0, failed: 1 };
            }
        };
        let mut tally = Tally { lines: theirs.len(), ..Tally::default() };
        if ours.len() != theirs.len() {
            self.problems.push(format!("{path} @{rev:?}: {} lines, git has {}", ours.len(), theirs.len()));
            tally.differing += theirs.len();
            return tally;
        }
        for (n, (o, t)) in ours.iter().zip(&theirs).enumerate() {
            let same =
                o.commit == t.commit && (o.uncommitted || (o.orig_line == t.orig_line && o.orig_path == t.orig_path));
            if !same {
                tally.differing += 1;
                self.problems.push(format!(
                    "{path} @{rev:?} line {}: ours {}{} {}:{}, git {}{} {}:{}",
                    n + 1,
                    if o.boundary { "^" } else { "" },
                    &o.commit[..8],
                    o.orig_path,
                    o.orig_line,
                    if t.boundary { "^" } else { "" },
                    &t.commit[..8],
                    t.orig_path,
                    t.orig_line
                ));
            }
        }
        tally
    }

    /// Compares every tracked file in the working tree and at each of `revs`.
    pub fn compare_all(&mut self, revs: &[&str]) -> Tally {
        let mut tally = Tally::default();
        for path in self.paths(None) {
            // Files and symbolic links (git blames a link itself, dangling or not).
            if self.repo.join(&path).symlink_metadata().is_ok_and(|m| !m.is_dir()) {
                tally += self.compare(&path, None);
            }
        }
        for rev in revs {
            for path in self.paths(Some(rev)) {
                tally += self.compare(&path, Some(rev));
            }
        }
        tally
    }

    /// Prints the tally and the first differences, for the record (run with `--nocapture`).
    pub fn report(&self, name: &str, tally: Tally) {
        println!("{name}: {} lines, {} differing, {} failed", tally.lines, tally.differing, tally.failed);
        for problem in self.problems.iter().take(20) {
            println!("  {problem}");
        }
    }
}

/// The working tree of a seeded random history (`blame_random_histories`, `blame_moves_random`): its files as
/// lines, written on every change and committed an hour apart. Each history brings its own kind of line (`line`)
/// and its own operations on the tree.
pub struct RandomTree<'a> {
    pub git: &'a Path,
    pub repo: &'a Path,
    pub rng: Rng,
    pub files: BTreeMap<String, Vec<String>>,
    pub next_name: usize,
    pub time: u64,
    line: fn(&mut Rng) -> String,
}

impl<'a> RandomTree<'a> {
    /// The tree of `repo` (a fresh repository) for `seed`, its new lines made by `line`.
    pub fn new(git: &'a Path, repo: &'a Path, seed: u64, line: fn(&mut Rng) -> String) -> Self {
        let rng = Rng(0x9e37_79b9_7f4a_7c15 ^ seed.wrapping_mul(0x2545_f491_4f6c_dd1d));
        RandomTree { git, repo, rng, files: BTreeMap::new(), next_name: 0, time: 1_600_000_000, line }
    }

    pub fn line(&mut self) -> String {
        (self.line)(&mut self.rng)
    }

    /// One of the files, at random.
    pub fn pick(&mut self) -> Option<String> {
        let names: Vec<&String> = self.files.keys().collect();
        (!names.is_empty()).then(|| names[self.rng.below(names.len())].clone())
    }

    /// Writes `name` as its lines say.
    pub fn save(&self, name: &str) {
        write(&self.repo.join(name), self.files[name].iter().map(|l| format!("{l}\n")).collect::<String>());
    }

    /// `changes` random edits of `name` (a line removed, replaced or inserted), then saved.
    pub fn edit(&mut self, name: &str, changes: usize) {
        for _ in 0..changes {
            let len = self.files[name].len();
            let at = self.rng.below(len + 1);
            let kind = self.rng.below(3);
            let line = self.line();
            let lines = self.files.get_mut(name).expect("file");
            match kind {
                0 if at < len && len > 1 => drop(lines.remove(at)),
                1 if at < len => lines[at] = line,
                _ => lines.insert(at, line),
            }
        }
        self.save(name);
    }

    /// Commits the whole tree as `author`, an hour after the last commit, dated in time zone `zone`.
    pub fn commit(&mut self, author: &str, message: &str, zone: &str) {
        self.time += 3600;
        git(self.git, self.repo, &["add", "-A"]);
        let date = format!("{} {zone}", self.time);
        let output = git_command(self.git, self.repo)
            .args(["commit", "-q", "--allow-empty", "-m", message])
            .env("GIT_AUTHOR_NAME", author)
            .env("GIT_AUTHOR_EMAIL", format!("{author}@example.com"))
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .output()
            .expect("run git commit");
        assert!(output.status.success(), "commit: {}", String::from_utf8_lossy(&output.stderr));
    }
}
