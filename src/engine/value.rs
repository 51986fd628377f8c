//! Captured values: what a step hands to later steps.
//!
//! A capture is text cut from output, or an action's typed result (a parse report, a list of grep matches). Both
//! live in one small JSON-like type so templates can walk into them (`{{crash.sites[0].file}}`) and the journal can
//! store them as they are.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Value>),
    Map(BTreeMap<String, Value>),
}

/// One step of a path into a value: `.field` or `[index]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Field(String),
    Index(usize),
}

impl Value {
    /// Converts any serializable result (a parse report, grep matches) into a value.
    pub fn from_serialize<T: Serialize>(value: &T) -> Value {
        match serde_json::to_value(value) {
            Ok(json) => Value::from(json),
            Err(e) => Value::Str(format!("<unserializable result: {e}>")),
        }
    }

    /// The inverse of `from_serialize`: a recorded result read back into its type (a replay's result lists).
    pub fn to_typed<T: serde::de::DeserializeOwned>(&self) -> Result<T, String> {
        let json = serde_json::to_value(self).map_err(|e| e.to_string())?;
        serde_json::from_value(json).map_err(|e| e.to_string())
    }

    /// Follows `segments`; `Err` names the first segment that does not exist.
    pub fn lookup(&self, segments: &[Segment]) -> Result<&Value, String> {
        let mut current = self;
        for (i, segment) in segments.iter().enumerate() {
            let next = match (segment, current) {
                (Segment::Field(name), Value::Map(map)) => map.get(name),
                (Segment::Index(n), Value::List(items)) => items.get(*n),
                _ => None,
            };
            current = next.ok_or_else(|| describe_missing(&segments[..=i], current))?;
        }
        Ok(current)
    }

    /// A field of a map value (`None` for other values or a missing field).
    pub fn lookup_key(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(map) => map.get(key),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The value as text in a template. Lists and maps render as compact JSON.
    pub fn to_text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Bool(b) => b.to_string(),
            Value::Int(n) => n.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Str(s) => s.clone(),
            Value::List(_) | Value::Map(_) => serde_json::to_string(self).unwrap_or_default(),
        }
    }

    /// The words a value becomes on a command line: a list gives one word per item.
    pub fn to_words(&self) -> Vec<String> {
        match self {
            Value::List(items) => items.iter().map(Value::to_text).collect(),
            other => vec![other.to_text()],
        }
    }
}

fn describe_missing(path: &[Segment], parent: &Value) -> String {
    let shown: String = path
        .iter()
        .map(|s| match s {
            Segment::Field(f) => format!(".{f}"),
            Segment::Index(i) => format!("[{i}]"),
        })
        .collect();
    let what = match parent {
        Value::List(items) => format!("a list of {} item(s)", items.len()),
        Value::Map(_) => "a mapping without that key".to_string(),
        Value::Null => "null".to_string(),
        _ => "a scalar".to_string(),
    };
    format!("`{shown}` does not exist (found {what})")
}

impl From<serde_json::Value> for Value {
    fn from(json: serde_json::Value) -> Self {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            serde_json::Value::String(s) => Value::Str(s),
            serde_json::Value::Array(items) => Value::List(items.into_iter().map(Value::from).collect()),
            serde_json::Value::Object(map) => Value::Map(map.into_iter().map(|(k, v)| (k, Value::from(v))).collect()),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_walks_fields_and_indices() {
        let v = Value::from(serde_json::json!({"sites": [{"file": "main.go", "line": 12}]}));
        let path = [Segment::Field("sites".into()), Segment::Index(0), Segment::Field("line".into())];
        assert_eq!(v.lookup(&path).unwrap(), &Value::Int(12));
        let bad = [Segment::Field("sites".into()), Segment::Index(3)];
        assert!(v.lookup(&bad).unwrap_err().contains("a list of 1 item"));
    }

    #[test]
    fn lists_become_one_word_per_item() {
        let v = Value::List(vec!["a b".into(), Value::Int(3)]);
        assert_eq!(v.to_words(), vec!["a b".to_string(), "3".to_string()]);
    }
}
