//! The crash-rate chart: one horizontal bar per program, the share of seeded runs that died of a `fatal error`,
//! filled in as each program's batch finishes in the background ("computing" until then).

use super::super::app::App;
use super::super::sim::RatesView;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, Block, Paragraph};
use ratatui::Frame;

pub fn draw(app: &App, frame: &mut Frame<'_>, area: Rect, view: &RatesView) {
    let theme = &app.theme;
    let block = Block::bordered()
        .border_style(theme.border(true))
        .title(Line::styled(format!(" crash rate · go{} ", view.go.label()), theme.bold()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let total = view.programs.len();
    let mut facts = format!("{} seeds each from {}", view.runs, view.seed);
    if view.done() < total {
        facts.push_str(&format!(" · computing {}/{total}", view.done()));
    }
    let [head, chart] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    frame.render_widget(Paragraph::new(Line::styled(facts, theme.muted())), head);
    let bars: Vec<Bar<'_>> = view
        .programs
        .iter()
        .zip(&view.results)
        .map(|(program, result)| {
            let bar = Bar::default().label(Line::raw(program.name().to_string()));
            match result {
                None => bar.value(0).text_value("computing…").value_style(theme.muted()),
                Some(Err(e)) => bar.value(0).text_value(format!("error: {e}")).value_style(theme.failed()),
                Some(Ok(s)) => {
                    let pct = (100.0 * s.crash_rate()).round() as u64;
                    let style = if s.crashes > 0 { theme.failed() } else { theme.passed() };
                    bar.value(pct).text_value(format!("{pct}%")).style(style).value_style(theme.bold())
                }
            }
        })
        .collect();
    let gap = u16::from(chart.height as usize >= total * 2);
    let widget = BarChart::default()
        .direction(Direction::Horizontal)
        .bar_width(1)
        .bar_gap(gap)
        .max(100)
        .data(ratatui::widgets::BarGroup::default().bars(&bars));
    frame.render_widget(widget, chart);
}
