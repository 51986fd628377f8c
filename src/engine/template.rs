//! `{{name.field[0]}}` templates, and the shell quoting that makes captured values inert.
//!
//! A value captured from a log (a file name, a function) can contain anything, including `$(rm -rf ~)`. In a
//! command every reference therefore becomes one single-quoted shell word (a list: several words), and a reference
//! written inside the author's own shell quotes is refused, because there our quoting could not be trusted.

use super::value::{Segment, Value};

/// A parsed `{{…}}` reference: `name.path`, then the alternatives after each `or`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub name: String,
    pub path: Vec<Segment>,
    /// Byte range of the whole `{{…}}` in the template.
    pub span: (usize, usize),
    /// `{{packages or incident.packages or "./..."}}`: tried in order when the value before is empty (an empty
    /// string or list) or has none yet (an unset var, a capture never set).
    pub fallbacks: Vec<Fallback>,
}

/// An alternative after `or`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fallback {
    Ref {
        name: String,
        path: Vec<Segment>,
    },
    /// A double-quoted literal: the value when every reference before it is empty.
    Literal(String),
}

impl Reference {
    /// Every name the reference reads, its alternatives' included (for `check` and staleness).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        let alternatives = self.fallbacks.iter().filter_map(|f| match f {
            Fallback::Ref { name, .. } => Some(name.as_str()),
            Fallback::Literal(_) => None,
        });
        std::iter::once(self.name.as_str()).chain(alternatives)
    }
}

/// A template split into literal text and references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Ref(Reference),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// Byte offset in the template.
    pub offset: usize,
    pub message: String,
}

/// Splits a template into pieces, checking each reference's syntax.
pub fn parse(template: &str) -> Result<Vec<Piece>, TemplateError> {
    let mut pieces = Vec::new();
    let mut rest = 0;
    while let Some(found) = template[rest..].find("{{") {
        let start = rest + found;
        if start > rest {
            pieces.push(Piece::Text(template[rest..start].to_string()));
        }
        let Some(len) = template[start + 2..].find("}}") else {
            return Err(TemplateError { offset: start, message: "`{{` without a closing `}}`".into() });
        };
        let end = start + 2 + len + 2;
        let inner = &template[start + 2..end - 2];
        let error = |message| TemplateError { offset: start, message };
        let mut parts = split_or(inner).into_iter();
        let (name, path) = parse_reference(parts.next().unwrap_or_default()).map_err(error)?;
        let fallbacks = parts.map(parse_fallback).collect::<Result<Vec<_>, _>>().map_err(error)?;
        pieces.push(Piece::Ref(Reference { name, path, span: (start, end), fallbacks }));
        rest = end;
    }
    if rest < template.len() {
        pieces.push(Piece::Text(template[rest..].to_string()));
    }
    Ok(pieces)
}

/// All references of a template (empty when it does not parse; `parse` reports that).
pub fn references(template: &str) -> Vec<Reference> {
    parse(template)
        .map(|pieces| {
            pieces
                .into_iter()
                .filter_map(|p| match p {
                    Piece::Ref(r) => Some(r),
                    Piece::Text(_) => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `a or b or "x"` → `["a", "b", "\"x\""]` (split on the word `or` outside double quotes).
fn split_or(inner: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let bytes = inner.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => quoted = !quoted,
            b'o' if !quoted
                && inner[i..].starts_with("or")
                && i > 0
                && bytes[i - 1].is_ascii_whitespace()
                && bytes.get(i + 2).is_some_and(u8::is_ascii_whitespace) =>
            {
                parts.push(&inner[start..i]);
                start = i + 2;
                i += 2;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(&inner[start..]);
    parts
}

fn parse_fallback(text: &str) -> Result<Fallback, String> {
    let t = text.trim();
    if let Some(literal) = t.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        if literal.contains('"') {
            return Err(format!("`{t}`: a literal after `or` cannot hold a double quote"));
        }
        return Ok(Fallback::Literal(literal.to_string()));
    }
    let (name, path) = parse_reference(t)?;
    Ok(Fallback::Ref { name, path })
}

/// The value of `reference`, trying its `or` alternatives in order while the value is empty or unset. When every
/// alternative fails, the first failure is the error; when all are empty, the last empty value is the value.
pub fn resolve(resolver: &dyn Resolver, reference: &Reference) -> Result<Value, String> {
    let first = resolver.resolve(reference);
    if reference.fallbacks.is_empty() {
        return first;
    }
    let empty = |v: &Value| match v {
        Value::Str(s) => s.is_empty(),
        Value::List(l) => l.is_empty(),
        Value::Null => true,
        _ => false,
    };
    let (mut error, mut last) = (None, None);
    match first {
        Ok(v) if !empty(&v) => return Ok(v),
        Ok(v) => last = Some(v),
        Err(e) => error = Some(e),
    }
    for fallback in &reference.fallbacks {
        let (name, path) = match fallback {
            Fallback::Literal(text) => return Ok(Value::Str(text.clone())),
            Fallback::Ref { name, path } => (name, path),
        };
        let alternative =
            Reference { name: name.clone(), path: path.clone(), span: reference.span, fallbacks: Vec::new() };
        match resolver.resolve(&alternative) {
            Ok(v) if !empty(&v) => return Ok(v),
            Ok(v) => last = Some(v),
            Err(e) => {
                error.get_or_insert(e);
            }
        }
    }
    match (last, error) {
        (Some(v), _) => Ok(v),
        (None, Some(e)) => Err(e),
        (None, None) => Ok(Value::Null),
    }
}

fn parse_reference(inner: &str) -> Result<(String, Vec<Segment>), String> {
    let text = inner.trim();
    let bad = || format!("`{{{{{inner}}}}}` is not a reference (expected name, name.field or name.list[0].field)");
    let name_end = text.find(['.', '[']).unwrap_or(text.len());
    let name = &text[..name_end];
    if !is_identifier(name) {
        return Err(bad());
    }
    let mut path = Vec::new();
    let mut rest = &text[name_end..];
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            let field = &after[..end];
            if !is_identifier(field) {
                return Err(bad());
            }
            path.push(Segment::Field(field.to_string()));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']').ok_or_else(bad)?;
            let index: usize = after[..end].trim().parse().map_err(|_| bad())?;
            path.push(Segment::Index(index));
            rest = &after[end + 1..];
        } else {
            return Err(bad());
        }
    }
    Ok((name.to_string(), path))
}

pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Byte offsets of references that sit inside the author's own shell quotes.
pub fn references_inside_shell_quotes(command: &str) -> Vec<usize> {
    let Ok(pieces) = parse(command) else { return Vec::new() };
    let mut inside = Vec::new();
    let (mut single, mut double, mut escaped) = (false, false, false);
    for piece in pieces {
        match piece {
            Piece::Ref(r) => {
                if single || double {
                    inside.push(r.span.0);
                }
            }
            Piece::Text(text) => {
                for c in text.chars() {
                    if escaped {
                        escaped = false;
                        continue;
                    }
                    match c {
                        '\\' if !single => escaped = true,
                        '\'' if !double => single = !single,
                        '"' if !single => double = !double,
                        _ => {}
                    }
                }
            }
        }
    }
    inside
}

/// Quotes one word for `/bin/sh`: plain words stay readable, anything else is single-quoted.
pub fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphanumeric() || b"_./:=@%+,-".contains(&b));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Resolves a reference to a value; `Err` is a message for the user.
pub trait Resolver {
    fn resolve(&self, reference: &Reference) -> Result<Value, String>;
}

/// Renders a template as plain text (no shell involved).
pub fn render_plain(template: &str, resolver: &dyn Resolver) -> Result<String, String> {
    render(template, resolver, |v| v.to_text())
}

/// Renders a command: every reference becomes shell-quoted word(s).
pub fn render_shell(template: &str, resolver: &dyn Resolver) -> Result<String, String> {
    render(template, resolver, |v| v.to_words().iter().map(|w| shell_quote(w)).collect::<Vec<_>>().join(" "))
}

fn render(template: &str, resolver: &dyn Resolver, show: impl Fn(&Value) -> String) -> Result<String, String> {
    let pieces = parse(template).map_err(|e| e.message)?;
    let mut out = String::with_capacity(template.len());
    for piece in pieces {
        match piece {
            Piece::Text(t) => out.push_str(&t),
            Piece::Ref(r) => out.push_str(&show(&resolve(resolver, &r)?)),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(Value);
    impl Resolver for Fixed {
        fn resolve(&self, r: &Reference) -> Result<Value, String> {
            self.0.lookup(&r.path).cloned()
        }
    }

    #[test]
    fn or_falls_back_on_empty_or_unset_values_then_on_a_literal() {
        struct Named(Vec<(&'static str, Option<Value>)>);
        impl Resolver for Named {
            fn resolve(&self, r: &Reference) -> Result<Value, String> {
                match self.0.iter().find(|(n, _)| *n == r.name) {
                    Some((_, Some(v))) => v.lookup(&r.path).cloned(),
                    _ => Err(format!("`{}` has no value yet", r.name)),
                }
            }
        }
        let values = Named(vec![
            ("empty", Some(Value::Str(String::new()))),
            ("pkgs", Some(Value::List(vec![Value::Str("./internal/stock".into())]))),
            ("none", Some(Value::List(Vec::new()))),
        ]);
        let show = |t: &str| render_shell(t, &values);
        assert_eq!(show("go test {{empty or pkgs}}").unwrap(), "go test ./internal/stock");
        assert_eq!(show("go test {{unset or pkgs}}").unwrap(), "go test ./internal/stock");
        assert_eq!(show("go test {{empty or none or \"./...\"}}").unwrap(), "go test ./...");
        assert_eq!(show("x {{ empty or none }}").unwrap(), "x ");
        assert!(show("x {{unset or missing}}").unwrap_err().contains("`unset` has no value yet"));
        let r = &references("{{ packages or incident.packages or \"./...\" }}")[0];
        assert_eq!(r.names().collect::<Vec<_>>(), ["packages", "incident"]);
        assert!(parse("{{a or}}").is_err() && parse("{{a or \"x\"y\"}}").is_err());
        // `or` inside a name or a literal is not the operator.
        assert_eq!(references("{{order or \"a or b\"}}")[0].fallbacks, [Fallback::Literal("a or b".into())]);
    }

    #[test]
    fn parses_fields_and_indices() {
        let refs = references("cat {{ crash.sites[0].file }} > x");
        assert_eq!(refs[0].name, "crash");
        assert_eq!(
            refs[0].path,
            vec![Segment::Field("sites".into()), Segment::Index(0), Segment::Field("file".into())]
        );
    }

    #[test]
    fn hostile_value_is_one_inert_word() {
        let r = Fixed(Value::Str("$(rm -rf ~).go".into()));
        assert_eq!(render_shell("go vet {{f}}", &r).unwrap(), "go vet '$(rm -rf ~).go'");
        let r = Fixed(Value::Str("it's".into()));
        assert_eq!(render_shell("echo {{f}}", &r).unwrap(), r"echo 'it'\''s'");
    }

    #[test]
    fn references_inside_quotes_are_found() {
        assert_eq!(references_inside_shell_quotes("echo '{{a}}' {{b}} \"x {{c}}\""), vec![6, 22]);
        assert!(references_inside_shell_quotes("echo \\'{{a}}").is_empty());
    }

    #[test]
    fn bad_references_are_errors() {
        assert!(parse("{{ 1abc }}").is_err());
        assert!(parse("{{a[x]}}").is_err());
        assert!(parse("{{a").is_err());
    }
}
