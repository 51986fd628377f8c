//! Issue 12 item 2 (and issue 15's first bullet): the "Run this?" dialog shows the whole command. A command that
//! hides its tail (`echo harmless`, 60 newlines, `touch MARK`; 3,000 spaces before `; touch MARK`; 200 lines)
//! is shown in full or scrolls, Enter runs it only once its end is on screen, `y` never runs it, and the working
//! directory, env, mode and limit lines stay on screen at 80x24 and 120x40.

// Helpers outside #[test] functions unwrap too: a failure there is a failed test with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::tui_support;

use crossterm::event::KeyCode;
use runbook::tui::action::Intent;
use runbook::tui::jobs::Job;
use runbook::tui::keymap::{action_for, Scope};
use runbook::tui::screen::Overlay;
use runbook::tui::{App, Theme};
use tui_support::{app_from, apply, ch, key, runbook, screen};

/// A runbook whose one step runs `command` (given as a YAML double-quoted string's content).
fn app_running(command: &str, mode: &str) -> App {
    let steps = format!(
        "      - id: danger\n        title: Looks harmless\n        mode: {mode}\n        run:\n          command: \"{command}\"\n          env: {{GREETING: hi, TZ: UTC}}\n          timeout: 90s\n"
    );
    app_from(&runbook(&steps), "/srv/checkout", Theme::plain())
}

fn two_hundred_lines() -> String {
    let mut command: String = (1..200).map(|i| format!("echo line {i}\\n")).collect();
    command.push_str("touch MARK");
    command
}

fn sixty_newlines() -> String {
    format!("echo harmless{}touch MARK", "\\n".repeat(61))
}

fn spaces() -> String {
    format!("echo harmless{}; touch MARK", " ".repeat(3000))
}

/// The dialog open on a screen of this size (drawn once, as the event loop does, so the app knows its size).
fn opened(command: &str, mode: &str, width: u16, height: u16) -> App {
    let mut app = app_running(command, mode);
    apply(&mut app, &[Intent::Run]);
    screen(&mut app, width, height);
    assert!(matches!(app.overlay(), Overlay::Confirm(_)));
    app
}

fn text(app: &mut App, width: u16, height: u16) -> String {
    let terminal = screen(app, width, height);
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn spawned(app: &mut App) -> bool {
    app.take_jobs().iter().any(|j| matches!(j, Job::Spawn { .. }))
}

/// The four lines under the command, each on screen.
fn assert_fields_shown(screen: &str) {
    for field in ["in  /srv/checkout", "env  GREETING=hi", "env  TZ=UTC", "mode  change", "limit  1m30s"] {
        assert!(screen.contains(field), "{field:?} is not on screen:\n{screen}");
    }
}

#[test]
fn a_200_line_command_keeps_its_fields_on_screen_at_80x24_and_120x40() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = opened(&two_hundred_lines(), "change", w, h);
        let screen = text(&mut app, w, h);
        assert_fields_shown(&screen);
        assert!(screen.contains("more lines"), "says how much is hidden:\n{screen}");
        assert!(!screen.contains("touch MARK"), "the tail is not on screen yet");
        apply(&mut app, &[Intent::Bottom]);
        let screen = text(&mut app, w, h);
        assert_fields_shown(&screen);
        assert!(screen.contains("touch MARK"), "G shows the end:\n{screen}");
    }
}

#[test]
fn dialog_200_lines_80x24() {
    let mut app = opened(&two_hundred_lines(), "change", 80, 24);
    insta::assert_snapshot!(screen(&mut app, 80, 24).backend());
}

#[test]
fn dialog_200_lines_scrolled_to_the_end_120x40() {
    let mut app = opened(&two_hundred_lines(), "change", 120, 40);
    apply(&mut app, &[Intent::Bottom]);
    insta::assert_snapshot!(screen(&mut app, 120, 40).backend());
}

#[test]
fn dialog_60_newlines_80x24() {
    let mut app = opened(&sixty_newlines(), "observe", 80, 24);
    insta::assert_snapshot!(screen(&mut app, 80, 24).backend());
}

#[test]
fn dialog_3000_spaces_120x40() {
    let mut app = opened(&spaces(), "observe", 120, 40);
    insta::assert_snapshot!(screen(&mut app, 120, 40).backend());
}

#[test]
fn the_hidden_tails_of_the_issue_are_on_screen_before_enter() {
    for command in [sixty_newlines(), spaces()] {
        for (w, h) in [(80, 24), (120, 40)] {
            let mut app = opened(&command, "change", w, h);
            let screen = text(&mut app, w, h);
            assert!(screen.contains("touch MARK"), "the tail is shown at {w}x{h}:\n{screen}");
            assert_fields_shown(&screen);
        }
    }
    let mut app = opened(&sixty_newlines(), "change", 80, 24);
    assert!(text(&mut app, 80, 24).contains("␤×60 empty lines"));
    let mut app = opened(&spaces(), "change", 80, 24);
    assert!(text(&mut app, 80, 24).contains("harmless␠×3000; touch MARK"));
}

#[test]
fn enter_at_the_top_of_a_long_command_scrolls_and_only_enter_at_the_end_runs() {
    let mut app = opened(&two_hundred_lines(), "change", 80, 24);
    let mut enters = 0;
    while matches!(app.overlay(), Overlay::Confirm(_)) {
        let before = text(&mut app, 80, 24);
        apply(&mut app, &[Intent::Confirm]);
        enters += 1;
        if matches!(app.overlay(), Overlay::Confirm(_)) {
            assert!(!spawned(&mut app), "Enter {enters} ran the command before its end was shown");
        } else {
            assert!(before.contains("touch MARK"), "ran without the end on screen:\n{before}");
        }
        assert!(enters < 100, "Enter never runs it");
    }
    assert!(enters > 2, "a 200-line command takes several pages at 80x24, took {enters}");
    assert!(spawned(&mut app), "Enter at the end runs it");
}

#[test]
fn scrolling_up_from_the_end_makes_enter_scroll_again() {
    let mut app = opened(&two_hundred_lines(), "change", 120, 40);
    apply(&mut app, &[Intent::Bottom, Intent::Up, Intent::Confirm]);
    assert!(matches!(app.overlay(), Overlay::Confirm(_)), "the end was no longer shown");
    assert!(!spawned(&mut app));
    apply(&mut app, &[Intent::Confirm]);
    assert!(spawned(&mut app));
}

#[test]
fn y_does_not_run_the_command() {
    assert_eq!(action_for(Scope::Confirm, ch('y')), None);
    assert_eq!(action_for(Scope::Confirm, key(KeyCode::Enter)), Some(Intent::Confirm));
    for (code, want) in [
        (KeyCode::Char('j'), Intent::Down),
        (KeyCode::Down, Intent::Down),
        (KeyCode::Char('k'), Intent::Up),
        (KeyCode::Up, Intent::Up),
        (KeyCode::PageDown, Intent::PageDown),
        (KeyCode::PageUp, Intent::PageUp),
    ] {
        assert_eq!(action_for(Scope::Confirm, key(code)), Some(want), "{code:?}");
    }
    // A short command: nothing is hidden, and still only Enter runs it.
    let mut app = opened("echo hi", "observe", 80, 24);
    if let Some(action) = action_for(app.scope(), ch('y')) {
        apply(&mut app, &[action]);
    }
    assert!(matches!(app.overlay(), Overlay::Confirm(_)), "y leaves the dialog open");
    assert!(!spawned(&mut app), "y ran the command");
}

/// The event loop with real keys and a real shell: `y` in the dialog leaves MARK uncreated; Enter creates it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_the_event_loop_y_does_not_run_and_enter_does() {
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;
    for (keys, runs) in [
        (vec![KeyCode::Enter, KeyCode::Char('y'), KeyCode::Char('y')], false),
        (vec![KeyCode::Enter, KeyCode::Enter], true),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let yaml = runbook(
            "      - id: s\n        title: S\n        mode: observe\n        run:\n          command: touch MARK\n",
        );
        let mut app = app_from(&yaml, &dir.path().display().to_string(), Theme::plain());
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
        let run = runbook::tui::event_loop::run(
            &mut terminal,
            &mut app,
            tui_support::keys(&keys),
            futures::stream::pending(),
        );
        tokio::time::timeout(std::time::Duration::from_secs(60), run).await.unwrap().unwrap();
        assert_eq!(dir.path().join("MARK").exists(), runs, "keys {keys:?}");
    }
}

#[test]
fn the_wheel_scrolls_the_command() {
    let mut app = opened(&two_hundred_lines(), "change", 80, 24);
    apply(&mut app, &[Intent::Wheel { column: 40, row: 10, down: true }]);
    assert!(matches!(app.overlay(), Overlay::Confirm(c) if c.top == 1));
    apply(&mut app, &[Intent::Wheel { column: 40, row: 10, down: false }]);
    assert!(matches!(app.overlay(), Overlay::Confirm(c) if c.top == 0));
}

#[test]
fn the_status_bar_says_what_enter_does_now() {
    let mut app = opened(&two_hundred_lines(), "change", 80, 24);
    let bottom = |app: &mut App| text(app, 80, 24).lines().last().unwrap_or_default().to_string();
    let status = bottom(&mut app);
    assert!(status.contains("Enter show the rest") && !status.contains("run it"), "{status}");
    apply(&mut app, &[Intent::Bottom]);
    let status = bottom(&mut app);
    assert!(status.contains("Enter run it") && !status.contains("show the rest"), "{status}");
}

#[test]
fn the_dialog_draws_at_every_size_and_its_fields_stay_from_40x12_up() {
    let long = two_hundred_lines();
    for command in [long.as_str(), "echo hi"] {
        let mut app = app_running(command, "change");
        apply(&mut app, &[Intent::Run]);
        for (w, h) in [(1, 1), (2, 3), (10, 5), (20, 8), (39, 11), (40, 12), (60, 15), (80, 24), (120, 40), (200, 60)] {
            let screen = text(&mut app, w, h);
            apply(&mut app, &[Intent::Bottom, Intent::PageUp, Intent::Down, Intent::Up]);
            if w >= 40 && h >= 12 {
                for field in ["in  ", "mode  change", "limit  1m30s"] {
                    assert!(screen.contains(field), "{field:?} is not on screen at {w}x{h}:\n{screen}");
                }
            }
        }
    }
}

#[test]
fn dialog_of_a_command_that_cannot_be_prepared_80x24() {
    let steps = "      - id: produce\n        title: Produce\n        mode: observe\n        run: {command: echo a}\n        capture:\n          - {name: file, from: output}\n      - id: consume\n        title: Use the capture\n        mode: observe\n        run: {command: 'cat {{file}}'}\n";
    let mut app = app_from(&runbook(steps), "/srv/checkout", Theme::plain());
    apply(&mut app, &[Intent::Down, Intent::Run]);
    assert!(matches!(app.overlay(), Overlay::Confirm(c) if c.spec.is_err()));
    insta::assert_snapshot!(screen(&mut app, 80, 24).backend());
}

#[test]
fn s_shows_the_exact_script_with_its_variables_and_enter_still_needs_its_end() {
    let steps =
        "      - id: greet\n        title: Greet\n        mode: observe\n        run: {command: 'echo {{who}}'}\n";
    let yaml = runbook(steps).replace("phases:", "vars:\n  - {name: who, default: \"a b\\n$(touch X)\"}\nphases:");
    let mut app = app_from(&yaml, "/srv/checkout", Theme::plain());
    apply(&mut app, &[Intent::Run]);
    let reads = text(&mut app, 80, 24);
    assert!(reads.contains("s: the exact script"), "{reads}");
    apply(&mut app, &[Intent::Toggle]);
    let exact = text(&mut app, 80, 24);
    assert!(exact.contains("$ echo \"${RB_WHO}\""), "{exact}");
    assert!(exact.contains("RB_WHO=a b⏎$(touch X)"), "{exact}");
    assert!(exact.contains("mode  observe"), "{exact}");
    insta::assert_snapshot!(screen(&mut app, 80, 24).backend());
    apply(&mut app, &[Intent::Toggle]);
    assert!(matches!(app.overlay(), Overlay::Confirm(c) if !c.script));
    apply(&mut app, &[Intent::Confirm]);
    assert!(spawned(&mut app));
}

#[test]
fn s_on_a_command_without_values_says_the_script_is_the_command() {
    let mut app = opened("echo hi", "observe", 80, 24);
    assert!(!text(&mut app, 80, 24).contains("exact script"), "s is offered only when the two differ");
    apply(&mut app, &[Intent::Toggle]);
    assert!(matches!(app.overlay(), Overlay::Confirm(c) if !c.script));
    assert!(app.flash().unwrap_or_default().contains("the script that runs is the command shown"));
}

/// The evidence dialog's fetch command is shown the same way before its second Enter runs it.
#[test]
fn the_evidence_fetch_command_names_a_run_of_spaces_too() {
    let steps = "      - id: ev\n        title: Evidence\n        evidence: {}\n";
    let mut app = app_from(&runbook(steps), "/srv/checkout", Theme::plain());
    apply(&mut app, &[Intent::Run]);
    apply(&mut app, &[Intent::NextPane, Intent::NextPane]);
    let command = format!("cat log{}; touch MARK", " ".repeat(3000));
    apply(&mut app, &[Intent::TextPaste(command), Intent::Confirm]);
    let screen = text(&mut app, 120, 40);
    assert!(screen.contains("Run this?"), "{screen}");
    assert!(screen.contains("$ cat log␠×3000; touch MARK"), "{screen}");
    assert!(!spawned(&mut app));
}

#[test]
fn a_megabyte_value_is_all_there_and_g_then_enter_runs_it() {
    let value = "x".repeat(1 << 20);
    let steps = "      - id: big\n        title: Big\n        mode: observe\n        run: {command: 'printf %s {{blob}} | wc -c'}\n";
    let yaml = runbook(steps).replace("phases:", &format!("vars:\n  - {{name: blob, default: \"{value}\"}}\nphases:"));
    let mut app = app_from(&yaml, "/srv/checkout", Theme::plain());
    apply(&mut app, &[Intent::Run]);
    let first = text(&mut app, 80, 24);
    assert!(first.contains("more lines · Enter: next page · G: the end"), "{first}");
    apply(&mut app, &[Intent::Bottom]);
    let end = text(&mut app, 80, 24);
    assert!(end.contains("| wc -c") && end.contains("end of the command"), "{end}");
    apply(&mut app, &[Intent::Confirm]);
    assert!(spawned(&mut app), "Enter at the end runs it");
}
