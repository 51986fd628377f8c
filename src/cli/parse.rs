//! `runbook parse LOG... [--json]`: triage of Go output in logs (`-` reads stdin).
//!
//! Exit codes: 0 something found, 1 nothing found, 2 an input could not be read.

use super::Code;
use crate::golang::input::read_bounded;
use crate::golang::timestamps::YearHint;
use crate::golang::{parse_logs_with, summary};
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

/// Reads every input, in order.
pub(crate) fn read_inputs(paths: &[String]) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut inputs = Vec::with_capacity(paths.len());
    for path in paths {
        // Lines past 1 MiB are cut while reading (`golang::input`): `/dev/zero` must not exhaust memory.
        let bytes = if path == "-" {
            read_bounded(std::io::stdin().lock()).context("cannot read standard input")?
        } else {
            std::fs::File::open(path)
                .and_then(|f| read_bounded(std::io::BufReader::with_capacity(1 << 20, f)))
                .with_context(|| format!("cannot read {path}"))?
        };
        inputs.push((path.clone(), bytes));
    }
    Ok(inputs)
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
    let inputs = read_inputs(&args.logs)?;
    let report = parse_logs_with(&inputs, &year_hints(&args.logs));
    let mut out = crate::textsafe::stdout(args.json);
    if args.json {
        let json = serde_json::to_string_pretty(&report).context("cannot serialise the report")?;
        writeln!(out, "{json}")?;
    } else {
        write!(out, "{}", summary::render(&report))?;
    }
    out.flush()?;
    Ok(Code::found(report.found_anything()))
}
