//! The screens of issue 3, drawn into a `TestBackend` and compared with committed insta snapshots: the main
//! screen, help, confirmation, a running step, a failed step, a choose step, the narrow 40x12 layout and the
//! too-small message. Paths and times are fixed by construction (a fixed context and a synthetic clock), so the
//! snapshots are stable.

// Helpers outside #[test] functions unwrap too: a failure there is a failed test with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::tui_support;

use ratatui::backend::TestBackend;
use ratatui::style::Color;
use ratatui::Terminal;
use runbook::engine::{Context, ProcessEnd, Session, Stream};
use runbook::tui::action::{Intent, Message, OutputLine};
use runbook::tui::{App, Theme};
use std::collections::BTreeMap;
use tui_support::{apply, screen};

fn app() -> App {
    app_with(Theme::colored())
}

fn app_with(theme: Theme) -> App {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/runbooks/tui.yaml");
    let bytes = std::fs::read(path).unwrap();
    let runbook = runbook::engine::load("tests/fixtures/runbooks/tui.yaml", &bytes).unwrap();
    let context =
        Context { workdir: "/srv/checkout".into(), assets_dir: "/cache/assets".into(), runbook_dir: "/srv".into() };
    let session = Session::new(runbook, context, BTreeMap::new()).unwrap();
    App::new(session, "tests/fixtures/runbooks/tui.yaml", theme)
}

fn lines(step: &str, text: &[&str]) -> Message {
    Message::Lines {
        step: step.into(),
        lines: text.iter().map(|l| OutputLine { stream: Stream::Output, line: l.to_string(), raw: None }).collect(),
    }
}

#[test]
fn main_screen_80x24() {
    let mut app = app();
    insta::assert_snapshot!(screen(&mut app, 80, 24).backend());
}

#[test]
fn help_overlay() {
    let mut app = app();
    apply(&mut app, &[Intent::ToggleHelp]);
    insta::assert_snapshot!(screen(&mut app, 80, 24).backend());
}

#[test]
fn confirmation_shows_command_cwd_env_and_mode() {
    let mut app = app();
    apply(&mut app, &[Intent::Down, Intent::Run]);
    insta::assert_snapshot!(screen(&mut app, 80, 24).backend());
}

#[test]
fn running_step_with_spinner_elapsed_and_output() {
    let mut app = app();
    apply(&mut app, &[Intent::Down, Intent::Run, Intent::Confirm]);
    assert_eq!(app.take_jobs().len(), 1, "confirming queues the command");
    apply(&mut app, &[lines("hello", &["hello-from-runbook checkout"]), Message::Tick(2_300)]);
    insta::assert_snapshot!(screen(&mut app, 80, 24).backend());
}

#[test]
fn failed_step_shows_output_and_reason() {
    let mut app = app();
    apply(&mut app, &[Intent::Down, Intent::Down, Intent::Run, Intent::Confirm]);
    apply(
        &mut app,
        &[
            lines("broken", &["about to fail"]),
            Message::Exited { step: "broken".into(), end: ProcessEnd::Exited(3), duration_ms: 12 },
        ],
    );
    insta::assert_snapshot!(screen(&mut app, 80, 24).backend());
}

#[test]
fn choose_step_lists_options() {
    let mut app = app();
    apply(&mut app, &[Intent::Bottom, Intent::Up, Intent::Up, Intent::Run]);
    insta::assert_snapshot!(screen(&mut app, 80, 24).backend());
}

#[test]
fn narrow_40x12() {
    let mut app = app();
    apply(&mut app, &[Intent::Down]);
    insta::assert_snapshot!(screen(&mut app, 40, 12).backend());
}

#[test]
fn narrow_40x12_action_pane() {
    let mut app = app();
    apply(&mut app, &[Intent::Down, Intent::Run, Intent::Confirm]);
    app.apply(lines("hello", &["hello-from-runbook checkout"]));
    apply(&mut app, &[Intent::NextPane, Intent::NextPane]);
    insta::assert_snapshot!(screen(&mut app, 40, 12).backend());
}

#[test]
fn too_small_says_what_it_needs() {
    let mut app = app();
    insta::assert_snapshot!(screen(&mut app, 30, 8).backend());
}

#[test]
fn every_size_down_to_one_cell_draws_without_panic() {
    let mut app = app();
    apply(&mut app, &[Intent::Down, Intent::Run]);
    for width in (1..=100).step_by(7) {
        for height in (1..=40).step_by(3) {
            screen(&mut app, width, height);
        }
    }
}

/// Screens that exercise every style: a failed command, a choice, the help, a confirmation.
fn styled_screens(theme: Theme) -> Vec<Terminal<TestBackend>> {
    let mut out = Vec::new();
    let mut failed = app_with(theme);
    apply(&mut failed, &[Intent::Down, Intent::Down, Intent::Run, Intent::Confirm]);
    failed.apply(lines("broken", &["x"]));
    apply(&mut failed, &[Message::Exited { step: "broken".into(), end: ProcessEnd::Exited(3), duration_ms: 1 }]);
    out.push(screen(&mut failed, 80, 24));
    let mut choose = app_with(theme);
    apply(&mut choose, &[Intent::Bottom, Intent::Up, Intent::Up, Intent::Run]);
    out.push(screen(&mut choose, 80, 24));
    let mut help = app_with(theme);
    apply(&mut help, &[Intent::ToggleHelp]);
    out.push(screen(&mut help, 80, 24));
    let mut confirm = app_with(theme);
    apply(&mut confirm, &[Intent::Down, Intent::Run]);
    out.push(screen(&mut confirm, 80, 24));
    out
}

#[test]
fn no_color_means_no_colour_anywhere() {
    for terminal in styled_screens(Theme::plain()) {
        for cell in terminal.backend().buffer().content() {
            assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "coloured cell {cell:?}");
        }
    }
}

#[test]
fn colours_never_paint_a_background_so_light_and_dark_terminals_both_read() {
    let mut coloured = 0;
    for terminal in styled_screens(Theme::colored()) {
        for cell in terminal.backend().buffer().content() {
            assert_eq!(cell.bg, Color::Reset, "background set on {cell:?}");
            coloured += usize::from(cell.fg != Color::Reset);
        }
    }
    assert!(coloured > 0, "the coloured theme uses some colour");
}

#[test]
fn confirmation_40x12() {
    let mut app = app();
    apply(&mut app, &[Intent::Down, Intent::Run]);
    insta::assert_snapshot!(screen(&mut app, 40, 12).backend());
}

#[test]
fn control_characters_in_output_cannot_reach_the_terminal() {
    let mut app = app();
    apply(&mut app, &[Intent::Down, Intent::Run, Intent::Confirm]);
    app.apply(lines("hello", &["bell\x07 and\rreturn\ttab"]));
    let terminal = screen(&mut app, 80, 24);
    let text = terminal.backend().to_string();
    assert!(text.contains("bell^G and^Mreturn    tab"), "{text}");
}
