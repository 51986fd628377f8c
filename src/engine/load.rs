//! Loading a runbook: bytes → positioned YAML → validated model, with every problem reported at once.
//!
//! Syntax errors stop the load (YAML cannot be walked past them); everything else — unknown keys, missing fields,
//! duplicate ids, undefined references, gotos to nowhere, bad regexes and durations — is collected so that one
//! `runbook check` shows the whole list.

use super::actions::{load_action, ACTION_KEYS};
use super::diag::{Diagnostic, LoadError};
use super::fields::{Fields, Reader};
use super::model::*;
use super::template;
use super::yaml::{self, Node, Pos};
use std::collections::{HashMap, HashSet};

/// Largest runbook accepted; real ones are a few dozen KiB.
pub const MAX_BYTES: usize = 4 << 20;

/// Names every runbook can use without defining them. The `evidence*` ones have a value once the session holds
/// the incident's evidence (`--log`, or an `evidence` step).
pub const BUILTINS: [&str; 7] =
    ["assets_dir", "runbook_dir", "workdir", "evidence", "evidence_file", "evidence_files", "evidence_text"];

const TOP_KEYS: [&str; 6] = ["id", "title", "summary", "match", "vars", "phases"];
const VAR_KEYS: [&str; 4] = ["name", "default", "description", "secret"];
const PHASE_KEYS: [&str; 3] = ["id", "title", "steps"];
const STEP_BASE_KEYS: [&str; 8] = ["id", "title", "text", "mode", "milestone", "next", "capture", "on_unexpected"];
const CAPTURE_KEYS: [&str; 4] = ["name", "from", "regex", "group"];

/// Loads and validates a runbook from raw bytes; `file` is only used in messages, and a `.md`/`.markdown` name
/// means a Markdown runbook (`markdown.rs`).
pub fn load(file: &str, bytes: &[u8]) -> Result<Runbook, LoadError> {
    if !super::markdown::is_markdown(file) {
        return load_yaml(file, bytes);
    }
    let src = checked_text(file, bytes)?;
    super::markdown::load(file, src)
}

/// The bytes as text, or the error every loader gives for a file too large, not UTF-8 or binary.
pub fn checked_text<'b>(file: &str, bytes: &'b [u8]) -> Result<&'b str, LoadError> {
    let fail = |diag: Diagnostic| LoadError { file: file.to_string(), diagnostics: vec![diag] };
    let at_start = Pos { line: 1, col: 1, offset: 0 };
    if bytes.len() > MAX_BYTES {
        return Err(fail(Diagnostic::new(at_start, "", format!("file is larger than {} MiB", MAX_BYTES >> 20))));
    }
    let src = match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let pos = position_of(bytes, e.valid_up_to());
            return Err(fail(Diagnostic::new(pos, "", "not UTF-8 text (is this a binary file?)")));
        }
    };
    // A UTF-8 byte order mark (editors on Windows write one) is not part of the text: left in, it would be the
    // first character of the first key (`unknown key \u{feff}id`). Positions count from after it, as editors do.
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    if let Some(nul) = src.find('\0') {
        let pos = position_of(src.as_bytes(), nul);
        return Err(fail(Diagnostic::new(pos, "", "contains a NUL byte (is this a binary file?)")));
    }
    Ok(src)
}

/// Loads and validates a YAML runbook.
pub fn load_yaml(file: &str, bytes: &[u8]) -> Result<Runbook, LoadError> {
    let fail = |diag: Diagnostic| LoadError { file: file.to_string(), diagnostics: vec![diag] };
    let at_start = Pos { line: 1, col: 1, offset: 0 };
    let src = checked_text(file, bytes)?;
    let root = match yaml::parse(src) {
        Ok(Some(root)) => root,
        Ok(None) => {
            let message = "empty file: a runbook is a YAML mapping with `id`, `title` and `phases`";
            return Err(fail(Diagnostic::new(at_start, "", message)));
        }
        Err(e) => return Err(fail(Diagnostic::new(e.pos, "", syntax_message(src, &e)))),
    };
    let mut loader = Loader { reader: Reader::new(src), scope: Scope::default(), gotos: Vec::new() };
    let runbook = loader.runbook(&root);
    loader.check_gotos(runbook.as_ref());
    match runbook {
        Some(rb) if loader.reader.diags.is_empty() => Ok(rb),
        _ => {
            let mut diagnostics = loader.reader.diags;
            diagnostics.sort_by_key(|d| (d.line, d.col));
            if diagnostics.is_empty() {
                diagnostics.push(Diagnostic::new(root.pos, "", "not a runbook"));
            }
            Err(LoadError { file: file.to_string(), diagnostics })
        }
    }
}

fn position_of(bytes: &[u8], offset: usize) -> Pos {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    Pos { line, col: offset - line_start + 1, offset }
}

fn syntax_message(src: &str, e: &yaml::SyntaxError) -> String {
    let line = src.lines().nth(e.pos.line.saturating_sub(1)).unwrap_or("");
    let unquoted = line.contains(": {{") || line.contains("- {{") || line.contains(":{{");
    if unquoted {
        format!(
            "YAML syntax error: {}; a value starting with `{{{{` must be quoted in YAML (write \"{{{{name}}}}…\")",
            e.message
        )
    } else {
        format!("YAML syntax error: {}", e.message)
    }
}

/// What templates may refer to at the current point of the file.
#[derive(Default)]
pub struct Scope {
    pub vars: HashSet<String>,
    /// Capture name → id of the step that sets it.
    pub captures: HashMap<String, String>,
}

impl Scope {
    fn defines(&self, name: &str) -> bool {
        BUILTINS.contains(&name) || self.vars.contains(name) || self.captures.contains_key(name)
    }
}

pub(super) struct Loader<'s> {
    pub reader: Reader<'s>,
    pub scope: Scope,
    /// (target step id, node, path) checked once every step id is known.
    pub gotos: Vec<(String, Node, String)>,
}

impl Loader<'_> {
    fn runbook(&mut self, root: &Node) -> Option<Runbook> {
        let f = self.reader.fields(root, "", &TOP_KEYS)?;
        let id = self.reader.string(&f, "id", true);
        if let (Some(id), Some(node)) = (&id, f.get("id")) {
            self.check_id(id, node, "id", true);
        }
        let title = self.reader.string(&f, "title", true);
        let summary = self.reader.string(&f, "summary", false).unwrap_or_default();
        let match_patterns = self.match_patterns(&f);
        let vars = self.vars(&f);
        let mut phases = Vec::new();
        let mut phase_ids = HashSet::new();
        let mut step_ids = HashSet::new();
        if !f.has("phases") {
            self.reader.missing(&f, "phases");
        }
        let phase_nodes = self.reader.list(&f, "phases");
        if f.has("phases") && phase_nodes.is_empty() {
            self.reader.error(root, "phases", "a runbook needs at least one phase");
        }
        for (node, path) in phase_nodes {
            if let Some(phase) = self.phase(node, &path, &mut phase_ids, &mut step_ids) {
                phases.push(phase);
            }
        }
        Some(Runbook { id: id?, title: title?, summary, match_patterns, vars, phases })
    }

    fn vars(&mut self, f: &Fields<'_>) -> Vec<Var> {
        let mut vars = Vec::new();
        for (node, path) in self.reader.list(f, "vars") {
            let Some(vf) = self.reader.fields(node, &path, &VAR_KEYS) else { continue };
            let Some(name) = self.reader.string(&vf, "name", true) else { continue };
            if !template::is_identifier(&name) || name.contains('-') {
                self.reader.error(node, &vf.child("name"), format!("var name `{name}` must match [a-z_][a-z0-9_]*"));
            }
            if BUILTINS.contains(&name.as_str()) {
                self.reader.error(node, &vf.child("name"), format!("`{name}` is a built-in and cannot be redefined"));
            }
            if !self.scope.vars.insert(name.clone()) {
                self.reader.error(node, &vf.child("name"), format!("duplicate var `{name}`"));
            }
            let default = self.reader.string(&vf, "default", false);
            let description = self.reader.string(&vf, "description", false).unwrap_or_default();
            let secret = self.reader.bool(&vf, "secret").unwrap_or(false);
            vars.push(Var { name, default, description, secret });
        }
        vars
    }

    fn check_id(&mut self, id: &str, node: &Node, path: &str, dashes_only: bool) {
        let ok = !id.is_empty()
            && id.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || (!dashes_only && c == '_'));
        if !ok {
            let pattern = if dashes_only { "[a-z0-9][a-z0-9-]*" } else { "[a-z0-9][a-z0-9_-]*" };
            self.reader.error(node, path, format!("id `{id}` must match {pattern}"));
        }
    }

    fn phase(
        &mut self,
        node: &Node,
        path: &str,
        phase_ids: &mut HashSet<String>,
        step_ids: &mut HashSet<String>,
    ) -> Option<Phase> {
        let f = self.reader.fields(node, path, &PHASE_KEYS)?;
        let id = self.reader.string(&f, "id", true);
        if let (Some(id), Some(id_node)) = (&id, f.get("id")) {
            self.check_id(id, id_node, &f.child("id"), false);
            if !phase_ids.insert(id.clone()) {
                self.reader.error(id_node, &f.child("id"), format!("duplicate phase id `{id}`"));
            }
        }
        let title = self.reader.string(&f, "title", true);
        if !f.has("steps") {
            self.reader.missing(&f, "steps");
        }
        let step_nodes = self.reader.list(&f, "steps");
        if f.has("steps") && step_nodes.is_empty() {
            self.reader.error(node, &f.child("steps"), "a phase needs at least one step");
        }
        let mut steps = Vec::new();
        for (step_node, step_path) in step_nodes {
            if let Some(step) = self.step(step_node, &step_path, step_ids) {
                steps.push(step);
            }
        }
        Some(Phase { id: id?, title: title?, steps })
    }

    fn step(&mut self, node: &Node, path: &str, step_ids: &mut HashSet<String>) -> Option<Step> {
        let known: Vec<&str> = STEP_BASE_KEYS.iter().chain(ACTION_KEYS.iter()).copied().collect();
        let f = self.reader.fields(node, path, &known)?;
        let id = self.reader.string(&f, "id", true);
        if let (Some(id), Some(id_node)) = (&id, f.get("id")) {
            self.check_id(id, id_node, &f.child("id"), false);
            if !step_ids.insert(id.clone()) {
                self.reader.error(id_node, &f.child("id"), format!("duplicate step id `{id}`"));
            }
        }
        let title = self.reader.string(&f, "title", true);
        let text = self.reader.string(&f, "text", false).unwrap_or_default();
        let mode = match self.reader.string(&f, "mode", false).as_deref() {
            None | Some("change") => Mode::Change,
            Some("observe") => Mode::Observe,
            Some(other) => {
                let n = f.get("mode").unwrap_or(node);
                self.reader.error(n, &f.child("mode"), format!("mode `{other}` is not observe or change"));
                Mode::Change
            }
        };
        let milestone = self.reader.string(&f, "milestone", false).and_then(|m| {
            let found = Milestone::ALL.iter().find(|(name, _)| *name == m).map(|(_, v)| *v);
            if found.is_none() {
                let n = f.get("milestone").unwrap_or(node);
                let message = format!("milestone `{m}` is not one of reproduced, located, fixed, verified");
                self.reader.error(n, &f.child("milestone"), message);
            }
            found
        });
        let next = self.reader.string(&f, "next", false);
        let on_unexpected = self.reader.string(&f, "on_unexpected", false).map(|m| m.trim_end().to_string());
        if let (Some(target), Some(next_node)) = (&next, f.get("next")) {
            self.gotos.push((target.clone(), next_node.clone(), f.child("next")));
        }
        let present: Vec<&str> = ACTION_KEYS.iter().copied().filter(|k| f.has(k)).collect();
        if present.len() > 1 {
            let message = format!("a step has at most one action, found {}", present.join(" and "));
            self.reader.error_at(f.pos, path, message);
        }
        let action = present.first().and_then(|key| load_action(self, &f, key));
        let step_id = id.clone().unwrap_or_default();
        let captures = self.captures(&f, present.first().copied(), &step_id);
        Some(Step {
            id: id?,
            title: title?,
            text,
            mode,
            milestone,
            next,
            action,
            captures,
            on_unexpected,
            path: path.to_string(),
            pos: f.pos,
        })
    }

    fn captures(&mut self, f: &Fields<'_>, action: Option<&str>, step_id: &str) -> Vec<Capture> {
        let mut captures = Vec::new();
        for (node, path) in self.reader.list(f, "capture") {
            let Some(cf) = self.reader.fields(node, &path, &CAPTURE_KEYS) else { continue };
            let Some(name) = self.reader.string(&cf, "name", true) else { continue };
            let name_node = cf.get("name").unwrap_or(node);
            if !template::is_identifier(&name) || name.contains('-') {
                self.reader.error(
                    name_node,
                    &cf.child("name"),
                    format!("capture name `{name}` must match [a-z_][a-z0-9_]*"),
                );
            } else if BUILTINS.contains(&name.as_str()) || self.scope.vars.contains(&name) {
                self.reader.error(name_node, &cf.child("name"), format!("capture `{name}` shadows a var or built-in"));
            } else if let Some(other) = self.scope.captures.get(&name) {
                let message = format!("capture `{name}` is already set by step `{other}`");
                self.reader.error(name_node, &cf.child("name"), message);
            }
            let from = match self.reader.string(&cf, "from", false).as_deref() {
                None | Some("output") => CaptureFrom::Output,
                Some("stdout") => CaptureFrom::Stdout,
                Some("stderr") => CaptureFrom::Stderr,
                Some("result") => CaptureFrom::Result,
                Some(other) => {
                    let n = cf.get("from").unwrap_or(node);
                    self.reader.error(
                        n,
                        &cf.child("from"),
                        format!("`from: {other}` is not output, stdout, stderr or result"),
                    );
                    CaptureFrom::Output
                }
            };
            if action != Some("run") && from != CaptureFrom::Result {
                let what = action.unwrap_or("a step without an action");
                let message = format!("{what} has no output to capture; use `from: result`");
                self.reader.error(node, &path, message);
            }
            let pattern = self.reader.string(&cf, "regex", false);
            let group = self.reader.uint(&cf, "group").map(|g| g as usize);
            let mut regex = None;
            if let Some(re) = &pattern {
                let n = cf.get("regex").unwrap_or(node);
                regex = self.check_regex(re, n, &cf.child("regex"));
                if let Some(groups) = regex.as_ref().map(|r| r.regex().captures_len()) {
                    if let Some(g) = group.filter(|g| *g >= groups) {
                        let message = format!("group {g} does not exist: the regex has {} group(s)", groups - 1);
                        self.reader.error(cf.get("group").unwrap_or(node), &cf.child("group"), message);
                    }
                }
            }
            self.scope.captures.insert(name.clone(), step_id.to_string());
            captures.push(Capture { name, from, regex, group });
        }
        captures
    }

    /// Compiles a regex, or records why it does not compile.
    pub fn check_regex(&mut self, re: &str, node: &Node, path: &str) -> Option<LineRegex> {
        match LineRegex::new(re) {
            Ok(compiled) => Some(compiled),
            Err(e) => {
                self.reader.error(node, path, regex_message(re, &e));
                None
            }
        }
    }

    /// Checks a templated string: syntax, references defined earlier, and (for commands) no refs inside quotes.
    pub fn check_template(&mut self, text: &str, node: &Node, path: &str, is_command: bool) {
        if let Err(e) = template::parse(text) {
            self.reader.error(node, path, format!("bad template at byte {}: {}", e.offset + 1, e.message));
            return;
        }
        for r in template::references(text) {
            for name in r.names().filter(|n| !self.scope.defines(n)).map(str::to_string).collect::<Vec<_>>() {
                let message = format!(
                    "`{{{{{name}}}}}` is not defined here: no var, built-in ({}) or capture of an earlier step has that name",
                    BUILTINS.join(", ")
                );
                self.reader.error(node, path, message);
            }
        }
        if is_command {
            for refusal in super::shell_scan::refusals(text) {
                let message = format!("template at byte {} {}", refusal.offset + 1, refusal.message);
                self.reader.error(node, path, message);
            }
        }
    }

    fn check_gotos(&mut self, runbook: Option<&Runbook>) {
        let Some(rb) = runbook else {
            return;
        };
        let ids: HashSet<&str> = rb.steps().map(|s| s.id.as_str()).collect();
        for (target, node, path) in std::mem::take(&mut self.gotos) {
            if !ids.contains(target.as_str()) {
                self.reader.error(&node, &path, format!("goto `{target}`: no step has that id"));
            }
        }
    }
}

/// One line for a regex error: the crate's message spans several lines with a caret under the problem.
pub fn regex_message(pattern: &str, error: &regex::Error) -> String {
    let text = error.to_string();
    let reason = text.lines().rev().find_map(|l| l.strip_prefix("error: ")).unwrap_or(text.as_str());
    let caret =
        text.lines().find(|l| l.trim_start().starts_with('^') && l.trim().chars().all(|c| c == '^' || c == ' '));
    match caret.map(|l| l.len() - l.trim_start().len()) {
        Some(indent) => format!("invalid regex {pattern:?}: {reason} at byte {}", indent.saturating_sub(4) + 1),
        None => format!("invalid regex {pattern:?}: {reason}"),
    }
}
