//! `runbook sim`: the glue between the command line and `sim/`. It resolves the program (built-in name or YAML
//! file), reads the gctrace log, calls the pure simulator and prints text or JSON lines. All I/O lives here.

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

fn load_program(spec: &str) -> anyhow::Result<Program> {
    if let Some(p) = sim::builtin(spec) {
        return Ok(p);
    }
    let path = std::path::Path::new(spec);
    if !path.exists() {
        let names: Vec<String> = sim::builtins().into_iter().map(|(n, _)| n).collect();
        bail!("no built-in program or file named `{spec}` (built-ins: {})", names.join(", "));
    }
    let limit = sim::program::MAX_PROGRAM_BYTES as u64;
    let text = crate::bounded_read::read_regular_text(path, limit, "a sim program").map_err(anyhow::Error::msg)?;
    Program::from_yaml(&text).map_err(|e| anyhow!("{spec}: {e}"))
}

fn line(out: &mut impl Write, value: serde_json::Value) -> io::Result<()> {
    writeln!(out, "{value}")
}

/// Runs the command: 0 when it ran, an error (exit 2 with one line) for bad input or a budget it hit.
pub fn run(args: &SimArgs) -> anyhow::Result<super::Code> {
    let mut out = crate::textsafe::stdout(args.json);
    if args.list {
        for (name, desc) in sim::builtins() {
            if args.json {
                line(&mut out, json!({"type": "program", "name": name, "description": desc}))?;
            } else {
                writeln!(out, "{name:<14} {desc}")?;
            }
        }
    } else {
        execute(args, &mut out).context("sim")?;
    }
    out.flush()?;
    Ok(super::Code::Success)
}

/// The simulation `args` ask for, printed to `out`. Bad input, a budget hit and a failed write all travel up as
/// errors; `exit::report` finds a broken pipe (`| head`) anywhere in the chain and calls it a success.
fn execute(args: &SimArgs, out: &mut impl Write) -> anyhow::Result<()> {
    let go = GoVersion::parse(&args.go).ok_or_else(|| anyhow!("--go {}: want a version from 1.19 to 1.27", args.go))?;
    if args.runs == 0 {
        bail!("--runs must be at least 1");
    }
    let program = load_program(&args.program)?;
    let gc = match &args.gctrace {
        Some(path) => gc_windows(path)?,
        None => Vec::new(),
    };
    let opts = SimOptions { go, seed: args.seed, gc, ..SimOptions::default() };
    if args.exhaustive {
        exhaustive(args, &program, &opts, out)
    } else if args.runs == 1 {
        single(args, &program, &opts, out)
    } else {
        batch(args, &program, &opts, go, out)
    }
}

/// The stop-the-world windows of a gctrace log's cycles.
fn gc_windows(path: &std::path::Path) -> anyhow::Result<Vec<sim::gc::GcPause>> {
    let limit = crate::bounded_read::MAX_GCTRACE_BYTES;
    let text = crate::bounded_read::read_regular_text(path, limit, "a gctrace log").map_err(anyhow::Error::msg)?;
    let cycles = sim::gc::pauses_from_gctrace(&text);
    if cycles.is_empty() {
        bail!("{}: no gctrace lines (`gc N @…s …: A+B+C ms clock`)", path.display());
    }
    Ok(cycles)
}

/// `--exhaustive`: every schedule's outcome, or an error when the state space is too large to finish.
fn exhaustive(args: &SimArgs, program: &Program, opts: &SimOptions, out: &mut impl Write) -> anyhow::Result<()> {
    let r = sim::explore(program, opts);
    if let Some(why) = &r.stopped {
        bail!("{why}");
    }
    if args.json {
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

/// One seeded run: its timeline, and what the program and `-race` would print.
fn single(args: &SimArgs, program: &Program, opts: &SimOptions, out: &mut impl Write) -> anyhow::Result<()> {
    let o = sim::run(program, opts);
    match o.terminal {
        sim::Terminal::Stopped(budget) => bail!("{}", sim::budget::explain(budget, opts)),
        sim::Terminal::StepLimit => bail!("{}", sim::budget::explain_steps(opts)),
        _ => {}
    }
    if args.json {
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
        line(out, json!({"type": "summary", "summary": s}))?;
        return Ok(());
    }
    write!(out, "{}", render::timeline_text(&o, &program.file))?;
    writeln!(
        out,
        "\n--- go{} ({:?} map), seed {}: {}",
        o.go_version,
        o.layout,
        o.seed,
        o.message.as_deref().unwrap_or("exit status 0")
    )?;
    if let Some(c) = &o.crash {
        writeln!(
            out,
            "crash at t={:.3}µs in goroutine {} (line {}){}",
            c.t_ns / 1000.0,
            c.goroutine,
            c.line,
            c.gc.map(|g| format!(", GC: {g:?}")).unwrap_or_default()
        )?;
    }
    if let Some(text) = &o.crash_output {
        writeln!(out, "\n--- what the program prints (stderr, exit status {}):\n{text}", o.exit_code)?;
    }
    if !o.race_output.is_empty() {
        writeln!(out, "\n--- with -race (exit status {}):\n{}", o.race_exit_code, o.race_output)?;
    } else {
        writeln!(out, "\n--- with -race: no race reported")?;
    }
    Ok(())
}

/// `--runs N` (N > 1): the rates over N seeded runs, spread over `--jobs` threads with the same answer.
fn batch(
    args: &SimArgs,
    program: &Program,
    opts: &SimOptions,
    go: GoVersion,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let jobs = args.jobs.unwrap_or_else(super::sim_batch::default_jobs);
    if jobs == 0 {
        bail!("--jobs must be at least 1");
    }
    let s = super::sim_batch::run_parallel(program, opts, args.runs, jobs);
    if let Some(why) = &s.stopped {
        bail!("{why} (after {} runs)", s.runs);
    }
    if args.json {
        line(
            out,
            json!({"type": "rates", "crash_rate": s.crash_rate(), "race_rate": s.race_rate(), "mean_time_to_crash_ns": s.mean_time_to_crash_ns()}),
        )?;
        return line(out, json!({"type": "summary", "summary": s})).map_err(Into::into);
    }
    writeln!(out, "{} runs of `{}` on go{} (seeds from {}):", s.runs, program.name, go.label(), args.seed)?;
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
    writeln!(
        out,
        "{} on go{}: {} schedules over {} states{}",
        r.program,
        r.go_version,
        r.interleavings,
        r.states,
        if r.complete { "" } else { " (INCOMPLETE: state limit)" }
    )?;
    for o in &r.outcomes {
        let what = match (o.terminal, &o.message) {
            (sim::Terminal::Panic(_), Some(m)) => format!("panic: {m}"),
            (_, Some(m)) => format!("fatal error: {m}"),
            (_, None) => "exit".to_string(),
        };
        let ids: Vec<String> = o.witness.iter().map(|g| g.to_string()).collect();
        writeln!(out, "  {:>24} schedules  {what}{}", o.schedules, if o.raced { " (+ -race report)" } else { "" })?;
        writeln!(out, "      witness: goroutine per micro-step: {}", ids.join(" "))?;
    }
    Ok(())
}
