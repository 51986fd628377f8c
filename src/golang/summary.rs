//! The human triage text of `runbook parse`: what crashed, where, what raced, what to open first.
//!
//! Short on purpose: an on-call engineer reads it in a terminal at 3 a.m. The JSON has everything else.

use super::pairing::{Pairing, RacingSite};
use super::problem::Problem;
use super::report::ParseReport;
use super::traceback::Crash;
use std::fmt::Write;

/// Renders the triage summary of a report.
pub fn render(report: &ParseReport) -> String {
    let mut out = String::new();
    render_formats(&mut out, &report.inputs, &report.formats, &report.streams);
    for crash in &report.crashes {
        render_crash(&mut out, &report.inputs, crash);
    }
    let at = |i: usize| report.crashes.get(i).map(|c| (c.input, c.line));
    render_dump_changes(&mut out, &report.inputs, &report.dump_changes, at);
    let mut tests = DistinctTests::default();
    for race in &report.races {
        tests.add(race.test.as_deref());
    }
    render_races(&mut out, report.races.len(), report.found_data_races, &tests, &report.sites);
    render_pairing(&mut out, &report.pairing);
    let processes = report.gc.cycles.iter().map(|c| c.process).max().unwrap_or(0);
    render_gc(&mut out, report.gc.cycles.len(), processes, report.gc.stw_ms_max, report.gc.stw_ms_sum);
    render_problems(&mut out, &report.inputs, &report.problems);
    if !report.found_anything() {
        render_nothing_found(&mut out);
    }
    out
}

fn input_name(inputs: &[String], i: usize) -> &str {
    inputs.get(i).map_or("?", String::as_str)
}

/// How each input was shipped, when it was not what Go printed: the lines below are what was read inside.
pub fn render_formats(out: &mut String, inputs: &[String], formats: &[String], streams: &[Option<String>]) {
    for (i, format) in formats.iter().enumerate().filter(|(_, f)| f.as_str() != "plain") {
        let _ = write!(out, "{}: read as {format}", input_name(inputs, i));
        if let Some(Some(stream)) = streams.get(i) {
            let _ = write!(out, ", stream {stream} (other streams left out)");
        }
        out.push('\n');
    }
}

/// One crash: what, where, when, which goroutine, what to open first, the goroutine groups.
pub fn render_crash(out: &mut String, inputs: &[String], crash: &Crash) {
    let _ = writeln!(
        out,
        "{}: {}  ({}:{})",
        crash.kind.as_str(),
        crash.message,
        input_name(inputs, crash.input),
        crash.line
    );
    if let Some(time) = &crash.time {
        let note = crash.time_note.as_deref().map(|n| format!("  ({n})")).unwrap_or_default();
        let _ = writeln!(out, "  at {time}{note}");
    }
    if crash.panic_chain.len() > 1 {
        let _ = writeln!(out, "  panic chain: {}", crash.panic_chain.join(" -> "));
    }
    if let Some(op) = crash.map_op {
        let _ = writeln!(out, "  map operation: {}", op.as_str());
    }
    if let Some(signal) = &crash.signal {
        let _ = writeln!(
            out,
            "  signal: {} {}{}",
            signal.name,
            signal.description,
            signal.addr.as_deref().map(|a| format!(" addr={a}")).unwrap_or_default()
        );
    }
    match crash.crashing_goroutine {
        Some(id) => {
            let _ = writeln!(out, "  crashing goroutine: {id}");
        }
        None if crash.kind == super::traceback::CrashKind::Dump => {}
        None => {
            let _ = writeln!(out, "  no running goroutine (every goroutine was blocked or idle)");
        }
    }
    if let Some(frame) = &crash.user_frame {
        let _ = writeln!(out, "  open first: {}:{}  ({})", frame.file, frame.line, frame.func);
    }
    if crash.goroutines.len() > 1 {
        let _ = writeln!(out, "  {} goroutines in {} groups:", crash.goroutines.len(), crash.buckets.len());
        for bucket in crash.buckets.iter().take(8) {
            let top = bucket.frames.first().map(|f| format!("{} {}:{}", f.func, f.file, f.line)).unwrap_or_default();
            let _ = writeln!(out, "    {:>5} × [{}] {}", bucket.count, bucket.state, top);
            // Where in the user's code, when the top frame is the runtime's wait; and for how long.
            let user = bucket.user_frame.as_ref().filter(|u| bucket.frames.first() != Some(*u));
            let mut detail: Vec<String> =
                user.map(|u| format!("in your code: {}:{} ({})", u.file, u.line, u.func)).into_iter().collect();
            if let Some(max) = bucket.max_wait_minutes {
                detail.push(format!(
                    "{} of {} waiting a minute or more (longest {max} min)",
                    bucket.waiting_minutes, bucket.count
                ));
            }
            if !detail.is_empty() {
                let _ = writeln!(out, "            {}", detail.join("; "));
            }
        }
        if crash.buckets.len() > 8 {
            let _ = writeln!(out, "    … {} more groups", crash.buckets.len() - 8);
        }
    }
    out.push('\n');
}

/// Between consecutive goroutine dumps: the groups that grew or shrank. `at` gives a crash's (input, line).
pub fn render_dump_changes(
    out: &mut String,
    inputs: &[String],
    changes: &[super::dump_diff::DumpChange],
    at: impl Fn(usize) -> Option<(usize, usize)>,
) {
    let place =
        |i: usize| at(i).map(|(input, line)| format!("{}:{line}", input_name(inputs, input))).unwrap_or_default();
    for change in changes {
        let _ = writeln!(
            out,
            "from the dump at {} to the one at {}: {} → {} goroutines",
            place(change.from),
            place(change.to),
            change.goroutines_before,
            change.goroutines_after
        );
        for g in change.buckets.iter().take(8) {
            let site = g.user_frame.as_ref().or(g.top.as_ref());
            let site = site.map(|f| format!("{}:{} ({})", f.file, f.line, f.func)).unwrap_or_default();
            let delta = g.after as i64 - g.before as i64;
            let _ = writeln!(out, "  {delta:>+6}  {:>5} → {:<5} [{}] {site}", g.before, g.after, g.state);
        }
        if change.buckets.is_empty() {
            let _ = writeln!(out, "  no group changed size");
        }
        out.push('\n');
    }
}

/// The distinct `go test` tests of the race reports, in order of first appearance.
#[derive(Default)]
pub struct DistinctTests(Vec<String>);

impl DistinctTests {
    pub fn add(&mut self, test: Option<&str>) {
        if let Some(test) = test {
            if !self.0.iter().any(|t| t == test) {
                self.0.push(test.to_string());
            }
        }
    }
}

/// The race reports: how many, in which tests, and the racing sites.
pub fn render_races(out: &mut String, count: usize, found: Option<u32>, tests: &DistinctTests, sites: &[RacingSite]) {
    if count == 0 {
        return;
    }
    let _ = write!(out, "{count} data race report(s)");
    if let Some(n) = found {
        let _ = write!(out, " (Go counted {n})");
    }
    if !tests.0.is_empty() {
        let _ = write!(out, " in {}", tests.0.join(", "));
    }
    out.push('\n');
    let _ = writeln!(out, "racing sites:");
    for site in sites {
        let kinds: Vec<&str> = site.kinds.iter().map(|k| k.as_str()).collect();
        let _ = writeln!(out, "  {}:{}  {}  [{}]", site.file, site.line, site.func, kinds.join("+"));
    }
    out.push('\n');
}

pub fn render_pairing(out: &mut String, pairing: &[Pairing]) {
    for p in pairing {
        let _ = writeln!(
            out,
            "crash {} and race report(s) {:?} share {}:{}",
            p.crash + 1,
            p.race_reports.iter().map(|i| i + 1).collect::<Vec<_>>(),
            p.site.file,
            p.site.line
        );
    }
}

pub fn render_gc(out: &mut String, cycles: usize, processes: u32, stw_ms_max: f64, stw_ms_sum: f64) {
    if cycles == 0 {
        return;
    }
    let _ = writeln!(
        out,
        "gctrace: {cycles} cycles in {processes} process(es), STW max {stw_ms_max:.3} ms, sum {stw_ms_sum:.3} ms (see `runbook gc`)",
    );
}

/// The first ten problems.
pub fn render_problems(out: &mut String, inputs: &[String], problems: &[Problem]) {
    if !problems.is_empty() {
        let _ = writeln!(out, "could not read everything:");
        for p in problems.iter().take(10) {
            let _ = writeln!(out, "  {}:{}: {}", input_name(inputs, p.input), p.line, p.message);
        }
    }
}

pub fn render_nothing_found(out: &mut String) {
    out.push_str("no Go race report, crash or gctrace found\n");
}
