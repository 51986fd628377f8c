//! `runbook list [--runbooks DIR]...`: the bundled runbooks and the user's own (see `catalog.rs`), with where each
//! comes from and the signatures (`match:` patterns) `runbook triage` picks it by, one indented line each, so the
//! first question of an incident ("which runbook is this?") can be answered by reading the list.

use super::catalog;
use super::Code;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone, Default, clap::Args)]
pub struct ListArgs {
    /// Also list the runbooks in this directory (`*.yaml`, `*.yml`); repeatable. Always searched:
    /// $XDG_CONFIG_HOME/runbook/runbooks (default ~/.config/runbook/runbooks).
    #[arg(long = "runbooks", value_name = "DIR")]
    pub runbooks: Vec<PathBuf>,
}

pub fn run(args: &ListArgs) -> anyhow::Result<Code> {
    let mut out = crate::textsafe::stdout(false);
    for entry in catalog::entries(&args.runbooks) {
        let source = entry.origin.describe();
        match &entry.runbook {
            Ok(rb) => {
                writeln!(out, "{:<24} {} ({} steps)  [{source}]", rb.id, rb.title, rb.step_count())?;
                for pattern in &rb.match_patterns {
                    writeln!(out, "{:<24} matches: {pattern}", "")?;
                }
            }
            Err(e) => writeln!(out, "{:<24} <invalid: {e}>  [{source}]", entry.id)?,
        }
    }
    out.flush()?;
    Ok(Code::Success)
}
