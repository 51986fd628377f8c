//! `runbook parse` in bounded memory (issue 17): what the streaming parse finds is printed or spooled to
//! temporary files as it is found, and the rest of the document is put together from them at the end.
//!
//! Race reports and crashes need the whole input before they are final (their user frames depend on every
//! GOROOT in the log; a `go test` line may claim a report later; pairing needs every report), so they are spooled
//! as JSON lines and resolved one at a time while the end of the document is written. gc cycles are final when
//! found: `parse --json` prints `gc` first and its cycles straight to standard output (`parse_json.rs`), neighbour
//! lines are spooled already in their pretty-printed form. The temporary files are unnamed, in `$TMPDIR`, and gone
//! when the process ends.

use super::cycle_printer::{CyclePrinter, PrintBuf};
use super::gc_json::write_neighbour;
use super::pretty_at::Spooled;
use crate::golang::dump_diff::ChangeTracker;
use crate::golang::gctrace::{GcCycle, GcNeighbour};
use crate::golang::report::Resolver;
use crate::golang::stream::{ParseSink, StreamEnd};
use crate::golang::summary::{self, DistinctTests};
use crate::golang::{Crash, RaceReport};
use crate::textsafe::Terminal;
use anyhow::Context as _;
use std::cell::Cell;
use std::fs::File;
use std::io::{self, BufRead, BufWriter, Read, Seek, Write};
use std::rc::Rc;

/// Where a streaming parse puts what it finds, and the output it ends in.
pub(crate) struct Spool<W: Write> {
    /// Standard output, buffered before the neutralising writer: the document's pieces are small writes.
    pub(super) out: BufWriter<Terminal<W>>,
    pub(super) json: bool,
    pub(super) names: Vec<String>,
    pub(super) races: Spooled,
    pub(super) crashes: Spooled,
    pub(super) neighbours: Spooled,
    /// `--json`: cycles printed and not yet written (`parse_json.rs`), and their printer.
    pub(super) cycles: PrintBuf,
    pub(super) printer: CyclePrinter,
    /// `--json`: whether the document's head (up to `"cycles": [`) is printed.
    pub(super) started: bool,
    /// The processes of the gc cycles (text summary), counted without keeping the cycles.
    processes: u32,
    pub(super) cycle_count: usize,
    failed: Option<anyhow::Error>,
    /// Set with `failed`: the inputs stop being read (`UntilFailed`), so a closed standard output ends the parse.
    stop: Rc<Cell<bool>>,
}

impl<W: Write> Spool<W> {
    pub(crate) fn new(out: BufWriter<Terminal<W>>, json: bool, names: &[String]) -> anyhow::Result<Self> {
        Ok(Spool {
            out,
            json,
            names: names.to_vec(),
            races: Spooled::new()?,
            crashes: Spooled::new()?,
            neighbours: Spooled::new()?,
            cycles: PrintBuf::with_capacity(if json { 1 << 18 } else { 0 }),
            printer: CyclePrinter::new(3),
            started: false,
            processes: 0,
            cycle_count: 0,
            failed: None,
            stop: Rc::default(),
        })
    }

    fn keep(&mut self, result: anyhow::Result<()>) {
        if let (Err(e), None) = (result, &self.failed) {
            self.failed = Some(e);
            self.stop.set(true);
        }
    }

    /// The first error met while spooling or printing, if any (then the document is not finished).
    pub(crate) fn take_failure(&mut self) -> anyhow::Result<()> {
        self.failed.take().map_or(Ok(()), Err)
    }

    /// `input`, read until spooling or printing fails.
    pub(crate) fn until_failed<R>(&self, input: R) -> UntilFailed<R> {
        UntilFailed { inner: input, stop: Rc::clone(&self.stop) }
    }

    /// True when the inputs held any Go output worth a triage (exit code 0).
    pub(crate) fn found_anything(&self) -> bool {
        self.races.count > 0 || self.crashes.count > 0 || self.cycle_count > 0
    }

    /// The triage text of `parse`, as `golang::summary::render` prints it.
    pub(crate) fn write_text(mut self, end: &StreamEnd) -> anyhow::Result<()> {
        self.take_failure()?;
        let found = self.found_anything();
        let out = &mut self.out;
        let names = &self.names;
        let mut resolver = Resolver::new(end);
        let mut text = String::new();
        let formats: Vec<String> = end.inputs.iter().map(|i| i.format.as_str().to_string()).collect();
        let streams: Vec<Option<String>> = end.inputs.iter().map(|i| i.stream.clone()).collect();
        summary::render_formats(&mut text, names, &formats, &streams);
        // Races first (pairing needs them), printed after the crashes as the summary orders them.
        let mut tests = DistinctTests::default();
        let race_count = self.races.count;
        for line in self.races.into_reader()?.lines() {
            let mut race: RaceReport = serde_json::from_str(&line?).context("cannot read back a race report")?;
            resolver.race(&mut race);
            tests.add(race.test.as_deref());
        }
        let mut dumps = ChangeTracker::default();
        for line in self.crashes.into_reader()?.lines() {
            let mut crash: Crash = serde_json::from_str(&line?).context("cannot read back a crash")?;
            dumps.add(resolver.crash(&mut crash), &crash);
            summary::render_crash(&mut text, names, &crash);
            out.write_all(text.as_bytes())?;
            text.clear();
        }
        summary::render_dump_changes(&mut text, names, &dumps.changes, |i| dumps.places.get(&i).copied());
        summary::render_races(&mut text, race_count, end.found_data_races, &tests, &resolver.sites());
        summary::render_pairing(&mut text, &resolver.pairing);
        summary::render_gc(&mut text, self.cycle_count, self.processes, end.stw_ms_max, end.stw_ms_sum);
        summary::render_problems(&mut text, names, &end.problems);
        if !found {
            summary::render_nothing_found(&mut text);
        }
        out.write_all(text.as_bytes())?;
        out.flush()?;
        Ok(())
    }
}

impl<W: Write> ParseSink for Spool<W> {
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
        if self.json && self.failed.is_none() {
            let result = self.print_cycle(&cycle);
            self.keep(result);
        }
        self.cycle_count += 1;
    }

    fn neighbour(&mut self, neighbour: GcNeighbour) {
        if self.json {
            let result = self.neighbours.element_by_hand(3, |buf| write_neighbour(buf, &neighbour, 3));
            self.keep(result);
        }
    }
}

/// An input that reads as failed once printing the document has failed (standard output closed by its reader:
/// `runbook parse --json big.log | head`): the parse stops instead of reading the rest of the log for nothing.
pub(crate) struct UntilFailed<R> {
    inner: R,
    stop: Rc<Cell<bool>>,
}

impl<R> UntilFailed<R> {
    fn check(&self) -> io::Result<()> {
        if self.stop.get() {
            return Err(io::Error::other("stopped: the output failed"));
        }
        Ok(())
    }
}

impl<R: Read> Read for UntilFailed<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.check()?;
        self.inner.read(buf)
    }
}

impl<R: BufRead> BufRead for UntilFailed<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.check()?;
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        self.inner.consume(amount);
    }
}

impl<R: Seek> Seek for UntilFailed<R> {
    fn seek(&mut self, pos: io::SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// Standard input copied to a temporary file: the parse reads some formats twice.
pub(crate) fn spool_stdin() -> anyhow::Result<File> {
    let mut file = tempfile::tempfile().context("cannot create a temporary file (set TMPDIR to a writable place)")?;
    std::io::copy(&mut std::io::stdin().lock(), &mut file).context("cannot read standard input")?;
    file.rewind()?;
    Ok(file)
}
