//! One line a person reads for a captured value, in headless text output and in the TUI's step output. Captures of probe steps are whole typed
//! results (a triage, a parse report, a blame), which printed as JSON read `= incident: {"crash_time":null,
//! "crashes":1,"frames":[{"file":…` at 3 a.m. Here a value reads as what an engineer looks for: what failed and
//! where (`kind: message`, the operation, `file:line in function`), the commit of a blamed line, counts, and how
//! many items each list holds. JSON mode and the journal keep the value exact; this is only its text. Pure, beside
//! `Value`, so that both fronts say a capture the same way.

use super::Value;

/// At most this many characters of summary per capture (the rest is in `--json` and the journal).
const WIDTH: usize = 200;

/// The value in one line.
pub fn summarize(value: &Value) -> String {
    let text = match value {
        Value::Str(s) => {
            let mut lines = s.lines();
            let first = lines.next().unwrap_or("").to_string();
            match lines.count() {
                0 => first,
                more => format!("{first} (+{more} more line{})", if more == 1 { "" } else { "s" }),
            }
        }
        Value::List(items) => match items.first() {
            None => "no items".to_string(),
            Some(first) => format!("{} item{}; first: {}", items.len(), plural(items.len()), summarize(first)),
        },
        Value::Map(_) => object(value),
        other => other.to_text(),
    };
    clip(&text)
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn clip(text: &str) -> String {
    if text.chars().count() <= WIDTH {
        return text.to_string();
    }
    let mut out: String = text.chars().take(WIDTH - 1).collect();
    out.push('…');
    out
}

fn text_of<'v>(value: &'v Value, key: &str) -> Option<&'v str> {
    match value.lookup_key(key) {
        Some(Value::Str(s)) if !s.is_empty() => Some(s),
        _ => None,
    }
}

/// `file:line in function` for a value that names a place in the code.
fn site(value: &Value) -> Option<String> {
    let file = text_of(value, "file")?;
    let line = match value.lookup_key("line") {
        Some(Value::Int(n)) => format!(":{n}"),
        _ => String::new(),
    };
    let function = text_of(value, "function").map(|f| format!(" in {f}")).unwrap_or_default();
    Some(format!("{file}{line}{function}"))
}

/// Keys shown in words above, not again as plain fields.
const SHOWN: [&str; 9] = ["kind", "message", "operation", "file", "line", "function", "commit", "summary", "failure"];

fn object(value: &Value) -> String {
    let Value::Map(map) = value else { return value.to_text() };
    let mut parts: Vec<String> = Vec::new();
    match (text_of(value, "kind").or(text_of(value, "failure")), text_of(value, "message")) {
        (Some(kind), Some(message)) => parts.push(format!("{kind}: {message}")),
        (None, Some(message)) => parts.push(message.to_string()),
        (Some(kind), None) => parts.push(kind.to_string()),
        (None, None) => {}
    }
    if let Some(op) = text_of(value, "operation") {
        parts.push(format!("a {op}"));
    }
    if let Some(at) = site(value) {
        parts.push(at);
    }
    if let Some(commit) = text_of(value, "commit") {
        let short: String = commit.chars().take(8).collect();
        let summary = text_of(value, "summary").map(|s| format!(" {s}")).unwrap_or_default();
        parts.push(format!("commit {short}{summary}"));
    }
    // Where first (a service frame, a site), then how much.
    for (key, field) in map {
        if let (Value::Map(_), Some(at)) = (field, site(field)) {
            parts.push(format!("{}: {at}", key.replace('_', " ")));
        }
    }
    for (key, field) in map {
        if SHOWN.contains(&key.as_str()) {
            continue;
        }
        match field {
            Value::List(items) if !items.is_empty() => parts.push(format!("{} {}", items.len(), key.replace('_', " "))),
            Value::Int(n) => parts.push(format!("{} {n}", key.replace('_', " "))),
            Value::Bool(true) => parts.push(key.replace('_', " ")),
            Value::Str(s) if !s.is_empty() && !s.contains('\n') && s.chars().count() <= 60 => {
                parts.push(format!("{} {s}", key.replace('_', " ")))
            }
            _ => {}
        }
    }
    if parts.is_empty() {
        return format!("{} field{}", map.len(), plural(map.len()));
    }
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(json: serde_json::Value) -> Value {
        Value::from(json)
    }

    #[test]
    fn a_triage_reads_as_what_failed_where_and_how_much() {
        let v = value(serde_json::json!({
            "crash_time": null, "crashes": 1, "kind": "fatal error", "message": "concurrent map writes",
            "operation": "write", "frames": [{"file": "/rt/panic.go"}, {"file": "/go/src/app/stock.go"}],
            "races": 0, "other_goroutines": [],
            "service_frame": {"file": "internal/stock/stock.go", "line": 33, "function": "stock.(*Store).Level"},
        }));
        let line = summarize(&v);
        assert!(line.starts_with("fatal error: concurrent map writes · a write · "), "{line}");
        assert!(line.contains("service frame: internal/stock/stock.go:33 in stock.(*Store).Level"), "{line}");
        assert!(line.contains("crashes 1") && line.contains("2 frames") && line.contains("races 0"), "{line}");
        assert!(!line.contains('{') && !line.contains("other goroutines"), "{line}");
    }

    #[test]
    fn a_blamed_line_reads_as_its_place_and_commit_and_lists_as_a_count_and_the_first() {
        let blame =
            serde_json::json!({"file": "stock.go", "line": 33, "commit": "f9aba8a8c0ffee", "summary": "cache levels"});
        assert_eq!(summarize(&value(blame.clone())), "stock.go:33 · commit f9aba8a8 cache levels");
        let list = value(serde_json::json!([blame, blame]));
        assert_eq!(summarize(&list), "2 items; first: stock.go:33 · commit f9aba8a8 cache levels");
        assert_eq!(summarize(&value(serde_json::json!("one\ntwo\nthree"))), "one (+2 more lines)");
        assert_eq!(summarize(&value(serde_json::json!([]))), "no items");
    }

    #[test]
    fn a_long_summary_is_clipped() {
        let v = value(serde_json::json!({"message": "x".repeat(500)}));
        assert_eq!(summarize(&v).chars().count(), WIDTH);
    }
}
