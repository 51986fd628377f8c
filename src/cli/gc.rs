//! `runbook gc LOG [--chart] [--json]`: the gctrace of a log as a table, a summary and a chart.
//!
//! Exit codes: 0 gc cycles found, 1 none, 2 the log could not be read.

use crate::golang::gctrace::{self, GcCycle, GcNeighbour};
use crate::golang::gcview::{render_chart, render_summary, render_table, summarize, GcSummary};
use crate::golang::Problem;
use serde::Serialize;

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
}

#[derive(Serialize)]
struct GcJson<'a> {
    input: &'a str,
    cycles: &'a [GcCycle],
    summary: GcSummary,
    neighbours: &'a [GcNeighbour],
    problems: Vec<&'a Problem>,
}

pub fn run(args: &GcArgs) -> i32 {
    // Streamed line by line: memory follows the number of cycles, not the size of the log.
    let parsed = if args.log == "-" {
        gctrace::parse_reader(std::io::stdin().lock())
    } else {
        std::fs::File::open(&args.log).and_then(|f| gctrace::parse_reader(std::io::BufReader::new(f)))
    };
    let trace = match parsed {
        Ok(trace) => trace,
        Err(e) => {
            eprintln!("runbook: cannot read {}: {e}", args.log);
            return 2;
        }
    };
    let cycles = &trace.cycles;
    let summary = summarize(cycles);
    if args.json {
        let doc = GcJson {
            input: &args.log,
            cycles,
            summary,
            neighbours: &trace.neighbours,
            problems: trace.problems.iter().collect(),
        };
        match serde_json::to_string_pretty(&doc) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("runbook: cannot serialise: {e}");
                return 2;
            }
        }
    } else if cycles.is_empty() {
        println!("no gctrace lines found (run the program with GODEBUG=gctrace=1)");
    } else {
        print!("{}", render_table(cycles));
        println!();
        print!("{}", render_summary(&summary));
        if args.chart {
            println!();
            print!("{}", render_chart(cycles, 72));
        }
    }
    if !args.json {
        // Also without cycles: a cut line (`gc /dev/zero`) is why nothing was found.
        for p in &trace.problems {
            println!("note: line {}: {}", p.line, p.message);
        }
    }
    if cycles.is_empty() {
        1
    } else {
        0
    }
}
