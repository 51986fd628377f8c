//! Every change to the UI's state is one `Action`, applied by `update`: keys (through the keymap), mouse, resize,
//! the clock tick, and what background work reports. Keeping them in one enum makes the UI testable without a
//! terminal (feed actions, read state) and leaves one place where state changes.

use crate::engine::{Input, ProcessEnd, Stream};

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    NextPane,
    PrevPane,
    /// Enter or r: open the confirmation for a command, or act on the selected step.
    Run,
    /// Enter inside a dialog: run the command, or quit.
    Confirm,
    /// Esc: close what is open, or step back to the step list.
    Back,
    /// Space: toggle the highlighted checklist item.
    Toggle,
    /// A digit: choose option N or toggle item N (0-based here).
    Pick(usize),
    CancelCommand,
    Quit,
    ToggleHelp,
    SearchStart,
    SearchNext,
    SearchPrev,
    SearchChar(char),
    SearchBackspace,
    /// Pasted text while typing a search (first line only).
    SearchPaste(String),
    /// Enter while typing a search: keep the query and jump to its first match.
    SearchSubmit,
    /// The mouse wheel at a screen position.
    Wheel {
        column: u16,
        row: u16,
        down: bool,
    },
    Resize {
        width: u16,
        height: u16,
    },
    /// Milliseconds since the UI started; drives spinners and elapsed times.
    Tick(u64),
    /// A batch of output lines from a running command.
    Lines {
        step: String,
        lines: Vec<OutputLine>,
    },
    Exited {
        step: String,
        end: ProcessEnd,
        duration_ms: u64,
    },
    /// A probe (parse, grep, blame, simulate) finished; the engine input it produced.
    ProbeDone(Input),
    /// SIGTERM or SIGHUP: stop commands and leave.
    Terminate,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutputLine {
    pub stream: Stream,
    pub line: String,
    pub raw: Option<Vec<u8>>,
}
