//! Keys in the "Run this?" dialog. The command scrolls (j/k, arrows, PgUp/PgDn, g/G, the wheel); Enter runs it
//! only when its end is on screen, and otherwise shows the next page, so no part of a command runs unseen
//! (issue 12). `y` does not run it: only Enter does. `s` switches between the command as it reads and the exact
//! script that runs (its values as `RB_*` variables); Enter's rule holds for whichever is shown.

use super::action::Intent;
use super::app::App;
use super::confirm;
use super::screen::Overlay;

impl App {
    /// Keeps the open dialog's body wrapped for the current screen (see `confirm::Prepared`).
    pub(crate) fn prepare_confirm(&mut self) {
        let size = self.size;
        if let Overlay::Confirm(c) = &mut self.screen.overlay {
            confirm::prepare(size, c);
        }
    }

    pub(crate) fn confirm_key(&mut self, action: Intent) {
        let Overlay::Confirm(c) = &self.screen.overlay else { return };
        let dialog = confirm::layout(self.size, c);
        let (top, max, page) = (dialog.top, dialog.max_top(), dialog.window.max(1));
        let step = c.step;
        let scroll_to = match action {
            Intent::Confirm if dialog.at_end() => {
                self.screen.overlay = Overlay::None;
                self.start(step);
                return;
            }
            Intent::Confirm | Intent::PageDown => top + page,
            Intent::Back => {
                self.screen.overlay = Overlay::None;
                self.flash = Some("not run".into());
                return;
            }
            Intent::Down => top + 1,
            Intent::Up => top.saturating_sub(1),
            Intent::PageUp => top.saturating_sub(page),
            Intent::Top => 0,
            Intent::Bottom => max,
            Intent::Toggle if confirm::has_script(c) => {
                if let Overlay::Confirm(c) = &mut self.screen.overlay {
                    c.script = !c.script;
                    c.top = 0;
                }
                return;
            }
            Intent::Toggle => {
                self.flash = Some("no values in this command: the script that runs is the command shown".into());
                return;
            }
            _ => return,
        };
        if let Overlay::Confirm(c) = &mut self.screen.overlay {
            c.top = scroll_to.min(max);
        }
    }
}
