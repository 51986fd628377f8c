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
use std::collections::{HashMap, HashSet};
use std::hash::Hash;

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
        for frame in distinct_sites(goroutine.frames.iter().filter(|f| is_user(f))) {
            let key = (frame.file.as_str(), frame.line);
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

/// Indexes of equal keys, grouped, groups in order of first appearance: one hash lookup per item, so a dump of
/// 80,000 distinct frames or ten million goroutines is linear (a list scan per item made both quadratic).
pub fn group_indices<K: Hash + Eq>(keys: impl IntoIterator<Item = K>) -> Vec<Vec<usize>> {
    let mut group_of: HashMap<K, usize> = HashMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (index, key) in keys.into_iter().enumerate() {
        let next = groups.len();
        let group = *group_of.entry(key).or_insert(next);
        match groups.get_mut(group) {
            Some(members) => members.push(index),
            None => groups.push(vec![index]),
        }
    }
    groups
}

/// Distinct user frames (file:line) of a stack, innermost first.
pub fn distinct_sites<'f>(frames: impl IntoIterator<Item = &'f Frame>) -> Vec<&'f Frame> {
    let mut seen: HashSet<(&str, u32)> = HashSet::new();
    frames.into_iter().filter(|f| seen.insert((f.file.as_str(), f.line))).collect()
}

/// Groups goroutines with the same state and stack (function and line of every frame), largest group first.
pub fn buckets(goroutines: &[Goroutine]) -> Vec<GoroutineBucket> {
    let keys = goroutines.iter().map(|g| {
        let frames: Vec<(&str, &str, u32)> =
            g.frames.iter().map(|f| (f.func.as_str(), f.file.as_str(), f.line)).collect();
        (g.state.as_str(), frames)
    });
    let mut buckets: Vec<GoroutineBucket> = group_indices(keys)
        .into_iter()
        .filter_map(|members| {
            let first = goroutines.get(*members.first()?)?;
            let waits = members.iter().filter_map(|&i| goroutines.get(i)?.wait_minutes);
            Some(GoroutineBucket {
                count: members.len(),
                state: first.state.clone(),
                ids: members.iter().filter_map(|&i| goroutines.get(i)).map(|g| g.id).collect(),
                frames: first.frames.clone(),
                user_frame: first.user_frame.clone(),
                max_wait_minutes: waits.clone().max(),
                waiting_minutes: waits.count(),
            })
        })
        .collect();
    // Stable: equal counts keep dump order, so the crashing goroutine's bucket stays first among singles.
    buckets.sort_by_key(|b| std::cmp::Reverse(b.count));
    buckets
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    thread_local! {
        static EQ_CALLS: Cell<usize> = const { Cell::new(0) };
    }

    /// A key that counts its comparisons: the work of grouping, measured without a clock.
    struct Counted(u64);

    impl std::hash::Hash for Counted {
        fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
            self.0.hash(state);
        }
    }

    impl PartialEq for Counted {
        fn eq(&self, other: &Self) -> bool {
            EQ_CALLS.with(|c| c.set(c.get() + 1));
            self.0 == other.0
        }
    }
    impl Eq for Counted {}

    #[test]
    fn grouping_compares_a_constant_number_of_times_per_item() {
        for n in [10_000u64, 80_000] {
            EQ_CALLS.with(|c| c.set(0));
            // Distinct keys, then every key again: the worst case of a list scan.
            let groups = group_indices((0..n).chain(0..n).map(Counted));
            assert_eq!(groups.len(), n as usize);
            assert!(groups.iter().all(|g| g.len() == 2));
            let calls = EQ_CALLS.with(Cell::get);
            assert!(calls <= 3 * n as usize, "{calls} comparisons for {n} keys");
        }
    }

    #[test]
    fn distinct_sites_keep_first_appearance() {
        let f = |line| Frame { func: "f".into(), file: "/a.go".into(), line, inlined: false };
        let frames = [f(3), f(1), f(3), f(2), f(1)];
        let lines: Vec<u32> = distinct_sites(&frames).iter().map(|f| f.line).collect();
        assert_eq!(lines, [3, 1, 2]);
    }
}
