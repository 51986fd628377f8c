//! Key handling without a terminal: a key in a context gives an `Action` (the keymap), and actions change the
//! `App` as a user expects (quit asks while something runs, digits choose and jump, Space ticks a checklist,
//! search finds and steps through matches, the wheel scrolls). Also keeps the README's key table true.

// Helpers outside #[test] functions unwrap too: a failure there is a failed test with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::tui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use runbook::engine::{Context, ProcessEnd, Session, StepStatus, Stream};
use runbook::tui::action::{Intent, Message, OutputLine};
use runbook::tui::jobs::Job;
use runbook::tui::keymap::{self, action_for, Scope};
use runbook::tui::layout::Pane;
use runbook::tui::screen::Overlay;
use runbook::tui::{App, Theme};
use std::collections::BTreeMap;
use tui_support::{apply, ch, key};

fn app() -> App {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/runbooks/tui.yaml");
    let runbook = runbook::engine::load("tui.yaml", &std::fs::read(path).unwrap()).unwrap();
    let context = Context { workdir: "/srv".into(), assets_dir: "/assets".into(), runbook_dir: "/srv".into() };
    App::new(Session::new(runbook, context, BTreeMap::new()).unwrap(), "tui.yaml", Theme::plain())
}

fn index_of(app: &App, id: &str) -> usize {
    app.session().runbook().step_index(id).unwrap()
}

#[test]
fn main_screen_keys_map_to_actions() {
    let cases = [
        (ch('j'), Intent::Down),
        (key(KeyCode::Down), Intent::Down),
        (ch('k'), Intent::Up),
        (key(KeyCode::Up), Intent::Up),
        (key(KeyCode::Enter), Intent::Run),
        (ch('r'), Intent::Run),
        (key(KeyCode::Esc), Intent::Back),
        (key(KeyCode::Tab), Intent::NextPane),
        (ch('/'), Intent::SearchStart),
        (ch('n'), Intent::SearchNext),
        (KeyEvent::new(KeyCode::Char('N'), KeyModifiers::SHIFT), Intent::SearchPrev),
        (key(KeyCode::PageUp), Intent::PageUp),
        (key(KeyCode::PageDown), Intent::PageDown),
        (ch('g'), Intent::Top),
        (KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT), Intent::Bottom),
        (ch('c'), Intent::CancelCommand),
        (ch('q'), Intent::Quit),
        (KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL), Intent::Quit),
        (KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT), Intent::ToggleHelp),
        (ch(' '), Intent::Toggle),
        (ch('1'), Intent::Pick(0)),
        (ch('9'), Intent::Pick(8)),
    ];
    for (k, want) in cases {
        assert_eq!(action_for(Scope::Main, k), Some(want.clone()), "{k:?}");
    }
    assert_eq!(action_for(Scope::Main, ch('x')), None);
    assert_eq!(action_for(Scope::Main, ch('0')), None);
}

#[test]
fn dialogs_and_search_read_keys_their_own_way() {
    assert_eq!(action_for(Scope::Confirm, key(KeyCode::Enter)), Some(Intent::Confirm));
    assert_eq!(action_for(Scope::Confirm, key(KeyCode::Esc)), Some(Intent::Back));
    assert_eq!(action_for(Scope::Confirm, ch('y')), None, "only Enter runs a command (issue 12)");
    assert_eq!(action_for(Scope::Confirm, ch('j')), Some(Intent::Down), "j scrolls the command");
    assert_eq!(action_for(Scope::Confirm, ch('x')), None, "main screen keys are off while confirming");
    assert_eq!(action_for(Scope::Confirm, ch('s')), Some(Intent::Toggle), "s: the exact script");
    assert_eq!(action_for(Scope::QuitConfirm, ch('y')), Some(Intent::Confirm));
    assert_eq!(action_for(Scope::QuitConfirm, ch('n')), Some(Intent::Back));
    assert_eq!(action_for(Scope::Search, ch('q')), Some(Intent::SearchChar('q')), "q is text while searching");
    assert_eq!(action_for(Scope::Search, key(KeyCode::Enter)), Some(Intent::SearchSubmit));
    assert_eq!(action_for(Scope::Search, key(KeyCode::Backspace)), Some(Intent::SearchBackspace));
    assert_eq!(action_for(Scope::Help, key(KeyCode::Esc)), Some(Intent::ToggleHelp));
}

#[test]
fn run_opens_a_confirmation_and_only_confirm_spawns() {
    let mut app = app();
    apply(&mut app, &[Intent::Down, Intent::Run]);
    assert!(matches!(app.overlay(), Overlay::Confirm(_)));
    assert!(app.take_jobs().is_empty(), "nothing runs before the user confirms");
    apply(&mut app, &[Intent::Back]);
    assert_eq!(app.overlay(), &Overlay::None);
    apply(&mut app, &[Intent::Run, Intent::Confirm]);
    let jobs = app.take_jobs();
    assert!(matches!(&jobs[..], [Job::Spawn { step, spec }] if step == "hello" && spec.cwd == "/srv"));
    assert_eq!(app.status(index_of(&app, "hello")), StepStatus::Running);
}

#[test]
fn quit_asks_first_while_a_command_runs_and_cancels_it() {
    let mut app = app();
    apply(&mut app, &[Intent::Down, Intent::Run, Intent::Confirm, Intent::Quit]);
    app.take_jobs();
    assert_eq!(app.overlay(), &Overlay::QuitConfirm);
    assert!(!app.should_quit());
    apply(&mut app, &[Intent::Back]);
    assert!(!app.should_quit());
    apply(&mut app, &[Intent::Quit, Intent::Confirm]);
    assert!(app.should_quit());
    assert_eq!(app.take_jobs(), vec![Job::CancelAll]);

    let mut idle = self::app();
    apply(&mut idle, &[Intent::Quit]);
    assert!(idle.should_quit(), "nothing runs: q quits at once");
}

#[test]
fn c_cancels_the_running_command() {
    let mut app = app();
    apply(&mut app, &[Intent::Down, Intent::Run, Intent::Confirm]);
    app.take_jobs();
    apply(&mut app, &[Intent::CancelCommand]);
    assert_eq!(app.take_jobs(), vec![Job::Cancel { step: "hello".into() }]);
    apply(&mut app, &[Message::Exited { step: "hello".into(), end: ProcessEnd::Cancelled, duration_ms: 5 }]);
    assert_eq!(app.status(index_of(&app, "hello")), StepStatus::Cancelled);
    assert!(!app.is_busy());
}

#[test]
fn a_digit_chooses_an_option_and_jumps_to_its_goto() {
    let mut app = app();
    let choice = index_of(&app, "fix-choice");
    apply(&mut app, &[Intent::Bottom, Intent::Up, Intent::Up]);
    assert_eq!(app.selected(), choice);
    apply(&mut app, &[Intent::Pick(0)]);
    assert_eq!(app.status(choice), StepStatus::Passed);
    assert_eq!(app.selected(), index_of(&app, "verify"), "option 1 goes to `verify`");
}

#[test]
fn enter_then_arrows_then_enter_chooses_the_highlighted_option() {
    let mut app = app();
    let choice = index_of(&app, "fix-choice");
    apply(&mut app, &[Intent::Bottom, Intent::Up, Intent::Up, Intent::Run]);
    assert_eq!(app.focus(), Pane::Action);
    apply(&mut app, &[Intent::Down, Intent::Run]);
    assert_eq!(app.status(choice), StepStatus::Passed);
    assert_eq!(app.selected(), choice + 1, "option 2 has no goto: the next step");
}

#[test]
fn space_toggles_checklist_items_until_all_are_checked() {
    let mut app = app();
    let verify = index_of(&app, "verify");
    apply(&mut app, &[Intent::Bottom, Intent::Run]);
    apply(&mut app, &[Intent::Toggle]);
    assert_eq!(app.session().checklist(verify), Some(&[true, false][..]));
    apply(&mut app, &[Intent::Toggle]);
    assert_eq!(app.session().checklist(verify), Some(&[false, false][..]), "Space toggles back");
    apply(&mut app, &[Intent::Pick(0), Intent::Pick(1)]);
    assert_eq!(app.status(verify), StepStatus::Passed);
}

#[test]
fn search_finds_matches_and_n_steps_through_them() {
    let mut app = app();
    app.apply(Message::Resize { width: 80, height: 24 });
    apply(&mut app, &[Intent::Down, Intent::Run, Intent::Confirm]);
    let lines = (0..100)
        .map(|i| OutputLine {
            stream: Stream::Output,
            line: format!("line {i} {}", if i % 30 == 0 { "NEEDLE" } else { "" }),
            raw: None,
        })
        .collect();
    apply(&mut app, &[Message::Lines { step: "hello".into(), lines }]);
    apply(&mut app, &[Intent::SearchStart]);
    assert_eq!(app.scope(), Scope::Search);
    for c in "needle".chars() {
        apply(&mut app, &[Intent::SearchChar(c)]);
    }
    apply(&mut app, &[Intent::SearchSubmit]);
    assert_eq!(app.scope(), Scope::Main);
    assert_eq!(app.search().and_then(|s| s.current), Some(0));
    apply(&mut app, &[Intent::SearchNext]);
    assert_eq!(app.search().and_then(|s| s.current), Some(30));
    apply(&mut app, &[Intent::SearchPrev, Intent::SearchPrev]);
    assert_eq!(app.search().and_then(|s| s.current), Some(90), "N wraps to the last match");
    assert_eq!(app.flash(), Some("match 4/4"));
    apply(&mut app, &[Intent::Back]);
    assert!(app.search().is_none(), "Esc clears the search");
}

#[test]
fn tab_cycles_panes_and_esc_returns_to_the_steps() {
    let mut app = app();
    apply(&mut app, &[Intent::NextPane]);
    assert_eq!(app.focus(), Pane::Text);
    apply(&mut app, &[Intent::NextPane]);
    assert_eq!(app.focus(), Pane::Action);
    apply(&mut app, &[Intent::Back]);
    assert_eq!(app.focus(), Pane::Steps);
}

#[test]
fn the_wheel_over_the_step_list_moves_the_selection() {
    let mut app = app();
    app.apply(Message::Resize { width: 80, height: 24 });
    app.apply(Intent::Wheel { column: 3, row: 5, down: true });
    assert_eq!(app.selected(), 1);
}

#[test]
fn readme_key_table_matches_the_keymap() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = keymap::markdown_table();
    assert!(
        readme.contains(&table),
        "README.md's key table is out of date; paste this under \"## The screen\":\n\n{table}"
    );
}

#[test]
fn readme_screen_capture_matches_the_main_screen_snapshot() {
    let snap = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/snapshots/it__tui_snapshots__main_screen_80x24.snap"
    ))
    .unwrap();
    let screen: Vec<String> =
        snap.lines().filter(|l| l.starts_with('"')).map(|l| l.trim_matches('"').trim_end().to_string()).collect();
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let capture = screen.join("\n");
    assert!(readme.contains(&capture), "README.md's screen capture is out of date; it should be:\n\n{capture}");
}

#[test]
fn a_paste_while_searching_becomes_the_query_not_keys() {
    let mut app = app();
    apply(&mut app, &[Intent::SearchStart, Intent::SearchPaste("fatal error\nsecond line q".into())]);
    assert_eq!(app.search().map(|s| s.query.as_str()), Some("fatal error"));
    assert!(!app.should_quit());
}

#[test]
fn h_and_l_scroll_long_output_lines_sideways_up_to_their_end() {
    let mut app = app();
    app.apply(Message::Resize { width: 80, height: 24 });
    apply(&mut app, &[Intent::Down, Intent::Run, Intent::Confirm]);
    let long = format!("start {} END-OF-LINE", "x".repeat(100));
    let lines = vec![OutputLine { stream: Stream::Output, line: long.clone(), raw: None }];
    apply(&mut app, &[Message::Lines { step: "hello".into(), lines }]);
    assert_eq!(action_for(Scope::Main, ch('l')), Some(Intent::ScrollRight));
    assert_eq!(action_for(Scope::Main, ch('h')), Some(Intent::ScrollLeft));
    let draw = |app: &App| {
        let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
        terminal.draw(|f| runbook::tui::view::draw(app, f)).unwrap();
        terminal.backend().to_string()
    };
    let before = draw(&app);
    assert!(before.contains("start xxx") && !before.contains("END-OF-LINE"), "{before}");
    apply(&mut app, &vec![Intent::ScrollRight; 50]);
    let right = draw(&app);
    assert!(right.contains("END-OF-LINE") && !right.contains("start"), "scrolled to the end:\n{right}");
    assert!(right.contains("xxx END-OF-LINE│"), "no further than the end of the line, at the pane's edge:\n{right}");
    apply(&mut app, &vec![Intent::ScrollLeft; 50]);
    assert_eq!(draw(&app), before, "h goes back to the first column");
    apply(&mut app, &[Intent::Up]);
    apply(&mut app, &[Intent::ScrollRight]);
    assert_eq!(app.flash(), Some("the output fits: nothing to scroll sideways"));
}

const WAITS: &str = "id: w\ntitle: W\nphases:\n  - id: p\n    title: P\n    steps:\n      - id: produce\n        \
                     title: Produce\n        mode: observe\n        run:\n          command: echo fatal error\n          \
                     expect: {matches: [\"a line this command never prints at all\"]}\n        capture:\n          \
                     - {name: log, from: output}\n      - id: read\n        title: Read\n        \
                     parse: {input: \"{{log}}\", kind: crash}\n";

fn waits_app() -> App {
    let runbook = runbook::engine::load("w.yaml", WAITS.as_bytes()).unwrap();
    let context = Context { workdir: "/srv".into(), assets_dir: "/assets".into(), runbook_dir: "/srv".into() };
    App::new(Session::new(runbook, context, BTreeMap::new()).unwrap(), "w.yaml", Theme::plain())
}

fn screen_of(app: &App, width: u16, height: u16) -> String {
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| runbook::tui::view::draw(app, f)).unwrap();
    terminal.backend().to_string()
}

#[test]
fn a_probe_whose_input_is_not_captured_yet_waits_instead_of_failing() {
    let mut app = waits_app();
    app.apply(Message::Resize { width: 100, height: 24 });
    apply(&mut app, &[Intent::Down, Intent::Run]);
    let flash = app.flash().unwrap_or_default().to_string();
    assert_eq!(flash, "not ready: capture `log` was never set: step `produce` that sets it is pending");
    assert_eq!(app.status(1), StepStatus::Pending, "nothing started, nothing recorded as failed");
    assert!(app.take_jobs().is_empty());
    let screen = screen_of(&app, 100, 24);
    assert!(screen.contains("not ready: capture `log` was never set"), "the pane says why:\n{screen}");
}

#[test]
fn a_failure_reason_wraps_in_a_narrow_pane_instead_of_being_cut() {
    let mut app = waits_app();
    app.apply(Message::Resize { width: 40, height: 16 });
    apply(&mut app, &[Intent::Run, Intent::Confirm]);
    apply(
        &mut app,
        &[
            Message::Lines {
                step: "produce".into(),
                lines: vec![OutputLine { stream: Stream::Output, line: "fatal error".into(), raw: None }],
            },
            Message::Exited { step: "produce".into(), end: ProcessEnd::Exited(0), duration_ms: 3 },
        ],
    );
    assert_eq!(app.status(0), StepStatus::Failed);
    apply(&mut app, &[Intent::NextPane, Intent::NextPane]);
    assert_eq!(app.focus(), Pane::Action, "at 40 columns one pane shows at a time: the action's");
    let screen = screen_of(&app, 40, 16);
    let joined: String = screen.lines().map(|l| l.trim_matches('"').replace('│', " ")).collect::<Vec<_>>().join(" ");
    let words: Vec<&str> = joined.split_whitespace().collect();
    let reason = "output does not match `a line this command never prints at all`";
    assert!(words.join(" ").contains(reason), "the whole reason is on screen:\n{screen}");
}

#[test]
fn news_stays_through_background_messages_and_goes_with_the_next_key() {
    let mut app = app();
    app.apply(Intent::CancelCommand);
    assert_eq!(app.flash(), Some("nothing is running"));
    app.apply(Message::Tick(100));
    app.apply(Message::Resize { width: 100, height: 30 });
    app.apply(Message::Exited { step: "nothing".into(), end: ProcessEnd::Exited(0), duration_ms: 1 });
    assert_eq!(app.flash(), Some("nothing is running"), "the loop's reports are not the user moving on");
    app.apply(Intent::Down);
    assert_eq!(app.flash(), None);
}
