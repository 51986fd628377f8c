//! Issue 15 (the TUI at lazygit/gitui level), pinned the way a person meets it: the status bar that keeps
//! `? help` and wraps long news, the source view's cursor line and title, sideways scrolling, the blame gutter
//! hidden by `B`, racing sites by their path in the repository, contextual help, search beyond the output, `y`
//! copying the focused thing, the commit's diff and the runbook's summary. Screens at 80x24, 120x40 and 40x12.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::tui_support;

use runbook::tui::action::{Intent, Message};
use runbook::tui::{App, Theme};
use tui_support::{app_from, apply, runbook, screen};

const NOT_READY: &str = "not ready: capture `repo_race_log` was never set: step `race_repo` that sets it is pending";

fn one_command() -> App {
    app_from(
        &runbook("      - id: hello\n        title: Say hello\n        run:\n          command: echo hello\n"),
        "/srv",
        Theme::plain(),
    )
}

#[test]
fn a_long_flash_wraps_over_more_rows_and_keeps_help_at_40x12() {
    let mut app = one_command();
    apply(&mut app, &[Message::Notice(NOT_READY.into())]);
    let text = screen(&mut app, 40, 12).backend().to_string();
    assert!(text.contains("is pending"), "the whole reason is on screen:\n{text}");
    assert!(text.contains("? help"), "help stays:\n{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn a_long_flash_wraps_at_80x24_and_fits_one_row_at_120x40() {
    let mut app = one_command();
    let long = format!("{NOT_READY}; and then a second sentence that makes it longer than eighty columns");
    apply(&mut app, &[Message::Notice(long)]);
    let text = screen(&mut app, 80, 24).backend().to_string();
    assert!(text.contains("eighty columns"), "{text}");
    insta::assert_snapshot!("flash_80x24", text);
    apply(&mut app, &[Message::Notice(NOT_READY.into())]);
    let text = screen(&mut app, 120, 40).backend().to_string();
    let last = text.lines().last().unwrap_or_default().to_string();
    assert!(last.contains("is pending") && last.contains("? help"), "one row at 120 columns: {last}");
}

#[test]
fn keys_that_do_not_fit_are_dropped_but_help_stays() {
    let mut app = one_command();
    let text = screen(&mut app, 40, 12).backend().to_string();
    let last = text.lines().last().unwrap_or_default().to_string();
    assert!(last.contains("? help"), "{last}");
    apply(&mut app, &[Message::Notice("a flash of some thirty columns".into())]);
    let text = screen(&mut app, 40, 12).backend().to_string();
    let last = text.lines().last().unwrap_or_default().to_string();
    assert!(last.contains("? help") && last.contains("thirty columns"), "{last}");
}

#[test]
fn not_ready_wraps_in_the_action_pane() {
    let yaml = runbook(
        "      - id: a\n        title: A\n        run:\n          command: echo hi\n        capture:\n          - {name: log, from: output}\n      - id: b\n        title: B\n        run:\n          command: cat {{log}} and a long tail that needs wrapping\n",
    );
    let mut app = app_from(&yaml, "/srv", Theme::plain());
    apply(&mut app, &[Intent::Down, Intent::NextPane, Intent::NextPane]);
    let text = screen(&mut app, 40, 12).backend().to_string();
    insta::assert_snapshot!(text);
}

/// The inventory incident's repository (five commits, fixed ids), built by its `make-repo.sh`.
fn inventory(dir: &std::path::Path) -> std::path::PathBuf {
    let git = crate::common::git_tool().unwrap_or_else(|| "git".into());
    crate::common::incident_repo(&git, dir)
}

fn stock_source(repo: &std::path::Path, width: u16, height: u16) -> App {
    let mut app = app_from(&runbook("      - id: r\n        title: R\n"), &repo.display().to_string(), Theme::plain());
    apply(&mut app, &[Message::Resize { width, height }]);
    apply(&mut app, &[Intent::OpenSource { file: repo.join("internal/stock/stock.go"), line: 33 }]);
    tui_support::settle(&mut app);
    app
}

fn shown(app: &mut App, width: u16, height: u16, tmp: &std::path::Path) -> String {
    screen(app, width, height).backend().to_string().replace(&tmp.display().to_string(), "<tmp>")
}

#[test]
fn the_source_title_names_the_cursor_and_the_target_and_the_cursor_line_is_highlighted() {
    let dir = tempfile::tempdir().unwrap();
    let repo = inventory(dir.path());
    for (width, height) in [(80, 24), (120, 40), (40, 12)] {
        let mut app = stock_source(&repo, width, height);
        apply(&mut app, &[Intent::Up, Intent::Up, Intent::Up]);
        let text = shown(&mut app, width, height, dir.path());
        assert!(text.contains(":30 · ▶ 33"), "{width}x{height}:\n{text}");
        insta::assert_snapshot!(format!("source_cursor_{width}x{height}"), text);
        // Reverse video from the line number to the right border: the whole line, not only its number.
        let terminal = screen(&mut app, width, height);
        let buffer = terminal.backend().buffer();
        let row = (0..height).find(|&y| {
            buffer[(0, y)].symbol() != " " && {
                let line: String = (0..width).map(|x| buffer[(x, y)].symbol().to_string()).collect();
                line.contains("30 func")
            }
        });
        let y = row.expect("the cursor line is on screen");
        let reversed = |x: u16| buffer[(x, y)].modifier.contains(ratatui::style::Modifier::REVERSED);
        assert!(reversed(width - 2), "{width}x{height}: the highlight reaches the right border");
    }
}

#[test]
fn b_upper_hides_the_blame_gutter_and_l_scrolls_the_code_sideways() {
    let dir = tempfile::tempdir().unwrap();
    let repo = inventory(dir.path());
    let mut app = stock_source(&repo, 80, 24);
    let before = shown(&mut app, 80, 24, dir.path());
    assert!(before.contains("Marco Rossi"), "{before}");
    apply(&mut app, &[Intent::ToggleGutter]);
    let text = shown(&mut app, 80, 24, dir.path());
    assert!(!text.contains("Marco Rossi"), "the gutter is hidden:\n{text}");
    assert!(text.contains("lookups: make(map[string]int)}"), "code gets the room:\n{text}");
    insta::assert_snapshot!("source_no_gutter_80x24", text);
    apply(&mut app, &[Intent::ScrollRight, Intent::ScrollRight]);
    let text = shown(&mut app, 80, 24, dir.path());
    assert!(text.contains("33▶u]++"), "16 columns scrolled off:\n{text}");
    apply(&mut app, &[Intent::ScrollLeft, Intent::ScrollLeft, Intent::ScrollLeft]);
    assert_eq!(shown(&mut app, 80, 24, dir.path()), insta_free(&app, dir.path()));
}

/// The screen without sideways scroll: what `h` brings back.
fn insta_free(app: &App, tmp: &std::path::Path) -> String {
    let mut again = stock_source(&tmp.join("inventory"), 80, 24);
    apply(&mut again, &[Intent::ToggleGutter]);
    let _ = app;
    shown(&mut again, 80, 24, tmp)
}

#[test]
fn keys_h_l_and_arrows_scroll_sideways_in_lists_and_the_source_view() {
    use crossterm::event::KeyCode;
    use runbook::tui::keymap::{action_for, Scope};
    use runbook::tui::keymap::{action_when, When};
    use tui_support::key;
    let live = |w: When| w != When::Replay;
    for scope in [Scope::Main, Scope::Results, Scope::Source] {
        assert_eq!(action_for(scope, key(KeyCode::Char('h'))), Some(Intent::ScrollLeft), "{scope:?}");
        assert_eq!(action_for(scope, key(KeyCode::Char('l'))), Some(Intent::ScrollRight), "{scope:?}");
        assert_eq!(action_when(scope, key(KeyCode::Right), live), Some(Intent::ScrollRight), "{scope:?}");
        assert_eq!(action_when(scope, key(KeyCode::Left), live), Some(Intent::ScrollLeft), "{scope:?}");
    }
    assert_eq!(action_for(Scope::Source, key(KeyCode::Char('B'))), Some(Intent::ToggleGutter));
}

fn race_triage(repo: &std::path::Path, width: u16, height: u16) -> App {
    let log = crate::common::fixture("incident/logs/race_test.go1.27.log");
    let steps =
        format!("      - id: triage\n        title: Triage the race\n        parse:\n          file: {log:?}\n");
    let mut app = app_from(&runbook(&steps), &repo.display().to_string(), Theme::plain());
    apply(&mut app, &[Message::Resize { width, height }]);
    apply(&mut app, &[Intent::Run]);
    tui_support::settle(&mut app);
    app
}

#[test]
fn racing_sites_show_the_path_in_the_repository_when_it_fits() {
    let dir = tempfile::tempdir().unwrap();
    let repo = inventory(dir.path());
    let mut app = race_triage(&repo, 120, 40);
    let text = shown(&mut app, 120, 40, dir.path());
    assert!(text.contains("internal/stock/stock.go:33  read+write"), "{text}");
    insta::assert_snapshot!("sites_120x40", text);
    let mut app = race_triage(&repo, 80, 24);
    let text = shown(&mut app, 80, 24, dir.path());
    insta::assert_snapshot!("sites_80x24", text);
    // At 40 columns the short form, and `l` reaches what the pane cut.
    let mut app = race_triage(&repo, 40, 12);
    let text = shown(&mut app, 40, 12, dir.path());
    assert!(text.contains("stock/stock.go:33") && !text.contains("internal/stock/stock.go:33"), "{text}");
    apply(&mut app, &[Intent::ScrollRight, Intent::ScrollRight, Intent::ScrollRight]);
    let text = shown(&mut app, 40, 12, dir.path());
    insta::assert_snapshot!("sites_40x12_scrolled", text);
}

#[test]
fn help_in_the_source_view_lists_its_keys_first() {
    let dir = tempfile::tempdir().unwrap();
    let repo = inventory(dir.path());
    for (width, height) in [(80, 24), (120, 40), (40, 12)] {
        let mut app = stock_source(&repo, width, height);
        apply(&mut app, &[Intent::ToggleHelp]);
        let text = shown(&mut app, width, height, dir.path());
        assert!(text.contains("Source view (here)"), "{width}x{height}:\n{text}");
        if height >= 24 {
            assert!(text.contains("B ") && text.contains("hide or show the blame gutter"), "{text}");
        }
        insta::assert_snapshot!(format!("help_source_{width}x{height}"), text);
        apply(&mut app, &[Intent::ToggleHelp]);
        assert!(matches!(app.view(), Some(runbook::tui::views::View::Source(_))), "back in the source view");
    }
}

#[test]
fn help_lists_n_once_with_both_meanings() {
    use runbook::tui::keymap::{help_rows, Scope};
    let rows = help_rows(Scope::Main);
    let n: Vec<&(&str, String)> = rows.iter().filter(|(label, _)| *label == "n").collect();
    assert_eq!(n.len(), 1, "{rows:?}");
    assert!(n[0].1.contains("next match") && n[0].1.contains("note"), "{:?}", n[0]);
    let mut app = one_command();
    apply(&mut app, &[Intent::ToggleHelp]);
    let text = screen(&mut app, 120, 40).backend().to_string();
    assert_eq!(text.matches("  n   ").count(), 1, "{text}");
}

#[test]
fn help_over_the_run_dialog_shows_its_keys_first_and_closes_back_to_it() {
    use crossterm::event::KeyCode;
    use runbook::tui::keymap::{action_for, Scope};
    use runbook::tui::screen::Overlay;
    assert_eq!(action_for(Scope::Confirm, tui_support::key(KeyCode::Char('?'))), Some(Intent::ToggleHelp));
    let mut app = one_command();
    apply(&mut app, &[Intent::Run]);
    assert!(matches!(app.overlay(), Overlay::Confirm(_)));
    apply(&mut app, &[Intent::ToggleHelp]);
    let text = screen(&mut app, 80, 24).backend().to_string();
    assert!(text.contains("Before a command runs (here)"), "{text}");
    insta::assert_snapshot!("help_confirm_80x24", text);
    apply(&mut app, &[Intent::Back]);
    assert!(matches!(app.overlay(), Overlay::Confirm(_)), "Esc closes the help, not the dialog");
}

fn type_search(app: &mut App, query: &str) {
    apply(app, &[Intent::SearchStart]);
    for c in query.chars() {
        apply(app, &[Intent::SearchChar(c)]);
    }
}

#[test]
fn search_finds_step_text_and_selects_the_step() {
    let yaml = runbook(
        "      - id: a\n        title: First\n        text: Nothing here.\n      - id: b\n        title: Second\n        text: |\n          Line one.\n\n          Count the goroutines in the dump.\n",
    );
    let mut app = app_from(&yaml, "/srv", Theme::plain());
    apply(&mut app, &[Message::Resize { width: 80, height: 24 }]);
    type_search(&mut app, "goroutines");
    apply(&mut app, &[Intent::SearchSubmit]);
    assert_eq!(app.selected(), 1, "the step whose text holds it is selected");
    let flash = app.flash().unwrap_or_default().to_string();
    assert!(flash.contains("match 1/1") && flash.contains("Second"), "{flash}");
    let terminal = screen(&mut app, 80, 24);
    let buffer = terminal.backend().buffer();
    let row = (0..24u16)
        .find(|&y| (0..80u16).map(|x| buffer[(x, y)].symbol().to_string()).collect::<String>().contains("goroutines"))
        .expect("the matching line is on screen");
    let x = (0..80u16).find(|&x| buffer[(x, row)].symbol() == "C" && x > 27).expect("the line's text");
    assert!(buffer[(x, row)].modifier.contains(ratatui::style::Modifier::UNDERLINED), "the match is marked");
    let text = terminal.backend().to_string();
    insta::assert_snapshot!("search_text_80x24", text);
    type_search(&mut app, "nowhere-at-all");
    apply(&mut app, &[Intent::SearchSubmit]);
    assert_eq!(app.flash(), Some("not found: nowhere-at-all"));
}

#[test]
fn slash_in_a_result_list_filters_it_as_you_type() {
    let dir = tempfile::tempdir().unwrap();
    let repo = inventory(dir.path());
    let mut app = race_triage(&repo, 80, 24);
    assert_eq!(app.scope(), runbook::tui::keymap::Scope::Results);
    type_search(&mut app, "level");
    let text = shown(&mut app, 80, 24, dir.path());
    assert!(text.contains("stock.(*Store).Level") && !text.contains("TestConcurrentLookups"), "{text}");
    insta::assert_snapshot!("results_filtered_80x24", text);
    let text = shown(&mut app, 40, 12, dir.path());
    insta::assert_snapshot!("results_filtered_40x12", text);
    apply(&mut app, &[Intent::SearchSubmit]);
    apply(&mut app, &[Intent::Open]);
    match app.view() {
        Some(runbook::tui::views::View::Source(v)) => assert_eq!(v.target, 33),
        other => panic!("Enter opens the filtered row: {other:?}"),
    }
    apply(&mut app, &[Intent::Back, Intent::Back]);
    let text = shown(&mut app, 80, 24, dir.path());
    assert!(text.contains("TestConcurrentLookups"), "Esc shows every row again:\n{text}");
}

#[test]
fn slash_in_the_source_view_moves_the_cursor_to_the_match() {
    let dir = tempfile::tempdir().unwrap();
    let repo = inventory(dir.path());
    let mut app = stock_source(&repo, 120, 40);
    type_search(&mut app, "func (s *Store) Reserve");
    apply(&mut app, &[Intent::SearchSubmit]);
    let Some(runbook::tui::views::View::Source(v)) = app.view() else { panic!("source view") };
    assert_eq!(v.cursor, 38);
    apply(&mut app, &[Intent::SearchNext]);
    let Some(runbook::tui::views::View::Source(v)) = app.view() else { panic!("source view") };
    assert_eq!(v.cursor, 38, "one match: n stays on it");
    let text = shown(&mut app, 120, 40, dir.path());
    assert!(text.contains("stock.go:38 · ▶ 33"), "{text}");
}

/// The bytes the terminal host writes for a copy: OSC 52 with the text in base64, then BEL.
fn osc52_bytes(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    runbook::tui::host::write_osc52(&mut out, text).unwrap();
    out
}

#[test]
fn y_copies_the_focused_thing_as_osc52() {
    use runbook::tui::jobs::HostJob;
    // The command of the selected step.
    let mut app = one_command();
    apply(&mut app, &[Intent::CopyLocation]);
    let handed = tui_support::settle(&mut app);
    assert_eq!(handed, vec![HostJob::Copy { text: "echo hello".into(), what: "the command".into() }]);
    assert_eq!(osc52_bytes("echo hello"), b"\x1b]52;c;ZWNobyBoZWxsbw==\x07");
    // A frame's file:line in a result list, and a blamed line's commit id.
    let dir = tempfile::tempdir().unwrap();
    let repo = inventory(dir.path());
    let mut app = race_triage(&repo, 80, 24);
    apply(&mut app, &[Intent::CopyLocation]);
    let handed = tui_support::settle(&mut app);
    let at = "/home/ci/src/inventory/internal/stock/stock.go:33";
    assert_eq!(handed, vec![HostJob::Copy { text: at.into(), what: at.into() }]);
    let blame = format!(
        "      - id: who\n        title: Who\n        blame:\n          file: {:?}\n          lines: \"33\"\n",
        repo.join("internal/stock/stock.go")
    );
    let mut app = app_from(&runbook(&blame), &repo.display().to_string(), Theme::plain());
    apply(&mut app, &[Message::Resize { width: 80, height: 24 }]);
    apply(&mut app, &[Intent::Run]);
    tui_support::settle(&mut app);
    apply(&mut app, &[Intent::CopyLocation]);
    let handed = tui_support::settle(&mut app);
    let commit = "f9aba8a844121bab6f766cfe21f3b050f14c5c60";
    assert_eq!(handed, vec![HostJob::Copy { text: commit.into(), what: "commit f9aba8a8".into() }]);
    let expected = format!("\x1b]52;c;{}\x07", "ZjlhYmE4YTg0NDEyMWJhYjZmNzY2Y2ZlMjFmM2IwNTBmMTRjNWM2MA==");
    assert_eq!(osc52_bytes(commit), expected.as_bytes());
}

#[test]
fn upper_y_copies_the_whole_output_and_y_an_output_line() {
    use runbook::engine::Stream;
    use runbook::tui::action::OutputLine;
    use runbook::tui::jobs::HostJob;
    let mut app = one_command();
    apply(&mut app, &[Message::Resize { width: 80, height: 24 }]);
    apply(&mut app, &[Intent::Run, Intent::Confirm]);
    let _ = app.take_jobs();
    let lines = ["first", "second"]
        .iter()
        .map(|l| OutputLine { stream: Stream::Output, line: l.to_string(), raw: None })
        .collect();
    apply(&mut app, &[Message::Lines { step: "hello".into(), lines }]);
    apply(&mut app, &[Intent::CopyOutput]);
    let handed = tui_support::settle(&mut app);
    let what = "the whole output (2 lines, 12 B)".to_string();
    assert_eq!(handed, vec![HostJob::Copy { text: "first\nsecond".into(), what }]);
    assert_eq!(osc52_bytes("first\nsecond"), b"\x1b]52;c;Zmlyc3QKc2Vjb25k\x07");
    apply(&mut app, &[Intent::NextPane, Intent::NextPane, Intent::CopyLocation]);
    let handed = tui_support::settle(&mut app);
    assert_eq!(handed, vec![HostJob::Copy { text: "second".into(), what: "output line 2".into() }]);
}

/// A terminal host that writes what it is asked to copy into a byte buffer, as the real one writes to stdout.
struct RecordingHost {
    written: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
}

impl runbook::tui::host::Host for RecordingHost {
    fn owns_terminal(&self) -> bool {
        false
    }
    fn events(&mut self) -> Option<runbook::tui::host::Events> {
        None
    }
    fn run_editor(&mut self, _: &std::path::Path, _: usize) -> Result<(), String> {
        Err("no editor here".into())
    }
    fn copy(&mut self, text: &str) -> Result<(), String> {
        let mut out = self.written.lock().unwrap();
        runbook::tui::host::write_osc52(&mut *out, text).map_err(|e| e.to_string())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn y_in_the_loop_writes_osc52_through_the_host_not_the_screen_and_says_so() {
    use crossterm::event::{Event, KeyCode};
    use ratatui::{backend::TestBackend, Terminal};
    let mut app = one_command();
    let written = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut host = RecordingHost { written: written.clone() };
    let keys =
        futures::stream::iter(vec![Ok::<Event, std::io::Error>(Event::Key(tui_support::key(KeyCode::Char('y'))))]);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let run =
        runbook::tui::event_loop::run_hosted(&mut terminal, &mut app, keys, futures::stream::pending(), &mut host);
    tokio::time::timeout(std::time::Duration::from_secs(60), run).await.unwrap().unwrap();
    assert_eq!(written.lock().unwrap().as_slice(), b"\x1b]52;c;ZWNobyBoZWxsbw==\x07");
    let screen = terminal.backend().to_string();
    assert!(!screen.contains("52;c"), "nothing of the escape in the drawn buffer:\n{screen}");
    assert_eq!(
        app.flash(),
        Some("copied the command with OSC 52 (a terminal without OSC 52 ignores it)"),
        "the flash says what and how"
    );
}

#[test]
fn b_shows_the_commit_with_the_blamed_files_diff_and_a_shows_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let repo = inventory(dir.path());
    for (width, height) in [(80, 24), (120, 40), (40, 12)] {
        let mut app = stock_source(&repo, width, height);
        apply(&mut app, &[Intent::ShowCommit]);
        tui_support::settle(&mut app);
        let text = shown(&mut app, width, height, dir.path());
        if height >= 24 {
            assert!(text.contains("Diff of internal/stock/stock.go · a: all 2 files"), "{width}x{height}:\n{text}");
        } else {
            // A small screen reaches the diff by scrolling.
            apply(&mut app, &[Intent::PageDown]);
        }
        insta::assert_snapshot!(format!("commit_diff_{width}x{height}"), shown(&mut app, width, height, dir.path()));
    }
    let mut app = stock_source(&repo, 120, 40);
    apply(&mut app, &[Intent::ShowCommit]);
    tui_support::settle(&mut app);
    let Some(runbook::tui::views::View::Commit(view)) = app.view() else { panic!("the commit view") };
    let files: Vec<&str> = view.shown_files().iter().map(|f| f.path.as_str()).collect();
    assert_eq!(files, ["internal/stock/stock.go"]);
    let text: Vec<String> = view.shown_files()[0].lines.iter().map(|l| l.text.clone()).collect();
    assert!(text.iter().any(|l| l == "+\ts.lookups[sku]++"), "{text:#?}");
    apply(&mut app, &[Intent::Toggle]);
    let Some(runbook::tui::views::View::Commit(view)) = app.view() else { panic!("the commit view") };
    let files: Vec<&str> = view.shown_files().iter().map(|f| f.path.as_str()).collect();
    assert_eq!(files, ["internal/api/handlers.go", "internal/stock/stock.go"]);
    let text = shown(&mut app, 120, 40, dir.path());
    assert!(text.contains("Diff of 2 files · a: only the blamed file"), "{text}");
    apply(&mut app, &[Intent::PageDown]);
    insta::assert_snapshot!("commit_diff_all_files_paged_120x40", shown(&mut app, 120, 40, dir.path()));
}

#[test]
fn the_diff_is_coloured_like_git_show() {
    let dir = tempfile::tempdir().unwrap();
    let repo = inventory(dir.path());
    let mut app =
        app_from(&runbook("      - id: r\n        title: R\n"), &repo.display().to_string(), Theme::colored());
    apply(&mut app, &[Message::Resize { width: 120, height: 40 }]);
    apply(&mut app, &[Intent::OpenSource { file: repo.join("internal/stock/stock.go"), line: 33 }]);
    tui_support::settle(&mut app);
    apply(&mut app, &[Intent::ShowCommit]);
    tui_support::settle(&mut app);
    let terminal = screen(&mut app, 120, 40);
    let buffer = terminal.backend().buffer();
    let row_of = |needle: &str| {
        (0..40u16)
            .find(|&y| (0..120u16).map(|x| buffer[(x, y)].symbol().to_string()).collect::<String>().contains(needle))
    };
    let added = row_of("+    \"sort\"").expect("the added line");
    let fg = |y: u16| buffer[(2, y)].fg;
    assert_eq!(fg(added), ratatui::style::Color::Green);
    let hunk = row_of("@@ ").expect("a hunk header");
    assert_ne!(fg(hunk), fg(added));
}

#[test]
fn in_a_replay_the_commit_view_says_the_diff_is_not_available_and_runs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let repo = inventory(dir.path());
    let file = dir.path().join("one.yaml");
    std::fs::write(&file, "id: one\ntitle: One\nphases:\n  - id: p\n    title: P\n    steps:\n      - id: r\n        title: R\n        text: Read.\n").unwrap();
    let journal = dir.path().join("session.jsonl");
    let out = crate::common::runbook(dir.path())
        .args(["run", "--headless", "--yes", "--journal"])
        .arg(&journal)
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut app = runbook::tui::replay::open(&journal, Theme::plain()).unwrap();
    apply(&mut app, &[Message::Resize { width: 80, height: 24 }]);
    apply(&mut app, &[Intent::OpenSource { file: repo.join("internal/stock/stock.go"), line: 33 }]);
    tui_support::settle(&mut app);
    apply(&mut app, &[Intent::ShowCommit]);
    let jobs = app.take_jobs();
    assert!(
        !jobs
            .iter()
            .any(|j| matches!(j, runbook::tui::jobs::Job::View(runbook::tui::jobs::ViewJob::CommitPatch { .. }))),
        "no diff is computed in a replay: {jobs:?}"
    );
    for job in jobs {
        if let runbook::tui::jobs::Job::View(job) = job {
            app.apply(runbook::tui::jobs::perform(job));
        }
    }
    let text = shown(&mut app, 80, 24, dir.path());
    assert!(text.contains("no diff: the diff is not shown in a replay"), "{text}");
}

#[test]
fn the_summary_is_on_the_first_screen_and_i_shows_it_with_the_phases() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks/go-map-concurrency.yaml");
    let bytes = std::fs::read(path).unwrap();
    let loaded = runbook::engine::load(path, &bytes).unwrap();
    let first = loaded.summary.lines().next().unwrap_or_default().trim().to_string();
    assert_eq!(first, "Use this when a Go process died with one of:");
    let context =
        runbook::engine::Context { workdir: "/srv".into(), assets_dir: "/a".into(), runbook_dir: "/r".into() };
    let session = runbook::engine::Session::with_unset_vars(loaded, context, Default::default()).unwrap();
    let mut app = App::new(session, "go-map-concurrency", Theme::plain());
    assert_eq!(app.summary_flash(), Some(format!("{first} · i: about this runbook")));
    for (width, height) in [(80, 24), (120, 40), (40, 12)] {
        apply(&mut app, &[Intent::ShowInfo]);
        let text = screen(&mut app, width, height).backend().to_string();
        assert!(text.contains("About this runbook"), "{text}");
        insta::assert_snapshot!(format!("info_{width}x{height}"), text);
        apply(&mut app, &[Intent::Back]);
        assert!(app.view().is_none(), "Esc closes it");
    }
}

#[test]
fn comments_in_code_blocks_wrap_as_comments_not_to_column_0() {
    let yaml = runbook(
        "      - id: code\n        title: Code\n        text: |\n          ```go\n          var sessions = map[string]*Session{}            // shared by every request\n          ```\n",
    );
    let mut app = app_from(&yaml, "/srv", Theme::plain());
    apply(&mut app, &[Intent::NextPane]);
    let text = screen(&mut app, 40, 12).backend().to_string();
    assert!(text.contains("│  // shared by every request"), "{text}");
    insta::assert_snapshot!("code_comment_40x12", text);
}

#[test]
fn long_output_lines_say_they_go_on_and_l_reaches_their_end() {
    use runbook::engine::Stream;
    use runbook::tui::action::OutputLine;
    let mut app = one_command();
    apply(&mut app, &[Message::Resize { width: 80, height: 24 }]);
    apply(&mut app, &[Intent::Run, Intent::Confirm]);
    let _ = app.take_jobs();
    let long = format!("start {} the-end", "x".repeat(120));
    let lines = vec![OutputLine { stream: Stream::Output, line: long, raw: None }];
    apply(&mut app, &[Message::Lines { step: "hello".into(), lines }]);
    let text = screen(&mut app, 80, 24).backend().to_string();
    assert!(text.contains("run · l →") && !text.contains("the-end"), "{text}");
    for _ in 0..12 {
        apply(&mut app, &[Intent::ScrollRight]);
    }
    let text = screen(&mut app, 80, 24).backend().to_string();
    assert!(text.contains("the-end") && text.contains("run · ← h"), "{text}");
    insta::assert_snapshot!("output_sideways_80x24", text);
}

#[test]
fn help_in_the_simulator_and_a_result_list_lists_their_keys_first() {
    use runbook::tui::action::SimKey;
    use runbook::tui::screen::Overlay;
    let mut app = one_command();
    apply(&mut app, &[Intent::Sim(SimKey::Open), Intent::ToggleHelp]);
    assert!(matches!(app.overlay(), Overlay::Help { from: runbook::tui::keymap::Scope::Sim, .. }));
    let text = screen(&mut app, 80, 24).backend().to_string();
    assert!(text.contains("Simulator (here)"), "{text}");
    let dir = tempfile::tempdir().unwrap();
    let repo = inventory(dir.path());
    let mut app = race_triage(&repo, 80, 24);
    apply(&mut app, &[Intent::ToggleHelp]);
    let text = screen(&mut app, 80, 24).backend().to_string();
    assert!(text.contains("A result list (here)"), "{text}");
}
