//! The triage of a `parse` step: the crash (kind, message, map operation, signal), the racing sites, what the
//! race reports and the crash share, the goroutine buckets with every frame, each race report's accesses, the
//! gc summary and what could not be read. Frames and sites lead to the source; user frames read normally and
//! the toolchain's are dimmed, since the engineer's code is what they came for.

use super::symbol::{own_prefix, short_symbol};
use super::{Relative, ResultRow, Target};
use crate::golang::frames::{detect_goroots, UserFrameRule};
use crate::golang::{gcview, CrashKind, Frame, ParseReport};
use crate::tui::theme::Theme;
use ratatui::text::{Line, Span};

/// Frames shown per stack before `… N more`.
const MAX_FRAMES: usize = 12;

pub fn rows(report: &ParseReport, theme: &Theme, relative: Relative<'_>) -> Vec<ResultRow> {
    let crash_frames = report.crashes.iter().flat_map(|c| c.goroutines.iter()).flat_map(|g| g.frames.iter());
    let race_frames = report.races.iter().flat_map(|r| r.accesses.iter()).flat_map(|a| a.frames.iter());
    let rule =
        UserFrameRule::new(detect_goroots(crash_frames.clone().chain(race_frames.clone()).map(|f| f.file.as_str())));
    let own = crash_frames.chain(race_frames).filter(|f| rule.is_user(f) && !f.file.contains("/pkg/mod/"));
    let own = own_prefix(own.map(|f| f.func.as_str()));
    let own = own.as_deref();
    let mut rows = Vec::new();
    // How the log was shipped, when it was not what Go printed (issue 13): `read as journald-short`.
    for (i, format) in report.formats.iter().enumerate().filter(|(_, f)| f.as_str() != "plain") {
        let stream = report.streams.get(i).cloned().flatten().map(|s| format!(", stream {s}")).unwrap_or_default();
        rows.push(ResultRow::text(Line::styled(format!("read as {format}{stream}"), theme.muted())));
    }
    for crash in &report.crashes {
        let dump = crash.kind == CrashKind::Dump;
        // A goroutine dump is a snapshot, not a failure: no red, and its message already counts the goroutines.
        let style = if dump { theme.warning() } else { theme.failed() };
        rows.push(ResultRow::text(Line::styled(format!("{}: {}", crash.kind.as_str(), crash.message), style)));
        if dump {
            continue;
        }
        let mut facts = Vec::new();
        if let Some(op) = crash.map_op {
            facts.push(format!("map op: {}", op.as_str()));
        }
        if let Some(id) = crash.crashing_goroutine {
            facts.push(format!("crashing goroutine {id}"));
        }
        facts.push(count(crash.goroutines.len(), "goroutine"));
        if crash.panic_chain.len() > 1 {
            facts.push(format!("{} nested panics", crash.panic_chain.len()));
        }
        rows.push(ResultRow::text(Line::styled(format!("  {}", facts.join(" · ")), theme.muted())));
        if let Some(signal) = &crash.signal {
            let addr = signal.addr.as_deref().map(|a| format!(" addr={a}")).unwrap_or_default();
            let text = format!("  {}: {}{addr}", signal.name, signal.description);
            rows.push(ResultRow::text(Line::styled(text, theme.muted())));
        }
    }
    if !report.sites.is_empty() {
        rows.push(heading(format!("Racing sites ({})", report.sites.len()), theme));
        for site in &report.sites {
            let kinds: Vec<&str> = site.kinds.iter().map(|k| k.as_str()).collect();
            let site_line = |path: &str| {
                Line::from(vec![
                    Span::raw(format!("  {path}:{}  ", site.line)),
                    Span::styled(format!("{:<10} ", kinds.join("+")), theme.warning()),
                    Span::styled(short_symbol(&site.func, own).to_string(), theme.muted()),
                ])
            };
            let short = short_path(&site.file);
            let mut row = ResultRow::to(site_line(&short), source(&site.file, site.line));
            // `internal/stock/stock.go` tells which package; `stock/stock.go` may not. Shown when it fits.
            row.wide = relative(&site.file).filter(|r| *r != short).map(|r| site_line(&r));
            rows.push(row);
        }
    }
    for pairing in &report.pairing {
        let text = format!("  crash and race share {}:{}", short_path(&pairing.site.file), pairing.site.line);
        rows.push(ResultRow::to(Line::styled(text, theme.passed()), source(&pairing.site.file, pairing.site.line)));
    }
    for crash in &report.crashes {
        if crash.buckets.is_empty() {
            continue;
        }
        rows.push(heading(
            format!("Goroutines ({} in {} buckets)", crash.goroutines.len(), crash.buckets.len()),
            theme,
        ));
        for bucket in &crash.buckets {
            let ids: Vec<String> = bucket.ids.iter().take(6).map(u64::to_string).collect();
            let more = if bucket.ids.len() > 6 { " …" } else { "" };
            let text = format!("  {} × [{}]  goroutine {}{more}", bucket.count, bucket.state, ids.join(", "));
            rows.push(ResultRow::text(Line::styled(text, theme.bold())));
            frames(&mut rows, &bucket.frames, &rule, own, theme);
        }
    }
    for (i, race) in report.races.iter().enumerate() {
        let test = race.test.as_deref().map(|t| format!(" in {t}")).unwrap_or_default();
        rows.push(heading(format!("Data race {}{test}", i + 1), theme));
        for access in &race.accesses {
            let role = match access.role {
                crate::golang::AccessRole::Current => "",
                crate::golang::AccessRole::Previous => "previous ",
            };
            let who = match access.goroutine {
                crate::golang::race::GoroutineRef::Id(id) => format!("goroutine {id}"),
                crate::golang::race::GoroutineRef::Main => "main goroutine".into(),
            };
            let text = format!("  {role}{} at {} by {who}", access.kind.as_str(), access.addr);
            rows.push(ResultRow::text(Line::styled(text, theme.bold())));
            frames(&mut rows, &access.frames, &rule, own, theme);
        }
    }
    if !report.gc.cycles.is_empty() {
        rows.push(heading("GC".into(), theme));
        let s = gcview::summarize(&report.gc.cycles);
        let text = format!(
            "  {} cycles · pause max {:.2} ms · heap max {} MB · GC CPU {}% · Enter: chart",
            s.cycles, s.pause_ms_max, s.heap_mb_max, s.gc_cpu_pct_last
        );
        rows.push(ResultRow::to(Line::raw(text), Target::GcChart));
    }
    if let Some(first) = report.problems.first() {
        let text = format!("{} unread part(s) of the log; first at line {}", report.problems.len(), first.line);
        rows.push(ResultRow::text(Line::styled(text, theme.muted())));
    }
    if rows.is_empty() {
        rows.push(ResultRow::text(Line::styled("no Go race, crash or gctrace found", theme.muted())));
    }
    rows
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn heading(text: String, theme: &Theme) -> ResultRow {
    ResultRow::text(Line::styled(text, theme.heading()))
}

fn source(file: &str, line: u32) -> Target {
    Target::Source { file: file.to_string(), line: line as usize }
}

fn frames(rows: &mut Vec<ResultRow>, frames: &[Frame], rule: &UserFrameRule, own: Option<&str>, theme: &Theme) {
    for frame in frames.iter().take(MAX_FRAMES) {
        let style = if rule.is_user(frame) { ratatui::style::Style::new() } else { theme.muted() };
        let line = Line::from(vec![
            Span::styled(format!("    {}:{}  ", short_path(&frame.file), frame.line), style),
            Span::styled(short_symbol(&frame.func, own).to_string(), theme.muted()),
        ]);
        rows.push(ResultRow::to(line, source(&frame.file, frame.line)));
    }
    if frames.len() > MAX_FRAMES {
        rows.push(ResultRow::text(Line::styled(format!("    … {} more", frames.len() - MAX_FRAMES), theme.muted())));
    }
}

/// The last two components of a path: enough to tell files apart in a pane, short enough to leave room.
pub fn short_path(path: &str) -> String {
    let mut parts = path.rsplitn(3, '/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(file), Some(dir), Some(_)) => format!("{dir}/{file}"),
        _ => path.to_string(),
    }
}
