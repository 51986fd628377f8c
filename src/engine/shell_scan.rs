//! Where each `{{…}}` of a command sits in the shell's syntax, so that a value never becomes script text.
//!
//! A value reaches the shell as an environment variable that the script references (`"$RB_FILE"`). That is safe
//! only where the shell expands a variable once and never parses the result again: a bare word, or the body of an
//! unquoted heredoc. Everywhere else `check` refuses the reference: inside quotes (single quotes would show
//! `$RB_FILE` literally), arithmetic (`$(( ))` evaluates `a[$(cmd)]` in a value), comments, backticks, `${…}`,
//! quoted heredoc bodies, heredoc delimiters, and right after `\` or `$`. The scanner is a small approximation
//! of the POSIX shell grammar: enough to place every reference, refusing what it cannot place with certainty.

use super::template::{self, Piece, Reference, TemplateError};

/// How a reference is written into the script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A bare word: `"$RB_X"` (a list: one quoted word per item).
    Word,
    /// Inside an unquoted heredoc body: `${RB_X}` (expanded once, never parsed again).
    HeredocBody,
}

/// A reference the scanner refuses, with the byte offset of its `{{` in the command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub offset: usize,
    pub message: String,
}

/// A reference with where it sits, or why it cannot be placed.
pub type Placed = (Reference, Result<Place, Refusal>);

/// Every reference of a command with where it sits (or why it cannot be placed).
pub fn place_references(command: &str) -> Result<Vec<Placed>, TemplateError> {
    let pieces = template::parse(command)?;
    let mut toks = Vec::new();
    let mut refs = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Text(text) => toks.extend(text.chars().map(Tok::Char)),
            Piece::Ref(r) => {
                toks.push(Tok::Ref(refs.len()));
                refs.push(r);
            }
        }
    }
    let mut scanner = Scanner { toks: &toks, pos: 0, places: vec![None; refs.len()], pending: Vec::new() };
    scanner.run();
    Ok(refs
        .into_iter()
        .zip(scanner.places)
        .map(|(r, place)| {
            let place = match place {
                Some(Ok(p)) => Ok(p),
                Some(Err(why)) => Err(Refusal { offset: r.span.0, message: why }),
                None => {
                    Err(Refusal { offset: r.span.0, message: "cannot tell where it sits in the shell syntax".into() })
                }
            };
            (r, place)
        })
        .collect())
}

/// Only the refusals (for `check`).
pub fn refusals(command: &str) -> Vec<Refusal> {
    place_references(command)
        .map(|placed| placed.into_iter().filter_map(|(_, p)| p.err()).collect())
        .unwrap_or_default()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Char(char),
    Ref(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// Top level, or inside `$( … )` / `( … )` (`closes` counts the parentheses to close).
    Code {
        closes: bool,
    },
    Double,
}

struct Heredoc {
    delimiter: String,
    quoted: bool,
    strip_tabs: bool,
}

struct Scanner<'a> {
    toks: &'a [Tok],
    pos: usize,
    places: Vec<Option<Result<Place, String>>>,
    pending: Vec<Heredoc>,
}

const QUOTES: &str = "is inside shell quotes; write it bare: values are passed to the shell for you";

impl Scanner<'_> {
    fn peek(&self, ahead: usize) -> Option<Tok> {
        self.toks.get(self.pos + ahead).copied()
    }
    fn is(&self, ahead: usize, c: char) -> bool {
        self.peek(ahead) == Some(Tok::Char(c))
    }
    fn set(&mut self, index: usize, place: Result<Place, String>) {
        if let Some(slot) = self.places.get_mut(index) {
            slot.get_or_insert(place);
        }
    }
    fn refuse(&mut self, index: usize, why: &str) {
        self.set(index, Err(why.to_string()));
    }

    fn run(&mut self) {
        let mut stack = vec![Ctx::Code { closes: false }];
        let mut word_start = true;
        while let Some(tok) = self.peek(0) {
            let ctx = *stack.last().unwrap_or(&Ctx::Code { closes: false });
            let c = match tok {
                Tok::Ref(i) => {
                    match ctx {
                        Ctx::Code { .. } => self.set(i, Ok(Place::Word)),
                        Ctx::Double => self.refuse(i, QUOTES),
                    }
                    self.pos += 1;
                    word_start = false;
                    continue;
                }
                Tok::Char(c) => c,
            };
            self.pos += 1;
            match (ctx, c) {
                (_, '\\') => self.skip_escaped(),
                (_, '$') if matches!(self.peek(0), Some(Tok::Ref(_))) => {
                    if let Some(Tok::Ref(i)) = self.peek(0) {
                        self.refuse(i, "follows a `$`; put a space or quotes between them");
                    }
                }
                (_, '$') if self.is(0, '(') && self.is(1, '(') => {
                    self.pos += 2;
                    self.skip_nested('(', ')', 2, "is inside arithmetic `$(( ))`, which evaluates values as code");
                }
                (_, '$') if self.is(0, '(') => {
                    self.pos += 1;
                    stack.push(Ctx::Code { closes: true });
                }
                (_, '$') if self.is(0, '{') => {
                    self.pos += 1;
                    self.skip_nested('{', '}', 1, "is inside a `${…}` expansion; use the reference on its own");
                }
                (_, '`') => self.skip_until('`', true, "is inside backticks; use `$( … )` instead"),
                (Ctx::Double, '"') => {
                    stack.pop();
                }
                (Ctx::Double, _) => {}
                (Ctx::Code { .. }, '"') => stack.push(Ctx::Double),
                (Ctx::Code { .. }, '\'') => self.skip_until('\'', false, QUOTES),
                (Ctx::Code { .. }, '(') => stack.push(Ctx::Code { closes: true }),
                (Ctx::Code { closes: true }, ')') => {
                    stack.pop();
                }
                (Ctx::Code { .. }, '#') if word_start => {
                    self.skip_comment();
                }
                (Ctx::Code { .. }, '<') if self.is(0, '<') && !self.is(1, '<') => {
                    self.pos += 1;
                    self.heredoc_operator();
                }
                (Ctx::Code { .. }, '\n') if !self.pending.is_empty() => self.heredoc_bodies(),
                _ => {}
            }
            word_start = ctx != Ctx::Double && (c.is_whitespace() || ";&|()<>".contains(c));
        }
    }

    /// After `\`: the next character is literal; a reference there would lose its quoting.
    fn skip_escaped(&mut self) {
        match self.peek(0) {
            Some(Tok::Ref(i)) => self.refuse(i, "follows a `\\`; remove the backslash"),
            Some(Tok::Char(_)) => self.pos += 1,
            None => {}
        }
    }

    /// Skips to the closing `end`; every reference on the way is refused.
    fn skip_until(&mut self, end: char, escapes: bool, why: &str) {
        while let Some(tok) = self.peek(0) {
            self.pos += 1;
            match tok {
                Tok::Ref(i) => self.refuse(i, why),
                Tok::Char('\\') if escapes => self.skip_escaped(),
                Tok::Char(c) if c == end => return,
                Tok::Char(_) => {}
            }
        }
    }

    /// Skips a bracketed region (`$(( ))`, `${ }`) that is already `depth` deep; references in it are refused.
    fn skip_nested(&mut self, open: char, close: char, mut depth: usize, why: &str) {
        while let Some(tok) = self.peek(0) {
            self.pos += 1;
            match tok {
                Tok::Ref(i) => self.refuse(i, why),
                Tok::Char('\\') => self.skip_escaped(),
                Tok::Char(c) if c == open => depth += 1,
                Tok::Char(c) if c == close => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return;
                    }
                }
                Tok::Char(_) => {}
            }
        }
    }

    /// A comment runs to the end of the line (the newline itself is left for the caller).
    fn skip_comment(&mut self) {
        while let Some(tok) = self.peek(0) {
            match tok {
                Tok::Char('\n') => return,
                Tok::Ref(i) => self.refuse(i, "is inside a comment, where a newline in a value would end it"),
                Tok::Char(_) => {}
            }
            self.pos += 1;
        }
    }

    /// `<<` has been read: reads the optional `-` and the delimiter word, and queues the heredoc.
    fn heredoc_operator(&mut self) {
        let strip_tabs = self.is(0, '-');
        if strip_tabs {
            self.pos += 1;
        }
        while self.is(0, ' ') || self.is(0, '\t') {
            self.pos += 1;
        }
        let (mut delimiter, mut quoted) = (String::new(), false);
        let mut quote: Option<char> = None;
        while let Some(tok) = self.peek(0) {
            match tok {
                Tok::Ref(i) => self.refuse(i, "is a heredoc delimiter; write the delimiter out"),
                Tok::Char(c) if quote == Some(c) => quote = None,
                Tok::Char(c @ ('\'' | '"')) if quote.is_none() => {
                    quote = Some(c);
                    quoted = true;
                }
                Tok::Char('\\') if quote.is_none() => {
                    quoted = true;
                    if let Some(Tok::Char(next)) = self.peek(1) {
                        delimiter.push(next);
                        self.pos += 1;
                    }
                }
                Tok::Char(c) if quote.is_none() && (c.is_whitespace() || ";&|()<>".contains(c)) => break,
                Tok::Char(c) => delimiter.push(c),
            }
            self.pos += 1;
        }
        self.pending.push(Heredoc { delimiter, quoted, strip_tabs });
    }

    /// The newline after the heredoc operators has been read: consumes each queued body up to its delimiter line.
    fn heredoc_bodies(&mut self) {
        for doc in std::mem::take(&mut self.pending) {
            loop {
                let start = self.pos;
                let mut end = start;
                while let Some(tok) = self.toks.get(end) {
                    if *tok == Tok::Char('\n') {
                        break;
                    }
                    end += 1;
                }
                let line = &self.toks[start..end];
                let text: Option<String> = line
                    .iter()
                    .map(|t| match t {
                        Tok::Char(c) => Some(*c),
                        Tok::Ref(_) => None,
                    })
                    .collect();
                let at_end = end >= self.toks.len();
                self.pos = (end + 1).min(self.toks.len());
                if let Some(text) = text {
                    let text = if doc.strip_tabs { text.trim_start_matches('\t') } else { text.as_str() };
                    if text == doc.delimiter {
                        break;
                    }
                } else {
                    self.body_line(line, doc.quoted);
                }
                if at_end {
                    return;
                }
            }
        }
    }

    /// One heredoc body line holding references: placed when the body is unquoted and they are not inside a
    /// substitution (`$( … )`, backticks, `${…}`) on that line.
    fn body_line(&mut self, line: &[Tok], quoted: bool) {
        let (mut parens, mut braces, mut backtick) = (0usize, 0usize, false);
        let mut i = 0;
        while let Some(tok) = line.get(i) {
            match *tok {
                Tok::Ref(r) if quoted => self.refuse(r, "is inside a quoted heredoc body, where it stays literal"),
                Tok::Ref(r) if parens > 0 || braces > 0 || backtick => {
                    self.refuse(r, "is inside a substitution in a heredoc body; use the reference on its own")
                }
                Tok::Ref(r) if i > 0 && matches!(line[i - 1], Tok::Char('$' | '\\')) => {
                    self.refuse(r, "follows a `$` or `\\` in a heredoc body")
                }
                Tok::Ref(r) => self.set(r, Ok(Place::HeredocBody)),
                Tok::Char('\\') => i += 1,
                Tok::Char('$') if line.get(i + 1) == Some(&Tok::Char('(')) => {
                    parens += 1;
                    i += 1;
                }
                Tok::Char('$') if line.get(i + 1) == Some(&Tok::Char('{')) => {
                    braces += 1;
                    i += 1;
                }
                Tok::Char('(') if parens > 0 => parens += 1,
                Tok::Char(')') => parens = parens.saturating_sub(1),
                Tok::Char('}') => braces = braces.saturating_sub(1),
                Tok::Char('`') => backtick = !backtick,
                Tok::Char(_) => {}
            }
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places(command: &str) -> Vec<Result<Place, String>> {
        place_references(command).unwrap().into_iter().map(|(_, p)| p.map_err(|r| r.message)).collect()
    }

    #[test]
    fn bare_words_and_substitutions_are_words() {
        assert_eq!(places("go vet {{f}} && echo $(basename {{f}})"), vec![Ok(Place::Word), Ok(Place::Word)]);
        assert_eq!(places("for x in {{list}}; do echo \"$x\"; done | wc -l"), vec![Ok(Place::Word)]);
        assert_eq!(places("echo \"$(cat {{f}})\""), vec![Ok(Place::Word)]);
    }

    #[test]
    fn unsafe_contexts_are_refused() {
        for command in [
            "echo '{{v}}'",
            "echo \"x {{v}}\"",
            "echo $(( {{v}} + 1 ))",
            "echo hi # {{v}}",
            "echo `ls {{v}}`",
            "echo ${x:-{{v}}}",
            "echo ${{v}}",
            "echo \\{{v}}",
            "cat <<'EOF'\n{{v}}\nEOF",
            "cat <<{{v}}\nx\n",
        ] {
            assert!(places(command).iter().all(Result::is_err), "{command:?} was placed");
        }
    }

    #[test]
    fn unquoted_heredoc_bodies_hold_references() {
        let command = "cat <<EOF > out\nfile: {{f}}\nEOF\necho {{g}} # done";
        assert_eq!(places(command), vec![Ok(Place::HeredocBody), Ok(Place::Word)]);
        let dashed = "cat <<-END\n\tline {{f}}\n\tEND\necho {{g}}";
        assert_eq!(places(dashed), vec![Ok(Place::HeredocBody), Ok(Place::Word)]);
    }

    #[test]
    fn hash_inside_a_word_is_not_a_comment() {
        assert_eq!(places("echo a#b {{v}}"), vec![Ok(Place::Word)]);
    }
}
