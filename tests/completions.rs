//! Shell completions and man pages come from the clap definitions (issue 15, "Ecosystem conventions"): the bash
//! script, loaded into a real bash, completes commands and flags; the man pages carry every command and flag and
//! render with `man` where it is installed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message
use crate::common;

use std::process::Command;

/// What bash's completion gives for `words`, the last one being completed.
fn complete(home: &std::path::Path, words: &[&str]) -> Vec<String> {
    let script = common::runbook(home).args(["completions", "bash"]).output().unwrap();
    assert!(script.status.success());
    let path = home.join("runbook.bash");
    std::fs::write(&path, &script.stdout).unwrap();
    let words_array: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let cword = words.len() - 1;
    let prev = if cword > 0 { words[cword - 1] } else { "" };
    let program = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={cword}; _runbook runbook '{}' '{prev}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        path.display(),
        words_array.join(" "),
        words[cword]
    );
    let out = Command::new("bash").arg("-c").arg(program).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
}

#[test]
fn bash_completes_commands_and_their_flags() {
    let home = tempfile::tempdir().unwrap();
    assert_eq!(complete(home.path(), &["runbook", "re"]), ["report", "resume", "replay"]);
    assert_eq!(complete(home.path(), &["runbook", "run", "--spill"]), ["--spill-cap"]);
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let out = common::runbook(home.path()).args(["completions", shell]).output().unwrap();
        assert!(out.status.success() && out.stdout.len() > 1000, "{shell}");
    }
    let bad = common::runbook(home.path()).args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn man_pages_list_every_command_and_every_flag() {
    let home = tempfile::tempdir().unwrap();
    let page = common::runbook(home.path()).arg("man").output().unwrap();
    assert!(page.status.success());
    let roff = String::from_utf8(page.stdout).unwrap();
    assert!(roff.contains(".TH runbook 1"), "{roff}");
    for command in ["open", "run", "report", "resume", "replay", "triage", "drill", "completions"] {
        assert!(roff.contains(&format!("runbook\\-{command}")) || roff.contains(command), "{command}");
    }
    let run = common::runbook(home.path()).args(["man", "run"]).output().unwrap();
    let roff = String::from_utf8(run.stdout).unwrap();
    assert!(roff.contains(".TH runbook-run 1"), "{roff}");
    for flag in ["\\-\\-spill\\-cap", "\\-\\-answer", "\\-\\-log", "\\-\\-journal"] {
        assert!(roff.contains(flag), "{flag} missing from:\n{roff}");
    }
    let unknown = common::runbook(home.path()).args(["man", "nope"]).output().unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no such command"));
    // Rendered by man itself where it is installed.
    let path = home.path().join("runbook-run.1");
    std::fs::write(&path, roff).unwrap();
    if let Ok(out) = Command::new("man").arg("-l").arg(&path).env("MANWIDTH", "80").env("MANPAGER", "cat").output() {
        if out.status.success() {
            assert!(String::from_utf8_lossy(&out.stdout).contains("spill"), "man rendered the page");
        }
    }
}
