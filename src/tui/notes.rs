//! Notes and hand-set milestones: `n` opens a one-line note input (Enter saves it to the journal, attached to the
//! selected step; Esc discards it), `m` opens a chooser of the four milestones (reproduced, located, fixed,
//! verified) and records the chosen one as `milestone_checked` set by hand. Both also show in the step's output,
//! as they will in a replay.

use super::action::Intent;
use super::app::App;
use super::screen::Overlay;
use crate::engine::Milestone;
use crate::journal::Meta;

/// The longest note kept (a paste of a whole log is not a note).
const MAX_NOTE_CHARS: usize = 500;

impl App {
    pub(crate) fn open_note(&mut self) {
        self.screen.overlay = Overlay::Note { text: String::new() };
    }

    pub(crate) fn open_milestones(&mut self) {
        self.screen.overlay = Overlay::Milestone { cursor: 0 };
    }

    /// A key while the note input is open.
    pub(crate) fn note_key(&mut self, action: Intent) {
        let Overlay::Note { text } = &mut self.screen.overlay else { return };
        match action {
            Intent::TextChar(c) if text.chars().count() < MAX_NOTE_CHARS => text.push(c),
            Intent::TextPaste(pasted) => {
                let room = MAX_NOTE_CHARS.saturating_sub(text.chars().count());
                text.extend(pasted.lines().next().unwrap_or("").chars().take(room));
            }
            Intent::TextBackspace => {
                text.pop();
            }
            Intent::TextClear => text.clear(),
            Intent::Confirm => {
                let text = text.trim().to_string();
                self.screen.overlay = Overlay::None;
                self.save_note(text);
            }
            Intent::Back => {
                self.screen.overlay = Overlay::None;
                self.flash = Some("note discarded".into());
            }
            _ => {}
        }
    }

    fn save_note(&mut self, text: String) {
        if text.is_empty() {
            self.flash = Some("empty note: nothing saved".into());
            return;
        }
        let step = self.selected_step().map(|s| s.id.clone());
        let saved = self.journal_meta(Meta::Note { step: step.clone(), text: text.clone() });
        self.note_line(step.as_deref(), format!("note: {text}"));
        self.flash = Some(if saved { "note saved to the journal" } else { "no journal: the note is not saved" }.into());
    }

    /// A key while the milestone chooser is open.
    pub(crate) fn milestone_key(&mut self, action: Intent) {
        let Overlay::Milestone { cursor } = &mut self.screen.overlay else { return };
        let last = Milestone::ALL.len() - 1;
        match action {
            Intent::Up => *cursor = cursor.saturating_sub(1),
            Intent::Down => *cursor = (*cursor + 1).min(last),
            Intent::Pick(n) if n <= last => {
                self.screen.overlay = Overlay::None;
                self.set_milestone(n);
            }
            Intent::Confirm => {
                let n = *cursor;
                self.screen.overlay = Overlay::None;
                self.set_milestone(n);
            }
            Intent::Back => self.screen.overlay = Overlay::None,
            _ => {}
        }
    }

    fn set_milestone(&mut self, n: usize) {
        let Some((name, _)) = Milestone::ALL.get(n) else { return };
        let step = self.selected_step().map(|s| s.id.clone());
        let saved = self.journal_meta(Meta::MilestoneChecked {
            step: step.clone(),
            milestone: name.to_string(),
            by: crate::journal::MilestoneBy::Hand,
            ok: true,
            detail: "set by hand in the TUI".into(),
            at_ms: None,
        });
        self.note_line(step.as_deref(), format!("milestone {name}, set by hand"));
        let tail = if saved { "" } else { " (no journal: not saved)" };
        self.flash = Some(format!("milestone {name} set by hand{tail}"));
    }
}
