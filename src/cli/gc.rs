//! `runbook gc LOG [--chart] [--json] [--limit SIZE]`: the gctrace of a log as a table, a summary and a chart, and
//! with `--limit` the heap against the memory limit the process ran under (`golang::gclimit`).
//!
//! Exit codes: 0 gc cycles found, 1 none, 2 the log could not be read.

use super::Code;
use crate::golang::gctrace::{self, GcCycle, GcNeighbour};
use crate::golang::gcview::{render_chart, render_summary, render_table, summarize, GcSummary};
use crate::golang::Problem;
use anyhow::Context as _;
use serde::Serialize;
use std::io::Write;

#[derive(Debug, Clone, clap::Args)]
pub struct GcArgs {
    /// Log file with GODEBUG=gctrace=1 output; `-` reads standard input.
    #[arg(value_name = "LOG")]
    pub log: String,
    /// Add a terminal chart of heap, goal and pauses.
    #[arg(long)]
    pub chart: bool,
    /// Print one JSON document (cycles, summary, problems).
    #[arg(long)]
    pub json: bool,
    /// The memory limit the process ran under (container limit or GOMEMLIMIT: 512MiB, 1Gi, 536870912): compare
    /// the heap goal and the live heap with it.
    #[arg(long, value_name = "SIZE", value_parser = parse_limit)]
    pub limit: Option<u64>,
}

fn parse_limit(text: &str) -> Result<u64, String> {
    crate::golang::gclimit::parse_size(text).ok_or_else(|| format!("`{text}` is not a size (512MiB, 1Gi, bytes)"))
}

#[derive(Serialize)]
struct GcJson<'a> {
    input: &'a str,
    cycles: &'a [GcCycle],
    summary: GcSummary,
    neighbours: &'a [GcNeighbour],
    problems: Vec<&'a Problem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<crate::golang::gclimit::LimitReport>,
}

pub fn run(args: &GcArgs) -> anyhow::Result<Code> {
    // Streamed line by line: memory follows the number of cycles, not the size of the log.
    let parsed = if args.log == "-" {
        gctrace::parse_reader(std::io::stdin().lock())
    } else {
        std::fs::File::open(&args.log).and_then(|f| gctrace::parse_reader(std::io::BufReader::new(f)))
    };
    let trace = parsed.with_context(|| format!("cannot read {}", args.log))?;
    let cycles = &trace.cycles;
    let mut out = crate::textsafe::stdout(args.json);
    let summary = summarize(cycles);
    let limit = args.limit.and_then(|bytes| crate::golang::gclimit::against_limit(cycles, bytes));
    if args.json {
        let doc = GcJson {
            input: &args.log,
            cycles,
            summary,
            neighbours: &trace.neighbours,
            problems: trace.problems.iter().collect(),
            limit,
        };
        let json = serde_json::to_string_pretty(&doc).context("cannot serialise")?;
        writeln!(out, "{json}")?;
    } else if cycles.is_empty() {
        writeln!(out, "no gctrace lines found (run the program with GODEBUG=gctrace=1)")?;
    } else {
        write!(out, "{}", render_table(cycles))?;
        writeln!(out)?;
        write!(out, "{}", render_summary(&summary))?;
        if let Some(limit) = &limit {
            write!(out, "{}", crate::golang::gclimit::render(limit))?;
        }
        if args.chart {
            writeln!(out)?;
            write!(out, "{}", render_chart(cycles, 72))?;
        }
    }
    if !args.json {
        // Also without cycles: a cut line (`gc /dev/zero`) is why nothing was found.
        for p in &trace.problems {
            writeln!(out, "note: line {}: {}", p.line, p.message)?;
        }
    }
    out.flush()?;
    Ok(Code::found(!cycles.is_empty()))
}
