//! `runbook report JOURNAL [--format md|json] [--with-authors]`: the postmortem of a recorded session.
//!
//! Reads the journal only: nothing from the runbook is run, no file is written. A torn last line (the session
//! crashed) is reported on stderr and the rest is rendered.

use super::Code;
use crate::journal::{self, markdown, postmortem};
use anyhow::Context as _;
use std::io::Write;

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The session journal (a .jsonl file)
    pub journal: String,
    /// md (a Markdown document) or json (one JSON document)
    #[arg(long, default_value = "md", value_parser = ["md", "json"])]
    pub format: String,
    /// Name the authors of blamed commits (a postmortem is blameless without it)
    #[arg(long)]
    pub with_authors: bool,
}

pub fn run(args: &ReportArgs) -> anyhow::Result<Code> {
    let loaded = journal::read(&journal::sessions::resolve(std::path::Path::new(&args.journal)))?;
    for warning in &loaded.warnings {
        crate::textsafe::eprint_line(&format!("runbook: warning: {}: {warning}", args.journal));
    }
    let pm = postmortem::build(&loaded, postmortem::Options { with_authors: args.with_authors });
    let mut out = crate::textsafe::stdout(args.format == "json");
    if args.format == "json" {
        let text = serde_json::to_string_pretty(&pm).context("cannot serialise the postmortem")?;
        writeln!(out, "{text}")?;
    } else {
        write!(out, "{}", markdown::render(&pm))?;
    }
    out.flush()?;
    Ok(Code::Success)
}
