//! `runbook schema`: a JSON Schema of the runbook format, for editors with a YAML language server.
//! Kept next to the loader's key lists; a test checks that every key the loader knows appears here.

use super::Code;
use serde_json::{json, Value};
use std::io::Write;

pub fn schema() -> Value {
    let s = json!({"type": "string"});
    let strings = json!({"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]});
    let duration = json!({"type": "string", "pattern": "^([0-9]+(ms|s|m|h))+$"});
    let action = |props: Value, required: Value| json!({"type": "object", "additionalProperties": false, "properties": props, "required": required});
    let run = action(
        json!({
            "command": s, "cwd": s,
            "env": {"type": "object", "additionalProperties": {"type": ["string", "number", "boolean"]}},
            "timeout": duration, "grace": duration,
            "spill_cap": {"oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "pattern": "^[0-9]+ ?(B|K|k|KiB|M|MiB|G|GiB|KB|kB|MB|GB)?$"}]},
            "expect": {"type": "object", "additionalProperties": false, "properties": {
                "exit_code": {"oneOf": [{"type": "integer"}, {"type": "array", "items": {"type": "integer"}}]},
                "matches": strings, "not_matches": strings}}
        }),
        json!(["command"]),
    );
    let parse =
        action(json!({"input": s, "file": s, "kind": {"enum": ["auto", "race", "crash", "gctrace"]}}), json!([]));
    let grep = action(
        json!({"pattern": s, "paths": strings, "include": strings, "exclude": strings,
               "ignore_case": {"type": "boolean"}, "fixed_strings": {"type": "boolean"},
               "context": {"type": "integer", "minimum": 0}}),
        json!(["pattern"]),
    );
    let blame = action(json!({"file": s, "lines": {"type": ["string", "integer"]}, "rev": s}), json!(["file"]));
    let simulate = action(
        json!({"program": s, "go": {"type": ["string", "number"]}, "seed": {"type": "integer", "minimum": 0},
               "runs": {"type": "integer", "minimum": 0}, "exhaustive": {"type": "boolean"}, "gctrace": s}),
        json!(["program"]),
    );
    let choose = action(
        json!({"question": s, "options": {"type": "array", "minItems": 1, "items": {
            "type": "object", "additionalProperties": false, "required": ["label"],
            "properties": {"id": s, "label": s, "description": s, "goto": s}}}}),
        json!(["question", "options"]),
    );
    let item = json!({"oneOf": [s, {"type": "object", "additionalProperties": false, "required": ["text"],
        "properties": {"text": s, "optional": {"type": "boolean"}}}]});
    let checklist = json!({"oneOf": [
        {"type": "array", "minItems": 1, "items": item},
        {"type": "object", "additionalProperties": false, "required": ["items"],
         "properties": {"items": {"type": "array", "minItems": 1, "items": item}}}
    ]});
    let evidence = json!({"type": "object", "additionalProperties": false, "properties": {
        "repo": s, "examples": {"type": "array", "items": {"type": "string"}}}});
    let capture = json!({"type": "object", "additionalProperties": false, "required": ["name"], "properties": {
        "name": {"type": "string", "pattern": "^[a-zA-Z_][a-zA-Z0-9_]*$"},
        "from": {"enum": ["output", "stdout", "stderr", "result"]},
        "regex": s, "group": {"type": "integer", "minimum": 0}}});
    let step = json!({
        "type": "object", "additionalProperties": false, "required": ["id", "title"],
        "properties": {
            "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$"}, "title": s, "text": s,
            "mode": {"enum": ["observe", "change"]},
            "milestone": {"enum": ["reproduced", "located", "fixed", "verified"]},
            "next": {"type": "string"}, "on_unexpected": s,
            "run": run, "parse": parse, "grep": grep, "blame": blame, "simulate": simulate,
            "choose": choose, "checklist": checklist, "evidence": evidence,
            "capture": {"type": "array", "items": capture}
        },
        "not": {"anyOf": pairs_of(&["run", "parse", "grep", "blame", "simulate", "choose", "checklist", "evidence"])}
    });
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://runbook.dev/schema/runbook.json",
        "title": "runbook",
        "type": "object", "additionalProperties": false, "required": ["id", "title", "phases"],
        "properties": {
            "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"}, "title": s, "summary": s,
            "match": strings,
            "vars": {"type": "array", "items": {"type": "object", "additionalProperties": false, "required": ["name"],
                "properties": {"name": {"type": "string", "pattern": "^[a-z_][a-z0-9_]*$"}, "default": s,
                               "description": s, "secret": {"type": "boolean"}}}},
            "phases": {"type": "array", "minItems": 1, "items": {
                "type": "object", "additionalProperties": false, "required": ["id", "title", "steps"],
                "properties": {"id": s, "title": s, "steps": {"type": "array", "minItems": 1, "items": step}}}}
        }
    })
}

/// `{"required": [a, b]}` for every pair: a step with two actions matches one and is rejected by `not`.
fn pairs_of(keys: &[&str]) -> Vec<Value> {
    let mut out = Vec::new();
    for (i, a) in keys.iter().enumerate() {
        for b in &keys[i + 1..] {
            out.push(json!({"required": [a, b]}));
        }
    }
    out
}

pub fn run() -> anyhow::Result<Code> {
    let text = serde_json::to_string_pretty(&schema())?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")?;
    out.flush()?;
    Ok(Code::Success)
}
