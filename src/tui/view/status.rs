//! The status bar: the search being typed, or news (a flash), or the keys that work right now, drawn from the
//! keymap so it can never disagree with what the keys do. News that does not fit wraps over more rows (the
//! layout grows the bar, `App::status_rows`); keys that do not fit are dropped from the end of the table's
//! order, except `? help`, which always stays.

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
        let mut spans = vec![Span::styled("/", theme.key()), Span::raw(search.query.clone()), Span::raw("█")];
        // A list filtered as the query is typed says how many rows are left.
        if search.target == super::super::screen::SearchTarget::Results {
            let left = app.result_of(app.selected()).map_or(0, |r| r.shown_count());
            spans.push(Span::styled(format!("  {}", crate::tui::text::count(left, "row")), theme.muted()));
        }
        let line = Line::from(spans);
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    if let Some(replay) = app.replay() {
        super::scrubber::draw(app, frame, area, replay);
        return;
    }
    let bindings = keymap::bindings(app.scope()).filter(|b| b.when != When::HelpOnly && app.holds(b.when));
    // News too long for one row wraps over the rows the layout gave it (`App::status_rows`), never cut, with the
    // keys after its last row (`? help` at least).
    if let Some(wrapped) = app.flash_lines(area.width) {
        let rows = usize::from(area.height.max(1));
        let mut lines: Vec<Line<'static>> = Vec::new();
        for (i, text) in wrapped.iter().enumerate().take(rows) {
            let text = if i + 1 == rows && wrapped.len() > rows { format!("{text}…") } else { text.clone() };
            lines.push(Line::from(Span::styled(format!(" {text} "), theme.warning())));
        }
        if let Some(last) = lines.last_mut() {
            let used = last.width();
            let mut spans = std::mem::take(&mut last.spans);
            super::hints::push_key_hints(app, &mut spans, used, bindings, area.width);
            *last = Line::from(spans);
        }
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    let mut spans = Vec::new();
    let mut used = 0;
    if let Some(flash) = app.flash() {
        spans.push(Span::styled(format!(" {flash} "), theme.warning()));
        used += flash.width() + 2;
    }
    super::hints::push_key_hints(app, &mut spans, used, bindings, area.width);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
