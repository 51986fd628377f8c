//! A bounded record of a step's output for expectations and captures.
//!
//! A command may print 100 MB. The engine keeps the first and the last 512 KiB of each stream, which holds what
//! runbooks look for (a crash message near the start, a summary near the end); the complete output goes to a spill
//! file kept by the process runner.

const HALF: usize = 512 * 1024;

#[derive(Debug, Clone, Default)]
pub struct HeadTail {
    head: String,
    tail: std::collections::VecDeque<String>,
    tail_bytes: usize,
    dropped_lines: u64,
}

impl HeadTail {
    pub fn push(&mut self, line: &str) {
        if self.head.len() + line.len() < HALF && self.tail.is_empty() {
            self.head.push_str(line);
            self.head.push('\n');
            return;
        }
        self.tail.push_back(line.to_string());
        self.tail_bytes += line.len() + 1;
        while self.tail_bytes > HALF {
            match self.tail.pop_front() {
                Some(old) => {
                    self.tail_bytes -= old.len() + 1;
                    self.dropped_lines += 1;
                }
                None => break,
            }
        }
    }

    /// The kept text; a marker line shows where lines were dropped.
    pub fn text(&self) -> String {
        let mut out = self.head.clone();
        if self.dropped_lines > 0 {
            out.push_str(&format!("[… {} line(s) not kept in memory …]\n", self.dropped_lines));
        }
        for line in &self.tail {
            out.push_str(line);
            out.push('\n');
        }
        out
    }

    pub fn kept_bytes(&self) -> usize {
        self.head.len() + self.tail_bytes
    }
}

/// Compiles a runbook regex. Output is searched as a whole, so `^` and `$` match at line boundaries, as they do
/// for grep: authors write `^fatal error:` and mean a line.
pub fn line_regex(pattern: &str) -> Result<regex::Regex, regex::Error> {
    regex::RegexBuilder::new(pattern).multi_line(true).size_limit(1 << 22).build()
}

/// A runbook regex (`expect.matches`, a capture's `regex`), compiled once when the runbook loads, so running a
/// step never compiles it again. Two are equal when their patterns are.
#[derive(Debug, Clone)]
pub struct LineRegex(regex::Regex);

impl LineRegex {
    pub fn new(pattern: &str) -> Result<LineRegex, regex::Error> {
        line_regex(pattern).map(LineRegex)
    }

    pub fn regex(&self) -> &regex::Regex {
        &self.0
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl PartialEq for LineRegex {
    fn eq(&self, other: &LineRegex) -> bool {
        self.as_str() == other.as_str()
    }
}

impl std::fmt::Display for LineRegex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_head_and_tail_within_bound() {
        let mut ht = HeadTail::default();
        ht.push("first");
        let line = "x".repeat(1000);
        for _ in 0..10_000 {
            ht.push(&line);
        }
        ht.push("last");
        assert!(ht.kept_bytes() <= 2 * HALF + 2000);
        let text = ht.text();
        assert!(text.starts_with("first\n"));
        assert!(text.ends_with("last\n"));
        assert!(text.contains("not kept in memory"));
    }
}
