//! Every change to the UI's state is one `Action`, applied by `App::apply`: what the user meant (an `Intent`:
//! keys through the keymap, the mouse wheel, and what one intent leads to, such as opening a source line) or what
//! the loop and background work report (a `Message`: the clock, a resize, a command's lines, a view job's
//! answer). Keeping them in one enum makes the UI testable without a terminal (feed actions, read state) and
//! leaves one place where state changes; keeping the two kinds apart in the types means no hand-kept list says
//! which is which (only intents clear the status bar's news; only view answers settle a view job).

use super::highlight::Checkpoint;
use super::sim::{SimRun, SimSpec};
use super::source::file::SourceFile;
use crate::engine::{Input, ProcessEnd, Stream};
use crate::locate::BlameLine;
use crate::probes::commit::CommitDetails;
use crate::probes::output::{ProbeOutput, SimSource};
use crate::sim::{GoVersion, Summary};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Intent(Intent),
    Message(Message),
}

impl From<Intent> for Action {
    fn from(intent: Intent) -> Action {
        Action::Intent(intent)
    }
}

impl From<Message> for Action {
    fn from(message: Message) -> Action {
        Action::Message(message)
    }
}

impl From<ViewAnswer> for Action {
    fn from(answer: ViewAnswer) -> Action {
        Action::Message(Message::View(answer))
    }
}

/// What the user asked for: a key (the keymap's rows hold these), the mouse wheel, or what an intent leads to.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
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
    /// Enter on a result item: open what it leads to (a source line, the GC chart, the simulator, crash rates).
    Open,
    /// `b` in the source view: the commit of the cursor line, in full.
    ShowCommit,
    /// `e` in the source view: `$EDITOR +LINE FILE`.
    OpenEditor,
    /// `y`: the focused thing to the clipboard (the command, an output line, a frame's `file:line`, a commit id).
    CopyLocation,
    /// `Y`: the selected step's whole output to the clipboard.
    CopyOutput,
    /// `i`: about the runbook (title, summary, phases).
    ShowInfo,
    /// Push a source view of `file` at a 1-based `line`.
    OpenSource {
        file: PathBuf,
        line: usize,
    },
    /// `n`: open the one-line note input for the selected step.
    NoteStart,
    /// `p`: open the path rewrite prompt, prefilled with the best guess for the selected frame (or the evidence).
    MapPathStart,
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
    /// `h`/`l` (and the arrows outside a replay): scroll the output, a result list or the source sideways.
    ScrollLeft,
    ScrollRight,
    /// `B` in the source view: hide or show the blame gutter.
    ToggleGutter,
    /// `C` in the source view: blame as `git blame -C` (lines moved or copied keep the commit that wrote them),
    /// or plainly again; for every file, until toggled back.
    ToggleMovesBlame,
    /// `F` in the source view: blame the function around the cursor (git's `-L :funcname` range).
    BlameFunction,
    /// `m`: open the chooser of milestones to set by hand.
    MilestoneStart,
    /// A time scrubber key of a replay.
    Replay(Scrub),
    /// A simulator key (and `S`, which opens the simulator on the bundled reproduction).
    Sim(SimKey),
    /// Push a simulator view of this spec and run it.
    OpenSim(Box<SimSpec>),
    /// Push the crash-rate chart of these programs (`runs` seeds each from `seed`).
    OpenRates {
        programs: Vec<SimSource>,
        go: GoVersion,
        seed: u64,
        runs: u64,
    },
}

/// What the loop and background work report.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// Milliseconds since the UI started; drives spinners and elapsed times.
    Tick(u64),
    Resize {
        width: u16,
        height: u16,
    },
    /// SIGTERM or SIGHUP: stop commands and leave.
    Terminate,
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
    /// A probe's typed result, sent just before its `ProbeDone`.
    ProbeResult {
        step: String,
        output: Arc<ProbeOutput>,
    },
    /// A probe (parse, grep, blame, simulate) finished; the engine input it produced.
    ProbeDone(Input),
    /// The editor exited and the terminal is ours again.
    EditorClosed {
        path: PathBuf,
        result: Result<(), String>,
    },
    /// A line of news for the status bar from outside `update` (the clipboard).
    Notice(String),
    /// A view job's answer (`jobs::perform`): every view job sends exactly one.
    View(ViewAnswer),
}

/// How a view job (`jobs::ViewJob`) went.
#[derive(Debug, Clone, PartialEq)]
pub enum ViewAnswer {
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
        /// Blamed with `-C` (an answer from before a `C` toggle is dropped).
        moves: bool,
        result: Result<Arc<Vec<BlameLine>>, String>,
    },
    CommitLoaded {
        commit: String,
        result: Result<CommitDetails, String>,
    },
    /// `F`: the function around a line, blamed.
    FunctionBlamed {
        path: PathBuf,
        result: Result<crate::locate::FunctionBlame, String>,
    },
    PatchLoaded {
        commit: String,
        result: Result<Arc<crate::locate::commit_patch::CommitPatch>, String>,
    },
    /// The evidence dialog's fetch command ended.
    EvidenceFetched {
        command: String,
        result: Result<crate::probes::fetch::Fetched, String>,
    },
    /// Evidence given in the dialog was stored and parsed (`jobs::ViewJob::LoadEvidence`): the engine's input.
    EvidenceLoaded {
        name: String,
        result: Result<crate::engine::Input, String>,
    },
    /// The repository's state for a shown file was captured (`jobs::ViewJob::CaptureView`); `None`: it could not be.
    ViewCaptured {
        request: crate::locate::repo_state::ViewCapture,
        captured: Option<Box<crate::locate::repo_state::CapturedView>>,
    },
    /// A repository's state at the start or after a step was captured (`jobs::ViewJob::CaptureRepo`); `None`: it
    /// could not be.
    RepoCaptured {
        request: crate::locate::repo_state::RepoCapture,
        snapshot: Option<Box<crate::engine::RepoSnapshot>>,
    },
    /// A simulator run finished.
    SimLoaded {
        generation: u64,
        result: Result<Arc<SimRun>, String>,
    },
    /// One program's runs for the crash-rate chart finished.
    RateDone {
        generation: u64,
        index: usize,
        result: Result<Summary, String>,
    },
    /// The job ended without its answer (it panicked); says why in the status bar.
    Failed(String),
}

/// A replay's time scrubber key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scrub {
    Next,
    Prev,
    NextMilestone,
    PrevMilestone,
    /// Play or pause.
    Play,
    Faster,
    Slower,
}

/// A simulator key (and `S` on the main screen, which opens the view).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimKey {
    Open,
    Play,
    Next,
    Prev,
    Start,
    Crash,
    NextSeed,
    PrevSeed,
    Fix,
    Version,
    Rates,
    Gc,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutputLine {
    pub stream: Stream,
    pub line: String,
    pub raw: Option<Vec<u8>>,
}
