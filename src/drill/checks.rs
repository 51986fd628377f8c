//! The drill's own checks of the milestones, and the debrief that compares their times with the handbook.
//!
//! - reproduced: the scenario's failure (a race report, a crash, a test timeout) really appears in a step's
//!   recorded output;
//! - located: the line the trainee marked is the racy line the scenario knows;
//! - fixed: `go test -race -timeout 60s` is clean in the drill directory after the change, run here rather than
//!   trusted from the runbook (the timeout turns a deadlock that is still there into a failure, not a hang);
//!   without a Go toolchain the simulator confirms the chosen fix pattern instead (map races only).

use super::Scenario;
use crate::engine::{Event, Milestone};
use crate::journal::record::{Debrief, DebriefCheck, Target};
use crate::journal::Record;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One checked milestone: whether it holds, why, and when (offset from the session start) it was reached.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub milestone: &'static str,
    pub ok: bool,
    pub detail: String,
    pub at_ms: Option<u64>,
    pub step: Option<String>,
}

pub fn reproduced(scenario: &Scenario, records: &[Record]) -> Checked {
    let seen = records.iter().find_map(|r| match r.event() {
        Some(Event::Output { step, line, .. }) if scenario.reproduced_needles.iter().any(|n| line.contains(n)) => {
            Some((step.clone(), line.trim().to_string(), r.offset_ms))
        }
        _ => None,
    });
    match seen {
        Some((step, line, at)) => Checked {
            milestone: "reproduced",
            ok: true,
            detail: format!("`{line}` in the output of step `{step}`"),
            at_ms: Some(at),
            step: Some(step),
        },
        None => Checked {
            milestone: "reproduced",
            ok: false,
            detail: "no crash and no race report appeared in any step's output".into(),
            at_ms: None,
            step: None,
        },
    }
}

/// `mark` is what the trainee gave (`FILE:LINE`); `racy_lines` what the scenario accepts in its racy file.
pub fn located(
    scenario: &Scenario,
    dir: &Path,
    mark: Option<&str>,
    racy_lines: &[usize],
    records: &[Record],
) -> Checked {
    let answer = racy_lines.first().map(|l| format!("{}:{l}", scenario.racy_file)).unwrap_or_default();
    let Some(mark) = mark else {
        return Checked {
            milestone: "located",
            ok: false,
            detail: format!("no line was marked (--mark FILE:LINE); the {} is {answer}", scenario.culprit),
            at_ms: None,
            step: None,
        };
    };
    let (file, line) = split_mark(mark).unwrap_or((mark.to_string(), 0));
    let file = file.strip_prefix(&format!("{}/", dir.display())).unwrap_or(&file).trim_start_matches("./").to_string();
    let ok = file == scenario.racy_file && racy_lines.contains(&line);
    // When it was located: when the step that examined the marked line passed.
    let at = records.iter().find_map(|r| match r.event() {
        Some(Event::Milestone { step, milestone: Milestone::Located }) => Some((step.clone(), r.offset_ms)),
        _ => None,
    });
    let detail = if ok {
        format!("marked {file}:{line}, the {}", scenario.culprit)
    } else {
        format!("marked {file}:{line}, but the {} is {answer}", scenario.culprit)
    };
    Checked {
        milestone: "located",
        ok,
        detail,
        at_ms: if ok { at.as_ref().map(|(_, t)| *t) } else { None },
        step: at.map(|(s, _)| s),
    }
}

pub fn split_mark(mark: &str) -> Option<(String, usize)> {
    let (file, line) = mark.rsplit_once(':')?;
    Some((file.to_string(), line.trim().parse().ok()?))
}

/// Runs `go test -race` in the drill directory; `go` is None when no toolchain is on PATH.
pub fn fixed(dir: &Path, go: Option<&Path>, now_ms: u64, records: &[Record]) -> Checked {
    let Some(go) = go else {
        return fixed_by_simulator(records);
    };
    let output = std::process::Command::new(go)
        .args(["test", "-race", "-count=1", "-timeout", "60s", "./..."])
        .current_dir(dir)
        .env("GOTOOLCHAIN", "local")
        .env("GOPROXY", "off")
        .env("GOFLAGS", "-mod=mod")
        .stdin(std::process::Stdio::null())
        .output();
    let (ok, detail) = match output {
        Ok(out) => {
            let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
            let raced = text.contains("WARNING: DATA RACE");
            let hung = text.contains("panic: test timed out after");
            match (out.status.success(), raced) {
                (true, false) => (true, "`go test -race ./...` is clean after the change".to_string()),
                (_, true) => (false, "`go test -race ./...` still reports a data race".to_string()),
                (false, false) if hung => (false, "`go test -race ./...` still hangs: the test timed out".to_string()),
                (false, false) => (false, format!("`go test -race ./...` fails: {}", last_line(&text))),
            }
        }
        Err(e) => (false, format!("could not run {}: {e}", go.display())),
    };
    let step_at = records.iter().find_map(|r| match r.event() {
        Some(Event::Milestone { step, milestone: Milestone::Fixed }) => Some((step.clone(), r.offset_ms)),
        _ => None,
    });
    Checked {
        milestone: "fixed",
        ok,
        detail,
        at_ms: ok.then(|| step_at.as_ref().map(|(_, t)| *t).unwrap_or(now_ms)),
        step: step_at.map(|(s, _)| s),
    }
}

fn last_line(text: &str) -> String {
    text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string()
}

/// The `go` on PATH, if any.
pub fn find_go() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join("go")).find(|p| p.is_file())
}

pub fn debrief(scenario: &Scenario, checks: &[Checked]) -> Debrief {
    let at = |m: &str| checks.iter().find(|c| c.milestone == m && c.ok).and_then(|c| c.at_ms);
    let mut times_ms = BTreeMap::new();
    for c in checks {
        if let (true, Some(t)) = (c.ok, c.at_ms) {
            times_ms.insert(c.milestone.to_string(), t);
        }
    }
    let locate = match (at("reproduced"), at("located")) {
        (Some(r), Some(l)) => Some(l.saturating_sub(r)),
        (None, Some(l)) => Some(l),
        _ => None,
    };
    let target = Target {
        phase: "locate (from the reproduction)".into(),
        target_ms: scenario.locate_target_ms,
        actual_ms: locate,
        met: locate.is_some_and(|l| l <= scenario.locate_target_ms),
    };
    let passed = checks.iter().filter(|c| c.ok).count();
    let mut summary = format!("{passed} of {} milestones confirmed", checks.len());
    match locate {
        Some(l) => summary.push_str(&format!(
            "; located {} after reproducing (target {}: {})",
            crate::journal::markdown::human(l),
            crate::journal::markdown::human(scenario.locate_target_ms),
            if target.met { "met" } else { "missed" }
        )),
        None => summary.push_str(&format!("; the {} was not located", scenario.culprit)),
    }
    summary.push('.');
    Debrief {
        scenario: scenario.name.to_string(),
        checks: checks
            .iter()
            .map(|c| DebriefCheck { milestone: c.milestone.to_string(), ok: c.ok, detail: c.detail.clone() })
            .collect(),
        times_ms,
        targets: vec![target],
        summary,
    }
}

/// Runs of each program when the simulator stands in for Go: enough that a racy program crashes many times.
const SIM_RUNS: u64 = 20;

/// Without Go: the chosen fix pattern (the `choice` event) is run in the simulator, where it must neither crash
/// nor race while the unguarded `repro` does, over the same seeds.
fn fixed_by_simulator(records: &[Record]) -> Checked {
    let choice = records.iter().find_map(|r| match r.event() {
        Some(Event::Choice { step, option, .. }) => Some((step.clone(), option.clone(), r.offset_ms)),
        _ => None,
    });
    let fail = |detail: String| Checked { milestone: "fixed", ok: false, detail, at_ms: None, step: None };
    let Some((step, option, at_ms)) = choice else {
        return fail("no Go toolchain on PATH and no fix was chosen: nothing for the simulator to check".into());
    };
    let (Some(fixed), Some(repro)) = (crate::sim::builtin(&format!("fixed-{option}")), crate::sim::builtin("repro"))
    else {
        return fail(format!("no Go toolchain on PATH, and the simulator has no model of the `{option}` fix"));
    };
    let opts = crate::sim::SimOptions::default();
    let before = crate::sim::run_many(&repro, &opts, SIM_RUNS);
    let after = crate::sim::run_many(&fixed, &opts, SIM_RUNS);
    let ok = after.crashes == 0 && after.races_detected == 0 && before.crashes > 0;
    let detail = format!(
        "no Go toolchain on PATH; simulator, {SIM_RUNS} seeded runs each: unguarded repro crashed {} times and \
         raced {} times, fixed-{option} crashed {} times and raced {} times",
        before.crashes, before.races_detected, after.crashes, after.races_detected
    );
    Checked { milestone: "fixed", ok, detail, at_ms: ok.then_some(at_ms), step: Some(step) }
}
