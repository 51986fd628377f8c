//! The status bar: the search being typed, or news (a flash), or the keys that work right now, drawn from the
//! keymap so it can never disagree with what the keys do.

use super::super::app::App;
use super::super::keymap::{self, When};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

pub fn draw(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let theme = &app.theme;
    if let Some(search) = app.search().filter(|s| s.editing) {
        let line = Line::from(vec![Span::styled("/", theme.key()), Span::raw(search.query.clone()), Span::raw("█")]);
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    if let Some(replay) = app.replay() {
        super::scrubber::draw(app, frame, area, replay);
        return;
    }
    let mut spans = Vec::new();
    let mut used = 0;
    if let Some(flash) = app.flash() {
        spans.push(Span::styled(format!(" {flash} "), theme.warning()));
        used += flash.width() + 2;
    }
    let bindings = keymap::bindings(app.scope()).filter(|b| b.when != When::HelpOnly && app.holds(b.when));
    super::hints::push_key_hints(app, &mut spans, used, bindings, area.width);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
