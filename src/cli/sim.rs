//! `runbook sim`: the glue between the command line and `sim/`. It resolves the program (built-in name or YAML
//! file), reads the gctrace log, calls the pure simulator and prints text or JSON lines. All I/O lives here.

use super::Code;
use crate::sim::{self, render, GoVersion, Program, SimOptions};
use anyhow::{anyhow, bail, Context as _};
use serde_json::json;
use std::io::{self, Write};

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

fn load_program(spec: &str) -> anyhow::Result<Program> {
    if let Some(p) = sim::builtin(spec) {
        return Ok(p);
    }
    let path = std::path::Path::new(spec);
    if !path.exists() {
        let names: Vec<String> = sim::builtins().into_iter().map(|(n, _)| n).collect();
        bail!("no built-in program or file named `{spec}` (built-ins: {})", names.join(", "));
    }
    let text = std::fs::read_to_string(path).with_context(|| spec.to_string())?;
    Program::from_yaml(&text).map_err(|e| anyhow!("{spec}: {e}"))
}

/// The stop-the-world windows of `--gctrace LOG` (none without it).
fn load_gc(path: Option<&std::path::Path>) -> anyhow::Result<Vec<sim::gc::GcPause>> {
    let Some(path) = path else { return Ok(Vec::new()) };
    let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
    let cycles = sim::gc::pauses_from_gctrace(&text);
    if cycles.is_empty() {
        bail!("{}: no gctrace lines (`gc N @…s …: A+B+C ms clock`)", path.display());
    }
    Ok(cycles)
}

fn line(out: &mut impl Write, value: serde_json::Value) -> io::Result<()> {
    writeln!(out, "{value}")
}

/// Runs the command: 0, or an error (usage, input, or a state space too large for `--exhaustive`).
pub fn run(args: &SimArgs) -> anyhow::Result<Code> {
    let mut out = io::stdout().lock();
    if args.list {
        print_list(&mut out, args.json)?;
    } else {
        execute(args, &mut out).context("sim")?;
    }
    out.flush()?;
    Ok(Code::Success)
}

fn print_list(out: &mut impl Write, json: bool) -> io::Result<()> {
    for (name, desc) in sim::builtins() {
        if json {
            line(out, json!({"type": "program", "name": name, "description": desc}))?;
        } else {
            writeln!(out, "{name:<14} {desc}")?;
        }
    }
    Ok(())
}

/// Checks the arguments, loads the program and the GC windows, then runs one of the three modes.
fn execute(args: &SimArgs, out: &mut impl Write) -> anyhow::Result<()> {
    let go = GoVersion::parse(&args.go).ok_or_else(|| anyhow!("--go {}: want a version from 1.19 to 1.27", args.go))?;
    if args.runs == 0 {
        bail!("--runs must be at least 1");
    }
    let program = load_program(&args.program)?;
    let gc = load_gc(args.gctrace.as_deref())?;
    let opts = SimOptions { go, seed: args.seed, gc, ..SimOptions::default() };
    if args.exhaustive {
        exhaustive(out, &program, &opts, args.json)
    } else if args.runs == 1 {
        Ok(single(out, &program, &opts, args.json)?)
    } else {
        Ok(many(out, &program, &opts, args.runs, args.json)?)
    }
}

/// `--exhaustive`: every schedule; an incomplete exploration is printed, then reported as an error.
fn exhaustive(out: &mut impl Write, program: &Program, opts: &SimOptions, json: bool) -> anyhow::Result<()> {
    let r = sim::explore(program, opts);
    if json {
        for o in &r.outcomes {
            line(out, json!({"type": "outcome", "outcome": o}))?;
        }
        line(out, json!({"type": "exhaustive", "complete": r.complete, "states": r.states, "saturated": r.saturated}))?;
        line(out, json!({"type": "summary", "summary": r.summary}))?;
    } else {
        print_exhaustive(out, &r)?;
    }
    if !r.complete {
        bail!(
            "state space too large for exhaustive mode (over {} states or schedules deeper than 1000 micro-steps): \
             use seeded runs (--runs N)",
            opts.state_limit
        );
    }
    Ok(())
}

/// One seeded run: its timeline, then what the program and `-race` print.
fn single(out: &mut impl Write, program: &Program, opts: &SimOptions, json: bool) -> io::Result<()> {
    let o = sim::run(program, opts);
    if json {
        for e in &o.timeline {
            line(out, json!({"type": "event", "event": e}))?;
        }
        let mut rest = serde_json::to_value(&o)?;
        if let Some(obj) = rest.as_object_mut() {
            obj.remove("timeline");
        }
        line(out, json!({"type": "run", "run": rest}))?;
        let mut s = sim::Summary::default();
        s.record(o.terminal, !o.races.is_empty(), 1);
        return line(out, json!({"type": "summary", "summary": s}));
    }
    write!(out, "{}", render::timeline_text(&o, &program.file))?;
    let message = o.message.as_deref().unwrap_or("exit status 0");
    writeln!(out, "\n--- go{} ({:?} map), seed {}: {message}", o.go_version, o.layout, o.seed)?;
    if let Some(c) = &o.crash {
        let gc = c.gc.map(|g| format!(", GC: {g:?}")).unwrap_or_default();
        writeln!(out, "crash at t={:.3}µs in goroutine {} (line {}){gc}", c.t_ns / 1000.0, c.goroutine, c.line)?;
    }
    if let Some(text) = &o.crash_output {
        writeln!(out, "\n--- what the program prints (stderr, exit status {}):\n{text}", o.exit_code)?;
    }
    if o.race_output.is_empty() {
        writeln!(out, "\n--- with -race: no race reported")
    } else {
        writeln!(out, "\n--- with -race (exit status {}):\n{}", o.race_exit_code, o.race_output)
    }
}

/// `--runs N`: the rates over N seeds.
fn many(out: &mut impl Write, program: &Program, opts: &SimOptions, runs: u64, json: bool) -> io::Result<()> {
    let s = sim::run_many(program, opts, runs);
    if json {
        let rates = json!({"type": "rates", "crash_rate": s.crash_rate(), "race_rate": s.race_rate(),
                           "mean_time_to_crash_ns": s.mean_time_to_crash_ns()});
        line(out, rates)?;
        return line(out, json!({"type": "summary", "summary": s}));
    }
    writeln!(out, "{} runs of `{}` on go{} (seeds from {}):", s.runs, program.name, opts.go.label(), opts.seed)?;
    writeln!(out, "  crashes        {} ({:.1}%)", s.crashes, 100.0 * s.crash_rate())?;
    for (msg, n) in &s.fatal_errors {
        writeln!(out, "    fatal error: {msg}: {n}")?;
    }
    writeln!(out, "  panics         {}", s.panic_count())?;
    for (msg, n) in &s.panics {
        writeln!(out, "    panic: {msg}: {n}")?;
    }
    writeln!(out, "  deadlocks      {}", s.deadlocks)?;
    writeln!(out, "  clean exits    {}", s.clean_exits())?;
    writeln!(out, "  -race reports  {} ({:.1}%)", s.races_detected, 100.0 * s.race_rate())?;
    if let Some(t) = s.mean_time_to_crash_ns() {
        writeln!(out, "  mean time to crash {:.1}µs", t / 1000.0)?;
    }
    Ok(())
}

fn print_exhaustive(out: &mut impl Write, r: &sim::ExhaustiveResult) -> io::Result<()> {
    let incomplete = if r.complete { "" } else { " (INCOMPLETE: state limit)" };
    writeln!(
        out,
        "{} on go{}: {} schedules over {} states{incomplete}",
        r.program, r.go_version, r.interleavings, r.states
    )?;
    for o in &r.outcomes {
        let what = match (o.terminal, &o.message) {
            (sim::Terminal::Panic(_), Some(m)) => format!("panic: {m}"),
            (_, Some(m)) => format!("fatal error: {m}"),
            (_, None) => "exit".to_string(),
        };
        let ids: Vec<String> = o.witness.iter().map(|g| g.to_string()).collect();
        let raced = if o.raced { " (+ -race report)" } else { "" };
        writeln!(out, "  {:>24} schedules  {what}{raced}", o.schedules)?;
        writeln!(out, "      witness: goroutine per micro-step: {}", ids.join(" "))?;
    }
    Ok(())
}
