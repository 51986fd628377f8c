//! Goroutine dumps of one process taken apart (`/debug/pprof/goroutine?debug=2` twice, two SIGQUITs): which group
//! of goroutines grew between them. A leak or a stuck lock shows as one group with the same stack getting larger
//! while the others stay; that group's user frame is where to look. Groups are matched by state and stack (the
//! function, file and line of every frame), the same key the buckets are made with, so goroutine ids and
//! arguments (addresses differ between goroutines) do not split them.

use super::traceback::{Crash, GoroutineBucket};
use super::Frame;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One group's size in two consecutive dumps of the report (`crashes[from]` and `crashes[to]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketGrowth {
    pub state: String,
    /// Where in the user's code the group waits; `None` when its stack is the toolchain's only.
    pub user_frame: Option<Frame>,
    /// The innermost frame (the runtime's wait, often).
    pub top: Option<Frame>,
    pub before: usize,
    pub after: usize,
}

/// Two consecutive dumps and the groups whose size changed between them, largest growth first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DumpChange {
    /// Indexes into the report's `crashes`.
    pub from: usize,
    pub to: usize,
    pub goroutines_before: usize,
    pub goroutines_after: usize,
    pub buckets: Vec<BucketGrowth>,
}

type Key<'a> = (&'a str, Vec<(&'a str, &'a str, u32)>);

fn key(bucket: &GoroutineBucket) -> Key<'_> {
    (bucket.state.as_str(), bucket.frames.iter().map(|f| (f.func.as_str(), f.file.as_str(), f.line)).collect())
}

/// The changes between each dump and the next one (crashes with more than one goroutine: a dump, a SIGQUIT, a
/// fatal error with every goroutine), in report order.
pub fn changes(crashes: &[Crash]) -> Vec<DumpChange> {
    let dumps: Vec<usize> = (0..crashes.len()).filter(|&i| crashes[i].goroutines.len() > 1).collect();
    dumps
        .windows(2)
        .filter_map(|pair| {
            let (from, to) = (*pair.first()?, *pair.get(1)?);
            Some(change(from, &crashes[from], to, &crashes[to]))
        })
        .collect()
}

/// `changes`, one crash at a time, as the streaming parse finds them: only the last dump is kept.
#[derive(Debug, Default)]
pub struct ChangeTracker {
    last: Option<(usize, Crash)>,
    /// Where each dump was: crash index → (input, line), for the text summary.
    pub places: HashMap<usize, (usize, usize)>,
    pub changes: Vec<DumpChange>,
}

impl ChangeTracker {
    /// Takes the report's `index`-th crash (resolved: its buckets' user frames set).
    pub fn add(&mut self, index: usize, crash: &Crash) {
        if crash.goroutines.len() <= 1 {
            return;
        }
        if let Some((from, earlier)) = &self.last {
            self.changes.push(change(*from, earlier, index, crash));
        }
        self.places.insert(index, (crash.input, crash.line));
        self.last = Some((index, crash.clone()));
    }
}

fn change(from: usize, earlier: &Crash, to: usize, later: &Crash) -> DumpChange {
    let before: HashMap<Key<'_>, usize> = earlier.buckets.iter().map(|b| (key(b), b.count)).collect();
    let mut seen: HashMap<Key<'_>, ()> = HashMap::new();
    let mut buckets: Vec<BucketGrowth> = Vec::new();
    for b in &later.buckets {
        let k = key(b);
        let was = before.get(&k).copied().unwrap_or(0);
        seen.insert(k, ());
        if was != b.count {
            buckets.push(growth(b, was, b.count));
        }
    }
    for b in &earlier.buckets {
        if !seen.contains_key(&key(b)) {
            buckets.push(growth(b, b.count, 0));
        }
    }
    // Largest growth first; shrinking groups after, in dump order (stable sort).
    buckets.sort_by_key(|g| std::cmp::Reverse(g.after as i64 - g.before as i64));
    DumpChange {
        from,
        to,
        goroutines_before: earlier.goroutines.len(),
        goroutines_after: later.goroutines.len(),
        buckets,
    }
}

fn growth(bucket: &GoroutineBucket, before: usize, after: usize) -> BucketGrowth {
    BucketGrowth {
        state: bucket.state.clone(),
        user_frame: bucket.user_frame.clone(),
        top: bucket.frames.first().cloned(),
        before,
        after,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::golang::parse_logs;

    fn dump(waiting: usize, sleeping: usize) -> String {
        let mut text = String::from("goroutine 1 [running]:\nmain.main()\n\t/src/app/main.go:5 +0x1\n\n");
        for i in 0..waiting {
            let minutes = if i % 2 == 0 { ", 2 minutes" } else { "" };
            text.push_str(&format!(
                "goroutine {} [sync.Mutex.Lock{minutes}]:\nsync.(*Mutex).Lock(0xc0000{i:03x})\n\t/usr/local/go/src/sync/mutex.go:81 +0x1\nmain.handle()\n\t/src/app/main.go:20 +0x2\n\n",
                i + 10
            ));
        }
        for i in 0..sleeping {
            text.push_str(&format!(
                "goroutine {} [sleep]:\ntime.Sleep(0x1)\n\t/usr/local/go/src/runtime/time.go:195 +0x1\nmain.tick()\n\t/src/app/main.go:30 +0x2\n\n",
                i + 1000
            ));
        }
        text
    }

    #[test]
    fn the_group_that_grew_comes_first_with_its_user_frame() {
        let inputs = vec![("a".to_string(), dump(3, 2).into_bytes()), ("b".to_string(), dump(40, 2).into_bytes())];
        let report = parse_logs(&inputs);
        assert_eq!(report.crashes.len(), 2, "{report:#?}");
        let all = changes(&report.crashes);
        assert_eq!(all.len(), 1);
        let c = &all[0];
        assert_eq!((c.from, c.to, c.goroutines_before, c.goroutines_after), (0, 1, 6, 43));
        assert_eq!(c.buckets.len(), 1, "the sleeping group did not change: {c:#?}");
        let g = &c.buckets[0];
        assert_eq!((g.before, g.after, g.state.as_str()), (3, 40, "sync.Mutex.Lock"));
        assert_eq!(g.user_frame.as_ref().map(|f| (f.func.as_str(), f.line)), Some(("main.handle", 20)));
        let bucket = &report.crashes[1].buckets[0];
        assert_eq!((bucket.max_wait_minutes, bucket.waiting_minutes), (Some(2), 20));
    }

    #[test]
    fn a_group_that_is_gone_counts_as_shrunk_to_zero_and_one_dump_has_no_changes() {
        let inputs = vec![("a".to_string(), dump(3, 2).into_bytes()), ("b".to_string(), dump(3, 0).into_bytes())];
        let report = parse_logs(&inputs);
        let c = &changes(&report.crashes)[0];
        assert_eq!(c.buckets.iter().map(|g| (g.before, g.after)).collect::<Vec<_>>(), [(2, 0)]);
        assert!(changes(&report.crashes[..1]).is_empty());
    }

    #[test]
    fn two_dumps_in_one_file_are_split_at_the_repeated_goroutine_id() {
        // `curl …?debug=2 >> dumps.txt` twice: nothing separates the dumps but goroutine 1 coming again.
        let text = format!("{}{}", dump(2, 1), dump(5, 1));
        let report = parse_logs(&[("dumps.txt".to_string(), text.into_bytes())]);
        assert_eq!(report.crashes.len(), 2, "{report:#?}");
        assert_eq!(report.crashes[0].goroutines.len(), 4);
        assert_eq!(report.crashes[1].goroutines.len(), 7);
        assert_eq!(report.dump_changes.len(), 1);
        assert_eq!((report.dump_changes[0].buckets[0].before, report.dump_changes[0].buckets[0].after), (2, 5));
    }
}
