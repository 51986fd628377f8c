//! No journal line is unbounded: a probe result, a capture or an evidence triage larger than `INLINE_LIMIT` (a
//! grep over a monorepo, a parse of a 100 MB log) goes to a side file of the session, `<journal>.values/NNN-STEP.json`,
//! and the line keeps a one-line summary of it with a `side_file` object (`key`, `path` relative to the journal,
//! `sha256`, `bytes`). Without this, a line past the reader's 64 MiB bound was skipped on read, and resume and
//! replay lost the result.
//!
//! Done on the JSON of the line, so every entry type is handled the same and the typed records never see it: the
//! writer calls `externalize` on the finished line, the reader `internalize` before the typed parse, which puts
//! the value back when the side file is there and intact, and otherwise keeps the summary and says why.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::path::Path;

/// Lines up to this size keep their values inline.
pub const INLINE_LIMIT: usize = 1 << 20;
/// The fields that may hold a large value, by entry type: `probe_result.result`, `capture.value`,
/// `evidence.triage`.
const KEYS: [&str; 3] = ["result", "value", "triage"];

/// The line, with its largest value moved to a side file in `values_dir` when the line is over the limit.
/// `journal_dir` is what the side file's path is made relative to. On any failure the line is returned whole (a
/// long line is better than a lost value).
pub fn externalize(line: String, values_dir: &Path, journal_dir: &Path, seq: u32) -> String {
    if line.len() <= INLINE_LIMIT {
        return line;
    }
    let Ok(Value::Object(mut map)) = serde_json::from_str::<Value>(&line) else { return line };
    let sizes = KEYS.iter().filter_map(|k| map.get(*k).map(|v| (*k, v.to_string().len())));
    let Some((key, _)) = sizes.max_by_key(|(_, len)| *len) else { return line };
    let Some(value) = map.get(key) else { return line };
    let bytes = value.to_string();
    let step = map.get("step").and_then(Value::as_str).unwrap_or("session");
    let safe: String = step.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    let path = values_dir.join(format!("{seq:03}-{safe}.json"));
    if std::fs::create_dir_all(values_dir).is_err() || write_synced(&path, bytes.as_bytes()).is_err() {
        return line;
    }
    let summary = match serde_json::from_str::<crate::engine::Value>(&bytes) {
        Ok(v) => crate::engine::value_text::summarize(&v),
        Err(_) => format!("{} bytes", bytes.len()),
    };
    let relative = path.strip_prefix(journal_dir).unwrap_or(&path).to_string_lossy().into_owned();
    let side = serde_json::json!({
        "key": key,
        "path": relative,
        "sha256": hex(&Sha256::digest(bytes.as_bytes())),
        "bytes": bytes.len(),
    });
    map.insert(key.to_string(), Value::String(summary));
    map.insert("side_file".to_string(), side);
    // `type` first, as on every line (the map itself sorts its keys).
    let kind = map.remove("type");
    let rest = Value::Object(map).to_string();
    match (kind, rest.strip_prefix('{')) {
        (Some(kind), Some(fields)) => format!("{{\"type\":{kind},{fields}"),
        (_, _) => rest,
    }
}

/// Puts a value that `externalize` moved out back into the line's `map`, reading it from `journal_dir`. Returns
/// a warning when it cannot (the summary then stands in for the value).
pub fn internalize(map: &mut Map<String, Value>, journal_dir: &Path) -> Option<String> {
    let side = map.remove("side_file")?;
    let key = side.get("key").and_then(Value::as_str)?.to_string();
    let rel = side.get("path").and_then(Value::as_str)?;
    let path = journal_dir.join(rel);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            return Some(format!(
                "the {key} in side file {} is unreadable ({e}): its summary stands in",
                path.display()
            ))
        }
    };
    if side.get("sha256").and_then(Value::as_str) != Some(hex(&Sha256::digest(&bytes)).as_str()) {
        return Some(format!("side file {} changed since it was written: its summary stands in", path.display()));
    }
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(value) => {
            map.insert(key, value);
            None
        }
        Err(e) => Some(format!("side file {} is not JSON ({e}): its summary stands in", path.display())),
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_data()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big_line() -> String {
        let items: Vec<Value> =
            (0..60_000).map(|i| serde_json::json!({"file": format!("f{i}.go"), "line": i})).collect();
        serde_json::json!({"type": "probe_result", "step": "grep maps", "result": {"matches": items}, "passed": true})
            .to_string()
    }

    #[test]
    fn a_large_value_moves_to_a_side_file_and_comes_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let line = big_line();
        let out = externalize(line.clone(), &dir.path().join("j.values"), dir.path(), 3);
        assert!(out.len() < 4096, "{} bytes", out.len());
        assert!(out.starts_with(r#"{"type":"probe_result""#), "{out}");
        assert!(out.contains(r#""path":"j.values/003-grep_maps.json""#), "{out}");
        let mut map = match serde_json::from_str::<Value>(&out).unwrap() {
            Value::Object(m) => m,
            other => panic!("{other}"),
        };
        assert!(map["result"].is_string(), "a summary in the line");
        assert_eq!(internalize(&mut map, dir.path()), None);
        assert_eq!(Value::Object(map), serde_json::from_str::<Value>(&line).unwrap());
    }

    #[test]
    fn a_missing_or_changed_side_file_leaves_the_summary_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let out = externalize(big_line(), &dir.path().join("j.values"), dir.path(), 1);
        let parse = || match serde_json::from_str::<Value>(&out).unwrap() {
            Value::Object(m) => m,
            other => panic!("{other}"),
        };
        std::fs::write(dir.path().join("j.values/001-grep_maps.json"), "{}").unwrap();
        let mut map = parse();
        assert!(internalize(&mut map, dir.path()).unwrap().contains("changed since"));
        assert!(map["result"].is_string());
        std::fs::remove_dir_all(dir.path().join("j.values")).unwrap();
        assert!(internalize(&mut parse(), dir.path()).unwrap().contains("unreadable"));
        let small = r#"{"type":"note","text":"hi"}"#.to_string();
        assert_eq!(externalize(small.clone(), dir.path(), dir.path(), 1), small);
    }
}
