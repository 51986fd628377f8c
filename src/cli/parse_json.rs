//! The document of `runbook parse --json`, printed while the inputs are read: `gc` comes first so its cycles
//! (324,000 of them, 180 MB of the 182 MB document of a 100 MB log) go to standard output as they are found.
//!
//! Before (issue 17's first step) the document kept `ParseReport`'s key order, `gc` near the end, so the cycles
//! went to a temporary file and were copied out at the end: every byte through the page cache twice. The key order
//! is now `inputs`, `gc` {`cycles`, `stw_ms_max`, `stw_ms_sum`, `neighbours`}, then the keys that need the whole
//! input: `formats`, `streams`, `races`, `found_data_races`, `sites`, `crashes`, `pairing`, `problems`,
//! `dump_changes` (when there are any). Each value is printed as `serde_json::to_string_pretty` prints it inside
//! the document (`pretty_at.rs`, `gc_json.rs`), so the document reads back as the same `ParseReport`; only the
//! order of its keys differs from serde's. `ParseReport` itself keeps its order: journals' side files and `report`
//! serialise it too.
//!
//! The head is printed with the first cycle (or at the end), after every input was opened: an input that cannot
//! be opened prints nothing. An input that fails while being read, after cycles were printed, leaves the
//! document unfinished (the error on standard error, exit code 2).

use super::parse_spool::Spool;
use super::pretty_at::{close_array, copy_elements, write_array, write_small};
use crate::golang::dump_diff::ChangeTracker;
use crate::golang::gctrace::GcCycle;
use crate::golang::report::Resolver;
use crate::golang::stream::StreamEnd;
use crate::golang::{Crash, RaceReport};
use anyhow::Context as _;
use std::io::Write;

/// Printed cycles are written out past this many bytes: big enough that a write system call is rare, small
/// enough to stay in cache.
const CYCLE_BATCH: usize = 1 << 18;

impl<W: Write> Spool<W> {
    /// Prints `cycle` as the next element of `gc.cycles`, the document's head first if it is the first.
    pub(super) fn print_cycle(&mut self, cycle: &GcCycle) -> anyhow::Result<()> {
        self.start_document()?;
        self.printer.write(&mut self.cycles, cycle, Some(self.cycle_count == 0));
        if self.cycles.len() >= CYCLE_BATCH {
            self.write_cycles()?;
        }
        Ok(())
    }

    /// `{`, `inputs` and the opening of `gc.cycles`, once.
    fn start_document(&mut self) -> anyhow::Result<()> {
        if self.started {
            return Ok(());
        }
        self.started = true;
        let out = &mut self.out;
        write!(out, "{{\n  \"inputs\": ")?;
        write_small(out, &self.names, 1)?;
        write!(out, ",\n  \"gc\": {{\n    \"cycles\": [")?;
        Ok(())
    }

    /// The printed cycles, written past the neutralising writer: they are printable ASCII (numbers, booleans,
    /// fixed keys), so there is nothing to look for in them.
    fn write_cycles(&mut self) -> anyhow::Result<()> {
        self.out.flush()?;
        self.out.get_mut().write_plain(self.cycles.as_bytes())?;
        self.cycles.clear();
        Ok(())
    }

    /// The rest of the document, after the last input: what needs the whole input, resolved as it is read back.
    pub(crate) fn write_json(mut self, end: &StreamEnd) -> anyhow::Result<()> {
        self.take_failure()?;
        self.start_document()?;
        self.write_cycles()?;
        let out = &mut self.out;
        close_array(out, self.cycle_count > 0, 3)?;
        write!(out, ",\n    \"stw_ms_max\": {}", serde_json::to_string(&end.stw_ms_max)?)?;
        write!(out, ",\n    \"stw_ms_sum\": {}", serde_json::to_string(&end.stw_ms_sum)?)?;
        write!(out, ",\n    \"neighbours\": ")?;
        copy_elements(out, self.neighbours, 3)?;
        write!(out, "\n  }}")?;
        let formats: Vec<&str> = end.inputs.iter().map(|i| i.format.as_str()).collect();
        let streams: Vec<Option<&str>> = end.inputs.iter().map(|i| i.stream.as_deref()).collect();
        write!(out, ",\n  \"formats\": ")?;
        write_small(out, &formats, 1)?;
        write!(out, ",\n  \"streams\": ")?;
        write_small(out, &streams, 1)?;
        let mut resolver = Resolver::new(end);
        write!(out, ",\n  \"races\": ")?;
        write_array(out, self.races.into_reader()?, 2, |line| {
            let mut race: RaceReport = serde_json::from_str(line).context("cannot read back a race report")?;
            resolver.race(&mut race);
            Ok(race)
        })?;
        write!(out, ",\n  \"found_data_races\": {}", serde_json::to_string(&end.found_data_races)?)?;
        write!(out, ",\n  \"sites\": ")?;
        write_small(out, &resolver.sites(), 1)?;
        write!(out, ",\n  \"crashes\": ")?;
        let mut dumps = ChangeTracker::default();
        write_array(out, self.crashes.into_reader()?, 2, |line| {
            let mut crash: Crash = serde_json::from_str(line).context("cannot read back a crash")?;
            dumps.add(resolver.crash(&mut crash), &crash);
            Ok(crash)
        })?;
        write!(out, ",\n  \"pairing\": ")?;
        write_small(out, &resolver.pairing, 1)?;
        write!(out, ",\n  \"problems\": ")?;
        write_small(out, &end.problems, 1)?;
        if !dumps.changes.is_empty() {
            write!(out, ",\n  \"dump_changes\": ")?;
            write_small(out, &dumps.changes, 1)?;
        }
        writeln!(out, "\n}}")?;
        out.flush()?;
        Ok(())
    }
}
