//! Every change to the UI's state is one `Action`, applied by `update`: keys (through the keymap), mouse, resize,
//! the clock tick, and what background work reports. Keeping them in one enum makes the UI testable without a
//! terminal (feed actions, read state) and leaves one place where state changes.

use super::highlight::Checkpoint;
use super::source::file::SourceFile;
use crate::engine::{Input, ProcessEnd, Stream};
use crate::locate::BlameLine;
use crate::probes::commit::CommitDetails;
use crate::probes::output::ProbeOutput;
use std::path::PathBuf;
use std::sync::Arc;

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
    /// Enter on a result item: open its source line or the GC chart.
    Open,
    /// `b` in the source view: the commit of the cursor line, in full.
    ShowCommit,
    /// `e` in the source view: `$EDITOR +LINE FILE`.
    OpenEditor,
    /// `y` in the source view: `file:line` to the clipboard.
    CopyLocation,
    /// Push a source view of `file` at a 1-based `line`.
    OpenSource {
        file: PathBuf,
        line: usize,
    },
    /// A probe's typed result, sent just before its `ProbeDone`.
    ProbeResult {
        step: String,
        output: Arc<ProbeOutput>,
    },
    SourceLoaded {
        path: PathBuf,
        result: Result<Arc<SourceFile>, String>,
    },
    CheckpointsReady {
        path: PathBuf,
        checkpoints: Arc<Vec<Checkpoint>>,
    },
    BlameLoaded {
        path: PathBuf,
        result: Result<Arc<Vec<BlameLine>>, String>,
    },
    CommitLoaded {
        commit: String,
        result: Result<CommitDetails, String>,
    },
    /// The editor exited and the terminal is ours again.
    EditorClosed {
        path: PathBuf,
        result: Result<(), String>,
    },
    /// A line of news for the status bar from outside `update` (the clipboard).
    Notice(String),
    /// A view job ended without its answer (it panicked); says why in the status bar.
    ViewJobFailed(String),
    /// `n`: open the one-line note input for the selected step.
    NoteStart,
    /// A character typed into a one-line input (a note, a var's value).
    TextChar(char),
    TextBackspace,
    /// Ctrl-U: clear a one-line input.
    TextClear,
    /// Pasted text while typing into a one-line input (first line only).
    TextPaste(String),
    /// `v`: show the runbook's vars, to read or set them.
    VarsStart,
    /// `M` in the source view: mark the line as the one to blame (sets the vars `mark_file` and `mark_line`).
    MarkLine,
    /// `h`/`l`: scroll the output sideways (long lines).
    ScrollLeft,
    ScrollRight,
    /// `m`: open the chooser of milestones to set by hand.
    MilestoneStart,
    /// A time scrubber key of a replay.
    Replay(super::replay::Scrub),
    /// A simulator key (and `S`, which opens the simulator on the bundled reproduction).
    Sim(super::sim::SimKey),
    /// Push a simulator view of this spec and run it.
    OpenSim(Box<super::sim::SimSpec>),
    /// Push the crash-rate chart of these programs (`runs` seeds each from `seed`).
    OpenRates {
        programs: Vec<crate::probes::output::SimSource>,
        go: crate::sim::GoVersion,
        seed: u64,
        runs: u64,
    },
    /// A simulator run finished (in the background).
    SimLoaded {
        generation: u64,
        result: Result<Arc<super::sim::SimRun>, String>,
    },
    /// One program's runs for the crash-rate chart finished.
    RateDone {
        generation: u64,
        index: usize,
        result: Result<crate::sim::Summary, String>,
    },
}

impl Action {
    /// Reports from background work and the loop, as opposed to what the user did.
    pub fn is_message(&self) -> bool {
        matches!(
            self,
            Action::Tick(_)
                | Action::Resize { .. }
                | Action::Lines { .. }
                | Action::Exited { .. }
                | Action::ProbeDone(_)
                | Action::Terminate
                | Action::ProbeResult { .. }
                | Action::SourceLoaded { .. }
                | Action::CheckpointsReady { .. }
                | Action::BlameLoaded { .. }
                | Action::CommitLoaded { .. }
                | Action::EditorClosed { .. }
                | Action::Notice(_)
                | Action::ViewJobFailed(_)
                | Action::SimLoaded { .. }
                | Action::RateDone { .. }
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutputLine {
    pub stream: Stream,
    pub line: String,
    pub raw: Option<Vec<u8>>,
}
