//! The human triage text of `runbook parse`: what crashed, where, what raced, what to open first.
//!
//! Short on purpose: an on-call engineer reads it in a terminal at 3 a.m. The JSON has everything else.

use super::report::ParseReport;
use std::fmt::Write;

/// Renders the triage summary of a report.
pub fn render(report: &ParseReport) -> String {
    let mut out = String::new();
    let input_name = |i: usize| report.inputs.get(i).map_or("?", String::as_str);
    // How each input was shipped, when it was not what Go printed: the lines below are what was read inside.
    for (i, format) in report.formats.iter().enumerate().filter(|(_, f)| f.as_str() != "plain") {
        let _ = write!(out, "{}: read as {format}", input_name(i));
        if let Some(Some(stream)) = report.streams.get(i) {
            let _ = write!(out, ", stream {stream} (other streams left out)");
        }
        out.push('\n');
    }
    for crash in &report.crashes {
        let _ =
            writeln!(out, "{}: {}  ({}:{})", crash.kind.as_str(), crash.message, input_name(crash.input), crash.line);
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
                let top =
                    bucket.frames.first().map(|f| format!("{} {}:{}", f.func, f.file, f.line)).unwrap_or_default();
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
    for change in &report.dump_changes {
        let at =
            |i: usize| report.crashes.get(i).map(|c| format!("{}:{}", input_name(c.input), c.line)).unwrap_or_default();
        let _ = writeln!(
            out,
            "from the dump at {} to the one at {}: {} → {} goroutines",
            at(change.from),
            at(change.to),
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
    if !report.races.is_empty() {
        let tests: Vec<&str> = report.races.iter().filter_map(|r| r.test.as_deref()).collect();
        let _ = write!(out, "{} data race report(s)", report.races.len());
        if let Some(n) = report.found_data_races {
            let _ = write!(out, " (Go counted {n})");
        }
        if !tests.is_empty() {
            let mut distinct: Vec<&str> = Vec::new();
            for test in tests {
                if !distinct.contains(&test) {
                    distinct.push(test);
                }
            }
            let _ = write!(out, " in {}", distinct.join(", "));
        }
        out.push('\n');
        let _ = writeln!(out, "racing sites:");
        for site in &report.sites {
            let kinds: Vec<&str> = site.kinds.iter().map(|k| k.as_str()).collect();
            let _ = writeln!(out, "  {}:{}  {}  [{}]", site.file, site.line, site.func, kinds.join("+"));
        }
        out.push('\n');
    }
    for p in &report.pairing {
        let _ = writeln!(
            out,
            "crash {} and race report(s) {:?} share {}:{}",
            p.crash + 1,
            p.race_reports.iter().map(|i| i + 1).collect::<Vec<_>>(),
            p.site.file,
            p.site.line
        );
    }
    if !report.gc.cycles.is_empty() {
        let processes = report.gc.cycles.iter().map(|c| c.process).max().unwrap_or(0);
        let _ = writeln!(
            out,
            "gctrace: {} cycles in {} process(es), STW max {:.3} ms, sum {:.3} ms (see `runbook gc`)",
            report.gc.cycles.len(),
            processes,
            report.gc.stw_ms_max,
            report.gc.stw_ms_sum
        );
    }
    if !report.problems.is_empty() {
        let _ = writeln!(out, "could not read everything:");
        for p in report.problems.iter().take(10) {
            let _ = writeln!(out, "  {}:{}: {}", input_name(p.input), p.line, p.message);
        }
    }
    if !report.found_anything() {
        out.push_str("no Go race report, crash or gctrace found\n");
    }
    out
}
