//! Loading each kind of step action (`run`, `parse`, `grep`, `blame`, `simulate`, `choose`, `checklist`,
//! `evidence`).

use super::duration;
use super::fields::Fields;
use super::load::Loader;
use super::model::*;
use super::yaml::{Node, NodeKind};
use std::collections::BTreeMap;
use std::time::Duration;

pub const ACTION_KEYS: [&str; 8] = ["run", "parse", "grep", "blame", "simulate", "choose", "checklist", "evidence"];

const RUN_KEYS: [&str; 7] = ["command", "cwd", "env", "timeout", "grace", "expect", "spill_cap"];
const EXPECT_KEYS: [&str; 3] = ["exit_code", "matches", "not_matches"];
const PARSE_KEYS: [&str; 3] = ["input", "file", "kind"];
const GREP_KEYS: [&str; 7] = ["pattern", "paths", "include", "exclude", "ignore_case", "fixed_strings", "context"];
const BLAME_KEYS: [&str; 3] = ["file", "lines", "rev"];
const SIM_KEYS: [&str; 6] = ["program", "go", "seed", "runs", "exhaustive", "gctrace"];
const CHOOSE_KEYS: [&str; 2] = ["question", "options"];
const OPTION_KEYS: [&str; 4] = ["id", "label", "description", "goto"];
const EVIDENCE_KEYS: [&str; 2] = ["repo", "examples"];

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);
pub const DEFAULT_GRACE: Duration = Duration::from_secs(5);

pub(super) fn load_action(l: &mut Loader<'_>, step: &Fields<'_>, key: &str) -> Option<Action> {
    let node = step.get(key)?;
    let path = step.child(key);
    if key == "checklist" {
        return checklist(l, node, &path);
    }
    let known: &[&str] = match key {
        "run" => &RUN_KEYS,
        "parse" => &PARSE_KEYS,
        "grep" => &GREP_KEYS,
        "blame" => &BLAME_KEYS,
        "simulate" => &SIM_KEYS,
        "evidence" => &EVIDENCE_KEYS,
        _ => &CHOOSE_KEYS,
    };
    let f = l.reader.fields(node, &path, known)?;
    match key {
        "run" => run(l, &f).map(Action::Run),
        "parse" => parse(l, &f).map(Action::Parse),
        "grep" => grep(l, &f).map(Action::Grep),
        "blame" => blame(l, &f).map(Action::Blame),
        "simulate" => simulate(l, &f).map(Action::Simulate),
        "evidence" => Some(Action::Evidence(evidence(l, &f))),
        _ => choose(l, &f).map(Action::Choose),
    }
}

/// A templated string field: read it and check its references.
fn templated(l: &mut Loader<'_>, f: &Fields<'_>, key: &str, required: bool, is_command: bool) -> Option<String> {
    let value = l.reader.string(f, key, required)?;
    if let Some(node) = f.get(key) {
        l.check_template(&value, node, &f.child(key), is_command);
    }
    Some(value)
}

fn duration_field(l: &mut Loader<'_>, f: &Fields<'_>, key: &str, default: Duration) -> Duration {
    let Some(text) = l.reader.string(f, key, false) else { return default };
    match duration::parse(&text) {
        Ok(d) if !d.is_zero() => d,
        Ok(_) => {
            let node = f.get(key).unwrap_or(f.node);
            l.reader.error(node, &f.child(key), "duration must be greater than zero");
            default
        }
        Err(message) => {
            let node = f.get(key).unwrap_or(f.node);
            l.reader.error(node, &f.child(key), message);
            default
        }
    }
}

/// A command, working directory or environment value reaches the OS as a C string: a NUL byte in it would make
/// the step fail only when it starts, so `check` says so first.
fn refuse_nul(l: &mut Loader<'_>, value: &str, node: &Node, path: &str, what: &str) {
    if value.contains('\0') {
        l.reader.error(node, path, format!("{what} holds a NUL byte, which the operating system cannot pass on"));
    }
}

fn run(l: &mut Loader<'_>, f: &Fields<'_>) -> Option<RunAction> {
    let command = templated(l, f, "command", true, true);
    let cwd = templated(l, f, "cwd", false, false);
    for (key, value, what) in [("command", &command, "the command"), ("cwd", &cwd, "the working directory")] {
        if let (Some(value), Some(node)) = (value, f.get(key)) {
            refuse_nul(l, value, node, &f.child(key), what);
        }
    }
    let mut env = BTreeMap::new();
    if let Some(env_node) = f.get("env") {
        if let NodeKind::Map(pairs) = &env_node.kind {
            for (k, v) in pairs {
                let key_path = f.child("env");
                let (Some(name), Some(value)) = (l.reader.scalar(k, &key_path), l.reader.scalar(v, &key_path)) else {
                    continue;
                };
                let path = format!("{key_path}.{name}");
                let valid_name = !name.is_empty()
                    && !name.starts_with(|c: char| c.is_ascii_digit())
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !valid_name {
                    l.reader.error(k, &path, format!("`{name}` is not a valid environment variable name"));
                }
                l.check_template(&value, v, &path, false);
                refuse_nul(l, &value, v, &path, "the value");
                env.insert(name, value);
            }
        } else {
            l.reader.error(env_node, &f.child("env"), format!("expected a mapping, found {}", env_node.type_name()));
        }
    }
    let timeout = duration_field(l, f, "timeout", DEFAULT_TIMEOUT);
    let grace = duration_field(l, f, "grace", DEFAULT_GRACE);
    let expect = match f.get("expect") {
        Some(node) => expect(l, node, &f.child("expect")),
        None => Expect::default(),
    };
    let spill_cap = l.reader.string(f, "spill_cap", false).and_then(|text| match super::size::parse(&text) {
        Ok(bytes) => Some(bytes),
        Err(message) => {
            let node = f.get("spill_cap").unwrap_or(f.node);
            l.reader.error(node, &f.child("spill_cap"), message);
            None
        }
    });
    Some(RunAction { command: command?, cwd, env, timeout, grace, expect, spill_cap })
}

fn expect(l: &mut Loader<'_>, node: &super::yaml::Node, path: &str) -> Expect {
    let Some(f) = l.reader.fields(node, path, &EXPECT_KEYS) else { return Expect::default() };
    let mut exit_codes = Vec::new();
    for (text, code_node, code_path) in l.reader.strings(&f, "exit_code") {
        match text.parse::<i32>() {
            Ok(code) if (0..=255).contains(&code) => exit_codes.push(code),
            _ => l.reader.error(code_node, &code_path, format!("exit code must be 0..255, found {text:?}")),
        }
    }
    if exit_codes.is_empty() && !f.has("exit_code") {
        exit_codes.push(0);
    }
    let mut regexes = |key: &str| {
        let mut out = Vec::new();
        for (re, re_node, re_path) in l.reader.strings(&f, key) {
            // An invalid regex is a diagnostic: the runbook does not load, so leaving it out changes nothing.
            out.extend(l.check_regex(&re, re_node, &re_path));
        }
        out
    };
    let matches = regexes("matches");
    let not_matches = regexes("not_matches");
    Expect { exit_codes, matches, not_matches }
}

fn parse(l: &mut Loader<'_>, f: &Fields<'_>) -> Option<ParseAction> {
    let input = templated(l, f, "input", false, false);
    let file = templated(l, f, "file", false, false);
    if input.is_some() == file.is_some() && !(f.has("input") && input.is_none() || f.has("file") && file.is_none()) {
        l.reader.error(f.node, &f.path, "give exactly one of `input` or `file`");
    }
    let kind = match l.reader.string(f, "kind", false).as_deref() {
        None | Some("auto") => ParseKind::Auto,
        Some("race") => ParseKind::Race,
        Some("crash") => ParseKind::Crash,
        Some("gctrace") => ParseKind::Gctrace,
        Some(other) => {
            let node = f.get("kind").unwrap_or(f.node);
            l.reader.error(node, &f.child("kind"), format!("kind `{other}` is not auto, race, crash or gctrace"));
            ParseKind::Auto
        }
    };
    Some(ParseAction { input, file, kind })
}

fn grep(l: &mut Loader<'_>, f: &Fields<'_>) -> Option<GrepAction> {
    let pattern = templated(l, f, "pattern", true, false);
    let fixed_strings = l.reader.bool(f, "fixed_strings").unwrap_or(false);
    let ignore_case = l.reader.bool(f, "ignore_case").unwrap_or(false);
    if let (Some(p), Some(node)) = (&pattern, f.get("pattern")) {
        if !fixed_strings && !p.contains("{{") {
            l.check_regex(p, node, &f.child("pattern"));
        }
    }
    let mut paths = Vec::new();
    for (p, node, path) in l.reader.strings(f, "paths") {
        l.check_template(&p, node, &path, false);
        paths.push(p);
    }
    if paths.is_empty() {
        paths.push(".".to_string());
    }
    let include = l.reader.strings(f, "include").into_iter().map(|(s, ..)| s).collect();
    let exclude = l.reader.strings(f, "exclude").into_iter().map(|(s, ..)| s).collect();
    let context = l.reader.uint(f, "context").unwrap_or(0) as usize;
    Some(GrepAction { pattern: pattern?, paths, include, exclude, ignore_case, fixed_strings, context })
}

fn blame(l: &mut Loader<'_>, f: &Fields<'_>) -> Option<BlameAction> {
    let file = templated(l, f, "file", true, false);
    let lines = templated(l, f, "lines", false, false);
    if let (Some(lines), Some(node)) = (&lines, f.get("lines")) {
        if !lines.contains("{{") && parse_line_range(lines).is_none() {
            l.reader.error(node, &f.child("lines"), format!("lines `{lines}` is not \"A,B\" or \"N\" (1-based)"));
        }
    }
    let rev = templated(l, f, "rev", false, false);
    Some(BlameAction { file: file?, lines, rev })
}

/// `"A,B"` or `"N"` → an inclusive, 1-based range.
pub fn parse_line_range(text: &str) -> Option<(usize, usize)> {
    let (a, b) = match text.split_once(',') {
        Some((a, b)) => (a.trim().parse().ok()?, b.trim().parse().ok()?),
        None => {
            let n = text.trim().parse().ok()?;
            (n, n)
        }
    };
    (a >= 1 && b >= a).then_some((a, b))
}

fn simulate(l: &mut Loader<'_>, f: &Fields<'_>) -> Option<SimulateAction> {
    let program = templated(l, f, "program", true, false);
    let go = l.reader.string(f, "go", false);
    if let (Some(v), Some(node)) = (&go, f.get("go")) {
        let minor = v.strip_prefix("1.").and_then(|m| m.parse::<u32>().ok());
        if !matches!(minor, Some(19..=27)) {
            l.reader.error(node, &f.child("go"), format!("go `{v}` is not a version from 1.19 to 1.27"));
        }
    }
    let seed = l.reader.uint(f, "seed");
    let runs = l.reader.uint(f, "runs");
    let exhaustive = l.reader.bool(f, "exhaustive").unwrap_or(false);
    let gctrace = templated(l, f, "gctrace", false, false);
    Some(SimulateAction { program: program?, go, seed, runs, exhaustive, gctrace })
}

fn evidence(l: &mut Loader<'_>, f: &Fields<'_>) -> EvidenceAction {
    let repo = templated(l, f, "repo", false, false);
    let mut examples = Vec::new();
    for (node, path) in l.reader.list(f, "examples") {
        if let Some(text) = l.reader.scalar(node, &path) {
            examples.push(text);
        }
    }
    EvidenceAction { repo, examples }
}

fn choose(l: &mut Loader<'_>, f: &Fields<'_>) -> Option<ChooseAction> {
    let question = l.reader.string(f, "question", true);
    let mut options: Vec<ChoiceOption> = Vec::new();
    if !f.has("options") {
        l.reader.missing(f, "options");
    }
    for (node, path) in l.reader.list(f, "options") {
        let Some(of) = l.reader.fields(node, &path, &OPTION_KEYS) else { continue };
        let label = l.reader.string(&of, "label", true);
        let id = l.reader.string(&of, "id", false).or_else(|| label.as_deref().map(slug));
        let description = l.reader.string(&of, "description", false).unwrap_or_default();
        let goto = l.reader.string(&of, "goto", false);
        if let (Some(target), Some(goto_node)) = (&goto, of.get("goto")) {
            l.gotos.push((target.clone(), goto_node.clone(), of.child("goto")));
        }
        let (Some(id), Some(label)) = (id, label) else { continue };
        if options.iter().any(|o| o.id == id) {
            l.reader.error(node, &path, format!("duplicate option id `{id}`"));
        }
        options.push(ChoiceOption { id, label, description, goto });
    }
    if f.has("options") && options.is_empty() {
        l.reader.error(f.node, &f.child("options"), "a choice needs at least one option");
    }
    Some(ChooseAction { question: question?, options })
}

/// An option id from its label: `Read-heavy → RWMutex` → `read-heavy-rwmutex`.
fn slug(label: &str) -> String {
    let mut out = String::new();
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

fn checklist(l: &mut Loader<'_>, node: &super::yaml::Node, path: &str) -> Option<Action> {
    let items_node;
    let (list_node, list_path) = match &node.kind {
        NodeKind::Map(_) => {
            let f = l.reader.fields(node, path, &["items"])?;
            items_node = f.get("items")?;
            (items_node, f.child("items"))
        }
        _ => (node, path.to_string()),
    };
    let mut items = Vec::new();
    for (item, item_path) in l.reader.items(list_node, &list_path) {
        // An item is its text, or `{text, optional}`: an optional item does not block the step.
        if let NodeKind::Map(_) = &item.kind {
            let Some(f) = l.reader.fields(item, &item_path, &["text", "optional"]) else { continue };
            let text = l.reader.string(&f, "text", true);
            let optional = l.reader.bool(&f, "optional").unwrap_or(false);
            if let Some(text) = text {
                items.push(ChecklistItem { text, optional });
            }
        } else if let Some(text) = l.reader.scalar(item, &item_path) {
            items.push(ChecklistItem { text, optional: false });
        }
    }
    if items.is_empty() {
        l.reader.error(node, path, "a checklist needs at least one item");
        return None;
    }
    Some(Action::Checklist(items))
}
