//! Two facts a crash log rarely states outright and triage still reports when it can: which Go built the binary,
//! and when the crash happened.
//!
//! The Go version is told by the toolchain's install path when it has one (`/usr/lib/go-1.19`, `~/sdk/go1.22.1`),
//! otherwise bounded by what only some versions print: Swiss-table map frames (`internal/runtime/maps`, Go 1.24+),
//! the classic map files (`runtime/map_faststr.go`, up to 1.23), `created by … in goroutine N` (1.21+). The time
//! comes from a timestamp the log shipper put before the crash's line (`kubectl logs --timestamps`, CRI, docker,
//! journald `-o short-iso`), as written there.

use crate::golang::{Frame, ParseReport};
use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GoVersion {
    /// `1.19`, `1.22.1`, `>= 1.24`, `<= 1.23`, `1.21 to 1.23`.
    pub version: String,
    /// What told it, for the user to judge.
    pub clue: String,
}

static GOROOT_VERSION: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:^|[/@-])go-?(1\.[0-9]+(?:\.[0-9]+)?)(?:$|[/.-])").ok());
static TIMESTAMP: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^(?:\[[^\]]*\] )?([0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)[ \t]")
        .ok()
});

/// Every frame file and function the report holds, with `created by … in goroutine N` flags.
fn frames(report: &ParseReport) -> (Vec<&Frame>, bool) {
    let mut out = Vec::new();
    let mut created_in_goroutine = false;
    for crash in &report.crashes {
        for g in &crash.goroutines {
            out.extend(g.frames.iter());
            created_in_goroutine |= g.created_by.as_ref().is_some_and(|c| c.goroutine.is_some());
        }
    }
    for race in &report.races {
        for access in &race.accesses {
            out.extend(access.frames.iter());
        }
        for g in &race.goroutines {
            out.extend(g.created_at.iter());
        }
    }
    (out, created_in_goroutine)
}

/// The Go version that printed the report, as precisely as the log tells it.
pub fn go_version(report: &ParseReport) -> Option<GoVersion> {
    let (frames, created_in_goroutine) = frames(report);
    let roots = crate::golang::frames::detect_goroots(frames.iter().map(|f| f.file.as_str()));
    if let Some(re) = GOROOT_VERSION.as_ref() {
        for root in &roots {
            if let Some(found) = re.captures(root).and_then(|c| c.get(1)) {
                return Some(GoVersion { version: found.as_str().to_string(), clue: format!("GOROOT {root}") });
            }
        }
    }
    let swiss = frames
        .iter()
        .find(|f| f.func.starts_with("internal/runtime/maps.") || f.file.contains("internal/runtime/maps/"));
    let classic = frames.iter().find(|f| {
        ["runtime/map_faststr.go", "runtime/map_fast64.go", "runtime/map_fast32.go"].iter().any(|m| f.file.ends_with(m))
    });
    let (version, clue) = match (swiss, classic, created_in_goroutine) {
        (Some(f), _, _) => (">= 1.24", format!("Swiss-table map frames ({})", f.func)),
        (None, Some(f), true) => {
            ("1.21 to 1.23", format!("classic map frames ({}) and `created by … in goroutine N`", short(&f.file)))
        }
        (None, Some(f), false) => ("<= 1.23", format!("classic map frames ({})", short(&f.file))),
        (None, None, true) => (">= 1.21", "`created by … in goroutine N`".to_string()),
        (None, None, false) => return None,
    };
    Some(GoVersion { version: version.to_string(), clue })
}

fn short(file: &str) -> &str {
    file.find("runtime/").map_or(file, |at| &file[at..])
}

/// The timestamp a log shipper wrote before line `line` (1-based) of `raw`, as written; `None` when it has none.
pub fn timestamp_of_line(raw: &[u8], line: usize) -> Option<String> {
    let text = raw.split(|&b| b == b'\n').nth(line.checked_sub(1)?)?;
    let text = String::from_utf8_lossy(text);
    let re = TIMESTAMP.as_ref()?;
    re.captures(&text).and_then(|c| c.get(1)).map(|m| m.as_str().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipper_timestamps_are_read_before_the_line() {
        let raw = b"2026-12-06T05:05:57.828300648Z start\n2026-12-06T05:05:57.828332134Z fatal error: x\n";
        assert_eq!(timestamp_of_line(raw, 2).as_deref(), Some("2026-12-06T05:05:57.828332134Z"));
        let cri = b"2026-11-26T02:00:01.000007919Z stderr F fatal error: x\n";
        assert_eq!(timestamp_of_line(cri, 1).as_deref(), Some("2026-11-26T02:00:01.000007919Z"));
        let journald = b"2026-12-06T05:05:57+0000 host app[42]: fatal error: x\n";
        assert_eq!(timestamp_of_line(journald, 1).as_deref(), Some("2026-12-06T05:05:57+0000"));
        let prefixed = b"[pod/api-7d9f/app] 2026-12-06T05:05:57Z fatal error: x\n";
        assert_eq!(timestamp_of_line(prefixed, 1).as_deref(), Some("2026-12-06T05:05:57Z"));
    }

    #[test]
    fn lines_without_a_timestamp_have_none() {
        assert_eq!(timestamp_of_line(b"fatal error: concurrent map writes\n", 1), None);
        // The Go log package's own date is the program's, not the shipper's, and not on the crash line.
        assert_eq!(timestamp_of_line(b"2026/12/06 05:05:57 listening\n", 1), None);
        assert_eq!(timestamp_of_line(b"x\n", 0), None);
        assert_eq!(timestamp_of_line(b"x\n", 5), None);
    }

    #[test]
    fn goroot_names_carry_versions() {
        let re = GOROOT_VERSION.as_ref().expect("regex compiles");
        let version = |root: &str| re.captures(root).and_then(|c| c.get(1)).map(|m| m.as_str().to_string());
        assert_eq!(version("/usr/lib/go-1.19"), Some("1.19".into()));
        assert_eq!(version("/root/sdk/go1.22.1"), Some("1.22.1".into()));
        assert_eq!(version("/root/go/pkg/mod/golang.org/toolchain@v0.0.1-go1.22.1.linux-amd64"), Some("1.22.1".into()));
        assert_eq!(version("/usr/local/go"), None);
        assert_eq!(version("/opt/venv/lib/python3.11/site-packages/go"), None);
    }
}
