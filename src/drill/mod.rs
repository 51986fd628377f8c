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
}

pub const GO_MAP: Scenario = Scenario {
    name: "go-map",
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
};

pub const SCENARIOS: [&Scenario; 1] = [&GO_MAP];

pub fn scenario(name: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().copied().find(|s| s.name == name)
}
