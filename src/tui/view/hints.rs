//! Key hints (` key what`) for the bars at the bottom: the status bar and the replay's scrubber both list the
//! keys that work now, as many as fit, from the keymap, `? help` always among them.

use super::super::action::Intent;
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
    let piece = |b: &keymap::Binding| format!(" {} {}", b.label, b.short).width();
    let bindings: Vec<&keymap::Binding> = bindings.collect();
    // `? help` is the way to every other key: its room is kept first.
    let help = bindings.iter().position(|b| b.action == Intent::ToggleHelp);
    if let Some(h) = help {
        used += piece(bindings[h]);
    }
    let mut shown = vec![false; bindings.len()];
    let mut full = false;
    for (i, b) in bindings.iter().enumerate() {
        if Some(i) == help {
            shown[i] = used <= usize::from(width);
            continue;
        }
        // The table lists the keys that matter most first: the first that does not fit ends the row.
        full = full || used + piece(b) > usize::from(width);
        if !full {
            used += piece(b);
            shown[i] = true;
        }
    }
    for (b, _) in bindings.iter().zip(shown).filter(|(_, s)| *s) {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(b.label, app.theme.key()));
        spans.push(Span::raw(format!(" {}", b.short)));
    }
}
