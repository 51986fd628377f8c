//! `runbook parse LOG... [--json]`: triage of Go output in logs (`-` reads stdin).
//!
//! Exit codes: 0 something found, 1 nothing found, 2 an input could not be read.

use super::parse_spool::{spool_stdin, Spool};
use super::Code;
use crate::golang::stream::StreamParser;
use anyhow::Context as _;
use std::fs::File;

#[derive(Debug, Clone, clap::Args)]
pub struct ParseArgs {
    /// Log files to read, in order; `-` reads standard input.
    #[arg(required = true, value_name = "LOG")]
    pub logs: Vec<String>,
    /// Print one JSON document for all inputs instead of the triage summary.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &ParseArgs) -> anyhow::Result<Code> {
    let names: Vec<&str> = args.logs.iter().map(String::as_str).collect();
    let years = crate::evidence::years::year_hints(&names);
    // Every input opened before anything is printed: one that cannot be opened is exit code 2 and no half document.
    let mut inputs = Vec::with_capacity(args.logs.len());
    for (index, path) in args.logs.iter().enumerate() {
        inputs.push(Input::open(path, index)?);
    }
    let out = std::io::BufWriter::with_capacity(1 << 16, crate::textsafe::stdout(args.json));
    let mut spool = Spool::new(out, args.json, &args.logs)?;
    let mut parser = StreamParser::default();
    for ((index, path), input) in args.logs.iter().enumerate().zip(inputs) {
        let year = years.get(index).and_then(Option::as_ref);
        // Streamed a chunk at a time, lines past 1 MiB cut (`golang::input`): neither a 5 GB log nor `/dev/zero`
        // exhausts memory.
        let reader = std::io::BufReader::with_capacity(1 << 20, input.reopen(path)?);
        if let Err(e) = parser.parse_input(spool.until_failed(reader), year, &mut spool) {
            // The output's own error first: a closed standard output is not an unreadable input.
            spool.take_failure()?;
            return Err(e).with_context(|| what(path));
        }
    }
    let end = parser.finish(&mut spool);
    let found = spool.found_anything();
    if args.json {
        spool.write_json(&end)?;
    } else {
        spool.write_text(&end)?;
    }
    Ok(Code::found(found))
}

/// Inputs past this many are opened once to check them, closed, and opened again when their turn comes: a
/// glob of thousands of logs must not run out of file descriptors.
const KEPT_OPEN: usize = 64;

/// An input, opened.
enum Input {
    File(File),
    /// Opened and closed again (past `KEPT_OPEN`).
    Checked,
}

impl Input {
    fn open(path: &str, index: usize) -> anyhow::Result<Self> {
        if path == "-" {
            return Ok(Input::File(spool_stdin()?));
        }
        let file = File::open(path).with_context(|| what(path))?;
        // A directory opens; reading it fails. Found here, before the document's first byte.
        if file.metadata().with_context(|| what(path))?.is_dir() {
            anyhow::bail!("{}: it is a directory", what(path));
        }
        Ok(if index < KEPT_OPEN { Input::File(file) } else { Input::Checked })
    }

    fn reopen(self, path: &str) -> anyhow::Result<File> {
        match self {
            Input::File(file) => Ok(file),
            Input::Checked => File::open(path).with_context(|| what(path)),
        }
    }
}

fn what(path: &str) -> String {
    if path == "-" {
        "cannot read standard input".to_string()
    } else {
        format!("cannot read {path}")
    }
}
