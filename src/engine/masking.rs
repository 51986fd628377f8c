//! Masking secret values in structured data, field by field, before anything is serialised or shown.
//!
//! Replacing a secret inside a serialised JSON line corrupts it (a secret `:` breaks the syntax, `step` mangles
//! keys), and replacing a one-letter secret inside text gives it away (`b****se64`). So masking works on values:
//! a string field that *is* a secret becomes `****` whatever its length; inside longer text only secrets of at
//! least `MIN_MASKED_IN_TEXT` characters are replaced. Keys and the fields that name things the runbook defines
//! (`type`, `step`, `status`, `stream`, `mode`, `milestone`) are never touched. The session says at start which
//! secrets are too short to be masked inside text (`too_short`).

use serde_json::Value as Json;

/// What a secret is replaced by.
pub const MASK: &str = "****";
/// Shortest secret replaced inside longer text; shorter ones are masked only where a whole field equals them.
pub const MIN_MASKED_IN_TEXT: usize = 4;
/// Fields holding names from the runbook or enum tags, never secret text.
const STRUCTURAL: &[&str] = &["type", "step", "status", "stream", "mode", "milestone", "ts", "offset_ms"];

/// The secrets worth masking (empty values mean nothing).
pub fn usable(secrets: &[String]) -> Vec<String> {
    let mut out: Vec<String> = secrets.iter().filter(|s| !s.is_empty()).cloned().collect();
    // Longest first, so a secret containing another is replaced whole.
    out.sort_by_key(|s| std::cmp::Reverse(s.len()));
    out.dedup();
    out
}

/// Secrets too short to be masked inside text.
pub fn too_short(secrets: &[String]) -> Vec<&String> {
    secrets.iter().filter(|s| !s.is_empty() && s.chars().count() < MIN_MASKED_IN_TEXT).collect()
}

/// What to tell the user at start when secret vars are too short to be masked inside text (`names`: those vars,
/// from `Session::short_secret_vars`); `None` when there are none.
pub fn short_secret_warning(names: &[String]) -> Option<String> {
    let (first, rest) = names.split_first()?;
    let (noun, list) = match rest {
        [] => ("secret var", first.clone()),
        _ => ("secret vars", names.join(", ")),
    };
    // Short enough for the status bar at 80 columns with one name.
    Some(format!("{noun} {list}: under {MIN_MASKED_IN_TEXT} characters, so not masked inside output"))
}

/// One text value with secrets masked.
pub fn mask_text(text: &str, secrets: &[String]) -> String {
    if secrets.iter().any(|s| !s.is_empty() && s == text) {
        return MASK.to_string();
    }
    let mut out = text.to_string();
    for secret in secrets.iter().filter(|s| s.chars().count() >= MIN_MASKED_IN_TEXT) {
        if out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), MASK);
        }
    }
    out
}

/// Masks every string value of a JSON tree in place (never a key, never a structural field). Returns whether
/// anything changed.
pub fn mask_json(value: &mut Json, secrets: &[String]) -> bool {
    match value {
        Json::String(s) => {
            let masked = mask_text(s, secrets);
            let changed = masked != *s;
            *s = masked;
            changed
        }
        Json::Array(items) => items.iter_mut().fold(false, |acc, v| mask_json(v, secrets) | acc),
        Json::Object(map) => {
            let mut changed = false;
            for (key, v) in map.iter_mut() {
                if !STRUCTURAL.contains(&key.as_str()) {
                    changed |= mask_json(v, secrets);
                }
            }
            // The raw bytes of a line whose text held a secret would give it away.
            if changed && map.contains_key("line_b64") {
                map.remove("line_b64");
            }
            changed
        }
        _ => false,
    }
}

/// A serialisable value with its strings masked, rebuilt as its own type (so field order and types stay).
pub fn mask_typed<T>(value: &T, secrets: &[String]) -> Option<T>
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    let mut json = serde_json::to_value(value).ok()?;
    if !mask_json(&mut json, secrets) {
        return None;
    }
    serde_json::from_value(json).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_short_secret_warning_names_the_vars() {
        assert_eq!(short_secret_warning(&[]), None);
        let one = short_secret_warning(&s(&["PW"])).unwrap_or_default();
        assert_eq!(one, "secret var PW: under 4 characters, so not masked inside output");
        let two = short_secret_warning(&s(&["A", "B"])).unwrap_or_default();
        assert!(two.starts_with("secret vars A, B: under 4"), "{two}");
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn short_secrets_are_masked_only_whole() {
        let secrets = s(&["b"]);
        assert_eq!(mask_text("base64", &secrets), "base64");
        assert_eq!(mask_text("b", &secrets), MASK);
    }

    #[test]
    fn long_secrets_are_masked_inside_text() {
        assert_eq!(mask_text("token=hunter22!", &s(&["hunter22"])), "token=****!");
    }

    #[test]
    fn keys_and_structural_fields_stay() {
        let mut json = serde_json::json!({"type": "step_started", "step": "a", "title": "a", "reason": ":"});
        mask_json(&mut json, &s(&["step", "a", ":"]));
        assert_eq!(json, serde_json::json!({"type": "step_started", "step": "a", "title": MASK, "reason": MASK}));
    }
}
