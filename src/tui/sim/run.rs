//! The blocking halves of the simulator jobs: one seeded run turned into what the view draws (keeping the start
//! of the timeline and the window before the end), and one program's batch for the crash-rate chart. Pure
//! (`sim` has no I/O); the event loop runs them on blocking threads, tests call them directly.

use super::{Lane, RaceLine, RateRequest, SimEvent, SimRequest, SimRun, HEAD, TAIL};
use crate::sim::{self, GcPhase, SimOptions, Summary, Terminal};

/// Runs `request` once with its timeline and keeps `HEAD` + `TAIL` events of it.
pub fn run_one(request: &SimRequest) -> Result<SimRun, String> {
    let program = request.source.load()?;
    let opts = SimOptions { go: request.go, seed: request.seed, gc: request.gc.clone(), ..SimOptions::default() };
    let outcome = sim::run(&program, &opts);
    let total = outcome.timeline.len();
    let skipped = total.saturating_sub(HEAD + TAIL);
    let keep = |i: usize| skipped == 0 || i < HEAD || i >= total - TAIL;
    let events = outcome
        .timeline
        .iter()
        .enumerate()
        .filter(|(i, _)| keep(*i))
        .map(|(_, e)| SimEvent {
            t_ns: e.t_ns,
            goroutine: e.goroutine,
            step: e.step,
            line: e.line,
            map: e.map,
            flags: e.flags,
            blocked: e.blocked,
        })
        .collect();
    let file = program.file.rsplit('/').next().unwrap_or(&program.file).to_string();
    let races = outcome
        .races
        .iter()
        .map(|r| RaceLine {
            map: r.map.clone(),
            value_slot: r.value_slot,
            current: (op_name(&r.current.op), r.current.line, r.current.goroutine),
            previous: (op_name(&r.previous.op), r.previous.line, r.previous.goroutine),
        })
        .collect();
    let stw = request
        .gc
        .iter()
        .flat_map(|c| {
            let start = c.at_ms * 1e6;
            let mark_start = start + c.stw_sweep_ms.max(0.0) * 1e6;
            let mark_end = mark_start + c.mark_ms.max(0.0) * 1e6;
            let end = mark_end + c.stw_mark_ms.max(0.0) * 1e6;
            [(start, mark_start), (mark_end, end)]
        })
        .collect();
    Ok(SimRun {
        program: program.name.clone(),
        go: request.go,
        layout: outcome.layout,
        seed: outcome.seed,
        message: outcome.message.clone(),
        panicked: matches!(outcome.terminal, Terminal::Panic(_)),
        crash: outcome.crash.as_ref().map(|c| (c.goroutine, c.line, c.t_ns)),
        crash_gc: outcome.crash.as_ref().and_then(|c| c.gc).map(gc_words),
        events,
        skipped,
        micro_steps: outcome.micro_steps,
        duration_ns: outcome.duration_ns,
        lanes: outcome.goroutines.iter().map(|g| Lane { id: g.id, func: g.func.clone() }).collect(),
        maps: program.maps.iter().map(|m| m.name.clone()).collect(),
        file,
        races,
        stw,
    })
}

fn op_name(op: &crate::sim::maps::MapOp) -> String {
    serde_json::to_value(op).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_else(|| format!("{op:?}"))
}

fn gc_words(phase: GcPhase) -> String {
    match phase {
        GcPhase::BeforeFirstCycle => "before the first GC cycle".into(),
        GcPhase::Marking { cycle, since_start_ms } => format!("during GC cycle {cycle} ({since_start_ms:.3} ms in)"),
        GcPhase::After { cycle, since_end_ms } => format!("{since_end_ms:.3} ms after GC cycle {cycle}"),
    }
}

/// One program's `runs` seeded runs from `seed`, for the crash-rate chart.
pub fn rate(request: &RateRequest) -> Result<Summary, String> {
    let program = request.source.load()?;
    let opts = SimOptions { go: request.go, seed: request.seed, ..SimOptions::default() };
    Ok(sim::run_many(&program, &opts, request.runs))
}
