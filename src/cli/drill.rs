//! `runbook drill NAME [--headless [--answer STEP=OPTION]... [--mark FILE:LINE]]`: a training drill. Prepares
//! the scenario (drill::setup), runs its runbook in the scenario directory — on the drill screen (the TUI, with
//! the scenario's clock; the trainee marks the racy line with `M` in the source view or `v`), or headless with
//! every step allowed (the directory is disposable) — then checks the milestones itself (drill::checks) and writes
//! the checks and the debrief into the session journal before closing it.

use super::run::{self, Policy};
use super::Code;
use crate::drill::{self, checks};
use crate::engine::{Context, Session};
use crate::journal::{self, sessions, Meta};
use anyhow::{anyhow, bail, Context as _};
use std::io::{self, Write};
use std::path::Path;

#[derive(Debug, clap::Args)]
pub struct DrillArgs {
    /// The scenario (go-map)
    pub name: String,
    /// Run without a terminal (default: the drill screen)
    #[arg(long)]
    pub headless: bool,
    /// Print JSON lines instead of text
    #[arg(long)]
    pub json: bool,
    /// Answer a choose step: --answer fix_choice=mutex
    #[arg(long = "answer", value_name = "STEP=OPTION")]
    pub answers: Vec<String>,
    /// The line you blame for the race: --mark handlers.go:26 (checked against the scenario's answer)
    #[arg(long, value_name = "FILE:LINE")]
    pub mark: Option<String>,
    /// Write the session journal here
    #[arg(long)]
    pub journal: Option<String>,
    /// Keep the scenario's directory after the drill (it is removed by default; the journal keeps what was shown)
    #[arg(long)]
    pub keep: bool,
}

pub fn run(args: &DrillArgs) -> anyhow::Result<Code> {
    let scenario = drill::scenario(&args.name).ok_or_else(|| {
        let names: Vec<&str> = drill::SCENARIOS.iter().map(|s| s.name).collect();
        anyhow!("no drill `{}` (drills: {})", args.name, names.join(", "))
    })?;
    use std::io::IsTerminal;
    if !args.headless && !io::stdout().is_terminal() {
        bail!("the drill screen needs a terminal: run `runbook drill {} --headless`", args.name);
    }
    if !args.headless && !args.answers.is_empty() {
        bail!("--answer is for --headless: on the drill screen you choose on screen");
    }
    let mark = match &args.mark {
        Some(m) => Some(checks::split_mark(m).ok_or_else(|| anyhow!("--mark {m:?}: expected FILE:LINE"))?),
        None => None,
    };
    let answers = run::split_pairs(&args.answers, "--answer")?;
    let bundled = crate::bundled::runbook(scenario.runbook_id)
        .ok_or_else(|| anyhow!("the drill runbook `{}` is not bundled", scenario.runbook_id))?;
    let runbook = crate::engine::load(&bundled.file, bundled.yaml)?;
    run::check_answers(&runbook, &answers, "drill")?;
    let prepared = drill::setup::prepare(scenario)?;
    let workdir = prepared.dir.display().to_string();
    if !args.json {
        // Before the journal exists: a closed stdout ends the drill here, leaving no session to resume. The lock is
        // not held across the run: the drill screen draws on stdout from the runtime's threads.
        writeln!(io::stdout().lock(), "drill {}: scenario in {workdir}", scenario.name)?;
    }
    let assets_dir = super::source::assets_dir()?;
    let mut vars = std::collections::BTreeMap::new();
    if let Some((file, line)) = &mark {
        vars.insert("mark_file".to_string(), file.clone());
        vars.insert("mark_line".to_string(), line.to_string());
    }
    let context = Context { workdir: workdir.clone(), assets_dir, runbook_dir: workdir.clone() };
    let start = sessions::session_start(&sessions::StartFacts {
        runbook: &runbook,
        yaml: bundled.yaml,
        source: &bundled.file,
        bundled: true,
        workdir: &workdir,
        runbook_dir: &workdir,
        mode: journal::record::SessionMode::Drill,
        vars: &vars,
        drill: Some(scenario.name),
    });
    let journal = run::open_journal(args.journal.as_deref(), &runbook, start)?
        .ok_or_else(|| anyhow!("a drill needs its journal: the state directory is not writable"))?;
    let session = Session::new(runbook, context, vars).map_err(anyhow::Error::msg)?;
    let (code, journal, stdout) = if args.headless {
        // The scenario directory is disposable: every step may run, `change` steps included.
        let policy =
            Policy { yes: true, trusted: true, answers, phases: Vec::new(), evidence: None, repo_states: Vec::new() };
        let end = run::headless(session, &policy, args.json, Some(journal))?;
        (end.code, end.journal, end.stdout)
    } else {
        let (status, journal) = crate::tui::drill(session, &bundled.file, scenario.name, journal);
        (Code::from_status(status), journal, None)
    };
    let journal = journal.ok_or_else(|| anyhow!("the journal was lost during the run"))?;
    if code == Code::Interrupted {
        run::close_journal(Some(&journal), code);
        return Ok(code);
    }
    let records = journal::read(journal.path())?.records;
    let mark_text = args.mark.clone().or_else(|| marked_on_screen(&records));
    let mark_text = mark_text.as_deref();
    let mut out = crate::textsafe::stdout(false);
    let go = checks::find_go();
    if !args.headless && go.is_some() {
        writeln!(out, "checking the fix: go test -race in {workdir} …")?;
    }
    let checked = vec![
        checks::reproduced(scenario, &records),
        checks::located(scenario, &prepared.dir, mark_text, &prepared.racy_lines, &records),
        checks::fixed(&prepared.dir, go.as_deref(), journal.offset_ms(), &records),
    ];
    for c in &checked {
        let _ = journal.meta(Meta::MilestoneChecked {
            step: c.step.clone(),
            milestone: c.milestone.to_string(),
            by: crate::journal::MilestoneBy::Drill,
            ok: c.ok,
            detail: c.detail.clone(),
            at_ms: c.at_ms,
        });
    }
    let debrief = checks::debrief(scenario, &checked);
    let _ = journal.meta(Meta::Debrief(Box::new(debrief.clone())));
    let code = if checked.iter().all(|c| c.ok) { Code::Success } else { Code::Failure };
    run::close_journal(Some(&journal), code);
    // The journal holds what the drill showed (outputs, results, the files the source view opened), so the
    // scenario's directory is no longer needed, even for the replay. An interrupted drill (above) keeps it: its
    // session can be resumed.
    let scenario_note = if args.keep {
        format!("scenario kept in {workdir}")
    } else {
        match std::fs::remove_dir_all(&prepared.dir) {
            Ok(()) => format!("scenario directory removed ({workdir}; --keep keeps it)"),
            Err(e) => format!("could not remove the scenario directory {workdir}: {e}"),
        }
    };
    if !args.json {
        writeln!(out, "{scenario_note}")?;
    }
    // The journal has the checks and the debrief: only now may a closed stdout end the command.
    if let Some(e) = stdout {
        return Err(e).context("cannot print the drill's events (its journal has them all)");
    }
    print_debrief(&mut out, args.json, &checked, &debrief, journal.path())?;
    out.flush()?;
    Ok(code)
}

/// The debrief after the drill: one JSON line, or the checks and the summary as text.
fn print_debrief(
    out: &mut impl Write,
    json: bool,
    checked: &[checks::Checked],
    debrief: &journal::record::Debrief,
    journal: &Path,
) -> io::Result<()> {
    if json {
        let line = serde_json::json!({"type": "debrief", "debrief": debrief, "journal": journal});
        return writeln!(out, "{line}");
    }
    writeln!(out, "debrief:")?;
    for c in checked {
        let at = c.at_ms.map(|t| format!(" at {}", journal::markdown::offset(t))).unwrap_or_default();
        writeln!(out, "  {} {}{at}: {}", if c.ok { "✔" } else { "✘" }, c.milestone, c.detail)?;
    }
    writeln!(out, "  {}", debrief.summary)?;
    let path = journal.display();
    writeln!(out, "journal: {path}  (runbook report {path} for the postmortem)")
}

/// The line marked on the drill screen (`M` in the source view, or the vars set with `v`), as the journal
/// recorded it: the last `mark_file` and `mark_line` given.
fn marked_on_screen(records: &[journal::Record]) -> Option<String> {
    let set = journal::replay::vars_set(records);
    let file = set.get("mark_file").filter(|f| !f.is_empty())?;
    let line = set.get("mark_line").filter(|l| l.as_str() != "0")?;
    Some(format!("{file}:{line}"))
}
