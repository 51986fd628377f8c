//! `runbook parse LOG... [--json]`: triage of Go output in logs (`-` reads stdin).
//!
//! Exit codes: 0 something found, 1 nothing found, 2 an input could not be read.

use super::parse_spool::{spool_stdin, Spool};
use super::Code;
use crate::golang::stream::StreamParser;
use anyhow::Context as _;
use std::io::Write;

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
    let mut parser = StreamParser::default();
    let mut spool = Spool::new(args.json)?;
    for (index, path) in args.logs.iter().enumerate() {
        let year = years.get(index).and_then(Option::as_ref);
        // Streamed a chunk at a time, lines past 1 MiB cut (`golang::input`): neither a 5 GB log nor `/dev/zero`
        // exhausts memory.
        if path == "-" {
            parser.parse_input(spool_stdin()?, year, &mut spool).context("cannot read standard input")?;
        } else {
            std::fs::File::open(path)
                .and_then(|f| parser.parse_input(std::io::BufReader::with_capacity(1 << 20, f), year, &mut spool))
                .with_context(|| format!("cannot read {path}"))?;
        }
    }
    let end = parser.finish(&mut spool);
    let found = spool.found_anything();
    // Buffered before the neutralising writer: standard output is line-buffered, and the document's pieces are
    // small writes ending in newlines (a write system call each).
    let mut out = std::io::BufWriter::with_capacity(1 << 16, crate::textsafe::stdout(args.json));
    if args.json {
        spool.write_json(&mut out, &args.logs, &end)?;
    } else {
        spool.write_text(&mut out, &args.logs, &end)?;
    }
    out.flush()?;
    Ok(Code::found(found))
}
