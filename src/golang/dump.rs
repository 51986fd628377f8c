//! The goroutine dump after a crash header, read line by line. It is a small state machine: a function line waits
//! for its `file:line`, `created by` for its own, an `[originating from goroutine N]` block collects the ancestor's
//! frames, and a line that belongs to none of these either is reported as lost (when the dump goes on after it) or
//! ends the dump. Bounded: `MAX_GOROUTINES` goroutines and `MAX_DUMP_FRAMES` frames are kept, the rest counted.

use super::frames::{parse_func_line, parse_position_line, retyped_func, Frame};
use super::prefix::LogLine;
use super::problem::{Problem, ProblemKind};
use super::traceback::{Ancestor, CreatedBy, Goroutine};

/// Goroutines kept with their frames per dump; the rest are counted. A dump of ten million goroutines must not
/// hold them all (it aborted), and the triage never shows more than a few groups.
pub const MAX_GOROUTINES: usize = 100_000;

/// Frames kept per dump, all goroutines together (Go itself prints at most 100 per goroutine, but a hand-made or
/// corrupted dump may have any number). Past it a goroutine's further frames are dropped and it is marked elided.
pub const MAX_DUMP_FRAMES: usize = 1_000_000;

struct GoroutineHeader {
    id: u64,
    state: String,
    wait_minutes: Option<u64>,
    locked_to_thread: bool,
    labels: Option<String>,
}

/// `goroutine 7 gp=0x… m=0 mp=0x… [chan receive, 3 minutes, locked to thread] {k: v}:`
fn parse_goroutine_header(text: &str) -> Option<GoroutineHeader> {
    let rest = text.strip_prefix("goroutine ")?.strip_suffix(':')?;
    let id_end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    let id = rest.get(..id_end)?.parse().ok()?;
    let open = rest.find('[')?;
    let close = open + rest.get(open..)?.find(']')?;
    let inside = rest.get(open + 1..close)?;
    let after = rest.get(close + 1..)?.trim();
    let mut parts = inside.split(", ");
    let state = parts.next().unwrap_or("").to_string();
    let mut wait_minutes = None;
    let mut locked_to_thread = false;
    for part in parts {
        if part == "locked to thread" {
            locked_to_thread = true;
        } else if let Some(n) = part.strip_suffix(" minutes") {
            wait_minutes = n.parse().ok();
        }
    }
    let labels = (after.starts_with('{') && after.ends_with('}')).then(|| after.to_string());
    Some(GoroutineHeader { id, state, wait_minutes, locked_to_thread, labels })
}

/// A goroutine header: `goroutine N [state…]:`.
pub fn starts_goroutine(text: &str) -> bool {
    text.starts_with("goroutine ") && parse_goroutine_header(text).is_some()
}

/// `created by main.main in goroutine 1` → (`main.main`, Some(1)).
fn parse_created_by(text: &str) -> Option<(String, Option<u64>)> {
    let rest = text.strip_prefix("created by ")?;
    if let Some((func, n)) = rest.rsplit_once(" in goroutine ") {
        if let Ok(n) = n.parse() {
            return Some((func.to_string(), Some(n)));
        }
    }
    Some((rest.to_string(), None))
}

fn is_elision_marker(text: &str) -> bool {
    text == "...additional frames elided..." || (text.starts_with("...") && text.ends_with(" frames elided..."))
}

/// What a line inside a dump is, read from its content alone: pastes and log pipelines strip, expand or add
/// indentation, so the TAB before a file line cannot be relied on.
fn is_position_line(text: &str) -> bool {
    parse_position_line(text).is_some_and(|(file, _)| {
        file.contains('/') || file.contains('\\') || file.starts_with('<') || file.ends_with(".go")
    })
}

/// True when the dump goes on after an unreadable line at `lines[at]`: the next line is a frame's file line, a
/// goroutine header, or a function line followed by its file line. Only then is the line reported as lost
/// inside the dump; otherwise the dump ended there (the log goes on with something else).
fn dump_continues_after(lines: &[LogLine<'_>], at: usize) -> bool {
    let text = |i: usize| lines.get(i).map_or("", |l| l.as_str().trim());
    let next = text(at + 1);
    is_position_line(next)
        || starts_goroutine(next)
        || (parse_func_line(next).is_some() && is_position_line(text(at + 2)))
}

/// What the reader does after a line.
enum Flow {
    /// The line was read; go on with the next.
    Next,
    /// The dump ended before this line.
    End,
}

/// The reading state of one dump.
struct Reader<'p> {
    input: usize,
    problems: &'p mut Vec<Problem>,
    goroutines: Vec<Goroutine>,
    total: usize,
    /// The goroutine being read when it is not kept (past MAX_GOROUTINES): read the same way, then dropped.
    scratch: Option<Goroutine>,
    /// A function line waiting for its file line: (function, inlined, line number).
    pending_func: Option<(String, bool, usize)>,
    /// A `created by` line waiting for its file line: (function, creator goroutine).
    pending_created: Option<(String, Option<u64>)>,
    /// Frames now go to the last ancestor block, not the goroutine itself.
    in_ancestor: bool,
    frames_kept: usize,
    /// Goroutine ids of this dump: an id seen again starts the next dump (two `debug=2` dumps in one file).
    seen: std::collections::HashSet<u64>,
}

/// The goroutines from `lines[i]` (a goroutine header) on: the kept ones, how many there were, the next line.
pub(super) fn parse_goroutines(
    lines: &[LogLine<'_>],
    mut i: usize,
    (input, crash_line): (usize, usize),
    problems: &mut Vec<Problem>,
) -> (Vec<Goroutine>, usize, usize) {
    let mut r = Reader {
        input,
        problems,
        goroutines: Vec::new(),
        total: 0,
        scratch: None,
        pending_func: None,
        pending_created: None,
        in_ancestor: false,
        frames_kept: 0,
        seen: std::collections::HashSet::new(),
    };
    while let Some(line) = lines.get(i) {
        let bulleted;
        let mut text = line.as_str().trim();
        // Go's `·` in symbol names retyped as a bullet.
        if text.contains('•') {
            bulleted = text.replace('•', "·");
            r.lost(line.number, "guessed `·` for `•`");
            text = &bulleted;
        }
        let flow = match text.strip_prefix("goroutine ").and(parse_goroutine_header(text)) {
            Some(header) => r.header(header, line.number),
            None => r.body_line(lines, i, text),
        };
        if let Flow::End = flow {
            break;
        }
        i += 1;
    }
    if i >= lines.len() && r.pending_func.is_some() {
        r.problems.push(Problem::new(ProblemKind::Truncated, input, crash_line, "goroutine dump cut off at the end"));
    }
    (r.goroutines, r.total, i)
}

impl Reader<'_> {
    fn lost(&mut self, number: usize, message: &str) {
        self.problems.push(Problem::new(ProblemKind::Unparsed, self.input, number, message));
    }

    /// A goroutine header opens the next goroutine (kept while under the bound).
    fn header(&mut self, h: GoroutineHeader, number: usize) -> Flow {
        // Ids are unique within one dump: a repeated one is the next dump's (the line is left for it).
        if !self.seen.insert(h.id) {
            return Flow::End;
        }
        if let Some((_, _, pending)) = self.pending_func.take() {
            self.lost(pending, "function line without its file:line");
        }
        self.total += 1;
        let g = Goroutine {
            id: h.id,
            state: h.state,
            wait_minutes: h.wait_minutes,
            locked_to_thread: h.locked_to_thread,
            labels: h.labels,
            frames: Vec::new(),
            frames_elided: false,
            stack_unavailable: false,
            user_frame: None,
            created_by: None,
            ancestors: Vec::new(),
            line: number,
        };
        if self.goroutines.len() < MAX_GOROUTINES {
            self.goroutines.push(g);
        } else {
            self.scratch = Some(g);
        }
        self.in_ancestor = false;
        self.pending_created = None;
        Flow::Next
    }

    /// A line inside a goroutine's stack: a file line completing what waits for one, or a line of its own.
    fn body_line(&mut self, lines: &[LogLine<'_>], i: usize, text: &str) -> Flow {
        let number = lines[i].number;
        if self.scratch.is_none() && self.goroutines.is_empty() {
            return Flow::End;
        }
        if text.is_empty() {
            // A blank line separates goroutines; anything else after it is the end of the dump.
            return if lines.get(i + 1).is_some_and(|l| starts_goroutine(l.text.trim())) {
                Flow::Next
            } else {
                Flow::End
            };
        }
        if text == "goroutine running on other thread; stack unavailable" {
            if let Some(g) = self.current() {
                g.stack_unavailable = true;
            }
            return Flow::Next;
        }
        let position = parse_position_line(text).filter(|_| is_position_line(text));
        if let Some((func, inlined, pending)) = self.pending_func.take() {
            if let Some((file, line)) = position.clone() {
                self.frame(Frame { func, file, line, inlined }, number);
                return Flow::Next;
            }
            self.lost(pending, "function line without its file:line");
        }
        if let Some((func, goroutine)) = self.pending_created.take() {
            if let Some((file, line)) = position {
                let created = CreatedBy { func, file, line, goroutine };
                let in_ancestor = self.in_ancestor;
                if let Some(g) = self.current() {
                    match g.ancestors.last_mut().filter(|_| in_ancestor) {
                        Some(a) => a.created_by = Some(created),
                        None => g.created_by = Some(created),
                    }
                }
                return Flow::Next;
            }
        }
        self.own_line(lines, i, text)
    }

    /// A line that stands on its own: `created by`, an elision marker, an ancestor block, a function line.
    fn own_line(&mut self, lines: &[LogLine<'_>], i: usize, text: &str) -> Flow {
        let number = lines[i].number;
        if let Some(created) = parse_created_by(text) {
            self.pending_created = Some(created);
        } else if is_elision_marker(text) {
            if let Some(g) = self.current() {
                g.frames_elided = true;
            }
        } else if let Some(id) = text
            .strip_prefix("[originating from goroutine ")
            .and_then(|r| r.strip_suffix("]:"))
            .and_then(|n| n.parse().ok())
        {
            if let Some(g) = self.current() {
                g.ancestors.push(Ancestor { id, frames: Vec::new(), created_by: None });
            }
            self.in_ancestor = true;
        } else if let Some((func, inlined)) = parse_func_line(text) {
            self.pending_func = Some((func, inlined, number));
        } else if let Some(func) = retyped_func(text, lines.get(i + 1).map_or("", |l| l.as_str().trim())) {
            self.lost(number, &format!("guessed `{func}()` for `{text}`"));
            self.pending_func = Some((func, false, number));
        } else if is_position_line(text) {
            // Go prints a file line only after a function line or `created by`: the line before it was lost.
            self.lost(number, "file:line without its function line");
        } else if dump_continues_after(lines, i) {
            self.lost(number, "line inside the dump not read");
        } else {
            return Flow::End;
        }
        Flow::Next
    }

    /// The goroutine being read: the unkept one past the bound, or the last kept.
    fn current(&mut self) -> Option<&mut Goroutine> {
        self.scratch.as_mut().or(self.goroutines.last_mut())
    }

    /// A complete frame, kept while the dump is under `MAX_DUMP_FRAMES` (the first one past it says so once).
    fn frame(&mut self, frame: Frame, number: usize) {
        let in_ancestor = self.in_ancestor;
        let kept = self.frames_kept;
        if kept <= MAX_DUMP_FRAMES {
            self.frames_kept += 1;
        }
        if kept == MAX_DUMP_FRAMES {
            self.problems.push(Problem::new(
                ProblemKind::Truncated,
                self.input,
                number,
                format!("more than {MAX_DUMP_FRAMES} frames in this dump: the rest are not kept"),
            ));
        }
        let Some(g) = self.current() else { return };
        if kept >= MAX_DUMP_FRAMES {
            g.frames_elided = true;
            return;
        }
        match g.ancestors.last_mut().filter(|_| in_ancestor) {
            Some(a) => a.frames.push(frame),
            None => g.frames.push(frame),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goroutine_header_with_everything() {
        let h = parse_goroutine_header(
            "goroutine 7 gp=0x2031fb620780 m=0 mp=0x578500 [chan receive, 3 minutes, locked to thread] {k: v}:",
        );
        let h = h.map(|h| (h.id, h.state, h.wait_minutes, h.locked_to_thread, h.labels));
        assert_eq!(h, Some((7, "chan receive".to_string(), Some(3), true, Some("{k: v}".to_string()))));
    }
}
