//! The runbook's vars on screen (`v`): every declared var with its value and description; Enter types a new value,
//! which the engine gets as `Input::SetVar` (so it is journaled as `var_set`, replayed and resumed). A runbook
//! whose vars lack a default opens with this list, on the first var without a value: on-call engineers open a
//! colleague's runbook without knowing its flags. Secret values are typed and shown masked.

use super::action::Intent;
use super::app::App;
use super::screen::Overlay;
use crate::engine::Input;

/// The longest value kept (a path or a service name, not a pasted file).
const MAX_VALUE_CHARS: usize = 1000;

impl App {
    pub(crate) fn open_vars(&mut self) {
        if self.session.runbook().vars.is_empty() {
            self.flash = Some("this runbook declares no vars".into());
            return;
        }
        self.screen.overlay = Overlay::Vars { cursor: 0, edit: None };
    }

    /// Opens the vars on the first one without a value, ready to type it. False when every var has one.
    pub fn ask_unset_vars(&mut self) -> bool {
        let unset = self.session.unset_vars();
        let Some(first) = unset.first() else { return false };
        let cursor = self.session.runbook().vars.iter().position(|v| &v.name == first).unwrap_or(0);
        self.screen.overlay = Overlay::Vars { cursor, edit: Some(String::new()) };
        self.flash = Some(format!("this runbook needs a value for: {}", unset.join(", ")));
        true
    }

    /// A key while the vars are open.
    pub(crate) fn vars_key(&mut self, action: Intent) {
        let count = self.session.runbook().vars.len();
        let read_only = self.mode.is_replay();
        // Editing starts from the current value (a path is usually changed, not retyped); a secret starts empty.
        let current = match &self.screen.overlay {
            Overlay::Vars { cursor, .. } => self
                .session
                .runbook()
                .vars
                .get(*cursor)
                .and_then(|v| (!v.secret).then(|| self.session.var(&v.name)).flatten().map(str::to_string)),
            _ => None,
        };
        let Overlay::Vars { cursor, edit } = &mut self.screen.overlay else { return };
        match (edit.as_mut(), action) {
            (None, Intent::Up) => *cursor = cursor.saturating_sub(1),
            (None, Intent::Down) => *cursor = (*cursor + 1).min(count.saturating_sub(1)),
            (None, Intent::Confirm) if read_only => self.flash = Some("read-only replay: vars cannot be set".into()),
            (None, Intent::Confirm) => *edit = Some(current.unwrap_or_default()),
            (None, Intent::Back) => self.screen.overlay = Overlay::None,
            (Some(text), Intent::TextChar(c)) if text.chars().count() < MAX_VALUE_CHARS => text.push(c),
            (Some(text), Intent::TextPaste(pasted)) => {
                let room = MAX_VALUE_CHARS.saturating_sub(text.chars().count());
                text.extend(pasted.lines().next().unwrap_or("").chars().take(room));
            }
            (Some(text), Intent::TextBackspace) => {
                text.pop();
            }
            (Some(text), Intent::TextClear) => text.clear(),
            (Some(text), Intent::Confirm) => {
                let value = text.trim().to_string();
                let index = *cursor;
                *edit = None;
                self.set_var(index, value);
            }
            (Some(_), Intent::Back) => *edit = None,
            _ => {}
        }
    }

    fn set_var(&mut self, index: usize, value: String) {
        let Some(var) = self.session.runbook().vars.get(index).cloned() else { return };
        if value.is_empty() {
            self.flash = Some(format!("var {}: an empty value is not set", var.name));
            return;
        }
        self.feed(Input::SetVar { name: var.name.clone(), value });
        self.refresh_secrets();
        // Straight on to the next var still without a value, if any.
        if !self.ask_unset_vars() {
            self.flash = Some(format!("var {} set: the next commands use it", var.name));
        }
        if var.secret && self.session.short_secret_vars().contains(&var.name) {
            self.flash = crate::engine::masking::short_secret_warning(std::slice::from_ref(&var.name))
                .map(|w| format!("warning: {w}"));
        }
    }

    /// At start: says which secret vars are too short to be masked inside output, after any news already there
    /// (issue 12 item 3).
    pub fn warn_short_secrets(&mut self) {
        let Some(warning) = crate::engine::masking::short_secret_warning(&self.session.short_secret_vars()) else {
            return;
        };
        let warning = format!("warning: {warning}");
        self.flash = Some(match self.flash.take() {
            Some(news) => format!("{news} · {warning}"),
            None => warning,
        });
    }

    /// `M` in the source view: a runbook that asks the user to point at a line (a drill checks it) declares the
    /// vars `mark_file` and `mark_line`; this sets them to the line under the cursor, the file relative to the
    /// working directory when it is inside it.
    pub(crate) fn mark_line(&mut self, path: &std::path::Path, line: usize) {
        let declared = |name: &str| self.session.runbook().vars.iter().any(|v| v.name == name);
        if !declared("mark_file") || !declared("mark_line") {
            self.flash = Some("this runbook asks for no mark (it has no mark_file and mark_line vars)".into());
            return;
        }
        if self.mode.is_replay() {
            self.flash = Some("read-only replay: nothing is marked".into());
            return;
        }
        let workdir = std::path::Path::new(&self.session.context().workdir);
        let file = path.strip_prefix(workdir).unwrap_or(path).display().to_string();
        self.feed(Input::SetVar { name: "mark_file".into(), value: file.clone() });
        self.feed(Input::SetVar { name: "mark_line".into(), value: line.to_string() });
        self.flash = Some(format!("marked {file}:{line}"));
    }

    /// The journal masks the current values of secret vars, including ones typed on screen.
    fn refresh_secrets(&self) {
        if let Some(journal) = self.mode.journal() {
            journal.set_secrets(super::journaling::secret_values(&self.session));
        }
    }
}
