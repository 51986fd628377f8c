//! The map protocol's micro-steps, one runtime check or store at a time (see `maps.rs` for the source they
//! follow). A crash is decided here and only here: by a flag check that sees another goroutine's write window.

use super::{FatalKind, Goroutine, Machine, MicroStep, StepInfo, Terminal};
use crate::sim::maps::{MapFatal, MapOp};

impl Machine {
    /// One micro-step of a map operation; returns true when the operation is complete.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn map_step(
        &mut self,
        g: usize,
        op: MapOp,
        map: usize,
        key: i64,
        line: u32,
        micro: u16,
        info: &mut StepInfo,
    ) -> bool {
        let layout = self.layout;
        if micro == 0 {
            // The race hooks sit at the runtime function's entry, before any check: an access to an empty
            // map still counts for -race.
            info.race = self.race.access(g, map, op, line);
        }
        let h = &mut self.maps[map];
        let next = |gr: &mut Goroutine| {
            gr.micro += 1;
            false
        };
        let gr = &mut self.goroutines[g];
        let (step, done) = match (op, micro) {
            (MapOp::Read, 0) => {
                if h.count() == 0 {
                    (MicroStep::ReadCheck, true)
                } else if h.writing(layout) && h.visible_to(g) {
                    info.micro = MicroStep::ReadCheck;
                    self.terminal = Some((Terminal::Fatal(FatalKind::Map(MapFatal::ReadWrite)), g));
                    return true;
                } else {
                    (MicroStep::ReadCheck, next(gr))
                }
            }
            (MapOp::Read, 1) => (MicroStep::ReadHash, next(gr)),
            (MapOp::Read, _) => {
                // The caller then loads the value from the slot it got back: a second, user-code access.
                if h.keys.contains(&key) {
                    info.race = self.race.access_slot(g, map, key, MapOp::Read, line);
                }
                (MicroStep::ReadProbe, true)
            }
            (MapOp::Write | MapOp::Delete, 0) => {
                let s = if op == MapOp::Write { MicroStep::WriteCheck } else { MicroStep::DeleteCheck };
                if op == MapOp::Delete && h.count() == 0 {
                    (s, true)
                } else if h.writing(layout) && h.visible_to(g) {
                    info.micro = s;
                    self.terminal = Some((Terminal::Fatal(FatalKind::Map(MapFatal::Writes)), g));
                    return true;
                } else {
                    (s, next(gr))
                }
            }
            (MapOp::Write | MapOp::Delete, 1) => {
                (if op == MapOp::Write { MicroStep::WriteHash } else { MicroStep::DeleteHash }, next(gr))
            }
            (MapOp::Write | MapOp::Delete, 2) => {
                h.toggle(layout);
                h.hidden = self.hide_window;
                h.toggler = g as u16;
                (if op == MapOp::Write { MicroStep::WriteToggle } else { MicroStep::DeleteToggle }, next(gr))
            }
            (MapOp::Write, 3) => {
                if h.keys.insert(key) {
                    let n = h.count();
                    // Growth points: 8 fills a Swiss small group or a classic bucket, then doubling.
                    info.grew = n > 8 && n.is_power_of_two();
                }
                (MicroStep::WriteInsert, next(gr))
            }
            (MapOp::Delete, 3) => {
                h.keys.remove(&key);
                (MicroStep::DeleteRemove, next(gr))
            }
            (MapOp::Write | MapOp::Delete, 4) => {
                let s = if op == MapOp::Write { MicroStep::WriteRecheck } else { MicroStep::DeleteRecheck };
                if !h.writing(layout) && h.visible_to(g) {
                    info.micro = s;
                    self.terminal = Some((Terminal::Fatal(FatalKind::Map(MapFatal::Writes)), g));
                    return true;
                }
                (s, next(gr))
            }
            (MapOp::Write | MapOp::Delete, _) => {
                h.clear(layout);
                if op == MapOp::Write {
                    // mapassign returns the slot; the caller stores the value into it after the clear.
                    info.race = self.race.access_slot(g, map, key, MapOp::Write, line);
                }
                h.hidden = false;
                (if op == MapOp::Write { MicroStep::WriteClear } else { MicroStep::DeleteClear }, true)
            }
            (MapOp::Range, 0) => {
                if h.count() == 0 {
                    (MicroStep::IterInit, true)
                } else {
                    h.mark_iterated(layout);
                    // mapiternext runs once per entry and once more to find the end.
                    gr.iter_left = h.count() as u32 + 1;
                    (MicroStep::IterInit, next(gr))
                }
            }
            (MapOp::Range, _) => {
                if h.writing(layout) && h.visible_to(g) {
                    info.micro = MicroStep::IterNext;
                    self.terminal = Some((Terminal::Fatal(FatalKind::Map(MapFatal::IterationWrite)), g));
                    return true;
                }
                gr.iter_left = gr.iter_left.saturating_sub(1);
                (MicroStep::IterNext, gr.iter_left == 0)
            }
        };
        info.micro = step;
        done
    }
}
