//! Whole-document JSON exports of cloud log services: Cloud Logging and CloudWatch Logs.
//!
//! Unlike the line formats of `formats.rs`, these are one JSON document per file (`gcloud logging read
//! --format=json` prints an array of LogEntry, newest first; `aws logs filter-log-events` and `get-log-events`
//! print `{"events": [...]}`, oldest first), and one log line is one entry. Entries are put back in time order, and
//! each line is numbered by the line of the file where its text (`textPayload`, `message`) is, so the evidence
//! still points into the file.

use super::formats::{LogFormat, Unwrapped};
use super::prefix::LogLine;
use serde_json::Value;
use std::borrow::Cow;

/// Recognises and unwraps a whole-document export; `None` for anything else.
pub fn unwrap(text: &str) -> Option<Unwrapped<'static>> {
    let start = text.trim_start();
    if !start.starts_with('[') && !start.starts_with('{') {
        return None;
    }
    // A one-line JSON object is a line format (Docker, journald, a structured logger), not a document.
    if start.starts_with('{') && !start.trim_end().contains('\n') {
        return None;
    }
    let value: Value = serde_json::from_str(text).ok()?;
    let (format, entries, key) = match &value {
        Value::Array(entries) if entries.iter().any(|e| e.get("textPayload").is_some()) => {
            (LogFormat::CloudLogging, entries.as_slice(), "\"textPayload\"")
        }
        Value::Array(entries) if entries.iter().any(|e| e.pointer("/jsonPayload/message").is_some()) => {
            (LogFormat::CloudLogging, entries.as_slice(), "\"message\"")
        }
        Value::Object(map) => match map.get("events") {
            Some(Value::Array(events)) if events.iter().any(|e| e.get("message").is_some()) => {
                (LogFormat::Cloudwatch, events.as_slice(), "\"message\"")
            }
            _ => return None,
        },
        _ => return None,
    };
    let key_lines = key_line_numbers(text, key);
    let mut lines: Vec<(String, LogLine<'static>)> = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let payload = entry
            .get("textPayload")
            .or_else(|| entry.pointer("/jsonPayload/message"))
            .or_else(|| entry.get("message"))
            .and_then(Value::as_str);
        let Some(payload) = payload else { continue };
        let payload = payload.strip_suffix('\n').unwrap_or(payload);
        let payload = payload.strip_suffix('\r').unwrap_or(payload);
        // Keys in entry order are the payload lines only when every entry has exactly one.
        let number = if key_lines.len() == entries.len() { key_lines[index] } else { index + 1 };
        let time = match entry.get("timestamp") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => format!("{:020}", n.as_u64().unwrap_or(0)),
            _ => String::new(),
        };
        for (k, piece) in payload.split('\n').enumerate() {
            let line = LogLine { number: number + usize::from(k > 0), text: Cow::Owned(piece.to_string()) };
            lines.push((time.clone(), line));
        }
    }
    // Time order; equal times keep the order of the file (a stable sort), reversed for a newest-first export.
    if format == LogFormat::CloudLogging && is_newest_first(&lines) {
        lines.reverse();
    }
    lines.sort_by(|a, b| a.0.cmp(&b.0));
    let lines = lines.into_iter().map(|(_, line)| line).collect();
    Some(Unwrapped { format, stream: None, lines, cut_lines: Vec::new(), prefixed: true })
}

/// True when the timestamps of the file mostly go down.
fn is_newest_first(lines: &[(String, LogLine<'_>)]) -> bool {
    let down = lines.windows(2).filter(|w| w[0].0 > w[1].0).count();
    let up = lines.windows(2).filter(|w| w[0].0 < w[1].0).count();
    down > up
}

/// 1-based line numbers where `key` followed by `:` appears, in file order.
fn key_line_numbers(text: &str, key: &str) -> Vec<usize> {
    let mut numbers = Vec::new();
    let mut line = 1;
    let mut from = 0;
    while let Some(found) = text.get(from..).and_then(|t| t.find(key)) {
        let at = from + found;
        line += text.as_bytes().get(from..at).map_or(0, |b| memchr::memchr_iter(b'\n', b).count());
        let after = text.get(at + key.len()..).unwrap_or("").trim_start();
        if after.starts_with(':') {
            numbers.push(line);
        }
        from = at + key.len();
    }
    numbers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloud_logging_newest_first_is_put_back_in_order() {
        let doc = "[\n {\"textPayload\": \"b\", \"timestamp\": \"2026-01-01T00:00:02Z\"},\n {\"textPayload\": \"a\",\n  \"timestamp\": \"2026-01-01T00:00:01Z\"}\n]\n";
        let u = unwrap(doc).map(|u| (u.format, u.lines.iter().map(|l| (l.number, l.text.to_string())).collect()));
        assert_eq!(u, Some((LogFormat::CloudLogging, vec![(3, "a".to_string()), (2, "b".to_string())])));
    }

    #[test]
    fn cloudwatch_events_and_other_documents() {
        let doc = "{\n \"events\": [\n  {\"timestamp\": 1, \"message\": \"fatal error: x\\n\"}\n ]\n}\n";
        assert_eq!(unwrap(doc).map(|u| u.lines[0].text.to_string()), Some("fatal error: x".to_string()));
        assert!(unwrap("{\n \"other\": 1\n}").is_none());
        assert!(unwrap("{\"log\":\"x\\n\",\"stream\":\"stderr\"}\n").is_none());
    }
}
