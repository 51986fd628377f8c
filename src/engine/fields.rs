//! Reading typed fields out of positioned YAML nodes while collecting every problem.
//!
//! The loader asks for "the string at `title`", "the list at `steps`"; this file answers and, when the node is not
//! what was asked for, records a diagnostic with its position and path instead of stopping at the first problem.

use super::diag::Diagnostic;
use super::yaml::{is_null, Node, NodeKind};

/// The mapping entries of one node, checked against the keys it may have.
pub struct Fields<'n> {
    pub node: &'n Node,
    /// Where the mapping's first key is (a block mapping's own mark can point past it).
    pub pos: super::yaml::Pos,
    pub path: String,
    entries: Vec<(&'n str, &'n Node)>,
}

impl<'n> Fields<'n> {
    pub fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn child(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }
}

/// Collects diagnostics while typed values are read from nodes.
pub struct Reader<'s> {
    pub src: &'s str,
    pub diags: Vec<Diagnostic>,
}

impl<'s> Reader<'s> {
    pub fn new(src: &'s str) -> Self {
        Reader { src, diags: Vec::new() }
    }

    pub fn error(&mut self, node: &Node, path: &str, message: impl Into<String>) {
        self.diags.push(Diagnostic::new(node.pos, path, message));
    }

    pub fn error_at(&mut self, pos: super::yaml::Pos, path: &str, message: impl Into<String>) {
        self.diags.push(Diagnostic::new(pos, path, message));
    }

    /// A hint when YAML turned an unquoted `{{x}}` into a mapping.
    fn unquoted_template_hint(&self, node: &Node) -> Option<String> {
        let rest = self.src.get(node.pos.offset..)?;
        if rest.starts_with("{{") {
            let end = rest.find(['\n', '#']).unwrap_or(rest.len());
            Some(format!("; a value starting with `{{{{` must be quoted in YAML: write \"{}\"", rest[..end].trim_end()))
        } else {
            None
        }
    }

    fn wrong_type(&mut self, node: &Node, path: &str, expected: &str) {
        let hint = self.unquoted_template_hint(node).unwrap_or_default();
        let message = format!("expected {expected}, found {}{hint}", node.type_name());
        self.error(node, path, message);
    }

    /// Checks a mapping's keys: unknown keys (with the closest known one), duplicates, non-scalar keys.
    pub fn fields<'n>(&mut self, node: &'n Node, path: &str, known: &[&str]) -> Option<Fields<'n>> {
        let NodeKind::Map(pairs) = &node.kind else {
            self.wrong_type(node, path, "a mapping");
            return None;
        };
        let mut entries: Vec<(&'n str, &'n Node)> = Vec::new();
        for (key, value) in pairs {
            let NodeKind::Scalar(name, _) = &key.kind else {
                self.error(key, path, "mapping keys must be plain words");
                continue;
            };
            let key_path = if path.is_empty() { name.clone() } else { format!("{path}.{name}") };
            if entries.iter().any(|(k, _)| *k == name.as_str()) {
                self.error(key, &key_path, format!("duplicate key `{name}`"));
                continue;
            }
            if !known.contains(&name.as_str()) {
                let suggestion = closest(name, known).map(|k| format!(" (did you mean `{k}`?)")).unwrap_or_default();
                let message = format!("unknown key `{name}`{suggestion}; expected one of: {}", known.join(", "));
                self.error(key, &key_path, message);
                continue;
            }
            entries.push((name.as_str(), value));
        }
        let pos = pairs.first().map_or(node.pos, |(k, _)| k.pos);
        Some(Fields { node, pos, path: path.to_string(), entries })
    }

    pub fn missing(&mut self, fields: &Fields<'_>, key: &str) {
        let message = format!("missing required key `{key}`");
        self.diags.push(Diagnostic::new(fields.pos, fields.path.clone(), message));
    }

    pub fn string(&mut self, fields: &Fields<'_>, key: &str, required: bool) -> Option<String> {
        let Some(node) = fields.get(key) else {
            if required {
                self.missing(fields, key);
            }
            return None;
        };
        self.scalar(node, &fields.child(key))
    }

    /// Any scalar as text (YAML numbers and booleans are fine where text is expected).
    pub fn scalar(&mut self, node: &Node, path: &str) -> Option<String> {
        match &node.kind {
            NodeKind::Scalar(s, quoted) if *quoted || !is_null(s) => Some(s.clone()),
            _ => {
                self.wrong_type(node, path, "a string");
                None
            }
        }
    }

    pub fn bool(&mut self, fields: &Fields<'_>, key: &str) -> Option<bool> {
        let node = fields.get(key)?;
        match &node.kind {
            NodeKind::Scalar(s, false) if s == "true" => Some(true),
            NodeKind::Scalar(s, false) if s == "false" => Some(false),
            _ => {
                self.wrong_type(node, &fields.child(key), "true or false");
                None
            }
        }
    }

    pub fn uint(&mut self, fields: &Fields<'_>, key: &str) -> Option<u64> {
        let node = fields.get(key)?;
        match &node.kind {
            NodeKind::Scalar(s, false) => match s.parse() {
                Ok(n) => Some(n),
                Err(_) => {
                    self.error(node, &fields.child(key), format!("expected a non-negative integer, found {s:?}"));
                    None
                }
            },
            _ => {
                self.wrong_type(node, &fields.child(key), "a non-negative integer");
                None
            }
        }
    }

    /// A list node's items with their paths; a missing key is an empty list.
    pub fn list<'n>(&mut self, fields: &Fields<'n>, key: &str) -> Vec<(&'n Node, String)> {
        let Some(node) = fields.get(key) else { return Vec::new() };
        self.items(node, &fields.child(key))
    }

    pub fn items<'n>(&mut self, node: &'n Node, path: &str) -> Vec<(&'n Node, String)> {
        match &node.kind {
            NodeKind::Seq(items) => items.iter().enumerate().map(|(i, n)| (n, format!("{path}[{i}]"))).collect(),
            NodeKind::Scalar(s, false) if is_null(s) => Vec::new(),
            _ => {
                self.wrong_type(node, path, "a list");
                Vec::new()
            }
        }
    }

    /// A list of strings; a single string is accepted as a list of one.
    pub fn strings<'n>(&mut self, fields: &Fields<'n>, key: &str) -> Vec<(String, &'n Node, String)> {
        let Some(node) = fields.get(key) else { return Vec::new() };
        let path = fields.child(key);
        if let NodeKind::Scalar(s, _) = &node.kind {
            return vec![(s.clone(), node, path)];
        }
        let mut out = Vec::new();
        for (item, item_path) in self.items(node, &path) {
            if let Some(s) = self.scalar(item, &item_path) {
                out.push((s, item, item_path));
            }
        }
        out
    }
}

/// The known key closest to a misspelt one, when it is close enough to be a typo.
fn closest<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|k| (edit_distance(name, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys_only() {
        assert_eq!(closest("comand", &["command", "cwd"]), Some("command"));
        assert_eq!(closest("zzzzzz", &["command", "cwd"]), None);
    }
}
