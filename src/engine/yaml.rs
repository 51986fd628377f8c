//! A YAML tree that remembers where every node came from.
//!
//! serde_yaml reports positions for syntax and type errors only, but `runbook check` must point at duplicate ids,
//! undefined references and bad gotos too. So runbooks are read through yaml-rust2's event parser into this small
//! tree of nodes with byte positions, and the loader walks it, collecting every problem it meets.
//! Aliases are expanded against a budget and nesting is bounded, so no input can exhaust memory or the stack:
//! - the parser is pulled one event at a time (yaml-rust2's `Parser::load` recurses once per nesting level, and
//!   25,000 nested `- ` overflowed the stack before any depth check could run), and the depth is checked as each
//!   collection opens;
//! - the alias budget counts bytes as well as nodes: one alias to a 1 MB scalar is one node but a megabyte copied.

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Most nodes an input may expand to through aliases: far beyond any real runbook, far below a "billion laughs".
const NODE_BUDGET: usize = 10_000;
/// Most bytes aliases may copy (scalar text, plus `NODE_BYTES` per node): as much again as the largest runbook.
pub const ALIAS_BYTE_BUDGET: usize = 4 << 20;
/// What one node costs in the byte budget besides its text (its place in the tree).
const NODE_BYTES: usize = 64;
/// Deepest nesting accepted; real runbooks need about eight levels.
pub const MAX_DEPTH: usize = 64;

/// Where a node starts: 1-based line and byte column, plus the byte offset into the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
    pub offset: usize,
}

#[derive(Debug, Clone)]
pub enum NodeKind {
    /// A scalar and whether it was quoted (quoted scalars are always strings).
    Scalar(String, bool),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

#[derive(Debug, Clone)]
pub struct Node {
    pub kind: NodeKind,
    pub pos: Pos,
}

impl Node {
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar(s, quoted) if !quoted && is_null(s) => "null",
            NodeKind::Scalar(..) => "a scalar",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }
}

/// True for YAML's plain-scalar spellings of null.
pub fn is_null(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

/// A syntax error with its position.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    pub pos: Pos,
    pub message: String,
}

/// Maps yaml-rust2's character indices to byte offsets, lines and byte columns.
struct Positions {
    char_to_byte: Vec<usize>,
    line_starts: Vec<usize>,
}

impl Positions {
    fn new(src: &str) -> Self {
        let mut char_to_byte: Vec<usize> = src.char_indices().map(|(b, _)| b).collect();
        char_to_byte.push(src.len());
        let mut line_starts = vec![0];
        line_starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        Positions { char_to_byte, line_starts }
    }

    fn at(&self, mark: &Marker) -> Pos {
        let last = self.char_to_byte.len().saturating_sub(1);
        let offset = self.char_to_byte.get(mark.index()).copied().unwrap_or(self.char_to_byte[last]);
        self.at_offset(offset)
    }

    fn at_offset(&self, offset: usize) -> Pos {
        let line_idx = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line_idx).copied().unwrap_or(0);
        Pos { line: line_idx + 1, col: offset - start + 1, offset }
    }
}

enum Frame {
    Seq(Vec<Node>, Pos, usize),
    /// Entries, a pending key, the start position and the anchor id.
    Map(Vec<(Node, Node)>, Option<Node>, Pos, usize),
}

/// Parses one YAML document into a positioned tree. `Ok(None)` is an empty document.
pub fn parse(src: &str) -> Result<Option<Node>, SyntaxError> {
    let positions = Positions::new(src);
    let mut parser = Parser::new_from_str(src);
    let events = std::iter::from_fn(move || match parser.next_token() {
        Ok((Event::StreamEnd, _)) => None,
        other => Some(other),
    });
    build(events, &positions)
}

/// The size of an anchored node, computed once when it is defined: what each alias to it costs.
#[derive(Clone, Copy)]
struct Weight {
    nodes: usize,
    bytes: usize,
}

fn build(
    events: impl Iterator<Item = Result<(Event, Marker), yaml_rust2::ScanError>>,
    positions: &Positions,
) -> Result<Option<Node>, SyntaxError> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: std::collections::HashMap<usize, (Node, Weight)> = std::collections::HashMap::new();
    let mut budget = 0usize;
    let mut alias_bytes = 0usize;
    let mut root: Option<Node> = None;
    let mut documents = 0;
    for next in events {
        let (event, mark) =
            next.map_err(|e| SyntaxError { pos: positions.at(e.marker()), message: e.info().to_string() })?;
        let pos = positions.at(&mark);
        let done: Node = match event {
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    return Err(SyntaxError {
                        pos,
                        message: "a runbook is a single YAML document, found a second one".into(),
                    });
                }
                continue;
            }
            Event::Scalar(value, style, anchor, _) => {
                let quoted = !matches!(style, TScalarStyle::Plain);
                let node = Node { kind: NodeKind::Scalar(value, quoted), pos };
                if anchor > 0 {
                    anchors.insert(anchor, (node.clone(), weigh(&node)));
                }
                node
            }
            Event::SequenceStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(SyntaxError { pos, message: format!("nesting deeper than {MAX_DEPTH} levels") });
                }
                stack.push(Frame::Seq(Vec::new(), pos, anchor));
                continue;
            }
            Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(SyntaxError { pos, message: format!("nesting deeper than {MAX_DEPTH} levels") });
                }
                stack.push(Frame::Map(Vec::new(), None, pos, anchor));
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq(items, start, anchor)) => {
                    let node = Node { kind: NodeKind::Seq(items), pos: start };
                    if anchor > 0 {
                        anchors.insert(anchor, (node.clone(), weigh(&node)));
                    }
                    node
                }
                _ => return Err(SyntaxError { pos, message: "unbalanced sequence".into() }),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map(entries, _, start, anchor)) => {
                    let node = Node { kind: NodeKind::Map(entries), pos: start };
                    if anchor > 0 {
                        anchors.insert(anchor, (node.clone(), weigh(&node)));
                    }
                    node
                }
                _ => return Err(SyntaxError { pos, message: "unbalanced mapping".into() }),
            },
            Event::Alias(id) => {
                let Some((target, weight)) = anchors.get(&id) else {
                    return Err(SyntaxError { pos, message: "alias to an unknown anchor".into() });
                };
                budget += weight.nodes;
                alias_bytes += weight.bytes;
                if budget > NODE_BUDGET {
                    return Err(SyntaxError {
                        pos,
                        message: format!("aliases expand to more than {NODE_BUDGET} nodes (an alias bomb?)"),
                    });
                }
                if alias_bytes > ALIAS_BYTE_BUDGET {
                    return Err(SyntaxError {
                        pos,
                        message: format!(
                            "aliases copy more than {} MiB of text (an alias bomb?)",
                            ALIAS_BYTE_BUDGET >> 20
                        ),
                    });
                }
                let mut node = target.clone();
                node.pos = pos;
                node
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => continue,
        };
        budget += 1;
        if budget > NODE_BUDGET * 10 {
            return Err(SyntaxError { pos, message: "document too large".into() });
        }
        match stack.last_mut() {
            Some(Frame::Seq(items, ..)) => items.push(done),
            Some(Frame::Map(entries, pending, ..)) => match pending.take() {
                Some(key) => entries.push((key, done)),
                None => *pending = Some(done),
            },
            None => root = Some(done),
        }
    }
    Ok(root)
}

/// Nodes and bytes in a tree. Linear in the tree, which the budgets keep small: its own nodes come from the
/// input (at most `NODE_BUDGET * 10` of them) and whatever aliases it holds fit in the alias budgets.
fn weigh(node: &Node) -> Weight {
    let mut weight = Weight { nodes: 0, bytes: 0 };
    let mut todo = vec![node];
    while let Some(n) = todo.pop() {
        weight.nodes += 1;
        weight.bytes += NODE_BYTES;
        match &n.kind {
            NodeKind::Scalar(text, _) => weight.bytes += text.len(),
            NodeKind::Seq(items) => todo.extend(items.iter()),
            NodeKind::Map(entries) => todo.extend(entries.iter().flat_map(|(k, v)| [k, v])),
        }
    }
    weight
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_byte_columns() {
        let node = parse("a: 1\nbé: [x, \"y\"]\n").unwrap().unwrap();
        let NodeKind::Map(entries) = &node.kind else { panic!("not a map") };
        assert_eq!((entries[1].0.pos.line, entries[1].0.pos.col), (2, 1));
        let NodeKind::Seq(items) = &entries[1].1.kind else { panic!("not a seq") };
        assert_eq!((items[0].pos.line, items[0].pos.col), (2, 7), "columns count bytes: é is two");
        assert!(matches!(&items[1].kind, NodeKind::Scalar(s, true) if s == "y"));
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut src = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..8 {
            let prev = if i == 0 { "a".to_string() } else { format!("b{}", i - 1) };
            src.push_str(&format!("b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        let err = parse(&src).unwrap_err();
        assert!(err.message.contains("alias bomb"), "{}", err.message);
    }

    #[test]
    fn aliases_to_a_large_scalar_are_refused_by_bytes_not_nodes() {
        let big = "y".repeat(1 << 20);
        let ok = format!("a: &a {big}\nb: [*a, *a, *a]\n");
        assert!(parse(&ok).is_ok(), "three copies fit in the budget");
        let bomb = format!("a: &a {big}\nb: [{}]\n", vec!["*a"; 5000].join(", "));
        let err = parse(&bomb).unwrap_err();
        assert!(err.message.contains("MiB of text"), "{}", err.message);
        assert_eq!(err.pos.line, 2, "the alias that crossed the budget is named");
    }

    #[test]
    fn deep_block_nesting_is_refused_before_the_parser_recurses() {
        let src = "- ".repeat(25_000) + "x\n";
        let err = parse(&src).unwrap_err();
        assert!(err.message.contains("nesting deeper than 64"), "{}", err.message);
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let src = "[".repeat(10_000) + &"]".repeat(10_000);
        let err = parse(&src).unwrap_err();
        assert!(err.message.contains("nesting") || err.message.contains("recursion limit"), "{}", err.message);
    }

    #[test]
    fn empty_document_is_none() {
        assert!(parse("").unwrap().is_none());
        assert!(parse("# only a comment\n").unwrap().is_none());
    }
}
