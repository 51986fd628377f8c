//! A pass over a program's YAML events before serde_yaml sees it: serde_yaml bounds nesting and the number of
//! events an alias replays, but not their bytes, so a 900 KB scalar aliased 5,000 times (a 1 MB file) made it
//! copy 4.5 GB and abort. This pass weighs every anchor (its text plus a per-node cost) as it is defined and
//! refuses a document whose aliases would copy more than `ALIAS_BYTE_BUDGET`, or that nests deeper than
//! `MAX_DEPTH`. It pulls yaml-rust2's parser one event at a time (its `load` recurses per level).

use crate::sim::SimError;
use std::collections::HashMap;
use yaml_rust2::parser::{Event, Parser};

/// Most bytes aliases may copy: as much again as the largest program file.
const ALIAS_BYTE_BUDGET: usize = super::MAX_PROGRAM_BYTES;
/// What one node costs besides its text.
const NODE_BYTES: usize = 64;
/// Deepest nesting accepted (programs need about eight levels; loops nest at most four deep).
const MAX_DEPTH: usize = 64;

/// Checks the alias and depth budgets; a syntax error is left for serde_yaml to report with its position.
pub(super) fn check(text: &str) -> Result<(), SimError> {
    let mut parser = Parser::new_from_str(text);
    // One open collection: its anchor and the bytes of what it holds so far.
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut anchors: HashMap<usize, usize> = HashMap::new();
    let mut copied = 0usize;
    loop {
        let Ok((event, _)) = parser.next_token() else { return Ok(()) };
        let done = match event {
            Event::StreamEnd => return Ok(()),
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if open.len() >= MAX_DEPTH {
                    return Err(SimError::Yaml(format!("nesting deeper than {MAX_DEPTH} levels")));
                }
                open.push((anchor, 0));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some((anchor, bytes)) = open.pop() else { return Ok(()) };
                (anchor, bytes + NODE_BYTES)
            }
            Event::Scalar(value, _, anchor, _) => (anchor, value.len() + NODE_BYTES),
            Event::Alias(id) => {
                let bytes = anchors.get(&id).copied().unwrap_or(NODE_BYTES);
                copied = copied.saturating_add(bytes);
                if copied > ALIAS_BYTE_BUDGET {
                    return Err(SimError::Yaml(format!(
                        "aliases copy more than {} KiB of text (an alias bomb?)",
                        ALIAS_BYTE_BUDGET >> 10
                    )));
                }
                (0, bytes)
            }
            _ => continue,
        };
        let (anchor, bytes) = done;
        if anchor > 0 {
            anchors.insert(anchor, bytes);
        }
        if let Some((_, parent)) = open.last_mut() {
            *parent = parent.saturating_add(bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_scalar_aliased_many_times_is_refused_and_a_few_copies_are_not() {
        let big = "y".repeat(300_000);
        let few = format!("name: &a {big}\nwaitgroups: [*a, *a]\n");
        assert!(check(&few).is_ok());
        let bomb = format!("name: &a {big}\nwaitgroups: [{}]\n", vec!["*a"; 5000].join(", "));
        let err = check(&bomb).unwrap_err().to_string();
        assert!(err.contains("aliases copy more than 1024 KiB"), "{err}");
    }

    #[test]
    fn nested_anchors_weigh_what_they_hold() {
        // Each level doubles: 20 levels of two aliases is a million copies of a small scalar.
        let mut doc = String::from("a0: &a0 xxxxxxxxxxxxxxxx\n");
        for i in 1..20 {
            doc.push_str(&format!("a{i}: &a{i} [*a{}, *a{}]\n", i - 1, i - 1));
        }
        assert!(check(&doc).is_err());
    }

    #[test]
    fn deep_nesting_is_refused() {
        let doc = "- ".repeat(1_000) + "x\n";
        assert!(check(&doc).unwrap_err().to_string().contains("nesting deeper than 64"));
    }
}
