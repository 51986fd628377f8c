//! `{{name.field[0]}}` templates, and the shell quoting that makes captured values inert.
//!
//! A value captured from a log (a file name, a function) can contain anything, including `$(rm -rf ~)`. In a
//! command every reference therefore becomes one single-quoted shell word (a list: several words), and a reference
//! written inside the author's own shell quotes is refused, because there our quoting could not be trusted.

use super::value::{Segment, Value};

/// A parsed `{{…}}` reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub name: String,
    pub path: Vec<Segment>,
    /// Byte range of the whole `{{…}}` in the template.
    pub span: (usize, usize),
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
        let (name, path) = parse_reference(inner).map_err(|message| TemplateError { offset: start, message })?;
        pieces.push(Piece::Ref(Reference { name, path, span: (start, end) }));
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
            Piece::Ref(r) => out.push_str(&show(&resolver.resolve(&r)?)),
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
