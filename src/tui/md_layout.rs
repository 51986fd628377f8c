//! The width-dependent part of step text: Markdown tables fitted to the pane and code lines wrapped under their
//! indentation.
//!
//! `markdown.rs` parses once per step; this lays the parsed blocks out for the pane's width on each draw (tables are
//! small, so this stays cheap). A table whose columns fit is drawn with its cells wrapped inside their columns; when
//! even the narrowest sensible columns cannot fit, each row becomes a block of `header: value` lines, so nothing is
//! cut and no separator runs over several rows. Code lines wrap back to their own indentation, not to column 0.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// One cell: its styled pieces, in order.
pub type Cell = Vec<Span<'static>>;

/// A parsed table: rows of cells, the first `header_rows` of them the header.
#[derive(Debug, Default, Clone)]
pub struct Table {
    pub rows: Vec<Vec<Cell>>,
    pub header_rows: usize,
}

/// Styles a table needs: the header's and the separators'.
#[derive(Debug, Clone, Copy)]
pub struct TableStyle {
    pub header: Style,
    pub rule: Style,
}

const SEPARATOR: &str = " │ ";
/// Columns narrower than this are unreadable: below it the table turns into `header: value` blocks.
const NARROWEST_COLUMN: usize = 6;
/// A column wants at least its longest word, up to this many cells (longer words are broken).
const WIDEST_WORD: usize = 16;

fn cell_width(cell: &Cell) -> usize {
    cell.iter().map(|s| s.content.width()).sum()
}

fn longest_word(cell: &Cell) -> usize {
    cell.iter().flat_map(|s| s.content.split_whitespace()).map(UnicodeWidthStr::width).max().unwrap_or(0)
}

/// Lays `table` out in at most `width` cells per line.
pub fn table_lines(table: &Table, width: usize, style: TableStyle) -> Vec<Line<'static>> {
    let columns = table.rows.iter().map(Vec::len).max().unwrap_or(0);
    if columns == 0 {
        return Vec::new();
    }
    let column = |c: usize| table.rows.iter().filter_map(move |r| r.get(c));
    let natural: Vec<usize> = (0..columns).map(|c| column(c).map(cell_width).max().unwrap_or(0)).collect();
    let seps = SEPARATOR.width() * (columns - 1);
    if natural.iter().sum::<usize>() + seps <= width {
        return grid(table, &natural, style);
    }
    let least: Vec<usize> = (0..columns)
        .map(|c| {
            let word = column(c).map(longest_word).max().unwrap_or(0).min(WIDEST_WORD);
            word.max(NARROWEST_COLUMN).min(natural[c].max(1))
        })
        .collect();
    if least.iter().sum::<usize>() + seps > width {
        return blocks(table, width, style);
    }
    grid(table, &share(&natural, least, width - seps), style)
}

/// Grows each column from `least` towards `natural`, in proportion to what it still wants, within `room` cells.
fn share(natural: &[usize], mut widths: Vec<usize>, room: usize) -> Vec<usize> {
    let mut spare = room.saturating_sub(widths.iter().sum());
    while spare > 0 {
        let want: Vec<usize> = natural.iter().zip(&widths).map(|(n, w)| n.saturating_sub(*w)).collect();
        let total: usize = want.iter().sum();
        if total == 0 {
            break;
        }
        let mut given = 0;
        for (w, want) in widths.iter_mut().zip(&want) {
            let add = (want * spare / total).min(*want);
            *w += add;
            given += add;
        }
        if given == 0 {
            // Rounding gave nobody anything: one cell to the column that wants most.
            if let Some((c, _)) = want.iter().enumerate().max_by_key(|(_, w)| **w) {
                widths[c] += 1;
                given = 1;
            }
        }
        spare -= given.min(spare);
    }
    widths
}

fn grid(table: &Table, widths: &[usize], style: TableStyle) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (r, row) in table.rows.iter().enumerate() {
        let header = r < table.header_rows;
        let wrapped: Vec<Vec<Cell>> = widths
            .iter()
            .enumerate()
            .map(|(c, w)| {
                let cell = row.get(c).cloned().unwrap_or_default();
                let cell = if header { cell.into_iter().map(|s| s.patch_style(style.header)).collect() } else { cell };
                wrap(&cell, *w, 0)
            })
            .collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        for i in 0..height {
            let mut spans = Vec::new();
            for (c, w) in widths.iter().enumerate() {
                if c > 0 {
                    spans.push(Span::styled(SEPARATOR, style.rule));
                }
                let piece = wrapped[c].get(i).cloned().unwrap_or_default();
                let pad = w.saturating_sub(cell_width(&piece));
                spans.extend(piece);
                if c + 1 < widths.len() && pad > 0 {
                    spans.push(Span::raw(" ".repeat(pad)));
                }
            }
            trim_end(&mut spans);
            lines.push(Line::from(spans));
        }
        if r + 1 == table.header_rows {
            let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
            lines.push(Line::styled(rule.join("─┼─"), style.rule));
        }
    }
    lines
}

/// Each body row as `header: value` lines, rows apart by a blank line.
fn blocks(table: &Table, width: usize, style: TableStyle) -> Vec<Line<'static>> {
    let headers: Vec<String> = match table.header_rows {
        0 => Vec::new(),
        _ => table.rows[0].iter().map(|c| c.iter().map(|s| s.content.as_ref()).collect()).collect(),
    };
    let mut lines = Vec::new();
    for row in table.rows.iter().skip(table.header_rows) {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        for (c, cell) in row.iter().enumerate() {
            let mut spans: Cell = Vec::new();
            if let Some(h) = headers.get(c).filter(|h| !h.trim().is_empty()) {
                spans.push(Span::styled(format!("{}: ", h.trim()), style.header));
            }
            spans.extend(cell.iter().cloned());
            lines.extend(wrap(&spans, width, 2).into_iter().map(Line::from));
        }
    }
    lines
}

/// Wraps styled text into pieces of at most `width` cells, at spaces where it can and inside words where it must;
/// pieces after the first start with `hang` spaces. Always returns at least one piece.
pub fn wrap(spans: &[Span<'static>], width: usize, hang: usize) -> Vec<Cell> {
    let width = width.max(1);
    let hang = if hang >= width { 0 } else { hang };
    // Split into words and runs of spaces, each keeping its style.
    let mut tokens: Vec<(String, Style, bool)> = Vec::new();
    for span in spans {
        let mut word = String::new();
        let mut space = None;
        for ch in span.content.chars() {
            let is_space = ch == ' ';
            if space.is_some_and(|s| s != is_space) && !word.is_empty() {
                tokens.push((std::mem::take(&mut word), span.style, !is_space));
            }
            space = Some(is_space);
            word.push(ch);
        }
        if !word.is_empty() {
            tokens.push((word, span.style, space.unwrap_or(false)));
        }
    }
    let mut pieces: Vec<Cell> = vec![Vec::new()];
    let mut used = 0;
    for (text, style, is_space) in tokens {
        let w = text.width();
        if used + w <= width {
            push(&mut pieces, Span::styled(text, style));
            used += w;
            continue;
        }
        if is_space {
            // A break: the spaces are dropped, the next word starts the next piece.
            pieces.push(indent(hang));
            used = hang;
            continue;
        }
        if used > hang && w <= width - hang {
            pieces.push(indent(hang));
            used = hang;
            push(&mut pieces, Span::styled(text, style));
            used += w;
            continue;
        }
        // Too long for any piece: break inside it.
        let mut part = String::new();
        for ch in text.chars() {
            let cw = ch.width().unwrap_or(0);
            if used + cw > width && used > hang {
                push(&mut pieces, Span::styled(std::mem::take(&mut part), style));
                pieces.push(indent(hang));
                used = hang;
            }
            part.push(ch);
            used += cw;
        }
        push(&mut pieces, Span::styled(part, style));
    }
    for piece in &mut pieces {
        trim_end(piece);
    }
    while pieces.len() > 1 && pieces.last().is_some_and(|p| p.iter().all(|s| s.content.trim().is_empty())) {
        pieces.pop();
    }
    pieces
}

/// Drops the spaces a piece ends with (where it broke), and pieces of nothing.
fn trim_end(piece: &mut Cell) {
    while let Some(last) = piece.last_mut() {
        let kept = last.content.trim_end_matches(' ').len();
        if kept == 0 {
            piece.pop();
        } else {
            if kept < last.content.len() {
                last.content = last.content[..kept].to_string().into();
            }
            break;
        }
    }
    piece.retain(|s| !s.content.is_empty());
}

fn push(pieces: &mut [Cell], span: Span<'static>) {
    if let Some(piece) = pieces.last_mut() {
        piece.push(span);
    }
}

fn indent(n: usize) -> Cell {
    if n == 0 {
        Vec::new()
    } else {
        vec![Span::raw(" ".repeat(n))]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect::<String>()).collect()
    }

    fn table(rows: &[&[&str]]) -> Table {
        Table {
            rows: rows.iter().map(|r| r.iter().map(|c| vec![Span::raw(c.to_string())]).collect()).collect(),
            header_rows: 1,
        }
    }

    fn style() -> TableStyle {
        TableStyle { header: Style::new(), rule: Style::new() }
    }

    #[test]
    fn a_table_that_fits_keeps_one_line_per_row() {
        let t = table(&[&["a", "bb"], &["ccc", "d"]]);
        assert_eq!(plain(&table_lines(&t, 40, style())), vec!["a   │ bb", "────┼───", "ccc │ d"]);
    }

    #[test]
    fn cells_wrap_inside_their_columns_and_no_line_is_wider_than_the_pane() {
        let t = table(&[
            &["the map is…", "use", "why"],
            &["read far more often than written (config, routing tables)", "`sync.RWMutex`", "readers in parallel"],
        ]);
        let lines = table_lines(&t, 50, style());
        let text = plain(&lines);
        assert!(lines.iter().all(|l| l.width() <= 50), "{text:#?}");
        // The rule is one line, and every line has the same two separators, aligned.
        assert_eq!(text.iter().filter(|l| l.contains('┼')).count(), 1, "{text:#?}");
        let at: Vec<Option<usize>> =
            text.iter().filter(|l| !l.contains('┼')).map(|l| l.chars().position(|c| c == '│')).collect();
        assert!(at.windows(2).all(|w| w[0] == w[1]), "{text:#?}");
        assert!(text.iter().any(|l| l.starts_with("read far more")), "{text:#?}");
        assert!(text.len() > 3, "{text:#?}");
    }

    #[test]
    fn a_table_too_wide_for_its_columns_becomes_header_value_blocks() {
        let t = table(&[&["the map is…", "use", "why"], &["hot: contention", "sharded map", "independent locks"]]);
        let text = plain(&table_lines(&t, 20, style()));
        assert_eq!(text, vec!["the map is…: hot:", "  contention", "use: sharded map", "why: independent", "  locks"],);
    }

    #[test]
    fn a_word_longer_than_the_width_is_broken_not_lost() {
        let text: Vec<String> = wrap(&[Span::raw("abcdefghij")], 4, 0)
            .iter()
            .map(|p| p.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        assert_eq!(text, vec!["abcd", "efgh", "ij"]);
    }
}
