//! Drawing: reads the `App`, never changes it, does no I/O. Each pane has its own file; this one lays them out
//! and handles the "terminal too small" case.

mod action_pane;
mod commit;
mod evidence;
pub mod gc;
mod hints;
mod info;
mod note;
mod overlay;
mod pathmap;
mod results;
pub mod scrubber;
mod sim;
mod sim_lanes;
mod sim_rates;
mod source;
mod status;
mod steps;
mod text;
mod vars;

use super::app::App;
use super::layout::{self, Pane, MIN_HEIGHT, MIN_WIDTH};
use super::screen::Overlay;
use super::views::View;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

pub fn draw(app: &App, frame: &mut Frame<'_>) {
    let area = frame.area();
    if layout::too_small(area) {
        too_small(frame, area);
        return;
    }
    if let Some(view) = app.view() {
        let (body, status_area) = super::views::view_areas(area, app.status_rows(area));
        match view {
            View::Source(v) => source::draw(app, frame, body, v),
            View::Commit(c) => commit::draw(app, frame, body, c),
            View::Gc { step } => gc::draw(app, frame, body, *step),
            View::Sim(v) => sim::draw(app, frame, body, v),
            View::Rates(r) => sim_rates::draw(app, frame, body, r),
            View::Info { scroll } => info::draw(app, frame, body, *scroll),
        }
        status::draw(app, frame, status_area);
        overlays(app, frame, area);
        return;
    }
    let panes = app.panes_for(area);
    title_bar(app, frame, panes.title, panes.narrow);
    if let Some(r) = panes.steps {
        steps::draw(app, frame, r);
    }
    if let Some(r) = panes.text {
        text::draw(app, frame, r);
    }
    if let Some(r) = panes.action {
        action_pane::draw(app, frame, r);
    }
    status::draw(app, frame, panes.status);
    overlays(app, frame, area);
}

fn overlays(app: &App, frame: &mut Frame<'_>, area: Rect) {
    match app.overlay() {
        Overlay::None => {}
        Overlay::Help { scroll, from, .. } => overlay::help(app, frame, area, *scroll, *from),
        Overlay::Confirm(confirm) => overlay::confirm(app, frame, area, confirm),
        Overlay::QuitConfirm => overlay::quit(app, frame, area),
        Overlay::Note { text } => note::note(app, frame, area, text),
        Overlay::Milestone { cursor } => note::milestones(app, frame, area, *cursor),
        Overlay::Vars { cursor, edit } => vars::vars(app, frame, area, *cursor, edit.as_deref()),
        Overlay::Evidence(dialog) => evidence::draw(app, frame, area, dialog),
        Overlay::PathMap(prompt) => pathmap::draw(app, frame, area, prompt),
    }
}

fn too_small(frame: &mut Frame<'_>, area: Rect) {
    let text = vec![
        Line::from(format!("terminal too small (need {MIN_WIDTH}x{MIN_HEIGHT})")),
        Line::from(format!("now {}x{}", area.width, area.height)),
    ];
    let top = area.height.saturating_sub(2) / 2;
    let rect = Rect { y: area.y + top, height: area.height - top, ..area };
    frame.render_widget(Paragraph::new(text).alignment(Alignment::Center).wrap(Wrap { trim: true }), rect);
}

fn title_bar(app: &App, frame: &mut Frame<'_>, area: Rect, narrow: bool) {
    let theme = &app.theme;
    let done = app.session().statuses().iter().filter(|s| s.is_done()).count();
    let right = match app.mode.drill() {
        // The drill's clock: the debrief compares these times with the handbook's targets.
        Some(scenario) => {
            let secs = app.clock_ms / 1000;
            format!(" drill {scenario} ⏱ {:02}:{:02} · {done}/{} done ", secs / 60, secs % 60, app.step_count())
        }
        None => format!(" {done}/{} done ", app.step_count()),
    };
    let right_width = unicode_width::UnicodeWidthStr::width(right.as_str()) as u16;
    let left_width = area.width.saturating_sub(right_width) as usize;
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    if narrow {
        for (i, pane) in Pane::ALL.into_iter().enumerate() {
            if i > 0 {
                spans.push(Span::styled("·", theme.muted()));
                used += 1;
            }
            let (name, style) = if pane == app.focus() {
                (format!("[{}]", pane.name()), theme.selected())
            } else {
                (pane.name().to_string(), theme.muted())
            };
            used += name.len();
            spans.push(Span::styled(name, style));
        }
        spans.push(Span::raw(" "));
        used += 1;
    }
    let title = &app.session().runbook().title;
    let name = format!(" ({})", app.name);
    let room = left_width.saturating_sub(used);
    spans.push(Span::styled(super::text::truncate(title, room), theme.bold()));
    let room = room.saturating_sub(unicode_width::UnicodeWidthStr::width(title.as_str()));
    if !narrow && room >= 12 {
        spans.push(Span::styled(super::text::truncate(&name, room), theme.muted()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), Rect { width: left_width as u16, ..area });
    let right_area = Rect { x: area.x + left_width as u16, width: area.width - left_width as u16, ..area };
    frame.render_widget(Paragraph::new(Span::styled(right, theme.muted())), right_area);
}

/// A pane's frame: its title, and a brighter border when it has the focus.
fn pane_block<'a>(app: &App, pane: Pane, title: impl Into<Line<'a>>) -> Block<'a> {
    let focused = app.focus() == pane;
    Block::bordered().border_style(app.theme.border(focused)).title(title)
}

/// A box of at most `width` x `height` in the middle of `area`, leaving a margin of a column and a row on small
/// screens. The half cell left over on an odd difference goes right and down: not `Rect::centered`, whose
/// `Flex::Center` rounds the other way and would move every dialog by a cell on such screens.
pub(super) fn popup(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width.saturating_sub(2)).max(1);
    let h = height.min(area.height.saturating_sub(2)).max(1);
    Rect {
        x: area.x + area.width.saturating_sub(w) / 2,
        y: area.y + area.height.saturating_sub(h) / 2,
        width: w.min(area.width),
        height: h.min(area.height),
    }
}

#[cfg(test)]
mod tests {
    use super::popup;
    use ratatui::layout::Rect;

    #[test]
    fn popups_are_centred_with_a_margin_and_the_odd_cell_after_them() {
        let screen = Rect::new(0, 0, 80, 24);
        assert_eq!(popup(screen, 72, 30), Rect::new(4, 1, 72, 22), "cut to leave a margin");
        assert_eq!(popup(Rect::new(0, 0, 81, 25), 40, 8), Rect::new(20, 8, 40, 8), "odd: the spare cell after");
        assert_eq!(popup(Rect::new(5, 3, 1, 1), 36, 6), Rect::new(5, 3, 1, 1), "never outside the area");
    }
}
