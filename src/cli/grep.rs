//! `runbook grep`: prints `locate::grep` results as `rg -n --no-heading` does, or as JSON lines.
//!
//! Each search thread buffers one file's output and writes it under the stdout lock when the file is done,
//! so a file's lines stay together (ripgrep does the same) while files still stream out as they finish.

use super::Code;
use crate::locate::{grep, GrepMatch, GrepOptions, GrepSink, LineMatch};
use anyhow::Context as _;
use serde::Serialize;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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
pub fn run(args: &GrepArgs) -> anyhow::Result<Code> {
    let options = GrepOptions {
        pattern: args.pattern.clone(),
        paths: args.paths.clone(),
        include: args.include.clone(),
        exclude: args.exclude.clone(),
        ignore_case: args.ignore_case,
        fixed_strings: args.fixed_strings,
        context: 0,
    };
    let failed = Mutex::new(None);
    let stats = grep(&options, || Printer { json: args.json, buffer: Vec::with_capacity(8 * 1024), failed: &failed })
        .context("grep")?;
    // The first failed write stopped the search: it is the command's error (a closed pipe is a success).
    if let Some(e) = failed.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner()) {
        return Err(e).context("cannot print the matches");
    }
    let mut out = crate::textsafe::stdout(args.json);
    if args.json {
        let summary = serde_json::json!({"type": "summary", "matches": stats.matches, "files": stats.files});
        writeln!(out, "{summary}")?;
    }
    out.flush()?;
    Ok(match (stats.matches > 0, stats.errors > 0) {
        (_, true) => Code::ProblemsReported,
        (found, false) => Code::found(found),
    })
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
    /// The first error writing to stdout, shared by the search threads: once set, every search stops.
    failed: &'a Mutex<Option<io::Error>>,
}

impl Printer<'_> {
    fn failed(&self) -> bool {
        self.failed.lock().map_or(true, |f| f.is_some())
    }
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
        !self.failed()
    }

    fn finish_file(&mut self, _path: &Path, _matches: u64) {
        if self.buffer.is_empty() {
            return;
        }
        if !self.failed() {
            if let Err(e) = crate::textsafe::stdout(self.json).write_all(&self.buffer) {
                if let Ok(mut failed) = self.failed.lock() {
                    failed.get_or_insert(e);
                }
            }
        }
        self.buffer.clear();
    }

    fn error(&mut self, _path: Option<&Path>, message: &str) {
        crate::textsafe::eprint_line(&format!("runbook grep: {message}"));
    }
}
