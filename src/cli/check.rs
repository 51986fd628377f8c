//! `runbook check FILE...`: validates without running anything; every problem with file:line:col and step path.

use super::Code;
use crate::engine;
use std::io::Write;

/// Exit code: 0 every file is valid, 2 some file could not be read or has problems (printed as found).
pub fn run(files: &[String]) -> anyhow::Result<Code> {
    let mut out = crate::textsafe::stdout(false);
    let mut code = Code::Success;
    for file in files {
        let bytes = match super::source::read_runbook(std::path::Path::new(file)) {
            Ok(b) => b,
            Err(e) => {
                crate::textsafe::eprint_line(&e.to_string());
                code = Code::ProblemsReported;
                continue;
            }
        };
        match engine::load(file, &bytes) {
            Ok(rb) => {
                // Warnings do not fail the check: the runbook is valid, one of its promises is doubtful.
                for w in engine::observe_lint::warnings(&rb) {
                    crate::textsafe::eprint_line(&format!(
                        "{file}:{}:{}: {}: warning: {}",
                        w.line, w.col, w.path, w.message
                    ));
                }
                let (phases, steps) = (rb.phases.len(), rb.step_count());
                let s = |n: usize| if n == 1 { "" } else { "s" };
                writeln!(out, "{file}: ok ({phases} phase{}, {steps} step{})", s(phases), s(steps))?
            }
            Err(e) => {
                crate::textsafe::eprint_line(&e.to_string());
                let n = e.diagnostics.len();
                crate::textsafe::eprint_line(&format!("{file}: {n} problem{}", if n == 1 { "" } else { "s" }));
                code = Code::ProblemsReported;
            }
        }
    }
    out.flush()?;
    Ok(code)
}
