//! Which `go test` test a race report belongs to: races print before the `--- FAIL: Name` line of their test,
//! and the `testing.go:N: race detected during execution of test` line below it claims them.
//!
//! Kept apart from the reports themselves (a streaming parse has handed them on by the time a claim comes): the
//! tracker records claims by report index, and the reports get their test when the report is assembled.

use std::collections::HashMap;

#[derive(Default)]
pub(crate) struct TestTracker {
    /// The test `=== RUN`/`=== CONT` announced last (`go test -v`).
    pub running: Option<String>,
    /// `--- FAIL:` names by indentation depth, most recent per depth.
    pub failing: Vec<(usize, String)>,
    /// Reports not claimed yet, with the test running when each was printed.
    pub unclaimed: Vec<(usize, Option<String>)>,
    /// Claimed reports: index → test (the failing test that owns it, else the one running when it printed).
    pub claims: HashMap<usize, Option<String>>,
}

impl TestTracker {
    pub fn observe(&mut self, line: &str) {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let trimmed = line.trim_start_matches(' ');
        if let Some(name) = trimmed.strip_prefix("=== RUN").or_else(|| trimmed.strip_prefix("=== CONT")) {
            let name = name.trim();
            self.running = (!name.is_empty()).then(|| name.to_string());
        } else if let Some(rest) = trimmed.strip_prefix("--- FAIL: ") {
            let name = rest.split(" (").next().unwrap_or(rest).to_string();
            self.failing.retain(|(depth, _)| *depth < indent);
            self.failing.push((indent, name));
        } else if trimmed.ends_with(": race detected during execution of test") && trimmed.starts_with("testing.go:") {
            let owner = self.failing.iter().rev().find(|(depth, _)| *depth + 4 == indent).map(|(_, name)| name.clone());
            for (index, running) in self.unclaimed.drain(..) {
                self.claims.insert(index, owner.clone().or(running));
            }
        }
    }

    /// A new input: nothing of the last one carries over, except the claims made.
    pub fn start_input(&mut self) {
        let claims = std::mem::take(&mut self.claims);
        *self = TestTracker { claims, ..TestTracker::default() };
    }
}
