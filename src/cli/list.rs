//! `runbook list [--runbooks DIR]...`: the bundled runbooks and the user's own (see `catalog.rs`), with where each
//! comes from.

use super::catalog;
use std::path::PathBuf;

#[derive(Debug, Clone, Default, clap::Args)]
pub struct ListArgs {
    /// Also list the runbooks in this directory (`*.yaml`, `*.yml`); repeatable. Always searched:
    /// $XDG_CONFIG_HOME/runbook/runbooks (default ~/.config/runbook/runbooks).
    #[arg(long = "runbooks", value_name = "DIR")]
    pub runbooks: Vec<PathBuf>,
}

pub fn run(args: &ListArgs) -> i32 {
    for entry in catalog::entries(&args.runbooks) {
        let source = entry.origin.describe();
        match &entry.runbook {
            Ok(rb) => println!("{:<24} {} ({} steps)  [{source}]", rb.id, rb.title, rb.step_count()),
            Err(e) => println!("{:<24} <invalid: {e}>  [{source}]", entry.id),
        }
    }
    0
}
