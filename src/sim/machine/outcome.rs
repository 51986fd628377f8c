//! How a run ends and what each micro-step is called: the vocabulary shared by the machine, the timeline, the
//! explorer's outcome counts and the rendered Go output.

use crate::sim::maps::MapFatal;
use serde::Serialize;
/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum Terminal {
    /// main returned: the process exits (status 0, or 66 under -race when a race was reported).
    Exit,
    /// A runtime `fatal error:` (exit status 2, recover cannot catch it).
    Fatal(FatalKind),
    /// An unrecovered panic (exit status 2).
    Panic(PanicKind),
    /// `fatal error: all goroutines are asleep - deadlock!`
    Deadlock,
    /// The run hit `SimOptions::max_steps` (a safety net; built-in programs never do).
    StepLimit,
    /// The run exceeded another budget or was cancelled (`sim::budget`): not an outcome of the program.
    Stopped(crate::sim::Budget),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum FatalKind {
    Map(MapFatal),
    UnlockOfUnlocked,
    RUnlockOfUnlocked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum PanicKind {
    NegativeCounter,
    ReusedBeforeWait,
    AddConcurrentWithWait,
}

impl Terminal {
    /// The message after `fatal error: ` or `panic: `; `None` for a clean exit.
    pub fn message(self) -> Option<&'static str> {
        match self {
            Terminal::Exit => None,
            Terminal::Fatal(FatalKind::Map(m)) => Some(m.message()),
            Terminal::Fatal(FatalKind::UnlockOfUnlocked) => Some("sync: unlock of unlocked mutex"),
            Terminal::Fatal(FatalKind::RUnlockOfUnlocked) => Some("sync: RUnlock of unlocked RWMutex"),
            Terminal::Panic(PanicKind::NegativeCounter) => Some("sync: negative WaitGroup counter"),
            Terminal::Panic(PanicKind::ReusedBeforeWait) => {
                Some("sync: WaitGroup is reused before previous Wait has returned")
            }
            Terminal::Panic(PanicKind::AddConcurrentWithWait) => {
                Some("sync: WaitGroup misuse: Add called concurrently with Wait")
            }
            Terminal::Deadlock => Some("all goroutines are asleep - deadlock!"),
            Terminal::StepLimit | Terminal::Stopped(_) => None,
        }
    }
}

/// The micro-steps a timeline shows, named after what the runtime does at that point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MicroStep {
    ReadCheck,
    ReadHash,
    ReadProbe,
    WriteCheck,
    WriteHash,
    WriteToggle,
    WriteInsert,
    WriteRecheck,
    WriteClear,
    DeleteCheck,
    DeleteHash,
    DeleteToggle,
    DeleteRemove,
    DeleteRecheck,
    DeleteClear,
    IterInit,
    IterNext,
    Go,
    WgAdd,
    WgWait,
    WgWake,
    Lock,
    Unlock,
    RLock,
    RUnlock,
    Send,
    Recv,
    SyncMap,
    Sleep,
    Alloc,
    Work,
    Return,
}

impl MicroStep {
    /// The Go-level operation this micro-step belongs to (`read`, `write`, `range`, `wg_wait`, ...), for lanes
    /// in the timeline view.
    pub fn op(self) -> &'static str {
        use MicroStep::*;
        match self {
            ReadCheck | ReadHash | ReadProbe => "read",
            WriteCheck | WriteHash | WriteToggle | WriteInsert | WriteRecheck | WriteClear => "write",
            DeleteCheck | DeleteHash | DeleteToggle | DeleteRemove | DeleteRecheck | DeleteClear => "delete",
            IterInit | IterNext => "range",
            Go => "go",
            WgAdd => "wg_add",
            WgWait | WgWake => "wg_wait",
            Lock => "lock",
            Unlock => "unlock",
            RLock => "rlock",
            RUnlock => "runlock",
            Send => "send",
            Recv => "recv",
            SyncMap => "sync_map",
            Sleep => "sleep",
            Alloc => "alloc",
            Work => "work",
            Return => "return",
        }
    }
}
