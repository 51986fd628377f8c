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
    let mut sites = RacingSites::default();
    for (index, report) in races.iter().enumerate() {
        sites.add(index, report);
    }
    sites.finish()
}

/// `racing_sites` one report at a time (a streamed parse reads its reports back one by one).
#[derive(Default)]
pub struct RacingSites {
    sites: Vec<RacingSite>,
    index_of: HashMap<(String, u32), usize>,
}

impl RacingSites {
    /// Adds report number `index` (its user frames resolved).
    pub fn add(&mut self, index: usize, report: &RaceReport) {
        for access in &report.accesses {
            let Some(frame) = &access.user_frame else { continue };
            let key = (frame.file.clone(), frame.line);
            match self.index_of.get(&key).and_then(|&i| self.sites.get_mut(i)) {
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
                    self.index_of.insert(key, self.sites.len());
                    self.sites.push(RacingSite {
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

    pub fn finish(mut self) -> Vec<RacingSite> {
        // The code under test before the test that drove it: a test's frame is where an inlined access surfaced,
        // rarely the line to fix or to blame. Stable, so each group keeps the order of the reports.
        self.sites.sort_by_key(|s| s.file.ends_with("_test.go"));
        self.sites
    }
}

/// For each crash, the source lines its crashing goroutine shares with user frames of race accesses.
pub fn pair(races: &[RaceReport], crashes: &[Crash], is_user: impl Fn(&Frame) -> bool) -> Vec<Pairing> {
    let mut index = PairIndex::default();
    for (i, report) in races.iter().enumerate() {
        index.add(i, report);
    }
    crashes.iter().enumerate().flat_map(|(i, crash)| index.pairs(i, crash, &is_user)).collect()
}

/// The only part of the race reports pairing needs: file:line → the reports naming it, built once (a big log has
/// many crashes and many reports).
#[derive(Default)]
pub struct PairIndex {
    reports_by_line: HashMap<(String, u32), Vec<usize>>,
}

impl PairIndex {
    pub fn add(&mut self, index: usize, report: &RaceReport) {
        for frame in report.accesses.iter().flat_map(|a| a.frames.iter()) {
            let key = (frame.file.clone(), frame.line);
            let reports = self.reports_by_line.entry(key).or_default();
            if reports.last() != Some(&index) {
                reports.push(index);
            }
        }
    }

    /// The pairings of crash number `index`.
    pub fn pairs(&self, index: usize, crash: &Crash, is_user: impl Fn(&Frame) -> bool) -> Vec<Pairing> {
        let mut pairings = Vec::new();
        // A goroutine dump shows where goroutines wait, not what crashed: nothing to pair.
        if self.reports_by_line.is_empty() || crash.kind == super::traceback::CrashKind::Dump {
            return pairings;
        }
        let Some(goroutine) = crash.goroutines.first() else { return pairings };
        for frame in distinct_sites(goroutine.frames.iter().filter(|f| is_user(f))) {
            let found = self.reports_by_line.get(&(frame.file.clone(), frame.line));
            if let Some(reports) = found {
                pairings.push(Pairing {
                    site: SourceLine { file: frame.file.clone(), line: frame.line },
                    race_reports: reports.clone(),
                    crash: index,
                });
            }
        }
        pairings
    }
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
