//! Joins what the separate parsers found: racing sites, race/crash pairing, goroutine buckets.
//!
//! The locate steps of a runbook blame source lines, not reports: one map bug yields two race reports (map
//! header and value slot) and maybe a crash, all naming the same few lines. So the sites are deduplicated by
//! file:line with the union of access kinds, and a crash is paired with the race reports through the source
//! lines they share (goroutine numbers cannot be used: the race runtime numbers goroutines its own way).

use super::frames::Frame;
use super::race::{AccessKind, RaceReport};
use super::traceback::{Crash, Goroutine, GoroutineBucket};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A source line that took part in a race: the first user frame of an access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RacingSite {
    pub file: String,
    pub line: u32,
    pub func: String,
    /// Sorted, distinct: `["read"]`, `["write"]` or `["read", "write"]`.
    pub kinds: Vec<AccessKind>,
    /// Indexes into `races`.
    pub reports: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceLine {
    pub file: String,
    pub line: u32,
}

/// A source line named both by race reports and by a crash's crashing goroutine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pairing {
    pub site: SourceLine,
    pub race_reports: Vec<usize>,
    /// Index into `crashes`.
    pub crash: usize,
}

/// Distinct racing sites across all reports, in order of first appearance.
pub fn racing_sites(races: &[RaceReport]) -> Vec<RacingSite> {
    let mut sites: Vec<RacingSite> = Vec::new();
    let mut index_of: HashMap<(String, u32), usize> = HashMap::new();
    for (index, report) in races.iter().enumerate() {
        for access in &report.accesses {
            let Some(frame) = &access.user_frame else { continue };
            let key = (frame.file.clone(), frame.line);
            match index_of.get(&key).and_then(|&i| sites.get_mut(i)) {
                Some(site) => {
                    if !site.kinds.contains(&access.kind) {
                        site.kinds.push(access.kind);
                        site.kinds.sort();
                    }
                    if site.reports.last() != Some(&index) {
                        site.reports.push(index);
                    }
                }
                None => {
                    index_of.insert(key, sites.len());
                    sites.push(RacingSite {
                        file: frame.file.clone(),
                        line: frame.line,
                        func: frame.func.clone(),
                        kinds: vec![access.kind],
                        reports: vec![index],
                    });
                }
            }
        }
    }
    // The code under test before the test that drove it: a test's frame is where an inlined access surfaced,
    // rarely the line to fix or to blame. Stable, so each group keeps the order of the reports.
    sites.sort_by_key(|s| s.file.ends_with("_test.go"));
    sites
}

/// For each crash, the source lines its crashing goroutine shares with user frames of race accesses.
pub fn pair(races: &[RaceReport], crashes: &[Crash], is_user: impl Fn(&Frame) -> bool) -> Vec<Pairing> {
    // file:line → race reports naming it, built once: a big log has many crashes and many reports.
    let mut reports_by_line: HashMap<(&str, u32), Vec<usize>> = HashMap::new();
    for (index, report) in races.iter().enumerate() {
        for frame in report.accesses.iter().flat_map(|a| a.frames.iter()) {
            let reports = reports_by_line.entry((frame.file.as_str(), frame.line)).or_default();
            if reports.last() != Some(&index) {
                reports.push(index);
            }
        }
    }
    let mut pairings = Vec::new();
    if reports_by_line.is_empty() {
        return pairings;
    }
    for (crash_index, crash) in crashes.iter().enumerate() {
        // A goroutine dump shows where goroutines wait, not what crashed: nothing to pair.
        if crash.kind == super::traceback::CrashKind::Dump {
            continue;
        }
        let Some(goroutine) = crash.goroutines.first() else { continue };
        let mut seen: Vec<(&str, u32)> = Vec::new();
        for frame in goroutine.frames.iter().filter(|f| is_user(f)) {
            let key = (frame.file.as_str(), frame.line);
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            if let Some(reports) = reports_by_line.get(&key) {
                pairings.push(Pairing {
                    site: SourceLine { file: frame.file.clone(), line: frame.line },
                    race_reports: reports.clone(),
                    crash: crash_index,
                });
            }
        }
    }
    pairings
}

/// Groups goroutines with the same state and stack (function and line of every frame), largest group first.
pub fn buckets(goroutines: &[Goroutine]) -> Vec<GoroutineBucket> {
    let mut buckets: Vec<GoroutineBucket> = Vec::new();
    for g in goroutines {
        let same = |b: &&mut GoroutineBucket| {
            b.state == g.state
                && b.frames.len() == g.frames.len()
                && b.frames.iter().zip(&g.frames).all(|(x, y)| x.func == y.func && x.file == y.file && x.line == y.line)
        };
        match buckets.iter_mut().find(|b| same(b)) {
            Some(bucket) => {
                bucket.count += 1;
                bucket.ids.push(g.id);
            }
            None => buckets.push(GoroutineBucket {
                count: 1,
                state: g.state.clone(),
                ids: vec![g.id],
                frames: g.frames.clone(),
            }),
        }
    }
    // Stable: equal counts keep dump order, so the crashing goroutine's bucket stays first among singles.
    buckets.sort_by_key(|b| std::cmp::Reverse(b.count));
    buckets
}
