//! Rendering a step's action with the values known now: templates resolved against vars, built-ins and
//! captures, commands as a script whose values travel as `RB_*` variables (and, for
//! reading, with every value as shell-quoted words), paths joined onto the working directory. Kept apart
//! from the state machine so that what a step *would* run (the confirmation dialog) and what it runs are one code.

use super::machine::{CommandSpec, ProbeRequest, Session};
use super::model::*;
use super::template::{self, Reference, Resolver};
use super::value::Value;
use std::collections::BTreeMap;

impl Session {
    pub(super) fn render_run(&self, step: Option<&Step>, run: &RunAction) -> Result<CommandSpec, String> {
        let command = template::render_shell(&run.command, self)?;
        let script = super::script::render_script(&run.command, self)?;
        let cwd = match &run.cwd {
            Some(cwd) => join_path(&self.context.workdir, &template::render_plain(cwd, self)?),
            None => self.context.workdir.clone(),
        };
        let mut env = BTreeMap::new();
        for (k, v) in &run.env {
            env.insert(k.clone(), template::render_plain(v, self)?);
        }
        let separate_streams = step
            .map(|s| s.captures.iter().any(|c| matches!(c.from, CaptureFrom::Stdout | CaptureFrom::Stderr)))
            .unwrap_or(false);
        Ok(CommandSpec {
            command,
            script: script.text,
            script_env: script.env,
            script_files: script.files,
            cwd,
            env,
            timeout: run.timeout,
            grace: run.grace,
            separate_streams,
            spill_cap: run.spill_cap,
        })
    }

    pub(super) fn render_parse(&self, p: &ParseAction) -> Result<ProbeRequest, String> {
        let text = p.input.as_ref().map(|t| template::render_plain(t, self)).transpose()?;
        let file = p.file.as_ref().map(|f| template::render_plain(f, self).map(|f| self.path(&f))).transpose()?;
        Ok(ProbeRequest::Parse { text, file, kind: p.kind })
    }

    pub(super) fn render_grep(&self, g: &GrepAction) -> Result<ProbeRequest, String> {
        let mut rendered = g.clone();
        rendered.pattern = template::render_plain(&g.pattern, self)?;
        rendered.paths =
            g.paths.iter().map(|p| template::render_plain(p, self).map(|p| self.path(&p))).collect::<Result<_, _>>()?;
        Ok(ProbeRequest::Grep(rendered))
    }

    pub(super) fn render_blame(&self, b: &BlameAction) -> Result<ProbeRequest, String> {
        let file = self.path(&template::render_plain(&b.file, self)?);
        let lines = match &b.lines {
            Some(l) => {
                let text = template::render_plain(l, self)?;
                Some(super::actions::parse_line_range(&text).ok_or_else(|| format!("lines `{text}` is not A,B or N"))?)
            }
            None => None,
        };
        let rev = b.rev.as_ref().map(|r| template::render_plain(r, self)).transpose()?;
        Ok(ProbeRequest::Blame { file, lines, rev })
    }

    pub(super) fn render_simulate(&self, s: &SimulateAction) -> Result<ProbeRequest, String> {
        let mut rendered = s.clone();
        rendered.program = template::render_plain(&s.program, self)?;
        rendered.gctrace =
            s.gctrace.as_ref().map(|g| template::render_plain(g, self).map(|g| self.path(&g))).transpose()?;
        Ok(ProbeRequest::Simulate(rendered))
    }

    /// A plain (non-shell) template rendered with the current values.
    pub(super) fn render_text(&self, text: &str) -> Result<String, String> {
        template::render_plain(text, self)
    }

    pub(super) fn path(&self, p: &str) -> String {
        join_path(&self.context.workdir, p)
    }
}

impl Resolver for Session {
    fn resolve(&self, reference: &Reference) -> Result<Value, String> {
        let name = reference.name.as_str();
        let base = match name {
            "assets_dir" => Value::Str(self.context.assets_dir.clone()),
            "runbook_dir" => Value::Str(self.context.runbook_dir.clone()),
            "workdir" => Value::Str(self.context.workdir.clone()),
            "evidence" | "evidence_file" | "evidence_files" | "evidence_text" => self.evidence_builtin(name)?,
            _ => match (self.vars.get(name), self.captures.get(name)) {
                (Some(v), _) => Value::Str(v.clone()),
                (None, Some(v)) => v.clone(),
                (None, None) if self.runbook.vars.iter().any(|v| v.name == name) => {
                    return Err(format!(
                        "var `{name}` has no value yet: set it (`v` in the terminal UI, --var {name}=VALUE headless)"
                    ))
                }
                (None, None) => return Err(self.never_set(name)),
            },
        };
        base.lookup(&reference.path).cloned().map_err(|e| format!("`{{{{{name}…}}}}`: {e}"))
    }
}

impl Session {
    fn evidence_builtin(&self, name: &str) -> Result<Value, String> {
        let Some(evidence) = &self.evidence else {
            return Err(format!(
                "`{name}` has no value yet: this session has no evidence (give the crash log with --log FILE, or run \
                 the evidence step)"
            ));
        };
        Ok(match name {
            "evidence" => evidence.triage.clone(),
            "evidence_file" => Value::Str(evidence.files.first().map(|f| f.path.clone()).unwrap_or_default()),
            "evidence_files" => Value::List(evidence.files.iter().map(|f| Value::Str(f.path.clone())).collect()),
            _ => match &evidence.text {
                Some(text) => Value::Str(text.clone()),
                None => {
                    let bytes: u64 = evidence.files.iter().map(|f| f.bytes).sum();
                    return Err(format!(
                        "`evidence_text` is only kept for small logs and this evidence is {bytes} bytes: use \
                         `{{{{evidence_file}}}}`"
                    ));
                }
            },
        })
    }

    fn never_set(&self, name: &str) -> String {
        let setter = self.runbook.steps().enumerate().find(|(_, s)| s.captures.iter().any(|c| c.name == name));
        match setter {
            Some((i, s)) => format!(
                "capture `{name}` was never set: step `{}` that sets it is {}",
                s.id,
                self.status(i).as_str().replace('_', " ")
            ),
            None => format!("`{name}` is not defined"),
        }
    }
}

/// Joins a relative path onto a base; absolute paths stay as they are.
fn join_path(base: &str, path: &str) -> String {
    if path.starts_with('/') {
        path.to_string()
    } else if path == "." || path.is_empty() {
        base.to_string()
    } else {
        format!("{}/{}", base.trim_end_matches('/'), path.trim_start_matches("./"))
    }
}
