//! `runbook report JOURNAL [--format md|json] [--with-authors]`: the postmortem of a recorded session.
//!
//! Reads the journal only: nothing from the runbook is run, no file is written. A torn last line (the session
//! crashed) is reported on stderr and the rest is rendered.

use crate::journal::{self, markdown, postmortem};

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

pub fn run(args: &ReportArgs) -> i32 {
    let loaded = match journal::read(std::path::Path::new(&args.journal)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("runbook: {e}");
            return 2;
        }
    };
    for warning in &loaded.warnings {
        eprintln!("runbook: warning: {}: {warning}", args.journal);
    }
    let pm = postmortem::build(&loaded, postmortem::Options { with_authors: args.with_authors });
    if args.format == "json" {
        match serde_json::to_string_pretty(&pm) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("runbook: {e}");
                return 2;
            }
        }
    } else {
        print!("{}", markdown::render(&pm));
    }
    0
}
