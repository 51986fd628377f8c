//! The steps that never block their own goroutine but may wake others: starting a goroutine, `WaitGroup.Add`
//! (and `Done`, an Add of -1), `Unlock` and `RUnlock`, and the `WaitGroup.Wait` that parks until the counter
//! reaches zero. Each misuse the runtime catches here (a negative counter, an unlock of an unlocked mutex, a
//! WaitGroup reused before Wait returned) ends the run with Go's own panic or fatal error.

use super::{clock_ids, FatalKind, Goroutine, Machine, MicroStep, PanicKind, StepInfo, Terminal, WaitGroupState};
use crate::sim::program::{Instr, Program};

impl Machine {
    /// `go f()`: the child inherits the parent's happens-before clock; returns its index.
    pub(super) fn spawn(&mut self, p: &Program, g: usize, target: u16, line: u32) -> usize {
        let child = self.goroutines.len();
        self.goroutines.push(Goroutine::new(target, self.next_goid, g as u16, line));
        self.next_goid += 1;
        self.race.fork(g, child);
        self.settle(p, child);
        child
    }

    /// `wg.Add(delta)`: a counter below zero panics, as does an Add from zero while Wait is parked; reaching zero
    /// wakes every waiter.
    pub(super) fn wg_add_step(&mut self, p: &Program, g: usize, wg: u16, delta: i64) {
        let w = wg as usize;
        if delta < 0 {
            self.race.release_merge(g, w);
        }
        let st = &mut self.wgs[w];
        st.counter += delta;
        let (v, waiters) = (st.counter, st.waiters);
        if v < 0 {
            self.die(g, Terminal::Panic(PanicKind::NegativeCounter));
        } else if waiters != 0 && delta > 0 && v == delta {
            self.die(g, Terminal::Panic(PanicKind::AddConcurrentWithWait));
        } else if v == 0 && waiters > 0 {
            *st = WaitGroupState::default();
            self.wake(p, |i| matches!(i, Instr::WgWait { wg: x, .. } if *x == wg));
        }
    }

    /// `wg.Wait()`: returns at once on a zero counter, else parks; woken, it re-reads the state to catch a
    /// WaitGroup reused before Wait returned. Returns true when Wait is done.
    pub(super) fn wg_wait_step(&mut self, g: usize, w: usize, micro: u16, info: &mut StepInfo) -> bool {
        if micro == 0 {
            info.micro = MicroStep::WgWait;
            if self.wgs[w].counter == 0 {
                self.race.acquire(g, w);
                return true;
            }
            self.wgs[w].waiters += 1;
            self.goroutines[g].micro = 1;
            self.block(g);
            info.blocked = true;
            return false;
        }
        // Woken by the Add that reached zero: Wait re-reads the state to catch reuse.
        info.micro = MicroStep::WgWake;
        let st = &self.wgs[w];
        let reset = st.counter != 0 || st.waiters != 0;
        self.race.acquire(g, w);
        if reset {
            self.die(g, Terminal::Panic(PanicKind::ReusedBeforeWait));
        }
        true
    }

    /// `mu.Unlock()`: a fatal error on an unlocked mutex; else it releases and wakes the lockers.
    pub(super) fn unlock_step(&mut self, p: &Program, g: usize, mu: u16) {
        let m = mu as usize;
        if !self.mutexes[m].locked {
            self.die(g, Terminal::Fatal(FatalKind::UnlockOfUnlocked));
            return;
        }
        self.mutexes[m].locked = false;
        self.race.release(g, clock_ids(p).mutex + m);
        self.wake(p, |i| matches!(i, Instr::Lock { mu: x, .. } | Instr::RLock { mu: x, .. } if *x == mu));
    }

    /// `mu.RUnlock()`: a fatal error without readers; the last reader out wakes the writers.
    pub(super) fn runlock_step(&mut self, p: &Program, g: usize, mu: u16) {
        let m = mu as usize;
        if self.mutexes[m].readers == 0 {
            self.die(g, Terminal::Fatal(FatalKind::RUnlockOfUnlocked));
            return;
        }
        self.mutexes[m].readers -= 1;
        self.race.release_merge(g, clock_ids(p).readers + m);
        if self.mutexes[m].readers == 0 {
            self.wake(p, |i| matches!(i, Instr::Lock { mu: x, .. } if *x == mu));
        }
    }
}
