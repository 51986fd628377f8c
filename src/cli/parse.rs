//! `runbook parse LOG... [--json]`: triage of Go output in logs (`-` reads stdin).
//!
//! Exit codes: 0 something found, 1 nothing found, 2 an input could not be read.

use super::Code;
use crate::golang::{parse_logs, summary};
use anyhow::Context as _;
use std::io::{Read, Write};

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
        let bytes = if path == "-" {
            let mut buf = Vec::new();
            std::io::stdin().lock().read_to_end(&mut buf).context("cannot read standard input")?;
            buf
        } else {
            std::fs::read(path).with_context(|| format!("cannot read {path}"))?
        };
        inputs.push((path.clone(), bytes));
    }
    Ok(inputs)
}

pub fn run(args: &ParseArgs) -> anyhow::Result<Code> {
    let inputs = read_inputs(&args.logs)?;
    let report = parse_logs(&inputs);
    let mut out = std::io::stdout().lock();
    if args.json {
        let json = serde_json::to_string_pretty(&report).context("cannot serialise the report")?;
        writeln!(out, "{json}")?;
    } else {
        write!(out, "{}", summary::render(&report))?;
    }
    out.flush()?;
    Ok(Code::found(report.found_anything()))
}
