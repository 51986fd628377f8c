//! Log-line prefix stripping.
//!
//! Go's runtime prints its lines bare, but the log an engineer holds has usually been through a shipper, a
//! container runtime or a paste: every line may carry a timestamp, a Kubernetes CRI `stdout F ` tag, a
//! `kubectl logs --prefix` pod name or a `| ` from a ticket, and Windows line endings. The parsers only ever see
//! what Go printed, so they stay simple; this module is the one place that knows about the wrappers.

use std::borrow::Cow;

/// One line of the log as Go printed it, with its 1-based line number in the input.
/// Borrowed from the input unless CRI partial lines had to be joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine<'a> {
    pub number: usize,
    pub text: Cow<'a, str>,
}

impl LogLine<'_> {
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// `text.trim()`, with a byte check first: most lines have no whitespace at either end, and `trim` decodes
/// characters from both ends of every line (3% of a parse).
pub fn trim_ws(text: &str) -> &str {
    let bytes = text.as_bytes();
    let edge = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_whitespace() || *b >= 0x80);
    if edge(bytes.first()) || edge(bytes.last()) {
        text.trim()
    } else {
        text
    }
}

/// Text of possibly non-UTF-8 bytes: borrowed when valid (`str::from_utf8` has a fast ASCII path that
/// `String::from_utf8_lossy` lacks), U+FFFD replacements otherwise.
pub fn lossy(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// Splits an input into the lines Go printed: its shipped format recognised and unwrapped (`formats.rs`),
/// line endings and known prefixes stripped, partial lines rejoined.
pub fn logical_lines(text: &str) -> Vec<LogLine<'_>> {
    super::formats::unwrap(text).lines
}

/// Strips every known prefix from one line. The flag is true for a CRI partial line (`P` tag). Inlined: the
/// first-byte checks settle most lines of a log, and a call per line cost more than they do.
#[inline]
pub fn strip_prefixes(line: &str) -> (&str, bool) {
    // Fast path: a line Go printed itself starts with none of the prefix characters.
    let bytes = line.as_bytes();
    match bytes.first() {
        // A digit can only open a date (`2026-11-26T…`, `2026/11/26 …`): four digits and a dash or a slash.
        // Pieces of split gc lines (`0.017app: tick`) are most lines of a chatty log.
        Some(b'0'..=b'9') => {
            if !(bytes.len() > 4 && bytes[..4].iter().all(u8::is_ascii_digit) && matches!(bytes[4], b'-' | b'/')) {
                return (line, false);
            }
        }
        Some(b'[' | b'|' | b'A'..=b'Z') => {}
        _ => return (line, false),
    }
    strip_nested(line)
}

/// `strip_prefixes` without its first-byte checks.
fn strip_nested(line: &str) -> (&str, bool) {
    let mut rest = line;
    let mut partial = false;
    // Prefixes nest (a kubectl pod name before a CRI line, a paste of a syslog line): peel a few layers.
    for _ in 0..4 {
        let before = rest.len();
        if let Some(r) = strip_kubectl(rest) {
            rest = r;
        }
        if let Some((r, p)) = strip_cri(rest) {
            rest = r;
            partial = p;
        } else if let Some(r) = strip_timestamp(rest) {
            rest = r;
        } else if let Some(r) = strip_syslog(rest) {
            rest = r;
        }
        if let Some(r) = rest.strip_prefix("| ") {
            rest = r;
        } else if rest == "|" {
            rest = "";
        }
        if rest.len() == before {
            break;
        }
    }
    (rest, partial)
}

/// `[pod/api-7d9f/app] ` from `kubectl logs --prefix`.
fn strip_kubectl(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("[pod/")?;
    let end = rest.find("] ")?;
    rest.get(end + 2..)
}

/// `2026-11-26T02:13:12.123456789Z stderr F ` (containerd / CRI-O log files).
pub(crate) fn strip_cri(line: &str) -> Option<(&str, bool)> {
    let after_time = skip_rfc3339(line)?;
    let rest = after_time.strip_prefix(' ')?;
    let rest = rest.strip_prefix("stdout ").or_else(|| rest.strip_prefix("stderr "))?;
    if let Some(r) = rest.strip_prefix("F ") {
        Some((r, false))
    } else if let Some(r) = rest.strip_prefix("P ") {
        Some((r, true))
    } else if rest == "F" || rest == "P" {
        Some(("", rest == "P"))
    } else {
        None
    }
}

/// An RFC 3339 timestamp (or Go's `log` package `2026/11/26 02:13:12`) and the one space after it. Only one
/// space: a traceback file line after it still starts with its tab.
fn strip_timestamp(line: &str) -> Option<&str> {
    let rest = skip_rfc3339(line).or_else(|| skip_slash_date(line))?;
    if rest.is_empty() {
        return Some(rest);
    }
    rest.strip_prefix(' ')
}

fn digits(s: &str, n: usize) -> Option<&str> {
    let bytes = s.as_bytes();
    if bytes.len() < n || !bytes.iter().take(n).all(u8::is_ascii_digit) {
        return None;
    }
    s.get(n..)
}

fn skip_fraction(s: &str) -> &str {
    match s.strip_prefix('.').or_else(|| s.strip_prefix(',')) {
        Some(r) => r.trim_start_matches(|c: char| c.is_ascii_digit()),
        None => s,
    }
}

/// `HH:MM:SS[.frac]`
fn skip_clock(s: &str) -> Option<&str> {
    let s = digits(s, 2)?.strip_prefix(':')?;
    let s = digits(s, 2)?.strip_prefix(':')?;
    Some(skip_fraction(digits(s, 2)?))
}

pub(crate) fn skip_rfc3339(s: &str) -> Option<&str> {
    let s = digits(s, 4)?.strip_prefix('-')?;
    let s = digits(s, 2)?.strip_prefix('-')?;
    let s = digits(s, 2)?;
    let s = s.strip_prefix('T').or_else(|| s.strip_prefix(' '))?;
    let s = skip_clock(s)?;
    if let Some(r) = s.strip_prefix('Z') {
        return Some(r);
    }
    if let Some(r) = s.strip_prefix('+').or_else(|| s.strip_prefix('-')) {
        let r = digits(r, 2)?;
        let r = r.strip_prefix(':').unwrap_or(r);
        return digits(r, 2);
    }
    Some(s)
}

fn skip_slash_date(s: &str) -> Option<&str> {
    let s = digits(s, 4)?.strip_prefix('/')?;
    let s = digits(s, 2)?.strip_prefix('/')?;
    let s = digits(s, 2)?.strip_prefix(' ')?;
    skip_clock(s)
}

/// `Nov 26 02:13:12[.456] ` and, when present, the `host app[4242]: ` journald/syslog header after it.
fn strip_syslog(line: &str) -> Option<&str> {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = line.get(..3)?;
    if !MONTHS.contains(&month) {
        return None;
    }
    let rest = line.get(3..)?.strip_prefix(' ')?;
    let rest = rest.strip_prefix(' ').unwrap_or(rest);
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = skip_clock(rest.strip_prefix(' ')?)?;
    let rest = rest.strip_prefix(' ').unwrap_or(rest);
    // `host tag[pid]: ` only when the tag has a pid: a bare `fatal error: ` after the time must stay.
    if let Some((host, after_host)) = rest.split_once(' ') {
        if !host.is_empty() && !host.contains(':') {
            if let Some(end) = after_host.find("]: ") {
                let tag = after_host.get(..end).unwrap_or("");
                if tag.contains('[') && !tag.contains(' ') {
                    return after_host.get(end + 3..);
                }
            }
        }
    }
    Some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_cri_and_keeps_frame_tab() {
        let (s, p) = strip_prefixes("2026-11-26T02:00:01.000007919Z stderr F \t/tmp/x/main.go:14 +0x1");
        assert_eq!(s, "\t/tmp/x/main.go:14 +0x1");
        assert!(!p);
    }

    #[test]
    fn joins_cri_partial_lines() {
        let text = "2026-11-26T02:00:01Z stderr P gc 1 @0.0\n2026-11-26T02:00:01Z stderr F 1s 0%: x\n";
        let lines = logical_lines(text);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].text, "gc 1 @0.01s 0%: x");
    }

    #[test]
    fn strips_syslog_header_only_with_pid_tag() {
        assert_eq!(strip_prefixes("Nov 26 02:13:05 host app[4242]: gc 1 @0.0s").0, "gc 1 @0.0s");
        assert_eq!(strip_prefixes("Nov  6 02:13:05 fatal error: x").0, "fatal error: x");
    }

    #[test]
    fn strips_kubectl_paste_and_crlf() {
        let lines = logical_lines("[pod/api/app] panic: boom\r\n| \tpanic: again\r\n");
        assert_eq!(lines[0].text, "panic: boom");
        assert_eq!(lines[1].text, "\tpanic: again");
        assert_eq!(lines[1].number, 2);
    }

    #[test]
    fn counts_newlines_across_chunks() {
        let text: String = (0..300).map(|i| if i % 7 == 0 { '\n' } else { 'x' }).collect();
        for end in 0..text.len() {
            assert_eq!(
                super::super::formats::count_newlines(&text.as_bytes()[..end]),
                text[..end].matches('\n').count()
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// The first-byte checks decide as the full strip does: on dates, times, syslog months, pastes, pod
        /// names, CRI tags and gc pieces (`0.017app: tick`), glued in random order.
        #[test]
        fn the_first_byte_checks_change_nothing(
            parts in proptest::collection::vec(proptest::prop_oneof![
                proptest::strategy::Just("2026-11-26T02:13:12.123Z ".to_string()),
                proptest::strategy::Just("2026/11/26 02:13:12 ".to_string()),
                proptest::strategy::Just("2026-11-26 02:13:12 ".to_string()),
                proptest::strategy::Just("Nov 26 02:13:12 host app[42]: ".to_string()),
                proptest::strategy::Just("[pod/api/app] ".to_string()),
                proptest::strategy::Just("| ".to_string()),
                proptest::strategy::Just("stderr F ".to_string()),
                proptest::strategy::Just("0.017app: tick 7".to_string()),
                "[0-9]{1,5}[-/.:T ]?[0-9a-z]{0,3}",
                "[ -~]{0,8}",
            ], 0..5),
        ) {
            let line = parts.concat();
            proptest::prop_assert_eq!(strip_prefixes(&line), strip_nested(&line));
        }
    }

    #[test]
    fn leaves_plain_go_lines_alone() {
        for line in ["goroutine 1 [running]:", "  main.main()", "==================", "gc 3 @0.1s 2%: 1"] {
            assert_eq!(strip_prefixes(line).0, line);
        }
    }
}
