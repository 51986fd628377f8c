//! One seeded run: a discrete-event model of Go's scheduler (GOMAXPROCS Ps, each with a `runnext` slot and a
//! local queue; `go` and wake-ups go to `runnext`; idle Ps are woken with an OS-thread latency and steal),
//! with jittered per-micro-step costs and GC stop-the-world windows. The P model matters: it is why the
//! handbook's program usually exits cleanly (main, readied into `runnext`, exits before the extra Done runs).

use super::budget::{Budget, CHECK_EVERY};
use super::gc::{GcTimeline, MARK_ASSIST_FACTOR};
use super::machine::{GStatus, Machine, MicroStep, StepInfo, Terminal};
use super::maps::MapLayout;
use super::program::{Instr, Program};
use super::rng::SimRng;
use super::SimOptions;
use serde::Serialize;
use std::collections::VecDeque;

/// One micro-step in a run's timeline: who, what, where, when, and the touched map's header afterwards.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub t_ns: f64,
    pub goroutine: u32,
    /// The Go operation (`read`, `write`, `wg_wait`, ...) and its runtime micro-step.
    pub op: &'static str,
    pub step: MicroStep,
    pub line: u32,
    pub map: Option<u16>,
    /// `h.flags` (classic) or `m.writing` (Swiss) of the touched map (map 0 for other steps) after the step.
    pub flags: u8,
    pub blocked: bool,
    pub proc: u8,
}

/// Mean cost in ns of a micro-step before jitter; the numbers are rough amd64 figures, what matters is ratios.
fn base_cost(info: &StepInfo, map_count: usize) -> f64 {
    match info.micro {
        MicroStep::ReadCheck | MicroStep::WriteCheck | MicroStep::DeleteCheck => 2.0,
        MicroStep::ReadHash | MicroStep::WriteHash | MicroStep::DeleteHash => 8.0,
        MicroStep::ReadProbe => 10.0,
        MicroStep::WriteToggle | MicroStep::DeleteToggle => 1.0,
        MicroStep::WriteInsert | MicroStep::DeleteRemove => {
            if info.grew {
                15.0 + 12.0 * map_count as f64
            } else {
                15.0
            }
        }
        MicroStep::WriteRecheck | MicroStep::DeleteRecheck | MicroStep::WriteClear | MicroStep::DeleteClear => 1.0,
        MicroStep::IterInit => 30.0,
        MicroStep::IterNext => 8.0,
        MicroStep::Go => 250.0,
        MicroStep::WgAdd | MicroStep::WgWait | MicroStep::WgWake => 12.0,
        MicroStep::Lock | MicroStep::Unlock | MicroStep::RLock | MicroStep::RUnlock => 15.0,
        MicroStep::Send | MicroStep::Recv => 60.0,
        MicroStep::SyncMap => 40.0,
        MicroStep::Sleep => 50.0,
        MicroStep::Alloc => 20.0 + info.alloc_bytes as f64 * 0.05,
        MicroStep::Work => info.work_ns,
        MicroStep::Return => 40.0,
    }
}

const SWITCH_NS: f64 = 150.0;
/// Per micro-step chance of a long stall (5-50 µs).
const STALL_CHANCE: f64 = 1e-5;
/// Another P touched the map header this recently: its cache line is contended.
const CONTENTION_NS: f64 = 5_000.0;

/// Chance that a write window opened under contention is visible to other cores at all. Calibrated against
/// real runs of assets/sim (docs/simulator.md): without it every overlapping loop crashes at once, while real
/// programs race for milliseconds before a check lands in a window.
fn visible_under_contention(layout: MapLayout) -> f64 {
    match layout {
        MapLayout::Swiss => 5e-5,
        MapLayout::Classic => 3e-5,
    }
}
const MAIN_EXIT_NS: f64 = 1_500.0;
const PREEMPT_NS: f64 = 10_000_000.0;

#[derive(Debug, Clone, Default)]
struct Proc {
    t: f64,
    current: Option<usize>,
    runnext: Option<usize>,
    queue: VecDeque<usize>,
    idle: bool,
    run_start: f64,
}

/// The raw result of a run, before rendering.
pub struct RawRun {
    pub machine: Machine,
    pub timeline: Vec<Event>,
    pub end_ns: f64,
    pub micro_steps: u64,
    pub race_times: Vec<f64>,
    /// Start time of the last micro-step executed (the crash, for a crashing run).
    pub last_step_ns: f64,
}

struct Sched<'a> {
    m: Machine,
    rng: SimRng,
    procs: Vec<Proc>,
    global: VecDeque<usize>,
    timers: Vec<(f64, usize)>,
    gc: &'a GcTimeline,
    exit_charged: bool,
    /// When each goroutine became runnable: a P that picks it up cannot run it earlier.
    ready_at: Vec<f64>,
}

impl Sched<'_> {
    fn jitter(&mut self, cost: f64) -> f64 {
        let mut c = cost * self.rng.range_f64(0.6, 1.4);
        // Rare long stalls: the OS deschedules the thread, an interrupt, a page fault.
        if self.rng.chance(STALL_CHANCE) {
            c += self.rng.range_f64(5_000.0, 50_000.0);
        }
        c
    }

    /// `wakep`: start an idle P after an OS-thread wake-up latency, log-uniform between 2 and 80 µs.
    fn wakep(&mut self, now: f64) {
        if let Some(i) = self.procs.iter().position(|p| p.idle) {
            let lat = (2_000.0f64.ln() + self.rng.unit() * 40.0f64.ln()).exp();
            let pr = &mut self.procs[i];
            pr.idle = false;
            pr.t = pr.t.max(now + lat);
        }
    }

    /// `runqput(pp, g, next=true)`: the new goroutine takes runnext, the old one goes to the queue tail.
    fn ready(&mut self, pi: usize, g: usize, now: f64) {
        if self.ready_at.len() <= g {
            self.ready_at.resize(g + 1, 0.0);
        }
        self.ready_at[g] = now;
        if let Some(old) = self.procs[pi].runnext.replace(g) {
            self.procs[pi].queue.push_back(old);
        }
        self.wakep(now);
    }

    fn find_work(&mut self, pi: usize) -> Option<usize> {
        if let Some(g) = self.procs[pi].runnext.take() {
            return Some(g);
        }
        if let Some(g) = self.procs[pi].queue.pop_front() {
            return Some(g);
        }
        if let Some(g) = self.global.pop_front() {
            return Some(g);
        }
        // Steal half of the longest other queue.
        let victim = (0..self.procs.len()).filter(|&j| j != pi).max_by_key(|&j| self.procs[j].queue.len())?;
        let n = self.procs[victim].queue.len();
        if n == 0 {
            return None;
        }
        let take = n.div_ceil(2);
        let stolen: Vec<usize> = self.procs[victim].queue.drain(..take).collect();
        let mut it = stolen.into_iter();
        let first = it.next();
        self.procs[pi].queue.extend(it);
        first
    }

    fn fire_timers(&mut self, upto: f64) {
        let mut i = 0;
        while i < self.timers.len() {
            if self.timers[i].0 <= upto {
                let (t, g) = self.timers.swap_remove(i);
                if self.ready_at.len() <= g {
                    self.ready_at.resize(g + 1, 0.0);
                }
                self.ready_at[g] = t;
                self.global.push_back(g);
                self.wakep(t);
            } else {
                i += 1;
            }
        }
    }
}

/// Runs the program once under `opts` (its seed) and returns the machine at the end and the timeline.
pub fn run_raw(p: &Program, opts: &SimOptions, seed: u64) -> RawRun {
    run_raw_indexed(p, opts, seed, &GcTimeline::new(&opts.gc))
}

/// What a run accumulates as it goes: the timeline, the race times and the counters the budgets read.
struct Tally {
    timeline: Vec<Event>,
    race_times: Vec<f64>,
    steps: u64,
    last_step: f64,
    now: f64,
    /// The machine's size, refreshed every `CHECK_EVERY` steps (measuring it is not free).
    machine_bytes: usize,
    /// When each P last touched each map (`map * procs + p`): a write window another P touched within
    /// `CONTENTION_NS` is the one a racing read may see.
    last_touch: Vec<f64>,
}

impl Tally {
    /// The budget this run has used up, if any: steps, a cancellation, or memory.
    fn exhausted(&mut self, m: &Machine, opts: &SimOptions) -> Option<Terminal> {
        if self.steps >= opts.max_steps {
            return Some(Terminal::StepLimit);
        }
        if self.steps.is_multiple_of(CHECK_EVERY) && self.steps > 0 {
            if opts.stop.requested() {
                return Some(Terminal::Stopped(Budget::Cancelled));
            }
            self.machine_bytes = m.approx_bytes();
        }
        let bytes = self.machine_bytes + self.timeline.len() * std::mem::size_of::<Event>();
        (bytes > opts.max_bytes).then_some(Terminal::Stopped(Budget::Memory))
    }
}

/// `run_raw` with `opts.gc` already indexed: a batch indexes the log's GC windows once for all its runs.
pub fn run_raw_indexed(p: &Program, opts: &SimOptions, seed: u64, gc: &GcTimeline) -> RawRun {
    let procs = opts.procs.max(1) as usize;
    let mut s = Sched {
        m: Machine::new(p, opts.go.layout(), opts.first_goid()),
        rng: SimRng::new(seed),
        procs: vec![Proc { idle: true, ..Proc::default() }; procs],
        global: VecDeque::new(),
        timers: Vec::new(),
        gc,
        exit_charged: false,
        ready_at: vec![0.0],
    };
    s.procs[0] = Proc { current: Some(0), ..Proc::default() };
    let mut tally = Tally {
        timeline: Vec::new(),
        race_times: Vec::new(),
        steps: 0,
        last_step: 0.0,
        now: 0.0,
        machine_bytes: s.m.approx_bytes(),
        last_touch: vec![f64::NEG_INFINITY; p.maps.len() * procs],
    };
    while s.m.terminal.is_none() {
        if let Some(end) = tally.exhausted(&s.m, opts) {
            s.m.terminal = Some((end, 0));
            break;
        }
        let Some(pi) = s.next_proc() else {
            // Everyone idle: the next timer, if any, restarts the world; otherwise it is a deadlock.
            if s.restart_from_timers() {
                continue;
            }
            s.m.check_deadlock();
            break;
        };
        let t = s.procs[pi].t;
        if let Some(end) = s.gc.stw_end(t) {
            s.procs[pi].t = end;
            continue;
        }
        s.fire_timers(t);
        let Some(g) = s.running_on(pi) else { continue };
        // main returning starts process exit, which takes a while; other Ps keep running meanwhile.
        if g == 0 && !s.exit_charged && matches!(p.goroutines[0].code.get(s.m_pc0()), Some(Instr::Return { .. })) {
            s.exit_charged = true;
            s.procs[pi].t += MAIN_EXIT_NS;
            continue;
        }
        s.step_on(p, opts, pi, g, &mut tally);
    }
    let end_ns = s.procs.iter().map(|p| p.t).fold(tally.now, f64::max);
    RawRun {
        machine: s.m,
        timeline: tally.timeline,
        end_ns,
        micro_steps: tally.steps,
        race_times: tally.race_times,
        last_step_ns: tally.last_step,
    }
}

impl Sched<'_> {
    /// The busy P with the earliest clock acts next; ties are broken by the seed.
    fn next_proc(&mut self) -> Option<usize> {
        let mut best: Option<usize> = None;
        for i in 0..self.procs.len() {
            if self.procs[i].idle {
                continue;
            }
            best = match best {
                None => Some(i),
                Some(b)
                    if self.procs[i].t < self.procs[b].t
                        || (self.procs[i].t == self.procs[b].t && self.rng.chance(0.5)) =>
                {
                    Some(i)
                }
                keep => keep,
            };
        }
        best
    }

    /// With every P idle, fires the earliest timer and brings the woken Ps' clocks up to it; false when no
    /// timer is left (a deadlock).
    fn restart_from_timers(&mut self) -> bool {
        let Some(&(t, _)) = self.timers.iter().min_by(|a, b| a.0.total_cmp(&b.0)) else { return false };
        self.fire_timers(t);
        for pr in self.procs.iter_mut().filter(|pr| !pr.idle) {
            pr.t = pr.t.max(t);
        }
        true
    }

    /// The goroutine P `pi` runs now, or None when it just switched to one (the switch costs time) or went idle.
    fn running_on(&mut self, pi: usize) -> Option<usize> {
        if let Some(g) = self.procs[pi].current {
            return Some(g);
        }
        match self.find_work(pi) {
            Some(g) => {
                self.procs[pi].current = Some(g);
                let ready = self.ready_at.get(g).copied().unwrap_or(0.0);
                self.procs[pi].t = self.procs[pi].t.max(ready) + SWITCH_NS;
                self.procs[pi].run_start = self.procs[pi].t;
            }
            None => self.procs[pi].idle = true,
        }
        None
    }

    /// One micro-step of goroutine `g` on P `pi` at the P's clock: whether the write window it opens is hidden
    /// from other Ps, its cost, its timeline entry, and who it readied, parked or preempted.
    fn step_on(&mut self, p: &Program, opts: &SimOptions, pi: usize, g: usize, tally: &mut Tally) {
        let procs = self.procs.len();
        let mut t = self.procs[pi].t;
        tally.now = tally.now.max(t);
        tally.last_step = t;
        let touched = self.m.next_map(p, g);
        self.m.hide_window = match touched {
            Some(map) => {
                let last_touch = &tally.last_touch;
                let contended = (0..procs).any(|q| q != pi && t - last_touch[map * procs + q] < CONTENTION_NS);
                contended && !self.rng.chance(visible_under_contention(opts.go.layout()))
            }
            None => false,
        };
        let info = self.m.step(p, g);
        if let Some(map) = touched {
            tally.last_touch[map * procs + pi] = t;
        }
        tally.steps += 1;
        let map_idx = info.map.map(|x| x as usize).unwrap_or(0);
        let count = self.m.maps.get(map_idx).map(|h| h.count()).unwrap_or(0);
        let mut cost = base_cost(&info, count);
        if info.micro == MicroStep::Alloc && self.gc.marking(t) {
            cost *= MARK_ASSIST_FACTOR;
        }
        cost = self.jitter(cost);
        if info.race.is_some() {
            tally.race_times.push(t);
        }
        if opts.record_timeline {
            tally.timeline.push(Event {
                t_ns: t,
                goroutine: self.m.goroutines[g].goid,
                op: info.micro.op(),
                step: info.micro,
                line: info.line,
                map: info.map,
                flags: self.m.maps.get(map_idx).map(|h| h.flags).unwrap_or(0),
                blocked: info.blocked,
                proc: pi as u8,
            });
        }
        t += cost;
        self.procs[pi].t = t;
        self.after_step(opts, pi, g, &info, t);
    }

    /// Readies what the step spawned or woke, and takes `g` off the P if it sleeps, blocked, finished or has
    /// used its time slice while others wait.
    fn after_step(&mut self, opts: &SimOptions, pi: usize, g: usize, info: &StepInfo, t: f64) {
        if let Some(child) = info.spawned {
            self.ready(pi, child, t);
            self.m.enforce_goroutine_budget(opts.max_goroutines);
        }
        for i in 0..self.m.woken.len() {
            let w = self.m.woken[i];
            self.ready(pi, w, t);
        }
        let status = self.m.goroutines[g].status;
        if info.sleep_ns > 0.0 {
            self.timers.push((t + info.sleep_ns, g));
            self.procs[pi].current = None;
        } else if status != GStatus::Runnable {
            self.procs[pi].current = None;
        } else if t - self.procs[pi].run_start > PREEMPT_NS && !self.procs[pi].queue.is_empty() {
            self.global.push_back(g);
            self.procs[pi].current = None;
        }
    }
}

impl Sched<'_> {
    fn m_pc0(&self) -> usize {
        self.m.pc_of(0)
    }
}
