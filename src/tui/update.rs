//! `apply` and `update`: the only functions that change UI state. `update` takes one `Action` and may return a
//! follow-up, which `apply` applies in turn; work that must happen outside (spawning, cancelling) is queued as
//! jobs for the event loop. Messages (what background work reports) go to their handlers; intents clear the
//! status bar's news and go to whatever has the keys (an overlay, the view on top, a result list, the main
//! screen).

use super::action::{Action, Intent, Message};
use super::app::App;
use super::jobs::Job;
use super::layout::Pane;
use super::mode::Exit;
use super::screen::Overlay;
use crate::engine::Input;

impl App {
    /// Applies `action` and every follow-up it leads to (an intent may lead to another: Enter on a search jumps
    /// to its first match, Enter on a result opens its source line). The event loop and the tests both go
    /// through here.
    pub fn apply(&mut self, action: impl Into<Action>) {
        let mut next = Some(action.into());
        while let Some(action) = next {
            next = self.update(action);
        }
    }

    /// One step of `apply`: changes the state and returns the follow-up, if any.
    pub fn update(&mut self, action: Action) -> Option<Action> {
        match action {
            Action::Intent(intent) => {
                // News in the status bar lasts until the user does something.
                self.flash = None;
                self.intent(intent).map(Action::Intent)
            }
            Action::Message(message) => {
                self.message(message);
                None
            }
        }
    }

    fn message(&mut self, message: Message) {
        match message {
            Message::Tick(ms) => self.tick(ms),
            Message::Resize { width, height } => {
                self.size = ratatui::layout::Rect::new(0, 0, width, height);
                self.prepare_confirm();
            }
            Message::Terminate => self.quit_now(Exit::Signal),
            Message::Lines { step, lines } => {
                for l in lines {
                    self.feed(Input::Output { step: step.clone(), stream: l.stream, line: l.line, raw: l.raw });
                }
            }
            Message::Exited { step, end, duration_ms } => self.feed(Input::Exited { step, end, duration_ms }),
            Message::ProbeResult { step, output } => self.probe_result(&step, output),
            Message::ProbeDone(input) => self.feed(input),
            Message::EditorClosed { path, result } => self.editor_closed(path, result),
            Message::Notice(text) => self.flash = Some(text),
            Message::View(answer) => self.view_answer(answer),
        }
    }

    fn intent(&mut self, intent: Intent) -> Option<Intent> {
        let next = self.route(intent);
        // Whatever the intent was, a "Run this?" dialog now open has its body wrapped for the screen.
        self.prepare_confirm();
        next
    }

    fn route(&mut self, intent: Intent) -> Option<Intent> {
        match intent {
            // What another intent led to: not keys, so no overlay or view takes them.
            Intent::OpenSource { file, line } => self.open_source(file, line),
            Intent::OpenSim(spec) => self.open_sim(*spec),
            Intent::OpenRates { programs, go, seed, runs } => self.open_rates(programs, go, seed, runs),
            Intent::Wheel { down, .. } if self.screen.overlay == Overlay::None && !self.stack.views.is_empty() => {
                self.view_wheel(down)
            }
            Intent::Wheel { column, row, down } => match self.screen.overlay {
                Overlay::None => {
                    if let Some(pane) = self.panes().at(column, row) {
                        self.scroll(pane, if down { 3 } else { -3 });
                    }
                }
                Overlay::Help { .. } | Overlay::Confirm(_) => {
                    return self.key_action(if down { Intent::Down } else { Intent::Up })
                }
                _ => {}
            },
            other => return self.key_action(other),
        }
        None
    }

    fn key_action(&mut self, action: Intent) -> Option<Intent> {
        match (&self.screen.overlay, action) {
            (Overlay::Help { .. }, Intent::ToggleHelp | Intent::Back) => {
                let under = match std::mem::replace(&mut self.screen.overlay, Overlay::None) {
                    Overlay::Help { under: Some(under), .. } => *under,
                    _ => Overlay::None,
                };
                self.screen.overlay = under;
            }
            (Overlay::Help { .. }, direction @ (Intent::Up | Intent::Down)) => {
                // Help has a line per binding plus a heading and a gap per section: never scroll past it.
                let max = (super::keymap::BINDINGS.len() + 2 * super::keymap::SCOPES.len()) as u16;
                if let Overlay::Help { scroll, .. } = &mut self.screen.overlay {
                    *scroll = if direction == Intent::Up { scroll.saturating_sub(1) } else { (*scroll + 1).min(max) };
                }
            }
            (Overlay::Help { .. }, _) => {}
            // `?` over a dialog: the help opens over it, the dialog's keys first, and closing it brings it back.
            (
                Overlay::Confirm(_) | Overlay::Vars { edit: None, .. } | Overlay::Milestone { .. },
                Intent::ToggleHelp,
            ) => {
                let from = self.scope();
                let under = std::mem::replace(&mut self.screen.overlay, Overlay::None);
                self.screen.overlay = Overlay::Help { scroll: 0, from, under: Some(Box::new(under)) };
            }
            (Overlay::Confirm(_), action) => self.confirm_key(action),
            (Overlay::QuitConfirm, Intent::Confirm) => self.quit_now(Exit::Quit),
            (Overlay::QuitConfirm, Intent::Back) => self.screen.overlay = Overlay::None,
            (Overlay::QuitConfirm, _) => {}
            (Overlay::Note { .. }, action) => self.note_key(action),
            (Overlay::Milestone { .. }, action) => self.milestone_key(action),
            (Overlay::Vars { .. }, action) => self.vars_key(action),
            (Overlay::Evidence(_), action) => self.evidence_key(action),
            (Overlay::PathMap(_), action) => self.path_map_key(action),
            // A search being typed over a view: the characters are the query's.
            (Overlay::None, action) if self.screen.search.as_ref().is_some_and(|s| s.editing) => {
                return self.main_action(action);
            }
            (Overlay::None, action) if !self.stack.views.is_empty() => {
                let searching = matches!(action, Intent::SearchStart | Intent::SearchNext | Intent::SearchPrev);
                if !self.view_key(&action) && (searching || matches!(action, Intent::ToggleHelp | Intent::Quit)) {
                    return self.main_action(action);
                }
            }
            (Overlay::None, action) if self.scope() == super::keymap::Scope::Results => {
                return self.result_action(action);
            }
            (Overlay::None, action) => return self.main_action(action),
        }
        None
    }

    pub(crate) fn main_action(&mut self, action: Intent) -> Option<Intent> {
        if let Some(why) = self.refused_in_replay(&action) {
            self.flash = Some(why.into());
            return None;
        }
        match action {
            Intent::Up => self.move_by(-1),
            Intent::Down => self.move_by(1),
            Intent::ScrollLeft => self.scroll_left(),
            Intent::ScrollRight => self.scroll_right(),
            Intent::PageUp => self.page(-1),
            Intent::PageDown => self.page(1),
            Intent::Top => self.jump_to_end(false),
            Intent::Bottom => self.jump_to_end(true),
            Intent::NextPane => self.screen.focus = self.screen.focus.next(),
            Intent::PrevPane => self.screen.focus = self.screen.focus.prev(),
            Intent::Run => self.run_selected(),
            Intent::Back => {
                if self.screen.search.is_some() {
                    self.screen.search = None;
                    self.search_cleared();
                } else {
                    self.screen.focus = Pane::Steps;
                }
            }
            Intent::Toggle => {
                let item = self.screen.option_cursor;
                self.toggle_item(item);
            }
            Intent::Pick(n) => self.pick(n),
            Intent::CancelCommand => self.cancel_selected(),
            Intent::Quit => {
                if self.is_busy() {
                    self.screen.overlay = Overlay::QuitConfirm;
                } else {
                    self.quit_now(Exit::Quit);
                }
            }
            Intent::ToggleHelp => self.screen.overlay = Overlay::Help { scroll: 0, from: self.scope(), under: None },
            Intent::SearchStart => self.start_search(),
            Intent::SearchChar(c) => {
                if let Some(s) = &mut self.screen.search {
                    s.query.push(c);
                }
                self.search_typed();
            }
            Intent::SearchPaste(text) => {
                if let Some(s) = &mut self.screen.search {
                    s.query.push_str(text.lines().next().unwrap_or(""));
                }
                self.search_typed();
            }
            Intent::SearchBackspace => {
                if let Some(s) = &mut self.screen.search {
                    s.query.pop();
                }
                self.search_typed();
            }
            Intent::SearchSubmit => {
                if let Some(s) = &mut self.screen.search {
                    s.editing = false;
                    s.current = None;
                }
                if self.screen.search.as_ref().is_some_and(|s| s.query.is_empty()) {
                    self.screen.search = None;
                    self.search_cleared();
                } else {
                    return Some(Intent::SearchNext);
                }
            }
            Intent::ShowInfo => self.stack.views.push(super::views::View::Info { scroll: 0 }),
            Intent::CopyLocation => self.copy_focused(),
            Intent::CopyOutput => self.copy_output(),
            Intent::SearchNext => self.search_step(true),
            Intent::NoteStart => self.open_note(),
            Intent::MapPathStart => self.open_path_map(None),
            Intent::VarsStart => self.open_vars(),
            Intent::MilestoneStart => self.open_milestones(),
            Intent::Replay(key) => self.scrub(key),
            Intent::Sim(super::action::SimKey::Open) => self.open_default_sim(),
            Intent::SearchPrev => self.search_step(false),
            _ => {}
        }
        None
    }

    /// Closes the screen, cancelling what runs (the loop waits for it). A signal's exit sticks: a key pressed
    /// after SIGTERM does not turn it into a normal quit.
    fn quit_now(&mut self, exit: Exit) {
        self.screen.overlay = Overlay::None;
        if self.is_busy() {
            self.jobs.push(Job::CancelAll);
        }
        if self.exit != Some(Exit::Signal) {
            self.exit = Some(exit);
        }
    }
}
