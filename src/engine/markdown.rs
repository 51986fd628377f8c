//! Markdown runbooks: the runbooks teams already keep in Markdown, read as runbooks.
//!
//! A Markdown runbook is translated into the equivalent YAML runbook (what `runbook convert` prints) and that YAML
//! goes through the one loader, so both forms load to the same runbook and are validated by the same rules. Every
//! generated YAML line remembers where in the `.md` file it came from, and the loader's diagnostics (and each step's
//! position) are mapped back, so `check` points into the Markdown file itself.
//!
//! The mapping (docs/runbook-format.md, "Markdown runbooks"): front matter holds the top-level fields (`id`,
//! `title`, `summary`, `match`, `vars`); the first `#` heading is the title and the prose under it the summary;
//! `##` headings are phases and `###` headings steps; prose is step text; fenced `sh`/`bash`/`shell`/`console`
//! blocks are run steps (settings Runme-style in the info string, JSON after the language); other blocks (YAML,
//! Go, output samples) stay in the text; task lists (`- [ ] …`) are checklist steps. Pure: no I/O.

use super::diag::{Diagnostic, LoadError};
use super::yaml::Pos;
use super::Runbook;
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

mod emit;

/// Whether a file name is a Markdown runbook's (`.md`, `.markdown`).
pub fn is_markdown(file: &str) -> bool {
    let lower = file.to_ascii_lowercase();
    lower.ends_with(".md") || lower.ends_with(".markdown")
}

/// The YAML equivalent of a Markdown runbook, and for each YAML line where it came from.
pub struct Converted {
    pub yaml: String,
    map: Vec<Origin>,
}

/// Where one generated YAML line came from: a Markdown position, and whether the line is copied verbatim (then a
/// YAML column maps to the same Markdown column plus `shift`).
#[derive(Clone, Copy)]
struct Origin {
    pos: Pos,
    verbatim: Option<isize>,
}

/// Settings a fenced block may carry in its info string.
pub const BLOCK_KEYS: [&str; 8] = ["name", "title", "mode", "timeout", "grace", "cwd", "exit_code", "excludeFromRunme"];
const RUN_LANGS: [&str; 5] = ["sh", "bash", "shell", "zsh", "console"];

/// One piece of a section, in document order.
enum Piece {
    Prose(String),
    Run(Block),
    Tasks(Vec<String>, Pos),
}

struct Block {
    lang: String,
    settings: serde_json::Map<String, serde_json::Value>,
    /// Code lines and their positions.
    lines: Vec<(String, Pos)>,
    /// The fence's position (where the settings are).
    pos: Pos,
}

/// A heading and what follows it up to the next heading of level 1–3.
struct Section {
    level: u8,
    title: String,
    pos: Pos,
    pieces: Vec<Piece>,
}

/// Loads a Markdown runbook: convert, load the YAML, map positions back to the `.md` file.
pub fn load(file: &str, src: &str) -> Result<Runbook, LoadError> {
    let converted = convert(file, src)?;
    match super::load::load_yaml(file, converted.yaml.as_bytes()) {
        Ok(mut rb) => {
            for phase in &mut rb.phases {
                for step in &mut phase.steps {
                    step.pos = converted.md_pos(step.pos, src);
                }
            }
            Ok(rb)
        }
        Err(mut e) => {
            for d in &mut e.diagnostics {
                let at = converted.md_pos(Pos { line: d.line, col: d.col, offset: 0 }, src);
                d.line = at.line;
                d.col = at.col;
            }
            e.diagnostics.sort_by_key(|d| (d.line, d.col));
            Err(e)
        }
    }
}

/// Translates a Markdown runbook to YAML; problems of the Markdown itself (bad front matter, block settings that
/// are not a JSON object) are reported in the `.md` file's coordinates.
pub fn convert(file: &str, src: &str) -> Result<Converted, LoadError> {
    let lines = LineIndex::new(src);
    let mut diags = Vec::new();
    let (front, body_start) = front_matter(src, &lines, &mut diags);
    let sections = sections(src, body_start, &lines, &mut diags);
    if !diags.is_empty() {
        return Err(LoadError { file: file.to_string(), diagnostics: diags });
    }
    let stem = std::path::Path::new(file).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(emit::emit(&stem, front, &sections))
}

impl Converted {
    fn md_pos(&self, yaml_pos: Pos, src: &str) -> Pos {
        let Some(origin) = self.map.get(yaml_pos.line.saturating_sub(1)).or(self.map.last()) else {
            return Pos { line: 1, col: 1, offset: 0 };
        };
        let col = match origin.verbatim {
            Some(shift) => (yaml_pos.col as isize + shift).max(1) as usize,
            None => origin.pos.col,
        };
        let line_start = LineIndex::new(src).start(origin.pos.line);
        Pos { line: origin.pos.line, col, offset: line_start + col - 1 }
    }
}

/// Byte offsets where each line starts, for offset → line:column.
struct LineIndex(Vec<usize>);

impl LineIndex {
    fn new(src: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex(starts)
    }

    fn pos(&self, offset: usize) -> Pos {
        let line = self.0.partition_point(|s| *s <= offset).max(1);
        Pos { line, col: offset - self.0[line - 1] + 1, offset }
    }

    fn start(&self, line: usize) -> usize {
        self.0.get(line.saturating_sub(1)).copied().unwrap_or(0)
    }
}

/// Front matter: the YAML between a first line `---` and the next `---` (or `...`), as lines with their line
/// numbers; and where the Markdown body starts.
fn front_matter(src: &str, lines: &LineIndex, diags: &mut Vec<Diagnostic>) -> (Vec<(String, usize)>, usize) {
    let mut iter = src.split_inclusive('\n');
    match iter.next() {
        Some(first) if first.trim_end() == "---" => {}
        _ => return (Vec::new(), 0),
    }
    let mut out = Vec::new();
    let mut offset = src.split_inclusive('\n').next().map_or(0, str::len);
    for (i, line) in iter.enumerate() {
        let text = line.trim_end_matches(['\n', '\r']);
        offset += line.len();
        if text == "---" || text == "..." {
            return (out, offset);
        }
        if text.starts_with("phases:") {
            let message = "`phases` cannot be set in front matter: the headings are the phases";
            diags.push(Diagnostic::new(Pos { line: i + 2, col: 1, offset: 0 }, "phases", message));
        }
        out.push((text.to_string(), i + 2));
    }
    let message = "front matter opened with `---` on line 1 is never closed (add a line `---` after it)";
    diags.push(Diagnostic::new(lines.pos(0), "", message));
    (Vec::new(), src.len())
}

/// Splits the body into sections at headings of level 1 to 3; deeper headings stay in the prose.
fn sections(src: &str, start: usize, lines: &LineIndex, diags: &mut Vec<Diagnostic>) -> Vec<Section> {
    let body = &src[start..];
    let opts = Options::ENABLE_TASKLISTS | Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut events = Parser::new_ext(body, opts).into_offset_iter().peekable();
    let mut out = vec![Section { level: 0, title: String::new(), pos: lines.pos(start), pieces: Vec::new() }];
    while let Some((event, range)) = events.next() {
        let at = lines.pos(start + range.start);
        let whole = &body[range.clone()];
        let Event::Start(tag) = event else { continue };
        // Collect this top-level element's events up to its end.
        let mut inner = Vec::new();
        let mut depth = 1;
        for (e, r) in events.by_ref() {
            match &e {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                break;
            }
            inner.push((e, r));
        }
        let section = out.last_mut().map(|s| &mut s.pieces);
        let Some(pieces) = section else { continue };
        match tag {
            Tag::Heading { level, .. } if level <= HeadingLevel::H3 => {
                let title = inline_text(&inner);
                out.push(Section { level: level as u8, title, pos: at, pieces: Vec::new() });
            }
            Tag::CodeBlock(CodeBlockKind::Fenced(info)) => match block(&info, &inner, body, start, at, lines) {
                Ok(Some(b)) => pieces.push(Piece::Run(b)),
                Ok(None) => pieces.push(Piece::Prose(whole.trim_end().to_string())),
                Err(d) => diags.push(d),
            },
            Tag::List(_) if inner.iter().any(|(e, _)| matches!(e, Event::TaskListMarker(_))) => {
                pieces.push(Piece::Tasks(task_items(&inner), at));
            }
            _ => pieces.push(Piece::Prose(whole.trim_end().to_string())),
        }
    }
    out
}

/// The plain text of a heading or list item.
fn inline_text(events: &[(Event<'_>, std::ops::Range<usize>)]) -> String {
    let mut out = String::new();
    for (e, _) in events {
        match e {
            Event::Text(t) | Event::Code(t) => out.push_str(t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// Each top-level item's text of a task list (items without a box are kept too: they are part of the list).
fn task_items(events: &[(Event<'_>, std::ops::Range<usize>)]) -> Vec<String> {
    let mut items = Vec::new();
    let mut depth = 0;
    let mut current: Vec<(Event<'_>, std::ops::Range<usize>)> = Vec::new();
    for (e, r) in events {
        match e {
            Event::Start(Tag::Item) if depth == 0 => {
                depth = 1;
                current.clear();
                continue;
            }
            Event::Start(_) => depth += 1,
            Event::End(TagEnd::Item) if depth == 1 => {
                depth = 0;
                items.push(inline_text(&current));
                continue;
            }
            Event::End(_) => depth -= 1,
            _ => {}
        }
        current.push((e.clone(), r.clone()));
    }
    items.into_iter().filter(|i| !i.is_empty()).collect()
}

/// A fenced block that runs (its language is a shell's), or `None` for any other block.
fn block(
    info: &str,
    inner: &[(Event<'_>, std::ops::Range<usize>)],
    body: &str,
    start: usize,
    at: Pos,
    lines: &LineIndex,
) -> Result<Option<Block>, Diagnostic> {
    let info = info.trim();
    let lang_end = info.find(|c: char| c.is_whitespace() || c == '{').unwrap_or(info.len());
    let lang = info[..lang_end].to_ascii_lowercase();
    if !RUN_LANGS.contains(&lang.as_str()) {
        return Ok(None);
    }
    let rest = info[lang_end..].trim();
    let info_col = body[at.offset - start..].find('{').map_or(at.col, |i| at.col + i);
    let info_pos = Pos { line: at.line, col: info_col, offset: at.offset };
    let settings = if rest.is_empty() {
        serde_json::Map::new()
    } else {
        match serde_json::from_str::<serde_json::Value>(rest) {
            Ok(serde_json::Value::Object(map)) => map,
            Ok(_) => return Err(Diagnostic::new(info_pos, "", "block settings must be a JSON object")),
            Err(e) => {
                let message = format!("block settings are not valid JSON: {e} (write {{\"name\":\"restart\"}})");
                return Err(Diagnostic::new(info_pos, "", message));
            }
        }
    };
    if let Some(key) = settings.keys().find(|k| !BLOCK_KEYS.contains(&k.as_str())) {
        let message = format!("unknown block setting `{key}` (known: {})", BLOCK_KEYS.join(", "));
        return Err(Diagnostic::new(info_pos, "", message));
    }
    if settings.get("excludeFromRunme").and_then(|v| v.as_bool()) == Some(true) {
        return Ok(None);
    }
    let mut code_lines = Vec::new();
    for (e, r) in inner {
        if let Event::Text(t) = e {
            let mut offset = start + r.start;
            for line in t.split_inclusive('\n') {
                code_lines.push((line.trim_end_matches(['\n', '\r']).to_string(), lines.pos(offset)));
                offset += line.len();
            }
        }
    }
    Ok(Some(Block { lang, settings, lines: code_lines, pos: info_pos }))
}

#[cfg(test)]
mod tests {
    const RESTART: &str = include_str!("../../tests/fixtures/markdown/restart-payments.md");

    #[test]
    fn headings_blocks_and_task_lists_become_phases_and_steps() {
        let rb = super::load("restart-payments.md", RESTART).unwrap();
        assert_eq!(rb.title, "Restart the payments API");
        assert_eq!(rb.match_patterns, ["connection refused"]);
        let ids: Vec<&str> = rb.steps().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["pods", "restart", "fix-2"]);
        // The YAML sample stays in the text, the console output is expected output, not a command.
        let pods = rb.step(0).unwrap();
        assert!(pods.text.contains("replicas: 3"));
        assert!(
            matches!(&pods.action, Some(crate::engine::Action::Run(r)) if r.command == "kubectl get pods -l app=payments")
        );
        assert_eq!(pods.mode, crate::engine::Mode::Observe);
        assert_eq!(rb.step(1).unwrap().mode, crate::engine::Mode::Change);
    }

    #[test]
    fn converted_yaml_loads_to_the_same_runbook() {
        let yaml = super::convert("restart-payments.md", RESTART).unwrap().yaml;
        let from_yaml = crate::engine::load::load_yaml("x.yaml", yaml.as_bytes()).unwrap();
        let from_md = super::load("restart-payments.md", RESTART).unwrap();
        let strip = |rb: &crate::engine::Runbook| -> Vec<(String, String, String)> {
            rb.steps().map(|s| (s.id.clone(), s.title.clone(), s.text.clone())).collect()
        };
        assert_eq!(strip(&from_yaml), strip(&from_md));
    }

    #[test]
    fn problems_point_into_the_markdown_file() {
        let bad = RESTART.replace("\"mode\":\"observe\"", "\"mode\":\"watch\"");
        let err = super::load("bad.md", &bad).unwrap_err();
        assert_eq!((err.diagnostics[0].line, err.diagnostics[0].col), (15, 12));
    }
}
