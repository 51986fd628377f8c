//! `runbook parse LOG... [--json]`: triage of Go output in logs (`-` reads stdin).
//!
//! Exit codes: 0 something found, 1 nothing found, 2 an input could not be read.

use super::parse_spool::{spool_stdin, Spool};
use super::Code;
use crate::golang::stream::StreamParser;
use crate::golang::timestamps::YearHint;
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

/// The year for timestamps that have none (journald `short`, RFC 3164): the file's modification date, or the
/// session's date for standard input. UTC: a log near New Year may be off by one, and the note says where the
/// year came from.
fn year_hints(paths: &[String]) -> Vec<Option<YearHint>> {
    let year_of = |time: std::time::SystemTime| {
        let secs = time.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
        let days = i64::try_from(secs / 86_400).ok()?;
        Some(crate::timefmt::civil_from_days(days).0)
    };
    paths
        .iter()
        .map(|path| {
            let (time, source) = if path == "-" {
                (Some(std::time::SystemTime::now()), "the session's date")
            } else {
                (std::fs::metadata(path).and_then(|m| m.modified()).ok(), "the file's date")
            };
            time.and_then(year_of).map(|year| YearHint { year, source: source.to_string() })
        })
        .collect()
}

pub fn run(args: &ParseArgs) -> anyhow::Result<Code> {
    let years = year_hints(&args.logs);
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
    let mut out = crate::textsafe::stdout(args.json);
    if args.json {
        spool.write_json(&mut out, &args.logs, &end)?;
    } else {
        spool.write_text(&mut out, &args.logs, &end)?;
    }
    out.flush()?;
    Ok(Code::found(found))
}
