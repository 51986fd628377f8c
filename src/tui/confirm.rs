//! The "Run this?" dialog's text and geometry, shared by drawing (`view/overlay.rs`) and keys (`update.rs`) so
//! both agree on what is on screen: Enter runs the command only when its end is showing.
//!
//! Issue 12 found a command that hid its tail: `echo harmless`, 60 newlines, `touch MARK` showed one line and Enter
//! ran all of it; 3,000 spaces before `; touch MARK` did the same sideways. So the whole command is shown here:
//! - lines are wrapped, never cut; a new line of the command starts with `> ` (as a shell's continuation prompt),
//!   a wrapped part with two spaces, so the two cannot be confused;
//! - what cannot be seen is named: a run of spaces becomes `␠×3000`, a tab `␉`, a run of empty lines one
//!   `␤×60 empty lines` row, control characters `^M`, and invisible or look-alike characters (no-break spaces,
//!   zero-width and bidi marks) `<U+202E>`;
//! - the command scrolls between a fixed head (the step's title) and a fixed foot (working directory, env, mode,
//!   limit), which stay on screen at every size the app draws at.

use super::screen::Confirm;
use crate::engine::CommandSpec;
use ratatui::layout::Rect;
use std::borrow::Cow;
use unicode_width::UnicodeWidthChar;

/// The dialog's widest size; narrower screens get a margin of one column each side.
pub const WIDTH: u16 = 76;
/// Spaces in a row up to this many are drawn as spaces (indentation); more become one `␠×N` marker.
const SPACE_RUN: usize = 8;
/// Empty lines in a row up to this many are drawn as empty rows; more become one `␤×N` row.
const EMPTY_RUN: usize = 2;
/// Env additions get a row each up to this many; past it, the last row names the rest.
pub const ENV_ROWS: usize = 4;

/// Where a row of the command begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompt {
    /// The command's first line: `$ `.
    First,
    /// A later line of the command: `> `.
    Next,
    /// The rest of a line too long for the width: two spaces.
    Wrapped,
}

impl Prompt {
    pub fn text(self) -> &'static str {
        match self {
            Prompt::First => "$ ",
            Prompt::Next => "> ",
            Prompt::Wrapped => "  ",
        }
    }
}

/// A piece of a row: text as typed, or a marker standing for what cannot be seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Marker(String),
}

/// One screen row of the command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub prompt: Prompt,
    pub pieces: Vec<Piece>,
}

impl Row {
    /// The row as plain text, prompt included (tests and searches read this).
    pub fn text(&self) -> String {
        let mut out = self.prompt.text().to_string();
        for p in &self.pieces {
            match p {
                Piece::Text(t) | Piece::Marker(t) => out.push_str(t),
            }
        }
        out
    }
}

/// The body's rows at one width, kept in `Confirm` by `update` (on opening, `s` and resizes), so drawing and keys
/// do not wrap a long command again on every frame and key (a value of a megabyte is some 14,000 rows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub width: usize,
    pub script: bool,
    pub rows: Vec<Row>,
}

/// The dialog laid out on a screen of `area`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialog<'a> {
    pub rect: Rect,
    /// Every row of the body (the command, or why it cannot be prepared).
    pub rows: Cow<'a, [Row]>,
    /// How many body rows are on screen at once.
    pub window: usize,
    /// The first body row on screen, clamped so the window never runs past the end.
    pub top: usize,
    /// Empty rows around the body (dropped on small screens to leave room for the command).
    pub spaced: bool,
}

impl Dialog<'_> {
    /// The last `top` there is: the window then shows the end.
    pub fn max_top(&self) -> usize {
        self.rows.len().saturating_sub(self.window)
    }

    /// The end of the command is on screen: only now does Enter run it.
    pub fn at_end(&self) -> bool {
        self.top >= self.max_top()
    }

    /// Rows above the window and below it.
    pub fn hidden(&self) -> (usize, usize) {
        (self.top, self.rows.len().saturating_sub(self.top + self.window))
    }

    pub fn overflows(&self) -> bool {
        self.rows.len() > self.window
    }
}

/// The rows of the foot: `in`, one per env addition (or `(nothing added)`), `mode`, `limit`; or the one line
/// under a command that cannot be prepared.
pub fn foot_rows(confirm: &Confirm) -> usize {
    match &confirm.spec {
        Ok(spec) => {
            let env = spec.env.len().clamp(1, ENV_ROWS);
            3 + env
        }
        Err(_) => 1,
    }
}

/// The dialog's width on a screen of `area`.
fn dialog_width(area: Rect) -> u16 {
    WIDTH.min(area.width.saturating_sub(2)).max(1)
}

/// The body's rows for the dialog on `area`.
fn body_rows(confirm: &Confirm, inner_width: usize) -> Vec<Row> {
    match &confirm.spec {
        Ok(spec) if confirm.script => script_rows(spec, inner_width),
        Ok(spec) => rows(&spec.command, inner_width),
        Err(reason) => {
            let mut rows = vec![Row {
                prompt: Prompt::Wrapped,
                pieces: vec![Piece::Text("the command cannot be prepared:".into())],
            }];
            rows.extend(rows_of_text(reason, inner_width));
            rows
        }
    }
}

/// Wraps the body for `area` into `confirm.prepared`, unless it is already wrapped for that width.
pub fn prepare(area: Rect, confirm: &mut Confirm) {
    let width = usize::from(dialog_width(area).saturating_sub(2));
    if confirm.prepared.as_ref().is_some_and(|p| p.width == width && p.script == confirm.script) {
        return;
    }
    let rows = body_rows(confirm, width);
    confirm.prepared = Some(Prepared { width, script: confirm.script, rows });
}

/// Lays the dialog out on `area` with the body scrolled to `confirm.top` (the rows `prepare` kept, or wrapped
/// now when they were kept for another width).
pub fn layout(area: Rect, confirm: &Confirm) -> Dialog<'_> {
    let width = dialog_width(area);
    let inner_width = usize::from(width.saturating_sub(2));
    let rows: Cow<'_, [Row]> = match &confirm.prepared {
        Some(p) if p.width == inner_width && p.script == confirm.script => Cow::Borrowed(&p.rows),
        _ => Cow::Owned(body_rows(confirm, inner_width)),
    };
    // Head: the title. Foot: the fields. Between them the body, with an empty row each side when there is room,
    // and a row saying how much is hidden when not all of it fits.
    let fixed = 1 + foot_rows(confirm);
    let max_inner = usize::from(area.height.saturating_sub(2)).saturating_sub(2);
    let (window, spaced, inner_height) = if fixed + 2 + rows.len() <= max_inner {
        (rows.len(), true, fixed + 2 + rows.len())
    } else if fixed + rows.len() <= max_inner {
        (rows.len(), false, fixed + rows.len())
    } else {
        let spaced = max_inner >= fixed + 2 + 1 + 6;
        let window = max_inner.saturating_sub(fixed + 1 + if spaced { 2 } else { 0 }).max(1);
        (window, spaced, max_inner)
    };
    let height = u16::try_from(inner_height + 2).unwrap_or(u16::MAX).min(area.height.saturating_sub(2)).max(1);
    let rect = Rect {
        x: area.x + area.width.saturating_sub(width) / 2,
        y: area.y + area.height.saturating_sub(height) / 2,
        width: width.min(area.width),
        height: height.min(area.height),
    };
    let top = confirm.top.min(rows.len().saturating_sub(window));
    Dialog { rect, rows, window, top, spaced }
}

/// The command as rows `width` columns wide (prompt included), with what cannot be seen made visible.
pub fn rows(command: &str, width: usize) -> Vec<Row> {
    let text_width = width.saturating_sub(2).max(1);
    let mut lines: Vec<&str> = command.split('\n').collect();
    // A final newline ends the last line; it is not a line of its own.
    if lines.len() > 1 && lines.last() == Some(&"") {
        lines.pop();
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let prompt = if i == 0 { Prompt::First } else { Prompt::Next };
        let empty = lines[i..].iter().take_while(|l| l.is_empty()).count();
        if empty > EMPTY_RUN {
            out.push(Row { prompt, pieces: vec![Piece::Marker(format!("␤×{empty} empty lines"))] });
            i += empty;
            continue;
        }
        wrap(prompt, pieces(lines[i]), text_width, &mut out);
        i += 1;
    }
    out
}

/// The script `/bin/sh -c` runs, then the `RB_*` variables it reads (values masked like the command's; a value
/// too big for the environment is a file, given by its size).
fn script_rows(spec: &CommandSpec, width: usize) -> Vec<Row> {
    let mut out = rows(&spec.script, width);
    if spec.script_env.is_empty() && spec.script_files.is_empty() {
        return out;
    }
    let note = "with these variables (values never become script text):";
    out.push(Row { prompt: Prompt::Wrapped, pieces: Vec::new() });
    out.push(Row { prompt: Prompt::Wrapped, pieces: vec![Piece::Marker(note.into())] });
    for (name, value) in &spec.script_env {
        let mut pieces = vec![Piece::Text(format!("{name}="))];
        // A value's lines are shown as the command's are, each after the name's indentation.
        for (i, line) in value.split('\n').enumerate() {
            if i > 0 {
                pieces.push(Piece::Marker("⏎".into()));
            }
            pieces.extend(self::pieces(line));
        }
        wrap(Prompt::Wrapped, pieces, width.saturating_sub(2).max(1), &mut out);
    }
    for (name, contents) in &spec.script_files {
        let text = format!("{name}=<a temporary file of {} bytes>", contents.len());
        wrap(Prompt::Wrapped, vec![Piece::Text(text)], width.saturating_sub(2).max(1), &mut out);
    }
    out
}

/// The exact script differs from the command as it reads (it does when the command holds values).
pub fn has_script(confirm: &Confirm) -> bool {
    confirm.spec.as_ref().is_ok_and(|s| s.script != s.command || !s.script_env.is_empty() || !s.script_files.is_empty())
}

/// Plain text (a reason) as wrapped rows, control characters made visible.
fn rows_of_text(text: &str, width: usize) -> Vec<Row> {
    let mut out = Vec::new();
    for line in text.split('\n') {
        wrap(Prompt::Wrapped, pieces(line), width.saturating_sub(2).max(1), &mut out);
    }
    out
}

/// One line of the command as pieces: runs of text, and markers for what cannot be seen.
pub fn pieces(line: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut chars = line.chars().peekable();
    let marker = |text: &mut String, out: &mut Vec<Piece>, m: String| {
        if !text.is_empty() {
            out.push(Piece::Text(std::mem::take(text)));
        }
        out.push(Piece::Marker(m));
    };
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {
                let mut run = 1;
                while chars.peek() == Some(&c) {
                    chars.next();
                    run += 1;
                }
                let trailing = chars.peek().is_none();
                match (c, run) {
                    // Trailing spaces cannot be seen at all; a few between words can.
                    (' ', n) if n <= SPACE_RUN && !(trailing && n > 1) => text.push_str(&" ".repeat(n)),
                    (' ', n) => marker(&mut text, &mut out, format!("␠×{n}")),
                    (_, 1) => marker(&mut text, &mut out, "␉".into()),
                    (_, n) => marker(&mut text, &mut out, format!("␉×{n}")),
                }
            }
            c if (c as u32) < 0x20 => marker(&mut text, &mut out, format!("^{}", char::from(b'@' + c as u8))),
            '\u{7f}' => marker(&mut text, &mut out, "^?".into()),
            c if hidden(c) => marker(&mut text, &mut out, format!("<U+{:04X}>", c as u32)),
            c => text.push(c),
        }
    }
    if !text.is_empty() {
        out.push(Piece::Text(text));
    }
    out
}

/// Characters a reader cannot see, or cannot tell from a plain space: C1 controls, Unicode spaces, zero-width
/// and direction marks (which can make a line read in another order than it runs), the byte-order mark.
fn hidden(c: char) -> bool {
    c.is_control()
        || (c.is_whitespace() && c != ' ')
        || matches!(
            c as u32,
            0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180E | 0x3164 | 0xFEFF | 0xFFA0
        )
        || matches!(c as u32, 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0xFE00..=0xFE0F | 0xFFF0..=0xFFF8)
}

/// Hard-wraps pieces into rows of `width` columns after the prompt; a marker is never split.
fn wrap(prompt: Prompt, pieces: Vec<Piece>, width: usize, out: &mut Vec<Row>) {
    let mut row = Row { prompt, pieces: Vec::new() };
    let mut used = 0;
    let next_row = |row: &mut Row, used: &mut usize, out: &mut Vec<Row>| {
        out.push(std::mem::replace(row, Row { prompt: Prompt::Wrapped, pieces: Vec::new() }));
        *used = 0;
    };
    for piece in pieces {
        match piece {
            Piece::Marker(m) => {
                let w = unicode_width::UnicodeWidthStr::width(m.as_str());
                if used > 0 && used + w > width {
                    next_row(&mut row, &mut used, out);
                }
                used += w;
                row.pieces.push(Piece::Marker(m));
            }
            Piece::Text(t) => {
                let mut current = String::new();
                for c in t.chars() {
                    let w = c.width().unwrap_or(0);
                    if used > 0 && used + w > width {
                        if !current.is_empty() {
                            row.pieces.push(Piece::Text(std::mem::take(&mut current)));
                        }
                        next_row(&mut row, &mut used, out);
                    }
                    current.push(c);
                    used += w;
                }
                if !current.is_empty() {
                    row.pieces.push(Piece::Text(current));
                }
            }
        }
    }
    out.push(row);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(command: &str, width: usize) -> Vec<String> {
        rows(command, width).iter().map(Row::text).collect()
    }

    #[test]
    fn sixty_newlines_become_one_row_that_says_so() {
        let command = format!("echo harmless{}touch MARK", "\n".repeat(61));
        assert_eq!(texts(&command, 40), ["$ echo harmless", "> ␤×60 empty lines", "> touch MARK"]);
    }

    #[test]
    fn a_run_of_spaces_is_counted_and_the_tail_shows() {
        let command = format!("echo x{}; touch MARK", " ".repeat(3000));
        assert_eq!(texts(&command, 40), ["$ echo x␠×3000; touch MARK"]);
        // Indentation and single spaces stay as they are.
        assert_eq!(texts("if true; then\n    echo a b\nfi", 40), ["$ if true; then", ">     echo a b", "> fi"]);
    }

    #[test]
    fn control_and_invisible_characters_are_named() {
        let command = "echo ok\r; rm x\u{1b}[2K\t\u{202e}y\u{a0}z\u{9b} ";
        assert_eq!(texts(command, 80), ["$ echo ok^M; rm x^[[2K␉<U+202E>y<U+00A0>z<U+009B> "]);
        assert_eq!(texts("a  ", 80), ["$ a␠×2"], "trailing spaces are shown");
    }

    #[test]
    fn long_lines_wrap_and_are_told_from_new_lines() {
        assert_eq!(texts("abcdefgh\nij", 6), ["$ abcd", "  efgh", "> ij"]);
        // A marker is not split across rows.
        assert_eq!(texts(&format!("ab{}", " ".repeat(20)), 7), ["$ ab", "  ␠×20"]);
    }

    #[test]
    fn prepared_rows_are_reused_at_their_width_and_rewrapped_at_another() {
        let spec = CommandSpec {
            command: "echo a\n".repeat(500),
            script: String::new(),
            script_env: Default::default(),
            script_files: Default::default(),
            cwd: "/w".into(),
            env: Default::default(),
            timeout: std::time::Duration::from_secs(1),
            grace: std::time::Duration::from_secs(1),
            separate_streams: false,
            spill_cap: None,
        };
        let mut confirm =
            Confirm { step: 0, spec: Ok(spec), mode: "observe".into(), top: 0, script: false, prepared: None };
        let screen = Rect::new(0, 0, 80, 24);
        assert!(matches!(layout(screen, &confirm).rows, Cow::Owned(_)), "nothing kept yet");
        prepare(screen, &mut confirm);
        let kept = layout(screen, &confirm);
        assert!(matches!(kept.rows, Cow::Borrowed(_)), "kept rows are not wrapped again");
        assert_eq!(kept.rows.len(), 500);
        assert!(matches!(layout(Rect::new(0, 0, 60, 24), &confirm).rows, Cow::Owned(_)), "another width");
    }

    #[test]
    fn a_final_newline_adds_no_row() {
        assert_eq!(texts("echo a\n", 40), ["$ echo a"]);
        assert_eq!(texts("echo a\n\n", 40), ["$ echo a", "> "]);
    }
}
