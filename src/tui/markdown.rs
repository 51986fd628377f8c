//! Step text (Markdown) to styled terminal lines: headings, paragraphs, lists, tables, quotes, inline code and
//! fenced code blocks (Go highlighted, see `highlight.rs`).
//!
//! Parsed once per step when the UI starts, not per frame: `draw` must stay cheap while output streams in.
//! Prose wrapping is left to the pane (`Paragraph` with `Wrap`); tables and code lines are kept as blocks that
//! `md_layout.rs` lays out for the pane's width (`Doc::lines`), because their columns and indentation must hold.

use super::highlight;
use super::md_layout::{self, Table, TableStyle};
use super::theme::Theme;
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

/// A step's text, parsed: lines that the pane wraps itself, code lines and tables laid out for its width.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    blocks: Vec<Block>,
    table_style: Option<TableStyle>,
}

#[derive(Debug, Clone)]
enum Block {
    Line(Line<'static>),
    Code(Line<'static>),
    Table(Table),
}

impl Block {
    fn is_blank(&self) -> bool {
        matches!(self, Block::Line(l) if l.spans.is_empty())
    }
}

impl From<Line<'static>> for Block {
    fn from(line: Line<'static>) -> Block {
        Block::Line(line)
    }
}

impl Doc {
    /// The lines to show in a pane `width` cells wide.
    pub fn lines(&self, width: usize) -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        for block in &self.blocks {
            match block {
                Block::Line(line) => lines.push(line.clone()),
                Block::Code(line) => lines.extend(super::md_code::code_lines(line, width)),
                Block::Table(table) => {
                    let style = self.table_style.unwrap_or(TableStyle { header: Style::new(), rule: Style::new() });
                    lines.extend(md_layout::table_lines(table, width, style));
                }
            }
        }
        lines
    }
}

pub fn parse(markdown: &str, theme: &Theme) -> Doc {
    let mut r = Renderer {
        theme,
        lines: Vec::new(),
        current: Vec::new(),
        styles: Vec::new(),
        lists: Vec::new(),
        item_prefix: None,
        quote_depth: 0,
        code: None,
        table: None,
        link_depth: 0,
    };
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    for event in Parser::new_ext(markdown, options) {
        r.event(event);
    }
    r.flush();
    while r.lines.last().is_some_and(Block::is_blank) {
        r.lines.pop();
    }
    Doc { blocks: r.lines, table_style: Some(TableStyle { header: theme.bold(), rule: theme.muted() }) }
}

struct Renderer<'t> {
    theme: &'t Theme,
    lines: Vec<Block>,
    current: Vec<Span<'static>>,
    styles: Vec<Style>,
    /// One entry per open list: the next number for ordered lists.
    lists: Vec<Option<u64>>,
    /// Prefix for the first line of a list item, written when its text arrives.
    item_prefix: Option<String>,
    quote_depth: usize,
    code: Option<(String, String)>,
    table: Option<Table>,
    link_depth: usize,
}

impl<'t> Renderer<'t> {
    fn style(&self) -> Style {
        self.styles.iter().fold(Style::new(), |acc, s| acc.patch(*s))
    }

    fn push_text(&mut self, text: String, style: Style) {
        if let Some(code) = &mut self.code {
            code.1.push_str(&text);
            return;
        }
        if let Some(table) = &mut self.table {
            if let Some(cell) = table.rows.last_mut().and_then(|r| r.last_mut()) {
                cell.push(Span::styled(text, style));
            }
            return;
        }
        if self.current.is_empty() {
            if self.quote_depth > 0 {
                self.current.push(Span::styled("│ ".repeat(self.quote_depth), self.theme.muted()));
            }
            let indent = "  ".repeat(self.lists.len().saturating_sub(1));
            match self.item_prefix.take() {
                Some(prefix) => self.current.push(Span::styled(format!("{indent}{prefix}"), self.theme.muted())),
                None if !self.lists.is_empty() => self.current.push(Span::raw(format!("{indent}  "))),
                None => {}
            }
        }
        self.current.push(Span::styled(text, style));
    }

    fn flush(&mut self) {
        if !self.current.is_empty() {
            self.lines.push(Line::from(std::mem::take(&mut self.current)).into());
        }
    }

    fn blank(&mut self) {
        self.flush();
        if self.lists.is_empty() && self.lines.last().is_some_and(|l| !l.is_blank()) {
            self.lines.push(Line::default().into());
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => {
                let style = self.style();
                self.push_text(text.into_string(), style);
            }
            Event::Code(code) => {
                let style = self.style().patch(self.theme.code());
                self.push_text(code.into_string(), style);
            }
            Event::SoftBreak => {
                let style = self.style();
                self.push_text(" ".into(), style);
            }
            Event::HardBreak => self.flush(),
            Event::Rule => {
                self.blank();
                self.lines.push(Line::styled("─".repeat(20), self.theme.muted()).into());
                self.blank();
            }
            Event::TaskListMarker(done) => {
                let style = self.style();
                self.push_text(if done { "[x] " } else { "[ ] " }.into(), style);
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                let style = self.theme.muted();
                self.push_text(html.trim_end().to_string(), style);
            }
            Event::FootnoteReference(name) => {
                let style = self.style();
                self.push_text(format!("[{name}]"), style);
            }
            Event::InlineMath(m) | Event::DisplayMath(m) => {
                let style = self.theme.code();
                self.push_text(m.into_string(), style);
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Heading { level, .. } => {
                self.blank();
                let mut style = self.theme.heading();
                if level == HeadingLevel::H1 {
                    style = style.add_modifier(Modifier::UNDERLINED);
                }
                self.styles.push(style);
            }
            Tag::Paragraph => {
                if self.lists.is_empty() {
                    self.blank();
                } else if self.item_prefix.is_none() {
                    self.flush();
                }
            }
            Tag::BlockQuote(_) => {
                self.blank();
                self.quote_depth += 1;
            }
            Tag::CodeBlock(kind) => {
                self.blank();
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or("").to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, String::new()));
            }
            Tag::List(first) => {
                if self.lists.is_empty() {
                    self.blank();
                } else {
                    self.flush();
                }
                self.lists.push(first);
            }
            Tag::Item => {
                self.flush();
                let prefix = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}. ", *n - 1)
                    }
                    _ => "• ".to_string(),
                };
                self.item_prefix = Some(prefix);
            }
            Tag::Emphasis => self.styles.push(Style::new().add_modifier(Modifier::ITALIC)),
            Tag::Strong => self.styles.push(Style::new().add_modifier(Modifier::BOLD)),
            Tag::Strikethrough => self.styles.push(Style::new().add_modifier(Modifier::CROSSED_OUT)),
            Tag::Link { .. } => {
                self.link_depth += 1;
                self.styles.push(Style::new().add_modifier(Modifier::UNDERLINED));
            }
            Tag::Table(_) => {
                self.blank();
                self.table = Some(Table::default());
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(t) = &mut self.table {
                    t.rows.push(Vec::new());
                }
            }
            Tag::TableCell => {
                if let Some(row) = self.table.as_mut().and_then(|t| t.rows.last_mut()) {
                    row.push(Vec::new());
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) => {
                self.styles.pop();
                self.flush();
                self.lines.push(Line::default().into());
            }
            TagEnd::Paragraph => {
                self.flush();
                if self.lists.is_empty() && self.quote_depth == 0 {
                    self.lines.push(Line::default().into());
                }
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.quote_depth = self.quote_depth.saturating_sub(1);
            }
            TagEnd::CodeBlock => {
                if let Some((lang, code)) = self.code.take() {
                    self.code_block(&lang, &code);
                }
                if self.lists.is_empty() {
                    self.lines.push(Line::default().into());
                }
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
                if self.lists.is_empty() {
                    self.lines.push(Line::default().into());
                }
            }
            TagEnd::Item => {
                self.flush();
                self.item_prefix = None;
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => {
                self.styles.pop();
            }
            TagEnd::Link => {
                self.link_depth = self.link_depth.saturating_sub(1);
                self.styles.pop();
            }
            TagEnd::TableHead => {
                if let Some(t) = &mut self.table {
                    t.header_rows = t.rows.len();
                }
            }
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    self.table_lines(table);
                }
                self.lines.push(Line::default().into());
            }
            _ => {}
        }
    }

    fn code_block(&mut self, lang: &str, code: &str) {
        let indent = "  ".repeat(self.lists.len() + 1);
        let lines = highlight::highlight(code, lang, self.theme)
            .unwrap_or_else(|| code.lines().map(|l| Line::styled(l.to_string(), self.theme.code())).collect());
        for line in lines {
            let mut spans = vec![Span::raw(indent.clone())];
            spans.extend(line.spans);
            self.lines.push(Block::Code(Line::from(spans)));
        }
    }

    fn table_lines(&mut self, table: Table) {
        self.lines.push(Block::Table(table));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::text::Text;

    /// The text laid out for a pane of unbounded width (one line per table row, code lines whole).
    fn render(markdown: &str, theme: &Theme) -> Text<'static> {
        Text::from(parse(markdown, theme).lines(usize::MAX / 4))
    }

    fn plain(text: &Text<'_>) -> Vec<String> {
        text.lines.iter().map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect::<String>()).collect()
    }

    #[test]
    fn lists_tables_and_code_become_aligned_lines() {
        let md = "# Title\n\nSome *text*.\n\n- one\n- two\n  1. nested\n\n| a | bb |\n|---|---|\n| ccc | d |\n\n```sh\nls -l\n```\n";
        let lines = plain(&render(md, &Theme::plain()));
        assert_eq!(
            lines,
            vec![
                "Title",
                "",
                "Some text.",
                "",
                "• one",
                "• two",
                "  1. nested",
                "",
                "a   │ bb",
                "────┼───",
                "ccc │ d",
                "",
                "  ls -l",
            ]
        );
    }
}
