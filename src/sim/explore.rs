//! Exhaustive mode: every schedule at micro-step granularity. Paths explode (two goroutines with three writes
//! each have ~10^10 interleavings), states do not: this memoises states and counts schedules by dynamic
//! programming, `count(s) = Σ count(step(s, g))` over runnable g, then rebuilds one witness per outcome by
//! walking the memo. Time, costs and GC play no part: every order is allowed.

use super::machine::{Machine, Terminal};
use super::program::Program;
use super::summary::Summary;
use super::SimOptions;
use serde::Serialize;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::rc::Rc;

/// Deepest schedule explored before giving up. The search recurses once per micro-step, so this keeps it far
/// from the stack limit even on a 2 MiB test thread; any program this deep has far too many states anyway.
const MAX_DEPTH: usize = 1_000;

type Counts = Rc<Vec<(u16, u128)>>;

/// The Fx hash (rustc's): states are hashed once per visit and SipHash's DoS resistance buys nothing here.
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }
    fn write_u16(&mut self, i: u16) {
        self.add(i as u64);
    }
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A state with its hash computed once: lookups and the insert after exploring it reuse it.
struct StateKey {
    hash: u64,
    machine: Machine,
}

impl StateKey {
    fn new(machine: Machine) -> Self {
        let mut h = FxHasher::default();
        machine.hash(&mut h);
        Self { hash: h.finish(), machine }
    }
}

impl PartialEq for StateKey {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && self.machine == other.machine
    }
}

impl Eq for StateKey {}

impl Hash for StateKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// Schedules ending one way, with one of them.
#[derive(Debug, Clone, Serialize)]
pub struct OutcomeCount {
    pub terminal: Terminal,
    pub message: Option<String>,
    pub raced: bool,
    pub schedules: u128,
    /// Goroutine ids in the order they took micro-steps.
    pub witness: Vec<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExhaustiveResult {
    pub program: String,
    pub go_version: String,
    /// False when the state limit or depth limit was hit: the counts are then missing.
    pub complete: bool,
    /// Why the exploration stopped short other than the state and depth limits (a budget, or cancelled), in
    /// words; not serialised (the JSON shape is fixed), callers report it.
    #[serde(skip)]
    pub stopped: Option<String>,
    pub states: usize,
    pub interleavings: u128,
    /// True if a count overflowed u128 and was clamped.
    pub saturated: bool,
    pub outcomes: Vec<OutcomeCount>,
    pub summary: Summary,
}

struct Explorer<'a> {
    p: &'a Program,
    memo: HashMap<StateKey, Counts, BuildHasherDefault<FxHasher>>,
    outcomes: Vec<(Terminal, bool)>,
    limit: usize,
    exceeded: bool,
    saturated: bool,
    /// Estimated bytes of the memoised states, against `max_bytes`.
    bytes: usize,
    max_bytes: usize,
    max_goroutines: usize,
    stop: super::Stop,
    /// Set when memory or goroutines ran out, or the caller stopped the exploration.
    stopped: Option<super::Budget>,
}

impl Explorer<'_> {
    fn outcome_index(&mut self, t: Terminal, raced: bool) -> u16 {
        if let Some(i) = self.outcomes.iter().position(|o| *o == (t, raced)) {
            return i as u16;
        }
        self.outcomes.push((t, raced));
        (self.outcomes.len() - 1) as u16
    }

    fn successors(&self, m: &Machine) -> Vec<(usize, Machine)> {
        (0..m.goroutines.len())
            .filter(|&g| m.runnable(g))
            .map(|g| {
                let mut next = m.clone();
                next.step(self.p, g);
                next.woken.clear();
                next.enforce_goroutine_budget(self.max_goroutines);
                (g, next)
            })
            .collect()
    }

    fn count(&mut self, m: Machine, depth: usize) -> Option<Counts> {
        let key = StateKey::new(m);
        if let Some(c) = self.memo.get(&key) {
            return Some(c.clone());
        }
        let m = &key.machine;
        if self.memo.len() >= self.limit || depth > MAX_DEPTH {
            self.exceeded = true;
            return None;
        }
        if let Some((Terminal::Stopped(budget), _)) = m.terminal {
            self.stopped = Some(budget);
        } else if self.bytes > self.max_bytes {
            self.stopped = Some(super::Budget::Memory);
        } else if (self.memo.len() as u64).is_multiple_of(super::budget::CHECK_EVERY) && self.stop.requested() {
            self.stopped = Some(super::Budget::Cancelled);
        }
        if self.stopped.is_some() {
            self.exceeded = true;
            return None;
        }
        let stuck = m.terminal.is_none() && !(0..m.goroutines.len()).any(|g| m.runnable(g));
        let counts: Vec<(u16, u128)> = if m.terminal.is_some() || stuck {
            let (t, _) = m.terminal.unwrap_or((Terminal::Deadlock, 0));
            let raced = !m.race.reports.is_empty();
            vec![(self.outcome_index(t, raced), 1)]
        } else {
            let mut acc: Vec<(u16, u128)> = Vec::new();
            for (_, next) in self.successors(m) {
                let c = self.count(next, depth + 1)?;
                for &(o, n) in c.iter() {
                    match acc.iter_mut().find(|(x, _)| *x == o) {
                        Some((_, total)) => {
                            let (sum, over) = total.overflowing_add(n);
                            self.saturated |= over;
                            *total = if over { u128::MAX } else { sum };
                        }
                        None => acc.push((o, n)),
                    }
                }
            }
            acc
        };
        let rc = Rc::new(counts);
        self.bytes += key.machine.approx_bytes() + rc.len() * 24 + 64;
        self.memo.insert(key, rc.clone());
        Some(rc)
    }

    fn witness(&mut self, start: &Machine, outcome: u16) -> Vec<u32> {
        let mut path = Vec::new();
        let mut m = start.clone();
        while m.terminal.is_none() {
            let mut advanced = false;
            for (g, next) in self.successors(&m) {
                let has = self
                    .memo
                    .get(&StateKey::new(next.clone()))
                    .is_some_and(|c| c.iter().any(|(o, n)| *o == outcome && *n > 0));
                if has {
                    path.push(m.goroutines[g].goid);
                    m = next;
                    advanced = true;
                    break;
                }
            }
            if !advanced {
                break;
            }
        }
        path
    }
}

/// Explores every schedule of `program` under `opts.go`, up to `opts.state_limit` distinct states.
pub fn explore(program: &Program, opts: &SimOptions) -> ExhaustiveResult {
    let mut start = Machine::new(program, opts.go.layout(), opts.first_goid());
    start.race.track_slots = false;
    let mut ex = Explorer {
        p: program,
        memo: HashMap::default(),
        outcomes: Vec::new(),
        limit: opts.state_limit,
        exceeded: false,
        saturated: false,
        bytes: 0,
        max_bytes: opts.max_bytes,
        max_goroutines: opts.max_goroutines,
        stop: opts.stop.clone(),
        stopped: None,
    };
    let counts = ex.count(start.clone(), 0);
    let mut summary = Summary::default();
    let mut outcomes = Vec::new();
    if let (Some(counts), false) = (counts, ex.exceeded) {
        for &(o, n) in counts.iter() {
            let (terminal, raced) = ex.outcomes[o as usize];
            summary.record(terminal, raced, n);
            outcomes.push(OutcomeCount {
                terminal,
                message: terminal.message().map(str::to_string),
                raced,
                schedules: n,
                witness: ex.witness(&start, o),
            });
        }
    }
    outcomes.sort_by_key(|o| (o.terminal, o.raced));
    summary.interleavings = Some(summary.runs);
    ExhaustiveResult {
        program: program.name.clone(),
        go_version: opts.go.label(),
        complete: !ex.exceeded,
        stopped: ex.stopped.map(|b| super::budget::explain(b, opts)),
        states: ex.memo.len(),
        interleavings: summary.runs,
        saturated: ex.saturated,
        outcomes,
        summary,
    }
}
