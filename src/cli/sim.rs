//! `runbook sim`: the glue between the command line and `sim/`. It resolves the program (built-in name or YAML
//! file), reads the gctrace log, calls the pure simulator and prints text or JSON lines. All I/O lives here.

use crate::sim::{self, render, GoVersion, Program, SimOptions};
use serde_json::json;
use std::io::Write;

#[derive(clap::Args, Debug, Clone)]
pub struct SimArgs {
    /// List the built-in programs with a one-line description.
    #[arg(long)]
    pub list: bool,
    /// Built-in program name or path to a program YAML file.
    #[arg(long, value_name = "NAME|FILE", default_value = "repro")]
    pub program: String,
    /// Go runtime to model: 1.19 to 1.27 (classic hmap up to 1.23, Swiss tables from 1.24).
    #[arg(long = "go", value_name = "VERSION", default_value = "1.27")]
    pub go: String,
    /// Seed of the (first) run; the same seed replays the same schedule.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Number of seeded runs; more than one prints a summary instead of a timeline.
    #[arg(long, default_value_t = 1)]
    pub runs: u64,
    /// Threads for seeded runs (default: every core); the output is the same whatever the count.
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Explore every schedule (memoised) instead of sampling.
    #[arg(long)]
    pub exhaustive: bool,
    /// A GODEBUG=gctrace=1 log whose cycles become stop-the-world windows.
    #[arg(long, value_name = "LOG")]
    pub gctrace: Option<std::path::PathBuf>,
    /// Print JSON lines, each with a "type", ending with the summary.
    #[arg(long)]
    pub json: bool,
}

fn load_program(spec: &str) -> Result<Program, String> {
    if let Some(p) = sim::builtin(spec) {
        return Ok(p);
    }
    let path = std::path::Path::new(spec);
    if !path.exists() {
        let names: Vec<String> = sim::builtins().into_iter().map(|(n, _)| n).collect();
        return Err(format!("no built-in program or file named `{spec}` (built-ins: {})", names.join(", ")));
    }
    let limit = sim::program::MAX_PROGRAM_BYTES as u64;
    let text = crate::bounded_read::read_regular_text(path, limit, "a sim program")?;
    Program::from_yaml(&text).map_err(|e| format!("{spec}: {e}"))
}

fn line(out: &mut impl Write, value: serde_json::Value) {
    let _ = writeln!(out, "{value}");
}

/// Runs the command; returns the exit code (0 ok, 2 usage or input error).
pub fn run(args: &SimArgs) -> anyhow::Result<super::Code> {
    Ok(super::Code::from_status(run_status(args)))
}

fn run_status(args: &SimArgs) -> i32 {
    let mut out = crate::textsafe::stdout(args.json);
    if args.list {
        for (name, desc) in sim::builtins() {
            if args.json {
                line(&mut out, json!({"type": "program", "name": name, "description": desc}));
            } else {
                let _ = writeln!(out, "{name:<14} {desc}");
            }
        }
        return 0;
    }
    match execute(args, &mut out) {
        Ok(()) => 0,
        Err(msg) => {
            crate::textsafe::eprint_line(&format!("runbook sim: {msg}"));
            2
        }
    }
}

fn execute(args: &SimArgs, out: &mut impl Write) -> Result<(), String> {
    let go = GoVersion::parse(&args.go).ok_or_else(|| format!("--go {}: want a version from 1.19 to 1.27", args.go))?;
    if args.runs == 0 {
        return Err("--runs must be at least 1".into());
    }
    let program = load_program(&args.program)?;
    let gc = match &args.gctrace {
        Some(path) => {
            let limit = crate::bounded_read::MAX_GCTRACE_BYTES;
            let text = crate::bounded_read::read_regular_text(path, limit, "a gctrace log")?;
            let cycles = sim::gc::pauses_from_gctrace(&text);
            if cycles.is_empty() {
                return Err(format!("{}: no gctrace lines (`gc N @…s …: A+B+C ms clock`)", path.display()));
            }
            cycles
        }
        None => Vec::new(),
    };
    let opts = SimOptions { go, seed: args.seed, gc, ..SimOptions::default() };
    if args.exhaustive {
        let r = sim::explore(&program, &opts);
        if let Some(why) = &r.stopped {
            return Err(why.clone());
        }
        if args.json {
            for o in &r.outcomes {
                line(out, json!({"type": "outcome", "outcome": o}));
            }
            line(
                out,
                json!({"type": "exhaustive", "complete": r.complete, "states": r.states, "saturated": r.saturated}),
            );
            line(out, json!({"type": "summary", "summary": r.summary}));
        } else {
            print_exhaustive(out, &r);
        }
        return if r.complete {
            Ok(())
        } else {
            Err(format!(
                "state space too large for exhaustive mode (over {} states or schedules deeper than 1000 micro-steps): \
                 use seeded runs (--runs N)",
                opts.state_limit
            ))
        };
    }
    if args.runs == 1 {
        let o = sim::run(&program, &opts);
        match o.terminal {
            sim::Terminal::Stopped(budget) => return Err(sim::budget::explain(budget, &opts)),
            sim::Terminal::StepLimit => return Err(sim::budget::explain_steps(&opts)),
            _ => {}
        }
        if args.json {
            for e in &o.timeline {
                line(out, json!({"type": "event", "event": e}));
            }
            let mut rest = serde_json::to_value(&o).unwrap_or_default();
            if let Some(obj) = rest.as_object_mut() {
                obj.remove("timeline");
            }
            line(out, json!({"type": "run", "run": rest}));
            let mut s = sim::Summary::default();
            s.record(o.terminal, !o.races.is_empty(), 1);
            line(out, json!({"type": "summary", "summary": s}));
        } else {
            let _ = write!(out, "{}", render::timeline_text(&o, &program.file));
            let _ = writeln!(
                out,
                "\n--- go{} ({:?} map), seed {}: {}",
                o.go_version,
                o.layout,
                o.seed,
                o.message.as_deref().unwrap_or("exit status 0")
            );
            if let Some(c) = &o.crash {
                let _ = writeln!(
                    out,
                    "crash at t={:.3}µs in goroutine {} (line {}){}",
                    c.t_ns / 1000.0,
                    c.goroutine,
                    c.line,
                    c.gc.map(|g| format!(", GC: {g:?}")).unwrap_or_default()
                );
            }
            if let Some(text) = &o.crash_output {
                let _ = writeln!(out, "\n--- what the program prints (stderr, exit status {}):\n{text}", o.exit_code);
            }
            if !o.race_output.is_empty() {
                let _ = writeln!(out, "\n--- with -race (exit status {}):\n{}", o.race_exit_code, o.race_output);
            } else {
                let _ = writeln!(out, "\n--- with -race: no race reported");
            }
        }
        return Ok(());
    }
    let jobs = args.jobs.unwrap_or_else(super::sim_batch::default_jobs);
    if jobs == 0 {
        return Err("--jobs must be at least 1".into());
    }
    let s = super::sim_batch::run_parallel(&program, &opts, args.runs, jobs);
    if let Some(why) = &s.stopped {
        return Err(format!("{why} (after {} runs)", s.runs));
    }
    if args.json {
        line(
            out,
            json!({"type": "rates", "crash_rate": s.crash_rate(), "race_rate": s.race_rate(), "mean_time_to_crash_ns": s.mean_time_to_crash_ns()}),
        );
        line(out, json!({"type": "summary", "summary": s}));
    } else {
        let _ = writeln!(out, "{} runs of `{}` on go{} (seeds from {}):", s.runs, program.name, go.label(), args.seed);
        let _ = writeln!(out, "  crashes        {} ({:.1}%)", s.crashes, 100.0 * s.crash_rate());
        for (msg, n) in &s.fatal_errors {
            let _ = writeln!(out, "    fatal error: {msg}: {n}");
        }
        let _ = writeln!(out, "  panics         {}", s.panic_count());
        for (msg, n) in &s.panics {
            let _ = writeln!(out, "    panic: {msg}: {n}");
        }
        let _ = writeln!(out, "  deadlocks      {}", s.deadlocks);
        let _ = writeln!(out, "  clean exits    {}", s.clean_exits());
        let _ = writeln!(out, "  -race reports  {} ({:.1}%)", s.races_detected, 100.0 * s.race_rate());
        if let Some(t) = s.mean_time_to_crash_ns() {
            let _ = writeln!(out, "  mean time to crash {:.1}µs", t / 1000.0);
        }
    }
    Ok(())
}

fn print_exhaustive(out: &mut impl Write, r: &sim::ExhaustiveResult) {
    let _ = writeln!(
        out,
        "{} on go{}: {} schedules over {} states{}",
        r.program,
        r.go_version,
        r.interleavings,
        r.states,
        if r.complete { "" } else { " (INCOMPLETE: state limit)" }
    );
    for o in &r.outcomes {
        let what = match (o.terminal, &o.message) {
            (sim::Terminal::Panic(_), Some(m)) => format!("panic: {m}"),
            (_, Some(m)) => format!("fatal error: {m}"),
            (_, None) => "exit".to_string(),
        };
        let ids: Vec<String> = o.witness.iter().map(|g| g.to_string()).collect();
        let _ =
            writeln!(out, "  {:>24} schedules  {what}{}", o.schedules, if o.raced { " (+ -race report)" } else { "" });
        let _ = writeln!(out, "      witness: goroutine per micro-step: {}", ids.join(" "));
    }
}
