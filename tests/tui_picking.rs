//! `runbook --log …` without a runbook (issue 17): triage reads the whole log before it knows which runbook to
//! open, so a screen is up at once while it does (`tui::picking`). `q` on it gives the terminal back and records
//! nothing; the parse the pick made is the one the session's evidence uses (a 100 MB log is not parsed twice), and
//! it gives the same evidence as a parse of its own.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::pty_support::{command_in, Pty};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use runbook::evidence::{Pending, Redactor, Source};
use runbook::tui::{picking, Theme};
use std::path::Path;
use std::time::Duration;

#[test]
fn the_picking_screen_says_what_it_reads_and_how_to_stop() {
    for (width, height) in [(80, 24), (120, 40)] {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|f| picking::draw(f, "crash-kubectl.log, 95.2 MiB", Duration::from_millis(1234), &Theme::plain()))
            .unwrap();
        insta::assert_snapshot!(format!("picking_{width}x{height}"), terminal.backend());
    }
}

/// A log big enough that a debug build takes seconds to read it (the gctrace of a real Go 1.27 run, again and
/// again), with a real map crash at its end.
fn big_log(dir: &Path) -> std::path::PathBuf {
    let gc = std::fs::read(common::fixture("go/logs/gctrace_alloc.go1.27.log")).unwrap();
    let crash = std::fs::read(common::fixture("incident/logs/crash-kubectl.go1.27.log")).unwrap();
    let mut log = Vec::with_capacity(12 << 20);
    while log.len() < 12 << 20 {
        log.extend_from_slice(&gc);
    }
    log.extend_from_slice(&crash);
    let path = dir.join("big.log");
    std::fs::write(&path, log).unwrap();
    path
}

#[test]
fn q_while_the_runbook_is_picked_gives_the_terminal_back_and_records_nothing() {
    let home = tempfile::tempdir().unwrap();
    let log = big_log(home.path());
    let mut pty = Pty::spawn(command_in(home.path(), &["--log".as_ref(), log.as_os_str()]));
    pty.wait_for("Reading the evidence to pick its runbook");
    assert!(pty.screen().contains("big.log, 12 MiB"), "{}", pty.screen());
    pty.send("q");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_terminal_restored();
    pty.wait_for("stopped before a runbook was picked; nothing was recorded");
    let state = home.path().join("state");
    let sessions: Vec<_> = walk(&state);
    assert!(sessions.is_empty(), "a journal was written: {sessions:?}");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries.flatten().flat_map(|e| if e.path().is_dir() { walk(&e.path()) } else { vec![e.path()] }).collect()
}

#[test]
fn the_picks_parse_gives_the_session_the_same_evidence_as_its_own_parse() {
    let dir = tempfile::tempdir().unwrap();
    let log = common::fixture("incident/logs/crash-kubectl.go1.27.log");
    let name = log.display().to_string();
    let bytes = std::fs::read(&log).unwrap();
    let pending = Pending::new(vec![Source { name: name.clone(), bytes }], Redactor::new(&[]).unwrap(), Vec::new());
    let texts = pending.redacted();
    let parsed = runbook::evidence::parse_sources(&[name.as_str()], &texts);
    assert!(!parsed.crashes.is_empty(), "the crash is read");
    let repo = common::fixture("incident/service");
    let load = |sub: &str, parsed| {
        let (input, files) = runbook::evidence::load(
            &pending.sources,
            &pending.redactor,
            &dir.path().join(sub),
            &repo,
            &pending.rewrites,
            parsed,
        )
        .unwrap();
        (input, files.iter().map(|f| (f.sha256.clone(), f.lines)).collect::<Vec<_>>())
    };
    let (own, own_files) = load("own", None);
    let (given, given_files) = load("given", Some(&parsed));
    assert_eq!(own_files, given_files);
    let triage = |input: &runbook::engine::Input| match input {
        runbook::engine::Input::Evidence { triage, .. } => serde_json::to_string(triage).unwrap(),
        other => panic!("not evidence: {other:?}"),
    };
    assert_eq!(triage(&own), triage(&given));
    assert!(triage(&own).contains("stock.go"), "{}", triage(&own));
}

#[test]
fn a_missing_log_is_an_error_before_any_screen() {
    let home = tempfile::tempdir().unwrap();
    let missing = home.path().join("missing.log");
    for args in
        [vec!["--log", missing.to_str().unwrap()], vec!["go-map-concurrency", "--log", missing.to_str().unwrap()]]
    {
        let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
        let mut pty = Pty::spawn(command_in(home.path(), &args));
        assert_eq!(pty.wait_exit(), 2, "{}", pty.screen());
        pty.wait_for("cannot read the log");
        let raw = String::from_utf8_lossy(&pty.raw.lock().unwrap()).into_owned();
        assert!(!raw.contains("\x1b[?1049h"), "the alternate screen was entered: {raw:?}");
    }
}
