//! A line of a code block in a pane too narrow for it (issue 15: a trailing `// comment` wrapped to column 0,
//! where it read as code). The code wraps with its continuations indented two more than the line, and a `//`
//! comment goes on rows of its own at the line's indentation, each starting with `// `, so a wrapped comment
//! still reads as a comment.

use super::md_layout::{wrap, Cell};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

/// Extra indentation of a wrapped code line's continuation rows.
const HANG: usize = 2;

/// A code line wrapped to `width` columns.
pub fn code_lines(line: &Line<'static>, width: usize) -> Vec<Line<'static>> {
    if line.width() <= width {
        return vec![line.clone()];
    }
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let lead = text.width() - text.trim_start().width();
    let Some(at) = comment_start(&text) else {
        return wrap(&line.spans, width, lead + HANG).into_iter().map(Line::from).collect();
    };
    let (code, comment) = split_at(&line.spans, at);
    let mut rows: Vec<Line<'static>> = Vec::new();
    if !text[..at].trim().is_empty() {
        let code = trim_end(code);
        rows.extend(wrap(&code, width, lead + HANG).into_iter().map(Line::from));
    }
    // The comment's words, without its `//`, on rows that each start with `// ` at the line's indentation.
    let style = comment.first().map(|s| s.style).unwrap_or_default();
    let (_, body) = split_at(&comment, 2);
    let body: Vec<Span<'static>> = trim_start(body);
    let column = if lead + 3 + 8 <= width { lead } else { 0 };
    let room = width.saturating_sub(column + 3).max(1);
    for piece in wrap(&body, room, 0) {
        let mut spans = vec![Span::raw(" ".repeat(column)), Span::styled("// ", style)];
        spans.extend(piece);
        rows.push(Line::from(spans));
    }
    rows
}

/// Where a `//` comment starts (a byte index), outside string literals and not part of a URL (`https://`).
fn comment_start(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == b'\\' && q != b'`' => i += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if matches!(b, b'"' | b'`' | b'\'') => quote = Some(b),
            None if b == b'/' && bytes.get(i + 1) == Some(&b'/') && (i == 0 || bytes[i - 1] != b':') => return Some(i),
            None => {}
        }
        i += 1;
    }
    None
}

/// The spans up to byte `at` of their joined text, and the rest.
fn split_at(spans: &[Span<'static>], at: usize) -> (Cell, Cell) {
    let (mut before, mut after) = (Vec::new(), Vec::new());
    let mut offset = 0;
    for span in spans {
        let len = span.content.len();
        if offset + len <= at {
            before.push(span.clone());
        } else if offset >= at {
            after.push(span.clone());
        } else {
            let cut = at - offset;
            before.push(Span::styled(span.content[..cut].to_string(), span.style));
            after.push(Span::styled(span.content[cut..].to_string(), span.style));
        }
        offset += len;
    }
    (before, after)
}

fn trim_end(mut spans: Cell) -> Cell {
    while let Some(last) = spans.last_mut() {
        let trimmed = last.content.trim_end().to_string();
        if trimmed.is_empty() {
            spans.pop();
        } else {
            last.content = trimmed.into();
            break;
        }
    }
    spans
}

fn trim_start(spans: Cell) -> Cell {
    let mut out = Vec::new();
    let mut started = false;
    for span in spans {
        if started {
            out.push(span);
            continue;
        }
        let trimmed = span.content.trim_start().to_string();
        if !trimmed.is_empty() {
            started = true;
            out.push(Span::styled(trimmed, span.style));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect::<String>()).collect()
    }

    #[test]
    fn a_long_comment_wraps_as_comment_rows_under_its_indentation() {
        let line = Line::from("    // a comment that is much too long for the pane");
        let text = plain(&code_lines(&line, 24));
        assert_eq!(text, vec!["    // a comment that is", "    // much too long for", "    // the pane"]);
    }

    #[test]
    fn a_trailing_comment_goes_on_its_own_row_never_at_column_0_as_code() {
        let line = Line::from("var sessions = map[string]*Session{}            // shared by every request");
        let text = plain(&code_lines(&line, 40));
        assert_eq!(text, vec!["var sessions = map[string]*Session{}", "// shared by every request"]);
        let line = Line::from("\tsessions[r.Header.Get(\"X-Session\")] = load(r) // concurrent map writes");
        let text = plain(&code_lines(&Line::from(line.to_string().replace('\t', "    ")), 36));
        assert_eq!(
            text,
            vec!["    sessions[r.Header.Get(\"X-Session", "      \")] = load(r)", "    // concurrent map writes"]
        );
    }

    #[test]
    fn code_without_a_comment_hangs_two_columns_and_urls_are_not_comments() {
        let line = Line::from("fetch(\"https://example.com/a/very/long/path\", timeout)");
        let text = plain(&code_lines(&line, 30));
        assert!(text.iter().skip(1).all(|l| l.starts_with("  ")), "{text:?}");
        assert!(text.iter().all(|l| !l.trim_start().starts_with("//")), "{text:?}");
    }
}
