//! Training drills: a prepared incident to practise on, timed and scored.
//!
//! A scenario is a small bundled service with a known bug (`assets/drills/NAME`), a made-up git history that makes
//! the bug's blame believable (`setup.rs`), and the answer the drill checks the trainee against (`checks.rs`).
//! Milestones are checked, not trusted: the drill looks at what the session actually recorded and runs the race
//! detector itself. The debrief goes into the session's journal, so `runbook report` covers drills too.

pub mod checks;
pub mod setup;

/// One commit of a scenario's made-up history.
pub struct Commit {
    pub author: &'static str,
    pub email: &'static str,
    /// Seconds since the epoch, and the author's UTC offset in minutes.
    pub time: i64,
    pub tz_minutes: i32,
    pub message: &'static str,
    /// (path in the repository, path of its content under the scenario's asset directory).
    pub files: &'static [(&'static str, &'static str)],
}

pub struct Scenario {
    pub name: &'static str,
    pub runbook_id: &'static str,
    /// Under the bundled assets.
    pub asset_dir: &'static str,
    pub history: &'static [Commit],
    /// The file with the racy line, and text that identifies the accepted lines in it (the first is "the" line).
    pub racy_file: &'static str,
    pub racy_needles: &'static [&'static str],
    /// The handbook's target for locating, from the reproduction: 2 minutes.
    pub locate_target_ms: u64,
    /// Text that proves the failure was reproduced when a step's output line contains it.
    pub reproduced_needles: &'static [&'static str],
    /// What the line to find is called in the debrief ("the racy line", "the inverted lock").
    pub culprit: &'static str,
}

pub const GO_MAP: Scenario = Scenario {
    name: "go-map",
    culprit: "racy line",
    runbook_id: "drill-go-map",
    asset_dir: "drills/go-map",
    history: &[
        Commit {
            author: "Alice Martin",
            email: "alice@shortlink.example",
            time: 1_785_744_720,
            tz_minutes: 120,
            message: "shortlink: redirect service with an in-memory link store",
            files: &[
                ("go.mod", "go.mod"),
                ("main.go", "_history/alice/main.go"),
                ("store.go", "_history/alice/store.go"),
                ("handlers.go", "_history/alice/handlers.go"),
                ("handlers_test.go", "_history/alice/handlers_test.go"),
            ],
        },
        Commit {
            author: "Bob Okafor",
            email: "bob@shortlink.example",
            time: 1_787_154_000,
            tz_minutes: 60,
            message: "add /healthz and request logging",
            files: &[("main.go", "main.go"), ("handlers.go", "_history/bob/handlers.go")],
        },
        Commit {
            author: "Carol Nguyen",
            email: "carol@shortlink.example",
            time: 1_790_298_300,
            tz_minutes: -420,
            message: "stats: count redirects per link",
            files: &[("store.go", "store.go"), ("handlers.go", "handlers.go")],
        },
        Commit {
            author: "Dave Schmidt",
            email: "dave@shortlink.example",
            time: 1_791_365_400,
            tz_minutes: 0,
            message: "test: follow links concurrently, as under load",
            files: &[("handlers_test.go", "handlers_test.go")],
        },
    ],
    racy_file: "handlers.go",
    racy_needles: &["s.hits[code]++", "s.hits[code])"],
    locate_target_ms: 2 * 60 * 1000,
    reproduced_needles: &["WARNING: DATA RACE", "fatal error: concurrent map"],
};

/// A ledger service whose report takes its two locks in the opposite order to transfers (a lock-order
/// inversion): under load it stops answering, and its concurrent test hangs until `go test -timeout` panics.
/// The history makes each change reasonable on its own: a lock, then a counter under a second lock taken inside
/// the first, then a report that takes them the other way round.
pub const GO_DEADLOCK: Scenario = Scenario {
    name: "go-deadlock",
    culprit: "line that takes the locks in the inverted order",
    runbook_id: "drill-go-deadlock",
    asset_dir: "drills/go-deadlock",
    history: &[
        Commit {
            author: "Alice Martin",
            email: "alice@ledger.example",
            time: 1_785_744_720,
            tz_minutes: 120,
            message: "ledger: transfers between accounts behind one RWMutex",
            files: &[
                ("go.mod", "go.mod"),
                ("main.go", "_history/alice/main.go"),
                ("ledger.go", "_history/alice/ledger.go"),
                ("ledger_test.go", "_history/alice/ledger_test.go"),
            ],
        },
        Commit {
            author: "Bob Okafor",
            email: "bob@ledger.example",
            time: 1_787_154_000,
            tz_minutes: 60,
            message: "stats: count operations under their own lock",
            files: &[("ledger.go", "_history/bob/ledger.go")],
        },
        Commit {
            author: "Carol Nguyen",
            email: "carol@ledger.example",
            time: 1_790_298_300,
            tz_minutes: -420,
            message: "report: accounts and operation counts for the dashboard",
            files: &[("ledger.go", "ledger.go"), ("main.go", "main.go")],
        },
        Commit {
            author: "Dave Schmidt",
            email: "dave@ledger.example",
            time: 1_791_365_400,
            tz_minutes: 0,
            message: "test: report while transfers run, as the dashboard does",
            files: &[("ledger_test.go", "ledger_test.go")],
        },
    ],
    racy_file: "ledger.go",
    // The report's second lock: mu taken while statsMu is held, the opposite order to Transfer's.
    racy_needles: &["l.mu.RLock() // accounts are read under mu"],
    locate_target_ms: 5 * 60 * 1000,
    reproduced_needles: &["panic: test timed out after", "fatal error: all goroutines are asleep"],
};

pub const SCENARIOS: [&Scenario; 2] = [&GO_MAP, &GO_DEADLOCK];

pub fn scenario(name: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().copied().find(|s| s.name == name)
}
