//! The race detector as a happens-before analysis with vector clocks, like ThreadSanitizer under `-race`:
//! `go`, WaitGroup, mutexes, channels and sync.Map create edges; two conflicting map accesses that no edge orders
//! are a race, whether or not they overlapped in time. This is why `-race` catches what the map flag misses.

use super::maps::MapOp;
use serde::Serialize;
use std::collections::BTreeMap;

/// One goroutine's view of every goroutine's logical time. Missing entries are zero.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct VClock(Vec<u32>);

impl VClock {
    pub fn get(&self, g: usize) -> u32 {
        self.0.get(g).copied().unwrap_or(0)
    }

    fn set(&mut self, g: usize, v: u32) {
        if self.0.len() <= g {
            self.0.resize(g + 1, 0);
        }
        self.0[g] = v;
    }

    pub fn join(&mut self, other: &VClock) {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a = (*a).max(*b);
        }
    }
}

/// The last access of one goroutine to one map header: its own clock then, and where it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct ShadowAccess {
    epoch: u32,
    line: u32,
    op: MapOp,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
struct MapShadow {
    /// Indexed by goroutine instance.
    last_read: Vec<Option<ShadowAccess>>,
    last_write: Vec<Option<ShadowAccess>>,
}

/// One side of a race: which goroutine instance, what it did, where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct RaceAccess {
    /// Index of the goroutine instance in the run (0 is main).
    pub goroutine: usize,
    pub op: MapOp,
    pub line: u32,
}

/// A detected race on a map header, as `WARNING: DATA RACE` reports it: the current access first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct RaceReport {
    pub map: usize,
    /// `Some(key)` for a race on the value slot of `key` (user frames only in Go's report), `None` for the header.
    pub slot: Option<i64>,
    pub current: RaceAccess,
    pub previous: RaceAccess,
}

/// Vector clocks for goroutines and sync objects, and a shadow of the last accesses to each map.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct RaceDetector {
    goroutines: Vec<VClock>,
    objects: Vec<VClock>,
    shadows: Vec<MapShadow>,
    /// Value slots by (map, key): Go usually reports a second race there, from user code.
    slots: BTreeMap<(usize, i64), MapShadow>,
    /// Exploration turns slot tracking off: a slot race always comes with a header race between the same two
    /// operations (no sync edge can fall between an operation's header and slot accesses), so it never changes
    /// whether a schedule raced, and tracking it would triple the state space.
    pub track_slots: bool,
    pub reports: Vec<RaceReport>,
}

impl RaceDetector {
    pub fn new(sync_objects: usize, maps: usize) -> Self {
        let mut main = VClock::default();
        main.set(0, 1);
        Self {
            goroutines: vec![main],
            objects: vec![VClock::default(); sync_objects],
            shadows: vec![MapShadow::default(); maps],
            slots: BTreeMap::new(),
            track_slots: true,
            reports: Vec::new(),
        }
    }

    /// Bytes held by clocks and shadows (an upper bound for value slots: each slot's lists are counted as long as
    /// the goroutine count), for the simulator's memory budget. Linear in goroutines and sync objects.
    pub fn approx_bytes(&self) -> usize {
        let clocks: usize = self.goroutines.iter().chain(&self.objects).map(|c| 24 + c.0.len() * 4).sum();
        let shadow = |s: &MapShadow| 48 + (s.last_read.len() + s.last_write.len()) * 16;
        let shadows: usize = self.shadows.iter().map(shadow).sum();
        // A slot: its map entry (~100 bytes with the tree's overhead) and two lists, each an allocation.
        let slots = self.slots.len() * (160 + 2 * 16 * self.goroutines.len());
        clocks + shadows + slots + self.reports.len() * std::mem::size_of::<RaceReport>()
    }

    fn tick(&mut self, g: usize) {
        let vc = &mut self.goroutines[g];
        let next = vc.get(g) + 1;
        vc.set(g, next);
    }

    /// `go f()`: everything the parent did before happens before the child's first step.
    pub fn fork(&mut self, parent: usize, child: usize) {
        let mut vc = self.goroutines[parent].clone();
        vc.set(child, 1);
        if self.goroutines.len() <= child {
            self.goroutines.resize(child + 1, VClock::default());
        }
        self.goroutines[child] = vc;
        self.tick(parent);
    }

    /// Release-store (Mutex.Unlock): the object's clock becomes the goroutine's.
    pub fn release(&mut self, g: usize, obj: usize) {
        self.objects[obj] = self.goroutines[g].clone();
        self.tick(g);
    }

    /// Release-merge (WaitGroup.Done, channel send, RUnlock): the object accumulates every releaser's clock.
    pub fn release_merge(&mut self, g: usize, obj: usize) {
        let vc = self.goroutines[g].clone();
        self.objects[obj].join(&vc);
        self.tick(g);
    }

    /// Acquire (Lock, Wait returning, receive): the goroutine learns everything released into the object.
    pub fn acquire(&mut self, g: usize, obj: usize) {
        let oc = self.objects[obj].clone();
        self.goroutines[g].join(&oc);
    }

    /// Both at once, as the race runtime treats sync.Map's internal atomics.
    pub fn acquire_release(&mut self, g: usize, obj: usize) {
        self.acquire(g, obj);
        self.release_merge(g, obj);
    }

    /// Records a map-header access (taken at the runtime function's entry, before any check) and returns the
    /// race it forms with an earlier unordered conflicting access, if any.
    pub fn access(&mut self, g: usize, map: usize, op: MapOp, line: u32) -> Option<RaceReport> {
        self.access_at(g, map, None, op, line)
    }

    /// Records an access to the value slot of `key` (the store of `m[k] = v`, the load of a found `m[k]`).
    pub fn access_slot(&mut self, g: usize, map: usize, key: i64, op: MapOp, line: u32) -> Option<RaceReport> {
        if !self.track_slots {
            return None;
        }
        self.access_at(g, map, Some(key), op, line)
    }

    /// A pair of lines is reported once per location kind, as ThreadSanitizer suppresses duplicate reports for
    /// the same pair of program counters (header and slot accesses have different PCs).
    fn access_at(&mut self, g: usize, map: usize, slot: Option<i64>, op: MapOp, line: u32) -> Option<RaceReport> {
        let vc = &self.goroutines[g];
        let is_write = op.is_write();
        let empty_shadow = MapShadow::default();
        let shadow = match slot {
            None => &self.shadows[map],
            Some(k) => self.slots.get(&(map, k)).unwrap_or(&empty_shadow),
        };
        let mut found = None;
        let empty: &[Option<ShadowAccess>] = &[];
        let lists = [&shadow.last_write[..], if is_write { &shadow.last_read[..] } else { empty }];
        'search: for list in lists {
            for (other, acc) in list.iter().enumerate() {
                let Some(acc) = acc else { continue };
                if other == g || acc.epoch <= vc.get(other) {
                    continue;
                }
                let dup = self.reports.iter().any(|r| {
                    r.slot.is_some() == slot.is_some()
                        && ((r.current.line, r.previous.line) == (line, acc.line)
                            || (r.current.line, r.previous.line) == (acc.line, line))
                });
                if !dup {
                    found = Some(RaceReport {
                        map,
                        slot,
                        current: RaceAccess { goroutine: g, op, line },
                        previous: RaceAccess { goroutine: other, op: acc.op, line: acc.line },
                    });
                    break 'search;
                }
            }
        }
        let epoch = vc.get(g);
        let shadow = match slot {
            None => &mut self.shadows[map],
            Some(k) => self.slots.entry((map, k)).or_default(),
        };
        let list = if is_write { &mut shadow.last_write } else { &mut shadow.last_read };
        if list.len() <= g {
            list.resize(g + 1, None);
        }
        list[g] = Some(ShadowAccess { epoch, line, op });
        if let Some(r) = found {
            self.reports.push(r);
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unordered_write_and_read_race_even_without_overlap() {
        let mut d = RaceDetector::new(1, 1);
        d.fork(0, 1);
        d.fork(0, 2);
        assert!(d.access(1, 0, MapOp::Write, 10).is_none());
        let r = d.access(2, 0, MapOp::Read, 11).unwrap();
        assert_eq!((r.current.line, r.previous.line), (11, 10));
    }

    #[test]
    fn go_statement_orders_parent_access_before_child() {
        let mut d = RaceDetector::new(0, 1);
        assert!(d.access(0, 0, MapOp::Write, 5).is_none());
        d.fork(0, 1);
        assert!(d.access(1, 0, MapOp::Write, 9).is_none());
    }

    #[test]
    fn waitgroup_done_then_wait_orders_child_before_parent() {
        let (wg, map) = (0, 0);
        let mut d = RaceDetector::new(1, 1);
        d.fork(0, 1);
        d.access(1, map, MapOp::Write, 9);
        d.release_merge(1, wg);
        d.acquire(0, wg);
        assert!(d.access(0, map, MapOp::Read, 12).is_none());
    }

    #[test]
    fn mutex_unlock_then_lock_orders_critical_sections() {
        let mut d = RaceDetector::new(1, 1);
        d.fork(0, 1);
        d.fork(0, 2);
        d.acquire(1, 0);
        d.access(1, 0, MapOp::Write, 7);
        d.release(1, 0);
        d.acquire(2, 0);
        assert!(d.access(2, 0, MapOp::Read, 8).is_none());
    }

    #[test]
    fn value_slot_races_are_reported_apart_from_the_header_race() {
        let mut d = RaceDetector::new(0, 1);
        d.fork(0, 1);
        d.fork(0, 2);
        d.access(1, 0, MapOp::Write, 12);
        d.access_slot(1, 0, 1, MapOp::Write, 12);
        assert!(d.access(2, 0, MapOp::Write, 12).is_some());
        let slot = d.access_slot(2, 0, 1, MapOp::Write, 12).unwrap();
        assert_eq!(slot.slot, Some(1));
        assert!(d.access_slot(2, 0, 2, MapOp::Write, 12).is_none(), "another key is another slot");
        assert_eq!(d.reports.len(), 2);
    }

    #[test]
    fn two_reads_never_race_and_a_pair_is_reported_once() {
        let mut d = RaceDetector::new(0, 1);
        d.fork(0, 1);
        d.fork(0, 2);
        d.access(1, 0, MapOp::Read, 3);
        assert!(d.access(2, 0, MapOp::Read, 4).is_none());
        assert!(d.access(2, 0, MapOp::Write, 5).is_some());
        assert!(d.access(1, 0, MapOp::Read, 3).is_none(), "same pair of lines again");
        assert_eq!(d.reports.len(), 1);
    }
}
