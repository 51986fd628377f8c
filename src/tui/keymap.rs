//! Key bindings as data: one table maps keys to actions per context, and the same table generates the `?` help
//! overlay, the status bar hints and the README's key table (a test keeps the README true). Adding a key means
//! adding a row here; nothing else lists keys.

use super::action::{Intent, Scrub, SimKey};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Where keys are read: the main screen or one of the things drawn over it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Main,
    Help,
    Confirm,
    QuitConfirm,
    Search,
    /// The action pane has the focus and shows a probe's result (triage, matches, blame).
    Results,
    /// The full-screen source view.
    Source,
    /// A commit, the GC chart or the crash-rate chart, full screen.
    Detail,
    /// The simulator view.
    Sim,
    /// Typing a note (`n`).
    Note,
    /// Choosing a milestone to set by hand (`m`).
    Milestone,
    /// The runbook's vars (`v`).
    Vars,
    /// Typing a var's new value.
    VarEdit,
    /// Giving the incident's evidence (an `evidence` step without `--log`).
    Evidence,
    /// Typing a path rewrite `FROM=TO` (`p`).
    PathMap,
}

impl Scope {
    pub fn title(self) -> &'static str {
        match self {
            Scope::Main => "Main screen",
            Scope::Help => "This help",
            Scope::Confirm => "Before a command runs",
            Scope::QuitConfirm => "Quit while something runs",
            Scope::Search => "Typing a search",
            Scope::Results => "A result list",
            Scope::Source => "Source view",
            Scope::Detail => "Commit, GC chart, crash rates, about the runbook",
            Scope::Sim => "Simulator",
            Scope::Note => "Typing a note",
            Scope::Milestone => "Choosing a milestone",
            Scope::Vars => "The runbook's vars",
            Scope::VarEdit => "Typing a var's value",
            Scope::Evidence => "Giving the evidence",
            Scope::PathMap => "Correcting a path mapping",
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
    /// The selected step's result has items to open.
    HasResult,
    /// Only in the help overlay, never in the status bar.
    HelpOnly,
    /// A live session (not a replay) and no search active: notes and milestones.
    CanNote,
    /// A replay (`runbook replay JOURNAL`): the time scrubber.
    Replay,
    /// A live session or a drill, not a replay: keys that edit or write.
    Live,
    /// The "Run this?" dialog hides part of the command (Enter shows more), or shows its end (Enter runs it).
    CommandHidden,
    CommandShown,
    /// The commit view is on top (its `a`).
    CommitView,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPattern {
    Key(KeyCode),
    Ctrl(char),
    /// '1'..='9': `Intent::Pick(n - 1)`.
    Digit,
    /// Any printable character: `Intent::SearchChar`.
    AnyChar,
}

pub struct Binding {
    pub scope: Scope,
    pub keys: &'static [KeyPattern],
    /// How the keys are written in the help and the status bar.
    pub label: &'static str,
    pub action: Intent,
    /// A word or two for the status bar.
    pub short: &'static str,
    pub help: &'static str,
    pub when: When,
}

use KeyPattern::{Ctrl, Digit, Key};

const fn c(ch: char) -> KeyPattern {
    Key(KeyCode::Char(ch))
}

/// A replay's scrubber key.
const fn r(key: Scrub) -> Intent {
    Intent::Replay(key)
}

/// A simulator key.
const fn s(key: SimKey) -> Intent {
    Intent::Sim(key)
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
        Intent::Up,
        "up",
        "previous step, or scroll the focused pane up",
        HelpOnly
    ),
    bind!(
        Main,
        [Key(KeyCode::Down), c('j')],
        "↓/j",
        Intent::Down,
        "down",
        "next step, or scroll the focused pane down",
        HelpOnly
    ),
    bind!(
        Main,
        [Key(KeyCode::Enter), c('r')],
        "Enter/r",
        Intent::Run,
        "run",
        "run the selected step (shows the command first)",
        CanRun
    ),
    bind!(Main, [Digit], "1-9", Intent::Pick(0), "choose", "pick option N, or toggle checklist item N", Choose),
    bind!(Main, [c(' ')], "Space", Intent::Toggle, "toggle", "toggle the highlighted checklist item", Checklist),
    bind!(Main, [c('c')], "c", Intent::CancelCommand, "cancel", "cancel the running command", Running),
    bind!(Main, [Key(KeyCode::Tab)], "Tab", Intent::NextPane, "pane", "next pane (steps, text, action)", Always),
    bind!(Main, [Key(KeyCode::BackTab)], "S-Tab", Intent::PrevPane, "pane", "previous pane", HelpOnly),
    bind!(
        Main,
        [c('/')],
        "/",
        Intent::SearchStart,
        "search",
        "search the output, else the steps' text (the text pane focused: the text)",
        HasOutput
    ),
    bind!(Main, [c('n')], "n", Intent::SearchNext, "next", "next match (while searching)", Searching),
    bind!(Main, [c('N')], "N", Intent::SearchPrev, "prev", "previous match", Searching),
    bind!(Main, [Key(KeyCode::PageUp)], "PgUp", Intent::PageUp, "page", "scroll the focused pane a page up", HelpOnly),
    bind!(
        Main,
        [Key(KeyCode::PageDown)],
        "PgDn",
        Intent::PageDown,
        "page",
        "scroll the focused pane a page down",
        HelpOnly
    ),
    bind!(Main, [c('g'), Key(KeyCode::Home)], "g/Home", Intent::Top, "top", "go to the top", HelpOnly),
    bind!(
        Main,
        [c('G'), Key(KeyCode::End)],
        "G/End",
        Intent::Bottom,
        "end",
        "go to the end (output follows again)",
        HelpOnly
    ),
    bind!(
        Main,
        [Key(KeyCode::Esc)],
        "Esc",
        Intent::Back,
        "back",
        "back: clear the search, return to the step list",
        HelpOnly
    ),
    bind!(Main, [c('?')], "?", Intent::ToggleHelp, "help", "show all keys", Always),
    bind!(Main, [c('q'), Ctrl('c')], "q", Intent::Quit, "quit", "quit (asks first while something runs)", Always),
    bind!(Main, [c('n')], "n", Intent::NoteStart, "note", "add a note to the selected step (journal)", CanNote),
    bind!(Main, [c('m')], "m", Intent::MilestoneStart, "milestone", "set a milestone by hand (journal)", CanNote),
    bind!(
        Main,
        [c('p')],
        "p",
        Intent::MapPathStart,
        "map path",
        "correct how the evidence's paths map to the repository (FROM=TO, journaled)",
        HelpOnly
    ),
    bind!(
        Main,
        [c('y')],
        "y",
        Intent::CopyLocation,
        "copy",
        "copy the focused thing (OSC 52): the step's command, or the output line (the match, else the last shown)",
        HelpOnly
    ),
    bind!(Main, [c('Y')], "Y", Intent::CopyOutput, "copy all", "copy the step's whole output (OSC 52)", HelpOnly),
    bind!(Main, [c('i')], "i", Intent::ShowInfo, "about", "about this runbook: its summary and phases", HelpOnly),
    bind!(Main, [c('v')], "v", Intent::VarsStart, "vars", "show the runbook's vars and set them (journal)", HelpOnly),
    bind!(Main, [c('.'), Key(KeyCode::Right)], "./→", r(Scrub::Next), "next", "replay: next event", Replay),
    bind!(Main, [c(','), Key(KeyCode::Left)], ",/←", r(Scrub::Prev), "prev", "replay: previous event", Replay),
    bind!(Main, [c(']')], "]", r(Scrub::NextMilestone), "milestone", "replay: next milestone (or the end)", Replay),
    bind!(Main, [c('[')], "[", r(Scrub::PrevMilestone), "back", "replay: previous milestone (or the start)", HelpOnly),
    bind!(Main, [c(' ')], "Space", r(Scrub::Play), "play", "replay: play or pause", Replay),
    bind!(Main, [c('+'), c('=')], "+", r(Scrub::Faster), "faster", "replay: play faster (up to 128×)", HelpOnly),
    bind!(Main, [c('-')], "-", r(Scrub::Slower), "slower", "replay: play slower (down to 1×)", HelpOnly),
    // After the replay's rows: outside a replay the arrows scroll sideways.
    bind!(
        Main,
        [c('h'), Key(KeyCode::Left)],
        "h/←",
        Intent::ScrollLeft,
        "left",
        "scroll the output left (long lines)",
        HelpOnly
    ),
    bind!(
        Main,
        [c('l'), Key(KeyCode::Right)],
        "l/→",
        Intent::ScrollRight,
        "right",
        "scroll the output right (long lines)",
        HelpOnly
    ),
    bind!(Main, [c('S')], "S", s(SimKey::Open), "simulator", "the map-race simulator on `repro`", HelpOnly),
    bind!(
        PathMap,
        [Key(KeyCode::Enter)],
        "Enter",
        Intent::Confirm,
        "apply",
        "apply the rewrite to every frame and the evidence (journaled)",
        Always
    ),
    bind!(PathMap, [Key(KeyCode::Esc)], "Esc", Intent::Back, "cancel", "keep the mapping as it is", Always),
    bind!(PathMap, [Key(KeyCode::Backspace)], "Backspace", Intent::TextBackspace, "delete", "delete a char", HelpOnly),
    bind!(PathMap, [Ctrl('u')], "C-u", Intent::TextClear, "clear", "clear the rewrite", HelpOnly),
    bind!(
        PathMap,
        [KeyPattern::AnyChar],
        "text",
        Intent::TextChar(' '),
        "type",
        "the rewrite: the build's prefix = the repository's (empty for its root)",
        HelpOnly
    ),
    bind!(Note, [Key(KeyCode::Enter)], "Enter", Intent::Confirm, "save", "save the note to the journal", Always),
    bind!(Note, [Key(KeyCode::Esc)], "Esc", Intent::Back, "cancel", "discard the note", Always),
    bind!(Note, [Key(KeyCode::Backspace)], "Backspace", Intent::TextBackspace, "delete", "delete a char", HelpOnly),
    bind!(Note, [Ctrl('u')], "C-u", Intent::TextClear, "clear", "clear the note", HelpOnly),
    bind!(Note, [KeyPattern::AnyChar], "text", Intent::TextChar(' '), "type", "the note (one line)", HelpOnly),
    bind!(Vars, [Key(KeyCode::Up), c('k')], "↑/k", Intent::Up, "up", "previous var", HelpOnly),
    bind!(Vars, [Key(KeyCode::Down), c('j')], "↓/j", Intent::Down, "down", "next var", HelpOnly),
    bind!(Vars, [Key(KeyCode::Enter)], "Enter", Intent::Confirm, "edit", "type a new value for the var", Always),
    bind!(Vars, [Key(KeyCode::Esc), c('q')], "Esc", Intent::Back, "close", "close the vars", Always),
    bind!(Vars, [c('?')], "?", Intent::ToggleHelp, "help", "keys (these first)", HelpOnly),
    bind!(
        VarEdit,
        [Key(KeyCode::Enter)],
        "Enter",
        Intent::Confirm,
        "set",
        "set the var (later commands use it)",
        Always
    ),
    bind!(VarEdit, [Key(KeyCode::Esc)], "Esc", Intent::Back, "cancel", "keep the old value", Always),
    bind!(VarEdit, [Key(KeyCode::Backspace)], "Backspace", Intent::TextBackspace, "delete", "delete a char", HelpOnly),
    bind!(VarEdit, [Ctrl('u')], "C-u", Intent::TextClear, "clear", "clear the value", HelpOnly),
    bind!(VarEdit, [KeyPattern::AnyChar], "text", Intent::TextChar(' '), "type", "the value (one line)", HelpOnly),
    bind!(
        Evidence,
        [Key(KeyCode::Enter)],
        "Enter",
        Intent::Confirm,
        "load",
        "load the pasted log or the path; a command: show it, then run it",
        Always
    ),
    bind!(Evidence, [Key(KeyCode::Tab)], "Tab", Intent::NextPane, "way", "paste, path or command", Always),
    bind!(
        Evidence,
        [Key(KeyCode::Esc)],
        "Esc",
        Intent::Back,
        "skip",
        "go on without evidence (the step is skipped)",
        Always
    ),
    bind!(
        Evidence,
        [Key(KeyCode::Backspace)],
        "Backspace",
        Intent::TextBackspace,
        "delete",
        "delete a char (paste: drop it)",
        HelpOnly
    ),
    bind!(Evidence, [Ctrl('u')], "C-u", Intent::TextClear, "clear", "clear the path, command or paste", HelpOnly),
    bind!(Evidence, [KeyPattern::AnyChar], "text", Intent::TextChar(' '), "type", "the path or the command", HelpOnly),
    bind!(Milestone, [Key(KeyCode::Up), c('k')], "↑/k", Intent::Up, "up", "previous milestone", HelpOnly),
    bind!(Milestone, [Key(KeyCode::Down), c('j')], "↓/j", Intent::Down, "down", "next milestone", HelpOnly),
    bind!(Milestone, [Digit], "1-4", Intent::Pick(0), "choose", "reproduced, located, fixed, verified", Always),
    bind!(Milestone, [Key(KeyCode::Enter)], "Enter", Intent::Confirm, "set", "set the highlighted milestone", Always),
    bind!(Milestone, [Key(KeyCode::Esc)], "Esc", Intent::Back, "cancel", "set nothing", Always),
    bind!(Milestone, [c('?')], "?", Intent::ToggleHelp, "help", "keys (these first)", HelpOnly),
    bind!(
        Confirm,
        [Key(KeyCode::Enter)],
        "Enter",
        Intent::Confirm,
        "show the rest",
        "while part of the command is hidden: show the next page of it",
        CommandHidden
    ),
    bind!(
        Confirm,
        [Key(KeyCode::Enter)],
        "Enter",
        Intent::Confirm,
        "run it",
        "run the command as shown, once its end is on screen (only Enter runs it)",
        CommandShown
    ),
    bind!(Confirm, [Key(KeyCode::Down), c('j')], "↓/j", Intent::Down, "down", "scroll the command down", HelpOnly),
    bind!(Confirm, [Key(KeyCode::Up), c('k')], "↑/k", Intent::Up, "up", "scroll the command up", HelpOnly),
    bind!(Confirm, [Key(KeyCode::PageDown)], "PgDn", Intent::PageDown, "page", "a page down", HelpOnly),
    bind!(Confirm, [Key(KeyCode::PageUp)], "PgUp", Intent::PageUp, "page", "a page up", HelpOnly),
    bind!(Confirm, [c('g'), Key(KeyCode::Home)], "g/Home", Intent::Top, "top", "the command's start", HelpOnly),
    bind!(Confirm, [c('G'), Key(KeyCode::End)], "G/End", Intent::Bottom, "end", "the command's end", HelpOnly),
    bind!(
        Confirm,
        [c('s')],
        "s",
        Intent::Toggle,
        "script",
        "the exact script that runs (values as RB_* variables), or back to the command as it reads",
        HelpOnly
    ),
    bind!(Confirm, [Key(KeyCode::Esc), c('n'), c('q')], "Esc", Intent::Back, "cancel", "do not run it", Always),
    bind!(Confirm, [c('?')], "?", Intent::ToggleHelp, "help", "keys (this dialog's first)", HelpOnly),
    bind!(
        QuitConfirm,
        [c('y'), Key(KeyCode::Enter)],
        "y/Enter",
        Intent::Confirm,
        "quit",
        "cancel what runs and quit",
        Always
    ),
    bind!(QuitConfirm, [c('n'), Key(KeyCode::Esc)], "n/Esc", Intent::Back, "stay", "stay", Always),
    bind!(Search, [Key(KeyCode::Enter)], "Enter", Intent::SearchSubmit, "find", "find the text", Always),
    bind!(Search, [Key(KeyCode::Esc)], "Esc", Intent::Back, "cancel", "stop searching", Always),
    bind!(
        Search,
        [Key(KeyCode::Backspace)],
        "Backspace",
        Intent::SearchBackspace,
        "delete",
        "delete a character",
        HelpOnly
    ),
    bind!(
        Search,
        [KeyPattern::AnyChar],
        "text",
        Intent::SearchChar(' '),
        "type",
        "what to find (case-insensitive)",
        HelpOnly
    ),
    bind!(Help, [c('?'), Key(KeyCode::Esc), c('q')], "?/Esc", Intent::ToggleHelp, "close", "close the help", Always),
    bind!(Help, [Key(KeyCode::Up), c('k')], "↑/k", Intent::Up, "up", "scroll up", HelpOnly),
    bind!(Help, [Key(KeyCode::Down), c('j')], "↓/j", Intent::Down, "down", "scroll down", HelpOnly),
    bind!(
        Results,
        [Key(KeyCode::Up), c('k')],
        "↑/k",
        Intent::Up,
        "up",
        "previous item (frame, site, match, line)",
        HelpOnly
    ),
    bind!(Results, [Key(KeyCode::Down), c('j')], "↓/j", Intent::Down, "down", "next item", HelpOnly),
    bind!(
        Results,
        [Key(KeyCode::Enter)],
        "Enter",
        Intent::Open,
        "open",
        "open the item: its source line, or the GC chart",
        HasResult
    ),
    bind!(Results, [c('r')], "r", Intent::Run, "rerun", "run the step again", CanRun),
    bind!(Results, [c('/')], "/", Intent::SearchStart, "filter", "filter the list as you type (Esc: all rows)", Always),
    bind!(
        Results,
        [c('p')],
        "p",
        Intent::MapPathStart,
        "map path",
        "correct how the selected frame's path maps to the repository (FROM=TO)",
        HelpOnly
    ),
    bind!(Results, [c('h'), Key(KeyCode::Left)], "h/←", Intent::ScrollLeft, "left", "scroll the list left", HelpOnly),
    bind!(
        Results,
        [c('l'), Key(KeyCode::Right)],
        "l/→",
        Intent::ScrollRight,
        "right",
        "scroll the list right (long paths and names)",
        HelpOnly
    ),
    bind!(
        Results,
        [c('y')],
        "y",
        Intent::CopyLocation,
        "copy",
        "copy the item: a frame's file:line, a blamed line's commit id (OSC 52)",
        HelpOnly
    ),
    bind!(Results, [c('Y')], "Y", Intent::CopyOutput, "copy all", "copy the step's whole output (OSC 52)", HelpOnly),
    bind!(Results, [Key(KeyCode::PageUp)], "PgUp", Intent::PageUp, "page", "a page up", HelpOnly),
    bind!(Results, [Key(KeyCode::PageDown)], "PgDn", Intent::PageDown, "page", "a page down", HelpOnly),
    bind!(Results, [c('g'), Key(KeyCode::Home)], "g/Home", Intent::Top, "top", "first item", HelpOnly),
    bind!(Results, [c('G'), Key(KeyCode::End)], "G/End", Intent::Bottom, "end", "last item", HelpOnly),
    bind!(Results, [Key(KeyCode::Tab)], "Tab", Intent::NextPane, "pane", "next pane", Always),
    bind!(Results, [Key(KeyCode::BackTab)], "S-Tab", Intent::PrevPane, "pane", "previous pane", HelpOnly),
    bind!(Results, [Key(KeyCode::Esc)], "Esc", Intent::Back, "back", "back to the step list", HelpOnly),
    bind!(Results, [c('?')], "?", Intent::ToggleHelp, "help", "show all keys", Always),
    bind!(Results, [c('q'), Ctrl('c')], "q", Intent::Quit, "quit", "quit (asks first while something runs)", Always),
    bind!(Source, [Key(KeyCode::Up), c('k')], "↑/k", Intent::Up, "up", "previous line", HelpOnly),
    bind!(Source, [Key(KeyCode::Down), c('j')], "↓/j", Intent::Down, "down", "next line", HelpOnly),
    bind!(Source, [Key(KeyCode::PageUp)], "PgUp", Intent::PageUp, "page", "a page up", HelpOnly),
    bind!(Source, [Key(KeyCode::PageDown)], "PgDn", Intent::PageDown, "page", "a page down", HelpOnly),
    bind!(Source, [c('h'), Key(KeyCode::Left)], "h/←", Intent::ScrollLeft, "left", "scroll the code left", HelpOnly),
    bind!(
        Source,
        [c('l'), Key(KeyCode::Right)],
        "l/→",
        Intent::ScrollRight,
        "right",
        "scroll the code right",
        HelpOnly
    ),
    bind!(Source, [c('/')], "/", Intent::SearchStart, "search", "search the file (from the cursor on)", HelpOnly),
    bind!(Source, [c('n')], "n", Intent::SearchNext, "next", "next match", Searching),
    bind!(Source, [c('N')], "N", Intent::SearchPrev, "prev", "previous match", HelpOnly),
    bind!(Source, [c('g'), Key(KeyCode::Home)], "g/Home", Intent::Top, "top", "first line", HelpOnly),
    bind!(Source, [c('G'), Key(KeyCode::End)], "G/End", Intent::Bottom, "end", "last line", HelpOnly),
    bind!(
        Source,
        [c('b')],
        "b",
        Intent::ShowCommit,
        "commit",
        "the commit that last changed the line, in full",
        Always
    ),
    bind!(
        Source,
        [c('M')],
        "M",
        Intent::MarkLine,
        "mark",
        "mark this line as the culprit (vars mark_file, mark_line)",
        Live
    ),
    bind!(
        Source,
        [c('p')],
        "p",
        Intent::MapPathStart,
        "map path",
        "correct how this frame's path maps to the repository (FROM=TO)",
        HelpOnly
    ),
    bind!(
        Source,
        [c('B')],
        "B",
        Intent::ToggleGutter,
        "gutter",
        "hide or show the blame gutter (more room for code)",
        Always
    ),
    bind!(Source, [c('e')], "e", Intent::OpenEditor, "edit", "open $EDITOR at the line (default vi)", Live),
    bind!(Source, [c('y')], "y", Intent::CopyLocation, "copy", "copy file:line to the clipboard (OSC 52)", Always),
    bind!(Source, [Key(KeyCode::Esc), c('q')], "Esc/q", Intent::Back, "back", "close the source view", Always),
    bind!(Source, [c('?')], "?", Intent::ToggleHelp, "help", "show all keys", Always),
    bind!(
        Source,
        [c('F')],
        "F",
        Intent::BlameFunction,
        "blame fn",
        "blame the function around the cursor (as -L :funcname)",
        HelpOnly
    ),
    bind!(
        Source,
        [c('C')],
        "C",
        Intent::ToggleMovesBlame,
        "blame -C",
        "blame -C: moved lines keep their commit; C again: plain",
        HelpOnly
    ),
    bind!(Source, [Ctrl('c')], "C-c", Intent::Quit, "quit", "quit (asks first while something runs)", HelpOnly),
    bind!(Sim, [c(' ')], "Space", s(SimKey::Play), "play", "play or pause the timeline", Always),
    bind!(Sim, [Key(KeyCode::Right), c('l')], "→/l", s(SimKey::Next), "step", "next event (micro-step)", Always),
    bind!(Sim, [Key(KeyCode::Left), c('h')], "←/h", s(SimKey::Prev), "back", "previous event", HelpOnly),
    bind!(Sim, [Key(KeyCode::Home), c('0')], "Home/0", s(SimKey::Start), "start", "first event", HelpOnly),
    bind!(Sim, [c('c'), Key(KeyCode::End)], "c/End", s(SimKey::Crash), "crash", "the crash (or the end)", Always),
    bind!(Sim, [c('s')], "s", s(SimKey::NextSeed), "seed+", "next seed (runs in the background)", Always),
    bind!(Sim, [c('S')], "S", s(SimKey::PrevSeed), "seed-", "previous seed", HelpOnly),
    bind!(Sim, [c('f')], "f", s(SimKey::Fix), "fix", "next fix, same seed: repro → fixed-mutex → … → repro", Always),
    bind!(Sim, [c('v')], "v", s(SimKey::Version), "go", "Go 1.27 (Swiss map) ↔ 1.19 (classic hmap)", Always),
    bind!(Sim, [c('r')], "r", s(SimKey::Rates), "rates", "crash rate per built-in program (chart)", Always),
    bind!(Sim, [c('g')], "g", s(SimKey::Gc), "gc", "the simulate step's gctrace: heap and pauses (chart)", HelpOnly),
    bind!(Sim, [Key(KeyCode::Esc), c('q')], "Esc/q", Intent::Back, "back", "close the simulator", Always),
    bind!(Sim, [c('?')], "?", Intent::ToggleHelp, "help", "show all keys", Always),
    bind!(Sim, [Ctrl('c')], "C-c", Intent::Quit, "quit", "quit (asks first while something runs)", HelpOnly),
    bind!(Detail, [Key(KeyCode::Up), c('k')], "↑/k", Intent::Up, "up", "scroll up", HelpOnly),
    bind!(Detail, [Key(KeyCode::Down), c('j')], "↓/j", Intent::Down, "down", "scroll down", HelpOnly),
    bind!(Detail, [Key(KeyCode::PageUp)], "PgUp", Intent::PageUp, "page", "a page up", HelpOnly),
    bind!(Detail, [Key(KeyCode::PageDown), c(' ')], "PgDn", Intent::PageDown, "page", "a page down", HelpOnly),
    bind!(Detail, [c('g'), Key(KeyCode::Home)], "g/Home", Intent::Top, "top", "the top", HelpOnly),
    bind!(
        Detail,
        [c('a')],
        "a",
        Intent::Toggle,
        "all files",
        "a commit: the diff of every file it changed, or only the blamed file's",
        CommitView
    ),
    bind!(Detail, [c('y')], "y", Intent::CopyLocation, "copy", "copy the commit id (OSC 52)", HelpOnly),
    bind!(Detail, [Key(KeyCode::Esc), c('q')], "Esc/q", Intent::Back, "back", "close it", Always),
    bind!(Detail, [c('?')], "?", Intent::ToggleHelp, "help", "show all keys", Always),
    bind!(Detail, [Ctrl('c')], "C-c", Intent::Quit, "quit", "quit (asks first while something runs)", HelpOnly),
];

/// The mouse wheel is not a key, but users look for it in the same table.
pub const WHEEL_HELP: (&str, &str) = ("wheel", "scroll the pane under the mouse");

/// The action a key press means in `scope`, if any: the first binding of the key in the table.
pub fn action_for(scope: Scope, key: KeyEvent) -> Option<Intent> {
    action_when(scope, key, |_| true)
}

/// The action a key press means in `scope` when `holds` says which conditions hold now: a key bound twice in a
/// scope (`n`: next match while searching, else a note; Space: play in a replay, else toggle) means the first
/// binding whose condition holds, else the first.
pub fn action_when(scope: Scope, key: KeyEvent, holds: impl Fn(When) -> bool) -> Option<Intent> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let mut found =
        BINDINGS.iter().filter(|b| b.scope == scope).filter_map(|b| key_action(b, key).map(|a| (b.when, a)));
    let (when, first) = found.next()?;
    if matches!(when, When::Always | When::HelpOnly) || holds(when) {
        return Some(first);
    }
    Some(found.find(|(w, _)| matches!(w, When::Always | When::HelpOnly) || holds(*w)).map_or(first, |(_, a)| a))
}

fn key_action(b: &Binding, key: KeyEvent) -> Option<Intent> {
    b.keys.iter().find_map(|pattern| match (pattern, key.code) {
        (Digit, KeyCode::Char(ch @ '1'..='9')) if plain(key.modifiers) => {
            Some(Intent::Pick(ch as usize - '1' as usize))
        }
        (KeyPattern::AnyChar, KeyCode::Char(ch)) if plain(key.modifiers) => Some(match b.action {
            Intent::TextChar(_) => Intent::TextChar(ch),
            _ => Intent::SearchChar(ch),
        }),
        (Ctrl(want), KeyCode::Char(ch)) if key.modifiers.contains(KeyModifiers::CONTROL) && ch == *want => {
            Some(b.action.clone())
        }
        (Key(KeyCode::Char(want)), KeyCode::Char(ch)) if ch == *want && plain(key.modifiers) => Some(b.action.clone()),
        (Key(want), code) if !matches!(want, KeyCode::Char(_)) && *want == code && no_ctrl(key.modifiers) => {
            Some(b.action.clone())
        }
        _ => None,
    })
}

/// Shift is part of the character (`G`, `?`), so only Ctrl and Alt make a key something else.
fn plain(mods: KeyModifiers) -> bool {
    !mods.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

fn no_ctrl(mods: KeyModifiers) -> bool {
    !mods.contains(KeyModifiers::CONTROL)
}

/// Every scope, in the order the help and the README list them.
pub const SCOPES: [Scope; 15] = [
    Scope::Main,
    Scope::Results,
    Scope::Source,
    Scope::Sim,
    Scope::Detail,
    Scope::Confirm,
    Scope::QuitConfirm,
    Scope::Search,
    Scope::Note,
    Scope::Milestone,
    Scope::Vars,
    Scope::VarEdit,
    Scope::Evidence,
    Scope::PathMap,
    Scope::Help,
];

/// The bindings of one scope, in table order.
pub fn bindings(scope: Scope) -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().filter(move |b| b.scope == scope)
}

/// A scope's keys as the help lists them: one row per key, so a key bound twice (`n`: the next match while
/// searching, else a note) is listed once with both meanings.
pub fn help_rows(scope: Scope) -> Vec<(&'static str, String)> {
    let mut rows: Vec<(&'static str, String)> = Vec::new();
    for b in bindings(scope) {
        match rows.iter_mut().find(|(label, _)| *label == b.label) {
            Some((_, help)) => {
                help.push_str("; otherwise ");
                help.push_str(b.help);
            }
            None => rows.push((b.label, b.help.to_string())),
        }
    }
    rows
}

/// The key table as Markdown (README "The screen").
pub fn markdown_table() -> String {
    let mut out = String::from("| where | keys | what |\n|---|---|---|\n");
    for scope in SCOPES {
        for b in bindings(scope) {
            out.push_str(&format!("| {} | `{}` | {} |\n", scope.title(), b.label, b.help));
        }
        if scope == Scope::Main {
            out.push_str(&format!("| {} | {} | {} |\n", scope.title(), WHEEL_HELP.0, WHEEL_HELP.1));
        }
    }
    out
}
