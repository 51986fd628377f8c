//! Writing the YAML runbook equivalent to a Markdown one, line by line, remembering each line's Markdown origin.

use super::{Block, Converted, Origin, Piece, Section};
use crate::engine::yaml::Pos;
use std::collections::HashSet;

/// One step before it is written.
struct StepOut {
    id: Option<String>,
    title: String,
    text: String,
    pos: Pos,
    action: Option<Act>,
}

enum Act {
    Run { block: Block, commands: Vec<(String, Pos)> },
    Tasks(Vec<String>),
}

struct PhaseOut {
    title: String,
    pos: Pos,
    steps: Vec<StepOut>,
    /// Prose under the phase heading, before its first step: the start of that step's text.
    intro: String,
}

pub(super) fn emit(stem: &str, front: Vec<(String, usize)>, sections: &[Section]) -> Converted {
    let mut out = Out { yaml: String::new(), map: Vec::new() };
    let has = |key: &str| front.iter().any(|(l, _)| l.starts_with(&format!("{key}:")));
    let (has_id, has_title, has_summary) = (has("id"), has("title"), has("summary"));
    let mut summary = String::new();
    let mut title = None;
    let mut phases: Vec<PhaseOut> = Vec::new();
    for section in sections {
        let level = if section.level == 1 && title.is_some() { 2 } else { section.level };
        match level {
            0 | 1 => {
                if level == 1 {
                    title = Some((section.title.clone(), section.pos));
                }
                let (prose, steps) = steps_of(section, "");
                append(&mut summary, &prose);
                if !steps.is_empty() {
                    let phase_title = title.as_ref().map_or(stem.to_string(), |t| t.0.clone());
                    phases.push(PhaseOut { title: phase_title, pos: section.pos, steps, intro: String::new() });
                }
            }
            2 => {
                let (prose, steps) = steps_of(section, &section.title);
                phases.push(PhaseOut { title: section.title.clone(), pos: section.pos, steps, intro: prose });
            }
            _ => {
                if phases.is_empty() {
                    let t = title.as_ref().map_or(stem.to_string(), |t| t.0.clone());
                    phases.push(PhaseOut { title: t, pos: section.pos, steps: Vec::new(), intro: String::new() });
                }
                let (prose, mut steps) = steps_of(section, &section.title);
                if steps.is_empty() {
                    steps.push(StepOut {
                        id: None,
                        title: section.title.clone(),
                        text: prose,
                        pos: section.pos,
                        action: None,
                    });
                } else if let Some(last) = steps.last_mut() {
                    append(&mut last.text, &prose);
                }
                if let Some(phase) = phases.last_mut() {
                    phase.steps.extend(steps);
                }
            }
        }
    }
    let start = Pos { line: 1, col: 1, offset: 0 };
    for (line, n) in &front {
        out.line(line.clone(), Pos { line: *n, col: 1, offset: 0 }, Some(0));
    }
    if !has_id {
        let base = if stem.is_empty() { title.as_ref().map_or("runbook", |t| t.0.as_str()) } else { stem };
        out.line(format!("id: {}", quote(&slug(base, "runbook"))), start, None);
    }
    if !has_title {
        let (t, pos) = title.clone().unwrap_or((stem.to_string(), start));
        out.line(format!("title: {}", quote(&t)), pos, None);
    }
    if !has_summary && !summary.is_empty() {
        out.scalar(0, "summary", &summary, sections.first().map_or(start, |s| s.pos));
    }
    out.line("phases:".into(), start, None);
    let mut phase_ids = HashSet::new();
    let mut step_ids: HashSet<String> =
        phases.iter().flat_map(|p| p.steps.iter().filter_map(|s| s.id.clone())).collect();
    for phase in phases {
        out.line(format!("  - id: {}", quote(&unique(&slug(&phase.title, "phase"), &mut phase_ids))), phase.pos, None);
        out.line(format!("    title: {}", quote(&phase.title)), phase.pos, None);
        out.line("    steps:".into(), phase.pos, None);
        if phase.steps.is_empty() {
            // The loader reports a phase without steps; it points at this heading.
            out.line("      []".into(), phase.pos, None);
        }
        let mut intro = phase.intro;
        for mut step in phase.steps {
            if !intro.is_empty() {
                step.text = if step.text.is_empty() { intro.clone() } else { format!("{intro}\n\n{}", step.text) };
                intro.clear();
            }
            out.step(step, &mut step_ids);
        }
    }
    Converted { yaml: out.yaml, map: out.map }
}

/// A section's steps: each runnable block or task list is a step, with the prose before it as its text; the prose
/// left after the last one is returned (the caller decides where it goes).
fn steps_of(section: &Section, title: &str) -> (String, Vec<StepOut>) {
    let mut steps: Vec<StepOut> = Vec::new();
    let mut text = String::new();
    for piece in &section.pieces {
        let (pos, action) = match piece {
            Piece::Prose(p) => {
                append(&mut text, p);
                continue;
            }
            Piece::Tasks(items, pos) => (*pos, Act::Tasks(items.clone())),
            Piece::Run(block) => {
                let (commands, output) = commands(block);
                if commands.iter().all(|(c, _)| c.trim().is_empty()) {
                    // A console block with no `$ ` line is an output sample.
                    let sample: Vec<&str> = block.lines.iter().map(|(l, _)| l.as_str()).collect();
                    append(&mut text, &format!("```\n{}\n```", sample.join("\n")));
                    continue;
                }
                if !output.is_empty() {
                    let expected = format!("Expected output:\n\n```\n{}\n```", output.join("\n"));
                    append(&mut text, &expected);
                }
                (block.pos, Act::Run { block: clone_block(block), commands })
            }
        };
        let n = steps.len() + 1;
        let base = if title.is_empty() { "Step".to_string() } else { title.to_string() };
        let mut step_title = if n == 1 { base } else { format!("{base} ({n})") };
        let mut id = None;
        if let Act::Run { block, .. } = &action {
            if let Some(t) = block.settings.get("title").and_then(|v| v.as_str()) {
                step_title = t.to_string();
            }
            id = block.settings.get("name").map(json_text);
        }
        steps.push(StepOut { id, title: step_title, text: std::mem::take(&mut text), pos, action: Some(action) });
    }
    (text, steps)
}

fn clone_block(b: &Block) -> Block {
    Block { lang: b.lang.clone(), settings: b.settings.clone(), lines: b.lines.clone(), pos: b.pos }
}

/// The command lines of a block and, for `console` blocks, the expected output (lines without `$ `).
fn commands(block: &Block) -> (Vec<(String, Pos)>, Vec<String>) {
    if block.lang != "console" {
        return (block.lines.clone(), Vec::new());
    }
    let mut commands: Vec<(String, Pos)> = Vec::new();
    let mut output = Vec::new();
    let mut continued = false;
    for (line, pos) in &block.lines {
        if continued {
            commands.push((line.clone(), *pos));
        } else if let Some(cmd) = line.strip_prefix("$ ") {
            commands.push((cmd.to_string(), Pos { line: pos.line, col: pos.col + 2, offset: pos.offset + 2 }));
        } else {
            output.push(line.clone());
            continue;
        }
        continued = line.ends_with('\\');
    }
    (commands, output)
}

fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn append(text: &mut String, more: &str) {
    if more.trim().is_empty() {
        return;
    }
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(more.trim_end());
}

/// `[a-z0-9][a-z0-9-]*` from a title, at most 48 characters.
fn slug(title: &str, fallback: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 48 {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        fallback.to_string()
    } else {
        out
    }
}

fn unique(base: &str, used: &mut HashSet<String>) -> String {
    let mut id = base.to_string();
    let mut n = 2;
    while used.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    used.insert(id.clone());
    id
}

/// A YAML double-quoted scalar (JSON's escapes are YAML's).
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// Whether a value can be written as a literal block scalar (`|-`), which keeps commands and prose readable.
fn literal_ok(s: &str) -> bool {
    s.contains('\n')
        && !s.starts_with([' ', '\t'])
        && !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
        && !s.lines().any(|l| l.trim().is_empty() && !l.is_empty())
}

struct Out {
    yaml: String,
    map: Vec<Origin>,
}

impl Out {
    fn line(&mut self, text: String, pos: Pos, verbatim: Option<isize>) {
        self.yaml.push_str(&text);
        self.yaml.push('\n');
        self.map.push(Origin { pos, verbatim });
    }

    fn scalar(&mut self, indent: usize, key: &str, value: &str, pos: Pos) {
        let pad = " ".repeat(indent);
        if literal_ok(value) {
            self.line(format!("{pad}{key}: |-"), pos, None);
            for l in value.lines() {
                self.line(format!("{pad}  {l}"), pos, None);
            }
        } else {
            self.line(format!("{pad}{key}: {}", quote(value)), pos, None);
        }
    }

    /// Command lines, each mapped to its own line in the Markdown file.
    fn command(&mut self, indent: usize, lines: &[(String, Pos)], pos: Pos) {
        let pad = " ".repeat(indent);
        let joined: Vec<&str> = lines.iter().map(|(l, _)| l.as_str()).collect();
        let joined = joined.join("\n");
        if !literal_ok(&joined) {
            let at = lines.first().map_or(pos, |l| l.1);
            self.line(format!("{pad}command: {}", quote(&joined)), at, None);
            return;
        }
        self.line(format!("{pad}command: |-"), pos, None);
        for (l, at) in lines {
            let shift = at.col as isize - (indent as isize + 3);
            self.line(format!("{pad}  {l}"), *at, Some(shift));
        }
    }

    fn step(&mut self, step: StepOut, used: &mut HashSet<String>) {
        let id = match step.id {
            Some(id) => id,
            None => unique(&slug(&step.title, "step"), used),
        };
        self.line(format!("      - id: {}", quote(&id)), step.pos, None);
        self.line(format!("        title: {}", quote(&step.title)), step.pos, None);
        if !step.text.is_empty() {
            self.scalar(8, "text", &step.text, step.pos);
        }
        match step.action {
            Some(Act::Run { block, commands }) => {
                let mode = block.settings.get("mode").map_or("change".to_string(), json_text);
                self.line(format!("        mode: {}", quote(&mode)), block.pos, None);
                self.line("        run:".into(), block.pos, None);
                self.command(10, &commands, block.pos);
                for key in ["cwd", "timeout", "grace"] {
                    if let Some(v) = block.settings.get(key) {
                        self.line(format!("          {key}: {}", quote(&json_text(v))), block.pos, None);
                    }
                }
                if let Some(v) = block.settings.get("exit_code") {
                    self.line("          expect:".into(), block.pos, None);
                    self.line(format!("            exit_code: {}", quote(&json_text(v))), block.pos, None);
                }
            }
            Some(Act::Tasks(items)) => {
                self.line("        checklist:".into(), step.pos, None);
                for item in items {
                    self.line(format!("          - {}", quote(&item)), step.pos, None);
                }
            }
            None => {}
        }
    }
}
