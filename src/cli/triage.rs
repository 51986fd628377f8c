//! `runbook triage LOG... [--json]`: which runbook fits this evidence, and why.
//!
//! Reads the logs (`-` = standard input, gzip read transparently), says what failed (`triage_facts.rs`), and tries
//! every runbook's `match:` (bundled and the user's, `catalog.rs`) on the log's lines as Go printed them. Exit 0
//! when a runbook matched, 1 when none did (the triage is printed all the same), 2 when an input cannot be read.
//! `pick` is the library half: the TUI's "open with evidence" path calls it too.

use super::catalog::{self, Origin};
use super::log_input::read_logs;
use super::triage_facts::{triage, Triage};
use crate::engine::match_rules::{EvidenceLine, Matcher, MatcherGroup};
use crate::golang::prefix::{logical_lines, lossy};
use crate::locate::{PathMapper, Rewrite};
use anyhow::Context;
use serde::Serialize;
use std::path::PathBuf;

/// Matched lines kept per candidate (the count of all is `evidence_total`).
const EVIDENCE_LINES: usize = 20;

#[derive(Debug, Clone, clap::Args)]
pub struct TriageArgs {
    /// Logs to read, in order; `-` reads standard input; gzipped logs are read as they are.
    #[arg(required = true, value_name = "LOG")]
    pub logs: Vec<String>,
    /// Print one JSON object: runbook, candidates, triage.
    #[arg(long)]
    pub json: bool,
    /// The service's repository, to map the log's paths to its files (default: the current directory when it
    /// has a go.mod or .git).
    #[arg(long, value_name = "DIR")]
    pub repo: Option<PathBuf>,
    /// Also try the runbooks in this directory (repeatable; $XDG_CONFIG_HOME/runbook/runbooks is always tried).
    #[arg(long = "runbooks", value_name = "DIR")]
    pub runbooks: Vec<PathBuf>,
    /// Correct the path mapping: the build's prefix FROM is the repository's TO (repeatable).
    #[arg(long = "map", value_name = "FROM=TO")]
    pub map: Vec<String>,
}

/// What `pick` needs besides the logs.
#[derive(Debug, Clone, Default)]
pub struct TriageOptions {
    /// The repository to map paths into; `None`: no mapping.
    pub repo: Option<PathBuf>,
    pub runbook_dirs: Vec<PathBuf>,
    pub rewrites: Vec<Rewrite>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchedLine {
    pub input: String,
    pub line: usize,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub id: String,
    pub title: String,
    /// `bundled`, or the runbook file's path.
    pub source: String,
    pub evidence: Vec<MatchedLine>,
    pub evidence_total: usize,
    /// Whether one of its patterns matches the failure's own first line (`triage.at`: the `fatal error:` or
    /// `panic:` line, the first race report or dump): the runbook for what failed, not for other evidence in the
    /// log (gc lines next to a map crash). Among bundled runbooks (and among the user's), those that do come
    /// first.
    pub matches_failure: bool,
    #[serde(skip)]
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// The pick's id: the first candidate (user runbooks before bundled ones, those matching the failure's own
    /// line first, then by id).
    pub runbook: Option<String>,
    pub candidates: Vec<Candidate>,
    pub triage: Triage,
    /// User runbooks that could not be tried because they do not load: the loader's message for each.
    #[serde(skip)]
    pub invalid: Vec<String>,
    /// The logs parsed (as the session's evidence parses them): handed to the session a runbook opens with, so a
    /// 100 MB log is not parsed twice.
    #[serde(skip)]
    pub parsed: std::sync::Arc<crate::golang::ParseReport>,
}

impl Outcome {
    pub fn pick(&self) -> Option<&Candidate> {
        self.candidates.first()
    }
}

/// Triage of the logs and the runbooks whose `match:` fits them. Drill runbooks never match.
pub fn pick(inputs: &[(String, Vec<u8>)], options: &TriageOptions) -> anyhow::Result<Outcome> {
    let mapper = match &options.repo {
        Some(repo) => {
            let root = std::fs::canonicalize(repo)
                .with_context(|| format!("cannot open the repository {}", repo.display()))?;
            Some(PathMapper::for_repo(&root).with_rewrites(options.rewrites.clone()))
        }
        None => None,
    };
    let names: Vec<&str> = inputs.iter().map(|(name, _)| name.as_str()).collect();
    let report = crate::evidence::parse_sources(&names, inputs);
    let texts: Vec<_> = inputs.iter().map(|(_, bytes)| lossy(bytes)).collect();
    let lines: Vec<_> = texts.iter().map(|text| logical_lines(text)).collect();
    let triage = triage(&report, inputs, mapper.as_ref());
    // The failure's own line, as the patterns see it (without the shipper's prefix).
    let failure_line = triage.at.as_ref().and_then(|at| {
        let input = inputs.iter().position(|(name, _)| *name == at.input)?;
        let line = lines.get(input)?.iter().find(|l| l.number == at.line)?;
        Some(EvidenceLine { input, line: line.number, text: line.as_str() })
    });
    let mut candidates = Vec::new();
    let mut invalid = Vec::new();
    // The runbooks that can match, each with its own matcher (a pattern the regex engine refuses leaves its runbook
    // out, as before), then every one of them tried in one pass over the lines (`MatcherGroup`).
    let mut tried = Vec::new();
    let entries = catalog::entries(&options.runbook_dirs);
    for entry in &entries {
        let rb = match &entry.runbook {
            Ok(rb) => rb,
            Err(e) => {
                invalid.push(e.clone());
                continue;
            }
        };
        if crate::drill::SCENARIOS.iter().any(|s| s.runbook_id == rb.id) {
            continue;
        }
        let Some(matcher) = Matcher::new(&rb.match_patterns).ok().flatten() else { continue };
        tried.push((entry, rb, matcher));
    }
    let evidence = || {
        lines.iter().enumerate().flat_map(|(input, lines)| {
            lines.iter().map(move |l| EvidenceLine { input, line: l.number, text: l.as_str() })
        })
    };
    let lists: Vec<&[String]> = tried.iter().map(|(_, rb, _)| rb.match_patterns.as_slice()).collect();
    let outcomes = match MatcherGroup::new(&lists) {
        Ok(group) => group.matching_lines(evidence(), EVIDENCE_LINES),
        // Too many patterns for one set: each runbook's own pass.
        Err(_) => tried.iter().map(|(_, _, matcher)| matcher.matching_lines(evidence(), EVIDENCE_LINES)).collect(),
    };
    for ((entry, rb, matcher), outcome) in tried.iter().zip(outcomes) {
        if outcome.total == 0 {
            continue;
        }
        let matches_failure = failure_line.is_some_and(|l| matcher.matching_lines([l], 1).total > 0);
        let name = |input: usize| inputs.get(input).map(|(n, _)| n.clone()).unwrap_or_default();
        candidates.push(Candidate {
            id: rb.id.clone(),
            title: rb.title.clone(),
            source: entry.origin.describe(),
            evidence: outcome
                .lines
                .into_iter()
                .map(|l| MatchedLine { input: name(l.input), line: l.line, text: l.text })
                .collect(),
            evidence_total: outcome.total,
            matches_failure,
            origin: entry.origin.clone(),
        });
    }
    // The team's own runbooks first (they know their service); then the runbooks for what failed before those
    // for other evidence in the log.
    candidates.sort_by_key(|c| (c.origin == Origin::Bundled, !c.matches_failure, c.id.clone()));
    let runbook = candidates.first().map(|c| c.id.clone());
    Ok(Outcome { runbook, candidates, triage, invalid, parsed: std::sync::Arc::new(report) })
}

/// What `runbook --log …` without a runbook opens: the runbook triage picks, or nothing (the triage as text).
pub enum Opened {
    /// The runbook to open, and the evidence parsed on the way (for the session's evidence).
    Runbook(super::source::Source, std::sync::Arc<crate::golang::ParseReport>),
    NoMatch(String),
}

/// The runbook for the evidence of `runbook --log …`: user runbooks first, then bundled (`pick`); `repo` is the
/// `--var repo=…` given, if any (the paths of the text are mapped into it).
pub fn pick_for_open(pending: &crate::evidence::Pending, repo: Option<&String>) -> anyhow::Result<Opened> {
    let inputs = pending.redacted();
    let repo = repo.map(PathBuf::from).or_else(|| repo_of_cwd(None)).filter(|r| r.is_dir());
    let options = TriageOptions { repo, rewrites: pending.rewrites.clone(), ..TriageOptions::default() };
    let outcome = pick(&inputs, &options)?;
    let names: Vec<String> = inputs.iter().map(|(n, _)| n.clone()).collect();
    match outcome.pick() {
        Some(candidate) => {
            let id = match &candidate.origin {
                Origin::Bundled => candidate.id.clone(),
                Origin::File(path) => path.display().to_string(),
            };
            Ok(Opened::Runbook(super::source::find(&id)?, outcome.parsed.clone()))
        }
        None => {
            let mut text = super::triage_text::render(&outcome, &names);
            text.push_str(
                "\nNo runbook matches this evidence. Open one with it: `runbook open ID --log …` (`runbook list` \
                 shows them).\n",
            );
            Ok(Opened::NoMatch(text))
        }
    }
}

/// The repository to map into: `--repo`, else the current directory when it looks like one.
fn repo_of(args: &TriageArgs) -> Option<PathBuf> {
    repo_of_cwd(args.repo.clone())
}

fn repo_of_cwd(given: Option<PathBuf>) -> Option<PathBuf> {
    if given.is_some() {
        return given;
    }
    let cwd = std::env::current_dir().ok()?;
    (cwd.join("go.mod").is_file() || cwd.join(".git").exists()).then_some(cwd)
}

pub fn run(args: &TriageArgs) -> anyhow::Result<i32> {
    let rewrites = args.map.iter().map(|m| m.parse::<Rewrite>()).collect::<Result<Vec<_>, _>>()?;
    let inputs = read_logs(&args.logs)?;
    let options = TriageOptions { repo: repo_of(args), runbook_dirs: args.runbooks.clone(), rewrites };
    let outcome = pick(&inputs, &options)?;
    for message in &outcome.invalid {
        crate::textsafe::eprint_line(&format!("runbook triage: skipped a runbook that does not load:\n{message}"));
    }
    // On a terminal, one fitting runbook opens with the evidence loaded; several are listed to choose from.
    use std::io::IsTerminal;
    if let ([candidate], false, true) = (outcome.candidates.as_slice(), args.json, std::io::stdout().is_terminal()) {
        let id = match &candidate.origin {
            Origin::Bundled => candidate.id.clone(),
            Origin::File(path) => path.display().to_string(),
        };
        let sources =
            inputs.into_iter().map(|(name, bytes)| crate::evidence::Source { name, bytes }).collect::<Vec<_>>();
        let mut pending =
            crate::evidence::Pending::new(sources, crate::evidence::Redactor::new(&[])?, options.rewrites.clone());
        pending.parsed = Some(outcome.parsed.clone());
        let source = super::source::find(&id)?;
        let mut vars = std::collections::BTreeMap::new();
        let declares_repo = super::source::load(&source)?.vars.iter().any(|v| v.name == "repo");
        if let (Some(repo), true) = (&options.repo, declares_repo) {
            vars.insert("repo".to_string(), repo.display().to_string());
        }
        return super::open_source(&source, None, vars, Some(pending), None).map(|code| code.as_i32());
    }
    let text = if args.json {
        let mut json = serde_json::to_string_pretty(&outcome).context("cannot serialise the triage")?;
        json.push('\n');
        json
    } else {
        super::triage_text::render(&outcome, &args.logs)
    };
    write_stdout(&text, args.json)?;
    Ok(if outcome.runbook.is_some() { 0 } else { 1 })
}

/// Writes to standard output; a reader that went away (`| head`) is not an error worth a message.
fn write_stdout(text: &str, json: bool) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = crate::textsafe::stdout(json);
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e).context("cannot write to standard output"),
        _ => Ok(()),
    }
}

/// A path as the user can paste it back into a command: the engine's one shell quoting.
pub(crate) use crate::engine::template::shell_quote as shell_word;
