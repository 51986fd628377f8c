//! The program state and its single transition, `step(goroutine)`: one micro-step of one goroutine. Both the
//! seeded scheduler and the exhaustive explorer drive this same function, so a schedule found by exploration
//! replays exactly as a run, and the two modes cannot disagree about what a step does.

use super::maps::{MapHeader, MapLayout};
use super::program::{Instr, Program, MAX_LOOP_DEPTH};
use super::race::{RaceDetector, RaceReport};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GStatus {
    Runnable,
    Blocked,
    Done,
}

/// One goroutine instance.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Goroutine {
    pub template: u16,
    /// The id a traceback prints (`goroutine 7 [running]:`).
    pub goid: u32,
    /// Instance that ran the `go` statement, and its line.
    pub parent: u16,
    pub created_line: u32,
    pub status: GStatus,
    pc: u32,
    micro: u16,
    iter_left: u32,
    /// Loop counters, innermost last (`MAX_LOOP_DEPTH` deep at most: a fixed array keeps states cheap to clone).
    loops: [u32; MAX_LOOP_DEPTH],
    depth: u8,
}

impl Goroutine {
    /// A goroutine about to run its template's first operation.
    fn new(template: u16, goid: u32, parent: u16, created_line: u32) -> Self {
        Goroutine {
            template,
            goid,
            parent,
            created_line,
            status: GStatus::Runnable,
            pc: 0,
            micro: 0,
            iter_left: 0,
            loops: [0; MAX_LOOP_DEPTH],
            depth: 0,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
struct WaitGroupState {
    counter: i64,
    waiters: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
struct MutexState {
    locked: bool,
    readers: u32,
    writers_waiting: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
struct ChannelState {
    buffered: u32,
    recv_waiting: u32,
    send_waiting: u32,
    handed_to_recv: u32,
    handed_to_send: u32,
}

/// What one micro-step did, for the scheduler's costs and the timeline.
#[derive(Debug, Clone, Copy)]
pub struct StepInfo {
    pub micro: MicroStep,
    pub line: u32,
    pub map: Option<u16>,
    pub blocked: bool,
    pub finished_op: bool,
    pub spawned: Option<usize>,
    pub sleep_ns: f64,
    pub work_ns: f64,
    pub alloc_bytes: u64,
    /// Inserting grew the map (rehash work).
    pub grew: bool,
    pub race: Option<RaceReport>,
}

/// The whole state: goroutines, map headers, sync objects, race detector. Hashable so exploration can memoise.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Machine {
    pub layout: MapLayout,
    pub goroutines: Vec<Goroutine>,
    pub maps: Vec<MapHeader>,
    wgs: Vec<WaitGroupState>,
    mutexes: Vec<MutexState>,
    chans: Vec<ChannelState>,
    pub race: RaceDetector,
    pub terminal: Option<(Terminal, usize)>,
    next_goid: u32,
    /// Goroutines made runnable by the last step (scratch, cleared every step).
    pub woken: Vec<usize>,
    /// Set by the seeded scheduler before a step: a write window opened by this step is invisible to other
    /// cores (see `MapHeader::hidden`). Exhaustive exploration leaves it false: every window is visible.
    pub hide_window: bool,
}

/// Offsets of each sync object's clock in the race detector.
pub(super) struct ClockIds {
    mutex: usize,
    readers: usize,
    chan_send: usize,
    chan_recv: usize,
    syncmap: usize,
}

pub(super) fn clock_ids(p: &Program) -> ClockIds {
    let mutex = p.waitgroups.len();
    let readers = mutex + p.mutexes.len();
    let chan_send = readers + p.mutexes.len();
    let chan_recv = chan_send + p.channels.len();
    let syncmap = chan_recv + p.channels.len();
    ClockIds { mutex, readers, chan_send, chan_recv, syncmap }
}

impl Machine {
    pub fn new(p: &Program, layout: MapLayout, first_goid: u32) -> Machine {
        let ids = clock_ids(p);
        let main = Goroutine::new(0, 1, 0, 0);
        let mut m = Machine {
            layout,
            goroutines: vec![main],
            maps: vec![MapHeader::default(); p.maps.len()],
            wgs: vec![WaitGroupState::default(); p.waitgroups.len()],
            mutexes: vec![MutexState::default(); p.mutexes.len()],
            chans: vec![ChannelState::default(); p.channels.len()],
            race: RaceDetector::new(ids.syncmap + p.syncmaps.len(), p.maps.len()),
            terminal: None,
            next_goid: first_goid,
            woken: Vec::new(),
            hide_window: false,
        };
        m.settle(p, 0);
        m
    }

    /// The map goroutine `g`'s next micro-step touches, if any.
    pub fn next_map(&self, p: &Program, g: usize) -> Option<usize> {
        let gr = &self.goroutines[g];
        match p.goroutines[gr.template as usize].code.get(gr.pc as usize) {
            Some(Instr::Map { map, .. }) => Some(*map as usize),
            _ => None,
        }
    }

    pub fn pc_of(&self, g: usize) -> usize {
        self.goroutines[g].pc as usize
    }

    pub fn runnable(&self, g: usize) -> bool {
        self.terminal.is_none() && self.goroutines[g].status == GStatus::Runnable
    }

    /// The source line goroutine `g` is at (for tracebacks of goroutines that did not crash).
    pub fn line_of(&self, p: &Program, g: usize) -> u32 {
        let gr = &self.goroutines[g];
        p.goroutines[gr.template as usize].code.get(gr.pc as usize).map(Instr::line).unwrap_or(0)
    }

    /// Whether `g` is blocked in `WaitGroup.Wait` (for the traceback's `[semacquire]` state).
    pub fn blocked_instr(&self, p: &Program, g: usize) -> Option<Instr> {
        let gr = &self.goroutines[g];
        (gr.status == GStatus::Blocked).then(|| p.goroutines[gr.template as usize].code[gr.pc as usize])
    }

    /// Estimated bytes held by this state (goroutines, race detector, map keys): the memory budget's measure.
    pub fn approx_bytes(&self) -> usize {
        let keys: usize = self.maps.iter().map(|m| m.keys.len()).sum();
        std::mem::size_of::<Machine>()
            + self.goroutines.len() * std::mem::size_of::<Goroutine>()
            + self.race.approx_bytes()
            + keys * 40
    }

    /// Ends the run when it started more goroutines than `max` (checked after each step by both drivers).
    pub fn enforce_goroutine_budget(&mut self, max: usize) {
        if self.terminal.is_none() && self.goroutines.len() > max {
            self.terminal = Some((Terminal::Stopped(super::Budget::Goroutines), 0));
        }
    }

    /// Declares the deadlock if nothing can run and main has not returned.
    pub fn check_deadlock(&mut self) -> bool {
        if self.terminal.is_none() && !self.goroutines.iter().any(|g| g.status == GStatus::Runnable) {
            self.terminal = Some((Terminal::Deadlock, 0));
            return true;
        }
        false
    }

    /// Runs loop bookkeeping so the goroutine stands on a real instruction.
    fn settle(&mut self, p: &Program, g: usize) {
        let code = &p.goroutines[self.goroutines[g].template as usize].code;
        let gr = &mut self.goroutines[g];
        loop {
            match code[gr.pc as usize] {
                Instr::LoopHead { times, exit } => {
                    if times == 0 {
                        gr.pc = exit;
                    } else {
                        gr.loops[gr.depth as usize] = 0;
                        gr.depth += 1;
                        gr.pc += 1;
                    }
                }
                Instr::LoopTail { head } => {
                    let times = match code[head as usize] {
                        Instr::LoopHead { times, .. } => times,
                        _ => 0,
                    };
                    let top = (gr.depth as usize).checked_sub(1);
                    let done = match top.map(|d| &mut gr.loops[d]) {
                        Some(c) if *c + 1 < times => {
                            *c += 1;
                            false
                        }
                        _ => true,
                    };
                    if done {
                        gr.depth = gr.depth.saturating_sub(1);
                        gr.pc += 1;
                    } else {
                        gr.pc = head + 1;
                    }
                }
                _ => return,
            }
        }
    }

    fn finish_instr(&mut self, p: &Program, g: usize) {
        let gr = &mut self.goroutines[g];
        gr.pc += 1;
        gr.micro = 0;
        self.settle(p, g);
    }

    fn block(&mut self, g: usize) {
        self.goroutines[g].status = GStatus::Blocked;
    }

    /// Wakes every goroutine blocked on an instruction matching `pred`; they retry on their next step.
    fn wake(&mut self, p: &Program, pred: impl Fn(&Instr) -> bool) {
        for i in 0..self.goroutines.len() {
            let gr = &self.goroutines[i];
            if gr.status == GStatus::Blocked && pred(&p.goroutines[gr.template as usize].code[gr.pc as usize]) {
                self.goroutines[i].status = GStatus::Runnable;
                self.woken.push(i);
            }
        }
    }

    fn die(&mut self, g: usize, t: Terminal) {
        self.terminal = Some((t, g));
    }

    /// Executes one micro-step of goroutine `g`, which must be runnable.
    pub fn step(&mut self, p: &Program, g: usize) -> StepInfo {
        self.woken.clear();
        let (template, pc, micro) = {
            let gr = &self.goroutines[g];
            (gr.template as usize, gr.pc as usize, gr.micro)
        };
        let instr = p.goroutines[template].code[pc];
        let mut info = StepInfo {
            micro: MicroStep::Return,
            line: instr.line(),
            map: None,
            blocked: false,
            finished_op: true,
            spawned: None,
            sleep_ns: 0.0,
            work_ns: 0.0,
            alloc_bytes: 0,
            grew: false,
            race: None,
        };
        let mut advance = true;
        match instr {
            Instr::Map { op, map, key, line } => {
                info.map = Some(map);
                let gr = &self.goroutines[g];
                let key = key.eval(&gr.loops[..gr.depth as usize]);
                let access = map_ops::Access { op, map: map as usize, key, line };
                advance = self.map_step(g, access, micro, &mut info);
            }
            Instr::Go { target, line } => {
                info.micro = MicroStep::Go;
                info.spawned = Some(self.spawn(p, g, target, line));
            }
            Instr::WgAdd { wg, delta, .. } => {
                info.micro = MicroStep::WgAdd;
                self.wg_add_step(p, g, wg, delta);
            }
            Instr::WgWait { wg, .. } => advance = self.wg_wait_step(g, wg as usize, micro, &mut info),
            Instr::Lock { mu, .. } | Instr::RLock { mu, .. } => {
                let write = matches!(instr, Instr::Lock { .. });
                info.micro = if write { MicroStep::Lock } else { MicroStep::RLock };
                advance = self.lock_step(p, g, mu as usize, write, micro, &mut info);
            }
            Instr::Unlock { mu, .. } => {
                info.micro = MicroStep::Unlock;
                self.unlock_step(p, g, mu);
            }
            Instr::RUnlock { mu, .. } => {
                info.micro = MicroStep::RUnlock;
                self.runlock_step(p, g, mu);
            }
            Instr::Send { ch, .. } => {
                info.micro = MicroStep::Send;
                advance = self.send_step(p, g, ch, micro, &mut info);
            }
            Instr::Recv { ch, .. } => {
                info.micro = MicroStep::Recv;
                advance = self.recv_step(p, g, ch, micro, &mut info);
            }
            Instr::SyncMap { sm, .. } => {
                info.micro = MicroStep::SyncMap;
                let ids = clock_ids(p);
                // sync.Map's atomics and internal mutex order every operation with the ones before it.
                self.race.acquire_release(g, ids.syncmap + sm as usize);
            }
            Instr::Sleep { ns, .. } => {
                info.micro = MicroStep::Sleep;
                info.sleep_ns = ns;
            }
            Instr::Alloc { bytes, .. } => {
                info.micro = MicroStep::Alloc;
                info.alloc_bytes = bytes;
            }
            Instr::Work { ns, .. } => {
                info.micro = MicroStep::Work;
                info.work_ns = ns;
            }
            Instr::Return { .. } => {
                info.micro = MicroStep::Return;
                if g == 0 {
                    self.die(0, Terminal::Exit);
                } else {
                    self.goroutines[g].status = GStatus::Done;
                }
                advance = false;
            }
            Instr::LoopHead { .. } | Instr::LoopTail { .. } => {}
        }
        if self.terminal.is_some() {
            info.finished_op = true;
            return info;
        }
        if advance {
            self.finish_instr(p, g);
        } else {
            info.finished_op = false;
        }
        info
    }
}

mod blocking;
mod map_ops;
mod outcome;
mod release;

pub use outcome::{FatalKind, MicroStep, PanicKind, Terminal};
