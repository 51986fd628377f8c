//! The whole-log result: every race report, crash and gc cycle of all inputs, joined and serialisable.
//!
//! `ParseReport` is the public JSON of `runbook parse --json` (issue 4) and the value later runbook steps
//! capture from (`{{crash.sites[0].file}}`), so its field names are a contract. The parse itself streams
//! (`stream.rs`); here what it found is put together, and what needs every input (user frames, sites, pairing)
//! is resolved, item by item, so `runbook parse` can do the same on reports it spooled to disk.

use super::frames::UserFrameRule;
use super::gctrace::{GcCycle, GcNeighbour};
use super::pairing::{buckets, distinct_sites, PairIndex, Pairing, RacingSite, RacingSites};
use super::problem::Problem;
use super::race::RaceReport;
use super::stream::{ParseSink, StreamEnd, StreamParser};
use super::timestamps::YearHint;
use super::traceback::{self, Crash};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct GcSection {
    pub cycles: Vec<GcCycle>,
    pub stw_ms_max: f64,
    pub stw_ms_sum: f64,
    pub neighbours: Vec<GcNeighbour>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ParseReport {
    pub inputs: Vec<String>,
    /// The format each input was shipped in (`plain`, `cri`, `journald-short`, …), parallel to `inputs`.
    #[serde(default)]
    pub formats: Vec<String>,
    /// The stream kept for each input when several were interleaved (a compose service, a syslog tag), parallel
    /// to `inputs`; `null` when every line was kept.
    #[serde(default)]
    pub streams: Vec<Option<String>>,
    pub races: Vec<RaceReport>,
    pub found_data_races: Option<u32>,
    pub sites: Vec<RacingSite>,
    pub crashes: Vec<Crash>,
    pub pairing: Vec<Pairing>,
    pub gc: GcSection,
    pub problems: Vec<Problem>,
    /// Between each goroutine dump and the next (two `debug=2` dumps, two SIGQUITs): the groups that grew or
    /// shrank (`golang::dump_diff`); empty with fewer than two dumps.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dump_changes: Vec<super::dump_diff::DumpChange>,
}

impl ParseReport {
    /// True when the inputs held any Go output worth a triage (exit code 0 of `runbook parse`).
    pub fn found_anything(&self) -> bool {
        !self.races.is_empty() || !self.crashes.is_empty() || !self.gc.cycles.is_empty()
    }

    /// The first crash (the one an incident is usually about).
    pub fn crash(&self) -> Option<&Crash> {
        self.crashes.first()
    }
}

/// Parses every input (name, raw bytes) into one report. Bytes that are not UTF-8 are replaced (U+FFFD).
pub fn parse_logs(inputs: &[(String, Vec<u8>)]) -> ParseReport {
    parse_logs_with(inputs, &[])
}

/// `parse_logs` with, per input, the year to give timestamps that have none (journald `short`, RFC 3164): the
/// caller knows the file's date; the parsers read no clock and no filesystem.
///
/// The same parse as `runbook parse` (`stream.rs`), collected in memory, and read the same way: a chunk at a
/// time. Read as one chunk, a 100 MB input cost a line vector of every line (32 bytes a line, millions of
/// lines) and ran at half the speed of `runbook parse`; a block longer than a chunk is carried without being
/// read twice (`stream::dump_runs_into_window`).
pub fn parse_logs_with(inputs: &[(String, Vec<u8>)], years: &[Option<YearHint>]) -> ParseReport {
    parse_logs_chunked(inputs, years, super::stream::CHUNK_BYTES)
}

/// `parse_logs_with` reading `chunk_bytes` at a time, in place (tests cross chunk boundaries everywhere with
/// small ones; `usize::MAX` reads each input whole).
pub fn parse_logs_chunked(inputs: &[(String, Vec<u8>)], years: &[Option<YearHint>], chunk_bytes: usize) -> ParseReport {
    parse_chunks(inputs, years, chunk_bytes, false)
}

/// `parse_logs_chunked` reading each input through a reader, as `runbook parse` reads a file.
pub fn parse_logs_read_chunked(
    inputs: &[(String, Vec<u8>)],
    years: &[Option<YearHint>],
    chunk_bytes: usize,
) -> ParseReport {
    parse_chunks(inputs, years, chunk_bytes, true)
}

fn parse_chunks(
    inputs: &[(String, Vec<u8>)],
    years: &[Option<YearHint>],
    chunk_bytes: usize,
    through_reader: bool,
) -> ParseReport {
    let mut parser = StreamParser::with_chunk_bytes(chunk_bytes);
    let mut found = Collected::default();
    for (index, (_, bytes)) in inputs.iter().enumerate() {
        let year = years.get(index).and_then(Option::as_ref);
        if bytes.len() <= chunk_bytes {
            parser.parse_bytes(bytes, year, &mut found);
        } else if through_reader {
            // As from a file: a buffer at a time, not the whole slice at once. Reading memory cannot fail.
            let reader = std::io::BufReader::with_capacity(chunk_bytes.min(1 << 20), std::io::Cursor::new(bytes));
            let _ = parser.parse_input(reader, year, &mut found);
        } else {
            parser.parse_memory(bytes, year, &mut found);
        }
    }
    let end = parser.finish(&mut found);
    let mut report = ParseReport {
        inputs: inputs.iter().map(|(name, _)| name.clone()).collect(),
        formats: end.inputs.iter().map(|i| i.format.as_str().to_string()).collect(),
        streams: end.inputs.iter().map(|i| i.stream.clone()).collect(),
        races: found.races,
        found_data_races: end.found_data_races,
        crashes: found.crashes,
        gc: GcSection {
            cycles: found.cycles,
            stw_ms_max: end.stw_ms_max,
            stw_ms_sum: end.stw_ms_sum,
            neighbours: found.neighbours,
        },
        ..ParseReport::default()
    };
    let mut resolver = Resolver::new(&end);
    for race in &mut report.races {
        resolver.race(race);
    }
    for crash in &mut report.crashes {
        resolver.crash(crash);
    }
    report.sites = resolver.sites();
    report.pairing = resolver.pairing;
    report.problems = end.problems;
    report.dump_changes = super::dump_diff::changes(&report.crashes);
    report
}

/// Everything found, kept in memory.
#[derive(Default)]
struct Collected {
    races: Vec<RaceReport>,
    crashes: Vec<Crash>,
    cycles: Vec<GcCycle>,
    neighbours: Vec<GcNeighbour>,
}

impl ParseSink for Collected {
    fn race(&mut self, race: RaceReport) {
        self.races.push(race);
    }
    fn crash(&mut self, crash: Crash) {
        self.crashes.push(crash);
    }
    fn cycle(&mut self, cycle: GcCycle) {
        self.cycles.push(cycle);
    }
    fn neighbour(&mut self, neighbour: GcNeighbour) {
        self.neighbours.push(neighbour);
    }
}

/// What needs every input, given to each race report and then each crash in the order they were found (pairing
/// needs every race first): their user frames and tests (`resolve_race`, `resolve_crash`), the racing sites and
/// the pairing. One for `parse_logs` and for the reports `runbook parse` spooled.
pub struct Resolver<'e> {
    rule: UserFrameRule,
    end: &'e StreamEnd,
    races: usize,
    crashes: usize,
    sites: RacingSites,
    pairs: PairIndex,
    /// The crashes given so far paired with the races.
    pub pairing: Vec<Pairing>,
}

impl<'e> Resolver<'e> {
    pub fn new(end: &'e StreamEnd) -> Self {
        Resolver {
            rule: UserFrameRule::new(end.goroots.clone()),
            end,
            races: 0,
            crashes: 0,
            sites: RacingSites::default(),
            pairs: PairIndex::default(),
            pairing: Vec::new(),
        }
    }

    /// The next race report.
    pub fn race(&mut self, race: &mut RaceReport) {
        resolve_race(&self.rule, self.end, self.races, race);
        self.sites.add(self.races, race);
        self.pairs.add(self.races, race);
        self.races += 1;
    }

    /// The next crash (after every race); returns its index among the crashes.
    pub fn crash(&mut self, crash: &mut Crash) -> usize {
        resolve_crash(&self.rule, self.end, crash);
        let index = self.crashes;
        let rule = &self.rule;
        self.pairing.extend(self.pairs.pairs(index, crash, |f| rule.is_user(f)));
        self.crashes += 1;
        index
    }

    /// The distinct racing sites of the races given.
    pub fn sites(&mut self) -> Vec<RacingSite> {
        std::mem::take(&mut self.sites).finish()
    }
}

/// What a race report gets once every input was read: its test, its user frames (which need the GOROOTs of
/// the whole log).
fn resolve_race(rule: &UserFrameRule, end: &StreamEnd, index: usize, race: &mut RaceReport) {
    if let Some(test) = end.tests.get(&index) {
        race.test = test.clone();
    }
    for a in &mut race.accesses {
        a.user_frame = rule.first_user_frame(&a.frames).cloned();
    }
    for g in &mut race.goroutines {
        g.user_frame = rule.first_user_frame(&g.created_at).cloned();
    }
}

/// What a crash gets once every input was read: user frames, goroutine buckets, sites; its time only when its
/// input had prefixes.
fn resolve_crash(rule: &UserFrameRule, end: &StreamEnd, crash: &mut Crash) {
    if !end.inputs.get(crash.input).is_some_and(|i| i.prefixed) {
        crash.time = None;
        crash.time_note = None;
    }
    for g in &mut crash.goroutines {
        g.user_frame = rule.first_user_frame(&g.frames).cloned();
    }
    crash.buckets = buckets(&crash.goroutines);
    // Where to look first: the crashing goroutine; in a goroutine dump, the largest group (where most
    // goroutines wait: a lock, a channel, a slow call).
    let focus_id = match crash.kind {
        traceback::CrashKind::Dump => crash.buckets.first().and_then(|b| b.ids.first().copied()),
        _ => crash.crashing_goroutine,
    };
    let focus =
        focus_id.and_then(|id| crash.goroutines.iter().find(|g| g.id == id)).or_else(|| crash.goroutines.first());
    if let Some(g) = focus {
        crash.user_frame = g.user_frame.clone();
        crash.sites = distinct_sites(g.frames.iter().filter(|f| rule.is_user(f))).into_iter().cloned().collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crash_starting_after_a_gc_piece_on_the_same_line() {
        let log = "gc 5 @0.1s 2%: 0.1+fatal error: concurrent map writes\n\ngoroutine 7 [running]:\nmain.f()\n\t/app/main.go:9 +0x1\n";
        let report = parse_logs(&[("x".to_string(), log.as_bytes().to_vec())]);
        assert_eq!(report.crashes.len(), 1);
        assert_eq!(report.crashes[0].message, "concurrent map writes");
        assert_eq!(report.crashes[0].crashing_goroutine, Some(7));
        assert_eq!(report.crashes[0].user_frame.as_ref().map(|f| f.line), Some(9));
        assert_eq!(report.problems.len(), 1, "the cut gc line is reported: {:?}", report.problems);
    }

    #[test]
    fn nothing_found_in_plain_text() {
        let report = parse_logs(&[("x".to_string(), b"hello\n\xff\xfe world\n".to_vec())]);
        assert!(!report.found_anything());
        assert!(report.problems.is_empty());
    }
}
