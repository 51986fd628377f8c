//! `runbook grep`: prints `locate::grep` results as `rg -n --no-heading` does, or as JSON lines.
//!
//! Each search thread buffers one file's output and writes it under the stdout lock when the file is done,
//! so a file's lines stay together (ripgrep does the same) while files still stream out as they finish.

use crate::locate::{grep, GrepMatch, GrepOptions, GrepSink, LineMatch};
use serde::Serialize;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(clap::Args, Debug, Clone)]
pub struct GrepArgs {
    /// Regular expression (Rust regex syntax, as in ripgrep); a literal string with -F.
    pub pattern: String,
    /// Files and directories to search (default: the current directory).
    pub paths: Vec<PathBuf>,
    /// Search only files matching this gitignore-style glob: ripgrep's `-g GLOB`. Repeatable.
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Skip files matching this gitignore-style glob: ripgrep's `-g '!GLOB'`. Repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Match case-insensitively.
    #[arg(short = 'i', long)]
    pub ignore_case: bool,
    /// Treat PATTERN as a literal string, not a regular expression.
    #[arg(short = 'F', long)]
    pub fixed_strings: bool,
    /// Print one JSON object per matching line, then a summary object.
    #[arg(long)]
    pub json: bool,
}

/// Runs the search and prints it. Exit code: 0 something matched, 1 nothing did, 2 an error (as rg: also
/// when some file could not be read, even if others matched).
pub fn run(args: &GrepArgs) -> i32 {
    let options = GrepOptions {
        pattern: args.pattern.clone(),
        paths: args.paths.clone(),
        include: args.include.clone(),
        exclude: args.exclude.clone(),
        ignore_case: args.ignore_case,
        fixed_strings: args.fixed_strings,
        context: 0,
    };
    let broken_pipe = AtomicBool::new(false);
    let result =
        grep(&options, || Printer { json: args.json, buffer: Vec::with_capacity(8 * 1024), broken_pipe: &broken_pipe });
    let stats = match result {
        Ok(stats) => stats,
        Err(err) => {
            eprintln!("runbook grep: {err}");
            return 2;
        }
    };
    if args.json && !broken_pipe.load(Ordering::Relaxed) {
        let summary = serde_json::json!({"type": "summary", "matches": stats.matches, "files": stats.files});
        // A closed stdout at the very end is not worth an error.
        let _ = writeln!(std::io::stdout().lock(), "{summary}");
    }
    match (stats.matches > 0, stats.errors > 0) {
        (_, true) => 2,
        (true, false) => 0,
        (false, false) => 1,
    }
}

/// The JSON object of one match: the library's serialization with a `"type"` tag in front.
#[derive(Serialize)]
struct JsonMatch<'a> {
    r#type: &'static str,
    #[serde(flatten)]
    found: &'a GrepMatch,
}

struct Printer<'a> {
    json: bool,
    buffer: Vec<u8>,
    broken_pipe: &'a AtomicBool,
}

impl GrepSink for Printer<'_> {
    fn matched(&mut self, found: &LineMatch<'_>) -> bool {
        if self.json {
            let object = JsonMatch { r#type: "match", found: &found.to_owned_match() };
            // Serializing plain strings and numbers into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut self.buffer, &object);
            self.buffer.push(b'\n');
        } else {
            self.buffer.extend_from_slice(&crate::locate::path_bytes(found.path));
            self.buffer.push(b':');
            self.buffer.extend_from_slice(found.line.to_string().as_bytes());
            self.buffer.push(b':');
            self.buffer.extend_from_slice(found.bytes);
            if !found.bytes.ends_with(b"\n") {
                self.buffer.push(b'\n');
            }
        }
        !self.broken_pipe.load(Ordering::Relaxed)
    }

    fn finish_file(&mut self, _path: &Path, _matches: u64) {
        if self.buffer.is_empty() {
            return;
        }
        if std::io::stdout().lock().write_all(&self.buffer).is_err() {
            self.broken_pipe.store(true, Ordering::Relaxed);
        }
        self.buffer.clear();
    }

    fn error(&mut self, _path: Option<&Path>, message: &str) {
        eprintln!("runbook grep: {message}");
    }
}
