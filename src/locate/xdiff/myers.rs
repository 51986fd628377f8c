//! Myers' O(ND) search ("An O(ND) Difference Algorithm and Its Variations", 1986), in its linear-space
//! divide-and-conquer form, with the cost limits xdiff adds so large diffs stay fast.
//!
//! Each box (a stretch of candidates from each side) is first shrunk by its common start and end; then
//! forward and backward searches advance one edit at a time until their paths meet in a "middle snake",
//! which splits the box in two. Past a few hundred edits xdiff stops insisting on a shortest script: once a
//! path has run along a long diagonal (a snake of more than 20 equal lines) and has come far enough, it
//! splits there; past a cost of about the square root of the box (at least 256), it splits at the furthest
//! point either search reached. Where the box splits decides where changes land, so these rules are part
//! of the answer and are followed to the letter.

use super::records::{rough_sqrt, Candidates, Prepared, Side};

/// Past this many edits in one box, the search looks for a good diagonal to split on.
const HEURISTIC_MIN_COST: isize = 256;
/// The least cost limit after which the search splits at its furthest point.
const MIN_MAX_COST: isize = 256;
/// A diagonal run longer than this is a "snake" worth splitting on.
const SNAKE: isize = 20;
/// How far (in lines along both sides, less the distance off the middle diagonal) a path must have come,
/// per edit, to be split on early.
const PROGRESS_PER_EDIT: isize = 4;

/// A box of candidates: `[off1, lim1)` of the first side, `[off2, lim2)` of the second.
#[derive(Clone, Copy)]
struct Area {
    off1: isize,
    lim1: isize,
    off2: isize,
    lim2: isize,
    minimal: bool,
}

/// Where a box splits, and whether each half must be searched for a shortest script.
struct Split {
    i1: isize,
    i2: isize,
    minimal_low: bool,
    minimal_high: bool,
}

/// Runs the search over the candidates and marks the changed lines on both sides.
pub(super) fn search(prepared: &mut Prepared) {
    let Prepared { before, after, before_candidates, after_candidates } = prepared;
    let (a, b) = (&before_candidates.classes, &after_candidates.classes);
    let diagonals = a.len() + b.len() + 3;
    let mut search = Search {
        a,
        b,
        forward: vec![0; diagonals + 2],
        backward: vec![0; diagonals + 2],
        offset: b.len() as isize + 2,
        max_cost: (rough_sqrt(diagonals) as isize).max(MIN_MAX_COST),
    };
    let mut pending = vec![Area { off1: 0, lim1: a.len() as isize, off2: 0, lim2: b.len() as isize, minimal: false }];
    while let Some(mut area) = pending.pop() {
        while area.off1 < area.lim1 && area.off2 < area.lim2 && a[area.off1 as usize] == b[area.off2 as usize] {
            area.off1 += 1;
            area.off2 += 1;
        }
        while area.off1 < area.lim1 && area.off2 < area.lim2 && a[area.lim1 as usize - 1] == b[area.lim2 as usize - 1] {
            area.lim1 -= 1;
            area.lim2 -= 1;
        }
        if area.off1 == area.lim1 {
            mark(after, after_candidates, area.off2, area.lim2);
        } else if area.off2 == area.lim2 {
            mark(before, before_candidates, area.off1, area.lim1);
        } else {
            let split = search.split(area);
            pending.push(Area {
                off1: split.i1,
                lim1: area.lim1,
                off2: split.i2,
                lim2: area.lim2,
                minimal: split.minimal_high,
            });
            pending.push(Area {
                off1: area.off1,
                lim1: split.i1,
                off2: area.off2,
                lim2: split.i2,
                minimal: split.minimal_low,
            });
        }
    }
}

fn mark(side: &mut Side, candidates: &Candidates, from: isize, to: isize) {
    for &line in &candidates.lines[from as usize..to as usize] {
        side.set_changed(line, true);
    }
}

/// The two searches' furthest points per diagonal `k = i1 - i2` (as first-side positions), reused by
/// every box.
struct Search<'s> {
    a: &'s [u32],
    b: &'s [u32],
    forward: Vec<isize>,
    backward: Vec<isize>,
    offset: isize,
    max_cost: isize,
}

impl Search<'_> {
    fn fwd(&self, k: isize) -> isize {
        self.forward[(k + self.offset) as usize]
    }

    fn set_fwd(&mut self, k: isize, value: isize) {
        self.forward[(k + self.offset) as usize] = value;
    }

    fn bwd(&self, k: isize) -> isize {
        self.backward[(k + self.offset) as usize]
    }

    fn set_bwd(&mut self, k: isize, value: isize) {
        self.backward[(k + self.offset) as usize] = value;
    }

    fn eq(&self, i1: isize, i2: isize) -> bool {
        self.a[i1 as usize] == self.b[i2 as usize]
    }

    /// Finds where to split the box: the middle snake, or a good-enough point once the cost grows.
    fn split(&mut self, area: Area) -> Split {
        let Area { off1, lim1, off2, lim2, minimal } = area;
        let (kmin, kmax) = (off1 - lim2, lim1 - off2);
        let (fmid, bmid) = (off1 - off2, lim1 - lim2);
        let odd = (fmid - bmid) & 1 != 0;
        let (mut fmin, mut fmax, mut bmin, mut bmax) = (fmid, fmid, bmid, bmid);
        self.set_fwd(fmid, off1);
        self.set_bwd(bmid, lim1);

        let mut cost: isize = 1;
        loop {
            let mut got_snake = false;

            // Widen the forward diagonals by one each way, or narrow at the box's edge; the diagonal just
            // outside is primed so it never wins.
            if fmin > kmin {
                fmin -= 1;
                self.set_fwd(fmin - 1, -1);
            } else {
                fmin += 1;
            }
            if fmax < kmax {
                fmax += 1;
                self.set_fwd(fmax + 1, -1);
            } else {
                fmax -= 1;
            }
            let mut k = fmax;
            while k >= fmin {
                let mut i1 = match self.fwd(k - 1) >= self.fwd(k + 1) {
                    true => self.fwd(k - 1) + 1,
                    false => self.fwd(k + 1),
                };
                let start = i1;
                let mut i2 = i1 - k;
                while i1 < lim1 && i2 < lim2 && self.eq(i1, i2) {
                    i1 += 1;
                    i2 += 1;
                }
                if i1 - start > SNAKE {
                    got_snake = true;
                }
                self.set_fwd(k, i1);
                if odd && bmin <= k && k <= bmax && self.bwd(k) <= i1 {
                    return Split { i1, i2, minimal_low: true, minimal_high: true };
                }
                k -= 2;
            }

            if bmin > kmin {
                bmin -= 1;
                self.set_bwd(bmin - 1, isize::MAX);
            } else {
                bmin += 1;
            }
            if bmax < kmax {
                bmax += 1;
                self.set_bwd(bmax + 1, isize::MAX);
            } else {
                bmax -= 1;
            }
            let mut k = bmax;
            while k >= bmin {
                let mut i1 = match self.bwd(k - 1) < self.bwd(k + 1) {
                    true => self.bwd(k - 1),
                    false => self.bwd(k + 1) - 1,
                };
                let start = i1;
                let mut i2 = i1 - k;
                while i1 > off1 && i2 > off2 && self.eq(i1 - 1, i2 - 1) {
                    i1 -= 1;
                    i2 -= 1;
                }
                if start - i1 > SNAKE {
                    got_snake = true;
                }
                self.set_bwd(k, i1);
                if !odd && fmin <= k && k <= fmax && i1 <= self.fwd(k) {
                    return Split { i1, i2, minimal_low: true, minimal_high: true };
                }
                k -= 2;
            }

            if !minimal {
                if got_snake && cost > HEURISTIC_MIN_COST {
                    if let Some(split) = self.forward_snake(area, cost, fmin, fmax, fmid) {
                        return split;
                    }
                    if let Some(split) = self.backward_snake(area, cost, bmin, bmax, bmid) {
                        return split;
                    }
                }
                if cost >= self.max_cost {
                    return self.furthest(area, (fmin, fmax), (bmin, bmax));
                }
            }
            cost += 1;
        }
    }

    /// The forward path that has come furthest (and well past `PROGRESS_PER_EDIT` per edit), ending in
    /// a run of `SNAKE` equal lines inside the box: the box splits at its end.
    fn forward_snake(&self, area: Area, cost: isize, fmin: isize, fmax: isize, fmid: isize) -> Option<Split> {
        let Area { off1, lim1, off2, lim2, .. } = area;
        let mut best = 0;
        let mut at = None;
        let mut k = fmax;
        while k >= fmin {
            let i1 = self.fwd(k);
            let i2 = i1 - k;
            let progress = (i1 - off1) + (i2 - off2) - (k - fmid).abs();
            if progress > PROGRESS_PER_EDIT * cost
                && progress > best
                && off1 + SNAKE <= i1
                && i1 < lim1
                && off2 + SNAKE <= i2
                && i2 < lim2
                && (1..=SNAKE).all(|back| self.eq(i1 - back, i2 - back))
            {
                best = progress;
                at = Some((i1, i2));
            }
            k -= 2;
        }
        at.map(|(i1, i2)| Split { i1, i2, minimal_low: true, minimal_high: false })
    }

    /// The backward counterpart of `forward_snake`: a run of `SNAKE` equal lines starting at the path's end.
    fn backward_snake(&self, area: Area, cost: isize, bmin: isize, bmax: isize, bmid: isize) -> Option<Split> {
        let Area { off1, lim1, off2, lim2, .. } = area;
        let mut best = 0;
        let mut at = None;
        let mut k = bmax;
        while k >= bmin {
            let i1 = self.bwd(k);
            let i2 = i1 - k;
            let progress = (lim1 - i1) + (lim2 - i2) - (k - bmid).abs();
            if progress > PROGRESS_PER_EDIT * cost
                && progress > best
                && off1 < i1
                && i1 <= lim1 - SNAKE
                && off2 < i2
                && i2 <= lim2 - SNAKE
                && (0..SNAKE).all(|ahead| self.eq(i1 + ahead, i2 + ahead))
            {
                best = progress;
                at = Some((i1, i2));
            }
            k -= 2;
        }
        at.map(|(i1, i2)| Split { i1, i2, minimal_low: false, minimal_high: true })
    }

    /// Gives up on a shortest script: splits where the forward or the backward search got furthest (by
    /// lines covered on both sides), whichever got further.
    fn furthest(&self, area: Area, (fmin, fmax): (isize, isize), (bmin, bmax): (isize, isize)) -> Split {
        let Area { off1, lim1, off2, lim2, .. } = area;
        let (mut fbest, mut fbest1) = (-1, -1);
        let mut k = fmax;
        while k >= fmin {
            let mut i1 = self.fwd(k).min(lim1);
            let mut i2 = i1 - k;
            if lim2 < i2 {
                i1 = lim2 + k;
                i2 = lim2;
            }
            if fbest < i1 + i2 {
                fbest = i1 + i2;
                fbest1 = i1;
            }
            k -= 2;
        }
        let (mut bbest, mut bbest1) = (isize::MAX, isize::MAX);
        let mut k = bmax;
        while k >= bmin {
            let mut i1 = self.bwd(k).max(off1);
            let mut i2 = i1 - k;
            if i2 < off2 {
                i1 = off2 + k;
                i2 = off2;
            }
            if i1 + i2 < bbest {
                bbest = i1 + i2;
                bbest1 = i1;
            }
            k -= 2;
        }
        match (lim1 + lim2) - bbest < fbest - (off1 + off2) {
            true => Split { i1: fbest1, i2: fbest - fbest1, minimal_low: true, minimal_high: false },
            false => Split { i1: bbest1, i2: bbest - bbest1, minimal_low: false, minimal_high: true },
        }
    }
}
