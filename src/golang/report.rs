//! The whole-log result: every race report, crash and gc cycle of all inputs, joined and serialisable.
//!
//! `ParseReport` is the public JSON of `runbook parse --json` (issue 4) and the value later runbook steps
//! capture from (`{{crash.sites[0].file}}`), so its field names are a contract. One pass over each input's
//! lines dispatches to the block parsers; the gctrace parser sees every line first, because application output
//! and gc pieces share lines, and hands back what is not gc output.

use super::formats;
use super::frames::{detect_goroots, UserFrameRule};
use super::gctrace::{GcCycle, GcNeighbour, GcTraceParser};
use super::input::CUT_MESSAGE;
use super::pairing::{buckets, distinct_sites, pair, racing_sites, Pairing, RacingSite};
use super::prefix::LogLine;
use super::problem::{Problem, ProblemKind};
use super::race::{self, RaceReport};
use super::timestamps::{time_of_line, YearHint};
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
pub fn parse_logs_with(inputs: &[(String, Vec<u8>)], years: &[Option<YearHint>]) -> ParseReport {
    let mut report = ParseReport::default();
    let mut gc = GcTraceParser::default();
    let mut test_tracker = TestTracker::default();
    for (index, (name, bytes)) in inputs.iter().enumerate() {
        report.inputs.push(name.clone());
        let text = super::prefix::lossy(bytes);
        let unwrapped = formats::unwrap(&text);
        report.formats.push(unwrapped.format.as_str().to_string());
        report.streams.push(unwrapped.stream);
        for &line in &unwrapped.cut_lines {
            report.problems.push(Problem::new(ProblemKind::Truncated, index, line, CUT_MESSAGE));
        }
        let (format, prefixed, lines) = (unwrapped.format, unwrapped.prefixed, unwrapped.lines);
        gc.start_input(index);
        let crashes_before = report.crashes.len();
        parse_input(&lines, index, &mut report, &mut gc, &mut test_tracker);
        if prefixed {
            let year = years.get(index).and_then(Option::as_ref);
            let crashes = report.crashes.get_mut(crashes_before..).unwrap_or_default();
            date_crashes(&text, format, year, crashes);
        }
        test_tracker = TestTracker::default();
    }
    let trace = gc.finish();
    report.gc = GcSection {
        cycles: trace.cycles,
        stw_ms_max: trace.stw_ms_max,
        stw_ms_sum: trace.stw_ms_sum,
        neighbours: trace.neighbours,
    };
    report.problems.extend(trace.problems);
    report.problems.sort_by_key(|p| (p.input, p.line));
    resolve_user_frames(&mut report);
    report.dump_changes = super::dump_diff::changes(&report.crashes);
    report
}

fn parse_input(
    lines: &[LogLine<'_>],
    input: usize,
    report: &mut ParseReport,
    gc: &mut GcTraceParser,
    tests: &mut TestTracker,
) {
    let mut i = 0;
    while let Some(line) = lines.get(i) {
        let rest = gc.feed(line.number, &line.text);
        if rest.is_empty() {
            i += 1;
            continue;
        }
        if race::starts_report(lines, i) && rest.len() == line.text.len() {
            let (mut race, next) = race::parse_report(lines, i, input, &mut report.problems);
            race.running_test = tests.running.clone();
            report.races.push(race);
            tests.unclaimed.push(report.races.len() - 1);
            // Only a `--- FAIL:` printed after this report can own it.
            tests.failing.clear();
            i = next.max(i + 1);
            continue;
        }
        // A goroutine dump without a crash header counts only from a whole line: inside a crash the goroutines
        // belong to it (parse_crash consumed them).
        // Trimmed: a dump indented as a whole, or shifted by a space, is still a dump.
        let trimmed = super::prefix::trim_ws(rest);
        let bare_dump = rest.len() == line.text.len() && traceback::starts_goroutine(trimmed);
        if bare_dump || traceback::starts_crash(trimmed) {
            // A crash can start in the middle of a line (after a gc piece): parse from the remainder.
            let (crash, next) = traceback::parse_crash_from(lines, i, rest, input, &mut report.problems);
            report.crashes.push(crash);
            i = next.max(i + 1);
            continue;
        }
        if let Some(n) = race::parse_found_line(rest) {
            report.found_data_races = Some(report.found_data_races.unwrap_or(0) + n);
        } else {
            tests.observe(rest, &mut report.races);
        }
        i += 1;
    }
}

/// Gives each crash the time on its header line in the file, in one pass over the raw lines.
fn date_crashes(text: &str, format: formats::LogFormat, year: Option<&YearHint>, crashes: &mut [Crash]) {
    use formats::LogFormat::{CloudLogging, Cloudwatch, Compose, Structured};
    if crashes.is_empty() || matches!(format, Compose | Structured | CloudLogging | Cloudwatch) {
        return;
    }
    let mut wanted: Vec<(usize, usize)> = crashes.iter().enumerate().map(|(i, c)| (c.line, i)).collect();
    wanted.sort_unstable();
    let mut next = wanted.iter().peekable();
    for (index, raw) in text.split('\n').enumerate() {
        while let Some(&&(line, crash)) = next.peek() {
            if line != index + 1 {
                break;
            }
            next.next();
            if let (Some(c), Some((time, note))) = (crashes.get_mut(crash), time_of_line(format, raw, year)) {
                c.time = Some(time);
                c.time_note = note;
            }
        }
        if next.peek().is_none() {
            break;
        }
    }
}

/// Gives `go test` race reports their test: races print before the `--- FAIL: Name` line of their test, and
/// the `testing.go:N: race detected during execution of test` line below it claims them.
#[derive(Default)]
struct TestTracker {
    running: Option<String>,
    /// `--- FAIL:` names by indentation depth, most recent per depth.
    failing: Vec<(usize, String)>,
    unclaimed: Vec<usize>,
}

impl TestTracker {
    fn observe(&mut self, line: &str, races: &mut [RaceReport]) {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let trimmed = line.trim_start_matches(' ');
        if let Some(name) = trimmed.strip_prefix("=== RUN").or_else(|| trimmed.strip_prefix("=== CONT")) {
            let name = name.trim();
            self.running = (!name.is_empty()).then(|| name.to_string());
        } else if let Some(rest) = trimmed.strip_prefix("--- FAIL: ") {
            let name = rest.split(" (").next().unwrap_or(rest).to_string();
            self.failing.retain(|(depth, _)| *depth < indent);
            self.failing.push((indent, name));
        } else if trimmed.ends_with(": race detected during execution of test") && trimmed.starts_with("testing.go:") {
            let owner = self.failing.iter().rev().find(|(depth, _)| *depth + 4 == indent).map(|(_, name)| name.clone());
            for index in self.unclaimed.drain(..) {
                if let Some(race) = races.get_mut(index) {
                    race.test = owner.clone().or_else(|| race.running_test.clone());
                }
            }
        }
    }
}

/// User frames need the GOROOTs of the whole log, so they are filled in after parsing.
fn resolve_user_frames(report: &mut ParseReport) {
    let race_files = report.races.iter().flat_map(|r| r.accesses.iter()).flat_map(|a| a.frames.iter());
    let crash_files = report.crashes.iter().flat_map(|c| c.goroutines.iter()).flat_map(|g| g.frames.iter());
    let goroots = detect_goroots(race_files.chain(crash_files).map(|f| f.file.as_str()));
    let rule = UserFrameRule::new(goroots);
    for race in &mut report.races {
        for a in &mut race.accesses {
            a.user_frame = rule.first_user_frame(&a.frames).cloned();
        }
        for g in &mut race.goroutines {
            g.user_frame = rule.first_user_frame(&g.created_at).cloned();
        }
    }
    for crash in &mut report.crashes {
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
    report.sites = racing_sites(&report.races);
    report.pairing = pair(&report.races, &report.crashes, |f| rule.is_user(f));
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
