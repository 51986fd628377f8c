//! What failed, read from the evidence: the message, the map operation, the crashing goroutine and its service
//! frames (mapped to the repository when one is known), other goroutines probably on the same map, the Go version
//! and the crash time. `runbook triage` prints it; `--json` emits it as `"triage"` (field names: docs/cli.md).
//!
//! "Service" frames are the user's frames (not the toolchain's, see `golang::frames`) that are the service's own:
//! with a repository, the ones that map into it; without, the ones outside a module cache or `vendor/`.

use super::triage_clues::{go_version, timestamp_of_line, GoVersion};
use crate::golang::frames::{detect_goroots, UserFrameRule};
use crate::golang::traceback::map_op_of_func;
use crate::golang::{Crash, CrashKind, Frame, Goroutine, MapOp, ParseReport};
use crate::locate::{MappedPath, PathMapper};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceFrame {
    pub func: String,
    /// As the evidence printed it (the build machine's path).
    pub file: String,
    pub line: u32,
    /// The repository's file, and the rewrite that found it; `null` without a repository or when none fits.
    pub mapped: Option<MappedPath>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OtherGoroutine {
    pub id: u64,
    pub state: String,
    pub frame: ServiceFrame,
    /// Why it is probably on the same map (a trace does not name maps): `same function` or `map operation: F`.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RacingSite {
    pub kinds: Vec<String>,
    #[serde(flatten)]
    pub frame: ServiceFrame,
}

/// A group of goroutines waiting in the same place (a bucket of a goroutine dump, a SIGQUIT or an "all asleep"
/// crash): how many, on what, where in the service, how long, and how many there were in the dump before.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WaitingGroup {
    pub count: usize,
    pub state: String,
    /// Where in the service they wait; `null` for the toolchain's own goroutines.
    pub frame: Option<ServiceFrame>,
    pub max_wait_minutes: Option<u64>,
    /// Its size in the previous dump when the logs hold two dumps apart; `null` with one dump.
    pub before: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Location {
    pub input: String,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Triage {
    /// `fatal error`, `panic`, `signal`, `goroutine dump`, or `data race` when only race reports were found;
    /// `null` when the logs hold no Go failure.
    pub failure: Option<String>,
    pub message: Option<String>,
    /// `read`, `write`, `iterate` or `clone`.
    pub operation: Option<MapOp>,
    /// Where the failure starts in the logs.
    pub at: Option<Location>,
    /// The log shipper's timestamp on that line, as written.
    pub crash_time: Option<String>,
    pub goroutine: Option<u64>,
    /// The first service frame of the crashing goroutine (of the first race access without a crash).
    pub service_frame: Option<ServiceFrame>,
    /// All service frames of that goroutine, innermost first.
    pub service_frames: Vec<ServiceFrame>,
    pub same_map: Vec<OtherGoroutine>,
    /// For a failure with no map operation and several goroutines (a dump, SIGQUIT, all asleep): the largest
    /// groups of goroutines waiting in the same place, at most 5.
    pub waiting: Vec<WaitingGroup>,
    pub race_reports: usize,
    pub racing_sites: Vec<RacingSite>,
    pub go_version: Option<GoVersion>,
    /// The repository the paths were mapped into, and its module path.
    pub repo: Option<String>,
    pub module: Option<String>,
}

struct Frames<'a> {
    rule: UserFrameRule,
    mapper: Option<&'a PathMapper>,
}

impl Frames<'_> {
    fn service(&self, frame: &Frame) -> Option<ServiceFrame> {
        if !self.rule.is_user(frame) {
            return None;
        }
        let mapped = self.mapper.and_then(|m| m.map(&frame.file));
        let dependency = frame.file.contains("/pkg/mod/") || frame.file.contains("/vendor/");
        let ours = match self.mapper {
            Some(_) if mapped.is_some() => true,
            _ => !dependency,
        };
        ours.then(|| ServiceFrame { func: frame.func.clone(), file: frame.file.clone(), line: frame.line, mapped })
    }

    fn all(&self, frames: &[Frame]) -> Vec<ServiceFrame> {
        frames.iter().filter_map(|f| self.service(f)).collect()
    }
}

/// The triage of parsed logs; `inputs` are the raw logs (for the shipper's timestamps), `mapper` the repository.
pub fn triage(report: &ParseReport, inputs: &[(String, Vec<u8>)], mapper: Option<&PathMapper>) -> Triage {
    let all_files = report
        .crashes
        .iter()
        .flat_map(|c| c.goroutines.iter().flat_map(|g| g.frames.iter()))
        .chain(report.races.iter().flat_map(|r| r.accesses.iter().flat_map(|a| a.frames.iter())))
        .map(|f| f.file.as_str());
    let frames = Frames { rule: UserFrameRule::new(detect_goroots(all_files)), mapper };
    let mut triage = Triage {
        race_reports: report.races.len(),
        racing_sites: report
            .sites
            .iter()
            .filter_map(|s| {
                let frame = Frame { func: s.func.clone(), file: s.file.clone(), line: s.line, inlined: false };
                let kinds = s.kinds.iter().map(|k| k.as_str().to_string()).collect();
                frames.service(&frame).map(|frame| RacingSite { kinds, frame })
            })
            .collect(),
        go_version: go_version(report),
        repo: mapper.map(|m| m.root().to_string()),
        module: mapper.and_then(|m| m.module().map(str::to_string)),
        ..Triage::default()
    };
    let name_of = |input: usize| inputs.get(input).map(|(name, _)| name.clone()).unwrap_or_default();
    let time_of = |input: usize, line: usize| inputs.get(input).and_then(|(_, raw)| timestamp_of_line(raw, line));
    // A crash first; else the latest goroutine dump (of several taken apart, the process as it is now).
    let index = report.crashes.iter().position(|c| c.kind != CrashKind::Dump);
    let index = index.or(report.crashes.len().checked_sub(1));
    if let Some((index, crash)) = index.and_then(|i| Some((i, report.crashes.get(i)?))) {
        triage.failure = Some(crash.kind.as_str().to_string());
        triage.message = Some(crash.message.clone());
        triage.operation = crash.map_op;
        triage.at = Some(Location { input: name_of(crash.input), line: crash.line });
        // The parser's time first (it reads every shipper's format and infers a missing year, saying so).
        triage.crash_time = match &crash.time {
            Some(time) => Some(match &crash.time_note {
                Some(note) => format!("{time} ({note})"),
                None => time.clone(),
            }),
            None => time_of(crash.input, crash.line),
        };
        triage.goroutine = crash.crashing_goroutine;
        let crashing = crashing_goroutine(crash);
        triage.service_frames = crashing.map(|g| frames.all(&g.frames)).unwrap_or_default();
        triage.service_frame = triage.service_frames.first().cloned();
        // Only a map failure has a map to share; a dump's waiters in one function are its buckets' business.
        if crash.map_op.is_some() {
            triage.same_map = same_map(crash, crashing, triage.service_frame.as_ref(), &frames);
        } else if crash.goroutines.len() > 1 {
            triage.waiting = waiting(report, index, &frames);
        }
    } else if let Some(first) = report.races.first() {
        triage.failure = Some("data race".to_string());
        triage.message = Some("WARNING: DATA RACE".to_string());
        triage.at = Some(Location { input: name_of(first.input), line: first.line });
        triage.crash_time = time_of(first.input, first.line);
        // The access that says most about the bug: a map write in the service's code, not in a test.
        let best = report.races.iter().flat_map(|r| r.accesses.iter()).max_by_key(|a| {
            let op = a.frames.first().and_then(|f| map_op_of_func(&f.func));
            let in_test = a.user_frame.as_ref().is_some_and(|f| f.file.ends_with("_test.go"));
            (op == Some(MapOp::Write), op.is_some(), !in_test, std::cmp::Reverse(a.frames.len()))
        });
        triage.operation = best.and_then(|a| a.frames.first()).and_then(|f| map_op_of_func(&f.func));
        triage.service_frames = best.map(|a| frames.all(&a.frames)).unwrap_or_default();
        triage.service_frame = triage.service_frames.first().cloned();
    }
    triage
}

/// The largest buckets of `report.crashes[index]`, with their size in the dump before it when there is one.
fn waiting(report: &ParseReport, index: usize, frames: &Frames<'_>) -> Vec<WaitingGroup> {
    let Some(crash) = report.crashes.get(index) else { return Vec::new() };
    let change = report.dump_changes.iter().find(|c| c.to == index);
    crash
        .buckets
        .iter()
        .take(5)
        .map(|b| {
            // A bucket the comparison does not list kept its size.
            let before = change.map(|c| {
                let grew = c.buckets.iter().find(|g| {
                    g.state == b.state
                        && g.top.as_ref() == b.frames.first()
                        && g.user_frame == b.user_frame
                        && g.after == b.count
                });
                grew.map_or(b.count, |g| g.before)
            });
            WaitingGroup {
                count: b.count,
                state: b.state.clone(),
                frame: b.user_frame.as_ref().and_then(|f| frames.service(f)),
                max_wait_minutes: b.max_wait_minutes,
                before,
            }
        })
        .collect()
}

fn crashing_goroutine(crash: &Crash) -> Option<&Goroutine> {
    match crash.crashing_goroutine {
        Some(id) => crash.goroutines.iter().find(|g| g.id == id),
        // No goroutine crashed (a goroutine dump, SIGQUIT, all asleep): the largest group, where most wait.
        None => {
            let focus = crash.buckets.first().and_then(|b| b.ids.first());
            focus.and_then(|id| crash.goroutines.iter().find(|g| g.id == *id)).or(crash.goroutines.first())
        }
    }
}

/// Other goroutines of the crash that are probably on the same map: in the crashing frame's function, or inside
/// a runtime map operation themselves.
fn same_map(
    crash: &Crash,
    crashing: Option<&Goroutine>,
    site: Option<&ServiceFrame>,
    frames: &Frames<'_>,
) -> Vec<OtherGoroutine> {
    let mut out = Vec::new();
    for g in &crash.goroutines {
        if crashing.is_some_and(|c| c.id == g.id) {
            continue;
        }
        let Some(frame) = g.frames.iter().find_map(|f| frames.service(f)) else { continue };
        let map_frame = g.frames.iter().find(|f| map_op_of_func(&f.func).is_some());
        let reason = if site.is_some_and(|s| s.func == frame.func) {
            "same function".to_string()
        } else if let Some(op) = map_frame {
            format!("map operation: {}", op.func)
        } else {
            continue;
        };
        out.push(OtherGoroutine { id: g.id, state: g.state.clone(), frame, reason });
    }
    out
}
