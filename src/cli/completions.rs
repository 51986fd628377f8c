//! `runbook completions bash|zsh|fish|elvish|powershell` and `runbook man`: shell completions and a man page,
//! generated from the same clap definitions the parser uses, so they never drift from the real flags.

use super::{Cli, Code};
use clap::CommandFactory;
use std::io::Write;

/// Prints the completion script for `shell` on stdout.
pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<Code> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "runbook", &mut out);
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&out)?;
    stdout.flush()?;
    Ok(Code::Success)
}

/// Prints a man page (roff) on stdout: `runbook man > runbook.1` (the commands), `runbook man run >
/// runbook-run.1` (one command's flags), or `runbook man | man -l -`.
pub fn man(subcommand: Option<&str>) -> anyhow::Result<Code> {
    let cli = Cli::command();
    let page = match subcommand {
        None => cli,
        Some(name) => {
            let sub = cli.find_subcommand(name).cloned().ok_or_else(|| {
                let all = Cli::command();
                let names: Vec<&str> = all.get_subcommands().map(|s| s.get_name()).collect();
                anyhow::anyhow!("runbook man {name}: no such command (commands: {})", names.join(", "))
            })?;
            // The page's name (`runbook-run`) must be 'static for clap; a one-shot command can leak it.
            let page_name: &'static str = Box::leak(format!("runbook-{name}").into_boxed_str());
            sub.name(page_name)
        }
    };
    let mut out = Vec::new();
    clap_mangen::Man::new(page).render(&mut out)?;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&out)?;
    stdout.flush()?;
    Ok(Code::Success)
}
