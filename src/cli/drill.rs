//! `runbook drill NAME [--headless [--answer STEP=OPTION]... [--mark FILE:LINE]]`: a training drill. Prepares
//! the scenario (drill::setup), runs its runbook in the scenario directory — on the drill screen (the TUI, with
//! the scenario's clock; the trainee marks the racy line with `M` in the source view or `v`), or headless with
//! every step allowed (the directory is disposable) — then checks the milestones itself (drill::checks) and writes
//! the checks and the debrief into the session journal before closing it.

use super::run::{self, Policy};
use crate::drill::{self, checks};
use crate::engine::{Context, Session};
use crate::journal::{self, sessions, Meta};

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
}

pub fn run(args: &DrillArgs) -> i32 {
    match drill(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("runbook: {message}");
            2
        }
    }
}

fn drill(args: &DrillArgs) -> Result<i32, String> {
    let scenario = drill::scenario(&args.name).ok_or_else(|| {
        let names: Vec<&str> = drill::SCENARIOS.iter().map(|s| s.name).collect();
        format!("no drill `{}` (drills: {})", args.name, names.join(", "))
    })?;
    use std::io::IsTerminal;
    if !args.headless && !std::io::stdout().is_terminal() {
        return Err(format!("the drill screen needs a terminal: run `runbook drill {} --headless`", args.name));
    }
    if !args.headless && !args.answers.is_empty() {
        return Err("--answer is for --headless: on the drill screen you choose on screen".into());
    }
    let mark = match &args.mark {
        Some(m) => Some(checks::split_mark(m).ok_or_else(|| format!("--mark {m:?}: expected FILE:LINE"))?),
        None => None,
    };
    let answers = run::split_pairs(&args.answers, "--answer")?;
    let bundled = crate::bundled::runbook(scenario.runbook_id)
        .ok_or_else(|| format!("the drill runbook `{}` is not bundled", scenario.runbook_id))?;
    let runbook = crate::engine::load(&bundled.file, bundled.yaml).map_err(|e| e.to_string())?;
    if let Some(step) = answers.keys().find(|s| runbook.step_index(s).is_none()) {
        return Err(format!("--answer {step}=…: the drill has no step `{step}`"));
    }
    let prepared = drill::setup::prepare(scenario).map_err(|e| e.to_string())?;
    let workdir = prepared.dir.display().to_string();
    let assets_dir = crate::bundled::assets_dir().map_err(|e| e.to_string())?.display().to_string();
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
        mode: "drill",
        vars: &vars,
        drill: Some(scenario.name),
    });
    let journal = run::open_journal(args.journal.as_deref(), &runbook, start).map_err(|_| "no journal".to_string())?;
    let journal = journal.ok_or("a drill needs its journal: the state directory is not writable")?;
    if !args.json {
        println!("drill {}: scenario in {workdir}", scenario.name);
    }
    let session = Session::new(runbook, context, vars)?;
    let (code, journal) = if args.headless {
        // The scenario directory is disposable: every step may run, `change` steps included.
        let policy = Policy { yes: true, trusted: true, answers, phases: Vec::new(), evidence: None };
        run::headless(session, &policy, args.json, Some(journal))
    } else {
        crate::tui::drill(session, &bundled.file, scenario.name, journal)
    };
    let journal = journal.ok_or("the journal was lost during the run")?;
    if code == 130 {
        run::close_journal(Some(&journal), code);
        return Ok(code);
    }
    let records = journal::read(journal.path()).map_err(|e| e.to_string())?.records;
    let mark_text = args.mark.clone().or_else(|| marked_on_screen(&records));
    let mark_text = mark_text.as_deref();
    let go = checks::find_go();
    if !args.headless && go.is_some() {
        println!("checking the fix: go test -race in {workdir} …");
    }
    let checked = vec![
        checks::reproduced(&records),
        checks::located(scenario, &prepared.dir, mark_text, &prepared.racy_lines, &records),
        checks::fixed(&prepared.dir, go.as_deref(), journal.offset_ms(), &records),
    ];
    for c in &checked {
        let _ = journal.meta(Meta::MilestoneChecked {
            step: c.step.clone(),
            milestone: c.milestone.to_string(),
            by: "drill".into(),
            ok: c.ok,
            detail: c.detail.clone(),
            at_ms: c.at_ms,
        });
    }
    let debrief = checks::debrief(scenario, &checked);
    let _ = journal.meta(Meta::Debrief(Box::new(debrief.clone())));
    let all_ok = checked.iter().all(|c| c.ok);
    let code = if all_ok { 0 } else { 1 };
    run::close_journal(Some(&journal), code);
    if args.json {
        let line = serde_json::json!({"type": "debrief", "debrief": debrief, "journal": journal.path()});
        println!("{line}");
    } else {
        println!("debrief:");
        for c in &checked {
            let at = c.at_ms.map(|t| format!(" at {}", journal::markdown::offset(t))).unwrap_or_default();
            println!("  {} {}{at}: {}", if c.ok { "✔" } else { "✘" }, c.milestone, c.detail);
        }
        println!("  {}", debrief.summary);
        println!(
            "journal: {}  (runbook report {} for the postmortem)",
            journal.path().display(),
            journal.path().display()
        );
    }
    Ok(code)
}

/// The line marked on the drill screen (`M` in the source view, or the vars set with `v`), as the journal
/// recorded it: the last `mark_file` and `mark_line` given.
fn marked_on_screen(records: &[journal::Record]) -> Option<String> {
    let set = journal::replay::vars_set(records);
    let file = set.get("mark_file").filter(|f| !f.is_empty())?;
    let line = set.get("mark_line").filter(|l| l.as_str() != "0")?;
    Some(format!("{file}:{line}"))
}
