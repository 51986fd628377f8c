//! The command line: clap definitions, dispatch, and exit codes (0 ok or found, 1 nothing found or a step failed,
//! 2 usage, input or environment error). Libraries below never see clap; this layer composes them.

pub mod blame;
pub mod catalog;
pub mod check;
pub mod completions;
pub mod convert;
mod cycle_printer;
pub mod drill;
pub mod evidence;
pub mod exit;
pub mod gc;
mod gc_json;
pub mod grep;
pub mod list;
pub mod log_input;
pub mod parse;
mod parse_json;
mod parse_spool;
mod pretty_at;
pub mod print;
pub mod reach;
pub mod report;
pub mod resume;
pub mod run;
pub mod schema;
pub mod signals;
pub mod sim;
pub mod sim_batch;
pub mod source;
pub mod triage;
mod triage_clues;
pub mod triage_facts;
mod triage_text;
pub mod trust;

use anyhow::{bail, Context as _};
use clap::{Parser, Subcommand};
pub use exit::Code;

#[derive(Debug, Parser)]
#[command(name = "runbook", version, about = "Walks you through an incident runbook and does the work of each step")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open a runbook in the terminal UI (default: the bundled go-map-concurrency runbook)
    Open {
        /// A runbook file or bundled id
        runbook: Option<String>,
        /// Write the session journal here (default: a new file in $XDG_STATE_HOME/runbook/sessions/)
        #[arg(long)]
        journal: Option<String>,
        /// Set a runbook var: --var repo=/src/app (vars still without a value are asked for on screen; `v` shows
        /// and changes them later)
        #[arg(long = "var", value_name = "K=V")]
        vars: Vec<String>,
        #[command(flatten)]
        evidence: evidence::EvidenceArgs,
        /// Cap of each step's side file of complete output, head and tail kept (default 1GiB; a step's
        /// `spill_cap:` wins)
        #[arg(long, value_name = "SIZE", value_parser = crate::engine::size::parse)]
        spill_cap: Option<u64>,
    },
    /// List the runbooks: bundled, and the user's own ($XDG_CONFIG_HOME/runbook/runbooks, --runbooks DIR)
    List(list::ListArgs),
    /// Validate runbook files without running anything
    Check {
        #[arg(required = true)]
        files: Vec<String>,
    },
    /// Print a JSON Schema of the runbook format
    Schema,
    /// Print a Markdown runbook (FILE.md) as the equivalent YAML runbook (runs nothing)
    Convert { file: String },
    /// Trust a runbook file's exact content for headless runs of its observe steps
    Trust { file: String },
    /// Run a runbook without a terminal
    Run(run::RunArgs),
    /// Render a blameless postmortem from a session journal (runs nothing)
    Report(report::ReportArgs),
    /// Continue an interrupted session from its journal
    Resume(resume::ResumeArgs),
    /// Open a recorded session read-only in the terminal UI
    Replay {
        /// The session journal
        journal: String,
    },
    /// Which runbook fits this evidence (the runbooks' match:), and what failed: message, map operation, frames
    Triage(triage::TriageArgs),
    /// Read Go output (race reports, crash dumps, gctrace) from logs: a triage summary, or one JSON document
    Parse(parse::ParseArgs),
    /// The GC cycles of a GODEBUG=gctrace=1 log: table, summary, chart
    Gc(gc::GcArgs),
    /// Search files like ripgrep (respects .gitignore); --include/--exclude are rg's -g GLOB / -g '!GLOB'
    Grep(grep::GrepArgs),
    /// Who last changed each line (git blame of a line range, with git2)
    Blame(blame::BlameArgs),
    /// Replay the map race in a deterministic simulator: crash, race detector, GC timing, and the fixes
    Sim(sim::SimArgs),
    /// Practise on a prepared incident: a scenario with a git history, timed and checked
    Drill(drill::DrillArgs),
    /// Print shell completions: runbook completions bash > ~/.local/share/bash-completion/completions/runbook
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff): runbook man > ~/.local/share/man/man1/runbook.1; runbook man run: one command's
    Man {
        /// A command (run, open, resume, …): its page with every flag
        command: Option<String>,
    },
}

/// Rewrites `runbook FILE` to `runbook open FILE`: a first argument that is not a subcommand (or `help`) is a
/// runbook, so `./list` opens a file named list. `open`'s own flags first (`runbook --var repo=. FILE`) mean
/// `open` too.
pub fn normalize_args(mut args: Vec<String>) -> Vec<String> {
    if let Some(first) = args.get(1) {
        let open_flag = ["--var", "--journal", "--log", "--redact", "--map"]
            .iter()
            .any(|f| first == f || first.starts_with(&format!("{f}=")));
        if open_flag || (!first.starts_with('-') && first != "help" && !is_subcommand(first)) {
            args.insert(1, "open".to_string());
        }
    }
    if args.get(1).is_some_and(|first| first == "blame") {
        blame::attach_scores(&mut args[2..]);
    }
    args
}

fn is_subcommand(name: &str) -> bool {
    use clap::CommandFactory;
    Cli::command().get_subcommands().any(|c| c.get_name() == name)
}

/// Parses the command line, runs the command, and maps its result to the process's exit code (`exit::report`:
/// the one place errors are printed).
pub fn main() -> i32 {
    let args = normalize_args(std::env::args().collect());
    let hostile_args = args.iter().any(|a| a.chars().any(crate::textsafe::is_unsafe));
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version print to stdout and exit 0; a usage error prints to stderr and exits 2.
            let code = if e.use_stderr() { Code::ProblemsReported } else { Code::Success };
            // clap quotes a bad value back raw inside its colours; when an argument holds a control character the
            // message is printed plain (clap's plain rendering strips escape sequences; textsafe shows the rest).
            if hostile_args {
                let plain = e.to_string();
                let text = crate::textsafe::visible(&plain);
                use std::io::Write;
                let written = if e.use_stderr() {
                    write!(std::io::stderr().lock(), "{text}")
                } else {
                    write!(std::io::stdout().lock(), "{text}")
                };
                return exit::report(written.context("cannot print the usage").map(|()| code));
            }
            return exit::report(e.print().context("cannot print the usage").map(|()| code));
        }
    };
    exit::report(dispatch(cli.command))
}

fn dispatch(command: Option<Command>) -> anyhow::Result<Code> {
    match command {
        None => open(None, None, &[], &evidence::EvidenceArgs::default(), None),
        Some(Command::Open { runbook, journal, vars, evidence, spill_cap }) => {
            open(runbook.as_deref(), journal, &vars, &evidence, spill_cap)
        }
        Some(Command::List(args)) => list::run(&args),
        Some(Command::Check { files }) => check::run(&files),
        Some(Command::Schema) => schema::run(),
        Some(Command::Convert { file }) => convert::run(&file),
        Some(Command::Trust { file }) => trust::run(&file),
        Some(Command::Run(args)) => run::run(&args),
        Some(Command::Triage(args)) => triage::run(&args).map(Code::from_status),
        Some(Command::Parse(args)) => parse::run(&args),
        Some(Command::Grep(args)) => grep::run(&args),
        Some(Command::Sim(args)) => sim::run(&args),
        Some(Command::Blame(args)) => blame::run(&args),
        Some(Command::Gc(args)) => gc::run(&args),
        Some(Command::Completions { shell }) => completions::completions(shell),
        Some(Command::Man { command }) => completions::man(command.as_deref()),
        Some(Command::Report(args)) => report::run(&args),
        Some(Command::Resume(args)) => resume::run(&args),
        Some(Command::Replay { journal }) => replay(&journal),
        Some(Command::Drill(args)) => drill::run(&args),
    }
}

fn open(
    runbook: Option<&str>,
    journal: Option<String>,
    vars: &[String],
    evidence: &evidence::EvidenceArgs,
    spill_cap: Option<u64>,
) -> anyhow::Result<Code> {
    let vars = run::split_pairs(vars, "--var")?;
    use std::io::{IsTerminal, Write};
    // Standard input is read before the screen opens (`kubectl logs … | runbook --log -` hands it over whole; the
    // screen then reads its keys from the terminal device). Files are only checked now and read behind the screen
    // (`Pending::deferred`): a 100 MB log must not hold back the first frame.
    let mut pending = if std::io::stdout().is_terminal() { evidence.read_deferring_files()? } else { None };
    let source = match (runbook, pending.take()) {
        (Some(id), given) => {
            pending = given;
            source::find(id)?
        }
        // `--log` without a runbook: the one triage picks for this evidence, read with a screen up.
        (None, Some(given)) if !given.is_empty() => {
            let (given, picked, screen) = match pick_with_screen(given, vars.get("repo").cloned())? {
                Ok(picked) => picked,
                Err(code) => return Ok(code),
            };
            match picked? {
                triage::Opened::Runbook(source, parsed) => {
                    pending = Some(crate::evidence::Pending { parsed: Some(parsed), ..given });
                    return open_source_on(&source, journal, vars, pending, spill_cap, Some(screen));
                }
                triage::Opened::NoMatch(text) => {
                    drop(screen);
                    let mut out = crate::textsafe::stdout(false);
                    write!(out, "{text}")?;
                    out.flush()?;
                    return Ok(Code::Failure);
                }
            }
        }
        (None, given) => {
            pending = given;
            source::find(crate::bundled::DEFAULT_RUNBOOK)?
        }
    };
    open_source(&source, journal, vars, pending, spill_cap)
}

/// What the picking screen gives back: the evidence, the pick, and the terminal still in its UI mode.
type PickedOnScreen = (crate::evidence::Pending, anyhow::Result<triage::Opened>, crate::tui::terminal::TerminalGuard);

/// `triage::pick_for_open` with the picking screen up (`tui::picking`). `Ok(Err(code))`: stopped, by the engineer
/// (said on standard error; 0) or by a signal (130). Err: the terminal could not be set up.
fn pick_with_screen(
    mut pending: crate::evidence::Pending,
    repo: Option<String>,
) -> anyhow::Result<Result<PickedOnScreen, Code>> {
    use crate::tui::picking::{pick_on_screen, Picked};
    let bytes = usize::try_from(pending.size()).unwrap_or(usize::MAX);
    let names: Vec<&str> = pending.names().into_iter().map(|n| if n == "-" { "standard input" } else { n }).collect();
    let what = format!("{}, {}", names.join(", "), crate::tui::evidence_dialog::size(bytes));
    let picked = pick_on_screen(what, move || {
        let picked = pending.read_deferred().and_then(|()| triage::pick_for_open(&pending, repo.as_ref()));
        (pending, picked)
    });
    match picked {
        Picked::Done((pending, picked), screen) => Ok(Ok((pending, picked, screen))),
        Picked::Stopped => {
            crate::textsafe::eprint_line(
                "runbook: stopped before a runbook was picked; nothing was recorded. Open one with the evidence \
                 directly: runbook open ID --log … (runbook list shows them)",
            );
            Ok(Err(Code::Success))
        }
        Picked::Signalled => Ok(Err(Code::Interrupted)),
        Picked::Failed(message) => bail!("{message}"),
    }
}

/// Opens `source` on the screen with the evidence already read (`open`, and `triage` when one runbook fits).
pub(crate) fn open_source(
    source: &source::Source,
    journal: Option<String>,
    vars: std::collections::BTreeMap<String, String>,
    pending: Option<crate::evidence::Pending>,
    spill_cap: Option<u64>,
) -> anyhow::Result<Code> {
    open_source_on(source, journal, vars, pending, spill_cap, None)
}

/// `open_source` onto `screen` when the terminal is already in its UI mode (the picking screen's): an error
/// drops it, giving the terminal back before the message is printed.
fn open_source_on(
    source: &source::Source,
    journal: Option<String>,
    vars: std::collections::BTreeMap<String, String>,
    pending: Option<crate::evidence::Pending>,
    spill_cap: Option<u64>,
    screen: Option<crate::tui::terminal::TerminalGuard>,
) -> anyhow::Result<Code> {
    use std::io::{IsTerminal, Write};
    let rb = source::load(source)?;
    if !std::io::stdout().is_terminal() {
        // Piped or redirected: the plain-text rendering, not a screen of escape codes.
        let mut out = crate::textsafe::stdout(false);
        write!(out, "{}", print::render(&rb))?;
        out.flush()?;
        return Ok(Code::Success);
    }
    let assets_dir = source::assets_dir()?;
    let context = crate::engine::Context { workdir: source::workdir(), assets_dir, runbook_dir: source.dir.clone() };
    let spec = crate::tui::journaling::JournalSpec {
        path: journal,
        yaml: source.bytes.clone(),
        source: source.name.clone(),
        bundled: source.bundled,
        spill_cap,
    };
    Ok(Code::from_status(crate::tui::run(rb, context, vars, &source.name, &spec, pending, screen)))
}

/// `runbook replay JOURNAL`: the recorded session in the terminal UI, read-only (runs and writes nothing).
fn replay(journal: &str) -> anyhow::Result<Code> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        bail!("replay: needs a terminal; for a text rendering of the session use `runbook report {journal}`");
    }
    Ok(Code::from_status(crate::tui::replay(std::path::Path::new(journal))))
}

#[cfg(test)]
mod tests {
    use super::normalize_args;

    fn args(list: &[&str]) -> Vec<String> {
        normalize_args(list.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn a_runbook_or_open_flags_first_mean_open() {
        assert_eq!(args(&["runbook", "my.yaml"]), ["runbook", "open", "my.yaml"]);
        assert_eq!(args(&["runbook", "--var", "repo=/src"]), ["runbook", "open", "--var", "repo=/src"]);
        assert_eq!(args(&["runbook", "--journal=j.jsonl"]), ["runbook", "open", "--journal=j.jsonl"]);
        assert_eq!(args(&["runbook", "--map", "/go/src/app/=svc/"]), ["runbook", "open", "--map", "/go/src/app/=svc/"]);
        assert_eq!(args(&["runbook", "list"]), ["runbook", "list"]);
        assert_eq!(args(&["runbook", "--help"]), ["runbook", "--help"]);
        assert_eq!(args(&["runbook", "help"]), ["runbook", "help"]);
    }

    #[test]
    fn blame_scores_attach_as_in_git() {
        assert_eq!(
            args(&["runbook", "blame", "-M20", "-C", "-C40", "f"]),
            ["runbook", "blame", "-M=20", "-C", "-C=40", "f"]
        );
        // Not a score: the file after -M, a range value, anything after `--`, other commands.
        assert_eq!(args(&["runbook", "blame", "-M", "20"]), ["runbook", "blame", "-M", "20"]);
        assert_eq!(
            args(&["runbook", "blame", "-L", "-M20", "--", "-C4"]),
            ["runbook", "blame", "-L", "-M20", "--", "-C4"]
        );
        assert_eq!(args(&["runbook", "grep", "-M20"]), ["runbook", "grep", "-M20"]);
    }
}
