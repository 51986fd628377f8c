//! Syntax highlighting of code blocks in step text (Go above all), with syntect's grammars.
//!
//! syntect's bundled themes paint RGB colours chosen for one background; ours must read on light and dark
//! terminals, so this builds a theme whose "colours" are ANSI palette indices in disguise (alpha 0, index in red,
//! the trick `bat` uses) and maps them back to the terminal's own palette. Without colour, code stays plain.
//!
//! The source view highlights only the lines on screen, but a line's colours depend on every line above it (a
//! raw string or a comment opened 500 lines up). So it keeps `Checkpoint`s, the highlighter's state at the start
//! of every `CHECKPOINT_EVERY`th line, and paints the window from the nearest one above it.

use super::theme::Theme;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use std::sync::OnceLock;
use syntect::easy::HighlightLines;
use syntect::highlighting::HighlightState;
use syntect::highlighting::{Color as SynColor, FontStyle, StyleModifier, Theme as SynTheme, ThemeItem, ThemeSettings};
use syntect::parsing::{ParseState, SyntaxReference, SyntaxSet};

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// An ANSI palette index disguised as a syntect colour.
const fn ansi(index: u8) -> SynColor {
    SynColor { r: index, g: 0, b: 0, a: 0 }
}

/// The terminal's default foreground.
const DEFAULT_FG: SynColor = SynColor { r: 0, g: 0, b: 0, a: 1 };

fn ansi_theme() -> &'static SynTheme {
    static THEME: OnceLock<SynTheme> = OnceLock::new();
    THEME.get_or_init(|| {
        let rules: [(&str, u8, FontStyle); 7] = [
            ("comment", 8, FontStyle::ITALIC),
            ("string, constant.character", 2, FontStyle::empty()),
            ("constant.numeric, constant.language", 4, FontStyle::empty()),
            // Go's grammar scopes `func`, `var` and built-in types alike as storage.type.
            ("keyword, storage.modifier, storage.type", 5, FontStyle::empty()),
            ("support.type, entity.name.type", 6, FontStyle::empty()),
            ("entity.name.function, support.function", 4, FontStyle::empty()),
            ("invalid", 1, FontStyle::empty()),
        ];
        let scopes = rules
            .iter()
            .filter_map(|(selector, index, font)| {
                // The selectors are constants above; one that failed to parse would only lose its colour.
                let scope = selector.parse().ok()?;
                let style = StyleModifier { foreground: Some(ansi(*index)), background: None, font_style: Some(*font) };
                Some(ThemeItem { scope, style })
            })
            .collect();
        SynTheme {
            settings: ThemeSettings { foreground: Some(DEFAULT_FG), ..ThemeSettings::default() },
            scopes,
            ..SynTheme::default()
        }
    })
}

fn to_color(c: SynColor) -> Option<Color> {
    if c.a != 0 {
        return None;
    }
    Some(match c.r {
        0 => Color::Black,
        1 => Color::Red,
        2 => Color::Green,
        3 => Color::Yellow,
        4 => Color::Blue,
        5 => Color::Magenta,
        6 => Color::Cyan,
        7 => Color::Gray,
        8 => Color::DarkGray,
        n => Color::Indexed(n),
    })
}

/// Lines between two checkpoints.
pub const CHECKPOINT_EVERY: usize = 256;

/// The highlighter's state at the start of a line.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint {
    parse: ParseState,
    highlight: HighlightState,
}

/// The grammar for a file, from its extension (`go`, `rs`, `sh`, …); `None` leaves it plain.
pub fn syntax_for(path: &std::path::Path) -> Option<&'static SyntaxReference> {
    let ext = path.extension()?.to_str()?;
    syntaxes().find_syntax_by_extension(ext)
}

/// The state before the first line of a file in `syntax`.
pub fn start(syntax: &SyntaxReference) -> Checkpoint {
    let lines = HighlightLines::new(syntax, ansi_theme());
    let (highlight, parse) = lines.state();
    Checkpoint { parse, highlight }
}

/// Highlights `lines` (without terminators) from `state`, leaving `state` after the last of them. A line the
/// grammar cannot handle comes out plain, and the state moves on regardless.
pub fn paint<'a>(state: &mut Checkpoint, lines: impl IntoIterator<Item = &'a str>) -> Vec<Line<'static>> {
    let set = syntaxes();
    let mut out = Vec::new();
    let mut highlighter = HighlightLines::from_state(ansi_theme(), state.highlight.clone(), state.parse.clone());
    for line in lines {
        let with_newline = format!("{line}\n");
        match highlighter.highlight_line(&with_newline, set) {
            Ok(regions) => {
                out.push(Line::from(regions.into_iter().map(|(style, text)| span(style, text)).collect::<Vec<_>>()))
            }
            Err(_) => out.push(Line::raw(line.to_string())),
        }
    }
    let (highlight, parse) = highlighter.state();
    *state = Checkpoint { parse, highlight };
    out
}

/// The checkpoints of a text from `first` on: `first` itself, then the state every `CHECKPOINT_EVERY` lines.
pub fn checkpoints<'a>(mut state: Checkpoint, lines: impl IntoIterator<Item = &'a str>) -> Vec<Checkpoint> {
    let mut out = vec![state.clone()];
    let mut chunk = Vec::with_capacity(CHECKPOINT_EVERY);
    for line in lines {
        chunk.push(line);
        if chunk.len() == CHECKPOINT_EVERY {
            paint(&mut state, chunk.drain(..));
            out.push(state.clone());
        }
    }
    out
}

fn span(style: syntect::highlighting::Style, text: &str) -> Span<'static> {
    let mut s = Style::new();
    if let Some(fg) = to_color(style.foreground) {
        s = s.fg(fg);
    }
    if style.font_style.contains(FontStyle::ITALIC) {
        s = s.add_modifier(Modifier::ITALIC);
    }
    Span::styled(text.trim_end_matches(['\n', '\r']).replace('\t', "    "), s)
}

/// Highlighted lines of `code` in language `lang` (a fence's info word: `go`, `sh`, …); `None` when the language
/// is unknown or colour is off, and the caller shows the code plain.
pub fn highlight(code: &str, lang: &str, theme: &Theme) -> Option<Vec<Line<'static>>> {
    if !theme.color || lang.is_empty() {
        return None;
    }
    let set = syntaxes();
    let syntax = set.find_syntax_by_token(lang)?;
    let mut lines = HighlightLines::new(syntax, ansi_theme());
    let mut out = Vec::new();
    for line in syntect::util::LinesWithEndings::from(code) {
        let regions = lines.highlight_line(line, set).ok()?;
        let spans = regions
            .into_iter()
            .map(|(style, text)| {
                let mut s = Style::new();
                if let Some(fg) = to_color(style.foreground) {
                    s = s.fg(fg);
                }
                if style.font_style.contains(FontStyle::ITALIC) {
                    s = s.add_modifier(Modifier::ITALIC);
                }
                Span::styled(text.trim_end_matches(['\n', '\r']).to_string(), s)
            })
            .collect::<Vec<_>>();
        out.push(Line::from(spans));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_keywords_and_strings_get_palette_colours() {
        let lines = highlight("func main() {\n\tfmt.Println(\"hi\")\n}\n", "go", &Theme::colored()).unwrap();
        assert_eq!(lines.len(), 3);
        let func = lines[0].spans.iter().find(|s| s.content == "func").unwrap();
        assert_eq!(func.style.fg, Some(Color::Magenta));
        let string = lines[1].spans.iter().find(|s| s.content.contains("hi")).unwrap();
        assert_eq!(string.style.fg, Some(Color::Green));
    }

    #[test]
    fn a_raw_string_opened_above_a_checkpoint_colours_the_lines_below_it() {
        let syntax = syntax_for(std::path::Path::new("x.go")).unwrap();
        let mut text = vec!["package main", "var s = `"];
        text.extend(std::iter::repeat_n("func inside() {}", CHECKPOINT_EVERY + 10));
        let marks = checkpoints(start(syntax), text.iter().copied());
        assert_eq!(marks.len(), 2);
        let mut from_mark = marks[1].clone();
        let painted = paint(&mut from_mark, [text[CHECKPOINT_EVERY]]);
        let mut from_top = start(syntax);
        let all = paint(&mut from_top, text.iter().copied());
        assert_eq!(painted[0], all[CHECKPOINT_EVERY]);
        let func = painted[0].spans.iter().find(|s| s.content.contains("func")).unwrap();
        assert_eq!(func.style.fg, Some(Color::Green), "still inside the raw string");
    }

    #[test]
    fn no_colour_means_plain_code() {
        assert!(highlight("package main\n", "go", &Theme::plain()).is_none());
    }
}
