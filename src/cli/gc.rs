//! `runbook gc LOG [--chart] [--json] [--limit SIZE]`: the gctrace of a log as a table, a summary and a chart, and
//! with `--limit` the heap against the memory limit the process ran under (`golang::gclimit`).
//!
//! Exit codes: 0 gc cycles found, 1 none, 2 the log could not be read.

use super::cycle_printer::{CyclePrinter, PrintBuf};
use super::gc_json::write_neighbour;
use super::pretty_at::{copy_elements, write_small, Spooled};
use super::Code;
use crate::golang::gctrace::{self, GcCycle, GcFound};
use crate::golang::gcview::{render_summary, render_table, GcChart, GcSummaryBuilder};
use anyhow::Context as _;
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
    #[arg(long, value_name = "SIZE", value_parser = crate::engine::size::parse)]
    pub limit: Option<u64>,
}

/// Cycles are printed as found, never kept: memory follows the chart's columns, the distinct pause values and
/// the problems, not the size of the log (issue 17).
pub fn run(args: &GcArgs) -> anyhow::Result<Code> {
    let file = if args.log == "-" {
        None
    } else {
        Some(std::fs::File::open(&args.log).with_context(|| format!("cannot read {}", args.log))?)
    };
    // Many small writes (a table row, a JSON field): buffered before the neutralising writer.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, crate::textsafe::stdout(args.json));
    let mut summary = GcSummaryBuilder::default();
    let mut chart = GcChart::new(72);
    let mut neighbours = Spooled::new()?;
    let mut failed: Option<anyhow::Error> = None;
    let mut cycles = 0usize;
    // `--limit` compares the last process's cycles with the limit: only those are kept, and only then.
    let mut limit_cycles: Vec<GcCycle> = Vec::new();
    let printer = CyclePrinter::new(2);
    let mut element = PrintBuf::with_capacity(4096);
    if args.json {
        write!(out, "{{\n  \"input\": {},\n  \"cycles\": [", serde_json::to_string(&args.log)?)?;
    }
    let mut on_found = |found: GcFound| {
        let result = match found {
            GcFound::Cycle(cycle) => {
                summary.add(&cycle);
                chart.add(&cycle);
                cycles += 1;
                if args.limit.is_some() {
                    if limit_cycles.last().is_some_and(|c| c.process != cycle.process) {
                        limit_cycles.clear();
                    }
                    limit_cycles.push(cycle.clone());
                }
                if args.json {
                    write_element(&mut out, &printer, &mut element, &cycle, cycles == 1)
                } else {
                    write_row(&mut out, &cycle, cycles == 1)
                }
            }
            GcFound::Neighbour(n) if args.json => neighbours.element_by_hand(2, |buf| write_neighbour(buf, &n, 2)),
            GcFound::Neighbour(_) => Ok(()),
        };
        if let (Err(e), None) = (result, &failed) {
            failed = Some(e);
        }
    };
    let trace = match file {
        None => gctrace::stream_reader(std::io::stdin().lock(), &mut on_found),
        Some(f) => gctrace::stream_reader(std::io::BufReader::with_capacity(1 << 16, f), &mut on_found),
    };
    let trace = trace.with_context(|| format!("cannot read {}", args.log))?;
    if let Some(e) = failed {
        return Err(e);
    }
    let summary = summary.finish();
    let limit = args.limit.and_then(|bytes| crate::golang::gclimit::against_limit(&limit_cycles, bytes));
    if args.json {
        if cycles > 0 {
            out.write_all(b"\n  ]")?;
        } else {
            out.write_all(b"]")?;
        }
        write!(out, ",\n  \"summary\": ")?;
        write_small(&mut out, &summary, 1)?;
        write!(out, ",\n  \"neighbours\": ")?;
        copy_elements(&mut out, neighbours, 2)?;
        write!(out, ",\n  \"problems\": ")?;
        write_small(&mut out, &trace.problems, 1)?;
        if let Some(limit) = &limit {
            write!(out, ",\n  \"limit\": ")?;
            write_small(&mut out, limit, 1)?;
        }
        writeln!(out, "\n}}")?;
    } else if cycles == 0 {
        writeln!(out, "no gctrace lines found (run the program with GODEBUG=gctrace=1)")?;
    } else {
        writeln!(out)?;
        write!(out, "{}", render_summary(&summary))?;
        if let Some(limit) = &limit {
            write!(out, "{}", crate::golang::gclimit::render(limit))?;
        }
        if args.chart {
            writeln!(out)?;
            write!(out, "{}", chart.render())?;
        }
    }
    if !args.json {
        // Also without cycles: a cut line (`gc /dev/zero`) is why nothing was found.
        for p in &trace.problems {
            writeln!(out, "note: line {}: {}", p.line, p.message)?;
        }
    }
    out.flush()?;
    Ok(Code::found(cycles > 0))
}

/// One cycle of the JSON document's `cycles`, as the whole document printed it (by hand: `cycle_printer`),
/// printed into `buf` first (reused: no allocation per cycle).
fn write_element(
    out: &mut impl Write,
    printer: &CyclePrinter,
    buf: &mut PrintBuf,
    cycle: &GcCycle,
    first: bool,
) -> anyhow::Result<()> {
    buf.clear();
    printer.write(buf, cycle, Some(first));
    out.write_all(buf.as_bytes())?;
    Ok(())
}

/// One row of the table (its header before the first).
fn write_row(out: &mut impl Write, cycle: &GcCycle, first: bool) -> anyhow::Result<()> {
    let table = render_table(std::slice::from_ref(cycle));
    let row = if first { table.as_str() } else { table.split_once('\n').map_or("", |(_, row)| row) };
    out.write_all(row.as_bytes())?;
    Ok(())
}
