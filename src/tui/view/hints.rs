//! Key hints (` key what`) for the bars at the bottom: the status bar and the replay's scrubber both list the
//! keys that work now, as many as fit, from the keymap.

use super::super::app::App;
use super::super::keymap;
use ratatui::text::Span;
use unicode_width::UnicodeWidthStr;

/// Appends ` key what` hints after `used` columns for as many bindings as fit in `width`, in the given order.
pub fn push_key_hints<'k>(
    app: &App,
    spans: &mut Vec<Span<'static>>,
    mut used: usize,
    bindings: impl Iterator<Item = &'k keymap::Binding>,
    width: u16,
) {
    for b in bindings {
        let piece = format!(" {} {}", b.label, b.short);
        if used + piece.width() > usize::from(width) {
            break;
        }
        used += piece.width();
        spans.push(Span::raw(" "));
        spans.push(Span::styled(b.label, app.theme.key()));
        spans.push(Span::raw(format!(" {}", b.short)));
    }
}
