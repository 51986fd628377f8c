//! The steps that can block: mutex and RWMutex acquisition and channel send/receive. Kept apart from the map
//! protocol so that each file reads as one piece of the runtime. A blocked goroutine keeps its micro index, so
//! when it is woken it retries the same operation, as a goroutine parked on a semaphore does.

use super::{clock_ids, ChannelState, GStatus, Machine, StepInfo};
use crate::sim::program::{Instr, Program};

impl Machine {
    /// `Lock` / `RLock`: returns true when acquired. A blocked writer counts as waiting, so new readers queue
    /// behind it as they do behind a pending writer in `sync.RWMutex`.
    pub(super) fn lock_step(
        &mut self,
        p: &Program,
        g: usize,
        mu: usize,
        write: bool,
        micro: u16,
        info: &mut StepInfo,
    ) -> bool {
        let ids = clock_ids(p);
        let st = &mut self.mutexes[mu];
        let free = if write { !st.locked && st.readers == 0 } else { !st.locked && st.writers_waiting == 0 };
        if free {
            if write {
                st.locked = true;
                if micro == 1 {
                    st.writers_waiting = st.writers_waiting.saturating_sub(1);
                }
                self.race.acquire(g, ids.mutex + mu);
                self.race.acquire(g, ids.readers + mu);
            } else {
                st.readers += 1;
                self.race.acquire(g, ids.mutex + mu);
            }
            return true;
        }
        if micro == 0 {
            if write && p.mutexes[mu].rw {
                st.writers_waiting += 1;
            }
            self.goroutines[g].micro = 1;
        }
        self.goroutines[g].status = GStatus::Blocked;
        info.blocked = true;
        false
    }

    /// Channel send. Unbuffered sends complete when a receiver takes the value; buffered ones when a slot is free.
    pub(super) fn send_step(&mut self, p: &Program, g: usize, ch: u16, micro: u16, info: &mut StepInfo) -> bool {
        let ids = clock_ids(p);
        let (send_clock, recv_clock) = (ids.chan_send + ch as usize, ids.chan_recv + ch as usize);
        let cap = p.channels[ch as usize].cap;
        let st: &mut ChannelState = &mut self.chans[ch as usize];
        if micro == 0 {
            if st.recv_waiting > 0 {
                st.recv_waiting -= 1;
                st.handed_to_recv += 1;
                self.race.release_merge(g, send_clock);
                self.race.acquire(g, recv_clock);
                self.wake(p, |i| matches!(i, Instr::Recv { ch: x, .. } if *x == ch));
                return true;
            }
            if st.buffered < cap {
                st.buffered += 1;
                self.race.release_merge(g, send_clock);
                return true;
            }
            st.send_waiting += 1;
            self.race.release_merge(g, send_clock);
            self.goroutines[g].micro = 1;
        } else if st.handed_to_send > 0 {
            st.handed_to_send -= 1;
            self.race.acquire(g, recv_clock);
            return true;
        }
        self.goroutines[g].status = GStatus::Blocked;
        info.blocked = true;
        false
    }

    /// Channel receive: from the buffer, from a blocked sender, or block until a sender hands a value over.
    pub(super) fn recv_step(&mut self, p: &Program, g: usize, ch: u16, micro: u16, info: &mut StepInfo) -> bool {
        let ids = clock_ids(p);
        let (send_clock, recv_clock) = (ids.chan_send + ch as usize, ids.chan_recv + ch as usize);
        let cap = p.channels[ch as usize].cap;
        let st: &mut ChannelState = &mut self.chans[ch as usize];
        if micro == 0 {
            if st.buffered > 0 {
                st.buffered -= 1;
                if st.send_waiting > 0 && st.buffered < cap {
                    // A blocked sender's value moves into the freed slot and the sender completes.
                    st.send_waiting -= 1;
                    st.buffered += 1;
                    st.handed_to_send += 1;
                    self.wake(p, |i| matches!(i, Instr::Send { ch: x, .. } if *x == ch));
                }
                self.race.acquire(g, send_clock);
                self.race.release_merge(g, recv_clock);
                return true;
            }
            if st.send_waiting > 0 {
                st.send_waiting -= 1;
                st.handed_to_send += 1;
                self.race.acquire(g, send_clock);
                self.race.release_merge(g, recv_clock);
                self.wake(p, |i| matches!(i, Instr::Send { ch: x, .. } if *x == ch));
                return true;
            }
            st.recv_waiting += 1;
            self.goroutines[g].micro = 1;
        } else if st.handed_to_recv > 0 {
            st.handed_to_recv -= 1;
            self.race.acquire(g, send_clock);
            self.race.release_merge(g, recv_clock);
            return true;
        }
        self.goroutines[g].status = GStatus::Blocked;
        info.blocked = true;
        false
    }
}
