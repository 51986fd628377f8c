//! Key bindings as data: one table maps keys to actions per context, and the same table generates the `?` help
//! overlay, the status bar hints and the README's key table (a test keeps the README true). Adding a key means
//! adding a row here; nothing else lists keys.

use super::action::Action;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Where keys are read: the main screen or one of the things drawn over it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Main,
    Help,
    Confirm,
    QuitConfirm,
    Search,
}

impl Scope {
    pub fn title(self) -> &'static str {
        match self {
            Scope::Main => "Main screen",
            Scope::Help => "This help",
            Scope::Confirm => "Before a command runs",
            Scope::QuitConfirm => "Quit while something runs",
            Scope::Search => "Typing a search",
        }
    }
}

/// When a binding is worth showing in the status bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Always,
    /// The selected step has something to run or do.
    CanRun,
    /// A command or probe is running.
    Running,
    /// The selected step has output to scroll or search.
    HasOutput,
    /// A search is active.
    Searching,
    Choose,
    Checklist,
    /// Only in the help overlay, never in the status bar.
    HelpOnly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPattern {
    Key(KeyCode),
    Ctrl(char),
    /// '1'..='9': `Action::Pick(n - 1)`.
    Digit,
    /// Any printable character: `Action::SearchChar`.
    AnyChar,
}

pub struct Binding {
    pub scope: Scope,
    pub keys: &'static [KeyPattern],
    /// How the keys are written in the help and the status bar.
    pub label: &'static str,
    pub action: Action,
    /// A word or two for the status bar.
    pub short: &'static str,
    pub help: &'static str,
    pub when: When,
}

use KeyPattern::{Ctrl, Digit, Key};

const fn c(ch: char) -> KeyPattern {
    Key(KeyCode::Char(ch))
}

macro_rules! bind {
    ($scope:ident, [$($key:expr),*], $label:expr, $action:expr, $short:expr, $help:expr, $when:ident) => {
        Binding {
            scope: Scope::$scope,
            keys: &[$($key),*],
            label: $label,
            action: $action,
            short: $short,
            help: $help,
            when: When::$when,
        }
    };
}

pub static BINDINGS: &[Binding] = &[
    bind!(
        Main,
        [Key(KeyCode::Up), c('k')],
        "↑/k",
        Action::Up,
        "up",
        "previous step, or scroll the focused pane up",
        HelpOnly
    ),
    bind!(
        Main,
        [Key(KeyCode::Down), c('j')],
        "↓/j",
        Action::Down,
        "down",
        "next step, or scroll the focused pane down",
        HelpOnly
    ),
    bind!(
        Main,
        [Key(KeyCode::Enter), c('r')],
        "Enter/r",
        Action::Run,
        "run",
        "run the selected step (shows the command first)",
        CanRun
    ),
    bind!(Main, [Digit], "1-9", Action::Pick(0), "choose", "pick option N, or toggle checklist item N", Choose),
    bind!(Main, [c(' ')], "Space", Action::Toggle, "toggle", "toggle the highlighted checklist item", Checklist),
    bind!(Main, [c('c')], "c", Action::CancelCommand, "cancel", "cancel the running command", Running),
    bind!(Main, [Key(KeyCode::Tab)], "Tab", Action::NextPane, "pane", "next pane (steps, text, action)", Always),
    bind!(Main, [Key(KeyCode::BackTab)], "S-Tab", Action::PrevPane, "pane", "previous pane", HelpOnly),
    bind!(Main, [c('/')], "/", Action::SearchStart, "search", "search the output", HasOutput),
    bind!(Main, [c('n')], "n", Action::SearchNext, "next", "next match", Searching),
    bind!(Main, [c('N')], "N", Action::SearchPrev, "prev", "previous match", Searching),
    bind!(Main, [Key(KeyCode::PageUp)], "PgUp", Action::PageUp, "page", "scroll the focused pane a page up", HelpOnly),
    bind!(
        Main,
        [Key(KeyCode::PageDown)],
        "PgDn",
        Action::PageDown,
        "page",
        "scroll the focused pane a page down",
        HelpOnly
    ),
    bind!(Main, [c('g'), Key(KeyCode::Home)], "g/Home", Action::Top, "top", "go to the top", HelpOnly),
    bind!(
        Main,
        [c('G'), Key(KeyCode::End)],
        "G/End",
        Action::Bottom,
        "end",
        "go to the end (output follows again)",
        HelpOnly
    ),
    bind!(
        Main,
        [Key(KeyCode::Esc)],
        "Esc",
        Action::Back,
        "back",
        "back: clear the search, return to the step list",
        HelpOnly
    ),
    bind!(Main, [c('?')], "?", Action::ToggleHelp, "help", "show all keys", Always),
    bind!(Main, [c('q'), Ctrl('c')], "q", Action::Quit, "quit", "quit (asks first while something runs)", Always),
    bind!(
        Confirm,
        [Key(KeyCode::Enter), c('y')],
        "Enter",
        Action::Confirm,
        "run it",
        "run the command as shown",
        Always
    ),
    bind!(Confirm, [Key(KeyCode::Esc), c('n'), c('q')], "Esc", Action::Back, "cancel", "do not run it", Always),
    bind!(
        QuitConfirm,
        [c('y'), Key(KeyCode::Enter)],
        "y/Enter",
        Action::Confirm,
        "quit",
        "cancel what runs and quit",
        Always
    ),
    bind!(QuitConfirm, [c('n'), Key(KeyCode::Esc)], "n/Esc", Action::Back, "stay", "stay", Always),
    bind!(Search, [Key(KeyCode::Enter)], "Enter", Action::SearchSubmit, "find", "find the text", Always),
    bind!(Search, [Key(KeyCode::Esc)], "Esc", Action::Back, "cancel", "stop searching", Always),
    bind!(
        Search,
        [Key(KeyCode::Backspace)],
        "Backspace",
        Action::SearchBackspace,
        "delete",
        "delete a character",
        HelpOnly
    ),
    bind!(
        Search,
        [KeyPattern::AnyChar],
        "text",
        Action::SearchChar(' '),
        "type",
        "what to find (case-insensitive)",
        HelpOnly
    ),
    bind!(Help, [c('?'), Key(KeyCode::Esc), c('q')], "?/Esc", Action::ToggleHelp, "close", "close the help", Always),
    bind!(Help, [Key(KeyCode::Up), c('k')], "↑/k", Action::Up, "up", "scroll up", HelpOnly),
    bind!(Help, [Key(KeyCode::Down), c('j')], "↓/j", Action::Down, "down", "scroll down", HelpOnly),
];

/// The mouse wheel is not a key, but users look for it in the same table.
pub const WHEEL_HELP: (&str, &str) = ("wheel", "scroll the pane under the mouse");

/// The action a key press means in `scope`, if any.
pub fn action_for(scope: Scope, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    BINDINGS.iter().filter(|b| b.scope == scope).find_map(|b| {
        b.keys.iter().find_map(|pattern| match (pattern, key.code) {
            (Digit, KeyCode::Char(ch @ '1'..='9')) if plain(key.modifiers) => {
                Some(Action::Pick(ch as usize - '1' as usize))
            }
            (KeyPattern::AnyChar, KeyCode::Char(ch)) if plain(key.modifiers) => Some(Action::SearchChar(ch)),
            (Ctrl(want), KeyCode::Char(ch)) if key.modifiers.contains(KeyModifiers::CONTROL) && ch == *want => {
                Some(b.action.clone())
            }
            (Key(KeyCode::Char(want)), KeyCode::Char(ch)) if ch == *want && plain(key.modifiers) => {
                Some(b.action.clone())
            }
            (Key(want), code) if !matches!(want, KeyCode::Char(_)) && *want == code && no_ctrl(key.modifiers) => {
                Some(b.action.clone())
            }
            _ => None,
        })
    })
}

/// Shift is part of the character (`G`, `?`), so only Ctrl and Alt make a key something else.
fn plain(mods: KeyModifiers) -> bool {
    !mods.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

fn no_ctrl(mods: KeyModifiers) -> bool {
    !mods.contains(KeyModifiers::CONTROL)
}

/// The bindings of one scope, in table order.
pub fn bindings(scope: Scope) -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().filter(move |b| b.scope == scope)
}

/// The key table as Markdown (README "The screen").
pub fn markdown_table() -> String {
    let mut out = String::from("| where | keys | what |\n|---|---|---|\n");
    for scope in [Scope::Main, Scope::Confirm, Scope::QuitConfirm, Scope::Search, Scope::Help] {
        for b in bindings(scope) {
            out.push_str(&format!("| {} | `{}` | {} |\n", scope.title(), b.label, b.help));
        }
        if scope == Scope::Main {
            out.push_str(&format!("| {} | {} | {} |\n", scope.title(), WHEEL_HELP.0, WHEEL_HELP.1));
        }
    }
    out
}
