//! Cutting text to a width in terminal columns, for every place that draws a line into a fixed space (panes,
//! result rows, gutters, titles). Its own module because both the result rows (`results/`, built when a result
//! arrives) and the drawing code (`view/`) need it, and neither should depend on the other for it. Sideways
//! scrolling (`h`/`l` in the output, result lists and the source view) cuts columns off the left here too.

use ratatui::text::Span;
use unicode_width::UnicodeWidthStr;

/// Cuts text to `width` columns, ending with `…` when it was cut.
pub fn truncate(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// The spans of a line without their first `left` columns (sideways scrolling): a wide character cut in half
/// becomes a space, so the columns after it stay where they were.
pub fn skip_columns(spans: &[Span<'static>], left: usize) -> Vec<Span<'static>> {
    if left == 0 {
        return spans.to_vec();
    }
    let mut skipped = 0;
    let mut out = Vec::new();
    for span in spans {
        if skipped >= left {
            out.push(span.clone());
            continue;
        }
        let mut kept = String::new();
        for c in span.content.chars() {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if skipped >= left {
                kept.push(c);
            } else if skipped + w > left {
                kept.push(' ');
                skipped = left;
            } else {
                skipped += w;
            }
        }
        if !kept.is_empty() {
            out.push(Span::styled(kept, span.style));
        }
    }
    out
}

/// Greedy word wrap to `width` columns; a word longer than a line is cut where the line ends.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in text.split(' ') {
        if used > 0 && used + 1 + unicode_width::UnicodeWidthStr::width(word) > width {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        if used > 0 {
            line.push(' ');
            used += 1;
        }
        for c in word.chars() {
            let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if used + cw > width && used > 0 {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += cw;
        }
    }
    lines.push(line);
    lines
}

/// `1 row`, `2 rows`: a count with its noun in the number it needs (plural by `s`).
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Columns of a line of spans.
pub fn spans_width(spans: &[Span<'_>]) -> usize {
    spans.iter().map(|s| s.content.width()).sum()
}

#[cfg(test)]
mod tests {
    use super::{skip_columns, truncate};
    use ratatui::text::Span;

    #[test]
    fn skipping_columns_keeps_styles_and_the_columns_after_a_cut_wide_char() {
        let spans = vec![Span::raw("ab"), Span::raw("日c")];
        let texts = |s: Vec<Span<'static>>| s.iter().map(|s| s.content.to_string()).collect::<Vec<_>>();
        assert_eq!(texts(skip_columns(&spans, 1)), ["b", "日c"]);
        assert_eq!(texts(skip_columns(&spans, 3)), [" c"]);
        assert_eq!(texts(skip_columns(&spans, 9)), Vec::<String>::new());
    }

    #[test]
    fn cuts_by_columns_and_marks_the_cut() {
        assert_eq!(truncate("main.go", 10), "main.go");
        assert_eq!(truncate("pkg/cache/cache.go", 10), "pkg/cache…");
        // A wide character takes two columns: it is not split, and the mark still fits.
        assert_eq!(truncate("日本語のテキスト", 7), "日本語…");
        assert_eq!(truncate("abc", 0), "");
    }
}
