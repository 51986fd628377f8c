//! Syntax highlighting of code blocks in step text (Go above all), with syntect's grammars.
//!
//! syntect's bundled themes paint RGB colours chosen for one background; ours must read on light and dark
//! terminals, so this builds a theme whose "colours" are ANSI palette indices in disguise (alpha 0, index in red,
//! the trick `bat` uses) and maps them back to the terminal's own palette. Without colour, code stays plain.

use super::theme::Theme;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use std::sync::OnceLock;
use syntect::easy::HighlightLines;
use syntect::highlighting::{Color as SynColor, FontStyle, StyleModifier, Theme as SynTheme, ThemeItem, ThemeSettings};
use syntect::parsing::SyntaxSet;

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
    fn no_colour_means_plain_code() {
        assert!(highlight("package main\n", "go", &Theme::plain()).is_none());
    }
}
