//! The map protocol's micro-steps, one runtime check or store at a time (see `maps.rs` for the source they
//! follow). A crash is decided here and only here: by a flag check that sees another goroutine's write window.

use super::{FatalKind, Goroutine, Machine, MicroStep, StepInfo, Terminal};
use crate::sim::maps::{MapFatal, MapOp};

/// One map access of a goroutine: the operation, the map, the key it names and the source line.
#[derive(Clone, Copy, Debug)]
pub(super) struct Access {
    pub op: MapOp,
    pub map: usize,
    pub key: i64,
    pub line: u32,
}

/// What a micro-step did, and whether the operation is complete.
type Stepped = (MicroStep, bool);

/// Counts the goroutine's micro-step; the operation goes on.
fn next(gr: &mut Goroutine) -> bool {
    gr.micro += 1;
    false
}

impl Machine {
    /// One micro-step of a map operation; returns true when the operation is complete (or crashed).
    pub(super) fn map_step(&mut self, g: usize, a: Access, micro: u16, info: &mut StepInfo) -> bool {
        if micro == 0 {
            // The race hooks sit at the runtime function's entry, before any check: an access to an empty
            // map still counts for -race.
            info.race = self.race.access(g, a.map, a.op, a.line);
        }
        let (step, done) = match a.op {
            MapOp::Read => self.map_read(g, a, micro, info),
            MapOp::Write | MapOp::Delete => self.map_write(g, a, micro, info),
            MapOp::Range => self.map_range(g, a, micro),
        };
        info.micro = step;
        done
    }

    /// The crash a flag check found: goroutine `g` dies of `fatal` at this micro-step.
    fn map_fatal(&mut self, g: usize, fatal: MapFatal, step: MicroStep) -> Stepped {
        self.terminal = Some((Terminal::Fatal(FatalKind::Map(fatal)), g));
        (step, true)
    }

    /// `m[k]`: the flag check, the hash, then the probe and the caller's load of the value.
    fn map_read(&mut self, g: usize, a: Access, micro: u16, info: &mut StepInfo) -> Stepped {
        let layout = self.layout;
        let h = &self.maps[a.map];
        match micro {
            0 if h.count() == 0 => (MicroStep::ReadCheck, true),
            0 if h.writing(layout) && h.visible_to(g) => self.map_fatal(g, MapFatal::ReadWrite, MicroStep::ReadCheck),
            0 => (MicroStep::ReadCheck, next(&mut self.goroutines[g])),
            1 => (MicroStep::ReadHash, next(&mut self.goroutines[g])),
            _ => {
                // The caller then loads the value from the slot it got back: a second, user-code access.
                if h.keys.contains(&a.key) {
                    info.race = self.race.access_slot(g, a.map, a.key, MapOp::Read, a.line);
                }
                (MicroStep::ReadProbe, true)
            }
        }
    }

    /// `m[k] = v` and `delete(m, k)`: check, hash, set the write flag, store or remove, check the flag is still
    /// ours, clear it (and, for a write, the caller's store into the returned slot).
    fn map_write(&mut self, g: usize, a: Access, micro: u16, info: &mut StepInfo) -> Stepped {
        let layout = self.layout;
        let write = a.op == MapOp::Write;
        let pick = |w: MicroStep, d: MicroStep| if write { w } else { d };
        let h = &mut self.maps[a.map];
        let gr = &mut self.goroutines[g];
        match micro {
            0 => {
                let s = pick(MicroStep::WriteCheck, MicroStep::DeleteCheck);
                if !write && h.count() == 0 {
                    (s, true)
                } else if h.writing(layout) && h.visible_to(g) {
                    self.map_fatal(g, MapFatal::Writes, s)
                } else {
                    (s, next(gr))
                }
            }
            1 => (pick(MicroStep::WriteHash, MicroStep::DeleteHash), next(gr)),
            2 => {
                h.toggle(layout);
                h.hidden = self.hide_window;
                h.toggler = g as u16;
                (pick(MicroStep::WriteToggle, MicroStep::DeleteToggle), next(gr))
            }
            3 if write => {
                if h.keys.insert(a.key) {
                    let n = h.count();
                    // Growth points: 8 fills a Swiss small group or a classic bucket, then doubling.
                    info.grew = n > 8 && n.is_power_of_two();
                }
                (MicroStep::WriteInsert, next(gr))
            }
            3 => {
                h.keys.remove(&a.key);
                (MicroStep::DeleteRemove, next(gr))
            }
            4 => {
                let s = pick(MicroStep::WriteRecheck, MicroStep::DeleteRecheck);
                if !h.writing(layout) && h.visible_to(g) {
                    return self.map_fatal(g, MapFatal::Writes, s);
                }
                (s, next(gr))
            }
            _ => {
                h.clear(layout);
                h.hidden = false;
                if write {
                    // mapassign returns the slot; the caller stores the value into it after the clear.
                    info.race = self.race.access_slot(g, a.map, a.key, MapOp::Write, a.line);
                }
                (pick(MicroStep::WriteClear, MicroStep::DeleteClear), true)
            }
        }
    }

    /// `for k := range m`: the iterator's init, then one `mapiternext` per entry and one more to find the end,
    /// each checking the write flag.
    fn map_range(&mut self, g: usize, a: Access, micro: u16) -> Stepped {
        let layout = self.layout;
        let h = &mut self.maps[a.map];
        let gr = &mut self.goroutines[g];
        if micro == 0 {
            if h.count() == 0 {
                return (MicroStep::IterInit, true);
            }
            h.mark_iterated(layout);
            gr.iter_left = h.count() as u32 + 1;
            return (MicroStep::IterInit, next(gr));
        }
        if h.writing(layout) && h.visible_to(g) {
            return self.map_fatal(g, MapFatal::IterationWrite, MicroStep::IterNext);
        }
        gr.iter_left = gr.iter_left.saturating_sub(1);
        (MicroStep::IterNext, gr.iter_left == 0)
    }
}
