//! The status bar of a replay: "read-only replay", play or pause, the position in the recording, the time of the
//! event shown (wall clock and offset from the session start) and the speed, then the scrubber's keys first and
//! the other keys that work, all from the keymap.

use super::super::app::App;
use super::super::keymap::{self, When};
use super::super::recording::Replay;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

/// `+1:02:03.4` or `+02:03.4`: an offset from the session start.
pub fn offset(ms: u64) -> String {
    let (h, m, s, tenths) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms / 100 % 10);
    if h > 0 {
        format!("+{h}:{m:02}:{s:02}.{tenths}")
    } else {
        format!("+{m:02}:{s:02}.{tenths}")
    }
}

/// The time of day of an RFC 3339 timestamp (`2026-11-26T02:47:01.123Z` -> `02:47:01Z`).
pub fn time_of_day(ts: &str) -> String {
    match (ts.get(11..19), ts.ends_with('Z')) {
        (Some(t), true) => format!("{t}Z"),
        (Some(t), false) => t.to_string(),
        (None, _) => ts.to_string(),
    }
}

/// The scrubber's own text: state, position, time, speed.
pub fn position(replay: &Replay) -> String {
    let state = if replay.playing() { "▶" } else { "⏸" };
    let (time, offset_ms) = replay.current().map(|r| (time_of_day(&r.ts), r.offset_ms)).unwrap_or_default();
    format!("{state} {}/{} {time} {} {}×", replay.position(), replay.len(), offset(offset_ms), replay.speed())
}

pub fn draw(app: &App, frame: &mut Frame<'_>, area: Rect, replay: &Replay) {
    let theme = &app.theme;
    let head = format!(" read-only replay {} ", position(replay));
    let mut used = head.width();
    let mut spans = vec![Span::styled(head, theme.selected())];
    if let Some(flash) = app.flash() {
        spans.push(Span::styled(format!(" {flash} "), theme.warning()));
        used += flash.width() + 2;
    }
    let scope = app.scope();
    let holds = |b: &&keymap::Binding| b.when != When::HelpOnly && app.holds(b.when);
    let first = keymap::bindings(scope).filter(holds).filter(|b| b.when == When::Replay);
    let rest = keymap::bindings(scope).filter(holds).filter(|b| b.when != When::Replay);
    super::hints::push_key_hints(app, &mut spans, used, first.chain(rest), area.width);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
