//! A runbook's top-level `match:`: regexes tried against the evidence (a crash log, a race report) to tell whether
//! the runbook is about this incident. Triage asks every runbook and offers the ones whose patterns fit.
//!
//! Patterns are tried line by line, against the lines as Go printed them: the caller strips what log shippers add
//! (kubectl timestamps, CRI tags), so one pattern fits a plain log and a shipped one alike. A runbook matches
//! when any of its patterns matches any line; the lines that matched are its evidence, shown to the user as the
//! reason for the pick. A runbook with no `match:` never matches (drills, and runbooks written for other work).

use super::fields::Fields;
use super::load::Loader;
use regex::{RegexSet, RegexSetBuilder};
use serde::Serialize;

/// One line of evidence: which input (index into the inputs given), its 1-based line number, its text.
#[derive(Debug, Clone, Copy)]
pub struct EvidenceLine<'a> {
    pub input: usize,
    pub line: usize,
    pub text: &'a str,
}

/// A line that matched, with the indexes of the patterns (in `match:` order) that matched it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatchedLine {
    pub input: usize,
    pub line: usize,
    pub text: String,
    pub patterns: Vec<usize>,
}

/// The lines a runbook's patterns matched: the first `limit` of them, and how many there were in all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MatchOutcome {
    pub lines: Vec<MatchedLine>,
    pub total: usize,
}

/// A runbook's compiled `match:` patterns.
#[derive(Debug, Clone)]
pub struct Matcher {
    set: RegexSet,
}

impl Matcher {
    /// Compiles the patterns (already validated when the runbook loaded); `None` when there are none.
    pub fn new(patterns: &[String]) -> Result<Option<Matcher>, regex::Error> {
        if patterns.is_empty() {
            return Ok(None);
        }
        let set = RegexSetBuilder::new(patterns).size_limit(1 << 22).build()?;
        Ok(Some(Matcher { set }))
    }

    /// Every line any pattern matches; the first `limit` are kept with their text.
    pub fn matching_lines<'a>(&self, lines: impl IntoIterator<Item = EvidenceLine<'a>>, limit: usize) -> MatchOutcome {
        let mut outcome = MatchOutcome::default();
        for line in lines {
            // Most lines of a log match nothing: the set's one-pass test first, which of the patterns only then
            // (`matches` runs every pattern to the end; it was half of `triage`'s time on a 100 MB log).
            if !self.set.is_match(line.text) {
                continue;
            }
            let hits = self.set.matches(line.text);
            if !hits.matched_any() {
                continue;
            }
            outcome.add(&line, hits.iter().collect(), limit);
        }
        outcome
    }
}

impl MatchOutcome {
    /// Counts `line`, matched by `patterns`, and keeps it while fewer than `limit` are kept.
    fn add(&mut self, line: &EvidenceLine<'_>, patterns: Vec<usize>, limit: usize) {
        self.total += 1;
        if self.lines.len() < limit {
            self.lines.push(MatchedLine { input: line.input, line: line.line, text: line.text.to_string(), patterns });
        }
    }
}

/// Several runbooks' `match:` sets tried in one pass: triage asks every runbook, and one set of all their patterns
/// reads each line once instead of once per runbook (issue 17: on a 100 MB log the per-runbook passes were a third
/// of `triage`). The answers are each runbook's own `Matcher` answer, pattern indexes included.
#[derive(Debug, Clone)]
pub struct MatcherGroup {
    set: RegexSet,
    /// For each pattern of the set: the list it came from, and its index there.
    owners: Vec<(usize, usize)>,
    lists: usize,
}

impl MatcherGroup {
    /// One set of every list's patterns. Err: too big for one set (the caller tries each list alone).
    pub fn new(lists: &[&[String]]) -> Result<MatcherGroup, regex::Error> {
        let owners: Vec<(usize, usize)> =
            lists.iter().enumerate().flat_map(|(l, list)| (0..list.len()).map(move |p| (l, p))).collect();
        let set = RegexSetBuilder::new(lists.iter().flat_map(|list| list.iter())).size_limit(1 << 24).build()?;
        Ok(MatcherGroup { set, owners, lists: lists.len() })
    }

    /// `Matcher::matching_lines` of each list, in the lists' order.
    pub fn matching_lines<'a>(
        &self,
        lines: impl IntoIterator<Item = EvidenceLine<'a>>,
        limit: usize,
    ) -> Vec<MatchOutcome> {
        let mut outcomes = vec![MatchOutcome::default(); self.lists];
        let mut hits_of: Vec<Vec<usize>> = vec![Vec::new(); self.lists];
        for line in lines {
            if !self.set.is_match(line.text) {
                continue;
            }
            for hit in self.set.matches(line.text).iter() {
                if let Some(&(list, pattern)) = self.owners.get(hit) {
                    if let Some(hits) = hits_of.get_mut(list) {
                        hits.push(pattern);
                    }
                }
            }
            for (outcome, hits) in outcomes.iter_mut().zip(hits_of.iter_mut()) {
                if !hits.is_empty() {
                    outcome.add(&line, std::mem::take(hits), limit);
                }
            }
        }
        outcomes
    }
}

impl Loader<'_> {
    /// The `match:` list (a single string is a list of one); every pattern is compiled so `check` reports a bad
    /// one at its own line and column.
    pub(super) fn match_patterns(&mut self, f: &Fields<'_>) -> Vec<String> {
        let mut patterns = Vec::new();
        for (pattern, node, path) in self.reader.strings(f, "match") {
            if pattern.is_empty() {
                self.reader.error(node, &path, "an empty `match:` pattern would match every line of any log");
                continue;
            }
            if self.check_regex(&pattern, node, &path).is_some() {
                patterns.push(pattern);
            }
        }
        patterns
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<EvidenceLine<'_>> {
        text.lines().enumerate().map(|(i, text)| EvidenceLine { input: 0, line: i + 1, text }).collect()
    }

    #[test]
    fn no_patterns_is_no_matcher() {
        assert!(matches!(Matcher::new(&[]), Ok(None)));
    }

    #[test]
    fn matched_lines_carry_their_number_and_the_patterns_that_fit() {
        let patterns = vec!["fatal error: concurrent map".to_string(), "map writes$".to_string()];
        let matcher = Matcher::new(&patterns).ok().flatten().expect("two valid patterns");
        let log = "starting\nfatal error: concurrent map writes\n\ngoroutine 4 [running]:\n";
        let outcome = matcher.matching_lines(lines(log), 10);
        assert_eq!(outcome.total, 1);
        assert_eq!(
            outcome.lines,
            vec![MatchedLine {
                input: 0,
                line: 2,
                text: "fatal error: concurrent map writes".into(),
                patterns: vec![0, 1]
            }]
        );
    }

    #[test]
    fn a_group_answers_as_each_list_alone() {
        let lists: Vec<Vec<String>> = vec![
            vec!["fatal error: concurrent map".into(), "map writes$".into()],
            vec!["^gc \\d+ @".into()],
            vec!["x".into(), "^goroutine \\d+".into(), "writes".into()],
        ];
        let log = "starting\nfatal error: concurrent map writes\ngc 1 @0.1s x\n\ngoroutine 4 [running]:\nx\nx2\n";
        let borrowed: Vec<&[String]> = lists.iter().map(Vec::as_slice).collect();
        let group = MatcherGroup::new(&borrowed).expect("valid");
        for limit in [1, 2, 10] {
            let together = group.matching_lines(lines(log), limit);
            let alone: Vec<MatchOutcome> = lists
                .iter()
                .map(|l| Matcher::new(l).ok().flatten().expect("valid").matching_lines(lines(log), limit))
                .collect();
            assert_eq!(together, alone, "limit {limit}");
        }
    }

    #[test]
    fn the_limit_keeps_the_first_lines_and_counts_them_all() {
        let matcher = Matcher::new(&["x".to_string()]).ok().flatten().expect("valid");
        let outcome = matcher.matching_lines(lines("x1\ny\nx2\nx3\n"), 2);
        assert_eq!(outcome.total, 3);
        assert_eq!(outcome.lines.iter().map(|l| l.line).collect::<Vec<_>>(), [1, 3]);
    }
}
