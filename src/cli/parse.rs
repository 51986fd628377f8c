//! `runbook parse LOG... [--json]`: triage of Go output in logs (`-` reads stdin).
//!
//! Exit codes: 0 something found, 1 nothing found, 2 an input could not be read.

use crate::golang::input::read_bounded;
use crate::golang::{parse_logs, summary};

#[derive(Debug, Clone, clap::Args)]
pub struct ParseArgs {
    /// Log files to read, in order; `-` reads standard input.
    #[arg(required = true, value_name = "LOG")]
    pub logs: Vec<String>,
    /// Print one JSON document for all inputs instead of the triage summary.
    #[arg(long)]
    pub json: bool,
}

/// Reads every input; on failure returns the message for stderr.
pub(crate) fn read_inputs(paths: &[String]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut inputs = Vec::with_capacity(paths.len());
    for path in paths {
        // Lines past 1 MiB are cut while reading (`golang::input`): `/dev/zero` must not exhaust memory.
        let bytes = if path == "-" {
            read_bounded(std::io::stdin().lock()).map_err(|e| format!("runbook: cannot read standard input: {e}"))?
        } else {
            std::fs::File::open(path)
                .and_then(|f| read_bounded(std::io::BufReader::new(f)))
                .map_err(|e| format!("runbook: cannot read {path}: {e}"))?
        };
        inputs.push((path.clone(), bytes));
    }
    Ok(inputs)
}

pub fn run(args: &ParseArgs) -> i32 {
    let inputs = match read_inputs(&args.logs) {
        Ok(inputs) => inputs,
        Err(message) => {
            eprintln!("{message}");
            return 2;
        }
    };
    let report = parse_logs(&inputs);
    if args.json {
        match serde_json::to_string_pretty(&report) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("runbook: cannot serialise the report: {e}");
                return 2;
            }
        }
    } else {
        print!("{}", summary::render(&report));
    }
    if report.found_anything() {
        0
    } else {
        1
    }
}
