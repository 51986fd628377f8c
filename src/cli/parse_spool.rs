//! `runbook parse` in bounded memory (issue 17): what the streaming parse finds goes to temporary files as it is
//! found, and the document is put together from them at the end.
//!
//! Race reports and crashes still need the whole input before they are final (their user frames depend on every
//! GOROOT in the log; a `go test` line may claim a report later; pairing needs every report), so they are spooled
//! as JSON lines and resolved one at a time while the document is written. gc cycles and neighbour lines are
//! final when found: they are spooled already in their place's pretty-printed form. The document keeps its key
//! order and bytes (`serde_json`'s pretty printer indents nested values by their depth, so a value printed alone
//! and indented is the same text), which the tests in `tests/golang_*` pin. The temporary files are unnamed, in
//! `$TMPDIR`, and gone when the process ends.

use super::gc_json::{write_cycle, write_neighbour};
use super::pretty_at::{copy_elements, copy_plain_elements, write_array, write_small, Spooled};
use crate::golang::dump_diff::ChangeTracker;
use crate::golang::frames::UserFrameRule;
use crate::golang::gctrace::{GcCycle, GcNeighbour};
use crate::golang::pairing::{PairIndex, RacingSites};
use crate::golang::report::{resolve_crash, resolve_race};
use crate::golang::stream::{ParseSink, StreamEnd};
use crate::golang::summary::{self, DistinctTests};
use crate::golang::{Crash, RaceReport};
use crate::textsafe::Terminal;
use anyhow::Context as _;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Seek, Write};

/// Where a streaming parse puts what it finds.
pub(crate) struct Spool {
    json: bool,
    races: Spooled,
    crashes: Spooled,
    cycles: Spooled,
    neighbours: Spooled,
    /// The processes of the gc cycles (text summary), counted without keeping the cycles.
    processes: u32,
    cycle_count: usize,
    failed: Option<anyhow::Error>,
}

impl Spool {
    pub(crate) fn new(json: bool) -> anyhow::Result<Self> {
        Ok(Spool {
            json,
            races: Spooled::new()?,
            crashes: Spooled::new()?,
            cycles: Spooled::new()?,
            neighbours: Spooled::new()?,
            processes: 0,
            cycle_count: 0,
            failed: None,
        })
    }

    fn keep(&mut self, result: anyhow::Result<()>) {
        if let (Err(e), None) = (result, &self.failed) {
            self.failed = Some(e);
        }
    }

    /// True when the inputs held any Go output worth a triage (exit code 0).
    pub(crate) fn found_anything(&self) -> bool {
        self.races.count > 0 || self.crashes.count > 0 || self.cycle_count > 0
    }

    /// The whole document of `parse --json`, as `serde_json::to_string_pretty(&ParseReport)` prints it.
    pub(crate) fn write_json<W: Write>(
        self,
        out: &mut BufWriter<Terminal<W>>,
        names: &[String],
        end: &StreamEnd,
    ) -> anyhow::Result<()> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        let formats: Vec<&str> = end.inputs.iter().map(|i| i.format.as_str()).collect();
        let streams: Vec<Option<&str>> = end.inputs.iter().map(|i| i.stream.as_deref()).collect();
        let rule = UserFrameRule::new(end.goroots.clone());
        write!(out, "{{\n  \"inputs\": ")?;
        write_small(out, &names, 1)?;
        write!(out, ",\n  \"formats\": ")?;
        write_small(out, &formats, 1)?;
        write!(out, ",\n  \"streams\": ")?;
        write_small(out, &streams, 1)?;
        write!(out, ",\n  \"races\": ")?;
        let mut sites = RacingSites::default();
        let mut pairs = PairIndex::default();
        let mut index = 0;
        write_array(out, self.races.into_reader()?, 2, |line| {
            let mut race: RaceReport = serde_json::from_str(line).context("cannot read back a race report")?;
            resolve_race(&rule, end, index, &mut race);
            sites.add(index, &race);
            pairs.add(index, &race);
            index += 1;
            Ok(race)
        })?;
        write!(out, ",\n  \"found_data_races\": {}", serde_json::to_string(&end.found_data_races)?)?;
        write!(out, ",\n  \"sites\": ")?;
        write_small(out, &sites.finish(), 1)?;
        write!(out, ",\n  \"crashes\": ")?;
        let mut pairing = Vec::new();
        let mut dumps = ChangeTracker::default();
        let mut index = 0;
        write_array(out, self.crashes.into_reader()?, 2, |line| {
            let mut crash: Crash = serde_json::from_str(line).context("cannot read back a crash")?;
            resolve_crash(&rule, end, &mut crash);
            pairing.extend(pairs.pairs(index, &crash, |f| rule.is_user(f)));
            dumps.add(index, &crash);
            index += 1;
            Ok(crash)
        })?;
        write!(out, ",\n  \"pairing\": ")?;
        write_small(out, &pairing, 1)?;
        write!(out, ",\n  \"gc\": {{\n    \"cycles\": ")?;
        copy_plain_elements(out, self.cycles, 3)?;
        write!(out, ",\n    \"stw_ms_max\": {}", serde_json::to_string(&end.stw_ms_max)?)?;
        write!(out, ",\n    \"stw_ms_sum\": {}", serde_json::to_string(&end.stw_ms_sum)?)?;
        write!(out, ",\n    \"neighbours\": ")?;
        copy_elements(out, self.neighbours, 3)?;
        write!(out, "\n  }},\n  \"problems\": ")?;
        write_small(out, &end.problems, 1)?;
        if !dumps.changes.is_empty() {
            write!(out, ",\n  \"dump_changes\": ")?;
            write_small(out, &dumps.changes, 1)?;
        }
        writeln!(out, "\n}}")?;
        Ok(())
    }

    /// The triage text of `parse`, as `golang::summary::render` prints it.
    pub(crate) fn write_text(self, out: &mut impl Write, names: &[String], end: &StreamEnd) -> anyhow::Result<()> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        let found = self.found_anything();
        let rule = UserFrameRule::new(end.goroots.clone());
        let mut text = String::new();
        let formats: Vec<String> = end.inputs.iter().map(|i| i.format.as_str().to_string()).collect();
        let streams: Vec<Option<String>> = end.inputs.iter().map(|i| i.stream.clone()).collect();
        summary::render_formats(&mut text, names, &formats, &streams);
        // Races first (pairing needs them), printed after the crashes as the summary orders them.
        let mut sites = RacingSites::default();
        let mut pairs = PairIndex::default();
        let mut tests = DistinctTests::default();
        let race_count = self.races.count;
        for (index, line) in self.races.into_reader()?.lines().enumerate() {
            let mut race: RaceReport = serde_json::from_str(&line?).context("cannot read back a race report")?;
            resolve_race(&rule, end, index, &mut race);
            sites.add(index, &race);
            pairs.add(index, &race);
            tests.add(race.test.as_deref());
        }
        let mut pairing = Vec::new();
        let mut dumps = ChangeTracker::default();
        for (index, line) in self.crashes.into_reader()?.lines().enumerate() {
            let mut crash: Crash = serde_json::from_str(&line?).context("cannot read back a crash")?;
            resolve_crash(&rule, end, &mut crash);
            pairing.extend(pairs.pairs(index, &crash, |f| rule.is_user(f)));
            dumps.add(index, &crash);
            summary::render_crash(&mut text, names, &crash);
            out.write_all(text.as_bytes())?;
            text.clear();
        }
        summary::render_dump_changes(&mut text, names, &dumps.changes, |i| dumps.places.get(&i).copied());
        summary::render_races(&mut text, race_count, end.found_data_races, &tests, &sites.finish());
        summary::render_pairing(&mut text, &pairing);
        summary::render_gc(&mut text, self.cycle_count, self.processes, end.stw_ms_max, end.stw_ms_sum);
        summary::render_problems(&mut text, names, &end.problems);
        if !found {
            summary::render_nothing_found(&mut text);
        }
        out.write_all(text.as_bytes())?;
        Ok(())
    }
}

impl ParseSink for Spool {
    fn race(&mut self, race: RaceReport) {
        let result = self.races.line(&race);
        self.keep(result);
    }

    fn crash(&mut self, crash: Crash) {
        let result = self.crashes.line(&crash);
        self.keep(result);
    }

    fn cycle(&mut self, cycle: GcCycle) {
        self.processes = self.processes.max(cycle.process);
        self.cycle_count += 1;
        if self.json {
            let result = self.cycles.element_by_hand(3, |buf| write_cycle(buf, &cycle, 3));
            self.keep(result);
        }
    }

    fn neighbour(&mut self, neighbour: GcNeighbour) {
        if self.json {
            let result = self.neighbours.element_by_hand(3, |buf| write_neighbour(buf, &neighbour, 3));
            self.keep(result);
        }
    }
}

/// Standard input copied to a temporary file: the parse reads some formats twice.
pub(crate) fn spool_stdin() -> anyhow::Result<BufReader<File>> {
    let mut file = tempfile::tempfile().context("cannot create a temporary file (set TMPDIR to a writable place)")?;
    std::io::copy(&mut std::io::stdin().lock(), &mut file).context("cannot read standard input")?;
    file.rewind()?;
    Ok(BufReader::with_capacity(1 << 20, file))
}
