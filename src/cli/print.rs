//! A plain-text rendering of a runbook, for `runbook open` without a terminal (piped output).

use crate::engine::{Action, Runbook};

pub fn render(rb: &Runbook) -> String {
    let mut out = format!("# {}\n\n{}\n", rb.title, rb.summary.trim_end());
    for (p, phase) in rb.phases.iter().enumerate() {
        out.push_str(&format!("\n## {}. {}\n", p + 1, phase.title));
        for step in &phase.steps {
            out.push_str(&format!("\n### {} [{}]\n", step.title, step.id));
            if !step.text.trim().is_empty() {
                out.push_str(&format!("\n{}\n", step.text.trim_end()));
            }
            match &step.action {
                Some(Action::Run(run)) => {
                    out.push_str(&format!("\n    $ {}    ({})\n", run.command, step.mode.as_str()));
                }
                Some(Action::Choose(c)) => {
                    out.push_str(&format!("\n{}\n", c.question));
                    for (i, o) in c.options.iter().enumerate() {
                        out.push_str(&format!("  {}. {} [{}]\n", i + 1, o.label, o.id));
                    }
                }
                Some(Action::Checklist(items)) => {
                    for item in items {
                        let optional = if item.optional { " (optional)" } else { "" };
                        out.push_str(&format!("  [ ] {}{optional}\n", item.text));
                    }
                }
                Some(other) => out.push_str(&format!("\n    ({} action)\n", other.kind())),
                None => {}
            }
        }
    }
    out
}
