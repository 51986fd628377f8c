//! Where each pane goes for a terminal size. Shared by `draw` (to render) and `update` (to scroll by a page and
//! to find the pane under the mouse), so both always agree.
//!
//! Wide (≥ 60 columns and ≥ 16 rows): step list on the left, step text above the action pane on the right.
//! Narrow: one pane at a time, full width, chosen with Tab; a tab strip in the title row says which.

use ratatui::layout::{Constraint, Layout, Rect};

/// The smallest size the UI draws at; below it a message asks for more room.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Steps,
    Text,
    Action,
}

impl Pane {
    pub const ALL: [Pane; 3] = [Pane::Steps, Pane::Text, Pane::Action];

    pub fn next(self) -> Pane {
        match self {
            Pane::Steps => Pane::Text,
            Pane::Text => Pane::Action,
            Pane::Action => Pane::Steps,
        }
    }

    pub fn prev(self) -> Pane {
        self.next().next()
    }

    pub fn name(self) -> &'static str {
        match self {
            Pane::Steps => "Steps",
            Pane::Text => "Text",
            Pane::Action => "Action",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panes {
    pub title: Rect,
    pub steps: Option<Rect>,
    pub text: Option<Rect>,
    pub action: Option<Rect>,
    pub status: Rect,
    pub narrow: bool,
}

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// `output_first` gives the action pane the larger share (the selected step has output to show); the status bar
/// takes `status_rows` (more than one when its news wraps).
pub fn panes(area: Rect, focus: Pane, output_first: bool, status_rows: u16) -> Panes {
    let [title, body, status] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1), Constraint::Length(status_rows.max(1))])
            .areas(area);
    let narrow = area.width < 60 || area.height < 16;
    if narrow {
        let only = |p: Pane| (focus == p).then_some(body);
        return Panes {
            title,
            steps: only(Pane::Steps),
            text: only(Pane::Text),
            action: only(Pane::Action),
            status,
            narrow,
        };
    }
    let list_width = (area.width * 35 / 100).clamp(24, 40);
    let [steps, right] = Layout::horizontal([Constraint::Length(list_width), Constraint::Min(1)]).areas(body);
    let text_share = if output_first { 40 } else { 60 };
    let [text, action] =
        Layout::vertical([Constraint::Percentage(text_share), Constraint::Percentage(100 - text_share)]).areas(right);
    Panes { title, steps: Some(steps), text: Some(text), action: Some(action), status, narrow }
}

impl Panes {
    pub fn get(&self, pane: Pane) -> Option<Rect> {
        match pane {
            Pane::Steps => self.steps,
            Pane::Text => self.text,
            Pane::Action => self.action,
        }
    }

    /// Rows inside a pane's border.
    pub fn inner_height(&self, pane: Pane) -> usize {
        self.get(pane).map(|r| r.height.saturating_sub(2) as usize).unwrap_or(0)
    }

    pub fn inner_width(&self, pane: Pane) -> usize {
        self.get(pane).map(|r| r.width.saturating_sub(2) as usize).unwrap_or(0)
    }

    /// The pane under a screen position.
    pub fn at(&self, column: u16, row: u16) -> Option<Pane> {
        let pos = ratatui::layout::Position { x: column, y: row };
        Pane::ALL.into_iter().find(|p| self.get(*p).is_some_and(|r| r.contains(pos)))
    }
}
