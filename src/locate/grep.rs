//! `grep`: ripgrep's search, as a library call, for the `grep` action and `runbook grep`.
//!
//! Built on the crates ripgrep is built on (`ignore` to walk, `grep-searcher`/`grep-regex` to search) and
//! configured the way ripgrep 13 configures them, because the promise is "same matches as `rg -n`": the
//! `.gitignore` rules of git repositories, `.ignore`/`.rgignore` files, hidden files skipped, `-g` globs as
//! overrides, and the binary policy (a file found by walking stops at the first NUL; a file named explicitly
//! is searched with NUL treated as a line end, reporting lines before the first NUL unless it is in the
//! first 64 KiB). Search is parallel and results stream
//! into a per-thread [`GrepSink`] as they are found.

use super::grep_sink::{ContextLine, EachMatch, GrepMatch, GrepSink, LineMatch};
use grep_matcher::Matcher as _;
use grep_regex::{RegexMatcher, RegexMatcherBuilder};
use grep_searcher::{BinaryDetection, Searcher, SearcherBuilder, Sink, SinkContext, SinkContextKind, SinkMatch};
use ignore::overrides::{Override, OverrideBuilder};
use ignore::{WalkBuilder, WalkState};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

/// What to search for and where: the fields of the `grep` step action.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GrepOptions {
    /// A regular expression (Rust `regex` syntax, as ripgrep), or a literal with `fixed_strings`.
    pub pattern: String,
    /// Files and directories to search; empty means the current directory, printed without `./`, like rg.
    pub paths: Vec<PathBuf>,
    /// Gitignore-style globs a file must match: ripgrep's `-g GLOB`.
    pub include: Vec<String>,
    /// Gitignore-style globs that exclude: ripgrep's `-g '!GLOB'`.
    pub exclude: Vec<String>,
    pub ignore_case: bool,
    pub fixed_strings: bool,
    /// Lines of context before and after each match, reported through [`GrepSink::context`].
    pub context: usize,
}

/// Errors that stop a search before it starts. Unreadable files do not: they go to [`GrepSink::error`].
#[derive(Debug, thiserror::Error)]
pub enum GrepError {
    /// The message is the regex parser's, which quotes the pattern with a caret under the fault.
    #[error("invalid pattern {pattern:?}{}:\n{message}", column.map(|c| format!(" at column {c}")).unwrap_or_default())]
    InvalidPattern {
        pattern: String,
        /// 1-based character column of the fault in the pattern, when the parser says where it is.
        column: Option<usize>,
        message: String,
    },
    #[error("invalid glob {glob:?}: {message}")]
    InvalidGlob { glob: String, message: String },
}

/// Totals of a finished search.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct GrepStats {
    /// Matching lines.
    pub matches: u64,
    /// Files with at least one matching line.
    pub files: u64,
    /// Files or directories that could not be read.
    pub errors: u64,
}

/// Everything [`grep_collect`] found, in (path, line) order.
#[derive(Debug, Clone, Default, Serialize)]
pub struct GrepOutcome {
    pub matches: Vec<GrepMatch>,
    pub stats: GrepStats,
    pub errors: Vec<String>,
}

/// Searches in parallel; each search thread pushes into its own sink from `make_sink`.
pub fn grep<F, S>(options: &GrepOptions, make_sink: F) -> Result<GrepStats, GrepError>
where
    F: Fn() -> S + Sync,
    S: GrepSink,
{
    let matcher = build_matcher(options)?;
    let overrides = build_overrides(options)?;
    let implicit_root = options.paths.is_empty();
    let mut roots = options.paths.clone();
    if implicit_root {
        roots.push(PathBuf::from("./"));
    }
    let mut walk = WalkBuilder::new(&roots[0]);
    for root in &roots[1..] {
        walk.add(root);
    }
    walk.threads(threads()).hidden(true).add_custom_ignore_filename(".rgignore").overrides(overrides);

    let mut searcher = SearcherBuilder::new();
    searcher.line_number(true).before_context(options.context).after_context(options.context);
    let searcher = &searcher;
    let matcher = &matcher;
    let stop = &AtomicBool::new(false);
    let (matches, files, errors) = (&AtomicU64::new(0), &AtomicU64::new(0), &AtomicU64::new(0));
    let make_sink = &make_sink;

    walk.build_parallel().run(|| {
        let mut sink = make_sink();
        let mut implicit = searcher.clone();
        implicit.binary_detection(BinaryDetection::quit(b'\x00'));
        let mut implicit = implicit.build();
        let mut explicit = searcher.clone();
        explicit.binary_detection(BinaryDetection::convert(b'\x00'));
        let mut explicit = explicit.build();
        Box::new(move |entry| {
            if stop.load(Ordering::Relaxed) {
                return WalkState::Quit;
            }
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    errors.fetch_add(1, Ordering::Relaxed);
                    sink.error(None, &err.to_string());
                    return WalkState::Continue;
                }
            };
            // Like rg: a path named explicitly is searched unless it is a directory; below it, only files.
            let is_explicit = entry.depth() == 0;
            let searchable =
                if is_explicit { !entry.path().is_dir() } else { entry.file_type().is_some_and(|t| t.is_file()) };
            if !searchable {
                return WalkState::Continue;
            }
            let path =
                if implicit_root { entry.path().strip_prefix("./").unwrap_or(entry.path()) } else { entry.path() };
            let mut file = FileSearch {
                sink: &mut sink,
                matcher,
                path,
                matches: 0,
                stopped: false,
                explicit: is_explicit,
                binary_offset: None,
            };
            let searcher = if is_explicit { &mut explicit } else { &mut implicit };
            let result = searcher.search_path(matcher, entry.path(), &mut file);
            let (found, stopped) = (file.matches, file.stopped);
            if let Err(err) = result {
                errors.fetch_add(1, Ordering::Relaxed);
                sink.error(Some(path), &format!("{}: {err}", path.display()));
            }
            if found > 0 {
                matches.fetch_add(found, Ordering::Relaxed);
                files.fetch_add(1, Ordering::Relaxed);
                sink.finish_file(path, found);
            }
            if stopped {
                stop.store(true, Ordering::Relaxed);
                return WalkState::Quit;
            }
            WalkState::Continue
        })
    });
    Ok(GrepStats {
        matches: matches.load(Ordering::Relaxed),
        files: files.load(Ordering::Relaxed),
        errors: errors.load(Ordering::Relaxed),
    })
}

/// Searches and calls `each` with every matching line, from the search threads, as it is found.
pub fn grep_each<F>(options: &GrepOptions, each: F) -> Result<GrepStats, GrepError>
where
    F: Fn(GrepMatch) + Sync,
{
    grep(options, || EachMatch { each: &each })
}

/// Searches and returns all matches sorted by (path, line): for captures and tests, not for huge trees.
pub fn grep_collect(options: &GrepOptions) -> Result<GrepOutcome, GrepError> {
    struct Collect<'a> {
        found: Vec<GrepMatch>,
        errors: Vec<String>,
        into: &'a Mutex<GrepOutcome>,
    }
    impl GrepSink for Collect<'_> {
        fn matched(&mut self, found: &LineMatch<'_>) -> bool {
            self.found.push(found.to_owned_match());
            true
        }
        fn error(&mut self, _path: Option<&Path>, message: &str) {
            self.errors.push(message.to_owned());
        }
    }
    impl Drop for Collect<'_> {
        // Each thread's sink is dropped when its walker thread ends; merging here avoids a lock per match.
        fn drop(&mut self) {
            let mut into = self.into.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            into.matches.append(&mut self.found);
            into.errors.append(&mut self.errors);
        }
    }
    let outcome = Mutex::new(GrepOutcome::default());
    let stats = grep(options, || Collect { found: Vec::new(), errors: Vec::new(), into: &outcome })?;
    let mut outcome = outcome.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
    outcome.matches.sort();
    outcome.errors.sort();
    outcome.stats = stats;
    Ok(outcome)
}

/// ripgrep's thread count: the available cores, at most 12.
fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).min(12)
}

/// The matcher as ripgrep 13 builds it for a line-oriented search.
fn build_matcher(options: &GrepOptions) -> Result<RegexMatcher, GrepError> {
    let mut builder = RegexMatcherBuilder::new();
    builder
        .multi_line(true)
        .unicode(true)
        .octal(false)
        .line_terminator(Some(b'\n'))
        .case_insensitive(options.ignore_case)
        .fixed_strings(options.fixed_strings);
    builder.build(&options.pattern).map_err(|err| {
        // grep-regex wraps the pattern before parsing, so its caret points into the wrapper; the regex
        // crate's own parser quotes the pattern as typed.
        let message = match regex::bytes::Regex::new(&options.pattern) {
            Err(regex::Error::Syntax(message)) => message,
            _ => err.to_string(),
        };
        invalid_pattern(&options.pattern, &message)
    })
}

/// Keeps the parser's caret diagram and reads the column off it: the caret line sits under the quoted
/// pattern, both indented the same.
fn invalid_pattern(pattern: &str, message: &str) -> GrepError {
    let lines: Vec<&str> = message.lines().collect();
    let column = lines.windows(2).find_map(|pair| {
        let quoted = pair[0].trim_start();
        let indent = pair[0].len() - quoted.len();
        let caret = pair[1].find('^')?;
        let is_caret_line = pair[1].trim().chars().all(|c| c == '^');
        (quoted == pattern && is_caret_line && caret >= indent).then(|| pair[1][indent..caret].chars().count() + 1)
    });
    GrepError::InvalidPattern { pattern: pattern.to_owned(), column, message: message.to_owned() }
}

/// `include` and `exclude` as ripgrep's `-g G` and `-g '!G'`.
fn build_overrides(options: &GrepOptions) -> Result<Override, GrepError> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut builder = OverrideBuilder::new(cwd);
    let globs = options.include.iter().map(|g| (g, g.clone()));
    let negated = options.exclude.iter().map(|g| (g, format!("!{g}")));
    for (glob, rule) in globs.chain(negated) {
        builder.add(&rule).map_err(|err| GrepError::InvalidGlob { glob: glob.clone(), message: err.to_string() })?;
    }
    builder.build().map_err(|err| GrepError::InvalidGlob { glob: String::new(), message: err.to_string() })
}

/// How much of a named file rg 13 checks for NUL before reporting anything (its buffer size).
const BINARY_SNIFF_BYTES: u64 = 64 * 1024;

/// The searcher's view of one file: turns `SinkMatch` into [`LineMatch`] and applies the binary policy.
struct FileSearch<'a, S> {
    sink: &'a mut S,
    matcher: &'a RegexMatcher,
    path: &'a Path,
    matches: u64,
    stopped: bool,
    explicit: bool,
    binary_offset: Option<u64>,
}

impl<S: GrepSink> Sink for FileSearch<'_, S> {
    type Error = std::io::Error;

    fn matched(&mut self, _: &Searcher, found: &SinkMatch<'_>) -> Result<bool, Self::Error> {
        // A named file is searched with NUL as a line end. rg 13 reports nothing for it when a NUL shows up
        // in the first 64 KiB (it sniffs that much up front) and stops at a later NUL.
        if self.explicit
            && self.binary_offset.is_some_and(|at| at < BINARY_SNIFF_BYTES || found.absolute_byte_offset() >= at)
        {
            return Ok(false);
        }
        let bytes = found.bytes();
        let column = match self.matcher.find(bytes) {
            Ok(Some(m)) => m.start() as u64 + 1,
            _ => 1,
        };
        self.matches += 1;
        let keep_going =
            self.sink.matched(&LineMatch { path: self.path, line: found.line_number().unwrap_or(0), column, bytes });
        self.stopped |= !keep_going;
        Ok(keep_going)
    }

    fn context(&mut self, _: &Searcher, line: &SinkContext<'_>) -> Result<bool, Self::Error> {
        let keep_going = self.sink.context(&ContextLine {
            path: self.path,
            line: line.line_number().unwrap_or(0),
            after: matches!(line.kind(), SinkContextKind::After),
            bytes: line.bytes(),
        });
        self.stopped |= !keep_going;
        Ok(keep_going)
    }

    fn binary_data(&mut self, _: &Searcher, offset: u64) -> Result<bool, Self::Error> {
        self.binary_offset = Some(offset);
        Ok(true)
    }
}
