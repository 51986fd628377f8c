//! Cutting text to a width in terminal columns, for every place that draws a line into a fixed space (panes,
//! result rows, gutters, titles). Its own module because both the result rows (`results/`, built when a result
//! arrives) and the drawing code (`view/`) need it, and neither should depend on the other for it.

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

#[cfg(test)]
mod tests {
    use super::truncate;

    #[test]
    fn cuts_by_columns_and_marks_the_cut() {
        assert_eq!(truncate("main.go", 10), "main.go");
        assert_eq!(truncate("pkg/cache/cache.go", 10), "pkg/cache…");
        // A wide character takes two columns: it is not split, and the mark still fits.
        assert_eq!(truncate("日本語のテキスト", 7), "日本語…");
        assert_eq!(truncate("abc", 0), "");
    }
}
