//! Change compaction: where a group of changed lines could sit at several places (its lines repeat just
//! above or below it), move it to the place a reader expects.
//!
//! Run once per side, with the other side's groups walked in step (sliding a group by one line moves the
//! matching gap on the other side by one). Each group is slid as far up, then as far down as it goes,
//! merging with groups it touches, until its size stops changing. Then, in this order of preference:
//! - it goes back up to the lowest position where it lines up with a change on the other side (a
//!   replacement reads better than a deletion next to an insertion);
//! - otherwise the indent heuristic (`indent.rs`) picks among its last hundred positions;
//! - otherwise it stays at the bottom.

use super::indent;
use super::records::Side;

/// A group of changed lines `[start, end)`; empty (`start == end`) where the other side has the change.
#[derive(Clone, Copy)]
struct Group {
    start: isize,
    end: isize,
}

/// The farthest the indent heuristic looks back from a group's lowest position.
const MAX_SLIDE_SCORED: isize = 100;

impl Group {
    fn first(side: &Side) -> Group {
        let mut end = 0;
        while side.changed_at(end) {
            end += 1;
        }
        Group { start: 0, end }
    }

    /// Moves to the next group; false at the end of the side.
    fn next(&mut self, side: &Side) -> bool {
        if self.end == side.len() as isize {
            return false;
        }
        self.start = self.end + 1;
        self.end = self.start;
        while side.changed_at(self.end) {
            self.end += 1;
        }
        true
    }

    /// Moves to the previous group; false at the start of the side.
    fn previous(&mut self, side: &Side) -> bool {
        if self.start == 0 {
            return false;
        }
        self.end = self.start - 1;
        self.start = self.end;
        while side.changed_at(self.start - 1) {
            self.start -= 1;
        }
        true
    }

    /// Slides the group one line down if the line below equals its first line, absorbing a group it
    /// then touches.
    fn slide_down(&mut self, side: &mut Side) -> bool {
        let end = self.end as usize;
        if end < side.len() && side.class(self.start as usize) == side.class(end) {
            side.set_changed(self.start as usize, false);
            side.set_changed(end, true);
            self.start += 1;
            self.end += 1;
            while side.changed_at(self.end) {
                self.end += 1;
            }
            true
        } else {
            false
        }
    }

    /// Slides the group one line up if the line above equals its last line, absorbing a group it then
    /// touches.
    fn slide_up(&mut self, side: &mut Side) -> bool {
        if self.start > 0 && side.class(self.start as usize - 1) == side.class(self.end as usize - 1) {
            self.start -= 1;
            self.end -= 1;
            side.set_changed(self.start as usize, true);
            side.set_changed(self.end as usize, false);
            while side.changed_at(self.start - 1) {
                self.start -= 1;
            }
            true
        } else {
            false
        }
    }
}

/// Compacts `side`'s change groups, keeping `other`'s groups in step.
pub(super) fn compact(side: &mut Side, other: &Side) {
    let (mut group, mut other_group) = (Group::first(side), Group::first(other));
    loop {
        if group.end != group.start {
            place(side, other, &mut group, &mut other_group);
        }
        if !group.next(side) {
            break;
        }
        // The two sides have as many groups: this cannot run out before `side` does.
        other_group.next(other);
    }
}

/// Slides one non-empty group to its place (see the module note).
fn place(side: &mut Side, other: &Side, group: &mut Group, other_group: &mut Group) {
    let mut size;
    let mut earliest_end;
    let mut end_matching_other;
    loop {
        size = group.end - group.start;
        end_matching_other = None;
        while group.slide_up(side) {
            other_group.previous(other);
        }
        earliest_end = group.end;
        if other_group.end > other_group.start {
            end_matching_other = Some(group.end);
        }
        while group.slide_down(side) {
            other_group.next(other);
            if other_group.end > other_group.start {
                end_matching_other = Some(group.end);
            }
        }
        if size == group.end - group.start {
            break;
        }
    }

    if group.end == earliest_end {
        return;
    }
    if end_matching_other.is_some() {
        while other_group.end == other_group.start {
            group.slide_up(side);
            other_group.previous(other);
        }
        return;
    }
    let lowest = group.end;
    let first = earliest_end.max(lowest - size - 1).max(lowest - MAX_SLIDE_SCORED);
    let mut best: Option<(isize, indent::Score)> = None;
    for end in first..=lowest {
        let score = indent::split_score(side, end) + indent::split_score(side, end - size);
        if best.is_none_or(|(_, best_score)| score.not_worse_than(&best_score)) {
            best = Some((end, score));
        }
    }
    if let Some((best_end, _)) = best {
        while group.end > best_end {
            group.slide_up(side);
            other_group.previous(other);
        }
    }
}
